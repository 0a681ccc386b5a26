//! `quota sweep --design sobol --second-order / --group` through the real binary: a group of
//! one factor gives the plain design's indices, second-order indices are the same bytes for any
//! thread count, the output directory gains sobol2.csv, and bad groups exit 2.

use std::process::{Command, Output};

use serde_json::Value;

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("runs")
}

fn json(args: &[&str]) -> Value {
    let mut a =
        vec!["sweep", "--design", "sobol", "--format", "json", "--samples", "256", "--bootstrap", "20"];
    a.extend_from_slice(args);
    let o = quota(&a);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn singleton_groups_give_the_plain_indices() {
    let plain = json(&["--vary", "西部=0.8:1.5"]);
    let grouped =
        json(&["--vary", "西部=0.8:1.5", "--group", "区域差异=西部", "--group", "小巨人=xiaojuren"]);
    let (p, g) = (&plain["sobol"], &grouped["sobol"]);
    assert_eq!(g["factors"], serde_json::json!(["sme_above_scale", "小巨人", "cultivation", "区域差异"]));
    assert_eq!(g["members"][3], serde_json::json!(["multiplier:西部"]));
    assert!(p.get("members").is_none());
    for key in ["S1", "S1_conf", "ST", "ST_conf", "variance"] {
        for (a, b) in p["units"].as_array().unwrap().iter().zip(g["units"].as_array().unwrap()) {
            assert_eq!(a[key], b[key], "{} {key}", a["code"]);
        }
    }
    assert_eq!(p["evaluations"], g["evaluations"]);
}

#[test]
fn second_order_is_the_same_for_any_thread_count_and_adds_its_runs() {
    let run =
        |threads: &str| json(&["--second-order", "--vary", "development_weight=0:0.3", "--threads", threads]);
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one, two);
    let s = &one["sobol"];
    assert_eq!(s["evaluations"], 256 * (2 * 4 + 2));
    let u = &s["units"][0];
    assert_eq!(u["S2"].as_array().unwrap().len(), 4);
    assert!(u["S2"][0][1].is_number() && u["S2"][1][0].is_null() && u["S2_conf"][0][3].is_number());
    // First-order and total indices do not change with --second-order (same A, B and AB runs).
    let plain = json(&["--vary", "development_weight=0:0.3"]);
    assert_eq!(plain["sobol"]["units"][5]["ST"], s["units"][5]["ST"]);
    assert!(plain["sobol"]["units"][0].get("S2").is_none());
}

#[test]
fn the_output_directory_holds_sobol2_csv() {
    let dir = std::env::temp_dir().join(format!("quota-sobol2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = quota(&[
        "sweep",
        "--design",
        "sobol",
        "--samples",
        "128",
        "--bootstrap",
        "10",
        "--second-order",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.join("sobol2.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("code,name,factor_j,factor_k,S2,S2_conf"));
    assert_eq!(csv.lines().count(), 1 + 37 * 3);
    let text = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    assert!(text.contains("second-order indices S2"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_groups_exit_2() {
    for (args, want) in [
        (vec!["--group", "g=东部"], "--group g: '东部' is not a factor of this design"),
        (vec!["--group", "g"], "expected NAME=FACTOR,FACTOR"),
        (vec!["--group", "g=xiaojuren", "--group", "h=xiaojuren,cultivation"], "already in group g"),
        (vec!["--group", "xiaojuren=cultivation"], "already a factor's"),
    ] {
        let mut a = vec!["sweep", "--design", "sobol", "--samples", "64"];
        a.extend_from_slice(&args);
        let o = quota(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let o = quota(&["sweep", "--design", "morris", "--second-order"]);
    assert_eq!(o.status.code(), Some(2));
}
