//! The evaluation core of every sweep: parameters → scores → exact integer weights → slots,
//! in buffers owned by a per-thread [`Workspace`], with no allocation per scenario.
//!
//! The arithmetic mirrors [`ScoreModel::scores_into`](crate::scoring::ScoreModel::scores_into)
//! and [`integer_weights`](crate::scoring::integer_weights) operation for operation, so a sweep
//! at the scenario's own parameters gives bit for bit the integer weights — and so the slots —
//! of `quota allocate` (tested). The loops run column by column, which the compiler can
//! vectorise, without changing the order of any floating-point operation for a given unit.

use rand::{Rng, RngExt};

use crate::apportion::{self, Method, Problem, Scratch};
use crate::optimize::{Prepared, PreparedWork, Status};
use crate::scenario::{MethodChoice, Scenario};
use crate::scoring::{Normalisation, WEIGHT_SCALE};

use super::space::{region_index, Params};
use super::SweepError;

/// How one scenario's integer weights and bounds become slots: an apportionment method
/// ([`Method`]) or the optimisation model ([`OptimizeRule`]); [`Rule`] is either, as the
/// scenario says.
pub trait SlotRule: Sync {
    /// Name for reports.
    fn label(&self) -> String;
    /// Writes the slots of `problem` into `out` (resized to the number of units); false when
    /// this scenario has no allocation under the rule (`out` is then unspecified), e.g. the
    /// optimisation model's side constraints cannot all hold at these weights. `scratch` is the
    /// worker's, carried from scenario to scenario.
    fn slots(&self, problem: &Problem, scratch: &mut RuleScratch, out: &mut Vec<u64>) -> bool;
    /// What the one-at-a-time design can prove about this rule (see [`oat`](super::oat)).
    fn certificate(&self) -> Certificate;
}

/// A worker's buffers for the slot rules, reused from scenario to scenario (what they carry
/// changes only the speed, never a result).
#[derive(Debug, Default, Clone)]
pub struct RuleScratch {
    /// The apportionment methods' (with the previous scenario's regime, cut and divisor).
    pub apportion: Scratch,
    /// The optimisation model's.
    pub optimize: PreparedWork,
    /// The ideal quotas handed to the optimisation model.
    ideal: Vec<f64>,
}

/// The argument the one-at-a-time design uses to prove that no piece is missed between two
/// parameter values with the same state (see [`oat`](super::oat)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certificate {
    /// Divisor methods: an allocation's validity region is an interval.
    Divisor,
    /// Hamilton: the bounded-quota regime, the whole parts and the allocation.
    Hamilton,
    /// The quota method: the full trace of its slot-by-slot decisions.
    QuotaTrace,
    /// No proof: pieces are found by bisection between differing allocations only.
    None,
}

impl SlotRule for Method {
    fn label(&self) -> String {
        self.name().to_string()
    }
    fn slots(&self, problem: &Problem, scratch: &mut RuleScratch, out: &mut Vec<u64>) -> bool {
        apportion::apportion_seats(problem, *self, &mut scratch.apportion, out);
        true
    }
    fn certificate(&self) -> Certificate {
        match self {
            Method::Hamilton => Certificate::Hamilton,
            Method::Quota => Certificate::QuotaTrace,
            _ => Certificate::Divisor,
        }
    }
}

/// The optimisation model as a slot rule: each scenario's ideal quotas come from its integer
/// weights exactly as in `quota allocate` ([`crate::allocate::ideal_quotas`]), and the
/// scenario's floors, caps and `[optimize]` constraints (groups, change limits, custom rows)
/// stay fixed. A scenario whose constraints cannot all hold counts as infeasible; so does one
/// on which the solver's time limit struck (the allocation would not be proven optimal).
///
/// The model and its group tree are built once ([`Prepared`]); on the fast (laminar) path a
/// scenario then costs a proportional start and a few exchanges in the worker's buffers, with
/// no allocation. A general model (custom rows, overlapping groups) is solved on the LP path,
/// in about a millisecond.
#[derive(Debug, Clone)]
pub struct OptimizeRule {
    prepared: Prepared,
}

impl OptimizeRule {
    /// The rule of a scenario with `method = "optimize"` (its `[optimize]` table, or none).
    pub fn new(scenario: &Scenario) -> OptimizeRule {
        let constraints = scenario.constraints.clone().unwrap_or_default();
        let names: Vec<String> =
            scenario.units.as_slice().iter().map(|u| format!("{} {}", u.code, u.name_zh)).collect();
        // The bounds of the scenario's problem: floors, and caps clipped to the total.
        let upper: Vec<u64> = scenario.caps.iter().map(|&c| c.min(scenario.total)).collect();
        OptimizeRule {
            prepared: Prepared::new(&scenario.floors, &upper, scenario.total, &constraints, &names),
        }
    }
}

impl SlotRule for OptimizeRule {
    fn label(&self) -> String {
        format!("optimize ({})", self.prepared.objective().name())
    }
    fn slots(&self, problem: &Problem, scratch: &mut RuleScratch, out: &mut Vec<u64>) -> bool {
        let RuleScratch { optimize, ideal, .. } = scratch;
        crate::allocate::ideal_quotas(problem, ideal);
        let (lower, upper, total) = (problem.lower(), problem.upper(), problem.total());
        matches!(self.prepared.solve_slots(ideal, lower, upper, total, optimize, out), Ok(Status::Optimal))
    }
    fn certificate(&self) -> Certificate {
        Certificate::None
    }
}

/// The slot rule a scenario asks for (`method`), or another apportionment method.
#[derive(Debug, Clone)]
pub enum Rule {
    /// An apportionment method.
    Apportion(Method),
    /// The optimisation model.
    Optimize(Box<OptimizeRule>),
}

impl Rule {
    /// The scenario's own rule.
    pub fn of(scenario: &Scenario) -> Rule {
        match scenario.method {
            MethodChoice::Apportion(m) => Rule::Apportion(m),
            MethodChoice::Optimize => Rule::Optimize(Box::new(OptimizeRule::new(scenario))),
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl SlotRule for Rule {
    fn label(&self) -> String {
        match self {
            Rule::Apportion(m) => m.label(),
            Rule::Optimize(o) => o.label(),
        }
    }
    #[inline]
    fn slots(&self, problem: &Problem, scratch: &mut RuleScratch, out: &mut Vec<u64>) -> bool {
        match self {
            Rule::Apportion(m) => m.slots(problem, scratch, out),
            Rule::Optimize(o) => o.slots(problem, scratch, out),
        }
    }
    fn certificate(&self) -> Certificate {
        match self {
            Rule::Apportion(m) => m.certificate(),
            Rule::Optimize(o) => o.certificate(),
        }
    }
}

/// The weight-independent part of a scenario, prepared once for a sweep.
pub struct Evaluator<'a, R: SlotRule + ?Sized> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The slot rule.
    pub rule: &'a R,
    /// The normalised indicator columns and the development term, padded with zero units to
    /// a multiple of [`SCORE_BLOCK`] (see [`padded`]).
    columns: Vec<Vec<f64>>,
    raw: Vec<(Vec<f64>, Normalisation)>,
    development: Option<Vec<f64>>,
    region: Vec<usize>,
    template: Problem,
    /// The baseline slots (the scenario's own parameters).
    pub baseline: Vec<u64>,
}

/// Buffers for one thread; reused across scenarios.
#[derive(Debug, Clone)]
pub struct Workspace {
    scores: Vec<f64>,
    factor: Vec<f64>,
    /// The bits of the region multipliers `factor` was built from (none before the first
    /// scenario: NaN bits).
    factor_of: [u64; 4],
    weights: Vec<u64>,
    problem: Problem,
    scratch: RuleScratch,
    /// The slots of the last feasible evaluation.
    pub slots: Vec<u64>,
    /// Indicator columns perturbed by noise (Monte Carlo), normalised.
    pub noisy: Vec<Vec<f64>>,
    noisy_raw: Vec<f64>,
    /// Parameters of the current scenario (designs fill them in place).
    pub params: Params,
}

/// Which normalised columns to score with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// The scenario's own.
    Scenario,
    /// The workspace's perturbed copy ([`Workspace::noisy`]).
    Noisy,
}

impl Workspace {
    /// The scores of the last evaluation (before they become integer weights).
    pub(crate) fn scores(&self) -> &[f64] {
        &self.scores[..self.weights.len()]
    }
}

impl<'a, R: SlotRule + ?Sized> Evaluator<'a, R> {
    /// Prepares the scenario; fails if it cannot be allocated at its own parameters.
    pub fn new(scenario: &'a Scenario, rule: &'a R, base: &Params) -> Result<Self, SweepError> {
        let scores = crate::allocate::scenario_scores(scenario);
        let template = crate::allocate::scenario_problem(scenario, &scores).map_err(SweepError::Baseline)?;
        let mut e = Evaluator {
            scenario,
            rule,
            columns: scenario.model.normalised.iter().map(|c| padded(c)).collect(),
            raw: scenario.indicators.iter().map(|i| (i.values.clone(), i.normalise)).collect(),
            development: scenario.model.development.as_deref().map(padded),
            region: scenario.units.as_slice().iter().map(|u| region_index(u.region)).collect(),
            template,
            baseline: Vec::new(),
        };
        let mut ws = e.workspace(base);
        if !e.evaluate(&mut ws, Columns::Scenario) {
            // Say why, in `quota allocate`'s words (e.g. the optimiser's infeasibility
            // explanation) when the scenario's own rule fails at its own parameters.
            let why = match crate::allocate::allocate(scenario) {
                Err(e) => e,
                Ok(_) => crate::allocate::AllocateError::NoAllocation {
                    at: scenario.at.clone(),
                    rule: rule.label().to_string(),
                },
            };
            return Err(SweepError::Baseline(why));
        }
        e.baseline = ws.slots.clone();
        Ok(e)
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.region.len()
    }

    /// The scenario's own problem (integer weights at its parameters, floors, caps, total).
    pub fn template(&self) -> &Problem {
        &self.template
    }

    /// Floors and caps (caps never above the total).
    pub fn bounds(&self) -> (&[u64], &[u64]) {
        (self.template.lower(), self.template.upper())
    }

    /// A fresh workspace whose parameters start at `base`.
    pub fn workspace(&self, base: &Params) -> Workspace {
        let n = self.units();
        Workspace {
            scores: vec![0.0; n.next_multiple_of(SCORE_BLOCK)],
            factor: vec![1.0; n.next_multiple_of(SCORE_BLOCK)],
            factor_of: [f64::NAN.to_bits(); 4],
            weights: vec![0; n],
            problem: self.template.clone(),
            scratch: RuleScratch::default(),
            slots: Vec::with_capacity(n),
            noisy: self.columns.clone(),
            noisy_raw: vec![0.0; n],
            params: base.clone(),
        }
    }

    /// Evaluates `ws.params`; the slots are in `ws.slots`. Returns false (slots unspecified)
    /// when the parameters give no feasible allocation (every score zero, only zero-score
    /// units left to fill, or the optimisation model's constraints cannot all hold).
    #[inline]
    pub fn evaluate(&self, ws: &mut Workspace, columns: Columns) -> bool {
        let Workspace { scores, factor, factor_of, weights, problem, scratch, slots, noisy, params, .. } = ws;
        let cols = match columns {
            Columns::Scenario => &self.columns,
            Columns::Noisy => &*noisy,
        };
        // Per-unit multipliers change only when a design varies them.
        let bits = params.multipliers.map(f64::to_bits);
        if *factor_of != bits {
            for (f, &r) in factor.iter_mut().zip(&self.region) {
                *f = params.multipliers[r];
            }
            *factor_of = bits;
        }
        score(cols, self.development.as_deref(), &params.weights, params.delta, factor, scores);
        if !integer_weights(&scores[..weights.len()], weights) || problem.set_weights(weights).is_err() {
            return false;
        }
        self.rule.slots(problem, scratch, slots)
    }

    /// The exact problem of the last evaluation (integer weights and bounds).
    pub fn problem<'w>(&self, ws: &'w Workspace) -> &'w Problem {
        &ws.problem
    }

    /// Multiplies every raw indicator value by an independent factor uniform in
    /// [1 − x, 1 + x] and re-normalises each column by its own normalisation, into
    /// `ws.noisy`. Draws units × indicators numbers from `rng`, column by column.
    pub fn perturb<G: Rng + ?Sized>(&self, ws: &mut Workspace, x: f64, rng: &mut G) {
        for ((raw, how), out) in self.raw.iter().zip(ws.noisy.iter_mut()) {
            for (v, r) in ws.noisy_raw.iter_mut().zip(raw) {
                let u: f64 = rng.random();
                *v = r * (1.0 + x * (2.0 * u - 1.0));
            }
            normalise_into(&ws.noisy_raw, *how, &mut out[..ws.noisy_raw.len()]);
        }
    }
}

/// Units scored together by [`score`], in registers.
const SCORE_BLOCK: usize = 8;

/// `v` followed by zeros up to a multiple of [`SCORE_BLOCK`]: the evaluator's columns, so that
/// [`score`] scores every unit in a full block (the padding units score 0 and are never read
/// as units: each unit's operations, and so its score, are the same as without them).
fn padded(v: &[f64]) -> Vec<f64> {
    let mut p = v.to_vec();
    p.resize(v.len().next_multiple_of(SCORE_BLOCK), 0.0);
    p
}

/// `out_i = m_i · ((1 − δ) · Σ_j w_j s_ij + δ u_i)`, as `ScoreModel::scores_into` computes it
/// (for each unit the same operations in the same order: 0 + w_1 s_i1 + w_2 s_i2 + …, then the
/// development term, then the multiplier). Blocks of [`SCORE_BLOCK`] units are scored in one
/// pass over the columns, with the sums held in registers; the last units one column at a time.
#[inline]
pub fn score(cols: &[Vec<f64>], dev: Option<&[f64]>, w: &[f64], delta: f64, factor: &[f64], out: &mut [f64]) {
    let n = out.len();
    let split = n - n % SCORE_BLOCK;
    let (head, tail) = out.split_at_mut(split);
    for (b, block) in head.chunks_exact_mut(SCORE_BLOCK).enumerate() {
        let at = b * SCORE_BLOCK..(b + 1) * SCORE_BLOCK;
        let mut acc = [0.0f64; SCORE_BLOCK];
        for (wj, col) in w.iter().zip(cols) {
            for (a, c) in acc.iter_mut().zip(&col[at.clone()]) {
                *a += wj * c;
            }
        }
        if let Some(dev) = dev {
            for (a, d) in acc.iter_mut().zip(&dev[at.clone()]) {
                *a = (1.0 - delta) * *a + delta * d;
            }
        }
        for ((o, a), f) in block.iter_mut().zip(acc).zip(&factor[at]) {
            *o = a * f;
        }
    }
    tail.fill(0.0);
    for (wj, col) in w.iter().zip(cols) {
        for (o, c) in tail.iter_mut().zip(&col[split..]) {
            *o += wj * c;
        }
    }
    if let Some(dev) = dev {
        for (o, d) in tail.iter_mut().zip(&dev[split..]) {
            *o = (1.0 - delta) * *o + delta * d;
        }
    }
    for (o, f) in tail.iter_mut().zip(&factor[split..]) {
        *o *= f;
    }
}

/// `round(10^12 · s_i / Σ s)` exactly as [`crate::scoring::integer_weights`], into a slice;
/// false when the scores sum to zero or are not finite.
#[inline]
pub fn integer_weights(scores: &[f64], out: &mut [u64]) -> bool {
    let sum: f64 = scores.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        return false;
    }
    for (o, s) in out.iter_mut().zip(scores) {
        *o = round_half_away(s / sum * WEIGHT_SCALE);
    }
    true
}

/// `x.round() as u64` for finite 0 ≤ x < 2^52, without a libm call or a float-to-integer
/// conversion, so that the loop over units vectorises: `x + 2^52` lies in [2^52, 2^53), where
/// the spacing of doubles is 1, so the addition rounds x to the nearest integer k (ties to
/// even) and the bits of the sum are those of 2^52 plus k. `x − k` is then exact, and a half
/// that went down to an even k goes up instead: halves round away from zero, as in
/// `f64::round`.
#[inline]
fn round_half_away(x: f64) -> u64 {
    const TWO_52: f64 = (1u64 << 52) as f64;
    let sum = x + TWO_52;
    let k = sum - TWO_52;
    // Exactly a half (compared by bits: the difference is exact).
    (sum.to_bits() - TWO_52.to_bits()) + u64::from((x - k).to_bits() == 0.5f64.to_bits())
}

/// [`crate::scoring::normalise`] into a buffer (the column must be valid; a degenerate
/// column — possible only under extreme noise — yields zeros, which scores treat as absent).
pub fn normalise_into(values: &[f64], how: Normalisation, out: &mut [f64]) {
    let n = values.len() as f64;
    match how {
        Normalisation::Share => out.copy_from_slice(values),
        Normalisation::MinMax => {
            let (lo, hi) =
                values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
            for (o, x) in out.iter_mut().zip(values) {
                *o = if hi - lo <= 0.0 { 0.0 } else { (x - lo) / (hi - lo) };
            }
        }
        Normalisation::ZScore => {
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            for (o, x) in out.iter_mut().zip(values) {
                *o = if sd <= 0.0 { 0.0 } else { (x - mean) / sd };
            }
            let zmin = out.iter().fold(f64::INFINITY, |l, &x| l.min(x));
            for o in out.iter_mut() {
                *o -= zmin;
            }
        }
        Normalisation::LogShare => {
            for (o, x) in out.iter_mut().zip(values) {
                *o = x.ln_1p();
            }
        }
    }
    let sum: f64 = out.iter().sum();
    if sum > 0.0 {
        for o in out.iter_mut() {
            *o /= sum;
        }
    } else {
        out.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{normalise, ScoreModel};
    use rand::SeedableRng;

    #[test]
    fn rounding_matches_f64_round() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100_000 {
            let x: f64 = rng.random::<f64>() * 1e12;
            assert_eq!(round_half_away(x), x.round() as u64, "{x}");
        }
        for x in [0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5, 999999999999.5] {
            assert_eq!(round_half_away(x), x.round() as u64, "{x}");
        }
    }

    #[test]
    fn scores_and_weights_match_the_scoring_module_bit_for_bit() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        // Fewer units than a score block, exactly one, blocks and a tail, the bundled count.
        for units in [3, 8, 13, 37] {
            let column = |rng: &mut rand_chacha::ChaCha8Rng| -> Vec<f64> {
                let v: Vec<f64> = (0..units).map(|_| rng.random::<f64>()).collect();
                let s: f64 = v.iter().sum();
                v.iter().map(|x| x / s).collect()
            };
            let model = ScoreModel {
                normalised: vec![column(&mut rng), column(&mut rng), column(&mut rng)],
                development: Some(column(&mut rng)),
                region_factor: (0..units).map(|i| [1.0, 1.1, 1.2][i % 3]).collect(),
            };
            for _ in 0..300 {
                let a: [f64; 3] = [rng.random(), rng.random(), rng.random()];
                let s: f64 = a.iter().sum();
                let w: Vec<f64> = a.iter().map(|x| x / s).collect();
                let delta: f64 = rng.random::<f64>() * 0.5;
                let mut want = vec![0.0; units];
                model.scores_into(&w, delta, &mut want);
                let mut got = vec![0.0; units];
                score(
                    &model.normalised,
                    model.development.as_deref(),
                    &w,
                    delta,
                    &model.region_factor,
                    &mut got,
                );
                assert_eq!(
                    want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    "{units} units"
                );
                let mut iw_want = Vec::new();
                crate::scoring::integer_weights(&want, &mut iw_want).unwrap();
                let mut iw_got = vec![0; units];
                assert!(integer_weights(&got, &mut iw_got));
                assert_eq!(iw_want, iw_got);
            }
        }
    }

    #[test]
    fn normalise_into_matches_normalise() {
        let v = [3.0, 1.0, 7.5, 0.0, 2.25];
        for how in
            [Normalisation::Share, Normalisation::MinMax, Normalisation::ZScore, Normalisation::LogShare]
        {
            let want = normalise("x", &v, how).unwrap();
            let mut got = vec![0.0; v.len()];
            normalise_into(&v, how, &mut got);
            assert_eq!(
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{how:?}"
            );
        }
    }
}
