//! The reproducibility stamp on `quota allocate` outputs and `--check-stamp`, through the
//! real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A copy of the bundled scenario and its data in a fresh directory; returns the scenario path.
fn setup(name: &str) -> (PathBuf, PathBuf) {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("stamp-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("units.csv"), data("data/units.csv")).unwrap();
    std::fs::write(d.join("indicators.csv"), data("data/indicators.csv")).unwrap();
    let scen = data("data/scenarios/2024-batch1.toml")
        .replace("units = \"../units.csv\"", "units = \"units.csv\"")
        .replace("indicators = \"../indicators.csv\"", "indicators = \"indicators.csv\"");
    std::fs::write(d.join("s.toml"), scen).unwrap();
    (d.join("s.toml"), d)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_allocate_format_carries_the_stamp() {
    for (format, needle) in [
        ("table", "\nstamp: quota "),
        ("md", "\nstamp: quota "),
        ("csv", "# stamp: quota "),
        ("json", "\"stamp\": {"),
    ] {
        // CSV carries the stamp on request (--stamp); the other formats always.
        let o = quota(
            &[
                &["allocate", "--format", format][..],
                if format == "csv" { &["--stamp"][..] } else { &[][..] },
            ]
            .concat(),
        );
        assert!(o.status.success());
        let out = text(&o.stdout);
        assert!(out.contains(needle), "{format}: {out}");
        assert!(out.contains(&format!("quota {}", env!("CARGO_PKG_VERSION"))) || format == "json");
    }
    // The CSV stamp is a comment line before the header.
    let csv = text(&quota(&["allocate", "--format", "csv", "--stamp"]).stdout);
    assert!(csv.starts_with("# stamp: quota "));
    assert!(csv.lines().nth(1).unwrap().starts_with("code,name,name_en,region"));
    // The JSON stamp has its parts as fields.
    let v: serde_json::Value =
        serde_json::from_slice(&quota(&["allocate", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["stamp"]["method"], "hamilton");
    assert_eq!(v["stamp"]["inputs_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["stamp"]["seed"], serde_json::Value::Null);
}

#[test]
fn a_copy_of_the_bundled_inputs_has_the_bundled_stamp() {
    let (scen, _) = setup("copy");
    let bundled = text(&quota(&["allocate", "--format", "csv", "--stamp"]).stdout);
    let copied = text(&quota(&["allocate", s(&scen), "--format", "csv", "--stamp"]).stdout);
    assert_eq!(bundled.lines().next(), copied.lines().next());
}

#[test]
fn check_stamp_matches_fresh_outputs_in_every_format() {
    let (scen, dir) = setup("fresh");
    for (format, ext) in [("table", "txt"), ("md", "md"), ("csv", "csv"), ("json", "json")] {
        let out = dir.join(format!("published.{ext}"));
        // CSV carries the stamp on request.
        let mut a = vec!["allocate", s(&scen), "--format", format, "-o", s(&out)];
        if format == "csv" {
            a.push("--stamp");
        }
        assert!(quota(&a).status.success());
        let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}{}", text(&o.stdout), text(&o.stderr));
        assert!(text(&o.stdout).contains("match: the published output still follows from its inputs"));
    }
}

#[test]
fn layout_changes_to_the_inputs_still_match() {
    let (scen, dir) = setup("layout");
    let out = dir.join("published.csv");
    assert!(quota(&["allocate", s(&scen), "--format", "csv", "--stamp", "-o", s(&out)]).status.success());
    // Comments, blank lines, CRLF and spaces around fields; a reformatted scenario.
    let ind = data("data/indicators.csv").replace('\n', "\r\n# another comment\r\n\r\n").replace(',', " , ");
    std::fs::write(dir.join("indicators.csv"), ind).unwrap();
    let sc = std::fs::read_to_string(&scen)
        .unwrap()
        .replace(" = ", "   =   ")
        .replace("\n[", "\n\n# new comment\n[");
    std::fs::write(&scen, sc).unwrap();
    let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn a_changed_value_is_a_mismatch() {
    let (scen, dir) = setup("value");
    let out = dir.join("published.txt");
    assert!(quota(&["allocate", s(&scen), "-o", s(&out)]).status.success());
    // One indicator value of one unit: 广东's cultivation score 50.8 → 50.9.
    let ind = data("data/indicators.csv");
    let line = ind.lines().find(|l| l.starts_with("44,")).unwrap();
    let changed = ind.replace(line, &line.replace(",50.8,", ",50.9,"));
    assert_ne!(changed, ind);
    std::fs::write(dir.join("indicators.csv"), changed).unwrap();
    let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("inputs:  DIFFERENT"));
    assert!(text(&o.stdout).contains("MISMATCH"));
    assert!(text(&o.stderr).contains("does not match a fresh run of its inputs"));
}

#[test]
fn an_edited_table_is_a_mismatch_even_with_its_stamp() {
    let (scen, dir) = setup("edited");
    let out = dir.join("published.csv");
    assert!(quota(&["allocate", s(&scen), "--format", "csv", "--stamp", "-o", s(&out)]).status.success());
    let csv = std::fs::read_to_string(&out).unwrap();
    // Give 广东 one slot more in the published file.
    let line = csv.lines().find(|l| l.starts_with("44,")).unwrap().to_string();
    let mut f: Vec<String> = line.split(',').map(String::from).collect();
    let header = csv.lines().nth(1).unwrap();
    let slots_col = header.split(',').position(|h| h == "slots").unwrap();
    assert_eq!(f[slots_col], "65", "{line}");
    f[slots_col] = "66".into();
    std::fs::write(&out, csv.replace(&line, &f.join(","))).unwrap();
    let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    let report = text(&o.stdout);
    assert!(report.contains("inputs:  same"));
    assert!(report.contains("content: DIFFERS from a fresh run at line"), "{report}");
}

#[test]
fn another_method_is_named_in_the_report() {
    let (scen, dir) = setup("method");
    let out = dir.join("published.json");
    assert!(quota(&["allocate", s(&scen), "--method", "webster", "--format", "json", "-o", s(&out)])
        .status
        .success());
    let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o.stdout).contains("method:  DIFFERENT (file webster, now hamilton; pass --method webster?)")
    );
    // With the same options it matches; an alias names the same method.
    let o = quota(&["allocate", s(&scen), "--method", "sainte-lague", "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn a_file_without_a_stamp_is_bad_input() {
    let (scen, dir) = setup("nostamp");
    let out = dir.join("plain.csv");
    std::fs::write(&out, "code,slots\n11,33\n").unwrap();
    let o = quota(&["allocate", s(&scen), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no reproducibility stamp found"), "{}", text(&o.stderr));
}

#[test]
fn explain_outputs_carry_the_same_stamp_as_allocate() {
    let a = text(&quota(&["allocate", "--method", "dean"]).stdout);
    let e = text(&quota(&["explain", "--method", "dean", "--no-margins"]).stdout);
    let stamp = |t: &str| t.lines().find(|l| l.starts_with("stamp: ")).map(String::from);
    assert!(stamp(&a).is_some());
    assert_eq!(stamp(&a), stamp(&e));
}

#[test]
fn json_check_ignores_how_the_input_paths_were_typed() {
    let (scen, dir) = setup("paths");
    let out = dir.join("published.json");
    assert!(quota(&["allocate", s(&scen), "--format", "json", "-o", s(&out)]).status.success());
    // The same scenario named by another path.
    let other = dir.join(".").join("s.toml");
    let o = quota(&["allocate", s(&other), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // But a changed number in the JSON is caught.
    let json = std::fs::read_to_string(&out).unwrap().replacen("\"slots\": 33", "\"slots\": 34", 1);
    std::fs::write(&out, json).unwrap();
    let o = quota(&["allocate", s(&other), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
}

#[test]
fn caps_from_a_registry_are_part_of_the_stamp() {
    let registry = concat!(env!("CARGO_MANIFEST_DIR"), "/data/registry/firms.csv");
    let stamp_of = |args: &[&str]| {
        let o = quota(args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout).lines().next().unwrap().to_string()
    };
    let plain = stamp_of(&["allocate", "--format", "csv", "--stamp"]);
    // Same caps on 2024-07-31 as the indicator file: same stamp. Other caps later: another.
    assert_eq!(stamp_of(&["allocate", "--format", "csv", "--stamp", "--caps-from", registry]), plain);
    let later = stamp_of(&[
        "allocate",
        "--format",
        "csv",
        "--stamp",
        "--caps-from",
        registry,
        "--as-of",
        "2025-04-30",
    ]);
    assert_ne!(later, plain);
    let (scen, dir) = setup("registry");
    let out = dir.join("published.csv");
    let args = ["--caps-from", registry, "--as-of", "2025-04-30"];
    let mut write = vec!["allocate", s(&scen), "--format", "csv", "--stamp", "-o", s(&out)];
    write.extend(args);
    assert!(quota(&write).status.success());
    let mut check = vec!["allocate", s(&scen), "--check-stamp", s(&out)];
    assert_eq!(quota(&check).status.code(), Some(3), "without the registry: other caps");
    check.extend(args);
    let o = quota(&check);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

/// A weight table for `quota apportion` in a fresh directory.
fn parties(name: &str) -> (PathBuf, PathBuf) {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("stamp-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("p.csv"), "name,weight\nA,100000\nB,80000\nC,30000\nD,20000\n").unwrap();
    (d.join("p.csv"), d)
}

#[test]
fn every_apportion_format_carries_the_stamp() {
    let (csv, _) = parties("apportion-formats");
    let run = |format: &str| {
        let stamp: &[&str] = if format == "csv" { &["--stamp"] } else { &[] };
        let o = quota(
            &[&["apportion", "-m", "dhondt", "-s", "8", s(&csv), "--format", format][..], stamp].concat(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let out = run("csv");
    assert!(out.starts_with("# stamp: quota "), "{out}");
    assert_eq!(out.lines().nth(1), Some("name,weight,quota,seats"));
    let table = run("table");
    let line = table.lines().last().unwrap();
    assert!(line.starts_with("stamp: quota "), "{table}");
    // The same stamp in every format; the method by its canonical name.
    assert_eq!(line, &out.lines().next().unwrap()[2..]);
    assert!(line.contains("| method jefferson | seed none"), "{line}");
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(v["stamp"]["method"], "jefferson");
    assert_eq!(
        v["stamp"]["inputs_sha256"].as_str().unwrap(),
        line.split("sha256:").nth(1).unwrap()[..64].to_string()
    );
    // Another number of seats is another input.
    let o = quota(&["apportion", "-m", "dhondt", "-s", "9", s(&csv)]);
    assert_ne!(text(&o.stdout).lines().next(), out.lines().next());
}

#[test]
fn apportion_check_stamp_follows_values_not_layout() {
    let (csv, dir) = parties("apportion-check");
    for (format, ext) in [("table", "txt"), ("csv", "csv"), ("json", "json")] {
        let out = dir.join(format!("published.{ext}"));
        let mut a = vec!["apportion", "-m", "webster", "-s", "8", s(&csv), "--format", format, "-o", s(&out)];
        if format == "csv" {
            a.push("--stamp"); // CSV carries the stamp on request
        }
        let o = quota(&a);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let o = quota(&["apportion", "-m", "sainte-lague", "-s", "8", s(&csv), "--check-stamp", s(&out)]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}{}", text(&o.stdout), text(&o.stderr));
        assert!(
            text(&o.stdout).contains("inputs:  same (canonical weight table, method and seats hash alike)")
        );
    }
    let out = dir.join("published.csv");
    // Comments, CRLF and spaces: the same table.
    std::fs::write(&csv, "# parties\r\nname , weight\r\nA,100000\r\n\r\nB, 80000\r\nC,30000\r\nD,20000\r\n")
        .unwrap();
    let o = quota(&["apportion", "-m", "webster", "-s", "8", s(&csv), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // Other seats, another method, a changed weight: mismatches.
    let o = quota(&["apportion", "-m", "webster", "-s", "9", s(&csv), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("inputs:  DIFFERENT — the weight table changed"), "{}", text(&o.stdout));
    let o = quota(&["apportion", "-m", "jefferson", "-s", "8", s(&csv), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o.stdout).contains("method:  DIFFERENT (file webster, now jefferson; pass --method webster?)")
    );
    std::fs::write(&csv, "name,weight\nA,100000\nB,80001\nC,30000\nD,20000\n").unwrap();
    let o = quota(&["apportion", "-m", "webster", "-s", "8", s(&csv), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("MISMATCH"));
    // An edited result under a valid stamp is caught by the content comparison.
    std::fs::write(&csv, "name,weight\nA,100000\nB,80000\nC,30000\nD,20000\n").unwrap();
    let edited = std::fs::read_to_string(&out).unwrap().replace("D,20000,0.695652,1", "D,20000,0.695652,2");
    std::fs::write(&out, edited).unwrap();
    let o = quota(&["apportion", "-m", "webster", "-s", "8", s(&csv), "--check-stamp", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("content: DIFFERS from a fresh run at line 6"), "{}", text(&o.stdout));
}

#[test]
fn the_announcement_csv_is_stamped_only_when_asked() {
    let plain = text(&quota(&["table", "--format", "csv"]).stdout);
    assert!(!plain.contains("stamp: "));
    let stamped = text(&quota(&["table", "--format", "csv", "--stamp", "--bom"]).stdout);
    let allocate = text(&quota(&["allocate", "--format", "csv", "--stamp"]).stdout);
    assert_eq!(stamped.trim_start_matches('\u{feff}').lines().next(), allocate.lines().next());
    assert!(stamped.starts_with('\u{feff}'));
    assert_eq!(stamped.trim_start_matches('\u{feff}').split_once('\n').unwrap().1, plain);
}
