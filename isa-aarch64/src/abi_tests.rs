//! Frame code: printed prologue/epilogue for representative frames, and every
//! generated instruction (including the `x16` paths for huge frames) checked against
//! `llvm-mc-14 -triple=aarch64 -show-encoding` of its printed text.

use super::*;
use crate::emit::EmitState;
use crate::label_use::LabelUse;
use atoll_codegen::machinst::{FrameLayoutInput, StackSlotSpec};
use atoll_codegen::testing::RecordingSink;
use std::io::Write;
use std::process::{Command, Stdio};

fn frame(saves: &[PReg], spills: u32, slot_bytes: u32) -> FrameLayout {
    let saves: Vec<(PReg, u32)> = saves.iter().map(|&r| (r, 8)).collect();
    let slots = [StackSlotSpec {
        size: slot_bytes,
        align: 8,
    }];
    FrameLayout::compute(&FrameLayoutInput {
        word_bytes: 8,
        stack_align: 16,
        setup_area_size: 16,
        clobbered_callee_saves: &saves,
        stack_slots: if slot_bytes > 0 { &slots } else { &[] },
        num_spillslots: spills,
        spillslot_bytes: 8,
        outgoing_args_size: 0,
    })
    .unwrap()
}

fn print_all(insts: &[Inst]) -> Vec<String> {
    insts.iter().map(|i| i.print()).collect()
}

/// Emit `insts` and compare with llvm-mc's bytes for their printed text.
fn check_with_llvm_mc(insts: &[Inst]) {
    let mut sink = RecordingSink::<LabelUse>::default();
    for i in insts {
        i.emit(&mut sink, &mut EmitState::default());
    }
    let text: String = insts
        .iter()
        .flat_map(|i| {
            i.print()
                .split(" ; ")
                .map(|s| s.to_string() + "\n")
                .collect::<Vec<_>>()
        })
        .collect();
    let mut child = Command::new("llvm-mc-14")
        .args(["-triple=aarch64", "-show-encoding"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("llvm-mc-14 (Debian package llvm-14) is needed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once("encoding: [")
                .map(|(_, r)| r.trim_end_matches(']').to_string())
        })
        .flat_map(|r| {
            r.split(',')
                .map(|b| b.trim().trim_start_matches("0x").to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let got: String = sink.bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got, expected, "for:\n{text}");
}

#[test]
fn leaf_frame_without_locals() {
    let abi = AArch64Abi::new(CallConv::SystemV);
    let f = frame(&[], 0, 0);
    let (mut pro, mut epi) = (Vec::new(), Vec::new());
    abi.gen_prologue(&f, &mut pro);
    abi.gen_epilogue(&f, &mut epi);
    assert_eq!(
        print_all(&pro),
        ["stp x29, x30, [sp, #-16]!", "mov x29, sp"]
    );
    assert_eq!(print_all(&epi), ["ldp x29, x30, [sp], #16"]);
    check_with_llvm_mc(&pro);
    check_with_llvm_mc(&epi);
}

#[test]
fn frame_with_callee_saves_and_spills() {
    let abi = AArch64Abi::new(CallConv::SystemV);
    let f = frame(
        &[
            xreg_preg(19),
            xreg_preg(20),
            xreg_preg(21),
            vreg_preg(8),
            vreg_preg(9),
        ],
        3,
        20,
    );
    let (mut pro, mut epi) = (Vec::new(), Vec::new());
    abi.gen_prologue(&f, &mut pro);
    abi.gen_epilogue(&f, &mut epi);
    // 3 spill slots (24) + 20-byte slot = 44 → 48; saves 40 → 48; total 96.
    assert_eq!(f.sp_adjustment(), 96);
    assert_eq!(
        print_all(&pro),
        [
            "stp x29, x30, [sp, #-16]!",
            "mov x29, sp",
            "sub sp, sp, #96",
            "stp x19, x20, [sp, #48]",
            "str x21, [sp, #64]",
            "stp d8, d9, [sp, #72]",
        ]
    );
    assert_eq!(
        print_all(&epi),
        [
            "ldp x19, x20, [sp, #48]",
            "ldr x21, [sp, #64]",
            "ldp d8, d9, [sp, #72]",
            "mov sp, x29",
            "ldp x29, x30, [sp], #16"
        ]
    );
    check_with_llvm_mc(&pro);
    check_with_llvm_mc(&epi);
    let spill = abi.gen_spill(&f, SpillSlot::new(2), vreg_preg(3));
    assert_eq!(spill.print(), "str d3, [sp, #16]");
    let reload = abi.gen_reload(&f, xreg_preg(4), SpillSlot::new(1));
    assert_eq!(reload.print(), "ldr x4, [sp, #8]");
}

/// A frame of several MiB: the SP adjustment and far spill slots go through `x16`.
#[test]
fn huge_frame_uses_x16() {
    let abi = AArch64Abi::new(CallConv::SystemV);
    let f = frame(&[xreg_preg(19)], 2, 5 << 20);
    let (mut pro, mut epi) = (Vec::new(), Vec::new());
    abi.gen_prologue(&f, &mut pro);
    abi.gen_epilogue(&f, &mut epi);
    let text = print_all(&pro).join("\n");
    assert!(text.contains("sub sp, sp, x16, uxtx"), "{text}");
    assert!(text.contains("[sp, x16]"), "{text}");
    check_with_llvm_mc(&pro);
    check_with_llvm_mc(&epi);
    let far = Inst::Load {
        op: LoadOp::ULoad64,
        rd: writable_xreg(0),
        mem: AMode::SpOffset { off: 0x12_3458 },
    };
    assert_eq!(
        far.print(),
        "movz x16, #0x3458 ; movk x16, #0x12, lsl #16 ; ldr x0, [sp, x16]"
    );
    assert_eq!(far.max_size(), 20);
    check_with_llvm_mc(&[far]);
    let near_unscaled = Inst::Store {
        op: StoreOp::Store64,
        rt: xreg(1),
        mem: AMode::SpOffset { off: 12 },
    };
    assert_eq!(near_unscaled.print(), "stur x1, [sp, #12]");
    check_with_llvm_mc(&[near_unscaled]);
}

#[test]
fn conventions() {
    let sysv = AArch64Abi::new(CallConv::SystemV);
    assert_eq!(sysv.arg_regs().int.len(), 8);
    assert_eq!(sysv.arg_regs().float.len(), 8);
    let fast = AArch64Abi::new(CallConv::Fast);
    assert_eq!(fast.arg_regs().int.len(), 16);
    assert_eq!(fast.arg_regs().float.len(), 16);
    for abi in [&sysv, &fast] {
        let saved = abi.callee_saved();
        for r in abi.arg_regs().int.iter().chain(abi.arg_regs().float) {
            assert!(
                !saved.contains(*r),
                "{r} is both an argument and callee-saved"
            );
        }
        for reserved in [16, 17, 18] {
            assert!(!abi.arg_regs().int.contains(&xreg_preg(reserved)));
        }
    }
}
