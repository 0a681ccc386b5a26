//! Divisor methods: a unit holding k slots claims its next one with priority `w / d(k)`;
//! slots go to the highest priorities. Equivalently, find a divisor λ and give each unit
//! `round_d(w_i / λ)` slots, where `round_d` rounds up past the threshold `d(k)`.
//!
//! | method | d(k) | reference |
//! |---|---|---|
//! | Jefferson / D'Hondt | k + 1 | Balinski & Young, *Fair Representation*, A.2 |
//! | Webster / Sainte-Laguë | k + ½ | ibid. |
//! | Huntington–Hill | √(k(k+1)) | ibid.; U.S. House since 1941 |
//! | Adams | k | ibid. |
//! | Dean | k(k+1)/(k+½) | ibid. |
//! | modified Sainte-Laguë | 0.7, then k + ½ | Pukelsheim, *Proportional Representation*, 3.11 (Norway, Sweden) |
//!
//! Exactness: `d(k) = a/b` with small integers a, b, so the priority is the fraction
//! `w·b / a`; Huntington–Hill's irrational divisor is handled by comparing squared
//! priorities `w² / (k(k+1))`, which orders claims identically. For w ≤ 10^12 and
//! k ≤ 10^6 every cross-product stays below 2.1·10^36 < u128::MAX.
//!
//! Speed: a floating-point divisor estimate gives a starting allocation within a few slots of
//! the answer; an exact fix-up then adds, removes and exchanges slots until no unclaimed
//! priority exceeds a served one — the defining condition of the method — so the estimate
//! affects only the running time, never the result.

use super::ratio::Ratio;
use super::{Apportionment, Cutoff, Method, Problem, Tie};

/// The divisor d(k) for a unit's (k+1)-th slot as a fraction `(a, b)` = a/b, or, for
/// Huntington–Hill, `(k(k+1), 1)` = d(k)². `None` for the Hamilton and quota methods.
pub fn divisor(method: Method, k: u64) -> Option<(u128, u128)> {
    let k = k as u128;
    Some(match method {
        Method::Jefferson => (k + 1, 1),
        Method::Webster => (2 * k + 1, 2),
        Method::Adams => (k, 1),
        Method::Dean => (2 * k * (k + 1), 2 * k + 1),
        Method::HuntingtonHill => (k * (k + 1), 1),
        Method::ModifiedWebster if k == 0 => (7, 10),
        Method::ModifiedWebster => (2 * k + 1, 2),
        Method::Hamilton => return None,
        Method::Quota => (k + 1, 1),
    })
}

/// The exact priority of the claim of a unit of weight `w` that holds `k` slots: `w / d(k)`
/// (for Huntington–Hill the square `w² / (k(k+1))`). A zero divisor gives +∞ (if w > 0).
#[inline]
pub fn priority(method: Method, w: u64, k: u64) -> Ratio {
    let (a, b) = divisor(method, k).expect("a divisor method");
    let w = w as u128;
    if method == Method::HuntingtonHill {
        Ratio::new(w * w, a)
    } else {
        Ratio::new(w * b, a)
    }
}

/// Whether claim `(pa, wa, a)` beats claim `(pb, wb, b)`: higher priority, then larger weight,
/// then the earlier unit — the documented tie-break.
#[inline]
fn beats(pa: Ratio, wa: u64, a: usize, pb: Ratio, wb: u64, b: usize) -> bool {
    pa.cmp(&pb).then(wa.cmp(&wb)).then(b.cmp(&a)).is_gt()
}

/// The unit with the strongest claim to one more slot, among those below their cap, with
/// the priority of that claim. One priority computation per unit.
fn best_next(m: Method, p: &Problem, k: &[u64]) -> Option<(usize, Ratio)> {
    let mut best: Option<(usize, Ratio)> = None;
    for i in 0..k.len() {
        if k[i] < p.cap(i) {
            let pr = priority(m, p.weights()[i], k[i]);
            if best.is_none_or(|(b, pb)| beats(pr, p.weights()[i], i, pb, p.weights()[b], b)) {
                best = Some((i, pr));
            }
        }
    }
    best
}

/// The unit whose last slot has the weakest claim, among those above their floor, with the
/// priority of that claim.
fn worst_last(m: Method, p: &Problem, k: &[u64]) -> Option<(usize, Ratio)> {
    let mut worst: Option<(usize, Ratio)> = None;
    for i in 0..k.len() {
        if k[i] > p.lower()[i] {
            let pr = priority(m, p.weights()[i], k[i] - 1);
            if worst.is_none_or(|(b, pb)| beats(pb, p.weights()[b], b, pr, p.weights()[i], i)) {
                worst = Some((i, pr));
            }
        }
    }
    worst
}

/// d(k) in floating point, for the estimate only (never for a decision).
#[inline]
fn divisor_f64(m: Method, k: u64) -> f64 {
    let k = k as f64;
    match m {
        Method::Jefferson | Method::Quota => k + 1.0,
        Method::Webster => k + 0.5,
        Method::ModifiedWebster if k == 0.0 => 0.7,
        Method::ModifiedWebster => k + 0.5,
        Method::Adams => k,
        Method::Dean => k * (k + 1.0) / (k + 0.5),
        Method::HuntingtonHill => (k * (k + 1.0)).sqrt(),
        Method::Hamilton => f64::NAN,
    }
}

/// Fills `k` with a floating-point estimate of the allocation, clamped to the bounds.
/// `hint` is the scale (1/λ) that ended the previous call, if any (sweeps re-apportion similar
/// weights); it is replaced by the last scale tried. The estimate affects only the speed.
fn estimate(m: Method, p: &Problem, k: &mut Vec<u64>, hint: &mut f64) {
    let n = p.len();
    k.clear();
    k.extend_from_slice(p.lower());
    let w_sum: f64 = p.weights().iter().map(|&w| w as f64).sum();
    if w_sum == 0.0 {
        return;
    }
    let total = p.total();
    let mut scale = if hint.is_finite() && *hint > 0.0 { *hint } else { total as f64 / w_sum };
    for _ in 0..4 {
        *hint = scale;
        let (mut sum, mut free_sum, mut clamped) = (0u64, 0u64, 0u64);
        for i in 0..n {
            let q = p.weights()[i] as f64 * scale;
            let mut s = q as u64; // ⌊q⌋ for q ≥ 0 (a cast, not a libm call)
            if divisor_f64(m, s) <= q {
                s += 1;
            }
            let (lo, hi) = (p.lower()[i], p.cap(i));
            k[i] = s.clamp(lo, hi);
            sum += k[i];
            if k[i] == s && lo < hi {
                free_sum += s;
            } else {
                clamped += k[i];
            }
        }
        if sum == total || sum == 0 {
            return;
        }
        // Shift the divisor by the average miss of the units that are not held at a bound.
        let target = total.saturating_sub(clamped) as f64;
        scale *= (target + 0.5) / (free_sum as f64 + 0.5);
    }
}

/// Exact fix-up from any allocation within the bounds to the divisor method's allocation.
fn fix_up(m: Method, p: &Problem, k: &mut [u64]) {
    let total = p.total();
    let mut sum: u64 = k.iter().sum();
    while sum < total {
        let (i, _) = best_next(m, p, k).expect("caps sum to at least the total");
        k[i] += 1;
        sum += 1;
    }
    while sum > total {
        let (j, _) = worst_last(m, p, k).expect("floors sum to at most the total");
        k[j] -= 1;
        sum -= 1;
    }
    while let (Some((i, pi)), Some((j, pj))) = (best_next(m, p, k), worst_last(m, p, k)) {
        if beats(pi, p.weights()[i], i, pj, p.weights()[j], j) {
            k[i] += 1;
            k[j] -= 1;
        } else {
            break;
        }
    }
}

pub(super) fn divisor_method(p: &Problem, m: Method, quotas: Vec<Ratio>) -> Apportionment {
    let mut seats = Vec::with_capacity(p.len());
    estimate(m, p, &mut seats, &mut 0.0);
    fix_up(m, p, &mut seats);
    // The cut-off: weakest served claim vs strongest unserved one, by priority alone.
    let last_in = (0..p.len())
        .filter(|&i| seats[i] > p.lower()[i])
        .map(|i| priority(m, p.weights()[i], seats[i] - 1))
        .min();
    let first_out =
        (0..p.len()).filter(|&i| seats[i] < p.cap(i)).map(|i| priority(m, p.weights()[i], seats[i])).max();
    let mut ties = Vec::new();
    if let (Some(a), Some(b)) = (last_in, first_out) {
        if a.cmp(&b).is_eq() {
            let winners = (0..p.len())
                .filter(|&i| {
                    seats[i] > p.lower()[i] && priority(m, p.weights()[i], seats[i] - 1).cmp(&a).is_eq()
                })
                .collect();
            let losers = (0..p.len())
                .filter(|&i| seats[i] < p.cap(i) && priority(m, p.weights()[i], seats[i]).cmp(&a).is_eq())
                .collect();
            ties.push(Tie { priority: a, winners, losers });
        }
    }
    Apportionment { method: m, seats, quotas, ties, cutoff: Cutoff::Priority { last_in, first_out } }
}

/// Seats only, for sweeps; `hint` carries the scale between calls.
pub(super) fn divisor_seats(p: &Problem, m: Method, out: &mut Vec<u64>, hint: &mut f64) {
    estimate(m, p, out, hint);
    fix_up(m, p, out);
}
