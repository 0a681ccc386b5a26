//! The optimisation model as a value: a problem checked once ([`OptProblem::new`]), then
//! solved, solved for slots only, re-solved with some constraints dropped, and its results
//! checked — without repeating the six inputs or their validation at every call.

use super::model::Instance;
use super::optima::AllOptima;
use super::relax::{constraints_at, NamedConstraint};
use super::{check, instance, report, run, Constraints, OptCheckError, OptOutcome, OptimizeError, Status};

/// A validated optimisation problem: ideal quotas q_i (Σ q_i = total), per-unit floors and
/// caps, the national total, the side constraints and the units' display names.
#[derive(Debug, Clone, PartialEq)]
pub struct OptProblem {
    ideal: Vec<f64>,
    lower: Vec<u64>,
    upper: Vec<u64>,
    total: u64,
    constraints: Constraints,
    names: Vec<String>,
    /// Number of named constraints (the length of an `active` mask in [`OptProblem::relax`]).
    items: usize,
}

impl OptProblem {
    /// Checks the inputs against the optimiser's requirements (equal lengths, total ≤ 10^6,
    /// quotas finite, ≥ 0 and summing to the total, constraints valid for these units).
    pub fn new(
        ideal: Vec<f64>,
        lower: Vec<u64>,
        upper: Vec<u64>,
        total: u64,
        constraints: Constraints,
        names: Vec<String>,
    ) -> Result<OptProblem, OptimizeError> {
        let items = instance(&ideal, &lower, &upper, total, &constraints, &names)?.items.len();
        Ok(OptProblem { ideal, lower, upper, total, constraints, names, items })
    }

    fn instance(&self) -> Instance<'_> {
        Instance::new(&self.ideal, &self.lower, &self.upper, self.total, &self.constraints, &self.names)
    }

    /// Solves the full model: status, slots, objective, binding constraints, groups.
    pub fn solve(&self) -> Result<OptOutcome, OptimizeError> {
        let inst = self.instance();
        let model = inst.full_model();
        let (status, path, slots) = run(&inst, &model, None)?;
        Ok(report(&inst, &model, &vec![true; inst.items.len()], status, path, slots))
    }

    /// Slots only (`out` is cleared and filled; empty when there is no allocation): the same
    /// allocation and status as [`OptProblem::solve`].
    pub fn solve_slots(&self, out: &mut Vec<u64>) -> Result<Status, OptimizeError> {
        let inst = self.instance();
        let model = inst.full_model();
        let (status, _, slots) = run(&inst, &model, None)?;
        *out = slots;
        Ok(status)
    }

    /// The model with only the constraints marked in `active` (one flag per entry of
    /// [`OptProblem::constraints_at`]); the total always applies.
    pub fn relax(&self, active: &[bool]) -> Result<OptOutcome, OptimizeError> {
        if active.len() != self.items {
            return Err(OptimizeError::Length {
                what: "active constraints",
                got: active.len(),
                expected: self.items,
            });
        }
        let inst = self.instance();
        let model = inst.model(active);
        let (status, path, slots) = run(&inst, &model, Some(active))?;
        Ok(report(&inst, &model, active, status, path, slots))
    }

    /// Every optimal allocation (see [`AllOptima`]): whether the optimum is unique, up to
    /// `listed` alternatives, their count up to `count_limit`, each unit's slot range over all
    /// of them. Needs the fast path's structure (no custom rows or overlapping groups).
    pub fn all_optima(&self, listed: usize, count_limit: usize) -> Result<AllOptima, OptimizeError> {
        super::optima::all_optima(&self.instance(), listed, count_limit)
    }

    /// Every named constraint of the model and whether it binds at `slots`.
    pub fn constraints_at(&self, slots: &[u64]) -> Result<Vec<NamedConstraint>, OptimizeError> {
        constraints_at(
            &self.ideal,
            &self.lower,
            &self.upper,
            self.total,
            &self.constraints,
            &self.names,
            slots,
        )
    }

    /// Re-verifies an outcome of this problem from its integers (the optimiser's independent
    /// checker): feasibility, the objective, optimality under the tie-break.
    pub fn check(&self, outcome: &OptOutcome) -> Result<(), OptCheckError> {
        check(outcome, &self.ideal, &self.lower, &self.upper, self.total, &self.constraints)
    }

    /// The ideal quotas.
    pub fn ideal(&self) -> &[f64] {
        &self.ideal
    }

    /// The national total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The side constraints.
    pub fn constraints(&self) -> &Constraints {
        &self.constraints
    }

    /// The units' display names.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}
