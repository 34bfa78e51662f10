//! The whole backend pipeline from CLIF text to executed bytes on the test ISA:
//! parse -> lower_function (block order, critical edges, block params) -> regalloc2
//! (checker on) -> emit into a MachBuffer -> interpret. Expected results are
//! computed by hand from the CLIF semantics.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::ir::{Function, Inst, InstructionData, Opcode, Value};
use atoll_codegen::machinst::test_isa::{
    interpret_bytes, machine_env, AluOp, TestAbi, TestInst, TestLabelUse,
};
use atoll_codegen::machinst::{
    emit_function, lower_function, run_regalloc, FrameRequest, Lower, LowerBackend, LowerError,
    RegClass, RegallocAlgorithm, RegallocConfig, Writable,
};

/// Lowering rules for a handful of integer opcodes on the test ISA.
struct TestBackend;

type Ctx<'a, 'f> = &'a mut Lower<'f, TestInst>;

fn alu(ctx: Ctx<'_, '_>, inst: Inst, op: AluOp, a: Value, b: Value) -> Result<(), LowerError> {
    let dst = ctx.output_reg(inst, 0)?;
    let (a, b) = (ctx.put_in_reg(a)?, ctx.put_in_reg(b)?);
    ctx.emit(TestInst::Alu { op, dst, a, b })
}

impl LowerBackend for TestBackend {
    type MInst = TestInst;

    fn lower_args(&self, ctx: Ctx<'_, '_>, params: &[Value]) -> Result<(), LowerError> {
        let dsts = params
            .iter()
            .map(|&p| ctx.put_in_reg(p).map(Writable::from_reg))
            .collect::<Result<_, _>>()?;
        ctx.emit(TestInst::Args { dsts })
    }

    fn lower_inst(&self, ctx: Ctx<'_, '_>, inst: Inst) -> Result<(), LowerError> {
        let data = ctx.func().dfg[inst].clone();
        let unsupported = LowerError::Unsupported {
            inst,
            opcode: data.opcode(),
        };
        match data {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => {
                let imm = i32::try_from(imm.0).map_err(|_| unsupported)?;
                let dst = ctx.output_reg(inst, 0)?;
                ctx.emit(TestInst::Imm { dst, imm })
            }
            InstructionData::BinaryImm64 {
                opcode: Opcode::IaddImm,
                arg,
                imm,
            } => {
                let imm = i32::try_from(imm.0).map_err(|_| unsupported)?;
                let t = ctx.alloc_tmp(RegClass::Int);
                ctx.emit(TestInst::Imm { dst: t, imm })?;
                let dst = ctx.output_reg(inst, 0)?;
                let a = ctx.put_in_reg(arg)?;
                // Two-address form, to exercise the reuse constraint from lowering.
                ctx.emit(TestInst::AluMod {
                    op: AluOp::Add,
                    dst,
                    a,
                    b: t.to_reg(),
                })
            }
            InstructionData::Binary {
                opcode,
                args: [a, b],
            } => {
                let op = match opcode {
                    Opcode::Iadd => AluOp::Add,
                    Opcode::Isub => AluOp::Sub,
                    Opcode::Imul => AluOp::Mul,
                    Opcode::Bxor => AluOp::Xor,
                    _ => return Err(unsupported),
                };
                alu(ctx, inst, op, a, b)
            }
            InstructionData::MultiAry {
                opcode: Opcode::Return,
                args,
            } => {
                let vals = args
                    .iter()
                    .map(|&v| ctx.put_in_reg(v))
                    .collect::<Result<_, _>>()?;
                ctx.emit(TestInst::Ret { vals })
            }
            InstructionData::Trap {
                opcode: Opcode::Trap,
                ..
            } => ctx.emit(TestInst::Trap),
            _ => Err(unsupported),
        }
    }

    fn lower_branch(
        &self,
        ctx: Ctx<'_, '_>,
        inst: Inst,
        targets: &[MachLabel],
    ) -> Result<(), LowerError> {
        let data = ctx.func().dfg[inst].clone();
        match (data, targets) {
            (InstructionData::Jump { .. }, &[target]) => ctx.emit(TestInst::Jump { target }),
            (InstructionData::Brif { arg, .. }, &[taken, not_taken]) => {
                // The test ISA branches on odd values; brif branches on non-zero.
                let zero = ctx.alloc_tmp(RegClass::Int);
                ctx.emit(TestInst::Imm { dst: zero, imm: 0 })?;
                let cond = ctx.alloc_tmp(RegClass::Int);
                let a = ctx.put_in_reg(arg)?;
                ctx.emit(TestInst::Alu {
                    op: AluOp::Ne,
                    dst: cond,
                    a,
                    b: zero.to_reg(),
                })?;
                ctx.emit(TestInst::CondBr {
                    cond: cond.to_reg(),
                    taken,
                    not_taken,
                })
            }
            (data, _) => Err(LowerError::Unsupported {
                inst,
                opcode: data.opcode(),
            }),
        }
    }
}

fn parse(src: &str) -> Function {
    atoll_codegen::text::parse_functions(src)
        .expect("test CLIF parses")
        .remove(0)
}

fn compile_and_run(f: &Function, args: &[i64], algorithm: RegallocAlgorithm) -> Vec<i64> {
    let (vcode, _order) = lower_function(f, &TestBackend).unwrap();
    let config = RegallocConfig {
        algorithm,
        checker: true,
        validate_ssa: true,
    };
    let out = run_regalloc(&vcode, &machine_env(true), &config).unwrap();
    let mut buf = MachBuffer::<TestLabelUse>::new();
    let res = emit_function(
        &vcode,
        &out,
        &TestAbi,
        &FrameRequest::default(),
        &(),
        &mut buf,
    )
    .unwrap();
    let code = buf.finish().data;
    interpret_bytes(&code, args, res.frame.total_size(), 100_000).unwrap()
}

const SUM: &str = "function %sum(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v0, v1)

block1(v2: i64, v3: i64):
    brif v2, block2, block3(v3)

block2:
    v4 = iadd v3, v2
    v5 = iadd_imm v2, -1
    jump block1(v5, v4)

block3(v6: i64):
    return v6
}";

/// Every edge into block2 is critical (block0 and block1 both branch two ways, and
/// block1 names block2 twice with swapped arguments).
const CRITICAL: &str = "function %g(i64, i64) -> i64, i64 {
block0(v0: i64, v1: i64):
    brif v0, block1(v1), block2(v0, v1)

block1(v2: i64):
    v3 = imul v2, v2
    brif v3, block2(v3, v2), block2(v2, v3)

block2(v4: i64, v5: i64):
    v6 = isub v4, v5
    return v6, v4
}";

#[test]
fn clif_functions_run_on_the_test_isa() {
    let sum = parse(SUM);
    let critical = parse(CRITICAL);
    // (function, arguments, expected results)
    let cases: &[(&Function, &[i64], &[i64])] = &[
        (&sum, &[0], &[0]),
        (&sum, &[1], &[1]),
        (&sum, &[10], &[55]),
        (&sum, &[100], &[5050]),
        (&critical, &[0, 5], &[-5, 0]),
        (&critical, &[3, 4], &[12, 16]),
        (&critical, &[3, 0], &[0, 0]),
        (&critical, &[-1, -3], &[12, 9]),
    ];
    for alg in [
        RegallocAlgorithm::Backtracking,
        RegallocAlgorithm::SinglePass,
    ] {
        for (f, args, expected) in cases {
            assert_eq!(
                compile_and_run(f, args, alg),
                *expected,
                "{} {args:?} {alg:?}",
                f.name
            );
        }
    }
}

#[test]
fn critical_edges_become_edge_blocks() {
    let (vcode, order) = lower_function(&parse(CRITICAL), &TestBackend).unwrap();
    let edges = order
        .lowered_order()
        .iter()
        .filter(|b| matches!(b, atoll_codegen::machinst::LoweredBlock::Edge { .. }))
        .count();
    assert_eq!(edges, 3);
    assert_eq!(vcode.num_blocks(), 6);
}

#[test]
fn lowering_errors() {
    let unsupported = parse(
        "function %h(i64) -> i64 {
block0(v0: i64):
    v1 = udiv v0, v0
    return v1
}",
    );
    let err = lower_function(&unsupported, &TestBackend).expect_err("udiv has no rule");
    assert!(
        matches!(
            err,
            LowerError::Unsupported {
                opcode: Opcode::Udiv,
                ..
            }
        ),
        "{err}"
    );

    let float = parse(
        "function %k(f64) -> f64 {
block0(v0: f64):
    return v0
}",
    );
    let err = lower_function(&float, &TestBackend).expect_err("no float registers");
    assert!(matches!(err, LowerError::UnsupportedType { .. }), "{err}");
}

#[test]
fn vcode_prints_blocks_params_and_branch_args() {
    let (vcode, _) = lower_function(&parse(SUM), &TestBackend).unwrap();
    let text = vcode.to_string();
    // block1 takes the loop's two parameters; the back edge passes two arguments.
    let header = text
        .lines()
        .find(|l| l.starts_with("block1("))
        .expect("block1 printed");
    assert_eq!(header.matches(", ").count(), 1, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  -> block1(") && l.contains(", ")),
        "{text}"
    );
    assert!(text.contains("Ret"), "{text}");
}

const TRAPS: &str = "function %t(i64) -> i64 {
block0(v0: i64):
    brif v0, block1, block2

block1:
    trap int_ovf

block2:
    return v0
}";

/// Pipeline parameters for the test ISA, with every check on.
fn test_params(
    env: &atoll_codegen::machinst::MachineEnv,
) -> atoll_codegen::machinst::CompileParams<'_, TestBackend, TestAbi> {
    atoll_codegen::machinst::CompileParams {
        backend: &TestBackend,
        abi: &TestAbi,
        env,
        regalloc: RegallocConfig {
            checker: true,
            validate_ssa: true,
            ..Default::default()
        },
        info: &(),
        alignment: 16,
        verify: true,
    }
}

#[test]
fn compile_function_runs_the_whole_pipeline() {
    use atoll_codegen::machinst::compile_function;
    use atoll_codegen::machinst::test_isa::InterpError;
    let env = machine_env(true);
    let params = test_params(&env);
    let sum = compile_function(&parse(SUM), &params).unwrap();
    assert_eq!(
        interpret_bytes(&sum.code, &[10], sum.frame_size, 10_000),
        Ok(vec![55])
    );
    assert!(sum.relocs.is_empty() && sum.traps.is_empty());
    assert_eq!(sum.alignment, 16);
    assert!(sum.listing.starts_with("block0:\n  "), "{}", sum.listing);
    assert_eq!(
        sum.listing
            .lines()
            .filter(|l| l.starts_with("block"))
            .count(),
        4,
        "{}",
        sum.listing
    );

    let t = compile_function(&parse(TRAPS), &params).unwrap();
    assert_eq!(t.traps.len(), 1);
    assert_eq!(
        interpret_bytes(&t.code, &[0], t.frame_size, 100),
        Ok(vec![0])
    );
    assert_eq!(
        interpret_bytes(&t.code, &[7], t.frame_size, 100),
        Err(InterpError::Trap)
    );
    let trap_offset = t.traps[0].0 as usize;
    assert_eq!(
        t.code[trap_offset], 10,
        "trap record points at the trap instruction"
    );

    let err = compile_function(
        &parse(
            "function %u(i64) -> i64 {\nblock0(v0: i64):\n    v1 = sdiv v0, v0\n    return v1\n}",
        ),
        &params,
    )
    .unwrap_err();
    assert!(err.to_string().contains("sdiv"), "{err}");

    // A use not dominated by its definition: the verifier reports it first; without
    // the verifier, regalloc2's SSA validation still refuses it.
    let bad = parse(
        "function %bad(i64) -> i64 {
block0(v0: i64):
    brif v0, block1, block2

block1:
    v1 = iconst.i64 1
    jump block2

block2:
    return v1
}",
    );
    let err = compile_function(&bad, &params).unwrap_err();
    assert!(
        matches!(err, atoll_codegen::isa::CodegenError::Verifier(_)),
        "{err}"
    );
    let unverified = atoll_codegen::machinst::CompileParams {
        verify: false,
        ..params
    };
    let err = compile_function(&bad, &unverified).unwrap_err();
    assert!(
        matches!(err, atoll_codegen::isa::CodegenError::Regalloc(_)),
        "{err}"
    );
}

/// Rules can see through to constants and types of their operands.
#[test]
fn lowering_rules_can_query_operands() {
    use std::cell::RefCell;
    struct Probe(RefCell<Vec<(Option<i64>, String)>>);
    impl LowerBackend for Probe {
        type MInst = TestInst;
        fn lower_args(&self, ctx: Ctx<'_, '_>, params: &[Value]) -> Result<(), LowerError> {
            TestBackend.lower_args(ctx, params)
        }
        fn lower_inst(&self, ctx: Ctx<'_, '_>, inst: Inst) -> Result<(), LowerError> {
            if let InstructionData::Binary { args, .. } = ctx.func().dfg[inst] {
                for a in args {
                    self.0.borrow_mut().push((
                        ctx.value_as_iconst(a),
                        ctx.value_type(a)?.name().to_string(),
                    ));
                }
            }
            TestBackend.lower_inst(ctx, inst)
        }
        fn lower_branch(
            &self,
            ctx: Ctx<'_, '_>,
            inst: Inst,
            targets: &[MachLabel],
        ) -> Result<(), LowerError> {
            TestBackend.lower_branch(ctx, inst, targets)
        }
    }
    let f = parse(
        "function %c(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 -7
    v2 = iadd v0, v1
    return v2
}",
    );
    let probe = Probe(RefCell::new(Vec::new()));
    lower_function(&f, &probe).unwrap();
    assert_eq!(
        probe.0.into_inner(),
        vec![(None, "i32".to_string()), (Some(-7), "i32".to_string())]
    );
}

#[test]
fn bb_padding_pushes_branches_out_of_range_and_code_still_runs() {
    use atoll_codegen::buffer::IslandIsa;
    use atoll_codegen::machinst::test_isa::SHORT_RANGE;
    use atoll_codegen::machinst::{bb_padding_bytes, compile_function_padded};
    // (flag value, bytes after each block on the test ISA, whose instructions are 8
    // bytes: 1, 2 and 4 bytes round up to 8)
    let table: &[(u8, u64)] = &[
        (0, 0),
        (1, 8),
        (3, 8),
        (4, 8),
        (5, 16),
        (9, 256),
        (10, 512),
        (12, 2048),
    ];
    for &(n, bytes) in table {
        assert_eq!(bb_padding_bytes::<TestLabelUse>(n), bytes, "n = {n}");
        assert_eq!(bytes % TestLabelUse::INSN_ALIGN, 0);
    }
    assert_eq!(bb_padding_bytes::<TestLabelUse>(32), 1 << 31);

    let env = machine_env(true);
    let params = test_params(&env);
    let plain = compile_function_padded(&parse(SUM), &params, 0).unwrap();
    for &(n, bytes) in table {
        let f = compile_function_padded(&parse(SUM), &params, n).unwrap();
        // SUM has four blocks (and maybe a split edge): at least four paddings.
        assert!(
            f.code.len() as u64 >= plain.code.len() as u64 + 4 * bytes,
            "n = {n}"
        );
        for (arg, want) in [(0, 0), (1, 1), (10, 55)] {
            assert_eq!(
                interpret_bytes(&f.code, &[arg], f.frame_size, 1_000_000),
                Ok(vec![want]),
                "n = {n}, arg {arg}"
            );
        }
        if bytes > SHORT_RANGE {
            // The loop's conditional branch cannot reach across a padded block: the
            // emission driver must have put an island (with a veneer) in between.
            assert!(
                f.code.len() as u64 > plain.code.len() as u64 + 4 * bytes,
                "n = {n}: no island"
            );
        }
    }
}
