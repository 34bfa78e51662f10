//! Cranelift's CLIF run tests (`shared/corpus/clif-runtests`, read in place, never
//! copied) executed through the AArch64 backend under `qemu-aarch64`.
//!
//! Every function whose signature is scalar (`i8`–`i64`, `f32`, `f64`, at most eight
//! of each class, at most one result) and which our lowering accepts is compiled;
//! its `; run: %f(args) == result` (or `!=`) lines become calls in one C harness,
//! linked once and run once. Functions the lowering does not support yet are
//! counted, not failed. Any wrong result fails the test, with file, line and values.
//!
//! Skipped with a printed reason when the corpus, the cross compiler or qemu is
//! missing.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use atoll_codegen::ir::{parse_int, Function, Ieee32, Ieee64, Type};

mod common;
use common::qemu::{run, tools_present};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/clif-runtests");
    dir.is_dir().then_some(dir)
}

/// Compile one function, or say why not.
fn compile(f: &Function) -> Result<Vec<u8>, String> {
    common::compile::compile_clif(f)
}

fn c_type(t: Type) -> Option<&'static str> {
    Some(match t {
        Type::I8 => "int8_t",
        Type::I16 => "int16_t",
        Type::I32 => "int32_t",
        Type::I64 => "int64_t",
        Type::F32 => "float",
        Type::F64 => "double",
        _ => return None,
    })
}

/// A value of type `t` as its bit pattern (ints masked to their width).
fn parse_value(t: Type, s: &str) -> Option<u64> {
    let s = s.trim();
    match t {
        Type::F32 => Ieee32::parse(s).ok().map(|v| u64::from(v.0)),
        Type::F64 => Ieee64::parse(s).ok().map(|v| v.0),
        _ => {
            let v = match s {
                "true" => 1,
                "false" => 0,
                _ => parse_int(s).ok()?,
            };
            let bits = t.bits();
            Some(if bits == 64 {
                v as u64
            } else {
                (v as u64) & ((1u64 << bits) - 1)
            })
        }
    }
}

/// A C expression of type `t` with bit pattern `bits`.
fn c_value(t: Type, bits: u64) -> String {
    match t {
        Type::F32 => format!("f32b(0x{bits:x}u)"),
        Type::F64 => format!("f64b(0x{bits:x}ull)"),
        _ => format!("({})0x{bits:x}ull", c_type(t).unwrap_or("int64_t")),
    }
}

fn is_nan(t: Type, bits: u64) -> bool {
    match t {
        Type::F32 => f32::from_bits(bits as u32).is_nan(),
        Type::F64 => f64::from_bits(bits).is_nan(),
        _ => false,
    }
}

struct Call {
    label: String,
    ret: Type,
    expected: u64,
    equal: bool,
    expr: String,
}

/// Parse `%name(a, b) == r` / `!= r` for function `f` (C symbol `sym`).
fn parse_run(f: &Function, sym: &str, text: &str) -> Option<Call> {
    let text = text.trim().strip_prefix("run:")?.trim();
    let (call, equal, rhs) = if let Some((l, r)) = text.split_once("==") {
        (l, true, r)
    } else if let Some((l, r)) = text.split_once("!=") {
        (l, false, r)
    } else {
        return None;
    };
    let (name, args) = call.trim().split_once('(')?;
    if name.trim() != f.name.to_string() {
        return None;
    }
    let args = args.trim().strip_suffix(')')?;
    let params: Vec<Type> = f.signature.params.iter().map(|p| p.value_type).collect();
    let values: Vec<&str> = if args.trim().is_empty() {
        Vec::new()
    } else {
        args.split(',').collect()
    };
    if values.len() != params.len() {
        return None;
    }
    let mut c_args = Vec::new();
    for (&t, v) in params.iter().zip(&values) {
        c_args.push(c_value(t, parse_value(t, v)?));
    }
    let ret = f.signature.returns.first()?.value_type;
    let expected = parse_value(ret, rhs)?;
    Some(Call {
        label: String::new(),
        ret,
        expected,
        equal,
        expr: format!("{sym}({})", c_args.join(", ")),
    })
}

/// The printf that prints a result of type `t` as hex bits.
fn print_stmt(t: Type, expr: &str) -> String {
    match t {
        Type::F32 => format!("{{ float r = {expr}; uint32_t b; memcpy(&b, &r, 4); printf(\"%llx\\n\", (unsigned long long)b); }}"),
        Type::F64 => format!("{{ double r = {expr}; uint64_t b; memcpy(&b, &r, 8); printf(\"%llx\\n\", (unsigned long long)b); }}"),
        _ => {
            let mask = if t.bits() == 64 { u64::MAX } else { (1u64 << t.bits()) - 1 };
            format!("printf(\"%llx\\n\", (unsigned long long)((uint64_t){expr} & 0x{mask:x}ull));")
        }
    }
}

#[test]
fn clif_runtests_on_aarch64() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: shared/corpus/clif-runtests not found");
        return;
    };
    if !tools_present() {
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "clif"));
    files.sort();
    let (mut asm, mut protos, mut calls) =
        (String::from("\t.text\n"), String::new(), Vec::<Call>::new());
    let (mut compiled, mut unsupported, mut skipped_files) = (0, 0, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let Ok(test) = atoll_codegen::text::parse_test(&src) else {
            skipped_files += 1;
            continue;
        };
        let runs = test.commands.iter().any(|c| c.name == "run");
        let for_aarch64 = test
            .isa_lines
            .iter()
            .all(|l| l.kind != atoll_codegen::text::IsaLineKind::Target)
            || test.isa_lines.iter().any(|l| l.text.starts_with("aarch64"));
        if !runs || !for_aarch64 {
            skipped_files += 1;
            continue;
        }
        let fname = path.file_name().unwrap().to_string_lossy().to_string();
        for tf in &test.functions {
            let f = &tf.func;
            let sig_ok = f.signature.returns.len() == 1
                && f.signature
                    .params
                    .iter()
                    .chain(&f.signature.returns)
                    .all(|p| c_type(p.value_type).is_some());
            if !sig_ok {
                continue;
            }
            let code = match catch_unwind(AssertUnwindSafe(|| compile(f))) {
                Ok(Ok(code)) => code,
                Ok(Err(reason)) => {
                    unsupported += 1;
                    let key = reason.rsplit(':').next().unwrap_or("").trim().to_string();
                    *reasons.entry(key).or_default() += 1;
                    continue;
                }
                Err(_) => panic!("{fname}:{}: compiling {} panicked", tf.line, f.name),
            };
            compiled += 1;
            let sym = format!("f{compiled}");
            let bytes: Vec<String> = code.iter().map(|b| format!("{b:#04x}")).collect();
            write!(
                asm,
                "\t.p2align 4\n\t.globl {sym}\n\t.type {sym}, %function\n{sym}:\n"
            )
            .unwrap();
            for chunk in bytes.chunks(16) {
                writeln!(asm, "\t.byte {}", chunk.join(", ")).unwrap();
            }
            let params: Vec<&str> = f
                .signature
                .params
                .iter()
                .map(|p| c_type(p.value_type).unwrap())
                .collect();
            let ret = c_type(f.signature.returns[0].value_type).unwrap();
            let params = if params.is_empty() {
                "void".to_string()
            } else {
                params.join(", ")
            };
            writeln!(protos, "{ret} {sym}({params});").unwrap();
            for c in &tf.comments {
                if let Some(mut call) = parse_run(f, &sym, &c.text) {
                    call.label = format!("{fname}:{}: {}", c.line, c.text.trim());
                    calls.push(call);
                }
            }
        }
    }
    let mut main = String::from(
        "#include <stdio.h>\n#include <stdint.h>\n#include <string.h>\n#include <signal.h>\n#include <setjmp.h>\n\
         static float f32b(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }\n\
         static double f64b(uint64_t b) { double f; memcpy(&f, &b, 8); return f; }\n\
         static sigjmp_buf env;\nstatic void on_trap(int s) { (void)s; siglongjmp(env, 1); }\n",
    );
    main.push_str(&protos);
    main.push_str("int main(void) {\n  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_trap; sa.sa_flags = SA_NODEFER;\n  sigaction(SIGILL, &sa, 0);\n");
    for call in &calls {
        writeln!(
            main,
            "  if (sigsetjmp(env, 1) == 0) {} else printf(\"trap\\n\");",
            print_stmt(call.ret, &call.expr)
        )
        .unwrap();
    }
    main.push_str("  (void)f32b; (void)f64b;\n  return 0;\n}\n");
    let out = run("runtests", &asm, &main);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        calls.len(),
        "harness output is incomplete:\n{out}"
    );
    let mut failures = Vec::new();
    for (call, got) in calls.iter().zip(&lines) {
        let got_bits = u64::from_str_radix(got.trim(), 16).ok();
        let same = match got_bits {
            Some(g) => {
                g == call.expected || (is_nan(call.ret, g) && is_nan(call.ret, call.expected))
            }
            None => false,
        };
        if same != call.equal {
            failures.push(format!(
                "{}  -> got {got}, expected {}0x{:x}",
                call.label,
                if call.equal { "" } else { "not " },
                call.expected
            ));
        }
    }
    eprintln!(
        "clif runtests on aarch64: {} calls in {compiled} functions; {unsupported} functions not lowered yet; {skipped_files} files not for `test run` on aarch64",
        calls.len()
    );
    for (reason, n) in &reasons {
        eprintln!("  {n:4} × {reason}");
    }
    assert!(
        failures.is_empty(),
        "{} wrong results:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        calls.len() > 100,
        "too few run lines exercised: {}",
        calls.len()
    );
}
