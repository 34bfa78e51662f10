//! `atoll test` and `atoll cat` as a user runs them: the whole filetest suite passes,
//! and a malformed file is one error line with exit status 1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn atoll(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("ATOLL_BLESS")
        .output()
        .expect("run atoll")
}

fn scratch_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atoll-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Parses the summary line `N passed, N failed[, N skipped]`.
fn summary(line: &str) -> Option<(usize, usize)> {
    let (passed, rest) = line.split_once(" passed, ")?;
    let failed = rest.split(" failed").next()?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

#[test]
fn filetests_pass() {
    let out = atoll(&["test", "filetests/filetests"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let (passed, failed) = summary(last).unwrap_or_else(|| panic!("no summary line in:\n{stdout}"));
    assert_eq!(failed, 0, "failures:\n{stdout}");
    assert!(passed >= 25, "only {passed} tests passed:\n{stdout}");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn failing_test_exits_1_with_summary_last() {
    let path = scratch_file(
        "fails.clif",
        "test verifier\n\nfunction %f() {\nblock0:\n    return\n}\n; error: not reported\n",
    );
    let out = atoll(&["test", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some("0 passed, 1 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected an error at the function containing `not reported`"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn malformed_file_is_one_error_line() {
    let path = scratch_file(
        "malformed.clif",
        "function %f() {\nblock0:\n    v0 = iconst.i32\n}\n",
    );
    for cmd in ["cat", "test"] {
        let out = atoll(&[cmd, path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "atoll {cmd}");
        if cmd == "cat" {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<_> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "atoll cat stderr: {stderr}");
            let prefix = format!("error: {}:", path.display());
            assert!(lines[0].starts_with(&prefix), "{}", lines[0]);
            let pos = &lines[0][prefix.len()..];
            let mut parts = pos.splitn(3, ':');
            let (l, c) = (parts.next().unwrap(), parts.next().unwrap());
            assert!(
                l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok(),
                "no L:C in {}",
                lines[0]
            );
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn cat_prints_canonical_clif() {
    let path = scratch_file(
        "cat.clif",
        "function %g(i32)->i32{\nblock0(v0:i32):\n  return v0\n}\n",
    );
    let out = atoll(&["cat", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("function %g(i32) -> i32"), "{stdout}");
    assert!(
        stdout.contains("block0(v0: i32):\n    return v0\n}"),
        "{stdout}"
    );
}

#[test]
fn missing_path_is_an_error() {
    let out = atoll(&["test", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: no/such/dir: "), "{stderr}");
    assert!(!Path::new("no/such/dir").exists());
}

#[test]
fn forced_target_skips_the_files_other_targets() {
    let path = scratch_file(
        "forced.clif",
        "test compile\ntarget aarch64\ntarget x86_64\n\nfunction %f() {\nblock0:\n    return\n}\n",
    );
    let out = atoll(&["test", "--target", "x86_64", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The forced ISA compiles the file (once its backend exists); the x86_64 line is
    // excluded either way.
    let last = stdout.lines().last();
    assert!(
        last == Some("1 passed, 0 failed") || last == Some("0 passed, 0 failed, 1 skipped"),
        "{stdout}"
    );
    assert!(out.status.success());
}

#[test]
fn unknown_setting_names_the_nearest_one() {
    let path = scratch_file(
        "typo.clif",
        "test cat\nset opt_levl=speed\n\nfunction %f() {\nblock0:\n    return\n}\n",
    );
    let out = atoll(&["test", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2:5: unknown shared setting `opt_levl` (did you mean `opt_level`?)"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
}
