//! The typed results behind the commands, at library level: what each one computes (totals,
//! verdicts, look-ups) ties out with the underlying allocation, screening or plan.

use quota::allocate::{allocate, verify, AllocationReport, InputLabels};
use quota::apportion::Method;
use quota::eligibility::{
    eligible_per_unit, screen, Registry, ScreeningReport, FIRST_BATCH_APPLICATION_DATE,
};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::programme::{run_from, Programme};
use quota::render::announcement::Lang;
use quota::render::table::{provenance, Origin};
use quota::scenario::{MethodChoice, Scenario, ScenarioFile};
use quota::stamp::Stamp;
use quota::units::{parse_units, Units};
use quota::validate;

const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");
const SCENARIO: &str = include_str!("../data/scenarios/2024-batch1.toml");
const REGISTRY: &str = include_str!("../data/registry/firms.csv");

fn units() -> Units {
    parse_units(UNITS, Location::file("units.csv")).unwrap()
}

fn file(text: &str) -> ScenarioFile {
    ScenarioFile::parse(text, Location::file("s.toml")).unwrap()
}

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml("s.toml", text).unwrap()
}

fn labels() -> InputLabels {
    InputLabels { scenario: "s.toml".into(), units: "units.csv".into(), indicators: "indicators.csv".into() }
}

fn report(s: &Scenario) -> AllocationReport {
    let stamp = Stamp::of_run(s, SCENARIO, Location::file("s.toml"), UNITS, INDICATORS).unwrap();
    AllocationReport::new(s, allocate(s).unwrap(), stamp, labels())
}

fn registry() -> Registry {
    Registry::parse(REGISTRY, Location::file("firms.csv"), &units()).unwrap()
}

#[test]
fn allocation_totals_tie_out_with_the_units() {
    let s = scenario(SCENARIO).with_method(MethodChoice::Apportion(Method::Webster)).unwrap();
    let r = report(&s);
    let t = r.totals();
    assert_eq!(t.slots, 1039);
    assert_eq!(t.funding_wan, 1039 * 600);
    assert_eq!(t.floor, s.floors().iter().sum::<u64>());
    assert_eq!(t.cap, s.caps().iter().sum::<u64>());
    assert!((t.score - r.allocation.units.iter().map(|u| u.score).sum::<f64>()).abs() < 1e-15);
    assert_eq!(
        r.indicators.iter().map(|i| i.column.as_str()).collect::<Vec<_>>(),
        ["sme_above_scale", "xiaojuren", "cultivation"]
    );
    // The stamp is of the scenario as run: the method override changes it.
    assert_eq!(r.stamp.method, "webster");
    assert_ne!(r.stamp, report(&scenario(SCENARIO)).stamp);
}

#[test]
fn verification_names_what_was_checked() {
    let s = scenario(SCENARIO);
    let v = verify(&s, &allocate(&s).unwrap()).unwrap();
    let ap = v.apportionment.expect("an apportionment ran");
    assert_eq!((ap.slots, ap.units, ap.method), (1039, 37, Method::Hamilton));
    assert_eq!((v.money_wan, v.per_firm_wan, v.optimiser), (1039 * 600, 600, false));
    let g = scenario(&SCENARIO.replace("method = \"hamilton\"", "method = \"optimize\""));
    let v = verify(&g, &allocate(&g).unwrap()).unwrap();
    assert!(v.optimiser && v.apportionment.is_none(), "{v:?}");
}

#[test]
fn screening_reports_tie_out_merged_or_not() {
    let reg = registry();
    for as_of in [FIRST_BATCH_APPLICATION_DATE, "2026-04-30".parse().unwrap()] {
        let s = screen(&reg, as_of);
        let plain = ScreeningReport::new(&reg, as_of, false);
        let merged = ScreeningReport::new(&reg, as_of, true);
        assert_eq!((plain.units.len(), merged.units.len()), (37, 32));
        for r in [&plain, &merged] {
            let t = r.totals();
            assert_eq!((t.firms, t.eligible), (reg.len() as u64, s.eligible_total()));
            assert_eq!(r.excluded.len() as u64, t.firms - t.eligible);
            assert!(r.excluded.iter().all(|f| !f.reasons.is_empty()));
        }
        assert_eq!(plain.totals(), merged.totals());
        let caps: Vec<u64> = merged.units.iter().map(|u| u.eligible).collect();
        assert_eq!(eligible_per_unit(&reg, as_of, true), caps);
        assert_eq!(eligible_per_unit(&reg, as_of, false), s.eligible);
    }
}

#[test]
fn a_plan_finds_batches_by_year_or_position_and_sums_its_money() {
    let programme = "name = \"p\"\n[evaluation]\nrecovered_bp = 100\n[[batch]]\nyear = 2024\ntotal = 1039\n[[batch]]\nyear = 2025\ntotal = 500\n";
    let p = Programme::parse(programme, Location::file("p.toml")).unwrap();
    let s = scenario(SCENARIO);
    let bounds = file(SCENARIO).bounds;
    let plan = run_from(&p, &s, &bounds, None).unwrap();
    assert_eq!((plan.batch_index(2025), plan.batch_index(1)), (Ok(1), Ok(0)));
    assert_eq!(plan.batch_index(7).unwrap_err().to_string(), "no batch 7 (batches: 2024, 2025, or 1-2)");
    let allocated: u64 = (0..plan.units.len()).map(|i| plan.unit_allocated_wan(i)).sum();
    assert_eq!(allocated, plan.funding_total().total_wan);
    let (r, w) = plan.outcome_totals();
    assert_eq!((r, w), (10 + 5, 0), "1% of 1039 and of 500, rounded half up");
    assert_eq!((plan.inputs.programme.as_str(), plan.inputs.registry.as_deref()), ("p.toml", None));
    assert!(plan.batches.iter().all(|b| b.firm_ids.is_empty()));
    // A registry pool names the supported firms; without registry nor caps column: an error.
    let reg = registry();
    let plan = run_from(&p, &s, &bounds, Some(&reg)).unwrap();
    let ids = &plan.batches[1].firm_ids;
    assert_eq!(ids.len(), 500);
    let expected: Vec<&str> = plan.batches[1].firms.iter().map(|&f| reg.firms[f].id.as_str()).collect();
    assert_eq!(ids.iter().collect::<Vec<_>>(), expected);
    assert_eq!(plan.inputs.registry.as_deref(), Some("firms.csv"));
    let no_caps = SCENARIO.replace("caps_column = \"eligible_firms\"", "");
    let e = run_from(&p, &scenario(&no_caps), &file(&no_caps).bounds, None).unwrap_err().to_string();
    assert!(e.starts_with("p.toml, column 'registry': the programme needs a pool"), "{e}");
}

#[test]
fn table_provenance_follows_the_origin() {
    let s = scenario(SCENARIO);
    let stamp = report(&s).stamp;
    let date = FIRST_BATCH_APPLICATION_DATE;
    let lines =
        provenance(Lang::En, Origin::Scenario { caps_from: Some(("firms.csv", date)) }, &labels(), &stamp);
    let keys: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "Scenario file",
            "Units file",
            "Indicators file",
            "Caps from registry",
            "Generated by",
            "Reproducibility stamp"
        ]
    );
    assert_eq!(lines[3].1, "firms.csv (2024-07-31)");
    assert_eq!(lines[5].1, stamp.line());
    let zh = provenance(Lang::Zh, Origin::Scenario { caps_from: None }, &labels(), &stamp);
    assert_eq!(zh[0], ("方案文件".to_string(), "s.toml".to_string()));
    assert_eq!(zh.len(), 5);
}

#[test]
fn validation_lists_every_problem_of_a_scenario() {
    let units = units();
    let ind = IndicatorTable::parse(INDICATORS, Location::file("indicators.csv"), &units).unwrap();
    let bad = SCENARIO
        .replace("method = \"hamilton\"", "method = \"borda\"")
        .replace("services_bp = 500", "services_bp = 600");
    let v = validate::scenario(&file(&bad), &units, &ind, Location::file("s.toml"));
    assert_eq!(v.file, "s.toml");
    assert_eq!(v.problems.len(), 2, "{:?}", v.problems);
    assert!(validate::scenario(&file(SCENARIO), &units, &ind, Location::file("s.toml")).is_ok());
}

#[test]
fn a_scenario_file_is_validated_with_the_data_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let write = |text: &str| std::fs::write(&path, text).unwrap();
    let source = || quota::scenario::Source::file(&path).unwrap();
    write(&SCENARIO.replace("../units.csv", "nope.csv"));
    let v = validate::scenario_source(&source());
    assert_eq!(v.problems.len(), 1, "{v:?}");
    assert!(v.problems[0].contains("nope.csv: cannot read the file"), "{v:?}");
    write("total = = 3\n");
    assert!(validate::scenario_source(&source()).problems[0].contains("line 1"));
    std::fs::copy("data/units.csv", dir.path().join("units.csv")).unwrap();
    std::fs::copy("data/indicators.csv", dir.path().join("indicators.csv")).unwrap();
    write(&SCENARIO.replace("../", "").replace("services_bp = 500", "services_bp = 600"));
    let v = validate::scenario_source(&source());
    assert_eq!(v.file, path.display().to_string());
    assert_eq!(v.problems.len(), 1, "{v:?}");
    write(&SCENARIO.replace("../", ""));
    assert!(validate::scenario_source(&source()).is_ok());
}
