//! Veneer paths checked by execution, through `atoll test` as a user runs it.
//!
//! - `filetests/filetests/runtests/veneers/`: calls past AArch64's `bl` reach
//!   (`padding_between_functions` > 128 MiB), every call through a veneer
//!   (`force_veneers`), and conditional branches past ±1 MiB inside one function
//!   (`bb_padding_log2_minus_one=21`), on x86_64 natively and on AArch64 under qemu.
//! - The whole `filetests/filetests` suite again with `--set force_veneers=true`:
//!   no test may fail and the text sections must contain veneers.
//!
//! AArch64 runs need `qemu-aarch64` and `aarch64-linux-gnu-gcc`; without them the
//! runner skips those run lines and these tests only check that nothing failed.
//! The runs are serialized: a 128 MiB-padded text section costs about 1.2 GB of
//! memory while it is built, and two at once would crowd a small machine.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Totals of one `atoll test` run, from its closing lines.
#[derive(Debug, Default)]
struct Run {
    ok: bool,
    stdout: String,
    passed: usize,
    failed: usize,
    islands: u64,
    veneers: u64,
}

fn suite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("filetests/filetests")
}

fn atoll_test(args: &[&str], paths: &[PathBuf]) -> Run {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new(env!("CARGO_BIN_EXE_atoll"))
        .arg("test")
        .args(args)
        .args(paths)
        .output()
        .expect("run atoll");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut run = Run {
        ok: out.status.success(),
        ..Run::default()
    };
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("run lines: ") {
            let n = numbers(rest);
            (run.passed, run.failed) = (n[0] as usize, n[1] as usize);
        } else if let Some(rest) = line.strip_prefix("text sections: ") {
            let n = numbers(rest);
            (run.islands, run.veneers) = (n[0], n[1]);
        }
    }
    run.stdout = stdout;
    run
}

/// The integers in `text`, in order.
fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// `(passed, failed, islands, veneers)` of one file, from the verbose per-file line.
fn file_counts(stdout: &str, file: &str) -> Option<[u64; 4]> {
    let line = stdout
        .lines()
        .find(|l| l.contains(&format!("/{file}:")) && l.contains(" run lines passed"))?;
    let n = numbers(line.rsplit_once(".clif:")?.1);
    Some([n[0], n[1], n[2], n[3]])
}

fn aarch64_runs_here() -> bool {
    let works = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    works("qemu-aarch64") && works("aarch64-linux-gnu-gcc")
}

/// `; run:` lines in `runtests/veneers/` (each runs once per target).
fn veneer_run_lines() -> usize {
    let dir = suite().join("runtests/veneers");
    std::fs::read_dir(dir)
        .expect("veneers dir")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .map(|text| text.lines().filter(|l| l.starts_with("; run:")).count())
        .sum()
}

#[test]
fn veneer_runtests_pass_on_both_targets() {
    let dir = suite().join("runtests/veneers");
    // (target, whether it executes here, long_calls needs veneers on it)
    for (target, executes, long_calls_veneers) in [
        (
            "x86_64",
            cfg!(all(target_arch = "x86_64", target_os = "linux")),
            false,
        ),
        ("aarch64", aarch64_runs_here(), true),
    ] {
        let run = atoll_test(&["-v", "--target", target], std::slice::from_ref(&dir));
        assert!(run.ok, "{target}:\n{}", run.stdout);
        assert_eq!(run.failed, 0, "{target}:\n{}", run.stdout);
        if !executes {
            continue;
        }
        assert_eq!(run.passed, veneer_run_lines(), "{target}:\n{}", run.stdout);
        let forced = file_counts(&run.stdout, "forced.clif").expect("forced.clif line");
        assert!(
            forced[3] > 0,
            "{target}: force_veneers made no veneer:\n{}",
            run.stdout
        );
        let long = file_counts(&run.stdout, "long_calls.clif").expect("long_calls.clif line");
        assert_eq!(
            long[3] > 0,
            long_calls_veneers,
            "{target}: long_calls veneers:\n{}",
            run.stdout
        );
    }
}

/// The suite's paths for `--target T`: everything except the precise-output
/// directories of other ISAs (`--target` forces a file that names no target of T
/// onto T, where another ISA's expected listing cannot match).
fn suite_paths_for(target: &str) -> Vec<PathBuf> {
    let root = suite();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("filetests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.ends_with("isa"))
        .collect();
    let isa_dir = match target {
        "x86_64" => "x64",
        other => other,
    };
    let own = root.join("isa").join(isa_dir);
    assert!(
        own.is_dir(),
        "no precise-output directory {}",
        own.display()
    );
    paths.push(own);
    paths.sort();
    paths
}

#[test]
fn whole_suite_passes_with_force_veneers() {
    for (target, executes) in [
        (
            "x86_64",
            cfg!(all(target_arch = "x86_64", target_os = "linux")),
        ),
        ("aarch64", aarch64_runs_here()),
    ] {
        let paths = suite_paths_for(target);
        let plain = atoll_test(&["--target", target], &paths);
        let forced = atoll_test(&["--target", target, "--set", "force_veneers=true"], &paths);
        assert!(forced.ok, "{target} with force_veneers:\n{}", forced.stdout);
        assert_eq!(
            forced.failed, 0,
            "{target} with force_veneers:\n{}",
            forced.stdout
        );
        if !executes {
            continue;
        }
        assert_eq!(
            forced.passed, plain.passed,
            "{target}: same run lines with and without force_veneers"
        );
        assert!(
            forced.passed > veneer_run_lines(),
            "{target}:\n{}",
            forced.stdout
        );
        assert!(
            forced.veneers > plain.veneers,
            "{target}: force_veneers made {} veneers, {} without it",
            forced.veneers,
            plain.veneers
        );
    }
}

#[test]
fn set_overrides_the_files_own_set_lines() {
    // `long_calls.clif` sets 128 MiB of padding; `--set` brings it back to 0, so no
    // call needs a veneer on any target.
    let file = suite().join("runtests/veneers/long_calls.clif");
    let run = atoll_test(
        &[
            "-v",
            "--target",
            "aarch64",
            "--set",
            "padding_between_functions=0",
        ],
        &[file],
    );
    assert!(run.ok, "{}", run.stdout);
    assert_eq!(run.veneers, 0, "{}", run.stdout);
}

#[test]
fn unknown_set_flag_fails_the_tests_with_its_name() {
    let file = suite().join("runtests/veneers/forced.clif");
    let run = atoll_test(
        &["--target", "x86_64", "--set", "force_veneer=true"],
        &[file],
    );
    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stdout.contains("force_veneer"), "{}", run.stdout);
}
