//! Entity references: small typed indices into the tables of a [`Function`].
//!
//! Every entity prints with its CLIF prefix (`v3`, `block2`, `ss0`, ...) and the
//! parser keeps the numbers it reads, so a function printed and parsed again names
//! every entity the same way.
//!
//! [`Function`]: super::Function

use core::fmt;

use cranelift_entity::entity_impl;

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);
        entity_impl!($name, $prefix);

        impl $name {
            /// The prefix this entity prints with (`v`, `block`, ...).
            pub const PREFIX: &'static str = $prefix;
        }
    };
}

entity!(
    /// An SSA value: an instruction result or a block parameter.
    Value, "v"
);
entity!(
    /// A basic block.
    Block, "block"
);
entity!(
    /// An instruction.
    Inst, "inst"
);
entity!(
    /// A stack slot declared in the preamble (`ss0 = explicit_slot 8`).
    StackSlot, "ss"
);
entity!(
    /// A global value declared in the preamble (`gv0 = vmctx`).
    GlobalValue, "gv"
);
entity!(
    /// A signature declared in the preamble (`sig0 = (i64) -> i64`).
    SigRef, "sig"
);
entity!(
    /// An external function declared in the preamble (`fn0 = %g sig0`).
    FuncRef, "fn"
);
entity!(
    /// A jump table (the target list of one `br_table`).
    JumpTable, "jt"
);
entity!(
    /// A constant in the function's constant pool.
    Constant, "const"
);

/// Any entity, for error locations and comments attached to entities.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AnyEntity {
    /// The function as a whole.
    Function,
    /// A block.
    Block(Block),
    /// An instruction.
    Inst(Inst),
    /// A value.
    Value(Value),
    /// A stack slot.
    StackSlot(StackSlot),
    /// A global value.
    GlobalValue(GlobalValue),
    /// A signature.
    SigRef(SigRef),
    /// An external function.
    FuncRef(FuncRef),
    /// A jump table.
    JumpTable(JumpTable),
    /// A constant.
    Constant(Constant),
}

impl fmt::Display for AnyEntity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyEntity::Function => f.write_str("function"),
            AnyEntity::Block(e) => e.fmt(f),
            AnyEntity::Inst(e) => e.fmt(f),
            AnyEntity::Value(e) => e.fmt(f),
            AnyEntity::StackSlot(e) => e.fmt(f),
            AnyEntity::GlobalValue(e) => e.fmt(f),
            AnyEntity::SigRef(e) => e.fmt(f),
            AnyEntity::FuncRef(e) => e.fmt(f),
            AnyEntity::JumpTable(e) => e.fmt(f),
            AnyEntity::Constant(e) => e.fmt(f),
        }
    }
}

macro_rules! any_from {
    ($($name:ident),*) => {$(
        impl From<$name> for AnyEntity {
            fn from(e: $name) -> Self {
                AnyEntity::$name(e)
            }
        }
    )*};
}
any_from!(
    Block,
    Inst,
    Value,
    StackSlot,
    GlobalValue,
    SigRef,
    FuncRef,
    JumpTable,
    Constant
);

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_entity::EntityRef;

    #[test]
    fn display_uses_clif_prefixes() {
        let cases: [(AnyEntity, &str); 5] = [
            (Value::new(10).into(), "v10"),
            (Block::new(3).into(), "block3"),
            (Inst::new(5).into(), "inst5"),
            (FuncRef::new(0).into(), "fn0"),
            (AnyEntity::Function, "function"),
        ];
        for (e, s) in cases {
            assert_eq!(e.to_string(), s);
        }
    }
}
