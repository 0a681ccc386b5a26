//! Reading inputs for a command: the library loads scenarios and their data
//! ([`quota::scenario::load`]); this file maps its errors to exit codes.

use std::path::Path;

use quota::scenario::{Scenario, Source};

pub use quota::scenario::{Inputs as ScenarioInputs, Overrides, BUNDLED_INDICATORS, BUNDLED_UNITS};

use super::{input, Failure};

/// Reads a text file, decoding UTF-8 (with or without BOM) or GB18030.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    quota::scenario::read_text(path).map_err(input)
}

/// Loads, overrides and validates a scenario (the bundled one when `path` is None).
pub fn scenario(path: Option<&Path>, overrides: &Overrides) -> Result<(Scenario, ScenarioInputs), Failure> {
    let source = match path {
        Some(p) => Source::file(p).map_err(input)?,
        None => Source::bundled_scenario(),
    };
    quota::scenario::load(source, overrides).map_err(input)
}

/// A scenario file or other input file, read as text.
pub fn source(path: &Path) -> Result<Source, Failure> {
    Source::file(path).map_err(input)
}
