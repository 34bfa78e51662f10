//! Patch and veneer round trips. Expected words come from
//! `echo "<asm>" | llvm-mc-14 -triple=armv7a-linux-gnueabihf -show-encoding`
//! (the `b #N`/`ldr r0, [pc, #N]` operands there are the encoded offset from PC + 8).

use atoll_codegen::buffer::{IslandIsa, LabelUse as _, Reloc};

use super::*;

fn patched(kind: LabelUse, initial: u32, use_offset: u64, label_offset: u64) -> u32 {
    let mut bytes = initial.to_le_bytes();
    kind.patch(&mut bytes, use_offset, label_offset);
    u32::from_le_bytes(bytes)
}

/// (kind, placeholder word, use offset, label offset, expected word, llvm-mc source)
const PATCHES: &[(LabelUse, u32, u64, u64, u32, &str)] = &[
    (
        LabelUse::Branch24,
        0xea00_0000,
        0x100,
        0x110,
        0xea00_0002,
        "b #8",
    ),
    (
        LabelUse::Branch24,
        0x0a00_0000,
        0x100,
        0xf8,
        0x0aff_fffc,
        "beq #-16",
    ),
    (
        LabelUse::Branch24,
        0xeb00_0000,
        0x100,
        0x100,
        0xebff_fffe,
        "bl #-8",
    ),
    (
        LabelUse::Branch24,
        0xea00_0000,
        0,
        (1 << 25) + 4,
        0xea7f_ffff,
        "b #33554428",
    ),
    (
        LabelUse::Branch24,
        0xea00_0000,
        (1 << 25) - 8,
        0,
        0xea80_0000,
        "b #-33554432",
    ),
    (
        LabelUse::Ldr12,
        0xe59f_0000,
        0x100,
        0x108,
        0xe59f_0000,
        "ldr r0, [pc]",
    ),
    (
        LabelUse::Ldr12,
        0xe59f_0000,
        0x100,
        0x104,
        0xe51f_0004,
        "ldr r0, [pc, #-4]",
    ),
    (
        LabelUse::Ldr12,
        0xe59f_0000,
        0,
        4103,
        0xe59f_0fff,
        "ldr r0, [pc, #4095]",
    ),
    (
        LabelUse::Ldr12,
        0xe59f_0000,
        4087,
        0,
        0xe51f_0fff,
        "ldr r0, [pc, #-4095]",
    ),
    (
        LabelUse::Vldr8,
        0xed9f_0b00,
        0,
        1028,
        0xed9f_0bff,
        "vldr d0, [pc, #1020]",
    ),
    (
        LabelUse::Vldr8,
        0xed9f_0b00,
        1012,
        0,
        0xed1f_0bff,
        "vldr d0, [pc, #-1020]",
    ),
    (
        LabelUse::Vldr8,
        0xeddf_0a00,
        0x40,
        0x50,
        0xeddf_0a02,
        "vldr s1, [pc, #8]",
    ),
    (LabelUse::PCRel32, 0, 0x100, 0x180, 0x80, ".word 0x80"),
    (
        LabelUse::PCRel32,
        0xffff_fffc,
        0x100,
        0x80,
        0xffff_ff7c,
        ".word -0x84",
    ),
];

#[test]
fn patches_match_the_assembler() {
    for &(kind, init, at, label, expected, asm) in PATCHES {
        assert_eq!(patched(kind, init, at, label), expected, "{kind:?} {asm}");
    }
}

#[test]
fn patch_is_idempotent_for_instruction_fields() {
    for kind in [LabelUse::Branch24, LabelUse::Ldr12, LabelUse::Vldr8] {
        let once = patched(kind, 0xe59f_0000, 0x200, 0x180);
        let twice = patched(kind, once, 0x200, 0x180);
        assert_eq!(once, twice, "{kind:?}");
    }
}

#[test]
fn ranges_include_the_pc_bias() {
    assert!(LabelUse::Branch24.in_range((1 << 25) + 4));
    assert!(!LabelUse::Branch24.in_range((1 << 25) + 8));
    assert!(LabelUse::Branch24.in_range(-(1 << 25) + 8));
    assert!(!LabelUse::Branch24.in_range(-(1 << 25) + 4));
    assert!(LabelUse::Ldr12.in_range(4103) && !LabelUse::Ldr12.in_range(4104));
    assert!(LabelUse::Ldr12.in_range(-4087) && !LabelUse::Ldr12.in_range(-4088));
    assert!(LabelUse::Vldr8.in_range(1028) && !LabelUse::Vldr8.in_range(1032));
    assert!(LabelUse::Vldr8.in_range(-1012) && !LabelUse::Vldr8.in_range(-1016));
}

/// Simulate the veneer: a `b` at 0 to the veneer at `v`, the veneer's word patched for
/// a label at `target`; then compute where the executed `add pc, pc, ip` lands.
#[test]
fn veneer_lands_on_its_label() {
    for (v, target) in [
        (0x100u64, 0x20_0000_0000u64 & 0xffff_ffff),
        (0x100, 0x8000_0000),
        (0x4000_0000, 0x10),
    ] {
        let mut buf = vec![0u8; 12];
        let (use_off, kind) = LabelUse::Branch24.generate_veneer(&mut buf, v);
        assert_eq!((use_off, kind), (8, LabelUse::PCRel32));
        assert_eq!(
            &buf[..8],
            &[0x00, 0xc0, 0x9f, 0xe5, 0x0c, 0xf0, 0x8f, 0xe0],
            "ldr r12, [pc]; add pc, pc, r12"
        );
        kind.patch(&mut buf[8..12], v + use_off, target);
        let word = u32::from_le_bytes(buf[8..12].try_into().unwrap());
        // ldr ip, [pc] at v reads v + 8; add pc, pc, ip at v + 4 reads pc = v + 12.
        let landed = ((v + 12) as u32).wrapping_add(word);
        assert_eq!(landed as u64, target);
    }
}

#[test]
fn veneer_kind_reaches_further() {
    let b = LabelUse::Branch24;
    let (_, k) = b.generate_veneer(&mut [0; 12], 0);
    assert!(k.max_pos_range() > b.max_pos_range() && k.max_neg_range() > b.max_neg_range());
    assert_eq!(b.veneer_size(), LabelUse::worst_case_veneer_size());
    for k in [LabelUse::Ldr12, LabelUse::Vldr8, LabelUse::PCRel32] {
        assert!(!k.supports_veneer());
        assert_eq!(k.veneer_size(), 0);
    }
}

#[test]
fn from_reloc_accepts_only_the_call_addend() {
    assert_eq!(
        LabelUse::from_reloc(Reloc::Arm32Call, -8),
        Some(LabelUse::Branch24)
    );
    assert_eq!(LabelUse::from_reloc(Reloc::Arm32Call, 0), None);
    assert_eq!(LabelUse::from_reloc(Reloc::Arm64Call, -8), None);
    assert_eq!(LabelUse::from_reloc(Reloc::Abs4, 0), None);
}

#[test]
fn island_sequences() {
    let mut out = Vec::new();
    let (at, kind) = LabelUse::write_jump(&mut out);
    assert_eq!((at, kind), (0, LabelUse::Branch24));
    assert_eq!(out.len() as u64, LabelUse::JUMP_SIZE);
    kind.patch(&mut out[..4], 0, 16);
    assert_eq!(out, [0x02, 0x00, 0x00, 0xea], "b #8");
    let mut out = Vec::new();
    LabelUse::write_trap(&mut out);
    assert_eq!(out, [0xf0, 0x00, 0xf0, 0xe7], "udf #0");
    let mut out = Vec::new();
    LabelUse::write_padding(&mut out, 10);
    assert_eq!(out.len(), 10);
    assert_eq!(
        &out[..8],
        &[0x00, 0xf0, 0x20, 0xe3, 0x00, 0xf0, 0x20, 0xe3],
        "nop; nop"
    );
}
