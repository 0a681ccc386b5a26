//! The feasible region as a map: with two or three free weights (δ held), every point of a
//! regular grid over the free weights is allocated exactly and compared with the observed
//! units, and the method's calibration (verdict, central weighting, ranges) is drawn over it.
//!
//! The map is what the calibration's numbers describe, seen whole: for a complete observation
//! under an LP method the matching points fill the exact polytope (a union of them for
//! Hamilton) whose ranges the LPs report; for a partial observation or the quota method the
//! matching points are the grid's witnesses. Each point is allocated by the same arithmetic as
//! `quota allocate` ([`Evaluator`]), so a point marked as matching reproduces every observed
//! unit, and one marked otherwise does not — no interpolation.

use serde::Serialize;

use super::grid::{compositions, Evaluator};
use super::{calibrate_method, prepare, CalibrateError, CalibrateSpec, MethodCalibration};
use crate::observed::{ObservedAllocation, ObservedSlots};
use crate::scenario::Scenario;

/// Grid divisions per free weight when none are asked for (three weights: 1,891 points).
pub const DEFAULT_REGION_STEPS: u32 = 60;

/// Most grid divisions allowed (three weights: 80,601 points).
pub const MAX_REGION_STEPS: u32 = 400;

/// One grid point of the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionPoint {
    /// The free weights (they sum to [`RegionMap::share`]).
    pub at: Vec<f64>,
    /// Observed units the allocation there does not reproduce (0: a weighting that reproduces
    /// the observation); None when the weighting has no allocation within the bounds.
    pub mismatched: Option<usize>,
}

/// The feasible region of one method over two or three free weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionMap {
    /// Scenario name.
    pub scenario: String,
    /// Observed allocation's name.
    pub observed: String,
    /// National total N.
    pub total: u64,
    /// The free weights (indicator columns), in the scenario's order.
    pub free: Vec<String>,
    /// What the free weights sum to (1 − the held weights).
    pub share: f64,
    /// The held development weight δ (0 without a development term).
    pub development_weight: f64,
    /// Grid divisions: free weight j runs over `lower[j] + side·k/steps`.
    pub steps: u32,
    /// The least value of each free weight on the map (all 0 unless zoomed).
    pub lower: Vec<f64>,
    /// How far each free weight runs above its least value (`share` unless zoomed). The map
    /// covers the weightings whose free weights are all at least `lower`: for three weights an
    /// upright triangle of the simplex, for two a stretch of the segment.
    pub side: f64,
    /// Whether the map is zoomed onto the exact ranges.
    pub zoomed: bool,
    /// Observed units.
    pub observed_units: usize,
    /// Grid points that reproduce every observed unit.
    pub matching: usize,
    /// Every grid point, in lexicographic order of the divisions.
    pub points: Vec<RegionPoint>,
    /// The scenario's own free weights.
    pub scenario_point: Vec<f64>,
    /// The method's calibration (verdict, central weighting, ranges) on the same request.
    pub calibration: MethodCalibration,
    /// The scenario's inputs and their status (the chart's subtitle marks non-official ones).
    pub provenance: crate::provenance::Provenance,
    /// The free weights' positions among the indicators.
    #[serde(skip)]
    free_positions: Vec<usize>,
}

impl RegionMap {
    /// The indicator positions of the free weights (in [`Weighting::weights`](super::Weighting)).
    pub fn free_indices(&self) -> &[usize] {
        &self.free_positions
    }
}

/// The feasible region of `spec`'s one method (the scenario's when none is named), with
/// `steps` grid divisions. `spec` must leave two or three indicator weights free and δ held.
pub fn region(
    s: &Scenario,
    observed: &ObservedAllocation,
    slots: &ObservedSlots,
    spec: &CalibrateSpec,
    steps: u32,
) -> Result<RegionMap, CalibrateError> {
    let bad = |field: &'static str, message: String| CalibrateError::Spec { field, message };
    if !(1..=MAX_REGION_STEPS).contains(&steps) {
        return Err(bad("steps", format!("{steps} grid steps: expected 1..={MAX_REGION_STEPS}")));
    }
    let prepared = prepare(s, observed, slots, spec)?;
    let ctx = &prepared.ctx;
    let [method] = prepared.methods[..] else {
        let names: Vec<&str> = prepared.methods.iter().map(|m| m.name()).collect();
        return Err(bad(
            "methods",
            format!("the feasible-region chart shows one method, not {}; name one", names.join(", ")),
        ));
    };
    if ctx.comps.development_varies() {
        return Err(bad(
            "development",
            "the feasible-region chart holds the development weight at the scenario's value; \
             calibrate δ without the chart"
                .into(),
        ));
    }
    if !(2..=3).contains(&ctx.coords.len()) {
        return Err(bad(
            "free",
            format!(
                "the feasible-region chart needs 2 or 3 free weights, not {} ({}); choose them",
                ctx.coords.len(),
                ctx.coords.join(", ")
            ),
        ));
    }
    let calibration = calibrate_method(ctx, method)?;
    let mut eval = Evaluator::new(&ctx.prepared, method).map_err(|e| bad("bounds", e.to_string()))?;
    let share = ctx.comps.free_share();
    let (lower, side) = zoom(&calibration, share, ctx.coords.len());
    let zoomed = side < share;
    let points = grid(&lower, side, steps)
        .into_iter()
        .map(|at| {
            let mismatched = eval
                .slots(&ctx.comps.at(&at))
                .map(|got| ctx.observed.iter().zip(got).filter(|(x, g)| x.is_some_and(|x| x != **g)).count());
            RegionPoint { at, mismatched }
        })
        .collect::<Vec<_>>();
    let scenario_weighting = super::Weighting {
        weights: ctx.prepared.weights(),
        development_weight: ctx.prepared.development_weight(),
    };
    Ok(RegionMap {
        scenario: s.name.clone(),
        observed: observed.name.clone(),
        total: ctx.prepared.total,
        free: ctx.coords.clone(),
        share,
        development_weight: ctx.prepared.development_weight(),
        steps,
        lower,
        side,
        zoomed,
        observed_units: slots.observed(),
        matching: points.iter().filter(|p| p.mismatched == Some(0)).count(),
        points,
        scenario_point: ctx.comps.coordinates(&scenario_weighting),
        calibration,
        provenance: s.provenance().clone(),
        free_positions: (0..ctx.comps.indicators).filter(|&j| ctx.comps.free[j]).collect(),
    })
}

/// Largest zoomed side, as a share of the free weights' total, worth zooming to.
const ZOOM_AT_MOST: f64 = 0.5;

/// The map's extent: the whole simplex of the free weights, or — when the calibration gives
/// exact ranges (every unit observed, an LP method) and they are narrow — the smallest upright
/// triangle (segment) that holds them with a margin of half the widest range on each side.
/// Every weighting whose free weights are at least their range minima lies in it (each weight
/// is the share minus the others, so at most its lower edge plus the side), hence the whole
/// feasible set does.
fn zoom(calibration: &MethodCalibration, share: f64, dims: usize) -> (Vec<f64>, f64) {
    let whole = (vec![0.0; dims], share);
    let ranges = &calibration.ranges;
    if ranges.len() != dims || !ranges.iter().all(|r| r.exact) {
        return whole;
    }
    let widest = ranges.iter().map(|r| r.max - r.min).fold(0.0, f64::max);
    let pad = (widest / 2.0).max(share * 1e-3);
    let lower: Vec<f64> = ranges.iter().map(|r| (r.min - pad).max(0.0)).collect();
    let side = share - lower.iter().sum::<f64>();
    if side > share * ZOOM_AT_MOST {
        return whole;
    }
    (lower, side)
}

/// The free weights on the regular grid of step `side / steps` above `lower`.
fn grid(lower: &[f64], side: f64, steps: u32) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    compositions(steps, 0, &mut vec![0; lower.len()], &mut |p| {
        out.push(p.iter().zip(lower).map(|(&k, lo)| lo + side * k as f64 / steps as f64).collect());
    });
    out
}
