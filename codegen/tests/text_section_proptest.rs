//! Property test of the text-section builder on the fake ISA: random call graphs,
//! padding, alignment and `force_veneers`; every call, followed through the decoded
//! bytes and its veneers, reaches its callee; islands never overlap a function.

use atoll_codegen::buffer::{CodeOffset, RelocRecord, TextSectionBuilder, TextSectionOptions};
use atoll_codegen::testing::fake_isa::{fake_function, follow_branch, FakeLabelUse, RET};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Func {
    calls: Vec<u32>,
    nops: usize,
}

fn module() -> impl Strategy<Value = (Vec<Func>, TextSectionOptions)> {
    (1u32..14).prop_flat_map(|n| {
        let func = (proptest::collection::vec(0..n, 0..5), 0usize..20)
            .prop_map(|(calls, nops)| Func { calls, nops });
        let opts =
            (0u64..300, any::<bool>(), 0u32..4).prop_map(|(pad, force, a)| TextSectionOptions {
                padding_between_functions: pad,
                force_veneers: force,
                function_alignment: 4 << a,
            });
        (proptest::collection::vec(func, n as usize), opts)
    })
}

/// Calls interleaved with nops; functions stay short enough (< 132 bytes) for their
/// calls to reach an island placed right after them.
fn encode(f: &Func) -> (Vec<u8>, Vec<RelocRecord>) {
    fake_function(&f.calls, |i| i % 3, f.nops)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn every_call_reaches_its_callee((funcs, opts) in module()) {
        let encoded: Vec<_> = funcs.iter().map(encode).collect();
        let mut b = TextSectionBuilder::<FakeLabelUse>::new(funcs.len() as u32, opts.clone());
        for (i, (bytes, relocs)) in encoded.iter().enumerate() {
            let off = b.append(i as u32, bytes, relocs, 4).unwrap();
            prop_assert_eq!(off % opts.function_alignment, 0);
        }
        let t = b.finish().unwrap();
        prop_assert_eq!(t.stats.relocations_left, 0);
        let mut calls = 0;
        for (i, (bytes, relocs)) in encoded.iter().enumerate() {
            let start = t.function_offsets[i];
            let end = start + bytes.len() as CodeOffset;
            prop_assert_eq!(&t.code[end as usize - 4..end as usize], &RET.to_le_bytes()[..], "function {} in place", i);
            for r in relocs {
                let path = follow_branch(&t.code, start + r.offset, t.function_offsets[r.target_func as usize])
                    .map_err(TestCaseError::fail)?;
                if opts.force_veneers {
                    prop_assert!(path.len() >= 2, "forced call {} -> {} went direct", i, r.target_func);
                }
                calls += 1;
            }
            for isl in &t.islands {
                prop_assert!(end <= isl.start || start >= isl.end, "function {} overlaps {:?}", i, isl);
            }
        }
        prop_assert_eq!(t.stats.call_fixups, calls);
        prop_assert!(t.stats.veneers() <= calls * 2);
    }
}
