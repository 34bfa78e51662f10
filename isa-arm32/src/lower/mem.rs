//! Loads, stores and stack slots on `i8`..`i32`, `f32`/`f64` (and `i64` as two
//! words, see [`super::wide`]).
//!
//! Addresses are 32-bit (an `i64` address uses its low word). An access is
//! `[base, #off]` when the offset fits the form (12 bits for words and bytes, 8 for
//! halfwords and signed loads, ±1020 in words for VFP), else the address is computed
//! into a fresh register first. Stack slots are addressed through `SlotAddr`
//! (resolved from the frame layout at emission).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::imms::{Off12, Off8, VfpOff};
use crate::inst::{AMode, AModeExtra, BitOp, FpSize, LoadExtraKind, VfpAMode, WordByte};

/// How one register-sized piece is accessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Word,
    Byte,
    Half,
    SByte,
    SHalf,
    Fp(FpSize),
}

impl Access {
    fn fits(self, off: i64) -> bool {
        match self {
            Access::Word | Access::Byte => Off12::maybe_from_i64(off).is_some(),
            Access::Half | Access::SByte | Access::SHalf => Off8::maybe_from_i64(off).is_some(),
            Access::Fp(_) => VfpOff::maybe_from_i64(off).is_some(),
        }
    }
}

/// `(base, off)` with `off` encodable for `acc` (adding to a fresh base if not).
fn addr(
    ctx: &mut Lower<'_, Inst>,
    base: Reg,
    off: i64,
    acc: Access,
) -> Result<(Reg, i64), LowerError> {
    if acc.fits(off) {
        return Ok((base, off));
    }
    let t = tmp(ctx);
    let k = const_reg(ctx, off as u32)?;
    ctx.emit(alu(AluOp::Add, t, base, Operand2::Reg(k)))?;
    Ok((t.to_reg(), 0))
}

/// Emit a load of `acc` from `[base, #off]` into `rd`.
pub(crate) fn emit_load(
    ctx: &mut Lower<'_, Inst>,
    acc: Access,
    rd: Writable<Reg>,
    base: Reg,
    off: i64,
) -> Result<(), LowerError> {
    let (rn, off) = addr(ctx, base, off, acc)?;
    let o12 = || Off12::maybe_from_i64(off).expect("fits");
    let o8 = || Off8::maybe_from_i64(off).expect("fits");
    let extra = |kind| Inst::LoadExtra {
        kind,
        rt: rd,
        mem: AModeExtra::Offset { rn, off: o8() },
    };
    ctx.emit(match acc {
        Access::Word => Inst::Load {
            width: WordByte::Word,
            rt: rd,
            mem: AMode::Offset { rn, off: o12() },
        },
        Access::Byte => Inst::Load {
            width: WordByte::Byte,
            rt: rd,
            mem: AMode::Offset { rn, off: o12() },
        },
        Access::Half => extra(LoadExtraKind::Ldrh),
        Access::SByte => extra(LoadExtraKind::Ldrsb),
        Access::SHalf => extra(LoadExtraKind::Ldrsh),
        Access::Fp(size) => Inst::FpuLoad {
            size,
            rd,
            mem: VfpAMode::Offset {
                rn,
                off: VfpOff::maybe_from_i64(off).expect("fits"),
            },
        },
    })
}

/// Emit a store of `acc` (`Word`, `Byte`, `Half` or `Fp`) of `rt` to `[base, #off]`.
pub(crate) fn emit_store(
    ctx: &mut Lower<'_, Inst>,
    acc: Access,
    rt: Reg,
    base: Reg,
    off: i64,
) -> Result<(), LowerError> {
    let (rn, off) = addr(ctx, base, off, acc)?;
    ctx.emit(match acc {
        Access::Word | Access::Byte => {
            let width = if acc == Access::Word {
                WordByte::Word
            } else {
                WordByte::Byte
            };
            Inst::Store {
                width,
                rt,
                mem: AMode::Offset {
                    rn,
                    off: Off12::maybe_from_i64(off).expect("fits"),
                },
            }
        }
        Access::Fp(size) => Inst::FpuStore {
            size,
            rd: rt,
            mem: VfpAMode::Offset {
                rn,
                off: VfpOff::maybe_from_i64(off).expect("fits"),
            },
        },
        _ => Inst::StoreHalf {
            rt,
            mem: AModeExtra::Offset {
                rn,
                off: Off8::maybe_from_i64(off).expect("fits"),
            },
        },
    })
}

/// The access of a load opcode producing `ty` (`None` for `i64`/`i128`).
fn load_access(op: Opcode, ty: Type) -> Option<Access> {
    Some(match (op, ty) {
        (Opcode::Uload8, _) | (Opcode::Load | Opcode::StackLoad, Type::I8) => Access::Byte,
        (Opcode::Sload8, _) => Access::SByte,
        (Opcode::Uload16, _) | (Opcode::Load | Opcode::StackLoad, Type::I16) => Access::Half,
        (Opcode::Sload16, _) => Access::SHalf,
        (_, Type::I32) => Access::Word,
        (_, Type::F32) => Access::Fp(FpSize::F32),
        (_, Type::F64) => Access::Fp(FpSize::F64),
        _ => return None,
    })
}

/// The access of a store opcode of a value of type `ty`.
fn store_access(op: Opcode, ty: Type) -> Option<Access> {
    Some(match (op, ty) {
        (Opcode::Istore8, _) | (_, Type::I8) => Access::Byte,
        (Opcode::Istore16, _) | (_, Type::I16) => Access::Half,
        (_, Type::I32) => Access::Word,
        (_, Type::F32) => Access::Fp(FpSize::F32),
        (_, Type::F64) => Access::Fp(FpSize::F64),
        _ => return None,
    })
}

/// The 32-bit address register of value `v`.
pub(crate) fn addr_reg(ctx: &Lower<'_, Inst>, v: Value) -> Result<Reg, LowerError> {
    ctx.value_regs(v)?
        .first()
        .copied()
        .ok_or(LowerError::UndefinedValue(v))
}

/// A fresh register with the address of stack slot `slot` plus `off`.
pub(crate) fn slot_addr(ctx: &mut Lower<'_, Inst>, slot: u32, off: i32) -> Result<Reg, LowerError> {
    let rd = tmp(ctx);
    ctx.emit(Inst::SlotAddr { rd, slot, off })?;
    Ok(rd.to_reg())
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    use cranelift_entity::EntityRef;
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    match data {
        InstructionData::Load {
            arg, offset, flags, ..
        } => {
            let ty = result_type(ctx, inst, 0)?;
            let acc = load_access(op, ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let base = addr_reg(ctx, arg)?;
            let rd = ctx.output_reg(inst, 0)?;
            if flags.big() && matches!(acc, Access::Fp(_)) {
                return Err(unsupported_on(ctx, inst, ty));
            }
            if !flags.big() {
                return emit_load(ctx, acc, rd, base, i64::from(offset.0));
            }
            // Big-endian: load, then reverse the bytes (a halfword ends up in the
            // top half and is shifted down with the load's extension).
            let (t, r) = (tmp(ctx), tmp(ctx));
            emit_load(ctx, acc, t, base, i64::from(offset.0))?;
            ctx.emit(Inst::Bit {
                op: BitOp::Rev,
                rd: r,
                rm: t.to_reg(),
            })?;
            match acc {
                Access::Word => ctx.emit(Inst::mov(rd, r.to_reg())),
                Access::Byte | Access::SByte => ctx.emit(Inst::mov(rd, t.to_reg())),
                Access::Half => ctx.emit(mov_op2(rd, shifted(r.to_reg(), ShiftKind::Lsr, 16))),
                Access::SHalf => ctx.emit(mov_op2(rd, shifted(r.to_reg(), ShiftKind::Asr, 16))),
                Access::Fp(_) => unreachable!("rejected above"),
            }
        }
        InstructionData::Store {
            args,
            offset,
            flags,
            ..
        } => {
            let ty = ctx.value_type(args[0])?;
            let acc = store_access(op, ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let base = addr_reg(ctx, args[1])?;
            let mut rt = ctx.put_in_reg(args[0])?;
            if flags.big() {
                let r = tmp(ctx);
                match acc {
                    Access::Word => ctx.emit(Inst::Bit {
                        op: BitOp::Rev,
                        rd: r,
                        rm: rt,
                    })?,
                    Access::Half => ctx.emit(Inst::Bit {
                        op: BitOp::Rev16,
                        rd: r,
                        rm: rt,
                    })?,
                    Access::Byte => ctx.emit(Inst::mov(r, rt))?,
                    _ => return Err(unsupported_on(ctx, inst, ty)),
                }
                rt = r.to_reg();
            }
            emit_store(ctx, acc, rt, base, i64::from(offset.0))
        }
        InstructionData::StackLoad {
            opcode: Opcode::StackAddr,
            stack_slot,
            offset,
        } => {
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::SlotAddr {
                rd,
                slot: stack_slot.index() as u32,
                off: offset.0,
            })
        }
        InstructionData::StackLoad {
            stack_slot, offset, ..
        } => {
            let ty = result_type(ctx, inst, 0)?;
            let acc = load_access(op, ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let base = slot_addr(ctx, stack_slot.index() as u32, offset.0)?;
            let rd = ctx.output_reg(inst, 0)?;
            emit_load(ctx, acc, rd, base, 0)
        }
        InstructionData::StackStore {
            arg,
            stack_slot,
            offset,
            ..
        } => {
            let ty = ctx.value_type(arg)?;
            let acc = store_access(op, ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let base = slot_addr(ctx, stack_slot.index() as u32, offset.0)?;
            let rt = ctx.put_in_reg(arg)?;
            emit_store(ctx, acc, rt, base, 0)
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
