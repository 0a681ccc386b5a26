//! Property-based fuzzing kept in the test suite (issue 18): the loaders (CSV tables, scenario
//! TOML, apportion tables, AHP matrices, firm registries) over mutated copies of the bundled
//! inputs, and the command-line surface over random argument lists. Seeded (the same cases
//! every run) and bounded (about 6 s in all on 2 cores): `QUOTA_FUZZ_SCALE=N` multiplies the
//! case counts and `QUOTA_FUZZ_SEED=K` picks other cases, for a longer local campaign. The property everywhere: no panic, no abort, no hang; a bad input is an
//! error (exit 2 from the command), and what is accepted satisfies the engine's invariants
//! (slots sum to the total within floors and caps, money is slots × the per-firm amount,
//! weights are a distribution).
//!
//! The same loaders have cargo-fuzz targets in `fuzz/` (nightly only; not built by CI).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use quota::allocate::allocate;
use quota::apportion::{apportion, table::WeightTable, Method, Problem};
use quota::check::check_apportionment;
use quota::eligibility::Registry;
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::parse_units;
use quota::weighting::{derive, parse_ahp_csv, parse_ahp_toml, DeriveOptions, IndicatorMatrix, Scheme};

const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");
const SCENARIO: &str = include_str!("../data/scenarios/2024-batch1.toml");
const GUARANTEES: &str = include_str!("../data/scenarios/2024-batch1-guarantees.toml");
const AHP_CSV: &str = include_str!("../data/ahp/scenario-indicators.csv");
const AHP_TOML: &str = include_str!("../data/ahp/scenario-indicators.toml");
const APPORTION: &str =
    "# parties\nname,weight,min,max\nA,100000,0,\nB,80000,1,5\nC,30000,,\nD,20000.5,0,3\nE,0,0,0\n";

/// Pieces of hostile text the mutations insert: separators, quotes, signs, exponents, numbers
/// at and beyond every limit, locale forms, BOM, CR, NUL, CJK, TOML syntax.
const TOKENS: &[&str] = &[
    "",
    ",",
    "\"",
    "\n",
    "\r\n",
    "#",
    "-",
    "+",
    "0",
    "1",
    "9",
    ".",
    "e",
    "E",
    "e308",
    "1e308",
    "-1e308",
    "1e-320",
    "1e-200",
    "1e155",
    "1e15",
    "1000000000000001",
    "0.000000001",
    "0.0000000001",
    "NaN",
    "inf",
    "-1",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "340282366920938463463374607431768211456",
    "95,0",
    "1,250",
    "1_000",
    "0x10",
    "\u{FEFF}",
    "\u{0}",
    "\t",
    " ",
    "东部",
    "西部",
    "XX",
    "北京市",
    "=",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"\"\"",
    "total",
    "weight",
    "floor",
    "caps",
    "per_firm_wan = 10000000000000000",
    "total = 1000000000",
    "method = \"quota\"",
    "method = \"optimize\"",
    "[[indicator]]",
    "[bounds]\nfloor = 1000000",
    "merge_cities = true",
    "normalise = \"z-score\"",
    "normalise = \"min-max\"",
    "normalise = \"log-share\"",
    "weight = 1e308",
    "development_weight = 0.999999",
    "region_multipliers = { 西部 = 1e308 }",
    "11",
    "XPCC",
    "2102",
    "separately_planned_city",
    "yes",
    "no",
    "2024-07-31",
    "9999-99-99",
    "1/9",
    "9",
    "0.5",
    "1/0",
];

/// One edit of a text: at a position (as a fraction of its length), delete some characters and
/// insert a token.
#[derive(Debug, Clone)]
struct Mutation {
    at: f64,
    delete: usize,
    token: usize,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0.0..1.0f64, prop_oneof![3 => Just(0usize), 2 => 1..4usize, 1 => 4..40usize], 0..TOKENS.len())
        .prop_map(|(at, delete, token)| Mutation { at, delete, token })
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 1..6)
}

fn apply(text: &str, ms: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in ms {
        let mut at = ((s.len() as f64) * m.at) as usize;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = at;
        for _ in 0..m.delete {
            match s[end..].chars().next() {
                Some(c) => end += c.len_utf8(),
                None => break,
            }
        }
        s.replace_range(at..end, TOKENS[m.token]);
    }
    s
}

/// Case counts: the base count × QUOTA_FUZZ_SCALE (default 1).
fn cases(base: u32) -> u32 {
    let scale = std::env::var("QUOTA_FUZZ_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1);
    base.saturating_mul(scale.max(1))
}

/// The seed: fixed per test, shifted by QUOTA_FUZZ_SEED (default 0) for another campaign.
fn runner(base: u32, seed: u64) -> TestRunner {
    let shift = std::env::var("QUOTA_FUZZ_SEED").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    TestRunner::new(Config {
        cases: cases(base),
        rng_seed: RngSeed::Fixed(seed.wrapping_add(shift.wrapping_mul(1_000_003))),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })
}

fn at(name: &str) -> Location {
    Location::file(name)
}

/// The whole scenario pipeline; checks the invariants of what it accepts.
fn pipeline(units: &str, indicators: &str, scenario: &str) -> Result<(), TestCaseError> {
    let Ok(units) = parse_units(units, at("units.csv")) else { return Ok(()) };
    let Ok(table) = IndicatorTable::parse(indicators, at("indicators.csv"), &units) else { return Ok(()) };
    let Ok(file) = ScenarioFile::parse(scenario, at("s.toml")) else { return Ok(()) };
    let _ = quota::stamp::canonical_scenario(&file);
    let Ok(s) = Scenario::build(&file, &units, &table, at("s.toml")) else { return Ok(()) };
    // Weighting on the scenario's indicators: an answer or an error, never a panic or a NaN.
    let rows: Vec<Vec<f64>> =
        (0..s.units().len()).map(|u| s.indicators().iter().map(|i| i.values[u]).collect()).collect();
    let codes = s.units().as_slice().iter().map(|u| u.code.clone()).collect();
    let names = s.indicators().iter().map(|i| i.column.clone()).collect();
    if let Ok(m) = IndicatorMatrix::new(names, codes, rows) {
        for scheme in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
            if let Ok(w) = derive(scheme, &m, &DeriveOptions::default()) {
                prop_assert!(
                    w.weights.iter().all(|x| x.is_finite() && *x >= 0.0),
                    "{scheme}: {:?}",
                    w.weights
                );
                prop_assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
        }
    }
    if s.method() == quota::scenario::MethodChoice::Optimize {
        // The LP path can take long on a mutated model; the loaders are what is fuzzed here.
        return Ok(());
    }
    if let Ok(a) = allocate(&s) {
        let slots: u64 = a.units.iter().map(|u| u.slots).sum();
        prop_assert_eq!(slots, s.total());
        for (i, u) in a.units.iter().enumerate() {
            prop_assert!(s.floors()[i] <= u.slots && u.slots <= s.caps()[i].max(s.floors()[i]));
            prop_assert_eq!(u.funding.total_wan, u.slots * s.funding().per_firm_wan);
        }
        prop_assert_eq!(a.funding.total_wan, s.total() * s.funding().per_firm_wan);
    }
    Ok(())
}

#[test]
fn fuzz_scenario_toml() {
    let mut r = runner(1000, 18_001);
    let strategy = (prop_oneof![Just(SCENARIO), Just(GUARANTEES)], mutations());
    r.run(&strategy, |(base, ms)| pipeline(UNITS, INDICATORS, &apply(base, &ms))).unwrap();
}

#[test]
fn fuzz_indicator_csv() {
    let mut r = runner(1000, 18_002);
    r.run(&mutations(), |ms| pipeline(UNITS, &apply(INDICATORS, &ms), SCENARIO)).unwrap();
}

#[test]
fn fuzz_unit_csv() {
    let mut r = runner(500, 18_003);
    r.run(&mutations(), |ms| pipeline(&apply(UNITS, &ms), INDICATORS, SCENARIO)).unwrap();
}

#[test]
fn fuzz_apportion_csv() {
    let mut r = runner(1500, 18_004);
    let methods = proptest::sample::select(Method::ALL.to_vec());
    r.run(&(mutations(), 0..3000u64, methods), |(ms, seats, method)| {
        let text = apply(APPORTION, &ms);
        let Ok(t) = WeightTable::parse(&text, at("w.csv")) else { return Ok(()) };
        let upper = t.upper.clone().unwrap_or_else(|| vec![seats; t.names.len()]);
        let Ok(p) =
            Problem::with_bounds(t.weights.clone(), t.lower.clone(), upper, seats, &|i| i.to_string())
        else {
            return Ok(());
        };
        let a = apportion(&p, method);
        prop_assert!(check_apportionment(&p, &a).is_ok(), "{method}: {text}");
        let _ = quota::stamp::Stamp::compute_for_table(&text, method.name(), seats);
        Ok(())
    })
    .unwrap();
}

#[test]
fn fuzz_ahp_matrices() {
    let mut r = runner(800, 18_005);
    r.run(&(mutations(), any::<bool>()), |(ms, toml)| {
        let parsed = if toml {
            parse_ahp_toml(&apply(AHP_TOML, &ms), at("a.toml"))
        } else {
            parse_ahp_csv(&apply(AHP_CSV, &ms), at("a.csv"))
        };
        if let Ok(m) = parsed {
            for method in
                [quota::weighting::AhpMethod::Eigenvector, quota::weighting::AhpMethod::GeometricMean]
            {
                if let Ok(w) = quota::weighting::ahp(&m, method, true) {
                    prop_assert!(w.weights.iter().all(|x| x.is_finite() && *x >= 0.0));
                }
            }
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn fuzz_registry_csv() {
    let registry: String = std::fs::read_to_string(common::data_dir().join("registry/firms.csv"))
        .unwrap()
        .lines()
        .take(120)
        .collect::<Vec<_>>()
        .join("\n");
    let units = parse_units(UNITS, at("units.csv")).unwrap();
    let mut r = runner(500, 18_006);
    r.run(&mutations(), |ms| {
        let text = apply(&registry, &ms);
        if let Ok(reg) = Registry::parse(&text, at("firms.csv"), &units) {
            prop_assert!(!reg.is_empty());
        }
        Ok(())
    })
    .unwrap();
}

// --- the command-line surface ---------------------------------------------------------------

/// A flag and the values it is tried with (None: a switch; an empty flag: a positional).
type Flag = (&'static str, Option<Vec<&'static str>>);

/// Flags per subcommand.
fn surface() -> Vec<(&'static str, Vec<Flag>)> {
    let num =
        vec!["0", "1", "-1", "1039", "1000000", "1000001", "1e308", "nan", "18446744073709551616", "", "abc"];
    let method = vec!["hamilton", "webster", "dhondt", "quota", "optimize", "huntington-hill", "bogus", ""];
    let sweep_method = vec!["hamilton", "webster", "adams", "optimize", "bogus"];
    let format = vec!["table", "csv", "json", "md", "xlsx", "bogus"];
    let out = vec![
        "out.txt",
        "data/indicators.csv",
        "data/scenarios/2024-batch1.toml",
        ".",
        "data",
        "/dev/null",
        "new/dir/out.txt",
    ];
    let scenario = vec![
        "data/scenarios/2024-batch1.toml",
        "data/scenarios/2024-batch1-guarantees.toml",
        "data/indicators.csv",
        "missing.toml",
        "/dev/null",
    ];
    let common = |extra: Vec<Flag>| {
        let mut v = vec![
            ("", Some(scenario.clone())),
            ("--method", Some(method.clone())),
            ("--total", Some(num.clone())),
            ("--merge-cities", None),
            ("--format", Some(format.clone())),
            ("-o", Some(out.clone())),
        ];
        v.extend(extra);
        v
    };
    vec![
        (
            "allocate",
            common(vec![
                ("--verify", None),
                ("--caps-from", Some(vec!["data/registry/firms.csv", "data/units.csv"])),
                ("--as-of", Some(vec!["2024-07-31", "2024-02-30", "x"])),
            ]),
        ),
        (
            "explain",
            common(vec![
                ("--unit", Some(vec!["11", "广东省", "XX", ""])),
                ("--next", Some(num.clone())),
                ("--paradoxes", None),
            ]),
        ),
        (
            "compare",
            common(vec![
                ("--schemes", Some(vec!["equal,entropy", "cv,pca", "bogus", "ahp", ""])),
                ("--methods", Some(vec!["hamilton,jefferson", "quota", "x"])),
                ("--show", Some(vec!["metrics", "units", "weights", "x"])),
            ]),
        ),
        (
            "weights",
            vec![
                (
                    "",
                    Some(vec![
                        "data/indicators.csv",
                        "data/scenarios/2024-batch1.toml",
                        "data/units.csv",
                        "/dev/null",
                    ]),
                ),
                ("--method", Some(vec!["entropy", "critic", "cv", "pca", "ahp", "manual", "equal", "bogus"])),
                ("--indicators", Some(vec!["xiaojuren,cultivation", "code", "x", ""])),
                ("--pca-components", Some(vec!["kaiser", "2", "0", "variance:0.85", "variance:2"])),
                (
                    "--ahp",
                    Some(vec![
                        "data/ahp/scenario-indicators.csv",
                        "data/ahp/saaty1990-house.csv",
                        "data/units.csv",
                    ]),
                ),
                ("--format", Some(format.clone())),
                ("-o", Some(out.clone())),
            ],
        ),
        (
            "sweep",
            vec![
                ("", Some(scenario.clone())),
                ("--design", Some(vec!["grid", "oat", "monte-carlo", "sobol", "bogus"])),
                ("--method", Some(sweep_method)),
                ("--step", Some(vec!["0.25", "0.1", "0.3", "0", "-1", "1e-300", "nan"])),
                ("--weight", Some(vec!["xiaojuren", "西部", "development_weight", "x"])),
                ("--range", Some(vec!["0:0.6", "0.5:2", "0.5:1e8", "1:0", "a:b", "0:1e-300"])),
                ("--scenarios", Some(vec!["0", "1", "500"])),
                ("--dirichlet", Some(vec!["50", "0", "1e-300", "1e300", "nan"])),
                ("--uniform", None),
                ("--noise", Some(vec!["5", "150", "-1", "nan"])),
                ("--samples", Some(vec!["0", "1", "64", "100000000"])),
                ("--bootstrap", Some(vec!["0", "1", "10"])),
                ("--vary", Some(vec!["development_weight=0:0.3", "西部=0.5:1e9", "x=1:2", "bad"])),
                ("--threads", Some(vec!["0", "1", "2", "257", "100000"])),
                ("--paradoxes", None),
                ("--limit", Some(vec!["0", "10", "1000"])),
                ("--format", Some(format.clone())),
                ("-o", Some(vec!["outdir", "data", "data/indicators.csv", "/dev/null"])),
                ("--force", None),
            ],
        ),
        (
            "apportion",
            vec![
                ("", Some(vec!["w.csv", "data/indicators.csv", "/dev/null", "missing.csv"])),
                ("--method", Some(method.clone())),
                ("--seats", Some(num.clone())),
                ("--format", Some(format.clone())),
                ("-o", Some(vec!["out.csv", "w.csv", "/dev/null"])),
            ],
        ),
        (
            "validate",
            vec![(
                "",
                Some(vec![
                    "data/scenarios/2024-batch1.toml",
                    "data/units.csv",
                    "data/indicators.csv",
                    "w.csv",
                    "data/registry/firms.csv",
                    "/dev/null",
                    ".",
                ]),
            )],
        ),
        (
            "table",
            common(vec![
                ("--lang", Some(vec!["zh", "en", "fr"])),
                ("--programme", Some(vec!["data/programme/148-2024-2026.toml", "x.toml"])),
                ("--batch", Some(vec!["2025", "2", "0", "99999"])),
                ("--bom", None),
                ("--stamp", None),
            ]),
        ),
        (
            "plan",
            vec![
                (
                    "",
                    Some(vec![
                        "data/programme/148-2024-2026.toml",
                        "data/scenarios/2024-batch1.toml",
                        "/dev/null",
                    ]),
                ),
                ("--per-unit", None),
                ("--format", Some(format.clone())),
                ("-o", Some(out.clone())),
            ],
        ),
        (
            "eligible",
            vec![
                ("", Some(vec!["data/registry/firms.csv", "data/indicators.csv", "/dev/null"])),
                ("--as-of", Some(vec!["2024-07-31", "2030-01-01", "1900-01-01", "2024-13-01"])),
                ("--merge-cities", None),
                ("--excluded", None),
                ("--format", Some(format)),
                ("-o", Some(out)),
            ],
        ),
    ]
}

/// A copy of the repository's data in a fresh directory (the command's working directory), with
/// a small apportion table.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        for e in walk(from) {
            let rel = e.strip_prefix(from).unwrap();
            let target = to.join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&e, &target).unwrap();
        }
    };
    copy(&common::data_dir(), &dir.path().join("data"));
    std::fs::write(dir.path().join("w.csv"), APPORTION).unwrap();
    dir
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs the binary with a deadline; returns (exit code or None if killed by a signal, stderr,
/// whether it was stopped at the deadline).
fn run_bounded(dir: &Path, args: &[String], deadline: Duration) -> (Option<i32>, String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quota"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            return (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned(), false);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            return (None, String::from_utf8_lossy(&out.stderr).into_owned(), true);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn fuzz_command_line() {
    let surface = surface();
    let dir = workdir();
    let protected = ["data/indicators.csv", "data/scenarios/2024-batch1.toml", "w.csv"]
        .map(|p| (p, std::fs::read(dir.path().join(p)).unwrap()));
    let command = (
        0..surface.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..5),
    );
    let mut r = runner(300, 18_007);
    r.run(&command, |(c, picks)| {
        let (name, flags) = &surface[c];
        let mut args = vec![name.to_string()];
        for (f, v) in &picks {
            let (flag, values) = &flags[f.index(flags.len())];
            if !flag.is_empty() {
                args.push(flag.to_string());
            }
            if let Some(values) = values {
                args.push(values[v.index(values.len())].to_string());
            }
        }
        let (code, err, timed_out) = run_bounded(dir.path(), &args, Duration::from_secs(60));
        prop_assert!(!timed_out, "quota {:?} still running after 60 s", args);
        prop_assert!(matches!(code, Some(0..=3)), "quota {:?} exited {:?}: {}", args, code, err);
        prop_assert!(!err.contains("panicked"), "quota {:?} panicked: {}", args, err);
        // The run's inputs: path arguments other than -o's, and the data a bundled scenario
        // file names. An input must come out unchanged; any other file may be an output.
        let read: Vec<&str> = args
            .iter()
            .enumerate()
            .filter(|(k, _)| *k == 0 || args[k - 1] != "-o")
            .map(|(_, a)| a.as_str())
            .collect();
        let scenario_read = read.iter().any(|a| a.starts_with("data/scenarios/"));
        for (p, bytes) in &protected {
            let is_input = read.contains(p) || (scenario_read && p.starts_with("data/"));
            let now = std::fs::read(dir.path().join(p)).unwrap_or_default();
            if now != *bytes {
                std::fs::write(dir.path().join(p), bytes).unwrap();
                prop_assert!(!is_input, "quota {:?} changed its input {}", args, p);
            }
        }
        let stray: Vec<String> = walk(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .filter(|n| n.starts_with('.') && (n.ends_with(".tmp") || n.ends_with(".lock")))
            .collect();
        prop_assert!(stray.is_empty(), "quota {:?} left {:?}", args, stray);
        Ok(())
    })
    .unwrap();
}
