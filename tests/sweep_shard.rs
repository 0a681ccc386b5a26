//! Sharded sweeps (`quota::sweep::shard` and `merge`): for every design, the partials of any
//! split — written to their JSON format and read back — merge into the study the unsharded
//! `study` gives, equal as a value and byte for byte in every rendered output; and a set of
//! partials that is not one whole sweep is refused with a message that says why.

use std::path::Path;

use quota::render;
use quota::scenario::Scenario;
use quota::sweep::{
    merge, shard, study, GridSpec, Hooks, MergeError, MonteCarloSpec, OatSpec, Partial, Shard, SobolSpec,
    SweepSpec, SweepStudy, Vary, WeightDraw,
};

fn specs() -> Vec<(&'static str, SweepSpec)> {
    let vary = vec![Vary { factor: "development_weight".into(), lo: 0.0, hi: 0.3 }];
    vec![
        ("grid", SweepSpec::Grid(GridSpec { step: 0.05, ..GridSpec::default() })),
        (
            "grid, a varied factor and paradoxes",
            SweepSpec::Grid(GridSpec {
                step: 0.1,
                vary: vary.clone(),
                paradoxes: true,
                ..GridSpec::default()
            }),
        ),
        ("oat", SweepSpec::Oat(OatSpec::default())),
        (
            "oat of the development weight and a region",
            SweepSpec::Oat(OatSpec {
                factors: vec!["development_weight".into(), "西部".into()],
                ..OatSpec::default()
            }),
        ),
        (
            "monte carlo",
            SweepSpec::MonteCarlo(MonteCarloSpec {
                scenarios: 10_000,
                weights: WeightDraw::Dirichlet(50.0),
                paradoxes: true,
                ..MonteCarloSpec::default()
            }),
        ),
        (
            "monte carlo with noise",
            SweepSpec::MonteCarlo(MonteCarloSpec {
                scenarios: 3_000,
                weights: WeightDraw::Uniform,
                noise_percent: Some(5.0),
                seed: Some(7),
                vary,
                ..MonteCarloSpec::default()
            }),
        ),
        ("sobol", SweepSpec::Sobol(SobolSpec { samples: 512, bootstrap: 30, ..SobolSpec::default() })),
    ]
}

/// Every output of a study, as the command writes them.
fn outputs(s: &SweepStudy) -> Vec<(String, Vec<u8>)> {
    let mut out = render::sweep::files(s).unwrap();
    out.push(("study.json".into(), render::json("sweep", s).unwrap().into_bytes()));
    out
}

/// The partials of a split into `n`, through their file format.
fn partials(s: &Scenario, spec: &SweepSpec, n: u64, stamp: &str) -> Vec<(String, Partial)> {
    (1..=n)
        .rev()
        .map(|k| {
            let mut p = shard(s, spec, Shard::new(k, n).unwrap(), Hooks::default()).unwrap();
            p.stamp = Some(stamp.into());
            let label = format!("part-{k}.json");
            let text = p.to_json().unwrap();
            assert_eq!(text.lines().count(), 1);
            (label.clone(), Partial::from_json(&label, &text).unwrap())
        })
        .collect()
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_for_every_design() {
    let s = Scenario::bundled();
    for (what, spec) in specs() {
        let whole = study(&s, &spec, Hooks::default()).unwrap();
        for n in [1, 3, 7] {
            let merged = merge(&s, partials(&s, &spec, n, "stamp"), Some("stamp")).unwrap();
            assert_eq!(merged, whole, "{what}, {n} shards");
            assert_eq!(outputs(&merged), outputs(&whole), "{what}, {n} shards");
        }
    }
}

#[test]
fn more_shards_than_work_items_still_merge() {
    // The one-at-a-time design over one factor has 64 work items (its initial intervals).
    let s = Scenario::bundled();
    let spec = SweepSpec::Oat(OatSpec { factors: vec!["cultivation".into()], ..OatSpec::default() });
    let whole = study(&s, &spec, Hooks::default()).unwrap();
    let ps = partials(&s, &spec, 100, "x");
    assert!(ps.iter().any(|(_, p)| p.items.from == p.items.to), "some shards are empty");
    assert_eq!(merge(&s, ps, None).unwrap(), whole);
}

#[test]
fn the_optimisation_model_merges_too() {
    let s = Scenario::from_path(Path::new("data/scenarios/2024-batch1-guarantees.toml")).unwrap();
    let spec = SweepSpec::Grid(GridSpec { step: 0.1, ..GridSpec::default() });
    let whole = study(&s, &spec, Hooks::default()).unwrap();
    assert!(whole.method.starts_with("optimize"), "{}", whole.method);
    assert_eq!(merge(&s, partials(&s, &spec, 4, "x"), None).unwrap(), whole);
}

fn err(s: &Scenario, ps: Vec<(String, Partial)>, stamp: Option<&str>) -> String {
    match merge(s, ps, stamp) {
        Ok(_) => panic!("merged"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn partials_that_are_not_one_whole_sweep_are_refused() {
    let s = Scenario::bundled();
    let spec = SweepSpec::Sobol(SobolSpec { samples: 128, bootstrap: 10, ..SobolSpec::default() });
    let ps = partials(&s, &spec, 4, "stamp A");
    let pick = |ks: &[usize]| ks.iter().map(|&k| ps[4 - k].clone()).collect::<Vec<_>>();
    assert_eq!(err(&s, pick(&[1, 3]), None), "2 of 4 shards missing: 2/4, 4/4 (have 1/4, 3/4)");
    assert_eq!(err(&s, pick(&[1, 2, 2, 3, 4]), None), "shard 2/4 given twice: part-2.json and part-2.json");
    assert!(matches!(merge(&s, vec![], None), Err(MergeError::Empty)));

    let other = partials(&s, &spec, 4, "stamp B");
    let mut mixed = pick(&[1, 2, 3]);
    mixed.push(other[0].clone());
    assert_eq!(
        err(&s, mixed, None),
        "part-4.json: made from other inputs than part-1.json (its stamp B; part-1.json's stamp A)"
    );
    let e = err(&s, pick(&[1, 2, 3, 4]), Some("stamp C"));
    assert!(e.starts_with("part-1.json: made from other inputs than the scenario given to merge"), "{e}");

    let seeded =
        SweepSpec::Sobol(SobolSpec { samples: 128, bootstrap: 10, seed: Some(9), ..SobolSpec::default() });
    let mut mixed = pick(&[1, 2, 3]);
    mixed.push(partials(&s, &seeded, 4, "stamp A")[0].clone());
    let e = err(&s, mixed, None);
    assert!(
        e.starts_with("part-4.json: a different sweep than part-1.json: the sobol parameters differ"),
        "{e}"
    );
    let mut mixed = pick(&[1, 2, 3]);
    mixed.push(partials(&s, &SweepSpec::Oat(OatSpec::default()), 4, "stamp A")[0].clone());
    assert_eq!(err(&s, mixed, None), "part-4.json: a different sweep than part-1.json: design oat vs sobol");

    let mut mixed = pick(&[1, 2]);
    mixed.extend(partials(&s, &spec, 3, "stamp A").into_iter().take(1));
    assert_eq!(
        err(&s, mixed, None),
        "part-3.json is shard 3/3 but part-1.json is shard 1/4: all shards must come from one split into N"
    );

    // A partial whose data does not fit: a slot count outside its unit's bounds.
    let mut bad = pick(&[1, 2, 3, 4]);
    if let quota::sweep::Work::Sobol(v) = &mut bad[2].1.work {
        v[5] = 1_000_000;
    }
    let e = err(&s, bad, None);
    assert!(e.starts_with("part-3.json: damaged partial: run value 5 (1000000 slots) is outside"), "{e}");

    // The same partials on another scenario: another stamp (when the caller checks it), and
    // here a design that no longer has the same number of work items.
    let merged = s.with_merged_cities(true).unwrap();
    let e = err(&merged, pick(&[1, 2, 3, 4]), None);
    assert!(e.starts_with("part-1.json: damaged partial: "), "{e}");
    eprintln!("{e}");
}

#[test]
fn partial_files_are_checked_before_they_are_read() {
    assert_eq!(
        Partial::from_json("a.json", "{\"schema\": \"quota.sweep-partial/2\"}").unwrap_err().to_string(),
        "a.json: partial format quota.sweep-partial/2; this quota reads quota.sweep-partial/1 (merge with the quota version that wrote it)"
    );
    assert_eq!(
        Partial::from_json("s.json", "{\"schema\": \"quota.sweep/1\"}").unwrap_err().to_string(),
        "s.json: not a quota sweep partial: its schema is \"quota.sweep/1\", not \"quota.sweep-partial/1\""
    );
    let e = Partial::from_json("x.csv", "code,slots\n").unwrap_err().to_string();
    assert!(e.starts_with("x.csv: not a quota sweep partial: "), "{e}");
    let e = Partial::from_json("t.json", "{\"schema\": \"quota.sweep-partial/1\", \"stamp\": null}")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.json: damaged partial: missing field"), "{e}");
}
