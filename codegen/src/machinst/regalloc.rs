//! The regalloc2 adapter: run an allocator over a [`VCode`], optionally check its
//! output with regalloc2's independent checker, and compute what the frame needs
//! from the result.
//!
//! The output stays data (`regalloc2::Output`); applying it to the instruction
//! stream is the emission driver's job ([`super::emit`]), which reads
//! allocations and edits without mutating the VCode.

use regalloc2::checker::Checker;
use regalloc2::{Edit, Function, Inst, MachineEnv, OperandKind, Output, PRegSet, RegallocOptions};

use super::{MachInst, VCode};
use crate::settings::{self, Flags};

/// Which allocator to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RegallocAlgorithm {
    /// regalloc2's backtracking allocator (better code).
    #[default]
    Backtracking,
    /// regalloc2's single-pass allocator (`opt_level=none`: faster compiles).
    SinglePass,
}

/// How to run the allocator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegallocConfig {
    /// Which allocator.
    pub algorithm: RegallocAlgorithm,
    /// Run regalloc2's checker on the result (tests, debug builds).
    pub checker: bool,
    /// Let regalloc2 verify SSA form first.
    pub validate_ssa: bool,
}

impl RegallocConfig {
    /// The configuration the shared settings ask for: `regalloc_algorithm`,
    /// `regalloc_checker`, and SSA validation whenever `enable_verifier` is on.
    pub fn from_flags(flags: &Flags) -> RegallocConfig {
        RegallocConfig {
            algorithm: match flags.regalloc_algorithm() {
                settings::RegallocAlgorithm::Backtracking => RegallocAlgorithm::Backtracking,
                settings::RegallocAlgorithm::SinglePass => RegallocAlgorithm::SinglePass,
            },
            checker: flags.regalloc_checker(),
            validate_ssa: flags.enable_verifier(),
        }
    }
}

/// Why allocation failed.
#[derive(Clone, Debug)]
pub enum RegallocError {
    /// regalloc2 refused the input.
    Alloc(regalloc2::RegAllocError),
    /// The checker found the allocation wrong (a regalloc2 bug, or an operand
    /// description that does not match the instruction).
    Checker(regalloc2::checker::CheckerErrors),
    /// An instruction names an allocatable register directly instead of asking for
    /// it with a fixed constraint (see [`super::operands`]).
    AllocatableRealReg {
        /// Index of the instruction.
        inst: u32,
        /// The register.
        preg: regalloc2::PReg,
    },
}

impl core::fmt::Display for RegallocError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RegallocError::Alloc(e) => write!(f, "register allocation failed: {e}"),
            RegallocError::Checker(e) => write!(f, "register allocation checker failed: {e:?}"),
            RegallocError::AllocatableRealReg { inst, preg } => {
                write!(
                    f,
                    "inst {inst} uses allocatable register {preg} without a fixed constraint"
                )
            }
        }
    }
}

impl std::error::Error for RegallocError {}

/// Allocate registers for `vcode`.
pub fn run_regalloc<I: MachInst>(
    vcode: &VCode<I>,
    env: &MachineEnv,
    config: &RegallocConfig,
) -> Result<Output, RegallocError> {
    check_real_regs(vcode, env)?;
    let options = RegallocOptions {
        verbose_log: false,
        validate_ssa: config.validate_ssa,
        algorithm: match config.algorithm {
            RegallocAlgorithm::Backtracking => regalloc2::Algorithm::Ion,
            RegallocAlgorithm::SinglePass => regalloc2::Algorithm::Fastalloc,
        },
    };
    let output = regalloc2::run(vcode, env, &options).map_err(RegallocError::Alloc)?;
    if config.checker {
        let mut checker = Checker::new(vcode, env);
        checker.prepare(&output);
        checker.run().map_err(RegallocError::Checker)?;
    }
    Ok(output)
}

fn check_real_regs<I: MachInst>(vcode: &VCode<I>, env: &MachineEnv) -> Result<(), RegallocError> {
    let allocatable = PRegSet::from(env);
    for inst in 0..vcode.num_insts() {
        for op in vcode.operands(inst) {
            if let Some(preg) = op.as_fixed_nonallocatable() {
                if allocatable.contains(preg) {
                    return Err(RegallocError::AllocatableRealReg {
                        inst: inst as u32,
                        preg,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Every physical register the allocated function writes: defs, clobbers and
/// move destinations. Intersected with the callee-saved set it gives the registers
/// the prologue must save. Real registers named directly by instructions are not
/// included (they are non-allocatable: SP, FP, dedicated scratch registers, which
/// the ABI code manages itself).
pub fn written_regs<I: MachInst>(vcode: &VCode<I>, output: &Output) -> PRegSet {
    let mut set = PRegSet::empty();
    for inst in 0..vcode.num_insts() {
        set.union_from(vcode.clobbers(inst));
        let allocs = output.inst_allocs(Inst::new(inst));
        for (op, alloc) in vcode.operands(inst).iter().zip(allocs) {
            if op.kind() == OperandKind::Def {
                if let Some(r) = alloc.as_reg() {
                    set.add(r);
                }
            }
        }
    }
    for (_, edit) in &output.edits {
        let Edit::Move { to, .. } = edit;
        if let Some(r) = to.as_reg() {
            set.add(r);
        }
    }
    set
}
