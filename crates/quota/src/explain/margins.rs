//! Margins: how far one of a unit's indicator values, or one indicator weight, must move for
//! the unit to gain or lose a slot, everything else held fixed.
//!
//! The unit's slots are a piecewise-constant function of any one input. Each direction (up,
//! down) is searched from the current value: a grid of geometrically growing steps (`2^-40`
//! of the range, doubling up to the whole range) finds the first step whose slots differ;
//! that doubling is cut into 16 equal parts to find the first part that differs; bisection
//! between it and the last unchanged point narrows the crossing to [`MARGIN_TOLERANCE`]
//! (relative to the value's magnitude). The result is a bracket: the largest change tested
//! that keeps the slots, and the smallest that changes them. About 100 re-allocations per
//! direction.
//!
//! **Monotone cases.** Under a divisor method, raising a unit's own raw indicator value under
//! `share` or `log-share` normalisation raises its normalised value and lowers every other
//! unit's (their transformed values are unchanged, the column sum grows), so its score rises
//! against every other unit's. Divisor methods are population monotone (Balinski & Young,
//! *Fair Representation*, 2nd ed., 2001: if unit i's weight rises relative to unit k's, i never
//! loses a slot while k gains one); with the total fixed, a unit that loses a slot hands it to
//! some other unit, so a unit whose weight rises relative to *every* other never loses one.
//! The argument goes through with floors and caps (a threshold T with each unit at
//! `clamp(#{k : W/d(k) ≥ T}, floor, cap)`: if i lost, T would have to rise, and then no unit
//! whose weight fell relative to i could gain). So its slots are non-decreasing in the value
//! and the first crossing found is the only one in that direction. The same holds, reversed, for its
//! development indicator (a higher GDP per capita lowers its development term and raises
//! everyone else's). The one caveat is the 10^-12 rounding of weights ([`integer_weights`]),
//! which can reorder claims that differ by less than that.
//!
//! **Other cases** — Hamilton (not population monotone: the population paradox), min-max and
//! z-score normalisation (one value moves the column's min, max, mean or sd), and indicator
//! weights (raising a weight lifts the unit against some units and lowers it against others)
//! — may respond non-monotonically. The search then reports the first crossing on its grid
//! (a gain-and-loss-back between two grid points can be missed),
//! and [`Margin::monotone_on_grid`] says whether the slots moved monotonically over the
//! whole grid.
//!
//! **The optimiser** ([`margins_optimized`]) is searched the same way, each point re-solving the
//! optimisation model with the scenario's constraints (floors, caps, groups, change limits …
//! held as written). No monotonicity is claimed for it: side constraints can make a unit's
//! slots respond to its own data in either direction. A point where the model has no
//! allocation (possible with `quota_condition`, whose ranges move with the quotas) ends the
//! search in that direction.
//!
//! [`integer_weights`]: crate::scoring::integer_weights

use serde::Serialize;

use crate::allocate::{ideal_quotas, scenario_problem, unit_labels};
use crate::apportion::{apportion_seats, Method, Problem, Scratch};
use crate::optimize::{solve_slots, Constraints, Status};
use crate::scenario::Scenario;
use crate::scoring::{self, Normalisation, ScoreModel};

/// The relative width to which a crossing is bisected: `|after − before| ≤ 1e-9 · max(|value|, 1)`.
pub const MARGIN_TOLERANCE: f64 = 1e-9;

/// Doublings in the search grid (the first grid point is `2^-GRID_DOUBLINGS` of the range).
const GRID_DOUBLINGS: i32 = 40;
/// Equal parts the first doubling that changed is cut into.
const GRID_PARTS: usize = 16;

/// What is moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lever {
    /// The unit's raw value of an indicator.
    Indicator,
    /// The unit's raw development indicator (e.g. GDP per capita).
    Development,
    /// An indicator's weight (the other weights rescaled so all still sum to 1).
    Weight,
}

/// The bracket around a crossing, as changes from the current value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    /// The largest change tested that keeps the slots (≥ 0, in the direction's units).
    pub before: f64,
    /// The smallest change tested that changes them.
    pub after: f64,
    /// The value at `after`.
    pub value: f64,
    /// The unit's slots at `after`.
    pub slots: u64,
}

/// How far one input must move for the unit's slots to change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Margin {
    /// What is moved.
    pub lever: Lever,
    /// Column (indicator or development).
    pub column: String,
    /// Label.
    pub label: String,
    /// Current value (raw value, or normalised weight).
    pub current: f64,
    /// The unit's slots now.
    pub slots: u64,
    /// Raising the value: the first change that moves the slots (None: none within `up_range`).
    pub up: Option<Crossing>,
    /// Lowering it.
    pub down: Option<Crossing>,
    /// How far up was searched.
    pub up_range: f64,
    /// How far down was searched.
    pub down_range: f64,
    /// Whether the response is monotone by the argument in the module documentation.
    pub proven_monotone: bool,
    /// Whether the slots moved monotonically over the whole search grid.
    pub monotone_on_grid: bool,
}

/// What allocates: an apportionment method, or the scenario's optimisation model.
enum Engine<'a> {
    Method(Method),
    Optimize { s: &'a Scenario, constraints: Constraints, names: Vec<String>, ideal: Vec<f64> },
}

/// Re-allocates with a modified model and returns one unit's slots.
struct Evaluator<'a> {
    engine: Engine<'a>,
    problem: Problem,
    scratch: Scratch,
    scores: Vec<f64>,
    weights: Vec<u64>,
    seats: Vec<u64>,
}

impl Evaluator<'_> {
    fn slots(&mut self, model: &ScoreModel, w: &[f64], delta: f64, u: usize) -> Option<u64> {
        model.scores_into(w, delta, &mut self.scores);
        scoring::integer_weights(&self.scores, &mut self.weights).ok()?;
        self.problem.set_weights(&self.weights).ok()?;
        match &mut self.engine {
            Engine::Method(m) => apportion_seats(&self.problem, *m, &mut self.scratch, &mut self.seats),
            Engine::Optimize { s, constraints, names, ideal } => {
                ideal_quotas(&self.problem, ideal);
                let status =
                    solve_slots(ideal, &s.floors, &s.caps, s.total, constraints, names, &mut self.seats)
                        .ok()?;
                if status != Status::Optimal {
                    return None;
                }
            }
        }
        Some(self.seats[u])
    }
}

/// Searches one direction: `f(t)` is the slots at change `t ≥ 0` (None: outside the valid range).
fn search(
    mut f: impl FnMut(f64) -> Option<u64>,
    s0: u64,
    range: f64,
    tol: f64,
) -> (Option<Crossing>, bool, Vec<u64>) {
    let mut seen = vec![s0];
    if range <= 0.0 {
        return (None, true, seen);
    }
    // Coarse grid: range·2^-40, …, range/2, range.
    let coarse: Vec<f64> = (0..=GRID_DOUBLINGS).rev().map(|k| range * 2f64.powi(-k)).collect();
    let mut found: Option<(f64, f64, u64)> = None;
    let mut last_same = 0.0;
    for &t in &coarse {
        let Some(s) = f(t) else { break };
        seen.push(s);
        if found.is_none() {
            if s == s0 {
                last_same = t;
            } else {
                found = Some((last_same, t, s));
            }
        }
    }
    // Fine grid over the first doubling that changed: the first of its parts that changes
    // (a crossing and return within the doubling shows up here, not in the coarse grid).
    if let Some((lo, hi, _)) = found {
        let mut last = lo;
        for part in 1..GRID_PARTS {
            let t = lo + (hi - lo) * part as f64 / GRID_PARTS as f64;
            match f(t) {
                Some(s) if s == s0 => last = t,
                Some(s) => {
                    found = Some((last, t, s));
                    break;
                }
                None => break,
            }
        }
        // Slots seen from 0 up to the crossing are s0 (the fine grid stopped at the first
        // change), so monotonicity is judged on the coarse grid.
    }
    let Some((mut lo, mut hi, mut s_hi)) = found else {
        return (None, monotone(&seen), seen);
    };
    while hi - lo > tol {
        let mid = lo + (hi - lo) / 2.0;
        if mid <= lo || mid >= hi {
            break;
        }
        match f(mid) {
            Some(s) if s == s0 => lo = mid,
            Some(s) => {
                hi = mid;
                s_hi = s;
            }
            None => break,
        }
    }
    (Some(Crossing { before: lo, after: hi, value: f64::NAN, slots: s_hi }), monotone(&seen), seen)
}

fn monotone(v: &[u64]) -> bool {
    v.windows(2).all(|p| p[0] <= p[1]) || v.windows(2).all(|p| p[0] >= p[1])
}

/// The margins of unit `u` in scenario `s` under `method`: each indicator value, the
/// development indicator (if on) and each indicator weight (if there are two or more).
pub fn margins(s: &Scenario, method: Method, u: usize) -> Vec<Margin> {
    margins_by(s, Engine::Method(method), u)
}

/// The margins of unit `u` under scenario `s`'s optimisation model (its `[optimize]`
/// constraints as written), searched as for [`margins`]; never claimed monotone.
pub fn margins_optimized(s: &Scenario, u: usize) -> Vec<Margin> {
    let engine = Engine::Optimize {
        s,
        constraints: s.constraints.clone().unwrap_or_default(),
        names: unit_labels(s),
        ideal: Vec::with_capacity(s.units.len()),
    };
    margins_by(s, engine, u)
}

fn margins_by(s: &Scenario, engine: Engine<'_>, u: usize) -> Vec<Margin> {
    // Proven monotone (indicator values under share / log-share, development) only for divisor
    // methods.
    let divisor = matches!(engine, Engine::Method(m) if m.is_divisor());
    let scores0 = crate::allocate::scenario_scores(s);
    let Ok(problem) = scenario_problem(s, &scores0) else { return Vec::new() };
    let n = s.units.len();
    let mut ev = Evaluator {
        engine,
        problem,
        scratch: Scratch::default(),
        scores: vec![0.0; n],
        weights: Vec::with_capacity(n),
        seats: Vec::with_capacity(n),
    };
    let w0 = s.weights();
    let delta = s.development_weight();
    let Some(s0) = ev.slots(&s.model, &w0, delta, u) else { return Vec::new() };
    let mut out = Vec::new();

    // Indicator values.
    for (j, ind) in s.indicators.iter().enumerate() {
        let x = ind.values[u];
        let col_sum: f64 = ind.values.iter().sum();
        let up_range = 10.0 * col_sum.max(x).max(1.0);
        let tol = MARGIN_TOLERANCE * x.abs().max(1.0);
        let mut at = |value: f64| -> Option<u64> {
            let mut v = ind.values.clone();
            v[u] = value;
            let col = scoring::normalise(&ind.column, &v, ind.normalise).ok()?;
            let mut model = s.model.clone();
            model.normalised[j] = col;
            ev.slots(&model, &w0, delta, u)
        };
        let (up, g_up, _) = search(|t| at(x + t), s0, up_range, tol);
        let (down, g_down, _) = search(|t| at(x - t), s0, x, tol);
        let proven = divisor && matches!(ind.normalise, Normalisation::Share | Normalisation::LogShare);
        out.push(Margin {
            lever: Lever::Indicator,
            column: ind.column.clone(),
            label: ind.label.clone(),
            current: x,
            slots: s0,
            up: up.map(|c| Crossing { value: x + c.after, ..c }),
            down: down.map(|c| Crossing { value: x - c.after, ..c }),
            up_range,
            down_range: x,
            proven_monotone: proven,
            monotone_on_grid: g_up && g_down,
        });
    }

    // Development indicator.
    if let Some((col, g, _)) = s.disparity.as_ref().and_then(|d| d.development.as_ref()) {
        let names: Vec<String> = s.units.as_slice().iter().map(|u| u.name_zh.clone()).collect();
        let x = g[u];
        let up_range = 10.0 * g.iter().sum::<f64>().max(x);
        let down_range = x * (1.0 - 1e-6);
        let tol = MARGIN_TOLERANCE * x.abs().max(1.0);
        let mut at = |value: f64| -> Option<u64> {
            let mut v = g.clone();
            v[u] = value;
            let term = scoring::development_term(&v, &names).ok()?;
            let mut model = s.model.clone();
            model.development = Some(term);
            ev.slots(&model, &w0, delta, u)
        };
        let (up, g_up, _) = search(|t| at(x + t), s0, up_range, tol);
        let (down, g_down, _) = search(|t| at(x - t), s0, down_range, tol);
        out.push(Margin {
            lever: Lever::Development,
            column: col.clone(),
            label: col.clone(),
            current: x,
            slots: s0,
            up: up.map(|c| Crossing { value: x + c.after, ..c }),
            down: down.map(|c| Crossing { value: x - c.after, ..c }),
            up_range,
            down_range,
            proven_monotone: divisor,
            monotone_on_grid: g_up && g_down,
        });
    }

    // Indicator weights.
    if w0.len() >= 2 {
        for (j, ind) in s.indicators.iter().enumerate() {
            let wj = w0[j];
            let rest = 1.0 - wj;
            if rest <= 0.0 {
                continue;
            }
            let mut at = |value: f64| -> Option<u64> {
                let w: Vec<f64> = w0
                    .iter()
                    .enumerate()
                    .map(|(k, &wk)| if k == j { value } else { wk * (1.0 - value) / rest })
                    .collect();
                ev.slots(&s.model, &w, delta, u)
            };
            let (up, g_up, _) = search(|t| at(wj + t), s0, rest, MARGIN_TOLERANCE);
            let (down, g_down, _) = search(|t| at(wj - t), s0, wj, MARGIN_TOLERANCE);
            out.push(Margin {
                lever: Lever::Weight,
                column: ind.column.clone(),
                label: ind.label.clone(),
                current: wj,
                slots: s0,
                up: up.map(|c| Crossing { value: wj + c.after, ..c }),
                down: down.map(|c| Crossing { value: wj - c.after, ..c }),
                up_range: rest,
                down_range: wj,
                proven_monotone: false,
                monotone_on_grid: g_up && g_down,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_brackets_a_step_to_the_tolerance() {
        // Slots 3 below 0.123456789, 4 from there on.
        let f = |t: f64| Some(if t < 0.123_456_789 { 3 } else { 4 });
        let (c, mono, _) = search(f, 3, 10.0, 1e-12);
        let c = c.unwrap();
        assert!(c.before < 0.123_456_789 && c.after >= 0.123_456_789);
        assert!(c.after - c.before <= 1e-12);
        assert_eq!(c.slots, 4);
        assert!(mono);
    }

    #[test]
    fn search_reports_none_and_non_monotone_grids() {
        let (c, mono, _) = search(|_| Some(5), 5, 1.0, 1e-9);
        assert!(c.is_none() && mono);
        // Up at 0.5, back down at 0.7: the first crossing is found, the grid is not monotone.
        let f = |t: f64| Some(if (0.5..0.7).contains(&t) { 6 } else { 5 });
        let (c, mono, _) = search(f, 5, 1.0, 1e-9);
        assert!((c.unwrap().after - 0.5).abs() < 1e-9);
        assert!(!mono);
    }
}
