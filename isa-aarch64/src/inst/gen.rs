//! Instruction synthesizers: short constructors for common forms, register moves,
//! and constant materialization.

use smallvec::{smallvec, SmallVec};

use super::*;
use crate::imms::{ImmLogic, MoveWideConst, UImm12Scaled};
use crate::regs::{zero_reg, RegOrSp};

impl Inst {
    /// `ldr xN, mem` (64-bit load).
    pub fn load64(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::ULoad64,
            rd,
            mem,
        }
    }

    /// `ldr wN, mem` (32-bit load, zero-extended).
    pub fn load32(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::ULoad32,
            rd,
            mem,
        }
    }

    /// `ldrsw xN, mem`.
    pub fn sload32(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::SLoad32,
            rd,
            mem,
        }
    }

    /// `ldr sN, mem`.
    pub fn fpu_load32(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::FpuLoad32,
            rd,
            mem,
        }
    }

    /// `ldr dN, mem`.
    pub fn fpu_load64(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::FpuLoad64,
            rd,
            mem,
        }
    }

    /// `ldr qN, mem`.
    pub fn fpu_load128(rd: Writable<Reg>, mem: AMode) -> Inst {
        Inst::Load {
            op: LoadOp::FpuLoad128,
            rd,
            mem,
        }
    }

    /// `str xN, mem`.
    pub fn store64(rt: Reg, mem: AMode) -> Inst {
        Inst::Store {
            op: StoreOp::Store64,
            rt,
            mem,
        }
    }

    /// `ret` with no return values in registers.
    pub fn ret() -> Inst {
        Inst::Ret {
            rets: SmallVec::new(),
        }
    }

    /// `bl func<dest>` with no register arguments or results (tests, stubs).
    pub fn call(dest: RelocTarget) -> Inst {
        Inst::Call {
            dest,
            info: Box::default(),
        }
    }

    /// A register copy of `class` (64-bit integer move, or whole float register).
    pub fn gen_move(rd: Writable<Reg>, rm: Reg, class: RegClass) -> Inst {
        match class {
            RegClass::Int => Inst::Mov {
                size: OperandSize::Size64,
                rd,
                rm,
            },
            RegClass::Float | RegClass::Vector => Inst::FpuMove128 { rd, rn: rm },
        }
    }

    /// `mov rd, rn` where either side may be `sp` (`add rd, rn, #0`).
    pub fn mov_sp(rd: Writable<RegOrSp>, rn: RegOrSp) -> Inst {
        Inst::AluRRImm12 {
            op: ALUOp::Add,
            size: OperandSize::Size64,
            rd,
            rn,
            imm12: Imm12::zero(),
        }
    }

    /// `cmp rn, rm` (`subs xzr, rn, rm`).
    pub fn cmp(size: OperandSize, rn: Reg, rm: Reg) -> Inst {
        Inst::AluRRR {
            op: ALUOp::SubS,
            size,
            rd: Writable::from_reg(zero_reg()),
            rn,
            rm,
        }
    }

    /// `mul rd, rn, rm` (`madd rd, rn, rm, xzr`).
    pub fn mul(size: OperandSize, rd: Writable<Reg>, rn: Reg, rm: Reg) -> Inst {
        Inst::AluRRRR {
            op: ALUOp3::MAdd,
            size,
            rd,
            rn,
            rm,
            ra: zero_reg(),
        }
    }

    /// Add a constant to `sp` or subtract it (`amount` in bytes, at most 24 bits;
    /// larger frames go through a scratch register, which is the ABI's job).
    pub fn adjust_sp(amount: i64) -> Option<Inst> {
        let (op, mag) = if amount >= 0 {
            (ALUOp::Add, amount as u64)
        } else {
            (ALUOp::Sub, amount.unsigned_abs())
        };
        let imm12 = Imm12::maybe_from_u64(mag)?;
        let sp = RegOrSp::sp();
        Some(Inst::AluRRImm12 {
            op,
            size: OperandSize::Size64,
            rd: Writable::from_reg(sp),
            rn: sp,
            imm12,
        })
    }

    /// `[rn, #offset]` for an access of `bytes`: the scaled form when it fits, else
    /// the unscaled one; `None` if neither does.
    pub fn amode_offset(rn: RegOrSp, offset: i64, bytes: u8) -> Option<AMode> {
        if let Some(uimm12) = UImm12Scaled::maybe_from_i64(offset, bytes) {
            return Some(AMode::UImm12 { rn, uimm12 });
        }
        SImm9::maybe_from_i64(offset).map(|simm9| AMode::Unscaled { rn, simm9 })
    }

    /// Materialize `value` into `rd` with the fewest instructions among: one
    /// `orr` with a bitmask immediate, one `movz`/`movn`, or `movz`/`movn` followed
    /// by `movk` for each remaining halfword. For 32-bit sizes only the low 32 bits
    /// of `value` count.
    pub fn load_constant(rd: Writable<Reg>, value: u64, size: OperandSize) -> SmallVec<[Inst; 4]> {
        let (value, halves) = match size {
            OperandSize::Size32 => (value & 0xffff_ffff, 2u8),
            OperandSize::Size64 => (value, 4u8),
        };
        let mask = if halves == 2 { 0xffff_ffff } else { u64::MAX };
        let half = |v: u64, i: u8| ((v >> (16 * i)) & 0xffff) as u16;
        let zeros = (0..halves).filter(|&i| half(value, i) == 0).count();
        let ones = (0..halves).filter(|&i| half(value, i) == 0xffff).count();
        // `orr` writes an sp-slot: only usable when `rd` is not `xzr`.
        let rd_sp = RegOrSp::reg(rd.to_reg()).map(Writable::from_reg);
        if let (Some(rd_sp), true) = (
            rd_sp,
            zeros + 1 < halves as usize && ones + 1 < halves as usize,
        ) {
            if let Some(imml) = ImmLogic::maybe_from_u64(value, size) {
                return smallvec![Inst::AluRRImmLogic {
                    op: ALUOp::Orr,
                    size,
                    rd: rd_sp,
                    rn: zero_reg(),
                    imml
                }];
            }
        }
        // Start from all-ones (movn) when more halfwords are 0xffff than 0.
        let (op, fill) = if ones > zeros {
            (MoveWideOp::MovN, 0xffffu16)
        } else {
            (MoveWideOp::MovZ, 0u16)
        };
        let mut out = SmallVec::new();
        for i in 0..halves {
            let h = half(value, i);
            if h == fill {
                continue;
            }
            if out.is_empty() {
                let bits = if op == MoveWideOp::MovN { !h } else { h };
                let imm = MoveWideConst::maybe_with_shift(bits, i).expect("halfword index < 4");
                out.push(Inst::MovWide { op, size, rd, imm });
            } else {
                let imm = MoveWideConst::maybe_with_shift(h, i).expect("halfword index < 4");
                out.push(Inst::MovK {
                    size,
                    rd,
                    rn: rd.to_reg(),
                    imm,
                });
            }
        }
        if out.is_empty() {
            // Every halfword equals the fill: 0 or all ones.
            let imm = MoveWideConst::maybe_with_shift(0, 0).expect("hw 0");
            out.push(Inst::MovWide { op, size, rd, imm });
        }
        debug_assert!(value & !mask == 0);
        out
    }
}

#[cfg(test)]
#[path = "gen_tests.rs"]
mod tests;
