//! `quota validate`: checks input files of every kind and reports every problem found. The
//! checks are `quota::validate`; this file reads the file (and the data files a scenario
//! names) and prints `quota::render::validate` of the result: on stdout when the file is
//! valid, as the error (exit 2) when not.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::input::CsvTable;
use quota::render;
use quota::units::parse_units;
use quota::validate::{self, Validation};

use super::load::{self, read_text};
use super::{input, output, Failure};

/// Check input files of every kind and report every problem found.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Recognises by content: scenarios, programmes and AHP matrices (TOML); unit tables\n(code,…,region), indicator tables (code,…), firm registries (id,…,valid_until,…), observed\nallocations (code,…,status,source), AHP matrices (criterion,…) and apportion inputs (name,weight) —\nas CSV, .xlsx, .ods or - for stdin. Exit 0 when every file is clean.\n\nExamples:\n  quota validate data/scenarios/2024-batch1.toml\n  quota validate data/indicators.csv data/registry/firms.csv data/programme/148-2024-2026.toml"
)]
pub struct Args {
    /// The files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Unit table to check indicator, registry and observed files against (default: the bundled one).
    #[arg(long)]
    units: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let mut reports = Vec::new();
    let mut clean = true;
    for file in &args.files {
        let validation = one(file, args.units.as_deref())?;
        clean &= validation.is_ok();
        reports.push(render::validate::render(&validation));
    }
    let report = reports.join("\n");
    if clean {
        output::emit(None, format!("{report}\n").as_bytes())
    } else {
        Err(input(anyhow::anyhow!(report)))
    }
}

/// Every problem of one file.
fn one(file: &Path, units: Option<&Path>) -> Result<Validation, Failure> {
    let source = load::source(file)?;
    if validate::is_toml(&source.text) {
        return Ok(validate::toml_source(&source));
    }
    let table = match CsvTable::parse(&source.text, Location::file(&source.label)) {
        Ok(t) => t,
        Err(e) => {
            return Ok(Validation {
                file: source.label.clone(),
                kind: "",
                problems: vec![e.to_string()],
                not_official: vec![],
            })
        }
    };
    validate::csv(&source.text, &table, || match units {
        Some(p) => parse_units(&read_text(p)?, Location::file(p.display().to_string())).map_err(input),
        None => parse_units(load::BUNDLED_UNITS, Location::file("<bundled>/data/units.csv")).map_err(input),
    })
}
