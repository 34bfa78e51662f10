//! Immediates that can only hold values their A32 field can encode.
//!
//! Each type is built by a `maybe_from_*` constructor returning `Option`, so lowering
//! decides how to materialize a value and `emit` never fails.

/// A data-processing "modified immediate": an 8-bit value rotated right by an even
/// amount (`imm12 = rot:imm8`, value = `imm8 ror (2 * rot)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ModImm {
    imm8: u8,
    rot: u8,
}

impl ModImm {
    /// The encoding of `value`, choosing the smallest rotation (the same canonical
    /// choice as LLVM and GNU as, so our bytes compare equal to theirs).
    pub fn maybe_from_u32(value: u32) -> Option<ModImm> {
        (0..16u8).find_map(|rot| {
            let imm = value.rotate_left(2 * rot as u32);
            (imm < 256).then_some(ModImm {
                imm8: imm as u8,
                rot,
            })
        })
    }

    /// The 32-bit value this immediate stands for.
    pub fn value(self) -> u32 {
        (self.imm8 as u32).rotate_right(2 * self.rot as u32)
    }

    /// The 12-bit `rot:imm8` field.
    pub fn bits(self) -> u32 {
        ((self.rot as u32) << 8) | self.imm8 as u32
    }

    /// The all-zero immediate.
    pub fn zero() -> ModImm {
        ModImm { imm8: 0, rot: 0 }
    }
}

/// A shift amount for an immediate shift: `lsl` 0–31, `lsr`/`asr` 1–32, `ror` 1–31
/// (the 5-bit field stores 32 as 0 for `lsr`/`asr`; `ror #0` would be `rrx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShiftAmt(u8);

impl ShiftAmt {
    /// The amount, if `kind` can shift by it.
    pub fn maybe_from_u32(kind: crate::inst::ShiftKind, amount: u32) -> Option<ShiftAmt> {
        use crate::inst::ShiftKind::*;
        let ok = match kind {
            Lsl => amount <= 31,
            Lsr | Asr => (1..=32).contains(&amount),
            Ror => (1..=31).contains(&amount),
        };
        ok.then_some(ShiftAmt(amount as u8))
    }

    /// The shift amount.
    pub fn get(self) -> u32 {
        self.0 as u32
    }

    /// The 5-bit `imm5` field.
    pub fn bits(self) -> u32 {
        self.0 as u32 & 0x1f
    }
}

/// A byte offset for word/byte loads and stores: -4095..=4095 (U bit + imm12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Off12(i16);

impl Off12 {
    pub fn maybe_from_i64(off: i64) -> Option<Off12> {
        (-4095..=4095).contains(&off).then_some(Off12(off as i16))
    }

    pub fn get(self) -> i32 {
        self.0 as i32
    }
}

/// A byte offset for halfword and signed-byte loads and stores: -255..=255.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Off8(i16);

impl Off8 {
    pub fn maybe_from_i64(off: i64) -> Option<Off8> {
        (-255..=255).contains(&off).then_some(Off8(off as i16))
    }

    pub fn get(self) -> i32 {
        self.0 as i32
    }
}

/// A byte offset for `vldr`/`vstr`: a multiple of 4 in -1020..=1020.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VfpOff(i16);

impl VfpOff {
    pub fn maybe_from_i64(off: i64) -> Option<VfpOff> {
        ((-1020..=1020).contains(&off) && off % 4 == 0).then_some(VfpOff(off as i16))
    }

    pub fn get(self) -> i32 {
        self.0 as i32
    }
}

/// A VFP `vmov` immediate: `±(16..=31)/16 * 2^(-3..=4)`, stored as the 8-bit
/// `abcdefgh` field (sign, 3 exponent bits, 4 fraction bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VfpImm8(u8);

impl VfpImm8 {
    /// The encoding of `value` as an `f64` immediate, if it has one.
    pub fn maybe_from_f64(value: f64) -> Option<VfpImm8> {
        (0..=255u8)
            .map(VfpImm8)
            .find(|i| i.to_f64().to_bits() == value.to_bits())
    }

    /// The encoding of `value` as an `f32` immediate, if it has one. Every such value
    /// is exactly representable in both widths.
    pub fn maybe_from_f32(value: f32) -> Option<VfpImm8> {
        (0..=255u8)
            .map(VfpImm8)
            .find(|i| (i.to_f64() as f32).to_bits() == value.to_bits())
    }

    /// The value the 8-bit field stands for.
    pub fn to_f64(self) -> f64 {
        let sign = if self.0 & 0x80 != 0 { -1.0 } else { 1.0 };
        // VFPExpandImm: the exponent is NOT(b):b...b:c:d, i.e. `cd + 1` when b = 0 and
        // `cd - 3` when b = 1, covering -3..=4.
        let bcd = (self.0 >> 4) & 0x7;
        let exp = if bcd & 0x4 != 0 {
            (bcd & 0x3) as i32 - 3
        } else {
            (bcd & 0x3) as i32 + 1
        };
        let frac = (16 + (self.0 & 0xf) as u32) as f64 / 16.0;
        sign * frac * 2f64.powi(exp)
    }

    /// The 8-bit field.
    pub fn bits(self) -> u32 {
        self.0 as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inst::ShiftKind;

    /// Brute force over every rotation of every imm8: each accepted value re-encodes to
    /// a field that decodes back to it, and the constructor's choice has the smallest
    /// rotation.
    #[test]
    fn every_rotated_imm8_round_trips() {
        for rot in 0..16u32 {
            for imm8 in 0..256u32 {
                let v = imm8.rotate_right(2 * rot);
                let m = ModImm::maybe_from_u32(v).expect("rotated imm8 must encode");
                assert_eq!(m.value(), v);
                assert!(m.bits() >> 8 <= rot, "non-minimal rotation for {v:#x}");
            }
        }
    }

    #[test]
    fn non_encodable_values_are_refused() {
        for v in [0x101u32, 0x1fe0_0001, 0xffff, 0x12345678, 0x0000_0102] {
            assert_eq!(ModImm::maybe_from_u32(v), None, "{v:#x}");
        }
    }

    #[test]
    fn vfp_imm8_covers_the_expected_values() {
        assert_eq!(VfpImm8::maybe_from_f64(1.0).map(|i| i.bits()), Some(0x70));
        assert_eq!(VfpImm8::maybe_from_f64(-2.5).map(|i| i.bits()), Some(0x84));
        assert_eq!(VfpImm8::maybe_from_f64(0.125).map(|i| i.bits()), Some(0x40));
        assert_eq!(VfpImm8::maybe_from_f64(31.0).map(|i| i.bits()), Some(0x3f));
        assert_eq!(VfpImm8::maybe_from_f64(0.0), None);
        assert_eq!(VfpImm8::maybe_from_f32(0.1), None);
        for b in 0..=255u8 {
            let v = VfpImm8(b).to_f64();
            assert_eq!(VfpImm8::maybe_from_f64(v), Some(VfpImm8(b)));
            assert_eq!(VfpImm8::maybe_from_f32(v as f32), Some(VfpImm8(b)));
        }
    }

    #[test]
    fn shift_amounts_follow_each_kind() {
        assert!(ShiftAmt::maybe_from_u32(ShiftKind::Lsl, 0).is_some());
        assert!(ShiftAmt::maybe_from_u32(ShiftKind::Lsl, 32).is_none());
        assert_eq!(
            ShiftAmt::maybe_from_u32(ShiftKind::Asr, 32).map(|s| s.bits()),
            Some(0)
        );
        assert!(ShiftAmt::maybe_from_u32(ShiftKind::Ror, 0).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn mod_imm_accepts_exactly_rotations(v: u32) {
            let expected = (0..16).any(|r| v.rotate_left(2 * r) < 256);
            let got = ModImm::maybe_from_u32(v);
            proptest::prop_assert_eq!(got.is_some(), expected);
            if let Some(m) = got {
                proptest::prop_assert_eq!(m.value(), v);
            }
        }

        #[test]
        fn offsets_accept_exactly_their_range(off in -5000i64..5000) {
            proptest::prop_assert_eq!(Off12::maybe_from_i64(off).map(|o| o.get() as i64), ((-4095..=4095).contains(&off)).then_some(off));
            proptest::prop_assert_eq!(Off8::maybe_from_i64(off).map(|o| o.get() as i64), ((-255..=255).contains(&off)).then_some(off));
            proptest::prop_assert_eq!(VfpOff::maybe_from_i64(off).is_some(), (-1020..=1020).contains(&off) && off % 4 == 0);
        }
    }
}
