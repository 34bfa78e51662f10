//! Encoding: `Inst::emit` writes one instruction's bytes into a [`CodeSink`].
//!
//! Emission is total: operand types only hold encodable values, so the only failure
//! is a broken register-allocation invariant (a virtual register, or a two-address
//! `dst` different from its `src1`), which is a compiler bug and asserted in debug
//! builds. Label references are written as placeholders and recorded with
//! `use_label_at_offset` (`JmpRel32` for rel32 branches, `PCRel32` for RIP-relative
//! operands); calls to other functions record an `X86CallPCRel4` relocation.
//!
//! One file per family: `enc` (prefix/REX/ModRM/SIB machinery), `alu`, `mov`,
//! `sse`, `atomic`, `control`, and `float_seq` for pseudo-instructions with internal branches
//! (assembled with the local-label scratch assembler in `seq`).

mod alu;
mod atomic;
mod control;
mod enc;
mod float_seq;
mod mov;
mod seq;
mod sse;

use atoll_codegen::buffer::CodeSink;

use crate::inst::Inst;
use crate::label_use::LabelUse;

/// State carried from one instruction to the next while a function is emitted: the
/// frame-layout facts pseudo-instructions need (`rsp`-relative stack-slot offsets).
#[derive(Clone, Debug, Default)]
pub struct EmitState {
    /// `rsp`-relative offset of each explicit stack slot.
    pub stack_slot_offsets: Vec<u32>,
}

impl Inst {
    /// Append this instruction's encoding to `sink`.
    pub fn emit(&self, sink: &mut impl CodeSink<LabelUse>, state: &mut EmitState) {
        match self {
            Inst::AluRmiR {
                size,
                op,
                src1,
                src2,
                dst,
            } => alu::emit_alu(sink, *size, *op, *src1, src2, dst.to_reg()),
            Inst::CmpRmiR {
                size,
                op,
                src1,
                src2,
            } => alu::emit_cmp(sink, *size, *op, *src1, src2),
            Inst::Unary { size, op, src, dst } => {
                alu::emit_unary(sink, *size, *op, *src, dst.to_reg())
            }
            Inst::BitCount { size, op, src, dst } => {
                alu::emit_bit_count(sink, *size, *op, src, dst.to_reg())
            }
            Inst::Shift {
                size,
                kind,
                src,
                by,
                dst,
            } => alu::emit_shift(sink, *size, *kind, *src, *by, dst.to_reg()),
            Inst::MulWide {
                size, signed, src2, ..
            } => alu::emit_mul_wide(sink, *size, *signed, src2),
            Inst::IMul {
                size,
                src1,
                src2,
                dst,
            } => alu::emit_imul(sink, *size, *src1, src2, dst.to_reg()),
            Inst::IMulImm {
                size,
                src,
                imm,
                dst,
            } => alu::emit_imul_imm(sink, *size, src, *imm, dst.to_reg()),
            Inst::Div {
                size,
                signed,
                divisor,
                trap,
                ..
            } => alu::emit_div(sink, *size, *signed, divisor, *trap),
            Inst::SignExtendData { size, .. } => alu::emit_sign_extend_data(sink, *size),
            Inst::Bswap { size, src, dst } => alu::emit_bswap(sink, *size, *src, dst.to_reg()),
            Inst::Setcc { cc, dst } => alu::emit_setcc(sink, *cc, dst.to_reg()),
            Inst::Cmove {
                size,
                cc,
                consequent,
                alternative,
                dst,
            } => alu::emit_cmove(sink, *size, *cc, consequent, *alternative, dst.to_reg()),
            Inst::MovRR { size, src, dst } => mov::emit_mov_rr(sink, *size, *src, dst.to_reg()),
            Inst::MovImm { size, imm, dst } => mov::emit_mov_imm(sink, *size, *imm, dst.to_reg()),
            Inst::MovzxRmR { ext, src, dst } => mov::emit_movzx(sink, *ext, src, dst.to_reg()),
            Inst::MovsxRmR { ext, src, dst } => mov::emit_movsx(sink, *ext, src, dst.to_reg()),
            Inst::Mov64MR { src, dst } => mov::emit_load64(sink, src, dst.to_reg()),
            Inst::MovRM { size, src, dst } => mov::emit_store(sink, *size, *src, dst),
            Inst::MovImmM { size, imm, dst } => mov::emit_store_imm(sink, *size, *imm, dst),
            Inst::StackAddr { slot, offset, dst } => {
                // The frame is below 2 GiB (the pipeline checks), so the sum fits.
                let base = state
                    .stack_slot_offsets
                    .get(*slot as usize)
                    .copied()
                    .unwrap_or(0);
                let disp = (i64::from(base) + i64::from(*offset)) as i32;
                mov::emit_lea(
                    sink,
                    crate::inst::OperandSize::S64,
                    &crate::inst::Amode::imm_reg(disp, crate::regs::rsp()),
                    dst.to_reg(),
                )
            }
            Inst::Lea { size, src, dst } => mov::emit_lea(sink, *size, src, dst.to_reg()),
            Inst::LoadExtName { target, dst } => {
                mov::emit_load_ext_name(sink, *target, dst.to_reg())
            }
            Inst::XmmRmR {
                op,
                src1,
                src2,
                dst,
            } => {
                debug_assert_eq!(src1, &dst.to_reg(), "two-address SSE: dst must reuse src1");
                sse::emit_xmm_rm_r(sink, *op, src2, dst.to_reg())
            }
            Inst::XmmUnaryRmR { op, src, dst } => sse::emit_xmm_rm_r(sink, *op, src, dst.to_reg()),
            Inst::XmmRound { op, src, mode, dst } => {
                sse::emit_xmm_round(sink, *op, src, *mode, dst.to_reg())
            }
            Inst::XmmCmpImm {
                op,
                src1,
                src2,
                pred,
                dst,
            } => {
                debug_assert_eq!(src1, &dst.to_reg(), "two-address SSE: dst must reuse src1");
                sse::emit_xmm_cmp_imm(sink, *op, src2, *pred, dst.to_reg())
            }
            Inst::XmmFma {
                double,
                src1,
                src2,
                src3,
                dst,
            } => {
                debug_assert_eq!(src1, &dst.to_reg(), "fma: dst must reuse src1");
                sse::emit_fma(sink, *double, *src2, src3, dst.to_reg())
            }
            Inst::XmmMovRM { op, src, dst } => sse::emit_xmm_store(sink, *op, *src, dst),
            Inst::XmmCmpRmR { op, src1, src2 } => sse::emit_xmm_rm_r(sink, *op, src2, *src1),
            Inst::GprToXmm {
                op,
                src,
                src_size,
                dst,
            } => sse::emit_gpr_to_xmm(sink, *op, src, *src_size, dst.to_reg()),
            Inst::XmmToGpr {
                op,
                src,
                dst_size,
                dst,
            } => sse::emit_xmm_to_gpr(sink, *op, *src, *dst_size, dst.to_reg()),
            Inst::XmmCmove {
                cc,
                consequent,
                alternative,
                dst,
            } => {
                debug_assert_eq!(
                    alternative,
                    &dst.to_reg(),
                    "xmm cmove: dst must reuse the alternative"
                );
                float_seq::emit_xmm_cmove(sink, *cc, *consequent, dst.to_reg())
            }
            Inst::XmmMinMax {
                is_min,
                double,
                lhs,
                rhs,
                dst,
            } => {
                debug_assert_eq!(rhs, &dst.to_reg(), "fmin/fmax: dst must reuse rhs");
                float_seq::emit_min_max(sink, *is_min, *double, *lhs, dst.to_reg())
            }
            Inst::CvtFloatToInt {
                double,
                dst_size,
                signed,
                saturating,
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
            } => {
                let c = float_seq::FloatToInt {
                    double: *double,
                    dst_size: *dst_size,
                    signed: *signed,
                    saturating: *saturating,
                    src: *src,
                    dst: dst.to_reg(),
                    tmp_gpr: tmp_gpr.to_reg(),
                    tmp_xmm: tmp_xmm.to_reg(),
                };
                float_seq::emit_float_to_int(sink, &c)
            }
            Inst::XmmRoundSeq {
                mode,
                double,
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
            } => {
                let r = float_seq::RoundSeq {
                    mode: *mode,
                    double: *double,
                    src: *src,
                    dst: dst.to_reg(),
                    tmp_gpr: tmp_gpr.to_reg(),
                    tmp_xmm: tmp_xmm.to_reg(),
                };
                float_seq::emit_round_seq(sink, &r)
            }
            Inst::CvtUint64ToFloat {
                double,
                src,
                dst,
                tmp1,
                tmp2,
            } => float_seq::emit_u64_to_float(
                sink,
                *double,
                *src,
                dst.to_reg(),
                tmp1.to_reg(),
                tmp2.to_reg(),
            ),
            Inst::LockCmpxchg {
                size,
                replacement,
                mem,
                ..
            } => atomic::emit_cmpxchg(sink, *size, *replacement, mem),
            Inst::LockXadd {
                size,
                operand,
                mem,
                dst_old,
            } => {
                debug_assert_eq!(
                    operand,
                    &dst_old.to_reg(),
                    "xadd: dst_old must reuse operand"
                );
                atomic::emit_xadd(sink, *size, *operand, mem)
            }
            Inst::Xchg {
                size,
                operand,
                mem,
                dst_old,
            } => {
                debug_assert_eq!(
                    operand,
                    &dst_old.to_reg(),
                    "xchg: dst_old must reuse operand"
                );
                atomic::emit_xchg(sink, *size, *operand, mem)
            }
            Inst::Fence => atomic::emit_fence(sink),
            Inst::AtomicRmwSeq {
                size,
                op,
                mem,
                operand,
                temp,
                dst_old,
            } => atomic::emit_rmw_seq(
                sink,
                *size,
                *op,
                mem,
                *operand,
                temp.to_reg(),
                dst_old.to_reg(),
            ),
            Inst::Nop { len } => control::emit_nop(sink, *len),
            Inst::Jmp { target } => control::emit_jmp(sink, *target),
            Inst::JmpCond {
                cc,
                taken,
                not_taken,
            } => {
                control::emit_jcc(sink, *cc, *taken);
                control::emit_jmp(sink, *not_taken);
            }
            Inst::JmpIf { cc, taken } => control::emit_jcc(sink, *cc, *taken),
            Inst::JmpUnknown { target } => control::emit_indirect(sink, control::EXT_JMP, target),
            Inst::JmpTableSeq {
                idx,
                tmp1,
                tmp2,
                targets,
            } => control::emit_jump_table(sink, *idx, tmp1.to_reg(), tmp2.to_reg(), targets),
            Inst::CallKnown { target, .. } => control::emit_call_known(sink, *target),
            Inst::CallUnknown { target, .. } => {
                control::emit_indirect(sink, control::EXT_CALL, target)
            }
            Inst::Ret { stack_bytes, .. } => control::emit_ret(sink, *stack_bytes),
            Inst::Args { .. } => {}
            Inst::ReturnCallKnown { target, .. } => {
                // `jmp rel32` with the call relocation: same field, same resolution.
                sink.put1(0xe9);
                sink.add_reloc(atoll_codegen::buffer::Reloc::X86CallPCRel4, *target, -4);
                sink.put4(0);
            }
            Inst::ReturnCallUnknown { target, .. } => {
                control::emit_indirect(sink, control::EXT_JMP, &crate::inst::RegMem::Reg(*target))
            }
            Inst::Ud2 { code } => control::emit_ud2(sink, *code),
            Inst::Trapping { code, inst } => {
                sink.add_trap(*code);
                inst.emit(sink, state);
            }
            Inst::TrapIf { cc, code } => control::emit_trap_if(sink, *cc, *code),
            Inst::StackProbeLoop {
                frame_size,
                guard_size,
                tmp,
            } => control::emit_stack_probe_loop(sink, *frame_size, *guard_size, tmp.to_reg()),
            Inst::Push64 { src } => control::emit_push(sink, *src),
            Inst::Pop64 { dst } => control::emit_pop(sink, dst.to_reg()),
        }
    }
}
