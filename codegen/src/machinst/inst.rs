//! The generic backend interface every ISA's instruction type implements.
//!
//! Lifecycle of one instruction:
//! 1. lowering builds it on virtual registers and pushes it into a
//!    [`VCodeBuilder`](super::VCodeBuilder), which records its operands by calling
//!    [`MachInst::get_operands`] with a collector;
//! 2. after regalloc2 ran, the emission driver calls `get_operands` again with an
//!    applier that overwrites every register field with its physical register;
//! 3. [`MachInst::emit`] encodes the rewritten instruction. `emit` therefore only
//!    ever sees real registers (`Reg::to_real` is `Some`), and needs no allocation
//!    table; an ISA may treat a virtual register there as an internal bug.
//!
//! Moves, spills and reloads regalloc2 asks for are synthesized with
//! [`MachInst::gen_move`] and the ABI's `gen_spill`/`gen_reload`
//! (see [`ABIMachineSpec`](super::ABIMachineSpec)), so the driver never needs an
//! ISA-specific move encoder.

use core::fmt::Debug;

use regalloc2::RegClass;

use super::{FrameLayout, OperandVisitor, Reg, Writable};
use crate::buffer::{CodeOffset, CodeSink, IslandIsa, MachLabel};
use crate::ir::Type;

/// A type the ISA cannot keep in registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnsupportedType(pub Type);

impl core::fmt::Display for UnsupportedType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "type {} is not supported by this target", self.0.name())
    }
}

impl std::error::Error for UnsupportedType {}

/// How an instruction ends a block, if it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachTerminator {
    /// Not a terminator.
    None,
    /// Returns from the function (the emission driver puts the epilogue before it).
    Ret,
    /// Ends a block with no successors without returning (an unconditional trap);
    /// unlike `Ret`, no epilogue is emitted before it.
    Trap,
    /// Transfers control to the block's successors (branch arguments are block
    /// parameters handled by regalloc2, not operands of the instruction).
    Branch,
}

/// State threaded through the emission of one function.
pub trait MachInstEmitState: Sized {
    /// Fresh state for a function with this frame.
    fn new(frame: &FrameLayout) -> Self;
}

/// A machine instruction of one ISA.
pub trait MachInst: Clone + Debug {
    /// The ISA's PC-relative reference kinds; the buffer uses them for islands.
    type LabelUse: IslandIsa;
    /// Emission state (frame offsets, pending constants, ...).
    type State: MachInstEmitState;
    /// Read-only settings emission needs (ISA flags).
    type Info;

    /// Visit every register field in a fixed order (see [`super::operands`]).
    ///
    /// Takes `&mut self` because the same walk rewrites registers after allocation;
    /// when collecting, the visitor leaves every field unchanged.
    fn get_operands(&mut self, visitor: &mut impl OperandVisitor);

    /// If this is a plain register-to-register copy, its destination and source.
    /// The driver drops copies whose allocated source and destination coincide.
    fn is_move(&self) -> Option<(Writable<Reg>, Reg)>;

    /// Whether and how this instruction ends a block.
    fn is_term(&self) -> MachTerminator;

    /// Whether this instruction is a safepoint (a call that may observe the stack).
    fn is_safepoint(&self) -> bool {
        false
    }

    /// A copy of `src` into `dst`, both of class `class` (virtual or real).
    fn gen_move(dst: Writable<Reg>, src: Reg, class: RegClass) -> Self;

    /// An unconditional jump to `target`.
    fn gen_jump(target: MachLabel) -> Self;

    /// A no-op of about `preferred_size` bytes (at least one instruction).
    fn gen_nop(preferred_size: usize) -> Self;

    /// Registers holding a value of type `ty`: one class and one part type per
    /// register, low part first (an `i128` takes two integer registers on 64-bit
    /// targets, an `i64` two on arm32).
    fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType>;

    /// The widest type a register of `class` holds: what moves, spills and reloads
    /// of that class transfer.
    fn canonical_type_for_rc(class: RegClass) -> Type;

    /// How many spill slots a value of `class` occupies (a slot is one machine
    /// word; a 128-bit vector needs two on a 64-bit target).
    fn spillslot_size(class: RegClass) -> usize;

    /// Upper bound on the bytes `emit` writes for any single instruction, including
    /// inline constants; the driver uses it to decide when an island is due.
    fn worst_case_size() -> CodeOffset;

    /// The instruction in assembly syntax, for listings (`precise-output`).
    fn print(&self) -> String {
        format!("{self:?}")
    }

    /// Encode this (register-allocated) instruction.
    fn emit(
        &self,
        sink: &mut impl CodeSink<Self::LabelUse>,
        info: &Self::Info,
        state: &mut Self::State,
    );
}
