//! Hamilton's method (largest remainder, Hare quota).
//!
//! Each unit first gets the whole part of its quota `⌊q*_i⌋` (quotas after floors and caps,
//! see [`bounded_quotas`](super::bounded_quotas)); the slots left over go one each to the units
//! with the largest fractional remainders. Remainders share one denominator and are compared
//! as integers. Reference: Balinski & Young, *Fair Representation*, ch. 2; it is the method of
//! the U.S. House 1850–1900 ("Vinton's method").

use std::cmp::Ordering;

use super::bounded::{bounded_quota_numerators_into, bounded_regime, UnitLimits};
use super::ratio::{div_rem, Ratio};
use super::{Apportionment, Cutoff, Problem, Scratch, Tie, MAX_SEATS, MAX_WEIGHT};

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
/// bound). In a sweep the previous call's regime usually still holds: [`seats_in_u64`] checks
/// it while it computes the seats, from the same quotients. Otherwise the regime is found
/// afresh ([`bounded_regime`]). When every numerator fits in 64 bits — always for weights from
/// [`integer_weights`](crate::scoring::integer_weights) — the seats come from
/// [`seats_in_u64`]; otherwise, or when equal remainders straddle the cut, the claims are
/// ranked by [`claim_order`] (remainder, weight, index) over 128-bit numerators.
pub(super) fn hamilton_seats(p: &Problem, scratch: &mut Scratch, out: &mut Vec<u64>) {
    let n = p.len();
    let small = |free: u128| {
        // rest ≤ N ≤ MAX_SEATS, so every numerator fits in 64 bits; remainders fit in a key.
        (2..1 << 40).contains(&free) && free < 1 << (64 - INDEX_BITS) && (n as u64) < 1 << INDEX_BITS
    };
    // The previous call's regime, checked on the way (the common case in a sweep). If it holds
    // but equal remainders straddle the cut, it goes straight to the full tie-break below.
    let (mut regime, mut failed) = (None, false);
    if let Some((rest, free)) = scratch.regime.sums(p) {
        if small(free) {
            let (limits, units) = scratch.regime.limits(p);
            let bufs = (&mut scratch.parts, &mut scratch.keys, &mut scratch.cut);
            let seats = seats_in_u64(p, (limits, units), rest as u64, free as u64, bufs, out);
            // (Comparisons, not a `match`: this runs per scenario, and a jump table mispredicts.)
            if seats == Seats::Done {
                return;
            } else if seats == Seats::Tie {
                regime = Some((rest, free));
            } else {
                failed = true;
            }
        }
    }
    if regime.is_none() {
        let total = p.total() as u128;
        let w_sum = p.weight_sum();
        // q_i = N·w_i/Σw within [l_i, c_i] for every unit ⇔ no bound binds (checked by
        // products). Once a bounded regime has been found (μ > 0), straight to the search.
        let fits = w_sum > 0
            && scratch.mu <= 0.0
            && (0..n).all(|i| {
                let nw = total * p.weights()[i] as u128;
                p.lower()[i] as u128 * w_sum <= nw && nw <= p.cap(i) as u128 * w_sum
            });
        regime = if fits {
            scratch.regime.set_all_free(n);
            Some((total, w_sum))
        } else {
            bounded_regime(p, &mut scratch.regime, &mut scratch.mu, failed)
        };
        if let Some((rest, free)) = regime {
            if small(free) {
                let limits = scratch.regime.limits(p);
                let bufs = (&mut scratch.parts, &mut scratch.keys, &mut scratch.cut);
                // The regime is verified: only a tie at the cut sends the claims on.
                if seats_in_u64(p, limits, rest as u64, free as u64, bufs, out) == Seats::Done {
                    return;
                }
            }
        }
    }
    // The general exact path (water-filling, then the breakpoint search) when the guess fails.
    let den = match regime {
        Some((_, free)) => free,
        None => bounded_quota_numerators_into(p, &mut scratch.state, &mut scratch.nums),
    };
    let (state, nums) = (scratch.regime.state(), &scratch.nums);
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

/// Bits of the dividends [`Divisor`] divides exactly: shares `rest·w_i` are below
/// `MAX_SEATS·MAX_WEIGHT` < 2^60.
const SHARE_BITS: u32 = 60;
const _: () = assert!((MAX_SEATS as u128) * (MAX_WEIGHT as u128) < 1 << SHARE_BITS);

/// Division by a fixed b (2 ≤ b < 2^40) by one multiplication and a shift, exact for every
/// dividend below 2^[`SHARE_BITS`] (Granlund & Montgomery, "Division by invariant integers
/// using multiplication", 1994, theorem 4.2: with N = SHARE_BITS and 2^ℓ ≥ b, the multiplier
/// m = ⌈2^(N+ℓ) / b⌉ has 2^(N+ℓ) ≤ m·b < 2^(N+ℓ) + b ≤ 2^(N+ℓ) + 2^ℓ, so
/// ⌊a/b⌋ = ⌊a·m / 2^(N+ℓ)⌋ for all 0 ≤ a < 2^N). ℓ is at least 4, so that N + ℓ ≥ 64 and the
/// quotient is the high word of a·m shifted right; m < 2^64 because b ≥ 2.
#[derive(Debug, Clone, Copy)]
struct Divisor {
    b: u64,
    m: u64,
    shift: u32,
}

impl Divisor {
    /// None unless 2 ≤ b < 2^40. (Not inlined: the caller's loop then multiplies by a `u64`
    /// it knows nothing more of, rather than by the 128-bit quotient this computes.)
    #[inline(never)]
    fn new(b: u64) -> Option<Divisor> {
        if !(2..1 << 40).contains(&b) {
            return None;
        }
        // ℓ = max(⌈log2 b⌉, 4) ≤ 40.
        let l = (u64::BITS - (b - 1).leading_zeros()).max(4);
        let m = (1u128 << (SHARE_BITS + l)).div_ceil(u128::from(b));
        // b ≥ 2 and b > 2^(ℓ−1) when ℓ > 4 (else 2^ℓ = 16 and b ≥ 2): m ≤ 2^(N+ℓ−1) + 1 < 2^64
        // for ℓ ≤ 4 and m < 2^(N+1) + 1 otherwise.
        Some(Divisor { b, m: u64::try_from(m).ok()?, shift: SHARE_BITS + l - 64 })
    }

    /// `(⌊a / b⌋, a mod b)` for a < 2^SHARE_BITS (debug-checked).
    #[inline]
    fn div_rem(self, a: u64) -> (u64, u64) {
        debug_assert!(a < 1 << SHARE_BITS);
        let q = (((u128::from(a) * u128::from(self.m)) >> 64) as u64) >> self.shift;
        (q, a - q * self.b)
    }
}

/// What [`seats_in_u64`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seats {
    /// The seats are in `out`.
    Done,
    /// The regime does not hold at these weights.
    NoRegime,
    /// Equal remainders straddle the cut: the weight breaks the tie (the general path).
    Tie,
}

/// Hamilton's seats under a regime (`limits`: each unit's state with its bounds, see
/// [`UnitLimits`], and the number of free units) with `rest` slots for the free units of total
/// weight `free` (2 ≤ free < 2^40), checking the regime on the way.
///
/// Every unit's share `rest·w_i` (< 2^60) is divided by `free` once, exactly, by a
/// multiplication and a shift ([`Divisor`]); the quotient and remainder decide both whether the unit's
/// state holds (free: l ≤ share/free ≤ c; at the floor: share/free ≤ l; at the cap:
/// share/free ≥ c — the checks of the regime, exact) and, for a free unit, its whole part and
/// remainder; a held unit gets its bound and no remainder.
///
/// The `left` slots after the whole parts go to the largest remainders. They are found by a
/// threshold t with exactly `left` remainders above it: such a t exists unless equal
/// remainders straddle the cut, and then the claims above it are the winners with no tie to
/// break (equal remainders fall on the same side). The search starts from the previous call's
/// cut (`cut`, a fraction of the denominator: the last threshold found) and moves by the
/// expected count of remainders (about uniform) in a shrinking bracket; after a few misses the claims inside the bracket
/// (few: the bracket has shrunk) are ranked by one `u64` key each (remainder above the
/// complement of the index, so all keys differ), and the ones above the bracket win outright.
/// Unless `Done`, `out` is unspecified.
fn seats_in_u64(
    p: &Problem,
    (limits, free_units): (&[UnitLimits], u64),
    rest: u64,
    free: u64,
    (parts, keys, cut): (&mut Vec<(u64, u64)>, &mut Vec<u64>, &mut f64),
    out: &mut Vec<u64>,
) -> Seats {
    const MASK: u64 = (1 << INDEX_BITS) - 1;
    /// Threshold steps tried before the selection.
    const PROBES: usize = 6;
    let w = p.weights();
    let n = w.len();
    let Some(d) = Divisor::new(free) else {
        return Seats::NoRegime;
    };
    // Every element is written below: no clearing.
    parts.resize(n, (0, 0));
    let (mut given, mut ok) = (0u64, true);
    // One pass, no branches on the data (the state is in the limits as masks and intervals):
    // each unit's seats before the remainders, and its remainder (0 when held).
    for (part, (&wi, c)) in parts.iter_mut().zip(w.iter().zip(limits)) {
        let (whole, rem) = d.div_rem(rest * wi);
        // With h = 2·whole + (rem > 0), which orders share/free against integers,
        // share ≥ a·free ⇔ h ≥ 2a and share ≤ b·free ⇔ h ≤ 2b (whole < 2^60: no overflow);
        // h − 2a wraps above the span when h < 2a.
        let h = 2 * whole + u64::from(rem > 0);
        ok &= h.wrapping_sub(c.lo2) <= c.span;
        let x = (whole & c.free) | c.held;
        given += x;
        // A held unit has no remainder: 0 ranks below every claim and never wins (the
        // fractional parts sum to `left`, so more than `left` of them are positive).
        *part = (x, rem & c.free);
    }
    // A regime that holds (every state checked) gives quotas that sum to the total: the
    // whole parts leave 0 ≤ left < (positive remainders).
    let left = match p.total().checked_sub(given) {
        Some(left) if ok => left,
        _ => return Seats::NoRegime,
    };
    out.clear();
    if left == 0 {
        out.extend(parts.iter().map(|&(x, _)| x));
        return Seats::Done;
    }
    let above = |t: u64| -> u64 { parts.iter().map(|&(_, r)| u64::from(r > t)).sum() };
    // Count(t) falls as t rises: keep lo_t < t* ≤ hi_t with count(lo_t) > left > count(hi_t)
    // (true at the start: every claim is above 0, none above free − 1).
    let (mut lo_t, mut hi_t, mut above_hi) = (0u64, free, 0u64);
    let mut t = ((*cut * free as i64 as f64) as u64).clamp(1, free - 1);
    let mut found = None;
    for _ in 0..PROBES {
        let c = above(t);
        if c == left {
            found = Some(t);
            break;
        }
        // Remainders are about uniform on [0, free): each unit of count is about
        // free/(free units) wide.
        let step = free / free_units.max(1);
        if c > left {
            lo_t = t;
            t = t.saturating_add((c - left) * step);
        } else {
            (hi_t, above_hi) = (t, c);
            t = t.saturating_sub((left - c) * step);
        }
        if t <= lo_t || t >= hi_t {
            t = lo_t + (hi_t - lo_t) / 2;
        }
    }
    let next = match found {
        Some(t) => {
            out.extend(parts.iter().map(|&(x, r)| x + u64::from(r > t)));
            t as f64
        }
        None => {
            // The claims above hi_t win; of those in (lo_t, hi_t] — more than `need` of
            // them, by the bracket — the `need` largest, ranked by their keys: the remainder
            // above the complement of the index, so that all differ.
            let need = (left - above_hi) as usize;
            keys.resize(n, 0);
            let mut k = 0;
            out.extend(parts.iter().enumerate().map(|(i, &(x, r))| {
                keys[k] = r << INDEX_BITS | (MASK - i as u64);
                k += usize::from(r > lo_t && r <= hi_t);
                x + u64::from(r > hi_t)
            }));
            if need == 0 || need >= k {
                // Not for a regime that holds (left < claims keeps the bracket's counts);
                // a guard, so that nothing indexes past the candidates.
                return Seats::NoRegime;
            }
            let candidates = &mut keys[..k];
            candidates.sort_unstable_by(|a, b| b.cmp(a));
            let (last_in, first_out) = (candidates[need - 1] >> INDEX_BITS, candidates[need] >> INDEX_BITS);
            if last_in == first_out {
                return Seats::Tie;
            }
            for &key in &candidates[..need] {
                out[(MASK - (key & MASK)) as usize] += 1;
            }
            (last_in + first_out) as f64 * 0.5
        }
    };
    *cut = next / free as i64 as f64;
    Seats::Done
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The multiply-and-shift division against `/` and `%`: random and extreme dividends
    /// (0, multiples of b and their neighbours, the largest share) for divisors of every size,
    /// powers of two and their neighbours included.
    #[test]
    fn divisor_is_exact_below_the_share_bound() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(60);
        let top = (1u64 << SHARE_BITS) - 1;
        let mut divisors: Vec<u64> = vec![2, 3, 5, 7, 15, 16, 17, 31, 33, (1 << 40) - 1, 999_999_999_989];
        for k in 2..40 {
            divisors.extend([(1u64 << k) - 1, 1 << k, (1 << k) + 1]);
        }
        for _ in 0..2_000 {
            let bits = rng.random_range(2..=40u32);
            divisors.push(rng.random_range(2..(1u64 << bits).min((1 << 40) - 1)));
        }
        for &b in &divisors {
            let d = Divisor::new(b).expect("in range");
            let mut dividends =
                vec![0, 1, b - 1, b, b + 1, top, top - top % b, (top - top % b).saturating_sub(1)];
            for _ in 0..200 {
                let q = rng.random_range(0..=top / b);
                dividends.extend([
                    q * b,
                    (q * b).saturating_sub(1),
                    (q * b + 1).min(top),
                    rng.random_range(0..=top),
                ]);
            }
            for a in dividends {
                assert_eq!(d.div_rem(a), (a / b, a % b), "{a} / {b}");
            }
        }
        assert!(Divisor::new(0).is_none() && Divisor::new(1).is_none() && Divisor::new(1 << 40).is_none());
    }
}
