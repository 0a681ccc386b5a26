//! `quota allocate --all-optima`: the optima it lists are optimal (same L1 distance from the
//! ideal quotas, feasible), the chosen one is what `quota allocate` publishes, the ranges hold
//! every listed optimum, and what the optimiser cannot enumerate exactly is refused (exit 2).

mod common;

use common::{assert_bad_input, quota, quota_in, stdout, Fixture};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = quota(args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

fn slots(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect()
}

#[test]
fn listed_optima_tie_with_the_published_allocation() {
    let r = json(&["allocate", "--method", "optimize", "--all-optima", "4", "--format", "json"]);
    assert_eq!(r["schema"], "quota.optima/1");
    let published = json(&["allocate", "--method", "optimize", "--format", "json"]);
    let units = published["units"].as_array().unwrap();
    let chosen = slots(&r["chosen"]);
    assert_eq!(chosen, units.iter().map(|u| u["slots"].as_u64().unwrap()).collect::<Vec<_>>());
    let ideal: Vec<f64> =
        r["units"].as_array().unwrap().iter().map(|u| u["ideal"].as_f64().unwrap()).collect();
    let l1 = |x: &[u64]| x.iter().zip(&ideal).map(|(&s, q)| (s as f64 - q).abs()).sum::<f64>();
    assert!((l1(&chosen) - r["objective"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(r["unique"], false);
    assert!(r["count"].as_u64().unwrap() > 4);
    let alts = r["alternatives"].as_array().unwrap();
    assert_eq!(alts.len(), 4);
    let ranges = r["ranges"].as_array().unwrap();
    for a in alts {
        let x = slots(&a["slots"]);
        assert_ne!(x, chosen);
        assert_eq!(x.iter().sum::<u64>(), 1039);
        assert!((l1(&x) - l1(&chosen)).abs() < 1e-9, "{} vs {}", l1(&x), l1(&chosen));
        for (i, u) in units.iter().enumerate() {
            let (floor, cap) = (u["floor"].as_u64().unwrap(), u["cap"].as_u64().unwrap());
            assert!(floor <= x[i] && x[i] <= cap, "unit {i}");
            let (min, max) = (ranges[i]["min"].as_u64().unwrap(), ranges[i]["max"].as_u64().unwrap());
            assert!(min <= x[i] && x[i] <= max && min <= chosen[i] && chosen[i] <= max);
        }
        // The chosen allocation is closer in chi-square, or ties and wins by list order.
        let rule = a["preference"]["rule"].as_str().unwrap();
        assert!(["chi-square", "list-order"].contains(&rule), "{rule}");
    }
}

#[test]
fn text_and_csv_say_the_same() {
    let text = stdout(&quota(&["allocate", "--method", "optimize", "--all-optima", "2"]));
    assert!(text.contains("the optimum is not unique"), "{text}");
    assert!(text.contains("why the chosen allocation:") && text.contains("alt 2: 1 exchange"), "{text}");
    let csv = stdout(&quota(&["allocate", "--method", "optimize", "--all-optima", "2", "--format", "csv"]));
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("# stamp: "));
    assert_eq!(lines.next().unwrap(), "code,name,ideal,chosen,min,max,alt_1,alt_2");
    assert_eq!(lines.count(), 37);
}

#[test]
fn a_unique_optimum_says_so() {
    // Chi-square on the bundled scenario has no exact ties between its quotas.
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"optimize\"")
            + "\n[optimize]\nobjective = \"chi-square\"\n"
    });
    let o = quota_in(f.dir.path(), &["allocate", "s.toml", "--all-optima"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(text.contains("the optimum is unique"), "{text}");
}

#[test]
fn what_cannot_be_enumerated_exactly_is_refused() {
    let o = quota(&["allocate", "--method", "hamilton", "--all-optima"]);
    assert_bad_input(&o, &["--all-optima", "method = \"optimize\""], None);
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"optimize\"")
            + "\n[[optimize.custom]]\nname = \"北京不超过上海\"\nterms = { \"11\" = 1, \"31\" = -1 }\nop = \"<=\"\nrhs = 0\n"
    });
    let o = quota_in(f.dir.path(), &["allocate", "s.toml", "--all-optima", "3"]);
    assert_bad_input(&o, &["--all-optima", "北京不超过上海", "nested or disjoint groups"], None);
}

#[test]
fn explain_lists_the_same_optima_in_its_trail() {
    let ex =
        json(&["explain", "--method", "optimize", "--all-optima", "3", "--no-margins", "--format", "json"]);
    let all = json(&["allocate", "--method", "optimize", "--all-optima", "3", "--format", "json"]);
    let o = &ex["optimizer"]["optima"];
    for key in ["chosen", "alternatives", "ranges", "count", "unique"] {
        assert_eq!(o[key], all[key], "{key}");
    }
    let text = stdout(&quota(&["explain", "--method", "optimize", "--all-optima", "2", "--no-margins"]));
    assert!(text.contains("Every optimal allocation: the optimum is not unique"), "{text}");
    // Without the flag the trail has no optima (and its JSON no field).
    let plain = json(&["explain", "--method", "optimize", "--no-margins", "--format", "json"]);
    assert!(plain["optimizer"].get("optima").is_none());
    assert_bad_input(&quota(&["explain", "--all-optima"]), &["method = \"optimize\""], None);
}
