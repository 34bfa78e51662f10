//! Comparisons, `select`, and block terminators (`jump`, `brif`, `br_table`).
//!
//! A `brif` or `select` whose condition is an `icmp`/`fcmp` result re-emits the
//! compare right before it and branches/selects on the flags (the `icmp` itself is
//! still lowered to a `cset`: the context does no dead-code elimination, and the
//! compared values are available wherever the compare is, by SSA dominance).

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{
    FloatCC, Inst as IrInst, InstructionData, IntCC, Opcode, Type, Value, ValueDef,
};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::imms::{Imm12, ImmLogic};
use crate::inst::{ALUOp, CSelOp, Cond, CondBrKind, ScalarSize};
use crate::regs::zero_reg;

/// Flags condition(s) after a compare: the predicate holds when `.0` or `.1` does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flags(pub Cond, pub Option<Cond>);

pub(crate) fn int_cond(cc: IntCC) -> Cond {
    match cc {
        IntCC::Equal => Cond::Eq,
        IntCC::NotEqual => Cond::Ne,
        IntCC::SignedLessThan => Cond::Lt,
        IntCC::SignedGreaterThanOrEqual => Cond::Ge,
        IntCC::SignedGreaterThan => Cond::Gt,
        IntCC::SignedLessThanOrEqual => Cond::Le,
        IntCC::UnsignedLessThan => Cond::Lo,
        IntCC::UnsignedGreaterThanOrEqual => Cond::Hs,
        IntCC::UnsignedGreaterThan => Cond::Hi,
        IntCC::UnsignedLessThanOrEqual => Cond::Ls,
    }
}

/// Conditions after `fcmp a, b` (unordered sets C and V; less sets N; equal Z and C;
/// greater C).
pub(crate) fn float_cond(cc: FloatCC) -> Flags {
    use FloatCC::*;
    match cc {
        Ordered => Flags(Cond::Vc, None),
        Unordered => Flags(Cond::Vs, None),
        Equal => Flags(Cond::Eq, None),
        NotEqual => Flags(Cond::Ne, None),
        OrderedNotEqual => Flags(Cond::Mi, Some(Cond::Gt)),
        UnorderedOrEqual => Flags(Cond::Eq, Some(Cond::Vs)),
        LessThan => Flags(Cond::Mi, None),
        LessThanOrEqual => Flags(Cond::Ls, None),
        GreaterThan => Flags(Cond::Gt, None),
        GreaterThanOrEqual => Flags(Cond::Ge, None),
        UnorderedOrLessThan => Flags(Cond::Lt, None),
        UnorderedOrLessThanOrEqual => Flags(Cond::Le, None),
        UnorderedOrGreaterThan => Flags(Cond::Hi, None),
        UnorderedOrGreaterThanOrEqual => Flags(Cond::Hs, None),
    }
}

/// Emit `cmp a, b` (b a value or an immediate) for `cc` and return the condition.
pub(crate) fn emit_icmp(
    ctx: &mut Lower<'_, Inst>,
    cc: IntCC,
    a: Value,
    b: Result<Value, i64>,
) -> Result<Cond, LowerError> {
    let ty = ctx.value_type(a)?;
    if ty == Type::I128 || !ty.is_int() {
        return Err(LowerError::UnsupportedType { value: a, ty });
    }
    let signed = cc.is_signed();
    let size = size_of(ty);
    let x = put_ext(ctx, a, signed)?;
    let k = match b {
        Ok(v) => ctx.value_as_iconst(v),
        Err(i) => Some(i),
    };
    if let Some(k) = k {
        let bits = ty.bits();
        let k = if bits >= 64 {
            k
        } else if signed {
            (k << (64 - bits)) >> (64 - bits)
        } else {
            (((k as u64) << (64 - bits)) >> (64 - bits)) as i64
        };
        let (op, mag) = if k < 0 {
            (ALUOp::AddS, k.unsigned_abs())
        } else {
            (ALUOp::SubS, k as u64)
        };
        let fits = size == OperandSize::Size64 || mag <= 0xffff_ffff;
        if let (Some(imm12), true) = (Imm12::maybe_from_u64(mag), fits) {
            ctx.emit(Inst::AluRRImm12S {
                op,
                size,
                rd: Writable::from_reg(zero_reg()),
                rn: sp_slot(x),
                imm12,
            })?;
            return Ok(int_cond(cc));
        }
        let y = const_reg(ctx, k as u64, size)?;
        ctx.emit(Inst::cmp(size, x, y))?;
        return Ok(int_cond(cc));
    }
    let Ok(bv) = b else {
        unreachable!("immediates handled above")
    };
    let y = put_ext(ctx, bv, signed)?;
    ctx.emit(Inst::cmp(size, x, y))?;
    Ok(int_cond(cc))
}

/// Emit `fcmp a, b` and return the conditions for `cc`.
pub(crate) fn emit_fcmp(
    ctx: &mut Lower<'_, Inst>,
    cc: FloatCC,
    a: Value,
    b: Value,
) -> Result<Flags, LowerError> {
    let size = fsize(ctx, a)?;
    let x = ctx.put_in_reg(a)?;
    let y = ctx.put_in_reg(b)?;
    ctx.emit(Inst::FpuCmp { size, rn: x, rm: y })?;
    Ok(float_cond(cc))
}

/// The scalar size of float value `v`.
pub(crate) fn fsize(ctx: &Lower<'_, Inst>, v: Value) -> Result<ScalarSize, LowerError> {
    match ctx.value_type(v)? {
        Type::F32 => Ok(ScalarSize::Size32),
        Type::F64 => Ok(ScalarSize::Size64),
        ty => Err(LowerError::UnsupportedType { value: v, ty }),
    }
}

/// `rd = flags ? 1 : 0`.
fn emit_cset(ctx: &mut Lower<'_, Inst>, rd: Writable<Reg>, f: Flags) -> Result<(), LowerError> {
    let s = OperandSize::Size32;
    match f.1 {
        None => ctx.emit(Inst::CSet {
            size: s,
            rd,
            cond: f.0,
        }),
        Some(c2) => {
            let t = tmp(ctx);
            ctx.emit(Inst::CSet {
                size: s,
                rd: t,
                cond: f.0,
            })?;
            // csinc rd, t, wzr, !c2: t when c2 fails, else 1.
            ctx.emit(Inst::CSel {
                op: CSelOp::Csinc,
                size: s,
                rd,
                rn: t.to_reg(),
                rm: zero_reg(),
                cond: c2.invert(),
            })
        }
    }
}

/// The compare that defines `v`, if `v` is an `icmp`/`fcmp` result.
fn compare_of(ctx: &Lower<'_, Inst>, v: Value) -> Option<InstructionData> {
    match ctx.func().dfg.value_def(v) {
        ValueDef::Result(i, 0) => match &ctx.func().dfg[i] {
            d @ (InstructionData::IntCompare { .. }
            | InstructionData::IntCompareImm { .. }
            | InstructionData::FloatCompare { .. }) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Set flags for "`v` is true" and return the condition(s).
fn cond_flags(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<Flags, LowerError> {
    match compare_of(ctx, v) {
        Some(InstructionData::IntCompare { cond, args, .. }) => {
            Ok(Flags(emit_icmp(ctx, cond, args[0], Ok(args[1]))?, None))
        }
        Some(InstructionData::IntCompareImm { cond, arg, imm, .. }) => {
            Ok(Flags(emit_icmp(ctx, cond, arg, Err(imm.0))?, None))
        }
        Some(InstructionData::FloatCompare { cond, args, .. }) => {
            emit_fcmp(ctx, cond, args[0], args[1])
        }
        _ => {
            let ty = ctx.value_type(v)?;
            let x = put_ext(ctx, v, false)?;
            ctx.emit(Inst::cmp(size_of(ty), x, zero_reg()))?;
            Ok(Flags(Cond::Ne, None))
        }
    }
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    match data {
        InstructionData::IntCompare { cond, args, .. } => {
            let c = emit_icmp(ctx, cond, args[0], Ok(args[1]))?;
            let rd = ctx.output_reg(inst, 0)?;
            emit_cset(ctx, rd, Flags(c, None))
        }
        InstructionData::IntCompareImm { cond, arg, imm, .. } => {
            let c = emit_icmp(ctx, cond, arg, Err(imm.0))?;
            let rd = ctx.output_reg(inst, 0)?;
            emit_cset(ctx, rd, Flags(c, None))
        }
        InstructionData::FloatCompare { cond, args, .. } => {
            let f = emit_fcmp(ctx, cond, args[0], args[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            emit_cset(ctx, rd, f)
        }
        InstructionData::Ternary {
            opcode: Opcode::Select | Opcode::SelectSpectreGuard,
            args,
            ..
        } => {
            let ty = result_type(ctx, inst, 0)?;
            if ty == Type::I128 {
                return Err(unsupported(ctx, inst));
            }
            let a = ctx.put_in_reg(args[1])?;
            let b = ctx.put_in_reg(args[2])?;
            let mut f = cond_flags(ctx, args[0])?;
            if f.1.is_some() {
                // Two-condition float predicate: materialize it and test the bit.
                let t = tmp(ctx);
                emit_cset(ctx, t, f)?;
                ctx.emit(Inst::cmp(OperandSize::Size32, t.to_reg(), zero_reg()))?;
                f = Flags(Cond::Ne, None);
            }
            let rd = ctx.output_reg(inst, 0)?;
            if ty.is_float() {
                let size = if ty == Type::F32 {
                    ScalarSize::Size32
                } else {
                    ScalarSize::Size64
                };
                ctx.emit(Inst::FpuCSel {
                    size,
                    rd,
                    rn: a,
                    rm: b,
                    cond: f.0,
                })
            } else {
                ctx.emit(Inst::CSel {
                    op: CSelOp::Csel,
                    size: OperandSize::Size64,
                    rd,
                    rn: a,
                    rm: b,
                    cond: f.0,
                })
            }
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

pub(super) fn lower_branch(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    targets: &[MachLabel],
) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let target = |i: usize| {
        targets.get(i).copied().ok_or(LowerError::Unsupported {
            inst,
            opcode: data.opcode(),
        })
    };
    match &data {
        InstructionData::Jump { .. } => ctx.emit(Inst::Jump { dest: target(0)? }),
        InstructionData::Brif { arg, .. } => {
            let (taken, not_taken) = (target(0)?, target(1)?);
            let kind = brif_kind(ctx, *arg)?;
            ctx.emit(Inst::CondBr {
                taken,
                not_taken,
                kind,
            })
        }
        InstructionData::BranchTable { arg, .. } => {
            let default = target(0)?;
            let n = targets.len() as u64 - 1;
            let idx = put_ext(ctx, *arg, false)?;
            let s32 = OperandSize::Size32;
            match Imm12::maybe_from_u64(n) {
                Some(imm12) => ctx.emit(Inst::AluRRImm12S {
                    op: ALUOp::SubS,
                    size: s32,
                    rd: Writable::from_reg(zero_reg()),
                    rn: sp_slot(idx),
                    imm12,
                })?,
                None => {
                    let k = const_reg(ctx, n, s32)?;
                    ctx.emit(Inst::cmp(s32, idx, k))?;
                }
            }
            let (rtmp1, rtmp2) = (tmp(ctx), tmp(ctx));
            let entries: Box<[MachLabel]> = targets[1..].into();
            ctx.emit(Inst::JTSequence {
                ridx: idx,
                rtmp1,
                rtmp2,
                default,
                targets: entries,
            })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}

/// How `brif v` branches: `cbz`/`cbnz` for a plain value or a compare with zero,
/// `b.cond` on a fused compare.
fn brif_kind(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<CondBrKind, LowerError> {
    if let Some(InstructionData::IntCompareImm {
        cond: cc @ (IntCC::Equal | IntCC::NotEqual),
        arg,
        imm,
        ..
    }) = compare_of(ctx, v)
    {
        let ty = ctx.value_type(arg)?;
        if imm.0 == 0 && (ty == Type::I32 || ty == Type::I64) {
            let r = ctx.put_in_reg(arg)?;
            let size = size_of(ty);
            return Ok(if cc == IntCC::Equal {
                CondBrKind::Zero(r, size)
            } else {
                CondBrKind::NotZero(r, size)
            });
        }
    }
    if compare_of(ctx, v).is_some() {
        let f = cond_flags(ctx, v)?;
        if f.1.is_none() {
            return Ok(CondBrKind::Cond(f.0));
        }
    }
    let ty = ctx.value_type(v)?;
    let r = match ty {
        Type::I8 | Type::I16 => {
            let t = tmp(ctx);
            let imml = ImmLogic::maybe_from_u64((1 << ty.bits()) - 1, OperandSize::Size32)
                .expect("low-bit mask");
            ctx.emit(Inst::AluRRImmLogic {
                op: ALUOp::And,
                size: OperandSize::Size32,
                rd: w_sp_slot(t),
                rn: ctx.put_in_reg(v)?,
                imml,
            })?;
            t.to_reg()
        }
        _ => ctx.put_in_reg(v)?,
    };
    Ok(CondBrKind::NotZero(r, size_of(ty)))
}
