//! The audit trail of an apportionment, step by step in the method's own terms.
//!
//! Every method starts from the quotas after floors and caps ([`bounded_quotas`]): units whose
//! proportional share would fall below their floor or above their cap are held there, and the
//! rest share what is left in proportion to their weights, `q*_i = μ·W_i`. Then:
//!
//! - **Hamilton** (largest remainder): each unit gets `⌊q*_i⌋`; the `L = N − Σ⌊q*⌋` slots
//!   left go to the `L` largest remainders `q*_i − ⌊q*_i⌋`. The trail lists the whole parts,
//!   the remainders as exact fractions, their ranking and the cut-off.
//! - **Divisor methods**: a threshold `T` such that a unit holding k slots is served its next
//!   one exactly when its priority `W/d(k)` is at least `T` — equivalently a divisor `D = T`
//!   with each unit getting as many slots as its quotient `W/D` clears rounding thresholds
//!   `d(0), d(1), …` — clamped to the unit's floor and cap. The trail gives `T` (chosen as a
//!   round number between the last claim served and the first one not served), each unit's
//!   quotient and count. Huntington–Hill priorities are compared as squares `W²/(k(k+1))`
//!   (exact integers); its `T` is a square `D²` and quotients are `W/D`.
//! - **Quota method**: the slot-by-slot sequence from the floors up: at each house size, the
//!   units eligible under the upper-quota condition and the one with the largest Jefferson
//!   priority `W/(k+1)` that got the slot.
//!
//! Ties are those the method reported, decided by [`TIE_BREAK_RULE`].

use serde::Serialize;

use super::{beats, effective_cap, BoundState, Exact};
use crate::apportion::{
    apportion, bounded_quotas, divisor, priority, Apportionment, Cutoff, Method, Problem, Ratio,
};
use crate::apportion::{MAX_SEATS, TIE_BREAK_RULE};

/// One unit's line of the trail (common to every method).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrailUnit {
    /// Integer weight `W_i = round(10^12 · share_i)`.
    pub weight: u64,
    /// Floor.
    pub floor: u64,
    /// Effective cap (at most the total; the floor for a unit of weight 0).
    pub cap: u64,
    /// Quota after floors and caps, `q*_i`.
    pub quota: Exact,
    /// Whether a bound holds the quota.
    pub bound: BoundState,
    /// Slots the method gave.
    pub seats: u64,
}

/// A tie that decided slots, with the priority as an exact fraction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TieRecord {
    /// The tied priority (remainder, or quotient; squared for Huntington–Hill).
    pub priority: Exact,
    /// Units that got the slot(s).
    pub winners: Vec<usize>,
    /// Units with the same priority that did not.
    pub losers: Vec<usize>,
}

/// Hamilton's steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HamiltonTrail {
    /// `⌊q*_i⌋` per unit.
    pub whole: Vec<u64>,
    /// `q*_i − ⌊q*_i⌋` per unit, exact.
    pub remainders: Vec<Exact>,
    /// `Σ⌊q*_i⌋`.
    pub whole_sum: u64,
    /// `L = N − Σ⌊q*_i⌋`, the slots given by remainder.
    pub left: u64,
    /// Units with a positive remainder, best claim first (remainder, then the tie-break).
    pub ranking: Vec<usize>,
    /// The smallest remainder that got a slot.
    pub last_in: Option<Exact>,
    /// The largest remainder that did not.
    pub first_out: Option<Exact>,
}

/// A divisor method's steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivisorTrail {
    /// The divisors `d(k)` in words.
    pub divisors: &'static str,
    /// Whether priorities and the threshold are squares (Huntington–Hill).
    pub squared: bool,
    /// The threshold `T`: a claim of priority ≥ T is served (> T when `tied`, the tie being
    /// decided by the rule).
    pub threshold: Exact,
    /// The divisor `D` (`T`, or `√T` for Huntington–Hill when it is rational).
    pub divisor: Option<Exact>,
    /// `D` as a decimal (also when irrational).
    pub divisor_approx: f64,
    /// Each unit's quotient `W_i / D` (exact when `D` is rational).
    pub quotients: Vec<Option<Exact>>,
    /// Each quotient as a decimal.
    pub quotients_approx: Vec<f64>,
    /// Slots by the divisor alone, before floors and caps: the number of k ≥ 0 with
    /// `W/d(k) ≥ T` (at most `MAX_SEATS + 1`).
    pub counts: Vec<u64>,
    /// The weakest served claim's priority (above floors).
    pub last_in: Option<Exact>,
    /// The strongest unserved claim's priority (below caps).
    pub first_out: Option<Exact>,
    /// Whether the last served and first unserved claims tie (no divisor separates them).
    pub tied: bool,
}

/// One slot of the quota method's sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaStep {
    /// House size after this slot.
    pub house: u64,
    /// Unit that got it.
    pub unit: usize,
    /// Which of the unit's slots it is (k+1).
    pub unit_slot: u64,
    /// Its Jefferson priority `W/(k+1)`.
    pub priority: Exact,
    /// How many units were eligible.
    pub eligible: usize,
    /// Whether floors or caps left no unit eligible, so the quota condition was waived.
    pub waived: bool,
}

/// The quota method's steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaTrail {
    /// House size after the floors (Σ floors), where the sequence starts.
    pub start: u64,
    /// Every slot given after the floors, in order.
    pub steps: Vec<QuotaStep>,
}

/// The method-specific part of a trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MethodTrail {
    /// Hamilton.
    LargestRemainder(HamiltonTrail),
    /// Jefferson, Webster, Huntington–Hill, Adams, Dean, modified Webster.
    Divisor(DivisorTrail),
    /// The quota method.
    Sequential(QuotaTrail),
}

/// The audit trail of one apportionment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trail {
    /// Method.
    #[serde(serialize_with = "super::method_name")]
    pub method: Method,
    /// Total N.
    pub total: u64,
    /// `ΣW`.
    pub weight_sum: u128,
    /// Slots shared in proportion by the free units, `R = N − Σ(bound units' quotas)`.
    pub free_slots: u64,
    /// Weight of the free units, `W_free`.
    pub free_weight: u128,
    /// `μ = R / W_free`, so a free unit's quota is `μ·W_i` (None when no unit is free).
    pub scale: Option<Exact>,
    /// Per unit, in input order.
    pub units: Vec<TrailUnit>,
    /// The method's steps.
    pub steps: MethodTrail,
    /// Ties that decided slots.
    pub ties: Vec<TieRecord>,
    /// The tie-break rule.
    pub tie_rule: &'static str,
}

impl Trail {
    /// The slots per unit.
    pub fn seats(&self) -> Vec<u64> {
        self.units.iter().map(|u| u.seats).collect()
    }
}

/// The divisors of a method in words.
pub fn divisors_in_words(m: Method) -> &'static str {
    match m {
        Method::Jefferson | Method::Quota => "d(k) = k + 1",
        Method::Webster => "d(k) = k + 1/2",
        Method::HuntingtonHill => "d(k) = √(k(k+1)); compared as squares k(k+1)",
        Method::Adams => "d(k) = k (a first slot has infinite priority)",
        Method::Dean => "d(k) = k(k+1)/(k + 1/2)",
        Method::ModifiedWebster => "d(0) = 0.7, then d(k) = k + 1/2",
        Method::Hamilton => "none (largest remainder)",
    }
}

/// Classifies each unit's quota as free or held at a bound; returns the states, `R`,
/// `W_free` and `μ = R / W_free`.
pub fn bound_states(p: &Problem, quotas: &[Ratio]) -> (Vec<BoundState>, u64, u128, Option<Ratio>) {
    let n = p.len();
    let den = quotas[0].den;
    // A unit strictly inside its bounds fixes μ = q*_f / W_f (all quotas share one denominator).
    let reference = (0..n).find(|&i| {
        let q = quotas[i].num;
        p.weights()[i] > 0 && q > p.lower()[i] as u128 * den && q < effective_cap(p, i) as u128 * den
    });
    let mut states = vec![BoundState::Free; n];
    for i in 0..n {
        let (q, w) = (quotas[i].num, p.weights()[i] as u128);
        let (lo, hi) = (p.lower()[i] as u128 * den, effective_cap(p, i) as u128 * den);
        states[i] = if w == 0 {
            BoundState::AtFloor
        } else if let Some(f) = reference {
            // μ·W_i compared with q*_i: q*_f·W_i vs q*_i·W_f.
            let share = quotas[f].num * w;
            let held = q * p.weights()[f] as u128;
            if q == hi && share > held {
                BoundState::AtCap
            } else if q == lo && share < held {
                BoundState::AtFloor
            } else {
                BoundState::Free
            }
        } else if q == hi && q != lo {
            BoundState::AtCap
        } else if q == lo {
            BoundState::AtFloor
        } else {
            BoundState::Free
        };
    }
    let bound_slots: u128 =
        (0..n).filter(|&i| states[i] != BoundState::Free).map(|i| quotas[i].num / den.max(1)).sum();
    let free_slots = (p.total() as u128 - bound_slots) as u64;
    let free_weight: u128 =
        (0..n).filter(|&i| states[i] == BoundState::Free).map(|i| p.weights()[i] as u128).sum();
    let scale = (free_weight > 0).then(|| Ratio::new(free_slots as u128, free_weight).reduced());
    (states, free_slots, free_weight, scale)
}

/// The audit trail of `apportion(p, method)`.
pub fn trail(p: &Problem, method: Method) -> Trail {
    let a = apportion(p, method);
    let quotas = bounded_quotas(p);
    let (states, free_slots, free_weight, scale) = bound_states(p, &quotas);
    let units = (0..p.len())
        .map(|i| TrailUnit {
            weight: p.weights()[i],
            floor: p.lower()[i],
            cap: effective_cap(p, i),
            quota: Exact(quotas[i]),
            bound: states[i],
            seats: a.seats[i],
        })
        .collect();
    let steps = match method {
        Method::Hamilton => MethodTrail::LargestRemainder(hamilton_trail(p, &quotas)),
        Method::Quota => MethodTrail::Sequential(quota_trail(p)),
        m => MethodTrail::Divisor(divisor_trail(p, m, &a)),
    };
    let ties = a
        .ties
        .iter()
        .map(|t| TieRecord {
            priority: Exact(t.priority),
            winners: t.winners.clone(),
            losers: t.losers.clone(),
        })
        .collect();
    Trail {
        method,
        total: p.total(),
        weight_sum: p.weight_sum(),
        free_slots,
        free_weight,
        scale: scale.map(Exact),
        units,
        steps,
        ties,
        tie_rule: TIE_BREAK_RULE,
    }
}

/// Hamilton from the quotas: whole parts, remainders, ranking, cut-off.
pub fn hamilton_trail(p: &Problem, quotas: &[Ratio]) -> HamiltonTrail {
    let n = p.len();
    let den = quotas[0].den;
    let whole: Vec<u64> = quotas.iter().map(|q| (q.num / den) as u64).collect();
    let rem: Vec<u128> = quotas.iter().map(|q| q.num % den).collect();
    let whole_sum: u64 = whole.iter().sum();
    let left = p.total() - whole_sum;
    let mut ranking: Vec<usize> = (0..n).filter(|&i| rem[i] > 0).collect();
    ranking.sort_by(|&i, &j| rem[j].cmp(&rem[i]).then(p.weights()[j].cmp(&p.weights()[i])).then(i.cmp(&j)));
    let l = left as usize;
    HamiltonTrail {
        whole,
        remainders: rem.iter().map(|&r| Exact(Ratio::new(r, den))).collect(),
        whole_sum,
        left,
        ranking: ranking.clone(),
        last_in: l.checked_sub(1).map(|k| Exact(Ratio::new(rem[ranking[k]], den))),
        first_out: ranking.get(l).map(|&i| Exact(Ratio::new(rem[i], den))),
    }
}

/// Hamilton's slots from its trail: whole parts plus one for each of the `left` best ranked.
pub fn hamilton_seats_from(t: &HamiltonTrail) -> Vec<u64> {
    let mut seats = t.whole.clone();
    for &i in &t.ranking[..t.left as usize] {
        seats[i] += 1;
    }
    seats
}

/// The number of k in `0..=MAX_SEATS` with `priority(W, k) ≥ T` (or `> T` when `strict`).
/// Priorities fall as k grows, so this is a binary search.
pub fn count_at_least(m: Method, w: u64, t: Ratio, strict: bool) -> u64 {
    let clears = |k: u64| {
        let pr = priority(m, w, k);
        if strict {
            pr > t
        } else {
            pr >= t
        }
    };
    if w == 0 {
        // 0/d(k): only Adams' 0/0 at k = 0 counts as infinite; it is clamped to the floor anyway.
        return u64::from(clears(0));
    }
    let (mut lo, mut hi) = (0u64, MAX_SEATS + 1);
    if clears(hi) {
        return hi + 1;
    }
    // Invariant: every k < lo clears; hi does not.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if clears(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// A round number `T` with `lo < T ≤ hi` (`lo` absent: `T > 0`; `hi` absent: unbounded):
/// the multiple of the largest power of ten that fits, or `hi` itself if no integer fits.
/// With `squared`, `T = D²` for a round integer `D`, when one fits.
pub fn round_threshold(lo: Option<Ratio>, hi: Option<Ratio>, squared: bool) -> Ratio {
    let lo_floor = lo.map_or(0, |r| r.floor());
    let above_lo = |c: u128| -> bool {
        let t = if squared { c * c } else { c };
        c >= 1 && lo.is_none_or(|l| Ratio::new(t, 1) > l)
    };
    let hi = hi.filter(|h| !h.is_infinite());
    let top = match hi {
        Some(h) => {
            let f = h.floor();
            if squared {
                f.isqrt()
            } else {
                f
            }
        }
        None => {
            // Unbounded above: the smallest round number above lo.
            let f = if squared { lo_floor.isqrt() + 1 } else { lo_floor + 1 };
            let p = 10u128.pow(f.ilog10());
            let c = f.div_ceil(p) * p;
            return if squared { Ratio::new(c * c, 1) } else { Ratio::new(c, 1) };
        }
    };
    let mut p = if top == 0 { 1 } else { 10u128.pow(top.ilog10()) };
    loop {
        let c = top / p * p;
        if above_lo(c) {
            return if squared { Ratio::new(c * c, 1) } else { Ratio::new(c, 1) };
        }
        if p == 1 {
            break;
        }
        p /= 10;
    }
    hi.expect("bounded above here").reduced()
}

fn divisor_trail(p: &Problem, m: Method, a: &Apportionment) -> DivisorTrail {
    let n = p.len();
    let (last_in, first_out) = match a.cutoff {
        Cutoff::Priority { last_in, first_out } => (last_in, first_out),
        Cutoff::Remainder { .. } => unreachable!("a divisor method reports priorities"),
    };
    let squared = m == Method::HuntingtonHill;
    // Tied: the weakest served and strongest unserved claims are equal, so no threshold
    // separates them; also when an unserved claim is infinite (Adams' first slot of a unit
    // held at its floor), which no finite threshold can exclude. Then a claim is served when
    // it is above T, or equal to T and the tie-break gave it the slot.
    let tied = matches!((last_in, first_out), (Some(a), Some(b)) if a == b)
        || first_out.is_some_and(|f| f.is_infinite());
    let threshold =
        if tied { first_out.expect("tied").reduced() } else { round_threshold(first_out, last_in, squared) };
    // D: T itself, or √T for Huntington–Hill when T is a square of a rational.
    let divisor = if !squared {
        Some(threshold)
    } else {
        let (a, b) = (threshold.num.isqrt(), threshold.den.isqrt());
        (a * a == threshold.num && b * b == threshold.den).then(|| Ratio::new(a, b))
    };
    let divisor_approx = match divisor {
        Some(d) => d.to_f64(),
        None => threshold.to_f64().sqrt(),
    };
    let winners: Vec<usize> = a.ties.iter().flat_map(|t| t.winners.iter().copied()).collect();
    let counts = (0..n)
        .map(|i| {
            let w = p.weights()[i];
            if tied {
                count_at_least(m, w, threshold, true) + u64::from(winners.contains(&i))
            } else {
                count_at_least(m, w, threshold, false)
            }
        })
        .collect();
    let quotients: Vec<Option<Exact>> = (0..n)
        .map(|i| divisor.map(|d| Exact(Ratio::new(p.weights()[i] as u128 * d.den, d.num).reduced())))
        .collect();
    let quotients_approx = (0..n).map(|i| p.weights()[i] as f64 / divisor_approx).collect();
    DivisorTrail {
        divisors: divisors_in_words(m),
        squared,
        threshold: Exact(threshold),
        divisor: divisor.map(Exact),
        divisor_approx,
        quotients,
        quotients_approx,
        counts,
        last_in: last_in.map(Exact),
        first_out: first_out.map(Exact),
        tied,
    }
}

/// Slots of a divisor method from its trail: each count clamped to the unit's floor and cap.
pub fn divisor_seats_from(t: &DivisorTrail, units: &[TrailUnit]) -> Vec<u64> {
    t.counts.iter().zip(units).map(|(&c, u)| c.clamp(u.floor, u.cap)).collect()
}

/// The quota method's sequence, simulated by its rule (Balinski & Young 1975).
pub fn quota_trail(p: &Problem) -> QuotaTrail {
    let n = p.len();
    let w_sum = p.weight_sum();
    let mut k: Vec<u64> = p.lower().to_vec();
    let start: u64 = k.iter().sum();
    let mut h = start;
    let mut steps = Vec::with_capacity((p.total() - start) as usize);
    while h < p.total() {
        let eligible: Vec<usize> = (0..n)
            .filter(|&i| {
                k[i] < effective_cap(p, i)
                    && (k[i] as u128) * w_sum < (h as u128 + 1) * p.weights()[i] as u128
            })
            .collect();
        let waived = eligible.is_empty();
        let pool: Vec<usize> =
            if waived { (0..n).filter(|&i| k[i] < effective_cap(p, i)).collect() } else { eligible };
        let pr = |i: usize| priority(Method::Jefferson, p.weights()[i], k[i]);
        let mut best = pool[0];
        for &i in &pool[1..] {
            if beats(pr(i), p.weights()[i], i, pr(best), p.weights()[best], best) {
                best = i;
            }
        }
        steps.push(QuotaStep {
            house: h + 1,
            unit: best,
            unit_slot: k[best] + 1,
            priority: Exact(pr(best)),
            eligible: pool.len(),
            waived,
        });
        k[best] += 1;
        h += 1;
    }
    QuotaTrail { start, steps }
}

/// The quota method's slots from its sequence: floors plus one per step won.
pub fn quota_seats_from(t: &QuotaTrail, floors: &[u64]) -> Vec<u64> {
    let mut seats = floors.to_vec();
    for s in &t.steps {
        seats[s.unit] += 1;
    }
    seats
}

/// The divisor `d(k)` as a decimal (for display; √ for Huntington–Hill).
pub fn divisor_value(m: Method, k: u64) -> Option<f64> {
    divisor(m, k)
        .map(|(a, b)| if m == Method::HuntingtonHill { (a as f64).sqrt() } else { a as f64 / b as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_thresholds_fall_in_their_interval() {
        let t = round_threshold(Some(Ratio::new(962_345_678, 1)), Some(Ratio::new(963_000_001, 1)), false);
        assert_eq!(t, Ratio::new(963_000_000, 1));
        // No integer between: the upper end itself.
        let t = round_threshold(Some(Ratio::new(1, 3)), Some(Ratio::new(1, 2)), false);
        assert_eq!(t, Ratio::new(1, 2));
        // Squared: D² in (lo, hi].
        let t = round_threshold(Some(Ratio::new(99, 1)), Some(Ratio::new(150, 1)), true);
        assert_eq!(t, Ratio::new(100, 1));
        // Unbounded above.
        let t = round_threshold(Some(Ratio::new(1234, 1)), None, false);
        assert_eq!(t, Ratio::new(2000, 1));
        let t = round_threshold(None, Some(Ratio::new(57, 1)), false);
        assert_eq!(t, Ratio::new(50, 1));
    }

    #[test]
    fn counts_are_the_rounded_quotients() {
        // Webster: W/D = 3.5 clears d(0..=3) = 0.5, 1.5, 2.5, 3.5 → 4.
        assert_eq!(count_at_least(Method::Webster, 35, Ratio::new(10, 1), false), 4);
        assert_eq!(count_at_least(Method::Webster, 35, Ratio::new(10, 1), true), 3);
        // Jefferson: ⌊W/D⌋.
        assert_eq!(count_at_least(Method::Jefferson, 39, Ratio::new(10, 1), false), 3);
        // Adams: ⌈W/D⌉.
        assert_eq!(count_at_least(Method::Adams, 31, Ratio::new(10, 1), false), 4);
        // Huntington–Hill: W = 25, D² = 100: 2.5 ≥ √(2·3) = 2.449 → 3 slots.
        assert_eq!(count_at_least(Method::HuntingtonHill, 25, Ratio::new(100, 1), false), 3);
    }

    #[test]
    fn bound_states_name_the_binding_bounds() {
        // Shares 8, 1, 1 of 10; cap 4 on the first: it is at its cap, the others free, μ = 6/2.
        let p =
            Problem::with_bounds(vec![8, 1, 1], vec![0; 3], vec![4, 10, 10], 10, &|i| i.to_string()).unwrap();
        let (s, r, wf, mu) = bound_states(&p, &bounded_quotas(&p));
        assert_eq!(s, vec![BoundState::AtCap, BoundState::Free, BoundState::Free]);
        assert_eq!((r, wf), (6, 2));
        assert_eq!(mu, Some(Ratio::new(3, 1)));
    }
}
