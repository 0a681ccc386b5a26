//! The arguments of `quota sweep`, and their translation into the library's [`SweepSpec`]
//! (the defaults are the library's).

use std::path::PathBuf;

use quota::sweep::{
    GridSpec, MonteCarloSpec, MorrisSpec, OatSpec, Shard, SobolSpec, SweepSpec, Vary, WeightDraw,
};

use super::super::constraints::ConstraintFlags;
use super::super::flags::OverrideFlags;
use super::super::output::Format;
use super::super::{input, Failure};

/// The design of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DesignArg {
    /// Every weight vector on the simplex with step --step.
    Grid,
    /// One factor at a time over --range, with exact breakpoints.
    Oat,
    /// Random weights (--dirichlet C or --uniform) and/or indicator noise (--noise PCT).
    MonteCarlo,
    /// Sobol indices with bootstrap confidence intervals (--samples N).
    Sobol,
    /// Morris elementary-effects screening (--trajectories R, --levels p).
    Morris,
}

/// The file `--keep-all` writes every scenario to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeepFormat {
    /// DIR/scenarios.csv (long CSV, the stamp as a comment line).
    Csv,
    /// DIR/scenarios.parquet (the same columns, typed; needs the `parquet` build feature).
    Parquet,
}

impl KeepFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            KeepFormat::Csv => "scenarios.csv",
            KeepFormat::Parquet => "scenarios.parquet",
        }
    }
}

/// How weightings move every unit's slots and funding: sensitivity sweeps.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  quota sweep --design grid --step 0.05\n  quota sweep --design oat --weight cultivation --range 0:0.6 -o out/oat\n  quota sweep --design monte-carlo --dirichlet 50 --noise 5 --scenarios 1000000 --seed 7\n  quota sweep --design sobol --samples 16384 --vary development_weight=0:0.3 -o out/sobol\n  quota sweep --design morris --trajectories 50 --vary development_weight=0:0.3 -o out/morris\n\nWith -o DIR every output is written to DIR (summary in all formats, SVG charts, breakpoints or\nindices, and with --keep-all every scenario); DIR must be new or empty unless --force.\nPNG: rsvg-convert -w 1600 DIR/tornado.svg -o tornado.png (Debian: librsvg2-bin, fonts-noto-cjk).\n\nScale-out: --shard K/N -o part-K.json evaluates shard K of N and writes a partial;\nquota sweep merge part-*.json -o DIR writes what the unsharded run writes."
)]
pub struct Args {
    /// merge: combine the partials of a sharded sweep.
    #[command(subcommand)]
    pub command: Option<SweepCommand>,
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    pub scenario: Option<PathBuf>,
    /// The design.
    #[arg(long, value_enum, required = true)]
    pub design: Option<DesignArg>,
    #[command(flatten)]
    pub overrides: OverrideFlags,
    #[command(flatten)]
    pub constraints: ConstraintFlags,
    #[arg(long, help = format!("grid: the step h on the simplex (1/h must be a whole number) [default: {}]", GridSpec::default().step))]
    step: Option<f64>,
    /// oat: the factor(s) to vary, one at a time — an indicator column, development_weight or
    /// a region (东部/中部/西部/东北); repeatable; default every indicator weight.
    #[arg(long = "weight")]
    weights: Vec<String>,
    /// oat: the range A:B of the varied factor (default 0:1 for a weight, 0:0.5 for the
    /// development weight, 0.5:2 for a multiplier). sobol, morris: the range of every raw weight as
    /// multiples of its scenario value (default 0.5:1.5).
    #[arg(long)]
    range: Option<String>,
    #[arg(long, help = format!("monte-carlo: the number of scenarios [default: {}]", MonteCarloSpec::default().scenarios))]
    scenarios: Option<u64>,
    /// monte-carlo: Dirichlet weights around the scenario's, with this concentration.
    #[arg(long, conflicts_with = "uniform")]
    dirichlet: Option<f64>,
    /// monte-carlo: weights uniform on the simplex.
    #[arg(long)]
    uniform: bool,
    /// monte-carlo: multiplicative noise on every indicator value, ±PCT percent.
    #[arg(long, value_name = "PCT")]
    noise: Option<f64>,
    #[arg(long, help = format!("sobol: base samples N (N·(d+2) runs) [default: {}]", SobolSpec::default().samples))]
    samples: Option<u64>,
    #[arg(long, help = format!("sobol, morris: bootstrap resamples for the confidence intervals [default: {}]", SobolSpec::default().bootstrap))]
    bootstrap: Option<u32>,
    /// sobol: also the second-order indices S2 (Saltelli 2002; N·(2D+2) runs).
    #[arg(long)]
    second_order: bool,
    /// sobol, morris: factors moved together as one factor, NAME=FACTOR,FACTOR,… (repeatable),
    /// e.g. 区域差异=东部,中部,西部,东北 (each region must also be given with --vary).
    #[arg(long = "group", value_name = "NAME=FACTOR,…")]
    groups: Vec<String>,
    /// sobol: also the indices and their intervals at N = 256, 512, … up to --samples, from one
    /// nested sample (a table and DIR/convergence.svg).
    #[arg(long)]
    convergence: bool,
    /// sobol: stopping rule — double N from 256 until every unit's ST is within ±WIDTH (95%) or
    /// --samples is reached, e.g. 0.02.
    #[arg(long, value_name = "WIDTH")]
    stop_at: Option<f64>,
    #[arg(long, help = format!("morris: trajectories R kept (R·(k+1) runs for k factors) [default: {}]", MorrisSpec::default().trajectories))]
    trajectories: Option<u32>,
    #[arg(long, help = format!("morris: grid levels p (even) [default: {}]", MorrisSpec::default().levels))]
    levels: Option<u32>,
    /// morris: candidate trajectories drawn for Campolongo's optimised selection (default 4·R;
    /// equal to --trajectories: Morris's random design).
    #[arg(long)]
    candidates: Option<u32>,
    /// Seed for the random designs (default: the scenario's `seed`, else 2024).
    #[arg(long)]
    seed: Option<u64>,
    /// Also vary a disparity parameter, NAME=A:B (development_weight, or a region such as 西部).
    #[arg(long = "vary", value_name = "NAME=A:B")]
    vary: Vec<String>,
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write every scenario as long CSV (DIR/scenarios.csv; grid, monte-carlo, sobol and
    /// morris), or with --keep-all=parquet as Parquet (DIR/scenarios.parquet; builds with the
    /// `parquet` feature).
    #[arg(long, value_name = "FORMAT", num_args = 0..=1, require_equals = true, default_missing_value = "csv")]
    pub keep_all: Option<KeepFormat>,
    /// Also check every scenario for paradoxes (Alabama at N±1, quota rule) and add per-unit
    /// columns (grid and monte-carlo, apportionment methods; 3–4× the time).
    #[arg(long)]
    pub paradoxes: bool,
    /// Unit shown in the grid's simplex map, by code or name (44, 广东省, 广东, Guangdong; default:
    /// the unit whose slots move most).
    #[arg(long)]
    unit: Option<String>,
    #[arg(long, help = format!("grid: the largest number of grid scenarios accepted [default: {}]", GridSpec::default().limit))]
    limit: Option<u64>,
    /// Summary format on stdout (with -o DIR every format is written).
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Output directory (new or empty; see --force).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write into an existing non-empty output directory (replacing files of the same names).
    #[arg(long)]
    pub force: bool,
    /// Start every CSV (stdout, and each .csv file of -o DIR) with a `# stamp: …` comment line
    /// (off by default: CSV is one header line and data rows; summary.json/txt/md carry the stamp).
    #[arg(long)]
    pub stamp: bool,
    /// Start CSV output (--format csv, and every .csv file -o DIR writes) with a UTF-8
    /// byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Evaluate only shard K of N (K from 1) and write a partial (to -o FILE, else stdout);
    /// combine the N partials with `quota sweep merge`.
    #[arg(long, value_name = "K/N", value_parser = shard_flag)]
    pub shard: Option<Shard>,
}

/// `quota sweep merge`.
#[derive(Debug, clap::Subcommand)]
pub enum SweepCommand {
    /// Merge the partials of a sharded sweep (`--shard K/N`) into the outputs of the unsharded
    /// run, byte for byte; the partials must be one split of one sweep of the same inputs.
    Merge(MergeArgs),
}

/// The arguments of `quota sweep merge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  for k in 1 2 3 4; do quota sweep --design sobol --samples 16384 --shard $k/4 -o part-$k.json; done\n  quota sweep merge part-*.json -o out/sobol\n\nThe scenario file and overrides must be the ones the shards ran with (checked by the stamp)."
)]
pub struct MergeArgs {
    /// The partials (one per shard, in any order).
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<PathBuf>,
    /// The scenario file the shards ran on (TOML); the bundled scenario when omitted.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: OverrideFlags,
    #[command(flatten)]
    pub constraints: ConstraintFlags,
    /// Worker threads for the estimators (default: all cores). The output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Summary format on stdout (with -o DIR every format is written).
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Output directory (new or empty; see --force).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write into an existing non-empty output directory (replacing files of the same names).
    #[arg(long)]
    pub force: bool,
    /// Start every CSV (stdout, and each .csv file of -o DIR) with a `# stamp: …` comment line
    /// (off by default: CSV is one header line and data rows; summary.json/txt/md carry the stamp).
    #[arg(long)]
    pub stamp: bool,
    /// Start CSV output (--format csv, and every .csv file -o DIR writes) with a UTF-8
    /// byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
}

/// Parses `--shard K/N`.
fn shard_flag(text: &str) -> Result<Shard, String> {
    text.parse()
}

/// Parses "A:B".
fn parse_range(what: &str, s: &str) -> Result<(f64, f64), Failure> {
    let bad = || input(anyhow::anyhow!("{what}: '{s}' is not a range; expected A:B, e.g. 0:0.6"));
    let (a, b) = s.split_once(':').ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    Ok((a, b))
}

impl Args {
    /// `--group NAME=F,F,…` parsed.
    fn groups(&self) -> Result<Vec<(String, Vec<String>)>, Failure> {
        self.groups
            .iter()
            .map(|g| {
                let bad = || {
                    input(anyhow::anyhow!(
                        "--group '{g}': expected NAME=FACTOR,FACTOR,…, e.g. 区域差异=东部,中部,西部,东北"
                    ))
                };
                let (name, members) = g.split_once('=').ok_or_else(bad)?;
                let members: Vec<String> =
                    members.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
                if name.trim().is_empty() || members.is_empty() {
                    return Err(bad());
                }
                Ok((name.trim().to_string(), members))
            })
            .collect()
    }

    /// The design-specific options given, with the designs that take each.
    fn design_options(&self) -> Vec<(&'static str, bool, &'static [DesignArg])> {
        use DesignArg::*;
        vec![
            ("--step", self.step.is_some(), &[Grid]),
            ("--limit", self.limit.is_some(), &[Grid]),
            ("--unit", self.unit.is_some(), &[Grid]),
            ("--weight", !self.weights.is_empty(), &[Oat]),
            ("--range", self.range.is_some(), &[Oat, Sobol, Morris]),
            ("--scenarios", self.scenarios.is_some(), &[MonteCarlo]),
            ("--dirichlet", self.dirichlet.is_some(), &[MonteCarlo]),
            ("--uniform", self.uniform, &[MonteCarlo]),
            ("--noise", self.noise.is_some(), &[MonteCarlo]),
            ("--samples", self.samples.is_some(), &[Sobol]),
            ("--bootstrap", self.bootstrap.is_some(), &[Sobol, Morris]),
            ("--second-order", self.second_order, &[Sobol]),
            ("--group", !self.groups.is_empty(), &[Sobol, Morris]),
            ("--convergence", self.convergence, &[Sobol]),
            ("--stop-at", self.stop_at.is_some(), &[Sobol]),
            ("--trajectories", self.trajectories.is_some(), &[Morris]),
            ("--levels", self.levels.is_some(), &[Morris]),
            ("--candidates", self.candidates.is_some(), &[Morris]),
            ("--seed", self.seed.is_some(), &[MonteCarlo, Sobol, Morris]),
            ("--keep-all", self.keep_all.is_some(), &[Grid, MonteCarlo, Sobol, Morris]),
            ("--paradoxes", self.paradoxes, &[Grid, MonteCarlo]),
        ]
    }

    /// An option given that the chosen design does not take is an error naming the designs
    /// that do.
    pub fn check_design(&self) -> Result<(), Failure> {
        let name = |d: &DesignArg| clap::ValueEnum::to_possible_value(d).map(|v| v.get_name().to_string());
        let Some(design) = self.design else { return Ok(()) };
        for (flag, given, takes) in self.design_options() {
            if given && !takes.contains(&design) {
                let designs: Vec<String> = takes.iter().filter_map(name).collect();
                let extra =
                    if flag == "--paradoxes" { " (for one scenario: quota explain --paradoxes)" } else { "" };
                return Err(input(anyhow::anyhow!(
                    "{flag} does not apply to --design {}: it is an option of --design {}{extra}",
                    name(&design).unwrap_or_default(),
                    designs.join(" and --design ")
                )));
            }
        }
        Ok(())
    }

    /// The sweep asked for.
    pub fn spec(&self) -> Result<SweepSpec, Failure> {
        let vary = self
            .vary
            .iter()
            .map(|v| {
                let (name, range) = v.split_once('=').ok_or_else(|| {
                    input(anyhow::anyhow!("--vary '{v}': expected NAME=A:B, e.g. development_weight=0:0.3"))
                })?;
                let (lo, hi) = parse_range(&format!("--vary {name}"), range)?;
                Ok(Vary { factor: name.to_string(), lo, hi })
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        let range = self.range.as_deref().map(|r| parse_range("--range", r)).transpose();
        let design = self.design.ok_or_else(|| input(anyhow::anyhow!("--design is required")))?;
        Ok(match design {
            DesignArg::Grid => SweepSpec::Grid(GridSpec {
                step: self.step.unwrap_or(GridSpec::default().step),
                limit: self.limit.unwrap_or(GridSpec::default().limit),
                vary,
                paradoxes: self.paradoxes,
                // The map is drawn into -o DIR; a shard's merge may write one.
                simplex_map: self.output.is_some() || self.shard.is_some(),
                map_unit: self.unit.clone(),
            }),
            DesignArg::Oat => SweepSpec::Oat(OatSpec { factors: self.weights.clone(), range: range?, vary }),
            DesignArg::MonteCarlo => SweepSpec::MonteCarlo(MonteCarloSpec {
                scenarios: self.scenarios.unwrap_or(MonteCarloSpec::default().scenarios),
                weights: match (self.dirichlet, self.uniform) {
                    (Some(c), _) => WeightDraw::Dirichlet(c),
                    (None, true) => WeightDraw::Uniform,
                    (None, false) => WeightDraw::Fixed,
                },
                noise_percent: self.noise,
                seed: self.seed,
                vary,
                paradoxes: self.paradoxes,
            }),
            DesignArg::Sobol => SweepSpec::Sobol(SobolSpec {
                samples: self.samples.unwrap_or(SobolSpec::default().samples),
                bootstrap: self.bootstrap.unwrap_or(SobolSpec::default().bootstrap),
                relative_range: range?.unwrap_or(SobolSpec::default().relative_range),
                seed: self.seed,
                vary,
                second_order: self.second_order,
                groups: self.groups()?,
                convergence: self.convergence,
                stop_at: self.stop_at,
            }),
            DesignArg::Morris => SweepSpec::Morris(MorrisSpec {
                trajectories: self.trajectories.unwrap_or(MorrisSpec::default().trajectories),
                levels: self.levels.unwrap_or(MorrisSpec::default().levels),
                candidates: self.candidates,
                bootstrap: self.bootstrap.unwrap_or(MorrisSpec::default().bootstrap),
                relative_range: range?.unwrap_or(MorrisSpec::default().relative_range),
                seed: self.seed,
                vary,
                groups: self.groups()?,
            }),
        })
    }
}
