//! Encoding of [`Inst`] into a [`CodeSink`], split by instruction family.
//!
//! `emit` is total for instructions built through the immediate newtypes; it panics
//! only when a register invariant is broken (a virtual register after allocation, `sp`
//! where encoding 31 means `xzr`, ...), which is a bug in lowering or allocation.

pub mod branch;

use atoll_codegen::buffer::{CodeSink, Reloc};

use crate::inst::{CondBrKind, Inst};
use crate::label_use::LabelUse;
use crate::regs::{hw_enc_zr, link_reg};
use branch::*;

/// State carried across the instructions of one function while emitting.
#[derive(Clone, Debug, Default)]
pub struct EmitState {}

fn put(sink: &mut impl CodeSink<LabelUse>, word: u32) {
    sink.put4(word);
}

/// The `b.cond`/`cbz`/`cbnz` word for `kind` with a zero offset (patched as `Branch19`).
pub(crate) fn enc_cond_br(kind: CondBrKind, off19: i32) -> u32 {
    match kind {
        CondBrKind::Zero(r, size) => enc_cbz(size.sf() == 1, false, off19, hw_enc_zr(r)),
        CondBrKind::NotZero(r, size) => enc_cbz(size.sf() == 1, true, off19, hw_enc_zr(r)),
        CondBrKind::Cond(c) => enc_bcond(off19, c.bits()),
    }
}

impl Inst {
    /// Append this instruction's bytes to `sink`, recording label uses,
    /// relocations and traps.
    pub fn emit(&self, sink: &mut impl CodeSink<LabelUse>, _state: &mut EmitState) {
        match self {
            Inst::Jump { dest } => {
                sink.use_label_at_offset(sink.cur_offset(), *dest, LabelUse::Branch26);
                put(sink, enc_b(0));
            }
            Inst::CondBr { taken, not_taken, kind } => {
                sink.use_label_at_offset(sink.cur_offset(), *taken, LabelUse::Branch19);
                put(sink, enc_cond_br(*kind, 0));
                sink.use_label_at_offset(sink.cur_offset(), *not_taken, LabelUse::Branch26);
                put(sink, enc_b(0));
            }
            Inst::OneWayCondBr { target, kind } => {
                sink.use_label_at_offset(sink.cur_offset(), *target, LabelUse::Branch19);
                put(sink, enc_cond_br(*kind, 0));
            }
            Inst::TestBitAndBranch { rn, bit, nonzero, target } => {
                sink.use_label_at_offset(sink.cur_offset(), *target, LabelUse::Branch14);
                put(sink, enc_tbz(*bit, *nonzero, 0, hw_enc_zr(*rn)));
            }
            Inst::IndirectBr { rn } => put(sink, enc_br_family(0, hw_enc_zr(*rn))),
            Inst::Call { dest } => {
                sink.add_reloc(Reloc::Arm64Call, *dest, 0);
                put(sink, enc_bl(0));
            }
            Inst::CallLabel { dest } => {
                sink.use_label_at_offset(sink.cur_offset(), *dest, LabelUse::Branch26);
                put(sink, enc_bl(0));
            }
            Inst::CallInd { rn } => put(sink, enc_br_family(1, hw_enc_zr(*rn))),
            Inst::Ret => put(sink, enc_br_family(2, hw_enc_zr(link_reg()))),
            Inst::Udf { trap_code } => {
                sink.add_trap(*trap_code);
                put(sink, enc_udf(0));
            }
            Inst::Brk { imm } => put(sink, enc_brk(*imm)),
            Inst::TrapIf { kind, trap_code } => {
                // Skip the `udf` (2 words ahead) when the trap condition does not hold.
                put(sink, enc_cond_br(kind.invert(), 2));
                sink.add_trap(*trap_code);
                put(sink, enc_udf(0));
            }
            Inst::Nop4 => put(sink, NOP),
            Inst::Adr { rd, label } => {
                sink.use_label_at_offset(sink.cur_offset(), *label, LabelUse::Adr21);
                put(sink, enc_adr(false, 0, hw_enc_zr(rd.to_reg())));
            }
            Inst::Adrp { rd, pages } => put(sink, enc_adr(true, pages.value(), hw_enc_zr(rd.to_reg()))),
        }
    }
}
