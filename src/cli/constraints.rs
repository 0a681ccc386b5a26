//! `--guarantee`, `--change-from`, `--max-change`, `--max-change-percent`, `--change-combine`:
//! the optimisation model's regional guarantees and change limits from the command line, one
//! flag group for every command that allocates (`allocate`, `table`, `explain`, `compare`,
//! `sweep`), the same as `[[optimize.group]]` and `[optimize.change]` in a scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::input::CsvTable;
use quota::optimize::{ChangeSpec, Combine, GroupSpec};
use quota::scenario::{MethodChoice, Scenario};

use super::{input, load, Failure};

/// Regional guarantees and change limits, solved by the optimisation model.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConstraintFlags {
    /// A regional guarantee or group bound, solved by the optimisation model (implies
    /// --method optimize): MEMBERS:BOUND=VALUE, e.g. 西部:min_share=0.27,
    /// 西部+东北:min_share=0.29,max_count=400 (repeatable; as [[optimize.group]] in a scenario).
    #[arg(long, value_name = "MEMBERS:BOUND=V")]
    pub guarantee: Vec<GroupSpec>,
    /// Limit each unit's change against a previous allocation (implies --method optimize; as
    /// [optimize.change] in a scenario): a table with columns code and slots for every unit
    /// (CSV, .xlsx, .ods or -; `quota allocate --format csv` writes one). Give --max-change
    /// and/or --max-change-percent.
    #[arg(long, value_name = "ALLOCATION")]
    pub change_from: Option<PathBuf>,
    /// Largest change of a unit's slots against --change-from, in slots (max_abs).
    #[arg(long, value_name = "SLOTS", requires = "change_from")]
    pub max_change: Option<u64>,
    /// Largest change against --change-from as a percentage of the previous slots (max_rel =
    /// PERCENT/100).
    #[arg(long, value_name = "PERCENT", requires = "change_from", value_parser = percent_flag)]
    pub max_change_percent: Option<f64>,
    /// With both limits: both (the smaller applies; default) or either (the larger applies).
    #[arg(long, value_name = "both|either", requires = "change_from", value_parser = combine_flag)]
    pub change_combine: Option<Combine>,
}

impl ConstraintFlags {
    /// Whether any of the flags was given.
    pub fn any(&self) -> bool {
        !self.guarantee.is_empty() || self.change_from.is_some()
    }

    /// The flags given, by name.
    fn given(&self) -> String {
        let mut names = Vec::new();
        if !self.guarantee.is_empty() {
            names.push("--guarantee");
        }
        if self.change_from.is_some() {
            names.push("--change-from");
        }
        names.join(" and ")
    }

    /// `scenario` with the guarantees and change limits added (and solved by the optimisation
    /// model); `method` is the `--method` given, which must then be `optimize` or absent.
    pub fn apply(&self, scenario: Scenario, method: Option<MethodChoice>) -> Result<Scenario, Failure> {
        if !self.any() {
            return Ok(scenario);
        }
        if let Some(m) = method.filter(|m| *m != MethodChoice::Optimize) {
            return Err(input(anyhow::anyhow!(
                "{} {} solved by the optimisation model: not with --method {}",
                self.given(),
                if self.guarantee.is_empty() || self.change_from.is_none() { "is" } else { "are" },
                m.name()
            )));
        }
        let mut scenario = scenario;
        for g in &self.guarantee {
            scenario =
                scenario.with_group(g).map_err(|e| input(anyhow::Error::new(e).context("--guarantee")))?;
        }
        if let Some(path) = &self.change_from {
            if self.max_change.is_none() && self.max_change_percent.is_none() {
                return Err(input(anyhow::anyhow!(
                    "--change-from needs a limit: --max-change SLOTS and/or --max-change-percent PERCENT"
                )));
            }
            let spec = ChangeSpec {
                previous: previous_allocation(path)?,
                max_abs: self.max_change,
                max_rel: self.max_change_percent.map(|p| p / 100.0),
                combine: self.change_combine.unwrap_or_default(),
            };
            let context = format!("--change-from {}", path.display());
            scenario =
                scenario.with_change(&spec).map_err(|e| input(anyhow::Error::new(e).context(context)))?;
        }
        Ok(scenario)
    }
}

/// The `code` → `slots` columns of a previous allocation table.
fn previous_allocation(path: &Path) -> Result<BTreeMap<String, u64>, Failure> {
    let (text, label) = load::read(path)?;
    let table = CsvTable::parse(&text, Location::file(&label)).map_err(input)?;
    let column = |name: &str| {
        table.header.iter().position(|h| h == name).ok_or_else(|| {
            input(anyhow::anyhow!(
                "--change-from {label}: no column '{name}' (the table needs code and slots; it has: {})",
                table.header.join(", ")
            ))
        })
    };
    let (code, slots) = (column("code")?, column("slots")?);
    let mut previous = BTreeMap::new();
    for (row, line) in table.rows.iter().zip(&table.lines) {
        let raw = row.get(slots).map(String::as_str).unwrap_or("");
        let value = raw.parse::<u64>().map_err(|_| {
            input(anyhow::anyhow!(
                "--change-from {label}, line {line}, column 'slots': '{raw}' is not a whole number of slots"
            ))
        })?;
        let unit = row.get(code).cloned().unwrap_or_default();
        if previous.insert(unit.clone(), value).is_some() {
            return Err(input(anyhow::anyhow!(
                "--change-from {label}, line {line}: unit '{unit}' appears twice"
            )));
        }
    }
    Ok(previous)
}

/// Parses `--max-change-percent`: a percentage, 0 or more.
fn percent_flag(text: &str) -> Result<f64, String> {
    match text.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        _ => Err(format!("'{text}' is not a percentage of 0 or more (e.g. 25 for 25%)")),
    }
}

/// Parses `--change-combine`.
fn combine_flag(text: &str) -> Result<Combine, String> {
    text.parse::<Combine>()
}
