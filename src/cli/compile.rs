//! `atoll compile --target T [--set k=v]... [--disasm] [-o out.o] FILE.clif`
//!
//! Without `--target`, the file's first `target` line this build supports is used.
//! Compiles every function of the file into one text section and prints, per
//! function, its machine-code listing (and objdump's disassembly with `--disasm`),
//! then one statistics line:
//!
//! ```text
//! text: 96 bytes, 3 functions, 0 islands, 0 veneers, 1 relocation
//! ```
//!
//! Calls are compiled as the file declares them: `colocated` callees are resolved in
//! the section, others stay relocations, which `-o` writes into an ELF relocatable
//! object (symbol per function) for `ld`/`gcc` to link.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use atoll::codegen::isa::{CompiledFunction, ModuleFunction, TargetIsa};
use atoll::codegen::object::write_elf;
use atoll::codegen::settings::Flags;
use atoll::codegen::testing::disassemble;
use atoll::codegen::text::{parse_test, TestFile};
use atoll::codegen::verifier::verify_function;

use super::test::Env;
use super::{CliError, TargetArgs};
use atoll_filetests::{HookError, TestEnvironment};

#[derive(clap::Args, Debug)]
pub struct Options {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also print objdump's disassembly of each function.
    #[arg(long)]
    pub disasm: bool,

    /// Write an ELF relocatable object to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The CLIF file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let (_, file) = read_clif(&opts.file)?;
    let isa = build_isa(&opts.target, &file)?;
    let mut out = String::new();
    let mut compiled = Vec::with_capacity(file.functions.len());
    for f in &file.functions {
        let c = compile_one(&*isa, &opts.file, f)?;
        let _ = writeln!(
            out,
            "function {}: {} bytes, frame {} bytes",
            f.func.name,
            c.code.len(),
            c.frame_size
        );
        for line in c.listing.lines() {
            let _ = writeln!(out, "  {line}");
        }
        if opts.disasm {
            let lines = disassemble(isa.disasm_arch(), &c.code)
                .map_err(|e| CliError::Message(e.to_string()))?;
            let _ = writeln!(out, "  disassembly:");
            for l in lines {
                let _ = writeln!(out, "  {:>6x}: {:<23} {}", l.offset, l.hex, l.text);
            }
        }
        compiled.push(c);
    }
    let funcs: Vec<ModuleFunction<'_>> = file
        .functions
        .iter()
        .zip(&compiled)
        .map(|(f, c)| ModuleFunction {
            name: &f.func.name,
            compiled: c,
        })
        .collect();
    let text = isa
        .build_text_section(&funcs)
        .map_err(|e| CliError::Message(format!("{}: {e}", opts.file.display())))?;
    let _ = writeln!(out, "{}", atoll_filetests::run::stats_line(&text));
    if let Some(path) = &opts.output {
        let bytes =
            write_elf(isa.triple(), &text, &funcs).map_err(|e| CliError::Message(e.to_string()))?;
        std::fs::write(path, bytes)
            .map_err(|e| CliError::Message(format!("{}: {e}", path.display())))?;
    }
    print(&out)
}

/// Writes `text` to stdout (a closed pipe ends quietly, see `CliError`).
pub(super) fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Reads and parses a CLIF file, returning its text too; errors are `FILE:L:C: message`.
pub(super) fn read_clif(path: &Path) -> Result<(String, TestFile), CliError> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| CliError::Message(format!("{}: {e}", path.display())))?;
    let file =
        parse_test(&source).map_err(|e| CliError::Message(format!("{}:{e}", path.display())))?;
    Ok((source, file))
}

/// The backend `--target`/`--set` describe.
/// The backend `--target`/`--set` describe or, without `--target`, the file's first
/// `target` line this build supports (with the file's `set` lines, then `--set`).
fn build_isa(args: &TargetArgs, file: &TestFile) -> Result<Box<dyn TargetIsa>, CliError> {
    if args.target.is_none() {
        let env = Env { forced: None };
        let targets = env
            .check_isa_lines(&file.isa_lines)
            .map_err(CliError::Message)?;
        if let Some(mut target) = targets.into_iter().find(|t| t.unavailable.is_none()) {
            target.directives.extend(
                args.set
                    .iter()
                    .flat_map(|s| s.split_whitespace().map(str::to_string)),
            );
            return env.isa(&target).map_err(|e| match e {
                HookError::Skipped(m) | HookError::Failed(m) => CliError::Message(m),
            });
        }
    }
    let resolved = args.resolve()?;
    let spec = resolved.spec.ok_or_else(|| {
        CliError::Message(
            "a target is required: --target x86_64|aarch64|arm|<triple> or a `target` line".into(),
        )
    })?;
    spec.isa
        .build(Flags::new(&resolved.shared), &spec.isa_flags)
        .map_err(|e| CliError::Message(e.to_string()))
}

/// Verifies and compiles one function; errors name the file, line and function.
fn compile_one(
    isa: &dyn TargetIsa,
    path: &Path,
    f: &atoll::codegen::text::TestFunction,
) -> Result<CompiledFunction, CliError> {
    let at = |what: String| {
        CliError::Message(format!(
            "{}:{}: function {}: {what}",
            path.display(),
            f.line,
            f.func.name
        ))
    };
    verify_function(&f.func).map_err(|e| at(format!("does not verify:\n{e}")))?;
    isa.compile_function(&f.func).map_err(|e| at(e.to_string()))
}
