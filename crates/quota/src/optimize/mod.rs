//! Constrained allocation: integer slots closest to the ideal quotas under the constraints
//! planners negotiate — regional guarantees, limits on change from the last batch, the quota
//! condition, custom linear constraints — with a fast exact path, an LP path (good_lp), an
//! independent checker, and infeasibility that explains itself.
//!
//! # The model
//!
//! Integer slots `x_i` for units i = 1…n, with ideal (fractional) quotas `q_i`, `Σ q_i = N`:
//!
//! ```text
//! minimise   Σ |x_i − q_i|                  objective = "l1" (default)
//!        or  Σ (x_i − q_i)² / q_i            objective = "chi-square" (Webster-like)
//!        or  max |x_i − q_i| / q_i           objective = "minimax"
//! subject to Σ x_i = N
//!            lo_i ≤ x_i ≤ hi_i               floors, caps (eligible firms), and:
//!            |x_i − p_i| ≤ max_abs and/or ≤ max_rel · p_i            [optimize.change]
//!            ⌊q_i⌋ ≤ x_i ≤ ⌈q_i⌉             quota_condition = true
//!            ⌈min_share·N⌉ ≤ Σ_{i∈G} x_i ≤ ⌊max_share·N⌋, min_count ≤ … ≤ max_count   [[optimize.group]]
//!            Σ a_i x_i (≤ | ≥ | =) rhs       [[optimize.custom]]
//! ```
//!
//! Relative terms divide by `max(q_i, 0.001)` ([`MIN_IDEAL`]). Shares and `max_rel` are read as
//! the decimals written in the scenario and converted to slot counts exactly (0.28 of 1039 is
//! ≥ 291 slots, never 290.92…).
//!
//! **Tie-break** ([`TIE_BREAK_RULE`]). Among allocations with the same objective value the one
//! with the smallest chi-square distance is chosen (it spreads slots that the objective does not
//! care about — e.g. the extra slots a regional guarantee forces into a region under L1 — in
//! proportion to the ideal quotas), and if that ties too, the slot goes to the unit listed
//! first. For minimax the level is minimised first, then the chi-square rule applies inside it.
//! The result is therefore unique, and on the fast path's structure both paths return the same
//! integers.
//!
//! # Two paths
//!
//! - **Fast** ([`Path::Fast`], microseconds): box bounds, the total and *laminar* groups (any two
//!   disjoint or nested — regions, unions of regions, provinces in them). Change limits and the
//!   quota condition are box bounds, so they stay on this path. A proportional start plus
//!   improving exchanges over the group tree; exact by M-convexity (see `fast.rs`).
//! - **LP** ([`Path::Lp`]): anything else (custom constraints, overlapping groups), by good_lp
//!   with microlp (pure Rust, default) or HiGHS (`solver = "highs"`, cargo feature `highs`).
//!   The tie-break is applied afterwards by pairwise exchanges (the global rule on laminar
//!   constraints; with custom rows or overlapping groups the objective is still the proven
//!   optimum, and ties are refined until no exchange improves them). The time limit gives
//!   [`Status::TimeLimit`] with the best allocation found (or none), never a panic.
//!
//! `path = "auto"` (default) takes the fast path whenever it applies. The test suite checks
//! that both paths give the same objective and the same integers on thousands of random
//! instances. [`solve`] returns the full report; [`solve_slots`] only the slots and status;
//! [`Prepared`] the same slots and status for many quota vectors with the same constraints
//! (sweeps), building the model and group tree once.
//!
//! # Explaining a result
//!
//! [`constraints_at`] lists every named constraint of a solve in the scenario's words, with
//! whether it binds at given slots; [`solve_with`] re-solves the same instance with some of them
//! switched off (same paths, objective and tie-break). `quota explain` uses them to show what
//! each binding constraint does to the result (`crate::explain::optimize_trail`).
//!
//! # Numerical policy
//!
//! - Every constraint is checked in integers: shares and `max_rel` are exact decimals
//!   ([`exact_decimal`]), custom rows are summed in `i128`.
//! - The objective's increments are computed in f64 from the f64 ideal quotas and compared
//!   exactly (a total order; −0 = +0); increments whose costs are equal as f64 values fall
//!   through to the tie-break. Allocations whose objective values are equal in real arithmetic
//!   but differ in the last bits of the f64 quotas are ordered by those bits — identically on
//!   both paths, because both use the same keys.
//! - Named tolerances, each guarding one thing: [`MIN_IDEAL`] (division by a zero quota),
//!   [`IDEAL_SUM_TOL`] (Σ q_i vs N on input), `BOX_TOL` (1e-9 slots: rounding of the minimax
//!   level boxes), `INTEGRALITY_TOL` (1e-6: reading the LP solver's integers; anything farther
//!   is an error), [`OBJECTIVE_TOL`] (the checker's comparison of a reported objective).
//!
//! # Infeasibility
//!
//! Cheap checks before solving name the contradiction with its numbers — `floors sum to 1040 >
//! total 1039`, `group 西部 needs ≥ 300 but its caps sum to 281`. On the fast path's structure
//! these checks are exact. Otherwise, if the solver reports infeasible, a deletion filter over
//! the scenario's named constraints returns a minimal conflicting set. Either way the result is
//! [`Status::Infeasible`] with an [`Infeasibility`] in the scenario's own words.
//!
//! # Scenario TOML: the `[optimize]` table
//!
//! ```toml
//! [optimize]
//! objective = "l1"          # "l1" (default) | "chi-square" | "minimax"
//! quota_condition = false   # each unit within ⌊q⌋..⌈q⌉
//! time_limit_ms = 10000     # LP path only (default 10 s)
//! solver = "microlp"        # "microlp" (default) | "highs" (cargo feature `highs`)
//! path = "auto"             # "auto" (default) | "fast" (error if it does not apply) | "lp"
//!
//! [[optimize.group]]        # exactly one of units / region / regions
//! name = "西部+东北"        # optional when region(s) are given
//! regions = ["西部", "东北"] # NBS regions: 东部 中部 西部 东北 or East Central West Northeast
//! min_share = 0.28          # also max_share, min_count, max_count; all given bounds apply
//!
//! [[optimize.group]]
//! name = "京津沪"
//! units = ["11", "12", "31"]  # unit codes (or names) from data/units.csv
//! max_count = 120
//!
//! [optimize.change]         # previous allocation: every unit, by code
//! previous = { "11" = 60, "12" = 14, "13" = 30 }   # … all 37 units
//! max_abs = 8               # |x − previous| ≤ 8
//! max_rel = 0.25            # |x − previous| ≤ 25% of previous
//! combine = "both"          # both limits apply (default) | "either": the larger one applies
//!
//! [[optimize.custom]]       # Σ terms op rhs, integer coefficients
//! name = "北京不超过上海"
//! terms = { "11" = 1, "31" = -1 }
//! op = "<="                 # "<=" | ">=" | "="
//! rhs = 0
//! ```
//!
//! # Example
//!
//! ```
//! use quota::optimize::{solve, check, Constraints, Group, Status};
//!
//! let ideal = [40.6, 30.3, 20.1, 9.0];
//! let (lower, upper) = ([0; 4], [100; 4]);
//! let names: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
//! let mut c = Constraints::default();
//! c.groups.push(Group {
//!     name: "C+D".into(), members: vec![2, 3],
//!     min_share: Some(0.35), max_share: None, min_count: None, max_count: None,
//! });
//! let out = solve(&ideal, &lower, &upper, 100, &c, &names).unwrap();
//! assert_eq!(out.status, Status::Optimal);
//! assert_eq!(out.slots.iter().sum::<u64>(), 100);
//! assert_eq!(out.slots[2] + out.slots[3], 35);
//! check(&out, &ideal, &lower, &upper, 100, &c).unwrap();
//! ```

mod check;
mod constraints;
mod fast;
mod general;
mod infeasibility;
mod lp;
mod model;
mod objective;
mod optima;
#[cfg(test)]
mod optima_tests;
mod prepared;
mod problem;
mod relax;
mod spec;
#[cfg(test)]
mod tests;

use std::fmt;

use thiserror::Error;

pub use check::{check, OptCheckError, OBJECTIVE_TOL};
pub use constraints::{
    exact_decimal, ChangeLimit, Combine, Constraints, Custom, Group, Op, PathChoice, Solver,
    DEFAULT_TIME_LIMIT, MAX_DECIMALS,
};
pub use infeasibility::Infeasibility;
pub use objective::{
    chi_square_distance, l1_distance, max_relative_deviation, objective_value, Objective, MIN_IDEAL,
    TIE_BREAK_RULE,
};
pub use optima::{
    AllOptima, Alternative, Preference, SlotRange, CHI_SQUARE_TIE_TOL, DEFAULT_COUNT_LIMIT, DEFAULT_LISTED,
};
pub use prepared::{Prepared, PreparedWork};
pub use problem::OptProblem;
pub use relax::{constraints_at, solve_with, ConstraintKind, NamedConstraint, Scope};
pub use spec::{ChangeSpec, CustomSpec, GroupSpec, OptimizeSpec, SpecError};

use crate::apportion::MAX_SEATS;
use fast::{NotLaminar, Tree};
use lp::{Answer, Budget};
use model::{custom_lhs, Instance, Item, ItemKind, Model, Target};

/// How close Σ q_i must be to the total (relative to max(1, N)): the ideal quotas come from
/// floating-point scores, so their sum is the total only up to rounding.
pub const IDEAL_SUM_TOL: f64 = 1e-6;

/// A problem the optimiser cannot take as given (not an infeasible one: that is a
/// [`Status::Infeasible`] outcome).
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptimizeError {
    /// No units at all.
    #[error("there are no units to allocate among")]
    NoUnits,
    /// An input vector of the wrong length.
    #[error("{what}: {got} values for {expected} units")]
    Length { what: &'static str, got: usize, expected: usize },
    /// A negative or non-finite ideal quota.
    #[error("the ideal quota of {unit} is {value}; expected a finite number ≥ 0")]
    BadIdeal { unit: String, value: f64 },
    /// Ideal quotas that do not sum to the total.
    #[error("the ideal quotas sum to {sum}, not to the total {total}")]
    IdealSum { sum: f64, total: u64 },
    /// A total beyond the supported range.
    #[error("total {total} is above the supported maximum {max}")]
    TotalTooLarge { total: u64, max: u64 },
    /// Constraints that are not well formed for these units.
    #[error("invalid constraints: {0}")]
    InvalidConstraint(String),
    /// `path = "fast"` on constraints that need the LP path.
    #[error("the fast path does not apply: {reason}; use path = \"auto\" or \"lp\"")]
    FastPathNotApplicable { reason: String },
    /// A backend that this build does not include.
    #[error("solver '{0}' is not built in; rebuild with `cargo build --features highs`")]
    SolverUnavailable(Solver),
    /// The LP backend failed (not infeasibility, not the time limit).
    #[error("the LP solver failed: {0}")]
    Solver(String),
    /// Every optimal allocation was asked of a model that needs the LP path.
    #[error("listing every optimal allocation needs the fast path's structure (box bounds, the total, nested or disjoint groups): {reason}")]
    AllOptimaNeedLaminar { reason: String },
    /// Every optimal allocation was asked of a model without a proven optimum.
    #[error("no proven optimum to compare with: the model is {status}")]
    NoOptimum { status: String },
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// A proven optimum (unique under the tie-break).
    Optimal,
    /// The time limit struck: `slots` is the best allocation found, or empty if none was.
    TimeLimit,
    /// No allocation satisfies the constraints; `slots` is empty.
    Infeasible {
        /// What contradicts what.
        explanation: Infeasibility,
    },
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Optimal => f.write_str("optimal"),
            Status::TimeLimit => f.write_str("time-limit"),
            Status::Infeasible { .. } => f.write_str("infeasible"),
        }
    }
}

/// Which solution path produced the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// The fast exact path (laminar groups, box bounds).
    Fast,
    /// The LP path (good_lp).
    Lp,
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Path::Fast => "fast",
            Path::Lp => "lp",
        })
    }
}

/// One group's slots against its bounds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupReport {
    /// The group's name.
    pub name: String,
    /// Σ x_i over its members.
    pub slots: u64,
    /// slots / N.
    pub share: f64,
    /// The effective minimum in slots (the larger of min_count and ⌈min_share·N⌉), if any.
    pub min: Option<u64>,
    /// The effective maximum in slots, if any.
    pub max: Option<u64>,
    /// The declared min_share, if any.
    pub min_share: Option<f64>,
    /// The declared max_share, if any.
    pub max_share: Option<f64>,
}

/// The result of [`solve`].
#[derive(Debug, Clone, PartialEq)]
pub struct OptOutcome {
    /// Optimal, time-limit or infeasible (with its explanation).
    pub status: Status,
    /// Which path ran.
    pub path: Path,
    /// The LP backend, when the LP path ran.
    pub solver: Option<Solver>,
    /// The objective minimised.
    pub objective_kind: Objective,
    /// Slots per unit in input order (empty when there is no allocation).
    pub slots: Vec<u64>,
    /// The objective's value at `slots` (`f64::INFINITY` when there is no allocation).
    pub objective: f64,
    /// The chi-square distance at `slots` (the tie-break's measure).
    pub tie_break: f64,
    /// The constraints that hold with equality, in the scenario's words (floors and caps of 0 or
    /// the total, and the quota condition, are left out).
    pub binding: Vec<String>,
    /// Every declared group: slots, share and bounds.
    pub groups: Vec<GroupReport>,
}

/// Solves the optimisation model.
///
/// `ideal` are the fractional ideal quotas q_i (Σ q_i = total), `lower` and `upper` the
/// per-unit floors and caps of the core problem, `names` display names for messages.
///
/// Requirements: equal lengths; `total ≤ 10^6`; q_i finite, ≥ 0; constraints valid for the
/// number of units ([`Constraints::validate`]). Reference: Balinski & Young, *Fair
/// Representation*, ch. 10 (apportionment as optimisation); Murota, *Discrete Convex Analysis*
/// (2003) for the fast path's optimality.
pub fn solve(
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &Constraints,
    names: &[String],
) -> Result<OptOutcome, OptimizeError> {
    let inst = instance(ideal, lower, upper, total, constraints, names)?;
    let model = inst.full_model();
    let (status, path, slots) = run(&inst, &model, None)?;
    Ok(report(&inst, &model, &vec![true; inst.items.len()], status, path, slots))
}

/// Slots only, for sweeps: the same allocation and status as [`solve`], without the report
/// (objective, binding constraints, groups). `out` is cleared and filled (left empty when there
/// is no allocation).
pub fn solve_slots(
    ideal: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &Constraints,
    names: &[String],
    out: &mut Vec<u64>,
) -> Result<Status, OptimizeError> {
    let inst = instance(ideal, lower, upper, total, constraints, names)?;
    let model = inst.full_model();
    let (status, _, slots) = run(&inst, &model, None)?;
    *out = slots;
    Ok(status)
}

/// Checks the inputs of [`solve`] against its requirements and builds the instance from them.
fn instance<'a>(
    ideal: &'a [f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    constraints: &'a Constraints,
    names: &'a [String],
) -> Result<Instance<'a>, OptimizeError> {
    let n = ideal.len();
    if n == 0 {
        return Err(OptimizeError::NoUnits);
    }
    for (what, got) in [("lower", lower.len()), ("upper", upper.len()), ("names", names.len())] {
        if got != n {
            return Err(OptimizeError::Length { what, got, expected: n });
        }
    }
    if total > MAX_SEATS {
        return Err(OptimizeError::TotalTooLarge { total, max: MAX_SEATS });
    }
    check_ideal(ideal, total, names)?;
    constraints.validate(n)?;
    Ok(Instance::new(ideal, lower, upper, total, constraints, names))
}

/// The ideal quotas' own requirements: finite, non-negative, summing to the total (up to
/// [`IDEAL_SUM_TOL`]). `names` has one entry per quota.
fn check_ideal(ideal: &[f64], total: u64, names: &[String]) -> Result<(), OptimizeError> {
    if let Some(i) = (0..ideal.len()).find(|&i| !ideal[i].is_finite() || ideal[i] < 0.0) {
        return Err(OptimizeError::BadIdeal { unit: names[i].clone(), value: ideal[i] });
    }
    let sum: f64 = ideal.iter().sum();
    if (sum - total as f64).abs() > IDEAL_SUM_TOL * (total as f64).max(1.0) {
        return Err(OptimizeError::IdealSum { sum, total });
    }
    Ok(())
}

/// Chooses the path, runs the cheap checks and the solver. `model` is the model of the items
/// marked in `active` (`None`: every item).
fn run(
    inst: &Instance,
    model: &Model,
    active: Option<&[bool]>,
) -> Result<(Status, Path, Vec<u64>), OptimizeError> {
    let (ideal, constraints, n) = (inst.ideal, inst.constraints, inst.len());
    let tree = Tree::build(model, ideal);
    let path = match (&tree, constraints.path) {
        (_, PathChoice::Lp) => Path::Lp,
        (Ok(_), _) => Path::Fast,
        (Err(why), PathChoice::Fast) => {
            return Err(OptimizeError::FastPathNotApplicable { reason: not_laminar(inst, why) })
        }
        (Err(_), PathChoice::Auto) => Path::Lp,
    };
    if path == Path::Lp && !constraints.solver.available() {
        return Err(OptimizeError::SolverUnavailable(constraints.solver));
    }
    let infeasible = |explanation: Infeasibility| (Status::Infeasible { explanation }, path, Vec::new());
    // Cheap checks: exact on a group tree, partial otherwise.
    let (mut l, mut h) = (Vec::new(), Vec::new());
    match &tree {
        Ok(t) => {
            if let Err(v) = t.ranges(&model.lo, &model.hi, &mut l, &mut h) {
                return Ok(infeasible(infeasibility::tree_failure(inst, model, t, v, &l, &h)));
            }
        }
        Err(_) => {
            if let Some(e) = infeasibility::precheck(inst, model) {
                return Ok(infeasible(e));
            }
        }
    }
    let (status, slots) = match (path, &tree) {
        (Path::Fast, Ok(t)) => {
            let mut x = Vec::with_capacity(n);
            match constraints.objective {
                objective::Objective::Minimax => {
                    t.solve_minimax(&model.lo, &model.hi, ideal, &mut x);
                }
                o => t.solve_in_ranges(&l, &h, &objective::Costs::new(ideal, o.separable()), &mut x),
            }
            (Status::Optimal, x)
        }
        _ => {
            let budget = Budget::new(constraints.solver, constraints.time_limit);
            match general::solve(model, ideal, constraints.objective, &budget)? {
                Answer::Found { x, proven } => (if proven { Status::Optimal } else { Status::TimeLimit }, x),
                Answer::TimedOut => (Status::TimeLimit, Vec::new()),
                Answer::Infeasible => {
                    let budget = Budget::new(constraints.solver, constraints.time_limit);
                    return match infeasibility::deletion_filter(inst, active, &budget)? {
                        Some(e) => Ok(infeasible(e)),
                        None => Err(OptimizeError::Solver(
                            "the solver reported infeasible, but the constraints have a solution".into(),
                        )),
                    };
                }
            }
        }
    };
    Ok((status, path, slots))
}

fn not_laminar(inst: &Instance, why: &NotLaminar) -> String {
    match why {
        NotLaminar::Custom(item) => format!("{} needs the LP path", inst.name(*item)),
        NotLaminar::Overlap(a, b) => format!(
            "groups '{}' and '{}' overlap without one containing the other",
            inst.constraints.groups[*a].name, inst.constraints.groups[*b].name
        ),
    }
}

/// Objective, binding constraints and group report of an allocation; only the items marked in
/// `active` count (those `model` was built from).
fn report(
    inst: &Instance,
    model: &Model,
    active: &[bool],
    status: Status,
    path: Path,
    x: Vec<u64>,
) -> OptOutcome {
    let c = inst.constraints;
    let solver = (path == Path::Lp).then_some(c.solver);
    let total = inst.total;
    if x.is_empty() {
        return OptOutcome {
            status,
            path,
            solver,
            objective_kind: c.objective,
            slots: x,
            objective: f64::INFINITY,
            tie_break: f64::INFINITY,
            binding: Vec::new(),
            groups: Vec::new(),
        };
    }
    let mut binding = Vec::new();
    for (k, item) in inst.items.iter().enumerate() {
        if active[k] && at_bound(c, item, &x) {
            let mut text = inst.name(k);
            if let (ItemKind::ChangeAbs | ItemKind::ChangeRel | ItemKind::ChangeEither, Target::Unit(i)) =
                (item.kind, item.target)
            {
                text.push_str(": at ");
                text.push_str(&x[i].to_string());
            }
            binding.push(text);
        }
    }
    let groups = c
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let of = |kind: ItemKind| {
                inst.items
                    .iter()
                    .zip(active)
                    .filter(move |(it, &on)| on && it.kind == kind && it.target == Target::Group(g))
                    .map(|(it, _)| it)
            };
            let slots = group_slots(c, g, &x);
            GroupReport {
                name: group.name.clone(),
                slots,
                share: if total == 0 { 0.0 } else { slots as f64 / total as f64 },
                min: of(ItemKind::GroupMin).map(|it| it.lo).max(),
                max: of(ItemKind::GroupMax).map(|it| it.hi).min(),
                min_share: group.min_share,
                max_share: group.max_share,
            }
        })
        .collect();
    debug_assert!(model.satisfied_by(&x) || status == Status::TimeLimit);
    OptOutcome {
        status,
        path,
        solver,
        objective_kind: c.objective,
        objective: objective_value(c.objective, inst.ideal, &x),
        tie_break: chi_square_distance(inst.ideal, &x),
        slots: x,
        binding,
        groups,
    }
}

/// Whether an item holds with equality at `x` (a change limit or quota range at either end).
fn at_bound(c: &Constraints, item: &Item, x: &[u64]) -> bool {
    match (item.kind, item.target) {
        (ItemKind::Floor, Target::Unit(i)) => x[i] == item.lo,
        (ItemKind::Cap, Target::Unit(i)) => x[i] == item.hi,
        (ItemKind::ChangeAbs | ItemKind::ChangeRel | ItemKind::ChangeEither, Target::Unit(i)) => {
            x[i] == item.lo || x[i] == item.hi
        }
        (ItemKind::GroupMin, Target::Group(g)) => group_slots(c, g, x) == item.lo,
        (ItemKind::GroupMax, Target::Group(g)) => group_slots(c, g, x) == item.hi,
        (ItemKind::Custom, Target::Custom(k)) => custom_lhs(&c.custom[k].terms, x) == c.custom[k].rhs as i128,
        _ => false,
    }
}

fn group_slots(c: &Constraints, g: usize, x: &[u64]) -> u64 {
    c.groups[g].members.iter().map(|&i| x[i]).sum()
}
