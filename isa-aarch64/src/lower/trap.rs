//! Traps: `trap` (`udf` recorded in the trap table), `trapz`/`trapnz` (a branch over
//! a `udf`), `debugtrap` (`brk`), and `uadd_overflow_trap`.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;
use crate::inst::{ALUOp, Cond, CondBrKind};

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::Trap { code, .. } => ctx.emit(Inst::Udf { trap_code: code }),
        InstructionData::Nullary {
            opcode: Opcode::Debugtrap,
        } => ctx.emit(Inst::Brk { imm: 0 }),
        InstructionData::CondTrap { opcode, arg, code } => {
            let ty = ctx.value_type(arg)?;
            let r = put_ext(ctx, arg, false)?;
            let size = size_of(ty);
            let kind = if opcode == Opcode::Trapz {
                CondBrKind::Zero(r, size)
            } else {
                CondBrKind::NotZero(r, size)
            };
            ctx.emit(Inst::TrapIf {
                kind,
                trap_code: code,
            })
        }
        InstructionData::IntAddTrap { args, code, .. } => {
            let ty = result_type(ctx, inst, 0)?;
            let size = size_of(ty);
            let x = put_ext(ctx, args[0], false)?;
            let y = put_ext(ctx, args[1], false)?;
            let rd = ctx.output_reg(inst, 0)?;
            if ty.bits() >= 32 {
                ctx.emit(Inst::AluRRR {
                    op: ALUOp::AddS,
                    size,
                    rd,
                    rn: x,
                    rm: y,
                })?;
                return ctx.emit(Inst::TrapIf {
                    kind: CondBrKind::Cond(Cond::Hs),
                    trap_code: code,
                });
            }
            // Narrow: the 32-bit sum of zero-extended operands overflows the type
            // exactly when it has a bit at or above the type's width.
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Add,
                size,
                rd,
                rn: x,
                rm: y,
            })?;
            let t = tmp(ctx);
            let sh =
                crate::imms::ImmShift::maybe_from_u64(u64::from(ty.bits()), size).expect("8 or 16");
            ctx.emit(Inst::AluRRImmShift {
                op: crate::inst::ImmShiftOp::Lsr,
                size,
                rd: t,
                rn: rd.to_reg(),
                immshift: sh,
            })?;
            ctx.emit(Inst::TrapIf {
                kind: CondBrKind::NotZero(t.to_reg(), size),
                trap_code: code,
            })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
