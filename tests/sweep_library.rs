//! The sweep library against independent recomputation.
//!
//! - Sweeping the optimisation model: at every point of a weight grid, the sweep's evaluation
//!   core must give exactly what `quota allocate` gives for the scenario re-weighted to that
//!   point — the same slots where the model is feasible, and "infeasible" exactly where
//!   `allocate` reports the constraints cannot all hold.
//! - Sobol's and Monte Carlo's kept runs: every long-CSV row must be the allocation at the
//!   parameters it prints (Monte Carlo also varying a region multiplier and the development weight).
//! - Monte Carlo's driver evaluates each chunk in locality order: its tally must equal that of
//!   evaluating every scenario in index order.
//! - Paradox columns: the per-unit counts of a sweep equal the Alabama and quota-rule checks of
//!   `quota explain` run on every grid point separately.

mod common;

use quota::allocate::{allocate, AllocateError};
use quota::apportion::Method;
use quota::explain::paradox::{alabama, quota_violations, QuotaSide};
use quota::explain::{Base, ParadoxProbe};
use quota::scenario::Scenario;
use quota::sweep::eval::{Columns, Evaluator, Rule};
use quota::sweep::grid::Grid;
use quota::sweep::montecarlo::{MonteCarlo, WeightDraw};
use quota::sweep::run;
use quota::sweep::run::PointSource;
use quota::sweep::sobol::{sobol, SobolOptions};
use quota::sweep::Hooks;
use quota::sweep::Tally;
use quota::sweep::{Space, UnitParadoxes};

fn guarantees() -> Scenario {
    common::scenario("2024-batch1-guarantees")
}

/// Every point (a, b, 1 − a − b)/m of the simplex, and what the core and `allocate` say there.
fn compare_on_grid(s: &Scenario, m: u32) -> (usize, usize) {
    let rule = Rule::of(s);
    let space = Space::new(s);
    let ev = Evaluator::new(s, &rule, &space.base).unwrap();
    let mut ws = ev.workspace(&space.base);
    let (mut feasible, mut infeasible) = (0, 0);
    for a in 0..=m {
        for b in 0..=m - a {
            let w = [a as f64 / m as f64, b as f64 / m as f64, (m - a - b) as f64 / m as f64];
            ws.params.weights.copy_from_slice(&w);
            let got = ev.evaluate(&mut ws, Columns::Scenario).then(|| ws.slots.clone());
            let s2 = s.with_weights(&w).unwrap();
            match (allocate(&s2), got) {
                (Ok(alloc), Some(slots)) => {
                    assert_eq!(alloc.units.iter().map(|u| u.slots).collect::<Vec<_>>(), slots, "{w:?}");
                    feasible += 1;
                }
                (Err(e @ AllocateError::Infeasible { .. }), None) => {
                    assert!(e.to_string().contains("infeasible"), "{w:?}: {e}");
                    infeasible += 1;
                }
                (a, g) => panic!("{w:?}: allocate {:?} vs sweep {g:?}", a.map(|x| x.units.len())),
            }
        }
    }
    (feasible, infeasible)
}

#[test]
fn the_sweep_core_allocates_like_quota_allocate_at_every_grid_point() {
    let s = guarantees();
    let (feasible, infeasible) = compare_on_grid(&s, 10);
    assert_eq!((feasible, infeasible), (66, 0));
    let rule = Rule::of(&s);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let alloc = allocate(&s).unwrap();
    assert_eq!(ev.baseline, alloc.units.iter().map(|u| u.slots).collect::<Vec<_>>());
}

/// With the quota condition on (x_i ∈ {⌊q_i⌋, ⌈q_i⌉}; caps lifted and change limits dropped
/// so that the baseline is feasible) and 东部 held to half the slots, the model is infeasible
/// wherever the weights give 东部 clearly more than half: the sweep must count exactly those
/// points, and the summary must only tally the others.
#[test]
fn infeasible_weightings_are_counted_not_guessed() {
    let s = guarantees()
        .edited(|f| {
            f.bounds.caps_column = None;
            f.bounds.caps.clear();
            let t = f.optimize.as_mut().unwrap();
            t.insert("quota_condition".into(), true.into());
            t.remove("change");
        })
        .unwrap();
    let (feasible, infeasible) = compare_on_grid(&s, 10);
    assert!(feasible > 0 && infeasible > 0, "{feasible} feasible, {infeasible} infeasible");

    let rule = Rule::of(&s);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let grid = Grid::new(&space, 0.1, u64::MAX).unwrap();
    let tally = run::run(&ev, &space, &grid, Hooks::default(), None).unwrap();
    assert_eq!((tally.scenarios, tally.infeasible), (feasible as u64, infeasible as u64));
}

/// The long CSV of kept runs, split into fields, after checking its header and that the runs
/// come in order, `units` rows each.
fn kept_rows(csv: Vec<u8>, header: &str, units: usize) -> Vec<Vec<String>> {
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(header));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(String::from).collect()).collect();
    for (k, run) in rows.chunks(units).enumerate() {
        assert!(run.iter().all(|r| r[0] == k.to_string()), "run {k}");
    }
    rows
}

#[test]
fn every_kept_sobol_run_is_the_allocation_at_its_printed_weights() {
    let s = Scenario::bundled();
    let rule = Rule::of(&s);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let opt = SobolOptions { samples: 64, bootstrap: 5, seed: 9, relative: (0.5, 1.5) };
    let mut rows = Vec::new();
    let result = sobol(&ev, &space, &opt, Hooks { rows: Some(&mut rows), ..Hooks::default() }).unwrap();
    let header = "scenario,w_sme_above_scale,w_xiaojuren,w_cultivation,code,slots,funding_wan";
    let units = ev.units();
    let rows = kept_rows(rows, header, units);
    assert_eq!(rows.len() as u64, result.evaluations * units as u64);
    let mut ws = ev.workspace(&space.base);
    for (k, run) in rows.chunks(units).enumerate() {
        for (w, field) in ws.params.weights.iter_mut().zip(&run[0][1..4]) {
            *w = field.parse().unwrap();
        }
        assert!(ev.evaluate(&mut ws, Columns::Scenario));
        let printed: Vec<u64> = run.iter().map(|r| r[5].parse().unwrap()).collect();
        assert_eq!(printed, ws.slots, "run {k}");
    }
}

/// Per-unit paradox counts over every point of the step-1/m grid, the slow way: each point's
/// problem rebuilt, `explain`'s Alabama check run at N−1, N, N+1, its quota violations listed.
fn paradoxes_point_by_point(s: &Scenario, method: Method, m: u32) -> Vec<UnitParadoxes> {
    let rule = Rule::Apportion(method);
    let space = Space::new(s);
    let ev = Evaluator::new(s, &rule, &space.base).unwrap();
    let mut ws = ev.workspace(&space.base);
    let zero = UnitParadoxes { alabama: 0, below_quota: 0, above_quota: 0, beyond_bounded_quota: 0 };
    let mut out = vec![zero; ev.units()];
    for a in 0..=m {
        for b in 0..=m - a {
            ws.params.weights.copy_from_slice(&[
                a as f64 / m as f64,
                b as f64 / m as f64,
                (m - a - b) as f64 / m as f64,
            ]);
            if !ev.evaluate(&mut ws, Columns::Scenario) {
                continue;
            }
            let p = ev.problem(&ws);
            let base = Base::from_scenario(s, p);
            let (_, cases, _) = alabama(&base, method, &[s.total() - 1, s.total(), s.total() + 1]);
            let mut lost = vec![false; ev.units()];
            for c in cases {
                lost[c.unit] = true;
            }
            for (o, l) in out.iter_mut().zip(lost) {
                o.alabama += u64::from(l);
            }
            for v in quota_violations(p, &ws.slots) {
                match v.side {
                    QuotaSide::BelowLower => out[v.unit].below_quota += 1,
                    QuotaSide::AboveUpper => out[v.unit].above_quota += 1,
                }
                out[v.unit].beyond_bounded_quota += u64::from(!v.forced_by_bounds);
            }
        }
    }
    out
}

#[test]
fn sweep_paradox_columns_count_what_explain_finds_at_each_point() {
    let s = Scenario::bundled();
    let space = Space::new(&s);
    let grid = Grid::new(&space, 0.04, u64::MAX).unwrap();
    for method in [Method::Hamilton, Method::Jefferson, Method::Webster] {
        let rule = Rule::Apportion(method);
        let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
        let problem = quota::allocate::scenario_problem(&s, &quota::allocate::scenario_scores(&s)).unwrap();
        let probe = ParadoxProbe::for_scenario(&s, &problem, method);
        let tally = run::run(&ev, &space, &grid, Hooks::default(), Some(&probe)).unwrap();
        let got: Vec<UnitParadoxes> =
            tally.summarise(&s, &ev.baseline).iter().map(|u| u.paradoxes.unwrap()).collect();
        let want = paradoxes_point_by_point(&s, method, 25);
        assert_eq!(got, want, "{method}");
        let alabama: u64 = got.iter().map(|u| u.alabama).sum();
        match method {
            // Hamilton shows the Alabama paradox on this grid; divisor methods never do.
            Method::Hamilton => assert!(alabama > 0),
            _ => assert_eq!(alabama, 0, "{method}"),
        }
    }
}

#[test]
fn monte_carlo_in_locality_order_tallies_exactly_as_in_index_order() {
    let s = Scenario::bundled();
    let space = Space::new(&s);
    for method in [Method::Hamilton, Method::Webster] {
        let rule = Rule::Apportion(method);
        let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
        let mc = MonteCarlo::new(&space, 10_000, 5, WeightDraw::Dirichlet(10.0), None).unwrap();
        assert!(mc.scattered());
        let driver = run::run(&ev, &space, &mc, Hooks::default(), None).unwrap();
        let (lower, upper) = ev.bounds();
        let mut by_index = Tally::new(lower, upper);
        let mut ws = ev.workspace(&space.base);
        let mut cursor = mc.start(0);
        for k in 0..mc.len() {
            let cols = mc.fill(&mut cursor, k, &ev, &mut ws);
            assert!(ev.evaluate(&mut ws, cols));
            by_index.record(&ws.slots);
        }
        assert_eq!(driver, by_index, "{method}");
    }
}

/// Monte Carlo varying a region multiplier and the development weight along with the weights:
/// every kept scenario, re-evaluated alone in a fresh workspace from the parameters its rows
/// print, gives the slots the run recorded (the run's workspace keeps per-unit multipliers
/// between scenarios and must rebuild them whenever a multiplier changes).
#[test]
fn every_kept_monte_carlo_scenario_is_the_allocation_at_its_printed_parameters() {
    let s = Scenario::bundled();
    let rule = Rule::of(&s);
    let mut space = Space::new(&s);
    space.vary(space.resolve("西部").unwrap(), 0.8, 1.6).unwrap();
    space.vary(space.resolve("development_weight").unwrap(), 0.0, 0.4).unwrap();
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let mc = MonteCarlo::new(&space, 300, 11, WeightDraw::Dirichlet(20.0), None).unwrap();
    let mut rows = Vec::new();
    run::run(&ev, &space, &mc, Hooks { rows: Some(&mut rows), ..Hooks::default() }, None).unwrap();
    let header = "scenario,w_sme_above_scale,w_xiaojuren,w_cultivation,multiplier:西部,development_weight,\
                  code,slots,funding_wan";
    let units = ev.units();
    let rows = kept_rows(rows, header, units);
    assert_eq!(rows.len(), 300 * units);
    let (mut west, mut moved) = (Vec::new(), 0);
    for (k, scenario) in rows.chunks(units).enumerate() {
        let mut params = space.base.clone();
        for (w, field) in params.weights.iter_mut().zip(&scenario[0][1..4]) {
            *w = field.parse().unwrap();
        }
        for (b, field) in space.extra.iter().zip(&scenario[0][4..6]) {
            space.set(&mut params, b.factor, field.parse().unwrap());
        }
        west.push(scenario[0][4].to_string());
        let mut ws = ev.workspace(&params);
        assert!(ev.evaluate(&mut ws, Columns::Scenario));
        let printed: Vec<u64> = scenario.iter().map(|r| r[7].parse().unwrap()).collect();
        assert_eq!(printed, ws.slots, "scenario {k}");
        moved += usize::from(ws.slots != ev.baseline);
    }
    west.sort();
    west.dedup();
    assert!(west.len() > 250 && moved > 250, "{} multipliers, {moved} moved", west.len());
}
