//! Section 2 for an apportionment method: the quotas after floors and caps, then Hamilton's
//! whole parts and ranked remainders, a divisor method's divisor and quotients, or the quota
//! method's slot-by-slot sequence; and the ties.

use super::{bound_word, dec, group, label, mark, Document, L, R};
use crate::apportion::{Method, MAX_SEATS};
use crate::explain::next::display_priority;
use crate::explain::trail::{DivisorTrail, HamiltonTrail, MethodTrail, QuotaStep, QuotaTrail, Trail};
use crate::explain::{BoundState, Exact, Explanation};

/// Section 2 for an apportionment method.
pub(super) fn section(doc: &mut Document, ex: &Explanation, t: &Trail, asked: Option<usize>) {
    let held: Vec<String> = (0..t.units.len())
        .filter(|&i| t.units[i].bound != BoundState::Free)
        .map(|i| format!("{} at its {} {}", label(ex, i), bound_word(t.units[i].bound), t.units[i].quota))
        .collect();
    let mut intro = if held.is_empty() {
        format!("No floor or cap binds: q* = N·W/ΣW = {} × W / {}.", t.total, group(t.weight_sum))
    } else {
        format!(
            "Quotas after floors and caps: {}; the other units share R = {} slots by weight, q* = μ·W with μ = R/W_free = {}/{}.",
            held.join(", "),
            t.free_slots,
            t.free_slots,
            group(t.free_weight)
        )
    };
    match &t.steps {
        MethodTrail::LargestRemainder(h) => {
            doc.heading(&format!("2. Audit trail — {} (largest remainder)", t.method));
            intro.push_str(&format!(
                "\nEach unit gets ⌊q*⌋: {} slots in all; the L = {} slots left go to the {} largest remainders q* − ⌊q*⌋ (exact fractions below).",
                h.whole_sum, h.left, h.left
            ));
            doc.para(&intro);
            hamilton_table(doc, ex, t, h, asked);
        }
        MethodTrail::Divisor(d) => {
            doc.heading(&format!("2. Audit trail — {} (divisor method, {})", t.method, d.divisors));
            let dtext = match &d.divisor {
                Some(x) if x.0.reduced().den == 1 => group(x.0.reduced().num),
                Some(x) => format!("{} (exactly {})", dec(x.0, 3), x),
                None => format!("√{} ≈ {:.3}", d.threshold, d.divisor_approx),
            };
            intro.push_str(&format!(
                "\nDivisor D = {dtext}: a unit holding k slots gets another while its quotient W/D reaches d(k), then its floor and cap apply.{}",
                if d.squared { " Huntington–Hill priorities W/√(k(k+1)) are compared exactly as squares W²/(k(k+1)); shown here as √." } else { "" }
            ));
            intro.push_str(&divisor_cutoff(d, t.method));
            doc.para(&intro);
            divisor_table(doc, ex, t, d, asked);
        }
        MethodTrail::Sequential(q) => {
            doc.heading(&format!("2. Audit trail — {} (Balinski–Young, slot by slot)", t.method));
            intro.push_str(&format!(
                "\nStarting from the floors ({} slots), each next slot goes to the unit with the largest Jefferson priority W/(k+1) among those still within their upper quota at the new size (k < (h+1)·W/ΣW) and below their cap. {} slots were given this way.",
                q.start,
                q.steps.len()
            ));
            doc.para(&intro);
            quota_table(doc, ex, t, q, asked);
        }
    }
    if t.ties.is_empty() {
        doc.para(&format!("Ties: none decided a slot (rule if one had: {}).", t.tie_rule));
    } else {
        let lines: Vec<String> = t
            .ties
            .iter()
            .map(|tie| {
                format!(
                    "tie at priority {}: won by {}; lost by {} ({})",
                    tie.priority,
                    tie.winners.iter().map(|&i| label(ex, i)).collect::<Vec<_>>().join(", "),
                    tie.losers.iter().map(|&i| label(ex, i)).collect::<Vec<_>>().join(", "),
                    t.tie_rule
                )
            })
            .collect();
        doc.para(&lines.join("\n"));
    }
}

/// Hamilton: the ranked remainders first, then the other units; the cut-off.
fn hamilton_table(doc: &mut Document, ex: &Explanation, t: &Trail, h: &HamiltonTrail, asked: Option<usize>) {
    let mut order: Vec<usize> = h.ranking.clone();
    order.extend((0..t.units.len()).filter(|i| !h.ranking.contains(i)));
    let rank_of = |i: usize| h.ranking.iter().position(|&r| r == i);
    let rows = order
        .iter()
        .map(|&i| {
            let u = &t.units[i];
            let rank = rank_of(i);
            let extra = rank.is_some_and(|r| (r as u64) < h.left);
            vec![
                mark(i, asked),
                rank.map_or("—".into(), |r| (r + 1).to_string()),
                label(ex, i),
                bound_word(u.bound).into(),
                dec(u.quota.0, 6),
                h.whole[i].to_string(),
                dec(h.remainders[i].0, 9),
                h.remainders[i].to_string(),
                if extra { "+1".into() } else { String::new() },
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(
        &["", "rank", "unit", "bound", "q*", "⌊q*⌋", "remainder", "remainder (exact)", "", "slots"],
        &[L, R, L, L, R, R, R, R, L, R],
        rows,
    );
    let who = |k: usize| h.ranking.get(k).map(|&i| label(ex, i)).unwrap_or_default();
    let mut cut = vec![];
    if let Some(li) = &h.last_in {
        cut.push(format!(
            "last remainder in: {} = {} (rank {}, {})",
            dec(li.0, 9),
            li,
            h.left,
            who((h.left as usize).saturating_sub(1))
        ));
    }
    if let Some(fo) = &h.first_out {
        cut.push(format!(
            "first remainder out: {} = {} (rank {}, {})",
            dec(fo.0, 9),
            fo,
            h.left + 1,
            who(h.left as usize)
        ));
    }
    if !cut.is_empty() {
        doc.para(&format!("Cut-off: {}.", cut.join("; ")));
    }
}

/// A divisor method's weakest served and strongest unserved claims.
fn divisor_cutoff(d: &DivisorTrail, m: Method) -> String {
    let p = |r: &Exact| {
        if d.squared {
            format!("{:.3} (squared: {})", display_priority(r.0, true), r)
        } else {
            format!("{} (exactly {})", dec(r.0, 3), r)
        }
    };
    let mut s = String::new();
    if let Some(li) = &d.last_in {
        s.push_str(&format!("\nWeakest claim served (above floors): priority {}.", p(li)));
    }
    if let Some(fo) = &d.first_out {
        s.push_str(&format!(" Strongest claim not served (below caps): priority {}.", p(fo)));
    }
    if d.tied {
        s.push_str(" They are equal: no divisor separates them, and the tie-break decided (see ties).");
    } else {
        s.push_str(&format!(
            " Any divisor between them gives the same {m} result; D is the roundest such number."
        ));
    }
    s
}

fn divisor_table(doc: &mut Document, ex: &Explanation, t: &Trail, d: &DivisorTrail, asked: Option<usize>) {
    let rows = (0..t.units.len())
        .map(|i| {
            let u = &t.units[i];
            let count =
                if d.counts[i] > MAX_SEATS { format!("> {MAX_SEATS}") } else { d.counts[i].to_string() };
            vec![
                mark(i, asked),
                label(ex, i),
                group(u.weight as u128),
                dec(u.quota.0, 4),
                format!("{:.6}", d.quotients_approx[i]),
                d.quotients[i].as_ref().map_or("irrational".into(), |q| q.to_string()),
                count,
                u.floor.to_string(),
                u.cap.to_string(),
                bound_word(u.bound).into(),
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(
        &["", "unit", "W", "q*", "W/D", "W/D (exact)", "by D", "floor", "cap", "bound", "slots"],
        &[L, L, R, R, R, R, R, R, R, L, R],
        rows,
    );
}

/// The quota method: the asked unit's slots and the last 10 of the sequence, then every unit.
fn quota_table(doc: &mut Document, ex: &Explanation, t: &Trail, q: &QuotaTrail, asked: Option<usize>) {
    let shown: Vec<&QuotaStep> = q
        .steps
        .iter()
        .enumerate()
        .filter(|(k, st)| asked == Some(st.unit) || *k + 10 >= q.steps.len())
        .map(|(_, st)| st)
        .collect();
    let rows = shown
        .iter()
        .map(|st| {
            vec![
                st.house.to_string(),
                label(ex, st.unit),
                st.unit_slot.to_string(),
                dec(st.priority.0, 3),
                st.priority.to_string(),
                st.eligible.to_string(),
                if st.waived { "waived".into() } else { String::new() },
            ]
        })
        .collect();
    doc.para(&match asked {
        Some(u) => {
            format!("Slots won by {} and the last 10 slots (all {} in JSON):", label(ex, u), q.steps.len())
        }
        None => format!("The last 10 slots (all {} in JSON):", q.steps.len()),
    });
    doc.table(
        &["slot", "unit", "its slot", "priority W/(k+1)", "exact", "eligible", "quota condition"],
        &[R, L, R, R, R, R, L],
        rows,
    );
    let final_rows = (0..t.units.len())
        .map(|i| {
            let u = &t.units[i];
            vec![
                mark(i, asked),
                label(ex, i),
                dec(u.quota.0, 4),
                u.floor.to_string(),
                u.cap.to_string(),
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(&["", "unit", "q*", "floor", "cap", "slots"], &[L, L, R, R, R, R], final_rows);
}
