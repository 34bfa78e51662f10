//! Function arguments, returns and calls.
//!
//! Locations come from the generic `assign_signature` with the register lists of
//! the convention (see [`crate::abi`]): an `i64` takes two core registers (an even
//! pair under AAPCS) or an 8-byte stack slot, low word first. Register arguments and
//! results are fixed-register operands of the `Args`/`Ret`/call pseudo-instructions;
//! stack arguments are stored to the outgoing area at `[sp, #off]` by the caller and
//! read by the callee at `[r11, #8 + off]` (above the saved `r11`/`lr` pair). Narrow
//! values with `uext`/`sext` in the signature are extended to 32 bits by whoever
//! produces them. A result area (results beyond the return registers) is not
//! supported.

use atoll_codegen::buffer::RelocTarget;
use atoll_codegen::ir::{
    self, ArgumentExtension, Inst as IrInst, InstructionData, Signature, Value,
};
use atoll_codegen::machinst::{
    assign_ir_signature, ArgLoc, Lower, LowerError, PReg, Reg, SigAssignment, Writable,
};
use cranelift_entity::EntityRef;

use super::*;
use crate::abi::Arm32Abi;
use crate::imms::{Off12, VfpOff};
use crate::inst::{AMode, CallInfo, FpSize, VfpAMode, WordByte};
use crate::regs::{caller_saved_clobbers, fp, sp};

/// The A32 convention used for an IR calling convention: `fast` and `tail` use
/// Atoll's internal `Fast` convention, everything else AAPCS-VFP.
pub fn abi_conv(cc: ir::CallConv) -> CallConv {
    match cc {
        ir::CallConv::Fast | ir::CallConv::Tail => CallConv::Fast,
        _ => CallConv::Aapcs,
    }
}

/// Where each parameter and result of `sig` goes.
pub fn assign(sig: &Signature) -> Result<SigAssignment, String> {
    // Every value takes at least a 4-byte word.
    assign_ir_signature(&Arm32Abi::new(abi_conv(sig.call_conv)), sig, 4).map_err(|e| e.to_string())
}

/// The fixed registers of a location, one per register of the value.
fn pregs_for(loc: &ArgLoc, n: usize) -> Option<Vec<PReg>> {
    match loc {
        ArgLoc::Regs(r) if r.len() == n => Some(r.iter().copied().collect()),
        _ => None,
    }
}

/// A word/D access at `[base, #off]`, through `ip`-free address arithmetic when the
/// offset is out of range.
fn access(
    ctx: &mut Lower<'_, Inst>,
    base: Reg,
    off: u32,
    reg: Reg,
    float: Option<FpSize>,
    load: bool,
) -> Result<(), LowerError> {
    let (base, off) = match (
        float,
        Off12::maybe_from_i64(off as i64),
        VfpOff::maybe_from_i64(off as i64),
    ) {
        (None, Some(_), _) | (Some(_), _, Some(_)) => (base, off),
        _ => {
            let t = tmp(ctx);
            let k = op2_const(ctx, off)?;
            ctx.emit(alu(AluOp::Add, t, base, k))?;
            (t.to_reg(), 0)
        }
    };
    let w = Writable::from_reg(reg);
    match float {
        None => {
            let mem = AMode::Offset {
                rn: base,
                off: Off12::maybe_from_i64(off as i64).expect("checked above"),
            };
            ctx.emit(if load {
                Inst::Load {
                    width: WordByte::Word,
                    rt: w,
                    mem,
                }
            } else {
                Inst::Store {
                    width: WordByte::Word,
                    rt: reg,
                    mem,
                }
            })
        }
        Some(size) => {
            let mem = VfpAMode::Offset {
                rn: base,
                off: VfpOff::maybe_from_i64(off as i64).expect("checked above"),
            };
            ctx.emit(if load {
                Inst::FpuLoad { size, rd: w, mem }
            } else {
                Inst::FpuStore { size, rd: reg, mem }
            })
        }
    }
}

fn fsize_of(ty: ir::Type) -> Option<FpSize> {
    match ty {
        ir::Type::F32 => Some(FpSize::F32),
        ir::Type::F64 => Some(FpSize::F64),
        _ => None,
    }
}

pub(super) fn lower_args(
    _b: &Arm32Lower,
    ctx: &mut Lower<'_, Inst>,
    params: &[Value],
) -> Result<(), LowerError> {
    let sig = ctx.func().signature.clone();
    let a = assign(&sig).map_err(|_| ctx.signature_error())?;
    if a.ret_area_ptr.is_some() {
        return Err(ctx.signature_error());
    }
    let mut regs: Vec<(Writable<Reg>, PReg)> = Vec::new();
    let mut loads = Vec::new();
    for (&v, loc) in params.iter().zip(&a.args.locs) {
        let vr = ctx.value_regs(v)?.to_vec();
        match loc {
            ArgLoc::Regs(_) => {
                let ps = pregs_for(loc, vr.len()).ok_or_else(|| ctx.signature_error())?;
                regs.extend(vr.iter().zip(ps).map(|(&r, p)| (Writable::from_reg(r), p)));
            }
            ArgLoc::Stack { offset, .. } => loads.push((v, vr, *offset)),
        }
    }
    ctx.emit(Inst::Args { args: regs })?;
    for (v, vr, offset) in loads {
        let fs = fsize_of(ctx.value_type(v)?);
        for (i, r) in vr.into_iter().enumerate() {
            access(ctx, fp(), 8 + offset + 4 * i as u32, r, fs, true)?;
        }
    }
    Ok(())
}

/// The registers of `v`, a narrow integer extended to 32 bits when its parameter
/// says so.
fn regs_for(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    ext: ArgumentExtension,
) -> Result<Vec<Reg>, LowerError> {
    let ty = ctx.value_type(v)?;
    if matches!(ty, ir::Type::I8 | ir::Type::I16) && ext != ArgumentExtension::None {
        let r = put_ext(ctx, v, ext == ArgumentExtension::Sext)?;
        return Ok(vec![r]);
    }
    Ok(ctx.value_regs(v)?.to_vec())
}

pub(super) fn lower_return(
    _b: &Arm32Lower,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
) -> Result<(), LowerError> {
    let sig = ctx.func().signature.clone();
    let a = assign(&sig).map_err(|_| unsupported(ctx, inst))?;
    let vals = args(ctx, inst);
    let mut rets = Vec::new();
    for ((&v, loc), p) in vals.iter().zip(&a.rets.locs).zip(&sig.returns) {
        let rs = regs_for(ctx, v, p.extension)?;
        let ps = pregs_for(loc, rs.len()).ok_or_else(|| unsupported(ctx, inst))?;
        rets.extend(rs.into_iter().zip(ps));
    }
    ctx.emit(Inst::Ret { rets })
}

pub(super) fn lower_call(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let sig = ctx
        .func()
        .call_signature(&data)
        .cloned()
        .ok_or_else(|| unsupported(ctx, inst))?;
    let a = assign(&sig).map_err(|_| unsupported(ctx, inst))?;
    if a.ret_area_ptr.is_some() {
        return Err(unsupported(ctx, inst));
    }
    let all = args(ctx, inst);
    let (callee, call_args) = match data {
        InstructionData::CallIndirect { .. } => {
            (all.first().copied(), all.get(1..).unwrap_or(&[]).to_vec())
        }
        _ => (None, all),
    };
    let mut info = CallInfo::default();
    for ((&v, loc), p) in call_args.iter().zip(&a.args.locs).zip(&sig.params) {
        let rs = regs_for(ctx, v, p.extension)?;
        match loc {
            ArgLoc::Regs(_) => {
                let ps = pregs_for(loc, rs.len()).ok_or_else(|| unsupported(ctx, inst))?;
                info.uses.extend(rs.into_iter().zip(ps));
            }
            ArgLoc::Stack { offset, .. } => {
                let fs = fsize_of(ctx.value_type(v)?);
                for (i, r) in rs.into_iter().enumerate() {
                    access(ctx, sp(), offset + 4 * i as u32, r, fs, false)?;
                }
            }
        }
    }
    ctx.require_outgoing_args(a.args.stack_size);
    let mut clobbers = caller_saved_clobbers();
    let results = ctx.func().dfg.inst_results(inst).len();
    for (i, loc) in a.rets.locs.iter().enumerate().take(results) {
        let outs = ctx.output_regs(inst, i)?;
        let ps = pregs_for(loc, outs.len()).ok_or_else(|| unsupported(ctx, inst))?;
        for (r, p) in outs.into_iter().zip(ps) {
            info.defs.push((r, p));
            clobbers.remove(p);
        }
    }
    info.clobbers = clobbers;
    let info = Box::new(info);
    match (data, callee) {
        (InstructionData::Call { func_ref, .. }, _) => ctx.emit(Inst::Call {
            target: RelocTarget(func_ref.index() as u32),
            info,
        }),
        (_, Some(c)) => {
            let rm = ctx.put_in_reg(c)?;
            ctx.emit(Inst::CallInd { rm, info })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
