//! Island placement on the fake ISA: re-enqueued fixups, backward veneers, chains,
//! island layout and the jump around it.

use atoll_codegen::buffer::MachBuffer;
use atoll_codegen::ir::TrapCode;
use atoll_codegen::testing::fake_isa::{
    decode, follow_branch, gen_cond_branch, gen_filler, gen_jump, gen_ldr, FakeInsn, FakeLabelUse,
    FAKE_LOOKAHEAD, NOP, RET,
};

type Buf = MachBuffer<FakeLabelUse>;

#[test]
fn fixup_reenqueued_at_one_island_gets_its_veneer_at_a_later_one() {
    let mut b = Buf::new();
    let far = b.get_label();
    let near = b.get_label();
    gen_jump(&mut b, far); // deadline 252: not due at the first island
    b.put4(NOP);
    gen_cond_branch(&mut b, 0, near); // deadline 68: forces the first island early
    gen_filler(&mut b, 100);
    b.bind_label(near);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    assert!(f.islands.len() >= 2, "{:?}", f.islands);
    let path = follow_branch(&f.data, 0, f.label_offsets[0].unwrap()).unwrap();
    let first = f.islands[0];
    assert!(
        path[1] >= first.end,
        "the jump's veneer is not in the first island: {path:x?} {first:?}"
    );
    assert!(f.islands[1..]
        .iter()
        .any(|i| path[1] >= i.body_start && path[1] < i.end));
    follow_branch(&f.data, 8, f.label_offsets[1].unwrap()).unwrap();
}

#[test]
fn backward_out_of_range_branch_gets_a_forward_veneer() {
    let mut b = Buf::new();
    let top = b.get_label();
    b.bind_label(top);
    b.put4(NOP);
    gen_filler(&mut b, 100);
    let use_off = b.cur_offset();
    gen_cond_branch(&mut b, 5, top);
    b.put4(RET);
    let f = b.finish();
    let path = follow_branch(&f.data, use_off, 0).unwrap();
    assert_eq!(path.len(), 3, "b.cond -> b -> ljmp: {path:x?}");
    assert!(path[1] > use_off, "veneer placed after the use");
    assert_eq!(
        f.stats.veneers_by_kind,
        vec![("Cond".to_string(), 1), ("Jump".to_string(), 1)]
    );
}

#[test]
fn veneers_chain_cond_to_jump_to_long() {
    let mut b = Buf::new();
    let far = b.get_label();
    gen_cond_branch(&mut b, 0, far);
    gen_filler(&mut b, 300);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let path = follow_branch(&f.data, 0, f.label_offsets[0].unwrap()).unwrap();
    assert_eq!(path.len(), 3, "{path:x?}");
    assert_eq!(
        decode(&f.data, path[1]),
        Some(FakeInsn::Jump {
            target: path[2] as i64
        })
    );
    assert!(matches!(
        decode(&f.data, path[2]),
        Some(FakeInsn::Long { .. })
    ));
}

#[test]
fn island_layout_is_veneers_then_trap_stubs_then_constants() {
    let mut b = Buf::new();
    let far = b.get_label();
    gen_cond_branch(&mut b, 0, far);
    let trap = b.defer_trap(TrapCode::STACK_OVERFLOW);
    gen_cond_branch(&mut b, 1, trap);
    let c = gen_ldr(&mut b, &[9; 8], 8);
    b.emit_island(FAKE_LOOKAHEAD);
    gen_filler(&mut b, 40);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let isl = f.islands[0];
    let veneer = follow_branch(&f.data, 0, f.label_offsets[0].unwrap()).unwrap()[1];
    let t = f.label_offsets[trap.0 as usize].unwrap();
    let k = f.label_offsets[c.0 as usize].unwrap();
    assert!(
        isl.body_start <= veneer && veneer < t && t < k && k < isl.end,
        "{isl:?} {veneer} {t} {k}"
    );
    assert_eq!(k % 8, 0);
}

#[test]
fn island_after_an_unconditional_branch_has_no_jump_around() {
    let mut b = Buf::new();
    let far = b.get_label();
    let next = b.get_label();
    gen_cond_branch(&mut b, 0, far);
    gen_jump(&mut b, next);
    b.emit_island(FAKE_LOOKAHEAD);
    b.bind_label(next);
    gen_filler(&mut b, 40);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let isl = f.islands[0];
    assert_eq!(isl.start, isl.body_start, "no jump-around");
    assert_eq!(
        decode(&f.data, 4),
        Some(FakeInsn::Jump {
            target: isl.end as i64
        })
    );
}

#[test]
fn island_when_a_label_is_bound_at_the_tail_keeps_its_jump() {
    // `b next; L:` then an island: L is reached by fallthrough-free code but bound at
    // the island start, so the island must be jumped around.
    let mut b = Buf::new();
    let far = b.get_label();
    let other = b.get_label();
    let l = b.get_label();
    gen_cond_branch(&mut b, 0, far);
    gen_jump(&mut b, other);
    b.bind_label(l);
    b.emit_island(FAKE_LOOKAHEAD);
    b.bind_label(other);
    gen_filler(&mut b, 40);
    b.bind_label(far);
    b.put4(RET);
    let f = b.finish();
    let isl = f.islands[0];
    assert_eq!(f.label_offsets[l.0 as usize], Some(isl.start));
    assert_eq!(
        decode(&f.data, isl.start),
        Some(FakeInsn::Long {
            target: isl.end as i64
        })
    );
}
