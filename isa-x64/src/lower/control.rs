//! Control flow: `jump`, `brif` (compare fused), `br_table` (a jump table), and
//! traps (`trap`, `trapz`, `trapnz` as `ud2` / `j!cc; ud2` with trap records).
//!
//! `br_table` stays one terminator, so regalloc2 sees every edge: the index is
//! clamped with `cmp`/`cmovae` to `n` (the entry count) and the table gets the
//! default target as entry `n`.

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError};

use super::cmp::cond_flags;
use super::*;
use crate::inst::{CmpOp, CC};
use crate::X64Lower;

pub(super) fn lower_branch(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    targets: &[MachLabel],
) -> Result<(), LowerError> {
    let op = data(ctx, inst).opcode();
    match (data(ctx, inst).clone(), targets) {
        (InstructionData::Jump { .. }, [t]) => ctx.emit(Inst::Jmp { target: *t }),
        (InstructionData::Brif { arg, .. }, [taken, not_taken]) => {
            let cc = cond_flags(ctx, arg, inst)?;
            ctx.emit(Inst::JmpCond {
                cc,
                taken: *taken,
                not_taken: *not_taken,
            })
        }
        (InstructionData::BranchTable { arg, .. }, [default, entries @ ..]) => {
            let idx = extend(ctx, arg, false, 64)?;
            let n = entries.len() as u64;
            let nreg = const_reg(ctx, n)?;
            let src2 = match Simm32::maybe_from_i64(n as i64) {
                Some(i) => RegMemImm::Imm(i),
                None => RegMemImm::Reg(nreg),
            };
            ctx.emit(Inst::CmpRmiR {
                size: OperandSize::S64,
                op: CmpOp::Cmp,
                src1: idx,
                src2,
            })?;
            let clamped = tmp(ctx);
            ctx.emit(Inst::Cmove {
                size: OperandSize::S64,
                cc: CC::NB,
                consequent: RegMem::Reg(nreg),
                alternative: idx,
                dst: clamped,
            })?;
            let mut all: Vec<MachLabel> = entries.to_vec();
            all.push(*default);
            let tmp1 = tmp(ctx);
            let tmp2 = tmp(ctx);
            ctx.emit(Inst::JmpTableSeq {
                idx: clamped.to_reg(),
                tmp1,
                tmp2,
                targets: all.into_boxed_slice(),
            })
        }
        _ => Err(unsupported(inst, op)),
    }
}

pub(super) fn lower_trap(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    match data(ctx, inst).clone() {
        InstructionData::Trap { code, .. } => ctx.emit(Inst::Ud2 { code }),
        InstructionData::CondTrap { arg, code, .. } => {
            let cc = cond_flags(ctx, arg, inst)?;
            let cc = if op == Opcode::Trapz { cc.invert() } else { cc };
            ctx.emit(Inst::TrapIf { cc, code })
        }
        _ => Err(unsupported(inst, op)),
    }
}
