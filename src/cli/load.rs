//! Reading inputs for a command: the library loads scenarios and their data
//! ([`quota::scenario::load`]); this file maps its errors to exit codes.

use std::path::Path;

use quota::scenario::{Scenario, Source};

pub use quota::scenario::{Inputs as ScenarioInputs, Overrides, BUNDLED_UNITS};

use super::{input, Failure};

/// Reads a text file, decoding UTF-8 (with or without BOM) or GB18030 (at most 64 MiB); the
/// file is recorded as one of the run's inputs, which `-o` will not overwrite.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    super::guard::record_input(path);
    quota::scenario::read_text(path).map_err(input)
}

/// Records the files a scenario was built from as the run's inputs (bundled data are none).
fn record(inputs: &ScenarioInputs) {
    for s in [&inputs.scenario, &inputs.units_source, &inputs.indicators_source] {
        if s.dir.is_some() {
            super::guard::record_input(Path::new(&s.label));
        }
    }
}

/// Loads, overrides and validates a scenario (the bundled one when `path` is None).
pub fn scenario(path: Option<&Path>, overrides: &Overrides) -> Result<(Scenario, ScenarioInputs), Failure> {
    let source = match path {
        Some(p) => Source::file(p).map_err(input)?,
        None => Source::bundled_scenario(),
    };
    let (scenario, inputs) = quota::scenario::load(source, overrides).map_err(input)?;
    record(&inputs);
    Ok((scenario, inputs))
}

/// A scenario file or other input file, read as text.
pub fn source(path: &Path) -> Result<Source, Failure> {
    super::guard::record_input(path);
    Source::file(path).map_err(input)
}
