//! Each command's JSON document is `render::json` of the library's own result — the same
//! bytes the binary writes — and carries its `schema` field first; the text formats are the
//! library's renderings too. The library results are computed here in-process from the same
//! files the binary reads (same labels), then compared with the binary's output.

mod common;

use std::path::Path;

use common::{quota, quota_in, stdout};
use quota::allocate::{allocate, AllocationReport, InputLabels};
use quota::apportion::tool::apportion_table;
use quota::apportion::Method;
use quota::eligibility::{Date, Registry, ScreeningReport};
use quota::error::Location;
use quota::programme::{run_from, Programme};
use quota::render::{self, Format};
use quota::scenario::{self, BoundsEntry, Inputs, Overrides, Scenario, ScenarioFile, Source};
use quota::stamp::Stamp;
use quota::units::parse_units;
use quota::weighting::{
    parse_ahp_csv, scenario_weights, weigh, DeriveOptions, IndicatorMatrix, Scheme, WeightsInput,
};

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// A scenario file of the repository, loaded by the library as `quota` loads it (tests run
/// in the repository root, as the binary does here): same files, same labels.
struct Loaded {
    scenario: Scenario,
    inputs: Inputs,
}

fn load(rel: &str) -> Loaded {
    let (scenario, inputs) =
        scenario::load(Source::file(Path::new(rel)).unwrap(), &Overrides::default()).unwrap();
    Loaded { scenario, inputs }
}

impl Loaded {
    fn report(&self) -> AllocationReport {
        let s = &self.scenario;
        let stamp = Stamp::of_inputs(s, &self.inputs).unwrap();
        AllocationReport::new(s, allocate(s).unwrap(), stamp, InputLabels::of(&self.inputs))
    }

    fn bounds(&self) -> BoundsEntry {
        ScenarioFile::parse(&self.inputs.scenario.text, self.inputs.scenario.location()).unwrap().bounds
    }
}

/// Runs `quota args` and returns its stdout, asserting success.
fn run(args: &[&str]) -> String {
    let o = quota(args);
    assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
    stdout(&o)
}

/// Asserts that `json` is a document of `kind` whose schema field comes first.
fn assert_schema(json: &str, kind: &str) {
    let first = json.lines().nth(1).unwrap_or_default();
    assert_eq!(
        first,
        format!("  \"schema\": \"quota.{kind}/1\","),
        "{kind}: {}",
        &json[..json.len().min(200)]
    );
}

#[test]
fn allocate_writes_the_library_report_in_every_format() {
    const SCENARIO: &str = "data/scenarios/2024-batch1.toml";
    let report = load(SCENARIO).report();
    for (flag, format) in
        [("json", Format::Json), ("csv", Format::Csv), ("table", Format::Table), ("md", Format::Md)]
    {
        let expected = render::allocate::render(&report, format).unwrap();
        assert_eq!(run(&["allocate", SCENARIO, "--format", flag]), expected, "{flag}");
    }
    let json = render::json("allocate", &report).unwrap();
    assert_schema(&json, "allocate");
    // The fields other tools read.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["scenario"].as_str(), v["method"].as_str(), v["total"].as_u64()),
        (Some("2024-batch1"), Some("hamilton"), Some(1039))
    );
    let u = &v["units"][0];
    for key in ["code", "name", "name_en", "region", "score", "ideal", "slots", "funding_wan"] {
        assert!(!u[key].is_null(), "units[0].{key} missing: {u}");
    }
    assert_eq!((u["code"].as_str(), u["region"].as_str()), (Some("11"), Some("东部")));
    assert_eq!(v["ties"], serde_json::json!([]));
    assert_eq!(v["optimize"], serde_json::Value::Null);
    assert_eq!(v["inputs"]["units"], "data/scenarios/../units.csv");
}

#[test]
fn the_optimiser_report_is_part_of_the_allocate_document() {
    const SCENARIO: &str = "data/scenarios/2024-batch1-guarantees.toml";
    let report = load(SCENARIO).report();
    let json = run(&["allocate", SCENARIO, "--format", "json"]);
    assert_eq!(json, render::json("allocate", &report).unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["optimize"]["status"], "optimal");
    assert!(v["optimize"]["groups"].as_array().is_some_and(|g| !g.is_empty()), "{}", v["optimize"]);
}

#[test]
fn apportion_writes_the_library_result() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name,weight,max\nX,1,3\nY,1,3\nZ,2.5,1\n";
    std::fs::write(dir.path().join("p.csv"), text).unwrap();
    let result = apportion_table(text, "p.csv", Method::Webster, 4).unwrap();
    assert!(!result.ties.is_empty(), "the table has a tie at the cut");
    for (flag, format) in [("json", Format::Json), ("csv", Format::Csv), ("table", Format::Table)] {
        let out = stdout(&quota_in(
            dir.path(),
            &["apportion", "-m", "webster", "-s", "4", "p.csv", "--format", flag],
        ));
        assert_eq!(out, render::apportion::render(&result, format).unwrap(), "{flag}");
    }
    let json = render::json("apportion", &result).unwrap();
    assert_schema(&json, "apportion");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["allocation"][2],
        serde_json::json!({ "name": "Z", "weight": 2.5, "quota": 1.0, "seats": 1 })
    );
    assert_eq!(v["ties"][0]["winners"], serde_json::json!(["X"]));
}

#[test]
fn plan_writes_the_programme_run() {
    const PROGRAMME: &str = "data/programme/148-2024-2026.toml";
    let programme = Programme::parse(&read(PROGRAMME), Location::file(PROGRAMME)).unwrap();
    let base = load("data/scenarios/2024-batch1.toml");
    let registry = Registry::parse(
        &read("data/registry/firms.csv"),
        Location::file("data/registry/firms.csv"),
        &base.inputs.units,
    )
    .unwrap();
    let plan = run_from(&programme, &base.scenario, &base.bounds(), Some(&registry)).unwrap();
    for (flag, format) in [("json", Format::Json), ("csv", Format::Csv), ("md", Format::Md)] {
        let expected = render::plan::render(&plan, format, true).unwrap();
        assert_eq!(run(&["plan", PROGRAMME, "--per-unit", "--format", flag]), expected, "{flag}");
    }
    let json = render::json("plan", &plan).unwrap();
    assert_schema(&json, "plan");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["inputs"]["registry"], "data/registry/firms.csv");
    assert_eq!(v["batches"][0]["firms"].as_array().map(Vec::len), Some(1039));
    assert_eq!(v["cash_flow"]["national"][0]["year"], 2024);
    assert!(v["cash_flow"]["total"].get("year").is_none(), "the total has no year");
}

#[test]
fn eligible_writes_the_screening() {
    let units = parse_units(&read("data/units.csv"), Location::file("<bundled>/data/units.csv")).unwrap();
    let registry =
        Registry::parse(&read("data/registry/firms.csv"), Location::file("data/registry/firms.csv"), &units)
            .unwrap();
    let as_of: Date = "2025-04-30".parse().unwrap();
    let report = ScreeningReport::new(&registry, as_of, true);
    assert_eq!(report.units.len(), 32);
    let args = |format: &'static str, excluded: bool| {
        let mut a = vec![
            "eligible",
            "data/registry/firms.csv",
            "--as-of",
            "2025-04-30",
            "--merge-cities",
            "--format",
            format,
        ];
        if excluded {
            a.push("--excluded");
        }
        a
    };
    for (flag, format) in [("json", Format::Json), ("csv", Format::Csv), ("table", Format::Table)] {
        for excluded in [false, true] {
            let expected = render::eligible::render(&report, format, excluded).unwrap();
            assert_eq!(run(&args(flag, excluded)), expected, "{flag} excluded={excluded}");
        }
    }
    let json = render::json("eligible", &report).unwrap();
    assert_schema(&json, "eligible");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["as_of"], "2025-04-30");
    assert!(v["units"][0]["failing"].get("recognition_expired").is_some(), "{}", v["units"][0]);
}

#[test]
fn weights_writes_the_derived_weights() {
    const SCENARIO: &str = "data/scenarios/2024-batch1.toml";
    let l = load(SCENARIO);
    let source = format!("{SCENARIO} (indicators: {})", l.inputs.indicators_source.label);
    let options = DeriveOptions { manual: Some(scenario_weights(&l.scenario)), ..DeriveOptions::default() };
    for scheme in [Scheme::Entropy, Scheme::Critic, Scheme::Pca, Scheme::Manual] {
        let matrix = IndicatorMatrix::of_scenario(&l.scenario).unwrap();
        let report =
            weigh(scheme, WeightsInput::Indicators { matrix, source: source.clone() }, &options).unwrap();
        let json = run(&["weights", "--method", scheme.name(), SCENARIO, "--format", "json"]);
        assert_eq!(json, render::json("weights", &report).unwrap(), "{scheme}");
        assert_schema(&json, "weights");
        let md = run(&["weights", "--method", scheme.name(), SCENARIO, "--format", "md"]);
        assert_eq!(md, render::weights::render(&report, Format::Md).unwrap(), "{scheme}");
    }
    // AHP judgements alone: no indicator data, no unit count.
    const AHP: &str = "data/ahp/saaty1990-house.csv";
    let pm = parse_ahp_csv(&read(AHP), Location::file(AHP)).unwrap();
    let options = DeriveOptions { ahp: Some(pm), allow_inconsistent: true, ..DeriveOptions::default() };
    let report = weigh(Scheme::Ahp, WeightsInput::Judgements { source: AHP.into() }, &options).unwrap();
    let json = run(&["weights", "--method", "ahp", "--ahp", AHP, "--allow-inconsistent", "--format", "json"]);
    assert_eq!(json, render::json("weights", &report).unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["units"], serde_json::Value::Null);
    assert_eq!(v["warning_messages"].as_array().map(Vec::len), Some(1));
}
