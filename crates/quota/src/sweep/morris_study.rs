//! The Morris design inside a [`SweepStudy`](super::SweepStudy): the serialisable screening
//! result (measures per unit and factor, a per-factor screening verdict) and the study's part
//! of the dispatch.

use serde::Serialize;

use crate::scenario::Scenario;

use super::eval::{Evaluator, Rule};
use super::morris::{Design, MorrisOptions, MorrisResult, MorrisSpec};
use super::study::DesignDetails;
use super::summary::UnitSummary;

/// Morris measures of every unit's slots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisIndices {
    /// Factor names (positive weights, then the varied disparity parameters; a group by its
    /// name, at the place of its first factor).
    pub factors: Vec<String>,
    /// Factor ranges (a group's: its factors' smallest lo and largest hi).
    pub ranges: Vec<(f64, f64)>,
    /// The factors of each group when groups were asked for; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Vec<String>>>,
    /// Model runs: R·(g+1) for g factors (groups).
    pub evaluations: u64,
    /// Per factor, over all units: the screening verdict.
    pub screening: Vec<FactorScreening>,
    /// Per unit, in unit order.
    pub units: Vec<UnitMorris>,
    /// The design (level indices of every point), for the runs export.
    #[serde(skip)]
    pub design: Design,
    /// The design's inputs (every factor, grouped or not) with their ranges, for the runs
    /// export.
    #[serde(skip)]
    pub inputs: Vec<(String, (f64, f64))>,
    /// Every run's slots (run-major, units inner), for the runs export.
    #[serde(skip)]
    pub slots: Vec<u32>,
}

/// One factor's effect on the allocation as a whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorScreening {
    /// Factor name.
    pub factor: String,
    /// Largest μ* over the units (slots per whole range).
    pub mu_star_max: f64,
    /// Σ μ* over the units: the mean number of slots moved (over all units, counting gains and
    /// losses) by a step of Δ, per whole range.
    pub mu_star_sum: f64,
    /// Units with μ* > 0 (whose slots moved with this factor somewhere in the design).
    pub units_moved: usize,
    /// Rank by `mu_star_sum` (1 = most influential; equal sums share a rank).
    pub rank: usize,
}

/// One unit's Morris measures per factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitMorris {
    /// Unit code.
    pub code: String,
    /// Mean elementary effect μ (null for a group of several factors: they move in their
    /// own directions, so their mean effect is not defined; SALib reports NaN).
    pub mu: Vec<Option<f64>>,
    /// Mean absolute elementary effect μ*.
    pub mu_star: Vec<f64>,
    /// Standard deviation σ of the elementary effects (null for a group of several factors,
    /// as μ).
    pub sigma: Vec<Option<f64>>,
    /// 95% bootstrap half-width of μ*.
    pub mu_star_conf: Vec<Option<f64>>,
}

/// What the Morris arm of [`super::study`] returns: the per-unit summary, scenarios,
/// infeasible, design details, summary label and the indices.
pub(super) type MorrisPart = (Vec<UnitSummary>, u64, u64, DesignDetails, String, MorrisIndices);

/// The Morris options of a spec (seed resolved by the caller).
pub(super) fn options(spec: &MorrisSpec, seed: u64) -> MorrisOptions {
    MorrisOptions {
        trajectories: spec.trajectories,
        levels: spec.levels,
        candidates: spec.candidates(),
        bootstrap: spec.bootstrap,
        seed,
        relative: spec.relative_range,
    }
}

/// The study's parts from a Morris result of `spec` on the scenario.
pub(super) fn part(
    scenario: &Scenario,
    ev: &Evaluator<Rule>,
    spec: &MorrisSpec,
    seed: u64,
    r: MorrisResult,
) -> MorrisPart {
    let units = r.tally.summarise(scenario, &ev.baseline);
    let n = r.tally.scenarios + r.tally.infeasible;
    let unit_rows: Vec<UnitMorris> = r
        .units
        .iter()
        .enumerate()
        .map(|(i, m)| UnitMorris {
            code: scenario.units().get(i).code.clone(),
            mu: m.mu.clone(),
            mu_star: m.mu_star.clone(),
            sigma: m.sigma.clone(),
            mu_star_conf: m.mu_star_conf.clone(),
        })
        .collect();
    let screening = screening(&r.factors, &unit_rows);
    let mut label = format!(
        "morris, {} trajectories of {} levels (Δ = {:.4}) kept from {} candidates, seed {seed}",
        spec.trajectories,
        spec.levels,
        r.design.delta,
        spec.candidates()
    );
    for (g, m) in &spec.groups {
        label.push_str(&format!(", group {g} = {{{}}}", m.join(", ")));
    }
    let details = DesignDetails::Morris {
        trajectories: spec.trajectories,
        levels: spec.levels,
        delta: r.design.delta,
        candidates: spec.candidates(),
        bootstrap: spec.bootstrap,
        seed,
        relative_range: spec.relative_range,
        spread: r.design.spread,
        spread_random: r.design.spread_random,
    };
    let indices = MorrisIndices {
        factors: r.factors,
        ranges: r.ranges,
        members: (!spec.groups.is_empty()).then_some(r.members),
        evaluations: r.evaluations,
        screening,
        units: unit_rows,
        design: r.design,
        inputs: r.inputs,
        slots: r.slots,
    };
    (units, n, r.tally.infeasible, details, label, indices)
}

/// The per-factor verdicts, ranked by Σ μ* (descending).
fn screening(factors: &[String], units: &[UnitMorris]) -> Vec<FactorScreening> {
    let mut out: Vec<FactorScreening> = factors
        .iter()
        .enumerate()
        .map(|(i, f)| FactorScreening {
            factor: f.clone(),
            mu_star_max: units.iter().map(|u| u.mu_star[i]).fold(0.0, f64::max),
            mu_star_sum: units.iter().map(|u| u.mu_star[i]).sum(),
            units_moved: units.iter().filter(|u| u.mu_star[i] > 0.0).count(),
            rank: 0,
        })
        .collect();
    let sums: Vec<f64> = out.iter().map(|s| s.mu_star_sum).collect();
    for s in &mut out {
        s.rank = 1 + sums.iter().filter(|&&x| x > s.mu_star_sum).count();
    }
    out
}
