//! Instruction synthesizers (`gen_*`) for the ABI and lowering: constants, spills
//! and reloads by register class, stack-pointer adjustment, frame setup/teardown.

use atoll_codegen::machinst::{Reg, RegClass, Writable};

use super::*;
use crate::regs;

impl Inst {
    /// `dst = value` with the shortest `mov`: a 32-bit `mov` zero-extends, so it serves
    /// every value below 2^32; `mov r64, simm32` serves sign-extended negatives.
    pub fn gen_constant(value: u64, dst: Writable<Reg>) -> Inst {
        let size = if value >> 32 == 0 {
            OperandSize::S32
        } else {
            OperandSize::S64
        };
        Inst::MovImm {
            size,
            imm: value,
            dst,
        }
    }

    /// Store a whole register of `class` to `dst` (8 bytes for integer and float
    /// registers, 16 for vectors): spills and callee-save stores.
    pub fn gen_store_class(class: RegClass, src: Reg, dst: Amode) -> Inst {
        match class {
            RegClass::Int => Inst::MovRM {
                size: OperandSize::S64,
                src,
                dst,
            },
            RegClass::Float => Inst::XmmMovRM {
                op: SseOp::Movsd,
                src,
                dst,
            },
            RegClass::Vector => Inst::XmmMovRM {
                op: SseOp::Movups,
                src,
                dst,
            },
        }
    }

    /// Load a whole register of `class` from `src` (inverse of [`Inst::gen_store_class`]).
    pub fn gen_load_class(class: RegClass, src: Amode, dst: Writable<Reg>) -> Inst {
        match class {
            RegClass::Int => Inst::Mov64MR { src, dst },
            RegClass::Float => Inst::XmmUnaryRmR {
                op: SseOp::Movsd,
                src: RegMem::Mem(src),
                dst,
            },
            RegClass::Vector => Inst::XmmUnaryRmR {
                op: SseOp::Movups,
                src: RegMem::Mem(src),
                dst,
            },
        }
    }

    /// `rsp += delta` as `add`/`sub rsp, imm32`, split when |delta| exceeds an imm32.
    /// Nothing for 0. Clobbers the flags.
    pub fn gen_sp_adjust(delta: i64) -> Vec<Inst> {
        let mut out = Vec::new();
        let mut left = delta.unsigned_abs();
        let op = if delta < 0 { AluOp::Sub } else { AluOp::Add };
        while left > 0 {
            let step = left.min(i32::MAX as u64);
            out.push(Inst::AluRmiR {
                size: OperandSize::S64,
                op,
                src1: regs::rsp(),
                src2: RegMemImm::Imm(Simm32::from_i32(step as i32)),
                dst: Writable::from_reg(regs::rsp()),
            });
            left -= step;
        }
        out
    }

    /// `push rbp; mov rbp, rsp`: the frame-pointer setup every function keeps.
    pub fn gen_frame_setup() -> [Inst; 2] {
        [
            Inst::Push64 { src: regs::rbp() },
            Inst::MovRR {
                size: OperandSize::S64,
                src: regs::rsp(),
                dst: Writable::from_reg(regs::rbp()),
            },
        ]
    }

    /// `mov rsp, rbp; pop rbp`: undo [`Inst::gen_frame_setup`] whatever `rsp` became.
    pub fn gen_frame_teardown() -> [Inst; 2] {
        [
            Inst::MovRR {
                size: OperandSize::S64,
                src: regs::rbp(),
                dst: Writable::from_reg(regs::rsp()),
            },
            Inst::Pop64 {
                dst: Writable::from_reg(regs::rbp()),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(insts: &[Inst]) -> Vec<String> {
        insts.iter().map(Inst::print).collect()
    }

    #[test]
    fn constants_pick_the_shortest_mov() {
        let d = Writable::from_reg(regs::rax());
        assert_eq!(Inst::gen_constant(5, d).print(), "mov eax, 5");
        assert_eq!(
            Inst::gen_constant(0xffff_ffff, d).print(),
            "mov eax, 4294967295"
        );
        assert_eq!(Inst::gen_constant(u64::MAX, d).print(), "mov rax, -1");
        assert_eq!(
            Inst::gen_constant(1 << 40, d).print(),
            "movabs rax, 1099511627776"
        );
    }

    #[test]
    fn sp_adjust_splits_large_deltas() {
        assert!(Inst::gen_sp_adjust(0).is_empty());
        assert_eq!(text(&Inst::gen_sp_adjust(-32)), ["sub rsp, 32"]);
        assert_eq!(
            text(&Inst::gen_sp_adjust(1 << 32)),
            ["add rsp, 2147483647", "add rsp, 2147483647", "add rsp, 2"]
        );
    }

    #[test]
    fn spills_by_class() {
        let slot = Amode::imm_reg(16, regs::rsp());
        assert_eq!(
            Inst::gen_store_class(RegClass::Int, regs::r12(), slot).print(),
            "mov qword ptr [rsp + 16], r12"
        );
        assert_eq!(
            Inst::gen_store_class(RegClass::Float, regs::xmm(3), slot).print(),
            "movsd qword ptr [rsp + 16], xmm3"
        );
        let d = Writable::from_reg(regs::xmm(9));
        assert_eq!(
            Inst::gen_load_class(RegClass::Vector, slot, d).print(),
            "movups xmm9, xmmword ptr [rsp + 16]"
        );
        assert_eq!(text(&Inst::gen_frame_setup()), ["push rbp", "mov rbp, rsp"]);
        assert_eq!(
            text(&Inst::gen_frame_teardown()),
            ["mov rsp, rbp", "pop rbp"]
        );
    }
}
