//! Issue 13, "one language across every command": `-o` chooses the format from the
//! extension; the same flags mean the same thing in every command; any sheet in (.xlsx,
//! `;`/tab separators, stdin, Chinese headers, --columns); options a sweep design does not take
//! are refused. Each test here failed on the main branch before the change.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{quota, quota_in, stderr, stdout, Fixture};

fn ok(args: &[&str]) -> String {
    let o = quota(args);
    assert!(o.status.success(), "quota {args:?}: {}", stderr(&o));
    stdout(&o)
}

fn bad(args: &[&str], expected: &str) {
    let o = quota(args);
    assert_eq!(o.status.code(), Some(2), "quota {args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(expected), "quota {args:?}: {}", stderr(&o));
}

/// `quota ARGS` with `input` on standard input.
fn piped(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quota"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_extension_of_o_chooses_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    ok(&["allocate", "-o", &path("a.csv")]);
    assert_eq!(std::fs::read_to_string(path("a.csv")).unwrap(), ok(&["allocate", "--format", "csv"]));
    ok(&["allocate", "-o", &path("a.json")]);
    assert!(std::fs::read_to_string(path("a.json")).unwrap().starts_with('{'));
    ok(&["allocate", "-o", &path("a.md")]);
    assert_eq!(std::fs::read_to_string(path("a.md")).unwrap(), ok(&["allocate", "--format", "md"]));
    ok(&["allocate", "-o", &path("a.txt")]);
    assert_eq!(std::fs::read_to_string(path("a.txt")).unwrap(), ok(&["allocate"]));
    ok(&["table", "-o", &path("t.xlsx")]);
    assert!(std::fs::read(path("t.xlsx")).unwrap().starts_with(b"PK\x03\x04"), "an .xlsx is a workbook");
    ok(&["table", "-o", &path("t.csv")]);
    assert!(std::fs::read_to_string(path("t.csv")).unwrap().starts_with("序号,"));
    ok(&["apportion", "-n", "8", "tests/corpus/inputs/parties.csv", "-o", &path("p.json")]);
    assert!(std::fs::read_to_string(path("p.json")).unwrap().contains("\"quota.apportion/1\""));
    for cmd in [&["weights", "--scheme", "cv"][..], &["eligible", "data/registry/firms.csv"], &["compare"]] {
        let file = path(&format!("{}.csv", cmd[0]));
        let mut args = cmd.to_vec();
        args.extend(["-o", &file]);
        ok(&args);
        let mut csv = cmd.to_vec();
        csv.extend(["--format", "csv"]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), ok(&csv), "{cmd:?}");
    }
    bad(&["allocate", "-o", &path("x.csv"), "--format", "json"], "--format json contradicts -o");
    bad(
        &["allocate", "-o", &path("x.docx")],
        "unknown extension '.docx'; quota allocate writes .csv .json .md .txt",
    );
    bad(&["allocate", "-o", &path("x.xlsx")], "quota allocate does not write .xlsx files");
    bad(&["table", "-o", &path("x.txt")], "quota table writes .csv .md .xlsx");
    // Refusals write nothing; successful writes leave no temporary file.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.') && !n.starts_with('x')), "{names:?}");
}

#[test]
fn every_command_that_allocates_takes_total_and_method() {
    let table = ok(&["table", "-n", "500", "--format", "csv"]);
    let totals = table.lines().find(|l| l.contains("合计")).unwrap();
    assert!(totals.contains(",500,"), "the totals row has 500 slots: {totals}");
    assert_eq!(ok(&["table", "--total", "500", "--format", "csv"]), table);
    let by_total = ok(&["apportion", "--total", "8", "-m", "webster", "tests/corpus/inputs/parties.csv"]);
    assert_eq!(
        ok(&["apportion", "--seats", "8", "-m", "webster", "tests/corpus/inputs/parties.csv"]),
        by_total
    );
    assert_eq!(
        ok(&["apportion", "-s", "8", "--method", "webster", "tests/corpus/inputs/parties.csv"]),
        by_total
    );
    // The method defaults to hamilton in apportion as in every command.
    let default = ok(&["apportion", "-n", "8", "tests/corpus/inputs/parties.csv"]);
    assert!(default.starts_with("method hamilton — 8 seats"), "{default}");
    bad(
        &["table", "--programme", "data/programme/148-2024-2026.toml", "--batch", "2025", "-n", "5"],
        "--total: not with --programme",
    );
}

#[test]
fn the_weighting_scheme_has_its_own_flag_and_the_old_spelling_still_works() {
    let new = quota(&["weights", "--scheme", "entropy"]);
    assert!(new.status.success() && stderr(&new).is_empty(), "{}", stderr(&new));
    let old = quota(&["weights", "--method", "entropy"]);
    assert!(old.status.success());
    assert_eq!(stdout(&old), stdout(&new));
    assert!(stderr(&old)
        .contains("notice: `quota weights --method entropy` is now `quota weights --scheme entropy`"));
    assert!(!ok(&["weights", "--help"]).contains("--method"), "the old spelling is not advertised");
}

#[test]
fn markdown_and_bom_wherever_they_apply() {
    let md =
        ok(&["apportion", "-m", "webster", "-n", "8", "tests/corpus/inputs/parties.csv", "--format", "md"]);
    assert!(md.starts_with("**method webster — 8 seats**\n\n| name | weight | quota | seats |"), "{md}");
    for cmd in [
        &["allocate"][..],
        &["apportion", "-n", "8", "tests/corpus/inputs/parties.csv"],
        &["plan", "data/programme/148-2024-2026.toml"],
        &["weights", "--scheme", "cv"],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--format", "csv", "--bom"]);
        let o = quota(&args);
        assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
        assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"), "{cmd:?} --bom");
    }
    bad(&["allocate", "--bom"], "--bom applies to CSV output");
}

#[test]
fn units_are_named_alike_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (code, name) = (out("code"), out("name"));
    ok(&["sweep", "--design", "grid", "--step", "0.1", "--unit", "44", "-o", &code]);
    ok(&["sweep", "--design", "grid", "--step", "0.1", "--unit", "广东", "-o", &name]);
    let map = |d: &str| std::fs::read(dir.path().join(d).join("grid-map.svg")).unwrap();
    assert_eq!(map("code"), map("name"));
    bad(
        &["sweep", "--design", "grid", "--unit", "Atlantis", "-o", &out("x")],
        "give its code, Chinese, short or English name",
    );
}

#[test]
fn options_a_design_does_not_take_are_refused() {
    bad(
        &["sweep", "--design", "sobol", "--scenarios", "100000"],
        "--scenarios does not apply to --design sobol: it is an option of --design monte-carlo",
    );
    bad(
        &["sweep", "--design", "grid", "--dirichlet", "50", "--seed", "3"],
        "--dirichlet does not apply to --design grid",
    );
    bad(
        &["sweep", "--design", "grid", "--seed", "3"],
        "--seed does not apply to --design grid: it is an option of --design monte-carlo and --design sobol",
    );
    bad(
        &["sweep", "--design", "oat", "--step", "0.1"],
        "--step does not apply to --design oat: it is an option of --design grid",
    );
}

/// The bundled indicators written as an .xlsx workbook (numbers as numbers, the `#` comment
/// lines as rows whose first cell starts with `#`).
fn indicators_xlsx(path: &std::path::Path) {
    let text = std::fs::read_to_string(common::data_dir().join("indicators.csv")).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("指标").unwrap();
    for (row, line) in text.lines().enumerate() {
        let row = row as u32;
        let cells: Vec<String> = if line.starts_with('#') {
            vec![line.to_string()]
        } else {
            line.split(',').map(String::from).collect()
        };
        for (c, cell) in cells.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(v) if !line.starts_with('#') && c > 1 => sheet.write_number(row, c as u16, v).map(|_| ()),
                _ => sheet.write_string(row, c as u16, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_indicators_file_gives_the_same_allocation_as_the_csv() {
    let f = Fixture::new(|t| t.replace("\"indicators.csv\"", "\"indicators.xlsx\""));
    indicators_xlsx(&f.path("indicators.xlsx"));
    let o = quota_in(f.dir.path(), &["allocate", "s.toml", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = Fixture::new(|t| t);
    let expected = quota_in(csv.dir.path(), &["allocate", "s.toml", "--format", "csv"]);
    let body = |s: String| s.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    assert_eq!(body(stdout(&o)), body(stdout(&expected)));
    // A sheet by name, and errors that name the sheet, the row and the column.
    let o = quota_in(
        f.dir.path(),
        &["weights", "--scheme", "cv", "indicators.xlsx#指标", "--unit-column", "code"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = quota_in(f.dir.path(), &["weights", "--scheme", "cv", "indicators.xlsx#Sheet9"]);
    assert!(stderr(&o).contains("no sheet named 'Sheet9' (the workbook has: 指标)"), "{}", stderr(&o));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "name").unwrap();
    sheet.write_string(0, 1, "weight").unwrap();
    sheet.write_string(1, 0, "A").unwrap();
    sheet.write_number(1, 1, 3).unwrap();
    sheet.write_string(2, 0, "B").unwrap();
    sheet.write_string(2, 1, "many").unwrap();
    book.save(f.path("w.xlsx")).unwrap();
    let o = quota_in(f.dir.path(), &["apportion", "-n", "3", "w.xlsx"]);
    assert_eq!(stderr(&o), "error: w.xlsx (sheet 'Sheet1'), line 3, column 'weight': 'many' is not a plain decimal number (e.g. 1234 or 0.25)\n");
}

#[test]
fn stdin_separators_chinese_headers_and_column_mapping() {
    let expected =
        ok(&["apportion", "-m", "webster", "-n", "8", "tests/corpus/inputs/parties.csv", "--format", "csv"]);
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    for input in [
        "name,weight\nA,100000\nB,80000\nC,30000\nD,20000\n",
        "name;weight\nA;100000\nB;80000\nC;30000\nD;20000\n",
        "name\tweight\nA\t100000\nB\t80000\nC\t30000\nD\t20000\n",
        "名称,权重\nA,100000\nB,80000\nC,30000\nD,20000\n",
    ] {
        let o = piped(&["apportion", "-m", "webster", "-n", "8", "-", "--format", "csv"], input.as_bytes());
        assert!(o.status.success(), "{input}: {}", stderr(&o));
        assert_eq!(body(&stdout(&o)), body(&expected), "{input}");
    }
    let o = piped(
        &[
            "apportion",
            "-m",
            "webster",
            "-n",
            "8",
            "-",
            "--format",
            "csv",
            "--columns",
            "name=政党,weight=得票",
        ],
        "政党,得票\nA,100000\nB,80000\nC,30000\nD,20000\n".as_bytes(),
    );
    assert_eq!(body(&stdout(&o)), body(&expected), "{}", stderr(&o));
    // A misspelt header: the file's column is the one to rename.
    let o = piped(&["apportion", "-n", "3", "-"], b"name,wieght\nA,1\n");
    assert!(
        stderr(&o).contains("<stdin>: missing column 'weight' (the header has: name,wieght); the file's column 'wieght' looks like a misspelling of 'weight': rename it 'weight'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_copied_scenario_runs_anywhere_and_a_guarantee_is_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::data_dir().join("scenarios/2024-batch1.toml"), dir.path().join("my.toml")).unwrap();
    let o = quota_in(dir.path(), &["allocate", "my.toml", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let body = |s: String| s.lines().skip(1).map(String::from).collect::<Vec<_>>();
    assert_eq!(body(stdout(&o)), body(ok(&["allocate", "--format", "csv"])));
    let by_flag = ok(&["allocate", "--guarantee", "西部+东北:min_share=0.29", "--format", "csv"]);
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"optimize\"")
            + "\n[[optimize.group]]\nregions = [\"西部\", \"东北\"]\nmin_share = 0.29\n"
    });
    let in_toml = quota_in(f.dir.path(), &["allocate", "s.toml", "--format", "csv"]);
    assert!(in_toml.status.success(), "{}", stderr(&in_toml));
    let slots = |csv: &str| {
        csv.lines().skip(2).map(|l| l.split(',').nth(12).unwrap_or("").to_string()).collect::<Vec<_>>()
    };
    assert_eq!(slots(&by_flag), slots(&stdout(&in_toml)));
    bad(
        &["allocate", "--guarantee", "西部:min_share=0.27", "-m", "webster"],
        "--guarantee is solved by the optimisation model",
    );
    bad(&["allocate", "--guarantee", "西部"], "expected MEMBERS:BOUND=VALUE");
}

#[test]
fn validate_recognises_every_kind_of_file() {
    let files = [
        ("data/scenarios/2024-batch1.toml", "scenario"),
        ("data/programme/148-2024-2026.toml", "programme"),
        ("data/ahp/scenario-indicators.toml", "AHP matrix"),
        ("data/ahp/scenario-indicators.csv", "AHP matrix"),
        ("data/ahp/saaty1990-house.csv", "AHP matrix"),
        ("data/registry/firms.csv", "registry"),
        ("data/indicators.csv", "indicators"),
        ("data/units.csv", "units"),
        ("tests/corpus/inputs/parties.csv", "apportion input"),
        ("data/observed/2024-batch1-tianjin.csv", "observed allocation"),
    ];
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|(f, _)| *f));
    let out = ok(&args);
    for (file, kind) in files {
        assert!(out.contains(&format!("{file}: OK ({kind})")), "{file}: {out}");
    }
    let dir = tempfile::tempdir().unwrap();
    let registry = std::fs::read_to_string(common::data_dir().join("registry/firms.csv")).unwrap();
    let broken = registry.replacen(",2027-", ",2027/", 1);
    std::fs::write(dir.path().join("firms.csv"), broken).unwrap();
    let o = quota(&["validate", "data/units.csv", dir.path().join("firms.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("firms.csv (registry): 1 problem(s)"), "{}", stderr(&o));
}

#[test]
fn a_one_at_a_time_sweep_reports_its_progress() {
    use quota::sweep::{study, Hooks, OatSpec, SweepSpec};
    use std::sync::atomic::{AtomicU64, Ordering};
    let scenario = quota::scenario::Scenario::bundled();
    let spec = SweepSpec::Oat(OatSpec {
        factors: vec!["cultivation".into()],
        range: Some((0.0, 0.2)),
        vary: vec![],
    });
    let (calls, last_total, most) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let progress = |done: u64, total: u64| {
        calls.fetch_add(1, Ordering::Relaxed);
        last_total.store(total, Ordering::Relaxed);
        most.fetch_max(done, Ordering::Relaxed);
    };
    study(&scenario, &spec, Hooks { progress: Some(&progress), cancel: None, rows: None }).unwrap();
    let total = quota::sweep::oat::INITIAL_INTERVALS as u64;
    assert_eq!(last_total.load(Ordering::Relaxed), total);
    assert_eq!(most.load(Ordering::Relaxed), total, "the bar reaches its end");
    assert_eq!(calls.load(Ordering::Relaxed), total);
}
