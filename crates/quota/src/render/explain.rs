//! `quota explain`'s outputs from an [`Explanation`]: aligned text, Markdown and JSON.
//!
//! The text and Markdown lay out five sections — 1. the asked unit's ideal quota, 2. the audit
//! trail ([`trail`] for the apportionment methods, [`optimize_trail`] for the optimisation
//! model), 3. next in line, 4. the unit's margins, 5. the paradox checks — and end with the
//! stamp. The JSON is the explanation's `serde` serialisation ([`super::json`], schema
//! `quota.explain/1`).

mod optimize_trail;
mod trail;

use super::document::Document;
use super::layout::Align;
use crate::apportion::{Method, Ratio};
use crate::explain::derivation::{Derivation, Transform};
use crate::explain::margins::{Crossing, Lever, Margin};
use crate::explain::next::{display_priority, Claim, HouseChange, NextInLine, QueuePosition, SlotChange};
use crate::explain::paradox::{ParadoxReport, QuotaSide, ViolationCause};
use crate::explain::{BoundState, Exact, Explanation};
use crate::scenario::MethodChoice;

/// The explanation as aligned text.
pub fn text(ex: &Explanation) -> String {
    document(ex).text()
}

/// The explanation as Markdown.
pub fn markdown(ex: &Explanation) -> String {
    document(ex).markdown()
}

/// The explanation as its JSON document (schema `quota.explain/1`).
pub fn json(ex: &Explanation) -> Result<String, serde_json::Error> {
    super::json("explain", ex)
}

const L: Align = Align::Left;
const R: Align = Align::Right;

/// "44 广东省": a unit by code and Chinese name.
fn label(ex: &Explanation, i: usize) -> String {
    let u = &ex.units[i];
    format!("{} {}", u.code, u.name)
}

/// An integer with thousands separators.
fn group(n: u128) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (k, c) in d.chars().enumerate() {
        if k > 0 && (d.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a decimal with `places` places ("∞" for +∞).
fn dec(r: Ratio, places: usize) -> String {
    if r.is_infinite() {
        "∞".into()
    } else {
        format!("{:.*}", places, r.to_f64())
    }
}

fn bound_word(b: BoundState) -> &'static str {
    match b {
        BoundState::Free => "",
        BoundState::AtFloor => "floor",
        BoundState::AtCap => "cap",
    }
}

/// "▶" on the asked unit's row.
fn mark(i: usize, asked: Option<usize>) -> String {
    if asked == Some(i) {
        "▶".into()
    } else {
        String::new()
    }
}

fn document(ex: &Explanation) -> Document {
    let mut doc = Document::default();
    doc.heading(&format!(
        "quota explain — scenario {} — method {} — {} slots over {} units",
        ex.scenario,
        ex.method,
        ex.total,
        ex.units.len()
    ));
    let asked = ex.unit();
    if let Some(d) = &ex.derivation {
        let slots = ex.slots()[d.unit];
        doc.para(&format!("{} {} ({}, {}): {} slots", d.code, d.name, d.name_en, d.region.name_zh(), slots));
        derivation(&mut doc, ex, d);
    }
    if let Some(t) = &ex.trail {
        trail::section(&mut doc, ex, t, asked);
    }
    if let Some(o) = &ex.optimizer {
        optimize_trail::section(&mut doc, ex, o, asked);
    }
    next_in_line(&mut doc, ex, asked);
    if let Some(d) = &ex.derivation {
        margins(&mut doc, d, &ex.margins, ex.method);
    }
    if let Some(p) = &ex.paradoxes {
        paradoxes(&mut doc, ex, p);
    }
    if let (Some(zh), Some(en)) = (ex.provenance.note_zh(), ex.provenance.note_en()) {
        doc.para(&zh);
        doc.para(&en);
    }
    if let Some(stamp) = &ex.stamp {
        doc.para(&stamp.line());
    }
    doc
}

/// Section 1: the derivation of a unit's quota, ending with the quota after floors and caps
/// (apportionment methods) or the optimiser's ideal quota.
fn derivation(doc: &mut Document, ex: &Explanation, d: &Derivation) {
    doc.heading(&format!("1. Ideal quota of {} {}", d.code, d.name));
    let rows = d
        .indicators
        .iter()
        .map(|i| {
            let how = match &i.transform {
                Transform::Share => "t = x".to_string(),
                Transform::MinMax { min, max } => format!("t = (x − {min})/({max} − {min})"),
                Transform::ZScore { mean, sd, z, min_z } => {
                    format!("z = (x − {mean:.6})/{sd:.6} = {z:.6}; t = z − ({min_z:.6})")
                }
                Transform::LogShare => "t = ln(1 + x)".to_string(),
            };
            vec![
                i.column.clone(),
                i.label.clone(),
                format!("{}", i.raw),
                how,
                format!("{:.6}", i.transformed),
                format!("{:.6}", i.column_sum),
                format!("{:.9}", i.normalised),
                format!("{:.4}", i.weight),
                format!("{:.9}", i.contribution),
            ]
        })
        .collect();
    doc.table(
        &["indicator", "label", "raw x", "transform", "t", "Σt (all units)", "s = t/Σt", "weight w", "w·s"],
        &[L, L, R, L, R, R, R, R, R],
        rows,
    );
    let mut lines = vec![format!("base score       b = Σ w·s = {:.9}", d.base)];
    if let Some(dev) = &d.development {
        lines.push(format!(
            "development      g = {} = {}; 1/g = {:.9e}; Σ(1/g) over all units = {:.9e}; u = (1/g)/Σ(1/g) = {:.9}",
            dev.column, dev.raw, dev.inverse, dev.inverse_sum, dev.term
        ));
        lines.push(format!(
            "                 b' = (1 − δ)·b + δ·u = {:.2} × {:.9} + {:.2} × {:.9} = {:.9}",
            1.0 - dev.weight,
            d.base,
            dev.weight,
            dev.term,
            d.adjusted
        ));
    }
    lines.push(format!(
        "region           {} multiplier m = {}: score = m·b' = {:.9}",
        d.region.name_zh(),
        d.region_factor,
        d.score
    ));
    lines.push(format!(
        "share            score / Σ score = {:.9} / {:.9} = {:.9}",
        d.score, d.score_sum, d.share
    ));
    lines.push(format!("ideal quota      q = N · share = {} × {:.9} = {:.6}", d.total, d.share, d.ideal));
    lines.push(format!(
        "integer weight   W = round(10^12 · share) = {} (ΣW over all units = {}); exact from here on",
        group(d.integer_weight as u128),
        group(d.weight_sum)
    ));
    if let Some(t) = &ex.trail {
        let bound = match d.bound {
            BoundState::Free => format!(
                "free: the {} units held at a bound take their floor or cap, the rest share R = {} slots by weight: q* = R·W/W_free = {} × {} / {} = {} = {}",
                t.units.iter().filter(|u| u.bound != BoundState::Free).count(),
                d.free_slots,
                d.free_slots,
                group(d.integer_weight as u128),
                group(d.free_weight),
                d.quota,
                dec(d.quota.0, 9)
            ),
            BoundState::AtFloor => format!("held at its floor: q* = {}", d.floor),
            BoundState::AtCap => format!("held at its cap (its share is above it): q* = {}", d.cap.min(ex.total)),
        };
        lines.push(format!("floor and cap    floor {}, cap {}: {bound}", d.floor, d.cap));
    } else if let Some(o) = &ex.optimizer {
        let q = o.units[d.unit].ideal;
        lines.push(format!(
            "optimiser's q    q = N·W/ΣW = {} × {} / {} = {} ≈ {}: the slots are chosen closest to this q under floor {}, cap {} and the side constraints (section 2); no quota is re-scaled for the bounds",
            d.total,
            group(d.integer_weight as u128),
            group(d.weight_sum),
            q,
            dec(q.0, 9),
            d.floor,
            d.cap
        ));
    }
    doc.para(&lines.join("\n"));
}

fn claims_table(doc: &mut Document, ex: &Explanation, claims: &[Claim], squared: bool, asked: Option<usize>) {
    let rows = claims
        .iter()
        .map(|c| {
            vec![
                mark(c.unit, asked),
                c.house.to_string(),
                label(ex, c.unit),
                c.unit_slot.to_string(),
                format!("{:.3}", display_priority(c.priority.0, squared)),
                c.priority.to_string(),
            ]
        })
        .collect();
    let exact = if squared { "priority² (exact)" } else { "priority (exact)" };
    doc.table(&["", "slot", "unit", "its slot", "priority", exact], &[L, R, L, R, R, R], rows);
}

/// "44 广东省 3→4, 11 北京市 2→1", or "—" when nothing changes.
fn slot_changes(ex: &Explanation, v: &[SlotChange]) -> String {
    if v.is_empty() {
        "—".to_string()
    } else {
        v.iter().map(|c| format!("{} {}→{}", label(ex, c.unit), c.from, c.to)).collect::<Vec<_>>().join(", ")
    }
}

fn changes_table(doc: &mut Document, ex: &Explanation, changes: &[HouseChange]) {
    let rows = changes
        .iter()
        .map(|c| {
            vec![
                format!("{} → {}", c.from_total, c.to_total),
                slot_changes(ex, &c.gains),
                slot_changes(ex, &c.losses),
            ]
        })
        .collect();
    doc.table(&["total", "gains", "losses"], &[L, L, L], rows);
}

/// Section 3.
fn next_in_line(doc: &mut Document, ex: &Explanation, asked: Option<usize>) {
    doc.heading("3. Next in line and last in");
    match &ex.next_in_line {
        NextInLine::Priorities { squared, next, last_in, note } => {
            let what = if ex.method == MethodChoice::Apportion(Method::Quota) {
                "the quota method's sequence continued (Jefferson priority W/(k+1) among eligible units)"
            } else if *squared {
                "priority W/√(k(k+1)), compared exactly as the square"
            } else {
                "priority W/d(k)"
            };
            doc.para(&format!("If the total grew, the next slots would go to ({what}):"));
            claims_table(doc, ex, next, *squared, asked);
            doc.para("If the total shrank, these slots would go first (weakest served claim first):");
            claims_table(doc, ex, last_in, *squared, asked);
            if let Some(n) = note {
                doc.para(n);
            }
            if let Some(pos) = &ex.position {
                doc.para(&position_text(ex, pos, *squared));
            }
        }
        NextInLine::Reruns { grow, shrink, note } => {
            if ex.method == MethodChoice::Optimize {
                doc.para("The optimiser has no queue of claims: every total is a new optimisation (group shares converted at that total; floors, caps, change limits and counts as written). Shown instead: the model re-solved at each total, and what changes from one total to the next.");
            } else {
                doc.para("Hamilton is not house monotone (the Alabama paradox: a unit can lose a slot when the total grows), so it has no single queue of next claims. Shown instead: Hamilton re-run at each total, and what changes from one total to the next.");
            }
            doc.para("If the total grew:");
            changes_table(doc, ex, grow);
            doc.para("If the total shrank:");
            changes_table(doc, ex, shrink);
            if let Some(n) = note {
                doc.para(n);
            }
        }
    }
}

fn position_text(ex: &Explanation, p: &QueuePosition, squared: bool) -> String {
    let mut parts = vec![];
    match (&p.next_priority, p.next_rank) {
        (Some(pr), Some(r)) => parts.push(format!(
            "its next slot has priority {:.3} and would be national slot {} (N + {r})",
            display_priority(pr.0, squared),
            ex.total + r
        )),
        _ => parts.push("it is at its cap".into()),
    }
    match (&p.last_priority, p.last_rank) {
        (Some(pr), Some(r)) => parts.push(format!(
            "its last slot has priority {:.3} and would be the {} slot to go",
            display_priority(pr.0, squared),
            ordinal(r)
        )),
        _ => parts.push("it is at its floor".into()),
    }
    format!("▶ {}: {}.", label(ex, p.unit), parts.join("; "))
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// One margin cell: "+12.5 → 812.5 (+1.563%): 28 slots", or "—".
fn crossing(c: &Option<Crossing>, current: f64, sign: &str, weight: bool) -> String {
    match c {
        None => "—".to_string(),
        Some(c) => {
            let rel = if current.abs() > 0.0 {
                format!(" ({sign}{:.3}%)", c.after / current.abs() * 100.0)
            } else {
                String::new()
            };
            if weight {
                format!("{sign}{:.6} → {:.6}{rel}: {} slots", c.after, c.value, c.slots)
            } else {
                format!("{sign}{} → {}{rel}: {} slots", sig(c.after), sig(c.value), c.slots)
            }
        }
    }
}

/// Section 4.
fn margins(doc: &mut Document, d: &Derivation, ms: &[Margin], method: MethodChoice) {
    if ms.is_empty() {
        return;
    }
    doc.heading(&format!("4. Margins of {} {}", d.code, d.name));
    let how = if method == MethodChoice::Optimize {
        " Each point tested re-solves the optimisation model with its constraints as written; no monotone response is claimed for it."
    } else {
        ""
    };
    doc.para(&format!("The smallest change of one input, everything else fixed, that moves the unit's slots (bisected to 1e-9 of the value; “—”: no change within the range searched). Indicator values are raw values; weights are normalised weights, the others rescaled to keep the sum 1.{how}"));
    let rows = ms
        .iter()
        .map(|m| {
            let weight = m.lever == Lever::Weight;
            let what = match m.lever {
                Lever::Indicator => format!("{} (value)", m.column),
                Lever::Development => format!("{} (development)", m.column),
                Lever::Weight => format!("weight of {}", m.column),
            };
            let mono = if m.proven_monotone {
                "monotone (proved)"
            } else if m.monotone_on_grid {
                "monotone on grid"
            } else {
                "NOT monotone on grid"
            };
            vec![
                what,
                if weight { format!("{:.6}", m.current) } else { sig(m.current) },
                crossing(&m.up, m.current, "+", weight),
                crossing(&m.down, m.current, "−", weight),
                mono.into(),
            ]
        })
        .collect();
    doc.table(&["input", "now", "raise by", "lower by", "response"], &[L, R, L, L, L], rows);
}

/// A decimal with 10 significant digits, trailing zeros trimmed.
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (10 - 1 - x.abs().log10().floor() as i32).clamp(0, 15) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Why a unit is outside its quota, in words.
fn cause_text(cause: ViolationCause, without_side: Option<u64>, bounded_quota: &Exact) -> String {
    let free = without_side.unwrap_or(0);
    match cause {
        ViolationCause::SideConstraints => {
            format!("without side constraints it has {free}, within quota: the side constraints move it out")
        }
        ViolationCause::FloorsAndCaps => {
            format!("without side constraints it has {free}, also outside: the floors and caps already do")
        }
        ViolationCause::Bounds => {
            format!("forced by its floor or cap (quota after bounds {})", dec(bounded_quota.0, 4))
        }
        ViolationCause::Method => {
            format!("the method's own (quota after bounds {})", dec(bounded_quota.0, 4))
        }
    }
}

/// Section 5.
fn paradoxes(doc: &mut Document, ex: &Explanation, p: &ParadoxReport) {
    doc.heading("5. Paradox checks");
    let totals = p.totals.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
    let run = match ex.method {
        MethodChoice::Optimize => "the optimisation model re-solved".to_string(),
        m => format!("{m} run"),
    };
    let mut lines = vec![];
    if p.alabama.is_empty() {
        lines.push(format!(
            "Alabama paradox: none — {run} at totals {totals}; no unit loses a slot as the total grows{}.",
            if p.house_monotone { " (the method is house monotone)" } else { "" }
        ));
    } else {
        lines.push(format!("Alabama paradox: FOUND ({run} at totals {totals}):"));
        for c in &p.alabama {
            lines.push(format!(
                "  {} has {} slots at total {} but {} at {}",
                label(ex, c.unit),
                c.from,
                c.from_total,
                c.to,
                c.to_total
            ));
        }
    }
    for n in &p.notes {
        lines.push(format!("  (not run: {n})"));
    }
    if p.quota_violations.is_empty() {
        lines.push("Quota rule: every unit has ⌊q⌋ or ⌈q⌉ slots of its ideal quota q = N·W/ΣW.".into());
    } else {
        lines.push("Quota rule: units outside [⌊q⌋, ⌈q⌉] of their ideal quota q = N·W/ΣW:".into());
        for v in &p.quota_violations {
            lines.push(format!(
                "  {}: {} slots, {} quota {} ({}); {}",
                label(ex, v.unit),
                v.slots,
                match v.side {
                    QuotaSide::BelowLower => "below its lower",
                    QuotaSide::AboveUpper => "above its upper",
                },
                dec(v.quota.0, 4),
                v.quota,
                cause_text(v.cause, v.without_side, &v.bounded_quota)
            ));
        }
    }
    match (&p.population, &ex.compare_data) {
        (Some(pop), Some(path)) => {
            if pop.cases.is_empty() && pop.pairs.is_empty() {
                lines.push(format!(
                    "Population paradox (scenario data → {path}): none — no unit's share and slots move in opposite directions."
                ));
            } else {
                lines.push(format!("Population paradox (scenario data → {path}):"));
                for c in &pop.cases {
                    lines.push(format!(
                        "  {}: share {:.6}% → {:.6}% but slots {} → {}",
                        label(ex, c.unit),
                        c.share_before * 100.0,
                        c.share_after * 100.0,
                        c.from,
                        c.to
                    ));
                }
                for c in &pop.pairs {
                    lines.push(format!(
                        "  {} grew relative to {} yet went {} → {} while the other went {} → {} (Balinski–Young pairwise form)",
                        label(ex, c.unit),
                        label(ex, c.other),
                        c.unit_slots.0,
                        c.unit_slots.1,
                        c.other_slots.0,
                        c.other_slots.1
                    ));
                }
            }
        }
        _ => lines.push("Population paradox: not checked (give --compare-data OTHER.csv).".into()),
    }
    doc.para(&lines.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_ranked_in_words() {
        assert_eq!(group(1_000_000_000_002), "1,000,000,000,002");
        assert_eq!(group(999), "999");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 112].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th"]
        );
        assert_eq!(sig(1234.5000), "1234.5");
        assert_eq!(sig(0.000123456789012), "0.000123456789");
        assert_eq!(dec(Ratio::new(1, 3), 4), "0.3333");
    }
}
