//! Float arithmetic, constants, bit casts and conversions.
//!
//! CLIF semantics that AArch64 gives natively: `fmin`/`fmax` propagate NaN and order
//! -0 below +0 (`fmin`/`fmax`, not the `nm` forms); `fcvtzs`/`fcvtzu` saturate and
//! map NaN to 0 (the `_sat` conversions, clamped further for 8/16-bit results).
//! Trapping conversions check NaN (`bad_toint`) and the range (`int_ovf`) first:
//! the value must be strictly above the largest float that truncates below the
//! integer minimum and strictly below 2^(bits-1) (2^bits unsigned).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, TrapCode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::cmp::fsize;
use super::*;
use crate::imms::FpImm8;
use crate::inst::{
    CSelOp, Cond, CondBrKind, FpuOp1, FpuOp2, FpuRoundMode, FpuShiftImm, FpuShiftOp, ScalarSize,
};
use crate::regs::zero_reg;

fn scalar(ty: Type) -> Option<ScalarSize> {
    match ty {
        Type::F32 => Some(ScalarSize::Size32),
        Type::F64 => Some(ScalarSize::Size64),
        _ => None,
    }
}

/// Put float constant `bits` (of `size`) into `rd`.
fn fconst_into(
    ctx: &mut Lower<'_, Inst>,
    rd: Writable<Reg>,
    size: ScalarSize,
    bits: u64,
) -> Result<(), LowerError> {
    let imm = match size {
        ScalarSize::Size32 => FpImm8::maybe_from_f32(f32::from_bits(bits as u32)),
        ScalarSize::Size64 => FpImm8::maybe_from_f64(f64::from_bits(bits)),
    };
    if let Some(imm) = imm {
        return ctx.emit(Inst::FpuMoveImm { size, rd, imm });
    }
    let rn = if bits == 0 {
        zero_reg()
    } else {
        const_reg(ctx, bits, size.operand_size())?
    };
    ctx.emit(Inst::MovToFpu { size, rd, rn })
}

fn fconst(ctx: &mut Lower<'_, Inst>, size: ScalarSize, value: f64) -> Result<Reg, LowerError> {
    let rd = ftmp(ctx);
    let bits = match size {
        ScalarSize::Size32 => u64::from((value as f32).to_bits()),
        ScalarSize::Size64 => value.to_bits(),
    };
    fconst_into(ctx, rd, size, bits)?;
    Ok(rd.to_reg())
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let ty = result_type(ctx, inst, 0)?;
    let a = args(ctx, inst);
    let bad = |ctx: &Lower<'_, Inst>| unsupported(ctx, inst);
    use Opcode::*;
    match (op, &data) {
        (F32const, InstructionData::UnaryIeee32 { imm, .. }) => {
            let rd = ctx.output_reg(inst, 0)?;
            fconst_into(ctx, rd, ScalarSize::Size32, u64::from(imm.0))
        }
        (F64const, InstructionData::UnaryIeee64 { imm, .. }) => {
            let rd = ctx.output_reg(inst, 0)?;
            fconst_into(ctx, rd, ScalarSize::Size64, imm.0)
        }
        (Fadd | Fsub | Fmul | Fdiv | Fmin | Fmax, _) => {
            let size = scalar(ty).ok_or_else(|| bad(ctx))?;
            let fop = match op {
                Fadd => FpuOp2::Add,
                Fsub => FpuOp2::Sub,
                Fmul => FpuOp2::Mul,
                Fdiv => FpuOp2::Div,
                Fmin => FpuOp2::Min,
                _ => FpuOp2::Max,
            };
            let rn = ctx.put_in_reg(a[0])?;
            let rm = ctx.put_in_reg(a[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRRR {
                op: fop,
                size,
                rd,
                rn,
                rm,
            })
        }
        (Sqrt | Fneg | Fabs, _) => {
            let size = scalar(ty).ok_or_else(|| bad(ctx))?;
            let fop = match op {
                Sqrt => FpuOp1::Sqrt,
                Fneg => FpuOp1::Neg,
                _ => FpuOp1::Abs,
            };
            let rn = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRR {
                op: fop,
                size,
                rd,
                rn,
            })
        }
        (Fcopysign, _) => {
            let size = scalar(ty).ok_or_else(|| bad(ctx))?;
            let bits = if size == ScalarSize::Size32 { 32u8 } else { 64 };
            let x = ctx.put_in_reg(a[0])?;
            let y = ctx.put_in_reg(a[1])?;
            let t = ftmp(ctx);
            let sh = FpuShiftImm::maybe_from_u8(bits - 1, FpuShiftOp::UShr, size)
                .expect("bits-1 in range");
            ctx.emit(Inst::FpuUShr {
                size,
                rd: t,
                rn: y,
                amount: sh,
            })?;
            let sl = FpuShiftImm::maybe_from_u8(bits - 1, FpuShiftOp::Sli, size)
                .expect("bits-1 in range");
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuSli {
                size,
                rd,
                ri: x,
                rn: t.to_reg(),
                amount: sl,
            })
        }
        (Ceil | Floor | Trunc | Nearest, _) => {
            let size = scalar(ty).ok_or_else(|| bad(ctx))?;
            let mode = match op {
                Ceil => FpuRoundMode::Plus,
                Floor => FpuRoundMode::Minus,
                Trunc => FpuRoundMode::Zero,
                _ => FpuRoundMode::Nearest,
            };
            let rn = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRound { mode, size, rd, rn })
        }
        (Fpromote | Fdemote, _) => {
            let src = fsize(ctx, a[0])?;
            let rn = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            if scalar(ty) == Some(src) {
                return ctx.emit(Inst::FpuMove { size: src, rd, rn });
            }
            ctx.emit(Inst::FpuRR {
                op: FpuOp1::Cvt,
                size: src,
                rd,
                rn,
            })
        }
        (FcvtFromSint | FcvtFromUint, _) => {
            let dst = scalar(ty).ok_or_else(|| bad(ctx))?;
            let signed = op == FcvtFromSint;
            let src_ty = ctx.value_type(a[0])?;
            if !src_ty.is_int() || src_ty == Type::I128 {
                return Err(bad(ctx));
            }
            let rn = put_ext(ctx, a[0], signed)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::IntToFpu {
                signed,
                src: size_of(src_ty),
                dst,
                rd,
                rn,
            })
        }
        (FcvtToSintSat | FcvtToUintSat, _) => to_int_sat(ctx, inst, ty, a[0], op == FcvtToSintSat),
        (FcvtToSint | FcvtToUint, _) => to_int_trapping(ctx, inst, ty, a[0], op == FcvtToSint),
        (Bitcast, _) => {
            let src_ty = ctx.value_type(a[0])?;
            let rn = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            match (src_ty.is_float(), ty.is_float()) {
                (false, true) => ctx.emit(Inst::MovToFpu {
                    size: scalar(ty).ok_or_else(|| bad(ctx))?,
                    rd,
                    rn,
                }),
                (true, false) => ctx.emit(Inst::MovFromFpu {
                    size: scalar(src_ty).ok_or_else(|| bad(ctx))?,
                    rd,
                    rn,
                }),
                (true, true) => ctx.emit(Inst::FpuMove {
                    size: scalar(ty).ok_or_else(|| bad(ctx))?,
                    rd,
                    rn,
                }),
                (false, false) => ctx.emit(Inst::Mov {
                    size: OperandSize::Size64,
                    rd,
                    rm: rn,
                }),
            }
        }
        _ => Err(bad(ctx)),
    }
}

/// The integer type's range as `(min, max)`.
fn int_range(ty: Type, signed: bool) -> (i128, i128) {
    let bits = ty.bits();
    if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

/// `fcvtzs`/`fcvtzu` to 32 or 64 bits, clamped for 8/16-bit results.
fn to_int_sat(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    x: Value,
    signed: bool,
) -> Result<(), LowerError> {
    let src = fsize(ctx, x)?;
    if !ty.is_int() || ty == Type::I128 {
        return Err(unsupported(ctx, inst));
    }
    let rn = ctx.put_in_reg(x)?;
    let rd = ctx.output_reg(inst, 0)?;
    if ty.bits() >= 32 {
        return ctx.emit(Inst::FpuToInt {
            signed,
            src,
            dst: size_of(ty),
            rd,
            rn,
        });
    }
    let s32 = OperandSize::Size32;
    let t = tmp(ctx);
    ctx.emit(Inst::FpuToInt {
        signed,
        src,
        dst: s32,
        rd: t,
        rn,
    })?;
    let (lo, hi) = int_range(ty, signed);
    let hi_r = const_reg(ctx, hi as u64, s32)?;
    ctx.emit(Inst::cmp(s32, t.to_reg(), hi_r))?;
    let gt = if signed { Cond::Gt } else { Cond::Hi };
    if !signed {
        return ctx.emit(Inst::CSel {
            op: CSelOp::Csel,
            size: s32,
            rd,
            rn: hi_r,
            rm: t.to_reg(),
            cond: gt,
        });
    }
    let t2 = tmp(ctx);
    ctx.emit(Inst::CSel {
        op: CSelOp::Csel,
        size: s32,
        rd: t2,
        rn: hi_r,
        rm: t.to_reg(),
        cond: gt,
    })?;
    let lo_r = const_reg(ctx, lo as u64, s32)?;
    ctx.emit(Inst::cmp(s32, t2.to_reg(), lo_r))?;
    ctx.emit(Inst::CSel {
        op: CSelOp::Csel,
        size: s32,
        rd,
        rn: lo_r,
        rm: t2.to_reg(),
        cond: Cond::Lt,
    })
}

/// Trapping conversion: NaN check, range check, then `fcvtz*`.
fn to_int_trapping(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    ty: Type,
    x: Value,
    signed: bool,
) -> Result<(), LowerError> {
    let src = fsize(ctx, x)?;
    if !ty.is_int() || ty == Type::I128 {
        return Err(unsupported(ctx, inst));
    }
    let rn = ctx.put_in_reg(x)?;
    ctx.emit(Inst::FpuCmp {
        size: src,
        rn,
        rm: rn,
    })?;
    ctx.emit(Inst::TrapIf {
        kind: CondBrKind::Cond(Cond::Vs),
        trap_code: TrapCode::BAD_CONVERSION_TO_INTEGER,
    })?;
    let bits = ty.bits();
    let mantissa = if src == ScalarSize::Size32 { 24 } else { 53 };
    // Lower bound: trap when x <= min - 1 (exact when representable), else when x < min.
    let (lo_val, lo_cond) = if signed {
        let min = -(2f64.powi(bits as i32 - 1));
        if bits < mantissa {
            (min - 1.0, Cond::Ls)
        } else {
            (min, Cond::Mi)
        }
    } else {
        (-1.0, Cond::Ls)
    };
    let lo = fconst(ctx, src, lo_val)?;
    ctx.emit(Inst::FpuCmp {
        size: src,
        rn,
        rm: lo,
    })?;
    ctx.emit(Inst::TrapIf {
        kind: CondBrKind::Cond(lo_cond),
        trap_code: TrapCode::INTEGER_OVERFLOW,
    })?;
    let hi_val = if signed {
        2f64.powi(bits as i32 - 1)
    } else {
        2f64.powi(bits as i32)
    };
    let hi = fconst(ctx, src, hi_val)?;
    ctx.emit(Inst::FpuCmp {
        size: src,
        rn,
        rm: hi,
    })?;
    ctx.emit(Inst::TrapIf {
        kind: CondBrKind::Cond(Cond::Ge),
        trap_code: TrapCode::INTEGER_OVERFLOW,
    })?;
    let rd = ctx.output_reg(inst, 0)?;
    let dst = size_of(ty);
    ctx.emit(Inst::FpuToInt {
        signed,
        src,
        dst,
        rd,
        rn,
    })
}
