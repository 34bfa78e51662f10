//! `i64` on a 32-bit target: a value is the register pair `[lo, hi]`.
//!
//! Rules: constants, add/sub with the carry chain (`adds`/`adc`, `subs`/`sbc`),
//! negation, multiplication (`umull` + two `mla`), bitwise logic, shifts by a
//! constant, extensions to `i64`, loads and stores (two words, low word at the lower
//! address), and compares ([`emit_icmp64`], used by `icmp`, `brif` and `select`).
//! Calls, returns, `select`, `bitcast` and `trapz`/`trapnz` handle pairs in their
//! own families. Everything else on `i64` (division, register-amount shifts,
//! rotates, bit counts, conversions) is reported unsupported.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, IntCC, Opcode, Type, Value};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::mem::{addr_reg, emit_load, emit_store, slot_addr, Access};
use super::*;
use crate::inst::{BitOp, MulOp};

/// Whether `inst` is an `i64` operation this file lowers (its controlling type is
/// `i64` and no other family handles pairs for it).
pub(super) fn handles(ctx: &Lower<'_, Inst>, inst: IrInst) -> Result<bool, LowerError> {
    use Opcode::*;
    let op = ctx.func().dfg[inst].opcode();
    if matches!(
        op,
        Call | CallIndirect
            | Return
            | Select
            | SelectSpectreGuard
            | Bitcast
            | Trapz
            | Trapnz
            | Icmp
            | IcmpImm
            | Nop
            | Trap
            | Debugtrap
            | Bmask
            | Bitselect
            | GetStackPointer
            | AtomicRmw
            | AtomicCas
            | AtomicLoad
            | AtomicStore
            | Fence
    ) {
        return Ok(false);
    }
    // `ctrl_type` fails only for instructions without results or arguments.
    Ok(ctrl_type(ctx, inst)
        .map(|t| t == Type::I64)
        .unwrap_or(false))
}

/// The pair of `v` (`[lo, hi]`).
fn pair(ctx: &Lower<'_, Inst>, v: Value) -> Result<(Reg, Reg), LowerError> {
    match ctx.value_regs(v)? {
        [lo, hi] => Ok((*lo, *hi)),
        _ => Err(LowerError::NotSingleReg(v)),
    }
}

/// The output pair of `inst`.
fn out_pair(
    ctx: &Lower<'_, Inst>,
    inst: IrInst,
) -> Result<(Writable<Reg>, Writable<Reg>), LowerError> {
    match ctx.output_regs(inst, 0)?.as_slice() {
        [lo, hi] => Ok((*lo, *hi)),
        _ => Err(unsupported(ctx, inst)),
    }
}

/// A pair of fresh registers holding the 64-bit constant `k`.
fn const_pair(ctx: &mut Lower<'_, Inst>, k: i64) -> Result<(Reg, Reg), LowerError> {
    Ok((const_reg(ctx, k as u32)?, const_reg(ctx, (k >> 32) as u32)?))
}

fn zero() -> Operand2 {
    Operand2::Imm(ModImm::zero())
}

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let a = args(ctx, inst);
    let unsup = |ctx: &Lower<'_, Inst>| unsupported_on(ctx, inst, Type::I64);
    use Opcode::*;
    match (op, &data) {
        (Iconst, InstructionData::UnaryImm { imm, .. }) => {
            let (lo, hi) = out_pair(ctx, inst)?;
            load_const_into(ctx, lo, imm.0 as u32)?;
            load_const_into(ctx, hi, (imm.0 >> 32) as u32)
        }
        (
            Iadd | Isub | Band | Bor | Bxor | BandNot | Imul | IaddImm | IrsubImm | BandImm
            | BorImm | BxorImm | ImulImm,
            _,
        ) => {
            // The `_imm` forms take their constant as a materialized pair.
            let (mut x, mut y) = match &data {
                InstructionData::BinaryImm64 { imm, .. } => {
                    (pair(ctx, a[0])?, const_pair(ctx, imm.0)?)
                }
                _ => (pair(ctx, a[0])?, pair(ctx, a[1])?),
            };
            if op == IrsubImm {
                std::mem::swap(&mut x, &mut y);
            }
            let (lo, hi) = out_pair(ctx, inst)?;
            binary64(ctx, op, x, y, (lo, hi))
        }
        (Ineg, _) => {
            let (xl, xh) = pair(ctx, a[0])?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(alu_s(AluOp::Rsb, lo, xl, zero()))?;
            ctx.emit(alu(AluOp::Rsc, hi, xh, zero()))
        }
        (Bnot, _) => {
            let (xl, xh) = pair(ctx, a[0])?;
            let (lo, hi) = out_pair(ctx, inst)?;
            for (rd, r) in [(lo, xl), (hi, xh)] {
                ctx.emit(Inst::Mov {
                    not: true,
                    s: false,
                    cond: Cond::Al,
                    rd,
                    op2: Operand2::Reg(r),
                })?;
            }
            Ok(())
        }
        (Ishl | Ushr | Sshr | IshlImm | UshrImm | SshrImm, _) => {
            let k = match &data {
                InstructionData::BinaryImm64 { imm, .. } => Some(imm.0),
                _ => ctx.value_as_iconst(a[1]),
            };
            let (xl, xh) = pair(ctx, a[0])?;
            let (lo, hi) = out_pair(ctx, inst)?;
            let Some(k) = k else {
                let n = masked_amount(ctx, a[1])?;
                let kind = match op {
                    Ishl => ShiftKind::Lsl,
                    Ushr => ShiftKind::Lsr,
                    _ => ShiftKind::Asr,
                };
                return shift_reg(ctx, kind, (xl, xh), n, (lo, hi));
            };
            shift_const(ctx, op, k as u32 & 63, (xl, xh), (lo, hi))
        }
        (Rotl | Rotr, _) => {
            // rotl x, n = (x << n) | (x >> ((64 - n) mod 64)); rotr mirrored.
            let (xl, xh) = pair(ctx, a[0])?;
            let n = masked_amount(ctx, a[1])?;
            let m = tmp(ctx);
            ctx.emit(alu(
                AluOp::Rsb,
                m,
                n,
                Operand2::Imm(ModImm::maybe_from_u32(64).expect("64 fits")),
            ))?;
            let m2 = tmp(ctx);
            ctx.emit(alu(
                AluOp::And,
                m2,
                m.to_reg(),
                Operand2::Imm(ModImm::maybe_from_u32(63).expect("63 fits")),
            ))?;
            let (ln, rn) = if op == Rotl {
                (n, m2.to_reg())
            } else {
                (m2.to_reg(), n)
            };
            let (al, ah, bl, bh) = (tmp(ctx), tmp(ctx), tmp(ctx), tmp(ctx));
            shift_reg(ctx, ShiftKind::Lsl, (xl, xh), ln, (al, ah))?;
            shift_reg(ctx, ShiftKind::Lsr, (xl, xh), rn, (bl, bh))?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(alu(AluOp::Orr, lo, al.to_reg(), Operand2::Reg(bl.to_reg())))?;
            ctx.emit(alu(AluOp::Orr, hi, ah.to_reg(), Operand2::Reg(bh.to_reg())))
        }
        (UaddOverflow | SaddOverflow | UsubOverflow | SsubOverflow, _) => {
            let (xl, xh) = pair(ctx, a[0])?;
            let (yl, yh) = pair(ctx, a[1])?;
            let (lo, hi) = out_pair(ctx, inst)?;
            let add = matches!(op, UaddOverflow | SaddOverflow);
            let (ol, oh) = if add {
                (AluOp::Add, AluOp::Adc)
            } else {
                (AluOp::Sub, AluOp::Sbc)
            };
            ctx.emit(alu_s(ol, lo, xl, Operand2::Reg(yl)))?;
            ctx.emit(alu_s(oh, hi, xh, Operand2::Reg(yh)))?;
            let cond = match op {
                UaddOverflow => Cond::Hs,
                UsubOverflow => Cond::Lo,
                _ => Cond::Vs,
            };
            let of = ctx.output_reg(inst, 1)?;
            ctx.emit(Inst::CSet { cond, rd: of })
        }
        (UaddOverflowTrap, InstructionData::IntAddTrap { args, code, .. }) => {
            let (xl, xh) = pair(ctx, args[0])?;
            let (yl, yh) = pair(ctx, args[1])?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(alu_s(AluOp::Add, lo, xl, Operand2::Reg(yl)))?;
            ctx.emit(alu_s(AluOp::Adc, hi, xh, Operand2::Reg(yh)))?;
            ctx.emit(Inst::TrapIf {
                cond: Cond::Hs,
                code: *code,
            })
        }
        (
            StackAddr,
            InstructionData::StackLoad {
                stack_slot, offset, ..
            },
        ) => {
            // A 64-bit pointer on a 32-bit target: the address, zero-extended.
            use cranelift_entity::EntityRef;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(Inst::SlotAddr {
                rd: lo,
                slot: stack_slot.index() as u32,
                off: offset.0,
            })?;
            ctx.emit(mov_op2(hi, zero()))
        }
        (Clz | Ctz, _) => {
            // clz: hi != 0 ? clz(hi) : 32 + clz(lo); ctz the same on the bit-reversed
            // words with the halves swapped.
            let (xl, xh) = pair(ctx, a[0])?;
            let (first, second) = if op == Clz { (xh, xl) } else { (xl, xh) };
            let count = |ctx: &mut Lower<'_, Inst>, r: Reg| -> Result<Reg, LowerError> {
                let mut r = r;
                if op == Ctz {
                    let t = tmp(ctx);
                    ctx.emit(Inst::Bit {
                        op: BitOp::Rbit,
                        rd: t,
                        rm: r,
                    })?;
                    r = t.to_reg();
                }
                let c = tmp(ctx);
                ctx.emit(Inst::Bit {
                    op: BitOp::Clz,
                    rd: c,
                    rm: r,
                })?;
                Ok(c.to_reg())
            };
            let c1 = count(ctx, first)?;
            let c2 = count(ctx, second)?;
            let t = tmp(ctx);
            ctx.emit(alu(
                AluOp::Add,
                t,
                c2,
                Operand2::Imm(ModImm::maybe_from_u32(32).expect("32 fits")),
            ))?;
            cmp_const(ctx, Cond::Al, first, 0)?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(Inst::CSel {
                cond: Cond::Eq,
                rd: lo,
                rn: t.to_reg(),
                rm: c1,
            })?;
            ctx.emit(mov_op2(hi, zero()))
        }
        (Umin | Umax | Smin | Smax, _) => {
            let cc = match op {
                Umin => IntCC::UnsignedLessThan,
                Umax => IntCC::UnsignedGreaterThan,
                Smin => IntCC::SignedLessThan,
                _ => IntCC::SignedGreaterThan,
            };
            let (xl, xh) = pair(ctx, a[0])?;
            let (yl, yh) = pair(ctx, a[1])?;
            let cond = emit_icmp64(ctx, cc, a[0], Ok(a[1]))?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(Inst::CSel {
                cond,
                rd: lo,
                rn: xl,
                rm: yl,
            })?;
            ctx.emit(Inst::CSel {
                cond,
                rd: hi,
                rn: xh,
                rm: yh,
            })
        }
        (Popcnt, _) => {
            let (xl, xh) = pair(ctx, a[0])?;
            let (pl, ph) = (tmp(ctx), tmp(ctx));
            super::alu::popcnt32(ctx, xl, pl)?;
            super::alu::popcnt32(ctx, xh, ph)?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(alu(AluOp::Add, lo, pl.to_reg(), Operand2::Reg(ph.to_reg())))?;
            ctx.emit(mov_op2(hi, zero()))
        }
        (Iabs, _) => {
            // s = x >> 63 (all ones or zero); |x| = (x ^ s) - s.
            let (xl, xh) = pair(ctx, a[0])?;
            let s = tmp(ctx);
            ctx.emit(mov_op2(s, shifted(xh, ShiftKind::Asr, 31)))?;
            let (el, eh) = (tmp(ctx), tmp(ctx));
            ctx.emit(alu(AluOp::Eor, el, xl, Operand2::Reg(s.to_reg())))?;
            ctx.emit(alu(AluOp::Eor, eh, xh, Operand2::Reg(s.to_reg())))?;
            let (lo, hi) = out_pair(ctx, inst)?;
            ctx.emit(alu_s(
                AluOp::Sub,
                lo,
                el.to_reg(),
                Operand2::Reg(s.to_reg()),
            ))?;
            ctx.emit(alu(AluOp::Sbc, hi, eh.to_reg(), Operand2::Reg(s.to_reg())))
        }
        (Uextend | Sextend, _) => {
            let from = ctx.value_type(a[0])?;
            let x = put_ext(ctx, a[0], op == Sextend)?;
            let (lo, hi) = out_pair(ctx, inst)?;
            let _ = from;
            ctx.emit(Inst::mov(lo, x))?;
            extend_hi(ctx, op == Sextend, lo.to_reg(), hi)
        }
        (_, InstructionData::Load { flags, .. } | InstructionData::Store { flags, .. })
            if flags.big() =>
        {
            Err(unsup(ctx))
        }
        (
            Load | Uload8 | Sload8 | Uload16 | Sload16 | Uload32 | Sload32,
            InstructionData::Load { arg, offset, .. },
        ) => {
            let base = addr_reg(ctx, *arg)?;
            load64(ctx, inst, op, base, i64::from(offset.0))
        }
        (
            StackLoad,
            InstructionData::StackLoad {
                stack_slot, offset, ..
            },
        ) => {
            use cranelift_entity::EntityRef;
            let base = slot_addr(ctx, stack_slot.index() as u32, offset.0)?;
            load64(ctx, inst, Load, base, 0)
        }
        (Store | Istore8 | Istore16 | Istore32, InstructionData::Store { args, offset, .. }) => {
            let base = addr_reg(ctx, args[1])?;
            store64(ctx, op, args[0], base, i64::from(offset.0))
        }
        (
            StackStore,
            InstructionData::StackStore {
                arg,
                stack_slot,
                offset,
                ..
            },
        ) => {
            use cranelift_entity::EntityRef;
            let base = slot_addr(ctx, stack_slot.index() as u32, offset.0)?;
            store64(ctx, Store, *arg, base, 0)
        }
        _ => Err(unsup(ctx)),
    }
}

/// `out = x <op> y` for the two-operand pair rules (`_imm` opcodes mean their
/// base operation).
fn binary64(
    ctx: &mut Lower<'_, Inst>,
    op: Opcode,
    x: (Reg, Reg),
    y: (Reg, Reg),
    out: (Writable<Reg>, Writable<Reg>),
) -> Result<(), LowerError> {
    use Opcode::*;
    let ((xl, xh), (yl, yh), (lo, hi)) = (x, y, out);
    if matches!(op, Imul | ImulImm) {
        // (xh:xl) * (yh:yl) mod 2^64 = xl*yl + ((xl*yh + xh*yl) << 32).
        let (h0, h1) = (tmp(ctx), tmp(ctx));
        ctx.emit(Inst::MulLong {
            signed: false,
            rd_lo: lo,
            rd_hi: h0,
            rn: xl,
            rm: yl,
        })?;
        ctx.emit(Inst::Mul {
            op: MulOp::Mla,
            rd: h1,
            rn: xl,
            rm: yh,
            ra: h0.to_reg(),
        })?;
        return ctx.emit(Inst::Mul {
            op: MulOp::Mla,
            rd: hi,
            rn: xh,
            rm: yl,
            ra: h1.to_reg(),
        });
    }
    let (ol, oh, carry) = match op {
        Iadd | IaddImm => (AluOp::Add, AluOp::Adc, true),
        Isub | IrsubImm => (AluOp::Sub, AluOp::Sbc, true),
        Band | BandImm => (AluOp::And, AluOp::And, false),
        Bor | BorImm => (AluOp::Orr, AluOp::Orr, false),
        Bxor | BxorImm => (AluOp::Eor, AluOp::Eor, false),
        _ => (AluOp::Bic, AluOp::Bic, false),
    };
    ctx.emit(Inst::Alu {
        op: ol,
        s: carry,
        cond: Cond::Al,
        rd: lo,
        rn: xl,
        op2: Operand2::Reg(yl),
    })?;
    ctx.emit(alu(oh, hi, xh, Operand2::Reg(yh)))
}

/// `hi` = the high word of the 32-bit `lo` zero- or sign-extended.
fn extend_hi(
    ctx: &mut Lower<'_, Inst>,
    signed: bool,
    lo: Reg,
    hi: Writable<Reg>,
) -> Result<(), LowerError> {
    if signed {
        ctx.emit(mov_op2(hi, shifted(lo, ShiftKind::Asr, 31)))
    } else {
        ctx.emit(mov_op2(hi, zero()))
    }
}

fn load64(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    base: Reg,
    off: i64,
) -> Result<(), LowerError> {
    use Opcode::*;
    let (lo, hi) = out_pair(ctx, inst)?;
    let (acc, signed) = match op {
        Load => {
            emit_load(ctx, Access::Word, lo, base, off)?;
            return emit_load(ctx, Access::Word, hi, base, off + 4);
        }
        Uload8 => (Access::Byte, false),
        Sload8 => (Access::SByte, true),
        Uload16 => (Access::Half, false),
        Sload16 => (Access::SHalf, true),
        Uload32 => (Access::Word, false),
        _ => (Access::Word, true),
    };
    emit_load(ctx, acc, lo, base, off)?;
    extend_hi(ctx, signed, lo.to_reg(), hi)
}

fn store64(
    ctx: &mut Lower<'_, Inst>,
    op: Opcode,
    v: Value,
    base: Reg,
    off: i64,
) -> Result<(), LowerError> {
    let (lo, hi) = pair(ctx, v)?;
    match op {
        Opcode::Istore8 => emit_store(ctx, Access::Byte, lo, base, off),
        Opcode::Istore16 => emit_store(ctx, Access::Half, lo, base, off),
        Opcode::Istore32 => emit_store(ctx, Access::Word, lo, base, off),
        _ => {
            emit_store(ctx, Access::Word, lo, base, off)?;
            emit_store(ctx, Access::Word, hi, base, off + 4)
        }
    }
}

/// The low word of shift amount `v` masked to 0..=63.
fn masked_amount(ctx: &mut Lower<'_, Inst>, v: Value) -> Result<Reg, LowerError> {
    let r = ctx.value_regs(v)?[0];
    let t = tmp(ctx);
    ctx.emit(alu(
        AluOp::And,
        t,
        r,
        Operand2::Imm(ModImm::maybe_from_u32(63).expect("63 fits")),
    ))?;
    Ok(t.to_reg())
}

/// Shift the pair `x` by the register amount `n` (0..=63) into `out`.
///
/// A32 register shifts use the amount's low byte and give 0 (or the sign fill for
/// `asr`) from 32 on, so `32 - n` and `n - 32`, negative (a large low byte) on one
/// side of 32, shift the cross-word parts out exactly when they must vanish. `asr`
/// cannot use that trick for the low word and selects on `n >= 32` instead.
fn shift_reg(
    ctx: &mut Lower<'_, Inst>,
    kind: ShiftKind,
    x: (Reg, Reg),
    n: Reg,
    out: (Writable<Reg>, Writable<Reg>),
) -> Result<(), LowerError> {
    let (xl, xh) = x;
    let (lo, hi) = out;
    let k32 = Operand2::Imm(ModImm::maybe_from_u32(32).expect("32 fits"));
    let (up, down) = (tmp(ctx), tmp(ctx));
    ctx.emit(alu(AluOp::Rsb, up, n, k32))?; // 32 - n
    ctx.emit(alu(AluOp::Sub, down, n, k32))?; // n - 32
    let sh = |r: Reg, k: ShiftKind, by: Reg| Operand2::RegShiftReg(r, k, by);
    let (t0, t1) = (tmp(ctx), tmp(ctx));
    match kind {
        ShiftKind::Lsl => {
            // hi = xh << n | xl >> (32 - n) | xl << (n - 32); lo = xl << n
            ctx.emit(mov_op2(t0, sh(xh, ShiftKind::Lsl, n)))?;
            ctx.emit(alu(
                AluOp::Orr,
                t1,
                t0.to_reg(),
                sh(xl, ShiftKind::Lsr, up.to_reg()),
            ))?;
            ctx.emit(alu(
                AluOp::Orr,
                hi,
                t1.to_reg(),
                sh(xl, ShiftKind::Lsl, down.to_reg()),
            ))?;
            ctx.emit(mov_op2(lo, sh(xl, ShiftKind::Lsl, n)))
        }
        ShiftKind::Lsr => {
            ctx.emit(mov_op2(t0, sh(xl, ShiftKind::Lsr, n)))?;
            ctx.emit(alu(
                AluOp::Orr,
                t1,
                t0.to_reg(),
                sh(xh, ShiftKind::Lsl, up.to_reg()),
            ))?;
            ctx.emit(alu(
                AluOp::Orr,
                lo,
                t1.to_reg(),
                sh(xh, ShiftKind::Lsr, down.to_reg()),
            ))?;
            ctx.emit(mov_op2(hi, sh(xh, ShiftKind::Lsr, n)))
        }
        _ => {
            ctx.emit(mov_op2(t0, sh(xl, ShiftKind::Lsr, n)))?;
            ctx.emit(alu(
                AluOp::Orr,
                t1,
                t0.to_reg(),
                sh(xh, ShiftKind::Lsl, up.to_reg()),
            ))?;
            let far = tmp(ctx);
            ctx.emit(mov_op2(far, sh(xh, ShiftKind::Asr, down.to_reg())))?;
            cmp_const(ctx, Cond::Al, n, 32)?;
            ctx.emit(Inst::CSel {
                cond: Cond::Ge,
                rd: lo,
                rn: far.to_reg(),
                rm: t1.to_reg(),
            })?;
            ctx.emit(mov_op2(hi, sh(xh, ShiftKind::Asr, n)))
        }
    }
}

/// Shift the pair `x` by the constant `k` (0..=63) into `out`.
fn shift_const(
    ctx: &mut Lower<'_, Inst>,
    op: Opcode,
    k: u32,
    x: (Reg, Reg),
    out: (Writable<Reg>, Writable<Reg>),
) -> Result<(), LowerError> {
    use Opcode::*;
    let (xl, xh) = x;
    let (lo, hi) = out;
    let left = matches!(op, Ishl | IshlImm);
    let arith = matches!(op, Sshr | SshrImm);
    if k == 0 {
        ctx.emit(Inst::mov(lo, xl))?;
        return ctx.emit(Inst::mov(hi, xh));
    }
    let rkind = if arith {
        ShiftKind::Asr
    } else {
        ShiftKind::Lsr
    };
    if left {
        if k < 32 {
            let t = tmp(ctx);
            ctx.emit(mov_op2(t, shifted(xh, ShiftKind::Lsl, k)))?;
            ctx.emit(alu(
                AluOp::Orr,
                hi,
                t.to_reg(),
                shifted(xl, ShiftKind::Lsr, 32 - k),
            ))?;
            return ctx.emit(mov_op2(lo, shifted(xl, ShiftKind::Lsl, k)));
        }
        ctx.emit(mov_op2(hi, shifted(xl, ShiftKind::Lsl, k - 32)))?;
        return ctx.emit(mov_op2(lo, zero()));
    }
    if k < 32 {
        let t = tmp(ctx);
        ctx.emit(mov_op2(t, shifted(xl, ShiftKind::Lsr, k)))?;
        ctx.emit(alu(
            AluOp::Orr,
            lo,
            t.to_reg(),
            shifted(xh, ShiftKind::Lsl, 32 - k),
        ))?;
        return ctx.emit(mov_op2(hi, shifted(xh, rkind, k)));
    }
    if k == 32 {
        ctx.emit(Inst::mov(lo, xh))?;
    } else {
        ctx.emit(mov_op2(lo, shifted(xh, rkind, k - 32)))?;
    }
    if arith {
        ctx.emit(mov_op2(hi, shifted(xh, ShiftKind::Asr, 31)))
    } else {
        ctx.emit(mov_op2(hi, zero()))
    }
}

/// Set flags comparing the `i64` `a` with `b` (a value or a constant) for `cc`, and
/// return the condition that holds exactly when `a cc b`.
///
/// Equality and unsigned orders compare the high words, then (only when they are
/// equal) the low words; signed `<`/`>=` subtract with borrow (`subs`/`sbcs`), whose
/// N and V flags describe the full 64-bit difference; `>`/`<=` swap the operands.
pub(crate) fn emit_icmp64(
    ctx: &mut Lower<'_, Inst>,
    cc: IntCC,
    a: Value,
    b: Result<Value, i64>,
) -> Result<Cond, LowerError> {
    let (xl, xh) = pair(ctx, a)?;
    let k = match b {
        Ok(v) => ctx.value_as_iconst(v),
        Err(i) => Some(i),
    };
    let (yl, yh) = match (k, b) {
        (Some(k), _) => const_pair(ctx, k)?,
        (None, Ok(v)) => pair(ctx, v)?,
        (None, Err(_)) => unreachable!("an immediate always has a value"),
    };
    use IntCC::*;
    match cc {
        SignedLessThan | SignedGreaterThanOrEqual | SignedGreaterThan | SignedLessThanOrEqual => {
            let swap = matches!(cc, SignedGreaterThan | SignedLessThanOrEqual);
            let ((pl, ph), (ql, qh)) = if swap {
                ((yl, yh), (xl, xh))
            } else {
                ((xl, xh), (yl, yh))
            };
            let (t0, t1) = (tmp(ctx), tmp(ctx));
            ctx.emit(alu_s(AluOp::Sub, t0, pl, Operand2::Reg(ql)))?;
            ctx.emit(alu_s(AluOp::Sbc, t1, ph, Operand2::Reg(qh)))?;
            Ok(if matches!(cc, SignedLessThan | SignedGreaterThan) {
                Cond::Lt
            } else {
                Cond::Ge
            })
        }
        _ => {
            ctx.emit(cmp_inst(CmpOp::Cmp, xh, Operand2::Reg(yh)))?;
            ctx.emit(Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Eq,
                rn: xl,
                op2: Operand2::Reg(yl),
            })?;
            Ok(super::cmp::int_cond(cc))
        }
    }
}
