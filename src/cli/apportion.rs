//! `quota apportion`: the general apportionment tool over any `name,weight[,min,max]` CSV.

use std::path::PathBuf;

use quota::apportion::{apportion, bounded_quotas, table::WeightTable, Method, Problem, TIE_BREAK_RULE};
use quota::check::check_apportionment;
use quota::error::Location;
use serde_json::json;

use super::load::read_text;
use super::output::{self, Align};
use super::{input, internal, Failure};

/// Output format of `quota apportion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApportionFormat {
    /// Aligned text.
    Table,
    /// CSV: name,weight,quota,seats.
    Csv,
    /// JSON: {"method","seats","allocation":[{"name","weight","quota","seats"}],"ties":[…]}.
    Json,
}

/// Apportion seats among rows of a CSV by any method (general tool).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Input: a CSV with header name,weight and optional min,max columns.\n\nExample:\n  quota apportion --method webster --seats 8 parties.csv --format json"
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
}

pub fn run(args: Args) -> Result<(), Failure> {
    let method: Method = args.method.parse().map_err(input)?;
    let text = read_text(&args.input)?;
    let label = args.input.display().to_string();
    let table = WeightTable::parse(&text, Location::file(&label)).map_err(input)?;
    let upper = table.upper.clone().unwrap_or_else(|| vec![args.seats; table.names.len()]);
    let names = table.names.clone();
    let problem = Problem::with_bounds(table.weights.clone(), table.lower.clone(), upper, args.seats, &|i| {
        format!("{} (line {})", names[i], table.lines[i])
    })
    .map_err(|e| input(anyhow::anyhow!("{label}: {e}")))?;
    let result = apportion(&problem, method);
    check_apportionment(&problem, &result).map_err(internal)?;
    let quotas = bounded_quotas(&problem);
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
    let text = match args.format {
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
                "method": method.name(),
                "seats": args.seats,
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
                output::csv_text(&header, &rows)?
            } else {
                let align = [Align::Left, Align::Right, Align::Right, Align::Right];
                let mut s = format!("method {} — {} seats\n\n", method.name(), args.seats);
                s.push_str(&output::text_table(&header, &align, &rows, false));
                for t in &result.ties {
                    s.push_str(&format!(
                        "tie at priority {}: won by {}; lost by {} ({TIE_BREAK_RULE})\n",
                        t.priority,
                        t.winners.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", "),
                        t.losers.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
                s
            }
        }
    };
    output::emit(args.output.as_deref(), text.as_bytes())
}
