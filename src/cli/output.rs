//! Output formats and safe writing: everything is rendered to a string first, then written to
//! stdout or, with `-o FILE`, to a temporary file beside FILE that is renamed over it — so a
//! failed run never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use unicode_width::UnicodeWidthStr;

use super::{internal, Failure};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// Markdown table.
    Md,
}

/// Writes `content` to `path` atomically (temp file + rename), or to stdout.
pub fn emit(path: Option<&Path>, content: &[u8]) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content).and_then(|_| out.flush()).map_err(internal)
        }
        Some(p) => write_atomic(p, content),
    }
}

/// Writes a file atomically: a temporary file in the same directory, then a rename.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), Failure> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, content).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(super::input(anyhow::anyhow!("{}: cannot write: {e}", path.display())));
    }
    Ok(())
}

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Right (numbers).
    Right,
}

/// Renders an aligned text table; widths count CJK characters as two columns.
pub fn text_table(
    header: &[String],
    align: &[Align],
    rows: &[Vec<String>],
    rule_before_last: bool,
) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&width)
            .zip(align)
            .map(|((c, &w), a)| {
                let pad = " ".repeat(w.saturating_sub(c.width()));
                match a {
                    Align::Left => format!("{c}{pad}"),
                    Align::Right => format!("{pad}{c}"),
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let rule: String = width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  ") + "\n";
    let mut out = line(header);
    out.push_str(&rule);
    for (k, r) in rows.iter().enumerate() {
        if rule_before_last && k + 1 == rows.len() {
            out.push_str(&rule);
        }
        out.push_str(&line(r));
    }
    out
}

/// Renders a Markdown table.
pub fn markdown_table(header: &[String], align: &[Align], rows: &[Vec<String>]) -> String {
    let esc = |s: &String| s.replace('|', "\\|");
    let mut out = format!("| {} |\n", header.iter().map(esc).collect::<Vec<_>>().join(" | "));
    out.push_str(&format!(
        "|{}|\n",
        align.iter().map(|a| if *a == Align::Right { "---:" } else { "---" }).collect::<Vec<_>>().join("|")
    ));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.iter().map(esc).collect::<Vec<_>>().join(" | ")));
    }
    out
}

/// Renders a table as Markdown (`md`) or as aligned text (see [`text_table`] for
/// `rule_before_last`, which Markdown has no use for).
pub fn table(
    md: bool,
    header: &[String],
    align: &[Align],
    rows: &[Vec<String>],
    rule_before_last: bool,
) -> String {
    if md {
        markdown_table(header, align, rows)
    } else {
        text_table(header, align, rows, rule_before_last)
    }
}

/// Renders CSV (RFC 4180 quoting via the csv crate).
pub fn csv_text(header: &[String], rows: &[Vec<String>]) -> Result<String, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(internal)?;
    for r in rows {
        w.write_record(r).map_err(internal)?;
    }
    String::from_utf8(w.into_inner().map_err(|e| internal(anyhow::anyhow!("{e}")))?).map_err(internal)
}

/// JSON, pretty-printed, with a final newline.
pub fn json_text(value: &serde_json::Value) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(value).map_err(internal)? + "\n")
}
