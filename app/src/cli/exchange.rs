//! Import, export and the demo library.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use lore_core::ImportReport;
use lore_core::exchange::{CsvEncoding, ExportFormat, ImportPreview, PreviewAction, read_sources};

use super::Context;
use super::args::{EncodingArg, ExportArgs, FormatArg, ImportArgs, TemplateArgs};
use super::output::json_line;
use super::output::{note, say};

/// Imports above this size compact the database file afterwards.
const COMPACT_ABOVE: usize = 1000;

/// A progress line on stderr, only when it is a terminal and the batch is large.
pub fn progress(label: &'static str) -> impl FnMut(usize, usize) {
    let show = super::output::stderr_is_terminal();
    let mut last = Instant::now();
    move |done, total| {
        if !show || total < 500 {
            return;
        }
        if done == total || last.elapsed().as_millis() > 100 {
            last = Instant::now();
            eprint!("\r{label} {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    }
}

pub fn import(ctx: &Context, a: ImportArgs) -> Result<ExitCode> {
    // Read every file before opening the library; every problem is kept to be named.
    let sources = read_sources(&a.files);
    if sources.is_empty() {
        bail!("no entries found in {}", names(&a.files));
    }
    let mut library = ctx.open()?;
    if a.dry_run {
        let preview = lore_core::exchange::preview(&mut library, &sources);
        return print_preview(ctx, &preview);
    }
    let large = sources.items().count() > COMPACT_ABOVE;
    let report = lore_core::exchange::import(&mut library, sources, &mut progress("importing"))?;
    if large {
        library.compact()?;
    }
    print_report(ctx, &report)
}

/// What an import would do; fails (exit 1) when it has problems.
fn print_preview(ctx: &Context, p: &ImportPreview) -> Result<ExitCode> {
    let counts = [
        PreviewAction::Create,
        PreviewAction::Update,
        PreviewAction::Unchanged,
    ]
    .map(|action| p.count(action));
    if ctx.json {
        json_line(p)?;
    } else {
        for e in &p.entries {
            let action = match e.action {
                PreviewAction::Create => "create",
                PreviewAction::Update => "update",
                PreviewAction::Unchanged => "unchanged",
            };
            say!(
                "{action:<9}  {:<8}  {:<24}  {}  ({})",
                e.kind,
                e.id.as_deref().unwrap_or("(new id)"),
                e.title,
                e.location
            );
        }
        for problem in &p.problems {
            say!("{problem}");
        }
        say!(
            "{} to create, {} to update, {} unchanged, {}; nothing was written (dry run)",
            counts[0],
            counts[1],
            counts[2],
            match p.problems.len() {
                1 => "1 problem".to_string(),
                n => format!("{n} problems"),
            }
        );
    }
    Ok(if p.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn names(files: &[std::path::PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_report(ctx: &Context, r: &ImportReport) -> Result<ExitCode> {
    if ctx.json {
        json_line(r)?;
    } else {
        say!(
            "{} created, {} updated, {} unchanged",
            r.created,
            r.updated,
            r.unchanged
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The core's format for `--format` and `--encoding` (which only CSV has).
fn format(format: FormatArg, encoding: Option<EncodingArg>) -> Result<ExportFormat> {
    let format = match format {
        FormatArg::Jsonl => ExportFormat::Jsonl,
        FormatArg::Markdown => ExportFormat::Markdown,
        FormatArg::Csv => ExportFormat::Csv(match encoding {
            None | Some(EncodingArg::Utf8) => CsvEncoding::Utf8,
            Some(EncodingArg::Gbk) => CsvEncoding::Gbk,
        }),
        FormatArg::Site => bail!(
            "the help center is exported, not imported: there is no template for it; use --format csv, jsonl or markdown"
        ),
    };
    if encoding.is_some() && !matches!(format, ExportFormat::Csv(_)) {
        bail!("--encoding is for CSV files only; add --format csv");
    }
    Ok(format)
}

pub fn export(ctx: &Context, a: ExportArgs) -> Result<ExitCode> {
    if matches!(a.format, FormatArg::Site) {
        if a.encoding.is_some() {
            bail!("--encoding is for CSV files only; add --format csv");
        }
        return super::site::export(ctx, &a.out, a.site.lang);
    }
    super::site::refuse_lang(a.site.lang)?;
    let format = format(a.format, a.encoding)?;
    let mut library = ctx.open()?;
    let report = lore_core::exchange::export(&mut library, format, &a.out)?;
    for damaged in &report.damaged {
        note!("skipped: {damaged}");
    }
    for left_out in &report.left_out {
        note!("note: {left_out}");
    }
    if ctx.json {
        json_line(&serde_json::json!({
            "written": report.written,
            "skipped": report.damaged.len(),
            "left_out": report.left_out,
            "out": a.out.display().to_string(),
        }))?;
    } else {
        say!("{} entries written to {}", report.written, a.out.display());
    }
    Ok(if report.damaged.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn demo(ctx: &Context) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let report = lore_core::demo::load(&mut library, &mut progress("loading demo"))?;
    if !ctx.json {
        say!("demo library loaded into {}", ctx.data_dir.display());
    }
    print_report(ctx, &report)
}

/// Writes an import template to a file, or to standard output.
pub fn template(a: TemplateArgs) -> Result<ExitCode> {
    use std::io::Write as _;
    let bytes = lore_core::exchange::template(format(a.format, a.encoding)?)?;
    match &a.out {
        Some(out) => {
            std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            note!("template written to {}", out.display());
        }
        None => std::io::stdout()
            .write_all(&bytes)
            .context("writing the template")?,
    }
    Ok(ExitCode::SUCCESS)
}
