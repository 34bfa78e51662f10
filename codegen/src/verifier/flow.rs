//! Control and data flow: branch targets (never the entry block), block-call
//! arguments, the entry block's parameters, and SSA dominance.
//!
//! SSA rule checked here: every value an instruction uses (operands and block-call
//! arguments) is defined exactly where it can be seen — by an instruction earlier in
//! the same block, a parameter of the same block, or a definition in a block that
//! dominates the use's block. Uses in blocks unreachable from the entry are checked
//! only for order within their block (dominance means nothing there).

use cranelift_entity::{EntityRef, SecondaryMap};

use super::domtree::DomTree;
use super::Errors;
use crate::ir::{AnyEntity, Block, BlockCall, Function, Inst, Value, ValueDef};

/// Runs the flow checks. The layout must be sound (see `layout::check`).
pub(super) fn check(func: &Function, errors: &mut Errors<'_>) {
    let succs = check_branches(func, errors);
    check_entry(func, errors);
    let Some(entry) = func.layout.entry_block() else {
        return;
    };
    let domtree = DomTree::compute(func.dfg.num_blocks(), entry.index(), &succs);
    check_dominance(func, &domtree, errors);
}

/// Checks every block call; returns the successor lists of the CFG (valid targets only).
fn check_branches(func: &Function, errors: &mut Errors<'_>) -> Vec<Vec<u32>> {
    let mut succs = vec![Vec::new(); func.dfg.num_blocks()];
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            for call in func.branch_destinations(inst) {
                if check_block_call(func, inst, call, errors) {
                    succs[block.index()].push(call.block.index() as u32);
                }
            }
        }
    }
    succs
}

/// Checks one block call; returns whether its target is a real block in the layout.
fn check_block_call(
    func: &Function,
    inst: Inst,
    call: &BlockCall,
    errors: &mut Errors<'_>,
) -> bool {
    let target = call.block;
    if !func.dfg.block_is_valid(target) {
        errors.inst(inst, format!("branch target {target} does not exist"));
        return false;
    }
    if !func.layout.is_block_inserted(target) {
        errors.inst(inst, format!("branch target {target} is not in the layout"));
        return false;
    }
    if func.layout.entry_block() == Some(target) {
        // The entry block's parameters come from the caller; a branch back to it would
        // give them a second source (and register allocation needs it predecessor-free).
        errors.inst(inst, format!("branch target {target} is the entry block"));
    }
    let params = func.dfg.block_params(target);
    if params.len() != call.args.len() {
        errors.inst(
            inst,
            format!(
                "{target} takes {} argument(s), got {}",
                params.len(),
                call.args.len()
            ),
        );
        return true;
    }
    for (i, (&arg, &param)) in call.args.iter().zip(params).enumerate() {
        if let (Some(got), Some(want)) = (func.dfg.value_type(arg), func.dfg.value_type(param)) {
            if got != want {
                errors.inst(
                    inst,
                    format!("argument {i} ({arg}) to {target} has type {got}, expected {want}"),
                );
            }
        }
    }
    true
}

/// The entry block's parameters must be the signature's parameters.
fn check_entry(func: &Function, errors: &mut Errors<'_>) {
    let Some(entry) = func.layout.entry_block() else {
        return;
    };
    let params = func.dfg.block_params(entry);
    let sig = &func.signature.params;
    if params.len() != sig.len() {
        errors.at(
            AnyEntity::Block(entry),
            format!(
                "entry block has {} parameter(s), the signature has {}",
                params.len(),
                sig.len()
            ),
        );
        return;
    }
    for (i, (&v, abi)) in params.iter().zip(sig).enumerate() {
        if let Some(ty) = func.dfg.value_type(v) {
            if ty != abi.value_type {
                errors.at(
                    AnyEntity::Block(entry),
                    format!(
                        "entry block parameter {i} ({v}) has type {ty}, the signature says {}",
                        abi.value_type
                    ),
                );
            }
        }
    }
}

/// Checks that every use is dominated by its definition.
fn check_dominance(func: &Function, domtree: &DomTree, errors: &mut Errors<'_>) {
    // Sequence number of each instruction in the layout, for order within a block.
    let mut seq: SecondaryMap<Inst, u32> = SecondaryMap::new();
    let mut n = 0u32;
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            seq[inst] = n;
            n += 1;
        }
    }
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            let data = &func.dfg[inst];
            let uses = data.args().iter().chain(
                func.branch_destinations(inst)
                    .into_iter()
                    .flat_map(|c| c.args.iter()),
            );
            // One report per value and instruction, however often it is used there.
            let mut seen: Vec<Value> = Vec::new();
            for &v in uses {
                if seen.contains(&v) {
                    continue;
                }
                seen.push(v);
                if let Some(problem) = use_problem(func, domtree, &seq, block, inst, v) {
                    errors.inst(inst, problem);
                }
            }
        }
    }
}

/// What is wrong with using `v` in `inst` (in `block`), if anything.
fn use_problem(
    func: &Function,
    domtree: &DomTree,
    seq: &SecondaryMap<Inst, u32>,
    block: Block,
    inst: Inst,
    v: Value,
) -> Option<String> {
    let def_block = match func.dfg.value_def(v) {
        ValueDef::Unused => return Some(format!("{v} is not defined")),
        ValueDef::Result(def, _) => {
            let Some(def_block) = func.layout.inst_block(def) else {
                return Some(format!(
                    "{v} is defined by {def}, which is not in the layout"
                ));
            };
            if def_block == block {
                return (seq[def] >= seq[inst])
                    .then(|| format!("{v} is used before it is defined"));
            }
            def_block
        }
        ValueDef::Param(def_block, _) => {
            if !func.layout.is_block_inserted(def_block) {
                return Some(format!(
                    "{v} is a parameter of {def_block}, which is not in the layout"
                ));
            }
            if def_block == block {
                return None;
            }
            def_block
        }
    };
    if !domtree.is_reachable(block.index()) || domtree.dominates(def_block.index(), block.index()) {
        return None;
    }
    Some(format!(
        "{v} is defined in {def_block}, which does not dominate this use"
    ))
}
