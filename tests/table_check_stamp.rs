//! `quota table --check-stamp FILE` (issue 13 item 1): a published announcement table —
//! Markdown, CSV written with --stamp, or the xlsx workbook — is checked against a fresh run of
//! its inputs: its stamp (inputs, method, seed) and its content, reported separately.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("table-check-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn publish(d: &Path, file: &str, extra: &[&str]) -> String {
    let path = d.join(file).to_str().unwrap().to_string();
    let mut args = vec!["table", "-o", &path];
    args.extend(extra);
    let o = quota(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    path
}

fn check(file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["table", "--check-stamp", file];
    args.extend(extra);
    let o = quota(&args);
    (o.status.code(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn every_published_table_format_matches_a_fresh_run() {
    let d = dir("match");
    for (file, extra) in [
        ("t.md", &[][..]),
        ("t.xlsx", &[][..]),
        ("en.xlsx", &["--lang", "en"][..]),
        ("en.md", &["--lang", "en", "--title", "Quota table"][..]),
    ] {
        let path = publish(&d, file, extra);
        let (code, out) = check(&path, extra);
        assert_eq!(code, Some(0), "{file}: {out}");
        assert!(out.contains("content: identical to a fresh run"), "{file}: {out}");
    }
    let csv = d.join("t.csv").to_str().unwrap().to_string();
    assert!(quota(&["table", "--format", "csv", "--stamp", "-o", &csv]).status.success());
    let (code, out) = check(&csv, &[]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn other_inputs_are_reported_apart_from_the_content() {
    let d = dir("inputs");
    let path = publish(&d, "t.xlsx", &["-n", "1040"]);
    let (code, out) = check(&path, &[]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("inputs:  DIFFERENT"), "{out}");
    assert!(out.contains("content: DIFFERS"), "{out}");
    // Published in English, checked in Chinese: same inputs, other content.
    let en = publish(&d, "en.xlsx", &["--lang", "en"]);
    let (code, out) = check(&en, &[]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("inputs:  same") && out.contains("[sheet Allocation]"), "{out}");
}

#[test]
fn an_edited_workbook_is_a_mismatch_even_with_its_stamp() {
    let d = dir("edited");
    let path = publish(&d, "t.xlsx", &[]);
    // 北京's 33 slots made 34 in the sheet's XML, every other part of the workbook kept.
    let bytes = std::fs::read(&path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(content).unwrap();
            assert!(xml.contains("<v>33</v>"), "北京's 33 is in sheet 1");
            content = xml.replacen("<v>33</v>", "<v>34</v>", 1).into_bytes();
            edited = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&content).unwrap();
    }
    assert!(edited);
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    let (code, out) = check(&path, &[]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("inputs:  same"), "{out}");
    assert!(out.contains("content: DIFFERS") && out.contains(",34,"), "{out}");
}

#[test]
fn a_workbook_without_a_stamp_is_bad_input() {
    let d = dir("nostamp");
    let path = d.join("plain.xlsx");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sheets/indicators.ods"), &path).unwrap();
    let (code, out) = check(path.to_str().unwrap(), &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("plain.xlsx"), "{out}");
}
