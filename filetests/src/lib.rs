//! The text-format test runner (`atoll test`) and its test files under `filetests/`.

#![deny(rust_2018_idioms)]

pub mod bless;
pub mod diff;
pub mod discover;
pub mod env;
pub mod expect;
pub mod header;
pub mod runner;
pub mod subtest;
pub mod subtests;

pub use env::{HookError, TargetDesc, TestEnvironment};
pub use runner::{run_file, run_paths, run_source, FileReport, RunOptions, Summary};
pub use subtest::{Context, Outcome, Subtest, SubtestResult};
