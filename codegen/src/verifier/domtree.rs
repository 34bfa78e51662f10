//! Dominators of a control-flow graph, by the Cooper–Harvey–Kennedy iterative method
//! ("A Simple, Fast Dominance Algorithm", 2001).
//!
//! Nodes are dense indices `0..n`. Invariants after [`DomTree::compute`]: `idom(entry)`
//! is `None`; every other node reachable from the entry has `Some(idom)` with a smaller
//! reverse-postorder number; unreachable nodes have no rpo number and dominate nothing
//! and are dominated by nothing. Each pass visits every edge once and converges in a
//! few passes for reducible graphs, so the cost is near-linear, never quadratic in
//! practice. The tree is then numbered in DFS pre- and post-order, so a dominance
//! query is O(1): `a` dominates `b` iff `b`'s interval nests in `a`'s.

/// Sentinel for "no reverse-postorder number": the node is unreachable.
const UNREACHABLE: u32 = u32::MAX;

/// The dominator tree of a graph.
#[derive(Debug, Clone)]
pub struct DomTree {
    /// Reverse-postorder number of each node, or `UNREACHABLE`.
    rpo_number: Vec<u32>,
    /// Immediate dominator of each reachable non-entry node.
    idom: Vec<Option<u32>>,
    /// Pre-order and post-order numbers in the dominator tree (`UNREACHABLE` when
    /// unreachable).
    pre: Vec<u32>,
    post: Vec<u32>,
}

impl DomTree {
    /// Computes dominators of the graph with `n` nodes, entry `entry`, and successor
    /// lists `succs[node]`. Successor indices `>= n` are ignored (the verifier reports
    /// them separately).
    pub fn compute(n: usize, entry: usize, succs: &[Vec<u32>]) -> DomTree {
        let mut tree = DomTree {
            rpo_number: vec![UNREACHABLE; n],
            idom: vec![None; n],
            pre: vec![UNREACHABLE; n],
            post: vec![UNREACHABLE; n],
        };
        if entry >= n {
            return tree;
        }
        let rpo = reverse_postorder(n, entry, succs);
        for (i, &node) in rpo.iter().enumerate() {
            tree.rpo_number[node as usize] = i as u32;
        }
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &node in &rpo {
            for &s in succs.get(node as usize).into_iter().flatten() {
                if (s as usize) < n {
                    preds[s as usize].push(node);
                }
            }
        }
        // The entry is its own idom during the iteration; cleared at the end.
        tree.idom[entry] = Some(entry as u32);
        let mut changed = true;
        while changed {
            changed = false;
            for &node in rpo.iter().skip(1) {
                let mut new_idom: Option<u32> = None;
                for &p in &preds[node as usize] {
                    if tree.idom[p as usize].is_none() {
                        continue;
                    }
                    new_idom = Some(match new_idom {
                        None => p,
                        Some(cur) => tree.intersect(p, cur),
                    });
                }
                if new_idom.is_some() && tree.idom[node as usize] != new_idom {
                    tree.idom[node as usize] = new_idom;
                    changed = true;
                }
            }
        }
        tree.idom[entry] = None;
        tree.number_tree(entry, &rpo);
        tree
    }

    /// Numbers the dominator tree in DFS pre- and post-order (iteratively: deep trees
    /// must not overflow the stack).
    fn number_tree(&mut self, entry: usize, rpo: &[u32]) {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.idom.len()];
        for &node in rpo.iter().skip(1) {
            if let Some(parent) = self.idom[node as usize] {
                children[parent as usize].push(node);
            }
        }
        let (mut pre, mut post) = (0u32, 0u32);
        self.pre[entry] = pre;
        pre += 1;
        let mut stack: Vec<(u32, usize)> = vec![(entry as u32, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if let Some(&child) = children[node as usize].get(next) {
                top.1 += 1;
                self.pre[child as usize] = pre;
                pre += 1;
                stack.push((child, 0));
            } else {
                self.post[node as usize] = post;
                post += 1;
                stack.pop();
            }
        }
    }

    /// Common dominator of `a` and `b`, walking up by rpo number.
    fn intersect(&self, mut a: u32, mut b: u32) -> u32 {
        while a != b {
            while self.rpo_number[a as usize] > self.rpo_number[b as usize] {
                a = self.idom[a as usize].unwrap_or(a);
            }
            while self.rpo_number[b as usize] > self.rpo_number[a as usize] {
                b = self.idom[b as usize].unwrap_or(b);
            }
        }
        a
    }

    /// Is `node` reachable from the entry?
    pub fn is_reachable(&self, node: usize) -> bool {
        self.rpo_number.get(node).is_some_and(|&r| r != UNREACHABLE)
    }

    /// The immediate dominator of `node` (`None` for the entry and unreachable nodes).
    pub fn idom(&self, node: usize) -> Option<usize> {
        self.idom.get(node).copied().flatten().map(|i| i as usize)
    }

    /// Does `a` dominate `b`? Every reachable node dominates itself; unreachable nodes
    /// take part in no dominance relation.
    pub fn dominates(&self, a: usize, b: usize) -> bool {
        if !self.is_reachable(a) || !self.is_reachable(b) {
            return false;
        }
        self.pre[a] <= self.pre[b] && self.post[b] <= self.post[a]
    }
}

/// Iterative DFS postorder, reversed. Successors are visited in list order.
fn reverse_postorder(n: usize, entry: usize, succs: &[Vec<u32>]) -> Vec<u32> {
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    // (node, index of the next successor to visit)
    let mut stack: Vec<(u32, usize)> = vec![(entry as u32, 0)];
    visited[entry] = true;
    while let Some(top) = stack.last_mut() {
        let (node, next) = *top;
        let node_succs = succs.get(node as usize).map_or(&[][..], |v| &v[..]);
        if let Some(&s) = node_succs.get(next) {
            top.1 += 1;
            if (s as usize) < n && !visited[s as usize] {
                visited[s as usize] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(node);
            stack.pop();
        }
    }
    order.reverse();
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn idom_table() {
        // (successor lists, expected idom of each node; entry is 0)
        type Case<'a> = (&'a [&'a [u32]], &'a [Option<usize>]);
        let cases: &[Case<'_>] = &[
            (&[&[]], &[None]),
            // Diamond 0 -> 1,2 -> 3.
            (
                &[&[1, 2], &[3], &[3], &[]],
                &[None, Some(0), Some(0), Some(0)],
            ),
            // Loop 0 -> 1 -> 2 -> 1, 2 -> 3.
            (
                &[&[1], &[2], &[1, 3], &[]],
                &[None, Some(0), Some(1), Some(2)],
            ),
            // Unreachable node 2, and an edge out of range.
            (&[&[1], &[9], &[1]], &[None, Some(0), None]),
            // Irreducible: 0 -> 1,2; 1 <-> 2; 2 -> 3.
            (
                &[&[1, 2], &[2], &[1, 3], &[]],
                &[None, Some(0), Some(0), Some(2)],
            ),
            // A 3 <-> 4 cycle entered from three places.
            (
                &[&[1, 2], &[3], &[4, 5], &[4], &[3], &[4]],
                &[None, Some(0), Some(0), Some(0), Some(0), Some(2)],
            ),
        ];
        for (succs, want) in cases {
            let succs: Vec<Vec<u32>> = succs.iter().map(|s| s.to_vec()).collect();
            let t = DomTree::compute(succs.len(), 0, &succs);
            let got: Vec<_> = (0..succs.len()).map(|i| t.idom(i)).collect();
            assert_eq!(&got[..], *want, "graph {succs:?}");
        }
    }

    #[test]
    fn dominates_basics() {
        let succs = vec![vec![1, 2], vec![3], vec![3], vec![], vec![3]];
        let t = DomTree::compute(5, 0, &succs);
        assert!(t.dominates(0, 3));
        assert!(t.dominates(3, 3));
        assert!(!t.dominates(1, 3));
        assert!(!t.dominates(4, 3));
        assert!(!t.dominates(4, 4));
        assert!(!t.is_reachable(4));
    }

    /// Brute force: `a` dominates `b` iff `b` is unreachable from the entry once `a`
    /// is removed (for `a != b`).
    fn reaches_avoiding(succs: &[Vec<u32>], from: usize, to: usize, avoid: usize) -> bool {
        if from == avoid {
            return false;
        }
        let mut seen = vec![false; succs.len()];
        let mut stack = vec![from];
        seen[from] = true;
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            for &s in &succs[n] {
                let s = s as usize;
                if s < succs.len() && s != avoid && !seen[s] {
                    seen[s] = true;
                    stack.push(s);
                }
            }
        }
        false
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn matches_brute_force(succs in prop::collection::vec(prop::collection::vec(0u32..10, 0..3), 1..10)) {
            let n = succs.len();
            let t = DomTree::compute(n, 0, &succs);
            for b in 0..n {
                let reachable = reaches_avoiding(&succs, 0, b, usize::MAX);
                prop_assert_eq!(t.is_reachable(b), reachable);
                for a in 0..n {
                    let want = reachable && (a == b || !reaches_avoiding(&succs, 0, b, a));
                    prop_assert_eq!(t.dominates(a, b), want, "a={} b={}", a, b);
                }
            }
        }
    }
}
