//! VCode: a function's machine instructions on virtual registers, in lowered block
//! order, as regalloc2 sees it (`VCode` implements `regalloc2::Function`).
//!
//! Invariants of a finished [`VCode`] (checked by [`VCodeBuilder::finish`]):
//! - blocks are numbered in layout order; block 0 is the entry; block `i` is bound to
//!   `MachLabel(i)` at emission, so branches built during lowering name their
//!   targets by those labels;
//! - every block is non-empty and its last instruction, and only that one, is a
//!   terminator; a `Branch` ends a block with successors, `Ret`/`Trap` one without;
//! - branch arguments are virtual registers, as many for each successor as that
//!   successor has block parameters;
//! - operands were collected once, when the instruction was pushed, with the same
//!   walk that later rewrites registers (see [`super::operands`]).
//!
//! Virtual register numbering: indices below [`PINNED`] stand for physical
//! registers and never appear in operands (real registers become
//! fixed-nonallocatable operands), so `num_vregs` counts them as unused.

use regalloc2::{Block, Inst, InstRange, Operand, PRegSet, RegClass, VReg};

use super::operands::InvalidOperand;
use super::{MachInst, MachTerminator, OperandCollector, Reg, PINNED};

/// Why a builder could not produce a valid VCode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VCodeError {
    /// `push`, `add_block_param` or `end_block` was called with no open block,
    /// or `finish` with a block still open.
    NoOpenBlock,
    /// `start_block` while a block is open, or `finish` with one open.
    BlockStillOpen(u32),
    /// The function has no blocks.
    NoBlocks,
    /// A block has no instructions or does not end with a terminator.
    MissingTerminator(u32),
    /// A terminator is followed by more instructions in the same block.
    TerminatorNotLast {
        /// The block.
        block: u32,
        /// Index of the misplaced terminator in the whole function.
        inst: u32,
    },
    /// The terminator kind does not agree with the successor list (a branch with no
    /// successors, or a return/trap with some).
    TerminatorMismatch(u32),
    /// A successor index names no block.
    BadSuccessor {
        /// The block.
        block: u32,
        /// The invalid successor.
        succ: u32,
    },
    /// Branch arguments do not match the successor's block parameters.
    BranchArgCount {
        /// The branching block.
        block: u32,
        /// Position of the successor.
        succ_idx: u32,
        /// Parameters of the successor.
        expected: u32,
        /// Arguments given.
        got: u32,
    },
    /// A block parameter or branch argument is a real register.
    RealRegInBlockArgs(u32),
    /// An instruction describes an operand regalloc2 cannot take.
    InvalidOperand {
        /// Index of the instruction in the function.
        inst: u32,
        /// What is wrong.
        problem: InvalidOperand,
    },
}

impl core::fmt::Display for VCodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VCodeError::NoOpenBlock => write!(f, "no block is open"),
            VCodeError::BlockStillOpen(b) => write!(f, "block {b} is still open"),
            VCodeError::NoBlocks => write!(f, "function has no blocks"),
            VCodeError::MissingTerminator(b) => write!(f, "block {b} does not end with a terminator"),
            VCodeError::TerminatorNotLast { block, inst } => {
                write!(f, "terminator inst {inst} is not the last instruction of block {block}")
            }
            VCodeError::TerminatorMismatch(b) => {
                write!(f, "terminator of block {b} does not match its successor list")
            }
            VCodeError::BadSuccessor { block, succ } => write!(f, "block {block} branches to nonexistent block {succ}"),
            VCodeError::BranchArgCount { block, succ_idx, expected, got } => write!(
                f,
                "block {block} passes {got} arguments to successor #{succ_idx}, which takes {expected}"
            ),
            VCodeError::RealRegInBlockArgs(b) => {
                write!(f, "block {b} uses a real register as a block parameter or branch argument")
            }
            VCodeError::InvalidOperand { inst, problem } => write!(f, "inst {inst}: invalid operand: {problem:?}"),
        }
    }
}

impl std::error::Error for VCodeError {}

/// A half-open range into one of VCode's flat arrays.
#[derive(Clone, Copy, Debug, Default)]
struct Range32(u32, u32);

impl Range32 {
    fn of<T>(v: &[T], r: Range32) -> &[T] {
        &v[r.0 as usize..r.1 as usize]
    }
}

/// Machine instructions of one function on virtual registers.
#[derive(Clone, Debug)]
pub struct VCode<I: MachInst> {
    insts: Vec<I>,
    operands: Vec<Operand>,
    inst_operands: Vec<Range32>,
    inst_clobbers: Vec<PRegSet>,
    block_insts: Vec<Range32>,
    block_params: Vec<VReg>,
    block_param_ranges: Vec<Range32>,
    block_succs: Vec<Block>,
    block_succ_ranges: Vec<Range32>,
    block_preds: Vec<Block>,
    block_pred_ranges: Vec<Range32>,
    branch_args: Vec<VReg>,
    /// One range per (block, successor), indexed through `block_succ_ranges`.
    branch_arg_ranges: Vec<Range32>,
    block_cold: Vec<bool>,
    num_vregs: usize,
    /// Largest stack-argument area any call needs (set by lowering).
    outgoing_args_size: u32,
}

impl<I: MachInst> VCode<I> {
    /// All instructions, blocks laid out one after another.
    pub fn insts(&self) -> &[I] {
        &self.insts
    }

    /// Number of blocks.
    pub fn num_blocks(&self) -> usize {
        self.block_insts.len()
    }

    /// Instruction indices of `block`.
    pub fn block_inst_range(&self, block: u32) -> core::ops::Range<usize> {
        let r = self.block_insts[block as usize];
        r.0 as usize..r.1 as usize
    }

    /// Whether `block` was marked cold.
    pub fn is_cold(&self, block: u32) -> bool {
        self.block_cold[block as usize]
    }

    /// Largest stack-argument area of any call in the function.
    pub fn outgoing_args_size(&self) -> u32 {
        self.outgoing_args_size
    }

    /// Clobbers declared by instruction `inst`.
    pub fn clobbers(&self, inst: usize) -> PRegSet {
        self.inst_clobbers[inst]
    }

    /// Operands of instruction `inst` as given to regalloc2.
    pub fn operands(&self, inst: usize) -> &[Operand] {
        Range32::of(&self.operands, self.inst_operands[inst])
    }

    fn term(&self, insn: Inst) -> MachTerminator {
        self.insts[insn.index()].is_term()
    }
}

/// One block per paragraph: `block3(v260, v261) cold:`, the instructions, then
/// `  -> block4(v262)` per successor. For test failures and debugging.
impl<I: MachInst> core::fmt::Display for VCode<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use regalloc2::Function;
        for b in 0..self.num_blocks() {
            let block = Block::new(b);
            let params: Vec<String> = self
                .block_params(block)
                .iter()
                .map(|v| format!("v{}", v.vreg()))
                .collect();
            let cold = if self.block_cold[b] { " cold" } else { "" };
            writeln!(f, "block{b}({}){cold}:", params.join(", "))?;
            let insts = self.block_inst_range(b as u32);
            for i in insts.clone() {
                writeln!(f, "  {}", self.insts[i].print())?;
            }
            for (k, s) in self.block_succs(block).iter().enumerate() {
                let last = Inst::new(insts.end - 1);
                let args: Vec<String> = self
                    .branch_blockparams(block, last, k)
                    .iter()
                    .map(|v| format!("v{}", v.vreg()))
                    .collect();
                writeln!(f, "  -> block{}({})", s.index(), args.join(", "))?;
            }
        }
        Ok(())
    }
}

impl<I: MachInst> regalloc2::Function for VCode<I> {
    fn num_insts(&self) -> usize {
        self.insts.len()
    }

    fn num_blocks(&self) -> usize {
        self.block_insts.len()
    }

    fn entry_block(&self) -> Block {
        Block::new(0)
    }

    fn block_insns(&self, block: Block) -> InstRange {
        let r = self.block_insts[block.index()];
        InstRange::new(Inst::new(r.0 as usize), Inst::new(r.1 as usize))
    }

    fn block_succs(&self, block: Block) -> &[Block] {
        Range32::of(&self.block_succs, self.block_succ_ranges[block.index()])
    }

    fn block_preds(&self, block: Block) -> &[Block] {
        Range32::of(&self.block_preds, self.block_pred_ranges[block.index()])
    }

    fn block_params(&self, block: Block) -> &[VReg] {
        Range32::of(&self.block_params, self.block_param_ranges[block.index()])
    }

    fn is_ret(&self, insn: Inst) -> bool {
        matches!(self.term(insn), MachTerminator::Ret | MachTerminator::Trap)
    }

    fn is_branch(&self, insn: Inst) -> bool {
        self.term(insn) == MachTerminator::Branch
    }

    fn branch_blockparams(&self, block: Block, _insn: Inst, succ_idx: usize) -> &[VReg] {
        let succs = self.block_succ_ranges[block.index()];
        let r = self.branch_arg_ranges[succs.0 as usize + succ_idx];
        Range32::of(&self.branch_args, r)
    }

    fn inst_operands(&self, insn: Inst) -> &[Operand] {
        self.operands(insn.index())
    }

    fn inst_clobbers(&self, insn: Inst) -> PRegSet {
        self.inst_clobbers[insn.index()]
    }

    fn num_vregs(&self) -> usize {
        self.num_vregs
    }

    fn spillslot_size(&self, regclass: RegClass) -> usize {
        I::spillslot_size(regclass)
    }
}

/// Builds a [`VCode`] block by block, in lowered order.
///
/// Usage: `start_block`, then `add_block_param`s and `push`es, then `end_block`
/// with the successors (lowered block indices, which may be forward references)
/// and their branch arguments; repeat; `finish`.
pub struct VCodeBuilder<I: MachInst> {
    vcode: VCode<I>,
    open: Option<u32>,
    /// Successors as given, checked in `finish` once all blocks exist.
    pending_succs: Vec<u32>,
}

impl<I: MachInst> Default for VCodeBuilder<I> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I: MachInst> VCodeBuilder<I> {
    /// An empty function.
    pub fn new() -> Self {
        VCodeBuilder {
            vcode: VCode {
                insts: Vec::new(),
                operands: Vec::new(),
                inst_operands: Vec::new(),
                inst_clobbers: Vec::new(),
                block_insts: Vec::new(),
                block_params: Vec::new(),
                block_param_ranges: Vec::new(),
                block_succs: Vec::new(),
                block_succ_ranges: Vec::new(),
                block_preds: Vec::new(),
                block_pred_ranges: Vec::new(),
                branch_args: Vec::new(),
                branch_arg_ranges: Vec::new(),
                block_cold: Vec::new(),
                num_vregs: PINNED,
                outgoing_args_size: 0,
            },
            open: None,
            pending_succs: Vec::new(),
        }
    }

    /// A fresh virtual register of class `class`.
    pub fn alloc_vreg(&mut self, class: RegClass) -> Reg {
        let v = VReg::new(self.vcode.num_vregs, class);
        self.vcode.num_vregs += 1;
        Reg::from_virtual(v)
    }

    /// Record that a call needs `size` bytes of stack arguments; the frame reserves
    /// the largest such area.
    pub fn require_outgoing_args(&mut self, size: u32) {
        self.vcode.outgoing_args_size = self.vcode.outgoing_args_size.max(size);
    }

    /// Open the next block (its index is the number of blocks started before).
    pub fn start_block(&mut self, cold: bool) -> Result<u32, VCodeError> {
        if let Some(b) = self.open {
            return Err(VCodeError::BlockStillOpen(b));
        }
        let b = self.vcode.block_insts.len() as u32;
        let n_insts = self.vcode.insts.len() as u32;
        let n_params = self.vcode.block_params.len() as u32;
        self.vcode.block_insts.push(Range32(n_insts, n_insts));
        self.vcode
            .block_param_ranges
            .push(Range32(n_params, n_params));
        self.vcode.block_cold.push(cold);
        self.open = Some(b);
        Ok(b)
    }

    /// Append a parameter to the open block.
    pub fn add_block_param(&mut self, reg: Reg) -> Result<(), VCodeError> {
        let b = self.open.ok_or(VCodeError::NoOpenBlock)?;
        let v = reg.to_virtual().ok_or(VCodeError::RealRegInBlockArgs(b))?;
        self.vcode.block_params.push(v);
        self.vcode.block_param_ranges[b as usize].1 += 1;
        Ok(())
    }

    /// Append an instruction to the open block, recording its operands.
    pub fn push(&mut self, mut inst: I) -> Result<(), VCodeError> {
        let b = self.open.ok_or(VCodeError::NoOpenBlock)?;
        let mut collector = OperandCollector::default();
        inst.get_operands(&mut collector);
        if let Some(problem) = collector.invalid {
            return Err(VCodeError::InvalidOperand {
                inst: self.vcode.insts.len() as u32,
                problem,
            });
        }
        let start = self.vcode.operands.len() as u32;
        self.vcode.operands.extend_from_slice(&collector.operands);
        self.vcode
            .inst_operands
            .push(Range32(start, self.vcode.operands.len() as u32));
        self.vcode.inst_clobbers.push(collector.clobbers);
        self.vcode.insts.push(inst);
        self.vcode.block_insts[b as usize].1 += 1;
        Ok(())
    }

    /// Close the open block. `succs` lists each successor (a block index) with the
    /// arguments passed to its parameters, in the order of the terminator's targets.
    pub fn end_block(&mut self, succs: &[(u32, &[Reg])]) -> Result<(), VCodeError> {
        let b = self.open.take().ok_or(VCodeError::NoOpenBlock)?;
        let start = self.vcode.block_succs.len() as u32;
        for &(succ, args) in succs {
            self.pending_succs.push(succ);
            self.vcode.block_succs.push(Block::new(succ as usize));
            let a0 = self.vcode.branch_args.len() as u32;
            for r in args {
                let v = r.to_virtual().ok_or(VCodeError::RealRegInBlockArgs(b))?;
                self.vcode.branch_args.push(v);
            }
            self.vcode
                .branch_arg_ranges
                .push(Range32(a0, self.vcode.branch_args.len() as u32));
        }
        self.vcode
            .block_succ_ranges
            .push(Range32(start, self.vcode.block_succs.len() as u32));
        Ok(())
    }

    /// Validate (see the module invariants) and compute predecessors.
    pub fn finish(mut self) -> Result<VCode<I>, VCodeError> {
        if let Some(b) = self.open {
            return Err(VCodeError::BlockStillOpen(b));
        }
        let n = self.vcode.block_insts.len();
        if n == 0 {
            return Err(VCodeError::NoBlocks);
        }
        let v = &self.vcode;
        for b in 0..n {
            let r = v.block_insts[b];
            if r.0 == r.1 {
                return Err(VCodeError::MissingTerminator(b as u32));
            }
            for i in r.0..r.1 - 1 {
                if v.insts[i as usize].is_term() != MachTerminator::None {
                    return Err(VCodeError::TerminatorNotLast {
                        block: b as u32,
                        inst: i,
                    });
                }
            }
            let sr = v.block_succ_ranges[b];
            let has_succs = sr.1 > sr.0;
            match v.insts[r.1 as usize - 1].is_term() {
                MachTerminator::None => return Err(VCodeError::MissingTerminator(b as u32)),
                MachTerminator::Branch if !has_succs => {
                    return Err(VCodeError::TerminatorMismatch(b as u32))
                }
                MachTerminator::Ret | MachTerminator::Trap if has_succs => {
                    return Err(VCodeError::TerminatorMismatch(b as u32))
                }
                _ => {}
            }
            for k in sr.0..sr.1 {
                let succ = self.pending_succs[k as usize];
                if succ as usize >= n {
                    return Err(VCodeError::BadSuccessor {
                        block: b as u32,
                        succ,
                    });
                }
                let pr = v.block_param_ranges[succ as usize];
                let ar = v.branch_arg_ranges[k as usize];
                if pr.1 - pr.0 != ar.1 - ar.0 {
                    return Err(VCodeError::BranchArgCount {
                        block: b as u32,
                        succ_idx: k - sr.0,
                        expected: pr.1 - pr.0,
                        got: ar.1 - ar.0,
                    });
                }
            }
        }
        let mut preds: Vec<Vec<Block>> = vec![Vec::new(); n];
        for b in 0..n {
            let sr = self.vcode.block_succ_ranges[b];
            for k in sr.0..sr.1 {
                preds[self.pending_succs[k as usize] as usize].push(Block::new(b));
            }
        }
        for p in preds {
            let s = self.vcode.block_preds.len() as u32;
            self.vcode.block_preds.extend(p);
            self.vcode
                .block_pred_ranges
                .push(Range32(s, self.vcode.block_preds.len() as u32));
        }
        Ok(self.vcode)
    }
}
