//! The ABI in instructions: incoming arguments (`lower_args`), `return`, `call` and
//! `call_indirect`.
//!
//! - Register arguments and results are fixed-register operands of the `Args`,
//!   `Ret` and call pseudo-instructions, so regalloc2 places the moves.
//! - Incoming stack arguments are loaded from `[rbp + 16 + offset]` (plus the
//!   Windows shadow space).
//! - Outgoing stack arguments are stored at `[rsp + offset]` in the frame's
//!   outgoing-argument area; a callee's return area follows them in the same area,
//!   so it needs no stack slot, and results in it are loaded right after the call.
//! - Arguments and results with a `uext`/`sext` attribute are extended to 64 bits
//!   by the side that produces them.

use atoll_codegen::buffer::RelocTarget;
use atoll_codegen::ir::{ArgumentExtension, Inst as IrInst, InstructionData, Opcode, Signature};
use atoll_codegen::machinst::{ArgLoc, Lower, LowerError, PReg, PRegSet, Reg, RegClass, Writable};
use cranelift_entity::EntityRef;

use super::*;
use crate::abi::{conv_of, X64Abi, X64CallConv};
use crate::inst::{Amode, CallInfo, SseOp};
use crate::regs::{rbp, rsp};
use crate::X64Lower;

pub(super) fn lower_args(
    b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    params: &[Value],
) -> Result<(), LowerError> {
    let mut args: Vec<(Writable<Reg>, PReg)> = Vec::new();
    let mut from_stack: Vec<(Value, u32)> = Vec::new();
    match &b.sig.ret_area_ptr {
        Some(ArgLoc::Regs(rs)) => {
            let t = tmp(ctx);
            if let Some(&p) = rs.first() {
                args.push((t, p));
            }
            b.ret_area.set(Some(t.to_reg()));
        }
        Some(ArgLoc::Stack { offset, .. }) => {
            let t = tmp(ctx);
            ctx.emit(Inst::Mov64MR {
                src: incoming(b, *offset),
                dst: t,
            })?;
            b.ret_area.set(Some(t.to_reg()));
        }
        None => {}
    }
    for (&v, loc) in params.iter().zip(&b.sig.args.locs) {
        match loc {
            ArgLoc::Regs(rs) => {
                if let Some(&p) = rs.first() {
                    args.push((Writable::from_reg(put(ctx, v)?), p));
                }
            }
            ArgLoc::Stack { offset, .. } => from_stack.push((v, *offset)),
        }
    }
    ctx.emit(Inst::Args { args })?;
    for (v, offset) in from_stack {
        let ty = ty_of(ctx, v)?;
        let dst = Writable::from_reg(put(ctx, v)?);
        ctx.emit(load_class(ty, incoming(b, offset), dst))?;
    }
    Ok(())
}

/// Address of an incoming stack argument at `offset` of the caller's area.
fn incoming(b: &X64Lower<'_>, offset: u32) -> Amode {
    Amode::imm_reg((16 + b.abi.stack_arg_base() + offset) as i32, rbp())
}

fn load_class(ty: Type, a: Amode, dst: Writable<Reg>) -> Inst {
    match ty.bits() {
        _ if ty.is_float() && ty.bits() == 32 => Inst::XmmUnaryRmR {
            op: SseOp::Movss,
            src: RegMem::Mem(a),
            dst,
        },
        _ if ty.is_float() => Inst::XmmUnaryRmR {
            op: SseOp::Movsd,
            src: RegMem::Mem(a),
            dst,
        },
        _ => Inst::Mov64MR { src: a, dst },
    }
}

fn store_class(ty: Type, src: Reg, a: Amode) -> Inst {
    if ty.is_float() {
        let op = if ty.bits() == 32 {
            SseOp::Movss
        } else {
            SseOp::Movsd
        };
        Inst::XmmMovRM { op, src, dst: a }
    } else {
        Inst::MovRM {
            size: OperandSize::S64,
            src,
            dst: a,
        }
    }
}

/// `v`, extended to 64 bits when its ABI parameter asks for it.
fn with_extension(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    ext: ArgumentExtension,
) -> Result<Reg, LowerError> {
    let ty = ty_of(ctx, v)?;
    match ext {
        ArgumentExtension::None => put(ctx, v),
        _ if ty.is_float() => put(ctx, v),
        ArgumentExtension::Uext => extend(ctx, v, false, 64),
        ArgumentExtension::Sext => extend(ctx, v, true, 64),
    }
}

pub(super) fn lower(
    b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    match data(ctx, inst).clone() {
        InstructionData::MultiAry { args, .. } if op == Opcode::Return => {
            lower_return(b, ctx, inst, &args)
        }
        InstructionData::Call { func_ref, args, .. } if op == Opcode::ReturnCall => {
            let func = ctx.func();
            let ext = func
                .ext_funcs
                .get(func_ref)
                .ok_or_else(|| unsupported(inst, op))?;
            let sig = func
                .sigs
                .get(ext.signature)
                .ok_or_else(|| unsupported(inst, op))?;
            let target = CallTarget::Known(RelocTarget(func_ref.index() as u32));
            lower_return_call(b, ctx, inst, op, sig, target, &args)
        }
        InstructionData::CallIndirect { sig_ref, args, .. } if op == Opcode::ReturnCallIndirect => {
            let sig = ctx
                .func()
                .sigs
                .get(sig_ref)
                .ok_or_else(|| unsupported(inst, op))?;
            let (&callee, rest) = args.split_first().ok_or_else(|| unsupported(inst, op))?;
            let target = CallTarget::Reg(put(ctx, callee)?);
            lower_return_call(b, ctx, inst, op, sig, target, rest)
        }
        InstructionData::Call { func_ref, args, .. } => {
            let func = ctx.func();
            let ext = func
                .ext_funcs
                .get(func_ref)
                .ok_or_else(|| unsupported(inst, op))?;
            let sig = func
                .sigs
                .get(ext.signature)
                .ok_or_else(|| unsupported(inst, op))?;
            let target = CallTarget::Known(RelocTarget(func_ref.index() as u32));
            lower_call(ctx, inst, op, sig, target, &args)
        }
        InstructionData::CallIndirect { sig_ref, args, .. } => {
            let func = ctx.func();
            let sig = func
                .sigs
                .get(sig_ref)
                .ok_or_else(|| unsupported(inst, op))?;
            let (&callee, rest) = args.split_first().ok_or_else(|| unsupported(inst, op))?;
            let target = CallTarget::Reg(put(ctx, callee)?);
            lower_call(ctx, inst, op, sig, target, rest)
        }
        _ => Err(unsupported(inst, op)),
    }
}

fn lower_return(
    b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    vals: &[Value],
) -> Result<(), LowerError> {
    let func = ctx.func();
    let needs_area = b
        .sig
        .rets
        .locs
        .iter()
        .any(|l| matches!(l, ArgLoc::Stack { .. }));
    let area = match (needs_area, b.ret_area.get()) {
        // `lower_args` defines the pointer whenever the signature needs the area.
        (true, None) => return Err(unsupported(inst, Opcode::Return)),
        (_, area) => area.unwrap_or(rsp()),
    };
    let mut rets: Vec<(Reg, PReg)> = Vec::new();
    let slot = |off: u32| Amode::imm_reg(off as i32, area);
    place_values(
        ctx,
        &func.signature.returns,
        vals,
        &b.sig.rets.locs,
        slot,
        &mut rets,
    )?;
    ctx.emit(Inst::Ret {
        stack_bytes: 0,
        rets,
    })
}

enum CallTarget {
    Known(RelocTarget),
    Reg(Reg),
}

fn lower_call(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    sig: &Signature,
    target: CallTarget,
    args: &[Value],
) -> Result<(), LowerError> {
    let conv = conv_of(sig).map_err(|_| unsupported(inst, op))?;
    let abi = X64Abi::new(conv);
    let assign = abi.assign(sig).map_err(|_| unsupported(inst, op))?;
    let base = abi.stack_arg_base();
    let args_end = base + assign.args.stack_size;
    let ret_area_off = args_end.div_ceil(16) * 16;
    let outgoing = if assign.ret_area_ptr.is_some() {
        ret_area_off + assign.rets.stack_size
    } else {
        args_end
    };
    if outgoing > 0 {
        ctx.require_outgoing_args(outgoing);
    }
    let out_amode = |off: u32| Amode::imm_reg((base + off) as i32, rsp());

    let mut uses: Vec<(Reg, PReg)> = Vec::new();
    if let Some(loc) = &assign.ret_area_ptr {
        let t = tmp(ctx);
        ctx.emit(Inst::Lea {
            size: OperandSize::S64,
            src: Amode::imm_reg(ret_area_off as i32, rsp()),
            dst: t,
        })?;
        match loc {
            ArgLoc::Regs(rs) => {
                if let Some(&p) = rs.first() {
                    uses.push((t.to_reg(), p));
                }
            }
            ArgLoc::Stack { offset, .. } => ctx.emit(Inst::MovRM {
                size: OperandSize::S64,
                src: t.to_reg(),
                dst: out_amode(*offset),
            })?,
        }
    }
    place_values(
        ctx,
        &sig.params,
        args,
        &assign.args.locs,
        out_amode,
        &mut uses,
    )?;
    let mut defs: Vec<(Writable<Reg>, PReg)> = Vec::new();
    let mut from_area: Vec<(Writable<Reg>, Type, u32)> = Vec::new();
    let results: Vec<Value> = ctx.func().dfg.inst_results(inst).to_vec();
    for (i, loc) in assign.rets.locs.iter().enumerate() {
        let dst = ctx.output_reg(inst, i)?;
        match loc {
            ArgLoc::Regs(rs) => {
                if let Some(&p) = rs.first() {
                    defs.push((dst, p));
                }
            }
            ArgLoc::Stack { offset, .. } => {
                let ty = results
                    .get(i)
                    .map(|&r| ty_of(ctx, r))
                    .transpose()?
                    .unwrap_or(Type::I64);
                from_area.push((dst, ty, *offset));
            }
        }
    }
    let mut clobbers: PRegSet = abi.call_clobbers();
    for (_, p) in &defs {
        clobbers.remove(*p);
    }
    let info = Box::new(CallInfo {
        uses,
        defs,
        clobbers,
    });
    match target {
        CallTarget::Known(t) => ctx.emit(Inst::CallKnown { target: t, info })?,
        CallTarget::Reg(r) => ctx.emit(Inst::CallUnknown {
            target: RegMem::Reg(r),
            info,
        })?,
    }
    for (dst, ty, off) in from_area {
        ctx.emit(load_class(
            ty,
            Amode::imm_reg((ret_area_off + off) as i32, rsp()),
            dst,
        ))?;
    }
    Ok(())
}

/// `return_call` / `return_call_indirect`: arguments in registers (and stack
/// arguments in our incoming-argument area, when they fit), the epilogue, then
/// `jmp`. Supported when the callee returns exactly as this function does (same
/// convention and result types), so its `ret` returns to our caller. An indirect
/// target is pinned to a caller-saved register that carries no argument.
fn lower_return_call(
    b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    sig: &Signature,
    target: CallTarget,
    args: &[Value],
) -> Result<(), LowerError> {
    let func = ctx.func();
    let conv = conv_of(sig).map_err(|_| unsupported(inst, op))?;
    let same_returns = sig.returns.iter().map(|p| p.value_type).eq(func
        .signature
        .returns
        .iter()
        .map(|p| p.value_type));
    if conv != b.abi.call_conv() || !same_returns {
        return Err(unsupported(inst, op));
    }
    let abi = X64Abi::new(conv);
    let assign = abi.assign(sig).map_err(|_| unsupported(inst, op))?;
    // Stack arguments go into our own incoming-argument area (the caller sized it
    // for us and pops it), so they must fit there; our incoming stack arguments were
    // loaded into registers at entry, so overwriting the area loses nothing.
    let fits =
        assign.args.stack_size <= b.sig.args.stack_size && conv != X64CallConv::WindowsFastcall;
    if assign.ret_area_ptr.is_some() || (assign.args.stack_size > 0 && !fits) {
        return Err(unsupported(inst, op));
    }
    let mut uses: Vec<(Reg, PReg)> = Vec::new();
    place_values(
        ctx,
        &sig.params,
        args,
        &assign.args.locs,
        |off| incoming(b, off),
        &mut uses,
    )?;
    match target {
        CallTarget::Known(t) => ctx.emit(Inst::ReturnCallKnown {
            target: t,
            args: uses,
        }),
        CallTarget::Reg(r) => {
            let free = abi
                .call_clobbers()
                .into_iter()
                .find(|p| p.class() == RegClass::Int && !uses.iter().any(|(_, u)| u == p))
                .ok_or_else(|| unsupported(inst, op))?;
            ctx.emit(Inst::ReturnCallUnknown {
                target: r,
                target_reg: free,
                args: uses,
            })
        }
    }
}

/// Put arguments (or returned values) where `locs` says: register ones become
/// `uses` (extended per their `attrs`), stack ones are stored at `stack_slot(offset)`.
fn place_values(
    ctx: &mut Lower<'_, Inst>,
    attrs: &[atoll_codegen::ir::AbiParam],
    args: &[Value],
    locs: &[ArgLoc],
    stack_slot: impl Fn(u32) -> Amode,
    uses: &mut Vec<(Reg, PReg)>,
) -> Result<(), LowerError> {
    for (i, (&v, loc)) in args.iter().zip(locs).enumerate() {
        let ext = attrs
            .get(i)
            .map_or(ArgumentExtension::None, |p| p.extension);
        let r = with_extension(ctx, v, ext)?;
        match loc {
            ArgLoc::Regs(rs) => {
                if let Some(&p) = rs.first() {
                    uses.push((r, p));
                }
            }
            ArgLoc::Stack { offset, .. } => {
                let ty = ty_of(ctx, v)?;
                ctx.emit(store_class(ty, r, stack_slot(*offset)))?;
            }
        }
    }
    Ok(())
}
