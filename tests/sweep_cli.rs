//! `quota sweep` through the real binary: determinism across thread counts and reruns, the
//! baseline against `quota allocate`, streamed long output, and every bad input (exit 2,
//! nothing written).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("runs")
}

fn ok(args: &[&str]) -> String {
    let o = quota(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quota-sweep-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn same_bytes_for_one_and_two_threads_and_across_reruns() {
    let designs: [&[&str]; 4] = [
        &["--design", "grid", "--step", "0.05"],
        &[
            "--design",
            "monte-carlo",
            "--dirichlet",
            "30",
            "--noise",
            "5",
            "--scenarios",
            "20000",
            "--seed",
            "11",
        ],
        &["--design", "sobol", "--samples", "512", "--bootstrap", "20", "--seed", "5"],
        &["--design", "oat", "--weight", "xiaojuren", "--range", "0.2:0.6"],
    ];
    for d in designs {
        let run = |threads: &str| {
            let mut a = vec!["sweep", "--format", "json", "--threads", threads];
            a.extend_from_slice(d);
            ok(&a)
        };
        let one = run("1");
        assert_eq!(one, run("2"), "{d:?}: 1 vs 2 threads");
        assert_eq!(one, run("2"), "{d:?}: rerun");
    }
    // A different seed gives a different sample.
    let mc = |seed: &str| {
        ok(&[
            "sweep",
            "--design",
            "monte-carlo",
            "--uniform",
            "--scenarios",
            "5000",
            "--seed",
            seed,
            "--format",
            "csv",
        ])
    };
    assert_ne!(mc("1"), mc("2"));
}

#[test]
fn the_optimisation_model_sweeps_deterministically_too() {
    let scenario = "data/scenarios/2024-batch1-guarantees.toml";
    let designs: [&[&str]; 4] = [
        &["--design", "grid", "--step", "0.1"],
        &["--design", "monte-carlo", "--dirichlet", "30", "--scenarios", "3000", "--seed", "2"],
        &["--design", "sobol", "--samples", "64", "--bootstrap", "10", "--seed", "5"],
        &["--design", "oat", "--weight", "cultivation", "--range", "0.1:0.4"],
    ];
    for d in designs {
        let run = |threads: &str| {
            let mut a = vec!["sweep", scenario, "--format", "json", "--threads", threads];
            a.extend_from_slice(d);
            ok(&a)
        };
        let one = run("1");
        assert!(one.contains("optimize (l1)"), "{d:?}: {one}");
        assert_eq!(one, run("2"), "{d:?}: 1 vs 2 threads");
    }
}

/// DIR/scenarios.csv of `quota sweep ARGS --keep-all --threads T -o DIR`, for T = 1 and 2.
fn kept_with_one_and_two_threads(name: &str, args: &[&str]) -> Vec<String> {
    ["1", "2"]
        .iter()
        .map(|t| {
            let dir = tmp(&format!("{name}{t}"));
            let mut a = vec!["sweep"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--keep-all", "--threads", t, "-o", dir.to_str().unwrap()]);
            ok(&a);
            let text = std::fs::read_to_string(dir.join("scenarios.csv")).unwrap();
            let _ = std::fs::remove_dir_all(&dir);
            text
        })
        .collect()
}

#[test]
fn kept_sobol_runs_are_identical_for_any_thread_count() {
    let files = kept_with_one_and_two_threads("keep-sobol", &["--design", "sobol", "--samples", "300"]);
    assert_eq!(files[0], files[1]);
    // 300 base samples × (3 weights + 2) runs × 37 units and a header (no stamp: plain CSV).
    assert_eq!(files[0].lines().count(), 1 + 300 * 5 * 37);
}

#[test]
fn kept_scenarios_are_identical_for_any_thread_count() {
    let files = kept_with_one_and_two_threads(
        "keep",
        &["--design", "monte-carlo", "--dirichlet", "20", "--scenarios", "9000", "--seed", "3"],
    );
    assert_eq!(files[0], files[1]);
    let lines: Vec<&str> = files[0].lines().filter(|l| !l.starts_with("# stamp:")).collect();
    assert!(files[0].starts_with("scenario,"), "plain CSV: the header first");
    assert_eq!(lines.len(), 1 + 9000 * 37);
    assert!(
        lines[0].starts_with("scenario,w_sme_above_scale,w_xiaojuren,w_cultivation,code,slots,funding_wan")
    );
    // Every scenario's slots sum to the total.
    let mut sums = std::collections::BTreeMap::<u64, u64>::new();
    for l in &lines[1..] {
        let f: Vec<&str> = l.split(',').collect();
        *sums.entry(f[0].parse().unwrap()).or_default() += f[f.len() - 2].parse::<u64>().unwrap();
    }
    assert!(sums.values().all(|&s| s == 1039));
}

/// One column of a CSV output (comment lines skipped).
fn column(text: &str, col: &str) -> Vec<String> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == col).unwrap();
    lines.map(|l| l.split(',').nth(k).unwrap().to_string()).collect()
}

#[test]
fn the_baseline_is_the_allocation() {
    for method in ["hamilton", "webster", "huntington-hill"] {
        let alloc = ok(&["allocate", "--method", method, "--format", "csv"]);
        let sweep =
            ok(&["sweep", "--design", "grid", "--step", "0.5", "--method", method, "--format", "csv"]);
        assert_eq!(column(&alloc, "slots"), column(&sweep, "baseline"), "{method}");
    }
    let scenario = "data/scenarios/2024-batch1-guarantees.toml";
    let alloc = ok(&["allocate", scenario, "--format", "csv"]);
    let sweep = ok(&["sweep", scenario, "--design", "grid", "--step", "0.5", "--format", "csv"]);
    assert_eq!(column(&alloc, "slots"), column(&sweep, "baseline"), "optimize");
}

#[test]
fn every_design_writes_its_files() {
    let cases: [(&str, &[&str], &[&str]); 4] = [
        (
            "grid",
            &["--design", "grid", "--step", "0.1"],
            &["tornado.svg", "grid-map.svg", "summary.csv", "summary.json", "summary.md", "summary.txt"],
        ),
        (
            "oat",
            &["--design", "oat", "--weight", "cultivation", "--range", "0:0.5"],
            &["tornado.svg", "oat-cultivation.svg", "breakpoints.csv"],
        ),
        (
            "mc",
            &["--design", "monte-carlo", "--uniform", "--scenarios", "2000"],
            &["tornado.svg", "summary.csv"],
        ),
        (
            "sobol",
            &["--design", "sobol", "--samples", "256", "--bootstrap", "10"],
            &["sobol.svg", "sobol.csv", "tornado.svg"],
        ),
    ];
    for (name, args, files) in cases {
        let dir = tmp(name);
        let mut a = vec!["sweep"];
        a.extend_from_slice(args);
        a.extend(["-o", dir.to_str().unwrap()]);
        let o = quota(&a);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        for f in files {
            let p = dir.join(f);
            assert!(p.exists(), "{name}: {f} missing");
            if f.ends_with(".svg") {
                let svg = std::fs::read_to_string(&p).unwrap();
                assert!(
                    svg.contains("Noto Sans CJK SC") && svg.contains("北京市") || f.contains("map"),
                    "{name}: {f}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn assert_bad(args: &[&str], expect: &str) {
    let mut a = vec!["sweep"];
    a.extend_from_slice(args);
    let o = quota(&a);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(expect), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
}

fn leftovers(parent: &Path, stem: &str) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(stem))
        .collect()
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tmp("bad");
    let d = dir.to_str().unwrap();
    assert_bad(&["--design", "grid", "--step", "0.3", "-o", d], "does not divide 1");
    assert_bad(&["--design", "grid", "--step", "0"], "does not divide 1");
    assert!(!dir.exists(), "a failed run creates no output directory");
    assert!(
        leftovers(dir.parent().unwrap(), &format!("quota-sweep-test-{}-bad", std::process::id())).is_empty()
    );
    assert_bad(&["--design", "oat", "--weight", "cultivation", "--range", "0.4:0.4"], "empty range");
    assert_bad(&["--design", "oat", "--weight", "cultivation", "--range", "0.6:0.2"], "empty range");
    assert_bad(&["--design", "oat", "--weight", "cultivation", "--range", "0:1.5"], "outside [0, 1]");
    assert_bad(
        &["--design", "oat", "--weight", "cultivaton"],
        "'cultivaton' is not a weight of scenario '2024-batch1'",
    );
    assert_bad(&["--design", "oat", "--weight", "cultivaton"], "did you mean 'cultivation'?");
    assert_bad(&["--design", "grid", "--vary", "moon=0:1"], "'moon' is not a weight");
    assert_bad(&["--design", "sobol", "--samples", "0"], "must be at least 64");
    assert_bad(&["--design", "monte-carlo", "--uniform", "--scenarios", "0"], "must be at least 1");
    assert_bad(
        &["--design", "monte-carlo", "--uniform", "--seed", "abc"],
        "invalid value 'abc' for '--seed <SEED>'",
    );
    assert_bad(&["--design", "sobol", "--range", "1.5:0.5"], "empty range");
    assert_bad(&["--design", "monte-carlo", "--uniform", "--keep-all"], "-o DIR");
    assert_bad(&["--design", "grid", "--keep-all=feather", "-o", d], "invalid value 'feather'");
    #[cfg(not(feature = "parquet"))]
    assert_bad(
        &["--design", "grid", "--keep-all=parquet", "-o", d],
        "--keep-all=parquet: this quota was built without Parquet support; build it with the `parquet` feature",
    );
    #[cfg(feature = "parquet")]
    assert_bad(&["--design", "grid", "--keep-all=parquet"], "--keep-all writes DIR/scenarios.parquet");
    assert_bad(
        &["--design", "oat", "--paradoxes"],
        "--paradoxes does not apply to --design oat: it is an option of --design grid and --design monte-carlo",
    );
    assert_bad(&["--design", "grid", "--paradoxes", "--method", "optimize"], "for the optimisation model");
    // An existing non-empty directory is refused unless --force, and left untouched.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mine.txt"), "keep me").unwrap();
    assert_bad(&["--design", "grid", "--step", "0.5", "-o", d], "exists and is not empty");
    assert_eq!(leftovers(&dir, ""), vec!["mine.txt".to_string()]);
    ok(&["sweep", "--design", "grid", "--step", "0.5", "-o", d, "--force"]);
    assert!(dir.join("summary.csv").exists() && dir.join("mine.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn silent_on_stderr_when_it_is_not_a_terminal() {
    let o = quota(&["sweep", "--design", "monte-carlo", "--uniform", "--scenarios", "300000"]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn an_empty_existing_directory_is_used() {
    let dir = tmp("empty");
    std::fs::create_dir_all(&dir).unwrap();
    ok(&["sweep", "--design", "grid", "--step", "0.5", "-o", dir.to_str().unwrap()]);
    assert!(dir.join("tornado.svg").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn paradox_columns_appear_in_every_format_when_asked() {
    let args = ["sweep", "--design", "grid", "--step", "0.1", "--paradoxes"];
    let csv = ok(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .ends_with(",p_alabama,p_below_quota,p_above_quota,p_beyond_bounded_quota"));
    let json = ok(&[&args[..], &["--format", "json"]].concat());
    assert!(json.contains("\"paradoxes\": {") && json.contains("\"beyond_bounded_quota\""), "{json}");
    let table = ok(&[&args[..], &["--format", "table"]].concat());
    assert!(table.contains("p_alabama") && table.contains("paradoxes (shares of the feasible scenarios)"));
    // Without the flag, no paradox columns.
    let plain = ok(&["sweep", "--design", "grid", "--step", "0.1", "--format", "csv"]);
    assert!(!plain.contains("p_alabama"));
}
