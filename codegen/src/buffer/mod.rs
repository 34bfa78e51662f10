//! The code buffer: labels, fixups, islands, veneers, constants and trap stubs.
//!
//! One mechanism serves branches inside a function, constant pools, trap stubs and
//! calls between functions (the text-section builder drives a buffer with one label
//! per function). See DESIGN.md §5.

mod island_isa;
mod label_use;
mod reloc;
mod sink;

pub use island_isa::IslandIsa;
pub use label_use::{CodeOffset, LabelUse};
pub use reloc::{Addend, Reloc};
pub use sink::{CodeSink, MachLabel, RelocTarget};
