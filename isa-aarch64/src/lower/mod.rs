//! Lowering of IR to AArch64 [`Inst`]s: one file per opcode family.
//!
//! Value representation (the invariants every rule relies on):
//! - `i8`/`i16`/`i32` live in the low bits of a 64-bit register; the bits above the
//!   type's width are UNDEFINED. A rule that depends on them (division, right
//!   shifts, compares, bit counts, conversions, extensions) extends its operand
//!   first ([`put_ext`]); rules that do not (add, logic, left shift) compute in 32
//!   bits and leave junk above.
//! - `i64` uses all 64 bits; `f32`/`f64` are in the low lanes of a `v` register.
//! - Every rule is SSA: each machine instruction defines fresh virtual registers
//!   (two-address forms such as `movk` chain through fresh registers).
//!
//! Families: [`alu`] (integer arithmetic, logic, shifts, bit counts, extensions,
//! constants), [`cmp`] (icmp/fcmp, select, branches), [`mem`] (loads, stores, stack
//! slots, global values), [`call`] (arguments, calls, returns), [`float`] (float
//! arithmetic and conversions), [`trap`] (traps and trapping checks).

mod alu;
mod atomic;
mod call;
pub use call::abi_conv;
mod cmp;
mod float;
mod mem;
mod overflow;
mod trap;

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{Inst as IrInst, Opcode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerBackend, LowerError, Reg, RegClass, Writable};

use crate::abi::CallConv;
use crate::inst::{ExtendOp, Inst, OperandSize};
use crate::regs::RegOrSp;

/// The lowering context of this backend.
pub type Ctx<'a, 'f> = &'a mut Lower<'f, Inst>;

/// AArch64 lowering rules for functions of one calling convention.
#[derive(Clone, Debug)]
pub struct Aarch64Lower {
    /// Convention of the function being lowered (its arguments and returns).
    pub conv: CallConv,
    /// Whether narrow arguments are extended by the caller (`apple_aarch64`).
    pub apple: bool,
}

impl LowerBackend for Aarch64Lower {
    type MInst = Inst;

    fn lower_args(&self, ctx: &mut Lower<'_, Inst>, params: &[Value]) -> Result<(), LowerError> {
        call::lower_args(self, ctx, params)
    }

    fn lower_inst(&self, ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
        let op = ctx.func().dfg[inst].opcode();
        use Opcode::*;
        match op {
            Return => call::lower_return(self, ctx, inst),
            Call | CallIndirect => call::lower_call(ctx, inst),
            ReturnCall => call::lower_return_call(ctx, inst),
            Trap | Trapz | Trapnz | Debugtrap | UaddOverflowTrap => trap::lower(ctx, inst),
            Nop => Ok(()),
            FuncAddr => call::lower_func_addr(ctx, inst),
            GetStackPointer | GetFramePointer | GetReturnAddress => {
                call::lower_frame_reg(ctx, inst)
            }
            UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow | UmulOverflow
            | SmulOverflow | Bitselect => overflow::lower(ctx, inst),
            AtomicRmw | AtomicCas | AtomicLoad | AtomicStore => atomic::lower(ctx, inst),
            Icmp | IcmpImm | Fcmp | Select | SelectSpectreGuard => cmp::lower(ctx, inst),
            Load | Uload8 | Sload8 | Uload16 | Sload16 | Uload32 | Sload32 | Store | Istore8
            | Istore16 | Istore32 | StackLoad | StackStore | StackAddr | GlobalValue => {
                mem::lower(ctx, inst)
            }
            Fadd | Fsub | Fmul | Fdiv | Sqrt | Fneg | Fabs | Fcopysign | Fmin | Fmax | Ceil
            | Floor | Trunc | Nearest | Fpromote | Fdemote | FcvtToUint | FcvtToSint
            | FcvtToUintSat | FcvtToSintSat | FcvtFromUint | FcvtFromSint | F32const | F64const
            | Bitcast => float::lower(ctx, inst),
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

/// The 32- or 64-bit operation size for an integer type.
pub(crate) fn size_of(ty: Type) -> OperandSize {
    if ty == Type::I64 {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    }
}

/// The value arguments of `inst` (all formats), in operand order.
pub(crate) fn args(ctx: &Lower<'_, Inst>, inst: IrInst) -> Vec<Value> {
    ctx.func().dfg[inst].args().to_vec()
}

/// A fresh integer register.
pub(crate) fn tmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Int)
}

/// A fresh float register.
pub(crate) fn ftmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Float)
}

/// An sp-slot view of a virtual register (virtual registers are never `xzr`).
pub(crate) fn sp_slot(r: Reg) -> RegOrSp {
    RegOrSp::reg(r).expect("virtual registers are never xzr")
}

/// Writable sp-slot view of a virtual register.
pub(crate) fn w_sp_slot(r: Writable<Reg>) -> Writable<RegOrSp> {
    Writable::from_reg(sp_slot(r.to_reg()))
}

/// Emit the instructions that put `value` into `rd` (`rd` is written by the last).
/// Multi-instruction sequences chain through fresh registers to stay SSA.
pub(crate) fn load_const_into(
    ctx: &mut Lower<'_, Inst>,
    rd: Writable<Reg>,
    value: u64,
    size: OperandSize,
) -> Result<(), LowerError> {
    let seq = Inst::load_constant(rd, value, size);
    let n = seq.len();
    let mut prev: Option<Reg> = None;
    for (i, inst) in seq.into_iter().enumerate() {
        let dst = if i + 1 == n { rd } else { tmp(ctx) };
        let inst = match inst {
            Inst::MovK { size, imm, .. } => Inst::MovK {
                size,
                rd: dst,
                rn: prev.unwrap_or(dst.to_reg()),
                imm,
            },
            Inst::MovWide { op, size, imm, .. } => Inst::MovWide {
                op,
                size,
                rd: dst,
                imm,
            },
            Inst::AluRRImmLogic {
                op, size, rn, imml, ..
            } => Inst::AluRRImmLogic {
                op,
                size,
                rd: w_sp_slot(dst),
                rn,
                imml,
            },
            other => other,
        };
        ctx.emit(inst)?;
        prev = Some(dst.to_reg());
    }
    Ok(())
}

/// A fresh register holding `value`.
pub(crate) fn const_reg(
    ctx: &mut Lower<'_, Inst>,
    value: u64,
    size: OperandSize,
) -> Result<Reg, LowerError> {
    let rd = tmp(ctx);
    load_const_into(ctx, rd, value, size)?;
    Ok(rd.to_reg())
}

/// `v` with the bits above its type's width made defined: zero- or sign-extended to
/// 32 bits for `i8`/`i16` (and `i32`/`i64` unchanged; their operations are sized).
pub(crate) fn put_ext(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    signed: bool,
) -> Result<Reg, LowerError> {
    let r = ctx.put_in_reg(v)?;
    let ty = ctx.value_type(v)?;
    match ty {
        Type::I8 | Type::I16 => extend(ctx, r, signed, ty.bits() as u8, 32),
        _ => Ok(r),
    }
}

/// A fresh register with the low `from` bits of `r` extended to `to` bits.
pub(crate) fn extend(
    ctx: &mut Lower<'_, Inst>,
    r: Reg,
    signed: bool,
    from: u8,
    to: u8,
) -> Result<Reg, LowerError> {
    let rd = tmp(ctx);
    ctx.emit(Inst::Extend {
        rd,
        rn: r,
        signed,
        from_bits: from,
        to_bits: to,
    })?;
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
