//! Errors of the weighting domain. Bad input names the unit, the indicator, or the file, line
//! and matrix cell; the message says what was expected.

use thiserror::Error;

use super::Scheme;
use crate::error::{DataError, Location};

/// Why weights could not be derived.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum WeightingError {
    /// An error reading the indicator table or an AHP file (CSV syntax, missing column, …).
    #[error(transparent)]
    Data(#[from] DataError),

    /// Fewer than two units: no method can tell indicators apart on one unit.
    #[error("need at least two units to derive weights, found {found}")]
    TooFewUnits { found: usize },
    /// No indicator columns at all.
    #[error("no indicators: at least one indicator is needed")]
    NoIndicators,
    /// The same indicator name twice.
    #[error("indicator '{0}' is listed twice")]
    DuplicateIndicator(String),
    /// The same unit twice (from a file: [`WeightingError::Data`] with the lines instead).
    #[error("unit '{0}' is listed twice")]
    DuplicateUnit(String),
    /// A unit row with the wrong number of values.
    #[error("unit '{unit}' has {found} values, expected one per indicator ({expected})")]
    RaggedRow { unit: String, found: usize, expected: usize },
    /// A value that is negative, NaN or infinite.
    #[error(
        "unit '{unit}', indicator '{indicator}': {value} is not a finite non-negative number in the \
         accepted range (0, or from 1e-9 to 1e19)"
    )]
    BadValue { unit: String, indicator: String, value: f64 },

    /// A data-driven method met an indicator with (numerically) no variance.
    #[error(
        "indicator '{indicator}' has no variance (every unit has {value}): it carries no \
         information for the {scheme} method; drop it from the indicator set, or use equal, \
         manual or ahp weights"
    )]
    ConstantIndicator { indicator: String, value: f64, scheme: Scheme },
    /// CRITIC: every pair of indicators is perfectly positively correlated, so no indicator
    /// conflicts with any other and every information content Cⱼ is 0.
    #[error(
        "every pair of indicators is perfectly correlated (r = 1): CRITIC's conflict term is 0 \
         for all of them and the weights are undefined; use equal or entropy weights"
    )]
    PerfectlyCorrelated,

    /// A scheme needs an input that was not given (manual weights, an AHP matrix).
    #[error("the {scheme} method needs {what}")]
    MissingInput { scheme: Scheme, what: &'static str },
    /// A manual weight for an indicator that is not in the indicator set.
    #[error("manual weight for unknown indicator '{name}' (the indicators are: {known})")]
    ManualUnknownIndicator { name: String, known: String },
    /// An indicator without a manual weight.
    #[error("no manual weight for indicator '{name}'")]
    ManualMissingIndicator { name: String },
    /// A manual weight given twice.
    #[error("manual weight for '{name}' is given twice")]
    ManualDuplicate { name: String },
    /// A manual weight that is negative, NaN or infinite.
    #[error("manual weight for '{name}' is {value}; expected a finite non-negative number")]
    ManualBadWeight { name: String, value: f64 },
    /// Every manual weight is zero.
    #[error("every manual weight is 0: nothing to normalise")]
    ManualAllZero,
    /// An option value outside its range.
    #[error("{option} = {value}: expected {expected}")]
    BadOption { option: &'static str, value: String, expected: &'static str },

    /// AHP: a row with the wrong number of entries, or a header of the wrong length.
    #[error("{at}: the pairwise matrix must be square: {what} has {found} entries, expected {expected}")]
    NotSquare { at: Location, what: String, found: usize, expected: usize },
    /// AHP: the criteria of the rows and columns differ (row i must compare the criterion of
    /// column i).
    #[error("{at}: row {row} is '{found}', but column {row} is '{expected}' (rows and columns must list the criteria in the same order)")]
    NameOrder { at: Location, row: usize, found: String, expected: String },
    /// AHP: an entry that is not a number, is zero or negative, or is off Saaty's 1/9 … 9 scale.
    #[error("{at}: '{}' is not {expected}", crate::limits::shown(value))]
    BadEntry { at: Location, value: String, expected: &'static str },
    /// AHP: a diagonal entry other than 1.
    #[error("{at}: the diagonal entry of '{name}' is {value}, expected 1 (a criterion is equally important as itself)")]
    Diagonal { at: Location, name: String, value: f64 },
    /// AHP: `a[i][j] · a[j][i]` is not 1.
    #[error(
        "{at}: a[{row}][{col}] = {a} and a[{col}][{row}] = {b} are not reciprocal (product {product:.4}; \
         expected 1 within ±{tolerance}); write the lower triangle as 1/x of the upper one, or leave it empty"
    )]
    NotReciprocal { at: Location, row: String, col: String, a: f64, b: f64, product: f64, tolerance: f64 },
    /// AHP: more criteria than Saaty's random-index table covers.
    #[error("{n} criteria: Saaty's random index table covers at most {max}, so the consistency ratio is undefined")]
    TooManyCriteria { n: usize, max: usize },
    /// AHP: the matrix does not compare exactly the indicators being weighted.
    #[error("the AHP matrix compares [{ahp}], but the indicators are [{indicators}]")]
    AhpNamesMismatch { ahp: String, indicators: String },
    /// AHP: the judgements are too inconsistent (CR above the threshold), and inconsistency was
    /// not allowed.
    #[error(
        "the AHP judgements are too inconsistent: CR = {cr:.4} > {threshold} (λmax = {lambda_max:.4}, \
         n = {n}, CI = {ci:.4}, RI = {ri}); revise the judgements, or allow inconsistency \
         (--allow-inconsistent) to use them anyway"
    )]
    Inconsistent { cr: f64, ci: f64, ri: f64, lambda_max: f64, n: usize, threshold: f64 },

    /// The method's raw weights are not finite (values at the edge of floating point that the
    /// input domain should have refused: see `crate::limits`).
    #[error(
        "the {scheme} weights cannot be computed from these values (raw weights: {raw}); the \
         indicator values are outside what floating point can represent in this method"
    )]
    Degenerate { scheme: Scheme, raw: String },

    /// Internal: the power iteration for the principal eigenvector did not converge. Cannot
    /// happen for a positive matrix (Perron–Frobenius); reported rather than looping forever.
    #[error("internal error: the AHP power iteration did not converge in {iterations} iterations (change {change:e})")]
    NoConvergence { iterations: usize, change: f64 },
}

impl WeightingError {
    /// Whether the error is the user's input (exit code 2) rather than an internal fault
    /// (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, WeightingError::NoConvergence { .. })
    }
}

/// An unknown scheme name; the message lists the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown weighting scheme '{}'; valid schemes: {list}", crate::limits::shown(&self.0), list = Scheme::valid_names())]
pub struct UnknownScheme(pub String);
