//! The emission driver: turns an allocated [`VCode`] into bytes in a buffer.
//!
//! Two steps. [`allocated_blocks`] applies regalloc2's output: the final
//! instruction stream in layout order (the VCode order with cold blocks moved after
//! all warm ones, see [`final_block_order`]), each instruction cloned and rewritten
//! with its allocations (see [`super::inst`]), regalloc2's edits turned into moves,
//! spills and reloads ([`MachInst::gen_move`] and the ABI), copies within one
//! register dropped, the prologue first and the epilogue before every `Ret`.
//! [`emit_function`] then, for each block, asks the buffer whether an island is due
//! before the block's worst-case size (so islands land between blocks when
//! possible), binds the block's label and encodes, asking again before each
//! instruction with its worst-case size. With the test flag
//! `bb_padding_log2_minus_one` ([`emit_allocated_padded`]), no-op padding follows
//! every block, written in small chunks with the same island check before each, so
//! the invariant holds however large the padding. Block `i` gets label `MachLabel(i)`: the
//! driver takes the first labels of a fresh buffer and fails if the buffer numbers
//! them otherwise.

use regalloc2::{Allocation, Block, Edit, InstOrEdit, Output, PReg};

use super::regalloc::written_regs;
use super::{
    ABIMachineSpec, AllocApplier, FrameError, FrameLayout, FrameLayoutInput, MachInst,
    MachInstEmitState, MachTerminator, Reg, StackSlotSpec, VCode, Writable,
};
use crate::buffer::{CodeOffset, CodeSink, IslandIsa, MachBuffer, MachLabel};

/// What the driver needs from a code buffer beyond [`CodeSink`].
pub trait EmitBuffer<L: IslandIsa>: CodeSink<L> {
    /// A fresh, unbound label.
    fn get_label(&mut self) -> MachLabel;
    /// Bind `label` to the current offset.
    fn bind_label(&mut self, label: MachLabel);
    /// Whether `distance` more bytes of code would push an island past a deadline.
    fn island_needed(&self, distance: CodeOffset) -> bool;
    /// Emit an island now (jumped around), leaving room for `distance` more bytes.
    fn emit_island(&mut self, distance: CodeOffset);
    /// Append `len` bytes of the ISA's padding (executable no-ops).
    fn put_padding(&mut self, len: CodeOffset);
}

impl<L: IslandIsa> EmitBuffer<L> for MachBuffer<L> {
    fn get_label(&mut self) -> MachLabel {
        MachBuffer::get_label(self)
    }
    fn bind_label(&mut self, label: MachLabel) {
        MachBuffer::bind_label(self, label)
    }
    fn island_needed(&self, distance: CodeOffset) -> bool {
        MachBuffer::island_needed(self, distance)
    }
    fn emit_island(&mut self, distance: CodeOffset) {
        MachBuffer::emit_island(self, distance)
    }
    fn put_padding(&mut self, len: CodeOffset) {
        MachBuffer::put_padding(self, len)
    }
}

/// Frame inputs the driver cannot derive from the VCode.
#[derive(Clone, Debug, Default)]
pub struct FrameRequest<'a> {
    /// Explicit stack slots.
    pub stack_slots: &'a [StackSlotSpec],
    /// Largest outgoing stack-argument area of any call, beyond what lowering
    /// recorded in the VCode (the frame reserves the larger of the two).
    pub outgoing_args_size: u32,
}

/// What emission produced besides the bytes.
#[derive(Clone, Debug)]
pub struct EmitResult {
    /// The function's frame.
    pub frame: FrameLayout,
    /// Offset at which each block starts, indexed by VCode block.
    pub block_offsets: Vec<CodeOffset>,
}

/// Why emission failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmitError {
    /// The frame could not be laid out.
    Frame(FrameError),
    /// The buffer's labels are not numbered from 0 (it was not fresh).
    LabelMismatch {
        /// The label the driver expected.
        expected: u32,
        /// The one it got.
        got: u32,
    },
    /// An operand's allocation is missing or not a register.
    BadAllocation(u32),
    /// regalloc2 asked for a stack-to-stack move (it promises never to).
    StackToStackMove,
}

impl core::fmt::Display for EmitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EmitError::Frame(e) => write!(f, "frame layout: {e}"),
            EmitError::LabelMismatch { expected, got } => {
                write!(
                    f,
                    "buffer handed out label {got} where block label {expected} was expected"
                )
            }
            EmitError::BadAllocation(i) => {
                write!(f, "inst {i} has an operand without a register allocation")
            }
            EmitError::StackToStackMove => {
                write!(f, "register allocator asked for a stack-to-stack move")
            }
        }
    }
}

impl std::error::Error for EmitError {}

/// Lay out the frame for an allocated function.
pub fn compute_frame<A: ABIMachineSpec>(
    vcode: &VCode<A::I>,
    output: &Output,
    abi: &A,
    request: &FrameRequest<'_>,
) -> Result<FrameLayout, FrameError> {
    let mut clobbered = written_regs(vcode, output);
    clobbered.intersect_from(abi.callee_saved());
    let saves: Vec<(PReg, u32)> = clobbered
        .into_iter()
        .map(|r| (r, abi.clobber_save_bytes(r)))
        .collect();
    FrameLayout::compute(&FrameLayoutInput {
        word_bytes: abi.word_bytes(),
        stack_align: abi.stack_align(),
        setup_area_size: abi.setup_area_size(),
        clobbered_callee_saves: &saves,
        stack_slots: request.stack_slots,
        num_spillslots: output.num_spillslots as u32,
        spillslot_bytes: abi.word_bytes(),
        outgoing_args_size: request.outgoing_args_size.max(vcode.outgoing_args_size()),
    })
}

/// One block of the final instruction stream.
#[derive(Clone, Debug)]
pub struct AllocatedBlock<I> {
    /// VCode index of the block (its label is `MachLabel(block)`).
    pub block: u32,
    /// Its instructions on physical registers, edits and frame code included.
    pub insts: Vec<I>,
}

/// Apply regalloc2's output: the final instruction stream, block by block in layout
/// order ([`final_block_order`]). Every instruction has its registers rewritten;
/// edits become moves, spills and reloads; copies within one register are dropped;
/// the entry block starts with the prologue and every `Ret` is preceded by the
/// epilogue. This is what `emit_function` encodes and what a printer shows.
pub fn allocated_blocks<A: ABIMachineSpec>(
    vcode: &VCode<A::I>,
    output: &Output,
    abi: &A,
    frame: &FrameLayout,
) -> Result<Vec<AllocatedBlock<A::I>>, EmitError> {
    let mut prologue = Vec::new();
    abi.gen_prologue(frame, &mut prologue);
    let mut epilogue = Vec::new();
    abi.gen_epilogue(frame, &mut epilogue);
    let mut blocks = Vec::with_capacity(vcode.num_blocks());
    for b in final_block_order(vcode) {
        let mut insts = if b == 0 { prologue.clone() } else { Vec::new() };
        for item in output.block_insts_and_edits(vcode, Block::new(b)) {
            match item {
                InstOrEdit::Edit(Edit::Move { from, to }) => {
                    insts.extend(gen_edit(abi, frame, *from, *to)?)
                }
                InstOrEdit::Inst(iix) => {
                    let mut inst = vcode.insts()[iix.index()].clone();
                    let allocs = output.inst_allocs(iix);
                    let mut applier = AllocApplier::new(allocs);
                    inst.get_operands(&mut applier);
                    if applier.bad != 0 || applier.visited() != allocs.len() {
                        return Err(EmitError::BadAllocation(iix.index() as u32));
                    }
                    if inst.is_move().is_some_and(|(dst, src)| dst.to_reg() == src) {
                        continue;
                    }
                    if inst.is_term() == MachTerminator::Ret {
                        insts.extend(epilogue.iter().cloned());
                    }
                    insts.push(inst);
                }
            }
        }
        blocks.push(AllocatedBlock {
            block: b as u32,
            insts,
        });
    }
    Ok(blocks)
}

/// Emit `vcode`, allocated as `output`, into `buffer` (fresh: no labels yet).
pub fn emit_function<A, B>(
    vcode: &VCode<A::I>,
    output: &Output,
    abi: &A,
    request: &FrameRequest<'_>,
    info: &<A::I as MachInst>::Info,
    buffer: &mut B,
) -> Result<EmitResult, EmitError>
where
    A: ABIMachineSpec,
    B: EmitBuffer<<A::I as MachInst>::LabelUse>,
{
    let frame = compute_frame(vcode, output, abi, request).map_err(EmitError::Frame)?;
    let blocks = allocated_blocks(vcode, output, abi, &frame)?;
    let block_offsets = emit_allocated(&blocks, &frame, info, buffer)?;
    Ok(EmitResult {
        frame,
        block_offsets,
    })
}

/// Encode blocks produced by [`allocated_blocks`] into `buffer` (fresh: no labels
/// yet). Returns the offset of each block, indexed by VCode block.
pub fn emit_allocated<I: MachInst, B: EmitBuffer<I::LabelUse>>(
    blocks: &[AllocatedBlock<I>],
    frame: &FrameLayout,
    info: &I::Info,
    buffer: &mut B,
) -> Result<Vec<CodeOffset>, EmitError> {
    emit_allocated_padded(blocks, frame, info, buffer, 0)
}

/// Bytes of padding after each block for the shared flag
/// `bb_padding_log2_minus_one = n`: none when `n == 0`, else `2^(n-1)` bytes
/// (Cranelift's rule), rounded up to a multiple of the ISA's instruction alignment
/// so the next block stays decodable (1 byte on AArch64 becomes 4).
pub fn bb_padding_bytes<L: IslandIsa>(log2_minus_one: u8) -> CodeOffset {
    match log2_minus_one {
        0 => 0,
        n => {
            let raw = 1u64.checked_shl(u32::from(n) - 1).unwrap_or(u64::MAX);
            raw.div_ceil(L::INSN_ALIGN.max(1))
                .saturating_mul(L::INSN_ALIGN.max(1))
        }
    }
}

/// Total block padding one function may receive; past it, blocks get none.
/// Like Cranelift's cap: the flag only exists to push branches out of range, and
/// a few hundred MiB per function is plenty for that while `n = 32` on a large
/// function would otherwise ask for terabytes.
pub const MAX_BB_PADDING_PER_FUNCTION: CodeOffset = 150 << 20;

/// Padding is written in pieces no larger than this, with an island check before
/// each, so a pending short-range use (down to A32's ±1020-byte `vldr`) gets its
/// island before the padding carries it out of range.
const BB_PADDING_CHUNK: CodeOffset = 256;

/// [`emit_allocated`] with `bb_padding` bytes of no-ops (see [`bb_padding_bytes`])
/// after the last instruction of every block, so tests can force branches within
/// one function past their direct range. The padding follows the block's
/// terminator; it is executable anyway, so a block that falls through stays correct.
pub fn emit_allocated_padded<I: MachInst, B: EmitBuffer<I::LabelUse>>(
    blocks: &[AllocatedBlock<I>],
    frame: &FrameLayout,
    info: &I::Info,
    buffer: &mut B,
    bb_padding: CodeOffset,
) -> Result<Vec<CodeOffset>, EmitError> {
    let n = blocks.len();
    for b in 0..n as u32 {
        let got = buffer.get_label();
        if got != MachLabel(b) {
            return Err(EmitError::LabelMismatch {
                expected: b,
                got: got.0,
            });
        }
    }
    let mut state = I::State::new(frame);
    let worst = I::worst_case_size();
    let mut block_offsets = vec![0; n];
    let mut padding_left = if bb_padding == 0 {
        0
    } else {
        MAX_BB_PADDING_PER_FUNCTION
    };
    for AllocatedBlock { block, insts } in blocks {
        let size = worst.saturating_mul(insts.len() as CodeOffset);
        if buffer.island_needed(size) {
            buffer.emit_island(size);
        }
        buffer.bind_label(MachLabel(*block));
        if let Some(slot) = block_offsets.get_mut(*block as usize) {
            *slot = buffer.cur_offset();
        }
        for inst in insts {
            // Uses made inside a block (literal loads, trap-stub branches) may expire
            // before its end; checking per instruction keeps the buffer's invariant.
            if buffer.island_needed(worst) {
                buffer.emit_island(worst);
            }
            inst.emit(buffer, info, &mut state);
        }
        if padding_left >= bb_padding {
            padding_left -= bb_padding;
            put_block_padding(buffer, bb_padding);
        }
    }
    Ok(block_offsets)
}

/// Append `len` bytes of padding in chunks, emitting an island whenever the next
/// chunk would push a pending use past its deadline.
fn put_block_padding<L: IslandIsa, B: EmitBuffer<L>>(buffer: &mut B, len: CodeOffset) {
    let chunk_max = BB_PADDING_CHUNK.div_ceil(L::INSN_ALIGN.max(1)) * L::INSN_ALIGN.max(1);
    let mut left = len;
    while left > 0 {
        let chunk = left.min(chunk_max);
        if buffer.island_needed(chunk) {
            buffer.emit_island(chunk);
        }
        buffer.put_padding(chunk);
        left -= chunk;
    }
}

/// The order blocks are emitted in: warm blocks in VCode order, then cold ones.
/// The entry block is never cold, so it always comes first.
pub fn final_block_order<I: MachInst>(vcode: &VCode<I>) -> Vec<usize> {
    let n = vcode.num_blocks();
    let warm = (0..n).filter(|&b| b == 0 || !vcode.is_cold(b as u32));
    let cold = (1..n).filter(|&b| vcode.is_cold(b as u32));
    warm.chain(cold).collect()
}

/// The instruction for one regalloc2 move, or `None` when it moves nothing.
fn gen_edit<A: ABIMachineSpec>(
    abi: &A,
    frame: &FrameLayout,
    from: Allocation,
    to: Allocation,
) -> Result<Option<A::I>, EmitError> {
    if from == to {
        return Ok(None);
    }
    match (from.as_reg(), from.as_stack(), to.as_reg(), to.as_stack()) {
        (Some(src), _, Some(dst), _) => Ok(Some(A::I::gen_move(
            Writable::from_reg(Reg::from_real(dst)),
            Reg::from_real(src),
            src.class(),
        ))),
        (Some(src), _, _, Some(slot)) => Ok(Some(abi.gen_spill(frame, slot, src))),
        (_, Some(slot), Some(dst), _) => Ok(Some(abi.gen_reload(frame, dst, slot))),
        (_, Some(_), _, Some(_)) => Err(EmitError::StackToStackMove),
        _ => Ok(None),
    }
}
