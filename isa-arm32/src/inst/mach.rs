//! [`MachInst`] for A32: operands for regalloc2, moves, terminators, sizes.
//!
//! `get_operands` visits every register field in a fixed order (uses before defs,
//! memory operands in field order). Forms that only make sense on real registers
//! after allocation (see the module doc of [`super`]) are checked in debug builds
//! when they carry a virtual register.

use atoll_codegen::buffer::{CodeOffset, CodeSink, MachLabel};
use atoll_codegen::ir::Type;
use atoll_codegen::machinst::{
    FrameLayout, MachInst, MachInstEmitState, MachTerminator, OperandVisitor, Reg, RegClass,
    UnsupportedType, Writable,
};

use super::*;
use crate::emit::EmitState;
use crate::label_use::LabelUse;

impl MachInstEmitState for EmitState {
    fn new(frame: &FrameLayout) -> Self {
        EmitState {
            stack_slot_offsets: frame.stack_slot_offsets.clone(),
        }
    }
}

fn is_virtual(r: Reg) -> bool {
    !r.is_real()
}

/// Post-allocation-only forms must not carry virtual registers (a lowering bug).
fn check_post_ra(cond: Cond, rd: Writable<Reg>, what: &str) {
    debug_assert!(
        cond == Cond::Al || !is_virtual(rd.to_reg()),
        "conditional {what} defines virtual {:?}: use CSel/CSet/FpuCSel in SSA code",
        rd.to_reg()
    );
}

fn op2_uses(op2: &mut Operand2, v: &mut impl OperandVisitor) {
    match op2 {
        Operand2::Imm(_) => {}
        Operand2::Reg(rm) | Operand2::RegShiftImm(rm, _, _) => v.reg_use(rm),
        Operand2::RegShiftReg(rm, _, rs) => {
            v.reg_use(rm);
            v.reg_use(rs);
        }
    }
}

fn amode_uses(mem: &mut AMode, v: &mut impl OperandVisitor) {
    match mem {
        AMode::Offset { rn, .. } => v.reg_use(rn),
        AMode::RegOffset { rn, index } => {
            v.reg_use(rn);
            v.reg_use(&mut index.rm);
        }
        AMode::PreIndex { rn, .. } | AMode::PostIndex { rn, .. } => {
            debug_assert!(
                !is_virtual(*rn),
                "writeback addressing on virtual base {rn:?}"
            );
            v.reg_use(rn);
        }
        AMode::Literal(_) => {}
    }
}

fn amode_extra_uses(mem: &mut AModeExtra, v: &mut impl OperandVisitor) {
    match mem {
        AModeExtra::Offset { rn, .. } => v.reg_use(rn),
        AModeExtra::RegOffset { rn, rm, .. } => {
            v.reg_use(rn);
            v.reg_use(rm);
        }
        AModeExtra::PreIndex { rn, .. } | AModeExtra::PostIndex { rn, .. } => {
            debug_assert!(
                !is_virtual(*rn),
                "writeback addressing on virtual base {rn:?}"
            );
            v.reg_use(rn);
        }
    }
}

fn vfp_amode_uses(mem: &mut VfpAMode, v: &mut impl OperandVisitor) {
    if let VfpAMode::Offset { rn, .. } = mem {
        v.reg_use(rn);
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

/// Largest encoding of any instruction except `JumpTable`: `FpuToIntChecked`
/// (13 words).
const WORST_CASE_SIZE: CodeOffset = 52;

impl MachInst for Inst {
    type LabelUse = LabelUse;
    type State = EmitState;
    type Info = ();

    fn get_operands(&mut self, v: &mut impl OperandVisitor) {
        match self {
            Inst::Alu {
                cond, rd, rn, op2, ..
            } => {
                check_post_ra(*cond, *rd, "ALU op");
                v.reg_use(rn);
                op2_uses(op2, v);
                v.reg_def(rd);
            }
            Inst::Cmp { rn, op2, .. } => {
                v.reg_use(rn);
                op2_uses(op2, v);
            }
            Inst::Mov { cond, rd, op2, .. } => {
                check_post_ra(*cond, *rd, "mov");
                op2_uses(op2, v);
                v.reg_def(rd);
            }
            Inst::MovWide { top, cond, rd, .. } => {
                check_post_ra(if *top { Cond::Eq } else { *cond }, *rd, "movw/movt");
                v.reg_def(rd);
            }
            Inst::CSel { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_mod(rm, rd);
            }
            Inst::CSet { rd, .. } | Inst::LoadConst32 { rd, .. } | Inst::SlotAddr { rd, .. } => {
                v.reg_def(rd)
            }
            Inst::Mul { op, rd, rn, rm, ra } => {
                v.reg_use(rn);
                v.reg_use(rm);
                if *op != MulOp::Mul {
                    v.reg_use(ra);
                }
                v.reg_def(rd);
            }
            Inst::MulLong {
                rd_lo,
                rd_hi,
                rn,
                rm,
                ..
            } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_def(rd_lo);
                v.reg_def(rd_hi);
            }
            Inst::Div { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::Bit { rd, rm, .. } | Inst::Extend { rd, rm, .. } => {
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::Load { rt, mem, .. } => {
                amode_uses(mem, v);
                v.reg_def(rt);
            }
            Inst::Store { rt, mem, .. } => {
                v.reg_use(rt);
                amode_uses(mem, v);
            }
            Inst::LoadExtra { rt, mem, .. } => {
                amode_extra_uses(mem, v);
                v.reg_def(rt);
            }
            Inst::SpLoad { rt, .. } => v.reg_def(rt),
            Inst::SpStore { rt, .. } => v.reg_use(rt),
            Inst::StoreHalf { rt, mem } => {
                v.reg_use(rt);
                amode_extra_uses(mem, v);
            }
            // Register masks of real registers: prologue/epilogue only.
            Inst::Push { .. } | Inst::Pop { .. } | Inst::VPush { .. } | Inst::VPop { .. } => {}
            Inst::FpuRRR {
                cond, rd, rn, rm, ..
            } => {
                check_post_ra(*cond, *rd, "VFP op");
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::FpuRR { cond, rd, rm, .. } => {
                check_post_ra(*cond, *rd, "VFP op");
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::FpuCSel { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_mod(rm, rd);
            }
            Inst::FpuCmp { rn, rm, .. } => {
                v.reg_use(rn);
                if let Some(rm) = rm {
                    v.reg_use(rm);
                }
            }
            Inst::FpuToFlags => {}
            Inst::FpuMinMax { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_early_def(rd);
            }
            Inst::FpuToIntChecked {
                rd,
                rm,
                tmp,
                scratch,
                ..
            } => {
                v.reg_use(rm);
                v.reg_early_def(tmp);
                v.reg_early_def(scratch);
                v.reg_def(rd);
            }
            Inst::FpscrRead { rd } => v.reg_def(rd),
            Inst::FpscrWrite { rn } => v.reg_use(rn),
            Inst::FpuCvtToIntRound { rd, rm, .. } | Inst::FpuRound { rd, rm, .. } => {
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::FpuMinMaxNm { rd, rn, rm, .. } => {
                v.reg_use(rn);
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::FpuCvt { rd, rm, .. } => {
                v.reg_use(rm);
                v.reg_def(rd);
            }
            Inst::FpuMovImm { cond, rd, .. } => {
                check_post_ra(*cond, *rd, "vmov");
                v.reg_def(rd);
            }
            Inst::MovToFpu { rd, rn } => {
                v.reg_use(rn);
                v.reg_def(rd);
            }
            Inst::MovFromFpu { rd, rn } => {
                v.reg_use(rn);
                v.reg_def(rd);
            }
            Inst::MovToFpuLane { rd, rn, .. } => {
                debug_assert!(
                    rd.to_reg().is_real(),
                    "partial write of virtual {:?}",
                    rd.to_reg()
                );
                v.reg_use(rn);
                v.reg_def(rd);
            }
            Inst::FpuLoadConst { rd, scratch, .. } => {
                v.reg_early_def(scratch);
                v.reg_def(rd);
            }
            Inst::MovToFpu64 { rd, lo, hi } => {
                v.reg_use(lo);
                v.reg_use(hi);
                v.reg_def(rd);
            }
            Inst::MovFromFpu64 { lo, hi, rn } => {
                v.reg_use(rn);
                v.reg_def(lo);
                v.reg_def(hi);
            }
            Inst::FpuLoad { rd, mem, .. } => {
                vfp_amode_uses(mem, v);
                v.reg_def(rd);
            }
            Inst::FpuStore { rd, mem, .. } => {
                v.reg_use(rd);
                vfp_amode_uses(mem, v);
            }
            Inst::Call { info, .. } | Inst::CallLabel { info, .. } => call_operands(info, v),
            Inst::CallInd { rm, info } => {
                v.reg_use(rm);
                call_operands(info, v);
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
            Inst::IndirectBr { rm } => v.reg_use(rm),
            Inst::JumpTable { idx, .. } => v.reg_use(idx),
            Inst::Jmp { .. }
            | Inst::CondBr { .. }
            | Inst::OneWayCondBr { .. }
            | Inst::Udf { .. }
            | Inst::TrapIf { .. }
            | Inst::Nop
            | Inst::Dmb => {}
            Inst::LoadEx { rt, rn, .. } => {
                v.reg_use(rn);
                v.reg_def(rt);
            }
            Inst::StoreEx { rd, rt, rn, .. } => {
                v.reg_use(rt);
                v.reg_use(rn);
                v.reg_early_def(rd);
            }
            Inst::AtomicRmwLoop {
                addr,
                operand,
                old,
                tmp,
                status,
                ..
            } => {
                v.reg_use(addr);
                v.reg_use(operand);
                v.reg_early_def(old);
                v.reg_early_def(tmp);
                v.reg_early_def(status);
            }
            Inst::AtomicCasLoop {
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
        }
    }

    fn is_move(&self) -> Option<(Writable<Reg>, Reg)> {
        match *self {
            Inst::Mov {
                not: false,
                s: false,
                cond: Cond::Al,
                rd,
                op2: Operand2::Reg(rm),
            } => Some((rd, rm)),
            // Only the D-wide copy moves a whole float value (an F32 vmov leaves the
            // upper half of the destination untouched, which is not a copy of the D
            // register).
            Inst::FpuRR {
                op: FpuOp1::Mov,
                size: FpSize::F64,
                cond: Cond::Al,
                rd,
                rm,
            } => Some((rd, rm)),
            _ => None,
        }
    }

    fn is_term(&self) -> MachTerminator {
        match self {
            Inst::Jmp { .. }
            | Inst::CondBr { .. }
            | Inst::JumpTable { .. }
            | Inst::IndirectBr { .. } => MachTerminator::Branch,
            Inst::Ret { .. } => MachTerminator::Ret,
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

    /// Integer copies use `mov`; float copies `vmov.f64` of the whole D register, which
    /// also carries an `f32` in its low half.
    fn gen_move(dst: Writable<Reg>, src: Reg, class: RegClass) -> Self {
        match class {
            RegClass::Int => Inst::Mov {
                not: false,
                s: false,
                cond: Cond::Al,
                rd: dst,
                op2: Operand2::Reg(src),
            },
            RegClass::Float | RegClass::Vector => {
                debug_assert_eq!(class, RegClass::Float, "A32 has no vector register class");
                Inst::FpuRR {
                    op: FpuOp1::Mov,
                    size: FpSize::F64,
                    cond: Cond::Al,
                    rd: dst,
                    rm: src,
                }
            }
        }
    }

    fn gen_jump(target: MachLabel) -> Self {
        Inst::Jmp { target }
    }

    fn gen_nop(_preferred_size: usize) -> Self {
        Inst::Nop
    }

    /// Integers up to 32 bits take one core register; `i64` two and `i128` four (low
    /// word first); floats one D register (an `f32` in its low half).
    fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType> {
        use RegClass::{Float, Int};
        Ok(match ty {
            Type::I8 | Type::I16 | Type::I32 => (&[Int], &[Type::I32]),
            Type::I64 => (&[Int, Int], &[Type::I32, Type::I32]),
            Type::I128 => (
                &[Int, Int, Int, Int],
                &[Type::I32, Type::I32, Type::I32, Type::I32],
            ),
            Type::F32 => (&[Float], &[Type::F32]),
            Type::F64 => (&[Float], &[Type::F64]),
        })
    }

    /// Moves and spills transfer a whole word or a whole D register.
    fn canonical_type_for_rc(class: RegClass) -> Type {
        match class {
            RegClass::Int => Type::I32,
            RegClass::Float | RegClass::Vector => Type::F64,
        }
    }

    /// A slot is one 4-byte word: integers take one, D registers two.
    fn spillslot_size(class: RegClass) -> usize {
        match class {
            RegClass::Int => 1,
            RegClass::Float => 2,
            RegClass::Vector => 4,
        }
    }

    /// Every instruction but `JumpTable` fits in 52 bytes. A jump table takes
    /// `8 + 4 * targets.len()` bytes; its entries are `Branch24` uses with 32 MiB of
    /// reach, but a long table could push an earlier pending `Ldr12`/`Vldr8` literal
    /// past its range, so lowering keeps literal loads out of blocks ending in large
    /// jump tables (or the driver accounts for the table's size).
    fn worst_case_size() -> CodeOffset {
        WORST_CASE_SIZE
    }

    /// LLVM syntax (see [`Inst::print`]); sequences print one instruction per line.
    fn print(&self) -> String {
        // The listing indents each instruction; keep a sequence's lines aligned.
        Inst::print(self).replace('\n', "\n  ")
    }

    fn emit(&self, sink: &mut impl CodeSink<LabelUse>, _info: &(), state: &mut EmitState) {
        Inst::emit(self, sink, state)
    }
}

#[cfg(test)]
mod tests {
    use atoll_codegen::machinst::{OperandCollector, PReg, PRegSet, VReg, PINNED};
    use regalloc2::{OperandConstraint, OperandKind};

    use super::*;
    use crate::regs::{rreg, sp};

    fn vreg(n: usize, class: RegClass) -> Reg {
        Reg::from_virtual(VReg::new(PINNED + n, class))
    }

    fn collect(mut inst: Inst) -> OperandCollector {
        let mut c = OperandCollector::default();
        inst.get_operands(&mut c);
        c
    }

    #[test]
    fn alu_operands_are_uses_then_def() {
        let (a, b, d) = (
            vreg(0, RegClass::Int),
            vreg(1, RegClass::Int),
            vreg(2, RegClass::Int),
        );
        let c = collect(Inst::Alu {
            op: AluOp::Add,
            s: false,
            cond: Cond::Al,
            rd: Writable::from_reg(d),
            rn: a,
            op2: Operand2::RegShiftReg(b, ShiftKind::Lsl, a),
        });
        let kinds: Vec<OperandKind> = c.operands.iter().map(|o| o.kind()).collect();
        assert_eq!(
            kinds,
            [
                OperandKind::Use,
                OperandKind::Use,
                OperandKind::Use,
                OperandKind::Def
            ]
        );
    }

    #[test]
    fn csel_ties_destination_to_else_input() {
        let (t, e, d) = (
            vreg(0, RegClass::Int),
            vreg(1, RegClass::Int),
            vreg(2, RegClass::Int),
        );
        let c = collect(Inst::CSel {
            cond: Cond::Ne,
            rd: Writable::from_reg(d),
            rn: t,
            rm: e,
        });
        assert_eq!(c.operands.len(), 3);
        assert_eq!(c.operands[2].constraint(), OperandConstraint::Reuse(1));
    }

    #[test]
    fn calls_report_fixed_operands_and_clobbers() {
        let r0 = PReg::new(0, RegClass::Int);
        let mut clobbers = PRegSet::empty();
        clobbers.add(PReg::new(1, RegClass::Int));
        let info = CallInfo {
            uses: vec![(vreg(0, RegClass::Int), r0)],
            defs: vec![(Writable::from_reg(vreg(1, RegClass::Int)), r0)],
            clobbers,
        };
        let c = collect(Inst::CallInd {
            rm: vreg(2, RegClass::Int),
            info: Box::new(info),
        });
        assert_eq!(c.operands.len(), 3);
        assert_eq!(c.operands[1].constraint(), OperandConstraint::FixedReg(r0));
        assert!(c.clobbers.contains(PReg::new(1, RegClass::Int)));
    }

    #[test]
    fn real_registers_are_fixed_nonallocatable() {
        let c = collect(Inst::Load {
            width: WordByte::Word,
            rt: Writable::from_reg(vreg(0, RegClass::Int)),
            mem: AMode::PostIndex {
                rn: sp(),
                off: crate::imms::Off12::maybe_from_i64(4).unwrap(),
            },
        });
        assert_eq!(c.operands[0].as_fixed_nonallocatable(), sp().to_real());
    }

    #[test]
    fn register_classes_per_type() {
        assert_eq!(
            Inst::rc_for_type(Type::I64).unwrap().0,
            &[RegClass::Int, RegClass::Int]
        );
        assert_eq!(
            Inst::rc_for_type(Type::F32).unwrap(),
            (&[RegClass::Float][..], &[Type::F32][..])
        );
        assert_eq!(Inst::canonical_type_for_rc(RegClass::Int), Type::I32);
        assert_eq!(Inst::canonical_type_for_rc(RegClass::Float), Type::F64);
    }

    #[test]
    fn moves_and_terminators() {
        let mv = Inst::gen_move(Writable::from_reg(rreg(1)), rreg(2), RegClass::Int);
        assert_eq!(mv.is_move(), Some((Writable::from_reg(rreg(1)), rreg(2))));
        assert_eq!(mv.print(), "mov r1, r2");
        let fmv = Inst::gen_move(
            Writable::from_reg(crate::regs::dreg(1)),
            crate::regs::dreg(2),
            RegClass::Float,
        );
        assert_eq!(fmv.print(), "vmov.f64 d1, d2");
        assert!(fmv.is_move().is_some());
        assert_eq!(
            Inst::gen_jump(MachLabel(3)).is_term(),
            MachTerminator::Branch
        );
        assert_eq!(Inst::Ret { rets: vec![] }.is_term(), MachTerminator::Ret);
        assert_eq!(
            Inst::Udf {
                code: atoll_codegen::ir::TrapCode::STACK_OVERFLOW
            }
            .is_term(),
            MachTerminator::Trap
        );
        assert_eq!(Inst::Nop.is_term(), MachTerminator::None);
    }
}
