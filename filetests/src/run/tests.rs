//! The run pipeline end to end on the fake x86_64 backend of [`super::fake_x64`].

use atoll_codegen::text::parse_test;

use super::exec::NativeExecutor;
use super::fake_x64::FakeX64;
use super::*;

const FILE: &str = "test run
target x86_64

; run: %add(40, 2) == 42
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}
; run: %add(1, 2) == 3
; run: %add(-1, 1) == 0
; run: %add(0x7fffffff, 1) == -2147483648
; run: %add(2, 2) != 4
; run: %add(2, 2) == 5
; run: %add(1) == 1
; run: %nope(1) == 1
; run: %add(1, 2) < 3

function %crash(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    return v0
}
; run: %crash(1, 2) == 1
; run: %add(3, 4) == 7
";

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn run_lines_on_a_fake_backend() {
    let file = parse_test(FILE).unwrap();
    let run = run_file(&FakeX64::new(), &file, FILE, &NativeExecutor::default()).unwrap();
    // %add, %crash and one trampoline for each; the fake builder does no islands.
    assert_eq!(
        run.stats.as_deref(),
        Some("text: 82 bytes, 4 functions, 0 islands, 0 veneers, 0 relocations")
    );
    let results = run.results;
    let got: Vec<(u32, Result<&str, &str>)> = results
        .iter()
        .map(|r| {
            (
                r.line,
                r.outcome
                    .as_ref()
                    .map(|s| s.as_str())
                    .map_err(|s| s.as_str()),
            )
        })
        .collect();
    fn expect_ok(line: u32, shown: &str) -> (u32, Result<&str, &str>) {
        (line, Ok(shown))
    }
    assert_eq!(got[0], expect_ok(4, "42 (0x2a)"));
    assert_eq!(got[1], expect_ok(10, "3"));
    assert_eq!(got[2], expect_ok(11, "0"));
    assert_eq!(got[3], expect_ok(12, "-2147483648 (0x80000000)"));
    assert_eq!(got[4].0, 13);
    assert_eq!(got[4].1.unwrap_err(), "expected != 4, got 4");
    assert_eq!(got[5].1.unwrap_err(), "expected == 5, got 4");
    assert!(
        got[6].1.unwrap_err().contains("takes 2 argument(s)"),
        "{:?}",
        got[6]
    );
    assert_eq!(
        got[7].1.unwrap_err(),
        "16:3: no function %nope in this file"
    );
    assert!(
        got[8]
            .1
            .unwrap_err()
            .starts_with("17:19: unknown comparison `<`"),
        "{:?}",
        got[8]
    );
    assert!(got[9].1.unwrap_err().contains("SIGILL"), "{:?}", got[9]);
    assert_eq!(got[10], expect_ok(24, "7"));
    assert_eq!(results.len(), 11);
}

#[test]
fn a_function_that_does_not_compile_fails_only_its_lines() {
    let src = "test run
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    return v0
}
; run: %add(1, 2) == 3
function %other(i64) -> i64 {
block0(v0: i64):
    return v0
}
; run: %other(1) == 1
";
    let file = parse_test(src).unwrap();
    let results = run_file(&FakeX64::new(), &file, src, &NativeExecutor::default())
        .unwrap()
        .results;
    assert_eq!(results.len(), 2);
    // %add compiles and runs; only %other's line fails, naming the reason.
    assert_eq!(results[0].outcome, Ok("3".to_string()), "{:?}", results[0]);
    let msg = results[1].outcome.as_ref().unwrap_err();
    assert!(
        msg.contains(
            "function %other does not compile: unsupported: fake isa cannot compile %other"
        ),
        "{msg}"
    );
}

#[test]
fn callers_of_a_function_that_does_not_compile_fail_too() {
    // The fake backend compiles %add (to fixed bytes) but not %other; %add refers
    // to %other, so it cannot be placed in the module either.
    let src = "test run
function %other(i64) -> i64 {
block0(v0: i64):
    return v0
}
function %add(i32, i32) -> i32 {
    fn0 = %other(i64) -> i64
block0(v0: i32, v1: i32):
    return v0
}
; run: %add(1, 2) == 3
";
    let file = parse_test(src).unwrap();
    let results = run_file(&FakeX64::new(), &file, src, &NativeExecutor::default())
        .unwrap()
        .results;
    assert_eq!(results.len(), 1);
    let msg = results[0].outcome.as_ref().unwrap_err();
    assert!(
        msg.contains(
            "function %add calls %other, which cannot run: function %other does not compile"
        ),
        "{msg}"
    );
}

#[test]
fn calls_between_file_functions_become_colocated() {
    let src = "test run
function %g(i64) -> i64 {
block0(v0: i64):
    return v0
}
function %f(i64) -> i64 {
    fn0 = %g(i64) -> i64
    fn1 = %elsewhere(i64) -> i64
    fn2 = %CeilF32(f32) -> f32
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = call fn1(v1)
    v3 = f32const 0x1.8
    v4 = call fn2(v3)
    return v2
}
";
    let file = parse_test(src).unwrap();
    let funcs = module_functions(&file);
    let colocated: Vec<(String, bool)> = funcs[1]
        .ext_funcs
        .values()
        .map(|e| (e.name.to_string(), e.colocated))
        .collect();
    let want =
        [("%g", true), ("%elsewhere", false), ("%CeilF32", true)].map(|(n, c)| (n.to_string(), c));
    assert_eq!(colocated, want);
    assert_eq!(funcs.len(), 3);
    assert_eq!(funcs[2].name.to_string(), "%CeilF32");
}

#[test]
fn run_lines_are_found_everywhere_with_columns() {
    let src = "test run
; run: %f() == 1
function %f() -> i8 {
block0:
    v0 = iconst.i8 1
    return v0
}
;   run
; run: %f(
";
    let file = parse_test(src).unwrap();
    let found = collect_run_lines(&file, src);
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].line, found[0].owner), (2, None));
    let bare = found[1].parsed.as_ref().unwrap();
    assert_eq!((bare.line, bare.column, found[1].owner), (8, 5, Some(0)));
    let e = found[2].parsed.as_ref().unwrap_err();
    assert_eq!((e.line, e.column), (9, 11));
}

#[test]
fn relocations_left_name_the_missing_callees() {
    use atoll_codegen::buffer::{Reloc, TextSection, TextSectionStats};
    use atoll_codegen::isa::FunctionReloc;
    let reloc = |name: &str| FunctionReloc {
        offset: 1,
        kind: Reloc::X86CallPCRel4,
        target: ExternalName::TestCase(name.into()),
        addend: -4,
        colocated: false,
    };
    let text = ModuleText {
        section: TextSection {
            code: vec![0; 8],
            function_offsets: vec![0],
            islands: Vec::new(),
            stats: TextSectionStats::default(),
        },
        relocs: vec![reloc("puts"), reloc("abort"), reloc("puts")],
        traps: Vec::new(),
    };
    let module = CompiledModule {
        funcs: Vec::new(),
        compiled: Vec::new(),
        text,
    };
    let msg = refuse_relocations(module).err().unwrap();
    assert!(
        msg.starts_with("the module calls %abort, %puts, not defined in this file"),
        "{msg}"
    );
}

/// The `run` subtest through the runner: counts per file, one message per failed line.
#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn run_subtest_counts_lines() {
    use crate::env::{HookError, TargetDesc, TestEnvironment};
    use crate::runner::{run_source_counted, RunOptions};
    use crate::subtest::Outcome;
    use atoll_codegen::text::IsaLine;

    struct FakeEnv;
    impl TestEnvironment for FakeEnv {
        fn check_isa_lines(&self, _: &[IsaLine]) -> Result<Vec<TargetDesc>, String> {
            Ok(vec![TargetDesc {
                name: "x86_64".into(),
                directives: Vec::new(),
                unavailable: None,
                forced: false,
            }])
        }
        fn isa(&self, _: &TargetDesc) -> Result<Box<dyn TargetIsa>, HookError> {
            Ok(Box::new(FakeX64::new()))
        }
    }
    let src = FILE.replace("; run: %add(1, 2) < 3\n", "");
    let (results, _, counts) = run_source_counted(
        std::path::Path::new("t.clif"),
        &src,
        &FakeEnv,
        &RunOptions::default(),
    );
    assert_eq!((counts.passed, counts.failed), (5, 5));
    let [(name, Outcome::Failed(msg))] = &results[..] else {
        panic!("{results:?}")
    };
    assert_eq!(name, "run");
    assert!(
        msg.starts_with("x86_64: 5 of 10 run lines failed (first: line 13: expected != 4, got 4)\n  line 13: %add(2, 2) != 4: expected != 4, got 4\n"),
        "{msg}"
    );
    assert!(
        msg.contains("  line 22: %crash(1, 2) == 1: trapped (SIGILL"),
        "{msg}"
    );
}
