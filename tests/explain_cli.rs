//! `quota explain` through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh directory under the target dir for one test's files.
fn workdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("explain-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn explains_one_unit_of_the_default_scenario() {
    let o = quota(&["explain", "--unit", "44"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "44 广东省 (Guangdong, 东部): 65 slots",
        "1. Ideal quota of 44 广东省",
        "ideal quota      q = N · share = 1039 ×",
        "2. Audit trail — hamilton (largest remainder)",
        "Cut-off: last remainder in:",
        "3. Next in line and last in",
        "Hamilton is not house monotone",
        "4. Margins of 44 广东省",
        "stamp: quota ",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    // The asked unit is marked in the trail.
    assert!(out.lines().any(|l| l.starts_with('▶') && l.contains("44 广东省")));
}

#[test]
fn names_work_as_well_as_codes_and_unknown_units_are_bad_input() {
    let by_name = quota(&["explain", "--unit", "广东省", "--no-margins"]);
    let by_code = quota(&["explain", "--unit", "44", "--no-margins"]);
    assert!(by_name.status.success());
    assert_eq!(stdout(&by_name), stdout(&by_code));
    let o = quota(&["explain", "--unit", "45x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown unit '45x'"), "{}", stderr(&o));
    assert!(stderr(&o).contains("did you mean '45'"), "{}", stderr(&o));
}

#[test]
fn json_trail_matches_allocate_and_lists_the_next_slots() {
    let o = quota(&["explain", "--unit", "44", "--method", "webster", "--format", "json", "--next", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = quota(&["allocate", "--method", "webster", "--format", "json"]);
    let alloc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let trail_seats: Vec<u64> =
        v["trail"]["units"].as_array().unwrap().iter().map(|u| u["seats"].as_u64().unwrap()).collect();
    let alloc_seats: Vec<u64> =
        alloc["units"].as_array().unwrap().iter().map(|u| u["slots"].as_u64().unwrap()).collect();
    assert_eq!(trail_seats, alloc_seats);
    assert_eq!(v["trail"]["steps"]["kind"], "divisor");
    assert_eq!(v["next_in_line"]["kind"], "priorities");
    let next = v["next_in_line"]["next"].as_array().unwrap();
    assert_eq!(next.len(), 4);
    assert_eq!(next[0]["house"], 1040);
    // Exact values carry a fraction and a decimal.
    assert!(v["trail"]["steps"]["threshold"]["exact"].is_string());
    assert!(v["trail"]["steps"]["threshold"]["approx"].is_number());
    assert_eq!(v["stamp"]["method"], "webster");
    assert_eq!(v["units"][18]["code"], "44");
    assert!(v["position"]["next_rank"].as_u64().unwrap() >= 1);
    assert!(!v["margins"].as_array().unwrap().is_empty());
}

#[test]
fn markdown_has_headings_and_tables() {
    let o = quota(&["explain", "--unit", "11", "--format", "md", "--no-margins", "--method", "dhondt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("### 2. Audit trail — jefferson (divisor method, d(k) = k + 1)"));
    assert!(out.contains("| unit | W |"));
}

const GUARANTEES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/2024-batch1-guarantees.toml");

#[test]
fn explains_the_optimiser_on_the_guarantees_scenario() {
    let o = quota(&["explain", GUARANTEES, "--unit", "21", "--paradoxes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "21 辽宁省 (Liaoning, 东北): 30 slots",
        "optimiser's q    q = N·W/ΣW = 1039 ×",
        "2. Audit trail — optimisation model (objective l1)",
        "Result: optimal on the fast path: objective 119.735383",
        "Without its side constraints (same objective, floors and caps only; re-solved): objective",
        "▶ 21 辽宁省 in the model",
        "change limit     change for 21 辽宁省 (previous 24, ±max(4, 25%) = ±6: 18..30): BINDS: at 30, the top of its range",
        "group            西部+东北: 302 slots (29.07%); group 西部+东北 min_share 0.29 (≥ 302 of 1039) BINDS",
        "What each binding side constraint does",
        "The optimiser has no queue of claims",
        "4. Margins of 21 辽宁省",
        "Alabama paradox: none — the optimisation model re-solved at totals 1038, 1039, 1040",
        "stamp: quota ",
        "| method optimize |",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    // The unit's row in the table of every unit, with its binding change limit.
    let row =
        out.lines().find(|l| l.starts_with('▶') && l.contains("21 辽宁省") && l.contains("18..30")).unwrap();
    assert!(row.contains("change ≤ 30"), "{row}");
}

#[test]
fn optimiser_json_and_markdown_carry_the_trail() {
    let o = quota(&["explain", GUARANTEES, "--unit", "44", "--format", "json", "--no-margins"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = quota(&["allocate", GUARANTEES, "--format", "json"]);
    let alloc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let opt = &v["optimizer"];
    let slots: Vec<u64> =
        opt["units"].as_array().unwrap().iter().map(|u| u["slots"].as_u64().unwrap()).collect();
    let alloc_slots: Vec<u64> =
        alloc["units"].as_array().unwrap().iter().map(|u| u["slots"].as_u64().unwrap()).collect();
    assert_eq!(slots, alloc_slots);
    assert_eq!(opt["binding"], alloc["optimize"]["binding"]);
    assert_eq!(v["method"], "optimize");
    assert!(v.get("trail").is_none());
    assert_eq!(v["stamp"]["method"], "optimize");
    assert_eq!(v["next_in_line"]["kind"], "reruns");
    assert!(opt["units"][18]["ideal"]["exact"].is_string());
    assert_eq!(opt["focus"]["unit"], 18);
    assert!(!opt["relaxations"].as_array().unwrap().is_empty());
    let md = quota(&["explain", GUARANTEES, "--unit", "44", "--format", "md", "--no-margins"]);
    assert!(md.status.success(), "{}", stderr(&md));
    let text = stdout(&md);
    assert!(text.contains("### 2. Audit trail — optimisation model (objective l1)"), "{text}");
    assert!(text.contains("| dropped alone |"), "{text}");
}

#[test]
fn the_optimiser_without_side_constraints_says_there_is_nothing_to_drop() {
    let o = quota(&["explain", "--method", "optimize", "--no-margins"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("under no side constraints"), "{out}");
    assert!(out.contains("there are no side constraints to drop"), "{out}");
}

/// A three-unit scenario: the textbook Alabama example, populations 6, 6, 2 at 10 seats
/// (Wikipedia, "Apportionment paradox"; Balinski & Young, *Fair Representation*).
fn textbook(dir: &Path, method: &str) -> PathBuf {
    std::fs::write(
        dir.join("units.csv"),
        "code,name_zh,name_en,type,parent_code,region\nA,甲,A,province,,东部\nB,乙,B,province,,东部\nC,丙,C,province,,东部\n",
    )
    .unwrap();
    std::fs::write(dir.join("pop.csv"), "code,pop\nA,6000\nB,6000\nC,2000\n").unwrap();
    let s = dir.join(format!("{method}.toml"));
    std::fs::write(
        &s,
        format!(
            "name = \"textbook\"\ntotal = 10\nmethod = \"{method}\"\nunits = \"units.csv\"\nindicators = \"pop.csv\"\n[[indicator]]\ncolumn = \"pop\"\nweight = 1\n"
        ),
    )
    .unwrap();
    s
}

#[test]
fn paradox_check_finds_the_textbook_alabama_paradox() {
    let dir = workdir("alabama");
    let s = textbook(&dir, "hamilton");
    let o = quota(&["explain", s.to_str().unwrap(), "--paradoxes", "--no-margins"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Alabama paradox: FOUND (hamilton run at totals 9, 10, 11)"), "{out}");
    assert!(out.contains("C 丙 has 2 slots at total 10 but 1 at 11"), "{out}");
    // Next in line shows it too: C loses a slot from 10 to 11.
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")
                == "10 → 11 A 甲 4→5, B 乙 4→5 C 丙 2→1"),
        "{out}"
    );
    for m in ["webster", "jefferson", "huntington-hill", "adams", "dean", "quota"] {
        let s = textbook(&dir, m);
        let o = quota(&["explain", s.to_str().unwrap(), "--paradoxes", "--no-margins"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("Alabama paradox: none"), "{m}: {}", stdout(&o));
    }
}

#[test]
fn population_paradox_against_a_second_data_file() {
    let dir = workdir("population");
    std::fs::write(dir.join("units.csv"), data("data/units.csv")).unwrap();
    std::fs::write(dir.join("indicators.csv"), data("data/indicators.csv")).unwrap();
    let scen = data("data/scenarios/2024-batch1.toml")
        .replace("units = \"../units.csv\"", "units = \"units.csv\"")
        .replace("indicators = \"../indicators.csv\"", "indicators = \"indicators.csv\"");
    std::fs::write(dir.join("s.toml"), scen).unwrap();
    // The updated data: 广东 (44) has 20% more 小巨人 firms.
    let updated: String = data("data/indicators.csv")
        .lines()
        .map(|l| {
            if l.starts_with("44,") {
                let mut f: Vec<String> = l.split(',').map(String::from).collect();
                let x: f64 = f[2].parse().unwrap();
                f[2] = format!("{}", (x * 1.2).round());
                f.join(",")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let other = dir.join("updated.csv");
    std::fs::write(&other, updated).unwrap();
    let o = quota(&[
        "explain",
        dir.join("s.toml").to_str().unwrap(),
        "--compare-data",
        other.to_str().unwrap(),
        "--no-margins",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pop = &v["paradoxes"]["population"];
    assert!(pop["cases"].is_array() && pop["pairs"].is_array(), "{v}");
    // Text form names the file and the verdict.
    let o = quota(&[
        "explain",
        dir.join("s.toml").to_str().unwrap(),
        "--compare-data",
        other.to_str().unwrap(),
        "--no-margins",
    ]);
    assert!(stdout(&o).contains("Population paradox (scenario data → "), "{}", stdout(&o));
    // The optimiser too: both data sets allocated by the model.
    let o = quota(&[
        "explain",
        dir.join("s.toml").to_str().unwrap(),
        "--method",
        "optimize",
        "--compare-data",
        other.to_str().unwrap(),
        "--no-margins",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Population paradox (scenario data → "), "{}", stdout(&o));
    assert!(stdout(&o).contains("the optimisation model re-solved at totals"), "{}", stdout(&o));
}
