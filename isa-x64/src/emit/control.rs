//! Control flow: jumps, conditional jumps, jump tables, calls, returns, traps, no-ops,
//! push/pop.

use atoll_codegen::buffer::{CodeSink, MachLabel, Reloc, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::Reg;

use super::enc::{emit_opcode_reg, emit_rip_disp, emit_rm, emit_rmo, emit_rr, Rex};
use crate::inst::{Amode, RegMem, Scale, CC};
use crate::label_use::{write_nops, LabelUse};
use crate::regs::hw_enc;

/// `jmp rel32` to `target`, declared to the sink as an unconditional branch so the
/// buffer may remove it (jump to the next instruction) or thread jumps through it.
pub(crate) fn emit_jmp(sink: &mut impl CodeSink<LabelUse>, target: MachLabel) {
    let start = sink.cur_offset();
    // Protocol of `CodeSink::add_uncond_branch`: label use first, then the
    // declaration at the branch's start, then the bytes.
    sink.use_label_at_offset(start + 1, target, LabelUse::JmpRel32);
    sink.add_uncond_branch(start, start + 5, target);
    sink.put1(0xe9);
    sink.put4(0);
}

/// `jcc rel32` to `target`, declared as a conditional branch; its inversion flips
/// the opcode's low bit (`jcc` conditions come in complementary pairs) and keeps
/// the rel32 field, which the buffer re-targets.
pub(crate) fn emit_jcc(sink: &mut impl CodeSink<LabelUse>, cc: CC, target: MachLabel) {
    let start = sink.cur_offset();
    let opcode = 0x80 | cc as u8;
    sink.use_label_at_offset(start + 2, target, LabelUse::JmpRel32);
    sink.add_cond_branch(start, start + 6, target, &[0x0f, opcode ^ 1, 0, 0, 0, 0]);
    sink.put_data(&[0x0f, opcode]);
    sink.put4(0);
}

/// `call rel32` to another function, resolved by the text-section builder through
/// `LabelUse::from_reloc(X86CallPCRel4, -4)`.
pub(crate) fn emit_call_known(sink: &mut impl CodeSink<LabelUse>, target: RelocTarget) {
    sink.put1(0xe8);
    sink.add_reloc(Reloc::X86CallPCRel4, target, -4);
    sink.put4(0);
}

/// `call r/m64` (`ff /2`) or `jmp r/m64` (`ff /4`).
pub(crate) fn emit_indirect(sink: &mut impl CodeSink<LabelUse>, ext: u8, target: &RegMem) {
    emit_rmo(sink, &[], Rex::plain(), &[0xff], ext, target, 0);
}

pub(crate) const EXT_CALL: u8 = 2;
pub(crate) const EXT_JMP: u8 = 4;

pub(crate) fn emit_ret(sink: &mut impl CodeSink<LabelUse>, stack_bytes: u16) {
    if stack_bytes == 0 {
        sink.put1(0xc3);
    } else {
        sink.put1(0xc2);
        sink.put2(stack_bytes);
    }
}

pub(crate) fn emit_ud2(sink: &mut impl CodeSink<LabelUse>, code: TrapCode) {
    sink.add_trap(code);
    sink.put_data(&[0x0f, 0x0b]);
}

/// Trap when `cc` holds: a short jump over `ud2` on the opposite condition keeps the
/// trap inline (no stub, no label).
pub(crate) fn emit_trap_if(sink: &mut impl CodeSink<LabelUse>, cc: CC, code: TrapCode) {
    sink.put_data(&[0x70 | cc.invert() as u8, 2]);
    emit_ud2(sink, code);
}

/// `len` bytes of no-ops (runs longer than one multi-byte `nop` are split).
pub(crate) fn emit_nop(sink: &mut impl CodeSink<LabelUse>, len: u8) {
    let mut bytes = Vec::with_capacity(usize::from(len));
    write_nops(&mut bytes, usize::from(len));
    sink.put_data(&bytes);
}

pub(crate) fn emit_push(sink: &mut impl CodeSink<LabelUse>, src: Reg) {
    emit_opcode_reg(sink, &[], Rex::plain(), &[0x50], hw_enc(src));
}

pub(crate) fn emit_pop(sink: &mut impl CodeSink<LabelUse>, dst: Reg) {
    emit_opcode_reg(sink, &[], Rex::plain(), &[0x58], hw_enc(dst));
}

/// The jump-table sequence of `Inst::JmpTableSeq` (see there). Entry `i` holds
/// `target_i - table`: a `PCRel32` use whose stored addend is the entry's offset from
/// the table start, so the patched value is relative to the table, not the entry.
pub(crate) fn emit_jump_table(
    sink: &mut impl CodeSink<LabelUse>,
    idx: Reg,
    tmp1: Reg,
    tmp2: Reg,
    targets: &[MachLabel],
) {
    let (t1, t2) = (hw_enc(tmp1), hw_enc(tmp2));
    // The table follows the sequence; the `lea` reaches it with a fixed displacement
    // equal to the length of the three instructions after it.
    let movsxd_len = 4 + u32::from(t1 & 7 == 5); // REX 63 ModRM SIB [disp8 for rbp/r13]
    let add_len = 3; // REX 01 ModRM
    let jmp_len = 2 + u32::from(t2 >= 8); // [REX] ff ModRM
    emit_rip_disp(
        sink,
        &[],
        Rex::w(),
        &[0x8d],
        t1,
        (movsxd_len + add_len + jmp_len) as i32,
    );
    let after_lea = sink.cur_offset();
    let amode = Amode::base_index(tmp1, idx, Scale::Four, 0).expect("index register is not rsp");
    emit_rm(sink, &[], Rex::w(), &[0x63], t2, &amode, 0); // movsxd tmp2, dword ptr [tmp1 + 4*idx]
    emit_rr(sink, &[], Rex::w(), &[0x01], t1, t2); // add tmp2, tmp1
    emit_indirect(sink, EXT_JMP, &RegMem::Reg(tmp2));
    debug_assert_eq!(
        sink.cur_offset() - after_lea,
        u64::from(movsxd_len + add_len + jmp_len)
    );
    for (i, &t) in targets.iter().enumerate() {
        let at = sink.cur_offset();
        sink.use_label_at_offset(at, t, LabelUse::PCRel32);
        sink.put4((i as u32) * 4);
    }
}

/// The loop of `Inst::StackProbeLoop` (see there).
pub(crate) fn emit_stack_probe_loop(
    sink: &mut impl CodeSink<LabelUse>,
    frame_size: u32,
    guard_size: u32,
    tmp: Reg,
) {
    use crate::imms::Simm32;
    use crate::inst::{AluOp, CmpOp, Inst, OperandSize, RegMemImm};
    use atoll_codegen::machinst::Writable;
    debug_assert!(
        guard_size > 0
            && frame_size > 0
            && frame_size % guard_size == 0
            && frame_size <= i32::MAX as u32
    );
    let rsp = crate::regs::rsp();
    let imm = |v: u32| RegMemImm::Imm(Simm32::from_i32(v as i32));
    let alu = |op, dst: Reg, v: u32| Inst::AluRmiR {
        size: OperandSize::S64,
        op,
        src1: dst,
        src2: imm(v),
        dst: Writable::from_reg(dst),
    };
    let mut s = super::seq::Seq::default();
    let again = s.label();
    s.inst(Inst::MovRR {
        size: OperandSize::S64,
        src: rsp,
        dst: Writable::from_reg(tmp),
    });
    s.inst(alu(AluOp::Sub, tmp, frame_size));
    s.bind(again);
    s.inst(alu(AluOp::Sub, rsp, guard_size));
    s.inst(Inst::MovImmM {
        size: OperandSize::S32,
        imm: Simm32::from_i32(0),
        dst: Amode::imm_reg(0, rsp),
    });
    s.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Cmp,
        src1: rsp,
        src2: RegMemImm::Reg(tmp),
    });
    s.jcc(CC::NZ, again);
    s.inst(alu(AluOp::Add, rsp, frame_size));
    s.finish(sink);
}
