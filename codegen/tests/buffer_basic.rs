//! Basic MachBuffer behaviour on the fake ISA: labels, patching, peepholes, islands,
//! constants and trap stubs. The oracle is the fake ISA's decoder.

use atoll_codegen::buffer::{BufferError, MachBuffer};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::testing::fake_isa::{
    decode, decode_all, follow_branch, gen_cond_branch, gen_filler, gen_jump, gen_ldr, FakeInsn,
    FakeLabelUse, NOP, RET,
};

type Buf = MachBuffer<FakeLabelUse>;

#[test]
fn forward_and_backward_branches_are_patched() {
    let mut b = Buf::new();
    let top = b.get_label();
    let end = b.get_label();
    b.bind_label(top);
    b.put4(NOP);
    gen_cond_branch(&mut b, 2, end);
    b.put4(NOP);
    gen_cond_branch(&mut b, 3, top);
    b.bind_label(end);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(
        decode_all(&f.data),
        vec![
            FakeInsn::Nop,
            FakeInsn::Cond {
                cond: 2,
                target: 16
            },
            FakeInsn::Nop,
            FakeInsn::Cond { cond: 3, target: 0 },
            FakeInsn::Ret
        ]
    );
    assert_eq!(f.label_offsets, vec![Some(0), Some(16)]);
    assert!(f.islands.is_empty());
}

#[test]
fn unbound_label_is_an_error() {
    let mut b = Buf::new();
    let l = b.get_label();
    gen_jump(&mut b, l);
    assert_eq!(
        b.try_finish().unwrap_err(),
        BufferError::UnboundLabel {
            label: l,
            use_offset: 0
        }
    );
}

#[test]
fn binding_twice_is_an_error() {
    let mut b = Buf::new();
    let l = b.get_label();
    b.bind_label(l);
    b.put4(NOP);
    b.bind_label(l);
    assert_eq!(
        b.try_finish().unwrap_err(),
        BufferError::LabelBoundTwice { label: l }
    );
}

#[test]
fn out_of_range_forward_cond_branch_gets_a_veneer() {
    let mut b = Buf::new();
    let far = b.get_label();
    gen_cond_branch(&mut b, 0, far);
    gen_filler(&mut b, 30);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let far_off = f.label_offsets[0].unwrap();
    let path = follow_branch(&f.data, 0, far_off).unwrap();
    assert_eq!(path.len(), 2, "one veneer: {path:x?}");
    assert_eq!(f.stats.veneers_by_kind, vec![("Cond".to_string(), 1)]);
    let island = f.islands[0];
    assert!(path[1] >= island.body_start && path[1] < island.end);
    // The island is jumped around.
    assert_eq!(
        decode(&f.data, island.start),
        Some(FakeInsn::Long {
            target: island.end as i64
        })
    );
}

#[test]
fn constants_are_aligned_and_deduplicated() {
    let mut b = Buf::new();
    b.put4(NOP);
    let c16 = [7u8; 16];
    let l1 = gen_ldr(&mut b, &c16, 16);
    let l2 = gen_ldr(&mut b, &c16, 16);
    assert_eq!(l1, l2, "same constant, same pool, same label");
    let l3 = gen_ldr(&mut b, &[1, 2, 3], 1);
    b.put4(RET);
    let f = b.finish();
    let off1 = f.label_offsets[l1.0 as usize].unwrap();
    assert_eq!(off1 % 16, 0);
    assert_eq!(&f.data[off1 as usize..off1 as usize + 16], &c16);
    let off3 = f.label_offsets[l3.0 as usize].unwrap();
    assert_eq!(&f.data[off3 as usize..off3 as usize + 3], &[1, 2, 3]);
    assert_eq!(
        decode(&f.data, 4),
        Some(FakeInsn::Ldr {
            target: off1 as i64
        })
    );
    assert_eq!(
        decode(&f.data, 12),
        Some(FakeInsn::Ldr {
            target: off3 as i64
        })
    );
}

#[test]
fn deferred_trap_stub_lands_in_the_island() {
    let mut b = Buf::new();
    let trap = b.defer_trap(TrapCode::INTEGER_DIVISION_BY_ZERO);
    gen_cond_branch(&mut b, 1, trap);
    b.put4(RET);
    let f = b.finish();
    let t = f.label_offsets[trap.0 as usize].unwrap();
    assert_eq!(
        decode(&f.data, 0),
        Some(FakeInsn::Cond {
            cond: 1,
            target: t as i64
        })
    );
    assert_eq!(decode(&f.data, t), Some(FakeInsn::Trap));
    assert_eq!(f.traps.len(), 1);
    assert_eq!(
        (f.traps[0].offset, f.traps[0].code),
        (t, TrapCode::INTEGER_DIVISION_BY_ZERO)
    );
}

#[test]
fn uses_of_one_far_label_share_a_veneer() {
    let mut b = Buf::new();
    let far = b.get_label();
    for c in 0..5 {
        gen_cond_branch(&mut b, c, far);
        b.put4(NOP);
    }
    gen_filler(&mut b, 30);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let far_off = f.label_offsets[0].unwrap();
    let mut veneers = std::collections::BTreeSet::new();
    for i in 0..5 {
        let path = follow_branch(&f.data, i * 8, far_off).unwrap();
        veneers.insert(path[1]);
    }
    assert_eq!(veneers.len(), 1);
    assert_eq!(f.stats.veneers_by_kind, vec![("Cond".to_string(), 1)]);
}

#[test]
fn records_are_kept() {
    let mut b = Buf::new();
    b.start_srcloc(42);
    b.put4(NOP);
    b.add_trap(TrapCode::HEAP_OUT_OF_BOUNDS);
    b.put4(NOP);
    b.add_call_site();
    b.end_srcloc();
    b.put4(RET);
    let f = b.finish();
    assert_eq!(f.srclocs.len(), 1);
    assert_eq!(
        (f.srclocs[0].start, f.srclocs[0].end, f.srclocs[0].loc),
        (0, 8, 42)
    );
    assert_eq!(f.traps[0].offset, 4);
    assert_eq!(f.call_sites[0].ret_addr, 8);
}
