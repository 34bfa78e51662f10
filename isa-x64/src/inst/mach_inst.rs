//! `Inst` as an `atoll_codegen::machinst::MachInst`: operand collection for
//! regalloc2 and the few instructions the framework synthesizes.
//!
//! Operand conventions (see `atoll_codegen::machinst::operands`):
//! - two-address forms are `reg_mod(src1, dst)` (dst reuses src1's register);
//! - implicit registers are fixed constraints on virtual registers: `rax`/`rdx` of
//!   `mul`/`div`/`cqo`, `rcx` of variable shifts, argument/result registers of calls
//!   and returns;
//! - address registers are plain early uses;
//! - the jump-table sequence writes its temporaries before reading the index, so they
//!   are early defs.

use atoll_codegen::buffer::{CodeOffset, CodeSink, MachLabel};
use atoll_codegen::ir::Type;
use atoll_codegen::machinst::{
    scalar64, FrameLayout, MachInst, MachInstEmitState, MachTerminator, OperandVisitor, Reg,
    RegClass, RegConstraint, UnsupportedType, Writable,
};
use regalloc2::{OperandKind, OperandPos};

use super::*;
use crate::emit::EmitState;
use crate::label_use::{LabelUse, MAX_NOP_LEN};
use crate::regs::{enc, gpr_preg};

fn amode_uses(a: &mut Amode, v: &mut impl OperandVisitor) {
    match a {
        Amode::ImmReg { base, .. } => v.reg_use(base),
        Amode::ImmRegRegShift { base, index, .. } => {
            v.reg_use(base);
            v.reg_use(index);
        }
        Amode::RipRelative { .. } => {}
    }
}

fn rm_uses(rm: &mut RegMem, v: &mut impl OperandVisitor) {
    match rm {
        RegMem::Reg(r) => v.reg_use(r),
        RegMem::Mem(a) => amode_uses(a, v),
    }
}

fn rmi_uses(rmi: &mut RegMemImm, v: &mut impl OperandVisitor) {
    match rmi {
        RegMemImm::Reg(r) => v.reg_use(r),
        RegMemImm::Mem(a) => amode_uses(a, v),
        RegMemImm::Imm(_) => {}
    }
}

impl Inst {
    /// Visit every register field in a fixed order (the `MachInst::get_operands` walk).
    pub fn visit_operands(&mut self, v: &mut impl OperandVisitor) {
        let rax = gpr_preg(enc::RAX);
        let rcx = gpr_preg(enc::RCX);
        let rdx = gpr_preg(enc::RDX);
        match self {
            Inst::AluRmiR {
                src1, src2, dst, ..
            } => {
                rmi_uses(src2, v);
                v.reg_mod(src1, dst);
            }
            Inst::CmpRmiR { src1, src2, .. } => {
                v.reg_use(src1);
                rmi_uses(src2, v);
            }
            Inst::Unary { src, dst, .. } | Inst::Bswap { src, dst, .. } => v.reg_mod(src, dst),
            Inst::BitCount { src, dst, .. }
            | Inst::MovzxRmR { src, dst, .. }
            | Inst::MovsxRmR { src, dst, .. } => {
                rm_uses(src, v);
                v.reg_def(dst);
            }
            Inst::Shift { src, by, dst, .. } => {
                if let ShiftBy::Cl(count) = by {
                    v.reg_fixed_use(count, rcx);
                }
                v.reg_mod(src, dst);
            }
            Inst::MulWide {
                src1,
                src2,
                dst_lo,
                dst_hi,
                ..
            } => {
                v.reg_fixed_use(src1, rax);
                rm_uses(src2, v);
                v.reg_fixed_def(dst_lo, rax);
                v.reg_fixed_def(dst_hi, rdx);
            }
            Inst::IMul {
                src1, src2, dst, ..
            } => {
                rm_uses(src2, v);
                v.reg_mod(src1, dst);
            }
            Inst::IMulImm { src, dst, .. } => {
                rm_uses(src, v);
                v.reg_def(dst);
            }
            Inst::Div {
                divisor,
                dividend_lo,
                dividend_hi,
                dst_quotient,
                dst_remainder,
                ..
            } => {
                v.reg_fixed_use(dividend_lo, rax);
                v.reg_fixed_use(dividend_hi, rdx);
                rm_uses(divisor, v);
                v.reg_fixed_def(dst_quotient, rax);
                v.reg_fixed_def(dst_remainder, rdx);
            }
            Inst::SignExtendData { src, dst, .. } => {
                v.reg_fixed_use(src, rax);
                v.reg_fixed_def(dst, rdx);
            }
            Inst::Setcc { dst, .. }
            | Inst::MovImm { dst, .. }
            | Inst::LoadExtName { dst, .. }
            | Inst::StackAddr { dst, .. } => v.reg_def(dst),
            Inst::Cmove {
                consequent,
                alternative,
                dst,
                ..
            } => {
                rm_uses(consequent, v);
                v.reg_mod(alternative, dst);
            }
            Inst::MovRR { src, dst, .. } | Inst::XmmToGpr { src, dst, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            Inst::Mov64MR { src, dst } | Inst::Lea { src, dst, .. } => {
                amode_uses(src, v);
                v.reg_def(dst);
            }
            Inst::MovRM { src, dst, .. } | Inst::XmmMovRM { src, dst, .. } => {
                v.reg_use(src);
                amode_uses(dst, v);
            }
            Inst::MovImmM { dst, .. } => amode_uses(dst, v),
            Inst::XmmRmR {
                src1, src2, dst, ..
            }
            | Inst::XmmCmpImm {
                src1, src2, dst, ..
            } => {
                rm_uses(src2, v);
                v.reg_mod(src1, dst);
            }
            Inst::XmmUnaryRmR { src, dst, .. }
            | Inst::XmmRound { src, dst, .. }
            | Inst::GprToXmm { src, dst, .. } => {
                rm_uses(src, v);
                v.reg_def(dst);
            }
            Inst::XmmCmpRmR { src1, src2, .. } => {
                v.reg_use(src1);
                rm_uses(src2, v);
            }
            Inst::XmmFma {
                src1,
                src2,
                src3,
                dst,
                ..
            } => {
                v.reg_use(src2);
                rm_uses(src3, v);
                v.reg_mod(src1, dst);
            }
            Inst::XmmCmove {
                consequent,
                alternative,
                dst,
                ..
            } => {
                v.reg_use(consequent);
                v.reg_mod(alternative, dst);
            }
            Inst::XmmMinMax { lhs, rhs, dst, .. } => {
                v.reg_use(lhs);
                v.reg_mod(rhs, dst);
            }
            Inst::CvtFloatToInt {
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
                ..
            }
            | Inst::XmmRoundSeq {
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
                ..
            } => {
                v.reg_use(src);
                v.reg_early_def(dst);
                v.reg_early_def(tmp_gpr);
                v.reg_early_def(tmp_xmm);
            }
            Inst::CvtUint64ToFloat {
                src,
                dst,
                tmp1,
                tmp2,
                ..
            } => {
                v.reg_use(src);
                v.reg_early_def(dst);
                v.reg_early_def(tmp1);
                v.reg_early_def(tmp2);
            }
            Inst::LockCmpxchg {
                replacement,
                expected,
                mem,
                dst_old,
                ..
            } => {
                v.reg_use(replacement);
                amode_uses(mem, v);
                v.reg_fixed_use(expected, rax);
                v.reg_fixed_def(dst_old, rax);
            }
            Inst::LockXadd {
                operand,
                mem,
                dst_old,
                ..
            }
            | Inst::Xchg {
                operand,
                mem,
                dst_old,
                ..
            } => {
                amode_uses(mem, v);
                v.reg_mod(operand, dst_old);
            }
            Inst::AtomicRmwSeq {
                mem,
                operand,
                temp,
                dst_old,
                ..
            } => {
                // The loop rereads the address and operand after writing both outputs.
                amode_uses(mem, v);
                v.reg_use(operand);
                v.reg_early_def(temp);
                let mut old = dst_old.to_reg();
                v.add_operand(
                    &mut old,
                    RegConstraint::Fixed(rax),
                    OperandKind::Def,
                    OperandPos::Early,
                );
                *dst_old = Writable::from_reg(old);
            }
            Inst::JmpUnknown { target } => rm_uses(target, v),
            Inst::JmpTableSeq {
                idx, tmp1, tmp2, ..
            } => {
                v.reg_use(idx);
                v.reg_early_def(tmp1);
                v.reg_early_def(tmp2);
            }
            Inst::CallKnown { info, .. } => call_operands(info, v),
            Inst::CallUnknown { target, info } => {
                rm_uses(target, v);
                call_operands(info, v);
            }
            Inst::ReturnCallUnknown {
                target,
                target_reg,
                args,
            } => {
                v.reg_fixed_use(target, *target_reg);
                for (r, p) in args.iter_mut() {
                    v.reg_fixed_use(r, *p);
                }
            }
            Inst::ReturnCallKnown { args: rets, .. } | Inst::Ret { rets, .. } => {
                for (r, p) in rets.iter_mut() {
                    v.reg_fixed_use(r, *p);
                }
            }
            Inst::Args { args } => {
                for (r, p) in args.iter_mut() {
                    v.reg_fixed_def(r, *p);
                }
            }
            Inst::StackProbeLoop { tmp, .. } => v.reg_early_def(tmp),
            Inst::Trapping { inst, .. } => inst.visit_operands(v),
            Inst::Push64 { src } => v.reg_use(src),
            Inst::Pop64 { dst } => v.reg_def(dst),
            Inst::Nop { .. }
            | Inst::Jmp { .. }
            | Inst::JmpCond { .. }
            | Inst::JmpIf { .. }
            | Inst::Ud2 { .. }
            | Inst::TrapIf { .. }
            | Inst::Fence => {}
        }
    }
}

fn call_operands(info: &mut CallInfo, v: &mut impl OperandVisitor) {
    for (r, p) in info.uses.iter_mut() {
        v.reg_fixed_use(r, *p);
    }
    for (r, p) in info.defs.iter_mut() {
        v.reg_fixed_def(r, *p);
    }
    v.add_clobbers(info.clobbers);
}

impl MachInstEmitState for EmitState {
    fn new(frame: &FrameLayout) -> Self {
        EmitState {
            stack_slot_offsets: frame.stack_slot_offsets.clone(),
        }
    }
}

impl MachInst for Inst {
    type LabelUse = LabelUse;
    type State = EmitState;
    type Info = ();

    fn get_operands(&mut self, visitor: &mut impl OperandVisitor) {
        self.visit_operands(visitor);
    }

    fn is_move(&self) -> Option<(Writable<Reg>, Reg)> {
        match *self {
            // A 32-bit `mov` zero-extends, so only the 64-bit one is a plain copy.
            Inst::MovRR {
                size: OperandSize::S64,
                src,
                dst,
            } => Some((dst, src)),
            Inst::XmmUnaryRmR {
                op: SseOp::Movaps | SseOp::Movapd | SseOp::Movups,
                src: RegMem::Reg(src),
                dst,
            } => Some((dst, src)),
            _ => None,
        }
    }

    fn is_term(&self) -> MachTerminator {
        match self {
            Inst::Jmp { .. }
            | Inst::JmpCond { .. }
            | Inst::JmpUnknown { .. }
            | Inst::JmpTableSeq { .. } => MachTerminator::Branch,
            Inst::Ret { .. } | Inst::ReturnCallKnown { .. } | Inst::ReturnCallUnknown { .. } => {
                MachTerminator::Ret
            }
            Inst::Ud2 { .. } => MachTerminator::Trap,
            _ => MachTerminator::None,
        }
    }

    fn is_safepoint(&self) -> bool {
        matches!(self, Inst::CallKnown { .. } | Inst::CallUnknown { .. })
    }

    fn gen_move(dst: Writable<Reg>, src: Reg, class: RegClass) -> Self {
        match class {
            RegClass::Int => Inst::MovRR {
                size: OperandSize::S64,
                src,
                dst,
            },
            RegClass::Float | RegClass::Vector => Inst::XmmUnaryRmR {
                op: SseOp::Movaps,
                src: RegMem::Reg(src),
                dst,
            },
        }
    }

    fn gen_jump(target: MachLabel) -> Self {
        Inst::Jmp { target }
    }

    fn gen_nop(preferred_size: usize) -> Self {
        Inst::Nop {
            len: preferred_size.clamp(1, MAX_NOP_LEN) as u8,
        }
    }

    /// Integers up to 64 bits live in one general-purpose register, `i128` in two
    /// (low half first); floats in one xmm register.
    fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType> {
        scalar64::rc_for_type(ty)
    }

    /// Moves, spills and reloads transfer a whole 64-bit register or the low 64 bits
    /// of an xmm register (scalar floats).
    fn canonical_type_for_rc(class: RegClass) -> Type {
        scalar64::canonical_type_for_rc(class)
    }

    fn spillslot_size(class: RegClass) -> usize {
        scalar64::spillslot_size(class)
    }

    /// Covers the longest pseudo-instruction sequence (`CvtFloatToInt`, about 100
    /// bytes; checked by `tests/float_seq_exec.rs`); single instructions are at most
    /// 15. `JmpTableSeq` is the one exception (18 bytes plus 4 per entry); no x64
    /// label use has a reach short enough for that to matter (all are ±2 GiB).
    fn worst_case_size() -> CodeOffset {
        128
    }

    fn print(&self) -> String {
        Inst::print(self)
    }

    fn emit(&self, sink: &mut impl CodeSink<LabelUse>, _info: &(), state: &mut EmitState) {
        Inst::emit(self, sink, state);
    }
}

#[cfg(test)]
mod tests {
    use atoll_codegen::machinst::{AllocApplier, OperandCollector, VReg, PINNED};
    use regalloc2::{Allocation, OperandConstraint, OperandKind};

    use super::*;
    use crate::imms::Simm32;
    use crate::regs;

    fn v(n: usize) -> Reg {
        Reg::from_virtual(VReg::new(PINNED + n, RegClass::Int))
    }

    fn collect(inst: &Inst) -> Vec<(usize, OperandConstraint, OperandKind)> {
        let mut c = OperandCollector::default();
        inst.clone().get_operands(&mut c);
        c.operands
            .iter()
            .map(|o| (o.vreg().vreg() - PINNED, o.constraint(), o.kind()))
            .collect()
    }

    #[test]
    fn two_address_alu_reuses_src1() {
        let inst = Inst::AluRmiR {
            size: OperandSize::S32,
            op: AluOp::Add,
            src1: v(0),
            src2: RegMemImm::Mem(Amode::imm_reg(8, v(1))),
            dst: Writable::from_reg(v(2)),
        };
        assert_eq!(
            collect(&inst),
            vec![
                (1, OperandConstraint::Reg, OperandKind::Use),
                (0, OperandConstraint::Reg, OperandKind::Use),
                (2, OperandConstraint::Reuse(1), OperandKind::Def),
            ]
        );
    }

    #[test]
    fn division_pins_rax_and_rdx() {
        let inst = Inst::Div {
            size: OperandSize::S64,
            signed: true,
            divisor: RegMem::Reg(v(2)),
            dividend_lo: v(0),
            dividend_hi: v(1),
            dst_quotient: Writable::from_reg(v(3)),
            dst_remainder: Writable::from_reg(v(4)),
            trap: atoll_codegen::ir::TrapCode::INTEGER_DIVISION_BY_ZERO,
        };
        let rax = gpr_preg(enc::RAX);
        let rdx = gpr_preg(enc::RDX);
        assert_eq!(
            collect(&inst),
            vec![
                (0, OperandConstraint::FixedReg(rax), OperandKind::Use),
                (1, OperandConstraint::FixedReg(rdx), OperandKind::Use),
                (2, OperandConstraint::Reg, OperandKind::Use),
                (3, OperandConstraint::FixedReg(rax), OperandKind::Def),
                (4, OperandConstraint::FixedReg(rdx), OperandKind::Def),
            ]
        );
    }

    #[test]
    fn applier_rewrites_every_field_then_emits() {
        let mut inst = Inst::Shift {
            size: OperandSize::S64,
            kind: ShiftKind::Shl,
            src: v(0),
            by: ShiftBy::Cl(v(1)),
            dst: Writable::from_reg(v(2)),
        };
        let ops = collect(&inst);
        assert_eq!(ops[0].1, OperandConstraint::FixedReg(gpr_preg(enc::RCX)));
        let allocs = [
            Allocation::reg(gpr_preg(enc::RCX)),
            Allocation::reg(gpr_preg(enc::R9)),
            Allocation::reg(gpr_preg(enc::R9)),
        ];
        let mut applier = AllocApplier::new(&allocs);
        inst.get_operands(&mut applier);
        assert_eq!(applier.bad, 0);
        assert_eq!(inst.print(), "shl r9, cl");
        let mut sink = atoll_codegen::testing::RecordingSink::<LabelUse>::default();
        MachInst::emit(&inst, &mut sink, &(), &mut EmitState::default());
        assert_eq!(sink.bytes, [0x49, 0xd3, 0xe1]);
    }

    #[test]
    fn atomic_loop_outputs_are_early_so_they_never_share_an_input_register() {
        let inst = Inst::AtomicRmwSeq {
            size: OperandSize::S32,
            op: AtomicRmwOp::Nand,
            mem: Amode::imm_reg(0, v(0)),
            operand: v(1),
            temp: Writable::from_reg(v(2)),
            dst_old: Writable::from_reg(v(3)),
        };
        let mut c = OperandCollector::default();
        inst.clone().get_operands(&mut c);
        let got: Vec<_> = c
            .operands
            .iter()
            .map(|o| (o.constraint(), o.kind(), o.pos()))
            .collect();
        use regalloc2::OperandPos::*;
        assert_eq!(
            got,
            vec![
                (OperandConstraint::Reg, OperandKind::Use, Early),
                (OperandConstraint::Reg, OperandKind::Use, Early),
                (OperandConstraint::Reg, OperandKind::Def, Early),
                (
                    OperandConstraint::FixedReg(gpr_preg(enc::RAX)),
                    OperandKind::Def,
                    Early
                ),
            ]
        );
    }

    #[test]
    fn framework_synthesized_instructions() {
        let mv = Inst::gen_move(Writable::from_reg(regs::rax()), regs::rbx(), RegClass::Int);
        assert_eq!(mv.print(), "mov rax, rbx");
        assert!(mv.is_move().is_some());
        let xmv = Inst::gen_move(
            Writable::from_reg(regs::xmm(1)),
            regs::xmm(2),
            RegClass::Float,
        );
        assert_eq!(xmv.print(), "movaps xmm1, xmm2");
        assert!(Inst::MovRR {
            size: OperandSize::S32,
            src: regs::rbx(),
            dst: Writable::from_reg(regs::rax())
        }
        .is_move()
        .is_none());
        assert_eq!(
            Inst::gen_jump(MachLabel(4)).is_term(),
            MachTerminator::Branch
        );
        assert_eq!(Inst::gen_nop(100), Inst::Nop { len: 9 });
        assert_eq!(
            Inst::Ud2 {
                code: atoll_codegen::ir::TrapCode::STACK_OVERFLOW
            }
            .is_term(),
            MachTerminator::Trap
        );
        let imm = Inst::IMulImm {
            size: OperandSize::S32,
            src: RegMem::Reg(v(0)),
            imm: Simm32::from_i32(3),
            dst: Writable::from_reg(v(1)),
        };
        assert_eq!(imm.is_term(), MachTerminator::None);
    }
}
