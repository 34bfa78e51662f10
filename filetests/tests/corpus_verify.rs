//! The verifier accepts every function of Cranelift's CLIF run tests that our parser
//! reads: those are valid programs, so any error here is a verifier false positive.
//! Files the parser rejects (constructs we do not support yet) are counted, not failed.

use std::path::Path;

use atoll_codegen::text::parse_test;
use atoll_codegen::verifier::verify_function;

#[test]
fn corpus_runtests_verify_cleanly() {
    verify_corpus("clif-runtests");
}

#[test]
fn corpus_isa_tests_verify_cleanly() {
    verify_corpus("clif-isa");
}

fn verify_corpus(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(name);
    if !dir.is_dir() {
        eprintln!("corpus not found at {}; skipping", dir.display());
        return;
    }
    let Ok(paths) = atoll_filetests::discover::discover(&[dir]) else {
        return;
    };
    let (mut functions, mut unparsed) = (0, 0);
    let mut problems = Vec::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(file) = parse_test(&text) else {
            unparsed += 1;
            continue;
        };
        for f in &file.functions {
            functions += 1;
            if let Err(e) = verify_function(&f.func) {
                problems.push(format!(
                    "{}: function {}:\n{e}",
                    path.display(),
                    f.func.name
                ));
            }
        }
    }
    eprintln!(
        "{} files, {unparsed} not parsed, {functions} functions verified",
        paths.len()
    );
    assert!(
        problems.is_empty(),
        "{} false positives:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
