//! `quota validate`: every problem of a scenario or data file, not just the first
//! ([`Validation`]). A file is recognised by its content: a TOML file is a programme (`[[batch]]`),
//! an AHP matrix (`criteria` and `matrix`) or a scenario ([`toml_kind`]); a table by its
//! header ([`CsvKind`]): a unit table (`region` column), a firm registry (`valid_until`), an
//! observed allocation (`status` and `source`), an AHP matrix (`criterion` first, or square with
//! the criteria as row names), an apportion weight table (`name` and `weight`), or an indicator
//! table (`code`);
//! each row of a unit table and each cell of an indicator table is checked on its own, so
//! all bad rows and cells are reported. A scenario's problems are those of
//! [`Scenario::build`], which collects them all ([`scenario`]; from its file,
//! [`scenario_source`]).

use std::collections::HashMap;

use serde::Serialize;

use crate::apportion::table::WeightTable;
use crate::eligibility::Registry;
use crate::error::{DataError, Location};
use crate::indicators::IndicatorTable;
use crate::input::CsvTable;
use crate::observed::ObservedAllocation;
use crate::programme::Programme;
use crate::scenario::{Inputs, Scenario, ScenarioFile, Source};
use crate::units::Units;
use crate::weighting::{parse_ahp_csv, parse_ahp_toml};

/// The problems found in one file (none: the file is valid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// The file, as named.
    pub file: String,
    /// What the file was recognised as (`scenario`, `programme`, `AHP matrix`, `registry`,
    /// `indicators`, `units`, `apportion input`, `observed allocation`; empty when not
    /// recognised).
    pub kind: &'static str,
    /// Every problem found, each naming its file, line and column where it can.
    pub problems: Vec<String>,
    /// For a valid scenario: its inputs that are not official (illustrative, synthetic or
    /// assumed), one line each — the inputs that mark its outputs (see [`crate::provenance`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_official: Vec<String>,
}

impl Validation {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a CSV file is, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    /// A unit table (a `region` column).
    Units,
    /// A firm registry (a `valid_until` column).
    Registry,
    /// An observed allocation (`status` and `source` columns).
    Observed,
    /// An AHP pairwise-comparison matrix (`criterion` first, or the criteria as row names).
    AhpMatrix,
    /// An apportion weight table (`name` and `weight` columns).
    WeightTable,
    /// An indicator table (a `code` column).
    Indicators,
    /// None of these.
    Unknown,
}

impl CsvKind {
    /// Recognises a table by its header.
    pub fn of(t: &CsvTable) -> CsvKind {
        let square = t.header.len() == t.rows.len() + 1
            && t.rows.iter().zip(&t.header[1..]).all(|(r, h)| r.first().is_some_and(|c| c == h));
        if t.optional_column("region").is_some() {
            CsvKind::Units
        } else if t.optional_column("valid_until").is_some() {
            CsvKind::Registry
        } else if t.optional_column("status").is_some() && t.optional_column("source").is_some() {
            CsvKind::Observed
        } else if t.header.first().is_some_and(|h| h.eq_ignore_ascii_case("criterion")) || square {
            CsvKind::AhpMatrix
        } else if t.optional_column("weight").is_some() && t.optional_column("name").is_some() {
            CsvKind::WeightTable
        } else if t.optional_column("code").is_some() {
            CsvKind::Indicators
        } else {
            CsvKind::Unknown
        }
    }
}

impl CsvKind {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            CsvKind::Units => "units",
            CsvKind::Registry => "registry",
            CsvKind::Observed => "observed allocation",
            CsvKind::AhpMatrix => "AHP matrix",
            CsvKind::WeightTable => "apportion input",
            CsvKind::Indicators => "indicators",
            CsvKind::Unknown => "",
        }
    }
}

/// Whether `text` is a TOML document with at least one key (a table never is).
pub fn is_toml(text: &str) -> bool {
    text.parse::<toml::Table>().is_ok_and(|t| !t.is_empty())
}

/// What a TOML file is: `programme` (a `batch` array), `AHP matrix` (`criteria` and `matrix`),
/// else `scenario`.
pub fn toml_kind(text: &str) -> &'static str {
    match text.parse::<toml::Table>() {
        Ok(t) if t.contains_key("batch") => "programme",
        Ok(t) if t.contains_key("criteria") && t.contains_key("matrix") => "AHP matrix",
        _ => "scenario",
    }
}

/// Validates a TOML file by its kind ([`toml_kind`]): a scenario with the data files it names
/// ([`scenario_source`]); a programme, its batches and the scenario it names (relative to it);
/// an AHP matrix.
pub fn toml_source(source: &Source) -> Validation {
    let at = source.location();
    let one = |kind, e: Option<String>| Validation {
        file: source.label.clone(),
        kind,
        problems: e.into_iter().collect(),
        not_official: vec![],
    };
    match toml_kind(&source.text) {
        "programme" => match Programme::parse(&source.text, at) {
            Err(e) => one("programme", Some(e.to_string())),
            Ok(p) => {
                let scenario = match (&p.scenario, &source.dir) {
                    (Some(rel), Some(dir)) => match Source::file(&dir.join(rel)) {
                        Ok(s) => scenario_source(&s).problems,
                        Err(e) => vec![e.to_string()],
                    },
                    _ => scenario_source(&Source::bundled_scenario()).problems,
                };
                Validation {
                    file: source.label.clone(),
                    kind: "programme",
                    problems: scenario,
                    not_official: vec![],
                }
            }
        },
        "AHP matrix" => one("AHP matrix", parse_ahp_toml(&source.text, at).err().map(|e| e.to_string())),
        _ => scenario_source(source),
    }
}

/// Validates the CSV `text`, parsed as `table`. An indicator table is checked against the
/// unit table `units()` returns (called only for an indicator table; its error is returned
/// as is).
pub fn csv<E>(
    text: &str,
    table: &CsvTable,
    units: impl FnOnce() -> Result<Units, E>,
) -> Result<Validation, E> {
    let kind = CsvKind::of(table);
    let problems = match kind {
        CsvKind::Units => units_problems(table),
        CsvKind::Registry => {
            let units = units()?;
            Registry::parse(text, table.at.clone(), &units).err().map(|e| vec![e.to_string()]).unwrap_or_default()
        }
        CsvKind::Observed => {
            let units = units()?;
            match ObservedAllocation::parse(text, table.at.clone()) {
                Ok(o) => o.resolve(&units, &table.at).err().map(|e| vec![e.to_string()]).unwrap_or_default(),
                Err(e) => vec![e.to_string()],
            }
        }
        CsvKind::AhpMatrix => parse_ahp_csv(text, table.at.clone()).err().map(|e| vec![e.to_string()]).unwrap_or_default(),
        CsvKind::WeightTable => WeightTable::parse_all(text, table.at.clone())
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect(),
        CsvKind::Indicators => indicators_problems(table, &units()?),
        CsvKind::Unknown => vec![format!(
            "{}: not a recognised file (expected a scenario, programme or AHP matrix in TOML, or a table: \
             units (code,…,region), indicators (code,…), a firm registry (id,…,valid_until,…), an observed \
             allocation (code,…,status,source), an AHP matrix (criterion,…) or an apportion input (name,weight))",
            table.at.source
        )],
    };
    Ok(Validation { file: table.at.source.clone(), kind: kind.name(), problems, not_official: vec![] })
}

/// Validates a scenario file against its unit and indicator tables: every problem
/// [`Scenario::build`] finds.
pub fn scenario(file: &ScenarioFile, units: &Units, indicators: &IndicatorTable, at: Location) -> Validation {
    let (problems, not_official) = match Scenario::build(file, units, indicators, at.clone()) {
        Ok(s) => (vec![], s.provenance().marked().map(not_official_line).collect()),
        Err(problems) => (problems.iter().map(|p| p.to_string()).collect(), vec![]),
    };
    Validation { file: at.source, kind: "scenario", problems, not_official }
}

/// One input that is not official: `name (label): status[ for N of M units][, as of DATE][ — source]`.
fn not_official_line(i: &crate::provenance::Input) -> String {
    let status = i.status.map_or("not stated", |s| s.name());
    let mut line = format!("{} ({}): {status}", i.name, i.label_en);
    if !i.marked_units.is_empty() {
        line.push_str(&format!(
            " for {} of {} units ({})",
            i.marked_units.len(),
            i.of_units,
            i.marked_units.join(", ")
        ));
    }
    if !i.as_of.is_empty() {
        line.push_str(&format!(", as of {}", i.as_of));
    }
    if !i.source.is_empty() {
        line.push_str(&format!(" — {}", i.source));
    }
    line
}

/// Validates the scenario in `source`: its syntax, then the data files it names (read
/// relative to it, or the bundled ones), then every problem of [`scenario`]. A syntax error or
/// an unreadable data file is the one problem reported.
pub fn scenario_source(source: &Source) -> Validation {
    let unreadable = |problem: String| Validation {
        file: source.label.clone(),
        kind: "scenario",
        problems: vec![problem],
        not_official: vec![],
    };
    let file = match ScenarioFile::parse(&source.text, source.location()) {
        Ok(f) => f,
        Err(e) => return unreadable(e.to_string()),
    };
    match Inputs::load(source, &file) {
        Ok(inputs) => scenario(&file, &inputs.units, &inputs.indicators, source.location()),
        Err(e) => unreadable(e.to_string()),
    }
}

/// Every bad row of a unit table (unknown parents are left to the whole-table check).
fn units_problems(table: &CsvTable) -> Vec<String> {
    let mut problems = Vec::new();
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

/// Unknown, duplicated and missing unit codes, and every value that is not a non-negative
/// number, of an indicator table.
fn indicators_problems(table: &CsvTable, units: &Units) -> Vec<String> {
    let mut problems = Vec::new();
    let c_code = match table.column("code") {
        Ok(c) => c,
        Err(e) => return vec![e.to_string()],
    };
    let mut seen: HashMap<&str, u64> = HashMap::new();
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
        if h.ends_with("_status") {
            // Per-unit provenance of a column (see crate::provenance).
            for r in 0..table.rows.len() {
                if let Err(expected) = table.rows[r][c].parse::<crate::provenance::Status>() {
                    problems.push(
                        crate::error::DataError::BadValue {
                            at: table.cell_at(r, c),
                            value: table.rows[r][c].clone(),
                            expected,
                        }
                        .to_string(),
                    );
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse_units;

    const UNITS: &str = "code,name_zh,name_en,type,parent_code,region\n11,北京市,Beijing,municipality,,东部\n12,天津市,Tianjin,municipality,,东部\n";

    fn check(text: &str) -> Validation {
        let t = CsvTable::parse(text, Location::file("f.csv")).unwrap();
        csv(text, &t, || parse_units(UNITS, Location::file("u.csv"))).unwrap()
    }

    #[test]
    fn every_bad_cell_and_code_of_an_indicator_table_is_reported() {
        let v = check("code,a\n11,x\n11,-1\n99,2\n");
        assert_eq!(v.file, "f.csv");
        let joined = v.problems.join("\n");
        for needle in [
            "unknown unit code '99'",
            "duplicated unit code '11'",
            "'12'",
            "line 2, column 'a'",
            "line 3, column 'a'",
        ] {
            assert!(joined.contains(needle), "{needle}: {joined}");
        }
        assert_eq!(v.problems.len(), 5, "{joined}");
        assert!(check("code,a\n11,1\n12,2\n").is_ok());
    }

    #[test]
    fn tables_are_recognised_by_their_header() {
        assert!(check("name,weight\nA,1\n").is_ok());
        assert_eq!(check("name,weight\nA,-1\n").problems.len(), 1);
        let v = check("foo,bar\n1,2\n");
        assert!(v.problems[0].starts_with("f.csv: not a recognised file"), "{v:?}");
        assert!(check(UNITS).is_ok());
    }
}
