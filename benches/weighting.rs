//! Weighting speed on the bundled data: every data-driven scheme over 37 units × 5 indicators
//! (all numeric columns of data/indicators.csv), and AHP on Saaty's 8 × 8 house matrix.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quota::error::Location;
use quota::input::CsvTable;
use quota::weighting::{ahp, derive, parse_ahp_csv, AhpMethod, DeriveOptions, IndicatorMatrix, Scheme};

fn bench(c: &mut Criterion) {
    let t =
        CsvTable::parse(include_str!("../data/indicators.csv"), Location::file("indicators.csv")).unwrap();
    let columns = ["xiaojuren", "sme_above_scale", "cultivation", "gdp_per_capita", "eligible_firms"];
    let m = IndicatorMatrix::from_table(&t, "code", &columns).unwrap();
    let options = DeriveOptions::default();
    let mut group = c.benchmark_group("weights 37 units 5 indicators");
    for scheme in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
        group.bench_function(scheme.name(), |b| b.iter(|| derive(scheme, black_box(&m), &options).unwrap()));
    }
    group.finish();

    let house =
        parse_ahp_csv(include_str!("../data/ahp/saaty1990-house.csv"), Location::file("house")).unwrap();
    let mut group = c.benchmark_group("ahp 8 criteria");
    for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean] {
        group.bench_function(method.name(), |b| b.iter(|| ahp(black_box(&house), method, true).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
