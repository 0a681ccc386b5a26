//! `quota calibrate` through the real binary: the bundled observations, a round trip from
//! `quota allocate`'s own output, every format, and bad input (exit 2, located messages).

mod common;

use common::{assert_bad_input, quota, quota_in, stdout};

fn json(args: &[&str]) -> serde_json::Value {
    let o = quota(args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn tianjin_19_is_witnessed_where_the_default_weights_give_21_and_every_slot_range_is_proved() {
    let o = quota(&["calibrate", "--observed", "data/observed/2024-batch1-tianjin.csv"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = stdout(&o);
    for needle in [
        "1 of 37 units observed; N = 1039 (observed @total)",
        "method hamilton — witnessed, and bounded by proof (a search over boxes of weightings)",
        "exact where the two meet: 37 of 37 units",
        "the scenario's own weighting: 0/1 observed units match, 2 slot(s) off in total; 天津市 21 (observed 19)",
        "re-allocated by quota allocate: 1/1 observed units get exactly their observed slots",
        "weight ranges (min and max at witnesses; proved: no weighting that reproduces the observed units lies outside, to within about 10⁻⁶):",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    let row = text.lines().find(|l| l.trim_start().starts_with("12    天津市")).expect("天津's slot range");
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["12", "天津市", "19", "19", "19", "19–19", "yes"]
    );
    let row = text.lines().find(|l| l.trim_start().starts_with("11    北京市")).expect("北京's slot range");
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["11", "北京市", "21", "35", "21–35", "yes"]);
}

#[test]
fn a_round_trip_from_quota_allocate_is_consistent_and_re_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&["allocate", "--method", "webster", "--format", "json"]);
    let mut csv = String::from("# @name: webster-default\ncode,slots,status,source\n");
    for u in v["units"].as_array().unwrap() {
        csv.push_str(&format!(
            "{},{},assumed,quota allocate --method webster\n",
            u["code"].as_str().unwrap(),
            u["slots"]
        ));
    }
    std::fs::write(dir.path().join("obs.csv"), csv).unwrap();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/2024-batch1.toml");
    let o = quota_in(
        dir.path(),
        &[
            "calibrate",
            bundled.to_str().unwrap(),
            "--observed",
            "obs.csv",
            "--method",
            "webster",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "quota.calibrate/1");
    let m = &v["methods"][0];
    assert_eq!((m["verdict"].as_str(), m["basis"].as_str()), (Some("consistent"), Some("linear_program")));
    assert_eq!(m["check"]["matching"], 37);
    for (r, truth) in m["ranges"].as_array().unwrap().iter().zip([0.35, 0.40, 0.25]) {
        let (lo, hi) = (r["min"].as_f64().unwrap(), r["max"].as_f64().unwrap());
        assert!(lo <= truth && truth <= hi, "{r}");
        assert_eq!((r["exact"].as_bool(), r["ends_checked"].as_bool()), (Some(true), Some(true)));
    }
}

#[test]
fn the_continuing_list_is_outside_the_default_bounds_and_inconsistent_without_them() {
    let v = json(&[
        "calibrate",
        "--observed",
        "data/observed/2021-programme-continuing-2024.csv",
        "--format",
        "json",
    ]);
    assert_eq!((v["total"].as_u64(), v["kind"].as_str()), (Some(1188), Some("benchmark")));
    let m = &v["methods"][0];
    assert_eq!((m["verdict"].as_str(), m["basis"].as_str()), (Some("inconsistent"), Some("bounds")));
    let codes: Vec<&str> =
        m["outside_bounds"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["15", "54", "63"], "内蒙古, 西藏, 青海: 0 below the floor of 1");
    let v = json(&[
        "calibrate",
        "--observed",
        "data/observed/2021-programme-continuing-2024.csv",
        "--bounds",
        "none",
        "--method",
        "webster,hamilton",
        "--grid",
        "500",
        "--format",
        "json",
    ]);
    for m in v["methods"].as_array().unwrap() {
        assert_eq!(m["verdict"], "inconsistent", "{}", m["method"]);
        assert!(m["margin"].as_f64().unwrap() < -1.0);
        assert!(m["nearest"]["l1"].as_u64().unwrap() > 100);
    }
}

#[test]
fn every_format_and_the_same_bytes_twice() {
    let base = ["calibrate", "--observed", "data/observed/2024-batch1-tianjin.csv", "--grid", "2000"];
    for (format, start) in
        [("table", "calibrate: scenario"), ("md", "### calibrate: scenario"), ("csv", "method,verdict,basis")]
    {
        let mut args = base.to_vec();
        args.extend(["--format", format]);
        let (a, b) = (quota(&args), quota(&args));
        assert!(a.status.success());
        assert!(stdout(&a).starts_with(start), "{format}: {}", stdout(&a));
        assert_eq!(a.stdout, b.stdout, "{format}: deterministic");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json");
    let mut args = base.to_vec();
    args.extend(["--format", "json", "-o", out.to_str().unwrap()]);
    assert!(quota(&args).status.success());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["methods"][0]["verdict"], "witnessed");
}

#[test]
fn bad_input_is_located_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("odd.csv", "code,first_tranche_wan,status,source\n12,5750,official,x\n");
    write("unknown.csv", "code,slots,status,source\n12,19,official,x\n99,3,official,y\n");
    write("ok.csv", "# @total: 1039\ncode,slots,status,source\n12,19,official,x\n");
    let out = dir.path().join("out.txt");
    let o_flag = out.to_str().unwrap();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/2024-batch1.toml");
    let s = bundled.to_str().unwrap();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["calibrate", s, "--observed", "missing.csv"], vec!["missing.csv", "cannot read"]),
        (
            vec!["calibrate", s, "--observed", "odd.csv"],
            vec!["odd.csv, line 2, column 'first_tranche_wan'", "whole number of firms for unit 12"],
        ),
        (
            vec!["calibrate", s, "--observed", "unknown.csv"],
            vec!["unknown.csv, line 3, column 'code'", "'99'"],
        ),
        (
            vec!["calibrate", s, "--observed", "ok.csv", "--free", "xiaojuren,cultivaton"],
            vec!["--free: 'cultivaton'", "did you mean 'cultivation'?"],
        ),
        (
            vec!["calibrate", s, "--observed", "ok.csv", "--vary", "delta=0:1"],
            vec!["only development_weight can vary"],
        ),
        (
            vec!["calibrate", s, "--observed", "ok.csv", "--vary", "development_weight=0:1"],
            vec!["0 ≤ A ≤ B < 1"],
        ),
        (
            vec!["calibrate", s, "--observed", "ok.csv", "--method", "hare,dhont"],
            vec!["unknown method 'dhont'"],
        ),
    ];
    for (args, needles) in cases {
        let mut args = args.clone();
        args.extend(["-o", o_flag]);
        let o = quota_in(dir.path(), &args);
        assert_bad_input(&o, &needles, Some(&out));
    }
}

#[test]
fn the_feasible_region_chart_is_drawn_and_zoomed_onto_exact_ranges() {
    let dir = tempfile::tempdir().unwrap();
    // 天津 = 19 alone: the whole simplex, its witnesses in dark green.
    let chart = dir.path().join("tianjin.svg");
    let o = quota(&[
        "calibrate",
        "--observed",
        "data/observed/2024-batch1-tianjin.csv",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("weightings that reproduce 2024-batch1-tianjin (hamilton)"));
    assert!(svg.contains("of 1891 grid weightings (step 0.0167) reproduce the observed unit"));
    assert!(!svg.contains("zoomed"), "a partial observation's ranges are not exact: no zoom");
    assert!(svg.contains("fill=\"#1b7837\""), "matching cells");
    // The default allocation observed in full: exact ranges, a zoomed map.
    let v = json(&["allocate", "--format", "json"]);
    let mut csv = String::from("code,slots,status,source\n");
    for u in v["units"].as_array().unwrap() {
        csv.push_str(&format!("{},{},assumed,quota allocate\n", u["code"].as_str().unwrap(), u["slots"]));
    }
    std::fs::write(dir.path().join("full.csv"), csv).unwrap();
    let o = quota_in(
        dir.path(),
        &["calibrate", "--observed", "full.csv", "--chart", "full.svg", "--chart-steps", "30"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let svg = std::fs::read_to_string(dir.path().join("full.svg")).unwrap();
    assert!(svg.contains("zoomed onto the exact ranges: sme_above_scale ≥ "), "{svg}");
    assert!(svg.contains("of 496 grid weightings"));
    assert!(svg.contains("consistent (linear program, exact); ranges sme_above_scale 0.3498–0.3529"));
    assert!(svg.contains(">central<") && svg.contains(">scenario<"));
    // The same bytes twice.
    let again = quota_in(
        dir.path(),
        &["calibrate", "--observed", "full.csv", "--chart", "again.svg", "--chart-steps", "30"],
    );
    assert!(again.status.success());
    assert_eq!(std::fs::read(dir.path().join("again.svg")).unwrap(), svg.as_bytes());
}

#[test]
fn a_chart_it_cannot_draw_is_refused_with_the_flag_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let obs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/observed/2024-batch1-tianjin.csv");
    let obs = obs.to_str().unwrap();
    let chart = dir.path().join("c.svg");
    let c = chart.to_str().unwrap();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["--chart", "c.png"], vec!["--chart c.png", "SVG"]),
        (vec!["--chart", c, "--free", "xiaojuren"], vec!["--free:", "needs 2 or 3 free weights, not 1"]),
        (vec!["--chart", c, "--method", "all"], vec!["--method:", "shows one method"]),
        (
            vec!["--chart", c, "--vary", "development_weight=0:0.3"],
            vec!["--vary:", "holds the development weight"],
        ),
        (vec!["--chart", c, "--chart-steps", "0"], vec!["--chart-steps:", "expected 1..=400"]),
        (vec!["--chart-steps", "10"], vec!["--chart"]),
    ];
    for (extra, needles) in cases {
        let mut args = vec!["calibrate", "--observed", obs];
        args.extend(extra);
        let o = quota_in(dir.path(), &args);
        assert_bad_input(&o, &needles, Some(&chart));
    }
}

#[test]
fn resampling_the_benchmark_shows_how_the_nearest_fit_moves() {
    let args = [
        "calibrate",
        "--observed",
        "data/observed/2021-programme-continuing-2024.csv",
        "--bounds",
        "none",
        "--method",
        "webster",
        "--grid",
        "500",
        "--resample",
        "loo",
    ];
    let o = quota(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("method webster — leave-one-out resampling"), "{text}");
    assert!(text.contains("each of the 37 observed units left out once"));
    assert!(text.contains("weight           all units    mean      sd"));
    assert!(text.contains("the fit moves most without "));
    // JSON: 37 fits; CSV: the spread columns; the same bytes twice with a seeded bootstrap.
    let mut j = args.to_vec();
    j.extend(["--format", "json"]);
    let v = json(&j);
    assert_eq!(v["resampling"][0]["fits"].as_array().unwrap().len(), 37);
    let boot = |seed: &str| {
        let mut a = args.to_vec();
        a.truncate(a.len() - 1);
        a.extend(["8", "--seed", seed, "--format", "csv"]);
        let o = quota(&a);
        assert!(o.status.success(), "{}", common::stderr(&o));
        stdout(&o)
    };
    let csv = boot("3");
    assert!(csv.lines().next().unwrap().ends_with(
        "resample,resample_fits,resample_mean,resample_sd,resample_p5,resample_median,resample_p95"
    ));
    assert!(csv.lines().nth(1).unwrap().contains(",bootstrap,8/8,"), "{csv}");
    assert_eq!(csv, boot("3"));
}

#[test]
fn a_bad_resample_request_exits_2_naming_the_flag() {
    let tianjin = "data/observed/2024-batch1-tianjin.csv";
    let list = "data/observed/2021-programme-continuing-2024.csv";
    for (obs, extra, needle) in [
        (tianjin, vec!["--resample", "often"], "--resample 'often': expected 'loo'"),
        (list, vec!["--bounds", "none", "--resample", "0"], "--resample: 0 bootstrap samples"),
        (tianjin, vec!["--resample", "loo"], "--resample: resampling needs at least 2 observed units"),
        (tianjin, vec!["--seed", "3"], "--resample"),
    ] {
        let mut args = vec!["calibrate", "--observed", obs];
        args.extend(extra);
        assert_bad_input(&quota(&args), &[needle], None);
    }
}
