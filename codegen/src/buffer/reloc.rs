//! Relocation kinds recorded by emitters for references the buffer cannot resolve
//! itself (calls to other functions, symbols in object mode).

/// Addend of a relocation, in bytes.
pub type Addend = i64;

/// A relocation kind. Names follow the ISA and the width of the patched field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reloc {
    /// Absolute 8-byte address.
    Abs8,
    /// Absolute 4-byte address.
    Abs4,
    /// x86 `call`/`jmp` rel32 (PC = end of the 4-byte field; addend usually -4).
    X86CallPCRel4,
    /// x86 RIP-relative 4-byte displacement.
    X86PCRel4,
    /// AArch64 `bl`/`b` imm26.
    Arm64Call,
    /// A32 `bl`/`b` imm24.
    Arm32Call,
}
