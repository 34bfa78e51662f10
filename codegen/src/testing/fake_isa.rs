//! A fake ISA with branch ranges of tens of bytes, so islands, veneers and veneer
//! chains show up in buffers of a few hundred bytes, plus a decoder so tests can
//! follow every branch through the finished bytes.
//!
//! Every instruction is one little-endian 32-bit word (the long jump has a second
//! data word). Displacements are byte offsets from the start of the word that holds
//! them:
//!
//! | word (hex)            | instruction       | kind of its label use | reach         | veneer |
//! |-----------------------|-------------------|-----------------------|---------------|--------|
//! | `00000000`            | `trap`            |                       |               |        |
//! | `01000000`            | `nop`             |                       |               |        |
//! | `02000000`            | `ret`             |                       |               |        |
//! | `1c00iiii` (c = cond) | `b.c imm16`       | `Cond`                | +60 / -64     | `b` (4 bytes) |
//! | `20iiiiii`            | `b imm24`         | `Jump`                | +252 / -256   | `ljmp` (8 bytes) |
//! | `30000000 iiiiiiii`   | `ljmp imm32`      | `Long` (second word)  | ±2 GiB        | none   |
//! | `4000iiii`            | `ldr imm16`       | `Ldr`                 | +124 / -128   | none   |
//!
//! Condition `c` inverts to `c ^ 1`. As call relocations (`from_reloc`, addend 0),
//! `Arm64Call` is a `b` (`Jump`) and `X86PCRel4` a bare 32-bit field (`Long`, no veneer).

use crate::buffer::{
    Addend, CodeOffset, IslandIsa, LabelUse, MachBuffer, MachLabel, Reloc, RelocRecord,
};

/// Label-use kinds of the fake ISA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FakeLabelUse {
    /// Conditional branch, 16-bit field, short reach.
    Cond,
    /// Unconditional branch (and call), 24-bit field, longer reach.
    Jump,
    /// Second word of `ljmp`: a 32-bit displacement.
    Long,
    /// Literal load.
    Ldr,
}

pub const TRAP: u32 = 0x0000_0000;
pub const NOP: u32 = 0x0100_0000;
pub const RET: u32 = 0x0200_0000;
const OP_COND: u32 = 0x10;
const OP_B: u32 = 0x20;
const OP_LJMP: u32 = 0x30;
const OP_LDR: u32 = 0x40;

/// `b.cond` with a zero displacement; `cond` is taken modulo 16.
pub fn enc_cond(cond: u8) -> u32 {
    (OP_COND | (cond as u32 & 0xf)) << 24
}

/// `b` with a zero displacement.
pub fn enc_b() -> u32 {
    OP_B << 24
}

/// `ldr` with a zero displacement.
pub fn enc_ldr() -> u32 {
    OP_LDR << 24
}

fn read_word(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

fn write_word(buf: &mut [u8], w: u32) {
    buf[..4].copy_from_slice(&w.to_le_bytes());
}

impl LabelUse for FakeLabelUse {
    const ALIGN: CodeOffset = 4;

    fn max_pos_range(self) -> CodeOffset {
        match self {
            FakeLabelUse::Cond => 60,
            FakeLabelUse::Jump => 252,
            FakeLabelUse::Long => i32::MAX as CodeOffset,
            FakeLabelUse::Ldr => 124,
        }
    }

    fn max_neg_range(self) -> CodeOffset {
        match self {
            FakeLabelUse::Cond => 64,
            FakeLabelUse::Jump => 256,
            FakeLabelUse::Long => 1 << 31,
            FakeLabelUse::Ldr => 128,
        }
    }

    fn patch_size(self) -> CodeOffset {
        4
    }

    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset) {
        let disp = label_offset.wrapping_sub(use_offset) as i64;
        let Some(w) = read_word(buffer, 0) else {
            return;
        };
        let w = match self {
            FakeLabelUse::Cond | FakeLabelUse::Ldr => (w & 0xffff_0000) | (disp as u32 & 0xffff),
            FakeLabelUse::Jump => (w & 0xff00_0000) | (disp as u32 & 0x00ff_ffff),
            FakeLabelUse::Long => disp as u32,
        };
        write_word(buffer, w);
    }

    fn supports_veneer(self) -> bool {
        matches!(self, FakeLabelUse::Cond | FakeLabelUse::Jump)
    }

    fn veneer_size(self) -> CodeOffset {
        match self {
            FakeLabelUse::Cond => 4,
            FakeLabelUse::Jump => 8,
            FakeLabelUse::Long | FakeLabelUse::Ldr => 0,
        }
    }

    fn worst_case_veneer_size() -> CodeOffset {
        8
    }

    fn generate_veneer(self, buffer: &mut [u8], _veneer_offset: CodeOffset) -> (CodeOffset, Self) {
        match self {
            FakeLabelUse::Cond => {
                write_word(buffer, enc_b());
                (0, FakeLabelUse::Jump)
            }
            _ => {
                write_word(buffer, OP_LJMP << 24);
                write_word(&mut buffer[4..], 0);
                (4, FakeLabelUse::Long)
            }
        }
    }

    fn from_reloc(reloc: Reloc, addend: Addend) -> Option<Self> {
        match (reloc, addend) {
            (Reloc::Arm64Call, 0) => Some(FakeLabelUse::Jump),
            // Stands in for a call form whose kind has no veneer.
            (Reloc::X86PCRel4, 0) => Some(FakeLabelUse::Long),
            _ => None,
        }
    }
}

impl IslandIsa for FakeLabelUse {
    const JUMP_SIZE: CodeOffset = 8;
    const TRAP_SIZE: CodeOffset = 4;
    const INSN_ALIGN: CodeOffset = 4;

    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self) {
        out.extend_from_slice(&(OP_LJMP << 24).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        (4, FakeLabelUse::Long)
    }

    fn write_trap(out: &mut Vec<u8>) {
        out.extend_from_slice(&TRAP.to_le_bytes());
    }

    fn write_padding(out: &mut Vec<u8>, len: usize) {
        // Odd remainders (after a constant of odd size) are data, never executed.
        for _ in 0..len / 4 {
            out.extend_from_slice(&NOP.to_le_bytes());
        }
        out.extend(std::iter::repeat_n(0, len % 4));
    }
}

/// A decoded fake instruction; branch targets are absolute offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FakeInsn {
    Trap,
    Nop,
    Ret,
    Cond { cond: u8, target: i64 },
    Jump { target: i64 },
    Long { target: i64 },
    Ldr { target: i64 },
    Unknown(u32),
}

impl FakeInsn {
    /// Size in bytes.
    pub fn size(self) -> CodeOffset {
        if matches!(self, FakeInsn::Long { .. }) {
            8
        } else {
            4
        }
    }

    /// Branch target and the kind the branch's displacement has.
    pub fn branch(self) -> Option<(i64, FakeLabelUse)> {
        match self {
            FakeInsn::Cond { target, .. } => Some((target, FakeLabelUse::Cond)),
            FakeInsn::Jump { target } => Some((target, FakeLabelUse::Jump)),
            FakeInsn::Long { target } => Some((target, FakeLabelUse::Long)),
            _ => None,
        }
    }
}

/// Decode the instruction at `off`, or `None` past the end.
pub fn decode(bytes: &[u8], off: CodeOffset) -> Option<FakeInsn> {
    let at = usize::try_from(off).ok()?;
    let w = read_word(bytes, at)?;
    let base = off as i64;
    let imm16 = (w & 0xffff) as u16 as i16 as i64;
    let imm24 = (((w & 0x00ff_ffff) << 8) as i32 >> 8) as i64;
    Some(match w >> 24 {
        0x00 if w == TRAP => FakeInsn::Trap,
        0x01 if w == NOP => FakeInsn::Nop,
        0x02 if w == RET => FakeInsn::Ret,
        op @ 0x10..=0x1f if w & 0x00ff_0000 == 0 => FakeInsn::Cond {
            cond: (op & 0xf) as u8,
            target: base + imm16,
        },
        OP_B => FakeInsn::Jump {
            target: base + imm24,
        },
        OP_LJMP if w == OP_LJMP << 24 => {
            let disp = read_word(bytes, at + 4)? as i32 as i64;
            FakeInsn::Long {
                target: base + 4 + disp,
            }
        }
        OP_LDR if w & 0x00ff_0000 == 0 => FakeInsn::Ldr {
            target: base + imm16,
        },
        _ => FakeInsn::Unknown(w),
    })
}

/// Decode every instruction from offset 0 until the bytes end or stop decoding.
pub fn decode_all(bytes: &[u8]) -> Vec<FakeInsn> {
    let mut out = Vec::new();
    let mut off = 0;
    while let Some(i) = decode(bytes, off) {
        off += i.size();
        out.push(i);
    }
    out
}

/// Emit `b.cond label` with its peephole record.
pub fn gen_cond_branch(buf: &mut MachBuffer<FakeLabelUse>, cond: u8, label: MachLabel) {
    let start = buf.cur_offset();
    buf.use_label_at_offset(start, label, FakeLabelUse::Cond);
    buf.add_cond_branch(start, start + 4, label, &enc_cond(cond ^ 1).to_le_bytes());
    buf.put4(enc_cond(cond));
}

/// Emit `b label` with its peephole record.
pub fn gen_jump(buf: &mut MachBuffer<FakeLabelUse>, label: MachLabel) {
    let start = buf.cur_offset();
    buf.use_label_at_offset(start, label, FakeLabelUse::Jump);
    buf.add_uncond_branch(start, start + 4, label);
    buf.put4(enc_b());
}

/// Emit `ldr` of a constant placed in the next pool.
pub fn gen_ldr(buf: &mut MachBuffer<FakeLabelUse>, bytes: &[u8], align: CodeOffset) -> MachLabel {
    let c = buf.register_constant(bytes, align);
    let l = buf.get_label_for_constant(c);
    let start = buf.cur_offset();
    buf.use_label_at_offset(start, l, FakeLabelUse::Ldr);
    buf.put4(enc_ldr());
    l
}

/// Emit `words` `nop`s, placing an island (jumped around) whenever one is needed.
pub fn gen_filler(buf: &mut MachBuffer<FakeLabelUse>, words: usize) {
    for _ in 0..words {
        if buf.island_needed(FAKE_LOOKAHEAD) {
            buf.emit_island(FAKE_LOOKAHEAD);
        }
        buf.put4(NOP);
    }
}

/// Lookahead emitters of the fake ISA pass to `island_needed`: one instruction of up
/// to 8 bytes, plus one veneer chain (12 bytes) and one 16-byte constant with its
/// alignment (31 bytes) it may add.
pub const FAKE_LOOKAHEAD: CodeOffset = 8 + 12 + 31;

/// Follow the branch at `use_off` through any veneers until it lands on `label_off`.
/// Returns the offsets visited (the use, then each veneer). Fails if a hop lands
/// elsewhere, is out of its kind's range, or the chain is longer than 4 hops.
pub fn follow_branch(
    bytes: &[u8],
    use_off: CodeOffset,
    label_off: CodeOffset,
) -> Result<Vec<CodeOffset>, String> {
    let mut at = use_off;
    let mut path = vec![at];
    for _ in 0..4 {
        let insn = decode(bytes, at).ok_or_else(|| format!("no instruction at {at:#x}"))?;
        let (target, kind) = insn
            .branch()
            .ok_or_else(|| format!("{insn:?} at {at:#x} is not a branch"))?;
        let field = if kind == FakeLabelUse::Long {
            at + 4
        } else {
            at
        };
        let in_range = if target >= field as i64 {
            (target - field as i64) as CodeOffset <= kind.max_pos_range()
        } else {
            (field as i64 - target) as CodeOffset <= kind.max_neg_range()
        };
        if !in_range {
            return Err(format!("{insn:?} at {at:#x} is out of range for {kind:?}"));
        }
        if target == label_off as i64 {
            return Ok(path);
        }
        if target < 0 {
            return Err(format!("{insn:?} at {at:#x} jumps before the code"));
        }
        at = target as CodeOffset;
        path.push(at);
    }
    Err(format!(
        "branch at {use_off:#x} does not reach {label_off:#x} within 4 hops: {path:x?}"
    ))
}

/// A compiled fake function for the text-section builder: `calls` (`b` to each
/// target function, each followed by `gap(i)` nops), then `nops` nops and `ret`.
pub fn fake_function(
    calls: &[u32],
    gap: impl Fn(usize) -> usize,
    nops: usize,
) -> (Vec<u8>, Vec<RelocRecord>) {
    let mut bytes = Vec::new();
    let mut relocs = Vec::new();
    for (i, &target_func) in calls.iter().enumerate() {
        let offset = bytes.len() as CodeOffset;
        relocs.push(RelocRecord {
            offset,
            kind: Reloc::Arm64Call,
            target_func,
            addend: 0,
        });
        bytes.extend_from_slice(&enc_b().to_le_bytes());
        bytes.extend(NOP.to_le_bytes().repeat(gap(i)));
    }
    bytes.extend(NOP.to_le_bytes().repeat(nops));
    bytes.extend_from_slice(&RET.to_le_bytes());
    (bytes, relocs)
}
