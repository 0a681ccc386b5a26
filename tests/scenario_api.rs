//! The library's scenario API: the bundled scenario, loading from a path, and `with_*` edits
//! that re-validate (the result equals a scenario built from the edited file).

use quota::allocate::allocate;
use quota::apportion::Method;
use quota::scenario::{MethodChoice, Scenario};

fn slots(s: &Scenario) -> Vec<u64> {
    allocate(s).unwrap().units.iter().map(|u| u.slots).collect()
}

fn from_text(text: &str) -> Scenario {
    Scenario::from_toml("<edited>", text).unwrap()
}

#[test]
fn bundled_is_the_2024_first_batch() {
    let s = Scenario::bundled();
    assert_eq!((s.name(), s.total(), s.units().len()), ("2024-batch1", 1039, 37));
    assert_eq!(slots(&s).iter().sum::<u64>(), 1039);
}

#[test]
fn from_path_resolves_data_next_to_the_scenario() {
    let root = env!("CARGO_MANIFEST_DIR");
    let s = Scenario::from_path(&std::path::Path::new(root).join("data/scenarios/2024-batch1.toml")).unwrap();
    assert_eq!(slots(&s), slots(&Scenario::bundled()));
    let e = Scenario::from_path(std::path::Path::new("no/such.toml")).unwrap_err().to_string();
    assert!(e.contains("no/such.toml") && e.contains("cannot read"), "{e}");
}

#[test]
fn edits_equal_a_scenario_built_from_the_edited_file() {
    let base = Scenario::bundled();
    let text = quota::scenario::BUNDLED_SCENARIO;
    let edited = base.with_total(1241).unwrap();
    assert_eq!(edited.total(), 1241);
    assert_eq!(slots(&edited), slots(&from_text(&text.replace("total = 1039", "total = 1241"))));

    let webster = base.with_method(MethodChoice::Apportion(Method::Webster)).unwrap();
    assert_eq!(
        slots(&webster),
        slots(&from_text(&text.replace("method = \"hamilton\"", "method = \"webster\"")))
    );

    let weighted = base.with_weight("xiaojuren", 0.8).unwrap();
    let by_hand = from_text(&text.replace("weight = 0.40", "weight = 0.80"));
    assert_eq!(weighted.weights(), by_hand.weights());
    assert_eq!(weighted.model().normalised, by_hand.model().normalised);
    assert_eq!(slots(&weighted), slots(&by_hand));
    assert_ne!(slots(&weighted), slots(&base), "the weight reaches the allocation");

    let merged = base.with_merged_cities(true).unwrap();
    assert_eq!(merged.units().len(), 32);
}

#[test]
fn bad_edits_are_errors_that_name_the_key() {
    let base = Scenario::bundled();
    let e = base.with_weight("xiaojuern", 1.0).unwrap_err().to_string();
    assert!(e.contains("'xiaojuern' is not an indicator") && e.contains("did you mean 'xiaojuren'"), "{e}");
    let e = base.with_total(0).unwrap_err().to_string();
    assert!(e.contains("'total'") && e.contains("at least 1"), "{e}");
    let e = base.with_weights(&[1.0]).unwrap_err().to_string();
    assert!(e.contains("1 weights given for 3 indicators"), "{e}");
    assert!(base.with_weight("cultivation", -1.0).is_err());
}

#[test]
fn method_names_parse_with_a_suggestion() {
    assert_eq!(quota::scenario::parse_method("sainte-lague"), Ok(MethodChoice::Apportion(Method::Webster)));
    let e = quota::scenario::parse_method("webstr").unwrap_err();
    assert!(e.contains("did you mean 'webster'") && e.contains("optimize"), "{e}");
}

#[test]
fn a_regional_guarantee_in_code_moves_slots_west() {
    let base = Scenario::bundled();
    let west = |s: &Scenario| -> u64 {
        let a = allocate(s).unwrap();
        a.units.iter().filter(|u| u.region == quota::units::Region::West).map(|u| u.slots).sum()
    };
    let before = west(&base);
    let min = before + 40;
    let share = min as f64 / 1039.0;
    let group = quota::optimize::GroupSpec {
        region: Some("西部".into()),
        min_share: Some(share),
        ..Default::default()
    };
    let guaranteed = base.with_group(&group).unwrap();
    assert_eq!(guaranteed.method(), MethodChoice::Optimize);
    assert!(west(&guaranteed) >= (share * 1039.0).ceil() as u64, "{} < {min}", west(&guaranteed));
    let bad = quota::optimize::GroupSpec {
        region: Some("北方".into()),
        min_share: Some(0.3),
        ..Default::default()
    };
    assert!(base.with_group(&bad).is_err());
}

#[test]
fn one_indicator_value_changed_equals_the_edited_table() {
    let base = Scenario::bundled();
    let gd = base.units().position("44").unwrap();
    let column = base.indicators()[0].column.clone();
    let before = base.indicators()[0].values[gd];
    let edited = base.with_indicator_value(&column, "44", before * 2.0).unwrap();
    assert_eq!(edited.indicators()[0].values[gd], before * 2.0);
    assert!(edited.model().normalised[0][gd] > base.model().normalised[0][gd]);
    // The same as building from the table with that cell rewritten.
    let units =
        quota::units::parse_units(quota::scenario::BUNDLED_UNITS, quota::error::Location::file("u")).unwrap();
    let table = quota::indicators::IndicatorTable::parse(
        quota::scenario::BUNDLED_INDICATORS,
        quota::error::Location::file("i"),
        &units,
    )
    .unwrap()
    .with_value(gd, &column, before * 2.0)
    .unwrap();
    let rebuilt = Scenario::build(base.file(), &units, &table, quota::error::Location::file("s")).unwrap();
    assert_eq!(slots(&edited), slots(&rebuilt));
    assert_ne!(slots(&edited), slots(&base));
    // An unknown unit or column is an error that names it.
    let e = base.with_indicator_value(&column, "99", 1.0).unwrap_err().to_string();
    assert!(e.contains("'99'"), "{e}");
    let e = base.with_indicator_value("no_such_column", "44", 1.0).unwrap_err().to_string();
    assert!(e.contains("no_such_column"), "{e}");
    let e = base.with_indicator_value(&column, "44", -1.0).unwrap_err().to_string();
    assert!(e.contains(&column), "{e}");
}
