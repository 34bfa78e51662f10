//! Block-ending A32 branches go through the buffer's branch peepholes: `b<cond> L1;
//! b L2; L1:` becomes `b<!cond> L2`, a `b` to the next instruction disappears, and
//! jumps to jumps are threaded. Expected mnemonics are GNU objdump's names for the
//! inverted conditions (`arm-linux-gnueabihf-objdump -D -b binary -m arm`, through
//! `atoll_codegen::testing::disassemble`), so the check does not trust our encoder.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::testing::{disassemble, DisasmArch};
use atoll_isa_arm32::inst::{Cond, Inst};
use atoll_isa_arm32::{EmitState, LabelUse};

/// objdump's lines `(offset, text)` of the finished code.
fn finish(buf: MachBuffer<LabelUse>) -> Vec<(u64, String)> {
    let fin = buf.try_finish().expect("buffer finishes");
    let lines = disassemble(DisasmArch::Arm32, &fin.data).expect("arm-linux-gnueabihf-objdump");
    lines.into_iter().map(|l| (l.offset, l.text)).collect()
}

/// Bind each of `labels` on its own `bx lr` and finish the buffer.
fn rets_at(
    mut buf: MachBuffer<LabelUse>,
    st: &mut EmitState,
    labels: &[MachLabel],
) -> Vec<(u64, String)> {
    for &l in labels {
        buf.bind_label(l);
        Inst::Ret { rets: Vec::new() }.emit(&mut buf, st);
    }
    finish(buf)
}

/// `first(L1, L2)` (a two-way `CondBr`, or a one-way branch to `L1` followed by
/// `b L2`), then `L1: bx lr; L2: bx lr`.
fn two_way(first: impl Fn(MachLabel, MachLabel) -> Inst) -> Vec<(u64, String)> {
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2) = (buf.get_label(), buf.get_label());
    first(l1, l2).emit(&mut buf, &mut st);
    if !matches!(first(l1, l2), Inst::CondBr { .. }) {
        Inst::Jmp { target: l2 }.emit(&mut buf, &mut st);
    }
    rets_at(buf, &mut st, &[l1, l2])
}

#[test]
fn cond_branch_over_jump_is_inverted() {
    // (condition of the emitted branch, objdump's mnemonic of the inverted one).
    let conds = [
        (Cond::Eq, "bne"),
        (Cond::Ne, "beq"),
        (Cond::Hs, "bcc"),
        (Cond::Lo, "bcs"),
        (Cond::Mi, "bpl"),
        (Cond::Pl, "bmi"),
        (Cond::Vs, "bvc"),
        (Cond::Vc, "bvs"),
        (Cond::Hi, "bls"),
        (Cond::Ls, "bhi"),
        (Cond::Ge, "blt"),
        (Cond::Lt, "bge"),
        (Cond::Gt, "ble"),
        (Cond::Le, "bgt"),
    ];
    let mut rows = 0;
    for (c, want) in conds {
        for one_way in [false, true] {
            let lines = if one_way {
                two_way(|l1, _| Inst::OneWayCondBr {
                    cond: c,
                    target: l1,
                })
            } else {
                two_way(|l1, l2| Inst::CondBr {
                    cond: c,
                    taken: l1,
                    not_taken: l2,
                })
            };
            // Inverted branch to L2 (offset 8), then the two `bx lr`: the `b` is gone.
            assert_eq!(lines.len(), 3, "{c:?} one_way={one_way}: {lines:?}");
            assert_eq!(
                lines[0].1,
                format!("{want} 0x8"),
                "{c:?} one_way={one_way}: {lines:?}"
            );
            assert_eq!(lines[1].1, "bx lr", "{c:?}: {lines:?}");
            rows += 1;
        }
    }
    println!("arm32 branch inversion rows: {rows}");
}

#[test]
fn always_condition_is_never_inverted() {
    // `b` with `al` always branches: flipping it (to the `nv` space) would change
    // where code goes, so it is declared unconditional. `b L1; b L2; L1:` keeps the
    // first `b` (to L1 = 0x8); the second, now unreachable, is dropped.
    let lines = two_way(|l1, l2| Inst::CondBr {
        cond: Cond::Al,
        taken: l1,
        not_taken: l2,
    });
    assert!(
        lines
            .iter()
            .all(|(_, t)| !t.starts_with("bnv") && !t.starts_with("b.nv")),
        "{lines:?}"
    );
    assert_eq!(lines[0].1.split_whitespace().next(), Some("b"), "{lines:?}");
}

#[test]
fn jump_to_next_block_is_removed_and_jumps_are_threaded() {
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2, l3) = (buf.get_label(), buf.get_label(), buf.get_label());
    // `beq L1; b L2; L1: b L3; L2: bx lr; L3: bx lr`.
    Inst::CondBr {
        cond: Cond::Eq,
        taken: l1,
        not_taken: l2,
    }
    .emit(&mut buf, &mut st);
    buf.bind_label(l1);
    Inst::Jmp { target: l3 }.emit(&mut buf, &mut st);
    let lines = rets_at(buf, &mut st, &[l2, l3]);
    // Binding L1 flips the pair to `bne L2`; L1 then aliases L3 (a label on a `b`),
    // and binding L2 flips `bne L2; b L3; L2:` again to `beq L3` and drops the `b`.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].1, "beq 0x8", "{lines:?}");
}

#[test]
fn jump_table_entries_are_not_moved() {
    // Jump-table entries are addressed by index from `add pc, pc, idx, lsl #2`:
    // the buffer must keep every `b`, even one to the very next label.
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2) = (buf.get_label(), buf.get_label());
    let idx = atoll_isa_arm32::regs::rreg(0);
    Inst::JumpTable {
        idx,
        targets: vec![l1, l2].into(),
    }
    .emit(&mut buf, &mut st);
    let lines = rets_at(buf, &mut st, &[l1, l2]);
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[2].1, "b 0x10", "{lines:?}");
    assert_eq!(lines[3].1, "b 0x14", "{lines:?}");
}
