//! The figures of docs/reality-check.md: the default allocation against the previous
//! programme's 2024 continuing-support lists, measured by tests/reference/reality_check.py on
//! `quota allocate --format csv` (so the document cannot drift from the data).

use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_default_against_the_continuing_lists_gives_the_documented_figures() {
    let o = Command::new(env!("CARGO_BIN_EXE_quota"))
        .current_dir(ROOT)
        .args(["allocate", "--format", "csv"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let alloc = dir.path().join("alloc.csv");
    std::fs::write(&alloc, &o.stdout).unwrap();
    let r = Command::new("python3")
        .current_dir(ROOT)
        .args([
            "tests/reference/reality_check.py",
            alloc.to_str().unwrap(),
            "data/observed/2021-programme-continuing-2024.csv",
        ])
        .output()
        .expect("python3 (the CI image has it)");
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{out}{}", String::from_utf8_lossy(&r.stderr));
    let doc = std::fs::read_to_string(format!("{ROOT}/docs/reality-check.md")).unwrap();
    for line in out.lines().take(4) {
        assert!(doc.contains(line), "docs/reality-check.md lacks the measured line {line:?}");
    }
    assert!(out.contains("Spearman 0.895; Kendall tau-b 0.730"), "{out}");
    assert!(out.contains("\n12,21,27,"), "天津 allocated 21: {out}");

    // `quota compare --observed` gives the same figures as the independent script.
    let c = Command::new(env!("CARGO_BIN_EXE_quota"))
        .current_dir(ROOT)
        .args([
            "compare",
            "--observed",
            "data/observed/2021-programme-continuing-2024.csv",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let json: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    let s = &json["summary"];
    let figure = |key: &str| s[key].as_f64().unwrap_or_else(|| panic!("summary.{key}: {s}"));
    let script = format!(
        "L1 of shares {:.3}; slots that would have to move {:.1}%\nSpearman {:.3}; Kendall tau-b {:.3}\nmax abs error {:.1} (unit {},",
        figure("l1_shares"),
        figure("moved_percent"),
        figure("spearman"),
        figure("kendall_tau_b"),
        s["largest"]["delta"].as_f64().unwrap().abs(),
        s["largest"]["code"].as_str().unwrap()
    );
    assert!(out.contains(&script), "the command's figures\n{script}\nnot in the script's output\n{out}");
    // Per unit: allocated, observed, scaled and Δ as the script prints them.
    for u in json["units"].as_array().unwrap() {
        let line = format!(
            "\n{},{},{},{:.1},{:+.1}",
            u["code"].as_str().unwrap(),
            u["allocated"],
            u["observed"],
            u["expected"].as_f64().unwrap(),
            u["delta"].as_f64().unwrap()
        );
        assert!(out.contains(&line), "{line:?} not in the script's output");
    }
}
