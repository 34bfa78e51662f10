//! Labels: where each one is bound, and which labels were redirected to another.
//!
//! Invariants:
//! - A label is either unbound, bound to an offset, or an alias of another label
//!   (never two of these at once).
//! - Following aliases never cycles: [`LabelTable::alias`] refuses an alias whose
//!   target already resolves to the label itself.
//! - A pinned label (some use was resolved against its offset) is never aliased; its
//!   offset may only move back to the tail, which keeps every resolved use in reach.

use super::{CodeOffset, MachLabel};

const UNBOUND: CodeOffset = CodeOffset::MAX;
const NO_ALIAS: u32 = u32::MAX;

/// Offsets and aliases of every label of one buffer, indexed by label number.
#[derive(Debug, Default)]
pub(crate) struct LabelTable {
    /// Offset of each label, or `UNBOUND`. Kept flat (no `Option`) so a text section of
    /// a million labels stays at 8 bytes per label.
    offsets: Vec<CodeOffset>,
    /// Alias target of each label, or `NO_ALIAS`.
    aliases: Vec<u32>,
    /// Labels with uses already resolved against their offset: never aliased.
    pinned: Vec<bool>,
}

impl LabelTable {
    pub(crate) fn len(&self) -> usize {
        self.offsets.len()
    }

    pub(crate) fn is_valid(&self, l: MachLabel) -> bool {
        (l.0 as usize) < self.offsets.len()
    }

    pub(crate) fn new_label(&mut self) -> MachLabel {
        let l = MachLabel(self.offsets.len() as u32);
        self.offsets.push(UNBOUND);
        self.aliases.push(NO_ALIAS);
        self.pinned.push(false);
        l
    }

    /// Reserve `n` labels numbered from the current count.
    pub(crate) fn reserve_labels(&mut self, n: usize) {
        self.offsets.resize(self.offsets.len() + n, UNBOUND);
        self.aliases.resize(self.aliases.len() + n, NO_ALIAS);
        self.pinned.resize(self.pinned.len() + n, false);
    }

    /// Forbid aliasing `l` from now on.
    pub(crate) fn pin(&mut self, l: MachLabel) {
        if let Some(p) = self.pinned.get_mut(l.0 as usize) {
            *p = true;
        }
    }

    /// Bind `l` (which must be valid) at `off`, dropping any alias it had.
    pub(crate) fn bind(&mut self, l: MachLabel, off: CodeOffset) {
        self.offsets[l.0 as usize] = off;
        self.aliases[l.0 as usize] = NO_ALIAS;
    }

    /// Offset at which `l` itself (not following aliases) is bound.
    pub(crate) fn own_offset(&self, l: MachLabel) -> Option<CodeOffset> {
        let off = *self.offsets.get(l.0 as usize)?;
        (off != UNBOUND).then_some(off)
    }

    /// The label `l` finally stands for, after following aliases.
    pub(crate) fn resolve(&self, mut l: MachLabel) -> MachLabel {
        // Aliases are acyclic, so this terminates; the bound is a guard only.
        for _ in 0..=self.aliases.len() {
            match self.aliases.get(l.0 as usize) {
                Some(&a) if a != NO_ALIAS => l = MachLabel(a),
                _ => return l,
            }
        }
        l
    }

    /// Offset of `l` after following aliases, if bound.
    pub(crate) fn offset(&self, l: MachLabel) -> Option<CodeOffset> {
        self.own_offset(self.resolve(l))
    }

    /// Make `from` an alias of `to`, unbinding `from`. Returns false (and changes
    /// nothing) when `to` resolves to `from`, which would create a cycle, or `from` is
    /// pinned.
    pub(crate) fn alias(&mut self, from: MachLabel, to: MachLabel) -> bool {
        if self.resolve(to) == from || self.pinned[from.0 as usize] {
            return false;
        }
        self.offsets[from.0 as usize] = UNBOUND;
        self.aliases[from.0 as usize] = to.0;
        true
    }

    /// Resolved offset of every label (`None` when unbound).
    pub(crate) fn all_offsets(&self) -> Vec<Option<CodeOffset>> {
        (0..self.offsets.len() as u32)
            .map(|i| self.offset(MachLabel(i)))
            .collect()
    }
}
