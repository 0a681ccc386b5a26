//! The bundled SYNTHETIC registry (`data/registry/firms.csv`): it is exactly the output of its
//! deterministic generator, and screening it on the 2024 first batch's application date gives
//! the `eligible_firms` caps of `data/indicators.csv`.

#[path = "../data/registry/generate.rs"]
mod generate;

use quota::eligibility::{screen, Registry, FIRST_BATCH_APPLICATION_DATE};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::units::parse_units;

const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");
const REGISTRY_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/registry/firms.csv");

#[test]
fn bundled_registry_is_the_generators_output() {
    let generated = generate::generate(UNITS, INDICATORS);
    if std::env::var_os("QUOTA_BLESS").is_some() {
        std::fs::write(REGISTRY_PATH, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(REGISTRY_PATH).unwrap();
    assert!(
        committed == generated,
        "data/registry/firms.csv differs from generate.rs output; regenerate with QUOTA_BLESS=1"
    );
    assert!(committed.starts_with("# SYNTHETIC firm registry"), "the file must say it is synthetic");
}

#[test]
fn eligible_counts_on_2024_07_31_equal_the_indicator_caps() {
    let units = parse_units(UNITS, Location::file("units.csv")).unwrap();
    let text = std::fs::read_to_string(REGISTRY_PATH).unwrap();
    let registry = Registry::parse(&text, Location::file("firms.csv"), &units).unwrap();
    assert!(registry.len() > 2000, "a few thousand firms: {}", registry.len());
    let caps = IndicatorTable::parse(INDICATORS, Location::file("indicators.csv"), &units)
        .unwrap()
        .integer_column("eligible_firms")
        .unwrap();
    let s = screen(&registry, FIRST_BATCH_APPLICATION_DATE);
    assert_eq!(s.eligible, caps);
    // Every rule excludes some firm, so the sample exercises all of them.
    for k in 0..7 {
        assert!(s.failing.iter().map(|f| f[k]).sum::<u64>() > 0, "rule #{k} never fails");
    }
}
