//! Atomic memory operations without LSE: `ldar`/`stlr` for atomic loads and stores,
//! and load-acquire-exclusive / store-release-exclusive loops for read-modify-write
//! and compare-and-swap (see `Inst::AtomicRMWLoop` and `Inst::AtomicCASLoop`).
//!
//! Encodings (checked against `llvm-mc-14 -triple=aarch64 -show-encoding`, rows in
//! `tests/encoding.rs`): `size` (bits 31:30) is log2 of the access bytes.

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::machinst::{Reg, Writable};

use super::alu::{enc_alu_rrr, enc_csel, enc_extend};
use super::branch::{enc_bcond, enc_cbz};
use crate::inst::{ALUOp, AtomicOp, CSelOp, Cond, OperandSize};
use crate::label_use::LabelUse;
use crate::regs::{hw_enc_sp, hw_enc_zr, zero_reg, RegOrSp};

fn size_field(bits: u8) -> u32 {
    match bits {
        8 => 0,
        16 => 1,
        32 => 2,
        _ => 3,
    }
}

fn base(rn: Reg) -> u32 {
    hw_enc_sp(RegOrSp::reg(rn).expect("atomic address registers are allocatable, never xzr"))
}

/// `ldar{b,h} rt, [rn]`.
pub fn enc_ldar(bits: u8, rt: Reg, rn: Reg) -> u32 {
    0x08df_fc00 | size_field(bits) << 30 | base(rn) << 5 | hw_enc_zr(rt)
}

/// `stlr{b,h} rt, [rn]`.
pub fn enc_stlr(bits: u8, rt: Reg, rn: Reg) -> u32 {
    0x089f_fc00 | size_field(bits) << 30 | base(rn) << 5 | hw_enc_zr(rt)
}

/// `ldaxr{b,h} rt, [rn]`.
pub fn enc_ldaxr(bits: u8, rt: Reg, rn: Reg) -> u32 {
    0x085f_fc00 | size_field(bits) << 30 | base(rn) << 5 | hw_enc_zr(rt)
}

/// `stlxr{b,h} ws, rt, [rn]`.
pub fn enc_stlxr(bits: u8, rs: Reg, rt: Reg, rn: Reg) -> u32 {
    0x0800_fc00 | size_field(bits) << 30 | hw_enc_zr(rs) << 16 | base(rn) << 5 | hw_enc_zr(rt)
}

fn size_of_bits(bits: u8) -> OperandSize {
    if bits == 64 {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    }
}

/// The words of an `AtomicRMWLoop` (the loop branches back to word 0).
#[allow(clippy::too_many_arguments)]
pub fn rmw_loop_words(
    op: AtomicOp,
    bits: u8,
    addr: Reg,
    operand: Reg,
    old: Writable<Reg>,
    new: Writable<Reg>,
    status: Writable<Reg>,
) -> Vec<u32> {
    let size = size_of_bits(bits);
    let mut w = vec![enc_ldaxr(bits, old.to_reg(), addr)];
    let o = old.to_reg();
    let alu = |aop| enc_alu_rrr(aop, size, new, o, operand);
    let minmax = |w: &mut Vec<u32>, cond: Cond, signed: bool| {
        let mut lhs = o;
        if signed && bits < 32 {
            w.push(enc_extend(new, o, true, bits, 32));
            lhs = new.to_reg();
        }
        w.push(enc_alu_rrr(
            ALUOp::SubS,
            size,
            Writable::from_reg(zero_reg()),
            lhs,
            operand,
        ));
        w.push(enc_csel(CSelOp::Csel, size, new, lhs, operand, cond));
    };
    let stored = match op {
        AtomicOp::Xchg => operand,
        AtomicOp::Add
        | AtomicOp::Sub
        | AtomicOp::And
        | AtomicOp::Or
        | AtomicOp::Xor
        | AtomicOp::Nand => {
            let aop = match op {
                AtomicOp::Add => ALUOp::Add,
                AtomicOp::Sub => ALUOp::Sub,
                AtomicOp::Or => ALUOp::Orr,
                AtomicOp::Xor => ALUOp::Eor,
                _ => ALUOp::And,
            };
            w.push(alu(aop));
            if op == AtomicOp::Nand {
                w.push(enc_alu_rrr(
                    ALUOp::OrrNot,
                    size,
                    new,
                    zero_reg(),
                    new.to_reg(),
                ));
            }
            new.to_reg()
        }
        AtomicOp::Smin | AtomicOp::Smax | AtomicOp::Umin | AtomicOp::Umax => {
            let (cond, signed) = match op {
                AtomicOp::Smin => (Cond::Lt, true),
                AtomicOp::Smax => (Cond::Gt, true),
                AtomicOp::Umin => (Cond::Lo, false),
                _ => (Cond::Hi, false),
            };
            minmax(&mut w, cond, signed);
            new.to_reg()
        }
    };
    w.push(enc_stlxr(bits, status.to_reg(), stored, addr));
    let back = -(w.len() as i32);
    w.push(enc_cbz(false, true, back, hw_enc_zr(status.to_reg())));
    w
}

/// The words of an `AtomicCASLoop`: exits to the word after the loop when the
/// loaded value differs from `expected`.
pub fn cas_loop_words(
    bits: u8,
    addr: Reg,
    expected: Reg,
    replacement: Reg,
    old: Writable<Reg>,
    status: Writable<Reg>,
) -> Vec<u32> {
    let size = size_of_bits(bits);
    vec![
        enc_ldaxr(bits, old.to_reg(), addr),
        enc_alu_rrr(
            ALUOp::SubS,
            size,
            Writable::from_reg(zero_reg()),
            old.to_reg(),
            expected,
        ),
        enc_bcond(3, Cond::Ne.bits()),
        enc_stlxr(bits, status.to_reg(), replacement, addr),
        enc_cbz(false, true, -4, hw_enc_zr(status.to_reg())),
    ]
}

pub fn put_words(sink: &mut impl CodeSink<LabelUse>, words: &[u32]) {
    for &w in words {
        sink.put4(w);
    }
}
