//! `quota weights`: derive indicator weights by a multi-criteria method (equal, manual,
//! entropy, CRITIC, CV, AHP, PCA) and show them with the method's diagnostics. Loads the
//! indicators (or only the AHP judgements), calls `quota::weighting::weigh`, and writes
//! `quota::render::weights` of the report.

use std::path::{Path, PathBuf};

use quota::error::Location;
use quota::input::CsvTable;
use quota::render;
use quota::weighting::{
    parse_ahp_csv, parse_ahp_toml, scenario_weights, weigh, DeriveOptions, IndicatorMatrix, PairwiseMatrix,
    Scheme, WeightingError, WeightsInput,
};

use super::flags::WeightingFlags;
use super::load::{self, read_text, Overrides};
use super::output::{self, Format};
use super::{input, internal, Failure};

/// Derive indicator weights by a multi-criteria method, with its diagnostics.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Input: a scenario (TOML: its [[indicator]] columns and, for `manual`, their weights) or an \
indicator CSV (one row per unit; --indicators picks the columns, default every numeric column).\n\n\
Schemes: equal, manual, entropy (熵权法), critic, cv (变异系数法), ahp (needs --ahp; without an INPUT it \
weighs the matrix's own criteria), pca.\n\n\
Examples:\n  quota weights --scheme entropy                       # the bundled scenario's indicators\n  \
quota weights --scheme critic data/indicators.csv --indicators xiaojuren,sme_above_scale,cultivation\n  \
quota weights --scheme ahp --ahp data/ahp/scenario-indicators.csv --format json\n  \
quota weights --scheme pca --pca-components variance:0.85 --format md"
)]
pub struct Args {
    /// Weighting scheme: equal, manual, entropy, critic, cv, ahp, pca.
    #[arg(long, short = 's', required_unless_present = "method")]
    scheme: Option<String>,
    /// The old spelling of --scheme: still accepted, with a notice (-m/--method names the
    /// apportionment method in every other command).
    #[arg(long, short, hide = true, conflicts_with = "scheme")]
    method: Option<String>,
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

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("weights", args.format, args.output.as_deref(), Format::Table)?;
    output::check_bom(args.bom, format)?;
    let name = match (&args.scheme, &args.method) {
        (Some(s), _) => s.clone(),
        (None, Some(m)) => {
            eprintln!(
                "notice: `quota weights --method {m}` is now `quota weights --scheme {m}` (-m/--method names \
                 the apportionment method in every command); the old spelling still works"
            );
            m.clone()
        }
        (None, None) => return Err(input(anyhow::anyhow!("give the weighting scheme with --scheme"))),
    };
    let scheme: Scheme = name.parse().map_err(input)?;
    let (ahp_method, pca_keep) = args.weighting.parse()?;
    let ahp = args.weighting.ahp.as_deref().map(read_ahp).transpose()?;
    let mut options = DeriveOptions {
        manual: None,
        ahp,
        ahp_method,
        allow_inconsistent: args.weighting.allow_inconsistent,
        pca_keep,
    };
    let source = match (&options.ahp, scheme, &args.input) {
        // AHP without an indicator input: the judgements alone (the data play no part in AHP).
        (Some(_), Scheme::Ahp, None) => WeightsInput::Judgements {
            source: args.weighting.ahp.as_deref().map(|p| p.display().to_string()).unwrap_or_default(),
        },
        _ => load_indicators(&args, &mut options)?,
    };
    let report = weigh(scheme, source, &options).map_err(weighting_failure)?;
    for w in &report.weights.warnings {
        eprintln!("warning: {w}");
    }
    let text = render::weights::render(&report, format.into()).map_err(internal)?;
    output::emit_text(args.output.as_deref(), &text, args.bom)
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

/// The indicator matrix of a CSV or scenario input (a scenario's weights become the `manual`
/// weights in `options`).
fn load_indicators(args: &Args, options: &mut DeriveOptions) -> Result<WeightsInput, Failure> {
    match &args.input {
        Some(path) if !is_toml(path) => {
            if args.merge_cities {
                return Err(input(anyhow::anyhow!("--merge-cities needs a scenario (TOML) input")));
            }
            let label = path.display().to_string();
            let table = CsvTable::parse(&read_text(path)?, Location::file(&label)).map_err(input)?;
            let matrix = IndicatorMatrix::from_csv(&table, &args.unit_column, &args.indicators)
                .map_err(weighting_failure)?;
            Ok(WeightsInput::Indicators { matrix, source: label })
        }
        scenario_path => {
            if !args.indicators.is_empty() {
                return Err(input(anyhow::anyhow!(
                    "--indicators applies to a CSV input; a scenario's indicators are its [[indicator]] columns"
                )));
            }
            let overrides = Overrides { merge_cities: args.merge_cities, ..Default::default() };
            let (s, inputs) = load::scenario(scenario_path.as_deref(), &overrides)?;
            let matrix = IndicatorMatrix::of_scenario(&s).map_err(weighting_failure)?;
            options.manual = Some(scenario_weights(&s));
            let source =
                format!("{} (indicators: {})", inputs.scenario.label, inputs.indicators_source.label);
            Ok(WeightsInput::Indicators { matrix, source })
        }
    }
}

fn read_ahp(path: &Path) -> Result<PairwiseMatrix, Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    if is_toml(path) { parse_ahp_toml(&text, at) } else { parse_ahp_csv(&text, at) }
        .map_err(weighting_failure)
}
