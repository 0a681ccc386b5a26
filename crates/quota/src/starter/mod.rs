//! The starter kit `quota init DIR` writes: a scenario that runs wherever the directory is
//! copied (its indicators are named relative to it; the units are the bundled ones), an
//! indicators workbook with the 37 units and every indicator column pre-filled with the bundled
//! values and a status and a source row per column, and a short guide in Chinese and English.
//! Unchanged, the kit allocates exactly as the bundled scenario does.

mod workbook;

use crate::scenario::{BUNDLED_INDICATORS, BUNDLED_SCENARIO};

/// The guide, in Chinese and English.
const GUIDE: &str = include_str!("README.md");

/// One file of the kit: its name inside DIR and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterFile {
    /// File name inside the kit's directory.
    pub name: &'static str,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// The kit could not be built (a fault in the bundled data or the workbook writer, never the
/// user's input).
#[derive(Debug, thiserror::Error)]
pub enum StarterError {
    /// The bundled scenario no longer has the line the kit rewrites.
    #[error("the bundled scenario has no line `{0}` to rewrite")]
    Scenario(&'static str),
    /// The bundled indicators could not be read as a table.
    #[error("the bundled indicators: {0}")]
    Indicators(String),
    /// The workbook writer failed.
    #[error("writing the indicators workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

/// Name of the scenario file in the kit.
pub const SCENARIO_FILE: &str = "scenario.toml";
/// Name of the indicators workbook in the kit.
pub const INDICATORS_FILE: &str = "indicators.xlsx";
/// Name of the guide in the kit.
pub const GUIDE_FILE: &str = "README.md";

/// The kit's files, in the order they are written. Deterministic: the same bytes every time.
pub fn kit() -> Result<Vec<StarterFile>, StarterError> {
    Ok(vec![
        StarterFile { name: SCENARIO_FILE, bytes: scenario()?.into_bytes() },
        StarterFile { name: INDICATORS_FILE, bytes: workbook::indicators(BUNDLED_INDICATORS)? },
        StarterFile { name: GUIDE_FILE, bytes: GUIDE.as_bytes().to_vec() },
    ])
}

/// The bundled scenario with its data paths rewritten for the kit: the indicators are the
/// workbook beside it, the units the bundled ones.
fn scenario() -> Result<String, StarterError> {
    const UNITS: &str = "units = \"../units.csv\"\n";
    const INDICATORS: &str = "indicators = \"../indicators.csv\"\n";
    if !BUNDLED_SCENARIO.contains(UNITS) {
        return Err(StarterError::Scenario(UNITS.trim_end()));
    }
    if !BUNDLED_SCENARIO.contains(INDICATORS) {
        return Err(StarterError::Scenario(INDICATORS.trim_end()));
    }
    let body = BUNDLED_SCENARIO
        .replace(
            UNITS,
            "# units: not named, so the 37 units bundled with quota are used. A unit table of your own:\n\
             # units = \"units.csv\"   (a path relative to this file, like the indicators)\n",
        )
        .replace(
            INDICATORS,
            "# The indicators: the workbook beside this file (a path relative to this file, not to the\n\
             # directory quota is run from; .xlsx, .ods or .csv).\n\
             indicators = \"indicators.xlsx\"\n",
        );
    Ok(format!(
        "# Starter scenario written by `quota init` (a copy of the bundled 2024 first-batch scenario).\n\
         # Run it with `quota allocate scenario.toml` from this directory, or give its path from\n\
         # anywhere; edit the weights below and the values in indicators.xlsx. Guide: README.md.\n\
         #\n{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kit_is_deterministic_and_names_its_workbook() {
        let a = kit().unwrap();
        let b = kit().unwrap();
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|f| f.name).collect();
        assert_eq!(names, [SCENARIO_FILE, INDICATORS_FILE, GUIDE_FILE]);
        let scenario = String::from_utf8(a[0].bytes.clone()).unwrap();
        assert!(scenario.contains("\nindicators = \"indicators.xlsx\"\n"));
        assert!(!scenario.contains("\nunits = "));
        assert!(a[1].bytes.starts_with(b"PK\x03\x04"));
    }
}
