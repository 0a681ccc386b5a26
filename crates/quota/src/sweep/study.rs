//! One call for a whole sweep: [`study`] runs a [`SweepSpec`] on a scenario and returns a
//! [`SweepStudy`] — the per-unit summary and what the design adds (breakpoints, Sobol
//! indices, the simplex map) — whose `serde` serialisation is the sweep's JSON document and
//! from which [`render::sweep`](crate::render::sweep) writes every other output.

use std::io::Write;

use rayon::prelude::*;
use serde::{Deserialize, Serialize, Serializer};

use crate::explain::ParadoxProbe;
use crate::funding::FundingRules;
use crate::scenario::Scenario;

use super::convergence::{self, Convergence};
use super::eval::{Columns, Evaluator, Rule};
use super::grid::Grid;
use super::hooks::Hooks;
use super::montecarlo::{noise_from_percent, MonteCarlo, WeightDraw};
use super::morris;
use super::morris_study::{self, MorrisIndices};
use super::oat::{self, IntervalPoints, OatResult, UnitPiece};
use super::run::{self, PointSource};
use super::sobol::{self, SobolOptions, SobolResult};
use super::sobol2;
use super::spec::{GridSpec, OatSpec, SobolSpec, SweepSpec};
use super::summary::{oat_summary, Tally, TallyData, UnitSummary};
use super::{Factor, Space, SweepError};

/// Everything a sweep found, in the order of its JSON document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepStudy {
    /// One line saying what was swept and how many scenarios were evaluated (the header of
    /// the text outputs).
    pub summary: String,
    /// The reproducibility stamp of the run's inputs (an object in JSON, as in every output).
    /// The library does not see the input files, so the caller that read them sets it (None
    /// until then).
    pub stamp: Option<crate::stamp::Stamp>,
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
    /// Morris measures (the Morris design; absent from the JSON of the other designs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub morris: Option<MorrisIndices>,
    /// How the Sobol indices moved as N grew (`--convergence`, `--stop-at`; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convergence: Option<Convergence>,
    /// The slot rule's label (`hamilton`, `optimize (l1)`, …).
    #[serde(skip)]
    pub method: String,
    /// The grid's simplex map of one unit (grid with 2 or 3 weights, when asked).
    #[serde(skip)]
    pub simplex_map: Option<SimplexMap>,
    /// The scenario's money rules (funding of a slot count).
    #[serde(skip)]
    pub funding: FundingRules,
    /// The provenance of the scenario's inputs (every output and chart carries its mark).
    pub provenance: crate::provenance::Provenance,
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
    /// Morris screening.
    Morris {
        /// Trajectories R.
        trajectories: u32,
        /// Levels p.
        levels: u32,
        /// Step Δ = p/(2(p−1)).
        delta: f64,
        /// Candidate trajectories M of the optimised selection.
        candidates: u32,
        /// Bootstrap resamples of μ*'s interval.
        bootstrap: u32,
        /// Seed.
        seed: u64,
        /// Range of the raw weights as multiples of the scenario's.
        relative_range: (f64, f64),
        /// Spread D of the kept trajectories (Campolongo et al. 2007).
        spread: f64,
        /// Spread of R trajectories as drawn, without the selection.
        spread_random: f64,
    },
}

/// Sobol indices of every unit's slots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Factor names (positive weights, then the varied disparity parameters).
    pub factors: Vec<String>,
    /// Factor ranges.
    pub ranges: Vec<(f64, f64)>,
    /// Model runs: N·(d+2) (N·(2d+2) with second order).
    pub evaluations: u64,
    /// Per unit, in unit order.
    pub units: Vec<UnitIndices>,
    /// The members of each factor when groups were asked for (a group's range is its
    /// members' smallest lo and largest hi); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Vec<String>>>,
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
    /// Second-order indices S2[j][k], j < k (None elsewhere), when asked for.
    #[serde(rename = "S2", skip_serializing_if = "Option::is_none")]
    pub s2: Option<Vec<Vec<Option<f64>>>>,
    /// 95% half-widths of `s2`.
    #[serde(rename = "S2_conf", skip_serializing_if = "Option::is_none")]
    pub s2_conf: Option<Vec<Vec<Option<f64>>>>,
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
///
/// The same two steps as a sharded sweep ([`super::shard`]): the design's work items are
/// evaluated ([`Plan::work`], here all of them at once), then summarised ([`Plan::finish`]) —
/// so a merged sweep is this one by construction.
pub fn study(scenario: &Scenario, spec: &SweepSpec, mut hooks: Hooks<'_>) -> Result<SweepStudy, SweepError> {
    let rule = Rule::of(scenario);
    if let SweepSpec::Sobol(s) = spec {
        if s.convergence || s.stop_at.is_some() {
            return convergence_study(scenario, spec, s, &rule, hooks);
        }
    }
    let plan = Plan::new(scenario, spec, &rule)?;
    let work = plan.work(0..plan.items(), &mut hooks)?;
    plan.finish(vec![work], &mut hooks)
}

/// The space with the spec's varied factors, the evaluator, the paradox probe and the seed.
fn setup<'a>(
    scenario: &'a Scenario,
    spec: &SweepSpec,
    rule: &'a Rule,
) -> Result<(Space, Evaluator<'a, Rule>, Option<ParadoxProbe>, u64), SweepError> {
    let mut space = Space::new(scenario);
    for v in spec.vary() {
        let f = space.resolve(&v.factor)?;
        space.vary(f, v.lo, v.hi)?;
    }
    let ev = Evaluator::new(scenario, rule, &space.base)?;
    let probe = match (rule, spec.paradoxes()) {
        (_, false) => None,
        (Rule::Apportion(m), true) => Some(ParadoxProbe::for_scenario(scenario, ev.template(), *m)),
        (Rule::Optimize(_), true) => return Err(SweepError::ParadoxesNeedMethod),
    };
    let seed = spec.seed(scenario).unwrap_or_default();
    Ok((space, ev, probe, seed))
}

/// A Sobol sweep with `--convergence` or `--stop-at` (in one piece: each N's indices come from
/// the runs so far): the extended design run step by step ([`convergence::run`]), the study at
/// the last N with the convergence record.
fn convergence_study(
    scenario: &Scenario,
    spec: &SweepSpec,
    s: &SobolSpec,
    rule: &Rule,
    hooks: Hooks<'_>,
) -> Result<SweepStudy, SweepError> {
    let (space, ev, _, seed) = setup(scenario, spec, rule)?;
    let opt = SobolOptions { samples: s.samples, bootstrap: s.bootstrap, seed, relative: s.relative_range };
    let design = sobol2::Design::new(&ev, &space, &opt, &s.groups, s.second_order)?;
    let codes: Vec<String> =
        (0..scenario.units().len()).map(|i| scenario.units().get(i).code.clone()).collect();
    let (r, c) = convergence::run(&ev, &space, &design, &opt, &codes, s.stop_at, hooks)?;
    let samples = r.evaluations / design.rows() as u64;
    let t = &r.tally;
    let units = t.summarise(scenario, &ev.baseline);
    let (details, label) = sobol_details(s, samples, seed, &convergence_label(&c, s.samples));
    let found = Found {
        sobol: Some(sobol2::study_indices(scenario, &r, !s.groups.is_empty())),
        convergence: Some(c),
        ..Found::default()
    };
    Ok(assemble(
        scenario,
        &ev,
        &space,
        (units, t.scenarios + t.infeasible, t.infeasible, details, label),
        found,
    ))
}

/// The design details and summary label of a Sobol study at N = `samples`: `extra` (the
/// convergence part) comes after the second-order mark, before the groups.
fn sobol_details(s: &SobolSpec, samples: u64, seed: u64, extra: &str) -> (DesignDetails, String) {
    let mut label = format!("sobol, N = {samples}, {} bootstrap resamples, seed {seed}", s.bootstrap);
    if s.second_order {
        label.push_str(", second order");
    }
    label.push_str(extra);
    for (g, m) in &s.groups {
        label.push_str(&format!(", group {g} = {{{}}}", m.join(", ")));
    }
    let details =
        DesignDetails::Sobol { samples, bootstrap: s.bootstrap, seed, relative_range: s.relative_range };
    (details, label)
}

/// What some designs add to a study besides the per-unit summary.
#[derive(Default)]
struct Found {
    sobol: Option<SobolIndices>,
    oat: Vec<OatFactor>,
    morris: Option<MorrisIndices>,
    simplex_map: Option<SimplexMap>,
    convergence: Option<Convergence>,
}

/// The summary line's part on a convergence study: the steps and the stopping rule's verdict.
fn convergence_label(c: &Convergence, samples: u64) -> String {
    let ns = c.steps.iter().map(|s| s.samples.to_string()).collect::<Vec<_>>().join(", ");
    match (c.stop_at, c.met_at) {
        (None, _) => format!(", convergence over N = {ns}"),
        (Some(w), Some(n)) => format!(", stop at ±{w}: met at N = {n} (N = {ns})"),
        (Some(w), None) => format!(", stop at ±{w}: not met by N = {samples} (N = {ns})"),
    }
}

/// The per-unit summary, the number of scenarios (and infeasible ones), the design and its label.
type Summarised = (Vec<UnitSummary>, u64, u64, DesignDetails, String);

/// The study document from a design's findings.
fn assemble(
    scenario: &Scenario,
    ev: &Evaluator<'_, Rule>,
    space: &Space,
    (units, scenarios, infeasible, design, label): Summarised,
    found: Found,
) -> SweepStudy {
    let vary: Vec<VaryRange> =
        space.extra.iter().map(|b| VaryRange { factor: space.name(b.factor), lo: b.lo, hi: b.hi }).collect();
    let also: Vec<String> = vary.iter().map(|v| format!("{} in [{}, {}]", v.factor, v.lo, v.hi)).collect();
    let summary = format!(
        "sweep of scenario {} — method {} — {} slots over {} units — {}{} — {} scenarios evaluated{}",
        scenario.name(),
        ev.rule,
        scenario.total(),
        scenario.units().len(),
        label,
        if also.is_empty() { String::new() } else { format!("; also {}", also.join(", ")) },
        scenarios,
        if infeasible > 0 { format!(" ({infeasible} infeasible, left out)") } else { String::new() }
    );
    SweepStudy {
        provenance: scenario.provenance().clone(),
        summary,
        stamp: None,
        scenario: scenario.name().to_string(),
        total: scenario.total(),
        weights: space.columns.iter().cloned().zip(space.base.weights.iter().copied()).collect(),
        vary,
        design,
        scenarios,
        infeasible,
        units,
        sobol: found.sobol,
        oat: found.oat,
        morris: found.morris,
        convergence: found.convergence,
        method: ev.rule.to_string(),
        simplex_map: found.simplex_map,
        funding: *scenario.funding(),
    }
}

/// What a design evaluated over some of its work items — the exact data its summary is made
/// from (a sharded sweep's partials carry it; see [`super::shard`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Work {
    /// Grid and Monte Carlo: every unit's histogram of slots, with the counts.
    Tally(TallyData),
    /// One at a time: the search of each initial interval, in item order.
    Oat(Vec<IntervalPoints>),
    /// Sobol: the slots of every run of the base samples, `[(j·rows + r)·units + u]` (rows =
    /// d + 2; with second order or groups, D + 2 or 2D + 2 for D design factors).
    Sobol(Vec<u32>),
    /// Morris: the slots of every point of the trajectories, `[(t·(g+1) + m)·units + u]`.
    Morris(Vec<u32>),
}

/// A design ready to run on a scenario: the slot rule's evaluator, the factor space and the
/// design's own state, checked. Its work is a numbered list of items — grid points, Monte
/// Carlo scenarios, Sobol base samples, or (one at a time) [`oat::INITIAL_INTERVALS`]
/// intervals per factor — any range of which can be evaluated on its own.
pub struct Plan<'a> {
    scenario: &'a Scenario,
    spec: &'a SweepSpec,
    space: Space,
    ev: Evaluator<'a, Rule>,
    probe: Option<ParadoxProbe>,
    seed: u64,
    design: Built,
}

/// The design's own state.
enum Built {
    Grid { grid: Grid, map_unit: Option<Option<usize>> },
    MonteCarlo(Box<MonteCarlo>),
    Oat(Vec<(String, Factor, f64, f64)>),
    Sobol(sobol::Design),
    Sobol2(sobol2::Design),
    Morris(morris::Screening),
}

impl<'a> Plan<'a> {
    /// Checks `spec` against `scenario` (factors, ranges, sizes, the baseline allocation).
    pub fn new(scenario: &'a Scenario, spec: &'a SweepSpec, rule: &'a Rule) -> Result<Plan<'a>, SweepError> {
        if !spec.shardable() {
            return Err(SweepError::NotInParts { design: spec.name().to_string() });
        }
        let (space, ev, probe, seed) = setup(scenario, spec, rule)?;
        let design = match spec {
            SweepSpec::Grid(g) => {
                let mapped = g.simplex_map && (2..=3).contains(&space.weights());
                let map_unit = if mapped { Some(map_unit(scenario, g)?) } else { None };
                Built::Grid { grid: Grid::new(&space, g.step, g.limit)?, map_unit }
            }
            SweepSpec::MonteCarlo(m) => {
                let noise = m.noise_percent.map(noise_from_percent).transpose()?;
                Built::MonteCarlo(Box::new(MonteCarlo::new(&space, m.scenarios, seed, m.weights, noise)?))
            }
            SweepSpec::Oat(o) => {
                let names = if o.factors.is_empty() { space.columns.clone() } else { o.factors.clone() };
                let mut factors = Vec::new();
                for name in names {
                    let f = space.resolve(&name)?;
                    let (lo, hi) = o.range.unwrap_or_else(|| OatSpec::default_range(f));
                    oat::check(&space, f, lo, hi)?;
                    factors.push((name, f, lo, hi));
                }
                Built::Oat(factors)
            }
            SweepSpec::Sobol(s) => {
                let opt = SobolOptions {
                    samples: s.samples,
                    bootstrap: s.bootstrap,
                    seed,
                    relative: s.relative_range,
                };
                if s.second_order || !s.groups.is_empty() {
                    Built::Sobol2(sobol2::Design::new(&ev, &space, &opt, &s.groups, s.second_order)?)
                } else {
                    Built::Sobol(sobol::Design::new(&ev, &space, &opt)?)
                }
            }
            SweepSpec::Morris(m) => {
                let opt = morris_study::options(m, seed);
                Built::Morris(morris::Screening::new(&space, &opt, &m.groups)?)
            }
        };
        Ok(Plan { scenario, spec, space, ev, probe, seed, design })
    }

    /// The number of work items.
    pub fn items(&self) -> u64 {
        match &self.design {
            Built::Grid { grid, .. } => grid.len(),
            Built::MonteCarlo(mc) => mc.len(),
            Built::Oat(factors) => (factors.len() * oat::INITIAL_INTERVALS) as u64,
            Built::Sobol(_) | Built::Sobol2(_) => match self.spec {
                SweepSpec::Sobol(s) => s.samples,
                _ => 0,
            },
            Built::Morris(m) => m.trajectories(),
        }
    }

    /// Evaluates work items `range` (within 0..[`Plan::items`]); long-CSV rows of the grid and
    /// Monte Carlo go to `hooks.rows` as they are evaluated.
    pub fn work(&self, range: std::ops::Range<u64>, hooks: &mut Hooks<'_>) -> Result<Work, SweepError> {
        let (ev, space) = (&self.ev, &self.space);
        let (progress, cancel) = (hooks.progress, hooks.cancel);
        let hooks_now = || Hooks { progress, cancel, rows: None };
        Ok(match &self.design {
            Built::Grid { grid, .. } => {
                let h = Hooks {
                    progress,
                    cancel,
                    rows: hooks.rows.as_deref_mut().map(|w| w as &mut (dyn Write + Send)),
                };
                Work::Tally(run::run_range(ev, space, grid, range, h, self.probe.as_ref())?.data())
            }
            Built::MonteCarlo(mc) => {
                let h = Hooks {
                    progress,
                    cancel,
                    rows: hooks.rows.as_deref_mut().map(|w| w as &mut (dyn Write + Send)),
                };
                Work::Tally(run::run_range(ev, space, &**mc, range, h, self.probe.as_ref())?.data())
            }
            Built::Oat(factors) => {
                if hooks.rows.is_some() {
                    return Err(SweepError::RowsNotKept);
                }
                let per = oat::INITIAL_INTERVALS as u64;
                // Progress: the intervals searched (a search's time is spread over them).
                let (total, done) = (range.end - range.start, std::sync::atomic::AtomicU64::new(0));
                let parts: Vec<IntervalPoints> = range
                    .into_par_iter()
                    .map_init(
                        || ev.workspace(&space.base),
                        |ws, item| {
                            let (_, f, lo, hi) = factors[(item / per) as usize];
                            let searched =
                                oat::search_interval(ev, space, ws, f, lo, hi, (item % per) as usize, cancel);
                            if let Some(p) = progress {
                                p(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                            }
                            searched
                        },
                    )
                    .collect();
                if hooks_now().cancelled() {
                    return Err(SweepError::Cancelled);
                }
                Work::Oat(parts)
            }
            Built::Sobol(design) => Work::Sobol(design.runs(ev, space, range, &hooks_now())?),
            Built::Sobol2(design) => Work::Sobol(design.runs(ev, space, range, &hooks_now())?),
            Built::Morris(m) => Work::Morris(m.runs(ev, space, range, &hooks_now())?),
        })
    }

    /// The study from the work of every item, in order (one [`Work`] per shard, shards in
    /// order); a part that does not fit the design is refused with
    /// [`SweepError::BadPartial`] (its position in `parts`, counted from 0).
    pub fn finish(&self, parts: Vec<Work>, hooks: &mut Hooks<'_>) -> Result<SweepStudy, SweepError> {
        let (scenario, ev, space) = (self.scenario, &self.ev, &self.space);
        let bad = |part: usize, reason: String| SweepError::BadPartial { part, reason };
        let tally = |parts: Vec<Work>| -> Result<Tally, SweepError> {
            let (lower, upper) = ev.bounds();
            let mut t = Tally::new(lower, upper);
            if self.probe.is_some() {
                t = t.with_paradoxes();
            }
            for (i, w) in parts.into_iter().enumerate() {
                match w {
                    Work::Tally(d) => t.add(&d).map_err(|r| bad(i, r))?,
                    _ => return Err(bad(i, "it holds another design's work".into())),
                }
            }
            Ok(t)
        };
        let tallied =
            |t: &Tally| (t.summarise(scenario, &ev.baseline), t.scenarios + t.infeasible, t.infeasible);
        let mut oat_factors = Vec::new();
        let mut sobol_indices = None;
        let mut morris_indices = None;
        let mut simplex_map = None;
        let (units, scenarios, infeasible, design, label) = match (&self.design, self.spec) {
            (Built::Grid { grid, map_unit }, SweepSpec::Grid(g)) => {
                let (units, n, bad) = tallied(&tally(parts)?);
                if let Some(unit) = map_unit {
                    let unit = unit.unwrap_or_else(|| most_moving(&units));
                    simplex_map = Some(map(ev, space, unit, g.step));
                }
                let details = DesignDetails::Grid { step: g.step, points: grid.len() };
                (units, n, bad, details, format!("grid, step {}", g.step))
            }
            (Built::MonteCarlo(_), SweepSpec::MonteCarlo(m)) => {
                let (units, n, bad) = tallied(&tally(parts)?);
                let seed = self.seed;
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
            (Built::Oat(factors), SweepSpec::Oat(_)) => {
                let mut all = Vec::new();
                for (i, w) in parts.into_iter().enumerate() {
                    match w {
                        Work::Oat(p) => all.extend(p),
                        _ => return Err(bad(i, "it holds another design's work".into())),
                    }
                }
                if all.len() != factors.len() * oat::INITIAL_INTERVALS {
                    return Err(bad(
                        0,
                        format!(
                            "{} searched intervals in all, expected {}",
                            all.len(),
                            factors.len() * oat::INITIAL_INTERVALS
                        ),
                    ));
                }
                let mut all = all.into_iter();
                let results: Vec<OatResult> = factors
                    .iter()
                    .map(|&(_, f, lo, hi)| {
                        oat::assemble(ev, space, f, lo, hi, all.by_ref().take(oat::INITIAL_INTERVALS))
                    })
                    .collect();
                let names = factors.iter().map(|f| f.0.clone()).collect();
                let units = oat_summary(scenario, &ev.baseline, &results);
                let evaluations = results.iter().map(|r| r.evaluations).sum();
                let label = format!(
                    "one at a time: {}",
                    results
                        .iter()
                        .map(|r| format!(
                            "{} over [{}, {}] ({} pieces)",
                            r.factor,
                            r.lo,
                            r.hi,
                            r.pieces.len()
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                oat_factors = results.iter().map(|r| oat_factor(scenario, r)).collect();
                (
                    units,
                    evaluations,
                    0,
                    DesignDetails::Oat { tolerance: oat::TOLERANCE, factors: names },
                    label,
                )
            }
            (Built::Sobol(design), SweepSpec::Sobol(s)) => {
                let slots = runs_of(ev, parts, s.samples, design.stride(ev.units()), false)?;
                let r = design.finish(ev, space, slots, hooks)?;
                let (units, n, bad) = tallied(&r.tally);
                sobol_indices = Some(indices(scenario, &r));
                let (details, label) = sobol_details(s, s.samples, self.seed, "");
                (units, n, bad, details, label)
            }
            (Built::Sobol2(design), SweepSpec::Sobol(s)) => {
                let slots = runs_of(ev, parts, s.samples, design.stride(ev.units()), false)?;
                design.write_runs(ev, space, &slots, hooks)?;
                let r = design.finish(ev, slots);
                sobol_indices = Some(sobol2::study_indices(scenario, &r, !s.groups.is_empty()));
                let (units, n, bad) = tallied(&r.tally);
                let (details, label) = sobol_details(s, s.samples, self.seed, "");
                (units, n, bad, details, label)
            }
            (Built::Morris(screening), SweepSpec::Morris(m)) => {
                let slots = runs_of(ev, parts, screening.trajectories(), screening.stride(ev.units()), true)?;
                let r = screening.finish(ev, space, slots, hooks)?;
                let (units, n, bad, details, label, ix) = morris_study::part(scenario, ev, m, self.seed, r);
                morris_indices = Some(ix);
                (units, n, bad, details, label)
            }
            _ => unreachable!("the plan is built from its spec"),
        };
        let found = Found {
            sobol: sobol_indices,
            oat: oat_factors,
            morris: morris_indices,
            simplex_map,
            convergence: None,
        };
        Ok(assemble(scenario, ev, space, (units, scenarios, infeasible, design, label), found))
    }
}

/// The run values of every part of a Sobol (`morris` false) or Morris design, in order:
/// `items` work items of `stride` values each, every value within its unit's bounds; a part
/// that does not fit is refused ([`SweepError::BadPartial`], its position in `parts`).
fn runs_of(
    ev: &Evaluator<'_, Rule>,
    parts: Vec<Work>,
    items: u64,
    stride: usize,
    morris: bool,
) -> Result<Vec<u32>, SweepError> {
    let bad = |part: usize, reason: String| SweepError::BadPartial { part, reason };
    let (lower, upper) = ev.bounds();
    let expected = items.saturating_mul(stride as u64);
    let mut slots = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    for (i, w) in parts.into_iter().enumerate() {
        let p = match (w, morris) {
            (Work::Sobol(p), false) | (Work::Morris(p), true) => p,
            _ => return Err(bad(i, "it holds another design's work".into())),
        };
        let out = p.iter().enumerate().find(|&(at, &x)| {
            let u = at % lower.len().max(1);
            (x as u64) < lower[u] || (x as u64) > upper[u]
        });
        if let Some((at, x)) = out {
            return Err(bad(i, format!("run value {at} ({x} slots) is outside its unit's bounds")));
        }
        slots.extend(p);
    }
    if slots.len() as u64 != expected {
        return Err(bad(0, format!("{} run values in all, expected {expected}", slots.len())));
    }
    Ok(slots)
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
                s2: None,
                s2_conf: None,
            })
            .collect(),
        members: None,
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
