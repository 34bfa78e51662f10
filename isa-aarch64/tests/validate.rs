//! `Inst::validate` and `emit` agree: on random instructions with one field made
//! invalid (an operation outside its form, the other operand size, a tied operand
//! in another register, a mismatched offset scale, a literal address on a store,
//! ...),
//! `validate` returns `Err` exactly when `emit` panics.

use std::panic::{catch_unwind, AssertUnwindSafe};

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::machinst::{Reg, RegClass, VReg, Writable, PINNED};
use atoll_codegen::testing::RecordingSink;
use atoll_isa_aarch64::imms::*;
use atoll_isa_aarch64::inst::*;
use atoll_isa_aarch64::regs::*;
use atoll_isa_aarch64::{EmitState, LabelUse};

mod common;
use common::{random_inst, w, Rng};

const ALL_OPS: [ALUOp; 19] = [
    ALUOp::Add,
    ALUOp::Sub,
    ALUOp::AddS,
    ALUOp::SubS,
    ALUOp::And,
    ALUOp::AndS,
    ALUOp::Orr,
    ALUOp::Eor,
    ALUOp::AndNot,
    ALUOp::OrrNot,
    ALUOp::EorNot,
    ALUOp::Lsl,
    ALUOp::Lsr,
    ALUOp::Asr,
    ALUOp::Ror,
    ALUOp::SDiv,
    ALUOp::UDiv,
    ALUOp::SMulH,
    ALUOp::UMulH,
];

/// Make one aspect of `inst` arbitrary (possibly invalid).
fn mutate(g: &mut Rng, mut inst: Inst) -> Inst {
    // (`sp`/`xzr` in the wrong slot needs no case: the types rule it out.)
    match g.below(3) {
        0 => {
            let op = g.pick(&ALL_OPS);
            let size = g.size();
            match &mut inst {
                Inst::AluRRR { op: o, size: s, .. } => {
                    *o = op;
                    *s = size;
                }
                Inst::AluRRImm12 { op: o, .. }
                | Inst::AluRRImm12S { op: o, .. }
                | Inst::AluRRRExtend { op: o, .. }
                | Inst::AluRRRExtendS { op: o, .. } => *o = op,
                Inst::AluRRImmLogicS { size: s, .. } => *s = size,
                Inst::AluRRImmLogic { op: o, size: s, .. } => {
                    *o = op;
                    *s = size;
                }
                Inst::AluRRRShift { op: o, shift, .. } => {
                    *o = op;
                    *shift = g.pick(&[ShiftOp::Lsl, ShiftOp::Lsr, ShiftOp::Asr, ShiftOp::Ror]);
                }
                Inst::AluRRRR { size: s, .. }
                | Inst::BitRR { size: s, .. }
                | Inst::MovWide { size: s, .. }
                | Inst::MovK { size: s, .. } => *s = size,
                Inst::Extend {
                    from_bits, to_bits, ..
                } => {
                    *from_bits = g.pick(&[8, 16, 32, 64]);
                    *to_bits = g.pick(&[8, 16, 32, 64]);
                }
                Inst::FpuSli { ri, .. } => *ri = vreg(g.below(32) as u8),
                _ => {}
            }
            inst
        }
        1 => {
            let mem = match g.below(3) {
                0 => AMode::Label {
                    label: MachLabel(0),
                },
                1 => AMode::UImm12 {
                    rn: RegOrSp::x(1),
                    uimm12: UImm12Scaled::zero(g.pick(&[1, 2, 4, 8, 16])),
                },
                _ => {
                    use ExtendOp::*;
                    let extend = g.pick(&[Uxtb, Uxth, Uxtw, Uxtx, Sxtb, Sxth, Sxtw, Sxtx]);
                    AMode::RegExtended {
                        rn: RegOrSp::x(2),
                        rm: xreg(3),
                        extend,
                        shifted: g.flip(),
                    }
                }
            };
            match &mut inst {
                Inst::Load { mem: m, .. } | Inst::Store { mem: m, .. } => *m = mem,
                _ => {}
            }
            inst
        }
        _ => match g.below(3) {
            0 => Inst::TestBitAndBranch {
                rn: g.zr_slot(),
                bit: g.below(72) as u8,
                nonzero: g.flip(),
                target: MachLabel(0),
            },
            1 => {
                let virt = Reg::from_virtual(VReg::new(PINNED + 5, RegClass::Int));
                let simm9 = SImm9::maybe_from_i64(8).unwrap();
                let rn = Writable::from_reg(RegOrSp::reg(virt).unwrap());
                let mem = if g.flip() {
                    AMode::PreIndexed { rn, simm9 }
                } else {
                    AMode::PostIndexed { rn, simm9 }
                };
                Inst::Load {
                    op: LoadOp::ULoad64,
                    rd: w(xreg(0)),
                    mem,
                }
            }
            _ => Inst::MovK {
                size: g.size(),
                rd: w(xreg(1)),
                rn: xreg(g.below(3) as u8),
                imm: MoveWideConst::maybe_from_u64(1).unwrap(),
            },
        },
    }
}

#[test]
fn validate_agrees_with_emit() {
    let mut g = Rng(0x5eed_1234_abcd_ef01);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..20_000 {
        let base = random_inst(&mut g);
        let inst = mutate(&mut g, base);
        let verdict = inst.validate();
        // Silence the expected panics, and only those.
        std::panic::set_hook(Box::new(|_| {}));
        let emitted = catch_unwind(AssertUnwindSafe(|| {
            let mut sink = RecordingSink::<LabelUse>::default();
            inst.emit(&mut sink, &mut EmitState::default());
        }));
        let _ = std::panic::take_hook();
        assert_eq!(
            verdict.is_ok(),
            emitted.is_ok(),
            "validate says {verdict:?} but emit {}: {inst:?}",
            if emitted.is_ok() {
                "succeeded"
            } else {
                "panicked"
            }
        );
        if verdict.is_ok() {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid > 5000 && invalid > 2000,
        "valid {valid}, invalid {invalid}"
    );
}
