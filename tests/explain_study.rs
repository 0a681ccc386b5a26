//! `quota explain` as one library call: [`quota::explain::explain`] resolves the unit however
//! it is named, checks the population paradox against a second data set, and returns every
//! verdict the outputs print as a typed field — checked here against the definitions, from
//! the explanation's own numbers and from independent re-allocations. The JSON document is
//! the explanation's serialisation with a schema field first.

mod common;

use std::path::Path;

use quota::allocate::allocate;
use quota::apportion::{Method, Ratio};
use quota::error::Location;
use quota::explain::optimize_trail::HamiltonVerdict;
use quota::explain::paradox::ViolationCause;
use quota::explain::{explain, ExplainError, ExplainOptions, Explanation, OtherData, UnitRef};
use quota::indicators::IndicatorTable;
use quota::scenario::{MethodChoice, Scenario};
use quota::units::parse_units;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn scenario_file(path: &str) -> Scenario {
    Scenario::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn bundled(method: MethodChoice) -> Scenario {
    Scenario::bundled().with_method(method).unwrap()
}

fn guarantees() -> Scenario {
    common::scenario("2024-batch1-guarantees")
}

/// Scenario `s` (its file as edited) on the bundled units and other indicator values.
fn on_indicators(s: &Scenario, indicators: &str) -> Scenario {
    let units = parse_units(&read("data/units.csv"), Location::file("u")).unwrap();
    let ind = IndicatorTable::parse(indicators, Location::file("i"), &units).unwrap();
    Scenario::build(s.file(), &units, &ind, Location::file("i")).unwrap()
}

fn opts(unit: Option<UnitRef>, paradoxes: bool) -> ExplainOptions {
    ExplainOptions { unit, margins: false, paradoxes, ..Default::default() }
}

/// Whether `x` is within `[⌊q⌋, ⌈q⌉]`.
fn within(x: u64, q: Ratio) -> bool {
    let x = x as u128;
    q.num / q.den <= x && x <= q.num.div_ceil(q.den)
}

#[test]
fn a_unit_is_found_by_code_chinese_short_and_english_name_or_index() {
    let s = bundled(MethodChoice::Apportion(Method::Hamilton));
    let gd = s.units().position("44").unwrap();
    for key in ["44", "广东省", "广东", "Guangdong", "guangdong", " 44 "] {
        let ex = explain(&s, &opts(Some(key.into()), false)).unwrap();
        assert_eq!(ex.unit(), Some(gd), "{key}");
        let d = ex.derivation.as_ref().unwrap();
        assert_eq!((d.code.as_str(), d.name.as_str(), d.name_en.as_str()), ("44", "广东省", "Guangdong"));
    }
    assert_eq!(explain(&s, &opts(Some(UnitRef::Index(gd)), false)).unwrap().unit(), Some(gd));
    let sz = s.units().position("4403").unwrap();
    assert_eq!(explain(&s, &opts(Some("深圳市".into()), false)).unwrap().unit(), Some(sz));

    let e = explain(&s, &opts(Some("99".into()), false)).unwrap_err();
    assert!(matches!(&e, ExplainError::UnknownUnit { key, .. } if key == "99"), "{e}");
    assert!(e.to_string().contains("did you mean"), "{e}");
    assert!(!e.is_internal());
    let e = explain(&s, &opts(Some(UnitRef::Index(s.units().len())), false)).unwrap_err();
    assert!(matches!(e, ExplainError::UnknownUnit { .. }), "{e}");
}

#[test]
fn the_explanation_lists_the_units_it_refers_to_and_the_allocated_slots() {
    for method in [MethodChoice::Apportion(Method::Webster), MethodChoice::Optimize] {
        let s = bundled(method);
        let ex = explain(&s, &opts(Some("21".into()), false)).unwrap();
        assert_eq!(ex.units.len(), s.units().len());
        for (i, u) in ex.units.iter().enumerate() {
            let unit = s.units().get(i);
            assert_eq!(
                (u.index, &u.code, &u.name, &u.name_en),
                (i, &unit.code, &unit.name_zh, &unit.name_en)
            );
        }
        let slots: Vec<u64> = allocate(&s).unwrap().units.iter().map(|u| u.slots).collect();
        assert_eq!(ex.slots(), slots, "{method}");
        assert_eq!((ex.total, ex.method, ex.scenario.as_str()), (s.total(), method, s.name()));
        assert!(ex.stamp.is_none() && ex.compare_data.is_none() && ex.paradoxes.is_none());
        assert!(ex.margins.is_empty());
    }
}

#[test]
fn house_monotone_is_the_methods_property_and_no_monotone_method_shows_the_alabama_paradox() {
    // Hamilton shows the Alabama paradox on the bundled scenario at 103 slots (found by
    // re-running it at 102, 103, 104).
    for m in Method::ALL {
        let s = bundled(MethodChoice::Apportion(m)).with_total(103).unwrap();
        let p = explain(&s, &opts(None, true)).unwrap().paradoxes.unwrap();
        assert_eq!(p.house_monotone, m != Method::Hamilton, "{m}");
        assert_eq!(p.totals, vec![102, 103, 104]);
        if p.house_monotone {
            assert!(p.alabama.is_empty(), "{m}");
        }
        // Each case is a real loss: the method re-run at the two totals.
        for c in &p.alabama {
            let at = |t: u64| allocate(&s.with_total(t).unwrap()).unwrap().units[c.unit].slots;
            assert_eq!((at(c.from_total), at(c.to_total)), (c.from, c.to));
            assert!(c.to < c.from);
        }
        if m == Method::Hamilton {
            assert!(!p.alabama.is_empty());
        }
    }
    let s = bundled(MethodChoice::Optimize).with_total(103).unwrap();
    assert!(!explain(&s, &opts(None, true)).unwrap().paradoxes.unwrap().house_monotone);
}

#[test]
fn quota_violations_name_their_cause_for_the_apportionment_methods() {
    // Jefferson favours large units: at 200 slots on the 小巨人-heavy scenario some are beyond
    // even their quota after floors and caps (the method's own); on the bundled scenario at
    // 1039 the caps force every violation.
    let heavy = || scenario_file("data/scenarios/2024-batch1-xiaojuren-heavy.toml");
    let mut causes = Vec::new();
    for (s, m, total) in [
        (heavy(), Method::Jefferson, 200),
        (heavy(), Method::Adams, 200),
        (Scenario::bundled(), Method::Jefferson, 1039),
    ] {
        let s = s.with_method(MethodChoice::Apportion(m)).unwrap().with_total(total).unwrap();
        let ex = explain(&s, &opts(None, true)).unwrap();
        let t = ex.trail.as_ref().unwrap();
        let p = ex.paradoxes.as_ref().unwrap();
        // Exactly the units outside [⌊q⌋, ⌈q⌉] of q = N·W/ΣW, from the trail's own weights.
        let outside: Vec<usize> = (0..t.units.len())
            .filter(|&i| {
                !within(t.units[i].seats, Ratio::new(total as u128 * t.units[i].weight as u128, t.weight_sum))
            })
            .collect();
        assert_eq!(p.quota_violations.iter().map(|v| v.unit).collect::<Vec<_>>(), outside, "{m} {total}");
        for v in &p.quota_violations {
            let forced = within(v.slots, t.units[v.unit].quota.0);
            let want = if forced { ViolationCause::Bounds } else { ViolationCause::Method };
            assert_eq!((v.cause, v.forced_by_bounds, v.without_side), (want, forced, None));
            causes.push(v.cause);
        }
    }
    assert!(causes.contains(&ViolationCause::Bounds) && causes.contains(&ViolationCause::Method));
}

#[test]
fn the_optimisers_verdicts_follow_from_its_trail() {
    let s = guarantees();
    let ex = explain(&s, &opts(Some("21".into()), true)).unwrap();
    let o = ex.optimizer.as_ref().unwrap();
    let free = &o.without_side.slots;
    // Quota violations: the side constraints move a unit out of quota when it is within quota
    // in the model without them.
    let p = ex.paradoxes.as_ref().unwrap();
    assert!(!p.quota_violations.is_empty());
    let mut causes = Vec::new();
    for v in &p.quota_violations {
        assert_eq!(v.without_side, Some(free[v.unit]));
        assert_eq!(v.quota, o.units[v.unit].ideal);
        let want = if within(free[v.unit], v.quota.0) {
            ViolationCause::SideConstraints
        } else {
            ViolationCause::FloorsAndCaps
        };
        assert_eq!(v.cause, want, "unit {}", v.unit);
        causes.push(v.cause);
    }
    assert!(
        causes.contains(&ViolationCause::SideConstraints) && causes.contains(&ViolationCause::FloorsAndCaps)
    );
    // Hamilton against the l1 model without side constraints: other slots, farther from q.
    let h = o.hamilton.as_ref().unwrap();
    let v = o.without_side.objective_value.unwrap();
    assert_eq!(h.verdict, HamiltonVerdict::Farther);
    assert!(!h.differs.is_empty() && h.l1 > v + 1e-9);
    assert_eq!(o.focus.as_ref().unwrap().attains_objective, None, "l1 has no largest term");

    // Without caps and side constraints, the l1 optimum is Hamilton's allocation.
    let plain = bundled(MethodChoice::Optimize).edited(|f| f.bounds.caps_column = None).unwrap();
    assert!(plain.caps().iter().all(|&c| c >= plain.total()));
    let ex = explain(&plain, &opts(None, false)).unwrap();
    let o = ex.optimizer.as_ref().unwrap();
    let h = o.hamilton.as_ref().unwrap();
    assert_eq!(h.verdict, HamiltonVerdict::Same);
    assert_eq!(h.slots, o.without_side.slots);
}

#[test]
fn under_minimax_exactly_the_largest_terms_attain_the_objective() {
    let s = guarantees()
        .edited(|f| {
            f.optimize.get_or_insert_with(Default::default).insert("objective".into(), "minimax".into());
        })
        .unwrap();
    assert_eq!(s.constraints().unwrap().objective, quota::optimize::Objective::Minimax);
    let ex = explain(&s, &opts(None, false)).unwrap();
    let o = ex.optimizer.as_ref().unwrap();
    assert!(o.hamilton.is_none());
    let largest = o.units.iter().map(|u| u.term).fold(0.0, f64::max);
    let mut attained = 0;
    for u in 0..s.units().len() {
        let ex = explain(&s, &opts(Some(UnitRef::Index(u)), false)).unwrap();
        let attains = ex.optimizer.as_ref().unwrap().focus.as_ref().unwrap().attains_objective.unwrap();
        assert_eq!(attains, o.units[u].term >= largest * (1.0 - 1e-12), "unit {u}");
        attained += attains as usize;
    }
    assert!(attained >= 1 && attained < s.units().len());
}

/// The bundled indicators with 广东's 小巨人 count multiplied by 3.
fn updated_indicators() -> String {
    let text = read("data/indicators.csv");
    let line = text.lines().find(|l| l.starts_with("44,")).unwrap();
    let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
    cells[2] = (cells[2].parse::<u64>().unwrap() * 3).to_string();
    text.replace(line, &cells.join(","))
}

#[test]
fn a_second_data_set_adds_the_population_paradox_check_and_its_label() {
    for method in [MethodChoice::Apportion(Method::Hamilton), MethodChoice::Optimize] {
        let s = bundled(method);
        let after = on_indicators(&s, &updated_indicators());
        let other = OtherData { label: "new.csv".into(), scenario: after.clone() };
        let ex = explain(&s, &ExplainOptions { compare_data: Some(other), ..opts(None, false) }).unwrap();
        assert_eq!(ex.compare_data.as_deref(), Some("new.csv"));
        let pop = ex.paradoxes.as_ref().expect("implied by a second data set").population.as_ref().unwrap();
        // Every unit whose share and slots move in opposite directions, and no other.
        let (a0, a1) = (allocate(&s).unwrap(), allocate(&after).unwrap());
        let (w0, w1) = (a0.problem.weights(), a1.problem.weights());
        let (s0, s1) = (a0.problem.weight_sum(), a1.problem.weight_sum());
        let expected: Vec<usize> = (0..s.units().len())
            .filter(|&i| {
                let grew = (w1[i] as u128 * s0).cmp(&(w0[i] as u128 * s1));
                let moved = a1.units[i].slots.cmp(&a0.units[i].slots);
                grew.is_gt() && moved.is_lt() || grew.is_lt() && moved.is_gt()
            })
            .collect();
        assert_eq!(pop.cases.iter().map(|c| c.unit).collect::<Vec<_>>(), expected, "{method}");
        // 广东's share grew and it gained slots: not a case.
        assert!(
            a1.units[s.units().position("44").unwrap()].slots
                > a0.units[s.units().position("44").unwrap()].slots
        );
    }
    // The other data set must describe the same units.
    let s = bundled(MethodChoice::Apportion(Method::Webster));
    let other = OtherData { label: "merged".into(), scenario: s.with_merged_cities(true).unwrap() };
    let e = explain(&s, &ExplainOptions { compare_data: Some(other), ..Default::default() }).unwrap_err();
    assert!(matches!(e, ExplainError::DifferentUnits(_)), "{e}");
}

fn json_of(ex: &Explanation) -> serde_json::Value {
    serde_json::from_str(&quota::render::explain::json(ex).unwrap()).unwrap()
}

#[test]
fn the_json_document_is_the_serialised_explanation_with_a_schema_first() {
    let s = bundled(MethodChoice::Apportion(Method::Webster));
    let mut ex = explain(&s, &opts(Some("44".into()), true)).unwrap();
    let doc = json_of(&ex);
    let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "schema",
            "units",
            "scenario",
            "method",
            "total",
            "derivation",
            "trail",
            "next_in_line",
            "position",
            "margins",
            "paradoxes",
            "provenance"
        ]
    );
    assert_eq!(doc["schema"], "quota.explain/1");
    assert_eq!(doc["method"], "webster");
    assert_eq!(doc["paradoxes"]["house_monotone"], true);
    // The text is the serialisation itself, the schema line added.
    let text = quota::render::explain::json(&ex).unwrap();
    let without_schema = text.replacen("  \"schema\": \"quota.explain/1\",\n", "", 1);
    assert_eq!(without_schema, serde_json::to_string_pretty(&ex).unwrap() + "\n");

    // With a stamp: first after the schema, and the last line of the text outputs.
    let stamp = quota::stamp::Stamp {
        version: "0.0.0".into(),
        inputs_sha256: "ab".repeat(32),
        method: "webster".into(),
        seed: None,
    };
    ex.stamp = Some(stamp.clone());
    let doc = json_of(&ex);
    assert_eq!(doc.as_object().unwrap().keys().nth(1).map(String::as_str), Some("stamp"));
    assert_eq!(doc["stamp"]["inputs_sha256"], stamp.inputs_sha256);
    for text in [quota::render::explain::text(&ex), quota::render::explain::markdown(&ex)] {
        assert_eq!(text.lines().last(), Some(stamp.line().as_str()));
        assert!(text.contains("Weakest claim served"), "the divisor trail is laid out");
        assert!(text.contains("(the method is house monotone)"));
    }
}
