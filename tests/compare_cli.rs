//! `quota compare` through the real binary: schemes × methods on the bundled scenario in every
//! format, the metrics against independent computations and a hand-computed tiny scenario,
//! the SVG chart, two scenarios side by side, and bad input (exit code 2, nothing written).

mod common;

use std::path::Path;

use common::{assert_bad_input, golden, quota, quota_in, stderr, stdout, Fixture};
use serde_json::Value;

fn ok_in(dir: &Path, args: &[&str]) -> String {
    let o = quota_in(dir, args);
    assert_eq!(o.status.code(), Some(0), "quota {args:?}: {}", stderr(&o));
    stdout(&o)
}

fn ok(args: &[&str]) -> String {
    ok_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap()
}

const AHP: &str = "data/ahp/scenario-indicators.csv";
/// The schemes of the example in docs/compare.md.
const DOC_SCHEMES: &str = "equal,entropy,critic,ahp:data/ahp/scenario-indicators.csv,pca";

/// The bundled indicators column `name`, in unit order.
fn indicator(name: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(common::data_dir().join("indicators.csv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == name).unwrap();
    lines.map(|l| l.split(',').nth(c).unwrap().parse().unwrap()).collect()
}

fn unit_slots(doc: &Value, column: &str) -> Vec<u64> {
    doc["units"].as_array().unwrap().iter().map(|u| u["slots"][column].as_u64().unwrap()).collect()
}

#[test]
fn default_comparison_matches_golden_table() {
    golden("compare-2024-batch1.txt", &ok(&["compare"]));
}

#[test]
fn readme_comparison_in_markdown_and_metrics_csv_match_golden() {
    golden("compare-2024-batch1.md", &ok(&["compare", "--schemes", DOC_SCHEMES, "--format", "md"]));
    golden(
        "compare-2024-batch1-metrics.csv",
        &ok(&["compare", "--schemes", DOC_SCHEMES, "--format", "csv", "--show", "metrics"]),
    );
}

#[test]
fn every_format_and_table_runs() {
    for format in ["table", "md", "json"] {
        let out =
            ok(&["compare", "--schemes", DOC_SCHEMES, "--methods", "hamilton,webster", "--format", format]);
        for needle in ["ahp/webster", "pca/hamilton", "北京市"] {
            assert!(out.contains(needle), "{format} lacks {needle}: {out}");
        }
    }
    for show in ["units", "metrics", "weights"] {
        let out =
            ok(&["compare", "--schemes", "equal,entropy", "--format", "csv", "--show", show, "--stamp"]);
        let mut lines = out.lines();
        assert!(
            lines.next().unwrap().starts_with("# stamp: quota "),
            "CSV with --stamp starts with the stamp"
        );
        let first = lines.next().unwrap();
        let expected = match show {
            "units" => {
                "code,name,name_en,region,baseline,slots_equal,change_equal,slots_entropy,change_entropy,range,not_official"
            }
            "metrics" => "metric,baseline,equal,entropy,not_official",
            _ => "indicator,equal,entropy,not_official",
        };
        assert_eq!(first, expected);
    }
    // --show picks tables for text output too.
    let out = ok(&["compare", "--schemes", "entropy", "--show", "metrics"]);
    assert!(out.contains("Gini of slots per 小巨人 firm") && !out.contains("sme_above_scale  "), "{out}");
}

#[test]
fn columns_are_scheme_by_method_and_each_is_a_full_allocation() {
    let doc = json(&[
        "compare",
        "--schemes",
        "entropy,critic",
        "--methods",
        "hamilton,jefferson",
        "--format",
        "json",
    ]);
    let labels: Vec<&str> =
        doc["columns"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["entropy/hamilton", "entropy/jefferson", "critic/hamilton", "critic/jefferson"]);
    for l in &labels {
        assert_eq!(unit_slots(&doc, l).iter().sum::<u64>(), 1039, "{l}");
    }
    // Without --methods a column is named by its scheme and uses the scenario's method: the
    // same slots as scheme/hamilton.
    let plain = json(&["compare", "--schemes", "entropy", "--format", "json"]);
    assert_eq!(unit_slots(&plain, "entropy"), unit_slots(&doc, "entropy/hamilton"));
    // Jefferson favours large units: never fewer slots for 广东 than Hamilton gives it.
    let gd = doc["units"].as_array().unwrap().iter().find(|u| u["code"] == "44").unwrap();
    assert!(gd["slots"]["entropy/jefferson"].as_u64() >= gd["slots"]["entropy/hamilton"].as_u64());
    // --method changes the baseline's method; the baseline is `quota allocate` with it.
    let doc = json(&["compare", "--schemes", "equal", "--method", "webster", "--format", "json"]);
    let alloc: Value =
        serde_json::from_str(&ok(&["allocate", "--method", "webster", "--format", "json"])).unwrap();
    for (u, a) in doc["units"].as_array().unwrap().iter().zip(alloc["units"].as_array().unwrap()) {
        assert_eq!(u["baseline"], a["slots"], "{}", u["code"]);
    }
}

#[test]
fn ahp_file_in_the_scheme_list_is_the_same_as_the_ahp_option() {
    let a = json(&["compare", "--schemes", &format!("ahp:{AHP}"), "--format", "json"]);
    let b = json(&["compare", "--schemes", "ahp", "--ahp", AHP, "--format", "json"]);
    assert_eq!(unit_slots(&a, "ahp"), unit_slots(&b, "ahp"));
    assert_eq!(a["schemes"][0]["weights"], b["schemes"][0]["weights"]);

    // Two AHP matrices: columns told apart by file name.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("firms-first.toml"),
        "criteria = [\"xiaojuren\", \"sme_above_scale\", \"cultivation\"]\n\
         matrix = [[1, 5, 7], [\"\", 1, 3], [\"\", \"\", 1]]\n",
    )
    .unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let schemes = format!("ahp:{root}/{AHP},ahp:firms-first.toml");
    let doc: Value =
        serde_json::from_str(&ok_in(dir.path(), &["compare", "--schemes", &schemes, "--format", "json"]))
            .unwrap();
    let labels: Vec<&str> =
        doc["columns"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["ahp:scenario-indicators", "ahp:firms-first"]);
    assert_eq!(unit_slots(&doc, "ahp:scenario-indicators"), unit_slots(&a, "ahp"));
    assert_ne!(unit_slots(&doc, "ahp:firms-first"), unit_slots(&a, "ahp"));
}

/// Hamilton by hand on integer counts: ⌊N·v_i/Σv⌋, then one more slot for the largest
/// remainders (exact integer comparisons; ties to the earlier unit).
fn hamilton(values: &[u64], total: u64) -> Vec<u64> {
    let sum: u64 = values.iter().sum();
    let mut slots: Vec<u64> = values.iter().map(|v| total * v / sum).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(total * values[i] % sum));
    let left = total - slots.iter().sum::<u64>();
    for &i in order.iter().take(left as usize) {
        slots[i] += 1;
    }
    slots
}

#[test]
fn metrics_agree_with_independent_computations_on_the_bundled_scenario() {
    let doc = json(&["compare", "--schemes", DOC_SCHEMES, "--format", "json"]);
    let firms = indicator("xiaojuren");
    // The xiaojuren split is Hamilton on the raw 小巨人 counts.
    let split = doc["splits"].as_array().unwrap().iter().find(|s| s["indicator"] == "xiaojuren").unwrap();
    let got: Vec<u64> = split["slots"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(got, hamilton(&firms.iter().map(|&f| f as u64).collect::<Vec<_>>(), 1039));

    for col in doc["columns"].as_array().unwrap() {
        let label = col["label"].as_str().unwrap();
        let m = &col["metrics"];
        let x: Vec<f64> = unit_slots(&doc, label).iter().map(|&v| v as f64).collect();
        // Deviations from the xiaojuren split.
        let dev = m["splits"].as_array().unwrap().iter().find(|d| d["indicator"] == "xiaojuren").unwrap();
        let abs: Vec<u64> = x.iter().zip(&got).map(|(&a, &b)| (a as u64).abs_diff(b)).collect();
        assert_eq!(dev["total_abs_dev"].as_u64().unwrap(), abs.iter().sum::<u64>(), "{label}");
        assert_eq!(dev["max_abs_dev"].as_u64().unwrap(), *abs.iter().max().unwrap(), "{label}");
        // Gini: the textbook form over firms, Σ_i Σ_k g_i g_k |r_i − r_k| / (2 (Σg)² r̄).
        let with: Vec<usize> = (0..x.len()).filter(|&i| firms[i] > 0.0).collect();
        let g: f64 = with.iter().map(|&i| firms[i]).sum();
        let mean = with.iter().map(|&i| x[i]).sum::<f64>() / g;
        let mut s = 0.0;
        for &i in &with {
            for &k in &with {
                s += firms[i] * firms[k] * (x[i] / firms[i] - x[k] / firms[k]).abs();
            }
        }
        let gini = s / (2.0 * g * g * mean);
        let reported = m["gini_slots_per_firm"]["value"].as_f64().unwrap();
        assert!((reported - gini).abs() < 1e-12, "{label}: {reported} vs {gini}");
        assert_eq!(m["gini_slots_per_firm"]["units_without_firms"], 1, "西藏 has no 小巨人 firm");
        // Hamilton never leaves its bounded quota; region shares add up.
        assert_eq!(m["quota_violations_bounded"]["count"], 0, "{label}");
        let share: f64 = m["regions"].as_array().unwrap().iter().map(|r| r["share"].as_f64().unwrap()).sum();
        assert!((share - 1.0).abs() < 1e-12);
    }
    // The baseline against `quota allocate`'s ideal quotas and bounds.
    let alloc: Value = serde_json::from_str(&ok(&["allocate", "--format", "json"])).unwrap();
    let units = alloc["units"].as_array().unwrap();
    let field = |u: &Value, k: &str| u[k].as_f64().unwrap();
    let outside = units
        .iter()
        .filter(|u| {
            field(u, "slots") < field(u, "ideal").floor() || field(u, "slots") > field(u, "ideal").ceil()
        })
        .count();
    let m = &doc["baseline"]["metrics"];
    assert_eq!(m["quota_violations_ideal"]["count"], outside);
    assert!(outside > 0, "the caps of 海南, 西藏, 兵团 … hold them below their ideal quota");
    let at_cap = units.iter().filter(|u| u["slots"] == u["cap"]).count();
    assert_eq!(m["units_at_cap"], at_cap);
    let east: u64 =
        units.iter().filter(|u| u["region"] == "东部").map(|u| u["slots"].as_u64().unwrap()).sum();
    assert_eq!(m["regions"][0]["slots"], east);
}

/// A four-unit scenario small enough to compute every metric by hand.
fn tiny() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    w(
        "units.csv",
        "code,name_zh,name_en,type,parent_code,region\n\
         A,甲省,A,province,,东部\nB,乙省,B,province,,中部\nC,丙省,C,province,,西部\nD,丁省,D,province,,东北\n",
    );
    w(
        "indicators.csv",
        "code,name_zh,xiaojuren,sme,eligible\nA,甲省,6,40,4\nB,乙省,3,30,5\nC,丙省,1,20,5\nD,丁省,0,10,5\n",
    );
    w(
        "tiny.toml",
        "name = \"tiny\"\ntotal = 10\nmethod = \"hamilton\"\nunits = \"units.csv\"\nindicators = \"indicators.csv\"\n\
         [[indicator]]\ncolumn = \"xiaojuren\"\nweight = 0.5\n\
         [[indicator]]\ncolumn = \"sme\"\nweight = 0.5\n\
         [bounds]\nfloor = 1\ncaps_column = \"eligible\"\n",
    );
    dir
}

#[test]
fn metrics_of_a_hand_computed_tiny_scenario() {
    // score = ½·(0.6, 0.3, 0.1, 0) + ½·(0.4, 0.3, 0.2, 0.1) = (0.5, 0.3, 0.15, 0.05); q = (5, 3, 1.5, 0.5).
    // A is capped at 4, D held at its floor 1, B and C share 5 as 2:1 → q* = (4, 10/3, 5/3, 1);
    // Hamilton: (4, 3, 2, 1). Splits: xiaojuren (6, 3, 1, 0), sme (4, 3, 2, 1).
    let dir = tiny();
    let doc: Value = serde_json::from_str(&ok_in(
        dir.path(),
        &["compare", "tiny.toml", "--schemes", "equal", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(unit_slots(&doc, "equal"), [4, 3, 2, 1]);
    let m = &doc["columns"][0]["metrics"];
    // vs xiaojuren: |4−6| + 0 + |2−1| + |1−0| = 4, max 2 at A; vs sme: none.
    assert_eq!(m["splits"][0]["total_abs_dev"], 4);
    assert_eq!(m["splits"][0]["max_abs_dev"], 2);
    assert_eq!(m["splits"][0]["max_unit"], "A");
    assert_eq!(m["splits"][1]["total_abs_dev"], 0);
    assert_eq!(m["splits"][1]["max_unit"], Value::Null);
    // Gini over A, B, C (D has no firm): pairs |x_i g_k − x_k g_i| = 6, 8, 3 → 2·17 / (2·10·9) = 17/90.
    let g = &m["gini_slots_per_firm"];
    assert_eq!(g["exact"], "17/90");
    assert_eq!(
        (g["units"].as_u64(), g["units_without_firms"].as_u64(), g["slots_without_firms"].as_u64()),
        (Some(3), Some(1), Some(1))
    );
    let shares: Vec<f64> =
        m["regions"].as_array().unwrap().iter().map(|r| r["share"].as_f64().unwrap()).collect();
    assert_eq!(shares, [0.4, 0.3, 0.2, 0.1]);
    assert_eq!(
        (m["units_at_floor"].as_u64(), m["units_at_cap"].as_u64(), m["ties"].as_u64()),
        (Some(1), Some(1), Some(0))
    );
    // Within q* everywhere; against q, A (4 < ⌊5⌋) is below — the cap's doing.
    assert_eq!(m["quota_violations_bounded"]["count"], 0);
    assert_eq!(m["quota_violations_ideal"]["below"], serde_json::json!(["A"]));
    assert_eq!(m["quota_violations_ideal"]["count"], 1);
    // The equal weights are the scenario's own (½, ½): nothing moves.
    assert_eq!(m["slots_moved_vs_baseline"], 0);
    // The text output names the unit left out of the Gini.
    let out = ok_in(dir.path(), &["compare", "tiny.toml", "--schemes", "equal"]);
    assert!(out.contains("left out: 丁省 (no 小巨人 firm)"), "{out}");
    assert!(out.contains("0.1889"), "{out}");
}

#[test]
fn without_a_firms_column_the_gini_is_skipped_unless_one_is_named() {
    let dir = tiny();
    let p = dir.path().join("indicators.csv");
    let text = std::fs::read_to_string(&p).unwrap().replace("xiaojuren", "firms");
    std::fs::write(&p, text).unwrap();
    let toml = dir.path().join("tiny.toml");
    std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap().replace("xiaojuren", "firms")).unwrap();
    let out = ok_in(dir.path(), &["compare", "tiny.toml", "--schemes", "equal"]);
    assert!(out.contains("Gini of slots per 小巨人 firm: skipped"), "{out}");
    let out = ok_in(dir.path(), &["compare", "tiny.toml", "--schemes", "equal", "--firms-column", "firms"]);
    assert!(out.contains("0.1889"), "{out}");
}

#[test]
fn chart_is_written_atomically_with_a_bar_per_unit_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("compare.svg");
    let root = env!("CARGO_MANIFEST_DIR");
    let o = quota_in(
        dir.path(),
        &[
            "compare",
            &format!("{root}/data/scenarios/2024-batch1.toml"),
            "--schemes",
            "equal,entropy",
            "--chart",
            "compare.svg",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Gini"), "the tables still go to stdout");
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>\n"));
    // 37 units × (baseline + 2 schemes) bars, each with a tooltip.
    assert_eq!(svg.matches("<title>").count(), 37 * 3);
    assert!(svg.contains("<title>广东省 — entropy: 85</title>"), "entropy gives 广东 85 slots");
    assert!(svg.contains("Noto Sans CJK SC"));
    // Only the chart is left in the directory (no temporary file).
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["compare.svg"]);
}

/// The bundled scenario as `s.toml` and a second planner's `b.toml`: more weight on 小巨人
/// firms, no regional-disparity term.
fn two_planners(b_edit: impl Fn(String) -> String) -> Fixture {
    let f = Fixture::new(|t| t);
    let b = std::fs::read_to_string(f.path("s.toml"))
        .unwrap()
        .replace("name = \"2024-batch1\"", "name = \"planner-b\"")
        .replace("weight = 0.35", "weight = 0.20")
        .replace("weight = 0.40", "weight = 0.55")
        .replace("enabled = true", "enabled = false");
    std::fs::write(f.path("b.toml"), b_edit(b)).unwrap();
    f
}

#[test]
fn two_scenarios_side_by_side() {
    let f = two_planners(|t| t);
    let dir = f.dir.path();
    golden("compare-diff.txt", &ok_in(dir, &["compare", "s.toml", "b.toml"]));
    let doc: Value =
        serde_json::from_str(&ok_in(dir, &["compare", "s.toml", "b.toml", "--format", "json"])).unwrap();
    let alloc = |name: &str| -> Value {
        serde_json::from_str(&ok_in(dir, &["allocate", name, "--format", "json"])).unwrap()
    };
    let (a, b) = (alloc("s.toml"), alloc("b.toml"));
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 37);
    let mut moved = 0;
    for ((u, ua), ub) in units.iter().zip(a["units"].as_array().unwrap()).zip(b["units"].as_array().unwrap())
    {
        assert_eq!((&u["slots_a"], &u["slots_b"]), (&ua["slots"], &ub["slots"]), "{}", u["code"]);
        let d = ub["slots"].as_i64().unwrap() - ua["slots"].as_i64().unwrap();
        assert_eq!(u["delta_slots"], d);
        assert_eq!(u["delta_money_wan"], d * 600, "148号 四（一）: 600万元 per firm");
        moved += d.unsigned_abs();
    }
    assert!(moved > 0, "the planners disagree somewhere");
    assert_eq!(doc["totals"]["delta_slots"], 0);
    assert_eq!(doc["totals"]["money_a_wan"], 1039 * 600);
    // CSV: one row per unit, the same numbers.
    let csv = ok_in(dir, &["compare", "s.toml", "b.toml", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "code,name,name_en,region,slots_a,slots_b,delta_slots,money_a_wan,money_b_wan,delta_money_wan"
    );
    assert_eq!(csv.lines().count(), 38);
    // A chart of the two.
    ok_in(dir, &["compare", "s.toml", "b.toml", "--chart", "ab.svg"]);
    let svg = std::fs::read_to_string(f.path("ab.svg")).unwrap();
    assert_eq!(svg.matches("<title>").count(), 37 * 2);
    assert!(svg.contains("B planner-b"));
}

#[test]
fn two_scenarios_with_different_units_are_matched_by_code() {
    // B merges the 计划单列市 into their provinces and pays 500万元 a firm.
    let f = two_planners(|t| {
        t.replace("merge_cities = false", "merge_cities = true")
            .replace("per_firm_wan = 600", "per_firm_wan = 500")
    });
    let doc: Value =
        serde_json::from_str(&ok_in(f.dir.path(), &["compare", "s.toml", "b.toml", "--format", "json"]))
            .unwrap();
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 37);
    let dalian = units.iter().find(|u| u["code"] == "2102").unwrap();
    assert_eq!(dalian["slots_b"], Value::Null);
    assert_eq!(dalian["delta_slots"].as_i64().unwrap(), -dalian["slots_a"].as_i64().unwrap());
    let sum: i64 = units.iter().map(|u| u["delta_money_wan"].as_i64().unwrap()).sum();
    assert_eq!(sum, doc["totals"]["delta_money_wan"].as_i64().unwrap());
    assert_eq!(doc["totals"]["delta_money_wan"], 1039 * 500 - 1039 * 600);
    let out = ok_in(f.dir.path(), &["compare", "s.toml", "b.toml"]);
    assert!(out.contains("— : the unit is not in that scenario"), "{out}");
    // The other way round: the cities come last, with no A side.
    let doc: Value =
        serde_json::from_str(&ok_in(f.dir.path(), &["compare", "b.toml", "s.toml", "--format", "json"]))
            .unwrap();
    let codes: Vec<&str> =
        doc["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 37);
    assert_eq!(codes[32..], ["2102", "3302", "3502", "3702", "4403"]);
    assert_eq!(doc["units"][32]["slots_a"], Value::Null);
    assert_eq!(doc["totals"]["delta_slots"], 0);
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let scenario = format!("{root}/data/scenarios/2024-batch1.toml");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--schemes", "entropy,topsis"],
            &["--schemes", "unknown weighting scheme 'topsis'", "valid schemes: equal"],
        ),
        (&["--schemes", "critic:m.csv"], &["'critic:m.csv': only ahp takes a file"]),
        (&["--schemes", "ahp:"], &["give the pairwise-comparison matrix after 'ahp:'"]),
        (
            &["--schemes", "ahp:missing.csv"],
            &["weighting scheme ahp:missing.csv", "missing.csv: cannot read the file"],
        ),
        (&["--schemes", "ahp", "--ahp", "missing.toml"], &["--ahp", "missing.toml: cannot read the file"]),
        (&["--schemes", "ahp"], &["weighting scheme ahp (give --ahp FILE, or write ahp:FILE in --schemes)"]),
        (&["--schemes", "equal,uniform"], &["scheme 'equal' is listed twice"]),
        (
            &["--methods", "hamilton,hamiltn"],
            &["--methods", "unknown method 'hamiltn'", "valid methods: hamilton"],
        ),
        (&["--methods", "webster,sainte-lague"], &["method 'webster' is listed twice"]),
        (&["--methods", ""], &["unknown method ''"]),
        (&["--format", "csv", "--show", "units,metrics"], &["CSV holds one table"]),
        (&["--firms-column", "nope"], &["--firms-column", "missing column 'nope'"]),
        (&["--method", "optimize"], &["method 'optimize' cannot be compared here"]),
    ];
    for (extra, needles) in cases {
        // No extension: the format is --format's (or the default), never contradicted by -o.
        let mut args = vec!["compare", scenario.as_str(), "-o", "out", "--chart", "c.svg"];
        args.extend_from_slice(extra);
        let o = quota_in(dir.path(), &args);
        assert_bad_input(&o, needles, Some(&dir.path().join("out")));
        assert!(!dir.path().join("c.svg").exists(), "{extra:?}: chart written on bad input");
    }
    // Two scenarios take no scheme options; three are refused by the parser.
    let o =
        quota_in(dir.path(), &["compare", &scenario, &scenario, "--schemes", "entropy", "--chart", "c.svg"]);
    assert_bad_input(&o, &["--schemes: only with one scenario"], Some(&dir.path().join("c.svg")));
    let o = quota(&["compare", &scenario, &scenario, &scenario]);
    assert_bad_input(&o, &["unexpected value"], None);
    let o = quota_in(dir.path(), &["compare", &scenario, "missing.toml", "-o", "out.txt"]);
    assert_bad_input(&o, &["scenario B", "missing.toml"], Some(&dir.path().join("out.txt")));
}

#[test]
fn divisor_methods_may_leave_the_bounded_quota_and_the_count_says_which() {
    // Adams at 100 slots: the count against q* agrees with `quota allocate`'s adjusted quotas.
    let doc = json(&["compare", "--schemes", "equal", "-m", "adams", "-n", "100", "--format", "json"]);
    let alloc: Value =
        serde_json::from_str(&ok(&["allocate", "-m", "adams", "-n", "100", "--format", "json"])).unwrap();
    let outside: Vec<&str> = alloc["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            let (x, q) = (u["slots"].as_f64().unwrap(), u["adjusted"].as_f64().unwrap());
            x < q.floor() || x > q.ceil()
        })
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert!(!outside.is_empty(), "Adams leaves quota here");
    let v = &doc["baseline"]["metrics"]["quota_violations_bounded"];
    let mut reported: Vec<&str> = v["below"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["above"].as_array().unwrap())
        .map(|c| c.as_str().unwrap())
        .collect();
    reported.sort();
    let mut outside = outside;
    outside.sort();
    assert_eq!(reported, outside);
    // Hamilton, same total and weights: never.
    let doc = json(&["compare", "--schemes", "equal", "-m", "hamilton", "-n", "100", "--format", "json"]);
    assert_eq!(doc["baseline"]["metrics"]["quota_violations_bounded"]["count"], 0);
}
