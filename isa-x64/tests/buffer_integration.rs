//! x64 instructions through the shared `MachBuffer`: forward and backward branches,
//! a RIP-relative constant from the buffer's pool, a deferred trap stub and a jump
//! table. After `finish`, GNU objdump decodes the bytes and every printed target must
//! be the offset the buffer reports for its label; then the code runs natively.

mod common;

use atoll_codegen::buffer::{MachBuffer, MachLabel};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::Writable;
use atoll_codegen::testing::{disassemble, DisasmArch};
use atoll_isa_x64::imms::Simm32;
use atoll_isa_x64::inst::*;
use atoll_isa_x64::regs::*;
use atoll_isa_x64::{EmitState, LabelUse};

/// `long f(long x)`: x < 0 traps (deferred stub); otherwise a jump table on
/// `min(x, 3)` selects 100 + constant, 200, 300 or 400 (default), where the constant
/// (7) comes from the pool.
struct Built {
    code: Vec<u8>,
    label_at: Vec<Option<u64>>,
    traps: Vec<(u64, TrapCode)>,
}

fn build() -> Built {
    let w = Writable::from_reg;
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let mut emit = |buf: &mut MachBuffer<LabelUse>, i: Inst| i.emit(buf, &mut st);
    let cases: Vec<MachLabel> = (0..4).map(|_| buf.get_label()).collect();
    let done = buf.get_label();
    let konst = buf.register_constant(&7u64.to_le_bytes(), 8);
    let konst_label = buf.get_label_for_constant(konst);
    let trap = buf.defer_trap(TrapCode::user(9).unwrap());

    emit(
        &mut buf,
        Inst::CmpRmiR {
            size: OperandSize::S64,
            op: CmpOp::Cmp,
            src1: rdi(),
            src2: RegMemImm::Imm(Simm32::from_i32(0)),
        },
    );
    emit(
        &mut buf,
        Inst::JmpIf {
            cc: CC::L,
            taken: trap,
        },
    );
    emit(
        &mut buf,
        Inst::MovImm {
            size: OperandSize::S32,
            imm: 3,
            dst: w(rax()),
        },
    );
    emit(
        &mut buf,
        Inst::CmpRmiR {
            size: OperandSize::S64,
            op: CmpOp::Cmp,
            src1: rdi(),
            src2: RegMemImm::Reg(rax()),
        },
    );
    emit(
        &mut buf,
        Inst::Cmove {
            size: OperandSize::S64,
            cc: CC::NLE,
            consequent: RegMem::Reg(rax()),
            alternative: rdi(),
            dst: w(rdi()),
        },
    );
    emit(
        &mut buf,
        Inst::JmpTableSeq {
            idx: rdi(),
            tmp1: w(rcx()),
            tmp2: w(rdx()),
            targets: cases.clone().into_boxed_slice(),
        },
    );
    for (i, &l) in cases.iter().enumerate() {
        buf.bind_label(l);
        emit(
            &mut buf,
            Inst::MovImm {
                size: OperandSize::S32,
                imm: 100 * (i as u64 + 1),
                dst: w(rax()),
            },
        );
        if i == 0 {
            emit(
                &mut buf,
                Inst::AluRmiR {
                    size: OperandSize::S64,
                    op: AluOp::Add,
                    src1: rax(),
                    src2: RegMemImm::Mem(Amode::RipRelative {
                        target: konst_label,
                    }),
                    dst: w(rax()),
                },
            );
        }
        emit(&mut buf, Inst::Jmp { target: done });
    }
    buf.bind_label(done);
    emit(
        &mut buf,
        Inst::Ret {
            stack_bytes: 0,
            rets: vec![],
        },
    );
    let fin = buf.try_finish().expect("buffer finishes");
    Built {
        code: fin.data,
        label_at: fin.label_offsets,
        traps: fin.traps.iter().map(|t| (t.offset, t.code)).collect(),
    }
}

#[test]
fn objdump_sees_every_branch_land_on_its_label() {
    let b = build();
    // The jump table sits in the code (after `jmp *%rdx`): decode up to it, then from
    // its end, so objdump does not read the entries as instructions.
    let head = disassemble(DisasmArch::X64, &b.code).expect("objdump");
    let lea = head
        .iter()
        .find(|l| l.text.starts_with("lea ") && l.text.contains("(%rip)"))
        .expect("lea");
    let table = u64::from_str_radix(lea.text.rsplit("0x").next().unwrap(), 16).unwrap() as usize;
    let after = table + 4 * 4;
    let mut lines: Vec<_> = head
        .into_iter()
        .filter(|l| (l.offset as usize) < table)
        .collect();
    let tail = disassemble(DisasmArch::X64, &b.code[after..]).expect("objdump");
    lines.extend(tail.into_iter().map(|mut l| {
        l.offset += after as u64;
        l
    }));
    // Entries are relative to the table and land on the four case labels.
    for i in 0..4 {
        let e = i32::from_le_bytes(b.code[table + 4 * i..table + 4 * i + 4].try_into().unwrap());
        assert_eq!(
            (table as i64 + i64::from(e)) as u64,
            b.label_at[i].unwrap(),
            "entry {i}"
        );
    }
    let label = |n: u32| b.label_at[n as usize].expect("bound");
    // jl to the trap stub, which holds ud2 recorded with user9.
    let jl = lines
        .iter()
        .find(|l| l.text.starts_with("jl "))
        .expect("jl");
    let stub = u64::from_str_radix(jl.text.rsplit("0x").next().unwrap(), 16).unwrap();
    assert!(
        b.traps.contains(&(stub, TrapCode::user(9).unwrap())),
        "{:?} {stub:#x}",
        b.traps
    );
    assert_eq!(&b.code[stub as usize..stub as usize + 2], &[0x0f, 0x0b]);
    // Every `jmp 0x..` that is not the island's own jump goes to `done` (label 4).
    let jmps: Vec<u64> = lines
        .iter()
        .filter(|l| l.text.starts_with("jmp 0x"))
        .map(|l| {
            u64::from_str_radix(l.text.trim_start_matches("jmp 0x"), 16).unwrap() + after as u64
        })
        .collect();
    assert!(
        jmps.iter().filter(|&&t| t == label(4)).count() >= 3,
        "{jmps:?} done at {:#x}",
        label(4)
    );
    // The RIP-relative add reads the pooled constant 7.
    // (The shared objdump helper prints AT&T syntax.)
    let add = lines
        .iter()
        .find(|l| l.text.starts_with("add ") && l.text.contains("(%rip),%rax"))
        .expect("add");
    // objdump's `# 0x..` comment is relative to the bytes it was given.
    let at = u64::from_str_radix(add.text.rsplit("0x").next().unwrap(), 16).unwrap() + after as u64;
    assert_eq!(&b.code[at as usize..at as usize + 8], &7u64.to_le_bytes());
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn buffer_output_runs() {
    let b = build();
    let driver = r#"#include <stdio.h>
extern char atoll_code[];
int main(void) {
    long (*f)(long) = (long (*)(long))atoll_code;
    printf("%ld %ld %ld %ld %ld\n", f(0), f(1), f(2), f(3), f(1000));
    return 0;
}
"#;
    assert_eq!(
        common::link_and_run("buffer", &b.code, driver).trim(),
        "107 200 300 400 400"
    );
}

/// Three functions through the shared text-section builder: `f0(x) = 2 * f1(x)`
/// (a colocated call), `f1(x) = x + 1`, `f2() = &f1` (`func_addr`, RIP-relative).
fn text_section(
    opts: atoll_codegen::buffer::TextSectionOptions,
) -> atoll_codegen::buffer::TextSection {
    use atoll_codegen::buffer::{RelocRecord, RelocTarget, TextSectionBuilder};
    use atoll_codegen::testing::RecordingSink;
    let w = Writable::from_reg;
    let funcs: Vec<Vec<Inst>> = vec![
        [
            Inst::gen_frame_setup().to_vec(),
            vec![
                Inst::CallKnown {
                    target: RelocTarget(1),
                    info: Box::default(),
                },
                Inst::AluRmiR {
                    size: OperandSize::S64,
                    op: AluOp::Add,
                    src1: rax(),
                    src2: RegMemImm::Reg(rax()),
                    dst: w(rax()),
                },
            ],
            Inst::gen_frame_teardown().to_vec(),
        ]
        .concat(),
        vec![Inst::Lea {
            size: OperandSize::S64,
            src: Amode::imm_reg(1, rdi()),
            dst: w(rax()),
        }],
        vec![Inst::LoadExtName {
            target: RelocTarget(1),
            dst: w(rax()),
        }],
    ];
    let mut builder = TextSectionBuilder::<LabelUse>::new(funcs.len() as u32, opts);
    for (i, f) in funcs.iter().enumerate() {
        let mut sink = RecordingSink::<LabelUse>::default();
        for inst in f.iter().chain([&Inst::Ret {
            stack_bytes: 0,
            rets: vec![],
        }]) {
            inst.emit(&mut sink, &mut EmitState::default());
        }
        let relocs: Vec<RelocRecord> = sink
            .relocs
            .iter()
            .map(|&(offset, kind, target, addend)| RelocRecord {
                offset,
                kind,
                target_func: target.0,
                addend,
            })
            .collect();
        builder
            .append(i as u32, &sink.bytes, &relocs, 16)
            .expect("append");
    }
    builder.finish().expect("text section")
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn text_section_calls_run_with_and_without_forced_veneers() {
    use atoll_codegen::buffer::TextSectionOptions;
    for force_veneers in [false, true] {
        let t = text_section(TextSectionOptions {
            padding_between_functions: 4096,
            force_veneers,
            function_alignment: 16,
        });
        assert_eq!(t.stats.relocations_left, 0);
        assert_eq!(t.stats.veneers() > 0, force_veneers, "{:?}", t.stats);
        let driver = format!(
            r#"#include <stdio.h>
extern char atoll_code[];
int main(void) {{
    long (*f0)(long) = (long (*)(long))(atoll_code + {});
    void *(*f2)(void) = (void *(*)(void))(atoll_code + {});
    printf("%ld %d\n", f0(20), f2() == (void *)(atoll_code + {}));
    return 0;
}}
"#,
            t.function_offsets[0], t.function_offsets[2], t.function_offsets[1]
        );
        assert_eq!(
            common::link_and_run("text", &t.code, &driver).trim(),
            "42 1",
            "force_veneers={force_veneers}"
        );
    }
}

/// A loop closed by a jump table whose entry points backwards (a `PCRel32` use of an
/// already-bound label, patched by the buffer once its bytes exist) and a backward
/// `jne`: `g(n) = n + (n-1) + ... + 1` twice over.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn backward_references_through_the_buffer_run() {
    let w = Writable::from_reg;
    let mut buf = MachBuffer::<LabelUse>::new();
    let mut st = EmitState::default();
    let mut emit = |buf: &mut MachBuffer<LabelUse>, i: Inst| i.emit(buf, &mut st);
    let (top, exit, top2, exit2) = (
        buf.get_label(),
        buf.get_label(),
        buf.get_label(),
        buf.get_label(),
    );
    emit(
        &mut buf,
        Inst::MovRR {
            size: OperandSize::S64,
            src: rdi(),
            dst: w(r8()),
        },
    );
    emit(
        &mut buf,
        Inst::MovImm {
            size: OperandSize::S32,
            imm: 0,
            dst: w(rax()),
        },
    );
    buf.bind_label(top);
    emit(
        &mut buf,
        Inst::AluRmiR {
            size: OperandSize::S64,
            op: AluOp::Add,
            src1: rax(),
            src2: RegMemImm::Reg(rdi()),
            dst: w(rax()),
        },
    );
    emit(
        &mut buf,
        Inst::AluRmiR {
            size: OperandSize::S64,
            op: AluOp::Sub,
            src1: rdi(),
            src2: RegMemImm::Imm(Simm32::from_i32(1)),
            dst: w(rdi()),
        },
    );
    emit(
        &mut buf,
        Inst::Setcc {
            cc: CC::NZ,
            dst: w(rcx()),
        },
    );
    emit(
        &mut buf,
        Inst::MovzxRmR {
            ext: ExtMode::BQ,
            src: RegMem::Reg(rcx()),
            dst: w(rcx()),
        },
    );
    emit(
        &mut buf,
        Inst::JmpTableSeq {
            idx: rcx(),
            tmp1: w(rdx()),
            tmp2: w(rsi()),
            targets: vec![exit, top].into_boxed_slice(),
        },
    );
    buf.bind_label(exit);
    // Second pass over the same count with a backward jne.
    buf.bind_label(top2);
    emit(
        &mut buf,
        Inst::AluRmiR {
            size: OperandSize::S64,
            op: AluOp::Add,
            src1: rax(),
            src2: RegMemImm::Reg(r8()),
            dst: w(rax()),
        },
    );
    emit(
        &mut buf,
        Inst::AluRmiR {
            size: OperandSize::S64,
            op: AluOp::Sub,
            src1: r8(),
            src2: RegMemImm::Imm(Simm32::from_i32(1)),
            dst: w(r8()),
        },
    );
    emit(
        &mut buf,
        Inst::JmpIf {
            cc: CC::NZ,
            taken: top2,
        },
    );
    emit(&mut buf, Inst::Jmp { target: exit2 });
    buf.bind_label(exit2);
    emit(
        &mut buf,
        Inst::Ret {
            stack_bytes: 0,
            rets: vec![],
        },
    );
    let fin = buf.try_finish().expect("buffer finishes");
    let driver = r#"#include <stdio.h>
extern char atoll_code[];
int main(void) {
    long (*g)(long) = (long (*)(long))atoll_code;
    printf("%ld %ld\n", g(4), g(100));
    return 0;
}
"#;
    assert_eq!(
        common::link_and_run("backward", &fin.data, driver).trim(),
        "20 10100"
    );
}

/// A 1 MiB frame set up after an inline stack probe (4 KiB and 64 KiB guards): the
/// probe leaves `rsp` where it was, and the frame is usable.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn stack_probe_loop_then_a_huge_frame() {
    let w = Writable::from_reg;
    let mut sink = atoll_codegen::testing::RecordingSink::<LabelUse>::default();
    let frame = 1 << 20;
    let mut starts = Vec::new();
    for guard in [4096, 65536] {
        starts.push(sink.bytes.len());
        let mut insts = vec![Inst::StackProbeLoop {
            frame_size: frame,
            guard_size: guard,
            tmp: w(rax()),
        }];
        insts.extend(Inst::gen_sp_adjust(-i64::from(frame)));
        insts.push(Inst::MovRM {
            size: OperandSize::S64,
            src: rdi(),
            dst: Amode::imm_reg(frame as i32 - 8, rsp()),
        });
        insts.push(Inst::Mov64MR {
            src: Amode::imm_reg(frame as i32 - 8, rsp()),
            dst: w(rax()),
        });
        insts.push(Inst::AluRmiR {
            size: OperandSize::S64,
            op: AluOp::Add,
            src1: rax(),
            src2: RegMemImm::Imm(Simm32::from_i32(1)),
            dst: w(rax()),
        });
        insts.extend(Inst::gen_sp_adjust(i64::from(frame)));
        insts.push(Inst::Ret {
            stack_bytes: 0,
            rets: vec![],
        });
        for i in insts {
            i.emit(&mut sink, &mut EmitState::default());
        }
    }
    let driver = format!(
        r#"#include <stdio.h>
extern char atoll_code[];
int main(void) {{
    long (*f)(long) = (long (*)(long))(atoll_code + {});
    long (*g)(long) = (long (*)(long))(atoll_code + {});
    printf("%ld %ld\n", f(41), g(99));
    return 0;
}}
"#,
        starts[0], starts[1]
    );
    assert_eq!(
        common::link_and_run("probe", &sink.bytes, &driver).trim(),
        "42 100"
    );
}
