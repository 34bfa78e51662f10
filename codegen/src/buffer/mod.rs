//! The code buffer: labels, fixups, islands, veneers, constants and trap stubs.
//!
//! One mechanism serves branches inside a function, constant pools, trap stubs and
//! calls between functions (the text-section builder drives a buffer with one label
//! per function). See DESIGN.md §5–6.
//!
//! ```text
//! emit ──put*/use_label_at_offset/add_*_branch──> MachBuffer ──finish──> MachBufferFinalized
//!            labels.rs     fixups.rs (deadline heap, bound list)     peephole.rs (tail branches)
//!            island.rs (veneers, trap stubs, constants)  constants.rs  traps.rs
//! TextSectionBuilder (text_section.rs): one MachBuffer, one label per function
//! ```
//!
//! # The invariant
//!
//! **The worst-case end of an island emitted now is never past the soonest deadline.**
//! A pending use's deadline is `use offset + max forward range of its kind`; the
//! worst-case island size counts the jump around it, alignment slack, one veneer chain
//! per distinct (label, kind) still pending (islands share veneers), the deferred trap
//! stubs and the next constant pool. So an island emitted now can always give every
//! pending use a veneer or constant it can reach.
//!
//! [`MachBuffer::island_needed`] tests exactly that (whole island against the soonest
//! deadline). Islands place veneers in deadline order before trap stubs and constants,
//! so what the algorithm actually relies on — and what `check_invariants` checks — is
//! the per-use form it implies: each use that may need a veneer finds the island's
//! worst case *up to its veneer* ending before its deadline, and each use of the
//! island's own trap stubs and constants finds the whole island doing so. The per-use
//! form survives adding a short-range use right after an `island_needed` check, which
//! the whole-island form cannot promise when ranges are tiny.
//!
//! Only uses that may still need something from an island are *pending*: a use whose
//! label is bound within reach (when it is recorded, or when the label is bound or
//! placed by an island) moves to a *bound* list and is patched at the next island or
//! at `finish`, with the label's offset then. Such a label is pinned (never aliased by
//! jump threading), so the use stays in reach.
//!
//! Short-range uses of the island's own trap stubs and constants (A32 literal loads)
//! ask [`MachBuffer::island_needed_for_use`] first, because the whole island must fit
//! in their reach.
//!
//! The buffer keeps the invariant through its own operations (islands, peepholes,
//! labels); emitting bytes advances the current offset, so emitters keep it by asking
//! [`MachBuffer::island_needed`]`(n)` before writing up to `n` bytes (including room
//! for the veneers, constants and trap stubs those bytes ask for) and calling
//! [`MachBuffer::emit_island`] when told to. Label uses are recorded before their bytes
//! are written. [`MachBuffer::check_invariants`] checks all of this (debug builds run
//! the cheap part after every public method).

mod constants;
mod fixups;
mod island;
mod island_isa;
mod label_use;
mod labels;
mod machbuffer;
mod peephole;
mod records;
mod reloc;
mod sink;
mod text_section;
mod traps;

pub use constants::ConstantId;
pub use island_isa::IslandIsa;
pub use label_use::{CodeOffset, LabelUse};
pub use machbuffer::MachBuffer;
pub use records::{
    BufferError, BufferStats, IslandRecord, MachBufferFinalized, MachCallSite, MachReloc,
    MachSrcLoc, MachTrap,
};
pub use reloc::{Addend, Reloc};
pub use sink::{CodeSink, MachLabel, RelocTarget};
pub use text_section::{
    RelocRecord, TextSection, TextSectionBuilder, TextSectionError, TextSectionOptions,
    TextSectionStats,
};
