//! Disassembly of raw bytes with GNU `objdump`.

use std::fmt;
use std::io::Write;
use std::process::Command;

use super::tools::{unique_temp_path, write_tool_missing};

/// Which architecture the bytes are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisasmArch {
    X64,
    Aarch64,
    /// 32-bit Arm, A32 encoding, little-endian.
    Arm32,
}

impl DisasmArch {
    fn objdump(self) -> &'static str {
        match self {
            // The host binutils understands x86-64; use the prefixed name when the
            // host is something else and the cross package is installed.
            DisasmArch::X64 if cfg!(target_arch = "x86_64") => "objdump",
            DisasmArch::X64 => "x86_64-linux-gnu-objdump",
            DisasmArch::Aarch64 => "aarch64-linux-gnu-objdump",
            DisasmArch::Arm32 => "arm-linux-gnueabihf-objdump",
        }
    }

    fn machine(self) -> &'static str {
        match self {
            DisasmArch::X64 => "i386:x86-64",
            DisasmArch::Aarch64 => "aarch64",
            DisasmArch::Arm32 => "arm",
        }
    }

    fn package(self) -> &'static str {
        match self {
            DisasmArch::X64 => "binutils",
            DisasmArch::Aarch64 => "binutils-aarch64-linux-gnu",
            DisasmArch::Arm32 => "binutils-arm-linux-gnueabihf",
        }
    }
}

/// One instruction as the disassembler printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisasmLine {
    /// Offset of the instruction from the start of the bytes.
    pub offset: u64,
    /// The instruction's bytes as objdump groups them (hex, space separated).
    pub hex: String,
    /// Mnemonic and operands, whitespace normalized to single spaces.
    pub text: String,
}

/// Why disassembly failed.
#[derive(Debug)]
pub enum DisasmError {
    /// The tool is not installed.
    ToolMissing {
        tool: &'static str,
        package: &'static str,
    },
    /// The tool ran and failed.
    ToolFailed { tool: &'static str, stderr: String },
    /// Writing the temporary input failed.
    Io(std::io::Error),
}

impl fmt::Display for DisasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisasmError::ToolMissing { tool, package } => write_tool_missing(f, tool, package),
            DisasmError::ToolFailed { tool, stderr } => write!(f, "`{tool}` failed: {stderr}"),
            DisasmError::Io(e) => write!(f, "cannot write disassembler input: {e}"),
        }
    }
}

impl std::error::Error for DisasmError {}

/// Disassemble `bytes` (placed at offset 0) with GNU objdump for `arch`.
pub fn disassemble(arch: DisasmArch, bytes: &[u8]) -> Result<Vec<DisasmLine>, DisasmError> {
    let tool = arch.objdump();
    let path = unique_temp_path("atoll-disasm", ".bin");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(DisasmError::Io)?;
    let output = Command::new(tool)
        .args(["-D", "-b", "binary", "-m", arch.machine(), "-z"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DisasmError::ToolMissing {
                tool,
                package: arch.package(),
            })
        }
        Err(e) => return Err(DisasmError::Io(e)),
    };
    if !output.status.success() {
        return Err(DisasmError::ToolFailed {
            tool,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(parse_objdump(&String::from_utf8_lossy(&output.stdout)))
}

/// Parse objdump's `   off:\thex\tmnemonic operands` lines. Continuation lines (long
/// x86 instructions split over two lines) carry only bytes and are appended.
fn parse_objdump(out: &str) -> Vec<DisasmLine> {
    let mut lines: Vec<DisasmLine> = Vec::new();
    for line in out.lines() {
        let Some((off, rest)) = line.split_once(":\t") else {
            continue;
        };
        let Ok(offset) = u64::from_str_radix(off.trim(), 16) else {
            continue;
        };
        let mut parts = rest.splitn(2, '\t');
        let hex = parts.next().unwrap_or("").trim().to_string();
        let text = parts
            .next()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
        match text {
            Some(text) => lines.push(DisasmLine { offset, hex, text }),
            None => {
                if let Some(last) = lines.last_mut() {
                    last.hex.push(' ');
                    last.hex.push_str(&hex);
                }
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objdump_lines() {
        let out = "\n   0:\te8 00 00 00 00       \tcall   0x5\n   5:\tc3                   \tret\n";
        let lines = parse_objdump(out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].offset, 0);
        assert_eq!(lines[0].text, "call 0x5");
        assert_eq!(lines[1].hex, "c3");
    }
}
