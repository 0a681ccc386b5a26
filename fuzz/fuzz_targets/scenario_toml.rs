//! Any bytes as a scenario TOML over the bundled units and indicators: no panic, and what is
//! accepted allocates within its bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{MethodChoice, Scenario, ScenarioFile};
use quota::units::parse_units;

const UNITS: &str = include_str!("../../data/units.csv");
const INDICATORS: &str = include_str!("../../data/indicators.csv");

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = quota::input::decode_text(data, &Location::file("s.toml")) else { return };
    let units = parse_units(UNITS, Location::file("units.csv")).unwrap();
    let table = IndicatorTable::parse(INDICATORS, Location::file("indicators.csv"), &units).unwrap();
    let Ok(file) = ScenarioFile::parse(&text, Location::file("s.toml")) else { return };
    let Ok(s) = Scenario::build(&file, &units, &table, Location::file("s.toml")) else { return };
    if s.method == MethodChoice::Optimize {
        return;
    }
    if let Ok(a) = quota::allocate::allocate(&s) {
        assert_eq!(a.units.iter().map(|u| u.slots).sum::<u64>(), s.total);
    }
});
