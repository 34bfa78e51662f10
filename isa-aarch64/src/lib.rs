//! The AArch64 backend of Atoll.
//!
//! Every ISA crate has the same modules and type names: `regs` (register file),
//! `imms` (immediates that can only hold encodable values), `inst` (the `Inst`
//! enum and its printer), `emit` (encoder and `EmitState`), `label_use` (`LabelUse`
//! kinds with ranges and veneers), `abi` (calling conventions, prologue/epilogue,
//! spills) and `lower` (instruction selection from CLIF).
//!
//! Registers reserved for veneers: `x16` and `x17` (IP0/IP1); `x18` (platform) is
//! never used; `x29` is the frame pointer and `x30` the link register. `xzr` and `sp`
//! are distinct registers even though both encode as 31 (see [`regs`]).
//!
//! Printer syntax: the assembler syntax `llvm-mc-14 -triple=aarch64` accepts, so a
//! printed instruction can be fed back to it (the encoding tests do exactly that).

#![deny(rust_2018_idioms)]

pub mod abi;
pub mod emit;
pub mod imms;
pub mod inst;
pub mod isa;
pub mod label_use;
pub mod lower;
pub mod regs;

pub use emit::EmitState;
pub use inst::Inst;
pub use isa::Aarch64Backend;
pub use label_use::LabelUse;
pub mod settings;
