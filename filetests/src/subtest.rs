//! The `Subtest` trait, what a subtest sees, what it reports, and the registry by name.
//!
//! A file's `test <name>` lines each select one subtest; the runner calls it once per
//! file with a [`Context`]. Subtests never panic on a bad file: every problem is an
//! [`Outcome::Failed`] with a message that names the function or line.

use std::path::Path;

use atoll_codegen::text::{ParseError, TestFile, TestFunction};

use crate::bless::BlockRewrite;
use crate::diff::unified_diff;
use crate::env::{TargetDesc, TestEnvironment};
use crate::expect::{comment_block_after, normalize};
use crate::header::TestLine;
use crate::subtests;

/// How one subtest went on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything expected happened.
    Passed,
    /// Something did not; the message (possibly a multi-line diff) says what.
    Failed(String),
    /// The subtest could not run here; the reason is printed with the summary.
    Skipped(String),
}

/// A subtest's outcome and, in bless mode, the expectation blocks to rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtestResult {
    /// The outcome.
    pub outcome: Outcome,
    /// Blocks whose expected text should become the produced output (bless mode only).
    pub rewrites: Vec<BlockRewrite>,
    /// `; run:` lines executed by this subtest (only `test run` has any).
    pub run_lines: RunLineCounts,
}

/// Run lines passed and failed, summed over targets (one line on two targets counts
/// twice), with the islands and veneers of the text sections they ran in (what
/// `force_veneers` and `padding_between_functions` runs check).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunLineCounts {
    pub passed: usize,
    pub failed: usize,
    pub islands: u64,
    pub veneers: u64,
}

impl RunLineCounts {
    /// Adds `other` to `self`.
    pub fn add(&mut self, other: RunLineCounts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.islands += other.islands;
        self.veneers += other.veneers;
    }

    /// Lines counted.
    pub fn total(&self) -> usize {
        self.passed + self.failed
    }
}

impl From<Outcome> for SubtestResult {
    fn from(outcome: Outcome) -> Self {
        SubtestResult {
            outcome,
            rewrites: Vec::new(),
            run_lines: RunLineCounts::default(),
        }
    }
}

/// Everything a subtest may look at.
pub struct Context<'a> {
    /// The file's path, for messages.
    pub path: &'a Path,
    /// The file's text.
    pub source: &'a str,
    /// The `test` line that selected this subtest.
    pub test: &'a TestLine,
    /// The parsed file, or why it did not parse.
    pub parsed: Result<&'a TestFile, &'a ParseError>,
    /// The targets from the file's `target` lines (validated by the environment).
    pub targets: &'a [TargetDesc],
    /// The environment (backends).
    pub env: &'a dyn TestEnvironment,
    /// Rewrite expectation blocks instead of failing on a mismatch.
    pub bless: bool,
}

impl<'a> Context<'a> {
    /// The parsed file for a subtest that [needs one](Subtest::needs_parse).
    ///
    /// The runner does not call such a subtest on a file that failed to parse, so the
    /// `Err` arm is a guard, not a path: it is the one place that says so, as a failed
    /// result the subtest returns as it is.
    pub fn file(&self) -> Result<&'a TestFile, SubtestResult> {
        self.parsed
            .map_err(|_| Outcome::Failed("file does not parse".into()).into())
    }

    /// `path:line: function %name`, the prefix of messages about one function (editors
    /// jump to it).
    pub fn locate(&self, func: &TestFunction) -> String {
        format!(
            "{}:{}: function {}",
            self.path.display(),
            func.line,
            func.func.name
        )
    }

    /// Compares each function's produced output with its expectation block.
    ///
    /// `actual` pairs each function with its output. Mismatches fail with one diff per
    /// function, or, in bless mode, become rewrites and pass.
    pub fn check_blocks<'f>(
        &self,
        actual: impl IntoIterator<Item = (&'f TestFunction, String)>,
    ) -> SubtestResult {
        let mut failures = String::new();
        let mut rewrites = Vec::new();
        for (func, output) in actual {
            let expected = comment_block_after(self.source, func.end_line).text;
            let output = normalize(&output);
            if expected == output {
                continue;
            }
            if self.bless {
                rewrites.push(BlockRewrite {
                    end_line: func.end_line,
                    text: output,
                });
            } else {
                failures.push_str(&format!(
                    "{}: output differs from the comment block after it\n{}",
                    self.locate(func),
                    unified_diff(&expected, &output)
                ));
            }
        }
        let outcome = if failures.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(failures)
        };
        SubtestResult {
            outcome,
            rewrites,
            run_lines: RunLineCounts::default(),
        }
    }
}

/// One kind of test, selected by `test <name>`.
pub trait Subtest: Sync {
    /// The name used on `test` lines.
    fn name(&self) -> &'static str;

    /// Whether the runner must have a parsed file before calling [`Subtest::run`]; when
    /// true and the file does not parse, the runner fails the subtest with the parse
    /// error and does not call it.
    fn needs_parse(&self) -> bool {
        true
    }

    /// Runs the subtest on one file.
    fn run(&self, ctx: &Context<'_>) -> SubtestResult;
}

/// All subtests, by name.
static REGISTRY: &[&dyn Subtest] = &[
    &subtests::cat::Cat,
    &subtests::verifier::Verifier,
    &subtests::parse_error::ParseErrorTest,
    &subtests::backend::Compile,
    &subtests::backend::Run,
    &subtests::unsupported::INTERPRET,
];

/// The subtest named `name`, if there is one.
pub fn lookup(name: &str) -> Option<&'static dyn Subtest> {
    REGISTRY.iter().copied().find(|s| s.name() == name)
}

/// The names of all subtests, for error messages.
pub fn names() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|s| s.name())
}
