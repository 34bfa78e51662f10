//! Value types.
//!
//! The scalar core only: integers of 8 to 128 bits and IEEE binary32/binary64.
//! Vector, `f16` and `f128` types are not representable; the parser names them in its
//! error instead.

use core::fmt;

/// The type of an SSA value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Type {
    /// 8-bit integer (also the result type of comparisons).
    I8,
    /// 16-bit integer.
    I16,
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 128-bit integer.
    I128,
    /// IEEE 754 binary32.
    F32,
    /// IEEE 754 binary64.
    F64,
}

/// Every type, in declaration order (for tests and generators).
pub const ALL_TYPES: [Type; 7] = [
    Type::I8,
    Type::I16,
    Type::I32,
    Type::I64,
    Type::I128,
    Type::F32,
    Type::F64,
];

impl Type {
    /// Width in bits.
    pub const fn bits(self) -> u32 {
        match self {
            Type::I8 => 8,
            Type::I16 => 16,
            Type::I32 | Type::F32 => 32,
            Type::I64 | Type::F64 => 64,
            Type::I128 => 128,
        }
    }

    /// Width in bytes.
    pub const fn bytes(self) -> u32 {
        self.bits() / 8
    }

    /// Is this an integer type?
    pub const fn is_int(self) -> bool {
        !self.is_float()
    }

    /// Is this a float type?
    pub const fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    /// The CLIF spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Type::I8 => "i8",
            Type::I16 => "i16",
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::I128 => "i128",
            Type::F32 => "f32",
            Type::F64 => "f64",
        }
    }

    /// Parse a CLIF type name; `None` for anything not in the scalar core.
    pub fn from_name(s: &str) -> Option<Type> {
        ALL_TYPES.iter().copied().find(|t| t.name() == s)
    }

    /// The integer type of the given width in bits, if there is one.
    pub const fn int_with_bits(bits: u32) -> Option<Type> {
        match bits {
            8 => Some(Type::I8),
            16 => Some(Type::I16),
            32 => Some(Type::I32),
            64 => Some(Type::I64),
            128 => Some(Type::I128),
            _ => None,
        }
    }

    /// The integer type twice as wide (`iconcat`), if there is one.
    pub const fn double_width(self) -> Option<Type> {
        match self {
            Type::I8 => Some(Type::I16),
            Type::I16 => Some(Type::I32),
            Type::I32 => Some(Type::I64),
            Type::I64 => Some(Type::I128),
            _ => None,
        }
    }

    /// The integer type half as wide (`isplit`), if there is one.
    pub const fn half_width(self) -> Option<Type> {
        match self {
            Type::I16 => Some(Type::I8),
            Type::I32 => Some(Type::I16),
            Type::I64 => Some(Type::I32),
            Type::I128 => Some(Type::I64),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ALL_TYPES {
            assert_eq!(Type::from_name(t.name()), Some(t));
        }
        assert_eq!(Type::from_name("i8x16"), None);
        assert_eq!(Type::I64.double_width(), Some(Type::I128));
        assert_eq!(Type::I8.half_width(), None);
    }
}
