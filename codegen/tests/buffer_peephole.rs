//! One test per branch peephole rule (see `buffer/peephole.rs`), on the fake ISA.

use atoll_codegen::buffer::MachBuffer;
use atoll_codegen::testing::fake_isa::{
    decode, decode_all, gen_cond_branch, gen_jump, FakeInsn, FakeLabelUse, NOP, RET,
};

type Buf = MachBuffer<FakeLabelUse>;

#[test]
fn jump_to_the_next_instruction_is_removed() {
    let mut b = Buf::new();
    let l = b.get_label();
    b.put4(NOP);
    gen_jump(&mut b, l);
    b.bind_label(l);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(decode_all(&f.data), vec![FakeInsn::Nop, FakeInsn::Ret]);
    assert_eq!(f.label_offsets[0], Some(4));
    assert_eq!(f.stats.peephole_edits, 1);
}

#[test]
fn cond_branch_to_the_next_instruction_is_removed() {
    let mut b = Buf::new();
    let l = b.get_label();
    gen_cond_branch(&mut b, 4, l);
    b.bind_label(l);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(decode_all(&f.data), vec![FakeInsn::Ret]);
}

#[test]
fn chain_of_branches_to_the_tail_all_go() {
    // b.c L; b L; L:  -> both removed (the second first, then the first).
    let mut b = Buf::new();
    let l = b.get_label();
    b.put4(NOP);
    gen_cond_branch(&mut b, 0, l);
    gen_jump(&mut b, l);
    b.bind_label(l);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(decode_all(&f.data), vec![FakeInsn::Nop, FakeInsn::Ret]);
}

#[test]
fn cond_branch_over_a_jump_is_inverted() {
    // b.2 L1; b L2; L1: ret; L2: ret   ->   b.3 L2; L1: ret; L2: ret
    let mut b = Buf::new();
    let l1 = b.get_label();
    let l2 = b.get_label();
    gen_cond_branch(&mut b, 2, l1);
    gen_jump(&mut b, l2);
    b.bind_label(l1);
    b.put4(RET);
    b.bind_label(l2);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(
        decode_all(&f.data),
        vec![
            FakeInsn::Cond { cond: 3, target: 8 },
            FakeInsn::Ret,
            FakeInsn::Ret
        ]
    );
    assert_eq!(f.label_offsets, vec![Some(4), Some(8)]);
}

#[test]
fn no_inversion_when_a_label_is_bound_at_the_jump() {
    // b.2 L1; M: b L2; L1: — M's users need the jump; threading aliases M to L2 instead,
    // after which the jump has no label and inversion applies.
    let mut b = Buf::new();
    let l1 = b.get_label();
    let l2 = b.get_label();
    let m = b.get_label();
    b.bind_label(l2);
    b.put4(NOP);
    gen_cond_branch(&mut b, 2, l1);
    b.bind_label(m);
    gen_jump(&mut b, l2);
    b.bind_label(l1);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(
        decode_all(&f.data),
        vec![
            FakeInsn::Nop,
            FakeInsn::Cond { cond: 3, target: 0 },
            FakeInsn::Ret
        ]
    );
    assert_eq!(f.label_offsets[m.0 as usize], Some(0), "M threaded to L2");
}

#[test]
fn labels_at_a_jump_are_threaded_to_its_target() {
    // L1: b L2; X: nop; L2: nop; b.c L1  -> the b.c jumps straight to L2. (Rules run
    // when a label is bound right after the branch, as at every block start.)
    let mut b = Buf::new();
    let l1 = b.get_label();
    let l2 = b.get_label();
    let x = b.get_label();
    b.put4(NOP);
    b.bind_label(l1);
    gen_jump(&mut b, l2);
    b.bind_label(x);
    b.put4(NOP);
    b.bind_label(l2);
    b.put4(NOP);
    gen_cond_branch(&mut b, 0, l1);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(f.label_offsets[l1.0 as usize], Some(12));
    assert_eq!(
        decode(&f.data, 16),
        Some(FakeInsn::Cond {
            cond: 0,
            target: 12
        })
    );
}

#[test]
fn self_loop_is_not_threaded() {
    let mut b = Buf::new();
    let l = b.get_label();
    let after = b.get_label();
    b.bind_label(l);
    gen_jump(&mut b, l);
    b.bind_label(after);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(
        decode_all(&f.data),
        vec![FakeInsn::Jump { target: 0 }, FakeInsn::Ret]
    );
    assert_eq!(f.label_offsets, vec![Some(0), Some(4)]);
}

#[test]
fn labels_at_a_removed_branch_move_to_the_tail() {
    // M: b.c L; L: ret  -> M and L both at 0.
    let mut b = Buf::new();
    let l = b.get_label();
    let m = b.get_label();
    b.bind_label(m);
    gen_cond_branch(&mut b, 1, l);
    b.bind_label(l);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(decode_all(&f.data), vec![FakeInsn::Ret]);
    assert_eq!(f.label_offsets, vec![Some(0), Some(0)]);
}

#[test]
fn a_branch_followed_by_code_is_kept() {
    let mut b = Buf::new();
    let l = b.get_label();
    gen_jump(&mut b, l);
    b.put4(NOP);
    b.bind_label(l);
    b.put4(RET);
    let f = b.finish();
    assert_eq!(
        decode_all(&f.data),
        vec![FakeInsn::Jump { target: 8 }, FakeInsn::Nop, FakeInsn::Ret]
    );
}
