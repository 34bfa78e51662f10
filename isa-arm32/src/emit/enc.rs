//! Bit-field encoders for A32 instruction words.
//!
//! Each function takes already-numbered fields (register numbers, immediates that
//! fit) and places them; argument names say where they land (`rd_15_12`). Callers
//! guarantee the widths; the masks here only keep a bad field from corrupting its
//! neighbours.

/// Condition field value for "always".
pub const COND_AL: u32 = 0b1110;

/// `udf #0`, the trap instruction (permanently undefined, unconditional).
pub const UDF0: u32 = 0xe7f0_00f0;

/// `nop` (the architectural hint, not `mov r0, r0`).
pub const NOP: u32 = 0xe320_f000;

/// `ldr ip, [pc]`: first word of the long-branch veneer.
pub const LDR_IP_PC: u32 = 0xe59f_c000;

/// `add pc, pc, ip`: second word of the long-branch veneer.
pub const ADD_PC_PC_IP: u32 = 0xe08f_f00c;

/// `vmrs APSR_nzcv, fpscr`.
pub const VMRS_APSR: u32 = 0xeef1_fa10;

/// `vmrs r0, fpscr`; the core register goes in bits 15..12.
pub const VMRS_FPSCR: u32 = 0xeef1_0a10;

/// `vmsr fpscr, r0`; the core register goes in bits 15..12.
pub const VMSR_FPSCR: u32 = 0xeee1_0a10;

/// The condition field of the unconditional instruction space (ARMv8 `vrint*`,
/// `vmaxnm`, ...).
pub const COND_NV: u32 = 0b1111;

/// `b`/`bl` (`link`) with condition `cond_31_28` and word offset `imm24`.
pub fn b(cond_31_28: u32, link: bool, imm24: u32) -> u32 {
    (cond_31_28 << 28) | (0b101 << 25) | ((link as u32) << 24) | (imm24 & 0x00ff_ffff)
}

/// `bx rm` (`link` = false) or `blx rm` (`link` = true).
pub fn bx(cond_31_28: u32, link: bool, rm_3_0: u32) -> u32 {
    (cond_31_28 << 28) | 0x012f_ff10 | ((link as u32) << 5) | (rm_3_0 & 0xf)
}

/// `udf #imm16`.
pub fn udf(imm16: u32) -> u32 {
    UDF0 | ((imm16 & 0xfff0) << 4) | (imm16 & 0xf)
}

/// Data processing with a modified immediate (`opcode_24_21` is the ALU opcode).
pub fn dp_imm(
    cond: u32,
    opcode_24_21: u32,
    s_20: bool,
    rn_19_16: u32,
    rd_15_12: u32,
    imm12: u32,
) -> u32 {
    (cond << 28)
        | (1 << 25)
        | (opcode_24_21 << 21)
        | ((s_20 as u32) << 20)
        | ((rn_19_16 & 0xf) << 16)
        | ((rd_15_12 & 0xf) << 12)
        | (imm12 & 0xfff)
}

/// Data processing with a register shifted by an immediate.
#[allow(clippy::too_many_arguments)]
pub fn dp_reg(
    cond: u32,
    opcode_24_21: u32,
    s_20: bool,
    rn_19_16: u32,
    rd_15_12: u32,
    imm5_11_7: u32,
    type_6_5: u32,
    rm_3_0: u32,
) -> u32 {
    (cond << 28)
        | (opcode_24_21 << 21)
        | ((s_20 as u32) << 20)
        | ((rn_19_16 & 0xf) << 16)
        | ((rd_15_12 & 0xf) << 12)
        | ((imm5_11_7 & 0x1f) << 7)
        | ((type_6_5 & 3) << 5)
        | (rm_3_0 & 0xf)
}

/// Data processing with a register shifted by a register.
#[allow(clippy::too_many_arguments)]
pub fn dp_reg_shift_reg(
    cond: u32,
    opcode_24_21: u32,
    s_20: bool,
    rn_19_16: u32,
    rd_15_12: u32,
    rs_11_8: u32,
    type_6_5: u32,
    rm_3_0: u32,
) -> u32 {
    (cond << 28)
        | (opcode_24_21 << 21)
        | ((s_20 as u32) << 20)
        | ((rn_19_16 & 0xf) << 16)
        | ((rd_15_12 & 0xf) << 12)
        | ((rs_11_8 & 0xf) << 8)
        | ((type_6_5 & 3) << 5)
        | (1 << 4)
        | (rm_3_0 & 0xf)
}

/// `movw` (`top` = false) or `movt` (`top` = true) with a 16-bit immediate.
pub fn movw_movt(cond: u32, top: bool, rd_15_12: u32, imm16: u32) -> u32 {
    (cond << 28)
        | (0b0011 << 24)
        | ((top as u32) << 22)
        | (((imm16 >> 12) & 0xf) << 16)
        | ((rd_15_12 & 0xf) << 12)
        | (imm16 & 0xfff)
}

/// The multiply family `cond 0000 op_23_20 rd_19_16 ra_15_12 rm_11_8 1001 rn_3_0`
/// (`mul`, `mla`, `mls`, `umull`, `smull`; for long multiplies rd = RdHi, ra = RdLo).
pub fn mul(
    cond: u32,
    op_23_20: u32,
    rd_19_16: u32,
    ra_15_12: u32,
    rm_11_8: u32,
    rn_3_0: u32,
) -> u32 {
    (cond << 28)
        | (op_23_20 << 20)
        | ((rd_19_16 & 0xf) << 16)
        | ((ra_15_12 & 0xf) << 12)
        | ((rm_11_8 & 0xf) << 8)
        | (0b1001 << 4)
        | (rn_3_0 & 0xf)
}

/// `sdiv`/`udiv` (`unsigned_21`): `cond 0111 00u1 rd 1111 rm 0001 rn`.
pub fn div(cond: u32, unsigned_21: bool, rd_19_16: u32, rm_11_8: u32, rn_3_0: u32) -> u32 {
    (cond << 28)
        | (0b0111_0001 << 20)
        | ((unsigned_21 as u32) << 21)
        | ((rd_19_16 & 0xf) << 16)
        | (0xf << 12)
        | ((rm_11_8 & 0xf) << 8)
        | (1 << 4)
        | (rn_3_0 & 0xf)
}

/// One-operand media/misc instructions of the form
/// `cond op_27_20 1111 rd 1111 op_7_4 rm` (`clz`, `rbit`, `rev`, `rev16`).
pub fn misc_rr(cond: u32, op_27_20: u32, op_7_4: u32, rd_15_12: u32, rm_3_0: u32) -> u32 {
    (cond << 28)
        | (op_27_20 << 20)
        | (0xf << 16)
        | ((rd_15_12 & 0xf) << 12)
        | (0xf << 8)
        | (op_7_4 << 4)
        | (rm_3_0 & 0xf)
}

/// Extends `uxtb`/`uxth`/`sxtb`/`sxth` with rotation 0: `cond op_27_20 1111 rd 00 00 0111 rm`.
pub fn extend(cond: u32, op_27_20: u32, rd_15_12: u32, rm_3_0: u32) -> u32 {
    (cond << 28)
        | (op_27_20 << 20)
        | (0xf << 16)
        | ((rd_15_12 & 0xf) << 12)
        | (0b0111 << 4)
        | (rm_3_0 & 0xf)
}

/// Word/byte load or store with a 12-bit immediate offset.
#[allow(clippy::too_many_arguments)]
pub fn ldst_imm(
    cond: u32,
    p_24: bool,
    u_23: bool,
    b_22: bool,
    w_21: bool,
    l_20: bool,
    rn_19_16: u32,
    rt_15_12: u32,
    imm12: u32,
) -> u32 {
    (cond << 28)
        | (0b010 << 25)
        | ((p_24 as u32) << 24)
        | ((u_23 as u32) << 23)
        | ((b_22 as u32) << 22)
        | ((w_21 as u32) << 21)
        | ((l_20 as u32) << 20)
        | ((rn_19_16 & 0xf) << 16)
        | ((rt_15_12 & 0xf) << 12)
        | (imm12 & 0xfff)
}

/// Word/byte load or store with a (shifted) register offset: the 12-bit field of
/// [`ldst_imm`] becomes `imm5 type 0 rm` and bit 25 is set.
pub fn ldst_reg(p_u_b_w_l: [bool; 5], rn: u32, rt: u32, imm5: u32, type_6_5: u32, rm: u32) -> u32 {
    let [p, u, b, w, l] = p_u_b_w_l;
    ldst_imm(
        COND_AL,
        p,
        u,
        b,
        w,
        l,
        rn,
        rt,
        ((imm5 & 0x1f) << 7) | ((type_6_5 & 3) << 5) | (rm & 0xf),
    ) | (1 << 25)
}

/// Halfword, signed-byte and doubleword transfers ("extra load/store"), immediate
/// form: `cond 000 P U 1 W L rn rt imm4H 1 op2 1 imm4L`.
pub fn ldst_extra_imm(p_u_w_l: [bool; 4], op2_6_5: u32, rn: u32, rt: u32, imm8: u32) -> u32 {
    let [p, u, w, l] = p_u_w_l;
    (COND_AL << 28)
        | ((p as u32) << 24)
        | ((u as u32) << 23)
        | (1 << 22)
        | ((w as u32) << 21)
        | ((l as u32) << 20)
        | ((rn & 0xf) << 16)
        | ((rt & 0xf) << 12)
        | (((imm8 >> 4) & 0xf) << 8)
        | (1 << 7)
        | ((op2_6_5 & 3) << 5)
        | (1 << 4)
        | (imm8 & 0xf)
}

/// Extra load/store, register form: `cond 000 P U 0 W L rn rt 0000 1 op2 1 rm`.
pub fn ldst_extra_reg(p_u_w_l: [bool; 4], op2_6_5: u32, rn: u32, rt: u32, rm: u32) -> u32 {
    ldst_extra_imm(p_u_w_l, op2_6_5, rn, rt, 0) & !(1 << 22) | (rm & 0xf)
}

/// `ldm`/`stm` family: `cond 100 P U 0 W L rn list`.
pub fn ldm_stm(p_24: bool, u_23: bool, w_21: bool, l_20: bool, rn_19_16: u32, list: u32) -> u32 {
    (COND_AL << 28)
        | (0b100 << 25)
        | ((p_24 as u32) << 24)
        | ((u_23 as u32) << 23)
        | ((w_21 as u32) << 21)
        | ((l_20 as u32) << 20)
        | ((rn_19_16 & 0xf) << 16)
        | (list & 0xffff)
}

/// Split a VFP register number into (4-bit field, extra bit): S registers put the low
/// bit in the extra bit, D registers put the high bit there.
pub fn vfp_split(num: u32, double: bool) -> (u32, u32) {
    if double {
        (num & 0xf, (num >> 4) & 1)
    } else {
        ((num >> 1) & 0xf, num & 1)
    }
}

/// VFP data processing: `cond 1110 o1 D o2 Vn Vd 101 sz N o3 M 0 Vm` where `opc1`
/// holds bits 23 and 21..20 (bit 22 is D) and `opc3_6` bit 6.
#[allow(clippy::too_many_arguments)]
pub fn vfp_dp(cond: u32, opc1: u32, double: bool, vd: u32, vn: u32, vm: u32, opc3_6: u32) -> u32 {
    let (d, dbit) = vfp_split(vd, double);
    let (n, nbit) = vfp_split(vn, double);
    let (m, mbit) = vfp_split(vm, double);
    (cond << 28)
        | (0b1110 << 24)
        | (((opc1 >> 2) & 1) << 23)
        | (dbit << 22)
        | ((opc1 & 3) << 20)
        | (n << 16)
        | (d << 12)
        | (0b101 << 9)
        | ((double as u32) << 8)
        | (nbit << 7)
        | ((opc3_6 & 1) << 6)
        | (mbit << 5)
        | m
}

/// VFP "other" data processing (`opc1` = 1x11): `Vn` is the 4-bit `opc2`, bit 7 is
/// `op_7`; `vd_double`/`vm_double` pick each register's view, since `vcvt` mixes them.
#[allow(clippy::too_many_arguments)]
pub fn vfp_other(
    cond: u32,
    opc2_19_16: u32,
    sz_8: bool,
    vd: u32,
    vd_double: bool,
    vm: u32,
    vm_double: bool,
    op_7: u32,
    opc3_6: u32,
) -> u32 {
    let (d, dbit) = vfp_split(vd, vd_double);
    let (m, mbit) = vfp_split(vm, vm_double);
    (cond << 28)
        | (0b1110_1011 << 20)
        | (dbit << 22)
        | ((opc2_19_16 & 0xf) << 16)
        | (d << 12)
        | (0b101 << 9)
        | ((sz_8 as u32) << 8)
        | ((op_7 & 1) << 7)
        | ((opc3_6 & 1) << 6)
        | (mbit << 5)
        | m
}

/// `vldr`/`vstr` (`load_20`): `cond 1101 U D 0 L rn Vd 101 sz imm8`.
pub fn vldr_vstr(load_20: bool, u_23: bool, double: bool, vd: u32, rn: u32, imm8: u32) -> u32 {
    let (d, dbit) = vfp_split(vd, double);
    (COND_AL << 28)
        | (0b1101 << 24)
        | ((u_23 as u32) << 23)
        | (dbit << 22)
        | ((load_20 as u32) << 20)
        | ((rn & 0xf) << 16)
        | (d << 12)
        | (0b101 << 9)
        | ((double as u32) << 8)
        | (imm8 & 0xff)
}

/// `vpush`/`vpop` of `count` consecutive D registers from `first`.
pub fn vpush_vpop(pop: bool, first: u32, count: u32) -> u32 {
    let (d, dbit) = vfp_split(first, true);
    // vpush = vstmdb sp!, vpop = vldmia sp!.
    let pu_w_l = if pop { 0b01011 } else { 0b10010 };
    (COND_AL << 28)
        | (0b110 << 25)
        | (pu_w_l << 20)
        | (dbit << 22)
        | (13 << 16)
        | (d << 12)
        | (0b1011 << 8)
        | ((2 * count) & 0xff)
}

/// `vmov sN, rt` / `vmov rt, sN` (`to_core_20`).
pub fn vmov_core_s(cond: u32, to_core_20: bool, sn: u32, rt: u32) -> u32 {
    let (n, nbit) = vfp_split(sn, false);
    (cond << 28)
        | (0b111_0000 << 21)
        | ((to_core_20 as u32) << 20)
        | (n << 16)
        | ((rt & 0xf) << 12)
        | (0b1010 << 8)
        | (nbit << 7)
        | (1 << 4)
}

/// `vmov.32 dN[lane], rt`.
pub fn vmov_core_to_lane(cond: u32, lane_21: u32, dn: u32, rt: u32) -> u32 {
    let (n, nbit) = vfp_split(dn, true);
    (cond << 28)
        | 0x0e00_0b10
        | ((lane_21 & 1) << 21)
        | (n << 16)
        | ((rt & 0xf) << 12)
        | (nbit << 7)
}

/// `vmov dM, rt, rt2` / `vmov rt, rt2, dM` (`to_core_20`).
pub fn vmov_core_d(cond: u32, to_core_20: bool, dm: u32, rt: u32, rt2: u32) -> u32 {
    let (m, mbit) = vfp_split(dm, true);
    (cond << 28)
        | (0b110_0010 << 21)
        | ((to_core_20 as u32) << 20)
        | ((rt2 & 0xf) << 16)
        | ((rt & 0xf) << 12)
        | (0b1011 << 8)
        | (mbit << 5)
        | (1 << 4)
        | m
}
