//! The one-at-a-time design against brute force: the slots at thousands of points of the
//! range must be those of the piece that contains the point, and the slots must change across
//! every reported breakpoint (within the 1e-9 tolerance).

use quota::apportion::Method;
use quota::scenario::{Scenario, ScenarioFile};
use quota::sweep::eval::{Columns, Evaluator};
use quota::sweep::oat::{oat, OatResult};
use quota::sweep::{Factor, Space};

fn scenario(edit: &dyn Fn(&mut ScenarioFile)) -> Scenario {
    Scenario::bundled().edited(edit).unwrap()
}

fn slots_at(ev: &Evaluator<Method>, space: &Space, f: Factor, t: f64) -> Option<Vec<u64>> {
    let mut ws = ev.workspace(&space.base);
    space.set(&mut ws.params, f, t);
    ev.evaluate(&mut ws, Columns::Scenario).then(|| ws.slots.clone())
}

fn check(ev: &Evaluator<Method>, space: &Space, f: Factor, r: &OatResult, samples: usize) {
    assert!(r.proven);
    assert!((r.pieces[0].from - r.lo).abs() < 1e-15 && (r.pieces.last().unwrap().to - r.hi).abs() < 1e-15);
    for w in r.pieces.windows(2) {
        assert!((w[0].to - w[1].from).abs() < 1e-15, "pieces are contiguous");
        assert_ne!(w[0].slots, w[1].slots, "adjacent pieces differ");
    }
    let bps: Vec<f64> = r.pieces[1..].iter().map(|p| p.from).collect();
    for k in 0..=samples {
        let t = r.lo + (r.hi - r.lo) * k as f64 / samples as f64;
        if bps.iter().any(|b| (b - t).abs() < 2e-9) {
            continue;
        }
        let p = r.pieces.iter().find(|p| p.from <= t && t <= p.to).unwrap();
        assert_eq!(slots_at(ev, space, f, t), p.slots, "{} at t = {t}", r.factor);
    }
    // Across each breakpoint the slots change, and it is located to within 1e-9.
    for (i, w) in r.pieces.windows(2).enumerate() {
        let b = w[0].to;
        if w[0].to - w[0].from < 4e-9 || w[1].to - w[1].from < 4e-9 {
            continue;
        }
        assert_eq!(
            slots_at(ev, space, f, b - 1e-9),
            w[0].slots,
            "{} left of breakpoint {i} at {b}",
            r.factor
        );
        assert_eq!(
            slots_at(ev, space, f, b + 1e-9),
            w[1].slots,
            "{} right of breakpoint {i} at {b}",
            r.factor
        );
    }
}

#[test]
fn breakpoints_match_dense_sampling_for_every_method() {
    let s = scenario(&|_| {});
    let space = Space::new(&s);
    for m in [
        Method::Hamilton,
        Method::Webster,
        Method::Jefferson,
        Method::HuntingtonHill,
        Method::Adams,
        Method::Dean,
        Method::ModifiedWebster,
    ] {
        let ev = Evaluator::new(&s, &m, &space.base).unwrap();
        let f = space.resolve("cultivation").unwrap();
        let r = oat(&ev, &space, f, 0.0, 0.6).unwrap();
        assert!(r.pieces.len() > 50, "{m}: {} pieces", r.pieces.len());
        check(&ev, &space, f, &r, 4000);
    }
}

#[test]
fn disparity_factors_have_exact_pieces_too() {
    let s = scenario(&|_| {});
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &Method::Hamilton, &space.base).unwrap();
    for (name, lo, hi) in [("development_weight", 0.0, 0.5), ("西部", 0.8, 1.6)] {
        let f = space.resolve(name).unwrap();
        let r = oat(&ev, &space, f, lo, hi).unwrap();
        check(&ev, &space, f, &r, 3000);
    }
}

#[test]
fn the_quota_method_is_traced() {
    let s = scenario(&|f| f.total = 120);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &Method::Quota, &space.base).unwrap();
    let f = space.resolve("xiaojuren").unwrap();
    let r = oat(&ev, &space, f, 0.1, 0.7).unwrap();
    check(&ev, &space, f, &r, 1500);
}

/// The quota method on the bundled scenario (1039 slots): its pieces (found by the walk along
/// the winner paths, `sweep::oat_quota`) against 6,000 points, with far fewer evaluations than
/// the trace search's 1.6 million.
#[test]
fn the_quota_method_at_full_size_matches_dense_sampling() {
    let s = scenario(&|_| {});
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &Method::Quota, &space.base).unwrap();
    let f = space.resolve("cultivation").unwrap();
    let r = oat(&ev, &space, f, 0.0, 0.6).unwrap();
    assert_eq!(r.pieces.len(), 244);
    assert!(r.evaluations < 400_000, "{} evaluations", r.evaluations);
    check(&ev, &space, f, &r, 6000);
}

#[test]
fn the_baseline_value_lies_in_a_piece_with_the_baseline_slots() {
    let s = scenario(&|_| {});
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &Method::Hamilton, &space.base).unwrap();
    let f = space.resolve("xiaojuren").unwrap();
    let r = oat(&ev, &space, f, 0.0, 1.0).unwrap();
    let p = r.pieces.iter().find(|p| p.from <= 0.4 && 0.4 <= p.to).unwrap();
    assert_eq!(p.slots.as_ref(), Some(&ev.baseline));
}

/// With the quota method the one-at-a-time design reports its progress (one item per initial
/// interval) and stops when asked, like the other designs.
#[test]
fn the_quota_method_reports_progress_and_stops_on_request() {
    use quota::scenario::MethodChoice;
    use quota::sweep::oat::INITIAL_INTERVALS;
    use quota::sweep::{study, Hooks, OatSpec, SweepError, SweepSpec};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let s = Scenario::bundled().with_method(MethodChoice::Apportion(Method::Quota)).unwrap();
    let spec = SweepSpec::Oat(OatSpec {
        factors: vec!["cultivation".into(), "xiaojuren".into()],
        range: Some((0.2, 0.3)),
        ..OatSpec::default()
    });
    let (last, calls) = (AtomicU64::new(0), AtomicU64::new(0));
    let progress = |done: u64, total: u64| {
        assert_eq!(total, 2 * INITIAL_INTERVALS as u64);
        last.fetch_max(done, Ordering::Relaxed);
        calls.fetch_add(1, Ordering::Relaxed);
    };
    let r = study(&s, &spec, Hooks { progress: Some(&progress), ..Hooks::default() }).unwrap();
    assert!(r.scenarios > 0);
    assert_eq!(last.load(Ordering::Relaxed), 2 * INITIAL_INTERVALS as u64);
    assert_eq!(calls.load(Ordering::Relaxed), 2 * INITIAL_INTERVALS as u64);
    let stop = AtomicBool::new(true);
    let stopped = study(&s, &spec, Hooks { cancel: Some(&stop), ..Hooks::default() });
    assert!(matches!(stopped, Err(SweepError::Cancelled)));
}
