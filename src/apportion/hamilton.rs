//! Hamilton's method (largest remainder, Hare quota).
//!
//! Each unit first gets the whole part of its quota `⌊q*_i⌋` (quotas after floors and caps,
//! see [`bounded_quotas`](super::bounded_quotas)); the slots left over go one each to the units
//! with the largest fractional remainders. Remainders share one denominator and are compared
//! as integers. Reference: Balinski & Young, *Fair Representation*, ch. 2; it is the method of
//! the U.S. House 1850–1900 ("Vinton's method").

use std::cmp::Ordering;

use super::bounded::{bounded_quota_numerators_into, bounded_regime};
use super::ratio::{div_rem, Ratio};
use super::{Apportionment, Cutoff, Problem, Scratch, Tie, MAX_SEATS};

/// Orders claims: larger remainder first, then larger weight, then earlier unit.
#[inline]
fn claim_order(a: &(u128, u64, usize), b: &(u128, u64, usize)) -> Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
}

pub(super) fn hamilton(p: &Problem, quotas: Vec<Ratio>) -> Apportionment {
    let n = p.len();
    let den = quotas[0].den;
    let mut seats = vec![0u64; n];
    let mut claims: Vec<(u128, u64, usize)> = Vec::new();
    let mut given = 0u64;
    for i in 0..n {
        let (whole, rem) = div_rem(quotas[i].num, den);
        seats[i] = whole as u64;
        given += seats[i];
        if rem > 0 {
            claims.push((rem, p.weights()[i], i));
        }
    }
    let left = (p.total() - given) as usize;
    claims.sort_by(claim_order);
    for c in &claims[..left] {
        seats[c.2] += 1;
    }
    let last_in = left.checked_sub(1).map(|k| claims[k].0);
    let first_out = claims.get(left).map(|c| c.0);
    let mut ties = Vec::new();
    if let (Some(a), Some(b)) = (last_in, first_out) {
        if a == b {
            ties.push(Tie {
                priority: Ratio::new(a, den),
                winners: claims[..left].iter().filter(|c| c.0 == a).map(|c| c.2).collect(),
                losers: claims[left..].iter().filter(|c| c.0 == a).map(|c| c.2).collect(),
            });
        }
    }
    Apportionment {
        method: super::Method::Hamilton,
        seats,
        quotas,
        ties,
        cutoff: Cutoff::Remainder {
            last_in: last_in.map(|r| Ratio::new(r, den)),
            first_out: first_out.map(|r| Ratio::new(r, den)),
        },
    }
}

/// Bits of a packed claim key that hold the unit index (the rest: the remainder).
const INDEX_BITS: u32 = 24;

/// Hamilton seats only, reusing `scratch`; no allocation once the buffers have grown.
///
/// The quotas come from the bounded-quota regime (free units `R·w_i / W_F`, the others their
/// bound). When every numerator fits in 64 bits — always for weights from
/// [`integer_weights`](crate::scoring::integer_weights) — [`seats_in_u64`] divides by a
/// reciprocal (corrected to the exact quotient) and picks the largest remainders against the
/// previous call's cut. Otherwise, or when equal remainders straddle the cut, the claims are
/// ranked by [`claim_order`] (remainder, weight, index) over 128-bit numerators.
pub(super) fn hamilton_seats(p: &Problem, scratch: &mut Scratch, out: &mut Vec<u64>) {
    let n = p.len();
    let total = p.total() as u128;
    let w_sum = p.weight_sum();
    // q_i = N·w_i/Σw within [l_i, c_i] for every unit ⇔ no bound binds (checked by products).
    // When the previous call needed the bounded regime, go straight to it (it also covers the
    // case where no bound binds: every unit is then free).
    let fits = w_sum > 0
        && scratch.mu <= 0.0
        && (0..n).all(|i| {
            let nw = total * p.weights()[i] as u128;
            p.lower()[i] as u128 * w_sum <= nw && nw <= p.cap(i) as u128 * w_sum
        });
    let regime = if fits {
        scratch.regime.clear();
        scratch.regime.resize(n, 0);
        Some((total, w_sum))
    } else {
        bounded_regime(p, &mut scratch.regime, &mut scratch.mu)
    };
    if let Some((rest, free)) = regime {
        // rest ≤ N ≤ MAX_SEATS, so every numerator below fits in 64 bits.
        if free <= (u64::MAX / MAX_SEATS) as u128
            && free < 1 << (64 - INDEX_BITS)
            && (n as u64) < 1 << INDEX_BITS
            && seats_in_u64(
                p,
                &scratch.regime,
                rest as u64,
                free as u64,
                &mut scratch.keys,
                &mut scratch.cut,
                out,
            )
        {
            return;
        }
    }
    // The general exact path (water-filling, then the breakpoint search) when the guess fails.
    let den = match regime {
        Some((_, free)) => free,
        None => bounded_quota_numerators_into(p, &mut scratch.state, &mut scratch.nums),
    };
    let (state, nums) = (&scratch.regime, &scratch.nums);
    let numerator = |i: usize| -> u128 {
        match regime {
            Some((rest, free)) => match state[i] {
                0 => rest * p.weights()[i] as u128,
                1 => p.lower()[i] as u128 * free,
                _ => p.cap(i) as u128 * free,
            },
            None => nums[i],
        }
    };
    out.clear();
    let mut given = 0u64;
    scratch.order.clear();
    for i in 0..n {
        let (whole, rem) = div_rem(numerator(i), den);
        out.push(whole as u64);
        given += whole as u64;
        if rem > 0 {
            scratch.order.push((rem, p.weights()[i], i));
        }
    }
    let left = (p.total() - given) as usize;
    if left == 0 {
        return;
    }
    if left < scratch.order.len() {
        scratch.order.select_nth_unstable_by(left - 1, claim_order);
    }
    for c in &scratch.order[..left] {
        out[c.2] += 1;
    }
}

/// `(⌊a / b⌋, a mod b)` from `inv` = 1/b in floating point, corrected exactly: for
/// a < 2^63 and a quotient below 2^32 the estimate is within one of the quotient. The
/// conversions go through i64 (exact here), single instructions where u64 ↔ f64 is not.
#[inline]
fn div_by_reciprocal(a: u64, b: u64, inv: f64) -> (u64, u64) {
    let (a, b) = (a as i64, b as i64);
    let mut q = (a as f64 * inv) as i64;
    let mut r = a - q * b;
    if r < 0 {
        q -= 1;
        r += b;
    } else if r >= b {
        q += 1;
        r -= b;
    }
    (q as u64, r as u64)
}

/// Hamilton's seats for a verified regime (`state`: 0 free, 1 at floor, 2 at cap; free units'
/// quotas `rest·w_i / free`) when every numerator fits in 64 bits (`free` < 2^40).
///
/// The `left` slots after the whole parts go to the largest remainders. They are found by a
/// threshold t with exactly `left` remainders above it: such a t exists unless equal
/// remainders straddle the cut, and then the claims above it are the winners with no tie to
/// break (equal remainders fall on the same side). The search starts from the previous call's
/// cut (`cut`, a fraction of the denominator) and moves by the expected count of remainders
/// (about uniform) in a shrinking bracket; after a few misses a selection over one `u64` key per
/// claim (remainder above the complement of the index, so all keys differ) finds the winners.
/// Returns false, with `out` unspecified, when equal remainders straddle the cut: the weight
/// then breaks the tie, which the caller's general path does.
fn seats_in_u64(
    p: &Problem,
    state: &[u8],
    rest: u64,
    free: u64,
    keys: &mut Vec<u64>,
    cut: &mut f64,
    out: &mut Vec<u64>,
) -> bool {
    const MASK: u64 = (1 << INDEX_BITS) - 1;
    /// Threshold steps tried before the selection.
    const PROBES: usize = 4;
    let (w, lo, up) = (p.weights(), p.lower(), p.upper());
    let n = w.len();
    let inv = 1.0 / free as i64 as f64;
    out.clear();
    out.resize(n, 0);
    keys.clear();
    keys.resize(n, 0);
    let (mut given, mut claims) = (0u64, 0u64);
    for (i, ((((x, k), &s), &wi), (&l, &u))) in
        out.iter_mut().zip(keys.iter_mut()).zip(state).zip(w).zip(lo.iter().zip(up)).enumerate()
    {
        // At a bound: the floor (also for weight 0), else the cap; free: rest·w_i.
        let bound = if s == 1 || wi == 0 { l } else { u };
        let num = if s == 0 { rest * wi } else { bound * free };
        let (whole, rem) = div_by_reciprocal(num, free, inv);
        *x = whole;
        given += whole;
        claims += u64::from(rem > 0);
        // A zero remainder ranks below every claim and never wins: the fractional parts sum
        // to `left`, so more than `left` of them are positive.
        *k = rem << INDEX_BITS | (MASK - i as u64);
    }
    let left = p.total() - given;
    if left == 0 {
        return true;
    }
    let above = |t: u64| -> u64 {
        let key = t << INDEX_BITS | MASK;
        keys.iter().map(|&k| u64::from(k > key)).sum()
    };
    // Count(t) falls as t rises: keep lo_t < t* ≤ hi_t with count(lo_t) > left > count(hi_t).
    let (mut lo_t, mut hi_t) = (0u64, free);
    let mut t = ((*cut * free as i64 as f64) as u64).clamp(1, free - 1);
    let mut found = None;
    for _ in 0..PROBES {
        let c = above(t);
        if c == left {
            found = Some(t);
            break;
        }
        // Remainders are about uniform on [0, free): each unit of count is free/claims wide.
        let step = free / claims.max(1);
        if c > left {
            lo_t = t;
            t = t.saturating_add((c - left) * step);
        } else {
            hi_t = t;
            t = t.saturating_sub((left - c) * step);
        }
        if t <= lo_t || t >= hi_t {
            t = lo_t + (hi_t - lo_t) / 2;
        }
    }
    let (last_in, first_out) = match found {
        Some(t) => {
            let key = t << INDEX_BITS | MASK;
            let (mut last_in, mut first_out) = (u64::MAX, 0u64);
            for (x, &k) in out.iter_mut().zip(keys.iter()) {
                let win = k > key;
                *x += u64::from(win);
                last_in = if win { last_in.min(k) } else { last_in };
                first_out = if win { first_out } else { first_out.max(k) };
            }
            (last_in >> INDEX_BITS, first_out >> INDEX_BITS)
        }
        None => {
            let (len, left) = (keys.len(), left as usize);
            keys.select_nth_unstable(len - left);
            let last_in = keys[len - left..].iter().min().expect("left ≥ 1") >> INDEX_BITS;
            let first_out = keys[..len - left].iter().max().expect("left < len") >> INDEX_BITS;
            if last_in == first_out {
                return false;
            }
            for &k in &keys[len - left..] {
                out[(MASK - (k & MASK)) as usize] += 1;
            }
            (last_in, first_out)
        }
    };
    // Next time, start midway between the last winner and the first loser.
    *cut = (last_in + first_out) as f64 * 0.5 * inv;
    true
}
