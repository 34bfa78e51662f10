//! Frame layout and argument assignment, as tables. Expected ABI locations follow
//! the System V x86-64 psABI §3.2.3, AAPCS32 §6.5 (rules C.3–C.16) and the
//! Microsoft x64 convention; register numbers are the hardware encodings.

use atoll_codegen::machinst::{
    assign_args, assign_signature, AbiError, AbiParam, ArgLoc, ArgRegs, ArgRules, FrameError, FrameLayout,
    FrameLayoutInput, PReg, RegClass, SpillSlot, StackSlotSpec,
};
use smallvec::smallvec;

fn ir(hw: usize) -> PReg {
    PReg::new(hw, RegClass::Int)
}
fn fr(hw: usize) -> PReg {
    PReg::new(hw, RegClass::Float)
}

fn input<'a>(
    word: u32,
    align: u32,
    setup: u32,
    saves: &'a [(PReg, u32)],
    slots: &'a [StackSlotSpec],
    spills: u32,
    outgoing: u32,
) -> FrameLayoutInput<'a> {
    FrameLayoutInput {
        word_bytes: word,
        stack_align: align,
        setup_area_size: setup,
        clobbered_callee_saves: saves,
        stack_slots: slots,
        num_spillslots: spills,
        spillslot_bytes: word,
        outgoing_args_size: outgoing,
    }
}

#[test]
fn frame_layout_table() {
    let slots = [
        StackSlotSpec { size: 4, align: 4 },
        StackSlotSpec { size: 8, align: 8 },
        StackSlotSpec { size: 1, align: 1 },
    ];
    let a64_saves = [(ir(21), 8), (ir(19), 8), (ir(20), 8), (ir(19), 8)];
    let a32_saves = [(ir(4), 4), (ir(5), 4), (ir(6), 4)];
    // (name, input, clobber_size, fixed_frame, outgoing, spill base, stack slot
    //  offsets, sp_adjustment, total)
    type Case<'a> = (&'a str, FrameLayoutInput<'a>, u32, u32, u32, u32, Vec<u32>, u32, u32);
    let cases: Vec<Case<'_>> = vec![
        ("empty x64 frame", input(8, 16, 16, &[], &[], 0, 0), 0, 0, 0, 0, vec![], 0, 16),
        ("three spills round up to 32", input(8, 16, 16, &[], &[], 3, 0), 0, 32, 0, 0, vec![], 32, 48),
        (
            "everything, aarch64-like; duplicate save dropped",
            input(8, 16, 16, &a64_saves, &slots, 2, 20),
            32,
            48,
            32,
            32,
            vec![48, 56, 64],
            112,
            128,
        ),
        ("arm32: 8-byte stack alignment", input(4, 8, 8, &a32_saves, &[], 3, 0), 16, 16, 0, 0, vec![], 32, 40),
    ];
    for (name, inp, clobber, fixed, outgoing, spill_base, offsets, adj, total) in cases {
        let f = FrameLayout::compute(&inp).unwrap();
        assert_eq!(f.clobber_size, clobber, "{name}: clobber_size");
        assert_eq!(f.fixed_frame_storage_size, fixed, "{name}: fixed frame");
        assert_eq!(f.outgoing_args_size, outgoing, "{name}: outgoing");
        assert_eq!(f.spillslot_base, spill_base, "{name}: spill base");
        assert_eq!(f.stack_slot_offsets, offsets, "{name}: stack slots");
        assert_eq!(f.sp_adjustment(), adj, "{name}: sp adjustment");
        assert_eq!(f.total_size(), total, "{name}: total");
        assert_eq!(f.total_size() % inp.stack_align, 0, "{name}: aligned");
    }
}

#[test]
fn frame_areas_do_not_overlap() {
    let slots = [StackSlotSpec { size: 12, align: 4 }, StackSlotSpec { size: 16, align: 16 }];
    let saves = [(ir(19), 8), (ir(20), 8), (fr(8), 8)];
    let f = FrameLayout::compute(&input(8, 16, 16, &saves, &slots, 5, 8)).unwrap();
    // Spill slots right above the outgoing area, stack slots above the spills.
    assert_eq!(f.spillslot_offset(SpillSlot::new(0)), 16);
    assert_eq!(f.spillslot_offset(SpillSlot::new(4)), 48);
    assert_eq!(f.stack_slot_offset(0), Some(56));
    assert_eq!(f.stack_slot_offset(1), Some(80));
    assert_eq!(f.stack_slot_offset(2), None);
    assert_eq!(f.clobber_base(), 96);
    let saves: Vec<(PReg, u32)> = f.clobber_save_offsets().collect();
    assert_eq!(saves, vec![(ir(19), 96), (ir(20), 104), (fr(8), 112)]);
    assert_eq!(f.fp_offset(), 128);
}

#[test]
fn frame_errors() {
    let big = [StackSlotSpec { size: u32::MAX, align: 1 }, StackSlotSpec { size: u32::MAX, align: 1 }];
    let cases: Vec<(FrameLayoutInput<'_>, FrameError)> = vec![
        (input(8, 16, 8, &[], &[], 0, 0), FrameError::SetupAreaMisaligned(8)),
        (input(8, 12, 0, &[], &[], 0, 0), FrameError::BadAlign(12)),
        (input(8, 16, 16, &[], &[StackSlotSpec { size: 4, align: 3 }], 0, 0), FrameError::BadAlign(3)),
        (
            input(8, 16, 16, &[], &[StackSlotSpec { size: 64, align: 32 }], 0, 0),
            FrameError::SlotAlignTooLarge { slot: 0, align: 32 },
        ),
        (input(8, 16, 16, &[], &big, 0, 0), FrameError::TooLarge),
    ];
    for (inp, err) in cases {
        assert_eq!(FrameLayout::compute(&inp).unwrap_err(), err);
    }
}

const SYSV_INT: [PReg; 6] = [
    PReg::new(7, RegClass::Int), // rdi
    PReg::new(6, RegClass::Int), // rsi
    PReg::new(2, RegClass::Int), // rdx
    PReg::new(1, RegClass::Int), // rcx
    PReg::new(8, RegClass::Int), // r8
    PReg::new(9, RegClass::Int), // r9
];
const SYSV_RET_INT: [PReg; 2] = [PReg::new(0, RegClass::Int), PReg::new(2, RegClass::Int)]; // rax, rdx
const XMM: [PReg; 8] = [
    PReg::new(0, RegClass::Float),
    PReg::new(1, RegClass::Float),
    PReg::new(2, RegClass::Float),
    PReg::new(3, RegClass::Float),
    PReg::new(4, RegClass::Float),
    PReg::new(5, RegClass::Float),
    PReg::new(6, RegClass::Float),
    PReg::new(7, RegClass::Float),
];

fn sysv_rules() -> ArgRules {
    ArgRules::plain([8, 8, 16], 8)
}

fn aapcs_rules() -> ArgRules {
    ArgRules { stack_align_max: 8, even_reg_pairs: true, no_backfill: true, ..ArgRules::plain([4, 8, 16], 4) }
}

fn win64_rules() -> ArgRules {
    ArgRules { shared_position: true, ..sysv_rules() }
}

const I64: AbiParam = AbiParam { class: RegClass::Int, size: 8 };
const I32: AbiParam = AbiParam { class: RegClass::Int, size: 4 };
const F64: AbiParam = AbiParam { class: RegClass::Float, size: 8 };

fn regs(r: &[PReg]) -> ArgLoc {
    ArgLoc::Regs(r.iter().copied().collect())
}

fn stack(offset: u32, size: u32) -> ArgLoc {
    ArgLoc::Stack { offset, size }
}

#[test]
fn argument_assignment_table() {
    let sysv = ArgRegs { int: &SYSV_INT, float: &XMM, vector: &XMM };
    let a32_int = [ir(0), ir(1), ir(2), ir(3)];
    let a32_d: Vec<PReg> = (0..8).map(fr).collect();
    let aapcs = ArgRegs { int: &a32_int, float: &a32_d, vector: &[] };
    let win_int = [ir(1), ir(2), ir(8), ir(9)]; // rcx, rdx, r8, r9
    let win = ArgRegs { int: &win_int, float: &XMM[..4], vector: &XMM[..4] };
    // (name, params, regs, rules, expected locations, expected stack size)
    type Case<'a> = (&'a str, Vec<AbiParam>, ArgRegs<'a>, ArgRules, Vec<ArgLoc>, u32);
    let cases: Vec<Case<'_>> = vec![
        (
            "sysv: classes counted separately, 7th int on the stack",
            vec![I64, F64, I32, F64, I64, I64, I64, I64, I64, I32],
            sysv,
            sysv_rules(),
            vec![
                regs(&[ir(7)]),
                regs(&[fr(0)]),
                regs(&[ir(6)]),
                regs(&[fr(1)]),
                regs(&[ir(2)]),
                regs(&[ir(1)]),
                regs(&[ir(8)]),
                regs(&[ir(9)]),
                stack(0, 8),
                stack(8, 8),
            ],
            16,
        ),
        (
            "aapcs: i64 takes an even register pair, r1 is skipped",
            vec![I32, I64, I32],
            aapcs,
            aapcs_rules(),
            vec![regs(&[ir(0)]), regs(&[ir(2), ir(3)]), stack(0, 4)],
            4,
        ),
        (
            "aapcs: i64 that does not fit goes 8-aligned to the stack, no back-filling",
            vec![I32, I32, I32, I64, I32],
            aapcs,
            aapcs_rules(),
            vec![regs(&[ir(0)]), regs(&[ir(1)]), regs(&[ir(2)]), stack(0, 8), stack(8, 4)],
            12,
        ),
        (
            "aapcs: VFP doubles in d registers",
            vec![F64, I32, F64],
            aapcs,
            aapcs_rules(),
            vec![regs(&[fr(0)]), regs(&[ir(0)]), regs(&[fr(1)])],
            0,
        ),
        (
            "win64: one position shared by both classes",
            vec![I64, F64, I64, F64, I64],
            win,
            win64_rules(),
            vec![regs(&[ir(1)]), regs(&[fr(1)]), regs(&[ir(8)]), regs(&[fr(3)]), stack(0, 8)],
            8,
        ),
    ];
    for (name, params, r, rules, locs, size) in cases {
        let a = assign_args(&params, &r, &rules).unwrap();
        assert_eq!(a.locs, locs, "{name}");
        assert_eq!(a.stack_size, size, "{name}: stack size");
    }
}

#[test]
fn return_area_for_values_beyond_the_registers() {
    let args = ArgRegs { int: &SYSV_INT, float: &XMM, vector: &XMM };
    let rets = ArgRegs { int: &SYSV_RET_INT, float: &XMM[..2], vector: &XMM[..2] };
    // Wasmtime-style native ABI: only the first result in a register.
    let first_only = ArgRules { max_reg_values: Some(1), ..sysv_rules() };
    let sig = assign_signature(&[I64], &[I64, I64, F64], &args, &rets, &sysv_rules(), &first_only, 8).unwrap();
    assert_eq!(sig.rets.locs, vec![regs(&[ir(0)]), stack(0, 8), stack(8, 8)]);
    assert_eq!(sig.rets.stack_size, 16);
    assert_eq!(sig.ret_area_ptr, Some(regs(&[ir(7)])));
    assert_eq!(sig.args.locs, vec![regs(&[ir(6)])]);

    let sig = assign_signature(&[I64], &[I64, F64, I64], &args, &rets, &sysv_rules(), &sysv_rules(), 8).unwrap();
    assert_eq!(sig.rets.locs, vec![regs(&[ir(0)]), regs(&[fr(0)]), regs(&[ir(2)])]);
    assert_eq!(sig.ret_area_ptr, None);
    assert_eq!(sig.args.locs, vec![regs(&[ir(7)])]);
}

#[test]
fn abi_errors() {
    let r = ArgRegs { int: &SYSV_INT, float: &XMM, vector: &XMM };
    let bad = AbiParam { class: RegClass::Int, size: 0 };
    assert_eq!(assign_args(&[bad], &r, &sysv_rules()).unwrap_err(), AbiError::BadSize(0));
    let bad = AbiParam { class: RegClass::Vector, size: 32 };
    assert_eq!(assign_args(&[bad], &r, &sysv_rules()).unwrap_err(), AbiError::BadSize(32));
    let _: ArgLoc = ArgLoc::Regs(smallvec![ir(0)]);
}
