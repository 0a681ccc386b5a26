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
    // Brute force agrees: no weighting of a dense grid reproduces it.
    let dev = s.development_weight();
    let mut eval = Evaluator::new(&s, Method::Hamilton).unwrap();
    for p in dense(300) {
        let w = Weighting { weights: p, development_weight: dev };
        if let Some(got) = eval.slots(&w) {
            assert!(known.iter().zip(got).any(|(k, g)| k.is_some_and(|k| k != *g)));
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

const METHODS: [Method; 7] = [
    Method::Hamilton,
    Method::Jefferson,
    Method::Webster,
    Method::HuntingtonHill,
    Method::Adams,
    Method::Dean,
    Method::ModifiedWebster,
];

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
        let method = METHODS[method];
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
