//! `quota sweep --shard K/N` and `quota sweep merge` for Morris screening (with groups) and
//! Sobol with second-order indices and groups, through the real binary: the merged output
//! directory is byte-identical to the unsharded run's, whatever the split and the threads of
//! each shard; partials that are not one whole sweep exit 2 and write nothing.

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
    let d = std::env::temp_dir().join(format!("quota-shard-designs-{}-{name}", std::process::id()));
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

/// The partials of a split into `n` (shard k on 1 + k % 3 threads, written to part-k.json).
fn shards(dir: &Path, design: &[&str], n: u64) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let part = dir.join(format!("part-{k}.json"));
            let (shard, threads) = (format!("{k}/{n}"), (1 + k % 3).to_string());
            let mut a = vec!["sweep", "--threads", &threads, "--shard", &shard, "-o", s(&part)];
            a.extend_from_slice(design);
            ok(&a);
            s(&part).to_string()
        })
        .collect()
}

const MORRIS: [&str; 14] = [
    "--design",
    "morris",
    "--trajectories",
    "6",
    "--vary",
    "西部=0.8:1.5",
    "--vary",
    "东部=0.8:1.2",
    "--group",
    "区域差异=西部,东部",
    "--seed",
    "4",
    "--bootstrap",
    "20",
];

const SOBOL2: [&str; 11] = [
    "--design",
    "sobol",
    "--samples",
    "64",
    "--bootstrap",
    "10",
    "--second-order",
    "--vary",
    "development_weight=0:0.3",
    "--group",
    "培育=cultivation,xiaojuren",
];

#[test]
fn merged_output_is_byte_identical_to_the_unsharded_run() {
    for (name, design, n) in
        [("morris", &MORRIS[..], 4), ("morris-past-the-end", &MORRIS[..], 8), ("sobol2", &SOBOL2[..], 5)]
    {
        let dir = tmp(name);
        let whole = dir.join("whole");
        let mut a = vec!["sweep", "--threads", "2", "-o", s(&whole)];
        a.extend_from_slice(design);
        ok(&a);
        let mut parts = shards(&dir, design, n);
        parts.reverse();
        let merged = dir.join("merged");
        let mut m = vec!["sweep", "merge", "--threads", "1", "-o", s(&merged)];
        m.extend(parts.iter().map(String::as_str));
        ok(&m);
        let (w, g) = (files(&whole), files(&merged));
        assert!(w.len() >= 6, "{name}: {:?}", w.keys());
        assert_eq!(w.keys().collect::<Vec<_>>(), g.keys().collect::<Vec<_>>(), "{name}");
        for (file, bytes) in &w {
            assert!(g[file] == *bytes, "{name}: {file} differs");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn bad_sets_of_partials_exit_2_and_write_nothing() {
    let dir = tmp("bad");
    let parts = shards(&dir, &MORRIS, 3);
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
    // Another design, another seed, other inputs.
    let sobol = dir.join("sobol.json");
    let mut a = vec!["sweep", "--shard", "2/3", "-o", s(&sobol)];
    a.extend_from_slice(&SOBOL2);
    ok(&a);
    let e = refused(&["sweep", "merge", &parts[0], s(&sobol), &parts[2], "-o", o]);
    assert!(e.contains("made from other inputs than") || e.contains("design sobol vs morris"), "{e}");
    let mut reseeded: Vec<&str> = MORRIS.to_vec();
    reseeded[11] = "5";
    let other = dir.join("seed5.json");
    let mut a = vec!["sweep", "--shard", "2/3", "-o", s(&other)];
    a.extend_from_slice(&reseeded);
    ok(&a);
    let e = refused(&["sweep", "merge", &parts[0], s(&other), &parts[2], "-o", o]);
    assert!(e.starts_with(&format!("error: {}: made from other inputs than {}", s(&other), parts[0])), "{e}");
    let e = refused(&["sweep", "merge", &parts[0], &parts[1], &parts[2], "-o", o, "--total", "900"]);
    assert!(e.contains("made from other inputs than the scenario given to merge"), "{e}");
    // The same seed and inputs but another design: the sweeps differ.
    let plain = dir.join("plain.json");
    let mut a = vec!["sweep", "--shard", "2/3", "-o", s(&plain)];
    a.extend_from_slice(&MORRIS[..12]);
    a.extend(["--bootstrap", "21"]);
    ok(&a);
    let e = refused(&["sweep", "merge", &parts[0], s(&plain), &parts[2], "-o", o]);
    assert!(e.contains("a different sweep than") && e.contains("the morris parameters differ"), "{e}");
    assert!(!out.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}
