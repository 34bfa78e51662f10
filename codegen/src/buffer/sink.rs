//! The interface instruction encoders write through.
//!
//! Encoders in the ISA crates take `&mut impl CodeSink<LabelUse>`, so the same
//! `emit` serves the real [`MachBuffer`](super) and the recording sink tests use.

use super::{Addend, CodeOffset, LabelUse, Reloc};
use crate::ir::TrapCode;

/// A label: a position in the code that is bound once and may be used before it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MachLabel(pub u32);

/// The target of a relocation: an index into the caller's table of external names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelocTarget(pub u32);

/// Where encoded bytes go.
pub trait CodeSink<L: LabelUse> {
    /// Offset at which the next byte will be written.
    fn cur_offset(&self) -> CodeOffset;

    /// Append bytes.
    fn put_data(&mut self, bytes: &[u8]);

    /// Append one byte.
    fn put1(&mut self, b: u8) {
        self.put_data(&[b]);
    }

    /// Append a little-endian 16-bit value.
    fn put2(&mut self, v: u16) {
        self.put_data(&v.to_le_bytes());
    }

    /// Append a little-endian 32-bit value.
    fn put4(&mut self, v: u32) {
        self.put_data(&v.to_le_bytes());
    }

    /// Append a little-endian 64-bit value.
    fn put8(&mut self, v: u64) {
        self.put_data(&v.to_le_bytes());
    }

    /// Record that the bytes at `offset` (already written or about to be) refer to
    /// `label` with the PC-relative form `kind`; they are patched when the label is
    /// bound, or redirected through a veneer if it is out of range.
    fn use_label_at_offset(&mut self, offset: CodeOffset, label: MachLabel, kind: L);

    /// Record a relocation at the current offset.
    fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend);

    /// Record that the instruction about to be written (at the current offset) traps
    /// with `code`.
    fn add_trap(&mut self, code: TrapCode);

    /// Declare that the branch about to be written at `start..end` (the current offset
    /// is `start`, its label use was the last one recorded) is an unconditional jump
    /// to `target`, so the buffer may remove or thread it. Sinks without branch
    /// peepholes ignore it (the default).
    fn add_uncond_branch(&mut self, start: CodeOffset, end: CodeOffset, target: MachLabel) {
        let _ = (start, end, target);
    }

    /// As [`CodeSink::add_uncond_branch`] for a conditional branch; `inverted` is the
    /// same branch with the opposite condition (same length).
    fn add_cond_branch(
        &mut self,
        start: CodeOffset,
        end: CodeOffset,
        target: MachLabel,
        inverted: &[u8],
    ) {
        let _ = (start, end, target, inverted);
    }

    /// A label for `bytes` placed in the sink's next constant pool (deduplicated), or
    /// `None` when this sink has no pools and the encoder must materialize the value
    /// inline.
    fn constant_label(&mut self, bytes: &[u8], align: CodeOffset) -> Option<MachLabel> {
        let _ = (bytes, align);
        None
    }

    /// A label of a trap stub raising `code`, placed out of line in the next island,
    /// or `None` when this sink does not defer traps and the encoder must trap inline.
    fn deferred_trap_label(&mut self, code: TrapCode) -> Option<MachLabel> {
        let _ = code;
        None
    }
}
