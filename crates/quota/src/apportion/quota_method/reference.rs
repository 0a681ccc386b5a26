//! The quota method by its definition, slot by slot over every unit (O(N·n)): the previous
//! implementation, kept to test the event-driven one against (same slots, ties and cut-off on
//! thousands of random problems with floors, caps and equal weights).
//!
//! When the house grows from h to h+1 slots, a unit is *eligible* if one more slot would not
//! take it above its upper quota at the new size — `k_i < (h+1)·w_i / Σw` — and below its cap;
//! among eligible units the slot goes to the largest Jefferson priority `w_i / (k_i + 1)`. If
//! floors or caps leave no eligible unit, the slot goes to the largest Jefferson priority among
//! units below their cap.

use crate::apportion::{priority, Apportionment, Cutoff, Method, Problem, Ratio, Tie};

/// A slot won at a priority that rivals matched: (priority, winner, rivals with their slot count then).
type Contest = (Ratio, usize, Vec<(usize, u64)>);

pub(crate) fn quota_method(p: &Problem, quotas: Vec<Ratio>) -> Apportionment {
    let n = p.len();
    let w_sum = p.weight_sum();
    let mut k: Vec<u64> = p.lower().to_vec();
    let mut h: u64 = k.iter().sum();
    // (priority, winner, losers with their slot count when they lost)
    let mut contested: Vec<Contest> = Vec::new();
    let mut last_in: Option<Ratio> = None;
    while h < p.total() {
        let eligible = |i: usize, k: &[u64]| {
            k[i] < p.cap(i) && (k[i] as u128) * w_sum < (h as u128 + 1) * p.weights()[i] as u128
        };
        let mut pool: Vec<usize> = (0..n).filter(|&i| eligible(i, &k)).collect();
        if pool.is_empty() {
            pool = (0..n).filter(|&i| k[i] < p.cap(i)).collect();
        }
        let key = |i: usize| {
            (priority(Method::Jefferson, p.weights()[i], k[i]), p.weights()[i], std::cmp::Reverse(i))
        };
        let best = *pool.iter().max_by_key(|&&i| key(i)).expect("caps sum to at least the total");
        let best_priority = priority(Method::Jefferson, p.weights()[best], k[best]);
        let rivals: Vec<(usize, u64)> = pool
            .iter()
            .filter(|&&i| {
                i != best && priority(Method::Jefferson, p.weights()[i], k[i]).cmp(&best_priority).is_eq()
            })
            .map(|&i| (i, k[i]))
            .collect();
        if !rivals.is_empty() {
            contested.push((best_priority, best, rivals));
        }
        last_in = Some(best_priority);
        k[best] += 1;
        h += 1;
    }
    // A tie decided a slot if some loser never got that slot later.
    let mut ties: Vec<Tie> = Vec::new();
    for (priority, winner, rivals) in contested {
        let losers: Vec<usize> = rivals.into_iter().filter(|&(i, had)| k[i] == had).map(|(i, _)| i).collect();
        if losers.is_empty() {
            continue;
        }
        match ties.iter_mut().find(|t| t.priority.cmp(&priority).is_eq()) {
            Some(t) => {
                t.winners.push(winner);
                t.losers.retain(|l| *l != winner);
                for l in losers {
                    if !t.losers.contains(&l) && !t.winners.contains(&l) {
                        t.losers.push(l);
                    }
                }
            }
            None => ties.push(Tie { priority, winners: vec![winner], losers }),
        }
    }
    let first_out =
        (0..n).filter(|&i| k[i] < p.cap(i)).map(|i| priority(Method::Jefferson, p.weights()[i], k[i])).max();
    Apportionment {
        method: Method::Quota,
        seats: k,
        quotas,
        ties,
        cutoff: Cutoff::Priority { last_in, first_out },
    }
}

/// The one-at-a-time design's former state for the quota method (as `sweep::oat` computed it
/// before the event-driven run): per house size the eligible units as bit words, then
/// `(any eligible) << 32 | winner`.
pub(crate) fn quota_trace(p: &Problem, out: &mut Vec<u64>) {
    let n = p.len();
    let w_sum = p.weight_sum();
    let mut k: Vec<u64> = p.lower().to_vec();
    let mut h: u64 = k.iter().sum();
    let cap = |i: usize| if p.weights()[i] == 0 { p.lower()[i] } else { p.upper()[i] };
    let mut words = vec![0u64; n.div_ceil(64)];
    while h < p.total() {
        words.fill(0);
        let mut any = false;
        for i in 0..n {
            if k[i] < cap(i) && (k[i] as u128) * w_sum < (h as u128 + 1) * p.weights()[i] as u128 {
                words[i / 64] |= 1 << (i % 64);
                any = true;
            }
        }
        let eligible = |i: usize| if any { words[i / 64] >> (i % 64) & 1 == 1 } else { k[i] < cap(i) };
        let key = |i: usize| {
            (priority(Method::Jefferson, p.weights()[i], k[i]), p.weights()[i], std::cmp::Reverse(i))
        };
        let best =
            (0..n).filter(|&i| eligible(i)).max_by_key(|&i| key(i)).expect("caps sum to at least the total");
        out.extend_from_slice(&words);
        out.push(u64::from(any) << 32 | best as u64);
        k[best] += 1;
        h += 1;
    }
}
