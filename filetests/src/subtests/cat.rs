//! `test cat`: parse the file and print each function; the expected output is the
//! printed function, in the comment block after it.

use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

/// The `cat` subtest.
pub struct Cat;

impl Subtest for Cat {
    fn name(&self) -> &'static str {
        "cat"
    }

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let Ok(file) = ctx.parsed else {
            return Outcome::Failed("file does not parse".into()).into();
        };
        ctx.check_blocks(file.functions.iter().map(|f| (f, f.func.to_string())))
    }
}
