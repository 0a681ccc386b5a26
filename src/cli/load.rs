//! Reading inputs: files from disk (any encoding `input::decode_text` accepts) and the data
//! bundled into the binary, so `quota allocate` works from any directory.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::input::decode_text;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::{parse_units, Units};

use super::{input, Failure};

/// The bundled default scenario, units and indicators.
pub const DEFAULT_SCENARIO: &str = include_str!("../../data/scenarios/2024-batch1.toml");
/// Label of the bundled scenario in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "<bundled>/data/scenarios/2024-batch1.toml";
/// The bundled unit table.
pub const BUNDLED_UNITS: &str = include_str!("../../data/units.csv");
/// The bundled indicators.
pub const BUNDLED_INDICATORS: &str = include_str!("../../data/indicators.csv");

/// Reads a text file, decoding UTF-8 (with or without BOM) or GB18030.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| input(anyhow::anyhow!("{}: cannot read the file: {e}", path.display())))?;
    let (text, _) = decode_text(&bytes, &Location::file(path.display().to_string())).map_err(input)?;
    Ok(text)
}

/// A text input with its label: either a file or bundled data.
pub struct Source {
    /// Label for messages.
    pub label: String,
    /// Content.
    pub text: String,
    /// Directory that relative paths inside it are resolved against (None for bundled).
    pub dir: Option<PathBuf>,
}

impl Source {
    /// A file on disk.
    pub fn file(path: &Path) -> Result<Source, Failure> {
        Ok(Source {
            label: path.display().to_string(),
            text: read_text(path)?,
            dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
        })
    }

    /// The bundled scenario.
    pub fn bundled_scenario() -> Source {
        Source { label: DEFAULT_SCENARIO_NAME.into(), text: DEFAULT_SCENARIO.into(), dir: None }
    }

    /// Location for messages.
    pub fn location(&self) -> Location {
        Location::file(self.label.clone())
    }
}

/// Resolves a data file named in a scenario: relative to the scenario file, or the bundled
/// copy for the bundled scenario (and when the scenario names none).
fn data_source(
    scenario: &Source,
    named: Option<&str>,
    bundled_name: &str,
    bundled: &str,
) -> Result<Source, Failure> {
    match (named, &scenario.dir) {
        (Some(rel), Some(dir)) => Source::file(&dir.join(rel)),
        _ => Ok(Source { label: format!("<bundled>/data/{bundled_name}"), text: bundled.into(), dir: None }),
    }
}

/// Overrides from the command line.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--method`.
    pub method: Option<String>,
    /// `--total`.
    pub total: Option<u64>,
    /// `--merge-cities`.
    pub merge_cities: bool,
}

/// Loads, overrides and validates a scenario (the bundled one when `path` is None).
pub fn scenario(path: Option<&Path>, overrides: &Overrides) -> Result<(Scenario, ScenarioInputs), Failure> {
    let source = match path {
        Some(p) => Source::file(p)?,
        None => Source::bundled_scenario(),
    };
    let mut file = ScenarioFile::parse(&source.text, source.location()).map_err(input)?;
    if let Some(m) = &overrides.method {
        file.method = m.clone();
    }
    if let Some(t) = overrides.total {
        file.total = t;
    }
    file.merge_cities |= overrides.merge_cities;
    let inputs = ScenarioInputs::load(&source, &file)?;
    let scenario = Scenario::build(&file, &inputs.units, &inputs.indicators, source.location())
        .map_err(|p| input(quota::scenario::join_problems(p)))?;
    Ok((scenario, inputs))
}

/// The texts a scenario was built from (for stamps and audit output).
pub struct ScenarioInputs {
    /// The scenario source.
    pub scenario: Source,
    /// Units source.
    pub units_source: Source,
    /// Indicators source.
    pub indicators_source: Source,
    /// Parsed units (before any merge).
    pub units: Units,
    /// Parsed indicators.
    pub indicators: IndicatorTable,
}

impl ScenarioInputs {
    fn load(scenario: &Source, file: &ScenarioFile) -> Result<Self, Failure> {
        let units_source = data_source(scenario, file.units.as_deref(), "units.csv", BUNDLED_UNITS)?;
        let indicators_source =
            data_source(scenario, file.indicators.as_deref(), "indicators.csv", BUNDLED_INDICATORS)?;
        let units = parse_units(&units_source.text, units_source.location()).map_err(input)?;
        let indicators = IndicatorTable::parse(&indicators_source.text, indicators_source.location(), &units)
            .map_err(input)?;
        Ok(ScenarioInputs {
            scenario: Source {
                label: scenario.label.clone(),
                text: scenario.text.clone(),
                dir: scenario.dir.clone(),
            },
            units_source,
            indicators_source,
            units,
            indicators,
        })
    }
}
