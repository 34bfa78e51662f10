//! Block-ending jumps go through the buffer's branch peepholes: `jcc L1; jmp L2; L1:`
//! becomes the inverted `jcc` to `L2`, and a `jmp` to the next instruction
//! disappears. Expected mnemonics are GNU objdump's names for the inverted
//! conditions (`objdump -D -b binary -m i386:x86-64`, through
//! `atoll_codegen::testing::disassemble`), so the check does not trust our encoder.

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::testing::{disassemble, DisasmArch};
use atoll_isa_x64::inst::*;
use atoll_isa_x64::{EmitState, LabelUse};

/// objdump's lines `(offset, text)` of the finished code.
fn finish(buf: MachBuffer<LabelUse>) -> Vec<(u64, String)> {
    let fin = buf.try_finish().expect("buffer finishes");
    let lines = disassemble(DisasmArch::X64, &fin.data).expect("objdump");
    lines.into_iter().map(|l| (l.offset, l.text)).collect()
}

fn ret() -> Inst {
    Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    }
}

/// `first(L1, L2)`, then `jmp L2` unless `first` already jumps there, then
/// `L1: ret; L2: ret`.
fn two_way(
    first: Inst,
    l1_l2: (MachLabel, MachLabel),
    mut buf: MachBuffer<LabelUse>,
) -> Vec<(u64, String)> {
    let (l1, l2) = l1_l2;
    let mut st = EmitState::default();
    let two_targets = matches!(first, Inst::JmpCond { .. });
    first.emit(&mut buf, &mut st);
    if !two_targets {
        Inst::Jmp { target: l2 }.emit(&mut buf, &mut st);
    }
    buf.bind_label(l1);
    ret().emit(&mut buf, &mut st);
    buf.bind_label(l2);
    ret().emit(&mut buf, &mut st);
    finish(buf)
}

#[test]
fn jcc_over_jmp_is_inverted() {
    // (condition of the emitted jump, objdump's name of the inverted one).
    let rows = [
        (CC::O, "jno"),
        (CC::NO, "jo"),
        (CC::B, "jae"),
        (CC::NB, "jb"),
        (CC::Z, "jne"),
        (CC::NZ, "je"),
        (CC::BE, "ja"),
        (CC::NBE, "jbe"),
        (CC::S, "jns"),
        (CC::NS, "js"),
        (CC::P, "jnp"),
        (CC::NP, "jp"),
        (CC::L, "jge"),
        (CC::NL, "jl"),
        (CC::LE, "jg"),
        (CC::NLE, "jle"),
    ];
    for (cc, want) in rows {
        for two_targets in [true, false] {
            let mut buf = MachBuffer::<LabelUse>::new();
            let (l1, l2) = (buf.get_label(), buf.get_label());
            let first = if two_targets {
                Inst::JmpCond {
                    cc,
                    taken: l1,
                    not_taken: l2,
                }
            } else {
                Inst::JmpIf { cc, taken: l1 }
            };
            let lines = two_way(first, (l1, l2), buf);
            // Inverted 6-byte `jcc` to L2 (offset 7), then the two `ret`s.
            assert_eq!(lines.len(), 3, "{cc:?}: {lines:?}");
            assert_eq!(lines[0].1, format!("{want} 0x7"), "{cc:?}: {lines:?}");
        }
    }
    println!("x64 jcc inversion rows: {}", rows.len() * 2);
}

#[test]
fn jmp_to_next_block_is_removed_and_jumps_are_threaded() {
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let (l1, l2, l3) = (buf.get_label(), buf.get_label(), buf.get_label());
    // `je L1; jmp L2; L1: jmp L3; L2: ret; L3: ret`.
    Inst::JmpCond {
        cc: CC::Z,
        taken: l1,
        not_taken: l2,
    }
    .emit(&mut buf, &mut st);
    buf.bind_label(l1);
    Inst::Jmp { target: l3 }.emit(&mut buf, &mut st);
    buf.bind_label(l2);
    ret().emit(&mut buf, &mut st);
    buf.bind_label(l3);
    ret().emit(&mut buf, &mut st);
    let lines = finish(buf);
    // Binding L1 flips the pair to `jne L2`; binding L2 aliases L1 to L3 (a label on
    // a `jmp`), so `jne L2; jmp L3; L2:` flips again to `je L3` and the `jmp` goes.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].1, "je 0x7", "{lines:?}");
}
