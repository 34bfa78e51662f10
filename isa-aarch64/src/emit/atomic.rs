//! Acquire/release accesses, the fence, and the load-exclusive/store-exclusive
//! loops of atomic read-modify-write and compare-and-swap.
//!
//! The loops are emitted as words with their internal branch offsets computed
//! here (they never leave the sequence, so they need no label uses).

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::machinst::{Reg, Writable};

use super::alu::{enc_alu_rrr, enc_csel, enc_extend};
use super::branch::{enc_bcond, enc_cbz};
use crate::inst::{ALUOp, AtomicBits, AtomicOp, CSelOp, Cond};
use crate::label_use::LabelUse;
use crate::regs::{hw_enc_sp, hw_enc_zr, zero_reg, RegOrSp};

/// `ldaxr{b,h}`.
pub fn enc_ldaxr(bits: AtomicBits, rt: Reg, rn: RegOrSp) -> u32 {
    (bits.size_field() << 30) | 0x085f_fc00 | (hw_enc_sp(rn) << 5) | hw_enc_zr(rt)
}

/// `stlxr{b,h} ws, rt, [rn]`.
pub fn enc_stlxr(bits: AtomicBits, rs: Reg, rt: Reg, rn: RegOrSp) -> u32 {
    (bits.size_field() << 30) | 0x0800_fc00 | (hw_enc_zr(rs) << 16) | (hw_enc_sp(rn) << 5) | hw_enc_zr(rt)
}

/// `ldar{b,h}`.
pub fn enc_ldar(bits: AtomicBits, rt: Reg, rn: RegOrSp) -> u32 {
    (bits.size_field() << 30) | 0x08df_fc00 | (hw_enc_sp(rn) << 5) | hw_enc_zr(rt)
}

/// `stlr{b,h}`.
pub fn enc_stlr(bits: AtomicBits, rt: Reg, rn: RegOrSp) -> u32 {
    (bits.size_field() << 30) | 0x089f_fc00 | (hw_enc_sp(rn) << 5) | hw_enc_zr(rt)
}

/// `dmb ish`.
pub const DMB_ISH: u32 = 0xd503_3bbf;

fn put_all(sink: &mut impl CodeSink<LabelUse>, words: &[u32]) {
    for w in words {
        sink.put4(*w);
    }
}

/// `cbnz w(status), <back to word 0>` appended to `words`.
fn loop_back(words: &mut Vec<u32>, status: Reg) {
    let back = -(words.len() as i32);
    words.push(enc_cbz(false, true, back, hw_enc_zr(status)));
}

/// Extend the low `bits` of `rn` into `rd` (32-bit), signed or not.
fn ext(bits: AtomicBits, signed: bool, rd: Writable<Reg>, rn: Reg) -> u32 {
    enc_extend(rd, rn, signed, bits.bits() as u8, 32)
}

/// The read-modify-write loop (see `Inst::AtomicRmwLoop`).
#[allow(clippy::too_many_arguments)]
pub fn emit_rmw_loop(
    sink: &mut impl CodeSink<LabelUse>,
    op: AtomicOp,
    bits: AtomicBits,
    addr: RegOrSp,
    operand: Reg,
    oldval: Writable<Reg>,
    s1: Writable<Reg>,
    s2: Writable<Reg>,
) {
    let size = bits.operand_size();
    let narrow = bits.bits() < 32;
    let old = oldval.to_reg();
    let mut words = vec![enc_ldaxr(bits, old, addr)];
    let mut store = s1.to_reg();
    let simple = match op {
        AtomicOp::Add => Some(ALUOp::Add),
        AtomicOp::Sub => Some(ALUOp::Sub),
        AtomicOp::And | AtomicOp::Nand => Some(ALUOp::And),
        AtomicOp::Orr => Some(ALUOp::Orr),
        AtomicOp::Eor => Some(ALUOp::Eor),
        _ => None,
    };
    match (op, simple) {
        (_, Some(alu)) => {
            words.push(enc_alu_rrr(alu, size, s1, old, operand));
            if op == AtomicOp::Nand {
                words.push(enc_alu_rrr(ALUOp::OrrNot, size, s1, zero_reg(), s1.to_reg()));
            }
        }
        (AtomicOp::Xchg, _) => store = operand,
        _ => {
            let signed = matches!(op, AtomicOp::SMin | AtomicOp::SMax);
            let cond = match op {
                AtomicOp::UMin => Cond::Lo,
                AtomicOp::UMax => Cond::Hi,
                AtomicOp::SMin => Cond::Lt,
                _ => Cond::Gt,
            };
            // Compare the values as the narrow type reads them: the loaded value is
            // zero-extended by `ldaxr{b,h}`, the operand's upper bits are unspecified.
            let (a, b) = if narrow {
                let a = if signed {
                    words.push(ext(bits, true, s1, old));
                    s1.to_reg()
                } else {
                    old
                };
                words.push(ext(bits, signed, s2, operand));
                (a, s2.to_reg())
            } else {
                (old, operand)
            };
            words.push(enc_alu_rrr(ALUOp::SubS, size, Writable::from_reg(zero_reg()), a, b));
            words.push(enc_csel(CSelOp::Csel, size, s1, old, operand, cond));
        }
    }
    words.push(enc_stlxr(bits, s2.to_reg(), store, addr));
    loop_back(&mut words, s2.to_reg());
    put_all(sink, &words);
}

/// The compare-and-swap loop (see `Inst::AtomicCasLoop`).
pub fn emit_cas_loop(
    sink: &mut impl CodeSink<LabelUse>,
    bits: AtomicBits,
    addr: RegOrSp,
    expected: Reg,
    replacement: Reg,
    oldval: Writable<Reg>,
    scratch: Writable<Reg>,
) {
    let size = bits.operand_size();
    let old = oldval.to_reg();
    let mut words = vec![enc_ldaxr(bits, old, addr)];
    let cmp_with = if bits.bits() < 32 {
        words.push(ext(bits, false, scratch, expected));
        scratch.to_reg()
    } else {
        expected
    };
    words.push(enc_alu_rrr(ALUOp::SubS, size, Writable::from_reg(zero_reg()), old, cmp_with));
    // b.ne past the store and the loop branch (3 words ahead).
    words.push(enc_bcond(3, Cond::Ne.bits()));
    words.push(enc_stlxr(bits, scratch.to_reg(), replacement, addr));
    loop_back(&mut words, scratch.to_reg());
    put_all(sink, &words);
}

/// Size in bytes of an rmw loop (for `max_size`).
pub fn rmw_loop_size(op: AtomicOp, bits: AtomicBits) -> u64 {
    let body = match op {
        AtomicOp::Xchg => 0,
        AtomicOp::Nand => 2,
        AtomicOp::Add | AtomicOp::Sub | AtomicOp::And | AtomicOp::Orr | AtomicOp::Eor => 1,
        AtomicOp::UMin | AtomicOp::UMax if bits.bits() < 32 => 3,
        AtomicOp::SMin | AtomicOp::SMax if bits.bits() < 32 => 4,
        _ => 2,
    };
    4 * (3 + body)
}

