//! SSE scalar float: arithmetic, bitwise ops, sqrt, conversions, rounding, compares,
//! loads/stores and moves between integer and xmm registers.
//!
//! Legacy SSE encodings (no VEX): `[66|F2|F3] [REX] 0F op ModRM`. REX.W only selects
//! a 64-bit integer operand (`movq`, `cvtsi2ss r64`, `cvttss2si r64`).

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::machinst::Reg;

use super::enc::{emit_rm, emit_rmo, emit_vex3, Rex};
use crate::imms::{FcmpImm, RoundImm};
use crate::inst::{Amode, GprToXmmOp, OperandSize, RegMem, SseOp, XmmToGprOp};
use crate::label_use::LabelUse;
use crate::regs::hw_enc;

/// Mandatory prefix and opcode bytes after it (the load direction for moves).
fn sse_encoding(op: SseOp) -> (&'static [u8], &'static [u8]) {
    const F3: &[u8] = &[0xf3];
    const F2: &[u8] = &[0xf2];
    const P66: &[u8] = &[0x66];
    const NONE: &[u8] = &[];
    match op {
        SseOp::Addss => (F3, &[0x0f, 0x58]),
        SseOp::Addsd => (F2, &[0x0f, 0x58]),
        SseOp::Subss => (F3, &[0x0f, 0x5c]),
        SseOp::Subsd => (F2, &[0x0f, 0x5c]),
        SseOp::Mulss => (F3, &[0x0f, 0x59]),
        SseOp::Mulsd => (F2, &[0x0f, 0x59]),
        SseOp::Divss => (F3, &[0x0f, 0x5e]),
        SseOp::Divsd => (F2, &[0x0f, 0x5e]),
        SseOp::Minss => (F3, &[0x0f, 0x5d]),
        SseOp::Minsd => (F2, &[0x0f, 0x5d]),
        SseOp::Maxss => (F3, &[0x0f, 0x5f]),
        SseOp::Maxsd => (F2, &[0x0f, 0x5f]),
        SseOp::Andps => (NONE, &[0x0f, 0x54]),
        SseOp::Andpd => (P66, &[0x0f, 0x54]),
        SseOp::Andnps => (NONE, &[0x0f, 0x55]),
        SseOp::Andnpd => (P66, &[0x0f, 0x55]),
        SseOp::Orps => (NONE, &[0x0f, 0x56]),
        SseOp::Orpd => (P66, &[0x0f, 0x56]),
        SseOp::Xorps => (NONE, &[0x0f, 0x57]),
        SseOp::Xorpd => (P66, &[0x0f, 0x57]),
        SseOp::Sqrtss => (F3, &[0x0f, 0x51]),
        SseOp::Sqrtsd => (F2, &[0x0f, 0x51]),
        SseOp::Cvtss2sd => (F3, &[0x0f, 0x5a]),
        SseOp::Cvtsd2ss => (F2, &[0x0f, 0x5a]),
        SseOp::Movaps => (NONE, &[0x0f, 0x28]),
        SseOp::Movapd => (P66, &[0x0f, 0x28]),
        SseOp::Movss => (F3, &[0x0f, 0x10]),
        SseOp::Movsd => (F2, &[0x0f, 0x10]),
        SseOp::Ucomiss => (NONE, &[0x0f, 0x2e]),
        SseOp::Ucomisd => (P66, &[0x0f, 0x2e]),
        SseOp::Roundss => (P66, &[0x0f, 0x3a, 0x0a]),
        SseOp::Roundsd => (P66, &[0x0f, 0x3a, 0x0b]),
        SseOp::Movups => (NONE, &[0x0f, 0x10]),
        SseOp::Cmpss => (F3, &[0x0f, 0xc2]),
        SseOp::Cmpsd => (F2, &[0x0f, 0xc2]),
    }
}

/// `op dst, src` for every register-destination form (binary ops have `dst` = `src1`).
pub(crate) fn emit_xmm_rm_r(sink: &mut impl CodeSink<LabelUse>, op: SseOp, src: &RegMem, dst: Reg) {
    let (pfx, opc) = sse_encoding(op);
    emit_rmo(sink, pfx, Rex::plain(), opc, hw_enc(dst), src, 0);
}

pub(crate) fn emit_xmm_round(
    sink: &mut impl CodeSink<LabelUse>,
    op: SseOp,
    src: &RegMem,
    mode: RoundImm,
    dst: Reg,
) {
    debug_assert!(matches!(op, SseOp::Roundss | SseOp::Roundsd));
    let (pfx, opc) = sse_encoding(op);
    emit_rmo(sink, pfx, Rex::plain(), opc, hw_enc(dst), src, 1);
    sink.put1(mode.bits());
}

pub(crate) fn emit_xmm_cmp_imm(
    sink: &mut impl CodeSink<LabelUse>,
    op: SseOp,
    src: &RegMem,
    pred: FcmpImm,
    dst: Reg,
) {
    debug_assert!(matches!(op, SseOp::Cmpss | SseOp::Cmpsd));
    let (pfx, opc) = sse_encoding(op);
    emit_rmo(sink, pfx, Rex::plain(), opc, hw_enc(dst), src, 1);
    sink.put1(pred.bits());
}

/// `movss`/`movsd`/`movups` store: the load opcode + 1.
pub(crate) fn emit_xmm_store(sink: &mut impl CodeSink<LabelUse>, op: SseOp, src: Reg, dst: &Amode) {
    debug_assert!(
        matches!(op, SseOp::Movss | SseOp::Movsd | SseOp::Movups),
        "only movss/movsd/movups store"
    );
    let (pfx, opc) = sse_encoding(op);
    emit_rm(
        sink,
        pfx,
        Rex::plain(),
        &[opc[0], opc[1] + 1],
        hw_enc(src),
        dst,
        0,
    );
}

pub(crate) fn emit_gpr_to_xmm(
    sink: &mut impl CodeSink<LabelUse>,
    op: GprToXmmOp,
    src: &RegMem,
    src_size: OperandSize,
    dst: Reg,
) {
    let rex = Rex::w_if(src_size == OperandSize::S64);
    let (pfx, opc): (&[u8], u8) = match op {
        GprToXmmOp::Mov => (&[0x66], 0x6e),
        GprToXmmOp::Cvtsi2ss => (&[0xf3], 0x2a),
        GprToXmmOp::Cvtsi2sd => (&[0xf2], 0x2a),
    };
    emit_rmo(sink, pfx, rex, &[0x0f, opc], hw_enc(dst), src, 0);
}

pub(crate) fn emit_xmm_to_gpr(
    sink: &mut impl CodeSink<LabelUse>,
    op: XmmToGprOp,
    src: Reg,
    dst_size: OperandSize,
    dst: Reg,
) {
    let rex = Rex::w_if(dst_size == OperandSize::S64);
    match op {
        // `movd/movq r/m, xmm`: the xmm register is the ModRM reg operand.
        XmmToGprOp::Mov => emit_rmo(
            sink,
            &[0x66],
            rex,
            &[0x0f, 0x7e],
            hw_enc(src),
            &RegMem::Reg(dst),
            0,
        ),
        XmmToGprOp::Cvttss2si => emit_rmo(
            sink,
            &[0xf3],
            rex,
            &[0x0f, 0x2c],
            hw_enc(dst),
            &RegMem::Reg(src),
            0,
        ),
        XmmToGprOp::Cvttsd2si => emit_rmo(
            sink,
            &[0xf2],
            rex,
            &[0x0f, 0x2c],
            hw_enc(dst),
            &RegMem::Reg(src),
            0,
        ),
    }
}

/// `vfmadd213ss`/`vfmadd213sd dst, src2, src3`: `dst = src2 * dst + src3`, one rounding
/// (VEX.LIG.66.0F38 A9, W selecting double).
pub(crate) fn emit_fma(
    sink: &mut impl CodeSink<LabelUse>,
    double: bool,
    src2: Reg,
    src3: &RegMem,
    dst: Reg,
) {
    emit_vex3(sink, double, 2, 1, hw_enc(src2), 0xa9, hw_enc(dst), src3);
}
