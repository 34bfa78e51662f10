//! Round trips: write an object, read it back with `object`'s reader, compare.

use super::*;
use crate::buffer::{TextSection, TextSectionStats};
use crate::isa::CompiledFunction;
use core::str::FromStr;
use object::read::{Object as _, ObjectSection as _, ObjectSymbol as _};
use object::RelocationTarget;

fn module(code: Vec<u8>, offsets: Vec<u64>, relocs: Vec<FunctionReloc>) -> ModuleText {
    ModuleText {
        section: TextSection {
            code,
            function_offsets: offsets,
            islands: Vec::new(),
            stats: TextSectionStats::default(),
        },
        relocs,
        traps: Vec::new(),
    }
}

fn reloc(offset: u64, kind: Reloc, target: &str, addend: i64) -> FunctionReloc {
    FunctionReloc {
        offset,
        kind,
        target: ExternalName::TestCase(target.into()),
        addend,
        colocated: false,
    }
}

fn compiled(len: usize) -> CompiledFunction {
    CompiledFunction {
        code: vec![0; len],
        ..CompiledFunction::default()
    }
}

/// (triple, code, relocation kind, expected ELF type, e_machine)
#[test]
fn round_trip_table() {
    let cases = [
        (
            "x86_64-unknown-linux-gnu",
            Reloc::X86CallPCRel4,
            elf::R_X86_64_PLT32,
            -4i64,
            elf::EM_X86_64,
        ),
        (
            "aarch64-unknown-linux-gnu",
            Reloc::Arm64Call,
            elf::R_AARCH64_CALL26,
            0,
            elf::EM_AARCH64,
        ),
        (
            "armv7-unknown-linux-gnueabihf",
            Reloc::Arm32Call,
            elf::R_ARM_CALL,
            -8,
            elf::EM_ARM,
        ),
    ];
    for (triple, kind, r_type, addend, machine) in cases {
        let triple = Triple::from_str(triple).unwrap();
        let names = [
            ExternalName::TestCase("f".into()),
            ExternalName::User {
                namespace: 0,
                index: 1,
            },
        ];
        let (c0, c1) = (compiled(8), compiled(8));
        let funcs = [
            ModuleFunction {
                name: &names[0],
                compiled: &c0,
            },
            ModuleFunction {
                name: &names[1],
                compiled: &c1,
            },
        ];
        // Two calls to `ext` (one undefined symbol) and one to `f` (bound to its definition).
        let relocs = vec![
            reloc(4, kind, "ext", addend),
            reloc(16, kind, "ext", addend),
            reloc(20, kind, "f", addend),
        ];
        let text = module(vec![0; 24], vec![0, 16], relocs);
        let bytes = write_elf(&triple, &text, &funcs).unwrap();

        let file = object::File::parse(&*bytes).unwrap();
        assert_eq!(file.format(), BinaryFormat::Elf);
        let e_machine = u16::from_le_bytes([bytes[18], bytes[19]]);
        assert_eq!(e_machine, machine.0, "{triple}");
        let text_sec = file.section_by_name(".text").unwrap();
        assert_eq!(text_sec.size(), 24);
        assert!(file.section_by_name(".note.GNU-stack").is_some());

        let syms: Vec<_> = file
            .symbols()
            .filter(|s| !s.name().unwrap_or("").is_empty())
            .collect();
        let find = |n: &str| {
            syms.iter()
                .find(|s| s.name() == Ok(n))
                .unwrap_or_else(|| panic!("{triple}: no {n}"))
        };
        let f = find("f");
        assert_eq!(
            (f.address(), f.size(), f.kind(), f.is_global()),
            (0, 8, object::SymbolKind::Text, true)
        );
        // Default visibility: the symbols can be exported from a shared object too.
        assert_eq!(f.scope(), object::SymbolScope::Dynamic);
        let u = find("u0_1");
        assert_eq!((u.address(), u.size()), (16, 8));
        assert!(find("ext").is_undefined());
        assert_eq!(syms.iter().filter(|s| s.name() == Ok("ext")).count(), 1);

        let rels: Vec<_> = text_sec.relocations().collect();
        assert_eq!(rels.len(), 3, "{triple}");
        for (off, rel) in &rels {
            assert_eq!(
                rel.flags(),
                RelocationFlags::Elf { r_type },
                "{triple} at {off}"
            );
            let RelocationTarget::Symbol(id) = rel.target() else {
                panic!("{triple}: not a symbol")
            };
            let name = file
                .symbol_by_index(id)
                .unwrap()
                .name()
                .unwrap()
                .to_string();
            assert_eq!(name, if *off == 20 { "f" } else { "ext" });
        }
        if machine == elf::EM_ARM {
            // The implicit addend -8 sits in imm24 as -2 words.
            let data = text_sec.data().unwrap();
            assert_eq!(&data[4..7], &[0xfe, 0xff, 0xff]);
        } else {
            assert_eq!(rels[0].1.addend(), addend);
        }
    }
}

#[test]
fn errors_table() {
    let x64 = Triple::from_str("x86_64-unknown-linux-gnu").unwrap();
    let name = ExternalName::TestCase("f".into());
    let c = compiled(4);
    let funcs = [ModuleFunction {
        name: &name,
        compiled: &c,
    }];
    let wrong_kind = module(
        vec![0; 8],
        vec![0],
        vec![reloc(0, Reloc::Arm64Call, "g", 0)],
    );
    assert!(matches!(
        write_elf(&x64, &wrong_kind, &funcs),
        Err(ObjectError::UnsupportedReloc { .. })
    ));
    let two_offsets = module(vec![0; 8], vec![0, 4], Vec::new());
    assert_eq!(
        write_elf(&x64, &two_offsets, &funcs),
        Err(ObjectError::FunctionCountMismatch {
            functions: 1,
            offsets: 2
        })
    );
    let riscv = Triple::from_str("riscv64gc-unknown-linux-gnu").unwrap();
    assert!(matches!(
        write_elf(&riscv, &two_offsets, &funcs),
        Err(ObjectError::UnsupportedArchitecture(_))
    ));
    let arm = Triple::from_str("armv7-unknown-linux-gnueabihf").unwrap();
    let past_end = module(
        vec![0; 4],
        vec![0],
        vec![reloc(2, Reloc::Arm32Call, "g", -8)],
    );
    assert_eq!(
        write_elf(&arm, &past_end, &funcs),
        Err(ObjectError::RelocOutOfBounds { offset: 2 })
    );
}
