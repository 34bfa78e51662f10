//! The compilation pipeline of one function, end to end, as every ISA's
//! `TargetIsa::compile_function` runs it:
//!
//! ```text
//! verify --> BlockOrder (critical edges split, cold last) --> lower (ISA rules)
//!   --> regalloc2 (SSA validation + checker in debug builds) --> frame --> emit
//!   --> MachBuffer::finish --> CompiledFunction
//! ```
//!
//! The stages after verification live in `machinst::compile_function`; this
//! module adds the verifier and the allocator settings derived from [`Flags`].

use crate::ir::Function;
use crate::isa::{CodegenError, CompiledFunction};
use crate::machinst::{
    compile_function_padded, ABIMachineSpec, CompileParams, LowerBackend, RegallocAlgorithm,
    RegallocConfig,
};
use crate::settings::{Flags, RegallocAlgorithm as RegallocSetting};

/// Compile `func`: verify (when `enable_verifier`, through `p.verify`), then lower,
/// allocate and emit.
pub fn compile<B, A>(
    func: &Function,
    flags: &Flags,
    p: &CompileParams<'_, B, A>,
) -> Result<CompiledFunction, CodegenError>
where
    B: LowerBackend,
    A: ABIMachineSpec<I = B::MInst>,
{
    // The verifier runs inside `compile_function` when `p.verify` is set; ISAs set it
    // from `enable_verifier`.
    debug_assert_eq!(
        p.verify,
        flags.enable_verifier(),
        "CompileParams::verify must follow enable_verifier"
    );
    let compiled = compile_function_padded(func, p, flags.bb_padding_log2_minus_one())?;
    if compiled.frame_size > i32::MAX as u32 {
        return Err(CodegenError::ImplLimitExceeded(format!(
            "stack frame of {} bytes",
            compiled.frame_size
        )));
    }
    Ok(compiled)
}

/// The allocator settings: the algorithm from `regalloc_algorithm`; SSA validation
/// and regalloc2's checker when `regalloc_checker` is set and in every debug build
/// (so all tests run them).
pub fn regalloc_config(flags: &Flags) -> RegallocConfig {
    let check = flags.regalloc_checker() || cfg!(debug_assertions);
    let algorithm = match flags.regalloc_algorithm() {
        RegallocSetting::Backtracking => RegallocAlgorithm::Backtracking,
        RegallocSetting::SinglePass => RegallocAlgorithm::SinglePass,
    };
    RegallocConfig {
        algorithm,
        checker: check,
        validate_ssa: check,
    }
}
