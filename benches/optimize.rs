//! Benchmarks of the optimisation model on the bundled guarantee scenario: 37 units, 1039
//! slots, two regional group constraints (西部+东北 ≥ 29%, 东部 ≤ 50%) and change limits
//! against a previous allocation. Each iteration is a whole solve with inputs through
//! `black_box`: `slots` rows call `solve_slots` (validation, model, solution — what a sweep
//! needs), `report` rows call `solve` (plus objective, binding constraints in words, groups).
//!
//! `cargo bench --bench optimize` (add `--features highs` for the HiGHS rows).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::error::Location;
use quota::input::CsvTable;
use quota::optimize::{solve, solve_slots, Constraints, Objective, OptimizeSpec, PathChoice, Solver};
use quota::units::parse_units;

const TOTAL: u64 = 1039;

struct Instance {
    ideal: Vec<f64>,
    lower: Vec<u64>,
    upper: Vec<u64>,
    names: Vec<String>,
    constraints: Constraints,
}

fn instance() -> Instance {
    let units = parse_units(include_str!("../data/units.csv"), Location::file("units.csv")).unwrap();
    let t =
        CsvTable::parse(include_str!("../data/indicators.csv"), Location::file("indicators.csv")).unwrap();
    let n = units.len();
    let mut ideal = vec![0.0; n];
    for name in ["xiaojuren", "sme_above_scale", "cultivation"] {
        let c = t.column(name).unwrap();
        let v: Vec<f64> = (0..n).map(|r| t.non_negative(r, c).unwrap()).collect();
        let s: f64 = v.iter().sum();
        for i in 0..n {
            ideal[i] += TOTAL as f64 * v[i] / s / 3.0;
        }
    }
    let eligible = t.column("eligible_firms").unwrap();
    let upper: Vec<u64> = (0..n).map(|r| t.integer(r, eligible).unwrap()).collect();
    let lower = upper.iter().map(|&u| u64::from(u > 0)).collect();
    #[derive(serde::Deserialize)]
    struct Scenario {
        optimize: OptimizeSpec,
    }
    let spec: Scenario =
        toml::from_str(include_str!("../data/scenarios/2024-batch1-guarantees.toml")).unwrap();
    let constraints = spec.optimize.build(&units, &Location::file("scenario")).unwrap();
    let names = (0..n).map(|i| units.get(i).name_zh.clone()).collect();
    Instance { ideal, lower, upper, names, constraints }
}

fn bench(c: &mut Criterion) {
    let inst = instance();
    let mut solvers = vec![Solver::Microlp];
    if Solver::Highs.available() {
        solvers.push(Solver::Highs);
    }
    for objective in Objective::ALL {
        let mut cons = inst.constraints.clone();
        cons.objective = objective;
        cons.path = PathChoice::Fast;
        let mut out = Vec::new();
        c.bench_function(
            &format!("optimize fast slots {objective} 37 units 1039 slots 2 groups change limits"),
            |b| {
                b.iter(|| {
                    solve_slots(
                        black_box(&inst.ideal),
                        black_box(&inst.lower),
                        black_box(&inst.upper),
                        black_box(TOTAL),
                        black_box(&cons),
                        &inst.names,
                        &mut out,
                    )
                    .unwrap()
                })
            },
        );
        c.bench_function(
            &format!("optimize fast report {objective} 37 units 1039 slots 2 groups change limits"),
            |b| {
                b.iter(|| {
                    solve(
                        black_box(&inst.ideal),
                        black_box(&inst.lower),
                        black_box(&inst.upper),
                        black_box(TOTAL),
                        black_box(&cons),
                        &inst.names,
                    )
                    .unwrap()
                })
            },
        );
        for &solver in &solvers {
            cons.path = PathChoice::Lp;
            cons.solver = solver;
            c.bench_function(
                &format!(
                    "optimize lp {solver} report {objective} 37 units 1039 slots 2 groups change limits"
                ),
                |b| {
                    b.iter(|| {
                        solve(
                            black_box(&inst.ideal),
                            black_box(&inst.lower),
                            black_box(&inst.upper),
                            black_box(TOTAL),
                            black_box(&cons),
                            &inst.names,
                        )
                        .unwrap()
                    })
                },
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
