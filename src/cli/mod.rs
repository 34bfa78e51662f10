//! The `atoll` command line, in the style of `clif-util`: one file per subcommand,
//! each with its options struct (clap derive) and a `run()`.
//!
//! Exit codes: 0 success; 1 a user error or a failed check, reported as one line
//! `error: ...` on stderr; 2 a usage error (reported by clap). Output written to a
//! closed pipe (`atoll settings | head`) ends quietly. A panic is a bug in Atoll: it
//! is reported as one `error: internal error` line, with the backtrace only when
//! `RUST_BACKTRACE` is set.

mod cat;
mod compile;
mod error;
mod run;
mod settings;
mod target_args;
mod test;

pub use error::CliError;
pub use target_args::TargetArgs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "atoll",
    version,
    about = "WebAssembly ahead-of-time compiler with a Cranelift-style backend"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// To add a subcommand: a file `src/cli/<name>.rs` with `Options` and `run()`, a
/// `mod` line above, a variant here and an arm in [`run`].
#[derive(Subcommand, Debug)]
enum Command {
    /// List the shared and ISA settings with their values and docs.
    Settings(settings::Options),
    /// Parse CLIF files and print their functions.
    Cat(cat::Options),
    /// Run filetests (files or directories of `.clif` files).
    Test(test::Options),
    /// Compile a CLIF file for a target: listing, disassembly, statistics, ELF object.
    Compile(compile::Options),
    /// Execute a CLIF file's `; run:` lines.
    Run(run::Options),
}

fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::Settings(opts) => settings::run(&opts),
        Command::Cat(opts) => cat::run(&opts),
        Command::Test(opts) => test::run(&opts),
        Command::Compile(opts) => compile::run(&opts),
        Command::Run(opts) => run::run(&opts),
    }
}

/// Parses the command line, runs the subcommand and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    install_panic_hook();
    // clap prints usage errors itself and exits with 2 (0 for --help/--version).
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Replaces Rust's multi-line panic report with one line unless a backtrace was
/// asked for: users should see that Atoll failed, not its stack.
fn install_panic_hook() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error (a bug in Atoll): {msg}{at}; set RUST_BACKTRACE=1 for a backtrace");
    }));
}
