//! Integer data processing, multiplies, divides, bit operations and extends.

use atoll_codegen::buffer::CodeSink;

use super::enc;
use crate::imms::ModImm;
use crate::inst::{BitOp, Cond, ExtendOp, Inst, MulOp, Operand2};
use crate::label_use::LabelUse;
use crate::regs::rreg_num;

/// Opcode field of `mov` and `mvn`.
const OPC_MOV: u32 = 13;
const OPC_MVN: u32 = 15;

pub(super) fn emit(inst: &Inst, sink: &mut impl CodeSink<LabelUse>) {
    let al = enc::COND_AL;
    let word = match inst {
        Inst::Alu {
            op,
            s,
            cond,
            rd,
            rn,
            op2,
        } => dp(
            cond.bits(),
            *op as u32,
            *s,
            rreg_num(*rn),
            rreg_num(rd.to_reg()),
            op2,
        ),
        // Comparisons always set flags and write no register (Rd field 0).
        Inst::Cmp { op, cond, rn, op2 } => dp(cond.bits(), *op as u32, true, rreg_num(*rn), 0, op2),
        Inst::Mov {
            not,
            s,
            cond,
            rd,
            op2,
        } => {
            let opc = if *not { OPC_MVN } else { OPC_MOV };
            dp(cond.bits(), opc, *s, 0, rreg_num(rd.to_reg()), op2)
        }
        Inst::MovWide { top, cond, rd, imm } => {
            enc::movw_movt(cond.bits(), *top, rreg_num(rd.to_reg()), *imm as u32)
        }
        Inst::CSel { cond, rd, rn, rm } => {
            debug_assert_eq!(
                rd.to_reg(),
                *rm,
                "CSel destination must be allocated to its else input"
            );
            dp(
                cond.bits(),
                OPC_MOV,
                false,
                0,
                rreg_num(rd.to_reg()),
                &Operand2::Reg(*rn),
            )
        }
        Inst::CSet { cond, rd } => {
            let rd = rreg_num(rd.to_reg());
            sink.put4(enc::dp_imm(al, OPC_MOV, false, 0, rd, 0));
            enc::dp_imm(cond.bits(), OPC_MOV, false, 0, rd, 1)
        }
        Inst::LoadConst32 { rd, value } => {
            for w in load_const32(rreg_num(rd.to_reg()), *value) {
                sink.put4(w);
            }
            return;
        }
        Inst::Mul { op, rd, rn, rm, ra } => {
            let (op_23_20, ra) = match op {
                MulOp::Mul => (0b0000, 0),
                MulOp::Mla => (0b0010, rreg_num(*ra)),
                MulOp::Mls => (0b0110, rreg_num(*ra)),
            };
            enc::mul(
                al,
                op_23_20,
                rreg_num(rd.to_reg()),
                ra,
                rreg_num(*rm),
                rreg_num(*rn),
            )
        }
        Inst::MulLong {
            signed,
            rd_lo,
            rd_hi,
            rn,
            rm,
        } => {
            let op_23_20 = if *signed { 0b1100 } else { 0b1000 };
            enc::mul(
                al,
                op_23_20,
                rreg_num(rd_hi.to_reg()),
                rreg_num(rd_lo.to_reg()),
                rreg_num(*rm),
                rreg_num(*rn),
            )
        }
        Inst::Div { signed, rd, rn, rm } => enc::div(
            al,
            !*signed,
            rreg_num(rd.to_reg()),
            rreg_num(*rm),
            rreg_num(*rn),
        ),
        Inst::Bit { op, rd, rm } => {
            let (op_27_20, op_7_4) = match op {
                BitOp::Clz => (0b0001_0110, 0b0001),
                BitOp::Rbit => (0b0110_1111, 0b0011),
                BitOp::Rev => (0b0110_1011, 0b0011),
                BitOp::Rev16 => (0b0110_1011, 0b1011),
            };
            enc::misc_rr(al, op_27_20, op_7_4, rreg_num(rd.to_reg()), rreg_num(*rm))
        }
        Inst::Extend { op, rd, rm } => {
            let op_27_20 = match op {
                ExtendOp::Sxtb => 0b0110_1010,
                ExtendOp::Sxth => 0b0110_1011,
                ExtendOp::Uxtb => 0b0110_1110,
                ExtendOp::Uxth => 0b0110_1111,
            };
            enc::extend(al, op_27_20, rreg_num(rd.to_reg()), rreg_num(*rm))
        }
        _ => unreachable!("not an ALU instruction: {inst:?}"),
    };
    sink.put4(word);
}

/// Encode one data-processing instruction with any form of second operand.
fn dp(cond: u32, opc: u32, s: bool, rn: u32, rd: u32, op2: &Operand2) -> u32 {
    match *op2 {
        Operand2::Imm(imm) => enc::dp_imm(cond, opc, s, rn, rd, imm.bits()),
        Operand2::Reg(rm) => enc::dp_reg(cond, opc, s, rn, rd, 0, 0, rreg_num(rm)),
        Operand2::RegShiftImm(rm, kind, amt) => {
            enc::dp_reg(cond, opc, s, rn, rd, amt.bits(), kind as u32, rreg_num(rm))
        }
        Operand2::RegShiftReg(rm, kind, rs) => enc::dp_reg_shift_reg(
            cond,
            opc,
            s,
            rn,
            rd,
            rreg_num(rs),
            kind as u32,
            rreg_num(rm),
        ),
    }
}

/// The words materializing `value` in `rd`: `mov` or `mvn` of a rotated immediate
/// when one fits, otherwise `movw` and, if the top half is non-zero, `movt`.
pub(crate) fn load_const32(rd: u32, value: u32) -> Vec<u32> {
    let al = Cond::Al.bits();
    if let Some(imm) = ModImm::maybe_from_u32(value) {
        return vec![enc::dp_imm(al, OPC_MOV, false, 0, rd, imm.bits())];
    }
    if let Some(imm) = ModImm::maybe_from_u32(!value) {
        return vec![enc::dp_imm(al, OPC_MVN, false, 0, rd, imm.bits())];
    }
    let mut words = vec![enc::movw_movt(al, false, rd, value & 0xffff)];
    if value >> 16 != 0 {
        words.push(enc::movw_movt(al, true, rd, value >> 16));
    }
    words
}
