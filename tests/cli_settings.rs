//! The `atoll settings` subcommand as a user sees it: its listing, its one-line
//! errors with suggestions, and its exit codes (0 ok, 1 user error, 2 usage error).

use std::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn atoll(args: &[&str]) -> Outcome {
    let out = Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run atoll");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The value column of `name` in a listing.
fn value_of<'a>(listing: &'a str, name: &str) -> Option<&'a str> {
    listing.lines().find_map(|l| {
        let (n, rest) = l.trim_start().split_once(" = ")?;
        (n.trim_end() == name).then(|| rest.split("  ").next().unwrap_or("").trim())
    })
}

#[test]
fn listing_shows_values_and_docs() {
    // (arguments, setting, value shown)
    let table: &[(&[&str], &str, &str)] = &[
        (&["settings"], "opt_level", "none"),
        (&["settings"], "enable_verifier", "true"),
        (
            &["settings", "--set", "opt_level=speed"],
            "opt_level",
            "speed *",
        ),
        (
            &["settings", "--set", "padding_between_functions=0x100"],
            "padding_between_functions",
            "256 *",
        ),
        (&["settings", "--target", "x86_64"], "has_avx", "false"),
        (
            &["settings", "--target", "x86_64 skylake"],
            "has_avx2",
            "true *",
        ),
        (
            &["settings", "--target", "x86_64", "--set", "has_bmi1"],
            "has_bmi1",
            "true *",
        ),
        (
            &["settings", "--target", "x86_64", "--set", "haswell"],
            "has_lzcnt",
            "true *",
        ),
        (
            &[
                "settings",
                "-t",
                "aarch64-unknown-linux-gnu",
                "--set",
                "has_lse",
            ],
            "has_lse",
            "true *",
        ),
        (&["settings", "--target", "arm"], "has_vfp3", "true"),
        (
            &[
                "settings",
                "--target",
                "arm32",
                "--set",
                "force_veneers unwind_info=false",
            ],
            "unwind_info",
            "false *",
        ),
    ];
    for &(args, name, want) in table {
        let o = atoll(args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert_eq!(
            value_of(&o.stdout, name),
            Some(want),
            "{args:?}:\n{}",
            o.stdout
        );
    }
    let o = atoll(&["settings", "--target", "x86_64"]);
    assert!(o.stdout.contains("shared settings:"));
    assert!(o
        .stdout
        .contains("x64 settings (target x86_64-unknown-linux-gnu):"));
    assert!(o.stdout.contains("Optimization level"), "docs are listed");
    assert!(
        o.stdout.contains("[none|speed|speed_and_size]"),
        "accepted values are listed"
    );
    assert!(
        o.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("skylake ")),
        "presets are listed"
    );
}

#[test]
fn user_errors_are_one_line_with_exit_1() {
    // (arguments, the whole of stderr)
    let table: &[(&[&str], &str)] = &[
        (&["settings", "--set", "opt_levl=speed"], "error: unknown shared setting `opt_levl` (did you mean `opt_level`?)"),
        (&["settings", "--target", "x86_64", "--set", "has_avx3"], "error: unknown shared or x64 setting `has_avx3` (did you mean `has_avx`?)"),
        (&["settings", "--target", "x86_64 avx2"], "error: unknown x64 setting `avx2` (did you mean `has_avx2`?)"),
        (&["settings", "--set", "has_avx"], "error: `has_avx` is an x64 flag: give a target first (--target x64)"),
        (&["settings", "--set", "opt_level=fastest"], "error: bad value `fastest` for setting `opt_level`: expected one of: none, speed, speed_and_size"),
        (&["settings", "--set", "opt_level"], "error: setting `opt_level` needs a value (`opt_level=...`): expected one of: none, speed, speed_and_size"),
        (&["settings", "--target", "riscv64"], "error: unsupported target `riscv64`: Atoll has no riscv64 backend (supported: x86_64, aarch64, arm)"),
        (&["settings", "--target", "s390x-unknown-linux-gnu"], "error: unsupported target `s390x-unknown-linux-gnu`: Atoll has no s390x backend (supported: x86_64, aarch64, arm)"),
        (&["settings", "--target", "x86-64"], "error: unknown target `x86-64`: expected x86_64, aarch64, arm or a target triple (did you mean `x86_64`?)"),
        (&["settings", "--target", ""], "error: `target` line names no target"),
    ];
    for &(args, want) in table {
        let o = atoll(args);
        assert_eq!(o.code, 1, "{args:?}");
        assert_eq!(o.stderr, format!("{want}\n"), "{args:?}");
        assert!(
            o.stdout.is_empty(),
            "{args:?}: nothing on stdout after an error"
        );
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["settings", "--bogus"][..],
        &["no-such-command"],
        &["settings", "--set"],
    ] {
        let o = atoll(args);
        assert_eq!(o.code, 2, "{args:?}");
        assert!(o.stderr.starts_with("error:"), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{args:?}");
    }
    let bare = atoll(&[]);
    assert_eq!(bare.code, 2, "no subcommand is a usage error");
    assert!(
        bare.stderr.contains("Usage: atoll <COMMAND>"),
        "{}",
        bare.stderr
    );
    for args in [&["--help"][..], &["settings", "--help"], &["--version"]] {
        let o = atoll(args);
        assert_eq!(o.code, 0, "{args:?}");
        assert!(!o.stdout.is_empty(), "{args:?}");
    }
    assert!(atoll(&["settings", "--help"]).stdout.contains("--target"));
}
