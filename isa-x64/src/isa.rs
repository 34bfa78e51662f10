//! [`X64Backend`]: the x86_64 [`TargetIsa`].
//!
//! `compile_function` picks the function's calling convention ([`X64Abi`]), builds
//! the lowering rules ([`X64Lower`]) and runs the shared pipeline
//! (`atoll_codegen::context::compile`); `build_text_section` is the generic builder
//! over this ISA's label uses (`LabelUse::JmpRel32` calls, long veneers beyond ±2
//! GiB).

use atoll_codegen::buffer::{CodeOffset, TextSectionOptions};
use atoll_codegen::context;
use atoll_codegen::ir::{self, CallConv};
use atoll_codegen::isa::{CodegenError, CompiledFunction, ModuleFunction, ModuleText, TargetIsa};
use atoll_codegen::machinst::{build_text_section, CompileParams};
use atoll_codegen::settings::Flags;
use atoll_codegen::testing::DisasmArch;
use target_lexicon::{OperatingSystem, Triple};

use crate::abi::{check_sig_types, conv_of, machine_env, X64Abi};
use crate::lower::X64Lower;
use crate::settings::Flags as IsaFlags;
use crate::LabelUse;

/// Function start alignment (a cache-friendly 16 bytes).
const FUNCTION_ALIGNMENT: CodeOffset = 16;

/// The x86_64 backend, configured.
pub struct X64Backend {
    triple: Triple,
    flags: Flags,
    isa_flags: IsaFlags,
}

impl X64Backend {
    pub fn new(triple: Triple, shared: Flags, isa: IsaFlags) -> X64Backend {
        X64Backend {
            triple,
            flags: shared,
            isa_flags: isa,
        }
    }

    /// The CPU-feature settings.
    pub fn isa_flags(&self) -> &IsaFlags {
        &self.isa_flags
    }
}

impl TargetIsa for X64Backend {
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
        self.isa_flags.to_text()
    }

    fn function_alignment(&self) -> CodeOffset {
        FUNCTION_ALIGNMENT
    }

    fn default_call_conv(&self) -> CallConv {
        match self.triple.operating_system {
            OperatingSystem::Windows => CallConv::WindowsFastcall,
            _ => CallConv::SystemV,
        }
    }

    fn disasm_arch(&self) -> DisasmArch {
        DisasmArch::X64
    }

    fn compile_function(&self, func: &ir::Function) -> Result<CompiledFunction, CodegenError> {
        let conv = conv_of(&func.signature).map_err(CodegenError::Unsupported)?;
        check_sig_types(&func.signature).map_err(CodegenError::Unsupported)?;
        let mut abi = X64Abi::new(conv);
        if self.flags.enable_probestack() {
            // Only the inline strategy exists here: there is no outline probe function.
            abi = abi.with_stack_probes(1u32 << self.flags.probestack_size_log2().min(30));
        }
        let sig = abi
            .assign(&func.signature)
            .map_err(|e| CodegenError::Unsupported(e.to_string()))?;
        let backend = X64Lower::new(&self.flags, &self.isa_flags, abi.clone(), sig);
        let env = machine_env();
        let params = CompileParams {
            backend: &backend,
            abi: &abi,
            env: &env,
            regalloc: context::regalloc_config(&self.flags),
            info: &(),
            alignment: FUNCTION_ALIGNMENT,
            verify: self.flags.enable_verifier(),
        };
        context::compile(func, &self.flags, &params)
    }

    fn build_text_section(&self, funcs: &[ModuleFunction<'_>]) -> Result<ModuleText, CodegenError> {
        build_text_section::<LabelUse>(
            funcs,
            TextSectionOptions::from_flags(&self.flags, FUNCTION_ALIGNMENT),
        )
    }
}
