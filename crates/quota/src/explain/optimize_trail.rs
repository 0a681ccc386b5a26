//! The optimiser's audit trail: why the optimisation model gives a unit its slots.
//!
//! The model ([`crate::optimize`]) chooses integer slots `x_i` closest to the ideal quotas
//! `q_i = N·W_i/ΣW` (from the exact integer weights, as for every apportionment method) under
//! floors, caps and the scenario's side constraints. It has no queue of claims and no cut-off;
//! what explains its result is:
//!
//! - each unit's ideal quota (exact fraction), slots, deviation `x_i − q_i` and term in the
//!   objective;
//! - every named constraint and whether it holds with equality (*binds*): a unit's floor, cap,
//!   change limit; each group bound; each custom row;
//! - **the model without its side constraints**: the same objective, floors and caps, without
//!   groups, change limits, the quota condition and custom rows — what each unit would get if
//!   only its floor and cap applied (for `l1` it is compared with Hamilton's allocation of the
//!   same problem);
//! - **each binding side constraint dropped alone**: the model re-solved with every other
//!   constraint kept, and which units' slots move (with `quota_condition`, the whole condition
//!   is dropped at once — a range ⌊q⌋..⌈q⌉ always has the slots at one of its ends).
//!
//! Every re-solve is [`optimize::solve_with`] on the same instance: the same paths, objective
//! and tie-break as `quota allocate`, so the relaxed results are exact optima of the relaxed
//! models, not estimates. Dropping one constraint at a time does not add up: two binding
//! constraints can each change nothing alone and much together.
//!
//! Next in line, margins and paradoxes for the optimiser are re-solves too: the model at other
//! totals ([`next_in_line`], [`paradoxes`]) and, for margins, at other indicator values
//! ([`super::margins::margins_optimized`]).

use serde::Serialize;

use super::next::{changes_by, NextInLine, SlotChange};
use super::paradox::{alabama_by, quota_violations, ParadoxReport, ViolationCause};
use super::{Base, Exact, ExplainError};
use crate::allocate::{ideal_quotas, unit_labels};
use crate::apportion::{apportion, Method, Problem, Ratio};
use crate::optimize::{
    self, constraints_at, objective_value, solve_slots, solve_with, ConstraintKind, Constraints,
    NamedConstraint, Objective, OptOutcome, Scope, Status,
};
use crate::scenario::Scenario;

/// One unit in the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptUnit {
    /// Unit index.
    pub unit: usize,
    /// Its integer weight W.
    pub weight: u64,
    /// Its ideal quota `q = N·W/ΣW`, exact.
    pub ideal: Exact,
    /// The ideal quota as the solver used it (f64).
    pub ideal_used: f64,
    /// Floor.
    pub floor: u64,
    /// Cap (as given; slots never exceed the total).
    pub cap: u64,
    /// The range its own constraints allow together (floor, cap, change limit, quota range).
    pub lo: u64,
    /// Upper end of that range.
    pub hi: u64,
    /// Its slots.
    pub slots: u64,
    /// `x − q`.
    pub deviation: f64,
    /// Its term in the objective: `|x − q|` (l1), `(x − q)²/q` (chi-square), `|x − q|/q`
    /// (minimax, whose objective is the largest term); `q` at least [`optimize::MIN_IDEAL`].
    pub term: f64,
    /// Its slots in the model without side constraints.
    pub without_side: u64,
    /// The binding constraints that involve it (indices into [`OptTrail::constraints`]).
    pub binding: Vec<usize>,
}

/// One declared group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptGroup {
    /// Index into the scenario's groups.
    pub group: usize,
    /// Name.
    pub name: String,
    /// Member units.
    pub members: Vec<usize>,
    /// Minimum in slots (the larger of `min_count` and ⌈min_share·N⌉), if any.
    pub min: Option<u64>,
    /// Maximum in slots, if any.
    pub max: Option<u64>,
    /// Declared `min_share`.
    pub min_share: Option<f64>,
    /// Declared `max_share`.
    pub max_share: Option<f64>,
    /// Σ x over its members.
    pub slots: u64,
    /// slots / N.
    pub share: f64,
    /// Whether its minimum binds.
    pub binds_min: bool,
    /// Whether its maximum binds.
    pub binds_max: bool,
    /// Its slots in the model without side constraints.
    pub without_side: u64,
}

/// One custom row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptCustom {
    /// Index into the scenario's custom rows.
    pub custom: usize,
    /// Name.
    pub name: String,
    /// `Σ a_i x_i` at the slots.
    pub lhs: i128,
    /// `≤`, `≥` or `=`.
    pub op: &'static str,
    /// Right-hand side.
    pub rhs: i64,
    /// Whether `lhs = rhs`.
    pub binds: bool,
    /// `Σ a_i x_i` without side constraints.
    pub without_side: i128,
}

/// The model re-solved without some constraints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// The constraints dropped (indices into [`OptTrail::constraints`]).
    pub dropped: Vec<usize>,
    /// What was dropped, in the scenario's words.
    pub label: String,
    /// How the re-solve ended (`optimal`, `time-limit`).
    pub status: String,
    /// Its objective value (`null` when there is no allocation).
    pub objective_value: Option<f64>,
    /// Its chi-square distance, the tie-break's measure (`null` when there is no allocation).
    pub tie_break: Option<f64>,
    /// Its slots (empty when the time limit struck before any allocation).
    pub slots: Vec<u64>,
    /// Units whose slots differ from the result, result → relaxed.
    pub changes: Vec<SlotChange>,
}

/// Hamilton's allocation of the same problem (largest remainders of the quotas after floors
/// and caps) against the l1 model without side constraints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HamiltonComparison {
    /// Hamilton's slots.
    pub slots: Vec<u64>,
    /// Its L1 distance Σ|x − q| from the ideal quotas.
    pub l1: f64,
    /// Units whose slots differ (empty: the same allocation).
    pub differs: Vec<usize>,
    /// How the two compare.
    pub verdict: HamiltonVerdict,
}

/// How Hamilton's allocation compares with the l1 model without side constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HamiltonVerdict {
    /// The same slots.
    Same,
    /// Other slots at the same L1 distance (to 1e-9, relative): equal optima picked by
    /// different tie-breaks.
    EqualOptima,
    /// Other slots farther from q: Hamilton rounds the quotas after floors and caps (q*), the
    /// model measures from q itself.
    Farther,
}

/// The asked unit's view of the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptFocus {
    /// Unit index.
    pub unit: usize,
    /// Every constraint that involves it (indices into [`OptTrail::constraints`]).
    pub constraints: Vec<usize>,
    /// Its slots in the previous allocation, if change limits are set.
    pub previous: Option<u64>,
    /// Groups it belongs to (indices into [`OptTrail::groups`]).
    pub groups: Vec<usize>,
    /// Custom rows with a term for it (indices into [`OptTrail::custom`]).
    pub custom: Vec<usize>,
    /// Its slots under each relaxation of [`OptTrail::relaxations`], in order (`null`: no
    /// allocation).
    pub relaxed: Vec<Option<u64>>,
    /// For the minimax objective, whether its term is the objective (the largest term, to
    /// 1e-12 relative); `null` for the other objectives.
    pub attains_objective: Option<bool>,
}

/// The optimiser's audit trail (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptTrail {
    /// `optimal` or `time-limit` (the best allocation found when the time limit struck).
    pub status: String,
    /// `fast` or `lp`.
    pub path: String,
    /// The LP backend, on the LP path.
    pub solver: Option<String>,
    /// `l1`, `chi-square` or `minimax`.
    pub objective: String,
    /// The objective's value.
    pub objective_value: f64,
    /// The chi-square distance (the tie-break's measure).
    pub tie_break: f64,
    /// The tie-break rule.
    pub tie_rule: &'static str,
    /// N.
    pub total: u64,
    /// ΣW.
    pub weight_sum: u128,
    /// Whether `quota_condition` is on.
    pub quota_condition: bool,
    /// Every unit.
    pub units: Vec<OptUnit>,
    /// Every named constraint of the model and whether it binds.
    pub constraints: Vec<NamedConstraint>,
    /// The binding constraints as `quota allocate` prints them.
    pub binding: Vec<String>,
    /// Every declared group.
    pub groups: Vec<OptGroup>,
    /// Every custom row.
    pub custom: Vec<OptCustom>,
    /// The model without its side constraints (floors and caps only).
    pub without_side: Relaxation,
    /// For the l1 objective: Hamilton's allocation of the same problem against the model
    /// without side constraints. `null` for the other objectives.
    pub hamilton: Option<HamiltonComparison>,
    /// Each binding side constraint dropped alone (and the quota condition as a whole, if on).
    pub relaxations: Vec<Relaxation>,
    /// The asked unit's view.
    pub focus: Option<OptFocus>,
    /// Every optimal allocation, when asked (`--all-optima`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optima: Option<optimize::AllOptima>,
}

/// The inputs of one solve of a scenario's model, as `quota allocate` builds them.
struct Inputs {
    ideal: Vec<f64>,
    names: Vec<String>,
    constraints: Constraints,
}

impl Inputs {
    fn new(s: &Scenario, problem: &Problem) -> Inputs {
        let mut ideal = Vec::new();
        ideal_quotas(problem, &mut ideal);
        Inputs { ideal, names: unit_labels(s), constraints: s.constraints.clone().unwrap_or_default() }
    }

    fn relax(
        &self,
        s: &Scenario,
        list: &[NamedConstraint],
        result: &[u64],
        dropped: Vec<usize>,
        label: String,
    ) -> Result<Relaxation, ExplainError> {
        let mut active = vec![true; list.len()];
        for &k in &dropped {
            active[k] = false;
        }
        let out =
            solve_with(&self.ideal, &s.floors, &s.caps, s.total, &self.constraints, &self.names, &active)?;
        let changes = if out.slots.is_empty() {
            Vec::new()
        } else {
            (0..result.len())
                .filter(|&i| out.slots[i] != result[i])
                .map(|i| SlotChange { unit: i, from: result[i], to: out.slots[i] })
                .collect()
        };
        Ok(Relaxation {
            dropped,
            label,
            status: out.status.to_string(),
            objective_value: (!out.slots.is_empty()).then_some(out.objective),
            tie_break: (!out.slots.is_empty()).then_some(out.tie_break),
            slots: out.slots,
            changes,
        })
    }
}

fn group_sum(members: &[usize], x: &[u64]) -> u64 {
    members.iter().map(|&i| x[i]).sum()
}

fn custom_sum(terms: &[(usize, i64)], x: &[u64]) -> i128 {
    terms.iter().map(|&(i, a)| a as i128 * x[i] as i128).sum()
}

/// The optimiser's audit trail of scenario `s` (its problem `problem`, its result `out` as
/// returned by [`crate::allocate::allocate`]), with the view of unit `unit` if asked.
pub fn trail(
    s: &Scenario,
    problem: &Problem,
    out: &OptOutcome,
    unit: Option<usize>,
) -> Result<OptTrail, ExplainError> {
    let inp = Inputs::new(s, problem);
    let c = &inp.constraints;
    let x = &out.slots;
    let list = constraints_at(&inp.ideal, &s.floors, &s.caps, s.total, c, &inp.names, x)?;
    let side: Vec<usize> = (0..list.len()).filter(|&k| list[k].kind.is_side()).collect();
    let without_side = inp.relax(s, &list, x, side, "every side constraint (floors and caps kept)".into())?;
    let free = &without_side.slots;
    let mut relaxations = Vec::new();
    for k in (0..list.len()).filter(|&k| list[k].binds && list[k].kind.is_side()) {
        relaxations.push(inp.relax(s, &list, x, vec![k], list[k].name.clone())?);
    }
    if c.quota_condition {
        let all: Vec<usize> =
            (0..list.len()).filter(|&k| list[k].kind == ConstraintKind::QuotaCondition).collect();
        relaxations.push(inp.relax(s, &list, x, all, "quota_condition (every unit)".into())?);
    }
    let ws = problem.weight_sum();
    let units = (0..x.len())
        .map(|i| {
            let own = list.iter().filter(|k| k.scope == Scope::Unit(i));
            let lo = own.clone().map(|k| k.lo).max().unwrap_or(0);
            let hi = own.map(|k| k.hi).min().unwrap_or(s.total).min(s.total);
            let q = inp.ideal[i];
            OptUnit {
                unit: i,
                weight: problem.weights()[i],
                ideal: Exact(Ratio::new(s.total as u128 * problem.weights()[i] as u128, ws)),
                ideal_used: q,
                floor: s.floors[i],
                cap: s.caps[i],
                lo,
                hi,
                slots: x[i],
                deviation: x[i] as f64 - q,
                term: objective_value(out.objective_kind, &[q], &[x[i]]),
                without_side: free.get(i).copied().unwrap_or(0),
                binding: (0..list.len()).filter(|&k| list[k].binds && list[k].involves(c, i)).collect(),
            }
        })
        .collect();
    let binds = |scope: Scope, kind: ConstraintKind| {
        list.iter().any(|k| k.scope == scope && k.kind == kind && k.binds)
    };
    let groups = out
        .groups
        .iter()
        .enumerate()
        .map(|(g, r)| OptGroup {
            group: g,
            name: r.name.clone(),
            members: c.groups[g].members.clone(),
            min: r.min,
            max: r.max,
            min_share: r.min_share,
            max_share: r.max_share,
            slots: r.slots,
            share: r.share,
            binds_min: binds(Scope::Group(g), ConstraintKind::GroupMin),
            binds_max: binds(Scope::Group(g), ConstraintKind::GroupMax),
            without_side: if free.is_empty() { 0 } else { group_sum(&c.groups[g].members, free) },
        })
        .collect();
    let custom = c
        .custom
        .iter()
        .enumerate()
        .map(|(k, row)| OptCustom {
            custom: k,
            name: row.name.clone(),
            lhs: custom_sum(&row.terms, x),
            op: row.op.symbol(),
            rhs: row.rhs,
            binds: binds(Scope::Custom(k), ConstraintKind::Custom),
            without_side: if free.is_empty() { 0 } else { custom_sum(&row.terms, free) },
        })
        .collect();
    let hamilton = match without_side.objective_value {
        Some(v) if out.objective_kind == Objective::L1 && !free.is_empty() => {
            let h = apportion(problem, Method::Hamilton).seats;
            let l1 = objective_value(Objective::L1, &inp.ideal, &h);
            let differs: Vec<usize> = (0..h.len()).filter(|&i| h[i] != free[i]).collect();
            let verdict = if differs.is_empty() {
                HamiltonVerdict::Same
            } else if (l1 - v).abs() <= 1e-9 * v.max(1.0) {
                HamiltonVerdict::EqualOptima
            } else {
                HamiltonVerdict::Farther
            };
            Some(HamiltonComparison { l1, differs, slots: h, verdict })
        }
        _ => None,
    };
    let focus = unit.map(|u| OptFocus {
        unit: u,
        constraints: (0..list.len()).filter(|&k| list[k].involves(c, u)).collect(),
        previous: c.change.as_ref().map(|ch| ch.previous[u]),
        groups: (0..c.groups.len()).filter(|&g| c.groups[g].members.binary_search(&u).is_ok()).collect(),
        custom: (0..c.custom.len()).filter(|&k| c.custom[k].terms.iter().any(|t| t.0 == u)).collect(),
        relaxed: relaxations.iter().map(|r| r.slots.get(u).copied()).collect(),
        attains_objective: (out.objective_kind == Objective::Minimax).then(|| {
            let term = objective_value(out.objective_kind, &[inp.ideal[u]], &[x[u]]);
            (term - out.objective).abs() <= 1e-12 * out.objective.max(1.0)
        }),
    });
    Ok(OptTrail {
        status: out.status.to_string(),
        path: out.path.to_string(),
        solver: out.solver.map(|v| v.name().to_string()),
        objective: out.objective_kind.name().to_string(),
        objective_value: out.objective,
        tie_break: out.tie_break,
        tie_rule: optimize::TIE_BREAK_RULE,
        total: s.total,
        weight_sum: ws,
        quota_condition: c.quota_condition,
        units,
        constraints: list,
        binding: out.binding.clone(),
        groups,
        custom,
        without_side,
        hamilton,
        relaxations,
        focus,
        optima: None,
    })
}

/// The model of scenario `s` re-solved at another total `t`: ideal quotas `t·W/ΣW`, the same
/// floors, caps and side constraints (group shares converted at `t`; change limits and counts
/// as written). An error text when there is no allocation at `t`.
pub fn slots_at(s: &Scenario, problem: &Problem, t: u64) -> Result<Vec<u64>, String> {
    let p = Base::from_scenario(s, problem).problem_at(t).map_err(|e| e.to_string())?;
    let inp = Inputs::new(s, &p);
    let mut x = Vec::new();
    match solve_slots(&inp.ideal, &s.floors, &s.caps, t, &inp.constraints, &inp.names, &mut x) {
        Ok(Status::Optimal) => Ok(x),
        Ok(Status::TimeLimit) => Err("the solver's time limit struck".into()),
        Ok(Status::Infeasible { explanation }) => Err(format!("infeasible: {}", explanation.message)),
        Err(e) => Err(e.to_string()),
    }
}

/// The optimiser's "next in line": it has no queue of claims, so the model is re-solved at
/// each total N±1..k and the slot changes from one total to the next are listed (as for
/// Hamilton, [`NextInLine::Reruns`]).
pub fn next_in_line(s: &Scenario, problem: &Problem, k: usize) -> NextInLine {
    let (grow, note_g) = changes_by(s.total, k, true, |t| slots_at(s, problem, t));
    let (shrink, note_s) = changes_by(s.total, k, false, |t| slots_at(s, problem, t));
    NextInLine::Reruns { grow, shrink, note: note_g.or(note_s) }
}

/// The Alabama check for the optimiser (the model re-solved at N−1, N, N+1) and the quota rule
/// at N for the slots of its trail `o`, each violation judged against the unit's slots without
/// side constraints.
pub fn paradoxes(s: &Scenario, problem: &Problem, o: &OptTrail) -> ParadoxReport {
    let x: Vec<u64> = o.units.iter().map(|u| u.slots).collect();
    let n = s.total;
    let totals: Vec<u64> =
        [n.checked_sub(1).filter(|&t| t > 0), Some(n), Some(n + 1)].into_iter().flatten().collect();
    let (ran, alabama, notes) = alabama_by(&totals, |t| slots_at(s, problem, t));
    let mut violations = quota_violations(problem, &x);
    for v in &mut violations {
        let free = o.units[v.unit].without_side;
        let q = v.quota.0;
        let within = q.floor() <= free as u128 && free as u128 <= q.num.div_ceil(q.den);
        v.cause = if within { ViolationCause::SideConstraints } else { ViolationCause::FloorsAndCaps };
        v.without_side = Some(free);
    }
    ParadoxReport {
        totals: ran,
        alabama,
        quota_violations: violations,
        population: None,
        notes,
        house_monotone: false,
    }
}
