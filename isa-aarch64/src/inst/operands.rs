//! The register-allocation view of [`Inst`]: operand walk, moves, terminators, and
//! the rest of [`MachInst`].
//!
//! Operand order per instruction is uses first, then defs (regalloc2 does not care,
//! but keeping one habit makes the walk easy to audit against the variant's fields).
//!
//! Invariants:
//! - Pre/post-indexed (writeback) bases are real registers (in practice `sp` in
//!   prologues and epilogues) and are not visited: a single field cannot be both
//!   the use and the def regalloc2 needs for a modified virtual register.
//! - Two-address forms (`movk`, `sli`) carry their input in a separate field tied to
//!   the destination with a reuse constraint.
//! - `JTSequence` writes its temporaries before reading the index: early defs.

use atoll_codegen::buffer::{CodeOffset, CodeSink, MachLabel};
use atoll_codegen::ir::Type;
use atoll_codegen::machinst::{
    scalar64, FrameLayout, MachInst, MachInstEmitState, MachTerminator, OperandVisitor,
    UnsupportedType,
};

use super::*;
use crate::emit::EmitState;
use crate::label_use::LabelUse;
use crate::regs::is_zero_reg;

/// A use of an sp-slot operand (`sp` itself is not an allocator operand). The
/// allocator only assigns allocatable registers, never `xzr`; a visitor that wrote
/// `xzr` here would break the sp-slot invariant, so that is checked.
fn use_sp(r: &mut RegOrSp, v: &mut impl OperandVisitor) {
    if let Some(reg) = r.reg_mut() {
        v.reg_use(reg);
        assert!(
            !is_zero_reg(*reg),
            "an operand visitor wrote xzr into an sp-slot"
        );
    }
}

/// A def of an sp-slot operand (see [`use_sp`]).
fn def_sp(rd: &mut Writable<RegOrSp>, v: &mut impl OperandVisitor) {
    if let Some(reg) = rd.to_reg().as_reg() {
        let mut w = Writable::from_reg(reg);
        v.reg_def(&mut w);
        let r = RegOrSp::reg(w.to_reg()).expect("an operand visitor wrote xzr into an sp-slot");
        *rd = Writable::from_reg(r);
    }
}

fn writeback_base_is_real(rn: Writable<RegOrSp>) -> bool {
    rn.to_reg().as_reg().is_none_or(|r| r.is_real())
}

fn amode_operands(mem: &mut AMode, v: &mut impl OperandVisitor) {
    match mem {
        AMode::UImm12 { rn, .. } | AMode::Unscaled { rn, .. } => use_sp(rn, v),
        AMode::PreIndexed { rn, .. } | AMode::PostIndexed { rn, .. } => {
            debug_assert!(
                writeback_base_is_real(*rn),
                "writeback addressing needs a real base register"
            );
        }
        AMode::RegExtended { rn, rm, .. } => {
            use_sp(rn, v);
            v.reg_use(rm);
        }
        AMode::Label { .. } | AMode::SpOffset { .. } | AMode::SlotOffset { .. } => {}
    }
}

fn pair_amode_operands(mem: &mut PairAMode, v: &mut impl OperandVisitor) {
    match mem {
        PairAMode::SignedOffset { rn, .. } => use_sp(rn, v),
        PairAMode::PreIndexed { rn, .. } | PairAMode::PostIndexed { rn, .. } => {
            debug_assert!(
                writeback_base_is_real(*rn),
                "writeback addressing needs a real base register"
            );
        }
    }
}

fn cond_operands(kind: &mut CondBrKind, v: &mut impl OperandVisitor) {
    match kind {
        CondBrKind::Zero(r, _) | CondBrKind::NotZero(r, _) => v.reg_use(r),
        CondBrKind::Cond(_) => {}
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

impl Inst {
    /// Walk every register field (see the module doc for the order and exceptions).
    pub fn visit_operands(&mut self, v: &mut impl OperandVisitor) {
        match self {
            Inst::AluRRImm12 { rd, rn, .. } => {
                use_sp(rn, v);
                def_sp(rd, v);
            }
            Inst::AluRRImm12S { rd, rn, .. } => {
                use_sp(rn, v);
                v.reg_def(rd);
            }
            Inst::AluRRImmLogic { rd, rn, .. } => {
                v.reg_use(rn);
                def_sp(rd, v);
            }
            Inst::AluRRRExtend { rd, rn, rm, .. } => {
                use_sp(rn, v);
                v.reg_use(rm);
                def_sp(rd, v);
            }
            Inst::AluRRRExtendS { rd, rn, rm, .. } => {
                use_sp(rn, v);
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::AluRRR { rd, rn, rm, .. }
            | Inst::AluRRRShift { rd, rn, rm, .. }
            | Inst::CSel { rd, rn, rm, .. }
            | Inst::FpuRRR { rd, rn, rm, .. }
            | Inst::FpuCSel { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::AluRRRR { rd, rn, rm, ra, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_use(ra);
                v.reg_def(rd);
            }
            Inst::AluRRImmLogicS { rd, rn, .. }
            | Inst::AluRRImmShift { rd, rn, .. }
            | Inst::BitRR { rd, rn, .. }
            | Inst::Extend { rd, rn, .. }
            | Inst::FpuRR { rd, rn, .. }
            | Inst::FpuRound { rd, rn, .. }
            | Inst::FpuToInt { rd, rn, .. }
            | Inst::IntToFpu { rd, rn, .. }
            | Inst::MovToFpu { rd, rn, .. }
            | Inst::MovFromFpu { rd, rn, .. }
            | Inst::FpuMove { rd, rn, .. }
            | Inst::FpuMove128 { rd, rn }
            | Inst::FpuUShr { rd, rn, .. } => {
                v.reg_use(rn);
                v.reg_def(rd);
            }
            Inst::Mov { rd, rm, .. } => {
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::MovWide { rd, .. }
            | Inst::CSet { rd, .. }
            | Inst::CSetm { rd, .. }
            | Inst::FpuMoveImm { rd, .. }
            | Inst::Adr { rd, .. }
            | Inst::Adrp { rd, .. }
            | Inst::SlotAddr { rd, .. }
            | Inst::FuncAddrStub { rd, .. }
            | Inst::LoadIncoming { rd, .. } => v.reg_def(rd),
            Inst::MovK { rd, rn, .. } => v.reg_mod(rn, rd),
            Inst::FpuSli { rd, ri, rn, .. } => {
                v.reg_use(rn);
                v.reg_mod(ri, rd);
            }
            Inst::CCmp { rn, rm, .. } | Inst::FpuCmp { rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
            }
            Inst::CCmpImm { rn, .. } | Inst::FpuCmpZero { rn, .. } => v.reg_use(rn),
            Inst::Load { rd, mem, .. } => {
                amode_operands(mem, v);
                v.reg_def(rd);
            }
            Inst::Store { rt, mem, .. } => {
                v.reg_use(rt);
                amode_operands(mem, v);
            }
            Inst::LoadPair { rt, rt2, mem, .. } => {
                pair_amode_operands(mem, v);
                v.reg_def(rt);
                v.reg_def(rt2);
            }
            Inst::StorePair { rt, rt2, mem, .. } => {
                v.reg_use(rt);
                v.reg_use(rt2);
                pair_amode_operands(mem, v);
            }
            Inst::CondBr { kind, .. }
            | Inst::OneWayCondBr { kind, .. }
            | Inst::TrapIf { kind, .. } => cond_operands(kind, v),
            Inst::TestBitAndBranch { rn, .. } | Inst::IndirectBr { rn } => v.reg_use(rn),
            Inst::JTSequence {
                ridx, rtmp1, rtmp2, ..
            } => {
                v.reg_use(ridx);
                v.reg_early_def(rtmp1);
                v.reg_early_def(rtmp2);
            }
            Inst::Call { info, .. } | Inst::CallLabel { info, .. } => call_operands(info, v),
            Inst::CallInd { rn, info } => {
                v.reg_use(rn);
                call_operands(info, v);
            }
            Inst::ReturnCall { uses, .. } => {
                for (r, p) in uses.iter_mut() {
                    v.reg_fixed_use(r, *p);
                }
            }
            Inst::Ret { rets } => {
                for (r, p) in rets.iter_mut() {
                    v.reg_fixed_use(r, *p);
                }
            }
            Inst::Args { args } => {
                for (r, p) in args.iter_mut() {
                    v.reg_fixed_def(r, *p);
                }
            }
            Inst::LoadAcquire { rt, rn, .. } => {
                v.reg_use(rn);
                v.reg_def(rt);
            }
            Inst::StoreRelease { rt, rn, .. } => {
                v.reg_use(rt);
                v.reg_use(rn);
            }
            Inst::AtomicRMWLoop {
                addr,
                operand,
                old,
                new,
                status,
                ..
            } => {
                v.reg_use(addr);
                v.reg_use(operand);
                v.reg_early_def(old);
                v.reg_early_def(new);
                v.reg_early_def(status);
            }
            Inst::AtomicCASLoop {
                addr,
                expected,
                replacement,
                old,
                status,
                ..
            } => {
                v.reg_use(addr);
                v.reg_use(expected);
                v.reg_use(replacement);
                v.reg_early_def(old);
                v.reg_early_def(status);
            }
            Inst::Jump { .. } | Inst::Udf { .. } | Inst::Brk { .. } | Inst::Nop4 => {}
        }
    }

    /// Upper bound on the bytes this instruction emits. Only `JTSequence` exceeds
    /// [`MachInst::worst_case_size`] (20 bytes + 4 per table entry): an emission
    /// driver must ask for an island with this size before emitting one.
    pub fn max_size(&self) -> CodeOffset {
        match self {
            Inst::JTSequence { targets, .. } => 20 + 4 * targets.len() as CodeOffset,
            Inst::Args { .. } => 0,
            Inst::CondBr { .. } | Inst::TrapIf { .. } => 8,
            // Up to four instructions load `x16` first.
            Inst::Load {
                mem: AMode::SpOffset { .. } | AMode::SlotOffset { .. },
                ..
            }
            | Inst::Store {
                mem: AMode::SpOffset { .. } | AMode::SlotOffset { .. },
                ..
            }
            | Inst::SlotAddr { .. }
            | Inst::LoadIncoming { .. } => 20,
            Inst::AtomicRMWLoop { .. } | Inst::AtomicCASLoop { .. } => 24,
            Inst::FuncAddrStub { .. } => 12,
            _ => 4,
        }
    }
}

impl MachInstEmitState for EmitState {
    fn new(frame: &FrameLayout) -> Self {
        EmitState {
            stack_slot_offsets: frame.stack_slot_offsets.clone(),
            frame_size: frame.total_size(),
        }
    }
}

impl MachInst for Inst {
    type LabelUse = LabelUse;
    type State = EmitState;
    type Info = ();

    fn get_operands(&mut self, visitor: &mut impl OperandVisitor) {
        self.visit_operands(visitor)
    }

    fn is_move(&self) -> Option<(Writable<Reg>, Reg)> {
        match *self {
            Inst::Mov {
                size: OperandSize::Size64,
                rd,
                rm,
            } => Some((rd, rm)),
            Inst::FpuMove128 { rd, rn } => Some((rd, rn)),
            _ => None,
        }
    }

    fn is_term(&self) -> MachTerminator {
        match self {
            Inst::Jump { .. }
            | Inst::CondBr { .. }
            | Inst::IndirectBr { .. }
            | Inst::JTSequence { .. } => MachTerminator::Branch,
            Inst::Ret { .. } | Inst::ReturnCall { .. } => MachTerminator::Ret,
            Inst::Udf { .. } => MachTerminator::Trap,
            _ => MachTerminator::None,
        }
    }

    fn is_safepoint(&self) -> bool {
        matches!(
            self,
            Inst::Call { .. } | Inst::CallLabel { .. } | Inst::CallInd { .. }
        )
    }

    fn gen_move(dst: Writable<Reg>, src: Reg, class: RegClass) -> Self {
        Inst::gen_move(dst, src, class)
    }

    fn gen_jump(target: MachLabel) -> Self {
        Inst::Jump { dest: target }
    }

    fn print(&self) -> String {
        Inst::print(self)
    }

    fn gen_nop(_preferred_size: usize) -> Self {
        Inst::Nop4
    }

    fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType> {
        scalar64::rc_for_type(ty)
    }

    fn canonical_type_for_rc(class: RegClass) -> Type {
        scalar64::canonical_type_for_rc(class)
    }

    fn spillslot_size(class: RegClass) -> usize {
        scalar64::spillslot_size(class)
    }

    fn worst_case_size() -> CodeOffset {
        // The longest single instruction: an atomic read-modify-write loop (6 words).
        24
    }

    fn emit(&self, sink: &mut impl CodeSink<LabelUse>, _info: &(), state: &mut EmitState) {
        Inst::emit(self, sink, state)
    }
}

#[cfg(test)]
#[path = "operands_tests.rs"]
mod tests;
