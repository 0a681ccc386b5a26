//! `quota::compare::study` and `diff_study` as library calls: typed columns, metrics and
//! verdicts against independent recomputation from the allocations they hold, a tiny scenario
//! computed by hand, the spec's defaults, typed errors, and the JSON being the serialisation
//! of the result.

use quota::allocate::allocate;
use quota::apportion::Method;
use quota::compare::{self, CompareError, CompareSpec, FirmCounts, SchemeChoice, SchemeSpec};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::render;
use quota::scenario::{Inputs, MethodChoice, Overrides, Scenario, ScenarioFile, Source};
use quota::units::{parse_units, Units};
use quota::weighting::Scheme;

/// A scenario from texts, with the unit and indicator tables it was built from.
fn load(toml: &str, units: &str, indicators: &str) -> (Scenario, Units, IndicatorTable) {
    let at = Location::file("test");
    let units = parse_units(units, at.clone()).unwrap();
    let ind = IndicatorTable::parse(indicators, at.clone(), &units).unwrap();
    let f = ScenarioFile::parse(toml, Location::file("s.toml")).unwrap();
    let s = Scenario::build(&f, &units, &ind, Location::file("s.toml")).unwrap();
    (s, units, ind)
}

/// The bundled scenario with the tables it was read from.
fn bundled() -> (Scenario, Inputs) {
    quota::scenario::load(Source::bundled_scenario(), &Overrides::default()).unwrap()
}

/// The bundled scenario's text, edited, as another planner's scenario.
fn edited(label: &str, edit: impl Fn(String) -> String) -> Scenario {
    Scenario::from_toml(label, &edit(quota::scenario::BUNDLED_SCENARIO.to_string())).unwrap()
}

fn slots(a: &quota::allocate::Allocation) -> Vec<u64> {
    a.units.iter().map(|u| u.slots).collect()
}

#[test]
fn columns_metrics_and_verdicts_agree_with_the_allocations_they_hold() {
    let (s, inputs) = bundled();
    let firms = FirmCounts::from_table(&inputs.indicators, &inputs.units, None, false)
        .unwrap()
        .expect("the bundled file has xiaojuren");
    let spec = CompareSpec::default()
        .with_schemes([Scheme::Equal, Scheme::Entropy])
        .with_methods([Method::Webster, Method::Hamilton])
        .with_firms(firms.clone());
    let study = compare::study(&s, &spec).unwrap();

    let labels: Vec<&str> = study.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["equal/webster", "equal/hamilton", "entropy/webster", "entropy/hamilton"]);
    assert!(study.by_method);
    assert_eq!(study.method, Method::Hamilton);
    // The baseline is `allocate` of the scenario as written.
    let base = slots(&allocate(&s).unwrap());
    assert_eq!(slots(&study.baseline.allocation), base);
    // Each column is the scenario re-weighted by its scheme and allocated by its method.
    for c in &study.columns {
        let w = &study.schemes[c.scheme].weights.weights;
        let again = compare::allocate_with(&s, w, c.method).unwrap();
        assert_eq!(slots(&c.allocation), slots(&again), "{}", c.label);
        assert_eq!(slots(&c.allocation).iter().sum::<u64>(), s.total());
    }
    // Unit rows: slots, change and range recomputed from the allocations.
    let mut changed = 0;
    let mut differing = 0;
    let mut largest = 0;
    for (u, row) in study.units.iter().enumerate() {
        let col: Vec<u64> = study.columns.iter().map(|c| c.allocation.units[u].slots).collect();
        assert_eq!(row.slots.values().copied().collect::<Vec<_>>(), col);
        let d: Vec<i64> = col.iter().map(|&x| x as i64 - base[u] as i64).collect();
        assert_eq!(row.change.values().copied().collect::<Vec<_>>(), d);
        let range = col.iter().max().unwrap() - col.iter().min().unwrap();
        assert_eq!(row.range, range);
        changed += usize::from(d.iter().any(|&x| x != 0));
        differing += usize::from(range > 0);
        largest = largest.max(range);
    }
    let sum = &study.summary;
    assert_eq!(
        (sum.units_changed, sum.units_differing_between_columns, sum.largest_range),
        (changed, differing, largest)
    );
    assert!(changed > 0 && largest > 0, "the schemes disagree somewhere");
    // Units left out of the Gini: those without a 小巨人 firm (西藏).
    let zero: Vec<String> = (0..firms.per_unit.len())
        .filter(|&u| firms.per_unit[u] == 0)
        .map(|u| study.units[u].code.clone())
        .collect();
    assert_eq!(sum.units_without_firms, zero);
    assert_eq!(zero, ["54"]);
    // Metrics: Hamilton never leaves q*; slots moved are half of Σ|Δ| against the baseline.
    for c in &study.columns {
        let m = &c.metrics;
        if c.method == Method::Hamilton {
            assert_eq!(m.quota_violations_bounded.as_ref().unwrap().count, 0, "{}", c.label);
        }
        let moved: u64 =
            c.allocation.units.iter().zip(&base).map(|(u, &b)| u.slots.abs_diff(b)).sum::<u64>() / 2;
        assert_eq!(m.slots_moved_vs_baseline, moved, "{}", c.label);
        assert_eq!(m.gini_slots_per_firm.as_ref().unwrap().column, "xiaojuren");
        assert!(m.splits.iter().all(|d| d.method == c.method));
    }
    // Splits of every method in play, in method order, then indicator order.
    let order: Vec<(Method, &str)> = study.splits.iter().map(|s| (s.method, s.indicator.as_str())).collect();
    let ind: Vec<&str> = study.indicators().collect();
    assert_eq!(ind, ["sme_above_scale", "xiaojuren", "cultivation"]);
    let expected: Vec<(Method, &str)> =
        [Method::Hamilton, Method::Webster].iter().flat_map(|&m| ind.iter().map(move |&i| (m, i))).collect();
    assert_eq!(order, expected);
}

#[test]
fn the_json_is_the_serialisation_of_the_study_with_its_verdicts() {
    let study =
        compare::study(&Scenario::bundled(), &CompareSpec::default().with_schemes([Scheme::Cv])).unwrap();
    let text = render::compare::json(&study).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    // No stamp was given, so none is published.
    assert_eq!(
        keys,
        [
            "schema",
            "scenario",
            "method",
            "total",
            "merged_cities",
            "baseline",
            "schemes",
            "columns",
            "units",
            "splits",
            "summary",
            "provenance"
        ]
    );
    assert_eq!(doc["schema"], "quota.compare/1");
    assert_eq!(doc["baseline"]["weights"], "the scenario's own");
    assert_eq!(doc["summary"]["units_changed"], study.summary.units_changed);
    assert_eq!(doc["summary"]["units_without_firms"], serde_json::json!([]), "no firm counts given");
    assert_eq!(doc["columns"][0]["metrics"]["gini_slots_per_firm"], serde_json::Value::Null);
    assert_eq!(doc["units"][0]["slots"]["cv"], study.units[0].slots.get("cv").copied().unwrap());
    assert_eq!(doc["columns"][0]["metrics"]["regions"][0]["region_en"], "East");
    // Without a stamp the text has no stamp line either.
    let out = render::compare::text(&study, &[render::compare::Section::Units]);
    assert!(!out.contains("stamp:"), "{out}");
}

const TINY_UNITS: &str = "code,name_zh,name_en,type,parent_code,region\n\
    A,甲省,A,province,,东部\nB,乙省,B,province,,中部\nC,丙省,C,province,,西部\nD,丁省,D,province,,东北\n";
const TINY_INDICATORS: &str =
    "code,name_zh,xiaojuren,sme,eligible\nA,甲省,6,40,4\nB,乙省,3,30,5\nC,丙省,1,20,5\nD,丁省,0,10,5\n";
const TINY: &str = "name = \"tiny\"\ntotal = 10\nmethod = \"hamilton\"\n\
    [[indicator]]\ncolumn = \"xiaojuren\"\nweight = 0.5\n[[indicator]]\ncolumn = \"sme\"\nweight = 0.5\n\
    [bounds]\nfloor = 1\ncaps_column = \"eligible\"\n";

#[test]
fn a_tiny_scenario_by_hand() {
    // score = (0.5, 0.3, 0.15, 0.05); A capped at 4, D held at its floor; Hamilton (4, 3, 2, 1).
    let (s, units, ind) = load(TINY, TINY_UNITS, TINY_INDICATORS);
    let firms = FirmCounts::from_table(&ind, &units, None, false).unwrap().unwrap();
    let spec = CompareSpec::default().with_schemes([Scheme::Equal]).with_firms(firms);
    let study = compare::study(&s, &spec).unwrap();
    assert!(!study.by_method);
    assert_eq!(study.columns[0].label, "equal");
    assert_eq!(study.units.iter().map(|u| u.baseline).collect::<Vec<_>>(), [4, 3, 2, 1]);
    let m = &study.columns[0].metrics;
    // vs the xiaojuren split (6, 3, 1, 0): Σ|Δ| = 4, max 2 at A; vs sme (4, 3, 2, 1): none.
    assert_eq!((m.splits[0].total_abs_dev, m.splits[0].max_abs_dev), (4, 2));
    assert_eq!(m.splits[0].max_unit.as_deref(), Some("A"));
    assert_eq!(m.splits[1].max_unit, None);
    let g = m.gini_slots_per_firm.as_ref().unwrap();
    assert_eq!(g.ratio.map(|r| r.to_string()), Some("17/90".to_string()));
    assert_eq!((m.units_at_floor, m.units_at_cap, m.ties), (1, 1, 0));
    assert_eq!(m.quota_violations_ideal.below, ["A"], "the cap holds A below its ideal quota 5");
    assert_eq!(m.quota_violations_bounded.as_ref().unwrap().count, 0);
    // The equal weights are the scenario's own: no unit changes, nothing differs.
    let sum = &study.summary;
    assert_eq!((sum.units_changed, sum.units_differing_between_columns, sum.largest_range), (0, 0, 0));
    assert_eq!(sum.units_without_firms, ["D"]);
    // No such column named: no counts; a named column that is missing: an error.
    let t2 = TINY_INDICATORS.replace("xiaojuren", "firms");
    let (_, units2, ind2) = load(&TINY.replace("xiaojuren", "firms"), TINY_UNITS, &t2);
    assert_eq!(FirmCounts::from_table(&ind2, &units2, None, false).unwrap(), None);
    assert!(FirmCounts::from_table(&ind2, &units2, Some("nope"), false).is_err());
}

#[test]
fn the_default_spec_compares_six_schemes_by_the_scenarios_method() {
    let s = Scenario::bundled().with_method(MethodChoice::Apportion(Method::Webster)).unwrap();
    let study = compare::study(&s, &CompareSpec::default()).unwrap();
    let labels: Vec<&str> = study.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["equal", "manual", "entropy", "critic", "cv", "pca"]);
    assert!(study.columns.iter().all(|c| c.method == Method::Webster));
    // manual = the scenario's own weights: the baseline exactly.
    assert_eq!(study.columns[1].metrics.slots_moved_vs_baseline, 0);
}

#[test]
fn errors_are_typed() {
    let (s, inputs) = bundled();
    let ahp = CompareSpec::default().with_schemes([Scheme::Ahp]);
    match compare::study(&s, &ahp).unwrap_err() {
        e @ CompareError::Weighting { missing_matrix: true, .. } => assert!(!e.is_internal()),
        e => panic!("{e:?}"),
    }
    let twice = CompareSpec::default().with_methods([Method::Webster, Method::Webster]);
    assert_eq!(compare::study(&s, &twice).unwrap_err().to_string(), "method 'webster' is listed twice");
    let none = CompareSpec::default().with_methods([]);
    assert!(matches!(compare::study(&s, &none).unwrap_err(), CompareError::Empty { .. }));
    let files: Vec<SchemeChoice> = ["ahp:a/m.csv", "ahp:b/m.toml"]
        .iter()
        .map(|f| SchemeChoice { spec: f.parse::<SchemeSpec>().unwrap(), ahp: None })
        .collect();
    let same_label = CompareSpec { schemes: Some(files), ..CompareSpec::default() };
    assert!(matches!(compare::study(&s, &same_label).unwrap_err(), CompareError::Duplicate { .. }));
    // Firm counts of the unmerged units for a merged scenario: one per unit is required.
    let firms = FirmCounts::from_table(&inputs.indicators, &inputs.units, None, false).unwrap().unwrap();
    let merged = s.with_merged_cities(true).unwrap();
    let e = compare::study(&merged, &CompareSpec::default().with_firms(firms)).unwrap_err();
    assert!(matches!(e, CompareError::Length { got: 37, expected: 32, .. }), "{e:?}");
    assert!(e.is_internal());
    let opt = s.with_method(MethodChoice::Optimize).unwrap();
    assert!(matches!(
        compare::study(&opt, &CompareSpec::default()).unwrap_err(),
        CompareError::OptimizeBaseline { .. }
    ));
}

#[test]
fn two_scenarios_side_by_side() {
    let a = Scenario::bundled();
    let b_text = |t: String| {
        t.replace("name = \"2024-batch1\"", "name = \"planner-b\"")
            .replace("weight = 0.35", "weight = 0.20")
            .replace("weight = 0.40", "weight = 0.55")
            .replace("enabled = true", "enabled = false")
    };
    let b = edited("b.toml", b_text);
    let d = compare::diff_study(&a, &b).unwrap();
    let (sa, sb) = (slots(&allocate(&a).unwrap()), slots(&allocate(&b).unwrap()));
    let deltas: Vec<i64> = sa.iter().zip(&sb).map(|(&x, &y)| y as i64 - x as i64).collect();
    assert_eq!(d.units.iter().map(|u| u.delta_slots).collect::<Vec<_>>(), deltas);
    assert_eq!(d.units_changed, deltas.iter().filter(|&&x| x != 0).count());
    assert_eq!(d.total_abs_delta_slots, deltas.iter().map(|x| x.unsigned_abs()).sum::<u64>());
    let max = deltas.iter().map(|x| x.unsigned_abs()).max().unwrap();
    let first = deltas.iter().position(|x| x.unsigned_abs() == max).unwrap();
    let largest = d.largest_change.as_ref().unwrap();
    assert_eq!((largest.code.as_str(), largest.delta_slots), (d.units[first].code.as_str(), deltas[first]));
    assert_eq!((d.totals.delta_slots, d.units_in_one_scenario_only), (0, 0));
    assert_eq!(
        (d.a.scenario.as_str(), d.b.scenario.as_str(), d.a.source.as_str()),
        ("2024-batch1", "planner-b", quota::scenario::BUNDLED_SCENARIO_LABEL)
    );
    // B merged: the five 计划单列市 are in A only.
    let m = edited("m.toml", b_text).with_merged_cities(true).unwrap();
    let d = compare::diff_study(&a, &m).unwrap();
    assert_eq!(d.units_in_one_scenario_only, 5);
    let doc: serde_json::Value = serde_json::from_str(&render::compare::diff::json(&d).unwrap()).unwrap();
    assert_eq!(doc["schema"], "quota.compare-diff/1");
    assert_eq!(doc["units_in_one_scenario_only"], 5);
    // Same scenario twice: nothing changes.
    let d = compare::diff_study(&a, &a).unwrap();
    assert_eq!((d.units_changed, d.total_abs_delta_slots, d.largest_change.is_none()), (0, 0, true));
}
