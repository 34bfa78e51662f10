//! Long veneers, executed: code with a `call`, a `jmp` and a `jcc` routed through
//! veneers (one target after its veneer, one before) is linked into a tiny C program
//! with the host `gcc` and run. It checks what objdump cannot: the veneer really
//! transfers control, a call through it returns to the right place, and the flags a
//! `jcc`/`jmp` leaves for its target survive the veneer.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use std::collections::HashMap;

use atoll_codegen::buffer::{CodeOffset, LabelUse as _, MachLabel, RelocTarget};
use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::RecordingSink;
use atoll_isa_x64::imms::Simm32;
use atoll_isa_x64::inst::*;
use atoll_isa_x64::label_use::write_nops;
use atoll_isa_x64::regs::*;
use atoll_isa_x64::{EmitState, LabelUse};

/// A tiny assembler: emits instructions, binds labels, places veneers, then resolves
/// every use (call relocations name labels by index).
#[derive(Default)]
struct Asm {
    sink: RecordingSink<LabelUse>,
    labels: HashMap<u32, CodeOffset>,
    extra_uses: Vec<(CodeOffset, u32, LabelUse)>,
}

impl Asm {
    fn inst(&mut self, i: Inst) {
        i.emit(&mut self.sink, &mut EmitState::default());
    }
    fn bind(&mut self, l: u32) -> CodeOffset {
        let at = self.sink.bytes.len() as CodeOffset;
        self.labels.insert(l, at);
        at
    }
    fn pad(&mut self, n: usize) {
        write_nops(&mut self.sink.bytes, n);
    }
    /// A long veneer bound to `me`, jumping to label `to`.
    fn veneer(&mut self, me: u32, to: u32) {
        let at = self.bind(me);
        let k = LabelUse::JmpRel32;
        let mut bytes = vec![0; k.veneer_size() as usize];
        let (off, kind) = k.generate_veneer(&mut bytes, at);
        self.sink.bytes.extend_from_slice(&bytes);
        self.extra_uses.push((at + off, to, kind));
    }
    fn finish(mut self) -> (Vec<u8>, HashMap<u32, CodeOffset>) {
        let mut uses: Vec<(CodeOffset, u32, LabelUse)> = self
            .sink
            .label_uses
            .iter()
            .map(|&(o, l, k)| (o, l.0, k))
            .collect();
        uses.extend(
            self.sink
                .relocs
                .iter()
                .map(|&(o, r, t, a)| (o, t.0, LabelUse::from_reloc(r, a).unwrap())),
        );
        uses.extend(self.extra_uses);
        for (off, label, kind) in uses {
            let to = self.labels[&label];
            kind.patch(&mut self.sink.bytes[off as usize..], off, to);
        }
        (self.sink.bytes, self.labels)
    }
}

const F_CALL: u32 = 100;
const F_FLAGS: u32 = 101;
const F_JCC: u32 = 102;
const V1: u32 = 1;
const V2: u32 = 2;
const V3: u32 = 3;
const T1: u32 = 11;
const T2: u32 = 12;
const T3: u32 = 13;

fn build() -> (Vec<u8>, HashMap<u32, CodeOffset>) {
    let w = Writable::from_reg;
    let mut a = Asm::default();
    // long f_call(long x) { return t1(x) + 1; }   with t1(x) = x + 41, called via V1.
    a.bind(F_CALL);
    a.inst(Inst::Push64 { src: rbp() });
    a.inst(Inst::MovRR {
        size: OperandSize::S64,
        src: rsp(),
        dst: w(rbp()),
    });
    a.inst(Inst::CallKnown {
        target: RelocTarget(V1),
        info: Box::default(),
    });
    a.inst(Inst::AluRmiR {
        size: OperandSize::S64,
        op: AluOp::Add,
        src1: rax(),
        src2: RegMemImm::Imm(Simm32::from_i32(1)),
        dst: w(rax()),
    });
    a.inst(Inst::Pop64 { dst: w(rbp()) });
    a.inst(Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    });
    // long f_flags(long x) { cmp x, 5; jmp V2 } -> t2 returns ZF as 0/1.
    a.bind(F_FLAGS);
    a.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Cmp,
        src1: rdi(),
        src2: RegMemImm::Imm(Simm32::from_i32(5)),
    });
    a.inst(Inst::Jmp {
        target: MachLabel(V2),
    });
    // long f_jcc(long x) { return x < 0 ? 100 : 200; } with the taken edge via V3.
    a.bind(F_JCC);
    a.inst(Inst::MovImm {
        size: OperandSize::S32,
        imm: 200,
        dst: w(rax()),
    });
    a.inst(Inst::CmpRmiR {
        size: OperandSize::S64,
        op: CmpOp::Cmp,
        src1: rdi(),
        src2: RegMemImm::Imm(Simm32::from_i32(0)),
    });
    a.inst(Inst::JmpIf {
        cc: CC::L,
        taken: MachLabel(V3),
    });
    a.inst(Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    });
    // t2 sits before its veneer (a backward veneer target).
    a.bind(T2);
    a.inst(Inst::Setcc {
        cc: CC::Z,
        dst: w(rax()),
    });
    a.inst(Inst::MovzxRmR {
        ext: ExtMode::BL,
        src: RegMem::Reg(rax()),
        dst: w(rax()),
    });
    a.inst(Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    });
    a.pad(4096);
    a.veneer(V1, T1);
    a.veneer(V2, T2);
    a.veneer(V3, T3);
    a.pad(4096);
    a.bind(T1);
    a.inst(Inst::Lea {
        size: OperandSize::S64,
        src: Amode::imm_reg(41, rdi()),
        dst: w(rax()),
    });
    a.inst(Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    });
    a.bind(T3);
    a.inst(Inst::MovImm {
        size: OperandSize::S32,
        imm: 100,
        dst: w(rax()),
    });
    a.inst(Inst::Ret {
        stack_bytes: 0,
        rets: vec![],
    });
    a.finish()
}

#[test]
fn calls_and_branches_through_long_veneers_execute_correctly() {
    let (code, labels) = build();
    let c = format!(
        r#"#include <stdio.h>
extern char atoll_code[];
typedef long (*fn)(long);
int main(void) {{
    fn f_call = (fn)(atoll_code + {}), f_flags = (fn)(atoll_code + {}), f_jcc = (fn)(atoll_code + {});
    printf("%ld %ld %ld %ld %ld %ld\n", f_call(1), f_call(-50), f_flags(5), f_flags(6), f_jcc(-3), f_jcc(3));
    return 0;
}}
"#,
        labels[&F_CALL], labels[&F_FLAGS], labels[&F_JCC]
    );
    let out = common::link_and_run("veneer", &code, &c);
    assert_eq!(out.trim(), "43 -8 1 0 100 200");
}
