//! `test compile` and `test run`, once per usable target of the file, on the backend
//! the environment builds for it (a skip until that backend exists). `compile`
//! compiles each function (`precise-output`: see [`super::precise`]); `run` executes
//! the file's run lines through [`crate::run`].
//! Targets this build cannot test are left out; when none is left the subtest is
//! skipped with the reason.
//!
//! Every function is verified first: invalid IR fails the test whatever the target,
//! and backends are only ever handed functions the verifier accepts.

use atoll_codegen::text::TestFile;
use atoll_codegen::verifier::verify_function;

use super::precise::precise_output;
use crate::env::{HookError, TargetDesc};
use crate::run::exec::executor_for;
use crate::run::{collect_run_lines, run_file};
use crate::subtest::{Context, Outcome, RunLineCounts, Subtest, SubtestResult};

/// The `compile` subtest; with the `precise-output` option the printed machine code
/// must equal each function's expectation block.
pub struct Compile;

/// The `run` subtest: executes each function's `; run:` lines.
pub struct Run;

/// The targets to test on, or the skip that says why there are none.
fn usable_targets<'a>(ctx: &Context<'a>) -> Result<Vec<&'a TargetDesc>, SubtestResult> {
    let usable: Vec<_> = ctx
        .targets
        .iter()
        .filter(|t| t.unavailable.is_none())
        .collect();
    if !usable.is_empty() {
        return Ok(usable);
    }
    let reason = match ctx.targets.iter().find_map(|t| t.unavailable.clone()) {
        Some(reason) => reason,
        None => "no `target` line in file".into(),
    };
    Err(Outcome::Skipped(reason).into())
}

/// Verifies every function of `file`; the failure lists each function's errors.
fn verify_all(ctx: &Context<'_>, file: &TestFile) -> Result<(), SubtestResult> {
    let mut report = String::new();
    for f in &file.functions {
        if let Err(errors) = verify_function(&f.func) {
            report.push_str(&format!("{} does not verify:\n{errors}", ctx.locate(f)));
        }
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(Outcome::Failed(report).into())
    }
}

fn hook_failure(e: HookError) -> SubtestResult {
    match e {
        HookError::Skipped(reason) => Outcome::Skipped(reason),
        HookError::Failed(message) => Outcome::Failed(message),
    }
    .into()
}

impl Subtest for Compile {
    fn name(&self) -> &'static str {
        "compile"
    }

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let file = match ctx.file() {
            Ok(file) => file,
            Err(failure) => return failure,
        };
        if let Err(failure) = verify_all(ctx, file) {
            return failure;
        }
        let targets = match usable_targets(ctx) {
            Ok(t) => t,
            Err(skip) => return skip,
        };
        let precise = ctx.test.options.iter().any(|o| o == "precise-output");
        let targets = if precise {
            // Expected machine code belongs to the ISA the file names; a target forced
            // onto the file by `--target` has none to compare with.
            let own: Vec<_> = targets.iter().copied().filter(|t| !t.forced).collect();
            if own.is_empty() {
                let forced: Vec<_> = targets.iter().map(|t| t.name.as_str()).collect();
                return Outcome::Skipped(format!(
                    "precise-output expectations are for the file's own targets, not {}",
                    forced.join(", ")
                ))
                .into();
            }
            own
        } else {
            targets
        };
        if precise && targets.len() > 1 {
            // One expectation block per function cannot hold several targets' code.
            let names: Vec<_> = targets.iter().map(|t| t.name.as_str()).collect();
            return Outcome::Failed(format!(
                "precise-output needs exactly one target, the file has {} ({}); choose one with --target",
                names.len(),
                names.join(", ")
            ))
            .into();
        }
        let mut outputs = Vec::new();
        let mut failures = String::new();
        for target in targets {
            let isa = match ctx.env.isa(target) {
                Ok(isa) => isa,
                Err(e) => return hook_failure(e),
            };
            for func in &file.functions {
                let compiled = match isa.compile_function(&func.func) {
                    Ok(c) => c,
                    Err(e) => {
                        failures.push_str(&format!(
                            "{target}: function {} (line {}) does not compile: {e}\n",
                            func.func.name, func.line
                        ));
                        continue;
                    }
                };
                if precise {
                    match precise_output(&*isa, &compiled) {
                        Ok(text) => outputs.push((func, text)),
                        Err(e) => {
                            failures.push_str(&format!("{target}: disassembly failed: {e}\n"))
                        }
                    }
                }
            }
        }
        if !failures.is_empty() {
            return Outcome::Failed(failures).into();
        }
        if precise {
            ctx.check_blocks(outputs)
        } else {
            Outcome::Passed.into()
        }
    }
}

impl Subtest for Run {
    fn name(&self) -> &'static str {
        "run"
    }

    /// Runs every run line on every usable target (see [`crate::run`]); the outcome
    /// lists each failed line, and the counts go to the summary.
    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let file = match ctx.file() {
            Ok(file) => file,
            Err(failure) => return failure,
        };
        if let Err(mut failure) = verify_all(ctx, file) {
            failure.run_lines.failed = collect_run_lines(file, ctx.source).len();
            return failure;
        }
        let targets = match usable_targets(ctx) {
            Ok(t) => t,
            Err(skip) => return skip,
        };
        let mut counts = RunLineCounts::default();
        let mut failures = String::new();
        let mut skips = Vec::new();
        for target in targets {
            let run = ctx.env.isa(target).and_then(|isa| {
                let exec = executor_for(isa.name())?;
                run_file(&*isa, file, ctx.source, &*exec)
            });
            let (results, islands, veneers) = match run {
                Ok(r) => (r.results, r.islands, r.veneers),
                Err(HookError::Skipped(why)) => {
                    if !skips.contains(&why) {
                        skips.push(why);
                    }
                    continue;
                }
                Err(HookError::Failed(why)) => {
                    failures.push_str(&format!("{target}: {why}\n"));
                    continue;
                }
            };
            let failed: Vec<_> = results.iter().filter(|r| r.outcome.is_err()).collect();
            counts.add(RunLineCounts {
                passed: results.len() - failed.len(),
                failed: failed.len(),
                islands,
                veneers,
            });
            if let Some(first) = failed.first() {
                let why = first.outcome.as_ref().err().map_or("", |s| s.as_str());
                let why = why.lines().next().unwrap_or("");
                failures.push_str(&format!(
                    "{target}: {} of {} run lines failed (first: line {}: {why})\n",
                    failed.len(),
                    results.len(),
                    first.line
                ));
                for r in failed {
                    let why = r.outcome.as_ref().err().map_or("", |s| s.as_str());
                    failures.push_str(&format!("  line {}: {}: {why}\n", r.line, r.text));
                }
            }
        }
        let outcome = if !failures.is_empty() {
            Outcome::Failed(failures)
        } else if counts.total() == 0 && !skips.is_empty() {
            Outcome::Skipped(skips.join("; "))
        } else {
            Outcome::Passed
        };
        SubtestResult {
            outcome,
            rewrites: Vec::new(),
            run_lines: counts,
        }
    }
}
