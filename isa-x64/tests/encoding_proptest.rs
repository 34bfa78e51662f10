//! Random instructions against the reference assembler.
//!
//! Each case builds a batch of random instructions (every scalar family, every
//! register, width, addressing mode and displacement class), prints them with our
//! printer, and assembles the text with
//! `llvm-mc-14 -triple=x86_64 -x86-asm-syntax=intel -output-asm-variant=1 -show-encoding`.
//! Our bytes must equal llvm-mc's (bytes it leaves to a label fixup are skipped; the
//! table test in `encoding.rs` checks how those resolve). This checks the printer and
//! the encoder against the same independent tool at once.

use std::io::Write;
use std::process::{Command, Stdio};

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};
use atoll_codegen::testing::RecordingSink;
use atoll_isa_x64::imms::{FcmpImm, RoundImm, ShiftImm, Simm32};
use atoll_isa_x64::inst::*;
use atoll_isa_x64::regs::{gpr, xmm};
use atoll_isa_x64::{EmitState, LabelUse};
use proptest::prelude::*;

/// A stream of random numbers an instruction is decoded from (shrinks well).
struct Pick<'a>(std::slice::Iter<'a, u32>);

impl Pick<'_> {
    fn n(&mut self, m: u32) -> u32 {
        self.0.next().copied().unwrap_or(0) % m
    }
    fn gpr(&mut self) -> Reg {
        gpr(self.n(16) as u8)
    }
    fn xmm(&mut self) -> Reg {
        xmm(self.n(16) as u8)
    }
    fn size(&mut self) -> OperandSize {
        [
            OperandSize::S8,
            OperandSize::S16,
            OperandSize::S32,
            OperandSize::S64,
        ][self.n(4) as usize]
    }
    fn size_no8(&mut self) -> OperandSize {
        [OperandSize::S16, OperandSize::S32, OperandSize::S64][self.n(3) as usize]
    }
    fn size_32_64(&mut self) -> OperandSize {
        [OperandSize::S32, OperandSize::S64][self.n(2) as usize]
    }
    fn disp(&mut self) -> i32 {
        let raw = self.n(u32::MAX) as i32;
        [
            0,
            1,
            -1,
            127,
            -128,
            128,
            -129,
            0x7fff_ffff,
            i32::MIN,
            raw,
            raw >> 20,
        ][self.n(11) as usize]
    }
    fn imm(&mut self) -> Simm32 {
        let raw = self.n(u32::MAX) as i32;
        Simm32::from_i32(
            [
                0,
                1,
                -1,
                127,
                -128,
                128,
                255,
                1000,
                -32768,
                65535,
                raw,
                raw >> 16,
            ][self.n(12) as usize],
        )
    }
    fn amode(&mut self) -> Amode {
        match self.n(5) {
            0 => Amode::RipRelative {
                target: MachLabel(self.n(8)),
            },
            1 | 2 => Amode::imm_reg(self.disp(), self.gpr()),
            _ => {
                let base = self.gpr();
                let index = loop {
                    let r = self.gpr();
                    if r != gpr(4) {
                        break r;
                    }
                };
                let scale = Scale::maybe_from_u8(1 << self.n(4)).unwrap();
                Amode::base_index(base, index, scale, self.disp()).unwrap()
            }
        }
    }
    fn rm(&mut self) -> RegMem {
        if self.n(2) == 0 {
            RegMem::Reg(self.gpr())
        } else {
            RegMem::Mem(self.amode())
        }
    }
    fn xrm(&mut self) -> RegMem {
        if self.n(2) == 0 {
            RegMem::Reg(self.xmm())
        } else {
            RegMem::Mem(self.amode())
        }
    }
    fn rmi(&mut self) -> RegMemImm {
        match self.n(3) {
            0 => RegMemImm::Reg(self.gpr()),
            1 => RegMemImm::Mem(self.amode()),
            _ => RegMemImm::Imm(self.imm()),
        }
    }
    fn cc(&mut self) -> CC {
        CC::from_nibble(self.n(16) as u8)
    }
}

fn w(r: Reg) -> Writable<Reg> {
    Writable::from_reg(r)
}

fn random_inst(p: &mut Pick<'_>) -> Inst {
    use OperandSize::*;
    match p.n(30) {
        0 => {
            let (size, dst) = (p.size(), p.gpr());
            let op = [
                AluOp::Add,
                AluOp::Or,
                AluOp::Adc,
                AluOp::Sbb,
                AluOp::And,
                AluOp::Sub,
                AluOp::Xor,
            ][p.n(7) as usize];
            Inst::AluRmiR {
                size,
                op,
                src1: dst,
                src2: p.rmi(),
                dst: w(dst),
            }
        }
        1 => Inst::CmpRmiR {
            size: p.size(),
            op: [CmpOp::Cmp, CmpOp::Test][p.n(2) as usize],
            src1: p.gpr(),
            src2: p.rmi(),
        },
        2 => {
            let r = p.gpr();
            Inst::Unary {
                size: p.size(),
                op: [UnaryOp::Not, UnaryOp::Neg][p.n(2) as usize],
                src: r,
                dst: w(r),
            }
        }
        3 => {
            let op = [
                BitOp::Bsf,
                BitOp::Bsr,
                BitOp::Lzcnt,
                BitOp::Tzcnt,
                BitOp::Popcnt,
            ][p.n(5) as usize];
            Inst::BitCount {
                size: p.size_no8(),
                op,
                src: p.rm(),
                dst: w(p.gpr()),
            }
        }
        4 => {
            let (size, r) = (p.size(), p.gpr());
            let kind = [
                ShiftKind::Rol,
                ShiftKind::Ror,
                ShiftKind::Shl,
                ShiftKind::Shr,
                ShiftKind::Sar,
            ][p.n(5) as usize];
            let by = if p.n(3) == 0 {
                ShiftBy::Cl(gpr(1))
            } else {
                ShiftBy::Imm(
                    ShiftImm::maybe_from_u64(u64::from(p.n(size.bits())), size.bits()).unwrap(),
                )
            };
            Inst::Shift {
                size,
                kind,
                src: r,
                by,
                dst: w(r),
            }
        }
        5 => Inst::MulWide {
            size: p.size(),
            signed: p.n(2) == 0,
            src1: gpr(0),
            src2: p.rm(),
            dst_lo: w(gpr(0)),
            dst_hi: w(gpr(2)),
        },
        6 => {
            let r = p.gpr();
            Inst::IMul {
                size: p.size_no8(),
                src1: r,
                src2: p.rm(),
                dst: w(r),
            }
        }
        7 => Inst::IMulImm {
            size: p.size_no8(),
            src: p.rm(),
            imm: p.imm(),
            dst: w(p.gpr()),
        },
        8 => Inst::Div {
            size: p.size(),
            signed: p.n(2) == 0,
            divisor: p.rm(),
            dividend_lo: gpr(0),
            dividend_hi: gpr(2),
            dst_quotient: w(gpr(0)),
            dst_remainder: w(gpr(2)),
            trap: TrapCode::INTEGER_DIVISION_BY_ZERO,
        },
        9 => {
            let r = p.gpr();
            Inst::Bswap {
                size: p.size_32_64(),
                src: r,
                dst: w(r),
            }
        }
        10 => Inst::Setcc {
            cc: p.cc(),
            dst: w(p.gpr()),
        },
        11 => {
            let r = p.gpr();
            Inst::Cmove {
                size: p.size_no8(),
                cc: p.cc(),
                consequent: p.rm(),
                alternative: r,
                dst: w(r),
            }
        }
        12 => Inst::MovRR {
            size: p.size(),
            src: p.gpr(),
            dst: w(p.gpr()),
        },
        13 => {
            let size = p.size_32_64();
            let raw = (u64::from(p.n(u32::MAX)) << 32) | u64::from(p.n(u32::MAX));
            let imm = if size == S32 {
                raw & 0xffff_ffff
            } else {
                [raw, raw as i32 as i64 as u64][p.n(2) as usize]
            };
            Inst::MovImm {
                size,
                imm,
                dst: w(p.gpr()),
            }
        }
        14 => {
            let ext = [
                ExtMode::BL,
                ExtMode::BQ,
                ExtMode::WL,
                ExtMode::WQ,
                ExtMode::LQ,
            ][p.n(5) as usize];
            if p.n(2) == 0 {
                Inst::MovzxRmR {
                    ext,
                    src: p.rm(),
                    dst: w(p.gpr()),
                }
            } else {
                Inst::MovsxRmR {
                    ext,
                    src: p.rm(),
                    dst: w(p.gpr()),
                }
            }
        }
        15 => Inst::Mov64MR {
            src: p.amode(),
            dst: w(p.gpr()),
        },
        16 => Inst::MovRM {
            size: p.size(),
            src: p.gpr(),
            dst: p.amode(),
        },
        17 => Inst::MovImmM {
            size: p.size(),
            imm: p.imm(),
            dst: p.amode(),
        },
        18 => Inst::Lea {
            size: p.size_32_64(),
            src: p.amode(),
            dst: w(p.gpr()),
        },
        19 => {
            use SseOp::*;
            let op = [
                Addss, Addsd, Subss, Subsd, Mulss, Mulsd, Divss, Divsd, Minss, Minsd, Maxss, Maxsd,
                Andps, Andpd, Andnps, Andnpd, Orps, Orpd, Xorps, Xorpd,
            ][p.n(20) as usize];
            let r = p.xmm();
            Inst::XmmRmR {
                op,
                src1: r,
                src2: p.xrm(),
                dst: w(r),
            }
        }
        20 => {
            use SseOp::*;
            let op = [
                Sqrtss, Sqrtsd, Cvtss2sd, Cvtsd2ss, Movaps, Movapd, Movups, Movss, Movsd,
            ][p.n(9) as usize];
            Inst::XmmUnaryRmR {
                op,
                src: p.xrm(),
                dst: w(p.xmm()),
            }
        }
        21 => Inst::XmmRound {
            op: [SseOp::Roundss, SseOp::Roundsd][p.n(2) as usize],
            src: p.xrm(),
            mode: [
                RoundImm::Nearest,
                RoundImm::Floor,
                RoundImm::Ceil,
                RoundImm::Trunc,
            ][p.n(4) as usize],
            dst: w(p.xmm()),
        },
        22 => Inst::XmmMovRM {
            op: [SseOp::Movss, SseOp::Movsd, SseOp::Movups][p.n(3) as usize],
            src: p.xmm(),
            dst: p.amode(),
        },
        23 => Inst::XmmCmpRmR {
            op: [SseOp::Ucomiss, SseOp::Ucomisd][p.n(2) as usize],
            src1: p.xmm(),
            src2: p.xrm(),
        },
        24 => {
            let op = [GprToXmmOp::Mov, GprToXmmOp::Cvtsi2ss, GprToXmmOp::Cvtsi2sd][p.n(3) as usize];
            let src_size = p.size_32_64();
            // `movq xmm, qword ptr [m]` names two encodings; llvm-mc picks the other one.
            let src = if op == GprToXmmOp::Mov && src_size == S64 {
                RegMem::Reg(p.gpr())
            } else {
                p.rm()
            };
            Inst::GprToXmm {
                op,
                src,
                src_size,
                dst: w(p.xmm()),
            }
        }
        25 => {
            let op = [
                XmmToGprOp::Mov,
                XmmToGprOp::Cvttss2si,
                XmmToGprOp::Cvttsd2si,
            ][p.n(3) as usize];
            Inst::XmmToGpr {
                op,
                src: p.xmm(),
                dst_size: p.size_32_64(),
                dst: w(p.gpr()),
            }
        }
        26 => {
            let r = p.xmm();
            let pred = FcmpImm::from_bits(p.n(8) as u8).unwrap();
            Inst::XmmCmpImm {
                op: [SseOp::Cmpss, SseOp::Cmpsd][p.n(2) as usize],
                src1: r,
                src2: p.xrm(),
                pred,
                dst: w(r),
            }
        }
        27 => {
            let r = p.xmm();
            Inst::XmmFma {
                double: p.n(2) == 0,
                src1: r,
                src2: p.xmm(),
                src3: p.xrm(),
                dst: w(r),
            }
        }
        28 => {
            let (size, r) = (p.size(), p.gpr());
            match p.n(4) {
                0 => Inst::LockCmpxchg {
                    size,
                    replacement: r,
                    expected: gpr(0),
                    mem: p.amode(),
                    dst_old: w(gpr(0)),
                },
                1 => Inst::LockXadd {
                    size,
                    operand: r,
                    mem: p.amode(),
                    dst_old: w(r),
                },
                2 => Inst::Xchg {
                    size,
                    operand: r,
                    mem: p.amode(),
                    dst_old: w(r),
                },
                _ => Inst::Fence,
            }
        }
        _ => match p.n(5) {
            0 => Inst::Push64 { src: p.gpr() },
            1 => Inst::Pop64 { dst: w(p.gpr()) },
            2 => Inst::JmpUnknown { target: p.rm() },
            3 => Inst::CallUnknown {
                target: p.rm(),
                info: Box::default(),
            },
            _ => Inst::Ret {
                stack_bytes: p.n(3) as u16 * 8,
                rets: vec![],
            },
        },
    }
}

/// llvm-mc's encoding of each line (`None` for a byte left to a fixup).
fn llvm_mc(lines: &[String]) -> Vec<Vec<Option<u8>>> {
    let mut child = Command::new("llvm-mc-14")
        .args([
            "-triple=x86_64",
            "-x86-asm-syntax=intel",
            "-output-asm-variant=1",
            "-show-encoding",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("llvm-mc-14 (Debian package `llvm-14`) must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.trim().is_empty(),
        "llvm-mc rejected our text:\n{stderr}"
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once("# encoding: [")
                .map(|(_, e)| e.trim_end_matches(']').to_string())
        })
        .map(|e| {
            e.split(',')
                // `A` (no `0x`) marks a byte left to a fixup.
                .map(|b| {
                    b.strip_prefix("0x")
                        .map(|hex| u8::from_str_radix(hex, 16).expect("llvm-mc prints hex bytes"))
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_instructions_match_llvm_mc(raw in prop::collection::vec(prop::array::uniform16(any::<u32>()), 64)) {
        let insts: Vec<Inst> = raw.iter().map(|r| random_inst(&mut Pick(r.iter()))).collect();
        let texts: Vec<String> = insts.iter().map(Inst::print).collect();
        let want = llvm_mc(&texts);
        prop_assert_eq!(want.len(), insts.len());
        for ((inst, text), want) in insts.iter().zip(&texts).zip(&want) {
            let mut sink = RecordingSink::<LabelUse>::default();
            inst.emit(&mut sink, &mut EmitState::default());
            let ok = want.len() == sink.bytes.len()
                && want.iter().zip(&sink.bytes).all(|(w, g)| w.is_none_or(|w| w == *g));
            prop_assert!(ok, "`{}`: ours {:02x?}, llvm-mc {:02x?}", text, sink.bytes, want);
        }
    }
}
