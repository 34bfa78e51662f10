//! [`MachBuffer`]: the growing code of one function (or one text section) and every
//! record about it. Islands live in `island.rs`, branch peepholes in `peephole.rs`.

use std::collections::{HashMap, HashSet};

use smallvec::SmallVec;

use super::constants::{normalize_align, ConstantId, ConstantPool};
use super::fixups::{FixupId, FixupQueue, FixupState};
use super::labels::LabelTable;
use super::peephole::BranchRecord;
use super::records::{
    BufferError, BufferStats, IslandRecord, MachBufferFinalized, MachCallSite, MachReloc,
    MachSrcLoc, MachTrap,
};
use super::traps::DeferredTraps;
use super::{Addend, CodeOffset, CodeSink, IslandIsa, LabelUse, MachLabel, Reloc, RelocTarget};
use crate::ir::TrapCode;

/// A code buffer with labels, fixups, islands, veneers, constant pools and trap stubs.
///
/// See the [module documentation](super) for the invariant it keeps and the contract
/// emitters follow (`island_needed` before each instruction, `use_label_at_offset`
/// before the bytes it refers to).
pub struct MachBuffer<L: IslandIsa> {
    pub(super) data: Vec<u8>,
    pub(super) labels: LabelTable,
    pub(super) fixups: FixupQueue<L>,
    /// Patches decided by an island for bytes not written yet (an emitter that placed
    /// an island between a use and its bytes); applied once the bytes exist.
    pub(super) known_uses: Vec<(CodeOffset, L, CodeOffset)>,
    /// The most recent label use: offset and fixup (None if it was a known use).
    pub(super) last_use: Option<(CodeOffset, L, MachLabel, Option<FixupId>)>,
    pub(super) constants: ConstantPool,
    pub(super) deferred_traps: DeferredTraps,
    pub(super) relocs: Vec<MachReloc>,
    pub(super) traps: Vec<MachTrap>,
    pub(super) call_sites: Vec<MachCallSite>,
    pub(super) srclocs: Vec<MachSrcLoc>,
    pub(super) cur_srcloc: Option<(CodeOffset, u32)>,
    /// Branches that end the code, contiguous, in order (peephole candidates).
    pub(super) latest_branches: Vec<BranchRecord<L>>,
    /// Labels bound at `labels_at_tail_off`; meaningful only while that equals the
    /// current offset.
    pub(super) labels_at_tail: SmallVec<[MachLabel; 4]>,
    pub(super) labels_at_tail_off: CodeOffset,
    /// Latest veneer for each (resolved label, kind), for sharing.
    pub(super) veneer_cache: HashMap<(MachLabel, L), CodeOffset>,
    /// Worst-case veneer chain size per kind, memoized.
    /// (An ISA has a handful of kinds: a linear scan beats hashing.)
    pub(super) chain_sizes: Vec<(L, CodeOffset)>,
    /// Labels the next island places itself (trap stubs, constants): their uses never
    /// need veneers.
    pub(super) local_labels: HashSet<MachLabel>,
    pub(super) islands: Vec<IslandRecord>,
    pub(super) veneers_by_kind: HashMap<L, u64>,
    pub(super) stats: BufferStats,
    pub(super) error: Option<BufferError>,
}

impl<L: IslandIsa> Default for MachBuffer<L> {
    fn default() -> Self {
        Self::new()
    }
}

pub(super) fn align_up(x: CodeOffset, align: CodeOffset) -> CodeOffset {
    let a = normalize_align(align);
    x.saturating_add(a - 1) & !(a - 1)
}

/// Whether a use of `kind` at `use_off` reaches `label_off` directly.
pub(super) fn in_range<L: LabelUse>(kind: L, use_off: CodeOffset, label_off: CodeOffset) -> bool {
    if label_off >= use_off {
        label_off - use_off <= kind.max_pos_range()
    } else {
        use_off - label_off <= kind.max_neg_range()
    }
}

impl<L: IslandIsa> MachBuffer<L> {
    /// An empty buffer.
    pub fn new() -> Self {
        MachBuffer {
            data: Vec::new(),
            labels: LabelTable::default(),
            fixups: FixupQueue::default(),
            known_uses: Vec::new(),
            last_use: None,
            constants: ConstantPool::default(),
            deferred_traps: DeferredTraps::default(),
            relocs: Vec::new(),
            traps: Vec::new(),
            call_sites: Vec::new(),
            srclocs: Vec::new(),
            cur_srcloc: None,
            latest_branches: Vec::new(),
            labels_at_tail: SmallVec::new(),
            labels_at_tail_off: 0,
            veneer_cache: HashMap::new(),
            chain_sizes: Vec::new(),
            local_labels: HashSet::new(),
            islands: Vec::new(),
            veneers_by_kind: HashMap::new(),
            stats: BufferStats::default(),
            error: None,
        }
    }

    /// Offset at which the next byte goes.
    pub fn cur_offset(&self) -> CodeOffset {
        self.data.len() as CodeOffset
    }

    /// The bytes written so far (uses not yet patched).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The first error met so far (the buffer keeps going; `try_finish` reports it).
    pub fn error(&self) -> Option<&BufferError> {
        self.error.as_ref()
    }

    pub(super) fn set_error(&mut self, e: BufferError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// A fresh, unbound label.
    pub fn get_label(&mut self) -> MachLabel {
        self.labels.new_label()
        // Post-invariant: unchanged (a new label has no uses).
    }

    /// Create `n` labels at once; returns the first (they are numbered consecutively).
    pub fn get_labels(&mut self, n: usize) -> MachLabel {
        let first = MachLabel(self.labels.len() as u32);
        self.labels.reserve_labels(n);
        first
    }

    /// Offset of `l` (after aliases) if bound.
    pub fn label_offset(&self, l: MachLabel) -> Option<CodeOffset> {
        self.labels.offset(l)
    }

    /// Bind `l` at the current offset, then run the branch peepholes (which may delete
    /// branches that now jump to the next instruction).
    pub fn bind_label(&mut self, l: MachLabel) {
        if !self.labels.is_valid(l) {
            return self.set_error(BufferError::InvalidLabel { label: l });
        }
        if self.labels.own_offset(l).is_some() || self.labels.resolve(l) != l {
            return self.set_error(BufferError::LabelBoundTwice { label: l });
        }
        let cur = self.cur_offset();
        if self.labels_at_tail_off != cur {
            self.labels_at_tail.clear();
            self.labels_at_tail_off = cur;
        }
        self.labels.bind(l, cur);
        self.labels_at_tail.push(l);
        self.optimize_branches();
        self.resolve_pending_of(l);
        self.debug_check();
        // Post-invariant: `l` is bound at or before the old current offset; the
        // deadline invariant still holds (peepholes only shrink the code).
    }

    /// Record a use of `l` of kind `kind` at `off` (the bytes may come right after).
    pub fn use_label_at_offset(&mut self, off: CodeOffset, l: MachLabel, kind: L) {
        self.record_use(off, l, kind, false);
        self.debug_check();
        // Post-invariant: holds if the caller checked `island_needed` with room for
        // this use's veneer (see the module doc).
    }

    /// Like [`Self::use_label_at_offset`], but the use goes through a veneer in the
    /// next island even when it could reach the label (kinds without veneers are
    /// patched directly). Used by the text-section option `force_veneers`.
    pub fn use_label_forcing_veneer(&mut self, off: CodeOffset, l: MachLabel, kind: L) {
        self.record_use(off, l, kind, kind.supports_veneer());
        self.debug_check();
        // Post-invariant: as for `use_label_at_offset`.
    }

    pub(super) fn record_use(
        &mut self,
        off: CodeOffset,
        l: MachLabel,
        kind: L,
        force: bool,
    ) -> Option<FixupId> {
        if !self.labels.is_valid(l) {
            self.set_error(BufferError::InvalidLabel { label: l });
            return None;
        }
        if !force {
            if let Some(lo) = self.labels.offset(l) {
                if in_range(kind, off, lo) {
                    let id = self.fixups.push_bound(off, l, kind);
                    // Its offset may still move back with a peephole, which keeps the
                    // use in reach; an alias could not, so the label gets none.
                    self.labels.pin(self.labels.resolve(l));
                    self.last_use = Some((off, kind, l, Some(id)));
                    return Some(id);
                }
            }
        }
        let local =
            !self.local_labels.is_empty() && self.local_labels.contains(&self.labels.resolve(l));
        let chain = if kind.supports_veneer() && !local {
            self.chain_size(kind)
        } else {
            0
        };
        let id = self.fixups.push(off, l, kind, force, chain);
        self.last_use = Some((off, kind, l, Some(id)));
        Some(id)
    }

    /// `l` was just bound (or placed by an island): its pending uses that now reach
    /// it leave the deadline heap for the bound list.
    pub(super) fn resolve_pending_of(&mut self, l: MachLabel) {
        let Some(lo) = self.labels.offset(l) else {
            return;
        };
        let mut pinned = false;
        for id in self.fixups.take_pending_of(l) {
            let f = self.fixups.get(id);
            if !f.force_veneer && in_range(f.kind, f.offset, lo) {
                self.fixups.bind(id);
                pinned = true;
            }
        }
        if pinned {
            self.labels.pin(self.labels.resolve(l));
        }
    }

    /// Patch every bound use whose bytes exist, with its label's offset now.
    pub(super) fn apply_bound(&mut self) {
        let len = self.cur_offset();
        for id in self.fixups.take_bound() {
            let f = *self.fixups.get(id);
            if f.state != FixupState::Bound {
                continue;
            }
            match self.labels.offset(f.label) {
                Some(lo) if in_range(f.kind, f.offset, lo) => {
                    let end = f.offset + f.kind.patch_size();
                    if end <= len {
                        f.kind.patch(
                            &mut self.data[f.offset as usize..end as usize],
                            f.offset,
                            lo,
                        );
                        self.fixups.set_done(id);
                    } else {
                        self.fixups.keep_bound(id);
                    }
                }
                // Pinning keeps bound labels in reach; should that ever fail, the use
                // simply becomes pending again.
                _ => {
                    self.fixups.set_done(id);
                    self.record_use(f.offset, f.label, f.kind, false);
                }
            }
        }
    }

    /// Worst-case bytes of the veneer chain starting at a use of `kind`.
    pub(super) fn chain_size(&mut self, kind: L) -> CodeOffset {
        if let Some(&(_, s)) = self.chain_sizes.iter().find(|(k, _)| *k == kind) {
            return s;
        }
        let mut total = 0;
        let mut k = kind;
        // Kinds' ranges strictly grow along a chain; the bound only guards bad impls.
        for _ in 0..8 {
            if !k.supports_veneer() {
                break;
            }
            total += align_up(k.veneer_size(), L::ALIGN);
            let mut scratch = vec![0u8; k.veneer_size() as usize];
            k = k.generate_veneer(&mut scratch, 0).1;
        }
        self.chain_sizes.push((kind, total));
        total
    }

    /// Register a constant (deduplicated by bytes and alignment).
    pub fn register_constant(&mut self, bytes: &[u8], align: CodeOffset) -> ConstantId {
        self.constants.register(bytes, align)
        // Post-invariant: unchanged (nothing is placed until a label is requested).
    }

    /// A label for constant `c` in the next constant pool (the next island).
    pub fn get_label_for_constant(&mut self, c: ConstantId) -> MachLabel {
        if !self.constants.is_valid(c) {
            self.set_error(BufferError::InvalidConstant { id: c.0 });
            return self.labels.new_label();
        }
        let labels = &mut self.labels;
        let l = self.constants.label_for(c, || labels.new_label());
        self.local_labels.insert(l);
        l
        // Post-invariant: the next island's worst case grew by the constant's size and
        // alignment; callers count that in `island_needed`'s distance.
    }

    /// A label whose single trapping instruction (recorded with `code`) is written in
    /// the next island.
    pub fn defer_trap(&mut self, code: TrapCode) -> MachLabel {
        let l = self.labels.new_label();
        self.deferred_traps.push(l, code);
        self.local_labels.insert(l);
        l
        // Post-invariant: the next island's worst case grew by one trap instruction.
    }

    /// Append `len` bytes of the ISA's padding so the current offset is a multiple of
    /// `align` (rounded up to a power of two).
    pub fn align_to(&mut self, align: CodeOffset) {
        let cur = self.cur_offset();
        let pad = align_up(cur, align) - cur;
        if pad > 0 {
            L::write_padding(&mut self.data, pad as usize);
            self.stats.padding_bytes += pad;
        }
        // Post-invariant: as for `put_data`.
    }

    /// Append `len` bytes of the ISA's padding.
    pub fn put_padding(&mut self, len: CodeOffset) {
        if len > 0 {
            L::write_padding(&mut self.data, len as usize);
            self.stats.padding_bytes += len;
        }
        // Post-invariant: as for `put_data`.
    }

    /// Record a relocation at the current offset.
    pub fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend) {
        let offset = self.cur_offset();
        self.relocs.push(MachReloc {
            offset,
            kind,
            target,
            addend,
        });
    }

    /// Record that the instruction about to be written traps with `code`.
    pub fn add_trap(&mut self, code: TrapCode) {
        let offset = self.cur_offset();
        self.traps.push(MachTrap { offset, code });
    }

    /// Record a call whose return address is the current offset (call this right
    /// after writing the call instruction).
    pub fn add_call_site(&mut self) {
        let ret_addr = self.cur_offset();
        self.call_sites.push(MachCallSite { ret_addr });
    }

    /// Start a range of code that came from source location `loc`.
    pub fn start_srcloc(&mut self, loc: u32) {
        self.end_srcloc();
        self.cur_srcloc = Some((self.cur_offset(), loc));
    }

    /// End the range started by [`Self::start_srcloc`] (empty ranges are dropped).
    pub fn end_srcloc(&mut self) {
        if let Some((start, loc)) = self.cur_srcloc.take() {
            let end = self.cur_offset();
            if end > start {
                self.srclocs.push(MachSrcLoc { start, end, loc });
            }
        }
    }

    /// Patch every known use whose bytes exist.
    pub(super) fn apply_known_uses(&mut self) {
        let len = self.cur_offset();
        let uses = std::mem::take(&mut self.known_uses);
        for (off, kind, lo) in uses {
            let end = off + kind.patch_size();
            if end <= len {
                kind.patch(&mut self.data[off as usize..end as usize], off, lo);
            } else {
                self.known_uses.push((off, kind, lo));
            }
        }
    }

    pub(super) fn patch_use(&mut self, off: CodeOffset, kind: L, label_off: CodeOffset) {
        let end = off + kind.patch_size();
        if end <= self.cur_offset() {
            kind.patch(&mut self.data[off as usize..end as usize], off, label_off);
        } else {
            self.known_uses.push((off, kind, label_off));
        }
    }

    /// Finish: place the last island (no jump-around: the code before it must not fall
    /// through), patch every use, and hand back the bytes and records.
    ///
    /// # Panics
    /// If a label use cannot be resolved, which is an emitter bug (an unbound label,
    /// or `island_needed` not asked in time); use [`Self::try_finish`] where the input
    /// comes from a user.
    pub fn finish(self) -> MachBufferFinalized {
        match self.try_finish() {
            Ok(f) => f,
            Err(e) => panic!("MachBuffer::finish: {e}"),
        }
    }

    /// [`Self::finish`], reporting unresolvable uses as an error.
    pub fn try_finish(mut self) -> Result<MachBufferFinalized, BufferError> {
        self.end_srcloc();
        self.finish_island();
        self.apply_bound();
        self.apply_known_uses();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut veneers: Vec<(String, u64)> = self
            .veneers_by_kind
            .iter()
            .map(|(k, n)| (format!("{k:?}"), *n))
            .collect();
        veneers.sort();
        self.stats.veneers_by_kind = veneers;
        Ok(MachBufferFinalized {
            label_offsets: self.labels.all_offsets(),
            data: self.data,
            relocs: self.relocs,
            traps: self.traps,
            call_sites: self.call_sites,
            srclocs: self.srclocs,
            islands: self.islands,
            stats: self.stats,
        })
    }

    /// Check every invariant (O(number of pending fixups)); panics on a violation.
    pub fn check_invariants(&self) {
        self.check_structure();
        assert_eq!(
            self.fixups.veneer_bytes(),
            self.fixups.recount_veneer_bytes(),
            "worst-case veneer bytes out of sync"
        );
        if self.error.is_none() {
            self.check_deadlines();
        }
    }

    /// The invariant, in the form the island algorithm relies on: an island emitted now
    /// places veneers in deadline order (one per key), then trap stubs and constants;
    /// every use that may need a veneer, trap stub or constant from it finds it before
    /// its deadline.
    fn check_deadlines(&self) {
        let cur = self.cur_offset();
        let whole_end = cur + self.worst_case_island_size();
        let mut end = cur + L::JUMP_SIZE + (L::ALIGN - 1);
        let mut seen = HashSet::new();
        let local = &self.local_labels;
        for f in self.fixups.pending_sorted() {
            let d = f.deadline();
            if let Some(lo) = self.labels.offset(f.label) {
                if in_range(f.kind, f.offset, lo) && !f.force_veneer {
                    continue;
                }
            }
            if f.kind.supports_veneer() && !local.contains(&self.labels.resolve(f.label)) {
                if seen.insert((self.labels.resolve(f.label), f.kind)) {
                    end += self
                        .chain_sizes
                        .iter()
                        .find(|(k, _)| *k == f.kind)
                        .map_or(0, |(_, s)| *s);
                }
                assert!(
                    end <= d,
                    "veneer for use at {:#x} could end at {end:#x}, past its deadline {d:#x}",
                    f.offset
                );
            } else {
                assert!(
                    whole_end <= d,
                    "island could end at {whole_end:#x}, past deadline {d:#x} of use at {:#x}",
                    f.offset
                );
            }
        }
    }

    /// The cheap structural checks, run after each public method in debug builds.
    fn check_structure(&self) {
        for w in self.latest_branches.windows(2) {
            assert_eq!(w[0].end, w[1].start, "latest branches not contiguous");
        }
        if self.labels_at_tail_off == self.cur_offset() {
            for l in &self.labels_at_tail {
                assert_eq!(
                    self.labels.own_offset(*l),
                    Some(self.labels_at_tail_off),
                    "label at tail moved"
                );
            }
        }
    }

    pub(super) fn debug_check(&self) {
        if cfg!(debug_assertions) {
            self.check_structure();
        }
    }
}

impl<L: IslandIsa> CodeSink<L> for MachBuffer<L> {
    fn cur_offset(&self) -> CodeOffset {
        MachBuffer::cur_offset(self)
    }

    fn put_data(&mut self, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
        // Post-invariant: holds if the caller checked `island_needed(bytes.len())`.
    }

    fn use_label_at_offset(&mut self, offset: CodeOffset, label: MachLabel, kind: L) {
        MachBuffer::use_label_at_offset(self, offset, label, kind)
    }

    fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend) {
        MachBuffer::add_reloc(self, kind, target, addend)
    }

    fn add_trap(&mut self, code: TrapCode) {
        MachBuffer::add_trap(self, code)
    }

    fn add_uncond_branch(&mut self, start: CodeOffset, end: CodeOffset, target: MachLabel) {
        MachBuffer::add_uncond_branch(self, start, end, target)
    }

    fn add_cond_branch(
        &mut self,
        start: CodeOffset,
        end: CodeOffset,
        target: MachLabel,
        inverted: &[u8],
    ) {
        MachBuffer::add_cond_branch(self, start, end, target, inverted)
    }

    fn constant_label(&mut self, bytes: &[u8], align: CodeOffset) -> Option<MachLabel> {
        let c = self.register_constant(bytes, align);
        Some(self.get_label_for_constant(c))
    }

    fn deferred_trap_label(&mut self, code: TrapCode) -> Option<MachLabel> {
        Some(self.defer_trap(code))
    }
}

impl<L: IslandIsa> MachBuffer<L> {
    /// Append bytes.
    pub fn put_data(&mut self, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
        // Post-invariant: holds if the caller checked `island_needed(bytes.len())`.
    }

    /// Append one byte.
    pub fn put1(&mut self, b: u8) {
        self.put_data(&[b]);
    }

    /// Append a little-endian 16-bit value.
    pub fn put2(&mut self, v: u16) {
        self.put_data(&v.to_le_bytes());
    }

    /// Append a little-endian 32-bit value.
    pub fn put4(&mut self, v: u32) {
        self.put_data(&v.to_le_bytes());
    }

    /// Append a little-endian 64-bit value.
    pub fn put8(&mut self, v: u64) {
        self.put_data(&v.to_le_bytes());
    }
}
