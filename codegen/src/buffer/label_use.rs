//! The per-ISA description of one kind of PC-relative reference.
//!
//! Every ISA crate defines an enum implementing [`LabelUse`]; the buffer knows nothing
//! about instruction encodings beyond what this trait tells it.

use core::fmt::Debug;
use core::hash::Hash;

use super::{Addend, Reloc};

/// A byte offset in a function body or in a text section.
///
/// 64-bit so that text sections larger than 4 GiB (reachable on x64 through long
/// veneers) need no second offset type.
pub type CodeOffset = u64;

/// One kind of PC-relative reference (a branch, call, literal load, ...).
///
/// Contract, for every kind `k`:
/// - A use at `use_offset` may reach labels in
///   `[use_offset - k.max_neg_range(), use_offset + k.max_pos_range()]`; the ranges
///   already account for the architectural PC bias (for example A32's PC + 8), so the
///   buffer only ever compares raw offsets.
/// - `patch` rewrites exactly `k.patch_size()` bytes starting at the use offset and
///   is only called with a label offset inside that range.
/// - If `k.supports_veneer()`, `generate_veneer` writes exactly `k.veneer_size()`
///   bytes of code that transfers control to wherever the returned use (at the
///   returned offset, relative to the veneer start, of the returned kind) is patched
///   to point; the original use is then patched to point at the veneer start.
/// - The returned kind has a range strictly larger than `k`'s, so chains of veneers
///   terminate.
pub trait LabelUse: Copy + Eq + Hash + Debug + 'static {
    /// Alignment, in bytes, required for the start of a veneer of any kind.
    const ALIGN: CodeOffset;

    /// Largest positive distance from the use offset to the label.
    fn max_pos_range(self) -> CodeOffset;

    /// Largest negative distance (as a positive number) from the use offset to the label.
    fn max_neg_range(self) -> CodeOffset;

    /// Number of bytes the patch covers, starting at the use offset.
    fn patch_size(self) -> CodeOffset;

    /// Make the `patch_size()` bytes in `buffer` (which start at `use_offset`) refer to
    /// `label_offset`.
    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset);

    /// Whether an out-of-range use of this kind can be redirected through a veneer.
    fn supports_veneer(self) -> bool;

    /// Size of this kind's veneer in bytes (0 when it has none).
    fn veneer_size(self) -> CodeOffset;

    /// The largest `veneer_size()` of any kind, for worst-case island sizing.
    fn worst_case_veneer_size() -> CodeOffset;

    /// Write this kind's veneer into `buffer` (exactly `veneer_size()` bytes, placed at
    /// `veneer_offset`). Returns the offset of the veneer's own label use, relative to
    /// the veneer start, and that use's kind.
    fn generate_veneer(self, buffer: &mut [u8], veneer_offset: CodeOffset) -> (CodeOffset, Self);

    /// The label-use kind for a call relocation between functions of one text section,
    /// or `None` when this ISA cannot resolve that relocation with a PC-relative patch.
    fn from_reloc(reloc: Reloc, addend: Addend) -> Option<Self>;
}
