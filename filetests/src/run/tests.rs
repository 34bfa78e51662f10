//! The run pipeline end to end on a fake x86_64 backend that "compiles" a few known
//! functions to hand-assembled bytes (from `llvm-mc-14 -triple=x86_64 -show-encoding`):
//!
//! ```text
//! %add (i32, i32) -> i32:   leal (%rdi,%rsi), %eax; retq          8d 04 37 c3
//! %crash (i32, i32) -> i32: ud2                                   0f 0b
//! trampoline for (i32, i32) -> i32:
//!     pushq %rbx; movq %rdi, %rbx; movl (%rbx), %edi; movl 16(%rbx), %esi
//!     callq <callee>; movl %eax, (%rbx); popq %rbx; retq
//!     53 48 89 fb 8b 3b 8b 73 10 e8 <rel32> 89 03 5b c3
//! ```

use core::str::FromStr;

use atoll_codegen::buffer::{Reloc, TextSection, TextSectionStats};
use atoll_codegen::ir::{self, CallConv};
use atoll_codegen::isa::{CodegenError, FunctionReloc, ModuleText};
use atoll_codegen::settings::Flags;
use atoll_codegen::testing::DisasmArch;
use atoll_codegen::text::parse_test;
use target_lexicon::Triple;

use super::exec::NativeExecutor;
use super::*;

struct FakeX64 {
    triple: Triple,
    flags: Flags,
}

impl FakeX64 {
    fn new() -> Self {
        FakeX64 { triple: Triple::from_str("x86_64-unknown-linux-gnu").unwrap(), flags: Flags::new(&Flags::builder()) }
    }
}

impl TargetIsa for FakeX64 {
    fn name(&self) -> &'static str {
        "x86_64"
    }
    fn triple(&self) -> &Triple {
        &self.triple
    }
    fn flags(&self) -> &Flags {
        &self.flags
    }
    fn isa_flags_text(&self) -> Vec<String> {
        Vec::new()
    }
    fn function_alignment(&self) -> u64 {
        16
    }
    fn default_call_conv(&self) -> CallConv {
        CallConv::SystemV
    }
    fn disasm_arch(&self) -> DisasmArch {
        DisasmArch::X64
    }
    fn compile_function(&self, func: &ir::Function) -> Result<CompiledFunction, CodegenError> {
        let name = func.name.to_string();
        let code = match name.as_str() {
            "%add" => vec![0x8d, 0x04, 0x37, 0xc3],
            "%crash" => vec![0x0f, 0x0b],
            n if n.starts_with("%__atoll_tramp_") => {
                let callee = func.ext_funcs.values().next().ok_or(CodegenError::Unsupported("no callee".into()))?;
                let mut code = vec![0x53, 0x48, 0x89, 0xfb, 0x8b, 0x3b, 0x8b, 0x73, 0x10, 0xe8, 0, 0, 0, 0];
                code.extend([0x89, 0x03, 0x5b, 0xc3]);
                let reloc = FunctionReloc {
                    offset: 10,
                    kind: Reloc::X86CallPCRel4,
                    target: callee.name.clone(),
                    addend: -4,
                    colocated: callee.colocated,
                };
                return Ok(CompiledFunction { code, alignment: 16, relocs: vec![reloc], ..Default::default() });
            }
            other => return Err(CodegenError::Unsupported(format!("fake isa cannot compile {other}"))),
        };
        Ok(CompiledFunction { code, alignment: 16, ..Default::default() })
    }
    fn build_text_section(&self, funcs: &[ModuleFunction<'_>]) -> Result<ModuleText, CodegenError> {
        let mut code = Vec::new();
        let mut offsets = Vec::new();
        for f in funcs {
            code.resize(code.len().next_multiple_of(16), 0xcc);
            offsets.push(code.len() as u64);
            code.extend(&f.compiled.code);
        }
        let mut relocs = Vec::new();
        for (f, &base) in funcs.iter().zip(&offsets) {
            for r in &f.compiled.relocs {
                let target = funcs.iter().position(|g| *g.name == r.target);
                match (r.colocated, target) {
                    (true, Some(t)) => {
                        let at = (base + r.offset) as usize;
                        let rel = offsets[t] as i64 + r.addend - at as i64;
                        code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
                    }
                    _ => relocs.push(FunctionReloc { offset: base + r.offset, ..r.clone() }),
                }
            }
        }
        let section =
            TextSection { code, function_offsets: offsets, islands: Vec::new(), stats: TextSectionStats::default() };
        Ok(ModuleText { section, relocs, traps: Vec::new() })
    }
}

const FILE: &str = "test run
target x86_64

; run: %add(40, 2) == 42
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}
; run: %add(1, 2) == 3
; run: %add(-1, 1) == 0
; run: %add(0x7fffffff, 1) == -2147483648
; run: %add(2, 2) != 4
; run: %add(2, 2) == 5
; run: %add(1) == 1
; run: %nope(1) == 1
; run: %add(1, 2) < 3

function %crash(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    return v0
}
; run: %crash(1, 2) == 1
; run: %add(3, 4) == 7
";

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn run_lines_on_a_fake_backend() {
    let file = parse_test(FILE).unwrap();
    let results = run_file(&FakeX64::new(), &file, FILE, &NativeExecutor::default()).unwrap();
    let got: Vec<(u32, Result<&str, &str>)> =
        results.iter().map(|r| (r.line, r.outcome.as_ref().map(|s| s.as_str()).map_err(|s| s.as_str()))).collect();
    fn expect_ok(line: u32, shown: &str) -> (u32, Result<&str, &str>) {
        (line, Ok(shown))
    }
    assert_eq!(got[0], expect_ok(4, "42 (0x2a)"));
    assert_eq!(got[1], expect_ok(10, "3"));
    assert_eq!(got[2], expect_ok(11, "0"));
    assert_eq!(got[3], expect_ok(12, "-2147483648 (0x80000000)"));
    assert_eq!(got[4].0, 13);
    assert_eq!(got[4].1.unwrap_err(), "expected != 4, got 4");
    assert_eq!(got[5].1.unwrap_err(), "expected == 5, got 4");
    assert!(got[6].1.unwrap_err().contains("takes 2 argument(s)"), "{:?}", got[6]);
    assert_eq!(got[7].1.unwrap_err(), "16:3: no function %nope in this file");
    assert!(got[8].1.unwrap_err().starts_with("17:19: unknown comparison `<`"), "{:?}", got[8]);
    assert!(got[9].1.unwrap_err().contains("SIGILL"), "{:?}", got[9]);
    assert_eq!(got[10], expect_ok(24, "7"));
    assert_eq!(results.len(), 11);
}

#[test]
fn a_function_that_does_not_compile_fails_every_line() {
    let src = "test run
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    return v0
}
; run: %add(1, 2) == 1
function %other(i64) -> i64 {
block0(v0: i64):
    return v0
}
; run: %other(1) == 1
";
    let file = parse_test(src).unwrap();
    let results = run_file(&FakeX64::new(), &file, src, &NativeExecutor::default()).unwrap();
    assert_eq!(results.len(), 2);
    for r in &results {
        let msg = r.outcome.as_ref().unwrap_err();
        assert!(msg.contains("function %other does not compile: unsupported: fake isa cannot compile %other"), "{msg}");
    }
}

#[test]
fn calls_between_file_functions_become_colocated() {
    let src = "test run
function %g(i64) -> i64 {
block0(v0: i64):
    return v0
}
function %f(i64) -> i64 {
    fn0 = %g(i64) -> i64
    fn1 = %elsewhere(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = call fn1(v1)
    return v2
}
";
    let file = parse_test(src).unwrap();
    let funcs = module_functions(&file);
    let colocated: Vec<(String, bool)> =
        funcs[1].ext_funcs.values().map(|e| (e.name.to_string(), e.colocated)).collect();
    assert_eq!(colocated, [("%g".to_string(), true), ("%elsewhere".to_string(), false)]);
}

#[test]
fn run_lines_are_found_everywhere_with_columns() {
    let src = "test run
; run: %f() == 1
function %f() -> i8 {
block0:
    v0 = iconst.i8 1
    return v0
}
;   run
; run: %f(
";
    let file = parse_test(src).unwrap();
    let found = collect_run_lines(&file, src);
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].line, found[0].owner), (2, None));
    let bare = found[1].parsed.as_ref().unwrap();
    assert_eq!((bare.line, bare.column, found[1].owner), (8, 5, Some(0)));
    let e = found[2].parsed.as_ref().unwrap_err();
    assert_eq!((e.line, e.column), (9, 11));
}
