//! Memory: loads and stores (all widths, extending loads, truncating stores,
//! big-endian flag), addressing-mode folding, stack slots, `global_value`,
//! `func_addr`.
//!
//! Address folding: `load (iadd x, c) + off` becomes `[x + c + off]`, `iadd x (ishl
//! y, k)` with `k <= 3` becomes `[x + y << k + off]`, any other `iadd x y` becomes
//! `[x + y + off]`. The `iadd` itself is still lowered (it may have other uses);
//! folding only saves the add on the load's path.

use atoll_codegen::buffer::RelocTarget;
use atoll_codegen::ir::{
    ArgumentPurpose, GlobalValue, GlobalValueData, Inst as IrInst, InstructionData, MemFlags,
    Opcode,
};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};
use cranelift_entity::EntityRef;

use super::*;
use crate::imms::ShiftImm;
use crate::inst::{Amode, Scale, ShiftBy, ShiftKind, SseOp};
use crate::regs::{rbp, rsp};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    match data(ctx, inst).clone() {
        InstructionData::Load { .. } if sunk_load_user(ctx, inst).is_some() => Ok(()),
        InstructionData::Load {
            flags, arg, offset, ..
        } => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let a = amode(ctx, arg, offset.0)?;
            load(ctx, inst, op, ty, flags, a, dst)
        }
        InstructionData::Store {
            flags,
            args: [val, addr],
            offset,
            ..
        } => {
            let a = amode(ctx, addr, offset.0)?;
            store(ctx, inst, op, flags, val, a)
        }
        InstructionData::StackLoad {
            stack_slot, offset, ..
        } if op == StackAddr => {
            let dst = out(ctx, inst)?;
            ctx.emit(Inst::StackAddr {
                slot: stack_slot.index() as u32,
                offset: offset.0,
                dst,
            })
        }
        InstructionData::StackLoad {
            stack_slot, offset, ..
        } => {
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let a = stack_amode(ctx, stack_slot.index() as u32, offset.0)?;
            load(ctx, inst, Load, ty, notrap(), a, dst)
        }
        InstructionData::StackStore {
            arg,
            stack_slot,
            offset,
            ..
        } => {
            let a = stack_amode(ctx, stack_slot.index() as u32, offset.0)?;
            store(ctx, inst, Store, notrap(), arg, a)
        }
        InstructionData::UnaryGlobalValue { global_value, .. } => {
            let dst = out(ctx, inst)?;
            let r = global_value_reg(ctx, inst, global_value, 0)?;
            ctx.emit(Inst::MovRR {
                size: OperandSize::S64,
                src: r,
                dst,
            })
        }
        InstructionData::FuncAddr { func_ref, .. } => {
            let dst = out(ctx, inst)?;
            ctx.emit(Inst::LoadExtName {
                target: RelocTarget(func_ref.index() as u32),
                dst,
            })
        }
        InstructionData::Nullary { .. } => {
            // The frame pointer is always kept, so the return address is at [rbp + 8].
            let dst = out(ctx, inst)?;
            match op {
                GetStackPointer => ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: rsp(),
                    dst,
                }),
                GetFramePointer => ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: rbp(),
                    dst,
                }),
                GetReturnAddress => ctx.emit(Inst::Mov64MR {
                    src: Amode::imm_reg(8, rbp()),
                    dst,
                }),
                _ => Err(unsupported(inst, op)),
            }
        }
        _ => Err(unsupported(inst, op)),
    }
}

/// The instruction a 32/64-bit `load` is merged into as a memory operand, if any:
/// its only user, in the same block, an `iadd`/`isub`/`imul`/`band`/`bor`/`bxor`/`icmp` of the
/// same type taking it as an operand that can be memory (either for commutative
/// ops, the second for `isub`), with nothing between them that stores, calls,
/// traps or has another side effect (so the load may move down to its user).
pub(crate) fn sunk_load_user(ctx: &Lower<'_, Inst>, load: IrInst) -> Option<IrInst> {
    let func = ctx.func();
    let InstructionData::Load {
        opcode: Opcode::Load,
        flags,
        ..
    } = func.dfg[load]
    else {
        return None;
    };
    if flags.big() {
        return None;
    }
    let v = *func.dfg.inst_results(load).first()?;
    let ty = func.dfg.value_type(v)?;
    if !(ty.is_int() && ty.bits() >= 32) {
        return None;
    }
    let user = ctx.sole_user(v)?;
    if func.layout.inst_block(user) != func.layout.inst_block(load) {
        return None;
    }
    let position_ok = match func.dfg[user] {
        InstructionData::Binary {
            opcode,
            args: [a, b],
        } => match opcode {
            Opcode::Iadd | Opcode::Band | Opcode::Bor | Opcode::Bxor | Opcode::Imul => a != b,
            Opcode::Isub => b == v && a != v,
            _ => false,
        },
        // A compare merged into a branch is emitted at the branch, later than the
        // side-effect check below looks; only an `icmp` emitted in place can take it.
        InstructionData::IntCompare { args: [a, b], .. } => {
            a != b && !super::cmp::is_fused(ctx, user)
        }
        _ => false,
    };
    if !position_ok {
        return None;
    }
    let mut cur = func.layout.next_inst(load)?;
    while cur != user {
        if func.dfg[cur].opcode().has_side_effects() {
            return None;
        }
        cur = func.layout.next_inst(cur)?;
    }
    Some(user)
}

/// Whether `v` is a `load` merged into `user`.
pub(crate) fn sunk_load_operand_is(ctx: &Lower<'_, Inst>, v: Value, user: IrInst) -> bool {
    ctx.def_inst(v)
        .is_some_and(|d| sunk_load_user(ctx, d) == Some(user))
}

/// The memory operand (and flags) of `v` if its defining `load` is merged into `user`.
pub(crate) fn sunk_load_operand(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    user: IrInst,
) -> Result<Option<(Amode, MemFlags)>, LowerError> {
    let Some(def) = ctx.def_inst(v) else {
        return Ok(None);
    };
    if sunk_load_user(ctx, def) != Some(user) {
        return Ok(None);
    }
    match data(ctx, def).clone() {
        InstructionData::Load {
            arg, offset, flags, ..
        } => Ok(Some((amode(ctx, arg, offset.0)?, flags))),
        _ => Ok(None),
    }
}

/// The address `[slot + offset]` (through a `lea`: slot offsets are known only
/// after register allocation).
fn stack_amode(ctx: &mut Lower<'_, Inst>, slot: u32, offset: i32) -> Result<Amode, LowerError> {
    let t = tmp(ctx);
    ctx.emit(Inst::StackAddr {
        slot,
        offset,
        dst: t,
    })?;
    Ok(Amode::imm_reg(0, t.to_reg()))
}

/// The addressing mode for `addr + offset`, folding an `iadd` that computes `addr`.
pub(crate) fn amode(
    ctx: &mut Lower<'_, Inst>,
    addr: Value,
    offset: i32,
) -> Result<Amode, LowerError> {
    if let Some(def) = ctx.def_inst(addr) {
        match data(ctx, def).clone() {
            InstructionData::Binary {
                opcode: Opcode::Iadd,
                args: [x, y],
            } => {
                for (base, other) in [(x, y), (y, x)] {
                    if let Some(c) = const_of(ctx, other) {
                        if let Some(d) = i32::try_from(c).ok().and_then(|c| c.checked_add(offset)) {
                            return Ok(Amode::imm_reg(d, put(ctx, base)?));
                        }
                    }
                }
                let (index, scale) = scaled_index(ctx, y)?;
                let base = put(ctx, x)?;
                if let Some(a) = Amode::base_index(base, index, scale, offset) {
                    return Ok(a);
                }
            }
            InstructionData::BinaryImm64 {
                opcode: Opcode::IaddImm,
                arg,
                imm,
            } => {
                if let Some(d) = i32::try_from(imm.0)
                    .ok()
                    .and_then(|c| c.checked_add(offset))
                {
                    return Ok(Amode::imm_reg(d, put(ctx, arg)?));
                }
            }
            _ => {}
        }
    }
    Ok(Amode::imm_reg(offset, put(ctx, addr)?))
}

/// `v` as an index register and scale: `ishl y, k` with constant `k <= 3` folds.
fn scaled_index(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<(Reg, Scale), LowerError> {
    if let Some(def) = ctx.def_inst(v) {
        let shifted = match data(ctx, def).clone() {
            InstructionData::BinaryImm64 {
                opcode: Opcode::IshlImm,
                arg,
                imm,
            } => Some((arg, imm.0)),
            InstructionData::Binary {
                opcode: Opcode::Ishl,
                args: [a, k],
            } => const_of(ctx, k).map(|k| (a, k)),
            _ => None,
        };
        if let Some((y, k)) = shifted {
            if ty_of(ctx, y)?.bits() == 64 {
                if let Some(s) = u8::try_from(k & 63)
                    .ok()
                    .and_then(|k| Scale::maybe_from_u8(1 << k.min(7)))
                {
                    if k & 63 <= 3 {
                        return Ok((put(ctx, y)?, s));
                    }
                }
            }
        }
    }
    Ok((
        put(ctx, v)?,
        Scale::maybe_from_u8(1).ok_or(LowerError::UndefinedValue(v))?,
    ))
}

fn load(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    ty: Type,
    flags: MemFlags,
    a: Amode,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    use Opcode::*;
    let src = RegMem::Mem(a);
    if ty.is_float() {
        if flags.big() {
            return Err(unsupported(inst, op));
        }
        let sop = if ty.bits() == 32 {
            SseOp::Movss
        } else {
            SseOp::Movsd
        };
        return ctx.emit(trapping(flags, Inst::XmmUnaryRmR { op: sop, src, dst }));
    }
    let wide = ty.bits() == 64;
    let (signed, ext, width) = match op {
        Load => match ty.bits() {
            8 => (false, Some(ExtMode::BL), 8),
            16 => (false, Some(ExtMode::WL), 16),
            32 => (false, Some(ExtMode::LQ), 32),
            _ => (false, None, 64),
        },
        Uload8 => (false, Some(ExtMode::BL), 8),
        Sload8 => (true, Some(if wide { ExtMode::BQ } else { ExtMode::BL }), 8),
        Uload16 => (false, Some(ExtMode::WL), 16),
        Sload16 => (true, Some(if wide { ExtMode::WQ } else { ExtMode::WL }), 16),
        Uload32 => (false, Some(ExtMode::LQ), 32),
        Sload32 => (true, Some(ExtMode::LQ), 32),
        _ => return Err(unsupported(inst, op)),
    };
    if flags.big() && width > 8 {
        // Load the raw bytes, swap, then extend.
        let raw = tmp(ctx);
        ctx.emit(trapping(
            flags,
            match width {
                16 => Inst::MovzxRmR {
                    ext: ExtMode::WL,
                    src,
                    dst: raw,
                },
                32 => Inst::MovzxRmR {
                    ext: ExtMode::LQ,
                    src,
                    dst: raw,
                },
                _ => Inst::Mov64MR { src: a, dst: raw },
            },
        ))?;
        let sw = tmp(ctx);
        if width == 16 {
            let by =
                ShiftBy::Imm(ShiftImm::maybe_from_u64(8, 16).ok_or_else(|| unsupported(inst, op))?);
            ctx.emit(Inst::Shift {
                size: OperandSize::S16,
                kind: ShiftKind::Rol,
                src: raw.to_reg(),
                by,
                dst: sw,
            })?;
        } else {
            ctx.emit(Inst::Bswap {
                size: size_of(Type::int_with_bits(width).unwrap_or(Type::I64)),
                src: raw.to_reg(),
                dst: sw,
            })?;
        }
        let to = if wide { 64 } else { 32 };
        return match ext_inst(sw.to_reg(), width, signed, to, Some(dst)) {
            Some(i) => ctx.emit(i),
            None => ctx.emit(Inst::MovRR {
                size: OperandSize::S64,
                src: sw.to_reg(),
                dst,
            }),
        };
    }
    let i = match ext {
        None => Inst::Mov64MR { src: a, dst },
        Some(ext) if signed => Inst::MovsxRmR { ext, src, dst },
        Some(ext) => Inst::MovzxRmR { ext, src, dst },
    };
    ctx.emit(trapping(flags, i))
}

/// `i` with a trap record when `flags` say the access can fault.
pub(crate) fn trapping(flags: MemFlags, i: Inst) -> Inst {
    match flags.trap_code() {
        Some(code) => Inst::Trapping {
            code,
            inst: Box::new(i),
        },
        None => i,
    }
}

/// Flags of an access that cannot fault (stack slots).
fn notrap() -> MemFlags {
    let mut f = MemFlags::default();
    // "notrap" is a known flag name, so this cannot fail.
    f.set_by_name("notrap").map(|()| f).unwrap_or(f)
}

fn store(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    flags: MemFlags,
    val: Value,
    a: Amode,
) -> Result<(), LowerError> {
    let ty = ty_of(ctx, val)?;
    if ty.is_float() {
        if flags.big() {
            return Err(unsupported(inst, op));
        }
        let sop = if ty.bits() == 32 {
            SseOp::Movss
        } else {
            SseOp::Movsd
        };
        let r = put(ctx, val)?;
        return ctx.emit(trapping(
            flags,
            Inst::XmmMovRM {
                op: sop,
                src: r,
                dst: a,
            },
        ));
    }
    let width = match op {
        Opcode::Istore8 => 8,
        Opcode::Istore16 => 16,
        Opcode::Istore32 => 32,
        _ => ty.bits(),
    };
    let size = size_of(Type::int_with_bits(width).unwrap_or(Type::I64));
    let mut r = put(ctx, val)?;
    if flags.big() && width > 8 {
        let sw = tmp(ctx);
        if width == 16 {
            let by =
                ShiftBy::Imm(ShiftImm::maybe_from_u64(8, 16).ok_or_else(|| unsupported(inst, op))?);
            ctx.emit(Inst::Shift {
                size: OperandSize::S16,
                kind: ShiftKind::Rol,
                src: r,
                by,
                dst: sw,
            })?;
        } else {
            ctx.emit(Inst::Bswap {
                size,
                src: r,
                dst: sw,
            })?;
        }
        r = sw.to_reg();
    } else if let Some(imm) =
        const_of(ctx, val).and_then(|c| Simm32::maybe_from_i64(sext(c as u64, width)))
    {
        return ctx.emit(trapping(flags, Inst::MovImmM { size, imm, dst: a }));
    }
    ctx.emit(trapping(
        flags,
        Inst::MovRM {
            size,
            src: r,
            dst: a,
        },
    ))
}

/// The value of global value `gv` in a register (`depth` guards against cycles,
/// which the verifier already rejects).
fn global_value_reg(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    gv: GlobalValue,
    depth: u32,
) -> Result<Reg, LowerError> {
    let op = Opcode::GlobalValue;
    if depth > 16 {
        return Err(unsupported(inst, op));
    }
    let func = ctx.func();
    let gvd = func
        .global_values
        .get(gv)
        .cloned()
        .ok_or_else(|| unsupported(inst, op))?;
    match gvd {
        GlobalValueData::VMContext => {
            let idx = func
                .signature
                .params
                .iter()
                .position(|p| p.purpose == ArgumentPurpose::VMContext)
                .ok_or_else(|| unsupported(inst, op))?;
            let entry = func
                .layout
                .entry_block()
                .ok_or_else(|| unsupported(inst, op))?;
            let v = *func
                .dfg
                .block_params(entry)
                .get(idx)
                .ok_or_else(|| unsupported(inst, op))?;
            put(ctx, v)
        }
        GlobalValueData::Load {
            base,
            offset,
            global_type,
            flags,
        } => {
            let b = global_value_reg(ctx, inst, base, depth + 1)?;
            let dst = tmp(ctx);
            load(
                ctx,
                inst,
                Opcode::Load,
                global_type,
                flags,
                Amode::imm_reg(offset.0, b),
                dst,
            )?;
            Ok(dst.to_reg())
        }
        GlobalValueData::IAddImm {
            base,
            offset,
            global_type,
        } => {
            let b = global_value_reg(ctx, inst, base, depth + 1)?;
            let dst = tmp(ctx);
            let src2 = match imm_rmi(offset.0, global_type) {
                Some(i) => i,
                None => RegMemImm::Reg(const_reg(ctx, offset.0 as u64)?),
            };
            ctx.emit(Inst::AluRmiR {
                size: alu_size(global_type),
                op: crate::inst::AluOp::Add,
                src1: b,
                src2,
                dst,
            })?;
            Ok(dst.to_reg())
        }
        GlobalValueData::Symbol { .. } => Err(unsupported(inst, op)),
    }
}
