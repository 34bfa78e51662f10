//! Atomic read-modify-write loops, executed natively: every operation at every width
//! against a Rust model, including that bytes beyond the operand width stay untouched
//! and that the returned old value is zero-extended.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::RecordingSink;
use atoll_isa_x64::inst::*;
use atoll_isa_x64::regs::*;
use atoll_isa_x64::{EmitState, LabelUse};

const OPS: [AtomicRmwOp; 11] = [
    AtomicRmwOp::Add,
    AtomicRmwOp::Sub,
    AtomicRmwOp::And,
    AtomicRmwOp::Or,
    AtomicRmwOp::Xor,
    AtomicRmwOp::Nand,
    AtomicRmwOp::Xchg,
    AtomicRmwOp::Umin,
    AtomicRmwOp::Umax,
    AtomicRmwOp::Smin,
    AtomicRmwOp::Smax,
];
const SIZES: [OperandSize; 4] = [
    OperandSize::S8,
    OperandSize::S16,
    OperandSize::S32,
    OperandSize::S64,
];

/// `op(old, operand)` on `bits`-wide values (inputs already masked).
fn model(op: AtomicRmwOp, bits: u32, old: u64, x: u64) -> u64 {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let sext = |v: u64| ((v << (64 - bits)) as i64) >> (64 - bits);
    let r = match op {
        AtomicRmwOp::Add => old.wrapping_add(x),
        AtomicRmwOp::Sub => old.wrapping_sub(x),
        AtomicRmwOp::And => old & x,
        AtomicRmwOp::Or => old | x,
        AtomicRmwOp::Xor => old ^ x,
        AtomicRmwOp::Nand => !(old & x),
        AtomicRmwOp::Xchg => x,
        AtomicRmwOp::Umin => old.min(x),
        AtomicRmwOp::Umax => old.max(x),
        AtomicRmwOp::Smin => {
            if sext(old) <= sext(x) {
                old
            } else {
                x
            }
        }
        AtomicRmwOp::Smax => {
            if sext(old) >= sext(x) {
                old
            } else {
                x
            }
        }
    };
    r & mask
}

#[test]
fn rmw_loops_match_the_model() {
    let mut sink = RecordingSink::<LabelUse>::default();
    let mut funcs = Vec::new();
    for size in SIZES {
        for op in OPS {
            funcs.push((size, op, sink.bytes.len()));
            let w = Writable::from_reg;
            let inst = Inst::AtomicRmwSeq {
                size,
                op,
                mem: Amode::imm_reg(0, rdi()),
                operand: rsi(),
                temp: w(rcx()),
                dst_old: w(rax()),
            };
            inst.emit(&mut sink, &mut EmitState::default());
            Inst::Ret {
                stack_bytes: 0,
                rets: vec![],
            }
            .emit(&mut sink, &mut EmitState::default());
        }
    }
    let pairs: [(u64, u64); 8] = [
        (0xdead_beef_cafe_f00d, 0x0123_4567_89ab_cdef),
        (0xffff_ffff_ffff_ff80, 0x7f),
        (0x1111_1111_1111_1101, 0xffff_ffff_ffff_ffff),
        (0, 0),
        (0x8000_0000_0000_0000, 0x7fff_ffff_ffff_ffff),
        (0x5555_5555_8000_7f80, 0x5555_5555_7fff_8001),
        (42, 43),
        (0xaaaa_aaaa_aaaa_aaaa, 0x8000_0000),
    ];
    let list = |v: Vec<String>| v.join(", ");
    let driver = format!(
        r#"#include <stdint.h>
#include <stdio.h>
extern char atoll_code[];
static const long start[] = {{ {} }};
static const uint64_t init[] = {{ {} }};
static const uint64_t arg[] = {{ {} }};
int main(void) {{
    for (int f = 0; f < {}; f++)
        for (int i = 0; i < {}; i++) {{
            uint64_t cell = init[i];
            uint64_t old = ((uint64_t (*)(uint64_t *, uint64_t))(atoll_code + start[f]))(&cell, arg[i]);
            printf("%lx %lx\n", (unsigned long)old, (unsigned long)cell);
        }}
    return 0;
}}
"#,
        list(funcs.iter().map(|f| f.2.to_string()).collect()),
        list(pairs.iter().map(|p| format!("{:#x}ull", p.0)).collect()),
        list(pairs.iter().map(|p| format!("{:#x}ull", p.1)).collect()),
        funcs.len(),
        pairs.len(),
    );
    let out = common::link_and_run("atomics", &sink.bytes, &driver);
    let mut lines = out.lines();
    let mut failures = Vec::new();
    for &(size, op, _) in &funcs {
        let bits = size.bits();
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1 << bits) - 1
        };
        for &(init, x) in &pairs {
            let want_old = init & mask;
            let want_cell = (init & !mask) | model(op, bits, want_old, x & mask);
            let want = format!("{want_old:x} {want_cell:x}");
            let got = lines.next().unwrap();
            if got != want {
                failures.push(format!(
                    "{op:?} {size:?} init {init:#x} arg {x:#x}: got {got}, want {want}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
