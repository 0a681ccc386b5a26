//! `quota validate`: checks a scenario or data file and reports every problem found. The
//! checks are `quota::validate`; this file reads the file (and the data files a scenario
//! names) and prints `quota::render::validate` of the result: on stdout when the file is
//! valid, as the error (exit 2) when not.

use std::path::PathBuf;

use quota::error::Location;
use quota::input::CsvTable;
use quota::render;
use quota::units::parse_units;
use quota::validate;

use super::load::{self, read_text};
use super::{input, output, Failure};

/// Check a scenario (.toml) or data file (.csv) and report every problem found.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Recognises: scenarios (.toml, with the data files they name), unit tables\n(code,…,region), indicator tables (code,…) and apportion inputs (name,weight).\n\nExamples:\n  quota validate data/scenarios/2024-batch1.toml\n  quota validate data/indicators.csv"
)]
pub struct Args {
    /// The file to check.
    file: PathBuf,
    /// Unit table to check an indicator file against (default: the bundled one).
    #[arg(long)]
    units: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let label = args.file.display().to_string();
    let validation = if label.ends_with(".toml") {
        validate::scenario_source(&load::source(&args.file)?)
    } else {
        let text = read_text(&args.file)?;
        let table = CsvTable::parse(&text, Location::file(&label)).map_err(input)?;
        validate::csv(&text, &table, || match &args.units {
            Some(p) => parse_units(&read_text(p)?, Location::file(p.display().to_string())).map_err(input),
            None => {
                parse_units(load::BUNDLED_UNITS, Location::file("<bundled>/data/units.csv")).map_err(input)
            }
        })?
    };
    let report = render::validate::render(&validation);
    if validation.is_ok() {
        output::emit(None, format!("{report}\n").as_bytes())
    } else {
        Err(input(anyhow::anyhow!(report)))
    }
}
