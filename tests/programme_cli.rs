//! `quota plan` through the real binary: the bundled three-batch programme, the counts-only
//! pool, evaluation lists, and bad input (exit 2, located).

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PROGRAMME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/programme/148-2024-2026.toml");

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("run quota")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quota-plan-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn plan_json(path: &str) -> serde_json::Value {
    let o = quota(&["plan", path, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn u(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a u64: {v}"))
}

/// A programme over the bundled scenario; `body` holds the batches and options.
fn programme(body: &str, with_registry: bool) -> PathBuf {
    let registry = if with_registry {
        format!("registry = \"{ROOT}/data/registry/firms.csv\"\n")
    } else {
        String::new()
    };
    temp_file(
        "p.toml",
        &format!("name = \"test\"\nscenario = \"{ROOT}/data/scenarios/2024-batch1.toml\"\n{registry}{body}"),
    )
}

#[test]
fn bundled_programme_supports_each_firm_once_and_ties_out() {
    let v = plan_json(PROGRAMME);
    let batches = v["batches"].as_array().unwrap();
    let totals: Vec<u64> = batches.iter().map(|b| u(&b["total"])).collect();
    assert_eq!(totals, [1039, 1241, 1241]);
    // No firm in two batches; each batch names exactly its total of firms.
    let mut seen = HashSet::new();
    for b in batches {
        let firms = b["firms"].as_array().unwrap();
        assert_eq!(firms.len() as u64, u(&b["total"]));
        for f in firms {
            assert!(seen.insert(f.as_str().unwrap().to_string()), "{f} supported twice");
        }
        // Per unit: slots within the pool; money = slots × 600.
        for unit in b["units"].as_array().unwrap() {
            assert!(u(&unit["slots"]) <= u(&unit["pool"]));
            assert_eq!(u(&unit["funding_wan"]), u(&unit["slots"]) * 600);
        }
    }
    // Cash flow: years 2024..=2029; paid + withheld = allocated money, nationally and per unit.
    let cf = &v["cash_flow"];
    assert_eq!(cf["years"].as_array().unwrap().len(), 6);
    let t = &cf["total"];
    assert_eq!(u(&t["paid_wan"]) + u(&t["withheld_wan"]), u(&v["funding_wan"]));
    assert_eq!(u(&v["funding_wan"]), 3521 * 600);
    let first_year = &cf["national"][0];
    assert_eq!(u(&first_year["first_tranche_paid_wan"]), 1039 * 300);
    let mut unit_sum = 0;
    for unit in cf["units"].as_array().unwrap() {
        for f in unit["flows"].as_array().unwrap() {
            unit_sum += u(&f["paid_wan"]) + u(&f["withheld_wan"]);
        }
    }
    assert_eq!(unit_sum, u(&v["funding_wan"]));
}

#[test]
fn plan_table_and_csv_render() {
    let o = quota(&["plan", PROGRAMME, "--per-unit"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("programme 148号 2024–2026 — 3 batches, 3521 firms, 2112600 万元"), "{out}");
    assert!(out.contains("paid 2029"), "{out}");
    let o = quota(&["plan", PROGRAMME, "--format", "csv"]);
    let csv = String::from_utf8(o.stdout).unwrap();
    // 6 national rows + 37 units × 6 years, plus the header.
    assert_eq!(csv.lines().count(), 1 + 6 + 37 * 6);
}

#[test]
fn counts_pool_shrinks_by_each_batch() {
    let p = programme("[[batch]]\nyear = 2024\ntotal = 1039\n[[batch]]\nyear = 2025\ntotal = 1241\n", false);
    let v = plan_json(p.to_str().unwrap());
    let pools: Vec<u64> = v["batches"].as_array().unwrap().iter().map(|b| u(&b["pool"])).collect();
    assert_eq!(pools, [3599, 3599 - 1039]);
    for (i, unit) in v["batches"][1]["units"].as_array().unwrap().iter().enumerate() {
        let first = &v["batches"][0]["units"][i];
        assert_eq!(u(&unit["pool"]), u(&first["pool"]) - u(&first["slots"]), "{}", unit["code"]);
    }
}

#[test]
fn evaluation_lists_name_the_firms() {
    // The first firms of 北京市 in registry order that are eligible on 2024-07-31 are supported.
    let p = programme("[[batch]]\nyear = 2024\ntotal = 1039\nas_of = 2024-07-31\n", true);
    let v = plan_json(p.to_str().unwrap());
    let firms: Vec<String> =
        v["batches"][0]["firms"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().into()).collect();
    let body = format!(
        "[evaluation]\nrecovered = [\"{}\", \"{}\"]\nwithheld = [\"{}\"]\n[[batch]]\nyear = 2024\ntotal = 1039\nas_of = 2024-07-31\n",
        firms[0], firms[1], firms[2]
    );
    let v = plan_json(programme(&body, true).to_str().unwrap());
    let t = &v["cash_flow"]["total"];
    assert_eq!(u(&t["recovered_wan"]), 2 * 300);
    assert_eq!(u(&t["withheld_wan"]), 3 * 300);
    assert_eq!(u(&v["batches"][0]["recovered_firms"]), 2);
}

fn assert_bad(body: &str, with_registry: bool, expect: &[&str]) {
    let p = programme(body, with_registry);
    let o = quota(&["plan", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let e = stderr(&o);
    for x in expect {
        assert!(e.contains(x), "missing {x:?} in:\n{e}");
    }
}

#[test]
fn batch_total_above_the_remaining_pool_says_by_how_much_per_unit() {
    // Line 8 is the second batch's `total = 3000` (name, scenario, then the batches).
    assert_bad(
        "[[batch]]\nyear = 2024\ntotal = 1039\n[[batch]]\nyear = 2025\ntotal = 3000\n",
        false,
        &[
            "batch 2025: ",
            "p.toml, line 8, column 'batch[2].total': total 3000 is larger than the remaining eligible pool of 2560 firm(s), by 440",
            "- 46 海南省: 0 eligible left",
        ],
    );
}

#[test]
fn malformed_batch_date_is_located() {
    assert_bad(
        "[[batch]]\nyear = 2024\ntotal = 1039\nas_of = \"2024-02-30\"\n",
        true,
        &["p.toml, line 7, column 'batch[1].as_of': '2024-02-30' is not a date"],
    );
}

#[test]
fn toml_syntax_errors_are_located() {
    assert_bad("[[batch]]\nyear = 2024\ntotal = \n", true, &["p.toml, line 6"]);
}

#[test]
fn shares_above_100_percent_are_refused() {
    assert_bad(
        "[evaluation]\nrecovered_bp = 6000\nwithheld_bp = 5000\n[[batch]]\nyear = 2024\ntotal = 1039\n",
        true,
        &["column 'evaluation.withheld_bp': recovered_bp 6000 + withheld_bp 5000 is above 10000"],
    );
}

#[test]
fn listed_firms_must_be_supported() {
    assert_bad(
        "[evaluation]\nrecovered = [\"NO-SUCH-FIRM\", \"SYN-11-00001\"]\n[[batch]]\nyear = 2024\ntotal = 1039\n",
        true,
        &[
            "line 5, column 'evaluation.recovered': firm 'NO-SUCH-FIRM' is not in the registry",
            "firm 'SYN-11-00001'",
            "is not supported in any batch",
        ],
    );
}

#[test]
fn lists_need_a_registry() {
    assert_bad(
        "[evaluation]\nwithheld = [\"a\"]\n[[batch]]\nyear = 2024\ntotal = 1039\n",
        false,
        &["lists of firms need a firm registry"],
    );
}

#[test]
fn batch_years_must_increase() {
    assert_bad(
        "[[batch]]\nyear = 2025\ntotal = 100\n[[batch]]\nyear = 2024\ntotal = 100\n",
        true,
        &["column 'batch[2].year': batch years must increase: 2024 after 2025"],
    );
}

#[test]
fn merged_cities_pool_the_registry_into_provinces() {
    let scenario = std::fs::read_to_string(format!("{ROOT}/data/scenarios/2024-batch1.toml"))
        .unwrap()
        .replace("merge_cities = false", "merge_cities = true")
        .replace("\"../units.csv\"", &format!("\"{ROOT}/data/units.csv\""))
        .replace("\"../indicators.csv\"", &format!("\"{ROOT}/data/indicators.csv\""));
    let s = temp_file("merged.toml", &scenario);
    let p = temp_file(
        "p.toml",
        &format!(
            "name = \"m\"\nscenario = \"{}\"\nregistry = \"{ROOT}/data/registry/firms.csv\"\n[[batch]]\nyear = 2024\ntotal = 1039\n",
            s.display()
        ),
    );
    let v = plan_json(p.to_str().unwrap());
    let units = v["batches"][0]["units"].as_array().unwrap();
    assert_eq!(units.len(), 32);
    // 辽宁 includes 大连: 67 + 17 eligible firms on 2024-07-31.
    let liaoning = units.iter().find(|u| u["code"] == "21").unwrap();
    assert_eq!(u(&liaoning["pool"]), 67 + 17);
    assert_eq!(u(&v["batches"][0]["pool"]), 3599);
}
