//! Label uses ("fixups"): pending ones ordered by deadline, and resolved ones waiting
//! to be patched.
//!
//! A fixup's *deadline* is the last offset its label may have for the use to reach it
//! directly: `use offset + kind.max_pos_range()`. Pending fixups sit in a min-heap on
//! deadlines so the next island is always decided by the soonest one, in O(log n) per
//! fixup. A fixup whose label got bound within reach leaves the heap for the *bound*
//! list (patched at the next island or at finish, with the label's offset then), so
//! only uses that may still need a veneer or a constant can force an island.
//!
//! The queue also keeps the worst-case bytes of veneers the pending fixups could need:
//! at most one veneer chain per distinct (label, kind), because an island shares one
//! veneer among all uses of the same target and kind.
//!
//! Invariants:
//! - Every `Pending` fixup is in the heap exactly once; other heap entries are
//!   tombstones, skipped when they reach the top, and the top is never a tombstone.
//! - Every `Bound` fixup is in `bound` exactly once.
//! - `veneer_bytes` is the sum of `chain_size` over keys with a non-zero count of
//!   pending counted fixups.
//! - Each label's list links every fixup pushed pending for it since the label was
//!   last resolved (states may have changed since; walkers skip non-pending ones).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::{CodeOffset, LabelUse, MachLabel};

/// Index of a fixup in its queue.
pub(crate) type FixupId = u32;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FixupState {
    /// In the deadline heap: may still need a veneer, constant or trap stub.
    Pending,
    /// Its label is bound within reach; waiting to be patched.
    Bound,
    /// Patched, redirected, or its instruction was deleted.
    Done,
}

/// One recorded use of a label.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixup<L> {
    pub(crate) offset: CodeOffset,
    pub(crate) label: MachLabel,
    pub(crate) kind: L,
    /// Redirect through a veneer even if the label is in range (`force_veneers`).
    pub(crate) force_veneer: bool,
    pub(crate) state: FixupState,
    /// Worst-case veneer chain bytes this fixup adds to its key, 0 when uncounted.
    chain_size: CodeOffset,
    /// Next fixup pushed pending for the same label.
    next_same_label: u32,
}

impl<L: LabelUse> Fixup<L> {
    pub(crate) fn deadline(&self) -> CodeOffset {
        self.offset.saturating_add(self.kind.max_pos_range())
    }
}

/// The fixups of one buffer.
#[derive(Debug)]
pub(crate) struct FixupQueue<L: LabelUse> {
    fixups: Vec<Fixup<L>>,
    heap: BinaryHeap<Reverse<(CodeOffset, FixupId)>>,
    bound: Vec<FixupId>,
    /// First fixup of each label's list (by label number), `NONE` when empty.
    label_head: Vec<u32>,
    keys: HashMap<(MachLabel, L), (u32, CodeOffset)>,
    veneer_bytes: CodeOffset,
}

impl<L: LabelUse> Default for FixupQueue<L> {
    fn default() -> Self {
        FixupQueue {
            fixups: Vec::new(),
            heap: BinaryHeap::new(),
            bound: Vec::new(),
            label_head: Vec::new(),
            keys: HashMap::new(),
            veneer_bytes: 0,
        }
    }
}

impl<L: LabelUse> FixupQueue<L> {
    fn new_fixup(
        &mut self,
        offset: CodeOffset,
        label: MachLabel,
        kind: L,
        state: FixupState,
    ) -> FixupId {
        let id = self.fixups.len() as FixupId;
        self.fixups.push(Fixup {
            offset,
            label,
            kind,
            force_veneer: false,
            state,
            chain_size: 0,
            next_same_label: NONE,
        });
        id
    }

    /// Enqueue a pending use. `chain_size` is the worst-case veneer chain for its kind
    /// (0 for kinds without veneers and for uses that never need one).
    pub(crate) fn push(
        &mut self,
        offset: CodeOffset,
        label: MachLabel,
        kind: L,
        force_veneer: bool,
        chain_size: CodeOffset,
    ) -> FixupId {
        let id = self.new_fixup(offset, label, kind, FixupState::Pending);
        let l = label.0 as usize;
        if self.label_head.len() <= l {
            self.label_head.resize(l + 1, NONE);
        }
        let f = &mut self.fixups[id as usize];
        f.force_veneer = force_veneer;
        f.chain_size = chain_size;
        f.next_same_label = self.label_head[l];
        self.label_head[l] = id;
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

    /// Record a use whose label is already bound within reach.
    pub(crate) fn push_bound(&mut self, offset: CodeOffset, label: MachLabel, kind: L) -> FixupId {
        let id = self.new_fixup(offset, label, kind, FixupState::Bound);
        self.bound.push(id);
        id
    }

    pub(crate) fn get(&self, id: FixupId) -> &Fixup<L> {
        &self.fixups[id as usize]
    }

    fn leave_pending(&mut self, id: FixupId, to: FixupState) {
        let f = &mut self.fixups[id as usize];
        if f.state != FixupState::Pending {
            return;
        }
        f.state = to;
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

    /// Retire a fixup (its instruction was deleted, or it was handled).
    pub(crate) fn remove(&mut self, id: FixupId) {
        self.leave_pending(id, FixupState::Done);
        if let Some(f) = self.fixups.get_mut(id as usize) {
            f.state = FixupState::Done;
        }
    }

    /// Move a pending fixup whose label is now bound within reach to the bound list.
    pub(crate) fn bind(&mut self, id: FixupId) {
        if self.fixups[id as usize].state == FixupState::Pending {
            self.leave_pending(id, FixupState::Bound);
            self.bound.push(id);
        }
    }

    /// Pending fixups of `label` (in reverse order of use); the list is emptied.
    pub(crate) fn take_pending_of(&mut self, label: MachLabel) -> Vec<FixupId> {
        let mut out = Vec::new();
        let Some(head) = self.label_head.get_mut(label.0 as usize) else {
            return out;
        };
        let mut id = std::mem::replace(head, NONE);
        while id != NONE {
            let f = &self.fixups[id as usize];
            if f.state == FixupState::Pending {
                out.push(id);
            }
            id = f.next_same_label;
        }
        out
    }

    /// Move `from`'s pending list onto `to`'s (after aliasing `from` to `to`).
    pub(crate) fn relink(&mut self, from: MachLabel, to: MachLabel) {
        let ids = self.take_pending_of(from);
        let t = to.0 as usize;
        if self.label_head.len() <= t {
            self.label_head.resize(t + 1, NONE);
        }
        for id in ids {
            self.fixups[id as usize].next_same_label = self.label_head[t];
            self.label_head[t] = id;
        }
    }

    /// Hand back the bound fixups (their state is still `Bound`).
    pub(crate) fn take_bound(&mut self) -> Vec<FixupId> {
        std::mem::take(&mut self.bound)
    }

    /// Mark a bound fixup patched.
    pub(crate) fn set_done(&mut self, id: FixupId) {
        self.fixups[id as usize].state = FixupState::Done;
    }

    /// Put a bound fixup back on the bound list (its bytes are not written yet).
    pub(crate) fn keep_bound(&mut self, id: FixupId) {
        self.bound.push(id);
    }

    fn clean_top(&mut self) {
        while let Some(Reverse((_, id))) = self.heap.peek() {
            if self.fixups[*id as usize].state == FixupState::Pending {
                break;
            }
            self.heap.pop();
        }
    }

    /// Soonest deadline of any pending fixup.
    pub(crate) fn min_deadline(&self) -> Option<CodeOffset> {
        self.heap.peek().map(|Reverse((d, _))| *d)
    }

    /// Kind of the pending fixup with the soonest deadline.
    pub(crate) fn soonest_kind(&self) -> Option<L> {
        self.heap
            .peek()
            .map(|Reverse((_, id))| self.fixups[*id as usize].kind)
    }

    /// Take out the pending fixup with the soonest deadline if that deadline is below
    /// `threshold`; the caller must then resolve it (patch or veneer).
    pub(crate) fn pop_due(&mut self, threshold: CodeOffset) -> Option<Fixup<L>> {
        let Reverse((d, id)) = *self.heap.peek()?;
        if d >= threshold {
            return None;
        }
        let f = self.fixups[id as usize];
        self.remove(id);
        Some(f)
    }

    /// Worst-case bytes of veneers the pending fixups could need in one island.
    pub(crate) fn veneer_bytes(&self) -> CodeOffset {
        self.veneer_bytes
    }

    /// Pending fixups in deadline order (for `check_invariants`).
    pub(crate) fn pending_sorted(&self) -> Vec<Fixup<L>> {
        let mut v: Vec<(CodeOffset, FixupId)> = self.heap.iter().map(|Reverse(e)| *e).collect();
        v.sort_unstable();
        v.into_iter()
            .map(|(_, id)| self.fixups[id as usize])
            .filter(|f| f.state == FixupState::Pending)
            .collect()
    }

    /// Recompute `veneer_bytes` from scratch (for `check_invariants`).
    pub(crate) fn recount_veneer_bytes(&self) -> CodeOffset {
        let mut keys: HashMap<(MachLabel, L), CodeOffset> = HashMap::new();
        for f in self.pending_sorted() {
            if f.chain_size > 0 {
                keys.insert((f.label, f.kind), f.chain_size);
            }
        }
        keys.values().sum()
    }
}
