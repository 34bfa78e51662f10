//! Atoll's host runtime. Implemented so far: [`code_memory`] (a text section mapped
//! read+execute, never writable and executable at once; relocations refused).
//!
//! ```text
//! image (ELF) --load: one mmap, refuse relocations--> Module
//!   --instantiate: memories, tables, globals, VMContext, run init--> Instance
//!   --call export through its entry trampoline--> results | Trap
//! ```
//!
//! This crate will own:
//! - **Loading** an image with one `mmap` of its text section, made executable
//!   without any patching; an image with a relocation is refused with an error.
//! - **Instantiation**: linear memories (on 64-bit hosts a 4 GiB reservation plus
//!   guard pages, so most accesses need no bounds check), tables, globals, the
//!   VMContext laid out by `atoll_wasm`'s `VMOffsets`, imports (including the spectest
//!   ones used by the spec testsuite), then the image's init function.
//! - **Calls** to exports through the uniform entry trampoline
//!   (`vmctx, caller_vmctx, values_ptr, values_len`).
//! - **Traps**: a signal handler maps the faulting PC through the image's trap table
//!   to a trap code and unwinds to the entry trampoline; messages name the wasm byte
//!   offset through the address map.
//! - **Stack limit and interrupts**: the stack limit lives first in the runtime
//!   limits; an interrupt stores a sentinel there, which every function entry and
//!   loop header notices, and the trap is reported as an interrupt.

#![deny(rust_2018_idioms)]

pub mod code_memory;
