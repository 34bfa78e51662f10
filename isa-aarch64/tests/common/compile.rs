//! Compile one CLIF function through the AArch64 `TargetIsa` (the whole pipeline,
//! with regalloc2's checker on), for the execution tests.

use atoll_codegen::ir::Function;
use atoll_codegen::isa::TargetIsa;
use atoll_codegen::settings::Flags;
use atoll_isa_aarch64::Aarch64Backend;

/// The backend the execution tests use.
pub fn backend() -> Aarch64Backend {
    let mut b = Flags::builder();
    b.set("regalloc_checker", Some("true"))
        .expect("known setting");
    let triple = "aarch64-unknown-linux-gnu".parse().expect("valid triple");
    Aarch64Backend::new(triple, Flags::new(&b), Default::default())
}

/// Machine code of `f`, or why it could not be compiled. A function that calls
/// others needs a text section, so it is refused here.
pub fn compile_clif(f: &Function) -> Result<Vec<u8>, String> {
    let c = backend().compile_function(f).map_err(|e| e.to_string())?;
    if !c.relocs.is_empty() {
        return Err("calls other functions (needs a text section)".into());
    }
    Ok(c.code)
}
