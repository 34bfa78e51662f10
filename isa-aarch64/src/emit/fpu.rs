//! Scalar floating-point encodings, moves between register files and the vector
//! shifts used to build `copysign`.

use atoll_codegen::machinst::{Reg, Writable};

use crate::imms::FpImm8;
use crate::inst::{FpuOp1, FpuOp2, FpuRoundMode, FpuShiftImm, OperandSize, ScalarSize};
use crate::regs::{hw_enc_v, hw_enc_zr};

fn vd(rd: Writable<Reg>) -> u32 {
    hw_enc_v(rd.to_reg())
}

/// FP data-processing, one source: `opcode` (20:15).
fn enc_fp_dp1(size: ScalarSize, opcode: u32, rd: Writable<Reg>, rn: Reg) -> u32 {
    0x1e20_4000 | (size.ftype() << 22) | (opcode << 15) | (hw_enc_v(rn) << 5) | vd(rd)
}

/// `fabs`/`fneg`/`fsqrt`/`fcvt` (to the other width).
pub fn enc_fpu_rr(op: FpuOp1, size: ScalarSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    let opcode = match (op, size) {
        (FpuOp1::Abs, _) => 0b000001,
        (FpuOp1::Neg, _) => 0b000010,
        (FpuOp1::Sqrt, _) => 0b000011,
        (FpuOp1::Cvt, ScalarSize::Size32) => 0b000101, // to double
        (FpuOp1::Cvt, ScalarSize::Size64) => 0b000100, // to single
    };
    enc_fp_dp1(size, opcode, rd, rn)
}

/// `fmov` between two float registers of the same width.
pub fn enc_fpu_move(size: ScalarSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    enc_fp_dp1(size, 0, rd, rn)
}

/// `frint{n,p,m,z}`.
pub fn enc_fpu_round(mode: FpuRoundMode, size: ScalarSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    let opcode = match mode {
        FpuRoundMode::Nearest => 0b001000,
        FpuRoundMode::Plus => 0b001001,
        FpuRoundMode::Minus => 0b001010,
        FpuRoundMode::Zero => 0b001011,
    };
    enc_fp_dp1(size, opcode, rd, rn)
}

/// FP data-processing, two sources: `opcode` (15:12).
pub fn enc_fpu_rrr(op: FpuOp2, size: ScalarSize, rd: Writable<Reg>, rn: Reg, rm: Reg) -> u32 {
    let opcode = match op {
        FpuOp2::Mul => 0b0000,
        FpuOp2::Div => 0b0001,
        FpuOp2::Add => 0b0010,
        FpuOp2::Sub => 0b0011,
        FpuOp2::Max => 0b0100,
        FpuOp2::Min => 0b0101,
        FpuOp2::MaxNm => 0b0110,
        FpuOp2::MinNm => 0b0111,
    };
    0x1e20_0800
        | (size.ftype() << 22)
        | (hw_enc_v(rm) << 16)
        | (opcode << 12)
        | (hw_enc_v(rn) << 5)
        | vd(rd)
}

/// `fcmp rn, rm` (`rm == None`: compare with `#0.0`).
pub fn enc_fcmp(size: ScalarSize, rn: Reg, rm: Option<Reg>) -> u32 {
    let (rm, zero) = match rm {
        Some(rm) => (hw_enc_v(rm), 0),
        None => (0, 0b01000),
    };
    0x1e20_2000 | (size.ftype() << 22) | (rm << 16) | (hw_enc_v(rn) << 5) | zero
}

/// `fcsel`.
pub fn enc_fcsel(size: ScalarSize, rd: Writable<Reg>, rn: Reg, rm: Reg, cond: u32) -> u32 {
    0x1e20_0c00
        | (size.ftype() << 22)
        | (hw_enc_v(rm) << 16)
        | (cond << 12)
        | (hw_enc_v(rn) << 5)
        | vd(rd)
}

/// Conversions between the register files: `rmode_opcode` is bits 20:16
/// (`fcvtzs` 11000, `fcvtzu` 11001, `scvtf` 00010, `ucvtf` 00011,
/// `fmov` to int 00110, `fmov` to float 00111).
fn enc_fp_int(sf: u32, ftype: u32, rmode_opcode: u32, rd: u32, rn: u32) -> u32 {
    (sf << 31) | 0x1e20_0000 | (ftype << 22) | (rmode_opcode << 16) | (rn << 5) | rd
}

/// `fcvtzs`/`fcvtzu`.
pub fn enc_fpu_to_int(
    signed: bool,
    src: ScalarSize,
    dst: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
) -> u32 {
    let opc = if signed { 0b11000 } else { 0b11001 };
    enc_fp_int(
        dst.sf(),
        src.ftype(),
        opc,
        hw_enc_zr(rd.to_reg()),
        hw_enc_v(rn),
    )
}

/// `scvtf`/`ucvtf`.
pub fn enc_int_to_fpu(
    signed: bool,
    src: OperandSize,
    dst: ScalarSize,
    rd: Writable<Reg>,
    rn: Reg,
) -> u32 {
    let opc = if signed { 0b00010 } else { 0b00011 };
    enc_fp_int(src.sf(), dst.ftype(), opc, vd(rd), hw_enc_zr(rn))
}

/// `fmov sN, wM` / `fmov dN, xM`.
pub fn enc_mov_to_fpu(size: ScalarSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    enc_fp_int(
        size.operand_size().sf(),
        size.ftype(),
        0b00111,
        vd(rd),
        hw_enc_zr(rn),
    )
}

/// `fmov wN, sM` / `fmov xN, dM`.
pub fn enc_mov_from_fpu(size: ScalarSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    enc_fp_int(
        size.operand_size().sf(),
        size.ftype(),
        0b00110,
        hw_enc_zr(rd.to_reg()),
        hw_enc_v(rn),
    )
}

/// `fmov sN/dN, #imm`.
pub fn enc_fpu_move_imm(size: ScalarSize, rd: Writable<Reg>, imm: FpImm8) -> u32 {
    0x1e20_1000 | (size.ftype() << 22) | (imm.bits() << 13) | vd(rd)
}

/// `mov vD.16b, vN.16b` (`orr` with both sources equal).
pub fn enc_vec_move(rd: Writable<Reg>, rn: Reg) -> u32 {
    let n = hw_enc_v(rn);
    0x4ea0_1c00 | (n << 16) | (n << 5) | vd(rd)
}

/// `ushr`/`sli` by `amount`: scalar `d` form for 64 bits, `.2s` vector form for 32
/// (there is no scalar 32-bit form). `immh:immb` = `2*esize - amount` (ushr) or
/// `esize + amount` (sli).
pub fn enc_fpu_shift(
    sli: bool,
    size: ScalarSize,
    rd: Writable<Reg>,
    rn: Reg,
    amount: FpuShiftImm,
) -> u32 {
    let a = u32::from(amount.value());
    let (base, immhb) = match (size, sli) {
        (ScalarSize::Size64, false) => (0x7f00_0400, 128 - a),
        (ScalarSize::Size64, true) => (0x7f00_5400, 64 + a),
        (ScalarSize::Size32, false) => (0x2f00_0400, 64 - a),
        (ScalarSize::Size32, true) => (0x2f00_5400, 32 + a),
    };
    base | (immhb << 16) | (hw_enc_v(rn) << 5) | vd(rd)
}
