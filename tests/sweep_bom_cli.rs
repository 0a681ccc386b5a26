//! `quota sweep --bom`: every CSV file `-o DIR` writes (and `--format csv` on stdout) starts with
//! a UTF-8 byte-order mark; the other files do not; without --bom none does.

mod common;

use std::fs;

use common::{quota, stderr};

const BOM: &[u8] = b"\xef\xbb\xbf";

#[test]
fn every_csv_file_of_a_sweep_directory_gets_the_bom() {
    let tmp = tempfile::tempdir().unwrap();
    for (design, extra) in
        [("grid", vec!["--step", "0.25", "--keep-all"]), ("oat", vec!["--weight", "cultivation"])]
    {
        for bom in [true, false] {
            let dir = tmp.path().join(format!("{design}-{bom}"));
            let mut args = vec!["sweep", "--design", design, "-o", dir.to_str().unwrap()];
            args.extend(&extra);
            if bom {
                args.push("--bom");
            }
            let out = quota(&args);
            assert!(out.status.success(), "{}", stderr(&out));
            let mut csv = 0;
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let bytes = fs::read(&path).unwrap();
                let is_csv = path.extension().is_some_and(|e| e == "csv");
                csv += usize::from(is_csv);
                assert_eq!(bytes.starts_with(BOM), bom && is_csv, "{}", path.display());
            }
            assert!(csv >= 2, "{design}: {csv} CSV files");
        }
    }
    let out = quota(&["sweep", "--design", "grid", "--step", "0.25", "--format", "csv", "--bom"]);
    assert!(out.status.success() && out.stdout.starts_with(BOM), "{}", stderr(&out));
    let out = quota(&["sweep", "--design", "grid", "--step", "0.25", "--bom"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--bom applies to CSV output"), "{}", stderr(&out));
}
