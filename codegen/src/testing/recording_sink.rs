//! A [`CodeSink`] that records bytes, label uses, relocations and traps, for encoder
//! tests that do not need a real buffer.

use crate::buffer::{Addend, CodeOffset, CodeSink, LabelUse, MachLabel, Reloc, RelocTarget};
use crate::ir::TrapCode;

/// Everything an encoder wrote.
#[derive(Debug)]
pub struct RecordingSink<L: LabelUse> {
    pub bytes: Vec<u8>,
    pub label_uses: Vec<(CodeOffset, MachLabel, L)>,
    pub relocs: Vec<(CodeOffset, Reloc, RelocTarget, Addend)>,
    pub traps: Vec<(CodeOffset, TrapCode)>,
}

impl<L: LabelUse> Default for RecordingSink<L> {
    fn default() -> Self {
        RecordingSink {
            bytes: Vec::new(),
            label_uses: Vec::new(),
            relocs: Vec::new(),
            traps: Vec::new(),
        }
    }
}

impl<L: LabelUse> CodeSink<L> for RecordingSink<L> {
    fn cur_offset(&self) -> CodeOffset {
        self.bytes.len() as CodeOffset
    }

    fn put_data(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn use_label_at_offset(&mut self, offset: CodeOffset, label: MachLabel, kind: L) {
        self.label_uses.push((offset, label, kind));
    }

    fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend) {
        self.relocs.push((self.cur_offset(), kind, target, addend));
    }

    fn add_trap(&mut self, code: TrapCode) {
        self.traps.push((self.cur_offset(), code));
    }
}
