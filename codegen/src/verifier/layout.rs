//! Layout checks: the shape of each block.
//!
//! A block must hold at least one instruction, end with a terminator, and contain no
//! other terminator (a terminator in the middle would make the instructions after it
//! unreachable while still looking like part of the block).

use super::Errors;
use crate::ir::{AnyEntity, Function};

/// Checks block shapes. Returns false when the layout names blocks or instructions
/// the DFG does not have; later checks must then not run, as they index the DFG.
pub(super) fn check(func: &Function, errors: &mut Errors<'_>) -> bool {
    let mut sound = true;
    for block in func.layout.blocks() {
        if !func.dfg.block_is_valid(block) {
            errors.at(
                AnyEntity::Block(block),
                "block is in the layout but was never created",
            );
            sound = false;
            continue;
        }
        let Some(last) = func.layout.last_inst(block) else {
            errors.at(AnyEntity::Block(block), "block is empty");
            continue;
        };
        for inst in func.layout.block_insts(block) {
            if !func.dfg.inst_is_valid(inst) {
                errors.at(
                    AnyEntity::Inst(inst),
                    "instruction is in the layout but was never created",
                );
                sound = false;
                continue;
            }
            let opcode = func.dfg[inst].opcode();
            if inst != last && opcode.is_terminator() {
                errors.inst(
                    inst,
                    format!("terminator `{opcode}` is not the last instruction of {block}"),
                );
            }
        }
        if func.dfg.inst_is_valid(last) && !func.dfg[last].opcode().is_terminator() {
            errors.at(
                AnyEntity::Block(block),
                "block does not end with a terminator",
            );
        }
    }
    sound
}
