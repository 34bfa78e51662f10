//! Immediate constructors checked against independent decoders, brute force where
//! the domain is small.

use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

/// Every valid (N, immr, imms) decodes to one of exactly 5,334 distinct 64-bit masks,
/// and the encoder finds an encoding of each that decodes back to it.
#[test]
fn logic_imm_64_brute_force() {
    let mut masks = HashSet::new();
    for n in [false, true] {
        for immr in 0..64u8 {
            for imms in 0..64u8 {
                if let Some(m) = decode_logic_imm(n, immr, imms) {
                    masks.insert(m);
                }
            }
        }
    }
    assert_eq!(masks.len(), 5334);
    for &m in &masks {
        let imm = ImmLogic::maybe_from_u64(m, OperandSize::Size64)
            .unwrap_or_else(|| panic!("{m:#x} rejected"));
        let b = imm.enc_bits();
        let decoded = decode_logic_imm(b >> 12 == 1, ((b >> 6) & 63) as u8, (b & 63) as u8);
        assert_eq!(decoded, Some(m), "{m:#x}");
        assert_eq!(imm.value(), m);
    }
    // Everything else is rejected: sample non-masks.
    for v in [0u64, u64::MAX, 0x1234_5678, 5, 0xf0f0_f0f0_f0f0_f0f1] {
        assert_eq!(
            ImmLogic::maybe_from_u64(v, OperandSize::Size64).is_some(),
            masks.contains(&v),
            "{v:#x}"
        );
    }
}

/// 32-bit masks: the 64-bit masks that repeat with period 32 (N = 0), 1,302 of them.
#[test]
fn logic_imm_32_brute_force() {
    let mut masks = HashSet::new();
    for immr in 0..32u8 {
        for imms in 0..64u8 {
            let Some(m) = decode_logic_imm(false, immr, imms) else {
                continue;
            };
            masks.insert(m);
            let low = m & 0xffff_ffff;
            let imm =
                ImmLogic::maybe_from_u64(low, OperandSize::Size32).expect("32-bit mask rejected");
            let b = imm.enc_bits();
            assert_eq!(b >> 12, 0, "N must be 0 for 32-bit");
            assert_eq!(
                decode_logic_imm(false, ((b >> 6) & 63) as u8, (b & 63) as u8),
                Some(m)
            );
        }
    }
    assert_eq!(masks.len(), 1302);
    assert!(ImmLogic::maybe_from_u64(1 << 32, OperandSize::Size32).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]
    #[test]
    fn logic_imm_accepts_only_what_decodes(v in any::<u64>()) {
        if let Some(imm) = ImmLogic::maybe_from_u64(v, OperandSize::Size64) {
            let b = imm.enc_bits();
            prop_assert_eq!(decode_logic_imm(b >> 12 == 1, ((b >> 6) & 63) as u8, (b & 63) as u8), Some(v));
        }
    }

    #[test]
    fn imm12_round_trips(v in 0u64..(1 << 25)) {
        if let Some(i) = Imm12::maybe_from_u64(v) {
            prop_assert_eq!(i.value(), v);
        } else {
            prop_assert!(v >= 0x1000 && (v & 0xfff != 0 || v >= 1 << 24));
        }
    }
}

#[test]
fn fp_imm8_brute_force() {
    for imm8 in 0..=255u8 {
        let f = FpImm8 { imm8 };
        let v = f.to_f64();
        assert_eq!(FpImm8::maybe_from_f64(v), Some(f), "{imm8} = {v}");
        assert_eq!(FpImm8::maybe_from_f32(v as f32), Some(f), "{imm8} = {v}");
    }
    assert_eq!(FpImm8::maybe_from_f64(1.0).map(|f| f.bits()), Some(0x70));
    for v in [0.0, 0.1, 32.0, 0.0625, f64::NAN, f64::INFINITY] {
        assert!(FpImm8::maybe_from_f64(v).is_none(), "{v}");
        assert!(FpImm8::maybe_from_f32(v as f32).is_none(), "{v}");
    }
}

#[test]
fn small_immediates() {
    assert!(SImm9::maybe_from_i64(-256).is_some() && SImm9::maybe_from_i64(256).is_none());
    assert_eq!(SImm9::maybe_from_i64(-1).unwrap().bits(), 0x1ff);
    assert!(UImm12Scaled::maybe_from_i64(8 * 4095, 8).is_some());
    assert!(UImm12Scaled::maybe_from_i64(8 * 4096, 8).is_none());
    assert!(UImm12Scaled::maybe_from_i64(4, 8).is_none());
    assert!(UImm12Scaled::maybe_from_i64(-8, 8).is_none());
    assert!(
        SImm7Scaled::maybe_from_i64(-512, 8).is_some()
            && SImm7Scaled::maybe_from_i64(512, 8).is_none()
    );
    assert_eq!(SImm7Scaled::maybe_from_i64(-16, 8).unwrap().bits(), 0x7e);
    assert_eq!(
        MoveWideConst::maybe_from_u64(0xabcd_0000_0000).map(|m| (m.bits(), m.hw())),
        Some((0xabcd, 2))
    );
    assert!(MoveWideConst::maybe_from_u64(0x1_0001).is_none());
    assert!(ImmShift::maybe_from_u64(31, OperandSize::Size32).is_some());
    assert!(ImmShift::maybe_from_u64(32, OperandSize::Size32).is_none());
    assert_eq!(
        Imm12::maybe_from_u64(0x5000).map(|i| i.parts()),
        Some((5, true))
    );
}
