//! Label uses, relocations and traps recorded by the control-flow encoders. Words
//! from `llvm-mc-14 -triple=armv7a-linux-gnueabihf -show-encoding`.

use atoll_codegen::buffer::{MachLabel, Reloc, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::testing::RecordingSink;

use crate::inst::{Cond, Inst};
use crate::label_use::LabelUse;
use crate::regs::rreg;
use crate::EmitState;

fn emit(insts: &[Inst]) -> RecordingSink<LabelUse> {
    let mut sink = RecordingSink::default();
    let mut state = EmitState::default();
    for i in insts {
        i.emit(&mut sink, &mut state);
    }
    sink
}

#[test]
fn branches_record_branch24_uses() {
    let (l1, l2) = (MachLabel(1), MachLabel(2));
    let sink = emit(&[
        Inst::Jmp { target: l1 },
        Inst::CondBr {
            cond: Cond::Ne,
            taken: l1,
            not_taken: l2,
        },
        Inst::OneWayCondBr {
            cond: Cond::Lt,
            target: l2,
        },
        Inst::CallLabel {
            target: l1,
            info: Default::default(),
        },
    ]);
    assert_eq!(
        sink.label_uses,
        vec![
            (0, l1, LabelUse::Branch24),
            (4, l1, LabelUse::Branch24),
            (8, l2, LabelUse::Branch24),
            (12, l2, LabelUse::Branch24),
            (16, l1, LabelUse::Branch24),
        ]
    );
    let words: Vec<u32> = sink
        .bytes
        .chunks(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(
        words,
        [
            0xea00_0000,
            0x1a00_0000,
            0xea00_0000,
            0xba00_0000,
            0xeb00_0000
        ]
    );
}

#[test]
fn call_records_elf_style_reloc() {
    let sink = emit(&[
        Inst::Nop,
        Inst::Call {
            target: RelocTarget(7),
            info: Default::default(),
        },
    ]);
    assert_eq!(sink.relocs, vec![(4, Reloc::Arm32Call, RelocTarget(7), -8)]);
    // `bl .` (llvm-mc: "bl #-8" -> [0xfe,0xff,0xff,0xeb]).
    assert_eq!(&sink.bytes[4..], &[0xfe, 0xff, 0xff, 0xeb]);
    assert_eq!(
        <LabelUse as atoll_codegen::buffer::LabelUse>::from_reloc(Reloc::Arm32Call, -8),
        Some(LabelUse::Branch24)
    );
}

#[test]
fn traps_are_recorded_at_the_udf() {
    let code = TrapCode::INTEGER_DIVISION_BY_ZERO;
    let sink = emit(&[
        Inst::Udf { code },
        Inst::TrapIf {
            cond: Cond::Eq,
            code,
        },
    ]);
    assert_eq!(sink.traps, vec![(0, code), (8, code)]);
    // udf #0 ; bne #0 (skips the udf) ; udf #0
    assert_eq!(
        sink.bytes,
        [0xf0, 0x00, 0xf0, 0xe7, 0x00, 0x00, 0x00, 0x1a, 0xf0, 0x00, 0xf0, 0xe7]
    );
}

#[test]
fn jump_table_entries_start_at_pc_plus_8() {
    let targets: Box<[MachLabel]> = vec![MachLabel(3), MachLabel(4)].into();
    let sink = emit(&[Inst::JumpTable {
        idx: rreg(2),
        targets,
    }]);
    // add pc, pc, r2, lsl #2 -> [0x02,0xf1,0x8f,0xe0]
    assert_eq!(
        &sink.bytes[..8],
        &[0x02, 0xf1, 0x8f, 0xe0, 0xf0, 0x00, 0xf0, 0xe7]
    );
    assert_eq!(
        sink.label_uses,
        vec![
            (8, MachLabel(3), LabelUse::Branch24),
            (12, MachLabel(4), LabelUse::Branch24)
        ]
    );
}
