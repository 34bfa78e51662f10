//! Flag-producing arithmetic: `{u,s}{add,sub,mul}_overflow` on `i32` (result and
//! overflow bit; narrow multiplies too, narrow add/sub not; `i64` add/sub are in
//! [`super::wide`]), `uadd_overflow_trap`, and the small bit idioms `iabs`,
//! `bmask`, `bitselect` (any width, floats through core registers) and
//! `get_stack_pointer`.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError, Reg};

use super::*;

/// The 32-bit words of `v` (low first): its core registers, or a float's bits.
fn to_words(
    ctx: &mut Lower<'_, Inst>,
    v: atoll_codegen::ir::Value,
) -> Result<Vec<Reg>, LowerError> {
    match ctx.value_type(v)? {
        Type::F32 => {
            let r = ctx.put_in_reg(v)?;
            let w = tmp(ctx);
            ctx.emit(Inst::MovFromFpu { rd: w, rn: r })?;
            Ok(vec![w.to_reg()])
        }
        Type::F64 => {
            let r = ctx.put_in_reg(v)?;
            let (lo, hi) = (tmp(ctx), tmp(ctx));
            ctx.emit(Inst::MovFromFpu64 { lo, hi, rn: r })?;
            Ok(vec![lo.to_reg(), hi.to_reg()])
        }
        _ => Ok(ctx.value_regs(v)?.to_vec()),
    }
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let ty = ctrl_type(ctx, inst)?;
    let a = args(ctx, inst);
    use Opcode::*;
    match (op, &data) {
        (Iabs, _) if matches!(ty, Type::I8 | Type::I16 | Type::I32) => {
            let x = put_ext(ctx, a[0], true)?;
            let neg = tmp(ctx);
            ctx.emit(alu(AluOp::Rsb, neg, x, Operand2::Imm(ModImm::zero())))?;
            cmp_const(ctx, Cond::Al, x, 0)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::CSel {
                cond: Cond::Lt,
                rd,
                rn: neg.to_reg(),
                rm: x,
            })
        }
        (Bmask, _) => {
            // All ones when the input is non-zero, for any input and output width.
            let src = ctx.value_regs(a[0])?.to_vec();
            let t = tmp(ctx);
            match src.as_slice() {
                [lo, hi] => ctx.emit(alu_s(AluOp::Orr, t, *lo, Operand2::Reg(*hi)))?,
                _ => {
                    let x = put_ext(ctx, a[0], false)?;
                    cmp_const(ctx, Cond::Al, x, 0)?;
                }
            }
            let bit = tmp(ctx);
            ctx.emit(Inst::CSet {
                cond: Cond::Ne,
                rd: bit,
            })?;
            for rd in ctx.output_regs(inst, 0)? {
                ctx.emit(alu(
                    AluOp::Rsb,
                    rd,
                    bit.to_reg(),
                    Operand2::Imm(ModImm::zero()),
                ))?;
            }
            Ok(())
        }
        (UaddOverflowTrap, InstructionData::IntAddTrap { args, code, .. }) if ty == Type::I32 => {
            let x = ctx.put_in_reg(args[0])?;
            let y = ctx.put_in_reg(args[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(alu_s(AluOp::Add, rd, x, Operand2::Reg(y)))?;
            ctx.emit(Inst::TrapIf {
                cond: Cond::Hs,
                code: *code,
            })
        }
        (UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow, _) if ty == Type::I32 => {
            let x = ctx.put_in_reg(a[0])?;
            let y = ctx.put_in_reg(a[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            let (aop, cond) = match op {
                UaddOverflow => (AluOp::Add, Cond::Hs),
                SaddOverflow => (AluOp::Add, Cond::Vs),
                UsubOverflow => (AluOp::Sub, Cond::Lo),
                _ => (AluOp::Sub, Cond::Vs),
            };
            ctx.emit(alu_s(aop, rd, x, Operand2::Reg(y)))?;
            let of = ctx.output_reg(inst, 1)?;
            ctx.emit(Inst::CSet { cond, rd: of })
        }
        (UmulOverflow | SmulOverflow, _) if matches!(ty, Type::I8 | Type::I16) => {
            // The product of two extended narrow values fits 32 bits; it overflows
            // when it differs from its own truncation re-extended.
            let signed = op == SmulOverflow;
            let x = put_ext(ctx, a[0], signed)?;
            let y = put_ext(ctx, a[1], signed)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Mul {
                op: crate::inst::MulOp::Mul,
                rd,
                rn: x,
                rm: y,
                ra: x,
            })?;
            let back = extend(ctx, rd.to_reg(), signed, ty.bits())?;
            ctx.emit(cmp_inst(CmpOp::Cmp, back, Operand2::Reg(rd.to_reg())))?;
            let of = ctx.output_reg(inst, 1)?;
            ctx.emit(Inst::CSet {
                cond: Cond::Ne,
                rd: of,
            })
        }
        (Bitselect, _) => {
            // (c & x) | (y & ~c), word by word; floats go through core registers.
            let words =
                |ctx: &mut Lower<'_, Inst>, v| -> Result<Vec<Reg>, LowerError> { to_words(ctx, v) };
            let (c, x, y) = (words(ctx, a[0])?, words(ctx, a[1])?, words(ctx, a[2])?);
            let mut out = Vec::new();
            for ((&c, &x), &y) in c.iter().zip(&x).zip(&y) {
                let (t1, t2, r) = (tmp(ctx), tmp(ctx), tmp(ctx));
                ctx.emit(alu(AluOp::And, t1, x, Operand2::Reg(c)))?;
                ctx.emit(alu(AluOp::Bic, t2, y, Operand2::Reg(c)))?;
                ctx.emit(alu(AluOp::Orr, r, t1.to_reg(), Operand2::Reg(t2.to_reg())))?;
                out.push(r.to_reg());
            }
            let outs = ctx.output_regs(inst, 0)?;
            match (ty, outs.as_slice(), out.as_slice()) {
                (Type::F32, [rd], [w]) => ctx.emit(Inst::MovToFpu { rd: *rd, rn: *w }),
                (Type::F64, [rd], [lo, hi]) => ctx.emit(Inst::MovToFpu64 {
                    rd: *rd,
                    lo: *lo,
                    hi: *hi,
                }),
                _ if outs.len() == out.len() => {
                    for (rd, r) in outs.into_iter().zip(out) {
                        ctx.emit(Inst::mov(rd, r))?;
                    }
                    Ok(())
                }
                _ => Err(unsupported_on(ctx, inst, ty)),
            }
        }
        (GetStackPointer, _) => {
            let outs = ctx.output_regs(inst, 0)?;
            let mut it = outs.into_iter();
            if let Some(lo) = it.next() {
                ctx.emit(Inst::mov(lo, crate::regs::sp()))?;
            }
            for hi in it {
                ctx.emit(mov_op2(hi, Operand2::Imm(ModImm::zero())))?;
            }
            Ok(())
        }
        (UmulOverflow | SmulOverflow, _) if ty == Type::I32 => {
            let signed = op == SmulOverflow;
            let x = ctx.put_in_reg(a[0])?;
            let y = ctx.put_in_reg(a[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            let hi = tmp(ctx);
            ctx.emit(Inst::MulLong {
                signed,
                rd_lo: rd,
                rd_hi: hi,
                rn: x,
                rm: y,
            })?;
            // Overflow when the high word is not the extension of the low word.
            let ext = if signed {
                shifted(rd.to_reg(), ShiftKind::Asr, 31)
            } else {
                Operand2::Imm(ModImm::zero())
            };
            ctx.emit(cmp_inst(CmpOp::Cmp, hi.to_reg(), ext))?;
            let of = ctx.output_reg(inst, 1)?;
            ctx.emit(Inst::CSet {
                cond: Cond::Ne,
                rd: of,
            })
        }
        _ => Err(unsupported_on(ctx, inst, ty)),
    }
}
