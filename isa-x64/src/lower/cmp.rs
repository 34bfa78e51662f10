//! Comparisons and selects: `icmp`/`icmp_imm`/`fcmp` as 0/1 values, `select`, and
//! [`cond_flags`], which sets the flags for a condition value and fuses its
//! `icmp`/`fcmp` producer when that is the value's only use in the same block.
//!
//! Float conditions after `ucomiss a, b` (unordered sets ZF, PF and CF): `gt`=`a`,
//! `ge`=`ae`, `ult`=`b`, `ule`=`be`, `one`=`ne`, `ueq`=`e`, `ord`=`np`, `uno`=`p`;
//! `lt`/`le`/`ugt`/`uge` swap the operands; `eq` (`e` and `np`) and `ne` (`ne` or
//! `p`) need two flags, so they are never fused and materialize through two `setcc`.

use atoll_codegen::ir::{FloatCC, Inst as IrInst, InstructionData, IntCC, Opcode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::alu::setcc01;
use super::mem;
use super::*;
use crate::inst::{AluOp, CmpOp, SseOp, CC};
use crate::X64Lower;

pub(super) fn lower(
    _b: &X64Lower<'_>,
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
) -> Result<(), LowerError> {
    use Opcode::*;
    match op {
        Icmp | IcmpImm | Fcmp => {
            if is_fused(ctx, inst) {
                return Ok(());
            }
            let dst = out(ctx, inst)?;
            match compare(ctx, inst)? {
                Some(cc) => setcc01(ctx, cc, dst),
                None => float_two_flag(ctx, inst, dst),
            }
        }
        Select | SelectSpectreGuard => {
            let [c, x, y] = match data(ctx, inst) {
                InstructionData::Ternary { args, .. } => *args,
                _ => return Err(unsupported(inst, op)),
            };
            let ty = out_ty(ctx, inst)?;
            let dst = out(ctx, inst)?;
            let cc = cond_flags(ctx, c, inst)?;
            let rx = put(ctx, x)?;
            let ry = put(ctx, y)?;
            if ty.is_float() {
                ctx.emit(Inst::XmmCmove {
                    cc,
                    consequent: rx,
                    alternative: ry,
                    dst,
                })
            } else {
                ctx.emit(Inst::Cmove {
                    size: alu_size(ty),
                    cc,
                    consequent: RegMem::Reg(rx),
                    alternative: ry,
                    dst,
                })
            }
        }
        _ => Err(unsupported(inst, op)),
    }
}

/// The x64 condition of an integer comparison.
pub(crate) fn int_cc(cc: IntCC) -> CC {
    match cc {
        IntCC::Equal => CC::Z,
        IntCC::NotEqual => CC::NZ,
        IntCC::SignedLessThan => CC::L,
        IntCC::SignedGreaterThanOrEqual => CC::NL,
        IntCC::SignedGreaterThan => CC::NLE,
        IntCC::SignedLessThanOrEqual => CC::LE,
        IntCC::UnsignedLessThan => CC::B,
        IntCC::UnsignedGreaterThanOrEqual => CC::NB,
        IntCC::UnsignedGreaterThan => CC::NBE,
        IntCC::UnsignedLessThanOrEqual => CC::BE,
    }
}

/// The same comparison with its operands swapped.
fn swap_cc(cc: IntCC) -> IntCC {
    match cc {
        IntCC::SignedLessThan => IntCC::SignedGreaterThan,
        IntCC::SignedGreaterThan => IntCC::SignedLessThan,
        IntCC::SignedLessThanOrEqual => IntCC::SignedGreaterThanOrEqual,
        IntCC::SignedGreaterThanOrEqual => IntCC::SignedLessThanOrEqual,
        IntCC::UnsignedLessThan => IntCC::UnsignedGreaterThan,
        IntCC::UnsignedGreaterThan => IntCC::UnsignedLessThan,
        IntCC::UnsignedLessThanOrEqual => IntCC::UnsignedGreaterThanOrEqual,
        IntCC::UnsignedGreaterThanOrEqual => IntCC::UnsignedLessThanOrEqual,
        c => c,
    }
}

/// `(swap operands, condition)` of a float comparison with one flag test.
fn float_cc(cc: FloatCC) -> Option<(bool, CC)> {
    Some(match cc {
        FloatCC::Ordered => (false, CC::NP),
        FloatCC::Unordered => (false, CC::P),
        FloatCC::OrderedNotEqual => (false, CC::NZ),
        FloatCC::UnorderedOrEqual => (false, CC::Z),
        FloatCC::GreaterThan => (false, CC::NBE),
        FloatCC::GreaterThanOrEqual => (false, CC::NB),
        FloatCC::LessThan => (true, CC::NBE),
        FloatCC::LessThanOrEqual => (true, CC::NB),
        FloatCC::UnorderedOrLessThan => (false, CC::B),
        FloatCC::UnorderedOrLessThanOrEqual => (false, CC::BE),
        FloatCC::UnorderedOrGreaterThan => (true, CC::B),
        FloatCC::UnorderedOrGreaterThanOrEqual => (true, CC::BE),
        FloatCC::Equal | FloatCC::NotEqual => return None,
    })
}

/// Emit the compare of `inst` (an `icmp`, `icmp_imm` or `fcmp`) and return the
/// condition under which it is true; `None` for `fcmp eq`/`ne` (flags emitted by
/// `ucomis`, caller combines ZF and PF).
fn compare(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<Option<CC>, LowerError> {
    match data(ctx, inst).clone() {
        InstructionData::IntCompare {
            cond, args: [a, b], ..
        } => {
            let ty = ty_of(ctx, a)?;
            let a_first = (const_of(ctx, a).is_some() && const_of(ctx, b).is_none())
                || mem::sunk_load_operand_is(ctx, a, inst);
            let (a, b, cond) = if a_first {
                (b, a, swap_cc(cond))
            } else {
                (a, b, cond)
            };
            let src2 = match mem::sunk_load_operand(ctx, b, inst)? {
                Some((m, flags)) => {
                    let ra = put(ctx, a)?;
                    let cmp = Inst::CmpRmiR {
                        size: size_of(ty),
                        op: CmpOp::Cmp,
                        src1: ra,
                        src2: RegMemImm::Mem(m),
                    };
                    ctx.emit(mem::trapping(flags, cmp))?;
                    return Ok(Some(int_cc(cond)));
                }
                None => put_rmi(ctx, b)?,
            };
            let ra = put(ctx, a)?;
            ctx.emit(Inst::CmpRmiR {
                size: size_of(ty),
                op: CmpOp::Cmp,
                src1: ra,
                src2,
            })?;
            Ok(Some(int_cc(cond)))
        }
        InstructionData::IntCompareImm { cond, arg, imm, .. } => {
            let ty = ty_of(ctx, arg)?;
            let ra = put(ctx, arg)?;
            let src2 = match imm_rmi(imm.0, ty) {
                Some(i) => i,
                None => RegMemImm::Reg(const_reg(ctx, imm.0 as u64)?),
            };
            ctx.emit(Inst::CmpRmiR {
                size: size_of(ty),
                op: CmpOp::Cmp,
                src1: ra,
                src2,
            })?;
            Ok(Some(int_cc(cond)))
        }
        InstructionData::FloatCompare {
            cond, args: [a, b], ..
        } => {
            let ty = ty_of(ctx, a)?;
            let op = if ty.bits() == 32 {
                SseOp::Ucomiss
            } else {
                SseOp::Ucomisd
            };
            let (swap, cc) = match float_cc(cond) {
                Some((s, c)) => (s, Some(c)),
                None => (false, None),
            };
            let (a, b) = if swap { (b, a) } else { (a, b) };
            let ra = put(ctx, a)?;
            let rb = put(ctx, b)?;
            ctx.emit(Inst::XmmCmpRmR {
                op,
                src1: ra,
                src2: RegMem::Reg(rb),
            })?;
            Ok(cc)
        }
        d => Err(unsupported(inst, d.opcode())),
    }
}

/// `fcmp eq` / `fcmp ne` as 0/1 after the `ucomis` that [`compare`] emitted.
fn float_two_flag(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let is_eq = matches!(
        data(ctx, inst),
        InstructionData::FloatCompare {
            cond: FloatCC::Equal,
            ..
        }
    );
    let (c1, c2, op) = if is_eq {
        (CC::Z, CC::NP, AluOp::And)
    } else {
        (CC::NZ, CC::P, AluOp::Or)
    };
    let t1 = tmp(ctx);
    ctx.emit(Inst::Setcc { cc: c1, dst: t1 })?;
    let t2 = tmp(ctx);
    ctx.emit(Inst::Setcc { cc: c2, dst: t2 })?;
    let t3 = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S32,
        op,
        src1: t1.to_reg(),
        src2: RegMemImm::Reg(t2.to_reg()),
        dst: t3,
    })?;
    ctx.emit(Inst::MovzxRmR {
        ext: ExtMode::BL,
        src: RegMem::Reg(t3.to_reg()),
        dst,
    })
}

/// Whether compare `inst` is merged into its only user (so emits nothing itself).
pub(crate) fn is_fused(ctx: &Lower<'_, Inst>, inst: IrInst) -> bool {
    let func = ctx.func();
    if !matches!(
        func.dfg[inst].opcode(),
        Opcode::Icmp | Opcode::IcmpImm | Opcode::Fcmp
    ) {
        return false;
    }
    let Some(&v) = func.dfg.inst_results(inst).first() else {
        return false;
    };
    let Some(user) = ctx.sole_user(v) else {
        return false;
    };
    if func.layout.inst_block(user) != func.layout.inst_block(inst) {
        return false;
    }
    if let InstructionData::FloatCompare { cond, .. } = func.dfg[inst] {
        if float_cc(cond).is_none() {
            return false;
        }
    }
    let d = &func.dfg[user];
    let cond_arg = match d.opcode() {
        Opcode::Brif
        | Opcode::Select
        | Opcode::SelectSpectreGuard
        | Opcode::Trapz
        | Opcode::Trapnz => d.args().first(),
        _ => None,
    };
    cond_arg == Some(&v)
}

/// Set the flags for condition value `c` as used by `user`, and return the x64
/// condition that holds when `c` is non-zero.
pub(crate) fn cond_flags(
    ctx: &mut Lower<'_, Inst>,
    c: Value,
    user: IrInst,
) -> Result<CC, LowerError> {
    if let Some(def) = ctx.def_inst(c) {
        if ctx.sole_user(c) == Some(user) && is_fused(ctx, def) {
            if let Some(cc) = compare(ctx, def)? {
                return Ok(cc);
            }
        }
    }
    let ty = ty_of(ctx, c)?;
    let r = put(ctx, c)?;
    ctx.emit(Inst::CmpRmiR {
        size: size_of(ty),
        op: CmpOp::Test,
        src1: r,
        src2: RegMemImm::Reg(r),
    })?;
    Ok(CC::NZ)
}
