//! Flags on memory accesses (`load.i32 notrap aligned v0`).
//!
//! Invariant: at most one of `little`/`big` is set, and at most one alias region
//! (`heap`, `table`, `vmctx`); [`MemFlags::set_by_name`] refuses a second one so a
//! parsed access can never be contradictory.

use core::fmt;

/// Flags of one memory access, printed in a fixed canonical order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct MemFlags {
    bits: u8,
}

const FLAG_NAMES: [(&str, u8); 8] = [
    ("notrap", 1 << 0),
    ("aligned", 1 << 1),
    ("readonly", 1 << 2),
    ("little", 1 << 3),
    ("big", 1 << 4),
    ("heap", 1 << 5),
    ("table", 1 << 6),
    ("vmctx", 1 << 7),
];
const ENDIAN: u8 = (1 << 3) | (1 << 4);
const REGION: u8 = (1 << 5) | (1 << 6) | (1 << 7);

/// Why a flag could not be added.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MemFlagError {
    /// Not a memory flag name.
    Unknown,
    /// A second endianness or alias region, or the same flag twice.
    Conflict,
}

impl MemFlags {
    /// No flags: may trap, may be unaligned, native endianness.
    pub const fn new() -> Self {
        MemFlags { bits: 0 }
    }

    /// Flags for accesses to memory that is always valid and aligned (spills, vmctx).
    pub const fn trusted() -> Self {
        MemFlags { bits: 0b11 }
    }

    /// Is `name` a memory flag?
    pub fn is_flag_name(name: &str) -> bool {
        FLAG_NAMES.iter().any(|(n, _)| *n == name)
    }

    /// Add the flag spelled `name`.
    pub fn set_by_name(&mut self, name: &str) -> Result<(), MemFlagError> {
        let (_, bit) = FLAG_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or(MemFlagError::Unknown)?;
        let group = if bit & ENDIAN != 0 {
            ENDIAN
        } else if bit & REGION != 0 {
            REGION
        } else {
            *bit
        };
        if self.bits & group != 0 {
            return Err(MemFlagError::Conflict);
        }
        self.bits |= bit;
        Ok(())
    }

    fn has(self, name: &str) -> bool {
        FLAG_NAMES
            .iter()
            .any(|(n, b)| *n == name && self.bits & b != 0)
    }

    /// The access cannot trap (the address is known valid).
    pub fn notrap(self) -> bool {
        self.has("notrap")
    }
    /// The address is aligned to the access size.
    pub fn aligned(self) -> bool {
        self.has("aligned")
    }
    /// The memory never changes while the function runs.
    pub fn readonly(self) -> bool {
        self.has("readonly")
    }
    /// Explicitly little-endian.
    pub fn little(self) -> bool {
        self.has("little")
    }
    /// Explicitly big-endian.
    pub fn big(self) -> bool {
        self.has("big")
    }
    /// Is the set empty?
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }
}

impl fmt::Display for MemFlags {
    /// Each set flag preceded by a space, so `load{flags} v0` prints naturally.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, bit) in FLAG_NAMES {
            if self.bits & bit != 0 {
                write!(f, " {name}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_table() {
        let cases: [(&[&str], Result<&str, MemFlagError>); 6] = [
            (&["notrap", "aligned"], Ok(" notrap aligned")),
            (&["aligned", "notrap"], Ok(" notrap aligned")),
            (&["little", "big"], Err(MemFlagError::Conflict)),
            (&["heap", "vmctx"], Err(MemFlagError::Conflict)),
            (&["notrap", "notrap"], Err(MemFlagError::Conflict)),
            (&["checked"], Err(MemFlagError::Unknown)),
        ];
        for (names, expect) in cases {
            let mut m = MemFlags::new();
            let got = names
                .iter()
                .try_for_each(|n| m.set_by_name(n))
                .map(|_| m.to_string());
            assert_eq!(got, expect.map(String::from), "{names:?}");
        }
    }
}
