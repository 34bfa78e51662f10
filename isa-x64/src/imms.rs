//! Immediates that can only hold encodable values.
//!
//! Lowering builds these with `maybe_from_*` (returning `None` when the value needs a
//! register instead), so the encoder never meets an immediate it cannot write.

/// A 32-bit immediate sign-extended to the operation width (`imm32` of ALU, `mov r/m64`,
/// `imul`, `push`). The encoder picks the short `imm8` form itself when the value fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Simm32(i32);

impl Simm32 {
    /// `v` as a sign-extended 32-bit immediate, when it is one.
    pub fn maybe_from_i64(v: i64) -> Option<Simm32> {
        i32::try_from(v).ok().map(Simm32)
    }

    /// Any 32-bit value.
    pub fn from_i32(v: i32) -> Simm32 {
        Simm32(v)
    }

    /// An unsigned value of width `bits` (8, 16 or 32; e.g. an `i32` constant held as
    /// `u64`) for an operation of that width: its bit pattern fits the field as is.
    pub fn maybe_from_u64_for_width(v: u64, bits: u32) -> Option<Simm32> {
        match bits {
            8 | 16 | 32 if v >> bits == 0 => Some(Simm32(v as u32 as i32)),
            64 => Simm32::maybe_from_i64(v as i64),
            _ => None,
        }
    }

    pub fn value(self) -> i32 {
        self.0
    }

    /// Whether the `imm8` (sign-extended) form can carry it.
    pub fn fits_i8(self) -> bool {
        i8::try_from(self.0).is_ok()
    }
}

/// A shift or rotate count given as an immediate, less than the operation width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShiftImm(u8);

impl ShiftImm {
    /// `n` for an operation of `bits` (8, 16, 32 or 64) bits, when `n < bits`. Counts of
    /// zero are accepted (they encode; lowering may drop them).
    pub fn maybe_from_u64(n: u64, bits: u32) -> Option<ShiftImm> {
        if matches!(bits, 8 | 16 | 32 | 64) && n < u64::from(bits) {
            Some(ShiftImm(n as u8))
        } else {
            None
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// The rounding-mode immediate of `roundss`/`roundsd` (bits 1:0; bit 2 clear so the
/// immediate, not MXCSR, decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundImm {
    Nearest = 0,
    Floor = 1,
    Ceil = 2,
    Trunc = 3,
}

impl RoundImm {
    pub fn bits(self) -> u8 {
        self as u8
    }
}

/// The predicate immediate of `cmpss`/`cmpsd` (0..=7, the non-signalling SSE set);
/// the result lane is all ones when the predicate holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FcmpImm {
    Equal = 0,
    LessThan = 1,
    LessThanOrEqual = 2,
    Unordered = 3,
    NotEqual = 4,
    NotLessThan = 5,
    NotLessThanOrEqual = 6,
    Ordered = 7,
}

impl FcmpImm {
    pub fn bits(self) -> u8 {
        self as u8
    }

    /// The predicate encoded by `b` (0..=7).
    pub fn from_bits(b: u8) -> Option<FcmpImm> {
        use FcmpImm::*;
        [
            Equal,
            LessThan,
            LessThanOrEqual,
            Unordered,
            NotEqual,
            NotLessThan,
            NotLessThanOrEqual,
            Ordered,
        ]
        .get(usize::from(b))
        .copied()
    }

    /// The predicate's part of the mnemonic llvm-mc prints (`cmpltss`, `cmpordsd`, ...).
    pub fn name(self) -> &'static str {
        ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"][self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shift_counts_are_bounded_by_width() {
        for bits in [8u32, 16, 32, 64] {
            for n in 0..128u64 {
                let s = ShiftImm::maybe_from_u64(n, bits);
                assert_eq!(s.is_some(), n < u64::from(bits));
                if let Some(s) = s {
                    assert_eq!(u64::from(s.value()), n);
                }
            }
        }
        assert_eq!(ShiftImm::maybe_from_u64(1, 12), None);
    }

    #[test]
    fn narrow_constants_keep_their_bit_pattern() {
        assert_eq!(
            Simm32::maybe_from_u64_for_width(0xff, 8).map(|s| s.value() as u8),
            Some(0xff)
        );
        assert_eq!(Simm32::maybe_from_u64_for_width(0x100, 8), None);
        assert_eq!(
            Simm32::maybe_from_u64_for_width(0xffff_ffff, 32).map(|s| s.value()),
            Some(-1)
        );
        assert_eq!(Simm32::maybe_from_u64_for_width(0x8000_0000, 64), None);
        assert_eq!(
            Simm32::maybe_from_u64_for_width(u64::MAX, 64).map(|s| s.value()),
            Some(-1)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn simm32_accepts_exactly_the_i32_range(v in any::<i64>()) {
            let s = Simm32::maybe_from_i64(v);
            prop_assert_eq!(s.is_some(), v >= i64::from(i32::MIN) && v <= i64::from(i32::MAX));
            if let Some(s) = s {
                prop_assert_eq!(i64::from(s.value()), v);
                prop_assert_eq!(s.fits_i8(), (-128..=127).contains(&v));
            }
        }
    }
}
