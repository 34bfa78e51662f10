//! Float arithmetic on SSE scalars: constants, `fadd fsub fmul fdiv sqrt`, sign
//! operations with bit masks (`fabs fneg fcopysign`), wasm-style `fmin`/`fmax`
//! (NaN if either input is NaN, `-0 < +0`), `fma` (FMA3 only), and rounding
//! (`roundss` with SSE4.1, an exact sequence without).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError, Reg};

use super::*;
use crate::imms::RoundImm;
use crate::inst::{GprToXmmOp, SseOp};
use crate::X64Lower;

pub(super) fn lower(
    b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    let ty = out_ty(ctx, inst)?;
    let dst = out(ctx, inst)?;
    let double = ty.bits() == 64;
    let pick = |s: SseOp, d: SseOp| if double { d } else { s };
    match (op, data(ctx, inst).clone()) {
        (F32const, InstructionData::UnaryIeee32 { imm, .. }) => {
            float_const(ctx, u64::from(imm.0), false, dst)
        }
        (F64const, InstructionData::UnaryIeee64 { imm, .. }) => float_const(ctx, imm.0, true, dst),
        (Fadd | Fsub | Fmul | Fdiv, InstructionData::Binary { args: [x, y], .. }) => {
            let sop = match op {
                Fadd => pick(SseOp::Addss, SseOp::Addsd),
                Fsub => pick(SseOp::Subss, SseOp::Subsd),
                Fmul => pick(SseOp::Mulss, SseOp::Mulsd),
                _ => pick(SseOp::Divss, SseOp::Divsd),
            };
            let rx = put(ctx, x)?;
            let ry = put(ctx, y)?;
            ctx.emit(Inst::XmmRmR {
                op: sop,
                src1: rx,
                src2: RegMem::Reg(ry),
                dst,
            })
        }
        (Sqrt, InstructionData::Unary { arg, .. }) => {
            let r = put(ctx, arg)?;
            ctx.emit(Inst::XmmUnaryRmR {
                op: pick(SseOp::Sqrtss, SseOp::Sqrtsd),
                src: RegMem::Reg(r),
                dst,
            })
        }
        (Fabs | Fneg, InstructionData::Unary { arg, .. }) => {
            let sign = sign_mask(double);
            let (bits, sop) = if op == Fabs {
                (!sign & low_mask(double), pick(SseOp::Andps, SseOp::Andpd))
            } else {
                (sign, pick(SseOp::Xorps, SseOp::Xorpd))
            };
            let m = float_bits(ctx, bits, double)?;
            let r = put(ctx, arg)?;
            ctx.emit(Inst::XmmRmR {
                op: sop,
                src1: m,
                src2: RegMem::Reg(r),
                dst,
            })
        }
        (Fcopysign, InstructionData::Binary { args: [x, y], .. }) => {
            // (x & !sign) | (y & sign)
            let rx = put(ctx, x)?;
            let ry = put(ctx, y)?;
            let sign = sign_mask(double);
            let m1 = float_bits(ctx, sign, double)?;
            let ys = ftmp(ctx);
            ctx.emit(Inst::XmmRmR {
                op: pick(SseOp::Andps, SseOp::Andpd),
                src1: m1,
                src2: RegMem::Reg(ry),
                dst: ys,
            })?;
            let m2 = float_bits(ctx, sign, double)?;
            let xm = ftmp(ctx);
            ctx.emit(Inst::XmmRmR {
                op: pick(SseOp::Andnps, SseOp::Andnpd),
                src1: m2,
                src2: RegMem::Reg(rx),
                dst: xm,
            })?;
            ctx.emit(Inst::XmmRmR {
                op: pick(SseOp::Orps, SseOp::Orpd),
                src1: xm.to_reg(),
                src2: RegMem::Reg(ys.to_reg()),
                dst,
            })
        }
        (Fmin | Fmax, InstructionData::Binary { args: [x, y], .. }) => {
            let rx = put(ctx, x)?;
            let ry = put(ctx, y)?;
            ctx.emit(Inst::XmmMinMax {
                is_min: op == Fmin,
                double,
                lhs: rx,
                rhs: ry,
                dst,
            })
        }
        (
            Fma,
            InstructionData::Ternary {
                args: [x, y, z], ..
            },
        ) => {
            if !b.isa.has_fma() {
                return Err(unsupported(inst, op));
            }
            let rx = put(ctx, x)?;
            let ry = put(ctx, y)?;
            let rz = put(ctx, z)?;
            ctx.emit(Inst::XmmFma {
                double,
                src1: rx,
                src2: ry,
                src3: RegMem::Reg(rz),
                dst,
            })
        }
        (Ceil | Floor | Trunc | Nearest, InstructionData::Unary { arg, .. }) => {
            let mode = match op {
                Ceil => RoundImm::Ceil,
                Floor => RoundImm::Floor,
                Trunc => RoundImm::Trunc,
                _ => RoundImm::Nearest,
            };
            let r = put(ctx, arg)?;
            if b.isa.has_sse41() {
                ctx.emit(Inst::XmmRound {
                    op: pick(SseOp::Roundss, SseOp::Roundsd),
                    src: RegMem::Reg(r),
                    mode,
                    dst,
                })
            } else {
                let tmp_gpr = tmp(ctx);
                let tmp_xmm = ftmp(ctx);
                ctx.emit(Inst::XmmRoundSeq {
                    mode,
                    double,
                    src: r,
                    dst,
                    tmp_gpr,
                    tmp_xmm,
                })
            }
        }
        _ => Err(unsupported(inst, op)),
    }
}

fn sign_mask(double: bool) -> u64 {
    if double {
        1 << 63
    } else {
        1 << 31
    }
}

fn low_mask(double: bool) -> u64 {
    if double {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    }
}

/// A new xmm register whose low 32/64 bits are `bits`.
pub(crate) fn float_bits(
    ctx: &mut Lower<'_, Inst>,
    bits: u64,
    double: bool,
) -> Result<Reg, LowerError> {
    let x = ftmp(ctx);
    float_const(ctx, bits, double, x)?;
    Ok(x.to_reg())
}

/// `dst = ` the float with bit pattern `bits` (through a general-purpose register).
fn float_const(
    ctx: &mut Lower<'_, Inst>,
    bits: u64,
    double: bool,
    dst: atoll_codegen::machinst::Writable<Reg>,
) -> Result<(), LowerError> {
    let g = const_reg(ctx, bits)?;
    let src_size = if double {
        OperandSize::S64
    } else {
        OperandSize::S32
    };
    ctx.emit(Inst::GprToXmm {
        op: GprToXmmOp::Mov,
        src: RegMem::Reg(g),
        src_size,
        dst,
    })
}
