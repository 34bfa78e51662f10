//! Differential property test: random instructions (every non-label form, random
//! registers, conditions, immediates and addressing modes) are printed, assembled by
//! `llvm-mc-14 -triple=armv7a-linux-gnueabihf -mattr=+fp-armv8,+hwdiv-arm -show-encoding`
//! in one batch per case (`+fp-armv8` is a superset of VFPv3 that also accepts the
//! `has_v8` forms), and LLVM's bytes must equal our encoder's. This checks the
//! encoder and the printer together: a printer bug makes LLVM assemble something else.
//!
//! Generated operands avoid the UNPREDICTABLE combinations lowering never builds
//! (writeback with the base equal to the transfer register, `pc` as an operand,
//! `umull` with equal halves). A missing `llvm-mc-14` fails the test with the Debian
//! package name.

use std::io::Write;
use std::process::{Command, Stdio};

use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, RegClass, Writable};
use atoll_codegen::testing::RecordingSink;
use atoll_isa_arm32::imms::{ModImm, Off12, Off8, ShiftAmt, VfpImm8, VfpOff};
use atoll_isa_arm32::inst::*;
use atoll_isa_arm32::regs::{dreg, rreg, sp, sreg, writable};
use atoll_isa_arm32::{EmitState, LabelUse};
use proptest::prelude::*;

const CONDS: [Cond; 15] = [
    Cond::Eq,
    Cond::Ne,
    Cond::Hs,
    Cond::Lo,
    Cond::Mi,
    Cond::Pl,
    Cond::Vs,
    Cond::Vc,
    Cond::Hi,
    Cond::Ls,
    Cond::Ge,
    Cond::Lt,
    Cond::Gt,
    Cond::Le,
    Cond::Al,
];

fn cond() -> impl Strategy<Value = Cond> {
    prop::sample::select(&CONDS[..])
}

fn cond_not_al() -> impl Strategy<Value = Cond> {
    prop::sample::select(&CONDS[..14])
}

/// r0–r12.
fn gpr() -> impl Strategy<Value = u8> {
    0u8..13
}

fn r(n: u8) -> Reg {
    rreg(n)
}

fn w(n: u8) -> Writable<Reg> {
    writable(rreg(n))
}

fn shift_kind() -> impl Strategy<Value = ShiftKind> {
    prop::sample::select(vec![
        ShiftKind::Lsl,
        ShiftKind::Lsr,
        ShiftKind::Asr,
        ShiftKind::Ror,
    ])
}

fn shift_imm() -> impl Strategy<Value = (ShiftKind, ShiftAmt)> {
    (shift_kind(), 0u32..33).prop_filter_map("valid amount", |(k, a)| {
        ShiftAmt::maybe_from_u32(k, a).map(|s| (k, s))
    })
}

fn mod_imm() -> impl Strategy<Value = ModImm> {
    (any::<u8>(), 0u32..16)
        .prop_map(|(b, rot)| ModImm::maybe_from_u32((b as u32).rotate_right(2 * rot)).unwrap())
}

fn op2() -> impl Strategy<Value = Operand2> {
    prop_oneof![
        mod_imm().prop_map(Operand2::Imm),
        gpr().prop_map(|n| Operand2::Reg(r(n))),
        (gpr(), shift_imm()).prop_map(|(n, (k, a))| Operand2::RegShiftImm(r(n), k, a)),
        (gpr(), shift_kind(), gpr()).prop_map(|(n, k, s)| Operand2::RegShiftReg(r(n), k, r(s))),
    ]
}

fn alu_op() -> impl Strategy<Value = AluOp> {
    use AluOp::*;
    prop::sample::select(vec![And, Eor, Sub, Rsb, Add, Adc, Sbc, Rsc, Orr, Bic])
}

fn integer() -> impl Strategy<Value = Inst> {
    prop_oneof![
        (alu_op(), any::<bool>(), cond(), gpr(), gpr(), op2()).prop_map(
            |(op, s, cond, rd, rn, op2)| Inst::Alu {
                op,
                s,
                cond,
                rd: w(rd),
                rn: r(rn),
                op2
            }
        ),
        (
            prop::sample::select(vec![CmpOp::Tst, CmpOp::Teq, CmpOp::Cmp, CmpOp::Cmn]),
            cond(),
            gpr(),
            op2()
        )
            .prop_map(|(op, cond, rn, op2)| Inst::Cmp {
                op,
                cond,
                rn: r(rn),
                op2
            }),
        (any::<bool>(), any::<bool>(), cond(), gpr(), op2()).prop_map(|(not, s, cond, rd, op2)| {
            Inst::Mov {
                not,
                s,
                cond,
                rd: w(rd),
                op2,
            }
        }),
        (any::<bool>(), cond(), gpr(), any::<u16>()).prop_map(|(top, cond, rd, imm)| {
            Inst::MovWide {
                top,
                cond,
                rd: w(rd),
                imm,
            }
        }),
        (gpr(), any::<u32>()).prop_map(|(rd, value)| Inst::LoadConst32 { rd: w(rd), value }),
        (cond_not_al(), gpr(), gpr()).prop_map(|(cond, rd, rn)| Inst::CSel {
            cond,
            rd: w(rd),
            rn: r(rn),
            rm: r(rd)
        }),
        (cond_not_al(), gpr()).prop_map(|(cond, rd)| Inst::CSet { cond, rd: w(rd) }),
        (
            prop::sample::select(vec![MulOp::Mul, MulOp::Mla, MulOp::Mls]),
            gpr(),
            gpr(),
            gpr(),
            gpr()
        )
            .prop_map(|(op, rd, rn, rm, ra)| Inst::Mul {
                op,
                rd: w(rd),
                rn: r(rn),
                rm: r(rm),
                ra: r(ra)
            }),
        (any::<bool>(), gpr(), gpr(), gpr(), gpr()).prop_filter_map(
            "distinct halves",
            |(signed, lo, hi, rn, rm)| {
                (lo != hi).then(|| Inst::MulLong {
                    signed,
                    rd_lo: w(lo),
                    rd_hi: w(hi),
                    rn: r(rn),
                    rm: r(rm),
                })
            }
        ),
        (any::<bool>(), gpr(), gpr(), gpr()).prop_map(|(signed, rd, rn, rm)| Inst::Div {
            signed,
            rd: w(rd),
            rn: r(rn),
            rm: r(rm)
        }),
        (
            prop::sample::select(vec![BitOp::Clz, BitOp::Rbit, BitOp::Rev, BitOp::Rev16]),
            gpr(),
            gpr()
        )
            .prop_map(|(op, rd, rm)| Inst::Bit {
                op,
                rd: w(rd),
                rm: r(rm)
            }),
        (
            prop::sample::select(vec![
                ExtendOp::Uxtb,
                ExtendOp::Uxth,
                ExtendOp::Sxtb,
                ExtendOp::Sxth
            ]),
            gpr(),
            gpr()
        )
            .prop_map(|(op, rd, rm)| Inst::Extend {
                op,
                rd: w(rd),
                rm: r(rm)
            }),
    ]
}

/// Base register: r0–r12 or sp (14 stands for sp).
fn base() -> impl Strategy<Value = Reg> {
    (0u8..14).prop_map(|n| if n == 13 { sp() } else { r(n) })
}

/// Base of a writeback form: r0–r12 except the transfer register (UNPREDICTABLE).
fn writeback_base(rt: u8) -> impl Strategy<Value = Reg> + Clone {
    (0u8..13)
        .prop_filter("base differs from rt", move |n| *n != rt)
        .prop_map(r)
}

fn amode(rt: u8) -> impl Strategy<Value = AMode> {
    let off = (-4095i64..=4095).prop_map(|o| Off12::maybe_from_i64(o).unwrap());
    let wb_base = writeback_base(rt);
    prop_oneof![
        (base(), off.clone()).prop_map(|(rn, off)| AMode::Offset { rn, off }),
        (base(), gpr(), any::<bool>(), 0u32..32).prop_map(|(rn, rm, sub, s)| AMode::RegOffset {
            rn,
            index: IndexReg {
                rm: r(rm),
                sub,
                shift: ShiftAmt::maybe_from_u32(ShiftKind::Lsl, s).unwrap()
            }
        }),
        (wb_base.clone(), off.clone()).prop_map(|(rn, off)| AMode::PreIndex { rn, off }),
        (wb_base, off).prop_map(|(rn, off)| AMode::PostIndex { rn, off }),
    ]
}

fn amode_extra(rt: u8) -> impl Strategy<Value = AModeExtra> {
    let off = (-255i64..=255).prop_map(|o| Off8::maybe_from_i64(o).unwrap());
    let wb_base = writeback_base(rt);
    prop_oneof![
        (base(), off.clone()).prop_map(|(rn, off)| AModeExtra::Offset { rn, off }),
        (base(), gpr(), any::<bool>()).prop_map(|(rn, rm, sub)| AModeExtra::RegOffset {
            rn,
            rm: r(rm),
            sub
        }),
        (wb_base.clone(), off.clone()).prop_map(|(rn, off)| AModeExtra::PreIndex { rn, off }),
        (wb_base, off).prop_map(|(rn, off)| AModeExtra::PostIndex { rn, off }),
    ]
}

fn memory() -> impl Strategy<Value = Inst> {
    let width = prop::sample::select(vec![WordByte::Word, WordByte::Byte]);
    let kind = prop::sample::select(vec![
        LoadExtraKind::Ldrh,
        LoadExtraKind::Ldrsb,
        LoadExtraKind::Ldrsh,
    ]);
    prop_oneof![
        (width.clone(), gpr()).prop_flat_map(|(width, rt)| amode(rt).prop_map(move |mem| {
            Inst::Load {
                width,
                rt: w(rt),
                mem,
            }
        })),
        (width, gpr()).prop_flat_map(|(width, rt)| amode(rt).prop_map(move |mem| Inst::Store {
            width,
            rt: r(rt),
            mem
        })),
        (kind, gpr()).prop_flat_map(|(kind, rt)| amode_extra(rt).prop_map(move |mem| {
            Inst::LoadExtra {
                kind,
                rt: w(rt),
                mem,
            }
        })),
        gpr().prop_flat_map(
            |rt| amode_extra(rt).prop_map(move |mem| Inst::StoreHalf { rt: r(rt), mem })
        ),
        (gpr(), any::<bool>(), any::<u32>()).prop_map(|(rt, float, offset)| {
            let (class, rt, offset) = if float {
                (RegClass::Float, dreg(rt), offset & !3)
            } else {
                (RegClass::Int, r(rt), offset)
            };
            Inst::SpLoad {
                rt: writable(rt),
                class,
                offset,
            }
        }),
        // Not r12: a far store computes its address in ip.
        (0u8..12, any::<bool>(), any::<u32>()).prop_map(|(rt, float, offset)| {
            let (class, rt, offset) = if float {
                (RegClass::Float, dreg(rt), offset & !3)
            } else {
                (RegClass::Int, r(rt), offset)
            };
            Inst::SpStore { rt, class, offset }
        }),
        (1u16..0x2000, any::<bool>()).prop_map(|(m, lr)| Inst::Push {
            regs: m | ((lr as u16) << 14)
        }),
        (1u16..0x2000, any::<bool>()).prop_map(|(m, pc)| Inst::Pop {
            regs: m | ((pc as u16) << 15)
        }),
    ]
}

fn size() -> impl Strategy<Value = FpSize> {
    prop::sample::select(vec![FpSize::F32, FpSize::F64])
}

/// A float register usable in `size`'s view: any D register, or (for F32) any S.
fn freg(size: FpSize) -> BoxedStrategy<Reg> {
    match size {
        FpSize::F64 => (0u8..16).prop_map(dreg).boxed(),
        FpSize::F32 => prop_oneof![(0u8..16).prop_map(dreg), (0u8..32).prop_map(sreg)].boxed(),
    }
}

fn vfp() -> impl Strategy<Value = Inst> {
    use FpuCvt::*;
    let op2 = prop::sample::select(vec![FpuOp2::Add, FpuOp2::Sub, FpuOp2::Mul, FpuOp2::Div]);
    let op1 = prop::sample::select(vec![FpuOp1::Mov, FpuOp1::Abs, FpuOp1::Neg, FpuOp1::Sqrt]);
    let cvt = prop::sample::select(vec![
        F32ToF64, F64ToF32, S32ToF32, U32ToF32, S32ToF64, U32ToF64, F32ToS32, F32ToU32, F64ToS32,
        F64ToU32,
    ]);
    prop_oneof![
        (op2, size(), cond()).prop_flat_map(|(op, size, cond)| (
            freg(size),
            freg(size),
            freg(size)
        )
            .prop_map(move |(rd, rn, rm)| Inst::FpuRRR {
                op,
                size,
                cond,
                rd: writable(rd),
                rn,
                rm
            })),
        (op1, size(), cond()).prop_flat_map(|(op, size, cond)| (freg(size), freg(size)).prop_map(
            move |(rd, rm)| Inst::FpuRR {
                op,
                size,
                cond,
                rd: writable(rd),
                rm
            }
        )),
        (size(), cond_not_al()).prop_flat_map(|(size, cond)| (freg(size), freg(size)).prop_map(
            move |(rd, rn)| Inst::FpuCSel {
                size,
                cond,
                rd: writable(rd),
                rn,
                rm: rd
            }
        )),
        (size(), cond(), any::<bool>(), any::<bool>()).prop_flat_map(
            |(size, cond, signal_nan, zero)| (freg(size), freg(size)).prop_map(move |(rn, rm)| {
                Inst::FpuCmp {
                    size,
                    cond,
                    signal_nan,
                    rn,
                    rm: (!zero).then_some(rm),
                }
            })
        ),
        Just(Inst::FpuToFlags),
        (0u8..16, 0u8..2, gpr()).prop_map(|(d, lane, rn)| Inst::MovToFpuLane {
            rd: writable(dreg(d)),
            lane,
            rn: r(rn)
        }),
        (size(), any::<u64>(), any::<u8>(), gpr()).prop_flat_map(|(size, raw, imm, scratch)| {
            // Half the cases from the vmov-immediate set, half arbitrary bit patterns.
            let bits = match (size, raw & 1 == 0) {
                (FpSize::F64, true) => vfp_imm_value(imm).to_bits(),
                (FpSize::F32, true) => (vfp_imm_value(imm) as f32).to_bits() as u64,
                (FpSize::F64, false) => raw,
                (FpSize::F32, false) => raw >> 32,
            };
            freg(size).prop_map(move |rd| Inst::FpuLoadConst {
                size,
                rd: writable(rd),
                bits,
                scratch: w(scratch),
            })
        }),
        (any::<bool>(), size()).prop_flat_map(|(max, size)| (freg(size), freg(size), freg(size))
            .prop_filter("destination differs from inputs", |(rd, rn, rm)| rd != rn
                && rd != rm)
            .prop_map(move |(rd, rn, rm)| Inst::FpuMinMax {
                max,
                size,
                rd: writable(rd),
                rn,
                rm
            })),
        (any::<bool>(), size(), gpr(), 0u8..16, gpr()).prop_flat_map(
            |(signed, size, rd, tmp, scratch)| {
                freg(size).prop_map(move |rm| Inst::FpuToIntChecked {
                    signed,
                    size,
                    rd: w(rd),
                    rm,
                    tmp: writable(dreg(tmp)),
                    scratch: w(scratch),
                })
            }
        ),
        gpr().prop_map(|n| Inst::FpscrRead { rd: w(n) }),
        gpr().prop_map(|n| Inst::FpscrWrite { rn: r(n) }),
        (any::<bool>(), size()).prop_flat_map(|(signed, size)| (freg(FpSize::F32), freg(size))
            .prop_map(move |(rd, rm)| Inst::FpuCvtToIntRound {
                signed,
                size,
                rd: writable(rd),
                rm
            })),
        (round_mode(), size()).prop_flat_map(|(mode, size)| (freg(size), freg(size)).prop_map(
            move |(rd, rm)| Inst::FpuRound {
                mode,
                size,
                rd: writable(rd),
                rm
            }
        )),
        (any::<bool>(), size()).prop_flat_map(|(max, size)| (freg(size), freg(size), freg(size))
            .prop_map(move |(rd, rn, rm)| Inst::FpuMinMaxNm {
                max,
                size,
                rd: writable(rd),
                rn,
                rm
            })),
        cvt.prop_flat_map(|op| {
            let (dd, md) = match op {
                F32ToF64 | S32ToF64 | U32ToF64 => (true, false),
                F64ToF32 | F64ToS32 | F64ToU32 => (false, true),
                _ => (false, false),
            };
            let view = |d: bool| if d { FpSize::F64 } else { FpSize::F32 };
            (freg(view(dd)), freg(view(md))).prop_map(move |(rd, rm)| Inst::FpuCvt {
                op,
                rd: writable(rd),
                rm,
            })
        }),
        (size(), cond(), any::<u8>()).prop_flat_map(|(size, cond, b)| {
            let imm = VfpImm8::maybe_from_f64(vfp_imm_value(b)).unwrap();
            freg(size).prop_map(move |rd| Inst::FpuMovImm {
                size,
                cond,
                rd: writable(rd),
                imm,
            })
        }),
        (freg(FpSize::F32), gpr()).prop_map(|(rd, rn)| Inst::MovToFpu {
            rd: writable(rd),
            rn: r(rn)
        }),
        (gpr(), freg(FpSize::F32)).prop_map(|(rd, rn)| Inst::MovFromFpu { rd: w(rd), rn }),
        (0u8..16, gpr(), gpr()).prop_map(|(d, lo, hi)| Inst::MovToFpu64 {
            rd: writable(dreg(d)),
            lo: r(lo),
            hi: r(hi)
        }),
        (gpr(), gpr(), 0u8..16).prop_filter_map("distinct halves", |(lo, hi, d)| {
            (lo != hi).then(|| Inst::MovFromFpu64 {
                lo: w(lo),
                hi: w(hi),
                rn: dreg(d),
            })
        }),
        (size(), base(), -255i64..=255).prop_flat_map(|(size, rn, o)| {
            let off = VfpOff::maybe_from_i64(o * 4).unwrap();
            freg(size).prop_map(move |rd| Inst::FpuLoad {
                size,
                rd: writable(rd),
                mem: VfpAMode::Offset { rn, off },
            })
        }),
        (size(), base(), -255i64..=255).prop_flat_map(|(size, rn, o)| {
            let off = VfpOff::maybe_from_i64(o * 4).unwrap();
            freg(size).prop_map(move |rd| Inst::FpuStore {
                size,
                rd,
                mem: VfpAMode::Offset { rn, off },
            })
        }),
        (0u8..16)
            .prop_flat_map(|first| (Just(first), 1..=16 - first))
            .prop_map(|(first, count)| Inst::VPush { first, count }),
        (0u8..16)
            .prop_flat_map(|first| (Just(first), 1..=16 - first))
            .prop_map(|(first, count)| Inst::VPop { first, count }),
    ]
}

fn round_mode() -> impl Strategy<Value = RoundMode> {
    prop::sample::select(vec![
        RoundMode::Nearest,
        RoundMode::Floor,
        RoundMode::Ceil,
        RoundMode::Trunc,
    ])
}

/// The value of VFP immediate field `b`, computed independently of `VfpImm8`.
fn vfp_imm_value(b: u8) -> f64 {
    let sign = if b & 0x80 != 0 { -1.0 } else { 1.0 };
    let exp = if b & 0x40 != 0 {
        ((b >> 4) & 3) as i32 - 3
    } else {
        ((b >> 4) & 3) as i32 + 1
    };
    sign * (16.0 + (b & 0xf) as f64) / 16.0 * 2f64.powi(exp)
}

fn control() -> impl Strategy<Value = Inst> {
    prop_oneof![
        Just(Inst::Ret { rets: vec![] }),
        gpr().prop_map(|n| Inst::CallInd {
            rm: r(n),
            info: Default::default()
        }),
        gpr().prop_map(|n| Inst::IndirectBr { rm: r(n) }),
        Just(Inst::Udf {
            code: TrapCode::STACK_OVERFLOW
        }),
        cond_not_al().prop_map(|cond| Inst::TrapIf {
            cond,
            code: TrapCode::INTEGER_OVERFLOW
        }),
        Just(Inst::Nop),
    ]
}

fn inst() -> impl Strategy<Value = Inst> {
    prop_oneof![4 => integer(), 3 => memory(), 3 => vfp(), 1 => control()]
}

/// Assemble `text` with llvm-mc; one byte vector per output instruction.
fn llvm_mc(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut child = Command::new("llvm-mc-14")
        .args([
            "-triple=armv7a-linux-gnueabihf",
            "-mattr=+fp-armv8,+hwdiv-arm",
            "-show-encoding",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run llvm-mc-14 (Debian package `llvm-14`): {e}"))?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || stderr.contains("error") {
        return Err(format!("llvm-mc rejected the batch:\n{stderr}"));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once("@ encoding: [")
                .map(|(_, e)| e.trim_end_matches(']'))
        })
        .map(|e| {
            e.split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).unwrap())
                .collect()
        })
        .collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_instructions_match_llvm_mc(insts in prop::collection::vec(inst(), 1..150)) {
        let text: String = insts.iter().map(|i| i.print() + "\n").collect();
        let llvm = llvm_mc(&text).map_err(TestCaseError::fail)?;
        let mut next = 0;
        for i in &insts {
            let mut sink = RecordingSink::<LabelUse>::default();
            i.emit(&mut sink, &mut EmitState::default());
            let lines = i.print().lines().count();
            let expected: Vec<u8> = llvm[next..next + lines].concat();
            next += lines;
            prop_assert_eq!(&sink.bytes, &expected, "`{}` ({:?})", i.print(), i);
        }
        prop_assert_eq!(next, llvm.len());
    }
}
