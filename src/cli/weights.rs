//! `quota weights`: derive indicator weights by a multi-criteria method (equal, manual,
//! entropy, CRITIC, CV, AHP, PCA) and show them with the method's diagnostics.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::input::CsvTable;
use quota::weighting::{
    derive, parse_ahp_csv, parse_ahp_toml, DeriveOptions, IndicatorMatrix, PairwiseMatrix, Scheme,
    WeightingError, Weights,
};
use serde_json::json;

use super::flags::WeightingFlags;
use super::load::{self, read_text, Overrides};
use super::output::{self, Align, Format};
use super::{input, internal, Failure};

/// Derive indicator weights by a multi-criteria method, with its diagnostics.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Input: a scenario (TOML: its [[indicator]] columns and, for `manual`, their weights) or an \
indicator CSV (one row per unit; --indicators picks the columns, default every numeric column).\n\n\
Methods: equal, manual, entropy (熵权法), critic, cv (变异系数法), ahp (needs --ahp; without an INPUT it \
weighs the matrix's own criteria), pca.\n\n\
Examples:\n  quota weights --method entropy                       # the bundled scenario's indicators\n  \
quota weights --method critic data/indicators.csv --indicators xiaojuren,sme_above_scale,cultivation\n  \
quota weights --method ahp --ahp data/ahp/scenario-indicators.csv --format json\n  \
quota weights --method pca --pca-components variance:0.85 --format md"
)]
pub struct Args {
    /// Weighting method: equal, manual, entropy, critic, cv, ahp, pca.
    #[arg(long, short)]
    method: String,
    /// Scenario (.toml) or indicator table (.csv); the bundled 2024 first-batch scenario when omitted.
    input: Option<PathBuf>,
    /// Indicator columns of a CSV input, comma-separated (default: every numeric column).
    #[arg(long, value_delimiter = ',')]
    indicators: Vec<String>,
    /// Column of a CSV input that names the units.
    #[arg(long, default_value = "code")]
    unit_column: String,
    /// Merge the five 计划单列市 into their provinces (scenario input only).
    #[arg(long)]
    merge_cities: bool,
    #[command(flatten)]
    weighting: WeightingFlags,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// What the weights were derived from, for the heading and the JSON.
struct Loaded {
    matrix: IndicatorMatrix,
    source: String,
    manual: Option<Vec<(String, f64)>>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let scheme: Scheme = args.method.parse().map_err(input)?;
    let (ahp_method, pca_keep) = args.weighting.parse()?;
    let ahp = args.weighting.ahp.as_deref().map(read_ahp).transpose()?;
    let (weights, loaded) = match (&ahp, scheme, &args.input) {
        // AHP without an indicator input: the judgements alone (the data play no part in AHP).
        (Some(pm), Scheme::Ahp, None) => {
            let w = quota::weighting::ahp(pm, ahp_method, args.weighting.allow_inconsistent)
                .map_err(weighting_failure)?;
            (w, None)
        }
        _ => {
            let loaded = load_indicators(&args)?;
            let options = DeriveOptions {
                manual: loaded.manual.clone(),
                ahp,
                ahp_method,
                allow_inconsistent: args.weighting.allow_inconsistent,
                pca_keep,
            };
            (derive(scheme, &loaded.matrix, &options).map_err(weighting_failure)?, Some(loaded))
        }
    };
    for w in &weights.warnings {
        eprintln!("warning: {w}");
    }
    let (source, units) = match &loaded {
        Some(l) => (l.source.clone(), Some(l.matrix.n_units())),
        None => (args.weighting.ahp.as_deref().map(|p| p.display().to_string()).unwrap_or_default(), None),
    };
    let text = render(&weights, &source, units, args.format)?;
    output::emit(args.output.as_deref(), text.as_bytes())
}

/// Bad input → exit 2; an internal fault (a non-converging iteration) → exit 1.
fn weighting_failure(e: WeightingError) -> Failure {
    if e.is_bad_input() {
        input(e)
    } else {
        internal(e)
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

fn load_indicators(args: &Args) -> Result<Loaded, Failure> {
    match &args.input {
        Some(path) if !is_toml(path) => {
            if args.merge_cities {
                return Err(input(anyhow::anyhow!("--merge-cities needs a scenario (TOML) input")));
            }
            let label = path.display().to_string();
            let text = read_text(path)?;
            let table = CsvTable::parse(&text, Location::file(&label)).map_err(input)?;
            let unit_column = table.column(&args.unit_column).map_err(input)?;
            let columns: Vec<String> = if args.indicators.is_empty() {
                (0..table.header.len())
                    .filter(|&c| c != unit_column && table.rows.iter().all(|r| is_number(&r[c])))
                    .map(|c| table.header[c].clone())
                    .collect()
            } else {
                args.indicators.iter().map(|s| s.trim().to_string()).collect()
            };
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            let matrix =
                IndicatorMatrix::from_table(&table, &args.unit_column, &names).map_err(weighting_failure)?;
            Ok(Loaded { matrix, source: label, manual: None })
        }
        scenario_path => {
            if !args.indicators.is_empty() {
                return Err(input(anyhow::anyhow!(
                    "--indicators applies to a CSV input; a scenario's indicators are its [[indicator]] columns"
                )));
            }
            let overrides = Overrides { merge_cities: args.merge_cities, ..Default::default() };
            let (s, inputs) = load::scenario(scenario_path.as_deref(), &overrides)?;
            let names = s.indicators.iter().map(|i| i.column.clone()).collect();
            let units = s.units.as_slice().iter().map(|u| u.code.clone()).collect();
            let rows =
                (0..s.units.len()).map(|u| s.indicators.iter().map(|i| i.values[u]).collect()).collect();
            let matrix = IndicatorMatrix::new(names, units, rows).map_err(weighting_failure)?;
            let manual = Some(s.indicators.iter().map(|i| (i.column.clone(), i.weight)).collect());
            Ok(Loaded {
                matrix,
                source: format!("{} (indicators: {})", inputs.scenario.label, inputs.indicators_source.label),
                manual,
            })
        }
    }
}

fn is_number(cell: &str) -> bool {
    quota::input::parse_number(cell).is_ok()
}

fn read_ahp(path: &Path) -> Result<PairwiseMatrix, Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    if is_toml(path) { parse_ahp_toml(&text, at) } else { parse_ahp_csv(&text, at) }
        .map_err(weighting_failure)
}

/// Renders weights and diagnostics in `format`.
fn render(w: &Weights, source: &str, units: Option<usize>, format: Format) -> Result<String, Failure> {
    let t = w.table();
    let mut header = vec!["indicator".to_string()];
    header.extend(t.columns.iter().cloned());
    let mut align = vec![Align::Left];
    align.resize(header.len(), Align::Right);
    let heading = match units {
        Some(m) => {
            format!("weights by {} — {} indicators over {m} units — {source}", w.scheme, w.names.len())
        }
        None => format!("weights by {} — {} criteria — {source}", w.scheme, w.names.len()),
    };
    let summary: Vec<&(String, String)> = t.summary.iter().filter(|(k, _)| k != "scheme").collect();
    Ok(match format {
        Format::Json => {
            let mut doc = serde_json::to_value(w).map_err(internal)?;
            doc["source"] = json!(source);
            doc["units"] = json!(units);
            doc["warning_messages"] = json!(w.warnings.iter().map(|x| x.to_string()).collect::<Vec<_>>());
            output::json_text(&doc)?
        }
        Format::Csv => {
            // One row per indicator, full precision; scalar diagnostics repeated as columns.
            let mut header = vec!["scheme".to_string()];
            header.extend(["indicator".to_string()].into_iter().chain(t.columns.iter().cloned()));
            header.extend(summary.iter().map(|(k, _)| k.clone()));
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(name, values)| {
                    let mut r = vec![w.scheme.to_string(), name.clone()];
                    r.extend(values.iter().map(|v| v.to_string()));
                    r.extend(summary.iter().map(|(_, v)| v.clone()));
                    r
                })
                .collect();
            output::csv_text(&header, &rows)?
        }
        Format::Table | Format::Md => {
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(name, values)| {
                    std::iter::once(name.clone()).chain(values.iter().map(|v| format!("{v:.6}"))).collect()
                })
                .collect();
            let md = format == Format::Md;
            let mut out = if md { format!("**{heading}**\n\n") } else { format!("{heading}\n\n") };
            out.push_str(&output::table(md, &header, &align, &rows, false));
            if !summary.is_empty() {
                out.push('\n');
                for (k, v) in &summary {
                    out.push_str(&if md { format!("- {k}: {v}\n") } else { format!("{k}: {v}\n") });
                }
            }
            for warning in &w.warnings {
                out.push_str(&format!("\nwarning: {warning}\n"));
            }
            out
        }
    })
}
