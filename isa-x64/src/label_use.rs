//! x64 label-use kinds: how a PC-relative field is patched, how far it reaches, and
//! the long veneer that extends `jmp`/`jcc`/`call` rel32 beyond ±2 GiB.
//!
//! | kind       | field                                   | value written                         | reach (label − use)        | veneer |
//! |------------|-----------------------------------------|---------------------------------------|----------------------------|--------|
//! | `JmpRel32` | rel32 of `jmp`/`jcc`/`call` (last field) | `label − (use + 4)` (overwrites)      | `[−2^31 + 4, 2^31 + 3]`    | long   |
//! | `PCRel32`  | RIP-relative disp32, jump-table entry    | `label − use + addend` (adds to field)| `[−2^31 + 8, 2^31 − 1]`    | none   |
//! | `PCRel64`  | the 8-byte word inside a long veneer     | `label − use` (overwrites)            | `[−2^63, 2^63 − 1]`        | none   |
//!
//! Why `PCRel32` adds: the CPU measures a RIP-relative displacement from the end of the
//! instruction, which may lie 4..=8 bytes after the start of the field (a trailing
//! immediate follows it), and a jump-table entry stores `target − table_start`. The
//! emitter writes that bias into the field as a signed addend (`−4 − imm_bytes`, or the
//! entry's offset inside the table) and `patch` adds `label − use` to it. The stated
//! reach holds for addends in `[−8, 0]`; jump-table entries (positive addends) only ever
//! point inside their own function. `JmpRel32` fields are always the last 4 bytes of
//! their instruction, so their bias is fixed and the field is simply overwritten.
//!
//! The long veneer (25 bytes, position independent, preserves the flags):
//!
//! ```text
//! v+0   4c 8d 1d 0a 00 00 00   lea r11, [rip + 10]      ; r11 = v + 17, the address of the word
//! v+7   4d 8b 13               mov r10, qword ptr [r11] ; r10 = target − (v + 17)
//! v+10  4f 8d 1c 13            lea r11, [r11 + r10]     ; r11 = target (lea: flags untouched)
//! v+14  41 ff e3               jmp r11
//! v+17  .quad target − (v + 17)                         ; PCRel64 use at v + 17
//! ```
//!
//! It clobbers `r10` and `r11` (see `regs::VENEER_SCRATCH`) and nothing else; a `call`
//! routed through it still pushes the right return address because the veneer jumps.
//! Beyond Cranelift, which has no x64 veneers.

use atoll_codegen::buffer::{self, Addend, CodeOffset, IslandIsa, Reloc};

/// One kind of PC-relative reference in x64 code (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelUse {
    /// The rel32 field of `jmp`, `jcc` or `call`, relative to the end of the field.
    JmpRel32,
    /// A 32-bit PC-relative field relative to its own start, plus the addend already
    /// stored in it (RIP-relative operands, jump-table entries).
    PCRel32,
    /// A 64-bit PC-relative word relative to its own start (long veneers only).
    PCRel64,
}

/// Bytes of the long veneer.
pub const LONG_VENEER_SIZE: CodeOffset = 25;
/// Offset of the veneer's 8-byte word inside the veneer.
const LONG_VENEER_WORD: usize = 17;
/// The veneer's code, up to the word (see the module doc for the listing).
const LONG_VENEER_CODE: [u8; LONG_VENEER_WORD] = [
    0x4c, 0x8d, 0x1d, 0x0a, 0x00, 0x00, 0x00, // lea r11, [rip + 10]
    0x4d, 0x8b, 0x13, // mov r10, qword ptr [r11]
    0x4f, 0x8d, 0x1c, 0x13, // lea r11, [r11 + r10]
    0x41, 0xff, 0xe3, // jmp r11
];

/// Multi-byte no-ops, index = length - 1 (the forms Intel's optimization manual
/// recommends: `nop`, `xchg ax, ax`, then `nop` with a growing memory operand).
const NOPS: [&[u8]; 9] = [
    &[0x90],
    &[0x66, 0x90],
    &[0x0f, 0x1f, 0x00],
    &[0x0f, 0x1f, 0x40, 0x00],
    &[0x0f, 0x1f, 0x44, 0x00, 0x00],
    &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
    &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
    &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/// Longest single no-op [`write_nops`] uses.
pub const MAX_NOP_LEN: usize = NOPS.len();

/// Append `len` bytes of no-ops, longest forms first.
pub fn write_nops(out: &mut Vec<u8>, mut len: usize) {
    while len > 0 {
        let n = len.min(MAX_NOP_LEN);
        out.extend_from_slice(NOPS[n - 1]);
        len -= n;
    }
}

const I32_SPAN_POS: CodeOffset = i32::MAX as CodeOffset;
const I32_SPAN_NEG: CodeOffset = 1 << 31;

impl buffer::LabelUse for LabelUse {
    const ALIGN: CodeOffset = 1;

    fn max_pos_range(self) -> CodeOffset {
        match self {
            // rel32 ≤ 2^31 − 1 with rel32 = d − 4.
            LabelUse::JmpRel32 => I32_SPAN_POS + 4,
            // d + addend ≤ 2^31 − 1 for every addend ≤ 0.
            LabelUse::PCRel32 => I32_SPAN_POS,
            LabelUse::PCRel64 => i64::MAX as CodeOffset,
        }
    }

    fn max_neg_range(self) -> CodeOffset {
        match self {
            // rel32 ≥ −2^31 with rel32 = d − 4.
            LabelUse::JmpRel32 => I32_SPAN_NEG - 4,
            // d + addend ≥ −2^31 for every addend ≥ −8.
            LabelUse::PCRel32 => I32_SPAN_NEG - 8,
            LabelUse::PCRel64 => 1 << 63,
        }
    }

    fn patch_size(self) -> CodeOffset {
        match self {
            LabelUse::JmpRel32 | LabelUse::PCRel32 => 4,
            LabelUse::PCRel64 => 8,
        }
    }

    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset) {
        let delta = label_offset.wrapping_sub(use_offset) as i64;
        match self {
            LabelUse::JmpRel32 => {
                let v = delta.wrapping_sub(4);
                debug_assert!(i32::try_from(v).is_ok(), "JmpRel32 out of range: {delta}");
                buffer[..4].copy_from_slice(&(v as i32).to_le_bytes());
            }
            LabelUse::PCRel32 => {
                let addend = i32::from_le_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]);
                let v = delta.wrapping_add(i64::from(addend));
                debug_assert!(i32::try_from(v).is_ok(), "PCRel32 out of range: {delta}");
                buffer[..4].copy_from_slice(&(v as i32).to_le_bytes());
            }
            LabelUse::PCRel64 => buffer[..8].copy_from_slice(&delta.to_le_bytes()),
        }
    }

    fn supports_veneer(self) -> bool {
        self == LabelUse::JmpRel32
    }

    fn veneer_size(self) -> CodeOffset {
        match self {
            LabelUse::JmpRel32 => LONG_VENEER_SIZE,
            LabelUse::PCRel32 | LabelUse::PCRel64 => 0,
        }
    }

    fn worst_case_veneer_size() -> CodeOffset {
        LONG_VENEER_SIZE
    }

    fn generate_veneer(self, buffer: &mut [u8], _veneer_offset: CodeOffset) -> (CodeOffset, Self) {
        debug_assert_eq!(self, LabelUse::JmpRel32, "only JmpRel32 has a veneer");
        buffer[..LONG_VENEER_WORD].copy_from_slice(&LONG_VENEER_CODE);
        buffer[LONG_VENEER_WORD..LONG_VENEER_SIZE as usize].fill(0);
        (LONG_VENEER_WORD as CodeOffset, LabelUse::PCRel64)
    }

    /// `X86CallPCRel4` with addend −4 (a `call`/`jmp` rel32, the only form our emitter
    /// records) is `JmpRel32`. `X86PCRel4` (RIP-relative address of another function,
    /// `func_addr`) is `PCRel32`: our emitter also stores the addend in the field, which
    /// `PCRel32::patch` adds, so it must be in `PCRel32`'s `[−8, 0]`.
    fn from_reloc(reloc: Reloc, addend: Addend) -> Option<Self> {
        match (reloc, addend) {
            (Reloc::X86CallPCRel4, -4) => Some(LabelUse::JmpRel32),
            (Reloc::X86PCRel4, -8..=-4) => Some(LabelUse::PCRel32),
            _ => None,
        }
    }
}

impl IslandIsa for LabelUse {
    /// `jmp rel32`.
    const JUMP_SIZE: CodeOffset = 5;
    /// `ud2`.
    const TRAP_SIZE: CodeOffset = 2;
    const INSN_ALIGN: CodeOffset = 1;

    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self) {
        out.extend_from_slice(&[0xe9, 0, 0, 0, 0]);
        (1, LabelUse::JmpRel32)
    }

    fn write_trap(out: &mut Vec<u8>) {
        out.extend_from_slice(&[0x0f, 0x0b]);
    }

    fn write_padding(out: &mut Vec<u8>, len: usize) {
        write_nops(out, len);
    }
}

#[cfg(test)]
#[path = "label_use_tests.rs"]
mod tests;
