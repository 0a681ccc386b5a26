//! Hamilton's method (largest remainder, Hare quota).
//!
//! Each unit first gets the whole part of its quota `⌊q*_i⌋` (quotas after floors and caps,
//! see [`bounded_quotas`](super::bounded_quotas)); the slots left over go one each to the units
//! with the largest fractional remainders. Remainders share one denominator and are compared
//! as integers. Reference: Balinski & Young, *Fair Representation*, ch. 2; it is the method of
//! the U.S. House 1850–1900 ("Vinton's method").

use std::cmp::Ordering;

use super::bounded::bounded_quota_numerators_into;
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

/// Hamilton seats only, reusing `scratch`; no allocation once the buffers have grown.
pub(super) fn hamilton_seats(p: &Problem, scratch: &mut Scratch, out: &mut Vec<u64>) {
    let n = p.len();
    let total = p.total() as u128;
    let w_sum = p.weight_sum();
    out.clear();
    scratch.order.clear();
    let mut given = 0u64;
    let mut fits = w_sum > 0;
    if fits {
        for i in 0..n {
            let w = p.weights()[i];
            let (whole, rem) = div_rem(total * w as u128, w_sum);
            // q_i within [l_i, c_i] ⇔ l_i ≤ whole and (whole < c_i or (whole = c_i and rem = 0)).
            let cap = p.cap(i) as u128;
            if whole < p.lower()[i] as u128 || whole > cap || (whole == cap && rem > 0) {
                fits = false;
                break;
            }
            out.push(whole as u64);
            given += whole as u64;
            if rem > 0 {
                scratch.order.push((rem, w, i));
            }
        }
    }
    if !fits {
        let den = bounded_quota_numerators_into(p, &mut scratch.state, &mut scratch.nums);
        out.clear();
        scratch.order.clear();
        given = 0;
        for (i, &num) in scratch.nums.iter().enumerate() {
            let (whole, rem) = div_rem(num, den);
            out.push(whole as u64);
            given += whole as u64;
            if rem > 0 {
                scratch.order.push((rem, p.weights()[i], i));
            }
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
