//! A function: signature, preamble declarations, data-flow graph and layout.

use cranelift_entity::PrimaryMap;
use smallvec::SmallVec;

use super::dfg::DataFlowGraph;
use super::entities::{Block, FuncRef, GlobalValue, Inst, JumpTable, SigRef, StackSlot};
use super::entities_data::{GlobalValueData, JumpTableData, StackSlotData};
use super::extfunc::{ExtFuncData, ExternalName, Signature};
use super::instructions::{BlockCall, InstructionData};
use super::layout::Layout;
use super::opcodes::{Ctrl, Results};
use super::types::Type;

/// Result types of one instruction (most have at most two).
pub type ResultTypes = SmallVec<[Type; 2]>;

/// Why an instruction's result types cannot be computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResultTypeError {
    /// The opcode needs a controlling type and none was given.
    MissingCtrlType,
    /// The controlling type is not allowed for this opcode.
    BadCtrlType(Type),
    /// The call names a function or signature that is not declared.
    UnknownCallee,
}

/// One function in CLIF form.
#[derive(Clone, Debug, Default)]
pub struct Function {
    /// Its name (`%name` or `u0:1`).
    pub name: ExternalName,
    /// Its own signature.
    pub signature: Signature,
    /// Instructions and values.
    pub dfg: DataFlowGraph,
    /// Block and instruction order.
    pub layout: Layout,
    /// `ssN` declarations.
    pub stack_slots: PrimaryMap<StackSlot, StackSlotData>,
    /// `gvN` declarations.
    pub global_values: PrimaryMap<GlobalValue, GlobalValueData>,
    /// `fnN` declarations.
    pub ext_funcs: PrimaryMap<FuncRef, ExtFuncData>,
    /// `sigN` declarations.
    pub sigs: PrimaryMap<SigRef, Signature>,
    /// Targets of the `br_table`s.
    pub jump_tables: PrimaryMap<JumpTable, JumpTableData>,
}

impl Function {
    /// An empty function.
    pub fn new(name: ExternalName, signature: Signature) -> Self {
        Function {
            name,
            signature,
            ..Function::default()
        }
    }

    /// The signature a call instruction uses, if it is a call with declared callee.
    pub fn call_signature(&self, data: &InstructionData) -> Option<&Signature> {
        match data {
            InstructionData::Call { func_ref, .. } => {
                let ext = self.ext_funcs.get(*func_ref)?;
                self.sigs.get(ext.signature)
            }
            InstructionData::CallIndirect { sig_ref, .. } => self.sigs.get(*sig_ref),
            _ => None,
        }
    }

    /// The result types `data` has with controlling type `ctrl` (the opcode table's
    /// result rule applied).
    pub fn result_types(
        &self,
        data: &InstructionData,
        ctrl: Option<Type>,
    ) -> Result<ResultTypes, ResultTypeError> {
        let info = data.opcode().info();
        let ctrl = match info.ctrl {
            Ctrl::None => None,
            Ctrl::Operand(_) | Ctrl::Explicit => {
                let t = ctrl.ok_or(ResultTypeError::MissingCtrlType)?;
                if !info.ctrl_types.contains(t) {
                    return Err(ResultTypeError::BadCtrlType(t));
                }
                Some(t)
            }
        };
        let need = || ctrl.ok_or(ResultTypeError::MissingCtrlType);
        let mut out = ResultTypes::new();
        match info.results {
            Results::None => {}
            Results::Ctrl => out.push(need()?),
            Results::I8 => out.push(Type::I8),
            Results::CtrlAndI8 => out.extend([need()?, Type::I8]),
            Results::Fixed(t) => out.push(t),
            Results::DoubleWidth => {
                let t = need()?;
                out.push(t.double_width().ok_or(ResultTypeError::BadCtrlType(t))?);
            }
            Results::HalfPair => {
                let t = need()?;
                let h = t.half_width().ok_or(ResultTypeError::BadCtrlType(t))?;
                out.extend([h, h]);
            }
            Results::CallReturns => {
                let sig = self
                    .call_signature(data)
                    .ok_or(ResultTypeError::UnknownCallee)?;
                out.extend(sig.returns.iter().map(|p| p.value_type));
            }
        }
        Ok(out)
    }

    /// Create an instruction with its results (typed by [`Self::result_types`]) and
    /// append it to `block`, which must be in the layout. The convenience builders and
    /// tests use; the parser attaches the value numbers it reads instead.
    pub fn append_inst(
        &mut self,
        block: Block,
        data: InstructionData,
        ctrl: Option<Type>,
    ) -> Result<Inst, ResultTypeError> {
        let types = self.result_types(&data, ctrl)?;
        let inst = self.dfg.make_inst(data);
        for t in types {
            self.dfg.append_inst_result(inst, t);
        }
        self.layout.append_inst(inst, block);
        Ok(inst)
    }

    /// The controlling type of an instruction already in the DFG: the suffix type for
    /// [`Ctrl::Explicit`] opcodes (their first result), or the type of the operand the
    /// table names.
    pub fn ctrl_type(&self, inst: Inst) -> Option<Type> {
        let data = &self.dfg[inst];
        match data.opcode().info().ctrl {
            Ctrl::None => None,
            Ctrl::Explicit => self
                .dfg
                .inst_results(inst)
                .first()
                .and_then(|&v| self.dfg.value_type(v)),
            Ctrl::Operand(n) => data
                .args()
                .get(usize::from(n))
                .and_then(|&v| self.dfg.value_type(v)),
        }
    }

    /// Every block call of a branch instruction (`br_table` default first, then its
    /// entries). Empty for non-branches and for unknown jump tables.
    pub fn branch_destinations(&self, inst: Inst) -> SmallVec<[&BlockCall; 2]> {
        match &self.dfg[inst] {
            InstructionData::BranchTable { table, .. } => self
                .jump_tables
                .get(*table)
                .map(|jt| jt.all_branches().collect())
                .unwrap_or_default(),
            data => data.branch_calls().iter().collect(),
        }
    }
}
