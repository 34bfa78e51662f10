//! `test verifier`: run the verifier on each function and compare its errors with the
//! file's `; error: <fragment>` comments.
//!
//! A comment on an instruction or block line (or on a line of its own just before
//! one) expects an error *at that entity* whose text contains the fragment. A comment
//! after the function's `}` expects an error anywhere in the function whose full text
//! (`location (context): message`) contains the fragment, so it can still name a
//! location. Every expected error must
//! be reported and every reported error must be expected; a function without `error:`
//! comments must verify cleanly.

use atoll_codegen::ir::AnyEntity;
use atoll_codegen::text::TestFunction;
use atoll_codegen::verifier::{verify_function, VerifierError};

use crate::expect::directive;
use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

/// The `verifier` subtest.
pub struct Verifier;

/// One `; error:` comment.
#[derive(Debug)]
struct Expected<'a> {
    /// Where the error must be reported; `None` for the block after the function.
    at: Option<AnyEntity>,
    fragment: &'a str,
    line: u32,
}

impl Expected<'_> {
    fn matches(&self, e: &VerifierError) -> bool {
        match self.at {
            Some(at) => at == e.location && e.to_string().contains(self.fragment),
            None => e.to_string().contains(self.fragment),
        }
    }
}

fn expected_errors(func: &TestFunction) -> Vec<Expected<'_>> {
    let located = func
        .entity_comments
        .iter()
        .map(|(entity, c)| (Some(*entity), c));
    // Every comment between this function's `}` and the next function, not only the
    // expectation block: an `error:` line after a blank line must not be ignored.
    let trailing = func.comments.iter().map(|c| (None, c));
    located
        .chain(trailing)
        .filter_map(|(at, c)| {
            directive(&c.text, "error:").map(|fragment| Expected {
                at,
                fragment,
                line: c.line,
            })
        })
        .collect()
}

/// Compares reported with expected errors; returns one line per discrepancy.
fn compare(expected: &[Expected<'_>], reported: &[VerifierError]) -> Vec<String> {
    let mut used = vec![false; expected.len()];
    let mut problems = Vec::new();
    for err in reported {
        match (0..expected.len()).find(|&i| !used[i] && expected[i].matches(err)) {
            Some(i) => used[i] = true,
            None => problems.push(format!("unexpected error: {err}")),
        }
    }
    for (exp, _) in expected.iter().zip(&used).filter(|(_, u)| !**u) {
        let at = exp
            .at
            .map_or_else(|| "the function".to_string(), |e| e.to_string());
        problems.push(format!(
            "line {}: expected an error at {at} containing `{}`",
            exp.line, exp.fragment
        ));
    }
    problems
}

impl Subtest for Verifier {
    fn name(&self) -> &'static str {
        "verifier"
    }

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let file = match ctx.file() {
            Ok(file) => file,
            Err(failure) => return failure,
        };
        let mut failures = Vec::new();
        for func in &file.functions {
            let reported = match verify_function(&func.func) {
                Ok(()) => Vec::new(),
                Err(errors) => errors.0,
            };
            let problems = compare(&expected_errors(func), &reported);
            if !problems.is_empty() {
                failures.push(format!("{}:", ctx.locate(func)));
                failures.extend(problems.into_iter().map(|p| format!("  {p}")));
            }
        }
        if failures.is_empty() {
            Outcome::Passed.into()
        } else {
            Outcome::Failed(failures.join("\n")).into()
        }
    }
}
