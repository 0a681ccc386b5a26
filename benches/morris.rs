//! Morris screening workloads: the bundled 2024 first-batch scenario with its 3 weights, δ and
//! the 4 region multipliers (8 factors), and the same units with 15 indicator weights (the 3
//! bundled columns and 12 derived ones), δ and the 4 multipliers: 20 factors × 50
//! trajectories, the optimised selection from 200 candidates included.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::sweep::{study, Hooks, MorrisSpec, SweepSpec, Vary};

const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");
const SCENARIO: &str = include_str!("../data/scenarios/2024-batch1.toml");

/// The bundled indicators with 12 more columns `x1`…`x12`: bundled column j mod 3 scaled by a
/// unit- and column-dependent factor in [1, 2.48] (so the columns differ).
fn wide_indicators() -> String {
    let mut out = String::new();
    for (i, line) in INDICATORS.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let cells: Vec<&str> = line.split(',').collect();
        out.push_str(line);
        for j in 1..=12 {
            if cells[0] == "code" {
                out.push_str(&format!(",x{j}"));
            } else {
                let base: f64 = cells[2 + (j % 3)].parse().unwrap_or(0.0);
                let f = 1.0 + 0.37 * ((i * 7 + j * 3) % 5) as f64;
                out.push_str(&format!(",{:.3}", base * f));
            }
        }
        out.push('\n');
    }
    out
}

fn scenario(indicators: &str, toml: &str) -> Scenario {
    let at = Location::file("bench");
    let units = quota::units::parse_units(UNITS, at.clone()).unwrap();
    let ind = IndicatorTable::parse(indicators, at.clone(), &units).unwrap();
    let f = ScenarioFile::parse(toml, at.clone()).unwrap();
    Scenario::build(&f, &units, &ind, at).unwrap()
}

/// The bundled scenario with 12 more indicators of weight 0.05 each (the bundled three scaled
/// to 0.4 in all).
fn wide_scenario() -> Scenario {
    let mut toml = SCENARIO
        .replace("weight = 0.35", "weight = 0.14")
        .replace("weight = 0.40", "weight = 0.16")
        .replace("weight = 0.25", "weight = 0.10");
    let at = toml.find("[disparity]").unwrap();
    let extra: String = (1..=12)
        .map(|j| format!("[[indicator]]\ncolumn = \"x{j}\"\nlabel = \"x{j}\"\nweight = 0.05\nnormalise = \"share\"\nmerge = \"sum\"\n\n"))
        .collect();
    toml.insert_str(at, &extra);
    scenario(&wide_indicators(), &toml)
}

fn disparity() -> Vec<Vary> {
    let mut v = vec![Vary { factor: "development_weight".into(), lo: 0.0, hi: 0.3 }];
    for r in ["东部", "中部", "西部", "东北"] {
        v.push(Vary { factor: r.into(), lo: 0.8, hi: 1.5 });
    }
    v
}

fn morris(c: &mut Criterion) {
    let mut g = c.benchmark_group("morris, 37 units 1039 slots");
    g.sample_size(10);
    let bundled = scenario(INDICATORS, SCENARIO);
    let spec = SweepSpec::Morris(MorrisSpec { trajectories: 50, vary: disparity(), ..MorrisSpec::default() });
    g.bench_function("8 factors x 50 trajectories (of 200 candidates)", |b| {
        b.iter(|| black_box(study(&bundled, &spec, Hooks::default()).unwrap().scenarios))
    });
    let wide = wide_scenario();
    g.bench_function("20 factors x 50 trajectories (of 200 candidates)", |b| {
        b.iter(|| black_box(study(&wide, &spec, Hooks::default()).unwrap().scenarios))
    });
    g.finish();
}

criterion_group!(benches, morris);
criterion_main!(benches);
