//! The generic part of the ABI: assigning arguments and return values to registers
//! and stack locations, and the per-ISA hooks ([`ABIMachineSpec`]) for everything
//! that needs instructions (prologue, epilogue, spills).
//!
//! The assignment algorithm walks the values in order with one cursor per register
//! list (float and vector share one when they are given the same registers), or one
//! shared cursor for conventions like Windows x64, where the n-th argument uses the
//! n-th register of its class. A value wider than a register
//! takes consecutive registers (an `i64` on arm32), starting at an even register when
//! the convention pairs them. A value that does not fit in the remaining registers
//! goes wholly to the stack; once one has, `no_backfill` conventions (AAPCS) send
//! every later value of that class to the stack too.
//!
//! Invariants of an [`ArgAssignment`]: `locs[i]` is the location of value `i`; stack
//! offsets are from the start of the argument area, each a multiple of the value's
//! stack alignment; `stack_size` is a multiple of `stack_slot_min` and covers every
//! stack location.
//!
//! Return values use the same algorithm over the return registers (with their own
//! rules, e.g. at most one value in registers); those that do not fit go to a
//! *return area* in the caller's frame, whose address the caller passes
//! as a hidden pointer argument placed before all others.

use regalloc2::{PReg, PRegSet, RegClass, SpillSlot};
use smallvec::SmallVec;

use super::{FrameLayout, MachInst};

/// One value to pass: its register class and size in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbiParam {
    /// Class of register that carries it.
    pub class: RegClass,
    /// Size in bytes (1 to 16).
    pub size: u32,
}

impl AbiParam {
    /// The parameter that carries a value of the scalar IR type `ty`: float types in
    /// float registers, all others in integer registers. `min_size` is the narrowest
    /// slot the convention gives a value (1 where narrow values keep their size, the
    /// word size where every value takes at least a word).
    pub fn of_type(ty: crate::ir::Type, min_size: u32) -> AbiParam {
        let class = if ty.is_float() {
            RegClass::Float
        } else {
            RegClass::Int
        };
        AbiParam {
            class,
            size: ty.bytes().max(min_size),
        }
    }
}

/// Where one value goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgLoc {
    /// In one or more registers (low part first).
    Regs(SmallVec<[PReg; 2]>),
    /// On the stack (arguments: the outgoing/incoming area; returns: the return area).
    Stack {
        /// Byte offset from the start of the area.
        offset: u32,
        /// Bytes occupied.
        size: u32,
    },
}

/// Registers a convention passes values in, in order, per class.
#[derive(Clone, Copy, Debug)]
pub struct ArgRegs<'a> {
    /// Integer registers.
    pub int: &'a [PReg],
    /// Float registers.
    pub float: &'a [PReg],
    /// Vector registers (often the float registers again).
    pub vector: &'a [PReg],
}

impl<'a> ArgRegs<'a> {
    /// Which cursor a class advances: classes given the same register list share
    /// one (float and vector values live in the same registers on every target).
    fn cursor(&self, class: RegClass) -> usize {
        match class {
            RegClass::Vector if self.vector == self.float => RegClass::Float as usize,
            c => c as usize,
        }
    }

    fn of(&self, class: RegClass) -> &'a [PReg] {
        match class {
            RegClass::Int => self.int,
            RegClass::Float => self.float,
            RegClass::Vector => self.vector,
        }
    }
}

/// The shape of a convention's assignment rules.
#[derive(Clone, Copy, Debug)]
pub struct ArgRules {
    /// Bytes one register holds, per class (`[int, float, vector]`).
    pub reg_bytes: [u32; 3],
    /// Every stack value takes at least this many bytes (the word size).
    pub stack_slot_min: u32,
    /// Stack values are aligned to their size, capped at this.
    pub stack_align_max: u32,
    /// Multi-register values start at an even register (AAPCS).
    pub even_reg_pairs: bool,
    /// One argument position shared by all classes (Windows x64).
    pub shared_position: bool,
    /// After a value of a class went to the stack, later ones of that class do too.
    pub no_backfill: bool,
    /// At most this many values go in registers; the rest go to the stack (native
    /// multi-value returns: only the first result in a register).
    pub max_reg_values: Option<u32>,
}

impl ArgRules {
    /// A plain convention: one cursor per class, back-filling allowed, no register
    /// pairs, no limit on values in registers, stack values aligned up to 16 bytes.
    /// Conventions with more rules start from this and set fields.
    pub fn plain(reg_bytes: [u32; 3], stack_slot_min: u32) -> ArgRules {
        ArgRules {
            reg_bytes,
            stack_slot_min,
            stack_align_max: 16,
            even_reg_pairs: false,
            shared_position: false,
            no_backfill: false,
            max_reg_values: None,
        }
    }
}

/// Why values could not be assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbiError {
    /// A value of size 0 or wider than 16 bytes.
    BadSize(u32),
    /// The argument area does not fit in 32 bits.
    TooLarge,
}

impl core::fmt::Display for AbiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AbiError::BadSize(s) => write!(f, "cannot pass a value of {s} bytes"),
            AbiError::TooLarge => write!(f, "argument area larger than 4 GiB"),
        }
    }
}

impl std::error::Error for AbiError {}

/// Locations of a list of values (see the module invariants).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgAssignment {
    /// One location per value.
    pub locs: Vec<ArgLoc>,
    /// Bytes of stack used.
    pub stack_size: u32,
}

/// Assign `params` to `regs` and the stack.
pub fn assign_args(
    params: &[AbiParam],
    regs: &ArgRegs<'_>,
    rules: &ArgRules,
) -> Result<ArgAssignment, AbiError> {
    let mut next = [0usize; 3];
    let mut spilled = [false; 3];
    let mut stack: u64 = 0;
    let mut locs = Vec::with_capacity(params.len());
    for (i, p) in params.iter().enumerate() {
        if p.size == 0 || p.size > 16 {
            return Err(AbiError::BadSize(p.size));
        }
        let c = regs.cursor(p.class);
        let list = regs.of(p.class);
        let nregs = p.size.div_ceil(rules.reg_bytes[p.class as usize].max(1)) as usize;
        let mut first = next[c];
        if rules.even_reg_pairs && nregs > 1 {
            first += first % 2;
        }
        let under_max = rules
            .max_reg_values
            .is_none_or(|m| (i as u64) < u64::from(m));
        let fits = under_max && !(rules.no_backfill && spilled[c]) && first + nregs <= list.len();
        if fits {
            locs.push(ArgLoc::Regs(
                list[first..first + nregs].iter().copied().collect(),
            ));
            if rules.shared_position {
                next = [first + nregs; 3];
            } else {
                next[c] = first + nregs;
            }
        } else {
            spilled[c] = true;
            if rules.no_backfill {
                next[c] = list.len();
            }
            if rules.shared_position {
                // The value still uses up its position in every class.
                next = [next[c].max(first + nregs); 3];
            }
            let size = p.size.max(rules.stack_slot_min);
            let max_align = rules.stack_align_max.max(rules.stack_slot_min).max(1);
            let align = size
                .next_power_of_two()
                .clamp(rules.stack_slot_min.max(1), max_align);
            stack = stack.div_ceil(u64::from(align)) * u64::from(align);
            let offset = u32::try_from(stack).map_err(|_| AbiError::TooLarge)?;
            locs.push(ArgLoc::Stack { offset, size });
            stack += u64::from(size);
        }
    }
    let min = u64::from(rules.stack_slot_min.max(1));
    let stack_size = u32::try_from(stack.div_ceil(min) * min).map_err(|_| AbiError::TooLarge)?;
    Ok(ArgAssignment { locs, stack_size })
}

/// Locations of a whole signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigAssignment {
    /// Where each argument goes.
    pub args: ArgAssignment,
    /// Where each return value goes (`Stack` offsets are into the return area).
    pub rets: ArgAssignment,
    /// Where the hidden return-area pointer goes, when some return is in memory.
    pub ret_area_ptr: Option<ArgLoc>,
}

/// Assign a signature: returns first (to know whether a return area is needed),
/// then the hidden return-area pointer (an integer of `ptr_bytes`) followed by the
/// arguments. Return-area offsets follow `ret_rules` (usually the argument rules,
/// with `max_reg_values` set for conventions that return one value in registers).
/// Where each parameter and result of the IR signature `sig` goes under `abi`, for
/// conventions that place results with the argument rules (`min_size` as in
/// [`AbiParam::of_type`]; pointers are `abi.word_bytes()` wide).
pub fn assign_ir_signature<A: ABIMachineSpec>(
    abi: &A,
    sig: &crate::ir::Signature,
    min_size: u32,
) -> Result<SigAssignment, AbiError> {
    let params = |l: &[crate::ir::AbiParam]| -> Vec<AbiParam> {
        l.iter()
            .map(|a| AbiParam::of_type(a.value_type, min_size))
            .collect()
    };
    let rules = abi.arg_rules();
    assign_signature(
        &params(&sig.params),
        &params(&sig.returns),
        &abi.arg_regs(),
        &abi.ret_regs(),
        &rules,
        &rules,
        abi.word_bytes(),
    )
}

pub fn assign_signature(
    params: &[AbiParam],
    rets: &[AbiParam],
    arg_regs: &ArgRegs<'_>,
    ret_regs: &ArgRegs<'_>,
    rules: &ArgRules,
    ret_rules: &ArgRules,
    ptr_bytes: u32,
) -> Result<SigAssignment, AbiError> {
    let rets = assign_args(rets, ret_regs, ret_rules)?;
    let needs_area = rets.locs.iter().any(|l| matches!(l, ArgLoc::Stack { .. }));
    if !needs_area {
        return Ok(SigAssignment {
            args: assign_args(params, arg_regs, rules)?,
            rets,
            ret_area_ptr: None,
        });
    }
    let mut all = Vec::with_capacity(params.len() + 1);
    all.push(AbiParam {
        class: RegClass::Int,
        size: ptr_bytes,
    });
    all.extend_from_slice(params);
    let mut args = assign_args(&all, arg_regs, rules)?;
    let ptr = args.locs.remove(0);
    Ok(SigAssignment {
        args,
        rets,
        ret_area_ptr: Some(ptr),
    })
}

/// Per-ISA (and per-convention) ABI details. An implementation is a value built
/// for one calling convention, so no method needs a convention argument.
pub trait ABIMachineSpec {
    /// The ISA's instruction type.
    type I: MachInst;

    /// Bytes per machine word.
    fn word_bytes(&self) -> u32;
    /// SP alignment at calls.
    fn stack_align(&self) -> u32;
    /// Assignment rules of this convention.
    fn arg_rules(&self) -> ArgRules;
    /// Argument registers.
    fn arg_regs(&self) -> ArgRegs<'_>;
    /// Return registers.
    fn ret_regs(&self) -> ArgRegs<'_>;
    /// Registers a callee must preserve.
    fn callee_saved(&self) -> PRegSet;
    /// Bytes the prologue uses to save `reg`.
    fn clobber_save_bytes(&self, reg: PReg) -> u32;
    /// Bytes between the CFA and FP (return address and saved FP/LR).
    fn setup_area_size(&self) -> u32;
    /// Instructions that set up `frame` (FP, SP adjustment, callee saves, stack check).
    fn gen_prologue(&self, frame: &FrameLayout, out: &mut Vec<Self::I>);
    /// Instructions that tear `frame` down, placed before every return.
    fn gen_epilogue(&self, frame: &FrameLayout, out: &mut Vec<Self::I>);
    /// Store `from` into spill slot `slot`.
    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> Self::I;
    /// Load spill slot `slot` into `to`.
    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> Self::I;
}
