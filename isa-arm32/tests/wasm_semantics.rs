//! The wasm-semantics pseudo-instructions executed under `qemu-arm` against a Rust
//! model of the wasm spec: `fmin`/`fmax` (NaN propagation, `-0 < +0`) and the
//! trapping float-to-int conversions (NaN → `bad_toint`, out of range → `int_ovf`,
//! told apart by which `udf` raised SIGILL, from the recorded trap table), and
//! float constants materialized without a literal pool (`FpuLoadConst`).
//!
//! One code blob holds every function (AAPCS-VFP: float arguments in `d0`/`d1` or
//! `s0`/`s1`, results in `d0`/`s0`/`r0`); the C harness calls each on every input and
//! prints result bits or `T<offset>` for a trap.

mod common;

use atoll_codegen::buffer::CodeOffset;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};
use atoll_codegen::testing::RecordingSink;
use atoll_isa_arm32::inst::{FpSize, FpuOp1, Inst};
use atoll_isa_arm32::regs::{dreg, rreg, sreg, writable};
use atoll_isa_arm32::{EmitState, LabelUse};

#[derive(Clone, Copy)]
enum Kind {
    MinMax { max: bool },
    ToInt { signed: bool },
}

struct Func {
    name: &'static str,
    size: FpSize,
    kind: Kind,
    offset: CodeOffset,
}

fn w(r: Reg) -> Writable<Reg> {
    writable(r)
}

/// Emit one function at the sink's current offset (16-byte aligned).
fn emit_func(sink: &mut RecordingSink<LabelUse>, size: FpSize, kind: Kind) -> CodeOffset {
    while !sink.bytes.len().is_multiple_of(16) {
        Inst::Nop.emit(sink, &mut EmitState::default());
    }
    let at = sink.bytes.len() as CodeOffset;
    let (a, b) = match size {
        FpSize::F64 => (dreg(0), dreg(1)),
        FpSize::F32 => (sreg(0), sreg(1)),
    };
    let body = match kind {
        Kind::MinMax { max } => vec![
            Inst::FpuMinMax {
                max,
                size,
                rd: w(dreg(2)),
                rn: a,
                rm: b,
            },
            Inst::FpuRR {
                op: FpuOp1::Mov,
                size,
                cond: atoll_isa_arm32::inst::Cond::Al,
                rd: w(a),
                rm: dreg(2),
            },
        ],
        Kind::ToInt { signed } => vec![Inst::FpuToIntChecked {
            signed,
            size,
            rd: w(rreg(0)),
            rm: a,
            tmp: w(dreg(3)),
            scratch: w(rreg(1)),
        }],
    };
    for i in body.into_iter().chain([Inst::ret()]) {
        i.emit(sink, &mut EmitState::default());
    }
    at
}

/// Inputs as f64 (converted to f32 for the single-precision functions).
const INPUTS: &[f64] = &[
    0.0,
    -0.0,
    1.5,
    -1.5,
    -0.99,
    2147483647.0,
    2147483647.9,
    2147483648.0,
    -2147483648.0,
    -2147483648.9,
    -2147483649.0,
    4294967295.0,
    4294967296.0,
    -1.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1e300,
];

fn c_type(size: FpSize) -> &'static str {
    match size {
        FpSize::F32 => "float",
        FpSize::F64 => "double",
    }
}

fn c_literal(x: f64, size: FpSize) -> String {
    match size {
        FpSize::F64 => format!("u64f(0x{:016x}ULL)", x.to_bits()),
        FpSize::F32 => format!("u32f(0x{:08x}U)", (x as f32).to_bits()),
    }
}

/// The C harness: calls every function on every input (pair) and prints one token each.
fn harness(funcs: &[Func]) -> String {
    let mut calls = String::new();
    for f in funcs {
        let t = c_type(f.size);
        let bits = if f.size == FpSize::F64 {
            "f64u"
        } else {
            "f32u"
        };
        for &x in INPUTS {
            match f.kind {
                Kind::MinMax { .. } => {
                    for &y in INPUTS {
                        calls += &format!(
                            "  {{ {t} (*fn)({t}, {t}) = ({t} (*)({t}, {t}))(code + {}); \
                             printf(\"%llx\\n\", (unsigned long long){bits}(fn({}, {}))); }}\n",
                            f.offset,
                            c_literal(x, f.size),
                            c_literal(y, f.size)
                        );
                    }
                }
                Kind::ToInt { .. } => {
                    calls += &format!(
                        "  {{ unsigned (*fn)({t}) = (unsigned (*)({t}))(code + {}); base = {}; \
                         if (sigsetjmp(env, 1) == 0) printf(\"%x\\n\", fn({})); \
                         else printf(\"T%lx\\n\", trap_off); }}\n",
                        f.offset,
                        f.offset,
                        c_literal(x, f.size)
                    );
                }
            }
        }
    }
    format!(
        r#"#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
extern char atoll_code[];
static char *code = atoll_code;
static sigjmp_buf env;
static unsigned long base, trap_off;
static double u64f(unsigned long long b) {{ double d; memcpy(&d, &b, 8); return d; }}
static float u32f(unsigned b) {{ float f; memcpy(&f, &b, 4); return f; }}
static unsigned long long f64u(double d) {{ unsigned long long b; memcpy(&b, &d, 8); return b; }}
static unsigned f32u(float f) {{ unsigned b; memcpy(&b, &f, 4); return b; }}
static void on_ill(int sig, siginfo_t *si, void *ctx) {{
  (void)sig; (void)ctx;
  trap_off = (unsigned long)((char *)si->si_addr - code) - base;
  siglongjmp(env, 1);
}}
int main(void) {{
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_ill; sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGILL, &sa, 0);
{calls}  return 0;
}}
"#
    )
}

/// The wasm result of `fmin`/`fmax` (`None` for a NaN: any NaN is accepted).
fn wasm_min_max(max: bool, x: f64, y: f64) -> Option<f64> {
    if x.is_nan() || y.is_nan() {
        return None;
    }
    if x == 0.0 && y == 0.0 {
        let neg = if max {
            x.is_sign_negative() && y.is_sign_negative()
        } else {
            x.is_sign_negative() || y.is_sign_negative()
        };
        return Some(if neg { -0.0 } else { 0.0 });
    }
    Some(if (x < y) != max { x } else { y })
}

/// The wasm result of a trapping truncation: the integer bits or the trap.
fn wasm_trunc(signed: bool, x: f64) -> Result<u32, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::BAD_CONVERSION_TO_INTEGER);
    }
    let t = x.trunc();
    let (lo, hi) = if signed {
        (-2147483648.0, 2147483647.0)
    } else {
        (0.0, 4294967295.0)
    };
    if t < lo || t > hi {
        return Err(TrapCode::INTEGER_OVERFLOW);
    }
    Ok(if signed { t as i32 as u32 } else { t as u32 })
}

#[test]
fn pseudo_instructions_follow_wasm_semantics() {
    let mut sink = RecordingSink::<LabelUse>::default();
    let mut funcs = Vec::new();
    for size in [FpSize::F32, FpSize::F64] {
        for (name, kind) in [
            ("fmin", Kind::MinMax { max: false }),
            ("fmax", Kind::MinMax { max: true }),
            ("trunc_s", Kind::ToInt { signed: true }),
            ("trunc_u", Kind::ToInt { signed: false }),
        ] {
            let offset = emit_func(&mut sink, size, kind);
            funcs.push(Func {
                name,
                size,
                kind,
                offset,
            });
        }
    }
    if !common::cross_tools_present("pseudo_instructions_follow_wasm_semantics") {
        return;
    }
    let out = common::link_and_run(
        &sink.bytes,
        "atoll_code",
        &harness(&funcs),
        "wasm-semantics",
    );
    let mut lines = out.lines();
    let mut checked = 0;
    for f in &funcs {
        for &x in INPUTS {
            match f.kind {
                Kind::MinMax { max } => {
                    for &y in INPUTS {
                        let got = u64::from_str_radix(lines.next().unwrap(), 16).unwrap();
                        let (x, y) = if f.size == FpSize::F32 {
                            ((x as f32) as f64, (y as f32) as f64)
                        } else {
                            (x, y)
                        };
                        let got = if f.size == FpSize::F32 {
                            f32::from_bits(got as u32) as f64
                        } else {
                            f64::from_bits(got)
                        };
                        match wasm_min_max(max, x, y) {
                            None => {
                                assert!(got.is_nan(), "{} {:?}({x}, {y}) = {got}", f.name, f.size)
                            }
                            Some(want) => assert!(
                                want.to_bits() == got.to_bits(),
                                "{} {:?}({x}, {y}) = {got}, want {want}",
                                f.name,
                                f.size
                            ),
                        }
                        checked += 1;
                    }
                }
                Kind::ToInt { signed } => {
                    let line = lines.next().unwrap();
                    let x = if f.size == FpSize::F32 {
                        (x as f32) as f64
                    } else {
                        x
                    };
                    let got = match line.strip_prefix('T') {
                        Some(off) => {
                            let off = f.offset + u64::from_str_radix(off, 16).unwrap();
                            let code = sink.traps.iter().find(|(o, _)| *o == off).map(|(_, c)| *c);
                            Err(code.unwrap_or_else(|| {
                                panic!("SIGILL at {off:#x} is not a recorded trap")
                            }))
                        }
                        None => Ok(u32::from_str_radix(line, 16).unwrap()),
                    };
                    assert_eq!(got, wasm_trunc(signed, x), "{} {:?}({x})", f.name, f.size);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(
        checked,
        2 * (2 * INPUTS.len() * INPUTS.len() + 2 * INPUTS.len())
    );
}

/// `FpuLoadConst` materializes every bit pattern exactly (NaN payloads, -0, denormals,
/// `vmov`-immediate values and not), checked by calling one function per constant.
#[test]
fn float_constants_materialize_exactly() {
    let f64s: [u64; 8] = [
        0,
        0x8000_0000_0000_0000,
        0x3ff0_0000_0000_0000,
        0x3fb9_9999_9999_999a,
        0x7ff8_0000_0000_0001,
        0x0000_0000_0000_0001,
        0xffef_ffff_ffff_ffff,
        0x4031_0000_4031_0000,
    ];
    let f32s: [u32; 6] = [
        0,
        0x8000_0000,
        0x3dcc_cccd,
        0x7fc0_1234,
        0xc1f8_0000,
        0x0000_0001,
    ];
    let mut sink = RecordingSink::<LabelUse>::default();
    let mut calls = String::new();
    let mut want = Vec::new();
    let put = |sink: &mut RecordingSink<LabelUse>, size: FpSize, bits: u64| {
        while !sink.bytes.len().is_multiple_of(16) {
            Inst::Nop.emit(sink, &mut EmitState::default());
        }
        let at = sink.bytes.len();
        for i in [
            Inst::FpuLoadConst {
                size,
                rd: w(dreg(0)),
                bits,
                scratch: w(rreg(0)),
            },
            Inst::ret(),
        ] {
            i.emit(sink, &mut EmitState::default());
        }
        at
    };
    for bits in f64s {
        let at = put(&mut sink, FpSize::F64, bits);
        calls +=
            &format!("  printf(\"%llx\\n\", f64u(((double (*)(void))(atoll_code + {at}))()));\n");
        want.push(format!("{bits:x}"));
    }
    for bits in f32s {
        let at = put(&mut sink, FpSize::F32, bits as u64);
        calls += &format!("  printf(\"%x\\n\", f32u(((float (*)(void))(atoll_code + {at}))()));\n");
        want.push(format!("{bits:x}"));
    }
    if !common::cross_tools_present("float_constants_materialize_exactly") {
        return;
    }
    let harness = format!(
        "#include <stdio.h>\n#include <string.h>\nextern char atoll_code[];\n\
         static unsigned long long f64u(double d) {{ unsigned long long b; memcpy(&b, &d, 8); return b; }}\n\
         static unsigned f32u(float f) {{ unsigned b; memcpy(&b, &f, 4); return b; }}\n\
         int main(void) {{\n{calls}  return 0;\n}}\n"
    );
    let out = common::link_and_run(&sink.bytes, "atoll_code", &harness, "fconst");
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
}
