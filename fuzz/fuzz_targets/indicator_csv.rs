//! Any bytes as the indicator table of the bundled scenario: no panic; what is accepted
//! allocates, and the data-driven weights are a distribution or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::parse_units;
use quota::weighting::{derive, DeriveOptions, IndicatorMatrix, Scheme};

const UNITS: &str = include_str!("../../data/units.csv");
const SCENARIO: &str = include_str!("../../data/scenarios/2024-batch1.toml");

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = quota::input::decode_text(data, &Location::file("i.csv")) else { return };
    let units = parse_units(UNITS, Location::file("units.csv")).unwrap();
    let Ok(table) = IndicatorTable::parse(&text, Location::file("i.csv"), &units) else { return };
    let file = ScenarioFile::parse(SCENARIO, Location::file("s.toml")).unwrap();
    let Ok(s) = Scenario::build(&file, &units, &table, Location::file("s.toml")) else { return };
    let _ = quota::allocate::allocate(&s);
    let rows = (0..s.units.len()).map(|u| s.indicators.iter().map(|i| i.values[u]).collect()).collect();
    let codes = s.units.as_slice().iter().map(|u| u.code.clone()).collect();
    let names = s.indicators.iter().map(|i| i.column.clone()).collect();
    if let Ok(m) = IndicatorMatrix::new(names, codes, rows) {
        for scheme in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
            if let Ok(w) = derive(scheme, &m, &DeriveOptions::default()) {
                assert!(w.weights.iter().all(|x| x.is_finite() && *x >= 0.0));
            }
        }
    }
});
