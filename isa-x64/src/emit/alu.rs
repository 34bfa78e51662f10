//! Integer ALU: two-operand arithmetic and logic, compares, unary ops, bit counts,
//! shifts, multiplies, divides, `bswap`, `setcc`, `cmov`.
//!
//! Register-register forms use the `op r/m, r` ("MR") opcodes, which is what llvm-mc
//! picks, so our bytes match the reference assembler byte for byte. Immediates use
//! the shortest form: `imm8` sign-extended when it fits, else the `al`/`ax`/`eax`/`rax`
//! short opcode, else `imm16/32`.

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::Reg;

use super::enc::{emit_opcode_reg, emit_rmo, emit_rr, Rex};
use crate::imms::Simm32;
use crate::inst::{
    AluOp, BitOp, CmpOp, OperandSize, RegMem, RegMemImm, ShiftBy, ShiftKind, UnaryOp, CC,
};
use crate::label_use::LabelUse;
use crate::regs::hw_enc;

/// Operand-size prefix and REX.W for a width.
pub(crate) fn size_prefix(size: OperandSize) -> (&'static [u8], Rex) {
    match size {
        OperandSize::S8 | OperandSize::S32 => (&[], Rex::plain()),
        OperandSize::S16 => (&[0x66], Rex::plain()),
        OperandSize::S64 => (&[], Rex::w()),
    }
}

/// REX for byte registers: `spl bpl sil dil` need one to be addressable.
fn byte_rex(size: OperandSize, rex: Rex, regs: &[u8]) -> Rex {
    if size == OperandSize::S8 {
        regs.iter().fold(rex, |r, &e| r.byte_reg(e))
    } else {
        rex
    }
}

pub(crate) fn put_imm(sink: &mut impl CodeSink<LabelUse>, size: OperandSize, imm: Simm32) {
    match size {
        OperandSize::S8 => sink.put1(imm.value() as u8),
        OperandSize::S16 => sink.put2(imm.value() as u16),
        OperandSize::S32 | OperandSize::S64 => sink.put4(imm.value() as u32),
    }
}

/// The immediate as the operation sees it: 8- and 16-bit operations only use the low
/// bits, so the short `imm8` form is chosen on the truncated value.
pub(crate) fn sized_imm(imm: Simm32, size: OperandSize) -> Simm32 {
    match size {
        OperandSize::S8 => Simm32::from_i32(i32::from(imm.value() as i8)),
        OperandSize::S16 => Simm32::from_i32(i32::from(imm.value() as i16)),
        OperandSize::S32 | OperandSize::S64 => imm,
    }
}

pub(crate) fn imm_len(size: OperandSize) -> u8 {
    size.bytes().min(4)
}

/// `op r/m, src2` for the eight classic ALU operations (`ext` 0..=7, 7 = `cmp`), with
/// `e` the register being combined in place (or compared).
fn emit_alu_like(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    ext: u8,
    e: u8,
    src2: &RegMemImm,
) {
    let (pfx, rex) = size_prefix(size);
    let byte = size == OperandSize::S8;
    match src2 {
        RegMemImm::Reg(r) => {
            let g = hw_enc(*r);
            let opc = ext * 8 + if byte { 0 } else { 1 };
            emit_rr(sink, pfx, byte_rex(size, rex, &[g, e]), &[opc], g, e);
        }
        RegMemImm::Mem(a) => {
            let opc = ext * 8 + if byte { 2 } else { 3 };
            emit_rmo(
                sink,
                pfx,
                byte_rex(size, rex, &[e]),
                &[opc],
                e,
                &RegMem::Mem(*a),
                0,
            );
        }
        RegMemImm::Imm(imm) => {
            let imm = &sized_imm(*imm, size);
            if byte {
                if e == 0 {
                    sink.put1(ext * 8 + 4);
                } else {
                    emit_rr(sink, pfx, byte_rex(size, rex, &[e]), &[0x80], ext, e);
                }
                put_imm(sink, size, *imm);
            } else if imm.fits_i8() {
                emit_rr(sink, pfx, rex, &[0x83], ext, e);
                sink.put1(imm.value() as u8);
            } else {
                if e == 0 {
                    emit_opcode_reg(sink, pfx, rex, &[ext * 8 + 5], 0);
                } else {
                    emit_rr(sink, pfx, rex, &[0x81], ext, e);
                }
                put_imm(sink, size, *imm);
            }
        }
    }
}

pub(crate) fn emit_alu(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    op: AluOp,
    src1: Reg,
    src2: &RegMemImm,
    dst: Reg,
) {
    debug_assert_eq!(src1, dst, "two-address ALU: dst must reuse src1");
    emit_alu_like(sink, size, op as u8, hw_enc(dst), src2);
}

pub(crate) fn emit_cmp(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    op: CmpOp,
    src1: Reg,
    src2: &RegMemImm,
) {
    let e = hw_enc(src1);
    match op {
        CmpOp::Cmp => emit_alu_like(sink, size, 7, e, src2),
        CmpOp::Test => {
            let (pfx, rex) = size_prefix(size);
            let byte = size == OperandSize::S8;
            match src2 {
                RegMemImm::Reg(r) => {
                    let g = hw_enc(*r);
                    emit_rr(
                        sink,
                        pfx,
                        byte_rex(size, rex, &[g, e]),
                        &[if byte { 0x84 } else { 0x85 }],
                        g,
                        e,
                    );
                }
                RegMemImm::Mem(a) => {
                    let rex = byte_rex(size, rex, &[e]);
                    emit_rmo(
                        sink,
                        pfx,
                        rex,
                        &[if byte { 0x84 } else { 0x85 }],
                        e,
                        &RegMem::Mem(*a),
                        0,
                    );
                }
                RegMemImm::Imm(imm) => {
                    if e == 0 {
                        emit_opcode_reg(sink, pfx, rex, &[if byte { 0xa8 } else { 0xa9 }], 0);
                    } else {
                        emit_rr(
                            sink,
                            pfx,
                            byte_rex(size, rex, &[e]),
                            &[if byte { 0xf6 } else { 0xf7 }],
                            0,
                            e,
                        );
                    }
                    put_imm(sink, size, *imm);
                }
            }
        }
    }
}

/// `f6`/`f7 /ext r/m`: `not`, `neg`, `mul`, `imul`, `div`, `idiv`.
fn emit_group3(sink: &mut impl CodeSink<LabelUse>, size: OperandSize, ext: u8, rm: &RegMem) {
    let (pfx, rex) = size_prefix(size);
    let (rex, opc) = match (size, rm) {
        (OperandSize::S8, RegMem::Reg(r)) => (rex.byte_reg(hw_enc(*r)), 0xf6),
        (OperandSize::S8, RegMem::Mem(_)) => (rex, 0xf6),
        _ => (rex, 0xf7),
    };
    emit_rmo(sink, pfx, rex, &[opc], ext, rm, 0);
}

pub(crate) fn emit_unary(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    op: UnaryOp,
    src: Reg,
    dst: Reg,
) {
    debug_assert_eq!(src, dst, "not/neg: dst must reuse src");
    emit_group3(sink, size, op as u8, &RegMem::Reg(dst));
}

pub(crate) fn emit_mul_wide(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    signed: bool,
    src2: &RegMem,
) {
    emit_group3(sink, size, if signed { 5 } else { 4 }, src2);
}

pub(crate) fn emit_div(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    signed: bool,
    divisor: &RegMem,
    trap: TrapCode,
) {
    sink.add_trap(trap);
    emit_group3(sink, size, if signed { 7 } else { 6 }, divisor);
}

/// `cbw`/`cwd`/`cdq`/`cqo`.
pub(crate) fn emit_sign_extend_data(sink: &mut impl CodeSink<LabelUse>, size: OperandSize) {
    match size {
        OperandSize::S8 => sink.put_data(&[0x66, 0x98]),
        OperandSize::S16 => sink.put_data(&[0x66, 0x99]),
        OperandSize::S32 => sink.put1(0x99),
        OperandSize::S64 => sink.put_data(&[0x48, 0x99]),
    }
}

pub(crate) fn emit_bit_count(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    op: BitOp,
    src: &RegMem,
    dst: Reg,
) {
    debug_assert_ne!(size, OperandSize::S8, "bit counts have no 8-bit form");
    let (opc, rep) = match op {
        BitOp::Bsf => (0xbc, false),
        BitOp::Bsr => (0xbd, false),
        BitOp::Lzcnt => (0xbd, true),
        BitOp::Tzcnt => (0xbc, true),
        BitOp::Popcnt => (0xb8, true),
    };
    let (_, rex) = size_prefix(size);
    // The operand-size prefix comes before the mandatory `f3` (llvm-mc's order).
    let prefixes: &[u8] = match (size == OperandSize::S16, rep) {
        (true, true) => &[0x66, 0xf3],
        (true, false) => &[0x66],
        (false, true) => &[0xf3],
        (false, false) => &[],
    };
    emit_rmo(sink, prefixes, rex, &[0x0f, opc], hw_enc(dst), src, 0);
}

pub(crate) fn emit_shift(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    kind: ShiftKind,
    src: Reg,
    by: ShiftBy,
    dst: Reg,
) {
    debug_assert_eq!(src, dst, "shift: dst must reuse src");
    let e = hw_enc(dst);
    let (pfx, rex) = size_prefix(size);
    let rex = byte_rex(size, rex, &[e]);
    let byte = size == OperandSize::S8;
    match by {
        ShiftBy::Cl(r) => {
            debug_assert_eq!(hw_enc(r), 1, "shift count must be in cl");
            emit_rr(
                sink,
                pfx,
                rex,
                &[if byte { 0xd2 } else { 0xd3 }],
                kind as u8,
                e,
            );
        }
        ShiftBy::Imm(n) if n.value() == 1 => emit_rr(
            sink,
            pfx,
            rex,
            &[if byte { 0xd0 } else { 0xd1 }],
            kind as u8,
            e,
        ),
        ShiftBy::Imm(n) => {
            emit_rr(
                sink,
                pfx,
                rex,
                &[if byte { 0xc0 } else { 0xc1 }],
                kind as u8,
                e,
            );
            sink.put1(n.value());
        }
    }
}

pub(crate) fn emit_imul(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src1: Reg,
    src2: &RegMem,
    dst: Reg,
) {
    debug_assert_eq!(src1, dst, "imul: dst must reuse src1");
    let (pfx, rex) = size_prefix(size);
    emit_rmo(sink, pfx, rex, &[0x0f, 0xaf], hw_enc(dst), src2, 0);
}

pub(crate) fn emit_imul_imm(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src: &RegMem,
    imm: Simm32,
    dst: Reg,
) {
    let (pfx, rex) = size_prefix(size);
    let imm = sized_imm(imm, size);
    if imm.fits_i8() {
        emit_rmo(sink, pfx, rex, &[0x6b], hw_enc(dst), src, 1);
        sink.put1(imm.value() as u8);
    } else {
        emit_rmo(sink, pfx, rex, &[0x69], hw_enc(dst), src, imm_len(size));
        put_imm(sink, size, imm);
    }
}

pub(crate) fn emit_bswap(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src: Reg,
    dst: Reg,
) {
    debug_assert_eq!(src, dst, "bswap: dst must reuse src");
    let (_, rex) = size_prefix(size);
    emit_opcode_reg(sink, &[], rex, &[0x0f, 0xc8], hw_enc(dst));
}

pub(crate) fn emit_setcc(sink: &mut impl CodeSink<LabelUse>, cc: CC, dst: Reg) {
    let e = hw_enc(dst);
    emit_rr(
        sink,
        &[],
        Rex::plain().byte_reg(e),
        &[0x0f, 0x90 | cc as u8],
        0,
        e,
    );
}

pub(crate) fn emit_cmove(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    cc: CC,
    consequent: &RegMem,
    alternative: Reg,
    dst: Reg,
) {
    debug_assert_eq!(alternative, dst, "cmov: dst must reuse the alternative");
    let (pfx, rex) = size_prefix(size);
    emit_rmo(
        sink,
        pfx,
        rex,
        &[0x0f, 0x40 | cc as u8],
        hw_enc(dst),
        consequent,
        0,
    );
}
