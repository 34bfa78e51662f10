//! `atoll run [--target T] FILE.clif`: execute the file's `; run:` lines.
//!
//! Targets are the file's own `target` lines (with its `set` lines), or only those of
//! the ISA `--target` names — the same rule as `atoll test --target` (a file without
//! a `target` line of that ISA runs on it with its `set` lines). Each run line prints
//! one line:
//!
//! ```text
//! x86_64: text: 64 bytes, 2 functions, 0 islands, 0 veneers, 0 relocations
//! x86_64 line 12: %add(1, 2) == 3: ok (3)
//! x86_64 line 13: %add(2, 2) == 5: FAIL: expected == 5, got 4
//! 1 passed, 1 failed
//! ```
//!
//! The last line counts run lines over all targets; the exit status is 1 when any
//! failed. A target this host cannot execute is reported as skipped (one line).

use std::fmt::Write as _;
use std::path::PathBuf;

use atoll::isa::lookup;
use atoll_filetests::run::exec::executor_for;
use atoll_filetests::run::run_file;
use atoll_filetests::{HookError, TargetDesc, TestEnvironment};

use super::compile::{print, read_clif};
use super::test::Env;
use super::CliError;

#[derive(clap::Args, Debug)]
pub struct Options {
    /// Run only on this target (x86_64, aarch64, arm, or a triple).
    #[arg(long, short = 't', value_name = "TARGET")]
    pub target: Option<String>,

    /// The CLIF file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let (source, file) = read_clif(&opts.file)?;
    let forced = opts
        .target
        .as_deref()
        .map(lookup)
        .transpose()?
        .map(|d| d.kind);
    let env = Env { forced };
    let targets: Vec<TargetDesc> = env
        .check_isa_lines(&file.isa_lines)
        .map_err(|e| CliError::Message(format!("{}:{e}", opts.file.display())))?
        .into_iter()
        .filter(|t| t.unavailable.is_none())
        .collect();
    if targets.is_empty() {
        return Err(CliError::Message(format!(
            "{}: no target to run on (add a `target` line or --target)",
            opts.file.display()
        )));
    }
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for target in &targets {
        let results = env.isa(target).and_then(|isa| {
            let exec = executor_for(isa.name())?;
            run_file(&*isa, &file, &source, &*exec)
        });
        let results = match results {
            Ok(r) => {
                if let Some(stats) = &r.stats {
                    let _ = writeln!(out, "{target}: {stats}");
                }
                r.results
            }
            Err(HookError::Skipped(why)) => {
                let _ = writeln!(out, "{target}: skipped: {why}");
                continue;
            }
            Err(HookError::Failed(why)) => {
                return Err(CliError::Message(format!("{target}: {why}")))
            }
        };
        for r in results {
            match &r.outcome {
                Ok(shown) => {
                    passed += 1;
                    let _ = writeln!(out, "{target} line {}: {}: ok ({shown})", r.line, r.text);
                }
                Err(why) => {
                    failed += 1;
                    let _ = writeln!(out, "{target} line {}: {}: FAIL: {why}", r.line, r.text);
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    print(&out)?;
    if failed == 0 {
        Ok(())
    } else {
        Err(CliError::Message(format!("{failed} run line(s) failed")))
    }
}
