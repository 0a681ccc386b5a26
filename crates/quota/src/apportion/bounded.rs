//! Quotas after floors and caps: the clamped proportional share.
//!
//! With floors `l_i` and caps `c_i`, unit i's quota is `q*_i = clamp(μ·w_i, l_i, c_i)` for
//! the unique scale μ at which the clamped quotas sum to the total N (the function
//! `g(μ) = Σ clamp(μ·w_i, l_i, c_i)` is continuous and non-decreasing). Units whose share
//! would exceed their cap sit at the cap, units whose share would fall below their floor sit
//! at the floor, and the rest share what remains in proportion to their weights. Without
//! binding bounds `q*_i = N·w_i / Σw`, the textbook quota. A unit of weight 0 sits at its floor.
//!
//! All quotas are returned over one common denominator, so remainders compare as integers.

use super::ratio::Ratio;
use super::Problem;

/// The exact quotas `q*_i` of the problem (see the module documentation).
pub fn bounded_quotas(p: &Problem) -> Vec<Ratio> {
    let (nums, den) = bounded_quota_numerators(p);
    nums.into_iter().map(|n| Ratio::new(n, den)).collect()
}

/// The quotas as numerators over one common denominator.
pub(super) fn bounded_quota_numerators(p: &Problem) -> (Vec<u128>, u128) {
    let mut state = Vec::new();
    let mut nums = Vec::new();
    let den = bounded_quota_numerators_into(p, &mut state, &mut nums);
    (nums, den)
}

const FREE: u8 = 0;
const AT_FLOOR: u8 = 1;
const AT_CAP: u8 = 2;

/// Writes the quotas' numerators into `nums` and returns their common denominator, reusing
/// `state` and `nums` (no allocation once they have grown). Three exact strategies, cheapest
/// first; each result is verified exactly before it is returned:
/// 1. no bound binds at μ = N / Σw;
/// 2. water-filling: fix every unit whose share exceeds its cap, repeat; then every unit whose
///    share falls below its floor, repeat (exact when the fixings do not interact, the usual case);
/// 3. the breakpoint search over μ (always exact, O(n log n)).
pub(super) fn bounded_quota_numerators_into(p: &Problem, state: &mut Vec<u8>, nums: &mut Vec<u128>) -> u128 {
    let n = p.len();
    let total = p.total() as u128;
    let w_sum = p.weight_sum();
    nums.clear();
    if w_sum > 0 {
        let fits = (0..n).all(|i| {
            let nw = total * p.weights()[i] as u128;
            p.lower()[i] as u128 * w_sum <= nw && nw <= p.cap(i) as u128 * w_sum
        });
        if fits {
            nums.extend((0..n).map(|i| total * p.weights()[i] as u128));
            return w_sum;
        }
    }
    state.clear();
    state.extend((0..n).map(|i| if p.weights()[i] == 0 { AT_FLOOR } else { FREE }));
    if let Some(den) = water_fill(p, state) {
        let rest = rest_of(p, state);
        nums.extend((0..n).map(|i| match state[i] {
            AT_FLOOR => p.lower()[i] as u128 * den,
            AT_CAP => p.cap(i) as u128 * den,
            _ => rest * p.weights()[i] as u128,
        }));
        return den;
    }
    let (v, den) = breakpoint_search(p);
    nums.extend(v);
    den
}

/// Slots left for the free units after the fixed ones take their bound.
fn rest_of(p: &Problem, state: &[u8]) -> u128 {
    let fixed: u128 = (0..p.len())
        .map(|i| match state[i] {
            AT_FLOOR => p.lower()[i] as u128,
            AT_CAP => p.cap(i) as u128,
            _ => 0,
        })
        .sum();
    p.total() as u128 - fixed.min(p.total() as u128)
}

/// Water-filling (strategy 2). Returns the free weight W_F (the common denominator) if the
/// final state verifies exactly, None otherwise.
fn water_fill(p: &Problem, state: &mut [u8]) -> Option<u128> {
    let n = p.len();
    for phase in [AT_CAP, AT_FLOOR] {
        loop {
            let rest = rest_of(p, state);
            let free_w: u128 = (0..n).filter(|&i| state[i] == FREE).map(|i| p.weights()[i] as u128).sum();
            if free_w == 0 {
                return None;
            }
            let mut changed = false;
            for i in 0..n {
                if state[i] != FREE {
                    continue;
                }
                let share = rest * p.weights()[i] as u128;
                let violates = match phase {
                    AT_CAP => share > p.cap(i) as u128 * free_w,
                    _ => share < p.lower()[i] as u128 * free_w,
                };
                if violates {
                    state[i] = phase;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    // Verify: free units inside their bounds, fixed units on the right side of theirs.
    let rest = rest_of(p, state);
    let free_w: u128 = (0..n).filter(|&i| state[i] == FREE).map(|i| p.weights()[i] as u128).sum();
    if free_w == 0 {
        return None;
    }
    let ok = (0..n).all(|i| {
        let share = rest * p.weights()[i] as u128;
        let (lo, hi) = (p.lower()[i] as u128 * free_w, p.cap(i) as u128 * free_w);
        match state[i] {
            FREE => lo <= share && share <= hi,
            AT_CAP => share >= hi,
            _ => p.weights()[i] == 0 || share <= lo,
        }
    });
    ok.then_some(free_w)
}

/// The breakpoint search over μ (strategy 3).
fn breakpoint_search(p: &Problem) -> (Vec<u128>, u128) {
    let n = p.len();
    let total = p.total() as u128;
    // Breakpoints μ = l_i / w_i and c_i / w_i, plus 0.
    let mut points: Vec<Ratio> = vec![Ratio::new(0, 1)];
    for i in 0..n {
        let w = p.weights()[i] as u128;
        if w > 0 {
            points.push(Ratio::new(p.lower()[i] as u128, w));
            points.push(Ratio::new(p.cap(i) as u128, w));
        }
    }
    points.sort();
    points.dedup_by(|a, b| (*a).cmp(b).is_eq());
    // g(a/b)·b as an integer.
    let g_times = |mu: Ratio| -> u128 {
        (0..n)
            .map(|i| {
                let (l, c) = (p.lower()[i] as u128 * mu.den, p.cap(i) as u128 * mu.den);
                (mu.num * p.weights()[i] as u128).clamp(l, c)
            })
            .sum()
    };
    // First breakpoint where g ≥ N (exists: g(max) = Σ caps ≥ N, checked at construction).
    let idx = points.partition_point(|&mu| g_times(mu) < total * mu.den);
    let hi = points[idx];
    if g_times(hi) == total * hi.den {
        let nums = (0..n)
            .map(|i| {
                let (l, c) = (p.lower()[i] as u128 * hi.den, p.cap(i) as u128 * hi.den);
                (hi.num * p.weights()[i] as u128).clamp(l, c)
            })
            .collect();
        return (nums, hi.den);
    }
    // μ* lies strictly between points[idx-1] and points[idx] (idx ≥ 1 because g(0) = Σ floors ≤ N).
    let lo = points[idx - 1];
    let mut rest = total;
    let mut free_weight = 0u128;
    let mut state = vec![0u8; n]; // 0 free, 1 at floor, 2 at cap
    for i in 0..n {
        let w = p.weights()[i] as u128;
        if w == 0 || Ratio::new(p.lower()[i] as u128, w) >= hi {
            state[i] = 1;
            rest -= p.lower()[i] as u128;
        } else if Ratio::new(p.cap(i) as u128, w) <= lo {
            state[i] = 2;
            rest -= p.cap(i) as u128;
        } else {
            free_weight += w;
        }
    }
    let nums = (0..n)
        .map(|i| match state[i] {
            1 => p.lower()[i] as u128 * free_weight,
            2 => p.cap(i) as u128 * free_weight,
            _ => rest * p.weights()[i] as u128,
        })
        .collect();
    (nums, free_weight)
}

/// Which units sit at a bound in the bounded quotas — `state[i]`: 0 free, 1 at floor, 2 at
/// cap — with the lists of units at their floor and at their cap cached, with the sum of
/// their bounds, so that a sweep re-checks a regime under new weights by summing the held
/// units' weights only. (The lists depend on the states alone and the sum on the bounds too,
/// checked by the problem's bounds stamp, so the regime can be reused with another problem of
/// the same size.) Hamilton's seat
/// loop also reads each unit's state with its bounds as [`UnitLimits`], cached with the
/// bounds they were built from.
#[derive(Debug, Default, Clone)]
pub(super) struct Regime {
    state: Vec<u8>,
    /// Units at their floor and units at their cap, and the sum of their bounds under the
    /// floors and caps stamped `held_of` (valid when `fresh`).
    at_floor: Vec<usize>,
    at_cap: Vec<usize>,
    fixed: u64,
    held_of: u64,
    fresh: bool,
    /// Per unit, its state with its bounds (valid when `limits_fresh` and the problem's
    /// floors and caps are those stamped `limits_of`, see `Problem::bounds_stamp`).
    limits: Vec<UnitLimits>,
    /// Units free in `limits`.
    free_units: u64,
    limits_of: u64,
    limits_fresh: bool,
}

/// A unit's state in a regime with its floor l and cap u, as Hamilton's seat loop uses them:
/// the interval `[lo2, lo2 + span]` that `2·⌊q⌋ + (q not whole)` must lie in for the quota q
/// to fit the state (free `[2l, 2u]`, at the floor `[0, 2l]`, at the cap `[2u, ∞)`), the
/// seats of a held unit (`held`: l or u; 0 when free) and `free`: all ones when free, else 0.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnitLimits {
    pub lo2: u64,
    pub span: u64,
    pub held: u64,
    pub free: u64,
}

impl Regime {
    /// Each unit's state (empty before the first regime).
    pub(super) fn state(&self) -> &[u8] {
        &self.state
    }

    /// The states, to be rewritten (the caches are rebuilt when next needed).
    fn state_mut(&mut self) -> &mut Vec<u8> {
        self.fresh = false;
        self.limits_fresh = false;
        &mut self.state
    }

    /// Each unit's [`UnitLimits`] under `p`'s floors and caps (the regime must have one state
    /// per unit of `p`), with the number of free units. Rebuilt only when the states or the
    /// bounds have changed.
    pub(super) fn limits(&mut self, p: &Problem) -> (&[UnitLimits], u64) {
        let (lo, up) = (p.lower(), p.upper());
        if !self.limits_fresh || self.limits_of != p.bounds_stamp() {
            self.limits.clear();
            self.limits.extend(self.state.iter().zip(lo.iter().zip(up)).map(|(&s, (&l, &u))| match s {
                0 => UnitLimits { lo2: 2 * l, span: 2 * (u - l), held: 0, free: u64::MAX },
                1 => UnitLimits { lo2: 0, span: 2 * l, held: l, free: 0 },
                _ => UnitLimits { lo2: 2 * u, span: u64::MAX - 2 * u, held: u, free: 0 },
            }));
            self.free_units = self.state.iter().map(|&s| u64::from(s == 0)).sum();
            self.limits_of = p.bounds_stamp();
            self.limits_fresh = true;
        }
        (&self.limits, self.free_units)
    }

    /// Every unit free (no bound binds).
    pub(super) fn set_all_free(&mut self, n: usize) {
        let state = self.state_mut();
        state.clear();
        state.resize(n, 0);
    }

    /// `(R, W_F)` of this regime under `p`'s weights: the slots left to the free units and
    /// their total weight. `None` when the regime cannot hold whatever the check of the
    /// shares: no free weight, bounds above the total, or a unit of weight 0 anywhere but at
    /// its floor (its cap, see `Problem::cap`; the caller then finds the regime afresh).
    pub(super) fn sums(&mut self, p: &Problem) -> Option<(u128, u128)> {
        let (w, lo, up) = (p.weights(), p.lower(), p.upper());
        if self.state.len() != w.len() {
            return None;
        }
        if !self.fresh || self.held_of != p.bounds_stamp() {
            self.at_floor.clear();
            self.at_cap.clear();
            // Bounds are at most the total (≤ MAX_SEATS): their sum fits in 64 bits.
            let mut fixed = 0u64;
            for (i, &s) in self.state.iter().enumerate() {
                if s == 1 {
                    self.at_floor.push(i);
                    fixed += lo[i];
                } else if s != 0 {
                    self.at_cap.push(i);
                    fixed += up[i];
                }
            }
            (self.fixed, self.held_of, self.fresh) = (fixed, p.bounds_stamp(), true);
        }
        let (mut held_w, mut ok) = (0u128, true);
        for &i in &self.at_floor {
            held_w += w[i] as u128;
        }
        for &i in &self.at_cap {
            held_w += w[i] as u128;
            ok &= w[i] != 0;
        }
        let (fixed, free) = (self.fixed, p.weight_sum() - held_w);
        (ok && free > 0 && fixed <= p.total()).then(|| ((p.total() - fixed) as u128, free))
    }
}

/// The quotas as numerators over one common denominator, without allocating: a
/// floating-point guess of which units sit at a bound, verified exactly. Writes each unit's
/// regime into `state` (0 free, 1 at floor, 2 at cap) and returns `(R, W_F)`: free units have
/// quota `R·w_i / W_F`, the others their bound. `None` when the guess cannot be verified (the
/// caller then uses [`bounded_quota_numerators`]); a verified regime gives exactly the same
/// quotas because `q*` is unique. `mu` carries the scale μ of the previous call as the first
/// guess (sweeps re-apportion similar weights; 0 for none): the guess affects only the speed.
/// `failed` says the caller has just found that the current regime does not hold (no need to
/// check it again).
pub(super) fn bounded_regime(
    p: &Problem,
    regime: &mut Regime,
    mu_hint: &mut f64,
    failed: bool,
) -> Option<(u128, u128)> {
    let n = p.len();
    let (w, lo) = (p.weights(), p.lower());
    if regime.state.len() != n {
        let state = regime.state_mut();
        state.clear();
        state.resize(n, 3);
    } else if failed {
        // Straight to the search, which starts from this regime.
    } else if let Some(r) = verify_regime(p, regime) {
        // The previous call's regime still holds (the common case in a sweep).
        return Some(r);
    }
    // Float guess: Newton steps μ ← R/W_F on g(μ) = Σ clamp(μ·w_i, l_i, c_i) = N, kept inside
    // a bracket [lo, hi] of μ* (bisection when a step leaves it); a regime is verified exactly
    // as soon as it repeats (first the previous call's) or the steps converge.
    let total = p.total() as f64;
    let w_all: f64 = w.iter().map(|&x| x as f64).sum();
    if w_all <= 0.0 {
        return None;
    }
    let (mut lo_mu, mut hi_mu) = (0.0f64, f64::INFINITY);
    let mut mu = if mu_hint.is_finite() && *mu_hint > 0.0 { *mu_hint } else { total / w_all };
    for _ in 0..64 {
        let (mut g, mut rest, mut free, mut changed) = (0.0f64, total, 0.0f64, false);
        let state = regime.state_mut();
        for i in 0..n {
            let share = mu * w[i] as f64;
            let (l, c) = (lo[i] as f64, p.cap(i) as f64);
            let next = if w[i] == 0 || share <= l {
                g += l;
                rest -= l;
                1
            } else if share >= c {
                g += c;
                rest -= c;
                2
            } else {
                g += share;
                free += w[i] as f64;
                0
            };
            changed |= next != state[i];
            state[i] = next;
        }
        if g < total {
            lo_mu = mu;
        } else if g > total {
            hi_mu = mu;
        }
        let step = if free > 0.0 { rest / free } else { f64::NAN };
        let converged = (step - mu).abs() <= 1e-12 * mu;
        if !changed || converged {
            if let Some(r) = verify_regime(p, regime) {
                *mu_hint = step;
                return Some(r);
            }
            if !changed && converged {
                return None;
            }
        }
        mu = if step > lo_mu && step < hi_mu {
            step
        } else if hi_mu.is_finite() {
            0.5 * (lo_mu + hi_mu)
        } else {
            2.0 * mu
        };
    }
    None
}

/// Checks a regime exactly: `(R, W_F)` if every free unit's share lies within its bounds and
/// every unit held at a bound would have passed it.
fn verify_regime(p: &Problem, regime: &mut Regime) -> Option<(u128, u128)> {
    let (rest, free) = regime.sums(p)?;
    let (w, lo, up) = (p.weights(), p.lower(), p.upper());
    let state = &regime.state[..w.len()];
    if free <= (u64::MAX / super::MAX_SEATS) as u128 {
        // Every product below fits in 64 bits (rest, bounds ≤ MAX_SEATS; w ≤ MAX_WEIGHT).
        // Each state is an interval for the share rest·w_i, in units of 1/free: free units
        // [l, u], units at the floor [0, l], at the cap [u, ∞) (∞·free = the largest u64).
        // (A free unit of weight 0 has share 0 and passes only with l = 0, as with its cap l.)
        // Zipped slices and selects, no bounds checks or branches: this runs for every
        // scenario of a sweep.
        let (rest, free) = (rest as u64, free as u64);
        let (unbounded, mut ok) = (u64::MAX / free, true);
        for (((&s, &wi), &l), &u) in state.iter().zip(w).zip(lo).zip(up) {
            let (a, b) = match s {
                0 => (l, u),
                1 => (0, l),
                _ => (u, unbounded),
            };
            let share = rest * wi;
            ok &= (a * free <= share) & (share <= b * free);
        }
        return ok.then_some((rest as u128, free as u128));
    }
    for i in 0..p.len() {
        let (share, l, c) = (rest * w[i] as u128, lo[i] as u128 * free, p.cap(i) as u128 * free);
        let ok = match state[i] {
            0 => l <= share && share <= c,
            1 => share <= l,
            _ => share >= c,
        };
        if !ok {
            return None;
        }
    }
    Some((rest, free))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(w: &[u64], l: &[u64], u: &[u64], n: u64) -> Problem {
        Problem::with_bounds(w.to_vec(), l.to_vec(), u.to_vec(), n, &|i| i.to_string()).unwrap()
    }

    #[test]
    fn unbounded_quota_is_the_textbook_share() {
        let q = bounded_quotas(&problem(&[1, 2, 3], &[0, 0, 0], &[6, 6, 6], 6));
        assert_eq!(q, vec![Ratio::new(6, 6), Ratio::new(12, 6), Ratio::new(18, 6)]);
    }

    #[test]
    fn a_binding_cap_passes_its_excess_to_the_others_in_proportion() {
        // Shares 8, 1, 1 of 10; cap 4 on the first: the other two share 6 equally.
        let q = bounded_quotas(&problem(&[8, 1, 1], &[0, 0, 0], &[4, 10, 10], 10));
        assert_eq!(q.iter().map(|r| r.to_string()).collect::<Vec<_>>(), vec!["4", "3", "3"]);
    }

    #[test]
    fn a_binding_floor_takes_from_the_others_in_proportion() {
        // Shares 0.5, 4.5, 5 of 10; floor 2 on the first: 8 left for weights 9 and 10.
        let q = bounded_quotas(&problem(&[1, 9, 10], &[2, 0, 0], &[10, 10, 10], 10));
        assert_eq!(q[0], Ratio::new(2, 1));
        assert_eq!(q[1].cmp(&Ratio::new(72, 19)), std::cmp::Ordering::Equal);
        assert_eq!(q[2].cmp(&Ratio::new(80, 19)), std::cmp::Ordering::Equal);
    }

    #[test]
    fn the_allocation_free_regime_gives_the_same_quotas() {
        let cases = [
            problem(&[8, 1, 1], &[0, 0, 0], &[4, 10, 10], 10),
            problem(&[1, 9, 10], &[2, 0, 0], &[10, 10, 10], 10),
            problem(&[5, 0, 7, 100, 1], &[1, 2, 0, 0, 3], &[9, 9, 2, 10, 9], 15),
        ];
        for p in &cases {
            let (nums, den) = bounded_quota_numerators(p);
            let mut regime = Regime::default();
            let (rest, free) = bounded_regime(p, &mut regime, &mut 0.0, false).expect("verified");
            let state = regime.state();
            for i in 0..p.len() {
                let num = match state[i] {
                    0 => rest * p.weights()[i] as u128,
                    1 => p.lower()[i] as u128 * free,
                    _ => p.cap(i) as u128 * free,
                };
                assert_eq!(Ratio::new(num, free), Ratio::new(nums[i], den), "unit {i}");
            }
        }
    }

    #[test]
    fn quotas_always_sum_to_the_total() {
        let p = problem(&[5, 0, 7, 100, 1], &[1, 2, 0, 0, 3], &[9, 9, 2, 10, 9], 15);
        let q = bounded_quotas(&p);
        let den = q[0].den;
        assert!(q.iter().all(|r| r.den == den));
        assert_eq!(q.iter().map(|r| r.num).sum::<u128>(), 15 * den);
    }

    proptest::proptest! {
        #[test]
        fn every_strategy_gives_the_same_quotas(
            w in proptest::collection::vec(0u64..1000, 1..8),
            lo in proptest::collection::vec(0u64..4, 8),
            extra in proptest::collection::vec(0u64..15, 8),
            total in 1u64..40,
        ) {
            let n = w.len();
            let hi: Vec<u64> = (0..n).map(|i| lo[i] + extra[i]).collect();
            if let Ok(p) = Problem::with_bounds(w, lo[..n].to_vec(), hi, total, &|i| i.to_string()) {
                let fast = bounded_quotas(&p);
                let (nums, den) = breakpoint_search(&p);
                let slow: Vec<Ratio> = nums.into_iter().map(|x| Ratio::new(x, den)).collect();
                proptest::prop_assert_eq!(fast, slow);
            }
        }
    }
}
