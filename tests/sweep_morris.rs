//! `quota sweep --design morris` through the real binary: the measures against SALib's
//! `morris.analyze` on the exported trajectories (tests/reference/salib_morris.py), the same
//! bytes for any thread count, the output directory's files, and bad parameters.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("runs")
}

fn ok(args: &[&str]) -> String {
    let o = quota(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quota-morris-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

const DESIGN: [&str; 12] = [
    "--design",
    "morris",
    "--trajectories",
    "12",
    "--candidates",
    "48",
    "--vary",
    "development_weight=0:0.3",
    "--vary",
    "西部=0.8:1.5",
    "--seed",
    "17",
];

fn run_into(dir: &Path, threads: &str) {
    let mut a = vec!["sweep", "--threads", threads, "-o", dir.to_str().unwrap()];
    a.extend_from_slice(&DESIGN);
    ok(&a);
}

/// Whether python3 with SALib is here; without it the SALib check is skipped, saying so —
/// except under CI (`CI` set), whose script installs SALib, where a missing SALib fails.
fn salib() -> bool {
    let here = Command::new("python3")
        .args(["-c", "import SALib.analyze.morris"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !here {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with SALib (python3 -m pip install SALib)"
        );
        eprintln!("skipped: the SALib comparison needs python3 with SALib (python3 -m pip install SALib)");
    }
    here
}

#[test]
fn measures_match_salib_on_the_exported_trajectories() {
    let dir = tmp("salib");
    run_into(&dir, "2");
    let study: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let m = &study["morris"];
    let factors = m["factors"].as_array().unwrap().len();
    assert_eq!(factors, 5, "three positive weights, δ and one multiplier");
    assert_eq!(m["evaluations"], 12 * 6);
    assert_eq!(study["design"]["levels"], 4);
    if !salib() {
        return;
    }
    let runs = dir.join("morris-runs.csv");
    let out = Command::new("python3")
        .args(["tests/reference/salib_morris.py", runs.to_str().unwrap(), "4", &factors.to_string()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reference: Value = serde_json::from_slice(&out.stdout).unwrap();
    let units = m["units"].as_array().unwrap();
    assert_eq!(units.len(), 37);
    let mut moved = 0;
    for u in units {
        let code = u["code"].as_str().unwrap();
        for key in ["mu", "mu_star", "sigma"] {
            let ours = u[key].as_array().unwrap();
            let theirs = reference[code][key].as_array().unwrap();
            assert_eq!(ours.len(), theirs.len());
            for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
                let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
                assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{code} {key}[{i}]: quota {a}, SALib {b}");
                if key == "mu_star" && a > 0.0 {
                    moved += 1;
                }
            }
        }
    }
    assert!(moved > 50, "the comparison covers moving units ({moved} pairs)");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_files_for_one_and_two_threads() {
    let (one, two) = (tmp("t1"), tmp("t2"));
    run_into(&one, "1");
    run_into(&two, "2");
    let mut names: Vec<String> =
        std::fs::read_dir(&one).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "morris-runs.csv",
            "morris.csv",
            "morris.svg",
            "summary.csv",
            "summary.json",
            "summary.md",
            "summary.txt",
            "tornado.svg"
        ]
    );
    for n in &names {
        assert_eq!(std::fs::read(one.join(n)).unwrap(), std::fs::read(two.join(n)).unwrap(), "{n}");
    }
    let text = std::fs::read_to_string(one.join("summary.txt")).unwrap();
    assert!(text.contains("Morris screening (72 runs;"), "{text}");
    assert!(text.contains("rank  factor"), "{text}");
    let runs = std::fs::read_to_string(one.join("morris-runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 72, "header, 72 runs (plain CSV)");
    let _ = std::fs::remove_dir_all(&one);
    let _ = std::fs::remove_dir_all(&two);
}

#[test]
fn the_optimised_selection_spreads_the_trajectories_more_than_the_random_design() {
    let json = ok(&["sweep", "--design", "morris", "--format", "json", "--trajectories", "10"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let d = &v["design"];
    assert_eq!(d["candidates"], 40);
    assert!(d["spread"].as_f64().unwrap() > d["spread_random"].as_f64().unwrap(), "{d}");
    let random = ok(&[
        "sweep",
        "--design",
        "morris",
        "--format",
        "json",
        "--trajectories",
        "10",
        "--candidates",
        "10",
    ]);
    let r: Value = serde_json::from_str(&random).unwrap();
    assert_eq!(r["design"]["spread"], r["design"]["spread_random"]);
    // Other designs' JSON has no morris member.
    let sobol =
        ok(&["sweep", "--design", "sobol", "--format", "json", "--samples", "64", "--bootstrap", "2"]);
    assert!(!sobol.contains("\"morris\""));
}

#[test]
fn bad_parameters_exit_2_naming_the_flag() {
    for (args, want) in [
        (vec!["--levels", "3"], "--levels must be an even number"),
        (vec!["--trajectories", "1"], "--trajectories must be at least 2"),
        (vec!["--trajectories", "10", "--candidates", "5"], "--candidates must be at least --trajectories"),
        (vec!["--range", "2:1"], "empty range"),
        (vec!["--paradoxes"], "--paradoxes does not apply to --design morris"),
        (vec!["--group", "区域差异=西部"], "--group 区域差异: '西部' is not a factor of this design"),
        (
            vec!["--group", "g=cultivation", "--group", "h=cultivation"],
            "factor cultivation is already in group g",
        ),
        (vec!["--group", "cultivation=xiaojuren"], "the name is already a factor's"),
        (vec!["--group", "g="], "expected NAME=FACTOR,FACTOR"),
    ] {
        let mut a = vec!["sweep", "--design", "morris"];
        a.extend_from_slice(&args);
        let o = quota(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

fn study_json(args: &[&str]) -> Value {
    let mut a =
        vec!["sweep", "--design", "morris", "--format", "json", "--trajectories", "12", "--seed", "17"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(&a)).unwrap()
}

#[test]
fn a_group_of_one_factor_is_that_factor() {
    let vary = ["--vary", "西部=0.8:1.5"];
    let plain = study_json(&vary);
    let mut a = vary.to_vec();
    a.extend(["--group", "小巨人=xiaojuren", "--group", "区域差异=西部"]);
    let grouped = study_json(&a);
    let (p, g) = (&plain["morris"], &grouped["morris"]);
    assert_eq!(g["factors"], serde_json::json!(["sme_above_scale", "小巨人", "cultivation", "区域差异"]));
    assert_eq!(g["members"][1], serde_json::json!(["xiaojuren"]));
    assert!(p.get("members").is_none());
    assert_eq!(p["units"], g["units"], "the same measures, factor by factor");
    assert_eq!(p["evaluations"], g["evaluations"]);
}

#[test]
fn grouped_measures_match_salib_on_the_exported_trajectories() {
    let dir = tmp("groups");
    ok(&[
        "sweep",
        "--design",
        "morris",
        "--trajectories",
        "12",
        "--seed",
        "17",
        "--vary",
        "development_weight=0:0.3",
        "--vary",
        "西部=0.8:1.5",
        "--vary",
        "东部=0.8:1.2",
        "--group",
        "区域差异=西部,东部",
        "--group",
        "培育=cultivation,xiaojuren",
        "-o",
        dir.to_str().unwrap(),
    ]);
    let study: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let m = &study["morris"];
    assert_eq!(
        m["factors"],
        serde_json::json!(["sme_above_scale", "培育", "development_weight", "区域差异"])
    );
    assert_eq!(m["evaluations"], 12 * 5, "R·(g+1) runs for g = 4 groups");
    let text = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    assert!(text.contains("only μ* (and its interval) is defined for a group of several factors"), "{text}");
    let csv = std::fs::read_to_string(dir.join("morris.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("44,") && l.contains(",区域差异,,")), "μ empty for a group");
    for u in m["units"].as_array().unwrap() {
        assert!(u["mu"][1].is_null() && u["sigma"][3].is_null() && u["mu"][0].is_number());
    }
    if !salib() {
        return;
    }
    // The group of each factor column of the runs (the inputs, in design order).
    let mut group_of: Vec<(String, String)> = Vec::new();
    for (f, members) in m["factors"].as_array().unwrap().iter().zip(m["members"].as_array().unwrap()) {
        for x in members.as_array().unwrap() {
            group_of.push((x.as_str().unwrap().to_string(), f.as_str().unwrap().to_string()));
        }
    }
    let runs = dir.join("morris-runs.csv");
    let header: Vec<String> = std::fs::read_to_string(&runs)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .split(',')
        .skip(3)
        .take(group_of.len())
        .map(String::from)
        .collect();
    let groups: Vec<String> =
        header.iter().map(|c| group_of.iter().find(|(x, _)| x == c).unwrap().1.clone()).collect();
    let out = Command::new("python3")
        .args([
            "tests/reference/salib_morris.py",
            runs.to_str().unwrap(),
            "4",
            &header.len().to_string(),
            &groups.join(","),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reference: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut moved = 0;
    for u in m["units"].as_array().unwrap() {
        let code = u["code"].as_str().unwrap();
        for (i, (a, b)) in u["mu_star"]
            .as_array()
            .unwrap()
            .iter()
            .zip(reference[code]["mu_star"].as_array().unwrap())
            .enumerate()
        {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{code} mu_star[{i}]: quota {a}, SALib {b}");
            moved += usize::from(a > 0.0);
        }
        // σ: the same for single factors, NaN (null) in SALib for the groups of several.
        assert_eq!(u["sigma"].as_array().unwrap().len(), reference[code]["sigma"].as_array().unwrap().len());
        for (i, (a, b)) in u["sigma"]
            .as_array()
            .unwrap()
            .iter()
            .zip(reference[code]["sigma"].as_array().unwrap())
            .enumerate()
        {
            match (a.as_f64(), b.as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{code} sigma[{i}]"),
                (None, None) => {}
                _ => panic!("{code} sigma[{i}]: quota {a}, SALib {b}"),
            }
        }
    }
    assert!(moved > 40, "the comparison covers moving units ({moved} pairs)");
    let _ = std::fs::remove_dir_all(&dir);
}
