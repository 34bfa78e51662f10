//! The data-flow graph: instructions, their results, block parameters and values.
//!
//! Invariants:
//! - every value is defined exactly once, by an instruction result or a block
//!   parameter, or is an *unused number* (a hole the parser left so that `v10` in the
//!   text stays `v10`); unused numbers are never referenced by a valid function;
//! - `value_def` and the result/parameter lists agree: if `v` is result `i` of `inst`
//!   then `inst_results(inst)[i] == v`, and likewise for block parameters.
//!
//! The order of blocks and instructions is not stored here but in [`super::Layout`].

use core::ops::{Index, IndexMut};

use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

use super::entities::{Block, Inst, Value};
use super::instructions::{InstructionData, ValueList};
use super::types::Type;

/// Where a value comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueDef {
    /// Result number `n` of an instruction.
    Result(Inst, usize),
    /// Parameter number `n` of a block.
    Param(Block, usize),
    /// A number reserved by the parser and never defined.
    Unused,
}

#[derive(Clone, Copy, Debug)]
enum ValueData {
    Result { ty: Type, inst: Inst, num: u16 },
    Param { ty: Type, block: Block, num: u16 },
    Unused,
}

/// Why a value could not be attached (parser use).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttachError {
    /// The value is already defined elsewhere.
    AlreadyDefined,
    /// More than 65535 results or parameters on one entity.
    TooMany,
}

/// Instructions, values and block parameters of one function.
#[derive(Clone, Debug, Default)]
pub struct DataFlowGraph {
    insts: PrimaryMap<Inst, InstructionData>,
    results: SecondaryMap<Inst, ValueList>,
    block_params: PrimaryMap<Block, ValueList>,
    values: PrimaryMap<Value, ValueData>,
}

impl DataFlowGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of instructions created (inserted in the layout or not).
    pub fn num_insts(&self) -> usize {
        self.insts.len()
    }

    /// Number of blocks created.
    pub fn num_blocks(&self) -> usize {
        self.block_params.len()
    }

    /// Number of value numbers allocated, including unused ones.
    pub fn num_values(&self) -> usize {
        self.values.len()
    }

    /// Is `inst` a valid instruction reference?
    pub fn inst_is_valid(&self, inst: Inst) -> bool {
        self.insts.is_valid(inst)
    }

    /// Is `block` a valid block reference?
    pub fn block_is_valid(&self, block: Block) -> bool {
        self.block_params.is_valid(block)
    }

    /// Is `v` a defined value (not out of range, not an unused number)?
    pub fn value_is_valid(&self, v: Value) -> bool {
        self.values
            .get(v)
            .is_some_and(|d| !matches!(d, ValueData::Unused))
    }

    /// Create a block with no parameters.
    pub fn make_block(&mut self) -> Block {
        self.block_params.push(ValueList::new())
    }

    /// Make sure block numbers up to and including `block` exist.
    pub fn ensure_block(&mut self, block: Block) {
        while self.block_params.len() <= block.index() {
            self.make_block();
        }
    }

    /// Create an instruction (not yet in the layout, no results yet).
    pub fn make_inst(&mut self, data: InstructionData) -> Inst {
        let inst = self.insts.push(data);
        self.results[inst] = ValueList::new();
        inst
    }

    /// Append a result of type `ty` to `inst`.
    pub fn append_inst_result(&mut self, inst: Inst, ty: Type) -> Value {
        let num = self.results[inst].len() as u16;
        let v = self.values.push(ValueData::Result { ty, inst, num });
        self.results[inst].push(v);
        v
    }

    /// Append a parameter of type `ty` to `block`.
    pub fn append_block_param(&mut self, block: Block, ty: Type) -> Value {
        let num = self.block_params[block].len() as u16;
        let v = self.values.push(ValueData::Param { ty, block, num });
        self.block_params[block].push(v);
        v
    }

    /// Make sure value numbers up to and including `v` exist (as unused numbers).
    pub fn ensure_value(&mut self, v: Value) {
        while self.values.len() <= v.index() {
            self.values.push(ValueData::Unused);
        }
    }

    /// The checks both `attach_*` share: `v` exists and is still unused, and the list
    /// it joins (now `len` long) can number one more entry in a `u16`. Returns that
    /// number; nothing is changed on error beyond growing the value table.
    fn claim_unused(&mut self, v: Value, len: usize) -> Result<u16, AttachError> {
        self.ensure_value(v);
        if !matches!(self.values[v], ValueData::Unused) {
            return Err(AttachError::AlreadyDefined);
        }
        u16::try_from(len).map_err(|_| AttachError::TooMany)
    }

    /// Define the unused number `v` as the next result of `inst` (parser use: keeps
    /// the number written in the text).
    pub fn attach_inst_result(
        &mut self,
        inst: Inst,
        v: Value,
        ty: Type,
    ) -> Result<(), AttachError> {
        let num = self.claim_unused(v, self.results[inst].len())?;
        self.values[v] = ValueData::Result { ty, inst, num };
        self.results[inst].push(v);
        Ok(())
    }

    /// Define the unused number `v` as the next parameter of `block` (parser use).
    pub fn attach_block_param(
        &mut self,
        block: Block,
        v: Value,
        ty: Type,
    ) -> Result<(), AttachError> {
        let num = self.claim_unused(v, self.block_params[block].len())?;
        self.values[v] = ValueData::Param { ty, block, num };
        self.block_params[block].push(v);
        Ok(())
    }

    /// The type of a defined value; `None` for unused or out-of-range numbers.
    pub fn value_type(&self, v: Value) -> Option<Type> {
        match self.values.get(v)? {
            ValueData::Result { ty, .. } | ValueData::Param { ty, .. } => Some(*ty),
            ValueData::Unused => None,
        }
    }

    /// Where `v` is defined. Out-of-range numbers report [`ValueDef::Unused`].
    pub fn value_def(&self, v: Value) -> ValueDef {
        match self.values.get(v) {
            Some(ValueData::Result { inst, num, .. }) => ValueDef::Result(*inst, usize::from(*num)),
            Some(ValueData::Param { block, num, .. }) => ValueDef::Param(*block, usize::from(*num)),
            Some(ValueData::Unused) | None => ValueDef::Unused,
        }
    }

    /// The results of `inst`.
    pub fn inst_results(&self, inst: Inst) -> &[Value] {
        &self.results[inst]
    }

    /// The parameters of `block`.
    pub fn block_params(&self, block: Block) -> &[Value] {
        &self.block_params[block]
    }

    /// Every instruction created, in creation order.
    pub fn insts(&self) -> impl Iterator<Item = (Inst, &InstructionData)> {
        self.insts.iter()
    }

    /// Every defined value, in number order.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.values.keys().filter(|&v| self.value_is_valid(v))
    }
}

impl Index<Inst> for DataFlowGraph {
    type Output = InstructionData;
    fn index(&self, inst: Inst) -> &InstructionData {
        &self.insts[inst]
    }
}

impl IndexMut<Inst> for DataFlowGraph {
    fn index_mut(&mut self, inst: Inst) -> &mut InstructionData {
        &mut self.insts[inst]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Opcode;

    #[test]
    fn results_params_and_holes() {
        let mut dfg = DataFlowGraph::new();
        let b = dfg.make_block();
        let p = dfg.append_block_param(b, Type::I32);
        let inst = dfg.make_inst(InstructionData::Binary {
            opcode: Opcode::Iadd,
            args: [p, p],
        });
        let v10 = Value::new(10);
        assert_eq!(dfg.attach_inst_result(inst, v10, Type::I32), Ok(()));
        assert_eq!(
            dfg.attach_inst_result(inst, v10, Type::I32),
            Err(AttachError::AlreadyDefined)
        );
        assert_eq!(dfg.value_def(p), ValueDef::Param(b, 0));
        assert_eq!(dfg.value_def(v10), ValueDef::Result(inst, 0));
        assert_eq!(dfg.value_def(Value::new(5)), ValueDef::Unused);
        assert_eq!(dfg.value_type(Value::new(99)), None);
        assert_eq!(dfg.values().collect::<Vec<_>>(), vec![p, v10]);
        assert_eq!(dfg.inst_results(inst), &[v10]);
    }
}
