//! The arm32 backend of Atoll: A32 encoding (ARMv7-A with the division extension and
//! VFPv3-D16, plus the ARMv8 `vrint*`/`vmaxnm` forms behind `has_v8`), little-endian.
//!
//! Every ISA crate has the same modules and type names: `regs` (register file,
//! `machine_env`), `imms` (immediates that can only hold encodable values), `inst`
//! (the `Inst` enum, its printer, `gen_*` synthesizers and the `MachInst` impl),
//! `emit` (encoder and `EmitState`), `label_use` (`LabelUse` kinds with ranges and
//! veneers), `abi` (calling conventions, prologue/epilogue, spills), `lower`
//! (instruction selection, one file per opcode family; `i64` as register pairs) and
//! `isa` ([`Arm32Backend`], the `TargetIsa`).
//!
//! - Registers reserved for veneers: `ip` (r12). It never carries an argument or a
//!   value live across a call (synthesized sequences use it as a scratch only within
//!   straight-line code); r11 is the frame pointer.
//! - Float values live in D registers; an `f32` uses the low S half (see [`regs`]).
//! - Printer syntax: LLVM's (`llvm-mc -triple=armv7a`), so printed code compares with
//!   the assembler the encoding tests use.
//!
//! Tests: `tests/encoding.rs` (table from llvm-mc), `tests/encoding_random.rs`
//! (random instructions, differential against llvm-mc), `tests/branches.rs`
//! (objdump-checked branches, literals and veneer chains), `tests/qemu_veneer.rs` and
//! `tests/pipeline.rs` (executed under qemu-arm).

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
pub use isa::Arm32Backend;
pub use label_use::LabelUse;
pub mod settings;
