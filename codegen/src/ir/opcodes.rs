//! The opcode table: every opcode's CLIF spelling, instruction format, controlling
//! type rule, result rule and flags, declared once.
//!
//! The parser, the printer and the verifier all read this table, so adding an opcode
//! is one line here plus (if it needs a new operand shape) one format in
//! [`super::InstructionData`].
//!
//! **Controlling type.** A polymorphic opcode has one type variable. It is either
//! written as a suffix (`iconst.i64`, [`Ctrl::Explicit`]) or read from one value
//! operand ([`Ctrl::Operand`]); the printer writes the suffix exactly when the table
//! says `Explicit`, so printed text always parses back to the same types.

use core::fmt;

use super::types::Type;

/// Operand shapes; each is one variant of [`super::InstructionData`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum InstructionFormat {
    /// No operands: `nop`, `get_stack_pointer.i64`.
    Nullary,
    /// One value: `ineg v0`.
    Unary,
    /// An integer immediate: `iconst.i32 7`.
    UnaryImm,
    /// An f32 immediate: `f32const 0x1.0p0`.
    UnaryIeee32,
    /// An f64 immediate: `f64const 0x1.0p0`.
    UnaryIeee64,
    /// A global value: `global_value.i64 gv0`.
    UnaryGlobalValue,
    /// Two values: `iadd v0, v1`.
    Binary,
    /// A value and an integer immediate: `iadd_imm v0, 4`.
    BinaryImm64,
    /// Three values: `select v0, v1, v2`.
    Ternary,
    /// `icmp eq v0, v1`.
    IntCompare,
    /// `icmp_imm eq v0, 4`.
    IntCompareImm,
    /// `fcmp lt v0, v1`.
    FloatCompare,
    /// Two values and a trap code: `uadd_overflow_trap v0, v1, user1`.
    IntAddTrap,
    /// `load.i32 notrap v0+8`.
    Load,
    /// `store notrap v1, v0+8`.
    Store,
    /// Flags and one value, no offset: `atomic_load.i32 v0`, `bitcast.i32 v0`.
    LoadNoOffset,
    /// Flags and two values, no offset: `atomic_store v1, v0`.
    StoreNoOffset,
    /// `atomic_rmw.i32 little add v0, v1`.
    AtomicRmw,
    /// `atomic_cas.i32 v0, v1, v2`.
    AtomicCas,
    /// A stack slot and offset: `stack_addr.i64 ss0+8`, `stack_load.i32 ss0`.
    StackLoad,
    /// `stack_store v0, ss0+8`.
    StackStore,
    /// `call fn0(v0, v1)`.
    Call,
    /// `call_indirect sig0, v2(v0, v1)`.
    CallIndirect,
    /// `func_addr.i64 fn0`.
    FuncAddr,
    /// `jump block1(v0)`.
    Jump,
    /// `brif v0, block1(v1), block2`.
    Brif,
    /// `br_table v0, block3, [block1, block2(v1)]`.
    BranchTable,
    /// `trap user1`.
    Trap,
    /// `trapz v0, int_divz`.
    CondTrap,
    /// Any number of values: `return v0, v1`.
    MultiAry,
}

/// Where an opcode's controlling type comes from.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Ctrl {
    /// Not polymorphic.
    None,
    /// The type of value operand `n` (no suffix printed).
    Operand(u8),
    /// The `.type` suffix (always printed).
    Explicit,
}

/// Which types the controlling type may be.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TypeSet {
    /// Not applicable (opcode not polymorphic).
    None,
    /// Any integer type.
    Int,
    /// `f32` or `f64`.
    Float,
    /// Any type.
    Any,
}

impl TypeSet {
    /// Does the set contain `ty`?
    pub fn contains(self, ty: Type) -> bool {
        match self {
            TypeSet::None => false,
            TypeSet::Int => ty.is_int(),
            TypeSet::Float => ty.is_float(),
            TypeSet::Any => true,
        }
    }
}

/// An opcode's result types, as a function of its controlling type.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Results {
    /// No results.
    None,
    /// One result of the controlling type.
    Ctrl,
    /// One `i8` (comparisons).
    I8,
    /// The controlling type and an `i8` overflow flag.
    CtrlAndI8,
    /// One result of a fixed type.
    Fixed(Type),
    /// One integer twice as wide as the controlling type (`iconcat`).
    DoubleWidth,
    /// Two integers half as wide as the controlling type (`isplit`).
    HalfPair,
    /// The returns of the call's signature.
    CallReturns,
}

/// Boolean properties of an opcode.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OpFlags(u16);

impl OpFlags {
    /// Nothing special.
    pub const NONE: OpFlags = OpFlags(0);
    /// Ends a block.
    pub const TERMINATOR: OpFlags = OpFlags(1 << 0);
    /// Transfers control to blocks of this function.
    pub const BRANCH: OpFlags = OpFlags(1 << 1);
    /// Calls a function.
    pub const CALL: OpFlags = OpFlags(1 << 2);
    /// Leaves the function (`return`, tail calls).
    pub const RETURN: OpFlags = OpFlags(1 << 3);
    /// May trap.
    pub const CAN_TRAP: OpFlags = OpFlags(1 << 4);
    /// Reads memory.
    pub const CAN_LOAD: OpFlags = OpFlags(1 << 5);
    /// Writes memory.
    pub const CAN_STORE: OpFlags = OpFlags(1 << 6);
    /// Has an effect not covered above (fences, pinned register writes).
    pub const SIDE_EFFECT: OpFlags = OpFlags(1 << 7);

    /// Union.
    pub const fn or(self, o: OpFlags) -> OpFlags {
        OpFlags(self.0 | o.0)
    }
    /// Does `self` include every flag of `o`?
    pub const fn contains(self, o: OpFlags) -> bool {
        self.0 & o.0 == o.0
    }
}

/// One row of the opcode table.
#[derive(Clone, Copy, Debug)]
pub struct OpcodeInfo {
    /// CLIF spelling.
    pub name: &'static str,
    /// Operand shape.
    pub format: InstructionFormat,
    /// Where the controlling type comes from.
    pub ctrl: Ctrl,
    /// Which types the controlling type may be.
    pub ctrl_types: TypeSet,
    /// Result types.
    pub results: Results,
    /// Properties.
    pub flags: OpFlags,
}

macro_rules! opcodes {
    ($($v:ident $name:literal $fmt:ident $ctrl:expr, $set:ident, $res:expr, $flags:expr;)*) => {
        /// An instruction opcode.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum Opcode {
            $(#[doc = concat!("`", $name, "`")] $v,)*
        }

        /// The table rows, indexed by `Opcode as usize`.
        static TABLE: &[OpcodeInfo] = &[$(OpcodeInfo {
            name: $name,
            format: InstructionFormat::$fmt,
            ctrl: $ctrl,
            ctrl_types: TypeSet::$set,
            results: $res,
            flags: $flags,
        },)*];

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$v,)*];

            /// This opcode's row of the table.
            pub fn info(self) -> &'static OpcodeInfo {
                &TABLE[self as usize]
            }
        }
    };
}

use Ctrl::{Explicit as EX, None as NC, Operand as OP};
const TERM: OpFlags = OpFlags::TERMINATOR;
const BRANCH: OpFlags = TERM.or(OpFlags::BRANCH);
const TRAP: OpFlags = OpFlags::CAN_TRAP;
const LOAD: OpFlags = OpFlags::CAN_LOAD.or(TRAP);
const STORE: OpFlags = OpFlags::CAN_STORE.or(TRAP);
const ATOMIC: OpFlags = LOAD.or(STORE);
const CALL: OpFlags = OpFlags::CALL;
const TAIL: OpFlags = TERM.or(CALL).or(OpFlags::RETURN);
const SIDE: OpFlags = OpFlags::SIDE_EFFECT;
const NONE: OpFlags = OpFlags::NONE;
const R0: Results = Results::None;
const R1: Results = Results::Ctrl;
const RB: Results = Results::I8;
const RO: Results = Results::CtrlAndI8;

opcodes! {
    // Control flow.
    Jump "jump" Jump NC, None, R0, BRANCH;
    Brif "brif" Brif NC, None, R0, BRANCH;
    BrTable "br_table" BranchTable NC, None, R0, BRANCH;
    Return "return" MultiAry NC, None, R0, TERM.or(OpFlags::RETURN);
    Trap "trap" Trap NC, None, R0, TERM.or(TRAP);
    Trapz "trapz" CondTrap NC, None, R0, TRAP;
    Trapnz "trapnz" CondTrap NC, None, R0, TRAP;
    Debugtrap "debugtrap" Nullary NC, None, R0, SIDE;
    Call "call" Call NC, None, Results::CallReturns, CALL;
    CallIndirect "call_indirect" CallIndirect OP(0), Int, Results::CallReturns, CALL;
    ReturnCall "return_call" Call NC, None, R0, TAIL;
    ReturnCallIndirect "return_call_indirect" CallIndirect OP(0), Int, R0, TAIL;
    FuncAddr "func_addr" FuncAddr EX, Int, R1, NONE;
    Nop "nop" Nullary NC, None, R0, NONE;
    Fence "fence" Nullary NC, None, R0, SIDE;
    // Constants and special registers.
    Iconst "iconst" UnaryImm EX, Int, R1, NONE;
    F32const "f32const" UnaryIeee32 NC, None, Results::Fixed(Type::F32), NONE;
    F64const "f64const" UnaryIeee64 NC, None, Results::Fixed(Type::F64), NONE;
    GetPinnedReg "get_pinned_reg" Nullary EX, Int, R1, SIDE;
    SetPinnedReg "set_pinned_reg" Unary OP(0), Int, R0, SIDE;
    GetFramePointer "get_frame_pointer" Nullary EX, Int, R1, NONE;
    GetStackPointer "get_stack_pointer" Nullary EX, Int, R1, NONE;
    GetReturnAddress "get_return_address" Nullary EX, Int, R1, NONE;
    // Selection.
    Select "select" Ternary OP(1), Any, R1, NONE;
    SelectSpectreGuard "select_spectre_guard" Ternary OP(1), Any, R1, NONE;
    Bitselect "bitselect" Ternary OP(1), Any, R1, NONE;
    // Memory.
    Load "load" Load EX, Any, R1, LOAD;
    Uload8 "uload8" Load EX, Int, R1, LOAD;
    Sload8 "sload8" Load EX, Int, R1, LOAD;
    Uload16 "uload16" Load EX, Int, R1, LOAD;
    Sload16 "sload16" Load EX, Int, R1, LOAD;
    Uload32 "uload32" Load EX, Int, R1, LOAD;
    Sload32 "sload32" Load EX, Int, R1, LOAD;
    Store "store" Store OP(0), Any, R0, STORE;
    Istore8 "istore8" Store OP(0), Int, R0, STORE;
    Istore16 "istore16" Store OP(0), Int, R0, STORE;
    Istore32 "istore32" Store OP(0), Int, R0, STORE;
    StackLoad "stack_load" StackLoad EX, Any, R1, OpFlags::CAN_LOAD;
    StackStore "stack_store" StackStore OP(0), Any, R0, OpFlags::CAN_STORE;
    StackAddr "stack_addr" StackLoad EX, Int, R1, NONE;
    GlobalValue "global_value" UnaryGlobalValue EX, Int, R1, NONE;
    SymbolValue "symbol_value" UnaryGlobalValue EX, Int, R1, NONE;
    TlsValue "tls_value" UnaryGlobalValue EX, Int, R1, NONE;
    AtomicRmw "atomic_rmw" AtomicRmw EX, Int, R1, ATOMIC;
    AtomicCas "atomic_cas" AtomicCas EX, Int, R1, ATOMIC;
    AtomicLoad "atomic_load" LoadNoOffset EX, Int, R1, LOAD;
    AtomicStore "atomic_store" StoreNoOffset OP(0), Int, R0, STORE;
    // Integer arithmetic.
    Iadd "iadd" Binary OP(0), Int, R1, NONE;
    Isub "isub" Binary OP(0), Int, R1, NONE;
    Ineg "ineg" Unary OP(0), Int, R1, NONE;
    Iabs "iabs" Unary OP(0), Int, R1, NONE;
    Imul "imul" Binary OP(0), Int, R1, NONE;
    Umulhi "umulhi" Binary OP(0), Int, R1, NONE;
    Smulhi "smulhi" Binary OP(0), Int, R1, NONE;
    Udiv "udiv" Binary OP(0), Int, R1, TRAP;
    Sdiv "sdiv" Binary OP(0), Int, R1, TRAP;
    Urem "urem" Binary OP(0), Int, R1, TRAP;
    Srem "srem" Binary OP(0), Int, R1, TRAP;
    Smin "smin" Binary OP(0), Int, R1, NONE;
    Smax "smax" Binary OP(0), Int, R1, NONE;
    Umin "umin" Binary OP(0), Int, R1, NONE;
    Umax "umax" Binary OP(0), Int, R1, NONE;
    UaddSat "uadd_sat" Binary OP(0), Int, R1, NONE;
    SaddSat "sadd_sat" Binary OP(0), Int, R1, NONE;
    UsubSat "usub_sat" Binary OP(0), Int, R1, NONE;
    SsubSat "ssub_sat" Binary OP(0), Int, R1, NONE;
    IaddImm "iadd_imm" BinaryImm64 OP(0), Int, R1, NONE;
    ImulImm "imul_imm" BinaryImm64 OP(0), Int, R1, NONE;
    UdivImm "udiv_imm" BinaryImm64 OP(0), Int, R1, TRAP;
    SdivImm "sdiv_imm" BinaryImm64 OP(0), Int, R1, TRAP;
    UremImm "urem_imm" BinaryImm64 OP(0), Int, R1, TRAP;
    SremImm "srem_imm" BinaryImm64 OP(0), Int, R1, TRAP;
    IrsubImm "irsub_imm" BinaryImm64 OP(0), Int, R1, NONE;
    // Overflow-checked arithmetic.
    UaddOverflow "uadd_overflow" Binary OP(0), Int, RO, NONE;
    SaddOverflow "sadd_overflow" Binary OP(0), Int, RO, NONE;
    UsubOverflow "usub_overflow" Binary OP(0), Int, RO, NONE;
    SsubOverflow "ssub_overflow" Binary OP(0), Int, RO, NONE;
    UmulOverflow "umul_overflow" Binary OP(0), Int, RO, NONE;
    SmulOverflow "smul_overflow" Binary OP(0), Int, RO, NONE;
    UaddOverflowCin "uadd_overflow_cin" Ternary OP(0), Int, RO, NONE;
    SaddOverflowCin "sadd_overflow_cin" Ternary OP(0), Int, RO, NONE;
    UsubOverflowBin "usub_overflow_bin" Ternary OP(0), Int, RO, NONE;
    SsubOverflowBin "ssub_overflow_bin" Ternary OP(0), Int, RO, NONE;
    UaddOverflowTrap "uadd_overflow_trap" IntAddTrap OP(0), Int, R1, TRAP;
    // Bitwise operations.
    Band "band" Binary OP(0), Any, R1, NONE;
    Bor "bor" Binary OP(0), Any, R1, NONE;
    Bxor "bxor" Binary OP(0), Any, R1, NONE;
    Bnot "bnot" Unary OP(0), Any, R1, NONE;
    BandNot "band_not" Binary OP(0), Any, R1, NONE;
    BorNot "bor_not" Binary OP(0), Any, R1, NONE;
    BxorNot "bxor_not" Binary OP(0), Any, R1, NONE;
    BandImm "band_imm" BinaryImm64 OP(0), Int, R1, NONE;
    BorImm "bor_imm" BinaryImm64 OP(0), Int, R1, NONE;
    BxorImm "bxor_imm" BinaryImm64 OP(0), Int, R1, NONE;
    Rotl "rotl" Binary OP(0), Int, R1, NONE;
    Rotr "rotr" Binary OP(0), Int, R1, NONE;
    RotlImm "rotl_imm" BinaryImm64 OP(0), Int, R1, NONE;
    RotrImm "rotr_imm" BinaryImm64 OP(0), Int, R1, NONE;
    Ishl "ishl" Binary OP(0), Int, R1, NONE;
    Ushr "ushr" Binary OP(0), Int, R1, NONE;
    Sshr "sshr" Binary OP(0), Int, R1, NONE;
    IshlImm "ishl_imm" BinaryImm64 OP(0), Int, R1, NONE;
    UshrImm "ushr_imm" BinaryImm64 OP(0), Int, R1, NONE;
    SshrImm "sshr_imm" BinaryImm64 OP(0), Int, R1, NONE;
    Bitrev "bitrev" Unary OP(0), Int, R1, NONE;
    Clz "clz" Unary OP(0), Int, R1, NONE;
    Cls "cls" Unary OP(0), Int, R1, NONE;
    Ctz "ctz" Unary OP(0), Int, R1, NONE;
    Bswap "bswap" Unary OP(0), Int, R1, NONE;
    Popcnt "popcnt" Unary OP(0), Int, R1, NONE;
    // Comparisons.
    Icmp "icmp" IntCompare OP(0), Int, RB, NONE;
    IcmpImm "icmp_imm" IntCompareImm OP(0), Int, RB, NONE;
    Fcmp "fcmp" FloatCompare OP(0), Float, RB, NONE;
    // Float arithmetic.
    Fadd "fadd" Binary OP(0), Float, R1, NONE;
    Fsub "fsub" Binary OP(0), Float, R1, NONE;
    Fmul "fmul" Binary OP(0), Float, R1, NONE;
    Fdiv "fdiv" Binary OP(0), Float, R1, NONE;
    Sqrt "sqrt" Unary OP(0), Float, R1, NONE;
    Fma "fma" Ternary OP(0), Float, R1, NONE;
    Fneg "fneg" Unary OP(0), Float, R1, NONE;
    Fabs "fabs" Unary OP(0), Float, R1, NONE;
    Fcopysign "fcopysign" Binary OP(0), Float, R1, NONE;
    Fmin "fmin" Binary OP(0), Float, R1, NONE;
    Fmax "fmax" Binary OP(0), Float, R1, NONE;
    Ceil "ceil" Unary OP(0), Float, R1, NONE;
    Floor "floor" Unary OP(0), Float, R1, NONE;
    Trunc "trunc" Unary OP(0), Float, R1, NONE;
    Nearest "nearest" Unary OP(0), Float, R1, NONE;
    // Conversions.
    Bmask "bmask" Unary EX, Int, R1, NONE;
    Ireduce "ireduce" Unary EX, Int, R1, NONE;
    Uextend "uextend" Unary EX, Int, R1, NONE;
    Sextend "sextend" Unary EX, Int, R1, NONE;
    Fpromote "fpromote" Unary EX, Float, R1, NONE;
    Fdemote "fdemote" Unary EX, Float, R1, NONE;
    Bitcast "bitcast" LoadNoOffset EX, Any, R1, NONE;
    FcvtToUint "fcvt_to_uint" Unary EX, Int, R1, TRAP;
    FcvtToSint "fcvt_to_sint" Unary EX, Int, R1, TRAP;
    FcvtToUintSat "fcvt_to_uint_sat" Unary EX, Int, R1, NONE;
    FcvtToSintSat "fcvt_to_sint_sat" Unary EX, Int, R1, NONE;
    FcvtFromUint "fcvt_from_uint" Unary EX, Float, R1, NONE;
    FcvtFromSint "fcvt_from_sint" Unary EX, Float, R1, NONE;
    Iconcat "iconcat" Binary OP(0), Int, Results::DoubleWidth, NONE;
    Isplit "isplit" Unary OP(0), Int, Results::HalfPair, NONE;
}

impl Opcode {
    /// CLIF spelling.
    pub fn name(self) -> &'static str {
        self.info().name
    }
    /// Operand shape.
    pub fn format(self) -> InstructionFormat {
        self.info().format
    }
    /// Look up a CLIF spelling.
    pub fn from_name(s: &str) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|o| o.name() == s)
    }
    /// Does this opcode end a block?
    pub fn is_terminator(self) -> bool {
        self.info().flags.contains(OpFlags::TERMINATOR)
    }
    /// Does this opcode branch to blocks of the same function?
    pub fn is_branch(self) -> bool {
        self.info().flags.contains(OpFlags::BRANCH)
    }
    /// Does this opcode call a function (including tail calls)?
    pub fn is_call(self) -> bool {
        self.info().flags.contains(OpFlags::CALL)
    }
    /// Does this opcode leave the function?
    pub fn is_return(self) -> bool {
        self.info().flags.contains(OpFlags::RETURN)
    }
    /// May this opcode trap?
    pub fn can_trap(self) -> bool {
        self.info().flags.contains(OpFlags::CAN_TRAP)
    }
    /// May this opcode read memory?
    pub fn can_load(self) -> bool {
        self.info().flags.contains(OpFlags::CAN_LOAD)
    }
    /// May this opcode write memory?
    pub fn can_store(self) -> bool {
        self.info().flags.contains(OpFlags::CAN_STORE)
    }
    /// Must this instruction be kept even if its results are unused?
    pub fn has_side_effects(self) -> bool {
        let f = self.info().flags;
        [
            OpFlags::CALL,
            OpFlags::CAN_TRAP,
            OpFlags::CAN_STORE,
            OpFlags::SIDE_EFFECT,
            OpFlags::TERMINATOR,
        ]
        .iter()
        .any(|&x| f.contains(x))
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The operation of an `atomic_rmw`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AtomicRmwOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `and`
    And,
    /// `nand`
    Nand,
    /// `or`
    Or,
    /// `xor`
    Xor,
    /// `xchg`
    Xchg,
    /// `umin`
    Umin,
    /// `umax`
    Umax,
    /// `smin`
    Smin,
    /// `smax`
    Smax,
}

impl AtomicRmwOp {
    /// Every operation.
    pub const ALL: [AtomicRmwOp; 11] = {
        use AtomicRmwOp::*;
        [Add, Sub, And, Nand, Or, Xor, Xchg, Umin, Umax, Smin, Smax]
    };

    /// CLIF spelling.
    pub const fn name(self) -> &'static str {
        use AtomicRmwOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            And => "and",
            Nand => "nand",
            Or => "or",
            Xor => "xor",
            Xchg => "xchg",
            Umin => "umin",
            Umax => "umax",
            Smin => "smin",
            Smax => "smax",
        }
    }

    /// Look up a CLIF spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|o| o.name() == s)
    }
}

impl fmt::Display for AtomicRmwOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::from_name(op.name()), Some(op), "{op:?}");
        }
        for op in AtomicRmwOp::ALL {
            assert_eq!(AtomicRmwOp::from_name(op.name()), Some(op));
        }
    }

    #[test]
    fn table_is_consistent() {
        for &op in Opcode::ALL {
            let i = op.info();
            // A polymorphic opcode names the types it accepts, and only it does.
            assert_eq!(i.ctrl == Ctrl::None, i.ctrl_types == TypeSet::None, "{op}");
            // Branches end blocks.
            if op.is_branch() {
                assert!(op.is_terminator(), "{op}");
            }
        }
        assert!(Opcode::Brif.is_branch() && !Opcode::Return.is_branch());
        assert!(Opcode::ReturnCall.is_call() && Opcode::ReturnCall.is_terminator());
    }
}
