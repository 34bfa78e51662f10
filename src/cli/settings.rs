//! `atoll settings [--target T] [--set k=v]...`: lists the shared flags and, with a
//! target, that ISA's flags and presets, each with its value and doc. Values changed
//! from the default by `--target`/`--set` are marked with `*`.

use super::{CliError, TargetArgs};
use atoll::codegen::settings::{Builder, SettingKind, Template};
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Options {
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let resolved = opts.target.resolve()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_group(&mut out, "shared settings", &resolved.shared)?;
    if let Some(spec) = &resolved.spec {
        let title = format!("{} settings (target {})", spec.isa.name, spec.isa.triple);
        writeln!(out)?;
        write_group(&mut out, &title, &spec.isa_flags)?;
        write_presets(&mut out, spec.isa.settings)?;
    } else {
        writeln!(
            out,
            "\n(for ISA flags and presets, add --target x86_64|aarch64|arm)"
        )?;
    }
    out.flush()?;
    Ok(())
}

/// One line per setting: name, value (`*` if not the default), accepted values, doc.
fn write_group(out: &mut dyn Write, title: &str, flags: &Builder) -> Result<(), CliError> {
    writeln!(out, "{title}:")?;
    let rows: Vec<(&str, String, String)> = flags
        .template()
        .settings
        .iter()
        .enumerate()
        .map(|(i, desc)| {
            let raw = flags.raw_at(i);
            let mark = if raw == desc.default { "" } else { " *" };
            let value = format!("{}{mark}", desc.display_value(raw));
            let accepts = match desc.kind {
                SettingKind::Bool => String::new(),
                kind => format!(" [{}]", accepts(kind)),
            };
            (desc.name, value, format!("{}{accepts}", desc.doc.trim()))
        })
        .collect();
    let name_w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let value_w = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (name, value, doc) in rows {
        writeln!(out, "  {name:<name_w$} = {value:<value_w$}  {doc}")?;
    }
    Ok(())
}

/// The accepted values of a non-bool setting, compactly.
fn accepts(kind: SettingKind) -> String {
    match kind {
        SettingKind::Bool => "true|false".to_string(),
        SettingKind::Num { min, max } => format!("{min}..={max}"),
        SettingKind::Enum(names) => names.join("|"),
    }
}

/// Presets with what they turn on (nested presets expanded).
fn write_presets(out: &mut dyn Write, template: &Template) -> Result<(), CliError> {
    if template.presets.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{} presets (each turns on the flags listed):",
        template.name
    )?;
    let name_w = template
        .presets
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for p in template.presets {
        let mut on = template.expand_preset(p)?;
        on.sort_unstable();
        on.dedup();
        let on: Vec<&str> = on.into_iter().map(|i| template.settings[i].name).collect();
        writeln!(
            out,
            "  {:<name_w$}  {} [{}]",
            p.name,
            p.doc.trim(),
            on.join(" ")
        )?;
    }
    Ok(())
}
