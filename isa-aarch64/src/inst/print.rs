//! Pretty printer: assembler syntax as `llvm-mc-14 -triple=aarch64` reads it, so a
//! printed instruction assembles back to the same bytes (the encoding tests check
//! that). Registers print after allocation; virtual ones as `%vNi`. Labels print as
//! `labelN`, calls to other functions as `funcN`. Pseudo-sequences print their
//! instructions separated by ` ; `.

use super::*;
use crate::emit::mem::{load_bytes, sp_offset_amode, store_bytes};
use crate::regs::{is_zero_reg, show_ireg, show_ireg_sp, show_vreg};

fn label(l: MachLabel) -> String {
    format!("label{}", l.0)
}

fn x(r: Reg) -> String {
    show_ireg(r, true)
}

fn w(r: Reg) -> String {
    show_ireg(r, false)
}

fn ireg(r: Reg, size: OperandSize) -> String {
    show_ireg(r, size.is64())
}

fn freg(r: Reg, size: ScalarSize) -> String {
    show_vreg(r, size.prefix())
}

fn cond_branch(kind: CondBrKind, target: String) -> String {
    match kind {
        CondBrKind::Zero(r, s) => format!("cbz {}, {target}", ireg(r, s)),
        CondBrKind::NotZero(r, s) => format!("cbnz {}, {target}", ireg(r, s)),
        CondBrKind::Cond(c) => format!("b.{} {target}", c.name()),
    }
}

fn alu_name(op: ALUOp) -> &'static str {
    match op {
        ALUOp::Add => "add",
        ALUOp::Sub => "sub",
        ALUOp::AddS => "adds",
        ALUOp::SubS => "subs",
        ALUOp::And => "and",
        ALUOp::AndS => "ands",
        ALUOp::Orr => "orr",
        ALUOp::Eor => "eor",
        ALUOp::AndNot => "bic",
        ALUOp::OrrNot => "orn",
        ALUOp::EorNot => "eon",
        ALUOp::Lsl => "lsl",
        ALUOp::Lsr => "lsr",
        ALUOp::Asr => "asr",
        ALUOp::Ror => "ror",
        ALUOp::SDiv => "sdiv",
        ALUOp::UDiv => "udiv",
        ALUOp::SMulH => "smulh",
        ALUOp::UMulH => "umulh",
    }
}

/// The flag-setting aliases with a discarded result: `cmp`, `cmn`, `tst`.
fn flag_alias(op: ALUOp, rd: Reg) -> Option<&'static str> {
    if !is_zero_reg(rd) {
        return None;
    }
    match op {
        ALUOp::SubS => Some("cmp"),
        ALUOp::AddS => Some("cmn"),
        ALUOp::AndS => Some("tst"),
        _ => None,
    }
}

/// `op rd, rest` or `alias rest` when the destination is discarded.
fn with_dest(op: ALUOp, size: OperandSize, rd: Writable<Reg>, rest: String) -> String {
    match flag_alias(op, rd.to_reg()) {
        Some(alias) => format!("{alias} {rest}"),
        None => format!("{} {}, {rest}", alu_name(op), ireg(rd.to_reg(), size)),
    }
}

/// An sp-slot operand at `size`.
fn sp_slot(r: RegOrSp, size: OperandSize) -> String {
    show_ireg_sp(r, size.is64())
}

/// An sp-slot operand at 64 bits (address bases).
fn xs(r: RegOrSp) -> String {
    show_ireg_sp(r, true)
}

fn amode(mem: &AMode, bytes: u8) -> String {
    match *mem {
        AMode::UImm12 { rn, uimm12 } if uimm12.value() == 0 => format!("[{}]", xs(rn)),
        AMode::UImm12 { rn, uimm12 } => format!("[{}, #{}]", xs(rn), uimm12.value()),
        AMode::Unscaled { rn, simm9 } => format!("[{}, #{}]", xs(rn), simm9.value()),
        AMode::PreIndexed { rn, simm9 } => format!("[{}, #{}]!", xs(rn.to_reg()), simm9.value()),
        AMode::PostIndexed { rn, simm9 } => format!("[{}], #{}", xs(rn.to_reg()), simm9.value()),
        AMode::RegExtended {
            rn,
            rm,
            extend,
            shifted,
        } => {
            let amount = bytes.trailing_zeros();
            match (extend, shifted) {
                (ExtendOp::Uxtx, false) => format!("[{}, {}]", xs(rn), x(rm)),
                (ExtendOp::Uxtx, true) => format!("[{}, {}, lsl #{amount}]", xs(rn), x(rm)),
                (e, s) => {
                    let idx = if e.reads_w() { w(rm) } else { x(rm) };
                    let sh = if s {
                        format!(" #{amount}")
                    } else {
                        String::new()
                    };
                    format!("[{}, {idx}, {}{sh}]", xs(rn), e.name())
                }
            }
        }
        AMode::Label { label: l } => label(l),
        AMode::SlotOffset { slot, off } => format!("[ss{slot}+{off}]"),
        AMode::SpOffset { off } => match sp_offset_amode(off, bytes) {
            Some(m) => amode(&m, bytes),
            None => "[sp, x16]".into(),
        },
    }
}

/// What an `SpOffset` access prints before itself: the `x16` set-up, if needed.
fn sp_offset_prefix(mem: &AMode, bytes: u8) -> String {
    match *mem {
        AMode::SpOffset { off } if sp_offset_amode(off, bytes).is_none() => {
            let setup = Inst::load_constant(
                crate::regs::writable_xreg(16),
                off as u64,
                OperandSize::Size64,
            );
            setup.iter().map(|i| i.print() + " ; ").collect()
        }
        _ => String::new(),
    }
}

fn pair_amode(mem: &PairAMode) -> String {
    match *mem {
        PairAMode::SignedOffset { rn, simm7 } if simm7.value() == 0 => format!("[{}]", xs(rn)),
        PairAMode::SignedOffset { rn, simm7 } => format!("[{}, #{}]", xs(rn), simm7.value()),
        PairAMode::PreIndexed { rn, simm7 } => {
            format!("[{}, #{}]!", xs(rn.to_reg()), simm7.value())
        }
        PairAMode::PostIndexed { rn, simm7 } => {
            format!("[{}], #{}", xs(rn.to_reg()), simm7.value())
        }
    }
}

/// Mnemonic suffix and data-register text of a load.
fn load_parts(op: LoadOp, rd: Reg) -> (&'static str, String) {
    match op {
        LoadOp::ULoad8 => ("b", w(rd)),
        LoadOp::SLoad8 => ("sb", x(rd)),
        LoadOp::ULoad16 => ("h", w(rd)),
        LoadOp::SLoad16 => ("sh", x(rd)),
        LoadOp::ULoad32 => ("", w(rd)),
        LoadOp::SLoad32 => ("sw", x(rd)),
        LoadOp::ULoad64 => ("", x(rd)),
        LoadOp::FpuLoad32 => ("", show_vreg(rd, 's')),
        LoadOp::FpuLoad64 => ("", show_vreg(rd, 'd')),
        LoadOp::FpuLoad128 => ("", show_vreg(rd, 'q')),
    }
}

fn store_parts(op: StoreOp, rt: Reg) -> (&'static str, String) {
    match op {
        StoreOp::Store8 => ("b", w(rt)),
        StoreOp::Store16 => ("h", w(rt)),
        StoreOp::Store32 => ("", w(rt)),
        StoreOp::Store64 => ("", x(rt)),
        StoreOp::FpuStore32 => ("", show_vreg(rt, 's')),
        StoreOp::FpuStore64 => ("", show_vreg(rt, 'd')),
        StoreOp::FpuStore128 => ("", show_vreg(rt, 'q')),
    }
}

/// `ldr`/`ldur`/`str`/`stur` + suffix (`base` is `ld` or `st`): unscaled offsets
/// use the `u` mnemonics.
fn ldst(base: &str, suffix: &str, rt: String, mem: &AMode, bytes: u8) -> String {
    let resolved = match *mem {
        AMode::SpOffset { off } => sp_offset_amode(off, bytes).unwrap_or(*mem),
        m => m,
    };
    let u = if matches!(resolved, AMode::Unscaled { .. }) {
        "u"
    } else {
        ""
    };
    format!(
        "{}{base}{u}r{suffix} {rt}, {}",
        sp_offset_prefix(mem, bytes),
        amode(mem, bytes)
    )
}

fn fpu_op2_name(op: FpuOp2) -> &'static str {
    match op {
        FpuOp2::Add => "fadd",
        FpuOp2::Sub => "fsub",
        FpuOp2::Mul => "fmul",
        FpuOp2::Div => "fdiv",
        FpuOp2::Max => "fmax",
        FpuOp2::Min => "fmin",
        FpuOp2::MaxNm => "fmaxnm",
        FpuOp2::MinNm => "fminnm",
    }
}

/// Operands of `ushr`/`sli`: scalar `d` registers, or `.2s` vectors for 32 bits.
fn shift_regs(size: ScalarSize, rd: Reg, rn: Reg) -> String {
    match size {
        ScalarSize::Size64 => format!("{}, {}", show_vreg(rd, 'd'), show_vreg(rn, 'd')),
        ScalarSize::Size32 => format!("{}.2s, {}.2s", show_vreg(rd, 'v'), show_vreg(rn, 'v')),
    }
}

fn movewide(name: &str, size: OperandSize, rd: Reg, imm: MoveWideConst) -> String {
    let sh = if imm.hw() == 0 {
        String::new()
    } else {
        format!(", lsl #{}", 16 * imm.hw())
    };
    format!("{name} {}, #{:#x}{sh}", ireg(rd, size), imm.bits())
}

impl Inst {
    /// The instruction in assembler syntax.
    pub fn print(&self) -> String {
        match self {
            Inst::AluRRR {
                op,
                size,
                rd,
                rn,
                rm,
            } => {
                let size = if matches!(op, ALUOp::SMulH | ALUOp::UMulH) {
                    OperandSize::Size64
                } else {
                    *size
                };
                with_dest(
                    *op,
                    size,
                    *rd,
                    format!("{}, {}", ireg(*rn, size), ireg(*rm, size)),
                )
            }
            Inst::AluRRRR {
                op,
                size,
                rd,
                rn,
                rm,
                ra,
            } => {
                let (name, size, srcs) = match op {
                    ALUOp3::MAdd => (("madd", "mul"), *size, *size),
                    ALUOp3::MSub => (("msub", "mneg"), *size, *size),
                    ALUOp3::SMAddL => (
                        ("smaddl", "smull"),
                        OperandSize::Size64,
                        OperandSize::Size32,
                    ),
                    ALUOp3::UMAddL => (
                        ("umaddl", "umull"),
                        OperandSize::Size64,
                        OperandSize::Size32,
                    ),
                };
                let head = format!(
                    "{}, {}, {}",
                    ireg(rd.to_reg(), size),
                    ireg(*rn, srcs),
                    ireg(*rm, srcs)
                );
                if is_zero_reg(*ra) {
                    format!("{} {head}", name.1)
                } else {
                    format!("{} {head}, {}", name.0, ireg(*ra, size))
                }
            }
            Inst::AluRRImm12 {
                op,
                size,
                rd,
                rn,
                imm12,
            } => {
                let (v, sh) = imm12.parts();
                if *op == ALUOp::Add && v == 0 && (rd.to_reg().is_sp() || rn.is_sp()) {
                    return format!(
                        "mov {}, {}",
                        sp_slot(rd.to_reg(), *size),
                        sp_slot(*rn, *size)
                    );
                }
                let sh = if sh { ", lsl #12" } else { "" };
                format!(
                    "{} {}, {}, #{v}{sh}",
                    alu_name(*op),
                    sp_slot(rd.to_reg(), *size),
                    sp_slot(*rn, *size)
                )
            }
            Inst::AluRRImm12S {
                op,
                size,
                rd,
                rn,
                imm12,
            } => {
                let (v, sh) = imm12.parts();
                let sh = if sh { ", lsl #12" } else { "" };
                with_dest(
                    *op,
                    *size,
                    *rd,
                    format!("{}, #{v}{sh}", sp_slot(*rn, *size)),
                )
            }
            Inst::AluRRImmLogic {
                op,
                size,
                rd,
                rn,
                imml,
            } => format!(
                "{} {}, {}, #{:#x}",
                alu_name(*op),
                sp_slot(rd.to_reg(), *size),
                ireg(*rn, *size),
                imml.value()
            ),
            Inst::AluRRImmLogicS { size, rd, rn, imml } => with_dest(
                ALUOp::AndS,
                *size,
                *rd,
                format!("{}, #{:#x}", ireg(*rn, *size), imml.value()),
            ),
            Inst::AluRRImmShift {
                op,
                size,
                rd,
                rn,
                immshift,
            } => {
                let name = match op {
                    ImmShiftOp::Lsl => "lsl",
                    ImmShiftOp::Lsr => "lsr",
                    ImmShiftOp::Asr => "asr",
                    ImmShiftOp::Ror => "ror",
                };
                format!(
                    "{name} {}, {}, #{}",
                    ireg(rd.to_reg(), *size),
                    ireg(*rn, *size),
                    immshift.value()
                )
            }
            Inst::AluRRRShift {
                op,
                size,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => with_dest(
                *op,
                *size,
                *rd,
                format!(
                    "{}, {}, {} #{}",
                    ireg(*rn, *size),
                    ireg(*rm, *size),
                    shift.name(),
                    amount.value()
                ),
            ),
            Inst::AluRRRExtend {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                shift,
            } => format!(
                "{} {}, {}",
                alu_name(*op),
                sp_slot(rd.to_reg(), *size),
                extend_operands(*size, *rn, *rm, *extend, *shift)
            ),
            Inst::AluRRRExtendS {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                shift,
            } => with_dest(
                *op,
                *size,
                *rd,
                extend_operands(*size, *rn, *rm, *extend, *shift),
            ),
            Inst::BitRR { op, size, rd, rn } => {
                let name = match op {
                    BitOp::RBit => "rbit",
                    BitOp::Clz => "clz",
                    BitOp::Cls => "cls",
                    BitOp::Rev => "rev",
                    BitOp::Rev16 => "rev16",
                    BitOp::Rev32 => "rev32",
                };
                format!("{name} {}, {}", ireg(rd.to_reg(), *size), ireg(*rn, *size))
            }
            Inst::Extend {
                rd,
                rn,
                signed,
                from_bits,
                to_bits,
            } => match (signed, from_bits) {
                (false, 32) => format!("mov {}, {}", w(rd.to_reg()), w(*rn)),
                (false, b) => format!(
                    "uxt{} {}, {}",
                    if *b == 8 { 'b' } else { 'h' },
                    w(rd.to_reg()),
                    w(*rn)
                ),
                (true, b) => {
                    let c = match b {
                        8 => 'b',
                        16 => 'h',
                        _ => 'w',
                    };
                    format!(
                        "sxt{c} {}, {}",
                        show_ireg(rd.to_reg(), *to_bits == 64),
                        w(*rn)
                    )
                }
            },
            Inst::MovWide { op, size, rd, imm } => {
                let name = if *op == MoveWideOp::MovZ {
                    "movz"
                } else {
                    "movn"
                };
                movewide(name, *size, rd.to_reg(), *imm)
            }
            Inst::MovK { size, rd, imm, .. } => movewide("movk", *size, rd.to_reg(), *imm),
            Inst::Mov { size, rd, rm } => {
                format!("mov {}, {}", ireg(rd.to_reg(), *size), ireg(*rm, *size))
            }
            Inst::CSel {
                op,
                size,
                rd,
                rn,
                rm,
                cond,
            } => {
                let name = match op {
                    CSelOp::Csel => "csel",
                    CSelOp::Csinc => "csinc",
                    CSelOp::Csinv => "csinv",
                    CSelOp::Csneg => "csneg",
                };
                format!(
                    "{name} {}, {}, {}, {}",
                    ireg(rd.to_reg(), *size),
                    ireg(*rn, *size),
                    ireg(*rm, *size),
                    cond.name()
                )
            }
            Inst::CSet { size, rd, cond } => {
                format!("cset {}, {}", ireg(rd.to_reg(), *size), cond.name())
            }
            Inst::CSetm { size, rd, cond } => {
                format!("csetm {}, {}", ireg(rd.to_reg(), *size), cond.name())
            }
            Inst::CCmp {
                size,
                rn,
                rm,
                nzcv,
                cond,
            } => {
                format!(
                    "ccmp {}, {}, #{}, {}",
                    ireg(*rn, *size),
                    ireg(*rm, *size),
                    nzcv.bits(),
                    cond.name()
                )
            }
            Inst::CCmpImm {
                size,
                rn,
                imm,
                nzcv,
                cond,
            } => {
                format!(
                    "ccmp {}, #{}, #{}, {}",
                    ireg(*rn, *size),
                    imm.bits(),
                    nzcv.bits(),
                    cond.name()
                )
            }

            Inst::Load { op, rd, mem } => {
                let (suffix, rt) = load_parts(*op, rd.to_reg());
                ldst("ld", suffix, rt, mem, load_bytes(*op))
            }
            Inst::Store { op, rt, mem } => {
                let (suffix, rt) = store_parts(*op, *rt);
                ldst("st", suffix, rt, mem, store_bytes(*op))
            }
            Inst::LoadPair { kind, rt, rt2, mem } => {
                let p = if *kind == PairKind::X64 { 'x' } else { 'd' };
                format!(
                    "ldp {}, {}, {}",
                    pair_reg(rt.to_reg(), p),
                    pair_reg(rt2.to_reg(), p),
                    pair_amode(mem)
                )
            }
            Inst::StorePair { kind, rt, rt2, mem } => {
                let p = if *kind == PairKind::X64 { 'x' } else { 'd' };
                format!(
                    "stp {}, {}, {}",
                    pair_reg(*rt, p),
                    pair_reg(*rt2, p),
                    pair_amode(mem)
                )
            }

            Inst::FpuRR { op, size, rd, rn } => match op {
                FpuOp1::Abs => format!("fabs {}, {}", freg(rd.to_reg(), *size), freg(*rn, *size)),
                FpuOp1::Neg => format!("fneg {}, {}", freg(rd.to_reg(), *size), freg(*rn, *size)),
                FpuOp1::Sqrt => format!("fsqrt {}, {}", freg(rd.to_reg(), *size), freg(*rn, *size)),
                FpuOp1::Cvt => {
                    let dst = if *size == ScalarSize::Size32 {
                        ScalarSize::Size64
                    } else {
                        ScalarSize::Size32
                    };
                    format!("fcvt {}, {}", freg(rd.to_reg(), dst), freg(*rn, *size))
                }
            },
            Inst::FpuRRR {
                op,
                size,
                rd,
                rn,
                rm,
            } => {
                format!(
                    "{} {}, {}, {}",
                    fpu_op2_name(*op),
                    freg(rd.to_reg(), *size),
                    freg(*rn, *size),
                    freg(*rm, *size)
                )
            }
            Inst::FpuRound { mode, size, rd, rn } => {
                let c = match mode {
                    FpuRoundMode::Minus => 'm',
                    FpuRoundMode::Plus => 'p',
                    FpuRoundMode::Zero => 'z',
                    FpuRoundMode::Nearest => 'n',
                };
                format!(
                    "frint{c} {}, {}",
                    freg(rd.to_reg(), *size),
                    freg(*rn, *size)
                )
            }
            Inst::FpuCmp { size, rn, rm } => {
                format!("fcmp {}, {}", freg(*rn, *size), freg(*rm, *size))
            }
            Inst::FpuCmpZero { size, rn } => format!("fcmp {}, #0.0", freg(*rn, *size)),
            Inst::FpuCSel {
                size,
                rd,
                rn,
                rm,
                cond,
            } => format!(
                "fcsel {}, {}, {}, {}",
                freg(rd.to_reg(), *size),
                freg(*rn, *size),
                freg(*rm, *size),
                cond.name()
            ),
            Inst::FpuToInt {
                signed,
                src,
                dst,
                rd,
                rn,
            } => {
                let name = if *signed { "fcvtzs" } else { "fcvtzu" };
                format!("{name} {}, {}", ireg(rd.to_reg(), *dst), freg(*rn, *src))
            }
            Inst::IntToFpu {
                signed,
                src,
                dst,
                rd,
                rn,
            } => {
                let name = if *signed { "scvtf" } else { "ucvtf" };
                format!("{name} {}, {}", freg(rd.to_reg(), *dst), ireg(*rn, *src))
            }
            Inst::MovToFpu { size, rd, rn } => {
                format!(
                    "fmov {}, {}",
                    freg(rd.to_reg(), *size),
                    ireg(*rn, size.operand_size())
                )
            }
            Inst::MovFromFpu { size, rd, rn } => {
                format!(
                    "fmov {}, {}",
                    ireg(rd.to_reg(), size.operand_size()),
                    freg(*rn, *size)
                )
            }
            Inst::FpuMove { size, rd, rn } => {
                format!("fmov {}, {}", freg(rd.to_reg(), *size), freg(*rn, *size))
            }
            Inst::FpuMove128 { rd, rn } => {
                format!(
                    "mov {}.16b, {}.16b",
                    show_vreg(rd.to_reg(), 'v'),
                    show_vreg(*rn, 'v')
                )
            }
            Inst::FpuMoveImm { size, rd, imm } => {
                format!("fmov {}, #{:?}", freg(rd.to_reg(), *size), imm.to_f64())
            }
            Inst::FpuUShr {
                size,
                rd,
                rn,
                amount,
            } => {
                format!(
                    "ushr {}, #{}",
                    shift_regs(*size, rd.to_reg(), *rn),
                    amount.value()
                )
            }
            Inst::FpuSli {
                size,
                rd,
                rn,
                amount,
                ..
            } => {
                format!(
                    "sli {}, #{}",
                    shift_regs(*size, rd.to_reg(), *rn),
                    amount.value()
                )
            }

            Inst::Jump { dest } => format!("b {}", label(*dest)),
            Inst::CondBr {
                taken,
                not_taken,
                kind,
            } => {
                format!(
                    "{} ; b {}",
                    cond_branch(*kind, label(*taken)),
                    label(*not_taken)
                )
            }
            Inst::OneWayCondBr { target, kind } => cond_branch(*kind, label(*target)),
            Inst::TestBitAndBranch {
                rn,
                bit,
                nonzero,
                target,
            } => {
                let op = if *nonzero { "tbnz" } else { "tbz" };
                format!(
                    "{op} {}, #{bit}, {}",
                    show_ireg(*rn, *bit >= 32),
                    label(*target)
                )
            }
            Inst::IndirectBr { rn } => format!("br {}", x(*rn)),
            Inst::JTSequence {
                ridx,
                rtmp1,
                rtmp2,
                default,
                targets,
            } => {
                let (t1, t2) = (x(rtmp1.to_reg()), x(rtmp2.to_reg()));
                let table: Vec<String> = targets
                    .iter()
                    .map(|t| format!(".word {} - table", label(*t)))
                    .collect();
                format!(
                    "b.hs {} ; adr {t1}, #16 ; ldrsw {t2}, [{t1}, {}, uxtw #2] ; add {t1}, {t1}, {t2} ; br {t1} ; table: {}",
                    label(*default),
                    w(*ridx),
                    table.join(" ; ")
                )
            }
            Inst::Call { dest, .. } => format!("bl func{}", dest.0),
            Inst::CallLabel { dest, .. } => format!("bl {}", label(*dest)),
            Inst::CallInd { rn, .. } => format!("blr {}", x(*rn)),
            Inst::Ret { .. } => "ret".into(),
            Inst::Args { args } => {
                let list: Vec<String> = args
                    .iter()
                    .map(|(r, p)| format!("{}={p}", x(r.to_reg())))
                    .collect();
                format!("args {}", list.join(", "))
            }
            Inst::Udf { trap_code } => format!("udf #0 ; trap: {trap_code}"),
            Inst::Brk { imm } => format!("brk #{imm:#x}"),
            Inst::TrapIf { kind, trap_code } => {
                format!(
                    "{} ; udf #0 ; trap: {trap_code}",
                    cond_branch(kind.invert(), "#8".into())
                )
            }
            Inst::Nop4 => "nop".into(),
            Inst::SlotAddr { rd, slot, off } => format!("add {}, ss{slot}+{off}", x(rd.to_reg())),
            Inst::Adr { rd, label: l } => format!("adr {}, {}", x(rd.to_reg()), label(*l)),
            Inst::Adrp { rd, pages } => format!(
                "adrp {}, #{}",
                x(rd.to_reg()),
                i64::from(pages.value()) * 4096
            ),
            Inst::LoadAcquire { bits, rt, rn } => format!(
                "ldar{} {}, [{}]",
                atomic_suffix(*bits),
                ireg(
                    rt.to_reg(),
                    if *bits == 64 {
                        OperandSize::Size64
                    } else {
                        OperandSize::Size32
                    }
                ),
                x(*rn)
            ),
            Inst::StoreRelease { bits, rt, rn } => format!(
                "stlr{} {}, [{}]",
                atomic_suffix(*bits),
                ireg(
                    *rt,
                    if *bits == 64 {
                        OperandSize::Size64
                    } else {
                        OperandSize::Size32
                    }
                ),
                x(*rn)
            ),
            Inst::AtomicRMWLoop {
                op,
                bits,
                addr,
                operand,
                old,
                new,
                status,
            } => format!(
                "atomic_rmw_loop_{}{} {}, {}, [{}], {} ; tmp {}",
                format!("{op:?}").to_lowercase(),
                bits,
                x(old.to_reg()),
                x(*operand),
                x(*addr),
                x(new.to_reg()),
                x(status.to_reg())
            ),
            Inst::AtomicCASLoop {
                bits,
                addr,
                expected,
                replacement,
                old,
                status,
            } => format!(
                "atomic_cas_loop{bits} {}, [{}], {}, {} ; tmp {}",
                x(old.to_reg()),
                x(*addr),
                x(*expected),
                x(*replacement),
                x(status.to_reg())
            ),
            Inst::ReturnCall { dest, .. } => format!("b func{} ; tail call", dest.0),
            Inst::FuncAddrStub { rd, dest } => {
                format!("adr {}, #8 ; b #8 ; b func{}", x(rd.to_reg()), dest.0)
            }
            Inst::LoadIncoming { op, rd, offset } => {
                let r = if op.is_fpu() {
                    show_vreg(rd.to_reg(), if op.bytes() == 4 { 's' } else { 'd' })
                } else {
                    x(rd.to_reg())
                };
                format!("load_incoming_arg {r}, [cfa+{offset}]")
            }
        }
    }
}

/// The mnemonic suffix of a narrow atomic access.
fn atomic_suffix(bits: u8) -> &'static str {
    match bits {
        8 => "b",
        16 => "h",
        _ => "",
    }
}

/// `rn, rm, <extend> {#shift}` of the extended-register forms.
fn extend_operands(
    size: OperandSize,
    rn: RegOrSp,
    rm: Reg,
    extend: ExtendOp,
    shift: ExtendShift,
) -> String {
    let rm = if extend.reads_w() {
        w(rm)
    } else {
        ireg(rm, size)
    };
    let sh = if shift.value() == 0 {
        String::new()
    } else {
        format!(" #{}", shift.value())
    };
    format!("{}, {rm}, {}{sh}", sp_slot(rn, size), extend.name())
}

fn pair_reg(r: Reg, p: char) -> String {
    if p == 'x' {
        x(r)
    } else {
        show_vreg(r, 'd')
    }
}
