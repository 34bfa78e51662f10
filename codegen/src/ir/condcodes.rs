//! Condition codes for `icmp`, `icmp_imm` and `fcmp`.

use core::fmt;

macro_rules! cond_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $name { $($(#[$vdoc])* $v,)* }

        impl $name {
            /// Every condition code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The CLIF spelling.
            pub const fn name(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }

            /// Parse a CLIF spelling.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.name() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

cond_enum!(
    /// Integer comparison: signed (`s`) or unsigned (`u`) orderings and equality.
    IntCC {
        /// `==`
        Equal = "eq",
        /// `!=`
        NotEqual = "ne",
        /// Signed `<`.
        SignedLessThan = "slt",
        /// Signed `>=`.
        SignedGreaterThanOrEqual = "sge",
        /// Signed `>`.
        SignedGreaterThan = "sgt",
        /// Signed `<=`.
        SignedLessThanOrEqual = "sle",
        /// Unsigned `<`.
        UnsignedLessThan = "ult",
        /// Unsigned `>=`.
        UnsignedGreaterThanOrEqual = "uge",
        /// Unsigned `>`.
        UnsignedGreaterThan = "ugt",
        /// Unsigned `<=`.
        UnsignedLessThanOrEqual = "ule",
    }
);

cond_enum!(
    /// Float comparison. Plain names are false on unordered operands (except `ne`);
    /// `u`-prefixed names are true on unordered operands (except `one`).
    FloatCC {
        /// Neither operand is NaN.
        Ordered = "ord",
        /// Either operand is NaN.
        Unordered = "uno",
        /// Ordered and equal.
        Equal = "eq",
        /// Unordered or not equal.
        NotEqual = "ne",
        /// Ordered and not equal.
        OrderedNotEqual = "one",
        /// Unordered or equal.
        UnorderedOrEqual = "ueq",
        /// Ordered and `<`.
        LessThan = "lt",
        /// Ordered and `<=`.
        LessThanOrEqual = "le",
        /// Ordered and `>`.
        GreaterThan = "gt",
        /// Ordered and `>=`.
        GreaterThanOrEqual = "ge",
        /// Unordered or `<`.
        UnorderedOrLessThan = "ult",
        /// Unordered or `<=`.
        UnorderedOrLessThanOrEqual = "ule",
        /// Unordered or `>`.
        UnorderedOrGreaterThan = "ugt",
        /// Unordered or `>=`.
        UnorderedOrGreaterThanOrEqual = "uge",
    }
);

impl IntCC {
    /// The condition with operands swapped (`a < b` is `b > a`).
    pub const fn swap_args(self) -> IntCC {
        use IntCC::*;
        match self {
            Equal => Equal,
            NotEqual => NotEqual,
            SignedLessThan => SignedGreaterThan,
            SignedGreaterThanOrEqual => SignedLessThanOrEqual,
            SignedGreaterThan => SignedLessThan,
            SignedLessThanOrEqual => SignedGreaterThanOrEqual,
            UnsignedLessThan => UnsignedGreaterThan,
            UnsignedGreaterThanOrEqual => UnsignedLessThanOrEqual,
            UnsignedGreaterThan => UnsignedLessThan,
            UnsignedLessThanOrEqual => UnsignedGreaterThanOrEqual,
        }
    }

    /// The negated condition (`!(a < b)` is `a >= b`).
    pub const fn inverse(self) -> IntCC {
        use IntCC::*;
        match self {
            Equal => NotEqual,
            NotEqual => Equal,
            SignedLessThan => SignedGreaterThanOrEqual,
            SignedGreaterThanOrEqual => SignedLessThan,
            SignedGreaterThan => SignedLessThanOrEqual,
            SignedLessThanOrEqual => SignedGreaterThan,
            UnsignedLessThan => UnsignedGreaterThanOrEqual,
            UnsignedGreaterThanOrEqual => UnsignedLessThan,
            UnsignedGreaterThan => UnsignedLessThanOrEqual,
            UnsignedLessThanOrEqual => UnsignedGreaterThan,
        }
    }

    /// Whether the condition compares the operands as signed integers (so narrow
    /// operands must be sign-extended before a full-width compare).
    pub const fn is_signed(self) -> bool {
        use IntCC::*;
        matches!(
            self,
            SignedLessThan | SignedGreaterThanOrEqual | SignedGreaterThan | SignedLessThanOrEqual
        )
    }
}

impl FloatCC {
    /// The negated condition; exact under NaN because every code has its complement.
    pub const fn inverse(self) -> FloatCC {
        use FloatCC::*;
        match self {
            Ordered => Unordered,
            Unordered => Ordered,
            Equal => NotEqual,
            NotEqual => Equal,
            OrderedNotEqual => UnorderedOrEqual,
            UnorderedOrEqual => OrderedNotEqual,
            LessThan => UnorderedOrGreaterThanOrEqual,
            LessThanOrEqual => UnorderedOrGreaterThan,
            GreaterThan => UnorderedOrLessThanOrEqual,
            GreaterThanOrEqual => UnorderedOrLessThan,
            UnorderedOrLessThan => GreaterThanOrEqual,
            UnorderedOrLessThanOrEqual => GreaterThan,
            UnorderedOrGreaterThan => LessThanOrEqual,
            UnorderedOrGreaterThanOrEqual => LessThan,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_inverses_are_involutions() {
        for &c in IntCC::ALL {
            assert_eq!(IntCC::from_name(c.name()), Some(c));
            assert_eq!(c.inverse().inverse(), c);
            assert_eq!(c.swap_args().swap_args(), c);
        }
        for &c in FloatCC::ALL {
            assert_eq!(FloatCC::from_name(c.name()), Some(c));
            assert_eq!(c.inverse().inverse(), c);
        }
        assert_eq!(IntCC::ALL.len(), 10);
        assert_eq!(FloatCC::ALL.len(), 14);
    }
    #[test]
    fn signedness_follows_the_name() {
        // The IR names of signed conditions start with `s` (`slt`, `sge`, ...).
        for &c in IntCC::ALL {
            assert_eq!(c.is_signed(), c.name().starts_with('s'), "{}", c.name());
            assert_eq!(c.swap_args().is_signed(), c.is_signed(), "{}", c.name());
        }
    }
}
