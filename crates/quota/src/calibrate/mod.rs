//! Calibration: which weightings — and which apportionment method — reproduce an observed
//! allocation (`quota calibrate`).
//!
//! 148号 names the factors but publishes no formula; the ministries publish per-unit results.
//! Calibration answers the inverse question: given the slots that were announced (all units or
//! some, see [`crate::observed`]), which indicator weights (and development weight δ) make the
//! scenario's model give them, how tightly the announcement pins the weights down, and which
//! units no weighting explains. The normalised columns, region multipliers and bounds of the
//! scenario stay as they are; only the weights move.
//!
//! ## What is exact
//!
//! **Every unit observed, Hamilton or a divisor method** (Jefferson, Webster, Huntington–Hill,
//! Adams, Dean, modified Webster): the weightings that reproduce the allocation are exactly
//! the solutions of linear conditions (see [`conditions`]) — one convex polytope for a divisor
//! method, a union of polytopes (one per regime of the units at a floor or cap) for Hamilton.
//! Linear programs find the most central weighting (largest margin e to every threshold), each
//! free weight's smallest and largest value, and — when e < 0 — that none exists. Those LPs run
//! in floating point (microlp; tolerance about 10⁻⁹ slots), so:
//! - *consistent* is proved by a witness: the central weighting is re-allocated by
//!   [`allocate`](crate::allocate::allocate) itself, with its exact integer arithmetic, and
//!   must give the observed slots (it always has: the result records the check);
//! - *inconsistent* means the best margin is below −10⁻⁷ slots, far beyond the LP's error;
//! - *only at ties* means the best margin is within ±10⁻⁷ of 0: only boundary weightings, where
//!   the tie rule decides, can work; a witness is then re-allocated as above;
//! - weight ranges are the closure of the set (its boundary weightings are ties), accurate to the
//!   LP's tolerance; the weightings just inside each end (10⁻⁴ of the way to the centre of the
//!   same regime) are re-allocated too.
//!
//! The model is the real-valued pipeline; `quota allocate` rounds each score to 10⁻¹² of the
//! total before the exact core, which moves a quota by at most about 10⁻⁹ slots — inside the
//! margins above.
//!
//! **Some units observed (partial).** Whether a weighting gives a partial observation depends on
//! every other unit's remainder, so the weightings that do are a union of allocation cells, not
//! one set of linear conditions. A grid of weightings (about [`CalibrateSpec::grid_points`] of
//! them over the free coordinates), each allocated exactly, finds *witnesses*; under Hamilton
//! and the divisor methods, a branch and bound over boxes of weightings ([`proof`]) then proves
//! each unknown unit's fewest and most slots over *every* weighting that reproduces the known
//! units (exact where proof and witnesses meet), finds the witnesses the grid missed, and
//! proves an observation inconsistent when no box can hold a witness. The weight ranges stay
//! *at least* that wide (witnessed; under an LP method widened to the exact extent of the
//! extreme witnesses' allocation cells, one LP per end).
//!
//! **Not exact: the quota method**, whose result depends on the order in which slots are handed
//! out: grid witnesses only, every range *at least*; "no witness found" is not a proof that
//! none exists, except when a known unit lies outside its floor or cap.
//!
mod components;
mod conditions;
mod grid;
mod linear;
mod proof;
mod region;
mod resample;
pub mod svg;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_proof;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::apportion::Method;
use crate::observed::{Kind, ObservedAllocation, ObservedSlots};
use crate::scenario::{MethodChoice, Scenario};

pub use components::Weighting;
use components::{Components, Development};
use conditions::{Explored, Setting, MARGIN_TOL};
use grid::{reallocate, Evaluator};
pub use region::{region, RegionMap, RegionPoint, DEFAULT_REGION_STEPS, MAX_REGION_STEPS};
pub use resample::{resample, Resample, ResampleFit, Resampling, WeightSpread};

/// Default number of grid weightings (see the module documentation, "Not exact").
pub const DEFAULT_GRID_POINTS: usize = 20_000;

/// The quota method allocates slot by slot (O(N·n) per weighting): its grid is this many
/// times smaller.
const QUOTA_GRID_DIVISOR: usize = 10;

/// Weightings one local search ([`grid::descend`]) may try (the quota method: this divided by
/// `QUOTA_GRID_DIVISOR`).
const DESCENT_BUDGET: usize = 3000;

/// How far toward the centre of its regime a range end is moved before it is re-allocated.
const INSIDE_STEP: f64 = 1e-4;

/// Which floors and caps the calibration uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Bounds {
    /// The scenario's floors and caps.
    #[default]
    Scenario,
    /// None: floor 0 and cap N for every unit (e.g. for a benchmark from another programme).
    None,
}

/// What to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateSpec {
    /// Methods to try (empty: the scenario's own method).
    pub methods: Vec<Method>,
    /// Indicator columns whose weights are free (empty: all); the others keep their scenario
    /// weight.
    pub free: Vec<String>,
    /// Let the development weight δ vary in `[lo, hi]` (None: keep the scenario's δ).
    pub development: Option<(f64, f64)>,
    /// Floors and caps.
    pub bounds: Bounds,
    /// National total N (default: the observed sum when every unit is observed, else the
    /// observed file's `@total`, else the scenario's total).
    pub total: Option<u64>,
    /// Weightings on the grid (0: no grid; then partial observations and the quota method get
    /// no answer, and a full observation no volume estimate or grid nearest fit).
    pub grid_points: usize,
}

impl Default for CalibrateSpec {
    fn default() -> Self {
        CalibrateSpec {
            methods: Vec::new(),
            free: Vec::new(),
            development: None,
            bounds: Bounds::Scenario,
            total: None,
            grid_points: DEFAULT_GRID_POINTS,
        }
    }
}

/// A calibration that cannot run as asked.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum CalibrateError {
    /// The request does not fit the scenario or the observation (bad input); `field` names the
    /// part of the request at fault (a [`CalibrateSpec`] field, or `observed`).
    #[error("{message}")]
    Spec { field: &'static str, message: String },
    /// The LP solver failed (an internal fault, not an outcome).
    #[error("the linear-program solver failed: {0}")]
    Solver(String),
    /// Re-allocating a weighting failed in a way that is not an infeasible weighting.
    #[error("re-allocating a weighting failed: {0}")]
    Allocate(String),
}

impl CalibrateError {
    /// Whether the user's input is at fault (exit code 2) rather than the program (1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, CalibrateError::Spec { .. })
    }
}

impl From<linear::SolverFault> for CalibrateError {
    fn from(e: linear::SolverFault) -> Self {
        CalibrateError::Solver(e.0)
    }
}

/// What was found for one method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every unit observed: an open set of weightings reproduces the allocation with no tie
    /// (proved by linear programming; the central weighting re-allocated).
    Consistent,
    /// Every unit observed: only boundary weightings do, where the tie rule decides; a witness
    /// re-allocated to the observation.
    OnlyAtTies,
    /// No weighting reproduces it (proved: LP margin below −10⁻⁷, or a unit outside its bounds).
    Inconsistent,
    /// Weightings found on the grid reproduce the known units (partial observation, or the
    /// quota method); the full set is not characterised.
    Witnessed,
    /// No grid weighting reproduces the known units (not a proof).
    NotFound,
    /// The LP search stopped (too many regimes), or a boundary case found no witness.
    Undecided,
}

/// How a verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Observed slots outside the unit's floor or cap.
    Bounds,
    /// Linear programs over the exact conditions.
    LinearProgram,
    /// Exact allocations on a grid of weightings.
    Grid,
    /// A branch and bound over boxes of weightings (partial observations, Hamilton and the
    /// divisor methods): the proof that no weighting reproduces the known units.
    Boxes,
}

/// One free coordinate's range over the weightings that reproduce the observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Range {
    /// Indicator column, or `development_weight`.
    pub name: String,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// True: the exact range (LP); false: at least this range (witnessed, see the module
    /// documentation).
    pub exact: bool,
    /// A weighting at the smallest value.
    pub min_at: Weighting,
    /// A weighting at the largest value.
    pub max_at: Weighting,
    /// Whether the weightings just inside both ends re-allocate to the observation (LP ends;
    /// grid ends are witnesses themselves).
    pub ends_checked: bool,
    /// Proved: no weighting that reproduces the observation has a smaller value (partial
    /// observations under Hamilton or a divisor method; within about 10⁻⁷ of the range of
    /// `min` when the search closes on it).
    pub proven_min: Option<f64>,
    /// Proved: no such weighting has a larger value.
    pub proven_max: Option<f64>,
}

/// A unit's observed and re-allocated slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitSlots {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Observed slots.
    pub observed: u64,
    /// Slots at the weighting in question (None: no allocation there).
    pub allocated: Option<u64>,
}

/// A weighting re-allocated by `quota allocate` and compared with the observed units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Observed units compared.
    pub units: usize,
    /// How many got exactly their observed slots.
    pub matching: usize,
    /// The others.
    pub mismatches: Vec<UnitSlots>,
}

impl Check {
    /// Whether every observed unit matched.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// A unit observed outside its floor or cap (no weighting can reproduce it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideBounds {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Observed slots.
    pub observed: u64,
    /// Floor.
    pub floor: u64,
    /// Cap.
    pub cap: u64,
}

/// The range of a unit's slots over the witnessed weightings (partial observations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotRange {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Observed slots, if the unit is observed.
    pub observed: Option<u64>,
    /// Fewest slots at a witness.
    pub min: u64,
    /// Most slots at a witness.
    pub max: u64,
    /// Proved: no weighting that reproduces the known units gives fewer slots (Hamilton and
    /// the divisor methods; None for the quota method). Equal to `min` when the minimum is
    /// exact.
    pub proven_min: Option<u64>,
    /// Proved: no weighting that reproduces the known units gives more slots.
    pub proven_max: Option<u64>,
    /// Whether both ends are exact (witnessed and proved).
    pub exact: bool,
}

/// The grid (with any candidate weightings tried before it): how many weightings were
/// allocated and how many reproduced the observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridCount {
    /// Weightings allocated.
    pub points: usize,
    /// Weightings that reproduced the observed units (their share estimates the share of the
    /// free-weight space that does).
    pub matching: usize,
}

/// The best explanation found for an observation no weighting reproduces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nearest {
    /// The weighting.
    pub weighting: Weighting,
    /// Σ |allocated − observed| over the observed units (an upper bound on the best possible).
    pub l1: u64,
    /// Where the search that found it started: `grid` (the best grid weighting), or `minimax`
    /// (the LP's least-violating weighting), a local search refining either; or `boxes` (a box
    /// centre of the lower-bound search, which missed fewer).
    pub found_by: String,
    /// The units it does not reproduce; every other observed unit it reproduces exactly, so
    /// these are units that cannot be explained together with the rest at this weighting.
    pub unexplained: Vec<UnitSlots>,
    /// Proved: no weighting gets fewer slots wrong (Hamilton: a branch and bound over boxes of
    /// weightings, see `calibrate::proof`); equal to `l1` when this fit is the best possible.
    pub proven_min_l1: Option<u64>,
}

/// The calibration of one method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodCalibration {
    /// Method name.
    pub method: String,
    /// The verdict.
    pub verdict: Verdict,
    /// How it was reached.
    pub basis: Basis,
    /// Largest margin e (LP; slots of scaled quota from the nearest threshold; negative: the
    /// least violation any weighting achieves).
    pub margin: Option<f64>,
    /// The most central weighting (LP) or the witness nearest the witnesses' centroid (grid).
    pub central: Option<Weighting>,
    /// The central weighting re-allocated by `quota allocate`.
    pub check: Option<Check>,
    /// The scenario's own weighting re-allocated, for comparison.
    pub scenario_check: Check,
    /// Free coordinates' ranges (empty when nothing reproduces the observation).
    pub ranges: Vec<Range>,
    /// Every unit's slots over the witnesses (partial observations).
    pub slot_ranges: Vec<SlotRange>,
    /// Grid counts, when the grid ran.
    pub grid: Option<GridCount>,
    /// Observed units outside their floor or cap.
    pub outside_bounds: Vec<OutsideBounds>,
    /// The nearest explanation found, when nothing reproduces the observation.
    pub nearest: Option<Nearest>,
    /// Regimes (Hamilton: which units at a bound sit on it) in which weightings reproduce it.
    pub regimes: usize,
    /// LP solves used.
    pub solves: usize,
    /// Boxes of weightings the slot-range proof tested (partial observations; see
    /// `calibrate::proof`).
    pub boxes: usize,
}

/// The result of `quota calibrate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Scenario name.
    pub scenario: String,
    /// Observed allocation's name.
    pub observed: String,
    /// Allocation or benchmark.
    pub kind: Kind,
    /// National total N used.
    pub total: u64,
    /// Where N came from: `observed sum`, `observed @total`, `scenario` or `spec`.
    pub total_from: String,
    /// Whether every unit is observed.
    pub complete: bool,
    /// Observed units.
    pub observed_units: usize,
    /// Units.
    pub units: usize,
    /// Indicator columns, in order (the weights of every [`Weighting`]).
    pub indicators: Vec<String>,
    /// The free coordinates: free indicator columns, then `development_weight` if it varies.
    pub free: Vec<String>,
    /// The scenario's own weighting.
    pub scenario_weighting: Weighting,
    /// The development weight's range, if it varies.
    pub development: Option<(f64, f64)>,
    /// Bounds used.
    pub bounds: Bounds,
    /// One entry per method.
    pub methods: Vec<MethodCalibration>,
    /// The scenario's inputs and their status (official, illustrative, …).
    pub provenance: crate::provenance::Provenance,
    /// Resampling over the units, one entry per method, when asked for ([`resample()`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resampling: Option<Vec<Resampling>>,
}

/// Everything one method's calibration needs.
struct Context<'a> {
    /// The scenario with the calibration's total and bounds.
    prepared: Scenario,
    comps: Components,
    observed: &'a [Option<u64>],
    /// How many times each unit counts in the slot error (1 each; a bootstrap sample's draws).
    counts: Option<Vec<u64>>,
    /// Weightings (free coordinates) tried before the grid when the answer is searched for
    /// (resampling: the fit on every unit, which reproduces any resample it reproduced whole).
    hints: Vec<Vec<f64>>,
    grid_points: usize,
    coords: Vec<String>,
}

/// Calibrates `s` to `observed` (matched to the scenario's units as `slots`).
pub fn calibrate(
    s: &Scenario,
    observed: &ObservedAllocation,
    slots: &ObservedSlots,
    spec: &CalibrateSpec,
) -> Result<Calibration, CalibrateError> {
    let prepared = prepare(s, observed, slots, spec)?;
    let ctx = &prepared.ctx;
    let methods =
        prepared.methods.iter().map(|&m| calibrate_method(ctx, m)).collect::<Result<Vec<_>, _>>()?;
    Ok(Calibration {
        scenario: s.name.clone(),
        observed: observed.name.clone(),
        kind: observed.kind,
        total: ctx.prepared.total,
        total_from: prepared.total_from.into(),
        complete: slots.is_complete(),
        observed_units: slots.observed(),
        units: s.units.len(),
        indicators: prepared.names,
        free: ctx.coords.clone(),
        scenario_weighting: Weighting { weights: s.weights(), development_weight: s.development_weight() },
        development: spec.development,
        bounds: spec.bounds,
        methods,
        provenance: s.provenance().clone(),
        resampling: None,
    })
}

/// A calibration request checked against the scenario and the observation, ready to run.
struct Prepared<'a> {
    ctx: Context<'a>,
    /// Methods to calibrate.
    methods: Vec<Method>,
    /// Indicator columns, in order.
    names: Vec<String>,
    /// Where the total came from (see [`Calibration::total_from`]).
    total_from: &'static str,
}

/// Checks `spec` against the scenario and the observation and prepares the scenario the
/// calibration allocates (its total and bounds).
fn prepare<'a>(
    s: &Scenario,
    observed: &ObservedAllocation,
    slots: &'a ObservedSlots,
    spec: &CalibrateSpec,
) -> Result<Prepared<'a>, CalibrateError> {
    let bad = |field: &'static str, message: String| CalibrateError::Spec { field, message };
    let n = s.units.len();
    if slots.slots.len() != n {
        return Err(bad(
            "observed",
            format!("the observation has {} units, the scenario {n}", slots.slots.len()),
        ));
    }
    if slots.observed() == 0 {
        return Err(bad("observed", "the observation gives no unit's slots".into()));
    }
    let methods = if spec.methods.is_empty() {
        match s.method {
            MethodChoice::Apportion(m) => vec![m],
            MethodChoice::Optimize => {
                return Err(bad(
                    "methods",
                    "the scenario uses the optimisation model, which calibrate does not model; \
                     name apportionment methods (--method M or --method all)"
                        .into(),
                ))
            }
        }
    } else {
        spec.methods.clone()
    };
    let names: Vec<String> = s.indicators.iter().map(|i| i.column.clone()).collect();
    let free = if spec.free.is_empty() {
        vec![true; names.len()]
    } else {
        let mut free = vec![false; names.len()];
        for f in &spec.free {
            match names.iter().position(|c| c == f) {
                Some(j) => free[j] = true,
                None => {
                    let hint = crate::input::closest(f, &names)
                        .map(|c| format!("; did you mean '{c}'?"))
                        .unwrap_or_default();
                    return Err(bad(
                        "free",
                        format!(
                            "'{f}' is not an indicator of the scenario (its indicators: {}){hint}",
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
        free
    };
    let development = match (spec.development, s.model.development.is_some()) {
        (None, false) => Development::Absent,
        (None, true) => Development::Fixed(s.development_weight()),
        (Some(_), false) => {
            return Err(bad(
                "development",
                "the scenario has no development term ([disparity] development_column): \
                 there is no development_weight to vary"
                    .into(),
            ))
        }
        (Some((lo, hi)), true) => {
            if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi < 1.0) {
                return Err(bad(
                    "development",
                    format!("development_weight range {lo}:{hi} must satisfy 0 ≤ A ≤ B < 1"),
                ));
            }
            Development::Range(lo, hi)
        }
    };
    let (total, total_from) = if slots.is_complete() {
        let sum = slots.sum();
        if let Some(t) = spec.total.filter(|&t| t != sum) {
            return Err(bad(
                "total",
                format!("every unit is observed and the slots sum to {sum}, not the total {t} asked for"),
            ));
        }
        (sum, "observed sum")
    } else if let Some(t) = spec.total {
        (t, "spec")
    } else if let Some(t) = observed.total {
        (t, "observed @total")
    } else {
        (s.total, "scenario")
    };
    if total == 0 || total > crate::apportion::MAX_SEATS {
        return Err(bad("total", format!("total {total} is outside 1..={}", crate::apportion::MAX_SEATS)));
    }
    if slots.sum() > total {
        return Err(bad("total", format!("the observed slots sum to {} > the total {total}", slots.sum())));
    }
    let mut prepared = s.clone();
    prepared.total = total;
    match spec.bounds {
        Bounds::Scenario => prepared.caps = s.caps.iter().map(|&c| c.min(total)).collect(),
        Bounds::None => {
            prepared.floors = vec![0; n];
            prepared.caps = vec![total; n];
        }
    }
    let floor_sum: u64 = prepared.floors.iter().sum();
    let cap_sum: u64 = prepared.caps.iter().sum();
    if floor_sum > total || cap_sum < total {
        return Err(bad("bounds", format!(
            "the scenario's floors (sum {floor_sum}) and caps (sum {cap_sum}) admit no allocation of {total} slots; \
             try the bounds 'none'"
        )));
    }
    let comps = Components::new(s, free.clone(), development);
    let mut coords: Vec<String> = (0..names.len()).filter(|&j| free[j]).map(|j| names[j].clone()).collect();
    if comps.development_varies() {
        coords.push("development_weight".into());
    }
    let ctx = Context {
        prepared,
        comps,
        observed: &slots.slots,
        counts: None,
        hints: Vec::new(),
        grid_points: spec.grid_points,
        coords,
    };
    Ok(Prepared { ctx, methods, names, total_from })
}

impl Context<'_> {
    fn setting(&self) -> Setting<'_> {
        Setting {
            comps: &self.comps,
            floors: &self.prepared.floors,
            caps: &self.prepared.caps,
            total: self.prepared.total,
        }
    }

    /// Re-allocates `w` with `quota allocate` and compares it with the observed units.
    fn check(&self, w: &Weighting, method: Method) -> Result<Check, CalibrateError> {
        let got =
            reallocate(&self.prepared, w, method).map_err(|e| CalibrateError::Allocate(e.to_string()))?;
        Ok(self.compare(got.as_deref()))
    }

    fn compare(&self, got: Option<&[u64]>) -> Check {
        let mut units = 0;
        let mut mismatches = Vec::new();
        for (i, x) in self.observed.iter().enumerate() {
            let Some(x) = *x else { continue };
            units += 1;
            let a = got.map(|g| g[i]);
            if a != Some(x) {
                let u = self.prepared.units.get(i);
                mismatches.push(UnitSlots {
                    code: u.code.clone(),
                    name: u.name_zh.clone(),
                    observed: x,
                    allocated: a,
                });
            }
        }
        Check { units, matching: units - mismatches.len(), mismatches }
    }

    /// Σ |allocated − observed| over the observed units (each counted as often as drawn).
    fn l1(&self, got: &[u64]) -> u64 {
        let count = |i: usize| self.counts.as_ref().map_or(1, |c| c[i]);
        self.observed
            .iter()
            .zip(got)
            .enumerate()
            .filter_map(|(i, (x, g))| x.map(|x| count(i) * x.abs_diff(*g)))
            .sum()
    }

    /// The branch and bound over boxes of weightings for this observation (see [`proof`]).
    fn prover(&self, method: Method) -> proof::Prover<'_> {
        let p = &self.prepared;
        proof::Prover::new(&self.comps, method, &p.floors, &p.caps, p.total, self.observed)
    }

    /// Whether `quota allocate` gives exactly `got` at the free coordinates `coords` — a
    /// weighting the proof found counts only then (box centres can lie within 10⁻⁷ of a cell
    /// boundary, where the rounding of the weights' sum can decide).
    fn confirms(&self, method: Method, coords: &[f64], got: &[u64]) -> bool {
        matches!(reallocate(&self.prepared, &self.comps.at(coords), method), Ok(Some(a)) if a == got)
    }

    fn matches(&self, got: &[u64]) -> bool {
        self.observed.iter().zip(got).all(|(x, g)| x.is_none_or(|x| x == *g))
    }
}

fn calibrate_method(ctx: &Context, method: Method) -> Result<MethodCalibration, CalibrateError> {
    let p = &ctx.prepared;
    let scenario_weighting = Weighting { weights: p.weights(), development_weight: p.development_weight() };
    let mut out = MethodCalibration {
        method: method.name().into(),
        verdict: Verdict::Undecided,
        basis: Basis::Grid,
        margin: None,
        central: None,
        check: None,
        scenario_check: ctx.check(&scenario_weighting, method)?,
        ranges: Vec::new(),
        slot_ranges: Vec::new(),
        grid: None,
        outside_bounds: Vec::new(),
        nearest: None,
        regimes: 0,
        solves: 0,
        boxes: 0,
    };
    for (i, x) in ctx.observed.iter().enumerate() {
        if let Some(x) = *x {
            if x < p.floors[i] || x > p.caps[i] {
                let u = p.units.get(i);
                out.outside_bounds.push(OutsideBounds {
                    code: u.code.clone(),
                    name: u.name_zh.clone(),
                    observed: x,
                    floor: p.floors[i],
                    cap: p.caps[i],
                });
            }
        }
    }
    let complete = ctx.observed.iter().all(Option::is_some);
    let linear = method != Method::Quota;
    if !out.outside_bounds.is_empty() {
        out.verdict = Verdict::Inconsistent;
        out.basis = Basis::Bounds;
        grid_search(ctx, method, &mut out, false, &[])?;
        return Ok(out);
    }
    let x: Option<Vec<u64>> = complete.then(|| ctx.observed.iter().map(|x| x.expect("complete")).collect());
    match (x, linear) {
        (Some(x), true) => exact(ctx, method, &x, &mut out)?,
        (Some(x), false) => {
            // The quota method's result is near Jefferson's (same priorities), Hamilton's and
            // Webster's (both within quota, like it): their most central (or least violating)
            // weightings for x start the search, before the grid.
            let mut extra = ctx.hints.clone();
            for m in [Method::Jefferson, Method::Hamilton, Method::Webster] {
                let explored = conditions::explore(&ctx.setting(), m, &x)?;
                out.solves += explored.solves;
                if let Some(best) = explored.best() {
                    extra.push(ctx.comps.coordinates(&ctx.comps.weighting(&best.y)));
                }
            }
            grid_search(ctx, method, &mut out, false, &extra)?;
        }
        (None, _) => grid_search(ctx, method, &mut out, linear, &ctx.hints)?,
    }
    Ok(out)
}

/// Every unit observed, an LP method: the exact answer (see the module documentation).
fn exact(
    ctx: &Context,
    method: Method,
    x: &[u64],
    out: &mut MethodCalibration,
) -> Result<(), CalibrateError> {
    out.basis = Basis::LinearProgram;
    let setting = ctx.setting();
    let explored: Explored = conditions::explore(&setting, method, x)?;
    out.solves = explored.solves;
    let best = explored.best().cloned();
    out.margin = best.as_ref().map(|b| b.margin);
    let central = best.as_ref().map(|b| ctx.comps.weighting(&b.y));
    if !explored.complete {
        out.verdict = Verdict::Undecided;
    } else {
        match best.as_ref().map(|b| b.margin) {
            Some(e) if e >= -MARGIN_TOL => {
                let w = central.clone().expect("a best regime");
                let check = ctx.check(&w, method)?;
                out.verdict = match (e > MARGIN_TOL, check.passed()) {
                    (true, true) => Verdict::Consistent,
                    (false, true) => Verdict::OnlyAtTies,
                    (_, false) => Verdict::Undecided,
                };
                out.central = Some(w);
                out.check = Some(check);
            }
            _ => out.verdict = Verdict::Inconsistent,
        }
    }
    if matches!(out.verdict, Verdict::Consistent | Verdict::OnlyAtTies) {
        let keep = |l: &&conditions::Leaf| {
            if out.verdict == Verdict::Consistent {
                l.margin > MARGIN_TOL
            } else {
                l.margin >= -MARGIN_TOL
            }
        };
        let leaves: Vec<&conditions::Leaf> = explored.leaves.iter().filter(keep).collect();
        out.regimes = leaves.len();
        for c in 0..ctx.coords.len() {
            if let Some((lo, hi)) = conditions::extremes(&setting, method, x, &leaves, c)? {
                out.solves += 2 * leaves.len();
                let ends_checked =
                    inside_reproduces(ctx, method, &lo)? && inside_reproduces(ctx, method, &hi)?;
                out.ranges.push(Range {
                    name: ctx.coords[c].clone(),
                    min: lo.value,
                    max: hi.value,
                    exact: true,
                    min_at: ctx.comps.weighting(&lo.y),
                    max_at: ctx.comps.weighting(&hi.y),
                    ends_checked,
                    proven_min: None,
                    proven_max: None,
                });
            }
        }
    }
    // The grid: the share of weightings that reproduce x, and nearer fits when none does.
    let inconsistent = out.verdict == Verdict::Inconsistent;
    let minimax = if inconsistent { central } else { None };
    grid_count(ctx, method, out, minimax)?;
    Ok(())
}

/// Whether the weighting just inside a range end (toward its regime's centre) re-allocates to
/// the observation.
fn inside_reproduces(ctx: &Context, method: Method, end: &conditions::End) -> Result<bool, CalibrateError> {
    let y: Vec<f64> = end.y.iter().zip(&end.inside).map(|(a, b)| a + INSIDE_STEP * (b - a)).collect();
    Ok(ctx.check(&ctx.comps.weighting(&y), method)?.passed())
}

/// The grid for a full observation under an LP method: the matching count, and — when nothing
/// reproduces the observation — the nearest explanation among the grid and the LP's minimax
/// weighting.
fn grid_count(
    ctx: &Context,
    method: Method,
    out: &mut MethodCalibration,
    minimax: Option<Weighting>,
) -> Result<(), CalibrateError> {
    let inconsistent = out.verdict == Verdict::Inconsistent;
    let mut eval = Evaluator::new(&ctx.prepared, method)
        .map_err(|e| CalibrateError::Spec { field: "bounds", message: e.to_string() })?;
    // Starting points of the nearest-fit search: the LP's least-violating weighting and the
    // best grid weighting.
    let mut starts: Vec<(Vec<f64>, &'static str)> = Vec::new();
    if let Some(w) = &minimax {
        starts.push((ctx.comps.coordinates(w), "minimax"));
    }
    if ctx.grid_points > 0 {
        let points = grid::points(&ctx.comps, ctx.grid_points);
        let mut matching = 0;
        let mut best: Option<(u64, usize)> = None;
        for (k, p) in points.iter().enumerate() {
            if let Some(got) = eval.slots(&ctx.comps.at(p)) {
                let l1 = ctx.l1(got);
                if l1 == 0 {
                    matching += 1;
                }
                if best.is_none_or(|(b, _)| l1 < b) {
                    best = Some((l1, k));
                }
            }
        }
        out.grid = Some(GridCount { points: points.len(), matching });
        if let Some((_, k)) = best {
            starts.push((points[k].clone(), "grid"));
        }
    }
    if !inconsistent {
        return Ok(());
    }
    let mut cost = |p: &[f64]| cost_at(ctx, &mut eval, p);
    let mut nearest: Option<(Vec<f64>, u64, &'static str)> = None;
    for (p, by) in starts {
        let Some(c) = cost(&p) else { continue };
        let (q, (c, _)) = grid::descend(&ctx.comps, p, c, DESCENT_BUDGET, &mut cost);
        if nearest.as_ref().is_none_or(|(_, b, _)| c < *b) {
            nearest = Some((q, c, by));
        }
    }
    if let Some((q, l1, by)) = nearest {
        out.nearest = Some(nearest_fit(ctx, method, &mut eval, q, l1, by, &mut out.boxes)?);
    }
    Ok(())
}

/// The nearest explanation at `q` (missing `l1` slots), with — under Hamilton — the proof of
/// how few slots any weighting must miss; a box centre that misses fewer replaces `q`.
fn nearest_fit(
    ctx: &Context,
    method: Method,
    eval: &mut Evaluator,
    q: Vec<f64>,
    l1: u64,
    by: &str,
    boxes: &mut usize,
) -> Result<Nearest, CalibrateError> {
    let (mut q, mut l1, mut by) = (q, l1, by);
    let mut proven_min_l1 = None;
    if method == Method::Hamilton && ctx.counts.is_none() && l1 > 0 {
        let proof = ctx.prover(method).nearest(l1, eval, &mut |c, got| ctx.confirms(method, c, got));
        *boxes += proof.nodes;
        if let Some(better) = proof.better {
            (q, l1, by) = (better, proof.best, "boxes");
        }
        proven_min_l1 = Some(proof.lower);
    }
    let w = ctx.comps.at(&q);
    let check = ctx.check(&w, method)?;
    Ok(Nearest { weighting: w, l1, found_by: by.into(), unexplained: check.mismatches, proven_min_l1 })
}

/// The slot error at a point of the free coordinates, and the quota distance as a tie-breaker
/// (see [`grid::descend`]).
fn cost_at(ctx: &Context, eval: &mut Evaluator, p: &[f64]) -> Option<(u64, f64)> {
    let l1 = ctx.l1(eval.slots(&ctx.comps.at(p))?);
    Some((l1, eval.quota_distance(ctx.observed)))
}

/// The witnesses found so far and every unit's slots over them.
struct Found<'a> {
    points: &'a mut Vec<Vec<f64>>,
    witnesses: &'a mut Vec<usize>,
    lo: &'a mut [u64],
    hi: &'a mut [u64],
}

impl Found<'_> {
    /// Records a weighting the proof found, once `quota allocate` confirms it.
    fn record(&mut self, ctx: &Context, method: Method, coords: &[f64], got: &[u64]) -> bool {
        if !ctx.confirms(method, coords, got) {
            return false;
        }
        self.points.push(coords.to_vec());
        self.witnesses.push(self.points.len() - 1);
        for (i, &g) in got.iter().enumerate() {
            self.lo[i] = self.lo[i].min(g);
            self.hi[i] = self.hi[i].max(g);
        }
        true
    }
}

/// Partial observations and the quota method: witnesses among `extra` and the grid (and, for
/// an LP method, the exact extent of the extreme witnesses' allocation cells). When the verdict
/// is already decided (a unit outside its bounds) only the nearest fit is sought.
fn grid_search(
    ctx: &Context,
    method: Method,
    out: &mut MethodCalibration,
    widen_by_lp: bool,
    extra: &[Vec<f64>],
) -> Result<(), CalibrateError> {
    let decided = out.verdict == Verdict::Inconsistent;
    let slow = if method == Method::Quota { QUOTA_GRID_DIVISOR } else { 1 };
    let (target, budget) = (ctx.grid_points / slow, DESCENT_BUDGET / slow);
    if target == 0 && extra.is_empty() {
        if !decided {
            out.verdict = Verdict::Undecided;
        }
        return Ok(());
    }
    let mut points = extra.to_vec();
    if target > 0 {
        points.extend(grid::points(&ctx.comps, target));
    }
    let mut eval = Evaluator::new(&ctx.prepared, method)
        .map_err(|e| CalibrateError::Spec { field: "bounds", message: e.to_string() })?;
    let n = ctx.prepared.units.len();
    let dims = ctx.coords.len();
    let mut witnesses: Vec<usize> = Vec::new();
    let mut slot_lo = vec![u64::MAX; n];
    let mut slot_hi = vec![0u64; n];
    let mut best: Option<(u64, usize)> = None;
    for (k, p) in points.iter().enumerate() {
        let w = ctx.comps.at(p);
        let Some(got) = eval.slots(&w) else { continue };
        if ctx.matches(got) && !decided {
            witnesses.push(k);
            for i in 0..n {
                slot_lo[i] = slot_lo[i].min(got[i]);
                slot_hi[i] = slot_hi[i].max(got[i]);
            }
        } else {
            let l1 = ctx.l1(got);
            if best.is_none_or(|(b, _)| l1 < b) {
                best = Some((l1, k));
            }
        }
    }
    out.grid = Some(GridCount { points: points.len(), matching: witnesses.len() });
    let partial = !ctx.observed.iter().all(Option::is_some);
    let prover = (!decided && partial && proof::Prover::supports(method)).then(|| ctx.prover(method));
    let mut proved_inconsistent = false;
    if let (true, Some(prover)) = (witnesses.is_empty(), &prover) {
        let mut found: Option<(Vec<f64>, Vec<u64>)> = None;
        let answer = prover.answer(proof::Ask::Consistent, &mut eval, &mut |c, got| {
            let confirmed = ctx.confirms(method, c, got);
            if confirmed {
                found.get_or_insert_with(|| (c.to_vec(), got.to_vec()));
            }
            confirmed
        });
        out.boxes += answer.nodes;
        if let Some((c, got)) = found {
            points.push(c);
            witnesses.push(points.len() - 1);
            slot_lo.copy_from_slice(&got);
            slot_hi.copy_from_slice(&got);
        } else if answer.bound == 0 {
            proved_inconsistent = true;
        }
    }
    if witnesses.is_empty() {
        // A local search from the LP candidates and the best grid point: it may still find a
        // witness (a small allocation cell between grid points), else a nearer fit.
        let mut starts: Vec<(Vec<f64>, (u64, f64))> = Vec::new();
        let mut cost = |p: &[f64]| cost_at(ctx, &mut eval, p);
        for p in extra.iter().chain(best.map(|(_, k)| &points[k])) {
            if let Some(c) = cost(p) {
                starts.push((p.clone(), c));
            }
        }
        let mut found: Option<(Vec<f64>, u64)> = None;
        for (p, c) in starts {
            let (q, (c, _)) = grid::descend(&ctx.comps, p, c, budget, &mut cost);
            if found.as_ref().is_none_or(|(_, b)| c < *b) {
                found = Some((q, c));
            }
        }
        match found {
            Some((q, 0)) if !decided => {
                points.push(q);
                let k = points.len() - 1;
                let got = eval.slots(&ctx.comps.at(&points[k])).expect("a witness allocates").to_vec();
                slot_lo.copy_from_slice(&got);
                slot_hi.copy_from_slice(&got);
                witnesses.push(k);
            }
            Some((q, l1)) => {
                if !decided {
                    out.verdict = Verdict::NotFound;
                }
                if proved_inconsistent {
                    out.verdict = Verdict::Inconsistent;
                    out.basis = Basis::Boxes;
                }
                out.nearest = Some(nearest_fit(ctx, method, &mut eval, q, l1, "grid", &mut out.boxes)?);
                return Ok(());
            }
            None => {
                if !decided {
                    out.verdict = Verdict::NotFound;
                }
                if proved_inconsistent {
                    out.verdict = Verdict::Inconsistent;
                    out.basis = Basis::Boxes;
                }
                return Ok(());
            }
        }
    }
    out.verdict = Verdict::Witnessed;
    // Each unknown unit's fewest and most slots, proved (new witnesses join on the way).
    let mut proven: Option<(Vec<u64>, Vec<u64>)> = None;
    if let Some(prover) = &prover {
        let (mut pmin, mut pmax) = (slot_lo.clone(), slot_hi.clone());
        let mut found =
            Found { points: &mut points, witnesses: &mut witnesses, lo: &mut slot_lo, hi: &mut slot_hi };
        for j in (0..n).filter(|&j| ctx.observed[j].is_none()) {
            let ask = proof::Ask::AtLeast(j, found.hi[j] + 1);
            let most = prover.answer(ask, &mut eval, &mut |c, got| found.record(ctx, method, c, got));
            let fewest = match found.lo[j] {
                0 => None,
                v => Some(prover.answer(proof::Ask::AtMost(j, v - 1), &mut eval, &mut |c, got| {
                    found.record(ctx, method, c, got)
                })),
            };
            out.boxes += most.nodes + fewest.as_ref().map_or(0, |a| a.nodes);
            pmax[j] = most.bound;
            pmin[j] = fewest.map_or(0, |a| a.bound);
        }
        // A witness found by a later question lies within every earlier proof.
        for i in 0..n {
            debug_assert!(
                pmin[i] <= slot_lo[i] && slot_hi[i] <= pmax[i],
                "unit {i}: a witness beyond a proof"
            );
            pmin[i] = pmin[i].min(slot_lo[i]);
            pmax[i] = pmax[i].max(slot_hi[i]);
        }
        proven = Some((pmin, pmax));
    }
    // The witness nearest the witnesses' centroid.
    let mut centroid = vec![0.0; dims];
    for &k in &witnesses {
        for (c, v) in centroid.iter_mut().zip(&points[k]) {
            *c += v / witnesses.len() as f64;
        }
    }
    let dist = |k: usize| points[k].iter().zip(&centroid).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
    let centre = *witnesses.iter().min_by(|&&a, &&b| dist(a).total_cmp(&dist(b))).expect("a witness");
    let w = ctx.comps.at(&points[centre]);
    out.check = Some(ctx.check(&w, method)?);
    out.central = Some(w);
    // Ranges over the witnesses, widened to their allocation cells' exact extent (LP methods).
    for c in 0..dims {
        let by = |k: &usize| points[*k][c];
        let lo_k = *witnesses.iter().min_by(|a, b| by(a).total_cmp(&by(b))).expect("a witness");
        let hi_k = *witnesses.iter().max_by(|a, b| by(a).total_cmp(&by(b))).expect("a witness");
        let mut range = Range {
            name: ctx.coords[c].clone(),
            min: points[lo_k][c],
            max: points[hi_k][c],
            exact: false,
            min_at: ctx.comps.at(&points[lo_k]),
            max_at: ctx.comps.at(&points[hi_k]),
            ends_checked: true,
            proven_min: None,
            proven_max: None,
        };
        if widen_by_lp {
            for (k, is_max) in [(lo_k, false), (hi_k, true)] {
                let x: Vec<u64> =
                    eval.slots(&ctx.comps.at(&points[k])).expect("a witness allocates").to_vec();
                let setting = ctx.setting();
                let explored = conditions::explore(&setting, method, &x)?;
                out.solves += explored.solves;
                let leaves: Vec<&conditions::Leaf> =
                    explored.leaves.iter().filter(|l| l.margin >= -MARGIN_TOL).collect();
                let Some((lo, hi)) = conditions::extremes(&setting, method, &x, &leaves, c)? else {
                    continue;
                };
                out.solves += 2 * leaves.len();
                let end = if is_max { hi } else { lo };
                let wider = if is_max { end.value > range.max } else { end.value < range.min };
                if wider && inside_reproduces(ctx, method, &end)? {
                    let at = ctx.comps.weighting(&end.y);
                    if is_max {
                        range.max = end.value;
                        range.max_at = at;
                    } else {
                        range.min = end.value;
                        range.min_at = at;
                    }
                }
            }
        }
        if let Some(prover) = &prover {
            let mut found =
                Found { points: &mut points, witnesses: &mut witnesses, lo: &mut slot_lo, hi: &mut slot_hi };
            for lower in [true, false] {
                let start = if lower { range.min } else { range.max };
                let mut at: Option<Vec<f64>> = None;
                let e = prover.extent(c, lower, start, &mut eval, &mut |p, got| {
                    let confirmed = found.record(ctx, method, p, got);
                    if confirmed {
                        at = Some(p.to_vec());
                    }
                    confirmed
                });
                out.boxes += e.nodes;
                if let Some(p) = at {
                    if lower {
                        (range.min, range.min_at) = (e.witnessed, ctx.comps.at(&p));
                    } else {
                        (range.max, range.max_at) = (e.witnessed, ctx.comps.at(&p));
                    }
                }
                if lower {
                    range.proven_min = Some(e.bound);
                } else {
                    range.proven_max = Some(e.bound);
                }
            }
        }
        out.ranges.push(range);
    }
    out.slot_ranges = (0..n)
        .map(|i| {
            let u = ctx.prepared.units.get(i);
            SlotRange {
                code: u.code.clone(),
                name: u.name_zh.clone(),
                observed: ctx.observed[i],
                min: slot_lo[i],
                max: slot_hi[i],
                proven_min: proven.as_ref().map(|p| p.0[i]),
                proven_max: proven.as_ref().map(|p| p.1[i]),
                exact: ctx.observed[i].is_some()
                    || proven.as_ref().is_some_and(|p| p.0[i] == slot_lo[i] && p.1[i] == slot_hi[i]),
            }
        })
        .collect();
    Ok(())
}
