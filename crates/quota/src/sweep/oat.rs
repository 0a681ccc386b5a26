//! One factor at a time, with exact breakpoints.
//!
//! One factor t moves over [a, b] (a weight with the others keeping their proportions, the
//! development weight, or a region multiplier); everything else stays at the scenario's
//! values. Every unit's score is then affine in t, `score_i(t) = α_i + β_i·t`, and the slots
//! are piecewise constant in t. This module finds the pieces and the breakpoints between them
//! to within [`TOLERANCE`].
//!
//! ## The guarantee: no piece is missed
//!
//! The search evaluates a *state* at points of [a, b] and bisects every interval whose two ends
//! have different states, down to width [`TOLERANCE`]. An interval whose ends have the same
//! state is not searched further. That is sound because, for each method, the set of t with a
//! given state is an interval — so equal states at both ends mean the same state, and the same
//! slots, everywhere between. Why (in the real-valued model, `w_i(t) = score_i(t)`):
//!
//! - every decision of the methods compares two quantities whose difference, multiplied by a
//!   positive common denominator (Σ scores, or the free units' weight), is **affine in t**; an
//!   affine function that has the same sign at both ends of an interval has it throughout, and
//!   a lexicographic tie-break on affine keys keeps that property;
//! - **divisor methods** (state = slots and zero-weight flags): x is the allocation at t iff
//!   every served claim outranks every unserved one, `w_i(t)/d(x_i−1) ≥ w_j(t)/d(x_j)` for
//!   units above their floor / below their cap — a conjunction of affine conditions for fixed x;
//! - **Hamilton** (state = each unit's ⌊q*⌋, whether q* sits at its floor or cap, zero-weight
//!   flags, and the slots): with the bound regime fixed, `q*_i = R·w_i(t)/W_F(t)` for free
//!   units; the regime is valid where `l_i·W_F ≤ R·w_i ≤ c_i·W_F` (affine) holds; q* is then
//!   monotone, so equal whole parts at the ends hold between, and the largest-remainder
//!   comparisons are affine in t;
//! - **the quota method**: the slots alone are not a sound state: along a line of weights the
//!   quota method can come back to an allocation it left (`[7, 1, 11, 3]`, `[7, 1, 12, 2]`,
//!   `[7, 1, 11, 3]` — test `slots_can_come_back_along_a_line_of_weights` in
//!   `apportion::quota_method`), so the weights with given slots need not form an interval.
//!   The full trace of its decisions (the eligible set and the winner at every house size,
//!   [`crate::apportion::quota_trace`]) is sound — eligibility `k_i·W < (h+1)·w_i` and the
//!   Jefferson comparisons are affine — but it changes tens of thousands of times over a
//!   range, and bisecting each change to [`TOLERANCE`] cost ≈ 30 traces: minutes per factor.
//!   So the quota method is searched differently ([`oat_quota`](super::oat_quota)), with
//!   this argument instead:
//!
//!   *The walk.* Fix t and the method's run at t: its *winner path* π (the winner at every
//!   house size h, hence the slots `k^h` held before each one, from the floors). For τ on
//!   the line, the run at τ follows π if, at every house size h, (i) when π_h was taken from
//!   the eligible units: π_h is eligible at τ, and every other unit i below its cap is
//!   ineligible at τ **or** beaten by π_h at τ; (ii) when no unit was eligible (the fallback
//!   pool): every unit below its cap is ineligible at τ and beaten by π_h — by induction on
//!   h, the method then makes the same choice at every house size, from the same slots.
//!   With `k^h` fixed, each elementary condition — "i ineligible" (`k_i·S(τ) − (h+1)·s_i(τ)
//!   ≥ 0`), "π_h eligible", "π_h beats i" (the claims' difference `s_π(τ)(k_i+1) − s_i(τ)
//!   (k_π+1)`, then the weights, then the order, lexicographically) — holds on an interval of
//!   τ (affine functions of τ times the positive `W/S`), and a disjunction of two holds on a
//!   union of two intervals. Each condition holds at t, so the connected part containing t of
//!   the set where it holds is an interval [·, U_{h,i}] ∋ t; on [t, U] with U the least of
//!   the U_{h,i}, every condition holds, the path is π and **the slots are constant**. No
//!   claim is made that the points with path π form an interval (a disjunction need not):
//!   the proof is direct, for every τ in [t, U]. The walk evaluates at t, computes U, steps
//!   just past U (the decisions are exact on the integer weights at each step; U comes from
//!   the scores' line in floating point, and the shares' rounding to 10^-12 moves a decision
//!   by ≈ 10^-11 of t, so a step that lands short is retried a little further), and joins
//!   consecutive steps with equal slots into a *run* proven constant, up to the gaps the
//!   steps leave (at most `TOLERANCE / 6`, which the search never looks into anyway). After
//!   a step only the house sizes whose U_{h,i} ran out are replayed, each until the slots are
//!   back on the former path, so a change of the path costs one evaluation and a short
//!   replay.
//!
//!   *The descent.* The bisection below is then replayed with the slots only, a cell inside
//!   a run being proven constant, every other cell bisected to [`TOLERANCE`]. (The zero
//!   weights are checked to stay zero and the positive ones positive on [t, U] too: a unit's
//!   cap depends on it.) Every point
//!   where the slots change therefore ends, as with the trace, in a cell of width below the
//!   tolerance whose ends were evaluated — the same dyadic cells, hence the same pieces and
//!   breakpoints, bit for bit, as the trace search. Memory: the walk holds its path (a winner
//!   and an end per house size) and the runs (one per piece of slots); the points kept for
//!   the pieces carry slots only, and only the first and last of each run of equal slots.
//!   An interval where a point is infeasible, or where the scores are not on a line (checked
//!   at every step), is searched with the trace as state, as before;
//! - a rule without such an argument (such as the optimisation model, once it is wired in) is bisected only
//!   where the slots differ after an initial subdivision into [`INITIAL_INTERVALS`] intervals,
//!   and the result says `proven: false`.
//!
//! The implemented pipeline rounds shares to 10^-12 before the exact apportionment
//! ([`crate::scoring::integer_weights`]); this can move a breakpoint by about 10^-12 of the
//! total divided by the rate at which the decisive quotas cross — far below the tolerance for
//! any non-degenerate crossing — and can create flicker narrower than the tolerance, which is
//! not reported (pieces narrower than [`TOLERANCE`] are merged into their neighbours).

use std::sync::atomic::AtomicBool;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::apportion::{bounded_quotas, Problem, Scratch};

use super::eval::{Certificate, Columns, Evaluator, SlotRule, Workspace};
use super::hooks::is_set;
use super::space::{Factor, Space};
use super::SweepError;

/// Breakpoints are located to within this width of t (reported at the middle: error ≤ 5e-10).
pub const TOLERANCE: f64 = 1e-9;
/// The range is first cut into this many equal intervals (searched in parallel).
pub const INITIAL_INTERVALS: usize = 64;

/// One piece: on [from, to] (breakpoints rounded to the tolerance) every unit has these slots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Piece {
    /// Start.
    pub from: f64,
    /// End.
    pub to: f64,
    /// Slots per unit (None where the parameters are infeasible).
    pub slots: Option<Vec<u64>>,
}

/// A unit's slots on one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPiece {
    /// Start.
    pub from: f64,
    /// End.
    pub to: f64,
    /// Slots (None: infeasible there).
    pub slots: Option<u64>,
}

/// The result for one factor.
#[derive(Debug, Clone, Serialize)]
pub struct OatResult {
    /// The factor's name.
    pub factor: String,
    /// Its baseline value.
    pub baseline: f64,
    /// Range start.
    pub lo: f64,
    /// Range end.
    pub hi: f64,
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
    /// Evaluations used.
    pub evaluations: u64,
    /// Whether the no-missed-piece argument applies to the rule.
    pub proven: bool,
}

impl OatResult {
    /// Unit i's pieces (consecutive pieces with the same slots merged); its breakpoints are
    /// the `to` of every piece but the last.
    pub fn unit_pieces(&self, i: usize) -> Vec<UnitPiece> {
        let mut out: Vec<UnitPiece> = Vec::new();
        for p in &self.pieces {
            let x = p.slots.as_ref().map(|s| s[i]);
            match out.last_mut() {
                Some(last) if last.slots == x => last.to = p.to,
                _ => out.push(UnitPiece { from: p.from, to: p.to, slots: x }),
            }
        }
        out
    }
}

/// A point of the search and its slots (None: infeasible there).
pub(crate) type Point = (f64, Option<Vec<u64>>);

/// The slots in a state (None for an infeasible point).
pub(crate) fn slots_of(s: &[u64], n: usize) -> Option<Vec<u64>> {
    if s.len() == 1 && s[0] == u64::MAX {
        None
    } else {
        Some(s[..n].to_vec())
    }
}

/// Appends a point, keeping only the first and the last of consecutive points with equal
/// slots (the pieces need no more), so memory grows with the pieces, not with the states
/// evaluated; a point at the same t as the last one is dropped.
pub(crate) fn push_point(points: &mut Vec<Point>, t: f64, slots: Option<Vec<u64>>) {
    let len = points.len();
    if points.last().is_some_and(|(u, _)| (*u - t).abs() <= 0.0) {
        return;
    }
    if len >= 2 && points[len - 1].1 == slots && points[len - 2].1 == slots {
        points[len - 1].0 = t;
    } else {
        points.push((t, slots));
    }
}

/// A state whose equality at two points proves the slots constant between them.
pub(crate) fn state<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    ws: &mut Workspace,
    cert: Certificate,
    out: &mut Vec<u64>,
) -> bool {
    out.clear();
    if !ev.evaluate(ws, Columns::Scenario) {
        out.push(u64::MAX);
        return false;
    }
    let p: &Problem = ev.problem(ws);
    out.extend_from_slice(&ws.slots);
    out.extend(p.weights().iter().map(|&w| u64::from(w == 0)));
    match cert {
        Certificate::Divisor | Certificate::None => {}
        Certificate::Hamilton => {
            for (i, q) in bounded_quotas(p).iter().enumerate() {
                let at_floor = q.cmp(&crate::apportion::Ratio::new(p.lower()[i] as u128, 1)).is_eq();
                let at_cap = q.cmp(&crate::apportion::Ratio::new(p.upper()[i] as u128, 1)).is_eq();
                out.push((q.floor() as u64) << 2 | u64::from(at_floor) << 1 | u64::from(at_cap));
            }
        }
        Certificate::QuotaTrace => crate::apportion::quota_trace(p, &mut Scratch::default(), out),
    }
    true
}

/// Sweeps `factor` over [lo, hi] (checked by the caller with [`Space::check_range`]).
pub fn oat<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    factor: Factor,
    lo: f64,
    hi: f64,
) -> Result<OatResult, SweepError> {
    oat_until(ev, space, factor, lo, hi, None)
}

/// [`oat`], stopping with [`SweepError::Cancelled`] once `cancel` is set (checked before every
/// evaluation of the search).
pub fn oat_until<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    factor: Factor,
    lo: f64,
    hi: f64,
    cancel: Option<&AtomicBool>,
) -> Result<OatResult, SweepError> {
    check(space, factor, lo, hi)?;
    // Each initial interval is searched on its own (in parallel); results are joined in order.
    let parts: Vec<IntervalPoints> = (0..INITIAL_INTERVALS)
        .into_par_iter()
        .map_init(
            || ev.workspace(&space.base),
            |ws, i| search_interval(ev, space, ws, factor, lo, hi, i, cancel),
        )
        .collect();
    if is_set(cancel) {
        return Err(SweepError::Cancelled);
    }
    Ok(assemble(ev, space, factor, lo, hi, parts))
}

/// Checks that `factor` can be swept over [lo, hi].
pub fn check(space: &Space, factor: Factor, lo: f64, hi: f64) -> Result<(), SweepError> {
    space.check_range(factor, lo, hi)?;
    space.check_oat_weight(factor)
}

/// What the search found on one of the [`INITIAL_INTERVALS`] initial intervals of a factor's
/// range: the points kept (in order, the interval's ends included) and the evaluations used.
/// A sharded sweep carries these in its partials (`sweep::shard`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalPoints {
    /// Points `(t, slots)` in order (slots None where infeasible).
    pub points: Vec<(f64, Option<Vec<u64>>)>,
    /// Evaluations of the search on this interval.
    pub evaluations: u64,
}

/// The start of initial interval `i` of [lo, hi] (`hi` itself for i = [`INITIAL_INTERVALS`]).
fn interval_start(lo: f64, hi: f64, i: usize) -> f64 {
    if i == INITIAL_INTERVALS {
        hi
    } else {
        lo + (hi - lo) * (i as f64 / INITIAL_INTERVALS as f64)
    }
}

/// Searches initial interval `i` (of [`INITIAL_INTERVALS`]) of `factor` over [lo, hi] (checked
/// with [`check`]), with a workspace of `ev`; the workspace's parameters are reset to the
/// scenario's first, so one workspace can serve intervals of different factors.
#[allow(clippy::too_many_arguments)]
pub fn search_interval<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    ws: &mut Workspace,
    factor: Factor,
    lo: f64,
    hi: f64,
    i: usize,
    cancel: Option<&AtomicBool>,
) -> IntervalPoints {
    search_interval_by(ev, space, ws, factor, lo, hi, i, cancel, true)
}

/// [`search_interval`]; with `walk` false the quota method is searched with its trace as the
/// state (the reference for the walk's tests).
#[allow(clippy::too_many_arguments)]
fn search_interval_by<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    ws: &mut Workspace,
    factor: Factor,
    lo: f64,
    hi: f64,
    i: usize,
    cancel: Option<&AtomicBool>,
    walk: bool,
) -> IntervalPoints {
    let cert = ev.rule.certificate();
    ws.params.clone_from(&space.base);
    let eval_at = |ws: &mut Workspace, t: f64, st: &mut Vec<u64>| {
        space.set(&mut ws.params, factor, t);
        state(ev, ws, cert, st);
    };
    let (a, b) = (interval_start(lo, hi, i), interval_start(lo, hi, i + 1));
    if cert == Certificate::QuotaTrace && walk {
        if let Some(found) = super::oat_quota::search(ev, space, ws, factor, a, b, cancel) {
            return found;
        }
    }
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    eval_at(ws, a, &mut sa);
    eval_at(ws, b, &mut sb);
    let n = ev.units();
    let mut points = vec![(a, slots_of(&sa, n))];
    let mut evaluations = 2u64;
    refine(
        &mut |t, s: &mut Vec<u64>| eval_at(ws, t, s),
        &|| is_set(cancel),
        a,
        sa,
        b,
        sb.clone(),
        n,
        cert,
        &mut points,
        &mut evaluations,
    );
    push_point(&mut points, b, slots_of(&sb, n));
    IntervalPoints { points, evaluations }
}

/// Joins the [`INITIAL_INTERVALS`] searches of `factor` over [lo, hi], in order, into its
/// pieces.
pub fn assemble<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    factor: Factor,
    lo: f64,
    hi: f64,
    parts: impl IntoIterator<Item = IntervalPoints>,
) -> OatResult {
    let mut points: Vec<Point> = Vec::new();
    let mut evaluations = 0;
    for part in parts {
        evaluations += part.evaluations;
        for (t, slots) in part.points {
            push_point(&mut points, t, slots);
        }
    }
    // Pieces: a new piece starts midway between two consecutive points whose slots differ.
    let mut pieces: Vec<Piece> = Vec::new();
    for w in points.windows(2) {
        let (x0, x1) = (w[0].1.clone(), w[1].1.clone());
        if pieces.is_empty() {
            pieces.push(Piece { from: lo, to: lo, slots: x0.clone() });
        }
        if x0 != x1 {
            let mid = 0.5 * (w[0].0 + w[1].0);
            pieces.last_mut().expect("one piece").to = mid;
            pieces.push(Piece { from: mid, to: mid, slots: x1 });
        }
    }
    if let Some(last) = pieces.last_mut() {
        last.to = hi;
    }
    // Flicker narrower than the tolerance (rounding to 10^-12) is merged away.
    let mut merged: Vec<Piece> = Vec::new();
    for p in pieces {
        if p.to - p.from < TOLERANCE && !merged.is_empty() {
            merged.last_mut().expect("non-empty").to = p.to;
            continue;
        }
        match merged.last_mut() {
            Some(last) if last.slots == p.slots => last.to = p.to,
            _ => merged.push(p),
        }
    }
    OatResult {
        factor: space.name(factor),
        baseline: space.get(&space.base, factor),
        lo,
        hi,
        pieces: merged,
        evaluations,
        proven: ev.rule.certificate() != Certificate::None,
    }
}

/// Bisects (a, b) until the ends have equal states (proven constant), the width is below the
/// tolerance, no float lies strictly between the ends (far from 0 the spacing of f64 exceeds
/// the tolerance: at 10^8 it is 1.5·10^-8), or `stop` says so; pushes the inner points in
/// order.
#[allow(clippy::too_many_arguments)]
fn refine(
    eval: &mut dyn FnMut(f64, &mut Vec<u64>),
    stop: &dyn Fn() -> bool,
    a: f64,
    sa: Vec<u64>,
    b: f64,
    sb: Vec<u64>,
    n: usize,
    cert: Certificate,
    points: &mut Vec<Point>,
    evals: &mut u64,
) {
    let mut same = |_: f64, sa: &[u64], _: f64, sb: &[u64]| match cert {
        // Without a proof only the slots are compared.
        Certificate::None => sa.get(..n.min(sa.len())) == sb.get(..n.min(sb.len())),
        _ => sa == sb,
    };
    refine_with(eval, stop, &mut same, a, sa, b, sb, n, points, evals)
}

/// `same(a, state at a, b, state at b)`: whether the slots are proven constant on [a, b].
pub(crate) type SameTest<'a> = dyn FnMut(f64, &[u64], f64, &[u64]) -> bool + 'a;

/// [`refine`] with the test that ends a search: `same(a, state at a, b, state at b)` says
/// whether the slots are proven constant on [a, b]. Iterative, with an explicit stack, so the
/// depth of the search never touches the thread's stack.
#[allow(clippy::too_many_arguments)]
pub(crate) fn refine_with(
    eval: &mut dyn FnMut(f64, &mut Vec<u64>),
    stop: &dyn Fn() -> bool,
    same: &mut SameTest<'_>,
    a: f64,
    sa: Vec<u64>,
    b: f64,
    sb: Vec<u64>,
    n: usize,
    points: &mut Vec<Point>,
    evals: &mut u64,
) {
    enum Job {
        Search(f64, Vec<u64>, f64, Vec<u64>),
        Emit(f64, Option<Vec<u64>>),
    }
    let mut stack = vec![Job::Search(a, sa, b, sb)];
    while let Some(job) = stack.pop() {
        let (a, sa, b, sb) = match job {
            Job::Emit(t, s) => {
                push_point(points, t, s);
                continue;
            }
            Job::Search(a, sa, b, sb) => (a, sa, b, sb),
        };
        let m = 0.5 * (a + b);
        if same(a, &sa, b, &sb) || b - a <= TOLERANCE || !(a < m && m < b) || stop() {
            continue;
        }
        let mut sm = Vec::new();
        eval(m, &mut sm);
        *evals += 1;
        // Popped in order: the left half, then m, then the right half.
        stack.push(Job::Search(m, sm.clone(), b, sb));
        stack.push(Job::Emit(m, slots_of(&sm, n)));
        stack.push(Job::Search(a, sa, m, sm));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state that changes at every float: the search must still stop, once no float lies
    /// between two points (before, it recursed until the stack overflowed).
    #[test]
    fn the_search_stops_at_the_float_spacing_far_from_zero() {
        let mut eval = |t: f64, s: &mut Vec<u64>| {
            s.clear();
            s.push(t.to_bits());
        };
        let (a, b) = (1e8, 1e8 + 1e-6);
        let (mut points, mut evals) = (Vec::new(), 0);
        refine(
            &mut eval,
            &|| false,
            a,
            vec![a.to_bits()],
            b,
            vec![b.to_bits()],
            1,
            Certificate::Divisor,
            &mut points,
            &mut evals,
        );
        // Every float strictly between a and b, once, in order.
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(points.len() as u64, (b.to_bits() - a.to_bits() - 1));
        assert_eq!(evals, points.len() as u64);
    }

    /// The oat search with the quota method's trace as the state, as before the walk.
    fn traced(
        ev: &Evaluator<crate::apportion::Method>,
        space: &Space,
        f: Factor,
        lo: f64,
        hi: f64,
    ) -> OatResult {
        let mut ws = ev.workspace(&space.base);
        let parts: Vec<IntervalPoints> = (0..INITIAL_INTERVALS)
            .map(|i| search_interval_by(ev, space, &mut ws, f, lo, hi, i, None, false))
            .collect();
        assemble(ev, space, f, lo, hi, parts)
    }

    /// The walk finds the very pieces and breakpoints of the trace search, with far fewer
    /// evaluations, for a weight, the development weight and a region multiplier.
    #[test]
    fn the_quota_walk_gives_the_pieces_of_the_trace_search() {
        let s = crate::scenario::Scenario::bundled()
            .edited(|f: &mut crate::scenario::ScenarioFile| f.total = 200)
            .unwrap();
        let space = Space::new(&s);
        let ev = Evaluator::new(&s, &crate::apportion::Method::Quota, &space.base).unwrap();
        for (name, lo, hi) in [("xiaojuren", 0.1, 0.5), ("development_weight", 0.0, 0.3), ("西部", 0.8, 1.4)]
        {
            let f = space.resolve(name).unwrap();
            let walked = oat(&ev, &space, f, lo, hi).unwrap();
            let want = traced(&ev, &space, f, lo, hi);
            assert!(want.pieces.len() > 5, "{name}: {} pieces", want.pieces.len());
            assert_eq!(walked.pieces, want.pieces, "{name}");
            assert!(
                4 * walked.evaluations < want.evaluations,
                "{name}: {} against {}",
                walked.evaluations,
                want.evaluations
            );
        }
    }

    #[test]
    fn points_come_out_in_order_for_a_step_function() {
        let mut eval = |t: f64, s: &mut Vec<u64>| {
            s.clear();
            s.push(u64::from(t > 0.3) + u64::from(t > 0.7));
        };
        let (mut points, mut evals) = (Vec::new(), 0);
        refine(
            &mut eval,
            &|| false,
            0.0,
            vec![0],
            1.0,
            vec![2],
            1,
            Certificate::Divisor,
            &mut points,
            &mut evals,
        );
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
        let jumps: Vec<f64> =
            points.windows(2).filter(|w| w[0].1 != w[1].1).map(|w| 0.5 * (w[0].0 + w[1].0)).collect();
        assert_eq!(jumps.len(), 2);
        assert!((jumps[0] - 0.3).abs() < TOLERANCE && (jumps[1] - 0.7).abs() < TOLERANCE);
    }
}
