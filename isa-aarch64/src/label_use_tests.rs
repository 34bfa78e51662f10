//! Unit tests of the label-use kinds: exact ranges, patch round trips, veneer bytes
//! and veneer chains followed by decoding the patched words.

use super::*;
use crate::emit::branch::{enc_adr, enc_bcond, enc_cbz, enc_ldr_literal, enc_tbz};
use atoll_codegen::buffer::LabelUse as _;
use proptest::prelude::*;

const KINDS: [LabelUse; 6] = [
    LabelUse::Branch14,
    LabelUse::Branch19,
    LabelUse::Branch26,
    LabelUse::Ldr19,
    LabelUse::Adr21,
    LabelUse::PCRel32,
];

/// A template word of each kind with a zero offset field (and non-zero other fields,
/// so a patch that clobbers them is caught).
fn template(kind: LabelUse) -> u32 {
    match kind {
        LabelUse::Branch14 => enc_tbz(37, true, 0, 5),
        LabelUse::Branch19 => enc_cbz(true, true, 0, 9),
        LabelUse::Branch26 => crate::emit::branch::enc_bl(0),
        LabelUse::Ldr19 => enc_ldr_literal(1, false, 0, 3),
        LabelUse::Adr21 => enc_adr(false, 0, 7),
        LabelUse::PCRel32 => 0,
    }
}

fn sext(v: u32, bits: u32) -> i64 {
    i64::from(((v << (32 - bits)) as i32) >> (32 - bits))
}

/// Read back the byte distance a patched word encodes (the architecture's field
/// layouts, written independently of `patch`).
fn decode(kind: LabelUse, w: u32) -> i64 {
    match kind {
        LabelUse::Branch14 => sext((w >> 5) & 0x3fff, 14) * 4,
        LabelUse::Branch19 | LabelUse::Ldr19 => sext((w >> 5) & 0x7ffff, 19) * 4,
        LabelUse::Branch26 => sext(w & 0x3ff_ffff, 26) * 4,
        LabelUse::Adr21 => sext((((w >> 5) & 0x7ffff) << 2) | ((w >> 29) & 3), 21),
        LabelUse::PCRel32 => i64::from(w as i32),
    }
}

/// The bits outside the offset field.
fn other_bits(kind: LabelUse, w: u32) -> u32 {
    match kind {
        LabelUse::Branch14 => w & !(0x3fff << 5),
        LabelUse::Branch19 | LabelUse::Ldr19 => w & !(0x7ffff << 5),
        LabelUse::Branch26 => w & !0x3ff_ffff,
        LabelUse::Adr21 => w & !((0x7ffff << 5) | (3 << 29)),
        LabelUse::PCRel32 => 0,
    }
}

fn patch_at(kind: LabelUse, use_offset: u64, label_offset: u64) -> u32 {
    let mut bytes = template(kind).to_le_bytes().to_vec();
    kind.patch(&mut bytes, use_offset, label_offset);
    u32::from_le_bytes(bytes[..4].try_into().unwrap())
}

#[test]
fn ranges_are_exact() {
    let table: [(LabelUse, u64, u64); 6] = [
        (LabelUse::Branch14, 32 * 1024 - 4, 32 * 1024),
        (LabelUse::Branch19, (1 << 20) - 4, 1 << 20),
        (LabelUse::Branch26, (128 << 20) - 4, 128 << 20),
        (LabelUse::Ldr19, (1 << 20) - 4, 1 << 20),
        (LabelUse::Adr21, (1 << 20) - 1, 1 << 20),
        (LabelUse::PCRel32, (1 << 31) - 1, 1 << 31),
    ];
    for (kind, pos, neg) in table {
        assert_eq!(kind.max_pos_range(), pos, "{kind:?}");
        assert_eq!(kind.max_neg_range(), neg, "{kind:?}");
        assert_eq!(kind.patch_size(), 4);
        assert!(kind.in_range(pos as i64) && kind.in_range(-(neg as i64)));
        assert!(!kind.in_range(pos as i64 + 4) && !kind.in_range(-(neg as i64) - 4));
    }
}

#[test]
fn patch_extremes_round_trip() {
    for kind in KINDS {
        let base = 1u64 << 32; // far from 0 so negative distances stay positive offsets
        for delta in [
            0i64,
            kind.max_pos_range() as i64,
            -(kind.max_neg_range() as i64),
            4,
            -4,
        ] {
            let w = patch_at(kind, base, base.wrapping_add_signed(delta));
            assert_eq!(decode(kind, w), delta, "{kind:?} delta {delta}");
            assert_eq!(
                other_bits(kind, w),
                other_bits(kind, template(kind)),
                "{kind:?} clobbered"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn patch_round_trips(kind_ix in 0usize..6, raw in any::<i64>(), use_words in 0u64..(1 << 30)) {
        let kind = KINDS[kind_ix];
        let (lo, hi) = (-(kind.max_neg_range() as i64), kind.max_pos_range() as i64);
        let align = if matches!(kind, LabelUse::Adr21 | LabelUse::PCRel32) { 1 } else { 4 };
        let delta = (lo + raw.rem_euclid(hi - lo + 1)) / align * align;
        let use_offset = (1u64 << 33) + use_words * 4;
        let w = patch_at(kind, use_offset, use_offset.wrapping_add_signed(delta));
        prop_assert_eq!(decode(kind, w), delta);
        prop_assert_eq!(other_bits(kind, w), other_bits(kind, template(kind)));
    }
}

#[test]
fn pcrel32_adds_to_the_stored_addend() {
    let mut bytes = 12u32.to_le_bytes().to_vec();
    LabelUse::PCRel32.patch(&mut bytes, 100, 40);
    assert_eq!(i32::from_le_bytes(bytes[..4].try_into().unwrap()), 12 - 60);
}

/// Veneer words checked against
/// `printf 'adr x16, #16\nldrsw x17, [x16]\nadd x16, x16, x17\nbr x16\nb #0\n' | llvm-mc-14 -triple=aarch64 -show-encoding`.
#[test]
fn veneer_bytes_match_llvm_mc() {
    let mut short = [0xffu8; 4];
    assert_eq!(
        LabelUse::Branch19.generate_veneer(&mut short, 0),
        (0, LabelUse::Branch26)
    );
    assert_eq!(short, [0x00, 0x00, 0x00, 0x14]);
    assert_eq!(
        LabelUse::Branch14.generate_veneer(&mut short, 0),
        (0, LabelUse::Branch26)
    );

    let mut long = [0xffu8; 20];
    assert_eq!(
        LabelUse::Branch26.generate_veneer(&mut long, 0),
        (16, LabelUse::PCRel32)
    );
    assert_eq!(
        long,
        [
            0x90, 0x00, 0x00, 0x10, 0x11, 0x02, 0x80, 0xb9, 0x10, 0x02, 0x11, 0x8b, 0x00, 0x02,
            0x1f, 0xd6, 0, 0, 0, 0
        ]
    );
    for kind in KINDS {
        assert_eq!(kind.supports_veneer(), kind.veneer_size() > 0, "{kind:?}");
    }
    assert_eq!(LabelUse::worst_case_veneer_size(), 20);
}

#[test]
fn veneer_kinds_reach_strictly_further() {
    for kind in KINDS.into_iter().filter(|k| k.supports_veneer()) {
        let mut buf = vec![0u8; kind.veneer_size() as usize];
        let (_, next) = kind.generate_veneer(&mut buf, 0);
        assert!(
            next.max_pos_range() > kind.max_pos_range()
                && next.max_neg_range() > kind.max_neg_range()
        );
    }
}

/// Follow control flow from `pc` by decoding branch words and the long veneer, as the
/// CPU would, until reaching an instruction that is none of them.
fn follow(code: &[u8], mut pc: u64) -> u64 {
    let word = |at: u64| u32::from_le_bytes(code[at as usize..at as usize + 4].try_into().unwrap());
    loop {
        let w = word(pc);
        if w & 0xfc00_0000 == 0x1400_0000 {
            pc = pc.wrapping_add_signed(decode(LabelUse::Branch26, w));
        } else if w & 0x7e00_0000 == 0x3400_0000 || w & 0xff00_0010 == 0x5400_0000 {
            pc = pc.wrapping_add_signed(decode(LabelUse::Branch19, w));
        } else if w & 0x7e00_0000 == 0x3600_0000 {
            pc = pc.wrapping_add_signed(decode(LabelUse::Branch14, w));
        } else if w == LONG_VENEER[0] {
            for (i, insn) in LONG_VENEER.iter().enumerate() {
                assert_eq!(word(pc + 4 * i as u64), *insn);
            }
            pc = (pc + 16).wrapping_add_signed(i64::from(word(pc + 16) as i32));
        } else {
            return pc;
        }
    }
}

/// A `tbz` whose target is 200 MiB away: `tbz` → `b` veneer → long veneer → target.
#[test]
fn veneer_chain_14_26_long_reaches_target() {
    let target = 200u64 << 20;
    let mut code = vec![0u8; target as usize + 4];
    code[target as usize..].copy_from_slice(&NOP.to_le_bytes());
    let w = enc_tbz(3, false, 0, 1);
    code[..4].copy_from_slice(&w.to_le_bytes());
    // Island 1 at 16 KiB: `b` veneer for the tbz.
    let v1 = 16 * 1024u64;
    let (off1, k1) = LabelUse::Branch14.generate_veneer(&mut code[v1 as usize..], v1);
    LabelUse::Branch14.patch(&mut code[0..], 0, v1);
    // Island 2 at 100 MiB: long veneer for the `b`.
    let v2 = 100u64 << 20;
    let (off2, k2) = k1.generate_veneer(&mut code[v2 as usize..], v2);
    k1.patch(&mut code[(v1 + off1) as usize..], v1 + off1, v2);
    assert_eq!(k2, LabelUse::PCRel32);
    k2.patch(&mut code[(v2 + off2) as usize..], v2 + off2, target);
    assert_eq!(follow(&code, 0), target);
}

/// A backward `b.ne` chain: a veneer placed after the use still lands on an earlier label.
#[test]
fn backward_branch19_veneer() {
    let mut code = vec![0u8; 3 << 20];
    let label = 4u64;
    code[4..8].copy_from_slice(&NOP.to_le_bytes());
    let use_at = (2u64 << 20) + 8;
    code[use_at as usize..use_at as usize + 4].copy_from_slice(&enc_bcond(0, 1).to_le_bytes());
    let v = use_at + 64;
    let (off, k) = LabelUse::Branch19.generate_veneer(&mut code[v as usize..], v);
    LabelUse::Branch19.patch(&mut code[use_at as usize..], use_at, v);
    k.patch(&mut code[(v + off) as usize..], v + off, label);
    assert_eq!(follow(&code, use_at), label);
}

#[test]
fn from_reloc_maps_calls_only() {
    assert_eq!(
        LabelUse::from_reloc(Reloc::Arm64Call, 0),
        Some(LabelUse::Branch26)
    );
    assert_eq!(LabelUse::from_reloc(Reloc::Arm64Call, 4), None);
    assert_eq!(LabelUse::from_reloc(Reloc::X86CallPCRel4, 0), None);
    assert_eq!(LabelUse::from_reloc(Reloc::Abs8, 0), None);
}

#[test]
fn island_sequences() {
    let mut out = Vec::new();
    assert_eq!(LabelUse::write_jump(&mut out), (0, LabelUse::Branch26));
    assert_eq!(out, [0x00, 0x00, 0x00, 0x14]);
    out.clear();
    LabelUse::write_trap(&mut out);
    assert_eq!(out, [0, 0, 0, 0]);
    out.clear();
    LabelUse::write_padding(&mut out, 10);
    assert_eq!(out, [0x1f, 0x20, 0x03, 0xd5, 0x1f, 0x20, 0x03, 0xd5, 0, 0]);
}

#[test]
fn padding_by_doubling_is_whole_nop_words_after_existing_bytes() {
    // (bytes already in the buffer, padding length)
    for (prefix, len) in [
        (0, 0),
        (0, 4),
        (3, 12),
        (1, 28),
        (0, 4 * 1000 + 3),
        (7, 4 * 4097),
    ] {
        let mut out = vec![0xaa; prefix];
        LabelUse::write_padding(&mut out, len);
        assert_eq!(out.len(), prefix + len, "prefix {prefix}, len {len}");
        assert!(out[..prefix].iter().all(|&b| b == 0xaa));
        let words = &out[prefix..prefix + len / 4 * 4];
        assert!(
            words.chunks_exact(4).all(|w| w == [0x1f, 0x20, 0x03, 0xd5]),
            "len {len}"
        );
        assert!(out[prefix + len / 4 * 4..].iter().all(|&b| b == 0));
    }
}
