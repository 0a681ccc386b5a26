//! `quota validate`: checks a scenario or data file and reports every problem found.

use std::path::PathBuf;

use quota::apportion::table::WeightTable;
use quota::error::{DataError, Location};
use quota::input::CsvTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::{parse_units, Units};

use super::load::{self, read_text};
use super::{input, Failure};

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
    let at = Location::file(&label);
    let problems: Vec<String> = if label.ends_with(".toml") {
        check_scenario(&args)?
    } else {
        let text = read_text(&args.file)?;
        let table = match CsvTable::parse(&text, at.clone()) {
            Ok(t) => t,
            Err(e) => return Err(input(e)),
        };
        if table.optional_column("region").is_some() {
            check_units(&table)
        } else if table.optional_column("weight").is_some() && table.optional_column("name").is_some() {
            WeightTable::parse_all(&text, at)
                .err()
                .unwrap_or_default()
                .iter()
                .map(|e| e.to_string())
                .collect()
        } else if table.optional_column("code").is_some() {
            let units = match &args.units {
                Some(p) => {
                    parse_units(&read_text(p)?, Location::file(p.display().to_string())).map_err(input)?
                }
                None => parse_units(load::BUNDLED_UNITS, Location::file("<bundled>/data/units.csv"))
                    .map_err(input)?,
            };
            check_indicators(&table, &units)
        } else {
            vec![format!(
                "{label}: not a recognised file (expected a scenario .toml, or a CSV with a 'code' column (units or indicators) or 'name,weight' columns)"
            )]
        }
    };
    if problems.is_empty() {
        println!("{label}: OK");
        Ok(())
    } else {
        let mut msg = format!("{label}: {} problem(s)", problems.len());
        for p in &problems {
            msg.push_str(&format!("\n  - {p}"));
        }
        Err(input(anyhow::anyhow!(msg)))
    }
}

fn check_scenario(args: &Args) -> Result<Vec<String>, Failure> {
    let source = load::source(&args.file)?;
    let file = match ScenarioFile::parse(&source.text, source.location()) {
        Ok(f) => f,
        Err(e) => return Ok(vec![e.to_string()]),
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
        Err(Failure::Input(e)) => return Ok(vec![format!("{e:#}")]),
        Err(f) => return Err(f),
    };
    Ok(match Scenario::build(&file, &units, &indicators, source.location()) {
        Ok(_) => vec![],
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    })
}

fn check_units(table: &CsvTable) -> Vec<String> {
    let mut problems = Vec::new();
    // Row by row, so that every bad row is reported.
    for r in 0..table.rows.len() {
        let one =
            CsvTable { rows: vec![table.rows[r].clone()], lines: vec![table.lines[r]], ..table.clone() };
        if let Err(e) = Units::from_table(&one) {
            if !matches!(e, DataError::UnknownUnit { .. }) {
                problems.push(e.to_string());
            }
        }
    }
    if problems.is_empty() {
        if let Err(e) = Units::from_table(table) {
            problems.push(e.to_string());
        }
    }
    problems
}

fn check_indicators(table: &CsvTable, units: &Units) -> Vec<String> {
    let mut problems = Vec::new();
    let c_code = match table.column("code") {
        Ok(c) => c,
        Err(e) => return vec![e.to_string()],
    };
    let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (r, row) in table.rows.iter().enumerate() {
        let code = row[c_code].as_str();
        if units.position(code).is_none() {
            problems
                .push(DataError::UnknownUnit { at: table.cell_at(r, c_code), code: code.into() }.to_string());
        }
        if let Some(first) = seen.insert(code, table.lines[r]) {
            problems.push(
                DataError::Duplicate {
                    at: table.at.at_line(table.lines[r]),
                    what: "unit code".into(),
                    key: code.into(),
                    first_line: first,
                }
                .to_string(),
            );
        }
    }
    for u in units.as_slice() {
        if !seen.contains_key(u.code.as_str()) {
            problems.push(
                DataError::MissingUnit {
                    at: table.at.clone(),
                    code: u.code.clone(),
                    name: u.name_zh.clone(),
                }
                .to_string(),
            );
        }
    }
    let text_columns =
        ["code", "name", "name_zh", "name_en", "region", "type", "parent_code", "note", "source"];
    for (c, h) in table.header.iter().enumerate() {
        if text_columns.contains(&h.to_ascii_lowercase().as_str()) || h.ends_with("_note") {
            continue;
        }
        for r in 0..table.rows.len() {
            if let Err(e) = table.non_negative(r, c) {
                problems.push(e.to_string());
            }
        }
    }
    problems
}
