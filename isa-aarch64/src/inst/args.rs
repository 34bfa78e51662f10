//! Operand kinds shared by many instructions: sizes, conditions, shifts, extends and
//! addressing modes.

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::machinst::{Reg, Writable};

use crate::imms::{SImm7Scaled, SImm9, UImm12Scaled};
use crate::regs::RegOrSp;

/// Width of an integer operation: `w` (32-bit) or `x` (64-bit) registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandSize {
    Size32,
    Size64,
}

impl OperandSize {
    /// The `sf` bit of most integer encodings.
    pub fn sf(self) -> u32 {
        match self {
            OperandSize::Size32 => 0,
            OperandSize::Size64 => 1,
        }
    }

    /// Whether registers print as `x`.
    pub fn is64(self) -> bool {
        self == OperandSize::Size64
    }

    /// Number of bits.
    pub fn bits(self) -> u8 {
        match self {
            OperandSize::Size32 => 32,
            OperandSize::Size64 => 64,
        }
    }
}

/// Width of a scalar float operation: `s` (f32) or `d` (f64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarSize {
    Size32,
    Size64,
}

impl ScalarSize {
    /// The `ftype` field (22) of scalar FP encodings: 0 = single, 1 = double.
    pub fn ftype(self) -> u32 {
        match self {
            ScalarSize::Size32 => 0,
            ScalarSize::Size64 => 1,
        }
    }

    /// Register prefix when printing.
    pub fn prefix(self) -> char {
        match self {
            ScalarSize::Size32 => 's',
            ScalarSize::Size64 => 'd',
        }
    }

    /// The integer size of the same width (for `fmov` between register files).
    pub fn operand_size(self) -> OperandSize {
        match self {
            ScalarSize::Size32 => OperandSize::Size32,
            ScalarSize::Size64 => OperandSize::Size64,
        }
    }
}

/// A condition on NZCV flags, numbered as in the encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    Hs = 2,
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Vc = 7,
    Hi = 8,
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
    Al = 14,
    Nv = 15,
}

impl Cond {
    /// The opposite condition (flipping bit 0 of the encoding negates it, except for
    /// `al`/`nv`, which both mean "always" and stay as they are).
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Hs => Lo,
            Lo => Hs,
            Mi => Pl,
            Pl => Mi,
            Vs => Vc,
            Vc => Vs,
            Hi => Ls,
            Ls => Hi,
            Ge => Lt,
            Lt => Ge,
            Gt => Le,
            Le => Gt,
            Al => Al,
            Nv => Nv,
        }
    }

    /// The 4-bit encoding.
    pub fn bits(self) -> u32 {
        self as u32
    }

    /// Assembler name.
    pub fn name(self) -> &'static str {
        use Cond::*;
        match self {
            Eq => "eq",
            Ne => "ne",
            Hs => "hs",
            Lo => "lo",
            Mi => "mi",
            Pl => "pl",
            Vs => "vs",
            Vc => "vc",
            Hi => "hi",
            Ls => "ls",
            Ge => "ge",
            Lt => "lt",
            Gt => "gt",
            Le => "le",
            Al => "al",
            Nv => "nv",
        }
    }
}

/// What a conditional branch (or conditional trap) tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CondBrKind {
    /// Register is zero (`cbz`).
    Zero(Reg, OperandSize),
    /// Register is non-zero (`cbnz`).
    NotZero(Reg, OperandSize),
    /// Flags satisfy a condition (`b.cond`).
    Cond(Cond),
}

impl CondBrKind {
    /// The kind that branches exactly when this one does not.
    pub fn invert(self) -> CondBrKind {
        match self {
            CondBrKind::Zero(r, s) => CondBrKind::NotZero(r, s),
            CondBrKind::NotZero(r, s) => CondBrKind::Zero(r, s),
            CondBrKind::Cond(c) => CondBrKind::Cond(c.invert()),
        }
    }
}

/// Shift applied to the second register of a shifted-register operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftOp {
    Lsl = 0,
    Lsr = 1,
    Asr = 2,
    Ror = 3,
}

impl ShiftOp {
    pub fn name(self) -> &'static str {
        match self {
            ShiftOp::Lsl => "lsl",
            ShiftOp::Lsr => "lsr",
            ShiftOp::Asr => "asr",
            ShiftOp::Ror => "ror",
        }
    }
}

/// Extension applied to the second register of an extended-register operation or a
/// register-offset address (`option` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtendOp {
    Uxtb = 0,
    Uxth = 1,
    Uxtw = 2,
    Uxtx = 3,
    Sxtb = 4,
    Sxth = 5,
    Sxtw = 6,
    Sxtx = 7,
}

impl ExtendOp {
    pub fn name(self) -> &'static str {
        use ExtendOp::*;
        match self {
            Uxtb => "uxtb",
            Uxth => "uxth",
            Uxtw => "uxtw",
            Uxtx => "uxtx",
            Sxtb => "sxtb",
            Sxth => "sxth",
            Sxtw => "sxtw",
            Sxtx => "sxtx",
        }
    }

    /// Whether the extended register is read as a `w` register (all but `uxtx`/`sxtx`).
    pub fn reads_w(self) -> bool {
        !matches!(self, ExtendOp::Uxtx | ExtendOp::Sxtx)
    }
}

/// Addressing mode of a single-register load or store.
///
/// Base registers are sp-slots ([`RegOrSp`]); index registers are xzr-slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AMode {
    /// `[rn, #uimm12 * access_size]`.
    UImm12 { rn: RegOrSp, uimm12: UImm12Scaled },
    /// `[rn, #simm9]` (`ldur`/`stur`).
    Unscaled { rn: RegOrSp, simm9: SImm9 },
    /// `[rn, #simm9]!`: add first, then access; `rn` is updated.
    PreIndexed { rn: Writable<RegOrSp>, simm9: SImm9 },
    /// `[rn], #simm9`: access, then add; `rn` is updated.
    PostIndexed { rn: Writable<RegOrSp>, simm9: SImm9 },
    /// `[rn, rm, <extend> {#log2(access_size)}]`; `Uxtx` with `shifted == false`
    /// is plain `[rn, rm]`, with `shifted` it prints `lsl #n`.
    RegExtended {
        rn: RegOrSp,
        rm: Reg,
        extend: ExtendOp,
        shifted: bool,
    },
    /// PC-relative literal at a label (`ldr` literal, loads only; `Ldr19` use).
    Label { label: MachLabel },
    /// `[sp, #off]` for any offset (spill slots, frame areas): emitted as the scaled
    /// or unscaled form when one fits, otherwise `x16` is loaded with `off` first and
    /// the access uses `[sp, x16]` (x16 is reserved, so nothing live is destroyed).
    SpOffset { off: i64 },
    /// `off` bytes into explicit stack slot `slot`: resolved at emission, from the
    /// frame layout, to `SpOffset`.
    SlotOffset { slot: u32, off: i64 },
}

/// Addressing mode of `ldp`/`stp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PairAMode {
    /// `[rn, #simm7 * size]`.
    SignedOffset { rn: RegOrSp, simm7: SImm7Scaled },
    /// `[rn, #simm7 * size]!`.
    PreIndexed {
        rn: Writable<RegOrSp>,
        simm7: SImm7Scaled,
    },
    /// `[rn], #simm7 * size`.
    PostIndexed {
        rn: Writable<RegOrSp>,
        simm7: SImm7Scaled,
    },
}
