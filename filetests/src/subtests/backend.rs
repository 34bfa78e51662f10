//! `test compile` and `test run`: delegated to the environment's backends, once per
//! usable target of the file. Until a backend exists the environment reports a skip.
//! Targets this build cannot test are left out; when none is left the subtest is
//! skipped with the reason.

use crate::env::{HookError, TargetDesc};
use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

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
        let Ok(file) = ctx.parsed else {
            return Outcome::Failed("file does not parse".into()).into();
        };
        let targets = match usable_targets(ctx) {
            Ok(t) => t,
            Err(skip) => return skip,
        };
        let precise = ctx.test.options.iter().any(|o| o == "precise-output");
        let mut outputs = Vec::new();
        for target in targets {
            for func in &file.functions {
                match ctx.env.compile(target, func, &ctx.test.options) {
                    Ok(text) => outputs.push((func, text)),
                    Err(e) => return hook_failure(e),
                }
            }
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

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let Ok(file) = ctx.parsed else {
            return Outcome::Failed("file does not parse".into()).into();
        };
        let targets = match usable_targets(ctx) {
            Ok(t) => t,
            Err(skip) => return skip,
        };
        for target in targets {
            for func in &file.functions {
                if let Err(e) = ctx.env.run(target, func) {
                    return hook_failure(e);
                }
            }
        }
        Outcome::Passed.into()
    }
}
