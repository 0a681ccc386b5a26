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
use super::{Apportionment, Cutoff, Problem, Scratch, Tie};

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
/// Claims are ranked by one `u64` key per unit when the common denominator is below 2^40
/// (always, for weights from [`integer_weights`](crate::scoring::integer_weights)): remainder
/// above the complement of the index. Otherwise, or when equal remainders straddle the cut,
/// the claims are ranked by [`claim_order`] (remainder, weight, index).
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
    let regime = if fits { None } else { bounded_regime(p, &mut scratch.regime, &mut scratch.mu) };
    // The general exact path (water-filling, then the breakpoint search) when the guess fails.
    let general = !fits && regime.is_none();
    let den = match regime {
        Some((_, free)) => free,
        None if general => bounded_quota_numerators_into(p, &mut scratch.state, &mut scratch.nums),
        None => w_sum,
    };
    let (state, nums) = (&scratch.regime, &scratch.nums);
    let numerator = |i: usize| -> u128 {
        match regime {
            Some((rest, free)) => match state[i] {
                0 => rest * p.weights()[i] as u128,
                1 => p.lower()[i] as u128 * free,
                _ => p.cap(i) as u128 * free,
            },
            None if general => nums[i],
            None => total * p.weights()[i] as u128,
        }
    };
    out.clear();
    let mut given = 0u64;
    // Packed keys: remainder (< 2^40) above the complement of the index (24 bits). The weight
    // is left out of the key; if the cut falls between equal remainders, the claims are
    // re-ranked with the full tie-break.
    let mut packed = den < 1 << (64 - INDEX_BITS) && (n as u64) < 1 << INDEX_BITS;
    scratch.keys.clear();
    scratch.order.clear();
    for i in 0..n {
        let (whole, rem) = div_rem(numerator(i), den);
        out.push(whole as u64);
        given += whole as u64;
        if rem > 0 {
            if packed {
                scratch.keys.push((rem as u64) << INDEX_BITS | ((1u64 << INDEX_BITS) - 1 - i as u64));
            } else {
                scratch.order.push((rem, p.weights()[i], i));
            }
        }
    }
    let left = (p.total() - given) as usize;
    if left == 0 {
        return;
    }
    if packed {
        let len = scratch.keys.len();
        if left < len {
            scratch.keys.select_nth_unstable(len - left);
            let last_in = scratch.keys[len - left..].iter().min().expect("left ≥ 1") >> INDEX_BITS;
            let first_out = scratch.keys[..len - left].iter().max().expect("left < len") >> INDEX_BITS;
            packed = last_in != first_out;
        }
        if packed {
            let mask = (1u64 << INDEX_BITS) - 1;
            for &k in &scratch.keys[len - left..] {
                out[(mask - (k & mask)) as usize] += 1;
            }
            return;
        }
        // Equal remainders straddle the cut: rank the claims with the full tie-break.
        for i in 0..n {
            let (_, rem) = div_rem(numerator(i), den);
            if rem > 0 {
                scratch.order.push((rem, p.weights()[i], i));
            }
        }
    }
    if left < scratch.order.len() {
        scratch.order.select_nth_unstable_by(left - 1, claim_order);
    }
    for c in &scratch.order[..left] {
        out[c.2] += 1;
    }
}
