//! Errors from parsing and applying settings, with a "did you mean" suggestion for
//! misspelled names.

use super::SettingKind;
use std::fmt;

/// Everything that can go wrong when settings are read from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsError {
    /// No setting or preset of that name in the group (or groups) searched.
    UnknownFlag {
        name: String,
        /// The group(s) searched, e.g. `shared` or `shared or x64`.
        group: String,
        suggestion: Option<&'static str>,
    },
    /// The value does not fit the setting's kind.
    BadValue {
        name: &'static str,
        value: String,
        expected: SettingKind,
    },
    /// A bare name for a setting that is not a bool.
    MissingValue {
        name: &'static str,
        expected: SettingKind,
    },
    /// `preset=value`: presets can only be switched on.
    PresetWithValue { name: &'static str, value: String },
    /// A directive that is not `name` or `name=value`.
    BadSyntax { text: String },
    /// A preset names something that is not a bool setting or a preset (a bug in the
    /// declaration, caught by the tables' own tests).
    BadPreset {
        preset: &'static str,
        member: &'static str,
    },
    /// Presets naming each other in a cycle (a declaration bug, like `BadPreset`).
    PresetCycle { preset: &'static str },
}

impl SettingsError {
    /// `UnknownFlag` for `name`, with the closest of `known` as suggestion.
    pub fn unknown(
        name: &str,
        group: &str,
        known: impl Iterator<Item = &'static str>,
    ) -> SettingsError {
        SettingsError::UnknownFlag {
            name: name.to_string(),
            group: group.to_string(),
            suggestion: nearest(name, known),
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::UnknownFlag {
                name,
                group,
                suggestion,
            } => {
                write!(f, "unknown {group} setting `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            SettingsError::BadValue {
                name,
                value,
                expected,
            } => {
                write!(
                    f,
                    "bad value `{value}` for setting `{name}`: expected {expected}"
                )
            }
            SettingsError::MissingValue { name, expected } => {
                write!(
                    f,
                    "setting `{name}` needs a value (`{name}=...`): expected {expected}"
                )
            }
            SettingsError::PresetWithValue { name, value } => {
                write!(
                    f,
                    "preset `{name}` takes no value (got `{value}`); write just `{name}`"
                )
            }
            SettingsError::BadSyntax { text } => {
                write!(
                    f,
                    "bad setting syntax `{text}`: expected `name` or `name=value`"
                )
            }
            SettingsError::BadPreset { preset, member } => {
                write!(
                    f,
                    "preset `{preset}` names `{member}`, which is not a bool setting or preset"
                )
            }
            SettingsError::PresetCycle { preset } => {
                write!(f, "preset `{preset}` is part of a cycle of presets")
            }
        }
    }
}

impl std::error::Error for SettingsError {}

/// The name in `known` closest to `name`, if close enough to be a plausible typo:
/// a name that differs only by a `has_` prefix, or one within an edit distance of
/// about a third of its length.
pub fn nearest(name: &str, known: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for k in known {
        if k.strip_prefix("has_") == Some(name) || name.strip_prefix("has_") == Some(k) {
            return Some(k);
        }
        let d = edit_distance(name, k);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    let limit = (name.len() / 3).max(2);
    best.filter(|&(d, _)| d <= limit).map(|(_, k)| k)
}

/// Levenshtein distance over bytes (names are ASCII), in O(|a|·|b|) time and O(|b|)
/// space.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
