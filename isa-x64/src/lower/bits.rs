//! Shifts, rotates and bit manipulation: `ishl`/`ushr`/`sshr`/`rotl`/`rotr` (and
//! `_imm`), `clz`/`cls`/`ctz`/`popcnt` with or without LZCNT/BMI1/POPCNT, `bswap`,
//! `bitrev`.
//!
//! CLIF masks shift amounts to the type's width (`x << 9` on `i8` is `x << 1`). The
//! hardware masks to 5 or 6 bits, which matches for `i32`/`i64` only, so narrow
//! shifts mask the amount explicitly.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, Opcode};
use atoll_codegen::machinst::{Lower, LowerError, Reg, Writable};

use super::*;
use crate::imms::ShiftImm;
use crate::inst::{AluOp, BitOp, ShiftBy, ShiftKind, UnaryOp, CC};
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
    let bits = ty.bits();
    match (op, data(ctx, inst).clone()) {
        (Ishl | Ushr | Sshr | Rotl | Rotr, InstructionData::Binary { args: [a, amt], .. }) => {
            let kind = shift_kind(op);
            let amt_const = match ctx.value_regs(amt)?.len() {
                1 => const_of(ctx, amt),
                _ => None,
            };
            match amt_const {
                Some(c) => shift_imm(ctx, ty, kind, a, c as u64, dst),
                None => {
                    let ra = put(ctx, a)?;
                    // An i128 amount: its low register is all that matters.
                    let mut n = *ctx
                        .value_regs(amt)?
                        .first()
                        .ok_or(LowerError::UndefinedValue(amt))?;
                    if bits < 32 {
                        let m = tmp(ctx);
                        let imm = RegMemImm::Imm(Simm32::from_i32(bits as i32 - 1));
                        ctx.emit(Inst::AluRmiR {
                            size: OperandSize::S32,
                            op: AluOp::And,
                            src1: n,
                            src2: imm,
                            dst: m,
                        })?;
                        n = m.to_reg();
                    }
                    ctx.emit(Inst::Shift {
                        size: size_of(ty),
                        kind,
                        src: ra,
                        by: ShiftBy::Cl(n),
                        dst,
                    })
                }
            }
        }
        (
            IshlImm | UshrImm | SshrImm | RotlImm | RotrImm,
            InstructionData::BinaryImm64 { arg, imm, .. },
        ) => {
            let kind = match op {
                IshlImm => ShiftKind::Shl,
                UshrImm => ShiftKind::Shr,
                SshrImm => ShiftKind::Sar,
                RotlImm => ShiftKind::Rol,
                _ => ShiftKind::Ror,
            };
            shift_imm(ctx, ty, kind, arg, imm.0 as u64, dst)
        }
        (Clz, InstructionData::Unary { arg, .. }) => {
            let w = if bits <= 32 { 32 } else { 64 };
            let x = extend(ctx, arg, false, w)?;
            let r = clz_w(b, ctx, x, w)?;
            sub_const(ctx, r, i64::from(w - bits), dst)
        }
        (Cls, InstructionData::Unary { arg, .. }) => {
            // cls(x) = clz(x ^ (x >> (w - 1))) - 1 on the sign-extended value.
            let w = if bits <= 32 { 32 } else { 64 };
            let x = extend(ctx, arg, true, w)?;
            let s = tmp(ctx);
            let sh = ShiftImm::maybe_from_u64(u64::from(w - 1), w)
                .ok_or_else(|| unsupported(inst, op))?;
            ctx.emit(Inst::Shift {
                size: size_of(ty).max_s32(),
                kind: ShiftKind::Sar,
                src: x,
                by: ShiftBy::Imm(sh),
                dst: s,
            })?;
            let y = tmp(ctx);
            let sz = if w == 32 {
                OperandSize::S32
            } else {
                OperandSize::S64
            };
            ctx.emit(Inst::AluRmiR {
                size: sz,
                op: AluOp::Xor,
                src1: s.to_reg(),
                src2: RegMemImm::Reg(x),
                dst: y,
            })?;
            let r = clz_w(b, ctx, y.to_reg(), w)?;
            sub_const(ctx, r, i64::from(w - bits) + 1, dst)
        }
        (Ctz, InstructionData::Unary { arg, .. }) => {
            let mut x = put(ctx, arg)?;
            let w = if bits <= 32 { 32 } else { 64 };
            if bits < 32 {
                // A bit just above the value makes ctz(0) come out as `bits`.
                let t = tmp(ctx);
                let imm = RegMemImm::Imm(Simm32::from_i32(1 << bits));
                ctx.emit(Inst::AluRmiR {
                    size: OperandSize::S32,
                    op: AluOp::Or,
                    src1: x,
                    src2: imm,
                    dst: t,
                })?;
                x = t.to_reg();
            }
            let sz = if w == 32 {
                OperandSize::S32
            } else {
                OperandSize::S64
            };
            if b.isa.has_bmi1() {
                ctx.emit(Inst::BitCount {
                    size: sz,
                    op: BitOp::Tzcnt,
                    src: RegMem::Reg(x),
                    dst,
                })
            } else {
                let wr = const_reg(ctx, w as u64)?;
                let t = tmp(ctx);
                ctx.emit(Inst::BitCount {
                    size: sz,
                    op: BitOp::Bsf,
                    src: RegMem::Reg(x),
                    dst: t,
                })?;
                ctx.emit(Inst::Cmove {
                    size: sz,
                    cc: CC::Z,
                    consequent: RegMem::Reg(wr),
                    alternative: t.to_reg(),
                    dst,
                })
            }
        }
        (Popcnt, InstructionData::Unary { arg, .. }) => {
            if b.isa.has_popcnt() {
                let w = if bits <= 32 { 32 } else { 64 };
                let x = extend(ctx, arg, false, w)?;
                let sz = if w == 32 {
                    OperandSize::S32
                } else {
                    OperandSize::S64
                };
                ctx.emit(Inst::BitCount {
                    size: sz,
                    op: BitOp::Popcnt,
                    src: RegMem::Reg(x),
                    dst,
                })
            } else {
                let x = extend(ctx, arg, false, 64)?;
                popcnt_swar(ctx, x, dst)
            }
        }
        (Bswap, InstructionData::Unary { arg, .. }) => {
            let x = put(ctx, arg)?;
            match bits {
                8 => ctx.emit(Inst::MovRR {
                    size: OperandSize::S64,
                    src: x,
                    dst,
                }),
                16 => {
                    let by = ShiftBy::Imm(
                        ShiftImm::maybe_from_u64(8, 16).ok_or_else(|| unsupported(inst, op))?,
                    );
                    ctx.emit(Inst::Shift {
                        size: OperandSize::S16,
                        kind: ShiftKind::Rol,
                        src: x,
                        by,
                        dst,
                    })
                }
                _ => ctx.emit(Inst::Bswap {
                    size: size_of(ty),
                    src: x,
                    dst,
                }),
            }
        }
        (Bitrev, InstructionData::Unary { arg, .. }) => {
            let x = put(ctx, arg)?;
            bitrev(ctx, x, bits, dst)
        }
        _ => Err(unsupported(inst, op)),
    }
}

trait MaxS32 {
    fn max_s32(self) -> OperandSize;
}

impl MaxS32 for OperandSize {
    fn max_s32(self) -> OperandSize {
        match self {
            OperandSize::S64 => OperandSize::S64,
            _ => OperandSize::S32,
        }
    }
}

fn shift_kind(op: Opcode) -> ShiftKind {
    match op {
        Opcode::Ishl => ShiftKind::Shl,
        Opcode::Ushr => ShiftKind::Shr,
        Opcode::Sshr => ShiftKind::Sar,
        Opcode::Rotl => ShiftKind::Rol,
        _ => ShiftKind::Ror,
    }
}

/// Shift `a` by the constant `n` (masked to the width).
fn shift_imm(
    ctx: &mut Lower<'_, Inst>,
    ty: Type,
    kind: ShiftKind,
    a: Value,
    n: u64,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let bits = ty.bits();
    let n = n & u64::from(bits - 1);
    let ra = put(ctx, a)?;
    match ShiftImm::maybe_from_u64(n, bits) {
        Some(imm) if n != 0 => ctx.emit(Inst::Shift {
            size: size_of(ty),
            kind,
            src: ra,
            by: ShiftBy::Imm(imm),
            dst,
        }),
        _ => ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: ra,
            dst,
        }),
    }
}

/// Leading zeros of the `w`-bit value in `x` (`w` when zero).
fn clz_w(b: &X64Lower<'_>, ctx: &mut Lower<'_, Inst>, x: Reg, w: u32) -> Result<Reg, LowerError> {
    let sz = if w == 32 {
        OperandSize::S32
    } else {
        OperandSize::S64
    };
    let r = tmp(ctx);
    if b.isa.has_lzcnt() {
        ctx.emit(Inst::BitCount {
            size: sz,
            op: BitOp::Lzcnt,
            src: RegMem::Reg(x),
            dst: r,
        })?;
        return Ok(r.to_reg());
    }
    // bsr gives the index of the highest set bit (ZF for zero: use -1); clz = w-1-idx.
    let m1 = const_reg(ctx, u64::MAX)?;
    let t = tmp(ctx);
    ctx.emit(Inst::BitCount {
        size: sz,
        op: BitOp::Bsr,
        src: RegMem::Reg(x),
        dst: t,
    })?;
    let t2 = tmp(ctx);
    ctx.emit(Inst::Cmove {
        size: OperandSize::S64,
        cc: CC::Z,
        consequent: RegMem::Reg(m1),
        alternative: t.to_reg(),
        dst: t2,
    })?;
    let n = tmp(ctx);
    ctx.emit(Inst::Unary {
        size: OperandSize::S64,
        op: UnaryOp::Neg,
        src: t2.to_reg(),
        dst: n,
    })?;
    let imm = RegMemImm::Imm(Simm32::from_i32(w as i32 - 1));
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::Add,
        src1: n.to_reg(),
        src2: imm,
        dst: r,
    })?;
    Ok(r.to_reg())
}

/// `dst = r - k`.
fn sub_const(
    ctx: &mut Lower<'_, Inst>,
    r: Reg,
    k: i64,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    if k == 0 {
        return ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: r,
            dst,
        });
    }
    let imm = RegMemImm::Imm(Simm32::from_i32(k as i32));
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::Sub,
        src1: r,
        src2: imm,
        dst,
    })
}

/// `dst = src op c` at 64 bits with a constant that may need a register.
fn alu64_const(ctx: &mut Lower<'_, Inst>, op: AluOp, src: Reg, c: u64) -> Result<Reg, LowerError> {
    let src2 = match Simm32::maybe_from_i64(c as i64) {
        Some(i) => RegMemImm::Imm(i),
        None => RegMemImm::Reg(const_reg(ctx, c)?),
    };
    let d = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S64,
        op,
        src1: src,
        src2,
        dst: d,
    })?;
    Ok(d.to_reg())
}

fn alu64(ctx: &mut Lower<'_, Inst>, op: AluOp, a: Reg, b: Reg) -> Result<Reg, LowerError> {
    let d = tmp(ctx);
    ctx.emit(Inst::AluRmiR {
        size: OperandSize::S64,
        op,
        src1: a,
        src2: RegMemImm::Reg(b),
        dst: d,
    })?;
    Ok(d.to_reg())
}

fn shift64(ctx: &mut Lower<'_, Inst>, kind: ShiftKind, a: Reg, n: u64) -> Result<Reg, LowerError> {
    let d = tmp(ctx);
    shift64_into(ctx, kind, a, n, d)?;
    Ok(d.to_reg())
}

/// `dst = a <kind> n` at 64 bits (`n` below 64; a copy for an out-of-range `n`).
fn shift64_into(
    ctx: &mut Lower<'_, Inst>,
    kind: ShiftKind,
    a: Reg,
    n: u64,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    match ShiftImm::maybe_from_u64(n, 64) {
        Some(imm) => ctx.emit(Inst::Shift {
            size: OperandSize::S64,
            kind,
            src: a,
            by: ShiftBy::Imm(imm),
            dst,
        }),
        None => ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: a,
            dst,
        }),
    }
}

/// Population count of the 64-bit `x` without POPCNT (the classic SWAR sum).
fn popcnt_swar(ctx: &mut Lower<'_, Inst>, x: Reg, dst: Writable<Reg>) -> Result<(), LowerError> {
    let m1 = 0x5555_5555_5555_5555u64;
    let m2 = 0x3333_3333_3333_3333u64;
    let m4 = 0x0f0f_0f0f_0f0f_0f0fu64;
    let h01 = 0x0101_0101_0101_0101u64;
    let t = shift64(ctx, ShiftKind::Shr, x, 1)?;
    let t = alu64_const(ctx, AluOp::And, t, m1)?;
    let x = alu64(ctx, AluOp::Sub, x, t)?;
    let lo = alu64_const(ctx, AluOp::And, x, m2)?;
    let hi = shift64(ctx, ShiftKind::Shr, x, 2)?;
    let hi = alu64_const(ctx, AluOp::And, hi, m2)?;
    let x = alu64(ctx, AluOp::Add, lo, hi)?;
    let t = shift64(ctx, ShiftKind::Shr, x, 4)?;
    let x = alu64(ctx, AluOp::Add, x, t)?;
    let x = alu64_const(ctx, AluOp::And, x, m4)?;
    let h = const_reg(ctx, h01)?;
    let p = tmp(ctx);
    ctx.emit(Inst::IMul {
        size: OperandSize::S64,
        src1: x,
        src2: RegMem::Reg(h),
        dst: p,
    })?;
    shift64_into(ctx, ShiftKind::Shr, p.to_reg(), 56, dst)
}

/// Reverse the low `bits` of `x`: swap adjacent bits, pairs, nibbles, then bytes
/// (`bswap`), all at 64 bits, and shift the result down.
fn bitrev(
    ctx: &mut Lower<'_, Inst>,
    x: Reg,
    bits: u32,
    dst: Writable<Reg>,
) -> Result<(), LowerError> {
    let mut v = x;
    for (sh, m) in [
        (1u64, 0x5555_5555_5555_5555u64),
        (2, 0x3333_3333_3333_3333),
        (4, 0x0f0f_0f0f_0f0f_0f0f),
    ] {
        let lo = alu64_const(ctx, AluOp::And, v, m)?;
        let lo = shift64(ctx, ShiftKind::Shl, lo, sh)?;
        let hi = shift64(ctx, ShiftKind::Shr, v, sh)?;
        let hi = alu64_const(ctx, AluOp::And, hi, m)?;
        v = alu64(ctx, AluOp::Or, lo, hi)?;
    }
    let s = tmp(ctx);
    ctx.emit(Inst::Bswap {
        size: OperandSize::S64,
        src: v,
        dst: s,
    })?;
    if bits == 64 {
        return ctx.emit(Inst::MovRR {
            size: OperandSize::S64,
            src: s.to_reg(),
            dst,
        });
    }
    shift64_into(ctx, ShiftKind::Shr, s.to_reg(), u64::from(64 - bits), dst)
}
