//! Helpers for tests that run the real `quota` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `quota` with `args` in `dir`.
pub fn quota_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).current_dir(dir).output().expect("run quota")
}

/// Runs `quota` with `args` in the repository root.
pub fn quota(args: &[&str]) -> Output {
    quota_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository's data directory.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A temporary directory holding copies of the bundled units and indicators and a scenario
/// `s.toml` that refers to them (the bundled scenario with `edit` applied to its text).
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(edit: impl Fn(String) -> String) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(data_dir().join("units.csv"), dir.path().join("units.csv")).unwrap();
        std::fs::copy(data_dir().join("indicators.csv"), dir.path().join("indicators.csv")).unwrap();
        let toml = std::fs::read_to_string(data_dir().join("scenarios/2024-batch1.toml"))
            .unwrap()
            .replace("../units.csv", "units.csv")
            .replace("../indicators.csv", "indicators.csv");
        std::fs::write(dir.path().join("s.toml"), edit(toml)).unwrap();
        Fixture { dir }
    }

    /// Rewrites `indicators.csv` through `edit`.
    pub fn edit_indicators(&self, edit: impl Fn(String) -> String) {
        let p = self.dir.path().join("indicators.csv");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, edit(text)).unwrap();
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `quota allocate s.toml -o out.csv --format csv` plus `extra` in the fixture.
    pub fn allocate(&self, extra: &[&str]) -> Output {
        let mut args = vec!["allocate", "s.toml", "--format", "csv", "-o", "out.csv"];
        args.extend_from_slice(extra);
        quota_in(self.dir.path(), &args)
    }
}

/// Asserts a bad-input failure: exit code 2, every `needle` in stderr, no panic, no output file.
pub fn assert_bad_input(o: &Output, needles: &[&str], out_file: Option<&Path>) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
    if let Some(p) = out_file {
        assert!(!p.exists(), "partial output file {} left behind", p.display());
    }
}

/// Compares `actual` with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites the file.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "output differs from {} (UPDATE_GOLDEN=1 rewrites it)\n{actual}",
        path.display()
    );
}

/// A scenario of `data/scenarios/` (by file stem), loaded by the library as `quota allocate
/// data/scenarios/NAME.toml` would load it.
pub fn scenario(name: &str) -> quota::scenario::Scenario {
    quota::scenario::Scenario::from_path(&data_dir().join(format!("scenarios/{name}.toml"))).unwrap()
}

/// `quota allocate --format json ARGS…`, parsed (the run must succeed).
pub fn allocate_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["allocate", "--format", "json"];
    all.extend_from_slice(args);
    let out = quota(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// (code, slots) of every unit of an allocation JSON document.
pub fn unit_slots(doc: &serde_json::Value) -> Vec<(String, u64)> {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["code"].as_str().unwrap().into(), u["slots"].as_u64().unwrap()))
        .collect()
}
