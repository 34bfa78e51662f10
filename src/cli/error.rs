//! The one error type subcommands return; `main` prints it as `error: ...`.

use atoll::codegen::settings::SettingsError;
use atoll::isa::{IsaKind, LookupError, TargetLineError};
use std::fmt;
use std::io;

#[derive(Debug)]
pub enum CliError {
    /// `--target` was refused.
    Target(TargetLineError),
    /// A `--set` flag was refused.
    Settings(SettingsError),
    /// An ISA flag in `--set` without `--target`.
    IsaFlagWithoutTarget { name: String, isa: IsaKind },
    /// Writing to stdout failed.
    Output(io::Error),
    /// The reader of stdout went away; not an error for the user.
    BrokenPipe,
    /// A complete message, already naming its file and position where it has one.
    Message(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Target(e) => e.fmt(f),
            CliError::Settings(e) => e.fmt(f),
            CliError::IsaFlagWithoutTarget { name, isa } => write!(
                f,
                "`{name}` is an {} flag: give a target first (--target {})",
                isa.name(),
                isa.name()
            ),
            CliError::Output(e) => write!(f, "writing output: {e}"),
            CliError::BrokenPipe => f.write_str("output closed"),
            CliError::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {}

impl From<TargetLineError> for CliError {
    fn from(e: TargetLineError) -> Self {
        CliError::Target(e)
    }
}

impl From<LookupError> for CliError {
    fn from(e: LookupError) -> Self {
        CliError::Target(TargetLineError::Lookup(e))
    }
}

impl From<SettingsError> for CliError {
    fn from(e: SettingsError) -> Self {
        CliError::Settings(e)
    }
}

impl From<io::Error> for CliError {
    /// For writes to stdout (errors on files should say which file).
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Output(e)
        }
    }
}
