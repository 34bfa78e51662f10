//! Random instruction generator shared by the differential and validation tests.
//!
//! Only builds what the types allow (immediates through their `maybe_from_*`
//! constructors; `sp` only in sp-slots, `xzr` only in xzr-slots). Deterministic
//! (xorshift64*) so failures reproduce from the seed.

#![allow(dead_code)]

pub mod compile;
pub mod qemu;

use atoll_codegen::machinst::{Reg, Writable};
use atoll_isa_aarch64::imms::*;
use atoll_isa_aarch64::inst::*;
use atoll_isa_aarch64::regs::*;

/// xorshift64*: small, deterministic, good enough for picking operands.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    pub fn flip(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// x0–x30, or xzr one time in eight.
    pub fn zr_slot(&mut self) -> Reg {
        if self.below(8) == 0 {
            zero_reg()
        } else {
            xreg(self.below(31) as u8)
        }
    }
    /// x0–x30, or sp one time in eight.
    pub fn sp_slot(&mut self) -> RegOrSp {
        if self.below(8) == 0 {
            stack_reg()
        } else {
            RegOrSp::x(self.below(31) as u8)
        }
    }
    pub fn gpr(&mut self) -> Reg {
        xreg(self.below(31) as u8)
    }
    pub fn fpr(&mut self) -> Reg {
        vreg(self.below(32) as u8)
    }
    pub fn size(&mut self) -> OperandSize {
        if self.flip() {
            OperandSize::Size64
        } else {
            OperandSize::Size32
        }
    }
    pub fn fsize(&mut self) -> ScalarSize {
        if self.flip() {
            ScalarSize::Size64
        } else {
            ScalarSize::Size32
        }
    }
    pub fn cond(&mut self) -> Cond {
        use Cond::*;
        self.pick(&[Eq, Ne, Hs, Lo, Mi, Pl, Vs, Vc, Hi, Ls, Ge, Lt, Gt, Le])
    }
    /// A random bitmask immediate: rotated run of ones replicated over an element.
    pub fn logic_imm(&mut self, size: OperandSize) -> ImmLogic {
        loop {
            let max_e = if size.is64() { 6 } else { 5 };
            let e = 1u32 << (1 + self.below(max_e));
            let ones = 1 + self.below(u64::from(e) - 1) as u32;
            let rot = self.below(u64::from(e)) as u32;
            let emask = if e == 64 { u64::MAX } else { (1u64 << e) - 1 };
            let run = (1u64 << ones) - 1;
            let elem = if rot == 0 {
                run
            } else {
                ((run >> rot) | (run << (e - rot))) & emask
            };
            let mut v = 0u64;
            let mut pos = 0;
            while pos < size.bits() as u32 {
                v |= elem << pos;
                pos += e;
            }
            if let Some(imm) = ImmLogic::maybe_from_u64(v, size) {
                return imm;
            }
        }
    }
}

pub fn w(r: Reg) -> Writable<Reg> {
    Writable::from_reg(r)
}

/// A random addressing mode for an access of `bytes` whose data register is `data`
/// (a writeback base equal to the data register is UNPREDICTABLE and llvm rejects
/// it, so such a base is replaced by `sp`).
pub fn random_amode(g: &mut Rng, bytes: u8, data: Reg) -> AMode {
    let simm9 = |g: &mut Rng| SImm9::maybe_from_i64(g.below(512) as i64 - 256).unwrap();
    let base = |g: &mut Rng| {
        let b = g.sp_slot();
        Writable::from_reg(if b.as_reg() == Some(data) {
            stack_reg()
        } else {
            b
        })
    };
    match g.below(5) {
        0 => {
            let off = g.below(4096) as i64 * i64::from(bytes);
            AMode::UImm12 {
                rn: g.sp_slot(),
                uimm12: UImm12Scaled::maybe_from_i64(off, bytes).unwrap(),
            }
        }
        1 => AMode::Unscaled {
            rn: g.sp_slot(),
            simm9: simm9(g),
        },
        2 => AMode::PreIndexed {
            rn: base(g),
            simm9: simm9(g),
        },
        3 => AMode::PostIndexed {
            rn: base(g),
            simm9: simm9(g),
        },
        _ => {
            let extend = g.pick(&[
                ExtendOp::Uxtw,
                ExtendOp::Uxtx,
                ExtendOp::Sxtw,
                ExtendOp::Sxtx,
            ]);
            AMode::RegExtended {
                rn: g.sp_slot(),
                rm: g.zr_slot(),
                extend,
                shifted: g.flip(),
            }
        }
    }
}

pub fn random_inst(g: &mut Rng) -> Inst {
    use ALUOp::*;
    let size = g.size();
    match g.below(30) {
        0 | 1 => {
            let op = g.pick(&[
                Add, Sub, AddS, SubS, And, AndS, Orr, Eor, AndNot, OrrNot, EorNot, Lsl, Lsr, Asr,
                Ror, SDiv, UDiv, SMulH, UMulH,
            ]);
            let size = if matches!(op, SMulH | UMulH) {
                OperandSize::Size64
            } else {
                size
            };
            Inst::AluRRR {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                rm: g.zr_slot(),
            }
        }
        2 => {
            let op = g.pick(&[ALUOp3::MAdd, ALUOp3::MSub, ALUOp3::SMAddL, ALUOp3::UMAddL]);
            let size = if matches!(op, ALUOp3::SMAddL | ALUOp3::UMAddL) {
                OperandSize::Size64
            } else {
                size
            };
            Inst::AluRRRR {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                rm: g.zr_slot(),
                ra: g.zr_slot(),
            }
        }
        3 | 4 => {
            let op = g.pick(&[Add, Sub, AddS, SubS]);
            let v = if g.flip() {
                g.below(4096)
            } else {
                g.below(4096) << 12
            };
            let imm12 = Imm12::maybe_from_u64(v).unwrap();
            if matches!(op, AddS | SubS) {
                Inst::AluRRImm12S {
                    op,
                    size,
                    rd: w(g.zr_slot()),
                    rn: g.sp_slot(),
                    imm12,
                }
            } else {
                Inst::AluRRImm12 {
                    op,
                    size,
                    rd: Writable::from_reg(g.sp_slot()),
                    rn: g.sp_slot(),
                    imm12,
                }
            }
        }
        5 => {
            let op = g.pick(&[And, AndS, Orr, Eor]);
            let imml = g.logic_imm(size);
            if op == AndS {
                Inst::AluRRImmLogicS {
                    size,
                    rd: w(g.zr_slot()),
                    rn: g.zr_slot(),
                    imml,
                }
            } else {
                Inst::AluRRImmLogic {
                    op,
                    size,
                    rd: Writable::from_reg(g.sp_slot()),
                    rn: g.zr_slot(),
                    imml,
                }
            }
        }
        6 => {
            let op = g.pick(&[
                ImmShiftOp::Lsl,
                ImmShiftOp::Lsr,
                ImmShiftOp::Asr,
                ImmShiftOp::Ror,
            ]);
            let amt = g.below(u64::from(size.bits()));
            Inst::AluRRImmShift {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                immshift: ImmShift::maybe_from_u64(amt, size).unwrap(),
            }
        }
        7 => {
            let op = g.pick(&[
                Add, Sub, AddS, SubS, And, AndS, Orr, Eor, AndNot, OrrNot, EorNot,
            ]);
            let shifts: &[ShiftOp] = if matches!(op, Add | Sub | AddS | SubS) {
                &[ShiftOp::Lsl, ShiftOp::Lsr, ShiftOp::Asr]
            } else {
                &[ShiftOp::Lsl, ShiftOp::Lsr, ShiftOp::Asr, ShiftOp::Ror]
            };
            let amount = ImmShift::maybe_from_u64(g.below(u64::from(size.bits())), size).unwrap();
            Inst::AluRRRShift {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                rm: g.zr_slot(),
                shift: g.pick(shifts),
                amount,
            }
        }
        8 => {
            let op = g.pick(&[Add, Sub, AddS, SubS]);
            use ExtendOp::*;
            let extends: &[ExtendOp] = if size.is64() {
                &[Uxtb, Uxth, Uxtw, Uxtx, Sxtb, Sxth, Sxtw, Sxtx]
            } else {
                &[Uxtb, Uxth, Uxtw, Sxtb, Sxth, Sxtw]
            };
            let shift = ExtendShift::maybe_from_u8(g.below(5) as u8).unwrap();
            let (rn, rm, extend) = (g.sp_slot(), g.zr_slot(), g.pick(extends));
            if matches!(op, AddS | SubS) {
                Inst::AluRRRExtendS {
                    op,
                    size,
                    rd: w(g.zr_slot()),
                    rn,
                    rm,
                    extend,
                    shift,
                }
            } else {
                Inst::AluRRRExtend {
                    op,
                    size,
                    rd: Writable::from_reg(g.sp_slot()),
                    rn,
                    rm,
                    extend,
                    shift,
                }
            }
        }
        9 => {
            let op = g.pick(&[
                BitOp::RBit,
                BitOp::Clz,
                BitOp::Cls,
                BitOp::Rev,
                BitOp::Rev16,
                BitOp::Rev32,
            ]);
            let size = if op == BitOp::Rev32 {
                OperandSize::Size64
            } else {
                size
            };
            Inst::BitRR {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
            }
        }
        10 => {
            let (signed, from_bits, to_bits) = g.pick(&[
                (true, 8, 32),
                (true, 8, 64),
                (true, 16, 32),
                (true, 16, 64),
                (true, 32, 64),
                (false, 8, 32),
                (false, 8, 64),
                (false, 16, 32),
                (false, 16, 64),
                (false, 32, 64),
            ]);
            Inst::Extend {
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                signed,
                from_bits,
                to_bits,
            }
        }
        11 => {
            let hw = g.below(if size.is64() { 4 } else { 2 }) as u8;
            let imm = MoveWideConst::maybe_with_shift(g.below(0x10000) as u16, hw).unwrap();
            if g.flip() {
                let op = if g.flip() {
                    MoveWideOp::MovZ
                } else {
                    MoveWideOp::MovN
                };
                Inst::MovWide {
                    op,
                    size,
                    rd: w(g.zr_slot()),
                    imm,
                }
            } else {
                let r = g.zr_slot();
                Inst::MovK {
                    size,
                    rd: w(r),
                    rn: r,
                    imm,
                }
            }
        }
        12 => {
            if g.below(4) == 0 {
                Inst::mov_sp(Writable::from_reg(g.sp_slot()), g.sp_slot())
            } else {
                Inst::Mov {
                    size,
                    rd: w(g.gpr()),
                    rm: g.zr_slot(),
                }
            }
        }
        13 => {
            let op = g.pick(&[CSelOp::Csel, CSelOp::Csinc, CSelOp::Csinv, CSelOp::Csneg]);
            Inst::CSel {
                op,
                size,
                rd: w(g.zr_slot()),
                rn: g.zr_slot(),
                rm: g.zr_slot(),
                cond: g.cond(),
            }
        }
        14 => {
            if g.flip() {
                Inst::CSet {
                    size,
                    rd: w(g.zr_slot()),
                    cond: g.cond(),
                }
            } else {
                Inst::CSetm {
                    size,
                    rd: w(g.zr_slot()),
                    cond: g.cond(),
                }
            }
        }
        15 => {
            let b = g.below(16) as u8;
            let nzcv = NZCV {
                n: b & 8 != 0,
                z: b & 4 != 0,
                c: b & 2 != 0,
                v: b & 1 != 0,
            };
            if g.flip() {
                Inst::CCmp {
                    size,
                    rn: g.zr_slot(),
                    rm: g.zr_slot(),
                    nzcv,
                    cond: g.cond(),
                }
            } else {
                Inst::CCmpImm {
                    size,
                    rn: g.zr_slot(),
                    imm: UImm5::maybe_from_u64(g.below(32)).unwrap(),
                    nzcv,
                    cond: g.cond(),
                }
            }
        }
        16..=18 => {
            use LoadOp::*;
            let op = g.pick(&[
                ULoad8, SLoad8, ULoad16, SLoad16, ULoad32, SLoad32, ULoad64, FpuLoad32, FpuLoad64,
                FpuLoad128,
            ]);
            let rd = if op.is_fpu() { g.fpr() } else { g.zr_slot() };
            Inst::Load {
                op,
                rd: w(rd),
                mem: random_amode(g, op.bytes(), rd),
            }
        }
        19 | 20 => {
            use StoreOp::*;
            let op = g.pick(&[
                Store8,
                Store16,
                Store32,
                Store64,
                FpuStore32,
                FpuStore64,
                FpuStore128,
            ]);
            let rt = if op.is_fpu() { g.fpr() } else { g.zr_slot() };
            Inst::Store {
                op,
                rt,
                mem: random_amode(g, op.bytes(), rt),
            }
        }
        21 => {
            let kind = if g.flip() {
                PairKind::X64
            } else {
                PairKind::D64
            };
            let simm7 = SImm7Scaled::maybe_from_i64((g.below(128) as i64 - 64) * 8, 8).unwrap();
            let (rt, rt2) = loop {
                let (a, b) = if kind == PairKind::X64 {
                    (g.zr_slot(), g.zr_slot())
                } else {
                    (g.fpr(), g.fpr())
                };
                if a != b {
                    break (a, b);
                }
            };
            let base = loop {
                let b = g.sp_slot();
                if b.as_reg() != Some(rt) && b.as_reg() != Some(rt2) {
                    break b;
                }
            };
            let mem = match g.below(3) {
                0 => PairAMode::SignedOffset { rn: base, simm7 },
                1 => PairAMode::PreIndexed {
                    rn: Writable::from_reg(base),
                    simm7,
                },
                _ => PairAMode::PostIndexed {
                    rn: Writable::from_reg(base),
                    simm7,
                },
            };
            if g.flip() {
                Inst::LoadPair {
                    kind,
                    rt: w(rt),
                    rt2: w(rt2),
                    mem,
                }
            } else {
                Inst::StorePair { kind, rt, rt2, mem }
            }
        }
        22 => {
            let op = g.pick(&[
                FpuOp2::Add,
                FpuOp2::Sub,
                FpuOp2::Mul,
                FpuOp2::Div,
                FpuOp2::Max,
                FpuOp2::Min,
                FpuOp2::MaxNm,
                FpuOp2::MinNm,
            ]);
            Inst::FpuRRR {
                op,
                size: g.fsize(),
                rd: w(g.fpr()),
                rn: g.fpr(),
                rm: g.fpr(),
            }
        }
        23 => {
            if g.flip() {
                let op = g.pick(&[FpuOp1::Abs, FpuOp1::Neg, FpuOp1::Sqrt, FpuOp1::Cvt]);
                Inst::FpuRR {
                    op,
                    size: g.fsize(),
                    rd: w(g.fpr()),
                    rn: g.fpr(),
                }
            } else {
                let mode = g.pick(&[
                    FpuRoundMode::Minus,
                    FpuRoundMode::Plus,
                    FpuRoundMode::Zero,
                    FpuRoundMode::Nearest,
                ]);
                Inst::FpuRound {
                    mode,
                    size: g.fsize(),
                    rd: w(g.fpr()),
                    rn: g.fpr(),
                }
            }
        }
        24 => match g.below(3) {
            0 => Inst::FpuCmp {
                size: g.fsize(),
                rn: g.fpr(),
                rm: g.fpr(),
            },
            1 => Inst::FpuCmpZero {
                size: g.fsize(),
                rn: g.fpr(),
            },
            _ => Inst::FpuCSel {
                size: g.fsize(),
                rd: w(g.fpr()),
                rn: g.fpr(),
                rm: g.fpr(),
                cond: g.cond(),
            },
        },
        25 => {
            if g.flip() {
                Inst::FpuToInt {
                    signed: g.flip(),
                    src: g.fsize(),
                    dst: size,
                    rd: w(g.zr_slot()),
                    rn: g.fpr(),
                }
            } else {
                Inst::IntToFpu {
                    signed: g.flip(),
                    src: size,
                    dst: g.fsize(),
                    rd: w(g.fpr()),
                    rn: g.zr_slot(),
                }
            }
        }
        26 => match g.below(4) {
            0 => Inst::MovToFpu {
                size: g.fsize(),
                rd: w(g.fpr()),
                rn: g.zr_slot(),
            },
            1 => Inst::MovFromFpu {
                size: g.fsize(),
                rd: w(g.zr_slot()),
                rn: g.fpr(),
            },
            2 => Inst::FpuMove {
                size: g.fsize(),
                rd: w(g.fpr()),
                rn: g.fpr(),
            },
            _ => Inst::FpuMove128 {
                rd: w(g.fpr()),
                rn: g.fpr(),
            },
        },
        27 => {
            let imm8 = g.below(256);
            // Build the value from its fields so every encodable immediate is reachable.
            let a = imm8 >> 7;
            let b = (imm8 >> 6) & 1;
            let exp = ((b ^ 1) << 8) | if b == 1 { 0xff } else { 0 };
            let v = f64::from_bits((a << 63) | (exp << 54) | ((imm8 & 0x3f) << 48));
            Inst::FpuMoveImm {
                size: g.fsize(),
                rd: w(g.fpr()),
                imm: FpImm8::maybe_from_f64(v).unwrap(),
            }
        }
        28 => {
            let size = g.fsize();
            let bits = if size == ScalarSize::Size64 { 64 } else { 32 };
            if g.flip() {
                let amount =
                    FpuShiftImm::maybe_from_u8(1 + g.below(bits) as u8, FpuShiftOp::UShr, size)
                        .unwrap();
                Inst::FpuUShr {
                    size,
                    rd: w(g.fpr()),
                    rn: g.fpr(),
                    amount,
                }
            } else {
                let amount =
                    FpuShiftImm::maybe_from_u8(g.below(bits) as u8, FpuShiftOp::Sli, size).unwrap();
                let rd = g.fpr();
                Inst::FpuSli {
                    size,
                    rd: w(rd),
                    ri: rd,
                    rn: g.fpr(),
                    amount,
                }
            }
        }
        _ => match g.below(6) {
            0 => Inst::IndirectBr { rn: g.zr_slot() },
            1 => Inst::CallInd {
                rn: g.zr_slot(),
                info: Box::default(),
            },
            2 => Inst::Brk {
                imm: g.below(0x10000) as u16,
            },
            3 => Inst::Adrp {
                rd: w(g.zr_slot()),
                pages: AdrpPages::maybe_from_i64(g.below(1 << 21) as i64 - (1 << 20)).unwrap(),
            },
            4 => Inst::ret(),
            _ => Inst::Nop4,
        },
    }
}
