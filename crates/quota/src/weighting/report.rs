//! Derived weights as they are published (`quota weights`): the [`Weights`] with what they
//! were derived from ([`WeightsReport`], one call: [`weigh`]), and the indicator matrices the
//! command reads — a scenario's indicators ([`IndicatorMatrix::of_scenario`]) or columns of a
//! CSV table ([`IndicatorMatrix::from_csv`]).
//!
//! JSON: the fields of [`Weights`] (`scheme`, `names`, `weights`, `diagnostics`, `warnings`),
//! then `source`, `units` (null for AHP judgements alone) and `warning_messages` (each
//! warning as a sentence).

use serde::ser::{Serialize, Serializer};

use super::{ahp, derive, DeriveOptions, IndicatorMatrix, Scheme, WeightingError, Weights};
use crate::input::CsvTable;
use crate::scenario::Scenario;

/// What weights are derived from.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightsInput {
    /// An indicator matrix, with the label of where it was read.
    Indicators {
        /// The matrix.
        matrix: IndicatorMatrix,
        /// Label (file, or scenario and indicator file).
        source: String,
    },
    /// AHP judgements alone (the data play no part in AHP): the matrix in
    /// [`DeriveOptions::ahp`], labelled by its file.
    Judgements {
        /// Label of the judgement matrix.
        source: String,
    },
}

/// Derived weights with what they were derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightsReport {
    /// The weights, diagnostics and warnings.
    pub weights: Weights,
    /// Where the data (or the judgements) came from.
    pub source: String,
    /// Units in the indicator matrix (None for judgements alone).
    pub units: Option<usize>,
}

/// Derives weights by `scheme` from `input`; see [`derive()`] and [`ahp()`].
pub fn weigh(
    scheme: Scheme,
    input: WeightsInput,
    options: &DeriveOptions,
) -> Result<WeightsReport, WeightingError> {
    match input {
        WeightsInput::Indicators { matrix, source } => {
            let weights = derive(scheme, &matrix, options)?;
            Ok(WeightsReport { weights, source, units: Some(matrix.n_units()) })
        }
        WeightsInput::Judgements { source } => {
            let pm = match (scheme, &options.ahp) {
                (Scheme::Ahp, Some(pm)) => pm,
                (Scheme::Ahp, None) => {
                    return Err(WeightingError::MissingInput {
                        scheme,
                        what: "a pairwise-comparison matrix (CSV or TOML) over the indicators",
                    })
                }
                _ => {
                    return Err(WeightingError::MissingInput {
                        scheme,
                        what: "an indicator table or a scenario",
                    })
                }
            };
            let weights = ahp(pm, options.ahp_method, options.allow_inconsistent)?;
            Ok(WeightsReport { weights, source, units: None })
        }
    }
}

impl IndicatorMatrix {
    /// A scenario's indicators (its `[[indicator]]` columns) over its units, labelled by code.
    pub fn of_scenario(s: &Scenario) -> Result<IndicatorMatrix, WeightingError> {
        let names = s.indicators.iter().map(|i| i.column.clone()).collect();
        let units = s.units.as_slice().iter().map(|u| u.code.clone()).collect();
        let rows = (0..s.units.len()).map(|u| s.indicators.iter().map(|i| i.values[u]).collect()).collect();
        IndicatorMatrix::new(names, units, rows)
    }

    /// Columns `indicators` of a CSV table — every numeric column but `unit_column` when
    /// `indicators` is empty — one row per unit, labelled by `unit_column`.
    pub fn from_csv(
        t: &CsvTable,
        unit_column: &str,
        indicators: &[String],
    ) -> Result<IndicatorMatrix, WeightingError> {
        let c_unit = t.named_column(unit_column)?;
        let columns: Vec<&str> = if indicators.is_empty() {
            (0..t.header.len())
                .filter(|&c| c != c_unit && t.rows.iter().all(|r| is_number(&r[c])))
                .map(|c| t.header[c].as_str())
                .collect()
        } else {
            indicators.iter().map(|s| s.trim()).collect()
        };
        IndicatorMatrix::from_table(t, unit_column, &columns)
    }
}

/// A scenario's indicator weights by column (the input of the `manual` scheme).
pub fn scenario_weights(s: &Scenario) -> Vec<(String, f64)> {
    s.indicators.iter().map(|i| (i.column.clone(), i.weight)).collect()
}

fn is_number(cell: &str) -> bool {
    crate::input::parse_number(cell).is_ok()
}

#[derive(serde::Serialize)]
struct ReportView<'a> {
    #[serde(flatten)]
    weights: &'a Weights,
    source: &'a str,
    units: Option<usize>,
    warning_messages: Vec<String>,
}

impl Serialize for WeightsReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ReportView {
            weights: &self.weights,
            source: &self.source,
            units: self.units,
            warning_messages: self.weights.warnings.iter().map(ToString::to_string).collect(),
        }
        .serialize(s)
    }
}
