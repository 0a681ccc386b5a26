//! Plain data out (issue 13 item 1): every CSV the tool writes — allocate, apportion, compare
//! (each section and leave-one-out), sweep (stdout and every .csv of `-o DIR` for each design),
//! plan, weights, eligible, table and calibrate — is one header line and rows, read with no
//! options by Python's csv module and by pandas (when installed) with the expected shape
//! (tests/reference/csv_shape.py). The provenance stays in the data: allocate's
//! `not_official` column and the table's 注 column. `--stamp` adds the `# stamp:` line on
//! request, and is refused for formats that carry the stamp already.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn quota(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).current_dir(ROOT).args(args).output().expect("run quota")
}

fn ok(args: &[&str]) -> String {
    let o = quota(args);
    assert!(o.status.success(), "quota {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn python_available() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn every_csv_reads_with_the_right_shape_in_python() {
    assert!(python_available(), "python3 is needed for this test (the CI image has it)");
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).display().to_string();
    // (file, expected data rows or -1) for every CSV written below.
    let mut checks: Vec<(String, i64)> = Vec::new();
    let stdout_csv: [(&str, &[&str], i64); 13] = [
        ("allocate.csv", &["allocate"], 37),
        ("apportion.csv", &["apportion", "-m", "webster", "-n", "8", "tests/corpus/inputs/parties.csv"], 4),
        ("compare-units.csv", &["compare"], 37),
        ("compare-metrics.csv", &["compare", "--show", "metrics"], -1),
        ("compare-weights.csv", &["compare", "--show", "weights"], -1),
        ("leave-one-out.csv", &["compare", "--leave-one-out"], 37),
        ("observed.csv", &["compare", "--observed", "data/observed/2021-programme-continuing-2024.csv"], 37),
        ("sweep.csv", &["sweep", "--design", "grid", "--step", "0.25"], 37),
        ("plan.csv", &["plan", "data/programme/148-2024-2026.toml"], -1),
        ("weights.csv", &["weights", "-s", "entropy"], 3),
        ("eligible.csv", &["eligible", "data/registry/firms.csv"], 37),
        ("table.csv", &["table"], 38),
        ("calibrate.csv", &["calibrate", "--observed", "data/observed/2024-batch1-tianjin.csv"], -1),
    ];
    for (name, args, rows) in stdout_csv {
        let mut a = args.to_vec();
        a.extend(["--format", "csv"]);
        std::fs::write(d(name), ok(&a)).unwrap();
        checks.push((d(name), rows));
    }
    // Every .csv of the output directory of each design.
    for (name, design) in [
        ("grid", &["--design", "grid", "--step", "0.25", "--keep-all"][..]),
        ("oat", &["--design", "oat"][..]),
        ("sobol", &["--design", "sobol", "--samples", "64", "--second-order"][..]),
        ("morris", &["--design", "morris", "--trajectories", "4"][..]),
    ] {
        let mut a = vec!["sweep"];
        a.extend(design);
        let out = d(name);
        a.extend(["-o", &out]);
        ok(&a);
        let mut files: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .filter(|p| p.ends_with(".csv"))
            .collect();
        files.sort();
        assert!(files.iter().any(|f| f.ends_with("summary.csv")), "{name}: {files:?}");
        checks.extend(files.into_iter().map(|f| {
            let rows = if f.ends_with("summary.csv") { 37 } else { -1 };
            (f, rows)
        }));
    }
    let mut args: Vec<String> = vec![format!("{ROOT}/tests/reference/csv_shape.py")];
    args.extend(checks.iter().map(|(f, r)| format!("{f}:{r}")));
    let o = Command::new("python3").args(&args).output().expect("run python3");
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{report}{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(report.matches(": ok").count(), checks.len(), "{report}");
    assert!(checks.len() >= 22, "{} files checked", checks.len());
}

#[test]
fn the_provenance_stays_in_the_data() {
    let csv = ok(&["allocate", "--format", "csv"]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header.last(), Some(&"not_official"));
    let tianjin = csv.lines().find(|l| l.starts_with("12,")).unwrap();
    assert!(tianjin.ends_with(",sme_above_scale;cultivation;gdp_per_capita;eligible_firms"), "{tianjin}");
    // 北京's GDP per capita is official: its row names only the other three.
    let beijing = csv.lines().find(|l| l.starts_with("11,")).unwrap();
    assert!(beijing.ends_with(",sme_above_scale;cultivation;eligible_firms"), "{beijing}");
    let table = ok(&["table", "--lang", "en", "--format", "csv"]);
    assert!(table.lines().next().unwrap().ends_with(",Note"));
    assert!(table
        .lines()
        .last()
        .unwrap()
        .contains("Note: an illustrative calculation, not an official result."));
}

#[test]
fn the_stamp_line_is_written_on_request_only() {
    for args in [
        &["allocate"][..],
        &["apportion", "-m", "webster", "-n", "8", "tests/corpus/inputs/parties.csv"][..],
        &["compare"][..],
        &["compare", "--leave-one-out"][..],
        &["compare", "--observed", "data/observed/2024-batch1-tianjin.csv"][..],
        &["sweep", "--design", "grid", "--step", "0.25"][..],
    ] {
        let mut plain = args.to_vec();
        plain.extend(["--format", "csv"]);
        let text = ok(&plain);
        assert!(!text.starts_with('#'), "{args:?}");
        let mut stamped = plain.clone();
        stamped.push("--stamp");
        let with = ok(&stamped);
        let (first, rest) = with.split_once('\n').unwrap();
        assert!(first.starts_with("# stamp: quota "), "{args:?}: {first}");
        assert_eq!(rest, text, "{args:?}: the stamp line is the only difference");
        let mut json = args.to_vec();
        json.extend(["--format", "json", "--stamp"]);
        let o = quota(&json);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--stamp applies to CSV output"));
    }
    // Every file of a sweep's directory, with --stamp.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    ok(&["sweep", "--design", "grid", "--step", "0.25", "--stamp", "-o", out.to_str().unwrap()]);
    let summary = std::fs::read_to_string(Path::new(&out).join("summary.csv")).unwrap();
    assert!(summary.starts_with("# stamp: quota "));
}

#[test]
fn the_json_stamp_is_one_object_everywhere() {
    for args in [
        &["allocate"][..],
        &["apportion", "-m", "webster", "-n", "8", "tests/corpus/inputs/parties.csv"][..],
        &["compare"][..],
        &["compare", "--leave-one-out"][..],
        &["compare", "--observed", "data/observed/2024-batch1-tianjin.csv"][..],
        &["sweep", "--design", "grid", "--step", "0.25"][..],
    ] {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&ok(&a)).unwrap();
        let stamp = doc["stamp"].as_object().unwrap_or_else(|| panic!("{args:?}: stamp {}", doc["stamp"]));
        let keys: Vec<&str> = stamp.keys().map(String::as_str).collect();
        assert_eq!(keys, ["version", "inputs_sha256", "method", "seed"], "{args:?}");
    }
}
