//! 32-bit Arm (A32) ISA settings: architecture features the backend may use.
//!
//! The baseline is Armv7-A with VFPv3-D16 and the hard-float ABI (Debian's `armhf`),
//! so `has_v7` and `has_vfp3` default to on; NEON and the integer divide
//! instructions are optional on Armv7-A cores and default to off.

atoll_codegen::define_settings! {
    group "arm32";
    bools {
        /// Armv7-A instructions (movw/movt, ...); off means Armv6.
        has_v7 = true;
        /// Armv8-A AArch32 instructions (vcvta/vrint*, vsel, ...).
        has_v8 = false;
        /// VFPv3 floating point with at least 16 double registers.
        has_vfp3 = true;
        /// 32 double-precision registers (VFPv3-D32) rather than 16.
        has_d32 = false;
        /// Advanced SIMD (NEON); implies 32 double registers.
        has_neon = false;
        /// Hardware integer division in A32 (sdiv/udiv); otherwise division calls a helper.
        has_idiv = false;
    }
    nums {}
    enums {}
    presets {
        /// Cortex-A7/A15 class cores: NEON and integer divide.
        "cortex-a15" = ["has_v7", "has_vfp3", "has_d32", "has_neon", "has_idiv"];
        /// Cortex-A53/A72 running in AArch32 state.
        "armv8-a" = ["cortex-a15", "has_v8"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_line_flags() {
        // (target-line flags, features expected on, features expected off)
        let table: &[(&str, &[&str], &[&str])] = &[
            ("", &["has_v7", "has_vfp3"], &["has_idiv", "has_neon"]),
            ("has_idiv", &["has_idiv"], &["has_neon"]),
            (
                "armv8-a",
                &["has_v8", "has_neon", "has_idiv", "has_d32"],
                &[],
            ),
        ];
        for &(line, on, off) in table {
            let mut b = Flags::builder();
            b.apply_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            for f in on {
                assert_eq!(b.raw(f), Some(1), "{line}: {f}");
            }
            for f in off {
                assert_eq!(b.raw(f), Some(0), "{line}: {f}");
            }
        }
        assert!(Flags::default().has_vfp3());
    }

    #[test]
    fn table_well_formed() {
        assert_eq!(TEMPLATE.problems(), Vec::<String>::new());
    }
}
