//! AArch64 calling conventions and frame code: the [`ABIMachineSpec`] hooks.
//!
//! Conventions ([`CallConv`]):
//! - `SystemV` (AAPCS64, Linux): integer arguments in `x0`–`x7`, float arguments in
//!   `v0`–`v7`, results in the same registers; callee-saved `x19`–`x28` and the low
//!   64 bits of `v8`–`v15`; stack arguments take at least 8 bytes, aligned to their
//!   size up to 16.
//! - `Fast` (module-internal functions that never escape): integer arguments and
//!   results in `x0`–`x15`, float ones in `v0`–`v7` and `v16`–`v23`; the same
//!   callee-saved set (so calls between the two conventions need no glue beyond
//!   argument placement). `x16`/`x17` (veneers) and `x18` (platform) never carry
//!   values in any convention.
//! - `apple_aarch64` (compile-only) uses `SystemV`'s registers. Of Apple's
//!   differences, lowering implements the caller extending narrow arguments marked
//!   `uext`/`sext` (done for every convention); stack arguments are still laid out
//!   AAPCS64-style (8-byte slots), not packed to their size as on Apple platforms.
//!   Lowering maps `fast` and `tail` to `Fast` and every other convention to
//!   `SystemV` (see `lower::abi_conv`).
//!
//! Frame (see `atoll_codegen::machinst::FrameLayout`): the setup area is the saved
//! `x29`/`x30` pair (16 bytes), FP points at it, and everything else is addressed
//! from SP after the prologue:
//!
//! ```text
//! prologue: stp x29, x30, [sp, #-16]! ; mov x29, sp ; sub sp, sp, #adj ;
//!           stp/str callee-saves at their offsets
//! epilogue: ldp/ldr callee-saves ; mov sp, x29 ; ldp x29, x30, [sp], #16
//! ```
//!
//! An SP adjustment or slot offset too large for an immediate goes through `x16`.

use atoll_codegen::machinst::{
    ABIMachineSpec, ArgRegs, ArgRules, FrameLayout, PReg, PRegSet, RegClass, SpillSlot, Writable,
};

use crate::imms::SImm7Scaled;
use crate::inst::{
    ALUOp, AMode, ExtendOp, ExtendShift, Inst, LoadOp, OperandSize, PairAMode, PairKind, StoreOp,
};
use crate::regs::{
    fp_reg, link_reg, stack_reg, vreg_preg, writable_stack_reg, writable_xreg, xreg, xreg_preg,
    RegOrSp,
};

/// Which convention a function uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallConv {
    /// AAPCS64 as used on Linux.
    SystemV,
    /// Atoll's internal convention for non-escaping functions.
    Fast,
}

/// The AArch64 ABI hooks for one convention.
#[derive(Clone, Debug)]
pub struct AArch64Abi {
    conv: CallConv,
    int_args: Vec<PReg>,
    float_args: Vec<PReg>,
}

impl AArch64Abi {
    pub fn new(conv: CallConv) -> AArch64Abi {
        let (int_args, float_args): (Vec<PReg>, Vec<PReg>) = match conv {
            CallConv::SystemV => (
                (0..=7).map(xreg_preg).collect(),
                (0..=7).map(vreg_preg).collect(),
            ),
            CallConv::Fast => (
                (0..=15).map(xreg_preg).collect(),
                (0..=7).chain(16..=23).map(vreg_preg).collect(),
            ),
        };
        AArch64Abi {
            conv,
            int_args,
            float_args,
        }
    }

    /// The convention.
    pub fn call_conv(&self) -> CallConv {
        self.conv
    }
}

/// `sp = sp + delta` (or `- delta`), through `x16` when `delta` is too large for an
/// immediate.
fn adjust_sp(delta: i64, out: &mut Vec<Inst>) {
    if delta == 0 {
        return;
    }
    if let Some(inst) = Inst::adjust_sp(delta) {
        out.push(inst);
        return;
    }
    let op = if delta > 0 { ALUOp::Add } else { ALUOp::Sub };
    out.extend(Inst::load_constant(
        writable_xreg(16),
        delta.unsigned_abs(),
        OperandSize::Size64,
    ));
    out.push(Inst::AluRRRExtend {
        op,
        size: OperandSize::Size64,
        rd: writable_stack_reg(),
        rn: stack_reg(),
        rm: xreg(16),
        extend: ExtendOp::Uxtx,
        shift: ExtendShift::maybe_from_u8(0).expect("0 is a valid extend shift"),
    });
}

/// Save (`store`) or restore the callee-saved registers: adjacent registers of one
/// class share an `stp`/`ldp` when their slots are adjacent and the offset fits.
fn callee_saves(frame: &FrameLayout, store: bool, out: &mut Vec<Inst>) {
    let saves: Vec<(PReg, u32)> = frame.clobber_save_offsets().collect();
    let mut i = 0;
    while i < saves.len() {
        let (r, off) = saves[i];
        let pair = saves.get(i + 1).copied().filter(|&(r2, off2)| {
            r2.class() == r.class()
                && off2 == off + 8
                && SImm7Scaled::maybe_from_i64(i64::from(off), 8).is_some()
        });
        let kind = if r.class() == RegClass::Int {
            PairKind::X64
        } else {
            PairKind::D64
        };
        match pair {
            Some((r2, _)) => {
                let simm7 = SImm7Scaled::maybe_from_i64(i64::from(off), 8).expect("checked above");
                let mem = PairAMode::SignedOffset {
                    rn: stack_reg(),
                    simm7,
                };
                let (a, b) = (r.into(), r2.into());
                out.push(if store {
                    Inst::StorePair {
                        kind,
                        rt: a,
                        rt2: b,
                        mem,
                    }
                } else {
                    Inst::LoadPair {
                        kind,
                        rt: Writable::from_reg(a),
                        rt2: Writable::from_reg(b),
                        mem,
                    }
                });
                i += 2;
            }
            None => {
                out.push(if store {
                    spill_inst(r, i64::from(off))
                } else {
                    reload_inst(r, i64::from(off))
                });
                i += 1;
            }
        }
    }
}

/// `str xN/dN, [sp, #off]` (8 bytes: scalar floats only need the low half).
fn spill_inst(from: PReg, off: i64) -> Inst {
    let op = if from.class() == RegClass::Int {
        StoreOp::Store64
    } else {
        StoreOp::FpuStore64
    };
    Inst::Store {
        op,
        rt: from.into(),
        mem: AMode::SpOffset { off },
    }
}

/// `ldr xN/dN, [sp, #off]`.
fn reload_inst(to: PReg, off: i64) -> Inst {
    let op = if to.class() == RegClass::Int {
        LoadOp::ULoad64
    } else {
        LoadOp::FpuLoad64
    };
    Inst::Load {
        op,
        rd: Writable::from_reg(to.into()),
        mem: AMode::SpOffset { off },
    }
}

impl ABIMachineSpec for AArch64Abi {
    type I = Inst;

    fn word_bytes(&self) -> u32 {
        8
    }

    fn stack_align(&self) -> u32 {
        16
    }

    fn arg_rules(&self) -> ArgRules {
        ArgRules::plain([8, 8, 16], 8)
    }

    fn arg_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &self.int_args,
            float: &self.float_args,
            vector: &self.float_args,
        }
    }

    fn ret_regs(&self) -> ArgRegs<'_> {
        self.arg_regs()
    }

    fn callee_saved(&self) -> PRegSet {
        let mut set = PRegSet::empty();
        for n in 19..=28 {
            set.add(xreg_preg(n));
        }
        for n in 8..=15 {
            set.add(vreg_preg(n));
        }
        set
    }

    fn clobber_save_bytes(&self, _reg: PReg) -> u32 {
        8
    }

    fn setup_area_size(&self) -> u32 {
        16
    }

    fn gen_prologue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        let simm7 = SImm7Scaled::maybe_from_i64(-16, 8).expect("-16 fits");
        out.push(Inst::StorePair {
            kind: PairKind::X64,
            rt: fp_reg(),
            rt2: link_reg(),
            mem: PairAMode::PreIndexed {
                rn: writable_stack_reg(),
                simm7,
            },
        });
        out.push(Inst::mov_sp(
            Writable::from_reg(RegOrSp::x(29)),
            stack_reg(),
        ));
        adjust_sp(-i64::from(frame.sp_adjustment()), out);
        callee_saves(frame, true, out);
    }

    fn gen_epilogue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        callee_saves(frame, false, out);
        if frame.sp_adjustment() != 0 {
            out.push(Inst::mov_sp(writable_stack_reg(), RegOrSp::x(29)));
        }
        let simm7 = SImm7Scaled::maybe_from_i64(16, 8).expect("16 fits");
        out.push(Inst::LoadPair {
            kind: PairKind::X64,
            rt: Writable::from_reg(fp_reg()),
            rt2: Writable::from_reg(link_reg()),
            mem: PairAMode::PostIndexed {
                rn: writable_stack_reg(),
                simm7,
            },
        });
    }

    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> Inst {
        spill_inst(from, i64::from(frame.spillslot_offset(slot)))
    }

    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> Inst {
        reload_inst(to, i64::from(frame.spillslot_offset(slot)))
    }
}

#[cfg(test)]
#[path = "abi_tests.rs"]
mod tests;
