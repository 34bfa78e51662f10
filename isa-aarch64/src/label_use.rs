//! AArch64 label-use kinds: PC-relative fields, their reach, patching and veneers.
//!
//! On AArch64 the PC of an instruction is its own address (no bias), so every range
//! below is measured from the use offset, which is the address of the instruction
//! (or of the data word, for [`LabelUse::PCRel32`]).
//!
//! | kind       | field                         | reach (bytes)            | veneer |
//! |------------|-------------------------------|--------------------------|--------|
//! | `Branch14` | `tbz`/`tbnz` imm14 × 4        | −32 KiB … +32 KiB − 4    | `b` → `Branch26` |
//! | `Branch19` | `b.cond`/`cbz`/`cbnz` imm19 × 4 | −1 MiB … +1 MiB − 4    | `b` → `Branch26` |
//! | `Branch26` | `b`/`bl` imm26 × 4            | −128 MiB … +128 MiB − 4  | long veneer → `PCRel32` |
//! | `Ldr19`    | literal `ldr` imm19 × 4       | −1 MiB … +1 MiB − 4      | none |
//! | `Adr21`    | `adr` immhi:immlo             | −1 MiB … +1 MiB − 1      | none |
//! | `PCRel32`  | 32-bit data word              | −2 GiB … +2 GiB − 1      | none |
//!
//! The long veneer (20 bytes, uses only `x16`/`x17`, which no calling convention we
//! emit uses for arguments or values live across a call):
//!
//! ```text
//!  0: adr   x16, #16        ; x16 = address of the word at +16
//!  4: ldrsw x17, [x16]      ; x17 = signed 32-bit delta
//!  8: add   x16, x16, x17   ; x16 = word address + delta = target
//! 12: br    x16
//! 16: .word target - (veneer + 16)   ; PCRel32 use at offset 16
//! ```
//!
//! `PCRel32` ADDS the distance to the word's current contents instead of overwriting
//! it, so a jump table can pre-store each entry's offset from the table start and end
//! up with `target - table_start` (the veneer word starts at 0 and ends up relative to
//! itself).

use atoll_codegen::buffer::{Addend, CodeOffset, IslandIsa, Reloc};

use crate::emit::branch::{enc_b, NOP};

/// One kind of PC-relative reference in AArch64 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelUse {
    /// `tbz`/`tbnz`: signed 14-bit word offset in bits 18:5.
    Branch14,
    /// `b.cond`, `cbz`, `cbnz`: signed 19-bit word offset in bits 23:5.
    Branch19,
    /// `b`, `bl`: signed 26-bit word offset in bits 25:0.
    Branch26,
    /// Literal loads (`ldr`/`ldrsw`/fp `ldr` literal): signed 19-bit word offset in bits 23:5.
    Ldr19,
    /// `adr`: signed 21-bit byte offset, low 2 bits in 30:29, high 19 bits in 23:5.
    Adr21,
    /// A 32-bit little-endian data word holding `label - word_address` (added to the
    /// word's initial value).
    PCRel32,
}

/// Size of the long veneer written for an out-of-range [`LabelUse::Branch26`].
pub const LONG_VENEER_SIZE: CodeOffset = 20;
/// Offset of the `PCRel32` word inside the long veneer.
const LONG_VENEER_WORD: CodeOffset = 16;

/// The four instructions of the long veneer (see the module doc), little-endian words.
/// Checked against `llvm-mc-14` in this module's tests.
const LONG_VENEER: [u32; 4] = [
    0x1000_0090, // adr   x16, #16
    0xb980_0211, // ldrsw x17, [x16]
    0x8b11_0210, // add   x16, x16, x17
    0xd61f_0200, // br    x16
];

impl LabelUse {
    /// Width in bits of the signed field, and how many low bits of the distance are
    /// dropped (2 for word offsets).
    fn field(self) -> (u32, u32) {
        match self {
            LabelUse::Branch14 => (14, 2),
            LabelUse::Branch19 | LabelUse::Ldr19 => (19, 2),
            LabelUse::Branch26 => (26, 2),
            LabelUse::Adr21 => (21, 0),
            LabelUse::PCRel32 => (32, 0),
        }
    }

    /// Whether a distance `delta = label - use` fits this kind (range and alignment).
    pub fn in_range(self, delta: i64) -> bool {
        let (bits, shift) = self.field();
        let lo = -(1i64 << (bits - 1 + shift));
        let hi = (1i64 << (bits - 1 + shift)) - (1 << shift);
        delta >= lo && delta <= hi && delta & ((1 << shift) - 1) == 0
    }
}

fn read_word(buffer: &[u8]) -> u32 {
    u32::from_le_bytes([buffer[0], buffer[1], buffer[2], buffer[3]])
}

fn write_word(buffer: &mut [u8], word: u32) {
    buffer[..4].copy_from_slice(&word.to_le_bytes());
}

impl atoll_codegen::buffer::LabelUse for LabelUse {
    const ALIGN: CodeOffset = 4;

    fn max_pos_range(self) -> CodeOffset {
        let (bits, shift) = self.field();
        (1u64 << (bits - 1 + shift)) - (1 << shift)
    }

    fn max_neg_range(self) -> CodeOffset {
        let (bits, shift) = self.field();
        1u64 << (bits - 1 + shift)
    }

    fn patch_size(self) -> CodeOffset {
        4
    }

    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset) {
        let delta = label_offset.wrapping_sub(use_offset) as i64;
        debug_assert!(self.in_range(delta), "{self:?} cannot reach {delta} bytes");
        let word = read_word(buffer);
        let d = delta as u32;
        let patched = match self {
            LabelUse::Branch14 => (word & !(0x3fff << 5)) | (((d >> 2) & 0x3fff) << 5),
            LabelUse::Branch19 | LabelUse::Ldr19 => {
                (word & !(0x7_ffff << 5)) | (((d >> 2) & 0x7_ffff) << 5)
            }
            LabelUse::Branch26 => (word & !0x03ff_ffff) | ((d >> 2) & 0x03ff_ffff),
            LabelUse::Adr21 => {
                (word & !((3 << 29) | (0x7_ffff << 5)))
                    | ((d & 3) << 29)
                    | (((d >> 2) & 0x7_ffff) << 5)
            }
            LabelUse::PCRel32 => word.wrapping_add(d),
        };
        write_word(buffer, patched);
    }

    fn supports_veneer(self) -> bool {
        matches!(
            self,
            LabelUse::Branch14 | LabelUse::Branch19 | LabelUse::Branch26
        )
    }

    fn veneer_size(self) -> CodeOffset {
        match self {
            LabelUse::Branch14 | LabelUse::Branch19 => 4,
            LabelUse::Branch26 => LONG_VENEER_SIZE,
            LabelUse::Ldr19 | LabelUse::Adr21 | LabelUse::PCRel32 => 0,
        }
    }

    fn worst_case_veneer_size() -> CodeOffset {
        LONG_VENEER_SIZE
    }

    fn generate_veneer(self, buffer: &mut [u8], _veneer_offset: CodeOffset) -> (CodeOffset, Self) {
        match self {
            LabelUse::Branch14 | LabelUse::Branch19 => {
                write_word(buffer, enc_b(0));
                (0, LabelUse::Branch26)
            }
            LabelUse::Branch26 => {
                for (i, w) in LONG_VENEER.iter().enumerate() {
                    write_word(&mut buffer[i * 4..], *w);
                }
                write_word(&mut buffer[LONG_VENEER_WORD as usize..], 0);
                (LONG_VENEER_WORD, LabelUse::PCRel32)
            }
            LabelUse::Ldr19 | LabelUse::Adr21 | LabelUse::PCRel32 => {
                panic!("{self:?} has no veneer; the buffer must check supports_veneer()")
            }
        }
    }

    fn from_reloc(reloc: Reloc, addend: Addend) -> Option<Self> {
        match (reloc, addend) {
            (Reloc::Arm64Call, 0) => Some(LabelUse::Branch26),
            _ => None,
        }
    }
}

impl IslandIsa for LabelUse {
    const JUMP_SIZE: CodeOffset = 4;
    const TRAP_SIZE: CodeOffset = 4;
    const INSN_ALIGN: CodeOffset = 4;

    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self) {
        out.extend_from_slice(&enc_b(0).to_le_bytes());
        (0, LabelUse::Branch26)
    }

    fn write_trap(out: &mut Vec<u8>) {
        out.extend_from_slice(&crate::emit::branch::enc_udf(0).to_le_bytes());
    }

    /// `nop` words; a length that is not a multiple of 4 ends in zero bytes (the
    /// encoding of `udf #0`, so a stray jump there traps).
    ///
    /// The words are copied by doubling (one `memcpy` per step) because
    /// `padding_between_functions` asks for hundreds of MiB: a loop per word took
    /// seconds in debug builds.
    fn write_padding(out: &mut Vec<u8>, len: usize) {
        let words = len / 4 * 4;
        out.reserve(len);
        let start = out.len();
        if words > 0 {
            out.extend_from_slice(&NOP.to_le_bytes());
        }
        while out.len() - start < words {
            let have = out.len() - start;
            out.extend_from_within(start..start + have.min(words - have));
        }
        out.extend(core::iter::repeat_n(0u8, len % 4));
    }
}

#[cfg(test)]
#[path = "label_use_tests.rs"]
mod tests;
