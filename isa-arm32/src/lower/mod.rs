//! Lowering of IR to A32 [`Inst`]s: one file per opcode family.
//!
//! Value representation (the invariants every rule relies on):
//! - `i8`/`i16`/`i32` live in one core register; for `i8`/`i16` the bits above the
//!   type's width are UNDEFINED. A rule that depends on them (division, right
//!   shifts, compares, extensions, conversions) extends its operand first
//!   ([`put_ext`]); add, logic and left shifts leave junk above.
//! - `i64` is a register pair `[lo, hi]` (the context gives such values two
//!   registers); rules for `i64` are in [`wide`]. `i128` has no rules.
//! - `f32`/`f64` live in a D register (an `f32` in its low S half).
//! - Every rule is SSA: each machine instruction defines fresh virtual registers,
//!   and only `CSel`/`FpuCSel`/`CSet` are conditional (see [`crate::inst`]).
//!
//! Families: [`alu`] (integer arithmetic, logic, shifts, extensions, constants),
//! [`cmp`] (icmp/fcmp, select, branches), [`mem`] (loads, stores, stack slots),
//! [`call`] (arguments, calls, returns), [`float`] (VFP arithmetic and
//! conversions), [`atomic`] (`ldrex`/`strex` loops), [`trap`] (traps and division checks), [`wide`] (`i64` pairs).

mod alu;
mod atomic;
mod call;
pub use call::abi_conv;
mod cmp;
mod float;
mod mem;
mod overflow;
mod trap;
mod wide;

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{Inst as IrInst, Opcode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerBackend, LowerError, Reg, RegClass, Writable};

use crate::abi::CallConv;
use crate::imms::{ModImm, ShiftAmt};
use crate::inst::{AluOp, CmpOp, Cond, ExtendOp, Inst, Operand2, ShiftKind};

/// arm32 lowering rules for functions of one calling convention.
#[derive(Clone, Debug)]
pub struct Arm32Lower {
    /// Convention of the function being lowered (its arguments and returns).
    pub conv: CallConv,
    /// Whether `sdiv`/`udiv` exist (else division is unsupported).
    pub has_idiv: bool,
    /// Whether the ARMv8 `vrint*` forms exist (float rounding).
    pub has_v8: bool,
}

impl LowerBackend for Arm32Lower {
    type MInst = Inst;

    fn lower_args(&self, ctx: &mut Lower<'_, Inst>, params: &[Value]) -> Result<(), LowerError> {
        call::lower_args(self, ctx, params)
    }

    fn lower_inst(&self, ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
        let op = ctx.func().dfg[inst].opcode();
        use Opcode::*;
        // i64 (register pairs) first: its own small rule set.
        if wide::handles(ctx, inst)? {
            return wide::lower(ctx, inst);
        }
        match op {
            Return => call::lower_return(self, ctx, inst),
            Call | CallIndirect => call::lower_call(ctx, inst),
            Trap | Trapz | Trapnz | Debugtrap => trap::lower(ctx, inst),
            Nop => Ok(()),
            AtomicRmw | AtomicCas | AtomicLoad | AtomicStore | Fence => atomic::lower(ctx, inst),
            Icmp | IcmpImm | Fcmp | Select | SelectSpectreGuard => cmp::lower(ctx, inst),
            Load | Uload8 | Sload8 | Uload16 | Sload16 | Store | Istore8 | Istore16 | StackLoad
            | StackStore | StackAddr => mem::lower(ctx, inst),
            Fadd | Fsub | Fmul | Fdiv | Sqrt | Fneg | Fabs | Fcopysign | Fmin | Fmax | Ceil
            | Floor | Trunc | Nearest | Fpromote | Fdemote | FcvtToUint | FcvtToSint
            | FcvtToUintSat | FcvtToSintSat | FcvtFromUint | FcvtFromSint | F32const | F64const
            | Bitcast => float::lower(self, ctx, inst),
            Udiv | Sdiv | Urem | Srem => trap::lower_div(self, ctx, inst),
            UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow | UmulOverflow
            | SmulOverflow | UaddOverflowTrap | Iabs | Bmask | Bitselect | GetStackPointer => {
                overflow::lower(ctx, inst)
            }
            _ => alu::lower(ctx, inst),
        }
    }

    fn lower_branch(
        &self,
        ctx: &mut Lower<'_, Inst>,
        inst: IrInst,
        targets: &[MachLabel],
    ) -> Result<(), LowerError> {
        cmp::lower_branch(ctx, inst, targets)
    }
}

/// The "no rule" error for `inst`.
pub(crate) fn unsupported(ctx: &Lower<'_, Inst>, inst: IrInst) -> LowerError {
    ctx.unsupported(inst)
}

/// The value arguments of `inst` (all formats), in operand order.
pub(crate) fn args(ctx: &Lower<'_, Inst>, inst: IrInst) -> Vec<Value> {
    ctx.func().dfg[inst].args().to_vec()
}

/// A fresh integer register.
pub(crate) fn tmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Int)
}

/// A fresh float (D) register.
pub(crate) fn ftmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Float)
}

/// `rd = value` (one `mov`/`mvn` or `movw`+`movt`, chosen at emission).
pub(crate) fn load_const_into(
    ctx: &mut Lower<'_, Inst>,
    rd: Writable<Reg>,
    value: u32,
) -> Result<(), LowerError> {
    ctx.emit(Inst::LoadConst32 { rd, value })
}

/// A fresh register holding `value`.
pub(crate) fn const_reg(ctx: &mut Lower<'_, Inst>, value: u32) -> Result<Reg, LowerError> {
    let rd = tmp(ctx);
    load_const_into(ctx, rd, value)?;
    Ok(rd.to_reg())
}

/// `rd = rn <op> op2`, unconditional, flags untouched.
pub(crate) fn alu(op: AluOp, rd: Writable<Reg>, rn: Reg, op2: Operand2) -> Inst {
    Inst::Alu {
        op,
        s: false,
        cond: Cond::Al,
        rd,
        rn,
        op2,
    }
}

/// `rd = rn <op> op2` setting the flags (carry chains, compares).
pub(crate) fn alu_s(op: AluOp, rd: Writable<Reg>, rn: Reg, op2: Operand2) -> Inst {
    Inst::Alu {
        op,
        s: true,
        cond: Cond::Al,
        rd,
        rn,
        op2,
    }
}

/// `rd = op2` (a `mov` of a register, immediate or shifted register).
pub(crate) fn mov_op2(rd: Writable<Reg>, op2: Operand2) -> Inst {
    Inst::Mov {
        not: false,
        s: false,
        cond: Cond::Al,
        rd,
        op2,
    }
}

/// A register shifted by a constant (`amount` in the kind's encodable range).
pub(crate) fn shifted(r: Reg, kind: ShiftKind, amount: u32) -> Operand2 {
    match ShiftAmt::maybe_from_u32(kind, amount) {
        Some(a) => Operand2::RegShiftImm(r, kind, a),
        None => Operand2::Reg(r),
    }
}

/// `cmp`-family flag setting without a destination.
pub(crate) fn cmp_inst(op: CmpOp, rn: Reg, op2: Operand2) -> Inst {
    Inst::Cmp {
        op,
        cond: Cond::Al,
        rn,
        op2,
    }
}

/// The second operand for the 32-bit constant `k`: a rotated immediate when it
/// fits, else a register loaded with it.
pub(crate) fn op2_const(ctx: &mut Lower<'_, Inst>, k: u32) -> Result<Operand2, LowerError> {
    match ModImm::maybe_from_u32(k) {
        Some(m) => Ok(Operand2::Imm(m)),
        None => Ok(Operand2::Reg(const_reg(ctx, k)?)),
    }
}

/// The second operand for value `v`: an immediate when an `iconst` that fits
/// defines it, else its register.
pub(crate) fn op2_of(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<Operand2, LowerError> {
    if let Some(k) = ctx.value_as_iconst(v) {
        if let Some(m) = ModImm::maybe_from_u32(k as u32) {
            return Ok(Operand2::Imm(m));
        }
    }
    Ok(Operand2::Reg(ctx.put_in_reg(v)?))
}

/// Emit flags for `rn - k` (`cmp #k`, `cmn #-k`, or through a register).
pub(crate) fn cmp_const(
    ctx: &mut Lower<'_, Inst>,
    cond: Cond,
    rn: Reg,
    k: u32,
) -> Result<(), LowerError> {
    let (op, op2) = if let Some(m) = ModImm::maybe_from_u32(k) {
        (CmpOp::Cmp, Operand2::Imm(m))
    } else if let Some(m) = ModImm::maybe_from_u32(k.wrapping_neg()) {
        (CmpOp::Cmn, Operand2::Imm(m))
    } else {
        (CmpOp::Cmp, Operand2::Reg(const_reg(ctx, k)?))
    };
    ctx.emit(Inst::Cmp { op, cond, rn, op2 })
}

/// `v` with the bits above its type's width made defined: zero- or sign-extended to
/// 32 bits for `i8`/`i16` (an `i32` is returned as is).
pub(crate) fn put_ext(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    signed: bool,
) -> Result<Reg, LowerError> {
    let r = ctx.put_in_reg(v)?;
    let ty = ctx.value_type(v)?;
    match ty {
        Type::I8 | Type::I16 => extend(ctx, r, signed, ty.bits()),
        _ => Ok(r),
    }
}

/// A fresh register with the low `from` (8 or 16) bits of `r` extended to 32.
pub(crate) fn extend(
    ctx: &mut Lower<'_, Inst>,
    r: Reg,
    signed: bool,
    from: u32,
) -> Result<Reg, LowerError> {
    let op = match (signed, from) {
        (false, 8) => ExtendOp::Uxtb,
        (false, _) => ExtendOp::Uxth,
        (true, 8) => ExtendOp::Sxtb,
        (true, _) => ExtendOp::Sxth,
    };
    let rd = tmp(ctx);
    ctx.emit(Inst::Extend { op, rd, rm: r })?;
    Ok(rd.to_reg())
}

/// The type of result `index` of `inst`.
pub(crate) fn result_type(
    ctx: &Lower<'_, Inst>,
    inst: IrInst,
    index: usize,
) -> Result<Type, LowerError> {
    ctx.result_type(inst, index)
}

/// The controlling type of `inst` (its first result, else its first argument).
pub(crate) fn ctrl_type(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Type, LowerError> {
    ctx.ctrl_type(inst)
}

/// The error for a rule that exists but not at type `ty`.
pub(crate) fn unsupported_on(ctx: &Lower<'_, Inst>, inst: IrInst, ty: Type) -> LowerError {
    LowerError::UnsupportedOnType {
        inst,
        opcode: ctx.func().dfg[inst].opcode(),
        ty,
    }
}
