//! Pretty printer: assembler syntax as `llvm-mc` reads it (registers after
//! allocation; virtual registers print as `%vNi`). Labels print as `labelN`.

use super::*;
use crate::regs::show_ireg;

fn label(l: MachLabel) -> String {
    format!("label{}", l.0)
}

fn x(r: Reg) -> String {
    show_ireg(r, true)
}

fn ireg(r: Reg, size: OperandSize) -> String {
    show_ireg(r, size.is64())
}

fn cond_branch(kind: CondBrKind, target: String) -> String {
    match kind {
        CondBrKind::Zero(r, s) => format!("cbz {}, {target}", ireg(r, s)),
        CondBrKind::NotZero(r, s) => format!("cbnz {}, {target}", ireg(r, s)),
        CondBrKind::Cond(c) => format!("b.{} {target}", c.name()),
    }
}

impl Inst {
    /// The instruction in assembler syntax.
    pub fn print(&self) -> String {
        match self {
            Inst::Jump { dest } => format!("b {}", label(*dest)),
            Inst::CondBr { taken, not_taken, kind } => {
                format!("{} ; b {}", cond_branch(*kind, label(*taken)), label(*not_taken))
            }
            Inst::OneWayCondBr { target, kind } => cond_branch(*kind, label(*target)),
            Inst::TestBitAndBranch { rn, bit, nonzero, target } => {
                let op = if *nonzero { "tbnz" } else { "tbz" };
                format!("{op} {}, #{bit}, {}", show_ireg(*rn, *bit >= 32), label(*target))
            }
            Inst::IndirectBr { rn } => format!("br {}", x(*rn)),
            Inst::Call { dest } => format!("bl func{}", dest.0),
            Inst::CallLabel { dest } => format!("bl {}", label(*dest)),
            Inst::CallInd { rn } => format!("blr {}", x(*rn)),
            Inst::Ret => "ret".into(),
            Inst::Udf { trap_code } => format!("udf #0 ; trap: {trap_code}"),
            Inst::Brk { imm } => format!("brk #{imm:#x}"),
            Inst::TrapIf { kind, trap_code } => {
                format!("{} ; udf #0 ; trap: {trap_code}", cond_branch(kind.invert(), "#8".into()))
            }
            Inst::Nop4 => "nop".into(),
            Inst::Adr { rd, label: l } => format!("adr {}, {}", x(rd.to_reg()), label(*l)),
            Inst::Adrp { rd, pages } => format!("adrp {}, #{}", x(rd.to_reg()), i64::from(pages.value()) * 4096),
        }
    }
}
