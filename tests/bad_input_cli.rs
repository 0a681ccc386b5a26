//! Every kind of bad input named in the allocation-core issue gets one clear message naming
//! the file, line, column or unit, exit code 2, no panic and no partial output file.

mod common;

use common::{assert_bad_input, quota, Fixture};

#[test]
fn missing_scenario_file() {
    let o = quota(&["allocate", "no/such/scenario.toml"]);
    assert_bad_input(&o, &["no/such/scenario.toml", "cannot read"], None);
}

#[test]
fn missing_data_file_named_by_the_scenario() {
    let f = Fixture::new(|t| t.replace("indicators.csv", "missing.csv"));
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["missing.csv", "cannot read"], Some(&f.path("out.csv")));
}

#[test]
fn misspelled_column_is_named_with_a_suggestion() {
    let f = Fixture::new(|t| t);
    f.edit_indicators(|t| t.replace(",xiaojuren,", ",xiaojuran,"));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["indicators.csv", "missing column 'xiaojuren'", "did you mean 'xiaojuran'"],
        Some(&f.path("out.csv")),
    );
}

#[test]
fn misspelled_column_in_the_scenario() {
    let f = Fixture::new(|t| t.replace("column = \"cultivation\"", "column = \"cultivaton\""));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["missing column 'cultivaton'", "did you mean 'cultivation'"],
        Some(&f.path("out.csv")),
    );
}

fn bad_cell(value: &str, expected: &str) {
    let f = Fixture::new(|t| t);
    // 天津's row is line 12 of indicators.csv (10 comment lines, the header, then 北京).
    f.edit_indicators(|t| t.replace("12,天津市,41,", &format!("12,天津市,{value},")));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["indicators.csv, line 12, column 'xiaojuren'", &format!("'{value}' is not {expected}")],
        Some(&f.path("out.csv")),
    );
}

#[test]
fn non_numeric_value() {
    bad_cell("abc", "a number");
}

#[test]
fn negative_value() {
    bad_cell("-41", "a non-negative number");
}

#[test]
fn nan_value() {
    bad_cell("NaN", "a finite number");
}

#[test]
fn infinite_value() {
    bad_cell("inf", "a finite number");
}

#[test]
fn duplicated_unit_code() {
    let f = Fixture::new(|t| t);
    f.edit_indicators(|t| t.replace("12,天津市,", "11,天津市,"));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["indicators.csv, line 12", "duplicated unit code '11' (first seen on line 11)"],
        Some(&f.path("out.csv")),
    );
}

#[test]
fn unknown_unit_code() {
    let f = Fixture::new(|t| t);
    f.edit_indicators(|t| t.replace("12,天津市,", "99,天津市,"));
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["line 12, column 'code'", "unknown unit code '99'"], Some(&f.path("out.csv")));
}

#[test]
fn unknown_unit_code_in_scenario_bounds() {
    let f = Fixture::new(|t| t.replace("floor = 1", "floor = 1\nfloors = { \"111\" = 2 }"));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["bounds.floors.111", "unknown unit code '111'", "did you mean '11'"],
        Some(&f.path("out.csv")),
    );
}

#[test]
fn empty_file() {
    let f = Fixture::new(|t| t);
    f.edit_indicators(|_| String::new());
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["indicators.csv", "the file is empty"], Some(&f.path("out.csv")));
}

#[test]
fn all_weights_zero() {
    let f = Fixture::new(|t| {
        t.replace("weight = 0.35", "weight = 0")
            .replace("weight = 0.40", "weight = 0")
            .replace("weight = 0.25", "weight = 0")
    });
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["all indicator weights are zero"], Some(&f.path("out.csv")));
}

#[test]
fn floors_above_total() {
    let f = Fixture::new(|t| t.replace("floor = 1", "floor = 1\nfloors = { \"32\" = 1004 }"));
    let o = f.allocate(&[]);
    assert_bad_input(
        &o,
        &["floors sum to 1040 > total 1039", "floor 1004 > cap 452"],
        Some(&f.path("out.csv")),
    );
    let f = Fixture::new(|t| t);
    let o = f.allocate(&["--total", "30"]);
    assert_bad_input(&o, &["floors sum to 37 > total 30"], Some(&f.path("out.csv")));
}

#[test]
fn caps_below_total() {
    let f = Fixture::new(|t| t);
    let o = f.allocate(&["--total", "5000"]);
    assert_bad_input(&o, &["caps sum to 3599 < total 5000"], Some(&f.path("out.csv")));
}

#[test]
fn total_zero() {
    let f = Fixture::new(|t| t);
    let o = f.allocate(&["--total", "0"]);
    assert_bad_input(&o, &["'--total", "at least 1 slot"], Some(&f.path("out.csv")));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("s.toml"), "the flag is to blame, not the file");
}

#[test]
fn unknown_method_lists_the_valid_ones() {
    let f = Fixture::new(|t| t);
    let o = f.allocate(&["--method", "borda"]);
    assert_bad_input(
        &o,
        &["'--method", "unknown method 'borda'", "hamilton, jefferson, webster", "optimize"],
        Some(&f.path("out.csv")),
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("s.toml"), "the flag is to blame, not the file");
    let o = quota(&["apportion", "--method", "borda", "--seats", "3", "x.csv"]);
    assert_bad_input(&o, &["unknown method 'borda'", "huntington-hill"], None);
}

#[test]
fn services_share_above_five_percent() {
    let f = Fixture::new(|t| t.replace("services_bp = 500", "services_bp = 600"));
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["above the 5%"], Some(&f.path("out.csv")));
}

#[test]
fn toml_syntax_error_names_the_line() {
    let f = Fixture::new(|t| t.replace("total = 1039", "total = = 1039"));
    let o = f.allocate(&[]);
    // Line 12: the `total` line, after the scenario's `title` (line 10).
    assert_bad_input(&o, &["s.toml, line 12"], Some(&f.path("out.csv")));
}

#[test]
fn an_existing_output_file_is_left_untouched_on_failure() {
    let f = Fixture::new(|t| t);
    std::fs::write(f.path("out.csv"), "previous content").unwrap();
    let o = f.allocate(&["--method", "borda"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(f.path("out.csv")).unwrap(), "previous content");
}

#[test]
fn utf8_with_bom_is_read_correctly() {
    let f = Fixture::new(|t| t);
    f.edit_indicators(|t| format!("\u{feff}{t}"));
    let o = f.allocate(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let plain = Fixture::new(|t| t);
    assert!(plain.allocate(&[]).status.success());
    assert_eq!(std::fs::read(f.path("out.csv")).unwrap(), std::fs::read(plain.path("out.csv")).unwrap());
}

#[test]
fn gbk_csv_saved_by_excel_is_read_correctly() {
    let f = Fixture::new(|t| t);
    for name in ["indicators.csv", "units.csv"] {
        let text = std::fs::read_to_string(f.path(name)).unwrap();
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        std::fs::write(f.path(name), &*gbk).unwrap();
    }
    let o = f.allocate(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let plain = Fixture::new(|t| t);
    assert!(plain.allocate(&[]).status.success());
    let out = std::fs::read_to_string(f.path("out.csv")).unwrap();
    assert!(out.contains("北京市"));
    assert_eq!(out, std::fs::read_to_string(plain.path("out.csv")).unwrap());
}

#[test]
fn apportion_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let run = |csv: &str, seats: &str| {
        std::fs::write(dir.path().join("in.csv"), csv).unwrap();
        common::quota_in(
            dir.path(),
            &["apportion", "--method", "webster", "--seats", seats, "in.csv", "-o", "out.csv"],
        )
    };
    let out = dir.path().join("out.csv");
    assert_bad_input(
        &run("name,wieght\nA,1\n", "3"),
        &["in.csv", "missing column 'weight'", "column 'wieght' looks like a misspelling of 'weight'"],
        Some(&out),
    );
    assert_bad_input(
        &run("name,weight\nA,1\nB,-2\n", "3"),
        &["in.csv, line 3, column 'weight'", "non-negative"],
        Some(&out),
    );
    assert_bad_input(&run("name,weight\nA,0\nB,0\n", "3"), &["all weights are zero"], Some(&out));
    assert_bad_input(
        &run("name,weight,min\nA,1,2\nB,1,2\n", "3"),
        &["floors sum to 4 > total 3"],
        Some(&out),
    );
    assert_bad_input(&run("name,weight,max\nA,1,1\nB,1,1\n", "3"), &["caps sum to 2 < total 3"], Some(&out));
    assert_bad_input(&run("name,weight\nA,1\nA,2\n", "3"), &["line 3", "duplicated name 'A'"], Some(&out));
    assert_bad_input(&run("", "3"), &["the file is empty"], Some(&out));
}

#[test]
fn validate_reports_every_problem() {
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"borda\"")
            .replace("services_bp = 500", "services_bp = 900")
            .replace("column = \"cultivation\"", "column = \"cultivaton\"")
    });
    let o = common::quota_in(f.dir.path(), &["validate", "s.toml"]);
    assert_bad_input(
        &o,
        &["3 problem(s)", "unknown method 'borda'", "above the 5%", "missing column 'cultivaton'"],
        None,
    );
    f.edit_indicators(|t| {
        t.replace("12,天津市,41,", "12,天津市,x,").replace("13,河北省,100,", "13,河北省,-1,")
    });
    let o = common::quota_in(f.dir.path(), &["validate", "indicators.csv"]);
    assert_bad_input(
        &o,
        &["2 problem(s)", "line 12, column 'xiaojuren'", "line 13, column 'xiaojuren'"],
        None,
    );
}

#[test]
fn validate_lists_an_unreadable_data_file_of_a_scenario_as_its_problem() {
    let f = Fixture::new(|t| t.replace("indicators = \"indicators.csv\"", "indicators = \"nope.csv\""));
    let o = common::quota_in(f.dir.path(), &["validate", "s.toml"]);
    assert_bad_input(&o, &["s.toml (scenario): 1 problem(s)\n  - nope.csv: cannot read the file"], None);
}
