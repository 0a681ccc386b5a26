//! `method = "optimize"` through the real binary: the bundled guarantee scenario, and
//! infeasible scenarios that explain themselves (exit 2, no output file).

mod common;

use common::{assert_bad_input, quota, stdout, Fixture};

#[test]
fn guarantee_scenario_meets_its_constraints_and_verifies() {
    let o =
        quota(&["allocate", "data/scenarios/2024-batch1-guarantees.toml", "--format", "json", "--verify"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("optimiser's independent checker"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["method"], "optimize");
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.iter().map(|u| u["slots"].as_u64().unwrap()).sum::<u64>(), 1039);
    let west_ne: u64 = units
        .iter()
        .filter(|u| u["region"] == "西部" || u["region"] == "东北")
        .map(|u| u["slots"].as_u64().unwrap())
        .sum();
    assert!(west_ne >= 302, "西部+东北 gets {west_ne} < ⌈0.29·1039⌉ = 302");
    let groups = v["optimize"]["groups"].as_array().unwrap();
    assert_eq!(groups[0]["slots"].as_u64().unwrap(), west_ne);
    assert_eq!(v["optimize"]["status"], "optimal");
}

/// Without side constraints and with no binding floor or cap (total 300: every ideal quota lies
/// inside its bounds), the L1 optimum is Hamilton's allocation. With binding caps the two differ
/// by design: Hamilton rounds the rescaled quota q*, the optimiser stays closest to the ideal q.
#[test]
fn optimize_without_side_constraints_equals_hamilton() {
    let f = Fixture::new(|t| t.replace("total = 1039", "total = 300"));
    let a = f.allocate(&["--method", "optimize"]);
    assert!(a.status.success(), "{}", common::stderr(&a));
    let opt = std::fs::read_to_string(f.path("out.csv")).unwrap();
    let h = f.allocate(&["--method", "hamilton", "--verify"]);
    assert!(h.status.success());
    let ham = std::fs::read_to_string(f.path("out.csv")).unwrap();
    let slots = |csv: &str| -> Vec<String> {
        csv.lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| l.split(',').nth(12).unwrap().to_string())
            .collect()
    };
    assert_eq!(slots(&opt), slots(&ham));
}

#[test]
fn an_impossible_regional_guarantee_is_explained() {
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"optimize\"")
            + "\n[optimize]\n[[optimize.group]]\nregion = \"西部\"\nmin_count = 700\n"
    });
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["infeasible", "西部", "700"], Some(&f.path("out.csv")));
}

#[test]
fn an_unknown_unit_in_a_group_is_named() {
    let f = Fixture::new(|t| {
        t.replace("method = \"hamilton\"", "method = \"optimize\"")
            + "\n[optimize]\n[[optimize.group]]\nname = \"x\"\nunits = [\"11\", \"99\"]\nmax_count = 100\n"
    });
    let o = f.allocate(&[]);
    assert_bad_input(&o, &["99"], Some(&f.path("out.csv")));
    let o = common::quota_in(f.dir.path(), &["validate", "s.toml"]);
    assert_bad_input(&o, &["99"], None);
    assert!(!stdout(&o).contains("OK"));
}
