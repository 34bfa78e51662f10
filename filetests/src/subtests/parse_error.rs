//! `test parse-error`: the file must fail to parse with exactly the error given by its
//! `; expect-error: L:C: message` comment.

use crate::expect::directive;
use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

/// The `parse-error` subtest.
pub struct ParseErrorTest;

impl Subtest for ParseErrorTest {
    fn name(&self) -> &'static str {
        "parse-error"
    }

    fn needs_parse(&self) -> bool {
        false
    }

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let Some(expected) = ctx.source.lines().find_map(|l| {
            let comment = l.find(';').map(|i| &l[i..])?;
            directive(comment, "expect-error:")
        }) else {
            return Outcome::Failed("no `; expect-error: L:C: message` comment in file".into())
                .into();
        };
        match ctx.parsed {
            Ok(_) => Outcome::Failed(format!(
                "the file parsed, but this error was expected: {expected}"
            )),
            Err(e) if e.to_string() == expected => Outcome::Passed,
            Err(e) => Outcome::Failed(format!("expected error: {expected}\n     got error: {e}")),
        }
        .into()
    }
}
