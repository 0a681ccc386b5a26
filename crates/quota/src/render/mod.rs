//! Presentation: every output format the tool writes, as pure functions from library results
//! to text or bytes. The caller (the `quota` command, the web page, the Python package)
//! decides where the bytes go.
//!
//! - [`layout`]: aligned text tables (CJK-aware widths), Markdown tables, CSV.
//! - [`json`]: the JSON documents — the `serde` serialisation of a library result with a
//!   `schema` field first (see [`SCHEMA_VERSION`]).
//! - [`announcement`]: the announcement tables (Markdown, CSV, xlsx).
//! - [`document`]: headings, paragraphs and tables rendered as text or Markdown.
//! - [`explain`]: `quota explain` (text, Markdown, JSON of [`crate::explain::Explanation`]).
//! - One module per command for what it writes: [`allocate`] (and [`optima`], its
//!   `--all-optima` report), [`apportion`], [`eligible`],
//!   [`plan`], [`table`], [`validate`], [`weights`], and [`stamp`] (the `--check-stamp`
//!   report).
//! - [`sweep`]: a sweep's summary (text, Markdown, CSV, JSON) and its output directory's files.
//! - `rows_parquet` (feature `parquet`): a sweep's kept scenarios (`--keep-all`) as Parquet.
//! - [`calibrate`]: `quota calibrate`'s report (text, Markdown, CSV).
//! - [`compare`]: `quota compare` (schemes × methods on one scenario; [`compare::diff`]: two
//!   scenarios side by side) as text, Markdown, CSV, JSON and SVG.

pub mod allocate;
pub mod announcement;
pub mod apportion;
pub mod calibrate;
pub mod compare;
pub mod document;
pub mod eligible;
mod error;
pub mod explain;
mod format;
pub mod layout;
pub mod optima;
pub mod plan;
#[cfg(feature = "parquet")]
pub mod rows_parquet;
pub mod stamp;
pub mod sweep;
mod sweep_convergence;
mod sweep_morris;
pub mod table;
pub mod validate;
pub mod weights;

pub use error::RenderError;
pub use format::Format;
pub use layout::{csv_text, markdown_table, table, text_table, Align};

use serde::Serialize;

/// Version of every JSON document's layout. Bumped when a field is removed or changes
/// meaning; adding a field keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

/// The `schema` value of a document of `kind` (e.g. `"quota.allocate/1"`).
pub fn schema(kind: &str) -> String {
    format!("quota.{kind}/{SCHEMA_VERSION}")
}

/// A result as its published JSON document: `{"schema": "quota.<kind>/1", …fields of value}`,
/// pretty-printed with a final newline. A value that does not serialise to an object is put
/// under `"result"`.
pub fn json<T: Serialize + ?Sized>(kind: &str, value: &T) -> Result<String, serde_json::Error> {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".into(), serde_json::Value::String(schema(kind)));
    match serde_json::to_value(value)? {
        serde_json::Value::Object(fields) => doc.extend(fields),
        other => {
            doc.insert("result".into(), other);
        }
    }
    Ok(serde_json::to_string_pretty(&serde_json::Value::Object(doc))? + "\n")
}

/// The provenance mark under a text or Markdown output: a blank line, then the Chinese and
/// the English note (Markdown: one paragraph each); empty when every input is official.
pub fn provenance_footer(p: &crate::provenance::Provenance, md: bool) -> String {
    match (p.note_zh(), p.note_en()) {
        (Some(zh), Some(en)) if md => format!("\n{zh}\n\n{en}\n"),
        (Some(zh), Some(en)) => format!("\n{zh}\n{en}\n"),
        _ => String::new(),
    }
}

/// The provenance mark at the start of a chart's subtitle (`示意测算，非官方 · not official: …
/// — `), empty when every input is official.
pub fn subtitle_mark(p: &crate::provenance::Provenance) -> String {
    p.subtitle().map(|s| format!("{s} — ")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Two {
        b: u32,
        a: &'static str,
    }

    #[test]
    fn json_puts_the_schema_first_and_keeps_field_order() {
        let text = json("allocate", &Two { b: 2, a: "x" }).unwrap();
        assert_eq!(text, "{\n  \"schema\": \"quota.allocate/1\",\n  \"b\": 2,\n  \"a\": \"x\"\n}\n");
        let list = json("list", &[1, 2]).unwrap();
        assert!(list.contains("\"result\": ["), "{list}");
    }
}
