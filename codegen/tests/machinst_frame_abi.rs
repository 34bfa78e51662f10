//! Frame layout and argument assignment, as tables. Expected ABI locations follow
//! the System V x86-64 psABI §3.2.3, AAPCS32 §6.5 (rules C.3–C.16) and the
//! Microsoft x64 convention; register numbers are the hardware encodings.

use atoll_codegen::machinst::{
    assign_args, assign_signature, AbiError, AbiParam, ArgLoc, ArgRegs, ArgRules, FrameError,
    FrameLayout, FrameLayoutInput, PReg, RegClass, SpillSlot, StackSlotSpec,
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
    type Case<'a> = (
        &'a str,
        FrameLayoutInput<'a>,
        u32,
        u32,
        u32,
        u32,
        Vec<u32>,
        u32,
        u32,
    );
    let cases: Vec<Case<'_>> = vec![
        (
            "empty x64 frame",
            input(8, 16, 16, &[], &[], 0, 0),
            0,
            0,
            0,
            0,
            vec![],
            0,
            16,
        ),
        (
            "three spills round up to 32",
            input(8, 16, 16, &[], &[], 3, 0),
            0,
            32,
            0,
            0,
            vec![],
            32,
            48,
        ),
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
        (
            "arm32: 8-byte stack alignment",
            input(4, 8, 8, &a32_saves, &[], 3, 0),
            16,
            16,
            0,
            0,
            vec![],
            32,
            40,
        ),
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
    let slots = [
        StackSlotSpec { size: 12, align: 4 },
        StackSlotSpec {
            size: 16,
            align: 16,
        },
    ];
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
    let big = [
        StackSlotSpec {
            size: u32::MAX,
            align: 1,
        },
        StackSlotSpec {
            size: u32::MAX,
            align: 1,
        },
    ];
    let cases: Vec<(FrameLayoutInput<'_>, FrameError)> = vec![
        (
            input(8, 16, 8, &[], &[], 0, 0),
            FrameError::SetupAreaMisaligned(8),
        ),
        (input(8, 12, 0, &[], &[], 0, 0), FrameError::BadAlign(12)),
        (
            input(8, 16, 16, &[], &[StackSlotSpec { size: 4, align: 3 }], 0, 0),
            FrameError::BadAlign(3),
        ),
        (
            input(
                8,
                16,
                16,
                &[],
                &[StackSlotSpec {
                    size: 64,
                    align: 32,
                }],
                0,
                0,
            ),
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
    ArgRules {
        stack_align_max: 8,
        even_reg_pairs: true,
        no_backfill: true,
        ..ArgRules::plain([4, 8, 16], 4)
    }
}

fn win64_rules() -> ArgRules {
    ArgRules {
        shared_position: true,
        ..sysv_rules()
    }
}

const I64: AbiParam = AbiParam {
    class: RegClass::Int,
    size: 8,
};
const I32: AbiParam = AbiParam {
    class: RegClass::Int,
    size: 4,
};
const F64: AbiParam = AbiParam {
    class: RegClass::Float,
    size: 8,
};

fn regs(r: &[PReg]) -> ArgLoc {
    ArgLoc::Regs(r.iter().copied().collect())
}

fn stack(offset: u32, size: u32) -> ArgLoc {
    ArgLoc::Stack { offset, size }
}

#[test]
fn argument_assignment_table() {
    let sysv = ArgRegs {
        int: &SYSV_INT,
        float: &XMM,
        vector: &XMM,
    };
    let a32_int = [ir(0), ir(1), ir(2), ir(3)];
    let a32_d: Vec<PReg> = (0..8).map(fr).collect();
    let aapcs = ArgRegs {
        int: &a32_int,
        float: &a32_d,
        vector: &[],
    };
    let win_int = [ir(1), ir(2), ir(8), ir(9)]; // rcx, rdx, r8, r9
    let win = ArgRegs {
        int: &win_int,
        float: &XMM[..4],
        vector: &XMM[..4],
    };
    // (name, params, regs, rules, expected locations, expected stack size)
    type Case<'a> = (
        &'a str,
        Vec<AbiParam>,
        ArgRegs<'a>,
        ArgRules,
        Vec<ArgLoc>,
        u32,
    );
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
            vec![
                regs(&[ir(0)]),
                regs(&[ir(1)]),
                regs(&[ir(2)]),
                stack(0, 8),
                stack(8, 4),
            ],
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
            vec![
                regs(&[ir(1)]),
                regs(&[fr(1)]),
                regs(&[ir(8)]),
                regs(&[fr(3)]),
                stack(0, 8),
            ],
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
    let args = ArgRegs {
        int: &SYSV_INT,
        float: &XMM,
        vector: &XMM,
    };
    let rets = ArgRegs {
        int: &SYSV_RET_INT,
        float: &XMM[..2],
        vector: &XMM[..2],
    };
    // Wasmtime-style native ABI: only the first result in a register.
    let first_only = ArgRules {
        max_reg_values: Some(1),
        ..sysv_rules()
    };
    let sig = assign_signature(
        &[I64],
        &[I64, I64, F64],
        &args,
        &rets,
        &sysv_rules(),
        &first_only,
        8,
    )
    .unwrap();
    assert_eq!(
        sig.rets.locs,
        vec![regs(&[ir(0)]), stack(0, 8), stack(8, 8)]
    );
    assert_eq!(sig.rets.stack_size, 16);
    assert_eq!(sig.ret_area_ptr, Some(regs(&[ir(7)])));
    assert_eq!(sig.args.locs, vec![regs(&[ir(6)])]);

    let sig = assign_signature(
        &[I64],
        &[I64, F64, I64],
        &args,
        &rets,
        &sysv_rules(),
        &sysv_rules(),
        8,
    )
    .unwrap();
    assert_eq!(
        sig.rets.locs,
        vec![regs(&[ir(0)]), regs(&[fr(0)]), regs(&[ir(2)])]
    );
    assert_eq!(sig.ret_area_ptr, None);
    assert_eq!(sig.args.locs, vec![regs(&[ir(7)])]);
}

#[test]
fn abi_errors() {
    let r = ArgRegs {
        int: &SYSV_INT,
        float: &XMM,
        vector: &XMM,
    };
    let bad = AbiParam {
        class: RegClass::Int,
        size: 0,
    };
    assert_eq!(
        assign_args(&[bad], &r, &sysv_rules()).unwrap_err(),
        AbiError::BadSize(0)
    );
    let bad = AbiParam {
        class: RegClass::Vector,
        size: 32,
    };
    assert_eq!(
        assign_args(&[bad], &r, &sysv_rules()).unwrap_err(),
        AbiError::BadSize(32)
    );
    let _: ArgLoc = ArgLoc::Regs(smallvec![ir(0)]);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn param() -> impl Strategy<Value = AbiParam> {
        (
            0usize..3,
            prop_oneof![Just(1u32), Just(2), Just(4), Just(8), Just(16)],
        )
            .prop_map(|(c, size)| AbiParam {
                class: [RegClass::Int, RegClass::Float, RegClass::Vector][c],
                size,
            })
    }

    fn rules() -> impl Strategy<Value = ArgRules> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(0u32..4),
            prop_oneof![Just(4u32), Just(8)],
        )
            .prop_map(|(pairs, shared, nobf, max, word)| ArgRules {
                even_reg_pairs: pairs,
                shared_position: shared,
                no_backfill: nobf,
                max_reg_values: max,
                ..ArgRules::plain([word, 8, 16], word)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Every value gets a location; registers are used at most once and come from
        /// the value's class; stack locations are aligned, disjoint and inside
        /// `stack_size`, which is a multiple of the word.
        #[test]
        fn assignment_invariants(params in prop::collection::vec(param(), 0..14), rules in rules()) {
            let int: Vec<PReg> = (0..6).map(ir).collect();
            let flt: Vec<PReg> = (0..8).map(fr).collect();
            let regs = ArgRegs { int: &int, float: &flt, vector: &flt };
            let a = assign_args(&params, &regs, &rules).unwrap();
            prop_assert_eq!(a.locs.len(), params.len());
            let mut used = Vec::new();
            let mut spans: Vec<(u32, u32)> = Vec::new();
            for (i, (p, loc)) in params.iter().zip(&a.locs).enumerate() {
                match loc {
                    ArgLoc::Regs(rs) => {
                        prop_assert!(rules.max_reg_values.is_none_or(|m| (i as u32) < m));
                        let per = rules.reg_bytes[p.class as usize];
                        prop_assert_eq!(rs.len() as u32, p.size.div_ceil(per));
                        for r in rs {
                            let class_ok = match p.class {
                                RegClass::Int => r.class() == RegClass::Int,
                                _ => r.class() == RegClass::Float,
                            };
                            prop_assert!(class_ok);
                            prop_assert!(!used.contains(r), "register {:?} used twice", r);
                            used.push(*r);
                        }
                    }
                    ArgLoc::Stack { offset, size } => {
                        prop_assert!(*size >= p.size && *size >= rules.stack_slot_min);
                        let align = size.next_power_of_two().clamp(rules.stack_slot_min, rules.stack_align_max);
                        prop_assert_eq!(offset % align, 0);
                        prop_assert!(offset + size <= a.stack_size);
                        for &(o, s) in &spans {
                            prop_assert!(offset + size <= o || o + s <= *offset, "overlap");
                        }
                        spans.push((*offset, *size));
                    }
                }
            }
            prop_assert_eq!(a.stack_size % rules.stack_slot_min, 0);
        }

        /// Frame areas are aligned and disjoint, in the documented order.
        #[test]
        fn frame_invariants(
            word in prop_oneof![Just(4u32), Just(8)],
            nsaves in 0usize..10,
            slots in prop::collection::vec((0u32..100, 0u32..4), 0..6),
            spills in 0u32..20,
            outgoing in 0u32..100,
        ) {
            let align = word * 2;
            let saves: Vec<(PReg, u32)> = (0..nsaves).map(|i| (ir(i + 4), word)).collect();
            let slots: Vec<StackSlotSpec> =
                slots.iter().map(|&(size, a)| StackSlotSpec { size, align: (1 << a).min(align) }).collect();
            let f = FrameLayout::compute(&input(word, align, align, &saves, &slots, spills, outgoing)).unwrap();
            for v in [f.clobber_size, f.fixed_frame_storage_size, f.outgoing_args_size, f.total_size()] {
                prop_assert_eq!(v % align, 0);
            }
            prop_assert!(f.outgoing_args_size >= outgoing);
            let spill_end = f.spillslot_base + spills * word;
            prop_assert!(f.spillslot_base >= f.outgoing_args_size);
            let mut prev_end = spill_end;
            for (i, s) in slots.iter().enumerate() {
                let o = f.stack_slot_offset(i).unwrap();
                prop_assert_eq!(o % s.align, 0);
                prop_assert!(o >= prev_end);
                prev_end = o + s.size;
            }
            prop_assert!(prev_end <= f.clobber_base());
            let saves_end = f.clobber_save_offsets().last().map_or(f.clobber_base(), |(_, o)| o + word);
            prop_assert!(saves_end <= f.fp_offset());
            prop_assert_eq!(f.total_size(), f.fp_offset() + align);
        }
    }
}
