//! The text-format test runner (`atoll test`) and its test files under `filetests/`.
//!
//! ```text
//! paths --discover--> sorted .clif files
//!   each file: header::scan_test_lines (textual, so unparsable files still run)
//!              text::parse_test, TestEnvironment::check_isa_lines (set/target lines)
//!              one Subtest per `test` line --> Outcome (+ blocks to rewrite when blessing)
//!   --> per-file report, then `N passed, N failed[, N skipped]`
//! ```
//!
//! A test file is CLIF with CLIF's conventions:
//!
//! ```text
//! test verifier                  ; one line per subtest: cat, verifier, parse-error,
//!                                ; compile [precise-output], run
//! set opt_level=speed            ; settings and targets, validated by the environment
//! target x86_64
//!
//! function %f(i32, i64) {
//! block0(v0: i32, v1: i64):
//!     v2 = iadd v0, v1  ; error: arg 1 has type i64    <- located expectation
//!     return
//! }
//! ; whole-line comments right after `}`: the function's expectation block
//! ```
//!
//! - `cat` and `compile precise-output` compare produced text with the expectation
//!   block ([`expect`]); a mismatch prints a unified diff, and `ATOLL_BLESS=1` rewrites
//!   the blocks in place instead ([`bless`]), leaving every other byte alone.
//! - `verifier` matches `; error:` comments against the verifier's report (see
//!   [`subtests::verifier`]); `parse-error` wants exactly the parser's
//!   `; expect-error: L:C: message`.
//! - `compile` and `run` verify each function, then ask the [`TestEnvironment`]
//!   (implemented by the `atoll` crate, which owns the backends); until a backend
//!   exists they are counted as skipped, with the reason printed.
//!
//! Each `(file, test line)` pair counts as one test.

#![deny(rust_2018_idioms)]

pub mod bless;
pub mod diff;
pub mod discover;
pub mod env;
pub mod expect;
pub mod header;
pub mod run;
pub mod runner;
pub mod subtest;
pub mod subtests;

pub use env::{HookError, TargetDesc, TestEnvironment};
pub use runner::{run_file, run_paths, run_source, FileReport, RunOptions, Summary};
pub use subtest::{Context, Outcome, RunLineCounts, Subtest, SubtestResult};
