//! Load/store encodings for every addressing mode, and `ldp`/`stp`.

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::machinst::Reg;

use super::branch::enc_ldr_literal;
use super::EmitState;
use crate::inst::{AMode, ExtendOp, Inst, LoadOp, OperandSize, PairAMode, PairKind, StoreOp};
use crate::label_use::LabelUse;
use crate::regs::{hw_enc_sp, hw_enc_v, hw_enc_zr, stack_reg, writable_xreg, xreg, RegOrSp};

/// Encoding parameters of one load/store width: `size` (31:30), `V` (26), `opc`
/// (23:22) of the register forms, access size in bytes.
#[derive(Clone, Copy)]
struct Form {
    size: u32,
    v: u32,
    opc: u32,
    bytes: u8,
}

fn load_form(op: LoadOp) -> Form {
    let (size, v, opc, bytes) = match op {
        LoadOp::ULoad8 => (0, 0, 1, 1),
        LoadOp::SLoad8 => (0, 0, 2, 1),
        LoadOp::ULoad16 => (1, 0, 1, 2),
        LoadOp::SLoad16 => (1, 0, 2, 2),
        LoadOp::ULoad32 => (2, 0, 1, 4),
        LoadOp::SLoad32 => (2, 0, 2, 4),
        LoadOp::ULoad64 => (3, 0, 1, 8),
        LoadOp::FpuLoad32 => (2, 1, 1, 4),
        LoadOp::FpuLoad64 => (3, 1, 1, 8),
        LoadOp::FpuLoad128 => (0, 1, 3, 16),
    };
    Form {
        size,
        v,
        opc,
        bytes,
    }
}

fn store_form(op: StoreOp) -> Form {
    let (size, v, opc, bytes) = match op {
        StoreOp::Store8 => (0, 0, 0, 1),
        StoreOp::Store16 => (1, 0, 0, 2),
        StoreOp::Store32 => (2, 0, 0, 4),
        StoreOp::Store64 => (3, 0, 0, 8),
        StoreOp::FpuStore32 => (2, 1, 0, 4),
        StoreOp::FpuStore64 => (3, 1, 0, 8),
        StoreOp::FpuStore128 => (0, 1, 2, 16),
    };
    Form {
        size,
        v,
        opc,
        bytes,
    }
}

/// Access size in bytes of a load.
pub fn load_bytes(op: LoadOp) -> u8 {
    load_form(op).bytes
}

/// Access size in bytes of a store.
pub fn store_bytes(op: StoreOp) -> u8 {
    store_form(op).bytes
}

fn rt_enc(form: Form, rt: Reg) -> u32 {
    if form.v == 1 {
        hw_enc_v(rt)
    } else {
        hw_enc_zr(rt)
    }
}

/// Encode a load or store of `form` with data register `rt` at `mem` (not a label).
fn enc_ldst(form: Form, rt: u32, mem: &AMode) -> u32 {
    let top = (form.size << 30) | 0x3800_0000 | (form.v << 26) | (form.opc << 22);
    match *mem {
        AMode::UImm12 { rn, uimm12 } => {
            assert_eq!(
                uimm12.scale(),
                form.bytes,
                "offset scaled for another access size"
            );
            top | (1 << 24) | (uimm12.bits() << 10) | (hw_enc_sp(rn) << 5) | rt
        }
        AMode::Unscaled { rn, simm9 } => top | (simm9.bits() << 12) | (hw_enc_sp(rn) << 5) | rt,
        AMode::PostIndexed { rn, simm9 } => {
            top | (simm9.bits() << 12) | (0b01 << 10) | (hw_enc_sp(rn.to_reg()) << 5) | rt
        }
        AMode::PreIndexed { rn, simm9 } => {
            top | (simm9.bits() << 12) | (0b11 << 10) | (hw_enc_sp(rn.to_reg()) << 5) | rt
        }
        AMode::RegExtended {
            rn,
            rm,
            extend,
            shifted,
        } => {
            let option = extend as u32;
            assert!(
                option & 2 == 2,
                "register offsets take uxtw, sxtw, lsl/uxtx or sxtx"
            );
            top | (1 << 21)
                | (hw_enc_zr(rm) << 16)
                | (option << 13)
                | ((shifted as u32) << 12)
                | (0b10 << 10)
                | (hw_enc_sp(rn) << 5)
                | rt
        }
        AMode::Label { .. } | AMode::SpOffset { .. } | AMode::SlotOffset { .. } => {
            unreachable!("pseudo forms are resolved by the caller")
        }
    }
}

/// The single-instruction addressing mode `[sp, #off]` becomes for an access of
/// `bytes`, or `None` when the offset needs `x16`.
pub fn sp_offset_amode(off: i64, bytes: u8) -> Option<AMode> {
    Inst::amode_offset(stack_reg(), off, bytes)
}

/// Resolve `AMode::SpOffset`, emitting the `x16` set-up when the offset needs it;
/// other modes are returned unchanged.
fn resolve(sink: &mut impl CodeSink<LabelUse>, mem: &AMode, bytes: u8) -> AMode {
    match *mem {
        AMode::SpOffset { off } => sp_offset_amode(off, bytes).unwrap_or_else(|| {
            let mut state = EmitState::default();
            for inst in Inst::load_constant(writable_xreg(16), off as u64, OperandSize::Size64) {
                inst.emit(sink, &mut state);
            }
            AMode::RegExtended {
                rn: RegOrSp::sp(),
                rm: xreg(16),
                extend: ExtendOp::Uxtx,
                shifted: false,
            }
        }),
        other => other,
    }
}

/// Emit a load; a label address becomes a literal load with an `Ldr19` use.
pub fn emit_load(sink: &mut impl CodeSink<LabelUse>, op: LoadOp, rd: Reg, mem: &AMode) {
    let form = load_form(op);
    let rt = rt_enc(form, rd);
    let mem = &resolve(sink, mem, form.bytes);
    if let AMode::Label { label } = *mem {
        let (opc, v) = match op {
            LoadOp::ULoad32 => (0, false),
            LoadOp::ULoad64 => (1, false),
            LoadOp::SLoad32 => (2, false),
            LoadOp::FpuLoad32 => (0, true),
            LoadOp::FpuLoad64 => (1, true),
            LoadOp::FpuLoad128 => (2, true),
            _ => panic!("{op:?} has no PC-relative literal form"),
        };
        sink.use_label_at_offset(sink.cur_offset(), label, LabelUse::Ldr19);
        sink.put4(enc_ldr_literal(opc, v, 0, rt));
    } else {
        sink.put4(enc_ldst(form, rt, mem));
    }
}

/// Emit a store.
pub fn emit_store(sink: &mut impl CodeSink<LabelUse>, op: StoreOp, rt: Reg, mem: &AMode) {
    assert!(
        !matches!(mem, AMode::Label { .. }),
        "stores have no PC-relative literal form"
    );
    let form = store_form(op);
    let mem = resolve(sink, mem, form.bytes);
    sink.put4(enc_ldst(form, rt_enc(form, rt), &mem));
}

/// Pair access: `load` selects `ldp`.
pub fn enc_pair(kind: PairKind, load: bool, rt: Reg, rt2: Reg, mem: &PairAMode) -> u32 {
    let (top, enc, scale): (u32, fn(Reg) -> u32, u8) = match kind {
        PairKind::X64 => (0xa800_0000, hw_enc_zr, 8),
        PairKind::D64 => (0x6c00_0000, hw_enc_v, 8),
    };
    let (mode, rn, simm7) = match *mem {
        PairAMode::PostIndexed { rn, simm7 } => (0b01, rn.to_reg(), simm7),
        PairAMode::SignedOffset { rn, simm7 } => (0b10, rn, simm7),
        PairAMode::PreIndexed { rn, simm7 } => (0b11, rn.to_reg(), simm7),
    };
    assert_eq!(
        simm7.scale(),
        scale,
        "pair offset scaled for another register size"
    );
    top | (mode << 23)
        | ((load as u32) << 22)
        | (simm7.bits() << 15)
        | (enc(rt2) << 10)
        | (hw_enc_sp(rn) << 5)
        | enc(rt)
}
