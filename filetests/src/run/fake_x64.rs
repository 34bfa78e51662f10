//! A fake x86_64 backend for tests: it "compiles" a few known functions to
//! hand-assembled bytes (from `llvm-mc-14 -triple=x86_64 -show-encoding`):
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
use atoll_codegen::isa::{
    CodegenError, CompiledFunction, FunctionReloc, ModuleFunction, ModuleText, TargetIsa,
};
use atoll_codegen::settings::Flags;
use atoll_codegen::testing::DisasmArch;
use target_lexicon::Triple;

pub struct FakeX64 {
    triple: Triple,
    flags: Flags,
}

impl FakeX64 {
    pub fn new() -> Self {
        FakeX64 {
            triple: Triple::from_str("x86_64-unknown-linux-gnu").unwrap(),
            flags: Flags::new(&Flags::builder()),
        }
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
                let callee = func
                    .ext_funcs
                    .values()
                    .next()
                    .ok_or(CodegenError::Unsupported("no callee".into()))?;
                let mut code = vec![
                    0x53, 0x48, 0x89, 0xfb, 0x8b, 0x3b, 0x8b, 0x73, 0x10, 0xe8, 0, 0, 0, 0,
                ];
                code.extend([0x89, 0x03, 0x5b, 0xc3]);
                let reloc = FunctionReloc {
                    offset: 10,
                    kind: Reloc::X86CallPCRel4,
                    target: callee.name.clone(),
                    addend: -4,
                    colocated: callee.colocated,
                };
                return Ok(CompiledFunction {
                    code,
                    alignment: 16,
                    relocs: vec![reloc],
                    ..Default::default()
                });
            }
            other => {
                return Err(CodegenError::Unsupported(format!(
                    "fake isa cannot compile {other}"
                )))
            }
        };
        let listing = match name.as_str() {
            "%add" => "lea eax, [rdi+rsi]\nret\n",
            _ => "ud2\n",
        };
        Ok(CompiledFunction {
            code,
            alignment: 16,
            listing: listing.to_string(),
            ..Default::default()
        })
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
                    _ => relocs.push(FunctionReloc {
                        offset: base + r.offset,
                        ..r.clone()
                    }),
                }
            }
        }
        let section = TextSection {
            code,
            function_offsets: offsets,
            islands: Vec::new(),
            stats: TextSectionStats::default(),
        };
        Ok(ModuleText {
            section,
            relocs,
            traps: Vec::new(),
        })
    }
}
