//! Calibration speed on the bundled default scenario (37 units, 3 free weights, δ held, floors
//! and caps): the exact answer for a complete observation — consistency, central weighting,
//! each weight's range, the re-allocation checks — without the grid (`grid_points = 0`), for
//! one method and for every method; and the 天津 = 19 partial observation with its default
//! 20,000-weighting grid.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::allocate::allocate;
use quota::apportion::Method;
use quota::calibrate::{calibrate, CalibrateSpec};
use quota::error::Location;
use quota::observed::ObservedAllocation;
use quota::scenario::{MethodChoice, Scenario};

const TIANJIN: &str = include_str!("../data/observed/2024-batch1-tianjin.csv");

fn bundled() -> Scenario {
    Scenario::bundled()
}

/// The default allocation under `m`, as an observed-allocation file.
fn observed(s: &Scenario, m: Method) -> ObservedAllocation {
    let t = s.with_method(MethodChoice::Apportion(m)).unwrap();
    let mut csv = String::from("code,slots,status,source\n");
    for u in allocate(&t).unwrap().units {
        csv.push_str(&format!("{},{},assumed,bench\n", u.code, u.slots));
    }
    ObservedAllocation::parse(&csv, Location::file("bench")).unwrap()
}

fn bench(c: &mut Criterion) {
    let s = bundled();
    let mut group = c.benchmark_group("calibrate 37 units 3 weights");
    for m in [Method::Hamilton, Method::Webster] {
        let o = observed(&s, m);
        let slots = o.resolve(s.units(), &Location::file("bench")).unwrap();
        let spec = CalibrateSpec { methods: vec![m], grid_points: 0, ..CalibrateSpec::default() };
        group.bench_function(format!("{m} complete, exact, no grid"), |b| {
            b.iter(|| calibrate(black_box(&s), &o, &slots, &spec).unwrap())
        });
    }
    let o = observed(&s, Method::Hamilton);
    let slots = o.resolve(s.units(), &Location::file("bench")).unwrap();
    let all = CalibrateSpec { methods: Method::ALL.to_vec(), grid_points: 0, ..CalibrateSpec::default() };
    group.bench_function("all 8 methods complete, no grid", |b| {
        b.iter(|| calibrate(black_box(&s), &o, &slots, &all).unwrap())
    });
    let o = ObservedAllocation::parse(TIANJIN, Location::file("tianjin")).unwrap();
    let slots = o.resolve(s.units(), &Location::file("tianjin")).unwrap();
    let spec = CalibrateSpec { methods: vec![Method::Hamilton], ..CalibrateSpec::default() };
    group.finish();
    // The partial observation: grid witnesses, then the proof of every slot and weight range
    // (about half a second: ten samples).
    let mut partial = c.benchmark_group("calibrate partial");
    partial.sample_size(10);
    partial.bench_function("hamilton tianjin 19, grid 20000 and proof", |b| {
        b.iter(|| calibrate(black_box(&s), &o, &slots, &spec).unwrap())
    });
    partial.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
