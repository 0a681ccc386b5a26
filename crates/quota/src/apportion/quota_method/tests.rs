//! The event-driven quota method against its definition ([`super::reference`]): the same
//! slots, ties (winners, losers and the very fractions reported), cut-off and trace.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::reference;
use super::*;
use crate::apportion::{apportion, apportion_seats, bounded_quotas, Scratch, MAX_WEIGHT};
use crate::check::check_apportionment;

/// A random problem: weights from tiny (ties, zeros) to the largest allowed, equal weights,
/// floors and caps that bind or not, 1 to 90 units (more than 64: several trace words).
fn random_problem(rng: &mut ChaCha8Rng) -> Option<Problem> {
    let n = match rng.random_range(0..10) {
        0 => rng.random_range(65..=90),
        1..=3 => rng.random_range(1..=4),
        _ => rng.random_range(2..=40),
    };
    let total: u64 = match rng.random_range(0..10) {
        0 => rng.random_range(300..=3000),
        _ => rng.random_range(1..=300),
    };
    let style = rng.random_range(0..5);
    let weights: Vec<u64> = (0..n)
        .map(|_| match style {
            0 => rng.random_range(0..=4),
            1 => 7,
            2 => rng.random_range(1..=MAX_WEIGHT),
            3 => [0, 1, 2, 1_000, MAX_WEIGHT][rng.random_range(0..5)],
            _ => rng.random_range(1..=1000),
        })
        .collect();
    let lower: Vec<u64> = (0..n)
        .map(|_| if rng.random_range(0..3) == 0 { rng.random_range(0..=total / n as u64 + 2) } else { 0 })
        .collect();
    let upper: Vec<u64> = (0..n)
        .map(|i| {
            if rng.random_range(0..3) == 0 {
                lower[i] + rng.random_range(0..=2 * total / n as u64 + 1)
            } else {
                total
            }
        })
        .collect();
    Problem::with_bounds(weights, lower, upper, total, &|i| i.to_string()).ok()
}

#[test]
fn the_event_driven_run_makes_the_definitions_decisions() {
    let mut rng = ChaCha8Rng::seed_from_u64(19);
    let mut buffers = Buffers::default();
    let mut scratch = Scratch::default();
    let (mut problems, mut with_ties, mut with_fallback, mut seats) = (0, 0, 0, Vec::new());
    let (mut trace, mut want_trace) = (Vec::new(), Vec::new());
    let (mut fast_buffers, mut by_segments) = (fast::Fast::default(), 0);
    while problems < 6000 {
        let Some(p) = random_problem(&mut rng) else { continue };
        problems += 1;
        let want = reference::quota_method(&p, bounded_quotas(&p));
        let got = apportion(&p, Method::Quota);
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{p:?}");
        check_apportionment(&p, &got).unwrap();
        // The sweep path, with buffers carried over from other problems.
        apportion_seats(&p, Method::Quota, &mut scratch, &mut seats);
        assert_eq!(seats, want.seats, "{p:?}");
        seats_house_by_house(&p, &mut buffers, &mut seats);
        assert_eq!(seats, want.seats, "{p:?}");
        // By segments alone (when its last selection can be scheduled).
        if fast::seats(&p, &mut fast_buffers, &mut seats).is_ok() {
            assert_eq!(seats, want.seats, "{p:?}");
            by_segments += 1;
        }
        trace.clear();
        want_trace.clear();
        quota_trace(&p, &mut buffers, &mut trace);
        reference::quota_trace(&p, &mut want_trace);
        assert_eq!(trace, want_trace, "{p:?}");
        with_ties += usize::from(!want.ties.is_empty());
        let words = p.len().div_ceil(64);
        with_fallback += usize::from(want_trace.chunks(words + 1).any(|s| s[words] >> 32 == 0));
    }
    // The random problems reach the cases that matter.
    assert!(with_ties > 500, "{with_ties} problems with ties");
    assert!(with_fallback > 300, "{with_fallback} problems that used the fallback pool");
    eprintln!("{by_segments} of {problems} by segments alone");
    assert!(by_segments > 5000, "{by_segments} of {problems} by segments alone");
}

#[test]
fn a_large_house_runs_in_one_pass() {
    // 10,000 units and 10^6 slots (the apportion tool's limits): O(N log n), not O(N·n).
    let n = 10_000u64;
    let weights: Vec<u64> = (0..n).map(|i| 1_000_000 + (i * 7919) % 1_000_003).collect();
    let p = Problem::new(weights, 1_000_000).unwrap();
    let a = apportion(&p, Method::Quota);
    check_apportionment(&p, &a).unwrap();
    let mut out = Vec::new();
    quota_seats(&p, &mut Buffers::default(), &mut out);
    assert_eq!(out, a.seats);
}

#[test]
fn ten_thousand_equal_weights_tie_once_at_the_limits() {
    // Every slot has up to 9,999 rivals (10^10 in all, if collected slot by slot). At 995,000
    // slots every unit gets 99, then the last 5,000 slots go at claim 7/100 to the units
    // listed first; the other 5,000 lose that one tie.
    let p = Problem::new(vec![7; 10_000], 995_000).unwrap();
    let a = apportion(&p, Method::Quota);
    check_apportionment(&p, &a).unwrap();
    assert_eq!(a.seats, (0..10_000).map(|i| if i < 5_000 { 100 } else { 99 }).collect::<Vec<u64>>());
    assert_eq!(a.ties.len(), 1);
    assert_eq!(a.ties[0].priority.to_string(), "7/100");
    assert_eq!(a.ties[0].winners, (0..5_000).collect::<Vec<usize>>());
    assert_eq!(a.ties[0].losers, (5_000..10_000).collect::<Vec<usize>>());
    // With every unit's slots filled exactly, no tie decided a slot.
    let p = Problem::new(vec![7; 10_000], 1_000_000).unwrap();
    assert!(apportion(&p, Method::Quota).ties.is_empty());
}

#[test]
fn slots_can_come_back_along_a_line_of_weights() {
    // w(s) = a·(400 − s) + b·s, affine in s: the quota method gives [7, 1, 11, 3] at s = 340,
    // [7, 1, 12, 2] at 360 and [7, 1, 11, 3] again at 380. So equal slots at two weightings
    // do not prove them constant between (the one-at-a-time design compares traces instead).
    let (a, b) = ([47u64, 49, 75, 2], [58u64, 6, 91, 24]);
    let at = |s: u64| {
        let w: Vec<u64> = (0..4).map(|i| a[i] * (400 - s) + b[i] * s).collect();
        apportion(&Problem::new(w, 22).unwrap(), Method::Quota).seats
    };
    assert_eq!(at(340), [7, 1, 11, 3]);
    assert_eq!(at(360), [7, 1, 12, 2]);
    assert_eq!(at(380), [7, 1, 11, 3]);
}

/// A problem shaped like the bundled scenario but random: caps near the quotas (many stuck
/// houses late in the run), small floors, weights from tiny to the largest allowed, equal
/// weights, totals up to 5,000.
fn capped_problem(rng: &mut ChaCha8Rng) -> Option<Problem> {
    let n = rng.random_range(2..=70);
    let total: u64 = rng.random_range(1..=5000);
    let style = rng.random_range(0..4);
    let weights: Vec<u64> = (0..n)
        .map(|_| match style {
            0 => rng.random_range(1..=MAX_WEIGHT),
            1 => [1, 3, 1_000_003, MAX_WEIGHT][rng.random_range(0..4)],
            2 => rng.random_range(0..=20),
            _ => rng.random_range(1_000_000..=60_000_000),
        })
        .collect();
    let w_sum: u128 = weights.iter().map(|&w| w as u128).sum::<u128>().max(1);
    let lower: Vec<u64> = (0..n).map(|_| rng.random_range(0..=2)).collect();
    let upper: Vec<u64> = (0..n)
        .map(|i| {
            let quota = (total as u128 * weights[i] as u128 / w_sum) as u64;
            let cap = match rng.random_range(0..4) {
                0 => total,
                1 => quota + rng.random_range(0..=2),
                _ => quota * rng.random_range(50..=110) / 100,
            };
            cap.max(lower[i])
        })
        .collect();
    Problem::with_bounds(weights, lower, upper, total, &|i| i.to_string()).ok()
}

#[test]
fn the_slots_only_path_makes_the_definitions_slots_under_binding_caps() {
    let mut rng = ChaCha8Rng::seed_from_u64(1919);
    let (mut scratch, mut seats, mut fast_buffers) = (Scratch::default(), Vec::new(), fast::Fast::default());
    let (mut problems, mut stuck, mut by_segments) = (0, 0, 0);
    // Stuck houses of few units are found by a scan, of more by the tournament: both reached.
    let mut stuck_by = [0, 0];
    while problems < 3000 {
        let Some(p) = capped_problem(&mut rng) else { continue };
        problems += 1;
        let want = reference::quota_method(&p, bounded_quotas(&p));
        apportion_seats(&p, Method::Quota, &mut scratch, &mut seats);
        assert_eq!(seats, want.seats, "{p:?}");
        if fast::seats(&p, &mut fast_buffers, &mut seats).is_ok() {
            assert_eq!(seats, want.seats, "{p:?}");
            by_segments += 1;
        }
        let mut trace = Vec::new();
        reference::quota_trace(&p, &mut trace);
        let words = p.len().div_ceil(64);
        let many = trace.chunks(words + 1).filter(|s| s[words] >> 32 == 0).count() > 3;
        stuck += usize::from(many);
        stuck_by[usize::from(p.len() > fast::SCAN_UNITS)] += usize::from(many);
    }
    assert!(
        stuck_by.iter().all(|&c| c > 100),
        "problems with more than 3 stuck houses, scanned and not: {stuck_by:?}"
    );
    // Many problems with several stuck houses (the fallback's tournament), nearly all by
    // segments.
    assert!(stuck > 500, "{stuck} problems with more than 3 stuck houses");
    assert!(by_segments > 2900, "{by_segments} of {problems} by segments alone");
}
