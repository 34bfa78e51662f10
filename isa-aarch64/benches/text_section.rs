//! Text-section builder cost: N functions with 10 `bl` calls each (random targets),
//! padded so the section is ~160 MiB at every N and islands and veneers are forced.
//! Prints time and peak memory (VmHWM) per N; each N runs in a fresh child process so
//! the peak is its own. O(n log n) in call fixups means time per fixup grows slowly.
//!
//! `cargo bench -p atoll-isa-aarch64 --bench text_section [-- N...]`

use std::process::Command;
use std::time::Instant;

use atoll_codegen::buffer::{Reloc, RelocRecord, TextSectionBuilder, TextSectionOptions};
use atoll_isa_aarch64::emit::branch::{enc_bl, NOP};
use atoll_isa_aarch64::label_use::LabelUse;

const CALLS_PER_FUNC: u32 = 10;
const SECTION_BYTES: u64 = 160 << 20;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn run(n: u32) {
    // One body shared by all functions: 10 calls, 5 nops, ret (64 bytes).
    let mut body = Vec::new();
    for _ in 0..CALLS_PER_FUNC {
        body.extend_from_slice(&enc_bl(0).to_le_bytes());
    }
    for _ in 0..5 {
        body.extend_from_slice(&NOP.to_le_bytes());
    }
    body.extend_from_slice(&0xd65f_03c0u32.to_le_bytes());
    let padding = SECTION_BYTES / n as u64 - body.len() as u64;
    let opts = TextSectionOptions {
        padding_between_functions: padding,
        ..Default::default()
    };

    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let relocs_of: Vec<Vec<RelocRecord>> = (0..n)
        .map(|_| {
            (0..CALLS_PER_FUNC)
                .map(|c| RelocRecord {
                    offset: c as u64 * 4,
                    kind: Reloc::Arm64Call,
                    target_func: (next() % n as u64) as u32,
                    addend: 0,
                })
                .collect()
        })
        .collect();

    // Baseline: the same section without calls (copying and padding 160 MiB), so the
    // cost of the fixups themselves shows as the difference.
    let start = Instant::now();
    let mut b = TextSectionBuilder::<LabelUse>::new(n, opts.clone());
    for f in 0..n {
        b.append(f, &body, &[], 16).expect("append");
    }
    drop(b.finish().expect("finish"));
    let base = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut b = TextSectionBuilder::<LabelUse>::new(n, opts);
    for (f, relocs) in relocs_of.iter().enumerate() {
        b.append(f as u32, &body, relocs, 16).expect("append");
    }
    let t = b.finish().expect("finish");
    let secs = start.elapsed().as_secs_f64();
    let fixups = t.stats.call_fixups;
    println!(
        "{n:>7} functions {fixups:>8} fixups  {:>4} MiB  {:>3} islands {:>6} veneers ({:>6} shared uses)  \
         {secs:>6.3} s (no-call baseline {base:.3} s)  {:>5.0} ns/fixup over baseline  VmHWM {:>4} MiB",
        t.code.len() >> 20,
        t.stats.islands,
        t.stats.veneers(),
        t.stats.shared_veneer_uses,
        (secs - base).max(0.0) * 1e9 / fixups as f64,
        vm_hwm_kib() >> 10,
    );
    assert_eq!(t.stats.relocations_left, 0);
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let [n] = args.as_slice() {
        if let Ok(n) = n.parse() {
            return run(n);
        }
    }
    let sizes: Vec<u32> = if args.is_empty() {
        vec![25_000, 50_000, 100_000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
    };
    let exe = std::env::current_exe().expect("current exe");
    for n in sizes {
        let status = Command::new(&exe)
            .arg(n.to_string())
            .status()
            .expect("spawn");
        assert!(status.success(), "run with {n} functions failed");
    }
}
