//! The arguments of `quota compare`, and their parsing into typed values before any file is
//! read: the tables to show, the scheme and method lists, the AHP and PCA options.

use std::path::PathBuf;

use quota::apportion::Method;
use quota::compare::{self, parse_methods, parse_schemes, SchemeSpec};
use quota::render::compare::{sections, Section};
use quota::weighting::{AhpMethod, PcaKeep};

use super::super::constraints::ConstraintFlags;
use super::super::flags::{OverrideFlags, WeightingFlags};
use super::super::output::Format;
use super::super::{input, Failure};

/// Compare weighting schemes and methods on one scenario, or two scenarios side by side.
#[derive(Debug, clap::Args)]
#[command(mut_arg("method", |a| a.help(
    "Apportionment method of the scenario(s), i.e. of the baseline (overrides the scenario)"
)))]
#[command(after_help = "\
One scenario (the bundled 2024 first batch when none is given): each scheme derives weights for the \
scenario's indicators (manual = the scenario's own weights; ahp:FILE = AHP with that matrix), and the \
scenario is allocated with them — by each method of --methods (columns scheme/method), or by the \
scenario's method (columns named by scheme). Everything else (normalisation, disparity term, floors, \
caps) stays as written. The baseline is the scenario as written: its weights and its method.\n\n\
Output: the weights per scheme; every unit's slots per column with the change from the baseline; and per \
column the metrics: deviation from each single-indicator proportional split (the total apportioned by that \
indicator alone, same method, no bounds or disparity term), the firm-weighted Gini of slots per 小巨人 \
firm, shares by NBS region, units at floor or cap, ties, and quota-rule violations against q* (quota after \
floors and caps) and q (ideal quota). CSV holds one table (--show units, metrics or weights); JSON \
holds everything, with the single-indicator splits.\n\n\
Two scenarios (A B): every unit's slots and money (万元) under A and B and the change from A to B.\n\n\
--observed FILE: the scenario's allocation against what was observed (see docs/observed.md for the file \
format): per unit allocated, observed (scaled to N when the batch totals differ), Δ and Δ%; the L1 distance \
of the shares, the share of slots that would have to move, Spearman's and Kendall's rank correlations and \
the largest error. CSV holds the unit rows.\n\n\
Examples:\n  \
quota compare                                                  # equal, manual, entropy, critic, cv, pca\n  \
quota compare --schemes equal,entropy,critic,ahp:data/ahp/scenario-indicators.csv,pca --format md\n  \
quota compare --schemes entropy,critic --methods hamilton,webster,jefferson --chart compare.svg\n  \
quota compare --leave-one-out --format md                       # each indicator left out in turn\n  \
quota compare --observed data/observed/2021-programme-continuing-2024.csv --chart fit.svg\n  \
quota compare data/scenarios/2024-batch1.toml other.toml --chart diff.svg")]
pub struct Args {
    /// Scenario file (TOML); two files compare scenario A with scenario B. The bundled 2024
    /// first-batch scenario when omitted.
    #[arg(num_args = 0..=2, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Weighting schemes, comma-separated: equal, manual, entropy, critic, cv, pca, ahp (matrix
    /// from --ahp) or ahp:FILE (default: equal,manual,entropy,critic,cv,pca, and ahp with --ahp).
    #[arg(long, value_delimiter = ',')]
    pub schemes: Vec<String>,
    /// Apportionment methods, comma-separated: every scheme is allocated by each (columns
    /// scheme/method). Default: the scenario's method.
    #[arg(long, value_delimiter = ',')]
    pub methods: Vec<String>,
    #[command(flatten)]
    pub weighting: WeightingFlags,
    #[command(flatten)]
    pub overrides: OverrideFlags,
    #[command(flatten)]
    pub constraints: ConstraintFlags,
    /// Column of the indicators file with each unit's number of 小巨人 firms, for the Gini
    /// [default: xiaojuren, skipped if the file has no such column].
    #[arg(long, value_name = "COLUMN")]
    pub firms_column: Option<String>,
    /// Tables to show, comma-separated: units, metrics, weights (default: all; CSV: units).
    #[arg(long, value_delimiter = ',', value_enum)]
    pub show: Vec<Show>,
    /// Output format (default: table, or what -o FILE's extension names).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of stdout; its extension (.txt .csv .json .md)
    /// chooses the format.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Start CSV output with a `# stamp: …` comment line (off by default: CSV is one header line
    /// and data rows, for pandas, Python's csv and Excel; the other formats always carry the stamp).
    #[arg(long)]
    pub stamp: bool,
    /// Also write a grouped bar chart of slots by unit, one colour per column (SVG, atomically).
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Instead of weighting schemes: the scenario allocated once without each indicator (its
    /// weight 0, the others re-normalised, everything else as written), per unit.
    #[arg(long, conflicts_with_all = ["schemes", "methods", "show", "firms_column"])]
    pub leave_one_out: bool,
    /// Instead of weighting schemes: the scenario's allocation against an observed allocation
    /// file (announced slots or money, or a benchmark; all units or some), per unit (Δ, Δ%) and
    /// as fit measures (L1 of shares, slots that would have to move, Spearman, Kendall τ-b,
    /// largest error). Observed figures are scaled to N when the totals differ.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["schemes", "methods", "show", "firms_column", "leave_one_out"])]
    pub observed: Option<PathBuf>,
}

/// A table of the single-scenario output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Show {
    /// Slots per unit and column, with the change from the baseline.
    Units,
    /// Metrics per column.
    Metrics,
    /// Weights per scheme.
    Weights,
}

/// The single-scenario options, parsed.
pub struct Parsed {
    /// The tables to print, in order.
    pub sections: Vec<Section>,
    /// The schemes named (None: the library's default list).
    pub schemes: Option<Vec<SchemeSpec>>,
    /// The methods named (None: the scenario's).
    pub methods: Option<Vec<Method>>,
    /// `--ahp-method`.
    pub ahp_method: AhpMethod,
    /// `--pca-components`.
    pub pca_keep: PcaKeep,
}

impl Args {
    /// The output format: --format, -o FILE's extension, or table; with --bom checked.
    pub fn format(&self) -> Result<Format, Failure> {
        let format =
            super::super::output::choose("compare", self.format, self.output.as_deref(), Format::Table)?;
        super::super::output::check_bom(self.bom, format)?;
        Ok(format)
    }

    /// The options as typed values; an error names the flag.
    pub fn parse(&self) -> Result<Parsed, Failure> {
        let requested: Vec<Section> = self
            .show
            .iter()
            .map(|s| match s {
                Show::Units => Section::Units,
                Show::Metrics => Section::Metrics,
                Show::Weights => Section::Weights,
            })
            .collect();
        let sections = sections(&requested, self.format()? == Format::Csv).map_err(input)?;
        let flag =
            |name: &'static str| move |e: compare::CompareError| input(anyhow::Error::new(e).context(name));
        let schemes = if self.schemes.is_empty() {
            None
        } else {
            Some(parse_schemes(&self.schemes).map_err(flag("--schemes"))?)
        };
        let methods = if self.methods.is_empty() {
            None
        } else {
            Some(parse_methods(&self.methods).map_err(flag("--methods"))?)
        };
        let (ahp_method, pca_keep) = self.weighting.parse()?;
        // The column labels (AHP matrices told apart by file name) must differ; the default
        // list's do.
        if let Some(s) = &schemes {
            compare::column_labels(s).map_err(input)?;
        }
        Ok(Parsed { sections, schemes, methods, ahp_method, pca_keep })
    }

    /// The options that only apply to one scenario, as given (for the two-scenario refusal).
    pub fn single_scenario_options(&self) -> Vec<&'static str> {
        let mut single = Vec::new();
        if !self.schemes.is_empty() {
            single.push("--schemes");
        }
        if !self.methods.is_empty() {
            single.push("--methods");
        }
        if self.weighting.ahp.is_some() {
            single.push("--ahp");
        }
        if !self.show.is_empty() {
            single.push("--show");
        }
        if self.firms_column.is_some() {
            single.push("--firms-column");
        }
        single
    }
}
