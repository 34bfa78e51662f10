//! x64 calling conventions and frame code: the [`ABIMachineSpec`] hooks, the
//! allocatable registers, and signature assignment.
//!
//! Conventions ([`X64CallConv`]):
//! - `SystemV` (Linux): integer arguments in `rdi rsi rdx rcx r8 r9`, floats in
//!   `xmm0`–`xmm7`, then the stack (8-byte slots). Results in `rax rdx` / `xmm0 xmm1`;
//!   further results go to a return area whose address the caller passes as a hidden
//!   first integer argument. Callee-saved: `rbx r12 r13 r14 r15` (and `rbp`, the frame
//!   pointer).
//! - `Fast` (Atoll's own, for functions that never escape the module; also CLIF's
//!   default convention): integer arguments in `rdi rsi rdx rcx r8 r9 rax` (7) and
//!   results in `rax rdx rcx rsi rdi r8 r9` (7), floats in `xmm0`–`xmm7` both ways,
//!   same callee-saved set. The register order extends System V's, so a signature
//!   that fits System V's registers is passed identically by both. CLIF's `tail`
//!   convention maps to it too (tail calls are caller-pops here: a `return_call`
//!   whose stack arguments do not fit in the caller's own incoming area is
//!   unsupported). Faster than `SystemV` because calls with up to
//!   7 integer / 8 float arguments never touch the stack, and multi-value results (up
//!   to 7 + 8) come back in registers instead of through a return area in memory
//!   (no stores in the callee, no loads in the caller).
//! - `WindowsFastcall` (compile-only): the n-th argument uses the n-th register of its
//!   class among `rcx rdx r8 r9` / `xmm0`–`xmm3`; the caller reserves 32 bytes of
//!   shadow space below the stack arguments. Results in `rax` / `xmm0`. Callee-saved
//!   also `rsi rdi` and `xmm6`–`xmm15` (saved as 16 bytes).
//!
//! Results beyond the registers always use the return area, whether or not
//! `enable_multi_ret_implicit_sret` is set (Cranelift rejects such signatures without
//! it; accepting them costs nothing and wasm multi-value needs them).
//!
//! `r10` and `r11` carry no argument, result or allocatable value in any convention:
//! the long veneer clobbers them (see `regs::VENEER_SCRATCH`).
//!
//! Frame (see `atoll_codegen::machinst::FrameLayout`): the setup area is the return
//! address plus the saved `rbp` (16 bytes). Incoming stack arguments are at
//! `rbp + 16 (+ 32 on Windows) + offset`; everything else is addressed from `rsp`.
//!
//! ```text
//! prologue: push rbp ; mov rbp, rsp ; [probe loop] ; sub rsp, adj ; mov [rsp + k], callee-saves
//! epilogue: mov callee-saves, [rsp + k] ; mov rsp, rbp ; pop rbp    (then `ret`)
//! ```

use atoll_codegen::ir::{CallConv, Signature, Type};
use atoll_codegen::machinst::{
    assign_signature, ABIMachineSpec, AbiError, AbiParam, ArgRegs, ArgRules, FrameLayout,
    MachineEnv, PReg, PRegSet, Reg, RegClass, SigAssignment, SpillSlot, Writable,
};

use crate::inst::{Amode, Inst};
use crate::regs::{enc, gpr_preg, r11, rsp, xmm_preg};

/// Which convention a function or call uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum X64CallConv {
    /// System V AMD64 (Linux).
    SystemV,
    /// Atoll's internal convention (see the module doc).
    Fast,
    /// Windows x64 (compile-only).
    WindowsFastcall,
}

impl X64CallConv {
    /// The convention an IR calling convention maps to, or `None` if unsupported.
    pub fn from_ir(cc: CallConv) -> Option<X64CallConv> {
        match cc {
            CallConv::SystemV | CallConv::Probestack => Some(X64CallConv::SystemV),
            CallConv::Fast | CallConv::Tail => Some(X64CallConv::Fast),
            CallConv::WindowsFastcall => Some(X64CallConv::WindowsFastcall),
            _ => None,
        }
    }
}

const SYSV_INT_ARGS: [u8; 6] = [enc::RDI, enc::RSI, enc::RDX, enc::RCX, enc::R8, enc::R9];
const FAST_INT_ARGS: [u8; 7] = [
    enc::RDI,
    enc::RSI,
    enc::RDX,
    enc::RCX,
    enc::R8,
    enc::R9,
    enc::RAX,
];
const FAST_INT_RETS: [u8; 7] = [
    enc::RAX,
    enc::RDX,
    enc::RCX,
    enc::RSI,
    enc::RDI,
    enc::R8,
    enc::R9,
];
const SYSV_INT_RETS: [u8; 2] = [enc::RAX, enc::RDX];
const WIN_INT_ARGS: [u8; 4] = [enc::RCX, enc::RDX, enc::R8, enc::R9];

/// Bytes of shadow space a Windows caller reserves above its stack arguments.
pub const WINDOWS_SHADOW: u32 = 32;

/// The x64 ABI hooks for one convention.
#[derive(Clone, Debug)]
pub struct X64Abi {
    conv: X64CallConv,
    int_args: Vec<PReg>,
    int_rets: Vec<PReg>,
    float_args: Vec<PReg>,
    float_rets: Vec<PReg>,
    /// Probe the stack page by page (this page size) before a frame of at least one
    /// page is allocated (`enable_probestack`).
    probe_guard: Option<u32>,
}

fn gprs(list: &[u8]) -> Vec<PReg> {
    list.iter().map(|&e| gpr_preg(e)).collect()
}

fn xmms(n: u8) -> Vec<PReg> {
    (0..n).map(xmm_preg).collect()
}

impl X64Abi {
    pub fn new(conv: X64CallConv) -> X64Abi {
        let (int_args, int_rets, float_args, float_rets) = match conv {
            X64CallConv::SystemV => (gprs(&SYSV_INT_ARGS), gprs(&SYSV_INT_RETS), xmms(8), xmms(2)),
            X64CallConv::Fast => (gprs(&FAST_INT_ARGS), gprs(&FAST_INT_RETS), xmms(8), xmms(8)),
            X64CallConv::WindowsFastcall => {
                (gprs(&WIN_INT_ARGS), gprs(&[enc::RAX]), xmms(4), xmms(1))
            }
        };
        X64Abi {
            conv,
            int_args,
            int_rets,
            float_args,
            float_rets,
            probe_guard: None,
        }
    }

    /// The same convention, probing frames of `guard` bytes or more page by page so
    /// they cannot skip a guard page of that size (the probe loop uses `r11`, which
    /// holds nothing at function entry).
    pub fn with_stack_probes(mut self, guard: u32) -> X64Abi {
        self.probe_guard = (guard > 0).then_some(guard);
        self
    }

    /// The convention.
    pub fn call_conv(&self) -> X64CallConv {
        self.conv
    }

    /// Rules for results: like the arguments' but no shared position on Windows
    /// (one result register per class).
    fn ret_rules(&self) -> ArgRules {
        ArgRules::plain([8, 8, 16], 8)
    }

    /// Bytes between the start of the caller's outgoing area and the first stack
    /// argument (the Windows shadow space).
    pub fn stack_arg_base(&self) -> u32 {
        match self.conv {
            X64CallConv::WindowsFastcall => WINDOWS_SHADOW,
            _ => 0,
        }
    }

    /// Where each argument and result of `sig` goes.
    pub fn assign(&self, sig: &Signature) -> Result<SigAssignment, AbiError> {
        let params: Vec<AbiParam> = sig.params.iter().map(|p| abi_param(p.value_type)).collect();
        let rets: Vec<AbiParam> = sig
            .returns
            .iter()
            .map(|p| abi_param(p.value_type))
            .collect();
        assign_signature(
            &params,
            &rets,
            &self.arg_regs(),
            &self.ret_regs(),
            &self.arg_rules(),
            &self.ret_rules(),
            8,
        )
    }

    /// Registers a call destroys: every allocatable register that is not
    /// callee-saved.
    pub fn call_clobbers(&self) -> PRegSet {
        let saved = self.callee_saved();
        let mut set = PRegSet::empty();
        for e in ALLOCATABLE_GPRS {
            if !saved.contains(gpr_preg(e)) {
                set.add(gpr_preg(e));
            }
        }
        for x in 0..16 {
            if !saved.contains(xmm_preg(x)) {
                set.add(xmm_preg(x));
            }
        }
        set
    }
}

/// The ABI view of one IR value type.
pub fn abi_param(ty: Type) -> AbiParam {
    AbiParam::of_type(ty, 1)
}

/// General-purpose registers the allocator may use: all but `rsp`, `rbp` (frame
/// pointer), `r10` and `r11` (veneer scratch).
pub const ALLOCATABLE_GPRS: [u8; 12] = [
    enc::RAX,
    enc::RCX,
    enc::RDX,
    enc::RBX,
    enc::RSI,
    enc::RDI,
    enc::R8,
    enc::R9,
    enc::R12,
    enc::R13,
    enc::R14,
    enc::R15,
];

/// The allocatable registers: caller-saved ones preferred (no save in the
/// prologue), callee-saved ones after.
pub fn machine_env() -> MachineEnv {
    let callee: [u8; 5] = [enc::RBX, enc::R12, enc::R13, enc::R14, enc::R15];
    let int_pref: PRegSet = ALLOCATABLE_GPRS
        .iter()
        .filter(|e| !callee.contains(e))
        .map(|&e| gpr_preg(e))
        .collect();
    let int_rest: PRegSet = callee.iter().map(|&e| gpr_preg(e)).collect();
    let float_pref: PRegSet = (0u8..16).map(xmm_preg).collect();
    MachineEnv {
        preferred_regs_by_class: [int_pref, float_pref, PRegSet::empty()],
        non_preferred_regs_by_class: [int_rest, PRegSet::empty(), PRegSet::empty()],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: Vec::new(),
    }
}

fn save_amode(offset: u32) -> Amode {
    // Frames are below 2 GiB: FrameLayout::compute caps them at 4 GiB and the
    // pipeline rejects larger ones before emission (see `isa::check_frame`).
    Amode::imm_reg(offset as i32, rsp())
}

fn save_class(p: PReg, conv: X64CallConv) -> RegClass {
    match (p.class(), conv) {
        (RegClass::Int, _) => RegClass::Int,
        (_, X64CallConv::WindowsFastcall) => RegClass::Vector,
        _ => RegClass::Float,
    }
}

impl ABIMachineSpec for X64Abi {
    type I = Inst;

    fn word_bytes(&self) -> u32 {
        8
    }

    fn stack_align(&self) -> u32 {
        16
    }

    fn arg_rules(&self) -> ArgRules {
        let mut rules = ArgRules::plain([8, 8, 16], 8);
        rules.shared_position = self.conv == X64CallConv::WindowsFastcall;
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
        let mut set: PRegSet = [enc::RBX, enc::R12, enc::R13, enc::R14, enc::R15]
            .iter()
            .map(|&e| gpr_preg(e))
            .collect();
        if self.conv == X64CallConv::WindowsFastcall {
            set.add(gpr_preg(enc::RSI));
            set.add(gpr_preg(enc::RDI));
            for x in 6..16 {
                set.add(xmm_preg(x));
            }
        }
        set
    }

    fn clobber_save_bytes(&self, reg: PReg) -> u32 {
        match save_class(reg, self.conv) {
            RegClass::Vector => 16,
            _ => 8,
        }
    }

    fn setup_area_size(&self) -> u32 {
        16
    }

    fn gen_prologue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        out.extend(Inst::gen_frame_setup());
        let adj = frame.sp_adjustment();
        if let Some(guard) = self.probe_guard {
            let probed = adj / guard * guard;
            if probed > 0 && probed <= i32::MAX as u32 {
                out.push(Inst::StackProbeLoop {
                    frame_size: probed,
                    guard_size: guard,
                    tmp: Writable::from_reg(r11()),
                });
            }
        }
        out.extend(Inst::gen_sp_adjust(-i64::from(adj)));
        for (r, off) in frame.clobber_save_offsets() {
            out.push(Inst::gen_store_class(
                save_class(r, self.conv),
                Reg::from_real(r),
                save_amode(off),
            ));
        }
    }

    fn gen_epilogue(&self, frame: &FrameLayout, out: &mut Vec<Inst>) {
        for (r, off) in frame.clobber_save_offsets() {
            out.push(Inst::gen_load_class(
                save_class(r, self.conv),
                save_amode(off),
                Writable::from_reg(Reg::from_real(r)),
            ));
        }
        out.extend(Inst::gen_frame_teardown());
    }

    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> Inst {
        Inst::gen_store_class(
            from.class(),
            Reg::from_real(from),
            save_amode(frame.spillslot_offset(slot)),
        )
    }

    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> Inst {
        Inst::gen_load_class(
            to.class(),
            save_amode(frame.spillslot_offset(slot)),
            Writable::from_reg(Reg::from_real(to)),
        )
    }
}

/// The convention of an IR signature, or an error naming it.
pub fn conv_of(sig: &Signature) -> Result<X64CallConv, String> {
    X64CallConv::from_ir(sig.call_conv)
        .ok_or_else(|| format!("calling convention {} on x86_64", sig.call_conv.name()))
}

/// Types the x64 ABI passes (everything but `i128` for now).
pub fn check_sig_types(sig: &Signature) -> Result<(), String> {
    for p in sig.params.iter().chain(&sig.returns) {
        if p.value_type == Type::I128 {
            return Err("i128 arguments or results on x86_64".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use atoll_codegen::machinst::{assign_args, ArgLoc};

    use super::*;

    fn regs(ps: &[PReg]) -> ArgLoc {
        ArgLoc::Regs(ps.iter().copied().collect())
    }

    #[test]
    fn sysv_ints_then_stack() {
        let abi = X64Abi::new(X64CallConv::SystemV);
        let ps = [AbiParam {
            class: RegClass::Int,
            size: 8,
        }; 7];
        let got = assign_args(&ps, &abi.arg_regs(), &abi.arg_rules()).unwrap();
        assert_eq!(got.locs[0], regs(&[gpr_preg(enc::RDI)]));
        assert_eq!(got.locs[5], regs(&[gpr_preg(enc::R9)]));
        assert_eq!(got.locs[6], ArgLoc::Stack { offset: 0, size: 8 });
    }

    #[test]
    fn windows_shares_positions() {
        let abi = X64Abi::new(X64CallConv::WindowsFastcall);
        let ps = [
            AbiParam {
                class: RegClass::Int,
                size: 8,
            },
            AbiParam {
                class: RegClass::Float,
                size: 8,
            },
        ];
        let got = assign_args(&ps, &abi.arg_regs(), &abi.arg_rules()).unwrap();
        assert_eq!(got.locs[0], regs(&[gpr_preg(enc::RCX)]));
        assert_eq!(got.locs[1], regs(&[xmm_preg(1)]));
    }

    #[test]
    fn veneer_registers_never_carry_values() {
        for conv in [
            X64CallConv::SystemV,
            X64CallConv::Fast,
            X64CallConv::WindowsFastcall,
        ] {
            let abi = X64Abi::new(conv);
            for r in crate::regs::VENEER_SCRATCH {
                assert!(!abi.arg_regs().int.contains(&r) && !abi.ret_regs().int.contains(&r));
                assert!(!abi.callee_saved().contains(r));
            }
        }
        let env = machine_env();
        for r in crate::regs::VENEER_SCRATCH {
            assert!(
                !env.preferred_regs_by_class[0].contains(r)
                    && !env.non_preferred_regs_by_class[0].contains(r)
            );
        }
    }
}
