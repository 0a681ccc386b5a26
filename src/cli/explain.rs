//! `quota explain`: why each unit gets what it gets — the derivation of a unit's ideal quota,
//! the audit trail of the apportionment or of the optimisation model, who is next in line,
//! the unit's margins, and the paradox checks. The library computes it all in one call
//! ([`quota::explain::explain`]) and lays it out ([`quota::render::explain`]); this file reads
//! the inputs and writes the result.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::explain::{self, ExplainError, ExplainOptions, OtherData, UnitRef};
use quota::indicators::IndicatorTable;
use quota::render;
use quota::scenario::Scenario;

use super::constraints::ConstraintFlags;
use super::flags::OverrideFlags;
use super::load::{self, read_text, ScenarioInputs};
use super::output;
use super::{input, internal, Failure};

/// Output format of `quota explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Aligned text.
    Table,
    /// Markdown.
    Md,
    /// JSON (every number, exact fractions as strings).
    Json,
}

/// Explain an allocation: derivation, audit trail, next in line, margins, paradoxes.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota explain --unit 44                      # 广东省 in the bundled 2024 first batch\n  quota explain --unit 广东省 --method webster --next 10\n  quota explain --paradoxes --compare-data new-indicators.csv\n  quota explain --unit 44 --format json -o explain-44.json"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    /// The unit to explain, by code (44) or name (广东省, Guangdong): adds the derivation of its
    /// quota, its place in line and its margins.
    #[arg(long, short)]
    unit: Option<String>,
    #[command(flatten)]
    overrides: OverrideFlags,
    #[command(flatten)]
    constraints: ConstraintFlags,
    /// How many slots ahead (total + 1, + 2, …) and behind to list.
    #[arg(long, default_value_t = 5)]
    next: usize,
    /// Skip the margins (they re-allocate a few thousand times).
    #[arg(long)]
    no_margins: bool,
    /// The optimiser only: is the optimum unique? Lists up to K other optimal allocations
    /// (default 10), their count and each unit's slot range, as `quota allocate --all-optima`.
    #[arg(long, value_name = "K", num_args = 0..=1, default_missing_value = "10")]
    all_optima: Option<usize>,
    /// Run the paradox checks: Alabama (N−1, N, N+1), quota rule, and with --compare-data the
    /// population paradox.
    #[arg(long)]
    paradoxes: bool,
    /// A second indicators file (the updated data) for the population-paradox check; the
    /// scenario's own indicators are "before". Implies --paradoxes.
    #[arg(long, value_name = "OTHER.csv")]
    compare_data: Option<PathBuf>,
    /// Output format (default: table, or what -o FILE's extension names).
    #[arg(long, short, value_enum)]
    format: Option<ExplainFormat>,
    /// Write to this file (atomically) instead of stdout; its extension (.txt .json .md)
    /// chooses the format.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("explain", args.format, args.output.as_deref(), ExplainFormat::Table)?;
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let scenario = args.constraints.apply(scenario, args.overrides.method)?;
    let compare_data = match &args.compare_data {
        Some(path) => Some(other_data(&inputs, &scenario, path)?),
        None => None,
    };
    let opts = ExplainOptions {
        unit: args.unit.map(UnitRef::Key),
        next: args.next,
        margins: !args.no_margins,
        paradoxes: args.paradoxes,
        compare_data,
        all_optima: args.all_optima,
    };
    let mut ex = explain::explain(&scenario, &opts).map_err(failure)?;
    ex.stamp = Some(super::stamp::stamp_of(&scenario, &inputs)?);
    let text = match format {
        ExplainFormat::Json => render::explain::json(&ex).map_err(internal)?,
        ExplainFormat::Md => render::explain::markdown(&ex),
        ExplainFormat::Table => render::explain::text(&ex),
    };
    output::emit(args.output.as_deref(), text.as_bytes())
}

/// Bad input exits 2; a result the independent checker rejects is an internal fault (exit 1).
fn failure(e: ExplainError) -> Failure {
    if e.is_internal() {
        internal(e)
    } else {
        input(e)
    }
}

/// The same scenario, with the command line's overrides, on another indicators file (for the
/// population-paradox check).
fn other_data(inputs: &ScenarioInputs, s: &Scenario, other: &Path) -> Result<OtherData, Failure> {
    let label = other.display().to_string();
    let text = read_text(other)?;
    let table = IndicatorTable::parse(&text, Location::file(&label), &inputs.units).map_err(input)?;
    let scenario = Scenario::build(s.file(), &inputs.units, &table, Location::file(&label))
        .map_err(|p| input(quota::scenario::join_problems(p)))?;
    Ok(OtherData { label, scenario })
}
