//! Operand types of x64 instructions: sizes, condition codes, addressing modes and
//! the register/memory/immediate operand unions.
//!
//! Every value of these types is encodable (for example [`Scale`] only has the four
//! scales a SIB byte can hold, and an index register is never `rsp`, checked by
//! [`Amode::base_index`]), so emission cannot fail on them.

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::machinst::Reg;

use crate::imms::Simm32;
use crate::regs;

/// Width of an integer operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandSize {
    S8,
    S16,
    S32,
    S64,
}

impl OperandSize {
    /// Width in bytes.
    pub fn bytes(self) -> u8 {
        match self {
            OperandSize::S8 => 1,
            OperandSize::S16 => 2,
            OperandSize::S32 => 4,
            OperandSize::S64 => 8,
        }
    }

    /// Width in bits.
    pub fn bits(self) -> u32 {
        u32::from(self.bytes()) * 8
    }

    /// The size for a width of `bits` (8, 16, 32 or 64).
    pub fn maybe_from_bits(bits: u32) -> Option<Self> {
        match bits {
            8 => Some(OperandSize::S8),
            16 => Some(OperandSize::S16),
            32 => Some(OperandSize::S32),
            64 => Some(OperandSize::S64),
            _ => None,
        }
    }

    /// The `byte ptr`/`word ptr`/... keyword of Intel syntax.
    pub fn ptr_name(self) -> &'static str {
        match self {
            OperandSize::S8 => "byte ptr",
            OperandSize::S16 => "word ptr",
            OperandSize::S32 => "dword ptr",
            OperandSize::S64 => "qword ptr",
        }
    }
}

/// Condition codes, numbered as in the low nibble of `jcc`/`setcc`/`cmovcc` opcodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CC {
    /// Overflow.
    O = 0,
    NO = 1,
    /// Unsigned below (carry).
    B = 2,
    /// Unsigned above or equal (no carry).
    NB = 3,
    /// Zero / equal.
    Z = 4,
    NZ = 5,
    /// Unsigned below or equal.
    BE = 6,
    /// Unsigned above.
    NBE = 7,
    /// Sign.
    S = 8,
    NS = 9,
    /// Parity (unordered after `ucomiss`).
    P = 10,
    NP = 11,
    /// Signed less.
    L = 12,
    /// Signed greater or equal.
    NL = 13,
    /// Signed less or equal.
    LE = 14,
    /// Signed greater.
    NLE = 15,
}

impl CC {
    /// The opposite condition (flips the low bit of the encoding).
    pub fn invert(self) -> CC {
        CC::from_nibble(self as u8 ^ 1)
    }

    /// The condition encoded by the low nibble `n`.
    pub fn from_nibble(n: u8) -> CC {
        const ALL: [CC; 16] = [
            CC::O,
            CC::NO,
            CC::B,
            CC::NB,
            CC::Z,
            CC::NZ,
            CC::BE,
            CC::NBE,
            CC::S,
            CC::NS,
            CC::P,
            CC::NP,
            CC::L,
            CC::NL,
            CC::LE,
            CC::NLE,
        ];
        ALL[usize::from(n & 15)]
    }

    /// Suffix as llvm-mc prints it (`jae`, `sete`, `cmovg`, ...).
    pub fn suffix(self) -> &'static str {
        [
            "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
        ][self as usize]
    }
}

/// Scale of an index register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scale {
    One = 0,
    Two = 1,
    Four = 2,
    Eight = 3,
}

impl Scale {
    /// The scale multiplying by `n` (1, 2, 4 or 8).
    pub fn maybe_from_u8(n: u8) -> Option<Scale> {
        match n {
            1 => Some(Scale::One),
            2 => Some(Scale::Two),
            4 => Some(Scale::Four),
            8 => Some(Scale::Eight),
            _ => None,
        }
    }

    /// The multiplier.
    pub fn factor(self) -> u8 {
        1 << (self as u8)
    }
}

/// A memory address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Amode {
    /// `[base + disp]`.
    ImmReg { base: Reg, disp: i32 },
    /// `[base + index * scale + disp]`; `index` is never `rsp` (its SIB encoding means
    /// "no index"). Build with [`Amode::base_index`].
    ImmRegRegShift {
        base: Reg,
        index: Reg,
        scale: Scale,
        disp: i32,
    },
    /// `[rip + label]`: a constant or jump table in this buffer (a `PCRel32` use).
    RipRelative { target: MachLabel },
}

impl Amode {
    /// `[base + disp]`.
    pub fn imm_reg(disp: i32, base: Reg) -> Amode {
        Amode::ImmReg { base, disp }
    }

    /// `[base + index * scale + disp]`, or `None` when `index` is `rsp`.
    pub fn base_index(base: Reg, index: Reg, scale: Scale, disp: i32) -> Option<Amode> {
        if index == regs::rsp() {
            return None;
        }
        Some(Amode::ImmRegRegShift {
            base,
            index,
            scale,
            disp,
        })
    }

    /// Registers the address reads.
    pub fn regs(&self) -> impl Iterator<Item = Reg> {
        let (a, b) = match *self {
            Amode::ImmReg { base, .. } => (Some(base), None),
            Amode::ImmRegRegShift { base, index, .. } => (Some(base), Some(index)),
            Amode::RipRelative { .. } => (None, None),
        };
        a.into_iter().chain(b)
    }
}

/// A register or memory operand (the r/m field of ModRM).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegMem {
    Reg(Reg),
    Mem(Amode),
}

/// A register, memory or immediate operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegMemImm {
    Reg(Reg),
    Mem(Amode),
    /// Sign-extended to the operation width (for 8- and 16-bit operations, the low
    /// bits are used).
    Imm(Simm32),
}

impl From<RegMem> for RegMemImm {
    fn from(rm: RegMem) -> Self {
        match rm {
            RegMem::Reg(r) => RegMemImm::Reg(r),
            RegMem::Mem(a) => RegMemImm::Mem(a),
        }
    }
}
