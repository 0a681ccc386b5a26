//! `quota apportion`: the general apportionment tool over any `name,weight[,min,max]` CSV.
//! Every output carries the reproducibility stamp of its weight table, method and seats
//! (`stamp` field of the JSON, last line of the table and Markdown; a `# stamp:` first line of
//! the CSV with `--stamp`), and
//! `--check-stamp FILE` re-runs the current table and compares. The run is
//! `quota::apportion::tool::apportion_table`; the outputs are `quota::render::apportion`.

use std::path::PathBuf;

use quota::apportion::tool::apportion_table;
use quota::apportion::Method;
use quota::render;
use quota::stamp::TABLE_INPUTS;

use super::output;
use super::stamp::{self, format_of};
use super::{input, internal, Failure};

/// Output format of `quota apportion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApportionFormat {
    /// Aligned text (heading, table, ties, stamp line).
    Table,
    /// CSV: name,weight,quota,seats.
    Csv,
    /// JSON: {"stamp","method","seats","allocation":[{"name","weight","quota","seats"}],"ties":[…]}.
    Json,
    /// Markdown: heading, table, ties, stamp line.
    Md,
}

impl From<ApportionFormat> for render::Format {
    fn from(f: ApportionFormat) -> Self {
        match f {
            ApportionFormat::Table => render::Format::Table,
            ApportionFormat::Csv => render::Format::Csv,
            ApportionFormat::Json => render::Format::Json,
            ApportionFormat::Md => render::Format::Md,
        }
    }
}

/// Apportion seats among rows of a table by any method (general tool).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Input: a table (CSV, .xlsx, .ods, or - for stdin) with columns name,weight and optional \
min,max; Chinese headers (名称/省份/地区, 权重, 下限, 上限) are recognised, and --columns maps any others.\n\n\
Examples:\n  quota apportion --method webster -n 8 parties.csv --format json\n  \
quota apportion -n 100 provinces.xlsx --columns name=省份,weight=人口\n  \
quota apportion --method webster -n 8 parties.csv --check-stamp published.txt"
)]
pub struct Args {
    /// Method: hamilton (default), jefferson, webster, huntington-hill, adams, dean,
    /// modified-webster, quota (aliases: largest-remainder, dhondt, sainte-lague, hill,
    /// modified-sainte-lague).
    #[arg(long, short, default_value = "hamilton")]
    method: String,
    /// Number of seats to apportion (--seats, -s: the same).
    #[arg(long, short = 'n', visible_alias = "seats", short_alias = 's')]
    total: u64,
    /// Input table (name,weight[,min,max]): CSV, .xlsx, .ods, or - for stdin.
    input: PathBuf,
    /// Which columns hold the names, weights and bounds, e.g. name=省份,weight=权重 (the others
    /// keep their own names).
    #[arg(long, value_name = "ROLE=COLUMN,…", value_delimiter = ',')]
    columns: Vec<String>,
    /// Output format (default: table, or what -o FILE's extension names).
    #[arg(long, short, value_enum)]
    format: Option<ApportionFormat>,
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
    /// Check a previously written output (table, md, csv or json) against a fresh run of the
    /// current weight table: compares its reproducibility stamp and its content. Exit 0 if it
    /// matches, 3 if not. Give the same --method and --total as the run that wrote it.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    check_stamp: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("apportion", args.format, args.output.as_deref(), ApportionFormat::Table)?;
    output::check_bom(args.bom, format)?;
    output::check_stamp_flag(args.stamp, format)?;
    let method: Method = args.method.parse().map_err(input)?;
    let (mut text, label) = super::load::read(&args.input)?;
    if !args.columns.is_empty() {
        let mapping = super::flags::columns(&args.columns)?;
        text = quota::input::map_columns(&text, &quota::error::Location::file(&label), &mapping)
            .map_err(|e| input(anyhow::Error::new(e).context("--columns")))?;
    }
    let result = apportion_table(&text, &label, method, args.total).map_err(|e| {
        if e.is_internal() {
            internal(e)
        } else {
            input(e)
        }
    })?;
    if let Some(published) = &args.check_stamp {
        return stamp::check(published, &result.stamp, TABLE_INPUTS, |f| {
            render::apportion::render(&result, format_of(f))
        });
    }
    let text = render::apportion::render(&result, format.into()).map_err(internal)?;
    let text = output::stamped_csv(text, args.stamp.then_some(&result.stamp));
    output::emit_text(args.output.as_deref(), &text, args.bom)
}
