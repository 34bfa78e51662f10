//! Every branch, call, literal and veneer form, checked with the cross objdump
//! (`arm-linux-gnueabihf-objdump -D -b binary -m arm`, through
//! `atoll_codegen::testing::disassemble`): we encode with a label at a known distance,
//! patch through `LabelUse`, and assert that the address objdump computes equals the
//! label's.
//!
//! Far distances (up to the ±32 MiB limits) need no 32 MiB buffer: the patch only
//! sees the field, so the instruction is patched as if it sat at `BASE` and then
//! disassembled alone at address 0; objdump's target is then the distance modulo 2^32.

use atoll_codegen::buffer::{CodeOffset, IslandIsa, LabelUse as _, MachLabel, RelocTarget};
use atoll_codegen::testing::{disassemble, DisasmArch, DisasmLine, RecordingSink};
use atoll_isa_arm32::imms::VfpOff;
use atoll_isa_arm32::inst::{AMode, Cond, FpSize, Inst, VfpAMode, WordByte};
use atoll_isa_arm32::label_use::VENEER_SIZE;
use atoll_isa_arm32::regs::{dreg, rreg, writable};
use atoll_isa_arm32::{EmitState, LabelUse};

const BASE: CodeOffset = 0x0400_0000;

fn objdump(bytes: &[u8]) -> Vec<DisasmLine> {
    disassemble(DisasmArch::Arm32, bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn emit(inst: &Inst) -> RecordingSink<LabelUse> {
    let mut sink = RecordingSink::default();
    inst.emit(&mut sink, &mut EmitState::default());
    sink
}

/// The address an objdump line refers to: the branch target, or the literal address
/// in its `@ 0x...` comment.
fn target_of(line: &DisasmLine) -> u32 {
    let hex = match line.text.split_once("@ 0x") {
        Some((_, h)) => h,
        None => line
            .text
            .rsplit_once("0x")
            .map(|(_, h)| h)
            .unwrap_or_else(|| panic!("no target in {line:?}")),
    };
    let hex: String = hex.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    u32::from_str_radix(&hex, 16).unwrap()
}

/// Emit `inst` (its first label use at offset 0), patch every use as if the
/// instruction were at `BASE` and its label at `BASE + delta`, and return objdump's
/// view of the result.
fn patch_at_distance(inst: &Inst, delta: i64) -> Vec<DisasmLine> {
    let mut sink = emit(inst);
    assert!(!sink.label_uses.is_empty(), "{inst:?} records no label use");
    for &(off, _, kind) in &sink.label_uses.clone() {
        let use_at = BASE + off;
        let label = (BASE as i64 + delta + off as i64) as CodeOffset;
        assert!(
            kind.in_range(label as i64 - use_at as i64),
            "{kind:?} delta {delta}"
        );
        kind.patch(
            &mut sink.bytes[off as usize..off as usize + 4],
            use_at,
            label,
        );
    }
    objdump(&sink.bytes)
}

fn branch_forms() -> Vec<(Inst, &'static str)> {
    let l = MachLabel(1);
    let mut forms = vec![
        (Inst::Jmp { target: l }, "b"),
        (
            Inst::CallLabel {
                target: l,
                info: Default::default(),
            },
            "bl",
        ),
    ];
    for (cond, name) in [
        (Cond::Eq, "beq"),
        (Cond::Ne, "bne"),
        (Cond::Hs, "bcs"),
        (Cond::Lo, "bcc"),
        (Cond::Mi, "bmi"),
        (Cond::Pl, "bpl"),
        (Cond::Vs, "bvs"),
        (Cond::Vc, "bvc"),
        (Cond::Hi, "bhi"),
        (Cond::Ls, "bls"),
        (Cond::Ge, "bge"),
        (Cond::Lt, "blt"),
        (Cond::Gt, "bgt"),
        (Cond::Le, "ble"),
    ] {
        forms.push((Inst::OneWayCondBr { cond, target: l }, name));
    }
    forms
}

/// Distances covering both directions and the exact limits of `Branch24`.
const BRANCH_DELTAS: &[i64] = &[
    8,
    0,
    -4,
    4096,
    -4096,
    (1 << 25) + 4,
    -(1 << 25) + 8,
    (1 << 24),
    -(1 << 24),
];

#[test]
fn every_branch_form_reaches_its_label() {
    for (inst, mnemonic) in branch_forms() {
        for &delta in BRANCH_DELTAS {
            let lines = patch_at_distance(&inst, delta);
            let line = &lines[0];
            assert!(
                line.text.starts_with(&format!("{mnemonic} ")),
                "{line:?} for {inst:?}"
            );
            assert_eq!(
                target_of(line),
                delta as u32,
                "{inst:?} at delta {delta}: {line:?}"
            );
        }
    }
}

#[test]
fn branch24_limits_are_exact() {
    let b = LabelUse::Branch24;
    assert_eq!(b.max_pos_range(), (1 << 25) + 4);
    assert_eq!(b.max_neg_range(), (1 << 25) - 8);
    assert!(!b.in_range((1 << 25) + 8));
    assert!(!b.in_range(-(1 << 25) + 4));
}

#[test]
fn two_way_branch_patches_both_uses() {
    let inst = Inst::CondBr {
        cond: Cond::Gt,
        taken: MachLabel(1),
        not_taken: MachLabel(2),
    };
    let mut sink = emit(&inst);
    // taken at +0x40 from the start, not_taken at -0x80.
    let labels = [(MachLabel(1), 0x40i64), (MachLabel(2), -0x80)];
    for &(off, label, kind) in &sink.label_uses.clone() {
        let d = labels.iter().find(|(l, _)| *l == label).unwrap().1;
        kind.patch(
            &mut sink.bytes[off as usize..off as usize + 4],
            BASE + off,
            (BASE as i64 + d) as u64,
        );
    }
    let lines = objdump(&sink.bytes);
    assert!(lines[0].text.starts_with("bgt "), "{lines:?}");
    assert_eq!(target_of(&lines[0]), 0x40);
    assert!(lines[1].text.starts_with("b "), "{lines:?}");
    assert_eq!(target_of(&lines[1]), (-0x80i64) as u32);
}

#[test]
fn jump_table_entries_reach_their_labels() {
    let targets: Box<[MachLabel]> = (0..4).map(MachLabel).collect::<Vec<_>>().into();
    let mut sink = emit(&Inst::JumpTable {
        idx: rreg(3),
        targets,
    });
    let dests = [0x1000i64, -0x1000, 0x20, 0x0];
    for &(off, label, kind) in &sink.label_uses.clone() {
        let dest = dests[label.0 as usize];
        kind.patch(
            &mut sink.bytes[off as usize..off as usize + 4],
            BASE + off,
            (BASE as i64 + dest) as u64,
        );
    }
    let lines = objdump(&sink.bytes);
    assert_eq!(lines[0].text, "add pc, pc, r3, lsl #2");
    assert_eq!(lines[1].text, "udf #0");
    // Entry i sits at 8 + 4i, the address `add pc, pc, r3, lsl #2` jumps to for r3 = i.
    for (i, &dest) in dests.iter().enumerate() {
        assert_eq!(lines[2 + i].offset, 8 + 4 * i as u64);
        assert_eq!(target_of(&lines[2 + i]), dest as u32, "{:?}", lines[2 + i]);
    }
}

#[test]
fn literal_loads_reach_their_labels() {
    let l = MachLabel(9);
    let forms = [
        Inst::Load {
            width: WordByte::Word,
            rt: writable(rreg(0)),
            mem: AMode::Literal(l),
        },
        Inst::Load {
            width: WordByte::Byte,
            rt: writable(rreg(7)),
            mem: AMode::Literal(l),
        },
    ];
    for inst in &forms {
        for delta in [8i64, 0, -4, 4103, -4087, 0x800, -0x800] {
            let lines = patch_at_distance(inst, delta);
            assert_eq!(
                target_of(&lines[0]),
                delta as u32,
                "{inst:?} {delta}: {:?}",
                lines[0]
            );
        }
    }
    let vforms = [
        Inst::FpuLoad {
            size: FpSize::F64,
            rd: writable(dreg(5)),
            mem: VfpAMode::Literal(l),
        },
        Inst::FpuLoad {
            size: FpSize::F32,
            rd: writable(dreg(2)),
            mem: VfpAMode::Literal(l),
        },
    ];
    for inst in &vforms {
        for delta in [8i64, 0, -4, 1028, -1012, 0x100, -0x100] {
            let lines = patch_at_distance(inst, delta);
            assert_eq!(
                target_of(&lines[0]),
                delta as u32,
                "{inst:?} {delta}: {:?}",
                lines[0]
            );
        }
    }
    // A plain (non-literal) vldr still encodes: sanity for the offset form next door.
    let off = VfpOff::maybe_from_i64(-8).unwrap();
    let sink = emit(&Inst::FpuLoad {
        size: FpSize::F64,
        rd: writable(dreg(1)),
        mem: VfpAMode::Offset { rn: rreg(4), off },
    });
    assert_eq!(objdump(&sink.bytes)[0].text, "vldr d1, [r4, #-8]");
}

/// Place `code` (a branch at offset `at`) and a veneer at `veneer_at` in one buffer,
/// route the branch through the veneer to `label`, and check with objdump that the
/// branch lands on the veneer and the veneer's computed destination is `label`.
fn check_veneer_chain(branch: Inst, at: usize, veneer_at: usize, label: u64) {
    let len = at.max(veneer_at) + 16;
    let mut buf = Vec::new();
    LabelUse::write_padding(&mut buf, len);
    let sink = emit(&branch);
    buf[at..at + 4].copy_from_slice(&sink.bytes);
    let (off, _, kind) = sink.label_uses[0];
    let use_at = at as u64 + off;
    // Out of range for the branch itself: that is why the veneer exists.
    assert!(!kind.in_range(label as i64 - use_at as i64));
    kind.patch(
        &mut buf[use_at as usize..use_at as usize + 4],
        use_at,
        veneer_at as u64,
    );
    let (vuse, vkind) = kind.generate_veneer(
        &mut buf[veneer_at..veneer_at + VENEER_SIZE as usize],
        veneer_at as u64,
    );
    let vuse_at = veneer_at as u64 + vuse;
    vkind.patch(
        &mut buf[vuse_at as usize..vuse_at as usize + 4],
        vuse_at,
        label,
    );

    let lines = objdump(&buf);
    let at_off = |o: usize| {
        lines
            .iter()
            .find(|l| l.offset == o as u64)
            .unwrap_or_else(|| panic!("no line at {o}"))
    };
    assert_eq!(target_of(at_off(at)), veneer_at as u32, "{:?}", at_off(at));
    assert_eq!(
        at_off(veneer_at).text,
        format!("ldr ip, [pc] @ {:#x}", veneer_at + 8)
    );
    assert_eq!(at_off(veneer_at + 4).text, "add pc, pc, ip");
    // `ldr ip, [pc]` loads the word objdump shows at veneer + 8; `add pc, pc, ip`
    // reads PC as veneer + 12.
    let word = u32::from_str_radix(&at_off(veneer_at + 8).hex.replace(' ', ""), 16).unwrap();
    let landed = (veneer_at as u32 + 12).wrapping_add(word);
    assert_eq!(landed as u64, label, "veneer word {word:#x}");
}

#[test]
fn veneer_chains_land_on_their_labels() {
    let far_fwd = 0x0600_0000u64; // 96 MiB: beyond Branch24.
    let l = MachLabel(1);
    for branch in [
        Inst::Jmp { target: l },
        Inst::CallLabel {
            target: l,
            info: Default::default(),
        },
        Inst::OneWayCondBr {
            cond: Cond::Ne,
            target: l,
        },
    ] {
        // Veneer after the branch, label far ahead.
        check_veneer_chain(branch.clone(), 0, 0x40, far_fwd);
        // Veneer before the branch (a backward reference), label far ahead.
        check_veneer_chain(branch.clone(), 0x40, 0x10, far_fwd);
        // Label at the far end of the 32-bit space (backward from the veneer, wrapping).
        check_veneer_chain(branch, 0x20, 0x80, 0xf000_0000);
    }
}

#[test]
fn call_relocation_resolves_through_branch24() {
    let sink = emit(&Inst::Call {
        target: RelocTarget(3),
        info: Default::default(),
    });
    let (off, reloc, _, addend) = sink.relocs[0];
    assert_eq!(off, 0);
    // Unpatched, the placeholder is `bl .`, valid as an ELF REL addend.
    assert_eq!(target_of(&objdump(&sink.bytes)[0]), 0);
    let kind = LabelUse::from_reloc(reloc, addend).expect("Arm32Call maps to Branch24");
    for delta in [0x1000i64, -0x1000, (1 << 25) + 4, -(1 << 25) + 8] {
        let mut bytes = sink.bytes.clone();
        kind.patch(&mut bytes, BASE, (BASE as i64 + delta) as u64);
        let line = &objdump(&bytes)[0];
        assert!(line.text.starts_with("bl "), "{line:?}");
        assert_eq!(target_of(line), delta as u32);
    }
}

#[test]
fn island_jump_reaches_its_label() {
    let mut out = Vec::new();
    LabelUse::write_padding(&mut out, 8);
    let (at, kind) = LabelUse::write_jump(&mut out);
    LabelUse::write_trap(&mut out);
    assert_eq!(at, 8);
    kind.patch(&mut out[8..12], 8, 0);
    let lines = objdump(&out);
    assert_eq!(lines[0].text, "nop {0}");
    assert_eq!(target_of(&lines[2]), 0);
    assert_eq!(lines[3].text, "udf #0");
    assert_eq!(LabelUse::JUMP_SIZE + LabelUse::TRAP_SIZE, 8);
}
