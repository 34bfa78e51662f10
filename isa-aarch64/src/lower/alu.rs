//! Integer arithmetic, logic, shifts and rotates, bit counting, extensions and
//! constants (see the module doc of [`super`] for the narrow-type rules).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, TrapCode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::imms::NZCV;
use crate::imms::{Imm12, ImmLogic, ImmShift};
use crate::inst::{ALUOp, ALUOp3, BitOp, CSelOp, Cond, CondBrKind, ImmShiftOp};

const NZCV_ZERO: NZCV = NZCV {
    n: false,
    z: false,
    c: false,
    v: false,
};
use crate::regs::zero_reg;

/// The second operand of a binary operation: a value, or the immediate of an
/// `*_imm` opcode (or of an `iconst` feeding the operation).
#[derive(Clone, Copy)]
enum Rhs {
    Val(Value),
    Imm(i64),
}

impl Rhs {
    fn konst(self, ctx: &Lower<'_, Inst>) -> Option<i64> {
        match self {
            Rhs::Imm(i) => Some(i),
            Rhs::Val(v) => ctx.value_as_iconst(v),
        }
    }
}

/// `Rhs` in a register (immediates are materialized).
fn rhs_reg(ctx: &mut Lower<'_, Inst>, rhs: Rhs, size: OperandSize) -> Result<Reg, LowerError> {
    match rhs {
        // An i128 shift amount: only its low bits matter (amounts are masked).
        Rhs::Val(v) if ctx.value_type(v)? == Type::I128 => Ok(ctx.value_regs(v)?[0]),
        Rhs::Val(v) => ctx.put_in_reg(v),
        Rhs::Imm(i) => const_reg(ctx, i as u64, size),
    }
}

/// `Rhs` extended like [`put_ext`] (an immediate is masked and extended itself).
fn rhs_ext(ctx: &mut Lower<'_, Inst>, rhs: Rhs, ty: Type, signed: bool) -> Result<Reg, LowerError> {
    match rhs {
        Rhs::Val(v) => put_ext(ctx, v, signed),
        Rhs::Imm(i) => const_reg(ctx, ext_imm(i, ty, signed) as u64, size_of(ty)),
    }
}

/// `i` truncated to `ty` and extended back (signed or not) to 64 bits.
fn ext_imm(i: i64, ty: Type, signed: bool) -> i64 {
    let bits = ty.bits();
    if bits >= 64 {
        return i;
    }
    let sh = 64 - bits;
    if signed {
        (i << sh) >> sh
    } else {
        ((i as u64) << sh >> sh) as i64
    }
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let ty = ctx_ty(ctx, inst)?;
    if let InstructionData::Binary {
        opcode: Opcode::Iconcat,
        args,
    } = data
    {
        // An i128 is two registers, low half first: just copy the halves.
        let outs = ctx.output_regs(inst, 0)?;
        for (rd, v) in outs.into_iter().zip(args) {
            let rm = ctx.put_in_reg(v)?;
            ctx.emit(Inst::Mov {
                size: OperandSize::Size64,
                rd,
                rm,
            })?;
        }
        return Ok(());
    }
    if !ty.is_int() || ty == Type::I128 {
        return Err(unsupported(ctx, inst));
    }
    let (a, rhs) = match &data {
        InstructionData::Binary { args, .. } => (Some(args[0]), Some(Rhs::Val(args[1]))),
        InstructionData::BinaryImm64 { arg, imm, .. } => (Some(*arg), Some(Rhs::Imm(imm.0))),
        InstructionData::Unary { arg, .. } => (Some(*arg), None),
        _ => (None, None),
    };
    use Opcode::*;
    match (op, a, rhs) {
        (Iconst, _, _) => {
            let InstructionData::UnaryImm { imm, .. } = data else {
                return Err(unsupported(ctx, inst));
            };
            let rd = ctx_out(ctx, inst)?;
            load_const_into(ctx, rd, imm.0 as u64, size_of(ty))
        }
        (Iadd | IaddImm, Some(a), Some(b)) => add_sub(ctx, inst, ty, a, b, false),
        (Isub, Some(a), Some(b)) => add_sub(ctx, inst, ty, a, b, true),
        (IrsubImm, Some(a), Some(Rhs::Imm(i))) => {
            let size = size_of(ty);
            let k = const_reg(ctx, i as u64, size)?;
            let rm = ctx.put_in_reg(a)?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Sub,
                size,
                rd,
                rn: k,
                rm,
            })
        }
        (Imul | ImulImm, Some(a), Some(b)) => {
            let size = size_of(ty);
            let rn = ctx.put_in_reg(a)?;
            let rm = rhs_reg(ctx, b, size)?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::AluRRRR {
                op: ALUOp3::MAdd,
                size,
                rd,
                rn,
                rm,
                ra: zero_reg(),
            })
        }
        (Umulhi | Smulhi, Some(a), Some(b)) => mulhi(ctx, inst, ty, a, b, op == Smulhi),
        (Udiv | Sdiv | Urem | Srem | UdivImm | SdivImm | UremImm | SremImm, Some(a), Some(b)) => {
            div_rem(ctx, inst, ty, op, a, b)
        }
        (
            Band | Bor | Bxor | BandNot | BorNot | BxorNot | BandImm | BorImm | BxorImm,
            Some(a),
            Some(b),
        ) => logic(ctx, inst, ty, op, a, b),
        (Bnot, Some(a), None) => {
            let rm = ctx.put_in_reg(a)?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::AluRRR {
                op: ALUOp::OrrNot,
                size: size_of(ty),
                rd,
                rn: zero_reg(),
                rm,
            })
        }
        (Ineg, Some(a), None) => {
            let rm = ctx.put_in_reg(a)?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Sub,
                size: size_of(ty),
                rd,
                rn: zero_reg(),
                rm,
            })
        }
        (Iabs, Some(a), None) => {
            let size = size_of(ty);
            let x = put_ext(ctx, a, true)?;
            ctx.emit(Inst::cmp(size, x, zero_reg()))?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::CSel {
                op: CSelOp::Csneg,
                size,
                rd,
                rn: x,
                rm: x,
                cond: Cond::Ge,
            })
        }
        (Smin | Smax | Umin | Umax, Some(a), Some(Rhs::Val(b))) => {
            let signed = matches!(op, Smin | Smax);
            let size = size_of(ty);
            let x = put_ext(ctx, a, signed)?;
            let y = put_ext(ctx, b, signed)?;
            ctx.emit(Inst::cmp(size, x, y))?;
            let cond = match op {
                Smin => Cond::Lt,
                Smax => Cond::Gt,
                Umin => Cond::Lo,
                _ => Cond::Hi,
            };
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::CSel {
                op: CSelOp::Csel,
                size,
                rd,
                rn: x,
                rm: y,
                cond,
            })
        }
        (Ishl | Ushr | Sshr | IshlImm | UshrImm | SshrImm, Some(a), Some(b)) => {
            shift(ctx, inst, ty, op, a, b)
        }
        (Rotl | Rotr | RotlImm | RotrImm, Some(a), Some(b)) => rotate(ctx, inst, ty, op, a, b),
        (Clz | Cls | Ctz | Bitrev | Bswap | Popcnt, Some(a), None) => bits(ctx, inst, ty, op, a),
        (Bmask, Some(a), None) => {
            let src_ty = ctx.value_type(a)?;
            let x = put_ext(ctx, a, false)?;
            ctx.emit(Inst::cmp(size_of(src_ty), x, zero_reg()))?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::CSetm {
                size: OperandSize::Size64,
                rd,
                cond: Cond::Ne,
            })
        }
        (Ireduce, Some(a), None) => {
            let rm = ctx.put_in_reg(a)?;
            let rd = ctx_out(ctx, inst)?;
            ctx.emit(Inst::Mov {
                size: OperandSize::Size64,
                rd,
                rm,
            })
        }
        (Uextend | Sextend, Some(a), None) => {
            let from = ctx.value_type(a)?.bits() as u8;
            let rn = ctx.put_in_reg(a)?;
            let rd = ctx_out(ctx, inst)?;
            let to = if ty == Type::I64 { 64 } else { 32 };
            if from >= to {
                return ctx.emit(Inst::Mov {
                    size: OperandSize::Size64,
                    rd,
                    rm: rn,
                });
            }
            ctx.emit(Inst::Extend {
                rd,
                rn,
                signed: op == Sextend,
                from_bits: from,
                to_bits: to,
            })
        }
        (UaddSat | UsubSat | SaddSat | SsubSat, Some(a), Some(Rhs::Val(b))) => {
            sat(ctx, inst, ty, op, a, b)
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

fn ctx_ty(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Type, LowerError> {
    ctrl_type(ctx, inst)
}

fn ctx_out(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Writable<Reg>, LowerError> {
    ctx.output_reg(inst, 0)
}

fn add_sub(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    a: Value,
    b: Rhs,
    sub: bool,
) -> Result<(), LowerError> {
    let size = size_of(ty);
    let rn = ctx.put_in_reg(a)?;
    if let Some(k) = b.konst(ctx) {
        let k = ext_imm(k, ty, true);
        let (neg, mag) = if k < 0 {
            (!sub, k.unsigned_abs())
        } else {
            (sub, k as u64)
        };
        if let Some(imm12) = Imm12::maybe_from_u64(mag) {
            let op = if neg { ALUOp::Sub } else { ALUOp::Add };
            let rd = ctx.output_reg(inst, 0)?;
            return ctx.emit(Inst::AluRRImm12 {
                op,
                size,
                rd: w_sp_slot(rd),
                rn: sp_slot(rn),
                imm12,
            });
        }
    }
    let rm = rhs_reg(ctx, b, size)?;
    let rd = ctx.output_reg(inst, 0)?;
    let op = if sub { ALUOp::Sub } else { ALUOp::Add };
    ctx.emit(Inst::AluRRR {
        op,
        size,
        rd,
        rn,
        rm,
    })
}

fn mulhi(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    a: Value,
    b: Rhs,
    signed: bool,
) -> Result<(), LowerError> {
    let x = put_ext(ctx, a, signed)?;
    let y = rhs_ext(ctx, b, ty, signed)?;
    let rd = ctx.output_reg(inst, 0)?;
    if ty == Type::I64 {
        let op = if signed { ALUOp::SMulH } else { ALUOp::UMulH };
        return ctx.emit(Inst::AluRRR {
            op,
            size: OperandSize::Size64,
            rd,
            rn: x,
            rm: y,
        });
    }
    // Narrow: the full product fits 64 bits; take its high half.
    let prod = tmp(ctx);
    if ty == Type::I32 {
        let op = if signed {
            ALUOp3::SMAddL
        } else {
            ALUOp3::UMAddL
        };
        ctx.emit(Inst::AluRRRR {
            op,
            size: OperandSize::Size64,
            rd: prod,
            rn: x,
            rm: y,
            ra: zero_reg(),
        })?;
    } else {
        ctx.emit(Inst::AluRRRR {
            op: ALUOp3::MAdd,
            size: OperandSize::Size32,
            rd: prod,
            rn: x,
            rm: y,
            ra: zero_reg(),
        })?;
    }
    let bits = u64::from(ty.bits());
    let size = if ty == Type::I32 {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    };
    let immshift = ImmShift::maybe_from_u64(bits, size).expect("type width is a valid shift");
    let op = if signed {
        ImmShiftOp::Asr
    } else {
        ImmShiftOp::Lsr
    };
    ctx.emit(Inst::AluRRImmShift {
        op,
        size,
        rd,
        rn: prod.to_reg(),
        immshift,
    })
}

fn div_rem(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
    b: Rhs,
) -> Result<(), LowerError> {
    use Opcode::*;
    let signed = matches!(op, Sdiv | Srem | SdivImm | SremImm);
    let is_rem = matches!(op, Urem | Srem | UremImm | SremImm);
    let size = size_of(ty);
    let x = put_ext(ctx, a, signed)?;
    let y = rhs_ext(ctx, b, ty, signed)?;
    let known_nonzero = b.konst(ctx).is_some_and(|k| ext_imm(k, ty, false) != 0);
    if !known_nonzero {
        ctx.emit(Inst::TrapIf {
            kind: CondBrKind::Zero(y, size),
            trap_code: TrapCode::INTEGER_DIVISION_BY_ZERO,
        })?;
    }
    let q = if is_rem {
        tmp(ctx)
    } else {
        ctx.output_reg(inst, 0)?
    };
    let dop = if signed { ALUOp::SDiv } else { ALUOp::UDiv };
    if signed && !is_rem && b.konst(ctx).is_none_or(|k| ext_imm(k, ty, true) == -1) {
        if ty.bits() >= 32 {
            // Overflow iff y == -1 and x == MIN: `cmn y, #1` sets Z for y == -1; then
            // `ccmp x, #1` sets V exactly for x == MIN (else flags = 0, V clear).
            let one = Imm12::maybe_from_u64(1).expect("1 fits");
            ctx.emit(Inst::AluRRImm12S {
                op: ALUOp::AddS,
                size,
                rd: Writable::from_reg(zero_reg()),
                rn: sp_slot(y),
                imm12: one,
            })?;
            let imm = crate::imms::UImm5::maybe_from_u64(1).expect("1 fits");
            ctx.emit(Inst::CCmpImm {
                size,
                rn: x,
                imm,
                nzcv: NZCV_ZERO,
                cond: Cond::Eq,
            })?;
            ctx.emit(Inst::TrapIf {
                kind: CondBrKind::Cond(Cond::Vs),
                trap_code: TrapCode::INTEGER_OVERFLOW,
            })?;
        } else {
            // 8/16-bit operands are sign-extended to 32: MIN / -1 yields 2^(bits-1)
            // exactly, and only then.
            let t = tmp(ctx);
            ctx.emit(Inst::AluRRR {
                op: dop,
                size,
                rd: t,
                rn: x,
                rm: y,
            })?;
            let k = Imm12::maybe_from_u64(1 << (ty.bits() - 1)).expect("128 and 32768 fit imm12");
            ctx.emit(Inst::AluRRImm12S {
                op: ALUOp::SubS,
                size,
                rd: Writable::from_reg(zero_reg()),
                rn: sp_slot(t.to_reg()),
                imm12: k,
            })?;
            ctx.emit(Inst::TrapIf {
                kind: CondBrKind::Cond(Cond::Eq),
                trap_code: TrapCode::INTEGER_OVERFLOW,
            })?;
            return ctx.emit(Inst::Mov {
                size: OperandSize::Size64,
                rd: q,
                rm: t.to_reg(),
            });
        }
    }
    ctx.emit(Inst::AluRRR {
        op: dop,
        size,
        rd: q,
        rn: x,
        rm: y,
    })?;
    if is_rem {
        let rd = ctx.output_reg(inst, 0)?;
        ctx.emit(Inst::AluRRRR {
            op: ALUOp3::MSub,
            size,
            rd,
            rn: q.to_reg(),
            rm: y,
            ra: x,
        })?;
    }
    Ok(())
}

fn logic(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
    b: Rhs,
) -> Result<(), LowerError> {
    use Opcode::*;
    let size = size_of(ty);
    let aop = match op {
        Band | BandImm => ALUOp::And,
        Bor | BorImm => ALUOp::Orr,
        Bxor | BxorImm => ALUOp::Eor,
        BandNot => ALUOp::AndNot,
        BorNot => ALUOp::OrrNot,
        _ => ALUOp::EorNot,
    };
    let rn = ctx.put_in_reg(a)?;
    if let (Some(k), ALUOp::And | ALUOp::Orr | ALUOp::Eor) = (b.konst(ctx), aop) {
        let k = if size == OperandSize::Size32 {
            (k as u64) & 0xffff_ffff
        } else {
            k as u64
        };
        if let Some(imml) = ImmLogic::maybe_from_u64(k, size) {
            let rd = ctx.output_reg(inst, 0)?;
            return ctx.emit(Inst::AluRRImmLogic {
                op: aop,
                size,
                rd: w_sp_slot(rd),
                rn,
                imml,
            });
        }
    }
    let rm = rhs_reg(ctx, b, size)?;
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(Inst::AluRRR {
        op: aop,
        size,
        rd,
        rn,
        rm,
    })
}

fn imm_shift(
    ctx: &mut Lower<'_, Inst>,
    op: ImmShiftOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    amt: u64,
) -> Result<(), LowerError> {
    if amt == 0 {
        return ctx.emit(Inst::Mov {
            size: OperandSize::Size64,
            rd,
            rm: rn,
        });
    }
    let immshift = ImmShift::maybe_from_u64(amt, size).expect("amount masked below the width");
    ctx.emit(Inst::AluRRImmShift {
        op,
        size,
        rd,
        rn,
        immshift,
    })
}

fn shift(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
    b: Rhs,
) -> Result<(), LowerError> {
    use Opcode::*;
    let size = size_of(ty);
    let bits = u64::from(ty.bits());
    let (sop, rop, signed) = match op {
        Ishl | IshlImm => (ImmShiftOp::Lsl, ALUOp::Lsl, false),
        Ushr | UshrImm => (ImmShiftOp::Lsr, ALUOp::Lsr, false),
        _ => (ImmShiftOp::Asr, ALUOp::Asr, true),
    };
    let x = if sop == ImmShiftOp::Lsl {
        ctx.put_in_reg(a)?
    } else {
        put_ext(ctx, a, signed)?
    };
    if let Some(k) = b.konst(ctx) {
        let amt = (k as u64) & (bits - 1);
        let rd = ctx.output_reg(inst, 0)?;
        return imm_shift(ctx, sop, size, rd, x, amt);
    }
    let mut amt = rhs_reg(ctx, b, size)?;
    if bits < 32 {
        let t = tmp(ctx);
        let imml =
            ImmLogic::maybe_from_u64(bits - 1, OperandSize::Size32).expect("7 and 15 are bitmasks");
        ctx.emit(Inst::AluRRImmLogic {
            op: ALUOp::And,
            size: OperandSize::Size32,
            rd: w_sp_slot(t),
            rn: amt,
            imml,
        })?;
        amt = t.to_reg();
    }
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(Inst::AluRRR {
        op: rop,
        size,
        rd,
        rn: x,
        rm: amt,
    })
}

fn rotate(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
    b: Rhs,
) -> Result<(), LowerError> {
    use Opcode::*;
    let size = size_of(ty);
    let bits = u64::from(ty.bits());
    let left = matches!(op, Rotl | RotlImm);
    if bits >= 32 {
        let x = ctx.put_in_reg(a)?;
        if let Some(k) = b.konst(ctx) {
            let k = (k as u64) & (bits - 1);
            let r = if left { (bits - k) & (bits - 1) } else { k };
            let rd = ctx.output_reg(inst, 0)?;
            return imm_shift(ctx, ImmShiftOp::Ror, size, rd, x, r);
        }
        let mut amt = rhs_reg(ctx, b, size)?;
        if left {
            let t = tmp(ctx);
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Sub,
                size,
                rd: t,
                rn: zero_reg(),
                rm: amt,
            })?;
            amt = t.to_reg();
        }
        let rd = ctx.output_reg(inst, 0)?;
        return ctx.emit(Inst::AluRRR {
            op: ALUOp::Ror,
            size,
            rd,
            rn: x,
            rm: amt,
        });
    }
    // 8/16 bits: (x << l) | (x >> (bits - l)) on the zero-extended value, l in 0..bits.
    let s32 = OperandSize::Size32;
    let x = put_ext(ctx, a, false)?;
    let (lsh, rsh) = match b.konst(ctx) {
        Some(k) => {
            let k = (k as u64) & (bits - 1);
            let l = if left { k } else { (bits - k) & (bits - 1) };
            (const_reg(ctx, l, s32)?, const_reg(ctx, bits - l, s32)?)
        }
        None => {
            let n = rhs_reg(ctx, b, s32)?;
            let m = tmp(ctx);
            let imml = ImmLogic::maybe_from_u64(bits - 1, s32).expect("7 and 15 are bitmasks");
            ctx.emit(Inst::AluRRImmLogic {
                op: ALUOp::And,
                size: s32,
                rd: w_sp_slot(m),
                rn: n,
                imml,
            })?;
            let w = const_reg(ctx, bits, s32)?;
            let other = tmp(ctx);
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Sub,
                size: s32,
                rd: other,
                rn: w,
                rm: m.to_reg(),
            })?;
            if left {
                (m.to_reg(), other.to_reg())
            } else {
                // rotr by m == rotl by bits - m; a left shift by `bits` clears the narrow part.
                (other.to_reg(), m.to_reg())
            }
        }
    };
    let hi = tmp(ctx);
    ctx.emit(Inst::AluRRR {
        op: ALUOp::Lsl,
        size: s32,
        rd: hi,
        rn: x,
        rm: lsh,
    })?;
    let lo = tmp(ctx);
    ctx.emit(Inst::AluRRR {
        op: ALUOp::Lsr,
        size: s32,
        rd: lo,
        rn: x,
        rm: rsh,
    })?;
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(Inst::AluRRR {
        op: ALUOp::Orr,
        size: s32,
        rd,
        rn: hi.to_reg(),
        rm: lo.to_reg(),
    })
}

fn bits(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
) -> Result<(), LowerError> {
    use Opcode::*;
    let size = size_of(ty);
    let bits = ty.bits();
    let narrow = bits < 32;
    let s32 = OperandSize::Size32;
    match op {
        Clz | Cls => {
            let x = put_ext(ctx, a, op == Cls)?;
            let bop = if op == Clz { BitOp::Clz } else { BitOp::Cls };
            if !narrow {
                let rd = ctx.output_reg(inst, 0)?;
                return ctx.emit(Inst::BitRR {
                    op: bop,
                    size,
                    rd,
                    rn: x,
                });
            }
            let t = tmp(ctx);
            ctx.emit(Inst::BitRR {
                op: bop,
                size: s32,
                rd: t,
                rn: x,
            })?;
            let rd = ctx.output_reg(inst, 0)?;
            let imm12 = Imm12::maybe_from_u64(u64::from(32 - bits)).expect("16 and 24 fit");
            ctx.emit(Inst::AluRRImm12 {
                op: ALUOp::Sub,
                size: s32,
                rd: w_sp_slot(rd),
                rn: sp_slot(t.to_reg()),
                imm12,
            })
        }
        Ctz => {
            let mut x = ctx.put_in_reg(a)?;
            if narrow {
                // A stop bit just above the type bounds the count at `bits`.
                let t = tmp(ctx);
                let imml = ImmLogic::maybe_from_u64(1 << bits, s32).expect("single bit");
                ctx.emit(Inst::AluRRImmLogic {
                    op: ALUOp::Orr,
                    size: s32,
                    rd: w_sp_slot(t),
                    rn: x,
                    imml,
                })?;
                x = t.to_reg();
            }
            let r = tmp(ctx);
            ctx.emit(Inst::BitRR {
                op: BitOp::RBit,
                size,
                rd: r,
                rn: x,
            })?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::BitRR {
                op: BitOp::Clz,
                size,
                rd,
                rn: r.to_reg(),
            })
        }
        Bitrev => {
            let x = ctx.put_in_reg(a)?;
            if !narrow {
                let rd = ctx.output_reg(inst, 0)?;
                return ctx.emit(Inst::BitRR {
                    op: BitOp::RBit,
                    size,
                    rd,
                    rn: x,
                });
            }
            let t = tmp(ctx);
            ctx.emit(Inst::BitRR {
                op: BitOp::RBit,
                size: s32,
                rd: t,
                rn: x,
            })?;
            let rd = ctx.output_reg(inst, 0)?;
            imm_shift(
                ctx,
                ImmShiftOp::Lsr,
                s32,
                rd,
                t.to_reg(),
                u64::from(32 - bits),
            )
        }
        Bswap => {
            let x = ctx.put_in_reg(a)?;
            let rd = ctx.output_reg(inst, 0)?;
            match bits {
                16 => ctx.emit(Inst::BitRR {
                    op: BitOp::Rev16,
                    size: s32,
                    rd,
                    rn: x,
                }),
                32 | 64 => ctx.emit(Inst::BitRR {
                    op: BitOp::Rev,
                    size,
                    rd,
                    rn: x,
                }),
                _ => Err(unsupported(ctx, inst)),
            }
        }
        _ => popcnt(ctx, inst, ty, a),
    }
}

/// Population count without SIMD: the classic SWAR sum in 64 bits on the
/// zero-extended value, then a multiply that gathers the byte sums in the top byte.
fn popcnt(ctx: &mut Lower<'_, Inst>, inst: IrInst, ty: Type, a: Value) -> Result<(), LowerError> {
    let x64 = OperandSize::Size64;
    let mut x = ctx.put_in_reg(a)?;
    if ty.bits() < 64 {
        x = extend(ctx, x, false, ty.bits() as u8, 64)?;
    }
    let and_imm = |ctx: &mut Lower<'_, Inst>, rn: Reg, k: u64| -> Result<Reg, LowerError> {
        let t = tmp(ctx);
        let imml = ImmLogic::maybe_from_u64(k, x64).expect("repeating pattern");
        ctx.emit(Inst::AluRRImmLogic {
            op: ALUOp::And,
            size: x64,
            rd: w_sp_slot(t),
            rn,
            imml,
        })?;
        Ok(t.to_reg())
    };
    let lsr = |ctx: &mut Lower<'_, Inst>, rn: Reg, k: u64| -> Result<Reg, LowerError> {
        let t = tmp(ctx);
        imm_shift(ctx, ImmShiftOp::Lsr, x64, t, rn, k)?;
        Ok(t.to_reg())
    };
    let alu = |ctx: &mut Lower<'_, Inst>, op: ALUOp, rn: Reg, rm: Reg| -> Result<Reg, LowerError> {
        let t = tmp(ctx);
        ctx.emit(Inst::AluRRR {
            op,
            size: x64,
            rd: t,
            rn,
            rm,
        })?;
        Ok(t.to_reg())
    };
    // x - ((x >> 1) & 0x55..)
    let s1 = lsr(ctx, x, 1)?;
    let m1 = and_imm(ctx, s1, 0x5555_5555_5555_5555)?;
    let v = alu(ctx, ALUOp::Sub, x, m1)?;
    // (v & 0x33..) + ((v >> 2) & 0x33..)
    let lo = and_imm(ctx, v, 0x3333_3333_3333_3333)?;
    let s2 = lsr(ctx, v, 2)?;
    let hi = and_imm(ctx, s2, 0x3333_3333_3333_3333)?;
    let v = alu(ctx, ALUOp::Add, lo, hi)?;
    // (v + (v >> 4)) & 0x0f..
    let s4 = lsr(ctx, v, 4)?;
    let v = alu(ctx, ALUOp::Add, v, s4)?;
    let v = and_imm(ctx, v, 0x0f0f_0f0f_0f0f_0f0f)?;
    let k = const_reg(ctx, 0x0101_0101_0101_0101, x64)?;
    let p = tmp(ctx);
    ctx.emit(Inst::AluRRRR {
        op: ALUOp3::MAdd,
        size: x64,
        rd: p,
        rn: v,
        rm: k,
        ra: zero_reg(),
    })?;
    let rd = ctx.output_reg(inst, 0)?;
    imm_shift(ctx, ImmShiftOp::Lsr, x64, rd, p.to_reg(), 56)
}

/// Saturating add/sub: computed in a wider domain (64 bits for narrow types, flags
/// for 32/64-bit), then clamped with `csel`.
fn sat(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    op: Opcode,
    a: Value,
    b: Value,
) -> Result<(), LowerError> {
    use Opcode::*;
    let signed = matches!(op, SaddSat | SsubSat);
    let sub = matches!(op, UsubSat | SsubSat);
    let size = size_of(ty);
    if ty.bits() == 64 || ty.bits() == 32 {
        let x = ctx.put_in_reg(a)?;
        let y = ctx.put_in_reg(b)?;
        let r = tmp(ctx);
        let aop = if sub { ALUOp::SubS } else { ALUOp::AddS };
        ctx.emit(Inst::AluRRR {
            op: aop,
            size,
            rd: r,
            rn: x,
            rm: y,
        })?;
        let rd = ctx.output_reg(inst, 0)?;
        if !signed {
            // Unsigned overflow: carry set on add, carry clear on sub; clamp to all ones or 0.
            let (cond, lim) = if sub {
                (Cond::Hs, zero_reg())
            } else {
                (Cond::Lo, const_reg(ctx, u64::MAX, size)?)
            };
            return ctx.emit(Inst::CSel {
                op: CSelOp::Csel,
                size,
                rd,
                rn: r.to_reg(),
                rm: lim,
                cond,
            });
        }
        // Signed overflow (V): the saturated value is MAX if the wrong result is
        // negative, else MIN: (r >> (bits-1)) ^ MIN.
        let sgn = tmp(ctx);
        imm_shift(
            ctx,
            ImmShiftOp::Asr,
            size,
            sgn,
            r.to_reg(),
            u64::from(ty.bits()) - 1,
        )?;
        let min = const_reg(ctx, 1u64 << (ty.bits() - 1), size)?;
        let lim = tmp(ctx);
        ctx.emit(Inst::AluRRR {
            op: ALUOp::Eor,
            size,
            rd: lim,
            rn: sgn.to_reg(),
            rm: min,
        })?;
        // The flags of `adds`/`subs` were clobbered by nothing in between (asr,
        // movz/orr and eor do not set flags).
        return ctx.emit(Inst::CSel {
            op: CSelOp::Csel,
            size,
            rd,
            rn: lim.to_reg(),
            rm: r.to_reg(),
            cond: Cond::Vs,
        });
    }
    let x = put_ext(ctx, a, signed)?;
    let y = put_ext(ctx, b, signed)?;
    let r = tmp(ctx);
    let aop = if sub { ALUOp::Sub } else { ALUOp::Add };
    let s32 = OperandSize::Size32;
    ctx.emit(Inst::AluRRR {
        op: aop,
        size: s32,
        rd: r,
        rn: x,
        rm: y,
    })?;
    let bits = ty.bits();
    let (lo, hi) = if signed {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    } else {
        (0, (1i64 << bits) - 1)
    };
    let hi_r = const_reg(ctx, hi as u64, s32)?;
    let t = tmp(ctx);
    ctx.emit(Inst::cmp(s32, r.to_reg(), hi_r))?;
    ctx.emit(Inst::CSel {
        op: CSelOp::Csel,
        size: s32,
        rd: t,
        rn: hi_r,
        rm: r.to_reg(),
        cond: Cond::Gt,
    })?;
    let lo_r = const_reg(ctx, lo as u64, s32)?;
    ctx.emit(Inst::cmp(s32, t.to_reg(), lo_r))?;
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(Inst::CSel {
        op: CSelOp::Csel,
        size: s32,
        rd,
        rn: lo_r,
        rm: t.to_reg(),
        cond: Cond::Lt,
    })
}
