//! The A32 backend through the whole machine-code pipeline: hand-lowered VCode (a loop
//! with block parameters, a block with more live values than registers, float values
//! across the loop) → regalloc2 (SSA validation and checker on, both allocators) →
//! `emit_function` with the AAPCS hooks into a `MachBuffer` → linked with a C harness
//! and run under `qemu-arm`. Checks the operand walk, moves, integer and float
//! spills/reloads (`SpLoad`/`SpStore`), callee-saved registers in the prologue and
//! epilogue, and branch patching. Without the cross compiler or qemu the execution
//! part prints why and is skipped.

use std::process::Command;

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
    let n = b.alloc_vreg(RegClass::Int);
    let zero = b.alloc_vreg(RegClass::Int);
    let (fbits, fzero) = (b.alloc_vreg(RegClass::Float), b.alloc_vreg(RegClass::Float));
    // block0: args; i = acc = 0; fsum = 0.0; jump block1(0, 0, 0.0)
    b.start_block(false).unwrap();
    b.push(Inst::Args {
        args: vec![(w(n), rreg_preg(0))],
    })
    .unwrap();
    b.push(Inst::LoadConst32 {
        rd: w(zero),
        value: 0,
    })
    .unwrap();
    b.push(Inst::MovToFpu {
        rd: w(fbits),
        rn: zero,
    })
    .unwrap();
    b.push(Inst::FpuCvt {
        op: FpuCvt::S32ToF64,
        rd: w(fzero),
        rm: fbits,
    })
    .unwrap();
    b.push(Inst::Jmp {
        target: MachLabel(1),
    })
    .unwrap();
    b.end_block(&[(1, &[zero, zero, fzero])]).unwrap();
    // block1(i, acc, fsum): if i < n goto block2 else block3
    b.start_block(false).unwrap();
    let (i, acc, fsum) = (
        b.alloc_vreg(RegClass::Int),
        b.alloc_vreg(RegClass::Int),
        b.alloc_vreg(RegClass::Float),
    );
    for p in [i, acc, fsum] {
        b.add_block_param(p).unwrap();
    }
    b.push(Inst::Cmp {
        op: CmpOp::Cmp,
        cond: Cond::Al,
        rn: i,
        op2: Operand2::Reg(n),
    })
    .unwrap();
    b.push(Inst::CondBr {
        cond: Cond::Lt,
        taken: MachLabel(2),
        not_taken: MachLabel(3),
    })
    .unwrap();
    b.end_block(&[(2, &[]), (3, &[])]).unwrap();
    // block2: acc += i*i (one `mla`); fsum += (double)i; i += 1; jump block1
    b.start_block(false).unwrap();
    let (acc2, i2) = (b.alloc_vreg(RegClass::Int), b.alloc_vreg(RegClass::Int));
    let (fi_bits, fi, fsum2) = (
        b.alloc_vreg(RegClass::Float),
        b.alloc_vreg(RegClass::Float),
        b.alloc_vreg(RegClass::Float),
    );
    b.push(Inst::Mul {
        op: MulOp::Mla,
        rd: w(acc2),
        rn: i,
        rm: i,
        ra: acc,
    })
    .unwrap();
    b.push(Inst::MovToFpu {
        rd: w(fi_bits),
        rn: i,
    })
    .unwrap();
    b.push(Inst::FpuCvt {
        op: FpuCvt::S32ToF64,
        rd: w(fi),
        rm: fi_bits,
    })
    .unwrap();
    b.push(Inst::FpuRRR {
        op: FpuOp2::Add,
        size: FpSize::F64,
        cond: Cond::Al,
        rd: w(fsum2),
        rn: fsum,
        rm: fi,
    })
    .unwrap();
    b.push(add(
        i2,
        i,
        Operand2::Imm(ModImm::maybe_from_u32(1).unwrap()),
    ))
    .unwrap();
    b.push(Inst::Jmp {
        target: MachLabel(1),
    })
    .unwrap();
    b.end_block(&[(1, &[i2, acc2, fsum2])]).unwrap();
    // block3: LIVE values acc + k, all alive, then summed.
    b.start_block(false).unwrap();
    let vals: Vec<Reg> = (1..=LIVE)
        .map(|k| {
            let v = b.alloc_vreg(RegClass::Int);
            b.push(add(
                v,
                acc,
                Operand2::Imm(ModImm::maybe_from_u32(k).unwrap()),
            ))
            .unwrap();
            v
        })
        .collect();
    let mut sum = vals[vals.len() - 1];
    for &v in vals.iter().rev().skip(1) {
        let s = b.alloc_vreg(RegClass::Int);
        b.push(add(s, sum, Operand2::Reg(v))).unwrap();
        sum = s;
    }
    // FLIVE doubles fsum + k, all alive at once (more than the 16 D registers),
    // summed into f2.
    let fvals: Vec<Reg> = (1..=FLIVE)
        .map(|k| {
            let (c, v) = (b.alloc_vreg(RegClass::Float), b.alloc_vreg(RegClass::Float));
            let imm = VfpImm8::maybe_from_f64(k as f64).unwrap();
            b.push(Inst::FpuMovImm {
                size: FpSize::F64,
                cond: Cond::Al,
                rd: w(c),
                imm,
            })
            .unwrap();
            b.push(fadd(v, fsum, c)).unwrap();
            v
        })
        .collect();
    let mut f2 = fvals[fvals.len() - 1];
    for &v in fvals.iter().rev().skip(1) {
        let s = b.alloc_vreg(RegClass::Float);
        b.push(fadd(s, f2, v)).unwrap();
        f2 = s;
    }
    let (fint, iint, total) = (
        b.alloc_vreg(RegClass::Float),
        b.alloc_vreg(RegClass::Int),
        b.alloc_vreg(RegClass::Int),
    );
    b.push(Inst::FpuCvt {
        op: FpuCvt::F64ToS32,
        rd: w(fint),
        rm: f2,
    })
    .unwrap();
    b.push(Inst::MovFromFpu {
        rd: w(iint),
        rn: fint,
    })
    .unwrap();
    b.push(add(total, sum, Operand2::Reg(iint))).unwrap();
    b.push(Inst::Ret {
        rets: vec![(total, rreg_preg(0))],
    })
    .unwrap();
    b.end_block(&[]).unwrap();
    b.finish().unwrap()
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

fn run_under_qemu(code: &[u8], name: &str) -> Option<String> {
    let ok = |t: &str| {
        Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ok("arm-linux-gnueabihf-gcc") || !ok("qemu-arm") {
        eprintln!("skipped execution: arm-linux-gnueabihf-gcc or qemu-arm missing");
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "atoll-arm32-pipeline-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes: Vec<String> = code.iter().map(|b| format!("{b:#04x}")).collect();
    let asm = format!(
        "\t.text\n\t.arm\n\t.p2align 4\n\t.globl f\n\t.type f, %function\nf:\n\t.byte {}\n\
         \t.section .note.GNU-stack,\"\",%progbits\n",
        bytes.join(", ")
    );
    std::fs::write(dir.join("f.s"), asm).unwrap();
    let harness = "#include <stdio.h>\nunsigned f(unsigned);\n\
        int main(void){ for (unsigned n = 0; n < 12; n += 5) printf(\"%u \", f(n)); printf(\"\\n\"); return 0; }\n";
    std::fs::write(dir.join("main.c"), harness).unwrap();
    let exe = dir.join("t");
    let out = Command::new("arm-linux-gnueabihf-gcc")
        .args(["-static", "-o"])
        .arg(&exe)
        .arg(dir.join("main.c"))
        .arg(dir.join("f.s"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("qemu-arm").arg(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "crashed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

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
        if let Some(got) = run_under_qemu(&code, name) {
            assert_eq!(got, want.join(" "), "{name}");
        }
    }
}
