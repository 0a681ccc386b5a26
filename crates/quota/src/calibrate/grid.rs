//! Exact allocations at given weightings, and a grid of weightings over the free coordinates.
//!
//! [`Evaluator::slots`] is the pipeline of `quota allocate` — scores, the one float → integer
//! step ([`integer_weights`]), the exact apportionment — without the report around it:
//! the same arithmetic on the same numbers, so the same slots ([`apportion_seats`] gives
//! exactly the seats of [`apportion`](crate::apportion::apportion); tested against
//! [`reallocate`], which calls [`allocate`] itself).

use super::components::{Components, Weighting};
use crate::allocate::{allocate, AllocateError};
use crate::apportion::ApportionError;
use crate::apportion::{apportion_seats, Method, Problem, Scratch};
use crate::scenario::{MethodChoice, Scenario};
use crate::scoring::integer_weights;

/// Development-weight values per grid line when δ varies together with two or more indicator
/// weights.
const DEVELOPMENT_STEPS: usize = 11;

/// A scenario with a weighting put in (the scenario's total, bounds and method are kept).
pub(crate) fn reweighted(s: &Scenario, w: &Weighting) -> Scenario {
    let mut out = s.clone();
    for (ind, &v) in out.indicators.iter_mut().zip(&w.weights) {
        ind.weight = v;
    }
    if let Some(dev) = out.disparity.as_mut().and_then(|d| d.development.as_mut()) {
        dev.2 = w.development_weight;
    }
    out
}

/// The slots `quota allocate` gives `s` under `w` with `method` (None when the weighting
/// leaves the bounds without a solution, e.g. only units of weight 0 could take a slot).
pub(crate) fn reallocate(
    s: &Scenario,
    w: &Weighting,
    method: Method,
) -> Result<Option<Vec<u64>>, AllocateError> {
    let mut t = reweighted(s, w);
    t.method = MethodChoice::Apportion(method);
    match allocate(&t) {
        Ok(a) => Ok(Some(a.units.iter().map(|u| u.slots).collect())),
        Err(AllocateError::Apportion(_) | AllocateError::Scoring(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Fast exact allocation of one scenario at many weightings.
pub(crate) struct Evaluator<'a> {
    scenario: &'a Scenario,
    method: Method,
    problem: Problem,
    scores: Vec<f64>,
    weights: Vec<u64>,
    scratch: Scratch,
    out: Vec<u64>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator of `s` (its total, floors and caps) under `method`.
    pub fn new(s: &'a Scenario, method: Method) -> Result<Self, ApportionError> {
        let n = s.units.len();
        let problem = Problem::with_bounds(vec![1; n], s.floors.clone(), s.caps.clone(), s.total, &|i| {
            s.units.get(i).code.clone()
        })?;
        Ok(Evaluator {
            scenario: s,
            method,
            problem,
            scores: vec![0.0; n],
            weights: Vec::with_capacity(n),
            scratch: Scratch::default(),
            out: Vec::with_capacity(n),
        })
    }

    /// Σ |N·score_i/Σ score − x_i| over the observed units, for the scores of the last
    /// [`slots`](Self::slots) call: how far the ideal quotas are from the observation, a
    /// continuous guide for [`descend`] across weightings of equal slot error.
    pub fn quota_distance(&self, observed: &[Option<u64>]) -> f64 {
        let sum: f64 = self.scores.iter().sum();
        let n = self.problem.total() as f64;
        observed.iter().zip(&self.scores).filter_map(|(x, s)| x.map(|x| (n * s / sum - x as f64).abs())).sum()
    }

    /// The slots under `w`, or None when the weighting has no allocation within the bounds.
    pub fn slots(&mut self, w: &Weighting) -> Option<&[u64]> {
        self.scenario.model.scores_into(&w.weights, w.development_weight, &mut self.scores);
        integer_weights(&self.scores, &mut self.weights).ok()?;
        self.problem.set_weights(&self.weights).ok()?;
        apportion_seats(&self.problem, self.method, &mut self.scratch, &mut self.out);
        Some(&self.out)
    }
}

/// Points of the free coordinates, about `target` of them, in a fixed order: the free
/// indicator weights on a regular simplex grid of step `share/m` (they sum to the free share),
/// times δ on `DEVELOPMENT_STEPS` even steps of its range when it varies (or `target` steps when
/// it is the only free coordinate).
pub(crate) fn points(comps: &Components, target: usize) -> Vec<Vec<f64>> {
    let f = (0..comps.indicators).filter(|&j| comps.free[j]).count();
    let share = comps.free_share();
    let dev: Vec<f64> = match comps.development {
        super::components::Development::Range(lo, hi) if hi > lo => {
            let steps = if f <= 1 { target.max(2) } else { DEVELOPMENT_STEPS };
            (0..steps).map(|k| lo + (hi - lo) * k as f64 / (steps - 1) as f64).collect()
        }
        super::components::Development::Range(lo, _) => vec![lo],
        _ => Vec::new(),
    };
    let per_line = (target / dev.len().max(1)).max(1);
    let m = if f <= 1 { 1 } else { largest_m(f, per_line) };
    let mut out = Vec::new();
    let mut parts = vec![0u32; f];
    compositions(m, 0, &mut parts, &mut |p| {
        let w: Vec<f64> =
            if f == 1 { vec![share] } else { p.iter().map(|&k| share * k as f64 / m as f64).collect() };
        if dev.is_empty() {
            out.push(w);
        } else {
            for &d in &dev {
                let mut point = w.clone();
                point.push(d);
                out.push(point);
            }
        }
    });
    out
}

/// The cost of a point for [`descend`]: slot error and tie-breaker, None without an allocation.
pub(crate) type Cost<'a> = dyn FnMut(&[f64]) -> Option<(u64, f64)> + 'a;

/// A deterministic pattern search from `start` for a smaller `cost` (slot error, then a
/// continuous tie-breaker — see [`Evaluator::quota_distance`] — to cross plateaus of equal
/// slot error): moves of size h between two free indicator weights (their sum stays the free
/// share), and of δ alone when it varies; an improving move is taken at once, and h halves
/// when none improves, from 10⁻² to 10⁻⁶. `cost` returns None for a weighting without an
/// allocation; at most `budget` weightings are tried. Returns the best point and its cost.
pub(crate) fn descend(
    comps: &Components,
    start: Vec<f64>,
    start_cost: (u64, f64),
    budget: usize,
    cost: &mut Cost,
) -> (Vec<f64>, (u64, f64)) {
    let f = (0..comps.indicators).filter(|&j| comps.free[j]).count();
    let dev = match comps.development {
        super::components::Development::Range(lo, hi) => Some((lo, hi)),
        _ => None,
    };
    let (mut best, mut best_cost) = (start, start_cost);
    let mut h = 1e-2;
    let mut spent = 0;
    while h >= 1e-6 && best_cost.0 > 0 && spent < budget {
        let mut improved = false;
        let mut moves: Vec<Vec<f64>> = Vec::new();
        for a in 0..f {
            for b in 0..f {
                if a != b && best[b] >= h {
                    let mut p = best.clone();
                    p[a] += h;
                    p[b] -= h;
                    moves.push(p);
                }
            }
        }
        if let Some((lo, hi)) = dev {
            for step in [h, -h] {
                let mut p = best.clone();
                p[f] = (p[f] + step).clamp(lo, hi);
                moves.push(p);
            }
        }
        for p in moves {
            spent += 1;
            if let Some(c) = cost(&p) {
                if c.0 < best_cost.0 || (c.0 == best_cost.0 && c.1 < best_cost.1) {
                    (best, best_cost) = (p, c);
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            h /= 2.0;
        }
    }
    (best, best_cost)
}

/// Number of points of the simplex grid with step 1/m in f coordinates: C(m + f − 1, f − 1).
fn grid_size(f: usize, m: u32) -> f64 {
    (1..f).map(|k| (m as f64 + k as f64) / k as f64).product()
}

fn largest_m(f: usize, target: usize) -> u32 {
    let mut m = 1u32;
    while grid_size(f, m + 1) <= target as f64 && m < 1_000_000 {
        m += 1;
    }
    m
}

/// Every way of writing m as an ordered sum of `parts.len()` non-negative integers, in
/// lexicographic order.
pub(super) fn compositions(m: u32, k: usize, parts: &mut Vec<u32>, visit: &mut dyn FnMut(&[u32])) {
    if parts.is_empty() {
        visit(parts);
        return;
    }
    if k + 1 == parts.len() {
        parts[k] = m;
        visit(parts);
        return;
    }
    for v in 0..=m {
        parts[k] = v;
        compositions(m - v, k + 1, parts, visit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplex_grid_sizes_and_order() {
        assert!((grid_size(3, 2) - 6.0).abs() < 1e-12);
        assert_eq!(largest_m(3, 20_000), 198);
        let mut seen = Vec::new();
        compositions(2, 0, &mut vec![0; 3], &mut |p| seen.push(p.to_vec()));
        assert_eq!(seen, [[0, 0, 2], [0, 1, 1], [0, 2, 0], [1, 0, 1], [1, 1, 0], [2, 0, 0]]);
    }
}
