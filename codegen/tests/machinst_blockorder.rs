//! BlockOrder: critical-edge splitting, reverse postorder, cold flags, unreachable
//! blocks, errors; plus a property test of its invariants on random CFGs.

use atoll_codegen::buffer::MachLabel;
use atoll_codegen::machinst::{BlockOrder, BlockOrderError, CfgView, LoweredBlock};
use proptest::prelude::*;
use smallvec::SmallVec;

#[derive(Debug)]
struct Cfg {
    succs: Vec<Vec<u32>>,
    cold: Vec<u32>,
}

impl CfgView for Cfg {
    fn entry(&self) -> u32 {
        0
    }
    fn num_blocks(&self) -> usize {
        self.succs.len()
    }
    fn succs(&self, block: u32) -> SmallVec<[u32; 2]> {
        self.succs[block as usize].iter().copied().collect()
    }
    fn is_cold(&self, block: u32) -> bool {
        self.cold.contains(&block)
    }
}

fn describe(order: &BlockOrder) -> String {
    let names: Vec<String> = order
        .lowered_order()
        .iter()
        .enumerate()
        .map(|(i, lb)| {
            let cold = if order.is_cold(i as u32) { "*" } else { "" };
            match *lb {
                LoweredBlock::Orig { block } => format!("b{block}{cold}"),
                LoweredBlock::Edge {
                    pred,
                    succ_idx,
                    succ,
                } => format!("e{pred}.{succ_idx}>{succ}{cold}"),
            }
        })
        .collect();
    names.join(" ")
}

/// (name, successors per block, cold blocks, expected order; `*` marks cold,
/// `eP.I>S` is the edge block on successor I of P, which targets S).
type Case = (
    &'static str,
    &'static [&'static [u32]],
    &'static [u32],
    &'static str,
);

const CASES: &[Case] = &[
    ("straight line", &[&[1], &[2], &[]], &[], "b0 b1 b2"),
    (
        "diamond: no critical edge",
        &[&[1, 2], &[3], &[3], &[]],
        &[],
        "b0 b1 b2 b3",
    ),
    (
        "triangle: edge 0->2 is critical",
        &[&[1, 2], &[2], &[]],
        &[],
        "b0 b1 e0.1>2 b2",
    ),
    (
        "self loop is critical",
        &[&[1], &[1, 2], &[]],
        &[],
        "b0 b1 e1.0>1 b2",
    ),
    (
        "same target twice: both edges split",
        &[&[1, 1], &[]],
        &[],
        "b0 e0.0>1 e0.1>1 b1",
    ),
    (
        "unreachable predecessor does not count",
        &[&[2], &[2], &[]],
        &[],
        "b0 b2",
    ),
    (
        "unreachable pred of a branch target",
        &[&[1, 2], &[], &[], &[2]],
        &[],
        "b0 b1 b2",
    ),
    (
        "cold block flagged, order kept",
        &[&[1, 2], &[3], &[3], &[]],
        &[1],
        "b0 b1* b2 b3",
    ),
    (
        "edge block into a cold block is cold",
        &[&[1, 2], &[2], &[]],
        &[2],
        "b0 b1 e0.1>2* b2*",
    ),
    ("entry is never cold", &[&[1], &[]], &[0], "b0 b1"),
    (
        "loop with exit from header and latch",
        &[&[1], &[2, 3], &[1, 3], &[]],
        &[],
        "b0 b1 b2 e2.0>1 e2.1>3 e1.1>3 b3",
    ),
];

#[test]
fn block_order_table() {
    for (name, succs, cold, expected) in CASES {
        let cfg = Cfg {
            succs: succs.iter().map(|s| s.to_vec()).collect(),
            cold: cold.to_vec(),
        };
        let order = BlockOrder::new(&cfg).unwrap();
        assert_eq!(describe(&order), *expected, "{name}");
    }
}

#[test]
fn successor_labels_go_through_edge_blocks() {
    let cfg = Cfg {
        succs: vec![vec![1, 2], vec![2], vec![]],
        cold: vec![],
    };
    let order = BlockOrder::new(&cfg).unwrap();
    // b0 b1 e0.1>2 b2
    assert_eq!(order.succs(0), &[1, 2]);
    assert_eq!(order.succ_label(0, 0), MachLabel(1));
    assert_eq!(order.succ_label(0, 1), MachLabel(2));
    assert_eq!(order.succs(2), &[3]);
    assert_eq!(order.succs(1), &[3]);
    assert_eq!(order.lowered_index(2), Some(3));
}

#[test]
fn unreachable_blocks_have_no_lowered_index() {
    let cfg = Cfg {
        succs: vec![vec![2], vec![2], vec![]],
        cold: vec![],
    };
    let order = BlockOrder::new(&cfg).unwrap();
    assert_eq!(order.lowered_index(1), None);
    assert_eq!(order.lowered_index(2), Some(1));
    assert_eq!(order.lowered_index(7), None);
}

#[test]
fn errors() {
    let bad_succ = Cfg {
        succs: vec![vec![1], vec![5]],
        cold: vec![],
    };
    assert_eq!(
        BlockOrder::new(&bad_succ).unwrap_err(),
        BlockOrderError::BadSuccessor { block: 1, succ: 5 }
    );
    let empty = Cfg {
        succs: vec![],
        cold: vec![],
    };
    assert_eq!(
        BlockOrder::new(&empty).unwrap_err(),
        BlockOrderError::BadEntry(0)
    );
}

fn random_cfg() -> impl Strategy<Value = Cfg> {
    (1usize..12).prop_flat_map(|n| {
        let succ = prop::collection::vec(0..n as u32, 0..4);
        (
            prop::collection::vec(succ, n),
            prop::collection::vec(0..n as u32, 0..3),
        )
            .prop_map(|(succs, cold)| Cfg { succs, cold })
    })
}

fn reachable(cfg: &Cfg) -> Vec<bool> {
    let mut seen = vec![false; cfg.succs.len()];
    let mut stack = vec![0u32];
    seen[0] = true;
    while let Some(b) = stack.pop() {
        for &s in &cfg.succs[b as usize] {
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.push(s);
            }
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn block_order_invariants(cfg in random_cfg()) {
        let order = BlockOrder::new(&cfg).unwrap();
        let lo = order.lowered_order();
        let n = lo.len();
        prop_assert_eq!(lo[0], LoweredBlock::Orig { block: 0 });
        // Every reachable block exactly once; no unreachable one.
        let reach = reachable(&cfg);
        for (b, &r) in reach.iter().enumerate() {
            let count = lo.iter().filter(|x| **x == LoweredBlock::Orig { block: b as u32 }).count();
            prop_assert_eq!(count, usize::from(r));
        }
        // Predecessor edge counts in the lowered graph.
        let mut preds = vec![0usize; n];
        for i in 0..n {
            for &s in order.succs(i as u32) {
                prop_assert!((s as usize) < n);
                preds[s as usize] += 1;
            }
        }
        for i in 0..n {
            let succs = order.succs(i as u32);
            // No critical edges.
            if succs.len() > 1 {
                for &s in succs {
                    prop_assert!(preds[s as usize] <= 1, "critical edge {} -> {}", i, s);
                }
            }
            match lo[i] {
                LoweredBlock::Orig { block } => {
                    // Contracting edge blocks gives back the original successors.
                    let orig: Vec<u32> = succs
                        .iter()
                        .map(|&s| match lo[s as usize] {
                            LoweredBlock::Orig { block } => block,
                            LoweredBlock::Edge { succ, .. } => succ,
                        })
                        .collect();
                    prop_assert_eq!(&orig, &cfg.succs[block as usize]);
                }
                LoweredBlock::Edge { pred, succ, succ_idx } => {
                    prop_assert_eq!(preds[i], 1);
                    prop_assert_eq!(succs.len(), 1);
                    prop_assert_eq!(lo[succs[0] as usize], LoweredBlock::Orig { block: succ });
                    prop_assert_eq!(cfg.succs[pred as usize][succ_idx as usize], succ);
                    let p = order.lowered_index(pred).unwrap();
                    prop_assert_eq!(order.succs(p)[succ_idx as usize], i as u32);
                }
            }
        }
        // Reverse postorder: every block but the entry has a predecessor placed
        // before it (the DFS tree parent).
        for i in 1..n {
            let has_earlier_pred = (0..i).any(|p| order.succs(p as u32).contains(&(i as u32)));
            prop_assert!(has_earlier_pred, "block {} has no earlier predecessor", i);
        }
    }
}

/// The IR function is a `CfgView`: a CLIF loop whose latch branches back to the
/// header and out gets both of its edges split (header and exit have two preds).
#[test]
fn block_order_of_clif_function() {
    let src = "function %f(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)

block1(v1: i32):
    brif v1, block2, block3(v1)

block2:
    v2 = iadd_imm v1, -1
    brif v2, block1(v2), block3(v2)

block3(v3: i32):
    return v3
}";
    let funcs = atoll_codegen::text::parse_functions(src).expect("parses");
    let order = BlockOrder::new(&funcs[0]).unwrap();
    assert_eq!(describe(&order), "b0 b1 b2 e2.0>1 e2.1>3 e1.1>3 b3");
}
