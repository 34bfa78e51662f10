//! Parser unit tests: text in, canonical text (or error) out.

use super::*;

/// (input, expected canonical print of every function).
const ROUND_TRIPS: &[(&str, &str)] = &[
    (
        "function %f(i32, i64 vmctx) -> i32 system_v {\nblock0(v0: i32, v10: i64):\n    v3 = iadd.i32 v0, v0 ; sum\n    return v3\n}\n",
        "function %f(i32, i64 vmctx) -> i32 system_v {\nblock0(v0: i32, v10: i64):\n    v3 = iadd v0, v0\n    return v3\n}\n",
    ),
    (
        "function u0:7() {\n    ss1 = explicit_slot 8, align = 16\n    gv0 = vmctx\n    gv1 = load.i64 notrap aligned gv0+8\n    fn0 = colocated %g(i8 uext) -> i8 tail\n    sig0 = (i64) -> i8 tail\nblock0:\n    v1 = stack_addr.i64 ss1+4\n    v2 = func_addr.i64 fn0\n    v3 = call_indirect sig0, v2(v1)\n    v4 = global_value.i64 gv1\n    jump block2(v4)\nblock2(v5: i64) cold:\n    v6 = iconst.i8 -3\n    v7 = call fn0(v6)\n    br_table v7, block3, [block3, block4(v5)]\nblock3:\n    trap user1\nblock4(v8: i64):\n    return\n}\n",
        "function u0:7() fast {\n    ss0 = explicit_slot 0\n    ss1 = explicit_slot 8, align = 16\n    gv0 = vmctx\n    gv1 = load.i64 notrap aligned gv0+8\n    sig0 = (i64) -> i8 tail\n    sig1 = (i8 uext) -> i8 tail\n    fn0 = colocated %g sig1\n\nblock0:\n    v1 = stack_addr.i64 ss1+4\n    v2 = func_addr.i64 fn0\n    v3 = call_indirect sig0, v2(v1)\n    v4 = global_value.i64 gv1\n    jump block2(v4)\n\nblock2(v5: i64) cold:\n    v6 = iconst.i8 -3\n    v7 = call fn0(v6)\n    br_table v7, block3, [block3, block4(v5)]\n\nblock3:\n    trap user1\n\nblock4(v8: i64):\n    return\n}\n",
    ),
    (
        "function %g(i64) -> i64 {\nblock0(v0: i64):\n    brif v0, block1, block2\nblock1:\n    v1 = iadd v0, v0\n    v2, v3 = uadd_overflow v1, v0\n    v4 = atomic_rmw.i64 little xchg v1, v2\n    v5 = load.f64 notrap v1-8\n    store notrap v5, v1\n    v6 = f64const 0x10.0\n    v7 = fcmp ult v5, v6\n    trapnz v7, int_divz\n    v8 = icmp_imm sge v1, 0xff\n    return v1\nblock2:\n    v9 = iadd.i64 v0, v10\n    v10 = iconst.i64 1\n    return v9\n}\n",
        "function %g(i64) -> i64 fast {\nblock0(v0: i64):\n    brif v0, block1, block2\n\nblock1:\n    v1 = iadd.i64 v0, v0\n    v2, v3 = uadd_overflow v1, v0\n    v4 = atomic_rmw.i64 little xchg v1, v2\n    v5 = load.f64 notrap v1-8\n    store notrap v5, v1\n    v6 = f64const 0x1.0p4\n    v7 = fcmp ult v5, v6\n    trapnz v7, int_divz\n    v8 = icmp_imm sge v1, 255\n    return v1\n\nblock2:\n    v9 = iadd.i64 v0, v10\n    v10 = iconst.i64 1\n    return v9\n}\n",
    ),
    (
        "function %h(i64, i32) -> i64, i8 {\n    gv0 = vmctx\n    gv1 = iadd_imm.i64 gv0, -16\n    gv2 = symbol colocated tls u1:2+8\n    ss0 = explicit_slot 16\n    sig3 = (i64) -> i64, i8 system_v\nblock0(v0: i64, v1: i32):\n    v2 = stack_load.i64 ss0+8\n    stack_store v2, ss0\n    v3 = atomic_cas.i64 notrap v0, v2, v2\n    v4 = atomic_load.i32 v0\n    atomic_store little v4, v0\n    v5 = bitcast.f32 little v1\n    v6 = f32const -NaN:0x5\n    v7 = f64const -Inf\n    v8, v9 = isplit v0\n    v10 = iconcat v8, v9\n    v11 = select v1, v6, v5\n    v12, v13 = call_indirect sig3, v0(v10)\n    v14 = uadd_overflow_trap v1, v1, heap_oob\n    v15 = symbol_value.i64 gv2\n    v16 = icmp_imm ult v14, -1\n    trapz v16, user250\n    return_call_indirect sig3, v0(v12)\n}\n",
        "function %h(i64, i32) -> i64, i8 fast {\n    ss0 = explicit_slot 16\n    gv0 = vmctx\n    gv1 = iadd_imm.i64 gv0, -16\n    gv2 = symbol colocated tls u1:2+8\n    sig0 = () fast\n    sig1 = () fast\n    sig2 = () fast\n    sig3 = (i64) -> i64, i8 system_v\n\nblock0(v0: i64, v1: i32):\n    v2 = stack_load.i64 ss0+8\n    stack_store v2, ss0\n    v3 = atomic_cas.i64 notrap v0, v2, v2\n    v4 = atomic_load.i32 v0\n    atomic_store little v4, v0\n    v5 = bitcast.f32 little v1\n    v6 = f32const -NaN:0x5\n    v7 = f64const -Inf\n    v8, v9 = isplit v0\n    v10 = iconcat v8, v9\n    v11 = select v1, v6, v5\n    v12, v13 = call_indirect sig3, v0(v10)\n    v14 = uadd_overflow_trap v1, v1, heap_oob\n    v15 = symbol_value.i64 gv2\n    v16 = icmp_imm ult v14, -1\n    trapz v16, user250\n    return_call_indirect sig3, v0(v12)\n}\n",
    ),
];

#[test]
fn round_trip_table() {
    for (src, want) in ROUND_TRIPS {
        let funcs = parse_functions(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let printed: String = funcs.iter().map(|f| f.to_string()).collect();
        assert_eq!(printed, *want);
        let again: String = parse_functions(&printed)
            .unwrap()
            .iter()
            .map(|f| f.to_string())
            .collect();
        assert_eq!(again, printed);
    }
}

/// (input, expected error).
const ERRORS: &[(&str, &str)] = &[
    ("function %f() {\nblock0:\n  v0 = splat.i8x16 v1\n}", "3:8: unsupported opcode 'splat' (vector, exception and dynamic-stack opcodes are not implemented)"),
    ("function %f(i8x16) {\nblock0:\n  return\n}", "1:13: unsupported type i8x16 (vector types are not implemented)"),
    ("function %f() {\nblock0:\n  v2 = iadd v0 v3\n}", "3:16: expected ',' after first operand, found 'v3'"),
    ("function %f() {\nblock0:\n  return v9\n}", "3:10: v9 is used but never defined"),
    ("function %f() {\nblock0:\n  jump block1\n}", "3:8: block1 is used but never defined"),
    ("function %f() {\nblock0:\n  v1 = iconst 1\n  return\n}", "3:8: 'iconst' needs a type suffix (e.g. 'iconst.i32')"),
    ("function %f() {\nblock0:\n  v1 = frob v0\n}", "3:8: unknown opcode 'frob'"),
    ("function %f() {", "1:16: expected block header ('blockN:') or '}', found end of file"),
];

#[test]
fn error_table() {
    for (src, want) in ERRORS {
        match parse_test(src) {
            Ok(_) => panic!("parsed: {src}"),
            Err(e) => assert_eq!(e.to_string(), *want, "{src}"),
        }
    }
}

#[test]
fn test_file_structure() {
    let src = "test compile precise-output\nset opt_level=speed ; why\ntarget x86_64 has_avx\nfeature \"experimental\"\n; intro\n\nfunction %f() {\n    ; own line\nblock0: ; header\n    return ; ret\n}\n; run: %f() == 0\n\nfunction %g() {\nblock0:\n    return\n}\n";
    let file = parse_test(src).unwrap();
    assert_eq!(
        file.commands,
        vec![TestCommand {
            name: "compile".into(),
            options: vec!["precise-output".into()],
            line: 1
        }]
    );
    assert_eq!(
        file.isa_lines[0],
        IsaLine {
            kind: IsaLineKind::Set,
            text: "opt_level=speed".into(),
            line: 2,
            column: 5
        }
    );
    assert_eq!(
        file.isa_lines[1],
        IsaLine {
            kind: IsaLineKind::Target,
            text: "x86_64 has_avx".into(),
            line: 3,
            column: 8
        }
    );
    assert_eq!(file.features, vec!["experimental".to_string()]);
    let pre: Vec<&str> = file
        .preamble_comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(pre, [" why", " intro"]);
    let f = &file.functions[0];
    assert_eq!((f.line, f.end_line), (7, 11));
    assert_eq!(
        f.comments,
        vec![Comment {
            line: 12,
            text: " run: %f() == 0".into()
        }]
    );
    let ec: Vec<String> = f
        .entity_comments
        .iter()
        .map(|(e, c)| format!("{e}:{}", c.text))
        .collect();
    assert_eq!(ec, ["block0: own line", "block0: header", "inst0: ret"]);
    assert_eq!(file.functions[1].line, 14);
}

#[test]
fn parse_function_wants_exactly_one() {
    let one = "function %f() {\nblock0:\n    return\n}\n";
    assert!(parse_function(one).is_ok());
    let two = format!("{one}{one}");
    assert_eq!(
        parse_function(&two).unwrap_err().to_string(),
        "1:1: expected exactly one function, found 2"
    );
    assert_eq!(
        parse_function("").unwrap_err().to_string(),
        "1:1: expected exactly one function, found 0"
    );
}

#[test]
fn crlf_line_ends() {
    let src = "test run\r\nset opt_level=none ; x\r\nfunction %f() -> i8 {\r\nblock0: ; b\r\n    v0 = iconst.i8 1\r\n    return v0\r\n}\r\n; run: %f() == 1\r\n";
    let file = parse_test(src).unwrap();
    assert_eq!(file.isa_lines[0].text, "opt_level=none");
    assert_eq!(file.preamble_comments[0].text, " x");
    assert_eq!(file.functions[0].entity_comments[0].1.text, " b");
    assert_eq!(file.functions[0].comments[0].text, " run: %f() == 1");
}
