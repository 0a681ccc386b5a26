//! `quota weights` through the real binary: every method and format on the bundled data, the
//! AHP consistency refusal, and bad input (exit code 2, a located message, no output file).

mod common;

use common::{assert_bad_input, quota, quota_in, stderr, stdout};
use quota::error::Location;
use quota::input::CsvTable;
use quota::weighting::{derive, DeriveOptions, IndicatorMatrix, Scheme};

fn ok(args: &[&str]) -> (String, String) {
    let o = quota(args);
    assert_eq!(o.status.code(), Some(0), "quota {args:?}: {}", stderr(&o));
    (stdout(&o), stderr(&o))
}

fn json_weights(args: &[&str]) -> serde_json::Value {
    let (out, _) = ok(args);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn every_method_and_format_runs_on_the_bundled_scenario() {
    for method in ["equal", "manual", "entropy", "critic", "cv", "pca", "熵权法"] {
        for format in ["table", "csv", "json", "md"] {
            let (out, _) = ok(&["weights", "--method", method, "--format", format]);
            assert!(out.contains("xiaojuren"), "{method} {format}: {out}");
        }
    }
}

#[test]
fn json_weights_are_the_library_weights_of_the_scenario_indicators() {
    let text = std::fs::read_to_string(common::data_dir().join("indicators.csv")).unwrap();
    let t = CsvTable::parse(&text, Location::file("indicators.csv")).unwrap();
    let m =
        IndicatorMatrix::from_table(&t, "code", &["sme_above_scale", "xiaojuren", "cultivation"]).unwrap();
    for scheme in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
        let doc = json_weights(&["weights", "--method", scheme.name(), "--format", "json"]);
        let expected = derive(scheme, &m, &DeriveOptions::default()).unwrap();
        assert_eq!(doc["names"], serde_json::json!(expected.names));
        for (j, w) in expected.weights.iter().enumerate() {
            assert!((doc["weights"][j].as_f64().unwrap() - w).abs() < 1e-15, "{scheme}");
        }
        assert_eq!(doc["diagnostics"]["method"], scheme.name());
        assert_eq!(doc["units"], 37);
    }
    // Manual = the scenario's own weights.
    let doc = json_weights(&["weights", "--method", "manual", "--format", "json"]);
    assert_eq!(doc["weights"], serde_json::json!([0.35, 0.4, 0.25]));
}

#[test]
fn csv_input_with_chosen_columns() {
    let (out, _) = ok(&[
        "weights",
        "--method",
        "entropy",
        "data/indicators.csv",
        "--indicators",
        "xiaojuren,gdp_per_capita",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "scheme,indicator,weight,entropy,divergence");
    assert!(lines[1].starts_with("entropy,xiaojuren,") && lines[2].starts_with("entropy,gdp_per_capita,"));
    assert_eq!(lines.len(), 3);
}

#[test]
fn ahp_reports_lambda_ci_cr_and_refuses_inconsistent_judgements() {
    let (out, _) = ok(&[
        "weights",
        "--method",
        "ahp",
        "--ahp",
        "data/ahp/scenario-indicators.toml",
        "--format",
        "table",
    ]);
    for needle in ["lambda_max: 3.0092", "ri: 0.58", "cr: 0.0079", "consistent: true"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    // Saaty (1990)'s house criteria, CR = 0.169: refused …
    let o = quota(&["weights", "--method", "ahp", "--ahp", "data/ahp/saaty1990-house.csv"]);
    assert_bad_input(&o, &["too inconsistent", "CR = 0.1691 > 0.1", "--allow-inconsistent"], None);
    // … or used with a warning saying how inconsistent.
    let (out, err) = ok(&[
        "weights",
        "--method",
        "ahp",
        "--ahp",
        "data/ahp/saaty1990-house.csv",
        "--allow-inconsistent",
        "--ahp-method",
        "geometric-mean",
        "--format",
        "json",
    ]);
    assert!(err.contains("warning: the AHP judgements are inconsistent: CR = 0.1691, 1.7 times"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["diagnostics"]["consistent"], false);
    assert_eq!(doc["diagnostics"]["method"], "geometric-mean");
    assert_eq!(doc["warnings"][0]["kind"], "inconsistent_judgements");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let o = quota(&["weights", "--method", "topsis"]);
    assert_bad_input(
        &o,
        &["unknown weighting scheme 'topsis'", "equal, manual, entropy, critic, cv, ahp, pca"],
        None,
    );

    let o = quota(&["weights", "--method", "ahp"]);
    assert_bad_input(&o, &["the ahp method needs a pairwise-comparison matrix"], None);

    let o = quota(&[
        "weights",
        "--method",
        "ahp",
        "--ahp",
        "data/ahp/saaty1990-house.csv",
        "data/indicators.csv",
    ]);
    assert_bad_input(&o, &["the AHP matrix compares [size, transportation"], None);

    let o = quota(&["weights", "--method", "pca", "--pca-components", "variance:2"]);
    assert_bad_input(&o, &["pca components = variance:2"], None);
}

#[test]
fn bad_files_exit_2_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "nonrecip.csv",
        "c,sme_above_scale,xiaojuren,cultivation\nsme_above_scale,1,3,5\nxiaojuren,3,1,2\ncultivation,,,1\n",
    );
    write("zero.toml", "criteria = [\"a\", \"b\"]\nmatrix = [[1, 0], [\"\", 1]]\n");
    write("short.csv", "c,a,b,c\na,1,2,3\nb,,1,-2\nc,,,1\n");
    write("flat.csv", "code,a,b\n11,1,5\n12,2,5\n13,3,5\n");
    write("one.csv", "code,a,b\n11,1,5\n");
    write("bad.csv", "code,a,b\n11,1,5\n12,-2,5\n");
    let out = dir.path().join("out.txt");
    let out_arg = out.to_str().unwrap();

    let o = quota_in(dir.path(), &["weights", "-m", "ahp", "--ahp", "nonrecip.csv", "-o", out_arg]);
    assert_bad_input(
        &o,
        &["nonrecip.csv, line 3, column 'sme_above_scale'", "are not reciprocal"],
        Some(&out),
    );
    let o = quota_in(dir.path(), &["weights", "-m", "ahp", "--ahp", "zero.toml", "-o", out_arg]);
    assert_bad_input(&o, &["zero.toml, line 2, column 'b'", "'0' is not a positive judgement"], Some(&out));
    let o = quota_in(dir.path(), &["weights", "-m", "ahp", "--ahp", "short.csv", "-o", out_arg]);
    assert_bad_input(&o, &["short.csv, line 3, column 'c': '-2' is not a positive judgement"], Some(&out));
    std::fs::write(dir.path().join("short.csv"), "c,a,b,c\na,1,2,3\nb,,1,2\n").unwrap();
    let o = quota_in(dir.path(), &["weights", "-m", "ahp", "--ahp", "short.csv", "-o", out_arg]);
    assert_bad_input(
        &o,
        &["short.csv: the pairwise matrix must be square: the matrix (rows) has 2 entries, expected 3"],
        Some(&out),
    );
    let o = quota_in(dir.path(), &["weights", "-m", "critic", "flat.csv", "-o", out_arg]);
    assert_bad_input(&o, &["indicator 'b' has no variance (every unit has 5)"], Some(&out));
    let o = quota_in(dir.path(), &["weights", "-m", "entropy", "one.csv", "-o", out_arg]);
    assert_bad_input(&o, &["need at least two units to derive weights, found 1"], Some(&out));
    let o = quota_in(dir.path(), &["weights", "-m", "entropy", "bad.csv", "-o", out_arg]);
    assert_bad_input(&o, &["bad.csv, line 3, column 'a': '-2' is not a non-negative number"], Some(&out));
    let o = quota_in(dir.path(), &["weights", "-m", "entropy", "missing.csv", "-o", out_arg]);
    assert_bad_input(&o, &["missing.csv", "cannot read"], Some(&out));
}

#[test]
fn compare_allocates_the_scenario_under_each_scheme() {
    let doc = json_weights(&["compare", "--format", "json"]);
    let schemes: Vec<&str> =
        doc["schemes"].as_array().unwrap().iter().map(|s| s["scheme"].as_str().unwrap()).collect();
    assert_eq!(schemes, ["equal", "manual", "entropy", "critic", "cv", "pca"]);
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 37);
    for s in &schemes {
        let total: u64 = units.iter().map(|u| u["slots"][s].as_u64().unwrap()).sum();
        assert_eq!(total, 1039, "{s}");
    }
    // The manual column is the scenario as written: the same slots as `quota allocate`.
    let alloc: serde_json::Value = serde_json::from_str(&ok(&["allocate", "--format", "json"]).0).unwrap();
    for (u, a) in units.iter().zip(alloc["units"].as_array().unwrap()) {
        assert_eq!(u["code"], a["code"]);
        assert_eq!(u["slots"]["manual"], a["slots"], "{}", u["code"]);
    }
}

#[test]
fn compare_with_ahp_in_every_format() {
    for format in ["table", "csv", "json", "md"] {
        let (out, _) = ok(&[
            "compare",
            "--schemes",
            "manual,entropy,ahp",
            "--ahp",
            "data/ahp/scenario-indicators.csv",
            "--format",
            format,
        ]);
        assert!(out.contains("ahp"), "{format}: {out}");
    }
    let (out, _) = ok(&["compare", "--schemes", "entropy,critic", "--format", "csv"]);
    assert_eq!(
        out.lines().find(|l| !l.starts_with('#')).unwrap(),
        "code,name,name_en,region,baseline,slots_entropy,change_entropy,slots_critic,change_critic,range,not_official"
    );
    let o = quota(&["compare", "--schemes", "entropy,topsis"]);
    assert_bad_input(&o, &["unknown weighting scheme 'topsis'"], None);
    let o = quota(&["compare", "--schemes", "ahp"]);
    assert_bad_input(&o, &["weighting scheme ahp", "needs a pairwise-comparison matrix"], None);
}
