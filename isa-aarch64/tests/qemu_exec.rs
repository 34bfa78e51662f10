//! Execution under `qemu-aarch64` of code laid out as the buffer would lay it out:
//! veneer chains (including the long veneer across more than 128 MiB) and the
//! jump-table sequence.
//!
//! The code is written as pieces at chosen offsets of one blob; gaps become `.skip`
//! in a GNU assembler file (so no huge input is written), linked with a small C
//! harness by `aarch64-linux-gnu-gcc -static` and run with `qemu-aarch64`. Every
//! label use is patched with `LabelUse::patch` and every veneer written by
//! `LabelUse::generate_veneer`, exactly as the buffer does.
//!
//! Skipped (with a printed reason) when the cross compiler or qemu is missing.

use std::fmt::Write as _;

use atoll_codegen::buffer::{LabelUse as _, MachLabel};
use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::RecordingSink;
use atoll_isa_aarch64::imms::{Imm12, MoveWideConst, SImm7Scaled};
use atoll_isa_aarch64::inst::{
    ALUOp, CondBrKind, Inst, MoveWideOp, OperandSize, PairAMode, PairKind,
};
use atoll_isa_aarch64::regs::{writable_stack_reg, writable_xreg, xreg, RegOrSp};
use atoll_isa_aarch64::{EmitState, LabelUse};

mod common;
use common::qemu::{run, tools_present};

const MIB: u64 = 1 << 20;

/// Pieces of code at absolute offsets of one blob, with optional global symbols.
#[derive(Default)]
struct Blob {
    pieces: Vec<(u64, Vec<u8>, Option<&'static str>)>,
}

impl Blob {
    fn put(&mut self, at: u64, bytes: Vec<u8>, symbol: Option<&'static str>) {
        self.pieces.push((at, bytes, symbol));
    }

    fn into_asm(mut self) -> String {
        self.pieces.sort_by_key(|p| p.0);
        // Own section, so a big blob does not push libc's `.text` calls out of range.
        let mut s = String::from("\t.section .atoll_text,\"ax\",@progbits\n\t.p2align 4\nblob:\n");
        let mut pos = 0u64;
        for (at, bytes, symbol) in &self.pieces {
            assert!(*at >= pos, "pieces overlap at {at:#x}");
            if *at > pos {
                writeln!(s, "\t.skip {}", at - pos).unwrap();
            }
            if let Some(sym) = symbol {
                writeln!(s, "\t.globl {sym}\n\t.type {sym}, %function\n{sym}:").unwrap();
            }
            for chunk in bytes.chunks(16) {
                let list: Vec<String> = chunk.iter().map(|b| format!("{b:#04x}")).collect();
                writeln!(s, "\t.byte {}", list.join(", ")).unwrap();
            }
            pos = at + bytes.len() as u64;
        }
        s
    }
}

/// Emit `insts` as if placed at `at`; label `i` resolves to `labels[i]`.
fn code_at(insts: &[Inst], at: u64, labels: &[u64]) -> Vec<u8> {
    let mut sink = RecordingSink::<LabelUse>::default();
    let mut state = EmitState::default();
    for inst in insts {
        inst.emit(&mut sink, &mut state);
    }
    let mut bytes = sink.bytes;
    for (off, label, kind) in sink.label_uses {
        kind.patch(
            &mut bytes[off as usize..],
            at + off,
            labels[label.0 as usize],
        );
    }
    bytes
}

/// A veneer of `kind` at `at` whose own use is patched to `target`.
fn veneer_at(kind: LabelUse, at: u64, target: u64) -> (Vec<u8>, LabelUse) {
    let mut bytes = vec![0u8; kind.veneer_size() as usize];
    let (off, next) = kind.generate_veneer(&mut bytes, at);
    next.patch(&mut bytes[off as usize..], at + off, target);
    (bytes, next)
}

fn movz(rd: u8, v: u16) -> Inst {
    Inst::MovWide {
        op: MoveWideOp::MovZ,
        size: OperandSize::Size64,
        rd: writable_xreg(rd),
        imm: MoveWideConst::maybe_from_u64(u64::from(v)).unwrap(),
    }
}

/// `x0 = v; ret`.
fn returns(v: u16) -> Vec<Inst> {
    vec![movz(0, v), Inst::ret()]
}

/// `cbnz` → `b` veneer → long veneer → a function 129 MiB behind, and `tbnz` →
/// `b` → long veneer → a function ahead; both return a marker value.
#[test]
fn long_veneer_chains_execute() {
    if !tools_present() {
        return;
    }
    let t_back = 0u64;
    let e = 129 * MIB; // entry code, beyond Branch26 reach of t_back
    let (e_fwd, e_bwd) = (e, e + 16);
    let (v1_fwd, v1_bwd) = (e + 32, e + 36);
    let (v2_fwd, v2_bwd) = (e + 40, e + 60);
    let t_fwd = e + 4096;

    let mut blob = Blob::default();
    blob.put(t_back, code_at(&returns(43), t_back, &[]), None);
    blob.put(t_fwd, code_at(&returns(42), t_fwd, &[]), None);
    // Entry stubs: x0 = 1, branch on it (always taken) to the first veneer, else 7.
    let fwd = [
        movz(0, 1),
        Inst::OneWayCondBr {
            target: MachLabel(0),
            kind: CondBrKind::NotZero(xreg(0), OperandSize::Size64),
        },
        movz(0, 7),
        Inst::ret(),
    ];
    blob.put(e_fwd, code_at(&fwd, e_fwd, &[v1_fwd]), Some("entry_fwd"));
    let bwd = [
        movz(0, 1),
        Inst::TestBitAndBranch {
            rn: xreg(0),
            bit: 0,
            nonzero: true,
            target: MachLabel(0),
        },
        movz(0, 7),
        Inst::ret(),
    ];
    blob.put(e_bwd, code_at(&bwd, e_bwd, &[v1_bwd]), Some("entry_bwd"));
    let (b_fwd, k) = veneer_at(LabelUse::Branch19, v1_fwd, v2_fwd);
    assert_eq!(k, LabelUse::Branch26);
    blob.put(v1_fwd, b_fwd, None);
    let (b_bwd, _) = veneer_at(LabelUse::Branch14, v1_bwd, v2_bwd);
    blob.put(v1_bwd, b_bwd, None);
    let (long_fwd, k) = veneer_at(LabelUse::Branch26, v2_fwd, t_fwd);
    assert_eq!(k, LabelUse::PCRel32);
    blob.put(v2_fwd, long_fwd, None);
    let (long_bwd, _) = veneer_at(LabelUse::Branch26, v2_bwd, t_back);
    blob.put(v2_bwd, long_bwd, None);
    assert!(
        !LabelUse::Branch26.in_range(t_back as i64 - v2_bwd as i64),
        "the backward target must be out of b range"
    );

    let harness = r#"
#include <stdio.h>
long entry_fwd(void);
long entry_bwd(void);
/* Called through pointers: the blob may be out of `bl` range of main. */
long (*volatile fwd)(void) = entry_fwd;
long (*volatile bwd)(void) = entry_bwd;
int main(void) {
    long a = fwd(), b = bwd();
    printf("%ld %ld\n", a, b);
    return !(a == 42 && b == 43);
}
"#;
    assert_eq!(run("veneer", &blob.into_asm(), harness).trim(), "42 43");
}

/// A call (`bl`) through the long veneer returns to its caller: the veneer must not
/// touch `x30`.
#[test]
fn call_through_long_veneer_returns() {
    if !tools_present() {
        return;
    }
    let caller = 0u64;
    let veneer = 64u64;
    let callee = 4096u64;
    let mut blob = Blob::default();
    let simm7 = |v| SImm7Scaled::maybe_from_i64(v, 8).unwrap();
    // Save fp/lr, call through the veneer, add 1 to the result, restore, return.
    let body = [
        Inst::StorePair {
            kind: PairKind::X64,
            rt: xreg(29),
            rt2: xreg(30),
            mem: PairAMode::PreIndexed {
                rn: writable_stack_reg(),
                simm7: simm7(-16),
            },
        },
        Inst::CallLabel {
            dest: MachLabel(0),
            info: Box::default(),
        },
        Inst::AluRRImm12 {
            op: ALUOp::Add,
            size: OperandSize::Size64,
            rd: Writable::from_reg(RegOrSp::x(0)),
            rn: RegOrSp::x(0),
            imm12: Imm12::maybe_from_u64(1).unwrap(),
        },
        Inst::LoadPair {
            kind: PairKind::X64,
            rt: writable_xreg(29),
            rt2: writable_xreg(30),
            mem: PairAMode::PostIndexed {
                rn: writable_stack_reg(),
                simm7: simm7(16),
            },
        },
        Inst::ret(),
    ];
    blob.put(caller, code_at(&body, caller, &[veneer]), Some("caller"));
    blob.put(
        veneer,
        veneer_at(LabelUse::Branch26, veneer, callee).0,
        None,
    );
    blob.put(callee, code_at(&returns(99), callee, &[]), None);
    let harness = "#include <stdio.h>\nlong caller(void);\nint main(void){ long r = caller(); printf(\"%ld\\n\", r); return r != 100; }\n";
    assert_eq!(run("call", &blob.into_asm(), harness).trim(), "100");
}

/// The jump-table sequence dispatches every index to its own target, and indices
/// out of bounds to the default.
#[test]
fn jump_table_executes() {
    if !tools_present() {
        return;
    }
    let n = 5u64;
    let mut blob = Blob::default();
    let targets: Vec<MachLabel> = (0..n as u32).map(MachLabel).collect();
    let mut target_at: Vec<u64> = (0..n).map(|i| 1024 + 64 * ((i * 3) % n)).collect();
    let default_at = 4096;
    let cmp = Inst::AluRRImm12S {
        op: ALUOp::SubS,
        size: OperandSize::Size64,
        rd: Writable::from_reg(atoll_isa_aarch64::regs::zero_reg()),
        rn: RegOrSp::x(0),
        imm12: Imm12::maybe_from_u64(n).unwrap(),
    };
    let jt = Inst::JTSequence {
        ridx: xreg(0),
        rtmp1: writable_xreg(9),
        rtmp2: writable_xreg(10),
        default: MachLabel(n as u32),
        targets: targets.into_boxed_slice(),
    };
    target_at.push(default_at);
    blob.put(0, code_at(&[cmp, jt], 0, &target_at), Some("dispatch"));
    for (i, at) in target_at.iter().enumerate() {
        let v = if *at == default_at {
            99
        } else {
            200 + i as u16
        };
        blob.put(*at, code_at(&returns(v), *at, &[]), None);
    }
    let harness = "#include <stdio.h>\nlong dispatch(long);\nint main(void){ for (long i = 0; i < 7; i++) printf(\"%ld \", dispatch(i)); printf(\"\\n\"); return 0; }\n";
    assert_eq!(
        run("jt", &blob.into_asm(), harness).trim(),
        "200 201 202 203 204 99 99"
    );
}
