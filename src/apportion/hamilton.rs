//! Hamilton's method (largest remainder, Hare quota).
//!
//! Each unit first gets the whole part of its quota `⌊q*_i⌋` (quotas after floors and caps,
//! see [`bounded_quotas`](super::bounded_quotas)); the slots left over go one each to the units
//! with the largest fractional remainders. Remainders share one denominator and are compared
//! as integers. Reference: Balinski & Young, *Fair Representation*, ch. 2; it is the method of
//! the U.S. House 1850–1900 ("Vinton's method").

use std::cmp::Ordering;

use super::bounded::{bounded_quota_numerators, bounded_regime};
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
    // q_i = N·w_i/Σw within [l_i, c_i] for every unit ⇔ no bound binds (checked by products).
    let fits = w_sum > 0
        && (0..n).all(|i| {
            let nw = total * p.weights()[i] as u128;
            p.lower()[i] as u128 * w_sum <= nw && nw <= p.cap(i) as u128 * w_sum
        });
    out.clear();
    scratch.order.clear();
    let mut given = 0u64;
    let mut push =
        |out: &mut Vec<u64>, order: &mut Vec<(u128, u64, usize)>, i: usize, num: u128, den: u128| {
            let (whole, rem) = div_rem(num, den);
            out.push(whole as u64);
            given += whole as u64;
            if rem > 0 {
                order.push((rem, p.weights()[i], i));
            }
        };
    if fits {
        for i in 0..n {
            push(out, &mut scratch.order, i, total * p.weights()[i] as u128, w_sum);
        }
    } else if let Some((rest, free)) = bounded_regime(p, &mut scratch.state) {
        // Some bound binds: an allocation-free verified regime (the usual case) ...
        for i in 0..n {
            let num = match scratch.state[i] {
                0 => rest * p.weights()[i] as u128,
                1 => p.lower()[i] as u128 * free,
                _ => p.cap(i) as u128 * free,
            };
            push(out, &mut scratch.order, i, num, free);
        }
    } else {
        // ... else the general exact path.
        let (nums, den) = bounded_quota_numerators(p);
        for (i, &num) in nums.iter().enumerate() {
            push(out, &mut scratch.order, i, num, den);
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
