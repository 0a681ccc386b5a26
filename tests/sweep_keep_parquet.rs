//! `quota sweep --keep-all=parquet` (feature `parquet`): DIR/scenarios.parquet holds exactly
//! the rows of DIR/scenarios.csv (read back through `quota::render::rows_parquet::to_csv`, the
//! CSV's bytes again, after the stamp the Parquet file always keeps), its bytes do not depend on the thread count, and — when
//! QUOTA_TEST_PYTHON names a Python with pandas and pyarrow (CI's venv) — pandas reads it as
//! it reads the CSV. Without the feature, the flag is refused (tests/sweep_cli.rs).
#![cfg(feature = "parquet")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quota-keep-parquet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Runs `quota sweep ARGS --keep-all[=FORMAT] --threads T -o DIR`; returns DIR.
fn kept(name: &str, args: &[&str], keep: &str, threads: &str) -> PathBuf {
    let dir = tmp(name);
    let out = Command::new(env!("CARGO_BIN_EXE_quota"))
        .arg("sweep")
        .args(args)
        .args([keep, "--threads", threads, "-o", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn check_design(name: &str, args: &[&str]) {
    let csv_dir = kept(&format!("{name}-csv"), args, "--keep-all", "2");
    let one = kept(&format!("{name}-pq1"), args, "--keep-all=parquet", "1");
    let two = kept(&format!("{name}-pq2"), args, "--keep-all=parquet", "2");
    let csv = std::fs::read_to_string(csv_dir.join("scenarios.csv")).unwrap();
    let pq = std::fs::read(one.join("scenarios.parquet")).unwrap();
    assert_eq!(pq, std::fs::read(two.join("scenarios.parquet")).unwrap(), "{name}: 1 vs 2 threads");
    assert!(pq.starts_with(b"PAR1"));
    assert!(!one.join("scenarios.csv").exists());
    let back = quota::render::rows_parquet::to_csv(&pq).unwrap();
    // The Parquet file always keeps the stamp (as metadata, read back as the `# stamp:` line);
    // the CSV has it only with --stamp.
    let (stamp, rows) = back.split_once('\n').unwrap();
    assert!(stamp.starts_with("# stamp: quota "), "{name}: {stamp}");
    assert_eq!(rows, csv, "{name}: the Parquet rows are not the CSV rows");
    // The other outputs are those of the CSV run.
    for f in ["summary.csv", "summary.json"] {
        if csv_dir.join(f).exists() {
            assert_eq!(std::fs::read(csv_dir.join(f)).unwrap(), std::fs::read(one.join(f)).unwrap(), "{f}");
        }
    }
    if let Ok(python) = std::env::var("QUOTA_TEST_PYTHON") {
        pandas_reads_it_as_the_csv(&python, &csv_dir.join("scenarios.csv"), &one.join("scenarios.parquet"));
    }
    for d in [csv_dir, one, two] {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn pandas_reads_it_as_the_csv(python: &str, csv: &Path, parquet: &Path) {
    let script = r##"
import sys, pandas as pd, pyarrow.parquet as pq
c = pd.read_csv(sys.argv[1], comment="#", dtype={"code": str})
p = pd.read_parquet(sys.argv[2])
assert list(p.columns) == list(c.columns), (list(p.columns), list(c.columns))
assert len(p) == len(c) > 0
for col in c.columns:
    a, b = p[col], c[col]
    if col in ("slots", "funding_wan"):
        assert (a.isna() == b.isna()).all(), col
        a, b = a.dropna().astype("int64"), b.dropna().astype("int64")
    assert (a.to_numpy() == b.to_numpy()).all(), col
meta = pq.read_metadata(sys.argv[2]).metadata
assert meta[b"quota.stamp"].decode().startswith("stamp: quota "), meta
print("pandas", len(p), "rows")
"##;
    let out = Command::new(python).args(["-c", script]).arg(csv).arg(parquet).output().unwrap();
    assert!(out.status.success(), "pandas/pyarrow: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn monte_carlo_rows_as_parquet_are_the_csv_rows() {
    check_design(
        "mc",
        &["--design", "monte-carlo", "--dirichlet", "20", "--scenarios", "3000", "--seed", "3"],
    );
}

#[test]
fn grid_rows_with_a_varied_disparity_parameter_as_parquet() {
    check_design("grid", &["--design", "grid", "--step", "0.1", "--vary", "development_weight=0:0.3"]);
}

#[test]
fn sobol_and_morris_rows_as_parquet() {
    check_design("sobol", &["--design", "sobol", "--samples", "128"]);
    check_design("morris", &["--design", "morris", "--trajectories", "6"]);
}
