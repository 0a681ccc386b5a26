//! The LP path: the primary optimum from good_lp (`lp.rs`), then the tie-break applied by
//! pairwise exchanges.
//!
//! Exchanges. From any feasible allocation, move one slot from unit j to unit i whenever that
//! keeps every constraint and the increment key of i is smaller than the decrement key of j
//! (see [`objective`](super::objective)); stop when no such move exists. Each move strictly
//! lowers the objective in key order, so this terminates. On the constraint structures of the
//! fast path the exchange-optimal allocation is the unique optimum under the tie-break (the
//! fast path's module docs give the theorem), so both paths return the same integers; with
//! custom constraints or overlapping groups it is the solver's optimum refined by every
//! improving exchange (a local, deterministic refinement).

use super::fast::Tree;
use super::lp::{self, Answer, Budget};
use super::model::{custom_lhs, Model};
use super::objective::{
    level_box, max_relative_deviation, next_level, rel_weight, Costs, Key, Objective, Separable,
};
use super::OptimizeError;

/// Solves the model on the LP path. `Found` slots are exchange-optimal under the tie-break.
pub(crate) fn solve(
    m: &Model,
    ideal: &[f64],
    objective: Objective,
    budget: &Budget,
) -> Result<Answer, OptimizeError> {
    match objective {
        Objective::L1 => {
            let answer = lp::l1(m, ideal, budget)?;
            Ok(refine(answer, m, &m.lo, &m.hi, &Costs::new(ideal, Separable::L1ThenChi)))
        }
        Objective::ChiSquare => {
            let costs = Costs::new(ideal, Separable::Chi);
            let center = estimate(m, ideal, &m.lo, &m.hi, &costs);
            let answer = lp::chi_square(m, ideal, &m.lo, &m.hi, &center, budget)?;
            Ok(refine(answer, m, &m.lo, &m.hi, &Costs::new(ideal, Separable::Chi)))
        }
        Objective::Minimax => minimax(m, ideal, budget),
    }
}

/// The laminar part of the model: custom rows dropped, and a group dropped when it overlaps
/// one kept before it. Its optimum bounds the model's from below.
fn laminar_part(m: &Model, ideal: &[f64]) -> (Model, Tree) {
    let mut relaxed = m.clone();
    relaxed.customs.clear();
    relaxed.rows.clear();
    for row in &m.rows {
        relaxed.rows.push(row.clone());
        if Tree::build(&relaxed, ideal).is_err() {
            relaxed.rows.pop();
        }
    }
    let tree = Tree::build(&relaxed, ideal).expect("laminar by construction");
    (relaxed, tree)
}

/// A starting point for windowed formulations: the fast path's optimum on the laminar part of
/// the model, or the rounded ideal quotas if that part is infeasible. Only the LP's running
/// time depends on it.
fn estimate(m: &Model, ideal: &[f64], lo: &[u64], hi: &[u64], costs: &Costs) -> Vec<u64> {
    let (_, tree) = laminar_part(m, ideal);
    let (mut l, mut h) = (Vec::new(), Vec::new());
    if tree.ranges(lo, hi, &mut l, &mut h).is_ok() {
        let mut x = Vec::new();
        tree.solve_separable(lo, hi, costs, &mut x);
        x
    } else {
        ideal.iter().map(|&q| q.round().max(0.0) as u64).collect()
    }
}

fn refine(answer: Answer, m: &Model, lo: &[u64], hi: &[u64], costs: &Costs) -> Answer {
    match answer {
        Answer::Found { mut x, proven } => {
            exchange(m, lo, hi, costs, &mut x);
            Answer::Found { x, proven }
        }
        other => other,
    }
}

/// Minimax on the LP path: the LP bound, then feasibility solves over the boxes at the bound
/// and the candidate levels above it (galloping, then bisection), then the chi-square
/// tie-break inside the level boxes.
fn minimax(m: &Model, ideal: &[f64], budget: &Budget) -> Result<Answer, OptimizeError> {
    let n = m.len();
    let Some(bound) = lp::minimax_bound(m, ideal, budget)? else { return Ok(Answer::Infeasible) };
    let w: Vec<f64> = ideal.iter().map(|&q| rel_weight(q)).collect();
    let boxes = |z: f64| -> (Vec<u64>, Vec<u64>) {
        (0..n).map(|i| level_box(ideal[i], w[i], z, m.lo[i], m.hi[i])).unzip()
    };
    let test = |z: f64| -> Result<Answer, OptimizeError> {
        let (lo, hi) = boxes(z);
        if (0..n).any(|i| lo[i] > hi[i]) {
            return Ok(Answer::Infeasible);
        }
        lp::feasible(m, &lo, &hi, budget)
    };
    // Candidate levels in increasing order, starting with z0 itself (just below the LP bound).
    // `next_level(z0)` only returns levels at which a box grows beyond the boxes at z0, and
    // those already reach BOX_TOL/w_i past z0 — more than z0's margin below the bound when
    // w_i < 1 — and, for a bound of 0 and integer quotas, are the level-0 boxes. So the
    // optimum's boxes can be exactly the boxes at z0, which no later candidate tests (the fast
    // path likewise tests the boxes at its start, level 0).
    let z0 = bound * (1.0 - 1e-9) - 1e-12;
    let mut levels = Levels { m, ideal, list: vec![z0], z: z0 };
    // First probe: the level of the laminar part of the model (a lower bound on the optimum,
    // and the optimum itself when the model is laminar); the LP bound keeps the search honest.
    let (_, tree) = laminar_part(m, ideal);
    let (mut l, mut h) = (Vec::new(), Vec::new());
    if tree.ranges(&m.lo, &m.hi, &mut l, &mut h).is_err() {
        return Ok(Answer::Infeasible);
    }
    let guess = tree.solve_minimax(&m.lo, &m.hi, ideal, &mut Vec::new());
    let mut probe = 0;
    while levels.get(probe + 1).is_some_and(|c| c <= guess * (1.0 + 1e-12)) {
        probe += 1;
    }
    // `below`: the largest level known infeasible; `found`: the smallest known feasible.
    let mut below: Option<usize> = None;
    let mut step = 1;
    let (mut at, mut x, mut proven) = loop {
        match test(levels.list[probe])? {
            Answer::Found { x, proven } => break (probe, x, proven),
            Answer::Infeasible => {
                below = Some(probe);
                if levels.get(probe + 1).is_none() {
                    return Ok(Answer::Infeasible);
                }
                probe += step;
                step *= 2;
                if levels.get(probe).is_none() {
                    probe = levels.list.len() - 1;
                }
            }
            Answer::TimedOut => return Ok(Answer::TimedOut),
        }
    };
    // Bisect between the last infeasible level and the feasible one (checking the level just
    // below a first-probe hit, and everything below it if that is feasible too).
    loop {
        let lo_idx = below.map_or(0, |b| b + 1);
        if lo_idx >= at {
            break;
        }
        let mid = if below.is_none() && at > 0 && at == probe { at - 1 } else { (lo_idx + at) / 2 };
        match test(levels.list[mid])? {
            Answer::Found { x: y, proven: p } => (at, x, proven) = (mid, y, p),
            Answer::Infeasible => below = Some(mid),
            Answer::TimedOut => {
                proven = false;
                break;
            }
        }
    }
    refine_minimax(Answer::Found { x, proven }, m, ideal, &w)
}

/// Candidate minimax levels, computed on demand in increasing order: the starting level, then
/// each level at which a box grows.
struct Levels<'a> {
    m: &'a Model,
    ideal: &'a [f64],
    list: Vec<f64>,
    z: f64,
}

impl Levels<'_> {
    fn get(&mut self, idx: usize) -> Option<f64> {
        while self.list.len() <= idx {
            let c = next_level(self.ideal, &self.m.lo, &self.m.hi, self.z)?;
            self.list.push(c);
            self.z = c;
        }
        Some(self.list[idx])
    }
}

fn refine_minimax(answer: Answer, m: &Model, ideal: &[f64], w: &[f64]) -> Result<Answer, OptimizeError> {
    let Answer::Found { mut x, proven } = answer else { return Ok(answer) };
    let z = max_relative_deviation(ideal, &x);
    let (lo, hi): (Vec<u64>, Vec<u64>) =
        (0..m.len()).map(|i| level_box(ideal[i], w[i], z, m.lo[i], m.hi[i])).unzip();
    exchange(m, &lo, &hi, &Costs::new(ideal, Separable::Chi), &mut x);
    Ok(Answer::Found { x, proven })
}

/// Applies improving feasible exchanges to `x` (within `lo..hi` and the model's rows) until
/// none is left.
pub(crate) fn exchange(m: &Model, lo: &[u64], hi: &[u64], costs: &Costs, x: &mut [u64]) {
    let n = m.len();
    let member: Vec<Vec<bool>> = m
        .rows
        .iter()
        .map(|r| {
            let mut v = vec![false; n];
            for &i in &r.members {
                v[i] = true;
            }
            v
        })
        .collect();
    let coef: Vec<Vec<i64>> = m
        .customs
        .iter()
        .map(|c| {
            let mut v = vec![0; n];
            for &(i, a) in &c.terms {
                v[i] = a;
            }
            v
        })
        .collect();
    let mut sums: Vec<u64> = m.rows.iter().map(|r| r.members.iter().map(|&i| x[i]).sum()).collect();
    let mut lhs: Vec<i128> = m.customs.iter().map(|c| custom_lhs(&c.terms, x)).collect();
    let mut gains: Vec<(Key, usize)> = Vec::with_capacity(n);
    let mut losses: Vec<(Key, usize)> = Vec::with_capacity(n);
    loop {
        gains.clear();
        losses.clear();
        for i in 0..n {
            if x[i] < hi[i] {
                gains.push((costs.key(i, x[i]), i));
            }
            if x[i] > lo[i] {
                losses.push((costs.key(i, x[i] - 1), i));
            }
        }
        gains.sort_by(|a, b| a.0.cmp(&b.0));
        losses.sort_by(|a, b| b.0.cmp(&a.0));
        let allowed = |i: usize, j: usize, sums: &[u64], lhs: &[i128]| {
            for (r, row) in m.rows.iter().enumerate() {
                let delta = i64::from(member[r][i]) - i64::from(member[r][j]);
                if (delta > 0 && sums[r] + 1 > row.hi) || (delta < 0 && sums[r] < row.lo + 1) {
                    return false;
                }
            }
            m.customs.iter().enumerate().all(|(c, row)| {
                let delta = coef[c][i] as i128 - coef[c][j] as i128;
                delta == 0 || row.op.holds(lhs[c] + delta, row.rhs as i128)
            })
        };
        let mut found = None;
        'search: for &(gk, i) in &gains {
            for &(lk, j) in &losses {
                if !gk.better_than(&lk) {
                    break;
                }
                if i != j && allowed(i, j, &sums, &lhs) {
                    found = Some((i, j));
                    break 'search;
                }
            }
        }
        let Some((i, j)) = found else { return };
        x[i] += 1;
        x[j] -= 1;
        for (r, s) in sums.iter_mut().enumerate() {
            if member[r][i] {
                *s += 1;
            }
            if member[r][j] {
                *s -= 1;
            }
        }
        for (c, v) in lhs.iter_mut().enumerate() {
            *v += coef[c][i] as i128 - coef[c][j] as i128;
        }
    }
}
