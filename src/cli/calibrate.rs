//! `quota calibrate`: which weightings (and which apportionment method) reproduce an observed
//! allocation. Reads the scenario and the observed-allocation file, calls
//! `quota::calibrate::calibrate`, renders the result.

use std::path::PathBuf;

use quota::apportion::Method;
use quota::calibrate::{
    calibrate, region, resample, Bounds, CalibrateError, CalibrateSpec, Resample, DEFAULT_GRID_POINTS,
    DEFAULT_REGION_STEPS,
};
use quota::error::Location;
use quota::observed::ObservedAllocation;

use super::load::{self, read_text, Overrides};
use super::output::{self, Format};
use super::{input, internal, Failure};

/// Which weightings (and which apportionment method) reproduce an observed allocation.
#[derive(Debug, clap::Args)]
#[command(after_help = "Every unit observed, Hamilton or a divisor method: exact (linear programming); the \
central weighting and the range ends are re-allocated by `quota allocate` and the result says whether they match. \
Some units observed: weightings found on a grid (witnesses), weight ranges 'at least'; every other unit's slot \
range proved by a branch and bound over boxes of weightings (Hamilton and the divisor methods), exact where proof \
and witnesses meet. The quota method: grid only, ranges 'at least'.\n\n\
Observed-allocation files: CSV with code, slots | first_tranche_wan | total_wan, status, source (see \
data/observed/).\n\n\
Examples:\n  quota calibrate --observed data/observed/2024-batch1-tianjin.csv\n  \
quota calibrate --observed data/observed/2021-programme-continuing-2024.csv --bounds none --method all\n  \
quota calibrate --observed obs.csv --free xiaojuren,cultivation --vary development_weight=0:0.3 --format json")]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    /// The observed allocation (CSV; all units or some).
    #[arg(long, value_name = "FILE")]
    observed: PathBuf,
    /// Apportionment method(s), comma-separated, or `all` (default: the scenario's method).
    #[arg(long, short, value_delimiter = ',')]
    method: Vec<String>,
    /// Indicator columns whose weights are free, comma-separated (default: all; the others keep
    /// the scenario's weights).
    #[arg(long, value_delimiter = ',')]
    free: Vec<String>,
    /// Let the development weight vary too: `development_weight=A:B` (0 ≤ A ≤ B < 1).
    #[arg(long, value_name = "FACTOR=A:B")]
    vary: Option<String>,
    /// Floors and caps: `scenario` (its own) or `none` (floor 0, cap N: e.g. for a benchmark
    /// from another programme).
    #[arg(long, default_value = "scenario", value_parser = ["scenario", "none"])]
    bounds: String,
    /// National total N (default: the observed sum when every unit is observed, else the
    /// file's `@total`, else the scenario's).
    #[arg(long, short = 'n')]
    total: Option<u64>,
    /// Grid weightings for partial observations, the quota method and the volume estimate
    /// (0: none).
    #[arg(long, default_value_t = DEFAULT_GRID_POINTS)]
    grid: usize,
    /// Output format (default: table, or what -o FILE's extension names).
    #[arg(long, short, value_enum)]
    format: Option<Format>,
    /// Write to this file (atomically) instead of stdout; its extension (.txt .csv .json .md)
    /// chooses the format.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Resample the observed units and calibrate each resample: `loo` (each unit left out
    /// once) or a number K of bootstrap samples (units drawn with replacement, `--seed`).
    #[arg(long, value_name = "loo|K")]
    resample: Option<String>,
    /// Seed of the bootstrap samples.
    #[arg(long, default_value_t = 1, requires = "resample")]
    seed: u64,
    /// Also draw the feasible region as SVG into FILE: every point of a grid over two or three
    /// free weights (δ held) allocated exactly, with the range ends and the central weighting.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// Grid divisions per free weight on the chart (1..=400).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REGION_STEPS, requires = "chart")]
    chart_steps: u32,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    bom: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = output::choose("calibrate", args.format, args.output.as_deref(), Format::Table)?;
    output::check_bom(args.bom, format)?;
    let (scenario, _) = load::scenario(args.scenario.as_deref(), &Overrides::default())?;
    let label = args.observed.display().to_string();
    let at = Location::file(&label);
    let observed = ObservedAllocation::parse(&read_text(&args.observed)?, at.clone()).map_err(input)?;
    let slots = observed.resolve(scenario.units(), &at).map_err(input)?;
    let spec = CalibrateSpec {
        methods: methods(&args.method)?,
        free: args.free.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect(),
        development: args.vary.as_deref().map(parse_vary).transpose()?,
        bounds: if args.bounds == "none" { Bounds::None } else { Bounds::Scenario },
        total: args.total,
        grid_points: args.grid,
    };
    let failure = |e: CalibrateError| match &e {
        // Name what is at fault: the flag, or the observed file.
        CalibrateError::Spec { field, .. } => {
            let at = match *field {
                "free" => "--free",
                "development" => "--vary",
                "methods" => "--method",
                "bounds" => "--bounds",
                "steps" => "--chart-steps",
                "resample" => "--resample",
                "total" if args.total.is_some() => "--total",
                _ => label.as_str(),
            };
            input(anyhow::anyhow!("{at}: {e}"))
        }
        _ => internal(e),
    };
    if let Some(path) = &args.chart {
        if path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("svg")) {
            return Err(input(anyhow::anyhow!(
                "--chart {}: the chart is written as SVG; name a .svg file",
                path.display()
            )));
        }
    }
    let how = args.resample.as_deref().map(|r| parse_resample(r, args.seed)).transpose()?;
    let mut result = calibrate(&scenario, &observed, &slots, &spec).map_err(failure)?;
    if let Some(how) = how {
        result.resampling = Some(resample(&scenario, &observed, &slots, &spec, how).map_err(failure)?);
    }
    let text = quota::render::calibrate::render(&result, format.into()).map_err(internal)?;
    let chart = match &args.chart {
        Some(_) => {
            let map = region(&scenario, &observed, &slots, &spec, args.chart_steps).map_err(failure)?;
            Some(quota::render::calibrate::region_svg(&map))
        }
        None => None,
    };
    if let (Some(path), Some(svg)) = (&args.chart, &chart) {
        output::write_atomic(path, svg.as_bytes())?;
    }
    output::emit_text(args.output.as_deref(), &text, args.bom)
}

/// `--method a,b` or `all` (empty: the scenario's).
fn methods(names: &[String]) -> Result<Vec<Method>, Failure> {
    let mut out = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let named: Vec<Method> = if name.eq_ignore_ascii_case("all") {
            Method::ALL.to_vec()
        } else {
            vec![name.parse::<Method>().map_err(|e| input(anyhow::anyhow!("--method: {e} (or 'all')")))?]
        };
        for m in named {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// `development_weight=A:B`.
fn parse_vary(text: &str) -> Result<(f64, f64), Failure> {
    let bad = |why: &str| input(anyhow::anyhow!("--vary '{text}': {why}"));
    let (factor, range) = text.split_once('=').ok_or_else(|| bad("expected FACTOR=A:B"))?;
    if factor.trim() != "development_weight" {
        return Err(bad("only development_weight can vary (indicator weights are freed with --free)"));
    }
    let (a, b) = range.split_once(':').ok_or_else(|| bad("expected A:B"))?;
    let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad(&format!("'{}' is not a number", s.trim())));
    Ok((num(a)?, num(b)?))
}

/// `--resample loo` or `--resample K`.
fn parse_resample(text: &str, seed: u64) -> Result<Resample, Failure> {
    if text.trim().eq_ignore_ascii_case("loo") {
        return Ok(Resample::LeaveOneOut);
    }
    match text.trim().parse::<usize>() {
        Ok(samples) => Ok(Resample::Bootstrap { samples, seed }),
        Err(_) => Err(input(anyhow::anyhow!(
            "--resample '{text}': expected 'loo' (leave one unit out) or a number of bootstrap samples"
        ))),
    }
}
