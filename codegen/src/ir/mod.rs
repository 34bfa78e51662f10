//! The intermediate representation: SSA with block parameters, modelled on CLIF.
//!
//! A [`Function`] owns its preamble declarations (stack slots, global values,
//! signatures, external functions, jump tables), a [`DataFlowGraph`] (instructions,
//! values, block parameters) and a [`Layout`] (the order of blocks and instructions).
//! Entities are `u32` indices into `cranelift-entity` maps ([`entities`]).
//!
//! Every opcode's properties come from one table ([`opcodes`]); the printer
//! ([`mod@write`]), the parser ([`crate::text`]) and the verifier all read it, so they
//! cannot disagree about an opcode's operands or result types.
//!
//! Text form: `Display for Function` prints canonical CLIF, which
//! [`crate::text::parse_functions`] reads back to an identical printout.

mod condcodes;
mod dfg;
pub mod entities;
mod entities_data;
mod extfunc;
mod function;
mod immediates;
mod instructions;
mod layout;
mod memflags;
pub mod opcodes;
mod trapcode;
mod types;
pub mod write;

pub use condcodes::{FloatCC, IntCC};
pub use dfg::{AttachError, DataFlowGraph, ValueDef};
pub use entities::{
    AnyEntity, Block, Constant, FuncRef, GlobalValue, Inst, JumpTable, SigRef, StackSlot, Value,
};
pub use entities_data::{GlobalValueData, JumpTableData, StackSlotData};
pub use extfunc::{
    AbiParam, ArgumentExtension, ArgumentPurpose, CallConv, ExtFuncData, ExternalName, Signature,
};
pub use function::{Function, ResultTypeError, ResultTypes};
pub use immediates::{parse_int, FloatError, Ieee32, Ieee64, Imm64, IntError, Offset32};
pub use instructions::{BlockCall, InstructionData, ValueList};
pub use layout::Layout;
pub use memflags::{MemFlagError, MemFlags};
pub use opcodes::{AtomicRmwOp, Ctrl, InstructionFormat, Opcode, OpcodeInfo, Results, TypeSet};
pub use trapcode::TrapCode;
pub use types::{Type, ALL_TYPES};
pub use write::display_inst;
