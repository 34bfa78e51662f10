//! The whole backend pipeline for one function, in one short function, shared by
//! every ISA's `TargetIsa::compile_function`:
//!
//! ```text
//! ir::Function --verify_function (optional)--> --lower_function--> VCode --run_regalloc--> Output
//!   --compute_frame + allocated_blocks--> final instructions (also the listing)
//!   --emit_allocated--> MachBuffer --finish--> CompiledFunction
//! ```
//!
//! Relocation targets: an ISA's `emit` names a callee with `RelocTarget(i)`, where
//! `i` is the index of the IR `FuncRef` it calls; here that becomes the callee's
//! `ExternalName` and `colocated` flag. Explicit stack slots get their declared
//! alignment, and at least their natural one (size rounded up to a power of two,
//! capped at the word size).

use cranelift_entity::EntityRef;

use super::{
    allocated_blocks, bb_padding_bytes, compute_frame, emit_allocated_padded, lower_function,
    run_regalloc, ABIMachineSpec, FrameRequest, LowerBackend, MachInst, MachineEnv, RegallocConfig,
    RegallocError, StackSlotSpec,
};
use crate::buffer::{BufferError, CodeOffset, MachBuffer};
use crate::ir::{FuncRef, Function};
use crate::isa::{CodegenError, CompiledFunction, FunctionReloc};
use crate::verifier::verify_function;

/// What the pipeline needs besides the function.
pub struct CompileParams<'a, B: LowerBackend, A: ABIMachineSpec<I = B::MInst>> {
    /// The ISA's lowering rules.
    pub backend: &'a B,
    /// The ABI of the function's calling convention.
    pub abi: &'a A,
    /// Allocatable registers.
    pub env: &'a MachineEnv,
    /// Allocator choice and checks.
    pub regalloc: RegallocConfig,
    /// Emission settings of the ISA.
    pub info: &'a <B::MInst as MachInst>::Info,
    /// Alignment of the function's start.
    pub alignment: CodeOffset,
    /// Run the IR verifier first (the `enable_verifier` setting).
    pub verify: bool,
}

/// Compile `func`: lower, allocate, lay out the frame, emit, and list.
pub fn compile_function<B, A>(
    func: &Function,
    p: &CompileParams<'_, B, A>,
) -> Result<CompiledFunction, CodegenError>
where
    B: LowerBackend,
    A: ABIMachineSpec<I = B::MInst>,
{
    compile_function_padded(func, p, 0)
}

/// [`compile_function`] with the shared flag `bb_padding_log2_minus_one`: padding
/// after every block (see [`bb_padding_bytes`]) to test out-of-range branches.
pub fn compile_function_padded<B, A>(
    func: &Function,
    p: &CompileParams<'_, B, A>,
    bb_padding_log2_minus_one: u8,
) -> Result<CompiledFunction, CodegenError>
where
    B: LowerBackend,
    A: ABIMachineSpec<I = B::MInst>,
{
    if p.verify {
        verify_function(func).map_err(|e| CodegenError::Verifier(e.to_string()))?;
    }
    let (vcode, _order) =
        lower_function(func, p.backend).map_err(|e| CodegenError::Unsupported(e.to_string()))?;
    let output = run_regalloc(&vcode, p.env, &p.regalloc).map_err(|e| match e {
        RegallocError::AllocatableRealReg { .. } => CodegenError::Unsupported(e.to_string()),
        _ => CodegenError::Regalloc(e.to_string()),
    })?;
    let stack_slots = stack_slot_specs(func, p.abi.word_bytes());
    let request = FrameRequest {
        stack_slots: &stack_slots,
        outgoing_args_size: 0,
    };
    let frame = compute_frame(&vcode, &output, p.abi, &request)
        .map_err(|e| CodegenError::ImplLimitExceeded(e.to_string()))?;
    let blocks = allocated_blocks(&vcode, &output, p.abi, &frame)
        .map_err(|e| CodegenError::Regalloc(e.to_string()))?;

    let mut buffer = MachBuffer::<<B::MInst as MachInst>::LabelUse>::new();
    let padding = bb_padding_bytes::<<B::MInst as MachInst>::LabelUse>(bb_padding_log2_minus_one);
    emit_allocated_padded(&blocks, &frame, p.info, &mut buffer, padding)
        .map_err(|e| CodegenError::Regalloc(e.to_string()))?;
    let done = buffer.try_finish().map_err(|e| match e {
        BufferError::OutOfRange { .. } => CodegenError::ImplLimitExceeded(e.to_string()),
        _ => CodegenError::Unsupported(format!("internal emission error: {e}")),
    })?;

    let mut relocs = Vec::with_capacity(done.relocs.len());
    for r in &done.relocs {
        let ext = func
            .ext_funcs
            .get(FuncRef::new(r.target.0 as usize))
            .ok_or_else(|| {
                CodegenError::Unsupported(format!(
                    "relocation names undeclared function fn{}",
                    r.target.0
                ))
            })?;
        relocs.push(FunctionReloc {
            offset: r.offset,
            kind: r.kind,
            target: ext.name.clone(),
            addend: r.addend,
            colocated: ext.colocated,
        });
    }
    let mut listing = String::new();
    for b in &blocks {
        listing.push_str(&format!("block{}:\n", b.block));
        for i in &b.insts {
            listing.push_str(&format!("  {}\n", i.print()));
        }
    }
    Ok(CompiledFunction {
        code: done.data,
        alignment: p.alignment,
        relocs,
        traps: done.traps.iter().map(|t| (t.offset, t.code)).collect(),
        frame_size: frame.total_size(),
        listing,
    })
}

/// Frame requirements of the IR's explicit stack slots.
fn stack_slot_specs(func: &Function, word_bytes: u32) -> Vec<StackSlotSpec> {
    func.stack_slots
        .values()
        .map(|s| {
            let natural = s
                .size
                .max(1)
                .checked_next_power_of_two()
                .unwrap_or(word_bytes)
                .min(word_bytes);
            let declared = 1u32
                .checked_shl(u32::from(s.align_shift))
                .unwrap_or(u32::MAX);
            StackSlotSpec {
                size: s.size,
                align: natural.max(declared),
            }
        })
        .collect()
}
