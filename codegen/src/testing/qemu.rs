//! Running raw code for real: link one blob of machine code with a small C harness
//! (Debian's cross gcc) and run it natively or under qemu-user.
//!
//! The blob goes into its own executable section through `.incbin`, with the global
//! function symbol `f0` at its first byte, so the harness can call it.

use std::fmt;
use std::process::Command;

use super::tools::{unique_temp_path, write_tool_missing};
use super::DisasmArch;

/// Why a blob could not be run.
#[derive(Debug)]
pub enum RunError {
    /// A tool is not installed.
    ToolMissing {
        tool: &'static str,
        package: &'static str,
    },
    /// Compiling or linking the harness failed.
    LinkFailed { stderr: String },
    /// Writing the temporary files or starting a process failed.
    Io(std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::ToolMissing { tool, package } => write_tool_missing(f, tool, package),
            RunError::LinkFailed { stderr } => write!(f, "linking the harness failed: {stderr}"),
            RunError::Io(e) => write!(f, "cannot run the harness: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<std::io::Error> for RunError {
    fn from(e: std::io::Error) -> Self {
        RunError::Io(e)
    }
}

/// Compiler, its package, the runner (None: run natively) and its package.
fn tools(
    arch: DisasmArch,
) -> (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
) {
    match arch {
        DisasmArch::X64 => ("gcc", "gcc", None),
        DisasmArch::Aarch64 => (
            "aarch64-linux-gnu-gcc",
            "gcc-aarch64-linux-gnu",
            Some(("qemu-aarch64", "qemu-user")),
        ),
        DisasmArch::Arm32 => (
            "arm-linux-gnueabihf-gcc",
            "gcc-arm-linux-gnueabihf",
            Some(("qemu-arm", "qemu-user")),
        ),
    }
}

fn check_tool(tool: &'static str, package: &'static str) -> Result<(), RunError> {
    match Command::new(tool).arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err(RunError::ToolMissing { tool, package }),
    }
}

/// Link `code` (callable as `f0`, at its first byte) with the C source `main_c` and run
/// the program. Returns whether it exited with status 0.
pub fn run_blob(arch: DisasmArch, code: &[u8], main_c: &str) -> Result<bool, RunError> {
    let (cc, cc_package, runner) = tools(arch);
    check_tool(cc, cc_package)?;
    if let Some((tool, package)) = runner {
        check_tool(tool, package)?;
    }
    let dir = unique_temp_path("atoll-run", "");
    std::fs::create_dir_all(&dir)?;
    let result = (|| {
        std::fs::write(dir.join("code.bin"), code)?;
        let mode = if arch == DisasmArch::Arm32 {
            "\t.arm\n"
        } else {
            ""
        };
        let asm = format!(
            "{mode}\t.section .atoll_text,\"ax\",%progbits\n\t.p2align 4\n\t.globl f0\n\t.type f0, %function\n\
             f0:\n\t.incbin \"code.bin\"\n"
        );
        std::fs::write(dir.join("code.s"), asm)?;
        std::fs::write(dir.join("main.c"), main_c)?;
        let mut args = vec!["-static", "-O1", "main.c", "code.s", "-o", "run"];
        if arch == DisasmArch::Arm32 {
            args.push("-marm");
        }
        let out = Command::new(cc).current_dir(&dir).args(&args).output()?;
        if !out.status.success() {
            return Err(RunError::LinkFailed {
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        let status = match runner {
            Some((tool, _)) => Command::new(tool).arg(dir.join("run")).status()?,
            None => Command::new(dir.join("run")).status()?,
        };
        Ok(status.success())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
