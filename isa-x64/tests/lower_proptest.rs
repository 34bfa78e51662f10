//! Property test: every integer opcode at every width, compiled by the x64 backend
//! (with and without LZCNT/BMI1/POPCNT) and executed natively, agrees with a Rust
//! model of CLIF's semantics on random operands. 4096 cases per feature set.

use proptest::prelude::*;

mod native;
use native::{compile_native, NativeModule};

const BIN: &[&str] = &[
    "iadd", "isub", "imul", "band", "bor", "bxor", "band_not", "bor_not", "bxor_not", "ishl",
    "ushr", "sshr", "rotl", "rotr", "umin", "umax", "smin", "smax", "udiv", "urem", "sdiv", "srem",
    "umulhi", "smulhi",
];
const UN: &[&str] = &[
    "ineg", "bnot", "clz", "ctz", "popcnt", "bswap", "bitrev", "iabs", "cls",
];
const CMP: &[&str] = &[
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
];
const BITS: [u32; 4] = [8, 16, 32, 64];

#[derive(Clone, Debug)]
struct Case {
    name: String,
    op: &'static str,
    bits: u32,
    kind: u8, // 0 binary, 1 unary, 2 icmp
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for &bits in &BITS {
        for &op in BIN {
            v.push(Case {
                name: format!("%{op}_{bits}"),
                op,
                bits,
                kind: 0,
            });
        }
        for &op in UN {
            if op == "bswap" && bits == 8 {
                continue;
            }
            v.push(Case {
                name: format!("%{op}_{bits}"),
                op,
                bits,
                kind: 1,
            });
        }
        for &op in CMP {
            v.push(Case {
                name: format!("%icmp_{op}_{bits}"),
                op,
                bits,
                kind: 2,
            });
        }
    }
    v
}

fn source(cases: &[Case]) -> String {
    let mut s = String::new();
    for c in cases {
        let t = format!("i{}", c.bits);
        let body = match c.kind {
            0 => format!("function {}({t}, {t}) -> {t} system_v {{\nblock0(v0: {t}, v1: {t}):\n    v2 = {} v0, v1\n    return v2\n}}\n", c.name, c.op),
            1 => format!("function {}({t}, {t}) -> {t} system_v {{\nblock0(v0: {t}, v1: {t}):\n    v2 = {} v0\n    return v2\n}}\n", c.name, c.op),
            _ => format!("function {}({t}, {t}) -> i8 system_v {{\nblock0(v0: {t}, v1: {t}):\n    v2 = icmp {} v0, v1\n    return v2\n}}\n", c.name, c.op),
        };
        s.push_str(&body);
    }
    s
}

fn mask(x: u64, bits: u32) -> u64 {
    if bits == 64 {
        x
    } else {
        x & ((1 << bits) - 1)
    }
}

fn sx(x: u64, bits: u32) -> i64 {
    let sh = 64 - bits;
    ((x << sh) as i64) >> sh
}

/// CLIF's result, or `None` when the operation traps.
fn model(c: &Case, a: u64, b: u64) -> Option<u64> {
    let n = c.bits;
    let (a, b) = (mask(a, n), mask(b, n));
    let (sa, sb) = (sx(a, n), sx(b, n));
    let sh = (b % u64::from(n)) as u32;
    let rot = |x: u64, k: u32, left: bool| {
        let k = k % n;
        if k == 0 {
            x
        } else if left {
            mask((x << k) | (x >> (n - k)), n)
        } else {
            mask((x >> k) | (x << (n - k)), n)
        }
    };
    let r: u64 = match (c.kind, c.op) {
        (0, "iadd") => a.wrapping_add(b),
        (0, "isub") => a.wrapping_sub(b),
        (0, "imul") => a.wrapping_mul(b),
        (0, "band") => a & b,
        (0, "bor") => a | b,
        (0, "bxor") => a ^ b,
        (0, "band_not") => a & !b,
        (0, "bor_not") => a | !b,
        (0, "bxor_not") => a ^ !b,
        (0, "ishl") => a << sh,
        (0, "ushr") => a >> sh,
        (0, "sshr") => (sa >> sh) as u64,
        (0, "rotl") => rot(a, sh, true),
        (0, "rotr") => rot(a, sh, false),
        (0, "umin") => a.min(b),
        (0, "umax") => a.max(b),
        (0, "smin") => sa.min(sb) as u64,
        (0, "smax") => sa.max(sb) as u64,
        (0, "udiv") => a.checked_div(b)?,
        (0, "urem") => a.checked_rem(b)?,
        (0, "sdiv") => {
            if b == 0 || (sb == -1 && sa == sx(1 << (n - 1), n)) {
                return None;
            }
            (sa / sb) as u64
        }
        (0, "srem") => {
            if b == 0 {
                return None;
            }
            if sb == -1 {
                0
            } else {
                (sa % sb) as u64
            }
        }
        (0, "umulhi") => ((u128::from(a) * u128::from(b)) >> n) as u64,
        (0, "smulhi") => ((i128::from(sa) * i128::from(sb)) >> n) as u64,
        (1, "ineg") => a.wrapping_neg(),
        (1, "bnot") => !a,
        (1, "clz") => u64::from(a.leading_zeros() - (64 - n)),
        (1, "ctz") => u64::from(a.trailing_zeros().min(n)),
        (1, "popcnt") => u64::from(a.count_ones()),
        (1, "bswap") => a.swap_bytes() >> (64 - n),
        (1, "bitrev") => a.reverse_bits() >> (64 - n),
        (1, "iabs") => sa.wrapping_abs() as u64,
        (1, "cls") => {
            let x = if sa < 0 { !a } else { a };
            u64::from(mask(x, n).leading_zeros() - (64 - n)) - 1
        }
        (2, cc) => u64::from(match cc {
            "eq" => a == b,
            "ne" => a != b,
            "slt" => sa < sb,
            "sle" => sa <= sb,
            "sgt" => sa > sb,
            "sge" => sa >= sb,
            "ult" => a < b,
            "ule" => a <= b,
            "ugt" => a > b,
            _ => a >= b,
        }),
        _ => unreachable!("no model for {c:?}"),
    };
    Some(mask(r, if c.kind == 2 { 8 } else { n }))
}

fn compile(cases: &[Case], features: &[&str]) -> NativeModule {
    compile_native(&source(cases), features)
}

fn run(m: &NativeModule, i: usize, a: u64, b: u64) -> u64 {
    let p = m.address(i);
    // SAFETY: function `i` is a compiled System V `(iN, iN) -> iN` function.
    let f: extern "sysv64" fn(u64, u64) -> u64 = unsafe { core::mem::transmute(p) };
    f(a, b)
}

/// Interesting operand values: edges of every width, plus random bits.
fn operand() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(0x80),
        Just(0x7f),
        Just(0x8000),
        Just(0x8000_0000),
        Just(1 << 63),
        0u64..64,
        any::<u64>(),
    ]
}

fn check_all(features: &[&str]) {
    let cases = cases();
    let m = compile(&cases, features);
    let n = cases.len();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4096,
        ..ProptestConfig::default()
    });
    runner
        .run(&(0..n, operand(), operand()), |(i, a, b)| {
            let c = &cases[i];
            if let Some(want) = model(c, a, b) {
                let width = if c.kind == 2 { 8 } else { c.bits };
                let got = mask(run(&m, i, a, b), width);
                prop_assert_eq!(
                    got,
                    want,
                    "{}({:#x}, {:#x}) with {:?}",
                    c.name,
                    a,
                    b,
                    features
                );
            }
            Ok(())
        })
        .unwrap();
    // Also every function once on fixed edge operands.
    for (i, c) in cases.iter().enumerate() {
        for (a, b) in [
            (0x80u64, 0xffu64),
            (1 << 63, u64::MAX),
            (0x7fff, 3),
            (5, 0x41),
        ] {
            if let Some(want) = model(c, a, b) {
                let width = if c.kind == 2 { 8 } else { c.bits };
                assert_eq!(
                    mask(run(&m, i, a, b), width),
                    want,
                    "{}({a:#x}, {b:#x}) with {features:?}",
                    c.name
                );
            }
        }
    }
}

#[test]
fn integer_ops_match_the_model_baseline() {
    check_all(&[]);
}

#[test]
fn integer_ops_match_the_model_with_bit_features() {
    check_all(&["has_lzcnt", "has_bmi1", "has_popcnt"]);
}
