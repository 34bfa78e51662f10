//! Every `set` and `target` line of the Cranelift filetests in the shared corpus
//! (`../shared/corpus/clif-runtests` and `clif-isa`) must be understood: `set` lines
//! by the shared settings, `target` lines by `atoll::isa::parse_target_line`. Targets
//! that are not ours (riscv64, s390x, pulley*) must be refused as unsupported, not as
//! unknown names or bad flags.

use atoll::codegen::settings::Flags;
use atoll::isa::{parse_target_line, LookupError, TargetLineError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn clif_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            clif_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "clif") {
            out.push(path);
        }
    }
}

/// The keyword of a header line, if it is `set ...` or `target ...`.
fn header_keyword(line: &str) -> Option<&'static str> {
    let first = line.split_whitespace().next()?;
    ["set", "target"].into_iter().find(|k| *k == first)
}

#[test]
fn corpus_set_and_target_lines_accepted() {
    let root = corpus_dir();
    let dirs: Vec<PathBuf> = ["clif-runtests", "clif-isa"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    if !dirs.iter().any(|d| d.is_dir()) {
        println!("corpus absent at {}: skipped", root.display());
        return;
    }
    let mut files = Vec::new();
    for d in &dirs {
        clif_files(d, &mut files);
    }
    files.sort();

    let (mut sets, mut targets, mut not_built) = (0usize, 0usize, 0usize);
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            failures.push(format!("{}: unreadable", file.display()));
            continue;
        };
        let mut shared = Flags::builder();
        for (n, line) in text.lines().enumerate() {
            let where_ = || format!("{}:{}: {}", file.display(), n + 1, line.trim());
            match header_keyword(line) {
                Some("set") => match shared.apply_line(line) {
                    Ok(()) => sets += 1,
                    Err(e) => failures.push(format!("{}: {e}", where_())),
                },
                Some(_) => match parse_target_line(line) {
                    Ok(_) => targets += 1,
                    Err(e) if e.is_unsupported() => {
                        let arch = line.split_whitespace().nth(1).unwrap_or("").to_string();
                        *unsupported.entry(arch).or_default() += 1;
                    }
                    // A build without that backend cannot check its flags.
                    Err(TargetLineError::Lookup(LookupError::NotCompiledIn { .. })) => {
                        not_built += 1
                    }
                    Err(e) => failures.push(format!("{}: {e}", where_())),
                },
                None => {}
            }
        }
    }
    println!(
        "corpus flags: {} files, {sets} set lines accepted, {targets} target lines accepted, {} refused as unsupported {unsupported:?}, {not_built} for backends not compiled in, {} failures",
        files.len(),
        unsupported.values().sum::<usize>(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "lines not understood:\n{}",
        failures.join("\n")
    );
    assert!(
        sets > 0 && targets > 0,
        "no set or target lines found under {}",
        root.display()
    );
}
