//! The lowering context: drives an ISA's lowering rules over an IR function and
//! builds its [`VCode`].
//!
//! The framework owns everything that is the same on every ISA: the block order
//! (critical edges split, see [`BlockOrder`]), one set of virtual registers per IR
//! value (as many as `MachInst::rc_for_type` says, so an `i128` has two), block
//! parameters, branch arguments, and the edge blocks (a jump carrying the edge's
//! arguments). The ISA implements [`LowerBackend`]: how to define the function
//! arguments, how to lower one instruction, and how to lower a branch given the
//! labels of its destinations.
//!
//! Invariants of the produced VCode, on top of [`VCode`]'s own:
//! - VCode block `i` is lowered block `i` of the returned [`BlockOrder`];
//! - the entry block has no VCode block parameters: its IR parameters are defined
//!   by whatever [`LowerBackend::lower_args`] emits (fixed defs in argument
//!   registers), as regalloc2 allows no live-ins at the entry;
//! - a branch whose destination is an edge block passes no arguments; the edge
//!   block's jump passes them, so regalloc2 places the moves on that edge only.
//!
//! Instructions are lowered in layout order, one at a time; merging an operand's
//! producer into its consumer (address modes, compare-and-branch) is left to the
//! ISA rules, which can inspect the DFG through [`Lower::func`] but must still
//! lower every instruction.

use smallvec::SmallVec;

use super::{
    BlockOrder, BlockOrderError, LoweredBlock, MachInst, Reg, RegClass, VCode, VCodeBuilder,
    VCodeError, Writable,
};
use crate::buffer::MachLabel;
use crate::ir::{Block, Function, Inst, InstructionData, Opcode, Type, Value, ValueDef};
use cranelift_entity::EntityRef;

/// The registers holding one IR value (low part first).
pub type ValueRegs = SmallVec<[Reg; 2]>;

/// Why a function could not be lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerError {
    /// The CFG is malformed (a branch to a nonexistent block, no entry).
    BlockOrder(BlockOrderError),
    /// The produced VCode is malformed (a rule emitted no terminator, ...).
    VCode(VCodeError),
    /// The target cannot hold values of this type.
    UnsupportedType {
        /// The value.
        value: Value,
        /// Its type.
        ty: Type,
    },
    /// A value is used that has no type or was never defined.
    UndefinedValue(Value),
    /// A value holding several registers was used where one register is needed.
    NotSingleReg(Value),
    /// An instruction asked for a result it does not have.
    NoSuchResult {
        /// The instruction.
        inst: Inst,
        /// The result index.
        index: usize,
    },
    /// A reachable block has no instructions.
    EmptyBlock(Block),
    /// The ISA has no rule for this opcode at this controlling type.
    UnsupportedOnType {
        /// The instruction.
        inst: Inst,
        /// Its opcode.
        opcode: Opcode,
        /// Its controlling type.
        ty: Type,
    },
    /// The ISA has no rule for this instruction.
    Unsupported {
        /// The instruction.
        inst: Inst,
        /// Its opcode.
        opcode: Opcode,
    },
}

impl core::fmt::Display for LowerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LowerError::BlockOrder(e) => write!(f, "{e}"),
            LowerError::VCode(e) => write!(f, "{e}"),
            LowerError::UnsupportedType { value, ty } => {
                write!(
                    f,
                    "{value}: type {} is not supported by this target",
                    ty.name()
                )
            }
            LowerError::UndefinedValue(v) => write!(f, "{v} is used but has no definition or type"),
            LowerError::NotSingleReg(v) => {
                write!(f, "{v} needs several registers where one was expected")
            }
            LowerError::NoSuchResult { inst, index } => write!(f, "{inst} has no result #{index}"),
            LowerError::EmptyBlock(b) => write!(f, "{b} has no instructions"),
            LowerError::UnsupportedOnType { inst, opcode, ty } => {
                write!(
                    f,
                    "{inst}: `{} on {}` cannot be lowered for this target",
                    opcode.name(),
                    ty.name()
                )
            }
            LowerError::Unsupported { inst, opcode } => {
                write!(
                    f,
                    "{inst}: `{}` cannot be lowered for this target",
                    opcode.name()
                )
            }
        }
    }
}

impl std::error::Error for LowerError {}

impl From<VCodeError> for LowerError {
    fn from(e: VCodeError) -> Self {
        LowerError::VCode(e)
    }
}

/// An ISA's lowering rules.
pub trait LowerBackend {
    /// The ISA's instruction type.
    type MInst: MachInst;

    /// Emit what defines the entry block's parameters (the function arguments),
    /// at the start of the entry block.
    fn lower_args(
        &self,
        ctx: &mut Lower<'_, Self::MInst>,
        params: &[Value],
    ) -> Result<(), LowerError>;

    /// Lower `inst`, which is not a branch (returns and traps included).
    fn lower_inst(&self, ctx: &mut Lower<'_, Self::MInst>, inst: Inst) -> Result<(), LowerError>;

    /// Lower the branch `inst` that ends a block. `targets[i]` is the label of its
    /// `i`-th destination in `Function::branch_destinations` order; the branch
    /// arguments are not the rule's business.
    fn lower_branch(
        &self,
        ctx: &mut Lower<'_, Self::MInst>,
        inst: Inst,
        targets: &[MachLabel],
    ) -> Result<(), LowerError>;
}

/// The state lowering rules see: the function, value registers, and the VCode
/// being built.
pub struct Lower<'f, I: MachInst> {
    func: &'f Function,
    builder: VCodeBuilder<I>,
    /// Registers of each value, indexed by value number; empty when untyped.
    value_regs: Vec<ValueRegs>,
    /// Uses of each value (instruction arguments and branch arguments), and the
    /// instruction of its only use when there is exactly one.
    uses: Vec<(u32, Option<Inst>)>,
}

impl<'f, I: MachInst> Lower<'f, I> {
    fn new(func: &'f Function) -> Result<Self, LowerError> {
        let mut builder = VCodeBuilder::new();
        let mut value_regs = vec![ValueRegs::new(); func.dfg.num_values()];
        for v in func.dfg.values() {
            let Some(ty) = func.dfg.value_type(v) else {
                continue;
            };
            let (classes, _) =
                I::rc_for_type(ty).map_err(|_| LowerError::UnsupportedType { value: v, ty })?;
            if let Some(slot) = value_regs.get_mut(v.index()) {
                *slot = classes.iter().map(|&c| builder.alloc_vreg(c)).collect();
            }
        }
        let mut uses = vec![(0u32, None); func.dfg.num_values()];
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let data = &func.dfg[inst];
                let branch_args = func
                    .branch_destinations(inst)
                    .into_iter()
                    .flat_map(|c| c.args.iter());
                for &v in data.args().iter().chain(branch_args) {
                    if let Some(u) = uses.get_mut(v.index()) {
                        u.0 += 1;
                        u.1 = if u.0 == 1 { Some(inst) } else { None };
                    }
                }
            }
        }
        Ok(Lower {
            func,
            builder,
            value_regs,
            uses,
        })
    }

    /// How many times `v` is used (as an instruction or branch argument).
    pub fn use_count(&self, v: Value) -> u32 {
        self.uses.get(v.index()).map_or(0, |u| u.0)
    }

    /// The instruction of `v`'s only use, when it has exactly one. Rules use this to
    /// merge a producer into its consumer (compare into branch, address into load):
    /// the producer's rule emits nothing and the consumer's rule re-reads its inputs,
    /// which are still live because the IR is SSA.
    pub fn sole_user(&self, v: Value) -> Option<Inst> {
        self.uses.get(v.index()).and_then(|u| u.1)
    }

    /// The instruction defining `v`, if it is an instruction result.
    pub fn def_inst(&self, v: Value) -> Option<Inst> {
        match self.func.dfg.value_def(v) {
            ValueDef::Result(inst, _) => Some(inst),
            _ => None,
        }
    }

    /// The constant `v` holds when an `iconst` defines it.
    pub fn iconst_value(&self, v: Value) -> Option<i64> {
        let inst = self.def_inst(v)?;
        match self.func.dfg[inst] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => Some(imm.0),
            _ => None,
        }
    }

    /// The function being lowered.
    pub fn func(&self) -> &'f Function {
        self.func
    }

    /// The type of `v`.
    pub fn value_type(&self, v: Value) -> Result<Type, LowerError> {
        self.func
            .dfg
            .value_type(v)
            .ok_or(LowerError::UndefinedValue(v))
    }

    /// The error for an instruction no rule of the backend covers.
    pub fn unsupported(&self, inst: Inst) -> LowerError {
        LowerError::Unsupported {
            inst,
            opcode: self.func.dfg[inst].opcode(),
        }
    }

    /// The error for a function whose own signature the backend cannot assign
    /// (arguments or results it cannot place): it names the first entry-block
    /// parameter, the value a user can find in the listing.
    pub fn signature_error(&self) -> LowerError {
        let entry = self.func.layout.entry_block();
        match entry.and_then(|b| self.func.dfg.block_params(b).first().copied()) {
            Some(v) => LowerError::UnsupportedType {
                value: v,
                ty: self.value_type(v).unwrap_or(Type::I64),
            },
            None => LowerError::VCode(VCodeError::NoBlocks),
        }
    }

    /// The type of result `index` of `inst`.
    pub fn result_type(&self, inst: Inst, index: usize) -> Result<Type, LowerError> {
        let v = *self
            .func
            .dfg
            .inst_results(inst)
            .get(index)
            .ok_or(LowerError::NoSuchResult { inst, index })?;
        self.value_type(v)
    }

    /// The controlling type of `inst`: its first result's, else its first argument's
    /// (stores, branches, traps have no result).
    pub fn ctrl_type(&self, inst: Inst) -> Result<Type, LowerError> {
        if let Ok(t) = self.result_type(inst, 0) {
            return Ok(t);
        }
        let v = *self.func.dfg[inst]
            .args()
            .first()
            .ok_or_else(|| self.unsupported(inst))?;
        self.value_type(v)
    }

    /// The constant `v` holds, when an `iconst` defines it, so a rule can pick an
    /// immediate form (the `iconst` itself is still lowered: this context does no
    /// dead-code elimination).
    pub fn value_as_iconst(&self, v: Value) -> Option<i64> {
        match self.func.dfg.value_def(v) {
            ValueDef::Result(inst, 0) => match self.func.dfg[inst] {
                InstructionData::UnaryImm {
                    opcode: Opcode::Iconst,
                    imm,
                } => Some(imm.0),
                _ => None,
            },
            _ => None,
        }
    }

    /// The registers of `v`.
    pub fn value_regs(&self, v: Value) -> Result<&[Reg], LowerError> {
        match self.value_regs.get(v.index()) {
            Some(r) if !r.is_empty() => Ok(r),
            _ => Err(LowerError::UndefinedValue(v)),
        }
    }

    /// The one register of `v` (an error for multi-register values).
    pub fn put_in_reg(&self, v: Value) -> Result<Reg, LowerError> {
        match self.value_regs(v)? {
            [r] => Ok(*r),
            _ => Err(LowerError::NotSingleReg(v)),
        }
    }

    /// The registers result `index` of `inst` must be written to.
    pub fn output_regs(
        &self,
        inst: Inst,
        index: usize,
    ) -> Result<SmallVec<[Writable<Reg>; 2]>, LowerError> {
        let v = *self
            .func
            .dfg
            .inst_results(inst)
            .get(index)
            .ok_or(LowerError::NoSuchResult { inst, index })?;
        Ok(self
            .value_regs(v)?
            .iter()
            .map(|&r| Writable::from_reg(r))
            .collect())
    }

    /// The one register result `index` of `inst` must be written to.
    pub fn output_reg(&self, inst: Inst, index: usize) -> Result<Writable<Reg>, LowerError> {
        let v = *self
            .func
            .dfg
            .inst_results(inst)
            .get(index)
            .ok_or(LowerError::NoSuchResult { inst, index })?;
        Ok(Writable::from_reg(self.put_in_reg(v)?))
    }

    /// A fresh temporary register.
    pub fn alloc_tmp(&mut self, class: RegClass) -> Writable<Reg> {
        Writable::from_reg(self.builder.alloc_vreg(class))
    }

    /// Record that a call needs `size` bytes of outgoing stack arguments.
    pub fn require_outgoing_args(&mut self, size: u32) {
        self.builder.require_outgoing_args(size);
    }

    /// Append a machine instruction to the current block.
    pub fn emit(&mut self, inst: I) -> Result<(), LowerError> {
        Ok(self.builder.push(inst)?)
    }

    /// Flattened registers of a list of values (branch arguments).
    fn regs_of(&self, values: &[Value]) -> Result<Vec<Reg>, LowerError> {
        let mut out = Vec::with_capacity(values.len());
        for &v in values {
            out.extend_from_slice(self.value_regs(v)?);
        }
        Ok(out)
    }
}

/// Lower `func` with `backend`'s rules. Returns the VCode and the block order it
/// follows.
pub fn lower_function<B: LowerBackend>(
    func: &Function,
    backend: &B,
) -> Result<(VCode<B::MInst>, BlockOrder), LowerError> {
    let order = BlockOrder::new(func).map_err(LowerError::BlockOrder)?;
    let mut ctx = Lower::<B::MInst>::new(func)?;
    for (li, lb) in order.lowered_order().iter().enumerate() {
        let li = li as u32;
        ctx.builder.start_block(order.is_cold(li))?;
        match *lb {
            LoweredBlock::Orig { block } => {
                lower_orig_block(&mut ctx, backend, &order, li, Block::new(block as usize))?
            }
            LoweredBlock::Edge { pred, succ_idx, .. } => {
                let last = func
                    .layout
                    .last_inst(Block::new(pred as usize))
                    .ok_or(LowerError::EmptyBlock(Block::new(pred as usize)))?;
                let dests = func.branch_destinations(last);
                let args = match dests.get(succ_idx as usize) {
                    Some(call) => ctx.regs_of(&call.args)?,
                    None => Vec::new(),
                };
                let target = order.succs(li)[0];
                ctx.emit(B::MInst::gen_jump(BlockOrder::label(target)))?;
                ctx.builder.end_block(&[(target, &args)])?;
            }
        }
    }
    Ok((ctx.builder.finish()?, order))
}

fn lower_orig_block<B: LowerBackend>(
    ctx: &mut Lower<'_, B::MInst>,
    backend: &B,
    order: &BlockOrder,
    li: u32,
    block: Block,
) -> Result<(), LowerError> {
    let func = ctx.func;
    let params = func.dfg.block_params(block);
    if li == 0 {
        backend.lower_args(ctx, params)?;
    } else {
        for r in ctx.regs_of(params)? {
            ctx.builder.add_block_param(r)?;
        }
    }
    let last = func
        .layout
        .last_inst(block)
        .ok_or(LowerError::EmptyBlock(block))?;
    for inst in func.layout.block_insts(block).filter(|&i| i != last) {
        backend.lower_inst(ctx, inst)?;
    }
    let dests = func.branch_destinations(last);
    if dests.is_empty() {
        backend.lower_inst(ctx, last)?;
        ctx.builder.end_block(&[])?;
        return Ok(());
    }
    let succs = order.succs(li);
    let targets: Vec<MachLabel> = succs.iter().map(|&s| BlockOrder::label(s)).collect();
    backend.lower_branch(ctx, last, &targets)?;
    let mut args: Vec<Vec<Reg>> = Vec::with_capacity(dests.len());
    for (call, &s) in dests.iter().zip(succs) {
        let is_edge = matches!(order.lowered_order()[s as usize], LoweredBlock::Edge { .. });
        args.push(if is_edge {
            Vec::new()
        } else {
            ctx.regs_of(&call.args)?
        });
    }
    let succ_list: Vec<(u32, &[Reg])> =
        succs.iter().zip(&args).map(|(&s, a)| (s, &a[..])).collect();
    ctx.builder.end_block(&succ_list)?;
    Ok(())
}
