//! Pseudo-instructions with internal branches (built with [`Seq`]): float select,
//! wasm `fmin`/`fmax`, float-to-integer conversions (trapping and saturating, every
//! width and signedness) and unsigned 64-bit integer to float.
//!
//! The conversions rely on what `cvttss2si`/`cvttsd2si` return for NaN and
//! out-of-range inputs: the "integer indefinite" value, `INT_MIN` of the destination
//! width. Strategy per destination:
//! - `i32`/`u32`: convert to 64 bits (exact for every in-range input and far from
//!   the 32-bit ranges otherwise), then range-check the integer.
//! - `i64`: `INT64_MIN` is either a valid result (input in `(-2^63 - 1, -2^63]`) or an
//!   error; the float compare against `-2^63` and `0` tells which.
//! - `u64`: inputs below `2^63` convert directly; above, `2^63 - x` (exact by Sterbenz's
//!   lemma for `x` in `[2^63, 2^64]`) converts, then is negated and gets bit 63 set.
//!
//! NaN traps with `bad_toint` (or gives 0 when saturating); out of range traps with
//! `int_ovf` (or clamps).
//!
//! Rounding without SSE4.1 (`XmmRoundSeq`) is documented at [`emit_round_seq`].

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};

use super::seq::Seq;
use crate::imms::{RoundImm, ShiftImm, Simm32};
use crate::inst::{
    AluOp, CmpOp, ExtMode, GprToXmmOp, Inst, OperandSize, RegMem, RegMemImm, ShiftBy, ShiftKind,
    SseOp, XmmToGprOp, CC,
};
use crate::label_use::LabelUse;

/// The per-precision opcodes of a sequence.
struct Fp {
    double: bool,
}

impl Fp {
    fn ucomi(&self, a: Reg, b: Reg) -> Inst {
        let op = if self.double {
            SseOp::Ucomisd
        } else {
            SseOp::Ucomiss
        };
        Inst::XmmCmpRmR {
            op,
            src1: a,
            src2: RegMem::Reg(b),
        }
    }
    fn op(&self, single: SseOp, double: SseOp, src: Reg, dst: Reg) -> Inst {
        let op = if self.double { double } else { single };
        Inst::XmmRmR {
            op,
            src1: dst,
            src2: RegMem::Reg(src),
            dst: Writable::from_reg(dst),
        }
    }
    fn cvtt(&self, src: Reg, dst: Reg, dst_size: OperandSize) -> Inst {
        let op = if self.double {
            XmmToGprOp::Cvttsd2si
        } else {
            XmmToGprOp::Cvttss2si
        };
        Inst::XmmToGpr {
            op,
            src,
            dst_size,
            dst: Writable::from_reg(dst),
        }
    }
    /// `tmp_xmm = value` through `tmp_gpr`.
    fn constant(&self, s: &mut Seq, value: f64, tmp_gpr: Reg, tmp_xmm: Reg) {
        let bits = if self.double {
            value.to_bits()
        } else {
            u64::from((value as f32).to_bits())
        };
        self.mask(s, bits, tmp_gpr, tmp_xmm);
    }
    /// `tmp_xmm = bits` (a bit pattern, e.g. a sign mask) through `tmp_gpr`.
    fn mask(&self, s: &mut Seq, bits: u64, tmp_gpr: Reg, tmp_xmm: Reg) {
        let size = if self.double {
            OperandSize::S64
        } else {
            OperandSize::S32
        };
        s.inst(Inst::gen_constant(bits, Writable::from_reg(tmp_gpr)));
        s.inst(Inst::GprToXmm {
            op: GprToXmmOp::Mov,
            src: RegMem::Reg(tmp_gpr),
            src_size: size,
            dst: Writable::from_reg(tmp_xmm),
        });
    }
    /// All bits of one float.
    fn all_ones(&self) -> u64 {
        if self.double {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        }
    }
    fn zero(&self, x: Reg) -> Inst {
        Inst::XmmRmR {
            op: SseOp::Xorps,
            src1: x,
            src2: RegMem::Reg(x),
            dst: Writable::from_reg(x),
        }
    }
}

fn set(dst: Reg, value: u64) -> Inst {
    Inst::gen_constant(value, Writable::from_reg(dst))
}

/// `dst = cc ? consequent : dst`.
pub(crate) fn emit_xmm_cmove(
    sink: &mut impl CodeSink<LabelUse>,
    cc: CC,
    consequent: Reg,
    dst: Reg,
) {
    let mut s = Seq::default();
    let skip = s.label();
    s.jcc(cc.invert(), skip);
    s.inst(Inst::XmmUnaryRmR {
        op: SseOp::Movaps,
        src: RegMem::Reg(consequent),
        dst: Writable::from_reg(dst),
    });
    s.bind(skip);
    s.finish(sink);
}

/// Wasm `fmin`/`fmax` of `lhs` and `dst` into `dst`: NaN when either is NaN, and
/// `-0 < +0` (which `minss`/`maxss` alone get wrong).
pub(crate) fn emit_min_max(
    sink: &mut impl CodeSink<LabelUse>,
    is_min: bool,
    double: bool,
    lhs: Reg,
    dst: Reg,
) {
    let fp = Fp { double };
    let mut s = Seq::default();
    let (plain, nan, done) = (s.label(), s.label(), s.label());
    s.inst(fp.ucomi(lhs, dst));
    s.jcc(CC::NZ, plain);
    s.jcc(CC::P, nan);
    // Equal: only ±0 differ; OR keeps a set sign bit (min), AND clears it (max).
    let bitwise = if is_min { SseOp::Orps } else { SseOp::Andps };
    s.inst(Inst::XmmRmR {
        op: bitwise,
        src1: dst,
        src2: RegMem::Reg(lhs),
        dst: Writable::from_reg(dst),
    });
    s.jmp(done);
    s.bind(nan);
    s.inst(fp.op(SseOp::Addss, SseOp::Addsd, lhs, dst));
    s.jmp(done);
    s.bind(plain);
    if is_min {
        s.inst(fp.op(SseOp::Minss, SseOp::Minsd, lhs, dst));
    } else {
        s.inst(fp.op(SseOp::Maxss, SseOp::Maxsd, lhs, dst));
    }
    s.bind(done);
    s.finish(sink);
}

/// Registers and flavour of one float-to-integer conversion.
pub(crate) struct FloatToInt {
    pub double: bool,
    pub dst_size: OperandSize,
    pub signed: bool,
    pub saturating: bool,
    pub src: Reg,
    pub dst: Reg,
    pub tmp_gpr: Reg,
    pub tmp_xmm: Reg,
}

pub(crate) fn emit_float_to_int(sink: &mut impl CodeSink<LabelUse>, c: &FloatToInt) {
    let mut s = Seq::default();
    match (c.dst_size, c.signed) {
        (OperandSize::S64, true) => to_i64(&mut s, c),
        (OperandSize::S64, false) => to_u64(&mut s, c),
        _ => to_32(&mut s, c),
    }
    s.finish(sink);
}

/// The NaN exit: trap, or 0.
fn nan_exit(s: &mut Seq, c: &FloatToInt) {
    if c.saturating {
        s.inst(set(c.dst, 0));
    } else {
        s.trap(TrapCode::BAD_CONVERSION_TO_INTEGER);
    }
}

fn to_32(s: &mut Seq, c: &FloatToInt) {
    let fp = Fp { double: c.double };
    let (ovf, nan, done) = (s.label(), s.label(), s.label());
    s.inst(fp.ucomi(c.src, c.src));
    s.jcc(CC::P, nan);
    s.inst(fp.cvtt(c.src, c.dst, OperandSize::S64));
    let w = Writable::from_reg;
    if c.signed {
        // In range iff the 64-bit result is the sign extension of its low half.
        s.inst(Inst::MovsxRmR {
            ext: ExtMode::LQ,
            src: RegMem::Reg(c.dst),
            dst: w(c.tmp_gpr),
        });
        s.inst(Inst::CmpRmiR {
            size: OperandSize::S64,
            op: CmpOp::Cmp,
            src1: c.tmp_gpr,
            src2: RegMemImm::Reg(c.dst),
        });
    } else {
        // In range iff the upper half is zero (negative results have it set).
        s.inst(Inst::MovRR {
            size: OperandSize::S64,
            src: c.dst,
            dst: w(c.tmp_gpr),
        });
        let by = ShiftBy::Imm(ShiftImm::maybe_from_u64(32, 64).expect("32 < 64"));
        s.inst(Inst::Shift {
            size: OperandSize::S64,
            kind: ShiftKind::Shr,
            src: c.tmp_gpr,
            by,
            dst: w(c.tmp_gpr),
        });
    }
    s.jcc(CC::NZ, ovf);
    s.jmp(done);
    s.bind(ovf);
    if c.saturating {
        let (min, max) = if c.signed {
            (i32::MIN as u32, i32::MAX as u32)
        } else {
            (0, u32::MAX)
        };
        clamp_by_sign(s, &fp, c, u64::from(min), u64::from(max), done);
    } else {
        s.trap(TrapCode::INTEGER_OVERFLOW);
    }
    s.bind(nan);
    nan_exit(s, c);
    s.bind(done);
}

/// Out of range: `dst = src > 0 ? max : min`, then jump to `done`.
fn clamp_by_sign(
    s: &mut Seq,
    fp: &Fp,
    c: &FloatToInt,
    min: u64,
    max: u64,
    done: super::seq::SeqLabel,
) {
    let pos = s.label();
    s.inst(fp.zero(c.tmp_xmm));
    s.inst(fp.ucomi(c.src, c.tmp_xmm));
    s.jcc(CC::NBE, pos);
    s.inst(set(c.dst, min));
    s.jmp(done);
    s.bind(pos);
    s.inst(set(c.dst, max));
    s.jmp(done);
}

fn to_i64(s: &mut Seq, c: &FloatToInt) {
    let fp = Fp { double: c.double };
    let (nan, done) = (s.label(), s.label());
    s.inst(fp.cvtt(c.src, c.dst, OperandSize::S64));
    // `dst - 1` overflows only for INT64_MIN, the indefinite value.
    s.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Cmp,
        src1: c.dst,
        src2: RegMemImm::Imm(Simm32::from_i32(1)),
    });
    s.jcc(CC::NO, done);
    s.inst(fp.ucomi(c.src, c.src));
    s.jcc(CC::P, nan);
    if c.saturating {
        // Negative overflow already reads INT64_MIN; positive overflow becomes MAX.
        s.inst(fp.zero(c.tmp_xmm));
        s.inst(fp.ucomi(c.src, c.tmp_xmm));
        s.jcc(CC::BE, done);
        s.inst(set(c.dst, i64::MAX as u64));
        s.jmp(done);
    } else {
        let ovf = s.label();
        // Valid only for src in [-2^63, 0] here (truncating to exactly INT64_MIN).
        fp.constant(s, -(2f64.powi(63)), c.tmp_gpr, c.tmp_xmm);
        s.inst(fp.ucomi(c.src, c.tmp_xmm));
        s.jcc(CC::B, ovf);
        s.inst(fp.zero(c.tmp_xmm));
        s.inst(fp.ucomi(c.src, c.tmp_xmm));
        s.jcc(CC::BE, done);
        s.bind(ovf);
        s.trap(TrapCode::INTEGER_OVERFLOW);
    }
    s.bind(nan);
    nan_exit(s, c);
    s.bind(done);
}

fn to_u64(s: &mut Seq, c: &FloatToInt) {
    let fp = Fp { double: c.double };
    let (big, neg, too_big, nan, done) = (s.label(), s.label(), s.label(), s.label(), s.label());
    let w = Writable::from_reg;
    s.inst(fp.ucomi(c.src, c.src));
    s.jcc(CC::P, nan);
    fp.constant(s, 2f64.powi(63), c.tmp_gpr, c.tmp_xmm);
    s.inst(fp.ucomi(c.src, c.tmp_xmm));
    s.jcc(CC::NB, big);
    // src < 2^63: direct; a negative result means src <= -1.
    s.inst(fp.cvtt(c.src, c.dst, OperandSize::S64));
    s.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Test,
        src1: c.dst,
        src2: RegMemImm::Reg(c.dst),
    });
    s.jcc(CC::S, neg);
    s.jmp(done);
    // src >= 2^63: convert -(src - 2^63) = 2^63 - src, exact for src <= 2^64.
    s.bind(big);
    s.inst(fp.op(SseOp::Subss, SseOp::Subsd, c.src, c.tmp_xmm));
    s.inst(fp.cvtt(c.tmp_xmm, c.dst, OperandSize::S64));
    s.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Cmp,
        src1: c.dst,
        src2: RegMemImm::Imm(Simm32::from_i32(1)),
    });
    s.jcc(CC::O, too_big);
    s.inst(Inst::Unary {
        size: OperandSize::S64,
        op: crate::inst::UnaryOp::Neg,
        src: c.dst,
        dst: w(c.dst),
    });
    s.inst(set(c.tmp_gpr, 1 << 63));
    s.inst(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::Or,
        src1: c.dst,
        src2: RegMemImm::Reg(c.tmp_gpr),
        dst: w(c.dst),
    });
    s.jmp(done);
    if c.saturating {
        s.bind(neg);
        s.inst(set(c.dst, 0));
        s.jmp(done);
        s.bind(too_big);
        s.inst(set(c.dst, u64::MAX));
        s.jmp(done);
    } else {
        s.bind(neg);
        s.bind(too_big);
        s.trap(TrapCode::INTEGER_OVERFLOW);
    }
    s.bind(nan);
    nan_exit(s, c);
    s.bind(done);
}

/// Unsigned 64-bit `src` to float: direct when the sign bit is clear; otherwise halve
/// (keeping the low bit, so rounding stays correct), convert and double.
pub(crate) fn emit_u64_to_float(
    sink: &mut impl CodeSink<LabelUse>,
    double: bool,
    src: Reg,
    dst: Reg,
    tmp1: Reg,
    tmp2: Reg,
) {
    let fp = Fp { double };
    let op = if double {
        GprToXmmOp::Cvtsi2sd
    } else {
        GprToXmmOp::Cvtsi2ss
    };
    let w = Writable::from_reg;
    let mut s = Seq::default();
    let (big, done) = (s.label(), s.label());
    s.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Test,
        src1: src,
        src2: RegMemImm::Reg(src),
    });
    s.jcc(CC::S, big);
    s.inst(Inst::GprToXmm {
        op,
        src: RegMem::Reg(src),
        src_size: OperandSize::S64,
        dst: w(dst),
    });
    s.jmp(done);
    s.bind(big);
    s.inst(Inst::MovRR {
        size: OperandSize::S64,
        src,
        dst: w(tmp1),
    });
    let one = ShiftBy::Imm(ShiftImm::maybe_from_u64(1, 64).expect("1 < 64"));
    s.inst(Inst::Shift {
        size: OperandSize::S64,
        kind: ShiftKind::Shr,
        src: tmp1,
        by: one,
        dst: w(tmp1),
    });
    s.inst(Inst::MovRR {
        size: OperandSize::S64,
        src,
        dst: w(tmp2),
    });
    s.inst(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::And,
        src1: tmp2,
        src2: RegMemImm::Imm(Simm32::from_i32(1)),
        dst: w(tmp2),
    });
    s.inst(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::Or,
        src1: tmp1,
        src2: RegMemImm::Reg(tmp2),
        dst: w(tmp1),
    });
    s.inst(Inst::GprToXmm {
        op,
        src: RegMem::Reg(tmp1),
        src_size: OperandSize::S64,
        dst: w(dst),
    });
    s.inst(fp.op(SseOp::Addss, SseOp::Addsd, dst, dst));
    s.bind(done);
    s.finish(sink);
}

/// Registers and mode of a rounding sequence for CPUs without SSE4.1's `roundss`.
pub(crate) struct RoundSeq {
    pub mode: RoundImm,
    pub double: bool,
    pub src: Reg,
    pub dst: Reg,
    pub tmp_gpr: Reg,
    pub tmp_xmm: Reg,
}

/// Round without SSE4.1. Values with `|x| >= 2^23` (f32) / `2^52` (f64) are already
/// integers (or infinite or NaN) and pass through as `x + 0.0`, which quiets a
/// signalling NaN. Smaller ones: nearest-even adds and subtracts that power of two
/// to `|x|` (the FPU's default rounding does the rest); the others truncate through
/// a 64-bit integer and step by one for floor/ceil. Every rounded value has the sign
/// of `x` (`ceil(-0.5) = -0`), so the sign bit of `x` is OR-ed in at the end.
pub(crate) fn emit_round_seq(sink: &mut impl CodeSink<LabelUse>, r: &RoundSeq) {
    let fp = Fp { double: r.double };
    let w = Writable::from_reg;
    let (limit, sign_mask) = if r.double {
        (2f64.powi(52), 1u64 << 63)
    } else {
        (2f64.powi(23), 1u64 << 31)
    };
    let mut s = Seq::default();
    let (small, done) = (s.label(), s.label());
    // tmp_xmm = |x|, dst = limit.
    fp.mask(&mut s, !sign_mask & fp.all_ones(), r.tmp_gpr, r.tmp_xmm);
    s.inst(Inst::XmmRmR {
        op: SseOp::Andps,
        src1: r.tmp_xmm,
        src2: RegMem::Reg(r.src),
        dst: w(r.tmp_xmm),
    });
    fp.constant(&mut s, limit, r.tmp_gpr, r.dst);
    // `limit > |x|` is false for NaN (unordered), which takes the pass-through path.
    s.inst(fp.ucomi(r.dst, r.tmp_xmm));
    s.jcc(CC::NBE, small);
    s.inst(Inst::XmmUnaryRmR {
        op: SseOp::Movaps,
        src: RegMem::Reg(r.src),
        dst: w(r.dst),
    });
    s.inst(fp.zero(r.tmp_xmm));
    s.inst(fp.op(SseOp::Addss, SseOp::Addsd, r.tmp_xmm, r.dst));
    s.jmp(done);
    s.bind(small);
    if r.mode == RoundImm::Nearest {
        s.inst(fp.op(SseOp::Addss, SseOp::Addsd, r.dst, r.tmp_xmm));
        s.inst(fp.op(SseOp::Subss, SseOp::Subsd, r.dst, r.tmp_xmm));
        s.inst(Inst::XmmUnaryRmR {
            op: SseOp::Movaps,
            src: RegMem::Reg(r.tmp_xmm),
            dst: w(r.dst),
        });
    } else {
        let cvt = if r.double {
            GprToXmmOp::Cvtsi2sd
        } else {
            GprToXmmOp::Cvtsi2ss
        };
        s.inst(fp.cvtt(r.src, r.tmp_gpr, OperandSize::S64));
        s.inst(Inst::GprToXmm {
            op: cvt,
            src: RegMem::Reg(r.tmp_gpr),
            src_size: OperandSize::S64,
            dst: w(r.dst),
        });
        let step = s.label();
        match r.mode {
            // floor: one less when truncation went up (negative non-integers).
            RoundImm::Floor => {
                s.inst(fp.ucomi(r.dst, r.src));
                s.jcc(CC::BE, step);
                fp.constant(&mut s, 1.0, r.tmp_gpr, r.tmp_xmm);
                s.inst(fp.op(SseOp::Subss, SseOp::Subsd, r.tmp_xmm, r.dst));
            }
            // ceil: one more when truncation went down (positive non-integers).
            RoundImm::Ceil => {
                s.inst(fp.ucomi(r.src, r.dst));
                s.jcc(CC::BE, step);
                fp.constant(&mut s, 1.0, r.tmp_gpr, r.tmp_xmm);
                s.inst(fp.op(SseOp::Addss, SseOp::Addsd, r.tmp_xmm, r.dst));
            }
            RoundImm::Trunc | RoundImm::Nearest => {}
        }
        s.bind(step);
    }
    fp.mask(&mut s, sign_mask, r.tmp_gpr, r.tmp_xmm);
    s.inst(Inst::XmmRmR {
        op: SseOp::Andps,
        src1: r.tmp_xmm,
        src2: RegMem::Reg(r.src),
        dst: w(r.tmp_xmm),
    });
    s.inst(Inst::XmmRmR {
        op: SseOp::Orps,
        src1: r.dst,
        src2: RegMem::Reg(r.tmp_xmm),
        dst: w(r.dst),
    });
    s.bind(done);
    s.finish(sink);
}
