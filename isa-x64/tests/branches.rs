//! Every x64 branch, call and veneer form, checked by GNU objdump.
//!
//! Each case encodes one instruction with our emitter, patches its label use (or its
//! call relocation, through `LabelUse::from_reloc`) for a label at a known distance,
//! and asks `objdump -D -b binary -m i386:x86-64 -M intel --adjust-vma=<base>` where
//! the instruction goes. The instruction is placed at a high virtual address so
//! backward references up to the full reach stay positive; distances cover both
//! directions, the exact minimum and maximum reach, and short hops.

use std::io::Write;
use std::process::Command;

use atoll_codegen::buffer::{CodeOffset, IslandIsa, LabelUse as _, MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::RecordingSink;
use atoll_isa_x64::inst::{Amode, Inst, RegMem, CC};
use atoll_isa_x64::regs::*;
use atoll_isa_x64::{EmitState, LabelUse};

const BASE: u64 = 0x1_0000_0000;

/// `(address, text)` of each instruction objdump decodes from `bytes` placed at `vma`.
fn objdump_at(bytes: &[u8], vma: u64) -> Vec<(u64, String)> {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "atoll-x64-branches-{}-{}.bin",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .unwrap();
    let out = Command::new("objdump")
        .args([
            "-D",
            "-b",
            "binary",
            "-m",
            "i386:x86-64",
            "-M",
            "intel",
            "-z",
        ])
        .arg(format!("--adjust-vma={vma:#x}"))
        .arg(&path)
        .output()
        .expect("objdump (Debian package `binutils`) must be installed");
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (addr, rest) = l.split_once(":\t")?;
            let addr = u64::from_str_radix(addr.trim(), 16).ok()?;
            let text = rest.split_once('\t')?.1;
            Some((addr, text.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

/// The hex address at the end of a `jmp 0x...`/`call 0x...` line, or in a `# 0x...`
/// comment.
fn printed_target(text: &str) -> u64 {
    let last = text.rsplit(' ').next().unwrap();
    u64::from_str_radix(last.trim_start_matches("0x"), 16)
        .unwrap_or_else(|_| panic!("no target in `{text}`"))
}

fn emit(inst: &Inst) -> RecordingSink<LabelUse> {
    let mut sink = RecordingSink::default();
    inst.emit(&mut sink, &mut EmitState::default());
    sink
}

/// The single PC-relative use an instruction made (label use or call relocation).
fn only_use(sink: &RecordingSink<LabelUse>) -> (CodeOffset, LabelUse) {
    match (&sink.label_uses[..], &sink.relocs[..]) {
        ([(off, _, kind)], []) => (*off, *kind),
        ([], [(off, reloc, _, addend)]) => (
            *off,
            LabelUse::from_reloc(*reloc, *addend).expect("call reloc maps"),
        ),
        other => panic!("expected one use, got {other:?}"),
    }
}

/// Encode `inst` at `BASE`, point its use at `BASE + use_offset + delta`, and return
/// the target objdump prints alongside the expected one.
fn check_rel32(inst: &Inst, delta: i64) {
    let mut sink = emit(inst);
    let (off, kind) = only_use(&sink);
    assert_eq!(kind, LabelUse::JmpRel32);
    let use_at = BASE + off;
    let label = (use_at as i64 + delta) as u64;
    kind.patch(&mut sink.bytes[off as usize..], use_at, label);
    let lines = objdump_at(&sink.bytes, BASE);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        printed_target(&lines[0].1),
        label,
        "{inst:?} delta {delta}: {}",
        lines[0].1
    );
}

fn rel32_distances() -> Vec<i64> {
    let k = LabelUse::JmpRel32;
    vec![
        k.max_pos_range() as i64,
        -(k.max_neg_range() as i64),
        k.max_pos_range() as i64 - 1,
        -(k.max_neg_range() as i64) + 1,
        4,
        0,
        -1,
        -0x1234,
        0x7654_3210,
    ]
}

#[test]
fn jmp_jcc_and_call_reach_their_full_range() {
    let l = MachLabel(0);
    let mut forms = vec![
        Inst::Jmp { target: l },
        Inst::CallKnown {
            target: RelocTarget(3),
            info: Box::default(),
        },
    ];
    forms.extend((0..16).map(|n| Inst::JmpIf {
        cc: CC::from_nibble(n),
        taken: l,
    }));
    for inst in &forms {
        for d in rel32_distances() {
            check_rel32(inst, d);
        }
    }
}

#[test]
fn range_edges_are_exact() {
    // One byte further in either direction no longer fits the rel32 field.
    let k = LabelUse::JmpRel32;
    assert_eq!(k.max_pos_range() as i64 - 4, i64::from(i32::MAX));
    assert_eq!(-(k.max_neg_range() as i64) - 4, i64::from(i32::MIN));
}

#[test]
fn cond_branch_pair_targets_both_labels() {
    let inst = Inst::JmpCond {
        cc: CC::NLE,
        taken: MachLabel(1),
        not_taken: MachLabel(2),
    };
    let mut sink = emit(&inst);
    let targets = [BASE + 0x7000_0000, BASE - 0x7000_0000];
    for &(off, label, kind) in &sink.label_uses.clone() {
        kind.patch(
            &mut sink.bytes[off as usize..],
            BASE + off,
            targets[label.0 as usize - 1],
        );
    }
    let lines = objdump_at(&sink.bytes, BASE);
    assert_eq!(lines[0].1, format!("jg {:#x}", targets[0]));
    assert_eq!(lines[1].1, format!("jmp {:#x}", targets[1]));
}

#[test]
fn island_jump_is_a_patched_jmp() {
    let mut bytes = Vec::new();
    let (off, kind) = LabelUse::write_jump(&mut bytes);
    kind.patch(&mut bytes[off as usize..], BASE + off, BASE + 0x40);
    assert_eq!(
        objdump_at(&bytes, BASE),
        vec![(BASE, format!("jmp {:#x}", BASE + 0x40))]
    );
}

#[test]
fn trap_and_padding_decode_as_ud2_and_nops() {
    let mut bytes = Vec::new();
    LabelUse::write_trap(&mut bytes);
    for len in 1..=20 {
        LabelUse::write_padding(&mut bytes, len);
    }
    let lines = objdump_at(&bytes, 0);
    assert_eq!(lines[0].1, "ud2");
    assert!(
        lines[1..]
            .iter()
            .all(|(_, t)| t.starts_with("nop") || t.starts_with("xchg ax,ax")),
        "{lines:?}"
    );
    let end = lines.last().unwrap().0;
    assert!(end < bytes.len() as u64);
}

/// Route a use of `inst` through a long veneer placed `gap` bytes after it to a target
/// `far` bytes from the veneer; check every hop objdump shows.
fn check_veneer_chain(inst: &Inst, gap: usize, far: i64) {
    let mut sink = emit(inst);
    let (off, kind) = only_use(&sink);
    let veneer_at = sink.bytes.len() + gap;
    let mut bytes = sink.bytes.clone();
    bytes.resize(veneer_at + kind.veneer_size() as usize, 0x90);
    let (vuse, vkind) = kind.generate_veneer(&mut bytes[veneer_at..], BASE + veneer_at as u64);
    let target = (BASE as i64 + veneer_at as i64 + far) as u64;
    let vuse_at = veneer_at + vuse as usize;
    vkind.patch(&mut bytes[vuse_at..], BASE + vuse_at as u64, target);
    kind.patch(
        &mut bytes[off as usize..],
        BASE + off,
        BASE + veneer_at as u64,
    );
    sink.bytes.clear();

    let code_len = veneer_at + 17; // objdump must not decode the data word
    let lines = objdump_at(&bytes[..code_len], BASE);
    let first = &lines[0].1;
    assert_eq!(printed_target(first), BASE + veneer_at as u64, "{first}");
    let v: Vec<&str> = lines
        .iter()
        .filter(|(a, _)| *a >= BASE + veneer_at as u64)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(v.len(), 4, "{lines:?}");
    assert!(v[0].starts_with("lea r11,[rip+0xa]"), "{}", v[0]);
    assert_eq!(printed_target(v[0]), BASE + vuse_at as u64);
    assert_eq!(
        &v[1..],
        ["mov r10,QWORD PTR [r11]", "lea r11,[r11+r10*1]", "jmp r11"]
    );
    // What `lea r11, [r11 + r10]` computes: the word's address plus the word.
    let word = i64::from_le_bytes(bytes[vuse_at..vuse_at + 8].try_into().unwrap());
    assert_eq!((BASE + vuse_at as u64).wrapping_add(word as u64), target);
}

#[test]
fn long_veneers_extend_every_rel32_form() {
    let l = MachLabel(0);
    let forms = [
        Inst::Jmp { target: l },
        Inst::JmpIf {
            cc: CC::B,
            taken: l,
        },
        Inst::CallKnown {
            target: RelocTarget(0),
            info: Box::default(),
        },
    ];
    for inst in &forms {
        for (gap, far) in [
            (0, 6i64 << 30),
            (100, -(3i64 << 30)),
            (7, 1 << 40),
            (0, -0x1_0000_0001),
        ] {
            check_veneer_chain(inst, gap, far);
        }
    }
}

#[test]
fn indirect_jumps_and_calls() {
    let forms = [
        (
            Inst::JmpUnknown {
                target: RegMem::Reg(r11()),
            },
            "jmp r11",
        ),
        (
            Inst::CallUnknown {
                target: RegMem::Reg(rax()),
                info: Box::default(),
            },
            "call rax",
        ),
        (
            Inst::CallUnknown {
                target: RegMem::Mem(Amode::imm_reg(16, r12())),
                info: Box::default(),
            },
            "call QWORD PTR [r12+0x10]",
        ),
        (
            Inst::Ret {
                stack_bytes: 0,
                rets: vec![],
            },
            "ret",
        ),
        (
            Inst::Ret {
                stack_bytes: 16,
                rets: vec![],
            },
            "ret 0x10",
        ),
    ];
    for (inst, text) in forms {
        let lines = objdump_at(&emit(&inst).bytes, 0);
        assert_eq!(lines, vec![(0, text.to_string())]);
    }
}

#[test]
fn trap_if_skips_its_ud2_when_the_condition_fails() {
    let sink = emit(&Inst::TrapIf {
        cc: CC::Z,
        code: TrapCode::INTEGER_DIVISION_BY_ZERO,
    });
    let lines = objdump_at(&sink.bytes, BASE);
    assert_eq!(lines[0].1, format!("jne {:#x}", BASE + 4));
    assert_eq!(lines[1], (BASE + 2, "ud2".to_string()));
    assert_eq!(sink.traps, vec![(2, TrapCode::INTEGER_DIVISION_BY_ZERO)]);
}

#[test]
fn jump_table_entries_are_relative_to_the_table() {
    for (idx, t1, t2) in [
        (rax(), rcx(), rdx()),
        (r9(), r13(), r15()),
        (rbp(), r8(), rsi()),
    ] {
        let targets: Box<[MachLabel]> = (0..3).map(MachLabel).collect();
        let inst = Inst::JmpTableSeq {
            idx,
            tmp1: Writable::from_reg(t1),
            tmp2: Writable::from_reg(t2),
            targets,
        };
        let mut sink = emit(&inst);
        let label_at = [BASE + 0x10_0000, BASE - 0x20, BASE + 3];
        for &(off, label, kind) in &sink.label_uses.clone() {
            assert_eq!(kind, LabelUse::PCRel32);
            kind.patch(
                &mut sink.bytes[off as usize..],
                BASE + off,
                label_at[label.0 as usize],
            );
        }
        let table = sink.bytes.len() - 12;
        let lines = objdump_at(&sink.bytes[..table], BASE);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(
            printed_target(&lines[0].1),
            BASE + table as u64,
            "lea must address the table"
        );
        let n1 = reg_name(t1, 8);
        let n2 = reg_name(t2, 8);
        // rbp/r13 as base carry an explicit zero disp8.
        assert_eq!(
            lines[1].1.replace("+0x0]", "]"),
            format!("movsxd {n2},DWORD PTR [{n1}+{}*4]", reg_name(idx, 8))
        );
        assert_eq!(lines[2].1, format!("add {n2},{n1}"));
        assert_eq!(lines[3].1, format!("jmp {n2}"));
        for (i, want) in label_at.iter().enumerate() {
            let at = table + 4 * i;
            let entry = i32::from_le_bytes(sink.bytes[at..at + 4].try_into().unwrap());
            assert_eq!(
                (BASE + table as u64).wrapping_add(entry as i64 as u64),
                *want
            );
        }
    }
}

/// Encode `inst`, resolve its single `PCRel32` use (or `X86PCRel4` relocation) to a
/// label at `delta` from the field, and check objdump's computed address.
fn check_rip_relative(inst: &Inst, delta: i64) {
    let mut sink = emit(inst);
    let (off, kind) = only_use(&sink);
    assert_eq!(kind, LabelUse::PCRel32, "{inst:?}");
    let use_at = BASE + off;
    let label = (use_at as i64 + delta) as u64;
    kind.patch(&mut sink.bytes[off as usize..], use_at, label);
    let lines = objdump_at(&sink.bytes, BASE);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].1.contains("rip+"), "{}", lines[0].1);
    assert_eq!(
        printed_target(&lines[0].1),
        label,
        "{inst:?} delta {delta}: {}",
        lines[0].1
    );
}

#[test]
fn rip_relative_operands_address_their_label_whatever_follows_the_field() {
    use atoll_isa_x64::imms::{RoundImm, Simm32};
    use atoll_isa_x64::inst::{OperandSize, RegMemImm, SseOp};
    let l = Amode::RipRelative {
        target: MachLabel(0),
    };
    let w = Writable::from_reg;
    let forms = [
        Inst::Lea {
            size: OperandSize::S64,
            src: l,
            dst: w(rax()),
        },
        Inst::MovRM {
            size: OperandSize::S64,
            src: r9(),
            dst: l,
        },
        // imm32 after the displacement: the end of the instruction is 4 bytes later.
        Inst::MovImmM {
            size: OperandSize::S32,
            imm: Simm32::from_i32(1234),
            dst: l,
        },
        Inst::MovImmM {
            size: OperandSize::S16,
            imm: Simm32::from_i32(-3),
            dst: l,
        },
        Inst::MovImmM {
            size: OperandSize::S8,
            imm: Simm32::from_i32(-2),
            dst: l,
        },
        Inst::IMulImm {
            size: OperandSize::S32,
            src: RegMem::Mem(l),
            imm: Simm32::from_i32(7),
            dst: w(rcx()),
        },
        Inst::IMulImm {
            size: OperandSize::S64,
            src: RegMem::Mem(l),
            imm: Simm32::from_i32(70000),
            dst: w(r12()),
        },
        Inst::XmmRound {
            op: SseOp::Roundsd,
            src: RegMem::Mem(l),
            mode: RoundImm::Floor,
            dst: w(xmm(2)),
        },
        Inst::AluRmiR {
            size: OperandSize::S8,
            op: atoll_isa_x64::inst::AluOp::Add,
            src1: rsi(),
            src2: RegMemImm::Mem(l),
            dst: w(rsi()),
        },
        Inst::XmmUnaryRmR {
            op: SseOp::Movsd,
            src: RegMem::Mem(l),
            dst: w(xmm(9)),
        },
        Inst::LoadExtName {
            target: RelocTarget(2),
            dst: w(r15()),
        },
    ];
    let k = LabelUse::PCRel32;
    for inst in &forms {
        for d in [
            k.max_pos_range() as i64,
            -(k.max_neg_range() as i64),
            0,
            3,
            -100,
            0x1234_5678,
        ] {
            check_rip_relative(inst, d);
        }
    }
}
