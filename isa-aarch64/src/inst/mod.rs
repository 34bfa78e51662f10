//! AArch64 machine instructions over [`Reg`] (virtual before register allocation,
//! real after), grouped by family.
//!
//! Invariants the types keep: every immediate is an encodable newtype from
//! [`crate::imms`]; operands whose encoding 31 means `sp` are documented as such and
//! operands where it means `xzr` are the rest (see [`crate::regs`]). Instructions
//! that target a label hold a [`MachLabel`]; calls to other functions hold a
//! [`RelocTarget`] resolved by the text-section builder.

pub mod args;
mod gen;
mod operands;
mod print;
mod validate;

pub use validate::InstError;

use atoll_codegen::buffer::{MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{PReg, PRegSet, Reg, RegClass, Writable};
use smallvec::SmallVec;

use crate::imms::{FpImm8, Imm12, ImmLogic, ImmShift, MoveWideConst, SImm9, UImm5, NZCV};
use crate::regs::RegOrSp;

pub use args::{AMode, Cond, CondBrKind, ExtendOp, OperandSize, PairAMode, ScalarSize, ShiftOp};

/// Integer operations with two register (or register + immediate) sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ALUOp {
    Add,
    Sub,
    /// `adds`: add and set flags.
    AddS,
    /// `subs`: subtract and set flags (`cmp` when the destination is `xzr`).
    SubS,
    And,
    /// `ands` (`tst` when the destination is `xzr`).
    AndS,
    Orr,
    Eor,
    /// `bic`: `rn & !rm`.
    AndNot,
    /// `orn`: `rn | !rm`.
    OrrNot,
    /// `eon`: `rn ^ !rm`.
    EorNot,
    /// `lslv` (register-amount shift).
    Lsl,
    /// `lsrv`.
    Lsr,
    /// `asrv`.
    Asr,
    /// `rorv`.
    Ror,
    SDiv,
    UDiv,
    /// High 64 bits of the signed 128-bit product (always 64-bit: the size is ignored).
    SMulH,
    /// High 64 bits of the unsigned 128-bit product (always 64-bit: the size is ignored).
    UMulH,
}

/// Integer operations with three register sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ALUOp3 {
    /// `rd = ra + rn * rm` (`mul` when `ra` is `xzr`).
    MAdd,
    /// `rd = ra - rn * rm` (`mneg` when `ra` is `xzr`).
    MSub,
    /// `xd = xa + sext(wn) * sext(wm)` (always 64-bit: the size is ignored).
    SMAddL,
    /// `xd = xa + zext(wn) * zext(wm)` (always 64-bit: the size is ignored).
    UMAddL,
}

/// Shifts by an immediate amount (`ubfm`/`sbfm`/`extr` aliases).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImmShiftOp {
    Lsl,
    Lsr,
    Asr,
    Ror,
}

/// Single-source bit operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitOp {
    RBit,
    Clz,
    Cls,
    /// Reverse the bytes of the whole register (`rev`).
    Rev,
    /// Reverse bytes within each halfword.
    Rev16,
    /// Reverse bytes within each word (64-bit only).
    Rev32,
}

/// Conditional select flavours: `rd = cond ? rn : f(rm)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CSelOp {
    /// `f(rm) = rm`.
    Csel,
    /// `f(rm) = rm + 1`.
    Csinc,
    /// `f(rm) = !rm`.
    Csinv,
    /// `f(rm) = -rm`.
    Csneg,
}

/// `movz` / `movn` (materialize a 16-bit chunk, or its complement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoveWideOp {
    MovZ,
    MovN,
}

/// Single-register loads. Sign-extending loads extend to 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadOp {
    ULoad8,
    SLoad8,
    ULoad16,
    SLoad16,
    ULoad32,
    SLoad32,
    ULoad64,
    FpuLoad32,
    FpuLoad64,
    FpuLoad128,
}

impl LoadOp {
    /// Bytes accessed.
    pub fn bytes(self) -> u8 {
        crate::emit::mem::load_bytes(self)
    }

    /// Whether the data register is a float/vector register.
    pub fn is_fpu(self) -> bool {
        matches!(
            self,
            LoadOp::FpuLoad32 | LoadOp::FpuLoad64 | LoadOp::FpuLoad128
        )
    }
}

/// Single-register stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreOp {
    Store8,
    Store16,
    Store32,
    Store64,
    FpuStore32,
    FpuStore64,
    FpuStore128,
}

impl StoreOp {
    /// Bytes accessed.
    pub fn bytes(self) -> u8 {
        crate::emit::mem::store_bytes(self)
    }

    /// Whether the data register is a float/vector register.
    pub fn is_fpu(self) -> bool {
        matches!(
            self,
            StoreOp::FpuStore32 | StoreOp::FpuStore64 | StoreOp::FpuStore128
        )
    }
}

/// Register pairs for `ldp`/`stp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PairKind {
    /// Two `x` registers.
    X64,
    /// Two `d` registers (callee-saved `v8`–`v15` halves).
    D64,
}

/// One-source scalar float operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp1 {
    Abs,
    Neg,
    Sqrt,
    /// Convert to the other width: `fcvt` (the size field is the SOURCE width).
    Cvt,
}

/// Two-source scalar float operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp2 {
    Add,
    Sub,
    Mul,
    Div,
    /// NaN-propagating maximum (wasm `max`).
    Max,
    /// NaN-propagating minimum.
    Min,
    /// IEEE maxNum (a quiet NaN loses).
    MaxNm,
    /// IEEE minNum.
    MinNm,
}

/// Rounding to an integral float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuRoundMode {
    /// Toward −∞ (`frintm`, floor).
    Minus,
    /// Toward +∞ (`frintp`, ceil).
    Plus,
    /// Toward zero (`frintz`, trunc).
    Zero,
    /// To nearest, ties to even (`frintn`).
    Nearest,
}

/// Shifts in the float/vector register file, used to build `copysign`
/// (`ushr` the sign of one value down, `sli` it into the other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuShiftOp {
    /// Unsigned shift right, amount `1..=bits`.
    UShr,
    /// Shift left and insert, amount `0..bits`; keeps the low `amount` bits of the
    /// destination.
    Sli,
}

/// A shift amount valid for an [`FpuShiftOp`] at a [`ScalarSize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FpuShiftImm {
    amount: u8,
}

impl FpuShiftImm {
    pub fn maybe_from_u8(amount: u8, op: FpuShiftOp, size: ScalarSize) -> Option<FpuShiftImm> {
        let bits = match size {
            ScalarSize::Size32 => 32,
            ScalarSize::Size64 => 64,
        };
        let ok = match op {
            FpuShiftOp::UShr => (1..=bits).contains(&amount),
            FpuShiftOp::Sli => amount < bits,
        };
        ok.then_some(FpuShiftImm { amount })
    }

    pub fn value(self) -> u8 {
        self.amount
    }
}

/// One AArch64 instruction (or a short fixed sequence, where noted).
///
/// Register slots: fields of type `Reg` are xzr-slots (encoding 31 is `xzr`), fields
/// of type [`RegOrSp`] are sp-slots; see [`crate::regs`].
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    // ---- integer ALU ----
    /// `op rd, rn, rm`.
    AluRRR {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `op rd, rn, rm, ra` (`madd`, `msub`, `smaddl`, `umaddl`).
    AluRRRR {
        op: ALUOp3,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
        ra: Reg,
    },
    /// `add`/`sub rd, rn, #imm12{, lsl #12}` (`op` is `Add` or `Sub`); both
    /// registers are sp-slots (`mov` to or from `sp` is `add rd, rn, #0`).
    AluRRImm12 {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<RegOrSp>,
        rn: RegOrSp,
        imm12: Imm12,
    },
    /// `adds`/`subs rd, rn, #imm12` (`op` is `AddS` or `SubS`; `cmp`/`cmn` when `rd`
    /// is `xzr`): `rn` is an sp-slot, `rd` an xzr-slot.
    AluRRImm12S {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: RegOrSp,
        imm12: Imm12,
    },
    /// `and`/`orr`/`eor rd, rn, #bitmask` (`rd` is an sp-slot).
    AluRRImmLogic {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<RegOrSp>,
        rn: Reg,
        imml: ImmLogic,
    },
    /// `ands rd, rn, #bitmask` (`tst` when `rd` is `xzr`).
    AluRRImmLogicS {
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        imml: ImmLogic,
    },
    /// `op rd, rn, #amount` (lsl/lsr/asr/ror by an immediate).
    AluRRImmShift {
        op: ImmShiftOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        immshift: ImmShift,
    },
    /// `op rd, rn, rm, <shift> #amount` for add/sub (no `ror`) and logical operations.
    AluRRRShift {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
        shift: ShiftOp,
        amount: ImmShift,
    },
    /// `add`/`sub rd, rn, rm, <extend> #shift` (`op` is `Add` or `Sub`): `rd` and `rn`
    /// are sp-slots.
    AluRRRExtend {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<RegOrSp>,
        rn: RegOrSp,
        rm: Reg,
        extend: ExtendOp,
        shift: ExtendShift,
    },
    /// `adds`/`subs rd, rn, rm, <extend> #shift` (`op` is `AddS` or `SubS`): `rn` is an
    /// sp-slot, `rd` an xzr-slot.
    AluRRRExtendS {
        op: ALUOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: RegOrSp,
        rm: Reg,
        extend: ExtendOp,
        shift: ExtendShift,
    },
    /// `rbit`, `clz`, `cls`, `rev`, `rev16`, `rev32`.
    BitRR {
        op: BitOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// Sign- or zero-extend the low `from_bits` (8, 16 or 32) of `rn` to `to_bits`
    /// (32 or 64).
    Extend {
        rd: Writable<Reg>,
        rn: Reg,
        signed: bool,
        from_bits: u8,
        to_bits: u8,
    },
    /// `movz`/`movn rd, #imm16, lsl #(16*hw)`.
    MovWide {
        op: MoveWideOp,
        size: OperandSize,
        rd: Writable<Reg>,
        imm: MoveWideConst,
    },
    /// `movk rd, #imm16, lsl #(16*hw)`: replaces one halfword of `rn` (tied to `rd`).
    MovK {
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        imm: MoveWideConst,
    },
    /// Register copy `mov rd, rm` (`orr rd, xzr, rm`). Copies to or from `sp` are
    /// `AluRRImm12` adds of 0 (see `Inst::mov_sp`).
    Mov {
        size: OperandSize,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `csel`/`csinc`/`csinv`/`csneg rd, rn, rm, cond`.
    CSel {
        op: CSelOp,
        size: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
        cond: Cond,
    },
    /// `cset rd, cond` (1 or 0).
    CSet {
        size: OperandSize,
        rd: Writable<Reg>,
        cond: Cond,
    },
    /// `csetm rd, cond` (all ones or 0).
    CSetm {
        size: OperandSize,
        rd: Writable<Reg>,
        cond: Cond,
    },
    /// `ccmp rn, rm, #nzcv, cond`: compare if `cond` holds, else set flags to `nzcv`.
    CCmp {
        size: OperandSize,
        rn: Reg,
        rm: Reg,
        nzcv: NZCV,
        cond: Cond,
    },
    /// `ccmp rn, #imm5, #nzcv, cond`.
    CCmpImm {
        size: OperandSize,
        rn: Reg,
        imm: UImm5,
        nzcv: NZCV,
        cond: Cond,
    },

    // ---- memory ----
    /// Load one register. `AMode::Label` only with `ULoad32`, `ULoad64`, `SLoad32`
    /// and the float loads (the only literal forms that exist).
    Load {
        op: LoadOp,
        rd: Writable<Reg>,
        mem: AMode,
    },
    /// Store one register (`AMode::Label` is not allowed).
    Store { op: StoreOp, rt: Reg, mem: AMode },
    /// `rd = address of byte `off` of explicit stack slot `slot`` (`add rd, sp, #n`,
    /// through `x16` for large frames).
    SlotAddr {
        rd: Writable<Reg>,
        slot: u32,
        off: i64,
    },
    /// `ldp rt, rt2, mem`.
    LoadPair {
        kind: PairKind,
        rt: Writable<Reg>,
        rt2: Writable<Reg>,
        mem: PairAMode,
    },
    /// `stp rt, rt2, mem`.
    StorePair {
        kind: PairKind,
        rt: Reg,
        rt2: Reg,
        mem: PairAMode,
    },

    // ---- float ----
    /// `fabs`/`fneg`/`fsqrt`/`fcvt`.
    FpuRR {
        op: FpuOp1,
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `fadd`/`fsub`/`fmul`/`fdiv`/`fmax`/`fmin`/`fmaxnm`/`fminnm`.
    FpuRRR {
        op: FpuOp2,
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `frintm`/`frintp`/`frintz`/`frintn`.
    FpuRound {
        mode: FpuRoundMode,
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `fcmp rn, rm`.
    FpuCmp { size: ScalarSize, rn: Reg, rm: Reg },
    /// `fcmp rn, #0.0`.
    FpuCmpZero { size: ScalarSize, rn: Reg },
    /// `fcsel rd, rn, rm, cond`.
    FpuCSel {
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
        cond: Cond,
    },
    /// `fcvtzs`/`fcvtzu` (`signed`) from float `src` to integer `dst`.
    FpuToInt {
        signed: bool,
        src: ScalarSize,
        dst: OperandSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `scvtf`/`ucvtf` (`signed`) from integer `src` to float `dst`.
    IntToFpu {
        signed: bool,
        src: OperandSize,
        dst: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `fmov sN, wM` / `fmov dN, xM` (bit copy into the float file).
    MovToFpu {
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `fmov wN, sM` / `fmov xN, dM` (bit copy out of the float file).
    MovFromFpu {
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `fmov sN, sM` / `fmov dN, dM`.
    FpuMove {
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
    },
    /// `mov vN.16b, vM.16b` (whole 128-bit register; regalloc moves).
    FpuMove128 { rd: Writable<Reg>, rn: Reg },
    /// `fmov sN/dN, #imm`.
    FpuMoveImm {
        size: ScalarSize,
        rd: Writable<Reg>,
        imm: FpImm8,
    },
    /// `ushr dN, dM, #amount` (or `.2s` vector form for 32-bit).
    FpuUShr {
        size: ScalarSize,
        rd: Writable<Reg>,
        rn: Reg,
        amount: FpuShiftImm,
    },
    /// `sli dN, dM, #amount` (or `.2s`): `ri` is the old destination value (tied to `rd`).
    FpuSli {
        size: ScalarSize,
        rd: Writable<Reg>,
        ri: Reg,
        rn: Reg,
        amount: FpuShiftImm,
    },

    // ---- control flow ----
    /// `b dest`.
    Jump { dest: MachLabel },
    /// Two-way conditional branch: `b.cond`/`cbz`/`cbnz` to `taken`, then `b not_taken`.
    CondBr {
        taken: MachLabel,
        not_taken: MachLabel,
        kind: CondBrKind,
    },
    /// One-way conditional branch: `b.cond`/`cbz`/`cbnz` to `target`, falls through otherwise.
    OneWayCondBr { target: MachLabel, kind: CondBrKind },
    /// `tbz` (`nonzero == false`) or `tbnz` on bit `bit` (0..=63) of `rn`, to `target`.
    TestBitAndBranch {
        rn: Reg,
        bit: u8,
        nonzero: bool,
        target: MachLabel,
    },
    /// `br rn`.
    IndirectBr { rn: Reg },
    /// Jump table: `b.hs default ; adr rtmp1, table ; ldrsw rtmp2, [rtmp1, ridx, uxtw #2] ;
    /// add rtmp1, rtmp1, rtmp2 ; br rtmp1 ; table: .word target_i - table ...`.
    /// The flags must hold `cmp ridx, #targets.len()` (the bounds check goes to
    /// `default` inside this terminator, so branch-argument moves placed before it
    /// serve every destination).
    JTSequence {
        ridx: Reg,
        rtmp1: Writable<Reg>,
        rtmp2: Writable<Reg>,
        default: MachLabel,
        targets: Box<[MachLabel]>,
    },
    /// `bl` to another function of the module (relocation `Arm64Call`, resolved by the
    /// text-section builder).
    Call {
        dest: RelocTarget,
        info: Box<CallInfo>,
    },
    /// `bl` to a label in the same buffer.
    CallLabel {
        dest: MachLabel,
        info: Box<CallInfo>,
    },
    /// `blr rn`.
    CallInd { rn: Reg, info: Box<CallInfo> },
    /// `ret` (through `x30`); `rets` are the return values, each in its fixed register.
    Ret { rets: SmallVec<[(Reg, PReg); 2]> },
    /// Pseudo-instruction at function entry (emits nothing): defines each argument
    /// value in the register the calling convention passes it in.
    Args {
        args: SmallVec<[(Writable<Reg>, PReg); 8]>,
    },
    /// `udf #0`, recorded in the trap table with `trap_code`.
    Udf { trap_code: TrapCode },
    /// `brk #imm`.
    Brk { imm: u16 },
    /// Trap when `kind` holds: the inverted branch jumps over a `udf #0`.
    TrapIf {
        kind: CondBrKind,
        trap_code: TrapCode,
    },
    /// `nop`.
    Nop4,
    /// `adr rd, label` (±1 MiB).
    Adr { rd: Writable<Reg>, label: MachLabel },
    /// `adrp rd, #pages * 4096` (page-relative; the offset is a fixed immediate).
    Adrp { rd: Writable<Reg>, pages: AdrpPages },

    // ---- atomics (no LSE) ----
    /// `ldar{b,h} rt, [rn]` (zero-extends narrow loads).
    LoadAcquire {
        bits: u8,
        rt: Writable<Reg>,
        rn: Reg,
    },
    /// `stlr{b,h} rt, [rn]`.
    StoreRelease { bits: u8, rt: Reg, rn: Reg },
    /// Read-modify-write loop: `again: ldaxr old, [addr] ; new = op(old, operand) ;
    /// stlxr status, new, [addr] ; cbnz status, again`. `operand` must be extended
    /// like the comparison of `op` needs (sign for smin/smax, zero otherwise) when
    /// `bits < 32`. The defs are early (written while the uses are still read).
    AtomicRMWLoop {
        op: AtomicOp,
        bits: u8,
        addr: Reg,
        operand: Reg,
        old: Writable<Reg>,
        new: Writable<Reg>,
        status: Writable<Reg>,
    },
    /// Compare-and-swap loop: `again: ldaxr old, [addr] ; cmp old, expected ; b.ne out ;
    /// stlxr status, replacement, [addr] ; cbnz status, again ; out:` (`expected`
    /// zero-extended when `bits < 32`).
    AtomicCASLoop {
        bits: u8,
        addr: Reg,
        expected: Reg,
        replacement: Reg,
        old: Writable<Reg>,
        status: Writable<Reg>,
    },

    /// Tail call: the epilogue (emitted before it, as for `Ret`), then `b dest`
    /// (`Arm64Call` fixup). Arguments are in registers only (`uses`); the callee
    /// returns straight to this function's caller.
    ReturnCall {
        dest: RelocTarget,
        uses: SmallVec<[(Reg, PReg); 8]>,
    },
    /// The address of another function of the module without a relocation in the
    /// final image: `adr rd, stub ; b over ; stub: b dest ; over:`, where the stub's
    /// `b` is an `Arm64Call` fixup the text-section builder resolves (through a
    /// veneer when out of range). Calling `rd` reaches `dest` through the stub, so
    /// the value is a callable address, not `dest`'s own address.
    FuncAddrStub {
        rd: Writable<Reg>,
        dest: RelocTarget,
    },

    // ---- frame pseudo-instructions (offsets known only once the frame is laid out) ----
    /// Load an incoming stack argument at `offset` of the caller's argument area
    /// (`[sp, #frame_size + offset]`, through `x16` when the offset is large).
    LoadIncoming {
        op: LoadOp,
        rd: Writable<Reg>,
        offset: u32,
    },
}

/// The operation of an [`Inst::AtomicRMWLoop`]: the IR's own enumeration.
pub use atoll_codegen::ir::AtomicRmwOp as AtomicOp;

/// What a call reads, writes and destroys, for register allocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallInfo {
    /// Argument values and the registers they must be in.
    pub uses: SmallVec<[(Reg, PReg); 8]>,
    /// Result values and the registers the callee leaves them in.
    pub defs: SmallVec<[(Writable<Reg>, PReg); 2]>,
    /// Registers the callee may destroy (caller-saved), minus the `defs`.
    pub clobbers: PRegSet,
}

/// Left shift applied after extension in extended-register forms: 0..=4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtendShift(u8);

impl ExtendShift {
    pub fn maybe_from_u8(v: u8) -> Option<ExtendShift> {
        (v <= 4).then_some(ExtendShift(v))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// A signed 21-bit page count for `adrp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AdrpPages(i32);

impl AdrpPages {
    pub fn maybe_from_i64(pages: i64) -> Option<AdrpPages> {
        (-(1 << 20)..(1 << 20))
            .contains(&pages)
            .then_some(AdrpPages(pages as i32))
    }

    pub fn value(self) -> i32 {
        self.0
    }
}
