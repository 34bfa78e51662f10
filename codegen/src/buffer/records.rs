//! What a finished buffer hands back: bytes plus metadata records, and errors.

use core::fmt;

use super::{Addend, CodeOffset, MachLabel, Reloc, RelocTarget};
use crate::ir::TrapCode;

/// A relocation left for the object writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MachReloc {
    pub offset: CodeOffset,
    pub kind: Reloc,
    pub target: RelocTarget,
    pub addend: Addend,
}

/// A trapping instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MachTrap {
    pub offset: CodeOffset,
    pub code: TrapCode,
}

/// A call instruction, identified by its return address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MachCallSite {
    pub ret_addr: CodeOffset,
}

/// A range of code that came from one source location (a wasm byte offset, or a
/// CLIF source location).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MachSrcLoc {
    pub start: CodeOffset,
    pub end: CodeOffset,
    pub loc: u32,
}

/// Where an island was placed. `start` is the island's first byte (its jump-around
/// if it has one); `body_start` is the first veneer, trap stub or constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IslandRecord {
    pub start: CodeOffset,
    pub body_start: CodeOffset,
    pub end: CodeOffset,
}

/// Counters a buffer keeps about its islands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BufferStats {
    pub islands: u64,
    /// Veneers emitted, by kind (`format!("{kind:?}")`), sorted by name.
    pub veneers_by_kind: Vec<(String, u64)>,
    pub veneer_bytes: u64,
    /// Bytes of padding written for alignment inside islands and by `align_to`.
    pub padding_bytes: u64,
    /// Uses that reused a veneer instead of getting their own.
    pub shared_veneer_uses: u64,
    /// Branches deleted or rewritten by the branch peepholes.
    pub peephole_edits: u64,
}

/// A finished buffer: final bytes, all label uses resolved.
#[derive(Clone, Debug, Default)]
pub struct MachBufferFinalized {
    pub data: Vec<u8>,
    pub relocs: Vec<MachReloc>,
    pub traps: Vec<MachTrap>,
    pub call_sites: Vec<MachCallSite>,
    pub srclocs: Vec<MachSrcLoc>,
    /// Final offset of every label (after aliases), `None` when never bound.
    pub label_offsets: Vec<Option<CodeOffset>>,
    pub islands: Vec<IslandRecord>,
    pub stats: BufferStats,
}

/// Why a buffer could not be finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BufferError {
    /// A label was used but never bound.
    UnboundLabel {
        label: MachLabel,
        use_offset: CodeOffset,
    },
    /// A use cannot reach its label and its kind has no veneer (or the island came
    /// too late: the emitter did not ask `island_needed` in time).
    OutOfRange {
        label: MachLabel,
        use_offset: CodeOffset,
        label_offset: CodeOffset,
        kind: String,
    },
    /// A label was bound twice.
    LabelBoundTwice { label: MachLabel },
    /// A label number that this buffer never handed out.
    InvalidLabel { label: MachLabel },
    /// A constant id that this buffer never handed out.
    InvalidConstant { id: u32 },
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferError::UnboundLabel { label, use_offset } => {
                write!(
                    f,
                    "label {} used at offset {use_offset:#x} is never bound",
                    label.0
                )
            }
            BufferError::OutOfRange {
                label,
                use_offset,
                label_offset,
                kind,
            } => write!(
                f,
                "{kind} use at offset {use_offset:#x} cannot reach label {} at {label_offset:#x}",
                label.0
            ),
            BufferError::LabelBoundTwice { label } => write!(f, "label {} is bound twice", label.0),
            BufferError::InvalidLabel { label } => write!(f, "label {} does not exist", label.0),
            BufferError::InvalidConstant { id } => write!(f, "constant {id} does not exist"),
        }
    }
}

impl std::error::Error for BufferError {}
