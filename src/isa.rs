//! Finding an ISA backend by name or target triple.
//!
//! ```text
//! "x86_64 has_avx skylake" --parse_target_line--> TargetSpec { isa: IsaDescriptor, isa_flags: Builder }
//! "aarch64-unknown-linux-gnu" --lookup--> IsaDescriptor { name, kind, triple, settings }
//! ```
//!
//! Names accepted: the short names in [`SHORT_NAMES`] (each stands for a Linux
//! triple) and any triple `target-lexicon` parses. A triple whose architecture Atoll
//! has no backend for (riscv64, s390x, pulley*, ...) is [`LookupError::Unsupported`];
//! one whose backend was left out of this build by cargo features is
//! [`LookupError::NotCompiledIn`]. So a descriptor that `lookup` returns always has
//! its backend compiled in.
//!
//! The descriptor is data only. Constructing the backend (`TargetIsa`) from a
//! descriptor, the shared [`Flags`](crate::codegen::settings::Flags) and the ISA
//! flags is a `match` on [`IsaKind`], added here when the backends exist.

mod header;

pub use header::{resolve_header, HeaderError, HeaderLine, ResolvedHeader, TestTarget};

use crate::codegen::isa::TargetIsa;
use crate::codegen::settings::{self, Builder, Flags, SettingsError, Template};
use std::fmt;
use std::str::FromStr;
use target_lexicon::{Architecture, Endianness, Triple};

/// The backends Atoll has. Each is compiled in only with its cargo feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsaKind {
    X64,
    Aarch64,
    Arm32,
}

impl IsaKind {
    pub const ALL: [IsaKind; 3] = [IsaKind::X64, IsaKind::Aarch64, IsaKind::Arm32];

    /// The backend's name, also its settings group's name.
    pub fn name(self) -> &'static str {
        match self {
            IsaKind::X64 => "x64",
            IsaKind::Aarch64 => "aarch64",
            IsaKind::Arm32 => "arm32",
        }
    }

    /// The cargo feature of the root crate that compiles this backend in.
    pub fn feature(self) -> &'static str {
        self.name()
    }

    /// The backend's settings table, or `None` when its feature is off.
    pub fn template(self) -> Option<&'static Template> {
        match self {
            #[cfg(feature = "x64")]
            IsaKind::X64 => Some(&atoll_isa_x64::settings::TEMPLATE),
            #[cfg(feature = "aarch64")]
            IsaKind::Aarch64 => Some(&atoll_isa_aarch64::settings::TEMPLATE),
            #[cfg(feature = "arm32")]
            IsaKind::Arm32 => Some(&atoll_isa_arm32::settings::TEMPLATE),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Whether this backend is compiled into this build.
    pub fn is_enabled(self) -> bool {
        self.template().is_some()
    }
}

/// Short target names and the triple each stands for.
pub const SHORT_NAMES: &[(&str, IsaKind, &str)] = &[
    ("x86_64", IsaKind::X64, "x86_64-unknown-linux-gnu"),
    ("x64", IsaKind::X64, "x86_64-unknown-linux-gnu"),
    ("aarch64", IsaKind::Aarch64, "aarch64-unknown-linux-gnu"),
    ("arm64", IsaKind::Aarch64, "aarch64-unknown-linux-gnu"),
    ("arm", IsaKind::Arm32, "armv7-unknown-linux-gnueabihf"),
    ("arm32", IsaKind::Arm32, "armv7-unknown-linux-gnueabihf"),
];

/// A backend chosen by name: which one, for what triple, and its settings table.
#[derive(Clone, Debug)]
pub struct IsaDescriptor {
    /// The backend's name (`x64`, `aarch64`, `arm32`).
    pub name: &'static str,
    pub kind: IsaKind,
    pub triple: Triple,
    /// The ISA settings group (CPU features and presets).
    pub settings: &'static Template,
}

impl IsaDescriptor {
    /// A builder for this ISA's flags, holding their defaults.
    pub fn isa_builder(&self) -> Builder {
        Builder::new(self.settings)
    }

    /// Constructs the backend for this descriptor with the shared flags and the ISA
    /// flags (a builder of [`IsaDescriptor::isa_builder`]'s template).
    pub fn build(
        &self,
        shared: Flags,
        isa_flags: &Builder,
    ) -> Result<Box<dyn TargetIsa>, BuildError> {
        // Each arm becomes the ISA crate's constructor once that crate has one.
        match self.kind {
            #[cfg(feature = "x64")]
            IsaKind::X64 => {
                let isa = atoll_isa_x64::settings::Flags::new(isa_flags);
                Ok(Box::new(atoll_isa_x64::isa::X64Backend::new(
                    self.triple.clone(),
                    shared,
                    isa,
                )))
            }
            #[cfg(feature = "aarch64")]
            IsaKind::Aarch64 => {
                let isa = atoll_isa_aarch64::settings::Flags::new(isa_flags);
                Ok(Box::new(atoll_isa_aarch64::Aarch64Backend::new(
                    self.triple.clone(),
                    shared,
                    isa,
                )))
            }
            #[cfg(feature = "arm32")]
            IsaKind::Arm32 => {
                let isa = atoll_isa_arm32::settings::Flags::new(isa_flags);
                Ok(Box::new(atoll_isa_arm32::Arm32Backend::new(
                    self.triple.clone(),
                    shared,
                    isa,
                )))
            }
            #[allow(unreachable_patterns)]
            _ => {
                let _ = (shared, isa_flags);
                Err(BuildError::NotBuiltYet {
                    arch: arch_name(self.kind),
                })
            }
        }
    }
}

/// Why a backend could not be constructed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The ISA crate does not provide a `TargetIsa` yet.
    NotBuiltYet { arch: &'static str },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NotBuiltYet { arch } => write!(f, "backend for {arch} is not built yet"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Why a target name was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// Neither a short name nor a triple.
    Unknown {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// A valid triple for an architecture Atoll has no backend for.
    Unsupported { name: String, arch: String },
    /// Atoll has this backend, but this build left it out.
    NotCompiledIn { kind: IsaKind, arch: &'static str },
}

impl LookupError {
    /// Whether the target is well-formed but has no backend (as opposed to a typo).
    pub fn is_unsupported(&self) -> bool {
        matches!(self, LookupError::Unsupported { .. })
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Unknown { name, suggestion } => {
                write!(f, "unknown target `{name}`: expected x86_64, aarch64, arm or a target triple")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            LookupError::Unsupported { name, arch } => write!(
                f,
                "unsupported target `{name}`: Atoll has no {arch} backend (supported: x86_64, aarch64, arm)"
            ),
            LookupError::NotCompiledIn { kind, arch } => write!(
                f,
                "support for {arch} was not compiled in (enable feature `{}`)",
                kind.feature()
            ),
        }
    }
}

impl std::error::Error for LookupError {}

/// Finds the backend for a short name (`x86_64`, `aarch64`, `arm`, `arm32`, ...) or a
/// full target triple.
pub fn lookup(name: &str) -> Result<IsaDescriptor, LookupError> {
    let (kind, triple) = match SHORT_NAMES.iter().find(|(short, _, _)| *short == name) {
        Some(&(_, kind, triple)) => (kind, parse_known_triple(triple)),
        None => {
            let triple = Triple::from_str(name).map_err(|_| LookupError::Unknown {
                name: name.to_string(),
                suggestion: settings::nearest(name, SHORT_NAMES.iter().map(|s| s.0)),
            })?;
            (kind_of(name, &triple)?, triple)
        }
    };
    let settings = kind.template().ok_or(LookupError::NotCompiledIn {
        kind,
        arch: arch_name(kind),
    })?;
    Ok(IsaDescriptor {
        name: kind.name(),
        kind,
        triple,
        settings,
    })
}

/// The triples in [`SHORT_NAMES`] are constants that target-lexicon parses (tested);
/// should one ever fail, the unknown triple still names the right backend.
fn parse_known_triple(triple: &str) -> Triple {
    Triple::from_str(triple).unwrap_or_else(|_| Triple::unknown())
}

/// The name users know the architecture by, for messages.
fn arch_name(kind: IsaKind) -> &'static str {
    match kind {
        IsaKind::X64 => "x86_64",
        IsaKind::Aarch64 => "aarch64",
        IsaKind::Arm32 => "arm",
    }
}

fn kind_of(name: &str, triple: &Triple) -> Result<IsaKind, LookupError> {
    let unsupported = |arch: String| LookupError::Unsupported {
        name: name.to_string(),
        arch,
    };
    match triple.architecture {
        Architecture::X86_64 | Architecture::X86_64h => Ok(IsaKind::X64),
        Architecture::Aarch64(a) if a.endianness() == Endianness::Little => Ok(IsaKind::Aarch64),
        Architecture::Arm(a) if a.is_thumb() => Err(unsupported(format!("Thumb ({a})"))),
        Architecture::Arm(a) if a.endianness() == Endianness::Little => Ok(IsaKind::Arm32),
        other => Err(unsupported(other.to_string())),
    }
}

/// A `target` line: the backend and its ISA flags.
#[derive(Clone, Debug)]
pub struct TargetSpec {
    pub isa: IsaDescriptor,
    pub isa_flags: Builder,
}

/// Why a `target` line was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetLineError {
    /// The line names no target.
    Empty,
    Lookup(LookupError),
    Settings(SettingsError),
}

impl TargetLineError {
    /// Whether the target is well-formed but not one of ours (riscv64, s390x, ...).
    pub fn is_unsupported(&self) -> bool {
        matches!(self, TargetLineError::Lookup(e) if e.is_unsupported())
    }
}

impl fmt::Display for TargetLineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetLineError::Empty => f.write_str("`target` line names no target"),
            TargetLineError::Lookup(e) => e.fmt(f),
            TargetLineError::Settings(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for TargetLineError {}

impl From<LookupError> for TargetLineError {
    fn from(e: LookupError) -> Self {
        TargetLineError::Lookup(e)
    }
}

impl From<SettingsError> for TargetLineError {
    fn from(e: SettingsError) -> Self {
        TargetLineError::Settings(e)
    }
}

/// Parses a CLIF `target` line, with or without the `target` keyword and with an
/// optional trailing `; comment`: the target name, then ISA flags and presets
/// (`x86_64 has_avx skylake`, `aarch64 sign_return_address has_pauth`).
pub fn parse_target_line(line: &str) -> Result<TargetSpec, TargetLineError> {
    let mut words = settings::line_body(line, "target").split_whitespace();
    let name = words.next().ok_or(TargetLineError::Empty)?;
    let isa = lookup(name)?;
    let mut isa_flags = isa.isa_builder();
    for word in words {
        isa_flags.apply(settings::parse_directive(word)?)?;
    }
    Ok(TargetSpec { isa, isa_flags })
}

#[cfg(test)]
mod tests;
