//! Every file in `filetests/filetests/parser/` is a malformed input: a `test
//! parse-error` line, a `; expect-error: L:C: <message>` line, and CLIF the parser must
//! reject with exactly that error.

use std::fs;
use std::path::Path;

use atoll_codegen::text::parse_test;

#[test]
fn parser_error_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../filetests/filetests/parser");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .expect("filetests/filetests/parser exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "clif"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let src = fs::read_to_string(path).expect("readable test file");
        if !src.lines().any(|l| l.trim() == "test parse-error") {
            continue;
        }
        let Some(expected) = src
            .lines()
            .find_map(|l| l.trim().strip_prefix("; expect-error: "))
        else {
            failures.push(format!("{name}: no '; expect-error:' line"));
            continue;
        };
        checked += 1;
        match parse_test(&src) {
            Ok(_) => failures.push(format!("{name}: parsed, expected error {expected}")),
            Err(e) if e.to_string() == expected.trim_end() => {}
            Err(e) => failures.push(format!("{name}:\n  expected {expected}\n  got      {e}")),
        }
    }
    println!(
        "parser error files: {}/{checked} match",
        checked - failures.len()
    );
    assert!(checked >= 30, "only {checked} parse-error files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
