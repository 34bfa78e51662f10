//! A32 calling conventions and frame code: the [`ABIMachineSpec`] hooks.
//!
//! Conventions ([`CallConv`]):
//! - `Aapcs` (AAPCS with the VFP variant, Linux `armhf`): integer arguments in
//!   `r0`–`r3` (an `i64` in an even/odd pair), float arguments in `d0`–`d7`, then the
//!   stack (4-byte slots, 8-byte values 8-aligned); once a class has spilled to the
//!   stack no later value of it uses a register. Results in `r0`–`r1` / `d0`.
//!   Callee-saved: `r4`–`r11` and `d8`–`d15`.
//!   Limitation: every float takes a whole D register, so an `f32` argument goes to
//!   `s0`, `s2`, ... instead of AAPCS-VFP's back-filled `s0`, `s1`, ... (exported
//!   functions are entered through the uniform host trampoline, whose arguments are
//!   all integers, so only imports taking several `f32`s are affected).
//! - `Fast` (module-internal functions that never escape): integer arguments and
//!   results in `r0`–`r7`, floats in `d0`–`d7`, same callee-saved set, no pairing
//!   constraint, back-filling allowed.
//!
//! `ip` (veneers) and `r11` (frame pointer) never carry values in either convention.
//!
//! Frame (see `atoll_codegen::machinst::FrameLayout`): the setup area is the saved
//! `r11`/`lr` pair (8 bytes); FP points at it; everything else is addressed from SP:
//!
//! ```text
//! prologue: push {r11, lr} ; mov r11, sp ; sub sp, sp, #adj ; str/vstr callee-saves
//! epilogue: ldr/vldr callee-saves ; mov sp, r11 ; pop {r11, lr}      (then `bx lr`)
//! ```
//!
//! SP adjustments of any size are split into rotated immediates; spill and save
//! slots beyond the `ldr`/`vldr` offset range are reached through `ip`.

use atoll_codegen::machinst::{
    ABIMachineSpec, ArgRegs, ArgRules, FrameLayout, PReg, PRegSet, RegClass, SpillSlot, Writable,
};

use crate::inst::Inst;
use crate::regs::{dreg_preg, fp, lr, rreg_preg, sp};

/// Which convention a function uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallConv {
    /// AAPCS-VFP as used on Linux `armhf`.
    Aapcs,
    /// Atoll's internal convention for non-escaping functions.
    Fast,
}

/// The A32 ABI hooks for one convention.
#[derive(Clone, Debug)]
pub struct Arm32Abi {
    conv: CallConv,
    int_args: Vec<PReg>,
    int_rets: Vec<PReg>,
    float_args: Vec<PReg>,
    float_rets: Vec<PReg>,
}

impl Arm32Abi {
    pub fn new(conv: CallConv) -> Arm32Abi {
        let float_args: Vec<PReg> = (0..=7).map(dreg_preg).collect();
        let (int_args, int_rets, float_rets) = match conv {
            CallConv::Aapcs => (
                (0..=3).map(rreg_preg).collect(),
                (0..=1).map(rreg_preg).collect(),
                vec![dreg_preg(0)],
            ),
            CallConv::Fast => {
                let ints: Vec<PReg> = (0..=7).map(rreg_preg).collect();
                (ints.clone(), ints, float_args.clone())
            }
        };
        Arm32Abi {
            conv,
            int_args,
            int_rets,
            float_args,
            float_rets,
        }
    }

    /// The convention.
    pub fn call_conv(&self) -> CallConv {
        self.conv
    }
}

/// The register's `Reg`, for ABI code (always a real register).
fn reg(p: PReg) -> atoll_codegen::machinst::Reg {
    atoll_codegen::machinst::Reg::from_real(p)
}

/// Store (`store`) or reload every callee-saved register at its slot.
fn callee_saves(frame: &FrameLayout, store: bool, out: &mut Vec<Inst>) {
    for (r, off) in frame.clobber_save_offsets() {
        out.push(if store {
            spill_inst(r, off)
        } else {
            reload_inst(r, off)
        });
    }
}

fn spill_inst(from: PReg, offset: u32) -> Inst {
    Inst::SpStore {
        rt: reg(from),
        class: from.class(),
        offset,
    }
}

fn reload_inst(to: PReg, offset: u32) -> Inst {
    Inst::SpLoad {
        rt: Writable::from_reg(reg(to)),
        class: to.class(),
        offset,
    }
}

/// `push {r11, lr}` / `pop {r11, lr}` mask.
const FP_LR: u16 = (1 << 11) | (1 << 14);

impl ABIMachineSpec for Arm32Abi {
    type I = Inst;

    fn word_bytes(&self) -> u32 {
        4
    }

    fn stack_align(&self) -> u32 {
        8
    }

    fn arg_rules(&self) -> ArgRules {
        let mut rules = ArgRules::plain([4, 8, 8], 4);
        rules.stack_align_max = 8;
        if self.conv == CallConv::Aapcs {
            rules.even_reg_pairs = true;
            rules.no_backfill = true;
        }
        rules
    }

    fn arg_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &self.int_args,
            float: &self.float_args,
            vector: &self.float_args,
        }
    }

    fn ret_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &self.int_rets,
            float: &self.float_rets,
            vector: &self.float_rets,
        }
    }

    fn callee_saved(&self) -> PRegSet {
        (4u8..=11)
            .map(rreg_preg)
            .chain((8u8..=15).map(dreg_preg))
            .collect()
    }

    fn clobber_save_bytes(&self, reg: PReg) -> u32 {
        match reg.class() {
            RegClass::Int => 4,
            RegClass::Float | RegClass::Vector => 8,
        }
    }

    fn setup_area_size(&self) -> u32 {
        8
    }

    fn gen_prologue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        out.push(Inst::Push { regs: FP_LR });
        out.push(Inst::mov(Writable::from_reg(fp()), sp()));
        out.extend(Inst::gen_adjust_sp(-i64::from(frame.sp_adjustment())));
        callee_saves(frame, true, out);
    }

    fn gen_epilogue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        callee_saves(frame, false, out);
        if frame.sp_adjustment() != 0 {
            out.push(Inst::mov(Writable::from_reg(sp()), fp()));
        }
        out.push(Inst::Pop { regs: FP_LR });
        debug_assert_eq!(lr(), reg(rreg_preg(14)));
    }

    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> Inst {
        spill_inst(from, frame.spillslot_offset(slot))
    }

    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> Inst {
        reload_inst(to, frame.spillslot_offset(slot))
    }
}

#[cfg(test)]
mod tests {
    use atoll_codegen::machinst::{assign_args, AbiParam, ArgLoc, FrameLayoutInput};

    use super::*;

    fn locs(abi: &Arm32Abi, params: &[(RegClass, u32)]) -> Vec<ArgLoc> {
        let params: Vec<AbiParam> = params
            .iter()
            .map(|&(class, size)| AbiParam { class, size })
            .collect();
        assign_args(&params, &abi.arg_regs(), &abi.arg_rules())
            .unwrap()
            .locs
    }

    fn regs(ps: &[PReg]) -> ArgLoc {
        ArgLoc::Regs(ps.iter().copied().collect())
    }

    #[test]
    fn aapcs_pairs_i64_and_stops_at_the_stack() {
        let abi = Arm32Abi::new(CallConv::Aapcs);
        let (i32_, i64_) = ((RegClass::Int, 4), (RegClass::Int, 8));
        let got = locs(&abi, &[i32_, i64_, i32_, (RegClass::Float, 8)]);
        assert_eq!(got[0], regs(&[rreg_preg(0)]));
        assert_eq!(
            got[1],
            regs(&[rreg_preg(2), rreg_preg(3)]),
            "i64 starts at an even register"
        );
        assert_eq!(
            got[2],
            ArgLoc::Stack { offset: 0, size: 4 },
            "no back-filling of r1"
        );
        assert_eq!(got[3], regs(&[dreg_preg(0)]));
        let got = locs(&abi, &[i32_, i32_, i32_, i64_]);
        assert_eq!(got[3], ArgLoc::Stack { offset: 0, size: 8 });
    }

    #[test]
    fn fast_uses_eight_integer_registers() {
        let abi = Arm32Abi::new(CallConv::Fast);
        let got = locs(&abi, &[(RegClass::Int, 4); 9]);
        assert_eq!(got[7], regs(&[rreg_preg(7)]));
        assert_eq!(got[8], ArgLoc::Stack { offset: 0, size: 4 });
    }

    #[test]
    fn prologue_and_epilogue_text() {
        let abi = Arm32Abi::new(CallConv::Aapcs);
        let saves = [(rreg_preg(4), 4), (dreg_preg(8), 8)];
        let frame = FrameLayout::compute(&FrameLayoutInput {
            word_bytes: 4,
            stack_align: 8,
            setup_area_size: 8,
            clobbered_callee_saves: &saves,
            stack_slots: &[],
            num_spillslots: 3,
            spillslot_bytes: 4,
            outgoing_args_size: 0,
        })
        .unwrap();
        let mut pro = Vec::new();
        abi.gen_prologue(&frame, &mut pro);
        let mut epi = Vec::new();
        abi.gen_epilogue(&frame, &mut epi);
        let text = |v: &[Inst]| v.iter().map(Inst::print).collect::<Vec<_>>();
        let adj = frame.sp_adjustment();
        assert_eq!(adj % 8, 0);
        let base = frame.clobber_base();
        assert_eq!(
            text(&pro),
            [
                "push {r11, lr}".to_string(),
                "mov r11, sp".into(),
                format!("sub sp, sp, #{adj}"),
                format!("str r4, [sp, #{base}]"),
                format!("vstr d8, [sp, #{}]", base + 4),
            ]
        );
        assert_eq!(
            text(&epi),
            [
                format!("ldr r4, [sp, #{base}]"),
                format!("vldr d8, [sp, #{}]", base + 4),
                "mov sp, r11".into(),
                "pop {r11, lr}".into(),
            ]
        );
    }
}
