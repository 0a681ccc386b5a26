//! `quota::sweep::study`: every design through the one library call, with the library's
//! defaults — typed results checked against the allocation and against each other, the same
//! study on one and two threads, and the hooks (progress, cancellation, rows).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use std::path::Path;

use quota::allocate::allocate;
use quota::render::Format;
use quota::scenario::Scenario;
use quota::sweep::{
    study, DesignDetails, GridSpec, Hooks, MonteCarloSpec, OatSpec, SobolSpec, SweepError, SweepSpec,
    SweepStudy, Vary, WeightDraw, DEFAULT_SEED,
};

fn bundled() -> Scenario {
    Scenario::bundled()
}

/// Monte Carlo with the library's defaults but for the weights, which by default stay fixed
/// (and a sweep that varies nothing is refused).
fn monte_carlo() -> MonteCarloSpec {
    MonteCarloSpec { weights: WeightDraw::Dirichlet(50.0), scenarios: 20_000, ..MonteCarloSpec::default() }
}

fn specs() -> Vec<SweepSpec> {
    vec![
        SweepSpec::Grid(GridSpec::default()),
        SweepSpec::Oat(OatSpec::default()),
        SweepSpec::MonteCarlo(monte_carlo()),
        SweepSpec::Sobol(SobolSpec::default()),
    ]
}

fn on_threads(threads: usize, s: &Scenario, spec: &SweepSpec) -> Result<SweepStudy, SweepError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| study(s, spec, Hooks::default()))
}

/// What every design's summary satisfies: ordered statistics around the allocation's slots.
fn check_summary(s: &Scenario, r: &SweepStudy) {
    let alloc = allocate(s).unwrap();
    assert_eq!(r.units.len(), s.units().len());
    assert_eq!(r.scenario, "2024-batch1");
    assert_eq!(r.total, 1039);
    assert_eq!(r.stamp, None);
    assert_eq!(r.method, "hamilton");
    for (u, a) in r.units.iter().zip(&alloc.units) {
        assert_eq!(u.code, a.code);
        assert_eq!(u.baseline, a.slots, "{}", u.code);
        assert!(u.min <= u.p5 && u.p5 <= u.median && u.median <= u.p95 && u.p95 <= u.max, "{u:?}");
        assert!((u.min..=u.max).contains(&u.baseline), "{u:?}");
        assert!((0.0..=1.0).contains(&u.p_differ));
        assert_eq!(u.funding_min_wan, s.funding().funding(u.min).total_wan);
    }
    assert!(r
        .summary
        .starts_with("sweep of scenario 2024-batch1 — method hamilton — 1039 slots over 37 units — "));
    assert!(r.summary.ends_with(&format!("— {} scenarios evaluated", r.scenarios)), "{}", r.summary);
}

#[test]
fn every_design_runs_with_the_library_defaults() {
    let s = bundled();
    let columns = ["sme_above_scale", "xiaojuren", "cultivation"];

    let grid = on_threads(2, &s, &SweepSpec::Grid(GridSpec::default())).unwrap();
    check_summary(&s, &grid);
    assert_eq!(grid.design, DesignDetails::Grid { step: 0.05, points: 231 });
    assert_eq!((grid.scenarios, grid.infeasible), (231, 0));
    assert!(grid.oat.is_empty() && grid.sobol.is_none());
    let map = grid.simplex_map.as_ref().expect("three weights: a simplex map");
    assert_eq!((map.m, map.points.len()), (20, 231));
    assert_eq!(map.baseline, grid.units[map.unit].baseline);
    assert_eq!(grid.weights.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), columns);

    let oat = on_threads(2, &s, &SweepSpec::Oat(OatSpec::default())).unwrap();
    check_summary(&s, &oat);
    assert_eq!(oat.oat.iter().map(|f| f.factor.as_str()).collect::<Vec<_>>(), columns);
    assert_eq!(oat.scenarios, oat.oat.iter().map(|f| f.evaluations).sum::<u64>());
    for f in &oat.oat {
        assert!(f.proven);
        assert_eq!((f.lo, f.hi), (0.0, 1.0));
        for u in &f.units {
            // A unit's pieces cover the range without gaps.
            assert_eq!(u.pieces.first().unwrap().from, 0.0);
            assert_eq!(u.pieces.last().unwrap().to, 1.0);
            assert!(u.pieces.windows(2).all(|w| w[0].to == w[1].from && w[0].slots != w[1].slots));
        }
    }

    let mc = on_threads(2, &s, &SweepSpec::MonteCarlo(monte_carlo())).unwrap();
    check_summary(&s, &mc);
    let weights = WeightDraw::Dirichlet(50.0);
    assert_eq!(mc.design, DesignDetails::MonteCarlo { seed: DEFAULT_SEED, weights, noise_percent: None });
    assert_eq!(mc.scenarios, 20_000);

    let sobol = on_threads(2, &s, &SweepSpec::Sobol(SobolSpec::default())).unwrap();
    check_summary(&s, &sobol);
    let r = sobol.sobol.as_ref().unwrap();
    assert_eq!(r.factors, columns);
    assert_eq!((r.evaluations, sobol.scenarios), (4096 * 5, 4096 * 5));
    for u in &r.units {
        for (s1, st) in u.s1.iter().zip(&u.st) {
            if let (Some(s1), Some(st)) = (s1, st) {
                assert!((-0.2..=1.2).contains(s1) && (-0.2..=1.2).contains(st), "{u:?}");
            }
        }
    }
}

#[test]
fn a_study_does_not_depend_on_the_number_of_threads() {
    let s = bundled();
    let mut all = specs();
    all.push(SweepSpec::Grid(GridSpec {
        step: 0.1,
        paradoxes: true,
        vary: vec![Vary { factor: "西部".into(), lo: 1.0, hi: 1.2 }],
        ..GridSpec::default()
    }));
    all.push(SweepSpec::MonteCarlo(MonteCarloSpec {
        scenarios: 5_000,
        noise_percent: Some(5.0),
        seed: Some(7),
        paradoxes: true,
        ..monte_carlo()
    }));
    for spec in &all {
        let one = on_threads(1, &s, spec).unwrap();
        let two = on_threads(2, &s, spec).unwrap();
        assert_eq!(one, two, "{}", spec.name());
        let json = quota::render::sweep::render(&one, Format::Json).unwrap();
        assert_eq!(json, quota::render::sweep::render(&two, Format::Json).unwrap());
        assert!(json.starts_with("{\n  \"schema\": \"quota.sweep/1\",\n  \"summary\": "), "{}", spec.name());
    }
}

#[test]
fn hooks_report_progress_stop_on_request_and_receive_rows() {
    let s = bundled();
    let grid = SweepSpec::Grid(GridSpec { step: 0.02, ..GridSpec::default() });
    let last = AtomicU64::new(0);
    let progress = |done: u64, total: u64| {
        assert!(done <= total);
        last.fetch_max(done, Ordering::Relaxed);
    };
    let r = study(&s, &grid, Hooks { progress: Some(&progress), ..Hooks::default() }).unwrap();
    assert_eq!(last.load(Ordering::Relaxed), r.scenarios);

    let stop = AtomicBool::new(true);
    for spec in specs() {
        let hooks = Hooks { cancel: Some(&stop), ..Hooks::default() };
        assert!(matches!(study(&s, &spec, hooks), Err(SweepError::Cancelled)), "{}", spec.name());
    }

    let mut rows = Vec::new();
    let small = SweepSpec::Grid(GridSpec { step: 0.25, ..GridSpec::default() });
    let r = study(&s, &small, Hooks { rows: Some(&mut rows), ..Hooks::default() }).unwrap();
    let text = String::from_utf8(rows).unwrap();
    assert_eq!(text.lines().count() as u64, 1 + r.scenarios * 37);
    let oat = SweepSpec::Oat(OatSpec::default());
    let mut rows = Vec::new();
    let refused = study(&s, &oat, Hooks { rows: Some(&mut rows), ..Hooks::default() });
    assert!(matches!(refused, Err(SweepError::RowsNotKept)));
}

#[test]
fn specs_are_checked() {
    let s = bundled();
    let fixed = study(&s, &SweepSpec::MonteCarlo(MonteCarloSpec::default()), Hooks::default());
    assert!(matches!(fixed, Err(SweepError::BadParameter { .. })), "nothing varies");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/2024-batch1-guarantees.toml");
    let guarantees = Scenario::from_path(&path).unwrap();
    let paradoxes = SweepSpec::Grid(GridSpec { paradoxes: true, ..GridSpec::default() });
    assert!(matches!(study(&guarantees, &paradoxes, Hooks::default()), Err(SweepError::ParadoxesNeedMethod)));
    let unit = SweepSpec::Grid(GridSpec { map_unit: Some("99".into()), ..GridSpec::default() });
    assert!(matches!(study(&s, &unit, Hooks::default()), Err(SweepError::UnknownUnit { .. })));
    let vary = SweepSpec::Oat(OatSpec {
        vary: vec![Vary { factor: "cultivaton".into(), lo: 0.0, hi: 1.0 }],
        ..OatSpec::default()
    });
    assert!(matches!(study(&s, &vary, Hooks::default()), Err(SweepError::UnknownFactor { .. })));
    assert_eq!(SweepSpec::Sobol(SobolSpec { seed: Some(3), ..SobolSpec::default() }).seed(&s), Some(3));
    assert_eq!(SweepSpec::Grid(GridSpec::default()).seed(&s), None);
}
