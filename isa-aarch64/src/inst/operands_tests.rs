//! The operand walk: what regalloc2 sees for representative instructions, and that
//! the applier rewrites exactly the fields the encoder reads.

use super::*;
use crate::regs::{caller_saved_clobbers, stack_reg, xreg_preg, RegOrSp};
use atoll_codegen::machinst::{AllocApplier, OperandCollector, VReg, PINNED};
use regalloc2::{Allocation, OperandConstraint, OperandKind, OperandPos};

fn v(n: usize) -> Reg {
    Reg::from_virtual(VReg::new(PINNED + n, RegClass::Int))
}

fn vf(n: usize) -> Reg {
    Reg::from_virtual(VReg::new(PINNED + n, RegClass::Float))
}

fn collect(inst: &Inst) -> OperandCollector {
    let mut c = OperandCollector::default();
    inst.clone().get_operands(&mut c);
    c
}

#[test]
fn alu_uses_then_def() {
    let inst = Inst::AluRRR {
        op: ALUOp::Add,
        size: OperandSize::Size64,
        rd: Writable::from_reg(v(0)),
        rn: v(1),
        rm: v(2),
    };
    let ops = collect(&inst).operands;
    assert_eq!(ops.len(), 3);
    assert_eq!(ops[0].kind(), OperandKind::Use);
    assert_eq!(ops[2].kind(), OperandKind::Def);
    assert_eq!(ops[2].vreg().vreg(), PINNED);
}

/// `sp` is not an allocator operand at all; `xzr` is a fixed non-allocatable one.
#[test]
fn sp_is_no_operand_and_zr_is_fixed() {
    let inst = Inst::AluRRImm12 {
        op: ALUOp::Sub,
        size: OperandSize::Size64,
        rd: Writable::from_reg(stack_reg()),
        rn: stack_reg(),
        imm12: crate::imms::Imm12::maybe_from_u64(16).unwrap(),
    };
    assert!(collect(&inst).operands.is_empty());
    let cmp = Inst::cmp(OperandSize::Size64, v(0), v(1));
    let ops = collect(&cmp).operands;
    assert_eq!(ops.len(), 3);
    assert!(matches!(
        ops[2].constraint(),
        OperandConstraint::FixedReg(_)
    ));
}

#[test]
fn movk_and_sli_reuse_their_input() {
    let imm = crate::imms::MoveWideConst::maybe_from_u64(0x10000).unwrap();
    let inst = Inst::MovK {
        size: OperandSize::Size64,
        rd: Writable::from_reg(v(1)),
        rn: v(0),
        imm,
    };
    let ops = collect(&inst).operands;
    assert_eq!(ops[1].constraint(), OperandConstraint::Reuse(0));
    let amount = FpuShiftImm::maybe_from_u8(63, FpuShiftOp::Sli, ScalarSize::Size64).unwrap();
    let inst = Inst::FpuSli {
        size: ScalarSize::Size64,
        rd: Writable::from_reg(vf(2)),
        ri: vf(1),
        rn: vf(0),
        amount,
    };
    let ops = collect(&inst).operands;
    assert_eq!(ops[2].constraint(), OperandConstraint::Reuse(1));
}

#[test]
fn jump_table_temporaries_are_early_defs() {
    let inst = Inst::JTSequence {
        ridx: v(0),
        rtmp1: Writable::from_reg(v(1)),
        rtmp2: Writable::from_reg(v(2)),
        default: MachLabel(2),
        targets: vec![MachLabel(0), MachLabel(1)].into_boxed_slice(),
    };
    let ops = collect(&inst).operands;
    assert_eq!(ops[1].pos(), OperandPos::Early);
    assert_eq!(ops[2].pos(), OperandPos::Early);
    assert_eq!(inst.max_size(), 28);
    assert_eq!(inst.is_term(), MachTerminator::Branch);
}

#[test]
fn calls_have_fixed_args_results_and_clobbers() {
    let mut info = CallInfo::default();
    info.uses.push((v(0), xreg_preg(0)));
    info.defs.push((Writable::from_reg(v(1)), xreg_preg(0)));
    let mut clobbers = caller_saved_clobbers();
    clobbers.remove(xreg_preg(0));
    info.clobbers = clobbers;
    let inst = Inst::CallInd {
        rn: v(2),
        info: Box::new(info),
    };
    let c = collect(&inst);
    assert_eq!(c.operands.len(), 3);
    assert_eq!(
        c.operands[1].constraint(),
        OperandConstraint::FixedReg(xreg_preg(0))
    );
    assert!(c.clobbers.contains(xreg_preg(17)) && !c.clobbers.contains(xreg_preg(19)));
    assert!(inst.is_safepoint());
}

/// After allocation, the applier's rewrite gives an instruction that emits.
#[test]
fn applied_allocation_emits() {
    let mut inst = Inst::Load {
        op: LoadOp::ULoad64,
        rd: Writable::from_reg(v(0)),
        mem: AMode::RegExtended {
            rn: RegOrSp::reg(v(1)).unwrap(),
            rm: v(2),
            extend: ExtendOp::Uxtx,
            shifted: true,
        },
    };
    let allocs = [
        Allocation::reg(xreg_preg(2)),
        Allocation::reg(xreg_preg(3)),
        Allocation::reg(xreg_preg(1)),
    ];
    let mut applier = AllocApplier::new(&allocs);
    inst.get_operands(&mut applier);
    assert_eq!(applier.bad, 0);
    assert_eq!(inst.print(), "ldr x1, [x2, x3, lsl #3]");
    let mut sink = atoll_codegen::testing::RecordingSink::<LabelUse>::default();
    Inst::emit(&inst, &mut sink, &mut EmitState::default());
    assert_eq!(sink.bytes.len(), 4);
}

#[test]
fn moves_and_types() {
    let mv = <Inst as MachInst>::gen_move(Writable::from_reg(v(0)), v(1), RegClass::Int);
    assert_eq!(mv.is_move(), Some((Writable::from_reg(v(0)), v(1))));
    let fmv = <Inst as MachInst>::gen_move(Writable::from_reg(vf(0)), vf(1), RegClass::Float);
    assert!(fmv.is_move().is_some());
    assert_eq!(Inst::rc_for_type(Type::F32).unwrap().0, &[RegClass::Float]);
    assert_eq!(Inst::rc_for_type(Type::I128).unwrap().0.len(), 2);
    assert_eq!(Inst::ret().is_term(), MachTerminator::Ret);
}
