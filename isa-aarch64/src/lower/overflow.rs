//! Arithmetic with an overflow flag (`{u,s}{add,sub,mul}_overflow`: the wrapped
//! result and an `i8` that is 1 on overflow) and `bitselect`.
//!
//! 32/64-bit add/sub read the flags of `adds`/`subs` (C for unsigned add, !C for
//! unsigned sub, V for signed). 8/16-bit operands are extended to 32 bits, so the
//! exact result is known and overflow means it differs from its own truncation.
//! Multiplications compare the high part of the exact product with what the
//! truncated result implies (zero, or copies of its sign bit).

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError, Reg};

use super::*;
use crate::imms::ImmShift;
use crate::inst::{ALUOp, ALUOp3, Cond, ImmShiftOp, ScalarSize};
use crate::regs::zero_reg;

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::Binary { opcode, args } => overflow(ctx, inst, opcode, args[0], args[1]),
        InstructionData::Ternary {
            opcode: Opcode::Bitselect,
            args,
        } => bitselect(ctx, inst, args),
        _ => Err(unsupported(ctx, inst)),
    }
}

fn shift(
    ctx: &mut Lower<'_, Inst>,
    op: ImmShiftOp,
    size: OperandSize,
    rn: Reg,
    amount: u32,
) -> Result<Reg, LowerError> {
    let rd = tmp(ctx);
    let immshift =
        ImmShift::maybe_from_u64(u64::from(amount), size).expect("amount below the width");
    ctx.emit(Inst::AluRRImmShift {
        op,
        size,
        rd,
        rn,
        immshift,
    })?;
    Ok(rd.to_reg())
}

fn overflow(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    a: atoll_codegen::ir::Value,
    b: atoll_codegen::ir::Value,
) -> Result<(), LowerError> {
    use Opcode::*;
    let ty = result_type(ctx, inst, 0)?;
    if !ty.is_int() || ty == Type::I128 {
        return Err(unsupported(ctx, inst));
    }
    let signed = matches!(op, SaddOverflow | SsubOverflow | SmulOverflow);
    let size = size_of(ty);
    let bits = ty.bits();
    let x = put_ext(ctx, a, signed)?;
    let y = put_ext(ctx, b, signed)?;
    let rd = ctx.output_reg(inst, 0)?;
    let flag = ctx.output_reg(inst, 1)?;
    let s32 = OperandSize::Size32;
    let x64 = OperandSize::Size64;
    match op {
        UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow if bits >= 32 => {
            let sub = matches!(op, UsubOverflow | SsubOverflow);
            let aop = if sub { ALUOp::SubS } else { ALUOp::AddS };
            ctx.emit(Inst::AluRRR {
                op: aop,
                size,
                rd,
                rn: x,
                rm: y,
            })?;
            let cond = match op {
                UaddOverflow => Cond::Hs,
                UsubOverflow => Cond::Lo,
                _ => Cond::Vs,
            };
            ctx.emit(Inst::CSet {
                size: s32,
                rd: flag,
                cond,
            })
        }
        UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow => {
            let aop = if matches!(op, UsubOverflow | SsubOverflow) {
                ALUOp::Sub
            } else {
                ALUOp::Add
            };
            ctx.emit(Inst::AluRRR {
                op: aop,
                size: s32,
                rd,
                rn: x,
                rm: y,
            })?;
            let t = extend(ctx, rd.to_reg(), signed, bits as u8, 32)?;
            ctx.emit(Inst::cmp(s32, t, rd.to_reg()))?;
            ctx.emit(Inst::CSet {
                size: s32,
                rd: flag,
                cond: Cond::Ne,
            })
        }
        UmulOverflow | SmulOverflow if bits == 64 => {
            ctx.emit(Inst::AluRRRR {
                op: ALUOp3::MAdd,
                size: x64,
                rd,
                rn: x,
                rm: y,
                ra: zero_reg(),
            })?;
            let hi = tmp(ctx);
            let hop = if signed { ALUOp::SMulH } else { ALUOp::UMulH };
            ctx.emit(Inst::AluRRR {
                op: hop,
                size: x64,
                rd: hi,
                rn: x,
                rm: y,
            })?;
            let expect = if signed {
                shift(ctx, ImmShiftOp::Asr, x64, rd.to_reg(), 63)?
            } else {
                zero_reg()
            };
            ctx.emit(Inst::cmp(x64, hi.to_reg(), expect))?;
            ctx.emit(Inst::CSet {
                size: s32,
                rd: flag,
                cond: Cond::Ne,
            })
        }
        UmulOverflow | SmulOverflow => {
            // Exact product in 64 bits (32-bit operands: widening multiply).
            let p = tmp(ctx);
            if bits == 32 {
                let mop = if signed {
                    ALUOp3::SMAddL
                } else {
                    ALUOp3::UMAddL
                };
                ctx.emit(Inst::AluRRRR {
                    op: mop,
                    size: x64,
                    rd: p,
                    rn: x,
                    rm: y,
                    ra: zero_reg(),
                })?;
            } else {
                ctx.emit(Inst::AluRRRR {
                    op: ALUOp3::MAdd,
                    size: s32,
                    rd: p,
                    rn: x,
                    rm: y,
                    ra: zero_reg(),
                })?;
            }
            ctx.emit(Inst::Mov {
                size: x64,
                rd,
                rm: p.to_reg(),
            })?;
            let (wsize, t) = if bits == 32 {
                (x64, extend(ctx, p.to_reg(), signed, 32, 64)?)
            } else {
                (s32, extend(ctx, p.to_reg(), signed, bits as u8, 32)?)
            };
            ctx.emit(Inst::cmp(wsize, t, p.to_reg()))?;
            ctx.emit(Inst::CSet {
                size: s32,
                rd: flag,
                cond: Cond::Ne,
            })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

/// `(c & a) | (!c & b)`, in integer registers (floats are moved over and back).
fn bitselect(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    args: [atoll_codegen::ir::Value; 3],
) -> Result<(), LowerError> {
    let ty = result_type(ctx, inst, 0)?;
    let fsize = match ty {
        Type::F32 => Some(ScalarSize::Size32),
        Type::F64 => Some(ScalarSize::Size64),
        Type::I128 => return Err(unsupported(ctx, inst)),
        _ => None,
    };
    let size = if matches!(ty, Type::I64 | Type::F64) {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    };
    let int = |ctx: &mut Lower<'_, Inst>, v| -> Result<Reg, LowerError> {
        let r = ctx.put_in_reg(v)?;
        match fsize {
            Some(fs) => {
                let t = tmp(ctx);
                ctx.emit(Inst::MovFromFpu {
                    size: fs,
                    rd: t,
                    rn: r,
                })?;
                Ok(t.to_reg())
            }
            None => Ok(r),
        }
    };
    let c = int(ctx, args[0])?;
    let a = int(ctx, args[1])?;
    let b = int(ctx, args[2])?;
    let t1 = tmp(ctx);
    ctx.emit(Inst::AluRRR {
        op: ALUOp::And,
        size,
        rd: t1,
        rn: a,
        rm: c,
    })?;
    let t2 = tmp(ctx);
    ctx.emit(Inst::AluRRR {
        op: ALUOp::AndNot,
        size,
        rd: t2,
        rn: b,
        rm: c,
    })?;
    match fsize {
        None => {
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Orr,
                size,
                rd,
                rn: t1.to_reg(),
                rm: t2.to_reg(),
            })
        }
        Some(fs) => {
            let t3 = tmp(ctx);
            ctx.emit(Inst::AluRRR {
                op: ALUOp::Orr,
                size,
                rd: t3,
                rn: t1.to_reg(),
                rm: t2.to_reg(),
            })?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::MovToFpu {
                size: fs,
                rd,
                rn: t3.to_reg(),
            })
        }
    }
}
