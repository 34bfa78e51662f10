//! The arm32 [`TargetIsa`]: the generic pipeline (`compile_function`) with this
//! crate's lowering rules and ABI, and a text-section builder over [`LabelUse`]
//! (calls are `bl` with `Arm32Call` relocations, resolved as `Branch24` label uses).
//!
//! Conventions: every IR convention except `fast`/`tail` uses AAPCS with the VFP
//! variant (Linux `armhf`); `fast` and `tail` use the internal `Fast` convention of
//! [`crate::abi`]. `ip` (r12) is never allocated (veneers) and `r11` is the frame
//! pointer of every function.

use atoll_codegen::buffer::{CodeOffset, TextSectionOptions};
use atoll_codegen::ir;
use atoll_codegen::isa::{CodegenError, CompiledFunction, ModuleFunction, ModuleText, TargetIsa};
use atoll_codegen::machinst::{
    build_text_section, compile_function_padded, CompileParams, MachineEnv, RegallocConfig,
};
use atoll_codegen::settings::Flags;
use atoll_codegen::testing::DisasmArch;
use target_lexicon::Triple;

use crate::abi::Arm32Abi;
use crate::lower::{abi_conv, Arm32Lower};
use crate::regs::machine_env;
use crate::settings;

/// A configured arm32 code generator.
pub struct Arm32Backend {
    triple: Triple,
    shared: Flags,
    isa: settings::Flags,
    env: MachineEnv,
}

impl Arm32Backend {
    pub fn new(triple: Triple, shared: Flags, isa: settings::Flags) -> Arm32Backend {
        Arm32Backend {
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

impl TargetIsa for Arm32Backend {
    fn name(&self) -> &'static str {
        "arm"
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
        ir::CallConv::Aapcs
    }

    fn disasm_arch(&self) -> DisasmArch {
        DisasmArch::Arm32
    }

    fn compile_function(&self, func: &ir::Function) -> Result<CompiledFunction, CodegenError> {
        let conv = abi_conv(func.signature.call_conv);
        let backend = Arm32Lower {
            conv,
            has_idiv: self.isa.has_idiv(),
            has_v8: self.isa.has_v8(),
        };
        let abi = Arm32Abi::new(conv);
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
        build_text_section::<crate::LabelUse>(funcs, opts)
    }
}
