//! The sweep library against independent recomputation.
//!
//! - Sweeping the optimisation model: at every point of a weight grid, the sweep's evaluation
//!   core must give exactly what `quota allocate` gives for the scenario re-weighted to that
//!   point — the same slots where the model is feasible, and "infeasible" exactly where
//!   `allocate` reports the constraints cannot all hold.
//! - Sobol's kept runs: every long-CSV row must be the allocation at the weights it prints.

use quota::allocation::{allocate, AllocateError};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::sweep::eval::{Columns, Evaluator, Rule};
use quota::sweep::grid::Grid;
use quota::sweep::run::{self, Hooks};
use quota::sweep::sobol::{sobol, SobolOptions};
use quota::sweep::Space;

fn bundled(scenario_toml: &str) -> Scenario {
    let at = Location::file("bundled");
    let units = quota::units::parse_units(include_str!("../data/units.csv"), at.clone()).unwrap();
    let ind = IndicatorTable::parse(include_str!("../data/indicators.csv"), at.clone(), &units).unwrap();
    let f = ScenarioFile::parse(scenario_toml, at.clone()).unwrap();
    Scenario::build(&f, &units, &ind, at).unwrap()
}

fn guarantees() -> Scenario {
    bundled(include_str!("../data/scenarios/2024-batch1-guarantees.toml"))
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
            let mut s2 = s.clone();
            for (ind, &wj) in s2.indicators.iter_mut().zip(&w) {
                ind.weight = wj;
            }
            match (allocate(&s2), got) {
                (Ok(alloc), Some(slots)) => {
                    assert_eq!(alloc.units.iter().map(|u| u.slots).collect::<Vec<_>>(), slots, "{w:?}");
                    feasible += 1;
                }
                (Err(AllocateError::Optimize(msg)), None) => {
                    assert!(msg.contains("infeasible"), "{w:?}: {msg}");
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
    let mut s = guarantees();
    s.caps = vec![s.total; s.caps.len()];
    let c = s.constraints.as_mut().unwrap();
    c.quota_condition = true;
    c.change = None;
    let (feasible, infeasible) = compare_on_grid(&s, 10);
    assert!(feasible > 0 && infeasible > 0, "{feasible} feasible, {infeasible} infeasible");

    let rule = Rule::of(&s);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let grid = Grid::new(&space, 0.1, u64::MAX).unwrap();
    let tally = run::run(&ev, &space, &grid, Hooks::default()).unwrap();
    assert_eq!((tally.scenarios, tally.infeasible), (feasible as u64, infeasible as u64));
}

#[test]
fn every_kept_sobol_run_is_the_allocation_at_its_printed_weights() {
    let s = bundled(include_str!("../data/scenarios/2024-batch1.toml"));
    let rule = Rule::of(&s);
    let space = Space::new(&s);
    let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
    let opt = SobolOptions { samples: 40, bootstrap: 5, seed: 9, relative: (0.5, 1.5) };
    let mut rows = Vec::new();
    let result = sobol(&ev, &space, &opt, Hooks { progress: None, rows: Some(&mut rows) }).unwrap();
    let text = String::from_utf8(rows).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,w_sme_above_scale,w_xiaojuren,w_cultivation,code,slots,funding_wan")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let units = ev.units();
    assert_eq!(rows.len() as u64, result.evaluations * units as u64);
    let mut ws = ev.workspace(&space.base);
    for (k, run) in rows.chunks(units).enumerate() {
        assert_eq!(run[0][0], k.to_string());
        for (w, field) in ws.params.weights.iter_mut().zip(&run[0][1..4]) {
            *w = field.parse().unwrap();
        }
        assert!(ev.evaluate(&mut ws, Columns::Scenario));
        let printed: Vec<u64> = run.iter().map(|r| r[5].parse().unwrap()).collect();
        assert_eq!(printed, ws.slots, "run {k}");
    }
}
