//! The text-format test runner (`atoll test`) and its test files under `filetests/`.

#![deny(rust_2018_idioms)]

pub mod bless;
pub mod diff;
pub mod discover;
pub mod expect;
pub mod header;
