//! Every optimal allocation of a scenario under the optimisation model (`quota allocate
//! --all-optima`): [`crate::optimize::AllOptima`] with the units' codes, names and ideal
//! quotas, and the run's reproducibility stamp.

use serde::Serialize;

use super::{opt_problem, optimize_problem, scenario_problem, scenario_scores, AllocateError};
use crate::optimize::AllOptima;
use crate::scenario::{MethodChoice, Scenario};
use crate::stamp::Stamp;

/// One unit as the report names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimaUnit {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Its ideal quota q = N·W/ΣW, as the optimiser used it.
    pub ideal: f64,
}

/// Every optimal allocation of a scenario (JSON: `quota.optima/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimaReport {
    /// The reproducibility stamp of the run.
    pub stamp: Stamp,
    /// The scenario's name.
    pub scenario: String,
    /// The national total.
    pub total: u64,
    /// The units, in the order of every slot vector below.
    pub units: Vec<OptimaUnit>,
    /// The optima.
    #[serde(flatten)]
    pub optima: AllOptima,
}

/// Every optimal allocation of `s` (which must use `method = "optimize"`): up to `listed`
/// alternatives to the published one, their count up to `count_limit`, each unit's slot
/// range. The published allocation is solved and checked first, so an infeasible scenario
/// gives the same error as `quota allocate`.
pub fn all_optima(
    s: &Scenario,
    stamp: Stamp,
    listed: usize,
    count_limit: usize,
) -> Result<OptimaReport, AllocateError> {
    if s.method() != MethodChoice::Optimize {
        return Err(AllocateError::NotOptimize { at: s.at().clone(), method: s.method().name().to_string() });
    }
    let scores = scenario_scores(s);
    let problem = scenario_problem(s, &scores)?;
    let published = optimize_problem(s, &problem)?;
    let opt = opt_problem(s, &problem)?;
    let optima = opt.all_optima(listed, count_limit)?;
    if optima.chosen != published.slots {
        return Err(AllocateError::Optimize(crate::optimize::OptimizeError::Solver(
            "the optima search did not start from the published allocation".into(),
        )));
    }
    let units = (0..s.units().len())
        .map(|i| {
            let u = s.units().get(i);
            OptimaUnit { code: u.code.clone(), name: u.name_zh.clone(), ideal: opt.ideal()[i] }
        })
        .collect();
    Ok(OptimaReport { stamp, scenario: s.name().to_string(), total: s.total(), units, optima })
}
