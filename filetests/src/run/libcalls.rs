//! Libcalls that Cranelift's run-test harness supplies from the host, supplied here as
//! IR in the same text section instead.
//!
//! A test file may call `%CeilF32` and friends without defining them (Cranelift links
//! them to host functions). A relocation to the host would break the zero-relocation
//! rule, so when a file calls one of these names without defining it, the module gets
//! a small CLIF function with that name that does the same thing with the IR opcode
//! (`ceil`, `floor`, `trunc`, `nearest`), in the callee's own signature and calling
//! convention, so the call resolves like any other colocated call.

use atoll_codegen::ir::{ExternalName, Function, Signature, Type};
use atoll_codegen::text::parse_functions;

/// `(name, opcode, type)` of every libcall supplied.
const LIBCALLS: &[(&str, &str, Type)] = &[
    ("CeilF32", "ceil", Type::F32),
    ("CeilF64", "ceil", Type::F64),
    ("FloorF32", "floor", Type::F32),
    ("FloorF64", "floor", Type::F64),
    ("TruncF32", "trunc", Type::F32),
    ("TruncF64", "trunc", Type::F64),
    ("NearestF32", "nearest", Type::F32),
    ("NearestF64", "nearest", Type::F64),
];

/// The function implementing libcall `name` as declared with `sig`, or `None` when
/// `name` is not a libcall we supply or `sig` is not its `(T) -> T`.
pub fn libcall_function(name: &ExternalName, sig: &Signature) -> Option<Function> {
    let ExternalName::TestCase(n) = name else {
        return None;
    };
    let &(_, opcode, ty) = LIBCALLS.iter().find(|(l, _, _)| l == n)?;
    let unary = |ps: &[atoll_codegen::ir::AbiParam]| ps.len() == 1 && ps[0].value_type == ty;
    if !unary(&sig.params) || !unary(&sig.returns) {
        return None;
    }
    let text = format!(
        "function %{n}{sig} {{\nblock0(v0: {ty}):\n    v1 = {opcode} v0\n    return v1\n}}\n"
    );
    parse_functions(&text).ok()?.pop()
}

#[cfg(test)]
mod tests {
    use super::*;
    use atoll_codegen::ir::{AbiParam, CallConv};
    use atoll_codegen::verifier::verify_function;

    fn sig(ty: Type) -> Signature {
        let mut s = Signature::new(CallConv::SystemV);
        s.params.push(AbiParam::new(ty));
        s.returns.push(AbiParam::new(ty));
        s
    }

    #[test]
    fn every_libcall_builds_and_verifies() {
        for &(name, opcode, ty) in LIBCALLS {
            let f = libcall_function(&ExternalName::TestCase(name.into()), &sig(ty)).unwrap();
            verify_function(&f).unwrap();
            assert_eq!(f.name, ExternalName::TestCase(name.into()));
            assert!(f.to_string().contains(&format!("= {opcode} v0")), "{f}");
        }
    }

    #[test]
    fn others_are_not_libcalls() {
        let ceil = ExternalName::TestCase("CeilF32".into());
        assert!(
            libcall_function(&ExternalName::TestCase("puts".into()), &sig(Type::F32)).is_none()
        );
        assert!(libcall_function(&ceil, &sig(Type::F64)).is_none());
        assert!(libcall_function(
            &ExternalName::User {
                namespace: 0,
                index: 1
            },
            &sig(Type::F32)
        )
        .is_none());
    }
}
