//! What every input error shares: [`Location`] (where a value came from) and [`DataError`] (a
//! data file that cannot be read as the tool expects). Each module's own error type lives with
//! it (`scenario::ScenarioError`, `apportion::ApportionError`, `allocate::AllocateError`, …).
//! Every variant that comes from bad input names where the problem is (file, line, column or
//! unit) and what was expected.

use thiserror::Error;

/// Where in an input a value came from: a file (or other named source), and optionally the
/// 1-based line and the column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name or other label of the source (`data/indicators.csv`, `<bundled>/data/units.csv`).
    pub source: String,
    /// 1-based line number in the source, counting comment lines.
    pub line: Option<u64>,
    /// Column (header name) the value was read from.
    pub column: Option<String>,
}

impl Location {
    /// A location that names only the source.
    pub fn file(source: impl Into<String>) -> Self {
        Location { source: source.into(), line: None, column: None }
    }

    /// The same source at a line.
    pub fn at_line(&self, line: u64) -> Self {
        Location { source: self.source.clone(), line: Some(line), column: None }
    }

    /// The same source and line, at a column.
    pub fn at_column(&self, column: impl Into<String>) -> Self {
        Location { source: self.source.clone(), line: self.line, column: Some(column.into()) }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column '{column}'")?;
        }
        Ok(())
    }
}

/// Bad data in a CSV or TOML input file.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be read (missing, a directory, no permission, …).
    #[error("{at}: cannot read the file: {message}")]
    Unreadable { at: Location, message: String },
    /// The file has no header row or no data rows.
    #[error("{0}: the file is empty (expected a header row and at least one data row)")]
    Empty(Location),
    /// A required column is not in the header.
    #[error("{at}: missing column '{column}' (the header has: {found}){hint}")]
    MissingColumn { at: Location, column: String, found: String, hint: String },
    /// A field could not be parsed as what the column holds.
    #[error("{at}: '{}' is not {expected}", crate::limits::shown(value))]
    BadValue { at: Location, value: String, expected: String },
    /// A row does not fit the header or the CSV syntax.
    #[error("{at}: {message}")]
    Malformed { at: Location, message: String },
    /// The same unit (or row key) appears twice.
    #[error("{at}: duplicated {what} '{key}' (first seen on line {first_line})")]
    Duplicate { at: Location, what: String, key: String, first_line: u64 },
    /// A unit code that is not in the unit table.
    #[error("{at}: unknown unit code '{code}'")]
    UnknownUnit { at: Location, code: String },
    /// A unit of the unit table has no row.
    #[error("{at}: no row for unit '{code}' ({name})")]
    MissingUnit { at: Location, code: String, name: String },
}
