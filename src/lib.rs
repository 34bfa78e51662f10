//! Atoll: a WebAssembly ahead-of-time code generator with its own Cranelift-style
//! backend for x86_64, AArch64 and 32-bit Arm.
//!
//! This umbrella crate re-exports the code generator and looks up ISA backends by
//! target triple; each backend is behind a cargo feature (`x64`, `aarch64`, `arm32`).

#![deny(rust_2018_idioms)]

pub use atoll_codegen as codegen;

pub mod isa;
