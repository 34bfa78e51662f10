//! `atoll test [--target T] PATH...`: run the filetests under each path.
//!
//! The runner lives in `atoll-filetests`, which cannot depend on this crate; this
//! file gives it a [`TestEnvironment`] backed by [`atoll::isa`]: `set`/`target` lines
//! are resolved with the same code as `--set`/`--target`, so an unknown flag gets the
//! same "did you mean" message everywhere. Compiling and running are skipped until
//! the backends exist (the trait's default hooks say so).
//!
//! Output: one report per file that failed or skipped, then `N passed, N failed`
//! (and `, N skipped`) as the last line of stdout; exit status 1 when a test failed.

use std::io::{self, Write};
use std::path::PathBuf;

use atoll::codegen::text::{IsaLine, IsaLineKind};
use atoll::isa::{lookup, resolve_header, HeaderLine, IsaKind};
use atoll_filetests::{run_paths, RunOptions, TargetDesc, TestEnvironment};

use super::CliError;

#[derive(clap::Args, Debug)]
pub struct Options {
    /// Test only on this target (x86_64, aarch64, arm, or a triple); tests on the
    /// files' other targets are skipped.
    #[arg(long, short = 't', value_name = "TARGET")]
    pub target: Option<String>,

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

/// The environment `atoll test` gives the runner.
struct Env {
    /// The ISA chosen with `--target`, if any.
    forced: Option<IsaKind>,
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
            });
        }
        Ok(targets)
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
