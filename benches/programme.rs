//! Benchmarks of the programme workloads on the bundled data: screening the SYNTHETIC registry,
//! running the three-batch programme, the cash flow alone, and rendering the xlsx table.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::allocate::allocate;
use quota::eligibility::{screen, Registry, FIRST_BATCH_APPLICATION_DATE};
use quota::error::Location;
use quota::programme::{self, cash_flow, BatchOutcome, Pool, Programme};
use quota::render::announcement::{self, Lang};
use quota::scenario::Scenario;
use quota::units::parse_units;

const UNITS: &str = include_str!("../data/units.csv");
const REGISTRY: &str = include_str!("../data/registry/firms.csv");
const PROGRAMME: &str = include_str!("../data/programme/148-2024-2026.toml");

fn benches(c: &mut Criterion) {
    let units = parse_units(UNITS, Location::file("units.csv")).unwrap();
    let scenario = Scenario::bundled();
    let registry = Registry::parse(REGISTRY, Location::file("firms.csv"), &units).unwrap();
    let prog = Programme::parse(PROGRAMME, Location::file("p.toml")).unwrap();
    let map: Vec<usize> = (0..units.len()).collect();
    let n = registry.len();

    c.bench_function(&format!("parse registry {n} firms 37 units"), |b| {
        b.iter(|| Registry::parse(black_box(REGISTRY), Location::file("firms.csv"), &units).unwrap())
    });
    c.bench_function(&format!("screen registry {n} firms"), |b| {
        b.iter(|| screen(black_box(&registry), black_box(FIRST_BATCH_APPLICATION_DATE)))
    });
    c.bench_function(&format!("plan 3 batches 3521 firms 37 units registry {n} firms"), |b| {
        b.iter(|| {
            let pool = Pool::Registry { registry: black_box(&registry), merge_map: &map };
            programme::run(black_box(&prog), &scenario, &scenario.file().bounds, pool).unwrap()
        })
    });
    let plan = programme::run(
        &prog,
        &scenario,
        &scenario.file().bounds,
        Pool::Registry { registry: &registry, merge_map: &map },
    )
    .unwrap();
    let outcomes: Vec<BatchOutcome> =
        plan.batches.iter().map(|b| BatchOutcome { year: b.batch.year, units: b.outcomes.clone() }).collect();
    c.bench_function("cash flow 3 batches 37 units", |b| {
        b.iter(|| cash_flow(scenario.funding(), 3, black_box(&outcomes), 37))
    });
    let alloc = allocate(&scenario).unwrap();
    let table = announcement::announcement(&scenario, &alloc, Lang::Zh, None, &[]);
    c.bench_function("xlsx announcement table 37 units", |b| {
        b.iter(|| announcement::xlsx(black_box(&table)).unwrap())
    });
}

criterion_group!(programme_benches, benches);
criterion_main!(programme_benches);
