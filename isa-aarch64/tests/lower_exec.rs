//! CLIF → AArch64 machine code → execution under `qemu-aarch64`.
//!
//! Each function is parsed, lowered with `AArch64Backend` (system_v), allocated by
//! regalloc2 (checker and SSA validation on), emitted with the AArch64 ABI into a
//! `MachBuffer`, and linked with a C harness that calls it on chosen arguments. The
//! harness turns a trap (SIGILL from `udf`) into the word `trap`. Expected outputs
//! are computed in Rust from CLIF's semantics.

use atoll_codegen::ir::Function;

mod common;
use common::qemu::{run, tools_present};

fn compile(src: &str) -> Vec<u8> {
    let f: &Function = &atoll_codegen::text::parse_functions(src)
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0);
    common::compile::compile_clif(f).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

/// One function under test: CLIF text, its C prototype (named `NAME`), and calls.
struct Case {
    clif: &'static str,
    proto: &'static str,
    /// C expressions calling `NAME`, each printed with `fmt`.
    calls: Vec<String>,
    fmt: &'static str,
    expected: Vec<String>,
}

fn harness(cases: &[Case]) -> String {
    let mut c = String::from(
        "#include <stdio.h>\n#include <signal.h>\n#include <setjmp.h>\n#include <stdint.h>\n#include <string.h>\n\
         static sigjmp_buf env;\nstatic void on_trap(int sig) { (void)sig; siglongjmp(env, 1); }\n",
    );
    for (i, case) in cases.iter().enumerate() {
        c.push_str(&case.proto.replace("NAME", &format!("f{i}")));
        c.push_str(";\n");
    }
    c.push_str("int main(void) {\n  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_trap; sa.sa_flags = SA_NODEFER;\n  sigaction(SIGILL, &sa, 0);\n  static int64_t mem[4];\n  (void)mem;\n");
    for (i, case) in cases.iter().enumerate() {
        for call in &case.calls {
            let call = call.replace("NAME", &format!("f{i}"));
            c.push_str(&format!(
                "  if (sigsetjmp(env, 1) == 0) printf(\"{} \\n\", {call}); else printf(\"trap\\n\");\n",
                case.fmt
            ));
        }
    }
    c.push_str("  return 0;\n}\n");
    c
}

fn asm(cases: &[Case]) -> String {
    let mut s = String::from("\t.text\n");
    for (i, case) in cases.iter().enumerate() {
        let code = compile(case.clif);
        let bytes: Vec<String> = code.iter().map(|b| format!("{b:#04x}")).collect();
        s.push_str(&format!(
            "\t.p2align 4\n\t.globl f{i}\n\t.type f{i}, %function\nf{i}:\n"
        ));
        for chunk in bytes.chunks(16) {
            s.push_str(&format!("\t.byte {}\n", chunk.join(", ")));
        }
    }
    s
}

fn int_case(
    clif: &'static str,
    proto: &'static str,
    args: &[&str],
    f: impl Fn(&[i64]) -> Option<i64>,
) -> Case {
    let calls = args
        .iter()
        .map(|a| format!("(long long)NAME({a})"))
        .collect();
    let expected = args
        .iter()
        .map(|a| {
            let vals: Vec<i64> = a.split(',').map(|x| parse_c_int(x.trim())).collect();
            f(&vals).map_or("trap".to_string(), |v| v.to_string())
        })
        .collect();
    Case {
        clif,
        proto,
        calls,
        fmt: "%lld",
        expected,
    }
}

/// A C integer literal's value; anything else (a C variable such as `mem`) is 0.
fn parse_c_int(s: &str) -> i64 {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).map(|v| v as i64).unwrap_or(0),
        None => s.parse::<i64>().unwrap_or(0),
    }
}

fn float_case(
    clif: &'static str,
    proto: &'static str,
    args: &[(f64, f64)],
    f: impl Fn(f64, f64) -> f64,
) -> Case {
    let calls = args
        .iter()
        .map(|(a, b)| format!("NAME({a:?}, {b:?})"))
        .collect();
    let expected = args
        .iter()
        .map(|&(a, b)| format!("{:.6}", f(a, b)))
        .collect();
    Case {
        clif,
        proto,
        calls,
        fmt: "%.6f",
        expected,
    }
}

// The float expectations spell out ordered comparisons on purpose: under NaN,
// `x < y || x > y` is not `x != y` and `!(x < y)` is not `x >= y`.
#[allow(clippy::double_comparisons, clippy::neg_cmp_op_on_partial_ord)]
fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.push(int_case(
        "function %arith(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    v3 = imul v2, v0
    v4 = isub v3, v1
    v5 = bxor v4, v0
    v6 = ishl_imm v5, 3
    v7 = sshr_imm v6, 1
    v8 = rotl_imm v7, 13
    v9 = band_imm v8, 0xff00ff00ff00ff00
    v10 = bor v9, v1
    v11 = iadd_imm v10, -5000
    return v11
}",
        "int64_t NAME(int64_t, int64_t)",
        &["3, 4", "-7, 100", "123456789, -987654321", "0, 0"],
        |a| {
            let (x, y) = (a[0], a[1]);
            let v5 = (x.wrapping_add(y)).wrapping_mul(x).wrapping_sub(y) ^ x;
            let v8 = ((v5 << 3) >> 1).rotate_left(13);
            Some(((v8 & 0xff00ff00ff00ff00u64 as i64) | y).wrapping_sub(5000))
        },
    ));
    v.push(int_case(
        "function %div(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = sdiv v0, v1
    v3 = srem v0, v1
    v4 = imul_imm v3, 1000
    v5 = iadd v2, v4
    return v5
}",
        "int64_t NAME(int64_t, int64_t)",
        &[
            "100, 7",
            "-100, 7",
            "5, 0",
            "0x8000000000000000, -1",
            "0x8000000000000000, 3",
        ],
        |a| {
            let (x, y) = (a[0], a[1]);
            if y == 0 || (x == i64::MIN && y == -1) {
                return None;
            }
            Some((x / y).wrapping_add((x % y).wrapping_mul(1000)))
        },
    ));
    v.push(int_case(
        "function %udiv32(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = udiv v0, v1
    v3 = urem v0, v1
    v4 = ishl_imm v3, 16
    v5 = bor v2, v4
    return v5
}",
        "uint32_t NAME(uint32_t, uint32_t)",
        &["100, 7", "0xffffffff, 10", "1, 0"],
        |a| {
            let (x, y) = (a[0] as u32, a[1] as u32);
            if y == 0 {
                return None;
            }
            Some(i64::from((x / y) | ((x % y) << 16)))
        },
    ));
    v.push(int_case(
        "function %cmpsel(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = icmp slt v0, v1
    v3 = icmp ult v0, v1
    v4 = uextend.i32 v2
    v5 = uextend.i32 v3
    v6 = ishl_imm v5, 1
    v7 = bor v4, v6
    v8 = smax v0, v1
    v9 = select v2, v8, v0
    v10 = imul_imm v9, 4
    v11 = iadd v7, v10
    return v11
}",
        "int32_t NAME(int32_t, int32_t)",
        &["1, 2", "-1, 2", "5, -3", "7, 7"],
        |a| {
            let (x, y) = (a[0] as i32, a[1] as i32);
            let lt = (x < y) as i32;
            let ult = ((x as u32) < (y as u32)) as i32;
            let sel = if lt != 0 { x.max(y) } else { x };
            Some(i64::from(
                (lt | (ult << 1)).wrapping_add(sel.wrapping_mul(4)),
            ))
        },
    ));
    v.push(int_case(
        "function %loop(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v0, v1)

block1(v2: i64, v3: i64):
    brif v2, block2, block3(v3)

block2:
    v4 = imul v2, v2
    v5 = iadd v3, v4
    v6 = iadd_imm v2, -1
    jump block1(v6, v5)

block3(v7: i64):
    return v7
}",
        "int64_t NAME(int64_t)",
        &["0", "1", "10", "1000"],
        |a| Some((1..=a[0]).map(|i| i * i).sum()),
    ));
    v.push(int_case(
        "function %table(i32) -> i32 {
block0(v0: i32):
    br_table v0, block4, [block1, block2, block3, block2]

block1:
    v1 = iconst.i32 10
    return v1

block2:
    v2 = iconst.i32 20
    return v2

block3:
    v3 = iconst.i32 30
    return v3

block4:
    v4 = iconst.i32 -1
    return v4
}",
        "int32_t NAME(int32_t)",
        &["0", "1", "2", "3", "4", "-1"],
        |a| {
            Some(
                [10, 20, 30, 20]
                    .get(a[0] as u32 as usize)
                    .copied()
                    .unwrap_or(-1),
            )
        },
    ));
    v.push(int_case(
        "function %bits(i64) -> i64 {
block0(v0: i64):
    v1 = clz v0
    v2 = ctz v0
    v3 = bswap v0
    v4 = band_imm v3, 0xffff
    v5 = ishl_imm v2, 8
    v6 = bor v1, v5
    v7 = ishl_imm v4, 16
    v8 = bor v6, v7
    return v8
}",
        "int64_t NAME(int64_t)",
        &["1", "0x0123456789abcdef", "0x8000", "0"],
        |a| {
            let x = a[0] as u64;
            Some(
                (u64::from(x.leading_zeros())
                    | (u64::from(x.trailing_zeros()) << 8)
                    | ((x.swap_bytes() & 0xffff) << 16)) as i64,
            )
        },
    ));
    v.push(int_case(
        "function %narrow(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = ireduce.i8 v0
    v3 = ireduce.i8 v1
    v4 = iadd v2, v3
    v5 = sextend.i32 v4
    v6 = icmp ugt v2, v3
    v7 = uextend.i32 v6
    v8 = imul_imm v7, 1000
    v9 = iadd v5, v8
    return v9
}",
        "int32_t NAME(int32_t, int32_t)",
        &["100, 100", "0x1ff, 2", "3, 0x1fe"],
        |a| {
            let (x, y) = (a[0] as i8, a[1] as i8);
            let sum = i32::from(x.wrapping_add(y));
            let gt = ((x as u8) > (y as u8)) as i32;
            Some(i64::from(sum + gt * 1000))
        },
    ));
    v.push(int_case(
        "function %mulhi(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = umulhi v0, v1
    v3 = smulhi v0, v1
    v4 = ireduce.i32 v0
    v5 = ireduce.i32 v1
    v6 = smulhi v4, v5
    v7 = sextend.i64 v6
    v8 = bxor v2, v3
    v9 = iadd v8, v7
    return v9
}",
        "int64_t NAME(int64_t, int64_t)",
        &[
            "0x123456789abcdef0, 0x0fedcba987654321",
            "-5, 7",
            "0x7fffffff, 0x7fffffff",
        ],
        |a| {
            let (x, y) = (a[0], a[1]);
            let u = ((u128::from(x as u64) * u128::from(y as u64)) >> 64) as i64;
            let s = ((i128::from(x) * i128::from(y)) >> 64) as i64;
            let s32 = ((i64::from(x as i32) * i64::from(y as i32)) >> 32) as i32;
            Some((u ^ s).wrapping_add(i64::from(s32)))
        },
    ));
    v.push(int_case(
        "function %mem(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    store v1, v0+8
    v2 = uload8.i64 v0+8
    v3 = sload16.i64 v0+9
    v4 = load.i32 v0+8
    v5 = uextend.i64 v4
    istore8 v1, v0+16
    v6 = load.i64 v0+16
    v7 = iadd v2, v3
    v8 = iadd v7, v5
    v9 = iadd v8, v6
    return v9
}",
        "int64_t NAME(int64_t*, int64_t)",
        &["mem, 0x1122334455667788", "mem, -2"],
        |a| {
            let y = a[1];
            let b = y.to_le_bytes();
            let u8v = i64::from(b[0]);
            let s16 = i64::from(i16::from_le_bytes([b[1], b[2]]));
            let u32v = i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            // mem[2] was zeroed and then got its low byte stored.
            Some(u8v + s16 + u32v + i64::from(b[0]))
        },
    ));
    v.push(int_case(
        "function %traps(i64) -> i64 {
block0(v0: i64):
    v1 = icmp_imm eq v0, 13
    trapnz v1, user7
    v2 = iadd_imm v0, 1
    return v2
}",
        "int64_t NAME(int64_t)",
        &["1", "13", "-100"],
        |a| if a[0] == 13 { None } else { Some(a[0] + 1) },
    ));
    v.push(float_case(
        "function %fops(f64, f64) -> f64 {
block0(v0: f64, v1: f64):
    v2 = fadd v0, v1
    v3 = fmul v2, v0
    v4 = fdiv v3, v1
    v5 = fabs v4
    v6 = sqrt v5
    v7 = fmin v6, v1
    v8 = fcopysign v7, v0
    v9 = f64const 0x1.8p1
    v10 = fsub v8, v9
    v11 = floor v10
    v12 = fadd v11, v10
    return v12
}",
        "double NAME(double, double)",
        &[(2.0, 3.0), (-4.5, 10.0), (100.0, 0.25)],
        |x, y| {
            let v7 = ((x + y) * x / y).abs().sqrt().min(y);
            let v10 = v7.copysign(x) - 3.0;
            v10.floor() + v10
        },
    ));
    v.push(float_case(
        "function %f32ops(f32, f32) -> f32 {
block0(v0: f32, v1: f32):
    v2 = fmul v0, v1
    v3 = f32const 0x1.0p-1
    v4 = fadd v2, v3
    v5 = nearest v4
    v6 = fmax v5, v0
    v7 = fneg v6
    v8 = trunc v4
    v9 = fadd v7, v8
    return v9
}",
        "float NAME(float, float)",
        &[(2.0, 3.25), (-1.5, 2.0), (0.25, 0.25)],
        |x, y| {
            let (x, y) = (x as f32, y as f32);
            let v4 = x * y + 0.5;
            let v5 = v4.round_ties_even();
            f64::from(-v5.max(x) + v4.trunc())
        },
    ));
    v.push(int_case(
        "function %fconv(f64) -> i64 {
block0(v0: f64):
    v1 = fcvt_to_sint.i32 v0
    v2 = sextend.i64 v1
    v3 = fcvt_to_uint_sat.i64 v0
    v4 = bxor v2, v3
    return v4
}",
        "int64_t NAME(double)",
        &[
            "1",
            "-2",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
        ],
        |a| {
            let x = a[0] as f64;
            if !(x > -2147483649.0 && x < 2147483648.0) {
                return None;
            }
            let s = x.trunc() as i32;
            let u = if x <= 0.0 { 0u64 } else { x as u64 };
            Some(i64::from(s) ^ u as i64)
        },
    ));
    v.push(int_case(
        "function %fcmp(f64, f64) -> i32 {
block0(v0: f64, v1: f64):
    v2 = fcmp lt v0, v1
    v3 = fcmp ueq v0, v1
    v4 = fcmp one v0, v1
    v5 = fcmp uge v0, v1
    v6 = uextend.i32 v2
    v7 = uextend.i32 v3
    v8 = uextend.i32 v4
    v9 = uextend.i32 v5
    v10 = ishl_imm v7, 1
    v11 = ishl_imm v8, 2
    v12 = ishl_imm v9, 3
    v13 = bor v6, v10
    v14 = bor v11, v12
    v15 = bor v13, v14
    return v15
}",
        "int32_t NAME(double, double)",
        &["1, 2", "2, 1", "3, 3", "0.0/0.0, 1"],
        |a| {
            let _ = a;
            None
        },
    ));
    // The fcmp case's inputs include a NaN, which `int_case` cannot parse: fill in
    // its calls and expectations by hand.
    let last = v.last_mut().unwrap();
    let pairs = [(1.0, 2.0), (2.0, 1.0), (3.0, 3.0), (f64::NAN, 1.0)];
    last.calls = ["1.0, 2.0", "2.0, 1.0", "3.0, 3.0", "0.0/0.0, 1.0"]
        .iter()
        .map(|a| format!("(long long)NAME({a})"))
        .collect();
    last.expected = pairs
        .iter()
        .map(|&(x, y): &(f64, f64)| {
            let lt = (x < y) as i32;
            let ueq = (x == y || x.is_nan() || y.is_nan()) as i32;
            let one = (x < y || x > y) as i32;
            let uge = !(x < y) as i32;
            (lt | ueq << 1 | one << 2 | uge << 3).to_string()
        })
        .collect();
    v.push(int_case(
        "function %bitcast(i64) -> i64 {
block0(v0: i64):
    v1 = bitcast.f64 v0
    v2 = f64const 0x1.0p0
    v3 = fadd v1, v2
    v4 = bitcast.i64 v3
    return v4
}",
        "int64_t NAME(int64_t)",
        &["0x4000000000000000", "0"],
        |a| Some((f64::from_bits(a[0] as u64) + 1.0).to_bits() as i64),
    ));
    v
}

#[test]
fn clif_functions_execute_under_qemu() {
    let cases = cases();
    let code = asm(&cases);
    if !tools_present() {
        return;
    }
    let out = run("lower", &code, &harness(&cases));
    let got: Vec<&str> = out.lines().map(|l| l.trim()).collect();
    let want: Vec<String> = cases.iter().flat_map(|c| c.expected.clone()).collect();
    let labels: Vec<String> = cases
        .iter()
        .flat_map(|c| {
            c.calls
                .iter()
                .map(move |call| format!("{} {call}", c.clif.lines().next().unwrap()))
        })
        .collect();
    assert_eq!(got.len(), want.len(), "output:\n{out}");
    let mut failures = Vec::new();
    for ((g, w), label) in got.iter().zip(&want).zip(&labels) {
        if g != w {
            failures.push(format!("{label}: got {g}, want {w}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
