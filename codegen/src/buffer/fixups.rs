//! Pending label uses ("fixups"), ordered by deadline.
//!
//! A fixup's *deadline* is the last offset its label may have for the use to reach it
//! directly: `use offset + kind.max_pos_range()`. The queue is a min-heap on deadlines
//! so the next island is always decided by the soonest one, in O(log n) per fixup.
//!
//! The queue also keeps the worst-case bytes of veneers the pending fixups could need:
//! at most one veneer chain per distinct (label, kind), because an island shares one
//! veneer among all uses of the same target and kind.
//!
//! Invariants:
//! - Every live fixup is in the heap exactly once; removed fixups stay in `fixups` as
//!   tombstones and are skipped when they reach the top of the heap.
//! - `veneer_bytes` is the sum of `chain_size` over keys with a non-zero count of live
//!   counted fixups.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::{CodeOffset, LabelUse, MachLabel};

/// Index of a fixup in its queue.
pub(crate) type FixupId = u32;

/// One recorded use of a label.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixup<L> {
    pub(crate) offset: CodeOffset,
    pub(crate) label: MachLabel,
    pub(crate) kind: L,
    /// Redirect through a veneer even if the label is in range (`force_veneers`).
    pub(crate) force_veneer: bool,
    live: bool,
    /// Worst-case veneer chain bytes this fixup adds to its key, 0 when uncounted.
    chain_size: CodeOffset,
}

impl<L: LabelUse> Fixup<L> {
    pub(crate) fn deadline(&self) -> CodeOffset {
        self.offset.saturating_add(self.kind.max_pos_range())
    }
}

/// The pending fixups of one buffer.
#[derive(Debug)]
pub(crate) struct FixupQueue<L: LabelUse> {
    fixups: Vec<Fixup<L>>,
    heap: BinaryHeap<Reverse<(CodeOffset, FixupId)>>,
    keys: HashMap<(MachLabel, L), (u32, CodeOffset)>,
    veneer_bytes: CodeOffset,
}

impl<L: LabelUse> Default for FixupQueue<L> {
    fn default() -> Self {
        FixupQueue { fixups: Vec::new(), heap: BinaryHeap::new(), keys: HashMap::new(), veneer_bytes: 0 }
    }
}

impl<L: LabelUse> FixupQueue<L> {
    /// Enqueue a use. `chain_size` is the worst-case veneer chain for its kind (0 for
    /// kinds without veneers).
    pub(crate) fn push(
        &mut self,
        offset: CodeOffset,
        label: MachLabel,
        kind: L,
        force_veneer: bool,
        chain_size: CodeOffset,
    ) -> FixupId {
        let id = self.fixups.len() as FixupId;
        let f = Fixup { offset, label, kind, force_veneer, live: true, chain_size };
        self.fixups.push(f);
        self.heap.push(Reverse((f.deadline(), id)));
        if chain_size > 0 {
            let e = self.keys.entry((label, kind)).or_insert((0, chain_size));
            if e.0 == 0 {
                self.veneer_bytes += chain_size;
            }
            e.0 += 1;
        }
        id
    }


    /// Retire a fixup (handled, or its instruction was deleted).
    pub(crate) fn remove(&mut self, id: FixupId) {
        let Some(f) = self.fixups.get_mut(id as usize) else { return };
        if !f.live {
            return;
        }
        f.live = false;
        if f.chain_size > 0 {
            if let Some(e) = self.keys.get_mut(&(f.label, f.kind)) {
                e.0 -= 1;
                if e.0 == 0 {
                    self.veneer_bytes -= e.1;
                    self.keys.remove(&(f.label, f.kind));
                }
            }
        }
        self.clean_top();
    }

    fn clean_top(&mut self) {
        while let Some(Reverse((_, id))) = self.heap.peek() {
            if self.fixups[*id as usize].live {
                break;
            }
            self.heap.pop();
        }
    }

    /// Soonest deadline of any live fixup.
    pub(crate) fn min_deadline(&self) -> Option<CodeOffset> {
        self.heap.peek().map(|Reverse((d, _))| *d)
    }

    /// Take out the live fixup with the soonest deadline if that deadline is below
    /// `threshold`; the caller must then resolve it (patch or veneer).
    pub(crate) fn pop_due(&mut self, threshold: CodeOffset) -> Option<Fixup<L>> {
        self.clean_top();
        let Reverse((d, id)) = *self.heap.peek()?;
        if d >= threshold {
            return None;
        }
        let f = self.fixups[id as usize];
        self.remove(id);
        Some(f)
    }

    /// Worst-case bytes of veneers the live fixups could need in one island.
    pub(crate) fn veneer_bytes(&self) -> CodeOffset {
        self.veneer_bytes
    }



    /// Live fixups in deadline order (for `check_invariants`).
    pub(crate) fn live_sorted(&self) -> Vec<Fixup<L>> {
        let mut v: Vec<(CodeOffset, FixupId)> = self.heap.iter().map(|Reverse(e)| *e).collect();
        v.sort_unstable();
        v.into_iter().map(|(_, id)| self.fixups[id as usize]).filter(|f| f.live).collect()
    }

    /// Recompute `veneer_bytes` from scratch (for `check_invariants`).
    pub(crate) fn recount_veneer_bytes(&self) -> CodeOffset {
        let mut keys: HashMap<(MachLabel, L), CodeOffset> = HashMap::new();
        for Reverse((_, id)) in self.heap.iter() {
            let f = &self.fixups[*id as usize];
            if f.live && f.chain_size > 0 {
                keys.insert((f.label, f.kind), f.chain_size);
            }
        }
        keys.values().sum()
    }
}
