//! The register model of the 64-bit scalar backends (x86_64, AArch64): the bodies
//! of their `MachInst::rc_for_type`, `canonical_type_for_rc` and `spillslot_size`.
//!
//! Invariants: integers up to 64 bits live in one integer register and `i128` in
//! two (low half first); `f32`/`f64` in one float register; a spill slot is one
//! 8-byte word, so scalar classes take one slot and a 128-bit vector two. A 32-bit
//! target (arm32) has its own model and does not use this module.

use regalloc2::RegClass;

use super::UnsupportedType;
use crate::ir::Type;

/// Register classes and per-register types of a value of type `ty`.
pub fn rc_for_type(ty: Type) -> Result<(&'static [RegClass], &'static [Type]), UnsupportedType> {
    match ty {
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => Ok((&[RegClass::Int], &[Type::I64])),
        Type::I128 => Ok((&[RegClass::Int, RegClass::Int], &[Type::I64, Type::I64])),
        Type::F32 => Ok((&[RegClass::Float], &[Type::F32])),
        Type::F64 => Ok((&[RegClass::Float], &[Type::F64])),
    }
}

/// What moves, spills and reloads of `class` transfer: a whole 64-bit integer
/// register, or the low 64 bits of a float register (scalar floats only).
pub fn canonical_type_for_rc(class: RegClass) -> Type {
    match class {
        RegClass::Int => Type::I64,
        RegClass::Float | RegClass::Vector => Type::F64,
    }
}

/// Spill slots (8-byte words) a value of `class` occupies.
pub fn spillslot_size(class: RegClass) -> usize {
    match class {
        RegClass::Int | RegClass::Float => 1,
        RegClass::Vector => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_table() {
        // (type, classes, register types)
        let rows: [(Type, &[RegClass], &[Type]); 6] = [
            (Type::I8, &[RegClass::Int], &[Type::I64]),
            (Type::I16, &[RegClass::Int], &[Type::I64]),
            (Type::I32, &[RegClass::Int], &[Type::I64]),
            (Type::I64, &[RegClass::Int], &[Type::I64]),
            (
                Type::I128,
                &[RegClass::Int, RegClass::Int],
                &[Type::I64, Type::I64],
            ),
            (Type::F32, &[RegClass::Float], &[Type::F32]),
        ];
        for (ty, classes, tys) in rows {
            assert_eq!(rc_for_type(ty), Ok((classes, tys)), "{ty:?}");
        }
        assert_eq!(
            rc_for_type(Type::F64),
            Ok((&[RegClass::Float][..], &[Type::F64][..]))
        );
        let slots = [
            (RegClass::Int, Type::I64, 1),
            (RegClass::Float, Type::F64, 1),
            (RegClass::Vector, Type::F64, 2),
        ];
        for (class, ty, n) in slots {
            assert_eq!(
                (canonical_type_for_rc(class), spillslot_size(class)),
                (ty, n),
                "{class:?}"
            );
        }
    }
}
