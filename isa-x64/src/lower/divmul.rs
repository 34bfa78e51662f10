//! Multiplication and division: `imul` (and `_imm`), `umulhi`/`smulhi`,
//! `udiv`/`sdiv`/`urem`/`srem` (and `_imm`), `umul_overflow`/`smul_overflow`.
//!
//! Division traps as CLIF says: a zero divisor traps `int_divz`, `sdiv` of MIN by
//! -1 traps `int_ovf`, and `srem` of MIN by -1 is 0. `div`/`idiv` fault on exactly
//! these at 32 and 64 bits, so:
//! - `udiv`/`urem`: the fault can only be a zero divisor: recorded as `int_divz`;
//! - `srem`: a divisor of -1 is replaced by 1 (same remainder, 0), so again only zero
//!   faults;
//! - `sdiv`: an explicit zero check first, then the fault can only be overflow;
//! - `i8`/`i16` divide at 32 bits after extending (no fault for narrow overflow), so
//!   narrow `sdiv` also checks MIN / -1 explicitly.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, TrapCode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::alu::setcc01;
use super::mem;
use super::*;
use crate::imms::ShiftImm;
use crate::inst::{AluOp, CmpOp, ShiftBy, ShiftKind, CC};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    let ty = out_ty(ctx, inst)?;
    let dst = out(ctx, inst)?;
    let bits = ty.bits();
    match (op, data(ctx, inst).clone()) {
        (Imul, InstructionData::Binary { args: [a, b], .. }) => {
            let size = alu_size(ty);
            let (a, b) = if const_of(ctx, a).is_some() {
                (b, a)
            } else {
                (a, b)
            };
            if let Some(imm) = const_of(ctx, b).and_then(Simm32::maybe_from_i64) {
                let ra = put(ctx, a)?;
                return ctx.emit(Inst::IMulImm {
                    size,
                    src: RegMem::Reg(ra),
                    imm,
                    dst,
                });
            }
            let (a, b) = if mem::sunk_load_operand_is(ctx, a, inst) {
                (b, a)
            } else {
                (a, b)
            };
            if let Some((m, flags)) = mem::sunk_load_operand(ctx, b, inst)? {
                let ra = put(ctx, a)?;
                return ctx.emit(mem::trapping(
                    flags,
                    Inst::IMul {
                        size,
                        src1: ra,
                        src2: RegMem::Mem(m),
                        dst,
                    },
                ));
            }
            let ra = put(ctx, a)?;
            let rb = put(ctx, b)?;
            ctx.emit(Inst::IMul {
                size,
                src1: ra,
                src2: RegMem::Reg(rb),
                dst,
            })
        }
        (ImulImm, InstructionData::BinaryImm64 { arg, imm, .. }) => {
            let ra = put(ctx, arg)?;
            match Simm32::maybe_from_i64(sext(imm.0 as u64, bits)) {
                Some(i) => ctx.emit(Inst::IMulImm {
                    size: alu_size(ty),
                    src: RegMem::Reg(ra),
                    imm: i,
                    dst,
                }),
                None => {
                    let c = const_reg(ctx, imm.0 as u64)?;
                    ctx.emit(Inst::IMul {
                        size: alu_size(ty),
                        src1: ra,
                        src2: RegMem::Reg(c),
                        dst,
                    })
                }
            }
        }
        (Umulhi | Smulhi, InstructionData::Binary { args: [a, b], .. }) => {
            let signed = op == Smulhi;
            if bits == 64 {
                let ra = put(ctx, a)?;
                let rb = put(ctx, b)?;
                let lo = tmp(ctx);
                return ctx.emit(Inst::MulWide {
                    size: OperandSize::S64,
                    signed,
                    src1: ra,
                    src2: RegMem::Reg(rb),
                    dst_lo: lo,
                    dst_hi: dst,
                });
            }
            // Narrow: the full product fits in 64 bits.
            let ra = extend(ctx, a, signed, 64)?;
            let rb = extend(ctx, b, signed, 64)?;
            let p = tmp(ctx);
            ctx.emit(Inst::IMul {
                size: OperandSize::S64,
                src1: ra,
                src2: RegMem::Reg(rb),
                dst: p,
            })?;
            let kind = if signed {
                ShiftKind::Sar
            } else {
                ShiftKind::Shr
            };
            let by = ShiftBy::Imm(
                ShiftImm::maybe_from_u64(u64::from(bits), 64)
                    .ok_or_else(|| unsupported(inst, op))?,
            );
            ctx.emit(Inst::Shift {
                size: OperandSize::S64,
                kind,
                src: p.to_reg(),
                by,
                dst,
            })
        }
        (UmulOverflow | SmulOverflow, InstructionData::Binary { args: [a, b], .. }) => {
            let signed = op == SmulOverflow;
            let ra = put(ctx, a)?;
            let rb = put(ctx, b)?;
            if signed && bits > 8 {
                ctx.emit(Inst::IMul {
                    size: size_of(ty),
                    src1: ra,
                    src2: RegMem::Reg(rb),
                    dst,
                })?;
            } else {
                let hi = tmp(ctx);
                ctx.emit(Inst::MulWide {
                    size: size_of(ty),
                    signed,
                    src1: ra,
                    src2: RegMem::Reg(rb),
                    dst_lo: dst,
                    dst_hi: hi,
                })?;
            }
            let of = ctx.output_reg(inst, 1)?;
            setcc01(ctx, CC::O, of)
        }
        (Udiv | Urem | Sdiv | Srem, InstructionData::Binary { args: [a, b], .. }) => {
            let ra = put(ctx, a)?;
            let rb = put(ctx, b)?;
            divide(ctx, op, ty, ra, rb, dst)
        }
        (UdivImm | UremImm | SdivImm | SremImm, InstructionData::BinaryImm64 { arg, imm, .. }) => {
            let base = match op {
                UdivImm => Udiv,
                UremImm => Urem,
                SdivImm => Sdiv,
                _ => Srem,
            };
            let ra = put(ctx, arg)?;
            let rb = const_reg(ctx, mask(imm.0 as u64, bits))?;
            divide(ctx, base, ty, ra, rb, dst)
        }
        _ => Err(unsupported(inst, op)),
    }
}

/// `dst = a / b` or `a % b` (`op` one of `udiv urem sdiv srem`) with CLIF's traps.
fn divide(
    ctx: &mut Lower<'_, Inst>,
    op: Opcode,
    ty: Type,
    a: Reg,
    b: Reg,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let bits = ty.bits();
    let signed = matches!(op, Opcode::Sdiv | Opcode::Srem);
    let is_rem = matches!(op, Opcode::Urem | Opcode::Srem);
    let w = if bits <= 32 { 32 } else { 64 };
    let size = if w == 32 {
        OperandSize::S32
    } else {
        OperandSize::S64
    };
    let a = extend_reg(ctx, a, bits, signed, w)?;
    let mut b = extend_reg(ctx, b, bits, signed, w)?;
    let mut trap = TrapCode::INTEGER_DIVISION_BY_ZERO;
    if op == Opcode::Sdiv {
        ctx.emit(Inst::CmpRmiR {
            size,
            op: CmpOp::Test,
            src1: b,
            src2: RegMemImm::Reg(b),
        })?;
        ctx.emit(Inst::TrapIf {
            cc: CC::Z,
            code: TrapCode::INTEGER_DIVISION_BY_ZERO,
        })?;
        if bits < 32 {
            narrow_overflow_check(ctx, a, b, bits)?;
        }
        trap = TrapCode::INTEGER_OVERFLOW;
    }
    if op == Opcode::Srem && bits >= 32 {
        let one = const_reg(ctx, 1)?;
        let m1 = RegMemImm::Imm(Simm32::from_i32(-1));
        ctx.emit(Inst::CmpRmiR {
            size,
            op: CmpOp::Cmp,
            src1: b,
            src2: m1,
        })?;
        let nb = tmp(ctx);
        ctx.emit(Inst::Cmove {
            size,
            cc: CC::Z,
            consequent: RegMem::Reg(one),
            alternative: b,
            dst: nb,
        })?;
        b = nb.to_reg();
    }
    let hi = tmp(ctx);
    if signed {
        ctx.emit(Inst::SignExtendData {
            size,
            src: a,
            dst: hi,
        })?;
    } else {
        constant(ctx, 0, hi)?;
    }
    let q = tmp(ctx);
    let r = tmp(ctx);
    ctx.emit(Inst::Div {
        size,
        signed,
        divisor: RegMem::Reg(b),
        dividend_lo: a,
        dividend_hi: hi.to_reg(),
        dst_quotient: q,
        dst_remainder: r,
        trap,
    })?;
    let res = if is_rem { r } else { q };
    ctx.emit(Inst::MovRR {
        size: OperandSize::S64,
        src: res.to_reg(),
        dst,
    })
}

/// Trap `int_ovf` when the sign-extended narrow `a` is MIN and `b` is -1.
fn narrow_overflow_check(
    ctx: &mut Lower<'_, Inst>,
    a: Reg,
    b: Reg,
    bits: u32,
) -> Result<(), LowerError> {
    let min = -(1i32 << (bits - 1));
    ctx.emit(Inst::CmpRmiR {
        size: OperandSize::S32,
        op: CmpOp::Cmp,
        src1: a,
        src2: RegMemImm::Imm(Simm32::from_i32(min)),
    })?;
    let t1 = tmp(ctx);
    ctx.emit(Inst::Setcc { cc: CC::Z, dst: t1 })?;
    ctx.emit(Inst::CmpRmiR {
        size: OperandSize::S32,
        op: CmpOp::Cmp,
        src1: b,
        src2: RegMemImm::Imm(Simm32::from_i32(-1)),
    })?;
    let t2 = tmp(ctx);
    ctx.emit(Inst::Setcc { cc: CC::Z, dst: t2 })?;
    let t3 = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S8,
        op: AluOp::And,
        src1: t1.to_reg(),
        src2: RegMemImm::Reg(t2.to_reg()),
        dst: t3,
    })?;
    ctx.emit(Inst::TrapIf {
        cc: CC::NZ,
        code: TrapCode::INTEGER_OVERFLOW,
    })
}
