//! The front door: `quota allocate` on the bundled data, its formats and options, and the
//! general `quota apportion` tool, through the real binary.

mod common;

use common::{golden, quota, stdout};

#[test]
fn default_allocation_matches_golden_csv() {
    let o = quota(&["allocate", "--format", "csv"]);
    assert!(o.status.success());
    golden("allocate-2024-batch1.csv", &stdout(&o));
}

#[test]
fn default_allocation_matches_golden_table() {
    let o = quota(&["allocate"]);
    assert!(o.status.success());
    golden("allocate-2024-batch1.txt", &stdout(&o));
}

#[test]
fn default_table_has_37_units_summing_to_1039_with_money() {
    let o = quota(&["allocate", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "2024-batch1");
    assert_eq!(v["method"], "hamilton");
    assert_eq!(v["total"], 1039);
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 37);
    let slots: u64 = units.iter().map(|u| u["slots"].as_u64().unwrap()).sum();
    assert_eq!(slots, 1039);
    let money: u64 = units.iter().map(|u| u["funding_wan"].as_u64().unwrap()).sum();
    assert_eq!(money, 1039 * 600);
    for u in units {
        for key in ["code", "name", "name_en", "region", "score", "ideal", "slots", "funding_wan"] {
            assert!(!u[key].is_null(), "unit lacks {key}: {u}");
        }
        assert_eq!(u["funding_wan"].as_u64().unwrap(), u["slots"].as_u64().unwrap() * 600);
        assert!(u["slots"].as_u64().unwrap() <= u["cap"].as_u64().unwrap());
    }
    assert!(v["ties"].is_array());
}

#[test]
fn merge_cities_gives_32_units() {
    let o = quota(&["allocate", "--merge-cities", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 32);
    assert!(units.iter().all(|u| u["code"] != "4403"));
    assert_eq!(units.iter().map(|u| u["slots"].as_u64().unwrap()).sum::<u64>(), 1039);
    // 广东's cap now includes 深圳's eligible firms.
    let gd = units.iter().find(|u| u["code"] == "44").unwrap();
    assert_eq!(gd["cap"], 217 + 233);
}

#[test]
fn every_method_runs_on_the_bundled_scenario_and_verifies() {
    for m in [
        "hamilton",
        "jefferson",
        "webster",
        "huntington-hill",
        "adams",
        "dean",
        "modified-webster",
        "quota",
        "dhondt",
        "sainte-lague",
        "hill",
        "largest-remainder",
        "modified-sainte-lague",
    ] {
        let o = quota(&["allocate", "--method", m, "--verify", "--format", "csv"]);
        assert!(o.status.success(), "{m}: {}", common::stderr(&o));
        assert!(common::stderr(&o).contains("verified: slots sum to 1039 = total 1039"), "{m}");
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = quota(&["allocate", "--format", "json"]).stdout;
    let b = quota(&["allocate", "--format", "json"]).stdout;
    assert_eq!(a, b);
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::quota_in(dir.path(), &["allocate", "--format", "md", "-o", "alloc.md"]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(dir.path().join("alloc.md")).unwrap();
    assert!(text.contains("| code | name | region |"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).collect();
    assert_eq!(leftovers.len(), 1, "only the output file remains");
}

#[test]
fn help_shows_purpose_and_examples() {
    let o = quota(&["--help"]);
    assert!(stdout(&o).contains("小巨人"));
    for cmd in ["allocate", "apportion", "validate"] {
        let o = quota(&[cmd, "--help"]);
        assert!(o.status.success());
        assert!(stdout(&o).contains("Example"), "{cmd} --help has an example");
    }
}

#[test]
fn apportion_tool_agrees_with_the_textbook() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "name,weight\nA,100000\nB,80000\nC,30000\nD,20000\n").unwrap();
    let run = |m: &str| {
        let o = common::quota_in(
            dir.path(),
            &["apportion", "--method", m, "--seats", "8", "p.csv", "--format", "json"],
        );
        assert!(o.status.success(), "{}", common::stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["allocation"].as_array().unwrap().iter().map(|a| a["seats"].as_u64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(run("dhondt"), vec![4, 3, 1, 0]);
    assert_eq!(run("sainte-lague"), vec![3, 3, 1, 1]);
    let o = common::quota_in(
        dir.path(),
        &["apportion", "--method", "hamilton", "--seats", "8", "p.csv", "--format", "csv", "--stamp"],
    );
    // The CSV with --stamp: its reproducibility stamp as a comment line, then the header.
    assert!(stdout(&o).starts_with("# stamp: quota "));
    assert_eq!(stdout(&o).lines().nth(1), Some("name,weight,quota,seats"));
}

#[test]
fn apportion_reports_ties_with_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "name,weight\nX,1.5\nY,1.50\nZ,1\n").unwrap();
    let o =
        common::quota_in(dir.path(), &["apportion", "-m", "webster", "-s", "1", "t.csv", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ties"][0]["winners"], serde_json::json!(["X"]));
    assert_eq!(v["ties"][0]["losers"], serde_json::json!(["Y"]));
}
