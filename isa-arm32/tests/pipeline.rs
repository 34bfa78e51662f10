//! The A32 backend through the whole machine-code pipeline: hand-lowered VCode (a loop
//! with block parameters, a block with more live values than registers, float values
//! across the loop) → regalloc2 (SSA validation and checker on, both allocators) →
//! `emit_function` with the AAPCS hooks into a `MachBuffer` → linked with a C harness
//! and run under `qemu-arm`. Checks the operand walk, moves, integer and float
//! spills/reloads (`SpLoad`/`SpStore`), callee-saved registers in the prologue and
//! epilogue, and branch patching. Without the cross compiler or qemu the execution
//! part prints why and is skipped.

mod common;

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::machinst::{
    emit_function, run_regalloc, FrameRequest, Reg, RegClass, RegallocAlgorithm, RegallocConfig,
    VCode, VCodeBuilder, Writable,
};
use atoll_isa_arm32::abi::{Arm32Abi, CallConv};
use atoll_isa_arm32::imms::{ModImm, VfpImm8};
use atoll_isa_arm32::inst::{AluOp, CmpOp, Cond, FpSize, FpuCvt, FpuOp2, Inst, MulOp, Operand2};
use atoll_isa_arm32::regs::{machine_env, rreg_preg};
use atoll_isa_arm32::LabelUse;

const LIVE: u32 = 30;
const FLIVE: u32 = 20;

fn w(r: Reg) -> Writable<Reg> {
    Writable::from_reg(r)
}

fn fadd(rd: Reg, rn: Reg, rm: Reg) -> Inst {
    Inst::FpuRRR {
        op: FpuOp2::Add,
        size: FpSize::F64,
        cond: Cond::Al,
        rd: w(rd),
        rn,
        rm,
    }
}

fn add(rd: Reg, rn: Reg, op2: Operand2) -> Inst {
    Inst::Alu {
        op: AluOp::Add,
        s: false,
        cond: Cond::Al,
        rd: w(rd),
        rn,
        op2,
    }
}

/// `f(n)`: `acc = Σ_{i<n} i*i` and `fsum = Σ_{i<n} (double)i` in the loop; then
/// `LIVE` values `acc + k` all alive at once, summed, plus `(int)Σ_{k=1..=FLIVE}
/// (fsum + k)` computed from `FLIVE` doubles alive at once.
fn build() -> VCode<Inst> {
    let mut b = VCodeBuilder::<Inst>::new();
    let push = |b: &mut VCodeBuilder<Inst>, insts: Vec<Inst>| {
        insts.into_iter().for_each(|i| b.push(i).unwrap())
    };
    let int = |b: &mut VCodeBuilder<Inst>| b.alloc_vreg(RegClass::Int);
    let float = |b: &mut VCodeBuilder<Inst>| b.alloc_vreg(RegClass::Float);
    let imm = |v: u32| Operand2::Imm(ModImm::maybe_from_u32(v).unwrap());
    let (n, zero, fzero) = (int(&mut b), int(&mut b), float(&mut b));

    // block0: args; i = acc = 0; fsum = 0.0; jump block1(0, 0, 0.0)
    b.start_block(false).unwrap();
    let mut insts = vec![
        Inst::Args {
            args: vec![(w(n), rreg_preg(0))],
        },
        Inst::LoadConst32 {
            rd: w(zero),
            value: 0,
        },
    ];
    insts.extend(int_to_f64(&mut b, fzero, zero));
    insts.push(Inst::Jmp {
        target: MachLabel(1),
    });
    push(&mut b, insts);
    b.end_block(&[(1, &[zero, zero, fzero])]).unwrap();

    // block1(i, acc, fsum): if i < n goto block2 else block3
    b.start_block(false).unwrap();
    let (i, acc, fsum) = (int(&mut b), int(&mut b), float(&mut b));
    for p in [i, acc, fsum] {
        b.add_block_param(p).unwrap();
    }
    push(
        &mut b,
        vec![
            Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Al,
                rn: i,
                op2: Operand2::Reg(n),
            },
            Inst::CondBr {
                cond: Cond::Lt,
                taken: MachLabel(2),
                not_taken: MachLabel(3),
            },
        ],
    );
    b.end_block(&[(2, &[]), (3, &[])]).unwrap();

    // block2: acc += i*i (one `mla`); fsum += (double)i; i += 1; jump block1
    b.start_block(false).unwrap();
    let (acc2, i2, fi, fsum2) = (int(&mut b), int(&mut b), float(&mut b), float(&mut b));
    let mut insts = vec![Inst::Mul {
        op: MulOp::Mla,
        rd: w(acc2),
        rn: i,
        rm: i,
        ra: acc,
    }];
    insts.extend(int_to_f64(&mut b, fi, i));
    insts.extend([
        fadd(fsum2, fsum, fi),
        add(i2, i, imm(1)),
        Inst::Jmp {
            target: MachLabel(1),
        },
    ]);
    push(&mut b, insts);
    b.end_block(&[(1, &[i2, acc2, fsum2])]).unwrap();

    // block3: LIVE values acc + k, all alive, then summed.
    b.start_block(false).unwrap();
    let vals: Vec<Reg> = (1..=LIVE).map(|_| int(&mut b)).collect();
    push(
        &mut b,
        vals.iter()
            .zip(1..)
            .map(|(&v, k)| add(v, acc, imm(k)))
            .collect(),
    );
    let mut sum = vals[vals.len() - 1];
    for &v in vals.iter().rev().skip(1) {
        let s = int(&mut b);
        push(&mut b, vec![add(s, sum, Operand2::Reg(v))]);
        sum = s;
    }
    // FLIVE doubles fsum + k, all alive at once (more than the 16 D registers),
    // summed into f2.
    let fvals: Vec<Reg> = (1..=FLIVE)
        .map(|k| {
            let (c, v) = (float(&mut b), float(&mut b));
            let imm = VfpImm8::maybe_from_f64(k as f64).unwrap();
            push(
                &mut b,
                vec![
                    Inst::FpuMovImm {
                        size: FpSize::F64,
                        cond: Cond::Al,
                        rd: w(c),
                        imm,
                    },
                    fadd(v, fsum, c),
                ],
            );
            v
        })
        .collect();
    let mut f2 = fvals[fvals.len() - 1];
    for &v in fvals.iter().rev().skip(1) {
        let s = float(&mut b);
        push(&mut b, vec![fadd(s, f2, v)]);
        f2 = s;
    }
    let (fint, iint, total) = (float(&mut b), int(&mut b), int(&mut b));
    push(
        &mut b,
        vec![
            Inst::FpuCvt {
                op: FpuCvt::F64ToS32,
                rd: w(fint),
                rm: f2,
            },
            Inst::MovFromFpu {
                rd: w(iint),
                rn: fint,
            },
            add(total, sum, Operand2::Reg(iint)),
            Inst::Ret {
                rets: vec![(total, rreg_preg(0))],
            },
        ],
    );
    b.end_block(&[]).unwrap();
    b.finish().unwrap()
}

/// `rd = (double)rn`: move the integer into a float register's S view, convert.
fn int_to_f64(b: &mut VCodeBuilder<Inst>, rd: Reg, rn: Reg) -> [Inst; 2] {
    let bits = b.alloc_vreg(RegClass::Float);
    [
        Inst::MovToFpu { rd: w(bits), rn },
        Inst::FpuCvt {
            op: FpuCvt::S32ToF64,
            rd: w(rd),
            rm: bits,
        },
    ]
}

fn expected(n: u32) -> u32 {
    let acc: u32 = (0..n).map(|i| i * i).sum();
    let fsum: u32 = (0..n).sum();
    (1..=LIVE).map(|k| acc + k).sum::<u32>() + (1..=FLIVE).map(|k| fsum + k).sum::<u32>()
}

fn compile(algorithm: RegallocAlgorithm) -> Vec<u8> {
    let vcode = build();
    let config = RegallocConfig {
        algorithm,
        checker: true,
        validate_ssa: true,
    };
    let output = run_regalloc(&vcode, &machine_env(), &config).unwrap_or_else(|e| panic!("{e}"));
    assert!(output.num_spillslots > 0, "the test must force spills");
    let float_spill = vcode_float_spills(&output);
    assert!(float_spill, "the test must spill a float register");
    let abi = Arm32Abi::new(CallConv::Aapcs);
    let mut buffer = MachBuffer::<LabelUse>::new();
    let result = emit_function(
        &vcode,
        &output,
        &abi,
        &FrameRequest::default(),
        &(),
        &mut buffer,
    )
    .unwrap();
    assert!(
        !result.frame.clobbered_callee_saves.is_empty(),
        "the test must use callee-saved registers"
    );
    buffer.finish().data
}

/// Whether regalloc2 moved a float register to or from a spill slot.
fn vcode_float_spills(output: &atoll_codegen::machinst::RegallocOutput) -> bool {
    output.edits.iter().any(|(_, edit)| {
        let regalloc2::Edit::Move { from, to } = edit;
        let float =
            |a: regalloc2::Allocation| a.as_reg().is_some_and(|p| p.class() == RegClass::Float);
        (float(*from) && to.is_stack()) || (from.is_stack() && float(*to))
    })
}

const HARNESS: &str = "#include <stdio.h>\nunsigned f(unsigned);\n\
    int main(void){ for (unsigned n = 0; n < 12; n += 5) printf(\"%u \", f(n)); printf(\"\\n\"); return 0; }\n";

#[test]
fn loop_with_spills_runs_under_qemu() {
    let want: Vec<String> = [0u32, 5, 10]
        .iter()
        .map(|&n| expected(n).to_string())
        .collect();
    for (algorithm, name) in [
        (RegallocAlgorithm::Backtracking, "ion"),
        (RegallocAlgorithm::SinglePass, "fast"),
    ] {
        let code = compile(algorithm);
        if common::cross_tools_present("loop_with_spills_runs_under_qemu") {
            let got = common::link_and_run(&code, "f", HARNESS, &format!("pipeline-{name}"));
            assert_eq!(got.trim(), want.join(" "), "{name}");
        }
    }
}
