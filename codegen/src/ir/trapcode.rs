//! Trap codes: why a trapping instruction stopped execution.

use core::fmt;
use core::num::NonZeroU8;
use core::str::FromStr;

/// A trap code as written in CLIF: a named code, or `userN` for 1 <= N <= 250.
///
/// Stored as one non-zero byte so `Option<TrapCode>` is one byte too. Codes 251..=255
/// are the named ones; 1..=250 are user codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrapCode(NonZeroU8);

const NAMES: [(&str, u8); 5] = [
    ("stk_ovf", 255),
    ("heap_oob", 254),
    ("int_ovf", 253),
    ("int_divz", 252),
    ("bad_toint", 251),
];

impl TrapCode {
    /// Largest user code.
    pub const MAX_USER: u8 = 250;
    /// The stack limit was exceeded (or an interrupt sentinel was hit; the runtime tells
    /// the two apart).
    pub const STACK_OVERFLOW: TrapCode = TrapCode::named(255);
    /// A memory access was out of bounds.
    pub const HEAP_OUT_OF_BOUNDS: TrapCode = TrapCode::named(254);
    /// Integer overflow (e.g. `INT_MIN / -1`).
    pub const INTEGER_OVERFLOW: TrapCode = TrapCode::named(253);
    /// Integer division by zero.
    pub const INTEGER_DIVISION_BY_ZERO: TrapCode = TrapCode::named(252);
    /// A float-to-int conversion of NaN or an out-of-range value.
    pub const BAD_CONVERSION_TO_INTEGER: TrapCode = TrapCode::named(251);

    const fn named(n: u8) -> TrapCode {
        match NonZeroU8::new(n) {
            Some(n) => TrapCode(n),
            None => panic!("trap code 0"),
        }
    }

    /// User trap code `userN`, or `None` unless 1 <= n <= 250.
    pub const fn user(n: u8) -> Option<TrapCode> {
        if n == 0 || n > Self::MAX_USER {
            return None;
        }
        match NonZeroU8::new(n) {
            Some(n) => Some(TrapCode(n)),
            None => None,
        }
    }

    /// The code as one byte (for trap tables).
    pub const fn as_raw(self) -> u8 {
        self.0.get()
    }

    /// Inverse of [`TrapCode::as_raw`].
    pub const fn from_raw(b: u8) -> Option<TrapCode> {
        match NonZeroU8::new(b) {
            Some(n) => Some(TrapCode(n)),
            None => None,
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match NAMES.iter().find(|(_, n)| *n == self.0.get()) {
            Some((name, _)) => f.write_str(name),
            None => write!(f, "user{}", self.0),
        }
    }
}

impl fmt::Debug for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for TrapCode {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        if let Some((_, n)) = NAMES.iter().find(|(name, _)| *name == s) {
            return Ok(TrapCode::named(*n));
        }
        let digits = s.strip_prefix("user").ok_or(())?;
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
            return Err(());
        }
        digits.parse::<u8>().ok().and_then(TrapCode::user).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_code() {
        for b in 1..=255u8 {
            let code = TrapCode::from_raw(b).unwrap();
            assert_eq!(code.to_string().parse::<TrapCode>(), Ok(code));
        }
        assert!("user0".parse::<TrapCode>().is_err());
        assert!("user251".parse::<TrapCode>().is_err());
        assert!("user01".parse::<TrapCode>().is_err());
    }
}
