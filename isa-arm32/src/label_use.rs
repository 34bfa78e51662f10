//! A32 label-use kinds: PC-relative fields the buffer patches, their exact reach, and
//! the long-branch veneer.
//!
//! In A32 state an instruction reading the PC sees its own address + 8. Every range
//! below already includes that bias, so the buffer compares raw offsets only. With
//! `delta = label_offset - use_offset`:
//!
//! | kind | field | encodes | reach of `delta` |
//! |---|---|---|---|
//! | `Branch24` | `b`/`bl`/`b<cond>` imm24 | `(delta - 8) / 4`, signed 24 bits | `[-2^25 + 8, 2^25 + 4]` |
//! | `Ldr12` | `ldr`/`ldrb` literal, U + imm12 | `delta - 8`, magnitude <= 4095 | `[-4087, 4103]` |
//! | `Vldr8` | `vldr` literal, U + imm8 | `(delta - 8) / 4`, magnitude <= 255 | `[-1012, 1028]` |
//! | `PCRel32` | a data word | `delta + addend` (addend = the word's prior content) | whole 32-bit space |
//!
//! `PCRel32` adds to the word already in the buffer (the addend): jump tables store
//! an entry's offset inside the table there, the veneer stores its own bias. A32 code
//! runs in a 32-bit address space and the value wraps modulo 2^32 exactly as the
//! hardware's add does, so any label in a text section below 4 GiB is reachable.
//! Because the patch adds, each `PCRel32` use must be patched exactly once.
//!
//! Only `Branch24` has a veneer (12 bytes, uses `ip` = r12, preserves `lr` so a
//! `bl` through it still returns to the caller):
//! ```text
//! V+0:  ldr ip, [pc]       @ PC reads V+8: loads the word below
//! V+4:  add pc, pc, ip     @ PC reads V+12: jumps to V+12 + word
//! V+8:  .word label - (V+12)
//! ```
//! The word is a `PCRel32` use at V+8 with addend -4 (`label - (V+8) - 4`).
//! Literal loads have no veneer: the constant is re-emitted in a nearer island.

use atoll_codegen::buffer::{Addend, CodeOffset, IslandIsa, LabelUse as _, Reloc};

use crate::emit::enc;

/// A PC-relative reference in A32 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelUse {
    /// `b`, `bl`, `b<cond>`: signed 24-bit word offset from PC + 8.
    Branch24,
    /// `ldr` (word or byte) literal: U bit and 12-bit byte offset from PC + 8.
    Ldr12,
    /// `vldr` literal: U bit and 8-bit word offset from PC + 8.
    Vldr8,
    /// A 32-bit data word holding `label - word address + addend`.
    PCRel32,
}

/// The A32 PC bias: an instruction reads PC as its own address plus 8.
pub const PC_BIAS: i64 = 8;

/// Size of the `Branch24` veneer.
pub const VENEER_SIZE: CodeOffset = 12;

/// The addend the veneer's `PCRel32` word starts with: the `add pc, pc, ip` reads PC
/// as V+12, four bytes past the word at V+8.
const VENEER_WORD_ADDEND: i32 = -4;

impl LabelUse {
    /// Whether `delta` (label minus use offset) is inside this kind's reach.
    pub fn in_range(self, delta: i64) -> bool {
        delta <= self.max_pos_range() as i64 && -delta <= self.max_neg_range() as i64
    }
}

impl atoll_codegen::buffer::LabelUse for LabelUse {
    const ALIGN: CodeOffset = 4;

    fn max_pos_range(self) -> CodeOffset {
        match self {
            LabelUse::Branch24 => (1 << 25) + 4,
            LabelUse::Ldr12 => 4095 + 8,
            LabelUse::Vldr8 => 1020 + 8,
            LabelUse::PCRel32 => u32::MAX as CodeOffset,
        }
    }

    fn max_neg_range(self) -> CodeOffset {
        match self {
            LabelUse::Branch24 => (1 << 25) - 8,
            LabelUse::Ldr12 => 4095 - 8,
            LabelUse::Vldr8 => 1020 - 8,
            LabelUse::PCRel32 => u32::MAX as CodeOffset,
        }
    }

    fn patch_size(self) -> CodeOffset {
        4
    }

    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset) {
        let delta = label_offset as i64 - use_offset as i64;
        debug_assert!(
            self.in_range(delta),
            "{self:?} patched out of range: delta {delta}"
        );
        let Some(field) = buffer.get_mut(..4) else {
            debug_assert!(false, "{self:?} patch past the end of the buffer");
            return;
        };
        let word = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
        let new = match self {
            LabelUse::Branch24 => {
                debug_assert_eq!(delta & 3, 0, "branch target not word aligned");
                let imm24 = ((delta - PC_BIAS) >> 2) as u32 & 0x00ff_ffff;
                (word & 0xff00_0000) | imm24
            }
            LabelUse::Ldr12 => {
                let off = delta - PC_BIAS;
                let (u, mag) = if off >= 0 {
                    (1, off as u32)
                } else {
                    (0, (-off) as u32)
                };
                (word & !(1 << 23) & !0xfff) | (u << 23) | (mag & 0xfff)
            }
            LabelUse::Vldr8 => {
                let off = delta - PC_BIAS;
                debug_assert_eq!(off & 3, 0, "vldr literal not word aligned");
                let (u, mag) = if off >= 0 {
                    (1, off as u32)
                } else {
                    (0, (-off) as u32)
                };
                (word & !(1 << 23) & !0xff) | (u << 23) | ((mag >> 2) & 0xff)
            }
            LabelUse::PCRel32 => word.wrapping_add(delta as u32),
        };
        field.copy_from_slice(&new.to_le_bytes());
    }

    fn supports_veneer(self) -> bool {
        matches!(self, LabelUse::Branch24)
    }

    fn veneer_size(self) -> CodeOffset {
        match self {
            LabelUse::Branch24 => VENEER_SIZE,
            _ => 0,
        }
    }

    fn worst_case_veneer_size() -> CodeOffset {
        VENEER_SIZE
    }

    fn generate_veneer(self, buffer: &mut [u8], _veneer_offset: CodeOffset) -> (CodeOffset, Self) {
        debug_assert!(self.supports_veneer(), "{self:?} has no veneer");
        let words = [enc::LDR_IP_PC, enc::ADD_PC_PC_IP, VENEER_WORD_ADDEND as u32];
        for (chunk, w) in buffer.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        (8, LabelUse::PCRel32)
    }

    /// Calls between functions are recorded as `Reloc::Arm32Call` at the `bl` with the
    /// ELF addend -8 (R_ARM_CALL's `S + A - P` with the PC bias folded into `A`), which
    /// the emitter also writes into the placeholder `bl .`. `Branch24` applies the bias
    /// itself, so only that addend maps to it; anything else is not a plain call.
    fn from_reloc(reloc: Reloc, addend: Addend) -> Option<Self> {
        match (reloc, addend) {
            (Reloc::Arm32Call, -8) => Some(LabelUse::Branch24),
            _ => None,
        }
    }
}

impl IslandIsa for LabelUse {
    const JUMP_SIZE: CodeOffset = 4;
    const TRAP_SIZE: CodeOffset = 4;
    const INSN_ALIGN: CodeOffset = 4;

    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self) {
        let at = out.len() as CodeOffset;
        out.extend_from_slice(&enc::b(enc::COND_AL, false, 0).to_le_bytes());
        (at, LabelUse::Branch24)
    }

    fn write_trap(out: &mut Vec<u8>) {
        out.extend_from_slice(&enc::UDF0.to_le_bytes());
    }

    /// Whole `nop` words; a tail shorter than a word (only possible when the caller
    /// asks for unaligned padding) gets the first bytes of `udf #0`.
    fn write_padding(out: &mut Vec<u8>, len: usize) {
        for _ in 0..len / 4 {
            out.extend_from_slice(&enc::NOP.to_le_bytes());
        }
        out.extend_from_slice(&enc::UDF0.to_le_bytes()[..len % 4]);
    }
}

#[cfg(test)]
mod tests;
