//! One walk over an instruction's registers serves two jobs: describing operands to
//! regalloc2, and rewriting virtual registers into the physical ones it chose.
//!
//! An ISA writes `get_operands` once, calling the [`OperandVisitor`] helpers on every
//! register field in a fixed order. The [`OperandCollector`] turns the calls into
//! `regalloc2::Operand`s; the [`AllocApplier`] replays the same calls on the same
//! instruction and overwrites each field with its allocation. Because both see the
//! very same sequence of calls, operand `i` of regalloc2's view is always field `i`
//! of the instruction: they cannot drift apart.
//!
//! Invariants:
//! - A real register in an instruction (`Reg::from_real`) is *not allocatable*
//!   (stack pointer, frame pointer, a dedicated scratch); it becomes a
//!   `fixed_nonallocatable` operand. An allocatable physical register is asked for
//!   with a fixed constraint on a virtual register instead
//!   ([`OperandVisitor::reg_fixed_use`] and friends); `run_regalloc` rejects
//!   instructions that break this rule.
//! - Every constraint asks for a register; this framework never hands out stack
//!   allocations as instruction operands (spills and reloads are separate edits).

use regalloc2::{Allocation, Operand, OperandConstraint, OperandKind, OperandPos, PReg, PRegSet};

use super::{Reg, Writable};

/// What kind of register an operand needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegConstraint {
    /// Any allocatable register of the operand's class.
    Any,
    /// Exactly this (allocatable) physical register.
    Fixed(PReg),
    /// A def that must land in the same register as the use with this operand index
    /// (a two-address "modify" operand). Only valid on defs; the index must be < 32.
    Reuse(usize),
}

/// Receives an instruction's register fields, in a fixed order.
///
/// Implementors only provide [`OperandVisitor::add_operand`],
/// [`OperandVisitor::add_clobbers`] and [`OperandVisitor::next_operand_index`]; ISAs call
/// the named helpers, which say what each field is.
pub trait OperandVisitor {
    /// Visit one register field. The visitor may overwrite `reg` (after allocation).
    fn add_operand(
        &mut self,
        reg: &mut Reg,
        constraint: RegConstraint,
        kind: OperandKind,
        pos: OperandPos,
    );

    /// Physical registers whose contents the instruction destroys besides its defs.
    /// They must not also appear as fixed defs or late uses of the same instruction.
    fn add_clobbers(&mut self, regs: PRegSet);

    /// Index the next visited operand will get (for [`RegConstraint::Reuse`]).
    fn next_operand_index(&self) -> usize;

    /// A register read at the start of the instruction.
    fn reg_use(&mut self, reg: &mut Reg) {
        self.add_operand(reg, RegConstraint::Any, OperandKind::Use, OperandPos::Early);
    }

    /// A register read after the instruction's early defs are written: it may not
    /// share a register with any def.
    fn reg_late_use(&mut self, reg: &mut Reg) {
        self.add_operand(reg, RegConstraint::Any, OperandKind::Use, OperandPos::Late);
    }

    /// A register written at the end of the instruction (may share a register with
    /// an early use).
    fn reg_def(&mut self, reg: &mut Writable<Reg>) {
        self.add_operand(
            reg.reg_mut(),
            RegConstraint::Any,
            OperandKind::Def,
            OperandPos::Late,
        );
    }

    /// A register written before all uses are read: it never shares a register with
    /// a use (for sequences that write their output before reading every input).
    fn reg_early_def(&mut self, reg: &mut Writable<Reg>) {
        self.add_operand(
            reg.reg_mut(),
            RegConstraint::Any,
            OperandKind::Def,
            OperandPos::Early,
        );
    }

    /// A use that must be in `preg`.
    fn reg_fixed_use(&mut self, reg: &mut Reg, preg: PReg) {
        self.add_operand(
            reg,
            RegConstraint::Fixed(preg),
            OperandKind::Use,
            OperandPos::Early,
        );
    }

    /// A def that must be in `preg`.
    fn reg_fixed_def(&mut self, reg: &mut Writable<Reg>, preg: PReg) {
        self.add_operand(
            reg.reg_mut(),
            RegConstraint::Fixed(preg),
            OperandKind::Def,
            OperandPos::Late,
        );
    }

    /// A def that must be allocated to the same register as use number `use_idx`.
    fn reg_reuse_def(&mut self, reg: &mut Writable<Reg>, use_idx: usize) {
        self.add_operand(
            reg.reg_mut(),
            RegConstraint::Reuse(use_idx),
            OperandKind::Def,
            OperandPos::Late,
        );
    }

    /// A two-address operand: `src` is read and `dst` written in one register.
    /// `src` and `dst` are separate SSA values; the allocator inserts a copy when
    /// `src` stays live.
    fn reg_mod(&mut self, src: &mut Reg, dst: &mut Writable<Reg>) {
        let idx = self.next_operand_index();
        self.reg_use(src);
        self.reg_reuse_def(dst, idx);
    }
}

/// Operand descriptions regalloc2 cannot represent (caught before it sees them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidOperand {
    /// A fixed constraint names a register of another class than the operand's.
    FixedClassMismatch(usize),
    /// A reuse constraint on a use, or naming an operand index of 32 or more, or
    /// naming an operand that is not an earlier use.
    BadReuse(usize),
}

/// Collects regalloc2 operands and clobbers.
#[derive(Default)]
pub struct OperandCollector {
    /// Operands in visit order.
    pub operands: Vec<Operand>,
    /// Union of all clobbers.
    pub clobbers: PRegSet,
    /// The first operand that could not be described (replaced by a plain
    /// register operand so that indices stay aligned).
    pub invalid: Option<InvalidOperand>,
}

impl OperandCollector {
    fn check(
        &self,
        reg: Reg,
        constraint: RegConstraint,
        kind: OperandKind,
    ) -> Option<InvalidOperand> {
        let idx = self.operands.len();
        match constraint {
            RegConstraint::Fixed(p) if p.class() != reg.class() => {
                Some(InvalidOperand::FixedClassMismatch(idx))
            }
            RegConstraint::Reuse(i) => {
                let target_ok = self
                    .operands
                    .get(i)
                    .is_some_and(|o| o.kind() == OperandKind::Use);
                (kind != OperandKind::Def || i >= 32 || !target_ok)
                    .then_some(InvalidOperand::BadReuse(idx))
            }
            _ => None,
        }
    }
}

impl OperandVisitor for OperandCollector {
    fn add_operand(
        &mut self,
        reg: &mut Reg,
        constraint: RegConstraint,
        kind: OperandKind,
        pos: OperandPos,
    ) {
        let invalid = if reg.is_real() {
            None
        } else {
            self.check(*reg, constraint, kind)
        };
        let constraint = match invalid {
            Some(e) => {
                self.invalid.get_or_insert(e);
                RegConstraint::Any
            }
            None => constraint,
        };
        let op = match reg.to_real() {
            Some(preg) => Operand::fixed_nonallocatable(preg),
            None => {
                let c = match constraint {
                    RegConstraint::Any => OperandConstraint::Reg,
                    RegConstraint::Fixed(p) => OperandConstraint::FixedReg(p),
                    RegConstraint::Reuse(i) => OperandConstraint::Reuse(i),
                };
                Operand::new(reg.as_vreg(), c, kind, pos)
            }
        };
        self.operands.push(op);
    }

    fn add_clobbers(&mut self, regs: PRegSet) {
        self.clobbers.union_from(regs);
    }

    fn next_operand_index(&self) -> usize {
        self.operands.len()
    }
}

/// Rewrites each visited register with its allocation.
///
/// Allocations are registers by the module invariant; a stack allocation or a
/// missing one leaves the field unchanged and is counted in `bad`, which the caller
/// turns into an error.
pub struct AllocApplier<'a> {
    allocs: &'a [Allocation],
    next: usize,
    /// Number of operands whose allocation was not a register (or was missing).
    pub bad: usize,
}

impl<'a> AllocApplier<'a> {
    /// Apply `allocs` (one per operand, in visit order).
    pub fn new(allocs: &'a [Allocation]) -> Self {
        AllocApplier {
            allocs,
            next: 0,
            bad: 0,
        }
    }

    /// Number of operands visited so far.
    pub fn visited(&self) -> usize {
        self.next
    }
}

impl OperandVisitor for AllocApplier<'_> {
    fn add_operand(&mut self, reg: &mut Reg, _: RegConstraint, _: OperandKind, _: OperandPos) {
        match self.allocs.get(self.next).and_then(|a| a.as_reg()) {
            Some(preg) => *reg = Reg::from_real(preg),
            None => self.bad += 1,
        }
        self.next += 1;
    }

    fn add_clobbers(&mut self, _: PRegSet) {}

    fn next_operand_index(&self) -> usize {
        self.next
    }
}
