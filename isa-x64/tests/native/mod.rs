//! CLIF text → `X64Backend` → one text section mapped executable in this process:
//! the setup the native execution tests share.

#![allow(dead_code)]

use core::str::FromStr;

use atoll_codegen::ir::Function;
use atoll_codegen::isa::{ModuleFunction, TargetIsa};
use atoll_codegen::settings::Flags;
use atoll_isa_x64::settings::Flags as IsaFlags;
use atoll_isa_x64::X64Backend;
use atoll_runtime::code_memory::CodeMemory;
use target_lexicon::Triple;

/// The x64 backend with default shared flags and the named ISA flags set to true.
pub fn backend(isa_settings: &[&str]) -> X64Backend {
    let mut b = IsaFlags::builder();
    for s in isa_settings {
        b.set(s, Some("true")).unwrap();
    }
    X64Backend::new(
        Triple::from_str("x86_64-unknown-linux-gnu").unwrap(),
        Flags::default(),
        IsaFlags::new(&b),
    )
}

/// Every function of a source, compiled into one executable text section.
pub struct NativeModule {
    pub funcs: Vec<Function>,
    pub mem: CodeMemory,
    /// Offset of each function, in source order.
    pub offsets: Vec<u64>,
}

impl NativeModule {
    /// Address of the `i`-th function of the source.
    pub fn address(&self, i: usize) -> *const u8 {
        self.mem.address(self.offsets[i]).unwrap()
    }
}

/// Parse, compile (panicking with the source on any error), build the text section
/// (which must hold no relocations) and map it executable.
pub fn compile_native(src: &str, isa_settings: &[&str]) -> NativeModule {
    let isa = backend(isa_settings);
    let funcs =
        atoll_codegen::text::parse_functions(src).unwrap_or_else(|e| panic!("parse: {e:?}\n{src}"));
    let compiled: Vec<_> = funcs
        .iter()
        .map(|f| {
            isa.compile_function(f)
                .unwrap_or_else(|e| panic!("compile {}: {e}\n{src}", f.name))
        })
        .collect();
    let mf: Vec<ModuleFunction<'_>> = funcs
        .iter()
        .zip(&compiled)
        .map(|(f, c)| ModuleFunction {
            name: &f.name,
            compiled: c,
        })
        .collect();
    let text = isa.build_text_section(&mf).unwrap();
    assert_eq!(text.section.stats.relocations_left, 0);
    let mem = CodeMemory::new(&text).unwrap();
    let offsets = text.section.function_offsets.clone();
    NativeModule {
        funcs,
        mem,
        offsets,
    }
}
