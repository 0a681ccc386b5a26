//! The provenance of a scenario: which of the indicator file's columns decide its numbers
//! (weighted indicators, the development column, the caps column) and what the file declares
//! about each (see [`crate::provenance`]).

use super::ScenarioFile;
use crate::error::DataError;
use crate::indicators::IndicatorTable;
use crate::provenance::{Input, Provenance, Role};
use crate::units::Units;

/// The inputs of `file` read from `indicators`, with their declared provenance.
pub(super) fn of_inputs(
    file: &ScenarioFile,
    units: &Units,
    indicators: &IndicatorTable,
) -> Result<Provenance, DataError> {
    let codes: Vec<String> = units.as_slice().iter().map(|u| u.code.clone()).collect();
    let input = |column: &str, role: Role, zh: &str, en: &str| -> Result<Input, DataError> {
        let statuses = indicators.unit_statuses(column)?.unwrap_or_default();
        Ok(Input::new(column, role, &indicators.provenance(column), &codes, &statuses, (zh, en)))
    };
    let mut inputs = Vec::new();
    for e in file.indicator.iter().filter(|e| e.weight > 0.0) {
        let label = e.label.clone().unwrap_or_else(|| e.column.clone());
        inputs.push(input(&e.column, Role::Indicator, &label, &e.column)?);
    }
    if let Some(d) = file.disparity.as_ref().filter(|d| d.enabled && d.development_weight > 0.0) {
        if let Some(col) = &d.development_column {
            inputs.push(input(col, Role::Development, &format!("发展指标 {col}"), col)?);
        }
    }
    if let Some(col) = &file.bounds.caps_column {
        inputs.push(input(col, Role::Caps, &format!("上限 {col}"), &format!("caps {col}"))?);
    }
    Ok(Provenance::of(inputs))
}
