//! Traps (`trap` is a `udf` recorded in the trap table; `trapz`/`trapnz` branch
//! over one) and integer division, whose zero and overflow checks are traps.
//!
//! Division needs the `sdiv`/`udiv` of the division extension (`has_idiv`); without
//! it every division is unsupported rather than a call to a runtime helper.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, TrapCode, Type};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;
use crate::inst::MulOp;

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::Trap { code, .. } => ctx.emit(Inst::Udf { code }),
        // No breakpoint instruction is modelled: a debug trap is a no-op.
        InstructionData::Nullary {
            opcode: Opcode::Debugtrap,
        } => ctx.emit(Inst::Nop),
        InstructionData::CondTrap { opcode, arg, code } => {
            let ty = ctx.value_type(arg)?;
            let regs = ctx.value_regs(arg)?.to_vec();
            match (ty, regs.as_slice()) {
                (Type::I64, [lo, hi]) => {
                    let t = tmp(ctx);
                    ctx.emit(alu_s(AluOp::Orr, t, *lo, Operand2::Reg(*hi)))?;
                }
                _ => {
                    let r = put_ext(ctx, arg, false)?;
                    cmp_const(ctx, Cond::Al, r, 0)?;
                }
            }
            let cond = if opcode == Opcode::Trapz {
                Cond::Eq
            } else {
                Cond::Ne
            };
            ctx.emit(Inst::TrapIf { cond, code })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

/// `udiv`/`sdiv`/`urem`/`srem` on `i8`..`i32`: trap on a zero divisor, `sdiv` also
/// on `MIN / -1`; the remainder is `x - (x / y) * y` (`mls`), which for `srem` of
/// `MIN % -1` is 0 as required (A32 `sdiv` gives `MIN` there without trapping).
pub(super) fn lower_div(
    b: &Arm32Lower,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
) -> Result<(), LowerError> {
    let op = ctx.func().dfg[inst].opcode();
    let ty = ctrl_type(ctx, inst)?;
    if !b.has_idiv || !matches!(ty, Type::I8 | Type::I16 | Type::I32) {
        return Err(unsupported_on(ctx, inst, ty));
    }
    let signed = matches!(op, Opcode::Sdiv | Opcode::Srem);
    let a = args(ctx, inst);
    let x = put_ext(ctx, a[0], signed)?;
    let y = put_ext(ctx, a[1], signed)?;
    cmp_const(ctx, Cond::Al, y, 0)?;
    ctx.emit(Inst::TrapIf {
        cond: Cond::Eq,
        code: TrapCode::INTEGER_DIVISION_BY_ZERO,
    })?;
    if op == Opcode::Sdiv {
        // y == -1 && x == MIN (of the type, sign-extended).
        let min = (-(1i64 << (ty.bits() - 1))) as u32;
        cmp_const(ctx, Cond::Al, y, u32::MAX)?;
        cmp_const(ctx, Cond::Eq, x, min)?;
        ctx.emit(Inst::TrapIf {
            cond: Cond::Eq,
            code: TrapCode::INTEGER_OVERFLOW,
        })?;
    }
    let rd = ctx.output_reg(inst, 0)?;
    if matches!(op, Opcode::Udiv | Opcode::Sdiv) {
        return ctx.emit(Inst::Div {
            signed,
            rd,
            rn: x,
            rm: y,
        });
    }
    let q = tmp(ctx);
    ctx.emit(Inst::Div {
        signed,
        rd: q,
        rn: x,
        rm: y,
    })?;
    ctx.emit(Inst::Mul {
        op: MulOp::Mls,
        rd,
        rn: q.to_reg(),
        rm: y,
        ra: x,
    })
}
