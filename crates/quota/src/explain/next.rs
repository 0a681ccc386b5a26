//! Next in line and last in: who would get the next slots if the total grew by 1..k, and
//! whose last slots would go first if it shrank — the list the U.S. Census Bureau publishes
//! as "priority values" for seats 436 and beyond.
//!
//! - **Divisor methods** are house monotone: the allocation at N+1 is the one at N plus the
//!   strongest unserved claim `W/d(k)` (Balinski & Young, *Fair Representation*, ch. 4), so
//!   the next k slots are the k strongest unserved claims in order, and the last k slots are
//!   the k weakest served ones (above floors) in reverse. Caps and floors only remove claims.
//! - **The quota method** is house monotone too: its next slots continue its sequence (same
//!   eligibility rule), and its last slots are the end of the sequence.
//! - **Hamilton** is not house monotone (the Alabama paradox): growing the total by one
//!   changes every quota, so one unit may gain two slots' worth of rank while another loses a
//!   slot. There is no single queue; what is shown instead is Hamilton re-run at each total
//!   N±1..k, as the slot changes from one total to the next (gains, and any losses).
//!
//! Every list here is checked in the tests against actually running the method at those totals.

use serde::Serialize;

use super::trail::{count_at_least, hamilton_seats_from, hamilton_trail};
use super::{beats, Base, Exact};
use crate::apportion::ApportionError;
use crate::apportion::{apportion, bounded_quotas, priority, Method, Ratio};

/// A claim on a slot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The national slot number: N+1, N+2, … for the next in line; N, N−1, … for the last in.
    pub house: u64,
    /// The unit.
    pub unit: usize,
    /// Which of the unit's slots it is (k+1 for a unit holding k).
    pub unit_slot: u64,
    /// Its priority `W/d(k)` (Huntington–Hill: squared, `W²/(k(k+1))`).
    pub priority: Exact,
}

/// One unit's slot change between two totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotChange {
    /// Unit.
    pub unit: usize,
    /// Slots at the first total.
    pub from: u64,
    /// Slots at the second.
    pub to: u64,
}

/// What changes when the total moves by one (Hamilton).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseChange {
    /// Total before.
    pub from_total: u64,
    /// Total after.
    pub to_total: u64,
    /// Units with more slots after.
    pub gains: Vec<SlotChange>,
    /// Units with fewer slots after (when the total grew: the Alabama paradox).
    pub losses: Vec<SlotChange>,
}

/// Next in line and last in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NextInLine {
    /// House-monotone methods: one queue of claims.
    Priorities {
        /// Whether priorities are squares (Huntington–Hill).
        squared: bool,
        /// Slots N+1, N+2, …: who gets them.
        next: Vec<Claim>,
        /// Slots N, N−1, …: whose slot goes first if the total shrinks.
        last_in: Vec<Claim>,
        /// Why a list is shorter than asked, if it is.
        note: Option<String>,
    },
    /// Hamilton: re-runs at each total.
    Reruns {
        /// N → N+1, N+1 → N+2, …
        grow: Vec<HouseChange>,
        /// N → N−1, N−1 → N−2, …
        shrink: Vec<HouseChange>,
        /// Why a list is shorter than asked, if it is.
        note: Option<String>,
    },
}

/// Where one unit stands in the queue (divisor methods).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuePosition {
    /// The unit.
    pub unit: usize,
    /// Its next claim's priority (None at its cap).
    pub next_priority: Option<Exact>,
    /// Its next slot would be national slot N + this (None at its cap).
    pub next_rank: Option<u64>,
    /// Its last served claim's priority (None at its floor).
    pub last_priority: Option<Exact>,
    /// Its last slot would be the this-th to go if the total shrank (None at its floor).
    pub last_rank: Option<u64>,
}

/// Next in line and last in for `k` slots each way from `base.total`.
pub fn next_in_line(base: &Base, method: Method, k: usize) -> Result<NextInLine, ApportionError> {
    let p = base.problem_at(base.total)?;
    let seats = apportion(&p, method).seats;
    Ok(match method {
        Method::Hamilton => {
            let (grow, note_g) = hamilton_changes(base, k, true);
            let (shrink, note_s) = hamilton_changes(base, k, false);
            NextInLine::Reruns { grow, shrink, note: note_g.or(note_s) }
        }
        Method::Quota => {
            let trail = super::trail::quota_trail(&p);
            let next = quota_next(base, &seats, k);
            let last_in: Vec<Claim> = trail
                .steps
                .iter()
                .rev()
                .take(k)
                .map(|s| Claim { house: s.house, unit: s.unit, unit_slot: s.unit_slot, priority: s.priority })
                .collect();
            let note = shortfall(k, next.len(), last_in.len());
            NextInLine::Priorities { squared: false, next, last_in, note }
        }
        m => {
            let next = divisor_next(base, m, &seats, k);
            let last_in = divisor_last(base, m, &seats, k);
            let note = shortfall(k, next.len(), last_in.len());
            NextInLine::Priorities { squared: m == Method::HuntingtonHill, next, last_in, note }
        }
    })
}

fn shortfall(k: usize, next: usize, last: usize) -> Option<String> {
    let mut notes = vec![];
    if next < k {
        notes.push(format!("only {next} more slot(s) fit under the caps"));
    }
    if last < k {
        notes.push(format!("only {last} slot(s) can go before every unit is at its floor"));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

fn cap_at(base: &Base, i: usize, total: u64) -> u64 {
    if base.weights[i] == 0 {
        base.floors[i]
    } else {
        base.caps[i].min(total)
    }
}

/// The next `k` claims of a divisor method, strongest first.
pub fn divisor_next(base: &Base, m: Method, seats: &[u64], k: usize) -> Vec<Claim> {
    let mut s = seats.to_vec();
    let mut out = Vec::with_capacity(k);
    for j in 1..=k as u64 {
        let total = base.total + j;
        let mut best: Option<usize> = None;
        for i in 0..s.len() {
            if s[i] >= cap_at(base, i, total) {
                continue;
            }
            let better = best.is_none_or(|b| {
                beats(
                    priority(m, base.weights[i], s[i]),
                    base.weights[i],
                    i,
                    priority(m, base.weights[b], s[b]),
                    base.weights[b],
                    b,
                )
            });
            if better {
                best = Some(i);
            }
        }
        let Some(b) = best else { break };
        out.push(Claim {
            house: total,
            unit: b,
            unit_slot: s[b] + 1,
            priority: Exact(priority(m, base.weights[b], s[b])),
        });
        s[b] += 1;
    }
    out
}

/// The last `k` served claims of a divisor method, weakest (first to go) first.
pub fn divisor_last(base: &Base, m: Method, seats: &[u64], k: usize) -> Vec<Claim> {
    let mut s = seats.to_vec();
    let mut out = Vec::with_capacity(k);
    for j in 0..k as u64 {
        let Some(house) = base.total.checked_sub(j) else { break };
        let mut worst: Option<usize> = None;
        for i in 0..s.len() {
            if s[i] <= base.floors[i] {
                continue;
            }
            let weaker = worst.is_none_or(|b| {
                beats(
                    priority(m, base.weights[b], s[b] - 1),
                    base.weights[b],
                    b,
                    priority(m, base.weights[i], s[i] - 1),
                    base.weights[i],
                    i,
                )
            });
            if weaker {
                worst = Some(i);
            }
        }
        let Some(w) = worst else { break };
        out.push(Claim {
            house,
            unit: w,
            unit_slot: s[w],
            priority: Exact(priority(m, base.weights[w], s[w] - 1)),
        });
        s[w] -= 1;
    }
    out
}

/// The quota method's next `k` slots: its sequence continued from the allocation at N.
fn quota_next(base: &Base, seats: &[u64], k: usize) -> Vec<Claim> {
    let mut s = seats.to_vec();
    let w_sum: u128 = base.weights.iter().map(|&w| w as u128).sum();
    let mut out = Vec::with_capacity(k);
    for j in 1..=k as u64 {
        let h = base.total + j - 1; // house size before this slot
        let n = s.len();
        let below_cap = |i: usize, s: &[u64]| s[i] < cap_at(base, i, h + 1);
        let mut pool: Vec<usize> = (0..n)
            .filter(|&i| {
                below_cap(i, &s) && (s[i] as u128) * w_sum < (h as u128 + 1) * base.weights[i] as u128
            })
            .collect();
        if pool.is_empty() {
            pool = (0..n).filter(|&i| below_cap(i, &s)).collect();
        }
        let pr = |i: usize, s: &[u64]| priority(Method::Jefferson, base.weights[i], s[i]);
        let Some(&first) = pool.first() else { break };
        let mut best = first;
        for &i in &pool[1..] {
            if beats(pr(i, &s), base.weights[i], i, pr(best, &s), base.weights[best], best) {
                best = i;
            }
        }
        out.push(Claim { house: h + 1, unit: best, unit_slot: s[best] + 1, priority: Exact(pr(best, &s)) });
        s[best] += 1;
    }
    out
}

/// Hamilton at total `t`, by its own rule (whole parts + largest remainders).
pub fn hamilton_at(base: &Base, t: u64) -> Result<Vec<u64>, ApportionError> {
    let p = base.problem_at(t)?;
    Ok(hamilton_seats_from(&hamilton_trail(&p, &bounded_quotas(&p))))
}

fn hamilton_changes(base: &Base, k: usize, grow: bool) -> (Vec<HouseChange>, Option<String>) {
    changes_by(base.total, k, grow, |t| hamilton_at(base, t).map_err(|e| e.to_string()))
}

/// The slot changes from one total to the next, `k` steps up (`grow`) or down from `total`,
/// with `at(t)` the allocation at total `t`. Stops at the first total that cannot be
/// allocated, with a note saying why.
pub(crate) fn changes_by(
    total: u64,
    k: usize,
    grow: bool,
    mut at: impl FnMut(u64) -> Result<Vec<u64>, String>,
) -> (Vec<HouseChange>, Option<String>) {
    let mut out = Vec::with_capacity(k);
    let Ok(mut prev) = at(total) else {
        return (out, Some("the problem is infeasible at its own total".into()));
    };
    let mut prev_total = total;
    for _ in 0..k {
        let t = if grow { prev_total + 1 } else { prev_total.saturating_sub(1) };
        if t == 0 || t == prev_total {
            return (out, Some("the total cannot shrink below 1".into()));
        }
        let seats = match at(t) {
            Ok(s) => s,
            Err(e) => return (out, Some(format!("stopped at total {t}: {e}"))),
        };
        let change = |i: usize| SlotChange { unit: i, from: prev[i], to: seats[i] };
        out.push(HouseChange {
            from_total: prev_total,
            to_total: t,
            gains: (0..seats.len()).filter(|&i| seats[i] > prev[i]).map(change).collect(),
            losses: (0..seats.len()).filter(|&i| seats[i] < prev[i]).map(change).collect(),
        });
        prev = seats;
        prev_total = t;
    }
    (out, None)
}

/// Where unit `u` stands in a divisor method's queue: its next claim's rank among all unserved
/// claims, and its last claim's rank among all served ones (counted from the weakest).
/// Exact: each other unit's claims that beat (or lose to) a priority are counted by
/// [`count_at_least`]. None for Hamilton and the quota method, which have no fixed queue.
pub fn queue_position(base: &Base, m: Method, seats: &[u64], u: usize) -> Option<QueuePosition> {
    if !m.is_divisor() {
        return None;
    }
    let n = seats.len();
    let w = &base.weights;
    // Does unit j win a tie against unit u (larger weight, then earlier)?
    let wins_tie = |j: usize| (w[j], std::cmp::Reverse(j)) > (w[u], std::cmp::Reverse(u));
    // Unclipped caps: the queue may run past the current total.
    let cap = |i: usize| if w[i] == 0 { base.floors[i] } else { base.caps[i] };
    let next_priority = (seats[u] < cap(u)).then(|| priority(m, w[u], seats[u]));
    let next_rank = next_priority.map(|pu| {
        let mut ahead = 0u64;
        for j in (0..n).filter(|&j| j != u) {
            // Claims k ≥ s_j (below j's cap) that beat u's claim.
            let beating = count_at_least(m, w[j], pu, !wins_tie(j)).min(cap(j));
            ahead += beating.saturating_sub(seats[j]);
        }
        ahead + 1
    });
    let last_priority = (seats[u] > base.floors[u]).then(|| priority(m, w[u], seats[u] - 1));
    let last_rank = last_priority.map(|pu| {
        let mut before = 0u64;
        for j in (0..n).filter(|&j| j != u) {
            // Served claims k in [floor_j, s_j) weaker than u's last claim.
            let not_weaker = count_at_least(m, w[j], pu, !wins_tie(j)).clamp(base.floors[j], seats[j]);
            before += seats[j] - not_weaker;
        }
        before + 1
    });
    Some(QueuePosition {
        unit: u,
        next_priority: next_priority.map(Exact),
        next_rank,
        last_priority: last_priority.map(Exact),
        last_rank,
    })
}

/// A priority as a decimal for display: `√` of the squared Huntington–Hill priority.
pub fn display_priority(p: Ratio, squared: bool) -> f64 {
    if squared {
        p.to_f64().sqrt()
    } else {
        p.to_f64()
    }
}
