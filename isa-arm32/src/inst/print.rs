//! Pretty printer in LLVM's A32 syntax (`llvm-mc -triple=armv7a`), so printed
//! instructions compare directly with the assembler used for the encoding tests:
//! UAL mnemonics (`lsl` for shifted `mov`, `push`/`pop`), `r11`/`r12` by number,
//! immediates as signed decimals, float immediates as `#1.000000e+00`. Labels print
//! as `label<N>` and call targets as `fn<N>`. Sequences (`LoadConst32`, `CondBr`,
//! `JumpTable`, `TrapIf`) print one instruction per line.

use atoll_codegen::machinst::Reg;

use super::*;
use crate::regs::{show_dreg, show_sreg};

fn r(reg: Reg) -> String {
    // LLVM names r0-r12 by number and only sp/lr/pc by alias.
    match reg.to_real() {
        Some(p) if p.class() == atoll_codegen::machinst::RegClass::Int => match p.hw_enc() {
            13 => "sp".into(),
            14 => "lr".into(),
            15 => "pc".into(),
            n => format!("r{n}"),
        },
        _ => format!("{reg:?}"),
    }
}

fn is_sp(reg: Reg) -> bool {
    reg == crate::regs::sp()
}

fn w(reg: Writable<Reg>) -> String {
    r(reg.to_reg())
}

fn v(reg: Reg, size: FpSize) -> String {
    match size {
        FpSize::F32 => show_sreg(reg),
        FpSize::F64 => show_dreg(reg),
    }
}

fn preg_name(p: atoll_codegen::machinst::PReg) -> String {
    let reg = Reg::from_real(p);
    match p.class() {
        atoll_codegen::machinst::RegClass::Int => r(reg),
        _ => show_dreg(reg),
    }
}

fn label(l: MachLabel) -> String {
    format!("label{}", l.0)
}

impl Cond {
    /// The suffix (`eq`, ...; empty for `al`).
    pub fn suffix(self) -> &'static str {
        use Cond::*;
        match self {
            Eq => "eq",
            Ne => "ne",
            Hs => "hs",
            Lo => "lo",
            Mi => "mi",
            Pl => "pl",
            Vs => "vs",
            Vc => "vc",
            Hi => "hi",
            Ls => "ls",
            Ge => "ge",
            Lt => "lt",
            Gt => "gt",
            Le => "le",
            Al => "",
        }
    }
}

impl AluOp {
    fn name(self) -> &'static str {
        use AluOp::*;
        match self {
            And => "and",
            Eor => "eor",
            Sub => "sub",
            Rsb => "rsb",
            Add => "add",
            Adc => "adc",
            Sbc => "sbc",
            Rsc => "rsc",
            Orr => "orr",
            Bic => "bic",
        }
    }
}

impl ShiftKind {
    fn name(self) -> &'static str {
        match self {
            ShiftKind::Lsl => "lsl",
            ShiftKind::Lsr => "lsr",
            ShiftKind::Asr => "asr",
            ShiftKind::Ror => "ror",
        }
    }
}

fn op2(o: &Operand2) -> String {
    match *o {
        Operand2::Imm(imm) => format!("#{}", imm.value() as i32),
        Operand2::Reg(rm) => r(rm),
        // `lsl #0` is the plain register form; LLVM prints it without the shift.
        Operand2::RegShiftImm(rm, ShiftKind::Lsl, amt) if amt.get() == 0 => r(rm),
        Operand2::RegShiftImm(rm, kind, amt) => {
            format!("{}, {} #{}", r(rm), kind.name(), amt.get())
        }
        Operand2::RegShiftReg(rm, kind, rs) => format!("{}, {} {}", r(rm), kind.name(), r(rs)),
    }
}

fn s_suffix(s: bool) -> &'static str {
    if s {
        "s"
    } else {
        ""
    }
}

fn off_suffix(off: i32) -> String {
    if off == 0 {
        String::new()
    } else {
        format!(", #{off}")
    }
}

fn amode(m: &AMode) -> String {
    match *m {
        AMode::Offset { rn, off } => format!("[{}{}]", r(rn), off_suffix(off.get())),
        AMode::PreIndex { rn, off } => format!("[{}, #{}]!", r(rn), off.get()),
        AMode::PostIndex { rn, off } => format!("[{}], #{}", r(rn), off.get()),
        AMode::RegOffset { rn, index } => {
            let sign = if index.sub { "-" } else { "" };
            let shift = if index.shift.get() == 0 {
                String::new()
            } else {
                format!(", lsl #{}", index.shift.get())
            };
            format!("[{}, {sign}{}{shift}]", r(rn), r(index.rm))
        }
        AMode::Literal(l) => label(l),
    }
}

fn amode_extra(m: &AModeExtra) -> String {
    match *m {
        AModeExtra::Offset { rn, off } => format!("[{}{}]", r(rn), off_suffix(off.get())),
        AModeExtra::PreIndex { rn, off } => format!("[{}, #{}]!", r(rn), off.get()),
        AModeExtra::PostIndex { rn, off } => format!("[{}], #{}", r(rn), off.get()),
        AModeExtra::RegOffset { rn, rm, sub } => {
            format!("[{}, {}{}]", r(rn), if sub { "-" } else { "" }, r(rm))
        }
    }
}

fn vfp_amode(m: &VfpAMode) -> String {
    match *m {
        VfpAMode::Offset { rn, off } => format!("[{}{}]", r(rn), off_suffix(off.get())),
        VfpAMode::Literal(l) => label(l),
    }
}

fn size_suffix(size: FpSize) -> &'static str {
    match size {
        FpSize::F32 => ".f32",
        FpSize::F64 => ".f64",
    }
}

fn reg_list(regs: u16) -> String {
    let names: Vec<String> = (0..16u8)
        .filter(|n| regs & (1 << n) != 0)
        .map(|n| r(crate::regs::rreg(n)))
        .collect();
    format!("{{{}}}", names.join(", "))
}

fn d_list(first: u8, count: u8) -> String {
    let names: Vec<String> = (first..first + count).map(|n| format!("d{n}")).collect();
    format!("{{{}}}", names.join(", "))
}

/// A float immediate the way LLVM prints it: C's `%e` (`1.000000e+00`).
fn float_imm(x: f64) -> String {
    let s = format!("{x:.6e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("#{mantissa}e{sign}{:02}", exp.abs())
}

impl Inst {
    /// Print with LLVM's syntax; registers should be real (virtual ones print as
    /// `%vNi`).
    pub fn print(&self) -> String {
        if let Some(seq) = self.expand() {
            return seq.iter().map(Inst::print).collect::<Vec<_>>().join("\n");
        }
        match self {
            Inst::SpLoad { .. }
            | Inst::SpStore { .. }
            | Inst::FpuMinMax { .. }
            | Inst::FpuToIntChecked { .. }
            | Inst::FpuLoadConst { .. } => {
                unreachable!("expanded above")
            }
            Inst::Alu {
                op,
                s,
                cond,
                rd,
                rn,
                op2: o,
            } => {
                format!(
                    "{}{}{} {}, {}, {}",
                    op.name(),
                    s_suffix(*s),
                    cond.suffix(),
                    w(*rd),
                    r(*rn),
                    op2(o)
                )
            }
            Inst::Cmp {
                op,
                cond,
                rn,
                op2: o,
            } => {
                let name = match op {
                    CmpOp::Tst => "tst",
                    CmpOp::Teq => "teq",
                    CmpOp::Cmp => "cmp",
                    CmpOp::Cmn => "cmn",
                };
                format!("{name}{} {}, {}", cond.suffix(), r(*rn), op2(o))
            }
            Inst::Mov {
                not,
                s,
                cond,
                rd,
                op2: o,
            } => {
                let (s, c) = (s_suffix(*s), cond.suffix());
                match (*not, o) {
                    (false, Operand2::RegShiftImm(rm, kind, amt))
                        if !(*kind == ShiftKind::Lsl && amt.get() == 0) =>
                    {
                        format!(
                            "{}{s}{c} {}, {}, #{}",
                            kind.name(),
                            w(*rd),
                            r(*rm),
                            amt.get()
                        )
                    }
                    (false, Operand2::RegShiftReg(rm, kind, rs)) => {
                        format!("{}{s}{c} {}, {}, {}", kind.name(), w(*rd), r(*rm), r(*rs))
                    }
                    (not, o) => format!(
                        "{}{s}{c} {}, {}",
                        if not { "mvn" } else { "mov" },
                        w(*rd),
                        op2(o)
                    ),
                }
            }
            Inst::MovWide { top, cond, rd, imm } => {
                format!(
                    "{}{} {}, #{imm}",
                    if *top { "movt" } else { "movw" },
                    cond.suffix(),
                    w(*rd)
                )
            }
            Inst::CSel { cond, rd, rn, .. } => {
                format!("mov{} {}, {}", cond.suffix(), w(*rd), r(*rn))
            }
            Inst::CSet { cond, rd } => {
                format!("mov {0}, #0\nmov{1} {0}, #1", w(*rd), cond.suffix())
            }
            Inst::SlotAddr { rd, slot, off } => format!("add {}, sp, #slot{slot}+{off}", w(*rd)),
            Inst::LoadConst32 { rd, value } => {
                if let Some(imm) = crate::imms::ModImm::maybe_from_u32(*value) {
                    return format!("mov {}, #{}", w(*rd), imm.value() as i32);
                }
                if let Some(imm) = crate::imms::ModImm::maybe_from_u32(!*value) {
                    return format!("mvn {}, #{}", w(*rd), imm.value() as i32);
                }
                let mut s = format!("movw {}, #{}", w(*rd), value & 0xffff);
                if value >> 16 != 0 {
                    s += &format!("\nmovt {}, #{}", w(*rd), value >> 16);
                }
                s
            }
            Inst::Mul { op, rd, rn, rm, ra } => match op {
                MulOp::Mul => format!("mul {}, {}, {}", w(*rd), r(*rn), r(*rm)),
                MulOp::Mla => format!("mla {}, {}, {}, {}", w(*rd), r(*rn), r(*rm), r(*ra)),
                MulOp::Mls => format!("mls {}, {}, {}, {}", w(*rd), r(*rn), r(*rm), r(*ra)),
            },
            Inst::MulLong {
                signed,
                rd_lo,
                rd_hi,
                rn,
                rm,
            } => format!(
                "{} {}, {}, {}, {}",
                if *signed { "smull" } else { "umull" },
                w(*rd_lo),
                w(*rd_hi),
                r(*rn),
                r(*rm)
            ),
            Inst::Div { signed, rd, rn, rm } => {
                format!(
                    "{} {}, {}, {}",
                    if *signed { "sdiv" } else { "udiv" },
                    w(*rd),
                    r(*rn),
                    r(*rm)
                )
            }
            Inst::Bit { op, rd, rm } => {
                let name = match op {
                    BitOp::Clz => "clz",
                    BitOp::Rbit => "rbit",
                    BitOp::Rev => "rev",
                    BitOp::Rev16 => "rev16",
                };
                format!("{name} {}, {}", w(*rd), r(*rm))
            }
            Inst::Extend { op, rd, rm } => {
                let name = match op {
                    ExtendOp::Uxtb => "uxtb",
                    ExtendOp::Uxth => "uxth",
                    ExtendOp::Sxtb => "sxtb",
                    ExtendOp::Sxth => "sxth",
                };
                format!("{name} {}, {}", w(*rd), r(*rm))
            }
            // LLVM prints a single-register pop/push of a word by its alias.
            Inst::Load {
                width: WordByte::Word,
                rt,
                mem: AMode::PostIndex { rn, off },
            } if is_sp(*rn) && off.get() == 4 => {
                format!("pop {{{}}}", w(*rt))
            }
            Inst::Store {
                width: WordByte::Word,
                rt,
                mem: AMode::PreIndex { rn, off },
            } if is_sp(*rn) && off.get() == -4 => {
                format!("push {{{}}}", r(*rt))
            }
            Inst::Load { width, rt, mem } => {
                format!(
                    "{} {}, {}",
                    if *width == WordByte::Byte {
                        "ldrb"
                    } else {
                        "ldr"
                    },
                    w(*rt),
                    amode(mem)
                )
            }
            Inst::Store { width, rt, mem } => {
                format!(
                    "{} {}, {}",
                    if *width == WordByte::Byte {
                        "strb"
                    } else {
                        "str"
                    },
                    r(*rt),
                    amode(mem)
                )
            }
            Inst::LoadExtra { kind, rt, mem } => {
                let name = match kind {
                    LoadExtraKind::Ldrh => "ldrh",
                    LoadExtraKind::Ldrsb => "ldrsb",
                    LoadExtraKind::Ldrsh => "ldrsh",
                };
                format!("{name} {}, {}", w(*rt), amode_extra(mem))
            }
            Inst::StoreHalf { rt, mem } => format!("strh {}, {}", r(*rt), amode_extra(mem)),
            Inst::Push { regs } => format!("push {}", reg_list(*regs)),
            Inst::Pop { regs } => format!("pop {}", reg_list(*regs)),
            Inst::FpuRRR {
                op,
                size,
                cond,
                rd,
                rn,
                rm,
            } => {
                let name = match op {
                    FpuOp2::Add => "vadd",
                    FpuOp2::Sub => "vsub",
                    FpuOp2::Mul => "vmul",
                    FpuOp2::Div => "vdiv",
                };
                let s = *size;
                format!(
                    "{name}{}{} {}, {}, {}",
                    cond.suffix(),
                    size_suffix(s),
                    v(rd.to_reg(), s),
                    v(*rn, s),
                    v(*rm, s)
                )
            }
            Inst::FpuRR {
                op,
                size,
                cond,
                rd,
                rm,
            } => {
                let name = match op {
                    FpuOp1::Mov => "vmov",
                    FpuOp1::Abs => "vabs",
                    FpuOp1::Neg => "vneg",
                    FpuOp1::Sqrt => "vsqrt",
                };
                format!(
                    "{name}{}{} {}, {}",
                    cond.suffix(),
                    size_suffix(*size),
                    v(rd.to_reg(), *size),
                    v(*rm, *size)
                )
            }
            Inst::FpuCmp {
                size,
                cond,
                signal_nan,
                rn,
                rm,
            } => {
                let rhs = rm.map_or("#0".to_string(), |rm| v(rm, *size));
                format!(
                    "{}{}{} {}, {rhs}",
                    if *signal_nan { "vcmpe" } else { "vcmp" },
                    cond.suffix(),
                    size_suffix(*size),
                    v(*rn, *size)
                )
            }
            Inst::FpuToFlags => "vmrs APSR_nzcv, fpscr".into(),
            Inst::FpscrRead { rd } => format!("vmrs {}, fpscr", w(*rd)),
            Inst::FpscrWrite { rn } => format!("vmsr fpscr, {}", r(*rn)),
            Inst::FpuCvtToIntRound {
                signed,
                size,
                rd,
                rm,
            } => format!(
                "vcvtr.{}32{} {}, {}",
                if *signed { "s" } else { "u" },
                size_suffix(*size),
                show_sreg(rd.to_reg()),
                v(*rm, *size)
            ),
            Inst::FpuRound { mode, size, rd, rm } => {
                let m = match mode {
                    RoundMode::Nearest => "n",
                    RoundMode::Floor => "m",
                    RoundMode::Ceil => "p",
                    RoundMode::Trunc => "z",
                };
                format!(
                    "vrint{m}{} {}, {}",
                    size_suffix(*size),
                    v(rd.to_reg(), *size),
                    v(*rm, *size)
                )
            }
            Inst::FpuMinMaxNm {
                max,
                size,
                rd,
                rn,
                rm,
            } => format!(
                "{}{} {}, {}, {}",
                if *max { "vmaxnm" } else { "vminnm" },
                size_suffix(*size),
                v(rd.to_reg(), *size),
                v(*rn, *size),
                v(*rm, *size)
            ),
            Inst::FpuCvt { op, rd, rm } => {
                use FpuCvt::*;
                let (types, dd, md) = match op {
                    F32ToF64 => ("f64.f32", true, false),
                    F64ToF32 => ("f32.f64", false, true),
                    S32ToF32 => ("f32.s32", false, false),
                    U32ToF32 => ("f32.u32", false, false),
                    S32ToF64 => ("f64.s32", true, false),
                    U32ToF64 => ("f64.u32", true, false),
                    F32ToS32 => ("s32.f32", false, false),
                    F32ToU32 => ("u32.f32", false, false),
                    F64ToS32 => ("s32.f64", false, true),
                    F64ToU32 => ("u32.f64", false, true),
                };
                let view = |reg: Reg, d: bool| if d { show_dreg(reg) } else { show_sreg(reg) };
                format!("vcvt.{types} {}, {}", view(rd.to_reg(), dd), view(*rm, md))
            }
            Inst::FpuCSel {
                size, cond, rd, rn, ..
            } => format!(
                "vmov{}{} {}, {}",
                cond.suffix(),
                size_suffix(*size),
                v(rd.to_reg(), *size),
                v(*rn, *size)
            ),
            Inst::FpuMovImm {
                size,
                cond,
                rd,
                imm,
            } => format!(
                "vmov{}{} {}, {}",
                cond.suffix(),
                size_suffix(*size),
                v(rd.to_reg(), *size),
                float_imm(imm.to_f64())
            ),
            Inst::MovToFpu { rd, rn } => format!("vmov {}, {}", show_sreg(rd.to_reg()), r(*rn)),
            Inst::MovFromFpu { rd, rn } => format!("vmov {}, {}", w(*rd), show_sreg(*rn)),
            Inst::MovToFpuLane { rd, lane, rn } => {
                format!("vmov.32 {}[{lane}], {}", show_dreg(rd.to_reg()), r(*rn))
            }
            Inst::MovToFpu64 { rd, lo, hi } => {
                format!("vmov {}, {}, {}", show_dreg(rd.to_reg()), r(*lo), r(*hi))
            }
            Inst::MovFromFpu64 { lo, hi, rn } => {
                format!("vmov {}, {}, {}", w(*lo), w(*hi), show_dreg(*rn))
            }
            Inst::FpuLoad { size, rd, mem } => {
                format!("vldr {}, {}", v(rd.to_reg(), *size), vfp_amode(mem))
            }
            Inst::FpuStore { size, rd, mem } => {
                format!("vstr {}, {}", v(*rd, *size), vfp_amode(mem))
            }
            Inst::VPush { first, count } => format!("vpush {}", d_list(*first, *count)),
            Inst::VPop { first, count } => format!("vpop {}", d_list(*first, *count)),
            Inst::Jmp { target } => format!("b {}", label(*target)),
            Inst::CondBr {
                cond,
                taken,
                not_taken,
            } => {
                format!(
                    "b{} {}\nb {}",
                    cond.suffix(),
                    label(*taken),
                    label(*not_taken)
                )
            }
            Inst::OneWayCondBr { cond, target } => format!("b{} {}", cond.suffix(), label(*target)),
            Inst::Call { target, .. } => format!("bl fn{}", target.0),
            Inst::CallLabel { target, .. } => format!("bl {}", label(*target)),
            Inst::CallInd { rm, .. } => format!("blx {}", r(*rm)),
            Inst::Ret { .. } => "bx lr".into(),
            Inst::Args { args } => {
                let regs: Vec<String> = args.iter().map(|(_, p)| preg_name(*p)).collect();
                format!("@ args {}", regs.join(", "))
            }
            Inst::IndirectBr { rm } => format!("bx {}", r(*rm)),
            Inst::JumpTable { idx, targets } => {
                let mut s = format!("add pc, pc, {}, lsl #2\nudf #0", r(*idx));
                for t in targets.iter() {
                    s += &format!("\nb {}", label(*t));
                }
                s
            }
            Inst::Udf { .. } => "udf #0".into(),
            Inst::TrapIf { cond, .. } => format!("b{} #0\nudf #0", cond.invert().suffix()),
            Inst::Nop => "nop".into(),
            Inst::LoadEx { width, rt, rn } => {
                format!("ldrex{} {}, [{}]", ex_suffix(*width), w(*rt), r(*rn))
            }
            Inst::StoreEx { width, rd, rt, rn } => {
                format!(
                    "strex{} {}, {}, [{}]",
                    ex_suffix(*width),
                    w(*rd),
                    r(*rt),
                    r(*rn)
                )
            }
            Inst::Dmb => "dmb ish".into(),
            Inst::AtomicRmwLoop {
                op,
                width,
                addr,
                operand,
                old,
                tmp,
                status,
            } => format!(
                "atomic_rmw.{op:?}{} {}, [{}], {} ; tmp {}, status {}",
                ex_suffix(*width),
                w(*old),
                r(*addr),
                r(*operand),
                w(*tmp),
                w(*status)
            ),
            Inst::AtomicCasLoop {
                width,
                addr,
                expected,
                replacement,
                old,
                status,
            } => format!(
                "atomic_cas{} {}, [{}], {}, {} ; status {}",
                ex_suffix(*width),
                w(*old),
                r(*addr),
                r(*expected),
                r(*replacement),
                w(*status)
            ),
        }
    }
}

/// The `ldrex`/`strex` suffix of an access width.
fn ex_suffix(width: ExWidth) -> &'static str {
    match width {
        ExWidth::Byte => "b",
        ExWidth::Half => "h",
        ExWidth::Word => "",
    }
}
