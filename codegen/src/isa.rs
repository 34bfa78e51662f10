//! The one trait object of the code generator: a configured target.
//!
//! An ISA crate implements [`TargetIsa`] for its backend; the root crate's
//! `atoll::isa::lookup` builds one from a target name and settings. Everything a
//! driver (the CLI, the filetest runner, the wasm frontend) needs from a backend goes
//! through this trait, so drivers never name an ISA's types.
//!
//! Flow: `compile_function` for each IR function (independent, can run in parallel)
//! → `build_text_section` over all of them (one section, calls between them resolved,
//! islands and veneers placed) → an image or object file.

use core::fmt;

use target_lexicon::Triple;

use crate::buffer::{Addend, CodeOffset, Reloc, TextSection, TextSectionError};
use crate::ir::{self, ExternalName, TrapCode};
use crate::settings::Flags;
use crate::testing::DisasmArch;

/// A relocation left in a compiled function: a reference to another function or a
/// symbol, resolved by the text-section builder (colocated calls) or written into an
/// object file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionReloc {
    /// Offset of the patched field from the start of the function.
    pub offset: CodeOffset,
    pub kind: Reloc,
    pub target: ExternalName,
    pub addend: Addend,
    /// Whether the callee is declared `colocated` (same text section, PC-relative).
    pub colocated: bool,
}

/// The machine code of one function, before it is placed in a text section.
#[derive(Clone, Debug, Default)]
pub struct CompiledFunction {
    /// Encoded bytes: body, then the function's own islands and constant pools.
    pub code: Vec<u8>,
    /// Required alignment of the function's start, in bytes.
    pub alignment: CodeOffset,
    pub relocs: Vec<FunctionReloc>,
    /// Offset of each trapping instruction and its code.
    pub traps: Vec<(CodeOffset, TrapCode)>,
    /// Total frame size in bytes (for statistics and tests).
    pub frame_size: u32,
    /// The register-allocated machine code listing, one instruction per line, as
    /// `test compile precise-output` prints it.
    pub listing: String,
}

/// Why a function could not be compiled. Each message names the construct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodegenError {
    /// The IR failed verification (the verifier's messages, one per line).
    Verifier(String),
    /// The IR uses something this backend does not implement
    /// (an opcode for a type, a calling convention, ...).
    Unsupported(String),
    /// The function needs more stack or code than the target allows.
    ImplLimitExceeded(String),
    /// Register allocation failed (or its checker found an error).
    Regalloc(String),
    /// The text section could not be built (an unresolvable call, ...).
    TextSection(TextSectionError),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Verifier(m) => write!(f, "verifier errors:\n{m}"),
            CodegenError::Unsupported(m) => write!(f, "unsupported: {m}"),
            CodegenError::ImplLimitExceeded(m) => write!(f, "implementation limit exceeded: {m}"),
            CodegenError::Regalloc(m) => write!(f, "register allocation failed: {m}"),
            CodegenError::TextSection(e) => write!(f, "text section: {e}"),
        }
    }
}

impl std::error::Error for CodegenError {}

impl From<TextSectionError> for CodegenError {
    fn from(e: TextSectionError) -> Self {
        CodegenError::TextSection(e)
    }
}

/// A function of a module, as the text-section builder sees it.
pub struct ModuleFunction<'a> {
    /// Its name (what `FunctionReloc::target` of colocated calls refers to).
    pub name: &'a ExternalName,
    pub compiled: &'a CompiledFunction,
}

/// A text section plus the relocations that stay (calls to non-colocated symbols,
/// which only an object file can express; a loaded image must have none).
#[derive(Clone, Debug)]
pub struct ModuleText {
    pub section: TextSection,
    /// Relocations left, with offsets from the start of the section.
    pub relocs: Vec<FunctionReloc>,
    /// Trap records of all functions, with section offsets, sorted by offset.
    pub traps: Vec<(CodeOffset, TrapCode)>,
}

/// A configured code generator for one target.
pub trait TargetIsa: Send + Sync {
    /// Short name: `x86_64`, `aarch64` or `arm`.
    fn name(&self) -> &'static str;

    /// The full target triple.
    fn triple(&self) -> &Triple;

    /// The shared settings this target was configured with.
    fn flags(&self) -> &Flags;

    /// The ISA-specific settings, printed as `name=value` pairs (for listings).
    fn isa_flags_text(&self) -> Vec<String>;

    /// Minimum alignment of a function's start.
    fn function_alignment(&self) -> CodeOffset;

    /// The native calling convention of this target (`system_v`, `aapcs`).
    fn default_call_conv(&self) -> ir::CallConv;

    /// Which disassembler understands this target's bytes.
    fn disasm_arch(&self) -> DisasmArch;

    /// Compile one function (verifying it first when `enable_verifier` is set).
    fn compile_function(&self, func: &ir::Function) -> Result<CompiledFunction, CodegenError>;

    /// Place all functions of a module into one text section, in order, resolving
    /// colocated calls between them (through islands and veneers when out of range).
    /// A colocated call to a name that is not among `funcs` is an error.
    fn build_text_section(&self, funcs: &[ModuleFunction<'_>]) -> Result<ModuleText, CodegenError>;
}
