//! Atoll's target-independent code generator.
//!
//! ```text
//! CLIF text --text::parse--> ir::Function --verifier--> lower (ISA crate) --> VCode
//!   --regalloc2--> emit --> buffer::MachBuffer (one function)
//!   --> buffer::TextSectionBuilder (all functions, islands, veneers, zero relocations)
//! ```
//!
//! This crate never depends on an ISA crate: ISA crates implement the traits defined
//! here ([`buffer::LabelUse`], and later the backend traits in [`machinst`]).

#![deny(rust_2018_idioms)]

pub mod buffer;
pub mod context;
pub mod ir;
pub mod isa;
pub mod machinst;
pub mod object;
pub mod settings;
pub mod testing;
pub mod text;
pub mod verifier;
