//! Preamble declarations other than signatures: stack slots, global values and jump
//! tables.

use core::fmt;

use super::entities::GlobalValue;
use super::extfunc::ExternalName;
use super::immediates::{Imm64, Offset32};
use super::instructions::BlockCall;
use super::memflags::MemFlags;
use super::types::Type;

/// A stack slot: `ss0 = explicit_slot 16, align = 8`.
///
/// Invariant: `align_shift <= 31` (the parser rejects other alignments).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct StackSlotData {
    /// Size in bytes.
    pub size: u32,
    /// Log2 of the alignment in bytes.
    pub align_shift: u8,
}

impl fmt::Display for StackSlotData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "explicit_slot {}", self.size)?;
        if self.align_shift != 0 {
            write!(f, ", align = {}", 1u64 << self.align_shift)?;
        }
        Ok(())
    }
}

/// How a global value is computed.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum GlobalValueData {
    /// The VM context parameter: `vmctx`.
    VMContext,
    /// `load.i64 notrap aligned gv0+8`.
    Load {
        /// Address base.
        base: GlobalValue,
        /// Byte offset.
        offset: Offset32,
        /// Loaded type.
        global_type: Type,
        /// Access flags.
        flags: MemFlags,
    },
    /// `iadd_imm.i64 gv0, 16`.
    IAddImm {
        /// Base.
        base: GlobalValue,
        /// Added constant.
        offset: Imm64,
        /// Result type.
        global_type: Type,
    },
    /// `symbol colocated tls %name+8`.
    Symbol {
        /// Symbol name.
        name: ExternalName,
        /// Byte offset from the symbol.
        offset: Imm64,
        /// Defined in the same module.
        colocated: bool,
        /// Thread-local.
        tls: bool,
    },
}

impl GlobalValueData {
    /// The global value this one is computed from (`load` and `iadd_imm`), if any.
    pub fn base(&self) -> Option<GlobalValue> {
        match self {
            GlobalValueData::Load { base, .. } | GlobalValueData::IAddImm { base, .. } => {
                Some(*base)
            }
            GlobalValueData::VMContext | GlobalValueData::Symbol { .. } => None,
        }
    }
}

impl fmt::Display for GlobalValueData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlobalValueData::VMContext => f.write_str("vmctx"),
            GlobalValueData::Load {
                base,
                offset,
                global_type,
                flags,
            } => {
                write!(f, "load.{global_type}{flags} {base}{offset}")
            }
            GlobalValueData::IAddImm {
                base,
                offset,
                global_type,
            } => {
                write!(f, "iadd_imm.{global_type} {base}, {offset}")
            }
            GlobalValueData::Symbol {
                name,
                offset,
                colocated,
                tls,
            } => {
                f.write_str("symbol ")?;
                if *colocated {
                    f.write_str("colocated ")?;
                }
                if *tls {
                    f.write_str("tls ")?;
                }
                write!(f, "{name}")?;
                match offset.0 {
                    0 => Ok(()),
                    n if n > 0 => write!(f, "+{n}"),
                    n => write!(f, "{n}"),
                }
            }
        }
    }
}

/// The targets of one `br_table`: `block_default, [block1, block2(v1)]`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct JumpTableData {
    /// Taken when the index is out of range.
    pub default: BlockCall,
    /// Taken for index 0, 1, ...
    pub entries: Vec<BlockCall>,
}

impl JumpTableData {
    /// Every target: the default first, then the entries.
    pub fn all_branches(&self) -> impl Iterator<Item = &BlockCall> {
        core::iter::once(&self.default).chain(self.entries.iter())
    }

    /// Mutable access to every target, the default first.
    pub fn all_branches_mut(&mut self) -> impl Iterator<Item = &mut BlockCall> {
        core::iter::once(&mut self.default).chain(self.entries.iter_mut())
    }
}
