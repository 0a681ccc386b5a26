//! Sensitivity sweeps: how the weighting (and, optionally, the regional-disparity parameters)
//! moves every unit's slots and funding. Five designs over the same evaluation core:
//!
//! - [`grid`]: every weight vector on the simplex with step h;
//! - [`oat`]: one factor at a time over [a, b], with the exact breakpoints at which each
//!   unit's slots change;
//! - [`montecarlo`]: random weights (Dirichlet around the scenario's weights, or uniform on
//!   the simplex) and/or multiplicative noise on the indicators;
//! - [`sobol`]: first-order and total Sobol indices (Saltelli sampling; Saltelli 2010 and
//!   Jansen 1999 estimators) with bootstrap confidence intervals;
//! - [`morris`]: Morris elementary-effects screening (μ, μ*, σ) on optimised trajectories
//!   (Campolongo et al. 2007).
//!
//! The hot loop ([`eval`]) reuses everything that does not depend on the weights: the
//! normalised columns, the development term and the bounds are prepared once; one scenario is
//! `scores → integer weights → Problem::set_weights → apportion_seats` into buffers owned by a
//! per-thread [`eval::Workspace`], with no allocation. The optimisation model plugs in through
//! the same [`SlotRule`] trait ([`eval::OptimizeRule`]; it builds its model per scenario) and may
//! report a weighting infeasible, which every design counts instead of tallying. Per-unit summaries stream into integer
//! histograms ([`summary::Tally`]), so memory does not grow with the number of scenarios.
//!
//! Determinism: scenario k of a random design draws from its own generator, ChaCha8 seeded
//! with the run's seed on stream k, so a result never depends on how the work was split;
//! histograms are sums of integers (order-free), and every floating-point reduction (Sobol
//! estimators, bootstrap) runs in a fixed order. `--threads 1` and `--threads 8` give the same
//! bytes.
//!
//! [`study`] is the one call for a whole sweep: a [`SweepSpec`] (one variant per design, with
//! its defaults) in, a [`SweepStudy`] out (serialisable; rendered by
//! [`render::sweep`](crate::render::sweep)). The library never prints or touches files:
//! long-CSV rows go to a `Write` sink, progress to a callback and cancellation comes from a
//! flag, all in the caller's [`Hooks`].

mod blocks;
pub mod convergence;
pub mod eval;
pub mod grid;
pub mod hooks;
pub mod montecarlo;
pub mod morris;
pub mod morris_study;
pub mod oat;
mod oat_quota;
pub mod run;
pub mod shard;
pub mod sobol;
pub mod sobol2;
pub mod space;
pub mod spec;
mod stream;
pub mod study;
pub mod summary;
pub mod svg;
pub mod svg_convergence;
pub mod svg_morris;

use thiserror::Error;

use crate::allocate::AllocateError;

pub use convergence::Convergence;
pub use eval::{Evaluator, OptimizeRule, Rule, SlotRule, Workspace};
pub use hooks::Hooks;
pub use montecarlo::WeightDraw;
pub use morris::MorrisSpec;
pub use morris_study::{FactorScreening, MorrisIndices, UnitMorris};
pub use shard::{merge, shard, MergeError, Partial, Shard, PARTIAL_SCHEMA};
pub use space::{Factor, Params, Space};
pub use spec::{GridSpec, MonteCarloSpec, OatSpec, SobolSpec, SweepSpec, Vary, DEFAULT_SEED};
pub use study::{
    study, DesignDetails, OatFactor, Plan, SimplexMap, SobolIndices, SweepStudy, UnitIndices, UnitPieces,
    VaryRange, Work,
};
pub use summary::{Tally, TallyData, UnitParadoxes, UnitSummary};

/// Most worker threads a sweep accepts (`--threads`): far more than any machine this runs on
/// has cores; above it the threads only cost memory and start-up time (100,000 threads took
/// minutes to start).
pub const MAX_THREADS: usize = 256;

/// Most memory a sweep may plan to hold at once (the Sobol output matrix and its estimator
/// copies): 2 GiB. Designs that would need more are refused before anything is allocated,
/// with the estimate.
pub const MEMORY_BUDGET_BYTES: u64 = 2 << 30;

/// Checks a worker-thread count: at least 1, at most [`MAX_THREADS`] (None: one per core).
pub fn check_threads(threads: Option<usize>) -> Result<(), SweepError> {
    match threads {
        Some(0) => Err(SweepError::ZeroCount { what: "--threads" }),
        Some(t) if t > MAX_THREADS => Err(SweepError::BadParameter {
            what: "--threads".into(),
            expected: "at most 256 (the output does not depend on the thread count)",
            value: t as f64,
        }),
        _ => Ok(()),
    }
}

/// A sweep that cannot be run as asked (bad options) or could not be evaluated.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SweepError {
    /// A grid step whose inverse is not a whole number.
    #[error(
        "step {step} does not divide 1 (1/step = {inverse}); use a step such as 0.1, 0.05, 0.025 or 0.01"
    )]
    StepNotDivisor { step: f64, inverse: f64 },
    /// A range with nothing in it.
    #[error("{what}: empty range {lo}:{hi} (expected lo < hi)")]
    EmptyRange { what: String, lo: f64, hi: f64 },
    /// A range outside what the parameter allows.
    #[error("{what}: range {lo}:{hi} is outside {allowed}")]
    RangeOutside { what: String, lo: f64, hi: f64, allowed: &'static str },
    /// A factor name that is not a weight (or disparity parameter) of the scenario.
    #[error("'{name}' is not a weight of scenario '{scenario}': its weights are {known}{hint}")]
    UnknownFactor { name: String, scenario: String, known: String, hint: String },
    /// A count that must be positive.
    #[error("{what} must be at least 1, got 0")]
    ZeroCount { what: &'static str },
    /// A parameter outside its domain.
    #[error("{what} must be {expected}, got {value}")]
    BadParameter { what: String, expected: &'static str, value: f64 },
    /// A design that would evaluate more scenarios than allowed.
    #[error(
        "the design has {count} scenarios, more than the limit {limit}; use a coarser step or fewer factors"
    )]
    TooLarge { count: u128, limit: u64 },
    /// A design whose memory estimate exceeds [`MEMORY_BUDGET_BYTES`].
    #[error(
        "{design} would hold about {needed_mib} MiB in memory, more than the {budget_mib} MiB a sweep may use; {advice}"
    )]
    TooMuchMemory { design: String, needed_mib: u64, budget_mib: u64, advice: &'static str },
    /// The scenario cannot be evaluated at its own (baseline) parameters.
    #[error("the baseline scenario cannot be allocated: {0}")]
    Baseline(#[source] AllocateError),
    /// Writing the long output failed.
    #[error("writing the scenario rows failed: {0}")]
    Write(#[from] std::io::Error),
    /// Paradox checks asked of a sweep of the optimisation model.
    #[error(
        "--paradoxes: a sweep checks paradoxes by re-apportioning each scenario at N−1 and N+1 with an apportionment method; for the optimisation model use quota explain --paradoxes on one scenario, or sweep with --method"
    )]
    ParadoxesNeedMethod,
    /// A rows sink given to the one-at-a-time design, whose complete result is its pieces.
    #[error(
        "--keep-all applies to the grid, monte-carlo and sobol designs (oat writes its exact pieces to breakpoints.csv)"
    )]
    RowsNotKept,
    /// A unit code that is not in the scenario.
    #[error("--unit '{code}' is not a unit of the scenario (give its code, Chinese, short or English name: 44, 广东省, 广东, Guangdong)")]
    UnknownUnit { code: String },
    /// A part of a sharded sweep's work that does not fit the design (a damaged or foreign
    /// partial; `part` counts from 0 in shard order).
    #[error("shard {}: its work does not fit the sweep: {reason}", part + 1)]
    BadPartial { part: usize, reason: String },
    /// Long-CSV rows asked of one shard of a sweep.
    #[error("--keep-all cannot be combined with --shard (each shard evaluates only part of the sweep); run the sweep unsharded to keep every scenario")]
    RowsWithShard,
    /// A design that runs in one piece asked for in parts (a shard of a sweep).
    #[error("--shard does not apply to {design} (Sobol with --convergence or --stop-at runs in one piece); run it without --shard")]
    NotInParts { design: String },
    /// A `--group` that cannot be a factor of the Sobol design.
    #[error("--group {group}: {problem}")]
    BadGroup { group: String, problem: String },
    /// The caller's cancellation flag was set.
    #[error("the sweep was cancelled")]
    Cancelled,
}

impl SweepError {
    /// Ok when none of a design's runs was infeasible; else the error naming how many
    /// `design` runs (Sobol, Morris) had no feasible allocation, and that the ranges must be
    /// `narrower` (the estimators need every run).
    pub(crate) fn all_feasible(
        infeasible: u64,
        design: &str,
        narrower: &'static str,
    ) -> Result<(), SweepError> {
        if infeasible == 0 {
            return Ok(());
        }
        Err(SweepError::BadParameter {
            what: format!("{infeasible} {design} runs had no feasible allocation; the ranges"),
            expected: narrower,
            value: infeasible as f64,
        })
    }
}
