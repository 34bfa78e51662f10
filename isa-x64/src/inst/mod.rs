//! `Inst`: x64 machine instructions over [`Reg`] (virtual before register allocation,
//! real after), grouped by family.
//!
//! Two-address forms (x86 overwrites its first operand) keep separate `src1` and `dst`
//! operands: register allocation ties them (`dst` reuses `src1`'s register), and the
//! encoder asserts they agree. Fixed registers (`rax`/`rdx` of `mul`/`div`, `cl` of
//! shifts) are explicit operands for the same reason.

mod args;
mod gen;
mod mach_inst;
mod print;

pub use args::{Amode, OperandSize, RegMem, RegMemImm, Scale, CC};

use atoll_codegen::buffer::{MachLabel, RelocTarget};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{PReg, PRegSet, Reg, Writable};

use crate::imms::{FcmpImm, RoundImm, ShiftImm, Simm32};

/// Two-operand integer ALU operations; the value is the `/n` extension of the
/// immediate forms and `8 * n` is the base of the register forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    Add = 0,
    Or = 1,
    Adc = 2,
    Sbb = 3,
    And = 4,
    Sub = 5,
    Xor = 6,
}

/// Flag-setting comparisons without a result register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `cmp src1, src2` (sets flags of `src1 - src2`).
    Cmp,
    /// `test src1, src2` (sets flags of `src1 & src2`).
    Test,
}

/// One-operand read-modify-write operations (`f6`/`f7 /n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not = 2,
    Neg = 3,
}

/// Bit-counting operations `op dst, src` (16, 32 or 64 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitOp {
    Bsf,
    Bsr,
    /// Needs the LZCNT (ABM) extension.
    Lzcnt,
    /// Needs BMI1.
    Tzcnt,
    /// Needs POPCNT.
    Popcnt,
}

/// Shifts and rotates; the value is the `/n` extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftKind {
    Rol = 0,
    Ror = 1,
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// A shift count: `cl` (the register must be `rcx` after allocation) or an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftBy {
    Cl(Reg),
    Imm(ShiftImm),
}

/// Widening moves: source width then destination width (B = 8, W = 16, L = 32,
/// Q = 64 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtMode {
    BL,
    BQ,
    WL,
    WQ,
    /// Zero-extension is a plain 32-bit `mov`; sign-extension is `movsxd`.
    LQ,
}

impl ExtMode {
    /// Source width.
    pub fn src_size(self) -> OperandSize {
        match self {
            ExtMode::BL | ExtMode::BQ => OperandSize::S8,
            ExtMode::WL | ExtMode::WQ => OperandSize::S16,
            ExtMode::LQ => OperandSize::S32,
        }
    }

    /// Destination width.
    pub fn dst_size(self) -> OperandSize {
        match self {
            ExtMode::BL | ExtMode::WL => OperandSize::S32,
            ExtMode::BQ | ExtMode::WQ | ExtMode::LQ => OperandSize::S64,
        }
    }
}

/// SSE operations on xmm registers, scalar or bitwise.
///
/// Memory operands: scalar forms (`*ss`, `*sd`, `movss`, `movsd`, `ucomis*`,
/// `rounds*`, `cvt*`) read 4 or 8 bytes at any alignment; the packed forms (`andps`,
/// `andnps`, `orps`, `xorps` and their `pd` twins, `movaps`, `movapd`) read 16 bytes
/// and fault unless the address is 16-byte aligned, so lowering must only fold a
/// 16-byte-aligned 16-byte constant into them, never a scalar load (`movups` is the
/// unaligned 16-byte load).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SseOp {
    Addss,
    Addsd,
    Subss,
    Subsd,
    Mulss,
    Mulsd,
    Divss,
    Divsd,
    Minss,
    Minsd,
    Maxss,
    Maxsd,
    Andps,
    Andpd,
    Andnps,
    Andnpd,
    Orps,
    Orpd,
    Xorps,
    Xorpd,
    Sqrtss,
    Sqrtsd,
    Cvtss2sd,
    Cvtsd2ss,
    /// Register copy (all 128 bits).
    Movaps,
    Movapd,
    /// Unaligned 128-bit load or store (vector spills and reloads).
    Movups,
    /// Load or store of the low 32/64 bits (a load zeroes the rest).
    Movss,
    Movsd,
    Ucomiss,
    Ucomisd,
    Roundss,
    Roundsd,
    /// Compare with a predicate immediate (`XmmCmpImm`).
    Cmpss,
    Cmpsd,
}

/// Moves and conversions from a general-purpose register (or memory) to an xmm register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GprToXmmOp {
    /// `movd`/`movq`: bit copy.
    Mov,
    Cvtsi2ss,
    Cvtsi2sd,
}

/// Moves and conversions from an xmm register to a general-purpose register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XmmToGprOp {
    /// `movd`/`movq`: bit copy.
    Mov,
    Cvttss2si,
    Cvttsd2si,
}

/// The operation of an atomic read-modify-write loop (`Inst::AtomicRmwSeq`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicRmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    /// `!(old & operand)`.
    Nand,
    /// Store `operand`, return the old value.
    Xchg,
    Umin,
    Umax,
    Smin,
    Smax,
}

/// Register facts of a call: arguments in fixed registers, results in fixed
/// registers, and every other register the callee may destroy (the ABI decides all
/// three; the encoder ignores them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallInfo {
    /// Argument values and the register each must be in.
    pub uses: Vec<(Reg, PReg)>,
    /// Result values and the register each arrives in.
    pub defs: Vec<(Writable<Reg>, PReg)>,
    /// Caller-saved registers not among `defs`.
    pub clobbers: PRegSet,
}

/// An x64 machine instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    // ---- integer ALU ---------------------------------------------------------------
    /// `op dst, src2` with `dst` = `src1` (two-address).
    AluRmiR {
        size: OperandSize,
        op: AluOp,
        src1: Reg,
        src2: RegMemImm,
        dst: Writable<Reg>,
    },
    /// `cmp src1, src2` / `test src1, src2`: flags only.
    CmpRmiR {
        size: OperandSize,
        op: CmpOp,
        src1: Reg,
        src2: RegMemImm,
    },
    /// `not`/`neg dst` with `dst` = `src`.
    Unary {
        size: OperandSize,
        op: UnaryOp,
        src: Reg,
        dst: Writable<Reg>,
    },
    /// `bsf`/`bsr`/`lzcnt`/`tzcnt`/`popcnt dst, src` (16, 32 or 64 bits). `lzcnt`,
    /// `tzcnt` and `popcnt` need the `has_lzcnt`, `has_bmi1` and `has_popcnt` settings.
    BitCount {
        size: OperandSize,
        op: BitOp,
        src: RegMem,
        dst: Writable<Reg>,
    },
    /// Shift or rotate `dst` (= `src`) by `cl` or an immediate.
    Shift {
        size: OperandSize,
        kind: ShiftKind,
        src: Reg,
        by: ShiftBy,
        dst: Writable<Reg>,
    },
    /// One-operand `mul`/`imul src2`: `rdx:rax = rax * src2` (8-bit: `ax = al * src2`,
    /// `dst_hi` unused). `src1`/`dst_lo` are `rax`, `dst_hi` is `rdx`.
    MulWide {
        size: OperandSize,
        signed: bool,
        src1: Reg,
        src2: RegMem,
        dst_lo: Writable<Reg>,
        dst_hi: Writable<Reg>,
    },
    /// `imul dst, src2` with `dst` = `src1` (16, 32 or 64 bits).
    IMul {
        size: OperandSize,
        src1: Reg,
        src2: RegMem,
        dst: Writable<Reg>,
    },
    /// `imul dst, src, imm` (16, 32 or 64 bits).
    IMulImm {
        size: OperandSize,
        src: RegMem,
        imm: Simm32,
        dst: Writable<Reg>,
    },
    /// `div`/`idiv divisor` (16, 32 or 64 bits): `rax` = quotient, `rdx` = remainder
    /// of `rdx:rax / divisor`. Faults on a zero divisor (and `idiv` on overflow); the
    /// fault is recorded in the trap table with `trap`.
    Div {
        size: OperandSize,
        signed: bool,
        divisor: RegMem,
        dividend_lo: Reg,
        dividend_hi: Reg,
        dst_quotient: Writable<Reg>,
        dst_remainder: Writable<Reg>,
        trap: TrapCode,
    },
    /// `cwd`/`cdq`/`cqo`: sign-extend `rax` into `rdx` before `idiv` (16, 32, 64 bits).
    SignExtendData {
        size: OperandSize,
        src: Reg,
        dst: Writable<Reg>,
    },
    /// `bswap dst` with `dst` = `src` (32 or 64 bits).
    Bswap {
        size: OperandSize,
        src: Reg,
        dst: Writable<Reg>,
    },
    /// `set<cc> dst`. Writes the low byte only; the rest keeps its old contents, so a
    /// `movzx` usually follows.
    Setcc { cc: CC, dst: Writable<Reg> },
    /// `cmov<cc> dst, consequent` with `dst` = `alternative` (16, 32 or 64 bits).
    Cmove {
        size: OperandSize,
        cc: CC,
        consequent: RegMem,
        alternative: Reg,
        dst: Writable<Reg>,
    },

    // ---- moves, loads, stores, addresses ------------------------------------------------
    /// `mov dst, src` (any width; 32 bits zero-extends the upper half, 8 and 16 bits
    /// keep it).
    MovRR {
        size: OperandSize,
        src: Reg,
        dst: Writable<Reg>,
    },
    /// Constant: `mov r32, imm32` (S32, zero-extends), `mov r64, simm32` (S64 when the
    /// value sign-extends from 32 bits) or `movabs r64, imm64`.
    MovImm {
        size: OperandSize,
        imm: u64,
        dst: Writable<Reg>,
    },
    /// `movzx` (and `mov r32, r/m32` for `LQ`): zero-extending move or load.
    MovzxRmR {
        ext: ExtMode,
        src: RegMem,
        dst: Writable<Reg>,
    },
    /// `movsx`/`movsxd`: sign-extending move or load.
    MovsxRmR {
        ext: ExtMode,
        src: RegMem,
        dst: Writable<Reg>,
    },
    /// `mov r64, qword ptr [src]`.
    Mov64MR { src: Amode, dst: Writable<Reg> },
    /// `mov <size> ptr [dst], src`.
    MovRM {
        size: OperandSize,
        src: Reg,
        dst: Amode,
    },
    /// `mov <size> ptr [dst], imm` (the immediate is sign-extended for 64 bits).
    MovImmM {
        size: OperandSize,
        imm: Simm32,
        dst: Amode,
    },
    /// `lea dst, [src]` (32 or 64 bits).
    Lea {
        size: OperandSize,
        src: Amode,
        dst: Writable<Reg>,
    },
    /// `inst` (a memory access), recorded in the trap table with `code` at its first
    /// byte: a fault there (a guard page, an unmapped address) is that trap.
    Trapping { code: TrapCode, inst: Box<Inst> },
    /// `lea dst, [rsp + k]` where `k` is the offset of explicit stack slot `slot` plus
    /// `offset`, known once the frame is laid out (the emitter reads it from
    /// `EmitState`).
    StackAddr {
        slot: u32,
        offset: i32,
        dst: Writable<Reg>,
    },
    /// `lea dst, [rip + target]`: address of another function of the module (an
    /// `X86PCRel4` relocation, addend -4, resolved by the text-section builder).
    LoadExtName {
        target: RelocTarget,
        dst: Writable<Reg>,
    },

    // ---- SSE scalar float -------------------------------------------------------------
    /// Binary `op dst, src2` with `dst` = `src1`.
    XmmRmR {
        op: SseOp,
        src1: Reg,
        src2: RegMem,
        dst: Writable<Reg>,
    },
    /// Unary `op dst, src`: `sqrt*`, `cvtss2sd`/`cvtsd2ss`, `movaps`/`movapd` copies,
    /// `movss`/`movsd`/`movups` loads.
    XmmUnaryRmR {
        op: SseOp,
        src: RegMem,
        dst: Writable<Reg>,
    },
    /// `roundss`/`roundsd dst, src, mode` (SSE4.1: the `has_sse41` setting).
    XmmRound {
        op: SseOp,
        src: RegMem,
        mode: RoundImm,
        dst: Writable<Reg>,
    },
    /// `cmp<pred>ss`/`cmp<pred>sd dst, src2` with `dst` = `src1`: the low lane becomes
    /// all ones or all zeros (masks for branch-free float selects and NaN checks).
    XmmCmpImm {
        op: SseOp,
        src1: Reg,
        src2: RegMem,
        pred: FcmpImm,
        dst: Writable<Reg>,
    },
    /// Fused multiply-add `dst = src1 * src2 + src3` with one rounding
    /// (`vfmadd213ss`/`sd`, VEX-encoded; needs the `has_fma` setting). `dst` reuses `src1`.
    XmmFma {
        double: bool,
        src1: Reg,
        src2: Reg,
        src3: RegMem,
        dst: Writable<Reg>,
    },
    /// `movss`/`movsd`/`movups` store.
    XmmMovRM { op: SseOp, src: Reg, dst: Amode },
    /// `ucomiss`/`ucomisd src1, src2`: flags only (unordered sets ZF, PF and CF).
    XmmCmpRmR { op: SseOp, src1: Reg, src2: RegMem },
    /// `movd`/`movq`/`cvtsi2ss`/`cvtsi2sd dst, src` with a `src_size` (32/64-bit) source.
    GprToXmm {
        op: GprToXmmOp,
        src: RegMem,
        src_size: OperandSize,
        dst: Writable<Reg>,
    },
    /// `movd`/`movq`/`cvttss2si`/`cvttsd2si dst, src` into a `dst_size` (32/64-bit) register.
    XmmToGpr {
        op: XmmToGprOp,
        src: Reg,
        dst_size: OperandSize,
        dst: Writable<Reg>,
    },

    // ---- pseudo-instructions with internal branches (emit/float_seq.rs) ---------------
    /// Float select: `dst = cc ? consequent : alternative`, `dst` reusing `alternative`
    /// (`j!cc` over a `movaps`).
    XmmCmove {
        cc: CC,
        consequent: Reg,
        alternative: Reg,
        dst: Writable<Reg>,
    },
    /// Wasm `fmin`/`fmax` (NaN if either input is NaN; `-0 < +0`) of `lhs` and `rhs`,
    /// `dst` reusing `rhs`.
    XmmMinMax {
        is_min: bool,
        double: bool,
        lhs: Reg,
        rhs: Reg,
        dst: Writable<Reg>,
    },
    /// Float (`double` or single) to a 32/64-bit signed or unsigned integer. Trapping:
    /// NaN traps `bad_toint`, out of range `int_ovf`; saturating: NaN is 0 and out of
    /// range clamps. Temporaries are written before `src` is last read (early defs).
    CvtFloatToInt {
        double: bool,
        dst_size: OperandSize,
        signed: bool,
        saturating: bool,
        src: Reg,
        dst: Writable<Reg>,
        tmp_gpr: Writable<Reg>,
        tmp_xmm: Writable<Reg>,
    },
    /// `roundss`/`roundsd` semantics on CPUs without SSE4.1 (see `emit::float_seq`).
    XmmRoundSeq {
        mode: RoundImm,
        double: bool,
        src: Reg,
        dst: Writable<Reg>,
        tmp_gpr: Writable<Reg>,
        tmp_xmm: Writable<Reg>,
    },
    /// Unsigned 64-bit integer to float (`double` or single), correctly rounded.
    CvtUint64ToFloat {
        double: bool,
        src: Reg,
        dst: Writable<Reg>,
        tmp1: Writable<Reg>,
        tmp2: Writable<Reg>,
    },

    // ---- atomics (emit/atomic.rs) ---------------------------------------------------------
    /// `lock cmpxchg <size> ptr [mem], replacement`: if `[mem]` equals `expected` (in
    /// `rax`), store `replacement` and set ZF; otherwise load `[mem]` into `rax`.
    /// `dst_old` (`rax`) is the value `[mem]` held.
    LockCmpxchg {
        size: OperandSize,
        replacement: Reg,
        expected: Reg,
        mem: Amode,
        dst_old: Writable<Reg>,
    },
    /// `lock xadd <size> ptr [mem], operand`: `[mem] += operand`, `dst_old` (reusing
    /// `operand`) = the old value.
    LockXadd {
        size: OperandSize,
        operand: Reg,
        mem: Amode,
        dst_old: Writable<Reg>,
    },
    /// `xchg <size> ptr [mem], operand` (locked by the CPU): `dst_old` reuses `operand`.
    Xchg {
        size: OperandSize,
        operand: Reg,
        mem: Amode,
        dst_old: Writable<Reg>,
    },
    /// `mfence`: orders all earlier loads and stores before later ones.
    Fence,
    /// Atomic `[mem] = op([mem], operand)` as a `lock cmpxchg` loop; `dst_old` (`rax`)
    /// is the old value, zero-extended from `size`. `temp` and `dst_old` are written
    /// while `operand` and the address are still read (early defs).
    AtomicRmwSeq {
        size: OperandSize,
        op: AtomicRmwOp,
        mem: Amode,
        operand: Reg,
        temp: Writable<Reg>,
        dst_old: Writable<Reg>,
    },

    // ---- control flow -------------------------------------------------------------
    /// `nop` of `len` bytes (1..=9 per instruction; longer runs are split).
    Nop { len: u8 },
    /// `jmp rel32` to a label.
    Jmp { target: MachLabel },
    /// `jcc taken; jmp not_taken`.
    JmpCond {
        cc: CC,
        taken: MachLabel,
        not_taken: MachLabel,
    },
    /// `jcc rel32` alone (falls through when the condition is false). Not a block
    /// terminator: only for targets that need no register state from this block
    /// (out-of-line trap or slow-path stubs).
    JmpIf { cc: CC, taken: MachLabel },
    /// `jmp r/m64`.
    JmpUnknown { target: RegMem },
    /// Jump through a table of 32-bit offsets: `lea tmp1, [rip + table]`, `movsxd tmp2,
    /// dword ptr [tmp1 + 4*idx]`, `add tmp2, tmp1`, `jmp tmp2`, then the table (one
    /// `PCRel32` entry per target, holding `target - table`). `idx` must already be in
    /// bounds (lowering branches to the default target first) and zero-extended to 64 bits.
    JmpTableSeq {
        idx: Reg,
        tmp1: Writable<Reg>,
        tmp2: Writable<Reg>,
        targets: Box<[MachLabel]>,
    },
    /// `call rel32` to another function (an `X86CallPCRel4` relocation, addend -4).
    CallKnown {
        target: RelocTarget,
        info: Box<CallInfo>,
    },
    /// `call r/m64`.
    CallUnknown { target: RegMem, info: Box<CallInfo> },
    /// Tail call: `jmp rel32` to another function (an `X86CallPCRel4` relocation,
    /// addend -4, which the text-section builder resolves like a call). A return-like
    /// terminator: the epilogue runs first, so the callee returns to our caller. `args`
    /// are in argument registers (never callee-saved ones, which the epilogue restores).
    ReturnCallKnown {
        target: RelocTarget,
        args: Vec<(Reg, PReg)>,
    },
    /// Indirect tail call: the epilogue, then `jmp target`. `target` is fixed to
    /// `target_reg`, a caller-saved register that carries no argument (the epilogue
    /// restores callee-saved ones).
    ReturnCallUnknown {
        target: Reg,
        target_reg: PReg,
        args: Vec<(Reg, PReg)>,
    },
    /// `ret`, or `ret imm16` popping `stack_bytes` more; `rets` are the returned
    /// values and their registers.
    Ret {
        stack_bytes: u16,
        rets: Vec<(Reg, PReg)>,
    },
    /// Pseudo-instruction at function entry: the incoming arguments are defined in
    /// their ABI registers. Emits nothing.
    Args { args: Vec<(Writable<Reg>, PReg)> },
    /// `ud2`, recorded in the trap table with `code`.
    Ud2 { code: TrapCode },
    /// `j!cc +2; ud2`: trap with `code` when `cc` holds.
    TrapIf { cc: CC, code: TrapCode },
    /// Touch every `guard_size` page of the next `frame_size` bytes of stack, from the
    /// top down, so a large frame cannot skip the guard page:
    /// `mov tmp, rsp; sub tmp, frame_size; L: sub rsp, guard_size; mov dword ptr
    /// [rsp], 0; cmp rsp, tmp; jne L; add rsp, frame_size`. `frame_size` is a non-zero
    /// multiple of `guard_size` and below 2^31. Leaves `rsp` unchanged.
    StackProbeLoop {
        frame_size: u32,
        guard_size: u32,
        tmp: Writable<Reg>,
    },
    /// `push r64`.
    Push64 { src: Reg },
    /// `pop r64`.
    Pop64 { dst: Writable<Reg> },
}
