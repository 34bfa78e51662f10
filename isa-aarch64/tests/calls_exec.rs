//! A module of CLIF functions calling each other, compiled through `Aarch64Backend`
//! (`compile_function` + `build_text_section`, so colocated calls and `func_addr`
//! stubs are resolved by the text-section builder with no relocation left), linked
//! with a C harness and run under `qemu-aarch64`. Covers both conventions (the
//! `fast` callee takes ten integer arguments in registers; the `system_v` one
//! takes two on the stack), float arguments, `call_indirect` through `func_addr`,
//! recursion, a frame larger than an immediate, and traps caught as SIGILL.

use std::fmt::Write as _;

use atoll_codegen::ir::ExternalName;
use atoll_codegen::isa::{ModuleFunction, TargetIsa};
use atoll_codegen::text::parse_functions;

mod common;
use common::compile::backend;
use common::qemu::{run, tools_present};

const MODULE: &str = r#"
function %fast10(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, f64) -> i64 fast {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: i64, v9: i64, v10: f64):
    v11 = iadd v0, v9
    v12 = imul_imm v8, 100
    v13 = iadd v11, v12
    v14 = fcvt_to_sint.i64 v10
    v15 = iadd v13, v14
    return v15
}

function %sysv10(i64, i64, i64, i64, i64, i64, i64, i64, i64, i32) -> i64 system_v {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: i64, v9: i32):
    v10 = sextend.i64 v9
    v11 = imul_imm v8, 1000
    v12 = iadd v10, v11
    v13 = iadd v12, v7
    return v13
}

function %fib(i64) -> i64 system_v {
    fn0 = colocated %fib(i64) -> i64 system_v
block0(v0: i64):
    v1 = icmp_imm ult v0, 2
    brif v1, block1, block2
block1:
    return v0
block2:
    v2 = iadd_imm v0, -1
    v3 = call fn0(v2)
    v4 = iadd_imm v0, -2
    v5 = call fn0(v4)
    v6 = iadd v3, v5
    return v6
}

function %entry(i64) -> i64 system_v {
    ss0 = explicit_slot 70000
    fn0 = colocated %fast10(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, f64) -> i64 fast
    fn1 = colocated %sysv10(i64, i64, i64, i64, i64, i64, i64, i64, i64, i32) -> i64 system_v
    fn2 = colocated %fib(i64) -> i64 system_v
    sig0 = (i64) -> i64 system_v
block0(v0: i64):
    stack_store v0, ss0+65536
    v1 = iconst.i64 1
    v2 = f64const 0x1.8p2
    v3 = call fn0(v0, v1, v1, v1, v1, v1, v1, v1, v1, v0, v2)
    v4 = iconst.i32 -5
    v5 = call fn1(v1, v1, v1, v1, v1, v1, v1, v0, v0, v4)
    v6 = func_addr.i64 fn2
    v7 = call_indirect sig0, v6(v0)
    v8 = stack_load.i64 ss0+65536
    v9 = iadd v3, v5
    v10 = imul_imm v9, 1000
    v11 = iadd v10, v7
    v12 = iadd v11, v8
    return v12
}

function %divide(i32, i32) -> i32 system_v {
block0(v0: i32, v1: i32):
    v2 = sdiv v0, v1
    return v2
}
"#;

/// `entry(n)` computed in Rust: the same arithmetic as the CLIF above.
fn expected(n: i64) -> i64 {
    let fib = |mut k: i64| {
        let (mut a, mut b) = (0i64, 1i64);
        while k > 0 {
            (a, b) = (b, a + b);
            k -= 1;
        }
        a
    };
    let fast = n + n + 100 + 6;
    let sysv = -5 + n * 1000 + n;
    (fast + sysv) * 1000 + fib(n) + n
}

#[test]
fn module_with_calls_runs_under_qemu() {
    if !tools_present() {
        return;
    }
    let isa = backend();
    let funcs = parse_functions(MODULE).unwrap();
    let compiled: Vec<_> = funcs
        .iter()
        .map(|f| {
            isa.compile_function(f)
                .unwrap_or_else(|e| panic!("{}: {e}", f.name))
        })
        .collect();
    let names: Vec<ExternalName> = funcs.iter().map(|f| f.name.clone()).collect();
    let mods: Vec<ModuleFunction<'_>> = names
        .iter()
        .zip(&compiled)
        .map(|(name, compiled)| ModuleFunction { name, compiled })
        .collect();
    let text = isa.build_text_section(&mods).unwrap();
    assert!(
        text.relocs.is_empty(),
        "relocations left: {:?}",
        text.relocs
    );
    assert_eq!(text.section.stats.relocations_left, 0);

    let mut asm = String::from("\t.text\n\t.p2align 4\natoll_text:\n");
    for chunk in text.section.code.chunks(16) {
        let bytes: Vec<String> = chunk.iter().map(|b| format!("{b:#04x}")).collect();
        writeln!(asm, "\t.byte {}", bytes.join(", ")).unwrap();
    }
    for (f, off) in funcs.iter().zip(&text.section.function_offsets) {
        let sym = f.name.to_string().trim_start_matches('%').to_string();
        writeln!(asm, "\t.globl {sym}\n\t.set {sym}, atoll_text + {off}").unwrap();
    }
    let inputs = [0i64, 1, 2, 10, 20];
    let mut main = String::from(
        "#include <stdio.h>\n#include <stdint.h>\n#include <signal.h>\n#include <setjmp.h>\n#include <string.h>\n\
         int64_t entry(int64_t);\nint32_t divide(int32_t, int32_t);\n\
         static sigjmp_buf env;\nstatic void on_trap(int s) { (void)s; siglongjmp(env, 1); }\n\
         int main(void) {\n  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_trap; sa.sa_flags = SA_NODEFER;\n  sigaction(SIGILL, &sa, 0);\n",
    );
    for n in inputs {
        writeln!(main, "  printf(\"%lld\\n\", (long long)entry({n}));").unwrap();
    }
    for (a, b) in [(7, 2), (-9, 3), (1, 0), (i32::MIN, -1)] {
        writeln!(main, "  if (sigsetjmp(env, 1) == 0) printf(\"%d\\n\", divide({a}, {b})); else printf(\"trap\\n\");").unwrap();
    }
    main.push_str("  return 0;\n}\n");
    let out = run("calls", &asm, &main);
    let mut want: Vec<String> = inputs.iter().map(|&n| expected(n).to_string()).collect();
    want.extend(["3", "-3", "trap", "trap"].map(String::from));
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
}
