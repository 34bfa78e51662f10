//! A32 literal pools in a 100 KB function: every `ldr rN, [pc, #imm]` must find its
//! constant within its 4 KiB reach, in a pool the code jumps around. Targets are read
//! from GNU objdump's own annotation (`arm-linux-gnueabihf-objdump -D -b binary -m arm`
//! prints `@ 0xADDR` after each literal load), not from our patcher.

use std::collections::HashMap;

use atoll_codegen::buffer::{CodeOffset, MachBuffer};
use atoll_codegen::testing::{disassemble, run_blob, DisasmArch};
use atoll_isa_arm32::emit::enc::{ldst_imm, COND_AL, NOP};
use atoll_isa_arm32::LabelUse;

const LOOKAHEAD: CodeOffset = 64;

/// `ldr r<rt>, =value` from the next pool, placing an island first when the code
/// reached so far needs one; returns the offset of the `ldr`.
fn load_constant(b: &mut MachBuffer<LabelUse>, value: u32, rt: u32) -> CodeOffset {
    if b.island_needed(LOOKAHEAD) {
        b.emit_island(LOOKAHEAD);
    }
    if b.island_needed_for_use(12, LabelUse::Ldr12) {
        b.emit_island(LOOKAHEAD);
    }
    let c = b.register_constant(&value.to_le_bytes(), 4);
    let l = b.get_label_for_constant(c);
    let at = b.cur_offset();
    b.use_label_at_offset(at, l, LabelUse::Ldr12);
    // `ldr r<rt>, [pc, #0]`, patched by the buffer.
    b.put4(ldst_imm(COND_AL, true, true, false, false, true, 15, rt, 0));
    at
}

#[test]
fn pools_stay_within_4_kib_of_every_ldr_in_a_100_kb_function() {
    const SIZE: CodeOffset = 100 * 1024;
    let mut b = MachBuffer::<LabelUse>::new();
    let mut loads: Vec<(CodeOffset, u32)> = Vec::new();
    let mut i = 0u32;
    while b.cur_offset() < SIZE {
        if b.island_needed(LOOKAHEAD) {
            b.emit_island(LOOKAHEAD);
        }
        i += 1;
        if i % 7 == 0 {
            // A few values repeat, to exercise deduplication within a pool.
            let value = if i % 5 == 0 {
                0xdead_beef
            } else {
                i.wrapping_mul(0x9e37_79b9)
            };
            let at = load_constant(&mut b, value, i % 8);
            loads.push((at, value));
        } else {
            b.put4(NOP);
        }
    }
    let f = b.try_finish().expect("finishes");
    assert!(f.islands.len() >= 25, "{} pools", f.islands.len());
    eprintln!(
        "{} literal loads, {} pools in {} bytes",
        loads.len(),
        f.islands.len(),
        f.data.len()
    );

    let lines = disassemble(DisasmArch::Arm32, &f.data).expect("arm-linux-gnueabihf-objdump");
    let by_offset: HashMap<CodeOffset, &str> =
        lines.iter().map(|l| (l.offset, l.text.as_str())).collect();
    for &(at, value) in &loads {
        let text = by_offset[&at];
        assert!(text.starts_with("ldr r"), "{at:#x}: {text}");
        let addr = text
            .rsplit("@ 0x")
            .next()
            .and_then(|h| u64::from_str_radix(h.trim(), 16).ok());
        let target = addr.unwrap_or_else(|| panic!("{at:#x}: no literal address in `{text}`"));
        assert!(
            target.abs_diff(at) <= 4096,
            "{at:#x}: literal at {target:#x}"
        );
        let word = u32::from_le_bytes(
            f.data[target as usize..target as usize + 4]
                .try_into()
                .unwrap(),
        );
        assert_eq!(word, value, "{at:#x}: wrong constant at {target:#x}");
    }
    // Each pool is jumped around.
    for isl in &f.islands[..f.islands.len() - 1] {
        let text = by_offset[&isl.start];
        assert_eq!(
            text,
            format!("b 0x{:x}", isl.end),
            "island at {:#x}",
            isl.start
        );
    }
}

/// Instruction words assembled with `llvm-mc-14 -triple=armv7a -show-encoding`.
const MOV_R1_0: u32 = 0xe3a0_1000; // mov r1, #0
const ADD_R1_R1_R0: u32 = 0xe081_1000; // add r1, r1, r0
const MOV_R0_R1: u32 = 0xe1a0_0001; // mov r0, r1
const BX_LR: u32 = 0xe12f_ff1e; // bx lr

/// A 20 KB function that loads 1,000 constants from pools placed by the buffer and
/// adds them up; run under `qemu-arm` it must return the sum, so every load found
/// its constant and every pool was jumped around.
#[test]
fn pooled_constants_load_correctly_under_qemu() {
    let mut b = MachBuffer::<LabelUse>::new();
    b.put4(MOV_R1_0);
    let mut sum = 0u32;
    for i in 0..1000u32 {
        let value = i.wrapping_mul(0x9e37_79b9) ^ (i % 3);
        sum = sum.wrapping_add(value);
        load_constant(&mut b, value, 0);
        b.put4(ADD_R1_R1_R0);
        for _ in 0..(i % 5) * 2 {
            b.put4(NOP);
        }
    }
    b.put4(MOV_R0_R1);
    b.put4(BX_LR);
    let f = b.try_finish().expect("finishes");
    assert!(f.islands.len() > 3, "{} pools", f.islands.len());

    let main_c =
        format!("extern unsigned f0(void);\nint main(void) {{ return f0() == {sum}u ? 0 : 1; }}\n");
    let ok = run_blob(DisasmArch::Arm32, &f.data, &main_c).unwrap();
    assert!(ok, "the function did not return the sum of its constants");
}
