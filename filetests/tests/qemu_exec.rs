//! `QemuExecutor` end to end: hand-encoded trampolines (built with the ISA crates'
//! `Inst` encoders, laid out by the shared `TextSectionBuilder`) linked with the C
//! harness and run under `qemu-aarch64` / `qemu-arm`.
//!
//! Every trampoline follows the executor's convention, `void (*)(uint8_t *buf)`, with
//! 16-byte argument/result slots. Each test prints why it is skipped when the cross
//! compiler or qemu is missing, and prints its link and run times (`--nocapture`).

use atoll_codegen::buffer::{
    Addend, IslandIsa, Reloc, RelocRecord, RelocTarget, TextSectionBuilder, TextSectionOptions,
};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::isa::ModuleText;
use atoll_codegen::testing::RecordingSink;
use atoll_filetests::run::exec::CallOutcome;
use atoll_filetests::run::qemu::{QemuArch, QemuExecutor, QemuTimings};
use atoll_filetests::HookError;

const MIB: u64 = 1 << 20;

/// A function's bytes, its calls (offset, callee index) and its traps.
struct Func {
    bytes: Vec<u8>,
    calls: Vec<(u64, u32)>,
    traps: Vec<(u64, TrapCode)>,
}

impl Func {
    /// The function a sink recorded; its calls are `RelocTarget(callee index)`.
    fn from_sink<L: atoll_codegen::buffer::LabelUse>(sink: RecordingSink<L>) -> Func {
        assert!(sink.label_uses.is_empty());
        let calls = sink
            .relocs
            .iter()
            .map(|&(off, _, RelocTarget(f), _)| (off, f))
            .collect();
        Func {
            bytes: sink.bytes,
            calls,
            traps: sink.traps,
        }
    }
}

/// The kinds of function the tests need, in each ISA's own instructions.
mod a64 {
    use super::Func;
    use atoll_codegen::buffer::RelocTarget;
    use atoll_codegen::ir::TrapCode;
    use atoll_codegen::testing::RecordingSink;
    use atoll_isa_aarch64::imms::{SImm7Scaled, UImm12Scaled};
    use atoll_isa_aarch64::inst::{ALUOp, AMode, OperandSize, PairAMode, PairKind, StoreOp};
    use atoll_isa_aarch64::regs::{writable_stack_reg, writable_xreg, xreg, RegOrSp};
    use atoll_isa_aarch64::{EmitState, Inst, LabelUse};

    fn slot(n: i64) -> AMode {
        AMode::UImm12 {
            rn: RegOrSp::x(0),
            uimm12: UImm12Scaled::maybe_from_i64(16 * n, 4).unwrap(),
        }
    }

    fn encode(insts: &[Inst]) -> Func {
        let mut sink = RecordingSink::<LabelUse>::default();
        let mut state = EmitState::default();
        insts.iter().for_each(|i| i.emit(&mut sink, &mut state));
        Func::from_sink(sink)
    }

    /// `slot0 = slot0 + slot1` (i32): `ldr w1, [x0]; ldr w2, [x0, #16]; add w1, w1, w2;
    /// str w1, [x0]; ret`.
    pub fn add() -> Func {
        encode(&[
            Inst::load32(writable_xreg(1), slot(0)),
            Inst::load32(writable_xreg(2), slot(1)),
            Inst::AluRRR {
                op: ALUOp::Add,
                size: OperandSize::Size32,
                rd: writable_xreg(1),
                rn: xreg(1),
                rm: xreg(2),
            },
            Inst::Store {
                op: StoreOp::Store32,
                rt: xreg(1),
                mem: slot(0),
            },
            Inst::ret(),
        ])
    }

    /// `udf #0` with a heap-out-of-bounds trap record.
    pub fn trap() -> Func {
        encode(&[Inst::Udf {
            trap_code: TrapCode::HEAP_OUT_OF_BOUNDS,
        }])
    }

    /// Calls function `callee` with the buffer pointer still in `x0`, keeping a frame
    /// record: `stp x29, x30, [sp, #-16]!; bl callee; ldp x29, x30, [sp], #16; ret`.
    pub fn call(callee: u32) -> Func {
        let simm7 = |v| SImm7Scaled::maybe_from_i64(v, 8).unwrap();
        encode(&[
            Inst::StorePair {
                kind: PairKind::X64,
                rt: xreg(29),
                rt2: xreg(30),
                mem: PairAMode::PreIndexed {
                    rn: writable_stack_reg(),
                    simm7: simm7(-16),
                },
            },
            Inst::call(RelocTarget(callee)),
            Inst::LoadPair {
                kind: PairKind::X64,
                rt: writable_xreg(29),
                rt2: writable_xreg(30),
                mem: PairAMode::PostIndexed {
                    rn: writable_stack_reg(),
                    simm7: simm7(16),
                },
            },
            Inst::ret(),
        ])
    }
}

mod a32 {
    use super::Func;
    use atoll_codegen::buffer::RelocTarget;
    use atoll_codegen::ir::TrapCode;
    use atoll_codegen::testing::RecordingSink;
    use atoll_isa_arm32::imms::Off12;
    use atoll_isa_arm32::inst::{AMode, AluOp, Cond, Operand2, WordByte};
    use atoll_isa_arm32::regs::{rreg, writable};
    use atoll_isa_arm32::{EmitState, Inst, LabelUse};

    fn slot(n: i64) -> AMode {
        AMode::Offset {
            rn: rreg(0),
            off: Off12::maybe_from_i64(16 * n).unwrap(),
        }
    }

    fn encode(insts: &[Inst]) -> Func {
        let mut sink = RecordingSink::<LabelUse>::default();
        let mut state = EmitState::default();
        insts.iter().for_each(|i| i.emit(&mut sink, &mut state));
        Func::from_sink(sink)
    }

    /// `ldr r1, [r0]; ldr r2, [r0, #16]; add r1, r1, r2; str r1, [r0]; bx lr`.
    pub fn add() -> Func {
        encode(&[
            Inst::Load {
                width: WordByte::Word,
                rt: writable(rreg(1)),
                mem: slot(0),
            },
            Inst::Load {
                width: WordByte::Word,
                rt: writable(rreg(2)),
                mem: slot(1),
            },
            Inst::Alu {
                op: AluOp::Add,
                s: false,
                cond: Cond::Al,
                rd: writable(rreg(1)),
                rn: rreg(1),
                op2: Operand2::Reg(rreg(2)),
            },
            Inst::Store {
                width: WordByte::Word,
                rt: rreg(1),
                mem: slot(0),
            },
            Inst::ret(),
        ])
    }

    /// `udf #0` with a heap-out-of-bounds trap record.
    pub fn trap() -> Func {
        encode(&[Inst::Udf {
            code: TrapCode::HEAP_OUT_OF_BOUNDS,
        }])
    }

    /// `push {r4, lr}; bl callee; pop {r4, lr}; bx lr` (r4 keeps the stack 8-aligned).
    pub fn call(callee: u32) -> Func {
        let regs = (1 << 4) | (1 << 14);
        encode(&[
            Inst::Push { regs },
            Inst::call(RelocTarget(callee)),
            Inst::Pop { regs },
            Inst::ret(),
        ])
    }
}

/// One architecture under test: its executor and function builders.
struct Target {
    arch: QemuArch,
    exec: QemuExecutor,
}

impl Target {
    /// The executor, or `None` after printing why the test is skipped.
    fn new(arch: QemuArch) -> Option<Target> {
        match QemuExecutor::new(arch) {
            Ok(exec) => Some(Target { arch, exec }),
            Err(HookError::Skipped(why)) | Err(HookError::Failed(why)) => {
                eprintln!("skipped: {why}");
                None
            }
        }
    }

    fn add(&self) -> Func {
        match self.arch {
            QemuArch::Aarch64 => a64::add(),
            QemuArch::Arm32 => a32::add(),
        }
    }

    fn trap(&self) -> Func {
        match self.arch {
            QemuArch::Aarch64 => a64::trap(),
            QemuArch::Arm32 => a32::trap(),
        }
    }

    fn call(&self, callee: u32) -> Func {
        match self.arch {
            QemuArch::Aarch64 => a64::call(callee),
            QemuArch::Arm32 => a32::call(callee),
        }
    }

    /// Raw words, assembled by `llvm-mc-14 -triple=aarch64 -show-encoding` /
    /// `-triple=armv7a` (`b .` by the cross `as` + `objdump -d`, as llvm-mc leaves it
    /// as a fixup): a function that never returns.
    fn spin(&self) -> Func {
        let word: u32 = match self.arch {
            QemuArch::Aarch64 => 0x1400_0000, // b .
            QemuArch::Arm32 => 0xeaff_fffe,   // b .
        };
        raw(&[word])
    }

    /// A function that ends the whole process: `exit_group(3)`.
    fn exit(&self) -> Func {
        raw(match self.arch {
            // mov x0, #3; mov x8, #94; svc #0
            QemuArch::Aarch64 => &[0xd280_0060, 0xd280_0bc8, 0xd400_0001],
            // mov r0, #3; mov r7, #248; svc #0
            QemuArch::Arm32 => &[0xe3a0_0003, 0xe3a0_70f8, 0xef00_0000],
        })
    }

    /// Faulting functions and the signal each must report, assembled by
    /// `llvm-mc-14 -show-encoding` (`-triple=aarch64` / `-triple=armv7a`).
    fn faults(&self) -> Vec<(Func, &'static str)> {
        let table: &[(&[u32], &str)] = match self.arch {
            QemuArch::Aarch64 => &[
                (&[0xd420_0000], "SIGTRAP"),                           // brk #0
                (&[0xd280_0001, 0xf940_0021], "SIGSEGV"),              // mov x1, #0; ldr x1, [x1]
                (&[0xd280_0001, 0x9100_003f, 0xf81f_0fe0], "SIGSEGV"), // ...; mov sp, x1; str x0, [sp, #-16]!
            ],
            QemuArch::Arm32 => &[
                (&[0xe120_0070], "SIGTRAP"),              // bkpt #0
                (&[0xe3a0_1000, 0xe591_1000], "SIGSEGV"), // mov r1, #0; ldr r1, [r1]
                (&[0xe3a0_d000, 0xe52d_0004], "SIGSEGV"), // mov sp, #0; push {r0}
            ],
        };
        table
            .iter()
            .map(|&(words, sig)| (raw(words), sig))
            .collect()
    }

    fn module(&self, funcs: &[Func], opts: TextSectionOptions) -> ModuleText {
        match self.arch {
            // The relocations the two backends' `Inst::Call` records.
            QemuArch::Aarch64 => {
                module::<atoll_isa_aarch64::LabelUse>(funcs, opts, (Reloc::Arm64Call, 0))
            }
            QemuArch::Arm32 => {
                module::<atoll_isa_arm32::LabelUse>(funcs, opts, (Reloc::Arm32Call, -8))
            }
        }
    }

    fn run(
        &self,
        text: &ModuleText,
        entries: &[u64],
        buffers: &mut [Vec<u8>],
    ) -> (Vec<CallOutcome>, QemuTimings) {
        match self.exec.run_timed(text, entries, buffers) {
            Ok(r) => r,
            Err(HookError::Skipped(m) | HookError::Failed(m)) => panic!("{:?}: {m}", self.arch),
        }
    }
}

/// Lays `funcs` out in one text section; calls become `RelocRecord`s the builder
/// resolves (through veneers when out of range or forced).
fn module<L: IslandIsa>(
    funcs: &[Func],
    opts: TextSectionOptions,
    call_kind: (Reloc, Addend),
) -> ModuleText {
    let mut b = TextSectionBuilder::<L>::new(funcs.len() as u32, opts);
    for (i, f) in funcs.iter().enumerate() {
        let relocs: Vec<RelocRecord> = f
            .calls
            .iter()
            .map(|&(offset, target_func)| RelocRecord {
                offset,
                kind: call_kind.0,
                target_func,
                addend: call_kind.1,
            })
            .collect();
        b.append(i as u32, &f.bytes, &relocs, 16).unwrap();
    }
    let section = b.finish().unwrap();
    let mut traps: Vec<(u64, TrapCode)> = funcs
        .iter()
        .zip(&section.function_offsets)
        .flat_map(|(f, &start)| f.traps.iter().map(move |&(off, code)| (start + off, code)))
        .collect();
    traps.sort_by_key(|t| t.0);
    ModuleText {
        section,
        relocs: Vec::new(),
        traps,
    }
}

fn raw(words: &[u32]) -> Func {
    Func {
        bytes: words.iter().flat_map(|w| w.to_le_bytes()).collect(),
        calls: Vec::new(),
        traps: Vec::new(),
    }
}

/// A buffer with `a` and `b` as i32 in slots 0 and 1.
fn args(a: i32, b: i32) -> Vec<u8> {
    let mut buf = vec![0u8; 32];
    buf[..4].copy_from_slice(&a.to_le_bytes());
    buf[16..20].copy_from_slice(&b.to_le_bytes());
    buf
}

fn slot0(buf: &[u8]) -> i32 {
    i32::from_le_bytes(buf[..4].try_into().unwrap())
}

const ARCHES: [QemuArch; 2] = [QemuArch::Aarch64, QemuArch::Arm32];

#[test]
fn adds_two_i32_arguments() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let text = t.module(&[t.add()], TextSectionOptions::default());
        let cases = [
            (40, 2, 42),
            (-1, 1, 0),
            (i32::MAX, 1, i32::MIN),
            (-7, -8, -15),
        ];
        let mut buffers: Vec<Vec<u8>> = cases.iter().map(|&(a, b, _)| args(a, b)).collect();
        let (outcomes, time) = t.run(&text, &[0; 4], &mut buffers);
        println!("{arch:?}: 4 calls: {time:?}");
        for ((&(a, b, want), o), buf) in cases.iter().zip(&outcomes).zip(&buffers) {
            assert_eq!(*o, CallOutcome::Returned, "{arch:?} {a}+{b}");
            assert_eq!(slot0(buf), want, "{arch:?} {a}+{b}");
            assert_eq!(
                buf[16..20],
                b.to_le_bytes(),
                "{arch:?}: slot 1 is untouched"
            );
        }
    }
}

#[test]
fn a_trap_is_reported_and_the_next_call_still_runs() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let text = t.module(&[t.add(), t.trap()], TextSectionOptions::default());
        let (add, trap) = (
            text.section.function_offsets[0],
            text.section.function_offsets[1],
        );
        let mut buffers = vec![args(1, 2), args(0, 0), args(3, 4), args(0, 0), args(5, 6)];
        let (outcomes, time) = t.run(&text, &[add, trap, add, trap, add], &mut buffers);
        println!("{arch:?}: 5 calls, 2 traps: {time:?}");
        for i in [1, 3] {
            match &outcomes[i] {
                CallOutcome::Crashed(why) => {
                    assert!(
                        why.contains("SIGILL") && why.contains("trap heap_oob"),
                        "{arch:?}: {why}"
                    )
                }
                o => panic!("{arch:?}: call {i} should trap: {o:?}"),
            }
        }
        for (i, want) in [(0, 3), (2, 7), (4, 11)] {
            assert_eq!(outcomes[i], CallOutcome::Returned, "{arch:?} call {i}");
            assert_eq!(slot0(&buffers[i]), want, "{arch:?} call {i}");
        }
        assert_eq!(
            t.exec
                .run_timed(&text, &[trap], &mut [vec![0; 16]])
                .unwrap()
                .1
                .processes,
            1
        );
    }
}

#[test]
fn a_batch_of_200_calls_runs_in_one_executable() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let text = t.module(&[t.add()], TextSectionOptions::default());
        let fresh: Vec<Vec<u8>> = (0..200).map(|i| args(i * 1000, -i)).collect();
        // Twice: the first run of a process may also compile the harness.
        let mut buffers = fresh.clone();
        let (_, first) = t.run(&text, &[0; 200], &mut buffers);
        let mut buffers = fresh;
        let (outcomes, time) = t.run(&text, &[0; 200], &mut buffers);
        println!(
            "{arch:?}: batch of 200 calls: link {:?} (first {:?}), run {:?}",
            time.link, first.link, time.run
        );
        assert_eq!(time.processes, 1);
        for (i, (o, buf)) in outcomes.iter().zip(&buffers).enumerate() {
            assert_eq!(*o, CallOutcome::Returned, "{arch:?} call {i}");
            assert_eq!(slot0(buf), i as i32 * 999, "{arch:?} call {i}");
        }
    }
}

/// Breakpoints, null loads and a destroyed stack pointer (the handler runs on its
/// own stack) are each reported with their signal, and the following call runs.
#[test]
fn faults_table() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let (faults, signals): (Vec<Func>, Vec<&str>) = t.faults().into_iter().unzip();
        let mut funcs = vec![t.add()];
        funcs.extend(faults);
        let text = t.module(&funcs, TextSectionOptions::default());
        let f = &text.section.function_offsets;
        let mut entries = Vec::new();
        for k in 1..f.len() {
            entries.extend([f[k], f[0]]);
        }
        let mut buffers: Vec<Vec<u8>> = (0..entries.len() as i32).map(|i| args(i, 100)).collect();
        let (outcomes, _) = t.run(&text, &entries, &mut buffers);
        for (k, sig) in signals.iter().enumerate() {
            let (fault, next) = (2 * k, 2 * k + 1);
            assert!(
                matches!(&outcomes[fault], CallOutcome::Crashed(m) if m.contains(sig)),
                "{arch:?} {sig}: {outcomes:?}"
            );
            assert_eq!(
                outcomes[next],
                CallOutcome::Returned,
                "{arch:?} after {sig}"
            );
            assert_eq!(
                slot0(&buffers[next]),
                next as i32 + 100,
                "{arch:?} after {sig}"
            );
        }
    }
}

/// Unbounded recursion runs into the stack guard: SIGSEGV, handled on the alternate
/// stack, and the next call runs on a stack restored by `siglongjmp`.
#[test]
fn a_stack_overflow_is_a_crash_of_that_call_only() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let text = t.module(&[t.call(0), t.add()], TextSectionOptions::default());
        let f = &text.section.function_offsets;
        let mut buffers = vec![args(0, 0), args(5, 5), args(0, 0), args(6, 6)];
        let (outcomes, time) = t.run(&text, &[f[0], f[1], f[0], f[1]], &mut buffers);
        for i in [0, 2] {
            assert!(
                matches!(&outcomes[i], CallOutcome::Crashed(m) if m.contains("SIGSEGV")),
                "{arch:?}: {outcomes:?}"
            );
        }
        assert_eq!(outcomes[1], CallOutcome::Returned, "{arch:?}");
        assert_eq!(
            [slot0(&buffers[1]), slot0(&buffers[3])],
            [10, 12],
            "{arch:?}"
        );
        assert_eq!(time.processes, 1, "{arch:?}");
    }
}

/// A call that never returns is stopped by the harness's per-call alarm; one that
/// ends the process makes the executor start the harness again at the next call.
#[test]
fn a_hanging_or_exiting_call_does_not_stop_the_batch() {
    for arch in ARCHES {
        let Some(mut t) = Target::new(arch) else {
            continue;
        };
        t.exec.time_limit_secs = 1;
        let text = t.module(
            &[t.add(), t.spin(), t.exit()],
            TextSectionOptions::default(),
        );
        let f = text.section.function_offsets.clone();
        let mut buffers = vec![args(1, 1), args(0, 0), args(2, 2), args(0, 0), args(3, 3)];
        let (outcomes, time) = t.run(&text, &[f[0], f[1], f[0], f[2], f[0]], &mut buffers);
        println!("{arch:?}: spin and exit: {time:?}");
        assert!(
            matches!(&outcomes[1], CallOutcome::Crashed(m) if m.contains("did not return")),
            "{outcomes:?}"
        );
        assert!(
            matches!(&outcomes[3], CallOutcome::Crashed(m) if m.contains("exited")),
            "{outcomes:?}"
        );
        for (i, want) in [(0, 2), (2, 4), (4, 6)] {
            assert_eq!(outcomes[i], CallOutcome::Returned, "{arch:?} call {i}");
            assert_eq!(slot0(&buffers[i]), want, "{arch:?} call {i}");
        }
        assert_eq!(time.processes, 2, "{arch:?}");
    }
}

/// Forward and backward calls across more than a `bl`'s reach: `f0` calls `f1`
/// forward, `f2` calls `f1` backward, each over `padding` bytes, so both go through
/// long veneers. The section is about `3 * padding` bytes (the builder pads after
/// every function).
fn calls_beyond_bl_reach(arch: QemuArch, padding: u64) {
    let Some(t) = Target::new(arch) else { return };
    let start = std::time::Instant::now();
    let opts = TextSectionOptions {
        padding_between_functions: padding,
        ..Default::default()
    };
    let text = t.module(&[t.call(1), t.add(), t.call(1)], opts);
    let build = start.elapsed();
    assert!(
        text.section.stats.veneers() >= 2,
        "{arch:?}: {:?}",
        text.section.stats
    );
    let offsets = text.section.function_offsets.clone();
    assert!(offsets[1] - offsets[0] > padding && offsets[2] - offsets[1] > padding);
    let mut buffers = vec![args(20, 22), args(-5, 2), args(7, 8)];
    let (outcomes, time) = t.run(&text, &[offsets[0], offsets[2], offsets[1]], &mut buffers);
    println!(
        "{arch:?}: {} MiB text: build {build:?}, link {:?}, run {:?}",
        text.section.code.len() as u64 / MIB,
        time.link,
        time.run
    );
    assert_eq!(outcomes, vec![CallOutcome::Returned; 3], "{arch:?}");
    assert_eq!(
        [slot0(&buffers[0]), slot0(&buffers[1]), slot0(&buffers[2])],
        [42, -3, 15],
        "{arch:?}"
    );
}

/// `Branch26` reaches ±128 MiB. Measured on the shared 2-core machine (load ~8), debug
/// build: 387 MiB section, build ~4-6 s, write + link ~3-6 s, run 0.1 s.
#[test]
fn aarch64_calls_beyond_128_mib_go_through_veneers() {
    calls_beyond_bl_reach(QemuArch::Aarch64, 129 * MIB);
}

/// A32 `bl` reaches ±32 MiB: 99 MiB section, build ~1.3 s, link ~2 s.
#[test]
fn arm32_calls_beyond_32_mib_go_through_veneers() {
    calls_beyond_bl_reach(QemuArch::Arm32, 33 * MIB);
}

/// The same calls with `force_veneers`: every call takes a veneer although in reach.
#[test]
fn forced_veneers_execute() {
    for arch in ARCHES {
        let Some(t) = Target::new(arch) else { continue };
        let opts = TextSectionOptions {
            force_veneers: true,
            ..Default::default()
        };
        let text = t.module(&[t.call(1), t.add(), t.call(1)], opts);
        // Both calls target f1: they may share one veneer.
        assert!(
            text.section.stats.veneers() >= 1,
            "{arch:?}: {:?}",
            text.section.stats
        );
        let offsets = &text.section.function_offsets;
        let mut buffers = vec![args(1, 1), args(2, 2)];
        let (outcomes, _) = t.run(&text, &[offsets[0], offsets[2]], &mut buffers);
        assert_eq!(outcomes, vec![CallOutcome::Returned; 2], "{arch:?}");
        assert_eq!([slot0(&buffers[0]), slot0(&buffers[1])], [2, 4], "{arch:?}");
    }
}

#[test]
fn bad_inputs_are_errors_not_crashes() {
    let Some(t) = Target::new(QemuArch::Aarch64) else {
        return;
    };
    let text = t.module(&[t.add()], TextSectionOptions::default());
    assert!(matches!(
        t.exec.run_timed(&text, &[0], &mut []),
        Err(HookError::Failed(_))
    ));
    assert!(matches!(
        t.exec.run_timed(&text, &[1 << 20], &mut [vec![0; 16]]),
        Err(HookError::Failed(_))
    ));
    assert_eq!(t.exec.run_timed(&text, &[], &mut []).unwrap().0, []);
    let mut with_reloc = text.clone();
    with_reloc.relocs.push(atoll_codegen::isa::FunctionReloc {
        offset: 0,
        kind: Reloc::Arm64Call,
        target: atoll_codegen::ir::ExternalName::TestCase("elsewhere".into()),
        addend: 0,
        colocated: false,
    });
    assert!(
        matches!(t.exec.run_timed(&with_reloc, &[0], &mut [vec![0; 32]]), Err(HookError::Failed(m)) if m.contains("relocation"))
    );
}
