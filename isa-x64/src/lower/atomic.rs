//! Atomics: `atomic_rmw` (a `lock cmpxchg` loop for every operation),
//! `atomic_cas` (`lock cmpxchg`), `atomic_load` (a plain load: x86 loads are
//! acquire), `atomic_store` (a store then `mfence`, for sequential consistency) and
//! `fence`. Big-endian: `atomic_cas` byte-swaps its operands and result; other
//! big-endian atomics are reported unsupported.

use atoll_codegen::ir::{AtomicRmwOp as IrOp, Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::mem::trapping;
use super::*;
use crate::imms::ShiftImm;
use crate::inst::{Amode, AtomicRmwOp, ShiftBy, ShiftKind};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    let flags = data(ctx, inst).mem_flags().unwrap_or_default();
    let big = flags.big();
    if big && op != Opcode::AtomicCas {
        return Err(unsupported(inst, op));
    }
    match data(ctx, inst).clone() {
        InstructionData::AtomicRmw {
            op: rmw,
            args: [addr, x],
            ..
        } => {
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
            ctx.emit(trapping(
                flags,
                Inst::AtomicRmwSeq {
                    size: size_of(ty),
                    op,
                    mem,
                    operand,
                    temp,
                    dst_old: old,
                },
            ))?;
            ctx.emit(Inst::MovRR {
                size: OperandSize::S64,
                src: old.to_reg(),
                dst,
            })
        }
        InstructionData::AtomicCas {
            args: [addr, expected, replacement],
            ..
        } => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let mem = Amode::imm_reg(0, put(ctx, addr)?);
            let mut e = put(ctx, expected)?;
            let mut r = put(ctx, replacement)?;
            if big {
                // Compare and store the byte-swapped values; swap the old value back.
                e = byte_swap(ctx, inst, e, ty.bits(), None)?;
                r = byte_swap(ctx, inst, r, ty.bits(), None)?;
            }
            let old = tmp(ctx);
            ctx.emit(trapping(
                flags,
                Inst::LockCmpxchg {
                    size: size_of(ty),
                    replacement: r,
                    expected: e,
                    mem,
                    dst_old: old,
                },
            ))?;
            if big {
                byte_swap(ctx, inst, old.to_reg(), ty.bits(), Some(dst))?;
                return Ok(());
            }
            ctx.emit(Inst::MovRR {
                size: OperandSize::S64,
                src: old.to_reg(),
                dst,
            })
        }
        InstructionData::LoadNoOffset { arg, .. } if op == Opcode::AtomicLoad => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let src = RegMem::Mem(Amode::imm_reg(0, put(ctx, arg)?));
            ctx.emit(trapping(
                flags,
                match ty.bits() {
                    8 => Inst::MovzxRmR {
                        ext: ExtMode::BL,
                        src,
                        dst,
                    },
                    16 => Inst::MovzxRmR {
                        ext: ExtMode::WL,
                        src,
                        dst,
                    },
                    32 => Inst::MovzxRmR {
                        ext: ExtMode::LQ,
                        src,
                        dst,
                    },
                    _ => match src {
                        RegMem::Mem(a) => Inst::Mov64MR { src: a, dst },
                        RegMem::Reg(_) => return Err(unsupported(inst, op)),
                    },
                },
            ))
        }
        InstructionData::StoreNoOffset {
            args: [val, addr], ..
        } => {
            let ty = ty_of(ctx, val)?;
            let r = put(ctx, val)?;
            let a = Amode::imm_reg(0, put(ctx, addr)?);
            ctx.emit(trapping(
                flags,
                Inst::MovRM {
                    size: size_of(ty),
                    src: r,
                    dst: a,
                },
            ))?;
            ctx.emit(Inst::Fence)
        }
        InstructionData::Nullary { .. } if op == Opcode::Fence => ctx.emit(Inst::Fence),
        _ => Err(unsupported(inst, op)),
    }
}

/// The low `bits` of `r` with their bytes reversed, into `dst` or a new register.
fn byte_swap(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    r: Reg,
    bits: u32,
    dst: Option<Writable<Reg>>,
) -> Result<Reg, LowerError> {
    let d = dst.unwrap_or_else(|| tmp(ctx));
    match bits {
        8 => ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: r,
            dst: d,
        })?,
        16 => {
            let imm = ShiftImm::maybe_from_u64(8, 16)
                .ok_or_else(|| unsupported(inst, Opcode::AtomicCas))?;
            ctx.emit(Inst::Shift {
                size: OperandSize::S16,
                kind: ShiftKind::Rol,
                src: r,
                by: ShiftBy::Imm(imm),
                dst: d,
            })?
        }
        32 => ctx.emit(Inst::Bswap {
            size: OperandSize::S32,
            src: r,
            dst: d,
        })?,
        _ => ctx.emit(Inst::Bswap {
            size: OperandSize::S64,
            src: r,
            dst: d,
        })?,
    }
    Ok(d.to_reg())
}
