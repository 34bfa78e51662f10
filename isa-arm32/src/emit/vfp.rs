//! VFPv3 arithmetic, comparisons, conversions, moves and memory access.

use atoll_codegen::buffer::CodeSink;

use super::enc;
use crate::inst::{FpSize, FpuCvt, FpuOp1, FpuOp2, Inst, RoundMode, VfpAMode};
use crate::label_use::LabelUse;
use crate::regs::{dreg_num, rreg_num, sreg_num};
use atoll_codegen::machinst::Reg;

/// Register number in the view `size` selects.
fn vnum(r: Reg, size: FpSize) -> u32 {
    match size {
        FpSize::F32 => sreg_num(r),
        FpSize::F64 => dreg_num(r),
    }
}

pub(super) fn emit(inst: &Inst, sink: &mut impl CodeSink<LabelUse>) {
    let al = enc::COND_AL;
    let word = match inst {
        Inst::FpuRRR {
            op,
            size,
            cond,
            rd,
            rn,
            rm,
        } => {
            // (opc1 = bit 23 : bits 21..20, opc3 = bit 6)
            let (opc1, opc3) = match op {
                FpuOp2::Add => (0b011, 0),
                FpuOp2::Sub => (0b011, 1),
                FpuOp2::Mul => (0b010, 0),
                FpuOp2::Div => (0b100, 0),
            };
            let s = *size;
            enc::vfp_dp(
                cond.bits(),
                opc1,
                s.is_double(),
                vnum(rd.to_reg(), s),
                vnum(*rn, s),
                vnum(*rm, s),
                opc3,
            )
        }
        Inst::FpuRR {
            op,
            size,
            cond,
            rd,
            rm,
        } => {
            // (opc2, bit 7) with bit 6 = 1 for all four.
            let (opc2, op7) = match op {
                FpuOp1::Mov => (0b0000, 0),
                FpuOp1::Abs => (0b0000, 1),
                FpuOp1::Neg => (0b0001, 0),
                FpuOp1::Sqrt => (0b0001, 1),
            };
            let (s, d) = (*size, size.is_double());
            enc::vfp_other(
                cond.bits(),
                opc2,
                d,
                vnum(rd.to_reg(), s),
                d,
                vnum(*rm, s),
                d,
                op7,
                1,
            )
        }
        Inst::FpuCSel {
            size,
            cond,
            rd,
            rn,
            rm,
        } => {
            debug_assert_eq!(
                rd.to_reg(),
                *rm,
                "FpuCSel destination must be allocated to its else input"
            );
            let (s, d) = (*size, size.is_double());
            enc::vfp_other(
                cond.bits(),
                0b0000,
                d,
                vnum(rd.to_reg(), s),
                d,
                vnum(*rn, s),
                d,
                0,
                1,
            )
        }
        Inst::FpuCmp {
            size,
            cond,
            signal_nan,
            rn,
            rm,
        } => {
            let (s, d) = (*size, size.is_double());
            let (opc2, m) = match rm {
                Some(rm) => (0b0100, vnum(*rm, s)),
                None => (0b0101, 0),
            };
            enc::vfp_other(
                cond.bits(),
                opc2,
                d,
                vnum(*rn, s),
                d,
                m,
                d,
                *signal_nan as u32,
                1,
            )
        }
        Inst::FpuToFlags => enc::VMRS_APSR,
        Inst::FpscrRead { rd } => enc::VMRS_FPSCR | (rreg_num(rd.to_reg()) << 12),
        Inst::FpscrWrite { rn } => enc::VMSR_FPSCR | (rreg_num(*rn) << 12),
        Inst::FpuCvtToIntRound {
            signed,
            size,
            rd,
            rm,
        } => {
            // As `vcvt` to an integer with bit 7 clear (round by FPSCR, not to zero).
            let (d, opc2) = (size.is_double(), if *signed { 0b1101 } else { 0b1100 });
            enc::vfp_other(
                al,
                opc2,
                d,
                sreg_num(rd.to_reg()),
                false,
                vnum(*rm, *size),
                d,
                0,
                1,
            )
        }
        Inst::FpuRound { mode, size, rd, rm } => {
            let (s, d) = (*size, size.is_double());
            let (rd, rm) = (vnum(rd.to_reg(), s), vnum(*rm, s));
            match mode {
                // vrintz shares the conditional VFP space with vcvt (opc2 0110, bit 7 set).
                RoundMode::Trunc => enc::vfp_other(al, 0b0110, d, rd, d, rm, d, 1, 1),
                // vrintn/p/m: the unconditional space (cond field 1111), opc2 = 10:RM.
                RoundMode::Nearest => enc::vfp_other(enc::COND_NV, 0b1001, d, rd, d, rm, d, 0, 1),
                RoundMode::Ceil => enc::vfp_other(enc::COND_NV, 0b1010, d, rd, d, rm, d, 0, 1),
                RoundMode::Floor => enc::vfp_other(enc::COND_NV, 0b1011, d, rd, d, rm, d, 0, 1),
            }
        }
        Inst::FpuMinMaxNm {
            max,
            size,
            rd,
            rn,
            rm,
        } => {
            let s = *size;
            let (rd, rn, rm) = (vnum(rd.to_reg(), s), vnum(*rn, s), vnum(*rm, s));
            enc::vfp_dp(
                enc::COND_NV,
                0b100,
                s.is_double(),
                rd,
                rn,
                rm,
                (!*max) as u32,
            )
        }
        Inst::FpuCvt { op, rd, rm } => cvt(*op, rd.to_reg(), *rm),
        Inst::FpuMovImm {
            size,
            cond,
            rd,
            imm,
        } => {
            let (d, dbit) = enc::vfp_split(vnum(rd.to_reg(), *size), size.is_double());
            let b = imm.bits();
            (cond.bits() << 28)
                | (0b1110_1011 << 20)
                | (dbit << 22)
                | ((b >> 4) << 16)
                | (d << 12)
                | (0b101 << 9)
                | ((size.is_double() as u32) << 8)
                | (b & 0xf)
        }
        Inst::MovToFpu { rd, rn } => {
            enc::vmov_core_s(al, false, sreg_num(rd.to_reg()), rreg_num(*rn))
        }
        Inst::MovToFpuLane { rd, lane, rn } => {
            enc::vmov_core_to_lane(al, *lane as u32, dreg_num(rd.to_reg()), rreg_num(*rn))
        }
        Inst::MovFromFpu { rd, rn } => {
            enc::vmov_core_s(al, true, sreg_num(*rn), rreg_num(rd.to_reg()))
        }
        Inst::MovToFpu64 { rd, lo, hi } => enc::vmov_core_d(
            al,
            false,
            dreg_num(rd.to_reg()),
            rreg_num(*lo),
            rreg_num(*hi),
        ),
        Inst::MovFromFpu64 { lo, hi, rn } => enc::vmov_core_d(
            al,
            true,
            dreg_num(*rn),
            rreg_num(lo.to_reg()),
            rreg_num(hi.to_reg()),
        ),
        Inst::FpuLoad { size, rd, mem } => {
            if let VfpAMode::Literal(label) = mem {
                let at = sink.cur_offset();
                sink.use_label_at_offset(at, *label, LabelUse::Vldr8);
            }
            ldst(true, *size, vnum(rd.to_reg(), *size), mem)
        }
        Inst::FpuStore { size, rd, mem } => {
            debug_assert!(!matches!(mem, VfpAMode::Literal(_)), "vstr to a literal");
            ldst(false, *size, vnum(*rd, *size), mem)
        }
        Inst::VPush { first, count } => enc::vpush_vpop(false, *first as u32, *count as u32),
        Inst::VPop { first, count } => enc::vpush_vpop(true, *first as u32, *count as u32),
        _ => unreachable!("not a VFP instruction: {inst:?}"),
    };
    sink.put4(word);
}

fn ldst(load: bool, size: FpSize, vd: u32, mem: &VfpAMode) -> u32 {
    match *mem {
        VfpAMode::Offset { rn, off } => {
            let off = off.get();
            enc::vldr_vstr(
                load,
                off >= 0,
                size.is_double(),
                vd,
                rreg_num(rn),
                off.unsigned_abs() / 4,
            )
        }
        // Patched through `LabelUse::Vldr8`; start at [pc, #+0].
        VfpAMode::Literal(_) => enc::vldr_vstr(load, true, size.is_double(), vd, 15, 0),
    }
}

/// `vcvt`: (opc2, sz, destination is D, source is D, bit 7).
fn cvt(op: FpuCvt, rd: Reg, rm: Reg) -> u32 {
    use FpuCvt::*;
    let (opc2, sz, dd, md, op7) = match op {
        // sz = the source precision for these two.
        F32ToF64 => (0b0111, false, true, false, 1),
        F64ToF32 => (0b0111, true, false, true, 1),
        // Integer to float: sz = destination precision, bit 7 = signed.
        S32ToF32 => (0b1000, false, false, false, 1),
        U32ToF32 => (0b1000, false, false, false, 0),
        S32ToF64 => (0b1000, true, true, false, 1),
        U32ToF64 => (0b1000, true, true, false, 0),
        // Float to integer: opc2 = 110:signed, sz = source precision, bit 7 = 1 rounds
        // toward zero (plain `vcvt`; 0 would be `vcvtr`).
        F32ToS32 => (0b1101, false, false, false, 1),
        F32ToU32 => (0b1100, false, false, false, 1),
        F64ToS32 => (0b1101, true, false, true, 1),
        F64ToU32 => (0b1100, true, false, true, 1),
    };
    let num = |r: Reg, d: bool| if d { dreg_num(r) } else { sreg_num(r) };
    enc::vfp_other(
        enc::COND_AL,
        opc2,
        sz,
        num(rd, dd),
        dd,
        num(rm, md),
        md,
        op7,
        1,
    )
}
