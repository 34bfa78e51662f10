//! Atomics without LSE: `atomic_load`/`atomic_store` as `ldar`/`stlr`,
//! `atomic_rmw` and `atomic_cas` as exclusive load/store loops. Big-endian atomic
//! accesses are not supported (reported as such).

use atoll_codegen::ir::{Inst as IrInst, InstructionData};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;
use crate::inst::AtomicOp;

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::LoadNoOffset { flags, arg, .. } if !flags.big() => {
            let ty = result_type(ctx, inst, 0)?;
            let rn = ctx.put_in_reg(arg)?;
            let rt = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::LoadAcquire {
                bits: ty.bits() as u8,
                rt,
                rn,
            })
        }
        InstructionData::StoreNoOffset { flags, args, .. } if !flags.big() => {
            let ty = ctx.value_type(args[0])?;
            let rt = ctx.put_in_reg(args[0])?;
            let rn = ctx.put_in_reg(args[1])?;
            ctx.emit(Inst::StoreRelease {
                bits: ty.bits() as u8,
                rt,
                rn,
            })
        }
        InstructionData::AtomicRmw {
            flags, op, args, ..
        } if !flags.big() => {
            let ty = result_type(ctx, inst, 0)?;
            let aop = op;
            let addr = ctx.put_in_reg(args[0])?;
            let operand = put_ext(ctx, args[1], matches!(aop, AtomicOp::Smin | AtomicOp::Smax))?;
            let old = ctx.output_reg(inst, 0)?;
            let (new, status) = (tmp(ctx), tmp(ctx));
            ctx.emit(Inst::AtomicRMWLoop {
                op: aop,
                bits: ty.bits() as u8,
                addr,
                operand,
                old,
                new,
                status,
            })
        }
        InstructionData::AtomicCas { flags, args, .. } => {
            // Big-endian: compare and store byte-swapped values, and swap the old
            // value back (the loop itself only moves bits).
            let ty = result_type(ctx, inst, 0)?;
            let bits = ty.bits();
            let big = flags.big();
            let swap = |ctx: &mut Lower<'_, Inst>, r| {
                if big {
                    mem::byte_swap(ctx, r, bits)
                } else {
                    Ok(r)
                }
            };
            let addr = ctx.put_in_reg(args[0])?;
            let e = put_ext(ctx, args[1], false)?;
            let expected = swap(ctx, e)?;
            let r = ctx.put_in_reg(args[2])?;
            let replacement = swap(ctx, r)?;
            let out = ctx.output_reg(inst, 0)?;
            let old = if big { tmp(ctx) } else { out };
            let status = tmp(ctx);
            ctx.emit(Inst::AtomicCASLoop {
                bits: bits as u8,
                addr,
                expected,
                replacement,
                old,
                status,
            })?;
            if big {
                let v = mem::byte_swap(ctx, old.to_reg(), bits)?;
                ctx.emit(Inst::Mov {
                    size: OperandSize::Size64,
                    rd: out,
                    rm: v,
                })?;
            }
            Ok(())
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
