//! Integer rules: constants, arithmetic, division with its traps, logic, shifts and
//! rotates, bit counts, extensions, comparisons and selects.

use atoll_codegen::ir::{Inst as IrInst, InstructionData, IntCC, Opcode, TrapCode, Type, Value};
use atoll_codegen::machinst::{LowerError, Reg, RegClass, Writable};

use super::{fsize_of, is_narrow, isize_of, result_ty, sp_slot, test_nonzero, ty, unsupported, Ctx};
use crate::imms::{Imm12, ImmLogic, ImmShift, UImm5, NZCV};
use crate::inst::{ALUOp, ALUOp3, BitOp, CSelOp, Cond, CondBrKind, ImmShiftOp, Inst, OperandSize};
use crate::regs::{writable_zero_reg, zero_reg};

/// The AArch64 condition for an integer comparison after `cmp a, b`.
pub(super) fn int_cond(cc: IntCC) -> Cond {
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

/// `rd = value`. `Inst::load_constant` writes one register several times (`movz`
/// then `movk`s); in SSA form each step defines a fresh register and the last one
/// is `rd`.
pub(super) fn constant(ctx: Ctx<'_, '_>, rd: Writable<Reg>, value: u64, size: OperandSize) -> Result<(), LowerError> {
    let seq = Inst::load_constant(rd, value, size);
    let n = seq.len();
    let mut prev: Option<Reg> = None;
    for (i, mut inst) in seq.into_iter().enumerate() {
        let dst = if i + 1 == n { rd } else { ctx.alloc_tmp(RegClass::Int) };
        match &mut inst {
            Inst::MovWide { rd: d, .. } => *d = dst,
            Inst::MovK { rd: d, rn, .. } => {
                *d = dst;
                *rn = prev.expect("movk follows movz/movn");
            }
            _ => {}
        }
        prev = Some(dst.to_reg());
        ctx.emit(inst)?;
    }
    Ok(())
}

/// A fresh register holding `value`.
fn const_reg(ctx: Ctx<'_, '_>, value: u64, size: OperandSize) -> Result<Reg, LowerError> {
    let t = ctx.alloc_tmp(RegClass::Int);
    constant(ctx, t, value, size)?;
    Ok(t.to_reg())
}

/// Flags of `cmp r, #value`.
pub(super) fn cmp_with_const(ctx: Ctx<'_, '_>, size: OperandSize, r: Reg, value: u64) -> Result<(), LowerError> {
    match Imm12::maybe_from_u64(value) {
        Some(imm12) => ctx.emit(Inst::AluRRImm12S { op: ALUOp::SubS, size, rd: writable_zero_reg(), rn: sp_slot(r), imm12 }),
        None => {
            let c = const_reg(ctx, value, size)?;
            ctx.emit(Inst::cmp(size, r, c))
        }
    }
}

/// `v` extended to 32 bits when narrow (signed or not), else `v`'s register.
fn widened(ctx: Ctx<'_, '_>, v: Value, signed: bool) -> Result<Reg, LowerError> {
    let t = ty(ctx, v)?;
    let r = ctx.put_in_reg(v)?;
    if !is_narrow(t) {
        return Ok(r);
    }
    let rd = ctx.alloc_tmp(RegClass::Int);
    ctx.emit(Inst::Extend { rd, rn: r, signed, from_bits: t.bits() as u8, to_bits: 32 })?;
    Ok(rd.to_reg())
}

fn is_signed(cc: IntCC) -> bool {
    matches!(
        cc,
        IntCC::SignedLessThan | IntCC::SignedGreaterThanOrEqual | IntCC::SignedGreaterThan | IntCC::SignedLessThanOrEqual
    )
}

/// Flags of comparing `a` with `b` for `cc` (narrow operands extended first, the
/// way the condition reads them).
fn compare(ctx: Ctx<'_, '_>, cc: IntCC, a: Value, b: Value) -> Result<(), LowerError> {
    let size = isize_of(ty(ctx, a)?);
    let ra = widened(ctx, a, is_signed(cc))?;
    let rb = widened(ctx, b, is_signed(cc))?;
    ctx.emit(Inst::cmp(size, ra, rb))
}

fn alu(ctx: Ctx<'_, '_>, op: ALUOp, size: OperandSize, rd: Writable<Reg>, rn: Reg, rm: Reg) -> Result<(), LowerError> {
    ctx.emit(Inst::AluRRR { op, size, rd, rn, rm })
}

/// Division and remainder with CLIF's traps: by zero (`int_divz`) always, and
/// `MIN / -1` (`int_ovf`) for signed division.
fn divide(ctx: Ctx<'_, '_>, opcode: Opcode, size: OperandSize, rd: Writable<Reg>, rn: Reg, rm: Reg) -> Result<(), LowerError> {
    ctx.emit(Inst::TrapIf { kind: CondBrKind::Zero(rm, size), trap_code: TrapCode::INTEGER_DIVISION_BY_ZERO })?;
    if opcode == Opcode::Sdiv {
        // Z = (rm == -1); then, only if so, flags of rn - 1: V = (rn == MIN).
        let one = Imm12::maybe_from_u64(1).expect("1 fits");
        ctx.emit(Inst::AluRRImm12S { op: ALUOp::AddS, size, rd: writable_zero_reg(), rn: sp_slot(rm), imm12: one })?;
        let nzcv = NZCV { n: false, z: false, c: false, v: false };
        let imm = UImm5::maybe_from_u64(1).expect("1 fits");
        ctx.emit(Inst::CCmpImm { size, rn, imm, nzcv, cond: Cond::Eq })?;
        ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(Cond::Vs), trap_code: TrapCode::INTEGER_OVERFLOW })?;
    }
    let op = if matches!(opcode, Opcode::Sdiv | Opcode::Srem) { ALUOp::SDiv } else { ALUOp::UDiv };
    match opcode {
        Opcode::Udiv | Opcode::Sdiv => alu(ctx, op, size, rd, rn, rm),
        _ => {
            // rem = rn - (rn / rm) * rm; srem of MIN by -1 is 0 (sdiv gives MIN).
            let q = ctx.alloc_tmp(RegClass::Int);
            alu(ctx, op, size, q, rn, rm)?;
            ctx.emit(Inst::AluRRRR { op: ALUOp3::MSub, size, rd, rn: q.to_reg(), rm, ra: rn })
        }
    }
}

/// Shifts and rotates by a register amount (AArch64 takes the amount modulo the
/// width, exactly CLIF's semantics for 32/64-bit types).
fn shift(ctx: Ctx<'_, '_>, opcode: Opcode, size: OperandSize, rd: Writable<Reg>, rn: Reg, amt: Reg) -> Result<(), LowerError> {
    let op = match opcode {
        Opcode::Ishl => ALUOp::Lsl,
        Opcode::Ushr => ALUOp::Lsr,
        Opcode::Sshr => ALUOp::Asr,
        Opcode::Rotr => ALUOp::Ror,
        _ => {
            // rotl x, n = rotr x, -n.
            let neg = ctx.alloc_tmp(RegClass::Int);
            alu(ctx, ALUOp::Sub, size, neg, zero_reg(), amt)?;
            return alu(ctx, ALUOp::Ror, size, rd, rn, neg.to_reg());
        }
    };
    alu(ctx, op, size, rd, rn, amt)
}

/// The rules for two register operands; `Ok(false)` when `opcode` is not one.
fn binary(ctx: Ctx<'_, '_>, opcode: Opcode, t: Type, rd: Writable<Reg>, a: Reg, b: Reg) -> Result<bool, LowerError> {
    let size = isize_of(t);
    let simple = match opcode {
        Opcode::Iadd => Some(ALUOp::Add),
        Opcode::Isub => Some(ALUOp::Sub),
        Opcode::Band => Some(ALUOp::And),
        Opcode::Bor => Some(ALUOp::Orr),
        Opcode::Bxor => Some(ALUOp::Eor),
        Opcode::BandNot => Some(ALUOp::AndNot),
        Opcode::BorNot => Some(ALUOp::OrrNot),
        Opcode::BxorNot => Some(ALUOp::EorNot),
        _ => None,
    };
    if let Some(op) = simple {
        alu(ctx, op, size, rd, a, b)?;
        return Ok(true);
    }
    if opcode == Opcode::Imul {
        ctx.emit(Inst::mul(size, rd, a, b))?;
        return Ok(true);
    }
    let known = matches!(
        opcode,
        Opcode::Umulhi
            | Opcode::Smulhi
            | Opcode::Udiv
            | Opcode::Sdiv
            | Opcode::Urem
            | Opcode::Srem
            | Opcode::Ishl
            | Opcode::Ushr
            | Opcode::Sshr
            | Opcode::Rotl
            | Opcode::Rotr
            | Opcode::Smin
            | Opcode::Smax
            | Opcode::Umin
            | Opcode::Umax
    );
    if !known {
        return Ok(false);
    }
    if is_narrow(t) {
        narrow_binary(ctx, opcode, t.bits(), rd, a, b)?;
        return Ok(true);
    }
    match opcode {
        Opcode::Umulhi | Opcode::Smulhi => {
            let signed = opcode == Opcode::Smulhi;
            if size.is64() {
                alu(ctx, if signed { ALUOp::SMulH } else { ALUOp::UMulH }, size, rd, a, b)?;
            } else {
                // The 64-bit product of the two words, then its high word.
                let op = if signed { ALUOp3::SMAddL } else { ALUOp3::UMAddL };
                let p = ctx.alloc_tmp(RegClass::Int);
                ctx.emit(Inst::AluRRRR { op, size: OperandSize::Size64, rd: p, rn: a, rm: b, ra: zero_reg() })?;
                let sh = if signed { ImmShiftOp::Asr } else { ImmShiftOp::Lsr };
                let immshift = ImmShift::maybe_from_u64(32, OperandSize::Size64).expect("32 < 64");
                ctx.emit(Inst::AluRRImmShift { op: sh, size: OperandSize::Size64, rd, rn: p.to_reg(), immshift })?;
            }
        }
        Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem => divide(ctx, opcode, size, rd, a, b)?,
        Opcode::Smin | Opcode::Smax | Opcode::Umin | Opcode::Umax => {
            let cond = match opcode {
                Opcode::Smin => Cond::Lt,
                Opcode::Smax => Cond::Gt,
                Opcode::Umin => Cond::Lo,
                _ => Cond::Hi,
            };
            ctx.emit(Inst::cmp(size, a, b))?;
            ctx.emit(Inst::CSel { op: CSelOp::Csel, size, rd, rn: a, rm: b, cond })?;
        }
        _ => shift(ctx, opcode, size, rd, a, b)?,
    }
    Ok(true)
}

/// `r`'s low `bits` bits extended to 32 (a fresh register).
fn ext32(ctx: Ctx<'_, '_>, r: Reg, bits: u32, signed: bool) -> Result<Reg, LowerError> {
    let rd = ctx.alloc_tmp(RegClass::Int);
    ctx.emit(Inst::Extend { rd, rn: r, signed, from_bits: bits as u8, to_bits: 32 })?;
    Ok(rd.to_reg())
}

/// `rd = rn <op> #imm` in 32 bits (the immediate must encode).
fn imm_op(ctx: Ctx<'_, '_>, op: ImmShiftOp, rd: Writable<Reg>, rn: Reg, amount: u64) -> Result<(), LowerError> {
    let immshift = ImmShift::maybe_from_u64(amount, OperandSize::Size32).expect("shift below 32");
    ctx.emit(Inst::AluRRImmShift { op, size: OperandSize::Size32, rd, rn, immshift })
}

/// `r & mask` in 32 bits, for a bitmask-encodable `mask`.
fn and_mask(ctx: Ctx<'_, '_>, r: Reg, mask: u64) -> Result<Reg, LowerError> {
    let rd = ctx.alloc_tmp(RegClass::Int);
    let imml = ImmLogic::maybe_from_u64(mask, OperandSize::Size32).expect("low-bit masks are bitmask immediates");
    ctx.emit(Inst::AluRRImmLogic { op: ALUOp::And, size: OperandSize::Size32, rd: Writable::from_reg(sp_slot(rd.to_reg())), rn: r, imml })?;
    Ok(rd.to_reg())
}

/// The width-sensitive binary operations on `i8`/`i16` (`bits` wide): operands are
/// extended to 32 bits the way the operation reads them, shift amounts are taken
/// modulo `bits`, and the 32-bit result's low bits are the answer.
fn narrow_binary(ctx: Ctx<'_, '_>, opcode: Opcode, bits: u32, rd: Writable<Reg>, a: Reg, b: Reg) -> Result<(), LowerError> {
    let w = OperandSize::Size32;
    let signed = matches!(opcode, Opcode::Sdiv | Opcode::Srem | Opcode::Smulhi | Opcode::Smin | Opcode::Smax | Opcode::Sshr);
    match opcode {
        Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem => {
            let (ea, eb) = (ext32(ctx, a, bits, signed)?, ext32(ctx, b, bits, signed)?);
            if opcode != Opcode::Sdiv {
                return divide(ctx, opcode, w, rd, ea, eb);
            }
            // 32-bit division of extended values cannot overflow; MIN / -1 shows up as
            // a quotient of 2^(bits-1), which does not fit the narrow type.
            ctx.emit(Inst::TrapIf { kind: CondBrKind::Zero(eb, w), trap_code: TrapCode::INTEGER_DIVISION_BY_ZERO })?;
            let q = ctx.alloc_tmp(RegClass::Int);
            alu(ctx, ALUOp::SDiv, w, q, ea, eb)?;
            cmp_with_const(ctx, w, q.to_reg(), 1 << (bits - 1))?;
            ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(Cond::Eq), trap_code: TrapCode::INTEGER_OVERFLOW })?;
            ctx.emit(Inst::Mov { size: w, rd, rm: q.to_reg() })
        }
        Opcode::Umulhi | Opcode::Smulhi => {
            let (ea, eb) = (ext32(ctx, a, bits, signed)?, ext32(ctx, b, bits, signed)?);
            let p = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::mul(w, p, ea, eb))?;
            imm_op(ctx, if signed { ImmShiftOp::Asr } else { ImmShiftOp::Lsr }, rd, p.to_reg(), u64::from(bits))
        }
        Opcode::Smin | Opcode::Smax | Opcode::Umin | Opcode::Umax => {
            let (ea, eb) = (ext32(ctx, a, bits, signed)?, ext32(ctx, b, bits, signed)?);
            let cond = match opcode {
                Opcode::Smin => Cond::Lt,
                Opcode::Smax => Cond::Gt,
                Opcode::Umin => Cond::Lo,
                _ => Cond::Hi,
            };
            ctx.emit(Inst::cmp(w, ea, eb))?;
            ctx.emit(Inst::CSel { op: CSelOp::Csel, size: w, rd, rn: ea, rm: eb, cond })
        }
        Opcode::Ishl | Opcode::Ushr | Opcode::Sshr => {
            let amt = and_mask(ctx, b, u64::from(bits - 1))?;
            let (op, x) = match opcode {
                Opcode::Ishl => (ALUOp::Lsl, a),
                Opcode::Ushr => (ALUOp::Lsr, ext32(ctx, a, bits, false)?),
                _ => (ALUOp::Asr, ext32(ctx, a, bits, true)?),
            };
            alu(ctx, op, w, rd, x, amt)
        }
        _ => {
            // Rotates within `bits`: (x >> k) | (x << (bits - k)), k = amount mod bits
            // (right) or (bits - amount) mod bits (left).
            let x = ext32(ctx, a, bits, false)?;
            let k = if opcode == Opcode::Rotr {
                and_mask(ctx, b, u64::from(bits - 1))?
            } else {
                let neg = ctx.alloc_tmp(RegClass::Int);
                alu(ctx, ALUOp::Sub, w, neg, zero_reg(), b)?;
                and_mask(ctx, neg.to_reg(), u64::from(bits - 1))?
            };
            let n = const_reg(ctx, u64::from(bits), w)?;
            let back = ctx.alloc_tmp(RegClass::Int);
            alu(ctx, ALUOp::Sub, w, back, n, k)?;
            let (lo, hi) = (ctx.alloc_tmp(RegClass::Int), ctx.alloc_tmp(RegClass::Int));
            alu(ctx, ALUOp::Lsr, w, lo, x, k)?;
            alu(ctx, ALUOp::Lsl, w, hi, x, back.to_reg())?;
            alu(ctx, ALUOp::Orr, w, rd, lo.to_reg(), hi.to_reg())
        }
    }
}

/// Single-operand width-sensitive operations on `i8`/`i16`.
fn narrow_unary(ctx: Ctx<'_, '_>, opcode: Opcode, bits: u32, rd: Writable<Reg>, rn: Reg) -> Result<(), LowerError> {
    let w = OperandSize::Size32;
    let pad = u64::from(32 - bits);
    match opcode {
        Opcode::Iabs => {
            let x = ext32(ctx, rn, bits, true)?;
            cmp_with_const(ctx, w, x, 0)?;
            ctx.emit(Inst::CSel { op: CSelOp::Csneg, size: w, rd, rn: x, rm: x, cond: Cond::Ge })
        }
        Opcode::Clz | Opcode::Cls => {
            let x = ext32(ctx, rn, bits, opcode == Opcode::Cls)?;
            let c = ctx.alloc_tmp(RegClass::Int);
            let op = if opcode == Opcode::Clz { BitOp::Clz } else { BitOp::Cls };
            ctx.emit(Inst::BitRR { op, size: w, rd: c, rn: x })?;
            let imm12 = Imm12::maybe_from_u64(pad).expect("16 or 24");
            ctx.emit(Inst::AluRRImm12 { op: ALUOp::Sub, size: w, rd: Writable::from_reg(sp_slot(rd.to_reg())), rn: sp_slot(c.to_reg()), imm12 })
        }
        Opcode::Ctz => {
            // A guard bit at `bits` makes ctz(0) = bits.
            let guard = ImmLogic::maybe_from_u64(1 << bits, w).expect("single bit");
            let g = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::AluRRImmLogic { op: ALUOp::Orr, size: w, rd: Writable::from_reg(sp_slot(g.to_reg())), rn, imml: guard })?;
            let rev = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::BitRR { op: BitOp::RBit, size: w, rd: rev, rn: g.to_reg() })?;
            ctx.emit(Inst::BitRR { op: BitOp::Clz, size: w, rd, rn: rev.to_reg() })
        }
        Opcode::Bitrev => {
            let r = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::BitRR { op: BitOp::RBit, size: w, rd: r, rn })?;
            imm_op(ctx, ImmShiftOp::Lsr, rd, r.to_reg(), pad)
        }
        Opcode::Bswap if bits == 16 => ctx.emit(Inst::BitRR { op: BitOp::Rev16, size: w, rd, rn }),
        _ => Ok(()),
    }
}

/// The register operation an `*_imm` opcode stands for.
fn imm_to_binary(opcode: Opcode) -> Option<Opcode> {
    Some(match opcode {
        Opcode::IaddImm => Opcode::Iadd,
        Opcode::ImulImm => Opcode::Imul,
        Opcode::UdivImm => Opcode::Udiv,
        Opcode::SdivImm => Opcode::Sdiv,
        Opcode::UremImm => Opcode::Urem,
        Opcode::SremImm => Opcode::Srem,
        Opcode::BandImm => Opcode::Band,
        Opcode::BorImm => Opcode::Bor,
        Opcode::BxorImm => Opcode::Bxor,
        Opcode::IshlImm => Opcode::Ishl,
        Opcode::UshrImm => Opcode::Ushr,
        Opcode::SshrImm => Opcode::Sshr,
        Opcode::RotlImm => Opcode::Rotl,
        Opcode::RotrImm => Opcode::Rotr,
        _ => return None,
    })
}

/// `op rd, rn, #imm` forms: add/sub immediate, logical immediate and immediate shifts
/// when encodable; everything else through a constant register.
fn binary_imm(ctx: Ctx<'_, '_>, inst: IrInst, opcode: Opcode, arg: Value, imm: i64) -> Result<bool, LowerError> {
    let t = result_ty(ctx, inst)?;
    let size = isize_of(t);
    let rd = ctx.output_reg(inst, 0)?;
    let rn = ctx.put_in_reg(arg)?;
    let mask = if size.is64() { u64::MAX } else { 0xffff_ffff };
    if opcode == Opcode::IrsubImm {
        let c = const_reg(ctx, imm as u64, size)?;
        alu(ctx, ALUOp::Sub, size, rd, c, rn)?;
        return Ok(true);
    }
    let Some(op) = imm_to_binary(opcode) else { return Ok(false) };
    match op {
        Opcode::Iadd => {
            let (alu_op, mag) = if imm < 0 { (ALUOp::Sub, imm.unsigned_abs()) } else { (ALUOp::Add, imm as u64) };
            if let Some(imm12) = Imm12::maybe_from_u64(mag & mask) {
                let (rd, rn) = (Writable::from_reg(sp_slot(rd.to_reg())), sp_slot(rn));
                ctx.emit(Inst::AluRRImm12 { op: alu_op, size, rd, rn, imm12 })?;
                return Ok(true);
            }
        }
        Opcode::Band | Opcode::Bor | Opcode::Bxor => {
            if let Some(imml) = ImmLogic::maybe_from_u64(imm as u64 & mask, size) {
                let op = match op {
                    Opcode::Band => ALUOp::And,
                    Opcode::Bor => ALUOp::Orr,
                    _ => ALUOp::Eor,
                };
                ctx.emit(Inst::AluRRImmLogic { op, size, rd: Writable::from_reg(sp_slot(rd.to_reg())), rn, imml })?;
                return Ok(true);
            }
        }
        Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr if !is_narrow(t) => {
            let bits = u64::from(size.bits());
            let amt = imm as u64 & (bits - 1);
            let (sop, amt) = match op {
                Opcode::Ishl => (ImmShiftOp::Lsl, amt),
                Opcode::Ushr => (ImmShiftOp::Lsr, amt),
                Opcode::Sshr => (ImmShiftOp::Asr, amt),
                Opcode::Rotr => (ImmShiftOp::Ror, amt),
                _ => (ImmShiftOp::Ror, (bits - amt) & (bits - 1)),
            };
            let immshift = ImmShift::maybe_from_u64(amt, size).expect("masked below the width");
            ctx.emit(Inst::AluRRImmShift { op: sop, size, rd, rn, immshift })?;
            return Ok(true);
        }
        _ => {}
    }
    let c = const_reg(ctx, imm as u64, size)?;
    if binary(ctx, op, t, rd, rn, c)? {
        Ok(true)
    } else {
        Err(unsupported(ctx, inst))
    }
}

/// Single-operand integer rules.
fn unary(ctx: Ctx<'_, '_>, inst: IrInst, opcode: Opcode, arg: Value) -> Result<bool, LowerError> {
    let known = matches!(
        opcode,
        Opcode::Ineg
            | Opcode::Bnot
            | Opcode::Iabs
            | Opcode::Clz
            | Opcode::Cls
            | Opcode::Ctz
            | Opcode::Bitrev
            | Opcode::Bswap
            | Opcode::Popcnt
            | Opcode::Bmask
            | Opcode::Ireduce
            | Opcode::Uextend
            | Opcode::Sextend
    );
    if !known {
        return Ok(false);
    }
    let t = result_ty(ctx, inst)?;
    if !t.is_int() || t == Type::I128 {
        return Err(unsupported(ctx, inst));
    }
    let size = isize_of(t);
    let rd = ctx.output_reg(inst, 0)?;
    let rn = ctx.put_in_reg(arg)?;
    let in_ty = ty(ctx, arg)?;
    match opcode {
        Opcode::Ineg => alu(ctx, ALUOp::Sub, size, rd, zero_reg(), rn)?,
        Opcode::Bnot => alu(ctx, ALUOp::OrrNot, size, rd, zero_reg(), rn)?,
        Opcode::Bmask => {
            test_nonzero(ctx, arg)?;
            ctx.emit(Inst::CSetm { size, rd, cond: Cond::Ne })?;
        }
        Opcode::Ireduce => ctx.emit(Inst::Mov { size: OperandSize::Size32, rd, rm: rn })?,
        Opcode::Uextend | Opcode::Sextend => {
            let signed = opcode == Opcode::Sextend;
            if in_ty == t {
                return Err(unsupported(ctx, inst));
            }
            let from_bits = in_ty.bits() as u8;
            let to_bits = if t == Type::I64 { 64 } else { 32 };
            if from_bits >= to_bits {
                return Err(unsupported(ctx, inst));
            }
            ctx.emit(Inst::Extend { rd, rn, signed, from_bits, to_bits })?;
        }
        Opcode::Popcnt => {
            // Count bits per byte in the vector unit and add the bytes up.
            let x = if is_narrow(t) { ext32(ctx, rn, t.bits(), false)? } else { rn };
            let (v, c, sum) = (ctx.alloc_tmp(RegClass::Float), ctx.alloc_tmp(RegClass::Float), ctx.alloc_tmp(RegClass::Float));
            // A 32-bit `fmov` zeroes the rest of the vector register, so bits above an
            // `i32` (unspecified for arguments) are not counted.
            let width = if t == Type::I64 { crate::inst::ScalarSize::Size64 } else { crate::inst::ScalarSize::Size32 };
            ctx.emit(Inst::MovToFpu { size: width, rd: v, rn: x })?;
            ctx.emit(Inst::VecCnt8B { rd: c, rn: v.to_reg() })?;
            ctx.emit(Inst::VecAddv8B { rd: sum, rn: c.to_reg() })?;
            ctx.emit(Inst::MovFromFpu { size: crate::inst::ScalarSize::Size32, rd, rn: sum.to_reg() })?;
        }
        Opcode::Iabs | Opcode::Clz | Opcode::Cls | Opcode::Ctz | Opcode::Bitrev | Opcode::Bswap if is_narrow(t) => {
            if opcode == Opcode::Bswap && t == Type::I8 {
                return Err(unsupported(ctx, inst));
            }
            narrow_unary(ctx, opcode, t.bits(), rd, rn)?;
        }
        Opcode::Iabs => {
            cmp_with_const(ctx, size, rn, 0)?;
            ctx.emit(Inst::CSel { op: CSelOp::Csneg, size, rd, rn, rm: rn, cond: Cond::Ge })?;
        }
        Opcode::Ctz => {
            let rev = ctx.alloc_tmp(RegClass::Int);
            ctx.emit(Inst::BitRR { op: BitOp::RBit, size, rd: rev, rn })?;
            ctx.emit(Inst::BitRR { op: BitOp::Clz, size, rd, rn: rev.to_reg() })?;
        }
        _ => {
            let op = match opcode {
                Opcode::Clz => BitOp::Clz,
                Opcode::Cls => BitOp::Cls,
                Opcode::Bitrev => BitOp::RBit,
                _ => BitOp::Rev,
            };
            ctx.emit(Inst::BitRR { op, size, rd, rn })?;
        }
    }
    Ok(true)
}

/// Integer rules; `Ok(false)` when `data` is not one of them.
pub(super) fn lower(ctx: Ctx<'_, '_>, inst: IrInst, data: &InstructionData) -> Result<bool, LowerError> {
    match *data {
        InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => {
            let t = result_ty(ctx, inst)?;
            if t == Type::I128 {
                return Err(unsupported(ctx, inst));
            }
            let rd = ctx.output_reg(inst, 0)?;
            constant(ctx, rd, imm.0 as u64, isize_of(t))?;
            Ok(true)
        }
        InstructionData::Binary { opcode, args: [a, b] } => {
            let t = result_ty(ctx, inst)?;
            if !t.is_int() || t == Type::I128 {
                return Ok(false);
            }
            let rd = ctx.output_reg(inst, 0)?;
            let (ra, rb) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
            binary(ctx, opcode, t, rd, ra, rb)
        }
        InstructionData::BinaryImm64 { opcode, arg, imm } => binary_imm(ctx, inst, opcode, arg, imm.0),
        InstructionData::IntAddTrap { opcode: Opcode::UaddOverflowTrap, args: [a, b], code } => {
            let t = result_ty(ctx, inst)?;
            if is_narrow(t) || t == Type::I128 {
                return Err(unsupported(ctx, inst));
            }
            let rd = ctx.output_reg(inst, 0)?;
            let (ra, rb) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
            alu(ctx, ALUOp::AddS, isize_of(t), rd, ra, rb)?;
            ctx.emit(Inst::TrapIf { kind: CondBrKind::Cond(Cond::Hs), trap_code: code })?;
            Ok(true)
        }
        InstructionData::Unary { opcode, arg } => unary(ctx, inst, opcode, arg),
        InstructionData::IntCompare { opcode: Opcode::Icmp, cond, args: [a, b] } => {
            compare(ctx, cond, a, b)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::CSet { size: OperandSize::Size32, rd, cond: int_cond(cond) })?;
            Ok(true)
        }
        InstructionData::IntCompareImm { opcode: Opcode::IcmpImm, cond, arg, imm } => {
            let t = ty(ctx, arg)?;
            let size = isize_of(t);
            let r = widened(ctx, arg, is_signed(cond))?;
            // The constant as the widened operand reads it.
            let value = match t.bits() {
                64 => imm.0 as u64,
                32 => imm.0 as u64 & 0xffff_ffff,
                b if is_signed(cond) => ((imm.0 << (64 - b)) >> (64 - b)) as u64 & 0xffff_ffff,
                b => imm.0 as u64 & ((1 << b) - 1),
            };
            cmp_with_const(ctx, size, r, value)?;
            let rd = ctx.output_reg(inst, 0)?;
            ctx.emit(Inst::CSet { size: OperandSize::Size32, rd, cond: int_cond(cond) })?;
            Ok(true)
        }
        InstructionData::Ternary { opcode: Opcode::Select | Opcode::SelectSpectreGuard, args: [c, a, b] } => {
            let t = result_ty(ctx, inst)?;
            if t == Type::I128 {
                return Err(unsupported(ctx, inst));
            }
            test_nonzero(ctx, c)?;
            let rd = ctx.output_reg(inst, 0)?;
            let (ra, rb) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
            if t.is_float() {
                ctx.emit(Inst::FpuCSel { size: fsize_of(t), rd, rn: ra, rm: rb, cond: Cond::Ne })?;
            } else {
                ctx.emit(Inst::CSel { op: CSelOp::Csel, size: isize_of(t), rd, rn: ra, rm: rb, cond: Cond::Ne })?;
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}
