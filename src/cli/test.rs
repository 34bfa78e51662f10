//! `atoll test [--target T] [--set k=v]... PATH...`: run the filetests under each path.
//!
//! The runner lives in `atoll-filetests`, which cannot depend on this crate; this
//! file gives it a [`TestEnvironment`] backed by [`atoll::isa`]: `set`/`target` lines
//! are resolved with the same code as `--set`/`--target`, so an unknown flag gets the
//! same "did you mean" message everywhere. Backends come from
//! [`atoll::isa::IsaDescriptor::build`]; one that does not exist yet makes the
//! `compile`/`run` tests on its target skip with that reason.
//!
//! Output: one report per file that failed or skipped; a closing note listing every
//! failed test with its reason; `run lines: N passed, N failed` when `test run` files
//! ran (one count per run line per target); then `N passed, N failed` (and
//! `, N skipped`) as the last line of stdout; exit status 1 when a test failed.

use std::io::{self, Write};
use std::path::PathBuf;

use atoll::codegen::isa::TargetIsa;
use atoll::codegen::settings::{self, Flags};
use atoll::codegen::text::{IsaLine, IsaLineKind};
use atoll::isa::{lookup, parse_target_line, resolve_header, HeaderLine, IsaKind};
use atoll_filetests::{run_paths, HookError, RunOptions, TargetDesc, TestEnvironment};

use super::CliError;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Set ATOLL_BLESS=1 to rewrite the expectation blocks (the comments after \
each function) with the actual output instead of failing."
)]
pub struct Options {
    /// Test on this target (x86_64, aarch64, arm, or a triple) only: the files' own
    /// target lines of this ISA are used with their flags, other ISAs' lines are
    /// skipped, and a file naming no target of this ISA is tested on it anyway.
    #[arg(long, short = 't', value_name = "TARGET")]
    pub target: Option<String>,

    /// Set a shared or ISA flag on every target of every file, after the file's own
    /// `set` lines (so it wins): e.g. `--set force_veneers=true` runs the whole suite
    /// through veneers. Repeatable.
    #[arg(long = "set", value_name = "NAME[=VALUE]")]
    pub set: Vec<String>,

    /// Also print a line for each test that passed.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Test files, or directories searched for `.clif` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let forced = opts
        .target
        .as_deref()
        .map(lookup)
        .transpose()?
        .map(|d| d.kind);
    let env = Env { forced };
    let set: Vec<String> = opts
        .set
        .iter()
        .flat_map(|s| s.split_whitespace().map(str::to_string))
        .collect();
    let env = WithSet { inner: &env, set };
    let options = RunOptions {
        verbose: opts.verbose,
        ..RunOptions::from_env()
    };
    let mut out = io::stdout().lock();
    let mut write_error = None;
    let summary = run_paths(&opts.paths, &env, &options, &mut |text| {
        if write_error.is_none() {
            write_error = out.write_all(text.as_bytes()).err();
        }
    })
    .map_err(|e| CliError::Message(e.to_string()))?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    out.flush()?;
    if summary.success() {
        Ok(())
    } else {
        Err(CliError::Message(format!(
            "{} test(s) failed",
            summary.failed
        )))
    }
}

/// The environment `atoll test` (and `atoll run`) gives the runner.
pub(super) struct Env {
    /// The ISA chosen with `--target`, if any.
    pub(super) forced: Option<IsaKind>,
}

impl TestEnvironment for Env {
    fn check_isa_lines(&self, lines: &[IsaLine]) -> Result<Vec<TargetDesc>, String> {
        let header = lines.iter().map(|l| match l.kind {
            IsaLineKind::Set => HeaderLine::Set(&l.text),
            IsaLineKind::Target => HeaderLine::Target(&l.text),
        });
        let resolved = resolve_header(header).map_err(|e| match lines.get(e.index) {
            Some(l) => format!("{}:{}: {e}", l.line, l.column),
            None => e.to_string(),
        })?;
        let mut directives: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let mut words = body(&line.text, "target");
            if let IsaLineKind::Set = line.kind {
                directives.extend(body(&line.text, "set").map(str::to_string));
                continue;
            }
            let name = words.next().unwrap_or_default().to_string();
            let mut own = directives.clone();
            own.extend(words.map(str::to_string));
            let unavailable = if let Some(t) = resolved.targets.iter().find(|t| t.index == index) {
                match self.forced {
                    Some(kind) if kind != t.spec.isa.kind => {
                        Some(format!("--target {} excludes {name}", kind.name()))
                    }
                    _ => None,
                }
            } else if let Some((_, why)) = resolved.skipped.iter().find(|(i, _)| *i == index) {
                Some(why.to_string())
            } else {
                continue;
            };
            targets.push(TargetDesc {
                name,
                directives: own,
                unavailable,
                forced: false,
            });
        }
        // `--target` forces the ISA: a file that names no target of that ISA (only
        // other ISAs, or none) is still tested on it, with the file's shared `set`
        // flags; the other ISAs' feature flags do not apply to it.
        if let Some(kind) = self.forced {
            let has_forced = resolved.targets.iter().any(|t| t.spec.isa.kind == kind);
            if !has_forced {
                targets.push(TargetDesc {
                    name: kind.name().to_string(),
                    directives,
                    unavailable: None,
                    forced: true,
                });
            }
        }
        Ok(targets)
    }

    /// Rebuilds the target's flags from its directives (each to the shared group or,
    /// if it names an ISA flag or preset, to the ISA group) and builds the backend. A
    /// backend that does not exist yet is a skip.
    fn isa(&self, target: &TargetDesc) -> Result<Box<dyn TargetIsa>, HookError> {
        let failed = |e: &dyn std::fmt::Display| HookError::Failed(format!("target {target}: {e}"));
        let mut spec = parse_target_line(&target.name).map_err(|e| failed(&e))?;
        let mut shared = Flags::builder();
        for text in &target.directives {
            let d = settings::parse_directive(text).map_err(|e| failed(&e))?;
            settings::apply_to_first(&mut [&mut shared, &mut spec.isa_flags], d)
                .map_err(|e| failed(&e))?;
        }
        spec.isa
            .build(Flags::new(&shared), &spec.isa_flags)
            .map_err(|e| HookError::Skipped(e.to_string()))
    }
}

/// `--set` on top of another environment: the flags are appended to every target's
/// directives, after the file's `set` lines and the target line's own flags.
struct WithSet<'a> {
    inner: &'a dyn TestEnvironment,
    set: Vec<String>,
}

impl TestEnvironment for WithSet<'_> {
    fn check_isa_lines(&self, lines: &[IsaLine]) -> Result<Vec<TargetDesc>, String> {
        let mut targets = self.inner.check_isa_lines(lines)?;
        for t in &mut targets {
            t.directives.extend(self.set.iter().cloned());
        }
        Ok(targets)
    }

    fn isa(&self, target: &TargetDesc) -> Result<Box<dyn TargetIsa>, HookError> {
        self.inner.isa(target)
    }
}

/// The words of a header line after its keyword (which may be absent) and before any
/// `;` comment.
fn body<'a>(text: &'a str, keyword: &str) -> impl Iterator<Item = &'a str> {
    let code = text.split(';').next().unwrap_or("");
    let mut words = code.split_whitespace().peekable();
    if words.peek() == Some(&keyword) {
        words.next();
    }
    words
}
