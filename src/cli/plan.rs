//! `quota plan`: runs the three-batch programme and prints the batches and the year-by-year
//! cash flow (万元), national and per unit. Loads the programme, its scenario and registry,
//! calls `quota::programme::run_from`, and writes `quota::render::plan` of the plan.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::programme::{self, Plan, Programme};
use quota::render;
use quota::scenario::ScenarioFile;

use super::eligible::load_registry;
use super::load::{self, read_text, Overrides, ScenarioInputs};
use super::output::{self, Format};
use super::{input, internal, Failure};

/// Run a multi-batch programme: each batch's allocation, and the money over the years.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Money (万元): first tranche (50%) in the batch year; the remainder, withheld remainders (targets missed)\nand recovered first tranches (investment under 2000万元) at the end of the three-year period (batch year + 3).\n\nExamples:\n  quota plan data/programme/148-2024-2026.toml\n  quota plan data/programme/148-2024-2026.toml --per-unit --format md\n  quota plan data/programme/148-2024-2026.toml --format csv -o cashflow.csv"
)]
pub struct Args {
    /// Programme file (TOML).
    programme: PathBuf,
    /// Also show each unit's slots per batch and money per year.
    #[arg(long)]
    per_unit: bool,
    /// Output format (default: table, or what -o FILE's extension names; csv: the cash flow,
    /// national and per unit, one row per year).
    #[arg(long, short, value_enum)]
    format: Option<Format>,
    /// Write to this file (atomically) instead of stdout; its extension (.txt .csv .json .md)
    /// chooses the format.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    bom: bool,
}

/// Loads and runs a programme file; returns the plan and the inputs of its scenario.
pub fn load_and_run(path: &Path) -> Result<(Plan, ScenarioInputs), Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    let programme = Programme::parse(&text, at).map_err(input)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let scenario_path = programme.scenario.as_ref().map(|p| tidy(&dir.join(p)));
    let (base, inputs) = load::scenario(scenario_path.as_deref(), &Overrides::default())?;
    let file = ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(input)?;
    let registry = match &programme.registry {
        Some(p) => Some(load_registry(&tidy(&dir.join(p)), &inputs.units)?),
        None => None,
    };
    let plan = programme::run_from(&programme, &base, &file.bounds, registry.as_ref()).map_err(input)?;
    Ok((plan, inputs))
}

/// Removes `dir/..` pairs from a path, lexically, so messages name `data/scenarios/x.toml`
/// rather than `data/programme/../scenarios/x.toml`.
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match (c, out.last()) {
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            (Component::CurDir, _) => {}
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("plan", args.format, args.output.as_deref(), Format::Table)?;
    output::check_bom(args.bom, format)?;
    let (plan, _) = load_and_run(&args.programme)?;
    let text = render::plan::render(&plan, format.into(), args.per_unit).map_err(internal)?;
    output::emit_text(args.output.as_deref(), &text, args.bom)
}
