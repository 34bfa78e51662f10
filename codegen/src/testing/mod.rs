//! Helpers for tests that check our bytes against independent tools.
//!
//! Expected encodings never come from our own encoder: tests hand bytes to GNU
//! `objdump` (native or cross binutils) or `llvm-mc-14` and compare what *they* print.
//! A missing tool is an error naming the Debian package, never a silent pass; the
//! project's test command (`scripts/test.sh`) installs them.
//!
//! [`fake_isa`] is the exception: an ISA that exists only to exercise the buffer, with
//! its own decoder as the oracle.

mod disasm;
pub mod fake_isa;
mod qemu;
mod recording_sink;
mod tools;

pub use disasm::{disassemble, DisasmArch, DisasmError, DisasmLine};
pub use qemu::{run_blob, RunError};
pub use recording_sink::RecordingSink;
