//! Comparisons, `select`, and block terminators (`jump`, `brif`, `br_table`).
//!
//! A `brif` or `select` whose condition is an `icmp`/`fcmp` result re-emits the
//! compare right before it and uses the flags (the `icmp` itself is still lowered
//! to a `cset`: the context does no dead-code elimination; the compared values are
//! live there by SSA dominance). Float compares reach the flags through
//! `vcmp` + `vmrs APSR_nzcv, fpscr`, after which N = less, Z = equal, C = not less,
//! V = unordered, as on AArch64, so the condition table is the same.

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::{
    FloatCC, Inst as IrInst, InstructionData, IntCC, Opcode, Type, Value, ValueDef,
};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::inst::FpSize;

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

/// Emit the compare of `a` with `b` (a value or an immediate) for `cc` and return
/// the condition.
pub(crate) fn emit_icmp(
    ctx: &mut Lower<'_, Inst>,
    cc: IntCC,
    a: Value,
    b: Result<Value, i64>,
) -> Result<Cond, LowerError> {
    let ty = ctx.value_type(a)?;
    if ty == Type::I64 {
        return wide::emit_icmp64(ctx, cc, a, b);
    }
    if !matches!(ty, Type::I8 | Type::I16 | Type::I32) {
        return Err(LowerError::UnsupportedType { value: a, ty });
    }
    let signed = cc.is_signed();
    let x = put_ext(ctx, a, signed)?;
    let k = match b {
        Ok(v) => ctx.value_as_iconst(v),
        Err(i) => Some(i),
    };
    if let Some(k) = k {
        let bits = ty.bits();
        let k = if signed {
            ((k << (64 - bits)) >> (64 - bits)) as u32
        } else {
            (((k as u64) << (64 - bits)) >> (64 - bits)) as u32
        };
        cmp_const(ctx, Cond::Al, x, k)?;
        return Ok(int_cond(cc));
    }
    let Ok(bv) = b else {
        unreachable!("immediates handled above")
    };
    let y = put_ext(ctx, bv, signed)?;
    ctx.emit(cmp_inst(CmpOp::Cmp, x, Operand2::Reg(y)))?;
    Ok(int_cond(cc))
}

/// The VFP size of float value `v`.
pub(crate) fn fsize(ctx: &Lower<'_, Inst>, v: Value) -> Result<FpSize, LowerError> {
    match ctx.value_type(v)? {
        Type::F32 => Ok(FpSize::F32),
        Type::F64 => Ok(FpSize::F64),
        ty => Err(LowerError::UnsupportedType { value: v, ty }),
    }
}

/// Emit `vcmp a, b; vmrs` and return the conditions for `cc`.
pub(crate) fn emit_fcmp(
    ctx: &mut Lower<'_, Inst>,
    cc: FloatCC,
    a: Value,
    b: Value,
) -> Result<Flags, LowerError> {
    let size = fsize(ctx, a)?;
    let x = ctx.put_in_reg(a)?;
    let y = ctx.put_in_reg(b)?;
    ctx.emit(Inst::FpuCmp {
        size,
        cond: Cond::Al,
        signal_nan: false,
        rn: x,
        rm: Some(y),
    })?;
    ctx.emit(Inst::FpuToFlags)?;
    Ok(float_cond(cc))
}

/// `rd = flags ? 1 : 0`.
fn emit_cset(ctx: &mut Lower<'_, Inst>, rd: Writable<Reg>, f: Flags) -> Result<(), LowerError> {
    match f.1 {
        None => ctx.emit(Inst::CSet { cond: f.0, rd }),
        Some(c2) => {
            let (t1, t2) = (tmp(ctx), tmp(ctx));
            ctx.emit(Inst::CSet { cond: f.0, rd: t1 })?;
            ctx.emit(Inst::CSet { cond: c2, rd: t2 })?;
            ctx.emit(alu(AluOp::Orr, rd, t1.to_reg(), Operand2::Reg(t2.to_reg())))
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

/// Set flags for "`v` is true" and return one condition that holds exactly then.
pub(crate) fn cond_flags(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<Cond, LowerError> {
    let f = match compare_of(ctx, v) {
        Some(InstructionData::IntCompare { cond, args, .. }) => {
            Flags(emit_icmp(ctx, cond, args[0], Ok(args[1]))?, None)
        }
        Some(InstructionData::IntCompareImm { cond, arg, imm, .. }) => {
            Flags(emit_icmp(ctx, cond, arg, Err(imm.0))?, None)
        }
        Some(InstructionData::FloatCompare { cond, args, .. }) => {
            emit_fcmp(ctx, cond, args[0], args[1])?
        }
        _ => return test_nonzero(ctx, v),
    };
    if f.1.is_none() {
        return Ok(f.0);
    }
    // Two-condition float predicate: materialize it and test the bit.
    let t = tmp(ctx);
    emit_cset(ctx, t, f)?;
    cmp_const(ctx, Cond::Al, t.to_reg(), 0)?;
    Ok(Cond::Ne)
}

/// Set flags for `v != 0` (any integer type; `i64` tests both halves).
fn test_nonzero(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<Cond, LowerError> {
    let ty = ctx.value_type(v)?;
    let regs = ctx.value_regs(v)?.to_vec();
    match (ty, regs.as_slice()) {
        (Type::I64, [lo, hi]) => {
            let t = tmp(ctx);
            ctx.emit(alu_s(AluOp::Orr, t, *lo, Operand2::Reg(*hi)))?;
        }
        (Type::I8 | Type::I16, [r]) => {
            let mask = op2_const(ctx, (1u32 << ty.bits()) - 1)?;
            ctx.emit(cmp_inst(CmpOp::Tst, *r, mask))?;
        }
        (Type::I32, [r]) => cmp_const(ctx, Cond::Al, *r, 0)?,
        _ => return Err(LowerError::UnsupportedType { value: v, ty }),
    }
    Ok(Cond::Ne)
}

/// Whether the compare `inst` has one use, as the condition of a `brif` or
/// `select`, which re-emits the compare itself (so the `cset` would be dead).
fn fused_into_user(ctx: &Lower<'_, Inst>, inst: IrInst) -> bool {
    let Some(&v) = ctx.func().dfg.inst_results(inst).first() else {
        return false;
    };
    let Some(user) = ctx.sole_user(v) else {
        return false;
    };
    match &ctx.func().dfg[user] {
        InstructionData::Brif { arg, .. } => *arg == v,
        InstructionData::Ternary {
            opcode: Opcode::Select | Opcode::SelectSpectreGuard,
            args,
            ..
        } => args[0] == v && args[1] != v && args[2] != v,
        _ => false,
    }
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    if matches!(
        data,
        InstructionData::IntCompare { .. }
            | InstructionData::IntCompareImm { .. }
            | InstructionData::FloatCompare { .. }
    ) && fused_into_user(ctx, inst)
    {
        return Ok(());
    }
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
            let a = ctx.value_regs(args[1])?.to_vec();
            let b = ctx.value_regs(args[2])?.to_vec();
            let outs = ctx.output_regs(inst, 0)?;
            let c = cond_flags(ctx, args[0])?;
            for ((rd, &x), &y) in outs.into_iter().zip(&a).zip(&b) {
                if ty.is_float() {
                    let size = if ty == Type::F32 {
                        FpSize::F32
                    } else {
                        FpSize::F64
                    };
                    ctx.emit(Inst::FpuCSel {
                        size,
                        cond: c,
                        rd,
                        rn: x,
                        rm: y,
                    })?;
                } else {
                    ctx.emit(Inst::CSel {
                        cond: c,
                        rd,
                        rn: x,
                        rm: y,
                    })?;
                }
            }
            Ok(())
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
        InstructionData::Jump { .. } => ctx.emit(Inst::Jmp { target: target(0)? }),
        InstructionData::Brif { arg, .. } => {
            let (taken, not_taken) = (target(0)?, target(1)?);
            let cond = cond_flags(ctx, *arg)?;
            ctx.emit(Inst::CondBr {
                cond,
                taken,
                not_taken,
            })
        }
        InstructionData::BranchTable { arg, .. } => {
            // The table has no bounds check of its own: clamp the index to `n`,
            // whose entry is the default.
            let default = target(0)?;
            let n = targets.len() as u32 - 1;
            let idx = put_ext(ctx, *arg, false)?;
            let nreg = const_reg(ctx, n)?;
            cmp_const(ctx, Cond::Al, idx, n)?;
            let clamped = tmp(ctx);
            ctx.emit(Inst::CSel {
                cond: Cond::Lo,
                rd: clamped,
                rn: idx,
                rm: nreg,
            })?;
            let mut entries: Vec<MachLabel> = targets[1..].to_vec();
            entries.push(default);
            ctx.emit(Inst::JumpTable {
                idx: clamped.to_reg(),
                targets: entries.into(),
            })
        }
        _ => Err(unsupported(ctx, inst)),
    }
}
