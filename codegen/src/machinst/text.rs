//! Building a module's text section from compiled functions, for any ISA: the
//! generic body of `TargetIsa::build_text_section`.
//!
//! Each function is appended in order to one [`TextSectionBuilder`] (function `i`
//! is label `i`). Its relocations split in two:
//! - those whose target is a function of the module become [`RelocRecord`]s,
//!   resolved by the builder as PC-relative fixups (through veneers when out of
//!   range): all colocated ones, and non-colocated ones whose kind has a
//!   PC-relative label use (a call that happens to stay in the section needs no
//!   symbol); none of them survives in the output;
//! - the rest (calls to symbols outside the module) stay, with offsets rebased to
//!   the section, for an object file to express.
//!
//! A colocated relocation naming a function that is not in the module is an error.

use std::collections::HashMap;

use crate::buffer::{IslandIsa, RelocRecord, TextSectionBuilder, TextSectionOptions};
use crate::ir::ExternalName;
use crate::isa::{CodegenError, FunctionReloc, ModuleFunction, ModuleText};

/// Place `funcs` in one text section (see the module doc).
pub fn build_text_section<L: IslandIsa>(
    funcs: &[ModuleFunction<'_>],
    opts: TextSectionOptions,
) -> Result<ModuleText, CodegenError> {
    let index: HashMap<&ExternalName, u32> = funcs
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name, i as u32))
        .collect();
    let n = u32::try_from(funcs.len())
        .map_err(|_| CodegenError::ImplLimitExceeded("more than 2^32 functions".into()))?;
    let mut builder = TextSectionBuilder::<L>::new(n, opts);
    let mut left: Vec<FunctionReloc> = Vec::new();
    let mut traps = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        let mut records = Vec::new();
        let mut outside = Vec::new();
        for r in &f.compiled.relocs {
            let pc_relative = L::from_reloc(r.kind, r.addend).is_some();
            match (r.colocated, index.get(&r.target)) {
                (colocated, Some(&t)) if colocated || pc_relative => records.push(RelocRecord {
                    offset: r.offset,
                    kind: r.kind,
                    target_func: t,
                    addend: r.addend,
                }),
                (true, _) => {
                    return Err(CodegenError::Unsupported(format!(
                        "function {} calls colocated {}, which is not in this module",
                        f.name, r.target
                    )))
                }
                (false, _) => outside.push(r.clone()),
            }
        }
        let start = builder.append(i as u32, &f.compiled.code, &records, f.compiled.alignment)?;
        left.extend(outside.into_iter().map(|r| FunctionReloc {
            offset: start + r.offset,
            ..r
        }));
        traps.extend(f.compiled.traps.iter().map(|&(o, c)| (start + o, c)));
    }
    let section = builder.finish()?;
    traps.sort_by_key(|&(o, _)| o);
    Ok(ModuleText {
        section,
        relocs: left,
        traps,
    })
}
