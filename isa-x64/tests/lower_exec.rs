//! End-to-end: CLIF text -> `X64Backend::compile_function` (lowering, regalloc2 with
//! its checker, frame, emission) -> one text section -> executed natively.
//!
//! Each case is a CLIF module, the function to call, its arguments and the expected
//! result; the functions are called through `extern "sysv64"` pointers whose
//! integer arguments and result are 64-bit (narrow values are read at their width;
//! results are masked to the function's return type).

use atoll_codegen::ir::Type;
use atoll_codegen::isa::{ModuleFunction, TargetIsa};
use atoll_runtime::code_memory::CodeMemory;

mod native;
use native::{backend, compile_native, NativeModule};

struct Module {
    mem: CodeMemory,
    names: Vec<String>,
    offsets: Vec<u64>,
    ret_types: Vec<Option<Type>>,
}

/// The compact one-line sources above in the parser's one-entity-per-line form:
/// newlines after `{`, before `}`, and after each block header `blockN(...):`.
fn expand(src: &str) -> String {
    let src = src.replace("{ ", "{\n").replace(" }", "\n}");
    let b = src.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if src[i..].starts_with("block") && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i + 5;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j < b.len() && b[j] == b'(' {
                while j < b.len() && b[j] != b')' {
                    j += 1;
                }
                j += 1;
            }
            if j < b.len() && b[j] == b':' {
                out.push_str(&src[i..=j]);
                out.push('\n');
                i = j + 1;
                continue;
            }
        }
        let c = src[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn compile(src: &str, isa_settings: &[&str]) -> Module {
    let NativeModule {
        funcs,
        mem,
        offsets,
    } = compile_native(&expand(src), isa_settings);
    Module {
        mem,
        names: funcs.iter().map(|f| f.name.to_string()).collect(),
        offsets,
        ret_types: funcs
            .iter()
            .map(|f| f.signature.returns.first().map(|p| p.value_type))
            .collect(),
    }
}

impl Module {
    fn addr(&self, name: &str) -> (*const u8, Option<Type>) {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        (
            self.mem.address(self.offsets[i]).unwrap(),
            self.ret_types[i],
        )
    }

    /// Call integer function `name` with up to 6 integer arguments.
    fn call_int(&self, name: &str, args: &[u64]) -> u64 {
        let (p, rt) = self.addr(name);
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        // SAFETY: `p` is the start of a compiled function with the System V
        // convention taking integer arguments; extra arguments are ignored.
        let f: extern "sysv64" fn(u64, u64, u64, u64, u64, u64) -> u64 =
            unsafe { core::mem::transmute(p) };
        let r = f(a[0], a[1], a[2], a[3], a[4], a[5]);
        match rt.map(|t| t.bits()) {
            Some(b) if b < 64 => r & ((1u64 << b) - 1),
            _ => r,
        }
    }

    fn call_f64(&self, name: &str, a: f64, b: f64) -> f64 {
        let (p, _) = self.addr(name);
        // SAFETY: a compiled `(f64, f64) -> f64` System V function.
        let f: extern "sysv64" fn(f64, f64) -> f64 = unsafe { core::mem::transmute(p) };
        f(a, b)
    }
}

/// (module, function, arguments, expected result masked to the return type).
const INT_CASES: &[(&str, &str, &[u64], u64)] = &[
    ("function %f(i64, i64) -> i64 { block0(v0: i64, v1: i64): v2 = iadd v0, v1\n return v2 }", "%f", &[3, 4], 7),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = isub v0, v1\n return v2 }", "%f", &[3, 4], 0xffff_ffff),
    ("function %f(i8, i8) -> i8 { block0(v0: i8, v1: i8): v2 = imul v0, v1\n return v2 }", "%f", &[16, 17], 16),
    ("function %f(i64) -> i64 { block0(v0: i64): v1 = iconst.i64 0x1234_5678_9abc\n v2 = bxor v0, v1\n return v2 }", "%f", &[0x1234_5678_9abc], 0),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = udiv v0, v1\n return v2 }", "%f", &[100, 7], 14),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = srem v0, v1\n return v2 }", "%f", &[0x8000_0000, 0xffff_ffff], 0),
    ("function %f(i8, i8) -> i8 { block0(v0: i8, v1: i8): v2 = sdiv v0, v1\n return v2 }", "%f", &[0xf0, 3], 0xfb),
    ("function %f(i64, i64) -> i64 { block0(v0: i64, v1: i64): v2 = urem v0, v1\n return v2 }", "%f", &[u64::MAX, 10], 5),
    ("function %f(i8, i8) -> i8 { block0(v0: i8, v1: i8): v2 = ishl v0, v1\n return v2 }", "%f", &[1, 9], 2),
    ("function %f(i16, i16) -> i16 { block0(v0: i16, v1: i16): v2 = sshr v0, v1\n return v2 }", "%f", &[0x8000, 17], 0xc000),
    ("function %f(i32) -> i32 { block0(v0: i32): v1 = rotl_imm v0, 4\n return v1 }", "%f", &[0xf000_0001], 0x1f),
    ("function %f(i32) -> i32 { block0(v0: i32): v1 = clz v0\n return v1 }", "%f", &[1], 31),
    ("function %f(i8) -> i8 { block0(v0: i8): v1 = clz v0\n return v1 }", "%f", &[0], 8),
    ("function %f(i16) -> i16 { block0(v0: i16): v1 = ctz v0\n return v1 }", "%f", &[0], 16),
    ("function %f(i64) -> i64 { block0(v0: i64): v1 = ctz v0\n return v1 }", "%f", &[0x100], 8),
    ("function %f(i64) -> i64 { block0(v0: i64): v1 = popcnt v0\n return v1 }", "%f", &[0xff00_ff00_0000_0001], 17),
    ("function %f(i32) -> i32 { block0(v0: i32): v1 = bswap v0\n return v1 }", "%f", &[0x1122_3344], 0x4433_2211),
    ("function %f(i8) -> i8 { block0(v0: i8): v1 = bitrev v0\n return v1 }", "%f", &[1], 0x80),
    ("function %f(i8) -> i8 { block0(v0: i8): v1 = iabs v0\n return v1 }", "%f", &[0xff], 1),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = smin v0, v1\n return v2 }", "%f", &[0xffff_ffff, 1], 0xffff_ffff),
    ("function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = umin v0, v1\n return v2 }", "%f", &[0xffff_ffff, 1], 1),
    ("function %f(i8, i8) -> i8 { block0(v0: i8, v1: i8): v2 = icmp slt v0, v1\n return v2 }", "%f", &[0xff, 1], 1),
    ("function %f(i32) -> i64 { block0(v0: i32): v1 = sextend.i64 v0\n return v1 }", "%f", &[0xffff_fffb], (-5i64) as u64),
    ("function %f(i8) -> i64 { block0(v0: i8): v1 = sextend.i64 v0\n return v1 }", "%f", &[0x80], 0xffff_ffff_ffff_ff80),
    ("function %f(i16) -> i32 { block0(v0: i16): v1 = uextend.i32 v0\n return v1 }", "%f", &[0x1_8000], 0x8000),
    (
        "function %f(i32, i32) -> i32 { block0(v0: i32, v1: i32): v2 = icmp ult v0, v1\n brif v2, block1, block2\n block1: v3 = iconst.i32 10\n return v3\n block2: v4 = iconst.i32 20\n return v4 }",
        "%f",
        &[1, 2],
        10,
    ),
    (
        "function %f(i32, i32, i32) -> i32 { block0(v0: i32, v1: i32, v2: i32): v3 = select v0, v1, v2\n return v3 }",
        "%f",
        &[0, 7, 9],
        9,
    ),
    // A loop with block parameters: sum 1..=n.
    (
        "function %f(i64) -> i64 { block0(v0: i64): v1 = iconst.i64 0\n jump block1(v0, v1)\n block1(v2: i64, v3: i64): v4 = iadd v3, v2\n v5 = iadd_imm v2, -1\n brif v5, block1(v5, v4), block2(v4)\n block2(v6: i64): return v6 }",
        "%f",
        &[100],
        5050,
    ),
    (
        "function %f(i32) -> i32 { block0(v0: i32): br_table v0, block3, [block1, block2]\n block1: v1 = iconst.i32 11\n return v1\n block2: v2 = iconst.i32 22\n return v2\n block3: v3 = iconst.i32 33\n return v3 }",
        "%f",
        &[1],
        22,
    ),
    (
        "function %f(i32) -> i32 { block0(v0: i32): br_table v0, block3, [block1, block2]\n block1: v1 = iconst.i32 11\n return v1\n block2: v2 = iconst.i32 22\n return v2\n block3: v3 = iconst.i32 33\n return v3 }",
        "%f",
        &[7],
        33,
    ),
    // Stack slots.
    (
        "function %f(i64) -> i64 { ss0 = explicit_slot 16\n block0(v0: i64): stack_store v0, ss0+8\n v1 = stack_load.i64 ss0+8\n v2 = stack_addr.i64 ss0\n store v1, v2\n v3 = load.i64 v2\n v4 = iadd v3, v1\n return v4 }",
        "%f",
        &[21],
        42,
    ),
    // Calls: colocated, with stack arguments.
    (
        "function %g(i64, i64, i64, i64, i64, i64, i64, i64) -> i64 { block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64): v8 = isub v6, v7\n return v8 }\n\
         function %f(i64) -> i64 { sig0 = (i64, i64, i64, i64, i64, i64, i64, i64) -> i64\n fn0 = colocated %g sig0\n block0(v0: i64): v1 = iconst.i64 1\n v2 = iconst.i64 50\n v3 = call fn0(v1, v1, v1, v1, v1, v1, v2, v0)\n return v3 }",
        "%f",
        &[8],
        42,
    ),
    // Multi-value return through the return area, and call_indirect.
    (
        "function %g(i64) -> i64, i64, i64, i64 { block0(v0: i64): v1 = iadd_imm v0, 1\n v2 = iadd_imm v0, 2\n v3 = iadd_imm v0, 3\n return v0, v1, v2, v3 }\n\
         function %f(i64) -> i64 { sig0 = (i64) -> i64, i64, i64, i64\n fn0 = colocated %g sig0\n block0(v0: i64): v9 = func_addr.i64 fn0\n v1, v2, v3, v4 = call_indirect sig0, v9(v0)\n v5 = iadd v1, v2\n v6 = iadd v3, v4\n v7 = iadd v5, v6\n return v7 }",
        "%f",
        &[10],
        46,
    ),
    // Fast convention: more argument and result registers.
    (
        "function %g(i64, i64, i64, i64, i64, i64, i64) -> i64, i64, i64 fast { block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64): return v6, v5, v0 }\n\
         function %f(i64) -> i64 { sig0 = (i64, i64, i64, i64, i64, i64, i64) -> i64, i64, i64 fast\n fn0 = colocated %g sig0\n block0(v0: i64): v1 = iconst.i64 1\n v2, v3, v4 = call fn0(v1, v1, v1, v1, v1, v1, v0)\n v5 = isub v2, v3\n v6 = iadd v5, v4\n return v6 }",
        "%f",
        &[100],
        100,
    ),
    // A load merged into its user (`add rax, qword ptr [...]`), and one that must not
    // move below a store.
    (
        "function %f(i64) -> i64 { ss0 = explicit_slot 16\n block0(v0: i64): v1 = stack_addr.i64 ss0\n store v0, v1+8\n v2 = load.i64 v1+8\n v3 = iconst.i64 5\n store v3, v1+8\n v4 = load.i64 v1+8\n v5 = iadd v0, v4\n v6 = isub v5, v2\n return v6 }",
        "%f",
        &[100],
        5,
    ),
    // A load merged into an in-place icmp (operands swapped: the load is the left one).
    (
        "function %f(i64, i64) -> i8 { ss0 = explicit_slot 8\n block0(v0: i64, v1: i64): v2 = stack_addr.i64 ss0\n store v0, v2\n v3 = load.i64 v2\n v4 = icmp slt v3, v1\n return v4 }",
        "%f",
        &[(-5i64) as u64, 3],
        1,
    ),
    // Recursion.
    (
        "function %fib(i64) -> i64 { fn0 = colocated %fib(i64) -> i64\n block0(v0: i64): v1 = icmp_imm ult v0, 2\n brif v1, block1, block2\n block1: return v0\n block2: v2 = iadd_imm v0, -1\n v3 = call fn0(v2)\n v4 = iadd_imm v0, -2\n v5 = call fn0(v4)\n v6 = iadd v3, v5\n return v6 }",
        "%fib",
        &[20],
        6765,
    ),
];

#[test]
fn integer_cases_execute() {
    let mut failures = Vec::new();
    for (i, (src, name, args, want)) in INT_CASES.iter().enumerate() {
        for features in [&[][..], &["has_lzcnt", "has_bmi1", "has_popcnt"][..]] {
            let m = compile(src, features);
            let got = m.call_int(name, args);
            if got != *want {
                failures.push(format!(
                    "case {i} {features:?}: {name}{args:?} = {got:#x}, want {want:#x}\n{src}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn float_cases_execute() {
    let cases: &[(&str, f64, f64, f64)] = &[
        ("fadd", 1.5, 2.25, 3.75),
        ("fmin", -0.0, 0.0, -0.0),
        ("fmax", 1.0, f64::NAN, f64::NAN),
        ("fcopysign", 3.0, -1.0, -3.0),
    ];
    for (op, a, b, want) in cases {
        let src = format!("function %f(f64, f64) -> f64 {{ block0(v0: f64, v1: f64): v2 = {op} v0, v1\n return v2 }}");
        let m = compile(&src, &[]);
        let got = m.call_f64("%f", *a, *b);
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "{op}({a}, {b}) = {got}, want {want}"
        );
    }
    // Eighteen floats live across a call: every xmm register is caller-saved, so all
    // are spilled and reloaded (movsd to 8-byte slots).
    let src = "function %g() system_v { block0: return }\n\
               function %f(f64, f64) -> f64 system_v { sig0 = () system_v\n fn0 = colocated %g sig0\n block0(v0: f64, v1: f64): v2 = fadd v1, v0\n v3 = fadd v2, v0\n v4 = fadd v3, v0\n v5 = fadd v4, v0\n v6 = fadd v5, v0\n v7 = fadd v6, v0\n v8 = fadd v7, v0\n v9 = fadd v8, v0\n v10 = fadd v9, v0\n v11 = fadd v10, v0\n v12 = fadd v11, v0\n v13 = fadd v12, v0\n v14 = fadd v13, v0\n v15 = fadd v14, v0\n v16 = fadd v15, v0\n v17 = fadd v16, v0\n v18 = fadd v17, v0\n v19 = fadd v18, v0\n call fn0()\n v40 = fadd v19, v2\n v41 = fadd v40, v3\n v42 = fadd v41, v4\n v43 = fadd v42, v5\n v44 = fadd v43, v6\n v45 = fadd v44, v7\n v46 = fadd v45, v8\n v47 = fadd v46, v9\n v48 = fadd v47, v10\n v49 = fadd v48, v11\n v50 = fadd v49, v12\n v51 = fadd v50, v13\n v52 = fadd v51, v14\n v53 = fadd v52, v15\n v54 = fadd v53, v16\n v55 = fadd v54, v17\n v56 = fadd v55, v18\n v57 = fadd v56, v19\n return v57 }";
    let m = compile(src, &[]);
    // v(k+2) = v1 + (k+1)*v0; the result is v19 + sum(v2..v19).
    let (a, b) = (1.0f64, 0.5f64);
    let vk = |k: i32| b + f64::from(k + 1) * a;
    let want = vk(17) + (0..18).map(vk).sum::<f64>();
    assert_eq!(m.call_f64("%f", a, b), want);
    let src = "function %f(f64, f64) -> f64 { block0(v0: f64, v1: f64): v2 = fcmp lt v0, v1\n v3 = select v2, v0, v1\n v4 = floor v3\n v5 = f64const 0x1.0p1\n v6 = fmul v4, v5\n return v6 }";
    for features in [&[][..], &["has_sse41"][..]] {
        let m = compile(src, features);
        assert_eq!(m.call_f64("%f", 2.5, 7.0), 4.0);
        assert_eq!(m.call_f64("%f", 9.0, -1.5), -4.0);
    }
}

/// The `fast` convention's gain on a call with 7 integer arguments and 3 results:
/// System V passes the 7th argument on the stack and returns 2 of the 3 results
/// through a return area in memory; `fast` passes and returns everything in
/// registers, so the caller has no memory traffic and less code.
#[test]
fn fast_convention_saves_memory_traffic() {
    let isa = backend(&[]);
    let caller = |conv: &str| {
        format!(
            "function %f(i64) -> i64 system_v {{\n    sig0 = (i64, i64, i64, i64, i64, i64, i64) -> i64, i64, i64 {conv}\n    fn0 = colocated %g sig0\nblock0(v0: i64):\n    v2, v3, v4 = call fn0(v0, v0, v0, v0, v0, v0, v0)\n    v5 = iadd v2, v3\n    v6 = iadd v5, v4\n    return v6\n}}\n"
        )
    };
    let compile = |conv: &str| {
        let f = atoll_codegen::text::parse_function(&caller(conv)).unwrap();
        isa.compile_function(&f).unwrap()
    };
    let (sysv, fast) = (compile("system_v"), compile("fast"));
    let mem_ops = |l: &str| l.lines().filter(|l| l.contains("ptr [rsp")).count();
    assert!(mem_ops(&sysv.listing) >= 3, "{}", sysv.listing);
    assert_eq!(mem_ops(&fast.listing), 0, "{}", fast.listing);
    assert!(
        fast.code.len() < sysv.code.len(),
        "fast {} bytes, system_v {} bytes",
        fast.code.len(),
        sysv.code.len()
    );
}

/// A colocated call to a function outside the module is an error naming it; a
/// non-colocated one stays a relocation (for object files) at its section offset.
#[test]
fn text_section_resolves_only_module_functions() {
    let isa = backend(&[]);
    let src = |coloc: &str| {
        format!("function %f() system_v {{\n    sig0 = () system_v\n    fn0 = {coloc}%missing sig0\nblock0:\n    call fn0()\n    return\n}}\n")
    };
    for (coloc, ok) in [("colocated ", false), ("", true)] {
        let f = atoll_codegen::text::parse_function(&src(coloc)).unwrap();
        let c = isa.compile_function(&f).unwrap();
        let mf = [ModuleFunction {
            name: &f.name,
            compiled: &c,
        }];
        match isa.build_text_section(&mf) {
            Ok(t) => {
                assert!(ok);
                assert_eq!(t.relocs.len(), 1);
                assert_eq!(t.relocs[0].target.to_string(), "%missing");
                assert_eq!(t.relocs[0].offset, c.relocs[0].offset);
            }
            Err(e) => {
                assert!(!ok);
                assert!(e.to_string().contains("%missing"), "{e}");
            }
        }
    }
}

/// Loads and stores that may fault are in the trap table (code `heap_oob` unless
/// the flags name another); `notrap` ones and stack slots are not.
#[test]
fn faulting_accesses_are_trap_records() {
    let isa = backend(&[]);
    let src = "function %f(i64, i64) -> i64 system_v {\n    ss0 = explicit_slot 8\nblock0(v0: i64, v1: i64):\n    v2 = load.i64 v0\n    store user7 v2, v1+8\n    v3 = load.i64 notrap v1\n    stack_store v3, ss0\n    v4 = stack_load.i64 ss0\n    return v4\n}\n";
    let f = atoll_codegen::text::parse_function(src).unwrap();
    let c = isa.compile_function(&f).unwrap();
    let codes: Vec<String> = c.traps.iter().map(|(_, code)| code.to_string()).collect();
    assert_eq!(codes, ["heap_oob", "user7"], "{}", c.listing);
    // Each record points at the first byte of a `mov` (REX.W 8b / 89).
    for (off, _) in &c.traps {
        assert_eq!(c.code[*off as usize], 0x48, "{:02x?}", c.code);
    }
}
