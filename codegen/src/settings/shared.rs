//! The shared settings group: flags every ISA reads.
//!
//! Names, meanings and defaults follow Cranelift's shared flags, so CLIF `set` lines
//! written for Cranelift are understood here; `padding_between_functions` and
//! `force_veneers` are Atoll's own test knobs for the text-section builder.

crate::define_settings! {
    group "shared";
    bools {
        /// Run the IR verifier before and after passes.
        enable_verifier = true;
        /// Run regalloc2's checker on every allocation (slow; for testing).
        regalloc_checker = false;
        /// Let regalloc2 log verbosely.
        regalloc_verbose_logs = false;
        /// Use alias analysis to forward and eliminate redundant loads.
        enable_alias_analysis = true;
        /// Emit position-independent code.
        is_pic = false;
        /// Assume libcalls are in the same image and reachable by a direct relative call.
        use_colocated_libcalls = false;
        /// Enable floating-point instructions.
        enable_float = true;
        /// Canonicalize NaNs produced by float arithmetic (for deterministic results).
        enable_nan_canonicalization = false;
        /// Reserve one register of the ISA for `get_pinned_reg`/`set_pinned_reg`.
        enable_pinned_reg = false;
        /// Enable atomic instructions.
        enable_atomics = true;
        /// Support types and calling conventions beyond what the native ABI defines (i128 args, ...).
        enable_llvm_abi_extensions = false;
        /// Return values that do not fit in registers through an implicit struct-return pointer.
        enable_multi_ret_implicit_sret = false;
        /// Generate unwind information (.eh_frame) for each function.
        unwind_info = true;
        /// Keep a frame pointer in every function, including leaves.
        preserve_frame_pointers = false;
        /// Record basic-block boundaries and edges of the emitted machine code.
        machine_code_cfg_info = false;
        /// Probe the stack page by page when a frame is larger than one probe interval.
        enable_probestack = false;
        /// The outline probestack function adjusts the stack pointer itself.
        probestack_func_adjusts_sp = false;
        /// Lower `br_table` to jump tables (otherwise to a compare-and-branch chain).
        enable_jump_tables = true;
        /// Guard heap bounds checks against speculative out-of-bounds accesses.
        enable_heap_access_spectre_mitigation = true;
        /// Guard table bounds checks against speculative out-of-bounds accesses.
        enable_table_access_spectre_mitigation = true;
        /// Cross-check incremental-compilation cache hits (slow; for testing).
        enable_incremental_compilation_cache_checks = false;
        /// Run proof-carrying-code checks on memory accesses (for testing).
        enable_pcc = false;
        /// Emit all-ones function addresses in place of relocations (for testing).
        emit_all_ones_funcaddrs = false;
        /// Route every call between functions of a text section through a veneer, so veneers are exercised by small tests.
        force_veneers = false;
    }
    nums {
        /// Bytes of padding the text-section builder puts after each function, so tests can push calls out of direct range.
        padding_between_functions: u64 = 0, range 0, u64::MAX;
        /// When non-zero, 2^(n-1) bytes of no-op padding after every basic block (pushes branches out of range to test islands and veneers); 0 means none.
        bb_padding_log2_minus_one: u8 = 0, range 0, 32;
        /// Log2 of the minimum alignment of each function, in bytes.
        log2_min_function_alignment: u8 = 0, range 0, 16;
        /// Log2 of the stack probe interval in bytes (12 = 4 KiB pages).
        probestack_size_log2: u8 = 12, range 0, 31;
    }
    enums {
        /// Optimization level: `none` (fast compile), `speed`, or `speed_and_size`.
        opt_level: OptLevel = None { None = "none", Speed = "speed", SpeedAndSize = "speed_and_size" };
        /// Register allocator: regalloc2's `backtracking` (better code) or `single_pass` (faster compile).
        regalloc_algorithm: RegallocAlgorithm = Backtracking { Backtracking = "backtracking", SinglePass = "single_pass" };
        /// How stack probes are emitted: a call to an `outline` function or an `inline` loop.
        probestack_strategy: ProbestackStrategy = Outline { Outline = "outline", Inline = "inline" };
        /// Calling convention of calls to libcalls.
        libcall_call_conv: LibcallCallConv = IsaDefault {
            IsaDefault = "isa_default", Fast = "fast", Cold = "cold", SystemV = "system_v",
            WindowsFastcall = "windows_fastcall", AppleAarch64 = "apple_aarch64", Probestack = "probestack",
        };
        /// How stack switching (`stack_switch`) saves and restores stack state.
        stack_switch_model: StackSwitchModel = None { None = "none", Basic = "basic", UpdateWindowsTib = "update_windows_tib" };
        /// Thread-local storage model.
        tls_model: TlsModel = None { None = "none", ElfGd = "elf_gd", Macho = "macho", Coff = "coff" };
    }
    presets {}
}
