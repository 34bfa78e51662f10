//! End-to-end property test of the machine-instruction framework on the test ISA:
//! random programs over virtual registers with branches, loops and block
//! parameters go through BlockOrder (critical-edge splitting) -> VCode ->
//! regalloc2 (checker and SSA validation on) -> emission into a `MachBuffer` (the
//! test ISA's short conditional branches force islands and veneers), and the
//! emitted bytes must compute what the VCode computes before allocation.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::machinst::test_isa::{
    interpret_bytes, interpret_vcode, machine_env, AluOp, InterpError, TestAbi, TestInst,
    TestLabelUse,
};
use atoll_codegen::machinst::{
    emit_function, run_regalloc, BlockOrder, CfgView, FrameRequest, LoweredBlock, Reg, RegClass,
    RegallocAlgorithm, RegallocConfig, VCode, VCodeBuilder, Writable,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use smallvec::SmallVec;

/// One non-terminator operation; operand selectors index the values available at
/// that point (modulo their count).
#[derive(Clone, Debug)]
enum OpSpec {
    Imm(i32),
    /// kind: 0 three-address, 1 two-address (reuse), 2 early def.
    Alu(u8, AluOp, usize, usize),
    Mov(usize),
    Call(usize, usize),
}

#[derive(Clone, Debug)]
enum TermSpec {
    Jump(usize, Vec<usize>),
    Br(usize, usize, Vec<usize>, usize, Vec<usize>),
    Ret(usize, usize),
}

#[derive(Clone, Debug)]
struct BlockSpec {
    nparams: usize,
    cold: bool,
    ops: Vec<OpSpec>,
    term: TermSpec,
}

#[derive(Clone, Debug)]
struct Prog {
    blocks: Vec<BlockSpec>,
}

impl Prog {
    /// Target block of selector `sel` (never the entry, which takes no branches).
    fn target(&self, sel: usize) -> u32 {
        let n = self.blocks.len();
        (1 + sel % (n - 1)) as u32
    }

    fn succs(&self, b: usize) -> SmallVec<[u32; 2]> {
        match &self.blocks[b].term {
            TermSpec::Ret(..) => SmallVec::new(),
            _ if self.blocks.len() == 1 => SmallVec::new(),
            TermSpec::Jump(t, _) => SmallVec::from_slice(&[self.target(*t)]),
            TermSpec::Br(_, t, _, f, _) => {
                SmallVec::from_slice(&[self.target(*t), self.target(*f)])
            }
        }
    }
}

impl CfgView for Prog {
    fn entry(&self) -> u32 {
        0
    }
    fn num_blocks(&self) -> usize {
        self.blocks.len()
    }
    fn succs(&self, block: u32) -> SmallVec<[u32; 2]> {
        Prog::succs(self, block as usize)
    }
    fn is_cold(&self, block: u32) -> bool {
        self.blocks[block as usize].cold
    }
}

fn alu_op() -> impl Strategy<Value = AluOp> {
    prop_oneof![
        Just(AluOp::Add),
        Just(AluOp::Sub),
        Just(AluOp::Mul),
        Just(AluOp::Xor)
    ]
}

fn op_spec() -> impl Strategy<Value = OpSpec> {
    prop_oneof![
        (-20i32..20).prop_map(OpSpec::Imm),
        (0u8..3, alu_op(), any::<usize>(), any::<usize>())
            .prop_map(|(k, o, a, b)| OpSpec::Alu(k, o, a, b)),
        any::<usize>().prop_map(OpSpec::Mov),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| OpSpec::Call(a, b)),
    ]
}

fn args() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(any::<usize>(), 3)
}

fn term_spec() -> impl Strategy<Value = TermSpec> {
    prop_oneof![
        2 => (any::<usize>(), args()).prop_map(|(t, a)| TermSpec::Jump(t, a)),
        3 => (any::<usize>(), any::<usize>(), args(), any::<usize>(), args())
            .prop_map(|(c, t, ta, f, fa)| TermSpec::Br(c, t, ta, f, fa)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| TermSpec::Ret(a, b)),
    ]
}

fn block_spec() -> impl Strategy<Value = BlockSpec> {
    (
        0usize..4,
        prop::bool::weighted(0.2),
        prop::collection::vec(op_spec(), 0..8),
        term_spec(),
    )
        .prop_map(|(nparams, cold, ops, term)| BlockSpec {
            nparams,
            cold,
            ops,
            term,
        })
}

fn prog() -> impl Strategy<Value = Prog> {
    prop::collection::vec(block_spec(), 1..9).prop_map(|mut blocks| {
        blocks[0].nparams = 0;
        Prog { blocks }
    })
}

/// A block's instructions on concrete vregs, before layout.
struct Lowered {
    params: Vec<Reg>,
    insts: Vec<TestInst>,
    /// Terminator kind: `None` for a return (already in `insts`), else targets
    /// with their arguments.
    succ_args: Vec<Vec<Reg>>,
    cond: Option<Reg>,
}

/// Assign vregs to every value of every block (values defined in the entry block
/// are visible everywhere, since the entry dominates every block).
fn lower_blocks(p: &Prog, b: &mut VCodeBuilder<TestInst>) -> Vec<Lowered> {
    let mut entry_vals: Vec<Reg> = Vec::new();
    let mut out = Vec::new();
    for (i, spec) in p.blocks.iter().enumerate() {
        let params: Vec<Reg> = (0..spec.nparams)
            .map(|_| b.alloc_vreg(RegClass::Int))
            .collect();
        let mut avail: Vec<Reg> = entry_vals.clone();
        avail.extend(&params);
        let mut insts = Vec::new();
        if i == 0 {
            let dsts: Vec<Reg> = (0..2).map(|_| b.alloc_vreg(RegClass::Int)).collect();
            insts.push(TestInst::Args {
                dsts: dsts.iter().map(|&r| Writable::from_reg(r)).collect(),
            });
            avail.extend(&dsts);
        }
        for op in &spec.ops {
            let pick = |s: usize| avail[s % avail.len()];
            let dst = b.alloc_vreg(RegClass::Int);
            let w = Writable::from_reg(dst);
            let inst = match *op {
                OpSpec::Imm(imm) => TestInst::Imm { dst: w, imm },
                OpSpec::Alu(k, op, a, bb) => {
                    let (a, bb) = (pick(a), pick(bb));
                    match k {
                        0 => TestInst::Alu {
                            op,
                            dst: w,
                            a,
                            b: bb,
                        },
                        1 => TestInst::AluMod {
                            op,
                            dst: w,
                            a,
                            b: bb,
                        },
                        _ => TestInst::AluEarly {
                            op,
                            dst: w,
                            a,
                            b: bb,
                        },
                    }
                }
                OpSpec::Mov(s) => TestInst::Mov {
                    dst: w,
                    src: pick(s),
                },
                OpSpec::Call(a, bb) => TestInst::Call {
                    dst: w,
                    a: pick(a),
                    b: pick(bb),
                },
            };
            insts.push(inst);
            avail.push(dst);
        }
        let pick = |s: usize| avail[s % avail.len()];
        let succs = p.succs(i);
        let mut succ_args = Vec::new();
        let mut cond = None;
        let arg_list = |t: u32, sel: &[usize]| -> Vec<Reg> {
            (0..p.blocks[t as usize].nparams)
                .map(|k| pick(sel[k]))
                .collect()
        };
        match &spec.term {
            TermSpec::Jump(_, a) if succs.len() == 1 => succ_args.push(arg_list(succs[0], a)),
            TermSpec::Br(c, _, ta, _, fa) if succs.len() == 2 => {
                cond = Some(pick(*c));
                succ_args.push(arg_list(succs[0], ta));
                succ_args.push(arg_list(succs[1], fa));
            }
            TermSpec::Ret(x, y) => insts.push(TestInst::Ret {
                vals: vec![pick(*x), pick(*y)],
            }),
            _ => insts.push(TestInst::Ret {
                vals: vec![pick(0), pick(1)],
            }),
        }
        if i == 0 {
            entry_vals = avail.clone();
        }
        out.push(Lowered {
            params,
            insts,
            succ_args,
            cond,
        });
    }
    out
}

/// Build VCode in the block order, as a lowering would.
fn build_vcode(p: &Prog) -> (VCode<TestInst>, BlockOrder) {
    let order = BlockOrder::new(p).expect("valid cfg");
    let mut b = VCodeBuilder::<TestInst>::new();
    let lowered = lower_blocks(p, &mut b);
    for (li, lb) in order.lowered_order().iter().enumerate() {
        let li = li as u32;
        b.start_block(order.is_cold(li)).unwrap();
        match *lb {
            LoweredBlock::Orig { block } => {
                let l = &lowered[block as usize];
                for &r in &l.params {
                    b.add_block_param(r).unwrap();
                }
                for i in &l.insts {
                    b.push(i.clone()).unwrap();
                }
                // Arguments ride on the branch unless the edge was split, in which
                // case the edge block's jump carries them.
                let succ_list: Vec<(u32, &[Reg])> = order
                    .succs(li)
                    .iter()
                    .zip(&l.succ_args)
                    .map(|(&s, a)| {
                        let is_edge =
                            matches!(order.lowered_order()[s as usize], LoweredBlock::Edge { .. });
                        (s, if is_edge { &[][..] } else { &a[..] })
                    })
                    .collect();
                match (l.succ_args.len(), l.cond) {
                    (0, _) => {}
                    (1, _) => b
                        .push(TestInst::Jump {
                            target: order.succ_label(li, 0),
                        })
                        .unwrap(),
                    (_, Some(cond)) => b
                        .push(TestInst::CondBr {
                            cond,
                            taken: order.succ_label(li, 0),
                            not_taken: order.succ_label(li, 1),
                        })
                        .unwrap(),
                    _ => unreachable!("two successors without a condition"),
                }
                b.end_block(&succ_list).unwrap();
            }
            LoweredBlock::Edge { pred, succ_idx, .. } => {
                let args = &lowered[pred as usize].succ_args[succ_idx as usize];
                let target = order.succs(li)[0];
                b.push(TestInst::Jump {
                    target: MachLabel(target),
                })
                .unwrap();
                b.end_block(&[(target, &args[..])]).unwrap();
            }
        }
    }
    (b.finish().expect("valid vcode"), order)
}

/// What one checked program did.
#[derive(PartialEq, Eq)]
enum Outcome {
    /// It loops (or runs too long) before allocation; nothing to compare.
    Diverged,
    /// It returned the same values both ways; `spilled` if regalloc2 used the stack.
    Returned { spilled: bool, islands: bool },
}

fn check(
    p: &Prog,
    x: i64,
    y: i64,
    algorithm: RegallocAlgorithm,
    scratch: bool,
) -> Result<Outcome, TestCaseError> {
    let (vcode, _order) = build_vcode(p);
    let expected = match interpret_vcode(&vcode, &[x, y], 2_000) {
        Ok(v) => v,
        Err(InterpError::OutOfFuel) => return Ok(Outcome::Diverged),
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "pre-allocation interpretation failed: {e:?}"
            )))
        }
    };
    let config = RegallocConfig {
        algorithm,
        checker: true,
        validate_ssa: true,
    };
    let output = run_regalloc(&vcode, &machine_env(scratch), &config)
        .map_err(|e| TestCaseError::fail(format!("regalloc: {e}\n{vcode}")))?;
    let mut buf = MachBuffer::<TestLabelUse>::new();
    let res = emit_function(
        &vcode,
        &output,
        &TestAbi,
        &FrameRequest::default(),
        &(),
        &mut buf,
    )
    .map_err(|e| TestCaseError::fail(format!("emit: {e}")))?;
    let done = buf
        .try_finish()
        .map_err(|e| TestCaseError::fail(format!("buffer: {e}")))?;
    let code = done.data;
    let got = interpret_bytes(&code, &[x, y], res.frame.total_size(), 1_000_000).map_err(|e| {
        TestCaseError::fail(format!("post-allocation interpretation failed: {e:?}"))
    })?;
    prop_assert_eq!(got, expected);
    Ok(Outcome::Returned {
        spilled: output.num_spillslots > 0,
        islands: done.stats.veneer_bytes > 0,
    })
}

fn algorithm() -> impl Strategy<Value = RegallocAlgorithm> {
    prop_oneof![
        Just(RegallocAlgorithm::Backtracking),
        Just(RegallocAlgorithm::SinglePass)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn allocated_code_matches_virtual_code(
        p in prog(),
        x in -1000i64..1000,
        y in -1000i64..1000,
        alg in algorithm(),
        scratch in any::<bool>(),
    ) {
        check(&p, x, y, alg, scratch)?;
    }
}

/// The property above only means something if most programs terminate and some
/// spill; this runs a fixed-seed batch and checks the proportions.
#[test]
fn random_programs_terminate_and_spill() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut done, mut spilled, mut islands) = (0, 0, 0);
    for _ in 0..300 {
        let p = prog().new_tree(&mut runner).unwrap().current();
        if let Outcome::Returned {
            spilled: s,
            islands: i,
        } = check(&p, 7, -3, RegallocAlgorithm::Backtracking, true).unwrap()
        {
            done += 1;
            spilled += usize::from(s);
            islands += usize::from(i);
        }
    }
    eprintln!("{done}/300 programs returned, {spilled} of them spilled, {islands} needed veneers");
    assert!(done >= 150, "only {done}/300 random programs terminated");
    assert!(spilled >= 20, "only {spilled} random programs spilled");
    assert!(
        islands >= 5,
        "only {islands} random programs needed veneers"
    );
}
