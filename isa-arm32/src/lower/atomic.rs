//! Atomics on `i8`/`i16`/`i32` (sequentially consistent): `atomic_rmw` and
//! `atomic_cas` as `ldrex`/`strex` loops between `dmb ish` barriers, `atomic_load`
//! as a load followed by `dmb`, `atomic_store` as a store between two `dmb`s, and
//! `fence` as one `dmb`. `i64` atomics (which need `ldrexd`/`strexd` on an even
//! register pair) and big-endian atomics are not supported.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError};

use super::mem::{addr_reg, emit_load, emit_store, Access};
use super::*;
use crate::inst::ExWidth;

fn width_of(ty: Type) -> Option<ExWidth> {
    match ty {
        Type::I8 => Some(ExWidth::Byte),
        Type::I16 => Some(ExWidth::Half),
        Type::I32 => Some(ExWidth::Word),
        _ => None,
    }
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    if let InstructionData::Nullary {
        opcode: Opcode::Fence,
    } = data
    {
        return ctx.emit(Inst::Dmb);
    }
    let ty = ctrl_type(ctx, inst)?;
    let width = width_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
    // Big-endian atomics would need the bytes reversed around the loop.
    if ctx.func().dfg[inst].mem_flags().is_some_and(|f| f.big()) {
        return Err(unsupported_on(ctx, inst, ty));
    }
    match data {
        InstructionData::AtomicRmw { op, args, .. } => {
            use atoll_codegen::ir::AtomicRmwOp as A;
            let addr = addr_reg(ctx, args[0])?;
            let operand = match op {
                A::Smin | A::Smax => put_ext(ctx, args[1], true)?,
                A::Umin | A::Umax => put_ext(ctx, args[1], false)?,
                _ => ctx.put_in_reg(args[1])?,
            };
            let old = ctx.output_reg(inst, 0)?;
            let (t, status) = (tmp(ctx), tmp(ctx));
            ctx.emit(Inst::AtomicRmwLoop {
                op,
                width,
                addr,
                operand,
                old,
                tmp: t,
                status,
            })
        }
        InstructionData::AtomicCas { args, .. } => {
            let addr = addr_reg(ctx, args[0])?;
            let expected = put_ext(ctx, args[1], false)?;
            let replacement = ctx.put_in_reg(args[2])?;
            let old = ctx.output_reg(inst, 0)?;
            let status = tmp(ctx);
            ctx.emit(Inst::AtomicCasLoop {
                width,
                addr,
                expected,
                replacement,
                old,
                status,
            })
        }
        InstructionData::LoadNoOffset { arg, .. } => {
            let acc = match width {
                ExWidth::Byte => Access::Byte,
                ExWidth::Half => Access::Half,
                ExWidth::Word => Access::Word,
            };
            let base = addr_reg(ctx, arg)?;
            let rd = ctx.output_reg(inst, 0)?;
            emit_load(ctx, acc, rd, base, 0)?;
            ctx.emit(Inst::Dmb)
        }
        InstructionData::StoreNoOffset { args, .. } => {
            let acc = match width {
                ExWidth::Byte => Access::Byte,
                ExWidth::Half => Access::Half,
                ExWidth::Word => Access::Word,
            };
            let base = addr_reg(ctx, args[1])?;
            let rt = ctx.put_in_reg(args[0])?;
            ctx.emit(Inst::Dmb)?;
            emit_store(ctx, acc, rt, base, 0)?;
            ctx.emit(Inst::Dmb)
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
