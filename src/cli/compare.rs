//! `quota compare`: the allocations that different weighting schemes produce for one
//! scenario, side by side — the weights each scheme derives, and every unit's slots under each.

use std::path::PathBuf;

use quota::allocation::{allocate, Allocation};
use quota::scenario::Scenario;
use quota::weighting::{derive, AhpMethod, DeriveOptions, IndicatorMatrix, PcaKeep, Scheme, Weights};
use serde_json::json;

use super::load::{self, read_text, Overrides};
use super::output::{self, Align, Format};
use super::{input, internal, Failure};

/// Compare the allocations produced by different weighting schemes, in one command.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each scheme derives weights for the scenario's indicators (manual = the scenario's own \
weights); the scenario is then allocated with those weights and everything else unchanged.\n\n\
Output: the weights per scheme, then each unit's slots per scheme and their range (max − min). CSV holds the \
slots only; JSON adds each scheme's weights and diagnostics.\n\n\
Examples:\n  quota compare                                           # equal, manual, entropy, critic, cv, pca\n  \
quota compare --schemes manual,entropy,ahp --ahp data/ahp/scenario-indicators.csv --format md"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    /// Weighting schemes to compare, comma-separated (default: equal,manual,entropy,critic,cv,pca,
    /// and ahp when --ahp is given).
    #[arg(long, value_delimiter = ',')]
    schemes: Vec<String>,
    /// Pairwise-comparison matrix for the ahp scheme (.csv or .toml).
    #[arg(long)]
    ahp: Option<PathBuf>,
    /// How AHP turns the matrix into weights: eigenvector or geometric-mean.
    #[arg(long, default_value = "eigenvector")]
    ahp_method: String,
    /// Use AHP judgements whose consistency ratio exceeds 0.1 (with a warning).
    #[arg(long)]
    allow_inconsistent: bool,
    /// Principal components kept by pca: kaiser, a count K, or variance:S.
    #[arg(long, default_value = "kaiser")]
    pca_components: String,
    /// Apportionment method (overrides the scenario).
    #[arg(long, short)]
    method: Option<String>,
    /// National total (overrides the scenario).
    #[arg(long, short = 'n')]
    total: Option<u64>,
    /// Merge the five 计划单列市 into their provinces (32 units).
    #[arg(long)]
    merge_cities: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// One scheme's weights and the allocation they give.
struct Column {
    weights: Weights,
    allocation: Allocation,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let schemes: Vec<Scheme> = if args.schemes.is_empty() {
        let mut s =
            vec![Scheme::Equal, Scheme::Manual, Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca];
        if args.ahp.is_some() {
            s.push(Scheme::Ahp);
        }
        s
    } else {
        args.schemes.iter().map(|s| s.parse::<Scheme>().map_err(input)).collect::<Result<_, _>>()?
    };
    let overrides =
        Overrides { method: args.method.clone(), total: args.total, merge_cities: args.merge_cities };
    let (scenario, _) = load::scenario(args.scenario.as_deref(), &overrides)?;

    let ahp = match &args.ahp {
        Some(path) => {
            let text = read_text(path)?;
            let at = quota::error::Location::file(path.display().to_string());
            let parsed = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
                quota::weighting::parse_ahp_toml(&text, at)
            } else {
                quota::weighting::parse_ahp_csv(&text, at)
            };
            Some(parsed.map_err(input)?)
        }
        None => None,
    };
    let options = DeriveOptions {
        manual: Some(scenario.indicators.iter().map(|i| (i.column.clone(), i.weight)).collect()),
        ahp,
        ahp_method: args.ahp_method.parse::<AhpMethod>().map_err(input)?,
        allow_inconsistent: args.allow_inconsistent,
        pca_keep: args.pca_components.parse::<PcaKeep>().map_err(input)?,
    };
    let matrix = IndicatorMatrix::new(
        scenario.indicators.iter().map(|i| i.column.clone()).collect(),
        scenario.units.as_slice().iter().map(|u| u.code.clone()).collect(),
        (0..scenario.units.len())
            .map(|u| scenario.indicators.iter().map(|i| i.values[u]).collect())
            .collect(),
    )
    .map_err(input)?;

    let mut columns = Vec::with_capacity(schemes.len());
    for &scheme in &schemes {
        let weights = derive(scheme, &matrix, &options).map_err(|e| {
            let bad = e.is_bad_input();
            let e = anyhow::Error::new(e).context(format!("weighting scheme {scheme}"));
            if bad {
                input(e)
            } else {
                internal(e)
            }
        })?;
        for w in &weights.warnings {
            eprintln!("warning ({scheme}): {w}");
        }
        let mut s: Scenario = scenario.clone();
        for (ind, &w) in s.indicators.iter_mut().zip(&weights.weights) {
            ind.weight = w;
        }
        let allocation = allocate(&s)
            .map_err(input)
            .map_err(|f| with_context(f, &format!("allocating with {scheme} weights")))?;
        columns.push(Column { weights, allocation });
    }
    let text = render(&scenario, &columns, args.format)?;
    output::emit(args.output.as_deref(), text.as_bytes())
}

fn with_context(f: Failure, what: &str) -> Failure {
    match f {
        Failure::Input(e) => Failure::Input(e.context(what.to_string())),
        Failure::Internal(e) => Failure::Internal(e.context(what.to_string())),
    }
}

fn render(s: &Scenario, columns: &[Column], format: Format) -> Result<String, Failure> {
    let names: Vec<String> = columns.iter().map(|c| c.weights.scheme.to_string()).collect();
    let units = &columns[0].allocation.units;
    let slots = |k: usize, u: usize| columns[k].allocation.units[u].slots;
    let range = |u: usize| {
        let v: Vec<u64> = (0..columns.len()).map(|k| slots(k, u)).collect();
        v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0)
    };
    let method = &columns[0].allocation.method;
    Ok(match format {
        Format::Json => {
            let schemes: Vec<serde_json::Value> = columns
                .iter()
                .map(|c| {
                    json!({
                        "scheme": c.weights.scheme.name(),
                        "weights": c.weights.names.iter().cloned().zip(c.weights.weights.iter().map(|w| json!(w)))
                            .collect::<serde_json::Map<_, _>>(),
                        "diagnostics": c.weights.diagnostics,
                        "warnings": c.weights.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let units: Vec<serde_json::Value> = (0..units.len())
                .map(|u| {
                    json!({
                        "code": units[u].code,
                        "name": units[u].name,
                        "name_en": units[u].name_en,
                        "region": units[u].region.name_zh(),
                        "slots": names.iter().enumerate().map(|(k, n)| (n.clone(), json!(slots(k, u))))
                            .collect::<serde_json::Map<_, _>>(),
                        "range": range(u),
                    })
                })
                .collect();
            output::json_text(&json!({
                "scenario": s.name,
                "method": method,
                "total": s.total,
                "schemes": schemes,
                "units": units,
            }))?
        }
        Format::Csv => {
            let mut header: Vec<String> = ["code", "name", "name_en", "region"].map(String::from).to_vec();
            header.extend(names.iter().map(|n| format!("slots_{n}")));
            header.push("range".into());
            let rows: Vec<Vec<String>> = (0..units.len())
                .map(|u| {
                    let mut r = vec![
                        units[u].code.clone(),
                        units[u].name.clone(),
                        units[u].name_en.clone(),
                        units[u].region.name_zh().to_string(),
                    ];
                    r.extend((0..columns.len()).map(|k| slots(k, u).to_string()));
                    r.push(range(u).to_string());
                    r
                })
                .collect();
            output::csv_text(&header, &rows)?
        }
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            // Weights: one row per indicator, one column per scheme.
            let mut wh = vec!["indicator".to_string()];
            wh.extend(names.iter().cloned());
            let mut walign = vec![Align::Left];
            walign.resize(wh.len(), Align::Right);
            let wrows: Vec<Vec<String>> = s
                .indicators
                .iter()
                .enumerate()
                .map(|(j, ind)| {
                    std::iter::once(ind.column.clone())
                        .chain(columns.iter().map(|c| format!("{:.4}", c.weights.weights[j])))
                        .collect()
                })
                .collect();
            // Slots: one row per unit.
            let mut ah: Vec<String> = ["code", "name", "region"].map(String::from).to_vec();
            ah.extend(names.iter().cloned());
            ah.push("range".into());
            let mut aalign = vec![Align::Left; 3];
            aalign.resize(ah.len(), Align::Right);
            let mut arows: Vec<Vec<String>> = (0..units.len())
                .map(|u| {
                    let mut r = vec![
                        units[u].code.clone(),
                        units[u].name.clone(),
                        units[u].region.name_zh().to_string(),
                    ];
                    r.extend((0..columns.len()).map(|k| slots(k, u).to_string()));
                    r.push(range(u).to_string());
                    r
                })
                .collect();
            let mut total = vec![String::new(), "合计 total".into(), String::new()];
            total.extend(
                columns.iter().map(|c| c.allocation.units.iter().map(|u| u.slots).sum::<u64>().to_string()),
            );
            total.push(String::new());
            arows.push(total);
            let heading = format!(
                "scenario {} — method {method} — {} slots over {} units — weights by {}",
                s.name,
                s.total,
                units.len(),
                names.join(", ")
            );
            let mut out = if md { format!("**{heading}**\n\n") } else { format!("{heading}\n\n") };
            if md {
                out.push_str(&output::markdown_table(&wh, &walign, &wrows));
                out.push('\n');
                out.push_str(&output::markdown_table(&ah, &aalign, &arows));
            } else {
                out.push_str(&output::text_table(&wh, &walign, &wrows, false));
                out.push('\n');
                out.push_str(&output::text_table(&ah, &aalign, &arows, true));
            }
            let moved = (0..units.len()).filter(|&u| range(u) > 0).count();
            out.push_str(&format!(
                "\n{moved} of {} units get different slots under different schemes; largest range {}\n",
                units.len(),
                (0..units.len()).map(range).max().unwrap_or(0)
            ));
            out
        }
    })
}
