//! Instruction selection: CLIF → AArch64 [`Inst`]s on virtual registers, through
//! the framework's [`LowerBackend`] (one function per opcode family).
//!
//! Conventions:
//! - Values of type `i32` and narrower live in `w` registers, `i64` in `x`
//!   registers, `f32`/`f64` in `s`/`d` registers. The bits above an `i8`/`i16`
//!   value are unspecified: consumers that look at them (branches, selects,
//!   comparisons, extensions) mask or extend first; operations whose result would
//!   depend on them (shifts, division, bit counts) are not lowered for narrow types
//!   yet and report `LowerError::Unsupported`.
//! - Arguments beyond the argument registers are loaded from the caller's outgoing
//!   area (`[x29, #16 + offset]`); results travel in registers only (`x0`–`x7`/
//!   `v0`–`v7` for `system_v`), more are reported as unsupported.
//! - Trapping instructions check inline (`TrapIf`: a branch over `udf #0`).
//!
//! Explicit stack slots are addressed through `AMode::SlotOffset`/`Inst::SlotAddr`,
//! resolved at emission from the frame; pass [`stack_slot_specs`] to `emit_function`.
//!
//! Not lowered yet (precise `Unsupported` errors): calls, globals,
//! `i128`, `fma`, overflow-flag arithmetic.

mod float;
mod int;
mod mem;

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type, Value};
use atoll_codegen::machinst::{
    assign_args, ABIMachineSpec, AbiParam as MachAbiParam, ArgLoc, Lower, LowerBackend, LowerError, PReg, RegClass, Writable,
};
use smallvec::SmallVec;

use crate::abi::{AArch64Abi, CallConv};
use crate::imms::{ImmLogic, Imm12};
use crate::inst::{Cond, CondBrKind, Inst, LoadOp, OperandSize, ScalarSize};
use crate::regs::{zero_reg, RegOrSp};

/// The frame inputs for `f`'s explicit stack slots, in slot order (what
/// `emit_function`'s `FrameRequest::stack_slots` expects for code from these rules).
pub fn stack_slot_specs(f: &atoll_codegen::ir::Function) -> Vec<atoll_codegen::machinst::StackSlotSpec> {
    f.stack_slots
        .values()
        .map(|s| atoll_codegen::machinst::StackSlotSpec { size: s.size, align: 1 << s.align_shift })
        .collect()
}

/// The AArch64 lowering rules for one calling convention.
pub struct AArch64Backend {
    abi: AArch64Abi,
}

impl AArch64Backend {
    pub fn new(conv: CallConv) -> AArch64Backend {
        AArch64Backend { abi: AArch64Abi::new(conv) }
    }
}

type Ctx<'a, 'f> = &'a mut Lower<'f, Inst>;

fn unsupported(ctx: &Lower<'_, Inst>, inst: IrInst) -> LowerError {
    LowerError::Unsupported { inst, opcode: ctx.func().dfg[inst].opcode() }
}

/// The type of `v` (values reaching lowering are typed; an untyped one is reported).
fn ty(ctx: &Lower<'_, Inst>, v: Value) -> Result<Type, LowerError> {
    ctx.func().dfg.value_type(v).ok_or(LowerError::UndefinedValue(v))
}

/// The type of result 0 of `inst`.
fn result_ty(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Type, LowerError> {
    let v = *ctx.func().dfg.inst_results(inst).first().ok_or(LowerError::NoSuchResult { inst, index: 0 })?;
    ty(ctx, v)
}

/// Register width for an integer type.
fn isize_of(t: Type) -> OperandSize {
    if t == Type::I64 {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    }
}

fn is_narrow(t: Type) -> bool {
    matches!(t, Type::I8 | Type::I16)
}

/// Float width for a float type.
fn fsize_of(t: Type) -> ScalarSize {
    if t == Type::F64 {
        ScalarSize::Size64
    } else {
        ScalarSize::Size32
    }
}

/// An sp-slot view of a virtual register (never `xzr`).
fn sp_slot(r: atoll_codegen::machinst::Reg) -> RegOrSp {
    RegOrSp::reg(r).expect("virtual registers are never xzr")
}

/// Set the flags so that `ne` means "`v` is non-zero", for any integer type
/// (narrow types test only their own bits).
fn test_nonzero(ctx: Ctx<'_, '_>, v: Value) -> Result<(), LowerError> {
    let t = ty(ctx, v)?;
    let r = ctx.put_in_reg(v)?;
    let zr = Writable::from_reg(zero_reg());
    if is_narrow(t) {
        let mask = if t == Type::I8 { 0xff } else { 0xffff };
        let imml = ImmLogic::maybe_from_u64(mask, OperandSize::Size32).expect("0xff and 0xffff are bitmask immediates");
        ctx.emit(Inst::AluRRImmLogicS { size: OperandSize::Size32, rd: zr, rn: r, imml })
    } else {
        ctx.emit(Inst::AluRRImm12S { op: crate::inst::ALUOp::SubS, size: isize_of(t), rd: zr, rn: sp_slot(r), imm12: Imm12::zero() })
    }
}

/// The branch/trap condition "`v` is non-zero" (`cbnz` when the type allows).
fn nonzero_kind(ctx: Ctx<'_, '_>, v: Value) -> Result<CondBrKind, LowerError> {
    let t = ty(ctx, v)?;
    if is_narrow(t) {
        test_nonzero(ctx, v)?;
        Ok(CondBrKind::Cond(Cond::Ne))
    } else {
        Ok(CondBrKind::NotZero(ctx.put_in_reg(v)?, isize_of(t)))
    }
}

/// Registers for `values` under the convention's register lists (one cursor per
/// class); `None` when some value needs the stack or several registers.
fn assign(ctx: &Lower<'_, Inst>, values: &[Value], int: &[PReg], float: &[PReg]) -> Result<Option<Vec<PReg>>, LowerError> {
    let (mut ni, mut nf) = (0, 0);
    let mut out = Vec::with_capacity(values.len());
    for &v in values {
        let regs = ctx.value_regs(v)?;
        let [r] = regs else { return Ok(None) };
        let next = match r.class() {
            RegClass::Int => int.get(ni).inspect(|_| ni += 1),
            RegClass::Float | RegClass::Vector => float.get(nf).inspect(|_| nf += 1),
        };
        match next {
            Some(p) => out.push(*p),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

impl LowerBackend for AArch64Backend {
    type MInst = Inst;

    fn lower_args(&self, ctx: Ctx<'_, '_>, params: &[Value]) -> Result<(), LowerError> {
        // Where each parameter arrives: a register, or the caller's outgoing area,
        // which starts at the CFA = FP + 16 (above the saved x29/x30 pair).
        let mut abi_params = Vec::with_capacity(params.len());
        for &v in params {
            let t = ty(ctx, v)?;
            let [r] = ctx.value_regs(v)? else { return Err(LowerError::UnsupportedType { value: v, ty: t }) };
            abi_params.push(MachAbiParam { class: r.class(), size: t.bytes().max(1) });
        }
        let locs = assign_args(&abi_params, &self.abi.arg_regs(), &self.abi.arg_rules())
            .map_err(|_| LowerError::UnsupportedType { value: params[0], ty: Type::I64 })?;
        let mut args = SmallVec::new();
        let mut stack = Vec::new();
        for (&v, loc) in params.iter().zip(&locs.locs) {
            let rd = Writable::from_reg(ctx.put_in_reg(v)?);
            match loc {
                ArgLoc::Regs(regs) => args.push((rd, regs[0])),
                ArgLoc::Stack { offset, .. } => stack.push((v, rd, i64::from(*offset) + 16)),
            }
        }
        ctx.emit(Inst::Args { args })?;
        for (v, rd, off) in stack {
            let t = ty(ctx, v)?;
            let op = match t {
                Type::F32 => LoadOp::FpuLoad32,
                Type::F64 => LoadOp::FpuLoad64,
                Type::I64 => LoadOp::ULoad64,
                _ => LoadOp::ULoad32,
            };
            let mem = Inst::amode_offset(RegOrSp::x(29), off, op.bytes())
                .ok_or(LowerError::UnsupportedType { value: v, ty: t })?;
            ctx.emit(Inst::Load { op, rd, mem })?;
        }
        Ok(())
    }

    fn lower_inst(&self, ctx: Ctx<'_, '_>, inst: IrInst) -> Result<(), LowerError> {
        let data = ctx.func().dfg[inst].clone();
        match data {
            InstructionData::MultiAry { opcode: Opcode::Return, args } => {
                let regs = self.abi.ret_regs();
                let pregs = assign(ctx, &args, regs.int, regs.float)?.ok_or_else(|| unsupported(ctx, inst))?;
                let mut rets = SmallVec::new();
                for (&v, p) in args.iter().zip(pregs) {
                    rets.push((ctx.put_in_reg(v)?, p));
                }
                ctx.emit(Inst::Ret { rets })
            }
            InstructionData::Trap { opcode: Opcode::Trap, code } => ctx.emit(Inst::Udf { trap_code: code }),
            InstructionData::CondTrap { opcode, arg, code } => {
                let kind = nonzero_kind(ctx, arg)?;
                let kind = if opcode == Opcode::Trapz { kind.invert() } else { kind };
                ctx.emit(Inst::TrapIf { kind, trap_code: code })
            }
            InstructionData::Nullary { opcode: Opcode::Nop } => Ok(()),
            InstructionData::Nullary { opcode: Opcode::GetStackPointer } => {
                let rd = ctx.output_reg(inst, 0)?;
                ctx.emit(Inst::mov_sp(Writable::from_reg(sp_slot(rd.to_reg())), RegOrSp::sp()))
            }
            InstructionData::Nullary { opcode: Opcode::GetFramePointer } => {
                let rd = ctx.output_reg(inst, 0)?;
                ctx.emit(Inst::Mov { size: OperandSize::Size64, rd, rm: crate::regs::fp_reg() })
            }
            InstructionData::Nullary { opcode: Opcode::GetReturnAddress } => {
                // The prologue saved x30 next to the caller's x29, at [x29, #8].
                let rd = ctx.output_reg(inst, 0)?;
                let mem = Inst::amode_offset(RegOrSp::x(29), 8, 8).expect("8 encodes");
                ctx.emit(Inst::Load { op: LoadOp::ULoad64, rd, mem })
            }
            _ => {
                if mem::lower(ctx, inst, &data)? || float::lower(ctx, inst, &data)? || int::lower(ctx, inst, &data)? {
                    Ok(())
                } else {
                    Err(unsupported(ctx, inst))
                }
            }
        }
    }

    fn lower_branch(&self, ctx: Ctx<'_, '_>, inst: IrInst, targets: &[MachLabel]) -> Result<(), LowerError> {
        let data = ctx.func().dfg[inst].clone();
        match (data, targets) {
            (InstructionData::Jump { .. }, &[dest]) => ctx.emit(Inst::Jump { dest }),
            (InstructionData::Brif { arg, .. }, &[taken, not_taken]) => {
                let kind = nonzero_kind(ctx, arg)?;
                ctx.emit(Inst::CondBr { taken, not_taken, kind })
            }
            (InstructionData::BranchTable { arg, .. }, [default, entries @ ..]) => {
                if ty(ctx, arg)? != Type::I32 {
                    return Err(unsupported(ctx, inst));
                }
                let idx = ctx.put_in_reg(arg)?;
                int::cmp_with_const(ctx, OperandSize::Size32, idx, entries.len() as u64)?;
                let (rtmp1, rtmp2) = (ctx.alloc_tmp(RegClass::Int), ctx.alloc_tmp(RegClass::Int));
                ctx.emit(Inst::JTSequence { ridx: idx, rtmp1, rtmp2, default: *default, targets: entries.into() })
            }
            _ => Err(unsupported(ctx, inst)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_mapping() {
        assert_eq!(isize_of(Type::I64), OperandSize::Size64);
        assert_eq!(isize_of(Type::I8), OperandSize::Size32);
        assert_eq!(fsize_of(Type::F64), ScalarSize::Size64);
        assert!(is_narrow(Type::I16) && !is_narrow(Type::I32));
    }
}
