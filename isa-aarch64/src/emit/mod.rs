//! Encoding of [`Inst`] into a [`CodeSink`], split by instruction family.
//!
//! `emit` is total for instructions built through the immediate newtypes; it panics
//! only when a register invariant is broken (a virtual register after allocation, `sp`
//! where encoding 31 means `xzr`, ...), which is a bug in lowering or allocation.

pub mod alu;
pub mod atomic;
pub mod branch;
pub mod fpu;
pub mod mem;

use atoll_codegen::buffer::{CodeSink, Reloc};

use crate::inst::{ALUOp, AMode, CSelOp, ExtendOp, LoadOp, OperandSize};
use crate::inst::{Cond, CondBrKind, Inst};
use crate::label_use::LabelUse;
use crate::regs::{hw_enc_sp, hw_enc_zr, link_reg, zero_reg, RegOrSp};
use alu::*;
use atoll_codegen::buffer::MachLabel;
use atoll_codegen::machinst::{Reg, Writable};
use branch::*;
use fpu::*;
use mem::*;

/// State carried across the instructions of one function while emitting.
#[derive(Clone, Debug, Default)]
pub struct EmitState {
    /// SP-relative offset of each explicit stack slot (from the frame layout).
    pub stack_slot_offsets: Vec<u32>,
    /// Bytes from SP after the prologue up to the incoming-argument area.
    pub frame_size: u32,
}

impl EmitState {
    /// `AMode::SlotOffset` as the `SpOffset` it stands for; other modes unchanged.
    ///
    /// Panics on a slot the frame does not have (lowering only names slots of the
    /// function it lowers, and the frame is laid out from the same list).
    pub fn resolve_slot(&self, mem: &AMode) -> AMode {
        match *mem {
            AMode::SlotOffset { slot, off } => {
                let base = self
                    .stack_slot_offsets
                    .get(slot as usize)
                    .unwrap_or_else(|| panic!("stack slot {slot} is not in the frame"));
                AMode::SpOffset {
                    off: i64::from(*base) + off,
                }
            }
            other => other,
        }
    }
}

fn put(sink: &mut impl CodeSink<LabelUse>, word: u32) {
    sink.put4(word);
}

/// Whether `op` sets flags (its destination slot then means `xzr`, not `sp`).
fn flag_setting(op: ALUOp) -> bool {
    matches!(op, ALUOp::AddS | ALUOp::SubS | ALUOp::AndS)
}

/// The destination slot of a form depends on whether it sets flags; an `op` of the
/// other kind would silently change what encoding 31 means.
fn form_op(op: ALUOp, ok: bool) {
    assert!(
        ok,
        "{op:?} in an instruction form whose destination slot does not match it"
    );
}

/// The `b.cond`/`cbz`/`cbnz` word for `kind` with a zero offset (patched as `Branch19`).
pub(crate) fn enc_cond_br(kind: CondBrKind, off19: i32) -> u32 {
    match kind {
        CondBrKind::Zero(r, size) => enc_cbz(size.sf() == 1, false, off19, hw_enc_zr(r)),
        CondBrKind::NotZero(r, size) => enc_cbz(size.sf() == 1, true, off19, hw_enc_zr(r)),
        CondBrKind::Cond(c) => enc_bcond(off19, c.bits()),
    }
}

/// `b` to `target`, declared to the sink as an unconditional branch so the buffer
/// may remove it (a jump to the next instruction) or thread jumps through it.
fn emit_uncond_branch(sink: &mut impl CodeSink<LabelUse>, target: MachLabel) {
    let start = sink.cur_offset();
    // Protocol of `CodeSink::add_uncond_branch`: label use, declaration, bytes.
    sink.use_label_at_offset(start, target, LabelUse::Branch26);
    sink.add_uncond_branch(start, start + 4, target);
    put(sink, enc_b(0));
}

/// The branch taken exactly when `kind`'s is not (offset field zero), or `None` for
/// `b.al`/`b.nv`: both always branch, so no word negates them and the buffer must
/// not flip them.
pub(crate) fn cond_br_inverted(kind: CondBrKind) -> Option<u32> {
    match kind {
        CondBrKind::Cond(Cond::Al | Cond::Nv) => None,
        _ => Some(enc_cond_br(kind.invert(), 0)),
    }
}

/// A block-ending conditional branch `word` (offset field zero, patched as `kind`)
/// to `target`. With `inverted` (the same branch on the opposite condition) it is
/// declared to the sink, which may then drop it or flip it over a following `b`.
fn emit_cond_branch(
    sink: &mut impl CodeSink<LabelUse>,
    target: MachLabel,
    kind: LabelUse,
    word: u32,
    inverted: Option<u32>,
) {
    let start = sink.cur_offset();
    sink.use_label_at_offset(start, target, kind);
    if let Some(inverted) = inverted {
        sink.add_cond_branch(start, start + 4, target, &inverted.to_le_bytes());
    }
    put(sink, word);
}

impl Inst {
    /// Append this instruction's bytes to `sink`, recording label uses,
    /// relocations and traps.
    pub fn emit(&self, sink: &mut impl CodeSink<LabelUse>, state: &mut EmitState) {
        match self {
            Inst::AluRRR {
                op,
                size,
                rd,
                rn,
                rm,
            } => put(sink, enc_alu_rrr(*op, *size, *rd, *rn, *rm)),
            Inst::AluRRRR {
                op,
                size,
                rd,
                rn,
                rm,
                ra,
            } => put(sink, enc_alu_rrrr(*op, *size, *rd, *rn, *rm, *ra)),
            Inst::AluRRImm12 {
                op,
                size,
                rd,
                rn,
                imm12,
            } => {
                form_op(*op, !flag_setting(*op));
                put(
                    sink,
                    enc_alu_rr_imm12(*op, *size, hw_enc_sp(rd.to_reg()), *rn, *imm12),
                )
            }
            Inst::AluRRImm12S {
                op,
                size,
                rd,
                rn,
                imm12,
            } => {
                form_op(*op, flag_setting(*op));
                put(
                    sink,
                    enc_alu_rr_imm12(*op, *size, hw_enc_zr(rd.to_reg()), *rn, *imm12),
                )
            }
            Inst::AluRRImmLogic {
                op,
                size,
                rd,
                rn,
                imml,
            } => {
                form_op(*op, !flag_setting(*op));
                put(
                    sink,
                    enc_alu_rr_imm_logic(*op, *size, hw_enc_sp(rd.to_reg()), *rn, *imml),
                )
            }
            Inst::AluRRImmLogicS { size, rd, rn, imml } => put(
                sink,
                enc_alu_rr_imm_logic(ALUOp::AndS, *size, hw_enc_zr(rd.to_reg()), *rn, *imml),
            ),
            Inst::AluRRImmShift {
                op,
                size,
                rd,
                rn,
                immshift,
            } => put(sink, enc_shift_imm(*op, *size, *rd, *rn, immshift.value())),
            Inst::AluRRRShift {
                op,
                size,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => put(
                sink,
                enc_alu_rrr_shift(*op, *size, *rd, *rn, *rm, *shift, amount.value()),
            ),
            Inst::AluRRRExtend {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                shift,
            } => {
                form_op(*op, !flag_setting(*op));
                put(
                    sink,
                    enc_alu_rrr_extend(
                        *op,
                        *size,
                        hw_enc_sp(rd.to_reg()),
                        *rn,
                        *rm,
                        *extend,
                        shift.value(),
                    ),
                )
            }
            Inst::AluRRRExtendS {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                shift,
            } => {
                form_op(*op, flag_setting(*op));
                put(
                    sink,
                    enc_alu_rrr_extend(
                        *op,
                        *size,
                        hw_enc_zr(rd.to_reg()),
                        *rn,
                        *rm,
                        *extend,
                        shift.value(),
                    ),
                )
            }
            Inst::BitRR { op, size, rd, rn } => put(sink, enc_bit_rr(*op, *size, *rd, *rn)),
            Inst::Extend {
                rd,
                rn,
                signed,
                from_bits,
                to_bits,
            } => put(sink, enc_extend(*rd, *rn, *signed, *from_bits, *to_bits)),
            Inst::MovWide { op, size, rd, imm } => put(sink, enc_move_wide(*op, *size, *rd, *imm)),
            Inst::MovK { size, rd, rn, imm } => {
                debug_assert_eq!(
                    rd.to_reg(),
                    *rn,
                    "movk source must be allocated to its destination"
                );
                put(sink, enc_movk(*size, *rd, *imm))
            }
            Inst::Mov { size, rd, rm } => put(sink, enc_mov(*size, *rd, *rm)),
            Inst::CSel {
                op,
                size,
                rd,
                rn,
                rm,
                cond,
            } => put(sink, enc_csel(*op, *size, *rd, *rn, *rm, *cond)),
            Inst::CSet { size, rd, cond } => put(
                sink,
                enc_csel(
                    CSelOp::Csinc,
                    *size,
                    *rd,
                    zero_reg(),
                    zero_reg(),
                    cond.invert(),
                ),
            ),
            Inst::CSetm { size, rd, cond } => put(
                sink,
                enc_csel(
                    CSelOp::Csinv,
                    *size,
                    *rd,
                    zero_reg(),
                    zero_reg(),
                    cond.invert(),
                ),
            ),
            Inst::CCmp {
                size,
                rn,
                rm,
                nzcv,
                cond,
            } => put(sink, enc_ccmp(*size, *rn, Ok(*rm), *nzcv, *cond)),
            Inst::CCmpImm {
                size,
                rn,
                imm,
                nzcv,
                cond,
            } => put(sink, enc_ccmp(*size, *rn, Err(*imm), *nzcv, *cond)),

            Inst::Load { op, rd, mem } => {
                emit_load(sink, *op, rd.to_reg(), &state.resolve_slot(mem))
            }
            Inst::Store { op, rt, mem } => emit_store(sink, *op, *rt, &state.resolve_slot(mem)),
            Inst::SlotAddr { rd, slot, off } => {
                let AMode::SpOffset { off } = state.resolve_slot(&AMode::SlotOffset {
                    slot: *slot,
                    off: *off,
                }) else {
                    unreachable!("slots resolve to SP offsets")
                };
                emit_sp_plus(sink, *rd, off, state);
            }
            Inst::LoadPair { kind, rt, rt2, mem } => {
                put(sink, enc_pair(*kind, true, rt.to_reg(), rt2.to_reg(), mem))
            }
            Inst::StorePair { kind, rt, rt2, mem } => {
                put(sink, enc_pair(*kind, false, *rt, *rt2, mem))
            }

            Inst::FpuRR { op, size, rd, rn } => put(sink, enc_fpu_rr(*op, *size, *rd, *rn)),
            Inst::FpuRRR {
                op,
                size,
                rd,
                rn,
                rm,
            } => put(sink, enc_fpu_rrr(*op, *size, *rd, *rn, *rm)),
            Inst::FpuRound { mode, size, rd, rn } => {
                put(sink, enc_fpu_round(*mode, *size, *rd, *rn))
            }
            Inst::FpuCmp { size, rn, rm } => put(sink, enc_fcmp(*size, *rn, Some(*rm))),
            Inst::FpuCmpZero { size, rn } => put(sink, enc_fcmp(*size, *rn, None)),
            Inst::FpuCSel {
                size,
                rd,
                rn,
                rm,
                cond,
            } => put(sink, enc_fcsel(*size, *rd, *rn, *rm, cond.bits())),
            Inst::FpuToInt {
                signed,
                src,
                dst,
                rd,
                rn,
            } => put(sink, enc_fpu_to_int(*signed, *src, *dst, *rd, *rn)),
            Inst::IntToFpu {
                signed,
                src,
                dst,
                rd,
                rn,
            } => put(sink, enc_int_to_fpu(*signed, *src, *dst, *rd, *rn)),
            Inst::MovToFpu { size, rd, rn } => put(sink, enc_mov_to_fpu(*size, *rd, *rn)),
            Inst::MovFromFpu { size, rd, rn } => put(sink, enc_mov_from_fpu(*size, *rd, *rn)),
            Inst::FpuMove { size, rd, rn } => put(sink, enc_fpu_move(*size, *rd, *rn)),
            Inst::FpuMove128 { rd, rn } => put(sink, enc_vec_move(*rd, *rn)),
            Inst::FpuMoveImm { size, rd, imm } => put(sink, enc_fpu_move_imm(*size, *rd, *imm)),
            Inst::FpuUShr {
                size,
                rd,
                rn,
                amount,
            } => put(sink, enc_fpu_shift(false, *size, *rd, *rn, *amount)),
            Inst::FpuSli {
                size,
                rd,
                ri,
                rn,
                amount,
            } => {
                debug_assert_eq!(
                    rd.to_reg(),
                    *ri,
                    "sli input must be allocated to its destination"
                );
                put(sink, enc_fpu_shift(true, *size, *rd, *rn, *amount))
            }

            Inst::Jump { dest } => emit_uncond_branch(sink, *dest),
            Inst::CondBr {
                taken,
                not_taken,
                kind,
            } => {
                emit_cond_branch(
                    sink,
                    *taken,
                    LabelUse::Branch19,
                    enc_cond_br(*kind, 0),
                    cond_br_inverted(*kind),
                );
                emit_uncond_branch(sink, *not_taken);
            }
            Inst::OneWayCondBr { target, kind } => emit_cond_branch(
                sink,
                *target,
                LabelUse::Branch19,
                enc_cond_br(*kind, 0),
                cond_br_inverted(*kind),
            ),
            Inst::TestBitAndBranch {
                rn,
                bit,
                nonzero,
                target,
            } => {
                let rt = hw_enc_zr(*rn);
                let (word, inverted) = (
                    enc_tbz(*bit, *nonzero, 0, rt),
                    enc_tbz(*bit, !*nonzero, 0, rt),
                );
                emit_cond_branch(sink, *target, LabelUse::Branch14, word, Some(inverted))
            }
            Inst::IndirectBr { rn } => put(sink, enc_br_family(0, hw_enc_zr(*rn))),
            Inst::JTSequence {
                ridx,
                rtmp1,
                rtmp2,
                default,
                targets,
            } => {
                sink.use_label_at_offset(sink.cur_offset(), *default, LabelUse::Branch19);
                put(sink, enc_bcond(0, crate::inst::Cond::Hs.bits()));
                emit_jt_sequence(sink, *ridx, *rtmp1, *rtmp2, targets)
            }
            Inst::Call { dest, .. } => {
                sink.add_reloc(Reloc::Arm64Call, *dest, 0);
                put(sink, enc_bl(0));
            }
            Inst::CallLabel { dest, .. } => {
                sink.use_label_at_offset(sink.cur_offset(), *dest, LabelUse::Branch26);
                put(sink, enc_bl(0));
            }
            Inst::CallInd { rn, .. } => put(sink, enc_br_family(1, hw_enc_zr(*rn))),
            Inst::Ret { .. } => put(sink, enc_br_family(2, hw_enc_zr(link_reg()))),
            Inst::Args { .. } => {}
            Inst::Udf { trap_code } => {
                sink.add_trap(*trap_code);
                put(sink, enc_udf(0));
            }
            Inst::Brk { imm } => put(sink, enc_brk(*imm)),
            Inst::TrapIf { kind, trap_code } => {
                // Skip the `udf` (2 words ahead) when the trap condition does not hold.
                put(sink, enc_cond_br(kind.invert(), 2));
                sink.add_trap(*trap_code);
                put(sink, enc_udf(0));
            }
            Inst::Nop4 => put(sink, NOP),
            Inst::Adr { rd, label } => {
                sink.use_label_at_offset(sink.cur_offset(), *label, LabelUse::Adr21);
                put(sink, enc_adr(false, 0, hw_enc_zr(rd.to_reg())));
            }
            Inst::Adrp { rd, pages } => {
                put(sink, enc_adr(true, pages.value(), hw_enc_zr(rd.to_reg())))
            }
            Inst::LoadAcquire { bits, rt, rn } => {
                put(sink, atomic::enc_ldar(*bits, rt.to_reg(), *rn))
            }
            Inst::StoreRelease { bits, rt, rn } => put(sink, atomic::enc_stlr(*bits, *rt, *rn)),
            Inst::AtomicRMWLoop {
                op,
                bits,
                addr,
                operand,
                old,
                new,
                status,
            } => atomic::put_words(
                sink,
                &atomic::rmw_loop_words(*op, *bits, *addr, *operand, *old, *new, *status),
            ),
            Inst::AtomicCASLoop {
                bits,
                addr,
                expected,
                replacement,
                old,
                status,
            } => atomic::put_words(
                sink,
                &atomic::cas_loop_words(*bits, *addr, *expected, *replacement, *old, *status),
            ),
            Inst::ReturnCall { dest, .. } => {
                sink.add_reloc(Reloc::Arm64Call, *dest, 0);
                put(sink, enc_b(0));
            }
            Inst::FuncAddrStub { rd, dest } => {
                put(sink, enc_adr(false, 8, hw_enc_zr(rd.to_reg())));
                put(sink, enc_b(2));
                sink.add_reloc(Reloc::Arm64Call, *dest, 0);
                put(sink, enc_b(0));
            }
            Inst::LoadIncoming { op, rd, offset } => {
                let off = i64::from(state.frame_size) + i64::from(*offset);
                emit_load(sink, *op, rd.to_reg(), &AMode::SpOffset { off })
            }
        }
    }
}

/// The jump-table dispatch after the bounds check (see [`Inst::JTSequence`]): the table follows the `br`,
/// 16 bytes after the `adr`; entry `i` starts as `4 * i` and its `PCRel32` use adds
/// `target - entry`, leaving `target - table`.
fn emit_jt_sequence(
    sink: &mut impl CodeSink<LabelUse>,
    ridx: Reg,
    rtmp1: Writable<Reg>,
    rtmp2: Writable<Reg>,
    targets: &[MachLabel],
) {
    put(sink, enc_adr(false, 16, hw_enc_zr(rtmp1.to_reg())));
    let base = RegOrSp::reg(rtmp1.to_reg())
        .expect("jump-table temporaries are allocatable registers, never xzr");
    let mem = AMode::RegExtended {
        rn: base,
        rm: ridx,
        extend: ExtendOp::Uxtw,
        shifted: true,
    };
    emit_load(sink, LoadOp::SLoad32, rtmp2.to_reg(), &mem);
    put(
        sink,
        enc_alu_rrr(
            ALUOp::Add,
            OperandSize::Size64,
            rtmp1,
            rtmp1.to_reg(),
            rtmp2.to_reg(),
        ),
    );
    put(sink, enc_br_family(0, hw_enc_zr(rtmp1.to_reg())));
    for (i, target) in targets.iter().enumerate() {
        sink.use_label_at_offset(sink.cur_offset(), *target, LabelUse::PCRel32);
        put(sink, (4 * i) as u32);
    }
}

/// `rd = sp + off`, through `x16` when `off` is not an add/sub immediate.
fn emit_sp_plus(
    sink: &mut impl CodeSink<LabelUse>,
    rd: Writable<Reg>,
    off: i64,
    state: &mut EmitState,
) {
    let rd_sp = Writable::from_reg(
        RegOrSp::reg(rd.to_reg()).expect("a slot address goes to a general register"),
    );
    let (op, mag) = if off >= 0 {
        (ALUOp::Add, off as u64)
    } else {
        (ALUOp::Sub, off.unsigned_abs())
    };
    if let Some(imm12) = crate::imms::Imm12::maybe_from_u64(mag) {
        return put(
            sink,
            enc_alu_rr_imm12(
                op,
                OperandSize::Size64,
                hw_enc_sp(rd_sp.to_reg()),
                RegOrSp::sp(),
                imm12,
            ),
        );
    }
    for inst in Inst::load_constant(
        crate::regs::writable_xreg(16),
        off as u64,
        OperandSize::Size64,
    ) {
        inst.emit(sink, state);
    }
    let shift = crate::inst::ExtendShift::maybe_from_u8(0).expect("0 is valid");
    let word = enc_alu_rrr_extend(
        ALUOp::Add,
        OperandSize::Size64,
        hw_enc_sp(rd_sp.to_reg()),
        RegOrSp::sp(),
        crate::regs::xreg(16),
        ExtendOp::Uxtx,
        shift.value(),
    );
    put(sink, word);
}
