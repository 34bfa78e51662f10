//! Islands: where pending uses are patched or redirected through veneers, and where
//! deferred trap stubs and constant pools are placed.
//!
//! Layout of an island: `[jump around it][veneers][trap stubs][constants]`. The jump is
//! left out at a function boundary, after an unconditional branch, and at `finish`.
//!
//! Which pending fixups an island handles: they come out of the deadline heap in
//! order while their deadline is below `current end of the island + what it still
//! adds (trap stubs, constants) + worst-case size of the next island + distance`.
//! Anything later stays queued: the invariant then still holds after the island, and
//! the caller can emit `distance` bytes before it must ask again. Veneers are placed in
//! deadline order, which is why each use only needs the island's worst case *up to
//! its own veneer* to end before its deadline (see the module doc of `buffer`). A handled fixup whose label is bound and in range is patched;
//! otherwise it goes through a veneer (shared per target and kind), and the veneer's
//! own use is queued like any other, so chains (19 → 26 → long) form naturally, in the
//! same island when even the longer kind would not reach the next one.

use std::collections::HashSet;

use super::fixups::Fixup;
use super::machbuffer::in_range;
use super::records::{BufferError, IslandRecord};
use super::{CodeOffset, IslandIsa, MachBuffer, MachLabel};

impl<L: IslandIsa> MachBuffer<L> {
    /// Size of an island's fixed parts: jump-around and alignment slack.
    fn island_base_size(&self) -> CodeOffset {
        L::JUMP_SIZE + (L::ALIGN - 1) + 2 * (L::INSN_ALIGN - 1)
    }

    /// Worst-case size of an island emitted now.
    pub fn worst_case_island_size(&self) -> CodeOffset {
        self.island_base_size()
            + self.fixups.veneer_bytes()
            + self.deferred_traps.len() as CodeOffset * L::TRAP_SIZE
            + self.constants.next_pool_bytes()
    }

    /// Whether an island must be emitted before `distance` more bytes (and the label
    /// uses, constants and trap stubs they add) can be written.
    pub fn island_needed(&self, distance: CodeOffset) -> bool {
        match self.fixups.min_deadline() {
            Some(d) => {
                self.cur_offset()
                    .saturating_add(distance)
                    .saturating_add(self.worst_case_island_size())
                    > d
            }
            None => false,
        }
    }

    /// Forward range of the pending use with the soonest deadline.
    pub fn soonest_range(&self) -> Option<CodeOffset> {
        self.fixups.soonest_kind().map(|k| k.max_pos_range())
    }

    /// [`Self::island_needed`], also true when a use of `kind` written within `distance`
    /// bytes could not reach an island emitted right after it. Emitters ask this before
    /// short-range uses of the island's own trap stubs and constants (A32 `ldr`
    /// literals, a conditional branch to a trap stub on a short-range ISA).
    ///
    /// When it is true, `emit_island(kind.max_pos_range())` usually makes room; if it is
    /// still true after that (the worst case counts a veneer for every pending use, even
    /// far ones), `emit_island(CodeOffset::MAX)` resolves every pending use now and
    /// always does.
    pub fn island_needed_for_use(&self, distance: CodeOffset, kind: L) -> bool {
        self.island_needed(distance)
            || distance.saturating_add(self.worst_case_island_size()) > kind.max_pos_range()
    }

    /// Emit an island here, jumping around it (the code before it may fall through).
    /// `distance` is how far the caller expects to emit before it asks again.
    pub fn emit_island(&mut self, distance: CodeOffset) {
        self.emit_island_inner(distance, false, true);
        // Post-invariant: cur + worst_case_island_size() + distance <= soonest deadline,
        // provided the invariant held before (see the module doc).
    }

    /// Emit an island at a point that execution never falls through to (between
    /// functions), without a jump around it.
    pub fn emit_island_at_boundary(&mut self, distance: CodeOffset) {
        self.emit_island_inner(distance, false, false);
        // Post-invariant: as for `emit_island`.
    }

    /// The last island: resolve everything.
    pub(super) fn finish_island(&mut self) {
        self.emit_island_inner(CodeOffset::MAX, true, false);
    }

    fn emit_island_inner(&mut self, distance: CodeOffset, final_island: bool, may_jump: bool) {
        self.apply_bound();
        self.apply_known_uses();
        if self.fixups.min_deadline().is_none()
            && self.deferred_traps.is_empty()
            && self.constants.next_pool_bytes() == 0
        {
            return;
        }
        let start = self.cur_offset();
        // No jump is needed after an unconditional branch, unless a label is bound
        // right here: code jumping to it must land past the island.
        let labels_here = self.labels_at_tail_off == start && !self.labels_at_tail.is_empty();
        let after_jump = self
            .latest_branches
            .last()
            .is_some_and(|b| b.end == start && b.inverted.is_none());
        let ends_in_jump = after_jump && !labels_here;
        self.latest_branches.clear();
        self.labels_at_tail.clear();
        self.last_use = None;
        let jump = if may_jump && !ends_in_jump {
            let mut bytes = Vec::new();
            let (off, kind) = L::write_jump(&mut bytes);
            self.data.extend_from_slice(&bytes);
            Some((start + off, kind))
        } else {
            None
        };
        let body_start = self.cur_offset();

        // Labels placed by this island itself are resolved after it, never veneered.
        let local = std::mem::take(&mut self.local_labels);

        let mut after: Vec<Fixup<L>> = Vec::new();
        // What this island still adds after the veneers placed so far.
        let tail_bytes = self.deferred_traps.len() as CodeOffset * L::TRAP_SIZE
            + self.constants.next_pool_bytes()
            + 2 * (L::INSN_ALIGN - 1);
        loop {
            let threshold = if final_island {
                CodeOffset::MAX
            } else {
                self.cur_offset()
                    .saturating_add(
                        tail_bytes + self.island_base_size() + self.fixups.veneer_bytes(),
                    )
                    .saturating_add(distance)
            };
            let Some(f) = self.fixups.pop_due(threshold) else {
                break;
            };
            self.handle_fixup(f, final_island, &local, &mut after);
        }

        let traps = self.deferred_traps.take();
        if !traps.is_empty() {
            self.align_to(L::INSN_ALIGN);
            for (l, code) in traps {
                self.labels.bind(l, self.cur_offset());
                self.resolve_pending_of(l);
                self.add_trap(code);
                L::write_trap(&mut self.data);
            }
        }
        for (bytes, align, l) in self.constants.take_pool() {
            self.align_to(align);
            self.labels.bind(l, self.cur_offset());
            self.resolve_pending_of(l);
            self.data.extend_from_slice(&bytes);
        }
        self.align_to(L::INSN_ALIGN);

        for f in after {
            match self.labels.offset(f.label) {
                Some(lo) if in_range(f.kind, f.offset, lo) => self.patch_use(f.offset, f.kind, lo),
                Some(lo) => self.out_of_range(&f, lo),
                // Not due after all (a forced island pops everything): queue it again.
                None if !final_island && f.deadline() >= self.cur_offset() => {
                    self.record_use(f.offset, f.label, f.kind, false);
                }
                None => self.set_error(BufferError::UnboundLabel {
                    label: f.label,
                    use_offset: f.offset,
                }),
            }
        }
        let end = self.cur_offset();
        if let Some((off, kind)) = jump {
            if in_range(kind, off, end) {
                self.patch_use(off, kind, end);
            } else {
                self.set_error(BufferError::OutOfRange {
                    label: MachLabel(u32::MAX),
                    use_offset: off,
                    label_offset: end,
                    kind: format!("{kind:?} (island jump-around)"),
                });
            }
        }
        self.apply_bound();
        self.apply_known_uses();
        if end > start {
            self.islands.push(IslandRecord {
                start,
                body_start,
                end,
            });
            self.stats.islands += 1;
        }
        if cfg!(debug_assertions) && self.error.is_none() && !final_island {
            self.check_invariants();
        }
    }

    fn out_of_range(&mut self, f: &Fixup<L>, lo: CodeOffset) {
        self.set_error(BufferError::OutOfRange {
            label: f.label,
            use_offset: f.offset,
            label_offset: lo,
            kind: format!("{:?}", f.kind),
        });
    }

    /// Patch `f`, give it a veneer, or leave it for after the island's own labels.
    fn handle_fixup(
        &mut self,
        f: Fixup<L>,
        final_island: bool,
        local: &HashSet<MachLabel>,
        after: &mut Vec<Fixup<L>>,
    ) {
        let target = self.labels.resolve(f.label);
        let lo = self.labels.own_offset(target);
        match lo {
            Some(lo)
                if in_range(f.kind, f.offset, lo)
                    && (!f.force_veneer || !f.kind.supports_veneer()) =>
            {
                self.patch_use(f.offset, f.kind, lo)
            }
            _ if local.contains(&target) => after.push(f),
            None if final_island => self.set_error(BufferError::UnboundLabel {
                label: f.label,
                use_offset: f.offset,
            }),
            _ if f.kind.supports_veneer() => self.use_veneer(f, target),
            Some(lo) => self.out_of_range(&f, lo),
            None => after.push(f),
        }
    }

    /// Redirect `f` (to `target`) through a veneer: a reachable earlier one for the same
    /// target and kind, or a new one here.
    fn use_veneer(&mut self, f: Fixup<L>, target: MachLabel) {
        let key = (target, f.kind);
        if let Some(&v) = self.veneer_cache.get(&key) {
            if in_range(f.kind, f.offset, v) {
                self.patch_use(f.offset, f.kind, v);
                self.stats.shared_veneer_uses += 1;
                return;
            }
        }
        self.align_to(L::ALIGN);
        let v = self.cur_offset();
        if !in_range(f.kind, f.offset, v) {
            return self.out_of_range(&f, v);
        }
        let size = f.kind.veneer_size();
        let mut bytes = vec![0u8; size as usize];
        let (use_off, new_kind) = f.kind.generate_veneer(&mut bytes, v);
        self.data.extend_from_slice(&bytes);
        self.align_to(L::ALIGN);
        self.patch_use(f.offset, f.kind, v);
        self.veneer_cache.insert(key, v);
        *self.veneers_by_kind.entry(f.kind).or_insert(0) += 1;
        self.stats.veneer_bytes += size;
        // The veneer's own use is queued; it is patched, or veneered again, by the
        // loop in `emit_island_inner` or a later island.
        self.record_use(v + use_off, target, new_kind, false);
    }
}
