//! Encoders for branches, calls, traps, `nop` and PC-relative address forms.
//!
//! Each `enc_*` takes its fields already range-checked (the label-use kinds and
//! immediate newtypes guarantee that) and returns one instruction word. Offsets are
//! in instruction words unless the name says bytes; fields that target a label are
//! written as 0 and patched later by [`crate::label_use::LabelUse`].

/// `nop` (`hint #0`).
pub const NOP: u32 = 0xd503_201f;

/// Mask a signed value to its low `bits` bits.
fn field(v: i32, bits: u32) -> u32 {
    (v as u32) & ((1u32 << bits) - 1)
}

/// `b` with a signed 26-bit word offset (bits 25:0).
pub fn enc_b(off_25_0: i32) -> u32 {
    0x1400_0000 | field(off_25_0, 26)
}

/// `bl` with a signed 26-bit word offset.
pub fn enc_bl(off_25_0: i32) -> u32 {
    0x9400_0000 | field(off_25_0, 26)
}

/// `b.<cond>`: signed 19-bit word offset in 23:5, condition in 3:0.
pub fn enc_bcond(off_23_5: i32, cond_3_0: u32) -> u32 {
    0x5400_0000 | (field(off_23_5, 19) << 5) | (cond_3_0 & 0xf)
}

/// `cbz`/`cbnz`: `sf` (64-bit) in 31, `op_24` (1 = cbnz), offset in 23:5, `rt` in 4:0.
pub fn enc_cbz(sf_31: bool, op_24: bool, off_23_5: i32, rt_4_0: u32) -> u32 {
    0x3400_0000
        | ((sf_31 as u32) << 31)
        | ((op_24 as u32) << 24)
        | (field(off_23_5, 19) << 5)
        | rt_4_0
}

/// `tbz`/`tbnz`: bit number split into b5 (31) and b40 (23:19), `op_24` (1 = tbnz),
/// 14-bit word offset in 18:5, `rt` in 4:0.
pub fn enc_tbz(bit: u8, op_24: bool, off_18_5: i32, rt_4_0: u32) -> u32 {
    assert!(bit < 64, "tbz/tbnz bit {bit} does not exist");
    let bit = u32::from(bit);
    0x3600_0000
        | ((bit >> 5) << 31)
        | ((op_24 as u32) << 24)
        | ((bit & 31) << 19)
        | (field(off_18_5, 14) << 5)
        | rt_4_0
}

/// `br`/`blr`/`ret` family: `opc_22_21` 0 = br, 1 = blr, 2 = ret; `rn` in 9:5.
pub fn enc_br_family(opc_22_21: u32, rn_9_5: u32) -> u32 {
    0xd61f_0000 | (opc_22_21 << 21) | (rn_9_5 << 5)
}

/// `udf #imm16` (permanently undefined; 0 is `udf #0`).
pub fn enc_udf(imm_15_0: u16) -> u32 {
    u32::from(imm_15_0)
}

/// `brk #imm16` (breakpoint).
pub fn enc_brk(imm_20_5: u16) -> u32 {
    0xd420_0000 | (u32::from(imm_20_5) << 5)
}

/// `adr` (`page` false, byte offset) or `adrp` (`page` true, 4 KiB page offset):
/// 21-bit signed immediate split into immlo (30:29) and immhi (23:5), `rd` in 4:0.
pub fn enc_adr(page: bool, imm21: i32, rd_4_0: u32) -> u32 {
    let imm = field(imm21, 21);
    ((page as u32) << 31) | 0x1000_0000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | rd_4_0
}

/// PC-relative literal load: `opc_31_30` and `v_26` select the form (`ldr w`=00/0,
/// `ldr x`=01/0, `ldrsw`=10/0, `ldr s`=00/1, `ldr d`=01/1, `ldr q`=10/1); 19-bit
/// word offset in 23:5, `rt` in 4:0.
pub fn enc_ldr_literal(opc_31_30: u32, v_26: bool, off_23_5: i32, rt_4_0: u32) -> u32 {
    (opc_31_30 << 30) | 0x1800_0000 | ((v_26 as u32) << 26) | (field(off_23_5, 19) << 5) | rt_4_0
}
