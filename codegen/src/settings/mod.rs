//! Shared and per-ISA settings, declared once as tables.
//!
//! A *settings group* (the shared flags here, one group per ISA crate) is declared
//! exactly once with [`define_settings!`](crate::define_settings). The macro produces
//! three views of the same declaration, so they cannot drift apart:
//!
//! - a [`Template`]: the const table of [`SettingDesc`] (name, kind, default, doc) and
//!   [`PresetDesc`], which drives parsing, error messages and `atoll settings`;
//! - a typed `Flags` struct with one accessor per setting
//!   (`flags.padding_between_functions() -> u64`, `flags.opt_level() -> OptLevel`);
//! - a Rust enum per enumerated setting.
//!
//! Text enters through a [`Builder`], which holds one raw `u64` per setting of its
//! template (bool: 0/1, number: the value, enum: the index of the variant).
//!
//! Invariant: every raw value a `Builder` holds is valid for its setting's kind (a
//! bool is 0 or 1, a number lies in `min..=max`, an enum index is in range), because
//! `Builder::set` is the only writer and it validates. Hence the typed accessors are
//! total and never fail.
//!
//! Text syntax (CLIF `set` lines, `target` lines after the ISA name, `--set` on the
//! command line): whitespace-separated directives, each `name=value` or a bare `name`,
//! which sets a bool to true or applies a preset.

mod error;
mod macros;
mod shared;
#[cfg(test)]
mod tests;

pub use error::{edit_distance, nearest, SettingsError};
pub use shared::{
    Flags, LibcallCallConv, OptLevel, ProbestackStrategy, RegallocAlgorithm, StackSwitchModel,
    TlsModel, TEMPLATE as SHARED_TEMPLATE,
};

use std::fmt;

/// What values a setting accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); a bare name means `true`.
    Bool,
    /// An unsigned integer in `min..=max`, decimal or `0x` hexadecimal.
    Num { min: u64, max: u64 },
    /// One of the listed names; the raw value is the index into the list.
    Enum(&'static [&'static str]),
}

impl fmt::Display for SettingKind {
    /// Describes the accepted values, for "expected ..." in error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingKind::Bool => f.write_str("true or false"),
            SettingKind::Num { min, max } => write!(f, "an integer in {min}..={max}"),
            SettingKind::Enum(names) => write!(f, "one of: {}", names.join(", ")),
        }
    }
}

/// One setting of a group: the single source of truth for its name, type, default
/// and documentation.
#[derive(Clone, Copy, Debug)]
pub struct SettingDesc {
    pub name: &'static str,
    pub kind: SettingKind,
    /// Raw default value (see the module doc for the encoding).
    pub default: u64,
    pub doc: &'static str,
}

impl SettingDesc {
    /// Renders a raw value of this setting as the text `set` would accept.
    pub fn display_value(&self, raw: u64) -> String {
        match self.kind {
            SettingKind::Bool => (raw != 0).to_string(),
            SettingKind::Num { .. } => raw.to_string(),
            SettingKind::Enum(names) => names
                .get(raw as usize)
                .map_or_else(|| format!("<invalid {raw}>"), |n| (*n).to_string()),
        }
    }

    /// Parses `text` as a value of this setting.
    pub fn parse_value(&self, text: &str) -> Result<u64, SettingsError> {
        let bad = || SettingsError::BadValue {
            name: self.name,
            value: text.to_string(),
            expected: self.kind,
        };
        match self.kind {
            SettingKind::Bool => match text {
                "true" | "1" | "yes" | "on" => Ok(1),
                "false" | "0" | "no" | "off" => Ok(0),
                _ => Err(bad()),
            },
            SettingKind::Num { min, max } => {
                let digits = text.replace('_', "");
                let parsed = match digits
                    .strip_prefix("0x")
                    .or_else(|| digits.strip_prefix("0X"))
                {
                    Some(hex) => u64::from_str_radix(hex, 16),
                    None => digits.parse::<u64>(),
                };
                match parsed {
                    Ok(v) if (min..=max).contains(&v) => Ok(v),
                    _ => Err(bad()),
                }
            }
            SettingKind::Enum(names) => names
                .iter()
                .position(|n| *n == text)
                .map(|i| i as u64)
                .ok_or_else(bad),
        }
    }
}

/// A named bundle of bool settings switched on together (e.g. a CPU model).
#[derive(Clone, Copy, Debug)]
pub struct PresetDesc {
    pub name: &'static str,
    /// Bool settings, or other presets, that this preset turns on.
    pub implies: &'static [&'static str],
    pub doc: &'static str,
}

/// The full declaration of one settings group.
#[derive(Debug)]
pub struct Template {
    /// `"shared"`, or the ISA name (`"x64"`, `"aarch64"`, `"arm32"`).
    pub name: &'static str,
    pub settings: &'static [SettingDesc],
    pub presets: &'static [PresetDesc],
}

/// Presets may name presets; a chain deeper than this is a declaration bug (a cycle).
const MAX_PRESET_DEPTH: usize = 32;

impl Template {
    /// Index of the setting called `name`.
    pub fn setting_index(&self, name: &str) -> Option<usize> {
        self.settings.iter().position(|s| s.name == name)
    }

    /// The preset called `name`.
    pub fn preset(&self, name: &str) -> Option<&'static PresetDesc> {
        self.presets.iter().find(|p| p.name == name)
    }

    /// Whether `name` is a setting or a preset of this group.
    pub fn knows(&self, name: &str) -> bool {
        self.setting_index(name).is_some() || self.preset(name).is_some()
    }

    /// All names accepted by this group (settings, then presets).
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.settings
            .iter()
            .map(|s| s.name)
            .chain(self.presets.iter().map(|p| p.name))
    }

    /// Declaration bugs of this table, for each group's own tests: duplicate names,
    /// missing docs, defaults outside their kind, presets that do not expand.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut names: Vec<&str> = self.names().collect();
        names.sort_unstable();
        for pair in names.windows(2).filter(|w| w[0] == w[1]) {
            out.push(format!("`{}` is declared twice", pair[0]));
        }
        for s in self.settings {
            if s.doc.trim().is_empty() {
                out.push(format!("setting `{}` has no doc", s.name));
            }
            if s.parse_value(&s.display_value(s.default)) != Ok(s.default) {
                out.push(format!("setting `{}` has an invalid default", s.name));
            }
        }
        for p in self.presets {
            if p.doc.trim().is_empty() {
                out.push(format!("preset `{}` has no doc", p.name));
            }
            if let Err(e) = self.expand_preset(p) {
                out.push(e.to_string());
            }
        }
        out
    }

    /// The bool settings a preset turns on, with nested presets expanded.
    pub fn expand_preset(&self, preset: &PresetDesc) -> Result<Vec<usize>, SettingsError> {
        let mut out = Vec::new();
        self.expand_into(preset, 0, &mut out)?;
        Ok(out)
    }

    fn expand_into(
        &self,
        preset: &PresetDesc,
        depth: usize,
        out: &mut Vec<usize>,
    ) -> Result<(), SettingsError> {
        if depth > MAX_PRESET_DEPTH {
            return Err(SettingsError::PresetCycle {
                preset: preset.name,
            });
        }
        for &member in preset.implies {
            if let Some(i) = self.setting_index(member) {
                if self.settings[i].kind != SettingKind::Bool {
                    return Err(SettingsError::BadPreset {
                        preset: preset.name,
                        member,
                    });
                }
                out.push(i);
            } else if let Some(nested) = self.preset(member) {
                self.expand_into(nested, depth + 1, out)?;
            } else {
                return Err(SettingsError::BadPreset {
                    preset: preset.name,
                    member,
                });
            }
        }
        Ok(())
    }
}

/// One `name` or `name=value` directive of a settings line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directive<'a> {
    pub name: &'a str,
    pub value: Option<&'a str>,
}

impl fmt::Display for Directive<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(v) => write!(f, "{}={}", self.name, v),
            None => f.write_str(self.name),
        }
    }
}

/// Parses one directive: `name=value` or a bare `name`.
pub fn parse_directive(text: &str) -> Result<Directive<'_>, SettingsError> {
    let (name, value) = match text.split_once('=') {
        Some((n, v)) => (n.trim(), Some(v.trim())),
        None => (text.trim(), None),
    };
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if !name_ok || value == Some("") {
        return Err(SettingsError::BadSyntax {
            text: text.to_string(),
        });
    }
    Ok(Directive { name, value })
}

/// Parses the body of a settings line (`opt_level=speed enable_verifier`) into its
/// directives. A `set` keyword in front and a trailing `; comment` are accepted.
pub fn parse_directives(line: &str) -> Result<Vec<Directive<'_>>, SettingsError> {
    line_body(line, "set")
        .split_whitespace()
        .map(parse_directive)
        .collect()
}

/// The words of a header line such as `set ...` or `target ...`: the text before any
/// `; comment`, trimmed, without a leading `keyword` when it stands as a whole word
/// (`settings=1` keeps its `set`). One rule for every header-line reader.
pub fn line_body<'a>(line: &'a str, keyword: &str) -> &'a str {
    let body = line.split(';').next().unwrap_or("").trim();
    body.strip_prefix(keyword)
        .filter(|r| r.is_empty() || r.starts_with(char::is_whitespace))
        .map_or(body, str::trim_start)
}

/// Mutable settings of one group, filled from text and frozen into a typed `Flags`.
#[derive(Clone, Debug)]
pub struct Builder {
    template: &'static Template,
    values: Vec<u64>,
}

impl Builder {
    /// A builder holding every default of `template`.
    pub fn new(template: &'static Template) -> Builder {
        Builder {
            template,
            values: template.settings.iter().map(|s| s.default).collect(),
        }
    }

    pub fn template(&self) -> &'static Template {
        self.template
    }

    /// Sets `name` (a setting or a preset) from `value` (`None` for a bare name).
    ///
    /// Post-invariant: on error nothing was changed.
    pub fn set(&mut self, name: &str, value: Option<&str>) -> Result<(), SettingsError> {
        if let Some(i) = self.template.setting_index(name) {
            let desc = &self.template.settings[i];
            let raw = match (value, desc.kind) {
                (Some(v), _) => desc.parse_value(v)?,
                (None, SettingKind::Bool) => 1,
                (None, kind) => {
                    return Err(SettingsError::MissingValue {
                        name: desc.name,
                        expected: kind,
                    })
                }
            };
            self.values[i] = raw;
            return Ok(());
        }
        if let Some(preset) = self.template.preset(name) {
            if let Some(v) = value {
                return Err(SettingsError::PresetWithValue {
                    name: preset.name,
                    value: v.to_string(),
                });
            }
            for i in self.template.expand_preset(preset)? {
                self.values[i] = 1;
            }
            return Ok(());
        }
        Err(SettingsError::unknown(
            name,
            self.template.name,
            self.template.names(),
        ))
    }

    /// Applies one parsed directive.
    pub fn apply(&mut self, d: Directive<'_>) -> Result<(), SettingsError> {
        self.set(d.name, d.value)
    }

    /// Applies every directive of a settings line (see [`parse_directives`]).
    /// Directives before a failing one stay applied.
    pub fn apply_line(&mut self, line: &str) -> Result<(), SettingsError> {
        for d in parse_directives(line)? {
            self.apply(d)?;
        }
        Ok(())
    }

    /// The raw value of a setting (see the module doc), or `None` for an unknown name.
    pub fn raw(&self, name: &str) -> Option<u64> {
        self.template.setting_index(name).map(|i| self.values[i])
    }

    /// The raw value of the setting at `index` in the template.
    pub fn raw_at(&self, index: usize) -> u64 {
        self.values[index]
    }

    /// Each setting with its current value rendered as text.
    pub fn iter(&self) -> impl Iterator<Item = (&'static SettingDesc, String)> + '_ {
        self.template
            .settings
            .iter()
            .zip(&self.values)
            .map(|(d, &v)| (d, d.display_value(v)))
    }
}

/// Applies `d` to the first builder whose template knows its name. If none does, the
/// error suggests the nearest name across all of them. This is how `--set` routes a
/// flag to the shared group or the ISA group.
pub fn apply_to_first(
    builders: &mut [&mut Builder],
    d: Directive<'_>,
) -> Result<(), SettingsError> {
    if let Some(b) = builders.iter_mut().find(|b| b.template.knows(d.name)) {
        return b.apply(d);
    }
    let groups: Vec<&'static str> = builders.iter().map(|b| b.template.name).collect();
    let names: Vec<&'static str> = builders.iter().flat_map(|b| b.template.names()).collect();
    Err(SettingsError::unknown(
        d.name,
        &groups.join(" or "),
        names.into_iter(),
    ))
}
