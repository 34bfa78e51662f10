//! Round-trips the Cranelift CLIF corpus (`../shared/corpus`, read-only data) through
//! the parser and printer.
//!
//! - Every file listed in `clif-runtests/scalar-core.txt` must parse; each function
//!   is printed, parsed again and printed again, and both printouts and the entity
//!   counts must agree; every function must pass the verifier.
//! - Every other `.clif` under `clif-runtests/` and `clif-isa/` must either do the
//!   same or fail with an error naming an unsupported construct ("unsupported ...",
//!   or "unknown opcode" for opcodes removed from CLIF since, e.g. `iadd_ifcout`).

use std::fs;
use std::path::{Path, PathBuf};

use atoll_codegen::ir::Function;
use atoll_codegen::text::{parse_functions, parse_test};
use atoll_codegen::verifier::verify_function;

mod common;
use common::{corpus_dir, scalar_core_names};

/// Entity counts compared across a round trip.
fn counts(f: &Function) -> [usize; 7] {
    let blocks = f.layout.blocks().count();
    let insts = f
        .layout
        .blocks()
        .map(|b| f.layout.block_insts(b).count())
        .sum();
    [
        blocks,
        insts,
        f.dfg.values().count(),
        f.stack_slots.len(),
        f.global_values.len(),
        f.sigs.len(),
        f.ext_funcs.len(),
    ]
}

/// Parse `src` as a test file and round-trip each function; `Err` describes the
/// first failure.
fn round_trip(src: &str) -> Result<usize, String> {
    let file = parse_test(src).map_err(|e| format!("parse: {e}"))?;
    for tf in &file.functions {
        let printed = tf.func.to_string();
        let again = parse_functions(&printed).map_err(|e| format!("re-parse: {e}\n{printed}"))?;
        let [f2] = again.as_slice() else {
            return Err(format!("re-parse gave {} functions", again.len()));
        };
        let printed2 = f2.to_string();
        if printed2 != printed {
            return Err(format!("printouts differ:\n{printed}\n---\n{printed2}"));
        }
        if counts(&tf.func) != counts(f2) {
            return Err(format!(
                "entity counts differ: {:?} vs {:?}",
                counts(&tf.func),
                counts(f2)
            ));
        }
    }
    Ok(file.functions.len())
}

fn clif_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            clif_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "clif") {
            out.push(p);
        }
    }
}

#[test]
fn scalar_core_round_trip() {
    let Some(corpus) = corpus_dir() else {
        println!("corpus absent: ../shared/corpus not found, skipped");
        return;
    };
    let runtests = corpus.join("clif-runtests");
    let names = scalar_core_names(&corpus).expect("scalar-core.txt");
    let mut failures = Vec::new();
    let mut functions = 0;
    let mut verify_failures = Vec::new();
    for name in &names {
        let src = fs::read_to_string(runtests.join(name)).expect("listed file");
        match round_trip(&src) {
            Ok(n) => functions += n,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
        for tf in parse_test(&src).map(|f| f.functions).unwrap_or_default() {
            if let Err(e) = verify_function(&tf.func) {
                verify_failures.push(format!("{name}: function {}:\n{e}", tf.func.name));
            }
        }
    }
    println!(
        "scalar-core verifier: {}/{functions} functions verify",
        functions - verify_failures.len()
    );
    for f in &verify_failures {
        println!("  {f}");
    }
    println!(
        "scalar-core round-trip: {}/{} files ({functions} functions)",
        names.len() - failures.len(),
        names.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        verify_failures.is_empty(),
        "functions that do not verify: {}",
        verify_failures.len()
    );
}

#[test]
fn other_corpus_files_parse_or_name_the_unsupported_construct() {
    let Some(corpus) = corpus_dir() else {
        println!("corpus absent: ../shared/corpus not found, skipped");
        return;
    };
    let core = scalar_core_names(&corpus).unwrap_or_default();
    for sub in ["clif-runtests", "clif-isa"] {
        let mut files = Vec::new();
        clif_files(&corpus.join(sub), &mut files);
        let (mut ok, mut unsupported, mut bad) = (0, 0, Vec::new());
        let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
        let mut not_verified = Vec::new();
        for path in &files {
            let rel = path
                .strip_prefix(corpus.join(sub))
                .unwrap_or(path)
                .to_string_lossy()
                .to_string();
            if sub == "clif-runtests" && core.contains(&rel) {
                continue;
            }
            let src = fs::read_to_string(path).expect("corpus file");
            match round_trip(&src) {
                Ok(_) => {
                    ok += 1;
                    for tf in parse_test(&src).map(|f| f.functions).unwrap_or_default() {
                        if let Err(e) = verify_function(&tf.func) {
                            not_verified.push(format!("{rel}: {}: {}", tf.func.name, e.0[0]));
                        }
                    }
                }
                Err(e)
                    if e.starts_with("parse: ")
                        && (e.contains("unsupported") || e.contains("unknown opcode")) =>
                {
                    unsupported += 1;
                    // "parse: L:C: unsupported type i8x16 (...)" -> "unsupported type"
                    let msg = e.splitn(4, ':').nth(3).unwrap_or(&e).trim();
                    let key: Vec<&str> = msg.split_whitespace().take(2).collect();
                    *reasons.entry(key.join(" ")).or_default() += 1;
                }
                Err(e) => bad.push(format!("{rel}: {e}")),
            }
        }
        println!(
            "{sub} (outside scalar-core): {} files, {ok} round-trip, {unsupported} unsupported, {} other failures",
            ok + unsupported + bad.len(),
            bad.len()
        );
        println!("  unsupported by reason: {reasons:?}");
        // Informational: these files are outside the scalar core, so a verifier
        // rejection may be legitimate (e.g. a feature the verifier does not model).
        println!(
            "  functions of round-tripped files failing the verifier: {}",
            not_verified.len()
        );
        for f in &not_verified {
            println!("    {f}");
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
