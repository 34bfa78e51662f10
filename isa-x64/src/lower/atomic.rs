//! Atomics: `atomic_rmw` (a `lock cmpxchg` loop for every operation),
//! `atomic_cas` (`lock cmpxchg`), `atomic_load` (a plain load: x86 loads are
//! acquire), `atomic_store` (a store then `mfence`, for sequential consistency) and
//! `fence`. Big-endian accesses are not supported (named in the error).

use atoll_codegen::ir::{AtomicRmwOp as IrOp, Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError};

use super::*;
use crate::inst::{Amode, AtomicRmwOp};
use crate::X64Lower;

pub(super) fn lower(_b: &X64Lower<'_>, ctx: &mut Lower<'_, Inst>, inst: IrInst, op: Opcode) -> Result<(), LowerError> {
    if data(ctx, inst).mem_flags().is_some_and(|f| f.big()) {
        return Err(unsupported(inst, op));
    }
    match data(ctx, inst).clone() {
        InstructionData::AtomicRmw { op: rmw, args: [addr, x], .. } => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let mem = Amode::imm_reg(0, put(ctx, addr)?);
            let operand = put(ctx, x)?;
            let temp = tmp(ctx);
            let old = tmp(ctx);
            let op = match rmw {
                IrOp::Add => AtomicRmwOp::Add,
                IrOp::Sub => AtomicRmwOp::Sub,
                IrOp::And => AtomicRmwOp::And,
                IrOp::Nand => AtomicRmwOp::Nand,
                IrOp::Or => AtomicRmwOp::Or,
                IrOp::Xor => AtomicRmwOp::Xor,
                IrOp::Xchg => AtomicRmwOp::Xchg,
                IrOp::Umin => AtomicRmwOp::Umin,
                IrOp::Umax => AtomicRmwOp::Umax,
                IrOp::Smin => AtomicRmwOp::Smin,
                IrOp::Smax => AtomicRmwOp::Smax,
            };
            ctx.emit(Inst::AtomicRmwSeq { size: size_of(ty), op, mem, operand, temp, dst_old: old })?;
            ctx.emit(Inst::MovRR { size: OperandSize::S64, src: old.to_reg(), dst })
        }
        InstructionData::AtomicCas { args: [addr, expected, replacement], .. } => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let mem = Amode::imm_reg(0, put(ctx, addr)?);
            let e = put(ctx, expected)?;
            let r = put(ctx, replacement)?;
            let old = tmp(ctx);
            ctx.emit(Inst::LockCmpxchg { size: size_of(ty), replacement: r, expected: e, mem, dst_old: old })?;
            ctx.emit(Inst::MovRR { size: OperandSize::S64, src: old.to_reg(), dst })
        }
        InstructionData::LoadNoOffset { arg, .. } if op == Opcode::AtomicLoad => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let src = RegMem::Mem(Amode::imm_reg(0, put(ctx, arg)?));
            ctx.emit(match ty.bits() {
                8 => Inst::MovzxRmR { ext: ExtMode::BL, src, dst },
                16 => Inst::MovzxRmR { ext: ExtMode::WL, src, dst },
                32 => Inst::MovzxRmR { ext: ExtMode::LQ, src, dst },
                _ => match src {
                    RegMem::Mem(a) => Inst::Mov64MR { src: a, dst },
                    RegMem::Reg(_) => return Err(unsupported(inst, op)),
                },
            })
        }
        InstructionData::StoreNoOffset { args: [val, addr], .. } => {
            let ty = ty_of(ctx, val)?;
            let r = put(ctx, val)?;
            let a = Amode::imm_reg(0, put(ctx, addr)?);
            ctx.emit(Inst::MovRM { size: size_of(ty), src: r, dst: a })?;
            ctx.emit(Inst::Fence)
        }
        InstructionData::Nullary { .. } if op == Opcode::Fence => ctx.emit(Inst::Fence),
        _ => Err(unsupported(inst, op)),
    }
}
