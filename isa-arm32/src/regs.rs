//! The A32 register file as [`Reg`]/[`PReg`] values.
//!
//! Integer class: `r0`–`r15` with hardware encodings 0–15 (`sp` = r13, `lr` = r14,
//! `pc` = r15). `ip` (r12) is reserved for veneers and never allocated; `pc` is never
//! an operand of an allocatable instruction.
//!
//! Float class (VFPv3-D16): registers `s0`–`s31` alias `d0`–`d15` (`s2n`/`s2n+1` are
//! the halves of `dn`). regalloc2 cannot model aliasing, so:
//! - hardware encodings 0–15 are `d0`–`d15`, the only allocatable float registers.
//!   An `f32` held in `dn` lives in its low half `s2n`, so every float value gets a
//!   whole D register and two values never share one.
//! - hardware encodings 32–63 are `s0`–`s31`, never allocated; the ABI names them
//!   where AAPCS-VFP back-fills `f32` arguments into odd S registers (`s1`, `s3`, ...).
//!
//! Encoders get the S view of any float register with [`sreg_num`] and the D view
//! with [`dreg_num`]; the pair is the invariant the rest of the crate relies on.

use atoll_codegen::machinst::{MachineEnv, PReg, PRegSet, Reg, RegClass, Writable};

/// Hardware encoding offset of the S-register view in the float class.
const S_BASE: usize = 32;

/// Integer register `rN` (N in 0..=15).
pub const fn rreg_preg(n: u8) -> PReg {
    PReg::new(n as usize, RegClass::Int)
}

/// Integer register `rN` as a [`Reg`].
pub fn rreg(n: u8) -> Reg {
    debug_assert!(n < 16, "r{n} does not exist");
    Reg::from_real(rreg_preg(n))
}

/// Double-precision register `dN` (N in 0..=15) as a [`Reg`].
pub fn dreg(n: u8) -> Reg {
    debug_assert!(n < 16, "d{n} does not exist in VFPv3-D16");
    Reg::from_real(PReg::new(n as usize, RegClass::Float))
}

/// Single-precision register `sN` (N in 0..=31) as a [`Reg`] (never allocatable).
pub fn sreg(n: u8) -> Reg {
    debug_assert!(n < 32, "s{n} does not exist");
    Reg::from_real(PReg::new(S_BASE + n as usize, RegClass::Float))
}

/// The stack pointer, r13.
pub fn sp() -> Reg {
    rreg(13)
}

/// The link register, r14.
pub fn lr() -> Reg {
    rreg(14)
}

/// The program counter, r15.
pub fn pc() -> Reg {
    rreg(15)
}

/// The intra-procedure-call scratch register, r12: reserved for veneers.
pub fn ip() -> Reg {
    rreg(12)
}

/// The frame pointer of the A32 AAPCS frame chain, r11.
pub fn fp() -> Reg {
    rreg(11)
}

/// Writable view of `r`.
pub fn writable(r: Reg) -> Writable<Reg> {
    Writable::from_reg(r)
}

/// The 4-bit encoding of an integer register. A virtual register reaching the encoder
/// is a lowering/regalloc bug, not a user error.
pub fn rreg_num(r: Reg) -> u32 {
    let p = real(r);
    debug_assert_eq!(p.class(), RegClass::Int, "{r:?} is not an integer register");
    p.hw_enc() as u32
}

/// The S-register number holding `r`: `s2n` for `dn`, `sn` for `sn`.
pub fn sreg_num(r: Reg) -> u32 {
    let p = real(r);
    debug_assert_eq!(p.class(), RegClass::Float, "{r:?} is not a float register");
    let hw = p.hw_enc();
    if hw >= S_BASE {
        (hw - S_BASE) as u32
    } else {
        2 * hw as u32
    }
}

/// The D-register number of `r`; an S register stands for the D register containing it
/// (only meaningful for even S registers, which debug builds check).
pub fn dreg_num(r: Reg) -> u32 {
    let p = real(r);
    debug_assert_eq!(p.class(), RegClass::Float, "{r:?} is not a float register");
    let hw = p.hw_enc();
    if hw >= S_BASE {
        debug_assert!(
            (hw - S_BASE).is_multiple_of(2),
            "odd s register used as a d register"
        );
        ((hw - S_BASE) / 2) as u32
    } else {
        hw as u32
    }
}

fn real(r: Reg) -> PReg {
    match r.to_real() {
        Some(p) => p,
        None => panic!("virtual register {r:?} reached the A32 encoder"),
    }
}

/// Assembler name of an integer register (`sp`, `lr`, `pc`, `ip`, `fp` by their aliases,
/// as objdump prints them).
pub fn show_rreg(r: Reg) -> String {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Int => match p.hw_enc() {
            11 => "fp".into(),
            12 => "ip".into(),
            13 => "sp".into(),
            14 => "lr".into(),
            15 => "pc".into(),
            n => format!("r{n}"),
        },
        _ => format!("{r:?}"),
    }
}

/// Assembler name of the S view of a float register.
pub fn show_sreg(r: Reg) -> String {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Float => format!("s{}", sreg_num(r)),
        _ => format!("{r:?}"),
    }
}

/// Assembler name of the D view of a float register.
pub fn show_dreg(r: Reg) -> String {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Float => format!("d{}", dreg_num(r)),
        _ => format!("{r:?}"),
    }
}

/// The `D` register `dN` as a [`PReg`].
pub const fn dreg_preg(n: u8) -> PReg {
    PReg::new(n as usize, RegClass::Float)
}

/// What regalloc2 may allocate: caller-saved registers preferred (r0–r3, d0–d7),
/// callee-saved ones after (r4–r10, d8–d15). Never r11 (fp), ip, sp, lr, pc or the
/// S-register views.
pub fn machine_env() -> MachineEnv {
    let int_pref: PRegSet = (0u8..=3).map(rreg_preg).collect();
    let int_rest: PRegSet = (4u8..=10).map(rreg_preg).collect();
    let float_pref: PRegSet = (0u8..=7).map(dreg_preg).collect();
    let float_rest: PRegSet = (8u8..=15).map(dreg_preg).collect();
    MachineEnv {
        preferred_regs_by_class: [int_pref, float_pref, PRegSet::empty()],
        non_preferred_regs_by_class: [int_rest, float_rest, PRegSet::empty()],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: Vec::new(),
    }
}

/// Allocatable registers a call may destroy under AAPCS (and our `fast` convention):
/// r0–r3 and d0–d7. (`ip` and `lr` are destroyed too but never allocated.)
pub fn caller_saved_clobbers() -> PRegSet {
    (0u8..=3)
        .map(rreg_preg)
        .chain((0u8..=7).map(dreg_preg))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_and_d_views_agree() {
        for n in 0..16u8 {
            assert_eq!(sreg_num(dreg(n)), 2 * n as u32);
            assert_eq!(dreg_num(dreg(n)), n as u32);
            assert_eq!(dreg_num(sreg(2 * n)), n as u32);
        }
        assert_eq!(sreg_num(sreg(31)), 31);
        assert_eq!(show_sreg(dreg(3)), "s6");
        assert_eq!(show_dreg(dreg(3)), "d3");
        assert_eq!(show_rreg(ip()), "ip");
        assert_eq!(show_rreg(rreg(4)), "r4");
    }

    #[test]
    fn reserved_registers_are_not_allocatable() {
        let env = machine_env();
        for r in [fp(), ip(), sp(), lr(), pc(), sreg(1)] {
            let p = r.to_real().unwrap();
            for class in 0..3 {
                assert!(!env.preferred_regs_by_class[class].contains(p));
                assert!(!env.non_preferred_regs_by_class[class].contains(p));
            }
        }
        assert!(caller_saved_clobbers().contains(rreg_preg(3)));
        assert!(!caller_saved_clobbers().contains(rreg_preg(4)));
    }
}
