//! Sweep workloads on the bundled 2024 first-batch scenario (37 units, 1039 slots): one
//! scenario evaluation per method, a grid, a Monte Carlo run and a Sobol analysis.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quota::apportion::Method;
use quota::scenario::Scenario;
use quota::sweep::eval::{Columns, Evaluator, Rule};
use quota::sweep::grid::Grid;
use quota::sweep::montecarlo::{MonteCarlo, WeightDraw};
use quota::sweep::run::run;
use quota::sweep::sobol::{sobol, SobolOptions};
use quota::sweep::Hooks;
use quota::sweep::Space;

fn scenario() -> Scenario {
    Scenario::bundled()
}

/// One scenario through the optimisation model (the guarantees scenario: two region groups
/// and change limits, laminar, so the fast path solves it).
fn evaluate_optimize(c: &mut Criterion) {
    let s = Scenario::from_toml(
        "2024-batch1-guarantees.toml",
        include_str!("../data/scenarios/2024-batch1-guarantees.toml"),
    )
    .unwrap();
    let space = Space::new(&s);
    let rule = Rule::of(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let mut ws = ev.workspace(&space.base);
    let mut g = c.benchmark_group("evaluate one scenario, 37 units 1039 slots");
    g.throughput(Throughput::Elements(100));
    g.bench_function(BenchmarkId::new("100 weight vectors", "optimize (l1, guarantees)"), |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for k in 0..100 {
                let a = k as f64 / 100.0 * 0.3;
                ws.params.weights.copy_from_slice(&[0.35 + a, 0.4 - a, 0.25]);
                ev.evaluate(&mut ws, black_box(Columns::Scenario));
                acc += ws.slots[0];
            }
            black_box(acc)
        })
    });
    g.finish();
}

fn evaluate(c: &mut Criterion) {
    let s = scenario();
    let space = Space::new(&s);
    let mut g = c.benchmark_group("evaluate one scenario, 37 units 1039 slots");
    g.throughput(Throughput::Elements(1000));
    for m in [Method::Hamilton, Method::Webster, Method::HuntingtonHill] {
        let ev = Evaluator::new(&s, &m, &space.base).unwrap();
        let mut ws = ev.workspace(&space.base);
        g.bench_function(BenchmarkId::new("1000 weight vectors", m.name()), |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for k in 0..1000 {
                    let a = k as f64 / 1000.0 * 0.3;
                    ws.params.weights.copy_from_slice(&[0.35 + a, 0.4 - a, 0.25]);
                    ev.evaluate(&mut ws, black_box(Columns::Scenario));
                    acc += ws.slots[0];
                }
                black_box(acc)
            })
        });
    }
    g.finish();
}

fn designs(c: &mut Criterion) {
    let s = scenario();
    let mut space = Space::new(&s);
    let mut g = c.benchmark_group("sweep designs, 37 units 1039 slots");
    g.sample_size(10);
    for m in [Method::Hamilton, Method::Webster] {
        let ev = Evaluator::new(&s, &m, &space.base).unwrap();
        let grid = Grid::new(&space, 0.005, u64::MAX).unwrap();
        g.throughput(Throughput::Elements(20301));
        g.bench_function(BenchmarkId::new("grid step 0.005 (20301 scenarios)", m.name()), |b| {
            b.iter(|| run(&ev, &space, black_box(&grid), Hooks::default(), None).unwrap())
        });
        let mc = MonteCarlo::new(&space, 100_000, 7, WeightDraw::Dirichlet(50.0), None).unwrap();
        g.throughput(Throughput::Elements(100_000));
        g.bench_function(BenchmarkId::new("monte-carlo dirichlet(50), 100000 scenarios", m.name()), |b| {
            b.iter(|| run(&ev, &space, black_box(&mc), Hooks::default(), None).unwrap())
        });
    }
    // Sobol with 4 factors (3 weights and the development weight), N = 2^14, 100 resamples.
    space.vary(quota::sweep::Factor::DevelopmentWeight, 0.05, 0.15).unwrap();
    let ev = Evaluator::new(&s, &Method::Hamilton, &space.base).unwrap();
    let opt = SobolOptions { samples: 1 << 14, bootstrap: 100, seed: 1, relative: (0.5, 1.5) };
    g.throughput(Throughput::Elements(6 << 14));
    g.bench_function("sobol 4 factors N=2^14 with analysis, hamilton", |b| {
        b.iter(|| sobol(&ev, &space, black_box(&opt), Hooks::default()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, evaluate, evaluate_optimize, designs);
criterion_main!(benches);
