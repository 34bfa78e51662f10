//! The AArch64 [`TargetIsa`]: the generic pipeline (`compile_function`) with this
//! crate's lowering rules and ABI, and the generic text-section builder over [`LabelUse`].
//!
//! Conventions: `system_v` and `apple_aarch64` use AAPCS64 (the Apple differences
//! that matter to scalar code — callers extend narrow arguments, stack arguments
//! packed to their size — only the first is implemented: arguments with
//! `uext`/`sext` are extended to 64 bits); `fast` and `tail` use the internal
//! convention of [`crate::abi`]. `x16`/`x17` are never allocated (veneers), `x18`
//! is never touched, and every function keeps a frame record (`x29`/`x30`).

use atoll_codegen::buffer::{CodeOffset, TextSectionOptions};
use atoll_codegen::ir;
use atoll_codegen::isa::{CodegenError, CompiledFunction, ModuleFunction, ModuleText, TargetIsa};
use atoll_codegen::machinst::{
    build_text_section, compile_function_padded, CompileParams, MachineEnv, RegallocConfig,
};
use atoll_codegen::settings::Flags;
use atoll_codegen::testing::DisasmArch;
use target_lexicon::Triple;

use crate::abi::AArch64Abi;
use crate::lower::{abi_conv, Aarch64Lower};
use crate::regs::machine_env;
use crate::settings;
use crate::LabelUse;

/// A configured AArch64 code generator.
pub struct Aarch64Backend {
    triple: Triple,
    shared: Flags,
    isa: settings::Flags,
    env: MachineEnv,
}

impl Aarch64Backend {
    pub fn new(triple: Triple, shared: Flags, isa: settings::Flags) -> Aarch64Backend {
        Aarch64Backend {
            triple,
            shared,
            isa,
            env: machine_env(),
        }
    }

    /// The ISA flags.
    pub fn isa_flags(&self) -> &settings::Flags {
        &self.isa
    }
}

impl TargetIsa for Aarch64Backend {
    fn name(&self) -> &'static str {
        "aarch64"
    }

    fn triple(&self) -> &Triple {
        &self.triple
    }

    fn flags(&self) -> &Flags {
        &self.shared
    }

    fn isa_flags_text(&self) -> Vec<String> {
        self.isa.to_text()
    }

    fn function_alignment(&self) -> CodeOffset {
        4
    }

    fn default_call_conv(&self) -> ir::CallConv {
        ir::CallConv::SystemV
    }

    fn disasm_arch(&self) -> DisasmArch {
        DisasmArch::Aarch64
    }

    fn compile_function(&self, func: &ir::Function) -> Result<CompiledFunction, CodegenError> {
        let conv = abi_conv(func.signature.call_conv);
        let backend = Aarch64Lower {
            conv,
            apple: func.signature.call_conv == ir::CallConv::AppleAarch64,
        };
        let abi = AArch64Abi::new(conv);
        let params = CompileParams {
            backend: &backend,
            abi: &abi,
            env: &self.env,
            regalloc: RegallocConfig::from_flags(&self.shared),
            info: &(),
            alignment: self.function_alignment(),
            verify: self.shared.enable_verifier(),
        };
        compile_function_padded(func, &params, self.shared.bb_padding_log2_minus_one())
    }

    fn build_text_section(&self, funcs: &[ModuleFunction<'_>]) -> Result<ModuleText, CodegenError> {
        let opts = TextSectionOptions::from_flags(&self.shared, self.function_alignment());
        build_text_section::<LabelUse>(funcs, opts)
    }
}
