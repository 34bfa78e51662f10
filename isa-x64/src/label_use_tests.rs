use atoll_codegen::buffer::{CodeOffset, IslandIsa, LabelUse as _, Reloc};
use proptest::prelude::*;

use super::*;

/// Where a patched `JmpRel32` field sends control (the CPU's view).
fn jmp_target(field: &[u8], use_offset: CodeOffset) -> CodeOffset {
    let rel = i32::from_le_bytes(field[..4].try_into().unwrap());
    (use_offset as i64 + 4 + i64::from(rel)) as CodeOffset
}

/// Where the long veneer at `v` jumps, by executing its three arithmetic steps on the
/// bytes (r11 = rip after the `lea` + its disp32; r10 = the word; target = r11 + r10).
fn veneer_target(bytes: &[u8], v: CodeOffset) -> CodeOffset {
    let disp = i32::from_le_bytes(bytes[3..7].try_into().unwrap());
    let r11 = (v as i64 + 7 + i64::from(disp)) as u64;
    let word_at = (r11 - v) as usize;
    let r10 = i64::from_le_bytes(bytes[word_at..word_at + 8].try_into().unwrap());
    (r11 as i64 + r10) as u64
}

#[test]
fn jmp_rel32_reaches_exactly_its_range() {
    let u: CodeOffset = 1 << 40;
    let k = LabelUse::JmpRel32;
    let mut f = [0u8; 4];
    k.patch(&mut f, u, u + k.max_pos_range());
    assert_eq!(i32::from_le_bytes(f), i32::MAX);
    k.patch(&mut f, u, u - k.max_neg_range());
    assert_eq!(i32::from_le_bytes(f), i32::MIN);
    assert_eq!(jmp_target(&f, u), u - k.max_neg_range());
}

#[test]
fn pc_rel32_adds_the_stored_addend() {
    let k = LabelUse::PCRel32;
    // `movsd xmm0, [rip + c]`: field at 4, instruction ends at 8, constant at 100.
    let mut f = (-4i32).to_le_bytes();
    k.patch(&mut f, 4, 100);
    assert_eq!(i32::from_le_bytes(f), 100 - 8);
    // Extreme reach with the extreme addends the doc allows.
    let u: CodeOffset = 1 << 33;
    let mut f = 0i32.to_le_bytes();
    k.patch(&mut f, u, u + k.max_pos_range());
    assert_eq!(i32::from_le_bytes(f), i32::MAX);
    let mut f = (-8i32).to_le_bytes();
    k.patch(&mut f, u, u - k.max_neg_range());
    assert_eq!(i32::from_le_bytes(f), i32::MIN);
}

#[test]
fn veneer_lands_on_targets_far_in_both_directions() {
    let k = LabelUse::JmpRel32;
    assert!(k.supports_veneer());
    let size = k.veneer_size() as usize;
    for (v, label) in [
        (0x10u64, 0x3_0000_0000u64),
        (0x5_0000_0000, 0x40),
        (0x1000, 0x1000 + 25),
    ] {
        let mut bytes = vec![0xccu8; size];
        let (off, kind) = k.generate_veneer(&mut bytes, v);
        assert_eq!(kind, LabelUse::PCRel64);
        assert!(kind.max_pos_range() > k.max_pos_range());
        assert!(kind.max_neg_range() > k.max_neg_range());
        assert!(!kind.supports_veneer());
        let off = off as usize;
        kind.patch(&mut bytes[off..off + 8], v + off as u64, label);
        assert_eq!(veneer_target(&bytes, v), label);
    }
    assert_eq!(LabelUse::worst_case_veneer_size(), LONG_VENEER_SIZE);
    assert!(!LabelUse::PCRel32.supports_veneer());
}

#[test]
fn call_reloc_maps_to_jmp_rel32() {
    assert_eq!(
        LabelUse::from_reloc(Reloc::X86CallPCRel4, -4),
        Some(LabelUse::JmpRel32)
    );
    assert_eq!(LabelUse::from_reloc(Reloc::X86CallPCRel4, 0), None);
    assert_eq!(
        LabelUse::from_reloc(Reloc::X86PCRel4, -4),
        Some(LabelUse::PCRel32)
    );
    assert_eq!(LabelUse::from_reloc(Reloc::Abs8, 0), None);
    assert_eq!(LabelUse::from_reloc(Reloc::Arm64Call, 0), None);
}

#[test]
fn island_sequences_have_their_declared_sizes() {
    let mut out = Vec::new();
    let (off, kind) = LabelUse::write_jump(&mut out);
    assert_eq!(out.len() as u64, LabelUse::JUMP_SIZE);
    assert_eq!((off, kind, out[0]), (1, LabelUse::JmpRel32, 0xe9));
    let mut out = Vec::new();
    LabelUse::write_trap(&mut out);
    assert_eq!(out, [0x0f, 0x0b]);
    for len in 0..40 {
        let mut out = Vec::new();
        LabelUse::write_padding(&mut out, len);
        assert_eq!(out.len(), len);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn jmp_rel32_patch_round_trips(u in 0u64..(1 << 45), d in -(1i64 << 31) + 4..=(1i64 << 31) + 3) {
        let label = (u as i64 + d).max(0) as u64;
        let k = LabelUse::JmpRel32;
        prop_assume!(label + k.max_neg_range() >= u && label <= u + k.max_pos_range());
        let mut f = [0u8; 4];
        k.patch(&mut f, u, label);
        prop_assert_eq!(jmp_target(&f, u), label);
    }

    #[test]
    fn veneer_round_trips(v in 0u64..(1 << 46), label in 0u64..(1 << 46)) {
        let k = LabelUse::JmpRel32;
        let mut bytes = vec![0u8; k.veneer_size() as usize];
        let (off, kind) = k.generate_veneer(&mut bytes, v);
        let off = off as usize;
        kind.patch(&mut bytes[off..off + 8], v + off as u64, label);
        prop_assert_eq!(veneer_target(&bytes, v), label);
    }
}
