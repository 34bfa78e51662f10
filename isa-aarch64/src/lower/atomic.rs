//! Atomics without LSE: `atomic_load`/`atomic_store` as `ldar`/`stlr`, `fence` as
//! `dmb ish`, `atomic_rmw` and `atomic_cas` as exclusive load/store loops (the
//! `Inst::AtomicRmwLoop`/`AtomicCasLoop` sequences, which extend narrow operands
//! themselves). Big-endian `atomic_cas` swaps the compared and stored values and
//! the result; other big-endian atomics are reported as unsupported.

use atoll_codegen::ir::{AtomicRmwOp, Inst as IrInst, InstructionData, Type};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;
use crate::inst::{AtomicBits, AtomicOp};

fn atomic_bits(ctx: &Lower<'_, Inst>, inst: IrInst, ty: Type) -> Result<AtomicBits, LowerError> {
    AtomicBits::maybe_from_bits(ty.bits()).ok_or_else(|| unsupported(ctx, inst))
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::Nullary { .. } => ctx.emit(Inst::Fence),
        InstructionData::LoadNoOffset { flags, arg, .. } if !flags.big() => {
            let bits = atomic_bits(ctx, inst, result_type(ctx, inst, 0)?)?;
            let rn = sp_slot(ctx.put_in_reg(arg)?);
            let rt = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::LoadAcquire { bits, rt, rn })
        }
        InstructionData::StoreNoOffset { flags, args, .. } if !flags.big() => {
            let bits = atomic_bits(ctx, inst, ctx.value_type(args[0])?)?;
            let rt = ctx.put_in_reg(args[0])?;
            let rn = sp_slot(ctx.put_in_reg(args[1])?);
            ctx.emit(Inst::StoreRelease { bits, rt, rn })
        }
        InstructionData::AtomicRmw { flags, op, args, .. } if !flags.big() => {
            let bits = atomic_bits(ctx, inst, result_type(ctx, inst, 0)?)?;
            let op = match op {
                AtomicRmwOp::Add => AtomicOp::Add,
                AtomicRmwOp::Sub => AtomicOp::Sub,
                AtomicRmwOp::And => AtomicOp::And,
                AtomicRmwOp::Nand => AtomicOp::Nand,
                AtomicRmwOp::Or => AtomicOp::Orr,
                AtomicRmwOp::Xor => AtomicOp::Eor,
                AtomicRmwOp::Xchg => AtomicOp::Xchg,
                AtomicRmwOp::Umin => AtomicOp::UMin,
                AtomicRmwOp::Umax => AtomicOp::UMax,
                AtomicRmwOp::Smin => AtomicOp::SMin,
                AtomicRmwOp::Smax => AtomicOp::SMax,
            };
            let addr = sp_slot(ctx.put_in_reg(args[0])?);
            let operand = ctx.put_in_reg(args[1])?;
            let oldval = ctx.output_reg(inst, 0)?;
            let (scratch1, scratch2) = (tmp(ctx), tmp(ctx));
            ctx.emit(Inst::AtomicRmwLoop { op, bits, addr, operand, oldval, scratch1, scratch2 })
        }
        InstructionData::AtomicCas { flags, args, .. } => {
            // Big-endian: compare and store byte-swapped values, and swap the old
            // value back (the loop itself only moves bits).
            let ty = result_type(ctx, inst, 0)?;
            let bits = atomic_bits(ctx, inst, ty)?;
            let big = flags.big();
            let swap = |ctx: &mut Lower<'_, Inst>, r| if big { mem::byte_swap(ctx, r, ty.bits()) } else { Ok(r) };
            let addr = sp_slot(ctx.put_in_reg(args[0])?);
            let e = put_ext(ctx, args[1], false)?;
            let expected = swap(ctx, e)?;
            let r = ctx.put_in_reg(args[2])?;
            let replacement = swap(ctx, r)?;
            let out = ctx.output_reg(inst, 0)?;
            let oldval = if big { tmp(ctx) } else { out };
            let scratch = tmp(ctx);
            ctx.emit(Inst::AtomicCasLoop { bits, addr, expected, replacement, oldval, scratch })?;
            if big {
                let v = mem::byte_swap(ctx, oldval.to_reg(), ty.bits())?;
                ctx.emit(Inst::Mov { size: OperandSize::Size64, rd: out, rm: v })?;
            }
            Ok(())
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
