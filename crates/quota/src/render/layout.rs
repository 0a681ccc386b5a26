//! Table layouts shared by every text output: aligned text for the terminal (CJK characters
//! count two columns), Markdown, and CSV (RFC 4180 quoting by the csv crate).

use unicode_width::UnicodeWidthStr;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left-aligned (names, codes).
    Left,
    /// Right-aligned (numbers).
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

/// Renders CSV (RFC 4180 quoting via the csv crate): one header line, then the rows.
pub fn csv_text(header: &[String], rows: &[Vec<String>]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).expect("csv of UTF-8 strings is UTF-8"))
}
