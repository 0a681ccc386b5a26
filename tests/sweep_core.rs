//! The allocation-free fast paths that sweeps use (`apportion_seats` with a reused `Scratch`)
//! give exactly the seats of the full `apportion`, also when one scratch serves a sequence of
//! different problems (the bounded-regime guess carries over between calls).

use proptest::prelude::*;
use quota::apportion::{apportion, apportion_seats, Method, Problem, Scratch};

fn problems() -> impl Strategy<Value = Vec<Problem>> {
    // Small weights make equal remainders (ties decided by weight) common; large ones exercise
    // the exact arithmetic.
    let weight = prop_oneof![Just(0u64), 1u64..12, 1u64..1_000_000_000_000];
    (2usize..14).prop_flat_map(move |n| {
        prop::collection::vec(
            (
                prop::collection::vec(weight.clone(), n),
                prop::collection::vec(0u64..4, n),
                prop::collection::vec(0u64..40, n),
                1u64..200,
            ),
            1..6,
        )
        .prop_map(|cases| {
            cases
                .into_iter()
                .filter_map(|(w, lo, extra, total)| {
                    let hi: Vec<u64> = lo.iter().zip(&extra).map(|(l, e)| l + e).collect();
                    Problem::with_bounds(w, lo, hi, total, &|i| i.to_string()).ok()
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn fast_seats_equal_full_apportionment(ps in problems()) {
        for m in Method::ALL.into_iter().filter(|&m| m != Method::Quota) {
            let mut scratch = Scratch::default();
            let mut out = Vec::new();
            for p in &ps {
                apportion_seats(p, m, &mut scratch, &mut out);
                prop_assert_eq!(&out, &apportion(p, m).seats, "{}", m);
            }
        }
    }
}

#[test]
fn equal_remainders_are_decided_by_weight() {
    // Quotas 0.5, 1.5, 2: one slot left, equal remainders; the larger weight takes it.
    let p = Problem::new(vec![1, 3, 4], 4).unwrap();
    let mut out = Vec::new();
    apportion_seats(&p, Method::Hamilton, &mut Scratch::default(), &mut out);
    assert_eq!(out, vec![0, 2, 2]);
}

#[test]
fn binding_caps_and_floors_together() {
    // Caps bind on the large units and floors on the small ones at the same time.
    let p = Problem::with_bounds(
        vec![900, 500, 5, 3, 1, 0, 2],
        vec![1, 1, 4, 4, 4, 2, 1],
        vec![20, 15, 30, 30, 30, 2, 30],
        60,
        &|i| i.to_string(),
    )
    .unwrap();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for m in Method::ALL {
        apportion_seats(&p, m, &mut scratch, &mut out);
        assert_eq!(out, apportion(&p, m).seats, "{m}");
    }
}
