//! A32 encoder: [`Inst::emit`] writes little-endian instruction words into a
//! [`CodeSink`].
//!
//! Emission is total over well-typed instructions: immediates are encodable by
//! construction ([`crate::imms`]). The only failures are internal bugs (a virtual
//! register, or an operand the type allows but the encoding does not, such as a
//! store to a literal); those panic with a message naming the bug.
//!
//! Branches to labels write a zero offset field and register a [`LabelUse`] at the
//! instruction's own offset; the buffer patches it or routes it through a veneer.

pub mod enc;

mod alu;
mod atomic;
mod control;
mod mem;
mod vfp;

#[cfg(test)]
mod tests;

use atoll_codegen::buffer::CodeSink;

use crate::inst::Inst;
use crate::label_use::LabelUse;

/// State carried between instructions of one function during emission.
///
/// A32 emission needs none yet (no constant islands are owned by the encoder and
/// frames are fixed by the ABI code); the type keeps `emit`'s signature the same as
/// the other ISA crates'.
#[derive(Clone, Debug, Default)]
pub struct EmitState {
    /// SP-relative offset of each explicit stack slot (from the frame layout).
    pub stack_slot_offsets: Vec<u32>,
}

impl Inst {
    /// Append this instruction's encoding to `sink`.
    // `state` is threaded through for the other ISAs' sake; A32 keeps none yet.
    #[allow(clippy::only_used_in_recursion)]
    pub fn emit(&self, sink: &mut impl CodeSink<LabelUse>, state: &mut EmitState) {
        if let Some(seq) = self.expand() {
            for i in seq {
                i.emit(sink, state);
            }
            return;
        }
        if let Inst::SlotAddr { rd, slot, off } = self {
            // Lowering names only slots of the function's own frame.
            let base = state
                .stack_slot_offsets
                .get(*slot as usize)
                .copied()
                .unwrap_or_else(|| panic!("stack slot {slot} is not in the frame"));
            for i in Inst::gen_add_imm(*rd, crate::regs::sp(), i64::from(base) + i64::from(*off)) {
                i.emit(sink, state);
            }
            return;
        }
        match self {
            Inst::SpLoad { .. }
            | Inst::SlotAddr { .. }
            | Inst::SpStore { .. }
            | Inst::FpuMinMax { .. }
            | Inst::FpuToIntChecked { .. }
            | Inst::FpuLoadConst { .. } => {
                unreachable!("expanded above")
            }
            Inst::Alu { .. }
            | Inst::Cmp { .. }
            | Inst::Mov { .. }
            | Inst::MovWide { .. }
            | Inst::CSel { .. }
            | Inst::CSet { .. }
            | Inst::LoadConst32 { .. }
            | Inst::Mul { .. }
            | Inst::MulLong { .. }
            | Inst::Div { .. }
            | Inst::Bit { .. }
            | Inst::Extend { .. } => alu::emit(self, sink),
            Inst::Load { .. }
            | Inst::Store { .. }
            | Inst::LoadExtra { .. }
            | Inst::StoreHalf { .. }
            | Inst::Push { .. }
            | Inst::Pop { .. } => mem::emit(self, sink),
            Inst::FpuRRR { .. }
            | Inst::FpuRR { .. }
            | Inst::FpuCmp { .. }
            | Inst::FpuToFlags
            | Inst::FpuCvt { .. }
            | Inst::FpuMovImm { .. }
            | Inst::FpuCSel { .. }
            | Inst::FpuCvtToIntRound { .. }
            | Inst::FpuRound { .. }
            | Inst::FpuMinMaxNm { .. }
            | Inst::FpscrRead { .. }
            | Inst::FpscrWrite { .. }
            | Inst::MovToFpu { .. }
            | Inst::MovToFpuLane { .. }
            | Inst::MovFromFpu { .. }
            | Inst::MovToFpu64 { .. }
            | Inst::MovFromFpu64 { .. }
            | Inst::FpuLoad { .. }
            | Inst::FpuStore { .. }
            | Inst::VPush { .. }
            | Inst::VPop { .. } => vfp::emit(self, sink),
            Inst::Jmp { .. }
            | Inst::CondBr { .. }
            | Inst::OneWayCondBr { .. }
            | Inst::Call { .. }
            | Inst::CallLabel { .. }
            | Inst::CallInd { .. }
            | Inst::Ret { .. }
            | Inst::Args { .. }
            | Inst::IndirectBr { .. }
            | Inst::JumpTable { .. }
            | Inst::Udf { .. }
            | Inst::TrapIf { .. }
            | Inst::Nop => control::emit(self, sink),
            Inst::LoadEx { .. }
            | Inst::StoreEx { .. }
            | Inst::Dmb
            | Inst::AtomicRmwLoop { .. }
            | Inst::AtomicCasLoop { .. } => atomic::emit(self, sink, state),
        }
    }
}
