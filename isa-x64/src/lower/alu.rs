//! Integer arithmetic and logic: constants, add/sub/neg, bitwise ops (and their
//! `_not` and `_imm` forms), extensions, min/max, `iabs`, overflow-checked adds.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::mem;
use super::*;
use crate::inst::{AluOp, CmpOp, SseOp, UnaryOp, CC};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    match (op, data(ctx, inst).clone()) {
        (Nop, _) => return Ok(()),
        (Iconcat, InstructionData::Binary { args: [lo, hi], .. }) => {
            // An i128 is two registers, low half first; only shift amounts use them.
            let outs = ctx.output_regs(inst, 0)?;
            for (d, v) in outs.iter().zip([lo, hi]) {
                let r = put(ctx, v)?;
                ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: r,
                    dst: *d,
                })?;
            }
            return Ok(());
        }
        (Isplit, InstructionData::Unary { arg, .. }) => {
            let regs: Vec<Reg> = ctx.value_regs(arg)?.to_vec();
            for (i, r) in regs.into_iter().enumerate().take(2) {
                let d = ctx.output_reg(inst, i)?;
                ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: r,
                    dst: d,
                })?;
            }
            return Ok(());
        }
        (
            Bitselect,
            InstructionData::Ternary {
                args: [c, x, y], ..
            },
        ) => return bitselect(ctx, inst, c, x, y),
        _ => {}
    }
    let ty = out_ty(ctx, inst)?;
    let dst = out(ctx, inst)?;
    match (op, data(ctx, inst).clone()) {
        (Iconst, InstructionData::UnaryImm { imm, .. }) => {
            constant(ctx, mask(imm.0 as u64, ty.bits()), dst)
        }
        (Iadd | Isub | Band | Bor | Bxor, InstructionData::Binary { args: [a, b], .. }) => {
            let aop = alu_op(op);
            // `x + c` with `c` constant on the left still folds.
            let (a, b) = if matches!(op, Iadd | Band | Bor | Bxor)
                && const_of(ctx, a).is_some()
                && const_of(ctx, b).is_none()
            {
                (b, a)
            } else {
                (a, b)
            };
            binop(ctx, inst, ty, aop, a, b, dst)
        }
        (IaddImm | BandImm | BorImm | BxorImm, InstructionData::BinaryImm64 { arg, imm, .. }) => {
            let aop = match op {
                IaddImm => AluOp::Add,
                BandImm => AluOp::And,
                BorImm => AluOp::Or,
                _ => AluOp::Xor,
            };
            let a = put(ctx, arg)?;
            let src2 = match imm_rmi(imm.0, ty) {
                Some(i) => i,
                None => RegMemImm::Reg(const_reg(ctx, imm.0 as u64)?),
            };
            ctx.emit(Inst::AluRmiR {
                size: alu_size(ty),
                op: aop,
                src1: a,
                src2,
                dst,
            })
        }
        (IrsubImm, InstructionData::BinaryImm64 { arg, imm, .. }) => {
            // imm - x = -x + imm
            let a = put(ctx, arg)?;
            let n = tmp(ctx);
            ctx.emit(Inst::Unary {
                size: alu_size(ty),
                op: UnaryOp::Neg,
                src: a,
                dst: n,
            })?;
            let src2 = match imm_rmi(imm.0, ty) {
                Some(i) => i,
                None => RegMemImm::Reg(const_reg(ctx, imm.0 as u64)?),
            };
            ctx.emit(Inst::AluRmiR {
                size: alu_size(ty),
                op: AluOp::Add,
                src1: n.to_reg(),
                src2,
                dst,
            })
        }
        (Ineg | Bnot, InstructionData::Unary { arg, .. }) => {
            let uop = if op == Ineg {
                UnaryOp::Neg
            } else {
                UnaryOp::Not
            };
            let a = put(ctx, arg)?;
            ctx.emit(Inst::Unary {
                size: alu_size(ty),
                op: uop,
                src: a,
                dst,
            })
        }
        (BandNot | BorNot | BxorNot, InstructionData::Binary { args: [a, b], .. }) => {
            let aop = match op {
                BandNot => AluOp::And,
                BorNot => AluOp::Or,
                _ => AluOp::Xor,
            };
            let rb = put(ctx, b)?;
            let nb = tmp(ctx);
            ctx.emit(Inst::Unary {
                size: alu_size(ty),
                op: UnaryOp::Not,
                src: rb,
                dst: nb,
            })?;
            let ra = put(ctx, a)?;
            ctx.emit(Inst::AluRmiR {
                size: alu_size(ty),
                op: aop,
                src1: ra,
                src2: RegMemImm::Reg(nb.to_reg()),
                dst,
            })
        }
        (Uextend | Sextend, InstructionData::Unary { arg, .. }) => {
            let from = ty_of(ctx, arg)?.bits();
            let r = put(ctx, arg)?;
            let signed = op == Sextend;
            let to = if ty.bits() <= 32 { 32 } else { 64 };
            match ext_inst(r, from, signed, to, Some(dst)) {
                Some(i) => ctx.emit(i),
                None => ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: r,
                    dst,
                }),
            }
        }
        (Ireduce, InstructionData::Unary { arg, .. }) => {
            let r = put(ctx, arg)?;
            ctx.emit(Inst::MovRR {
                size: OperandSize::S64,
                src: r,
                dst,
            })
        }
        (Bmask, InstructionData::Unary { arg, .. }) => {
            // All ones when arg != 0: `test`, then `cmovnz` between two constants
            // (materialized first, so nothing sits between the flags and their use).
            let aty = ty_of(ctx, arg)?;
            let a = put(ctx, arg)?;
            let z = const_reg(ctx, 0)?;
            let m = const_reg(ctx, u64::MAX)?;
            ctx.emit(Inst::CmpRmiR {
                size: size_of(aty),
                op: CmpOp::Test,
                src1: a,
                src2: RegMemImm::Reg(a),
            })?;
            ctx.emit(Inst::Cmove {
                size: OperandSize::S64,
                cc: CC::NZ,
                consequent: RegMem::Reg(m),
                alternative: z,
                dst,
            })
        }
        (Smin | Smax | Umin | Umax, InstructionData::Binary { args: [a, b], .. }) => {
            let cc = match op {
                Smin => CC::L,
                Smax => CC::NLE,
                Umin => CC::B,
                _ => CC::NBE,
            };
            let ra = put(ctx, a)?;
            let rb = put(ctx, b)?;
            ctx.emit(Inst::CmpRmiR {
                size: size_of(ty),
                op: CmpOp::Cmp,
                src1: ra,
                src2: RegMemImm::Reg(rb),
            })?;
            ctx.emit(Inst::Cmove {
                size: alu_size(ty),
                cc,
                consequent: RegMem::Reg(ra),
                alternative: rb,
                dst,
            })
        }
        (Iabs, InstructionData::Unary { arg, .. }) => {
            // Narrow values are sign-extended first so that 32-bit `neg`/`cmovs` see
            // their sign; `iabs(MIN)` is MIN at every width.
            let to = if ty.bits() <= 32 { 32 } else { 64 };
            let x = extend(ctx, arg, true, to)?;
            let n = tmp(ctx);
            ctx.emit(Inst::Unary {
                size: alu_size(ty),
                op: UnaryOp::Neg,
                src: x,
                dst: n,
            })?;
            ctx.emit(Inst::Cmove {
                size: alu_size(ty),
                cc: CC::S,
                consequent: RegMem::Reg(x),
                alternative: n.to_reg(),
                dst,
            })
        }
        (
            UaddOverflowTrap,
            InstructionData::IntAddTrap {
                args: [a, b], code, ..
            },
        ) => {
            add_flags(ctx, ty, AluOp::Add, a, b, dst)?;
            ctx.emit(Inst::TrapIf { cc: CC::B, code })
        }
        (
            UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow,
            InstructionData::Binary { args: [a, b], .. },
        ) => {
            let (aop, cc) = match op {
                UaddOverflow => (AluOp::Add, CC::B),
                SaddOverflow => (AluOp::Add, CC::O),
                UsubOverflow => (AluOp::Sub, CC::B),
                _ => (AluOp::Sub, CC::O),
            };
            add_flags(ctx, ty, aop, a, b, dst)?;
            let of = ctx.output_reg(inst, 1)?;
            setcc01(ctx, cc, of)
        }
        _ => Err(unsupported(inst, op)),
    }
}

fn alu_op(op: Opcode) -> AluOp {
    match op {
        Opcode::Iadd => AluOp::Add,
        Opcode::Isub => AluOp::Sub,
        Opcode::Band => AluOp::And,
        Opcode::Bor => AluOp::Or,
        _ => AluOp::Xor,
    }
}

/// `dst = a op b` keeping only the low `ty` bits meaningful; a `load` merged into
/// this instruction (see `mem::sunk_load_user`) becomes the memory operand.
fn binop(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    aop: AluOp,
    a: Value,
    b: Value,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let commutative = aop != AluOp::Sub;
    let (a, b) = if commutative && mem::sunk_load_operand_is(ctx, a, inst) {
        (b, a)
    } else {
        (a, b)
    };
    if let Some((m, flags)) = mem::sunk_load_operand(ctx, b, inst)? {
        let ra = put(ctx, a)?;
        let i = Inst::AluRmiR {
            size: alu_size(ty),
            op: aop,
            src1: ra,
            src2: RegMemImm::Mem(m),
            dst,
        };
        return ctx.emit(mem::trapping(flags, i));
    }
    let ra = put(ctx, a)?;
    let src2 = put_rmi(ctx, b)?;
    ctx.emit(Inst::AluRmiR {
        size: alu_size(ty),
        op: aop,
        src1: ra,
        src2,
        dst,
    })
}

/// `dst = a op b` at the type's exact width, so the flags describe the typed result.
fn add_flags(
    ctx: &mut Lower<'_, Inst>,
    ty: Type,
    aop: AluOp,
    a: Value,
    b: Value,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let ra = put(ctx, a)?;
    let src2 = put_rmi(ctx, b)?;
    ctx.emit(Inst::AluRmiR {
        size: size_of(ty),
        op: aop,
        src1: ra,
        src2,
        dst,
    })
}

/// `dst = cc ? 1 : 0`, zero-extended (`setcc` then `movzx`).
pub(crate) fn setcc01(
    ctx: &mut Lower<'_, Inst>,
    cc: CC,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let t = tmp(ctx);
    ctx.emit(Inst::Setcc { cc, dst: t })?;
    ctx.emit(Inst::MovzxRmR {
        ext: ExtMode::BL,
        src: RegMem::Reg(t.to_reg()),
        dst,
    })
}

/// `(x & c) | (y & !c)`, on integers or (bitwise) on floats.
fn bitselect(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    c: Value,
    x: Value,
    y: Value,
) -> Result<(), LowerError> {
    let ty = out_ty(ctx, inst)?;
    let dst = out(ctx, inst)?;
    let (rc, rx, ry) = (put(ctx, c)?, put(ctx, x)?, put(ctx, y)?);
    if ty.is_float() {
        let (and, andn, or) = if ty.bits() == 32 {
            (SseOp::Andps, SseOp::Andnps, SseOp::Orps)
        } else {
            (SseOp::Andpd, SseOp::Andnpd, SseOp::Orpd)
        };
        let t1 = ftmp(ctx);
        ctx.emit(Inst::XmmRmR {
            op: and,
            src1: rx,
            src2: RegMem::Reg(rc),
            dst: t1,
        })?;
        let t2 = ftmp(ctx);
        ctx.emit(Inst::XmmRmR {
            op: andn,
            src1: rc,
            src2: RegMem::Reg(ry),
            dst: t2,
        })?;
        return ctx.emit(Inst::XmmRmR {
            op: or,
            src1: t1.to_reg(),
            src2: RegMem::Reg(t2.to_reg()),
            dst,
        });
    }
    let size = alu_size(ty);
    let t1 = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size,
        op: AluOp::And,
        src1: rx,
        src2: RegMemImm::Reg(rc),
        dst: t1,
    })?;
    let nc = tmp(ctx);
    ctx.emit(Inst::Unary {
        size,
        op: UnaryOp::Not,
        src: rc,
        dst: nc,
    })?;
    let t2 = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size,
        op: AluOp::And,
        src1: ry,
        src2: RegMemImm::Reg(nc.to_reg()),
        dst: t2,
    })?;
    ctx.emit(Inst::AluRmiR {
        size,
        op: AluOp::Or,
        src1: t1.to_reg(),
        src2: RegMemImm::Reg(t2.to_reg()),
        dst,
    })
}
