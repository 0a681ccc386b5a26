//! Apportionment speed on the bundled default scenario: 37 units, 1039 slots, floors and caps
//! as in data/scenarios/2024-batch1.toml. `apportion` builds the full result (quotas, ties,
//! cut-off); `seats only` is the allocation-free path sweeps use. The second group is the
//! quota method's full result at the `apportion` tool's limits (10,000 rows, 10^6 seats).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::allocate::{scenario_problem, scenario_scores};
use quota::apportion::{apportion, apportion_seats, Method, Problem, Scratch};
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

fn at_the_limits(c: &mut Criterion) {
    let mut group = c.benchmark_group("10000 rows 10^6 seats");
    group.sample_size(10);
    let cases = [
        (
            "quota full, distinct weights",
            (0..10_000u64).map(|i| 1_000_000 + (i * 7919) % 1_000_003).collect(),
            1_000_000,
        ),
        ("quota full, weights 1..97 (ties)", (0..10_000u64).map(|i| i % 97 + 1).collect(), 1_000_000),
        ("quota full, equal weights (one tie of 5,000)", vec![7u64; 10_000], 995_000),
    ];
    for (name, weights, seats) in cases {
        let problem = Problem::new(weights, seats).unwrap();
        group.bench_function(name, |b| b.iter(|| apportion(black_box(&problem), Method::Quota)));
    }
    group.finish();
}

criterion_group!(benches, bench, at_the_limits);
criterion_main!(benches);
