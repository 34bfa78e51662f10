//! What the runner needs from the outside world: targets and backends.
//!
//! `atoll-filetests` cannot depend on the `atoll` crate (which owns ISA lookup and the
//! settings tables), so the runner asks a [`TestEnvironment`] — implemented by the
//! `atoll test` command — to validate `set`/`target` lines and to build a backend
//! (`TargetIsa`) per target. Hooks a backend does not provide yet report [`HookError::Skipped`]
//! with a reason, which the runner counts and prints as a skip, never as a pass.

use std::fmt;

use atoll_codegen::isa::TargetIsa;
use atoll_codegen::text::IsaLine;

/// One target a file is tested on, as validated by the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetDesc {
    /// The target as the user should read it (a short name or a triple).
    pub name: String,
    /// The settings in effect for this target, as `name` or `name=value` directives in
    /// the order they apply: the `set` lines before its `target` line, then the flags
    /// on that line. A backend rebuilds its flags from them.
    pub directives: Vec<String>,
    /// Why this target cannot be tested in this build (another architecture, or its
    /// backend left out by cargo features); tests on it are skipped with this reason.
    pub unavailable: Option<String>,
    /// Added by `--target` for a file that names no target of that ISA. Such a target
    /// runs `; run:` lines but has no `precise-output` expectations of its own.
    pub forced: bool,
}

impl fmt::Display for TargetDesc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Why a hook produced no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookError {
    /// The hook cannot run here (no backend yet, tool missing): a skip, with the reason.
    Skipped(String),
    /// The hook ran and the function failed it; the message says how.
    Failed(String),
}

/// The runner's view of targets and backends; see the module documentation.
pub trait TestEnvironment {
    /// Validates a file's `set` and `target` lines (in file order) and returns the
    /// targets to test on. An unknown setting is an error naming the nearest known one.
    /// A file without `target` lines returns an empty list.
    fn check_isa_lines(&self, lines: &[IsaLine]) -> Result<Vec<TargetDesc>, String>;

    /// Builds the backend for `target`, its flags rebuilt from `target.directives`.
    /// `test compile` and `test run` do everything else themselves (compile every
    /// function, build one text section, execute), so that a file's functions, which
    /// call each other, always end up in one module.
    fn isa(&self, target: &TargetDesc) -> Result<Box<dyn TargetIsa>, HookError> {
        Err(HookError::Skipped(format!("no backend for {target} yet")))
    }
}
