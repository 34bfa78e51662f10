//! Property test: float arithmetic, rounding, comparisons and conversions compiled
//! by the x64 backend (SSE2 only, and with SSE4.1) and executed natively agree with
//! Rust's IEEE semantics (wasm rules for `fmin`/`fmax`, saturating casts for the
//! `_sat` conversions). 4096 cases per feature set.

use proptest::prelude::*;

mod native;
use native::{compile_native, NativeModule};

const BIN: &[&str] = &["fadd", "fsub", "fmul", "fdiv", "fmin", "fmax", "fcopysign"];
const UN: &[&str] = &["sqrt", "fabs", "fneg", "ceil", "floor", "trunc", "nearest"];
const CMP: &[&str] = &[
    "eq", "ne", "lt", "le", "gt", "ge", "ord", "uno", "one", "ueq", "ult", "ule", "ugt", "uge",
];
const TO_INT: &[(&str, u32)] = &[
    ("fcvt_to_sint_sat", 8),
    ("fcvt_to_sint_sat", 16),
    ("fcvt_to_sint_sat", 32),
    ("fcvt_to_sint_sat", 64),
    ("fcvt_to_uint_sat", 8),
    ("fcvt_to_uint_sat", 16),
    ("fcvt_to_uint_sat", 32),
    ("fcvt_to_uint_sat", 64),
];

/// One test function over f64 (all take `(f64, f64)` and return bits in rax or xmm0).
#[derive(Clone, Debug)]
enum Case {
    Bin(&'static str),
    Un(&'static str),
    Cmp(&'static str),
    ToInt(&'static str, u32),
}

fn cases() -> Vec<Case> {
    let mut v: Vec<Case> = BIN.iter().map(|&o| Case::Bin(o)).collect();
    v.extend(UN.iter().map(|&o| Case::Un(o)));
    v.extend(CMP.iter().map(|&o| Case::Cmp(o)));
    v.extend(TO_INT.iter().map(|&(o, b)| Case::ToInt(o, b)));
    v
}

fn source(cases: &[Case]) -> String {
    let mut s = String::new();
    for (i, c) in cases.iter().enumerate() {
        let (ret, body) = match c {
            Case::Bin(op) => (
                "f64".to_string(),
                format!("v2 = {op} v0, v1\n    return v2"),
            ),
            Case::Un(op) => ("f64".to_string(), format!("v2 = {op} v0\n    return v2")),
            Case::Cmp(cc) => (
                "i8".to_string(),
                format!("v2 = fcmp {cc} v0, v1\n    return v2"),
            ),
            Case::ToInt(op, bits) => (
                format!("i{bits}"),
                format!("v2 = {op}.i{bits} v0\n    return v2"),
            ),
        };
        s.push_str(&format!(
            "function %f{i}(f64, f64) -> {ret} system_v {{\nblock0(v0: f64, v1: f64):\n    {body}\n}}\n"
        ));
    }
    s
}

/// The expected result: float bits (NaN canonicalized to "some NaN" by the caller)
/// or an integer.
#[derive(Debug, PartialEq)]
enum Want {
    F(f64),
    I(u64),
}

fn fmin(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() {
            a
        } else {
            b
        }
    } else {
        a.min(b)
    }
}

fn fmax(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_positive() {
            a
        } else {
            b
        }
    } else {
        a.max(b)
    }
}

fn model(c: &Case, a: f64, b: f64) -> Want {
    match c {
        Case::Bin(op) => Want::F(match *op {
            "fadd" => a + b,
            "fsub" => a - b,
            "fmul" => a * b,
            "fdiv" => a / b,
            "fmin" => fmin(a, b),
            "fmax" => fmax(a, b),
            _ => a.copysign(b),
        }),
        Case::Un(op) => Want::F(match *op {
            "sqrt" => a.sqrt(),
            "fabs" => a.abs(),
            "fneg" => -a,
            "ceil" => a.ceil(),
            "floor" => a.floor(),
            "trunc" => a.trunc(),
            _ => a.round_ties_even(),
        }),
        Case::Cmp(cc) => {
            let uno = a.is_nan() || b.is_nan();
            Want::I(u64::from(match *cc {
                "eq" => a == b,
                "ne" => a != b,
                "lt" => a < b,
                "le" => a <= b,
                "gt" => a > b,
                "ge" => a >= b,
                "ord" => !uno,
                "uno" => uno,
                "one" => !uno && a != b,
                "ueq" => uno || a == b,
                "ult" => uno || a < b,
                "ule" => uno || a <= b,
                "ugt" => uno || a > b,
                _ => uno || a >= b,
            }))
        }
        Case::ToInt(op, bits) => {
            let signed = op.contains("sint");
            let v = match (signed, bits) {
                (true, 8) => a as i8 as u8 as u64,
                (true, 16) => a as i16 as u16 as u64,
                (true, 32) => a as i32 as u32 as u64,
                (true, _) => a as i64 as u64,
                (false, 8) => a as u8 as u64,
                (false, 16) => a as u16 as u64,
                (false, 32) => a as u32 as u64,
                (false, _) => a as u64,
            };
            Want::I(v)
        }
    }
}

fn compile(cases: &[Case], features: &[&str]) -> NativeModule {
    compile_native(&source(cases), features)
}

fn run(m: &NativeModule, c: &Case, i: usize, a: f64, b: f64) -> Want {
    let p = m.address(i);
    match c {
        Case::Bin(_) | Case::Un(_) => {
            // SAFETY: a compiled System V `(f64, f64) -> f64` function.
            let f: extern "sysv64" fn(f64, f64) -> f64 = unsafe { core::mem::transmute(p) };
            Want::F(f(a, b))
        }
        Case::Cmp(_) | Case::ToInt(..) => {
            // SAFETY: a compiled System V `(f64, f64) -> iN` function.
            let f: extern "sysv64" fn(f64, f64) -> u64 = unsafe { core::mem::transmute(p) };
            let bits = match c {
                Case::ToInt(_, b) => *b,
                _ => 8,
            };
            let r = f(a, b);
            Want::I(if bits == 64 { r } else { r & ((1 << bits) - 1) })
        }
    }
}

fn same(got: &Want, want: &Want) -> bool {
    match (got, want) {
        (Want::F(g), Want::F(w)) => g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
        _ => got == want,
    }
}

fn operand() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0f64),
        Just(-0.0),
        Just(0.5),
        Just(-2.5),
        Just(1e300),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
        Just(4503599627370497.0),
        Just(-9.3e18),
        Just(1.8e19),
        (-1000i32..1000).prop_map(|x| f64::from(x) / 4.0),
        any::<f64>(),
    ]
}

fn check_all(features: &[&str]) {
    let cases = cases();
    let m = compile(&cases, features);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4096,
        ..ProptestConfig::default()
    });
    runner
        .run(&(0..cases.len(), operand(), operand()), |(i, a, b)| {
            let c = &cases[i];
            let (got, want) = (run(&m, c, i, a, b), model(c, a, b));
            prop_assert!(
                same(&got, &want),
                "{:?}({}, {}) = {:?}, want {:?} with {:?}",
                c,
                a,
                b,
                got,
                want,
                features
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn float_ops_match_ieee_baseline_sse2() {
    check_all(&[]);
}

#[test]
fn float_ops_match_ieee_with_sse41() {
    check_all(&["has_sse41"]);
}
