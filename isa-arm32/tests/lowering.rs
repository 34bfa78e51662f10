//! `Arm32Backend` end to end up to machine code: which functions compile under
//! which ISA flags, and the precise "unsupported" errors for what the lowering
//! leaves out (run-time behaviour is checked by the filetests under qemu-arm:
//! `filetests/filetests/isa/arm32/run-pairs.clif` and the CLIF runtest corpus).

use std::str::FromStr;

use atoll_codegen::isa::TargetIsa;
use atoll_codegen::settings::Flags;
use atoll_codegen::text::parse_function;
use atoll_isa_arm32::settings::Flags as IsaFlags;
use atoll_isa_arm32::Arm32Backend;
use target_lexicon::Triple;

fn backend(isa_settings: &[&str]) -> Arm32Backend {
    let mut b = IsaFlags::builder();
    for s in isa_settings {
        b.set(s, Some("true")).unwrap();
    }
    Arm32Backend::new(
        Triple::from_str("armv7-unknown-linux-gnueabihf").unwrap(),
        Flags::default(),
        IsaFlags::new(&b),
    )
}

/// (function, ISA flags, `None` = compiles, `Some(text)` = error containing text)
const TABLE: &[(&str, &[&str], Option<&str>)] = &[
    (
        "function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = sdiv v0, v1\n return v2 }",
        &[],
        Some("`sdiv on i32` cannot be lowered"),
    ),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = sdiv v0, v1\n return v2 }", &["has_idiv"], None),
    (
        "function %f(i64, i64) -> i64 { block0(v0: i64, v1: i64): v2 = udiv v0, v1\n return v2 }",
        &["has_idiv"],
        Some("`udiv on i64` cannot be lowered"),
    ),
    ("function %f(i64, i64) -> i64 { block0(v0: i64, v1: i64): v2 = imul v0, v1\n return v2 }", &[], None),
    ("function %f(i64, i64) -> i64 { block0(v0: i64, v1: i64): v2 = rotr v0, v1\n return v2 }", &[], None),
    (
        "function %f(i64) -> i64 { block0(v0: i64): v1 = clz v0\n v2 = popcnt v1\n return v2 }",
        &[],
        None,
    ),
    ("function %f(f64) -> f64 { block0(v0: f64): v1 = nearest v0\n return v1 }", &[], None),
    ("function %f(f64) -> f64 { block0(v0: f64): v1 = floor v0\n return v1 }", &["has_v8"], None),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = atomic_rmw.i32 umax v0, v1\n return v2 }", &[], None),
    (
        "function %f(i32, i64) -> i64 { block0(v0: i32, v1: i64): v2 = atomic_rmw.i64 add v0, v1\n return v2 }",
        &[],
        Some("`atomic_rmw on i64` cannot be lowered"),
    ),
    (
        "function %f(i128) -> i128 { block0(v0: i128): v1 = iadd v0, v0\n return v1 }",
        &[],
        Some("`iadd on i128` cannot be lowered"),
    ),
];

#[test]
fn compile_table() {
    let mut failures = Vec::new();
    for (i, (src, flags, want)) in TABLE.iter().enumerate() {
        // Rows are written on one line; the parser wants one item per line.
        let src = src
            .replace("{ ", "{\n")
            .replace("): ", "):\n")
            .replace(" }", "\n}");
        let func = parse_function(&src).unwrap_or_else(|e| panic!("row {i}: {e}"));
        let got = backend(flags).compile_function(&func);
        match (want, got) {
            (None, Ok(c)) if !c.code.is_empty() => {}
            (Some(text), Err(e)) if e.to_string().contains(text) => {}
            (want, got) => failures.push(format!(
                "row {i}: wanted {want:?}, got {:?}",
                got.map(|c| c.code.len())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
