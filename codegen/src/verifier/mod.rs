//! The IR verifier: checks that a [`Function`] is well formed before anything relies
//! on it.
//!
//! ```text
//! verify_function
//!   layout::check      every block non-empty, exactly one terminator, at its end;
//!                      layout refers only to entities the DFG has
//!   refs::check        every referenced fnN/sigN/ssN/gvN/jtN is declared
//!   flow::check        branch targets exist and are in the layout; block-call
//!                      arguments match target parameters; entry block matches the
//!                      signature; every use is dominated by its definition (SSA)
//!   typing::check      controlling type, operand and result types per opcode,
//!                      call arguments vs signatures, return values vs signature
//! ```
//!
//! Invariants: the verifier never panics, whatever the function (it checks an entity
//! exists before indexing with it); it reports *every* problem it finds, each with
//! its location (the function, a block, an instruction or a preamble entity) and, for
//! instructions, the printed instruction as context; errors come in layout order, per
//! check. Later checks skip what an earlier check already reported as malformed
//! (e.g. typing does not look at an undeclared callee's signature), so one mistake
//! gives one error.

mod domtree;
mod flow;
#[cfg(test)]
mod fuzz_tests;
mod layout;
mod refs;
#[cfg(test)]
mod tests;
mod typing;

use core::fmt;

use crate::ir::{display_inst, AnyEntity, Function, Inst};

pub use domtree::DomTree;

/// One problem found by the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierError {
    /// Where the problem is.
    pub location: AnyEntity,
    /// The printed instruction, when the location is an instruction.
    pub context: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VerifierError {
    /// `inst5 (v3 = iadd v1, v2): arg 1 has type i64, expected i32`, or
    /// `block2: block is empty` when there is no context.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.context {
            Some(ctx) => write!(f, "{} ({}): {}", self.location, ctx, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// All problems found in one function, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifierErrors(pub Vec<VerifierError>);

impl fmt::Display for VerifierErrors {
    /// One error per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for VerifierErrors {}

/// Checks `func`; returns every problem found.
pub fn verify_function(func: &Function) -> Result<(), VerifierErrors> {
    let mut errors = Errors {
        func,
        list: Vec::new(),
    };
    let layout_ok = layout::check(func, &mut errors);
    refs::check(func, &mut errors);
    if layout_ok {
        flow::check(func, &mut errors);
        typing::check(func, &mut errors);
    }
    if errors.list.is_empty() {
        Ok(())
    } else {
        Err(VerifierErrors(errors.list))
    }
}

/// The error list being built, with helpers that fill in location and context.
struct Errors<'a> {
    func: &'a Function,
    list: Vec<VerifierError>,
}

impl Errors<'_> {
    /// Reports a problem with instruction `inst` (printed as context).
    fn inst(&mut self, inst: Inst, message: impl Into<String>) {
        let context = if self.func.dfg.inst_is_valid(inst) {
            Some(display_inst(self.func, inst).to_string())
        } else {
            None
        };
        self.list.push(VerifierError {
            location: AnyEntity::Inst(inst),
            context,
            message: message.into(),
        });
    }

    /// Reports a problem with any other entity.
    fn at(&mut self, location: AnyEntity, message: impl Into<String>) {
        self.list.push(VerifierError {
            location,
            context: None,
            message: message.into(),
        });
    }
}
