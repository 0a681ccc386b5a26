//! Reading inputs for a command: the library loads scenarios and their data
//! ([`quota::scenario::load`]); this file maps its errors to exit codes.

use std::path::Path;

use quota::scenario::{Scenario, Source};

pub use quota::scenario::{Inputs as ScenarioInputs, Overrides, BUNDLED_UNITS};

use super::{input, Failure};

/// Reads an input file as text (at most 64 MiB): UTF-8 (with or without BOM) or GB18030, `,`
/// `;` or tab separated, or an .xlsx/.ods workbook's sheet as CSV text
/// ([`quota::input::decode_table`]); `-` reads standard input. The file is recorded as one of
/// the run's inputs, which `-o` will not overwrite.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    read(path).map(|(text, _)| text)
}

/// [`read_text`], with the label messages should use (`<stdin>` for `-`; a workbook's sheet
/// added).
pub fn read(path: &Path) -> Result<(String, String), Failure> {
    if is_stdin(path) {
        let bytes = read_stdin()?;
        let (text, label, _) = quota::input::decode_table(&bytes, STDIN_LABEL, None).map_err(input)?;
        return Ok((text, label));
    }
    super::guard::record_input(path);
    quota::scenario::read_input(path).map_err(input)
}

/// The label of standard input in messages.
pub const STDIN_LABEL: &str = "<stdin>";

/// Whether `path` is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Standard input's bytes, at most the 64 MiB accepted for one file.
fn read_stdin() -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let limit = quota::limits::MAX_INPUT_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| input(anyhow::anyhow!("{STDIN_LABEL}: cannot read standard input: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(input(quota::input::too_large(&quota::error::Location::file(STDIN_LABEL))));
    }
    Ok(bytes)
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
        Some(p) if is_stdin(p) => Source::text(STDIN_LABEL, read_text(p)?),
        Some(p) => Source::file(p).map_err(input)?,
        None => Source::bundled_scenario(),
    };
    let (scenario, inputs) = quota::scenario::load(source, overrides).map_err(input)?;
    record(&inputs);
    Ok((scenario, inputs))
}

/// A scenario file or other input file, read as text.
pub fn source(path: &Path) -> Result<Source, Failure> {
    if is_stdin(path) {
        return Ok(Source::text(STDIN_LABEL, read_text(path)?));
    }
    super::guard::record_input(path);
    Source::file(path).map_err(input)
}
