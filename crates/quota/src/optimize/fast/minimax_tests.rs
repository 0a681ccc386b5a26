//! The minimax search against the solver it replaced (`minimax_reference.rs`): the same level
//! and the same slots, bit for bit, on random instances — realistic sweeps, small instances
//! with many exact ties, and instances whose level is set far from the lower bound by a group
//! (so that the search probes and collects candidates) — with buffers reused across solves.

use std::cell::RefCell;

use proptest::prelude::*;

use super::{Tree, Work};
use crate::optimize::model::Instance;
use crate::optimize::tests::{group, names, quotas, small_case, sweep_case, Case};
use crate::optimize::{Constraints, Objective};

thread_local! {
    /// Buffers carried from case to case, as a sweep carries them.
    static WORK: RefCell<Work> = RefCell::new(Work::default());
}

/// A minimax level and its slots.
type Solved = (f64, Vec<u64>);

/// Solves `case` with minimax both ways (new, reference); `None` when it is not a feasible
/// laminar instance.
fn both(case: &Case) -> Option<(Solved, Solved)> {
    let n = case.ideal.len();
    let mut c = case.c.clone();
    c.objective = Objective::Minimax;
    c.validate(n).ok()?;
    let names = names(n);
    let inst = Instance::new(&case.ideal, &case.lower, &case.upper, case.total, &c, &names);
    let model = inst.full_model();
    let tree = Tree::build(&model, &case.ideal).ok()?;
    let (mut l, mut h) = (Vec::new(), Vec::new());
    tree.ranges(&model.lo, &model.hi, &mut l, &mut h).ok()?;
    let mut want = Vec::new();
    let zw = tree.solve_minimax_reference(
        &model.lo,
        &model.hi,
        &case.ideal,
        &tree.qsum,
        &mut want,
        &mut Work::default(),
    );
    let mut got = Vec::new();
    let zg = WORK.with(|w| {
        let w = &mut w.borrow_mut();
        // From the previous case's optimum when it fits (as a sweep does), else from the split.
        let start = std::mem::take(&mut w.last_minimax);
        let z = tree.solve_minimax_with(&model.lo, &model.hi, &case.ideal, &tree.qsum, &start, &mut got, w);
        w.last_minimax.clone_from(&got);
        z
    });
    Some(((zg, got), (zw, want)))
}

fn same(case: &Case) -> Result<(), TestCaseError> {
    if let Some(((zg, got), (zw, want))) = both(case) {
        prop_assert_eq!(zg.to_bits(), zw.to_bits(), "level {} vs {}", zg, zw);
        prop_assert_eq!(got, want);
    }
    Ok(())
}

/// Units with quotas anywhere from 0 to thousands of slots, wide caps, and one or two nested
/// groups whose counts are far from their quotas: the optimum level is set by a group, far
/// above the lower bound, with up to tens of thousands of candidate levels in between.
fn forced_case() -> impl Strategy<Value = Case> {
    (2usize..30).prop_flat_map(|n| {
        (
            prop::collection::vec(prop_oneof![1u32..4, 1u32..1000, 0u32..1], n),
            prop::collection::vec(0u64..3, n),
            prop::collection::vec(0usize..3, n),
            10u64..20_000,
            (0.0f64..1.0, 0.0f64..1.0, any::<bool>()),
        )
            .prop_filter_map("some weight", |(w, lower, region, total, (a, b, nested))| {
                if w.iter().all(|&v| v == 0) {
                    return None;
                }
                let n = w.len();
                let ideal = quotas(&w, total);
                let upper: Vec<u64> = lower.iter().map(|&l| l.max(total)).collect();
                let members =
                    |r: &[usize]| -> Vec<usize> { (0..n).filter(|&i| r.contains(&region[i])).collect() };
                let mut c = Constraints { objective: Objective::Minimax, ..Default::default() };
                let mut first = group("a", &members(&[0]));
                first.max_count = Some((a * total as f64) as u64);
                let mut second = group("b", &members(if nested { &[0, 1] } else { &[1] }));
                second.min_count = Some((b * total as f64) as u64);
                c.groups.extend([first, second].into_iter().filter(|g| !g.members.is_empty()));
                Some(Case { ideal, lower, upper, total, c })
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn minimax_search_matches_the_reference_on_sweep_cases(case in sweep_case()) {
        same(&case)?;
    }

    #[test]
    fn minimax_search_matches_the_reference_on_small_cases(case in small_case()) {
        same(&case)?;
    }

    #[test]
    fn minimax_search_matches_the_reference_when_a_group_sets_the_level(case in forced_case()) {
        same(&case)?;
    }
}

/// A level set by a group far above the lower bound, with about 19,000 candidate levels in
/// between: the search probes before it collects.
#[test]
fn minimax_search_probes_through_many_candidates() {
    let total = 10_000;
    let mut c = Constraints { objective: Objective::Minimax, ..Default::default() };
    let mut g = group("a", &[0]);
    g.max_count = Some(100);
    c.groups.push(g);
    let case = Case { ideal: quotas(&[1, 1, 1], total), lower: vec![0; 3], upper: vec![total; 3], total, c };
    let ((zg, got), (zw, want)) = both(&case).expect("feasible");
    assert_eq!((zg.to_bits(), &got), (zw.to_bits(), &want));
    assert_eq!(got, vec![100, 4950, 4950]);
}
