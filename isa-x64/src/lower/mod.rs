//! Instruction selection: IR instructions to x64 [`Inst`]s on virtual registers.
//!
//! One file per opcode family (`alu`, `atomic`, `bits`, `divmul`, `cmp`, `mem`, `call`,
//! `control`, `float`, `fconv`); this file dispatches on the opcode and holds the
//! operand helpers they share.
//!
//! Value representation: an `i8`/`i16`/`i32` lives in the low bits of a 64-bit
//! register and the bits above its width are *unspecified*. Every rule therefore
//! either works at the value's own width (`cmp r8`, 8-bit shifts) or extends its
//! inputs first (division, bit counts, conversions); results may leave garbage above
//! their width. Comparison results (`icmp`, `fcmp`) are zero-extended 0/1 anyway.
//!
//! Merging (fusion): a rule may re-compute a producer inside its consumer when the
//! producer's only use is that consumer in the same block — `icmp`/`fcmp` into
//! `brif`/`select`/`trapz`/`trapnz` (`cmp::cond_flags`). The producer's own rule
//! then emits nothing (its inputs stay live: the IR is SSA). Likewise a single-use
//! 32/64-bit `load` merges into an `iadd`/`isub`/`band`/`bor`/`bxor` as its memory
//! operand when nothing with a side effect lies between them
//! (`mem::sunk_load_user`). Constants are folded into immediates where encodable;
//! the `iconst` itself is still materialized (a dead `mov` when every use folded:
//! it costs bytes, never correctness).

mod alu;
mod atomic;
mod bits;
mod call;
mod cmp;
mod control;
mod divmul;
mod fconv;
mod float;
mod mem;

use std::cell::Cell;

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{Function, Inst as IrInst, InstructionData, Opcode, Type, Value};
use atoll_codegen::machinst::{
    Lower, LowerBackend, LowerError, Reg, RegClass, SigAssignment, Writable,
};
use atoll_codegen::settings::Flags;

use crate::abi::X64Abi;
use crate::imms::Simm32;
use crate::inst::{ExtMode, Inst, OperandSize, RegMem, RegMemImm};
use crate::settings::Flags as IsaFlags;

/// x64 lowering rules for one function.
pub struct X64Lower<'a> {
    /// Shared settings.
    pub flags: &'a Flags,
    /// CPU features.
    pub isa: &'a IsaFlags,
    /// The function's own convention.
    pub abi: X64Abi,
    /// Where the function's arguments and results are.
    pub sig: SigAssignment,
    /// The register holding the return-area pointer (defined by `lower_args`).
    ret_area: Cell<Option<Reg>>,
}

impl<'a> X64Lower<'a> {
    pub fn new(flags: &'a Flags, isa: &'a IsaFlags, abi: X64Abi, sig: SigAssignment) -> Self {
        X64Lower {
            flags,
            isa,
            abi,
            sig,
            ret_area: Cell::new(None),
        }
    }
}

impl LowerBackend for X64Lower<'_> {
    type MInst = Inst;

    fn lower_args(&self, ctx: &mut Lower<'_, Inst>, params: &[Value]) -> Result<(), LowerError> {
        call::lower_args(self, ctx, params)
    }

    fn lower_inst(&self, ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
        let op = ctx.func().dfg[inst].opcode();
        // Name the controlling type in "unsupported" errors (`fma on f64`).
        let func = ctx.func();
        // A multi-register (i128) operand where a rule wants one register means the
        // opcode is not implemented for i128: say so.
        let with_type = |e: LowerError| match e {
            LowerError::Unsupported { inst, opcode } => match func.ctrl_type(inst) {
                Some(ty) => LowerError::UnsupportedOnType { inst, opcode, ty },
                None => LowerError::Unsupported { inst, opcode },
            },
            LowerError::NotSingleReg(v) => match func.dfg.value_type(v) {
                Some(ty) => LowerError::UnsupportedOnType {
                    inst,
                    opcode: op,
                    ty,
                },
                None => LowerError::NotSingleReg(v),
            },
            e => e,
        };
        self.lower_by_family(ctx, inst, op).map_err(with_type)
    }

    fn lower_branch(
        &self,
        ctx: &mut Lower<'_, Inst>,
        inst: IrInst,
        targets: &[MachLabel],
    ) -> Result<(), LowerError> {
        control::lower_branch(self, ctx, inst, targets)
    }
}

impl X64Lower<'_> {
    /// Dispatch `inst` to its opcode family's rules.
    fn lower_by_family(
        &self,
        ctx: &mut Lower<'_, Inst>,
        inst: IrInst,
        op: Opcode,
    ) -> Result<(), LowerError> {
        use Opcode::*;
        match op {
            Iconst | Iadd | Isub | Ineg | Band | Bor | Bxor | Bnot | BandNot | BorNot | BxorNot
            | IaddImm | IrsubImm | BandImm | BorImm | BxorImm | Uextend | Sextend | Ireduce
            | Smin | Smax | Umin | Umax | Iabs | UaddOverflowTrap | UaddOverflow | SaddOverflow
            | UsubOverflow | SsubOverflow | Bmask | Nop | Iconcat | Isplit | Bitselect => {
                alu::lower(self, ctx, inst, op)
            }
            Ishl | Ushr | Sshr | Rotl | Rotr | IshlImm | UshrImm | SshrImm | RotlImm | RotrImm
            | Clz | Ctz | Popcnt | Bswap | Bitrev | Cls => bits::lower(self, ctx, inst, op),
            Imul | ImulImm | Umulhi | Smulhi | Udiv | Sdiv | Urem | Srem | UdivImm | SdivImm
            | UremImm | SremImm | UmulOverflow | SmulOverflow => divmul::lower(self, ctx, inst, op),
            Icmp | IcmpImm | Fcmp | Select | SelectSpectreGuard => cmp::lower(self, ctx, inst, op),
            Load | Uload8 | Sload8 | Uload16 | Sload16 | Uload32 | Sload32 | Store | Istore8
            | Istore16 | Istore32 | StackLoad | StackStore | StackAddr | GlobalValue | FuncAddr
            | GetStackPointer | GetFramePointer | GetReturnAddress => {
                mem::lower(self, ctx, inst, op)
            }
            Call | CallIndirect | Return | ReturnCall | ReturnCallIndirect => {
                call::lower(self, ctx, inst, op)
            }
            AtomicRmw | AtomicCas | AtomicLoad | AtomicStore | Fence => {
                atomic::lower(self, ctx, inst, op)
            }
            Trap | Trapz | Trapnz => control::lower_trap(self, ctx, inst, op),
            F32const | F64const | Fadd | Fsub | Fmul | Fdiv | Sqrt | Fabs | Fneg | Fcopysign
            | Fmin | Fmax | Fma | Ceil | Floor | Trunc | Nearest => {
                float::lower(self, ctx, inst, op)
            }
            Fpromote | Fdemote | FcvtToSint | FcvtToUint | FcvtToSintSat | FcvtToUintSat
            | FcvtFromSint | FcvtFromUint | Bitcast => fconv::lower(self, ctx, inst, op),
            _ => Err(unsupported(inst, op)),
        }
    }
}

/// The error for an opcode (or an opcode on a type) this backend does not lower.
pub(crate) fn unsupported(inst: IrInst, opcode: Opcode) -> LowerError {
    LowerError::Unsupported { inst, opcode }
}

/// Instruction data of `inst`.
pub(crate) fn data<'f>(ctx: &Lower<'f, Inst>, inst: IrInst) -> &'f InstructionData {
    let func: &'f Function = ctx.func();
    &func.dfg[inst]
}

/// Type of `v`.
pub(crate) fn ty_of(ctx: &Lower<'_, Inst>, v: Value) -> Result<Type, LowerError> {
    ctx.func()
        .dfg
        .value_type(v)
        .ok_or(LowerError::UndefinedValue(v))
}

/// Type of `inst`'s first result (its controlling type for most opcodes).
pub(crate) fn out_ty(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Type, LowerError> {
    let r = *ctx
        .func()
        .dfg
        .inst_results(inst)
        .first()
        .ok_or(LowerError::NoSuchResult { inst, index: 0 })?;
    ty_of(ctx, r)
}

/// The operand size of an integer type (8, 16, 32 or 64 bits).
pub(crate) fn size_of(ty: Type) -> OperandSize {
    match ty.bits() {
        8 => OperandSize::S8,
        16 => OperandSize::S16,
        32 => OperandSize::S32,
        _ => OperandSize::S64,
    }
}

/// The size to run an ALU operation at when only the low `ty` bits of the result
/// matter: 32 bits for types up to 32 (shorter encodings, no partial registers),
/// else 64.
pub(crate) fn alu_size(ty: Type) -> OperandSize {
    if ty.bits() <= 32 {
        OperandSize::S32
    } else {
        OperandSize::S64
    }
}

/// `v`'s constant, sign-extended from its type's width, if an `iconst` defines it.
pub(crate) fn const_of(ctx: &Lower<'_, Inst>, v: Value) -> Option<i64> {
    let c = ctx.iconst_value(v)?;
    let bits = ctx.func().dfg.value_type(v)?.bits();
    Some(sext(c as u64, bits))
}

/// Sign-extend the low `bits` of `x`.
pub(crate) fn sext(x: u64, bits: u32) -> i64 {
    if bits >= 64 {
        x as i64
    } else {
        let sh = 64 - bits;
        ((x << sh) as i64) >> sh
    }
}

/// Mask `x` to its low `bits`.
pub(crate) fn mask(x: u64, bits: u32) -> u64 {
    if bits >= 64 {
        x
    } else {
        x & ((1u64 << bits) - 1)
    }
}

/// `v` as a register, immediate (an encodable constant) operand.
pub(crate) fn put_rmi(ctx: &Lower<'_, Inst>, v: Value) -> Result<RegMemImm, LowerError> {
    if let Some(c) = const_of(ctx, v) {
        if let Some(imm) = Simm32::maybe_from_i64(c) {
            return Ok(RegMemImm::Imm(imm));
        }
    }
    Ok(RegMemImm::Reg(ctx.put_in_reg(v)?))
}

/// An immediate operand for constant `c` of type `ty`, when encodable.
pub(crate) fn imm_rmi(c: i64, ty: Type) -> Option<RegMemImm> {
    Simm32::maybe_from_i64(sext(c as u64, ty.bits())).map(RegMemImm::Imm)
}

/// The register of `v`.
pub(crate) fn put(ctx: &Lower<'_, Inst>, v: Value) -> Result<Reg, LowerError> {
    ctx.put_in_reg(v)
}

/// The register result 0 of `inst` goes to.
pub(crate) fn out(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<Writable<Reg>, LowerError> {
    ctx.output_reg(inst, 0)
}

/// A fresh integer temporary.
pub(crate) fn tmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Int)
}

/// A fresh float temporary.
pub(crate) fn ftmp(ctx: &mut Lower<'_, Inst>) -> Writable<Reg> {
    ctx.alloc_tmp(RegClass::Float)
}

/// `dst = c`.
pub(crate) fn constant(
    ctx: &mut Lower<'_, Inst>,
    c: u64,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    ctx.emit(Inst::gen_constant(c, dst))
}

/// A new register holding constant `c`.
pub(crate) fn const_reg(ctx: &mut Lower<'_, Inst>, c: u64) -> Result<Reg, LowerError> {
    let t = tmp(ctx);
    constant(ctx, c, t)?;
    Ok(t.to_reg())
}

/// `v` zero- (`signed` false) or sign-extended from its type to `to_bits` (32 or
/// 64) in a new register; the register itself when the type is already 64 bits.
pub(crate) fn extend(
    ctx: &mut Lower<'_, Inst>,
    v: Value,
    signed: bool,
    to_bits: u32,
) -> Result<Reg, LowerError> {
    let ty = ty_of(ctx, v)?;
    let r = put(ctx, v)?;
    extend_reg(ctx, r, ty.bits(), signed, to_bits)
}

/// Extend the low `from_bits` of `r` (see [`extend`]).
pub(crate) fn extend_reg(
    ctx: &mut Lower<'_, Inst>,
    r: Reg,
    from_bits: u32,
    signed: bool,
    to_bits: u32,
) -> Result<Reg, LowerError> {
    match ext_inst(r, from_bits, signed, to_bits, None) {
        None => Ok(r),
        Some(_) => {
            let t = tmp(ctx);
            if let Some(i) = ext_inst(r, from_bits, signed, to_bits, Some(t)) {
                ctx.emit(i)?;
            }
            Ok(t.to_reg())
        }
    }
}

/// The instruction extending the low `from_bits` of `r` to `to_bits` into `dst`
/// (a placeholder when `None`), or `None` when no extension is needed.
pub(crate) fn ext_inst(
    r: Reg,
    from_bits: u32,
    signed: bool,
    to_bits: u32,
    dst: Option<Writable<Reg>>,
) -> Option<Inst> {
    let ext = match (from_bits, to_bits) {
        (64, _) | (32, 32) => return None,
        (8, 32) => ExtMode::BL,
        (8, _) => ExtMode::BQ,
        (16, 32) => ExtMode::WL,
        (16, _) => ExtMode::WQ,
        _ => ExtMode::LQ,
    };
    let dst = dst.unwrap_or(Writable::from_reg(r));
    let src = RegMem::Reg(r);
    Some(if signed {
        Inst::MovsxRmR { ext, src, dst }
    } else {
        Inst::MovzxRmR { ext, src, dst }
    })
}
