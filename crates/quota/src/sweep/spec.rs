//! What to sweep: one specification per design, with its defaults written here (the command
//! line's defaults are these).

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

use super::montecarlo::WeightDraw;
use super::Factor;

/// The seed of the random designs when neither the spec nor the scenario gives one.
pub const DEFAULT_SEED: u64 = 2024;

/// A disparity parameter varied by a design as well as the weights: the development weight
/// (`development_weight`) or a region multiplier (`东部`, `中部`, `西部`, `东北`), uniform on
/// (or, for the grid, stepped over) [lo, hi].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vary {
    /// The factor's name (as [`Space::resolve`](super::Space::resolve) accepts it).
    pub factor: String,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// A sweep: one design and its parameters (serialised, as in a sharded sweep's partials, with
/// a `"design"` field: `grid`, `oat`, `monte-carlo`, `sobol`, and the variant's fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "design", rename_all = "kebab-case")]
pub enum SweepSpec {
    /// Every weight vector on the simplex with a given step.
    Grid(GridSpec),
    /// One factor at a time, with exact breakpoints.
    Oat(OatSpec),
    /// Random weights and/or indicator noise.
    MonteCarlo(MonteCarloSpec),
    /// Sobol indices with bootstrap confidence intervals.
    Sobol(SobolSpec),
    /// Morris elementary-effects screening ([`super::morris`]).
    Morris(super::morris::MorrisSpec),
}

impl SweepSpec {
    /// The design's name, as on the command line (`grid`, `oat`, `monte-carlo`, `sobol`).
    pub fn name(&self) -> &'static str {
        match self {
            SweepSpec::Grid(_) => "grid",
            SweepSpec::Oat(_) => "oat",
            SweepSpec::MonteCarlo(_) => "monte-carlo",
            SweepSpec::Sobol(_) => "sobol",
            SweepSpec::Morris(_) => "morris",
        }
    }

    /// The disparity parameters varied besides the design's own factors.
    pub fn vary(&self) -> &[Vary] {
        match self {
            SweepSpec::Grid(g) => &g.vary,
            SweepSpec::Oat(o) => &o.vary,
            SweepSpec::MonteCarlo(m) => &m.vary,
            SweepSpec::Sobol(s) => &s.vary,
            SweepSpec::Morris(m) => &m.vary,
        }
    }

    /// The seed a random design runs with on `scenario` (the spec's, else the scenario's, else
    /// [`DEFAULT_SEED`]); None for the deterministic designs.
    pub fn seed(&self, scenario: &Scenario) -> Option<u64> {
        let seed = match self {
            SweepSpec::Grid(_) | SweepSpec::Oat(_) => return None,
            SweepSpec::MonteCarlo(m) => m.seed,
            SweepSpec::Sobol(s) => s.seed,
            SweepSpec::Morris(m) => m.seed,
        };
        Some(seed.or(scenario.seed).unwrap_or(DEFAULT_SEED))
    }

    /// Whether the design's work splits into items that shards evaluate ([`super::shard`]):
    /// every design does (grid points, Monte Carlo scenarios, one-at-a-time intervals, Sobol
    /// base samples — with or without second order and groups — and Morris trajectories), but
    /// Sobol with convergence or a stopping rule, which runs in one piece.
    pub fn shardable(&self) -> bool {
        match self {
            SweepSpec::Grid(_) | SweepSpec::Oat(_) | SweepSpec::MonteCarlo(_) => true,
            SweepSpec::Sobol(s) => !s.convergence && s.stop_at.is_none(),
            SweepSpec::Morris(_) => true,
        }
    }

    /// Whether the design checks every scenario for paradoxes.
    pub fn paradoxes(&self) -> bool {
        match self {
            SweepSpec::Grid(g) => g.paradoxes,
            SweepSpec::MonteCarlo(m) => m.paradoxes,
            SweepSpec::Oat(_) | SweepSpec::Sobol(_) | SweepSpec::Morris(_) => false,
        }
    }
}

/// The grid: every weight vector `k/m` on the simplex, m = 1/step (times m + 1 levels of each
/// varied disparity parameter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridSpec {
    /// The step h; 1/h must be a whole number. Default 0.05.
    pub step: f64,
    /// The largest number of scenarios accepted. Default 200,000,000.
    pub limit: u64,
    /// Disparity parameters varied too.
    pub vary: Vec<Vary>,
    /// Also check every scenario for paradoxes (apportionment methods only).
    pub paradoxes: bool,
    /// Also evaluate the simplex map of one unit (scenarios with 2 or 3 weights). Default true.
    pub simplex_map: bool,
    /// The unit (code) of the simplex map; default the unit whose slots move most.
    pub map_unit: Option<String>,
}

impl Default for GridSpec {
    fn default() -> Self {
        GridSpec {
            step: 0.05,
            limit: 200_000_000,
            vary: Vec::new(),
            paradoxes: false,
            simplex_map: true,
            map_unit: None,
        }
    }
}

/// One factor at a time: each factor moves over its range, the others stay at the scenario's
/// values (the other weights keeping their proportions).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OatSpec {
    /// The factors, one at a time: indicator columns (or labels), `development_weight`, or
    /// regions. Default (empty): every indicator weight.
    pub factors: Vec<String>,
    /// The range of every factor; default per factor ([`OatSpec::default_range`]).
    pub range: Option<(f64, f64)>,
    /// Disparity parameters declared varied (reported; the one-at-a-time design moves only
    /// its own factor).
    pub vary: Vec<Vary>,
}

impl OatSpec {
    /// The default range of a factor: [0, 1] for a weight, [0, 0.5] for the development
    /// weight, [0.5, 2] for a region multiplier.
    pub fn default_range(factor: Factor) -> (f64, f64) {
        match factor {
            Factor::Weight(_) => (0.0, 1.0),
            Factor::DevelopmentWeight => (0.0, 0.5),
            Factor::RegionMultiplier(_) => (0.5, 2.0),
        }
    }
}

/// Monte Carlo: random weights and/or multiplicative noise on every indicator value,
/// reproducible from a seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloSpec {
    /// Number of scenarios. Default 100,000.
    pub scenarios: u64,
    /// How the weights are drawn. Default [`WeightDraw::Fixed`] (noise or `vary` only).
    pub weights: WeightDraw,
    /// Noise ±PCT percent on every indicator value; default none.
    pub noise_percent: Option<f64>,
    /// Seed; default the scenario's, else [`DEFAULT_SEED`].
    pub seed: Option<u64>,
    /// Disparity parameters varied too.
    pub vary: Vec<Vary>,
    /// Also check every scenario for paradoxes (apportionment methods only).
    pub paradoxes: bool,
}

impl Default for MonteCarloSpec {
    fn default() -> Self {
        MonteCarloSpec {
            scenarios: 100_000,
            weights: WeightDraw::Fixed,
            noise_percent: None,
            seed: None,
            vary: Vec::new(),
            paradoxes: false,
        }
    }
}

/// Sobol indices of every unit's slots with respect to the raw weights (and the varied
/// disparity parameters), Saltelli sampling with bootstrap confidence intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolSpec {
    /// Base samples N (N·(d+2) runs). Default 4096.
    pub samples: u64,
    /// Bootstrap resamples. Default 100 (SALib's).
    pub bootstrap: u32,
    /// Range of every raw weight as multiples of its scenario value. Default (0.5, 1.5).
    pub relative_range: (f64, f64),
    /// Seed; default the scenario's, else [`DEFAULT_SEED`].
    pub seed: Option<u64>,
    /// Disparity parameters varied too (one more factor each).
    pub vary: Vec<Vary>,
    /// Also the second-order indices S2 (Saltelli 2002; N·(2D+2) runs). Default false.
    #[serde(default)]
    pub second_order: bool,
    /// Groups of factors moved together, each one factor of the design: (name, factor names).
    /// Default none.
    #[serde(default)]
    pub groups: Vec<(String, Vec<String>)>,
    /// Also the indices at N = 256, 512, … up to `samples`, from the same nested sample
    /// ([`super::convergence`]). Default false.
    #[serde(default)]
    pub convergence: bool,
    /// Stopping rule: double N from 256 until every unit's ST half-width is at most this (or
    /// `samples` is reached). Default none.
    #[serde(default)]
    pub stop_at: Option<f64>,
}

impl Default for SobolSpec {
    fn default() -> Self {
        SobolSpec {
            samples: 4096,
            bootstrap: 100,
            relative_range: (0.5, 1.5),
            seed: None,
            vary: Vec::new(),
            second_order: false,
            groups: Vec::new(),
            convergence: false,
            stop_at: None,
        }
    }
}
