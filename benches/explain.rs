//! Explanation speed on the bundled default scenario (37 units, 1039 slots, floors and caps):
//! the audit trail, next in line (10 each way), one unit's margins (a few thousand
//! re-allocations), the stamp's input hash, and the per-scenario paradox flags a sweep adds.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::allocate::{scenario_problem, scenario_scores};
use quota::apportion::{apportion, Method};
use quota::error::Location;
use quota::explain::{margins, next, trail, Base, ParadoxProbe};
use quota::scenario::{MethodChoice, Scenario, ScenarioFile};

const SCENARIO: &str = include_str!("../data/scenarios/2024-batch1.toml");
const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");

fn bundled(method: Method) -> Scenario {
    Scenario::bundled().with_method(MethodChoice::Apportion(method)).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("explain 37 units 1039 slots");
    for m in [Method::Hamilton, Method::Webster, Method::Quota] {
        let s = bundled(m);
        let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
        let base = Base::from_scenario(&s, &p);
        let seats = apportion(&p, m).seats;
        group.bench_function(format!("{m} trail"), |b| b.iter(|| trail::trail(black_box(&p), m)));
        group.bench_function(format!("{m} next in line 10"), |b| {
            b.iter(|| next::next_in_line(black_box(&base), m, 10).unwrap())
        });
        let u = s.units().position("44").unwrap();
        group.bench_function(format!("{m} margins of one unit"), |b| {
            b.iter(|| margins::margins(black_box(&s), m, u))
        });
        let mut probe = ParadoxProbe::new(&base, m);
        group.bench_function(format!("{m} paradox flags"), |b| b.iter(|| probe.flags(black_box(&p), &seats)));
    }
    let file = ScenarioFile::parse(SCENARIO, Location::file("s")).unwrap();
    group.bench_function("stamp input hash", |b| {
        b.iter(|| quota::stamp::inputs_hash(black_box(&file), UNITS, INDICATORS).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
