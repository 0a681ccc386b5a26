//! Scenarios: what a planner writes in TOML (`data/scenarios/*.toml`), parsed into plain
//! structs ([`ScenarioFile`]) and then validated once, together with the unit and indicator
//! tables, into a [`Scenario`] that the rest of the engine may trust.
//!
//! ```toml
//! name = "2024-batch1"
//! description = "…"
//! total = 1039                  # national quota of firms
//! method = "hamilton"           # any apportionment method, or "optimize"
//! merge_cities = false          # true: the 5 计划单列市 join their provinces (32 units)
//! units = "../units.csv"        # optional, relative to this file (default: bundled)
//! indicators = "../indicators.csv"
//!
//! [[indicator]]
//! column = "sme_above_scale"    # column of the indicators file
//! label = "规模以上工业中小企业数量"
//! weight = 0.4
//! normalise = "share"           # share | min-max | z-score | log-share
//! merge = "sum"                 # how merge_cities combines a city with its province: sum | parent
//!
//! [disparity]                   # 区域发展基础差异; enabled = false switches all of it off
//! enabled = true
//! region_multipliers = { 东部 = 1.0, 中部 = 1.1, 西部 = 1.2, 东北 = 1.15 }
//! development_column = "gdp_per_capita"
//! development_weight = 0.1
//!
//! [bounds]
//! floor = 1                     # every unit's floor, clipped to its cap
//! caps_column = "eligible_firms" # a unit never gets more slots than its eligible firms
//! floors = { "54" = 0 }         # per-unit overrides, by code
//! caps = { "11" = 100 }
//!
//! [funding]                     # 万元; see crate::funding
//! per_firm_wan = 600
//! first_tranche_percent = 50
//! services_bp = 500
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::apportion::{Method, UnknownMethod};
use crate::error::Location;
use crate::funding::FundingRules;
use crate::indicators::IndicatorTable;
use crate::scoring::{self, Normalisation, ScoreModel};
use crate::units::{Region, Units};

mod access;
mod edit;
mod error;
mod provenance;
mod source;

pub use error::ScenarioError;
pub use source::{
    load, parse_method, read_bytes, read_input, read_text, Inputs, Overrides, Source, BUNDLED_INDICATORS,
    BUNDLED_INDICATORS_LABEL, BUNDLED_SCENARIO, BUNDLED_SCENARIO_LABEL, BUNDLED_UNITS, BUNDLED_UNITS_LABEL,
};

/// How slots are decided: an apportionment method or the optimisation model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodChoice {
    /// One of the classical apportionment methods.
    Apportion(Method),
    /// The constrained optimisation model (`[optimize]` table of the scenario).
    Optimize,
}

impl MethodChoice {
    /// Canonical name.
    pub fn name(self) -> &'static str {
        match self {
            MethodChoice::Apportion(m) => m.name(),
            MethodChoice::Optimize => "optimize",
        }
    }
}

impl fmt::Display for MethodChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MethodChoice {
    type Err = UnknownMethod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "optimize" | "optimise" => Ok(MethodChoice::Optimize),
            _ => s
                .parse::<Method>()
                .map(MethodChoice::Apportion)
                .map_err(|e| UnknownMethod(format!("{}' (or 'optimize", e.0))),
        }
    }
}

/// How `merge_cities` combines a 计划单列市's value with its province's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum MergeRule {
    /// Add the city's value to the province's (counts).
    #[default]
    Sum,
    /// Keep the province's value (levels, scores, per-capita figures that already cover the city).
    Parent,
}

/// One `[[indicator]]` of a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorEntry {
    /// Column of the indicators file.
    pub column: String,
    /// Human label (defaults to the column name).
    #[serde(default)]
    pub label: Option<String>,
    /// Weight (normalised with the others to sum 1).
    pub weight: f64,
    /// Normalisation.
    #[serde(default = "default_normalisation")]
    pub normalise: Normalisation,
    /// Merge rule for `merge_cities`.
    #[serde(default)]
    pub merge: MergeRule,
}

fn default_normalisation() -> Normalisation {
    Normalisation::Share
}

/// The `[disparity]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DisparityEntry {
    /// Master switch (default on when the table is present).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Multiplier per NBS region, keyed 东部/中部/西部/东北 or East/Central/West/Northeast.
    #[serde(default)]
    pub region_multipliers: BTreeMap<String, f64>,
    /// Column of the development indicator (e.g. GDP per capita); its inverse favours poorer units.
    #[serde(default)]
    pub development_column: Option<String>,
    /// Weight δ of the development term, in [0, 1).
    #[serde(default)]
    pub development_weight: f64,
}

fn yes() -> bool {
    true
}

/// The `[bounds]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BoundsEntry {
    /// Floor for every unit, clipped to the unit's cap (so "at least 1 where a firm is eligible").
    #[serde(default)]
    pub floor: u64,
    /// Column with each unit's cap (eligible firms).
    #[serde(default)]
    pub caps_column: Option<String>,
    /// Per-unit floors by code (not clipped: a floor above the cap is an error).
    #[serde(default)]
    pub floors: BTreeMap<String, u64>,
    /// Per-unit caps by code (override the column).
    #[serde(default)]
    pub caps: BTreeMap<String, u64>,
}

/// A scenario file as written (first stage: parsed, not yet validated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name.
    pub name: String,
    /// Display name for titles of published tables (defaults to `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the scenario is for.
    #[serde(default)]
    pub description: String,
    /// National quota of firms, N.
    pub total: u64,
    /// Method name.
    #[serde(default = "default_method")]
    pub method: String,
    /// Merge the 计划单列市 into their provinces.
    #[serde(default)]
    pub merge_cities: bool,
    /// Units file, relative to the scenario.
    #[serde(default)]
    pub units: Option<String>,
    /// Indicators file, relative to the scenario.
    #[serde(default)]
    pub indicators: Option<String>,
    /// The indicators and their weights.
    #[serde(rename = "indicator", default)]
    pub indicator: Vec<IndicatorEntry>,
    /// Regional disparity term.
    #[serde(default)]
    pub disparity: Option<DisparityEntry>,
    /// Floors and caps.
    #[serde(default)]
    pub bounds: BoundsEntry,
    /// Funding rules.
    #[serde(default)]
    pub funding: FundingRules,
    /// The optimisation model's constraints (read by `crate::optimize`).
    #[serde(default)]
    pub optimize: Option<toml::Table>,
    /// Seed for anything random done with this scenario (sweeps).
    #[serde(default)]
    pub seed: Option<u64>,
}

fn default_method() -> String {
    "hamilton".into()
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() as u64 + 1
}

impl ScenarioFile {
    /// Parses TOML text.
    pub fn parse(text: &str, at: Location) -> Result<Self, ScenarioError> {
        toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => at.at_line(line_of(text, span.start)),
                None => at,
            };
            ScenarioError::Toml { at, message: e.message().trim().to_string() }
        })
    }
}

/// A validated indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// Column name.
    pub column: String,
    /// Label.
    pub label: String,
    /// Weight after normalisation (the weights sum to 1).
    pub weight: f64,
    /// Normalisation.
    pub normalise: Normalisation,
    /// Raw values in unit order (after any merge).
    pub values: Vec<f64>,
}

/// Validated regional-disparity settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disparity {
    /// Multiplier per region (1 for a region not listed).
    pub multipliers: Vec<(Region, f64)>,
    /// Development column, its raw values (unit order) and weight δ.
    pub development: Option<(String, Vec<f64>, f64)>,
}

/// A scenario ready to allocate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name.
    pub(crate) name: String,
    /// Display name (the file's `title`, else its `name`).
    pub(crate) title: String,
    /// Description.
    pub(crate) description: String,
    /// National quota N.
    pub(crate) total: u64,
    /// Method.
    pub(crate) method: MethodChoice,
    /// Units (32 if merged, else as loaded).
    pub(crate) units: Units,
    /// Whether the 计划单列市 were merged into their provinces.
    pub(crate) merged: bool,
    /// Indicators with normalised weights.
    pub(crate) indicators: Vec<Indicator>,
    /// Disparity term (None when off).
    pub(crate) disparity: Option<Disparity>,
    /// Floors per unit.
    pub(crate) floors: Vec<u64>,
    /// Caps per unit.
    pub(crate) caps: Vec<u64>,
    /// Funding rules.
    pub(crate) funding: FundingRules,
    /// The optimisation model's constraints, resolved against the units (when the scenario has
    /// an `[optimize]` table or uses `method = "optimize"`).
    pub(crate) constraints: Option<crate::optimize::Constraints>,
    /// Seed.
    pub(crate) seed: Option<u64>,
    /// The weight-independent scoring model.
    pub(crate) model: ScoreModel,
    /// Where the scenario came from.
    pub(crate) at: Location,
    /// The provenance of the inputs that decide its numbers.
    pub(crate) provenance: crate::provenance::Provenance,
    /// The parsed file and the tables it was validated against (for the `with_*` edits).
    origin: std::sync::Arc<edit::Origin>,
}

/// Collects problems so that `quota validate` can report all of them.
#[derive(Default)]
struct Problems(Vec<ScenarioError>);

impl Problems {
    fn push(&mut self, e: impl Into<ScenarioError>) {
        self.0.push(e.into());
    }
    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<ScenarioError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

impl Scenario {
    /// Validates `file` against the unit table and the indicator table (second stage).
    /// Returns every problem found, not just the first.
    pub fn build(
        file: &ScenarioFile,
        units: &Units,
        indicators: &IndicatorTable,
        at: Location,
    ) -> Result<Scenario, Vec<ScenarioError>> {
        let mut problems = Problems::default();
        let invalid = |key: &str, message: String| ScenarioError::Invalid { at: at.at_column(key), message };

        let method = match file.method.parse::<MethodChoice>() {
            Ok(m) => Some(m),
            Err(e) => {
                problems.push(invalid("method", e.to_string()));
                None
            }
        };
        if file.total == 0 {
            problems.push(invalid("total", "the total must be at least 1 slot".into()));
        }
        if file.total > crate::apportion::MAX_SEATS {
            problems.push(invalid(
                "total",
                format!(
                    "{} is above the largest total accepted, {}",
                    file.total,
                    crate::apportion::MAX_SEATS
                ),
            ));
        }
        if let Err(e) = file.funding.validate() {
            problems.push(invalid("funding", e.to_string()));
        }
        if file.indicator.is_empty() {
            problems.push(invalid(
                "indicator",
                "no [[indicator]] entries: give at least one indicator and weight".into(),
            ));
        }

        // Merge map (identity when not merging).
        let (out_units, map) = if file.merge_cities {
            units.merge_cities()
        } else {
            (units.clone(), (0..units.len()).collect())
        };
        let merging = file.merge_cities;
        let merge = |values: &[f64], rule: MergeRule| -> Vec<f64> {
            let mut out = vec![0.0; out_units.len()];
            for (i, &v) in values.iter().enumerate() {
                match rule {
                    MergeRule::Sum => out[map[i]] += v,
                    MergeRule::Parent if merging && units.get(i).is_city() => {}
                    MergeRule::Parent => out[map[i]] = v,
                }
            }
            out
        };

        // Indicators.
        let mut chosen = Vec::new();
        for (k, e) in file.indicator.iter().enumerate() {
            let key = format!("indicator[{}].weight", k + 1);
            if !e.weight.is_finite() || e.weight < 0.0 {
                problems.push(invalid(&key, format!("weight {} must be finite and non-negative", e.weight)));
                continue;
            }
            if let Err(m) = crate::limits::check_factor(e.weight, true) {
                problems.push(invalid(&key, format!("weight {m}")));
                continue;
            }
            match indicators.column(&e.column) {
                Ok(v) => chosen.push((e, merge(&v, e.merge))),
                Err(err) => problems.push(err),
            }
        }
        let in_domain = |w: f64| crate::limits::check_factor(w, true).is_ok();
        let weights: Vec<f64> =
            file.indicator.iter().map(|e| if in_domain(e.weight) { e.weight } else { 0.0 }).collect();
        let names: Vec<String> = file.indicator.iter().map(|e| e.column.clone()).collect();
        let refused = file.indicator.iter().any(|e| !in_domain(e.weight));
        let norm_weights = if file.indicator.is_empty() || refused {
            None
        } else {
            match scoring::normalise_weights(&weights, &names) {
                Ok(w) => Some(w),
                Err(e) => {
                    problems.push(invalid("indicator", e.to_string()));
                    None
                }
            }
        };
        let mut normalised = Vec::new();
        for (e, v) in &chosen {
            match scoring::normalise(&e.column, v, e.normalise) {
                Ok(s) => normalised.push(s),
                Err(err) => problems.push(invalid(&format!("indicator '{}'", e.column), err.to_string())),
            }
        }

        // Disparity.
        let unit_names: Vec<String> = out_units.as_slice().iter().map(|u| u.name_zh.clone()).collect();
        let mut disparity = None;
        let mut development = None;
        if let Some(d) = file.disparity.as_ref().filter(|d| d.enabled) {
            let mut multipliers = Vec::new();
            for (key, &m) in &d.region_multipliers {
                match key.parse::<Region>() {
                    Ok(r) if crate::limits::check_factor(m, false).is_ok() => multipliers.push((r, m)),
                    Ok(_) if m.is_finite() && m > 0.0 => problems.push(invalid(
                        &format!("disparity.region_multipliers.{key}"),
                        format!("multiplier {}", crate::limits::check_factor(m, false).unwrap_err()),
                    )),
                    Ok(_) => problems.push(invalid(
                        &format!("disparity.region_multipliers.{key}"),
                        format!("multiplier {m} must be a positive number"),
                    )),
                    Err(msg) => problems.push(invalid("disparity.region_multipliers", msg)),
                }
            }
            let mut dev = None;
            if let Some(col) = &d.development_column {
                if !(0.0..1.0).contains(&d.development_weight) {
                    problems.push(invalid(
                        "disparity.development_weight",
                        format!("{} must be in [0, 1)", d.development_weight),
                    ));
                }
                match indicators.column(col) {
                    Ok(v) => {
                        let v = merge(&v, MergeRule::Parent);
                        match scoring::development_term(&v, &unit_names) {
                            Ok(u) => development = Some(u),
                            Err(e) => problems.push(invalid("disparity.development_column", e.to_string())),
                        }
                        dev = Some((col.clone(), v, d.development_weight));
                    }
                    Err(e) => problems.push(e),
                }
            } else if d.development_weight != 0.0 {
                problems.push(invalid(
                    "disparity.development_weight",
                    "a development weight needs a development_column".into(),
                ));
            }
            disparity = Some(Disparity { multipliers, development: dev });
        }

        // Bounds.
        let n = out_units.len();
        let total = file.total;
        let mut caps = vec![total; n];
        if let Some(col) = &file.bounds.caps_column {
            match indicators.integer_column(col) {
                Ok(v) => {
                    // Integers summed as integers: each is at most 10^15 and there are at most
                    // 10^4 of them, so the sum fits in u64 (see crate::limits).
                    let mut merged = vec![0u64; out_units.len()];
                    for (i, &x) in v.iter().enumerate() {
                        merged[map[i]] = merged[map[i]].saturating_add(x);
                    }
                    caps = merged;
                }
                Err(e) => problems.push(e),
            }
        }
        let max_count = crate::limits::MAX_COUNT;
        let too_big = |what: &str, v: u64| format!("{what} {v} is above the largest count accepted, 10^15");
        for (code, &c) in &file.bounds.caps {
            match out_units.position(code) {
                Some(_) if c > max_count => {
                    problems.push(invalid(&format!("bounds.caps.{code}"), too_big("cap", c)))
                }
                Some(i) => caps[i] = c,
                None => {
                    problems.push(invalid(&format!("bounds.caps.{code}"), unknown_code(code, &out_units)))
                }
            }
        }
        let mut floors: Vec<u64> = caps.iter().map(|&c| file.bounds.floor.min(c)).collect();
        if file.bounds.floor > max_count {
            problems.push(invalid("bounds.floor", too_big("floor", file.bounds.floor)));
        }
        for (code, &f) in &file.bounds.floors {
            match out_units.position(code) {
                Some(_) if f > max_count => {
                    problems.push(invalid(&format!("bounds.floors.{code}"), too_big("floor", f)))
                }
                Some(i) => floors[i] = f,
                None => {
                    problems.push(invalid(&format!("bounds.floors.{code}"), unknown_code(code, &out_units)))
                }
            }
        }
        for i in 0..n {
            if floors[i] > caps[i] {
                let u = out_units.get(i);
                problems.push(invalid(
                    "bounds",
                    format!("unit {} {}: floor {} > cap {}", u.code, u.name_zh, floors[i], caps[i]),
                ));
            }
        }
        // u128: per-unit floors and caps come from TOML as any u64.
        let floor_sum: u128 = floors.iter().map(|&f| f as u128).sum();
        let cap_sum: u128 = caps.iter().map(|&c| c.min(total) as u128).sum();
        if total > 0 && floor_sum > total as u128 {
            problems.push(invalid("bounds", format!("floors sum to {floor_sum} > total {total}")));
        }
        if cap_sum < total as u128 {
            problems.push(invalid("bounds", format!("caps sum to {cap_sum} < total {total}")));
        }

        // The optimisation model's constraints, by the scenario's own names.
        let mut constraints = None;
        if file.optimize.is_some() || method == Some(MethodChoice::Optimize) {
            let table = file.optimize.clone().unwrap_or_default();
            match crate::optimize::OptimizeSpec::deserialize(toml::Value::Table(table)) {
                Ok(spec) => match spec.build(&out_units, &at.at_column("optimize")) {
                    Ok(c) => constraints = Some(c),
                    Err(e) => problems.push(ScenarioError::from(e)),
                },
                Err(e) => problems.push(invalid("optimize", e.to_string())),
            }
        }

        let provenance = match provenance::of_inputs(file, units, indicators) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(e);
                None
            }
        };

        let regions: Vec<Region> = out_units.as_slice().iter().map(|u| u.region).collect();
        problems.finish(|| {
            let w = norm_weights.expect("weights valid when there are no problems");
            let model = ScoreModel {
                normalised,
                development,
                region_factor: scoring::region_factors(
                    &regions,
                    disparity.as_ref().map_or(&[][..], |d| &d.multipliers[..]),
                ),
            };
            Scenario {
                name: file.name.clone(),
                title: file.title.clone().unwrap_or_else(|| file.name.clone()),
                provenance: provenance.expect("provenance read when there are no problems"),
                description: file.description.clone(),
                total,
                method: method.expect("method valid"),
                merged: file.merge_cities,
                indicators: chosen
                    .into_iter()
                    .zip(w)
                    .map(|((e, values), weight)| Indicator {
                        column: e.column.clone(),
                        label: e.label.clone().unwrap_or_else(|| e.column.clone()),
                        weight,
                        normalise: e.normalise,
                        values,
                    })
                    .collect(),
                disparity,
                floors,
                caps,
                funding: file.funding,
                constraints,
                seed: file.seed,
                model,
                units: out_units,
                at,
                origin: edit::Origin::new(file, units, indicators),
            }
        })
    }

    /// Indicator weights in order.
    pub fn weights(&self) -> Vec<f64> {
        self.indicators.iter().map(|i| i.weight).collect()
    }

    /// The development weight δ (0 when the term is off).
    pub fn development_weight(&self) -> f64 {
        self.disparity.as_ref().and_then(|d| d.development.as_ref()).map_or(0.0, |d| d.2)
    }
}

fn unknown_code(code: &str, units: &Units) -> String {
    let codes: Vec<String> = units.as_slice().iter().map(|u| u.code.clone()).collect();
    let hint =
        crate::input::closest(code, &codes).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
    format!("unknown unit code '{code}'{hint}")
}

/// Turns a list of problems into one error (the only one, or all of them joined).
pub fn join_problems(mut problems: Vec<ScenarioError>) -> ScenarioError {
    if problems.len() == 1 {
        problems.pop().expect("one problem")
    } else {
        let at = Location::file(format!("{} problems", problems.len()));
        ScenarioError::Invalid {
            at,
            message: problems.iter().map(|p| format!("\n  - {p}")).collect::<String>(),
        }
    }
}

impl From<Vec<ScenarioError>> for ScenarioError {
    fn from(v: Vec<ScenarioError>) -> Self {
        join_problems(v)
    }
}
