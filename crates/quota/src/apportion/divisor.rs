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
//! affects only the running time, never the result. Sweeps skip the fix-up when the estimate
//! carries a certificate: every quota at least 2^-30 (relative) away from its rounding
//! thresholds, which floating-point error cannot bridge, so the exact condition holds with no
//! tie (see [`estimate`]).

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

/// Relative margin of the certificate in [`estimate`]: far above the few roundings (each at
/// most 2^-53 relative) that separate the floating-point quotas and divisors from the exact
/// ones.
const MARGIN: f64 = 1.0 / (1u64 << 30) as f64;

/// Roundings tried by [`estimate`] before it gives up (the exact fix-up then finishes).
const PASSES: usize = 4;

/// Fills `k` with a floating-point estimate of the allocation, clamped to the bounds, and
/// returns true when the estimate is *certified* to be the method's allocation.
///
/// `hint` is the scale s (= 1/λ) that ended the previous call, if any (sweeps re-apportion
/// similar weights); it is replaced by the last scale tried. Each unit gets the smallest k
/// with `d(k) > q_i`, `q_i = w_i·s`, within its bounds. The certificate: the slots sum to the
/// total, and every unit below its cap has `q_i ≤ d(k_i)·(1 − 2^-30)` and every unit above its
/// floor `q_i ≥ d(k_i − 1)·(1 + 2^-30)`, all in floating point. The computed q_i and bounds
/// d(k)·(1 ± 2^-30) are each within two roundings (relative 2^-52) of their exact values
/// (w_i and s are exact doubles; k(k+1) is exact below 2^26), far inside the margin, so
/// exactly `w_i / d(k_i) < 1/s < w_i / d(k_i − 1)` for every such unit: every unserved
/// priority lies strictly below every served one. That is the method's defining
/// condition with no tie at the cut, so the allocation is the method's, whatever tie-break
/// rule applies — the same answer the exact fix-up would reach. An estimate that misses the
/// margin anywhere is not certified and goes to the exact fix-up.
fn estimate(m: Method, p: &Problem, k: &mut Vec<u64>, hint: &mut f64, t: &mut Vec<f64>) -> bool {
    k.clear();
    k.extend_from_slice(p.lower());
    let w_sum: f64 = p.weights().iter().map(|&w| w as i64 as f64).sum();
    if w_sum == 0.0 {
        return false;
    }
    // d(k) in floating point, one closure per method so that each loop is compiled with its
    // own divisor; every value is within one rounding of the exact d(k) for k < 2^26.
    match m {
        Method::Jefferson | Method::Quota => estimate_with(|k| k + 1.0, p, k, hint, t, w_sum),
        Method::Webster => estimate_with(|k| k + 0.5, p, k, hint, t, w_sum),
        Method::ModifiedWebster => {
            estimate_with(|k| if k == 0.0 { 0.7 } else { k + 0.5 }, p, k, hint, t, w_sum)
        }
        Method::Adams => estimate_with(|k| k, p, k, hint, t, w_sum),
        Method::Dean => estimate_with(|k| k * (k + 1.0) / (k + 0.5), p, k, hint, t, w_sum),
        Method::HuntingtonHill => estimate_with(|k| (k * (k + 1.0)).sqrt(), p, k, hint, t, w_sum),
        Method::Hamilton => false,
    }
}

fn estimate_with(
    d: impl Fn(f64) -> f64,
    p: &Problem,
    k: &mut [u64],
    hint: &mut f64,
    t: &mut Vec<f64>,
    w_sum: f64,
) -> bool {
    let (w, lo, up) = (p.weights(), p.lower(), p.upper());
    let k = &mut k[..w.len()];
    let total = p.total();
    let mut scale = if hint.is_finite() && *hint > 0.0 { *hint } else { total as f64 / w_sum };
    for _ in 0..PASSES {
        *hint = scale;
        let (mut sum, mut free_sum, mut clamped, mut sure) = (0u64, 0u64, 0u64, true);
        for (((x, &wi), &l), &u) in k.iter_mut().zip(w).zip(lo).zip(up) {
            let c = if wi == 0 { l } else { u };
            let q = wi as i64 as f64 * scale;
            // ⌊q⌋ by a cast through i64 (saturating; q ≥ 0), then past d(⌊q⌋) if q reaches it.
            let mut s = q as i64 as u64;
            let ds = d(s as i64 as f64);
            if ds <= q {
                s += 1;
            }
            *x = s.clamp(l, c);
            sum += *x;
            if *x == s && l < c {
                free_sum += s;
            } else {
                clamped += *x;
            }
            let xf = *x as i64 as f64;
            sure &= (*x >= c) | (q <= d(xf) * (1.0 - MARGIN));
            sure &= (*x <= l) | (q >= d(xf - 1.0) * (1.0 + MARGIN));
        }
        if sum == total {
            return sure;
        }
        // Move the scale to where the missing slots change hands: between the r-th and
        // (r+1)-th nearest thresholds d(k)/w_i of the units that can gain (or lose) one slot.
        let adding = sum < total;
        let r = total.abs_diff(sum) as usize;
        t.clear();
        for ((&x, &wi), (&l, &u)) in k.iter().zip(w).zip(lo.iter().zip(up)) {
            // Units of weight 0 sit at their floor, which is also their cap.
            if wi > 0 && if adding { x < u } else { x > l } {
                let xf = x as i64 as f64;
                t.push(if adding { d(xf) } else { -d(xf - 1.0) } / wi as i64 as f64);
            }
        }
        if t.len() <= r {
            // Far off (several slots per unit): shift the divisor by the average miss of the
            // units that are not held at a bound (in proportion when every unit is held).
            let target = total.saturating_sub(clamped) as f64;
            scale *= match free_sum {
                0 => total as f64 / sum.max(1) as f64,
                _ => (target + 0.5) / (free_sum as f64 + 0.5),
            };
            continue;
        }
        // More candidates than slots to move: the (r+1)-th exists.
        t.select_nth_unstable_by(r - 1, f64::total_cmp);
        let next = t[r..].iter().copied().fold(f64::INFINITY, f64::min);
        let cut = 0.5 * (t[r - 1] + next);
        scale = if adding { cut } else { -cut };
        if !(scale.is_finite() && scale > 0.0) {
            return false;
        }
    }
    false
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
    estimate(m, p, &mut seats, &mut 0.0, &mut Vec::new());
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

/// Seats only, for sweeps; `hint` carries the scale between calls. A certified estimate is
/// the answer; any other goes through the exact fix-up.
pub(super) fn divisor_seats(p: &Problem, m: Method, out: &mut Vec<u64>, hint: &mut f64, t: &mut Vec<f64>) {
    if !estimate(m, p, out, hint, t) {
        fix_up(m, p, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Webster, total 2: A's second claim w_A/1.5 = 2M + 2/3 against B's first w_B/0.5 = 2M.
    /// A takes both slots; the gap is 1/(3M) relative.
    fn near_tie(m: u64) -> Problem {
        Problem::new(vec![3 * m + 1, m], 2).unwrap()
    }

    #[test]
    fn the_certificate_refuses_a_quota_within_its_margin_of_a_threshold() {
        let (mut k, mut t) = (Vec::new(), Vec::new());
        // Gap 3·10^-12, inside the 2^-30 margin: not certified, the exact fix-up decides.
        let p = near_tie(100_000_000_000);
        assert!(!estimate(Method::Webster, &p, &mut k, &mut 0.0, &mut t));
        let mut out = Vec::new();
        divisor_seats(&p, Method::Webster, &mut out, &mut 0.0, &mut t);
        assert_eq!(out, [2, 0]);
        // Gap 3·10^-4: certified, same answer.
        let p = near_tie(1000);
        assert!(estimate(Method::Webster, &p, &mut k, &mut 0.0, &mut t));
        assert_eq!(k, [2, 0]);
    }

    #[test]
    fn a_missed_total_moves_the_scale_between_the_next_thresholds() {
        // At the hint 0.0215 the quotas 10.75, 6.45, 3.225, 1.075 round to 21 slots. The unit
        // to lose one is the one whose threshold d(k−1)/w is highest: 10.5/500 = 0.021, next
        // 5.5/300 ≈ 0.01833; the midpoint rounds to the total and certifies.
        let p = Problem::new(vec![500, 300, 150, 50], 20).unwrap();
        let (mut k, mut t) = (Vec::new(), Vec::new());
        let mut hint = 0.0215;
        assert!(estimate(Method::Webster, &p, &mut k, &mut hint, &mut t));
        assert_eq!(k, [10, 6, 3, 1]);
        assert!((hint - 0.5 * (0.021 + 5.5 / 300.0)).abs() < 1e-15, "{hint}");
        // Far off, every unit held at its cap (20): proportional steps first.
        let mut hint = 1.0;
        assert!(estimate(Method::Webster, &p, &mut k, &mut hint, &mut t));
        assert_eq!(k, [10, 6, 3, 1]);
    }
}
