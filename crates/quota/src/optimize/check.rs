//! The independent checker of an optimisation result. It recomputes everything from the final
//! integers and the scenario's constraints as written, sharing no code with the solvers except
//! the definition of the objective and its tie-break keys:
//! the total, floors and caps, change limits, the quota condition, every group bound (shares
//! converted exactly), every custom row (in exact integer arithmetic), the objective value, the
//! group report, and — for an `Optimal` status — the optimality certificate: no single-slot
//! exchange that keeps every constraint improves the objective under the tie-break. On laminar
//! constraints (the fast path's structure) that certificate proves global optimality; for
//! minimax it is checked for the tie-break inside the boxes of the reported level.

use thiserror::Error;

use super::constraints::{ceil_times, exact_decimal, floor_times, Constraints};
use super::objective::{level_box, objective_value, rel_weight, Costs, Objective, Separable};
use super::{OptOutcome, Status};

/// How far a reported objective may be from the one recomputed from the integers (relative to
/// max(1, |value|)); sums of the same terms in another order differ by a few ulps.
pub const OBJECTIVE_TOL: f64 = 1e-9;

/// A violated constraint or an inconsistent report.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptCheckError {
    /// Wrong number of units.
    #[error("result has {got} units, expected {expected}")]
    Length { got: usize, expected: usize },
    /// An infeasible or timed-out result that carries slots, or an infeasible one without a
    /// conflict.
    #[error("inconsistent status: {0}")]
    Status(String),
    /// Slots do not sum to the total.
    #[error("slots sum to {sum}, total is {total}")]
    Sum { sum: u64, total: u64 },
    /// A unit outside its floor or cap.
    #[error("{unit}: {slots} slots outside [{floor}, {cap}]")]
    Bounds { unit: String, slots: u64, floor: u64, cap: u64 },
    /// A change limit violated.
    #[error("{unit}: {slots} slots, previous {previous}, exceeds change.{limit}")]
    Change { unit: String, slots: u64, previous: u64, limit: String },
    /// The quota condition violated.
    #[error("{unit}: {slots} slots outside ⌊q⌋..⌈q⌉ for q = {ideal}")]
    Quota { unit: String, slots: u64, ideal: f64 },
    /// A group bound violated.
    #[error("group {group}: {slots} slots violates {bound}")]
    Group { group: String, slots: u64, bound: String },
    /// A custom constraint violated.
    #[error("custom '{name}': left-hand side {lhs} {op} {rhs} does not hold")]
    Custom { name: String, lhs: i128, op: &'static str, rhs: i64 },
    /// The reported objective is not the one of the slots.
    #[error("reported objective {reported} but the slots give {recomputed}")]
    Objective { reported: f64, recomputed: f64 },
    /// The group report does not match the slots.
    #[error("group report: {0}")]
    Report(String),
    /// An improving exchange exists: the result is not optimal under the tie-break.
    #[error(
        "not optimal: moving one slot from {from} to {to} keeps every constraint and improves the objective"
    )]
    NotOptimal { from: String, to: String },
}

/// Checks `outcome` (see the module documentation). `names` are not needed: units are named
/// by index (`#i`) in errors.
pub fn check(
    outcome: &OptOutcome,
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &Constraints,
) -> Result<(), OptCheckError> {
    let n = ideal.len();
    let x = &outcome.slots;
    match &outcome.status {
        Status::Infeasible { explanation } => {
            if !x.is_empty() {
                return Err(OptCheckError::Status("an infeasible result carries slots".into()));
            }
            if explanation.message.is_empty() || explanation.conflict.is_empty() {
                return Err(OptCheckError::Status("an infeasible result without a named conflict".into()));
            }
            return Ok(());
        }
        Status::TimeLimit if x.is_empty() => return Ok(()),
        _ => {}
    }
    if x.len() != n {
        return Err(OptCheckError::Length { got: x.len(), expected: n });
    }
    let unit = |i: usize| format!("unit #{i}");
    let sum: u64 = x.iter().sum();
    if sum != total {
        return Err(OptCheckError::Sum { sum, total });
    }
    for i in 0..n {
        if x[i] < lower[i] || x[i] > upper[i] {
            return Err(OptCheckError::Bounds { unit: unit(i), slots: x[i], floor: lower[i], cap: upper[i] });
        }
        if constraints.quota_condition
            && ((x[i] as f64) < ideal[i].floor() || (x[i] as f64) > ideal[i].ceil())
        {
            return Err(OptCheckError::Quota { unit: unit(i), slots: x[i], ideal: ideal[i] });
        }
    }
    if let Some(c) = &constraints.change {
        for (i, (&v, &p)) in x.iter().zip(&c.previous).enumerate() {
            if !c.allows(p, v.abs_diff(p)) {
                let limit = match (c.max_abs, c.max_rel) {
                    (Some(a), Some(r)) => format!("max_abs {a} / max_rel {r} (combine {:?})", c.combine),
                    (Some(a), None) => format!("max_abs {a}"),
                    (None, Some(r)) => format!("max_rel {r}"),
                    (None, None) => String::new(),
                };
                return Err(OptCheckError::Change { unit: unit(i), slots: v, previous: p, limit });
            }
        }
    }
    for g in &constraints.groups {
        let s: u64 = g.members.iter().map(|&i| x[i]).sum();
        let fail = |bound: String| Err(OptCheckError::Group { group: g.name.clone(), slots: s, bound });
        if let Some(v) = g.min_share {
            let r = exact_decimal(v).expect("valid constraints");
            if (s as u128) * r.den < r.num * total as u128 {
                return fail(format!("min_share {v}"));
            }
        }
        if let Some(v) = g.max_share {
            let r = exact_decimal(v).expect("valid constraints");
            if (s as u128) * r.den > r.num * total as u128 {
                return fail(format!("max_share {v}"));
            }
        }
        if g.min_count.is_some_and(|c| s < c) {
            return fail(format!("min_count {}", g.min_count.unwrap_or(0)));
        }
        if g.max_count.is_some_and(|c| s > c) {
            return fail(format!("max_count {}", g.max_count.unwrap_or(0)));
        }
    }
    for c in &constraints.custom {
        let lhs: i128 = c.terms.iter().map(|&(i, a)| a as i128 * x[i] as i128).sum();
        if !c.op.holds(lhs, c.rhs as i128) {
            return Err(OptCheckError::Custom { name: c.name.clone(), lhs, op: c.op.symbol(), rhs: c.rhs });
        }
    }
    let recomputed = objective_value(constraints.objective, ideal, x);
    if (recomputed - outcome.objective).abs() > OBJECTIVE_TOL * recomputed.abs().max(1.0) {
        return Err(OptCheckError::Objective { reported: outcome.objective, recomputed });
    }
    if outcome.groups.len() != constraints.groups.len() {
        return Err(OptCheckError::Report(format!(
            "{} groups reported, {} declared",
            outcome.groups.len(),
            constraints.groups.len()
        )));
    }
    for (g, r) in constraints.groups.iter().zip(&outcome.groups) {
        let s: u64 = g.members.iter().map(|&i| x[i]).sum();
        let min = [g.min_count, g.min_share.map(|v| ceil_times(exact_decimal(v).expect("valid"), total))]
            .into_iter()
            .flatten()
            .max();
        let max = [g.max_count, g.max_share.map(|v| floor_times(exact_decimal(v).expect("valid"), total))]
            .into_iter()
            .flatten()
            .min();
        if r.name != g.name || r.slots != s || r.min != min || r.max != max {
            return Err(OptCheckError::Report(format!(
                "group {}: reported {} slots in [{:?}, {:?}], recomputed {s} in [{min:?}, {max:?}]",
                g.name, r.slots, r.min, r.max
            )));
        }
    }
    if outcome.status == Status::Optimal {
        certificate(x, ideal, lower, upper, total, constraints)?;
    }
    Ok(())
}

/// Whether `y` (a copy of the slots after one exchange) keeps every constraint.
fn keeps_all(
    y: &[u64],
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    c: &Constraints,
    level: Option<f64>,
) -> bool {
    let n = y.len();
    let within = |i: usize| {
        let (mut lo, mut hi) = (lower[i], upper[i]);
        if let Some(z) = level {
            (lo, hi) = level_box(ideal[i], rel_weight(ideal[i]), z, lo, hi);
        }
        y[i] >= lo && y[i] <= hi
    };
    if !(0..n).all(within) {
        return false;
    }
    if c.quota_condition
        && (0..n).any(|i| (y[i] as f64) < ideal[i].floor() || (y[i] as f64) > ideal[i].ceil())
    {
        return false;
    }
    if let Some(ch) = &c.change {
        if y.iter().zip(&ch.previous).any(|(&v, &p)| !ch.allows(p, v.abs_diff(p))) {
            return false;
        }
    }
    for g in &c.groups {
        let s: u64 = g.members.iter().map(|&i| y[i]).sum();
        let (s, t) = (s as u128, total as u128);
        if g.min_count.is_some_and(|m| (s as u64) < m) || g.max_count.is_some_and(|m| (s as u64) > m) {
            return false;
        }
        if let Some(r) = g.min_share.and_then(exact_decimal) {
            if s * r.den < r.num * t {
                return false;
            }
        }
        if let Some(r) = g.max_share.and_then(exact_decimal) {
            if s * r.den > r.num * t {
                return false;
            }
        }
    }
    c.custom.iter().all(|cu| {
        let lhs: i128 = cu.terms.iter().map(|&(i, a)| a as i128 * y[i] as i128).sum();
        cu.op.holds(lhs, cu.rhs as i128)
    })
}

/// No improving exchange exists (O(n²) candidate pairs, each checked against every constraint).
fn certificate(
    x: &[u64],
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    c: &Constraints,
) -> Result<(), OptCheckError> {
    let (costs, level) = match c.objective {
        Objective::L1 => (Costs::new(ideal, Separable::L1ThenChi), None),
        Objective::ChiSquare => (Costs::new(ideal, Separable::Chi), None),
        Objective::Minimax => {
            (Costs::new(ideal, Separable::Chi), Some(super::objective::max_relative_deviation(ideal, x)))
        }
    };
    let mut y = x.to_vec();
    for i in 0..x.len() {
        for j in 0..x.len() {
            if i == j || x[j] == 0 || !costs.key(i, x[i]).better_than(&costs.key(j, x[j] - 1)) {
                continue;
            }
            y[i] += 1;
            y[j] -= 1;
            let ok = keeps_all(&y, ideal, lower, upper, total, c, level);
            y[i] -= 1;
            y[j] += 1;
            if ok {
                return Err(OptCheckError::NotOptimal {
                    from: format!("unit #{j}"),
                    to: format!("unit #{i}"),
                });
            }
        }
    }
    Ok(())
}
