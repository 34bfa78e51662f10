//! Float rules: constants, arithmetic, rounding, `copysign`, comparisons,
//! conversions (saturating and trapping) and bit casts.

use atoll_codegen::ir::{FloatCC, Inst as IrInst, InstructionData, Opcode, TrapCode, Type, Value};
use atoll_codegen::machinst::{LowerError, Reg, RegClass, Writable};

use super::int::constant;
use super::{fsize_of, is_narrow, isize_of, result_ty, ty, unsupported, Ctx};
use crate::imms::FpImm8;
use crate::inst::{
    ALUOp, Cond, CondBrKind, FpuOp1, FpuOp2, FpuRoundMode, FpuShiftImm, FpuShiftOp, Inst, OperandSize, ScalarSize,
};

/// `rd = the float whose bits are `bits``: `fmov #imm` when encodable, `fmov` from
/// `xzr` for +0.0, otherwise through an integer register.
fn fconst(ctx: Ctx<'_, '_>, rd: Writable<Reg>, size: ScalarSize, bits: u64) -> Result<(), LowerError> {
    let imm = match size {
        ScalarSize::Size32 => FpImm8::maybe_from_f32(f32::from_bits(bits as u32)),
        ScalarSize::Size64 => FpImm8::maybe_from_f64(f64::from_bits(bits)),
    };
    if let Some(imm) = imm {
        return ctx.emit(Inst::FpuMoveImm { size, rd, imm });
    }
    let src = if bits == 0 {
        crate::regs::zero_reg()
    } else {
        let t = ctx.alloc_tmp(RegClass::Int);
        constant(ctx, t, bits, size.operand_size())?;
        t.to_reg()
    };
    ctx.emit(Inst::MovToFpu { size, rd, rn: src })
}

/// A fresh float register holding `value` at `size`.
fn fconst_reg(ctx: Ctx<'_, '_>, size: ScalarSize, value: f64) -> Result<Reg, LowerError> {
    let rd = ctx.alloc_tmp(RegClass::Float);
    let bits = match size {
        ScalarSize::Size32 => u64::from((value as f32).to_bits()),
        ScalarSize::Size64 => value.to_bits(),
    };
    fconst(ctx, rd, size, bits)?;
    Ok(rd.to_reg())
}

/// Conditions (one, or two to be or-ed) that hold after `fcmp a, b` exactly when
/// `cc` does. After `fcmp`: less = N, equal = ZC, greater = C, unordered = CV.
fn float_conds(cc: FloatCC) -> (Cond, Option<Cond>) {
    match cc {
        FloatCC::Ordered => (Cond::Vc, None),
        FloatCC::Unordered => (Cond::Vs, None),
        FloatCC::Equal => (Cond::Eq, None),
        FloatCC::NotEqual => (Cond::Ne, None),
        FloatCC::OrderedNotEqual => (Cond::Mi, Some(Cond::Gt)),
        FloatCC::UnorderedOrEqual => (Cond::Eq, Some(Cond::Vs)),
        FloatCC::LessThan => (Cond::Mi, None),
        FloatCC::LessThanOrEqual => (Cond::Ls, None),
        FloatCC::GreaterThan => (Cond::Gt, None),
        FloatCC::GreaterThanOrEqual => (Cond::Ge, None),
        FloatCC::UnorderedOrLessThan => (Cond::Lt, None),
        FloatCC::UnorderedOrLessThanOrEqual => (Cond::Le, None),
        FloatCC::UnorderedOrGreaterThan => (Cond::Hi, None),
        FloatCC::UnorderedOrGreaterThanOrEqual => (Cond::Pl, None),
    }
}

/// `fcvt_to_{s,u}int`: trap on NaN (`bad_toint`) and on values whose truncation is
/// out of range (`int_ovf`), then convert.
fn checked_to_int(
    ctx: Ctx<'_, '_>,
    signed: bool,
    src: ScalarSize,
    bits: u32,
    rd: Writable<Reg>,
    rn: Reg,
) -> Result<(), LowerError> {
    ctx.emit(Inst::FpuCmp { size: src, rn, rm: rn })?;
    ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(Cond::Vs), trap_code: TrapCode::BAD_CONVERSION_TO_INTEGER })?;
    let n = bits as i32;
    let dst = if bits == 64 { OperandSize::Size64 } else { OperandSize::Size32 };
    // Lower bound: trap when x <= low (low itself truncates out of range) or, when
    // the float cannot hold low exactly, when x < MIN.
    let (low, trap_low) = if signed {
        let min = -(2f64.powi(n - 1));
        let below = min - 1.0;
        let exact = match src {
            ScalarSize::Size32 => f64::from(below as f32) == below,
            ScalarSize::Size64 => n < 53,
        };
        if exact {
            (below, Cond::Ls)
        } else {
            (min, Cond::Mi)
        }
    } else {
        (-1.0, Cond::Ls)
    };
    let high = if signed { 2f64.powi(n - 1) } else { 2f64.powi(n) };
    let lo = fconst_reg(ctx, src, low)?;
    ctx.emit(Inst::FpuCmp { size: src, rn, rm: lo })?;
    ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(trap_low), trap_code: TrapCode::INTEGER_OVERFLOW })?;
    let hi = fconst_reg(ctx, src, high)?;
    ctx.emit(Inst::FpuCmp { size: src, rn, rm: hi })?;
    ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(Cond::Ge), trap_code: TrapCode::INTEGER_OVERFLOW })?;
    ctx.emit(Inst::FpuToInt { signed, src, dst, rd, rn })
}

/// `fcvt_to_{s,u}int_sat` to `i8`/`i16`: the saturating 32-bit conversion, then a
/// clamp to the narrow range.
fn saturate_narrow(ctx: Ctx<'_, '_>, signed: bool, src: ScalarSize, bits: u32, rd: Writable<Reg>, rn: Reg) -> Result<(), LowerError> {
    let w = OperandSize::Size32;
    let v = ctx.alloc_tmp(RegClass::Int);
    ctx.emit(Inst::FpuToInt { signed, src, dst: w, rd: v, rn })?;
    let (max, min) = if signed { ((1u64 << (bits - 1)) - 1, Some((-(1i64 << (bits - 1))) as u64)) } else { ((1 << bits) - 1, None) };
    let hi = ctx.alloc_tmp(RegClass::Int);
    constant(ctx, hi, max, w)?;
    ctx.emit(Inst::cmp(w, v.to_reg(), hi.to_reg()))?;
    let over = if signed { Cond::Gt } else { Cond::Hi };
    let Some(min) = min else {
        return ctx.emit(Inst::CSel { op: crate::inst::CSelOp::Csel, size: w, rd, rn: hi.to_reg(), rm: v.to_reg(), cond: over });
    };
    let clamped = ctx.alloc_tmp(RegClass::Int);
    ctx.emit(Inst::CSel { op: crate::inst::CSelOp::Csel, size: w, rd: clamped, rn: hi.to_reg(), rm: v.to_reg(), cond: over })?;
    let lo = ctx.alloc_tmp(RegClass::Int);
    constant(ctx, lo, min, w)?;
    ctx.emit(Inst::cmp(w, clamped.to_reg(), lo.to_reg()))?;
    ctx.emit(Inst::CSel { op: crate::inst::CSelOp::Csel, size: w, rd, rn: lo.to_reg(), rm: clamped.to_reg(), cond: Cond::Lt })
}

fn unary(ctx: Ctx<'_, '_>, inst: IrInst, opcode: Opcode, arg: Value) -> Result<bool, LowerError> {
    let t = result_ty(ctx, inst)?;
    let in_ty = ty(ctx, arg)?;
    let op1 = match opcode {
        Opcode::Sqrt => Some(FpuOp1::Sqrt),
        Opcode::Fneg => Some(FpuOp1::Neg),
        Opcode::Fabs => Some(FpuOp1::Abs),
        Opcode::Fpromote | Opcode::Fdemote => Some(FpuOp1::Cvt),
        _ => None,
    };
    let round = match opcode {
        Opcode::Ceil => Some(FpuRoundMode::Plus),
        Opcode::Floor => Some(FpuRoundMode::Minus),
        Opcode::Trunc => Some(FpuRoundMode::Zero),
        Opcode::Nearest => Some(FpuRoundMode::Nearest),
        _ => None,
    };
    let conv = matches!(
        opcode,
        Opcode::FcvtFromSint
            | Opcode::FcvtFromUint
            | Opcode::FcvtToSint
            | Opcode::FcvtToUint
            | Opcode::FcvtToSintSat
            | Opcode::FcvtToUintSat
    );
    if op1.is_none() && round.is_none() && !conv {
        return Ok(false);
    }
    let rd = ctx.output_reg(inst, 0)?;
    let rn = ctx.put_in_reg(arg)?;
    if let Some(op) = op1 {
        if !in_ty.is_float() || (op == FpuOp1::Cvt && in_ty == t) {
            return Err(unsupported(ctx, inst));
        }
        ctx.emit(Inst::FpuRR { op, size: fsize_of(in_ty), rd, rn })?;
    } else if let Some(mode) = round {
        ctx.emit(Inst::FpuRound { mode, size: fsize_of(t), rd, rn })?;
    } else if matches!(opcode, Opcode::FcvtFromSint | Opcode::FcvtFromUint) {
        if in_ty == Type::I128 || !in_ty.is_int() {
            return Err(unsupported(ctx, inst));
        }
        let signed = opcode == Opcode::FcvtFromSint;
        let src = if is_narrow(in_ty) {
            let x = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::Extend { rd: x, rn, signed, from_bits: in_ty.bits() as u8, to_bits: 32 })?;
            x.to_reg()
        } else {
            rn
        };
        ctx.emit(Inst::IntToFpu { signed, src: isize_of(in_ty), dst: fsize_of(t), rd, rn: src })?;
    } else {
        if t == Type::I128 || !t.is_int() || !in_ty.is_float() {
            return Err(unsupported(ctx, inst));
        }
        let signed = matches!(opcode, Opcode::FcvtToSint | Opcode::FcvtToSintSat);
        let (src, dst) = (fsize_of(in_ty), isize_of(t));
        if matches!(opcode, Opcode::FcvtToSint | Opcode::FcvtToUint) {
            checked_to_int(ctx, signed, src, t.bits(), rd, rn)?;
        } else if is_narrow(t) {
            saturate_narrow(ctx, signed, src, t.bits(), rd, rn)?;
        } else {
            // AArch64 conversions saturate and map NaN to 0: CLIF's `_sat` semantics.
            ctx.emit(Inst::FpuToInt { signed, src, dst, rd, rn })?;
        }
    }
    Ok(true)
}

/// Float rules; `Ok(false)` when `data` is not one of them.
pub(super) fn lower(ctx: Ctx<'_, '_>, inst: IrInst, data: &InstructionData) -> Result<bool, LowerError> {
    match *data {
        InstructionData::UnaryIeee32 { opcode: Opcode::F32const, imm } => {
            let rd = ctx.output_reg(inst, 0)?;
            fconst(ctx, rd, ScalarSize::Size32, u64::from(imm.0))?;
            Ok(true)
        }
        InstructionData::UnaryIeee64 { opcode: Opcode::F64const, imm } => {
            let rd = ctx.output_reg(inst, 0)?;
            fconst(ctx, rd, ScalarSize::Size64, imm.0)?;
            Ok(true)
        }
        InstructionData::Binary { opcode, args: [a, b] } => {
            let t = result_ty(ctx, inst)?;
            if !t.is_float() {
                return Ok(false);
            }
            let size = fsize_of(t);
            let op = match opcode {
                Opcode::Fadd => FpuOp2::Add,
                Opcode::Fsub => FpuOp2::Sub,
                Opcode::Fmul => FpuOp2::Mul,
                Opcode::Fdiv => FpuOp2::Div,
                Opcode::Fmin => FpuOp2::Min,
                Opcode::Fmax => FpuOp2::Max,
                Opcode::Fcopysign => {
                    // rd = a with b's sign: move a, shift b's sign bit down, insert it on top.
                    let bits = if size == ScalarSize::Size64 { 63 } else { 31 };
                    let (ra, rb) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
                    let sign = ctx.alloc_tmp(RegClass::Float);
                    let ushr = FpuShiftImm::maybe_from_u8(bits, FpuShiftOp::UShr, size).expect("width - 1 is valid");
                    ctx.emit(Inst::FpuUShr { size, rd: sign, rn: rb, amount: ushr })?;
                    let rd = ctx.output_reg(inst, 0)?;
                    let sli = FpuShiftImm::maybe_from_u8(bits, FpuShiftOp::Sli, size).expect("width - 1 is valid");
                    ctx.emit(Inst::FpuSli { size, rd, ri: ra, rn: sign.to_reg(), amount: sli })?;
                    return Ok(true);
                }
                _ => return Err(unsupported(ctx, inst)),
            };
            let rd = ctx.output_reg(inst, 0)?;
            let (rn, rm) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
            ctx.emit(Inst::FpuRRR { op, size, rd, rn, rm })?;
            Ok(true)
        }
        InstructionData::Unary { opcode, arg } => unary(ctx, inst, opcode, arg),
        InstructionData::FloatCompare { opcode: Opcode::Fcmp, cond, args: [a, b] } => {
            let size = fsize_of(ty(ctx, a)?);
            let (rn, rm) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
            ctx.emit(Inst::FpuCmp { size, rn, rm })?;
            let rd = ctx.output_reg(inst, 0)?;
            let (c1, c2) = float_conds(cond);
            match c2 {
                None => ctx.emit(Inst::CSet { size: OperandSize::Size32, rd, cond: c1 })?,
                Some(c2) => {
                    let t = ctx.alloc_tmp(RegClass::Int);
                    ctx.emit(Inst::CSet { size: OperandSize::Size32, rd: t, cond: c1 })?;
                    // rd = c2 ? 1 : t
                    let one = ctx.alloc_tmp(RegClass::Int);
                    ctx.emit(Inst::CSet { size: OperandSize::Size32, rd: one, cond: c2 })?;
                    ctx.emit(Inst::AluRRR { op: ALUOp::Orr, size: OperandSize::Size32, rd, rn: t.to_reg(), rm: one.to_reg() })?;
                }
            }
            Ok(true)
        }
        InstructionData::LoadNoOffset { opcode: Opcode::Bitcast, arg, .. } => {
            let (from, to) = (ty(ctx, arg)?, result_ty(ctx, inst)?);
            let rd = ctx.output_reg(inst, 0)?;
            let rn = ctx.put_in_reg(arg)?;
            match (from.is_float(), to.is_float()) {
                (false, true) if from.bits() == to.bits() => ctx.emit(Inst::MovToFpu { size: fsize_of(to), rd, rn })?,
                (true, false) if from.bits() == to.bits() => ctx.emit(Inst::MovFromFpu { size: fsize_of(from), rd, rn })?,
                (true, true) if from == to => ctx.emit(Inst::FpuMove { size: fsize_of(to), rd, rn })?,
                (false, false) if from == to && !is_narrow(to) => {
                    ctx.emit(Inst::Mov { size: isize_of(to), rd, rm: rn })?
                }
                _ => return Err(unsupported(ctx, inst)),
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}
