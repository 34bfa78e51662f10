//! x64 ISA settings: CPU features the backend may use, and CPU-model presets.
//!
//! Every feature defaults to off, so the baseline is x86-64 with SSE2 only and code
//! runs on any x86-64 CPU. Names follow Cranelift's x64 flags, so CLIF `target x86_64
//! ...` lines written for Cranelift are understood. A preset turns on the features of
//! a CPU model; the feature sets come from the vendors' published feature lists.

atoll_codegen::define_settings! {
    group "x64";
    bools {
        /// SSE3 (CPUID.01H:ECX.SSE3[bit 0]).
        has_sse3 = false;
        /// SSSE3 (CPUID.01H:ECX.SSSE3[bit 9]).
        has_ssse3 = false;
        /// SSE4.1 (CPUID.01H:ECX.SSE4_1[bit 19]).
        has_sse41 = false;
        /// SSE4.2 (CPUID.01H:ECX.SSE4_2[bit 20]).
        has_sse42 = false;
        /// POPCNT (CPUID.01H:ECX.POPCNT[bit 23]).
        has_popcnt = false;
        /// CMPXCHG16B (CPUID.01H:ECX.CMPXCHG16B[bit 13]).
        has_cmpxchg16b = false;
        /// AVX (CPUID.01H:ECX.AVX[bit 28]); enables VEX encodings.
        has_avx = false;
        /// AVX2 (CPUID.07H:EBX.AVX2[bit 5]).
        has_avx2 = false;
        /// FMA3 (CPUID.01H:ECX.FMA[bit 12]).
        has_fma = false;
        /// BMI1 (CPUID.07H:EBX.BMI1[bit 3]): andn, blsi, blsr, tzcnt, ...
        has_bmi1 = false;
        /// BMI2 (CPUID.07H:EBX.BMI2[bit 8]): shlx, sarx, shrx, rorx, ...
        has_bmi2 = false;
        /// LZCNT (CPUID.80000001H:ECX.ABM[bit 5]).
        has_lzcnt = false;
        /// AVX-512 Foundation (CPUID.07H:EBX.AVX512F[bit 16]).
        has_avx512f = false;
        /// AVX-512 doubleword and quadword instructions (CPUID.07H:EBX.AVX512DQ[bit 17]).
        has_avx512dq = false;
        /// AVX-512 vector length extensions (CPUID.07H:EBX.AVX512VL[bit 31]).
        has_avx512vl = false;
        /// AVX-512 bit algorithms (CPUID.07H:ECX.AVX512_BITALG[bit 12]).
        has_avx512bitalg = false;
        /// AVX-512 vector byte manipulation (CPUID.07H:ECX.AVX512_VBMI[bit 1]).
        has_avx512vbmi = false;
        /// AVX-512 vector neural network instructions (CPUID.07H:ECX.AVX512_VNNI[bit 11]).
        has_avx512vnni = false;
        /// AVX (VEX-encoded) vector neural network instructions (CPUID.(07H,1):EAX.AVX_VNNI[bit 4]).
        has_avx_vnni = false;
    }
    nums {}
    enums {}
    presets {
        /// SSE3.
        "sse3" = ["has_sse3"];
        /// SSSE3 and below.
        "ssse3" = ["sse3", "has_ssse3"];
        /// SSE4.1 and below.
        "sse41" = ["ssse3", "has_sse41"];
        /// SSE4.2 and below.
        "sse42" = ["sse41", "has_sse42"];
        /// No extension: x86-64 with SSE2.
        "baseline" = [];
        /// x86-64 baseline (same as `baseline`).
        "x86-64" = [];
        /// x86-64-v2 microarchitecture level.
        "x86-64-v2" = ["sse42", "has_cmpxchg16b", "has_popcnt"];
        /// x86-64-v3 microarchitecture level.
        "x86-64-v3" = ["x86-64-v2", "has_avx", "has_avx2", "has_fma", "has_bmi1", "has_bmi2", "has_lzcnt"];
        /// x86-64-v4 microarchitecture level.
        "x86-64-v4" = ["x86-64-v3", "has_avx512f", "has_avx512dq", "has_avx512vl"];
        /// Intel Nehalem.
        "nehalem" = ["sse42", "has_popcnt", "has_cmpxchg16b"];
        /// Intel Sandy Bridge.
        "sandybridge" = ["nehalem", "has_avx"];
        /// Intel Haswell.
        "haswell" = ["sandybridge", "has_avx2", "has_fma", "has_bmi1", "has_bmi2", "has_lzcnt"];
        /// Intel Broadwell.
        "broadwell" = ["haswell"];
        /// Intel Skylake (client; no AVX-512).
        "skylake" = ["broadwell"];
        /// Intel Cannon Lake.
        "cannonlake" = ["skylake", "has_avx512f", "has_avx512dq", "has_avx512vl", "has_avx512vbmi"];
        /// Intel Ice Lake (client).
        "icelake-client" = ["cannonlake", "has_avx512bitalg", "has_avx512vnni"];
        /// Intel Ice Lake (client; same as `icelake-client`).
        "icelake" = ["icelake-client"];
        /// Intel Ice Lake (server).
        "icelake-server" = ["icelake-client"];
        /// Intel Cascade Lake.
        "cascadelake" = ["skylake", "has_avx512f", "has_avx512dq", "has_avx512vl", "has_avx512vnni"];
        /// Intel Cooper Lake.
        "cooperlake" = ["cascadelake"];
        /// Intel Tiger Lake.
        "tigerlake" = ["icelake-client"];
        /// Intel Sapphire Rapids.
        "sapphirerapids" = ["icelake-server", "has_avx_vnni"];
        /// Intel Alder Lake (no AVX-512).
        "alderlake" = ["skylake", "has_avx_vnni"];
        /// AMD Zen 1.
        "znver1" = ["haswell"];
        /// AMD Zen 2.
        "znver2" = ["znver1"];
        /// AMD Zen 3.
        "znver3" = ["znver2"];
        /// AMD Zen 4.
        "znver4" = ["znver3", "has_avx512f", "has_avx512dq", "has_avx512vl", "has_avx512bitalg",
                    "has_avx512vbmi", "has_avx512vnni"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (target-line flags, features expected on, features expected off)
    const TABLE: &[(&str, &[&str], &[&str])] = &[
        ("", &[], &["has_sse3", "has_avx"]),
        (
            "sse41",
            &["has_sse3", "has_ssse3", "has_sse41"],
            &["has_sse42"],
        ),
        ("sse41 has_ssse3=false", &["has_sse41"], &["has_ssse3"]),
        ("has_avx=false has_fma=false", &[], &["has_avx", "has_fma"]),
        (
            "skylake",
            &[
                "has_sse42",
                "has_popcnt",
                "has_avx2",
                "has_bmi2",
                "has_lzcnt",
                "has_fma",
            ],
            &["has_avx512f"],
        ),
        (
            "x86-64-v3",
            &["has_cmpxchg16b", "has_avx2", "has_bmi1"],
            &["has_avx512f"],
        ),
        ("znver4", &["has_avx512vbmi", "has_avx2"], &["has_avx_vnni"]),
    ];

    #[test]
    fn target_line_flags() {
        for &(line, on, off) in TABLE {
            let mut b = Flags::builder();
            b.apply_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            for f in on {
                assert_eq!(b.raw(f), Some(1), "{line}: {f}");
            }
            for f in off {
                assert_eq!(b.raw(f), Some(0), "{line}: {f}");
            }
        }
        let mut b = Flags::builder();
        b.apply_line("has_avx2 has_fma").unwrap();
        let f = Flags::new(&b);
        assert!(f.has_avx2() && f.has_fma() && !f.has_avx());
    }

    #[test]
    fn table_well_formed() {
        assert_eq!(TEMPLATE.problems(), Vec::<String>::new());
    }
}
