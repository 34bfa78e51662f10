//! Entity references: every `fnN`, `sigN`, `ssN`, `gvN` and `jtN` an instruction or a
//! preamble declaration names must be declared in the function's preamble.
//!
//! The parser already rejects most undeclared names, but functions built in memory
//! (frontends, passes) do not go through it, so the verifier checks again.

use core::fmt;

use cranelift_entity::{EntityRef, PrimaryMap};

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
                | InstructionData::FuncAddr { func_ref, .. } => {
                    undeclared(&func.ext_funcs, *func_ref)
                }
                InstructionData::CallIndirect { sig_ref, .. } => undeclared(&func.sigs, *sig_ref),
                InstructionData::StackLoad { stack_slot, .. }
                | InstructionData::StackStore { stack_slot, .. } => {
                    undeclared(&func.stack_slots, *stack_slot)
                }
                InstructionData::UnaryGlobalValue { global_value, .. } => {
                    undeclared(&func.global_values, *global_value)
                }
                InstructionData::BranchTable { table, .. } => undeclared(&func.jump_tables, *table),
                _ => None,
            };
            if let Some(name) = missing {
                errors.inst(inst, format!("{name} is not declared"));
            }
        }
    }
}

/// The name of `key` when the preamble table `map` does not declare it.
fn undeclared<K: EntityRef + fmt::Display, V>(map: &PrimaryMap<K, V>, key: K) -> Option<String> {
    map.get(key).is_none().then(|| key.to_string())
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
