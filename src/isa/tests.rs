use super::*;

#[test]
fn short_names_and_triples() {
    // (name, backend, architecture of the resulting triple)
    let table: &[(&str, IsaKind, &str)] = &[
        ("x86_64", IsaKind::X64, "x86_64"),
        ("x64", IsaKind::X64, "x86_64"),
        ("aarch64", IsaKind::Aarch64, "aarch64"),
        ("arm64", IsaKind::Aarch64, "aarch64"),
        ("arm", IsaKind::Arm32, "armv7"),
        ("arm32", IsaKind::Arm32, "armv7"),
        ("x86_64-unknown-linux-gnu", IsaKind::X64, "x86_64"),
        ("x86_64-pc-windows-msvc", IsaKind::X64, "x86_64"),
        ("aarch64-apple-darwin", IsaKind::Aarch64, "aarch64"),
        ("armv7-unknown-linux-gnueabihf", IsaKind::Arm32, "armv7"),
        ("arm-unknown-linux-gnueabihf", IsaKind::Arm32, "arm"),
    ];
    for &(name, kind, arch) in table {
        if !kind.is_enabled() {
            let err = lookup(name).expect_err(name);
            assert_eq!(
                err,
                LookupError::NotCompiledIn {
                    kind,
                    arch: arch_name(kind)
                },
                "{name}"
            );
            continue;
        }
        let d = lookup(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.kind, kind, "{name}");
        assert_eq!(d.name, kind.name(), "{name}");
        assert_eq!(d.triple.architecture.to_string(), arch, "{name}");
        assert_eq!(d.settings.name, kind.name(), "{name}");
    }
}

#[test]
fn short_name_triples_parse() {
    for &(short, _, triple) in SHORT_NAMES {
        assert!(Triple::from_str(triple).is_ok(), "{short}: {triple}");
    }
}

#[test]
fn refused_targets() {
    // (name, error message)
    let table: &[(&str, &str)] = &[
        ("riscv64", "unsupported target `riscv64`: Atoll has no riscv64 backend (supported: x86_64, aarch64, arm)"),
        ("s390x", "unsupported target `s390x`: Atoll has no s390x backend (supported: x86_64, aarch64, arm)"),
        ("pulley64", "unsupported target `pulley64`: Atoll has no pulley64 backend (supported: x86_64, aarch64, arm)"),
        ("pulley32be", "unsupported target `pulley32be`: Atoll has no pulley32be backend (supported: x86_64, aarch64, arm)"),
        ("thumbv7em-none-eabihf", "unsupported target `thumbv7em-none-eabihf`: Atoll has no Thumb (thumbv7em) backend (supported: x86_64, aarch64, arm)"),
        ("aarch64_be-unknown-linux-gnu", "unsupported target `aarch64_be-unknown-linux-gnu`: Atoll has no aarch64_be backend (supported: x86_64, aarch64, arm)"),
        ("x86-64", "unknown target `x86-64`: expected x86_64, aarch64, arm or a target triple (did you mean `x86_64`?)"),
        ("aarch46", "unknown target `aarch46`: expected x86_64, aarch64, arm or a target triple (did you mean `aarch64`?)"),
        ("banana", "unknown target `banana`: expected x86_64, aarch64, arm or a target triple"),
        ("", "unknown target ``: expected x86_64, aarch64, arm or a target triple"),
    ];
    for &(name, want) in table {
        let err = lookup(name).expect_err(name);
        assert_eq!(err.to_string(), want, "{name}");
    }
    assert!(lookup("riscv64").unwrap_err().is_unsupported());
    assert!(!lookup("banana").unwrap_err().is_unsupported());
}

#[test]
fn not_compiled_in_message() {
    let e = LookupError::NotCompiledIn {
        kind: IsaKind::Aarch64,
        arch: "aarch64",
    };
    assert_eq!(
        e.to_string(),
        "support for aarch64 was not compiled in (enable feature `aarch64`)"
    );
    for kind in IsaKind::ALL {
        let enabled = match kind {
            IsaKind::X64 => cfg!(feature = "x64"),
            IsaKind::Aarch64 => cfg!(feature = "aarch64"),
            IsaKind::Arm32 => cfg!(feature = "arm32"),
        };
        assert_eq!(kind.is_enabled(), enabled, "{kind:?}");
    }
}

#[test]
fn target_lines() {
    // (line, backend, ISA flags expected on)
    let table: &[(&str, IsaKind, &[&str])] = &[
        (
            "x86_64 has_avx skylake",
            IsaKind::X64,
            &["has_avx", "has_avx2", "has_bmi2"],
        ),
        (
            "target x86_64 sse42 has_avx ; comment",
            IsaKind::X64,
            &["has_sse42", "has_avx"],
        ),
        (
            "target aarch64 sign_return_address has_pauth",
            IsaKind::Aarch64,
            &["sign_return_address", "has_pauth"],
        ),
        ("target arm has_idiv", IsaKind::Arm32, &["has_idiv"]),
        (
            "target x86_64-unknown-linux-gnu has_bmi1",
            IsaKind::X64,
            &["has_bmi1"],
        ),
    ];
    for &(line, kind, on) in table {
        if !kind.is_enabled() {
            continue;
        }
        let spec = parse_target_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(spec.isa.kind, kind, "{line}");
        for f in on {
            assert_eq!(spec.isa_flags.raw(f), Some(1), "{line}: {f}");
        }
    }
}

#[test]
#[cfg(feature = "x64")]
fn bad_target_lines() {
    // (line, error message, is it an unsupported target)
    let table: &[(&str, &str, bool)] = &[
        ("target", "`target` line names no target", false),
        ("target riscv64 has_v", "unsupported target `riscv64`: Atoll has no riscv64 backend (supported: x86_64, aarch64, arm)", true),
        ("target x86_64 has_avx3", "unknown x64 setting `has_avx3` (did you mean `has_avx`?)", false),
        ("target x86_64 avx2", "unknown x64 setting `avx2` (did you mean `has_avx2`?)", false),
        ("target x86_64 has_avx=maybe", "bad value `maybe` for setting `has_avx`: expected true or false", false),
    ];
    for &(line, want, unsupported) in table {
        let err = parse_target_line(line).expect_err(line);
        assert_eq!(err.to_string(), want, "{line}");
        assert_eq!(err.is_unsupported(), unsupported, "{line}");
    }
}

#[test]
#[cfg(all(feature = "x64", feature = "aarch64"))]
fn header_lines_snapshot_shared_flags() {
    use crate::codegen::settings::OptLevel;
    let lines = [
        HeaderLine::Set("set opt_level=speed"),
        HeaderLine::Target("target x86_64 has_avx"),
        HeaderLine::Target("target riscv64 has_v"),
        HeaderLine::Set("set opt_level=none unwind_info=false"),
        HeaderLine::Target("aarch64"),
    ];
    let h = resolve_header(lines).unwrap();
    assert_eq!(h.targets.len(), 2);
    assert_eq!(
        (h.targets[0].index, h.targets[0].spec.isa.kind),
        (1, IsaKind::X64)
    );
    assert_eq!(h.targets[0].shared.opt_level(), OptLevel::Speed);
    assert!(h.targets[0].shared.unwind_info());
    assert_eq!(h.targets[0].spec.isa_flags.raw("has_avx"), Some(1));
    assert_eq!(
        (h.targets[1].index, h.targets[1].spec.isa.kind),
        (4, IsaKind::Aarch64)
    );
    assert_eq!(h.targets[1].shared.opt_level(), OptLevel::None);
    assert!(!h.targets[1].shared.unwind_info());
    assert_eq!(h.skipped.len(), 1);
    assert_eq!(h.skipped[0].0, 2);
    assert!(h.skipped[0].1.is_unsupported());
    assert!(!h.shared.unwind_info());
}

#[test]
fn header_errors_name_the_line() {
    let lines = [
        HeaderLine::Set("set opt_level=speed"),
        HeaderLine::Set("set enable_verifer"),
    ];
    let err = resolve_header(lines).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(
        err.to_string(),
        "unknown shared setting `enable_verifer` (did you mean `enable_verifier`?)"
    );
    let err = resolve_header([HeaderLine::Target("target x86-64")]).unwrap_err();
    assert_eq!(err.index, 0);
    assert!(!err.error.is_unsupported());
}
