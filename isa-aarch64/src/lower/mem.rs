//! Loads, stores, stack slots and global values.
//!
//! Addressing: `base + offset` becomes `[base, #uimm12 * size]` when the offset is
//! a non-negative multiple of the access size in range, `[base, #simm9]` when it
//! fits 9 signed bits, and otherwise `[base, xN]` with the offset in a register; an
//! address that is `iadd x, y` (with a zero offset) uses `[x, y]`, and
//! `iadd x, (uextend/sextend y32)` uses `[x, wY, uxtw/sxtw]`.

use atoll_codegen::ir::{
    GlobalValue, GlobalValueData, Inst as IrInst, InstructionData, Opcode, Type, Value, ValueDef,
};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use cranelift_entity::EntityRef;

use super::*;
use crate::imms::{SImm9, UImm12Scaled};
use crate::inst::{AMode, LoadOp, StoreOp};

/// The address mode for `base + offset` accessed with `bytes`-wide data.
fn amode(
    ctx: &mut Lower<'_, Inst>,
    addr: Value,
    offset: i64,
    bytes: u8,
) -> Result<AMode, LowerError> {
    if offset == 0 {
        if let Some(m) = reg_reg_amode(ctx, addr)? {
            return Ok(m);
        }
    }
    let base = ctx.put_in_reg(addr)?;
    amode_reg(ctx, base, offset, bytes)
}

/// `[x, y]` or `[x, wY, (u|s)xtw]` when `addr` is such an `iadd` (64-bit).
fn reg_reg_amode(ctx: &mut Lower<'_, Inst>, addr: Value) -> Result<Option<AMode>, LowerError> {
    let ValueDef::Result(i, 0) = ctx.func().dfg.value_def(addr) else {
        return Ok(None);
    };
    let InstructionData::Binary {
        opcode: Opcode::Iadd,
        args,
    } = ctx.func().dfg[i].clone()
    else {
        return Ok(None);
    };
    if ctx.value_type(addr)? != Type::I64 {
        return Ok(None);
    }
    let x = ctx.put_in_reg(args[0])?;
    if let ValueDef::Result(j, 0) = ctx.func().dfg.value_def(args[1]) {
        if let InstructionData::Unary {
            opcode: op @ (Opcode::Uextend | Opcode::Sextend),
            arg,
        } = ctx.func().dfg[j].clone()
        {
            if ctx.value_type(arg)? == Type::I32 {
                let y = ctx.put_in_reg(arg)?;
                let extend = if op == Opcode::Uextend {
                    ExtendOp::Uxtw
                } else {
                    ExtendOp::Sxtw
                };
                return Ok(Some(AMode::RegExtended {
                    rn: sp_slot(x),
                    rm: y,
                    extend,
                    shifted: false,
                }));
            }
        }
    }
    let y = ctx.put_in_reg(args[1])?;
    Ok(Some(AMode::RegExtended {
        rn: sp_slot(x),
        rm: y,
        extend: ExtendOp::Uxtx,
        shifted: false,
    }))
}

/// The address mode for register `base` + `offset`.
pub(crate) fn amode_reg(
    ctx: &mut Lower<'_, Inst>,
    base: Reg,
    offset: i64,
    bytes: u8,
) -> Result<AMode, LowerError> {
    if let Some(uimm12) = UImm12Scaled::maybe_from_i64(offset, bytes) {
        return Ok(AMode::UImm12 {
            rn: sp_slot(base),
            uimm12,
        });
    }
    if let Some(simm9) = SImm9::maybe_from_i64(offset) {
        return Ok(AMode::Unscaled {
            rn: sp_slot(base),
            simm9,
        });
    }
    let off = const_reg(ctx, offset as u64, OperandSize::Size64)?;
    Ok(AMode::RegExtended {
        rn: sp_slot(base),
        rm: off,
        extend: ExtendOp::Uxtx,
        shifted: false,
    })
}

/// The load for `op` producing type `ty`.
fn load_op(op: Opcode, ty: Type) -> Option<LoadOp> {
    Some(match op {
        Opcode::Uload8 => LoadOp::ULoad8,
        Opcode::Sload8 => LoadOp::SLoad8,
        Opcode::Uload16 => LoadOp::ULoad16,
        Opcode::Sload16 => LoadOp::SLoad16,
        Opcode::Uload32 => LoadOp::ULoad32,
        Opcode::Sload32 => LoadOp::SLoad32,
        _ => plain_load(ty)?,
    })
}

/// The load of a whole value of type `ty`.
pub(crate) fn plain_load(ty: Type) -> Option<LoadOp> {
    Some(match ty {
        Type::I8 => LoadOp::ULoad8,
        Type::I16 => LoadOp::ULoad16,
        Type::I32 => LoadOp::ULoad32,
        Type::I64 => LoadOp::ULoad64,
        Type::F32 => LoadOp::FpuLoad32,
        Type::F64 => LoadOp::FpuLoad64,
        Type::I128 => return None,
    })
}

/// The store of a whole value of type `ty`.
pub(crate) fn plain_store(ty: Type) -> Option<StoreOp> {
    Some(match ty {
        Type::I8 => StoreOp::Store8,
        Type::I16 => StoreOp::Store16,
        Type::I32 => StoreOp::Store32,
        Type::I64 => StoreOp::Store64,
        Type::F32 => StoreOp::FpuStore32,
        Type::F64 => StoreOp::FpuStore64,
        Type::I128 => return None,
    })
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::Load {
            opcode,
            arg,
            offset,
            flags,
        } if flags.big() => load_big(ctx, inst, opcode, arg, i64::from(offset.0)),
        InstructionData::Store {
            opcode,
            args,
            offset,
            flags,
        } if flags.big() => store_big(ctx, inst, opcode, args, i64::from(offset.0)),
        InstructionData::Load {
            opcode,
            arg,
            offset,
            ..
        } => {
            let ty = result_type(ctx, inst, 0)?;
            let op = load_op(opcode, ty).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = amode(ctx, arg, i64::from(offset.0), op.bytes())?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Load { op, rd, mem })
        }
        InstructionData::Store {
            opcode,
            args,
            offset,
            ..
        } => {
            let ty = ctx.value_type(args[0])?;
            let op = match opcode {
                Opcode::Istore8 => StoreOp::Store8,
                Opcode::Istore16 => StoreOp::Store16,
                Opcode::Istore32 => StoreOp::Store32,
                _ => plain_store(ty).ok_or_else(|| unsupported(ctx, inst))?,
            };
            let rt = ctx.put_in_reg(args[0])?;
            let mem = amode(ctx, args[1], i64::from(offset.0), op.bytes())?;
            ctx.emit(Inst::Store { op, rt, mem })
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
                off: i64::from(offset.0),
            })
        }
        InstructionData::StackLoad {
            stack_slot, offset, ..
        } => {
            let ty = result_type(ctx, inst, 0)?;
            let op = plain_load(ty).ok_or_else(|| unsupported(ctx, inst))?;
            let rd = ctx.output_reg(inst, 0)?;
            let mem = AMode::SlotOffset {
                slot: stack_slot.index() as u32,
                off: i64::from(offset.0),
            };
            ctx.emit(Inst::Load { op, rd, mem })
        }
        InstructionData::StackStore {
            arg,
            stack_slot,
            offset,
            ..
        } => {
            let ty = ctx.value_type(arg)?;
            let op = plain_store(ty).ok_or_else(|| unsupported(ctx, inst))?;
            let rt = ctx.put_in_reg(arg)?;
            let mem = AMode::SlotOffset {
                slot: stack_slot.index() as u32,
                off: i64::from(offset.0),
            };
            ctx.emit(Inst::Store { op, rt, mem })
        }
        InstructionData::UnaryGlobalValue { global_value, .. } => {
            let rd = ctx.output_reg(inst, 0)?;
            global_value_into(ctx, inst, global_value, rd, 0)
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

/// Byte-reverse the low `bits` of `r` (8: unchanged).
pub(crate) fn byte_swap(ctx: &mut Lower<'_, Inst>, r: Reg, bits: u32) -> Result<Reg, LowerError> {
    use crate::inst::BitOp;
    let (op, size) = match bits {
        8 => return Ok(r),
        16 => (BitOp::Rev16, OperandSize::Size32),
        32 => (BitOp::Rev, OperandSize::Size32),
        _ => (BitOp::Rev, OperandSize::Size64),
    };
    let rd = tmp(ctx);
    ctx.emit(Inst::BitRR {
        op,
        size,
        rd,
        rn: r,
    })?;
    Ok(rd.to_reg())
}

/// A big-endian load: a little-endian integer load of the same width, a byte
/// reversal, then the extension or move the opcode asks for.
fn load_big(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    opcode: Opcode,
    addr: Value,
    offset: i64,
) -> Result<(), LowerError> {
    let ty = result_type(ctx, inst, 0)?;
    let (bits, signed) = match opcode {
        Opcode::Uload8 | Opcode::Sload8 => (8, opcode == Opcode::Sload8),
        Opcode::Uload16 | Opcode::Sload16 => (16, opcode == Opcode::Sload16),
        Opcode::Uload32 | Opcode::Sload32 => (32, opcode == Opcode::Sload32),
        _ if ty == Type::I128 => return Err(unsupported(ctx, inst)),
        _ => (ty.bits(), false),
    };
    let op = plain_load(Type::int_with_bits(bits).ok_or_else(|| unsupported(ctx, inst))?)
        .ok_or_else(|| unsupported(ctx, inst))?;
    let mem = amode(ctx, addr, offset, op.bytes())?;
    let raw = tmp(ctx);
    ctx.emit(Inst::Load { op, rd: raw, mem })?;
    let swapped = byte_swap(ctx, raw.to_reg(), bits)?;
    let rd = ctx.output_reg(inst, 0)?;
    if ty.is_float() {
        let size = if ty == Type::F32 {
            crate::inst::ScalarSize::Size32
        } else {
            crate::inst::ScalarSize::Size64
        };
        return ctx.emit(Inst::MovToFpu {
            size,
            rd,
            rn: swapped,
        });
    }
    if signed {
        let to = if ty == Type::I64 { 64 } else { 32 };
        return ctx.emit(Inst::Extend {
            rd,
            rn: swapped,
            signed: true,
            from_bits: bits as u8,
            to_bits: to,
        });
    }
    ctx.emit(Inst::Mov {
        size: OperandSize::Size64,
        rd,
        rm: swapped,
    })
}

/// A big-endian store: byte-reverse (through an integer register), then store.
fn store_big(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    opcode: Opcode,
    args: [Value; 2],
    offset: i64,
) -> Result<(), LowerError> {
    let ty = ctx.value_type(args[0])?;
    let bits = match opcode {
        Opcode::Istore8 => 8,
        Opcode::Istore16 => 16,
        Opcode::Istore32 => 32,
        _ if ty == Type::I128 => return Err(unsupported(ctx, inst)),
        _ => ty.bits(),
    };
    let mut r = ctx.put_in_reg(args[0])?;
    if ty.is_float() {
        let size = if ty == Type::F32 {
            crate::inst::ScalarSize::Size32
        } else {
            crate::inst::ScalarSize::Size64
        };
        let t = tmp(ctx);
        ctx.emit(Inst::MovFromFpu { size, rd: t, rn: r })?;
        r = t.to_reg();
    }
    let rt = byte_swap(ctx, r, bits)?;
    let op = plain_store(Type::int_with_bits(bits).ok_or_else(|| unsupported(ctx, inst))?)
        .ok_or_else(|| unsupported(ctx, inst))?;
    let mem = amode(ctx, args[1], offset, op.bytes())?;
    ctx.emit(Inst::Store { op, rt, mem })
}

/// Compute global value `gv` into `rd` (`depth` bounds the chain of bases).
fn global_value_into(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    gv: GlobalValue,
    rd: Writable<Reg>,
    depth: u32,
) -> Result<(), LowerError> {
    let data = ctx
        .func()
        .global_values
        .get(gv)
        .cloned()
        .ok_or_else(|| unsupported(ctx, inst))?;
    if depth > 64 {
        return Err(unsupported(ctx, inst));
    }
    match data {
        GlobalValueData::VMContext => {
            let v = vmctx_param(ctx).ok_or_else(|| unsupported(ctx, inst))?;
            let rm = ctx.put_in_reg(v)?;
            ctx.emit(Inst::Mov {
                size: OperandSize::Size64,
                rd,
                rm,
            })
        }
        GlobalValueData::Load {
            base,
            offset,
            global_type,
            ..
        } => {
            let b = tmp(ctx);
            global_value_into(ctx, inst, base, b, depth + 1)?;
            let op = plain_load(global_type).ok_or_else(|| unsupported(ctx, inst))?;
            let mem = amode_reg(ctx, b.to_reg(), i64::from(offset.0), op.bytes())?;
            ctx.emit(Inst::Load { op, rd, mem })
        }
        GlobalValueData::IAddImm { base, offset, .. } => {
            let b = tmp(ctx);
            global_value_into(ctx, inst, base, b, depth + 1)?;
            let k = const_reg(ctx, offset.0 as u64, OperandSize::Size64)?;
            ctx.emit(Inst::AluRRR {
                op: crate::inst::ALUOp::Add,
                size: OperandSize::Size64,
                rd,
                rn: b.to_reg(),
                rm: k,
            })
        }
        GlobalValueData::Symbol { .. } => Err(unsupported(ctx, inst)),
    }
}

/// The function's `vmctx` parameter, if it has one.
fn vmctx_param(ctx: &Lower<'_, Inst>) -> Option<Value> {
    let func = ctx.func();
    let idx = func
        .signature
        .params
        .iter()
        .position(|p| p.purpose == atoll_codegen::ir::ArgumentPurpose::VMContext)?;
    let entry = func.layout.entry_block()?;
    func.dfg.block_params(entry).get(idx).copied()
}
