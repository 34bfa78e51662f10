//! Registers as seen by instructions before and after register allocation.
//!
//! A [`Reg`] is either virtual (allocated later by regalloc2) or real (a physical
//! register fixed by the ABI or the instruction). Both live in one `u32`: real
//! registers occupy the first `PINNED` virtual-register indices, one per
//! `PReg::index()`, so instructions can hold either without an enum and the
//! regalloc2 adapter can map pinned virtual registers back to their physical ones.

use core::fmt;

use regalloc2::{PReg, VReg};

pub use regalloc2::RegClass;

/// Number of virtual-register indices reserved to stand for physical registers.
pub const PINNED: usize = PReg::NUM_INDEX;

/// A virtual or real register.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(VReg);

impl Reg {
    /// The register standing for physical register `preg`.
    pub fn from_real(preg: PReg) -> Self {
        Reg(VReg::new(preg.index(), preg.class()))
    }

    /// Wrap a virtual register. Its index must be at least [`PINNED`].
    pub fn from_virtual(vreg: VReg) -> Self {
        debug_assert!(
            vreg.vreg() >= PINNED,
            "virtual register index collides with a pinned one"
        );
        Reg(vreg)
    }

    /// The physical register, when this is a real register.
    pub fn to_real(self) -> Option<PReg> {
        if self.0.vreg() < PINNED {
            Some(PReg::from_index(self.0.vreg()))
        } else {
            None
        }
    }

    /// The virtual register, when this is not a real register.
    pub fn to_virtual(self) -> Option<VReg> {
        if self.is_real() {
            None
        } else {
            Some(self.0)
        }
    }

    /// Whether this is a real (physical) register.
    pub fn is_real(self) -> bool {
        self.0.vreg() < PINNED
    }

    /// The register class (int, float, vector).
    pub fn class(self) -> RegClass {
        self.0.class()
    }

    /// The underlying regalloc2 virtual register (pinned for real registers).
    pub fn as_vreg(self) -> VReg {
        self.0
    }
}

impl From<PReg> for Reg {
    fn from(preg: PReg) -> Self {
        Reg::from_real(preg)
    }
}

impl fmt::Debug for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_real() {
            Some(p) => write!(f, "{p}"),
            None => write!(
                f,
                "%v{}{}",
                self.0.vreg() - PINNED,
                class_suffix(self.class())
            ),
        }
    }
}

fn class_suffix(class: RegClass) -> &'static str {
    match class {
        RegClass::Int => "i",
        RegClass::Float => "f",
        RegClass::Vector => "v",
    }
}

/// A register an instruction writes. Only lowering and the ABI create these, so a
/// read-only operand cannot be passed where a definition is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Writable<T>(T);

impl<T: Copy> Writable<T> {
    /// Mark `reg` as written.
    pub fn from_reg(reg: T) -> Self {
        Writable(reg)
    }

    /// The register being written.
    pub fn to_reg(self) -> T {
        self.0
    }

    /// Mutable access for operand visitors, which rewrite registers after allocation.
    pub(crate) fn reg_mut(&mut self) -> &mut T {
        &mut self.0
    }

    /// Apply `f` to the register, keeping it writable.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Writable<U> {
        Writable(f(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_and_virtual_round_trip() {
        let p = PReg::new(5, RegClass::Int);
        let r = Reg::from_real(p);
        assert!(r.is_real());
        assert_eq!(r.to_real(), Some(p));
        let v = Reg::from_virtual(VReg::new(PINNED + 3, RegClass::Float));
        assert!(!v.is_real());
        assert_eq!(v.to_virtual().unwrap().vreg(), PINNED + 3);
        assert_eq!(format!("{v:?}"), "%v3f");
    }
}
