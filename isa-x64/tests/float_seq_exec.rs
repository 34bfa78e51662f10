//! The branchy float pseudo-instructions, executed natively against Rust's (and
//! wasm's) semantics: all 16 float-to-int conversions (f32/f64 × i32/u32/i64/u64 ×
//! trapping/saturating) on edge values and random ones, trapping with the right code;
//! `fmin`/`fmax` with NaN and signed zeros; unsigned 64-bit to float rounding; float
//! select. A C driver catches `SIGILL` from `ud2` and reports the faulting offset,
//! which the test maps to a trap code through the recorded trap table.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use atoll_codegen::buffer::CodeOffset;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::RecordingSink;
use atoll_isa_x64::imms::Simm32;
use atoll_isa_x64::inst::*;
use atoll_isa_x64::regs::*;
use atoll_isa_x64::{EmitState, LabelUse};
use proptest::prelude::*;

/// Emit one function per entry, each ending in `ret`; return code, entry offsets, traps.
fn assemble(funcs: &[Vec<Inst>]) -> (Vec<u8>, Vec<CodeOffset>, Vec<(CodeOffset, TrapCode)>) {
    let mut sink = RecordingSink::<LabelUse>::default();
    let mut starts = Vec::new();
    for f in funcs {
        starts.push(sink.bytes.len() as CodeOffset);
        for i in f {
            i.emit(&mut sink, &mut EmitState::default());
        }
        Inst::Ret {
            stack_bytes: 0,
            rets: vec![],
        }
        .emit(&mut sink, &mut EmitState::default());
    }
    assert!(sink.label_uses.is_empty() && sink.relocs.is_empty());
    (sink.bytes, starts, sink.traps)
}

const DRIVER_HEAD: &str = r#"#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
extern char atoll_code[];
static sigjmp_buf jb;
static volatile long trap_at;
static void on_ill(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)si;
    trap_at = (long)((char *)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP] - atoll_code);
    siglongjmp(jb, 1);
}
static void install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, 0);
}
"#;

/// What a conversion should produce.
#[derive(Debug, PartialEq)]
enum Outcome {
    Value(i128),
    Trap(TrapCode),
}

#[derive(Clone, Copy, Debug)]
struct Conv {
    double: bool,
    size: OperandSize,
    signed: bool,
    saturating: bool,
}

impl Conv {
    fn all() -> Vec<Conv> {
        let mut v = Vec::new();
        for double in [false, true] {
            for size in [OperandSize::S32, OperandSize::S64] {
                for signed in [false, true] {
                    for saturating in [false, true] {
                        v.push(Conv {
                            double,
                            size,
                            signed,
                            saturating,
                        });
                    }
                }
            }
        }
        v
    }

    fn inst(self) -> Inst {
        Inst::CvtFloatToInt {
            double: self.double,
            dst_size: self.size,
            signed: self.signed,
            saturating: self.saturating,
            src: xmm(0),
            dst: Writable::from_reg(rax()),
            tmp_gpr: Writable::from_reg(rcx()),
            tmp_xmm: Writable::from_reg(xmm(1)),
        }
    }

    /// The input as the function receives it (f32 inputs are rounded first).
    fn input(self, x: f64) -> f64 {
        if self.double {
            x
        } else {
            f64::from(x as f32)
        }
    }

    /// Wasm semantics (`trunc_*` traps, `trunc_sat_*` clamps like Rust's `as`).
    fn expected(self, x: f64) -> Outcome {
        let x = self.input(x);
        let (lo, hi): (f64, f64) = match (self.size, self.signed) {
            (OperandSize::S32, true) => (-2147483649.0, 2147483648.0),
            (OperandSize::S32, false) => (-1.0, 4294967296.0),
            (_, true) => (-9223372036854777856.0, 9223372036854775808.0),
            (_, false) => (-1.0, 18446744073709551616.0),
        };
        if !self.saturating {
            if x.is_nan() {
                return Outcome::Trap(TrapCode::BAD_CONVERSION_TO_INTEGER);
            }
            // In range iff trunc(x) is representable: strictly between the bounds (the
            // i64 lower bound is the first f64 below -2^63, itself out of range).
            let ok = if self.size == OperandSize::S64 && self.signed {
                x >= -9223372036854775808.0 && x < hi
            } else {
                x > lo && x < hi
            };
            if !ok {
                return Outcome::Trap(TrapCode::INTEGER_OVERFLOW);
            }
        }
        Outcome::Value(match (self.size, self.signed) {
            (OperandSize::S32, true) => i128::from(x as i32),
            (OperandSize::S32, false) => i128::from(x as u32),
            (_, true) => i128::from(x as i64),
            (_, false) => i128::from(x as u64),
        })
    }

    /// How the driver prints the 64-bit result: 0 = as i32, 1 = u32, 2 = i64, 3 = u64.
    fn kind(self) -> u8 {
        match (self.size, self.signed) {
            (OperandSize::S32, true) => 0,
            (OperandSize::S32, false) => 1,
            (_, true) => 2,
            (_, false) => 3,
        }
    }
}

fn edge_values() -> Vec<f64> {
    let p = |e: i32| 2f64.powi(e);
    let mut v = vec![
        0.0,
        -0.0,
        0.5,
        -0.5,
        0.999,
        -0.999,
        1.0,
        -1.0,
        1.5,
        -1.5,
        100.7,
        -100.7,
        p(31) - 1.0,
        p(31) - 0.5,
        p(31),
        p(31) + 1.0,
        -p(31),
        -p(31) - 0.5,
        -p(31) - 1.0,
        -p(31) - 2.0,
        p(32) - 1.0,
        p(32) - 0.5,
        p(32),
        p(32) + 1.0,
        p(63) - 1024.0,
        p(63),
        p(63) + 2048.0,
        -p(63),
        -p(63) - 2048.0,
        -p(63) + 1024.0,
        p(64) - 2048.0,
        p(64),
        p(64) + 4096.0,
        1e30,
        -1e30,
        f64::MAX,
        f64::MIN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MIN_POSITIVE,
        5e-324,
    ];
    // The f32 neighbours of the thresholds.
    for t in [p(31), p(32), p(63), p(64), -p(31), -p(63)] {
        let f = t as f32;
        v.push(f64::from(f32::from_bits(f.to_bits() - 1)));
        v.push(f64::from(f32::from_bits(f.to_bits() + 1)));
    }
    v
}

fn run_conversions(inputs: &[f64]) {
    let convs = Conv::all();
    let funcs: Vec<Vec<Inst>> = convs.iter().map(|c| vec![c.inst()]).collect();
    let (code, starts, traps) = assemble(&funcs);
    let list = |v: Vec<String>| v.join(", ");
    let driver =
        format!(
        "{DRIVER_HEAD}static double d(uint64_t b) {{ double x; memcpy(&x, &b, 8); return x; }}\n\
         static const uint64_t in[] = {{ {} }};\n\
         static const long start[] = {{ {} }};\n\
         static const int dbl[] = {{ {} }};\n\
         static const int kind[] = {{ {} }};\n\
         int main(void) {{\n\
             install();\n\
             for (volatile int c = 0; c < {}; c++)\n\
                 for (volatile int i = 0; i < {}; i++) {{\n\
                     long r;\n\
                     if (sigsetjmp(jb, 1)) {{ printf(\"T%ld\\n\", trap_at); continue; }}\n\
                     if (dbl[c]) r = ((long (*)(double))(atoll_code + start[c]))(d(in[i]));\n\
                     else r = ((long (*)(float))(atoll_code + start[c]))((float)d(in[i]));\n\
                     switch (kind[c]) {{\n\
                     case 0: printf(\"%d\\n\", (int)r); break;\n\
                     case 1: printf(\"%u\\n\", (unsigned)r); break;\n\
                     case 2: printf(\"%ld\\n\", r); break;\n\
                     default: printf(\"%lu\\n\", (unsigned long)r); break;\n\
                     }}\n\
                 }}\n\
             return 0;\n\
         }}\n",
        list(inputs.iter().map(|x| format!("{:#x}ull", x.to_bits())).collect()),
        list(starts.iter().map(|s| s.to_string()).collect()),
        list(convs.iter().map(|c| u8::from(c.double).to_string()).collect()),
        list(convs.iter().map(|c| c.kind().to_string()).collect()),
        convs.len(),
        inputs.len(),
    );
    let out = common::link_and_run("float-to-int", &code, &driver);
    let mut lines = out.lines();
    let mut failures = Vec::new();
    for c in &convs {
        for &x in inputs {
            let line = lines.next().expect("one line per call");
            let got = match line.strip_prefix('T') {
                Some(off) => {
                    let off: CodeOffset = off.parse().unwrap();
                    let code = traps
                        .iter()
                        .find(|t| t.0 == off)
                        .map(|t| t.1)
                        .expect("trap at a recorded offset");
                    Outcome::Trap(code)
                }
                None => Outcome::Value(line.parse().unwrap()),
            };
            let want = c.expected(x);
            if got != want {
                failures.push(format!(
                    "{c:?} of {x:e} ({}): got {got:?}, want {want:?}",
                    c.input(x)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn float_to_int_conversions_on_edge_values() {
    run_conversions(&edge_values());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn float_to_int_conversions_on_random_values(
        bits in prop::collection::vec(any::<u64>(), 24),
        mags in prop::collection::vec(-70.0f64..70.0, 24),
    ) {
        // Random bit patterns (mostly huge or tiny) and random magnitudes near the ranges.
        let mut inputs: Vec<f64> = bits.iter().map(|b| f64::from_bits(*b)).collect();
        inputs.extend(mags.iter().zip(&bits).map(|(m, b)| {
            let sign = if b & 1 == 0 { 1.0 } else { -1.0 };
            sign * 2f64.powf(*m) * (1.0 + (*b >> 12) as f64 / (1u64 << 52) as f64)
        }));
        run_conversions(&inputs);
    }
}

fn wasm_min_max(is_min: bool, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        let neg = if is_min {
            a.is_sign_negative() || b.is_sign_negative()
        } else {
            a.is_sign_negative() && b.is_sign_negative()
        };
        return if neg { -0.0 } else { 0.0 };
    }
    if is_min {
        a.min(b)
    } else {
        a.max(b)
    }
}

#[test]
fn fmin_fmax_follow_wasm_semantics() {
    let vals = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e-300,
        -7.0,
    ];
    let mut funcs = Vec::new();
    let mut kinds = Vec::new();
    for double in [false, true] {
        for is_min in [true, false] {
            kinds.push((double, is_min));
            funcs.push(vec![
                Inst::XmmMinMax {
                    is_min,
                    double,
                    lhs: xmm(0),
                    rhs: xmm(1),
                    dst: Writable::from_reg(xmm(1)),
                },
                Inst::XmmUnaryRmR {
                    op: SseOp::Movaps,
                    src: RegMem::Reg(xmm(1)),
                    dst: Writable::from_reg(xmm(0)),
                },
            ]);
        }
    }
    let (code, starts, _) = assemble(&funcs);
    let mut body = String::new();
    for (&(double, _), start) in kinds.iter().zip(&starts) {
        for &a in &vals {
            for &b in &vals {
                if double {
                    body.push_str(&format!(
                        "    {{ double r = ((double (*)(double, double))(atoll_code + {start}))(d({:#x}), d({:#x})); uint64_t u; memcpy(&u, &r, 8); printf(\"%lx\\n\", (unsigned long)u); }}\n",
                        a.to_bits(),
                        b.to_bits()
                    ));
                } else {
                    body.push_str(&format!(
                        "    {{ float r = ((float (*)(float, float))(atoll_code + {start}))(f({:#x}), f({:#x})); uint32_t u; memcpy(&u, &r, 4); printf(\"%lx\\n\", (unsigned long)u); }}\n",
                        (a as f32).to_bits(),
                        (b as f32).to_bits()
                    ));
                }
            }
        }
    }
    let driver = format!(
        "{DRIVER_HEAD}static double d(uint64_t b) {{ double x; memcpy(&x, &b, 8); return x; }}\n\
         static float f(uint32_t b) {{ float x; memcpy(&x, &b, 4); return x; }}\n\
         int main(void) {{\n{body}    return 0;\n}}\n"
    );
    let out = common::link_and_run("minmax", &code, &driver);
    let mut lines = out.lines();
    for &(double, is_min) in &kinds {
        for &a in &vals {
            for &b in &vals {
                let bits = u64::from_str_radix(lines.next().unwrap(), 16).unwrap();
                let got = if double {
                    f64::from_bits(bits)
                } else {
                    f64::from(f32::from_bits(bits as u32))
                };
                let want = wasm_min_max(is_min, a, b);
                let same = (got.is_nan() && want.is_nan())
                    || got.to_bits() == want.to_bits()
                    || (!double && got.to_bits() == f64::from(want as f32).to_bits());
                assert!(
                    same,
                    "{} {} ({a}, {b}): got {got}, want {want}",
                    if is_min { "min" } else { "max" },
                    if double { "f64" } else { "f32" }
                );
            }
        }
    }
}

#[test]
fn u64_to_float_rounds_like_rust_and_select_picks() {
    let xs: Vec<u64> = vec![
        0,
        1,
        2,
        3,
        (1 << 24) + 1,
        (1 << 53) + 1,
        (1 << 63) - 1,
        1 << 63,
        (1 << 63) + 1,
        (1 << 63) + 0x401,
        (1 << 63) + 0xc00,
        u64::MAX,
        u64::MAX - 0x3ff,
        0x8000_0080_0000_0001,
        0xffff_ff7f_ffff_ffff,
        12345678901234567,
    ];
    let funcs = vec![
        vec![Inst::CvtUint64ToFloat {
            double: true,
            src: rdi(),
            dst: Writable::from_reg(xmm(0)),
            tmp1: Writable::from_reg(rax()),
            tmp2: Writable::from_reg(rcx()),
        }],
        vec![Inst::CvtUint64ToFloat {
            double: false,
            src: rdi(),
            dst: Writable::from_reg(xmm(0)),
            tmp1: Writable::from_reg(rax()),
            tmp2: Writable::from_reg(rcx()),
        }],
        // double sel(long c, double a, double b) { return c == 0 ? a : b; }
        vec![
            Inst::CmpRmiR {
                size: OperandSize::S64,
                op: CmpOp::Cmp,
                src1: rdi(),
                src2: RegMemImm::Imm(Simm32::from_i32(0)),
            },
            Inst::XmmCmove {
                cc: CC::Z,
                consequent: xmm(0),
                alternative: xmm(1),
                dst: Writable::from_reg(xmm(1)),
            },
            Inst::XmmUnaryRmR {
                op: SseOp::Movaps,
                src: RegMem::Reg(xmm(1)),
                dst: Writable::from_reg(xmm(0)),
            },
        ],
    ];
    let (code, starts, _) = assemble(&funcs);
    let mut body = String::new();
    for x in &xs {
        body.push_str(&format!(
            "    {{ double r = ((double (*)(uint64_t))(atoll_code + {}))({x}ull); float s = ((float (*)(uint64_t))(atoll_code + {}))({x}ull); uint64_t a; uint32_t b; memcpy(&a, &r, 8); memcpy(&b, &s, 4); printf(\"%lx %x\\n\", (unsigned long)a, b); }}\n",
            starts[0], starts[1]
        ));
    }
    body.push_str(&format!(
        "    {{ double (*sel)(long, double, double) = (double (*)(long, double, double))(atoll_code + {}); printf(\"%g %g\\n\", sel(0, 1.5, 2.5), sel(7, 1.5, 2.5)); }}\n",
        starts[2]
    ));
    let driver = format!("{DRIVER_HEAD}int main(void) {{\n{body}    return 0;\n}}\n");
    let out = common::link_and_run("u64-to-float", &code, &driver);
    let lines: Vec<&str> = out.lines().collect();
    for (x, line) in xs.iter().zip(&lines) {
        assert_eq!(
            *line,
            format!("{:x} {:x}", (*x as f64).to_bits(), (*x as f32).to_bits()),
            "u64 {x}"
        );
    }
    assert_eq!(lines[xs.len()], "1.5 2.5");
}

#[test]
fn sequences_fit_the_worst_case_size() {
    use atoll_codegen::machinst::MachInst;
    let mut all: Vec<Inst> = Conv::all().into_iter().map(Conv::inst).collect();
    all.push(Inst::XmmMinMax {
        is_min: true,
        double: true,
        lhs: xmm(8),
        rhs: xmm(9),
        dst: Writable::from_reg(xmm(9)),
    });
    all.push(Inst::CvtUint64ToFloat {
        double: true,
        src: r8(),
        dst: Writable::from_reg(xmm(10)),
        tmp1: Writable::from_reg(r9()),
        tmp2: Writable::from_reg(r10()),
    });
    for inst in all {
        let mut sink = RecordingSink::<LabelUse>::default();
        inst.emit(&mut sink, &mut EmitState::default());
        assert!(
            sink.bytes.len() as CodeOffset <= Inst::worst_case_size(),
            "{}: {} bytes",
            inst.print(),
            sink.bytes.len()
        );
    }
}

fn round_reference(mode: atoll_isa_x64::imms::RoundImm, x: f64) -> f64 {
    use atoll_isa_x64::imms::RoundImm::*;
    match mode {
        Nearest => x.round_ties_even(),
        Floor => x.floor(),
        Ceil => x.ceil(),
        Trunc => x.trunc(),
    }
}

fn run_rounding(inputs: &[f64]) {
    use atoll_isa_x64::imms::RoundImm;
    let modes = [
        RoundImm::Nearest,
        RoundImm::Floor,
        RoundImm::Ceil,
        RoundImm::Trunc,
    ];
    let mut kinds = Vec::new();
    let mut funcs = Vec::new();
    for double in [false, true] {
        for mode in modes {
            kinds.push((double, mode));
            funcs.push(vec![
                Inst::XmmRoundSeq {
                    mode,
                    double,
                    src: xmm(0),
                    dst: Writable::from_reg(xmm(1)),
                    tmp_gpr: Writable::from_reg(rax()),
                    tmp_xmm: Writable::from_reg(xmm(2)),
                },
                Inst::XmmUnaryRmR {
                    op: SseOp::Movaps,
                    src: RegMem::Reg(xmm(1)),
                    dst: Writable::from_reg(xmm(0)),
                },
            ]);
        }
    }
    let (code, starts, _) = assemble(&funcs);
    let list = |v: Vec<String>| v.join(", ");
    // f32 inputs are given as their own bits so that signalling NaNs survive the call.
    let driver = format!(
        "{DRIVER_HEAD}static const uint64_t in64[] = {{ {} }};\n\
         static const uint32_t in32[] = {{ {} }};\n\
         static const long start[] = {{ {} }};\n\
         int main(void) {{\n\
             for (int c = 0; c < {}; c++)\n\
                 for (int i = 0; i < {}; i++) {{\n\
                     if (c >= 4) {{ double x, r; uint64_t u; memcpy(&x, &in64[i], 8); r = ((double (*)(double))(atoll_code + start[c]))(x); memcpy(&u, &r, 8); printf(\"%lx\\n\", (unsigned long)u); }}\n\
                     else {{ float x, r; uint32_t u; memcpy(&x, &in32[i], 4); r = ((float (*)(float))(atoll_code + start[c]))(x); memcpy(&u, &r, 4); printf(\"%x\\n\", u); }}\n\
                 }}\n\
             return 0;\n\
         }}\n",
        list(inputs.iter().map(|x| format!("{:#x}ull", x.to_bits())).collect()),
        list(inputs.iter().map(|x| format!("{:#x}u", f32_bits(*x))).collect()),
        list(starts.iter().map(|s| s.to_string()).collect()),
        kinds.len(),
        inputs.len(),
    );
    let out = common::link_and_run("round-seq", &code, &driver);
    let mut lines = out.lines();
    let mut failures = Vec::new();
    for &(double, mode) in &kinds {
        for &x in inputs {
            let bits = u64::from_str_radix(lines.next().unwrap(), 16).unwrap();
            let (ok, got, want) = if double {
                let (got, want) = (f64::from_bits(bits), round_reference(mode, x));
                let quiet_nan = got.is_nan() && bits & (1 << 51) != 0;
                (
                    if want.is_nan() {
                        quiet_nan
                    } else {
                        got.to_bits() == want.to_bits()
                    },
                    got,
                    want,
                )
            } else {
                let xf = f32::from_bits(f32_bits(x));
                let got = f32::from_bits(bits as u32);
                let want = round_reference(mode, f64::from(xf)) as f32;
                let quiet_nan = got.is_nan() && bits & (1 << 22) != 0;
                (
                    if want.is_nan() {
                        quiet_nan
                    } else {
                        got.to_bits() == want.to_bits()
                    },
                    f64::from(got),
                    f64::from(want),
                )
            };
            if !ok {
                failures.push(format!(
                    "{mode:?} {} of {x:e}: got {got:e} ({bits:#x}), want {want:e}",
                    if double { "f64" } else { "f32" }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// f32 bits of an input: signalling NaNs keep a signalling pattern.
fn f32_bits(x: f64) -> u32 {
    if x.is_nan() && x.to_bits() & (1 << 51) == 0 {
        0x7f80_0001
    } else {
        (x as f32).to_bits()
    }
}

#[test]
fn rounding_without_sse41_matches_rust() {
    let p = |e: i32| 2f64.powi(e);
    let mut inputs = vec![
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        2.5,
        -2.5,
        0.49999997,
        -0.49999997,
        0.7,
        -0.7,
        1.0,
        -1.0,
        3.0,
        -3.0,
        p(23) - 0.5,
        p(23),
        p(23) + 1.0,
        -p(23) + 0.5,
        p(52) - 0.5,
        p(52),
        -p(52) + 0.5,
        p(52) + 1.0,
        p(62) + 3.0,
        1e30,
        -1e30,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        5e-324,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        1e-40,
        8388607.5,
        -8388607.5,
        4503599627370495.5,
    ];
    let mut state = 0x1234_5678_9abc_def0u64;
    for _ in 0..64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mag = (state % 60) as i32 - 8;
        inputs.push(
            (state >> 11) as f64 / (1u64 << 53) as f64
                * p(mag)
                * if state & 1 == 0 { 1.0 } else { -1.0 },
        );
    }
    run_rounding(&inputs);
}

#[test]
fn fma_rounds_once() {
    let has_fma = std::fs::read_to_string("/proc/cpuinfo")
        .map(|c| c.split_whitespace().any(|w| w == "fma"))
        .unwrap_or(false);
    if !has_fma {
        eprintln!("host CPU has no FMA; encoding is still checked by encoding.rs");
        return;
    }
    // double f(double a, double b, double c) = a * b + c, and the f32 twin.
    let funcs: Vec<Vec<Inst>> = [true, false]
        .iter()
        .map(|&double| {
            vec![Inst::XmmFma {
                double,
                src1: xmm(0),
                src2: xmm(1),
                src3: RegMem::Reg(xmm(2)),
                dst: Writable::from_reg(xmm(0)),
            }]
        })
        .collect();
    let (code, starts, _) = assemble(&funcs);
    let cases = [
        (0.1, 10.0, -1.0),
        (1.0 + f64::EPSILON, 1.0 - f64::EPSILON, -1.0),
        (3.0, 7.0, 0.5),
        (-2.5, 4.0, 1e-30),
        (-7.25, 1e-3, 2.0),
    ];
    let mut body = String::new();
    for (a, b, c) in cases {
        body.push_str(&format!(
            "    {{ double r = ((double (*)(double, double, double))(atoll_code + {}))({a:e}, {b:e}, {c:e}); float s = ((float (*)(float, float, float))(atoll_code + {}))({a:e}f, {b:e}f, {c:e}f); uint64_t u; uint32_t v; memcpy(&u, &r, 8); memcpy(&v, &s, 4); printf(\"%lx %x\\n\", (unsigned long)u, v); }}\n",
            starts[0], starts[1]
        ));
    }
    let driver = format!("{DRIVER_HEAD}int main(void) {{\n{body}    return 0;\n}}\n");
    let out = common::link_and_run("fma", &code, &driver);
    for ((a, b, c), line) in cases.iter().zip(out.lines()) {
        let (af, bf, cf) = (*a as f32, *b as f32, *c as f32);
        assert_eq!(
            line,
            format!(
                "{:x} {:x}",
                a.mul_add(*b, *c).to_bits(),
                af.mul_add(bf, cf).to_bits()
            ),
            "fma({a}, {b}, {c})"
        );
    }
}
