//! Changing a validated scenario: every `with_*` method edits the scenario's parsed file and
//! validates it again against the same unit and indicator tables, so a [`Scenario`] never
//! holds a value that disagrees with another (the scoring model, the bounds and the
//! optimiser's constraints are rebuilt with the change).

use std::sync::Arc;

use super::{join_problems, MethodChoice, Scenario, ScenarioFile};
use crate::indicators::IndicatorTable;
use crate::optimize::{ChangeSpec, Combine, GroupSpec};
use crate::scenario::ScenarioError;
use crate::units::{Region, Units};

/// What a validated scenario was built from.
#[derive(Debug)]
pub(crate) struct Origin {
    pub(crate) file: ScenarioFile,
    pub(crate) units: Units,
    pub(crate) indicators: IndicatorTable,
}

impl Origin {
    pub(crate) fn new(file: &ScenarioFile, units: &Units, indicators: &IndicatorTable) -> Arc<Origin> {
        Arc::new(Origin { file: file.clone(), units: units.clone(), indicators: indicators.clone() })
    }
}

impl Scenario {
    /// The scenario file as parsed (before validation), with any edits applied.
    pub fn file(&self) -> &ScenarioFile {
        &self.origin.file
    }

    /// The scenario with `edit` applied to its file, validated again.
    pub fn edited(&self, edit: impl FnOnce(&mut ScenarioFile)) -> Result<Scenario, ScenarioError> {
        let mut file = self.origin.file.clone();
        edit(&mut file);
        Scenario::build(&file, &self.origin.units, &self.origin.indicators, self.at.clone())
            .map_err(join_problems)
    }

    /// The scenario with another national total.
    pub fn with_total(&self, total: u64) -> Result<Scenario, ScenarioError> {
        self.edited(|f| f.total = total)
    }

    /// The scenario with another apportionment method (or the optimisation model).
    pub fn with_method(&self, method: MethodChoice) -> Result<Scenario, ScenarioError> {
        self.edited(|f| f.method = method.name().to_string())
    }

    /// The scenario with the five 计划单列市 merged into their provinces (or not).
    pub fn with_merged_cities(&self, merge: bool) -> Result<Scenario, ScenarioError> {
        self.edited(|f| f.merge_cities = merge)
    }

    /// The scenario with the raw weight of indicator `column` changed (the weights are
    /// normalised again to sum to 1).
    pub fn with_weight(&self, column: &str, weight: f64) -> Result<Scenario, ScenarioError> {
        let k = self.indicator_index(column)?;
        self.edited(|f| f.indicator[k].weight = weight)
    }

    /// The scenario with every indicator weight replaced, in the scenario's indicator order.
    pub fn with_weights(&self, weights: &[f64]) -> Result<Scenario, ScenarioError> {
        let n = self.origin.file.indicator.len();
        if weights.len() != n {
            return Err(
                self.invalid("indicator", format!("{} weights given for {n} indicators", weights.len()))
            );
        }
        self.edited(|f| f.indicator.iter_mut().zip(weights).for_each(|(e, &w)| e.weight = w))
    }

    /// The scenario with the development weight δ of the disparity term changed.
    pub fn with_development_weight(&self, delta: f64) -> Result<Scenario, ScenarioError> {
        if self.origin.file.disparity.as_ref().is_none_or(|d| !d.enabled) {
            return Err(self.invalid("disparity", "the scenario's disparity term is off".into()));
        }
        self.edited(|f| {
            if let Some(d) = f.disparity.as_mut() {
                d.development_weight = delta;
            }
        })
    }

    /// The scenario with the multiplier of one region of the disparity term changed.
    pub fn with_region_multiplier(&self, region: Region, multiplier: f64) -> Result<Scenario, ScenarioError> {
        if self.origin.file.disparity.as_ref().is_none_or(|d| !d.enabled) {
            return Err(self.invalid("disparity", "the scenario's disparity term is off".into()));
        }
        self.edited(|f| {
            if let Some(d) = f.disparity.as_mut() {
                d.region_multipliers.retain(|key, _| key.parse::<Region>().ok() != Some(region));
                d.region_multipliers.insert(region.name_zh().to_string(), multiplier);
            }
        })
    }

    /// The scenario solved by the optimisation model with one more group constraint — e.g. a
    /// regional guarantee: `GroupSpec { region: Some("西部".into()), min_share: Some(0.27), .. }`.
    /// The group is validated with the rest of the `[optimize]` table.
    pub fn with_group(&self, group: &GroupSpec) -> Result<Scenario, ScenarioError> {
        let value = toml::Value::try_from(group)
            .map_err(|e| self.invalid("optimize.group", format!("cannot express the group: {e}")))?;
        self.edited(|f| {
            f.method = MethodChoice::Optimize.name().to_string();
            let table = f.optimize.get_or_insert_with(toml::Table::new);
            let groups = table.entry("group").or_insert_with(|| toml::Value::Array(Vec::new()));
            if let toml::Value::Array(list) = groups {
                list.push(value);
            }
        })
    }

    /// The scenario solved by the optimisation model with change limits against a previous
    /// allocation — `[optimize.change]`, replacing any the scenario has. Validated with the
    /// rest of the `[optimize]` table (every unit needs a previous value).
    pub fn with_change(&self, change: &ChangeSpec) -> Result<Scenario, ScenarioError> {
        let int = |v: u64| toml::Value::Integer(i64::try_from(v).unwrap_or(i64::MAX));
        let mut table = toml::Table::new();
        let previous: toml::Table = change.previous.iter().map(|(code, v)| (code.clone(), int(*v))).collect();
        table.insert("previous".into(), toml::Value::Table(previous));
        if let Some(a) = change.max_abs {
            table.insert("max_abs".into(), int(a));
        }
        if let Some(r) = change.max_rel {
            table.insert("max_rel".into(), toml::Value::Float(r));
        }
        let combine = match change.combine {
            Combine::Both => "both",
            Combine::Either => "either",
        };
        table.insert("combine".into(), toml::Value::String(combine.into()));
        self.edited(|f| {
            f.method = MethodChoice::Optimize.name().to_string();
            f.optimize
                .get_or_insert_with(toml::Table::new)
                .insert("change".into(), toml::Value::Table(table));
        })
    }

    /// The scenario with another seed for its random draws.
    pub fn with_seed(&self, seed: Option<u64>) -> Result<Scenario, ScenarioError> {
        self.edited(|f| f.seed = seed)
    }

    /// The scenario with one unit's raw value in `column` of the indicator table changed (an
    /// indicator, the development column or a caps column; by unit code, in the table as
    /// loaded: in a merged scenario a province's own row, before its 计划单列市 are added in),
    /// validated and normalised again.
    pub fn with_indicator_value(
        &self,
        column: &str,
        code: &str,
        value: f64,
    ) -> Result<Scenario, ScenarioError> {
        let Some(u) = self.origin.units.position(code) else {
            return Err(self.invalid("indicator", format!("no unit has the code '{code}'")));
        };
        let indicators = self.origin.indicators.with_value(u, column, value).map_err(ScenarioError::Data)?;
        Scenario::build(&self.origin.file, &self.origin.units, &indicators, self.at.clone())
            .map_err(join_problems)
    }

    fn indicator_index(&self, column: &str) -> Result<usize, ScenarioError> {
        let columns: Vec<String> = self.origin.file.indicator.iter().map(|e| e.column.clone()).collect();
        columns.iter().position(|c| c == column).ok_or_else(|| {
            let hint = crate::input::closest(column, &columns)
                .map(|c| format!("; did you mean '{c}'?"))
                .unwrap_or_default();
            self.invalid(
                "indicator",
                format!(
                    "'{column}' is not an indicator of this scenario{hint} (it has: {})",
                    columns.join(", ")
                ),
            )
        })
    }

    fn invalid(&self, key: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid { at: self.at.at_column(key), message }
    }
}
