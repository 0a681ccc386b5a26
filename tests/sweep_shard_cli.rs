//! `quota sweep --shard K/N` and `quota sweep merge` through the real binary: for every design,
//! the merged output directory is byte-identical to the unsharded run's (the stamp line
//! included), whatever the order the partials are given in; and partials that are not one
//! whole sweep of the given inputs are refused with exit 2 and nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("runs")
}

fn ok(args: &[&str]) {
    let o = quota(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Exit 2 and the first line of stderr.
fn refused(args: &[&str]) -> String {
    let o = quota(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or_default().to_string()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quota-shard-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The partials of a split into `n` (shard k written to part-k.json), listed last first.
fn shards(dir: &Path, design: &[&str], n: u64) -> Vec<String> {
    (1..=n)
        .rev()
        .map(|k| {
            let part = dir.join(format!("part-{k}.json"));
            let shard = format!("{k}/{n}");
            let mut a = vec!["sweep", "--threads", "2", "--shard", &shard, "-o", s(&part)];
            a.extend_from_slice(design);
            ok(&a);
            s(&part).to_string()
        })
        .collect()
}

#[test]
fn merged_output_is_byte_identical_to_the_unsharded_run_for_every_design() {
    let designs: [(&str, &[&str]); 5] = [
        ("grid", &["--design", "grid", "--step", "0.05", "--paradoxes"]),
        ("oat", &["--design", "oat"]),
        (
            "mc",
            &[
                "--design",
                "monte-carlo",
                "--dirichlet",
                "30",
                "--noise",
                "5",
                "--scenarios",
                "9000",
                "--seed",
                "11",
            ],
        ),
        (
            "sobol",
            &[
                "--design",
                "sobol",
                "--samples",
                "256",
                "--bootstrap",
                "20",
                "--vary",
                "development_weight=0:0.3",
            ],
        ),
        ("opt", &["data/scenarios/2024-batch1-guarantees.toml", "--design", "grid", "--step", "0.1"]),
    ];
    for (name, design) in designs {
        let dir = tmp(name);
        let whole = dir.join("whole");
        let mut a = vec!["sweep", "-o", s(&whole)];
        a.extend_from_slice(design);
        ok(&a);
        let parts = shards(&dir, design, 3);
        let merged = dir.join("merged");
        let mut m = vec!["sweep", "merge", "-o", s(&merged)];
        m.extend(parts.iter().map(String::as_str));
        if name == "opt" {
            m.extend(["--scenario", "data/scenarios/2024-batch1-guarantees.toml"]);
        }
        ok(&m);
        let (w, g) = (files(&whole), files(&merged));
        assert!(w.len() >= 5, "{name}: {:?}", w.keys());
        assert_eq!(w.keys().collect::<Vec<_>>(), g.keys().collect::<Vec<_>>(), "{name}");
        for (file, bytes) in &w {
            assert!(g[file] == *bytes, "{name}: {file} differs");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn bad_sets_of_partials_are_refused_and_nothing_is_written() {
    let dir = tmp("bad");
    let design = ["--design", "sobol", "--samples", "128", "--bootstrap", "10"];
    let parts = shards(&dir, &design, 3); // part-3, part-2, part-1
    let out = dir.join("out");
    let o = s(&out);
    assert_eq!(
        refused(&["sweep", "merge", &parts[0], &parts[2], "-o", o]),
        "error: 1 of 3 shards missing: 2/3 (have 1/3, 3/3)"
    );
    assert_eq!(
        refused(&["sweep", "merge", &parts[0], &parts[1], &parts[1], &parts[2], "-o", o]),
        format!("error: shard 2/3 given twice: {} and {}", parts[1], parts[1])
    );
    let e = refused(&["sweep", "merge", &parts[0], &parts[1], &parts[2], "-o", o, "--total", "900"]);
    assert!(
        e.starts_with(&format!(
            "error: {}: made from other inputs than the scenario given to merge",
            parts[0]
        )),
        "{e}"
    );
    let seeded = dir.join("seeded.json");
    let mut a = vec!["sweep", "--shard", "2/3", "-o", s(&seeded), "--seed", "3"];
    a.extend_from_slice(&design);
    ok(&a);
    let e = refused(&["sweep", "merge", &parts[0], s(&seeded), &parts[2], "-o", o]);
    assert!(e.contains("made from other inputs than"), "{e}");
    let summary = dir.join("summary.json");
    std::fs::write(&summary, "{\"schema\": \"quota.sweep/1\"}").unwrap();
    assert_eq!(
        refused(&["sweep", "merge", s(&summary), "-o", o]),
        format!("error: {}: not a quota sweep partial: its schema is \"quota.sweep/1\", not \"quota.sweep-partial/1\"", s(&summary))
    );
    assert!(!out.exists(), "nothing written");
    let e = refused(&["sweep", "--design", "grid", "--shard", "4/3"]);
    assert!(e.contains("shard 4/3: K must be from 1 to 3"), "{e}");
    let e = refused(&["sweep", "--design", "grid", "--shard", "1/2", "--keep-all", "-o", o]);
    assert!(e.starts_with("error: --keep-all cannot be combined with --shard"), "{e}");
    // Without -o the partial goes to stdout; merge without -o prints the summary.
    let o1 = quota(&["sweep", "--design", "oat", "--weight", "cultivation", "--shard", "1/1"]);
    assert!(o1.status.success());
    let p = dir.join("stdout.json");
    std::fs::write(&p, &o1.stdout).unwrap();
    let m = quota(&["sweep", "merge", s(&p), "--format", "json"]);
    let direct = quota(&["sweep", "--design", "oat", "--weight", "cultivation", "--format", "json"]);
    assert!(m.status.success());
    assert_eq!(String::from_utf8_lossy(&m.stdout), String::from_utf8_lossy(&direct.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}
