//! Morris elementary-effects screening of every unit's slots: which factors move the
//! allocation at all, before an expensive Sobol run.
//!
//! ## Design
//!
//! The factors are those of the Sobol design ([`sobol`](super::sobol)): the raw weights, each
//! uniform on `[lo·w⁰_j, hi·w⁰_j]` (default ±50%), normalised to sum 1, then the disparity
//! parameters varied with `--vary`. Each factor's range is mapped to [0, 1] and cut into p
//! levels `0, 1/(p−1), …, 1` (p even, default 4). A **trajectory** (Morris 1991) starts at a
//! random base point x* whose coordinates are levels at most `1 − Δ`, with the step
//! `Δ = p / (2(p − 1))` (2/3 for p = 4), and moves one factor at a time, in a random order, by
//! +Δ or −Δ (a random direction per factor): k + 1 points for k factors, so each trajectory
//! gives one elementary effect per factor,
//!
//! ```text
//! EE_i = (f(x + Δ·e_i) − f(x)) / Δ        (in output units per whole factor range)
//! ```
//!
//! **Optimised trajectories** (Campolongo, Cariboni & Saltelli 2007): M candidate
//! trajectories are drawn (candidate c from ChaCha8 on stream c of the seed, so the design
//! does not depend on the thread count) and R of them are kept to maximise the spread
//! `D² = Σ_{pairs m<l} d_ml²`, where `d_ml = Σ_i Σ_j ‖X_i^(m) − X_j^(l)‖` sums the distances
//! between every point of trajectory m and every point of trajectory l. Campolongo et al.
//! search every combination, which is out of reach for M in the hundreds; the selection here is
//! greedy — the farthest pair first, then each time the candidate that adds most to D² (the
//! lowest index among equals) — in the spirit of Ruano et al.'s (2012) local optimisation. The
//! distances are computed on the integer level indices, so they are exact and the selection
//! is the same on every machine. `M = R` keeps the first R candidates as drawn (Morris's
//! original random design).
//!
//! ## Measures
//!
//! Per output (each unit's slots; funding is slots × a constant, with the same measures in
//! 万元 × 600): `μ = mean EE`, `μ* = mean |EE|` (Campolongo et al. 2007), `σ = sd EE` (divisor
//! R − 1), and a 95% bootstrap half-width of μ* (B resamples of the R trajectories, resample b
//! from ChaCha8 on stream b; `z_{0.975}·sd_b`). These are SALib's `morris.analyze` outputs
//! `mu`, `mu_star`, `sigma`, `mu_star_conf` (tested against it on exported trajectories). A
//! factor whose μ* is 0 for every unit moved no unit's slots anywhere on the R(k+1) points.
//!
//! References: M. D. Morris, "Factorial sampling plans for preliminary computational
//! experiments", *Technometrics* 33 (1991) 161–174; F. Campolongo, J. Cariboni, A. Saltelli,
//! "An effective screening design for sensitivity analysis of large models", *Environ. Model.
//! Softw.* 22 (2007) 1509–1518; A. Ruano, J. Cariboni, F. Campolongo, "Optimal trajectories
//! for Morris", 2012 (SALib's `local_optimization`).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::blocks::{self, Blocks};
use super::eval::{Evaluator, SlotRule};
use super::hooks::Hooks;
use super::montecarlo::scenario_rng;
use super::run::{rows_header, write_rows};
use super::sobol::{apply, raw_weight_factors, Z95};
use super::sobol2::{resolve_groups, Partition};
use super::space::Space;
use super::summary::Tally;
use super::{Factor, SweepError};

/// Morris screening of a scenario: its parameters, with the command's defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MorrisSpec {
    /// Trajectories R kept (R·(k+1) runs). Default 20.
    pub trajectories: u32,
    /// Grid levels p (even, at least 2). Default 4.
    pub levels: u32,
    /// Candidate trajectories M drawn for the optimised selection; None: 4·R. M = R keeps
    /// the random design.
    pub candidates: Option<u32>,
    /// Bootstrap resamples of μ*'s confidence interval. Default 100 (SALib's).
    pub bootstrap: u32,
    /// Range of every raw weight as multiples of its scenario value. Default (0.5, 1.5).
    pub relative_range: (f64, f64),
    /// Seed; default the scenario's, else [`DEFAULT_SEED`](super::DEFAULT_SEED).
    pub seed: Option<u64>,
    /// Disparity parameters varied too (one more factor each).
    pub vary: Vec<super::Vary>,
    /// Groups of factors moved together (Campolongo et al. 2007), each one factor of the
    /// screening: (name, factor names). Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<(String, Vec<String>)>,
}

impl Default for MorrisSpec {
    fn default() -> Self {
        MorrisSpec {
            trajectories: 20,
            levels: 4,
            candidates: None,
            bootstrap: 100,
            relative_range: (0.5, 1.5),
            seed: None,
            vary: Vec::new(),
            groups: Vec::new(),
        }
    }
}

impl MorrisSpec {
    /// The number of candidates drawn: the spec's, else 4·R.
    pub fn candidates(&self) -> u32 {
        self.candidates.unwrap_or(self.trajectories.saturating_mul(4))
    }
}

/// Most trajectories or candidates accepted (the selection costs M² trajectory distances).
pub const MAX_CANDIDATES: u32 = 20_000;

/// A Morris design on the unit cube: R trajectories of g + 1 points for k factors in g groups
/// (g = k without groups).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Factors k.
    pub k: usize,
    /// The factors of each group g, in design order (one factor each without groups): a
    /// trajectory moves a group's factors together, each in its own direction.
    pub groups: Vec<Vec<usize>>,
    /// The group of each factor.
    pub owner: Vec<usize>,
    /// Levels p.
    pub levels: u32,
    /// The step Δ = p / (2(p − 1)).
    pub delta: f64,
    /// Level indices (0..p) of every point: trajectory t, point m, factor i at
    /// `(t·(g+1) + m)·k + i`; the value on [0, 1] is index / (p − 1).
    pub points: Vec<u16>,
    /// The candidate each trajectory was drawn as (ascending).
    pub chosen: Vec<u32>,
    /// Candidates drawn.
    pub candidates: u32,
    /// Spread D of the kept trajectories (see the module docs), in level units / (p − 1).
    pub spread: f64,
    /// Spread of the first R candidates as drawn (the unoptimised design), for comparison.
    pub spread_random: f64,
}

impl Design {
    /// Trajectories R.
    pub fn trajectories(&self) -> usize {
        self.chosen.len()
    }

    /// Points per trajectory: g + 1.
    pub fn points_per_trajectory(&self) -> usize {
        self.groups.len() + 1
    }

    /// Point m of trajectory t as values on [0, 1].
    pub fn point(&self, t: usize, m: usize, out: &mut [f64]) {
        let k = self.k;
        let scale = (self.levels - 1) as f64;
        let at = (t * self.points_per_trajectory() + m) * k;
        for (o, &ix) in out.iter_mut().zip(&self.points[at..at + k]) {
            *o = ix as f64 / scale;
        }
    }

    /// The group that moves from point m to m + 1 of trajectory t, and whether its first
    /// factor goes up (each factor of a group has its own direction).
    pub fn step(&self, t: usize, m: usize) -> (usize, bool) {
        let k = self.k;
        let a = (t * self.points_per_trajectory() + m) * k;
        let b = a + k;
        (0..k)
            .find(|&i| self.points[a + i] != self.points[b + i])
            .map(|i| {
                let g = self.owner[i];
                let first = self.groups[g][0];
                (g, self.points[b + first] > self.points[a + first])
            })
            .expect("consecutive points of a trajectory differ in one group")
    }
}

/// Checks the design's parameters (trajectories at least 2 for σ, levels even ≥ 2, candidates
/// between R and [`MAX_CANDIDATES`], at least one factor).
fn check(k: usize, trajectories: u32, levels: u32, candidates: u32) -> Result<(), SweepError> {
    if trajectories < 2 {
        return Err(SweepError::BadParameter {
            what: "--trajectories".into(),
            expected: "at least 2 (σ needs two elementary effects per factor)",
            value: trajectories as f64,
        });
    }
    if levels < 2 || !levels.is_multiple_of(2) || levels > 1000 {
        return Err(SweepError::BadParameter {
            what: "--levels".into(),
            expected: "an even number from 2 to 1000 (so that Δ = p/(2(p−1)) is a whole number of levels)",
            value: levels as f64,
        });
    }
    if candidates < trajectories || candidates > MAX_CANDIDATES {
        return Err(SweepError::BadParameter {
            what: "--candidates".into(),
            expected: "at least --trajectories and at most 20000",
            value: candidates as f64,
        });
    }
    if k == 0 {
        return Err(SweepError::BadParameter {
            what: "the number of Morris factors".into(),
            expected: "at least 1 (a positive weight or a --vary parameter)",
            value: 0.0,
        });
    }
    Ok(())
}

/// Candidate c: level indices of its g + 1 points, in level units (Morris 1991's
/// `B* = (J x* + Δ/2 [(2B − J)D* + J]) P*`; with groups, Campolongo et al. 2007's version: a
/// group's factors move at the same step, each in its own direction). Without groups (g = k)
/// the draws are those of the ungrouped design.
fn candidate(base: &ChaCha8Rng, c: u64, k: usize, levels: u32, groups: &[Vec<usize>]) -> Vec<u16> {
    let mut rng = scenario_rng(base, c);
    let half = levels / 2;
    let g = groups.len();
    let start: Vec<u16> = (0..k).map(|_| rng.random_range(0..half) as u16).collect();
    let up: Vec<bool> = (0..k).map(|_| rng.random_range(0..2u32) == 1).collect();
    let mut order: Vec<usize> = (0..g).collect();
    for i in (1..g).rev() {
        let j = rng.random_range(0..=i as u32) as usize;
        order.swap(i, j);
    }
    let step = half as u16;
    let mut pts = Vec::with_capacity((g + 1) * k);
    for m in 0..=g {
        let mut row = vec![0u16; k];
        for (pos, &group) in order.iter().enumerate() {
            let moved = pos < m;
            for &f in &groups[group] {
                row[f] = start[f] + if up[f] == moved { step } else { 0 };
            }
        }
        pts.extend_from_slice(&row);
    }
    pts
}

/// d_ml: the sum of the Euclidean distances (in level units) between every point of a and
/// every point of b.
fn distance(a: &[u16], b: &[u16], k: usize) -> f64 {
    let mut d = 0.0;
    for p in a.chunks_exact(k) {
        for q in b.chunks_exact(k) {
            let sq: u64 = p.iter().zip(q).map(|(&x, &y)| (x as i64 - y as i64).pow(2) as u64).sum();
            d += (sq as f64).sqrt();
        }
    }
    d
}

/// Spread D = sqrt(Σ_{m<l} d_ml²) of a set of trajectories, in [0, 1] units.
fn spread(cands: &[Vec<u16>], set: &[usize], k: usize, levels: u32) -> f64 {
    let mut sum = 0.0;
    for (x, &a) in set.iter().enumerate() {
        for &b in &set[x + 1..] {
            sum += distance(&cands[a], &cands[b], k).powi(2);
        }
    }
    sum.sqrt() / (levels - 1) as f64
}

/// Draws M candidate trajectories for k factors and keeps R of them (see the module docs).
pub fn design(
    k: usize,
    trajectories: u32,
    levels: u32,
    candidates: u32,
    seed: u64,
) -> Result<Design, SweepError> {
    let singletons: Vec<Vec<usize>> = (0..k).map(|i| vec![i]).collect();
    grouped_design(k, singletons, trajectories, levels, candidates, seed)
}

/// [`design`] with the factors in `groups` (every factor in exactly one, a group's factors
/// moving together; each group one step of a trajectory).
pub fn grouped_design(
    k: usize,
    groups: Vec<Vec<usize>>,
    trajectories: u32,
    levels: u32,
    candidates: u32,
    seed: u64,
) -> Result<Design, SweepError> {
    check(k, trajectories, levels, candidates)?;
    let mut owner = vec![usize::MAX; k];
    for (g, members) in groups.iter().enumerate() {
        for &f in members {
            owner[f] = g;
        }
    }
    debug_assert!(owner.iter().all(|&g| g < groups.len()) && groups.iter().all(|m| !m.is_empty()));
    let base = ChaCha8Rng::seed_from_u64(seed);
    let cands: Vec<Vec<u16>> =
        (0..candidates as u64).into_par_iter().map(|c| candidate(&base, c, k, levels, &groups)).collect();
    let r = trajectories as usize;
    let first: Vec<usize> = (0..r).collect();
    let mut chosen = if r == cands.len() { first.clone() } else { select(&cands, r, k) };
    chosen.sort_unstable();
    let points = chosen.iter().flat_map(|&c| cands[c].iter().copied()).collect();
    Ok(Design {
        k,
        groups,
        owner,
        levels,
        delta: levels as f64 / (2.0 * (levels - 1) as f64),
        points,
        chosen: chosen.iter().map(|&c| c as u32).collect(),
        candidates,
        spread: spread(&cands, &chosen, k, levels),
        spread_random: spread(&cands, &first, k, levels),
    })
}

/// Greedy selection of r candidates maximising D²: the farthest pair, then each time the
/// candidate adding most to D² (lowest index among equals).
fn select(cands: &[Vec<u16>], r: usize, k: usize) -> Vec<usize> {
    let m = cands.len();
    let best_of_row: Vec<(f64, usize)> = (0..m)
        .into_par_iter()
        .map(|a| {
            let mut best = (f64::NEG_INFINITY, usize::MAX);
            for b in a + 1..m {
                let d = distance(&cands[a], &cands[b], k);
                if d > best.0 {
                    best = (d, b);
                }
            }
            best
        })
        .collect();
    let mut pair = (0, 1);
    let mut top = f64::NEG_INFINITY;
    for (a, &(d, b)) in best_of_row.iter().enumerate() {
        if d > top {
            top = d;
            pair = (a, b);
        }
    }
    let mut chosen = vec![pair.0, pair.1];
    let mut taken = vec![false; m];
    taken[pair.0] = true;
    taken[pair.1] = true;
    let mut score = vec![0.0; m];
    let add = |score: &mut Vec<f64>, s: usize| {
        let d: Vec<f64> = (0..m).into_par_iter().map(|c| distance(&cands[c], &cands[s], k).powi(2)).collect();
        for (x, y) in score.iter_mut().zip(d) {
            *x += y;
        }
    };
    add(&mut score, pair.0);
    add(&mut score, pair.1);
    while chosen.len() < r {
        let mut next = usize::MAX;
        for c in 0..m {
            if !taken[c] && (next == usize::MAX || score[c] > score[next]) {
                next = c;
            }
        }
        taken[next] = true;
        chosen.push(next);
        add(&mut score, next);
    }
    chosen
}

/// Morris measures of one output, per factor (per group with groups).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    /// Mean elementary effect μ (None for a group of several factors, whose factors move in
    /// their own directions: its mean effect is not defined).
    pub mu: Vec<Option<f64>>,
    /// Mean absolute elementary effect μ*.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the elementary effects σ (divisor R − 1; None for a group of
    /// several factors, as μ).
    pub sigma: Vec<Option<f64>>,
    /// 95% bootstrap half-width of μ* (None with fewer than 2 resamples).
    pub mu_star_conf: Vec<Option<f64>>,
}

/// The elementary effects of one output (`y[t·(g+1) + m]`): `ee[t·g + i]` for group i (a
/// factor without groups), signed by the direction of the group's first factor.
pub fn elementary_effects(d: &Design, y: &[f64]) -> Vec<f64> {
    let (g, len) = (d.groups.len(), d.points_per_trajectory());
    let mut ee = vec![0.0; d.trajectories() * g];
    for t in 0..d.trajectories() {
        for m in 0..g {
            let (i, up) = d.step(t, m);
            let (y0, y1) = (y[t * len + m], y[t * len + m + 1]);
            ee[t * g + i] = if up { (y1 - y0) / d.delta } else { (y0 - y1) / d.delta };
        }
    }
    ee
}

/// μ, μ*, σ and μ*'s bootstrap half-width of each output (`outputs[o][t·(g+1) + m]`) per
/// group (factor), with `boot` resamples of the trajectories seeded by `seed` (shared by all
/// outputs). Every sum runs in trajectory order, so the result does not depend on the thread
/// count. A group of several factors has μ* and its interval only (as SALib's
/// `morris.analyze`, which reports NaN for its σ).
pub fn analyze(d: &Design, outputs: &[Vec<f64>], boot: u32, seed: u64) -> Vec<Measures> {
    let (k, r) = (d.groups.len(), d.trajectories());
    let single: Vec<bool> = d.groups.iter().map(|m| m.len() == 1).collect();
    let resamples: Vec<Vec<u32>> = (0..boot as u64)
        .into_par_iter()
        .map(|b| {
            let mut rng = scenario_rng(&ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0f00_4d06_0001), b);
            (0..r).map(|_| rng.random_range(0..r as u32)).collect()
        })
        .collect();
    outputs
        .par_iter()
        .map(|y| {
            let ee = elementary_effects(d, y);
            let ee = &ee;
            let col = |i: usize| (0..r).map(move |t| ee[t * k + i]);
            let mu: Vec<f64> = (0..k).map(|i| col(i).sum::<f64>() / r as f64).collect();
            let mu_star: Vec<f64> = (0..k).map(|i| col(i).map(f64::abs).sum::<f64>() / r as f64).collect();
            let sigma: Vec<Option<f64>> = (0..k)
                .map(|i| {
                    single[i]
                        .then(|| (col(i).map(|e| (e - mu[i]).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt())
                })
                .collect();
            let mu: Vec<Option<f64>> = mu.iter().zip(&single).map(|(&m, &one)| one.then_some(m)).collect();
            let mu_star_conf = (0..k)
                .map(|i| {
                    if boot < 2 {
                        return None;
                    }
                    let reps: Vec<f64> = resamples
                        .iter()
                        .map(|idx| idx.iter().map(|&t| ee[t as usize * k + i].abs()).sum::<f64>() / r as f64)
                        .collect();
                    let m = reps.iter().sum::<f64>() / reps.len() as f64;
                    let var = reps.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (reps.len() - 1) as f64;
                    Some(Z95 * var.sqrt())
                })
                .collect();
            Measures { mu, mu_star, sigma, mu_star_conf }
        })
        .collect()
}

/// A Morris design for a function of inputs uniform on `ranges`, evaluated by `f`: the design
/// and the outputs in run order (used to check the measures on functions with known effects).
pub fn morris_function(
    ranges: &[(f64, f64)],
    trajectories: u32,
    levels: u32,
    candidates: u32,
    seed: u64,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Result<(Design, Vec<f64>), SweepError> {
    let singletons = (0..ranges.len()).map(|i| vec![i]).collect();
    morris_function_grouped(ranges, singletons, trajectories, levels, candidates, seed, f)
}

/// [`morris_function`] on a design with the factors in `groups` ([`grouped_design`]).
pub fn morris_function_grouped(
    ranges: &[(f64, f64)],
    groups: Vec<Vec<usize>>,
    trajectories: u32,
    levels: u32,
    candidates: u32,
    seed: u64,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Result<(Design, Vec<f64>), SweepError> {
    let d = grouped_design(ranges.len(), groups, trajectories, levels, candidates, seed)?;
    let (k, len) = (d.k, d.points_per_trajectory());
    let y = (0..d.trajectories() * len)
        .into_par_iter()
        .map_init(
            || (vec![0.0; k], vec![0.0; k]),
            |(u, x), run| {
                d.point(run / len, run % len, u);
                for ((x, u), (lo, hi)) in x.iter_mut().zip(u.iter()).zip(ranges) {
                    *x = lo + (hi - lo) * u;
                }
                f(x)
            },
        )
        .collect();
    Ok((d, y))
}

/// Options of the Morris design on a scenario (the spec with its seed resolved).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisOptions {
    /// Trajectories R.
    pub trajectories: u32,
    /// Levels p.
    pub levels: u32,
    /// Candidates M.
    pub candidates: u32,
    /// Bootstrap resamples.
    pub bootstrap: u32,
    /// Seed.
    pub seed: u64,
    /// Relative range of the raw weights.
    pub relative: (f64, f64),
}

/// The result of a Morris sweep.
#[derive(Debug, Clone)]
pub struct MorrisResult {
    /// Names of the screened factors (a group by its name).
    pub factors: Vec<String>,
    /// Their ranges (a group's: its factors' smallest lo and largest hi).
    pub ranges: Vec<(f64, f64)>,
    /// The factors of each screened factor (one each without groups).
    pub members: Vec<Vec<String>>,
    /// The design's inputs, each factor with its range (the columns of the runs).
    pub inputs: Vec<(String, (f64, f64))>,
    /// The design.
    pub design: Design,
    /// Per unit, in unit order.
    pub units: Vec<Measures>,
    /// Every run's slots: run `t·(g+1) + m`, unit u at `run·units + u`.
    pub slots: Vec<u32>,
    /// Model runs R·(g+1).
    pub evaluations: u64,
    /// Tally of all runs.
    pub tally: Tally,
}

/// Runs the Morris design on the scenario, with `groups` (name, factor names as
/// [`Space::resolve`] accepts them; none for the plain design). `hooks.progress` counts
/// trajectories; `hooks.rows` receives every run as long CSV (run `t·(g+1) + m`).
pub fn morris<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    opt: &MorrisOptions,
    groups: &[(String, Vec<String>)],
    mut hooks: Hooks<'_>,
) -> Result<MorrisResult, SweepError> {
    let screening = Screening::new(space, opt, groups)?;
    let slots = screening.runs(ev, space, 0..screening.trajectories(), &hooks)?;
    screening.finish(ev, space, slots, &mut hooks)
}

/// The Morris design of a scenario, drawn and checked: its factors, their ranges, the groups and
/// the trajectories. A sweep evaluates trajectories ([`Screening::runs`], all at once or a
/// shard's range at a time), then computes the measures from every run
/// ([`Screening::finish`]). Every shard draws the same design (it depends on the seed alone).
#[derive(Debug, Clone)]
pub struct Screening {
    opt: MorrisOptions,
    factors: Vec<Factor>,
    ranges: Vec<(f64, f64)>,
    names: Vec<String>,
    parts: Vec<(String, Vec<usize>)>,
    design: Design,
}

impl Screening {
    /// Lists the factors (as the Sobol design's), groups them, checks the parameters and
    /// draws the design.
    pub fn new(
        space: &Space,
        opt: &MorrisOptions,
        groups: &[(String, Vec<String>)],
    ) -> Result<Screening, SweepError> {
        let (factors, ranges) = raw_weight_factors(space, opt.relative)?;
        let names: Vec<String> = factors.iter().map(|&f| space.name(f)).collect();
        let parts = Partition::grouped(&names, &resolve_groups(space, &factors, groups)?)?.parts;
        let members = parts.iter().map(|(_, m)| m.clone()).collect();
        let design =
            grouped_design(factors.len(), members, opt.trajectories, opt.levels, opt.candidates, opt.seed)?;
        Ok(Screening { opt: *opt, factors, ranges, names, parts, design })
    }

    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Trajectories R (the work items of a sharded sweep).
    pub fn trajectories(&self) -> u64 {
        self.design.trajectories() as u64
    }

    /// Values per trajectory in the output matrix: (g + 1) runs × units.
    pub fn stride(&self, units: usize) -> usize {
        self.design.points_per_trajectory() * units
    }

    /// Evaluates trajectories `range` (within 0..R): the slots of every run,
    /// `[(t·(g+1) + m)·units + u]` with t counted from `range.start`; every run must be
    /// feasible.
    pub fn runs<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        range: std::ops::Range<u64>,
        hooks: &Hooks<'_>,
    ) -> Result<Vec<u32>, SweepError> {
        let first = range.start as usize;
        let layout = Blocks {
            factors: &self.factors,
            blocks: (range.end - range.start) as usize,
            rows: self.design.points_per_trajectory(),
            report_every: 1,
        };
        let (slots, infeasible) = blocks::evaluate(
            ev,
            space,
            &layout,
            hooks,
            || 0usize,
            |t, trajectory| *trajectory = first + t,
            |&t, m, x| to_factors(&self.design, &self.ranges, t, m, x),
        )?;
        SweepError::all_feasible(
            infeasible,
            "Morris",
            "narrower (every run must be feasible for the elementary effects)",
        )?;
        Ok(slots)
    }

    /// The measures from the slots of every run of the R trajectories, in order (what
    /// [`Screening::runs`] returns for 0..R); writes the runs to `hooks.rows` first.
    pub fn finish<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        slots: Vec<u32>,
        hooks: &mut Hooks<'_>,
    ) -> Result<MorrisResult, SweepError> {
        let (d, units, k) = (&self.design, ev.units(), self.factors.len());
        let (factors, ranges) = (&self.factors, &self.ranges);
        let len = d.points_per_trajectory();
        if let Some(w) = hooks.rows.as_mut() {
            w.write_all(rows_header(space).as_bytes())?;
            let mut params = space.base.clone();
            let mut x = vec![0.0; k];
            let mut run = vec![0u64; units];
            let mut buf = Vec::new();
            for (i, out) in slots.chunks(units.max(1)).enumerate() {
                to_factors(d, ranges, i / len, i % len, &mut x);
                apply(space, factors, &x, &mut params);
                for (o, &s) in run.iter_mut().zip(out) {
                    *o = s as u64;
                }
                buf.clear();
                write_rows(&mut buf, i as u64, space, ev, &params, Some(&run));
                w.write_all(&buf)?;
            }
        }
        let (lower, upper) = ev.bounds();
        let tally = Tally::of_runs(lower, upper, &slots, units);
        let runs = d.trajectories() * len;
        let outputs: Vec<Vec<f64>> =
            (0..units).map(|u| (0..runs).map(|i| slots[i * units + u] as f64).collect()).collect();
        let measures = analyze(d, &outputs, self.opt.bootstrap, self.opt.seed);
        Ok(MorrisResult {
            factors: self.parts.iter().map(|(n, _)| n.clone()).collect(),
            ranges: self
                .parts
                .iter()
                .map(|(_, m)| {
                    let lo = m.iter().map(|&i| ranges[i].0).fold(f64::INFINITY, f64::min);
                    let hi = m.iter().map(|&i| ranges[i].1).fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi)
                })
                .collect(),
            members: self
                .parts
                .iter()
                .map(|(_, m)| m.iter().map(|&i| self.names[i].clone()).collect())
                .collect(),
            inputs: self.names.iter().cloned().zip(ranges.iter().copied()).collect(),
            design: d.clone(),
            units: measures,
            slots,
            evaluations: runs as u64,
            tally,
        })
    }
}

/// The factor values of point m of trajectory t (each range's lo + level · (hi − lo)).
pub fn to_factors(d: &Design, ranges: &[(f64, f64)], t: usize, m: usize, x: &mut [f64]) {
    d.point(t, m, x);
    for (v, (lo, hi)) in x.iter_mut().zip(ranges) {
        *v = lo + (hi - lo) * *v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_model_has_exact_effects() {
        // y = 3·x1 − 2·x2 + 0·x3 + 5·x4 on [0, 2]⁴: every elementary effect of x_i is c_i times
        // the range width 2, exactly, on every trajectory.
        let c = [3.0, -2.0, 0.0, 5.0];
        let (d, y) =
            morris_function(&[(0.0, 2.0); 4], 10, 4, 40, 7, |x| x.iter().zip(&c).map(|(x, c)| x * c).sum())
                .unwrap();
        let m = &analyze(&d, &[y], 50, 7)[0];
        for i in 0..4 {
            assert!((m.mu[i].unwrap() - 2.0 * c[i]).abs() < 1e-9, "mu[{i}] = {:?}", m.mu[i]);
            assert!((m.mu_star[i] - 2.0 * c[i].abs()).abs() < 1e-9, "mu*[{i}]");
            assert!(m.sigma[i].unwrap().abs() < 1e-9, "sigma[{i}] = {:?}", m.sigma[i]);
            assert!(m.mu_star_conf[i].unwrap() < 1e-9);
        }
    }

    #[test]
    fn interactions_show_in_sigma_and_sign_changes_in_mu() {
        // y = x1·x2 + (x3 − 0.5)² on [0, 1]³: x1 and x2 interact (σ > 0); x3's effect changes
        // sign around 0.5 (μ* > |μ|); the product's EE of x1 is x2 exactly.
        let (d, y) =
            morris_function(&[(0.0, 1.0); 3], 30, 4, 120, 11, |x| x[0] * x[1] + (x[2] - 0.5).powi(2))
                .unwrap();
        let ee = elementary_effects(&d, &y);
        for t in 0..d.trajectories() {
            for m in 0..3 {
                let (i, _) = d.step(t, m);
                if i == 0 {
                    let mut u = [0.0; 3];
                    d.point(t, m, &mut u);
                    assert!((ee[t * 3] - u[1]).abs() < 1e-12);
                }
            }
        }
        let m = &analyze(&d, &[y], 0, 1)[0];
        assert!(m.sigma[0].unwrap() > 0.1 && m.sigma[1].unwrap() > 0.1);
        // x3 moves between 0 and 2/3 or between 1/3 and 1: (x − 0.5)² changes by ∓2/9, so every
        // EE is −1/3 or +1/3: μ* = 1/3 exactly, with both signs present (|μ| < μ*).
        assert!((m.mu_star[2] - 1.0 / 3.0).abs() < 1e-12, "{m:?}");
        assert!(m.mu[2].unwrap().abs() < m.mu_star[2] - 1e-9, "{m:?}");
        assert_eq!(m.mu_star_conf, vec![None; 3]);
    }

    #[test]
    fn trajectories_follow_morris_construction() {
        let d = design(5, 8, 6, 8, 3).unwrap();
        assert!((d.delta - 0.6).abs() < 1e-15);
        for t in 0..8 {
            let mut seen = [false; 5];
            for m in 0..5 {
                let (i, up) = d.step(t, m);
                assert!(!seen[i], "factor {i} moves once");
                seen[i] = true;
                let a = d.points[(t * 6 + m) * 5 + i] as i32;
                let b = d.points[(t * 6 + m + 1) * 5 + i] as i32;
                assert_eq!(b - a, if up { 3 } else { -3 });
            }
            assert!(d.points[t * 30..t * 30 + 30].iter().all(|&l| l < 6));
        }
        // M = R: the first R candidates as drawn.
        assert_eq!(d.chosen, (0..8).collect::<Vec<_>>());
        assert!((d.spread - d.spread_random).abs() < 1e-12);
    }

    #[test]
    fn the_selection_spreads_the_trajectories_and_is_exact_on_a_small_case() {
        let d = design(4, 4, 4, 40, 5).unwrap();
        assert!(d.spread > d.spread_random, "{} vs {}", d.spread, d.spread_random);
        // Brute force over every 4 of 9 candidates: the greedy choice is at least 95% of the best.
        let base = ChaCha8Rng::seed_from_u64(9);
        let cands: Vec<Vec<u16>> =
            (0..9).map(|c| candidate(&base, c, 4, 4, &[vec![0], vec![1], vec![2], vec![3]])).collect();
        let greedy = {
            let mut g = select(&cands, 4, 4);
            g.sort_unstable();
            spread(&cands, &g, 4, 4)
        };
        let mut best: f64 = 0.0;
        for a in 0..9 {
            for b in a + 1..9 {
                for c in b + 1..9 {
                    for e in c + 1..9 {
                        best = best.max(spread(&cands, &[a, b, c, e], 4, 4));
                    }
                }
            }
        }
        assert!(greedy <= best + 1e-9 && greedy >= 0.95 * best, "greedy {greedy}, best {best}");
    }

    #[test]
    fn grouped_effects_of_a_linear_model_are_known() {
        // y = 2·x1 + 2·x2 + 3·x3 + 0·x4 + 5·x5 on [0, 2]⁵, groups {x1, x2}, {x3, x4}, {x5}.
        // A step moves x1 and x2 by ±Δ each in its own direction: |ΔY|/Δ = 2·(2 + 2) when they
        // move the same way, 0 when they cancel; {x3, x4} moves only x3's term: μ* = 2·3
        // exactly; x5 alone: μ = 10, σ = 0. μ and σ of the two-factor groups are not defined.
        let c = [2.0, 2.0, 3.0, 0.0, 5.0];
        let groups = vec![vec![0, 1], vec![2, 3], vec![4]];
        let (d, y) = morris_function_grouped(&[(0.0, 2.0); 5], groups, 16, 4, 64, 3, |x| {
            x.iter().zip(&c).map(|(x, c)| x * c).sum()
        })
        .unwrap();
        assert_eq!(d.points_per_trajectory(), 4);
        assert_eq!(y.len(), 16 * 4);
        let mut same = 0;
        for t in 0..16 {
            for m in 0..3 {
                let (g, _) = d.step(t, m);
                let moved: Vec<usize> = (0..5)
                    .filter(|&i| d.points[(t * 4 + m) * 5 + i] != d.points[(t * 4 + m + 1) * 5 + i])
                    .collect();
                assert_eq!(moved, d.groups[g], "a step moves exactly its group's factors");
                if g == 0 {
                    let dir = |i: usize| d.points[(t * 4 + m + 1) * 5 + i] > d.points[(t * 4 + m) * 5 + i];
                    same += usize::from(dir(0) == dir(1));
                }
            }
        }
        assert!(0 < same && same < 16, "both cases occur ({same} of 16)");
        let m = &analyze(&d, &[y], 30, 3)[0];
        assert!((m.mu_star[0] - 8.0 * same as f64 / 16.0).abs() < 1e-9, "{m:?}");
        assert!((m.mu_star[1] - 6.0).abs() < 1e-9, "{m:?}");
        assert!((m.mu_star[2] - 10.0).abs() < 1e-9 && (m.mu[2].unwrap() - 10.0).abs() < 1e-9);
        assert!(m.sigma[2].unwrap().abs() < 1e-9);
        assert_eq!((m.mu[0], m.sigma[0], m.mu[1], m.sigma[1]), (None, None, None, None));
        assert!(m.mu_star_conf[0].unwrap() > 0.0 && m.mu_star_conf[1].unwrap() < 1e-9);
    }

    #[test]
    fn groups_of_one_factor_are_the_plain_design() {
        let plain = design(4, 6, 4, 24, 8).unwrap();
        let grouped = grouped_design(4, vec![vec![0], vec![1], vec![2], vec![3]], 6, 4, 24, 8).unwrap();
        assert_eq!(plain, grouped);
    }

    #[test]
    fn parameters_are_checked() {
        assert!(design(3, 1, 4, 4, 1).unwrap_err().to_string().contains("--trajectories"));
        assert!(design(3, 4, 5, 4, 1).unwrap_err().to_string().contains("--levels"));
        assert!(design(3, 4, 4, 3, 1).unwrap_err().to_string().contains("--candidates"));
        assert!(design(0, 4, 4, 4, 1).is_err());
    }

    #[test]
    fn the_design_does_not_depend_on_the_thread_count() {
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        let a = one.install(|| design(6, 10, 4, 60, 2).unwrap());
        let b = four.install(|| design(6, 10, 4, 60, 2).unwrap());
        assert_eq!(a, b);
    }
}
