//! Section 2 for the optimisation model: the model and its result, the asked unit's view,
//! every unit against its bounds, the groups and custom rows, and what each binding side
//! constraint does when it is dropped ([`crate::explain::optimize_trail`] computes it all).

use super::{dec, label, mark, Document, L, R};
use crate::explain::next::SlotChange;
use crate::explain::optimize_trail::{HamiltonVerdict, OptFocus, OptTrail, OptUnit, Relaxation};
use crate::explain::Explanation;
use crate::optimize::{AllOptima, ConstraintKind, NamedConstraint, Scope};

fn objective_formula(kind: &str) -> &'static str {
    match kind {
        "chi-square" => "Σ (x − q)²/q",
        "minimax" => "max |x − q|/q",
        _ => "Σ |x − q|",
    }
}

fn term_formula(kind: &str) -> &'static str {
    match kind {
        "chi-square" => "(x − q)²/q",
        "minimax" => "|x − q|/q",
        _ => "|x − q|",
    }
}

fn signed(x: f64, places: usize) -> String {
    if x >= 0.0 {
        format!("+{x:.places$}")
    } else {
        format!("−{:.places$}", -x)
    }
}

/// A change of the objective: "0" when it is 0 to 1e-9.
fn difference(d: f64) -> String {
    if d.abs() <= 1e-9 {
        "0".into()
    } else {
        signed(d, 6)
    }
}

fn delta(a: u64, b: u64) -> String {
    match b.cmp(&a) {
        std::cmp::Ordering::Equal => "0".into(),
        std::cmp::Ordering::Greater => format!("+{}", b - a),
        std::cmp::Ordering::Less => format!("−{}", a - b),
    }
}

/// A unit-scoped binding constraint as a short tag ("cap", "change ≤ 30").
fn tag(k: &NamedConstraint, slots: u64) -> String {
    match k.kind {
        ConstraintKind::Floor => "floor".into(),
        ConstraintKind::Cap => "cap".into(),
        kind if kind.is_change() => {
            if slots == k.hi {
                format!("change ≤ {}", k.hi)
            } else {
                format!("change ≥ {}", k.lo)
            }
        }
        _ => k.name.clone(),
    }
}

fn changes(ex: &Explanation, v: &[SlotChange]) -> String {
    if v.is_empty() {
        return "no unit's slots change".into();
    }
    v.iter().map(|c| format!("{} {}→{}", label(ex, c.unit), c.from, c.to)).collect::<Vec<_>>().join(", ")
}

fn objective_cell(r: &Relaxation) -> String {
    match r.objective_value {
        Some(v) => format!("{v:.6}"),
        None => format!("{} (no allocation)", r.status),
    }
}

/// Section 2 for the optimiser.
pub(super) fn section(doc: &mut Document, ex: &Explanation, o: &OptTrail, asked: Option<usize>) {
    doc.heading(&format!("2. Audit trail — optimisation model (objective {})", o.objective));
    let mut sides = vec![];
    if !o.groups.is_empty() {
        sides.push(format!(
            "group bounds ({})",
            o.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    if o.constraints.iter().any(|k| k.kind.is_change()) {
        sides.push("change limits against the previous allocation".into());
    }
    if o.quota_condition {
        sides.push("the quota condition ⌊q⌋ ≤ x ≤ ⌈q⌉".into());
    }
    if !o.custom.is_empty() {
        sides.push(format!("{} custom row(s)", o.custom.len()));
    }
    let sides = if sides.is_empty() { "no side constraints".to_string() } else { sides.join(", ") };
    let mut lines = vec![format!(
        "Minimise {} over integer slots x with Σx = {}, each unit within its floor and cap, under {sides}. q = N·W/ΣW is each unit's ideal quota from the exact integer weights (exact fractions in JSON).",
        objective_formula(&o.objective),
        o.total
    )];
    lines.push(format!(
        "Result: {} on the {} path{}: objective {:.6}, chi-square distance {:.6} (tie-break: {}).",
        o.status,
        o.path,
        o.solver.as_ref().map(|v| format!(" ({v})")).unwrap_or_default(),
        o.objective_value,
        o.tie_break,
        o.tie_rule
    ));
    let free = &o.without_side;
    match free.objective_value {
        Some(v) if free.dropped.is_empty() => lines.push(format!(
            "Without side constraints there is nothing to drop: this is the optimum under floors and caps alone (objective {v:.6})."
        )),
        Some(v) => lines.push(format!(
            "Without its side constraints (same objective, floors and caps only; re-solved): objective {v:.6}, so the side constraints cost {:.6}; {} unit(s) get other slots (column “free” below).",
            o.objective_value - v,
            free.changes.len()
        )),
        None => lines.push(format!("Without its side constraints: {} (no allocation).", free.status)),
    }
    if let (Some(h), Some(v)) = (&o.hamilton, free.objective_value) {
        let who = h.differs.iter().map(|&i| label(ex, i)).collect::<Vec<_>>().join(", ");
        lines.push(match h.verdict {
            HamiltonVerdict::Same => "Hamilton (largest remainder) on the same problem gives exactly the slots of the model without side constraints.".into(),
            HamiltonVerdict::EqualOptima => format!("Hamilton (largest remainder) on the same problem has the same L1 distance {v:.6} but other slots for {who}: equal optima, picked by different tie-breaks."),
            HamiltonVerdict::Farther => format!("Hamilton (largest remainder) on the same problem gives other slots to {who}: its L1 distance from q is {:.6} > {v:.6}, because it rounds the quotas after floors and caps (q*), while the model measures from q itself.", h.l1),
        });
    }
    doc.para(&lines.join("\n"));
    if let Some(f) = &o.focus {
        focus(doc, ex, o, f);
    }
    units_table(doc, ex, o, asked);
    groups(doc, o);
    relaxations(doc, ex, o, asked);
    if let Some(all) = &o.optima {
        optima(doc, ex, all);
    }
}

/// Every optimal allocation (`--all-optima`): the summary, the units whose slots vary, and
/// each listed alternative with why the tie-break preferred the published allocation.
fn optima(doc: &mut Document, ex: &Explanation, all: &AllOptima) {
    let name = |i: usize| label(ex, i);
    doc.para(&format!("Every optimal allocation: {}", crate::render::optima::summary(all).trim_end()));
    let rows: Vec<Vec<String>> = all
        .ranges
        .iter()
        .enumerate()
        .filter(|(_, g)| g.min != g.max)
        .map(|(i, g)| vec![name(i), g.chosen.to_string(), g.min.to_string(), g.max.to_string()])
        .collect();
    if !rows.is_empty() {
        doc.table(&["unit", "slots", "fewest", "most"], &[L, R, R, R], rows);
    }
    if all.alternatives.is_empty() {
        return;
    }
    let rows = all
        .alternatives
        .iter()
        .enumerate()
        .map(|(k, a)| {
            vec![
                (k + 1).to_string(),
                a.exchanges.to_string(),
                crate::render::optima::moves(all, a, &name),
                crate::render::optima::why(a, &name),
            ]
        })
        .collect();
    doc.table(&["alt", "exchanges", "slots that differ", "why the published one"], &[R, R, L, L], rows);
}

fn focus(doc: &mut Document, ex: &Explanation, o: &OptTrail, f: &OptFocus) {
    let u: &OptUnit = &o.units[f.unit];
    let mut lines = vec![format!("▶ {} in the model", label(ex, f.unit))];
    lines.push(format!("ideal quota      q = {} ≈ {}", u.ideal, dec(u.ideal.0, 6)));
    let attains = match f.attains_objective {
        Some(true) => "; it attains the objective (the largest term)",
        Some(false) => "; the objective is the largest such term",
        None => "",
    };
    lines.push(format!(
        "slots            x = {}; x − q = {}; its term {} = {:.6} of the objective {:.6}{attains}",
        u.slots,
        signed(u.deviation, 6),
        term_formula(&o.objective),
        u.term,
        o.objective_value
    ));
    let own = |kind: ConstraintKind| {
        f.constraints
            .iter()
            .map(|&k| &o.constraints[k])
            .filter(move |k| k.kind == kind && k.scope == Scope::Unit(f.unit))
    };
    let bound_state = |kind: ConstraintKind, what: &str, value: u64| match own(kind).next() {
        Some(k) if k.binds => format!("{what} {value} BINDS"),
        Some(_) => format!("{what} {value} does not bind"),
        None => format!("{what} {value} (no constraint)"),
    };
    lines.push(format!(
        "floor and cap    {}; {}",
        bound_state(ConstraintKind::Floor, "floor", u.floor),
        bound_state(ConstraintKind::Cap, "cap", u.cap.min(o.total))
    ));
    let change: Vec<&NamedConstraint> =
        f.constraints.iter().map(|&k| &o.constraints[k]).filter(|k| k.kind.is_change()).collect();
    if change.is_empty() {
        lines.push("change limit     none".into());
    }
    for k in change {
        let state = if !k.binds {
            "does not bind".to_string()
        } else if u.slots == k.hi {
            format!("BINDS: at {}, the top of its range", k.hi)
        } else {
            format!("BINDS: at {}, the bottom of its range", k.lo)
        };
        lines.push(format!("change limit     {}: {state}", k.name));
    }
    match own(ConstraintKind::QuotaCondition).next() {
        Some(k) => lines.push(format!("quota condition  on: ⌊q⌋..⌈q⌉ = {}..{}", k.lo, k.hi)),
        None => lines.push("quota condition  off".into()),
    }
    if f.groups.is_empty() {
        lines.push("groups           none contains it".into());
    }
    for &g in &f.groups {
        let grp = &o.groups[g];
        let bounds: Vec<String> = o
            .constraints
            .iter()
            .filter(|k| k.scope == Scope::Group(grp.group))
            .map(|k| format!("{} {}", k.name, if k.binds { "BINDS" } else { "does not bind" }))
            .collect();
        lines.push(format!(
            "group            {}: {} slots ({:.2}%); {}",
            grp.name,
            grp.slots,
            grp.share * 100.0,
            if bounds.is_empty() { "no bound".into() } else { bounds.join("; ") }
        ));
    }
    for &c in &f.custom {
        let row = &o.custom[c];
        let name = o
            .constraints
            .iter()
            .find(|k| k.scope == Scope::Custom(row.custom))
            .map_or_else(|| format!("'{}'", row.name), |k| k.name.trim_start_matches("custom ").to_string());
        lines.push(format!(
            "custom           {name}: left side {} {}",
            row.lhs,
            if row.binds { "BINDS" } else { "does not bind" }
        ));
    }
    lines.push(if u.without_side == u.slots {
        format!(
            "without side constraints (same objective, floors and caps only; re-solved): {} slots — the side constraints together leave it where it would be",
            u.without_side
        )
    } else {
        format!(
            "without side constraints (same objective, floors and caps only; re-solved): {} slots — the side constraints together move it by {} to {}",
            u.without_side,
            delta(u.without_side, u.slots),
            u.slots
        )
    });
    doc.para(&lines.join("\n"));
    let moved: Vec<(usize, u64)> = f
        .relaxed
        .iter()
        .enumerate()
        .filter_map(|(r, x)| x.filter(|&x| x != u.slots).map(|x| (r, x)))
        .collect();
    if o.relaxations.is_empty() {
        return;
    }
    if moved.is_empty() {
        doc.para(&format!(
            "Dropping any one binding side constraint alone (the {} re-solves in the table below) leaves it at {}.",
            o.relaxations.len(),
            u.slots
        ));
        return;
    }
    doc.para(&format!(
        "Each binding side constraint dropped alone, the rest kept (re-solved): {} of {} change its slots.",
        moved.len(),
        o.relaxations.len()
    ));
    let rows = moved
        .iter()
        .map(|&(r, x)| vec![o.relaxations[r].label.clone(), x.to_string(), delta(u.slots, x)])
        .collect();
    doc.table(&["dropped alone", "its slots", "change"], &[L, R, R], rows);
}

fn units_table(doc: &mut Document, ex: &Explanation, o: &OptTrail, asked: Option<usize>) {
    let rows = o
        .units
        .iter()
        .map(|u| {
            let tags: Vec<String> = u
                .binding
                .iter()
                .map(|&k| &o.constraints[k])
                .filter(|k| k.scope == Scope::Unit(u.unit))
                .map(|k| tag(k, u.slots))
                .collect();
            vec![
                mark(u.unit, asked),
                label(ex, u.unit),
                dec(u.ideal.0, 4),
                u.floor.to_string(),
                u.cap.to_string(),
                format!("{}..{}", u.lo, u.hi),
                u.slots.to_string(),
                signed(u.deviation, 4),
                format!("{:.4}", u.term),
                u.without_side.to_string(),
                delta(u.without_side, u.slots),
                tags.join(", "),
            ]
        })
        .collect();
    doc.para(&format!(
        "Every unit: ideal quota q, floor, cap, the range its own constraints allow, slots x, x − q, its term {} in the objective, its slots without side constraints (“free”) and the difference, and its own constraints that bind.",
        term_formula(&o.objective)
    ));
    doc.table(
        &["", "unit", "q", "floor", "cap", "allowed", "slots", "x − q", "term", "free", "Δ", "binds"],
        &[L, L, R, R, R, R, R, R, R, R, R, L],
        rows,
    );
}

fn groups(doc: &mut Document, o: &OptTrail) {
    if !o.groups.is_empty() {
        let rows = o
            .groups
            .iter()
            .map(|g| {
                let mut bound = vec![];
                if let Some(m) = g.min {
                    bound.push(format!(
                        "≥ {m}{}",
                        g.min_share.map(|v| format!(" (min_share {v})")).unwrap_or_default()
                    ));
                }
                if let Some(m) = g.max {
                    bound.push(format!(
                        "≤ {m}{}",
                        g.max_share.map(|v| format!(" (max_share {v})")).unwrap_or_default()
                    ));
                }
                let binds = match (g.binds_min, g.binds_max) {
                    (true, true) => "min and max",
                    (true, false) => "min",
                    (false, true) => "max",
                    (false, false) => "—",
                };
                vec![
                    g.name.clone(),
                    g.members.len().to_string(),
                    bound.join(", "),
                    g.slots.to_string(),
                    format!("{:.2}%", g.share * 100.0),
                    binds.into(),
                    g.without_side.to_string(),
                ]
            })
            .collect();
        doc.table(
            &["group", "units", "bound", "slots", "share", "binds", "free"],
            &[L, R, L, R, R, L, R],
            rows,
        );
    }
    if !o.custom.is_empty() {
        let rows = o
            .custom
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    format!("{} {} {}", c.lhs, c.op, c.rhs),
                    if c.binds { "yes".into() } else { "—".into() },
                    c.without_side.to_string(),
                ]
            })
            .collect();
        doc.table(&["custom", "Σ a·x  op  rhs", "binds", "free Σ a·x"], &[L, L, L, R], rows);
    }
}

fn relaxations(doc: &mut Document, ex: &Explanation, o: &OptTrail, asked: Option<usize>) {
    let side = o.constraints.iter().filter(|k| k.kind.is_side()).count();
    if o.relaxations.is_empty() {
        doc.para(&if side == 0 {
            "Binding constraints: only floors and caps (listed above); there are no side constraints to drop."
                .to_string()
        } else {
            format!("None of the {side} side constraints binds: dropping any of them changes nothing.")
        });
        return;
    }
    doc.para(&format!(
        "What each binding side constraint does: the model re-solved without it, every other constraint kept (exact optima of the relaxed models; effects of two constraints do not add up). Where the objective does not change but slots do, the relaxed model has another optimum of equal objective and a smaller chi-square distance (the tie-break). {} of {} side constraints bind{}.",
        o.relaxations.iter().filter(|r| r.dropped.len() == 1).count(),
        side,
        if o.quota_condition { "; the quota condition is dropped as a whole" } else { "" }
    ));
    let rows = o
        .relaxations
        .iter()
        .map(|r| {
            let mine = asked.is_some_and(|u| r.changes.iter().any(|c| c.unit == u));
            vec![
                if mine { "▶".into() } else { String::new() },
                r.label.clone(),
                objective_cell(r),
                r.objective_value.map(|v| difference(v - o.objective_value)).unwrap_or_default(),
                r.tie_break.map(|v| format!("{v:.6}")).unwrap_or_default(),
                changes(ex, &r.changes),
            ]
        })
        .collect();
    doc.table(
        &["", "dropped alone", "objective", "Δ objective", "chi-square", "slots that change"],
        &[L, L, R, R, R, L],
        rows,
    );
}
