//! The model in good_lp, solved by microlp (always built) or HiGHS (cargo feature `highs`).
//! This is the only file that names good_lp; it returns plain vectors.
//!
//! Formulations (integer x_i with tight explicit bounds `lo_i..hi_i` in every model — good_lp
//! passes integer bounds to microlp as i32, and an unbounded integer is never needed):
//! - **L1** by integer breakpoints: `x_i = lo_i + s1 + s2 + s3`, where s1 covers the steps
//!   below ⌊q_i⌋ (cost −1 each), s2 the step across q_i (cost 1 − 2·frac(q_i)), s3 the steps
//!   above ⌈q_i⌉ (cost +1). Costs increase, so the LP fills the segments in order and the
//!   objective is exactly Σ|x_i − q_i| + constant. For box + total + laminar rows the matrix is
//!   totally unimodular and the relaxation is already integral.
//! - **Chi-square** by integer breakpoints in a window: unit steps `k → k+1` for k in
//!   `[a_i, b_i)` around q_i, each costing `f_i(k+1) − f_i(k)`, and two linear tails outside the
//!   window (centred on an estimate) that continue its first and last step. Convexity makes the tails underestimate
//!   `f_i`, so the model's optimum is a lower bound; when no x_i lands in a tail the bound is
//!   attained and the optimum exact (also with custom rows). A unit that lands in a tail gets
//!   its window widened around it and the model is solved again (rarely more than twice).
//! - **Minimax** level: the LP relaxation of `min z, w_i z ≥ |x_i − q_i|` gives a lower bound;
//!   the level itself is found by feasibility solves over candidate levels (see `general.rs`).

use std::time::{Duration, Instant};

use good_lp::{
    variable, Constraint, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable, WithTimeLimit,
};

use super::constraints::Solver;
use super::model::Model;
use super::objective::{chi_step, l1_step, rel_weight};
use super::OptimizeError;

/// How far a solver's value may be from an integer and still be read as that integer. The
/// simplex backends return integers to ~1e-9 on these models; anything farther is a fault.
pub(crate) const INTEGRALITY_TOL: f64 = 1e-6;

/// The time and backend available to the LP path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub solver: Solver,
    pub deadline: Instant,
}

impl Budget {
    pub fn new(solver: Solver, limit: Duration) -> Self {
        Budget { solver, deadline: Instant::now() + limit }
    }

    fn remaining(&self) -> Option<Duration> {
        self.deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }
}

/// What a solve returned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// Integer slots; `proven` when the backend proved optimality.
    Found { x: Vec<u64>, proven: bool },
    /// The model has no solution.
    Infeasible,
    /// The time ran out before any solution was found.
    TimedOut,
}

struct Base {
    vars: ProblemVariables,
    x: Vec<Variable>,
    rows: Vec<Constraint>,
}

/// Variables x_i in `lo..=hi` (integer or not), Σ x = total, the model's rows.
fn base(m: &Model, lo: &[u64], hi: &[u64], integer: bool) -> Base {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..m.len())
        .map(|i| {
            let v = variable().min(lo[i] as f64).max(hi[i] as f64);
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let mut rows = Vec::new();
    let all: Expression = x.iter().sum();
    rows.push(all.eq(m.total as f64));
    for r in &m.rows {
        let s: Expression = r.members.iter().map(|&i| x[i]).sum();
        let room: u64 = r.members.iter().map(|&i| hi[i]).sum();
        let floor: u64 = r.members.iter().map(|&i| lo[i]).sum();
        if r.lo > floor {
            rows.push(s.clone().geq(r.lo as f64));
        }
        if r.hi < room {
            rows.push(s.leq(r.hi as f64));
        }
    }
    for c in &m.customs {
        let s: Expression = c.terms.iter().map(|&(i, a)| a as f64 * x[i]).sum();
        let rhs = c.rhs as f64;
        rows.push(match c.op {
            super::constraints::Op::Le => s.leq(rhs),
            super::constraints::Op::Ge => s.geq(rhs),
            super::constraints::Op::Eq => s.eq(rhs),
        });
    }
    Base { vars, x, rows }
}

/// Solves `min objective` and reads `read`.
fn run(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    read: &[Variable],
    budget: &Budget,
) -> Result<Option<(Vec<f64>, bool)>, Outcome> {
    let Some(left) = budget.remaining() else { return Err(Outcome::TimedOut) };
    let problem = vars.minimise(objective);
    match budget.solver {
        Solver::Microlp => finish(
            problem.using(good_lp::microlp).with_all(rows).with_time_limit(left.as_secs_f64()).solve(),
            read,
        ),
        #[cfg(feature = "highs")]
        Solver::Highs => {
            let model = problem
                .using(good_lp::highs)
                .set_threads(1)
                .set_mip_rel_gap(0.0)
                .and_then(|p| p.set_mip_abs_gap(0.0))
                .map_err(|e| Outcome::Fault(e.to_string()))?
                .set_time_limit(left.as_secs_f64())
                .with_all(rows);
            finish(model.solve(), read)
        }
        #[cfg(not(feature = "highs"))]
        Solver::Highs => Err(Outcome::Unavailable),
    }
}

/// Internal failure modes of one solve.
enum Outcome {
    Infeasible,
    TimedOut,
    #[cfg_attr(feature = "highs", allow(dead_code))]
    Unavailable,
    Fault(String),
}

fn finish<S: Solution>(
    r: Result<S, ResolutionError>,
    read: &[Variable],
) -> Result<Option<(Vec<f64>, bool)>, Outcome> {
    match r {
        Ok(s) => {
            // Both MIP gaps are 0 (microlp's default, set explicitly for HiGHS), so a gap status can
            // only come from HiGHS finishing with a gap of rounding size, which good_lp reports
            // as `GapLimit`: that is HiGHS's optimality proof within its tolerances.
            let proven = matches!(s.status(), SolutionStatus::Optimal | SolutionStatus::GapLimit);
            Ok(Some((read.iter().map(|&v| s.value(v)).collect(), proven)))
        }
        Err(ResolutionError::Infeasible) => Err(Outcome::Infeasible),
        Err(ResolutionError::Other(m)) if m.contains("Time limit") => Err(Outcome::TimedOut),
        Err(e) => {
            let text = e.to_string();
            if text.to_ascii_lowercase().contains("time limit") {
                Err(Outcome::TimedOut)
            } else {
                Err(Outcome::Fault(text))
            }
        }
    }
}

/// Maps a solve to an [`Answer`] with integer slots.
fn to_answer(r: Result<Option<(Vec<f64>, bool)>, Outcome>) -> Result<Answer, OptimizeError> {
    match r {
        Ok(Some((values, proven))) => Ok(Answer::Found { x: integers(&values)?, proven }),
        Ok(None) | Err(Outcome::TimedOut) => Ok(Answer::TimedOut),
        Err(Outcome::Infeasible) => Ok(Answer::Infeasible),
        Err(Outcome::Unavailable) => Err(OptimizeError::SolverUnavailable(Solver::Highs)),
        Err(Outcome::Fault(m)) => Err(OptimizeError::Solver(m)),
    }
}

fn integers(values: &[f64]) -> Result<Vec<u64>, OptimizeError> {
    values
        .iter()
        .map(|&v| {
            let r = v.round();
            if (v - r).abs() > INTEGRALITY_TOL || r < 0.0 {
                Err(OptimizeError::Solver(format!("the solver returned a non-integral slot count {v}")))
            } else {
                Ok(r as u64)
            }
        })
        .collect()
}

/// Minimum Σ|x_i − q_i| over the model.
pub(crate) fn l1(m: &Model, ideal: &[f64], budget: &Budget) -> Result<Answer, OptimizeError> {
    let Base { mut vars, x, mut rows } = base(m, &m.lo, &m.hi, true);
    let mut objective = Expression::default();
    for i in 0..m.len() {
        let (lo, hi, q) = (m.lo[i], m.hi[i], ideal[i]);
        let fl = q.floor() as u64;
        let ce = q.ceil() as u64;
        let mut segments: Vec<(u64, f64)> = Vec::with_capacity(3);
        segments.push((fl.min(hi).saturating_sub(lo), -1.0));
        if ce > fl && lo <= fl && fl < hi {
            segments.push((1, l1_step(q, fl)));
        }
        segments.push((hi.saturating_sub(lo.max(ce)), 1.0));
        let mut tie = Expression::from(x[i]);
        for (count, cost) in segments.into_iter().filter(|s| s.0 > 0) {
            let s = vars.add(variable().min(0.0).max(count as f64));
            objective += cost * s;
            tie -= s;
        }
        rows.push(tie.eq(lo as f64));
    }
    to_answer(run(vars, objective, rows, &x, budget))
}

/// Minimum Σ(x_i − q_i)²/w_i over the model within boxes `lo..hi`, by windowed breakpoints
/// with linear tails (see the module documentation).
pub(crate) fn chi_square(
    m: &Model,
    ideal: &[f64],
    lo: &[u64],
    hi: &[u64],
    center: &[u64],
    budget: &Budget,
) -> Result<Answer, OptimizeError> {
    let n = m.len();
    let step = |i: usize, k: u64| chi_step(ideal[i], rel_weight(ideal[i]), k);
    // Window [a_i, b_i] of exact unit steps; outside it the tails continue the window's first
    // and last step linearly, which never overestimates the convex cost.
    let mut half = vec![WINDOW; n];
    let mut window: Vec<(u64, u64)> = (0..n)
        .map(|i| {
            let k0 = center[i].clamp(lo[i], hi[i]);
            (k0.saturating_sub(WINDOW).max(lo[i]), (k0 + WINDOW).min(hi[i]))
        })
        .collect();
    loop {
        let Base { mut vars, x, mut rows } = base(m, lo, hi, true);
        let mut objective = Expression::default();
        for i in (0..n).filter(|&i| lo[i] < hi[i]) {
            let (a, b) = window[i];
            let mut tie = Expression::from(x[i]);
            if a > lo[i] {
                let c = vars.add(variable().min(0.0).max((a - lo[i]) as f64));
                objective -= step(i, a - 1) * c;
                tie += c;
            }
            for k in a..b {
                let y = vars.add(variable().min(0.0).max(1.0));
                objective += step(i, k) * y;
                tie -= y;
            }
            if b < hi[i] {
                let d = vars.add(variable().min(0.0).max((hi[i] - b) as f64));
                objective += step(i, b) * d;
                tie -= d;
            }
            rows.push(tie.eq(a as f64));
        }
        let answer = to_answer(run(vars, objective, rows, &x, budget))?;
        let Answer::Found { x: sol, proven } = answer else { return Ok(answer) };
        let mut widened = false;
        for i in 0..n {
            let (a, b) = window[i];
            if sol[i] < a || sol[i] > b {
                half[i] *= 2;
                window[i] =
                    (sol[i].min(a).saturating_sub(half[i]).max(lo[i]), (sol[i].max(b) + half[i]).min(hi[i]));
                widened = true;
            }
        }
        if !widened || !proven {
            return Ok(Answer::Found { x: sol, proven });
        }
    }
}

/// Initial half-width of the chi-square breakpoint window, in slots (doubled for a unit each
/// time it lands outside).
const WINDOW: u64 = 3;

/// Any allocation within boxes `lo..hi` that satisfies the model (zero objective).
pub(crate) fn feasible(m: &Model, lo: &[u64], hi: &[u64], budget: &Budget) -> Result<Answer, OptimizeError> {
    let Base { vars, x, rows } = base(m, lo, hi, true);
    to_answer(run(vars, Expression::default(), rows, &x, budget))
}

/// The LP-relaxation lower bound of the minimax level: `min z` with continuous x and
/// `w_i z ≥ |x_i − q_i|`. `None` when even the relaxation is infeasible.
pub(crate) fn minimax_bound(m: &Model, ideal: &[f64], budget: &Budget) -> Result<Option<f64>, OptimizeError> {
    let Base { mut vars, x, mut rows } = base(m, &m.lo, &m.hi, false);
    let z = vars.add(variable().min(0.0));
    for i in 0..m.len() {
        let w = rel_weight(ideal[i]);
        rows.push((w * z - x[i]).geq(-ideal[i]));
        rows.push((w * z + x[i]).geq(ideal[i]));
    }
    match run(vars, Expression::from(z), rows, &[z], budget) {
        Ok(Some((v, _))) => Ok(Some(v[0].max(0.0))),
        Ok(None) | Err(Outcome::TimedOut) => Ok(Some(0.0)),
        Err(Outcome::Infeasible) => Ok(None),
        Err(Outcome::Unavailable) => Err(OptimizeError::SolverUnavailable(Solver::Highs)),
        Err(Outcome::Fault(e)) => Err(OptimizeError::Solver(e)),
    }
}
