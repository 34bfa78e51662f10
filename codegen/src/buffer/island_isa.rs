//! What the buffer needs from an ISA beyond its label-use kinds: the few fixed
//! instruction sequences an island, a trap stub or padding is made of.

use super::{CodeOffset, LabelUse};

/// The fixed code sequences the buffer itself writes.
///
/// Contract:
/// - `write_jump` appends exactly `JUMP_SIZE` bytes: an unconditional jump whose target
///   is filled in later by patching the returned use (offset relative to the start of
///   the jump, and its kind). Islands in the middle of a function are jumped around
///   with it.
/// - `write_trap` appends exactly `TRAP_SIZE` bytes: one instruction that raises an
///   illegal-instruction trap (`ud2`, `udf #0`, ...). Deferred trap stubs are made of it.
/// - `write_padding` appends exactly `len` bytes that are valid to execute (no-ops
///   where `len` allows; otherwise trap bytes), used for function and constant
///   alignment and for `padding_between_functions`.
pub trait IslandIsa: LabelUse {
    /// Size of the jump written by [`IslandIsa::write_jump`].
    const JUMP_SIZE: CodeOffset;
    /// Size of the instruction written by [`IslandIsa::write_trap`].
    const TRAP_SIZE: CodeOffset;
    /// Natural alignment of instructions (1 on x64, 4 on AArch64 and A32).
    const INSN_ALIGN: CodeOffset;

    /// Append an unconditional jump with a pending target; return its use.
    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self);

    /// Append one trapping instruction.
    fn write_trap(out: &mut Vec<u8>);

    /// Append `len` bytes of padding.
    fn write_padding(out: &mut Vec<u8>, len: usize);
}
