//! VFP arithmetic, constants, min/max, rounding, bit casts and conversions.
//!
//! Conversions from float to integer: the saturating forms are plain `vcvt`
//! (round toward zero, saturating, NaN to 0, exactly the IR semantics for `i32`);
//! the trapping forms use the `FpuToIntChecked` pseudo-instruction. Integers reach
//! and leave the VFP unit through the S view (`vmov sN, rN`). Rounding
//! (`ceil`/`floor`/`trunc`/`nearest`) is one `vrint*` with `has_v8`, else a VFPv3
//! sequence ([`round_vfp3`]); only
//! `i32`-sized integer sides are supported (`i64` conversions are not).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::inst::{FpSize, FpuCvt, FpuOp1, FpuOp2, RoundMode};

fn fsize_of(ty: Type) -> Option<FpSize> {
    match ty {
        Type::F32 => Some(FpSize::F32),
        Type::F64 => Some(FpSize::F64),
        _ => None,
    }
}

/// The truncating, saturating `vcvt` from `size` to a 32-bit integer.
fn to_int_cvt(size: FpSize, signed: bool) -> FpuCvt {
    match (size, signed) {
        (FpSize::F32, true) => FpuCvt::F32ToS32,
        (FpSize::F32, false) => FpuCvt::F32ToU32,
        (FpSize::F64, true) => FpuCvt::F64ToS32,
        (FpSize::F64, false) => FpuCvt::F64ToU32,
    }
}

/// `rd` = magnitude of `x` with the sign of `y`, through the core registers: the
/// sign bit of the top word is replaced (an f64's low word is copied unchanged).
fn copysign_into(
    ctx: &mut Lower<'_, Inst>,
    size: FpSize,
    rd: Writable<Reg>,
    x: Reg,
    y: Reg,
) -> Result<(), LowerError> {
    let sign = Operand2::Imm(ModImm::maybe_from_u32(0x8000_0000).expect("sign bit fits"));
    let (xt, yt, xl) = (tmp(ctx), tmp(ctx), tmp(ctx));
    if size == FpSize::F32 {
        ctx.emit(Inst::MovFromFpu { rd: xt, rn: x })?;
        ctx.emit(Inst::MovFromFpu { rd: yt, rn: y })?;
    } else {
        let yl = tmp(ctx);
        ctx.emit(Inst::MovFromFpu64 {
            lo: xl,
            hi: xt,
            rn: x,
        })?;
        ctx.emit(Inst::MovFromFpu64 {
            lo: yl,
            hi: yt,
            rn: y,
        })?;
    }
    let (m, s, top) = (tmp(ctx), tmp(ctx), tmp(ctx));
    ctx.emit(alu(AluOp::Bic, m, xt.to_reg(), sign))?;
    ctx.emit(alu(AluOp::And, s, yt.to_reg(), sign))?;
    ctx.emit(alu(AluOp::Orr, top, m.to_reg(), Operand2::Reg(s.to_reg())))?;
    if size == FpSize::F32 {
        ctx.emit(Inst::MovToFpu {
            rd,
            rn: top.to_reg(),
        })
    } else {
        ctx.emit(Inst::MovToFpu64 {
            rd,
            lo: xl.to_reg(),
            hi: top.to_reg(),
        })
    }
}

/// `fop rd, rn, rm` unconditionally.
fn fp3(
    ctx: &mut Lower<'_, Inst>,
    op: FpuOp2,
    size: FpSize,
    rn: Reg,
    rm: Reg,
) -> Result<Reg, LowerError> {
    let rd = ftmp(ctx);
    ctx.emit(Inst::FpuRRR {
        op,
        size,
        cond: Cond::Al,
        rd,
        rn,
        rm,
    })?;
    Ok(rd.to_reg())
}

/// `vcmp rn, rm; vmrs` then `rd = cond ? a : b`.
fn fsel_after_cmp(
    ctx: &mut Lower<'_, Inst>,
    size: FpSize,
    rn: Reg,
    rm: Reg,
    cond: Cond,
    a: Reg,
    b: Reg,
    rd: Writable<Reg>,
) -> Result<(), LowerError> {
    ctx.emit(Inst::FpuCmp {
        size,
        cond: Cond::Al,
        signal_nan: false,
        rn,
        rm: Some(rm),
    })?;
    ctx.emit(Inst::FpuToFlags)?;
    ctx.emit(Inst::FpuCSel {
        size,
        cond,
        rd,
        rn: a,
        rm: b,
    })
}

/// `ceil`/`floor`/`trunc`/`nearest` without `vrint` (VFPv3).
///
/// With `c` = 2^52 (f64) or 2^23 (f32), every float of magnitude `>= c` is an
/// integer, and for `a = |x| < c`, `(a + c) - c` is `a` rounded to the nearest
/// integer, ties to even (the FPSCR's default mode). The sign is put back with
/// copysign (so `-0.3` gives `-0`), then `floor` subtracts 1 where that overshot
/// `x`, `ceil` adds 1 where it undershot, `trunc` steps towards zero on `|x|` first.
/// Large magnitudes, infinities and NaNs (the unordered compare) return `x`.
fn round_vfp3(
    ctx: &mut Lower<'_, Inst>,
    op: Opcode,
    size: FpSize,
    rd: Writable<Reg>,
    x: Reg,
) -> Result<(), LowerError> {
    let (c_bits, one_bits) = match size {
        FpSize::F32 => (u64::from(8_388_608f32.to_bits()), u64::from(1f32.to_bits())),
        FpSize::F64 => (4_503_599_627_370_496f64.to_bits(), 1f64.to_bits()),
    };
    let load = |ctx: &mut Lower<'_, Inst>, bits: u64| -> Result<Reg, LowerError> {
        let (r, scratch) = (ftmp(ctx), tmp(ctx));
        ctx.emit(Inst::FpuLoadConst {
            size,
            rd: r,
            bits,
            scratch,
        })?;
        Ok(r.to_reg())
    };
    let (c, one) = (load(ctx, c_bits)?, load(ctx, one_bits)?);
    let abs = ftmp(ctx);
    ctx.emit(Inst::FpuRR {
        op: FpuOp1::Abs,
        size,
        cond: Cond::Al,
        rd: abs,
        rm: x,
    })?;
    let abs = abs.to_reg();
    let big = fp3(ctx, FpuOp2::Add, size, abs, c)?;
    let t = fp3(ctx, FpuOp2::Sub, size, big, c)?;
    let r = ftmp(ctx);
    match op {
        Opcode::Trunc => {
            let down = fp3(ctx, FpuOp2::Sub, size, t, one)?;
            let m = ftmp(ctx);
            fsel_after_cmp(ctx, size, t, abs, Cond::Gt, down, t, m)?;
            copysign_into(ctx, size, r, m.to_reg(), x)?;
        }
        _ => {
            let n = ftmp(ctx);
            copysign_into(ctx, size, n, t, x)?;
            let n = n.to_reg();
            match op {
                Opcode::Floor => {
                    let down = fp3(ctx, FpuOp2::Sub, size, n, one)?;
                    fsel_after_cmp(ctx, size, n, x, Cond::Gt, down, n, r)?;
                }
                Opcode::Ceil => {
                    let up = fp3(ctx, FpuOp2::Add, size, n, one)?;
                    fsel_after_cmp(ctx, size, n, x, Cond::Mi, up, n, r)?;
                }
                _ => ctx.emit(<Inst as atoll_codegen::machinst::MachInst>::gen_move(
                    r,
                    n,
                    atoll_codegen::machinst::RegClass::Float,
                ))?,
            }
        }
    }
    // |x| >= c or unordered (C set): x itself.
    fsel_after_cmp(ctx, size, abs, c, Cond::Hs, x, r.to_reg(), rd)
}

pub(super) fn lower(
    b: &Arm32Lower,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let ty = ctrl_type(ctx, inst)?;
    let a = args(ctx, inst);
    use Opcode::*;
    match (op, &data) {
        (F32const, InstructionData::UnaryIeee32 { imm, .. }) => {
            let rd = ctx.output_reg(inst, 0)?;
            let scratch = tmp(ctx);
            ctx.emit(Inst::FpuLoadConst {
                size: FpSize::F32,
                rd,
                bits: u64::from(imm.0),
                scratch,
            })
        }
        (F64const, InstructionData::UnaryIeee64 { imm, .. }) => {
            let rd = ctx.output_reg(inst, 0)?;
            let scratch = tmp(ctx);
            ctx.emit(Inst::FpuLoadConst {
                size: FpSize::F64,
                rd,
                bits: imm.0,
                scratch,
            })
        }
        (Fadd | Fsub | Fmul | Fdiv, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let fop = match op {
                Fadd => FpuOp2::Add,
                Fsub => FpuOp2::Sub,
                Fmul => FpuOp2::Mul,
                _ => FpuOp2::Div,
            };
            let (x, y) = (ctx.put_in_reg(a[0])?, ctx.put_in_reg(a[1])?);
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRRR {
                op: fop,
                size,
                cond: Cond::Al,
                rd,
                rn: x,
                rm: y,
            })
        }
        (Sqrt | Fneg | Fabs, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let fop = match op {
                Sqrt => FpuOp1::Sqrt,
                Fneg => FpuOp1::Neg,
                _ => FpuOp1::Abs,
            };
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRR {
                op: fop,
                size,
                cond: Cond::Al,
                rd,
                rm: x,
            })
        }
        (Fmin | Fmax, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let (x, y) = (ctx.put_in_reg(a[0])?, ctx.put_in_reg(a[1])?);
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuMinMax {
                max: op == Fmax,
                size,
                rd,
                rn: x,
                rm: y,
            })
        }
        (Ceil | Floor | Trunc | Nearest, _) if b.has_v8 => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let mode = match op {
                Ceil => RoundMode::Ceil,
                Floor => RoundMode::Floor,
                Trunc => RoundMode::Trunc,
                _ => RoundMode::Nearest,
            };
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuRound {
                mode,
                size,
                rd,
                rm: x,
            })
        }
        (Fcopysign, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let (x, y) = (ctx.put_in_reg(a[0])?, ctx.put_in_reg(a[1])?);
            let rd = ctx.output_reg(inst, 0)?;
            copysign_into(ctx, size, rd, x, y)
        }
        (Ceil | Floor | Trunc | Nearest, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            round_vfp3(ctx, op, size, rd, x)
        }
        (FcvtToSintSat | FcvtToUintSat, _) if matches!(ty, Type::I8 | Type::I16) => {
            // Saturate to 32 bits, then clamp to the narrow range.
            let size = fsize(ctx, a[0])?;
            let signed = op == FcvtToSintSat;
            let cvt = to_int_cvt(size, signed);
            let x = ctx.put_in_reg(a[0])?;
            let t = ftmp(ctx);
            ctx.emit(Inst::FpuCvt {
                op: cvt,
                rd: t,
                rm: x,
            })?;
            let w = tmp(ctx);
            ctx.emit(Inst::MovFromFpu {
                rd: w,
                rn: t.to_reg(),
            })?;
            let bits = ty.bits();
            let rd = ctx.output_reg(inst, 0)?;
            let (max, min) = if signed {
                ((1u32 << (bits - 1)) - 1, (-(1i32 << (bits - 1))) as u32)
            } else {
                ((1u32 << bits) - 1, 0)
            };
            let maxr = const_reg(ctx, max)?;
            cmp_const(ctx, Cond::Al, w.to_reg(), max)?;
            let hi_c = if signed { Cond::Gt } else { Cond::Hi };
            if !signed {
                return ctx.emit(Inst::CSel {
                    cond: hi_c,
                    rd,
                    rn: maxr,
                    rm: w.to_reg(),
                });
            }
            let c1 = tmp(ctx);
            ctx.emit(Inst::CSel {
                cond: hi_c,
                rd: c1,
                rn: maxr,
                rm: w.to_reg(),
            })?;
            let minr = const_reg(ctx, min)?;
            cmp_const(ctx, Cond::Al, c1.to_reg(), min)?;
            ctx.emit(Inst::CSel {
                cond: Cond::Lt,
                rd,
                rn: minr,
                rm: c1.to_reg(),
            })
        }
        (Fpromote | Fdemote, _) => {
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            let cvt = if op == Fpromote {
                FpuCvt::F32ToF64
            } else {
                FpuCvt::F64ToF32
            };
            ctx.emit(Inst::FpuCvt { op: cvt, rd, rm: x })
        }
        (FcvtToSint | FcvtToUint, _) if ty == Type::I32 => {
            let size = fsize(ctx, a[0])?;
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            let (t, scratch) = (ftmp(ctx), tmp(ctx));
            ctx.emit(Inst::FpuToIntChecked {
                signed: op == FcvtToSint,
                size,
                rd,
                rm: x,
                tmp: t,
                scratch,
            })
        }
        (FcvtToSint | FcvtToUint, _) if matches!(ty, Type::I8 | Type::I16) => {
            // Convert to 32 bits (trapping outside of i32/u32), then trap outside
            // the narrow range.
            let size = fsize(ctx, a[0])?;
            let signed = op == FcvtToSint;
            let x = ctx.put_in_reg(a[0])?;
            let w = tmp(ctx);
            let (t, scratch) = (ftmp(ctx), tmp(ctx));
            ctx.emit(Inst::FpuToIntChecked {
                signed,
                size,
                rd: w,
                rm: x,
                tmp: t,
                scratch,
            })?;
            let bits = ty.bits();
            let code = atoll_codegen::ir::TrapCode::INTEGER_OVERFLOW;
            if signed {
                cmp_const(ctx, Cond::Al, w.to_reg(), (1u32 << (bits - 1)) - 1)?;
                ctx.emit(Inst::TrapIf {
                    cond: Cond::Gt,
                    code,
                })?;
                cmp_const(ctx, Cond::Al, w.to_reg(), (-(1i32 << (bits - 1))) as u32)?;
                ctx.emit(Inst::TrapIf {
                    cond: Cond::Lt,
                    code,
                })?;
            } else {
                cmp_const(ctx, Cond::Al, w.to_reg(), (1u32 << bits) - 1)?;
                ctx.emit(Inst::TrapIf {
                    cond: Cond::Hi,
                    code,
                })?;
            }
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::mov(rd, w.to_reg()))
        }
        (FcvtToSintSat | FcvtToUintSat, _) if ty == Type::I32 => {
            let size = fsize(ctx, a[0])?;
            let signed = op == FcvtToSintSat;
            let cvt = to_int_cvt(size, signed);
            let x = ctx.put_in_reg(a[0])?;
            let t = ftmp(ctx);
            ctx.emit(Inst::FpuCvt {
                op: cvt,
                rd: t,
                rm: x,
            })?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::MovFromFpu { rd, rn: t.to_reg() })
        }
        (FcvtFromSint | FcvtFromUint, _) => {
            let size = fsize_of(ty).ok_or_else(|| unsupported_on(ctx, inst, ty))?;
            let from = ctx.value_type(a[0])?;
            if !matches!(from, Type::I8 | Type::I16 | Type::I32) {
                return Err(unsupported_on(ctx, inst, from));
            }
            let signed = op == FcvtFromSint;
            let x = put_ext(ctx, a[0], signed)?;
            let t = ftmp(ctx);
            ctx.emit(Inst::MovToFpu { rd: t, rn: x })?;
            let cvt = match (size, signed) {
                (FpSize::F32, true) => FpuCvt::S32ToF32,
                (FpSize::F32, false) => FpuCvt::U32ToF32,
                (FpSize::F64, true) => FpuCvt::S32ToF64,
                (FpSize::F64, false) => FpuCvt::U32ToF64,
            };
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::FpuCvt {
                op: cvt,
                rd,
                rm: t.to_reg(),
            })
        }
        (Bitcast, _) => {
            let from = ctx.value_type(a[0])?;
            let src = ctx.value_regs(a[0])?.to_vec();
            let outs = ctx.output_regs(inst, 0)?;
            match (from, ty, src.as_slice(), outs.as_slice()) {
                (Type::I32, Type::F32, [r], [rd]) => ctx.emit(Inst::MovToFpu { rd: *rd, rn: *r }),
                (Type::F32, Type::I32, [r], [rd]) => ctx.emit(Inst::MovFromFpu { rd: *rd, rn: *r }),
                (Type::I64, Type::F64, [lo, hi], [rd]) => ctx.emit(Inst::MovToFpu64 {
                    rd: *rd,
                    lo: *lo,
                    hi: *hi,
                }),
                (Type::F64, Type::I64, [r], [lo, hi]) => ctx.emit(Inst::MovFromFpu64 {
                    lo: *lo,
                    hi: *hi,
                    rn: *r,
                }),
                _ if from == ty => {
                    for (rd, r) in outs.iter().zip(&src) {
                        let class = if ty.is_float() {
                            atoll_codegen::machinst::RegClass::Float
                        } else {
                            atoll_codegen::machinst::RegClass::Int
                        };
                        ctx.emit(<Inst as atoll_codegen::machinst::MachInst>::gen_move(
                            *rd, *r, class,
                        ))?;
                    }
                    Ok(())
                }
                _ => Err(unsupported_on(ctx, inst, ty)),
            }
        }
        _ => Err(unsupported_on(ctx, inst, ty)),
    }
}

use super::cmp::fsize;
