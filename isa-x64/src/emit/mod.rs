//! Encoding: `Inst::emit` writes one instruction's bytes into a [`CodeSink`].
//!
//! Emission is total: operand types only hold encodable values, so the only failure
//! is a broken register-allocation invariant (a virtual register, or a two-address
//! `dst` different from its `src1`), which is a compiler bug and asserted in debug
//! builds. Label references are written as placeholders and recorded with
//! `use_label_at_offset` (`JmpRel32` for rel32 branches, `PCRel32` for RIP-relative
//! operands); calls to other functions record an `X86CallPCRel4` relocation.
//!
//! One file per family: `enc` (prefix/REX/ModRM/SIB machinery), `control`.

mod control;
mod enc;

use atoll_codegen::buffer::CodeSink;

use crate::inst::Inst;
use crate::label_use::LabelUse;

/// State carried from one instruction to the next while a function is emitted. x64
/// encodings depend on nothing but the instruction itself today; frame-layout facts
/// (nominal stack-pointer offsets) will live here when the ABI needs them.
#[derive(Clone, Debug, Default)]
pub struct EmitState {}

impl Inst {
    /// Append this instruction's encoding to `sink`.
    pub fn emit(&self, sink: &mut impl CodeSink<LabelUse>, _state: &mut EmitState) {
        match self {
            Inst::Nop { len } => control::emit_nop(sink, *len),
            Inst::Jmp { target } => control::emit_jmp(sink, *target),
            Inst::JmpCond { cc, taken, not_taken } => {
                control::emit_jcc(sink, *cc, *taken);
                control::emit_jmp(sink, *not_taken);
            }
            Inst::JmpIf { cc, taken } => control::emit_jcc(sink, *cc, *taken),
            Inst::JmpUnknown { target } => control::emit_indirect(sink, control::EXT_JMP, target),
            Inst::JmpTableSeq { idx, tmp1, tmp2, targets } => {
                control::emit_jump_table(sink, *idx, tmp1.to_reg(), tmp2.to_reg(), targets)
            }
            Inst::CallKnown { target } => control::emit_call_known(sink, *target),
            Inst::CallUnknown { target } => control::emit_indirect(sink, control::EXT_CALL, target),
            Inst::Ret { stack_bytes } => control::emit_ret(sink, *stack_bytes),
            Inst::Ud2 { code } => control::emit_ud2(sink, *code),
            Inst::TrapIf { cc, code } => control::emit_trap_if(sink, *cc, *code),
            Inst::Push64 { src } => control::emit_push(sink, *src),
            Inst::Pop64 { dst } => control::emit_pop(sink, dst.to_reg()),
        }
    }
}
