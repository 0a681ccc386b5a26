//! Error types of the library, one per domain. Every variant that comes from bad input names
//! where the problem is (file, line, column or unit) and what was expected.

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

/// A scenario that cannot be run as written.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScenarioError {
    /// TOML syntax or type error.
    #[error("{at}: {message}")]
    Toml { at: Location, message: String },
    /// A value outside what the model accepts.
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
    /// An error in one of the data files the scenario refers to.
    #[error(transparent)]
    Data(#[from] DataError),
}

/// An apportionment problem that has no solution, or is not well formed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApportionError {
    /// No units at all.
    #[error("there are no units to apportion among")]
    NoUnits,
    /// Floors need more slots than there are.
    #[error("floors sum to {floors} > total {total}")]
    FloorsAboveTotal { floors: u128, total: u64 },
    /// Caps leave fewer slots than the total.
    #[error("caps sum to {caps} < total {total}")]
    CapsBelowTotal { caps: u128, total: u64 },
    /// A unit whose floor exceeds its cap.
    #[error("unit '{unit}': floor {floor} > cap {cap}")]
    FloorAboveCap { unit: String, floor: u64, cap: u64 },
    /// Every weight is zero and the floors do not fill the total.
    #[error("all weights are zero: nothing to apportion {total} slots by")]
    AllWeightsZero { total: u64 },
    /// The seats that must go to units with positive weight exceed what their caps allow.
    #[error("only units with zero weight could take the remaining {missing} slot(s); raise a cap of a weighted unit or lower the total")]
    ZeroWeightUnitsWouldFill { missing: u64 },
    /// The quota method over more seats × units than [`crate::apportion::QUOTA_METHOD_MAX_STEPS`].
    #[error("the quota method decides seat by seat: {seats} seats × {units} units = {steps} steps, more than the {max} accepted (about 10 s); use fewer seats or rows, or another method")]
    TooMuchWork { units: usize, seats: u64, steps: u128, max: u128 },
    /// A weight or a total beyond the exactly supported range.
    #[error("{what} {value} is above the supported maximum {max}")]
    OutOfRange { what: &'static str, value: u128, max: u128 },
}
