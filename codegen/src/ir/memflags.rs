//! Flags on memory accesses (`load.i32 notrap aligned v0`).
//!
//! Invariants: at most one of `little`/`big` is set, at most one alias region
//! (`heap`, `table`, `vmctx`), and at most one of `notrap` and an explicit trap code
//! (`load.i32 int_ovf v0`); [`MemFlags::set_by_name`] refuses anything else, so a
//! parsed access can never be contradictory.

use core::fmt;

use super::TrapCode;

/// Flags of one memory access, printed in a fixed canonical order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct MemFlags {
    bits: u16,
    /// An explicit trap code; `None` means the default (`heap_oob`) unless `notrap`.
    trap: Option<TrapCode>,
}

const NOTRAP: u16 = 1 << 0;
const FLAG_NAMES: [(&str, u16); 10] = [
    ("notrap", NOTRAP),
    ("aligned", 1 << 1),
    ("readonly", 1 << 2),
    ("little", 1 << 3),
    ("big", 1 << 4),
    ("heap", 1 << 5),
    ("table", 1 << 6),
    ("vmctx", 1 << 7),
    ("checked", 1 << 8),
    ("can_move", 1 << 9),
];
const ENDIAN: u16 = (1 << 3) | (1 << 4);
const REGION: u16 = (1 << 5) | (1 << 6) | (1 << 7);

/// Why a flag could not be added.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MemFlagError {
    /// Neither a memory flag name nor a trap code.
    Unknown,
    /// A second endianness, alias region or trap code, `notrap` with a trap code, or
    /// the same flag twice.
    Conflict,
}

impl MemFlags {
    /// No flags: may trap (with `heap_oob`), may be unaligned, native endianness.
    pub const fn new() -> Self {
        MemFlags {
            bits: 0,
            trap: None,
        }
    }

    /// Flags for accesses to memory that is always valid and aligned (spills, vmctx).
    pub const fn trusted() -> Self {
        MemFlags {
            bits: 0b11,
            trap: None,
        }
    }

    /// Is `name` a memory flag or a trap code (both may appear among the flags)?
    pub fn is_flag_name(name: &str) -> bool {
        FLAG_NAMES.iter().any(|(n, _)| *n == name) || name.parse::<TrapCode>().is_ok()
    }

    /// Add the flag, or the trap code, spelled `name`.
    pub fn set_by_name(&mut self, name: &str) -> Result<(), MemFlagError> {
        let Some((_, bit)) = FLAG_NAMES.iter().find(|(n, _)| *n == name) else {
            let code = name
                .parse::<TrapCode>()
                .map_err(|_| MemFlagError::Unknown)?;
            if self.trap.is_some() || self.bits & NOTRAP != 0 {
                return Err(MemFlagError::Conflict);
            }
            self.trap = Some(code);
            return Ok(());
        };
        let group = if bit & ENDIAN != 0 {
            ENDIAN
        } else if bit & REGION != 0 {
            REGION
        } else {
            *bit
        };
        if self.bits & group != 0 || (*bit == NOTRAP && self.trap.is_some()) {
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
    /// The trap a faulting access raises: `None` with `notrap`, else the explicit
    /// code or `heap_oob`.
    pub fn trap_code(self) -> Option<TrapCode> {
        if self.notrap() {
            None
        } else {
            Some(self.trap.unwrap_or(TrapCode::HEAP_OUT_OF_BOUNDS))
        }
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
    /// The access has been bounds-checked by earlier code (Cranelift's `checked`).
    pub fn checked(self) -> bool {
        self.has("checked")
    }
    /// The load may be hoisted past control flow (Cranelift's `can_move`).
    pub fn can_move(self) -> bool {
        self.has("can_move")
    }
    /// Is the set empty?
    pub fn is_empty(self) -> bool {
        self.bits == 0 && self.trap.is_none()
    }
}

impl fmt::Display for MemFlags {
    /// Each set flag preceded by a space, so `load{flags} v0` prints naturally; an
    /// explicit trap code comes last.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, bit) in FLAG_NAMES {
            if self.bits & bit != 0 {
                write!(f, " {name}")?;
            }
        }
        match self.trap {
            Some(code) => write!(f, " {code}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_table() {
        let cases: [(&[&str], Result<&str, MemFlagError>); 10] = [
            (&["notrap", "aligned"], Ok(" notrap aligned")),
            (&["aligned", "notrap"], Ok(" notrap aligned")),
            (
                &["can_move", "readonly", "checked"],
                Ok(" readonly checked can_move"),
            ),
            (&["int_ovf", "aligned"], Ok(" aligned int_ovf")),
            (&["little", "big"], Err(MemFlagError::Conflict)),
            (&["heap", "vmctx"], Err(MemFlagError::Conflict)),
            (&["notrap", "notrap"], Err(MemFlagError::Conflict)),
            (&["notrap", "user1"], Err(MemFlagError::Conflict)),
            (&["user1", "heap_oob"], Err(MemFlagError::Conflict)),
            (&["bogus"], Err(MemFlagError::Unknown)),
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

    #[test]
    fn trap_codes() {
        let mut m = MemFlags::new();
        assert_eq!(m.trap_code(), Some(TrapCode::HEAP_OUT_OF_BOUNDS));
        m.set_by_name("int_ovf").unwrap();
        assert_eq!(m.trap_code(), Some(TrapCode::INTEGER_OVERFLOW));
        assert_eq!(MemFlags::trusted().trap_code(), None);
    }
}
