use super::*;
use atoll_codegen::ir::{AbiParam, CallConv};

fn sig(params: &[Type], returns: &[Type]) -> Signature {
    let mut s = Signature::new(CallConv::Fast);
    s.params = params.iter().map(|&t| AbiParam::new(t)).collect();
    s.returns = returns.iter().map(|&t| AbiParam::new(t)).collect();
    s
}

fn parse(text: &str) -> RunLine {
    parse_run_comment(text, 7, 2).unwrap().unwrap()
}

/// (comment text, params, returns, expected args bits, expected check)
type FormCase = (
    &'static str,
    &'static [Type],
    &'static [Type],
    &'static [u64],
    Option<(Comparison, &'static [u64])>,
);

#[test]
fn forms_table() {
    use Type::*;
    let cases: &[FormCase] = &[
        (
            " run: %f(1, -2) == 3",
            &[I32, I32],
            &[I32],
            &[1, 0xffff_fffe],
            Some((Comparison::Equals, &[3])),
        ),
        (
            " run: %f(1) != 3",
            &[I64],
            &[I64],
            &[1],
            Some((Comparison::NotEquals, &[3])),
        ),
        (
            " run: %f(0xC0FFEEEE_C0FFEEEE) == -1",
            &[I64],
            &[I64],
            &[0xC0FF_EEEE_C0FF_EEEE],
            Some((Comparison::Equals, &[u64::MAX])),
        ),
        (
            " run: %f(0xff, 255) == -128",
            &[I8, I8],
            &[I8],
            &[0xff, 0xff],
            Some((Comparison::Equals, &[0x80])),
        ),
        (
            " run: %f(-32768) == 0xffff",
            &[I16],
            &[I16],
            &[0x8000],
            Some((Comparison::Equals, &[0xffff])),
        ),
        (
            " run: %f(0x1.8p3) == 0x1.0",
            &[F32],
            &[F32],
            &[0x4140_0000],
            Some((Comparison::Equals, &[0x3f80_0000])),
        ),
        (
            " run: %f(NaN, -NaN:0x1) == +Inf",
            &[F32, F32],
            &[F32],
            &[0x7fc0_0000, 0xffc0_0001],
            Some((Comparison::Equals, &[0x7f80_0000])),
        ),
        (
            " run: %f(+sNaN:0x1, -Inf) == 0.5",
            &[F64, F64],
            &[F64],
            &[0x7ff0_0000_0000_0001, 0xfff0_0000_0000_0000],
            Some((Comparison::Equals, &[0x3fe0_0000_0000_0000])),
        ),
        (
            " run: %f(1, 2) == [1, 2]",
            &[I32, I64],
            &[I32, I64],
            &[1, 2],
            Some((Comparison::Equals, &[1, 2])),
        ),
        (
            " run: %f() == []",
            &[],
            &[],
            &[],
            Some((Comparison::Equals, &[])),
        ),
        (" run: %f(7)", &[I32], &[I8], &[7], None),
        (
            " run: %f(-NaN:0x0) == +NaN:0x0",
            &[F32],
            &[F64],
            &[0xffc0_0000],
            Some((Comparison::Equals, &[0x7ff8_0000_0000_0000])),
        ),
        (
            "run:%f(1)==1",
            &[I32],
            &[I32],
            &[1],
            Some((Comparison::Equals, &[1])),
        ),
        (" run", &[], &[I8], &[], None),
    ];
    for &(text, params, returns, args, check) in cases {
        let run = parse(text);
        let typed =
            type_run_line(&run, &sig(params, returns)).unwrap_or_else(|e| panic!("{text}: {e}"));
        let bits: Vec<u64> = typed.args.iter().map(|v| v.bits).collect();
        assert_eq!(bits, args, "{text}");
        match (check, &typed.expect) {
            (None, TypedExpectation::True) => {}
            (Some((op, want)), TypedExpectation::Compare(got_op, got)) => {
                assert_eq!(op, *got_op, "{text}");
                assert_eq!(
                    got.iter().map(|v| v.bits).collect::<Vec<_>>(),
                    want,
                    "{text}"
                );
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn bare_run_has_no_callee() {
    assert_eq!(parse(" run").func, None);
    assert_eq!(parse(" run: %g_1.x(1)").func.as_deref(), Some("g_1.x"));
}

#[test]
fn not_run_lines() {
    for text in [
        " running total",
        " run-time check",
        " print: %f(1)",
        " check: foo",
        "",
    ] {
        assert_eq!(parse_run_comment(text, 1, 2), Ok(None), "{text:?}");
    }
}

/// (text, column of the error (comment text starts at column 2), message fragment)
#[test]
fn syntax_errors_table() {
    let cases = [
        (" run: f(1) == 1", 8, "expected `%name(...)`"),
        (" run: %(1)", 9, "function name"),
        (" run: %f 1", 11, "`(`"),
        (" run: %f(1 2)", 13, "`,` or `)`"),
        (" run: %f(1) < 2", 14, "unknown comparison `<`"),
        (" run: %f(1) == 2 3", 19, "unexpected `3`"),
        (" run: %f(1,) == 2", 13, "expected a value"),
        (" run: %f(1) == [1, 2", 22, "`,` or `]`"),
    ];
    for (text, column, fragment) in cases {
        let e = parse_run_comment(text, 3, 2).unwrap_err();
        assert_eq!((e.line, e.column), (3, column), "{text}: {e}");
        assert!(e.message.contains(fragment), "{text}: {e}");
    }
}

#[test]
fn typing_errors_table() {
    use Type::*;
    let cases: &[(&str, &[Type], &[Type], &str)] = &[
        (" run: %f(256) == 0", &[I8], &[I8], "does not fit in i8"),
        (" run: %f(-129) == 0", &[I8], &[I8], "does not fit in i8"),
        (" run: %f(1.5) == 0", &[I32], &[I32], "not an integer"),
        (" run: %f(1) == 0x1.0", &[I32], &[I32], "is not an integer"),
        (" run: %f(zz) == 1", &[F32], &[I32], "is not an f32"),
        (" run: %f(sNaN:0x0) == 1", &[F32], &[I32], "bad NaN payload"),
        (
            " run: %f(1, 2) == 1",
            &[I32],
            &[I32],
            "takes 1 argument(s), the run line gives 2",
        ),
        (
            " run: %f(1) == [1, 2]",
            &[I32],
            &[I32],
            "returns 1 value(s), the run line expects 2",
        ),
        (" run: %f(1)", &[I32], &[F32], "must return one integer"),
        (" run: %f(1) == 1", &[I128], &[I32], "i128"),
    ];
    for &(text, params, returns, fragment) in cases {
        let e = type_run_line(&parse(text), &sig(params, returns)).unwrap_err();
        assert!(e.message.contains(fragment), "{text}: {e}");
        assert_eq!(e.line, 7);
    }
}

fn v(ty: Type, bits: u64) -> DataValue {
    DataValue { ty, bits }
}

/// (expectation, results, passes)
#[test]
fn comparison_table() {
    use Type::*;
    let eq = |vals: &[DataValue]| TypedExpectation::Compare(Comparison::Equals, vals.to_vec());
    let ne = |vals: &[DataValue]| TypedExpectation::Compare(Comparison::NotEquals, vals.to_vec());
    let cases = [
        (eq(&[v(I32, 3)]), vec![v(I32, 3)], true),
        (eq(&[v(I32, 3)]), vec![v(I32, 4)], false),
        (ne(&[v(I32, 3)]), vec![v(I32, 4)], true),
        (ne(&[v(I32, 3)]), vec![v(I32, 3)], false),
        // Bitwise: NaNs equal only with the same sign and payload.
        (eq(&[v(F32, 0x7fc0_0000)]), vec![v(F32, 0x7fc0_0000)], true),
        (eq(&[v(F32, 0x7fc0_0000)]), vec![v(F32, 0xffc0_0000)], false),
        (eq(&[v(F32, 0x7fc0_0000)]), vec![v(F32, 0x7fc0_0001)], false),
        // +0 and -0 differ bitwise.
        (eq(&[v(F64, 0)]), vec![v(F64, 1 << 63)], false),
        (eq(&[v(I8, 1), v(I64, 2)]), vec![v(I8, 1), v(I64, 2)], true),
        (eq(&[v(I8, 1), v(I64, 2)]), vec![v(I8, 1), v(I64, 3)], false),
        (TypedExpectation::True, vec![v(I8, 1)], true),
        (TypedExpectation::True, vec![v(I8, 0)], false),
    ];
    for (expect, results, passes) in cases {
        assert_eq!(
            check_results(&expect, &results).is_ok(),
            passes,
            "{expect:?} vs {results:?}"
        );
    }
}

#[test]
fn slots_round_trip_and_mask() {
    let slot = v(Type::I16, 0xbeef).to_slot();
    assert_eq!(&slot[..3], &[0xef, 0xbe, 0]);
    let mut dirty = [0xffu8; 16];
    dirty[0] = 0x12;
    assert_eq!(DataValue::from_slot(Type::I8, &dirty), v(Type::I8, 0x12));
    assert_eq!(v(Type::I8, 0xff).to_string(), "-1");
    assert_eq!(v(Type::I32, 0x80).to_string(), "128 (0x80)");
    assert_eq!(v(Type::F32, 0x7fc0_0000).to_string(), "+NaN");
}
