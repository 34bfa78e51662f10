//! Constant materialization: the sequence computes the value, and is as short as
//! the halfword structure allows.

use super::*;
use crate::regs::writable_xreg;
use proptest::prelude::*;

/// Evaluate a constant-materialization sequence (the architectural semantics of
/// `movz`/`movn`/`movk`/`orr xzr, #imm`, written independently of the encoder).
fn eval(seq: &[Inst]) -> u64 {
    let mut r = 0u64;
    for inst in seq {
        match inst {
            Inst::MovWide {
                op: MoveWideOp::MovZ,
                size,
                imm,
                ..
            } => r = imm.value() & mask(*size),
            Inst::MovWide {
                op: MoveWideOp::MovN,
                size,
                imm,
                ..
            } => r = !imm.value() & mask(*size),
            Inst::MovK { size, imm, .. } => {
                let sh = 16 * u32::from(imm.hw());
                r = ((r & !(0xffff << sh)) | imm.value()) & mask(*size);
            }
            Inst::AluRRImmLogic {
                op: ALUOp::Orr,
                imml,
                rn,
                ..
            } if crate::regs::is_zero_reg(*rn) => r = imml.value(),
            other => panic!("unexpected {other:?}"),
        }
    }
    r
}

fn mask(size: OperandSize) -> u64 {
    if size.is64() {
        u64::MAX
    } else {
        0xffff_ffff
    }
}

/// Upper bound on the length: halfwords that differ from the better fill value.
fn bound(value: u64, halves: u32) -> usize {
    let h: Vec<u64> = (0..halves).map(|i| (value >> (16 * i)) & 0xffff).collect();
    let zeros = h.iter().filter(|&&x| x == 0).count();
    let ones = h.iter().filter(|&&x| x == 0xffff).count();
    (halves as usize - zeros.max(ones)).max(1)
}

#[test]
fn edge_constants() {
    let rd = writable_xreg(0);
    let table: [(u64, OperandSize, usize); 10] = [
        (0, OperandSize::Size64, 1),
        (u64::MAX, OperandSize::Size64, 1),
        (0xffff_ffff, OperandSize::Size32, 1),
        (0x1234, OperandSize::Size64, 1),
        (0xffff_ffff_ffff_fffe, OperandSize::Size64, 1),
        (0x5555_5555_5555_5555, OperandSize::Size64, 1),
        (0x1234_5678_9abc_def0, OperandSize::Size64, 4),
        (0xffff_1234_ffff_ffff, OperandSize::Size64, 1),
        (0x0000_0001_0000_0001, OperandSize::Size64, 1),
        (0x8000_0000, OperandSize::Size32, 1),
    ];
    for (v, size, len) in table {
        let seq = Inst::load_constant(rd, v, size);
        assert_eq!(eval(&seq), v, "{v:#x}: {seq:?}");
        assert_eq!(seq.len(), len, "{v:#x}: {seq:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn load_constant_64_computes_value(v in any::<u64>(), sparse in 0u8..4) {
        // Bias toward values with zero/ones halfwords, the interesting cases.
        let v = match sparse {
            0 => v,
            1 => v & 0xffff_0000_ffff,
            2 => v | 0xffff_ffff_0000_0000,
            _ => v & 0xffff,
        };
        let seq = Inst::load_constant(writable_xreg(3), v, OperandSize::Size64);
        prop_assert_eq!(eval(&seq), v);
        prop_assert!(seq.len() <= bound(v, 4));
    }

    #[test]
    fn load_constant_32_computes_value(v in any::<u32>()) {
        let seq = Inst::load_constant(writable_xreg(3), u64::from(v), OperandSize::Size32);
        prop_assert_eq!(eval(&seq), u64::from(v));
        prop_assert!(seq.len() <= bound(u64::from(v), 2));
    }
}
