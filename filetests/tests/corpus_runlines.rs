//! Every `; run` line of Cranelift's scalar run tests parses and types against its
//! callee: the run-line grammar covers the corpus. Files our CLIF parser rejects are
//! counted, not failed (their constructs are outside the scalar core).

use std::path::Path;

use atoll_codegen::ir::ExternalName;
use atoll_codegen::text::parse_test;
use atoll_filetests::run::collect_run_lines;
use atoll_filetests::run::runline::type_run_line;

#[test]
fn corpus_run_lines_parse_and_type() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/clif-runtests");
    let Ok(list) = std::fs::read_to_string(dir.join("scalar-core.txt")) else {
        eprintln!("corpus absent at {}; skipped", dir.display());
        return;
    };
    let (mut files, mut unparsed, mut lines) = (0, 0, 0);
    let mut problems = Vec::new();
    for name in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let Ok(source) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        files += 1;
        let Ok(file) = parse_test(&source) else {
            unparsed += 1;
            continue;
        };
        for found in collect_run_lines(&file, &source) {
            lines += 1;
            let run = match found.parsed {
                Ok(run) => run,
                Err(e) => {
                    problems.push(format!("{name}:{e}"));
                    continue;
                }
            };
            let callee = match &run.func {
                Some(n) => file
                    .functions
                    .iter()
                    .find(|f| f.func.name == ExternalName::TestCase(n.clone())),
                None => found.owner.map(|i| &file.functions[i]),
            };
            let Some(callee) = callee else {
                problems.push(format!("{name}:{}: no callee for `{}`", run.line, run.text));
                continue;
            };
            if let Err(e) = type_run_line(&run, &callee.func.signature) {
                problems.push(format!("{name}:{e}"));
            }
        }
    }
    eprintln!("{files} files ({unparsed} not parsed), {lines} run lines checked");
    assert!(
        problems.is_empty(),
        "{} run lines rejected:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
