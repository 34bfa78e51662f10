//! The x64 register file as [`Reg`]/[`PReg`] values, with names for the printer.
//!
//! Integer registers are `PReg`s of class `Int` whose hardware encoding is the x86
//! register number (rax = 0 ... r15 = 15); `xmm0..xmm15` are class `Float` with the
//! same numbering. The encoder only ever needs `hw_enc(reg)`: bit 3 goes into a REX
//! prefix, bits 0..2 into ModRM/SIB/opcode.
//!
//! Reserved registers:
//! - `rsp` (stack pointer) and `rbp` (frame pointer, always kept so backtraces work).
//! - `r10` and `r11` ([`VENEER_SCRATCH`]): the long veneer of `LabelUse::JmpRel32`
//!   clobbers both. They are never argument or callee-saved registers in any
//!   convention we emit, so no value is live in them across a call (the only place a
//!   veneer runs in practice: branches inside one function would need a function larger
//!   than 2 GiB to take a veneer).

use atoll_codegen::machinst::{PReg, Reg, RegClass};

/// Hardware encodings of the general-purpose registers.
pub mod enc {
    pub const RAX: u8 = 0;
    pub const RCX: u8 = 1;
    pub const RDX: u8 = 2;
    pub const RBX: u8 = 3;
    pub const RSP: u8 = 4;
    pub const RBP: u8 = 5;
    pub const RSI: u8 = 6;
    pub const RDI: u8 = 7;
    pub const R8: u8 = 8;
    pub const R9: u8 = 9;
    pub const R10: u8 = 10;
    pub const R11: u8 = 11;
    pub const R12: u8 = 12;
    pub const R13: u8 = 13;
    pub const R14: u8 = 14;
    pub const R15: u8 = 15;
}

/// The physical general-purpose register with hardware encoding `enc` (0..=15).
pub const fn gpr_preg(enc: u8) -> PReg {
    PReg::new(enc as usize, RegClass::Int)
}

/// The physical xmm register `xmm<enc>` (0..=15).
pub const fn xmm_preg(enc: u8) -> PReg {
    PReg::new(enc as usize, RegClass::Float)
}

/// General-purpose register `enc` as a real [`Reg`].
pub fn gpr(enc: u8) -> Reg {
    debug_assert!(enc < 16, "x64 has 16 general-purpose registers");
    Reg::from_real(gpr_preg(enc))
}

/// `xmm<enc>` as a real [`Reg`].
pub fn xmm(enc: u8) -> Reg {
    debug_assert!(enc < 16, "x64 has 16 xmm registers (no AVX-512 here)");
    Reg::from_real(xmm_preg(enc))
}

pub fn rax() -> Reg {
    gpr(enc::RAX)
}
pub fn rcx() -> Reg {
    gpr(enc::RCX)
}
pub fn rdx() -> Reg {
    gpr(enc::RDX)
}
pub fn rbx() -> Reg {
    gpr(enc::RBX)
}
pub fn rsp() -> Reg {
    gpr(enc::RSP)
}
pub fn rbp() -> Reg {
    gpr(enc::RBP)
}
pub fn rsi() -> Reg {
    gpr(enc::RSI)
}
pub fn rdi() -> Reg {
    gpr(enc::RDI)
}
pub fn r8() -> Reg {
    gpr(enc::R8)
}
pub fn r9() -> Reg {
    gpr(enc::R9)
}
pub fn r10() -> Reg {
    gpr(enc::R10)
}
pub fn r11() -> Reg {
    gpr(enc::R11)
}
pub fn r12() -> Reg {
    gpr(enc::R12)
}
pub fn r13() -> Reg {
    gpr(enc::R13)
}
pub fn r14() -> Reg {
    gpr(enc::R14)
}
pub fn r15() -> Reg {
    gpr(enc::R15)
}

/// Registers the long veneer clobbers (see the module doc).
pub const VENEER_SCRATCH: [PReg; 2] = [gpr_preg(enc::R10), gpr_preg(enc::R11)];

/// Hardware encoding of a real register. A virtual register reaching the encoder is
/// a register-allocation bug, hence the assertion rather than an error.
pub fn hw_enc(reg: Reg) -> u8 {
    match reg.to_real() {
        Some(p) => p.hw_enc() as u8,
        None => {
            debug_assert!(false, "virtual register {reg:?} reached the x64 encoder");
            0
        }
    }
}

const GPR64: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];
const GPR32: [&str; 16] = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
    "r13d", "r14d", "r15d",
];
const GPR16: [&str; 16] = [
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
    "r14w", "r15w",
];
const GPR8: [&str; 16] = [
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
    "r13b", "r14b", "r15b",
];
const XMM: [&str; 16] = [
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
    "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
];

/// Printed name of `reg` used with an operand of `bytes` bytes (1, 2, 4 or 8; ignored
/// for xmm registers). Virtual registers print as `%v<n>i`/`%v<n>f` (printer input
/// is normally allocated code, but printing before allocation must not fail).
pub fn reg_name(reg: Reg, bytes: u8) -> String {
    let Some(p) = reg.to_real() else {
        return format!("{reg:?}");
    };
    let i = p.hw_enc() & 15;
    match p.class() {
        RegClass::Int => match bytes {
            1 => GPR8[i],
            2 => GPR16[i],
            4 => GPR32[i],
            _ => GPR64[i],
        }
        .to_string(),
        RegClass::Float | RegClass::Vector => XMM[i].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_encodings() {
        assert_eq!(reg_name(r12(), 1), "r12b");
        assert_eq!(reg_name(rsi(), 1), "sil");
        assert_eq!(reg_name(rdx(), 4), "edx");
        assert_eq!(reg_name(xmm(9), 8), "xmm9");
        assert_eq!(hw_enc(r15()), 15);
        assert_eq!(hw_enc(xmm(3)), 3);
        assert!(VENEER_SCRATCH.contains(&r11().to_real().unwrap()));
    }
}
