//! Host-to-test trampolines, built as IR and compiled by the backend under test.
//!
//! The executor calls every trampoline the same way, `extern "C" fn(*mut u8)` (one
//! pointer argument in the native convention), whatever the callee's signature:
//!
//! ```text
//! function %__atoll_tramp_<n>(i64) system_v {
//!     sig0 = <callee's signature>
//!     fn0 = colocated %callee sig0
//! block0(v0: i64):
//!     v1 = load.<T0> notrap v0        ; argument i from slot i (offset 16 * i)
//!     ...
//!     vR.. = call fn0(v1, ...)
//!     store notrap vR0, v0            ; result j into slot j (offset 16 * j)
//!     ...
//!     return
//! }
//! ```
//!
//! Slots are 16 bytes so that a later `i128` or vector value fits; values sit at the
//! start of their slot in the target's byte order (little-endian everywhere here).
//! Because the trampoline is ordinary IR in the same text section, the call to the
//! callee is an ordinary colocated call: the buffer must have no relocation left, and
//! the callee's own calling convention is whatever the backend implements for it.
//!
//! The trampoline is written as CLIF text and parsed, which keeps this file short and
//! checks the text format at the same time; the result is verified before use.

use core::fmt::Write as _;

use atoll_codegen::ir::{CallConv, Function, Signature};
use atoll_codegen::text::parse_functions;

/// Size of one argument/result slot in the buffer, in bytes.
pub const SLOT_BYTES: usize = 16;

/// The name of the `n`th trampoline of a module (without `%`).
pub fn trampoline_name(n: usize) -> String {
    format!("__atoll_tramp_{n}")
}

/// Bytes of buffer a call through a trampoline to `sig` needs.
pub fn buffer_len(sig: &Signature) -> usize {
    SLOT_BYTES * sig.params.len().max(sig.returns.len()).max(1)
}

/// The trampoline `n` that calls `callee` (a function name as printed, e.g. `%f` or
/// `u0:3`) with signature `sig`, using the host's native convention `host_cc`.
///
/// Fails only if the text does not parse (a callee signature the text format cannot
/// express), which is reported with the construct.
pub fn build_trampoline(
    n: usize,
    callee: &str,
    sig: &Signature,
    host_cc: CallConv,
) -> Result<Function, String> {
    let text = trampoline_text(n, callee, sig, host_cc);
    let mut funcs =
        parse_functions(&text).map_err(|e| format!("trampoline for {callee}: {e}\n{text}"))?;
    match funcs.pop() {
        Some(f) if funcs.is_empty() => Ok(f),
        _ => Err(format!("trampoline for {callee}: expected one function")),
    }
}

/// The CLIF text of trampoline `n` (see the module documentation).
pub fn trampoline_text(n: usize, callee: &str, sig: &Signature, host_cc: CallConv) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "function %{}(i64) {host_cc} {{", trampoline_name(n));
    let _ = writeln!(s, "    sig0 = {sig}");
    let _ = writeln!(s, "    fn0 = colocated {callee} sig0");
    let _ = writeln!(s);
    let _ = writeln!(s, "block0(v0: i64):");
    let mut next = 1;
    let mut args = Vec::new();
    for (i, p) in sig.params.iter().enumerate() {
        let _ = writeln!(
            s,
            "    v{next} = load.{} notrap v0{}",
            p.value_type,
            offset(i)
        );
        args.push(format!("v{next}"));
        next += 1;
    }
    let results: Vec<String> = (0..sig.returns.len())
        .map(|j| format!("v{}", next + j))
        .collect();
    let call = format!("call fn0({})", args.join(", "));
    if results.is_empty() {
        let _ = writeln!(s, "    {call}");
    } else {
        let _ = writeln!(s, "    {} = {call}", results.join(", "));
    }
    for (j, r) in results.iter().enumerate() {
        let _ = writeln!(s, "    store notrap {r}, v0{}", offset(j));
    }
    let _ = writeln!(s, "    return");
    let _ = writeln!(s, "}}");
    s
}

fn offset(slot: usize) -> String {
    match slot {
        0 => String::new(),
        i => format!("+{}", i * SLOT_BYTES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atoll_codegen::ir::{AbiParam, ArgumentExtension, Type};
    use atoll_codegen::verifier::verify_function;

    fn sig(params: &[Type], returns: &[Type]) -> Signature {
        let mut s = Signature::new(CallConv::Fast);
        s.params = params.iter().map(|&t| AbiParam::new(t)).collect();
        s.returns = returns.iter().map(|&t| AbiParam::new(t)).collect();
        s
    }

    #[test]
    fn trampolines_verify_table() {
        use Type::*;
        let mut ext = sig(&[I8], &[I16]);
        ext.params[0].extension = ArgumentExtension::Sext;
        let cases = [
            sig(&[], &[]),
            sig(&[I32, I32], &[I32]),
            sig(&[I8, I16, I32, I64, F32, F64], &[F64]),
            sig(&[F32], &[I8, I64, F32]),
            sig(&[I64; 10], &[I64; 3]),
            ext,
        ];
        for (n, s) in cases.iter().enumerate() {
            let f = build_trampoline(n, "%callee", s, CallConv::SystemV).unwrap();
            if let Err(e) = verify_function(&f) {
                panic!("{s}: {e}\n{f}");
            }
            assert_eq!(f.signature.params.len(), 1);
            assert_eq!(f.signature.call_conv, CallConv::SystemV);
            assert_eq!(f.ext_funcs.values().next().map(|e| e.colocated), Some(true));
            assert_eq!(f.to_string().matches("load.").count(), s.params.len());
            assert_eq!(f.to_string().matches("store ").count(), s.returns.len());
        }
    }

    #[test]
    fn text_of_a_two_argument_trampoline() {
        let text = trampoline_text(
            3,
            "%add",
            &sig(&[Type::I32, Type::F64], &[Type::I32]),
            CallConv::SystemV,
        );
        let want = "function %__atoll_tramp_3(i64) system_v {
    sig0 = (i32, f64) -> i32 fast
    fn0 = colocated %add sig0

block0(v0: i64):
    v1 = load.i32 notrap v0
    v2 = load.f64 notrap v0+16
    v3 = call fn0(v1, v2)
    store notrap v3, v0
    return
}
";
        assert_eq!(text, want);
        assert_eq!(buffer_len(&sig(&[Type::I32, Type::F64], &[Type::I32])), 32);
    }
}
