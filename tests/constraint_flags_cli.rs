//! `--guarantee`, `--change-from`, `--max-change`, `--max-change-percent` on every command that
//! allocates (`allocate`, `table`, `explain`, `compare` A B and `--leave-one-out`, `sweep`): the
//! same model as `[[optimize.group]]` and `[optimize.change]` in a scenario, and errors that
//! name the flag.

mod common;

use std::fs;
use std::path::Path;

use common::{quota, stderr, stdout};

const HEAVY: &str = "data/scenarios/2024-batch1-xiaojuren-heavy.toml";

fn ok(args: &[&str]) -> String {
    let out = quota(args);
    assert!(out.status.success(), "quota {args:?}: {}", stderr(&out));
    stdout(&out)
}

fn without_stamp(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("stamp:") && !l.starts_with("# stamp:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `code → slots` from `quota allocate … --format csv`.
fn slots(csv: &str) -> Vec<(String, u64)> {
    let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "slots").unwrap();
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .map(|f| (f[0].to_string(), f[at].parse().unwrap()))
        .collect()
}

/// The bundled scenario with the guarantee written in TOML, in `dir`.
fn guarantee_toml(dir: &Path) -> String {
    let text = fs::read_to_string(common::data_dir().join("scenarios/2024-batch1.toml"))
        .unwrap()
        .replace("method = \"hamilton\"", "method = \"optimize\"")
        .replace("\"../units.csv\"", &format!("{:?}", common::data_dir().join("units.csv")))
        .replace("\"../indicators.csv\"", &format!("{:?}", common::data_dir().join("indicators.csv")));
    let path = dir.join("g.toml");
    fs::write(&path, format!("{text}\n[[optimize.group]]\nregion = \"西部\"\nmin_share = 0.29\n")).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_guarantee_flag_is_the_scenario_group_on_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = guarantee_toml(tmp.path());
    let g = ["--guarantee", "西部:min_share=0.29"];
    let by_flag = ok(&[&["allocate", "--format", "csv"][..], &g].concat());
    assert_eq!(slots(&by_flag), slots(&ok(&["allocate", &toml, "--format", "csv"])));
    assert_ne!(slots(&by_flag), slots(&ok(&["allocate", "--format", "csv"])), "the guarantee binds");
    let west: u64 = ["15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "XPCC"]
        .iter()
        .map(|c| slots(&by_flag).iter().find(|(k, _)| k == c).unwrap().1)
        .sum();
    assert!(west >= 302, "西部 gets {west}");

    for cmd in [
        vec!["table", "--format", "md"],
        vec!["explain", "--unit", "62", "--no-margins"],
        vec!["sweep", "--design", "grid", "--step", "0.25"],
        vec!["compare", "--leave-one-out"],
    ] {
        let flag = ok(&[&cmd[..], &g].concat());
        let mut file = cmd.clone();
        file.insert(1, &toml);
        assert_eq!(without_stamp(&flag), without_stamp(&ok(&file)), "{cmd:?}");
    }
    // Two scenarios: the guarantee applies to both sides.
    let ab = ok(&[
        "compare",
        "data/scenarios/2024-batch1.toml",
        HEAVY,
        "--format",
        "json",
        "--guarantee",
        "西部:min_share=0.29",
    ]);
    assert!(ab.contains("\"method\": \"optimize\""), "{ab}");
}

#[test]
fn a_zero_change_limit_keeps_the_previous_allocation_on_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let previous = tmp.path().join("previous.csv");
    fs::write(&previous, ok(&["allocate", "--format", "csv"])).unwrap();
    let prev = previous.to_str().unwrap();
    let limit = ["--change-from", prev, "--max-change", "0"];
    // Another weighting, held to the previous allocation.
    let held = ok(&[&["allocate", HEAVY, "--format", "csv"][..], &limit].concat());
    assert_eq!(slots(&held), slots(&fs::read_to_string(&previous).unwrap()));
    assert_ne!(slots(&ok(&["allocate", HEAVY, "--format", "csv"])), slots(&held));
    // A percentage: within 10% of the previous slots, rounded inwards.
    let pct =
        ok(&["allocate", HEAVY, "--format", "csv", "--change-from", prev, "--max-change-percent", "10"]);
    for ((code, x), (_, p)) in slots(&pct).iter().zip(slots(&fs::read_to_string(&previous).unwrap())) {
        assert!(x.abs_diff(p) as f64 <= 0.1 * p as f64 + 1e-9, "{code}: {x} vs previous {p}");
    }
    let table = ok(&[&["table", HEAVY, "--format", "csv"][..], &limit].concat());
    assert!(table.lines().any(|l| l.starts_with("1,北京市,东部,33,")), "{table}");
    let explain = ok(&[&["explain", HEAVY, "--unit", "11", "--no-margins"][..], &limit].concat());
    assert!(explain.contains("11 北京市 (Beijing, 东部): 33 slots"), "{explain}");
    let sweep =
        ok(&[&["sweep", HEAVY, "--design", "grid", "--step", "0.25", "--format", "csv"][..], &limit]
            .concat());
    let header: Vec<&str> = sweep.lines().find(|l| l.starts_with("code,")).unwrap().split(',').collect();
    let p_differ = header.iter().position(|h| *h == "p_differ").unwrap();
    for line in sweep.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit() || c == 'X')) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[p_differ].parse::<f64>().unwrap(), 0.0, "{line}");
    }
}

#[test]
fn errors_name_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let previous = tmp.path().join("previous.csv");
    fs::write(&previous, "code,name\n11,北京市\n").unwrap();
    let prev = previous.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["table", "--change-from", prev], "--change-from needs a limit: --max-change"),
        (vec!["explain", "--max-change", "3"], "--change-from"),
        (vec!["allocate", "--change-from", prev, "--max-change", "3"], "--change-from"),
        (vec!["allocate", "--change-from", prev, "--max-change", "3"], "no column 'slots'"),
        (
            vec!["sweep", "--design", "grid", "--guarantee", "西部:min_share=0.3", "-m", "webster"],
            "--guarantee is solved by the optimisation model: not with --method webster",
        ),
        (vec!["allocate", "--change-from", prev, "--max-change-percent=lots"], "--max-change-percent"),
        (
            vec!["compare", "--guarantee", "西部:min_share=0.3"],
            "--guarantee and --change-from are solved by the optimisation model",
        ),
        (vec!["table", "--guarantee", "北方:min_share=0.3"], "--guarantee"),
    ];
    for (args, needle) in cases {
        let out = quota(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}
