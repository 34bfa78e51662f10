//! Entity references: every `fnN`, `sigN`, `ssN`, `gvN` and `jtN` an instruction or a
//! preamble declaration names must be declared in the function's preamble.
//!
//! The parser already rejects most undeclared names, but functions built in memory
//! (frontends, passes) do not go through it, so the verifier checks again.

use super::Errors;
use crate::ir::{AnyEntity, Function, GlobalValueData, InstructionData};

/// Checks references in the preamble and in every instruction of the layout.
pub(super) fn check(func: &Function, errors: &mut Errors<'_>) {
    for (fref, ext) in func.ext_funcs.iter() {
        if func.sigs.get(ext.signature).is_none() {
            errors.at(
                AnyEntity::FuncRef(fref),
                format!("signature {} is not declared", ext.signature),
            );
        }
    }
    for (gv, data) in func.global_values.iter() {
        let Some(base) = data.base() else {
            continue;
        };
        if func.global_values.get(base).is_none() {
            errors.at(
                AnyEntity::GlobalValue(gv),
                format!("base {base} is not declared"),
            );
        } else if in_cycle(func, gv) {
            errors.at(
                AnyEntity::GlobalValue(gv),
                format!("{gv} is computed from itself"),
            );
        }
    }
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            if !func.dfg.inst_is_valid(inst) {
                continue;
            }
            let missing = match &func.dfg[inst] {
                InstructionData::Call { func_ref, .. }
                | InstructionData::FuncAddr { func_ref, .. } => func
                    .ext_funcs
                    .get(*func_ref)
                    .is_none()
                    .then(|| func_ref.to_string()),
                InstructionData::CallIndirect { sig_ref, .. } => func
                    .sigs
                    .get(*sig_ref)
                    .is_none()
                    .then(|| sig_ref.to_string()),
                InstructionData::StackLoad { stack_slot, .. }
                | InstructionData::StackStore { stack_slot, .. } => func
                    .stack_slots
                    .get(*stack_slot)
                    .is_none()
                    .then(|| stack_slot.to_string()),
                InstructionData::UnaryGlobalValue { global_value, .. } => func
                    .global_values
                    .get(*global_value)
                    .is_none()
                    .then(|| global_value.to_string()),
                InstructionData::BranchTable { table, .. } => func
                    .jump_tables
                    .get(*table)
                    .is_none()
                    .then(|| table.to_string()),
                _ => None,
            };
            if let Some(name) = missing {
                errors.inst(inst, format!("{name} is not declared"));
            }
        }
    }
}

/// Does following `gv`'s chain of bases lead back to `gv`? A chain longer than the
/// number of global values must repeat, so the walk is bounded.
fn in_cycle(func: &Function, gv: crate::ir::GlobalValue) -> bool {
    let mut cur = gv;
    for _ in 0..func.global_values.len() {
        cur = match func.global_values.get(cur).and_then(GlobalValueData::base) {
            Some(base) => base,
            None => return false,
        };
        if cur == gv {
            return true;
        }
    }
    false
}
