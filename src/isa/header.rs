//! The `set` and `target` lines at the top of a CLIF test file, resolved together.
//!
//! `set` lines accumulate into the shared flags; each `target` line takes a snapshot of
//! the shared flags in force where it appears (a `set` after a `target` affects only
//! later targets). A target Atoll cannot build for (another architecture, or a
//! backend left out of this build) is not an error: it is returned as skipped, with
//! the reason, so a runner can report it and go on with the other targets.

use super::{parse_target_line, LookupError, TargetLineError, TargetSpec};
use crate::codegen::settings::{Builder, Flags, SettingsError};
use std::fmt;

/// One header line, without its keyword or with it (both are accepted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderLine<'a> {
    Set(&'a str),
    Target(&'a str),
}

/// A target of a test file with the flags it is compiled with.
#[derive(Clone, Debug)]
pub struct TestTarget {
    /// Index of its `target` line in the input.
    pub index: usize,
    pub spec: TargetSpec,
    pub shared: Flags,
}

/// Every target of a test file, and the shared flags after the last `set` line (for
/// files without `target` lines).
#[derive(Clone, Debug)]
pub struct ResolvedHeader {
    pub targets: Vec<TestTarget>,
    /// `target` lines (by index) Atoll cannot build for, with the reason.
    pub skipped: Vec<(usize, LookupError)>,
    pub shared: Flags,
}

/// A header line that is wrong (unknown flag, bad value, unknown target name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    /// Index of the offending line in the input.
    pub index: usize,
    pub error: TargetLineError,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for HeaderError {}

/// Resolves the header lines of one test file, in order.
pub fn resolve_header<'a>(
    lines: impl IntoIterator<Item = HeaderLine<'a>>,
) -> Result<ResolvedHeader, HeaderError> {
    let mut shared: Builder = Flags::builder();
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let at = |error: TargetLineError| HeaderError { index, error };
        match line {
            HeaderLine::Set(text) => shared
                .apply_line(text)
                .map_err(|e: SettingsError| at(e.into()))?,
            HeaderLine::Target(text) => match parse_target_line(text) {
                Ok(spec) => targets.push(TestTarget {
                    index,
                    spec,
                    shared: Flags::new(&shared),
                }),
                Err(TargetLineError::Lookup(e @ LookupError::Unsupported { .. }))
                | Err(TargetLineError::Lookup(e @ LookupError::NotCompiledIn { .. })) => {
                    skipped.push((index, e))
                }
                Err(e) => return Err(at(e)),
            },
        }
    }
    Ok(ResolvedHeader {
        targets,
        skipped,
        shared: Flags::new(&shared),
    })
}
