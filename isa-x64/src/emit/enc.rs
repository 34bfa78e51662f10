//! The x86 instruction format shared by every family: legacy prefixes, REX, opcode,
//! ModRM, SIB, displacement, immediate.
//!
//! ```text
//! [66/F2/F3]* [REX = 0100 W R X B]? opcode(1..3) ModRM(mod reg rm) [SIB(ss idx base)] [disp8/32] [imm]
//! ```
//! `g` below is the ModRM `reg` field (a register, or an opcode extension `/n`); `e` is
//! the r/m operand. Bit 3 of every register number goes into REX (`R` for `g`, `X` for
//! the index, `B` for the base or `e`).

use atoll_codegen::buffer::{Addend, CodeSink, Reloc, RelocTarget};

use crate::inst::{Amode, RegMem};
use crate::label_use::LabelUse;
use crate::regs::hw_enc;

/// REX needs: `w` selects 64-bit operands; `force` emits an empty REX (0x40) so that
/// byte registers 4..=7 mean `spl bpl sil dil` instead of `ah ch dh bh`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Rex {
    pub w: bool,
    pub force: bool,
}

impl Rex {
    pub fn w() -> Rex {
        Rex {
            w: true,
            force: false,
        }
    }

    pub fn plain() -> Rex {
        Rex::default()
    }

    pub fn w_if(w: bool) -> Rex {
        Rex { w, force: false }
    }

    /// Force a REX when `enc` is used as a byte register and needs one.
    pub fn byte_reg(mut self, enc: u8) -> Rex {
        self.force |= (4..8).contains(&enc);
        self
    }
}

/// The ModRM byte: `mod` (2 bits), `reg` (3), `rm` (3).
pub(crate) fn modrm(mod_: u8, reg: u8, rm: u8) -> u8 {
    (mod_ << 6) | ((reg & 7) << 3) | (rm & 7)
}

/// The SIB byte: `scale` (2 bits), `index` (3), `base` (3).
fn sib(scale: u8, index: u8, base: u8) -> u8 {
    (scale << 6) | ((index & 7) << 3) | (base & 7)
}

/// Emit `prefixes`, then REX if needed (bits `r`, `x`, `b` are the registers' bit 3).
fn put_prefix_rex(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    r: u8,
    x: u8,
    b: u8,
) {
    sink.put_data(prefixes);
    let bits = (u8::from(rex.w) << 3) | ((r >> 3 & 1) << 2) | ((x >> 3 & 1) << 1) | (b >> 3 & 1);
    if bits != 0 || rex.force {
        sink.put1(0x40 | bits);
    }
}

/// `opcode` with register-direct r/m: `g` in ModRM.reg, register `e` in ModRM.rm.
pub(crate) fn emit_rr(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    opcode: &[u8],
    g: u8,
    e: u8,
) {
    put_prefix_rex(sink, prefixes, rex, g, 0, e);
    sink.put_data(opcode);
    sink.put1(modrm(3, g, e));
}

/// `opcode` with a memory r/m. `imm_bytes` is the size of the immediate that will follow
/// (a RIP-relative displacement is measured from the end of the instruction).
pub(crate) fn emit_rm(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    opcode: &[u8],
    g: u8,
    amode: &Amode,
    imm_bytes: u8,
) {
    let (x, b) = amode_index_base(amode);
    put_prefix_rex(sink, prefixes, rex, g, x, b);
    sink.put_data(opcode);
    emit_modrm_amode(sink, g, amode, imm_bytes);
}

/// Encodings of an address's index and base registers (0 when absent), for REX.X/B
/// or VEX's inverted copies.
fn amode_index_base(amode: &Amode) -> (u8, u8) {
    match *amode {
        Amode::ImmReg { base, .. } => (0, hw_enc(base)),
        Amode::ImmRegRegShift { base, index, .. } => (hw_enc(index), hw_enc(base)),
        Amode::RipRelative { .. } => (0, 0),
    }
}

/// ModRM, SIB and displacement of a memory operand.
fn emit_modrm_amode(sink: &mut impl CodeSink<LabelUse>, g: u8, amode: &Amode, imm_bytes: u8) {
    match *amode {
        Amode::ImmReg { base, disp } => {
            let b = hw_enc(base);
            let mod_ = disp_mod(disp, b);
            if b & 7 == 4 {
                // rsp/r12 as base need a SIB byte (rm = 100 means "SIB follows").
                sink.put1(modrm(mod_, g, 4));
                sink.put1(sib(0, 4, b));
            } else {
                sink.put1(modrm(mod_, g, b));
            }
            put_disp(sink, mod_, disp);
        }
        Amode::ImmRegRegShift {
            base,
            index,
            scale,
            disp,
        } => {
            let (b, i) = (hw_enc(base), hw_enc(index));
            debug_assert_ne!(i, 4, "rsp cannot be an index register");
            let mod_ = disp_mod(disp, b);
            sink.put1(modrm(mod_, g, 4));
            sink.put1(sib(scale as u8, i, b));
            put_disp(sink, mod_, disp);
        }
        Amode::RipRelative { target } => {
            // mod = 00, rm = 101: disp32 relative to the next instruction.
            sink.put1(modrm(0, g, 5));
            let at = sink.cur_offset();
            sink.use_label_at_offset(at, target, LabelUse::PCRel32);
            sink.put4((-4 - i32::from(imm_bytes)) as u32);
        }
    }
}

/// A three-byte VEX instruction: `c4 [~R ~X ~B mmmmm] [W ~vvvv L pp] opcode ModRM ...`
/// with `map` 1 = `0f`, 2 = `0f 38`, 3 = `0f 3a`, `pp` 0 = none, 1 = `66`, 2 = `f3`,
/// 3 = `f2`, `vvvv` the extra source register, L = 0 (scalar/128-bit).
#[allow(clippy::too_many_arguments)] // each argument is one named field of the prefix
pub(crate) fn emit_vex3(
    sink: &mut impl CodeSink<LabelUse>,
    w: bool,
    map: u8,
    pp: u8,
    vvvv: u8,
    opcode: u8,
    g: u8,
    rm: &RegMem,
) {
    let (x, b) = match rm {
        RegMem::Reg(r) => (0, hw_enc(*r)),
        RegMem::Mem(a) => amode_index_base(a),
    };
    let inv = |r: u8| (!r >> 3) & 1;
    sink.put1(0xc4);
    sink.put1((inv(g) << 7) | (inv(x) << 6) | (inv(b) << 5) | (map & 0x1f));
    sink.put1((u8::from(w) << 7) | ((!vvvv & 15) << 3) | (pp & 3));
    sink.put1(opcode);
    match rm {
        RegMem::Reg(r) => sink.put1(modrm(3, g, hw_enc(*r))),
        RegMem::Mem(a) => emit_modrm_amode(sink, g, a, 0),
    }
}

/// `opcode` with r/m either a register or memory.
pub(crate) fn emit_rmo(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    opcode: &[u8],
    g: u8,
    rm: &RegMem,
    imm_bytes: u8,
) {
    match rm {
        RegMem::Reg(r) => emit_rr(sink, prefixes, rex, opcode, g, hw_enc(*r)),
        RegMem::Mem(a) => emit_rm(sink, prefixes, rex, opcode, g, a, imm_bytes),
    }
}

/// ModRM.mod for a displacement: none (00) unless the base is rbp/r13, whose mod=00
/// encoding means "no base" or RIP-relative; disp8 (01) when it fits; disp32 (10).
fn disp_mod(disp: i32, base: u8) -> u8 {
    if disp == 0 && base & 7 != 5 {
        0
    } else if i8::try_from(disp).is_ok() {
        1
    } else {
        2
    }
}

fn put_disp(sink: &mut impl CodeSink<LabelUse>, mod_: u8, disp: i32) {
    match mod_ {
        1 => sink.put1(disp as u8),
        2 => sink.put4(disp as u32),
        _ => {}
    }
}

/// Register `enc` goes into the low bits of the opcode byte (`push`, `pop`, `bswap`,
/// `mov r, imm`): REX.B carries bit 3.
pub(crate) fn emit_opcode_reg(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    opcode: &[u8],
    enc: u8,
) {
    put_prefix_rex(sink, prefixes, rex, 0, 0, enc);
    let (last, head) = opcode.split_last().expect("opcode has at least one byte");
    sink.put_data(head);
    sink.put1(last | (enc & 7));
}

/// `opcode` with a RIP-relative r/m at a fixed displacement (no label).
pub(crate) fn emit_rip_disp(
    sink: &mut impl CodeSink<LabelUse>,
    prefixes: &[u8],
    rex: Rex,
    opcode: &[u8],
    g: u8,
    disp: i32,
) {
    put_prefix_rex(sink, prefixes, rex, g, 0, 0);
    sink.put_data(opcode);
    sink.put1(modrm(0, g, 5));
    sink.put4(disp as u32);
}

/// `opcode` with a RIP-relative r/m whose displacement is a relocation against another
/// function. The addend is also stored in the field, because the text-section builder
/// resolves it as a `PCRel32` use, whose patch adds to the field.
pub(crate) fn emit_rip_reloc(
    sink: &mut impl CodeSink<LabelUse>,
    rex: Rex,
    opcode: &[u8],
    g: u8,
    reloc: Reloc,
    target: RelocTarget,
    addend: Addend,
) {
    put_prefix_rex(sink, &[], rex, g, 0, 0);
    sink.put_data(opcode);
    sink.put1(modrm(0, g, 5));
    sink.add_reloc(reloc, target, addend);
    sink.put4(addend as i32 as u32);
}
