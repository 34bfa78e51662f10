//! Integer arithmetic, logic, shifts, bit operations, extensions and constants on
//! `i8`/`i16`/`i32` (one register; `i64` rules are in [`super::wide`]).
//!
//! Shift amounts are taken modulo the type's width (IR semantics): A32 register
//! shifts use the amount's low byte unmasked (an `lsl` by 32 gives 0), so the amount
//! is masked first.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode, Type};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::inst::{BitOp, MulOp};

pub(super) fn lower(ctx: &mut Lower<'_, Inst>, inst: IrInst) -> Result<(), LowerError> {
    let data = ctx.func().dfg[inst].clone();
    let op = data.opcode();
    let ty = ctrl_type(ctx, inst)?;
    if !matches!(ty, Type::I8 | Type::I16 | Type::I32) {
        return Err(unsupported_on(ctx, inst, ty));
    }
    let bits = ty.bits();
    let a = args(ctx, inst);
    use Opcode::*;
    match (op, &data) {
        (Iconst, InstructionData::UnaryImm { imm, .. }) => {
            let rd = ctx.output_reg(inst, 0)?;
            load_const_into(ctx, rd, imm.0 as u32)
        }
        (
            Iadd | Isub | Band | Bor | Bxor | BandNot | IaddImm | IrsubImm | BandImm | BorImm
            | BxorImm,
            _,
        ) => {
            let x = ctx.put_in_reg(a[0])?;
            let (aop, op2) = match (&data, op) {
                (InstructionData::BinaryImm64 { imm, .. }, _) => {
                    let k = op2_const(ctx, imm.0 as u32)?;
                    let aop = match op {
                        IaddImm => AluOp::Add,
                        IrsubImm => AluOp::Rsb,
                        BandImm => AluOp::And,
                        BorImm => AluOp::Orr,
                        _ => AluOp::Eor,
                    };
                    (aop, k)
                }
                (_, Iadd) => (AluOp::Add, op2_of(ctx, a[1])?),
                (_, Isub) => (AluOp::Sub, op2_of(ctx, a[1])?),
                (_, Band) => (AluOp::And, op2_of(ctx, a[1])?),
                (_, Bor) => (AluOp::Orr, op2_of(ctx, a[1])?),
                (_, Bxor) => (AluOp::Eor, op2_of(ctx, a[1])?),
                _ => (AluOp::Bic, op2_of(ctx, a[1])?),
            };
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(alu(aop, rd, x, op2))
        }
        (BorNot | BxorNot, _) => {
            let y = ctx.put_in_reg(a[1])?;
            let ny = tmp(ctx);
            ctx.emit(Inst::Mov {
                not: true,
                s: false,
                cond: Cond::Al,
                rd: ny,
                op2: Operand2::Reg(y),
            })?;
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            let aop = if op == BorNot { AluOp::Orr } else { AluOp::Eor };
            ctx.emit(alu(aop, rd, x, Operand2::Reg(ny.to_reg())))
        }
        (Ineg, _) => {
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(alu(AluOp::Rsb, rd, x, Operand2::Imm(ModImm::zero())))
        }
        (Bnot, _) => {
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Mov {
                not: true,
                s: false,
                cond: Cond::Al,
                rd,
                op2: Operand2::Reg(x),
            })
        }
        (Imul, _) => {
            let x = ctx.put_in_reg(a[0])?;
            let y = ctx.put_in_reg(a[1])?;
            let rd = ctx.output_reg(inst, 0)?;
            let zero = x; // `ra` is unused by `mul`
            ctx.emit(Inst::Mul {
                op: MulOp::Mul,
                rd,
                rn: x,
                rm: y,
                ra: zero,
            })
        }
        (ImulImm, InstructionData::BinaryImm64 { imm, .. }) => {
            let x = ctx.put_in_reg(a[0])?;
            let k = const_reg(ctx, imm.0 as u32)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::Mul {
                op: MulOp::Mul,
                rd,
                rn: x,
                rm: k,
                ra: x,
            })
        }
        (Umulhi | Smulhi, _) => {
            let signed = op == Smulhi;
            let x = put_ext(ctx, a[0], signed)?;
            let y = put_ext(ctx, a[1], signed)?;
            let rd = ctx.output_reg(inst, 0)?;
            if bits == 32 {
                let lo = tmp(ctx);
                return ctx.emit(Inst::MulLong {
                    signed,
                    rd_lo: lo,
                    rd_hi: rd,
                    rn: x,
                    rm: y,
                });
            }
            let p = tmp(ctx);
            ctx.emit(Inst::Mul {
                op: MulOp::Mul,
                rd: p,
                rn: x,
                rm: y,
                ra: x,
            })?;
            let kind = if signed {
                ShiftKind::Asr
            } else {
                ShiftKind::Lsr
            };
            ctx.emit(mov_op2(rd, shifted(p.to_reg(), kind, bits)))
        }
        (Ishl | Ushr | Sshr | Rotl | Rotr | IshlImm | UshrImm | SshrImm | RotlImm | RotrImm, _) => {
            lower_shift(ctx, inst, op, bits)
        }
        (Uextend | Sextend, _) => {
            let from = ctx.value_type(a[0])?.bits();
            let r = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            if from >= 32 {
                return ctx.emit(Inst::mov(rd, r));
            }
            let op = match (op == Sextend, from) {
                (false, 8) => ExtendOp::Uxtb,
                (false, _) => ExtendOp::Uxth,
                (true, 8) => ExtendOp::Sxtb,
                (true, _) => ExtendOp::Sxth,
            };
            ctx.emit(Inst::Extend { op, rd, rm: r })
        }
        (Ireduce, _) => {
            let r = ctx.value_regs(a[0])?[0];
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::mov(rd, r))
        }
        (Clz | Ctz, _) => {
            let mut x = put_ext(ctx, a[0], false)?;
            if op == Ctz {
                // ctz = clz(rbit(x)); a narrow x gets a bit set just above its width.
                if bits < 32 {
                    let t = tmp(ctx);
                    let k = op2_const(ctx, 1u32 << bits)?;
                    ctx.emit(alu(AluOp::Orr, t, x, k))?;
                    x = t.to_reg();
                }
                let t = tmp(ctx);
                ctx.emit(Inst::Bit {
                    op: BitOp::Rbit,
                    rd: t,
                    rm: x,
                })?;
                x = t.to_reg();
            }
            let rd = ctx.output_reg(inst, 0)?;
            if op == Clz && bits < 32 {
                let t = tmp(ctx);
                ctx.emit(Inst::Bit {
                    op: BitOp::Clz,
                    rd: t,
                    rm: x,
                })?;
                let k = op2_const(ctx, 32 - bits)?;
                return ctx.emit(alu(AluOp::Sub, rd, t.to_reg(), k));
            }
            ctx.emit(Inst::Bit {
                op: BitOp::Clz,
                rd,
                rm: x,
            })
        }
        (Bswap, _) if bits >= 16 => {
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            if bits == 32 {
                return ctx.emit(Inst::Bit {
                    op: BitOp::Rev,
                    rd,
                    rm: x,
                });
            }
            let t = tmp(ctx);
            ctx.emit(Inst::Bit {
                op: BitOp::Rev,
                rd: t,
                rm: x,
            })?;
            ctx.emit(mov_op2(rd, shifted(t.to_reg(), ShiftKind::Lsr, 16)))
        }
        (Umin | Umax | Smin | Smax, _) => {
            let signed = matches!(op, Smin | Smax);
            let x = put_ext(ctx, a[0], signed)?;
            let y = put_ext(ctx, a[1], signed)?;
            ctx.emit(cmp_inst(CmpOp::Cmp, x, Operand2::Reg(y)))?;
            let cond = match op {
                Umin => Cond::Lo,
                Umax => Cond::Hi,
                Smin => Cond::Lt,
                _ => Cond::Gt,
            };
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::CSel {
                cond,
                rd,
                rn: x,
                rm: y,
            })
        }
        (Popcnt, _) => {
            let x = put_ext(ctx, a[0], false)?;
            let rd = ctx.output_reg(inst, 0)?;
            popcnt32(ctx, x, rd)
        }
        (Bitrev, _) => {
            let x = ctx.put_in_reg(a[0])?;
            let rd = ctx.output_reg(inst, 0)?;
            if bits == 32 {
                return ctx.emit(Inst::Bit {
                    op: BitOp::Rbit,
                    rd,
                    rm: x,
                });
            }
            let t = tmp(ctx);
            ctx.emit(Inst::Bit {
                op: BitOp::Rbit,
                rd: t,
                rm: x,
            })?;
            ctx.emit(mov_op2(rd, shifted(t.to_reg(), ShiftKind::Lsr, 32 - bits)))
        }
        _ => Err(unsupported_on(ctx, inst, ty)),
    }
}

/// Rotate of an `i8`/`i16`: `(x << k) | (x >> (bits - k))` on the zero-extended
/// value (`k` masked to the width; for `k = 0` the second shift is by `bits`, which
/// gives 0), with the directions swapped for `rotr`.
fn narrow_rotate(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    left: bool,
    bits: u32,
    amount: Option<u32>,
) -> Result<(), LowerError> {
    let a = args(ctx, inst);
    let x = put_ext(ctx, a[0], false)?;
    let k = match amount {
        Some(k) => const_reg(ctx, k)?,
        None => {
            let amt = ctx.value_regs(a[1])?[0];
            let t = tmp(ctx);
            ctx.emit(alu(
                AluOp::And,
                t,
                amt,
                Operand2::Imm(ModImm::maybe_from_u32(bits - 1).expect("small mask")),
            ))?;
            t.to_reg()
        }
    };
    let rev = tmp(ctx);
    ctx.emit(alu(
        AluOp::Rsb,
        rev,
        k,
        Operand2::Imm(ModImm::maybe_from_u32(bits).expect("8 or 16")),
    ))?;
    let (lk, rk) = if left {
        (k, rev.to_reg())
    } else {
        (rev.to_reg(), k)
    };
    let (l, r) = (tmp(ctx), tmp(ctx));
    ctx.emit(mov_op2(l, Operand2::RegShiftReg(x, ShiftKind::Lsl, lk)))?;
    ctx.emit(mov_op2(r, Operand2::RegShiftReg(x, ShiftKind::Lsr, rk)))?;
    let rd = ctx.output_reg(inst, 0)?;
    ctx.emit(alu(AluOp::Orr, rd, l.to_reg(), Operand2::Reg(r.to_reg())))
}

/// `rd = popcount(x)` by the SWAR sums of 2-, 4- and 8-bit fields and one
/// multiply that adds the four bytes into the top byte.
pub(super) fn popcnt32(
    ctx: &mut Lower<'_, Inst>,
    x: Reg,
    rd: Writable<Reg>,
) -> Result<(), LowerError> {
    let (m1, m2, m4, ones) = (
        const_reg(ctx, 0x5555_5555)?,
        const_reg(ctx, 0x3333_3333)?,
        const_reg(ctx, 0x0f0f_0f0f)?,
        const_reg(ctx, 0x0101_0101)?,
    );
    let t = |ctx: &mut Lower<'_, Inst>| tmp(ctx);
    // x - ((x >> 1) & m1)
    let (a1, a2) = (t(ctx), t(ctx));
    ctx.emit(alu(AluOp::And, a1, m1, shifted(x, ShiftKind::Lsr, 1)))?;
    ctx.emit(alu(AluOp::Sub, a2, x, Operand2::Reg(a1.to_reg())))?;
    // (y & m2) + ((y >> 2) & m2)
    let (b1, b2, b3) = (t(ctx), t(ctx), t(ctx));
    ctx.emit(alu(AluOp::And, b1, a2.to_reg(), Operand2::Reg(m2)))?;
    ctx.emit(alu(
        AluOp::And,
        b2,
        m2,
        shifted(a2.to_reg(), ShiftKind::Lsr, 2),
    ))?;
    ctx.emit(alu(AluOp::Add, b3, b1.to_reg(), Operand2::Reg(b2.to_reg())))?;
    // (z + (z >> 4)) & m4
    let (c1, c2) = (t(ctx), t(ctx));
    ctx.emit(alu(
        AluOp::Add,
        c1,
        b3.to_reg(),
        shifted(b3.to_reg(), ShiftKind::Lsr, 4),
    ))?;
    ctx.emit(alu(AluOp::And, c2, c1.to_reg(), Operand2::Reg(m4)))?;
    // (w * 0x01010101) >> 24
    let d = t(ctx);
    ctx.emit(Inst::Mul {
        op: MulOp::Mul,
        rd: d,
        rn: c2.to_reg(),
        rm: ones,
        ra: ones,
    })?;
    ctx.emit(mov_op2(rd, shifted(d.to_reg(), ShiftKind::Lsr, 24)))
}

/// Shifts and rotates, by a register (masked to the width) or a constant.
fn lower_shift(
    ctx: &mut Lower<'_, Inst>,
    inst: IrInst,
    op: Opcode,
    bits: u32,
) -> Result<(), LowerError> {
    use Opcode::*;
    let data = ctx.func().dfg[inst].clone();
    let a = args(ctx, inst);
    let amount: Option<u32> = match &data {
        InstructionData::BinaryImm64 { imm, .. } => Some(imm.0 as u32 & (bits - 1)),
        _ => ctx.value_as_iconst(a[1]).map(|k| k as u32 & (bits - 1)),
    };
    let base = match op {
        Ishl | IshlImm => Ishl,
        Ushr | UshrImm => Ushr,
        Sshr | SshrImm => Sshr,
        Rotl | RotlImm => Rotl,
        _ => Rotr,
    };
    if bits < 32 && matches!(base, Rotl | Rotr) {
        return narrow_rotate(ctx, inst, base == Rotl, bits, amount);
    }
    let x = match base {
        Ushr => put_ext(ctx, a[0], false)?,
        Sshr => put_ext(ctx, a[0], true)?,
        _ => ctx.put_in_reg(a[0])?,
    };
    let kind = match base {
        Ishl => ShiftKind::Lsl,
        Ushr => ShiftKind::Lsr,
        Sshr => ShiftKind::Asr,
        _ => ShiftKind::Ror,
    };
    let rd = ctx.output_reg(inst, 0)?;
    if let Some(k) = amount {
        let k = if base == Rotl { (32 - k) & 31 } else { k };
        if k == 0 {
            return ctx.emit(Inst::mov(rd, x));
        }
        return ctx.emit(mov_op2(rd, shifted(x, kind, k)));
    }
    let amt = ctx.value_regs(a[1])?[0];
    let masked: Reg = if base == Rotl {
        // rotl x, n == ror x, (32 - n) mod 32 (ror uses the amount modulo 32).
        let t = tmp(ctx);
        ctx.emit(alu(
            AluOp::Rsb,
            t,
            amt,
            Operand2::Imm(ModImm::maybe_from_u32(32).expect("32 fits")),
        ))?;
        t.to_reg()
    } else if base == Rotr {
        amt
    } else {
        let t = tmp(ctx);
        ctx.emit(alu(
            AluOp::And,
            t,
            amt,
            Operand2::Imm(ModImm::maybe_from_u32(bits - 1).expect("small mask")),
        ))?;
        t.to_reg()
    };
    ctx.emit(mov_op2(rd, Operand2::RegShiftReg(x, kind, masked)))
}
