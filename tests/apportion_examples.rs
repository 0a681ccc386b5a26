//! Published worked examples, and an independent implementation's answers, for every method.
//!
//! Published:
//! - U.S. 1790 census, 120 seats, Hamilton: COMAP, *For All Practical Purposes*, 10th ed.,
//!   ch. 14, Example 6 / Table 14.5 (the bill Washington vetoed).
//! - U.S. 1790 census, 105 seats, Jefferson: the apportionment of the Act of 14 April 1792
//!   (as tabulated in J. Story, *Commentaries on the Constitution*, 1833, note D).
//! - Six parties, 10 seats: Wikipedia, "Largest remainder method" (Hare: 5,2,1,1,1,0),
//!   "D'Hondt method" and "Sainte-Laguë method" comparisons (5,2,2,1,0,0 and 4,2,2,1,1,0).
//!
//! Independent implementation: tests/reference/apportion_reference.py (Python, exact
//! fractions, seat by seat) for the methods and cases without a published table at hand.

use quota::apportion::{apportion, Method, Problem};
use quota::check::check_apportionment;

/// Representative populations of the 1790 census, in the order CT, DE, GA, KY, MD, MA, NH,
/// NJ, NY, NC, PA, RI, SC, VT, VA (total 3,615,920).
const US1790: [u64; 15] = [
    236_841, 55_540, 70_835, 68_705, 278_514, 475_327, 141_822, 179_570, 331_589, 353_523, 432_879, 68_446,
    206_236, 85_533, 630_560,
];
const SIX_PARTIES: [u64; 6] = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100];

fn seats(weights: &[u64], total: u64, method: Method) -> Vec<u64> {
    let p = Problem::new(weights.to_vec(), total).unwrap();
    let a = apportion(&p, method);
    check_apportionment(&p, &a).unwrap();
    a.seats
}

#[test]
fn us_1790_hamilton_120_seats_comap_table_14_5() {
    assert_eq!(seats(&US1790, 120, Method::Hamilton), vec![8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]);
}

#[test]
fn us_1790_jefferson_105_seats_act_of_1792() {
    assert_eq!(
        seats(&US1790, 105, Method::Jefferson),
        vec![7, 1, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 19]
    );
}

#[test]
fn six_parties_published_comparison() {
    assert_eq!(seats(&SIX_PARTIES, 10, Method::Hamilton), vec![5, 2, 1, 1, 1, 0]);
    assert_eq!(seats(&SIX_PARTIES, 10, Method::Jefferson), vec![5, 2, 2, 1, 0, 0]);
    assert_eq!(seats(&SIX_PARTIES, 10, Method::Webster), vec![4, 2, 2, 1, 1, 0]);
}

#[test]
fn us_1790_every_method_matches_the_independent_reference() {
    let expect_105: [(Method, [u64; 15]); 8] = [
        (Method::Hamilton, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 18]),
        (Method::Jefferson, [7, 1, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 19]),
        (Method::Webster, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 18]),
        (Method::HuntingtonHill, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 12, 2, 6, 3, 18]),
        (Method::Adams, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 12, 2, 6, 3, 18]),
        (Method::Dean, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 12, 2, 6, 3, 18]),
        (Method::ModifiedWebster, [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 18]),
        (Method::Quota, [7, 1, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 19]),
    ];
    for (m, want) in expect_105 {
        assert_eq!(seats(&US1790, 105, m), want.to_vec(), "{m} at 105");
    }
    let expect_120: [(Method, [u64; 15]); 8] = [
        (Method::Hamilton, [8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]),
        (Method::Jefferson, [8, 1, 2, 2, 9, 16, 4, 6, 11, 12, 15, 2, 7, 3, 22]),
        (Method::Webster, [8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]),
        (Method::HuntingtonHill, [8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]),
        (Method::Adams, [8, 2, 3, 3, 9, 15, 5, 6, 11, 11, 14, 3, 7, 3, 20]),
        (Method::Dean, [8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]),
        (Method::ModifiedWebster, [8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21]),
        (Method::Quota, [8, 1, 2, 2, 9, 16, 5, 6, 11, 12, 15, 2, 7, 3, 21]),
    ];
    for (m, want) in expect_120 {
        assert_eq!(seats(&US1790, 120, m), want.to_vec(), "{m} at 120");
    }
}

#[test]
fn six_parties_every_method_matches_the_independent_reference() {
    let expect: [(Method, [u64; 6]); 5] = [
        (Method::HuntingtonHill, [4, 2, 1, 1, 1, 1]),
        (Method::Adams, [3, 2, 2, 1, 1, 1]),
        (Method::Dean, [4, 2, 1, 1, 1, 1]),
        (Method::ModifiedWebster, [5, 2, 2, 1, 0, 0]),
        (Method::Quota, [5, 2, 2, 1, 0, 0]),
    ];
    for (m, want) in expect {
        assert_eq!(seats(&SIX_PARTIES, 10, m), want.to_vec(), "{m}");
    }
}
