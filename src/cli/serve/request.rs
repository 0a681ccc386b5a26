//! What the page sends: where the scenario comes from ([`Upload`]) and the planner's changes
//! to it ([`Settings`]), typed; and how they become a validated [`Scenario`] through the
//! library. A bad value is answered with the library's own message and the field it belongs
//! to ([`Bad`]), so the page can show it next to that field.

use std::collections::BTreeMap;
use std::sync::Arc;

use quota::indicators::IndicatorTable;
use quota::scenario::{join_problems, Inputs, Scenario, ScenarioFile, Source};

use super::settings::apply;
use serde::Deserialize;

/// Largest uploaded text, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 1 << 20;
/// Most lines in an uploaded text.
pub const MAX_UPLOAD_LINES: usize = 10_000;

/// A request the server refuses: the message (the library's where it has one) and the field
/// of the page it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Bad {
    /// `source`, `scenario_toml`, `indicators_csv`, `method`, `total`, `weights`,
    /// `development_weight`, `region_multipliers`, `bounds`, `guarantees`, `unit`, `factor`,
    /// `format`, `body`, …
    pub field: &'static str,
    /// What is wrong, in the words the command line uses.
    pub message: String,
}

impl Bad {
    pub fn new(field: &'static str, message: impl std::fmt::Display) -> Bad {
        Bad { field, message: message.to_string() }
    }
}

/// The planner's own files, already decoded to text (`POST /api/decode`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// A scenario TOML (its data paths are not resolved: the bundled units and indicators, or
    /// `indicators_csv`, are used).
    pub scenario_toml: Option<String>,
    /// Its file name, for messages.
    pub scenario_name: Option<String>,
    /// An indicators CSV replacing the scenario's.
    pub indicators_csv: Option<String>,
    /// Its file name, for messages.
    pub indicators_name: Option<String>,
}

/// A regional guarantee for the optimiser: the named regions together get at least
/// `min_share` of the total (an `[[optimize.group]]` with `regions` and `min_share`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    /// Region names (东部, 中部, 西部, 东北 or East, Central, West, Northeast).
    pub regions: Vec<String>,
    /// A decimal in [0, 1].
    pub min_share: f64,
}

/// The planner's changes to the scenario; every field is optional (absent: as the scenario
/// says).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Any method name or alias `quota allocate --method` accepts, or `optimize`.
    pub method: Option<String>,
    /// National total: a number, or text as typed (refused with `--total`'s message).
    pub total: Option<serde_json::Value>,
    /// Raw weights by indicator column (normalised by the library).
    pub weights: Option<BTreeMap<String, f64>>,
    /// δ of the disparity term.
    pub development_weight: Option<f64>,
    /// Region multipliers by region name.
    pub region_multipliers: Option<BTreeMap<String, f64>>,
    /// Default floor per unit.
    pub floor: Option<u64>,
    /// Floors by unit code.
    pub floors: Option<BTreeMap<String, u64>>,
    /// Caps by unit code.
    pub caps: Option<BTreeMap<String, u64>>,
    /// Merge the five 计划单列市 into their provinces.
    pub merge_cities: Option<bool>,
    /// Regional guarantees (method `optimize` only).
    #[serde(default)]
    pub guarantees: Vec<Guarantee>,
}

/// One variant: a source (absent: the scenario the server was started with) and settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The planner's files, if any.
    pub source: Option<Upload>,
    /// The planner's changes.
    #[serde(default)]
    pub settings: Settings,
}

/// A validated scenario with the inputs it was built from.
pub struct Resolved {
    pub scenario: Scenario,
    pub inputs: Arc<Inputs>,
}

/// The scenario the server was started with (read-only, shared by every request), the
/// one-thread pool the sweeps behind the sensitivity ticks run in (so they never take the
/// cores the allocations need while a slider moves), and one permit per core for computing
/// (requests beyond that wait their turn instead of sharing the cores by time slices).
pub struct Base {
    pub scenario: Scenario,
    pub inputs: Arc<Inputs>,
    pub sweeps: rayon::ThreadPool,
    pub permits: tokio::sync::Semaphore,
}

impl Variant {
    /// The variant's scenario: its source loaded (or the base), its settings applied.
    pub fn resolve(&self, base: &Base) -> Result<Resolved, Bad> {
        match &self.source {
            None => {
                Ok(Resolved { scenario: apply(&base.scenario, &self.settings)?, inputs: base.inputs.clone() })
            }
            Some(up) => {
                let (scenario, inputs) = load_upload(up, base)?;
                Ok(Resolved { scenario: apply(&scenario, &self.settings)?, inputs: Arc::new(inputs) })
            }
        }
    }
}

fn check_size(field: &'static str, name: &str, text: &str) -> Result<(), Bad> {
    if text.len() > MAX_UPLOAD_BYTES {
        return Err(Bad::new(
            field,
            format!("{name}: {} bytes is more than the {MAX_UPLOAD_BYTES} allowed", text.len()),
        ));
    }
    let lines = text.lines().count();
    if lines > MAX_UPLOAD_LINES {
        return Err(Bad::new(
            field,
            format!("{name}: {lines} lines is more than the {MAX_UPLOAD_LINES} allowed"),
        ));
    }
    Ok(())
}

/// Loads the planner's files: the uploaded scenario (with the bundled data) or the base
/// scenario's file, and the uploaded indicators in place of the scenario's.
pub fn load_upload(up: &Upload, base: &Base) -> Result<(Scenario, Inputs), Bad> {
    let source = match &up.scenario_toml {
        Some(text) => {
            let name = up.scenario_name.as_deref().unwrap_or("scenario.toml");
            check_size("scenario_toml", name, text)?;
            Source::text(format!("upload:{name}"), text.as_str())
        }
        None => base.inputs.scenario.clone(),
    };
    let file =
        ScenarioFile::parse(&source.text, source.location()).map_err(|e| Bad::new("scenario_toml", e))?;
    let mut inputs = match up.scenario_toml {
        Some(_) => Inputs::load(&source, &file).map_err(|e| Bad::new("scenario_toml", e))?,
        None => (*base.inputs).clone(),
    };
    if let Some(text) = &up.indicators_csv {
        let name = up.indicators_name.as_deref().unwrap_or("indicators.csv");
        check_size("indicators_csv", name, text)?;
        let src = Source::text(format!("upload:{name}"), text.as_str());
        inputs.indicators = IndicatorTable::parse(&src.text, src.location(), &inputs.units)
            .map_err(|e| Bad::new("indicators_csv", e))?;
        inputs.indicators_source = src;
    }
    let field = if up.indicators_csv.is_some() { "indicators_csv" } else { "scenario_toml" };
    let scenario = Scenario::build(&file, &inputs.units, &inputs.indicators, source.location())
        .map_err(|e| Bad::new(field, join_problems(e)))?;
    Ok((scenario, inputs))
}
