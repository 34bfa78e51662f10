//! Expansions of the wasm-semantics pseudo-instructions into ordinary instructions.
//! Emission and printing both go through these, so the printed text is exactly what
//! is encoded (and what the llvm-mc differential test assembles).
//!
//! Both sequences are straight-line (conditional execution and `TrapIf`'s skip only),
//! so an island can never split them, and they use only the registers they name.

use atoll_codegen::ir::TrapCode;
use smallvec::{smallvec, SmallVec};

use super::*;

/// Bit 0 of FPSCR: IOC, the cumulative invalid-operation flag.
const FPSCR_IOC: u32 = 1;

impl Inst {
    /// The ordinary instructions a pseudo-instruction stands for (`SpLoad`, `SpStore`,
    /// `FpuMinMax`, `FpuToIntChecked`); `None` for everything else.
    pub fn expand(&self) -> Option<SmallVec<[Inst; 12]>> {
        Some(match *self {
            Inst::SpLoad { rt, class, offset } => {
                Inst::gen_load_sp(rt, class, offset).into_iter().collect()
            }
            Inst::SpStore { rt, class, offset } => {
                Inst::gen_store_sp(rt, class, offset).into_iter().collect()
            }
            Inst::FpuMinMax {
                max,
                size,
                rd,
                rn,
                rm,
            } => {
                debug_assert!(
                    rd.to_reg() != rn && rd.to_reg() != rm,
                    "fmin/fmax destination aliases an input"
                );
                Inst::expand_fpu_min_max(max, size, rd, rn, rm)
                    .into_iter()
                    .collect()
            }
            Inst::FpuToIntChecked {
                signed,
                size,
                rd,
                rm,
                tmp,
                scratch,
            } => Inst::expand_fpu_to_int_checked(signed, size, rd, rm, tmp, scratch),
            Inst::FpuLoadConst {
                size,
                rd,
                bits,
                scratch,
            } => Inst::expand_fpu_load_const(size, rd, bits, scratch),
            _ => return None,
        })
    }

    /// Wasm `fmin`/`fmax` on `rn`, `rm` into `rd` (which must differ from both):
    ///
    /// ```text
    /// vcmp rn, rm ; vmrs           unordered / lt / eq / gt
    /// vmov rd, rn                  equal non-zero operands: either one
    /// vmovgt rd, rm   (max: lt)    the smaller (larger) one
    /// vaddvs rd, rn, rm            a NaN operand: a NaN
    /// vcmpeq rn, #0 ; vmrs         equal and zero: +0/-0 in some order
    /// min: vnegeq rd, rn ; vsubeq rd, rd, rm ; vnegeq rd, rd   = -((-rn) - rm)
    /// max: vaddeq rd, rn, rm
    /// ```
    /// With round-to-nearest, `x + y` of two zeros is `-0` only when both are, and
    /// `-((-x) - y)` is `-0` when either is: exactly max and min on signed zeros.
    pub fn expand_fpu_min_max(
        max: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    ) -> SmallVec<[Inst; 10]> {
        let rr = |op, cond, rd, rm| Inst::FpuRR {
            op,
            size,
            cond,
            rd,
            rm,
        };
        let rrr = |op, cond, rd, rn, rm| Inst::FpuRRR {
            op,
            size,
            cond,
            rd,
            rn,
            rm,
        };
        let d = rd.to_reg();
        let mut out: SmallVec<[Inst; 10]> = smallvec![
            Inst::FpuCmp {
                size,
                cond: Cond::Al,
                signal_nan: false,
                rn,
                rm: Some(rm)
            },
            Inst::FpuToFlags,
            rr(FpuOp1::Mov, Cond::Al, rd, rn),
            rr(FpuOp1::Mov, if max { Cond::Lt } else { Cond::Gt }, rd, rm),
            rrr(FpuOp2::Add, Cond::Vs, rd, rn, rm),
            Inst::FpuCmp {
                size,
                cond: Cond::Eq,
                signal_nan: false,
                rn,
                rm: None
            },
            Inst::FpuToFlags,
        ];
        if max {
            out.push(rrr(FpuOp2::Add, Cond::Eq, rd, rn, rm));
        } else {
            out.push(rr(FpuOp1::Neg, Cond::Eq, rd, rn));
            out.push(rrr(FpuOp2::Sub, Cond::Eq, rd, d, rm));
            out.push(rr(FpuOp1::Neg, Cond::Eq, rd, d));
        }
        out
    }

    /// A float constant in `rd`, through integer `scratch` when `vmov` has no
    /// immediate for it (zero, most values):
    ///
    /// ```text
    /// f32: vmov.f32 sN, #imm   |  mov/movw/movt scratch, #bits ; vmov sN, scratch
    /// f64: vmov.f64 dN, #imm   |  scratch = low word ; vmov.32 dN[0], scratch ;
    ///                             scratch = high word (skipped if equal) ; vmov.32 dN[1], scratch
    /// ```
    pub fn expand_fpu_load_const(
        size: FpSize,
        rd: Writable<Reg>,
        bits: u64,
        scratch: Writable<Reg>,
    ) -> SmallVec<[Inst; 12]> {
        let imm = match size {
            FpSize::F32 => crate::imms::VfpImm8::maybe_from_f32(f32::from_bits(bits as u32)),
            FpSize::F64 => crate::imms::VfpImm8::maybe_from_f64(f64::from_bits(bits)),
        };
        if let Some(imm) = imm {
            return smallvec![Inst::FpuMovImm {
                size,
                cond: Cond::Al,
                rd,
                imm
            }];
        }
        let s = scratch.to_reg();
        let (lo, hi) = (bits as u32, (bits >> 32) as u32);
        if size == FpSize::F32 {
            return smallvec![
                Inst::LoadConst32 {
                    rd: scratch,
                    value: lo
                },
                Inst::MovToFpu { rd, rn: s }
            ];
        }
        let mut out: SmallVec<[Inst; 12]> = smallvec![
            Inst::LoadConst32 {
                rd: scratch,
                value: lo
            },
            Inst::MovToFpuLane { rd, lane: 0, rn: s }
        ];
        if hi != lo {
            out.push(Inst::LoadConst32 {
                rd: scratch,
                value: hi,
            });
        }
        out.push(Inst::MovToFpuLane { rd, lane: 1, rn: s });
        out
    }

    /// Wasm trapping conversion of float `rm` (of `size`) to a 32-bit integer in `rd`:
    ///
    /// ```text
    /// vcmp rm, rm ; vmrs ; bvc +0 ; udf        NaN: bad_toint
    /// vmrs scratch, fpscr ; bic scratch, scratch, #1 ; vmsr fpscr, scratch
    /// vcvt.{s,u}32 tmp, rm                     round toward zero, saturating
    /// vmrs scratch, fpscr ; tst scratch, #1 ; beq +0 ; udf   out of range: int_ovf
    /// vmov rd, tmp
    /// ```
    /// `vcvt` sets the cumulative invalid-operation flag (IOC) exactly when the
    /// truncated value does not fit, so clearing it first and testing it after gives
    /// wasm's range check with no float constants.
    pub fn expand_fpu_to_int_checked(
        signed: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rm: Reg,
        tmp: Writable<Reg>,
        scratch: Writable<Reg>,
    ) -> SmallVec<[Inst; 12]> {
        let op = match (signed, size) {
            (true, FpSize::F32) => FpuCvt::F32ToS32,
            (false, FpSize::F32) => FpuCvt::F32ToU32,
            (true, FpSize::F64) => FpuCvt::F64ToS32,
            (false, FpSize::F64) => FpuCvt::F64ToU32,
        };
        let ioc = Operand2::Imm(
            crate::imms::ModImm::maybe_from_u32(FPSCR_IOC).unwrap_or_else(ModImm::zero),
        );
        let s = scratch.to_reg();
        smallvec![
            Inst::FpuCmp {
                size,
                cond: Cond::Al,
                signal_nan: false,
                rn: rm,
                rm: Some(rm)
            },
            Inst::FpuToFlags,
            Inst::TrapIf {
                cond: Cond::Vs,
                code: TrapCode::BAD_CONVERSION_TO_INTEGER
            },
            Inst::FpscrRead { rd: scratch },
            Inst::Alu {
                op: AluOp::Bic,
                s: false,
                cond: Cond::Al,
                rd: scratch,
                rn: s,
                op2: ioc
            },
            Inst::FpscrWrite { rn: s },
            Inst::FpuCvt { op, rd: tmp, rm },
            Inst::FpscrRead { rd: scratch },
            Inst::Cmp {
                op: CmpOp::Tst,
                cond: Cond::Al,
                rn: s,
                op2: ioc
            },
            Inst::TrapIf {
                cond: Cond::Ne,
                code: TrapCode::INTEGER_OVERFLOW
            },
            Inst::MovFromFpu {
                rd,
                rn: tmp.to_reg()
            },
        ]
    }
}
