//! The optimisation model prepared once for many vectors of ideal quotas with the same units,
//! floors, caps, total and constraints — what a sweep solves, scenario after scenario.
//!
//! [`solve_slots`](super::solve_slots) builds everything per call: the named items, the model,
//! the group tree (with its laminarity check), and a dozen buffers. Of these only the quota
//! condition's boxes `⌊q_i⌋..⌈q_i⌉` and the nodes' Σ q (the proportional start) depend on
//! the quotas. [`Prepared`] builds the rest once — the model of every item but the quota
//! condition, and the tree — and each [`Prepared::solve_slots`] call only checks the quotas,
//! intersects the boxes with the quota condition (when it is on), computes the node ranges and
//! Σ q, and runs the same fast-path solver ([`Tree`]) with the caller's [`PreparedWork`]:
//! no allocation once the buffers have grown. The arithmetic is the same, operation for
//! operation, so the slots and status are those of `solve_slots` (tested on random sweeps,
//! including the quota condition, minimax and infeasible points).
//!
//! Everything that is not the fast path's happy case goes to `solve_slots` itself: an instance
//! that fails validation, a model that needs the LP path (custom rows, overlapping groups, or
//! `path = "lp"`), and a scenario whose constraints cannot hold (so that the status carries the
//! same explanation).

use super::fast::{Tree, Work};
use super::model::{Instance, ItemKind};
use super::objective::{Costs, Objective};
use super::{check_ideal, solve_slots, Constraints, OptimizeError, PathChoice, Status};
use crate::apportion::MAX_SEATS;

/// The model of one sweep, built once (see the module documentation).
#[derive(Debug, Clone)]
pub struct Prepared {
    lower: Vec<u64>,
    upper: Vec<u64>,
    total: u64,
    constraints: Constraints,
    names: Vec<String>,
    fast: Option<Fast>,
}

/// The fast path's fixed part.
#[derive(Debug, Clone)]
struct Fast {
    tree: Tree,
    /// Each unit's box from every item except the quota condition.
    lo: Vec<u64>,
    hi: Vec<u64>,
}

/// Buffers of [`Prepared::solve_slots`], one per thread.
#[derive(Debug, Default, Clone)]
pub struct PreparedWork {
    lo: Vec<u64>,
    hi: Vec<u64>,
    l: Vec<u64>,
    h: Vec<u64>,
    qsum: Vec<f64>,
    work: Work,
    /// The last optimum found on the fast path with the prepared boxes (no quota condition;
    /// for minimax any), if any: a start for the next point, usually a few exchanges from its
    /// optimum (minimax checks that it lies in the new level's boxes).
    last: Vec<u64>,
}

impl Prepared {
    /// Prepares the model of `constraints` over units with these floors, caps and total
    /// (the arguments of [`solve_slots`] other than the ideal quotas).
    pub fn new(
        lower: &[u64],
        upper: &[u64],
        total: u64,
        constraints: &Constraints,
        names: &[String],
    ) -> Self {
        let n = lower.len();
        let valid = n > 0
            && upper.len() == n
            && names.len() == n
            && total <= MAX_SEATS
            && constraints.validate(n).is_ok()
            && constraints.path != PathChoice::Lp;
        let fast = valid.then(|| {
            // The quota condition's items are the only ones that read the quotas: leave them out.
            let zeros = vec![0.0; n];
            let inst = Instance::new(&zeros, lower, upper, total, constraints, names);
            let active: Vec<bool> = inst.items.iter().map(|it| it.kind != ItemKind::Quota).collect();
            let model = inst.model(&active);
            Tree::build(&model, &zeros).ok().map(|tree| Fast { tree, lo: model.lo, hi: model.hi })
        });
        Prepared {
            lower: lower.to_vec(),
            upper: upper.to_vec(),
            total,
            constraints: constraints.clone(),
            names: names.to_vec(),
            fast: fast.flatten(),
        }
    }

    /// The objective being minimised.
    pub fn objective(&self) -> Objective {
        self.constraints.objective
    }

    /// `solve_slots(ideal, lower, upper, total, constraints, names, out)` with the prepared
    /// constraints and names: the same slots and status (`out` is cleared and filled; left
    /// empty when there is no allocation). Bounds other than the prepared ones are solved from
    /// scratch.
    pub fn solve_slots(
        &self,
        ideal: &[f64],
        lower: &[u64],
        upper: &[u64],
        total: u64,
        work: &mut PreparedWork,
        out: &mut Vec<u64>,
    ) -> Result<Status, OptimizeError> {
        let full =
            |out: &mut Vec<u64>| solve_slots(ideal, lower, upper, total, &self.constraints, &self.names, out);
        let Some(fast) = &self.fast else { return full(out) };
        if ideal.len() != lower.len() || lower != self.lower || upper != self.upper || total != self.total {
            return full(out);
        }
        check_ideal(ideal, self.total, &self.names)?;
        let PreparedWork { lo, hi, l, h, qsum, work, last } = work;
        lo.clear();
        hi.clear();
        if self.constraints.quota_condition {
            for ((&q, &a), &b) in ideal.iter().zip(&fast.lo).zip(&fast.hi) {
                lo.push(a.max(q.floor() as u64));
                hi.push(b.min(q.ceil() as u64));
            }
        } else {
            lo.extend_from_slice(&fast.lo);
            hi.extend_from_slice(&fast.hi);
        }
        if fast.tree.ranges(lo, hi, l, h).is_err() {
            // Infeasible: the full path names the contradiction.
            return full(out);
        }
        match self.constraints.objective {
            Objective::Minimax => {
                // The last optimum starts the tie-break solve when it lies in the new level's
                // boxes (checked there); the optimum is unique, so it changes only the speed.
                fast.tree.qsum_into(ideal, qsum);
                fast.tree.solve_minimax_with(lo, hi, ideal, qsum, last, out, work);
                last.clone_from(out);
            }
            o => {
                let costs = Costs::new(ideal, o.separable());
                // Without the quota condition the boxes never change, so the last optimum is a
                // feasible start; the optimum is unique, so the start changes only the speed.
                let warm = !self.constraints.quota_condition
                    && !last.is_empty()
                    && fast.tree.solve_from_with(l, h, last, &costs, out, work);
                if !warm {
                    fast.tree.qsum_into(ideal, qsum);
                    fast.tree.solve_in_ranges_with(l, h, qsum, &costs, out, work);
                }
                if !self.constraints.quota_condition {
                    last.clone_from(out);
                }
            }
        }
        Ok(Status::Optimal)
    }
}
