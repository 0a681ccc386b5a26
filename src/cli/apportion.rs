//! `quota apportion`: the general apportionment tool over any `name,weight[,min,max]` CSV.
//! Every output carries the reproducibility stamp of its weight table, method and seats
//! (`# stamp:` first line of the CSV, `stamp` field of the JSON, last line of the table), and
//! `--check-stamp FILE` re-runs the current table and compares.

use std::path::PathBuf;

use quota::apportion::{
    apportion, bounded_quotas, table::WeightTable, Apportionment, Method, Problem, Ratio, TIE_BREAK_RULE,
};
use quota::check::check_apportionment;
use quota::error::Location;
use quota::stamp::Stamp;
use serde_json::json;

use super::load::read_text;
use super::output::{self, Align, Format};
use super::stamp::InputsText;
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

impl ApportionFormat {
    /// The format of a published output, as `--check-stamp` detects it (Markdown, which this
    /// tool does not write, is compared as a table and will not match).
    fn detected(f: Format) -> ApportionFormat {
        match f {
            Format::Csv => ApportionFormat::Csv,
            Format::Json => ApportionFormat::Json,
            Format::Table | Format::Md => ApportionFormat::Table,
        }
    }
}

/// How `--check-stamp` names this tool's inputs.
const TABLE_INPUTS: InputsText = InputsText {
    same: "canonical weight table, method and seats hash alike",
    different: "the weight table changed in a value that matters, or --method or --seats differ",
};

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

/// One run of the tool: the table, the result and its stamp, ready to render in any format.
struct Run {
    method: Method,
    seats: u64,
    table: WeightTable,
    result: Apportionment,
    quotas: Vec<Ratio>,
    stamp: Stamp,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let method: Method = args.method.parse().map_err(input)?;
    let text = read_text(&args.input)?;
    let label = args.input.display().to_string();
    let table = WeightTable::parse(&text, Location::file(&label)).map_err(input)?;
    quota::apportion::check_work(method, table.names.len(), args.seats)
        .map_err(|e| input(anyhow::anyhow!("{label}: {e}")))?;
    let upper = table.upper.clone().unwrap_or_else(|| vec![args.seats; table.names.len()]);
    let names = table.names.clone();
    let problem = Problem::with_bounds(table.weights.clone(), table.lower.clone(), upper, args.seats, &|i| {
        format!("{} (line {})", names[i], table.lines[i])
    })
    .map_err(|e| input(anyhow::anyhow!("{label}: {e}")))?;
    let result = apportion(&problem, method);
    check_apportionment(&problem, &result).map_err(internal)?;
    let quotas = bounded_quotas(&problem);
    let stamp = Stamp::compute_for_table(&text, method.name(), args.seats)
        .map_err(|e| input(anyhow::anyhow!("{label}: {e}")))?;
    let run = Run { method, seats: args.seats, table, result, quotas, stamp };
    if let Some(published) = &args.check_stamp {
        let (report, matches) = super::stamp::compare(published, &run.stamp, &TABLE_INPUTS, |f| {
            render(&run, ApportionFormat::detected(f))
        })?;
        return super::stamp::conclude(published, &report, matches);
    }
    let text = render(&run, args.format)?;
    output::emit(args.output.as_deref(), text.as_bytes())
}

/// Renders a run in `format`, with its stamp.
fn render(run: &Run, format: ApportionFormat) -> Result<String, Failure> {
    let Run { method, seats, table, result, quotas, stamp } = run;
    let names = &table.names;
    let ties: Vec<serde_json::Value> = result
        .ties
        .iter()
        .map(|t| {
            json!({
                "priority": t.priority.to_string(),
                "winners": t.winners.iter().map(|&i| names[i].clone()).collect::<Vec<_>>(),
                "losers": t.losers.iter().map(|&i| names[i].clone()).collect::<Vec<_>>(),
                "rule": TIE_BREAK_RULE,
            })
        })
        .collect();
    Ok(match format {
        ApportionFormat::Json => {
            let allocation: Vec<serde_json::Value> = (0..names.len())
                .map(|i| {
                    json!({
                        "name": names[i],
                        "weight": table.written[i].parse::<f64>().unwrap_or(0.0),
                        "quota": quotas[i].to_f64(),
                        "seats": result.seats[i],
                    })
                })
                .collect();
            output::json_text(&json!({
                "stamp": stamp,
                "method": method.name(),
                "seats": seats,
                "allocation": allocation,
                "ties": ties,
            }))?
        }
        fmt => {
            let header: Vec<String> = ["name", "weight", "quota", "seats"].map(String::from).to_vec();
            let rows: Vec<Vec<String>> = (0..names.len())
                .map(|i| {
                    vec![
                        names[i].clone(),
                        table.written[i].clone(),
                        format!("{:.6}", quotas[i].to_f64()),
                        result.seats[i].to_string(),
                    ]
                })
                .collect();
            if fmt == ApportionFormat::Csv {
                format!("# {}\n{}", stamp.line(), output::csv_text(&header, &rows)?)
            } else {
                let align = [Align::Left, Align::Right, Align::Right, Align::Right];
                let mut s = format!("method {} — {} seats\n\n", method.name(), seats);
                s.push_str(&output::text_table(&header, &align, &rows, false));
                for t in &result.ties {
                    s.push_str(&format!(
                        "tie at priority {}: won by {}; lost by {} ({TIE_BREAK_RULE})\n",
                        t.priority,
                        t.winners.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", "),
                        t.losers.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
                s.push_str(&format!("\n{}\n", stamp.line()));
                s
            }
        }
    })
}
