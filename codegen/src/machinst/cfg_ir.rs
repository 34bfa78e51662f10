//! The IR function seen as a [`CfgView`], so [`BlockOrder`](super::BlockOrder) can
//! order it for lowering.
//!
//! Block `b` is `b.as_u32()`. A block's successors are the targets of its last
//! instruction's block calls, in the order `Function::branch_destinations` gives
//! (for `br_table`: default first); blocks not in the layout, or without a
//! branching last instruction, have none.

use cranelift_entity::EntityRef;
use smallvec::SmallVec;

use super::CfgView;
use crate::ir::{Block, Function};

impl CfgView for Function {
    fn entry(&self) -> u32 {
        // An empty function has no entry; block 0 then fails BlockOrder's
        // range check (`BadEntry`) instead of panicking here.
        self.layout.entry_block().map_or(0, |b| b.index() as u32)
    }

    fn num_blocks(&self) -> usize {
        self.dfg.num_blocks()
    }

    fn succs(&self, block: u32) -> SmallVec<[u32; 2]> {
        let b = Block::new(block as usize);
        if !self.layout.is_block_inserted(b) {
            return SmallVec::new();
        }
        match self.layout.last_inst(b) {
            Some(inst) => self
                .branch_destinations(inst)
                .iter()
                .map(|c| c.block.index() as u32)
                .collect(),
            None => SmallVec::new(),
        }
    }

    fn is_cold(&self, block: u32) -> bool {
        let b = Block::new(block as usize);
        self.layout.is_block_inserted(b) && self.layout.is_cold(b)
    }
}
