//! Block and instruction order.
//!
//! Blocks form one doubly-linked list and each block's instructions another, so
//! insertion and removal are O(1) and never renumber anything. Invariants:
//! - a block is in the block list iff `is_block_inserted`; an instruction is in some
//!   block's list iff `inst_block` is `Some`;
//! - `prev`/`next` links are mutually consistent and `first`/`last` are the ends.

use cranelift_entity::packed_option::PackedOption;
use cranelift_entity::SecondaryMap;

use super::entities::{Block, Inst};

#[derive(Clone, Copy, Debug, Default)]
struct BlockNode {
    inserted: bool,
    cold: bool,
    prev: PackedOption<Block>,
    next: PackedOption<Block>,
    first_inst: PackedOption<Inst>,
    last_inst: PackedOption<Inst>,
}

#[derive(Clone, Copy, Debug, Default)]
struct InstNode {
    block: PackedOption<Block>,
    prev: PackedOption<Inst>,
    next: PackedOption<Inst>,
}

/// The order of blocks, and of instructions within each block.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    blocks: SecondaryMap<Block, BlockNode>,
    insts: SecondaryMap<Inst, InstNode>,
    first_block: PackedOption<Block>,
    last_block: PackedOption<Block>,
}

impl Layout {
    /// An empty layout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry block (first in layout).
    pub fn entry_block(&self) -> Option<Block> {
        self.first_block.expand()
    }

    /// The last block in layout.
    pub fn last_block(&self) -> Option<Block> {
        self.last_block.expand()
    }

    /// Is `block` in the layout?
    pub fn is_block_inserted(&self, block: Block) -> bool {
        self.blocks[block].inserted
    }

    /// Append `block` (not yet inserted) at the end.
    pub fn append_block(&mut self, block: Block) {
        debug_assert!(!self.is_block_inserted(block), "{block} inserted twice");
        let last = self.last_block;
        self.blocks[block] = BlockNode {
            inserted: true,
            prev: last,
            ..BlockNode::default()
        };
        match last.expand() {
            Some(l) => self.blocks[l].next = block.into(),
            None => self.first_block = block.into(),
        }
        self.last_block = block.into();
        // Post-invariant: block is the last node; links consistent.
    }

    /// Insert `block` (not yet inserted) just before `before` (inserted).
    pub fn insert_block_before(&mut self, block: Block, before: Block) {
        debug_assert!(!self.is_block_inserted(block) && self.is_block_inserted(before));
        let prev = self.blocks[before].prev;
        self.blocks[block] = BlockNode {
            inserted: true,
            prev,
            next: before.into(),
            ..BlockNode::default()
        };
        self.blocks[before].prev = block.into();
        match prev.expand() {
            Some(p) => self.blocks[p].next = block.into(),
            None => self.first_block = block.into(),
        }
    }

    /// Remove an empty `block` from the layout.
    pub fn remove_block(&mut self, block: Block) {
        debug_assert!(self.is_block_inserted(block) && self.first_inst(block).is_none());
        let BlockNode { prev, next, .. } = self.blocks[block];
        match prev.expand() {
            Some(p) => self.blocks[p].next = next,
            None => self.first_block = next,
        }
        match next.expand() {
            Some(n) => self.blocks[n].prev = prev,
            None => self.last_block = prev,
        }
        self.blocks[block] = BlockNode::default();
    }

    /// Blocks in layout order.
    pub fn blocks(&self) -> Blocks<'_> {
        Blocks {
            layout: self,
            next: self.first_block.expand(),
        }
    }

    /// The block after `block`.
    pub fn next_block(&self, block: Block) -> Option<Block> {
        self.blocks[block].next.expand()
    }

    /// The block before `block`.
    pub fn prev_block(&self, block: Block) -> Option<Block> {
        self.blocks[block].prev.expand()
    }

    /// Mark `block` cold (laid out after the hot code by backends).
    pub fn set_cold(&mut self, block: Block, cold: bool) {
        self.blocks[block].cold = cold;
    }

    /// Is `block` cold?
    pub fn is_cold(&self, block: Block) -> bool {
        self.blocks[block].cold
    }

    /// The block containing `inst`, if inserted.
    pub fn inst_block(&self, inst: Inst) -> Option<Block> {
        self.insts[inst].block.expand()
    }

    /// Append `inst` (not inserted) to the end of `block` (inserted).
    pub fn append_inst(&mut self, inst: Inst, block: Block) {
        debug_assert!(self.inst_block(inst).is_none() && self.is_block_inserted(block));
        let last = self.blocks[block].last_inst;
        self.insts[inst] = InstNode {
            block: block.into(),
            prev: last,
            next: None.into(),
        };
        match last.expand() {
            Some(l) => self.insts[l].next = inst.into(),
            None => self.blocks[block].first_inst = inst.into(),
        }
        self.blocks[block].last_inst = inst.into();
    }

    /// Insert `inst` (not inserted) just before `before` (inserted).
    pub fn insert_inst_before(&mut self, inst: Inst, before: Inst) {
        let Some(block) = self.inst_block(before) else {
            debug_assert!(false, "{before} not in layout");
            return;
        };
        let prev = self.insts[before].prev;
        self.insts[inst] = InstNode {
            block: block.into(),
            prev,
            next: before.into(),
        };
        self.insts[before].prev = inst.into();
        match prev.expand() {
            Some(p) => self.insts[p].next = inst.into(),
            None => self.blocks[block].first_inst = inst.into(),
        }
    }

    /// Remove `inst` from its block.
    pub fn remove_inst(&mut self, inst: Inst) {
        let InstNode { block, prev, next } = self.insts[inst];
        let Some(block) = block.expand() else {
            debug_assert!(false, "{inst} not in layout");
            return;
        };
        match prev.expand() {
            Some(p) => self.insts[p].next = next,
            None => self.blocks[block].first_inst = next,
        }
        match next.expand() {
            Some(n) => self.insts[n].prev = prev,
            None => self.blocks[block].last_inst = prev,
        }
        self.insts[inst] = InstNode::default();
    }

    /// First instruction of `block`.
    pub fn first_inst(&self, block: Block) -> Option<Inst> {
        self.blocks[block].first_inst.expand()
    }

    /// Last instruction of `block` (its terminator in a valid function).
    pub fn last_inst(&self, block: Block) -> Option<Inst> {
        self.blocks[block].last_inst.expand()
    }

    /// The instruction after `inst` in its block.
    pub fn next_inst(&self, inst: Inst) -> Option<Inst> {
        self.insts[inst].next.expand()
    }

    /// The instruction before `inst` in its block.
    pub fn prev_inst(&self, inst: Inst) -> Option<Inst> {
        self.insts[inst].prev.expand()
    }

    /// Instructions of `block` in order.
    pub fn block_insts(&self, block: Block) -> Insts<'_> {
        Insts {
            layout: self,
            next: self.first_inst(block),
        }
    }
}

/// Iterator over blocks in layout order.
pub struct Blocks<'a> {
    layout: &'a Layout,
    next: Option<Block>,
}

impl Iterator for Blocks<'_> {
    type Item = Block;
    fn next(&mut self) -> Option<Block> {
        let b = self.next?;
        self.next = self.layout.next_block(b);
        Some(b)
    }
}

/// Iterator over the instructions of one block.
pub struct Insts<'a> {
    layout: &'a Layout,
    next: Option<Inst>,
}

impl Iterator for Insts<'_> {
    type Item = Inst;
    fn next(&mut self) -> Option<Inst> {
        let i = self.next?;
        self.next = self.layout.next_inst(i);
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_entity::EntityRef;

    #[test]
    fn insert_and_remove_keep_order() {
        let b = |n| Block::new(n);
        let i = |n| Inst::new(n);
        let mut l = Layout::new();
        l.append_block(b(0));
        l.append_block(b(2));
        l.insert_block_before(b(1), b(2));
        assert_eq!(l.blocks().collect::<Vec<_>>(), [b(0), b(1), b(2)]);
        l.append_inst(i(0), b(1));
        l.append_inst(i(2), b(1));
        l.insert_inst_before(i(1), i(2));
        assert_eq!(l.block_insts(b(1)).collect::<Vec<_>>(), [i(0), i(1), i(2)]);
        l.remove_inst(i(0));
        l.remove_inst(i(2));
        assert_eq!(l.block_insts(b(1)).collect::<Vec<_>>(), [i(1)]);
        assert_eq!(l.inst_block(i(1)), Some(b(1)));
        assert_eq!(l.inst_block(i(0)), None);
        l.remove_inst(i(1));
        l.remove_block(b(1));
        l.remove_block(b(0));
        assert_eq!(l.blocks().collect::<Vec<_>>(), [b(2)]);
        assert_eq!(l.entry_block(), Some(b(2)));
        assert_eq!(l.last_block(), Some(b(2)));
    }
}
