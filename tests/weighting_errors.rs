//! Bad input to the weighting schemes: every case gets a clear, located message (never a NaN
//! or a panic), and is classed as the user's input (exit code 2 in the CLI).

use quota::error::Location;
use quota::weighting::{
    derive, parse_ahp_csv, parse_ahp_toml, DeriveOptions, IndicatorMatrix, Scheme, WeightingError,
};

fn csv_error(text: &str) -> WeightingError {
    parse_ahp_csv(text, Location::file("m.csv")).unwrap_err()
}

fn message(e: &WeightingError) -> String {
    assert!(e.is_bad_input(), "{e} should be the user's input");
    e.to_string()
}

#[test]
fn ahp_non_square() {
    let e = csv_error("c,a,b,c\na,1,2,3\nb,,1,2\n");
    assert_eq!(
        message(&e),
        "m.csv: the pairwise matrix must be square: the matrix (rows) has 2 entries, expected 3"
    );
    let e = parse_ahp_toml(
        "criteria = [\"a\", \"b\"]\nmatrix = [[1, 2], [\"\", 1, 3]]\n",
        Location::file("m.toml"),
    )
    .unwrap_err();
    assert_eq!(
        message(&e),
        "m.toml, line 2: the pairwise matrix must be square: row 'b' has 3 entries, expected 2"
    );
    // A short CSV row is caught by the CSV reader, with its line.
    let e = csv_error("c,a,b\na,1,2\nb,1\n");
    assert_eq!(message(&e), "m.csv, line 3: 2 fields, but the header has 3");
}

#[test]
fn ahp_rows_and_columns_in_different_orders() {
    let e = csv_error("c,a,b\nb,1,2\na,,1\n");
    assert_eq!(
        message(&e),
        "m.csv, line 2: row 1 is 'b', but column 1 is 'a' (rows and columns must list the criteria in the same order)"
    );
}

#[test]
fn ahp_non_reciprocal() {
    // 3 and 3: the reciprocal was forgotten.
    let e = csv_error("c,a,b\na,1,3\nb,3,1\n");
    assert_eq!(
        message(&e),
        "m.csv, line 3, column 'a': a[b][a] = 3 and a[a][b] = 3 are not reciprocal (product 9.0000; expected 1 \
         within ±0.05); write the lower triangle as 1/x of the upper one, or leave it empty"
    );
}

#[test]
fn ahp_zeros_negatives_and_off_scale_entries() {
    for (cell, expected) in [
        ("0", "'0' is not a positive judgement"),
        ("-3", "'-3' is not a positive judgement"),
        ("12", "'12' is not on Saaty's scale from 1/9 to 9"),
        ("1/12", "'1/12' is not on Saaty's scale from 1/9 to 9"),
        ("three", "'three' is not a number or a fraction such as 1/3"),
        ("1/0", "'1/0' is not a number or a fraction such as 1/3"),
        ("NaN", "'NaN' is not a number or a fraction such as 1/3"),
    ] {
        let e = csv_error(&format!("c,a,b\na,1,{cell}\nb,,1\n"));
        let msg = message(&e);
        assert!(msg.starts_with(&format!("m.csv, line 2, column 'b': {expected}")), "{cell}: {msg}");
    }
}

#[test]
fn ahp_missing_upper_entry_and_bad_diagonal() {
    let e = csv_error("c,a,b\na,1,\nb,2,1\n");
    assert!(message(&e).contains("only entries below the diagonal may be left empty"), "{e}");
    let e = csv_error("c,a,b\na,2,3\nb,,1\n");
    assert_eq!(
        message(&e),
        "m.csv, line 2, column 'a': the diagonal entry of 'a' is 2, expected 1 (a criterion is equally important as itself)"
    );
}

#[test]
fn ahp_toml_syntax_errors_have_a_line() {
    let e = parse_ahp_toml(
        "criteria = [\"a\", \"b\"]\nmatrix = [[1, 2],\n  [\"\", 1]\n",
        Location::file("m.toml"),
    )
    .unwrap_err();
    let msg = message(&e);
    assert!(msg.starts_with("m.toml, line 3: not a pairwise matrix in TOML"), "{msg}");
    let e = parse_ahp_toml("criteria = [\"a\"]\n", Location::file("m.toml")).unwrap_err();
    assert!(message(&e).contains("missing field `matrix`"), "{e}");
}

#[test]
fn ahp_matrix_over_other_indicators() {
    let m = IndicatorMatrix::new(
        vec!["a".into(), "b".into()],
        vec!["u".into(), "v".into()],
        vec![vec![1.0, 2.0], vec![2.0, 1.0]],
    )
    .unwrap();
    let pm = parse_ahp_csv("c,a,c\na,1,2\nc,,1\n", Location::file("m.csv")).unwrap();
    let e = derive(Scheme::Ahp, &m, &DeriveOptions { ahp: Some(pm), ..Default::default() }).unwrap_err();
    assert_eq!(message(&e), "the AHP matrix compares [a, c], but the indicators are [a, b]");
}

#[test]
fn indicators_without_variance() {
    let m = IndicatorMatrix::new(
        vec!["xiaojuren".into(), "flat".into()],
        vec!["11".into(), "12".into(), "13".into()],
        vec![vec![90.0, 7.0], vec![41.0, 7.0], vec![100.0, 7.0]],
    )
    .unwrap();
    let e = derive(Scheme::Critic, &m, &DeriveOptions::default()).unwrap_err();
    assert_eq!(
        message(&e),
        "indicator 'flat' has no variance (every unit has 7): it carries no information for the critic method; \
         drop it from the indicator set, or use equal, manual or ahp weights"
    );
}

#[test]
fn fewer_than_two_units() {
    let e = IndicatorMatrix::new(vec!["a".into()], vec!["11".into()], vec![vec![1.0]]).unwrap_err();
    assert_eq!(message(&e), "need at least two units to derive weights, found 1");
}

#[test]
fn unknown_scheme_lists_the_valid_ones() {
    let e = "topsis".parse::<Scheme>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown weighting scheme 'topsis'; valid schemes: equal, manual, entropy, critic, cv, ahp, pca"
    );
}
