//! Sharded Morris screening (plain and grouped) and Sobol with second-order indices or groups
//! (`quota::sweep::shard` and `merge`): for any split into N shards (from 1 to past the number
//! of work items, so some shards are empty) and any thread count, the partials — through their
//! JSON format — merge into the study the unsharded run gives, byte for byte in every output;
//! and partials that are not one whole sweep are refused, saying why.

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use quota::render;
use quota::scenario::Scenario;
use quota::sweep::{
    merge, shard, study, Hooks, MorrisSpec, Partial, Shard, SobolSpec, SweepSpec, SweepStudy, Vary, Work,
};

fn west() -> Vec<Vary> {
    vec![
        Vary { factor: "development_weight".into(), lo: 0.0, hi: 0.3 },
        Vary { factor: "西部".into(), lo: 0.8, hi: 1.5 },
        Vary { factor: "东部".into(), lo: 0.8, hi: 1.2 },
    ]
}

/// The designs, with their number of work items (trajectories or base samples).
fn specs() -> Vec<(&'static str, SweepSpec, u64)> {
    let morris = MorrisSpec { trajectories: 9, candidates: Some(30), bootstrap: 20, ..MorrisSpec::default() };
    let sobol = SobolSpec { samples: 96, bootstrap: 15, ..SobolSpec::default() };
    vec![
        ("morris", SweepSpec::Morris(morris.clone()), 9),
        (
            "morris with groups",
            SweepSpec::Morris(MorrisSpec {
                vary: west(),
                groups: vec![
                    ("区域差异".into(), vec!["西部".into(), "东部".into()]),
                    ("培育".into(), vec!["cultivation".into(), "xiaojuren".into()]),
                ],
                seed: Some(5),
                ..morris
            }),
            9,
        ),
        ("sobol, second order", SweepSpec::Sobol(SobolSpec { second_order: true, ..sobol.clone() }), 96),
        (
            "sobol, groups",
            SweepSpec::Sobol(SobolSpec {
                vary: west(),
                groups: vec![("区域差异".into(), vec!["西部".into(), "东部".into()])],
                ..sobol.clone()
            }),
            96,
        ),
        (
            "sobol, second order and groups",
            SweepSpec::Sobol(SobolSpec {
                vary: west(),
                second_order: true,
                groups: vec![("区域差异".into(), vec!["西部".into(), "东部".into()])],
                seed: Some(3),
                ..sobol
            }),
            96,
        ),
    ]
}

/// Every output of a study, as the command writes them.
fn outputs(s: &SweepStudy) -> Files {
    let mut out = render::sweep::files(s).unwrap();
    out.push(("study.json".into(), render::json("sweep", s).unwrap().into_bytes()));
    for f in [render::Format::Table, render::Format::Md, render::Format::Csv, render::Format::Json] {
        out.push((format!("{f:?}"), render::sweep::render(s, f).unwrap().into_bytes()));
    }
    out
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

/// The partials of a split into `n` on `threads` threads, through their file format, last
/// shard first.
fn partials(s: &Scenario, spec: &SweepSpec, n: u64, threads: usize) -> Vec<(String, Partial)> {
    pool(threads).install(|| {
        (1..=n)
            .rev()
            .map(|k| {
                let mut p = shard(s, spec, Shard::new(k, n).unwrap(), Hooks::default()).unwrap();
                p.stamp = Some("stamp".into());
                let label = format!("part-{k}.json");
                let text = p.to_json().unwrap();
                (label.clone(), Partial::from_json(&label, &text).unwrap())
            })
            .collect()
    })
}

/// Named output files.
type Files = Vec<(String, Vec<u8>)>;

/// The unsharded outputs of each design (one thread), computed once.
fn wholes() -> &'static HashMap<&'static str, (SweepStudy, Files)> {
    static WHOLES: OnceLock<HashMap<&'static str, (SweepStudy, Files)>> = OnceLock::new();
    WHOLES.get_or_init(|| {
        let s = Scenario::bundled();
        specs()
            .into_iter()
            .map(|(name, spec, _)| {
                let whole = pool(1).install(|| study(&s, &spec, Hooks::default())).unwrap();
                let out = outputs(&whole);
                (name, (whole, out))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_split_on_any_thread_count_merges_into_the_same_bytes(
        design in 0usize..5,
        extra in 0u64..4,
        pick in 0u64..1000,
        threads in 1usize..5,
        merge_threads in 1usize..4,
    ) {
        let s = Scenario::bundled();
        let (name, spec, items) = specs().swap_remove(design);
        // N from 1 to the number of work items, or past it (empty shards).
        let n = if extra == 3 { items + 1 + pick % 5 } else { 1 + pick % items };
        let (whole, bytes) = &wholes()[name];
        let ps = partials(&s, &spec, n, threads);
        prop_assert_eq!(ps.iter().any(|(_, p)| p.items.from == p.items.to), n > items);
        let merged = pool(merge_threads).install(|| merge(&s, ps, Some("stamp"))).unwrap();
        prop_assert_eq!(&merged, whole, "{}, {} shards, {} threads", name, n, threads);
        let got = outputs(&merged);
        prop_assert_eq!(got.len(), bytes.len());
        for ((f, a), (_, b)) in got.iter().zip(bytes) {
            prop_assert!(a == b, "{}: {} differs, {} shards on {} threads", name, f, n, threads);
        }
    }
}

#[test]
fn every_design_merges_at_the_edges_of_the_split() {
    let s = Scenario::bundled();
    for (name, spec, items) in specs() {
        let (whole, bytes) = &wholes()[name];
        for (n, threads) in [(1, 2), (items, 3), (items + 7, 1)] {
            let merged = merge(&s, partials(&s, &spec, n, threads), None).unwrap();
            assert_eq!(&merged, whole, "{name}, {n} shards");
            assert!(outputs(&merged) == *bytes, "{name}, {n} shards");
        }
    }
}

fn err(s: &Scenario, ps: Vec<(String, Partial)>) -> String {
    match merge(s, ps, None) {
        Ok(_) => panic!("merged"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn partials_that_are_not_one_whole_sweep_are_refused() {
    let s = Scenario::bundled();
    let all = specs();
    let (morris, grouped, second) = (&all[0].1, &all[1].1, &all[2].1);
    let ps = partials(&s, grouped, 3, 2); // part-3, part-2, part-1
    assert_eq!(err(&s, vec![ps[0].clone(), ps[2].clone()]), "1 of 3 shards missing: 2/3 (have 1/3, 3/3)");
    assert_eq!(
        err(&s, vec![ps[0].clone(), ps[1].clone(), ps[1].clone(), ps[2].clone()]),
        "shard 2/3 given twice: part-2.json and part-2.json"
    );
    // Another design: Morris and second-order Sobol.
    let mut mixed = ps.clone();
    mixed[1] = partials(&s, second, 3, 1)[1].clone();
    assert_eq!(err(&s, mixed), "part-2.json: a different sweep than part-3.json: design sobol vs morris");
    // The same design without groups, or with another seed.
    let mut mixed = ps.clone();
    mixed[1] = partials(&s, morris, 3, 1)[1].clone();
    let e = err(&s, mixed);
    assert!(
        e.starts_with("part-2.json: a different sweep than part-3.json: the morris parameters differ"),
        "{e}"
    );
    let SweepSpec::Morris(m) = grouped else { unreachable!() };
    let reseeded = SweepSpec::Morris(MorrisSpec { seed: Some(6), ..m.clone() });
    let mut mixed = ps.clone();
    mixed[2] = partials(&s, &reseeded, 3, 1)[2].clone();
    let e = err(&s, mixed);
    assert!(e.contains("\"seed\":6") && e.contains("\"seed\":5"), "{e}");
    // A Morris partial holding Sobol runs, or too few runs, or a slot count out of bounds.
    let mut bad = ps.clone();
    let Work::Morris(runs) = &bad[0].1.work else { panic!("a Morris partial holds Morris work") };
    bad[0].1.work = Work::Sobol(runs.clone());
    assert_eq!(err(&s, bad), "part-3.json: damaged partial: it holds another design's work");
    let mut bad = ps.clone();
    if let Work::Morris(v) = &mut bad[1].1.work {
        v.pop();
    }
    let e = err(&s, bad);
    assert!(
        e.starts_with("part-1.json: damaged partial: ") && e.contains("run values in all, expected"),
        "{e}"
    );
    let mut bad = ps.clone();
    if let Work::Morris(v) = &mut bad[2].1.work {
        v[3] = 99_999;
    }
    let e = err(&s, bad);
    assert!(e.starts_with("part-1.json: damaged partial: run value 3 (99999 slots) is outside"), "{e}");
    // Other inputs: the same partials on another scenario.
    let other = s.with_merged_cities(true).unwrap();
    let e = err(&other, ps);
    assert!(e.contains(": damaged partial: "), "{e}");
}
