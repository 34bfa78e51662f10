//! The text `test compile precise-output` compares with a function's expectation block.
//!
//! Format (stable; blessing writes it, so changing it means re-blessing every file):
//!
//! ```text
//! <CompiledFunction::listing, one instruction per line, as the backend prints it>
//!                                     <- one empty line (a bare `;` in the file)
//! Disassembly:
//!    0: 55                      push rbp
//!    1: 48 89 e5                mov rbp,rsp
//! ```
//!
//! The disassembly comes from GNU `objdump` (`atoll_codegen::testing::disassemble`),
//! an independent tool: offset in hex right-aligned to 4, `:`, the bytes as objdump
//! groups them padded to 23 columns, then objdump's text with its whitespace
//! collapsed. Trailing whitespace is removed from every line.

use core::fmt::Write as _;

use atoll_codegen::isa::{CompiledFunction, TargetIsa};
use atoll_codegen::testing::disassemble;

/// The precise output of `compiled` (see the module documentation).
pub fn precise_output(isa: &dyn TargetIsa, compiled: &CompiledFunction) -> Result<String, String> {
    let mut out = String::new();
    for line in compiled.listing.lines() {
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    out.push_str("Disassembly:\n");
    let lines = disassemble(isa.disasm_arch(), &compiled.code).map_err(|e| e.to_string())?;
    for l in lines {
        let line = format!("{:>4x}: {:<23} {}", l.offset, l.hex, l.text);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::fake_x64::FakeX64;
    use atoll_codegen::text::parse_test;

    #[test]
    fn listing_then_objdump() {
        let file = parse_test(
            "function %add(i32, i32) -> i32 {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    return v2\n}\n",
        )
        .unwrap();
        let isa = FakeX64::new();
        let compiled = isa.compile_function(&file.functions[0].func).unwrap();
        let want = "lea eax, [rdi+rsi]
ret

Disassembly:
   0: 8d 04 37                lea (%rdi,%rsi,1),%eax
   3: c3                      ret
";
        assert_eq!(precise_output(&isa, &compiled).unwrap(), want);
    }
}
