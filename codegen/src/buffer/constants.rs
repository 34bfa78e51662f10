//! Constant pools: deduplicated constants, each placed in the next island that needs it.
//!
//! A constant gets a label in the *next* pool when code asks for one; once that pool is
//! emitted the label is final, and a later request gets a fresh label in a later pool
//! (so literal loads with short ranges always find a nearby copy).

use std::collections::HashMap;

use super::{CodeOffset, MachLabel};

/// A registered constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConstantId(pub u32);

#[derive(Debug, Default)]
pub(crate) struct ConstantPool {
    /// Bytes and alignment of each constant, by id.
    constants: Vec<(Vec<u8>, CodeOffset)>,
    dedup: HashMap<(Vec<u8>, CodeOffset), ConstantId>,
    /// Label of each constant in the next pool, if requested.
    next_label: Vec<Option<MachLabel>>,
    /// Constants of the next pool, in request order.
    next_pool: Vec<ConstantId>,
    /// Worst-case bytes of the next pool, alignment padding included.
    next_pool_bytes: CodeOffset,
}

/// Round an alignment request up to a power of two (0 means 1).
pub(crate) fn normalize_align(align: CodeOffset) -> CodeOffset {
    align.max(1).checked_next_power_of_two().unwrap_or(1 << 63)
}

impl ConstantPool {
    pub(crate) fn register(&mut self, bytes: &[u8], align: CodeOffset) -> ConstantId {
        let align = normalize_align(align);
        if let Some(&id) = self.dedup.get(&(bytes.to_vec(), align)) {
            return id;
        }
        let id = ConstantId(self.constants.len() as u32);
        self.constants.push((bytes.to_vec(), align));
        self.dedup.insert((bytes.to_vec(), align), id);
        self.next_label.push(None);
        id
    }

    pub(crate) fn is_valid(&self, id: ConstantId) -> bool {
        (id.0 as usize) < self.constants.len()
    }

    /// The label of `id` in the next pool, creating it with `new_label` on first request.
    pub(crate) fn label_for(
        &mut self,
        id: ConstantId,
        new_label: impl FnOnce() -> MachLabel,
    ) -> MachLabel {
        let slot = &mut self.next_label[id.0 as usize];
        if let Some(l) = *slot {
            return l;
        }
        let l = new_label();
        *slot = Some(l);
        let (bytes, align) = &self.constants[id.0 as usize];
        self.next_pool_bytes += bytes.len() as CodeOffset + align - 1;
        self.next_pool.push(id);
        l
    }

    pub(crate) fn next_pool_bytes(&self) -> CodeOffset {
        self.next_pool_bytes
    }

    /// Empty the next pool, handing back (bytes, alignment, label) of each constant.
    /// Largest alignment first, so padding between constants stays small.
    pub(crate) fn take_pool(&mut self) -> Vec<(Vec<u8>, CodeOffset, MachLabel)> {
        let mut ids = std::mem::take(&mut self.next_pool);
        self.next_pool_bytes = 0;
        ids.sort_by_key(|id| std::cmp::Reverse(self.constants[id.0 as usize].1));
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(l) = self.next_label[id.0 as usize].take() {
                let (bytes, align) = &self.constants[id.0 as usize];
                out.push((bytes.clone(), *align, l));
            }
        }
        out
    }
}
