//! The optimiser's audit trail recomputes the allocation: its slots are `quota allocate`'s, the
//! constraints it calls binding hold with equality when recomputed here from the slots and
//! the scenario's constraints as written, the model without side constraints is `allocate` of
//! the scenario with them removed, and each relaxation is `allocate` of the scenario rewritten
//! without that one constraint (the other change limits folded into floors and caps). Next in
//! line, the Alabama check and margins are checked against re-allocating at other totals and
//! other indicator values.

mod common;

use quota::allocate::{allocate, Allocation};
use quota::explain::optimize_trail::OptTrail;
use quota::explain::{explain, ExplainOptions, Explanation, NextInLine, UnitRef};
use quota::optimize::{exact_decimal, Combine, ConstraintKind, Constraints, Objective, Scope};
use quota::scenario::Scenario;

/// The bundled scenario with regional guarantees and change limits.
fn guarantees() -> Scenario {
    common::scenario("2024-batch1-guarantees")
}

fn slots(a: &Allocation) -> Vec<u64> {
    a.units.iter().map(|u| u.slots).collect()
}

fn explained(s: &Scenario, unit: Option<usize>) -> Explanation {
    explain(s, &ExplainOptions { unit: unit.map(UnitRef::Index), margins: false, ..Default::default() })
        .unwrap()
}

fn opt(ex: &Explanation) -> &OptTrail {
    ex.optimizer.as_ref().expect("method optimize has an optimiser trail")
}

/// A unit's change range, recomputed from `[optimize.change]` as written: previous ± the
/// allowed change (max_abs, ⌊max_rel·previous⌋, combined by "both" or "either").
fn change_range(c: &Constraints, i: usize) -> Option<(u64, u64)> {
    let ch = c.change.as_ref()?;
    let p = ch.previous[i];
    let rel = ch.max_rel.map(|r| {
        let r = exact_decimal(r).unwrap();
        (r.num * p as u128 / r.den) as u64
    });
    let d = match (ch.max_abs, rel, ch.combine) {
        (Some(a), Some(r), Combine::Both) => a.min(r),
        (Some(a), Some(r), Combine::Either) => a.max(r),
        (Some(a), None, _) | (None, Some(a), _) => a,
        (None, None, _) => return None,
    };
    Some((p.saturating_sub(d), p + d))
}

#[test]
fn the_trail_has_the_allocated_slots_and_its_binding_constraints_hold_with_equality() {
    let s = guarantees();
    let ex = explained(&s, None);
    let o = opt(&ex);
    let alloc = allocate(&s).unwrap();
    let x = slots(&alloc);
    assert_eq!(ex.slots(), x);
    let out = alloc.optimized.as_ref().unwrap();
    assert_eq!(o.binding, out.binding);
    assert_eq!(o.objective_value, out.objective);
    let c = s.constraints().unwrap();
    let n = s.total();
    // Every constraint, recomputed from the slots and the scenario as written.
    for k in &o.constraints {
        let (holds, at_bound) = match (k.kind, k.scope) {
            (ConstraintKind::Floor, Scope::Unit(i)) => (x[i] >= s.floors()[i], x[i] == s.floors()[i]),
            (ConstraintKind::Cap, Scope::Unit(i)) => (x[i] <= s.caps()[i], x[i] == s.caps()[i]),
            (kind, Scope::Unit(i)) if kind.is_change() => {
                let (lo, hi) = change_range(c, i).unwrap();
                assert_eq!((k.lo, k.hi), (lo, hi), "{}", k.name);
                (lo <= x[i] && x[i] <= hi, x[i] == lo || x[i] == hi)
            }
            (ConstraintKind::GroupMin, Scope::Group(g)) => {
                let grp = &c.groups[g];
                let sum: u64 = grp.members.iter().map(|&i| x[i]).sum();
                let min = grp.min_share.map(|v| {
                    let r = exact_decimal(v).unwrap();
                    (r.num * n as u128).div_ceil(r.den) as u64
                });
                let bound = min.into_iter().chain(grp.min_count).max().unwrap();
                (sum >= bound, sum == bound)
            }
            (ConstraintKind::GroupMax, Scope::Group(g)) => {
                let grp = &c.groups[g];
                let sum: u64 = grp.members.iter().map(|&i| x[i]).sum();
                let max = grp.max_share.map(|v| {
                    let r = exact_decimal(v).unwrap();
                    (r.num * n as u128 / r.den) as u64
                });
                let bound = max.into_iter().chain(grp.max_count).min().unwrap();
                (sum <= bound, sum == bound)
            }
            other => panic!("unexpected constraint in this scenario: {other:?}"),
        };
        assert!(holds, "violated: {}", k.name);
        assert_eq!(k.binds, at_bound, "{}", k.name);
    }
    // This scenario: 西部+东北's minimum binds, 东部's maximum does not, 辽宁 is at the top of
    // its change range.
    assert!(o.groups[0].binds_min && !o.groups[1].binds_max);
    let ln = s.units().position("21").unwrap();
    assert_eq!((o.units[ln].slots, o.units[ln].hi), (30, 30));
    // Units: within their range; the objective is the sum of their terms (l1).
    let total_term: f64 = o.units.iter().map(|u| u.term).sum();
    assert!((total_term - o.objective_value).abs() < 1e-9);
    for u in &o.units {
        assert!(u.lo <= u.slots && u.slots <= u.hi);
        assert!((u.ideal.0.to_f64() - u.ideal_used).abs() < 1e-9);
        assert_eq!(u.ideal.0.num, s.total() as u128 * u.weight as u128);
    }
}

#[test]
fn without_side_constraints_is_allocate_with_the_constraints_removed() {
    let s = guarantees();
    let ex = explained(&s, None);
    let o = opt(&ex);
    let plain = optimize_table(&s, |t| {
        t.clear();
        t.insert("objective".into(), "l1".into());
    });
    assert_eq!(
        plain.constraints().unwrap(),
        &Constraints { objective: Objective::L1, ..plain.constraints().unwrap().clone() }
    );
    assert!(plain.constraints().unwrap().groups.is_empty() && plain.constraints().unwrap().change.is_none());
    let a = allocate(&plain).unwrap();
    assert_eq!(o.without_side.slots, slots(&a));
    assert_eq!(o.without_side.objective_value, Some(a.optimized.as_ref().unwrap().objective));
    assert!(o.without_side.objective_value.unwrap() < o.objective_value);
    for (u, &free) in o.units.iter().zip(&o.without_side.slots) {
        assert_eq!(u.without_side, free);
    }
    let g = &o.groups[0];
    assert_eq!(g.without_side, g.members.iter().map(|&i| o.without_side.slots[i]).sum::<u64>());
}

/// The scenario with its `[optimize]` table edited (validated again).
fn optimize_table(s: &Scenario, edit: impl FnOnce(&mut toml::Table)) -> Scenario {
    s.edited(|f| edit(f.optimize.get_or_insert_with(Default::default))).unwrap()
}

/// The scenario rewritten without constraint `k` of the trail: the change limits of every
/// other unit folded into its floor and cap, and a dropped group bound removed from its group.
fn rewritten_without(s: &Scenario, o: &OptTrail, dropped: &[usize]) -> Scenario {
    let (mut floors, mut caps) = (s.floors().to_vec(), s.caps().to_vec());
    for (k, item) in o.constraints.iter().enumerate() {
        if let (true, Scope::Unit(i)) = (item.kind.is_change() && !dropped.contains(&k), item.scope) {
            floors[i] = floors[i].max(item.lo);
            caps[i] = caps[i].min(item.hi);
        }
    }
    let codes: Vec<String> = s.units().as_slice().iter().map(|u| u.code.clone()).collect();
    s.edited(|f| {
        f.bounds.floors = codes.iter().cloned().zip(floors).collect();
        f.bounds.caps = codes.iter().cloned().zip(caps).collect();
        let t = f.optimize.as_mut().unwrap();
        t.remove("change");
        for &k in dropped {
            let item = &o.constraints[k];
            if let Scope::Group(g) = item.scope {
                let share = item.name.contains("_share");
                let key = match (item.kind, share) {
                    (ConstraintKind::GroupMin, true) => "min_share",
                    (ConstraintKind::GroupMin, false) => "min_count",
                    (_, true) => "max_share",
                    (_, false) => "max_count",
                };
                let groups = t.get_mut("group").and_then(|v| v.as_array_mut()).unwrap();
                groups[g].as_table_mut().unwrap().remove(key);
            }
        }
    })
    .unwrap()
}

#[test]
fn each_relaxation_is_allocate_of_the_scenario_rewritten_without_that_constraint() {
    let s = guarantees();
    let ex = explained(&s, None);
    let o = opt(&ex);
    assert_eq!(o.relaxations.len(), o.constraints.iter().filter(|k| k.binds && k.kind.is_side()).count());
    assert!(o.relaxations.len() >= 10);
    for r in &o.relaxations {
        assert_eq!(r.dropped.len(), 1);
        let a = allocate(&rewritten_without(&s, o, &r.dropped)).unwrap();
        assert_eq!(r.slots, slots(&a), "dropping {}", r.label);
        assert_eq!(r.status, "optimal");
        // Never worse than the full model (fewer constraints), and the changes are the diff.
        assert!(r.objective_value.unwrap() <= o.objective_value + 1e-9);
        let x = ex.slots();
        let diff: Vec<usize> = (0..x.len()).filter(|&i| x[i] != r.slots[i]).collect();
        assert_eq!(r.changes.iter().map(|c| c.unit).collect::<Vec<_>>(), diff);
    }
    // Sanity of the rewriting itself: with nothing dropped it is the scenario's own result.
    assert_eq!(slots(&allocate(&rewritten_without(&s, o, &[])).unwrap()), ex.slots());
}

#[test]
fn the_units_view_lists_its_constraints_and_its_slots_under_each_relaxation() {
    let s = guarantees();
    let u = s.units().position("21").unwrap();
    let ex = explained(&s, Some(u));
    let o = opt(&ex);
    let f = o.focus.as_ref().unwrap();
    assert_eq!(f.unit, u);
    assert_eq!(f.previous, Some(24));
    let c = s.constraints().unwrap();
    // Its constraints: floor, cap, change limit, and its group's minimum.
    let kinds: Vec<ConstraintKind> = f.constraints.iter().map(|&k| o.constraints[k].kind).collect();
    assert_eq!(
        kinds,
        [ConstraintKind::Floor, ConstraintKind::Cap, ConstraintKind::Change, ConstraintKind::GroupMin]
    );
    assert_eq!(f.groups, vec![0]);
    assert!(c.groups[0].members.contains(&u) && !c.groups[1].members.contains(&u));
    for (r, &x) in o.relaxations.iter().zip(&f.relaxed) {
        assert_eq!(x, Some(r.slots[u]));
    }
    // Dropping its own change limit (at the top of 18..30) gives it more.
    let own = o.relaxations.iter().position(|r| o.constraints[r.dropped[0]].scope == Scope::Unit(u)).unwrap();
    assert!(f.relaxed[own].unwrap() > o.units[u].slots);
    // The derivation is there too, for the same unit.
    assert_eq!(ex.derivation.as_ref().unwrap().unit, u);
    assert_eq!(ex.derivation.as_ref().unwrap().integer_weight, o.units[u].weight);
}

#[test]
fn next_in_line_and_the_alabama_check_re_solve_at_other_totals() {
    let s = guarantees();
    let ex = explain(&s, &ExplainOptions { margins: false, paradoxes: true, next: 3, ..Default::default() })
        .unwrap();
    let at = |t: u64| slots(&allocate(&s.with_total(t).unwrap()).unwrap());
    let NextInLine::Reruns { grow, shrink, note } = &ex.next_in_line else { panic!("reruns") };
    assert!(note.is_none());
    for changes in [grow, shrink] {
        assert_eq!(changes.len(), 3);
        for h in changes {
            let (before, after) = (at(h.from_total), at(h.to_total));
            for c in h.gains.iter().chain(&h.losses) {
                assert_eq!((before[c.unit], after[c.unit]), (c.from, c.to));
            }
            let moved = (0..before.len()).filter(|&i| before[i] != after[i]).count();
            assert_eq!(moved, h.gains.len() + h.losses.len());
        }
    }
    let p = ex.paradoxes.as_ref().unwrap();
    assert_eq!(p.totals, vec![1038, 1039, 1040]);
    let (a, b, c) = (at(1038), at(1039), at(1040));
    let lost = (0..a.len()).filter(|&i| b[i] < a[i] || c[i] < b[i]).count();
    assert_eq!(p.alabama.len(), lost);
}

#[test]
fn other_objectives_report_their_own_terms() {
    for objective in [Objective::ChiSquare, Objective::Minimax] {
        let s = optimize_table(&guarantees(), |t| {
            t.insert("objective".into(), objective.name().into());
        });
        assert_eq!(s.constraints().unwrap().objective, objective);
        let ex = explained(&s, None);
        let o = opt(&ex);
        assert_eq!(ex.slots(), slots(&allocate(&s).unwrap()));
        assert!(o.hamilton.is_none());
        let terms = o.units.iter().map(|u| u.term);
        let value = match objective {
            Objective::Minimax => terms.fold(0.0, f64::max),
            _ => terms.sum(),
        };
        assert!((value - o.objective_value).abs() <= 1e-9 * o.objective_value.max(1.0), "{objective}");
    }
}

#[test]
fn custom_rows_and_the_quota_condition_are_explained_on_the_lp_path() {
    let s = guarantees();
    let (bj, sh) = (s.units().position("11").unwrap(), s.units().position("31").unwrap());
    // 北京 at least 36: binds (it has 34 otherwise); the quota condition is off.
    let s = optimize_table(&s, |t| {
        let custom: toml::Value = toml::from_str::<toml::Table>(
            r#"
            [[custom]]
            name = "北京至少36"
            terms = { "11" = 1 }
            op = ">="
            rhs = 36
            [[custom]]
            name = "上海不超过北京"
            terms = { "11" = -1, "31" = 1 }
            op = "<="
            rhs = 0
            "#,
        )
        .unwrap()["custom"]
            .clone();
        t.insert("custom".into(), custom);
        t.remove("change");
        t.insert("quota_condition".into(), false.into());
    });
    let c = s.constraints().unwrap();
    assert_eq!(c.custom[1].terms, vec![(bj, -1), (sh, 1)]);
    assert!(c.change.is_none() && !c.quota_condition);
    let ex = explained(&s, Some(bj));
    let o = opt(&ex);
    assert_eq!(o.path, "lp");
    assert_eq!(ex.slots()[bj], 36);
    assert!(o.custom[0].binds && o.custom[0].lhs == 36);
    let r = o.relaxations.iter().find(|r| r.label.contains("北京至少36")).unwrap();
    assert!(r.slots[bj] < 36);
    assert_eq!(o.focus.as_ref().unwrap().custom, vec![0, 1]);

    // The quota condition is dropped as a whole, and every unit is within ⌊q⌋..⌈q⌉. With the
    // scenario's caps it is infeasible (海南 has q = 11.37 but 6 eligible firms): an error that
    // says so, not a trail.
    let s = optimize_table(&guarantees(), |t| {
        t.remove("change");
        t.remove("group");
        t.insert("quota_condition".into(), true.into());
    });
    let e = explain(&s, &ExplainOptions::default()).unwrap_err().to_string();
    assert!(e.contains("infeasible") && e.contains("cap of 46 海南省 (6)"), "{e}");
    let total = s.total();
    let s = s
        .edited(|f| {
            f.bounds.caps_column = None;
            f.bounds.caps.clear();
        })
        .unwrap();
    assert!(s.caps().iter().all(|&c| c >= total));
    let ex = explained(&s, None);
    let o = opt(&ex);
    for u in &o.units {
        assert!(
            u.ideal.0.floor() as u64 <= u.slots && u.slots as u128 <= u.ideal.0.num.div_ceil(u.ideal.0.den)
        );
    }
    let q = o.relaxations.last().unwrap();
    assert_eq!(q.label, "quota_condition (every unit)");
    assert_eq!(q.dropped.len(), s.units().len());
    assert_eq!(q.slots, o.without_side.slots);
}

/// The unit's slots after replacing its raw value of indicator `j`, by the full pipeline.
fn slots_with_value(s: &Scenario, j: usize, u: usize, value: f64) -> u64 {
    let column = &s.indicators()[j].column;
    let s = s.with_indicator_value(column, &s.units().get(u).code, value).unwrap();
    allocate(&s).unwrap().units[u].slots
}

#[test]
fn margins_re_solve_the_model_and_bracket_a_real_change() {
    let s = guarantees();
    let u = s.units().position("21").unwrap();
    let now = allocate(&s).unwrap().units[u].slots;
    let ms = quota::explain::margins::margins_optimized(&s, u);
    assert!(!ms.is_empty());
    assert!(ms.iter().all(|m| !m.proven_monotone));
    let mut seen = 0;
    for (j, m) in ms.iter().filter(|m| m.lever == quota::explain::margins::Lever::Indicator).enumerate() {
        for (c, sign) in [(&m.up, 1.0), (&m.down, -1.0)] {
            if let Some(c) = c {
                seen += 1;
                assert_eq!(slots_with_value(&s, j, u, m.current + sign * c.before), now);
                assert_eq!(slots_with_value(&s, j, u, m.current + sign * c.after), c.slots);
                assert_ne!(c.slots, now);
            }
        }
    }
    assert!(seen > 0, "some indicator moves 辽宁's slots");
}
