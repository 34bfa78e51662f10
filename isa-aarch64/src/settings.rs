//! AArch64 ISA settings: architecture extensions the backend may use, and
//! pointer-authentication / branch-target-identification code generation choices.
//!
//! Every extension defaults to off (plain Armv8.0-A). Names follow Cranelift's
//! AArch64 flags, so CLIF `target aarch64 ...` lines written for Cranelift are
//! understood.

atoll_codegen::define_settings! {
    group "aarch64";
    bools {
        /// Large System Extensions (FEAT_LSE): single-instruction atomics (ldadd, cas, swp, ...).
        has_lse = false;
        /// Pointer authentication (FEAT_PAuth): allows non-HINT pauth instructions such as `retaa`.
        has_pauth = false;
        /// Half-precision floating point (FEAT_FP16).
        has_fp16 = false;
        /// Dot product instructions (FEAT_DotProd): sdot, udot.
        has_dotprod = false;
        /// Int8 matrix multiplication (FEAT_I8MM).
        has_i8mm = false;
        /// Sign return addresses with pointer authentication (paciasp/autiasp) in functions that spill the link register.
        sign_return_address = false;
        /// With `sign_return_address`, sign the return address in every function, leaves included.
        sign_return_address_all = false;
        /// With `sign_return_address`, use the B key instead of the A key.
        sign_return_address_with_bkey = false;
        /// Emit Branch Target Identification landing pads (`bti`) at indirect-branch targets.
        use_bti = false;
        /// Emit a consumption of speculative data barrier (`csdb`) after Spectre-guarded selects.
        use_csdb = false;
    }
    nums {}
    enums {}
    presets {
        /// Armv8.1-A: adds LSE.
        "armv8.1-a" = ["has_lse"];
        /// Armv8.2-A with FP16 and dot product (e.g. Cortex-A76, Neoverse N1).
        "neoverse-n1" = ["armv8.1-a", "has_fp16", "has_dotprod"];
        /// Apple M1: Armv8.5-A features with pointer authentication.
        "apple-m1" = ["neoverse-n1", "has_pauth", "has_i8mm"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_line_flags() {
        // (target-line flags, features expected on)
        let table: &[(&str, &[&str])] = &[
            (
                "sign_return_address sign_return_address_with_bkey has_pauth",
                &[
                    "sign_return_address",
                    "sign_return_address_with_bkey",
                    "has_pauth",
                ],
            ),
            ("use_bti use_csdb", &["use_bti", "use_csdb"]),
            ("has_lse", &["has_lse"]),
            (
                "apple-m1",
                &[
                    "has_lse",
                    "has_fp16",
                    "has_dotprod",
                    "has_pauth",
                    "has_i8mm",
                ],
            ),
        ];
        for &(line, on) in table {
            let mut b = Flags::builder();
            b.apply_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            for f in on {
                assert_eq!(b.raw(f), Some(1), "{line}: {f}");
            }
        }
        let f = Flags::default();
        assert!(!f.has_lse() && !f.sign_return_address());
    }

    #[test]
    fn table_well_formed() {
        assert_eq!(TEMPLATE.problems(), Vec::<String>::new());
    }
}
