//! `quota eligible` and `quota allocate --caps-from` through the real binary: counts on the
//! bundled SYNTHETIC registry, every reason per excluded firm, and bad input (exit 2, with
//! file, line and column).

use std::path::PathBuf;
use std::process::{Command, Output};

const REGISTRY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/registry/firms.csv");
const HEADER: &str =
    "id,name,unit,recognised_on,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n";

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("run quota")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A file in a fresh temporary directory of its own (tests run in parallel).
fn temp_file(name: &str, content: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quota-elig-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn csv_column(text: &str, name: &str) -> Vec<String> {
    // `#` lines are comments (allocate's CSV starts with its `# stamp:` line).
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    lines.map(|l| l.split(',').nth(c).unwrap().to_string()).collect()
}

#[test]
fn bundled_registry_counts_per_unit() {
    let o = quota(&["eligible", REGISTRY]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("screened on 2024-07-31 — 3599 eligible"), "{out}");
    let o = quota(&["eligible", REGISTRY, "--format", "csv"]);
    let eligible: Vec<u64> = csv_column(&stdout(&o), "eligible").iter().map(|v| v.parse().unwrap()).collect();
    assert_eq!(eligible.len(), 37);
    assert_eq!(eligible.iter().sum::<u64>(), 3599);
    assert_eq!(eligible[0], 239, "北京市 = eligible_firms of data/indicators.csv");
}

#[test]
fn later_screening_dates_change_the_pool() {
    let o = quota(&["eligible", REGISTRY, "--as-of", "2025-04-30", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of"], "2025-04-30");
    // Firms recognised on 2024-09-01 join; none has expired yet.
    assert!(v["eligible"].as_u64().unwrap() > 3599, "{}", v["eligible"]);
}

#[test]
fn every_reason_of_every_excluded_firm_is_listed() {
    let reg = temp_file(
        "reasons.csv",
        &format!(
            "{HEADER}ok,甲,11,,2027-06-30,none,no,2500,新技术,yes\nbad,乙,11,2025-01-01,2026-06-30,SZSE,yes,2000,,no\n"
        ),
    );
    let o = quota(&["eligible", reg.to_str().unwrap(), "--excluded", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows[1].starts_with("3,bad,乙,11,北京市,not_yet_recognised;listed;supported_2021;investment_not_above_2000;no_plan_area;not_key_field,"), "{}", rows[1]);
    assert!(rows[1].contains("plan investment 2000万元 is not above 2000万元"), "{}", rows[1]);
}

#[test]
fn caps_from_the_registry_equal_the_indicator_caps_on_2024_07_31() {
    let plain = quota(&["allocate", "--format", "csv"]);
    let from_registry = quota(&["allocate", "--format", "csv", "--caps-from", REGISTRY]);
    assert!(from_registry.status.success(), "{}", stderr(&from_registry));
    // The same numbers; only the provenance differs (the caps now come from the synthetic
    // registry, so each row's not_official names the registry instead of eligible_firms).
    let numbers =
        |s: String| -> Vec<String> { s.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string()).collect() };
    assert_eq!(numbers(stdout(&plain)), numbers(stdout(&from_registry)));
    // A later date: other caps (more firms eligible), same total.
    let later = quota(&["allocate", "--format", "csv", "--caps-from", REGISTRY, "--as-of", "2025-04-30"]);
    assert!(later.status.success(), "{}", stderr(&later));
    assert_ne!(csv_column(&stdout(&plain), "cap"), csv_column(&stdout(&later), "cap"));
}

#[test]
fn caps_from_a_registry_too_small_for_the_total_says_by_how_much() {
    let reg = temp_file(
        "small.csv",
        &format!("{HEADER}a,甲,11,,2027-06-30,none,no,2500,新技术,yes\nb,乙,12,,2027-06-30,none,no,2500,新技术,yes\n"),
    );
    let o = quota(&["allocate", "--caps-from", reg.to_str().unwrap(), "--total", "40"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("small.csv (eligible firms on 2024-07-31): total 40 is larger than the remaining eligible pool of 2 firm(s), by 38"), "{e}");
    assert!(e.contains("- 13 河北省: 0 eligible left, share 1.6"), "per-unit shortfall: {e}");
}

fn assert_bad(content: &str, expect: &[&str]) {
    let reg = temp_file("bad.csv", &format!("{HEADER}{content}"));
    let o = quota(&["eligible", reg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let e = stderr(&o);
    for x in expect {
        assert!(e.contains(x), "missing {x:?} in {e}");
    }
}

#[test]
fn malformed_date_is_located() {
    assert_bad(
        "a,甲,11,,2026-02-30,none,no,2500,新技术,yes\n",
        &["bad.csv, line 2, column 'valid_until': '2026-02-30' is not a date", "2026-02 has 28 days"],
    );
    assert_bad(
        "a,甲,11,2024/13/01,2026-06-30,none,no,2500,新技术,yes\n",
        &["line 2, column 'recognised_on'"],
    );
}

#[test]
fn unknown_listing_status_is_located() {
    assert_bad(
        "a,甲,11,,2026-06-30,NASDAQ,no,2500,新技术,yes\n",
        &["bad.csv, line 2, column 'listing': 'NASDAQ' is not a listing status (none, SSE, SZSE, BSE or overseas)"],
    );
}

#[test]
fn duplicate_firm_id_is_located() {
    assert_bad(
        "a,甲,11,,2026-06-30,none,no,2500,新技术,yes\nb,乙,11,,2026-06-30,none,no,2500,新技术,yes\na,丙,12,,2026-06-30,none,no,2500,新技术,yes\n",
        &["bad.csv, line 4, column 'id': duplicated firm id 'a' (first seen on line 2)"],
    );
}

#[test]
fn firm_in_unknown_unit_is_located() {
    assert_bad(
        "a,甲,99,,2026-06-30,none,no,2500,新技术,yes\n",
        &["bad.csv, line 2, column 'unit': unknown unit code '99'"],
    );
}

#[test]
fn all_bad_rows_are_reported_at_once() {
    assert_bad(
        "a,甲,99,,2026-06-30,none,no,2500,新技术,yes\nb,乙,11,,2026-06-30,HK,no,2500,新技术,yes\n",
        &["2 problem(s)", "line 2, column 'unit'", "line 3, column 'listing'"],
    );
}

#[test]
fn malformed_as_of_is_a_usage_error() {
    let o = quota(&["eligible", REGISTRY, "--as-of", "31/07/2024"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("'31/07/2024' is not a date"), "{}", stderr(&o));
}

#[test]
fn merged_counts_add_the_cities_to_their_provinces() {
    let o = quota(&["eligible", REGISTRY, "--merge-cities", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let codes = csv_column(&out, "code");
    let eligible = csv_column(&out, "eligible");
    assert_eq!(codes.len(), 32);
    let guangdong = codes.iter().position(|c| c == "44").unwrap();
    assert_eq!(eligible[guangdong], (217 + 233).to_string(), "广东 + 深圳");
    let o = quota(&["allocate", "--merge-cities", "--caps-from", REGISTRY, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(csv_column(&stdout(&o), "cap")[guangdong], "450");
}

#[test]
fn caps_from_re_checks_explicit_floors() {
    let root = env!("CARGO_MANIFEST_DIR");
    let scenario = std::fs::read_to_string(format!("{root}/data/scenarios/2024-batch1.toml"))
        .unwrap()
        .replace(
            "caps_column = \"eligible_firms\"",
            "caps_column = \"eligible_firms\"\nfloors = { \"11\" = 3 }",
        )
        .replace("\"../units.csv\"", &format!("\"{root}/data/units.csv\""))
        .replace("\"../indicators.csv\"", &format!("\"{root}/data/indicators.csv\""));
    let s = temp_file("floors.toml", &scenario);
    let reg = temp_file("one.csv", &format!("{HEADER}a,甲,11,,2027-06-30,none,no,2500,新技术,yes\n"));
    let o = quota(&["allocate", s.to_str().unwrap(), "--caps-from", reg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("one.csv (eligible firms on 2024-07-31): unit 11 北京市: floor 3 but only 1 eligible firm(s) left (2 short)"),
        "{}",
        stderr(&o)
    );
}
