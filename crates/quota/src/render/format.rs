//! The output formats most commands share.

/// A text output format: aligned text, CSV, JSON or Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// Comma-separated values.
    Csv,
    /// JSON (see [`super::json`]).
    Json,
    /// Markdown.
    Md,
}

impl Format {
    /// The name used on the command line and in messages (`table`, `csv`, `json`, `md`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
        }
    }
}
