//! The arm32 backend of Atoll.
//!
//! Every ISA crate has the same modules and type names: `regs` (register file),
//! `imms` (immediates that can only hold encodable values), `inst` (the `Inst`
//! enum), `emit` (encoder and `EmitState`), `label_use` (`LabelUse` kinds with
//! ranges and veneers), `abi` (calling conventions) and `lower` (instruction
//! selection). Modules appear here as the backend grows.

#![deny(rust_2018_idioms)]
pub mod settings;
