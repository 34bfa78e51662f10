//! Atomics: `lock cmpxchg`, `lock xadd`, `xchg`, `mfence`, and read-modify-write
//! loops for the operations x86 has no single locked instruction for.

use atoll_codegen::buffer::CodeSink;
use atoll_codegen::machinst::{Reg, Writable};

use super::alu::size_prefix;
use super::enc::emit_rm;
use super::seq::Seq;
use crate::inst::{
    AluOp, Amode, AtomicRmwOp, CmpOp, ExtMode, Inst, OperandSize, RegMem, RegMemImm, UnaryOp, CC,
};
use crate::label_use::LabelUse;
use crate::regs::hw_enc;

/// `[66] [f0] [REX] opcode /r` with the memory operand first. `lock` comes after the operand-size prefix (llvm-mc's order).
fn emit_mem_reg(
    sink: &mut impl CodeSink<LabelUse>,
    lock: bool,
    size: OperandSize,
    opcode: &[u8],
    reg: Reg,
    mem: &Amode,
) {
    let (pfx, rex) = size_prefix(size);
    let prefixes: &[u8] = match (pfx.is_empty(), lock) {
        (true, true) => &[0xf0],
        (true, false) => &[],
        (false, true) => &[0x66, 0xf0],
        (false, false) => &[0x66],
    };
    let g = hw_enc(reg);
    let rex = if size == OperandSize::S8 {
        rex.byte_reg(g)
    } else {
        rex
    };
    emit_rm(sink, prefixes, rex, opcode, g, mem, 0);
}

pub(crate) fn emit_cmpxchg(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    replacement: Reg,
    mem: &Amode,
) {
    let opc = if size == OperandSize::S8 { 0xb0 } else { 0xb1 };
    emit_mem_reg(sink, true, size, &[0x0f, opc], replacement, mem);
}

pub(crate) fn emit_xadd(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    operand: Reg,
    mem: &Amode,
) {
    let opc = if size == OperandSize::S8 { 0xc0 } else { 0xc1 };
    emit_mem_reg(sink, true, size, &[0x0f, opc], operand, mem);
}

pub(crate) fn emit_xchg(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    operand: Reg,
    mem: &Amode,
) {
    let opc = if size == OperandSize::S8 { 0x86 } else { 0x87 };
    emit_mem_reg(sink, false, size, &[opc], operand, mem);
}

pub(crate) fn emit_fence(sink: &mut impl CodeSink<LabelUse>) {
    sink.put_data(&[0x0f, 0xae, 0xf0]);
}

/// The loop of `Inst::AtomicRmwSeq`:
/// ```text
///       rax = zero-extended [mem]
/// again: temp = op(rax, operand)
///       lock cmpxchg [mem], temp     ; stores if [mem] still equals rax, else reloads rax
///       jnz again
/// ```
pub(crate) fn emit_rmw_seq(
    sink: &mut impl CodeSink<LabelUse>,
    size: OperandSize,
    op: AtomicRmwOp,
    mem: &Amode,
    operand: Reg,
    temp: Reg,
    old: Reg,
) {
    debug_assert_eq!(
        hw_enc(old),
        0,
        "the old value lives in rax (cmpxchg's comparand)"
    );
    let w = Writable::from_reg;
    // Arithmetic on 32 or 64 bits: only the low `size` bits are stored.
    let wide = if size == OperandSize::S64 {
        OperandSize::S64
    } else {
        OperandSize::S32
    };
    let mut s = Seq::default();
    let again = s.label();
    s.inst(match size {
        OperandSize::S8 => Inst::MovzxRmR {
            ext: ExtMode::BL,
            src: RegMem::Mem(*mem),
            dst: w(old),
        },
        OperandSize::S16 => Inst::MovzxRmR {
            ext: ExtMode::WL,
            src: RegMem::Mem(*mem),
            dst: w(old),
        },
        OperandSize::S32 => Inst::MovzxRmR {
            ext: ExtMode::LQ,
            src: RegMem::Mem(*mem),
            dst: w(old),
        },
        OperandSize::S64 => Inst::Mov64MR {
            src: *mem,
            dst: w(old),
        },
    });
    s.bind(again);
    s.inst(Inst::MovRR {
        size: OperandSize::S64,
        src: old,
        dst: w(temp),
    });
    let alu = |op| Inst::AluRmiR {
        size: wide,
        op,
        src1: temp,
        src2: RegMemImm::Reg(operand),
        dst: w(temp),
    };
    // For min/max: replace temp by operand when this condition holds for (temp, operand).
    let pick_operand_if = |s: &mut Seq, cc: CC| {
        s.inst(Inst::CmpRmiR {
            size,
            op: CmpOp::Cmp,
            src1: temp,
            src2: RegMemImm::Reg(operand),
        });
        s.inst(Inst::Cmove {
            size: wide,
            cc,
            consequent: RegMem::Reg(operand),
            alternative: temp,
            dst: w(temp),
        });
    };
    match op {
        AtomicRmwOp::Add => s.inst(alu(AluOp::Add)),
        AtomicRmwOp::Sub => s.inst(alu(AluOp::Sub)),
        AtomicRmwOp::And => s.inst(alu(AluOp::And)),
        AtomicRmwOp::Or => s.inst(alu(AluOp::Or)),
        AtomicRmwOp::Xor => s.inst(alu(AluOp::Xor)),
        AtomicRmwOp::Nand => {
            s.inst(alu(AluOp::And));
            s.inst(Inst::Unary {
                size: wide,
                op: UnaryOp::Not,
                src: temp,
                dst: w(temp),
            });
        }
        AtomicRmwOp::Xchg => s.inst(Inst::MovRR {
            size: OperandSize::S64,
            src: operand,
            dst: w(temp),
        }),
        AtomicRmwOp::Umin => pick_operand_if(&mut s, CC::NBE),
        AtomicRmwOp::Umax => pick_operand_if(&mut s, CC::B),
        AtomicRmwOp::Smin => pick_operand_if(&mut s, CC::NLE),
        AtomicRmwOp::Smax => pick_operand_if(&mut s, CC::L),
    }
    s.inst(Inst::LockCmpxchg {
        size,
        replacement: temp,
        expected: old,
        mem: *mem,
        dst_old: w(old),
    });
    s.jcc(CC::NZ, again);
    s.finish(sink);
}
