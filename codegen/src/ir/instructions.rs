//! Instruction operands: one [`InstructionData`] variant per [`InstructionFormat`].
//!
//! Invariant: the opcode stored in a variant has that variant's format
//! (`opcode.format()` matches); builders and the parser only construct such pairs,
//! and [`InstructionData::format`] reads the variant, not the opcode.

use smallvec::SmallVec;

use super::condcodes::{FloatCC, IntCC};
use super::entities::{Block, FuncRef, GlobalValue, JumpTable, SigRef, StackSlot, Value};
use super::immediates::{Ieee32, Ieee64, Imm64, Offset32};
use super::memflags::MemFlags;
use super::opcodes::{AtomicRmwOp, InstructionFormat, Opcode};
use super::TrapCode;

/// A variable-length list of values (call arguments, return values, block arguments).
pub type ValueList = SmallVec<[Value; 4]>;

/// A branch target with the arguments passed to its block parameters.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct BlockCall {
    /// The target block.
    pub block: Block,
    /// One value per parameter of `block`.
    pub args: ValueList,
}

impl BlockCall {
    /// A call of `block` with `args`.
    pub fn new(block: Block, args: &[Value]) -> Self {
        BlockCall {
            block,
            args: args.iter().copied().collect(),
        }
    }
}

/// The operands of one instruction.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[allow(missing_docs)] // Field names follow the CLIF syntax documented on each format.
pub enum InstructionData {
    Nullary {
        opcode: Opcode,
    },
    Unary {
        opcode: Opcode,
        arg: Value,
    },
    UnaryImm {
        opcode: Opcode,
        imm: Imm64,
    },
    UnaryIeee32 {
        opcode: Opcode,
        imm: Ieee32,
    },
    UnaryIeee64 {
        opcode: Opcode,
        imm: Ieee64,
    },
    UnaryGlobalValue {
        opcode: Opcode,
        global_value: GlobalValue,
    },
    Binary {
        opcode: Opcode,
        args: [Value; 2],
    },
    BinaryImm64 {
        opcode: Opcode,
        arg: Value,
        imm: Imm64,
    },
    Ternary {
        opcode: Opcode,
        args: [Value; 3],
    },
    IntCompare {
        opcode: Opcode,
        cond: IntCC,
        args: [Value; 2],
    },
    IntCompareImm {
        opcode: Opcode,
        cond: IntCC,
        arg: Value,
        imm: Imm64,
    },
    FloatCompare {
        opcode: Opcode,
        cond: FloatCC,
        args: [Value; 2],
    },
    IntAddTrap {
        opcode: Opcode,
        args: [Value; 2],
        code: TrapCode,
    },
    /// `args[0]` is the address.
    Load {
        opcode: Opcode,
        flags: MemFlags,
        arg: Value,
        offset: Offset32,
    },
    /// `args` = [stored value, address].
    Store {
        opcode: Opcode,
        flags: MemFlags,
        args: [Value; 2],
        offset: Offset32,
    },
    LoadNoOffset {
        opcode: Opcode,
        flags: MemFlags,
        arg: Value,
    },
    /// `args` = [stored value, address].
    StoreNoOffset {
        opcode: Opcode,
        flags: MemFlags,
        args: [Value; 2],
    },
    /// `args` = [address, operand].
    AtomicRmw {
        opcode: Opcode,
        flags: MemFlags,
        op: AtomicRmwOp,
        args: [Value; 2],
    },
    /// `args` = [address, expected, replacement].
    AtomicCas {
        opcode: Opcode,
        flags: MemFlags,
        args: [Value; 3],
    },
    StackLoad {
        opcode: Opcode,
        stack_slot: StackSlot,
        offset: Offset32,
    },
    StackStore {
        opcode: Opcode,
        arg: Value,
        stack_slot: StackSlot,
        offset: Offset32,
    },
    Call {
        opcode: Opcode,
        func_ref: FuncRef,
        args: ValueList,
    },
    /// `args[0]` is the callee address, the rest are the call arguments.
    CallIndirect {
        opcode: Opcode,
        sig_ref: SigRef,
        args: ValueList,
    },
    FuncAddr {
        opcode: Opcode,
        func_ref: FuncRef,
    },
    Jump {
        opcode: Opcode,
        destination: BlockCall,
    },
    /// `blocks` = [taken when `arg` is non-zero, taken when zero].
    Brif {
        opcode: Opcode,
        arg: Value,
        blocks: [BlockCall; 2],
    },
    BranchTable {
        opcode: Opcode,
        arg: Value,
        table: JumpTable,
    },
    Trap {
        opcode: Opcode,
        code: TrapCode,
    },
    CondTrap {
        opcode: Opcode,
        arg: Value,
        code: TrapCode,
    },
    MultiAry {
        opcode: Opcode,
        args: ValueList,
    },
}

macro_rules! each_variant {
    ($self:expr, $op:ident => $e:expr) => {
        match $self {
            InstructionData::Nullary { opcode: $op, .. }
            | InstructionData::Unary { opcode: $op, .. }
            | InstructionData::UnaryImm { opcode: $op, .. }
            | InstructionData::UnaryIeee32 { opcode: $op, .. }
            | InstructionData::UnaryIeee64 { opcode: $op, .. }
            | InstructionData::UnaryGlobalValue { opcode: $op, .. }
            | InstructionData::Binary { opcode: $op, .. }
            | InstructionData::BinaryImm64 { opcode: $op, .. }
            | InstructionData::Ternary { opcode: $op, .. }
            | InstructionData::IntCompare { opcode: $op, .. }
            | InstructionData::IntCompareImm { opcode: $op, .. }
            | InstructionData::FloatCompare { opcode: $op, .. }
            | InstructionData::IntAddTrap { opcode: $op, .. }
            | InstructionData::Load { opcode: $op, .. }
            | InstructionData::Store { opcode: $op, .. }
            | InstructionData::LoadNoOffset { opcode: $op, .. }
            | InstructionData::StoreNoOffset { opcode: $op, .. }
            | InstructionData::AtomicRmw { opcode: $op, .. }
            | InstructionData::AtomicCas { opcode: $op, .. }
            | InstructionData::StackLoad { opcode: $op, .. }
            | InstructionData::StackStore { opcode: $op, .. }
            | InstructionData::Call { opcode: $op, .. }
            | InstructionData::CallIndirect { opcode: $op, .. }
            | InstructionData::FuncAddr { opcode: $op, .. }
            | InstructionData::Jump { opcode: $op, .. }
            | InstructionData::Brif { opcode: $op, .. }
            | InstructionData::BranchTable { opcode: $op, .. }
            | InstructionData::Trap { opcode: $op, .. }
            | InstructionData::CondTrap { opcode: $op, .. }
            | InstructionData::MultiAry { opcode: $op, .. } => $e,
        }
    };
}

/// The one table of which format keeps its value operands where: `args` and
/// `args_mut` expand it with the shared or the mutable slice constructors, so the
/// two accessors cannot disagree about a format.
macro_rules! value_operands {
    ($data:expr, $one:path, $none:expr) => {{
        use InstructionData as D;
        match $data {
            D::Unary { arg, .. }
            | D::BinaryImm64 { arg, .. }
            | D::IntCompareImm { arg, .. }
            | D::Load { arg, .. }
            | D::LoadNoOffset { arg, .. }
            | D::StackStore { arg, .. }
            | D::Brif { arg, .. }
            | D::BranchTable { arg, .. }
            | D::CondTrap { arg, .. } => $one(arg),
            D::Binary { args, .. }
            | D::IntCompare { args, .. }
            | D::FloatCompare { args, .. }
            | D::IntAddTrap { args, .. }
            | D::Store { args, .. }
            | D::StoreNoOffset { args, .. }
            | D::AtomicRmw { args, .. } => args,
            D::Ternary { args, .. } | D::AtomicCas { args, .. } => args,
            D::Call { args, .. } | D::CallIndirect { args, .. } | D::MultiAry { args, .. } => args,
            D::Nullary { .. }
            | D::UnaryImm { .. }
            | D::UnaryIeee32 { .. }
            | D::UnaryIeee64 { .. }
            | D::UnaryGlobalValue { .. }
            | D::StackLoad { .. }
            | D::FuncAddr { .. }
            | D::Jump { .. }
            | D::Trap { .. } => $none,
        }
    }};
}

impl InstructionData {
    /// The opcode.
    pub fn opcode(&self) -> Opcode {
        each_variant!(self, op => *op)
    }

    /// The format of this variant.
    pub fn format(&self) -> InstructionFormat {
        use InstructionData as D;
        use InstructionFormat as F;
        match self {
            D::Nullary { .. } => F::Nullary,
            D::Unary { .. } => F::Unary,
            D::UnaryImm { .. } => F::UnaryImm,
            D::UnaryIeee32 { .. } => F::UnaryIeee32,
            D::UnaryIeee64 { .. } => F::UnaryIeee64,
            D::UnaryGlobalValue { .. } => F::UnaryGlobalValue,
            D::Binary { .. } => F::Binary,
            D::BinaryImm64 { .. } => F::BinaryImm64,
            D::Ternary { .. } => F::Ternary,
            D::IntCompare { .. } => F::IntCompare,
            D::IntCompareImm { .. } => F::IntCompareImm,
            D::FloatCompare { .. } => F::FloatCompare,
            D::IntAddTrap { .. } => F::IntAddTrap,
            D::Load { .. } => F::Load,
            D::Store { .. } => F::Store,
            D::LoadNoOffset { .. } => F::LoadNoOffset,
            D::StoreNoOffset { .. } => F::StoreNoOffset,
            D::AtomicRmw { .. } => F::AtomicRmw,
            D::AtomicCas { .. } => F::AtomicCas,
            D::StackLoad { .. } => F::StackLoad,
            D::StackStore { .. } => F::StackStore,
            D::Call { .. } => F::Call,
            D::CallIndirect { .. } => F::CallIndirect,
            D::FuncAddr { .. } => F::FuncAddr,
            D::Jump { .. } => F::Jump,
            D::Brif { .. } => F::Brif,
            D::BranchTable { .. } => F::BranchTable,
            D::Trap { .. } => F::Trap,
            D::CondTrap { .. } => F::CondTrap,
            D::MultiAry { .. } => F::MultiAry,
        }
    }

    /// The value operands, excluding branch arguments (see [`Self::branch_calls`]).
    pub fn args(&self) -> &[Value] {
        value_operands!(self, core::slice::from_ref, &[])
    }

    /// Mutable access to the value operands, excluding branch arguments.
    pub fn args_mut(&mut self) -> &mut [Value] {
        value_operands!(self, core::slice::from_mut, &mut [])
    }

    /// The block calls of a `jump` or `brif` (a `br_table` keeps its targets in a
    /// [`super::JumpTableData`]; use [`super::Function::branch_destinations`]).
    pub fn branch_calls(&self) -> &[BlockCall] {
        match self {
            InstructionData::Jump { destination, .. } => core::slice::from_ref(destination),
            InstructionData::Brif { blocks, .. } => blocks,
            _ => &[],
        }
    }

    /// Mutable access to the block calls of a `jump` or `brif`.
    pub fn branch_calls_mut(&mut self) -> &mut [BlockCall] {
        match self {
            InstructionData::Jump { destination, .. } => core::slice::from_mut(destination),
            InstructionData::Brif { blocks, .. } => blocks,
            _ => &mut [],
        }
    }

    /// The trap code, for instructions that carry one.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match self {
            InstructionData::Trap { code, .. }
            | InstructionData::CondTrap { code, .. }
            | InstructionData::IntAddTrap { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The memory flags, for memory accesses.
    pub fn mem_flags(&self) -> Option<MemFlags> {
        match self {
            InstructionData::Load { flags, .. }
            | InstructionData::Store { flags, .. }
            | InstructionData::LoadNoOffset { flags, .. }
            | InstructionData::StoreNoOffset { flags, .. }
            | InstructionData::AtomicRmw { flags, .. }
            | InstructionData::AtomicCas { flags, .. } => Some(*flags),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_entity::EntityRef;

    #[test]
    fn accessors_see_operands() {
        let v = |n| Value::new(n);
        let cases: [(InstructionData, Opcode, usize, usize); 4] = [
            (
                InstructionData::Binary {
                    opcode: Opcode::Iadd,
                    args: [v(0), v(1)],
                },
                Opcode::Iadd,
                2,
                0,
            ),
            (
                InstructionData::Brif {
                    opcode: Opcode::Brif,
                    arg: v(0),
                    blocks: [
                        BlockCall::new(Block::new(1), &[v(2)]),
                        BlockCall::new(Block::new(2), &[]),
                    ],
                },
                Opcode::Brif,
                1,
                2,
            ),
            (
                InstructionData::MultiAry {
                    opcode: Opcode::Return,
                    args: ValueList::new(),
                },
                Opcode::Return,
                0,
                0,
            ),
            (
                InstructionData::Trap {
                    opcode: Opcode::Trap,
                    code: TrapCode::INTEGER_OVERFLOW,
                },
                Opcode::Trap,
                0,
                0,
            ),
        ];
        for (data, op, nargs, ncalls) in cases {
            assert_eq!(data.opcode(), op);
            assert_eq!(data.format(), op.format());
            assert_eq!(data.args().len(), nargs);
            assert_eq!(data.branch_calls().len(), ncalls);
        }
    }
}
