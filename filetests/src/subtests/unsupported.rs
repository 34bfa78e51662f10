//! Cranelift subtests Atoll does not implement, recognized by name so that Cranelift's
//! test files run here: each is reported as skipped with the reason, never as a pass
//! and never as an unknown test (a typo still fails as unknown).

use crate::subtest::{Context, Outcome, Subtest, SubtestResult};

/// A known subtest that always skips.
pub struct Unsupported {
    /// The name on `test` lines.
    pub name: &'static str,
    /// Why it is skipped.
    pub reason: &'static str,
}

/// `test interpret`: Cranelift's IR interpreter. Atoll executes `; run:` lines on real
/// or emulated hardware only (`test run`).
pub static INTERPRET: Unsupported = Unsupported {
    name: "interpret",
    reason: "Atoll has no IR interpreter (`test run` executes `; run:` lines)",
};

impl Subtest for Unsupported {
    fn name(&self) -> &'static str {
        self.name
    }

    fn needs_parse(&self) -> bool {
        false
    }

    fn run(&self, _ctx: &Context<'_>) -> SubtestResult {
        Outcome::Skipped(self.reason.to_string()).into()
    }
}
