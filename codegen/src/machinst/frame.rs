//! Stack frame layout, common to every ISA (the stack grows down; a frame pointer is
//! always kept so backtraces work).
//!
//! ```text
//!   high addresses
//!   | incoming stack arguments        |
//!   +---------------------------------+ <- CFA: SP just before the call instruction
//!   | setup area                      |    return address (when the call pushes it)
//!   |                                 |    and saved FP (and LR), `setup_area_size`
//!   +---------------------------------+ <- FP
//!   | clobbered callee-saved regs     |    `clobber_size`
//!   +---------------------------------+
//!   | stack slots (explicit)          |    `fixed_frame_storage_size`
//!   | spill slots (regalloc2)         |
//!   +---------------------------------+
//!   | outgoing call arguments         |    `outgoing_args_size`
//!   +---------------------------------+ <- SP after the prologue
//!   low addresses
//! ```
//!
//! Invariants of a [`FrameLayout`]:
//! - every area size is a multiple of `stack_align`, and so is `setup_area_size`;
//!   given an aligned CFA, SP after the prologue and FP are aligned too;
//! - offsets are SP-relative (non-negative, after the prologue): outgoing arguments
//!   at 0, spill slot `k` at `spillslot_base + k * spillslot_bytes`, stack slot `i` at
//!   `stack_slot_offsets[i]`, a multiple of its alignment; areas never overlap;
//! - clobbered callee-saved registers are saved in ascending order starting at
//!   `clobber_base()`, each in its own `clobber_save_bytes` slot;
//! - an incoming stack argument at offset `o` of the caller's argument area is at
//!   `FP + setup_area_size + o` (and `SP + total_size() + o`);
//! - explicit stack slot `i` is the IR's `StackSlot` number `i` (see
//!   `compile_function`).

use regalloc2::{PReg, SpillSlot};

/// An explicit stack slot (from the IR's `stack_slot`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackSlotSpec {
    /// Size in bytes.
    pub size: u32,
    /// Alignment in bytes (a power of two, at most the stack alignment).
    pub align: u32,
}

/// Everything the layout depends on.
#[derive(Clone, Debug)]
pub struct FrameLayoutInput<'a> {
    /// Bytes per machine word (8 or 4).
    pub word_bytes: u32,
    /// Required SP alignment at calls (16 or 8).
    pub stack_align: u32,
    /// Bytes the call and the prologue's frame-pointer setup occupy above FP.
    pub setup_area_size: u32,
    /// Callee-saved registers the function writes, and the bytes each save takes.
    pub clobbered_callee_saves: &'a [(PReg, u32)],
    /// Explicit stack slots.
    pub stack_slots: &'a [StackSlotSpec],
    /// Spill slots regalloc2 used (`Output::num_spillslots`).
    pub num_spillslots: u32,
    /// Bytes per spill slot (one word).
    pub spillslot_bytes: u32,
    /// Largest stack-argument area of any call the function makes.
    pub outgoing_args_size: u32,
}

/// Why a frame could not be laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// An alignment is zero or not a power of two.
    BadAlign(u32),
    /// The setup area would misalign FP.
    SetupAreaMisaligned(u32),
    /// A stack slot wants more alignment than the stack guarantees.
    SlotAlignTooLarge {
        /// Index of the slot.
        slot: u32,
        /// Its alignment.
        align: u32,
    },
    /// The frame does not fit in 32 bits.
    TooLarge,
}

impl core::fmt::Display for FrameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FrameError::BadAlign(a) => write!(f, "alignment {a} is not a power of two"),
            FrameError::SetupAreaMisaligned(s) => {
                write!(f, "setup area of {s} bytes misaligns the frame")
            }
            FrameError::SlotAlignTooLarge { slot, align } => {
                write!(
                    f,
                    "stack slot {slot} needs alignment {align}, more than the stack provides"
                )
            }
            FrameError::TooLarge => write!(f, "stack frame larger than 4 GiB"),
        }
    }
}

impl std::error::Error for FrameError {}

/// A computed frame (see the module invariants).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameLayout {
    /// Bytes per machine word.
    pub word_bytes: u32,
    /// SP alignment.
    pub stack_align: u32,
    /// Bytes between the CFA and FP.
    pub setup_area_size: u32,
    /// Callee-saved registers to save, ascending, with their save size.
    pub clobbered_callee_saves: Vec<(PReg, u32)>,
    /// Bytes of the callee-save area (aligned).
    pub clobber_size: u32,
    /// Bytes of stack slots plus spill slots (aligned).
    pub fixed_frame_storage_size: u32,
    /// SP-relative offset of each explicit stack slot.
    pub stack_slot_offsets: Vec<u32>,
    /// SP-relative offset of spill slot 0.
    pub spillslot_base: u32,
    /// Bytes per spill slot.
    pub spillslot_bytes: u32,
    /// Number of spill slots.
    pub num_spillslots: u32,
    /// Bytes of the outgoing-argument area (aligned).
    pub outgoing_args_size: u32,
}

fn align_to(x: u64, align: u32) -> u64 {
    let a = u64::from(align);
    x.div_ceil(a) * a
}

fn check_align(a: u32) -> Result<(), FrameError> {
    if a.is_power_of_two() {
        Ok(())
    } else {
        Err(FrameError::BadAlign(a))
    }
}

fn to_u32(x: u64) -> Result<u32, FrameError> {
    u32::try_from(x).map_err(|_| FrameError::TooLarge)
}

impl FrameLayout {
    /// Lay out a frame. Spill slots sit at the bottom of the fixed frame (closest to
    /// SP, so short SP-relative offsets reach the most frequently used area) and
    /// explicit stack slots above them, in order, each aligned.
    pub fn compute(input: &FrameLayoutInput<'_>) -> Result<FrameLayout, FrameError> {
        check_align(input.stack_align)?;
        check_align(input.word_bytes)?;
        if !input.setup_area_size.is_multiple_of(input.stack_align) {
            return Err(FrameError::SetupAreaMisaligned(input.setup_area_size));
        }
        let sa = input.stack_align;
        let outgoing = align_to(u64::from(input.outgoing_args_size), sa);
        let spill_base = outgoing;
        let spill_bytes = u64::from(input.num_spillslots) * u64::from(input.spillslot_bytes);
        let mut cur = spill_base + spill_bytes;
        let mut stack_slot_offsets = Vec::with_capacity(input.stack_slots.len());
        for (i, s) in input.stack_slots.iter().enumerate() {
            check_align(s.align)?;
            if s.align > sa {
                return Err(FrameError::SlotAlignTooLarge {
                    slot: i as u32,
                    align: s.align,
                });
            }
            cur = align_to(cur, s.align);
            stack_slot_offsets.push(to_u32(cur)?);
            cur += u64::from(s.size);
        }
        let fixed = align_to(cur - spill_base, sa);
        let mut saves = input.clobbered_callee_saves.to_vec();
        saves.sort_by_key(|&(r, _)| r.index());
        saves.dedup_by_key(|&mut (r, _)| r.index());
        let clobber = align_to(saves.iter().map(|&(_, b)| u64::from(b)).sum(), sa);
        let total = outgoing + fixed + clobber + u64::from(input.setup_area_size);
        to_u32(total)?;
        Ok(FrameLayout {
            word_bytes: input.word_bytes,
            stack_align: sa,
            setup_area_size: input.setup_area_size,
            clobbered_callee_saves: saves,
            clobber_size: to_u32(clobber)?,
            fixed_frame_storage_size: to_u32(fixed)?,
            stack_slot_offsets,
            spillslot_base: to_u32(spill_base)?,
            spillslot_bytes: input.spillslot_bytes,
            num_spillslots: input.num_spillslots,
            outgoing_args_size: to_u32(outgoing)?,
        })
    }

    /// SP-relative offset of `slot`.
    pub fn spillslot_offset(&self, slot: SpillSlot) -> u32 {
        self.spillslot_base + slot.index() as u32 * self.spillslot_bytes
    }

    /// SP-relative offset of explicit stack slot `i`.
    pub fn stack_slot_offset(&self, i: usize) -> Option<u32> {
        self.stack_slot_offsets.get(i).copied()
    }

    /// SP-relative offset of the first callee-save slot.
    pub fn clobber_base(&self) -> u32 {
        self.outgoing_args_size + self.fixed_frame_storage_size
    }

    /// SP-relative offsets of the callee-save slots, with their registers.
    pub fn clobber_save_offsets(&self) -> impl Iterator<Item = (PReg, u32)> + '_ {
        let mut off = self.clobber_base();
        self.clobbered_callee_saves.iter().map(move |&(r, b)| {
            let o = off;
            off += b;
            (r, o)
        })
    }

    /// Bytes the prologue subtracts from SP after setting up FP.
    pub fn sp_adjustment(&self) -> u32 {
        self.clobber_size + self.fixed_frame_storage_size + self.outgoing_args_size
    }

    /// SP-relative offset of FP after the prologue (FP = SP + this).
    pub fn fp_offset(&self) -> u32 {
        self.sp_adjustment()
    }

    /// Total bytes between the CFA and SP after the prologue.
    pub fn total_size(&self) -> u32 {
        self.sp_adjustment() + self.setup_area_size
    }
}
