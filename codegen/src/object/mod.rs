//! ELF relocatable objects from a finished text section.
//!
//! ```text
//! ModuleText (one .text, colocated calls resolved) + the functions' names and sizes
//!   --write_elf--> .o: .text, one global FUNC symbol per function (value = its
//!                  offset, size = its code bytes), an undefined symbol and a
//!                  relocation per call that stayed unresolved, .note.GNU-stack
//! ```
//!
//! Only calls to non-colocated symbols survive the text-section builder; those become
//! ELF relocations here (`R_X86_64_PLT32`, `R_AARCH64_CALL26`, `R_ARM_CALL`) so that
//! GNU `ld` links the object with C code. A relocation naming a function of the
//! section is bound to that function's (defined) symbol, anything else to an
//! undefined global symbol of the same name.
//!
//! The `.note.GNU-stack` section (empty, no flags) tells the linker the code needs no
//! executable stack. 32-bit Arm objects carry the EABI version 5 hard-float flags so
//! they link with `arm-linux-gnueabihf` C objects; Arm relocations are REL (implicit
//! addend), so the addend is written into the `bl` instruction's `imm24` field.

use core::fmt;

use object::write::{Object, Relocation, StandardSegment, Symbol, SymbolId, SymbolSection};
use object::{
    elf, Architecture, BinaryFormat, Endianness, FileFlags, RelocationFlags, SectionKind,
    SymbolFlags, SymbolKind, SymbolScope,
};
use target_lexicon::Triple;

use crate::buffer::{CodeOffset, Reloc};
use crate::ir::ExternalName;
use crate::isa::{FunctionReloc, ModuleFunction, ModuleText};

/// Why an object could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectError {
    /// The triple's architecture is not one Atoll writes objects for.
    UnsupportedArchitecture(String),
    /// A relocation kind that has no ELF equivalent on this architecture.
    UnsupportedReloc {
        kind: Reloc,
        arch: &'static str,
        offset: CodeOffset,
    },
    /// The names do not match the section (`functions` given, `offsets` in section).
    FunctionCountMismatch { functions: usize, offsets: usize },
    /// A relocation's field lies outside the section's bytes.
    RelocOutOfBounds { offset: CodeOffset },
    /// The `object` crate refused the model.
    Write(String),
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectError::UnsupportedArchitecture(a) => {
                write!(f, "cannot write ELF objects for architecture {a}")
            }
            ObjectError::UnsupportedReloc { kind, arch, offset } => {
                write!(
                    f,
                    "relocation {kind:?} at {offset:#x} has no ELF form on {arch}"
                )
            }
            ObjectError::FunctionCountMismatch { functions, offsets } => {
                write!(
                    f,
                    "{functions} function name(s) for a text section of {offsets} function(s)"
                )
            }
            ObjectError::RelocOutOfBounds { offset } => {
                write!(f, "relocation at {offset:#x} lies outside .text")
            }
            ObjectError::Write(m) => write!(f, "writing the object failed: {m}"),
        }
    }
}

impl std::error::Error for ObjectError {}

/// The ELF symbol name of a function: `%name` → `name`, `u1:2` → `u1_2`.
pub fn symbol_name(name: &ExternalName) -> String {
    match name {
        ExternalName::TestCase(s) => s.clone(),
        ExternalName::User { namespace, index } => format!("u{namespace}_{index}"),
    }
}

/// The architecture of `triple` as this writer names it.
fn arch_of(triple: &Triple) -> Result<(Architecture, &'static str), ObjectError> {
    match triple.architecture {
        target_lexicon::Architecture::X86_64 | target_lexicon::Architecture::X86_64h => {
            Ok((Architecture::X86_64, "x86_64"))
        }
        target_lexicon::Architecture::Aarch64(_) => Ok((Architecture::Aarch64, "aarch64")),
        target_lexicon::Architecture::Arm(_) => Ok((Architecture::Arm, "arm")),
        other => Err(ObjectError::UnsupportedArchitecture(other.to_string())),
    }
}

/// The ELF relocation type for `kind` on `arch`.
fn elf_reloc(arch: Architecture, kind: Reloc) -> Option<elf::RelocationType> {
    Some(match (arch, kind) {
        (Architecture::X86_64, Reloc::X86CallPCRel4) => elf::R_X86_64_PLT32,
        (Architecture::X86_64, Reloc::X86PCRel4) => elf::R_X86_64_PC32,
        (Architecture::X86_64, Reloc::Abs8) => elf::R_X86_64_64,
        (Architecture::X86_64, Reloc::Abs4) => elf::R_X86_64_32,
        (Architecture::Aarch64, Reloc::Arm64Call) => elf::R_AARCH64_CALL26,
        (Architecture::Aarch64, Reloc::Abs8) => elf::R_AARCH64_ABS64,
        (Architecture::Arm, Reloc::Arm32Call) => elf::R_ARM_CALL,
        (Architecture::Arm, Reloc::Abs4) => elf::R_ARM_ABS32,
        _ => return None,
    })
}

/// Writes `text` (built from `funcs`, in the same order) as an ELF relocatable object
/// for `triple`.
pub fn write_elf(
    triple: &Triple,
    text: &ModuleText,
    funcs: &[ModuleFunction<'_>],
) -> Result<Vec<u8>, ObjectError> {
    let (arch, arch_name) = arch_of(triple)?;
    let offsets = &text.section.function_offsets;
    if offsets.len() != funcs.len() {
        return Err(ObjectError::FunctionCountMismatch {
            functions: funcs.len(),
            offsets: offsets.len(),
        });
    }
    let mut obj = Object::new(BinaryFormat::Elf, arch, Endianness::Little);
    if arch == Architecture::Arm {
        obj.flags = FileFlags::Elf {
            os_abi: elf::ELFOSABI_NONE,
            abi_version: 0,
            e_flags: elf::EF_ARM_EABI_VER5 | elf::FileFlags(elf::EF_ARM_ABI_FLOAT_HARD),
        };
    }
    let mut code = text.section.code.clone();
    // Arm REL relocations keep their addend in the instruction.
    if arch == Architecture::Arm {
        for r in &text.relocs {
            if r.kind == Reloc::Arm32Call {
                put_arm_imm24(&mut code, r)?;
            }
        }
    }
    let text_id = obj.add_section(
        obj.segment_name(StandardSegment::Text).to_vec(),
        b".text".to_vec(),
        SectionKind::Text,
    );
    obj.set_section_data(text_id, code, 16);
    obj.add_section(Vec::new(), b".note.GNU-stack".to_vec(), SectionKind::Other);

    let mut defined: Vec<(ExternalName, SymbolId)> = Vec::with_capacity(funcs.len());
    for (f, &offset) in funcs.iter().zip(offsets) {
        let id = obj.add_symbol(Symbol {
            name: symbol_name(f.name).into_bytes(),
            value: offset,
            size: f.compiled.code.len() as u64,
            kind: SymbolKind::Text,
            scope: SymbolScope::Dynamic,
            weak: false,
            section: SymbolSection::Section(text_id),
            flags: SymbolFlags::None,
        });
        defined.push((f.name.clone(), id));
    }
    let mut undefined: Vec<(ExternalName, SymbolId)> = Vec::new();
    for r in &text.relocs {
        let r_type = elf_reloc(arch, r.kind).ok_or(ObjectError::UnsupportedReloc {
            kind: r.kind,
            arch: arch_name,
            offset: r.offset,
        })?;
        let symbol = match defined
            .iter()
            .chain(&undefined)
            .find(|(n, _)| *n == r.target)
        {
            Some(&(_, id)) => id,
            None => {
                let id = obj.add_symbol(Symbol {
                    name: symbol_name(&r.target).into_bytes(),
                    value: 0,
                    size: 0,
                    kind: SymbolKind::Unknown,
                    scope: SymbolScope::Dynamic,
                    weak: false,
                    section: SymbolSection::Undefined,
                    flags: SymbolFlags::None,
                });
                undefined.push((r.target.clone(), id));
                id
            }
        };
        let addend = if arch == Architecture::Arm {
            0
        } else {
            r.addend
        };
        obj.add_relocation(
            text_id,
            Relocation {
                offset: r.offset,
                symbol,
                addend,
                flags: RelocationFlags::Elf { r_type },
            },
        )
        .map_err(|e| ObjectError::Write(e.to_string()))?;
    }
    obj.write().map_err(|e| ObjectError::Write(e.to_string()))
}

/// Writes `r.addend` (bytes, relative to the instruction) into the `imm24` field of the
/// A32 `bl` at `r.offset`, as REL relocations expect.
fn put_arm_imm24(code: &mut [u8], r: &FunctionReloc) -> Result<(), ObjectError> {
    let at = usize::try_from(r.offset)
        .ok()
        .filter(|&o| o + 4 <= code.len());
    let at = at.ok_or(ObjectError::RelocOutOfBounds { offset: r.offset })?;
    let mut word = u32::from_le_bytes([code[at], code[at + 1], code[at + 2], code[at + 3]]);
    word = (word & 0xff00_0000) | (((r.addend >> 2) as u32) & 0x00ff_ffff);
    code[at..at + 4].copy_from_slice(&word.to_le_bytes());
    Ok(())
}

#[cfg(test)]
mod tests;
