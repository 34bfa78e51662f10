//! Block-ending branches go through the buffer's branch peepholes: `b.cond L1; b L2;
//! L1:` becomes the inverted branch to `L2`, and a `b` to the next instruction
//! disappears. Expected mnemonics are GNU objdump's names for the inverted
//! conditions (`aarch64-linux-gnu-objdump -D -b binary -m aarch64`, through
//! `atoll_codegen::testing::disassemble`), so the check does not trust our encoder.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::testing::{disassemble, DisasmArch};
use atoll_isa_aarch64::inst::{Cond, CondBrKind, OperandSize};
use atoll_isa_aarch64::regs::xreg;
use atoll_isa_aarch64::{EmitState, Inst, LabelUse};

/// objdump's lines `(offset, text)` of the finished code.
fn finish(buf: MachBuffer<LabelUse>) -> Vec<(u64, String)> {
    let fin = buf.try_finish().expect("buffer finishes");
    let lines = disassemble(DisasmArch::Aarch64, &fin.data).expect("aarch64-linux-gnu-objdump");
    lines.into_iter().map(|l| (l.offset, l.text)).collect()
}

/// `first(L1, L2)` (a conditional branch to `L1`; a two-way `CondBr` also jumps to
/// `L2`, other kinds get a `b L2` after them), then `L1: ret; L2: ret`.
fn two_way(first: impl Fn(MachLabel, MachLabel) -> Inst) -> Vec<(u64, String)> {
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2) = (buf.get_label(), buf.get_label());
    first(l1, l2).emit(&mut buf, &mut st);
    if !matches!(first(l1, l2), Inst::CondBr { .. }) {
        Inst::Jump { dest: l2 }.emit(&mut buf, &mut st);
    }
    buf.bind_label(l1);
    Inst::Ret {
        rets: Default::default(),
    }
    .emit(&mut buf, &mut st);
    buf.bind_label(l2);
    Inst::Ret {
        rets: Default::default(),
    }
    .emit(&mut buf, &mut st);
    finish(buf)
}

#[test]
fn cond_branch_over_jump_is_inverted() {
    let x3 = xreg(3);
    let cond = |c| {
        move |l1, l2| Inst::CondBr {
            taken: l1,
            not_taken: l2,
            kind: CondBrKind::Cond(c),
        }
    };
    // (condition of the emitted branch, objdump's text of the inverted one).
    let conds = [
        (Cond::Eq, "b.ne"),
        (Cond::Ne, "b.eq"),
        (Cond::Hs, "b.cc"),
        (Cond::Lo, "b.cs"),
        (Cond::Mi, "b.pl"),
        (Cond::Pl, "b.mi"),
        (Cond::Vs, "b.vc"),
        (Cond::Vc, "b.vs"),
        (Cond::Hi, "b.ls"),
        (Cond::Ls, "b.hi"),
        (Cond::Ge, "b.lt"),
        (Cond::Lt, "b.ge"),
        (Cond::Gt, "b.le"),
        (Cond::Le, "b.gt"),
    ];
    let mut rows: Vec<(String, Vec<(u64, String)>, &str)> = conds
        .iter()
        .map(|&(c, want)| (format!("{c:?}"), two_way(cond(c)), want))
        .collect();
    let others: [(&str, Box<dyn Fn(MachLabel, MachLabel) -> Inst>, &str); 5] = [
        (
            "cbz",
            Box::new(move |l1, l2| Inst::CondBr {
                taken: l1,
                not_taken: l2,
                kind: CondBrKind::Zero(x3, OperandSize::Size64),
            }),
            "cbnz x3,",
        ),
        (
            "cbnz",
            Box::new(move |l1, l2| Inst::CondBr {
                taken: l1,
                not_taken: l2,
                kind: CondBrKind::NotZero(x3, OperandSize::Size32),
            }),
            "cbz w3,",
        ),
        (
            "one-way b.eq",
            Box::new(|l1, _| Inst::OneWayCondBr {
                target: l1,
                kind: CondBrKind::Cond(Cond::Eq),
            }),
            "b.ne",
        ),
        (
            "tbz",
            Box::new(move |l1, _| Inst::TestBitAndBranch {
                rn: x3,
                bit: 37,
                nonzero: false,
                target: l1,
            }),
            "tbnz x3, #37,",
        ),
        (
            "tbnz",
            Box::new(move |l1, _| Inst::TestBitAndBranch {
                rn: x3,
                bit: 2,
                nonzero: true,
                target: l1,
            }),
            "tbz w3, #2,",
        ),
    ];
    rows.extend(
        others
            .iter()
            .map(|(name, f, want)| (name.to_string(), two_way(f), *want)),
    );
    for (name, lines, want) in &rows {
        // Inverted branch to L2 (offset 8), then the two `ret`s: the `b` is gone.
        assert_eq!(lines.len(), 3, "{name}: {lines:?}");
        assert!(
            lines[0].1.starts_with(&format!("{want} 0x8")),
            "{name}: {lines:?}"
        );
    }
    println!("aarch64 branch inversion rows: {}", rows.len());
}

#[test]
fn always_conditions_are_never_inverted() {
    // `b.al`/`b.nv` always branch: flipping either would change where code goes.
    for c in [Cond::Al, Cond::Nv] {
        let lines = two_way(|l1, l2| Inst::CondBr {
            taken: l1,
            not_taken: l2,
            kind: CondBrKind::Cond(c),
        });
        assert_eq!(lines.len(), 4, "{c:?}: {lines:?}");
        assert!(lines[0].1.ends_with(" 0x8"), "{c:?}: {lines:?}");
        assert_eq!(lines[1].1, "b 0xc", "{c:?}: {lines:?}");
    }
}

#[test]
fn jump_to_next_block_is_removed_and_jumps_are_threaded() {
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2, l3) = (buf.get_label(), buf.get_label(), buf.get_label());
    // `b.eq L1; b L2; L1: b L3; L2: ret; L3: ret`.
    Inst::CondBr {
        taken: l1,
        not_taken: l2,
        kind: CondBrKind::Cond(Cond::Eq),
    }
    .emit(&mut buf, &mut st);
    buf.bind_label(l1);
    Inst::Jump { dest: l3 }.emit(&mut buf, &mut st);
    buf.bind_label(l2);
    Inst::Ret {
        rets: Default::default(),
    }
    .emit(&mut buf, &mut st);
    buf.bind_label(l3);
    Inst::Ret {
        rets: Default::default(),
    }
    .emit(&mut buf, &mut st);
    let lines = finish(buf);
    // Binding L1 flips the pair to `b.ne L2`; binding L2 aliases L1 to L3 (a label
    // on a `b`), so `b.ne L2; b L3; L2:` flips again to `b.eq L3` and the `b` goes:
    // `b.eq 0x8; ret; ret`.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].1.starts_with("b.eq 0x8"), "{lines:?}");
}
