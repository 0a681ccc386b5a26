//! Worked examples and properties of the apportionment methods. Every result also passes the
//! independent checker in `crate::check`.

use proptest::prelude::*;

use super::*;
use crate::check::check_apportionment;

fn run(weights: &[u64], total: u64, method: Method) -> Vec<u64> {
    let p = Problem::new(weights.to_vec(), total).unwrap();
    let a = apportion(&p, method);
    check_apportionment(&p, &a).unwrap();
    let mut fast = Vec::new();
    apportion_seats(&p, method, &mut Scratch::default(), &mut fast);
    assert_eq!(fast, a.seats, "fast path agrees with the full result");
    a.seats
}

// Wikipedia, "Largest remainder method", worked example (Hare quota): six parties,
// 100,000 votes, 10 seats.
#[test]
fn hamilton_wikipedia_largest_remainder_example() {
    let votes = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100];
    assert_eq!(run(&votes, 10, Method::Hamilton), vec![5, 2, 1, 1, 1, 0]);
}

// Wikipedia, "D'Hondt method", worked example: 230,000 voters, 8 seats.
#[test]
fn jefferson_wikipedia_dhondt_example() {
    assert_eq!(run(&[100_000, 80_000, 30_000, 20_000], 8, Method::Jefferson), vec![4, 3, 1, 0]);
}

// Wikipedia, "Sainte-Laguë method", worked example (same votes as the D'Hondt example).
#[test]
fn webster_wikipedia_sainte_lague_example() {
    assert_eq!(run(&[100_000, 80_000, 30_000, 20_000], 8, Method::Webster), vec![3, 3, 1, 1]);
}

// The Alabama paradox in its textbook form (Balinski & Young, ch. 5; Wikipedia,
// "Apportionment paradox"): populations 6, 6, 2; C loses a seat when the house grows 10 → 11.
#[test]
fn hamilton_shows_the_alabama_paradox() {
    assert_eq!(run(&[6, 6, 2], 10, Method::Hamilton), vec![4, 4, 2]);
    assert_eq!(run(&[6, 6, 2], 11, Method::Hamilton), vec![5, 5, 1]);
}

#[test]
fn ties_are_broken_by_weight_then_order_and_reported() {
    let p = Problem::new(vec![1, 1, 1], 2).unwrap();
    for m in Method::ALL {
        let a = apportion(&p, m);
        assert_eq!(a.seats, vec![1, 1, 0], "{m}");
        assert_eq!(a.ties.len(), 1, "{m}");
        assert_eq!(a.ties[0].winners, vec![0, 1], "{m}");
        assert_eq!(a.ties[0].losers, vec![2], "{m}");
    }
}

#[test]
fn no_tie_is_reported_when_none_decided_a_slot() {
    let p = Problem::new(vec![3, 1], 4).unwrap();
    for m in Method::ALL {
        assert!(apportion(&p, m).ties.is_empty(), "{m}");
    }
}

#[test]
fn zero_weight_units_get_their_floor_only() {
    let p = Problem::with_bounds(vec![0, 5, 0], vec![1, 0, 0], vec![9, 9, 9], 6, &|i| i.to_string()).unwrap();
    for m in Method::ALL {
        assert_eq!(apportion(&p, m).seats, vec![1, 5, 0], "{m}");
    }
}

#[test]
fn infeasible_bounds_name_the_numbers() {
    let name = |i: usize| format!("u{i}");
    let e = Problem::with_bounds(vec![1, 1], vec![600, 440], vec![1039, 1039], 1039, &name).unwrap_err();
    assert_eq!(e.to_string(), "floors sum to 1040 > total 1039");
    let e = Problem::with_bounds(vec![1, 1], vec![0, 0], vec![500, 500], 1039, &name).unwrap_err();
    assert_eq!(e.to_string(), "caps sum to 1000 < total 1039");
    assert!(Problem::new(vec![0, 0], 3).is_err());
}

#[test]
fn method_names_and_aliases_parse() {
    for m in Method::ALL {
        assert_eq!(m.name().parse::<Method>().unwrap(), m);
        for a in m.aliases() {
            assert_eq!(a.parse::<Method>().unwrap(), m);
        }
    }
    assert_eq!("Sainte_Lague".parse::<Method>().unwrap(), Method::Webster);
    let e = "borda".parse::<Method>().unwrap_err().to_string();
    assert!(e.contains("hamilton") && e.contains("quota"), "{e}");
}

/// Independent reference: seats one at a time from the floors to the highest priority
/// (full tie-break key), no estimate, no fix-up.
fn seat_by_seat(p: &Problem, m: Method) -> Vec<u64> {
    let mut k = p.lower().to_vec();
    for _ in k.iter().sum::<u64>()..p.total() {
        let best = (0..p.len())
            .filter(|&i| k[i] < p.cap(i))
            .max_by(|&i, &j| {
                priority(m, p.weights()[i], k[i])
                    .cmp(&priority(m, p.weights()[j], k[j]))
                    .then(p.weights()[i].cmp(&p.weights()[j]))
                    .then(j.cmp(&i))
            })
            .unwrap();
        k[best] += 1;
    }
    k
}

/// Independent reference for Hamilton: among allocations with every x_i ∈ {⌊q*⌋, ⌈q*⌉}
/// (q* from an f64 bisection), the one that maximises the rounded-up remainders, by
/// enumeration.
fn hamilton_brute(p: &Problem) -> Vec<u64> {
    let n = p.len();
    let g = |mu: f64| -> f64 {
        (0..n).map(|i| (mu * p.weights()[i] as f64).clamp(p.lower()[i] as f64, p.cap(i) as f64)).sum()
    };
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while g(hi) < p.total() as f64 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if g(mid) < p.total() as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let q: Vec<f64> =
        (0..n).map(|i| (hi * p.weights()[i] as f64).clamp(p.lower()[i] as f64, p.cap(i) as f64)).collect();
    let base: Vec<u64> = q.iter().map(|x| (x + 1e-9).floor() as u64).collect();
    let frac: Vec<f64> = (0..n).map(|i| q[i] - base[i] as f64).collect();
    let left = p.total() - base.iter().sum::<u64>();
    let mut best: Option<(f64, Vec<u64>)> = None;
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as u64 != left || (0..n).any(|i| mask >> i & 1 == 1 && frac[i] < 1e-9) {
            continue;
        }
        let score: f64 = (0..n).filter(|i| mask >> i & 1 == 1).map(|i| frac[i]).sum();
        if best.as_ref().is_none_or(|(s, _)| score > *s + 1e-9) {
            best = Some((score, (0..n).map(|i| base[i] + (mask >> i & 1) as u64).collect()));
        }
    }
    best.unwrap().1
}

fn small_problem() -> impl Strategy<Value = Problem> {
    (1usize..7).prop_flat_map(|n| {
        (
            prop::collection::vec(0u64..1000, n),
            prop::collection::vec(0u64..3, n),
            prop::collection::vec(0u64..12, n),
            1u64..30,
        )
            .prop_filter_map("feasible", |(w, lo, extra, total)| {
                let hi: Vec<u64> = lo.iter().zip(&extra).map(|(l, e)| l + e).collect();
                Problem::with_bounds(w, lo, hi, total, &|i| i.to_string()).ok()
            })
    })
}

fn distinct_weights() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::btree_set(1u64..1_000_000, 2..12).prop_map(|s| s.into_iter().rev().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn divisor_methods_match_seat_by_seat(p in small_problem()) {
        for m in Method::ALL.into_iter().filter(|m| m.is_divisor()) {
            let a = apportion(&p, m);
            check_apportionment(&p, &a).unwrap();
            prop_assert_eq!(&a.seats, &seat_by_seat(&p, m), "{}", m);
            let mut fast = Vec::new();
            apportion_seats(&p, m, &mut Scratch::default(), &mut fast);
            prop_assert_eq!(fast, a.seats);
        }
    }

    #[test]
    fn hamilton_matches_brute_force(p in small_problem()) {
        let a = apportion(&p, Method::Hamilton);
        check_apportionment(&p, &a).unwrap();
        // Ties make several maximisers; compare only when none decided a slot.
        if a.ties.is_empty() {
            prop_assert_eq!(a.seats, hamilton_brute(&p));
        }
    }

    #[test]
    fn every_method_sums_and_respects_bounds(p in small_problem()) {
        for m in Method::ALL {
            let a = apportion(&p, m);
            prop_assert_eq!(a.seats.iter().sum::<u64>(), p.total());
            for i in 0..p.len() {
                prop_assert!(a.seats[i] >= p.lower()[i] && a.seats[i] <= p.upper()[i]);
            }
        }
    }

    #[test]
    fn permutation_invariance(w in distinct_weights(), total in 1u64..200, rot in 0usize..12) {
        let n = w.len();
        let rot = rot % n;
        let mut v = w.clone();
        v.rotate_left(rot);
        for m in Method::ALL {
            let a = run(&w, total, m);
            let mut b = run(&v, total, m);
            b.rotate_right(rot);
            prop_assert_eq!(a, b, "{}", m);
        }
    }

    #[test]
    fn divisor_and_quota_methods_are_house_monotone(w in distinct_weights(), total in 1u64..200) {
        for m in Method::ALL.into_iter().filter(|&m| m != Method::Hamilton) {
            let a = run(&w, total, m);
            let b = run(&w, total + 1, m);
            prop_assert!(a.iter().zip(&b).all(|(x, y)| x <= y), "{}: {:?} -> {:?}", m, a, b);
        }
    }

    #[test]
    fn hamilton_and_quota_method_stay_within_quota(w in prop::collection::vec(0u64..1_000_000_000_000, 1..40), total in 1u64..2000) {
        prop_assume!(w.iter().any(|&x| x > 0));
        let p = Problem::new(w.clone(), total).unwrap();
        for m in [Method::Hamilton, Method::Quota] {
            let a = apportion(&p, m);
            for (x, q) in a.seats.iter().zip(&a.quotas) {
                let fl = q.floor() as u64;
                prop_assert!(*x == fl || (*x == fl + 1 && !q.num.is_multiple_of(q.den)), "{}", m);
            }
        }
    }

    #[test]
    fn large_weights_stay_exact(w in prop::collection::vec(1u64..=MAX_WEIGHT, 2..30), total in 1u64..=MAX_SEATS) {
        let p = Problem::new(w, total).unwrap();
        for m in [Method::HuntingtonHill, Method::Dean, Method::Webster, Method::Hamilton] {
            let a = apportion(&p, m);
            check_apportionment(&p, &a).unwrap();
        }
    }
}

/// Weight vectors for one problem shape, re-apportioned through one [`Scratch`] as a sweep
/// does: small weights make equal remainders (ties at the cut), large ones the 64-bit path.
fn weight_sequence() -> impl Strategy<Value = (Problem, Vec<Vec<u64>>)> {
    (small_problem(), prop::bool::ANY).prop_flat_map(|(p, large)| {
        let n = p.len();
        let hi = if large { MAX_WEIGHT } else { 5 };
        (Just(p), prop::collection::vec(prop::collection::vec(0u64..=hi, n), 1..40))
    })
}

/// A unit held at its cap whose weight dwarfs the free units' (its share is 10^12 times the
/// free weight): the regime check re-run on the second call must still see it at its cap.
#[test]
fn a_cap_far_below_a_huge_share_holds_on_reuse() {
    let p = Problem::with_bounds(vec![MAX_WEIGHT, 3, 2], vec![0; 3], vec![2, 10, 10], 5, &|i| i.to_string())
        .unwrap();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for _ in 0..3 {
        apportion_seats(&p, Method::Hamilton, &mut scratch, &mut out);
        assert_eq!(out, [2, 2, 1]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The warm state a sweep carries between calls (regime, cut, divisor scale) changes
    /// only the speed: every call equals a fresh full apportionment.
    #[test]
    fn reused_scratch_gives_fresh_results((mut p, seq) in weight_sequence()) {
        let mut scratch: Vec<Scratch> = Method::ALL.iter().map(|_| Scratch::default()).collect();
        let mut out = Vec::new();
        for w in &seq {
            if p.set_weights(w).is_err() {
                continue;
            }
            for (m, s) in Method::ALL.into_iter().zip(scratch.iter_mut()) {
                apportion_seats(&p, m, s, &mut out);
                prop_assert_eq!(&out, &apportion(&p, m).seats, "{} at {:?}", m, w);
            }
        }
    }
}

/// `set_weights` checks as construction does, on its quick path (every weight's bits within
/// MAX_WEIGHT) and on the exact one (bits above it, weights within or beyond it).
#[test]
fn set_weights_checks_range_zero_weights_and_sums() {
    let mut p =
        Problem::with_bounds(vec![1, 1, 1], vec![0, 0, 1], vec![5, 5, 5], 6, &|i| i.to_string()).unwrap();
    // Quick path: sum and zero test.
    p.set_weights(&[3, 0, 4]).unwrap();
    assert_eq!((p.weights(), p.weight_sum()), (&[3, 0, 4][..], 7));
    // The zero-weight unit takes its floor; the others' caps must hold the rest.
    let mut tight = Problem::with_bounds(vec![1, 1], vec![0, 0], vec![2, 4], 6, &|i| i.to_string()).unwrap();
    assert!(matches!(
        tight.set_weights(&[0, 5]),
        Err(ApportionError::ZeroWeightUnitsWouldFill { missing: 2 })
    ));
    assert!(matches!(p.set_weights(&[0, 0, 0]), Err(ApportionError::AllWeightsZero { total: 6 })));
    // Exact path: the OR of 2^36 − 1 and MAX_WEIGHT exceeds MAX_WEIGHT, the weights do not.
    let (a, b) = ((1u64 << 36) - 1, MAX_WEIGHT);
    assert!(a | b > MAX_WEIGHT);
    p.set_weights(&[a, b, 0]).unwrap();
    assert_eq!(p.weight_sum(), a as u128 + b as u128);
    assert!(matches!(
        p.set_weights(&[1, MAX_WEIGHT + 1, 2]),
        Err(ApportionError::OutOfRange { what: "weight", .. })
    ));
    assert!(matches!(p.set_weights(&[u64::MAX, 1, 1]), Err(ApportionError::OutOfRange { .. })));
    // Every check failed left the last accepted weights in place.
    assert_eq!(p.weights(), &[a, b, 0]);
}

/// Hamilton's cut when the search from the previous cut misses: many units, unrelated weight
/// vectors one after another (so the previous cut says little and the claims inside the
/// bracket are ranked), with floors and caps, and small weights for equal remainders.
#[test]
fn hamilton_cut_from_a_distant_previous_cut_is_exact() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
    for (n, total, hi) in [(200usize, 5000u64, MAX_WEIGHT), (120, 700, 1_000_000), (90, 400, 4)] {
        let lower: Vec<u64> = (0..n).map(|i| (i % 7 == 0) as u64 * 2).collect();
        let upper: Vec<u64> = (0..n).map(|i| if i % 11 == 0 { 6 } else { total }).collect();
        let mut p = Problem::with_bounds(vec![1; n], lower, upper, total, &|i| i.to_string()).unwrap();
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        for _ in 0..300 {
            let w: Vec<u64> = (0..n).map(|_| rng.random_range(0..=hi)).collect();
            if p.set_weights(&w).is_err() {
                continue;
            }
            apportion_seats(&p, Method::Hamilton, &mut scratch, &mut out);
            assert_eq!(out, apportion(&p, Method::Hamilton).seats, "{w:?}");
        }
    }
}

/// One scratch carried between problems of the same size whose floors and caps differ where
/// the regime holds units (unit 0 always at its floor, unit 1 always at its cap, with other
/// bounds in each problem): the regime holds for both, its bound sum differs, and each call
/// equals a fresh full apportionment.
#[test]
fn hamilton_scratch_carried_across_bounds_is_exact() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(23);
    let (n, total) = (12usize, 200u64);
    let problem = |floor0: u64, cap1: u64| {
        let mut lower = vec![0; n];
        let mut upper = vec![total; n];
        (lower[0], upper[1]) = (floor0, cap1);
        Problem::with_bounds(vec![1; n], lower, upper, total, &|i| i.to_string()).unwrap()
    };
    let mut problems = [problem(3, 20), problem(7, 26), problem(5, 31)];
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for k in 0..600 {
        let mut w: Vec<u64> = (0..n).map(|_| rng.random_range(1_000_000_000..2_000_000_000)).collect();
        (w[0], w[1]) = (1_000, 50_000_000_000);
        let p = &mut problems[k % 3];
        p.set_weights(&w).unwrap();
        apportion_seats(p, Method::Hamilton, &mut scratch, &mut out);
        assert_eq!(out, apportion(p, Method::Hamilton).seats, "problem {} at {w:?}", k % 3);
    }
}
