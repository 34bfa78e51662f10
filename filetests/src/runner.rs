//! Running test files and summing up.
//!
//! Each `(file, test line)` pair is one test and ends passed, failed or skipped; the
//! summary's last line is `N passed, N failed` (plus `, N skipped` when any were),
//! and the run succeeds iff nothing failed. A file that cannot be read, has no `test`
//! line, or names an unknown subtest counts as one failed test.
//!
//! In bless mode the expectation blocks that subtests report are rewritten in the file
//! (once per file, after all its subtests ran) and the mismatches count as passes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use atoll_codegen::text::parse_test;

use crate::bless::bless;
use crate::discover::{discover, DiscoverError};
use crate::env::TestEnvironment;
use crate::header::scan_test_lines;
use crate::subtest::{self, Context, Outcome, RunLineCounts};

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Rewrite expectation blocks instead of failing (`ATOLL_BLESS=1`).
    pub bless: bool,
    /// Also print a line for each passed test.
    pub verbose: bool,
}

impl RunOptions {
    /// Options from the environment: `ATOLL_BLESS=1` turns on bless mode.
    pub fn from_env() -> Self {
        RunOptions {
            bless: std::env::var("ATOLL_BLESS").is_ok_and(|v| v == "1"),
            verbose: false,
        }
    }
}

/// The results for one file: one `(test name, outcome)` per `test` line.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// One entry per test of the file.
    pub results: Vec<(String, Outcome)>,
    /// Whether the file was rewritten (bless mode).
    pub blessed: bool,
    /// `; run:` lines executed in this file.
    pub run_lines: RunLineCounts,
}

/// Totals over a run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Per-file reports, in run order.
    pub files: Vec<FileReport>,
    /// Tests passed.
    pub passed: usize,
    /// Tests failed.
    pub failed: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// `; run:` lines over all files.
    pub run_lines: RunLineCounts,
}

impl Summary {
    /// The last line of a run: `N passed, N failed[, N skipped]`.
    pub fn line(&self) -> String {
        let mut s = format!("{} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            let _ = write!(s, ", {} skipped", self.skipped);
        }
        s
    }

    /// True iff no test failed.
    pub fn success(&self) -> bool {
        self.failed == 0
    }

    fn add(&mut self, report: FileReport) {
        for (_, outcome) in &report.results {
            match outcome {
                Outcome::Passed => self.passed += 1,
                Outcome::Failed(_) => self.failed += 1,
                Outcome::Skipped(_) => self.skipped += 1,
            }
        }
        self.files.push(report);
    }
}

/// Renders one file's report: failures with their messages, skips with their reasons,
/// passes only when `verbose`.
pub fn render_report(report: &FileReport, verbose: bool) -> String {
    let mut out = String::new();
    let path = report.path.display();
    for (name, outcome) in &report.results {
        match outcome {
            Outcome::Passed if verbose => {
                let _ = writeln!(out, "ok {path} (test {name})");
            }
            Outcome::Passed => {}
            Outcome::Skipped(reason) => {
                let _ = writeln!(out, "SKIP {path} (test {name}): {reason}");
            }
            Outcome::Failed(message) => {
                let _ = writeln!(out, "FAIL {path} (test {name}):");
                for line in message.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    }
    if report.blessed {
        let _ = writeln!(out, "blessed {path}");
    }
    let n = report.run_lines;
    if verbose && n.total() > 0 {
        let _ = writeln!(
            out,
            "  {path}: {} run lines passed, {} failed; {} islands, {} veneers",
            n.passed, n.failed, n.islands, n.veneers
        );
    }
    out
}

/// Runs every test file under `paths`, printing each file's report as it finishes
/// and the summary line last.
pub fn run_paths(
    paths: &[PathBuf],
    env: &dyn TestEnvironment,
    options: &RunOptions,
    print: &mut dyn FnMut(&str),
) -> Result<Summary, DiscoverError> {
    let files = discover(paths)?;
    let mut summary = Summary::default();
    for path in files {
        let report = run_file(&path, env, options);
        print(&render_report(&report, options.verbose));
        summary.run_lines.add(report.run_lines);
        summary.add(report);
    }
    print(&closing_note(&summary));
    if summary.run_lines.total() > 0 {
        let n = summary.run_lines;
        print(&format!(
            "run lines: {} passed, {} failed\n",
            n.passed, n.failed
        ));
        print(&format!(
            "text sections: {} islands, {} veneers\n",
            n.islands, n.veneers
        ));
    }
    print(&format!("{}\n", summary.line()));
    Ok(summary)
}

/// The closing note of a run with failures: one line per failed test, `path (test
/// name): ` and the first line of its message (which names the reason).
pub fn closing_note(summary: &Summary) -> String {
    let mut out = String::new();
    for report in &summary.files {
        for (name, outcome) in &report.results {
            if let Outcome::Failed(message) = outcome {
                if out.is_empty() {
                    out.push_str("failed:\n");
                }
                let first = message.lines().next().unwrap_or("");
                let _ = writeln!(out, "  {} (test {name}): {first}", report.path.display());
            }
        }
    }
    out
}

/// Runs all tests of one file (and rewrites it in bless mode).
pub fn run_file(path: &Path, env: &dyn TestEnvironment, options: &RunOptions) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        results: Vec::new(),
        blessed: false,
        run_lines: RunLineCounts::default(),
    };
    let source = match fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            report.results.push((
                "(read)".into(),
                Outcome::Failed(format!("cannot read: {e}")),
            ));
            return report;
        }
    };
    let (results, new_source, run_lines) = run_source_counted(path, &source, env, options);
    report.results = results;
    report.run_lines = run_lines;
    if let Some(new_source) = new_source {
        match fs::write(path, new_source) {
            Ok(()) => report.blessed = true,
            Err(e) => report.results.push((
                "(bless)".into(),
                Outcome::Failed(format!("cannot write: {e}")),
            )),
        }
    }
    report
}

/// Runs all tests on `source`; returns their outcomes and, when blessing changed the
/// text, the new file contents.
pub fn run_source(
    path: &Path,
    source: &str,
    env: &dyn TestEnvironment,
    options: &RunOptions,
) -> (Vec<(String, Outcome)>, Option<String>) {
    let (results, new_source, _) = run_source_counted(path, source, env, options);
    (results, new_source)
}

/// [`run_source`], also counting the `; run:` lines executed.
pub fn run_source_counted(
    path: &Path,
    source: &str,
    env: &dyn TestEnvironment,
    options: &RunOptions,
) -> (Vec<(String, Outcome)>, Option<String>, RunLineCounts) {
    let mut run_lines = RunLineCounts::default();
    let tests = scan_test_lines(source);
    if tests.is_empty() {
        return (
            vec![(
                "(none)".into(),
                Outcome::Failed("no `test` line in file".into()),
            )],
            None,
            run_lines,
        );
    }
    let parsed = parse_test(source);
    let targets = match &parsed {
        Ok(file) => env.check_isa_lines(&file.isa_lines),
        Err(_) => Ok(Vec::new()),
    };
    let mut results = Vec::new();
    let mut rewrites = Vec::new();
    for test in &tests {
        let outcome = match (subtest::lookup(&test.name), &targets) {
            (None, _) => Outcome::Failed(format!(
                "line {}: unknown test `{}` (known: {})",
                test.line,
                test.name,
                subtest::names().collect::<Vec<_>>().join(", ")
            )),
            (Some(_), Err(msg)) => Outcome::Failed(msg.clone()),
            (Some(sub), Ok(targets)) => match (&parsed, sub.needs_parse()) {
                (Err(e), true) => Outcome::Failed(format!("{}:{e}", path.display())),
                _ => {
                    let ctx = Context {
                        path,
                        source,
                        test,
                        parsed: parsed.as_ref(),
                        targets,
                        env,
                        bless: options.bless,
                    };
                    let result = sub.run(&ctx);
                    rewrites.extend(result.rewrites);
                    run_lines.add(result.run_lines);
                    result.outcome
                }
            },
        };
        results.push((test.name.clone(), outcome));
    }
    let new_source = if rewrites.is_empty() {
        None
    } else {
        Some(bless(source, &rewrites))
    };
    (results, new_source.filter(|s| s != source), run_lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(results: &[(&str, Outcome)]) -> FileReport {
        FileReport {
            path: PathBuf::from("d/t.clif"),
            results: results
                .iter()
                .map(|(n, o)| (n.to_string(), o.clone()))
                .collect(),
            blessed: false,
            run_lines: RunLineCounts::default(),
        }
    }

    #[test]
    fn summary_lines() {
        type Case<'a> = (&'a [(&'a str, Outcome)], &'a str, bool);
        let cases: &[Case<'_>] = &[
            (&[], "0 passed, 0 failed", true),
            (
                &[
                    ("cat", Outcome::Passed),
                    ("run", Outcome::Skipped("x".into())),
                ],
                "1 passed, 0 failed, 1 skipped",
                true,
            ),
            (
                &[("cat", Outcome::Failed("m".into()))],
                "0 passed, 1 failed",
                false,
            ),
        ];
        for &(results, line, ok) in cases {
            let mut s = Summary::default();
            s.add(report(results));
            assert_eq!(s.line(), line);
            assert_eq!(s.success(), ok);
        }
    }

    #[test]
    fn reports() {
        let r = report(&[
            ("cat", Outcome::Passed),
            ("compile", Outcome::Skipped("no backend for x64 yet".into())),
            ("verifier", Outcome::Failed("a\nb".into())),
        ]);
        assert_eq!(
            render_report(&r, false),
            "SKIP d/t.clif (test compile): no backend for x64 yet\nFAIL d/t.clif (test verifier):\n    a\n    b\n"
        );
        assert!(render_report(&r, true).starts_with("ok d/t.clif (test cat)\n"));
    }
}
