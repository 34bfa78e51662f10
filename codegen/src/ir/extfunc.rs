//! Signatures, calling conventions and external functions.

use core::fmt;

use super::entities::SigRef;
use super::types::Type;

/// A calling convention.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum CallConv {
    /// Atoll's internal convention for functions that never escape (the default).
    #[default]
    Fast,
    /// Tail calls supported (`return_call`).
    Tail,
    /// System V AMD64 / AArch64 AAPCS64 on Linux.
    SystemV,
    /// Windows x64.
    WindowsFastcall,
    /// Apple's AArch64 variant.
    AppleAarch64,
    /// The stack-probe helper's convention.
    Probestack,
    /// Winch's convention.
    Winch,
    /// Every register callee-saved.
    PreserveAll,
    /// 32-bit Arm hard-float AAPCS-VFP.
    Aapcs,
}

impl CallConv {
    /// Every convention.
    pub const ALL: [CallConv; 9] = [
        CallConv::Fast,
        CallConv::Tail,
        CallConv::SystemV,
        CallConv::WindowsFastcall,
        CallConv::AppleAarch64,
        CallConv::Probestack,
        CallConv::Winch,
        CallConv::PreserveAll,
        CallConv::Aapcs,
    ];

    /// CLIF spelling.
    pub const fn name(self) -> &'static str {
        match self {
            CallConv::Fast => "fast",
            CallConv::Tail => "tail",
            CallConv::SystemV => "system_v",
            CallConv::WindowsFastcall => "windows_fastcall",
            CallConv::AppleAarch64 => "apple_aarch64",
            CallConv::Probestack => "probestack",
            CallConv::Winch => "winch",
            CallConv::PreserveAll => "preserve_all",
            CallConv::Aapcs => "aapcs",
        }
    }

    /// Look up a CLIF spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == s)
    }
}

impl fmt::Display for CallConv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a narrow integer argument is widened to a register.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum ArgumentExtension {
    /// Upper bits unspecified.
    #[default]
    None,
    /// Zero-extended (`uext`).
    Uext,
    /// Sign-extended (`sext`).
    Sext,
}

/// The special role of a parameter.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum ArgumentPurpose {
    /// An ordinary value.
    #[default]
    Normal,
    /// The VM context pointer (`vmctx`).
    VMContext,
    /// Pointer to the caller-provided return area (`sret`).
    StructReturn,
}

/// One parameter or return value of a signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AbiParam {
    /// Its type.
    pub value_type: Type,
    /// Widening of narrow integers.
    pub extension: ArgumentExtension,
    /// Special role.
    pub purpose: ArgumentPurpose,
}

impl AbiParam {
    /// An ordinary parameter of type `ty`.
    pub const fn new(ty: Type) -> Self {
        AbiParam {
            value_type: ty,
            extension: ArgumentExtension::None,
            purpose: ArgumentPurpose::Normal,
        }
    }
}

impl fmt::Display for AbiParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value_type)?;
        match self.extension {
            ArgumentExtension::None => {}
            ArgumentExtension::Uext => f.write_str(" uext")?,
            ArgumentExtension::Sext => f.write_str(" sext")?,
        }
        match self.purpose {
            ArgumentPurpose::Normal => Ok(()),
            ArgumentPurpose::VMContext => f.write_str(" vmctx"),
            ArgumentPurpose::StructReturn => f.write_str(" sret"),
        }
    }
}

/// A function signature.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Signature {
    /// Parameters, in order.
    pub params: Vec<AbiParam>,
    /// Return values, in order.
    pub returns: Vec<AbiParam>,
    /// Calling convention.
    pub call_conv: CallConv,
}

impl Signature {
    /// An empty signature with convention `call_conv`.
    pub fn new(call_conv: CallConv) -> Self {
        Signature {
            params: Vec::new(),
            returns: Vec::new(),
            call_conv,
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, params: &[AbiParam]) -> fmt::Result {
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{p}")?;
    }
    Ok(())
}

impl fmt::Display for Signature {
    /// `(i32, i64) -> i32 fast`: the convention is always printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        write_list(f, &self.params)?;
        f.write_str(")")?;
        if !self.returns.is_empty() {
            f.write_str(" -> ")?;
            write_list(f, &self.returns)?;
        }
        write!(f, " {}", self.call_conv)
    }
}

/// The name of a function or symbol outside this function.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExternalName {
    /// `u<namespace>:<index>`: a name the embedder assigns.
    User {
        /// Namespace chosen by the embedder.
        namespace: u32,
        /// Index within the namespace.
        index: u32,
    },
    /// `%name`: a name written in a test file.
    TestCase(String),
}

impl ExternalName {
    /// Is `s` a valid `%name` body (letters, digits, `_`, `.`, `$`)?
    pub fn is_valid_testcase(s: &str) -> bool {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'))
    }
}

impl Default for ExternalName {
    fn default() -> Self {
        ExternalName::User {
            namespace: 0,
            index: 0,
        }
    }
}

impl fmt::Display for ExternalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternalName::User { namespace, index } => write!(f, "u{namespace}:{index}"),
            ExternalName::TestCase(s) => write!(f, "%{s}"),
        }
    }
}

/// An external function declared in the preamble (`fn0 = colocated %g sig0`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ExtFuncData {
    /// Its name.
    pub name: ExternalName,
    /// Its signature.
    pub signature: SigRef,
    /// Defined in the same module, so reachable by a PC-relative call.
    pub colocated: bool,
}

impl fmt::Display for ExtFuncData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.colocated {
            f.write_str("colocated ")?;
        }
        write!(f, "{} {}", self.name, self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_entity::EntityRef;

    #[test]
    fn display_table() {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(Type::I64));
        sig.params.push(AbiParam {
            value_type: Type::I8,
            extension: ArgumentExtension::Uext,
            purpose: ArgumentPurpose::Normal,
        });
        sig.returns.push(AbiParam {
            purpose: ArgumentPurpose::VMContext,
            ..AbiParam::new(Type::I64)
        });
        let ext = ExtFuncData {
            name: ExternalName::TestCase("g".into()),
            signature: SigRef::new(2),
            colocated: true,
        };
        let cases: [(String, &str); 4] = [
            (sig.to_string(), "(i64, i8 uext) -> i64 vmctx system_v"),
            (Signature::default().to_string(), "() fast"),
            (ext.to_string(), "colocated %g sig2"),
            (
                ExternalName::User {
                    namespace: 0,
                    index: 7,
                }
                .to_string(),
                "u0:7",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
        for c in CallConv::ALL {
            assert_eq!(CallConv::from_name(c.name()), Some(c));
        }
    }
}
