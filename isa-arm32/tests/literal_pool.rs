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
    let present = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(
        present("arm-linux-gnueabihf-gcc"),
        "arm-linux-gnueabihf-gcc missing (Debian gcc-arm-linux-gnueabihf)"
    );
    assert!(present("qemu-arm"), "qemu-arm missing (Debian qemu-user)");

    const LOOKAHEAD: CodeOffset = 64;
    let mut b = MachBuffer::<LabelUse>::new();
    b.put4(MOV_R1_0);
    let mut sum = 0u32;
    for i in 0..1000u32 {
        let value = i.wrapping_mul(0x9e37_79b9) ^ (i % 3);
        sum = sum.wrapping_add(value);
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
        b.put4(ldr_literal(0));
        b.put4(ADD_R1_R1_R0);
        for _ in 0..(i % 5) * 2 {
            b.put4(NOP);
        }
    }
    b.put4(MOV_R0_R1);
    b.put4(BX_LR);
    let f = b.try_finish().expect("finishes");
    assert!(f.islands.len() > 3, "{} pools", f.islands.len());

    let dir = std::env::temp_dir().join(format!("atoll-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("text.bin"), &f.data).unwrap();
    std::fs::write(
        dir.join("text.s"),
        "\t.arm\n\t.section .atoll_text,\"ax\",%progbits\n\t.p2align 4\n\t.globl f0\n\t.type f0, %function\n\
         f0:\n\t.incbin \"text.bin\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.c"),
        format!("extern unsigned f0(void);\nint main(void) {{ return f0() == {sum}u ? 0 : 1; }}\n"),
    )
    .unwrap();
    let gcc = std::process::Command::new("arm-linux-gnueabihf-gcc")
        .current_dir(&dir)
        .args(["-static", "-marm", "-O1", "main.c", "text.s", "-o", "run"])
        .output()
        .unwrap();
    assert!(
        gcc.status.success(),
        "{}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let run = std::process::Command::new("qemu-arm")
        .arg(dir.join("run"))
        .status()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        run.success(),
        "the function did not return the sum of its constants"
    );
}
