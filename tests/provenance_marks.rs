//! Honest outputs (issue 14): every artefact built from the bundled data — whose indicators
//! are partly illustrative, whose firm registry is synthetic and whose 2026 batch total is
//! assumed — carries the provenance mark; the same artefacts built from an all-official copy
//! of the data carry none. Covers `table` (md, csv, xlsx sheet 1, both languages), `allocate`,
//! `explain`, `compare` (one scenario and A/B), `plan`, `eligible`, JSON `provenance`, and
//! every sweep chart.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const MARK_ZH: &str = "注：本结果为示意测算";
const MARK_EN: &str = "Note: an illustrative calculation";
const CHART_MARK: &str = "示意测算，非官方";

fn quota(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("run quota");
    assert!(o.status.success(), "quota {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

fn text(args: &[&str]) -> String {
    String::from_utf8(quota(args)).expect("UTF-8")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of data/ in `dir` with every declared status set to official (the fixture a
/// planner with official statistics would have).
fn official_copy(dir: &Path) {
    let data = root().join("data");
    for sub in ["scenarios", "registry", "programme"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let official = |s: String| {
        s.replace(": illustrative |", ": official |")
            .replace(": synthetic |", ": official |")
            .replace(",illustrative,", ",official,")
            .replace("status = \"assumed\"", "status = \"official\"")
    };
    for f in [
        "units.csv",
        "indicators.csv",
        "scenarios/2024-batch1.toml",
        "scenarios/2024-batch1-xiaojuren-heavy.toml",
        "registry/firms.csv",
        "programme/148-2024-2026.toml",
    ] {
        let s = std::fs::read_to_string(data.join(f)).unwrap();
        std::fs::write(dir.join(f), official(s)).unwrap();
    }
}

/// Every artefact of one data directory, as (what, text).
fn artefacts(data: &Path, out: &Path) -> Vec<(String, String)> {
    let p = |f: &str| data.join(f).to_str().unwrap().to_string();
    let (scenario, other) =
        (p("scenarios/2024-batch1.toml"), p("scenarios/2024-batch1-xiaojuren-heavy.toml"));
    let (programme, registry) = (p("programme/148-2024-2026.toml"), p("registry/firms.csv"));
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["table", &scenario],
        vec!["table", &scenario, "--lang", "en"],
        vec!["table", &scenario, "--format", "csv"],
        vec!["allocate", &scenario],
        vec!["allocate", &scenario, "--format", "md"],
        vec!["allocate", &scenario, "--caps-from", &registry],
        vec!["explain", &scenario, "--unit", "12"],
        vec!["explain", &scenario, "--format", "md"],
        vec!["compare", &scenario],
        vec!["compare", &scenario, "--format", "md"],
        vec!["compare", &scenario, &other],
        vec!["compare", &scenario, "--leave-one-out"],
        vec!["compare", &scenario, "--leave-one-out", "--format", "md"],
        vec!["plan", &programme],
        vec!["plan", &programme, "--format", "md"],
        vec!["eligible", &registry],
        vec!["eligible", &registry, "--excluded"],
    ];
    let observed = root().join("data/observed/2024-batch1-tianjin.csv").to_str().unwrap().to_string();
    let region = out.join("region.svg").to_str().unwrap().to_string();
    runs.push(vec!["calibrate", &scenario, "--observed", &observed, "--grid", "200"]);
    runs.push(vec!["compare", &scenario, "--observed", &observed]);
    runs.push(vec!["compare", &scenario, "--observed", &observed, "--format", "md"]);
    runs.push(vec!["calibrate", &scenario, "--observed", &observed, "--grid", "200", "--format", "md"]);
    runs.push(vec![
        "calibrate",
        &scenario,
        "--observed",
        &observed,
        "--grid",
        "200",
        "--chart",
        &region,
        "--chart-steps",
        "10",
    ]);
    let (svg, diff_svg) = (out.join("compare.svg"), out.join("diff.svg"));
    let (svg_s, diff_s) = (svg.to_str().unwrap().to_string(), diff_svg.to_str().unwrap().to_string());
    runs.push(vec!["compare", &scenario, "--chart", &svg_s]);
    runs.push(vec!["compare", &scenario, &other, "--chart", &diff_s]);
    let fit = out.join("fit.svg").to_str().unwrap().to_string();
    runs.push(vec!["compare", &scenario, "--observed", &observed, "--chart", &fit]);
    let mut found: Vec<(String, String)> = runs.iter().map(|a| (a.join(" "), text(a))).collect();
    found.push(("compare svg".into(), std::fs::read_to_string(&svg).unwrap()));
    found.push(("compare A/B svg".into(), std::fs::read_to_string(&diff_svg).unwrap()));
    found.push(("calibrate region svg".into(), std::fs::read_to_string(&region).unwrap()));
    found.push(("compare observed svg".into(), std::fs::read_to_string(&fit).unwrap()));

    // The xlsx: sheet 1 references the mark among its shared strings.
    let xlsx = out.join("t.xlsx");
    quota(&["table", &scenario, "--format", "xlsx", "-o", xlsx.to_str().unwrap()]);
    let bytes = std::fs::read(&xlsx).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    let index = strings.split("<si>").skip(1).position(|si| si.contains(MARK_ZH));
    let on_sheet1 = index.is_some_and(|k| sheet.contains(&format!("<v>{k}</v>")));
    found.push(("table xlsx sheet 1".into(), if on_sheet1 { MARK_ZH.to_string() } else { String::new() }));

    // Every sweep chart.
    let dir = out.join("sweep");
    quota(&["sweep", &scenario, "--design", "grid", "--step", "0.25", "-o", dir.to_str().unwrap()]);
    let mut charts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    charts.sort();
    assert!(!charts.is_empty(), "the sweep wrote no chart");
    for c in charts {
        found.push((format!("sweep {}", c.display()), std::fs::read_to_string(&c).unwrap()));
    }
    found
}

fn marked(what: &str, s: &str) -> bool {
    if what.ends_with("svg") || what.starts_with("sweep") {
        s.contains(CHART_MARK)
    } else if what.contains("--lang en") {
        s.contains(MARK_EN)
    } else {
        s.contains(MARK_ZH)
    }
}

#[test]
fn every_artefact_of_the_bundled_data_carries_the_mark() {
    let out = tempfile::tempdir().unwrap();
    let data = root().join("data");
    let missing: Vec<String> =
        artefacts(&data, out.path()).into_iter().filter(|(w, s)| !marked(w, s)).map(|(w, _)| w).collect();
    assert!(missing.is_empty(), "artefacts without the provenance mark: {missing:#?}");
    // JSON carries the provenance object, naming the illustrative inputs.
    let json: serde_json::Value = serde_json::from_slice(&quota(&["allocate", "--format", "json"])).unwrap();
    let p = &json["provenance"];
    assert_eq!(p["official"], false);
    let names: Vec<&str> =
        p["inputs"].as_array().unwrap().iter().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(names, ["sme_above_scale", "xiaojuren", "cultivation", "gdp_per_capita", "eligible_firms"]);
    let gdp = &p["inputs"][3];
    assert_eq!(gdp["status"], "illustrative");
    // 26 of 37 units have no official figure of their own (21 provinces, 兵团, 4 cities).
    assert_eq!(gdp["marked_units"].as_array().unwrap().len(), 26);
    assert!(!gdp["marked_units"].as_array().unwrap().iter().any(|c| c == "31" || c == "4403"));
    // The 小巨人 column is official and dated.
    assert_eq!(p["inputs"][1]["status"], "official");
    assert_eq!(p["inputs"][1]["as_of"], "2021-06");
}

#[test]
fn an_all_official_copy_of_the_data_carries_no_mark() {
    let data = tempfile::tempdir().unwrap();
    official_copy(data.path());
    let out = tempfile::tempdir().unwrap();
    let still: Vec<String> = artefacts(data.path(), out.path())
        .into_iter()
        .filter(|(_, s)| s.contains(MARK_ZH) || s.contains(MARK_EN) || s.contains(CHART_MARK))
        .map(|(w, _)| w)
        .collect();
    assert!(still.is_empty(), "official inputs, yet marked: {still:#?}");
    let scenario = data.path().join("scenarios/2024-batch1.toml");
    let json: serde_json::Value =
        serde_json::from_slice(&quota(&["allocate", scenario.to_str().unwrap(), "--format", "json"]))
            .unwrap();
    assert_eq!(json["provenance"]["official"], true);
    let title = text(&["table", scenario.to_str().unwrap()]);
    assert!(title.starts_with("### 财建〔2024〕148号 2024年第一批：") && !title.contains("示意"), "{title}");
    // validate lists no input; the CSV's not_official column is empty; the table CSV has no 注.
    let v = text(&["validate", scenario.to_str().unwrap()]);
    assert!(!v.contains("not official"), "{v}");
    let csv = text(&["allocate", scenario.to_str().unwrap(), "--format", "csv"]);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(',')), "{csv}");
    let table = text(&["table", scenario.to_str().unwrap(), "--format", "csv"]);
    assert!(!table.lines().next().unwrap().ends_with(",注"), "{table}");
}

#[test]
fn validate_lists_the_inputs_that_are_not_official() {
    let scenario = root().join("data/scenarios/2024-batch1.toml");
    let v = text(&["validate", scenario.to_str().unwrap()]);
    let listed: Vec<&str> = v
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("not official: "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(listed, ["sme_above_scale", "cultivation", "gdp_per_capita", "eligible_firms"], "{v}");
    assert!(v.contains("gdp_per_capita (GDP per capita): illustrative for 26 of 37 units"), "{v}");
}

/// Every CSV with a `not_official` column, from one data directory: (what, CSV text).
fn csv_artefacts(data: &Path) -> Vec<(String, String)> {
    let p = |f: &str| data.join(f).to_str().unwrap().to_string();
    let scenario = p("scenarios/2024-batch1.toml");
    let (programme, registry) = (p("programme/148-2024-2026.toml"), p("registry/firms.csv"));
    let observed =
        root().join("data/observed/2021-programme-continuing-2024.csv").to_str().unwrap().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["allocate", &scenario],
        vec!["compare", &scenario],
        vec!["compare", &scenario, "--show", "metrics"],
        vec!["compare", &scenario, "--show", "weights"],
        vec!["compare", &scenario, "--leave-one-out"],
        vec!["compare", &scenario, "--observed", &observed],
        vec!["plan", &programme],
        vec!["eligible", &registry],
        vec!["eligible", &registry, "--excluded"],
    ];
    runs.into_iter()
        .map(|mut a| {
            let what = a.join(" ");
            a.extend(["--format", "csv"]);
            (what, text(&a))
        })
        .collect()
}

/// The `not_official` cell of every data row (the column is the header's last).
fn not_official_cells(what: &str, csv: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(header.iter().next_back(), Some("not_official"), "{what}: {header:?}");
    r.records().map(|row| row.unwrap().iter().next_back().unwrap().to_string()).collect()
}

#[test]
fn every_csv_row_names_the_inputs_that_are_not_official() {
    for (what, csv) in csv_artefacts(&root().join("data")) {
        let cells = not_official_cells(&what, &csv);
        assert!(!cells.is_empty(), "{what}: no rows");
        assert!(cells.iter().all(|c| !c.is_empty()), "{what}: a row without its mark:\n{csv}");
    }
    let dir = tempfile::tempdir().unwrap();
    official_copy(dir.path());
    for (what, csv) in csv_artefacts(dir.path()) {
        let cells = not_official_cells(&what, &csv);
        assert!(cells.iter().all(String::is_empty), "official inputs, yet marked: {what}:\n{csv}");
    }
}
