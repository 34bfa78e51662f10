use super::*;

#[test]
fn defaults_and_typed_accessors() {
    let f = Flags::default();
    assert!(f.enable_verifier());
    assert!(f.unwind_info());
    assert!(!f.force_veneers());
    assert_eq!(f.padding_between_functions(), 0u64);
    assert_eq!(f.probestack_size_log2(), 12u8);
    assert_eq!(f.opt_level(), OptLevel::None);
    assert_eq!(f.regalloc_algorithm(), RegallocAlgorithm::Backtracking);
    assert_eq!(f.libcall_call_conv(), LibcallCallConv::IsaDefault);
}

#[test]
fn set_lines_accepted() {
    // (line, setting, expected value as displayed)
    let table: &[(&str, &str, &str)] = &[
        ("set opt_level=speed", "opt_level", "speed"),
        (
            "set opt_level=speed_and_size",
            "opt_level",
            "speed_and_size",
        ),
        (
            "set enable_multi_ret_implicit_sret",
            "enable_multi_ret_implicit_sret",
            "true",
        ),
        ("set unwind_info=false", "unwind_info", "false"),
        (
            "set preserve_frame_pointers ; comment",
            "preserve_frame_pointers",
            "true",
        ),
        (
            "set padding_between_functions=0x10000",
            "padding_between_functions",
            "65536",
        ),
        (
            "set padding_between_functions=18446744073709551615",
            "padding_between_functions",
            "18446744073709551615",
        ),
        (
            "set bb_padding_log2_minus_one=21",
            "bb_padding_log2_minus_one",
            "21",
        ),
        (
            "set probestack_strategy=inline",
            "probestack_strategy",
            "inline",
        ),
        (
            "set regalloc_algorithm=single_pass",
            "regalloc_algorithm",
            "single_pass",
        ),
        ("force_veneers=on", "force_veneers", "true"),
        (
            "set tls_model=elf_gd stack_switch_model=basic",
            "stack_switch_model",
            "basic",
        ),
    ];
    for &(line, name, want) in table {
        let mut b = Flags::builder();
        b.apply_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let i = SHARED_TEMPLATE.setting_index(name).unwrap();
        assert_eq!(
            SHARED_TEMPLATE.settings[i].display_value(b.raw(name).unwrap()),
            want,
            "{line}"
        );
    }
}

#[test]
fn typed_accessor_after_set() {
    let mut b = Flags::builder();
    b.apply_line("set opt_level=speed padding_between_functions=4096 enable_verifier=false")
        .unwrap();
    let f = Flags::new(&b);
    assert_eq!(f.opt_level(), OptLevel::Speed);
    assert_eq!(f.padding_between_functions(), 4096);
    assert!(!f.enable_verifier());
}

#[test]
fn errors_are_precise() {
    // (line, expected error message)
    let table: &[(&str, &str)] = &[
        ("set opt_levl=speed", "unknown shared setting `opt_levl` (did you mean `opt_level`?)"),
        ("set enable_verifer", "unknown shared setting `enable_verifer` (did you mean `enable_verifier`?)"),
        ("set zzzz", "unknown shared setting `zzzz`"),
        ("set opt_level=fast", "bad value `fast` for setting `opt_level`: expected one of: none, speed, speed_and_size"),
        ("set opt_level", "setting `opt_level` needs a value (`opt_level=...`): expected one of: none, speed, speed_and_size"),
        ("set unwind_info=maybe", "bad value `maybe` for setting `unwind_info`: expected true or false"),
        ("set bb_padding_log2_minus_one=33", "bad value `33` for setting `bb_padding_log2_minus_one`: expected an integer in 0..=32"),
        ("set padding_between_functions=-1", "bad value `-1` for setting `padding_between_functions`: expected an integer in 0..=18446744073709551615"),
        ("set =3", "bad setting syntax `=3`: expected `name` or `name=value`"),
        ("set unwind_info=", "bad setting syntax `unwind_info=`: expected `name` or `name=value`"),
    ];
    for &(line, want) in table {
        let mut b = Flags::builder();
        let before = b.clone();
        let err = b.apply_line(line).expect_err(line);
        assert_eq!(err.to_string(), want, "{line}");
        assert_eq!(
            Flags::new(&b),
            Flags::new(&before),
            "{line}: failed set changed something"
        );
    }
}

#[test]
fn edit_distance_table() {
    let table: &[(&str, &str, usize)] = &[
        ("", "", 0),
        ("abc", "abc", 0),
        ("abc", "abd", 1),
        ("abc", "", 3),
        ("kitten", "sitting", 3),
        ("ab", "ba", 2),
    ];
    for &(a, b, d) in table {
        assert_eq!(error::edit_distance(a, b), d, "{a} {b}");
        assert_eq!(error::edit_distance(b, a), d, "{b} {a}");
    }
}

#[test]
fn shared_table_is_well_formed() {
    assert_eq!(SHARED_TEMPLATE.problems(), Vec::<String>::new());
}

/// Every flag that Cranelift filetests in the corpus set must be known.
#[test]
fn cranelift_flag_names_known() {
    for name in [
        "opt_level",
        "enable_verifier",
        "preserve_frame_pointers",
        "unwind_info",
        "regalloc_algorithm",
        "padding_between_functions",
        "force_veneers",
        "bb_padding_log2_minus_one",
        "enable_multi_ret_implicit_sret",
        "enable_llvm_abi_extensions",
        "enable_probestack",
        "probestack_strategy",
        "probestack_size_log2",
        "enable_nan_canonicalization",
        "enable_pinned_reg",
        "enable_alias_analysis",
        "enable_jump_tables",
        "machine_code_cfg_info",
        "is_pic",
        "libcall_call_conv",
        "enable_heap_access_spectre_mitigation",
        "enable_table_access_spectre_mitigation",
        "stack_switch_model",
        "tls_model",
        "log2_min_function_alignment",
    ] {
        assert!(SHARED_TEMPLATE.knows(name), "{name}");
    }
}

#[allow(dead_code)]
mod demo {
    crate::define_settings! {
        group "demo";
        bools {
            /// a
            has_a = false;
            /// b
            has_b = false;
            /// c
            has_c = true;
        }
        nums {}
        enums {}
        presets {
            /// a and b
            "ab" = ["has_a", "has_b"];
            /// nested
            "all" = ["ab", "has_c"];
            /// broken on purpose
            "broken" = ["nope"];
            /// a cycle, on purpose
            "loop" = ["loop"];
        }
    }
}

#[test]
fn presets_expand_and_nest() {
    let mut b = demo::Flags::builder();
    b.apply_line("has_c=false all").unwrap();
    let f = demo::Flags::new(&b);
    assert!(f.has_a() && f.has_b() && f.has_c());
    assert_eq!(
        b.set("ab", Some("true")).unwrap_err().to_string(),
        "preset `ab` takes no value (got `true`); write just `ab`"
    );
    assert_eq!(
        demo::TEMPLATE.problems(),
        vec![
            "preset `broken` names `nope`, which is not a bool setting or preset".to_string(),
            "preset `loop` is part of a cycle of presets".to_string(),
        ]
    );
    assert_eq!(
        b.set("broken", None).unwrap_err(),
        SettingsError::BadPreset {
            preset: "broken",
            member: "nope"
        }
    );
    assert_eq!(
        b.set("loop", None).unwrap_err(),
        SettingsError::PresetCycle { preset: "loop" }
    );
    // `has_` is the most common thing to forget.
    assert_eq!(
        b.set("a", None).unwrap_err().to_string(),
        "unknown demo setting `a` (did you mean `has_a`?)"
    );
}

#[test]
fn apply_to_first_routes_and_suggests() {
    let mut shared = Flags::builder();
    let mut isa = demo::Flags::builder();
    apply_to_first(
        &mut [&mut shared, &mut isa],
        parse_directive("has_a").unwrap(),
    )
    .unwrap();
    apply_to_first(
        &mut [&mut shared, &mut isa],
        parse_directive("opt_level=speed").unwrap(),
    )
    .unwrap();
    assert!(demo::Flags::new(&isa).has_a());
    assert_eq!(Flags::new(&shared).opt_level(), OptLevel::Speed);
    let err = apply_to_first(
        &mut [&mut shared, &mut isa],
        parse_directive("has_bb").unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown shared or demo setting `has_bb` (did you mean `has_b`?)"
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A setting of the shared table and a valid raw value for it.
    fn setting_and_value() -> impl Strategy<Value = (usize, u64)> {
        (0..SHARED_TEMPLATE.settings.len()).prop_flat_map(|i| {
            let values = match SHARED_TEMPLATE.settings[i].kind {
                SettingKind::Bool => (0..=1u64).boxed(),
                SettingKind::Num { min, max } => (min..=max).boxed(),
                SettingKind::Enum(names) => (0..names.len() as u64).boxed(),
            };
            (Just(i), values)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any valid value, printed as `atoll settings` shows it, reads back the same.
        #[test]
        fn value_text_round_trips((i, raw) in setting_and_value()) {
            let desc = &SHARED_TEMPLATE.settings[i];
            let mut b = Flags::builder();
            b.set(desc.name, Some(&desc.display_value(raw))).unwrap();
            prop_assert_eq!(b.raw_at(i), raw);
        }

        /// Arbitrary text never panics, and a refused `set` changes nothing.
        #[test]
        fn arbitrary_text_is_an_error_not_a_panic(name in "[a-z_0-9=]{0,24}", value in proptest::option::of("[ -~]{0,12}")) {
            let mut b = Flags::builder();
            let before = Flags::new(&b);
            if b.set(&name, value.as_deref()).is_err() {
                prop_assert_eq!(Flags::new(&b), before);
            }
            let _ = parse_directives(&format!("set {name} {}", value.unwrap_or_default()));
        }
    }
}

#[test]
fn line_body_table() {
    // (line, keyword, body): the keyword goes only as a whole first word.
    let table: &[(&str, &str, &str)] = &[
        ("set opt_level=speed", "set", "opt_level=speed"),
        ("  set\topt_level=speed ; c", "set", "opt_level=speed"),
        ("opt_level=speed", "set", "opt_level=speed"),
        ("settings=1", "set", "settings=1"),
        ("set", "set", ""),
        ("set ; only a comment", "set", ""),
        ("target x86_64 has_avx", "target", "x86_64 has_avx"),
        ("x86_64", "target", "x86_64"),
        ("targetx", "target", "targetx"),
    ];
    for &(line, keyword, body) in table {
        assert_eq!(line_body(line, keyword), body, "{line:?}");
    }
}

#[test]
fn to_text_lists_every_setting_and_round_trips() {
    let mut b = Flags::builder();
    b.set("opt_level", Some("speed")).unwrap();
    b.set("padding_between_functions", Some("4096")).unwrap();
    b.set("force_veneers", None).unwrap();
    let flags = Flags::new(&b);
    let text = flags.to_text();
    let names: Vec<&str> = text.iter().map(|t| t.split('=').next().unwrap()).collect();
    let table: Vec<&str> = SHARED_TEMPLATE.settings.iter().map(|d| d.name).collect();
    assert_eq!(names, table);
    assert!(text.contains(&"opt_level=speed".to_string()), "{text:?}");
    assert!(
        text.contains(&"padding_between_functions=4096".to_string()),
        "{text:?}"
    );
    assert!(text.contains(&"force_veneers=true".to_string()), "{text:?}");
    // Applying the listing to a fresh builder gives the same flags back.
    let mut again = Flags::builder();
    for t in &text {
        let (name, value) = t.split_once('=').unwrap();
        again.set(name, Some(value)).unwrap();
    }
    assert_eq!(Flags::new(&again), flags);
}
