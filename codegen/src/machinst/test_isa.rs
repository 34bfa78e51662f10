//! A tiny ISA for testing the framework end to end: eight integer registers, a few
//! ALU forms that exercise every operand constraint, a call with clobbers, branches,
//! spills, and two interpreters (one over VCode on virtual registers, one over the
//! emitted bytes). Not a real target; only tests use it.
//!
//! Encoding: every machine instruction is 8 bytes `[opcode, rd, ra, rb, imm32 LE]`.
//! Branch targets are PC-relative: `target = offset of the imm field + imm`. A
//! conditional branch emits two instructions (`brnz` to the taken target, then `jmp`
//! to the other). A register field holding a virtual register encodes as `0xff`,
//! which the byte interpreter rejects, so a missed rewrite cannot go unnoticed.
//!
//! Semantics chosen so allocation mistakes change results:
//! - `AluEarly` writes garbage to its destination before reading its sources (an
//!   early def sharing a register with a use would read garbage);
//! - `AluMod` is two-address (`rd = rd op rb`) and its encoding requires the reuse
//!   constraint to have held (`ra == rd`);
//! - `Call` clobbers `p2` and `p3` with garbage;
//! - `Call` and `Ret` encode only when their fixed registers were honoured.

use std::collections::HashMap;

use regalloc2::{Block, Function, MachineEnv, PReg, PRegSet, RegClass, SpillSlot};

use super::{
    ABIMachineSpec, ArgRegs, ArgRules, FrameLayout, MachInst, MachInstEmitState, MachTerminator,
    OperandVisitor, Reg, UnsupportedType, VCode, Writable,
};
use crate::buffer::{Addend, CodeOffset, CodeSink, IslandIsa, LabelUse, MachLabel, Reloc};
use crate::ir::{TrapCode, Type};

/// Physical register `i` (0..8) of the test ISA.
pub fn preg(i: usize) -> PReg {
    PReg::new(i, RegClass::Int)
}

/// Registers the call instruction destroys.
pub fn call_clobbers() -> PRegSet {
    PRegSet::empty().with(preg(2)).with(preg(3))
}

/// A machine environment: `p0..p3` preferred, `p4`,`p5` non-preferred, and `p6` as
/// the dedicated scratch register when `with_scratch` (`p7` is never allocated).
pub fn machine_env(with_scratch: bool) -> MachineEnv {
    let pref: PRegSet = (0..4).map(preg).collect();
    let non_pref: PRegSet = (4..6).map(preg).collect();
    MachineEnv {
        preferred_regs_by_class: [pref, PRegSet::empty(), PRegSet::empty()],
        non_preferred_regs_by_class: [non_pref, PRegSet::empty(), PRegSet::empty()],
        scratch_by_class: [with_scratch.then(|| preg(6)), None, None],
        fixed_stack_slots: Vec::new(),
    }
}

/// ALU operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    /// Wrapping addition.
    Add,
    /// Wrapping subtraction.
    Sub,
    /// Wrapping multiplication.
    Mul,
    /// Exclusive or.
    Xor,
    /// 1 when the operands differ, else 0.
    Ne,
}

impl AluOp {
    fn apply(self, a: i64, b: i64) -> i64 {
        match self {
            AluOp::Add => a.wrapping_add(b),
            AluOp::Sub => a.wrapping_sub(b),
            AluOp::Mul => a.wrapping_mul(b),
            AluOp::Xor => a ^ b,
            AluOp::Ne => i64::from(a != b),
        }
    }

    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(c: u8) -> Option<Self> {
        [AluOp::Add, AluOp::Sub, AluOp::Mul, AluOp::Xor, AluOp::Ne]
            .get(c as usize)
            .copied()
    }
}

/// The value `Call` computes from its arguments.
pub fn call_result(a: i64, b: i64) -> i64 {
    a.wrapping_mul(3).wrapping_add(b)
}

const GARBAGE: i64 = 0x5a5a_5a5a_5a5a_5a5a;

/// A test-ISA instruction.
#[derive(Clone, Debug)]
pub enum TestInst {
    /// Function arguments arrive in fixed registers (`p0`, `p1`, ...). Emits nothing.
    Args {
        /// One def per argument.
        dsts: Vec<Writable<Reg>>,
    },
    /// `dst = imm`.
    Imm {
        /// Destination.
        dst: Writable<Reg>,
        /// Sign-extended immediate.
        imm: i32,
    },
    /// Three-address ALU operation, late def.
    Alu {
        /// Operation.
        op: AluOp,
        /// Destination.
        dst: Writable<Reg>,
        /// First source.
        a: Reg,
        /// Second source.
        b: Reg,
    },
    /// Two-address ALU operation: `dst` reuses `a`'s register.
    AluMod {
        /// Operation.
        op: AluOp,
        /// Destination (same register as `a`).
        dst: Writable<Reg>,
        /// First source.
        a: Reg,
        /// Second source.
        b: Reg,
    },
    /// ALU operation whose destination is an early def.
    AluEarly {
        /// Operation.
        op: AluOp,
        /// Destination.
        dst: Writable<Reg>,
        /// First source.
        a: Reg,
        /// Second source.
        b: Reg,
    },
    /// Register copy.
    Mov {
        /// Destination.
        dst: Writable<Reg>,
        /// Source.
        src: Reg,
    },
    /// `dst(p0) = call_result(a(p0), b(p1))`, clobbering `p2`, `p3`.
    Call {
        /// Result, fixed in `p0`.
        dst: Writable<Reg>,
        /// First argument, fixed in `p0`.
        a: Reg,
        /// Second argument, fixed in `p1`.
        b: Reg,
    },
    /// Unconditional jump.
    Jump {
        /// Target.
        target: MachLabel,
    },
    /// Branch to `taken` when `cond` is odd, else to `not_taken`. Successor 0 of the
    /// block is `taken`, successor 1 `not_taken`.
    CondBr {
        /// Tested register.
        cond: Reg,
        /// Target when odd.
        taken: MachLabel,
        /// Target when even.
        not_taken: MachLabel,
    },
    /// Return `vals` (fixed in `p0`, `p1`, ...).
    Ret {
        /// Returned values.
        vals: Vec<Reg>,
    },
    /// Unconditional trap.
    Trap,
    /// Store `src` at frame byte offset `offset`.
    Spill {
        /// Frame offset.
        offset: u32,
        /// Stored register.
        src: Reg,
    },
    /// Load frame byte offset `offset` into `dst`.
    Reload {
        /// Destination.
        dst: Writable<Reg>,
        /// Frame offset.
        offset: u32,
    },
    /// No operation.
    Nop,
}

/// The test ISA's label-use kinds: the same 32-bit PC-relative field, with an
/// artificially short range for conditional branches so that small functions
/// already need islands and veneers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestLabelUse {
    /// `brnz`: reaches [`SHORT_RANGE`] bytes either way; veneer: a `jmp` (`Rel32`).
    Short,
    /// `jmp`: `target = field offset + imm32`.
    Rel32,
}

/// Reach of [`TestLabelUse::Short`] in bytes.
pub const SHORT_RANGE: CodeOffset = 256;

impl LabelUse for TestLabelUse {
    const ALIGN: CodeOffset = 8;

    fn max_pos_range(self) -> CodeOffset {
        match self {
            TestLabelUse::Short => SHORT_RANGE,
            TestLabelUse::Rel32 => i32::MAX as CodeOffset,
        }
    }

    fn max_neg_range(self) -> CodeOffset {
        self.max_pos_range()
    }

    fn patch_size(self) -> CodeOffset {
        4
    }

    fn patch(self, buffer: &mut [u8], use_offset: CodeOffset, label_offset: CodeOffset) {
        let rel = label_offset.wrapping_sub(use_offset) as i64 as i32;
        buffer[..4].copy_from_slice(&rel.to_le_bytes());
    }

    fn supports_veneer(self) -> bool {
        self == TestLabelUse::Short
    }

    fn veneer_size(self) -> CodeOffset {
        match self {
            TestLabelUse::Short => 8,
            TestLabelUse::Rel32 => 0,
        }
    }

    fn worst_case_veneer_size() -> CodeOffset {
        8
    }

    fn generate_veneer(self, buffer: &mut [u8], _veneer_offset: CodeOffset) -> (CodeOffset, Self) {
        let mut jmp = Vec::with_capacity(8);
        put_insn(&mut jmp, op::JMP, 0, 0, 0, 0);
        buffer[..8].copy_from_slice(&jmp);
        (4, TestLabelUse::Rel32)
    }

    fn from_reloc(_reloc: Reloc, _addend: Addend) -> Option<Self> {
        None
    }
}

mod op {
    pub const NOP: u8 = 0;
    pub const IMM: u8 = 1;
    pub const ALU: u8 = 2;
    pub const ALU2: u8 = 3;
    pub const ALU_EARLY: u8 = 4;
    pub const MOV: u8 = 5;
    pub const CALL: u8 = 6;
    pub const JMP: u8 = 7;
    pub const BRNZ: u8 = 8;
    pub const RET: u8 = 9;
    pub const TRAP: u8 = 10;
    pub const SPILL: u8 = 11;
    pub const RELOAD: u8 = 12;
}

fn put_insn(out: &mut Vec<u8>, opcode: u8, rd: u8, ra: u8, rb: u8, imm: i32) {
    out.extend_from_slice(&[opcode, rd, ra, rb]);
    out.extend_from_slice(&imm.to_le_bytes());
}

impl IslandIsa for TestLabelUse {
    const JUMP_SIZE: CodeOffset = 8;
    const TRAP_SIZE: CodeOffset = 8;
    const INSN_ALIGN: CodeOffset = 8;

    fn write_jump(out: &mut Vec<u8>) -> (CodeOffset, Self) {
        put_insn(out, op::JMP, 0, 0, 0, 0);
        (4, TestLabelUse::Rel32)
    }

    fn write_trap(out: &mut Vec<u8>) {
        put_insn(out, op::TRAP, 0, 0, 0, 0);
    }

    fn write_padding(out: &mut Vec<u8>, len: usize) {
        out.resize(out.len() + len, op::NOP);
    }
}

/// Emission state: nothing beyond the frame size, which the interpreter needs.
pub struct TestEmitState {
    /// Bytes of frame.
    pub frame_size: u32,
}

impl MachInstEmitState for TestEmitState {
    fn new(frame: &FrameLayout) -> Self {
        TestEmitState {
            frame_size: frame.total_size(),
        }
    }
}

fn enc(r: Reg) -> u8 {
    match r.to_real() {
        Some(p) if p.class() == RegClass::Int && p.hw_enc() < 8 => p.hw_enc() as u8,
        _ => 0xff,
    }
}

fn encw(r: Writable<Reg>) -> u8 {
    enc(r.to_reg())
}

impl MachInst for TestInst {
    type LabelUse = TestLabelUse;
    type State = TestEmitState;
    type Info = ();

    fn get_operands(&mut self, v: &mut impl OperandVisitor) {
        match self {
            TestInst::Args { dsts } => {
                for (i, d) in dsts.iter_mut().enumerate() {
                    v.reg_fixed_def(d, preg(i));
                }
            }
            TestInst::Imm { dst, .. } | TestInst::Reload { dst, .. } => v.reg_def(dst),
            TestInst::Alu { dst, a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                v.reg_def(dst);
            }
            TestInst::AluMod { dst, a, b, .. } => {
                v.reg_use(b);
                v.reg_mod(a, dst);
            }
            TestInst::AluEarly { dst, a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                v.reg_early_def(dst);
            }
            TestInst::Mov { dst, src } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            TestInst::Call { dst, a, b } => {
                v.reg_fixed_use(a, preg(0));
                v.reg_fixed_use(b, preg(1));
                v.reg_fixed_def(dst, preg(0));
                v.add_clobbers(call_clobbers());
            }
            TestInst::CondBr { cond, .. } => v.reg_use(cond),
            TestInst::Ret { vals } => {
                for (i, r) in vals.iter_mut().enumerate() {
                    v.reg_fixed_use(r, preg(i));
                }
            }
            TestInst::Spill { src, .. } => v.reg_use(src),
            TestInst::Jump { .. } | TestInst::Trap | TestInst::Nop => {}
        }
    }

    fn is_move(&self) -> Option<(Writable<Reg>, Reg)> {
        match *self {
            TestInst::Mov { dst, src } => Some((dst, src)),
            _ => None,
        }
    }

    fn is_term(&self) -> MachTerminator {
        match self {
            TestInst::Jump { .. } | TestInst::CondBr { .. } => MachTerminator::Branch,
            TestInst::Ret { .. } => MachTerminator::Ret,
            TestInst::Trap => MachTerminator::Trap,
            _ => MachTerminator::None,
        }
    }

    fn is_safepoint(&self) -> bool {
        matches!(self, TestInst::Call { .. })
    }

    fn gen_move(dst: Writable<Reg>, src: Reg, _class: RegClass) -> Self {
        TestInst::Mov { dst, src }
    }

    fn gen_jump(target: MachLabel) -> Self {
        TestInst::Jump { target }
    }

    fn gen_nop(_preferred_size: usize) -> Self {
        TestInst::Nop
    }

    fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType> {
        match ty {
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => Ok((&[RegClass::Int], &[Type::I64])),
            Type::I128 => Ok((&[RegClass::Int, RegClass::Int], &[Type::I64, Type::I64])),
            Type::F32 | Type::F64 => Err(UnsupportedType(ty)),
        }
    }

    fn canonical_type_for_rc(_class: RegClass) -> Type {
        Type::I64
    }

    fn spillslot_size(_class: RegClass) -> usize {
        1
    }

    fn worst_case_size() -> CodeOffset {
        16
    }

    fn emit(&self, sink: &mut impl CodeSink<TestLabelUse>, _info: &(), _state: &mut TestEmitState) {
        let mut out = Vec::with_capacity(16);
        let mut labels: Vec<(usize, MachLabel, TestLabelUse)> = Vec::new();
        match self {
            TestInst::Args { .. } => {}
            TestInst::Imm { dst, imm } => put_insn(&mut out, op::IMM, encw(*dst), 0, 0, *imm),
            TestInst::Alu { op: o, dst, a, b } => put_insn(
                &mut out,
                op::ALU,
                encw(*dst),
                enc(*a),
                enc(*b),
                o.code().into(),
            ),
            TestInst::AluMod { op: o, dst, a, b } => {
                // Two-address form: a register mismatch means the reuse constraint was
                // not honoured, which the interpreter reports as a bad register.
                let rd = if encw(*dst) == enc(*a) {
                    encw(*dst)
                } else {
                    0xff
                };
                put_insn(&mut out, op::ALU2, rd, 0, enc(*b), o.code().into())
            }
            TestInst::AluEarly { op: o, dst, a, b } => put_insn(
                &mut out,
                op::ALU_EARLY,
                encw(*dst),
                enc(*a),
                enc(*b),
                o.code().into(),
            ),
            TestInst::Mov { dst, src } => put_insn(&mut out, op::MOV, encw(*dst), enc(*src), 0, 0),
            TestInst::Call { dst, a, b } => {
                // A call's registers are fixed: anything else means a violated
                // constraint, encoded as a bad register.
                let fixed_ok = (encw(*dst), enc(*a), enc(*b)) == (0, 0, 1);
                let rd = if fixed_ok { 0 } else { 0xff };
                put_insn(&mut out, op::CALL, rd, enc(*a), enc(*b), 0)
            }
            TestInst::Jump { target } => {
                labels.push((4, *target, TestLabelUse::Rel32));
                put_insn(&mut out, op::JMP, 0, 0, 0, 0);
            }
            TestInst::CondBr {
                cond,
                taken,
                not_taken,
            } => {
                labels.push((4, *taken, TestLabelUse::Short));
                put_insn(&mut out, op::BRNZ, 0, enc(*cond), 0, 0);
                labels.push((12, *not_taken, TestLabelUse::Rel32));
                put_insn(&mut out, op::JMP, 0, 0, 0, 0);
            }
            TestInst::Ret { vals } => {
                let fixed_ok = vals.iter().enumerate().all(|(i, r)| enc(*r) == i as u8);
                put_insn(
                    &mut out,
                    op::RET,
                    if fixed_ok { 0 } else { 0xff },
                    0,
                    0,
                    vals.len() as i32,
                )
            }
            TestInst::Trap => {
                sink.add_trap(TrapCode::INTEGER_OVERFLOW);
                put_insn(&mut out, op::TRAP, 0, 0, 0, 0)
            }
            TestInst::Spill { offset, src } => {
                put_insn(&mut out, op::SPILL, 0, enc(*src), 0, *offset as i32)
            }
            TestInst::Reload { dst, offset } => {
                put_insn(&mut out, op::RELOAD, encw(*dst), 0, 0, *offset as i32)
            }
            TestInst::Nop => put_insn(&mut out, op::NOP, 0, 0, 0, 0),
        }
        let base = sink.cur_offset();
        for (at, label, kind) in labels {
            sink.use_label_at_offset(base + at as CodeOffset, label, kind);
        }
        sink.put_data(&out);
    }
}

/// The test ABI: no callee-saved registers, no prologue or epilogue; spill slots are
/// frame offsets the byte interpreter reads and writes.
pub struct TestAbi;

impl ABIMachineSpec for TestAbi {
    type I = TestInst;

    fn word_bytes(&self) -> u32 {
        8
    }
    fn stack_align(&self) -> u32 {
        16
    }
    fn arg_rules(&self) -> ArgRules {
        ArgRules::plain([8, 8, 16], 8)
    }
    fn arg_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &ARG_REGS,
            float: &[],
            vector: &[],
        }
    }
    fn ret_regs(&self) -> ArgRegs<'_> {
        ArgRegs {
            int: &ARG_REGS,
            float: &[],
            vector: &[],
        }
    }
    fn callee_saved(&self) -> PRegSet {
        PRegSet::empty()
    }
    fn clobber_save_bytes(&self, _reg: PReg) -> u32 {
        8
    }
    fn setup_area_size(&self) -> u32 {
        0
    }
    fn gen_prologue(&self, _frame: &FrameLayout, _out: &mut Vec<TestInst>) {}
    fn gen_epilogue(&self, _frame: &FrameLayout, _out: &mut Vec<TestInst>) {}
    fn gen_spill(&self, frame: &FrameLayout, slot: SpillSlot, from: PReg) -> TestInst {
        TestInst::Spill {
            offset: frame.spillslot_offset(slot),
            src: Reg::from_real(from),
        }
    }
    fn gen_reload(&self, frame: &FrameLayout, to: PReg, slot: SpillSlot) -> TestInst {
        TestInst::Reload {
            dst: Writable::from_reg(Reg::from_real(to)),
            offset: frame.spillslot_offset(slot),
        }
    }
}

const ARG_REGS: [PReg; 2] = [PReg::new(0, RegClass::Int), PReg::new(1, RegClass::Int)];

/// Why an interpreter stopped without returning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpError {
    /// The step budget ran out (the program may loop forever).
    OutOfFuel,
    /// A virtual register was read before being written.
    Undefined(u32),
    /// A trap instruction executed.
    Trap,
    /// Bytes that are not a valid instruction (bad opcode or register) at an offset.
    BadInsn(u64),
    /// Control left the code, or a frame access went out of the frame.
    OutOfBounds(u64),
}

/// Interpret `vcode` on virtual registers (before allocation). `fuel` bounds the
/// number of instructions executed.
pub fn interpret_vcode(
    vcode: &VCode<TestInst>,
    args: &[i64],
    fuel: usize,
) -> Result<Vec<i64>, InterpError> {
    let mut vals: HashMap<usize, i64> = HashMap::new();
    let get = |vals: &HashMap<usize, i64>, r: Reg| -> Result<i64, InterpError> {
        vals.get(&r.as_vreg().vreg())
            .copied()
            .ok_or(InterpError::Undefined(r.as_vreg().vreg() as u32))
    };
    let mut block = 0usize;
    let mut steps = 0usize;
    loop {
        let range = vcode.block_inst_range(block as u32);
        let mut next: Option<usize> = None;
        for i in range.clone() {
            steps += 1;
            if steps > fuel {
                return Err(InterpError::OutOfFuel);
            }
            match &vcode.insts()[i] {
                TestInst::Args { dsts } => {
                    for (k, d) in dsts.iter().enumerate() {
                        vals.insert(
                            d.to_reg().as_vreg().vreg(),
                            args.get(k).copied().unwrap_or(0),
                        );
                    }
                }
                TestInst::Imm { dst, imm } => {
                    vals.insert(dst.to_reg().as_vreg().vreg(), i64::from(*imm));
                }
                TestInst::Alu { op, dst, a, b }
                | TestInst::AluMod { op, dst, a, b }
                | TestInst::AluEarly { op, dst, a, b } => {
                    let r = op.apply(get(&vals, *a)?, get(&vals, *b)?);
                    vals.insert(dst.to_reg().as_vreg().vreg(), r);
                }
                TestInst::Mov { dst, src } => {
                    let x = get(&vals, *src)?;
                    vals.insert(dst.to_reg().as_vreg().vreg(), x);
                }
                TestInst::Call { dst, a, b } => {
                    let r = call_result(get(&vals, *a)?, get(&vals, *b)?);
                    vals.insert(dst.to_reg().as_vreg().vreg(), r);
                }
                TestInst::Jump { .. } => next = Some(0),
                TestInst::CondBr { cond, .. } => {
                    next = Some(if get(&vals, *cond)? & 1 != 0 { 0 } else { 1 })
                }
                TestInst::Ret { vals: rs } => return rs.iter().map(|r| get(&vals, *r)).collect(),
                TestInst::Trap => return Err(InterpError::Trap),
                TestInst::Spill { .. } | TestInst::Reload { .. } | TestInst::Nop => {}
            }
        }
        let succ_idx = next.ok_or(InterpError::OutOfBounds(block as u64))?;
        let b = Block::new(block);
        let last = regalloc2::Inst::new(range.end - 1);
        let succ = vcode.block_succs(b)[succ_idx];
        let args: Vec<i64> = vcode
            .branch_blockparams(b, last, succ_idx)
            .iter()
            .map(|v| {
                vals.get(&v.vreg())
                    .copied()
                    .ok_or(InterpError::Undefined(v.vreg() as u32))
            })
            .collect::<Result<_, _>>()?;
        for (p, x) in vcode.block_params(succ).iter().zip(args) {
            vals.insert(p.vreg(), x);
        }
        block = succ.index();
    }
}

/// Interpret emitted bytes from offset 0 with `args` in `p0`, `p1`, ..., a frame of
/// `frame_size` bytes, returning `nrets` values from `p0`, `p1`, ....
pub fn interpret_bytes(
    code: &[u8],
    args: &[i64],
    frame_size: u32,
    fuel: usize,
) -> Result<Vec<i64>, InterpError> {
    let mut regs = [GARBAGE; 8];
    for (i, a) in args.iter().enumerate().take(8) {
        regs[i] = *a;
    }
    let mut frame = vec![GARBAGE; frame_size.div_ceil(8) as usize];
    let mut pc: u64 = 0;
    for _ in 0..fuel {
        let at = pc as usize;
        let insn = code.get(at..at + 8).ok_or(InterpError::OutOfBounds(pc))?;
        let bad = InterpError::BadInsn(pc);
        let r = |x: u8| {
            if x < 8 {
                Ok(x as usize)
            } else {
                Err(bad.clone())
            }
        };
        let imm = i32::from_le_bytes([insn[4], insn[5], insn[6], insn[7]]);
        let target = (pc as i64 + 4 + i64::from(imm)) as u64;
        let (here, frame_len) = (pc, frame.len());
        let slot = move |off: i32| -> Result<usize, InterpError> {
            match usize::try_from(off) {
                Ok(off) if off % 8 == 0 && off / 8 < frame_len => Ok(off / 8),
                _ => Err(InterpError::OutOfBounds(here)),
            }
        };
        pc += 8;
        match insn[0] {
            op::NOP => {}
            op::IMM => regs[r(insn[1])?] = i64::from(imm),
            op::ALU => {
                let o = AluOp::from_code(imm as u8).ok_or(bad.clone())?;
                regs[r(insn[1])?] = o.apply(regs[r(insn[2])?], regs[r(insn[3])?]);
            }
            op::ALU2 => {
                let o = AluOp::from_code(imm as u8).ok_or(bad.clone())?;
                let d = r(insn[1])?;
                regs[d] = o.apply(regs[d], regs[r(insn[3])?]);
            }
            op::ALU_EARLY => {
                let o = AluOp::from_code(imm as u8).ok_or(bad.clone())?;
                let d = r(insn[1])?;
                regs[d] = GARBAGE;
                regs[d] = o.apply(regs[r(insn[2])?], regs[r(insn[3])?]);
            }
            op::MOV => regs[r(insn[1])?] = regs[r(insn[2])?],
            op::CALL => {
                let (d, a, b) = (r(insn[1])?, r(insn[2])?, r(insn[3])?);
                let res = call_result(regs[a], regs[b]);
                for c in call_clobbers() {
                    regs[c.hw_enc()] = GARBAGE;
                }
                regs[d] = res;
            }
            op::JMP => pc = target,
            op::BRNZ => {
                if regs[r(insn[2])?] & 1 != 0 {
                    pc = target;
                }
            }
            op::RET => {
                r(insn[1])?;
                return Ok(regs[..imm.clamp(0, 8) as usize].to_vec());
            }
            op::TRAP => return Err(InterpError::Trap),
            op::SPILL => frame[slot(imm)?] = regs[r(insn[2])?],
            op::RELOAD => regs[r(insn[1])?] = frame[slot(imm)?],
            _ => return Err(bad),
        }
    }
    Err(InterpError::OutOfFuel)
}
