//! The pipeline for one scenario: score → ideal quota → integer slots → money. The result
//! carries everything a report or an audit needs.

pub mod optima;
pub mod report;

use serde::Serialize;
use thiserror::Error;

use crate::apportion::{self, ApportionError, Apportionment, Problem, TieReport};
use crate::check::{self, CheckError};
use crate::error::Location;
use crate::funding::Funding;
use crate::optimize::{Infeasibility, OptCheckError, OptOutcome, OptProblem, OptimizeError, Status};
use crate::scenario::{MethodChoice, Scenario};
use crate::scoring::{self, ScoringError};
use crate::units::Region;

pub use optima::{all_optima, OptimaReport, OptimaUnit};
pub use report::{verify, AllocationReport, InputLabels, Totals, Verification};

/// Why a scenario could not be allocated.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum AllocateError {
    /// The scores could not be computed.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// No allocation satisfies the bounds.
    #[error(transparent)]
    Apportion(#[from] ApportionError),
    /// The optimisation model cannot take the problem as given (not infeasibility).
    #[error(transparent)]
    Optimize(#[from] OptimizeError),
    /// No allocation satisfies the optimisation model's constraints; the explanation names
    /// the conflicting constraints in the scenario's words.
    #[error("{at}: infeasible: {explanation}")]
    Infeasible { at: Location, explanation: Infeasibility },
    /// The solver's time limit struck before any allocation was found.
    #[error(
        "{at}: the solver's time limit struck before any allocation was found; raise optimize.time_limit_ms"
    )]
    TimeLimit { at: Location },
    /// The scenario's slot rule finds no allocation at the given parameters.
    #[error("{at}: no allocation under {rule} at the sweep's baseline parameters")]
    NoAllocation { at: Location, rule: String },
    /// The independent checker rejected a result (an internal fault).
    #[error("the independent checker rejected the result: {0}")]
    Check(#[from] CheckError),
    /// Every optimal allocation was asked of a scenario that does not use the optimisation
    /// model.
    #[error("{at}: every optimal allocation is a question for the optimisation model (method = \"optimize\"), not for method {method}")]
    NotOptimize { at: Location, method: String },
    /// The optimiser's independent checker rejected its result (an internal fault).
    #[error("the independent checker rejected the optimiser's result: {0}")]
    OptCheck(#[from] OptCheckError),
}

impl AllocateError {
    /// Whether this is an internal fault (a checker rejected a result) rather than a problem
    /// with the input.
    pub fn is_internal(&self) -> bool {
        matches!(self, AllocateError::Check(_) | AllocateError::OptCheck(_))
    }
}

/// One unit's line of an allocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitAllocation {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// NBS region.
    pub region: Region,
    /// Normalised indicator values `s_ij`, in the scenario's indicator order.
    pub normalised: Vec<f64>,
    /// Score (after the disparity term).
    pub score: f64,
    /// Ideal quota `q_i = N · score_i / Σ score`.
    pub ideal: f64,
    /// Quota after floors and caps (`q*_i`, the clamped proportional share the apportionment
    /// rounds; equals `ideal` when no bound binds).
    pub adjusted: f64,
    /// Floor.
    pub floor: u64,
    /// Cap.
    pub cap: u64,
    /// Integer slots.
    pub slots: u64,
    /// Money in 万元.
    pub funding: Funding,
}

/// The allocation of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    /// Scenario name.
    pub scenario: String,
    /// Method.
    pub method: String,
    /// National total N.
    pub total: u64,
    /// Per-unit lines in unit order.
    pub units: Vec<UnitAllocation>,
    /// Ties that decided slots.
    pub ties: Vec<TieReport>,
    /// National money.
    pub funding: Funding,
    /// The exact apportionment (None for the optimiser).
    #[serde(skip)]
    pub apportionment: Option<Apportionment>,
    /// The exact problem handed to the apportionment (integer weights, bounds).
    #[serde(skip)]
    pub problem: Problem,
    /// The optimisation model's outcome (objective, binding constraints, groups), if it ran.
    #[serde(skip)]
    pub optimized: Option<OptOutcome>,
}

/// Scores of a scenario at its own weights.
pub fn scenario_scores(s: &Scenario) -> Vec<f64> {
    let mut scores = vec![0.0; s.units.len()];
    s.model.scores_into(&s.weights(), s.development_weight(), &mut scores);
    scores
}

/// The exact apportionment problem of a scenario.
pub fn scenario_problem(s: &Scenario, scores: &[f64]) -> Result<Problem, AllocateError> {
    let mut w = Vec::new();
    scoring::integer_weights(scores, &mut w)?;
    let name = |i: usize| format!("{} {}", s.units.get(i).code, s.units.get(i).name_zh);
    Ok(Problem::with_bounds(w, s.floors.clone(), s.caps.clone(), s.total, &name)?)
}

/// Allocates a scenario with its own method; the result has passed the independent checker.
pub fn allocate(s: &Scenario) -> Result<Allocation, AllocateError> {
    let scores = scenario_scores(s);
    let problem = scenario_problem(s, &scores)?;
    let sum: f64 = scores.iter().sum();
    let (seats, apportionment, optimized) = match s.method {
        MethodChoice::Apportion(m) => {
            let a = apportion::apportion(&problem, m);
            check::check_apportionment(&problem, &a)?;
            (a.seats.clone(), Some(a), None)
        }
        MethodChoice::Optimize => {
            let out = optimize_problem(s, &problem)?;
            (out.slots.clone(), None, Some(out))
        }
    };
    let code = |i: &usize| s.units.get(*i).code.clone();
    let ties =
        apportionment.as_ref().map(|a| a.ties.iter().map(|t| t.report(code)).collect()).unwrap_or_default();
    let units: Vec<UnitAllocation> = (0..s.units.len())
        .map(|i| {
            let u = s.units.get(i);
            UnitAllocation {
                code: u.code.clone(),
                name: u.name_zh.clone(),
                name_en: u.name_en.clone(),
                region: u.region,
                normalised: s.model.normalised.iter().map(|col| col[i]).collect(),
                score: scores[i],
                ideal: s.total as f64 * scores[i] / sum,
                adjusted: apportionment
                    .as_ref()
                    .map_or(s.total as f64 * scores[i] / sum, |a| a.quotas[i].to_f64()),
                floor: s.floors[i],
                cap: s.caps[i],
                slots: seats[i],
                funding: s.funding.funding(seats[i]),
            }
        })
        .collect();
    let funding = units.iter().map(|u| u.funding).sum();
    Ok(Allocation {
        scenario: s.name.clone(),
        method: s.method.name().to_string(),
        total: s.total,
        units,
        ties,
        funding,
        apportionment,
        problem,
        optimized,
    })
}

/// The optimiser's ideal quotas `q_i = N · w_i / Σ w` from the problem's exact integer
/// weights — the same numbers every apportionment method starts from, so a sweep (which only
/// has the integer weights) and `quota allocate` hand the optimiser identical inputs.
pub fn ideal_quotas(problem: &Problem, out: &mut Vec<f64>) {
    let sum = problem.weight_sum() as f64;
    let total = problem.total() as f64;
    out.clear();
    out.extend(problem.weights().iter().map(|&w| if sum > 0.0 { total * w as f64 / sum } else { 0.0 }));
}

/// How the optimiser names a scenario's units in its messages and binding constraints
/// ("44 广东省").
pub fn unit_labels(s: &Scenario) -> Vec<String> {
    s.units.as_slice().iter().map(|u| format!("{} {}", u.code, u.name_zh)).collect()
}

/// Runs the optimisation model on a scenario's problem (ideal quotas from its integer weights,
/// floors, caps) and constraints, and re-checks the result from the integers with the
/// optimiser's independent checker.
pub fn optimize_problem(s: &Scenario, problem: &Problem) -> Result<OptOutcome, AllocateError> {
    let opt = opt_problem(s, problem)?;
    let out = opt.solve()?;
    match &out.status {
        Status::Infeasible { explanation } => {
            return Err(AllocateError::Infeasible { at: s.at.clone(), explanation: explanation.clone() })
        }
        Status::TimeLimit if out.slots.is_empty() => {
            return Err(AllocateError::TimeLimit { at: s.at.clone() })
        }
        _ => {}
    }
    opt.check(&out)?;
    Ok(out)
}

/// The optimisation model of a scenario's problem: ideal quotas from its integer weights,
/// its floors, caps, total and constraints, units named "44 广东省".
pub fn opt_problem(s: &Scenario, problem: &Problem) -> Result<OptProblem, AllocateError> {
    let mut ideal = Vec::new();
    ideal_quotas(problem, &mut ideal);
    let constraints = s.constraints.clone().unwrap_or_default();
    Ok(OptProblem::new(ideal, s.floors.clone(), s.caps.clone(), s.total, constraints, unit_labels(s))?)
}
