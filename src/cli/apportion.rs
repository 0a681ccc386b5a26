//! `quota apportion`: the general apportionment tool over any `name,weight[,min,max]` CSV.
//! Every output carries the reproducibility stamp of its weight table, method and seats
//! (`# stamp:` first line of the CSV, `stamp` field of the JSON, last line of the table), and
//! `--check-stamp FILE` re-runs the current table and compares. The run is
//! `quota::apportion::tool::apportion_table`; the outputs are `quota::render::apportion`.

use std::path::PathBuf;

use quota::apportion::tool::apportion_table;
use quota::apportion::Method;
use quota::render;
use quota::stamp::TABLE_INPUTS;

use super::load::read_text;
use super::output;
use super::stamp::{self, format_of};
use super::{input, internal, Failure};

/// Output format of `quota apportion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApportionFormat {
    /// Aligned text.
    Table,
    /// CSV: a `# stamp: …` comment line, then name,weight,quota,seats.
    Csv,
    /// JSON: {"stamp","method","seats","allocation":[{"name","weight","quota","seats"}],"ties":[…]}.
    Json,
}

impl From<ApportionFormat> for render::Format {
    fn from(f: ApportionFormat) -> Self {
        match f {
            ApportionFormat::Table => render::Format::Table,
            ApportionFormat::Csv => render::Format::Csv,
            ApportionFormat::Json => render::Format::Json,
        }
    }
}

/// Apportion seats among rows of a CSV by any method (general tool).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Input: a CSV with header name,weight and optional min,max columns.\n\nExamples:\n  quota apportion --method webster --seats 8 parties.csv --format json\n  quota apportion --method webster --seats 8 parties.csv --check-stamp published.csv"
)]
pub struct Args {
    /// Method: hamilton, jefferson, webster, huntington-hill, adams, dean, modified-webster, quota
    /// (aliases: largest-remainder, dhondt, sainte-lague, hill, modified-sainte-lague).
    #[arg(long, short)]
    method: String,
    /// Number of seats to apportion.
    #[arg(long, short)]
    seats: u64,
    /// Input CSV (name,weight[,min,max]).
    input: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ApportionFormat::Csv)]
    format: ApportionFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Check a previously written output (table, csv or json) against a fresh run of the
    /// current weight table: compares its reproducibility stamp and its content. Exit 0 if it
    /// matches, 3 if not. Give the same --method and --seats as the run that wrote it.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    check_stamp: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let method: Method = args.method.parse().map_err(input)?;
    let text = read_text(&args.input)?;
    let result = apportion_table(&text, &args.input.display().to_string(), method, args.seats)
        .map_err(|e| if e.is_internal() { internal(e) } else { input(e) })?;
    if let Some(published) = &args.check_stamp {
        return stamp::check(published, &result.stamp, TABLE_INPUTS, |f| {
            render::apportion::render(&result, format_of(f))
        });
    }
    let text = render::apportion::render(&result, args.format.into()).map_err(internal)?;
    output::emit(args.output.as_deref(), text.as_bytes())
}
