//! `Inst`: x64 machine instructions over [`Reg`] (virtual before register allocation,
//! real after), grouped by family.
//!
//! Two-address forms (x86 overwrites its first operand) keep separate `src1` and `dst`
//! operands: register allocation ties them (`dst` reuses `src1`'s register), and the
//! encoder asserts they agree. Fixed registers (`rax`/`rdx` of `mul`/`div`, `cl` of
//! shifts) are explicit operands for the same reason.

mod args;

pub use args::{Amode, OperandSize, RegMem, RegMemImm, Scale, CC};

use atoll_codegen::buffer::{MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};

/// An x64 machine instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    // ---- control flow -------------------------------------------------------------
    /// `nop` of `len` bytes (1..=9 per instruction; longer runs are split).
    Nop { len: u8 },
    /// `jmp rel32` to a label.
    Jmp { target: MachLabel },
    /// `jcc taken; jmp not_taken`.
    JmpCond { cc: CC, taken: MachLabel, not_taken: MachLabel },
    /// `jcc rel32` alone (falls through when the condition is false).
    JmpIf { cc: CC, taken: MachLabel },
    /// `jmp r/m64`.
    JmpUnknown { target: RegMem },
    /// Jump through a table of 32-bit offsets: `lea tmp1, [rip + table]`, `movsxd tmp2,
    /// dword ptr [tmp1 + 4*idx]`, `add tmp2, tmp1`, `jmp tmp2`, then the table (one
    /// `PCRel32` entry per target, holding `target - table`). `idx` must already be in
    /// bounds (lowering branches to the default target first) and zero-extended to 64 bits.
    JmpTableSeq { idx: Reg, tmp1: Writable<Reg>, tmp2: Writable<Reg>, targets: Box<[MachLabel]> },
    /// `call rel32` to another function (an `X86CallPCRel4` relocation, addend -4).
    CallKnown { target: RelocTarget },
    /// `call r/m64`.
    CallUnknown { target: RegMem },
    /// `ret`, or `ret imm16` popping `stack_bytes` more.
    Ret { stack_bytes: u16 },
    /// `ud2`, recorded in the trap table with `code`.
    Ud2 { code: TrapCode },
    /// `j!cc +2; ud2`: trap with `code` when `cc` holds.
    TrapIf { cc: CC, code: TrapCode },
    /// `push r64`.
    Push64 { src: Reg },
    /// `pop r64`.
    Pop64 { dst: Writable<Reg> },
}
