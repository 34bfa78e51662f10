//! Atoll's host runtime (not yet implemented).
//!
//! Will own: loading an image with one `mmap` (refusing any relocation), instantiation
//! (memories, tables, VMContext), calling exports through the uniform entry
//! trampolines, trap handling through the trap table, the stack limit and interrupts
//! (DESIGN.md §8).

#![deny(rust_2018_idioms)]
