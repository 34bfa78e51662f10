//! AArch64 registers: `x0`–`x30`, `xzr`, `sp` and `v0`–`v31`.
//!
//! Encoding 31 means `xzr` in most operand slots and `sp` in a few (the base of an
//! address, the operands of `add`/`sub` immediate, ...). The two are distinct and
//! misuse is impossible by type:
//! - [`Reg`] operands are `x0`–`x30`, `xzr` (physical index 31) or virtual
//!   registers; `sp` is not a `Reg` at all, so it cannot reach an `xzr` slot;
//! - operands in slots where 31 means `sp` have the type [`RegOrSp`], whose only
//!   constructors reject `xzr`, so `xzr` cannot reach an `sp` slot.
//!
//! The register allocator never hands out `xzr` (it is not allocatable), so the
//! rewrite after allocation keeps both properties.
//!
//! Reserved registers (never allocated, never carry values across instructions we
//! do not control):
//! - `x16`, `x17` (IP0/IP1): veneers and long-range address materialization.
//! - `x18`: platform register.
//! - `x29` (fp), `x30` (lr), `sp`, `xzr`.

use atoll_codegen::machinst::{MachineEnv, PReg, PRegSet, Reg, RegClass, Writable};

/// Physical index of `xzr` in the integer class.
const ZR_INDEX: usize = 31;

/// General-purpose register `xN`/`wN`, `n` in `0..=30`.
///
/// Panics on `n > 30`: callers pass constants (ABI tables, fixed operands).
pub fn xreg(n: u8) -> Reg {
    assert!(
        n <= 30,
        "x{n} does not exist (xzr and sp have their own constructors)"
    );
    Reg::from_real(xreg_preg(n))
}

/// The physical register behind [`xreg`].
pub fn xreg_preg(n: u8) -> PReg {
    assert!(n <= 30, "x{n} does not exist");
    PReg::new(n as usize, RegClass::Int)
}

/// Writable [`xreg`].
pub fn writable_xreg(n: u8) -> Writable<Reg> {
    Writable::from_reg(xreg(n))
}

/// Float/vector register `vN` (`sN`/`dN`/`qN` by access size), `n` in `0..=31`.
pub fn vreg(n: u8) -> Reg {
    Reg::from_real(vreg_preg(n))
}

/// The physical register behind [`vreg`].
pub fn vreg_preg(n: u8) -> PReg {
    assert!(n <= 31, "v{n} does not exist");
    PReg::new(n as usize, RegClass::Float)
}

/// Writable [`vreg`].
pub fn writable_vreg(n: u8) -> Writable<Reg> {
    Writable::from_reg(vreg(n))
}

/// The zero register (`xzr`/`wzr`): reads as 0, writes are discarded.
pub fn zero_reg() -> Reg {
    Reg::from_real(PReg::new(ZR_INDEX, RegClass::Int))
}

/// `xzr` as a destination (discard the result, e.g. `subs xzr, ...` = `cmp`).
pub fn writable_zero_reg() -> Writable<Reg> {
    Writable::from_reg(zero_reg())
}

/// An operand in a slot where encoding 31 means `sp`: the stack pointer, or an
/// integer register that is not `xzr` (real or virtual).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegOrSp(Option<Reg>);

impl RegOrSp {
    /// The stack pointer.
    pub fn sp() -> RegOrSp {
        RegOrSp(None)
    }

    /// `r` in an sp-slot, or `None` if `r` is `xzr` or not an integer register.
    pub fn reg(r: Reg) -> Option<RegOrSp> {
        (r.class() == RegClass::Int && !is_zero_reg(r)).then_some(RegOrSp(Some(r)))
    }

    /// `xN`, `n` in `0..=30`, in an sp-slot.
    pub fn x(n: u8) -> RegOrSp {
        RegOrSp(Some(xreg(n)))
    }

    /// Whether this is the stack pointer.
    pub fn is_sp(self) -> bool {
        self.0.is_none()
    }

    /// The register, unless this is the stack pointer.
    pub fn as_reg(self) -> Option<Reg> {
        self.0
    }

    /// Mutable access to the register (for the operand walk, which checks that
    /// nothing wrote `xzr` through it); `None` for `sp`.
    pub(crate) fn reg_mut(&mut self) -> Option<&mut Reg> {
        self.0.as_mut()
    }
}

impl core::fmt::Debug for RegOrSp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            None => f.write_str("sp"),
            Some(r) => write!(f, "{r:?}"),
        }
    }
}

/// The stack pointer as an sp-slot operand.
pub fn stack_reg() -> RegOrSp {
    RegOrSp::sp()
}

/// Writable stack pointer (stack adjustment, writeback addressing).
pub fn writable_stack_reg() -> Writable<RegOrSp> {
    Writable::from_reg(RegOrSp::sp())
}

/// Frame pointer, `x29`.
pub fn fp_reg() -> Reg {
    xreg(29)
}

/// Link register, `x30`.
pub fn link_reg() -> Reg {
    xreg(30)
}

/// Platform register, `x18` (never used).
pub fn platform_reg() -> Reg {
    xreg(18)
}

/// First veneer scratch register, `x16` (IP0).
pub fn veneer_tmp0() -> Reg {
    xreg(16)
}

/// Second veneer scratch register, `x17` (IP1).
pub fn veneer_tmp1() -> Reg {
    xreg(17)
}

/// Whether `r` is `xzr`.
pub fn is_zero_reg(r: Reg) -> bool {
    r == zero_reg()
}

/// Whether `r` is one of the registers the allocator never hands out.
pub fn is_reserved(r: Reg) -> bool {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Int => matches!(p.hw_enc(), 16 | 17 | 18 | 29 | 30 | 31),
        _ => false,
    }
}

/// The integer registers regalloc2 may allocate, caller-saved ones first so that
/// short-lived values avoid callee-saved registers.
pub fn allocatable_int_regs() -> Vec<PReg> {
    (0u8..=15).chain(19..=28).map(xreg_preg).collect()
}

/// The float registers regalloc2 may allocate (all of them).
pub fn allocatable_float_regs() -> Vec<PReg> {
    (0u8..=31).map(vreg_preg).collect()
}

/// The register environment for regalloc2: caller-saved registers are preferred
/// (no save/restore cost in the prologue), callee-saved ones come next. Reserved
/// registers (`x16`–`x18`, `x29`, `x30`, `sp`, `xzr`) never appear. No dedicated
/// scratch register: regalloc2 finds one (or spills) for cyclic moves.
pub fn machine_env() -> MachineEnv {
    let int_pref: PRegSet = (0u8..=15).map(xreg_preg).collect();
    let int_rest: PRegSet = (19u8..=28).map(xreg_preg).collect();
    let float_pref: PRegSet = (0u8..=7).chain(16..=31).map(vreg_preg).collect();
    let float_rest: PRegSet = (8u8..=15).map(vreg_preg).collect();
    MachineEnv {
        preferred_regs_by_class: [int_pref, float_pref, PRegSet::empty()],
        non_preferred_regs_by_class: [int_rest, float_rest, PRegSet::empty()],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: Vec::new(),
    }
}

/// Registers a call may destroy under AAPCS64 (and our `fast` convention): `x0`–`x17`
/// and the float registers except `v8`–`v15` (whose low 64 bits, all that scalar
/// code uses, are callee-saved).
pub fn caller_saved_clobbers() -> PRegSet {
    let mut set = PRegSet::empty();
    for n in 0..=17 {
        set.add(xreg_preg(n));
    }
    for n in (0..=7).chain(16..=31) {
        set.add(vreg_preg(n));
    }
    set
}

fn real(r: Reg, what: &str) -> PReg {
    match r.to_real() {
        Some(p) => p,
        None => panic!("virtual register {r:?} reached the aarch64 encoder ({what}); run register allocation first"),
    }
}

/// Hardware encoding of an integer register in a slot where 31 means `xzr`.
///
/// Panics on a virtual or float register (a register-allocation invariant).
pub fn hw_enc_zr(r: Reg) -> u32 {
    let p = real(r, "gpr or xzr slot");
    assert!(
        p.class() == RegClass::Int,
        "float register {r:?} in an integer slot"
    );
    p.hw_enc() as u32
}

/// Hardware encoding of an sp-slot operand (31 for `sp`).
pub fn hw_enc_sp(r: RegOrSp) -> u32 {
    match r.as_reg() {
        None => 31,
        Some(r) => hw_enc_zr(r),
    }
}

/// Hardware encoding of a float/vector register.
pub fn hw_enc_v(r: Reg) -> u32 {
    let p = real(r, "fpr slot");
    assert!(
        p.class() == RegClass::Float,
        "integer register {r:?} in a float slot"
    );
    p.hw_enc() as u32
}

/// Name of an sp-slot operand at 64 (`x5`, `sp`) or 32 bits (`w5`, `wsp`).
pub fn show_ireg_sp(r: RegOrSp, is64: bool) -> String {
    match (r.as_reg(), is64) {
        (None, true) => "sp".into(),
        (None, false) => "wsp".into(),
        (Some(r), is64) => show_ireg(r, is64),
    }
}

/// Name of an integer register at 64 (`x5`, `xzr`) or 32 bits (`w5`, `wzr`).
/// Virtual registers print as their debug form.
pub fn show_ireg(r: Reg, is64: bool) -> String {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Int => match (p.hw_enc(), is64) {
            (ZR_INDEX, true) => "xzr".into(),
            (ZR_INDEX, false) => "wzr".into(),
            (n, true) => format!("x{n}"),
            (n, false) => format!("w{n}"),
        },
        _ => format!("{r:?}"),
    }
}

/// Name of a float register accessed as `prefix` (`'s'`, `'d'`, `'q'`, `'h'`, `'b'`)
/// or `'v'` for the whole vector.
pub fn show_vreg(r: Reg, prefix: char) -> String {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Float => format!("{prefix}{}", p.hw_enc()),
        _ => format!("{r:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zr_and_sp_are_distinct_with_encoding_31() {
        assert_eq!(hw_enc_zr(zero_reg()), 31);
        assert_eq!(hw_enc_sp(stack_reg()), 31);
        assert_eq!(hw_enc_zr(xreg(7)), 7);
        assert_eq!(hw_enc_sp(RegOrSp::x(30)), 30);
        assert_eq!(show_ireg_sp(stack_reg(), true), "sp");
        assert_eq!(show_ireg_sp(stack_reg(), false), "wsp");
        assert_eq!(show_ireg(zero_reg(), false), "wzr");
        assert_eq!(show_vreg(vreg(3), 'd'), "d3");
    }

    #[test]
    fn xzr_cannot_enter_an_sp_slot() {
        assert_eq!(RegOrSp::reg(zero_reg()), None);
        assert_eq!(RegOrSp::reg(vreg(1)), None);
        assert_eq!(RegOrSp::reg(xreg(3)), Some(RegOrSp::x(3)));
        assert!(stack_reg().is_sp() && stack_reg().as_reg().is_none());
    }

    #[test]
    fn reserved_registers_are_never_allocatable() {
        for p in allocatable_int_regs() {
            assert!(!is_reserved(Reg::from_real(p)), "{p} is reserved");
        }
        assert_eq!(allocatable_int_regs().len(), 26);
        assert!(
            is_reserved(veneer_tmp0()) && is_reserved(veneer_tmp1()) && is_reserved(platform_reg())
        );
    }
}
