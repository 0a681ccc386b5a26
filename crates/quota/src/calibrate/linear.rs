//! The calibration's linear programs in a solver-neutral form (variables with bounds, rows,
//! a linear or linear-fractional objective), solved by good_lp with the microlp backend.
//! This is the only file of the calibration that names good_lp; it returns plain vectors.
//!
//! A linear-fractional objective `max num(x) / den(x)` (a weight is a ratio of the model's
//! unnormalised variables) is solved exactly as one LP by the Charnes–Cooper transformation:
//! with `τ = D / den(x)` and `x' = τ·x`, every row `a·x ⋈ b` becomes `a·x' − b·τ ⋈ 0`, every
//! bound `lo ≤ x_k ≤ hi` the rows `x'_k − lo·τ ≥ 0`, `x'_k − hi·τ ≤ 0`, and `den(x') = D`;
//! the optimum `num(x') / D` is the ratio's maximum and `x = x'/τ` attains it (Charnes & Cooper,
//! "Programming with linear fractional functionals", *Naval Res. Logist. Q.* 9 (1962) 181–186).
//! Requirement: `den > 0` on the feasible set and the set bounded (every variable here has
//! finite bounds), so `τ > 0` at the optimum. D is the caller's typical denominator, so that
//! τ ≈ 1: with D = 1 the solver's tolerance on x' (about 10⁻⁹) would be multiplied by 1/τ when
//! x is recovered.

use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel, WithTimeLimit,
};

/// Seconds one solve may take; the calibration's models are small (tens of variables), so a
/// solve that takes this long is a fault, reported as such.
const TIME_LIMIT_SECONDS: f64 = 20.0;

/// Finite box for the Charnes–Cooper variables (see [`Lp::maximise_ratio`]).
const TRANSFORMED_BOX: f64 = 1e9;

/// Sparse linear terms: (variable, coefficient).
pub(crate) type Terms = Vec<(usize, f64)>;

/// The relation of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `Σ a·x ≤ b`.
    Le,
    /// `Σ a·x ≥ b`.
    Ge,
    /// `Σ a·x = b`.
    Eq,
}

/// One row: sparse coefficients, relation, right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub terms: Vec<(usize, f64)>,
    pub op: Op,
    pub rhs: f64,
}

/// A linear program: variables with finite bounds, and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Lp {
    lo: Vec<f64>,
    hi: Vec<f64>,
    rows: Vec<Row>,
}

/// What a solve returned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Solved {
    /// An optimal point and the objective's value there.
    Optimal { x: Vec<f64>, value: f64 },
    /// No point satisfies the rows.
    Infeasible,
}

/// A solver failure (not an outcome of the model): numerical trouble or the time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SolverFault(pub String);

impl Lp {
    /// A new variable in `[lo, hi]` (both finite); returns its index.
    pub fn var(&mut self, lo: f64, hi: f64) -> usize {
        debug_assert!(lo.is_finite() && hi.is_finite() && lo <= hi, "finite bounds {lo}..{hi}");
        self.lo.push(lo);
        self.hi.push(hi);
        self.lo.len() - 1
    }

    /// Adds a row.
    pub fn row(&mut self, terms: Vec<(usize, f64)>, op: Op, rhs: f64) {
        self.rows.push(Row { terms, op, rhs });
    }

    /// Number of variables.
    pub fn vars(&self) -> usize {
        self.lo.len()
    }

    /// `max Σ c·x` over the rows and bounds.
    pub fn maximise(&self, objective: &[(usize, f64)]) -> Result<Solved, SolverFault> {
        solve(&self.lo, &self.hi, &self.rows, objective)
    }

    /// `max num(x) / den(x)` by the Charnes–Cooper transformation (see the module
    /// documentation). Returns the maximising point in the original variables and the ratio.
    pub fn maximise_ratio(
        &self,
        num: &[(usize, f64)],
        den: &[(usize, f64)],
        scale: f64,
    ) -> Result<Solved, SolverFault> {
        debug_assert!(scale > 0.0);
        let n = self.vars();
        let tau = n;
        // x'_k keeps the sign of x_k; the rows below bound it by lo·τ and hi·τ. The solver
        // wants finite bounds on every variable: TRANSFORMED_BOX is far outside what the rows
        // allow in this module's models (τ ≈ 1 and |x| ≤ 10^6 there).
        let mut lo = Vec::with_capacity(n + 1);
        let mut hi = Vec::with_capacity(n + 1);
        let big = TRANSFORMED_BOX;
        for k in 0..n {
            lo.push(if self.lo[k] >= 0.0 { 0.0 } else { -big });
            hi.push(if self.hi[k] <= 0.0 { 0.0 } else { big });
        }
        lo.push(0.0);
        hi.push(big);
        let mut rows: Vec<Row> = Vec::with_capacity(self.rows.len() + 2 * n + 1);
        for r in &self.rows {
            let mut terms = r.terms.clone();
            if r.rhs != 0.0 {
                terms.push((tau, -r.rhs));
            }
            rows.push(Row { terms, op: r.op, rhs: 0.0 });
        }
        for k in 0..n {
            if self.lo[k] != 0.0 {
                rows.push(Row { terms: vec![(k, 1.0), (tau, -self.lo[k])], op: Op::Ge, rhs: 0.0 });
            }
            rows.push(Row { terms: vec![(k, 1.0), (tau, -self.hi[k])], op: Op::Le, rhs: 0.0 });
        }
        rows.push(Row { terms: den.to_vec(), op: Op::Eq, rhs: scale });
        match solve(&lo, &hi, &rows, num)? {
            Solved::Infeasible => Ok(Solved::Infeasible),
            Solved::Optimal { x, value } => {
                let value = value / scale;
                let t = x[tau];
                if t <= 0.0 {
                    return Err(SolverFault(format!("Charnes–Cooper scale τ = {t} at the optimum")));
                }
                Ok(Solved::Optimal { x: x[..n].iter().map(|v| v / t).collect(), value })
            }
        }
    }
}

fn solve(lo: &[f64], hi: &[f64], rows: &[Row], objective: &[(usize, f64)]) -> Result<Solved, SolverFault> {
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = lo.iter().zip(hi).map(|(&l, &h)| vars.add(variable().min(l).max(h))).collect();
    let expr = |terms: &[(usize, f64)]| -> Expression { terms.iter().map(|&(k, a)| a * x[k]).sum() };
    let goal = expr(objective);
    let constraints: Vec<_> = rows
        .iter()
        .map(|r| {
            let e = expr(&r.terms);
            match r.op {
                Op::Le => e.leq(r.rhs),
                Op::Ge => e.geq(r.rhs),
                Op::Eq => e.eq(r.rhs),
            }
        })
        .collect();
    let result = vars
        .maximise(goal.clone())
        .using(good_lp::microlp)
        .with_all(constraints)
        .with_time_limit(TIME_LIMIT_SECONDS)
        .solve();
    match result {
        Ok(s) => {
            let values: Vec<f64> = x.iter().map(|v| s.value(*v)).collect();
            let value = objective.iter().map(|&(k, a)| a * values[k]).sum();
            Ok(Solved::Optimal { x: values, value })
        }
        Err(ResolutionError::Infeasible) => Ok(Solved::Infeasible),
        Err(ResolutionError::Unbounded) => Err(SolverFault("the solver reported an unbounded model".into())),
        Err(e) => Err(SolverFault(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_lp_and_its_ratio_objective() {
        // max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6, 0 ≤ x, y ≤ 10 → (1.6, 1.2), value 2.8.
        let mut lp = Lp::default();
        let (x, y) = (lp.var(0.0, 10.0), lp.var(0.0, 10.0));
        lp.row(vec![(x, 1.0), (y, 2.0)], Op::Le, 4.0);
        lp.row(vec![(x, 3.0), (y, 1.0)], Op::Le, 6.0);
        let Solved::Optimal { x: p, value } = lp.maximise(&[(x, 1.0), (y, 1.0)]).unwrap() else { panic!() };
        assert!((value - 2.8).abs() < 1e-9 && (p[0] - 1.6).abs() < 1e-9, "{p:?}");
        // max x / (x + y) with x + y ≥ 1 added: the point (2, 0) on 3x + y ≤ 6 gives 1.
        lp.row(vec![(x, 1.0), (y, 1.0)], Op::Ge, 1.0);
        let Solved::Optimal { x: p, value } =
            lp.maximise_ratio(&[(x, 1.0)], &[(x, 1.0), (y, 1.0)], 1.0).unwrap()
        else {
            panic!()
        };
        assert!((value - 1.0).abs() < 1e-9 && p[1].abs() < 1e-9, "{p:?} {value}");
        // min x / (x + y) = max −x/(x+y): x = 0, y ≥ 1 gives 0.
        let Solved::Optimal { value, .. } =
            lp.maximise_ratio(&[(x, -1.0)], &[(x, 1.0), (y, 1.0)], 2.0).unwrap()
        else {
            panic!()
        };
        assert!(value.abs() < 1e-9, "{value}");
        // y/(x+y) with y ≥ 3: infeasible with x + 2y ≤ 4.
        lp.row(vec![(y, 1.0)], Op::Ge, 3.0);
        assert_eq!(lp.maximise_ratio(&[(y, 1.0)], &[(x, 1.0), (y, 1.0)], 1.0).unwrap(), Solved::Infeasible);
        assert_eq!(lp.maximise(&[(y, 1.0)]).unwrap(), Solved::Infeasible);
    }
}
