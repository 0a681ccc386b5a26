//! `quota table`: the quota table of a batch as it would be published (Markdown, CSV, xlsx),
//! in Chinese or English. Rendering (the table and its provenance lines) is done by
//! `quota::render::table`; this file loads, allocates (or runs the programme) and writes.

use std::io::IsTerminal;
use std::path::PathBuf;

use quota::allocate::allocate;
use quota::eligibility::FIRST_BATCH_APPLICATION_DATE;
use quota::error::Location;
use quota::input::sheet::{is_workbook, workbook_text};
use quota::render::announcement::Lang;
use quota::render::table::{provenance, render, Origin, TableOutput};
use quota::render::RenderError;
use quota::scenario::read_bytes;
use quota::stamp::{PublishedFormat, Stamp, SCENARIO_INPUTS};

use super::constraints::ConstraintFlags;
use super::flags::OverrideFlags;
use super::load;
use super::output;
use super::stamp::{labels, stamp_of};
use super::{input, internal, Failure};

/// Format of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Markdown: title, table, note.
    Md,
    /// CSV: header, one row per unit, totals row.
    Csv,
    /// Excel workbook: the table and a sheet with the scenario's parameters.
    Xlsx,
}

/// The announcement table of a batch: 序号, unit, region, 名额, 奖补资金 and its parts.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota table                                              # bundled 2024 first batch, Chinese Markdown\n  quota table data/scenarios/2024-batch1.toml --lang en --format csv\n  quota table --format xlsx -o 2024-batch1.xlsx\n  quota table --programme data/programme/148-2024-2026.toml --batch 2025 --format xlsx -o 2025.xlsx"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    #[arg(conflicts_with = "programme")]
    scenario: Option<PathBuf>,
    /// A batch of a programme instead of a scenario (with --batch).
    #[arg(long, requires = "batch")]
    programme: Option<PathBuf>,
    /// The programme's batch: its year (2025) or its position (2).
    #[arg(long, requires = "programme")]
    batch: Option<u16>,
    /// Language: zh (official Chinese terms and unit names) or en.
    #[arg(long, value_parser = |s: &str| s.parse::<Lang>(), default_value = "zh")]
    lang: Lang,
    /// Output format (default: md, or what -o FILE's extension names).
    #[arg(long, short, value_enum)]
    format: Option<TableFormat>,
    /// Title (default: from the scenario's name).
    #[arg(long)]
    title: Option<String>,
    #[command(flatten)]
    overrides: OverrideFlags,
    #[command(flatten)]
    constraints: ConstraintFlags,
    /// Caps from a firm registry: each unit's eligible firms on --as-of (see `quota eligible`).
    #[arg(long, value_name = "REGISTRY.csv", conflicts_with = "programme")]
    caps_from: Option<PathBuf>,
    /// Screening date for --caps-from, YYYY-MM-DD (default 2024-07-31).
    #[arg(long, value_parser = super::eligible::parse_date, requires = "caps_from")]
    as_of: Option<quota::eligibility::Date>,
    /// Start the CSV with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    bom: bool,
    /// Start the CSV with a `# stamp: …` comment line. Off by default: the CSV is pure data for
    /// spreadsheets (Markdown and xlsx always carry the stamp).
    #[arg(long)]
    stamp: bool,
    /// Write to this file (atomically) instead of stdout; its extension (.md .csv .xlsx)
    /// chooses the format.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Check a published table (Markdown, CSV written with --stamp, or xlsx) against a fresh run
    /// of the current inputs with the same options (scenario or --programme/--batch, --lang,
    /// --title, --caps-from …): its stamp, then its content; exit 0 if it matches, 3 if not.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output", "format", "stamp", "bom"])]
    check_stamp: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("table", args.format, args.output.as_deref(), TableFormat::Md)?;
    output::check_bom(args.bom, format)?;
    if args.stamp && format != TableFormat::Csv {
        return Err(input(anyhow::anyhow!(
            "--stamp applies to CSV output (Markdown and xlsx always carry the stamp)"
        )));
    }
    if args.programme.is_some() {
        let given = args.overrides.given();
        if !given.is_empty() {
            return Err(input(anyhow::anyhow!(
                "{}: not with --programme (a programme's batches take their method and totals from the \
                 programme file); give a scenario instead",
                given.join(", ")
            )));
        }
    }
    if format == TableFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(input(anyhow::anyhow!("xlsx is a binary format: write it to a file with -o FILE.xlsx")));
    }
    let output = match format {
        TableFormat::Md => TableOutput::Md,
        TableFormat::Csv => TableOutput::Csv { bom: args.bom, stamp: args.stamp },
        TableFormat::Xlsx => TableOutput::Xlsx,
    };
    let (scenario, allocation, provenance, stamp) = match (&args.programme, args.batch) {
        (Some(path), Some(which)) => {
            if args.constraints.any() {
                return Err(input(anyhow::anyhow!(
                    "--guarantee and --change-from apply to a scenario, not to a programme's batch (--programme)"
                )));
            }
            let (mut plan, inputs) = super::plan::load_and_run(path)?;
            let k = plan.batch_index(which).map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
            let stamp = stamp_of(&plan.batches[k].scenario, &inputs)?;
            let programme = path.display().to_string();
            let origin = Origin::Batch {
                programme: &programme,
                batch: &plan.batches[k],
                registry: plan.inputs.registry.as_deref(),
            };
            let lines = provenance(args.lang, origin, &labels(&inputs), &stamp);
            let b = plan.batches.swap_remove(k);
            (b.scenario, b.allocation, lines, stamp)
        }
        _ => {
            let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
            let mut scenario = args.constraints.apply(scenario, args.overrides.method)?;
            if let Some(registry) = &args.caps_from {
                super::eligible::replace_caps(&mut scenario, &inputs, registry, args.as_of)?;
            }
            let allocation = allocate(&scenario).map_err(input)?;
            let stamp = stamp_of(&scenario, &inputs)?;
            let registry = args.caps_from.as_ref().map(|r| r.display().to_string());
            let origin = Origin::Scenario {
                caps_from: registry
                    .as_deref()
                    .map(|r| (r, args.as_of.unwrap_or(FIRST_BATCH_APPLICATION_DATE))),
            };
            let lines = provenance(args.lang, origin, &labels(&inputs), &stamp);
            (scenario, allocation, lines, stamp)
        }
    };
    let table = |output: TableOutput| {
        render(&scenario, &allocation, args.lang, args.title.as_deref(), &provenance, &stamp, output)
    };
    if let Some(published) = &args.check_stamp {
        return check_published(published, &stamp, table);
    }
    let bytes = table(output).map_err(internal)?;
    output::emit(args.output.as_deref(), &bytes)
}

/// `--check-stamp FILE`: FILE is compared, stamp and content, with a fresh rendering in its own
/// format — a workbook sheet by sheet as text, CSV with its stamp line, else Markdown.
fn check_published(
    path: &std::path::Path,
    stamp: &Stamp,
    table: impl Fn(TableOutput) -> Result<Vec<u8>, RenderError>,
) -> Result<(), Failure> {
    let at = Location::file(path.display().to_string());
    let bytes = read_bytes(path).map_err(input)?;
    if is_workbook(&bytes) {
        let published = workbook_text(&bytes, &at).map_err(input)?;
        return super::stamp::check_text(path, &published, stamp, SCENARIO_INPUTS, |_| {
            let fresh = table(TableOutput::Xlsx)?;
            workbook_text(&fresh, &Location::file("the fresh workbook")).map_err(RenderError::Reread)
        });
    }
    super::stamp::check(path, stamp, SCENARIO_INPUTS, |format| {
        let output = match format {
            PublishedFormat::Csv => TableOutput::Csv { bom: false, stamp: true },
            _ => TableOutput::Md,
        };
        Ok(String::from_utf8_lossy(&table(output)?).into_owned())
    })
}
