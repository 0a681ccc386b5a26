//! The quota method's search for the one-at-a-time design: a walk along the line of weights
//! from winner path to winner path, then bisection only where the slots change.
//!
//! The full trace of the quota method (the eligible set and the winner at every house size)
//! is a sound state for [`oat`](super::oat), but it changes far more often than the slots:
//! every time any unit's release house moves past a house size. Bisecting each of those
//! changes down to [`TOLERANCE`] cost ≈ 30 evaluations of the trace, a million and more per
//! factor. This module instead proves whole intervals constant with one evaluation each
//! (the proof is in [`oat`](super::oat)'s module documentation, "the quota method"):
//!
//! 1. **Walk.** At a point t the run is replayed house by house ([`extent`]); besides the
//!    winners it computes, from the line of scores `s(τ) = α + β·(τ − a)`, the largest U ≥ t
//!    such that every winner stays the winner on [t, U]: the *winner path*, and so the slots,
//!    are constant there. The walk then steps just past U and repeats; consecutive steps with
//!    the same slots form a *run* proven constant. One evaluation per change of the winner
//!    path, and only the runs (slots, from, to) are kept.
//! 2. **Descent.** The dyadic bisection of [`oat`](super::oat) is replayed, evaluating the
//!    slots only, but a cell inside a run is not searched further. The points where the slots
//!    change are thus found at exactly the dyadic points the trace search evaluated, so the
//!    pieces and breakpoints are those of the trace search, bit for bit.
//!
//! Where the line of scores is not affine (it always is for the factors of [`Space`], up to
//! rounding; checked at every step) or a point is infeasible, the interval falls back to the
//! trace search.

use std::sync::atomic::AtomicBool;

use crate::apportion::Problem;

use super::eval::{Certificate, Evaluator, SlotRule, Workspace};
use super::hooks::is_set;
use super::oat::{refine_with, slots_of, state, IntervalPoints, Point, TOLERANCE};
use super::space::{Factor, Space};

/// The smallest step of the walk past a computed end (relative to max(1, |t|)): the ends
/// are roots of affine functions computed in floating point, exact to ≈ 10^-13 here.
const STEP: f64 = 2e-12;
/// Steps with equal slots separated by more than this are not joined into one run (the gap
/// is searched by the descent instead).
const MAX_GAP: f64 = TOLERANCE / 6.0;
/// The most by which the rounding to integer weights is taken to move a decision (relative
/// to max(1, |t|)): a cap for near-parallel crossings, whose bound is large.
const SHIFT_CAP: f64 = 1e-7;
/// A run is trusted up to this distance from a walk step where the slots differ (margin for
/// the rounding of the computed end).
const MARGIN: f64 = 1e-12;

/// The scores along the factor's line: `s_i(τ) = alpha_i + beta_i·(τ − a)`.
pub(crate) struct Line {
    a: f64,
    alpha: Vec<f64>,
    beta: Vec<f64>,
}

impl Line {
    /// The line through the scores `sa` at `a` and `sb` at `b`.
    pub(crate) fn through(a: f64, sa: &[f64], b: f64, sb: &[f64]) -> Line {
        let beta = sa.iter().zip(sb).map(|(x, y)| (y - x) / (b - a)).collect();
        Line { a, alpha: sa.to_vec(), beta }
    }

    /// Whether `scores` (computed at t) lie on the line, to rounding.
    fn holds(&self, t: f64, scores: &[f64]) -> bool {
        let scale =
            self.alpha.iter().chain(scores).fold(0.0f64, |m, x| m.max(x.abs())).max(f64::MIN_POSITIVE);
        scores
            .iter()
            .zip(self.alpha.iter().zip(&self.beta))
            .all(|(s, (al, be))| (al + be * (t - self.a) - s).abs() <= 1e-9 * scale)
    }
}

/// The half-line (or line, or nothing) `{τ : v + d·(τ − t) ≥ 0}` as (lo, hi), clamped so
/// that it contains t when `holds` (the exact decision at t) says so and does not when it
/// says not — the float values only place the ends.
fn half_line(v: f64, d: f64, t: f64, holds: bool) -> (f64, f64) {
    let (lo, hi) = if d > 0.0 {
        (t - v / d, f64::INFINITY)
    } else if d < 0.0 {
        (f64::NEG_INFINITY, t - v / d)
    } else if v >= 0.0 {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (f64::INFINITY, f64::NEG_INFINITY)
    };
    if holds {
        // Contains t: an end on the wrong side of t (rounding at a tie) is moved to t.
        (lo.min(t), hi.max(t))
    } else if d > 0.0 {
        // Starts after t (at t at the earliest).
        (lo.max(t), hi)
    } else {
        // Ends before t, or empty: it cannot extend a set that contains t to the right.
        (f64::INFINITY, f64::NEG_INFINITY)
    }
}

/// The right end of the connected part containing t of the union of two intervals, the
/// first of which contains t.
fn right_end_of_union(first: (f64, f64), second: (f64, f64)) -> f64 {
    if second.0 <= first.1 && second.1 >= first.1 {
        second.1
    } else {
        first.1
    }
}

/// The quota method's run at the current point of the walk: the winner at every house size,
/// and for each house size the point up to which its winner is proven to stay the winner
/// (see the proof in [`oat`](super::oat)). After a step, only the house sizes whose proof
/// ran out are replayed, each until the run is back on its former path.
#[derive(Default)]
pub(crate) struct Walker {
    /// The first house size decided is h0 + 1 (h0 = Σ floors).
    h0: u64,
    /// The winner at house size h0 + j + 1.
    winners: Vec<u32>,
    /// `ends[j]`: the winner at house size h0 + j + 1 stays the winner on [t, ends[j]].
    ends: Vec<f64>,
    /// `trust[j]`: `ends[j]` less how far the rounding of the shares to integer weights can
    /// move the decision that ends it (the slots of the pipeline are trusted up to there).
    trust: Vec<f64>,
    /// Where the zero weights stay zero and the positive ones positive.
    zero_end: f64,
    /// The slots at the end of the run.
    k: Vec<u64>,
    /// Scratch: the slots at the house size being decided, the replay's slots less the
    /// former path's, the scores at t, the eligible units.
    at: Vec<u64>,
    diff: Vec<i64>,
    s: Vec<f64>,
    eligible: Vec<bool>,
}

impl Walker {
    /// The largest U ≥ t (as far as computed) such that the winner at every house size is
    /// the same on [t, U].
    pub(crate) fn end(&self) -> f64 {
        self.ends.iter().fold(self.zero_end, |m, &e| m.min(e))
    }

    /// [`Walker::end`] less how far the rounding to integer weights can move the decision
    /// that ends it: up to here the evaluated slots are those of t.
    pub(crate) fn trusted(&self) -> f64 {
        self.trust.iter().fold(self.zero_end, |m, &e| m.min(e))
    }

    /// The slots.
    pub(crate) fn slots(&self) -> &[u64] {
        &self.k
    }

    /// Runs the method on `p` (the integer weights at t, whose scores lie on `line`) from the
    /// floors, house by house. False when it cannot (caps summing below the total).
    pub(crate) fn full(&mut self, p: &Problem, line: &Line, t: f64) -> bool {
        let n = p.len();
        self.scores_at(line, t);
        let w = p.weights();
        self.zero_end = f64::INFINITY;
        for i in 0..n {
            let (s, d) = (self.s[i], line.beta[i]);
            let end = if w[i] == 0 {
                if s != 0.0 || d != 0.0 {
                    t
                } else {
                    f64::INFINITY
                }
            } else {
                half_line(s, d, t, true).1
            };
            self.zero_end = self.zero_end.min(end);
        }
        self.h0 = p.lower().iter().sum();
        let houses = (p.total() - self.h0) as usize;
        self.winners.clear();
        self.winners.resize(houses, u32::MAX);
        self.ends.clear();
        self.ends.resize(houses, f64::NEG_INFINITY);
        self.trust.clear();
        self.trust.resize(houses, f64::NEG_INFINITY);
        self.at.clear();
        self.at.extend_from_slice(p.lower());
        self.diff.clear();
        self.diff.resize(n, 0);
        self.eligible.clear();
        self.eligible.resize(n, false);
        for j in 0..houses {
            let Some(win) = self.decide(p, line, t, j) else { return false };
            self.winners[j] = win as u32;
            self.at[win] += 1;
        }
        self.k.clone_from(&self.at);
        true
    }

    /// Moves to t (after [`Walker::full`] at an earlier point): replays the house sizes whose
    /// winner is no longer proven, each until the run is back on its former path. False
    /// when it cannot (caps summing below the total).
    pub(crate) fn step(&mut self, p: &Problem, line: &Line, t: f64) -> bool {
        if self.zero_end < t {
            return self.full(p, line, t);
        }
        self.scores_at(line, t);
        let houses = self.winners.len();
        let Some(mut j) = self.ends.iter().position(|&e| e < t) else { return true };
        // The slots at house size h0 + j: the final ones less the winners from j on.
        self.at.clone_from(&self.k);
        for &u in &self.winners[j..] {
            self.at[u as usize] -= 1;
        }
        loop {
            // Replay from j until the slots are those of the former path again.
            let mut differing = 0usize;
            loop {
                let Some(win) = self.decide(p, line, t, j) else { return false };
                let old = self.winners[j] as usize;
                self.winners[j] = win as u32;
                self.at[win] += 1;
                if win != old {
                    for (u, by) in [(win, 1), (old, -1)] {
                        let before = self.diff[u] != 0;
                        self.diff[u] += by;
                        differing = differing + usize::from(self.diff[u] != 0) - usize::from(before);
                    }
                }
                j += 1;
                if j == houses || (differing == 0 && self.ends[j] >= t) {
                    break;
                }
            }
            if differing != 0 {
                // The run ended off the former path: the slots are the replay's.
                for (k, d) in self.k.iter_mut().zip(self.diff.iter_mut()) {
                    *k = k.wrapping_add_signed(*d);
                    *d = 0;
                }
            }
            // Back on the former path: on to the next house size whose proof ran out.
            let Some(skip) = self.ends[j..].iter().position(|&e| e < t) else { return true };
            for &u in &self.winners[j..j + skip] {
                self.at[u as usize] += 1;
            }
            j += skip;
        }
    }

    fn scores_at(&mut self, line: &Line, t: f64) {
        self.s.clear();
        self.s.extend(line.alpha.iter().zip(&line.beta).map(|(al, be)| al + be * (t - line.a)));
    }

    /// Decides house size h0 + j + 1 from the slots `self.at` with the exact integer
    /// weights: the winner; and in `ends[j]`, from the line of scores, how far to the right
    /// of t it stays the winner.
    fn decide(&mut self, p: &Problem, line: &Line, t: f64, j: usize) -> Option<usize> {
        let n = p.len();
        let (w, w_sum) = (p.weights(), p.weight_sum());
        let beta = &line.beta;
        let k = &self.at;
        let next = (self.h0 + j as u64 + 1) as u128;
        let mut any = false;
        for i in 0..n {
            let e = k[i] < p.cap(i) && (k[i] as u128) * w_sum < next * w[i] as u128;
            self.eligible[i] = e;
            any |= e;
        }
        let beats = |x: usize, y: usize| {
            // Claim w_x/(k_x+1) against w_y/(k_y+1), then the larger weight, then the first unit.
            let (l, r) = (w[x] as u128 * (k[y] + 1) as u128, w[y] as u128 * (k[x] + 1) as u128);
            l > r || (l == r && (w[x] > w[y] || (w[x] == w[y] && x < y)))
        };
        let mut win = usize::MAX;
        for i in 0..n {
            let in_pool = if any { self.eligible[i] } else { k[i] < p.cap(i) };
            if in_pool && (win == usize::MAX || beats(i, win)) {
                win = i;
            }
        }
        if win == usize::MAX {
            return None;
        }
        let s = &self.s;
        let (s_sum, d_sum): (f64, f64) = (s.iter().sum(), beta.iter().sum());
        let kw = k[win];
        let hn = next as f64;
        let mut u = f64::INFINITY;
        let mut trust = f64::INFINITY;
        // How far the rounding of each share (±1/2 of a weight unit, 10^-12 of Σw) can move
        // the root of a function of slope d (scores per unit of t) with this error bound in
        // weight units; doubled for safety.
        let moved = |error: f64, d: f64| if d == 0.0 { 0.0 } else { 2.0 * error * s_sum / (1e12 * d.abs()) };
        let n_half = n as f64 / 2.0;
        for i in 0..n {
            if k[i] >= p.cap(i) {
                continue;
            }
            // Ineligible: k_i·S(τ) − (h+1)·s_i(τ) ≥ 0.
            let ki = k[i] as f64;
            let (av, ad) = (ki * s_sum - hn * s[i], ki * d_sum - hn * beta[i]);
            if i == win {
                let end = if any { half_line(-av, -ad, t, true).1 } else { half_line(av, ad, t, true).1 };
                u = u.min(end);
                trust = trust.min(end - moved(ki * n_half + hn / 2.0, ad));
                continue;
            }
            // `win` beats i: s_win·(k_i+1) − s_i·(k_win+1) > 0, ties by weight, then by order.
            let (jv, jd) = (
                s[win] * (k[i] + 1) as f64 - s[i] * (kw + 1) as f64,
                beta[win] * (k[i] + 1) as f64 - beta[i] * (kw + 1) as f64,
            );
            let wins = beats(win, i);
            let beat = if jv == 0.0 && jd == 0.0 {
                // The claims are equal all along: the weights decide, then the order.
                let (dv, dd) = (s[win] - s[i], beta[win] - beta[i]);
                if dv == 0.0 && dd == 0.0 {
                    if wins {
                        (f64::NEG_INFINITY, f64::INFINITY)
                    } else {
                        (f64::INFINITY, f64::NEG_INFINITY)
                    }
                } else {
                    half_line(dv, dd, t, wins)
                }
            } else {
                half_line(jv, jd, t, wins)
            };
            let out = half_line(av, ad, t, !self.eligible[i]);
            let end = if !any {
                // No unit eligible: i stays ineligible and beaten.
                out.1.min(beat.1)
            } else if self.eligible[i] {
                // Eligible (so beaten): beaten, or ineligible from some point on.
                right_end_of_union(beat, out)
            } else if wins {
                // Ineligible and beaten: both intervals contain t.
                out.1.max(beat.1)
            } else {
                // Ineligible and not beaten: ineligible, or beaten from some point on.
                right_end_of_union(out, beat)
            };
            let error = moved(ki * n_half + hn / 2.0, ad)
                .max(moved((k[i] + kw + 2) as f64 / 2.0, jd))
                .max(moved(1.0, beta[win] - beta[i]));
            u = u.min(end.max(t));
            trust = trust.min(end.max(t) - error);
        }
        self.ends[j] = u.max(t);
        self.trust[j] = trust;
        Some(win)
    }
}

/// A stretch of the walk proven to have these slots (None: not walked).
struct Run {
    from: f64,
    to: f64,
    /// The last step's end and trusted end (see [`Walker::trusted`]).
    end: f64,
    trusted: f64,
    slots: Vec<u64>,
}

/// Searches [a, b] for the quota method (see the module documentation); None when the
/// interval must fall back to the trace search (a point infeasible, or scores off the line).
#[allow(clippy::too_many_arguments)]
pub(crate) fn search<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    ws: &mut Workspace,
    factor: Factor,
    a: f64,
    b: f64,
    cancel: Option<&AtomicBool>,
) -> Option<IntervalPoints> {
    let n = ev.units();
    let mut evaluations = 0u64;
    let eval_scores = |ws: &mut Workspace, t: f64| {
        space.set(&mut ws.params, factor, t);
        ev.evaluate(ws, super::eval::Columns::Scenario).then(|| ws.scores().to_vec())
    };
    let sb = eval_scores(ws, b)?;
    let sa = eval_scores(ws, a)?;
    evaluations += 2;
    let line = Line::through(a, &sa, b, &sb);
    // 1. The walk.
    let mut runs: Vec<Run> = Vec::new();
    let mut walker = Walker::default();
    let (mut t, mut step, mut first) = (a, 0.0, true);
    loop {
        if is_set(cancel) {
            break;
        }
        space.set(&mut ws.params, factor, t);
        if !first {
            if !ev.evaluate(ws, super::eval::Columns::Scenario) {
                return None;
            }
            evaluations += 1;
        }
        if !line.holds(t, ws.scores()) {
            return None;
        }
        let p = ev.problem(ws);
        let walked = if first { walker.full(p, &line, t) } else { walker.step(p, &line, t) };
        first = false;
        if !walked || walker.slots() != ws.slots {
            // Rounding near a tie can put the replay off the path: replay it all.
            if !walker.full(p, &line, t) || walker.slots() != ws.slots {
                return None;
            }
        }
        let u = walker.end();
        let (to, trusted) = (u.min(b), walker.trusted().min(b));
        match runs.last_mut() {
            Some(r) if r.slots == ws.slots && t - r.to <= MAX_GAP => {
                r.to = r.to.max(to);
                (r.end, r.trusted) = (u, trusted);
            }
            Some(r) => {
                // The slots changed (or a gap was left). Near the decision that ended the
                // previous run the rounding of the shares to integer weights can flicker
                // between the two sides: the previous run is trusted only up to as far before
                // that decision as the rounding can move it (even if that is before its last
                // step: the rounding can flicker back and forth), and the new one from as far
                // after it; the descent searches the rest.
                let scale = r.to.abs().max(1.0);
                let moved = (r.end - r.trusted).clamp(0.0, SHIFT_CAP * scale);
                r.to = (r.end - moved).min(r.to) - MARGIN * scale;
                let from = t.max(r.end + moved + MARGIN * scale);
                runs.push(Run { from, to, end: u, trusted, slots: ws.slots.clone() });
            }
            None => runs.push(Run { from: t, to, end: u, trusted, slots: ws.slots.clone() }),
        }
        if u >= b || t >= b {
            break;
        }
        // Step past U; if the last step hardly moved (the end was computed short of the
        // change), step further each time.
        let unit = STEP * t.abs().max(1.0);
        step = if u - t < step { step * 4.0 } else { unit };
        t = (u + step).min(b);
    }
    // 2. The descent: the trace search's bisection, cells inside a run not searched.
    let mut st_a = Vec::new();
    let mut st_b = Vec::new();
    let eval_at = |ws: &mut Workspace, t: f64, st: &mut Vec<u64>| {
        space.set(&mut ws.params, factor, t);
        state(ev, ws, Certificate::Divisor, st);
    };
    eval_at(ws, a, &mut st_a);
    eval_at(ws, b, &mut st_b);
    evaluations += 2;
    let mut points: Vec<Point> = vec![(a, slots_of(&st_a, n))];
    let proven = |x: f64, y: f64| {
        let i = runs.partition_point(|r| r.from <= x);
        i > 0 && y <= runs[i - 1].to
    };
    refine_with(
        &mut |t, s: &mut Vec<u64>| eval_at(ws, t, s),
        &|| is_set(cancel),
        &mut |x, _, y, _| proven(x, y),
        a,
        st_a,
        b,
        st_b.clone(),
        n,
        &mut points,
        &mut evaluations,
    );
    super::oat::push_point(&mut points, b, slots_of(&st_b, n));
    Some(IntervalPoints { points, evaluations })
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::apportion::{apportion_seats, Method, Scratch};
    use crate::sweep::eval::integer_weights;

    /// A random line of scores over [0, 1] (some units' scores constant, some crossing),
    /// floors and caps; the problem at t.
    struct Case {
        line: Line,
        lower: Vec<u64>,
        upper: Vec<u64>,
        total: u64,
    }

    impl Case {
        fn random(rng: &mut ChaCha8Rng) -> Case {
            let n = rng.random_range(2..=12);
            let total = rng.random_range(1..=150);
            let sa: Vec<f64> = (0..n).map(|_| rng.random_range(0.05..1.0)).collect();
            let sb: Vec<f64> = sa
                .iter()
                .map(|&x| if rng.random_range(0..4) == 0 { x } else { rng.random_range(0.05..1.0) })
                .collect();
            let lower: Vec<u64> = (0..n)
                .map(|_| if rng.random_range(0..3) == 0 { rng.random_range(0..=total / n as u64) } else { 0 })
                .collect();
            let upper: Vec<u64> = lower
                .iter()
                .map(|&l| {
                    if rng.random_range(0..3) == 0 {
                        l + rng.random_range(0..=2 * total / n as u64 + 1)
                    } else {
                        total
                    }
                })
                .collect();
            Case { line: Line::through(0.0, &sa, 1.0, &sb), lower, upper, total }
        }

        fn problem(&self, t: f64) -> Option<Problem> {
            let s: Vec<f64> = self.line.alpha.iter().zip(&self.line.beta).map(|(a, b)| a + b * t).collect();
            let mut w = vec![0; s.len()];
            integer_weights(&s, &mut w).then_some(())?;
            Problem::with_bounds(w, self.lower.clone(), self.upper.clone(), self.total, &|i| format!("#{i}"))
                .ok()
        }
    }

    fn slots(p: &Problem) -> Vec<u64> {
        let mut out = Vec::new();
        apportion_seats(p, Method::Quota, &mut Scratch::default(), &mut out);
        out
    }

    /// The proof's claim, checked: at points of [t, U) the quota method gives the slots of t;
    /// and stepping (replaying only what ran out) gives the path of a full run.
    #[test]
    fn the_slots_are_constant_up_to_the_end_and_a_step_replays_the_full_path() {
        let mut rng = ChaCha8Rng::seed_from_u64(19);
        let (mut cases, mut checked) = (0, 0);
        while cases < 300 {
            let c = Case::random(&mut rng);
            let Some(p0) = c.problem(0.0) else { continue };
            let mut walker = Walker::default();
            if !walker.full(&p0, &c.line, 0.0) {
                continue;
            }
            cases += 1;
            let mut t = 0.0;
            for _ in 0..40 {
                let p = c.problem(t).unwrap();
                assert_eq!(walker.slots(), slots(&p), "slots at {t}");
                let u = walker.end().min(1.0);
                for _ in 0..5 {
                    let tau = t + (u - t) * rng.random_range(0.0..0.999);
                    assert_eq!(slots(&c.problem(tau).unwrap()), walker.slots(), "[{t}, {u}] at {tau}");
                    checked += 1;
                }
                if u >= 1.0 {
                    break;
                }
                t = (u + 1e-9).min(1.0);
                let p = c.problem(t).unwrap();
                assert!(walker.step(&p, &c.line, t));
                let mut full = Walker::default();
                assert!(full.full(&p, &c.line, t));
                assert_eq!(walker.winners, full.winners, "path at {t}");
                assert_eq!(walker.slots(), full.slots());
            }
        }
        assert!(checked > 5000, "{checked}");
    }

    #[test]
    fn half_lines_contain_t_exactly_when_the_decision_holds() {
        assert_eq!(half_line(1.0, -1.0, 0.0, true), (f64::NEG_INFINITY, 1.0));
        assert_eq!(half_line(-1.0, 1.0, 0.0, false), (1.0, f64::INFINITY));
        // Rounding put the root on the wrong side: clamped to t.
        assert_eq!(half_line(-1e-20, -1.0, 0.0, true).1.to_bits(), 0.0f64.to_bits());
        assert_eq!(half_line(1.0, 0.0, 0.0, false), (f64::INFINITY, f64::NEG_INFINITY));
    }

    #[test]
    fn a_union_reaches_as_far_as_its_connected_part() {
        assert_eq!(right_end_of_union((0.0, 1.0), (0.5, 2.0)).to_bits(), 2.0f64.to_bits());
        assert_eq!(right_end_of_union((0.0, 1.0), (1.5, 2.0)).to_bits(), 1.0f64.to_bits());
        assert_eq!(
            right_end_of_union((0.0, 1.0), (f64::INFINITY, f64::NEG_INFINITY)).to_bits(),
            1.0f64.to_bits()
        );
    }
}
