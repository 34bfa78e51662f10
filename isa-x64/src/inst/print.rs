//! The pretty printer: Intel syntax exactly as `llvm-mc-14 -x86-asm-syntax=intel
//! -output-asm-variant=1` prints it (mnemonic, one space, operands joined by `, `),
//! so encoding tests compare our text with the reference assembler's. Labels print as
//! `label<N>`, other functions as `fn<N>`. Sequences that are several machine
//! instructions print them joined by `; `.

use atoll_codegen::machinst::Reg;

use super::*;
use crate::regs::reg_name;

fn amode(a: &Amode) -> String {
    fn disp(d: i32) -> String {
        match d {
            0 => String::new(),
            d if d < 0 => format!(" - {}", -i64::from(d)),
            d => format!(" + {d}"),
        }
    }
    match *a {
        Amode::ImmReg { base, disp: d } => format!("[{}{}]", reg_name(base, 8), disp(d)),
        Amode::ImmRegRegShift {
            base,
            index,
            scale,
            disp: d,
        } => {
            let idx = match scale {
                Scale::One => reg_name(index, 8),
                s => format!("{}*{}", s.factor(), reg_name(index, 8)),
            };
            format!("[{} + {}{}]", reg_name(base, 8), idx, disp(d))
        }
        Amode::RipRelative { target } => format!("[rip + label{}]", target.0),
    }
}

fn mem(ptr: &str, a: &Amode) -> String {
    format!("{ptr} {}", amode(a))
}

fn rm(r: &RegMem, size: OperandSize) -> String {
    match r {
        RegMem::Reg(r) => reg_name(*r, size.bytes()),
        RegMem::Mem(a) => mem(size.ptr_name(), a),
    }
}

/// An immediate as the signed value of the operation's width.
fn imm(v: i32, size: OperandSize) -> String {
    match size {
        OperandSize::S8 => (v as i8).to_string(),
        OperandSize::S16 => (v as i16).to_string(),
        OperandSize::S32 | OperandSize::S64 => v.to_string(),
    }
}

fn rmi(r: &RegMemImm, size: OperandSize) -> String {
    match r {
        RegMemImm::Reg(r) => reg_name(*r, size.bytes()),
        RegMemImm::Mem(a) => mem(size.ptr_name(), a),
        RegMemImm::Imm(i) => imm(i.value(), size),
    }
}

fn r(reg: Reg, size: OperandSize) -> String {
    reg_name(reg, size.bytes())
}

fn wr(reg: Writable<Reg>, size: OperandSize) -> String {
    reg_name(reg.to_reg(), size.bytes())
}

fn alu_name(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "add",
        AluOp::Or => "or",
        AluOp::Adc => "adc",
        AluOp::Sbb => "sbb",
        AluOp::And => "and",
        AluOp::Sub => "sub",
        AluOp::Xor => "xor",
    }
}

fn shift_name(k: ShiftKind) -> &'static str {
    match k {
        ShiftKind::Rol => "rol",
        ShiftKind::Ror => "ror",
        ShiftKind::Shl => "shl",
        ShiftKind::Shr => "shr",
        ShiftKind::Sar => "sar",
    }
}

fn bit_name(op: BitOp) -> &'static str {
    match op {
        BitOp::Bsf => "bsf",
        BitOp::Bsr => "bsr",
        BitOp::Lzcnt => "lzcnt",
        BitOp::Tzcnt => "tzcnt",
        BitOp::Popcnt => "popcnt",
    }
}

/// Mnemonic and width of the memory operand (`ptr` keyword) of an SSE operation.
fn sse_name(op: SseOp) -> (&'static str, &'static str) {
    const D: &str = "dword ptr";
    const Q: &str = "qword ptr";
    const X: &str = "xmmword ptr";
    match op {
        SseOp::Addss => ("addss", D),
        SseOp::Addsd => ("addsd", Q),
        SseOp::Subss => ("subss", D),
        SseOp::Subsd => ("subsd", Q),
        SseOp::Mulss => ("mulss", D),
        SseOp::Mulsd => ("mulsd", Q),
        SseOp::Divss => ("divss", D),
        SseOp::Divsd => ("divsd", Q),
        SseOp::Minss => ("minss", D),
        SseOp::Minsd => ("minsd", Q),
        SseOp::Maxss => ("maxss", D),
        SseOp::Maxsd => ("maxsd", Q),
        SseOp::Andps => ("andps", X),
        SseOp::Andpd => ("andpd", X),
        SseOp::Andnps => ("andnps", X),
        SseOp::Andnpd => ("andnpd", X),
        SseOp::Orps => ("orps", X),
        SseOp::Orpd => ("orpd", X),
        SseOp::Xorps => ("xorps", X),
        SseOp::Xorpd => ("xorpd", X),
        SseOp::Sqrtss => ("sqrtss", D),
        SseOp::Sqrtsd => ("sqrtsd", Q),
        SseOp::Cvtss2sd => ("cvtss2sd", D),
        SseOp::Cvtsd2ss => ("cvtsd2ss", Q),
        SseOp::Movaps => ("movaps", X),
        SseOp::Movapd => ("movapd", X),
        SseOp::Movss => ("movss", D),
        SseOp::Movsd => ("movsd", Q),
        SseOp::Ucomiss => ("ucomiss", D),
        SseOp::Ucomisd => ("ucomisd", Q),
        SseOp::Roundss => ("roundss", D),
        SseOp::Roundsd => ("roundsd", Q),
        SseOp::Movups => ("movups", X),
        SseOp::Cmpss => ("ss", D),
        SseOp::Cmpsd => ("sd", Q),
    }
}

fn xrm(src: &RegMem, ptr: &str) -> String {
    match src {
        RegMem::Reg(r) => reg_name(*r, 16),
        RegMem::Mem(a) => mem(ptr, a),
    }
}

impl Inst {
    /// This instruction in Intel syntax (see the module doc).
    pub fn print(&self) -> String {
        use OperandSize::*;
        match self {
            Inst::AluRmiR {
                size,
                op,
                src2,
                dst,
                ..
            } => {
                format!(
                    "{} {}, {}",
                    alu_name(*op),
                    wr(*dst, *size),
                    rmi(src2, *size)
                )
            }
            Inst::CmpRmiR {
                size,
                op: CmpOp::Cmp,
                src1,
                src2,
            } => {
                format!("cmp {}, {}", r(*src1, *size), rmi(src2, *size))
            }
            Inst::CmpRmiR {
                size,
                op: CmpOp::Test,
                src1,
                src2,
            } => match src2 {
                // The memory form is `test r/m, r`; print it the way llvm-mc does.
                RegMemImm::Mem(a) => {
                    format!("test {}, {}", mem(size.ptr_name(), a), r(*src1, *size))
                }
                _ => format!("test {}, {}", r(*src1, *size), rmi(src2, *size)),
            },
            Inst::Unary { size, op, dst, .. } => {
                let name = if *op == UnaryOp::Not { "not" } else { "neg" };
                format!("{name} {}", wr(*dst, *size))
            }
            Inst::BitCount { size, op, src, dst } => {
                format!("{} {}, {}", bit_name(*op), wr(*dst, *size), rm(src, *size))
            }
            Inst::Shift {
                size,
                kind,
                by,
                dst,
                ..
            } => {
                let name = shift_name(*kind);
                match by {
                    ShiftBy::Cl(_) => format!("{name} {}, cl", wr(*dst, *size)),
                    ShiftBy::Imm(n) if n.value() == 1 => format!("{name} {}", wr(*dst, *size)),
                    ShiftBy::Imm(n) => format!("{name} {}, {}", wr(*dst, *size), n.value()),
                }
            }
            Inst::MulWide {
                size, signed, src2, ..
            } => {
                format!(
                    "{} {}",
                    if *signed { "imul" } else { "mul" },
                    rm(src2, *size)
                )
            }
            Inst::IMul {
                size, src2, dst, ..
            } => format!("imul {}, {}", wr(*dst, *size), rm(src2, *size)),
            Inst::IMulImm {
                size,
                src,
                imm: i,
                dst,
            } => {
                format!(
                    "imul {}, {}, {}",
                    wr(*dst, *size),
                    rm(src, *size),
                    imm(i.value(), *size)
                )
            }
            Inst::Div {
                size,
                signed,
                divisor,
                ..
            } => {
                format!(
                    "{} {}",
                    if *signed { "idiv" } else { "div" },
                    rm(divisor, *size)
                )
            }
            Inst::SignExtendData { size, .. } => match size {
                S8 => "cbw",
                S16 => "cwd",
                S32 => "cdq",
                S64 => "cqo",
            }
            .to_string(),
            Inst::Bswap { size, dst, .. } => format!("bswap {}", wr(*dst, *size)),
            Inst::Setcc { cc, dst } => format!("set{} {}", cc.suffix(), wr(*dst, S8)),
            Inst::Cmove {
                size,
                cc,
                consequent,
                dst,
                ..
            } => {
                format!(
                    "cmov{} {}, {}",
                    cc.suffix(),
                    wr(*dst, *size),
                    rm(consequent, *size)
                )
            }
            Inst::MovRR { size, src, dst } => {
                format!("mov {}, {}", wr(*dst, *size), r(*src, *size))
            }
            Inst::MovImm {
                size: S64,
                imm,
                dst,
            } => match i32::try_from(*imm as i64) {
                Ok(v) => format!("mov {}, {v}", wr(*dst, S64)),
                Err(_) => format!("movabs {}, {}", wr(*dst, S64), *imm as i64),
            },
            Inst::MovImm { imm, dst, .. } => format!("mov {}, {}", wr(*dst, S32), *imm as u32),
            Inst::MovzxRmR {
                ext: ExtMode::LQ,
                src,
                dst,
            } => format!("mov {}, {}", wr(*dst, S32), rm(src, S32)),
            Inst::MovzxRmR { ext, src, dst } => {
                format!(
                    "movzx {}, {}",
                    wr(*dst, ext.dst_size()),
                    rm(src, ext.src_size())
                )
            }
            Inst::MovsxRmR { ext, src, dst } => {
                let name = if *ext == ExtMode::LQ {
                    "movsxd"
                } else {
                    "movsx"
                };
                format!(
                    "{name} {}, {}",
                    wr(*dst, ext.dst_size()),
                    rm(src, ext.src_size())
                )
            }
            Inst::Mov64MR { src, dst } => {
                format!("mov {}, {}", wr(*dst, S64), mem(S64.ptr_name(), src))
            }
            Inst::MovRM { size, src, dst } => {
                format!("mov {}, {}", mem(size.ptr_name(), dst), r(*src, *size))
            }
            Inst::MovImmM { size, imm: i, dst } => {
                format!(
                    "mov {}, {}",
                    mem(size.ptr_name(), dst),
                    imm(i.value(), *size)
                )
            }
            Inst::StackAddr { slot, offset, dst } => {
                format!("lea {}, [ss{slot} + {offset}]", wr(*dst, S64))
            }
            Inst::Lea { size, src, dst } => format!("lea {}, {}", wr(*dst, *size), amode(src)),
            Inst::LoadExtName { target, dst } => {
                format!("lea {}, [rip + fn{}]", wr(*dst, S64), target.0)
            }
            Inst::XmmRmR { op, src2, dst, .. } | Inst::XmmUnaryRmR { op, src: src2, dst } => {
                let (name, ptr) = sse_name(*op);
                format!("{name} {}, {}", wr(*dst, S64), xrm(src2, ptr))
            }
            Inst::XmmRound { op, src, mode, dst } => {
                let (name, ptr) = sse_name(*op);
                format!(
                    "{name} {}, {}, {}",
                    wr(*dst, S64),
                    xrm(src, ptr),
                    mode.bits()
                )
            }
            Inst::XmmCmpImm {
                op,
                src2,
                pred,
                dst,
                ..
            } => {
                let (suffix, ptr) = sse_name(*op);
                format!(
                    "cmp{}{suffix} {}, {}",
                    pred.name(),
                    wr(*dst, S64),
                    xrm(src2, ptr)
                )
            }
            Inst::XmmFma {
                double,
                src2,
                src3,
                dst,
                ..
            } => {
                let (name, ptr) = if *double {
                    ("vfmadd213sd", "qword ptr")
                } else {
                    ("vfmadd213ss", "dword ptr")
                };
                format!(
                    "{name} {}, {}, {}",
                    wr(*dst, S64),
                    r(*src2, S64),
                    xrm(src3, ptr)
                )
            }
            Inst::XmmMovRM { op, src, dst } => {
                let (name, ptr) = sse_name(*op);
                format!("{name} {}, {}", mem(ptr, dst), r(*src, S64))
            }
            Inst::XmmCmpRmR { op, src1, src2 } => {
                let (name, ptr) = sse_name(*op);
                format!("{name} {}, {}", r(*src1, S64), xrm(src2, ptr))
            }
            Inst::GprToXmm {
                op,
                src,
                src_size,
                dst,
            } => {
                let name = match op {
                    GprToXmmOp::Mov if *src_size == S64 => "movq",
                    GprToXmmOp::Mov => "movd",
                    GprToXmmOp::Cvtsi2ss => "cvtsi2ss",
                    GprToXmmOp::Cvtsi2sd => "cvtsi2sd",
                };
                format!("{name} {}, {}", wr(*dst, S64), rm(src, *src_size))
            }
            Inst::XmmToGpr {
                op,
                src,
                dst_size,
                dst,
            } => {
                let name = match op {
                    XmmToGprOp::Mov if *dst_size == S64 => "movq",
                    XmmToGprOp::Mov => "movd",
                    XmmToGprOp::Cvttss2si => "cvttss2si",
                    XmmToGprOp::Cvttsd2si => "cvttsd2si",
                };
                format!("{name} {}, {}", wr(*dst, *dst_size), r(*src, S64))
            }
            Inst::XmmCmove {
                cc,
                consequent,
                dst,
                ..
            } => {
                format!(
                    "j{} $+N; movaps {}, {}",
                    cc.invert().suffix(),
                    wr(*dst, S64),
                    r(*consequent, S64)
                )
            }
            Inst::XmmMinMax {
                is_min,
                double,
                lhs,
                dst,
                ..
            } => {
                let name = if *is_min { "min" } else { "max" };
                let ty = if *double { "sd" } else { "ss" };
                format!("wasm_{name}{ty} {}, {}", wr(*dst, S64), r(*lhs, S64))
            }
            Inst::CvtFloatToInt {
                double,
                dst_size,
                signed,
                saturating,
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
            } => {
                format!(
                    "cvt_{}_to_{}{}{} {}, {} ; tmp {}, {}",
                    if *double { "f64" } else { "f32" },
                    if *signed { "i" } else { "u" },
                    dst_size.bits(),
                    if *saturating { "_sat" } else { "" },
                    wr(*dst, *dst_size),
                    r(*src, S64),
                    wr(*tmp_gpr, S64),
                    wr(*tmp_xmm, S64)
                )
            }
            Inst::XmmRoundSeq {
                mode,
                double,
                src,
                dst,
                tmp_gpr,
                tmp_xmm,
            } => format!(
                "round{}_seq {}, {}, {} ; tmp {}, {}",
                if *double { "sd" } else { "ss" },
                wr(*dst, S64),
                r(*src, S64),
                mode.bits(),
                wr(*tmp_gpr, S64),
                wr(*tmp_xmm, S64)
            ),
            Inst::CvtUint64ToFloat {
                double,
                src,
                dst,
                tmp1,
                tmp2,
            } => format!(
                "cvt_u64_to_{} {}, {} ; tmp {}, {}",
                if *double { "f64" } else { "f32" },
                wr(*dst, S64),
                r(*src, S64),
                wr(*tmp1, S64),
                wr(*tmp2, S64)
            ),
            Inst::LockCmpxchg {
                size,
                replacement,
                mem: m,
                ..
            } => {
                format!(
                    "lock cmpxchg {}, {}",
                    mem(size.ptr_name(), m),
                    r(*replacement, *size)
                )
            }
            Inst::LockXadd {
                size,
                operand,
                mem: m,
                ..
            } => {
                format!(
                    "lock xadd {}, {}",
                    mem(size.ptr_name(), m),
                    r(*operand, *size)
                )
            }
            Inst::Xchg {
                size,
                operand,
                mem: m,
                ..
            } => format!("xchg {}, {}", mem(size.ptr_name(), m), r(*operand, *size)),
            Inst::Fence => "mfence".to_string(),
            Inst::AtomicRmwSeq {
                size,
                op,
                mem: m,
                operand,
                temp,
                dst_old,
            } => format!(
                "atomic_rmw_{}_seq {}, {}, {} ; tmp {}",
                format!("{op:?}").to_lowercase(),
                wr(*dst_old, S64),
                mem(size.ptr_name(), m),
                r(*operand, *size),
                wr(*temp, S64)
            ),
            Inst::Nop { len: 1 } => "nop".to_string(),
            Inst::Nop { len } => format!("nop ; {len} bytes"),
            Inst::Jmp { target } => format!("jmp label{}", target.0),
            Inst::JmpCond {
                cc,
                taken,
                not_taken,
            } => {
                format!(
                    "j{} label{}; jmp label{}",
                    cc.suffix(),
                    taken.0,
                    not_taken.0
                )
            }
            Inst::JmpIf { cc, taken } => format!("j{} label{}", cc.suffix(), taken.0),
            Inst::JmpUnknown { target } => format!("jmp {}", rm(target, S64)),
            Inst::JmpTableSeq {
                idx,
                tmp1,
                tmp2,
                targets,
            } => {
                let t1 = wr(*tmp1, S64);
                let t2 = wr(*tmp2, S64);
                let labels: Vec<String> = targets.iter().map(|l| format!("label{}", l.0)).collect();
                format!(
                    "lea {t1}, [rip + table]; movsxd {t2}, dword ptr [{t1} + 4*{}]; add {t2}, {t1}; jmp {t2}; table: [{}]",
                    r(*idx, S64),
                    labels.join(", ")
                )
            }
            Inst::CallKnown { target, .. } => format!("call fn{}", target.0),
            Inst::CallUnknown { target, .. } => format!("call {}", rm(target, S64)),
            Inst::ReturnCallKnown { target, .. } => format!("jmp fn{}", target.0),
            Inst::ReturnCallUnknown { target, .. } => format!("jmp {}", r(*target, S64)),
            Inst::Ret { stack_bytes: 0, .. } => "ret".to_string(),
            Inst::Ret { stack_bytes, .. } => format!("ret {stack_bytes}"),
            Inst::Args { args } => {
                let regs: Vec<String> = args.iter().map(|(r, _)| wr(*r, S64)).collect();
                format!("args {}", regs.join(", "))
            }
            Inst::Ud2 { .. } => "ud2".to_string(),
            Inst::Trapping { code, inst } => format!("{} ; trap: {code}", inst.print()),
            Inst::TrapIf { cc, .. } => format!("j{} $+4; ud2", cc.invert().suffix()),
            Inst::StackProbeLoop {
                frame_size,
                guard_size,
                tmp,
            } => {
                format!(
                    "stack_probe_loop {frame_size}, {guard_size} ; tmp {}",
                    wr(*tmp, S64)
                )
            }
            Inst::Push64 { src } => format!("push {}", r(*src, S64)),
            Inst::Pop64 { dst } => format!("pop {}", wr(*dst, S64)),
        }
    }
}

impl core::fmt::Display for Inst {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.print())
    }
}
