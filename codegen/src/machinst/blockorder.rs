//! The order in which blocks are lowered and laid out, with critical edges split.
//!
//! Input: any CFG seen through [`CfgView`] (blocks are dense `u32` indices), so this
//! does not depend on the IR. Output: a list of *lowered blocks*, each either an
//! original block or an *edge block* inserted on a critical edge.
//!
//! Invariants of a [`BlockOrder`]:
//! - the entry block is lowered block 0; blocks unreachable from it are dropped;
//! - no edge goes from a block with several successors to a block with several
//!   predecessors (counting edges, so a branch naming one target twice counts as two
//!   edges): every such edge goes through its own edge block, which has exactly one
//!   predecessor and one successor. regalloc2 requires this to place edge moves;
//! - blocks come in reverse postorder (a block's first successor is visited last by
//!   the depth-first search so it tends to follow the block and fall through);
//! - cold blocks are only *flagged* here (an edge block is cold when its target is):
//!   VCode must stay in reverse postorder. With cold blocks moved ahead of time,
//!   `tests/machinst_regalloc.rs` found regalloc2's checker rejecting allocations
//!   of both allocators, and the single-pass one producing wrong code (the two
//!   saved proptest regressions). The single-pass allocator walks blocks backwards
//!   by index, so it appears to need every value's defining block before the
//!   blocks using it, which RPO guarantees; regalloc2's docs promise order
//!   independence, so this is worth reporting upstream. The emission driver sinks
//!   cold blocks to the end of the function instead;
//! - lowered block `i` is bound to `MachLabel(i)`.

use smallvec::SmallVec;

use crate::buffer::MachLabel;

/// A read-only view of a control-flow graph.
pub trait CfgView {
    /// The entry block.
    fn entry(&self) -> u32;
    /// Number of blocks; blocks are `0..num_blocks()`.
    fn num_blocks(&self) -> usize;
    /// Successors of `block`, in branch order (duplicates allowed).
    fn succs(&self, block: u32) -> SmallVec<[u32; 2]>;
    /// Whether `block` is rarely executed and should be laid out at the end.
    fn is_cold(&self, _block: u32) -> bool {
        false
    }
}

/// One block of the lowered order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoweredBlock {
    /// An original CFG block.
    Orig {
        /// Its index in the CFG.
        block: u32,
    },
    /// A block inserted on the critical edge `pred --(succ_idx)--> succ`; lowering
    /// fills it with the jump (and the branch arguments) of that edge.
    Edge {
        /// Source block of the edge.
        pred: u32,
        /// Position of the edge among `pred`'s successors.
        succ_idx: u32,
        /// Target block of the edge.
        succ: u32,
    },
}

/// Why a block order could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockOrderError {
    /// The entry block index is not below `num_blocks()`.
    BadEntry(u32),
    /// A successor index is not below `num_blocks()`.
    BadSuccessor {
        /// The block naming it.
        block: u32,
        /// The invalid successor.
        succ: u32,
    },
}

impl core::fmt::Display for BlockOrderError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BlockOrderError::BadEntry(b) => write!(f, "entry block {b} does not exist"),
            BlockOrderError::BadSuccessor { block, succ } => {
                write!(f, "block {block} branches to nonexistent block {succ}")
            }
        }
    }
}

impl std::error::Error for BlockOrderError {}

/// The lowered block order of one function (see the module invariants).
#[derive(Clone, Debug)]
pub struct BlockOrder {
    order: Vec<LoweredBlock>,
    cold: Vec<bool>,
    /// Successors of each lowered block, as lowered indices, in branch order.
    succs: Vec<SmallVec<[u32; 2]>>,
    /// Lowered index of each original block (`u32::MAX` when unreachable).
    orig_to_lowered: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl BlockOrder {
    /// Compute the order for `cfg`.
    pub fn new(cfg: &impl CfgView) -> Result<Self, BlockOrderError> {
        let n = cfg.num_blocks();
        let entry = cfg.entry();
        if entry as usize >= n {
            return Err(BlockOrderError::BadEntry(entry));
        }
        let mut orig_succs = Vec::with_capacity(n);
        for b in 0..n as u32 {
            let s = cfg.succs(b);
            if let Some(&bad) = s.iter().find(|&&s| s as usize >= n) {
                return Err(BlockOrderError::BadSuccessor {
                    block: b,
                    succ: bad,
                });
            }
            orig_succs.push(s);
        }
        let reachable = reachable_from(entry, &orig_succs);
        let mut pred_edges = vec![0u32; n];
        for b in (0..n).filter(|&b| reachable[b]) {
            for &s in &orig_succs[b] {
                pred_edges[s as usize] += 1;
            }
        }

        // Nodes `0..n` are original blocks; node `n + k` is `edges[k]`.
        let mut edges: Vec<LoweredBlock> = Vec::new();
        let mut node_succs: Vec<SmallVec<[u32; 2]>> = vec![SmallVec::new(); n];
        for b in (0..n).filter(|&b| reachable[b]) {
            let multi_succ = orig_succs[b].len() > 1;
            for (i, &s) in orig_succs[b].iter().enumerate() {
                if multi_succ && pred_edges[s as usize] > 1 {
                    let node = (n + edges.len()) as u32;
                    edges.push(LoweredBlock::Edge {
                        pred: b as u32,
                        succ_idx: i as u32,
                        succ: s,
                    });
                    node_succs[b].push(node);
                } else {
                    node_succs[b].push(s);
                }
            }
        }
        for e in &edges {
            if let LoweredBlock::Edge { succ, .. } = *e {
                node_succs.push(SmallVec::from_slice(&[succ]));
            }
        }

        let node_info = |node: u32| -> LoweredBlock {
            if (node as usize) < n {
                LoweredBlock::Orig { block: node }
            } else {
                edges[node as usize - n]
            }
        };
        let node_cold = |node: u32| match node_info(node) {
            LoweredBlock::Orig { block } => block != entry && cfg.is_cold(block),
            LoweredBlock::Edge { succ, .. } => succ != entry && cfg.is_cold(succ),
        };

        let nodes = reverse_postorder(entry, &node_succs);

        let mut node_to_lowered = vec![NONE; node_succs.len()];
        for (i, &nd) in nodes.iter().enumerate() {
            node_to_lowered[nd as usize] = i as u32;
        }
        let order: Vec<LoweredBlock> = nodes.iter().map(|&nd| node_info(nd)).collect();
        let cold_flags = nodes.iter().map(|&nd| node_cold(nd)).collect();
        let succs = nodes
            .iter()
            .map(|&nd| {
                node_succs[nd as usize]
                    .iter()
                    .map(|&s| node_to_lowered[s as usize])
                    .collect()
            })
            .collect();
        let orig_to_lowered = node_to_lowered[..n].to_vec();
        Ok(BlockOrder {
            order,
            cold: cold_flags,
            succs,
            orig_to_lowered,
        })
    }

    /// The lowered blocks, in layout order.
    pub fn lowered_order(&self) -> &[LoweredBlock] {
        &self.order
    }

    /// Number of lowered blocks.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no block is lowered (never true: the entry always is).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Lowered index of original block `block`, or `None` when it is unreachable.
    pub fn lowered_index(&self, block: u32) -> Option<u32> {
        self.orig_to_lowered
            .get(block as usize)
            .copied()
            .filter(|&i| i != NONE)
    }

    /// Successors of lowered block `lowered`, as lowered indices, in branch order.
    pub fn succs(&self, lowered: u32) -> &[u32] {
        &self.succs[lowered as usize]
    }

    /// Whether lowered block `lowered` is cold (emitted after all warm blocks).
    pub fn is_cold(&self, lowered: u32) -> bool {
        self.cold[lowered as usize]
    }

    /// The label of lowered block `lowered`.
    pub fn label(lowered: u32) -> MachLabel {
        MachLabel(lowered)
    }

    /// The label a branch at the end of lowered block `lowered` uses for its
    /// successor number `succ_idx` (an edge block where the edge was split).
    pub fn succ_label(&self, lowered: u32, succ_idx: usize) -> MachLabel {
        MachLabel(self.succs[lowered as usize][succ_idx])
    }
}

fn reachable_from(entry: u32, succs: &[SmallVec<[u32; 2]>]) -> Vec<bool> {
    let mut seen = vec![false; succs.len()];
    let mut stack = vec![entry];
    seen[entry as usize] = true;
    while let Some(b) = stack.pop() {
        for &s in &succs[b as usize] {
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.push(s);
            }
        }
    }
    seen
}

/// Iterative depth-first search; successors are explored last-to-first so that the
/// first successor ends up right after its block in reverse postorder.
fn reverse_postorder(entry: u32, succs: &[SmallVec<[u32; 2]>]) -> Vec<u32> {
    let mut visited = vec![false; succs.len()];
    let mut post = Vec::with_capacity(succs.len());
    // (node, number of successors already explored)
    let mut stack: Vec<(u32, usize)> = vec![(entry, 0)];
    visited[entry as usize] = true;
    while let Some(top) = stack.last_mut() {
        let (node, explored) = *top;
        let ss = &succs[node as usize];
        if explored < ss.len() {
            top.1 += 1;
            let next = ss[ss.len() - 1 - explored];
            if !visited[next as usize] {
                visited[next as usize] = true;
                stack.push((next, 0));
            }
        } else {
            post.push(node);
            stack.pop();
        }
    }
    post.reverse();
    post
}
