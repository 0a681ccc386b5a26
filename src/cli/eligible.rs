//! `quota eligible`: screens a firm registry by the notice's rules on a date; prints the
//! eligible count per unit (the caps of an allocation) and, per excluded firm, every reason.
//! Also the loader behind `--caps-from` of `quota allocate`. The screening is
//! `quota::eligibility::ScreeningReport`; the outputs are `quota::render::eligible`.

use std::path::{Path, PathBuf};

use quota::eligibility::{eligible_per_unit, Date, Registry, ScreeningReport, FIRST_BATCH_APPLICATION_DATE};
use quota::error::Location;
use quota::programme::apply_caps;
use quota::render;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::{parse_units, Units};

use super::load::{self, read_text, ScenarioInputs};
use super::output::{self, Format};
use super::{input, internal, Failure};

/// Screen a firm registry: eligible firms per unit, and every reason each other firm fails.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Registry columns: id,name,unit,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n(and optionally recognised_on). Rules of 财建〔2024〕148号: valid 小巨人, not listed (SSE, SZSE, BSE,\noverseas), not supported under 财建〔2021〕2号, plan investment above 2000万元, at least one plan area\n(新动能/新技术/新产品/一强), key field.\n\nExamples:\n  quota eligible data/registry/firms.csv                      # as of 2024-07-31\n  quota eligible data/registry/firms.csv --as-of 2025-04-30 --excluded --format csv\n  quota allocate --caps-from data/registry/firms.csv         # eligible counts as the caps"
)]
pub struct Args {
    /// Firm registry (CSV).
    registry: PathBuf,
    /// Screening date, YYYY-MM-DD (default 2024-07-31: the 2024 first batch's application date).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Unit table the registry's unit codes refer to (default: the bundled one).
    #[arg(long)]
    units: Option<PathBuf>,
    /// Count the five 计划单列市 with their provinces (32 units).
    #[arg(long)]
    merge_cities: bool,
    /// List the excluded firms with every reason, instead of the per-unit counts.
    #[arg(long)]
    excluded: bool,
    /// Output format (default: table, or what -o FILE's extension names).
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

/// Parses `--as-of` (clap reports a bad date as a usage error, exit 2).
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

/// Reads and validates a registry against `units`.
pub fn load_registry(path: &Path, units: &Units) -> Result<Registry, Failure> {
    let text = read_text(path)?;
    Registry::parse(&text, Location::file(path.display().to_string()), units).map_err(input)
}

/// `--caps-from`: replaces the scenario's caps with the registry's eligible firms per unit on
/// `as_of`, re-deriving the floors from the scenario's `[bounds]` and re-checking them.
pub fn replace_caps(
    scenario: &mut Scenario,
    inputs: &ScenarioInputs,
    registry_path: &Path,
    as_of: Option<Date>,
) -> Result<(), Failure> {
    let as_of = as_of.unwrap_or(FIRST_BATCH_APPLICATION_DATE);
    let registry = load_registry(registry_path, &inputs.units)?;
    let pool = eligible_per_unit(&registry, as_of, scenario.merged());
    let file = ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(input)?;
    let at = Location::file(format!("{} (eligible firms on {as_of})", registry_path.display()));
    apply_caps(scenario, &file.bounds, &pool, &at).map_err(input)?;
    let codes: Vec<String> = inputs.units.as_slice().iter().map(|u| u.code.clone()).collect();
    *scenario = scenario.with_provenance_input(registry.input(&codes));
    Ok(())
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("eligible", args.format, args.output.as_deref(), Format::Table)?;
    output::check_bom(args.bom, format)?;
    let as_of = args.as_of.unwrap_or(FIRST_BATCH_APPLICATION_DATE);
    let units = match &args.units {
        Some(p) => parse_units(&read_text(p)?, Location::file(p.display().to_string())).map_err(input)?,
        None => {
            parse_units(load::BUNDLED_UNITS, Location::file("<bundled>/data/units.csv")).map_err(input)?
        }
    };
    let registry = load_registry(&args.registry, &units)?;
    let report = ScreeningReport::new(&registry, as_of, args.merge_cities);
    let text = render::eligible::render(&report, format.into(), args.excluded).map_err(internal)?;
    output::emit_text(args.output.as_deref(), &text, args.bom)
}
