//! `quota compare --leave-one-out`: each column against an independent re-allocation with that
//! weight set to 0 and the others divided by their sum (the library's `allocate_with`), the
//! summaries recomputed from the slots, an indicator that cannot be left out, and the command's
//! formats and refusals.

use std::process::Command;

use quota::apportion::Method;
use quota::compare::{allocate_with, leave_one_out};
use quota::scenario::{Scenario, BUNDLED_SCENARIO};

fn slots(a: &quota::allocate::Allocation) -> Vec<u64> {
    a.units.iter().map(|u| u.slots).collect()
}

#[test]
fn every_column_is_the_scenario_reallocated_without_that_indicator() {
    for method in [Method::Hamilton, Method::Webster, Method::Jefferson] {
        let s = Scenario::bundled().with_method(quota::scenario::MethodChoice::Apportion(method)).unwrap();
        let l = leave_one_out(&s, None).unwrap();
        let base = slots(&quota::allocate::allocate(&s).unwrap());
        assert_eq!(l.columns.len(), 3);
        for (k, c) in l.columns.iter().enumerate() {
            let mut w = s.weights();
            w[k] = 0.0;
            let rest: f64 = w.iter().sum();
            w.iter_mut().for_each(|x| *x /= rest);
            let want = slots(&allocate_with(&s, &w, method).unwrap());
            let got: Vec<u64> = l.units.iter().map(|u| u.slots[k].unwrap()).collect();
            assert_eq!(got, want, "{method:?} without {}", c.indicator);
            let diffs: Vec<u64> = got.iter().zip(&base).map(|(a, b)| a.abs_diff(*b)).collect();
            assert_eq!(c.moved * 2, diffs.iter().sum::<u64>(), "Σ|Δ| is even: slots change hands");
            assert_eq!(c.units_changed, diffs.iter().filter(|&&d| d > 0).count());
            assert_eq!(c.max_change, *diffs.iter().max().unwrap());
            let sum: f64 = c.weights.iter().sum();
            assert!((sum - 1.0).abs() < 1e-12 && c.weights[k] == 0.0, "{:?}", c.weights);
            assert!(c.infeasible.is_none());
        }
        for (u, b) in l.units.iter().zip(&base) {
            assert_eq!(u.baseline, *b);
            let m = u.slots.iter().map(|x| x.unwrap().abs_diff(*b)).max().unwrap();
            assert_eq!(u.max_change, m);
        }
        assert!(l.columns.iter().any(|c| c.moved > 0), "the bundled scenario moves");
    }
}

#[test]
fn an_indicator_whose_others_weigh_nothing_has_no_column_allocation() {
    let text = BUNDLED_SCENARIO
        .replace("weight = 0.35", "weight = 1.0")
        .replace("weight = 0.40", "weight = 0.0")
        .replace("weight = 0.25", "weight = 0.0");
    let s = Scenario::from_toml("one-weight", &text).unwrap();
    let l = leave_one_out(&s, None).unwrap();
    assert_eq!(l.columns[0].infeasible.as_deref(), Some("every other indicator has weight 0"));
    assert!(l.units.iter().all(|u| u.slots[0].is_none()));
    // Leaving out a zero-weight indicator changes nothing.
    assert_eq!(l.columns[1].moved, 0);
    assert!(l.units.iter().all(|u| u.slots[1] == Some(u.baseline) && u.max_change == 0));
    let text = quota::render::compare::leave_one_out::render(&l, quota::render::Format::Table).unwrap();
    assert!(
        text.contains("without sme_above_scale: no allocation — every other indicator has weight 0"),
        "{text}"
    );
}

fn quota(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("runs")
}

#[test]
fn the_command_writes_every_format_and_refuses_what_does_not_apply() {
    let json = quota(&["compare", "--leave-one-out", "--format", "json"]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["schema"], "quota.compare-leave-one-out/1");
    assert_eq!(v["columns"][0]["indicator"], "sme_above_scale");
    assert_eq!(v["stamp"]["method"], "hamilton", "the stamp is an object, as everywhere");
    let csv = String::from_utf8(quota(&["compare", "--leave-one-out", "--format", "csv", "--stamp"]).stdout)
        .unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("# stamp: quota"));
    assert_eq!(
        lines.next().unwrap(),
        "code,name,baseline,without_sme_above_scale,without_xiaojuren,without_cultivation,max_abs_change,not_official"
    );
    assert_eq!(csv.lines().count(), 2 + 37);
    for args in [
        vec!["compare", "--leave-one-out", "--schemes", "equal"],
        vec![
            "compare",
            "--leave-one-out",
            "data/scenarios/2024-batch1.toml",
            "data/scenarios/2024-batch1.toml",
        ],
    ] {
        let o = quota(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--leave-one-out"), "{args:?}");
    }
}
