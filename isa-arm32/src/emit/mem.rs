//! Integer loads, stores, push and pop.

use atoll_codegen::buffer::CodeSink;

use super::enc;
use crate::inst::{AMode, AModeExtra, Inst, LoadExtraKind, WordByte};
use crate::label_use::LabelUse;
use crate::regs::rreg_num;

/// Register number of `sp`, the base of `push`/`pop`.
const SP: u32 = 13;

pub(super) fn emit(inst: &Inst, sink: &mut impl CodeSink<LabelUse>) {
    let word = match inst {
        Inst::Load { width, rt, mem } => {
            if let AMode::Literal(label) = mem {
                let at = sink.cur_offset();
                sink.use_label_at_offset(at, *label, LabelUse::Ldr12);
            }
            word_byte(true, *width, rreg_num(rt.to_reg()), mem)
        }
        Inst::Store { width, rt, mem } => {
            debug_assert!(!matches!(mem, AMode::Literal(_)), "store to a literal");
            word_byte(false, *width, rreg_num(*rt), mem)
        }
        Inst::LoadExtra { kind, rt, mem } => {
            let op2 = match kind {
                LoadExtraKind::Ldrh => 0b01,
                LoadExtraKind::Ldrsb => 0b10,
                LoadExtraKind::Ldrsh => 0b11,
            };
            extra(true, op2, rreg_num(rt.to_reg()), mem)
        }
        Inst::StoreHalf { rt, mem } => extra(false, 0b01, rreg_num(*rt), mem),
        Inst::Push { regs } => push_pop(false, *regs),
        Inst::Pop { regs } => push_pop(true, *regs),
        _ => unreachable!("not a memory instruction: {inst:?}"),
    };
    sink.put4(word);
}

fn word_byte(load: bool, width: WordByte, rt: u32, mem: &AMode) -> u32 {
    let b = width == WordByte::Byte;
    let al = enc::COND_AL;
    // (P, W) per indexing: offset = (1, 0), pre-index = (1, 1), post-index = (0, 0).
    match *mem {
        AMode::Offset { rn, off } => imm(load, b, true, false, rreg_num(rn), rt, off.get()),
        AMode::PreIndex { rn, off } => imm(load, b, true, true, rreg_num(rn), rt, off.get()),
        AMode::PostIndex { rn, off } => imm(load, b, false, false, rreg_num(rn), rt, off.get()),
        AMode::RegOffset { rn, index } => enc::ldst_reg(
            [true, !index.sub, b, false, load],
            rreg_num(rn),
            rt,
            index.shift.bits(),
            0,
            rreg_num(index.rm),
        ),
        // The offset field is patched through `LabelUse::Ldr12`; start at +0.
        AMode::Literal(_) => enc::ldst_imm(al, true, true, b, false, load, 15, rt, 0),
    }
}

fn imm(load: bool, b: bool, p: bool, w: bool, rn: u32, rt: u32, off: i32) -> u32 {
    enc::ldst_imm(
        enc::COND_AL,
        p,
        off >= 0,
        b,
        w,
        load,
        rn,
        rt,
        off.unsigned_abs(),
    )
}

fn extra(load: bool, op2: u32, rt: u32, mem: &AModeExtra) -> u32 {
    let (rn, p, w, off) = match *mem {
        AModeExtra::RegOffset { rn, rm, sub } => {
            return enc::ldst_extra_reg(
                [true, !sub, false, load],
                op2,
                rreg_num(rn),
                rt,
                rreg_num(rm),
            );
        }
        AModeExtra::Offset { rn, off } => (rn, true, false, off.get()),
        AModeExtra::PreIndex { rn, off } => (rn, true, true, off.get()),
        AModeExtra::PostIndex { rn, off } => (rn, false, false, off.get()),
    };
    enc::ldst_extra_imm(
        [p, off >= 0, w, load],
        op2,
        rreg_num(rn),
        rt,
        off.unsigned_abs(),
    )
}

/// `push`/`pop` as `stmdb sp!`/`ldmia sp!`, except a single register, which uses the
/// `str rt, [sp, #-4]!` / `ldr rt, [sp], #4` form assemblers choose for it.
fn push_pop(pop: bool, regs: u16) -> u32 {
    debug_assert!(regs != 0, "empty register list");
    if regs.count_ones() == 1 {
        let rt = regs.trailing_zeros();
        return if pop {
            enc::ldst_imm(enc::COND_AL, false, true, false, false, true, SP, rt, 4)
        } else {
            enc::ldst_imm(enc::COND_AL, true, false, false, true, false, SP, rt, 4)
        };
    }
    if pop {
        enc::ldm_stm(false, true, true, true, SP, regs as u32)
    } else {
        enc::ldm_stm(true, false, true, false, SP, regs as u32)
    }
}
