//! Execution test of the veneer path under `qemu-arm`.
//!
//! A small function is emitted through the shared `MachBuffer` with our `LabelUse`:
//! a call, a conditional branch and a backward branch that must cross a large gap,
//! plus a literal load from the buffer's constant pool. The bytes are linked with a C
//! harness (`arm-linux-gnueabihf-gcc -static`) and run with `qemu-arm`; the printed
//! results prove that the veneers (`ldr ip, [pc]` ; `add pc, pc, ip` ; `.word`) and
//! the `Ldr12` literal land where they should. When the cross compiler or qemu is
//! missing the test prints why and passes without running.

mod common;

use atoll_codegen::buffer::{
    Addend, CodeOffset, CodeSink, MachBuffer, MachLabel, Reloc, RelocTarget,
};
use atoll_codegen::ir::TrapCode;
use atoll_isa_arm32::imms::ModImm;
use atoll_isa_arm32::inst::{AMode, AluOp, CmpOp, Cond, Inst, Operand2, WordByte};
use atoll_isa_arm32::regs::{rreg, writable};
use atoll_isa_arm32::{EmitState, LabelUse};

/// Routes label uses through `use_label_forcing_veneer`, so veneers appear even when
/// the gap is small (the text-section option `force_veneers` does the same).
struct ForceVeneers<'a>(&'a mut MachBuffer<LabelUse>);

impl CodeSink<LabelUse> for ForceVeneers<'_> {
    fn cur_offset(&self) -> CodeOffset {
        self.0.cur_offset()
    }
    fn put_data(&mut self, bytes: &[u8]) {
        self.0.put_data(bytes)
    }
    fn use_label_at_offset(&mut self, offset: CodeOffset, label: MachLabel, kind: LabelUse) {
        self.0.use_label_forcing_veneer(offset, label, kind)
    }
    fn add_reloc(&mut self, kind: Reloc, target: RelocTarget, addend: Addend) {
        CodeSink::add_reloc(self.0, kind, target, addend)
    }
    fn add_trap(&mut self, code: TrapCode) {
        CodeSink::add_trap(self.0, code)
    }
}

fn imm(v: u32) -> Operand2 {
    Operand2::Imm(ModImm::maybe_from_u32(v).unwrap())
}

/// Emit one instruction, emitting an island first when the buffer asks for one.
fn put(buf: &mut MachBuffer<LabelUse>, force: bool, inst: Inst) {
    if buf.island_needed(64) {
        buf.emit_island(64);
    }
    let mut state = EmitState::default();
    if force {
        inst.emit(&mut ForceVeneers(buf), &mut state);
    } else {
        inst.emit(buf, &mut state);
    }
}

const CONSTANT: u32 = 0x0001_2345;

/// `int atoll_entry(int x)`: returns `2 * x + CONSTANT` when that is positive, else -1.
/// `gap` bytes of never-executed padding separate the entry from its callee and
/// branch targets.
fn build(gap: usize, force: bool) -> (Vec<u8>, u64) {
    let mut buf = MachBuffer::<LabelUse>::new();
    let entry = buf.get_label();
    let (double, positive, exit) = (buf.get_label(), buf.get_label(), buf.get_label());
    let r = rreg;
    buf.bind_label(entry);
    put(
        &mut buf,
        force,
        Inst::Push {
            regs: (1 << 4) | (1 << 14),
        },
    );
    put(
        &mut buf,
        force,
        Inst::CallLabel {
            target: double,
            info: Default::default(),
        },
    );
    let c = buf.register_constant(&CONSTANT.to_le_bytes(), 4);
    let lit = buf.get_label_for_constant(c);
    put(
        &mut buf,
        force,
        Inst::Load {
            width: WordByte::Word,
            rt: writable(r(1)),
            mem: AMode::Literal(lit),
        },
    );
    put(
        &mut buf,
        force,
        Inst::Alu {
            op: AluOp::Add,
            s: false,
            cond: Cond::Al,
            rd: writable(r(0)),
            rn: r(0),
            op2: Operand2::Reg(r(1)),
        },
    );
    put(
        &mut buf,
        force,
        Inst::Cmp {
            op: CmpOp::Cmp,
            cond: Cond::Al,
            rn: r(0),
            op2: imm(0),
        },
    );
    put(
        &mut buf,
        force,
        Inst::OneWayCondBr {
            cond: Cond::Gt,
            target: positive,
        },
    );
    put(
        &mut buf,
        force,
        Inst::Mov {
            not: true,
            s: false,
            cond: Cond::Al,
            rd: writable(r(0)),
            op2: imm(0),
        },
    );
    buf.bind_label(exit);
    put(
        &mut buf,
        force,
        Inst::Pop {
            regs: (1 << 4) | (1 << 15),
        },
    );

    // The gap: never executed (the code above returns), written in chunks so the
    // buffer can place islands (constant pool, veneers) in time.
    let chunk = vec![0u8; 4096];
    let mut left = gap;
    while left > 0 {
        let n = left.min(chunk.len());
        if buf.island_needed(n as u64) {
            buf.emit_island(n as u64);
        }
        <MachBuffer<LabelUse> as CodeSink<LabelUse>>::put_data(&mut buf, &chunk[..n]);
        left -= n;
    }

    buf.bind_label(double);
    put(
        &mut buf,
        force,
        Inst::Alu {
            op: AluOp::Add,
            s: false,
            cond: Cond::Al,
            rd: writable(r(0)),
            rn: r(0),
            op2: Operand2::Reg(r(0)),
        },
    );
    put(&mut buf, force, Inst::Ret { rets: vec![] });
    buf.bind_label(positive);
    // Back across the gap to the shared exit.
    put(&mut buf, force, Inst::Jmp { target: exit });
    let done = buf.try_finish().unwrap_or_else(|e| panic!("buffer: {e}"));
    let veneers: u64 = done.stats.veneers_by_kind.iter().map(|(_, n)| n).sum();
    (done.data, veneers)
}

const HARNESS: &str = "#include <stdio.h>\nint atoll_entry(int);\n\
    int main(void) { printf(\"%d %d\\n\", atoll_entry(20), atoll_entry(-100000)); return 0; }\n";

fn expected() -> String {
    format!("{} -1\n", 2 * 20 + CONSTANT)
}

#[test]
fn forced_veneers_execute() {
    let (code, veneers) = build(256, true);
    assert!(veneers >= 3, "expected forced veneers, got {veneers}");
    if common::cross_tools_present("forced_veneers_execute") {
        assert_eq!(
            common::link_and_run(&code, "atoll_entry", HARNESS, "forced"),
            expected()
        );
    }
}

#[test]
fn natural_veneers_across_33_mib_execute() {
    let (code, veneers) = build(33 << 20, false);
    assert!(
        veneers >= 3,
        "branches across 33 MiB need veneers, got {veneers}"
    );
    if common::cross_tools_present("natural_veneers_across_33_mib_execute") {
        assert_eq!(
            common::link_and_run(&code, "atoll_entry", HARNESS, "natural"),
            expected()
        );
    }
}
