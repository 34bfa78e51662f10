//! What makes an [`Inst`] encodable beyond its field types, as one checkable
//! function.
//!
//! The immediate newtypes make most invalid instructions unrepresentable; the rest
//! (an operation outside the family its form encodes, an immediate built for the
//! other operand size, `sp` in an `xzr` slot, ...) is a lowering bug on which `emit`
//! panics. [`Inst::validate`] reports exactly those cases without panicking, so
//! lowering can `debug_assert!` it when it builds an instruction, and a test checks
//! that `validate` and `emit` agree on random, unconstrained instructions.

use core::fmt;

use super::*;
use crate::regs::{is_stack_reg, is_zero_reg};

/// Why an instruction cannot be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstError {
    /// `op` has no encoding in this instruction form.
    OpNotInForm { op: ALUOp, form: &'static str },
    /// A `ror` shift on an add/sub operand.
    RorOnAddSub,
    /// An operation that only exists at 64 bits used at 32.
    Only64(&'static str),
    /// A logical immediate encoded for the other operand size.
    ImmLogicSize,
    /// A 32-bit `movz`/`movn`/`movk` shifted by 32 or 48.
    MoveWideShift,
    /// An `Extend` other than 8/16/32 → 32/64 (narrowing or equal widths).
    ExtendBits { from_bits: u8, to_bits: u8 },
    /// A scaled offset built for an access of another size.
    OffsetScale { access: u8, scaled_for: u8 },
    /// A register-offset address with an extend other than uxtw/sxtw/uxtx/sxtx.
    IndexExtend(ExtendOp),
    /// A literal (label) address on a load that has no literal form, or on a store.
    NoLiteralForm,
    /// `sp` where encoding 31 means `xzr`, or `xzr` where it means `sp`.
    WrongReg31 { sp_in_zr_slot: bool },
    /// A `tbz`/`tbnz` bit number above 63.
    BitNumber(u8),
    /// A pre/post-indexed base that is not a real register.
    VirtualWritebackBase,
    /// A two-address input (`movk`, `sli`) allocated to another register than the
    /// destination.
    TiedMismatch,
}

impl fmt::Display for InstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstError::OpNotInForm { op, form } => write!(f, "{op:?} has no {form} encoding"),
            InstError::RorOnAddSub => f.write_str("add/sub cannot take a ror-shifted operand"),
            InstError::Only64(what) => write!(f, "{what} exists only for 64-bit operands"),
            InstError::ImmLogicSize => f.write_str("logical immediate encoded for the other operand size"),
            InstError::MoveWideShift => f.write_str("32-bit move-wide shifted by 32 or more"),
            InstError::ExtendBits { from_bits, to_bits } => write!(f, "cannot extend {from_bits} to {to_bits} bits"),
            InstError::OffsetScale { access, scaled_for } => {
                write!(f, "offset scaled for {scaled_for}-byte accesses used on a {access}-byte access")
            }
            InstError::IndexExtend(e) => write!(f, "register offsets cannot use {}", e.name()),
            InstError::NoLiteralForm => f.write_str("no PC-relative literal form for this access"),
            InstError::WrongReg31 { sp_in_zr_slot: true } => f.write_str("sp in a slot where 31 means xzr"),
            InstError::WrongReg31 { sp_in_zr_slot: false } => f.write_str("xzr in a slot where 31 means sp"),
            InstError::BitNumber(b) => write!(f, "bit {b} does not exist"),
            InstError::VirtualWritebackBase => f.write_str("pre/post-indexed base must be a real register"),
            InstError::TiedMismatch => f.write_str("tied input and destination are different registers"),
        }
    }
}

impl std::error::Error for InstError {}

/// `r` in an xzr-slot.
fn zr_slot(r: Reg) -> Result<(), InstError> {
    if is_stack_reg(r) {
        Err(InstError::WrongReg31 { sp_in_zr_slot: true })
    } else {
        Ok(())
    }
}

/// `r` in an sp-slot.
fn sp_slot(r: Reg) -> Result<(), InstError> {
    if is_zero_reg(r) {
        Err(InstError::WrongReg31 { sp_in_zr_slot: false })
    } else {
        Ok(())
    }
}

/// A two-address pair: once both are real they must be the same register.
fn tied(rd: Reg, input: Reg) -> Result<(), InstError> {
    if rd.is_real() && input.is_real() && rd != input {
        Err(InstError::TiedMismatch)
    } else {
        Ok(())
    }
}

fn all_zr(regs: &[Reg]) -> Result<(), InstError> {
    regs.iter().try_for_each(|&r| zr_slot(r))
}

fn is_addsub(op: ALUOp) -> bool {
    matches!(op, ALUOp::Add | ALUOp::Sub | ALUOp::AddS | ALUOp::SubS)
}

fn is_logical(op: ALUOp) -> bool {
    matches!(op, ALUOp::And | ALUOp::AndS | ALUOp::Orr | ALUOp::Eor | ALUOp::AndNot | ALUOp::OrrNot | ALUOp::EorNot)
}

/// The destination of add/sub immediate and extended forms: an sp-slot unless
/// flags are set.
fn addsub_dest(op: ALUOp, rd: Reg) -> Result<(), InstError> {
    if matches!(op, ALUOp::AddS | ALUOp::SubS) {
        zr_slot(rd)
    } else {
        sp_slot(rd)
    }
}

fn amode_ok(mem: &AMode, access: u8, literal_ok: bool) -> Result<(), InstError> {
    match *mem {
        AMode::UImm12 { rn, uimm12 } => {
            if uimm12.scale() != access {
                return Err(InstError::OffsetScale { access, scaled_for: uimm12.scale() });
            }
            sp_slot(rn)
        }
        AMode::Unscaled { rn, .. } => sp_slot(rn),
        AMode::PreIndexed { rn, .. } | AMode::PostIndexed { rn, .. } => {
            if !rn.to_reg().is_real() {
                return Err(InstError::VirtualWritebackBase);
            }
            sp_slot(rn.to_reg())
        }
        AMode::RegExtended { rn, rm, extend, .. } => {
            if !matches!(extend, ExtendOp::Uxtw | ExtendOp::Uxtx | ExtendOp::Sxtw | ExtendOp::Sxtx) {
                return Err(InstError::IndexExtend(extend));
            }
            sp_slot(rn)?;
            zr_slot(rm)
        }
        AMode::Label { .. } if literal_ok => Ok(()),
        AMode::Label { .. } => Err(InstError::NoLiteralForm),
        AMode::SpOffset { .. } => Ok(()),
    }
}

fn pair_ok(mem: &PairAMode) -> Result<(), InstError> {
    let (rn, simm7) = match *mem {
        PairAMode::SignedOffset { rn, simm7 } => (rn, simm7),
        PairAMode::PreIndexed { rn, simm7 } | PairAMode::PostIndexed { rn, simm7 } => {
            if !rn.to_reg().is_real() {
                return Err(InstError::VirtualWritebackBase);
            }
            (rn.to_reg(), simm7)
        }
    };
    if simm7.scale() != 8 {
        return Err(InstError::OffsetScale { access: 8, scaled_for: simm7.scale() });
    }
    sp_slot(rn)
}

fn cond_kind_ok(kind: &CondBrKind) -> Result<(), InstError> {
    match *kind {
        CondBrKind::Zero(r, _) | CondBrKind::NotZero(r, _) => zr_slot(r),
        CondBrKind::Cond(_) => Ok(()),
    }
}

impl Inst {
    /// Check the encodability conditions the field types cannot express (see the
    /// module doc). `Ok` means `emit` will not panic once registers are allocated.
    pub fn validate(&self) -> Result<(), InstError> {
        match self {
            Inst::AluRRR { rd, rn, rm, .. } => all_zr(&[rd.to_reg(), *rn, *rm]),
            Inst::AluRRRR { rd, rn, rm, ra, .. } => all_zr(&[rd.to_reg(), *rn, *rm, *ra]),
            Inst::AluRRImm12 { op, rd, rn, .. } => {
                if !is_addsub(*op) {
                    return Err(InstError::OpNotInForm { op: *op, form: "add/sub immediate" });
                }
                addsub_dest(*op, rd.to_reg())?;
                sp_slot(*rn)
            }
            Inst::AluRRImmLogic { op, size, rd, rn, imml } => {
                if !matches!(op, ALUOp::And | ALUOp::AndS | ALUOp::Orr | ALUOp::Eor) {
                    return Err(InstError::OpNotInForm { op: *op, form: "logical immediate" });
                }
                if imml.size() != *size {
                    return Err(InstError::ImmLogicSize);
                }
                if *op == ALUOp::AndS { zr_slot(rd.to_reg()) } else { sp_slot(rd.to_reg()) }?;
                zr_slot(*rn)
            }
            Inst::AluRRRShift { op, rd, rn, rm, shift, .. } => {
                if is_addsub(*op) && *shift == ShiftOp::Ror {
                    return Err(InstError::RorOnAddSub);
                }
                if !is_addsub(*op) && !is_logical(*op) {
                    return Err(InstError::OpNotInForm { op: *op, form: "shifted register" });
                }
                all_zr(&[rd.to_reg(), *rn, *rm])
            }
            Inst::AluRRRExtend { op, rd, rn, rm, .. } => {
                if !is_addsub(*op) {
                    return Err(InstError::OpNotInForm { op: *op, form: "extended register" });
                }
                addsub_dest(*op, rd.to_reg())?;
                sp_slot(*rn)?;
                zr_slot(*rm)
            }
            Inst::BitRR { op, size, rd, rn } => {
                if *op == BitOp::Rev32 && !size.is64() {
                    return Err(InstError::Only64("rev32"));
                }
                all_zr(&[rd.to_reg(), *rn])
            }
            Inst::Extend { rd, rn, from_bits, to_bits, .. } => {
                let ok = matches!(from_bits, 8 | 16 | 32) && matches!(to_bits, 32 | 64) && from_bits < to_bits;
                if !ok {
                    return Err(InstError::ExtendBits { from_bits: *from_bits, to_bits: *to_bits });
                }
                all_zr(&[rd.to_reg(), *rn])
            }
            Inst::MovWide { size, rd, imm, .. } | Inst::MovK { size, rd, imm, .. } => {
                if let Inst::MovK { rn, .. } = self {
                    tied(rd.to_reg(), *rn)?;
                }
                if !size.is64() && imm.hw() >= 2 {
                    return Err(InstError::MoveWideShift);
                }
                zr_slot(rd.to_reg())
            }
            Inst::Mov { rd, rm, .. } => {
                // `sp` on either side switches to `add rd, rm, #0`, where `xzr` is invalid.
                if is_stack_reg(rd.to_reg()) || is_stack_reg(*rm) {
                    sp_slot(rd.to_reg())?;
                    sp_slot(*rm)
                } else {
                    Ok(())
                }
            }
            Inst::AluRRImmShift { rd, rn, .. } | Inst::CSel { rd, rn, .. } => {
                let rm = match self {
                    Inst::CSel { rm, .. } => *rm,
                    _ => *rn,
                };
                all_zr(&[rd.to_reg(), *rn, rm])
            }
            Inst::CSet { rd, .. } | Inst::CSetm { rd, .. } | Inst::Adr { rd, .. } | Inst::Adrp { rd, .. } => {
                zr_slot(rd.to_reg())
            }
            Inst::CCmp { rn, rm, .. } => all_zr(&[*rn, *rm]),
            Inst::CCmpImm { rn, .. } => zr_slot(*rn),
            Inst::Load { op, rd, mem } => {
                let literal = matches!(
                    op,
                    LoadOp::ULoad32 | LoadOp::ULoad64 | LoadOp::SLoad32 | LoadOp::FpuLoad32 | LoadOp::FpuLoad64 | LoadOp::FpuLoad128
                );
                amode_ok(mem, op.bytes(), literal)?;
                if op.is_fpu() { Ok(()) } else { zr_slot(rd.to_reg()) }
            }
            Inst::Store { op, rt, mem } => {
                amode_ok(mem, op.bytes(), false)?;
                if op.is_fpu() { Ok(()) } else { zr_slot(*rt) }
            }
            Inst::LoadPair { kind, rt, rt2, mem } => {
                pair_ok(mem)?;
                if *kind == PairKind::X64 { all_zr(&[rt.to_reg(), rt2.to_reg()]) } else { Ok(()) }
            }
            Inst::StorePair { kind, rt, rt2, mem } => {
                pair_ok(mem)?;
                if *kind == PairKind::X64 { all_zr(&[*rt, *rt2]) } else { Ok(()) }
            }
            Inst::FpuSli { rd, ri, .. } => tied(rd.to_reg(), *ri),
            Inst::FpuToInt { rd, .. } => zr_slot(rd.to_reg()),
            Inst::IntToFpu { rn, .. } | Inst::MovToFpu { rn, .. } => zr_slot(*rn),
            Inst::MovFromFpu { rd, .. } => zr_slot(rd.to_reg()),
            Inst::CondBr { kind, .. } | Inst::OneWayCondBr { kind, .. } | Inst::TrapIf { kind, .. } => cond_kind_ok(kind),
            Inst::TestBitAndBranch { rn, bit, .. } => {
                if *bit > 63 {
                    return Err(InstError::BitNumber(*bit));
                }
                zr_slot(*rn)
            }
            Inst::IndirectBr { rn } | Inst::CallInd { rn, .. } => zr_slot(*rn),
            Inst::JTSequence { ridx, rtmp1, rtmp2, .. } => all_zr(&[*ridx, rtmp1.to_reg(), rtmp2.to_reg()]),
            Inst::FpuRR { .. }
            | Inst::FpuRRR { .. }
            | Inst::FpuRound { .. }
            | Inst::FpuCmp { .. }
            | Inst::FpuCmpZero { .. }
            | Inst::FpuCSel { .. }
            | Inst::FpuMove { .. }
            | Inst::FpuMove128 { .. }
            | Inst::FpuMoveImm { .. }
            | Inst::FpuUShr { .. }
            | Inst::Jump { .. }
            | Inst::Call { .. }
            | Inst::CallLabel { .. }
            | Inst::Ret { .. }
            | Inst::Args { .. }
            | Inst::Udf { .. }
            | Inst::Brk { .. }
            | Inst::Nop4 => Ok(()),
        }
    }
}
