//! Every optimal allocation: is the optimum unique, and if not, which allocations tie with the
//! one the tie-break chose, how far each unit's slots range over them, and why the tie-break
//! chose its one.
//!
//! # What "optimal" means here
//!
//! Exactly the optimiser's own order (see [`objective`](super::objective)): an allocation is
//! optimal when its *primary* cost equals the optimum's —
//!
//! - `l1`: `P(x) = Σ_i Σ_{k<x_i} l1_key(q_i, k)`, the one-slot steps of `|x − q|` rounded to
//!   multiples of 2^-40 (so that steps equal in real arithmetic, e.g. q = 16/3 at k = 5 and
//!   q = 1/3 at k = 0, are equal and not ordered by the last bits of q);
//! - `chi-square`: the same with the steps `(2k+1−2q)/q` as f64 values;
//! - `minimax`: every feasible allocation inside the level boxes of the optimum's level z
//!   (`|x_i − q_i| ≤ z·max(q_i, 0.001)`, the boxes the optimiser breaks ties in).
//!
//! Equality is exact: a primary cost changes by `p(i, x_i) − p(j, x_j − 1)` under the exchange
//! "one slot from j to i", and that difference is zero exactly when the two f64 steps are equal.
//!
//! # Why exchanges find every optimum (the laminar case)
//!
//! On the fast path's structure — box bounds, the total and laminar groups — the feasible set
//! is an M-convex set and `P` a separable convex function on it (steps non-decreasing in k,
//! rounding included: `l1_key` is monotone), so `P` is M-convex (Murota, *Discrete Convex
//! Analysis*, SIAM 2003, §6.3, Note 6.11). Two facts from there:
//!
//! 1. The exchange axiom of an M-convex function f (ibid., §6.1): for x, y in its domain and
//!    every unit i with `x_i > y_i` there is a unit j with `x_j < y_j` such that
//!    `f(x) + f(y) ≥ f(x − e_i + e_j) + f(y + e_i − e_j)`.
//! 2. Hence the minimisers form an M-convex set B: if x and y are minimisers, both points on
//!    the right are ≥ min f and their sum is ≤ 2·min f, so both are minimisers — in particular
//!    `x − e_i + e_j ∈ B`. For minimax, B is the feasible set cut by the level boxes: box
//!    bounds, the total and laminar groups again, so (with f = 0 on it) the same holds.
//!
//! So from any optimum x, each other optimum y is reached by `½‖x − y‖₁` single-slot
//! exchanges, each between optima (apply (2) to the current point and y: the distance to y
//! drops by 2). Hence:
//!
//! - **enumeration**: breadth-first search from the chosen allocation over the exchanges that
//!   keep the constraints and leave `P` unchanged visits every optimum, nearer ones first;
//! - **ranges**: unit i's smallest slots over all optima is reached greedily — while some
//!   optimum has fewer, (2) gives an exchange from the current point that lowers `x_i` and
//!   stays optimal — and its largest likewise;
//! - **uniqueness**: the optimum is unique exactly when no such exchange exists at it.
//!
//! Custom rows and overlapping groups break M-convexity (the optima need not be connected by
//! exchanges), so [`all_optima`] refuses them ([`OptimizeError::AllOptimaNeedLaminar`]); the
//! test suite compares the enumerated set with brute force on thousands of small instances.
//!
//! # Why the chosen one
//!
//! The optimiser minimises `P`, then the chi-square distance S (not for `chi-square`, whose
//! `P` is S), then `Σ i·x_i` (a slot goes to the unit listed first). [`Preference`] says, for
//! each listed alternative, which of the last two rules prefers the chosen allocation.

use std::collections::{HashSet, VecDeque};

use serde::Serialize;

use super::fast::Tree;
use super::model::{Instance, Model};
use super::objective::{chi_square_distance, l1_key, level_box, rel_weight, Objective, TIE_BREAK_RULE};
use super::{not_laminar, objective_value, run, OptimizeError, Status};

/// How many alternatives [`all_optima`] lists by default (`--all-optima` without a number).
pub const DEFAULT_LISTED: usize = 10;

/// How many optima are counted by default before the count is reported as "at least".
pub const DEFAULT_COUNT_LIMIT: usize = 100_000;

/// Two chi-square distances closer than this (relative to the larger, at least 1) are read
/// as equal when saying why the chosen allocation won: they are sums of f64 terms, and the
/// optimiser compares their one-slot steps, not the sums.
pub const CHI_SQUARE_TIE_TOL: f64 = 1e-12;

/// Which rule prefers the chosen allocation to an alternative with the same objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Preference {
    /// The chosen allocation has the smaller chi-square distance Σ(x−q)²/q.
    ChiSquare {
        /// The chosen allocation's distance.
        chosen: f64,
        /// The alternative's.
        other: f64,
    },
    /// Equal chi-square distance (or objective `chi-square`, whose value ties): slots go to
    /// the units listed first — the chosen allocation has the smaller Σ position × slots.
    ListOrder {
        /// The first unit (in list order) whose slots differ.
        unit: usize,
        /// Σ i·x_i of the chosen allocation (i counted from 0).
        chosen: u64,
        /// The same for the alternative.
        other: u64,
    },
    /// Equal chi-square distance in real arithmetic (to [`CHI_SQUARE_TIE_TOL`]) between units
    /// with different quotas: the optimiser's f64 one-slot steps differ in their last bits,
    /// and that difference ordered them.
    Rounding,
}

/// One optimal allocation other than the chosen one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// Slots per unit, in input order.
    pub slots: Vec<u64>,
    /// Single-slot exchanges between it and the chosen allocation (`½ Σ|x − y|`).
    pub exchanges: u64,
    /// Its chi-square distance (the tie-break's measure).
    pub chi_square: f64,
    /// Why the chosen allocation was preferred.
    pub preference: Preference,
}

/// A unit's slots over every optimal allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlotRange {
    /// Its slots in the chosen allocation.
    pub chosen: u64,
    /// Fewest slots in any optimal allocation.
    pub min: u64,
    /// Most slots in any optimal allocation.
    pub max: u64,
}

/// Every optimal allocation of a problem (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllOptima {
    /// `l1`, `chi-square` or `minimax`.
    pub objective_kind: String,
    /// The objective's value at the chosen allocation.
    pub objective: f64,
    /// Whether the chosen allocation is the only optimal one.
    pub unique: bool,
    /// The number of optimal allocations, the chosen one included (a lower bound when
    /// `count_exact` is false).
    pub count: usize,
    /// Whether `count` is exact (false: counting stopped at the limit).
    pub count_exact: bool,
    /// The allocation the tie-break chose (what `quota allocate` publishes).
    pub chosen: Vec<u64>,
    /// Its chi-square distance.
    pub chosen_chi_square: f64,
    /// Up to the asked number of other optimal allocations, fewest exchanges from the chosen
    /// one first (then in the order the search meets them: gaining unit, then losing unit,
    /// in list order).
    pub alternatives: Vec<Alternative>,
    /// Each unit's slots over all optimal allocations (exact, whatever the count).
    pub ranges: Vec<SlotRange>,
    /// The tie-break rule, in words.
    pub tie_break: &'static str,
}

/// The optimal allocations of an instance: lists up to `listed` alternatives, counts up to
/// `count_limit` optima (at least 1). Needs the fast path's structure (no custom rows, no
/// overlapping groups); an infeasible instance or a time limit is an error here, since there
/// is no optimum to compare with.
pub(crate) fn all_optima(
    inst: &Instance,
    listed: usize,
    count_limit: usize,
) -> Result<AllOptima, OptimizeError> {
    let model = inst.full_model();
    if let Err(why) = Tree::build(&model, inst.ideal) {
        return Err(OptimizeError::AllOptimaNeedLaminar { reason: not_laminar(inst, &why) });
    }
    let (status, _, chosen) = run(inst, &model, None)?;
    if status != Status::Optimal {
        return Err(OptimizeError::NoOptimum { status: status.to_string() });
    }
    let kind = inst.constraints.objective;
    let space = Space::new(inst, &model, &chosen);
    let (count, count_exact, found) = space.search(&chosen, listed, count_limit.max(1));
    let chosen_chi = chi_square_distance(inst.ideal, &chosen);
    let alternatives = found
        .into_iter()
        .map(|slots| {
            let chi = chi_square_distance(inst.ideal, &slots);
            let exchanges = chosen.iter().zip(&slots).map(|(&a, &b)| a.abs_diff(b)).sum::<u64>() / 2;
            let preference = preference(kind, &chosen, &slots, chosen_chi, chi);
            Alternative { slots, exchanges, chi_square: chi, preference }
        })
        .collect();
    let ranges = (0..inst.len())
        .map(|i| SlotRange {
            chosen: chosen[i],
            min: space.extreme(&chosen, i, false),
            max: space.extreme(&chosen, i, true),
        })
        .collect();
    Ok(AllOptima {
        objective_kind: kind.name().into(),
        objective: objective_value(kind, inst.ideal, &chosen),
        unique: count == 1,
        count,
        count_exact,
        chosen_chi_square: chosen_chi,
        chosen,
        alternatives,
        ranges,
        tie_break: TIE_BREAK_RULE,
    })
}

fn preference(kind: Objective, chosen: &[u64], other: &[u64], chosen_chi: f64, chi: f64) -> Preference {
    let tol = CHI_SQUARE_TIE_TOL * chosen_chi.abs().max(chi.abs()).max(1.0);
    if kind != Objective::ChiSquare && (chi - chosen_chi).abs() > tol {
        return Preference::ChiSquare { chosen: chosen_chi, other: chi };
    }
    let position = |x: &[u64]| x.iter().enumerate().map(|(i, &v)| i as u64 * v).sum::<u64>();
    let (a, b) = (position(chosen), position(other));
    if a < b {
        let unit = chosen.iter().zip(other).position(|(a, b)| a != b).unwrap_or(0);
        Preference::ListOrder { unit, chosen: a, other: b }
    } else {
        Preference::Rounding
    }
}

/// The optimal set's exchange graph: bounds, group rows, and the primary step of each unit.
struct Space<'a> {
    ideal: &'a [f64],
    kind: Objective,
    lo: Vec<u64>,
    hi: Vec<u64>,
    /// Group rows: bounds and members.
    rows: Vec<(u64, u64)>,
    /// Rows each unit belongs to (ascending).
    rows_of: Vec<Vec<usize>>,
}

impl<'a> Space<'a> {
    fn new(inst: &Instance<'a>, model: &Model, chosen: &[u64]) -> Self {
        let (mut lo, mut hi) = (model.lo.clone(), model.hi.clone());
        let kind = inst.constraints.objective;
        if kind == Objective::Minimax {
            // The optima are the feasible points in the boxes of the chosen level.
            let z = objective_value(kind, inst.ideal, chosen);
            for i in 0..lo.len() {
                let q = inst.ideal[i];
                let (a, b) = level_box(q, rel_weight(q), z, lo[i], hi[i]);
                (lo[i], hi[i]) = (a, b);
            }
        }
        let mut rows_of = vec![Vec::new(); lo.len()];
        for (r, row) in model.rows.iter().enumerate() {
            for &i in &row.members {
                rows_of[i].push(r);
            }
        }
        let rows = model.rows.iter().map(|r| (r.lo, r.hi)).collect();
        Space { ideal: inst.ideal, kind, lo, hi, rows, rows_of }
    }

    /// The primary cost of unit i's step from k to k+1 (0 for minimax: inside the level boxes
    /// every point is optimal).
    fn step(&self, i: usize, k: u64) -> f64 {
        let q = self.ideal[i];
        match self.kind {
            Objective::L1 => l1_key(q, k),
            Objective::ChiSquare => super::objective::chi_step(q, rel_weight(q), k),
            Objective::Minimax => 0.0,
        }
    }

    /// Row sums at x.
    fn sums(&self, x: &[u64]) -> Vec<u64> {
        let mut s = vec![0; self.rows.len()];
        for (i, rs) in self.rows_of.iter().enumerate() {
            for &r in rs {
                s[r] += x[i];
            }
        }
        s
    }

    /// The primary steps at x: unit i's next increment (`None` at its upper bound) and last
    /// decrement (`None` at its lower bound).
    fn steps(&self, x: &[u64], gain: &mut Vec<Option<f64>>, loss: &mut Vec<Option<f64>>) {
        gain.clear();
        loss.clear();
        gain.extend((0..x.len()).map(|i| (x[i] < self.hi[i]).then(|| self.step(i, x[i]))));
        loss.extend((0..x.len()).map(|i| (x[i] > self.lo[i]).then(|| self.step(i, x[i] - 1))));
    }

    /// Whether moving one slot from j to i keeps x feasible and the primary cost unchanged,
    /// given the steps and row sums at x.
    fn neutral(&self, gain: &[Option<f64>], loss: &[Option<f64>], sums: &[u64], i: usize, j: usize) -> bool {
        let (Some(g), Some(l)) = (gain[i], loss[j]) else { return false };
        // Exact equality of the two f64 steps (−0 = +0).
        if i == j || (g + 0.0).to_bits() != (l + 0.0).to_bits() {
            return false;
        }
        let (ri, rj) = (&self.rows_of[i], &self.rows_of[j]);
        ri.iter().all(|r| rj.binary_search(r).is_ok() || sums[*r] < self.rows[*r].1)
            && rj.iter().all(|r| ri.binary_search(r).is_ok() || sums[*r] > self.rows[*r].0)
    }

    /// Breadth-first search from `start`: (count up to `limit`, whether exact, the first
    /// `listed` optima other than `start` in search order).
    fn search(&self, start: &[u64], listed: usize, limit: usize) -> (usize, bool, Vec<Vec<u64>>) {
        let n = start.len();
        let mut seen: HashSet<Vec<u64>> = HashSet::new();
        let mut queue = VecDeque::new();
        let mut found = Vec::new();
        seen.insert(start.to_vec());
        queue.push_back(start.to_vec());
        let (mut gain, mut loss) = (Vec::new(), Vec::new());
        while let Some(x) = queue.pop_front() {
            let sums = self.sums(&x);
            self.steps(&x, &mut gain, &mut loss);
            for i in (0..n).filter(|&i| gain[i].is_some()) {
                for j in 0..n {
                    if !self.neutral(&gain, &loss, &sums, i, j) {
                        continue;
                    }
                    let mut y = x.clone();
                    y[i] += 1;
                    y[j] -= 1;
                    if seen.contains(&y) {
                        continue;
                    }
                    if seen.len() == limit {
                        return (limit, false, found);
                    }
                    if found.len() < listed {
                        found.push(y.clone());
                    }
                    seen.insert(y.clone());
                    queue.push_back(y);
                }
            }
        }
        (seen.len(), true, found)
    }

    /// Unit i's most (`up`) or fewest slots over all optima, by greedy neutral exchanges.
    fn extreme(&self, start: &[u64], i: usize, up: bool) -> u64 {
        let mut x = start.to_vec();
        let (mut gain, mut loss) = (Vec::new(), Vec::new());
        loop {
            let sums = self.sums(&x);
            self.steps(&x, &mut gain, &mut loss);
            let other = (0..x.len()).find(|&j| {
                if up {
                    self.neutral(&gain, &loss, &sums, i, j)
                } else {
                    self.neutral(&gain, &loss, &sums, j, i)
                }
            });
            let Some(j) = other else { return x[i] };
            let (to, from) = if up { (i, j) } else { (j, i) };
            x[to] += 1;
            x[from] -= 1;
        }
    }
}
