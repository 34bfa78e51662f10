//! Instruction synthesizers: short constructors for common forms, and sequences for
//! values an immediate field cannot hold (large stack adjustments, spill slots far
//! from `sp`).
//!
//! Sequences that need a scratch register use `ip` (r12). It is reserved for veneers,
//! and a veneer only runs between a branch and its target; these sequences contain no
//! branch, and an island placed between two of their instructions is jumped around
//! without touching `ip`.

use atoll_codegen::buffer::RelocTarget;
use atoll_codegen::machinst::RegClass;
use smallvec::{smallvec, SmallVec};

use super::*;
use crate::imms::{ModImm, Off12, VfpOff};
use crate::regs::{ip, sp};

/// Split `value` into at most four rotated-imm8 chunks whose sum (equivalently, OR)
/// is `value`: repeatedly take the 8-bit window starting at the lowest set bit,
/// rounded down to an even position.
pub fn split_mod_imm(mut value: u32) -> SmallVec<[ModImm; 4]> {
    let mut out = SmallVec::new();
    while value != 0 {
        let p = value.trailing_zeros() & !1;
        let chunk = value & (0xffu32 << p);
        // An 8-bit window at an even position is a rotated imm8 by construction.
        if let Some(m) = ModImm::maybe_from_u32(chunk) {
            out.push(m);
        }
        value &= !chunk;
    }
    out
}

impl Inst {
    /// `mov rd, rm`.
    pub fn mov(rd: Writable<Reg>, rm: Reg) -> Inst {
        Inst::Mov {
            not: false,
            s: false,
            cond: Cond::Al,
            rd,
            op2: Operand2::Reg(rm),
        }
    }

    /// `bx lr` with no return values in registers.
    pub fn ret() -> Inst {
        Inst::Ret { rets: Vec::new() }
    }

    /// `bl fn<target>` with no register arguments or results (tests, stubs).
    pub fn call(target: RelocTarget) -> Inst {
        Inst::Call {
            target,
            info: Box::default(),
        }
    }

    /// `op rd, rn, #imm` when the immediate fits.
    pub fn alu_imm(op: AluOp, rd: Writable<Reg>, rn: Reg, imm: u32) -> Option<Inst> {
        let imm = ModImm::maybe_from_u32(imm)?;
        Some(Inst::Alu {
            op,
            s: false,
            cond: Cond::Al,
            rd,
            rn,
            op2: Operand2::Imm(imm),
        })
    }

    /// `rd = rn + imm` for any 32-bit `imm`, in at most four `add`/`sub` instructions
    /// and no scratch register (nothing when `imm` is 0 and `rd` is `rn`).
    pub fn gen_add_imm(rd: Writable<Reg>, rn: Reg, imm: i64) -> SmallVec<[Inst; 4]> {
        let (op, mag) = if imm >= 0 {
            (AluOp::Add, imm as u32)
        } else {
            (AluOp::Sub, imm.unsigned_abs() as u32)
        };
        let mut out: SmallVec<[Inst; 4]> = SmallVec::new();
        let mut src = rn;
        for chunk in split_mod_imm(mag) {
            out.push(Inst::Alu {
                op,
                s: false,
                cond: Cond::Al,
                rd,
                rn: src,
                op2: Operand2::Imm(chunk),
            });
            src = rd.to_reg();
        }
        if out.is_empty() && rd.to_reg() != rn {
            out.push(Inst::mov(rd, rn));
        }
        out
    }

    /// `sp = sp + amount` (negative to allocate).
    pub fn gen_adjust_sp(amount: i64) -> SmallVec<[Inst; 4]> {
        Inst::gen_add_imm(Writable::from_reg(sp()), sp(), amount)
    }

    /// Load a value of `class` from `[sp + offset]` into `rt` (a word for integers, a
    /// whole D register for floats); far offsets go through `ip`.
    pub fn gen_load_sp(rt: Writable<Reg>, class: RegClass, offset: u32) -> SmallVec<[Inst; 4]> {
        let (base, off, mut out) = sp_base(class, offset);
        out.push(match class {
            RegClass::Int => Inst::Load {
                width: WordByte::Word,
                rt,
                mem: AMode::Offset {
                    rn: base,
                    off: off12(off),
                },
            },
            _ => Inst::FpuLoad {
                size: FpSize::F64,
                rd: rt,
                mem: VfpAMode::Offset {
                    rn: base,
                    off: vfp_off(off),
                },
            },
        });
        out
    }

    /// Store `rt` of `class` to `[sp + offset]`; far offsets go through `ip` (so `rt`
    /// must not be `ip`, which is never allocated).
    pub fn gen_store_sp(rt: Reg, class: RegClass, offset: u32) -> SmallVec<[Inst; 4]> {
        let (base, off, mut out) = sp_base(class, offset);
        debug_assert!(base != ip() || rt != ip(), "far store of ip through ip");
        out.push(match class {
            RegClass::Int => Inst::Store {
                width: WordByte::Word,
                rt,
                mem: AMode::Offset {
                    rn: base,
                    off: off12(off),
                },
            },
            _ => Inst::FpuStore {
                size: FpSize::F64,
                rd: rt,
                mem: VfpAMode::Offset {
                    rn: base,
                    off: vfp_off(off),
                },
            },
        });
        out
    }
}

/// The base register and remaining offset for an access at `sp + offset`: `sp` itself
/// when the access's offset field holds `offset`, else `ip = sp + (offset - low)`
/// with `low` the part the field can hold.
fn sp_base(class: RegClass, offset: u32) -> (Reg, u32, SmallVec<[Inst; 4]>) {
    let max = if class == RegClass::Int { 4095 } else { 1020 };
    if offset <= max {
        return (sp(), offset, smallvec![]);
    }
    let low = if class == RegClass::Int {
        offset & 0xfff
    } else {
        offset & 0x3fc
    };
    let seq = Inst::gen_add_imm(Writable::from_reg(ip()), sp(), (offset - low) as i64);
    (ip(), low, seq)
}

fn off12(off: u32) -> Off12 {
    // `sp_base` only returns offsets below 4096.
    Off12::maybe_from_i64(off as i64)
        .unwrap_or_else(|| unreachable!("offset {off} out of imm12 range"))
}

fn vfp_off(off: u32) -> VfpOff {
    // `sp_base` only returns word-aligned offsets up to 1020 for floats; spill slots
    // are word aligned.
    debug_assert!(off.is_multiple_of(4), "unaligned float spill offset {off}");
    VfpOff::maybe_from_i64((off & !3) as i64)
        .unwrap_or_else(|| unreachable!("offset {off} out of vldr range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regs::{dreg, rreg};

    fn print_all(insts: &[Inst]) -> Vec<String> {
        insts.iter().map(|i| i.print()).collect()
    }

    #[test]
    fn stack_adjustments() {
        assert_eq!(print_all(&Inst::gen_adjust_sp(-16)), ["sub sp, sp, #16"]);
        assert_eq!(
            print_all(&Inst::gen_adjust_sp(4100)),
            ["add sp, sp, #4", "add sp, sp, #4096"]
        );
        assert_eq!(
            print_all(&Inst::gen_adjust_sp(-0x1234_5678)),
            [
                "sub sp, sp, #632",
                "sub sp, sp, #21504",
                "sub sp, sp, #36962304",
                "sub sp, sp, #268435456"
            ]
        );
        assert!(Inst::gen_adjust_sp(0).is_empty());
    }

    #[test]
    fn spill_slots_near_and_far() {
        let r4 = Writable::from_reg(rreg(4));
        assert_eq!(
            print_all(&Inst::gen_load_sp(r4, RegClass::Int, 8)),
            ["ldr r4, [sp, #8]"]
        );
        assert_eq!(
            print_all(&Inst::gen_load_sp(r4, RegClass::Int, 0x1_2004)),
            ["add r12, sp, #73728", "ldr r4, [r12, #4]"]
        );
        assert_eq!(
            print_all(&Inst::gen_store_sp(dreg(8), RegClass::Float, 1016)),
            ["vstr d8, [sp, #1016]"]
        );
        assert_eq!(
            print_all(&Inst::gen_store_sp(dreg(8), RegClass::Float, 2048)),
            ["add r12, sp, #2048", "vstr d8, [r12]"]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn split_covers_the_value(v: u32) {
            let chunks = split_mod_imm(v);
            proptest::prop_assert!(chunks.len() <= 4);
            let sum = chunks.iter().fold(0u32, |a, c| a.wrapping_add(c.value()));
            proptest::prop_assert_eq!(sum, v);
        }

        #[test]
        fn far_spill_addresses_are_exact(offset in 0u32..(1 << 24), float: bool) {
            let class = if float { RegClass::Float } else { RegClass::Int };
            let offset = if float { offset & !3 } else { offset };
            let seq = Inst::gen_load_sp(Writable::from_reg(if float { dreg(1) } else { rreg(1) }), class, offset);
            // Evaluate: ip starts unknown; only adds from sp or ip occur.
            let mut ip_val: Option<u32> = None;
            let mut addr = None;
            for i in &seq {
                match i {
                    Inst::Alu { op: AluOp::Add, rn, op2: Operand2::Imm(m), .. } => {
                        let base = if *rn == sp() { 0 } else { ip_val.unwrap() };
                        ip_val = Some(base + m.value());
                    }
                    Inst::Load { mem: AMode::Offset { rn, off }, .. } => {
                        addr = Some(if *rn == sp() { 0 } else { ip_val.unwrap() } + off.get() as u32)
                    }
                    Inst::FpuLoad { mem: VfpAMode::Offset { rn, off }, .. } => {
                        addr = Some(if *rn == sp() { 0 } else { ip_val.unwrap() } + off.get() as u32)
                    }
                    other => proptest::prop_assert!(false, "unexpected {other:?}"),
                }
            }
            proptest::prop_assert_eq!(addr, Some(offset));
        }
    }
}
