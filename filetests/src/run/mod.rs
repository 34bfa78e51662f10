//! `test run`: execute a file's `; run:` lines on a backend.
//!
//! ```text
//! TestFile --collect_run_lines--> RunLine per `; run` comment (syntax errors kept)
//!   --prepare_module--> the file's functions (calls between them made colocated)
//!                       + one trampoline per called function   (trampoline.rs)
//!   --TargetIsa::compile_function each, build_text_section once--> ModuleText
//!   --Executor::run(trampoline offsets, 16-byte-slot buffers)--> results (exec.rs)
//!   --check_results--> one RunLineResult per run line            (runline.rs)
//! ```
//!
//! The whole file is ONE module in ONE text section, because its functions call each
//! other. A `call` to a function defined in the same file is made `colocated` before
//! compiling even when the file declares it without `colocated`: in a test file both
//! sit in the same section, and a relocation would make the section unloadable.
//!
//! Counting: each run line executed on each target is one result. A function that
//! does not compile (the error names the function and the construct) is left out of
//! the module together with every function that calls it, directly or not; the run
//! lines that call a left-out function fail with that error, the others still run.
//! When the text section itself cannot be built, every run line of the file fails
//! with that message; a run line that cannot be parsed or typed fails alone.

pub mod exec;
#[cfg(test)]
pub(crate) mod fake_x64;
pub mod libcalls;
pub mod qemu;
pub mod runline;
pub mod trampoline;

use std::collections::{HashMap, HashSet};

use atoll_codegen::ir::{ExternalName, Function};
use atoll_codegen::isa::{CompiledFunction, ModuleFunction, ModuleText, TargetIsa};
use atoll_codegen::text::{Comment, TestFile};

use crate::env::HookError;
use exec::{CallOutcome, Executor};
use runline::{
    check_results, parse_run_comment, show_values, type_run_line, DataValue, RunLine, RunLineError,
};
use trampoline::{buffer_len, build_trampoline, SLOT_BYTES};

/// A run line found in a file: parsed, or why not; with the function it follows.
#[derive(Clone, Debug)]
pub struct FoundRunLine {
    pub line: u32,
    /// Index of the function whose trailing comments hold the line (for `; run`).
    pub owner: Option<usize>,
    pub parsed: Result<RunLine, RunLineError>,
}

/// How one run line went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLineResult {
    pub line: u32,
    /// The directive as written (`%f(1) == 2`).
    pub text: String,
    /// `Ok(results as printed)` or `Err(why it failed)`.
    pub outcome: Result<String, String>,
}

/// Every run line of `file`, in file order. `source` gives columns for messages.
pub fn collect_run_lines(file: &TestFile, source: &str) -> Vec<FoundRunLine> {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut found = Vec::new();
    let mut scan = |c: &Comment, owner: Option<usize>| {
        let column = comment_text_column(&lines, c);
        match parse_run_comment(&c.text, c.line, column) {
            Ok(None) => {}
            Ok(Some(run)) => found.push(FoundRunLine {
                line: c.line,
                owner,
                parsed: Ok(run),
            }),
            Err(e) => found.push(FoundRunLine {
                line: c.line,
                owner,
                parsed: Err(e),
            }),
        }
    };
    for c in &file.preamble_comments {
        scan(c, None);
    }
    for (i, f) in file.functions.iter().enumerate() {
        for c in &f.comments {
            scan(c, Some(i));
        }
    }
    found.sort_by_key(|r| r.line);
    found
}

/// Column (1-based) of the first character after the comment's `;`.
fn comment_text_column(lines: &[&str], c: &Comment) -> u32 {
    let line = lines
        .get(c.line.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    match line.len().checked_sub(c.text.len()) {
        Some(start) if line.is_char_boundary(start) && line[start..] == c.text => {
            u32::try_from(line[..start].chars().count() + 1).unwrap_or(u32::MAX)
        }
        _ => 1,
    }
}

/// The file's functions prepared for one module: the libcalls they call without
/// defining are appended ([`libcalls`]), and calls to functions of the module become
/// colocated (see the module documentation).
pub fn module_functions(file: &TestFile) -> Vec<Function> {
    let mut funcs: Vec<Function> = file.functions.iter().map(|f| f.func.clone()).collect();
    // Names defined so far (file functions, then libcalls as they are added): one
    // set, so each declaration is checked once instead of scanning every function.
    let mut defined: HashSet<ExternalName> = funcs.iter().map(|f| f.name.clone()).collect();
    let mut extra = Vec::new();
    for f in &funcs {
        for ext in f.ext_funcs.values() {
            if defined.contains(&ext.name) {
                continue;
            }
            if let Some(sig) = f.sigs.get(ext.signature) {
                if let Some(lib) = libcalls::libcall_function(&ext.name, sig) {
                    defined.insert(lib.name.clone());
                    extra.push(lib);
                }
            }
        }
    }
    funcs.extend(extra);
    for func in &mut funcs {
        for ext in func.ext_funcs.values_mut() {
            if defined.contains(&ext.name) {
                ext.colocated = true;
            }
        }
    }
    funcs
}

/// Compiled functions of a module and its text section.
pub struct CompiledModule {
    pub funcs: Vec<Function>,
    pub compiled: Vec<CompiledFunction>,
    pub text: ModuleText,
}

/// Compiles every function and builds the text section. The error names the function.
pub fn compile_module(isa: &dyn TargetIsa, funcs: Vec<Function>) -> Result<CompiledModule, String> {
    let mut compiled = Vec::with_capacity(funcs.len());
    for f in &funcs {
        compiled.push(
            isa.compile_function(f)
                .map_err(|e| format!("function {} does not compile: {e}", f.name))?,
        );
    }
    let module: Vec<ModuleFunction<'_>> = funcs
        .iter()
        .zip(&compiled)
        .map(|(f, c)| ModuleFunction {
            name: &f.name,
            compiled: c,
        })
        .collect();
    let text = isa
        .build_text_section(&module)
        .map_err(|e| format!("text section: {e}"))?;
    Ok(CompiledModule {
        funcs,
        compiled,
        text,
    })
}

/// The functions of a module that compile, and why the others cannot run.
struct UsableModule {
    /// Functions that compiled and call only functions that did.
    funcs: Vec<Function>,
    compiled: Vec<CompiledFunction>,
    /// Why each left-out function (by name) cannot run.
    left_out: HashMap<ExternalName, String>,
}

/// Compiles every function; leaves out those that fail and, transitively, those that
/// call a left-out function (their colocated calls could not be resolved).
fn compile_usable(isa: &dyn TargetIsa, funcs: Vec<Function>) -> UsableModule {
    let mut left_out: HashMap<ExternalName, String> = HashMap::new();
    let mut compiled: Vec<Option<CompiledFunction>> = Vec::with_capacity(funcs.len());
    for f in &funcs {
        match isa.compile_function(f) {
            Ok(c) => compiled.push(Some(c)),
            Err(e) => {
                left_out.insert(
                    f.name.clone(),
                    format!("function {} does not compile: {e}", f.name),
                );
                compiled.push(None);
            }
        }
    }
    // Propagate to callers until nothing changes; files hold few functions.
    loop {
        let mut changed = false;
        for (f, c) in funcs.iter().zip(compiled.iter_mut()) {
            if c.is_none() {
                continue;
            }
            let bad = f.ext_funcs.values().find_map(|ext| {
                left_out
                    .get(&ext.name)
                    .map(|why| (ext.name.clone(), why.clone()))
            });
            if let Some((callee, why)) = bad {
                left_out.insert(
                    f.name.clone(),
                    format!(
                        "function {} calls {callee}, which cannot run: {why}",
                        f.name
                    ),
                );
                *c = None;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let (funcs, compiled) = funcs
        .into_iter()
        .zip(compiled)
        .filter_map(|(f, c)| c.map(|c| (f, c)))
        .unzip();
    UsableModule {
        funcs,
        compiled,
        left_out,
    }
}

/// What running a file produced.
#[derive(Clone, Debug, Default)]
pub struct FileRun {
    /// One result per run line, in file order.
    pub results: Vec<RunLineResult>,
    /// The module's [`stats_line`], when it was built.
    pub stats: Option<String>,
    /// Islands and veneers of the module's text section (0 when it was not built).
    pub islands: u64,
    /// See `islands`.
    pub veneers: u64,
}

/// `text: N bytes, N functions, N islands, N veneers[ (kind: n, ...)], N relocations`
pub fn stats_line(text: &ModuleText) -> String {
    let st = &text.section.stats;
    let mut s = format!(
        "text: {} bytes, {} functions, {} islands, {} veneers",
        text.section.code.len(),
        text.section.function_offsets.len(),
        st.islands,
        st.veneers()
    );
    if !st.veneers_by_kind.is_empty() {
        let kinds: Vec<String> = st
            .veneers_by_kind
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        s.push_str(&format!(" ({})", kinds.join(", ")));
    }
    s.push_str(&format!(", {} relocations", text.relocs.len()));
    s
}

/// Runs every run line of `file` on `isa` with `executor`.
///
/// `Err` only for a skip or a failure of the executor itself; everything about the
/// file is in the per-line results.
pub fn run_file(
    isa: &dyn TargetIsa,
    file: &TestFile,
    source: &str,
    executor: &dyn Executor,
) -> Result<FileRun, HookError> {
    let mut stats = None;
    let (mut islands, mut veneers) = (0, 0);
    let found = collect_run_lines(file, source);
    let mut results: Vec<Option<RunLineResult>> = vec![None; found.len()];
    let fail = |r: &FoundRunLine, text: &str, msg: String| RunLineResult {
        line: r.line,
        text: text.to_string(),
        outcome: Err(msg),
    };

    // Resolve each line to (callee index, typed line); one trampoline per callee.
    let by_name: HashMap<String, usize> = file
        .functions
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.func.name {
            ExternalName::TestCase(n) => Some((n.clone(), i)),
            ExternalName::User { .. } => None,
        })
        .collect();
    let mut calls = Vec::new();
    let mut tramp_of: HashMap<usize, usize> = HashMap::new();
    for (k, r) in found.iter().enumerate() {
        let run = match &r.parsed {
            Ok(run) => run,
            Err(e) => {
                results[k] = Some(fail(r, "", e.to_string()));
                continue;
            }
        };
        let callee = match &run.func {
            Some(name) => by_name.get(name).copied(),
            None => r.owner,
        };
        let Some(callee) = callee else {
            let msg = match &run.func {
                Some(name) => format!(
                    "{}:{}: no function %{name} in this file",
                    run.line, run.column
                ),
                None => format!(
                    "{}:{}: `; run` must follow a function",
                    run.line, run.column
                ),
            };
            results[k] = Some(fail(r, &run.text, msg));
            continue;
        };
        match type_run_line(run, &file.functions[callee].func.signature) {
            Ok(typed) => {
                let n = tramp_of.len();
                let tramp = *tramp_of.entry(callee).or_insert(n);
                calls.push((k, callee, tramp, typed));
            }
            Err(e) => results[k] = Some(fail(r, &run.text, e.to_string())),
        }
    }

    if !calls.is_empty() {
        let usable = compile_usable(isa, module_functions(file));
        // Lines calling a left-out function fail with its reason; the rest run.
        calls.retain(|(k, callee, ..)| {
            let name = &file.functions[*callee].func.name;
            match usable.left_out.get(name) {
                Some(why) => {
                    let r = &found[*k];
                    results[*k] = Some(fail(r, run_text(r), why.clone()));
                    false
                }
                None => true,
            }
        });
        // One trampoline per remaining callee, numbered in order of first use.
        let mut tramp_of: HashMap<usize, usize> = HashMap::new();
        for (_, callee, tramp, _) in calls.iter_mut() {
            let n = tramp_of.len();
            *tramp = *tramp_of.entry(*callee).or_insert(n);
        }
        let mut tramps: Vec<(usize, usize)> = tramp_of.iter().map(|(&c, &t)| (t, c)).collect();
        tramps.sort_unstable();
        let UsableModule {
            mut funcs,
            mut compiled,
            ..
        } = usable;
        let nfuncs = funcs.len();
        let mut build_error = None;
        for &(t, callee) in &tramps {
            let f = &file.functions[callee].func;
            let tramp = build_trampoline(
                t,
                &f.name.to_string(),
                &f.signature,
                isa.default_call_conv(),
            )
            .and_then(|tf| match isa.compile_function(&tf) {
                Ok(c) => Ok((tf, c)),
                Err(e) => Err(format!("trampoline for {} does not compile: {e}", f.name)),
            });
            match tramp {
                Ok((tf, c)) => {
                    funcs.push(tf);
                    compiled.push(c);
                }
                Err(e) => build_error = Some(e),
            }
        }
        let module = match build_error {
            Some(e) => Err(e),
            None if calls.is_empty() => Err(String::new()),
            None => {
                let module: Vec<ModuleFunction<'_>> = funcs
                    .iter()
                    .zip(&compiled)
                    .map(|(f, c)| ModuleFunction {
                        name: &f.name,
                        compiled: c,
                    })
                    .collect();
                match isa.build_text_section(&module) {
                    Ok(text) => refuse_relocations(CompiledModule {
                        funcs,
                        compiled,
                        text,
                    }),
                    Err(e) => Err(format!("text section: {e}")),
                }
            }
        };
        match module {
            Err(msg) if calls.is_empty() && msg.is_empty() => {}
            Err(msg) => {
                for &(k, ..) in &calls {
                    let r = &found[k];
                    results[k] = Some(fail(r, run_text(r), msg.clone()));
                }
            }
            Ok(module) => {
                stats = Some(stats_line(&module.text));
                islands = module.text.section.stats.islands;
                veneers = module.text.section.stats.veneers();
                let offsets = &module.text.section.function_offsets;
                let mut entries = Vec::with_capacity(calls.len());
                let mut buffers = Vec::with_capacity(calls.len());
                for (_, callee, tramp, typed) in &calls {
                    let sig = &file.functions[*callee].func.signature;
                    let mut buf = vec![0u8; buffer_len(sig)];
                    for (i, v) in typed.args.iter().enumerate() {
                        buf[i * SLOT_BYTES..(i + 1) * SLOT_BYTES].copy_from_slice(&v.to_slot());
                    }
                    let entry = offsets.get(nfuncs + tramp).copied().ok_or_else(|| {
                        HookError::Failed("the text section lost a trampoline".to_string())
                    })?;
                    entries.push(entry);
                    buffers.push(buf);
                }
                let outcomes = executor.run(&module.text, &entries, &mut buffers)?;
                for (((k, callee, _, typed), outcome), buf) in
                    calls.iter().zip(outcomes).zip(&buffers)
                {
                    let r = &found[*k];
                    let sig = &file.functions[*callee].func.signature;
                    let got: Vec<DataValue> = sig
                        .returns
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            DataValue::from_slot(
                                p.value_type,
                                &buf[i * SLOT_BYTES..(i + 1) * SLOT_BYTES],
                            )
                        })
                        .collect();
                    let outcome = match outcome {
                        CallOutcome::Crashed(why) => Err(why),
                        CallOutcome::Returned => {
                            check_results(&typed.expect, &got).map(|()| show_values(&got))
                        }
                    };
                    results[*k] = Some(RunLineResult {
                        line: r.line,
                        text: run_text(r).to_string(),
                        outcome,
                    });
                }
            }
        }
    }
    Ok(FileRun {
        results: results.into_iter().flatten().collect(),
        stats,
        islands,
        veneers,
    })
}

/// A module whose text still has relocations calls something the file does not
/// define; say what, instead of letting the loader refuse the text.
fn refuse_relocations(module: CompiledModule) -> Result<CompiledModule, String> {
    let mut names: Vec<String> = module
        .text
        .relocs
        .iter()
        .map(|r| r.target.to_string())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Ok(module);
    }
    Err(format!(
        "the module calls {}, not defined in this file (run tests resolve every call inside the file)",
        names.join(", ")
    ))
}

fn run_text(r: &FoundRunLine) -> &str {
    r.parsed.as_ref().map(|run| run.text.as_str()).unwrap_or("")
}

#[cfg(test)]
mod tests;
