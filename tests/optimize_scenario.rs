//! Scenario tests of the optimisation model on the bundled data: the 37 units, caps from
//! `eligible_firms`, a floor of one slot for every unit with an eligible firm, and ideal quotas
//! from an equal-weight score of the three 148号 indicators (小巨人 count, above-scale SMEs,
//! cultivation). The `[optimize]` tables are TOML, read exactly as a scenario file is.

use quota::error::Location;
use quota::input::CsvTable;
use quota::optimize::{check, solve, OptOutcome, OptimizeSpec, Path, Status};
use quota::units::{parse_units, Units};

const UNITS: &str = include_str!("../data/units.csv");
const INDICATORS: &str = include_str!("../data/indicators.csv");
const SCENARIO: &str = include_str!("../data/scenarios/2024-batch1-guarantees.toml");

/// The 2024 first batch: 1039 firms (财建〔2024〕148号, first batch).
const TOTAL: u64 = 1039;

struct Data {
    units: Units,
    ideal: Vec<f64>,
    lower: Vec<u64>,
    upper: Vec<u64>,
    names: Vec<String>,
}

fn data() -> Data {
    let units = parse_units(UNITS, Location::file("data/units.csv")).unwrap();
    let t = CsvTable::parse(INDICATORS, Location::file("data/indicators.csv")).unwrap();
    let column = |name: &str| -> Vec<f64> {
        let c = t.column(name).unwrap();
        (0..t.rows.len()).map(|r| t.non_negative(r, c).unwrap()).collect()
    };
    let shares: Vec<Vec<f64>> = ["xiaojuren", "sme_above_scale", "cultivation"]
        .iter()
        .map(|name| {
            let v = column(name);
            let s: f64 = v.iter().sum();
            v.iter().map(|x| x / s).collect()
        })
        .collect();
    let n = units.len();
    let ideal: Vec<f64> =
        (0..n).map(|i| TOTAL as f64 * shares.iter().map(|s| s[i]).sum::<f64>() / 3.0).collect();
    let eligible = t.column("eligible_firms").unwrap();
    let upper: Vec<u64> = (0..n).map(|r| t.integer(r, eligible).unwrap()).collect();
    let lower = upper.iter().map(|&u| u64::from(u > 0)).collect();
    let names = (0..n).map(|i| units.get(i).name_zh.clone()).collect();
    Data { units, ideal, lower, upper, names }
}

/// The `[optimize]` table of a scenario (other top-level keys belong to the scenario loader).
fn spec(toml_text: &str) -> Result<OptimizeSpec, String> {
    #[derive(serde::Deserialize)]
    struct Scenario {
        optimize: OptimizeSpec,
    }
    toml::from_str::<Scenario>(toml_text).map(|s| s.optimize).map_err(|e| e.to_string())
}

fn run(d: &Data, toml_text: &str) -> OptOutcome {
    let c = spec(toml_text).unwrap().build(&d.units, &Location::file("scenario.toml")).unwrap();
    let out = solve(&d.ideal, &d.lower, &d.upper, TOTAL, &c, &d.names).unwrap();
    check(&out, &d.ideal, &d.lower, &d.upper, TOTAL, &c).unwrap();
    out
}

fn build_error(d: &Data, toml_text: &str) -> String {
    match spec(toml_text) {
        Err(e) => e,
        Ok(s) => s.build(&d.units, &Location::file("scenario.toml")).unwrap_err().to_string(),
    }
}

fn explanation(out: &OptOutcome) -> (String, Vec<String>) {
    match &out.status {
        Status::Infeasible { explanation } => (explanation.message.clone(), explanation.conflict.clone()),
        other => panic!("expected infeasible, got {other:?}"),
    }
}

#[test]
fn bundled_guarantee_scenario_is_optimal_on_both_paths() {
    let d = data();
    let out = run(&d, SCENARIO);
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(out.path, Path::Fast);
    for g in &out.groups {
        assert!(g.min.is_none_or(|m| g.slots >= m) && g.max.is_none_or(|m| g.slots <= m), "{g:?}");
    }
    let lp = run(&d, &SCENARIO.replace("path = \"auto\"", "path = \"lp\""));
    assert_eq!(lp.path, Path::Lp);
    assert_eq!(lp.slots, out.slots);
    assert_eq!(lp.binding, out.binding);
}

#[test]
fn regional_guarantee_binds_and_is_reported() {
    let d = data();
    let free = run(&d, "[optimize]\n");
    let natural: u64 = (0..d.units.len())
        .filter(|&i| matches!(d.units.get(i).region.name_zh(), "西部" | "东北"))
        .map(|i| free.slots[i])
        .sum();
    let need = natural + 20;
    let share = need as f64 / TOTAL as f64;
    let share = (share * 1000.0).ceil() / 1000.0;
    let out = run(
        &d,
        &format!("[optimize]\n[[optimize.group]]\nregions = [\"西部\", \"东北\"]\nmin_share = {share}\n"),
    );
    let g = &out.groups[0];
    assert_eq!(g.name, "西部+东北");
    assert_eq!(g.min, Some((share * TOTAL as f64).ceil() as u64));
    assert_eq!(g.slots, g.min.unwrap(), "a guarantee above the natural share binds");
    assert!(out.binding.iter().any(|b| b.starts_with("group 西部+东北 min_share")), "{:?}", out.binding);
    assert!(out.objective > free.objective);
    // Nested and disjoint groups stay on the fast path.
    let nested = run(
        &d,
        &format!(
            "[optimize]\n[[optimize.group]]\nregions = [\"西部\", \"东北\"]\nmin_share = {share}\n\
             [[optimize.group]]\nregion = \"West\"\nmin_count = 200\n[[optimize.group]]\nname = \"京津\"\nunits = [\"11\", \"天津\"]\nmax_count = 55\n"
        ),
    );
    assert_eq!(nested.path, Path::Fast);
    assert!(nested.groups[1].slots >= 200 && nested.groups[2].slots <= 55);
}

#[test]
fn change_limits_hold_for_every_unit() {
    let d = data();
    let free = run(&d, "[optimize]\n");
    // Previous: the free optimum shifted by ±5 in a fixed pattern, kept at the total.
    let n = d.units.len();
    let mut previous: Vec<i64> = free.slots.iter().map(|&x| x as i64).collect();
    for i in 0..n / 2 {
        let room = d.upper[2 * i + 1] as i64 - previous[2 * i + 1];
        let k = 5.min(previous[2 * i] - 1).min(room).max(0);
        previous[2 * i] -= k;
        previous[2 * i + 1] += k;
    }
    let table: Vec<String> =
        (0..n).map(|i| format!("\"{}\" = {}", d.units.get(i).code, previous[i])).collect();
    let out = run(
        &d,
        &format!("[optimize]\n[optimize.change]\nmax_abs = 2\nprevious = {{ {} }}\n", table.join(", ")),
    );
    assert_eq!(out.status, Status::Optimal);
    for ((&x, &p), name) in out.slots.iter().zip(&previous).zip(&d.names) {
        assert!((x as i64 - p).abs() <= 2, "{name}");
    }
    assert!(out.binding.iter().any(|b| b.starts_with("change.max_abs for")));
}

#[test]
fn custom_constraints_take_the_lp_path() {
    let d = data();
    let out = run(
        &d,
        "[optimize]\n[[optimize.custom]]\nname = \"北京不少于上海加十\"\nterms = { \"11\" = 1, \"31\" = -1 }\nop = \">=\"\nrhs = 10\n\
         [[optimize.custom]]\nname = \"深圳与广东之比\"\nterms = { \"4403\" = 3, \"44\" = -1 }\nop = \"<=\"\nrhs = 0\n",
    );
    assert_eq!(out.path, Path::Lp);
    let at = |code: &str| out.slots[d.units.position(code).unwrap()] as i64;
    assert!(at("11") - at("31") >= 10);
    assert!(3 * at("4403") <= at("44"));
    assert!(out.binding.iter().any(|b| b.contains("北京不少于上海加十")), "{:?}", out.binding);
}

#[test]
fn every_objective_and_the_quota_condition_run_on_real_data() {
    let d = data();
    for objective in ["l1", "chi-square", "minimax"] {
        for quota in [false, true] {
            let text = format!(
                "[optimize]\nobjective = \"{objective}\"\nquota_condition = {quota}\n\
                 [[optimize.group]]\nregion = \"东部\"\nmax_share = 0.52\n"
            );
            let fast = run(&d, &text);
            let lp = run(&d, &text.replace("[optimize]\n", "[optimize]\npath = \"lp\"\n"));
            // Under the quota condition the caps below the quota (e.g. 海南 6 < 12.15) conflict.
            if quota {
                let (message, _) = explanation(&fast);
                assert!(message.contains("must get ≥"), "{message}");
                continue;
            }
            assert_eq!(fast.status, Status::Optimal, "{objective}");
            assert_eq!(fast.slots, lp.slots, "{objective}");
        }
    }
}

// ---- infeasible scenarios name the contradiction ----

#[test]
fn infeasible_guarantee_names_the_group_and_its_bounds() {
    let d = data();
    let out = run(&d, &SCENARIO.replace("min_share = 0.29", "min_share = 0.31"));
    let (message, conflict) = explanation(&out);
    assert_eq!(
        message,
        "group 西部+东北 needs ≥ 323 but its upper bounds (caps of 2 units, change limits for 15 units) sum to 307"
    );
    assert!(conflict.contains(&"cap of 西藏自治区 (2)".to_string()));
    assert!(conflict.contains(&"group 西部+东北 min_share 0.31 (≥ 323 of 1039)".to_string()));
    assert_eq!(conflict.len(), 18);
}

#[test]
fn infeasible_group_against_caps() {
    let d = data();
    let out = run(&d, "[optimize]\n[[optimize.group]]\nregion = \"西部\"\nmin_count = 470\n");
    assert_eq!(explanation(&out).0, "group 西部 needs ≥ 470 but its caps sum to 462");
}

#[test]
fn infeasible_ceiling_against_floors() {
    let d = data();
    let out = run(&d, "[optimize]\n[[optimize.group]]\nregion = \"东部\"\nmax_count = 10\n");
    assert_eq!(explanation(&out).0, "group 东部 allows ≤ 10 but its floors sum to 14");
}

#[test]
fn infeasible_guarantee_against_the_floors_of_everyone_else() {
    let d = data();
    let out = run(&d, "[optimize]\n[[optimize.group]]\nregion = \"东部\"\nmin_count = 1030\n");
    assert_eq!(
        explanation(&out).0,
        "lower bounds (floors of 23 units, group 东部 min_count 1030) sum to 1053 > total 1039"
    );
}

#[test]
fn infeasible_change_limit_against_a_floor() {
    let d = data();
    // 西藏 had 0 slots; a relative limit alone freezes it at 0, but its floor is 1.
    let text = SCENARIO.replace("\"54\" = 1", "\"54\" = 0").replace("\"32\" = 88", "\"32\" = 89");
    let text = text.replace("combine = \"either\"", "combine = \"both\"");
    let out = run(&d, &text);
    assert_eq!(
        explanation(&out).0,
        "西藏自治区 must get ≥ 1 (floor of 西藏自治区 (1)) but ≤ 0 (change.max_rel for 西藏自治区 (previous 0, ±25%: 0..0))"
    );
}

#[test]
fn infeasible_custom_rows_give_a_minimal_conflicting_set() {
    let d = data();
    let out = run(
        &d,
        "[optimize]\n[[optimize.custom]]\nname = \"北京领先上海\"\nterms = { \"11\" = 1, \"31\" = -1 }\nop = \">=\"\nrhs = 30\n\
         [[optimize.custom]]\nname = \"京沪相近\"\nterms = { \"北京市\" = 1, \"上海市\" = -1 }\nop = \"<=\"\nrhs = 20\n\
         [[optimize.group]]\nregion = \"西部\"\nmin_share = 0.2\n",
    );
    let (message, conflict) = explanation(&out);
    assert_eq!(
        message,
        "no allocation satisfies these constraints together; dropping any one of them makes the rest feasible"
    );
    assert_eq!(
        conflict,
        vec!["custom '北京领先上海': 北京市 − 上海市 ≥ 30", "custom '京沪相近': 北京市 − 上海市 ≤ 20"]
    );
}

#[test]
fn infeasible_overlapping_groups_give_a_minimal_conflicting_set() {
    let d = data();
    // Two overlapping groups (not laminar): the LP path and the deletion filter.
    let out = run(
        &d,
        "[optimize]\n[[optimize.group]]\nname = \"京津冀\"\nunits = [\"11\", \"12\", \"13\"]\nmin_count = 400\n\
         [[optimize.group]]\nname = \"津冀晋\"\nunits = [\"12\", \"13\", \"14\"]\nmin_count = 150\n\
         [[optimize.group]]\nname = \"京晋\"\nunits = [\"11\", \"14\"]\nmax_count = 200\n",
    );
    assert_eq!(out.path, Path::Lp);
    let (message, conflict) = explanation(&out);
    assert!(message.starts_with("no allocation satisfies"), "{message}");
    assert_eq!(
        conflict,
        vec![
            "cap of 天津市 (53)",
            "cap of 河北省 (128)",
            "group 京津冀 min_count 400",
            "group 京晋 max_count 200"
        ]
    );
}

// ---- bad [optimize] tables are errors that name the key ----

#[test]
fn bad_tables_name_the_key() {
    let d = data();
    let cases = [
        (
            "[optimize]\n[[optimize.group]]\nunits = [\"11\", \"99\"]\nmin_count = 1\n",
            "scenario.toml: optimize.group[1].units: unknown unit '99' (expected a unit code such as 11 or 2102, or a unit name)",
        ),
        (
            "[optimize]\n[[optimize.group]]\nregion = \"华东\"\n",
            "scenario.toml: optimize.group[1].region: '华东' is not a region (expected 东部, 中部, 西部, 东北 or East, Central, West, Northeast)",
        ),
        ("[optimize]\n[[optimize.group]]\nregion = \"东部\"\nmin_share = 1.2\n", "scenario.toml: optimize.group[1].min_share: 1.2 is outside [0, 1]"),
        (
            "[optimize]\n[[optimize.group]]\nregion = \"东部\"\nunits = [\"11\"]\n",
            "scenario.toml: optimize.group[1]: give exactly one of units, region, regions",
        ),
        (
            "[optimize]\n[optimize.change]\nmax_abs = 3\nprevious = { \"11\" = 3 }\n",
            "scenario.toml: optimize.change.previous: no previous value for 36 unit(s): 12, 13, 14",
        ),
        (
            "[optimize]\n[[optimize.custom]]\nname = \"x\"\nterms = { \"11\" = 0 }\nop = \"<=\"\nrhs = 3\n",
            "scenario.toml: optimize.custom[1].terms: the coefficient of '11' is 0",
        ),
    ];
    for (text, expected) in cases {
        let e = build_error(&d, text);
        assert!(e.starts_with(expected), "{e}\n  expected: {expected}");
    }
    for (text, expected) in [
        (
            "[optimize]\nobjective = \"l2\"\n",
            "unknown objective 'l2'; valid objectives: l1, chi-square, minimax",
        ),
        ("[optimize]\nsolver = \"cbc\"\n", "unknown solver 'cbc'"),
        ("[optimize]\nmax_share = 0.5\n", "unknown field `max_share`"),
        (
            "[optimize]\n[[optimize.custom]]\nname = \"x\"\nterms = { \"11\" = 1 }\nop = \"<\"\nrhs = 3\n",
            "unknown comparison '<'",
        ),
    ] {
        let e = build_error(&d, text);
        assert!(e.contains(expected), "{e}\n  expected: {expected}");
    }
}

/// Prints the examples of docs/optimisation.md: `cargo test --release --test optimize_scenario -- --ignored --nocapture readme`.
#[test]
#[ignore]
fn readme_examples() {
    let d = data();
    let out = run(&d, SCENARIO);
    println!("status {} path {} objective {:.4}", out.status, out.path, out.objective);
    for g in &out.groups {
        println!(
            "group {}: {} slots, share {:.4}, bounds {:?}..{:?}",
            g.name, g.slots, g.share, g.min, g.max
        );
    }
    for b in &out.binding {
        println!("binding: {b}");
    }
    for (i, x) in out.slots.iter().enumerate() {
        println!("{} {} q={:.2} x={}", d.units.get(i).code, d.names[i], d.ideal[i], x);
    }
    for text in [
        SCENARIO.replace("min_share = 0.29", "min_share = 0.31"),
        "[optimize]\n[[optimize.group]]\nregion = \"西部\"\nmin_count = 470\n".to_string(),
        SCENARIO.replace("\"54\" = 1", "\"54\" = 0").replace("\"32\" = 88", "\"32\" = 89").replace("combine = \"either\"", "combine = \"both\""),
        "[optimize]\n[[optimize.custom]]\nname = \"北京领先上海\"\nterms = { \"11\" = 1, \"31\" = -1 }\nop = \">=\"\nrhs = 30\n\
         [[optimize.custom]]\nname = \"京沪相近\"\nterms = { \"北京市\" = 1, \"上海市\" = -1 }\nop = \"<=\"\nrhs = 20\n"
            .to_string(),
    ] {
        if let Status::Infeasible { explanation } = run(&d, &text).status {
            println!("infeasible: {explanation}\n");
        }
    }
}
