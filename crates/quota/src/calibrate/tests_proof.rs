//! Tests of the proven slot ranges of partial observations (`calibrate::proof`): every range
//! contains what a dense brute-force search and random weightings find, the bundled 天津
//! observation is answered exactly, an impossible observation is proved so, and round trips at
//! random weightings keep the true slots inside the proof under every supported method.

use proptest::prelude::*;

use super::tests::{allocation, bundled, observe, spec};
use super::*;

/// Free coordinates of three weights summing to 1 on a grid of step 1/m, every point.
fn dense(m: u32) -> impl Iterator<Item = Vec<f64>> {
    (0..=m).flat_map(move |a| {
        (0..=m - a).map(move |b| {
            let (a, b) = (a as f64 / m as f64, b as f64 / m as f64);
            vec![a, b, (1.0 - a - b).max(0.0)]
        })
    })
}

fn tianjin(s: &Scenario, x: u64) -> (usize, Vec<Option<u64>>) {
    let t = s.units.position("12").unwrap();
    let mut known = vec![None; s.units.len()];
    known[t] = Some(x);
    (t, known)
}

#[test]
fn tianjin_19_slot_ranges_are_exact_and_hold_on_a_dense_grid() {
    let s = bundled();
    let (t, known) = tianjin(&s, 19);
    let (o, slots) = observe(&s, &known, Some(1039));
    let cal = calibrate(&s, &o, &slots, &spec(&[Method::Hamilton])).unwrap();
    let c = &cal.methods[0];
    assert!(c.boxes > 0);
    assert!(c.slot_ranges.iter().all(|r| r.exact), "every range proved exact on the bundled scenario");
    // A grid of 80,000 weightings (40 times the calibration's) never leaves a proved range,
    // and reaches both ends of every one (the ends are witnessed cells, most far wider than
    // 1/400).
    let dev = s.development_weight();
    let mut eval = Evaluator::new(&s, Method::Hamilton).unwrap();
    let n = s.units.len();
    let (mut lo, mut hi) = (vec![u64::MAX; n], vec![0u64; n]);
    // The weight ranges are proved to within 10⁻⁵ of the witnessed ones.
    for r in &c.ranges {
        let (a, b) = (r.proven_min.unwrap(), r.proven_max.unwrap());
        assert!(a <= r.min && r.min - a < 1e-5 && r.max <= b && b - r.max < 1e-5, "{}: {a}–{b}", r.name);
    }
    for p in dense(400) {
        let w = Weighting { weights: p.clone(), development_weight: dev };
        let Some(got) = eval.slots(&w) else { continue };
        if got[t] != 19 {
            continue;
        }
        for (r, v) in c.ranges.iter().zip(&p) {
            assert!(
                r.proven_min.unwrap() <= *v && *v <= r.proven_max.unwrap(),
                "{} {v} outside the proof",
                r.name
            );
        }
        for (i, r) in c.slot_ranges.iter().enumerate() {
            let (a, b) = (r.proven_min.unwrap(), r.proven_max.unwrap());
            assert!(a <= got[i] && got[i] <= b, "{}: {} outside the proved {a}–{b}", r.code, got[i]);
            lo[i] = lo[i].min(got[i]);
            hi[i] = hi[i].max(got[i]);
        }
    }
    let reached =
        c.slot_ranges.iter().enumerate().filter(|(i, r)| lo[*i] == r.min && hi[*i] == r.max).count();
    assert!(reached >= n - 3, "the dense grid reaches both ends of most ranges ({reached} of {n})");
}

#[test]
fn an_observation_no_weighting_gives_is_proved_inconsistent() {
    // With 天津 at 19, 北京 gets 21–35 (the test above): 40 is impossible, and the proof says so
    // where the grid can only say it found nothing.
    let s = bundled();
    let (_, mut known) = tianjin(&s, 19);
    known[s.units.position("11").unwrap()] = Some(40);
    let (o, slots) = observe(&s, &known, Some(1039));
    let cal = calibrate(&s, &o, &slots, &spec(&[Method::Hamilton, Method::Webster])).unwrap();
    for c in &cal.methods {
        assert_eq!((c.verdict, c.basis), (Verdict::Inconsistent, Basis::Boxes), "{}", c.method);
        assert!(c.nearest.is_some(), "{}: the nearest explanation is still given", c.method);
    }
    // Under Hamilton the nearest fit is proved the best possible: 2 slots.
    let h = &cal.methods[0].nearest.as_ref().unwrap();
    assert_eq!((h.l1, h.proven_min_l1), (2, Some(2)));
    // Brute force agrees: no weighting of a dense grid reproduces it, none misses fewer than 2.
    let dev = s.development_weight();
    let mut eval = Evaluator::new(&s, Method::Hamilton).unwrap();
    let mut fewest = u64::MAX;
    for p in dense(300) {
        let w = Weighting { weights: p, development_weight: dev };
        if let Some(got) = eval.slots(&w) {
            let miss: u64 = known.iter().zip(got).filter_map(|(k, g)| k.map(|k| k.abs_diff(*g))).sum();
            assert!(miss > 0);
            fewest = fewest.min(miss);
        }
    }
    assert!(fewest >= 2, "the grid finds a fit missing {fewest}");
}

#[test]
fn the_nearest_fit_to_another_programme_is_proved_best_under_hamilton() {
    // The previous programme's continuing lists (37 units, 1,188 firms), without bounds: no
    // weighting reproduces them; the best fit misses 430 slots, and none misses fewer.
    let s = bundled();
    let text = include_str!("../../../../data/observed/2021-programme-continuing-2024.csv");
    let o = ObservedAllocation::parse(text, crate::error::Location::file("continuing")).unwrap();
    let slots = o.resolve(s.units(), &crate::error::Location::file("continuing")).unwrap();
    let sp = CalibrateSpec { bounds: Bounds::None, grid_points: 20_000, ..spec(&[Method::Hamilton]) };
    let c = &calibrate(&s, &o, &slots, &sp).unwrap().methods[0];
    assert_eq!(c.verdict, Verdict::Inconsistent);
    let n = c.nearest.as_ref().unwrap();
    assert_eq!(n.proven_min_l1, Some(n.l1), "proved the best possible ({} slots)", n.l1);
    // A dense grid finds nothing better.
    let mut t = s.clone();
    t.total = 1188;
    t.floors = vec![0; s.units.len()];
    t.caps = vec![1188; s.units.len()];
    let mut eval = Evaluator::new(&t, Method::Hamilton).unwrap();
    let dev = s.development_weight();
    for p in dense(200) {
        if let Some(got) = eval.slots(&Weighting { weights: p, development_weight: dev }) {
            let miss: u64 = slots.slots.iter().zip(got).filter_map(|(k, g)| k.map(|k| k.abs_diff(*g))).sum();
            assert!(miss >= n.l1, "the grid misses only {miss}");
        }
    }
}

#[test]
fn the_quota_method_has_no_proof_and_says_so() {
    let s = bundled();
    let (_, known) = tianjin(&s, 19);
    let (o, slots) = observe(&s, &known, Some(1039));
    let sp = CalibrateSpec { grid_points: 300, ..spec(&[Method::Quota]) };
    let c = &calibrate(&s, &o, &slots, &sp).unwrap().methods[0];
    assert_eq!(c.boxes, 0);
    assert!(c.slot_ranges.iter().all(|r| r.proven_min.is_none() && (r.exact == r.observed.is_some())));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 14, ..ProptestConfig::default() })]

    /// Allocate at a random weighting, observe three units, calibrate: the proof contains the
    /// true slots of every unit, and the witnesses lie within the proof.
    #[test]
    fn round_trip_the_truth_lies_within_the_proof(
        a in 0.0f64..1.0, b in 0.0f64..1.0, method in 0usize..7,
        picks in proptest::collection::btree_set(0usize..37, 3),
    ) {
        let s = bundled();
        let (a, b) = if a + b > 1.0 { (1.0 - a, 1.0 - b) } else { (a, b) };
        let truth = Weighting { weights: vec![a, b, 1.0 - a - b], development_weight: s.development_weight() };
        let proved: Vec<Method> = Method::ALL.into_iter().filter(|&m| proof::Prover::supports(m)).collect();
        let method = proved[method % proved.len()];
        let x = allocation(&s, &truth, method);
        let known: Vec<Option<u64>> = x.iter().enumerate().map(|(i, &v)| picks.contains(&i).then_some(v)).collect();
        let (o, slots) = observe(&s, &known, Some(1039));
        let sp = CalibrateSpec { grid_points: 500, ..spec(&[method]) };
        let c = &calibrate(&s, &o, &slots, &sp).unwrap().methods[0];
        prop_assert_eq!(c.verdict, Verdict::Witnessed);
        for (r, &v) in c.slot_ranges.iter().zip(&x) {
            let (lo, hi) = (r.proven_min.unwrap(), r.proven_max.unwrap());
            prop_assert!(lo <= v && v <= hi, "{} {}: truth {} outside {}–{}", method.name(), r.code, v, lo, hi);
            prop_assert!(lo <= r.min && r.max <= hi);
            prop_assert_eq!(r.exact, lo == r.min && hi == r.max);
        }
    }
}
