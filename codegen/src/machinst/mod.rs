//! The machine-instruction framework shared by every backend.
//!
//! ```text
//!   ir::Function --BlockOrder--> lowered block order (RPO, critical edges split)
//!     --lower_function (framework) + LowerBackend (ISA rules)--> VCode<I> on vregs
//!     --run_regalloc (regalloc2; checker in tests)--> Output (allocations + edits)
//!     --compute_frame + allocated_blocks--> final instructions on physical regs
//!     --emit_allocated--> bytes in a MachBuffer (labels, islands, veneers)
//! ```
//!
//! [`compile_function`] runs the whole pipeline for one function; each ISA's
//! `TargetIsa::compile_function` calls it with its lowering rules and ABI.
//!
//! Invariant of each stage:
//! - [`BlockOrder`]: no critical edges; entry first; lowered block `i` is label `i`;
//!   reverse postorder (regalloc2 needs it); cold blocks are only flagged.
//! - [`VCode`]: every block ends with exactly one terminator; operands were
//!   collected by the same walk that later rewrites registers ([`operands`]).
//! - [`run_regalloc`]: the output passed regalloc2's checker when asked to; the
//!   VCode is never mutated.
//! - [`allocated_blocks`] / [`emit_function`]: cold blocks go last; instructions
//!   only hold physical registers; the frame ([`FrameLayout`]) is computed from the
//!   allocation before the first byte.
//!
//! [`test_isa`] is a tiny ISA with an interpreter, used to test this pipeline end
//! to end without a real backend.

mod abi;
mod blockorder;
mod cfg_ir;
mod compile;
mod emit;
mod frame;
mod inst;
mod lower;
pub mod operands;
mod reg;
mod regalloc;
pub mod scalar64;
pub mod test_isa;
mod text;
mod vcode;

pub use abi::{
    assign_args, assign_ir_signature, assign_signature, ABIMachineSpec, AbiError, AbiParam,
    ArgAssignment, ArgLoc, ArgRegs, ArgRules, SigAssignment,
};
pub use blockorder::{BlockOrder, BlockOrderError, CfgView, LoweredBlock};
pub use compile::{compile_function, compile_function_padded, CompileParams};
pub use emit::{
    allocated_blocks, bb_padding_bytes, compute_frame, emit_allocated, emit_allocated_padded,
    emit_function, final_block_order, AllocatedBlock, EmitBuffer, EmitError, EmitResult,
    FrameRequest,
};
pub use frame::{FrameError, FrameLayout, FrameLayoutInput, StackSlotSpec};
pub use inst::{MachInst, MachInstEmitState, MachTerminator, UnsupportedType};
pub use lower::{lower_function, Lower, LowerBackend, LowerError, ValueRegs};
pub use operands::{AllocApplier, InvalidOperand, OperandCollector, OperandVisitor, RegConstraint};
pub use reg::{Reg, RegClass, Writable, PINNED};
pub use regalloc::{run_regalloc, written_regs, RegallocAlgorithm, RegallocConfig, RegallocError};
pub use regalloc2::{MachineEnv, Output as RegallocOutput, PReg, PRegSet, SpillSlot, VReg};
pub use text::build_text_section;
pub use vcode::{VCode, VCodeBuilder, VCodeError};
