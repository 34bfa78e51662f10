//! Branches, calls, returns, jump tables and traps.

use atoll_codegen::buffer::{CodeSink, MachLabel, Reloc};

use super::enc;
use crate::inst::{Cond, Inst};
use crate::label_use::LabelUse;
use crate::regs::{lr, rreg_num};

/// The imm24 of `bl .` (offset -8 from PC + 8, i.e. to itself): the placeholder of a
/// call relocation, which is also its ELF REL addend.
const CALL_PLACEHOLDER_IMM24: u32 = 0x00ff_fffe;

/// The addend recorded with `Reloc::Arm32Call` (see `LabelUse::from_reloc`).
pub const CALL_RELOC_ADDEND: i64 = -8;

pub(super) fn emit(inst: &Inst, sink: &mut impl CodeSink<LabelUse>) {
    match inst {
        Inst::Jmp { target } => block_branch(sink, Cond::Al, *target),
        Inst::CondBr {
            cond,
            taken,
            not_taken,
        } => {
            block_branch(sink, *cond, *taken);
            block_branch(sink, Cond::Al, *not_taken);
        }
        Inst::OneWayCondBr { cond, target } => block_branch(sink, *cond, *target),
        Inst::Call { target, .. } => {
            sink.add_reloc(Reloc::Arm32Call, *target, CALL_RELOC_ADDEND);
            sink.put4(enc::b(enc::COND_AL, true, CALL_PLACEHOLDER_IMM24));
        }
        Inst::CallLabel { target, .. } => branch(sink, Cond::Al, true, *target),
        Inst::CallInd { rm, .. } => sink.put4(enc::bx(enc::COND_AL, true, rreg_num(*rm))),
        Inst::Ret { .. } => sink.put4(enc::bx(enc::COND_AL, false, rreg_num(lr()))),
        // Arguments are already in their registers: no code.
        Inst::Args { .. } => {}
        Inst::IndirectBr { rm } => sink.put4(enc::bx(enc::COND_AL, false, rreg_num(*rm))),
        Inst::JumpTable { idx, targets } => {
            // add pc, pc, idx, lsl #2
            sink.put4(enc::dp_reg(
                enc::COND_AL,
                4,
                false,
                15,
                15,
                2,
                0,
                rreg_num(*idx),
            ));
            sink.put4(enc::UDF0);
            for t in targets.iter() {
                branch(sink, Cond::Al, false, *t);
            }
        }
        Inst::Udf { code } => {
            sink.add_trap(*code);
            sink.put4(enc::UDF0);
        }
        Inst::TrapIf { cond, code } => {
            // b<!cond> over the udf: the target is PC + 8 + 0 = the word after the udf.
            sink.put4(enc::b(cond.invert().bits(), false, 0));
            sink.add_trap(*code);
            sink.put4(enc::UDF0);
        }
        Inst::Nop => sink.put4(enc::NOP),
        _ => unreachable!("not a control instruction: {inst:?}"),
    }
}

/// The word of `b<!cond>` with a zero offset field, or `None` for `al`: an
/// always-taken branch has no negation, so the buffer must treat it as a jump.
pub(crate) fn cond_branch_inverted(cond: Cond) -> Option<u32> {
    match cond {
        Cond::Al => None,
        // A32 pairs each condition with its negation in the low bit of the field.
        _ => Some(enc::b(cond.bits() ^ 1, false, 0)),
    }
}

/// A block-ending `b<cond>` to `target`, declared to the sink so the buffer may drop
/// it (jump to the next block), flip it over a following `b`, or thread it.
///
/// Only block terminators come here: branches inside sequences with their own
/// internal layout (jump tables) use [`branch`], which the buffer never moves.
fn block_branch(sink: &mut impl CodeSink<LabelUse>, cond: Cond, target: MachLabel) {
    let start = sink.cur_offset();
    // Protocol of `CodeSink::add_*_branch`: label use, declaration, then the bytes.
    sink.use_label_at_offset(start, target, LabelUse::Branch24);
    match cond_branch_inverted(cond) {
        None => sink.add_uncond_branch(start, start + 4, target),
        Some(inverted) => sink.add_cond_branch(start, start + 4, target, &inverted.to_le_bytes()),
    }
    sink.put4(enc::b(cond.bits(), false, 0));
}

/// A `b`/`bl` to `target`, patched later through `LabelUse::Branch24`; not declared
/// as a branch to the buffer's peepholes.
fn branch(sink: &mut impl CodeSink<LabelUse>, cond: Cond, link: bool, target: MachLabel) {
    let at = sink.cur_offset();
    sink.use_label_at_offset(at, target, LabelUse::Branch24);
    sink.put4(enc::b(cond.bits(), link, 0));
}
