//! `test cat`: parse the file and print each function; the expected output is the
//! printed function, in the comment block after it.

use crate::subtest::{Context, Subtest, SubtestResult};

/// The `cat` subtest.
pub struct Cat;

impl Subtest for Cat {
    fn name(&self) -> &'static str {
        "cat"
    }

    fn run(&self, ctx: &Context<'_>) -> SubtestResult {
        let file = match ctx.file() {
            Ok(file) => file,
            Err(failure) => return failure,
        };
        ctx.check_blocks(file.functions.iter().map(|f| (f, f.func.to_string())))
    }
}
