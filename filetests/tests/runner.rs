//! The runner end to end on in-memory files, with a fake environment: outcomes per
//! subtest, diffs, blessing, skips and the summary line.

use std::path::Path;

use atoll_codegen::text::{IsaLine, IsaLineKind};
use atoll_filetests::{run_source, Outcome, RunOptions, TargetDesc, TestEnvironment};

/// Targets named on `target` lines; a `set bogus` line is an unknown flag.
struct FakeEnv;

impl TestEnvironment for FakeEnv {
    fn check_isa_lines(&self, lines: &[IsaLine]) -> Result<Vec<TargetDesc>, String> {
        let mut out = Vec::new();
        for l in lines {
            let body = l
                .text
                .trim_start_matches("target")
                .trim_start_matches("set")
                .trim();
            match l.kind {
                IsaLineKind::Set if body.contains("bogus") => {
                    return Err(format!("{}:{}: unknown flag `bogus`", l.line, l.column))
                }
                IsaLineKind::Set => {}
                IsaLineKind::Target => out.push(TargetDesc {
                    name: body.to_string(),
                    directives: Vec::new(),
                    unavailable: (body == "riscv64").then(|| "no riscv64 backend".to_string()),
                    forced: false,
                }),
            }
        }
        Ok(out)
    }
}

fn run(source: &str, bless: bool) -> (Vec<(String, Outcome)>, Option<String>) {
    let options = RunOptions {
        bless,
        verbose: false,
    };
    run_source(Path::new("t.clif"), source, &FakeEnv, &options)
}

fn outcome(source: &str) -> Outcome {
    let (results, _) = run(source, false);
    assert_eq!(results.len(), 1, "{results:?}");
    results.into_iter().next().unwrap().1
}

fn failed_with(o: &Outcome, fragment: &str) -> bool {
    matches!(o, Outcome::Failed(m) if m.contains(fragment))
}

const RET: &str = "function %f() {\nblock0:\n    return\n}\n";

#[test]
fn cat_passes_with_the_printed_function_as_expectation() {
    let src = format!("test cat\n\n{RET}; function %f() fast {{\n; block0:\n;     return\n; }}\n");
    assert_eq!(outcome(&src), Outcome::Passed);
}

#[test]
fn cat_mismatch_shows_a_unified_diff() {
    let src =
        format!("test cat\n\n{RET}; function %f() fast {{\n; block0:\n;     trap user1\n; }}\n");
    let o = outcome(&src);
    assert!(failed_with(&o, "-    trap user1\n+    return"), "{o:?}");
    assert!(failed_with(&o, "t.clif:3: function %f:"), "{o:?}");
}

#[test]
fn bless_rewrites_only_the_block_and_then_passes() {
    let src = format!("test cat\n\n; keep me\n{RET}; stale\n\n; keep me too\n");
    let (results, new) = run(&src, true);
    assert_eq!(results, [("cat".to_string(), Outcome::Passed)]);
    let new = new.expect("file rewritten");
    assert_eq!(new, format!("test cat\n\n; keep me\n{RET}; function %f() fast {{\n; block0:\n;     return\n; }}\n\n; keep me too\n"));
    // Blessed output passes unchanged and is not rewritten again.
    assert_eq!(run(&new, false).0, [("cat".to_string(), Outcome::Passed)]);
    assert_eq!(run(&new, true).1, None);
}

#[test]
fn verifier_located_and_trailing_expectations() {
    let ok = "test verifier\nfunction %f(i32, i64) {\nblock0(v0: i32, v1: i64):\n    v2 = iadd v0, v1 ; error: arg 1 has type i64\n    return\n}\n";
    assert_eq!(outcome(ok), Outcome::Passed);
    let trailing = "test verifier\nfunction %f(i32, i64) {\nblock0(v0: i32, v1: i64):\n    v2 = iadd v0, v1\n    return\n}\n; error: inst0 (v2 = iadd v0, v1): arg 1\n";
    assert_eq!(outcome(trailing), Outcome::Passed);
    // The right message on the wrong line is both unexpected and missing.
    let wrong_line = "test verifier\nfunction %f(i32, i64) {\nblock0(v0: i32, v1: i64):\n    v2 = iadd v0, v1\n    return ; error: arg 1 has type i64\n}\n";
    let o = outcome(wrong_line);
    assert!(
        failed_with(
            &o,
            "unexpected error: inst0 (v2 = iadd v0, v1): arg 1 has type i64, expected i32"
        ),
        "{o:?}"
    );
    assert!(
        failed_with(
            &o,
            "line 5: expected an error at inst1 containing `arg 1 has type i64`"
        ),
        "{o:?}"
    );
}

#[test]
fn verifier_expectation_after_a_blank_line_is_not_ignored() {
    let src = format!("test verifier\n{RET}\n; error: never reported\n");
    let o = outcome(&src);
    assert!(
        failed_with(
            &o,
            "line 7: expected an error at the function containing `never reported`"
        ),
        "{o:?}"
    );
}

#[test]
fn verifier_clean_function_with_no_expectations_passes() {
    assert_eq!(outcome(&format!("test verifier\n{RET}")), Outcome::Passed);
}

#[test]
fn parse_error_subtest() {
    let src = "test parse-error\nfunction %f() {\nblock0:\n    v0 = iconst.i32\n}\n";
    let (results, _) = run(src, false);
    let Outcome::Failed(m) = &results[0].1 else {
        panic!("{results:?}")
    };
    assert!(
        m.contains("no `; expect-error: L:C: message` comment"),
        "{m}"
    );
    // Take the parser's own message for this file as the expectation: the subtest
    // must then pass, and fail for any other position.
    let Err(err) = atoll_codegen::text::parse_test(src) else {
        panic!("expected a parse error")
    };
    let err = err.to_string();
    assert_eq!(
        outcome(&format!("{src}; expect-error: {err}\n")),
        Outcome::Passed
    );
    let o = outcome(&format!("{src}; expect-error: 1:1: {err}\n"));
    assert!(failed_with(&o, "expected error: 1:1:"), "{o:?}");
    let o = outcome(&format!("test parse-error\n{RET}; expect-error: 1:1: x\n"));
    assert!(failed_with(&o, "the file parsed"), "{o:?}");
}

#[test]
fn a_file_that_does_not_parse_fails_its_tests_with_the_position() {
    let o = outcome("test cat\nfunction %f() {\nblock0:\n    v0 = iconst.i32\n}\n");
    assert!(
        matches!(&o, Outcome::Failed(m) if m.starts_with("t.clif:5:1: expected integer immediate")),
        "{o:?}"
    );
}

#[test]
fn backends_skip_with_a_reason() {
    let cases: &[(&str, &str)] = &[
        ("test compile\ntarget x86_64\n", "no backend for x86_64 yet"),
        (
            "test run\ntarget aarch64\ntarget riscv64\n",
            "no backend for aarch64 yet",
        ),
        ("test run\ntarget riscv64\n", "no riscv64 backend"),
        ("test compile precise-output\n", "no `target` line in file"),
        (
            "test interpret\n",
            "Atoll has no IR interpreter (`test run` executes `; run:` lines)",
        ),
    ];
    for (header, reason) in cases {
        let o = outcome(&format!("{header}\n{RET}"));
        assert_eq!(o, Outcome::Skipped(reason.to_string()), "{header}");
    }
}

#[test]
fn backends_get_only_verified_functions() {
    let src = "test compile\ntarget x86_64\nfunction %f(i32, i64) {\nblock0(v0: i32, v1: i64):\n    v2 = iadd v0, v1\n    return\n}\n";
    let o = outcome(src);
    assert!(
        failed_with(&o, "t.clif:3: function %f does not verify:\ninst0 (v2 = iadd v0, v1): arg 1 has type i64, expected i32\n"),
        "{o:?}"
    );
}

#[test]
fn precise_output_wants_one_target() {
    let o = outcome(&format!(
        "test compile precise-output\ntarget x86_64\ntarget aarch64\n{RET}"
    ));
    assert!(
        failed_with(
            &o,
            "precise-output needs exactly one target, the file has 2 (x86_64, aarch64)"
        ),
        "{o:?}"
    );
}

#[test]
fn header_problems_fail() {
    let cases: &[(&str, &str)] = &[
        ("test cat\nset bogus\n", "2:5: unknown flag `bogus`"),
        (
            "test frobnicate\n",
            "line 1: unknown test `frobnicate` (known: cat, verifier, parse-error, compile, run, interpret)",
        ),
        ("; no test line\n", "no `test` line in file"),
    ];
    for (header, msg) in cases {
        let o = outcome(&format!("{header}\n{RET}"));
        assert!(failed_with(&o, msg), "{header}: {o:?}");
    }
}

#[test]
fn several_tests_in_one_file_each_count() {
    let src = format!("test cat\ntest verifier\ntest compile\ntarget x86_64\n\n{RET}; function %f() fast {{\n; block0:\n;     return\n; }}\n");
    let (results, _) = run(&src, false);
    let names: Vec<_> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["cat", "verifier", "compile"]);
    assert!(matches!(results[2].1, Outcome::Skipped(_)));
}
