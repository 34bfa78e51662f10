//! Conversions involving floats: `fpromote`/`fdemote`, float to integer (trapping
//! and saturating), integer to float (signed and unsigned), and `bitcast`.
//!
//! Narrow integer results (`i8`/`i16`) convert to `i32` first: saturating ones then
//! clamp to the narrow range, trapping ones trap `int_ovf` when out of it. Narrow
//! and `i32` unsigned sources convert from their zero-extension to 64 bits, which
//! `cvtsi2ss` treats as signed without loss.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, TrapCode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::inst::{CmpOp, GprToXmmOp, SseOp, XmmToGprOp, CC};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    let ty = out_ty(ctx, inst)?;
    let dst = out(ctx, inst)?;
    let x = match data(ctx, inst) {
        InstructionData::Unary { arg, .. } | InstructionData::LoadNoOffset { arg, .. } => *arg,
        _ => return Err(unsupported(inst, op)),
    };
    let xty = ty_of(ctx, x)?;
    match op {
        Fpromote | Fdemote => {
            let r = put(ctx, x)?;
            let sop = if op == Fpromote {
                SseOp::Cvtss2sd
            } else {
                SseOp::Cvtsd2ss
            };
            ctx.emit(Inst::XmmUnaryRmR {
                op: sop,
                src: RegMem::Reg(r),
                dst,
            })
        }
        FcvtToSint | FcvtToUint | FcvtToSintSat | FcvtToUintSat => {
            let signed = matches!(op, FcvtToSint | FcvtToSintSat);
            let saturating = matches!(op, FcvtToSintSat | FcvtToUintSat);
            let r = put(ctx, x)?;
            let double = xty.bits() == 64;
            if ty.bits() >= 32 {
                return to_int(ctx, double, size_of(ty), signed, saturating, r, dst);
            }
            let wide = tmp(ctx);
            to_int(ctx, double, OperandSize::S32, signed, saturating, r, wide)?;
            clamp_narrow(ctx, ty.bits(), signed, saturating, wide.to_reg(), dst)
        }
        FcvtFromSint | FcvtFromUint => {
            let double = ty.bits() == 64;
            let signed = op == FcvtFromSint;
            if !signed && xty.bits() == 64 {
                let r = put(ctx, x)?;
                let tmp1 = tmp(ctx);
                let tmp2 = tmp(ctx);
                return ctx.emit(Inst::CvtUint64ToFloat {
                    double,
                    src: r,
                    dst,
                    tmp1,
                    tmp2,
                });
            }
            let (r, src_size) = if signed {
                let w = if xty.bits() <= 32 { 32 } else { 64 };
                (
                    extend(ctx, x, true, w)?,
                    if w == 32 {
                        OperandSize::S32
                    } else {
                        OperandSize::S64
                    },
                )
            } else {
                (extend_always(ctx, x)?, OperandSize::S64)
            };
            let cop = if double {
                GprToXmmOp::Cvtsi2sd
            } else {
                GprToXmmOp::Cvtsi2ss
            };
            ctx.emit(Inst::GprToXmm {
                op: cop,
                src: RegMem::Reg(r),
                src_size,
                dst,
            })
        }
        Bitcast => {
            let r = put(ctx, x)?;
            match (xty.is_float(), ty.is_float()) {
                (false, true) => {
                    let src_size = if ty.bits() == 64 {
                        OperandSize::S64
                    } else {
                        OperandSize::S32
                    };
                    ctx.emit(Inst::GprToXmm {
                        op: GprToXmmOp::Mov,
                        src: RegMem::Reg(r),
                        src_size,
                        dst,
                    })
                }
                (true, false) => {
                    let dst_size = if ty.bits() == 64 {
                        OperandSize::S64
                    } else {
                        OperandSize::S32
                    };
                    ctx.emit(Inst::XmmToGpr {
                        op: XmmToGprOp::Mov,
                        src: r,
                        dst_size,
                        dst,
                    })
                }
                (true, true) => ctx.emit(Inst::XmmUnaryRmR {
                    op: SseOp::Movaps,
                    src: RegMem::Reg(r),
                    dst,
                }),
                (false, false) => ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: r,
                    dst,
                }),
            }
        }
        _ => Err(unsupported(inst, op)),
    }
}

/// The zero-extension of `x` to 64 bits in a register (also for `i32`, whose upper
/// half is unspecified).
fn extend_always(ctx: &mut Lower<'_, Inst>, x: Value) -> Result<Reg, LowerError> {
    let ty = ty_of(ctx, x)?;
    let r = put(ctx, x)?;
    if ty.bits() == 32 {
        let t = tmp(ctx);
        ctx.emit(Inst::MovzxRmR {
            ext: ExtMode::LQ,
            src: RegMem::Reg(r),
            dst: t,
        })?;
        return Ok(t.to_reg());
    }
    extend_reg(ctx, r, ty.bits(), false, 64)
}

fn to_int(
    ctx: &mut Lower<'_, Inst>,
    double: bool,
    dst_size: OperandSize,
    signed: bool,
    saturating: bool,
    src: Reg,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let tmp_gpr = tmp(ctx);
    let tmp_xmm = ftmp(ctx);
    ctx.emit(Inst::CvtFloatToInt {
        double,
        dst_size,
        signed,
        saturating,
        src,
        dst,
        tmp_gpr,
        tmp_xmm,
    })
}

/// Clamp (saturating) or range-check (trapping) the 32-bit conversion result `wide`
/// to a `bits`-wide integer.
fn clamp_narrow(
    ctx: &mut Lower<'_, Inst>,
    bits: u32,
    signed: bool,
    saturating: bool,
    wide: Reg,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let (lo, hi) = if signed {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    } else {
        (0, (1i64 << bits) - 1)
    };
    let imm = |v: i64| RegMemImm::Imm(Simm32::from_i32(v as i32));
    let cmp = |ctx: &mut Lower<'_, Inst>, v: Reg, c: i64| {
        ctx.emit(Inst::CmpRmiR {
            size: OperandSize::S32,
            op: CmpOp::Cmp,
            src1: v,
            src2: imm(c),
        })
    };
    // Above max: `g` (signed) / `a` (unsigned, the 32-bit result is unsigned too).
    let (above, below) = if signed {
        (CC::NLE, CC::L)
    } else {
        (CC::NBE, CC::B)
    };
    if !saturating {
        cmp(ctx, wide, hi)?;
        ctx.emit(Inst::TrapIf {
            cc: above,
            code: TrapCode::INTEGER_OVERFLOW,
        })?;
        if signed {
            cmp(ctx, wide, lo)?;
            ctx.emit(Inst::TrapIf {
                cc: below,
                code: TrapCode::INTEGER_OVERFLOW,
            })?;
        }
        return ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: wide,
            dst,
        });
    }
    let hreg = const_reg(ctx, hi as u64)?;
    cmp(ctx, wide, hi)?;
    let t = tmp(ctx);
    ctx.emit(Inst::Cmove {
        size: OperandSize::S32,
        cc: above,
        consequent: RegMem::Reg(hreg),
        alternative: wide,
        dst: t,
    })?;
    if !signed {
        return ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: t.to_reg(),
            dst,
        });
    }
    let lreg = const_reg(ctx, lo as u64)?;
    cmp(ctx, t.to_reg(), lo)?;
    ctx.emit(Inst::Cmove {
        size: OperandSize::S32,
        cc: below,
        consequent: RegMem::Reg(lreg),
        alternative: t.to_reg(),
        dst,
    })
}
