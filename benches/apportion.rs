//! Apportionment speed on the bundled default scenario: 37 units, 1039 slots, floors and caps
//! as in data/scenarios/2024-batch1.toml. `apportion` builds the full result (quotas, ties,
//! cut-off); `seats only` is the allocation-free path sweeps use.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::allocate::{scenario_problem, scenario_scores};
use quota::apportion::{apportion, apportion_seats, Method, Scratch};
use quota::scenario::Scenario;

fn bench(c: &mut Criterion) {
    let s = Scenario::bundled();
    let problem = scenario_problem(&s, &scenario_scores(&s)).unwrap();
    let mut group = c.benchmark_group("37 units 1039 slots");
    for m in Method::ALL {
        group.bench_function(format!("{m} apportion"), |b| b.iter(|| apportion(black_box(&problem), m)));
        let mut scratch = Scratch::default();
        let mut out = Vec::with_capacity(problem.len());
        group.bench_function(format!("{m} seats only"), |b| {
            b.iter(|| apportion_seats(black_box(&problem), m, &mut scratch, &mut out))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
