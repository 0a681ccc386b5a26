//! Comparing allocations: the same scenario under different weighting schemes and
//! apportionment methods, and two planners' scenarios side by side.
//!
//! What this module owns (everything `quota compare` computes):
//! - [`study()`]: one scenario under weighting schemes × methods, as a [`CompareSpec`] asks,
//!   into a [`CompareStudy`] (its JSON is the command's); [`diff_study()`]: two scenarios side
//!   by side, into a [`DiffStudy`];
//! - [`SchemeSpec`]: one entry of a scheme list (`entropy`, `ahp:FILE`), parsed, not read;
//! - [`allocate_with`]: a scenario re-allocated with other indicator weights and another method;
//! - [`mod@metrics`]: what a planner asks of each allocation — distance from the split each
//!   indicator alone would give, inequality of slots per 小巨人 firm, regional shares, units held
//!   by their bounds, ties and quota-rule violations (definitions in [`mod@metrics`]);
//! - [`observed_fit()`]: a scenario's allocation against an observed one (announced slots or a
//!   benchmark), per unit and as fit measures, into an [`ObservedFit`];
//! - [`mod@diff`]: the unit-by-unit difference in slots and money between two allocations;
//! - [`svg`]: a grouped bar chart of slots by unit, one colour per column.
//!
//! The library reads no files: the CLI reads an `ahp:FILE` and passes the parsed matrix in.
//! Presentation (tables, CSV, JSON, the chart) is in [`crate::render::compare`].

pub mod column_metrics;
pub mod diff;
pub mod diff_study;
pub mod leave_one_out;
pub mod metrics;
pub mod observed_fit;
pub mod spec;
pub mod study;
pub mod svg;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::allocate::{allocate, AllocateError, Allocation};
use crate::apportion::ApportionError;
use crate::apportion::{Method, UnknownMethod};
use crate::check::CheckError;
use crate::error::Location;
use crate::scenario::{MethodChoice, Scenario};
use crate::scoring::ScoringError;
use crate::weighting::{Scheme, UnknownScheme, WeightingError};

pub use column_metrics::{ColumnMetrics, GiniSummary, RegionShare, SplitDeviation, UnitsOutsideQuota};
pub use diff::{diff, ScenarioDiff, Side, UnitChange};
pub use diff_study::{diff_study, DiffSide, DiffStudy, DiffTotals, DiffUnit, LargestChange};
pub use leave_one_out::{leave_one_out, Dropped, LeaveOneOut, LooUnit};
pub use metrics::{
    deviation, gini_per_firm, ideal_quotas, metrics, proportional_split, quota_violations, region_slots,
    Deviation, Gini, Metrics, QuotaViolations, RegionSlots, Split,
};
pub use observed_fit::{observed_fit, FitSummary, FitUnit, LargestError, ObservedFit, ObservedSource};
pub use spec::{column_labels, CompareSpec, FirmCounts, SchemeChoice, DEFAULT_FIRMS_COLUMN, DEFAULT_SCHEMES};
pub use study::{
    baseline_method, study, Baseline, BaselineWeights, Column, CompareStudy, IndicatorSplit, Keyed,
    SchemeWeights, Summary, UnitRow,
};

/// Why a comparison could not be set up or computed.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum CompareError {
    /// A scheme name that is not a weighting scheme.
    #[error(transparent)]
    UnknownScheme(#[from] UnknownScheme),
    /// A method name that is not an apportionment method.
    #[error(transparent)]
    UnknownMethod(#[from] UnknownMethod),
    /// `scheme:ARG` for a scheme that takes no argument.
    #[error("'{spec}': only ahp takes a file (ahp:FILE); {scheme} takes no argument")]
    SchemeArgument { spec: String, scheme: Scheme },
    /// `ahp:` with nothing after the colon.
    #[error("'{spec}': give the pairwise-comparison matrix after 'ahp:' (e.g. ahp:data/ahp/scenario-indicators.csv)")]
    EmptyAhpFile { spec: String },
    /// The same scheme, method or column listed twice.
    #[error("{what} '{name}' is listed twice")]
    Duplicate { what: &'static str, name: String },
    /// An empty list.
    #[error("no {what} given")]
    Empty { what: &'static str },
    /// A single-indicator split could not be scored (an indicator whose normalised column is
    /// all zero cannot happen for a validated scenario; reported rather than assumed).
    #[error("the split by indicator '{indicator}': {source}")]
    SplitScoring { indicator: String, source: ScoringError },
    /// A single-indicator split could not be apportioned.
    #[error("the split by indicator '{indicator}': {source}")]
    SplitApportion { indicator: String, source: ApportionError },
    /// The independent checker rejected a single-indicator split (an internal fault).
    #[error("the split by indicator '{indicator}': the independent checker rejected it: {source}")]
    SplitCheck { indicator: String, source: CheckError },
    /// Slot vectors of different lengths.
    #[error("{what}: {got} values, expected one per unit ({expected})")]
    Length { what: &'static str, got: usize, expected: usize },
    /// The scenario's method is the optimisation model, which has no weights to compare.
    #[error("{at}: method 'optimize' cannot be compared here; choose an apportionment method")]
    OptimizeBaseline { at: Location },
    /// The scenario's indicators do not form a valid indicator matrix.
    #[error(transparent)]
    Indicators(WeightingError),
    /// A weighting scheme could not derive its weights (`missing_matrix`: an AHP entry with
    /// no pairwise-comparison matrix).
    #[error("weighting scheme {spec}")]
    Weighting { spec: SchemeSpec, missing_matrix: bool, source: WeightingError },
    /// A scenario could not be allocated (`what`: "the scenario as written", "with LABEL",
    /// "scenario A (FILE)").
    #[error("allocating {what}")]
    Allocate { what: String, source: AllocateError },
}

impl CompareError {
    /// Whether the error is an internal fault (a checker rejecting a result, a weighting
    /// method that did not converge, inconsistent lengths) rather than bad input (a scheme,
    /// matrix, scenario or list).
    pub fn is_internal(&self) -> bool {
        match self {
            CompareError::Weighting { source, .. } => !source.is_bad_input(),
            CompareError::Allocate { source, .. } => source.is_internal(),
            CompareError::SplitScoring { .. }
            | CompareError::SplitApportion { .. }
            | CompareError::SplitCheck { .. }
            | CompareError::Length { .. } => true,
            _ => false,
        }
    }
}

/// One entry of a scheme list: a weighting scheme, and for AHP optionally the file holding its
/// pairwise-comparison matrix (`ahp:FILE`). Parsing reads no file.
///
/// ```
/// use quota::compare::SchemeSpec;
/// use quota::weighting::Scheme;
/// let s: SchemeSpec = "ahp:data/ahp/scenario-indicators.csv".parse().unwrap();
/// assert_eq!(s.scheme, Scheme::Ahp);
/// assert_eq!(s.ahp_file.as_deref(), Some("data/ahp/scenario-indicators.csv"));
/// assert!("entropy:x".parse::<SchemeSpec>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeSpec {
    /// The scheme.
    pub scheme: Scheme,
    /// For `ahp:FILE`: the file, as written.
    pub ahp_file: Option<String>,
}

impl SchemeSpec {
    /// A scheme without argument.
    pub fn plain(scheme: Scheme) -> Self {
        SchemeSpec { scheme, ahp_file: None }
    }

    /// The column label: the scheme name, or `ahp:STEM` (the file name without directory and
    /// extension) when `several_ahp` columns must be told apart.
    pub fn label(&self, several_ahp: bool) -> String {
        match &self.ahp_file {
            Some(f) if several_ahp => {
                let stem = std::path::Path::new(f)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| f.clone());
                format!("ahp:{stem}")
            }
            _ => self.scheme.name().to_string(),
        }
    }
}

impl fmt::Display for SchemeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ahp_file {
            Some(file) => write!(f, "{}:{file}", self.scheme),
            None => write!(f, "{}", self.scheme),
        }
    }
}

impl FromStr for SchemeSpec {
    type Err = CompareError;

    /// `NAME` or `ahp:FILE`; NAME is any name or alias [`Scheme`] accepts.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a.trim())),
            None => (s, None),
        };
        let scheme: Scheme = name.parse()?;
        match (scheme, arg) {
            (_, None) => Ok(SchemeSpec::plain(scheme)),
            (Scheme::Ahp, Some("")) => Err(CompareError::EmptyAhpFile { spec: s.to_string() }),
            (Scheme::Ahp, Some(file)) => Ok(SchemeSpec { scheme, ahp_file: Some(file.to_string()) }),
            (_, Some(_)) => Err(CompareError::SchemeArgument { spec: s.to_string(), scheme }),
        }
    }
}

/// Parses a scheme list (`equal,entropy,ahp:FILE`): no entry twice, at least one.
pub fn parse_schemes<S: AsRef<str>>(items: &[S]) -> Result<Vec<SchemeSpec>, CompareError> {
    let specs = items.iter().map(|s| s.as_ref().parse::<SchemeSpec>()).collect::<Result<Vec<_>, _>>()?;
    if specs.is_empty() {
        return Err(CompareError::Empty { what: "weighting schemes" });
    }
    distinct("scheme", specs.iter().map(|s| s.to_string()))?;
    Ok(specs)
}

/// Parses a method list (`hamilton,webster`): no method twice (aliases count as their
/// method), at least one.
pub fn parse_methods<S: AsRef<str>>(items: &[S]) -> Result<Vec<Method>, CompareError> {
    let methods = items.iter().map(|s| s.as_ref().parse::<Method>()).collect::<Result<Vec<_>, _>>()?;
    if methods.is_empty() {
        return Err(CompareError::Empty { what: "apportionment methods" });
    }
    distinct("method", methods.iter().map(|m| m.name().to_string()))?;
    Ok(methods)
}

/// Fails on the first name that appears twice.
pub fn distinct(what: &'static str, names: impl IntoIterator<Item = String>) -> Result<(), CompareError> {
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n.clone()) {
            return Err(CompareError::Duplicate { what, name: n });
        }
    }
    Ok(())
}

/// The scenario allocated with indicator weights `weights` (in the scenario's indicator order,
/// summing to 1) and apportionment `method`; everything else (normalisation, disparity term,
/// floors, caps, funding) unchanged. The result has passed the independent checker.
pub fn allocate_with(s: &Scenario, weights: &[f64], method: Method) -> Result<Allocation, AllocateError> {
    assert_eq!(weights.len(), s.indicators.len(), "one weight per indicator");
    let mut t = s.clone();
    for (ind, &w) in t.indicators.iter_mut().zip(weights) {
        ind.weight = w;
    }
    t.method = MethodChoice::Apportion(method);
    allocate(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_specs_parse_names_aliases_and_ahp_files() {
        assert_eq!("entropy".parse::<SchemeSpec>().unwrap(), SchemeSpec::plain(Scheme::Entropy));
        assert_eq!("熵权法".parse::<SchemeSpec>().unwrap(), SchemeSpec::plain(Scheme::Entropy));
        let a: SchemeSpec = "AHP:m.toml".parse().unwrap();
        assert_eq!(a, SchemeSpec { scheme: Scheme::Ahp, ahp_file: Some("m.toml".into()) });
        assert_eq!(a.label(false), "ahp");
        assert_eq!(a.label(true), "ahp:m");
        assert_eq!(a.to_string(), "ahp:m.toml");
    }

    #[test]
    fn bad_scheme_specs_say_what_is_wrong() {
        let e = "topsis".parse::<SchemeSpec>().unwrap_err();
        assert!(e.to_string().contains("unknown weighting scheme 'topsis'"), "{e}");
        let e = "critic:x.csv".parse::<SchemeSpec>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "'critic:x.csv': only ahp takes a file (ahp:FILE); critic takes no argument"
        );
        let e = "ahp:".parse::<SchemeSpec>().unwrap_err();
        assert!(matches!(e, CompareError::EmptyAhpFile { .. }), "{e}");
        let e = parse_schemes(&["equal", "entropy", "uniform"]).unwrap_err();
        assert_eq!(e.to_string(), "scheme 'equal' is listed twice");
    }

    #[test]
    fn method_lists_reject_unknown_and_repeated_methods() {
        assert_eq!(
            parse_methods(&["hamilton", "sainte-lague"]).unwrap(),
            [Method::Hamilton, Method::Webster]
        );
        let e = parse_methods(&["webster", "sainte-lague"]).unwrap_err();
        assert_eq!(e.to_string(), "method 'webster' is listed twice");
        let e = parse_methods(&["hamiltn"]).unwrap_err();
        assert!(e.to_string().starts_with("unknown method 'hamiltn'"), "{e}");
        assert!(matches!(parse_methods::<&str>(&[]).unwrap_err(), CompareError::Empty { .. }));
    }
}
