//! `--target` and `--set`, shared by every subcommand that compiles or lists settings.

use super::CliError;
use atoll::codegen::settings::{self, Builder, Flags};
use atoll::isa::{parse_target_line, IsaKind, TargetSpec};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct TargetArgs {
    /// Target: x86_64, aarch64, arm, or a triple; ISA flags may follow, as on a CLIF
    /// `target` line (--target "x86_64 has_avx skylake").
    #[arg(long, short = 't', value_name = "TARGET")]
    pub target: Option<String>,

    /// Set a shared or ISA flag: `name=value`, or `name` for a bool or preset. Repeatable.
    #[arg(long = "set", value_name = "NAME[=VALUE]")]
    pub set: Vec<String>,
}

/// The target and every flag, after `--target` and `--set` were applied.
#[derive(Clone, Debug)]
pub struct ResolvedTarget {
    /// `None` when no `--target` was given.
    pub spec: Option<TargetSpec>,
    pub shared: Builder,
}

impl TargetArgs {
    /// Looks up the target, then applies each `--set` to the shared flags or, if the
    /// name is an ISA flag, to the ISA flags.
    pub fn resolve(&self) -> Result<ResolvedTarget, CliError> {
        let mut spec = self.target.as_deref().map(parse_target_line).transpose()?;
        let mut shared = Flags::builder();
        for text in &self.set {
            for d in settings::parse_directives(text)? {
                match spec.as_mut() {
                    Some(spec) => {
                        settings::apply_to_first(&mut [&mut shared, &mut spec.isa_flags], d)?
                    }
                    None => shared
                        .apply(d)
                        .map_err(|e| isa_flag_hint(d.name).unwrap_or(e.into()))?,
                }
            }
        }
        Ok(ResolvedTarget { spec, shared })
    }
}

/// When a flag unknown to the shared group is an ISA flag, the user forgot `--target`.
fn isa_flag_hint(name: &str) -> Option<CliError> {
    IsaKind::ALL
        .into_iter()
        .find(|k| k.template().is_some_and(|t| t.knows(name)))
        .map(|isa| CliError::IsaFlagWithoutTarget {
            name: name.to_string(),
            isa,
        })
}
