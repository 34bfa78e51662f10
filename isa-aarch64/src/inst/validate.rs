//! What makes an [`Inst`] encodable beyond its field types, as one checkable
//! function.
//!
//! The immediate newtypes make most invalid instructions unrepresentable, and the
//! register types make `sp`/`xzr` confusion impossible (see [`crate::regs`]); the
//! rest (an operation outside the family its form encodes, an immediate built for the
//! other operand size, a mismatched offset scale, ...) is a lowering bug on which
//! `emit` panics. [`Inst::validate`] reports exactly those cases without panicking, so
//! lowering can `debug_assert!` it when it builds an instruction, and a test checks
//! that `validate` and `emit` agree on random, unconstrained instructions.

use core::fmt;

use super::*;
use crate::regs::RegOrSp;

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
            InstError::ImmLogicSize => {
                f.write_str("logical immediate encoded for the other operand size")
            }
            InstError::MoveWideShift => f.write_str("32-bit move-wide shifted by 32 or more"),
            InstError::ExtendBits { from_bits, to_bits } => {
                write!(f, "cannot extend {from_bits} to {to_bits} bits")
            }
            InstError::OffsetScale { access, scaled_for } => {
                write!(
                    f,
                    "offset scaled for {scaled_for}-byte accesses used on a {access}-byte access"
                )
            }
            InstError::IndexExtend(e) => write!(f, "register offsets cannot use {}", e.name()),
            InstError::NoLiteralForm => f.write_str("no PC-relative literal form for this access"),
            InstError::BitNumber(b) => write!(f, "bit {b} does not exist"),
            InstError::VirtualWritebackBase => {
                f.write_str("pre/post-indexed base must be a real register")
            }
            InstError::TiedMismatch => {
                f.write_str("tied input and destination are different registers")
            }
        }
    }
}

impl std::error::Error for InstError {}

/// A two-address pair: once both are real they must be the same register.
fn tied(rd: Reg, input: Reg) -> Result<(), InstError> {
    if rd.is_real() && input.is_real() && rd != input {
        Err(InstError::TiedMismatch)
    } else {
        Ok(())
    }
}

fn is_addsub(op: ALUOp) -> bool {
    matches!(op, ALUOp::Add | ALUOp::Sub | ALUOp::AddS | ALUOp::SubS)
}

fn is_logical(op: ALUOp) -> bool {
    matches!(
        op,
        ALUOp::And
            | ALUOp::AndS
            | ALUOp::Orr
            | ALUOp::Eor
            | ALUOp::AndNot
            | ALUOp::OrrNot
            | ALUOp::EorNot
    )
}

fn op_in(op: ALUOp, ok: bool, form: &'static str) -> Result<(), InstError> {
    if ok {
        Ok(())
    } else {
        Err(InstError::OpNotInForm { op, form })
    }
}

fn writeback_base(rn: Writable<RegOrSp>) -> Result<(), InstError> {
    match rn.to_reg().as_reg() {
        Some(r) if !r.is_real() => Err(InstError::VirtualWritebackBase),
        _ => Ok(()),
    }
}

fn amode_ok(mem: &AMode, access: u8, literal_ok: bool) -> Result<(), InstError> {
    match *mem {
        AMode::UImm12 { uimm12, .. } if uimm12.scale() != access => Err(InstError::OffsetScale {
            access,
            scaled_for: uimm12.scale(),
        }),
        AMode::PreIndexed { rn, .. } | AMode::PostIndexed { rn, .. } => writeback_base(rn),
        AMode::RegExtended { extend, .. }
            if !matches!(
                extend,
                ExtendOp::Uxtw | ExtendOp::Uxtx | ExtendOp::Sxtw | ExtendOp::Sxtx
            ) =>
        {
            Err(InstError::IndexExtend(extend))
        }
        AMode::Label { .. } if !literal_ok => Err(InstError::NoLiteralForm),
        _ => Ok(()),
    }
}

fn pair_ok(mem: &PairAMode) -> Result<(), InstError> {
    let simm7 = match *mem {
        PairAMode::SignedOffset { simm7, .. } => simm7,
        PairAMode::PreIndexed { rn, simm7 } | PairAMode::PostIndexed { rn, simm7 } => {
            writeback_base(rn)?;
            simm7
        }
    };
    if simm7.scale() != 8 {
        return Err(InstError::OffsetScale {
            access: 8,
            scaled_for: simm7.scale(),
        });
    }
    Ok(())
}

impl Inst {
    /// Check the encodability conditions the field types cannot express (see the
    /// module doc). `Ok` means `emit` will not panic once registers are allocated.
    pub fn validate(&self) -> Result<(), InstError> {
        match self {
            Inst::AluRRImm12 { op, .. } | Inst::AluRRRExtend { op, .. } => op_in(
                *op,
                matches!(op, ALUOp::Add | ALUOp::Sub),
                "add/sub immediate or extended",
            ),
            Inst::AluRRImm12S { op, .. } | Inst::AluRRRExtendS { op, .. } => op_in(
                *op,
                matches!(op, ALUOp::AddS | ALUOp::SubS),
                "flag-setting add/sub immediate or extended",
            ),
            Inst::AluRRImmLogic { op, size, imml, .. } => {
                op_in(
                    *op,
                    matches!(op, ALUOp::And | ALUOp::Orr | ALUOp::Eor),
                    "logical immediate",
                )?;
                if imml.size() != *size {
                    return Err(InstError::ImmLogicSize);
                }
                Ok(())
            }
            Inst::AluRRImmLogicS { size, imml, .. } => {
                if imml.size() != *size {
                    return Err(InstError::ImmLogicSize);
                }
                Ok(())
            }
            Inst::AluRRRShift { op, shift, .. } => {
                if is_addsub(*op) && *shift == ShiftOp::Ror {
                    return Err(InstError::RorOnAddSub);
                }
                op_in(*op, is_addsub(*op) || is_logical(*op), "shifted register")
            }
            Inst::BitRR {
                op: BitOp::Rev32,
                size,
                ..
            } if !size.is64() => Err(InstError::Only64("rev32")),
            Inst::Extend {
                from_bits, to_bits, ..
            } => {
                let ok = matches!(from_bits, 8 | 16 | 32)
                    && matches!(to_bits, 32 | 64)
                    && from_bits < to_bits;
                if ok {
                    Ok(())
                } else {
                    Err(InstError::ExtendBits {
                        from_bits: *from_bits,
                        to_bits: *to_bits,
                    })
                }
            }
            Inst::MovWide { size, imm, .. } | Inst::MovK { size, imm, .. }
                if !size.is64() && imm.hw() >= 2 =>
            {
                Err(InstError::MoveWideShift)
            }
            Inst::MovK { rd, rn, .. } => tied(rd.to_reg(), *rn),
            Inst::FpuSli { rd, ri, .. } => tied(rd.to_reg(), *ri),
            Inst::Load { op, mem, .. } => {
                let literal = matches!(
                    op,
                    LoadOp::ULoad32
                        | LoadOp::ULoad64
                        | LoadOp::SLoad32
                        | LoadOp::FpuLoad32
                        | LoadOp::FpuLoad64
                        | LoadOp::FpuLoad128
                );
                amode_ok(mem, op.bytes(), literal)
            }
            Inst::Store { op, mem, .. } => amode_ok(mem, op.bytes(), false),
            Inst::LoadPair { mem, .. } | Inst::StorePair { mem, .. } => pair_ok(mem),
            Inst::TestBitAndBranch { bit, .. } if *bit > 63 => Err(InstError::BitNumber(*bit)),
            _ => Ok(()),
        }
    }
}
