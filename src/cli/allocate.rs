//! `quota allocate`: the main job — split the national quota of a scenario across units.
//! Loads the scenario (caps optionally from a registry), calls `quota::allocate`, and writes
//! `quota::render::allocate` of the published report.

use std::path::PathBuf;

use quota::allocate::{allocate, verify, AllocationReport};
use quota::render;
use quota::stamp::SCENARIO_INPUTS;

use super::constraints::ConstraintFlags;
use super::flags::OverrideFlags;
use super::load;
use super::output::{self, Format};
use super::stamp::{self, format_of, labels, stamp_of};
use super::{input, internal, Failure};

/// Split a scenario's national quota across units, with the money.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota allocate                                  # bundled 2024 first batch, 37 units\n  quota allocate data/scenarios/2024-batch1.toml --method webster --merge-cities\n  quota allocate --format json -o allocation.json --verify"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    overrides: OverrideFlags,
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
    /// Start CSV output with a `# stamp: …` comment line (off by default: CSV is one header line
    /// and data rows, for pandas, Python's csv and Excel; the other formats always carry the stamp).
    #[arg(long)]
    stamp: bool,
    /// Run the independent checker and report what it verified (on stderr).
    #[arg(long)]
    verify: bool,
    /// Check a previously written output (table, md, csv or json) against a fresh run of the
    /// current inputs: compares its reproducibility stamp and its content. Exit 0 if it
    /// matches, 3 if not. Give the same scenario and options as the run that wrote it.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    check_stamp: Option<PathBuf>,
    /// Caps from a firm registry: each unit's eligible firms on --as-of (see `quota eligible`).
    #[arg(long, value_name = "REGISTRY.csv")]
    caps_from: Option<PathBuf>,
    #[command(flatten)]
    constraints: ConstraintFlags,
    /// Is the optimum unique? Lists up to K other optimal allocations (default 10), their
    /// count and each unit's slot range over all of them, and why the tie-break chose the
    /// published one (--method optimize; nested or disjoint groups only).
    #[arg(long, value_name = "K", num_args = 0..=1, default_missing_value = "10", conflicts_with = "check_stamp")]
    all_optima: Option<usize>,
    /// Screening date for --caps-from, YYYY-MM-DD (default 2024-07-31).
    #[arg(long, value_parser = super::eligible::parse_date, requires = "caps_from")]
    as_of: Option<quota::eligibility::Date>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("allocate", args.format, args.output.as_deref(), Format::Table)?;
    output::check_bom(args.bom, format)?;
    output::check_stamp_flag(args.stamp, format)?;
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let mut scenario = args.constraints.apply(scenario, args.overrides.method)?;
    if let Some(registry) = &args.caps_from {
        super::eligible::replace_caps(&mut scenario, &inputs, registry, args.as_of)?;
    }
    if let Some(listed) = args.all_optima {
        let optima = quota::allocate::all_optima(
            &scenario,
            stamp_of(&scenario, &inputs)?,
            listed,
            quota::optimize::DEFAULT_COUNT_LIMIT,
        )
        .map_err(|e| input(anyhow::Error::new(e).context("--all-optima")))?;
        let text = render::optima::render(&optima, format.into()).map_err(internal)?;
        return output::emit_text(args.output.as_deref(), &text, args.bom);
    }
    let allocation = allocate(&scenario).map_err(input)?;
    if args.verify {
        let verified = verify(&scenario, &allocation).map_err(internal)?;
        eprintln!("{}", render::allocate::verification(&verified));
    }
    let report = AllocationReport::new(&scenario, allocation, stamp_of(&scenario, &inputs)?, labels(&inputs));
    if let Some(published) = &args.check_stamp {
        return stamp::check(published, &report.stamp, SCENARIO_INPUTS, |f| {
            render::allocate::render(&report, format_of(f))
        });
    }
    let text = render::allocate::render(&report, format.into()).map_err(internal)?;
    let text = output::stamped_csv(text, args.stamp.then_some(&report.stamp));
    output::emit_text(args.output.as_deref(), &text, args.bom)
}
