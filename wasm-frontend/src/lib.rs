//! Atoll's WebAssembly frontend (not yet implemented).
//!
//! ```text
//! .wat/.wasm --wasmparser (validate)--> module environment --translate--> ir::Function per body
//!   --escape analysis--> calling convention per function (native or `fast`)
//!   --codegen (per ISA)--> text-section builder --> relocation-free image (ELF)
//! ```
//!
//! This crate will own:
//! - **Validation** with wasmparser before anything else; an invalid module is an
//!   error with the byte offset, never a panic.
//! - **Translation** of each function body to Atoll IR through the SSA builder of
//!   `atoll_codegen`, with an address map (code offset → wasm byte offset) for traps.
//! - **Escape analysis**: a function escapes if it is exported, is the start function,
//!   is in an element segment, or is named by `ref.func` in a global initializer or
//!   element expression. Escaped functions use the native calling convention and get a
//!   host-to-wasm entry trampoline with one uniform signature; all others use `fast`.
//! - **`VMOffsets`**: the one VMContext layout shared with `atoll-runtime` (its first
//!   field points at the runtime limits, whose first field is the stack limit).
//! - **Builtins** (memory.grow, table operations, ...) called through the VMContext,
//!   so the image needs no relocation.
//! - **Whole-module compilation**: all functions, trampolines and the module-init
//!   function (data/element segments, globals, start) into one text section and an
//!   image with metadata (functions, exports, traps, address maps, module shape).
//!
//! Invariant it will keep: the image it writes has zero relocations.

#![deny(rust_2018_idioms)]
