//! Branch peepholes on the branches that end the code, run whenever a label is bound.
//!
//! Rules (each keeps the code's meaning; all only touch the tail of the buffer):
//! 1. **Jump threading**: labels bound at an unconditional branch become aliases of
//!    its target, so their uses jump straight there (refused when it would alias a
//!    label to itself, i.e. `L: b L`).
//! 2. **Fallthrough removal**: a branch (conditional or not) whose target is the
//!    current offset is deleted; labels bound at it move to the new tail.
//! 3. **Condition inversion**: `b.cond L1; b L2; L1:` becomes `b.!cond L2; L1:` when no
//!    label is bound at the unconditional branch.
//!
//! Invariant: `latest_branches` are contiguous and the last one ends at the current
//! offset whenever a rule runs (otherwise the list is stale and is dropped).

use smallvec::SmallVec;

use super::fixups::FixupId;
use super::{CodeOffset, IslandIsa, MachBuffer, MachLabel};

/// One branch at the tail of the buffer.
#[derive(Clone, Debug)]
pub(crate) struct BranchRecord<L> {
    pub(crate) start: CodeOffset,
    pub(crate) end: CodeOffset,
    pub(crate) target: MachLabel,
    /// Offset and kind of the branch's label use.
    pub(crate) use_off: CodeOffset,
    pub(crate) kind: L,
    /// Its pending fixup (`None` when the use was resolved at once).
    pub(crate) fixup: Option<FixupId>,
    /// Bytes of the branch with the opposite condition; `None` when unconditional.
    pub(crate) inverted: Option<SmallVec<[u8; 8]>>,
    /// Labels bound at `start`.
    pub(crate) labels: SmallVec<[MachLabel; 4]>,
}

impl<L: IslandIsa> MachBuffer<L> {
    /// Declare that the branch about to be written at `start..end` (the current offset
    /// is `start`) is an unconditional jump to `target`, whose label use was the last
    /// one recorded. Enables the peepholes; the bytes follow this call.
    pub fn add_uncond_branch(&mut self, start: CodeOffset, end: CodeOffset, target: MachLabel) {
        self.add_branch(start, end, target, None);
        // Post-invariant: `latest_branches` stay contiguous.
    }

    /// As [`Self::add_uncond_branch`] for a conditional branch; `inverted` is the same
    /// branch with the opposite condition (same length).
    pub fn add_cond_branch(
        &mut self,
        start: CodeOffset,
        end: CodeOffset,
        target: MachLabel,
        inverted: &[u8],
    ) {
        self.add_branch(start, end, target, Some(SmallVec::from_slice(inverted)));
        // Post-invariant: `latest_branches` stay contiguous.
    }

    fn add_branch(
        &mut self,
        start: CodeOffset,
        end: CodeOffset,
        target: MachLabel,
        inverted: Option<SmallVec<[u8; 8]>>,
    ) {
        let Some((use_off, kind, label, fixup)) = self.last_use else {
            return;
        };
        let cur = self.cur_offset();
        // A branch the buffer cannot tie to its use is simply not optimized.
        if start != cur || end <= start || label != target || use_off < start || use_off >= end {
            self.latest_branches.clear();
            return;
        }
        if inverted
            .as_ref()
            .is_some_and(|b| b.len() as CodeOffset != end - start)
        {
            self.latest_branches.clear();
            return;
        }
        if self.latest_branches.last().is_some_and(|b| b.end != start) {
            self.latest_branches.clear();
        }
        let labels = if self.labels_at_tail_off == cur {
            self.labels_at_tail.clone()
        } else {
            SmallVec::new()
        };
        self.latest_branches.push(BranchRecord {
            start,
            end,
            target,
            use_off,
            kind,
            fixup,
            inverted,
            labels,
        });
        self.debug_check();
    }

    /// Apply the rules until none fires.
    pub(super) fn optimize_branches(&mut self) {
        loop {
            let cur = self.cur_offset();
            let Some(b) = self.latest_branches.last() else {
                return;
            };
            if b.end != cur {
                self.latest_branches.clear();
                return;
            }
            let last = self.latest_branches.len() - 1;
            if self.latest_branches[last].inverted.is_none() {
                self.thread_jump(last);
            }
            let b = &self.latest_branches[last];
            if self.labels.offset(b.target) == Some(cur) {
                self.remove_last_branch();
                continue;
            }
            if b.inverted.is_none() && b.labels.is_empty() && last > 0 {
                let b2 = &self.latest_branches[last - 1];
                if b2.inverted.is_some()
                    && b2.end == b.start
                    && b2.fixup.is_some()
                    && self.labels.offset(b2.target) == Some(cur)
                {
                    self.invert_cond_branch(last - 1);
                    continue;
                }
            }
            return;
        }
    }

    /// Rule 1 on branch `i` (unconditional).
    fn thread_jump(&mut self, i: usize) {
        let target = self.latest_branches[i].target;
        let labels = std::mem::take(&mut self.latest_branches[i].labels);
        let mut kept = SmallVec::new();
        for l in labels {
            if l != target && self.labels.alias(l, target) {
                self.labels_at_tail.retain(|t| *t != l);
                self.fixups.relink(l, target);
                self.resolve_pending_of(target);
                self.stats.peephole_edits += 1;
            } else {
                kept.push(l);
            }
        }
        self.latest_branches[i].labels = kept;
    }

    /// Rule 2: delete the last branch; its labels and the tail labels meet at its start.
    fn remove_last_branch(&mut self) {
        let Some(b) = self.latest_branches.pop() else {
            return;
        };
        self.truncate_to(b.start, b.fixup);
        let mut at_tail = b.labels;
        for &l in &self.labels_at_tail.clone() {
            if self.labels.own_offset(l).is_some() {
                self.labels.bind(l, b.start);
                if !at_tail.contains(&l) {
                    at_tail.push(l);
                }
            }
        }
        self.labels_at_tail = at_tail;
        self.labels_at_tail_off = b.start;
        self.stats.peephole_edits += 1;
    }

    /// Rule 3: branch `i` is conditional and jumps over branch `i + 1` (the last one,
    /// unconditional) to the current offset: invert it towards that branch's target,
    /// then delete that branch.
    fn invert_cond_branch(&mut self, i: usize) {
        let uncond_target = self.latest_branches[i + 1].target;
        self.remove_last_branch();
        let b2 = &self.latest_branches[i];
        let (start, end, use_off, kind, old_fixup) =
            (b2.start, b2.end, b2.use_off, b2.kind, b2.fixup);
        let Some(inverted) = b2.inverted.clone() else {
            return;
        };
        let original: SmallVec<[u8; 8]> =
            SmallVec::from_slice(&self.data[start as usize..end as usize]);
        self.data[start as usize..end as usize].copy_from_slice(&inverted);
        if let Some(id) = old_fixup {
            self.fixups.remove(id);
        }
        let fixup = self.record_use(use_off, uncond_target, kind, false);
        let b2 = &mut self.latest_branches[i];
        b2.inverted = Some(original);
        b2.target = uncond_target;
        b2.fixup = fixup;
        self.last_use = None;
    }

    /// Cut the code back to `off`, dropping the fixup of the deleted instruction and
    /// anything recorded inside the removed bytes.
    fn truncate_to(&mut self, off: CodeOffset, fixup: Option<FixupId>) {
        self.data.truncate(off as usize);
        if let Some(id) = fixup {
            self.fixups.remove(id);
        }
        while self.known_uses.last().is_some_and(|u| u.0 >= off) {
            self.known_uses.pop();
        }
        while let Some(s) = self.srclocs.last_mut() {
            if s.start >= off {
                self.srclocs.pop();
            } else {
                s.end = s.end.min(off);
                break;
            }
        }
        if let Some((start, _)) = &mut self.cur_srcloc {
            *start = (*start).min(off);
        }
        self.last_use = None;
    }
}
