//! The full result's ties, read off the record of winners after the run.
//!
//! The definition reports a tie at a house size when units in the winner's pool had the
//! winner's claim exactly (its *rivals*), and counts it as deciding a slot when some rival
//! never got that slot later (a *loser*). Collecting the rivals at every house size costs
//! O(rivals) per slot — with 10,000 equal weights, 10^4 per slot and 10^10 in all. This
//! module finds the same ties from the winners alone, in O((N + n) log n):
//!
//! - **A loser's claim is its final claim.** A rival j holding k slots at house size H loses
//!   iff it ends with k slots; its claim `w_j / (k + 1)` at H is then its final claim. So only
//!   the units below their cap at the end (the *candidates*) can lose, and only at house sizes
//!   whose winner's claim equals theirs.
//! - **When a candidate is in the pool.** Candidate j, ending with k_j slots, holds them at
//!   every house size after its last win `s_j` (or from the start, `s_j = h0`). It is in the
//!   winner's pool at house size H > s_j when the winner came from the fallback pool (no unit
//!   eligible: every unit below its cap is in it), and otherwise when j is eligible:
//!   `⌊k_j·W / w_j⌋ < H`, its release. Both conditions only loosen as H grows.
//!
//! So for each exact claim value p shared by a house's winner and some candidate: j loses at
//! the house sizes H with winner claim p, H > s_j, and (fallback, or H > ⌊k_j·W / w_j⌋) — its
//! first such house size is two binary searches; a house size with claim p has a loser iff it
//! passes those bounds for the most permissive candidate. The report is the definition's:
//! one tie per claim value, in order of its first house size with a loser; winners in house
//! order; losers in order of the house size where each first lost, then as listed.

use std::cmp::Ordering;

use super::super::divisor::priority;
use super::super::{Method, Problem, Tie};

/// One house size's decision: the winner, the slot it won (its count after the win), and
/// whether no unit was eligible (the winner came from the fallback pool).
#[derive(Debug, Clone, Copy)]
pub(super) struct Won {
    pub unit: u32,
    pub next: u32,
    pub fallback: bool,
}

/// Exact order of claims `w_a / n_a` and `w_b / n_b` (w ≤ 10^12 and n ≤ 10^6 + 1: the
/// products stay below 2^64).
#[inline]
fn cmp_claims(wa: u64, na: u64, wb: u64, nb: u64) -> Ordering {
    (wa * nb).cmp(&(wb * na))
}

/// The candidates sharing one exact claim value, and the house sizes whose winner had it.
struct Group {
    /// A representative claim (w, n).
    claim: (u64, u64),
    /// The claim rounded to f64 (a screen for the search).
    screen: f64,
    units: Vec<usize>,
    /// House sizes with this winner claim, from an eligible winner, in increasing order.
    eligible_houses: Vec<u64>,
    /// The same, from the fallback pool.
    fallback_houses: Vec<u64>,
}

/// The ties that decided slots, for the run that ended with `k` after deciding `won` (house
/// size `h0 + 1 + index`); `base` is the run's `⌊k_j·W / w_j⌋` (valid for the units below
/// their cap: a candidate is eligible at house size H iff `base[j] < H`).
pub(super) fn decided(p: &Problem, h0: u64, won: &[Won], k: &[u64], base: &[u128]) -> Vec<Tie> {
    let w = p.weights();
    let mut groups = candidate_groups(p, k);
    if groups.is_empty() {
        return Vec::new();
    }
    let mut last_win = vec![h0; k.len()];
    for (at, x) in won.iter().enumerate() {
        let house = h0 + 1 + at as u64;
        last_win[x.unit as usize] = house;
        let (wi, ni) = (w[x.unit as usize], x.next as u64);
        if let Some(g) = find(&groups, wi, ni) {
            let list =
                if x.fallback { &mut groups[g].fallback_houses } else { &mut groups[g].eligible_houses };
            list.push(house);
        }
    }
    // (first house size with a loser, tie)
    let mut ties: Vec<(u64, Tie)> = Vec::new();
    for g in &groups {
        if g.eligible_houses.is_empty() && g.fallback_houses.is_empty() {
            continue;
        }
        // Each candidate's first losing house size, and the loosest bounds over the group.
        let mut losers: Vec<(u64, usize)> = Vec::new();
        let (mut eligible_from, mut fallback_from) = (u64::MAX, u64::MAX);
        for &j in &g.units {
            let held_from = last_win[j] + 1;
            let release = (base[j] + 1).min(u64::MAX as u128) as u64;
            let from = held_from.max(release);
            eligible_from = eligible_from.min(from);
            fallback_from = fallback_from.min(held_from);
            let first = first_at_or_after(&g.eligible_houses, from)
                .min(first_at_or_after(&g.fallback_houses, held_from));
            if first != u64::MAX {
                losers.push((first, j));
            }
        }
        if losers.is_empty() {
            continue;
        }
        losers.sort_unstable();
        let mut houses: Vec<u64> = at_or_after(&g.eligible_houses, eligible_from)
            .iter()
            .chain(at_or_after(&g.fallback_houses, fallback_from))
            .copied()
            .collect();
        houses.sort_unstable();
        let winners: Vec<usize> = houses.iter().map(|&h| won[(h - h0 - 1) as usize].unit as usize).collect();
        // The first winner's claim, as the definition reports it.
        let first = won[(houses[0] - h0 - 1) as usize];
        ties.push((
            houses[0],
            Tie {
                priority: priority(Method::Jefferson, w[first.unit as usize], first.next as u64 - 1),
                winners,
                losers: losers.into_iter().map(|(_, j)| j).collect(),
            },
        ));
    }
    ties.sort_by_key(|(first, _)| *first);
    ties.into_iter().map(|(_, t)| t).collect()
}

/// The units below their cap at the end, grouped by exact final claim, in decreasing order.
fn candidate_groups(p: &Problem, k: &[u64]) -> Vec<Group> {
    let w = p.weights();
    let mut units: Vec<usize> = (0..k.len()).filter(|&j| k[j] < p.cap(j)).collect();
    units.sort_by(|&a, &b| cmp_claims(w[b], k[b] + 1, w[a], k[a] + 1).then(a.cmp(&b)));
    let mut groups: Vec<Group> = Vec::new();
    for j in units {
        let claim = (w[j], k[j] + 1);
        match groups.last_mut() {
            Some(g) if cmp_claims(g.claim.0, g.claim.1, claim.0, claim.1).is_eq() => g.units.push(j),
            _ => groups.push(Group {
                claim,
                screen: claim.0 as f64 / claim.1 as f64,
                units: vec![j],
                eligible_houses: Vec::new(),
                fallback_houses: Vec::new(),
            }),
        }
    }
    groups
}

/// The group whose claim is exactly `w / n`, if any (groups in decreasing order of claim;
/// the rounded claim narrows the search: equal claims round equally).
fn find(groups: &[Group], w: u64, n: u64) -> Option<usize> {
    let screen = w as f64 / n as f64;
    let from = groups.partition_point(|g| g.screen > screen);
    groups[from..]
        .iter()
        .take_while(|g| g.screen.to_bits() == screen.to_bits())
        .position(|g| cmp_claims(g.claim.0, g.claim.1, w, n).is_eq())
        .map(|at| from + at)
}

/// The entries of increasing `list` at or after `from`.
fn at_or_after(list: &[u64], from: u64) -> &[u64] {
    &list[list.partition_point(|&h| h < from)..]
}

/// The first entry of increasing `list` at or after `from` (u64::MAX if none).
fn first_at_or_after(list: &[u64], from: u64) -> u64 {
    at_or_after(list, from).first().copied().unwrap_or(u64::MAX)
}
