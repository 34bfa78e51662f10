//! Memory rules: loads (plain, zero- and sign-extending) and stores (plain and
//! narrowing) at `base + offset`, stack slots, and atomics (acquire/release
//! accesses, `dmb ish`, and load-exclusive/store-exclusive loops).
//!
//! The offset folds into the instruction when a scaled or unscaled form encodes it;
//! otherwise it is added to the base first.

use atoll_codegen::ir::{AtomicRmwOp, Inst as IrInst, InstructionData, Opcode, Type, Value};
use atoll_codegen::machinst::{LowerError, RegClass};

use super::int::constant;
use super::{result_ty, sp_slot, ty, unsupported, Ctx};
use crate::inst::{ALUOp, AMode, AtomicBits, AtomicOp, Inst, LoadOp, OperandSize, StoreOp};

/// The address `base + offset` for an access of `bytes`.
fn address(ctx: Ctx<'_, '_>, base: Value, offset: i64, bytes: u8) -> Result<AMode, LowerError> {
    let b = ctx.put_in_reg(base)?;
    if let Some(mem) = Inst::amode_offset(sp_slot(b), offset, bytes) {
        return Ok(mem);
    }
    let off = ctx.alloc_tmp(RegClass::Int);
    constant(ctx, off, offset as u64, OperandSize::Size64)?;
    let addr = ctx.alloc_tmp(RegClass::Int);
    ctx.emit(Inst::AluRRR { op: ALUOp::Add, size: OperandSize::Size64, rd: addr, rn: b, rm: off.to_reg() })?;
    Ok(Inst::amode_offset(sp_slot(addr.to_reg()), 0, bytes).expect("offset 0 always encodes"))
}

fn load_op(opcode: Opcode, t: Type) -> Option<LoadOp> {
    Some(match (opcode, t) {
        (Opcode::Load, Type::I8) | (Opcode::Uload8, _) => LoadOp::ULoad8,
        (Opcode::Load, Type::I16) | (Opcode::Uload16, _) => LoadOp::ULoad16,
        (Opcode::Load, Type::I32) | (Opcode::Uload32, _) => LoadOp::ULoad32,
        (Opcode::Load, Type::I64) => LoadOp::ULoad64,
        (Opcode::Load, Type::F32) => LoadOp::FpuLoad32,
        (Opcode::Load, Type::F64) => LoadOp::FpuLoad64,
        (Opcode::Sload8, _) => LoadOp::SLoad8,
        (Opcode::Sload16, _) => LoadOp::SLoad16,
        (Opcode::Sload32, _) => LoadOp::SLoad32,
        _ => return None,
    })
}

fn store_op(opcode: Opcode, t: Type) -> Option<StoreOp> {
    Some(match (opcode, t) {
        (Opcode::Store, Type::I8) | (Opcode::Istore8, _) => StoreOp::Store8,
        (Opcode::Store, Type::I16) | (Opcode::Istore16, _) => StoreOp::Store16,
        (Opcode::Store, Type::I32) | (Opcode::Istore32, _) => StoreOp::Store32,
        (Opcode::Store, Type::I64) => StoreOp::Store64,
        (Opcode::Store, Type::F32) => StoreOp::FpuStore32,
        (Opcode::Store, Type::F64) => StoreOp::FpuStore64,
        _ => return None,
    })
}

/// Memory rules; `Ok(false)` when `data` is not one of them.
pub(super) fn lower(ctx: Ctx<'_, '_>, inst: IrInst, data: &InstructionData) -> Result<bool, LowerError> {
    match *data {
        InstructionData::Load { opcode, arg, offset, .. } => {
            let t = result_ty(ctx, inst)?;
            let op = load_op(opcode, t).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = address(ctx, arg, i64::from(offset.0), op.bytes())?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Load { op, rd, mem })?;
            Ok(true)
        }
        InstructionData::Store { opcode, args: [value, addr], offset, .. } => {
            let t = ty(ctx, value)?;
            let op = store_op(opcode, t).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = address(ctx, addr, i64::from(offset.0), op.bytes())?;
            let rt = ctx.put_in_reg(value)?;
            ctx.emit(Inst::Store { op, rt, mem })?;
            Ok(true)
        }
        InstructionData::StackLoad { opcode: Opcode::StackLoad, stack_slot, offset } => {
            let t = result_ty(ctx, inst)?;
            let op = load_op(Opcode::Load, t).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = AMode::SlotOffset { slot: stack_slot.as_u32(), off: i64::from(offset.0) };
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Load { op, rd, mem })?;
            Ok(true)
        }
        InstructionData::StackLoad { opcode: Opcode::StackAddr, stack_slot, offset } => {
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::SlotAddr { rd, slot: stack_slot.as_u32(), off: i64::from(offset.0) })?;
            Ok(true)
        }
        InstructionData::StackStore { opcode: Opcode::StackStore, arg, stack_slot, offset } => {
            let t = ty(ctx, arg)?;
            let op = store_op(Opcode::Store, t).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = AMode::SlotOffset { slot: stack_slot.as_u32(), off: i64::from(offset.0) };
            let rt = ctx.put_in_reg(arg)?;
            ctx.emit(Inst::Store { op, rt, mem })?;
            Ok(true)
        }
        InstructionData::AtomicRmw { opcode: Opcode::AtomicRmw, op, args: [addr, operand], .. } => {
            let t = result_ty(ctx, inst)?;
            let bits = AtomicBits::maybe_from_bits(t.bits()).ok_or_else(|| unsupported(ctx, inst))?;
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
            let addr = sp_slot(ctx.put_in_reg(addr)?);
            let operand = ctx.put_in_reg(operand)?;
            let oldval = ctx.output_reg(inst, 0)?;
            let (scratch1, scratch2) = (ctx.alloc_tmp(RegClass::Int), ctx.alloc_tmp(RegClass::Int));
            ctx.emit(Inst::AtomicRmwLoop { op, bits, addr, operand, oldval, scratch1, scratch2 })?;
            Ok(true)
        }
        InstructionData::AtomicCas { opcode: Opcode::AtomicCas, args: [addr, expected, replacement], .. } => {
            let t = result_ty(ctx, inst)?;
            let bits = AtomicBits::maybe_from_bits(t.bits()).ok_or_else(|| unsupported(ctx, inst))?;
            let addr = sp_slot(ctx.put_in_reg(addr)?);
            let (expected, replacement) = (ctx.put_in_reg(expected)?, ctx.put_in_reg(replacement)?);
            let oldval = ctx.output_reg(inst, 0)?;
            let scratch = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::AtomicCasLoop { bits, addr, expected, replacement, oldval, scratch })?;
            Ok(true)
        }
        InstructionData::LoadNoOffset { opcode: Opcode::AtomicLoad, arg, .. } => {
            let t = result_ty(ctx, inst)?;
            let bits = AtomicBits::maybe_from_bits(t.bits()).ok_or_else(|| unsupported(ctx, inst))?;
            let rn = sp_slot(ctx.put_in_reg(arg)?);
            let rt = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::LoadAcquire { bits, rt, rn })?;
            Ok(true)
        }
        InstructionData::StoreNoOffset { opcode: Opcode::AtomicStore, args: [value, addr], .. } => {
            let t = ty(ctx, value)?;
            let bits = AtomicBits::maybe_from_bits(t.bits()).ok_or_else(|| unsupported(ctx, inst))?;
            let rn = sp_slot(ctx.put_in_reg(addr)?);
            let rt = ctx.put_in_reg(value)?;
            ctx.emit(Inst::StoreRelease { bits, rt, rn })?;
            Ok(true)
        }
        InstructionData::Nullary { opcode: Opcode::Fence } => {
            ctx.emit(Inst::Fence)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
