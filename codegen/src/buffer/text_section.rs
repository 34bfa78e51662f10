//! The text-section builder: all functions of a module in one buffer, every call
//! between them resolved as a PC-relative branch (through veneers where out of
//! range), so the finished section has no relocations (DESIGN.md §6).
//!
//! It drives one [`MachBuffer`] with one label per function (label `i` is function
//! `i`). Before each function it asks `island_needed` with the function's worst case
//! (its bytes, alignment, padding and one veneer chain per call), and emits an island
//! between functions when told to, so no jump-around is ever needed. Cost is the
//! buffer's: O(n log n) in the number of call fixups.

use core::fmt;

use super::records::{BufferError, IslandRecord};
use super::{Addend, CodeOffset, IslandIsa, MachBuffer, MachLabel, Reloc};
use crate::settings::Flags;

/// How far ahead an island between functions resolves uses, as a fraction of the
/// reach of the use that forced it.
const ISLAND_HORIZON_DIVISOR: CodeOffset = 64;

/// Options of the builder (the last two exist for tests: they make islands and veneers
/// appear in small modules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextSectionOptions {
    /// Bytes of padding written after each function.
    pub padding_between_functions: u64,
    /// Send every call through a veneer (kinds without veneers are patched directly).
    pub force_veneers: bool,
    /// Minimum alignment of each function (the ISA's instruction alignment at least).
    pub function_alignment: CodeOffset,
}

impl TextSectionOptions {
    /// The options the shared settings ask for (`padding_between_functions`,
    /// `force_veneers`), with the ISA's function alignment: what every backend's
    /// `TargetIsa::build_text_section` passes to the builder.
    pub fn from_flags(flags: &Flags, function_alignment: CodeOffset) -> TextSectionOptions {
        TextSectionOptions {
            padding_between_functions: flags.padding_between_functions(),
            force_veneers: flags.force_veneers(),
            function_alignment,
        }
    }
}

/// A call from a function to another function of the same section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelocRecord {
    /// Offset of the patched field from the start of the calling function.
    pub offset: CodeOffset,
    pub kind: Reloc,
    pub target_func: u32,
    pub addend: Addend,
}

/// Counters about a finished text section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextSectionStats {
    pub functions: u64,
    pub call_fixups: u64,
    pub islands: u64,
    /// Veneers by label-use kind (`Debug` name), sorted by name.
    pub veneers_by_kind: Vec<(String, u64)>,
    pub veneer_bytes: u64,
    /// Calls that reused an existing veneer.
    pub shared_veneer_uses: u64,
    /// Alignment and `padding_between_functions` bytes.
    pub padding_bytes: u64,
    /// Relocations left in the finished section (always 0 on success).
    pub relocations_left: u64,
}

impl TextSectionStats {
    /// Total veneers of all kinds.
    pub fn veneers(&self) -> u64 {
        self.veneers_by_kind.iter().map(|(_, n)| n).sum()
    }
}

/// A finished text section.
#[derive(Clone, Debug)]
pub struct TextSection {
    pub code: Vec<u8>,
    /// Offset of each function, by index.
    pub function_offsets: Vec<CodeOffset>,
    pub islands: Vec<IslandRecord>,
    pub stats: TextSectionStats,
}

/// Why a text section could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextSectionError {
    /// A function index (appended or called) is not below the declared count.
    NoSuchFunction { func: u32, num_funcs: u32 },
    /// A function was appended twice.
    AppendedTwice { func: u32 },
    /// A function was never appended.
    NotAppended { func: u32 },
    /// A call's relocation has no PC-relative label-use kind on this ISA.
    UnsupportedReloc {
        func: u32,
        offset: CodeOffset,
        kind: Reloc,
        addend: Addend,
    },
    /// A call's patched field lies outside its function's bytes.
    RelocOutsideFunction { func: u32, offset: CodeOffset },
    /// A call that cannot reach its target even through veneers.
    Unresolvable(BufferError),
}

impl fmt::Display for TextSectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextSectionError::NoSuchFunction { func, num_funcs } => {
                write!(f, "function {func} does not exist (the section has {num_funcs})")
            }
            TextSectionError::AppendedTwice { func } => write!(f, "function {func} appended twice"),
            TextSectionError::NotAppended { func } => write!(f, "function {func} was never appended"),
            TextSectionError::UnsupportedReloc { func, offset, kind, addend } => write!(
                f,
                "call at offset {offset:#x} of function {func}: relocation {kind:?} with addend {addend} \
                 cannot be resolved as a PC-relative call on this ISA"
            ),
            TextSectionError::RelocOutsideFunction { func, offset } => {
                write!(f, "call at offset {offset:#x} lies outside function {func}")
            }
            TextSectionError::Unresolvable(e) => write!(f, "unresolvable call: {e}"),
        }
    }
}

impl std::error::Error for TextSectionError {}

/// Builds one text section from compiled functions.
pub struct TextSectionBuilder<L: IslandIsa> {
    buf: MachBuffer<L>,
    opts: TextSectionOptions,
    num_funcs: u32,
    offsets: Vec<Option<CodeOffset>>,
    call_fixups: u64,
}

impl<L: IslandIsa> TextSectionBuilder<L> {
    /// A builder for a section of `num_funcs` functions.
    pub fn new(num_funcs: u32, opts: TextSectionOptions) -> Self {
        let mut buf = MachBuffer::new();
        buf.get_labels(num_funcs as usize);
        TextSectionBuilder {
            buf,
            opts,
            num_funcs,
            offsets: vec![None; num_funcs as usize],
            call_fixups: 0,
        }
    }

    fn check_func(&self, func: u32) -> Result<(), TextSectionError> {
        if func >= self.num_funcs {
            return Err(TextSectionError::NoSuchFunction {
                func,
                num_funcs: self.num_funcs,
            });
        }
        Ok(())
    }

    /// Append function `func_index` (its code and its calls), aligned to at least
    /// `align`; returns its offset. Nothing is appended when an error is returned.
    pub fn append(
        &mut self,
        func_index: u32,
        bytes: &[u8],
        relocs: &[RelocRecord],
        align: CodeOffset,
    ) -> Result<CodeOffset, TextSectionError> {
        self.check_func(func_index)?;
        if self.offsets[func_index as usize].is_some() {
            return Err(TextSectionError::AppendedTwice { func: func_index });
        }
        let mut uses = Vec::with_capacity(relocs.len());
        let mut chains = 0;
        for r in relocs {
            self.check_func(r.target_func)?;
            let unsupported = || TextSectionError::UnsupportedReloc {
                func: func_index,
                offset: r.offset,
                kind: r.kind,
                addend: r.addend,
            };
            let kind = L::from_reloc(r.kind, r.addend).ok_or_else(unsupported)?;
            if r.offset
                .checked_add(kind.patch_size())
                .is_none_or(|end| end > bytes.len() as CodeOffset)
            {
                return Err(TextSectionError::RelocOutsideFunction {
                    func: func_index,
                    offset: r.offset,
                });
            }
            chains += self.buf.chain_size(kind);
            uses.push((r.offset, MachLabel(r.target_func), kind));
        }
        let align = align.max(self.opts.function_alignment).max(L::INSN_ALIGN);
        let distance = (bytes.len() as CodeOffset)
            .saturating_add(align)
            .saturating_add(self.opts.padding_between_functions)
            .saturating_add(chains);
        if self.buf.island_needed(distance) {
            self.emit_island(distance);
        }

        self.buf.align_to(align);
        let start = self.buf.cur_offset();
        self.buf.bind_label(MachLabel(func_index));
        self.buf.put_data(bytes);
        for (off, label, kind) in uses {
            if self.opts.force_veneers {
                self.buf.use_label_forcing_veneer(start + off, label, kind);
            } else {
                self.buf.use_label_at_offset(start + off, label, kind);
            }
        }
        // The padding may be what pushes this function's own calls out of reach: an
        // island can go between the function and its padding.
        let padding = self.opts.padding_between_functions;
        if padding > 0 && self.buf.island_needed(padding) {
            self.emit_island(padding);
        }
        self.buf.put_padding(padding);
        self.offsets[func_index as usize] = Some(start);
        self.call_fixups += relocs.len() as u64;
        Ok(start)
        // Post-invariant: the buffer's deadline invariant holds (the island above made
        // room for `distance` bytes).
    }

    /// An island between functions. It looks further ahead than `distance`, or islands
    /// would come after nearly every function: 1/64 of the soonest use's reach costs at
    /// most that fraction of forward calls an early veneer, and makes islands rare.
    fn emit_island(&mut self, distance: CodeOffset) {
        let horizon = self
            .buf
            .soonest_range()
            .map_or(0, |r| r / ISLAND_HORIZON_DIVISOR);
        self.buf.emit_island_at_boundary(distance.max(horizon));
    }

    /// Place the last island and resolve every call.
    pub fn finish(self) -> Result<TextSection, TextSectionError> {
        if let Some(func) = self.offsets.iter().position(Option::is_none) {
            return Err(TextSectionError::NotAppended { func: func as u32 });
        }
        let f = self
            .buf
            .try_finish()
            .map_err(TextSectionError::Unresolvable)?;
        let stats = TextSectionStats {
            functions: self.num_funcs as u64,
            call_fixups: self.call_fixups,
            islands: f.stats.islands,
            veneers_by_kind: f.stats.veneers_by_kind,
            veneer_bytes: f.stats.veneer_bytes,
            shared_veneer_uses: f.stats.shared_veneer_uses,
            padding_bytes: f.stats.padding_bytes,
            relocations_left: f.relocs.len() as u64,
        };
        Ok(TextSection {
            code: f.data,
            function_offsets: self.offsets.into_iter().flatten().collect(),
            islands: f.islands,
            stats,
        })
    }
}
