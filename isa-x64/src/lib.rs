//! The x64 backend of Atoll.
//!
//! Every ISA crate has the same modules and type names: `regs` (register file),
//! `imms` (immediates that can only hold encodable values), `inst` (the `Inst`
//! enum and its printer), `emit` (encoder and `EmitState`), `label_use` (`LabelUse`
//! kinds with ranges and veneers), `abi` (calling conventions) and `lower` (instruction
//! selection). Modules appear here as the backend grows. `Inst` implements
//! `atoll_codegen::machinst::MachInst` (operand collection for regalloc2, moves,
//! jumps, terminators) in `inst/mach_inst.rs`.
//!
//! - **Registers reserved for veneers**: `r10` and `r11` (`regs::VENEER_SCRATCH`). The
//!   long veneer that extends `jmp`/`jcc`/`call` rel32 beyond ±2 GiB clobbers both (and
//!   nothing else, not even the flags); see [`label_use`].
//! - **Printer syntax**: Intel, exactly as `llvm-mc-14 -x86-asm-syntax=intel
//!   -output-asm-variant=1` prints it: destination first, lower-case mnemonics, one
//!   space after the mnemonic, `, ` between operands, sized memory operands
//!   (`qword ptr [rax + 4*rbx + 16]`, `[rip + label]`), decimal displacements,
//!   immediates in decimal, labels as `label<N>`.

#![deny(rust_2018_idioms)]

pub mod emit;
pub mod imms;
pub mod inst;
pub mod label_use;
pub mod regs;
pub mod settings;

pub use emit::EmitState;
pub use inst::Inst;
pub use label_use::LabelUse;
