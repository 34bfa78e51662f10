//! A32 literal pools in a 100 KB function: every `ldr rN, [pc, #imm]` must find its
//! constant within its 4 KiB reach, in a pool the code jumps around. Targets are read
//! from GNU objdump's own annotation (`arm-linux-gnueabihf-objdump -D -b binary -m arm`
//! prints `@ 0xADDR` after each literal load), not from our patcher.

use std::collections::HashMap;

use atoll_codegen::buffer::{CodeOffset, MachBuffer};
use atoll_codegen::testing::{disassemble, DisasmArch};
use atoll_isa_arm32::emit::enc::{ldst_imm, COND_AL, NOP};
use atoll_isa_arm32::LabelUse;

/// `ldr r<rt>, [pc, #0]`, patched later.
fn ldr_literal(rt: u32) -> u32 {
    ldst_imm(COND_AL, true, true, false, false, true, 15, rt, 0)
}

#[test]
fn pools_stay_within_4_kib_of_every_ldr_in_a_100_kb_function() {
    const SIZE: CodeOffset = 100 * 1024;
    const LOOKAHEAD: CodeOffset = 64;
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
            if b.island_needed_for_use(12, LabelUse::Ldr12) {
                b.emit_island(LOOKAHEAD);
            }
            let c = b.register_constant(&value.to_le_bytes(), 4);
            let l = b.get_label_for_constant(c);
            let at = b.cur_offset();
            b.use_label_at_offset(at, l, LabelUse::Ldr12);
            b.put4(ldr_literal(i % 8));
            loads.push((at, value));
        } else {
            b.put4(NOP);
        }
    }
    let f = b.try_finish().expect("finishes");
    assert!(f.islands.len() >= 25, "{} pools", f.islands.len());
    eprintln!("{} literal loads, {} pools in {} bytes", loads.len(), f.islands.len(), f.data.len());

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
