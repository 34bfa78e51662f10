//! `test compile` and `test run`: delegated to the environment's backends, once per
//! target of the file. Until a backend exists the environment reports a skip.

use crate::env::HookError;
use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

/// The `compile` subtest; with the `precise-output` option the printed machine code
/// must equal each function's expectation block.
pub struct Compile;

/// The `run` subtest: executes each function's `; run:` lines.
pub struct Run;

fn no_target() -> SubtestResult {
    Outcome::Skipped("no `target` line in file".into()).into()
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
        if ctx.targets.is_empty() {
            return no_target();
        }
        let precise = ctx.test.options.iter().any(|o| o == "precise-output");
        let mut outputs = Vec::new();
        for target in ctx.targets {
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
        if ctx.targets.is_empty() {
            return no_target();
        }
        for target in ctx.targets {
            for func in &file.functions {
                if let Err(e) = ctx.env.run(target, func) {
                    return hook_failure(e);
                }
            }
        }
        Outcome::Passed.into()
    }
}
