//! Integer ALU encodings: add/sub, logical, shifts, multiply/divide, bit operations,
//! extends, moves, conditional select and compare.

use atoll_codegen::machinst::{Reg, Writable};

use crate::imms::{Imm12, ImmLogic, MoveWideConst, UImm5, NZCV};
use crate::inst::{
    ALUOp, ALUOp3, BitOp, CSelOp, Cond, ExtendOp, ImmShiftOp, MoveWideOp, OperandSize, ShiftOp,
};
use crate::regs::{hw_enc_sp, hw_enc_zr, zero_reg, RegOrSp};

fn rd_zr(rd: Writable<Reg>) -> u32 {
    hw_enc_zr(rd.to_reg())
}

/// Whether `op` is one of the add/sub family, and its `op` (30) and `S` (29) bits.
fn addsub_bits(op: ALUOp) -> Option<(u32, u32)> {
    match op {
        ALUOp::Add => Some((0, 0)),
        ALUOp::AddS => Some((0, 1)),
        ALUOp::Sub => Some((1, 0)),
        ALUOp::SubS => Some((1, 1)),
        _ => None,
    }
}

/// Logical family: `opc` (30:29) and `N` (21, invert `rm`) bits.
fn logical_bits(op: ALUOp) -> Option<(u32, u32)> {
    match op {
        ALUOp::And => Some((0, 0)),
        ALUOp::AndNot => Some((0, 1)),
        ALUOp::Orr => Some((1, 0)),
        ALUOp::OrrNot => Some((1, 1)),
        ALUOp::Eor => Some((2, 0)),
        ALUOp::EorNot => Some((2, 1)),
        ALUOp::AndS => Some((3, 0)),
        _ => None,
    }
}

/// Shifted-register form of add/sub and logical operations (and the plain
/// three-register ALU forms, which are the same with no shift).
pub fn enc_alu_rrr_shift(
    op: ALUOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    rm: Reg,
    shift: ShiftOp,
    amount: u8,
) -> u32 {
    let sf = size.sf() << 31;
    let tail = ((shift as u32) << 22)
        | (hw_enc_zr(rm) << 16)
        | (u32::from(amount) << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_zr(rd);
    if let Some((o, s)) = addsub_bits(op) {
        assert!(shift != ShiftOp::Ror, "add/sub have no ror shift");
        return sf | (o << 30) | (s << 29) | 0x0b00_0000 | tail;
    }
    if let Some((opc, n)) = logical_bits(op) {
        return sf | (opc << 29) | 0x0a00_0000 | (n << 21) | tail;
    }
    panic!("{op:?} has no shifted-register form");
}

/// Three-register forms of every [`ALUOp`].
pub fn enc_alu_rrr(op: ALUOp, size: OperandSize, rd: Writable<Reg>, rn: Reg, rm: Reg) -> u32 {
    let dp2 = |opcode: u32| {
        (size.sf() << 31)
            | 0x1ac0_0000
            | (hw_enc_zr(rm) << 16)
            | (opcode << 10)
            | (hw_enc_zr(rn) << 5)
            | rd_zr(rd)
    };
    match op {
        ALUOp::UDiv => dp2(0b000010),
        ALUOp::SDiv => dp2(0b000011),
        ALUOp::Lsl => dp2(0b001000),
        ALUOp::Lsr => dp2(0b001001),
        ALUOp::Asr => dp2(0b001010),
        ALUOp::Ror => dp2(0b001011),
        // 64-bit only: the size is ignored (see `ALUOp::SMulH`).
        ALUOp::SMulH | ALUOp::UMulH => {
            let u = (op == ALUOp::UMulH) as u32;
            0x9b40_0000
                | (u << 23)
                | (hw_enc_zr(rm) << 16)
                | (31 << 10)
                | (hw_enc_zr(rn) << 5)
                | rd_zr(rd)
        }
        _ => enc_alu_rrr_shift(op, size, rd, rn, rm, ShiftOp::Lsl, 0),
    }
}

/// `madd`/`msub`/`smaddl`/`umaddl`.
pub fn enc_alu_rrrr(
    op: ALUOp3,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    rm: Reg,
    ra: Reg,
) -> u32 {
    let (top, o0) = match op {
        ALUOp3::MAdd => ((size.sf() << 31) | 0x1b00_0000, 0),
        ALUOp3::MSub => ((size.sf() << 31) | 0x1b00_0000, 1),
        ALUOp3::SMAddL => (0x9b20_0000, 0),
        ALUOp3::UMAddL => (0x9ba0_0000, 0),
    };
    top | (hw_enc_zr(rm) << 16)
        | (o0 << 15)
        | (hw_enc_zr(ra) << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_zr(rd)
}

/// Add/sub immediate: `rd_4_0` is the destination's encoding (an sp-slot for
/// `add`/`sub`, an xzr-slot for `adds`/`subs`; the caller knows which).
pub fn enc_alu_rr_imm12(
    op: ALUOp,
    size: OperandSize,
    rd_4_0: u32,
    rn: RegOrSp,
    imm12: Imm12,
) -> u32 {
    let (o, s) = addsub_bits(op).unwrap_or_else(|| panic!("{op:?} has no imm12 form"));
    (size.sf() << 31)
        | (o << 30)
        | (s << 29)
        | 0x1100_0000
        | (imm12.shift_bit() << 22)
        | (imm12.imm_bits() << 10)
        | (hw_enc_sp(rn) << 5)
        | rd_4_0
}

/// Logical immediate: `rd_4_0` is an sp-slot encoding for `and`/`orr`/`eor` and an
/// xzr-slot one for `ands`.
pub fn enc_alu_rr_imm_logic(
    op: ALUOp,
    size: OperandSize,
    rd_4_0: u32,
    rn: Reg,
    imml: ImmLogic,
) -> u32 {
    let opc = match op {
        ALUOp::And => 0,
        ALUOp::Orr => 1,
        ALUOp::Eor => 2,
        ALUOp::AndS => 3,
        _ => panic!("{op:?} has no logical-immediate form"),
    };
    assert_eq!(
        imml.size(),
        size,
        "logical immediate encoded for another width"
    );
    (size.sf() << 31)
        | (opc << 29)
        | 0x1200_0000
        | (imml.enc_bits() << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_4_0
}

/// Bitfield move: `opc` 0 = sbfm, 1 = bfm, 2 = ubfm; `N` equals `sf`.
pub fn enc_bfm(
    opc: u32,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    immr: u32,
    imms: u32,
) -> u32 {
    let sf = size.sf();
    (sf << 31)
        | (opc << 29)
        | 0x1300_0000
        | (sf << 22)
        | (immr << 16)
        | (imms << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_zr(rd)
}

/// `extr rd, rn, rm, #lsb`.
pub fn enc_extr(size: OperandSize, rd: Writable<Reg>, rn: Reg, rm: Reg, lsb: u32) -> u32 {
    let sf = size.sf();
    (sf << 31)
        | 0x1380_0000
        | (sf << 22)
        | (hw_enc_zr(rm) << 16)
        | (lsb << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_zr(rd)
}

/// Immediate shifts as their `ubfm`/`sbfm`/`extr` encodings.
pub fn enc_shift_imm(
    op: ImmShiftOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    amount: u8,
) -> u32 {
    let bits = u32::from(size.bits());
    let s = u32::from(amount);
    match op {
        ImmShiftOp::Lsl => enc_bfm(2, size, rd, rn, (bits - s) % bits, bits - 1 - s),
        ImmShiftOp::Lsr => enc_bfm(2, size, rd, rn, s, bits - 1),
        ImmShiftOp::Asr => enc_bfm(0, size, rd, rn, s, bits - 1),
        ImmShiftOp::Ror => enc_extr(size, rd, rn, rn, s),
    }
}

/// Extended-register add/sub: `rd_4_0` as for [`enc_alu_rr_imm12`].
pub fn enc_alu_rrr_extend(
    op: ALUOp,
    size: OperandSize,
    rd_4_0: u32,
    rn: RegOrSp,
    rm: Reg,
    extend: ExtendOp,
    shift: u8,
) -> u32 {
    let (o, s) = addsub_bits(op).unwrap_or_else(|| panic!("{op:?} has no extended-register form"));
    (size.sf() << 31)
        | (o << 30)
        | (s << 29)
        | 0x0b20_0000
        | (hw_enc_zr(rm) << 16)
        | ((extend as u32) << 13)
        | (u32::from(shift) << 10)
        | (hw_enc_sp(rn) << 5)
        | rd_4_0
}

/// One-source data processing (`rbit`, `rev*`, `clz`, `cls`).
pub fn enc_bit_rr(op: BitOp, size: OperandSize, rd: Writable<Reg>, rn: Reg) -> u32 {
    let opcode = match (op, size) {
        (BitOp::RBit, _) => 0b000000,
        (BitOp::Rev16, _) => 0b000001,
        (BitOp::Rev, OperandSize::Size32) => 0b000010,
        (BitOp::Rev32, OperandSize::Size64) => 0b000010,
        (BitOp::Rev32, OperandSize::Size32) => {
            panic!("rev32 needs 64-bit operands (use rev on w registers)")
        }
        (BitOp::Rev, OperandSize::Size64) => 0b000011,
        (BitOp::Clz, _) => 0b000100,
        (BitOp::Cls, _) => 0b000101,
    };
    (size.sf() << 31) | 0x5ac0_0000 | (opcode << 10) | (hw_enc_zr(rn) << 5) | rd_zr(rd)
}

/// Sign/zero extension as `sbfm`/`ubfm` (and `mov wd, wn` for 32→64 zero extension).
pub fn enc_extend(rd: Writable<Reg>, rn: Reg, signed: bool, from_bits: u8, to_bits: u8) -> u32 {
    assert!(
        matches!(from_bits, 8 | 16 | 32) && matches!(to_bits, 32 | 64) && from_bits < to_bits,
        "bad extend {from_bits}->{to_bits}"
    );
    let size = if to_bits == 64 {
        OperandSize::Size64
    } else {
        OperandSize::Size32
    };
    match (signed, from_bits) {
        // Writing a w register clears the upper half: a 32-bit move zero-extends.
        (false, 32) => enc_alu_rrr(ALUOp::Orr, OperandSize::Size32, rd, zero_reg(), rn),
        // Zero extension of a byte/halfword never needs the 64-bit form.
        (false, _) => enc_bfm(2, OperandSize::Size32, rd, rn, 0, u32::from(from_bits) - 1),
        (true, _) => enc_bfm(0, size, rd, rn, 0, u32::from(from_bits) - 1),
    }
}

/// `movz`/`movn`.
pub fn enc_move_wide(
    op: MoveWideOp,
    size: OperandSize,
    rd: Writable<Reg>,
    imm: MoveWideConst,
) -> u32 {
    assert!(
        size.is64() || imm.hw() < 2,
        "32-bit move-wide with a shift of 32 or more"
    );
    let opc = match op {
        MoveWideOp::MovN => 0,
        MoveWideOp::MovZ => 2,
    };
    (size.sf() << 31)
        | (opc << 29)
        | 0x1280_0000
        | (u32::from(imm.hw()) << 21)
        | (u32::from(imm.bits()) << 5)
        | rd_zr(rd)
}

/// `movk`.
pub fn enc_movk(size: OperandSize, rd: Writable<Reg>, imm: MoveWideConst) -> u32 {
    assert!(
        size.is64() || imm.hw() < 2,
        "32-bit movk with a shift of 32 or more"
    );
    (size.sf() << 31)
        | 0x7280_0000
        | (u32::from(imm.hw()) << 21)
        | (u32::from(imm.bits()) << 5)
        | rd_zr(rd)
}

/// Register move: `orr rd, zr, rm`.
pub fn enc_mov(size: OperandSize, rd: Writable<Reg>, rm: Reg) -> u32 {
    enc_alu_rrr(ALUOp::Orr, size, rd, zero_reg(), rm)
}

/// Conditional select family.
pub fn enc_csel(
    op: CSelOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: Reg,
    rm: Reg,
    cond: Cond,
) -> u32 {
    let (o, o2) = match op {
        CSelOp::Csel => (0, 0),
        CSelOp::Csinc => (0, 1),
        CSelOp::Csinv => (1, 0),
        CSelOp::Csneg => (1, 1),
    };
    (size.sf() << 31)
        | (o << 30)
        | 0x1a80_0000
        | (hw_enc_zr(rm) << 16)
        | (cond.bits() << 12)
        | (o2 << 10)
        | (hw_enc_zr(rn) << 5)
        | rd_zr(rd)
}

/// `ccmp` with a register (`imm == None`) or a 5-bit immediate second operand.
pub fn enc_ccmp(
    size: OperandSize,
    rn: Reg,
    rm_or_imm: Result<Reg, UImm5>,
    nzcv: NZCV,
    cond: Cond,
) -> u32 {
    let (field, imm_bit) = match rm_or_imm {
        Ok(rm) => (hw_enc_zr(rm), 0),
        Err(imm) => (imm.bits(), 1),
    };
    (size.sf() << 31)
        | 0x7a40_0000
        | (field << 16)
        | (cond.bits() << 12)
        | (imm_bit << 11)
        | (hw_enc_zr(rn) << 5)
        | nzcv.bits()
}
