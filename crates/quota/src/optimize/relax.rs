//! The model's constraints one by one, and solves with some of them switched off: what an audit
//! trail needs to say which constraints bind and what each one does to the result.
//!
//! [`constraints_at`] lists every named constraint of a solve (the same granularity as the
//! infeasibility explanations: one floor, one cap, one change limit or quota range of one unit,
//! one bound of a group, one custom row), in the scenario's words, with whether it holds with
//! equality at given slots. [`solve_with`] solves the same instance with only some of them
//! active — the same paths, objective and tie-break as [`solve`](super::solve), so its results
//! are exact optima of the relaxed model, not estimates.

use serde::Serialize;

use super::model::{ItemKind, Target};
use super::{at_bound, instance, report, run, Constraints, OptOutcome, OptimizeError};

/// What a named constraint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConstraintKind {
    /// A unit's floor (`[bounds]`).
    Floor,
    /// A unit's cap (`[bounds]`, eligible firms).
    Cap,
    /// `[optimize.change] max_abs` on one unit.
    ChangeAbs,
    /// `[optimize.change] max_rel` on one unit.
    ChangeRel,
    /// `[optimize.change]` with `combine = "either"` on one unit.
    Change,
    /// `quota_condition` on one unit: ⌊q⌋..⌈q⌉.
    QuotaCondition,
    /// A group's minimum (`min_share` or `min_count`).
    GroupMin,
    /// A group's maximum (`max_share` or `max_count`).
    GroupMax,
    /// A `[[optimize.custom]]` row.
    Custom,
}

impl ConstraintKind {
    /// Whether this is a side constraint of the optimisation model (anything but a floor or a
    /// cap of the core problem).
    pub fn is_side(self) -> bool {
        !matches!(self, ConstraintKind::Floor | ConstraintKind::Cap)
    }

    /// Whether this is a change limit (either form).
    pub fn is_change(self) -> bool {
        matches!(self, ConstraintKind::ChangeAbs | ConstraintKind::ChangeRel | ConstraintKind::Change)
    }
}

impl From<ItemKind> for ConstraintKind {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Floor => ConstraintKind::Floor,
            ItemKind::Cap => ConstraintKind::Cap,
            ItemKind::ChangeAbs => ConstraintKind::ChangeAbs,
            ItemKind::ChangeRel => ConstraintKind::ChangeRel,
            ItemKind::ChangeEither => ConstraintKind::Change,
            ItemKind::Quota => ConstraintKind::QuotaCondition,
            ItemKind::GroupMin => ConstraintKind::GroupMin,
            ItemKind::GroupMax => ConstraintKind::GroupMax,
            ItemKind::Custom => ConstraintKind::Custom,
        }
    }
}

/// What a named constraint constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// One unit (index into the unit table).
    Unit(usize),
    /// One group (index into [`Constraints::groups`]).
    Group(usize),
    /// One custom row (index into [`Constraints::custom`]).
    Custom(usize),
}

/// One named constraint of a solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedConstraint {
    /// What it is.
    pub kind: ConstraintKind,
    /// What it constrains.
    pub scope: Scope,
    /// A unit constraint: the lowest slots it allows. A group minimum: the minimum count
    /// (shares converted exactly). Otherwise 0.
    pub lo: u64,
    /// A unit constraint: the most slots it allows. A group maximum: the maximum count.
    /// A group minimum: the total. A custom row: 0 (its terms are in [`Constraints::custom`]).
    pub hi: u64,
    /// In the scenario's words, as in [`OptOutcome::binding`] and infeasibility explanations
    /// ("change for 21 辽宁省 (previous 24, ±max(4, 25%) = ±6: 18..30)").
    pub name: String,
    /// Whether it holds with equality at the slots it was listed for: a floor or cap reached,
    /// a change limit at either end of its range, a group at its bound, a custom row with
    /// `lhs = rhs` — the rule of [`OptOutcome::binding`]. Quota ranges are never marked: every
    /// slot count inside ⌊q⌋..⌈q⌉ is at one of its ends, so "at its end" says nothing; what
    /// dropping them does is the informative fact.
    pub binds: bool,
}

impl NamedConstraint {
    /// Whether unit `i` appears in it: its own floor, cap, change limit or quota range; a group
    /// it belongs to; a custom row with a term for it.
    pub fn involves(&self, constraints: &Constraints, i: usize) -> bool {
        match self.scope {
            Scope::Unit(u) => u == i,
            Scope::Group(g) => constraints.groups[g].members.binary_search(&i).is_ok(),
            Scope::Custom(k) => constraints.custom[k].terms.iter().any(|t| t.0 == i),
        }
    }
}

/// Every named constraint of the instance, in the solver's order (per unit its floor, cap,
/// change limits and quota range; then group bounds; then custom rows), with whether it binds
/// at `slots`. The inputs are those of [`solve`](super::solve), plus the slots (one per unit).
pub fn constraints_at(
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &Constraints,
    names: &[String],
    slots: &[u64],
) -> Result<Vec<NamedConstraint>, OptimizeError> {
    let inst = instance(ideal, lower, upper, total, constraints, names)?;
    if slots.len() != ideal.len() {
        return Err(OptimizeError::Length { what: "slots", got: slots.len(), expected: ideal.len() });
    }
    Ok(inst
        .items
        .iter()
        .enumerate()
        .map(|(k, item)| NamedConstraint {
            kind: item.kind.into(),
            scope: match item.target {
                Target::Unit(i) => Scope::Unit(i),
                Target::Group(g) => Scope::Group(g),
                Target::Custom(c) => Scope::Custom(c),
            },
            lo: item.lo,
            hi: item.hi,
            name: inst.name(k),
            binds: at_bound(constraints, item, slots),
        })
        .collect())
}

/// Solves the instance with only the constraints marked in `active` (one flag per entry of
/// [`constraints_at`], same order); the total always applies. Same paths, objective and
/// tie-break as [`solve`](super::solve); the report's binding constraints and group bounds are
/// those of the active constraints. A subset of a feasible model's constraints is feasible; if
/// the subset is infeasible, the explanation's conflict is drawn from the active constraints.
#[allow(clippy::too_many_arguments)]
pub fn solve_with(
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &Constraints,
    names: &[String],
    active: &[bool],
) -> Result<OptOutcome, OptimizeError> {
    let inst = instance(ideal, lower, upper, total, constraints, names)?;
    if active.len() != inst.items.len() {
        return Err(OptimizeError::Length {
            what: "active constraints",
            got: active.len(),
            expected: inst.items.len(),
        });
    }
    let model = inst.model(active);
    let (status, path, slots) = run(&inst, &model, Some(active))?;
    Ok(report(&inst, &model, active, status, path, slots))
}

#[cfg(test)]
mod tests {
    use super::super::{solve, Group, Status};
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn lists_constraints_and_solves_subsets() {
        let ideal = [40.6, 30.3, 20.1, 9.0];
        let (lower, upper) = ([1, 1, 1, 1], [100, 100, 100, 8]);
        let mut c = Constraints::default();
        c.groups.push(Group {
            name: "C+D".into(),
            members: vec![2, 3],
            min_share: Some(0.35),
            max_share: None,
            min_count: None,
            max_count: None,
        });
        let full = solve(&ideal, &lower, &upper, 100, &c, &names(4)).unwrap();
        let list = constraints_at(&ideal, &lower, &upper, 100, &c, &names(4), &full.slots).unwrap();
        // Four floors, one cap (the other caps are ≥ the total), one group minimum.
        assert_eq!(list.len(), 6);
        let binding: Vec<&str> = list.iter().filter(|k| k.binds).map(|k| k.name.as_str()).collect();
        assert_eq!(binding, full.binding.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(binding.contains(&"cap of u3 (8)"));
        assert!(list[5].involves(&c, 2) && !list[5].involves(&c, 0));
        // Everything active: the full solve. Group dropped: floors and caps alone.
        let all = solve_with(&ideal, &lower, &upper, 100, &c, &names(4), &[true; 6]).unwrap();
        assert_eq!(all, full);
        let mut active = [true; 6];
        active[5] = false;
        let relaxed = solve_with(&ideal, &lower, &upper, 100, &c, &names(4), &active).unwrap();
        let plain = solve(&ideal, &lower, &upper, 100, &Constraints::default(), &names(4)).unwrap();
        assert_eq!(relaxed.slots, plain.slots);
        assert_eq!(relaxed.status, Status::Optimal);
        assert!(relaxed.binding.iter().all(|b| !b.starts_with("group")));
        assert_eq!(relaxed.groups[0].min, None);
        assert!(solve_with(&ideal, &lower, &upper, 100, &c, &names(4), &[true; 2]).is_err());
    }
}
