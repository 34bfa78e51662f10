//! Every branch, call, PC-relative address and veneer form, checked with the cross
//! objdump (`aarch64-linux-gnu-objdump -D -b binary -m aarch64`, through
//! `atoll_codegen::testing::disassemble`).
//!
//! Method: emit an instruction into a `RecordingSink`, pretend it sits at virtual
//! offset `base`, patch each recorded label use with `LabelUse::patch` as the buffer
//! would, disassemble the bytes (objdump sees them at address 0) and check that the
//! printed target plus `base` is the label's offset. Large distances need no large
//! buffers this way; veneer chains are checked piece by piece, each piece
//! disassembled at its own base.

use atoll_codegen::buffer::{CodeOffset, IslandIsa, LabelUse as _, MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::testing::{disassemble, DisasmArch, DisasmLine, RecordingSink};
use atoll_isa_aarch64::inst::{AMode, Cond, CondBrKind, OperandSize};
use atoll_isa_aarch64::regs::{writable_vreg, writable_xreg, xreg};
use atoll_isa_aarch64::{EmitState, Inst, LabelUse};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

fn disasm(bytes: &[u8]) -> Vec<DisasmLine> {
    disassemble(DisasmArch::Aarch64, bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// The branch target objdump printed (last `0x...` operand, comments removed).
fn printed_target(line: &DisasmLine) -> u64 {
    let text = line.text.split("//").next().unwrap();
    let tok = text
        .split([' ', ','])
        .rfind(|t| t.starts_with("0x"))
        .unwrap_or_else(|| panic!("no target in `{}`", line.text));
    u64::from_str_radix(&tok[2..], 16).unwrap()
}

/// Emit `inst` as if at `base`, resolve its label uses (`label.0` → offset from
/// `labels`) and relocations (function `n` → `funcs[n]`), return the bytes.
fn emit_at(inst: &Inst, base: u64, labels: &[u64], funcs: &[u64]) -> Vec<u8> {
    let mut sink = RecordingSink::<LabelUse>::default();
    inst.emit(&mut sink, &mut EmitState::default());
    let mut bytes = sink.bytes.clone();
    for &(off, label, kind) in &sink.label_uses {
        let target = labels[label.0 as usize];
        let delta = target.wrapping_sub(base + off) as i64;
        assert!(
            kind.in_range(delta),
            "{inst:?}: test distance {delta} out of range for {kind:?}"
        );
        kind.patch(&mut bytes[off as usize..], base + off, target);
    }
    for &(off, reloc, RelocTarget(f), addend) in &sink.relocs {
        let kind =
            LabelUse::from_reloc(reloc, addend).expect("call relocation maps to a label use");
        kind.patch(&mut bytes[off as usize..], base + off, funcs[f as usize]);
    }
    bytes
}

/// Check that every line of `inst` that objdump shows with a target reaches the
/// expected absolute offset (in order of appearance).
fn check(inst: &Inst, base: u64, labels: &[u64], funcs: &[u64], expect: &[(&str, u64)]) {
    let bytes = emit_at(inst, base, labels, funcs);
    let lines = disasm(&bytes);
    let with_target: Vec<_> = lines.iter().filter(|l| l.text.contains("0x")).collect();
    assert_eq!(with_target.len(), expect.len(), "{inst:?}: {lines:?}");
    for (line, (mnemonic, target)) in with_target.iter().zip(expect) {
        assert!(
            line.text.starts_with(mnemonic),
            "{inst:?}: `{}` is not `{mnemonic}`",
            line.text
        );
        let abs = printed_target(line).wrapping_add(base);
        assert_eq!(abs, *target, "{inst:?} at {base:#x}: `{}`", line.text);
    }
}

/// Distances (label − use) worth checking for a kind: both extremes, near zero, odd
/// values in between.
fn distances(kind: LabelUse) -> Vec<i64> {
    let (pos, neg) = (kind.max_pos_range() as i64, kind.max_neg_range() as i64);
    let step = if matches!(kind, LabelUse::Adr21) {
        1
    } else {
        4
    };
    vec![
        0,
        step,
        -step,
        pos,
        -neg,
        pos / 3 / step * step,
        -(neg / 5 / step * step),
        1000 * step,
    ]
}

/// A use base far from 0 so negative distances stay valid offsets.
const BASE: u64 = 1 << 32;

fn at(delta: i64) -> u64 {
    BASE.wrapping_add_signed(delta)
}

#[test]
fn unconditional_branch_and_call_reach() {
    for d in distances(LabelUse::Branch26) {
        check(
            &Inst::Jump { dest: MachLabel(0) },
            BASE,
            &[at(d)],
            &[],
            &[("b ", at(d))],
        );
        check(
            &Inst::CallLabel {
                dest: MachLabel(0),
                info: Box::default(),
            },
            BASE,
            &[at(d)],
            &[],
            &[("bl ", at(d))],
        );
        check(
            &Inst::call(RelocTarget(1)),
            BASE,
            &[],
            &[0, at(d)],
            &[("bl ", at(d))],
        );
    }
}

/// objdump's name of a condition (it prints `cs`/`cc` where we print `hs`/`lo`).
fn objdump_cond(c: Cond) -> &'static str {
    match c {
        Cond::Hs => "cs",
        Cond::Lo => "cc",
        c => c.name(),
    }
}

#[test]
fn conditional_branches_reach() {
    let kinds = [
        CondBrKind::Zero(xreg(3), OperandSize::Size64),
        CondBrKind::NotZero(xreg(3), OperandSize::Size32),
        CondBrKind::Zero(xreg(30), OperandSize::Size32),
        CondBrKind::Cond(Cond::Eq),
        CondBrKind::Cond(Cond::Ne),
        CondBrKind::Cond(Cond::Hs),
        CondBrKind::Cond(Cond::Lo),
        CondBrKind::Cond(Cond::Mi),
        CondBrKind::Cond(Cond::Pl),
        CondBrKind::Cond(Cond::Vs),
        CondBrKind::Cond(Cond::Vc),
        CondBrKind::Cond(Cond::Hi),
        CondBrKind::Cond(Cond::Ls),
        CondBrKind::Cond(Cond::Ge),
        CondBrKind::Cond(Cond::Lt),
        CondBrKind::Cond(Cond::Gt),
        CondBrKind::Cond(Cond::Le),
    ];
    for kind in kinds {
        let mnemonic = match kind {
            CondBrKind::Zero(..) => "cbz ".to_string(),
            CondBrKind::NotZero(..) => "cbnz ".to_string(),
            CondBrKind::Cond(c) => format!("b.{} ", objdump_cond(c)),
        };
        for d in distances(LabelUse::Branch19) {
            let one = Inst::OneWayCondBr {
                target: MachLabel(0),
                kind,
            };
            check(&one, BASE, &[at(d)], &[], &[(&mnemonic, at(d))]);
            // Two-way: the `b` to `not_taken` sits 4 bytes after the conditional branch.
            let two = Inst::CondBr {
                taken: MachLabel(0),
                not_taken: MachLabel(1),
                kind,
            };
            let far = at(-(100 * MIB as i64));
            check(
                &two,
                BASE,
                &[at(d), far],
                &[],
                &[(&mnemonic, at(d)), ("b ", far)],
            );
        }
    }
}

#[test]
fn test_bit_branches_reach() {
    for (bit, nonzero) in [
        (0u8, false),
        (5, true),
        (31, false),
        (32, true),
        (63, false),
    ] {
        let mnemonic = if nonzero { "tbnz " } else { "tbz " };
        for d in distances(LabelUse::Branch14) {
            let inst = Inst::TestBitAndBranch {
                rn: xreg(9),
                bit,
                nonzero,
                target: MachLabel(0),
            };
            check(&inst, BASE, &[at(d)], &[], &[(mnemonic, at(d))]);
            let text = &disasm(&emit_at(&inst, BASE, &[at(d)], &[]))[0].text;
            let reg = if bit >= 32 { "x9" } else { "w9" };
            assert!(
                text.starts_with(&format!("{mnemonic}{reg}, #{bit},")),
                "{text}"
            );
        }
    }
}

#[test]
fn adr_and_literal_loads_reach() {
    for d in distances(LabelUse::Adr21) {
        let inst = Inst::Adr {
            rd: writable_xreg(4),
            label: MachLabel(0),
        };
        check(&inst, BASE, &[at(d)], &[], &[("adr x4,", at(d))]);
    }
    for d in distances(LabelUse::Ldr19) {
        let mem = AMode::Label {
            label: MachLabel(0),
        };
        let loads = [
            (Inst::load64(writable_xreg(2), mem), "ldr x2,"),
            (Inst::load32(writable_xreg(2), mem), "ldr w2,"),
            (Inst::sload32(writable_xreg(2), mem), "ldrsw x2,"),
            (Inst::fpu_load64(writable_vreg(7), mem), "ldr d7,"),
            (Inst::fpu_load32(writable_vreg(7), mem), "ldr s7,"),
            (Inst::fpu_load128(writable_vreg(7), mem), "ldr q7,"),
        ];
        for (inst, mnemonic) in loads {
            check(&inst, BASE, &[at(d)], &[], &[(mnemonic, at(d))]);
        }
    }
}

#[test]
fn trap_if_skips_the_udf() {
    for kind in [
        CondBrKind::Cond(Cond::Hs),
        CondBrKind::Zero(xreg(1), OperandSize::Size64),
    ] {
        let inst = Inst::TrapIf {
            kind,
            trap_code: TrapCode::INTEGER_DIVISION_BY_ZERO,
        };
        let lines = disasm(&emit_at(&inst, 0, &[], &[]));
        assert_eq!(lines.len(), 2);
        assert_eq!(printed_target(&lines[0]), 8, "{}", lines[0].text);
        assert!(lines[0].text.starts_with(match kind {
            CondBrKind::Cond(_) => "b.cc",
            _ => "cbnz x1",
        }));
        assert_eq!(lines[1].text, "udf #0");
    }
}

/// Write a veneer of `kind` as the buffer would, at virtual offset `at`, with its own
/// use patched to `next`; return the bytes.
fn veneer(kind: LabelUse, at: u64, next: u64) -> (Vec<u8>, LabelUse) {
    let mut bytes = vec![0u8; kind.veneer_size() as usize];
    let (off, next_kind) = kind.generate_veneer(&mut bytes, at);
    next_kind.patch(&mut bytes[off as usize..], at + off, next);
    (bytes, next_kind)
}

/// Where control goes after the long veneer at `at`, read from objdump's text: the
/// four instructions must be exactly the documented ones, and the word they load is
/// the line after them.
fn long_veneer_target(bytes: &[u8], at: u64) -> u64 {
    let lines = disasm(bytes);
    assert_eq!(lines[0].text, "adr x16, 0x10", "{lines:?}");
    assert_eq!(lines[1].text, "ldrsw x17, [x16]");
    assert_eq!(lines[2].text, "add x16, x16, x17");
    assert_eq!(lines[3].text, "br x16");
    let word = u32::from_str_radix(&lines[4].hex, 16).unwrap() as i32;
    let word_at = printed_target(&lines[0]) + at;
    word_at.wrapping_add_signed(i64::from(word))
}

/// The full chain for each short kind: use → `b` veneer → long veneer → target,
/// forward and backward, with each hop at (or near) the maximum distance.
#[test]
fn veneer_chains_short_to_b_to_long() {
    let short = [
        (
            LabelUse::Branch14,
            Inst::TestBitAndBranch {
                rn: xreg(1),
                bit: 2,
                nonzero: false,
                target: MachLabel(0),
            },
        ),
        (
            LabelUse::Branch19,
            Inst::OneWayCondBr {
                target: MachLabel(0),
                kind: CondBrKind::Cond(Cond::Gt),
            },
        ),
        (
            LabelUse::Branch19,
            Inst::OneWayCondBr {
                target: MachLabel(0),
                kind: CondBrKind::NotZero(xreg(2), OperandSize::Size64),
            },
        ),
    ];
    for (kind, inst) in short {
        for dir in [1i64, -1] {
            let use_at = 3u64 << 31;
            let v1 = use_at.wrapping_add_signed(dir * (kind.max_pos_range() as i64 - 4));
            let v2 = v1.wrapping_add_signed(dir * (LabelUse::Branch26.max_pos_range() as i64 - 4));
            let target = v2.wrapping_add_signed(dir * ((1i64 << 31) - 64));
            // The use reaches the `b` veneer.
            check(
                &inst,
                use_at,
                &[v1],
                &[],
                &[(inst.print().split(' ').next().unwrap(), v1)],
            );
            // The `b` veneer reaches the long veneer.
            let (b, k1) = veneer(kind, v1, v2);
            assert_eq!(k1, LabelUse::Branch26);
            let line = &disasm(&b)[0];
            assert!(line.text.starts_with("b "), "{}", line.text);
            assert_eq!(printed_target(line).wrapping_add(v1), v2);
            // The long veneer reaches the target, 2 GiB away.
            let (long, k2) = veneer(k1, v2, target);
            assert_eq!(k2, LabelUse::PCRel32);
            assert_eq!(long_veneer_target(&long, v2), target, "{kind:?} dir {dir}");
        }
    }
}

/// A call (`bl` via relocation) whose callee is out of `Branch26` range goes through
/// the long veneer, which reaches ±2 GiB from its word.
#[test]
fn call_long_veneer_extremes() {
    let v = 1u64 << 33;
    for delta_from_word in [(1i64 << 31) - 1, -(1i64 << 31), 0, -16] {
        let target = (v + 16).wrapping_add_signed(delta_from_word);
        let (bytes, _) = veneer(LabelUse::Branch26, v, target);
        assert_eq!(long_veneer_target(&bytes, v), target);
    }
}

#[test]
fn island_jump_trap_and_padding_disassemble() {
    let mut out = Vec::new();
    let (off, kind) = LabelUse::write_jump(&mut out);
    kind.patch(&mut out[off as usize..], 0, 64);
    LabelUse::write_trap(&mut out);
    LabelUse::write_padding(&mut out, 8);
    let text: Vec<_> = disasm(&out).into_iter().map(|l| l.text).collect();
    assert_eq!(text, ["b 0x40", "udf #0", "nop", "nop"]);
    assert_eq!(
        <LabelUse as IslandIsa>::JUMP_SIZE + <LabelUse as IslandIsa>::TRAP_SIZE,
        8 as CodeOffset
    );
}
