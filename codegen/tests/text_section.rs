//! TextSectionBuilder on the fake ISA: calls resolved with zero relocations, islands
//! between functions, veneers (shared, forced), statistics and errors.

use atoll_codegen::buffer::{
    CodeOffset, Reloc, RelocRecord, TextSection, TextSectionBuilder, TextSectionError,
    TextSectionOptions,
};
use atoll_codegen::testing::fake_isa::{
    decode, enc_b, fake_function, follow_branch, FakeInsn, FakeLabelUse, RET,
};

/// A function: `calls` (`b` to each target), then `nops` nops and `ret`.
fn func(calls: &[u32], nops: usize) -> (Vec<u8>, Vec<RelocRecord>) {
    fake_function(calls, |_| 0, nops)
}

fn build(
    funcs: &[(Vec<u8>, Vec<RelocRecord>)],
    opts: TextSectionOptions,
) -> Result<TextSection, TextSectionError> {
    let mut b = TextSectionBuilder::<FakeLabelUse>::new(funcs.len() as u32, opts);
    for (i, (bytes, relocs)) in funcs.iter().enumerate() {
        b.append(i as u32, bytes, relocs, 4)?;
    }
    b.finish()
}

/// Follow every call of every function to its target's offset.
fn check_calls(t: &TextSection, funcs: &[(Vec<u8>, Vec<RelocRecord>)]) -> usize {
    let mut hops = 0;
    for (i, (_, relocs)) in funcs.iter().enumerate() {
        for r in relocs {
            let at = t.function_offsets[i] + r.offset;
            let path = follow_branch(&t.code, at, t.function_offsets[r.target_func as usize])
                .unwrap_or_else(|e| panic!("call {i} -> {}: {e}", r.target_func));
            hops += path.len() - 1;
        }
    }
    hops
}

#[test]
fn near_calls_are_patched_directly() {
    let funcs = vec![func(&[1, 2], 1), func(&[0], 0), func(&[2, 1], 0)];
    let t = build(&funcs, TextSectionOptions::default()).unwrap();
    assert_eq!(check_calls(&t, &funcs), 0);
    assert_eq!(t.stats.islands, 0);
    assert_eq!(t.stats.relocations_left, 0);
    assert_eq!(t.stats.call_fixups, 5);
    assert_eq!(
        decode(&t.code, 0),
        Some(FakeInsn::Jump {
            target: t.function_offsets[1] as i64
        })
    );
}

#[test]
fn padding_forces_islands_and_veneers() {
    // Each function calls the next two and the first; 200 bytes of padding put most
    // targets out of a `b`'s 252-byte reach.
    let n = 12u32;
    let funcs: Vec<_> = (0..n)
        .map(|i| func(&[(i + 1) % n, (i + 2) % n, 0], 2))
        .collect();
    let opts = TextSectionOptions {
        padding_between_functions: 200,
        ..Default::default()
    };
    let t = build(&funcs, opts).unwrap();
    let hops = check_calls(&t, &funcs);
    assert!(
        t.stats.islands > 0 && t.stats.veneers() > 0,
        "{:?}",
        t.stats
    );
    assert!(hops > 0);
    assert_eq!(t.stats.relocations_left, 0);
    assert!(t.stats.padding_bytes >= 200 * n as u64);
    // Islands sit between functions: no function overlaps one.
    for isl in &t.islands {
        for (i, &off) in t.function_offsets.iter().enumerate() {
            let end = off + funcs[i].0.len() as CodeOffset;
            assert!(
                end <= isl.start || off >= isl.end,
                "function {i} overlaps island {isl:?}"
            );
        }
    }
}

#[test]
fn force_veneers_sends_every_call_through_a_veneer() {
    let funcs = vec![func(&[1, 2], 0), func(&[0, 2], 0), func(&[1], 0)];
    let opts = TextSectionOptions {
        force_veneers: true,
        ..Default::default()
    };
    let t = build(&funcs, opts).unwrap();
    for (i, (_, relocs)) in funcs.iter().enumerate() {
        for r in relocs {
            let at = t.function_offsets[i] + r.offset;
            let path =
                follow_branch(&t.code, at, t.function_offsets[r.target_func as usize]).unwrap();
            assert_eq!(
                path.len(),
                2,
                "call {i} -> {} goes through one veneer",
                r.target_func
            );
        }
    }
    // Shared per target: three targets, three veneers.
    assert_eq!(t.stats.veneers_by_kind, vec![("Jump".to_string(), 3)]);
    assert_eq!(t.stats.shared_veneer_uses, 2);
}

#[test]
fn force_veneers_skips_kinds_without_veneers() {
    // A call through a bare 32-bit field (`Long`, no veneer) next to a `b` call.
    let mut bytes = vec![];
    bytes.extend_from_slice(&enc_b().to_le_bytes());
    bytes.extend_from_slice(&0x3000_0000u32.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&RET.to_le_bytes());
    let relocs = vec![
        RelocRecord {
            offset: 0,
            kind: Reloc::Arm64Call,
            target_func: 1,
            addend: 0,
        },
        RelocRecord {
            offset: 8,
            kind: Reloc::X86PCRel4,
            target_func: 1,
            addend: 0,
        },
    ];
    let funcs = vec![(bytes, relocs), func(&[], 0)];
    let opts = TextSectionOptions {
        force_veneers: true,
        ..Default::default()
    };
    let t = build(&funcs, opts).unwrap();
    let f1 = t.function_offsets[1];
    assert_eq!(
        decode(&t.code, 4),
        Some(FakeInsn::Long { target: f1 as i64 }),
        "patched directly"
    );
    assert_eq!(
        follow_branch(&t.code, 0, f1).unwrap().len(),
        2,
        "`b` went through a veneer"
    );
    assert_eq!(t.stats.veneers_by_kind, vec![("Jump".to_string(), 1)]);
}

#[test]
fn calls_near_one_island_share_its_veneer() {
    // 40 calls from 8 functions to the far last function: one veneer in the island.
    let n = 10u32;
    let mut funcs: Vec<_> = (0..n - 2).map(|_| func(&[n - 1; 5], 0)).collect();
    funcs.push(func(&[], 100));
    funcs.push(func(&[], 0));
    let t = build(&funcs, TextSectionOptions::default()).unwrap();
    check_calls(&t, &funcs);
    assert_eq!(t.stats.veneers(), 1, "{:?}", t.stats);
    assert_eq!(t.stats.shared_veneer_uses, 39);
}

#[test]
fn function_alignment_holds() {
    let funcs = vec![func(&[1], 0), func(&[0], 2), func(&[], 0)];
    let opts = TextSectionOptions {
        function_alignment: 32,
        ..Default::default()
    };
    let t = build(&funcs, opts).unwrap();
    assert!(
        t.function_offsets.iter().all(|o| o % 32 == 0),
        "{:?}",
        t.function_offsets
    );
    check_calls(&t, &funcs);
}

#[test]
fn errors_are_reported_not_panicked() {
    let opts = TextSectionOptions::default;
    let mut b = TextSectionBuilder::<FakeLabelUse>::new(2, opts());
    let (bytes, _) = func(&[], 0);
    let bad = |kind, target_func, offset| {
        vec![RelocRecord {
            offset,
            kind,
            target_func,
            addend: 0,
        }]
    };
    assert_eq!(
        b.append(2, &bytes, &[], 4),
        Err(TextSectionError::NoSuchFunction {
            func: 2,
            num_funcs: 2
        })
    );
    assert_eq!(
        b.append(0, &bytes, &bad(Reloc::Arm64Call, 5, 0), 4),
        Err(TextSectionError::NoSuchFunction {
            func: 5,
            num_funcs: 2
        })
    );
    let e = b.append(0, &bytes, &bad(Reloc::Abs8, 1, 0), 4).unwrap_err();
    assert_eq!(
        e,
        TextSectionError::UnsupportedReloc {
            func: 0,
            offset: 0,
            kind: Reloc::Abs8,
            addend: 0
        }
    );
    assert!(e.to_string().contains("cannot be resolved"), "{e}");
    assert_eq!(
        b.append(0, &bytes, &bad(Reloc::Arm64Call, 1, 2), 4),
        Err(TextSectionError::RelocOutsideFunction { func: 0, offset: 2 })
    );
    b.append(0, &bytes, &[], 4).unwrap();
    assert_eq!(
        b.append(0, &bytes, &[], 4),
        Err(TextSectionError::AppendedTwice { func: 0 })
    );
    assert_eq!(
        b.finish().unwrap_err(),
        TextSectionError::NotAppended { func: 1 }
    );
}

#[test]
fn a_call_that_cannot_reach_past_its_own_function_is_an_error() {
    // A `b` at the start of a 400-byte function reaches 252 bytes: no island between
    // functions can hold its veneer.
    let funcs = vec![func(&[1], 100), func(&[], 0)];
    let e = build(&funcs, TextSectionOptions::default()).unwrap_err();
    assert!(matches!(e, TextSectionError::Unresolvable(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("unresolvable call: Jump use at offset 0x0"),
        "{e}"
    );
}
