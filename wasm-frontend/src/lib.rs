//! Atoll's WebAssembly frontend (not yet implemented).
//!
//! Will own: validation with wasmparser, translation of wasm functions to Atoll IR,
//! escape analysis choosing the `fast` internal calling convention for functions that
//! never escape the module, the VMContext layout (`VMOffsets`) shared with the runtime,
//! builtins, and whole-module compilation to a relocation-free image (DESIGN.md §7–8).

#![deny(rust_2018_idioms)]
