//! Function arguments, returns and calls.
//!
//! Locations come from the generic `assign_signature` with the AArch64 register
//! lists of the convention (see [`crate::abi`]). Arguments and results passed in
//! registers are fixed-register operands of the `Args`/`Ret`/call pseudo-instructions;
//! stack arguments are stored to the outgoing area at the bottom of the caller's
//! frame and read back through `LoadIncoming` by the callee. Values with `uext`/`sext`
//! in the signature are extended to 64 bits by whoever produces them (caller for
//! arguments, callee for results), which is also what `apple_aarch64` requires for
//! narrow arguments; a result area (results beyond the return registers) is not
//! supported yet and is reported as such.

use atoll_codegen::buffer::RelocTarget;
use atoll_codegen::ir::{
    self, ArgumentExtension, Inst as IrInst, InstructionData, Signature, Value,
};
use atoll_codegen::machinst::{
    assign_ir_signature, ArgLoc, Lower, LowerError, PReg, Reg, SigAssignment, Writable,
};
use cranelift_entity::EntityRef;
use smallvec::SmallVec;

use super::*;
use crate::abi::AArch64Abi;
use crate::inst::{AMode, CallInfo};
use crate::regs::caller_saved_clobbers;

/// The AArch64 convention used for an IR calling convention: `fast` and `tail`
/// use Atoll's internal `Fast` convention, everything else AAPCS64.
pub fn abi_conv(cc: ir::CallConv) -> CallConv {
    match cc {
        ir::CallConv::Fast | ir::CallConv::Tail => CallConv::Fast,
        _ => CallConv::SystemV,
    }
}

/// Where each parameter and result of `sig` goes.
pub fn assign(sig: &Signature) -> Result<SigAssignment, String> {
    // Narrow values keep their size (AAPCS64 packs stack arguments; the slot is 8).
    assign_ir_signature(&AArch64Abi::new(abi_conv(sig.call_conv)), sig, 1)
        .map_err(|e| e.to_string())
}

fn one_reg(loc: &ArgLoc) -> Option<PReg> {
    match loc {
        ArgLoc::Regs(r) if r.len() == 1 => Some(r[0]),
        _ => None,
    }
}

pub(super) fn lower_args(
    _b: &Aarch64Lower,
    ctx: &mut Lower<'_, Inst>,
    params: &[Value],
) -> Result<(), LowerError> {
    let sig = ctx.func().signature.clone();
    let a = assign(&sig).map_err(|_| ctx.signature_error())?;
    if a.ret_area_ptr.is_some() {
        return Err(ctx.signature_error());
    }
    let mut regs: SmallVec<[(Writable<Reg>, PReg); 8]> = SmallVec::new();
    let mut loads = Vec::new();
    for (&v, loc) in params.iter().zip(&a.args.locs) {
        let rd = Writable::from_reg(ctx.put_in_reg(v)?);
        match loc {
            ArgLoc::Regs(_) => regs.push((rd, one_reg(loc).ok_or_else(|| ctx.signature_error())?)),
            ArgLoc::Stack { offset, .. } => {
                let ty = ctx.value_type(v)?;
                let op = mem::plain_load(ty).ok_or(LowerError::UnsupportedType { value: v, ty })?;
                loads.push(Inst::LoadIncoming {
                    op,
                    rd,
                    offset: *offset,
                });
            }
        }
    }
    ctx.emit(Inst::Args { args: regs })?;
    for l in loads {
        ctx.emit(l)?;
    }
    Ok(())
}

/// `v` extended to 64 bits when its parameter says so.
fn extend_for(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    ext: ArgumentExtension,
) -> Result<Reg, LowerError> {
    let r = ctx.put_in_reg(v)?;
    let ty = ctx.value_type(v)?;
    let bits = ty.bits() as u8;
    match ext {
        ArgumentExtension::None => Ok(r),
        _ if !ty.is_int() || bits >= 64 => Ok(r),
        ArgumentExtension::Uext => extend(ctx, r, false, bits, 64),
        ArgumentExtension::Sext => extend(ctx, r, true, bits, 64),
    }
}

pub(super) fn lower_return(
    _b: &Aarch64Lower,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
) -> Result<(), LowerError> {
    let sig = ctx.func().signature.clone();
    let a = assign(&sig).map_err(|_| unsupported(ctx, inst))?;
    let vals = args(ctx, inst);
    let mut rets = SmallVec::new();
    for ((&v, loc), p) in vals.iter().zip(&a.rets.locs).zip(&sig.returns) {
        let preg = one_reg(loc).ok_or_else(|| unsupported(ctx, inst))?;
        let r = extend_for(ctx, v, p.extension)?;
        rets.push((r, preg));
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
        let r = extend_for(ctx, v, p.extension)?;
        match loc {
            ArgLoc::Regs(_) => info
                .uses
                .push((r, one_reg(loc).ok_or_else(|| unsupported(ctx, inst))?)),
            ArgLoc::Stack { offset, .. } => {
                let ty = ctx.value_type(v)?;
                let op = mem::plain_store(ty).ok_or_else(|| unsupported(ctx, inst))?;
                ctx.emit(Inst::Store {
                    op,
                    rt: r,
                    mem: AMode::SpOffset {
                        off: i64::from(*offset),
                    },
                })?;
            }
        }
    }
    ctx.require_outgoing_args(a.args.stack_size);
    let mut clobbers = caller_saved_clobbers();
    for (i, loc) in a.rets.locs.iter().enumerate() {
        let preg = one_reg(loc).ok_or_else(|| unsupported(ctx, inst))?;
        info.defs.push((ctx.output_reg(inst, i)?, preg));
        clobbers.remove(preg);
    }
    info.clobbers = clobbers;
    let info = Box::new(info);
    match (data, callee) {
        (InstructionData::Call { func_ref, .. }, _) => ctx.emit(Inst::Call {
            dest: RelocTarget(func_ref.index() as u32),
            info,
        }),
        (_, Some(c)) => {
            let rn = ctx.put_in_reg(c)?;
            ctx.emit(Inst::CallInd { rn, info })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

pub(super) fn lower_func_addr(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let InstructionData::FuncAddr { func_ref, .. } = ctx.func().dfg[inst].clone() else {
        return Err(unsupported(ctx, inst));
    };
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(Inst::FuncAddrStub {
        rd,
        dest: RelocTarget(func_ref.index() as u32),
    })
}

/// `get_stack_pointer` (`mov rd, sp`), `get_frame_pointer` (`x29`) and
/// `get_return_address` (the saved `x30` in the frame record at `[x29, #8]`).
pub(super) fn lower_frame_reg(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    use crate::imms::UImm12Scaled;
    use crate::regs::{fp_reg, RegOrSp};
    let op = ctx.func().dfg[inst].opcode();
    let rd = ctx.output_reg(inst, 0)?;
    match op {
        ir::Opcode::GetStackPointer => ctx.emit(Inst::mov_sp(w_sp_slot(rd), RegOrSp::sp())),
        ir::Opcode::GetFramePointer => ctx.emit(Inst::Mov {
            size: OperandSize::Size64,
            rd,
            rm: fp_reg(),
        }),
        _ => {
            let uimm12 = UImm12Scaled::maybe_from_i64(8, 8).expect("8 is a scaled offset");
            let mem = AMode::UImm12 {
                rn: RegOrSp::x(29),
                uimm12,
            };
            ctx.emit(Inst::Load {
                op: crate::inst::LoadOp::ULoad64,
                rd,
                mem,
            })
        }
    }
}

/// `return_call` with register arguments only: the arguments in the callee's
/// registers, then the epilogue and a branch (see `Inst::ReturnCall`). The callee
/// must return what this function returns, in the same registers.
pub(super) fn lower_return_call(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let InstructionData::Call { func_ref, .. } = data else {
        return Err(unsupported(ctx, inst));
    };
    let sig = ctx
        .func()
        .call_signature(&data)
        .cloned()
        .ok_or_else(|| unsupported(ctx, inst))?;
    let a = assign(&sig).map_err(|_| unsupported(ctx, inst))?;
    let own = assign(&ctx.func().signature).map_err(|_| unsupported(ctx, inst))?;
    if a.args.stack_size != 0 || a.ret_area_ptr.is_some() || a.rets != own.rets {
        return Err(unsupported(ctx, inst));
    }
    let mut uses = SmallVec::new();
    for ((&v, loc), p) in args(ctx, inst).iter().zip(&a.args.locs).zip(&sig.params) {
        let r = extend_for(ctx, v, p.extension)?;
        uses.push((r, one_reg(loc).ok_or_else(|| unsupported(ctx, inst))?));
    }
    ctx.emit(Inst::ReturnCall {
        dest: RelocTarget(func_ref.index() as u32),
        uses,
    })
}
