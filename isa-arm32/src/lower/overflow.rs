//! Flag-producing arithmetic on `i32`: `{u,s}{add,sub,mul}_overflow` (result and
//! overflow bit), `uadd_overflow_trap`, plus the small flag idioms `iabs` and
//! `bmask`. The narrow (`i8`/`i16`) overflow forms are not supported.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;

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
            ctx.emit(Inst::CSel { cond: Cond::Lt, rd, rn: neg.to_reg(), rm: x })
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
            ctx.emit(Inst::CSet { cond: Cond::Ne, rd: bit })?;
            for rd in ctx.output_regs(inst, 0)? {
                ctx.emit(alu(AluOp::Rsb, rd, bit.to_reg(), Operand2::Imm(ModImm::zero())))?;
            }
            Ok(())
        }
        (UaddOverflowTrap, InstructionData::IntAddTrap { args, code, .. }) if ty == Type::I32 => {
            let x = ctx.put_in_reg(args[0])?;
            let y = ctx.put_in_reg(args[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(alu_s(AluOp::Add, rd, x, Operand2::Reg(y)))?;
            ctx.emit(Inst::TrapIf { cond: Cond::Hs, code: *code })
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
        (UmulOverflow | SmulOverflow, _) if ty == Type::I32 => {
            let signed = op == SmulOverflow;
            let x = ctx.put_in_reg(a[0])?;
            let y = ctx.put_in_reg(a[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            let hi = tmp(ctx);
            ctx.emit(Inst::MulLong { signed, rd_lo: rd, rd_hi: hi, rn: x, rm: y })?;
            // Overflow when the high word is not the extension of the low word.
            let ext = if signed { shifted(rd.to_reg(), ShiftKind::Asr, 31) } else { Operand2::Imm(ModImm::zero()) };
            ctx.emit(cmp_inst(CmpOp::Cmp, hi.to_reg(), ext))?;
            let of = ctx.output_reg(inst, 1)?;
            ctx.emit(Inst::CSet { cond: Cond::Ne, rd: of })
        }
        _ => Err(unsupported_on(ctx, inst, ty)),
    }
}
