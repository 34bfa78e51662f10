//! VCodeBuilder validation, and the emission driver's placement decisions
//! (prologue, epilogue before returns, dropped self-moves, cold blocks last,
//! callee-saved registers in the frame) on small hand-built functions.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::machinst::test_isa::{
    interpret_bytes, machine_env, preg, AluOp, TestAbi, TestInst, TestLabelUse,
};
use atoll_codegen::machinst::{
    emit_function, run_regalloc, ABIMachineSpec, ArgRegs, ArgRules, FrameLayout, FrameRequest,
    PReg, PRegSet, Reg, RegClass, RegallocConfig, RegallocError, SpillSlot, VCode, VCodeBuilder,
    VCodeError, Writable,
};

fn w(r: Reg) -> Writable<Reg> {
    Writable::from_reg(r)
}

fn ret(vals: Vec<Reg>) -> TestInst {
    TestInst::Ret { vals }
}

/// Each case builds a function with one mistake and expects the matching error.
#[test]
fn builder_errors() {
    type Build = fn(&mut VCodeBuilder<TestInst>) -> Result<(), VCodeError>;
    let cases: &[(&str, Build, VCodeError)] = &[
        ("no blocks", |_| Ok(()), VCodeError::NoBlocks),
        (
            "push with no block",
            |b| b.push(TestInst::Nop),
            VCodeError::NoOpenBlock,
        ),
        (
            "block left open",
            |b| {
                b.start_block(false)?;
                b.push(TestInst::Nop)
            },
            VCodeError::BlockStillOpen(0),
        ),
        (
            "empty block",
            |b| {
                b.start_block(false)?;
                b.end_block(&[])
            },
            VCodeError::MissingTerminator(0),
        ),
        (
            "no terminator",
            |b| {
                b.start_block(false)?;
                b.push(TestInst::Nop)?;
                b.end_block(&[])
            },
            VCodeError::MissingTerminator(0),
        ),
        (
            "terminator in the middle",
            |b| {
                b.start_block(false)?;
                b.push(ret(vec![]))?;
                b.push(ret(vec![]))?;
                b.end_block(&[])
            },
            VCodeError::TerminatorNotLast { block: 0, inst: 0 },
        ),
        (
            "return with successors",
            |b| {
                b.start_block(false)?;
                b.push(ret(vec![]))?;
                b.end_block(&[(0, &[])])
            },
            VCodeError::TerminatorMismatch(0),
        ),
        (
            "jump without successors",
            |b| {
                b.start_block(false)?;
                b.push(TestInst::Jump {
                    target: MachLabel(0),
                })?;
                b.end_block(&[])
            },
            VCodeError::TerminatorMismatch(0),
        ),
        (
            "successor out of range",
            |b| {
                b.start_block(false)?;
                b.push(TestInst::Jump {
                    target: MachLabel(3),
                })?;
                b.end_block(&[(3, &[])])
            },
            VCodeError::BadSuccessor { block: 0, succ: 3 },
        ),
        (
            "argument count",
            |b| {
                let v = b.alloc_vreg(RegClass::Int);
                b.start_block(false)?;
                b.push(TestInst::Imm {
                    dst: Writable::from_reg(v),
                    imm: 1,
                })?;
                b.push(TestInst::Jump {
                    target: MachLabel(1),
                })?;
                b.end_block(&[(1, &[v, v])])?;
                let p = b.alloc_vreg(RegClass::Int);
                b.start_block(false)?;
                b.add_block_param(p)?;
                b.push(ret(vec![]))?;
                b.end_block(&[])
            },
            VCodeError::BranchArgCount {
                block: 0,
                succ_idx: 0,
                expected: 1,
                got: 2,
            },
        ),
        (
            "real register as block parameter",
            |b| {
                b.start_block(false)?;
                b.add_block_param(Reg::from_real(preg(0)))
            },
            VCodeError::RealRegInBlockArgs(0),
        ),
    ];
    for (name, build, expected) in cases {
        let mut b = VCodeBuilder::<TestInst>::new();
        let got = build(&mut b).and_then(|()| b.finish().map(|_| ()));
        assert_eq!(got.unwrap_err(), *expected, "{name}");
    }
}

#[test]
fn allocatable_real_register_is_rejected() {
    // p1 is allocatable: instructions must ask for it with a fixed constraint.
    let mut b = VCodeBuilder::<TestInst>::new();
    b.start_block(false).unwrap();
    b.push(TestInst::Imm {
        dst: w(Reg::from_real(preg(1))),
        imm: 3,
    })
    .unwrap();
    b.push(ret(vec![])).unwrap();
    b.end_block(&[]).unwrap();
    let v = b.finish().unwrap();
    let err = run_regalloc(&v, &machine_env(true), &RegallocConfig::default()).unwrap_err();
    assert!(
        matches!(err, RegallocError::AllocatableRealReg { inst: 0, preg: p } if p == preg(1)),
        "{err}"
    );
}

/// An ABI with a visible prologue and epilogue and `p4`/`p5` callee-saved; `p7`
/// (never allocated) carries markers.
struct MarkerAbi;

const MARK_PROLOGUE: i32 = 111;
const MARK_EPILOGUE: i32 = 222;

impl ABIMachineSpec for MarkerAbi {
    type I = TestInst;
    fn word_bytes(&self) -> u32 {
        TestAbi.word_bytes()
    }
    fn stack_align(&self) -> u32 {
        TestAbi.stack_align()
    }
    fn arg_rules(&self) -> ArgRules {
        TestAbi.arg_rules()
    }
    fn arg_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &[],
            float: &[],
            vector: &[],
        }
    }
    fn ret_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &[],
            float: &[],
            vector: &[],
        }
    }
    fn callee_saved(&self) -> PRegSet {
        PRegSet::empty().with(preg(4)).with(preg(5))
    }
    fn clobber_save_bytes(&self, _reg: PReg) -> u32 {
        8
    }
    fn setup_area_size(&self) -> u32 {
        16
    }
    fn gen_prologue(&self, _frame: &FrameLayout, out: &mut Vec<TestInst>) {
        out.push(TestInst::Imm {
            dst: w(Reg::from_real(preg(7))),
            imm: MARK_PROLOGUE,
        });
    }
    fn gen_epilogue(&self, _frame: &FrameLayout, out: &mut Vec<TestInst>) {
        out.push(TestInst::Imm {
            dst: w(Reg::from_real(preg(7))),
            imm: MARK_EPILOGUE,
        });
    }
    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> TestInst {
        TestAbi.gen_spill(frame, slot, from)
    }
    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> TestInst {
        TestAbi.gen_reload(frame, to, slot)
    }
}

/// block0: args; v2 = v0 + v1; v3 = v2 (a move); brnz v2 -> block1 (cold), block2
/// block1 (cold): ret v3, v0
/// block2: v4 = imm 5; ret v4, v3
fn sample() -> VCode<TestInst> {
    let mut b = VCodeBuilder::<TestInst>::new();
    let r = |b: &mut VCodeBuilder<TestInst>| b.alloc_vreg(RegClass::Int);
    let (v0, v1, v2, v3, v4) = (r(&mut b), r(&mut b), r(&mut b), r(&mut b), r(&mut b));
    b.start_block(false).unwrap();
    b.push(TestInst::Args {
        dsts: vec![w(v0), w(v1)],
    })
    .unwrap();
    b.push(TestInst::Alu {
        op: AluOp::Add,
        dst: w(v2),
        a: v0,
        b: v1,
    })
    .unwrap();
    b.push(TestInst::Mov {
        dst: w(v3),
        src: v2,
    })
    .unwrap();
    b.push(TestInst::CondBr {
        cond: v2,
        taken: MachLabel(1),
        not_taken: MachLabel(2),
    })
    .unwrap();
    b.end_block(&[(1, &[]), (2, &[])]).unwrap();
    b.start_block(true).unwrap();
    b.push(ret(vec![v3, v0])).unwrap();
    b.end_block(&[]).unwrap();
    b.start_block(false).unwrap();
    b.push(TestInst::Imm { dst: w(v4), imm: 5 }).unwrap();
    b.push(ret(vec![v4, v3])).unwrap();
    b.end_block(&[]).unwrap();
    b.finish().unwrap()
}

fn opcodes_and_imms(code: &[u8]) -> Vec<(u8, i32)> {
    code.chunks(8)
        .map(|c| (c[0], i32::from_le_bytes([c[4], c[5], c[6], c[7]])))
        .collect()
}

#[test]
fn emission_places_prologue_epilogues_and_cold_blocks() {
    let v = sample();
    let out = run_regalloc(
        &v,
        &machine_env(true),
        &RegallocConfig {
            checker: true,
            validate_ssa: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut buf = MachBuffer::<TestLabelUse>::new();
    let res = emit_function(
        &v,
        &out,
        &MarkerAbi,
        &FrameRequest::default(),
        &(),
        &mut buf,
    )
    .unwrap();
    let code = buf.finish().data;
    let ops = opcodes_and_imms(&code);
    let imm = 1u8;
    let ret_op = 9u8;
    assert_eq!(ops[0], (imm, MARK_PROLOGUE), "prologue first: {ops:?}");
    assert_eq!(
        ops.iter().filter(|&&o| o == (imm, MARK_PROLOGUE)).count(),
        1
    );
    // One epilogue right before each of the two returns.
    let rets: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 == ret_op)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(rets.len(), 2);
    for &r in &rets {
        assert_eq!(
            ops[r - 1],
            (imm, MARK_EPILOGUE),
            "epilogue before ret at {r}: {ops:?}"
        );
    }
    // The cold block 1 is laid out after block 2.
    assert!(
        res.block_offsets[1] > res.block_offsets[2],
        "{:?}",
        res.block_offsets
    );
    assert_eq!(res.block_offsets[0], 0);
    // Runs correctly both ways: odd sum takes the cold block.
    assert_eq!(
        interpret_bytes(&code, &[2, 3], res.frame.total_size(), 100),
        Ok(vec![5, 2])
    );
    assert_eq!(
        interpret_bytes(&code, &[2, 4], res.frame.total_size(), 100),
        Ok(vec![5, 6])
    );
    assert_eq!(res.frame.setup_area_size, 16);
    // Copies whose source and destination share a register are dropped.
    assert!(
        !code.chunks(8).any(|c| c[0] == 5 && c[1] == c[2]),
        "{ops:?}"
    );
}

#[test]
fn callee_saved_registers_written_end_up_in_the_frame() {
    // Keep seven values live at once: with six allocatable registers something
    // spills, and the non-preferred callee-saved p4/p5 get used.
    let mut b = VCodeBuilder::<TestInst>::new();
    let vs: Vec<Reg> = (0..7).map(|_| b.alloc_vreg(RegClass::Int)).collect();
    let mut acc = b.alloc_vreg(RegClass::Int);
    b.start_block(false).unwrap();
    for (i, &v) in vs.iter().enumerate() {
        b.push(TestInst::Imm {
            dst: w(v),
            imm: i as i32 + 1,
        })
        .unwrap();
    }
    b.push(TestInst::Imm {
        dst: w(acc),
        imm: 0,
    })
    .unwrap();
    for &v in &vs {
        let next = b.alloc_vreg(RegClass::Int);
        b.push(TestInst::Alu {
            op: AluOp::Add,
            dst: w(next),
            a: acc,
            b: v,
        })
        .unwrap();
        acc = next;
    }
    b.push(ret(vec![acc])).unwrap();
    b.end_block(&[]).unwrap();
    let v = b.finish().unwrap();
    let out = run_regalloc(
        &v,
        &machine_env(true),
        &RegallocConfig {
            checker: true,
            validate_ssa: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut buf = MachBuffer::<TestLabelUse>::new();
    let res = emit_function(
        &v,
        &out,
        &MarkerAbi,
        &FrameRequest::default(),
        &(),
        &mut buf,
    )
    .unwrap();
    let saved: Vec<PReg> = res
        .frame
        .clobbered_callee_saves
        .iter()
        .map(|&(r, _)| r)
        .collect();
    assert!(
        !saved.is_empty() && saved.iter().all(|r| [preg(4), preg(5)].contains(r)),
        "{saved:?}"
    );
    assert_eq!(res.frame.clobber_size, 16);
    let code = buf.finish().data;
    assert_eq!(
        interpret_bytes(&code, &[], res.frame.total_size(), 100),
        Ok(vec![28])
    );
}

/// Operand descriptions regalloc2 would reject (or assert on) are caught by the
/// collector, and their slot stays filled so later indices do not shift.
#[test]
fn collector_flags_invalid_operands() {
    use atoll_codegen::machinst::{
        InvalidOperand, OperandCollector, OperandVisitor, RegConstraint, VReg, PINNED,
    };
    use regalloc2::{OperandKind, OperandPos};
    let int = |i: usize| Reg::from_virtual(VReg::new(PINNED + i, RegClass::Int));
    type Visit = fn(&mut OperandCollector, &mut Reg, &mut Reg);
    let cases: &[(&str, Visit, Option<InvalidOperand>)] = &[
        (
            "two-address is fine",
            |c, a, d| c.reg_mod(a, &mut Writable::from_reg(*d)),
            None,
        ),
        (
            "fixed register of another class",
            |c, a, _| c.reg_fixed_use(a, PReg::new(0, RegClass::Float)),
            Some(InvalidOperand::FixedClassMismatch(0)),
        ),
        (
            "reuse index too large",
            |c, _, d| {
                c.add_operand(
                    d,
                    RegConstraint::Reuse(40),
                    OperandKind::Def,
                    OperandPos::Late,
                )
            },
            Some(InvalidOperand::BadReuse(0)),
        ),
        (
            "reuse of a def",
            |c, a, d| {
                c.reg_def(&mut Writable::from_reg(*a));
                c.add_operand(
                    d,
                    RegConstraint::Reuse(0),
                    OperandKind::Def,
                    OperandPos::Late,
                )
            },
            Some(InvalidOperand::BadReuse(1)),
        ),
        (
            "reuse constraint on a use",
            |c, a, d| {
                c.reg_use(a);
                c.add_operand(
                    d,
                    RegConstraint::Reuse(0),
                    OperandKind::Use,
                    OperandPos::Early,
                )
            },
            Some(InvalidOperand::BadReuse(1)),
        ),
    ];
    for (name, visit, expected) in cases {
        let mut c = OperandCollector::default();
        let (mut a, mut d) = (int(0), int(1));
        visit(&mut c, &mut a, &mut d);
        assert_eq!(c.invalid, *expected, "{name}");
        assert_eq!(c.operands.len(), c.next_operand_index(), "{name}");
    }
}

#[test]
fn regalloc_config_from_settings() {
    use atoll_codegen::machinst::RegallocAlgorithm;
    use atoll_codegen::settings::Flags;
    let defaults = RegallocConfig::from_flags(&Flags::new(&Flags::builder()));
    assert_eq!(
        defaults,
        RegallocConfig {
            algorithm: RegallocAlgorithm::Backtracking,
            checker: false,
            validate_ssa: true
        }
    );
    let mut b = Flags::builder();
    b.apply_line("regalloc_algorithm=single_pass regalloc_checker enable_verifier=false")
        .unwrap();
    let set = RegallocConfig::from_flags(&Flags::new(&b));
    assert_eq!(
        set,
        RegallocConfig {
            algorithm: RegallocAlgorithm::SinglePass,
            checker: true,
            validate_ssa: false
        }
    );
}
