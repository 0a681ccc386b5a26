//! Where a scenario comes from: a TOML file and the units and indicators files it names
//! (relative to the scenario file), or the data bundled into the library, so that
//! [`Scenario::bundled`] works from any directory and in any program.
//!
//! Text files are decoded by [`decode_text`] (UTF-8 with or without BOM, GB18030/GBK). This
//! is the one place where the library reads files, and it reads only the paths it is given.

use std::path::{Path, PathBuf};

use super::{Scenario, ScenarioFile};
use crate::apportion::Method;
use crate::error::{DataError, Location};
use crate::indicators::IndicatorTable;
use crate::input::decode_table;
use crate::limits::MAX_INPUT_BYTES;
use crate::scenario::ScenarioError;
use crate::units::{parse_units, Units};

use super::MethodChoice;

/// The bundled default scenario (the 2024 first batch).
pub const BUNDLED_SCENARIO: &str = include_str!("../../../../data/scenarios/2024-batch1.toml");
/// Label of the bundled scenario in messages and stamps.
pub const BUNDLED_SCENARIO_LABEL: &str = "<bundled>/data/scenarios/2024-batch1.toml";
/// The bundled unit table.
pub const BUNDLED_UNITS: &str = include_str!("../../../../data/units.csv");
/// Label of the bundled unit table.
pub const BUNDLED_UNITS_LABEL: &str = "<bundled>/data/units.csv";
/// The bundled indicators.
pub const BUNDLED_INDICATORS: &str = include_str!("../../../../data/indicators.csv");
/// Label of the bundled indicators.
pub const BUNDLED_INDICATORS_LABEL: &str = "<bundled>/data/indicators.csv";

/// Reads a text file, decoding UTF-8 (with or without BOM) or GB18030; a `;`- or
/// tab-separated table comes back comma-separated, and an .xlsx or .ods workbook as the CSV
/// text of its first sheet ([`crate::input::decode_table`]). At most [`MAX_INPUT_BYTES`] are
/// read: a larger file, or one that never ends (`/dev/zero`, a FIFO), is an error instead of a
/// read until memory runs out.
pub fn read_text(path: &Path) -> Result<String, DataError> {
    read_input(path).map(|(text, _)| text)
}

/// [`read_text`], with the label messages should use: the path as given, and for a workbook
/// the sheet read. `BOOK.xlsx#SHEET` names a sheet (when no file of that whole name exists).
pub fn read_input(path: &Path) -> Result<(String, String), DataError> {
    let (path, sheet) = split_sheet(path);
    let bytes = read_bytes(&path)?;
    let (text, label, _) = decode_table(&bytes, &path.display().to_string(), sheet.as_deref())?;
    Ok((text, label))
}

/// `BOOK.xlsx#SHEET` → (`BOOK.xlsx`, `SHEET`), when no file of the whole name exists.
fn split_sheet(path: &Path) -> (PathBuf, Option<String>) {
    let whole = path.to_string_lossy();
    match whole.rsplit_once('#') {
        Some((book, sheet)) if !path.exists() && !sheet.is_empty() && Path::new(book).exists() => {
            (PathBuf::from(book), Some(sheet.to_string()))
        }
        _ => (path.to_path_buf(), None),
    }
}

/// The bytes of a file, at most [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    use std::io::Read;
    let at = Location::file(path.display().to_string());
    let unreadable = |e: std::io::Error| DataError::Unreadable { at: at.clone(), message: e.to_string() };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    if file.metadata().map_err(unreadable)?.is_dir() {
        return Err(DataError::Unreadable { at: at.clone(), message: "is a directory, not a file".into() });
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(crate::input::too_large(&at));
    }
    Ok(bytes)
}

/// A text input with its label: a file or bundled data.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Label for messages (the path as given, or `<bundled>/…`).
    pub label: String,
    /// Content, decoded.
    pub text: String,
    /// Directory that relative paths inside it are resolved against (None for bundled data).
    pub dir: Option<PathBuf>,
}

impl Source {
    /// A file on disk.
    pub fn file(path: &Path) -> Result<Source, DataError> {
        let (text, label) = read_input(path)?;
        Ok(Source { label, text, dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()) })
    }

    /// Text that did not come from a file (relative data paths inside it are not resolved:
    /// the bundled units and indicators are used).
    pub fn text(label: impl Into<String>, text: impl Into<String>) -> Source {
        Source { label: label.into(), text: text.into(), dir: None }
    }

    /// The bundled scenario.
    pub fn bundled_scenario() -> Source {
        Source::text(BUNDLED_SCENARIO_LABEL, BUNDLED_SCENARIO)
    }

    /// Location for messages.
    pub fn location(&self) -> Location {
        Location::file(self.label.clone())
    }

    /// A data file named in this scenario: relative to the scenario's directory, or the
    /// bundled copy when the scenario is not a file or names none.
    ///
    /// A copy of a bundled scenario taken elsewhere still names the bundled data by its place
    /// in the repository (`../units.csv`, `../indicators.csv`): when no such file is beside the
    /// copy, the bundled data is used (and labelled `<bundled>/…`, so the outputs say so).
    fn data(&self, named: Option<&str>, bundled_label: &str, bundled: &str) -> Result<Source, DataError> {
        match (named, &self.dir) {
            (Some(rel), Some(dir)) => {
                let path = dir.join(rel);
                let bundled_place =
                    bundled_label.strip_prefix("<bundled>/data/").map(|name| format!("../{name}"));
                if !path.exists() && bundled_place.as_deref() == Some(rel) {
                    return Ok(Source::text(bundled_label, bundled));
                }
                Source::file(&path)
            }
            _ => Ok(Source::text(bundled_label, bundled)),
        }
    }
}

/// Changes applied to the parsed scenario file before it is validated (the command line's
/// `--method`, `--total`, `--merge-cities`): typed, so a bad value is refused where it is
/// given, never blamed on the file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces `method`.
    pub method: Option<MethodChoice>,
    /// Replaces `total`.
    pub total: Option<u64>,
    /// Merges the 计划单列市 into their provinces (in addition to the file's own setting).
    pub merge_cities: bool,
}

impl Overrides {
    /// Applies the overrides to a parsed scenario file.
    pub fn apply(&self, file: &mut ScenarioFile) {
        if let Some(m) = self.method {
            file.method = m.name().to_string();
        }
        if let Some(t) = self.total {
            file.total = t;
        }
        file.merge_cities |= self.merge_cities;
    }
}

/// The texts a scenario was built from, and the tables parsed from them (for stamps and
/// audit output: labels, contents and hashes of exactly what was read).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The scenario source.
    pub scenario: Source,
    /// The units source.
    pub units_source: Source,
    /// The indicators source.
    pub indicators_source: Source,
    /// Parsed units (before any merge).
    pub units: Units,
    /// Parsed indicators.
    pub indicators: IndicatorTable,
}

impl Inputs {
    /// Reads the units and indicators that `file` (parsed from `scenario`) names.
    pub fn load(scenario: &Source, file: &ScenarioFile) -> Result<Inputs, DataError> {
        let units_source = scenario.data(file.units.as_deref(), BUNDLED_UNITS_LABEL, BUNDLED_UNITS)?;
        let indicators_source =
            scenario.data(file.indicators.as_deref(), BUNDLED_INDICATORS_LABEL, BUNDLED_INDICATORS)?;
        let units = parse_units(&units_source.text, units_source.location())?;
        let indicators =
            IndicatorTable::parse(&indicators_source.text, indicators_source.location(), &units)?;
        Ok(Inputs { scenario: scenario.clone(), units_source, indicators_source, units, indicators })
    }
}

/// Parses, overrides and validates the scenario in `source`; returns it with its inputs.
pub fn load(source: Source, overrides: &Overrides) -> Result<(Scenario, Inputs), ScenarioError> {
    let mut file = ScenarioFile::parse(&source.text, source.location())?;
    overrides.apply(&mut file);
    let inputs = Inputs::load(&source, &file)?;
    let scenario = Scenario::build(&file, &inputs.units, &inputs.indicators, source.location())
        .map_err(super::join_problems)?;
    Ok((scenario, inputs))
}

impl Scenario {
    /// The bundled default scenario: the 2024 first batch, 37 units, 1039 slots, Hamilton.
    pub fn bundled() -> Scenario {
        match load(Source::bundled_scenario(), &Overrides::default()) {
            Ok((scenario, _)) => scenario,
            // The bundled data is validated by the test suite; reaching this is a build defect.
            Err(e) => unreachable!("the bundled scenario does not validate: {e}"),
        }
    }

    /// A scenario file and the data files it names (relative to it; the bundled units and
    /// indicators when it names none).
    pub fn from_path(path: &Path) -> Result<Scenario, ScenarioError> {
        Ok(load(Source::file(path)?, &Overrides::default())?.0)
    }

    /// Scenario TOML text with a label for messages; the bundled units and indicators are used
    /// (data paths in it cannot be resolved without a directory).
    pub fn from_toml(label: &str, text: &str) -> Result<Scenario, ScenarioError> {
        Ok(load(Source::text(label, text), &Overrides::default())?.0)
    }
}

/// A method name as given on a command line or in a notebook, with the choices in the error.
pub fn parse_method(text: &str) -> Result<MethodChoice, String> {
    text.parse::<MethodChoice>().map_err(|_| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).chain(["optimize"]).collect();
        let mut all: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        for m in Method::ALL {
            all.extend(m.aliases().iter().map(|a| a.to_string()));
        }
        let hint =
            crate::input::closest(text, &all).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
        format!("unknown method '{text}'{hint} (choose one of: {})", names.join(", "))
    })
}
