//! The AArch64 backend through the whole machine-code pipeline: hand-lowered VCode
//! (a loop with block parameters, and a block with more live values than registers)
//! → regalloc2 (SSA validation and checker on, both allocators) → `emit_function`
//! with the AArch64 ABI into a `MachBuffer` → linked with a C harness and run under
//! `qemu-aarch64`. Checks the operand walk, moves, spills/reloads through `SpOffset`,
//! callee-saved registers in the prologue/epilogue, and branch label patching.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::machinst::{
    emit_function, run_regalloc, FrameRequest, Reg, RegClass, RegallocAlgorithm, RegallocConfig,
    VCode, VCodeBuilder, Writable,
};
use atoll_isa_aarch64::abi::{AArch64Abi, CallConv};
use atoll_isa_aarch64::imms::Imm12;
use atoll_isa_aarch64::inst::{ALUOp, Cond, CondBrKind, Inst, OperandSize};
use atoll_isa_aarch64::regs::{machine_env, xreg_preg, RegOrSp};
use atoll_isa_aarch64::LabelUse;
use smallvec::smallvec;

mod common;
use common::qemu::{run, tools_present};

const X: OperandSize = OperandSize::Size64;
const LIVE: u64 = 40;

/// `rd = rn + imm` on virtual registers (never `xzr`, so always valid sp-slots).
fn add_imm(rd: Reg, rn: Reg, imm12: Imm12) -> Inst {
    let sp_slot = |r| RegOrSp::reg(r).expect("virtual registers fit sp-slots");
    Inst::AluRRImm12 {
        op: ALUOp::Add,
        size: X,
        rd: Writable::from_reg(sp_slot(rd)),
        rn: sp_slot(rn),
        imm12,
    }
}

/// `f(n) = let acc = Σ_{i<n} i*i in Σ_{k=1..=LIVE} (acc + k)`, with all `LIVE`
/// partial values alive at once before the final sum.
fn build() -> VCode<Inst> {
    let mut b = VCodeBuilder::<Inst>::new();
    let n = b.alloc_vreg(RegClass::Int);
    let zero = b.alloc_vreg(RegClass::Int);
    // block0: args, i = acc = 0, jump block1(0, 0)
    b.start_block(false).unwrap();
    b.push(Inst::Args {
        args: smallvec![(Writable::from_reg(n), xreg_preg(0))],
    })
    .unwrap();
    for inst in Inst::load_constant(Writable::from_reg(zero), 0, X) {
        b.push(inst).unwrap();
    }
    b.push(Inst::Jump { dest: MachLabel(1) }).unwrap();
    b.end_block(&[(1, &[zero, zero])]).unwrap();
    // block1(i, acc): if i < n goto block2 else block3
    b.start_block(false).unwrap();
    let (i, acc) = (b.alloc_vreg(RegClass::Int), b.alloc_vreg(RegClass::Int));
    b.add_block_param(i).unwrap();
    b.add_block_param(acc).unwrap();
    b.push(Inst::cmp(X, i, n)).unwrap();
    b.push(Inst::CondBr {
        taken: MachLabel(2),
        not_taken: MachLabel(3),
        kind: CondBrKind::Cond(Cond::Lt),
    })
    .unwrap();
    b.end_block(&[(2, &[]), (3, &[])]).unwrap();
    // block2: acc += i*i; i += 1; jump block1
    b.start_block(false).unwrap();
    let (sq, acc2, i2) = (
        b.alloc_vreg(RegClass::Int),
        b.alloc_vreg(RegClass::Int),
        b.alloc_vreg(RegClass::Int),
    );
    b.push(Inst::mul(X, Writable::from_reg(sq), i, i)).unwrap();
    b.push(Inst::AluRRR {
        op: ALUOp::Add,
        size: X,
        rd: Writable::from_reg(acc2),
        rn: acc,
        rm: sq,
    })
    .unwrap();
    let one = Imm12::maybe_from_u64(1).unwrap();
    b.push(add_imm(i2, i, one)).unwrap();
    b.push(Inst::Jump { dest: MachLabel(1) }).unwrap();
    b.end_block(&[(1, &[i2, acc2])]).unwrap();
    // block3: LIVE values acc + k, all alive, then summed.
    b.start_block(false).unwrap();
    let vals: Vec<_> = (1..=LIVE)
        .map(|k| {
            let v = b.alloc_vreg(RegClass::Int);
            let imm12 = Imm12::maybe_from_u64(k).unwrap();
            b.push(add_imm(v, acc, imm12)).unwrap();
            v
        })
        .collect();
    let mut sum = vals[vals.len() - 1];
    for &v in vals.iter().rev().skip(1) {
        let s = b.alloc_vreg(RegClass::Int);
        b.push(Inst::AluRRR {
            op: ALUOp::Add,
            size: X,
            rd: Writable::from_reg(s),
            rn: sum,
            rm: v,
        })
        .unwrap();
        sum = s;
    }
    b.push(Inst::Ret {
        rets: smallvec![(sum, xreg_preg(0))],
    })
    .unwrap();
    b.end_block(&[]).unwrap();
    b.finish().unwrap()
}

fn expected(n: u64) -> u64 {
    let acc: u64 = (0..n).map(|i| i * i).sum();
    (1..=LIVE).map(|k| acc + k).sum()
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
    let abi = AArch64Abi::new(CallConv::SystemV);
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

fn run_under_qemu(code: &[u8], name: &str) -> Option<String> {
    if !tools_present() {
        return None;
    }
    let bytes: Vec<String> = code.iter().map(|b| format!("{b:#04x}")).collect();
    let asm = format!(
        "\t.text\n\t.p2align 4\n\t.globl f\n\t.type f, %function\nf:\n\t.byte {}\n",
        bytes.join(", ")
    );
    let harness = "#include <stdio.h>\nlong f(long);\nint main(void){ for (long n = 0; n < 12; n += 5) printf(\"%ld \", f(n)); printf(\"\\n\"); return 0; }\n";
    Some(
        run(&format!("pipeline-{name}"), &asm, harness)
            .trim()
            .to_string(),
    )
}

#[test]
fn loop_with_spills_runs_under_qemu() {
    let want: Vec<String> = [0u64, 5, 10]
        .iter()
        .map(|&n| expected(n).to_string())
        .collect();
    for (algorithm, name) in [
        (RegallocAlgorithm::Backtracking, "ion"),
        (RegallocAlgorithm::SinglePass, "fast"),
    ] {
        let code = compile(algorithm);
        if let Some(got) = run_under_qemu(&code, name) {
            assert_eq!(got, want.join(" "), "{name}");
        }
    }
}
