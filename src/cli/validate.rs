//! `quota validate`: checks a scenario or data file and reports every problem found. The
//! checks are `quota::validate`; this file reads the file (and the data files a scenario
//! names) and prints `quota::render::validate` of the result: on stdout when the file is
//! valid, as the error (exit 2) when not.

use std::path::PathBuf;

use quota::error::Location;
use quota::input::CsvTable;
use quota::render;
use quota::scenario::ScenarioFile;
use quota::units::parse_units;
use quota::validate::{self, Validation};

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
        check_scenario(&args)?
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

fn check_scenario(args: &Args) -> Result<Validation, Failure> {
    let source = load::source(&args.file)?;
    let file = match ScenarioFile::parse(&source.text, source.location()) {
        Ok(f) => f,
        Err(e) => return Ok(validate::unreadable(&source.label, e.to_string())),
    };
    // Data files named by the scenario: report their problems too.
    let (units, indicators) = match load::scenario(Some(&args.file), &Default::default()) {
        Ok((_, inputs)) => (inputs.units, inputs.indicators),
        Err(Failure::Input(e)) if e.downcast_ref::<quota::error::ScenarioError>().is_some() => {
            // The data loaded but the scenario is invalid: rebuild to list every problem.
            let dir = source.dir.clone().unwrap_or_default();
            let units_text = match &file.units {
                Some(p) => read_text(&dir.join(p))?,
                None => load::BUNDLED_UNITS.to_string(),
            };
            let units = parse_units(&units_text, Location::file("units")).map_err(input)?;
            let ind_text = match &file.indicators {
                Some(p) => read_text(&dir.join(p))?,
                None => load::BUNDLED_INDICATORS.to_string(),
            };
            let ind_label = file.indicators.as_ref().map(|p| dir.join(p).display().to_string());
            let indicators = quota::indicators::IndicatorTable::parse(
                &ind_text,
                Location::file(ind_label.unwrap_or_else(|| "<bundled>/data/indicators.csv".into())),
                &units,
            )
            .map_err(input)?;
            (units, indicators)
        }
        Err(Failure::Input(e)) => return Ok(validate::unreadable(&source.label, format!("{e:#}"))),
        Err(f) => return Err(f),
    };
    Ok(validate::scenario(&file, &units, &indicators, source.location()))
}
