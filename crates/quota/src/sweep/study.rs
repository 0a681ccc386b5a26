//! One call for a whole sweep: [`study`] runs a [`SweepSpec`] on a scenario and returns a
//! [`SweepStudy`] — the per-unit summary and what the design adds (breakpoints, Sobol
//! indices, the simplex map) — whose `serde` serialisation is the sweep's JSON document and
//! from which [`render::sweep`](crate::render::sweep) writes every other output.

use serde::{Serialize, Serializer};

use crate::explain::ParadoxProbe;
use crate::funding::FundingRules;
use crate::scenario::Scenario;

use super::eval::{Columns, Evaluator, Rule};
use super::grid::Grid;
use super::hooks::Hooks;
use super::montecarlo::{noise_from_percent, MonteCarlo, WeightDraw};
use super::oat::{self, OatResult, UnitPiece};
use super::run::{self, PointSource};
use super::sobol::{self, SobolOptions, SobolResult};
use super::spec::{GridSpec, OatSpec, SweepSpec};
use super::summary::{oat_summary, Tally, UnitSummary};
use super::{Space, SweepError};

/// Everything a sweep found, in the order of its JSON document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepStudy {
    /// One line saying what was swept and how many scenarios were evaluated (the header of
    /// the text outputs).
    pub summary: String,
    /// The reproducibility stamp line of the run's inputs. The library does not see the input
    /// files, so the caller that read them sets it (None until then).
    pub stamp: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// National total N.
    pub total: u64,
    /// The scenario's indicator weights, by column (a JSON object in scenario order).
    #[serde(serialize_with = "as_map")]
    pub weights: Vec<(String, f64)>,
    /// Disparity parameters varied besides the design's own factors (resolved names).
    pub vary: Vec<VaryRange>,
    /// The design's parameters as run.
    pub design: DesignDetails,
    /// Scenarios evaluated (infeasible ones included; for `oat`, evaluations of the search).
    pub scenarios: u64,
    /// Scenarios with no feasible allocation (left out of the statistics).
    pub infeasible: u64,
    /// Per-unit summary, in unit order.
    pub units: Vec<UnitSummary>,
    /// Sobol indices (the Sobol design).
    pub sobol: Option<SobolIndices>,
    /// Breakpoints per factor (the one-at-a-time design).
    pub oat: Vec<OatFactor>,
    /// The slot rule's label (`hamilton`, `optimize (l1)`, …).
    #[serde(skip)]
    pub method: String,
    /// The grid's simplex map of one unit (grid with 2 or 3 weights, when asked).
    #[serde(skip)]
    pub simplex_map: Option<SimplexMap>,
    /// The scenario's money rules (funding of a slot count).
    #[serde(skip)]
    pub funding: FundingRules,
}

/// A varied disparity parameter, by its display name (`development_weight`,
/// `multiplier:西部`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VaryRange {
    /// Name.
    pub factor: String,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// A design's parameters as run (the JSON `design` object; which fields depend on the design).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DesignDetails {
    /// The grid.
    Grid {
        /// Step h.
        step: f64,
        /// Grid points (scenarios).
        points: u64,
    },
    /// One at a time.
    Oat {
        /// Breakpoint tolerance ([`oat::TOLERANCE`]).
        tolerance: f64,
        /// The factors as asked.
        factors: Vec<String>,
    },
    /// Monte Carlo.
    MonteCarlo {
        /// Seed.
        seed: u64,
        /// How the weights were drawn.
        weights: WeightDraw,
        /// Indicator noise, ±percent.
        noise_percent: Option<f64>,
    },
    /// Sobol.
    Sobol {
        /// Base samples N.
        samples: u64,
        /// Bootstrap resamples.
        bootstrap: u32,
        /// Seed.
        seed: u64,
        /// Range of the raw weights as multiples of the scenario's.
        relative_range: (f64, f64),
    },
}

/// Sobol indices of every unit's slots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Factor names (positive weights, then the varied disparity parameters).
    pub factors: Vec<String>,
    /// Factor ranges.
    pub ranges: Vec<(f64, f64)>,
    /// Model runs: N·(d+2).
    pub evaluations: u64,
    /// Per unit, in unit order.
    pub units: Vec<UnitIndices>,
}

/// One unit's Sobol indices per factor (None where its slots do not vary).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitIndices {
    /// Unit code.
    pub code: String,
    /// Variance of its slots over f(A) and f(B).
    pub variance: f64,
    /// First-order indices.
    #[serde(rename = "S1")]
    pub s1: Vec<Option<f64>>,
    /// 95% half-widths of `s1`.
    #[serde(rename = "S1_conf")]
    pub s1_conf: Vec<Option<f64>>,
    /// Total indices.
    #[serde(rename = "ST")]
    pub st: Vec<Option<f64>>,
    /// 95% half-widths of `st`.
    #[serde(rename = "ST_conf")]
    pub st_conf: Vec<Option<f64>>,
}

/// One factor of the one-at-a-time design: every unit's slots piece by piece over the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OatFactor {
    /// The factor's display name.
    pub factor: String,
    /// Its scenario value.
    pub baseline: f64,
    /// Range start.
    pub lo: f64,
    /// Range end.
    pub hi: f64,
    /// Whether no piece can have been missed (see [`oat`]).
    pub proven: bool,
    /// Evaluations of the search.
    pub evaluations: u64,
    /// Breakpoint tolerance.
    pub tolerance: f64,
    /// Per unit, in unit order.
    pub units: Vec<UnitPieces>,
    /// Pieces over all units (where any unit's slots change).
    #[serde(skip)]
    pub pieces: usize,
}

/// One unit's pieces over a factor's range; its breakpoints are the `to` of every piece but
/// the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPieces {
    /// Unit code.
    pub code: String,
    /// Pieces in order.
    pub pieces: Vec<UnitPiece>,
}

/// One unit's slots over the weight simplex (2 or 3 weights), evaluated on a grid of at most
/// 60 steps per side, disparity parameters at the scenario's values.
#[derive(Debug, Clone, PartialEq)]
pub struct SimplexMap {
    /// The unit's index.
    pub unit: usize,
    /// Its slots at the scenario's weights.
    pub baseline: u64,
    /// Steps per side.
    pub m: u32,
    /// Every point: the weights (a third 0 for two weights) and the slots (None: infeasible).
    pub points: Vec<(f64, f64, f64, Option<u64>)>,
}

/// Steps per side of the simplex map at most.
pub const SIMPLEX_MAP_STEPS: u32 = 60;

/// Runs `spec` on `scenario` (on the current rayon pool; the result does not depend on its
/// size) and returns the study. The stamp is left for the caller ([`SweepStudy::stamp`]).
pub fn study(scenario: &Scenario, spec: &SweepSpec, hooks: Hooks<'_>) -> Result<SweepStudy, SweepError> {
    let rule = Rule::of(scenario);
    let mut space = Space::new(scenario);
    for v in spec.vary() {
        let f = space.resolve(&v.factor)?;
        space.vary(f, v.lo, v.hi)?;
    }
    let ev = Evaluator::new(scenario, &rule, &space.base)?;
    let probe = match (&rule, spec.paradoxes()) {
        (_, false) => None,
        (Rule::Apportion(m), true) => Some(ParadoxProbe::for_scenario(scenario, ev.template(), *m)),
        (Rule::Optimize(_), true) => return Err(SweepError::ParadoxesNeedMethod),
    };
    let seed = spec.seed(scenario).unwrap_or_default();
    let tallied = |t: &Tally| (t.summarise(scenario, &ev.baseline), t.scenarios + t.infeasible, t.infeasible);
    let mut oat = Vec::new();
    let mut sobol_indices = None;
    let mut simplex_map = None;
    let (units, scenarios, infeasible, design, label) = match spec {
        SweepSpec::Grid(g) => {
            let mapped = g.simplex_map && (2..=3).contains(&space.weights());
            let map_unit = if mapped { map_unit(scenario, g)? } else { None };
            let grid = Grid::new(&space, g.step, g.limit)?;
            let t = run::run(&ev, &space, &grid, hooks, probe.as_ref())?;
            let (units, n, bad) = tallied(&t);
            if mapped {
                let unit = map_unit.unwrap_or_else(|| most_moving(&units));
                simplex_map = Some(map(&ev, &space, unit, g.step));
            }
            let details = DesignDetails::Grid { step: g.step, points: grid.len() };
            (units, n, bad, details, format!("grid, step {}", g.step))
        }
        SweepSpec::MonteCarlo(m) => {
            let noise = m.noise_percent.map(noise_from_percent).transpose()?;
            let mc = MonteCarlo::new(&space, m.scenarios, seed, m.weights, noise)?;
            let t = run::run(&ev, &space, &mc, hooks, probe.as_ref())?;
            let (units, n, bad) = tallied(&t);
            let label = format!(
                "monte carlo, seed {seed}, weights {}{}",
                match m.weights {
                    WeightDraw::Dirichlet(c) => format!("Dirichlet(c = {c})"),
                    WeightDraw::Uniform => "uniform on the simplex".into(),
                    WeightDraw::Fixed => "fixed".into(),
                },
                m.noise_percent.map(|p| format!(", indicator noise ±{p}%")).unwrap_or_default()
            );
            let details =
                DesignDetails::MonteCarlo { seed, weights: m.weights, noise_percent: m.noise_percent };
            (units, n, bad, details, label)
        }
        SweepSpec::Oat(o) => {
            if hooks.rows.is_some() {
                return Err(SweepError::RowsNotKept);
            }
            let (names, results) = run_oat(&ev, &space, o, &hooks)?;
            let units = oat_summary(scenario, &ev.baseline, &results);
            let evaluations = results.iter().map(|r| r.evaluations).sum();
            let label = format!(
                "one at a time: {}",
                results
                    .iter()
                    .map(|r| format!("{} over [{}, {}] ({} pieces)", r.factor, r.lo, r.hi, r.pieces.len()))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            oat = results.iter().map(|r| oat_factor(scenario, r)).collect();
            (units, evaluations, 0, DesignDetails::Oat { tolerance: oat::TOLERANCE, factors: names }, label)
        }
        SweepSpec::Sobol(s) => {
            let opt =
                SobolOptions { samples: s.samples, bootstrap: s.bootstrap, seed, relative: s.relative_range };
            let r = sobol::sobol(&ev, &space, &opt, hooks)?;
            let (units, n, bad) = tallied(&r.tally);
            sobol_indices = Some(indices(scenario, &r));
            let label = format!("sobol, N = {}, {} bootstrap resamples, seed {seed}", s.samples, s.bootstrap);
            let details = DesignDetails::Sobol {
                samples: s.samples,
                bootstrap: s.bootstrap,
                seed,
                relative_range: s.relative_range,
            };
            (units, n, bad, details, label)
        }
    };
    let vary: Vec<VaryRange> =
        space.extra.iter().map(|b| VaryRange { factor: space.name(b.factor), lo: b.lo, hi: b.hi }).collect();
    let also: Vec<String> = vary.iter().map(|v| format!("{} in [{}, {}]", v.factor, v.lo, v.hi)).collect();
    let summary = format!(
        "sweep of scenario {} — method {} — {} slots over {} units — {}{} — {} scenarios evaluated{}",
        scenario.name,
        rule,
        scenario.total,
        scenario.units.len(),
        label,
        if also.is_empty() { String::new() } else { format!("; also {}", also.join(", ")) },
        scenarios,
        if infeasible > 0 { format!(" ({infeasible} infeasible, left out)") } else { String::new() }
    );
    Ok(SweepStudy {
        summary,
        stamp: None,
        scenario: scenario.name.clone(),
        total: scenario.total,
        weights: space.columns.iter().cloned().zip(space.base.weights.iter().copied()).collect(),
        vary,
        design,
        scenarios,
        infeasible,
        units,
        sobol: sobol_indices,
        oat,
        method: rule.to_string(),
        simplex_map,
        funding: scenario.funding,
    })
}

/// The one-at-a-time searches, factor by factor: the names as asked (default every weight)
/// and the results.
fn run_oat(
    ev: &Evaluator<Rule>,
    space: &Space,
    o: &OatSpec,
    hooks: &Hooks<'_>,
) -> Result<(Vec<String>, Vec<OatResult>), SweepError> {
    let names = if o.factors.is_empty() { space.columns.clone() } else { o.factors.clone() };
    let mut results = Vec::new();
    // Progress: the initial intervals searched, over every factor.
    let total = (names.len() * oat::INITIAL_INTERVALS) as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let progress = hooks.progress;
    let report = || {
        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = progress {
            p(d, total);
        }
    };
    for name in &names {
        let f = space.resolve(name)?;
        let (lo, hi) = o.range.unwrap_or_else(|| OatSpec::default_range(f));
        results.push(oat::oat_reporting(ev, space, f, lo, hi, hooks.cancel, &report)?);
    }
    Ok((names, results))
}

fn oat_factor(s: &Scenario, r: &OatResult) -> OatFactor {
    OatFactor {
        factor: r.factor.clone(),
        baseline: r.baseline,
        lo: r.lo,
        hi: r.hi,
        proven: r.proven,
        evaluations: r.evaluations,
        tolerance: oat::TOLERANCE,
        units: (0..s.units.len())
            .map(|i| UnitPieces { code: s.units.get(i).code.clone(), pieces: r.unit_pieces(i) })
            .collect(),
        pieces: r.pieces.len(),
    }
}

fn indices(s: &Scenario, r: &SobolResult) -> SobolIndices {
    SobolIndices {
        factors: r.factors.clone(),
        ranges: r.ranges.clone(),
        evaluations: r.evaluations,
        units: r
            .units
            .iter()
            .enumerate()
            .map(|(i, ix)| UnitIndices {
                code: s.units.get(i).code.clone(),
                variance: ix.variance,
                s1: ix.s1.clone(),
                s1_conf: ix.s1_conf.clone(),
                st: ix.st.clone(),
                st_conf: ix.st_conf.clone(),
            })
            .collect(),
    }
}

/// The simplex map's unit asked for — by code or name (Chinese, short or English), as every
/// command names units — checked against the scenario.
fn map_unit(s: &Scenario, g: &GridSpec) -> Result<Option<usize>, SweepError> {
    g.map_unit
        .as_ref()
        .map(|key| s.units().find(key.trim()).ok_or_else(|| SweepError::UnknownUnit { code: key.clone() }))
        .transpose()
}

/// The unit whose slots move most over the sweep (the first of equals).
fn most_moving(units: &[UnitSummary]) -> usize {
    (0..units.len()).max_by_key(|&i| (units[i].max - units[i].min, std::cmp::Reverse(i))).unwrap_or(0)
}

/// Evaluates unit `unit`'s slots on the simplex (see [`SimplexMap`]).
fn map(ev: &Evaluator<Rule>, space: &Space, unit: usize, step: f64) -> SimplexMap {
    let k = space.weights();
    let m = ((1.0 / step).round() as u32).min(SIMPLEX_MAP_STEPS);
    let mut ws = ev.workspace(&space.base);
    let mut points = Vec::new();
    for a in 0..=m {
        for b in 0..=(if k == 3 { m - a } else { 0 }) {
            let c = if k == 3 { m - a - b } else { 0 };
            let b = if k == 2 { m - a } else { b };
            let w = [a as f64 / m as f64, b as f64 / m as f64, c as f64 / m as f64];
            ws.params.weights.copy_from_slice(&w[..k]);
            let v = ev.evaluate(&mut ws, Columns::Scenario).then(|| ws.slots[unit]);
            points.push((w[0], w[1], w[2], v));
        }
    }
    SimplexMap { unit, baseline: ev.baseline[unit], m, points }
}

/// Serialises `(name, value)` pairs as a JSON object in their order.
fn as_map<S: Serializer>(pairs: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}
