//! The same indicators as CSV (the bundled file), .xlsx (written by rust_xlsxwriter: the
//! workbook `quota init` writes) and .ods (written by LibreOffice: tests/sheets/indicators.ods)
//! give the same allocation.

mod common;

use std::fs;
use std::path::Path;

use common::{quota, quota_in, stderr, stdout};

/// The bundled scenario with its indicators at `indicators` (absolute), written into `dir`.
fn scenario_with(dir: &Path, indicators: &Path) -> String {
    let text = fs::read_to_string(common::data_dir().join("scenarios/2024-batch1.toml"))
        .unwrap()
        .replace("\"../indicators.csv\"", &format!("{:?}", indicators.display().to_string()))
        .replace(
            "\"../units.csv\"",
            &format!("{:?}", common::data_dir().join("units.csv").display().to_string()),
        );
    let path = dir.join(format!("{}.toml", indicators.extension().unwrap().to_string_lossy()));
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn allocation(args: &[&str]) -> String {
    let out = quota(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out).lines().filter(|l| !l.starts_with("# stamp:")).collect::<Vec<_>>().join("\n")
}

#[test]
fn csv_xlsx_and_ods_indicators_give_the_same_allocation() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    let out = quota(&["init", kit.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ods = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sheets/indicators.ods");
    let csv = allocation(&["allocate", "--format", "csv"]);
    for book in [kit.join("indicators.xlsx"), ods.clone()] {
        let scenario = scenario_with(tmp.path(), &book);
        assert_eq!(allocation(&["allocate", &scenario, "--format", "csv"]), csv, "{}", book.display());
    }
    let v = quota_in(tmp.path(), &["validate", ods.to_str().unwrap()]);
    assert!(stdout(&v).contains("(sheet 'indicators'): OK (indicators)"), "{}", stdout(&v));
}
