//! AArch64 machine instructions over [`Reg`] (virtual before register allocation,
//! real after), grouped by family.
//!
//! Invariants the types keep: every immediate is an encodable newtype from
//! [`crate::imms`]; operands whose encoding 31 means `sp` are documented as such and
//! operands where it means `xzr` are the rest (see [`crate::regs`]). Instructions
//! that target a label hold a [`MachLabel`]; calls to other functions hold a
//! [`RelocTarget`] resolved by the text-section builder.

pub mod args;
mod print;

use atoll_codegen::buffer::{MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};

pub use args::{AMode, Cond, CondBrKind, ExtendOp, OperandSize, PairAMode, ScalarSize, ShiftOp};

/// One AArch64 instruction (or a short fixed sequence, where noted).
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    // ---- control flow ----
    /// `b dest`.
    Jump { dest: MachLabel },
    /// Two-way conditional branch: `b.cond`/`cbz`/`cbnz` to `taken`, then `b not_taken`.
    CondBr { taken: MachLabel, not_taken: MachLabel, kind: CondBrKind },
    /// One-way conditional branch: `b.cond`/`cbz`/`cbnz` to `target`, falls through otherwise.
    OneWayCondBr { target: MachLabel, kind: CondBrKind },
    /// `tbz` (`nonzero == false`) or `tbnz` on bit `bit` of `rn`, to `target`.
    TestBitAndBranch { rn: Reg, bit: u8, nonzero: bool, target: MachLabel },
    /// `br rn`.
    IndirectBr { rn: Reg },
    /// `bl` to another function of the module (relocation `Arm64Call`, resolved by the
    /// text-section builder).
    Call { dest: RelocTarget },
    /// `bl` to a label in the same buffer.
    CallLabel { dest: MachLabel },
    /// `blr rn`.
    CallInd { rn: Reg },
    /// `ret` (through `x30`).
    Ret,
    /// `udf #0`, recorded in the trap table with `trap_code`.
    Udf { trap_code: TrapCode },
    /// `brk #imm`.
    Brk { imm: u16 },
    /// Trap when `kind` holds: the inverted branch jumps over a `udf #0`.
    TrapIf { kind: CondBrKind, trap_code: TrapCode },
    /// `nop`.
    Nop4,
    /// `adr rd, label` (±1 MiB).
    Adr { rd: Writable<Reg>, label: MachLabel },
    /// `adrp rd, #pages * 4096` (page-relative; the offset is a fixed immediate).
    Adrp { rd: Writable<Reg>, pages: AdrpPages },
}

/// A signed 21-bit page count for `adrp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AdrpPages(i32);

impl AdrpPages {
    pub fn maybe_from_i64(pages: i64) -> Option<AdrpPages> {
        (-(1 << 20)..(1 << 20)).contains(&pages).then_some(AdrpPages(pages as i32))
    }

    pub fn value(self) -> i32 {
        self.0
    }
}
