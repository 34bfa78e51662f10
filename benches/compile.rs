//! Compile-speed benchmark over the scalar CLIF runtest corpus.
//!
//! ```text
//! cargo bench --bench compile [-- --target x86_64|aarch64|arm ...] [--runs N]
//! ```
//!
//! Pipeline, each stage timed separately as the best of N wall-clock runs
//! (`std::time::Instant`; best-of because the machine is shared and noise only adds):
//!
//! ```text
//! files of scalar-core.txt --parse_test--> functions --verify_function--> verified
//!   --per target: TargetIsa::compile_function (each)--> CompiledFunction
//!   --per file: TargetIsa::build_text_section--> ModuleText
//! ```
//!
//! Invariant: every timed stage runs over a fixed set chosen before timing, so each
//! run does identical work. A function is benchmarked on a target only if it compiles
//! there under *every* configuration compared (default, `regalloc_algorithm=
//! single_pass`, `opt_level=speed`), so the rows of one target are comparable. A file
//! enters the text-section stage only if its kept functions form a module that
//! builds (a colocated call to a dropped function would not resolve).
//!
//! The counts printed (functions, IR instructions, bytes) are deterministic; only the
//! times vary. The verifier inside `compile_function` is switched off
//! (`enable_verifier=false`) so that verification is timed once, in its own stage.
//! Without the corpus (`../shared` absent) the benchmark says so and exits 0.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use atoll::codegen::ir::Function;
use atoll::codegen::isa::{CompiledFunction, ModuleFunction, TargetIsa};
use atoll::codegen::settings::{Builder, Flags, SHARED_TEMPLATE};
use atoll::codegen::text::parse_test;
use atoll::codegen::verifier::verify_function;

const CORPUS_LIST: &str = "../shared/corpus/clif-runtests/scalar-core.txt";
const DEFAULT_TARGETS: [&str; 3] = ["x86_64", "aarch64", "arm"];
const DEFAULT_RUNS: usize = 5;

/// Shared-flag directives of each compared configuration; the first is the baseline.
const CONFIGS: &[(&str, &[(&str, &str)])] = &[
    ("default", &[]),
    ("single_pass", &[("regalloc_algorithm", "single_pass")]),
    ("opt=speed", &[("opt_level", "speed")]),
];

struct Options {
    targets: Vec<String>,
    runs: usize,
}

/// One corpus file: its text and, once parsed and verified, its functions.
struct CorpusFile {
    path: PathBuf,
    source: String,
    functions: Vec<Function>,
}

fn main() {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("compile bench: {msg}");
            std::process::exit(2);
        }
    };
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS_LIST);
    let Some(mut files) = read_corpus(&list) else {
        println!(
            "compile bench: corpus list {} not found; nothing to measure.",
            list.display()
        );
        return;
    };
    println!(
        "compile bench: {} files from {}, best of {} runs",
        files.len(),
        list.display(),
        opts.runs
    );

    let (parse_time, parse_failures) = stage_parse(&mut files, opts.runs);
    let parsed = count_functions(&files);
    let insts_parsed: usize = files.iter().flat_map(|f| &f.functions).map(ir_insts).sum();
    println!(
        "parse:  {parsed} functions ({insts_parsed} IR insts) in {} ({:.2} µs/function, {:.1} ns/IR inst, {:.1} MB/s of source); {parse_failures} files failed",
        ms(parse_time),
        per(parse_time, parsed) * 1e6,
        per(parse_time, insts_parsed) * 1e9,
        mbps(files.iter().map(|f| f.source.len()).sum(), parse_time),
    );
    let (verify_time, rejected) = stage_verify(&mut files, opts.runs);
    let verified = count_functions(&files);
    println!(
        "verify: {verified} functions in {} ({:.2} µs/function); {rejected} rejected",
        ms(verify_time),
        per(verify_time, verified) * 1e6,
    );

    println!();
    println!("| target | config | functions | IR insts | code bytes | compile | µs/func | ns/IR inst | MB/s code | text section (files) |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for target in &opts.targets {
        if let Err(msg) = bench_target(target, &files, opts.runs) {
            println!("| {target} | {msg} | | | | | | | | |");
        }
    }
}

/// `--target T` (repeatable) and `--runs N`; cargo's own `--bench` is ignored.
fn parse_args() -> Result<Options, String> {
    let mut targets = Vec::new();
    let mut runs = DEFAULT_RUNS;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => targets.push(args.next().ok_or("--target needs a value")?),
            "--runs" => {
                let v = args.next().ok_or("--runs needs a value")?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("bad --runs `{v}`"))?;
            }
            "--bench" => {}
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --target T, --runs N)"
                ))
            }
        }
    }
    if targets.is_empty() {
        targets = DEFAULT_TARGETS.iter().map(|s| s.to_string()).collect();
    }
    Ok(Options { targets, runs })
}

/// The files the list names (comment lines start with `#`), or `None` without a list.
/// A listed file that cannot be read is reported and skipped.
fn read_corpus(list: &Path) -> Option<Vec<CorpusFile>> {
    let text = std::fs::read_to_string(list).ok()?;
    let dir = list.parent()?;
    let mut files = Vec::new();
    for name in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(source) => files.push(CorpusFile {
                path,
                source,
                functions: Vec::new(),
            }),
            Err(e) => eprintln!("compile bench: skipping {}: {e}", path.display()),
        }
    }
    Some(files)
}

/// Times parsing all files; keeps the functions of those that parse.
fn stage_parse(files: &mut Vec<CorpusFile>, runs: usize) -> (Duration, usize) {
    let before = files.len();
    let time = best_of(runs, || {
        for f in files.iter() {
            let _ = std::hint::black_box(parse_test(&f.source));
        }
    });
    files.retain_mut(|f| match parse_test(&f.source) {
        Ok(t) => {
            f.functions = t.functions.into_iter().map(|t| t.func).collect();
            true
        }
        Err(e) => {
            eprintln!("compile bench: {}:{e}", f.path.display());
            false
        }
    });
    (time, before - files.len())
}

/// Times verifying all parsed functions; keeps those that verify.
fn stage_verify(files: &mut [CorpusFile], runs: usize) -> (Duration, usize) {
    let time = best_of(runs, || {
        for func in files.iter().flat_map(|f| &f.functions) {
            let _ = std::hint::black_box(verify_function(func));
        }
    });
    let mut rejected = 0;
    for f in files.iter_mut() {
        let before = f.functions.len();
        f.functions.retain(|func| verify_function(func).is_ok());
        rejected += before - f.functions.len();
    }
    (time, rejected)
}

/// Benchmarks one target under every configuration; prints one table row each.
fn bench_target(target: &str, files: &[CorpusFile], runs: usize) -> Result<(), String> {
    let isas = CONFIGS
        .iter()
        .map(|(_, sets)| build_isa(target, sets))
        .collect::<Result<Vec<_>, _>>()?;
    let (kept, panics) = select(&isas, files);
    if panics > 0 {
        eprintln!("compile bench: {target}: {panics} functions panicked in the backend (excluded)");
    }
    let funcs: Vec<&Function> = kept.iter().flatten().copied().collect();
    let insts: usize = funcs.iter().map(|f| ir_insts(f)).sum();
    for ((name, _), isa) in CONFIGS.iter().zip(&isas) {
        let compile = best_of(runs, || {
            for f in &funcs {
                let _ = std::hint::black_box(isa.compile_function(f));
            }
        });
        let compiled: Vec<Vec<CompiledFunction>> = kept
            .iter()
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| isa.compile_function(f).ok())
                    .collect()
            })
            .collect();
        let bytes: usize = compiled.iter().flatten().map(|c| c.code.len()).sum();
        let (text, text_files) = stage_text(&**isa, &kept, &compiled, runs);
        println!(
            "| {target} | {name} | {} | {insts} | {bytes} | {} | {:.1} | {:.0} | {:.2} | {} ({text_files}) |",
            funcs.len(),
            ms(compile),
            per(compile, funcs.len()) * 1e6,
            per(compile, insts) * 1e9,
            mbps(bytes, compile),
            ms(text),
        );
    }
    Ok(())
}

/// A backend for `target` with the verifier off and the given shared settings.
fn build_isa(target: &str, sets: &[(&str, &str)]) -> Result<Box<dyn TargetIsa>, String> {
    let desc = atoll::isa::lookup(target).map_err(|e| e.to_string())?;
    let mut shared = Builder::new(&SHARED_TEMPLATE);
    for (name, value) in [("enable_verifier", "false")].iter().chain(sets) {
        shared.set(name, Some(value)).map_err(|e| e.to_string())?;
    }
    desc.build(Flags::new(&shared), &desc.isa_builder())
        .map_err(|e| e.to_string())
}

/// Per file, the functions that compile under every backend configuration, and how
/// many panicked. A panic is a backend bug, but must not end the benchmark: it is
/// caught (with the panic message silenced) and the function excluded.
fn select<'a>(
    isas: &[Box<dyn TargetIsa>],
    files: &'a [CorpusFile],
) -> (Vec<Vec<&'a Function>>, usize) {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut panics = 0;
    let kept = files
        .iter()
        .map(|file| {
            file.functions
                .iter()
                .filter(|func| {
                    isas.iter().all(|isa| {
                        match catch_unwind(AssertUnwindSafe(|| isa.compile_function(func))) {
                            Ok(r) => r.is_ok(),
                            Err(_) => {
                                panics += 1;
                                false
                            }
                        }
                    })
                })
                .collect()
        })
        .collect();
    std::panic::set_hook(hook);
    (kept, panics)
}

/// Times building one text section per file (only files whose module builds) and
/// returns the time and the number of such files.
fn stage_text(
    isa: &dyn TargetIsa,
    kept: &[Vec<&Function>],
    compiled: &[Vec<CompiledFunction>],
    runs: usize,
) -> (Duration, usize) {
    let modules: Vec<Vec<ModuleFunction<'_>>> = kept
        .iter()
        .zip(compiled)
        .filter(|(fs, cs)| !fs.is_empty() && fs.len() == cs.len())
        .map(|(fs, cs)| {
            fs.iter()
                .zip(cs)
                .map(|(f, c)| ModuleFunction {
                    name: &f.name,
                    compiled: c,
                })
                .collect()
        })
        .filter(|m: &Vec<ModuleFunction<'_>>| isa.build_text_section(m).is_ok())
        .collect();
    let time = best_of(runs, || {
        for m in &modules {
            let _ = std::hint::black_box(isa.build_text_section(m));
        }
    });
    (time, modules.len())
}

/// The shortest of `runs` wall-clock timings of `work`.
fn best_of(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// IR instructions in the layout (instructions created but not placed do not count).
fn ir_insts(func: &Function) -> usize {
    func.layout
        .blocks()
        .map(|b| func.layout.block_insts(b).count())
        .sum()
}

fn count_functions(files: &[CorpusFile]) -> usize {
    files.iter().map(|f| f.functions.len()).sum()
}

/// Seconds per item (0 for no items).
fn per(time: Duration, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        time.as_secs_f64() / n as f64
    }
}

fn mbps(bytes: usize, time: Duration) -> f64 {
    let secs = time.as_secs_f64();
    if secs == 0.0 {
        0.0
    } else {
        bytes as f64 / secs / 1e6
    }
}

fn ms(time: Duration) -> String {
    format!("{:.2} ms", time.as_secs_f64() * 1e3)
}
