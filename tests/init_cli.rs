//! `quota init DIR`: the starter kit runs wherever it is copied, gives the bundled allocation
//! when unchanged, its workbook reads back as the bundled indicators, and it never overwrites.

mod common;

use std::fs;
use std::path::Path;

use common::{quota, quota_in, stderr, stdout};
use quota::error::Location;
use quota::input::{sheet::workbook_to_csv, CsvTable};

/// The output without its stamp line (the kit's inputs are other files, so its stamp differs).
fn without_stamp(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("stamp:") && !l.starts_with("# stamp:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn init(dir: &Path) {
    let out = quota(&["init", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("wrote scenario.toml, indicators.xlsx, README.md"), "{}", stdout(&out));
}

#[test]
fn the_kit_gives_the_bundled_allocation_from_any_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    init(&kit);
    // Copied elsewhere and run from a third directory: the data paths follow the scenario.
    let moved = tmp.path().join("elsewhere/my-batch");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(&kit, &moved).unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let scenario = moved.join("scenario.toml");
    for format in ["table", "csv"] {
        let kit_run = quota_in(cwd.path(), &["allocate", scenario.to_str().unwrap(), "--format", format]);
        assert!(kit_run.status.success(), "{}", stderr(&kit_run));
        let bundled = quota(&["allocate", "--format", format]);
        assert_eq!(without_stamp(&stdout(&kit_run)), without_stamp(&stdout(&bundled)), "{format}");
    }
    let v = quota_in(&moved, &["validate", "scenario.toml", "indicators.xlsx"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stdout(&v).contains("indicators.xlsx (sheet 'indicators'): OK (indicators)"), "{}", stdout(&v));
}

#[test]
fn the_workbook_holds_the_bundled_indicators_with_status_and_source_rows() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let bytes = fs::read(tmp.path().join("indicators.xlsx")).unwrap();
    let (csv, sheet) = workbook_to_csv(&bytes, &Location::file("indicators.xlsx"), None).unwrap();
    assert_eq!(sheet, "indicators");
    // The provenance declarations come first, as in the CSV: the workbook's inputs keep their status.
    let declarations: Vec<&str> = csv.lines().take_while(|l| l.starts_with("# @")).collect();
    assert_eq!(declarations.len(), 5, "{csv}");
    assert!(declarations[1].starts_with("# @column sme_above_scale: illustrative"), "{}", declarations[1]);
    let lines: Vec<&str> = csv.lines().skip(declarations.len()).collect();
    assert_eq!(
        lines[0],
        "code,name_zh,xiaojuren,sme_above_scale,cultivation,gdp_per_capita,eligible_firms,gdp_per_capita_status,gdp_per_capita_note"
    );
    assert!(
        lines[1].starts_with("# status") && lines[1].contains(" official illustrative illustrative "),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("# source ") && lines[2].contains(" REAL. 专精特新小巨人企业分布情况"),
        "{}",
        lines[2]
    );
    let book = CsvTable::parse(&csv, Location::file("indicators.xlsx")).unwrap();
    let bundled = CsvTable::parse(
        &fs::read_to_string(common::data_dir().join("indicators.csv")).unwrap(),
        Location::file("indicators.csv"),
    )
    .unwrap();
    assert_eq!(book.header, bundled.header);
    assert_eq!(book.rows.len(), 37);
    for (a, b) in book.rows.iter().zip(&bundled.rows) {
        assert_eq!(a[..2], b[..2]);
        for (x, y) in a[2..].iter().zip(&b[2..]) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => assert_eq!(x, y, "{a:?} vs {b:?}"),
                _ => assert_eq!(x, y, "a text column (status, note) is copied as text"),
            }
        }
    }
    // The same bytes every time.
    let again = tempfile::tempdir().unwrap();
    init(again.path());
    for name in ["scenario.toml", "indicators.xlsx", "README.md"] {
        assert_eq!(
            fs::read(tmp.path().join(name)).unwrap(),
            fs::read(again.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn an_edited_workbook_changes_the_allocation() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    // Rewrite the workbook with 广东's 小巨人 count raised, as a planner would in Excel.
    let bytes = fs::read(tmp.path().join("indicators.xlsx")).unwrap();
    let (csv, _) = workbook_to_csv(&bytes, &Location::file("indicators.xlsx"), None).unwrap();
    let table = CsvTable::parse(&csv, Location::file("x")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in table.header.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let cell = if row[0] == "44" && c == 2 { "160" } else { cell.as_str() };
            match cell.parse::<f64>() {
                Ok(v) if c >= 2 => ws.write_number(r as u32 + 1, c as u16, v).unwrap(),
                _ => ws.write_string(r as u32 + 1, c as u16, cell).unwrap(),
            };
        }
    }
    wb.save(tmp.path().join("indicators.xlsx")).unwrap();
    let out = quota_in(tmp.path(), &["allocate", "scenario.toml", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let guangdong = stdout(&out).lines().find(|l| l.starts_with("44,")).unwrap().to_string();
    let fields: Vec<&str> = guangdong.split(',').collect();
    let bundled = stdout(&quota(&["allocate", "--format", "csv"]));
    let before: Vec<&str> = bundled.lines().find(|l| l.starts_with("44,")).unwrap().split(',').collect();
    let slots = |f: &[&str]| f[f.len() - 6].parse::<u32>().unwrap();
    assert!(slots(&fields) > slots(&before), "{guangdong} vs {before:?}");
}

#[test]
fn refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("README.md"), "mine").unwrap();
    let out = quota(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("README.md already exists") && err.contains("never overwrites"), "{err}");
    assert_eq!(fs::read_to_string(tmp.path().join("README.md")).unwrap(), "mine");
    assert!(!tmp.path().join("scenario.toml").exists());
    assert!(!tmp.path().join("indicators.xlsx").exists());

    let file = tmp.path().join("README.md");
    let out = quota(&["init", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists and is not a directory"), "{}", stderr(&out));
}
