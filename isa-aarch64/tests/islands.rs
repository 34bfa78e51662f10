//! Islands and veneers with the real AArch64 label-use kinds. Branch targets are read
//! back with GNU objdump (`aarch64-linux-gnu-objdump -D -b binary -m aarch64`, through
//! `atoll_codegen::testing::disassemble`) on the instructions that matter, so the
//! check does not trust our own encoder or patcher.

use atoll_codegen::buffer::{
    CodeOffset, MachBuffer, MachBufferFinalized, Reloc, RelocRecord, TextSectionBuilder,
    TextSectionOptions,
};
use atoll_codegen::testing::{disassemble, run_blob, DisasmArch};
use atoll_isa_aarch64::emit::branch::{enc_bl, enc_cbz, NOP};
use atoll_isa_aarch64::label_use::LabelUse;

const MIB: CodeOffset = 1 << 20;

/// objdump's text for the instruction at `off` (disassembled alone, so targets are
/// printed relative to `off`), with the absolute target if it is a direct branch.
fn insn_at(bytes: &[u8], off: CodeOffset) -> (String, Option<CodeOffset>) {
    let word = &bytes[off as usize..off as usize + 4];
    let lines = disassemble(DisasmArch::Aarch64, word).expect("aarch64-linux-gnu-objdump");
    let text = lines[0].text.clone();
    // Direct branches print their target as a hex address last: `b 0x1c`, `cbnz x0, 0x...`.
    let target = text
        .rsplit([' ', ','])
        .next()
        .and_then(|t| t.strip_prefix("0x"))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .map(|rel| off.wrapping_add(rel));
    (text, target)
}

/// Write `n` bytes of `nop`s, asking for islands every 64 KiB.
fn filler(b: &mut MachBuffer<LabelUse>, n: CodeOffset) {
    const CHUNK: CodeOffset = 64 * 1024;
    let chunk: Vec<u8> = NOP
        .to_le_bytes()
        .iter()
        .copied()
        .cycle()
        .take(CHUNK as usize)
        .collect();
    let mut left = n;
    while left > 0 {
        let len = left.min(CHUNK);
        if b.island_needed(len + 64) {
            b.emit_island(len + 64);
        }
        b.put_data(&chunk[..len as usize]);
        left -= len;
    }
}

fn cbnz(b: &mut MachBuffer<LabelUse>, l: atoll_codegen::buffer::MachLabel) -> CodeOffset {
    let at = b.cur_offset();
    b.use_label_at_offset(at, l, LabelUse::Branch19);
    b.put4(enc_cbz(true, true, 0, 0));
    at
}

fn finish(b: MachBuffer<LabelUse>) -> MachBufferFinalized {
    b.try_finish().expect("buffer finishes")
}

#[test]
fn cbnz_across_2_mib_gets_a_b_veneer_before_its_deadline() {
    let mut b = MachBuffer::<LabelUse>::new();
    let target = b.get_label();
    cbnz(&mut b, target);
    filler(&mut b, 2 * MIB);
    b.bind_label(target);
    b.put4(NOP);
    let f = finish(b);
    let t = f.label_offsets[0].unwrap();
    let (text, v) = insn_at(&f.data, 0);
    assert!(text.starts_with("cbnz x0"), "{text}");
    let v = v.unwrap();
    // The veneer sits in the first island, placed as late as the 1 MiB reach allows
    // (minus one filler chunk of lookahead).
    assert_eq!(f.islands.len(), 1);
    assert!(v >= f.islands[0].body_start && v < f.islands[0].end);
    assert!(v < MIB && v > MIB - 80 * 1024, "veneer at {v:#x}");
    let (text, t2) = insn_at(&f.data, v);
    assert!(text.starts_with("b "), "{text}");
    assert_eq!(t2, Some(t));
    // The island is jumped around.
    let (text, over) = insn_at(&f.data, f.islands[0].start);
    assert!(text.starts_with("b "), "{text}");
    assert_eq!(over, Some(f.islands[0].end));
    assert_eq!(f.stats.veneers_by_kind, vec![("Branch19".to_string(), 1)]);
}

#[test]
fn backward_cbnz_across_2_mib_gets_a_forward_veneer() {
    let mut b = MachBuffer::<LabelUse>::new();
    let target = b.get_label();
    b.bind_label(target);
    b.put4(NOP);
    filler(&mut b, 2 * MIB);
    let at = cbnz(&mut b, target);
    b.put4(NOP);
    let f = finish(b);
    let (_, v) = insn_at(&f.data, at);
    let v = v.unwrap();
    assert!(v > at, "veneer after the use");
    let (text, t) = insn_at(&f.data, v);
    assert!(text.starts_with("b "), "{text}");
    assert_eq!(t, Some(0));
}

#[test]
fn branch19_beyond_128_mib_is_promoted_twice() {
    let mut b = MachBuffer::<LabelUse>::new();
    let target = b.get_label();
    cbnz(&mut b, target);
    filler(&mut b, 130 * MIB);
    b.bind_label(target);
    b.put4(NOP);
    let f = finish(b);
    let t = f.label_offsets[0].unwrap();
    let (_, v1) = insn_at(&f.data, 0);
    let v1 = v1.unwrap();
    let (text, v2) = insn_at(&f.data, v1);
    assert!(text.starts_with("b "), "{text}");
    let v2 = v2.unwrap();
    assert!(v2 - v1 > MIB, "the long veneer is in a later island");
    let veneer = disassemble(DisasmArch::Aarch64, &f.data[v2 as usize..v2 as usize + 16]).unwrap();
    let texts: Vec<&str> = veneer.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts[1..],
        ["ldrsw x17, [x16]", "add x16, x16, x17", "br x16"]
    );
    assert!(texts[0].starts_with("adr x16"), "{}", texts[0]);
    let word = i32::from_le_bytes(
        f.data[v2 as usize + 16..v2 as usize + 20]
            .try_into()
            .unwrap(),
    );
    assert_eq!(
        (v2 + 16) as i64 + word as i64,
        t as i64,
        "long veneer reaches the target"
    );
    assert_eq!(
        f.stats.veneers_by_kind,
        vec![("Branch19".to_string(), 1), ("Branch26".to_string(), 1)]
    );
}

#[test]
fn hundred_calls_near_one_island_share_one_veneer() {
    // Functions 0..10 make 10 `bl` calls each to function 11, which lies past a
    // 130 MiB function: all 100 calls go through one long veneer.
    let n = 12u32;
    let mut b = TextSectionBuilder::<LabelUse>::new(n, TextSectionOptions::default());
    let mut caller = Vec::new();
    let mut relocs = Vec::new();
    for i in 0..10 {
        relocs.push(RelocRecord {
            offset: i * 4,
            kind: Reloc::Arm64Call,
            target_func: n - 1,
            addend: 0,
        });
        caller.extend_from_slice(&enc_bl(0).to_le_bytes());
    }
    caller.extend_from_slice(&0xd65f_03c0u32.to_le_bytes()); // ret
    for f in 0..10 {
        b.append(f, &caller, &relocs, 4).unwrap();
    }
    b.append(10, &vec![0u8; 130 << 20], &[], 4).unwrap();
    b.append(11, &0xd65f_03c0u32.to_le_bytes(), &[], 4).unwrap();
    let t = b.finish().unwrap();
    assert_eq!(
        t.stats.veneers_by_kind,
        vec![("Branch26".to_string(), 1)],
        "{:?}",
        t.stats
    );
    assert_eq!(t.stats.shared_veneer_uses, 99);
    assert_eq!(t.stats.relocations_left, 0);
    let target = t.function_offsets[11];
    let (text, v) = insn_at(&t.code, t.function_offsets[3] + 8);
    assert!(text.starts_with("bl "), "{text}");
    let v = v.unwrap();
    let word = i32::from_le_bytes(t.code[v as usize + 16..v as usize + 20].try_into().unwrap());
    assert_eq!((v + 16) as i64 + word as i64, target as i64);
}

#[test]
fn force_veneers_on_a_small_module() {
    let mut b = TextSectionBuilder::<LabelUse>::new(
        2,
        TextSectionOptions {
            force_veneers: true,
            ..Default::default()
        },
    );
    let relocs = [RelocRecord {
        offset: 0,
        kind: Reloc::Arm64Call,
        target_func: 1,
        addend: 0,
    }];
    let mut f0 = enc_bl(0).to_le_bytes().to_vec();
    f0.extend_from_slice(&0xd65f_03c0u32.to_le_bytes());
    b.append(0, &f0, &relocs, 16).unwrap();
    b.append(1, &0xd65f_03c0u32.to_le_bytes(), &[], 16).unwrap();
    let t = b.finish().unwrap();
    let (_, v) = insn_at(&t.code, 0);
    let v = v.unwrap();
    assert_ne!(v, t.function_offsets[1], "the call goes through a veneer");
    let word = i32::from_le_bytes(t.code[v as usize + 16..v as usize + 20].try_into().unwrap());
    assert_eq!((v + 16) as i64 + word as i64, t.function_offsets[1] as i64);
    assert_eq!(t.stats.veneers_by_kind, vec![("Branch26".to_string(), 1)]);
}

/// Instruction words assembled with `llvm-mc-14 -triple=aarch64 -show-encoding`.
const STP_FP_LR: u32 = 0xa9bf_7bfd; // stp x29, x30, [sp, #-16]!
const MOV_FP_SP: u32 = 0x9100_03fd; // mov x29, sp
const ADD_X0_1: u32 = 0x9100_0400; // add x0, x0, #1
const LDP_FP_LR: u32 = 0xa8c1_7bfd; // ldp x29, x30, [sp], #16
const RET: u32 = 0xd65f_03c0; // ret
const MOV_X0_1: u32 = 0xd280_0020; // mov x0, #1

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

#[test]
fn forced_veneers_execute_under_qemu() {
    // f0 -> f3 -> f1 -> f4 -> f2 -> f5 (returns 1); each caller adds 1, so f0 returns
    // 6. Forward and backward calls, every one through a long veneer.
    let next = [3u32, 4, 5, 1, 2];
    let n = 6u32;
    let opts = TextSectionOptions {
        force_veneers: true,
        padding_between_functions: 64,
        ..Default::default()
    };
    let mut b = TextSectionBuilder::<LabelUse>::new(n, opts);
    for f in 0..n - 1 {
        let code = words(&[STP_FP_LR, MOV_FP_SP, enc_bl(0), ADD_X0_1, LDP_FP_LR, RET]);
        let relocs = [RelocRecord {
            offset: 8,
            kind: Reloc::Arm64Call,
            target_func: next[f as usize],
            addend: 0,
        }];
        b.append(f, &code, &relocs, 16).unwrap();
    }
    b.append(n - 1, &words(&[MOV_X0_1, RET]), &[], 16).unwrap();
    let t = b.finish().unwrap();
    assert_eq!(t.function_offsets[0], 0);
    assert_eq!(t.stats.veneers_by_kind, vec![("Branch26".to_string(), 5)]);
    for f in 0..n - 1 {
        let (text, v) = insn_at(&t.code, t.function_offsets[f as usize] + 8);
        assert!(text.starts_with("bl "), "{text}");
        assert_ne!(
            v,
            Some(t.function_offsets[next[f as usize] as usize]),
            "call {f} is direct"
        );
    }
    let main_c = "extern long f0(void);\nint main(void) { return f0() == 6 ? 0 : 1; }\n";
    assert!(
        run_blob(DisasmArch::Aarch64, &t.code, main_c).unwrap(),
        "f0 did not return 6 under qemu"
    );
}
