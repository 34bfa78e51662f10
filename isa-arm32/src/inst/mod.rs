//! A32 machine instructions over [`Reg`] (virtual before register allocation, real
//! after), grouped by family.
//!
//! Invariants the types carry, so that `emit` is total:
//! - every immediate is one of the [`crate::imms`] newtypes, built only from
//!   encodable values;
//! - word/byte accesses take an [`AMode`] (12-bit offsets, shifted register offsets),
//!   halfword and signed accesses an [`AModeExtra`] (8-bit offsets, plain register
//!   offsets), matching the two A32 encoding groups;
//! - float registers are D registers; `FpSize::F32` operations use their low S half
//!   (see [`crate::regs`]), so one `Reg` serves both widths.
//!
//! Conditions: data processing, moves and VFP arithmetic carry a [`Cond`] because A32
//! executes them conditionally. A conditional instruction writes its destination only
//! sometimes, which SSA register allocation cannot express, so code given to regalloc2
//! uses `Cond::Al` everywhere except [`Inst::CSel`], [`Inst::FpuCSel`] (destination
//! tied to the "else" input) and [`Inst::CSet`] (writes unconditionally first). Other
//! conditional forms, `movt`, and pre/post-indexed addressing (which writes the base)
//! are for code built on real registers after allocation (prologues, epilogues,
//! emit-time sequences); `get_operands` checks this in debug builds.
//!
//! Pseudo-instructions for register allocation: [`Inst::Args`] (fixed definitions at
//! function entry, no code), [`Inst::Ret`] (fixed uses of return registers), and the
//! calls' [`CallInfo`] (fixed argument uses, fixed result definitions, clobbers).

use atoll_codegen::buffer::{MachLabel, RelocTarget};
use atoll_codegen::ir::{AtomicRmwOp, TrapCode};
use atoll_codegen::machinst::{PReg, PRegSet, Reg, RegClass, Writable};

use crate::imms::{ModImm, Off12, Off8, ShiftAmt, VfpImm8, VfpOff};

pub mod gen;
mod mach;
pub mod print;
mod pseudo;

/// An A32 condition code (bits 31..28 of a conditional instruction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    Hs = 2,
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Vc = 7,
    Hi = 8,
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
    Al = 14,
}

impl Cond {
    /// The 4-bit field.
    pub fn bits(self) -> u32 {
        self as u32
    }

    /// The opposite condition. `Al` has none; inverting it is a lowering bug.
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Hs => Lo,
            Lo => Hs,
            Mi => Pl,
            Pl => Mi,
            Vs => Vc,
            Vc => Vs,
            Hi => Ls,
            Ls => Hi,
            Ge => Lt,
            Lt => Ge,
            Gt => Le,
            Le => Gt,
            Al => {
                debug_assert!(false, "cannot invert `al`");
                Al
            }
        }
    }
}

/// Two-operand ALU operations (`rd = rn op op2`), with their opcode field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    And = 0,
    Eor = 1,
    Sub = 2,
    Rsb = 3,
    Add = 4,
    Adc = 5,
    Sbc = 6,
    Rsc = 7,
    Orr = 12,
    Bic = 14,
}

/// Flag-setting comparisons (`rn op op2`, no destination), with their opcode field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Tst = 8,
    Teq = 9,
    Cmp = 10,
    Cmn = 11,
}

/// Shift kinds of the barrel shifter (the 2-bit `type` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftKind {
    Lsl = 0,
    Lsr = 1,
    Asr = 2,
    Ror = 3,
}

/// The flexible second operand of data-processing instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand2 {
    /// A rotated 8-bit immediate.
    Imm(ModImm),
    /// A register, unshifted.
    Reg(Reg),
    /// A register shifted by an immediate.
    RegShiftImm(Reg, ShiftKind, ShiftAmt),
    /// A register shifted by the low byte of another register.
    RegShiftReg(Reg, ShiftKind, Reg),
}

/// Multiplies producing one 32-bit result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulOp {
    /// `rd = rn * rm` (`ra` unused).
    Mul,
    /// `rd = ra + rn * rm`.
    Mla,
    /// `rd = ra - rn * rm`.
    Mls,
}

/// Single-register bit operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitOp {
    Clz,
    Rbit,
    Rev,
    Rev16,
}

/// Zero and sign extensions from a byte or halfword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtendOp {
    Uxtb,
    Uxth,
    Sxtb,
    Sxth,
}

/// How an index register is applied to the base of a register-offset access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IndexReg {
    pub rm: Reg,
    /// Subtract the index instead of adding it.
    pub sub: bool,
    /// Left shift of the index (0–31).
    pub shift: ShiftAmt,
}

/// Addressing modes of word and byte loads and stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AMode {
    /// `[rn, #off]`.
    Offset { rn: Reg, off: Off12 },
    /// `[rn, ±rm, lsl #s]`.
    RegOffset { rn: Reg, index: IndexReg },
    /// `[rn, #off]!`: access at `rn + off`, then `rn += off`.
    PreIndex { rn: Reg, off: Off12 },
    /// `[rn], #off`: access at `rn`, then `rn += off`.
    PostIndex { rn: Reg, off: Off12 },
    /// A PC-relative literal (loads only), patched through `LabelUse::Ldr12`.
    Literal(MachLabel),
}

/// Addressing modes of halfword and signed loads and stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AModeExtra {
    /// `[rn, #off]`.
    Offset { rn: Reg, off: Off8 },
    /// `[rn, ±rm]`.
    RegOffset { rn: Reg, rm: Reg, sub: bool },
    /// `[rn, #off]!`.
    PreIndex { rn: Reg, off: Off8 },
    /// `[rn], #off`.
    PostIndex { rn: Reg, off: Off8 },
}

/// Word and byte transfer widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordByte {
    /// 32 bits (`ldr`/`str`).
    Word,
    /// 8 bits, zero-extended on load (`ldrb`/`strb`).
    Byte,
}

/// Halfword and signed loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadExtraKind {
    /// `ldrh`: 16 bits zero-extended.
    Ldrh,
    /// `ldrsb`: 8 bits sign-extended.
    Ldrsb,
    /// `ldrsh`: 16 bits sign-extended.
    Ldrsh,
}

/// Precision of a VFP operation.
/// Width of an exclusive access (`ldrex`/`strex` and their `b`/`h` forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExWidth {
    Byte,
    Half,
    Word,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpSize {
    F32,
    F64,
}

impl FpSize {
    pub fn is_double(self) -> bool {
        self == FpSize::F64
    }
}

/// Three-register VFP arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp2 {
    Add,
    Sub,
    Mul,
    Div,
}

/// Two-register VFP operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp1 {
    Mov,
    Abs,
    Neg,
    Sqrt,
}

/// VFP conversions. Float-to-integer conversions round toward zero (`vcvt`, not
/// `vcvtr`) and saturate; NaN converts to 0. Integers live in the S view of the
/// float register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuCvt {
    F32ToF64,
    F64ToF32,
    S32ToF32,
    U32ToF32,
    S32ToF64,
    U32ToF64,
    F32ToS32,
    F32ToU32,
    F64ToS32,
    F64ToU32,
}

/// Rounding directions of ARMv8 `vrint*` (`has_v8` only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundMode {
    /// To nearest, ties to even (`vrintn`).
    Nearest,
    /// Toward -infinity (`vrintm`).
    Floor,
    /// Toward +infinity (`vrintp`).
    Ceil,
    /// Toward zero (`vrintz`).
    Trunc,
}

/// Addressing for `vldr`/`vstr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VfpAMode {
    /// `[rn, #off]`.
    Offset { rn: Reg, off: VfpOff },
    /// A PC-relative literal (loads only), patched through `LabelUse::Vldr8`.
    Literal(MachLabel),
}

/// The registers a call reads, writes and destroys, for register allocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallInfo {
    /// Argument values and the registers the convention puts them in.
    pub uses: Vec<(Reg, PReg)>,
    /// Result values and the registers they come back in.
    pub defs: Vec<(Writable<Reg>, PReg)>,
    /// Registers the callee may destroy (caller-saved, minus the result registers).
    pub clobbers: PRegSet,
}

/// A machine instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    // ---- Integer data processing ----
    /// `op{s}{cond} rd, rn, op2`.
    Alu {
        op: AluOp,
        s: bool,
        cond: Cond,
        rd: Writable<Reg>,
        rn: Reg,
        op2: Operand2,
    },
    /// `op{cond} rn, op2` (sets flags).
    Cmp {
        op: CmpOp,
        cond: Cond,
        rn: Reg,
        op2: Operand2,
    },
    /// `mov{s}{cond} rd, op2` or `mvn` (`not`); shifted register forms print as
    /// `lsl`/`lsr`/`asr`/`ror`.
    Mov {
        not: bool,
        s: bool,
        cond: Cond,
        rd: Writable<Reg>,
        op2: Operand2,
    },
    /// `movw` (`top` = false: rd = imm16) or `movt` (`top`: bits 31..16 of rd = imm16).
    MovWide {
        top: bool,
        cond: Cond,
        rd: Writable<Reg>,
        imm: u16,
    },
    /// `mov<cond> rd, rn`, where `rd` is allocated to `rm`'s register:
    /// `rd = cond ? rn : rm` in one instruction.
    CSel {
        cond: Cond,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `mov rd, #0` ; `mov<cond> rd, #1`: materialize a condition as 0 or 1.
    CSet { cond: Cond, rd: Writable<Reg> },
    /// Load a 32-bit constant: one `mov`/`mvn` when a rotated immediate fits, else
    /// `movw` plus `movt` when the top half is non-zero.
    LoadConst32 { rd: Writable<Reg>, value: u32 },
    /// `rd = sp + (offset of explicit stack slot `slot`) + off`, resolved at
    /// emission from the frame layout (one `add` per rotated-immediate chunk).
    SlotAddr {
        rd: Writable<Reg>,
        slot: u32,
        off: i32,
    },
    /// `mul`/`mla`/`mls`.
    Mul {
        op: MulOp,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
        ra: Reg,
    },
    /// `umull`/`smull rd_lo, rd_hi, rn, rm`.
    MulLong {
        signed: bool,
        rd_lo: Writable<Reg>,
        rd_hi: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `sdiv`/`udiv rd, rn, rm` (ARMv7-A with the division extension; divide by zero
    /// yields 0, so lowering checks first).
    Div {
        signed: bool,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `clz`/`rbit`/`rev`/`rev16 rd, rm`.
    Bit {
        op: BitOp,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `uxtb`/`uxth`/`sxtb`/`sxth rd, rm`.
    Extend {
        op: ExtendOp,
        rd: Writable<Reg>,
        rm: Reg,
    },

    // ---- Memory ----
    /// `ldr`/`ldrb rt, mem`.
    Load {
        width: WordByte,
        rt: Writable<Reg>,
        mem: AMode,
    },
    /// `str`/`strb rt, mem` (`AMode::Literal` is not a store form; lowering never
    /// builds it, and emit traps on it in debug builds).
    Store {
        width: WordByte,
        rt: Reg,
        mem: AMode,
    },
    /// `ldrh`/`ldrsb`/`ldrsh rt, mem`.
    LoadExtra {
        kind: LoadExtraKind,
        rt: Writable<Reg>,
        mem: AModeExtra,
    },
    /// `strh rt, mem`.
    StoreHalf { rt: Reg, mem: AModeExtra },
    /// Load a word (`Int`) or a whole D register (`Float`) from `[sp + offset]`, for
    /// spill slots and stack slots at any offset: one `ldr`/`vldr`, preceded by up to
    /// three `add ip, ...` when the offset does not fit (see `Inst::gen_load_sp`).
    SpLoad {
        rt: Writable<Reg>,
        class: RegClass,
        offset: u32,
    },
    /// Store counterpart of [`Inst::SpLoad`].
    SpStore {
        rt: Reg,
        class: RegClass,
        offset: u32,
    },
    /// `push {regs}`: bit n of the mask is `rN` (real registers, ABI only).
    Push { regs: u16 },
    /// `pop {regs}`.
    Pop { regs: u16 },

    // ---- VFP ----
    /// `vadd`/`vsub`/`vmul`/`vdiv{cond}.f32|f64 rd, rn, rm`.
    FpuRRR {
        op: FpuOp2,
        size: FpSize,
        cond: Cond,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `vmov`/`vabs`/`vneg`/`vsqrt{cond}.f32|f64 rd, rm`.
    FpuRR {
        op: FpuOp1,
        size: FpSize,
        cond: Cond,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `vcmp`/`vcmpe` (`signal_nan`) `rn, rm` or `rn, #0` (`rm` = None); the result
    /// reaches the APSR flags only through [`Inst::FpuToFlags`]. A conditional compare
    /// that does not execute leaves the previous FPSCR flags, which chains tests.
    FpuCmp {
        size: FpSize,
        cond: Cond,
        signal_nan: bool,
        rn: Reg,
        rm: Option<Reg>,
    },
    /// Wasm `fmin`/`fmax` (`max`): a NaN operand gives a NaN, `-0 < +0`. A sequence of
    /// conditional VFP instructions, no branches (see `Inst::expand_fpu_min_max`);
    /// `rd` is written before `rn`/`rm` are last read, so it is an early def.
    FpuMinMax {
        max: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// Wasm trapping float-to-int conversion, rounding toward zero: traps with
    /// `BAD_CONVERSION_TO_INTEGER` on NaN and `INTEGER_OVERFLOW` when the result does
    /// not fit (detected by the FPSCR invalid-operation flag `vcvt` sets). `tmp` (float)
    /// and `scratch` (integer) are early-def temporaries. See
    /// `Inst::expand_fpu_to_int_checked`.
    FpuToIntChecked {
        signed: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rm: Reg,
        tmp: Writable<Reg>,
        scratch: Writable<Reg>,
    },
    /// `vmrs APSR_nzcv, fpscr`.
    FpuToFlags,
    /// `vcvt` between formats.
    FpuCvt {
        op: FpuCvt,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `vmov<cond>.f32|f64 rd, rn` with `rd` allocated to `rm`'s register:
    /// `rd = cond ? rn : rm`.
    FpuCSel {
        size: FpSize,
        cond: Cond,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `vcvtr.s32|u32.f32|f64 rd, rm`: float (of `size`) to integer, rounding with the
    /// FPSCR mode (round to nearest, ties to even, unless changed); a VFPv3 building
    /// block for `nearest`.
    FpuCvtToIntRound {
        signed: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `vrint{n,m,p,z}.f32|f64 rd, rm` (ARMv8, `has_v8` only).
    FpuRound {
        mode: RoundMode,
        size: FpSize,
        rd: Writable<Reg>,
        rm: Reg,
    },
    /// `vmaxnm`/`vminnm.f32|f64 rd, rn, rm` (ARMv8, `has_v8` only; IEEE 754-2008
    /// maxNum/minNum, so NaN handling still needs a wasm fix-up).
    FpuMinMaxNm {
        max: bool,
        size: FpSize,
        rd: Writable<Reg>,
        rn: Reg,
        rm: Reg,
    },
    /// `vmrs rd, fpscr`: read the status and control register (cumulative exception
    /// flags, rounding mode).
    FpscrRead { rd: Writable<Reg> },
    /// `vmsr fpscr, rn`.
    FpscrWrite { rn: Reg },
    /// `vmov{cond}.f32|f64 rd, #imm`.
    FpuMovImm {
        size: FpSize,
        cond: Cond,
        rd: Writable<Reg>,
        imm: VfpImm8,
    },
    /// `vmov sN, rn` (core to the S view of `rd`).
    MovToFpu { rd: Writable<Reg>, rn: Reg },
    /// `vmov rd, sN`.
    MovFromFpu { rd: Writable<Reg>, rn: Reg },
    /// `vmov.32 dN[lane], rn`: write one half of a D register (post-allocation and
    /// sequence use only: the other half is kept, which SSA cannot express).
    MovToFpuLane {
        rd: Writable<Reg>,
        lane: u8,
        rn: Reg,
    },
    /// Materialize a float constant (`bits` as `f32` or `f64`) in `rd`: one `vmov`
    /// immediate when encodable, else through the integer `scratch` (an early-def
    /// temporary) and `vmov`s into the S register or both D lanes. See
    /// `Inst::expand_fpu_load_const`.
    FpuLoadConst {
        size: FpSize,
        rd: Writable<Reg>,
        bits: u64,
        scratch: Writable<Reg>,
    },
    /// `vmov dN, lo, hi`.
    MovToFpu64 { rd: Writable<Reg>, lo: Reg, hi: Reg },
    /// `vmov lo, hi, dN`.
    MovFromFpu64 {
        lo: Writable<Reg>,
        hi: Writable<Reg>,
        rn: Reg,
    },
    /// `vldr` of an S or D register.
    FpuLoad {
        size: FpSize,
        rd: Writable<Reg>,
        mem: VfpAMode,
    },
    /// `vstr` of an S or D register (never `VfpAMode::Literal`).
    FpuStore {
        size: FpSize,
        rd: Reg,
        mem: VfpAMode,
    },
    /// `vpush {d<first>-d<first+count-1>}` (real registers, ABI only; 1 <= count <= 16).
    VPush { first: u8, count: u8 },
    /// `vpop {d<first>-...}`.
    VPop { first: u8, count: u8 },

    // ---- Control ----
    /// `b target`.
    Jmp { target: MachLabel },
    /// `b<cond> taken` then `b not_taken`.
    CondBr {
        cond: Cond,
        taken: MachLabel,
        not_taken: MachLabel,
    },
    /// `b<cond> target`, falling through otherwise.
    OneWayCondBr { cond: Cond, target: MachLabel },
    /// `bl` to another function through a `Reloc::Arm32Call` (addend -8).
    Call {
        target: RelocTarget,
        info: Box<CallInfo>,
    },
    /// `bl` to a label in the same buffer.
    CallLabel {
        target: MachLabel,
        info: Box<CallInfo>,
    },
    /// `blx rm`.
    CallInd { rm: Reg, info: Box<CallInfo> },
    /// `bx lr`; `rets` are the returned values and their registers.
    Ret { rets: Vec<(Reg, PReg)> },
    /// No code: defines the function's arguments in their ABI registers at entry.
    Args { args: Vec<(Writable<Reg>, PReg)> },
    /// `bx rm`.
    IndirectBr { rm: Reg },
    /// A branch table indexed by `idx` (already bounds-checked by lowering):
    /// `add pc, pc, idx, lsl #2` ; `udf #0` ; `b targets[0]` ; `b targets[1]` ...
    /// The `add` reads PC as its address + 8, which is where entry 0 starts.
    JumpTable { idx: Reg, targets: Box<[MachLabel]> },
    /// `udf #0`, recorded in the trap table with `code`.
    Udf { code: TrapCode },
    /// `ldrex{b,h} rt, [rn]` (zero-extending). Post-allocation building block of the
    /// atomic loops below.
    LoadEx {
        width: ExWidth,
        rt: Writable<Reg>,
        rn: Reg,
    },
    /// `strex{b,h} rd, rt, [rn]`: `rd` = 0 when the store happened. Post-allocation
    /// building block.
    StoreEx {
        width: ExWidth,
        rd: Writable<Reg>,
        rt: Reg,
        rn: Reg,
    },
    /// `dmb ish`.
    Dmb,
    /// Sequentially consistent read-modify-write of `[addr]`: `dmb`, then an
    /// `ldrex`/`strex` loop computing `tmp = old <op> operand`, then `dmb`. `old`
    /// (the previous value, zero-extended), `tmp` and `status` are early defs.
    /// For narrow signed min/max `operand` must be sign-extended, for narrow
    /// unsigned ones zero-extended (the loop sign-extends `old` itself).
    AtomicRmwLoop {
        op: AtomicRmwOp,
        width: ExWidth,
        addr: Reg,
        operand: Reg,
        old: Writable<Reg>,
        tmp: Writable<Reg>,
        status: Writable<Reg>,
    },
    /// Sequentially consistent compare-and-swap of `[addr]`: `old` = the previous
    /// value (zero-extended); `replacement` is stored when `old == expected`
    /// (`expected` zero-extended to the width by the lowering). Early defs.
    AtomicCasLoop {
        width: ExWidth,
        addr: Reg,
        expected: Reg,
        replacement: Reg,
        old: Writable<Reg>,
        status: Writable<Reg>,
    },
    /// Trap with `code` when `cond` holds: `b<!cond>` over a `udf #0`.
    TrapIf { cond: Cond, code: TrapCode },
    /// `nop`.
    Nop,
}
