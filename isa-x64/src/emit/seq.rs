//! A scratch assembler for pseudo-instructions with internal control flow.
//!
//! Some operations (wasm `fmin`, trapping float-to-int conversion, ...) need
//! branches inside one instruction so that register allocation sees a single
//! instruction. [`Seq`] encodes the pieces into a local buffer with *short* jumps to
//! local labels, patches them, then copies the bytes into the real sink, replaying
//! trap records, label uses and relocations at their final offsets. Invariant: every
//! local jump fits a rel8 (sequences are well under 128 bytes; checked in debug builds).

use atoll_codegen::buffer::{Addend, CodeOffset, CodeSink, MachLabel, Reloc, RelocTarget};
use atoll_codegen::ir::TrapCode;

use super::EmitState;
use crate::inst::{Inst, CC};
use crate::label_use::LabelUse;

/// A label local to one sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SeqLabel(usize);

/// Something recorded at an offset of the sequence, replayed into the real sink.
enum Event {
    Trap(TrapCode),
    Reloc(Reloc, RelocTarget, Addend),
}

#[derive(Default)]
pub(crate) struct Seq {
    bytes: Vec<u8>,
    events: Vec<(usize, Event)>,
    label_uses: Vec<(usize, MachLabel, LabelUse)>,
    /// Offsets of rel8 fields and the label each jumps to.
    jumps: Vec<(usize, SeqLabel)>,
    labels: Vec<Option<usize>>,
}

impl Seq {
    pub fn label(&mut self) -> SeqLabel {
        self.labels.push(None);
        SeqLabel(self.labels.len() - 1)
    }

    pub fn bind(&mut self, l: SeqLabel) {
        debug_assert!(self.labels[l.0].is_none(), "local label bound twice");
        self.labels[l.0] = Some(self.bytes.len());
    }

    /// Append a real instruction.
    pub fn inst(&mut self, i: Inst) {
        i.emit(self, &mut EmitState::default());
    }

    /// `jcc rel8` to a local label.
    pub fn jcc(&mut self, cc: CC, l: SeqLabel) {
        self.bytes.extend_from_slice(&[0x70 | cc as u8, 0]);
        self.jumps.push((self.bytes.len() - 1, l));
    }

    /// `jmp rel8` to a local label.
    pub fn jmp(&mut self, l: SeqLabel) {
        self.bytes.extend_from_slice(&[0xeb, 0]);
        self.jumps.push((self.bytes.len() - 1, l));
    }

    /// `ud2` recorded with `code`.
    pub fn trap(&mut self, code: TrapCode) {
        self.events.push((self.bytes.len(), Event::Trap(code)));
        self.bytes.extend_from_slice(&[0x0f, 0x0b]);
    }

    /// Resolve local jumps and copy everything into `sink`.
    pub fn finish(mut self, sink: &mut impl CodeSink<LabelUse>) {
        for &(at, l) in &self.jumps {
            let target = self.labels[l.0].expect("local label never bound");
            let rel = target as i64 - (at as i64 + 1);
            debug_assert!(
                i8::try_from(rel).is_ok(),
                "sequence too long for rel8 jumps"
            );
            self.bytes[at] = rel as i8 as u8;
        }
        let base = sink.cur_offset();
        for &(at, label, kind) in &self.label_uses {
            sink.use_label_at_offset(base + at as CodeOffset, label, kind);
        }
        let mut from = 0;
        for (at, event) in &self.events {
            sink.put_data(&self.bytes[from..*at]);
            match *event {
                Event::Trap(code) => sink.add_trap(code),
                Event::Reloc(kind, target, addend) => sink.add_reloc(kind, target, addend),
            }
            from = *at;
        }
        sink.put_data(&self.bytes[from..]);
    }
}

impl CodeSink<LabelUse> for Seq {
    fn cur_offset(&self) -> CodeOffset {
        self.bytes.len() as CodeOffset
    }

    fn put_data(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn use_label_at_offset(&mut self, offset: CodeOffset, label: MachLabel, kind: LabelUse) {
        self.label_uses.push((offset as usize, label, kind));
    }

    fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend) {
        self.events
            .push((self.bytes.len(), Event::Reloc(kind, target, addend)));
    }

    fn add_trap(&mut self, code: TrapCode) {
        self.events.push((self.bytes.len(), Event::Trap(code)));
    }
}
