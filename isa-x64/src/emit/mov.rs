//! Moves, constants, extending moves and loads, stores, `lea`.

use atoll_codegen::buffer::{CodeSink, Reloc, RelocTarget};
use atoll_codegen::machinst::Reg;

use super::alu::{imm_len, put_imm, size_prefix};
use super::enc::{emit_opcode_reg, emit_rip_reloc, emit_rm, emit_rmo, emit_rr, Rex};
use crate::imms::Simm32;
use crate::inst::{Amode, ExtMode, OperandSize, RegMem};
use crate::label_use::LabelUse;
use crate::regs::hw_enc;

pub(crate) fn emit_mov_rr(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src: Reg,
    dst: Reg,
) {
    let (pfx, rex) = size_prefix(size);
    let (g, e) = (hw_enc(src), hw_enc(dst));
    if size == OperandSize::S8 {
        emit_rr(sink, pfx, rex.byte_reg(g).byte_reg(e), &[0x88], g, e);
    } else {
        emit_rr(sink, pfx, rex, &[0x89], g, e);
    }
}

/// The shortest of `mov r32, imm32`, `mov r64, simm32`, `movabs r64, imm64` that the
/// instruction's size allows (see `Inst::MovImm`).
pub(crate) fn emit_mov_imm(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    imm: u64,
    dst: Reg,
) {
    let d = hw_enc(dst);
    match size {
        OperandSize::S64 => match i32::try_from(imm as i64) {
            Ok(v) => {
                emit_rr(sink, &[], Rex::w(), &[0xc7], 0, d);
                sink.put4(v as u32);
            }
            Err(_) => {
                emit_opcode_reg(sink, &[], Rex::w(), &[0xb8], d);
                sink.put8(imm);
            }
        },
        _ => {
            debug_assert!(imm >> 32 == 0, "32-bit constant with high bits set");
            emit_opcode_reg(sink, &[], Rex::plain(), &[0xb8], d);
            sink.put4(imm as u32);
        }
    }
}

pub(crate) fn emit_movzx(sink: &mut impl CodeSink<LabelUse>, ext: ExtMode, src: &RegMem, dst: Reg) {
    let d = hw_enc(dst);
    let w = ext.dst_size() == OperandSize::S64;
    match (ext, src) {
        // `mov r32, r32` zero-extends; llvm-mc encodes it as `89 /r`.
        (ExtMode::LQ, RegMem::Reg(r)) => emit_rr(sink, &[], Rex::plain(), &[0x89], hw_enc(*r), d),
        (ExtMode::LQ, RegMem::Mem(a)) => emit_rm(sink, &[], Rex::plain(), &[0x8b], d, a, 0),
        (ExtMode::BL | ExtMode::BQ, _) => emit_rmo(
            sink,
            &[],
            byte_src_rex(Rex::w_if(w), src),
            &[0x0f, 0xb6],
            d,
            src,
            0,
        ),
        (ExtMode::WL | ExtMode::WQ, _) => {
            emit_rmo(sink, &[], Rex::w_if(w), &[0x0f, 0xb7], d, src, 0)
        }
    }
}

pub(crate) fn emit_movsx(sink: &mut impl CodeSink<LabelUse>, ext: ExtMode, src: &RegMem, dst: Reg) {
    let d = hw_enc(dst);
    let w = ext.dst_size() == OperandSize::S64;
    match ext {
        ExtMode::LQ => emit_rmo(sink, &[], Rex::w(), &[0x63], d, src, 0),
        ExtMode::BL | ExtMode::BQ => emit_rmo(
            sink,
            &[],
            byte_src_rex(Rex::w_if(w), src),
            &[0x0f, 0xbe],
            d,
            src,
            0,
        ),
        ExtMode::WL | ExtMode::WQ => emit_rmo(sink, &[], Rex::w_if(w), &[0x0f, 0xbf], d, src, 0),
    }
}

fn byte_src_rex(rex: Rex, src: &RegMem) -> Rex {
    match src {
        RegMem::Reg(r) => rex.byte_reg(hw_enc(*r)),
        RegMem::Mem(_) => rex,
    }
}

pub(crate) fn emit_load64(sink: &mut impl CodeSink<LabelUse>, src: &Amode, dst: Reg) {
    emit_rm(sink, &[], Rex::w(), &[0x8b], hw_enc(dst), src, 0);
}

pub(crate) fn emit_store(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src: Reg,
    dst: &Amode,
) {
    let (pfx, rex) = size_prefix(size);
    let g = hw_enc(src);
    if size == OperandSize::S8 {
        emit_rm(sink, pfx, rex.byte_reg(g), &[0x88], g, dst, 0);
    } else {
        emit_rm(sink, pfx, rex, &[0x89], g, dst, 0);
    }
}

pub(crate) fn emit_store_imm(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    imm: Simm32,
    dst: &Amode,
) {
    let (pfx, rex) = size_prefix(size);
    let opc = if size == OperandSize::S8 { 0xc6 } else { 0xc7 };
    emit_rm(sink, pfx, rex, &[opc], 0, dst, imm_len(size));
    put_imm(sink, size, imm);
}

pub(crate) fn emit_lea(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    src: &Amode,
    dst: Reg,
) {
    let (_, rex) = size_prefix(size);
    emit_rm(sink, &[], rex, &[0x8d], hw_enc(dst), src, 0);
}

/// `lea dst, [rip + disp32]` with an `X86PCRel4` relocation (addend -4). The addend
/// is stored in the field too: `PCRel32::patch` adds the distance to it.
pub(crate) fn emit_load_ext_name(
    sink: &mut impl CodeSink<LabelUse>,
    target: RelocTarget,
    dst: Reg,
) {
    emit_rip_reloc(
        sink,
        Rex::w(),
        &[0x8d],
        hw_enc(dst),
        Reloc::X86PCRel4,
        target,
        -4,
    );
}
