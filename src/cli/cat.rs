//! `atoll cat FILE...`: parse CLIF files and print their functions in canonical form.
//!
//! The first file that does not parse stops the command with one error line naming
//! the file and position (`FILE:L:C: message`); functions of earlier files have
//! been printed by then, so the output is a prefix of the successful run's.

use std::io::{self, Write};
use std::path::PathBuf;

use super::compile::read_clif;
use super::CliError;

#[derive(clap::Args, Debug)]
pub struct Options {
    /// CLIF files to print.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    let mut first = true;
    for path in &opts.files {
        let (_, file) = read_clif(path)?;
        for f in &file.functions {
            if !first {
                writeln!(out)?;
            }
            first = false;
            write!(out, "{}", f.func)?;
        }
    }
    out.flush()?;
    Ok(())
}
