//! `quota compare --observed FILE` (issue 14 item 4): the scenario's allocation against an
//! observed allocation — per unit and as fit measures, scaled when the totals differ, with
//! clear errors for what cannot be compared.

use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TIANJIN: &str = "data/observed/2024-batch1-tianjin.csv";
const CONTINUING: &str = "data/observed/2021-programme-continuing-2024.csv";

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).current_dir(ROOT).args(args).output().unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = quota(&a);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn unit<'a>(doc: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    doc["units"].as_array().unwrap().iter().find(|u| u["code"] == code).unwrap()
}

#[test]
fn tianjin_is_allocated_21_against_the_observed_19() {
    let doc = json(&["compare", "--observed", TIANJIN]);
    assert_eq!(doc["schema"], "quota.compare-observed/1");
    let t = unit(&doc, "12");
    assert_eq!((t["allocated"].as_u64(), t["observed"].as_u64()), (Some(21), Some(19)));
    assert_eq!(t["delta"].as_f64(), Some(2.0));
    assert_eq!(t["status"], "official");
    // The batch totals agree (1039): nothing is scaled; one unit has no shares or ranks.
    assert_eq!(doc["scale"].as_f64(), Some(1.0));
    assert_eq!(doc["summary"]["units_compared"], 1);
    assert!(doc["summary"]["spearman"].is_null() && doc["summary"]["l1_shares"].is_null());
    assert!(unit(&doc, "11")["observed"].is_null());
    let text = String::from_utf8(quota(&["compare", "--observed", TIANJIN]).stdout).unwrap();
    assert!(text.contains("12    天津市         21        19  +2  +10.5%"), "{text}");
    assert!(!text.contains("benchmark, not an outcome"), "{text}");
}

#[test]
fn the_continuing_lists_are_scaled_to_the_batch_and_measured() {
    let doc = json(&["compare", "--observed", CONTINUING]);
    let s = &doc["summary"];
    assert_eq!(s["units_compared"], 37);
    assert_eq!((s["allocated_compared"].as_u64(), s["observed_compared"].as_u64()), (Some(1039), Some(1188)));
    assert!((doc["scale"].as_f64().unwrap() - 1039.0 / 1188.0).abs() < 1e-12);
    let round3 = |k: &str| (s[k].as_f64().unwrap() * 1000.0).round() / 1000.0;
    assert_eq!((round3("l1_shares"), round3("spearman"), round3("kendall_tau_b")), (0.418, 0.895, 0.73));
    assert_eq!(s["largest"]["code"], "37");
    assert!((s["largest"]["delta"].as_f64().unwrap() + 52.0).abs() < 0.05);
    // 山东: 46 allocated, 112 observed, 112 × 1039/1188 = 97.95 expected.
    let sd = unit(&doc, "37");
    assert!((sd["expected"].as_f64().unwrap() - 112.0 * 1039.0 / 1188.0).abs() < 1e-9);
    // A unit observed at 0: no Δ%.
    assert!(unit(&doc, "15")["delta_percent"].is_null());
    let text = String::from_utf8(quota(&["compare", "--observed", CONTINUING]).stdout).unwrap();
    assert!(text.contains("scaled by 1039/1188 = 0.8746"), "{text}");
    assert!(text.contains("a benchmark, not an outcome of the programme modelled"), "{text}");
    assert!(
        text.contains("largest differences (allocated − observed): 山东省 -52.0, 湖南省 -38.1"),
        "{text}"
    );
}

#[test]
fn csv_has_one_row_per_compared_unit_with_its_provenance() {
    let o = quota(&["compare", "--observed", TIANJIN, "--format", "csv"]);
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "code,name,allocated,observed,expected,delta,delta_percent,observed_status,not_official"
    );
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with("12,天津市,21,19,19.0000,2.0000,10.53,official,sme_above_scale;"), "{text}");
}

#[test]
fn the_chart_is_written_and_names_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("fit.svg");
    let o = quota(&["compare", "--observed", CONTINUING, "--chart", svg.to_str().unwrap()]);
    assert!(o.status.success());
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.contains("allocated vs observed — 2024-batch1 vs 2021-programme-continuing-2024"));
    assert!(chart.contains("observed × 0.8746 (rounded)"));
    assert_eq!(chart.matches("<title>").count(), 74, "two bars per unit");
}

#[test]
fn what_cannot_be_compared_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "code,slots,status,source\n99,3,official,x\n").unwrap();
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["compare", "--observed", bad.to_str().unwrap()], "line 2"),
        (
            vec![
                "compare",
                "data/scenarios/2024-batch1.toml",
                "data/scenarios/2024-batch1-xiaojuren-heavy.toml",
                "--observed",
                TIANJIN,
            ],
            "only with one scenario",
        ),
        (vec!["compare", "--observed", TIANJIN, "--schemes", "equal"], "cannot be used with"),
        (vec!["compare", "--observed", "no-such-file.csv"], "no-such-file.csv"),
    ];
    for (args, says) in cases {
        let o = quota(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
