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

//!
//! What `Inst` covers (DESIGN §3's scalar core): integer ALU at 8/16/32/64 bits with
//! register, memory and immediate operands, compares and `test`, shifts and rotates,
//! `mul`/`imul`/`div`/`idiv`, bit counts, `bswap`, `setcc`/`cmov`, moves, constants,
//! zero/sign-extending loads, stores, `lea`, RIP-relative constants and function
//! addresses, SSE scalar arithmetic/compare/convert/round/min/max/sqrt and bitwise ops,
//! `movd`/`movq`, VEX `vfmadd213ss/sd`, atomics (`lock cmpxchg`, `lock xadd`, `xchg`,
//! `mfence`), jumps, jump tables, calls, returns, traps, push/pop. Pseudo-instructions
//! with internal branches implement the operations x86 has no single instruction for
//! (wasm `fmin`/`fmax`, float select, all trapping and saturating float-to-int
//! conversions, `u64` to float, rounding without SSE4.1, atomic read-modify-write
//! loops, the inline stack probe).
//!
//! [`X64Backend`] (`isa`) is the `TargetIsa`: it picks the function's convention
//! ([`abi::X64Abi`]: `system_v`, `fast`, `windows_fastcall`), lowers with
//! [`X64Lower`] (`lower/`, one file per opcode family) and runs the shared pipeline
//! `atoll_codegen::context::compile`.
//!
//! Tests: `tests/lower_exec.rs` (CLIF compiled end to end and executed natively),
//! `tests/lower_proptest.rs` and `tests/float_proptest.rs` (every integer and float
//! opcode against a Rust model), `tests/encoding.rs` (table from llvm-mc), `tests/encoding_proptest.rs`
//! (random instructions against llvm-mc), `tests/branches.rs` (objdump-checked reach
//! and veneers), `tests/float_seq_exec.rs`, `tests/atomic_exec.rs`,
//! `tests/veneer_exec.rs` and `tests/buffer_integration.rs` (native execution through
//! `gcc`-linked drivers, including the shared `MachBuffer` and text-section builder).

#![deny(rust_2018_idioms)]

pub mod abi;
pub mod emit;
pub mod imms;
pub mod inst;
pub mod isa;
pub mod label_use;
pub mod lower;
pub mod regs;
pub mod settings;

pub use emit::EmitState;
pub use inst::Inst;
pub use isa::X64Backend;
pub use label_use::LabelUse;
pub use lower::X64Lower;
