//! Exclusive accesses, barriers and the atomic loops built from them.
//!
//! Encodings (A32, checked against llvm-mc in `tests/encoding.rs`):
//! `ldrex{,b,h} rt, [rn]` = `cond 0001 1xx1 rn rt 1111 1001 1111`,
//! `strex{,b,h} rd, rt, [rn]` = `cond 0001 1xx0 rn rd 1111 1001 rt` with
//! `xx` = 00 word, 10 byte, 11 halfword; `dmb ish` is a fixed word.
//!
//! The loops branch backwards to the `ldrex` when the `strex` failed; their
//! branch offsets are fixed by the sequence's own layout (no labels needed).

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::ir::AtomicRmwOp;
use atoll_codegen::machinst::{Reg, Writable};

use super::enc;
use crate::emit::EmitState;
use crate::imms::ModImm;
use crate::inst::{AluOp, CmpOp, Cond, ExWidth, ExtendOp, Inst, Operand2};
use crate::label_use::LabelUse;
use crate::regs::rreg_num;

/// `dmb ish`.
const DMB_ISH: u32 = 0xf57f_f05b;

fn width_bits(width: ExWidth) -> u32 {
    match width {
        ExWidth::Word => 0b00,
        ExWidth::Byte => 0b10,
        ExWidth::Half => 0b11,
    }
}

fn ldrex(width: ExWidth, rt: u32, rn: u32) -> u32 {
    0xe190_0f9f | (width_bits(width) << 21) | (rn << 16) | (rt << 12)
}

fn strex(width: ExWidth, rd: u32, rt: u32, rn: u32) -> u32 {
    0xe180_0f90 | (width_bits(width) << 21) | (rn << 16) | (rd << 12) | rt
}

/// `b<cond>` from the current offset to `target` (both word-aligned).
fn branch_to(sink: &mut impl CodeSink<LabelUse>, cond: Cond, target: u64) {
    let here = sink.cur_offset();
    let delta = (target as i64 - (here as i64 + 8)) / 4;
    sink.put4(enc::b(cond.bits(), false, delta as u32));
}

fn al(op: AluOp, rd: Writable<Reg>, rn: Reg, op2: Operand2) -> Inst {
    Inst::Alu {
        op,
        s: false,
        cond: Cond::Al,
        rd,
        rn,
        op2,
    }
}

fn mov(cond: Cond, not: bool, rd: Writable<Reg>, rm: Reg) -> Inst {
    Inst::Mov {
        not,
        s: false,
        cond,
        rd,
        op2: Operand2::Reg(rm),
    }
}

/// `tmp = old <op> operand` (old is zero-extended from the width).
fn rmw_body(
    op: AtomicRmwOp,
    width: ExWidth,
    old: Reg,
    operand: Reg,
    tmp: Writable<Reg>,
) -> Vec<Inst> {
    let rg = Operand2::Reg(operand);
    match op {
        AtomicRmwOp::Add => vec![al(AluOp::Add, tmp, old, rg)],
        AtomicRmwOp::Sub => vec![al(AluOp::Sub, tmp, old, rg)],
        AtomicRmwOp::And => vec![al(AluOp::And, tmp, old, rg)],
        AtomicRmwOp::Or => vec![al(AluOp::Orr, tmp, old, rg)],
        AtomicRmwOp::Xor => vec![al(AluOp::Eor, tmp, old, rg)],
        AtomicRmwOp::Nand => vec![
            al(AluOp::And, tmp, old, rg),
            mov(Cond::Al, true, tmp, tmp.to_reg()),
        ],
        AtomicRmwOp::Xchg => vec![mov(Cond::Al, false, tmp, operand)],
        AtomicRmwOp::Umin | AtomicRmwOp::Umax | AtomicRmwOp::Smin | AtomicRmwOp::Smax => {
            let signed = matches!(op, AtomicRmwOp::Smin | AtomicRmwOp::Smax);
            let mut out = Vec::new();
            // Compare the value as the type sees it: signed narrow values sign-extended.
            let cmp_src = match (signed, width) {
                (true, ExWidth::Byte) | (true, ExWidth::Half) => {
                    let op = if width == ExWidth::Byte {
                        ExtendOp::Sxtb
                    } else {
                        ExtendOp::Sxth
                    };
                    out.push(Inst::Extend {
                        op,
                        rd: tmp,
                        rm: old,
                    });
                    tmp.to_reg()
                }
                _ => old,
            };
            out.push(Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Al,
                rn: cmp_src,
                op2: rg,
            });
            // Keep `old` when it already is the minimum (maximum).
            let keep_old = match op {
                AtomicRmwOp::Umin => Cond::Lo,
                AtomicRmwOp::Umax => Cond::Hi,
                AtomicRmwOp::Smin => Cond::Lt,
                _ => Cond::Gt,
            };
            out.push(mov(Cond::Al, false, tmp, operand));
            out.push(mov(keep_old, false, tmp, old));
            out
        }
    }
}

pub(super) fn emit(inst: &Inst, sink: &mut impl CodeSink<LabelUse>, state: &mut EmitState) {
    match inst {
        Inst::LoadEx { width, rt, rn } => {
            sink.put4(ldrex(*width, rreg_num(rt.to_reg()), rreg_num(*rn)))
        }
        Inst::StoreEx { width, rd, rt, rn } => sink.put4(strex(
            *width,
            rreg_num(rd.to_reg()),
            rreg_num(*rt),
            rreg_num(*rn),
        )),
        Inst::Dmb => sink.put4(DMB_ISH),
        Inst::AtomicRmwLoop {
            op,
            width,
            addr,
            operand,
            old,
            tmp,
            status,
        } => {
            // dmb; 1: ldrex old; <body>; strex status, tmp; cmp status, #0; bne 1b; dmb
            sink.put4(DMB_ISH);
            let start = sink.cur_offset();
            sink.put4(ldrex(*width, rreg_num(old.to_reg()), rreg_num(*addr)));
            for i in rmw_body(*op, *width, old.to_reg(), *operand, *tmp) {
                i.emit(sink, state);
            }
            sink.put4(strex(
                *width,
                rreg_num(status.to_reg()),
                rreg_num(tmp.to_reg()),
                rreg_num(*addr),
            ));
            Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Al,
                rn: status.to_reg(),
                op2: Operand2::Imm(ModImm::zero()),
            }
            .emit(sink, state);
            branch_to(sink, Cond::Ne, start);
            sink.put4(DMB_ISH);
        }
        Inst::AtomicCasLoop {
            width,
            addr,
            expected,
            replacement,
            old,
            status,
        } => {
            // dmb; 1: ldrex old; cmp old, expected; bne 2f; strex status, repl;
            // cmp status, #0; bne 1b; 2: dmb
            sink.put4(DMB_ISH);
            let start = sink.cur_offset();
            sink.put4(ldrex(*width, rreg_num(old.to_reg()), rreg_num(*addr)));
            Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Al,
                rn: old.to_reg(),
                op2: Operand2::Reg(*expected),
            }
            .emit(sink, state);
            let done = sink.cur_offset() + 16;
            branch_to(sink, Cond::Ne, done);
            sink.put4(strex(
                *width,
                rreg_num(status.to_reg()),
                rreg_num(*replacement),
                rreg_num(*addr),
            ));
            Inst::Cmp {
                op: CmpOp::Cmp,
                cond: Cond::Al,
                rn: status.to_reg(),
                op2: Operand2::Imm(ModImm::zero()),
            }
            .emit(sink, state);
            branch_to(sink, Cond::Ne, start);
            debug_assert_eq!(sink.cur_offset(), done);
            sink.put4(DMB_ISH);
        }
        _ => unreachable!("not an atomic instruction: {inst:?}"),
    }
}
