//! Tests of the optimisation model: brute force on small instances, the fast path against the
//! LP path on random instances, the Hamilton property, the time limit, and each kind of
//! infeasibility with its message. Every result passes the independent checker.

use proptest::prelude::*;

use super::*;
use crate::apportion::{apportion, Method, Problem};

pub(super) fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

pub(super) fn group(name: &str, members: &[usize]) -> Group {
    Group {
        name: name.into(),
        members: members.to_vec(),
        min_share: None,
        max_share: None,
        min_count: None,
        max_count: None,
    }
}

/// A random instance: ideal quotas, floors, caps, total and constraints.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) ideal: Vec<f64>,
    pub(super) lower: Vec<u64>,
    pub(super) upper: Vec<u64>,
    pub(super) total: u64,
    pub(super) c: Constraints,
}

impl Case {
    fn solve(&self, path: PathChoice) -> OptOutcome {
        let mut c = self.c.clone();
        c.path = path;
        let out =
            solve(&self.ideal, &self.lower, &self.upper, self.total, &c, &names(self.ideal.len())).unwrap();
        check(&out, &self.ideal, &self.lower, &self.upper, self.total, &c)
            .unwrap_or_else(|e| panic!("{path:?}: {e}\n{self:?}\n{out:?}"));
        out
    }
}

/// Ideal quotas proportional to `weights`, summing to `total` (weights not all 0).
pub(super) fn quotas(weights: &[u32], total: u64) -> Vec<f64> {
    let s: f64 = weights.iter().map(|&w| w as f64).sum();
    weights.iter().map(|&w| total as f64 * w as f64 / s).collect()
}

/// Every allocation of `total` within `lo..=hi`, visited in lexicographic order.
pub(super) fn each_allocation(lo: &[u64], hi: &[u64], total: u64, f: &mut dyn FnMut(&[u64])) {
    fn rec(i: usize, left: u64, lo: &[u64], hi: &[u64], x: &mut Vec<u64>, f: &mut dyn FnMut(&[u64])) {
        if i == lo.len() {
            if left == 0 {
                f(x);
            }
            return;
        }
        let rest_lo: u64 = lo[i + 1..].iter().sum();
        let rest_hi: u64 = hi[i + 1..].iter().sum();
        for v in lo[i]..=hi[i].min(left) {
            if left - v < rest_lo || left - v > rest_hi {
                continue;
            }
            x.push(v);
            rec(i + 1, left - v, lo, hi, x, f);
            x.pop();
        }
    }
    rec(0, total, lo, hi, &mut Vec::new(), f);
}

/// Whether `x` satisfies every constraint of the case (written out independently).
pub(super) fn feasible(case: &Case, x: &[u64]) -> bool {
    let c = &case.c;
    let t = case.total as f64;
    if c.quota_condition
        && (0..x.len()).any(|i| (x[i] as f64) < case.ideal[i].floor() || (x[i] as f64) > case.ideal[i].ceil())
    {
        return false;
    }
    if let Some(ch) = &c.change {
        for (&v, &p) in x.iter().zip(&ch.previous) {
            let d = v.abs_diff(p) as f64;
            let abs = ch.max_abs.map(|a| d <= a as f64);
            let rel = ch.max_rel.map(|r| d <= r * p as f64 + 1e-9);
            let ok = match (abs, rel) {
                (Some(a), Some(r)) if ch.combine == Combine::Either => a || r,
                (Some(a), Some(r)) => a && r,
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => true,
            };
            if !ok {
                return false;
            }
        }
    }
    for g in &c.groups {
        let s: u64 = g.members.iter().map(|&i| x[i]).sum();
        let sf = s as f64;
        if g.min_share.is_some_and(|r| sf < r * t - 1e-9)
            || g.max_share.is_some_and(|r| sf > r * t + 1e-9)
            || g.min_count.is_some_and(|m| s < m)
            || g.max_count.is_some_and(|m| s > m)
        {
            return false;
        }
    }
    c.custom.iter().all(|cu| {
        let lhs: i128 = cu.terms.iter().map(|&(i, a)| a as i128 * x[i] as i128).sum();
        cu.op.holds(lhs, cu.rhs as i128)
    })
}

/// The optimum by enumeration: the best objective value, and every allocation within 1e-9 of
/// it whose chi-square distance is within 1e-9 of the best among those (the allocations the
/// tie-break may choose from). `None` if nothing is feasible.
///
/// Ties in real arithmetic (e.g. q = 5/11 and 25/11 giving equal chi-square steps) may be
/// ordered by the rounding of the f64 quotas rather than by unit order, so only membership is
/// required when the near-optimal set has several members; a single member must be returned.
fn brute(case: &Case) -> Option<(f64, Vec<Vec<u64>>)> {
    let mut all: Vec<(f64, f64, Vec<u64>)> = Vec::new();
    each_allocation(&case.lower, &case.upper, case.total, &mut |x| {
        if feasible(case, x) {
            all.push((
                objective_value(case.c.objective, &case.ideal, x),
                chi_square_distance(&case.ideal, x),
                x.to_vec(),
            ));
        }
    });
    let best = all.iter().map(|a| a.0).reduce(f64::min)?;
    all.retain(|a| a.0 <= best + 1e-9);
    let second = all.iter().map(|a| a.1).reduce(f64::min)?;
    Some((best, all.into_iter().filter(|a| a.1 <= second + 1e-9).map(|a| a.2).collect()))
}

pub(super) fn small_case() -> impl Strategy<Value = Case> {
    (2usize..6).prop_flat_map(|n| {
        (
            // Small weights make exact ties common, so the tie-break is exercised.
            prop::collection::vec(prop_oneof![0u32..6, 0u32..100], n),
            prop::collection::vec(0u64..3, n),
            prop::collection::vec(0u64..14, n),
            3u64..16,
            0usize..3,
            prop::collection::vec(0usize..3, n),
            (0u64..16, 0u64..16, any::<bool>()),
            (prop::collection::vec(0u64..8, n), 0u64..4, any::<bool>()),
            0usize..3,
            any::<bool>(),
        )
            .prop_filter_map(
                "some weight",
                |(w, lower, extra, total, shape, region, bounds, change, objective, quota)| {
                    if w.iter().all(|&v| v == 0) {
                        return None;
                    }
                    let n = w.len();
                    let upper: Vec<u64> = lower.iter().zip(&extra).map(|(l, e)| l + e).collect();
                    let mut c = Constraints {
                        objective: Objective::ALL[objective],
                        quota_condition: quota,
                        ..Default::default()
                    };
                    // Groups: region 0, region 0 ∪ 1 (nested), or regions 0 and 1 (disjoint).
                    let members =
                        |r: &[usize]| -> Vec<usize> { (0..n).filter(|&i| r.contains(&region[i])).collect() };
                    let (a, b, share) = bounds;
                    let sets: Vec<Vec<usize>> = match shape {
                        0 => vec![members(&[0])],
                        1 => vec![members(&[0, 1]), members(&[0])],
                        _ => vec![members(&[0]), members(&[1])],
                    };
                    for (k, m) in sets.into_iter().enumerate().filter(|(_, m)| !m.is_empty()) {
                        let mut g = group(&format!("g{k}"), &m);
                        if k == 0 {
                            if share {
                                g.min_share =
                                    Some((a.min(total) as f64 / total as f64 * 100.0).round() / 100.0);
                            } else {
                                g.min_count = Some(a.min(total));
                            }
                        } else {
                            g.max_count = Some(b);
                        }
                        c.groups.push(g);
                    }
                    let (previous, d, rel) = change;
                    if d > 0 {
                        c.change = Some(ChangeLimit {
                            previous,
                            max_abs: (!rel || d == 3).then_some(d - 1),
                            max_rel: rel.then_some(d as f64 * 0.25),
                            combine: if d == 3 { Combine::Either } else { Combine::Both },
                        });
                    }
                    Some(Case { ideal: quotas(&w, total), lower, upper, total, c })
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Both paths against enumeration: same status, same objective, same integers.
    #[test]
    fn both_paths_match_brute_force(case in small_case()) {
        let expected = brute(&case);
        let mut slots = Vec::new();
        for path in [PathChoice::Fast, PathChoice::Lp] {
            let out = case.solve(path);
            match &expected {
                None => prop_assert!(matches!(out.status, Status::Infeasible { .. }), "{path:?} {out:?}"),
                Some((value, near)) => {
                    prop_assert_eq!(&out.status, &Status::Optimal);
                    prop_assert!((out.objective - value).abs() < 1e-9, "{:?}: {} vs {}", path, out.objective, value);
                    prop_assert!(near.contains(&out.slots), "{:?}: {:?} not in {:?}", path, out.slots, near);
                }
            }
            slots.push(out.slots);
        }
        prop_assert_eq!(&slots[0], &slots[1], "both paths return the same integers");
    }
}

/// A small instance with what only the LP path handles: a custom row, or two overlapping groups.
fn small_general_case() -> impl Strategy<Value = Case> {
    (small_case(), 0usize..3, -4i64..12, 0u64..10).prop_map(|(mut case, kind, k, m)| {
        let n = case.ideal.len();
        match kind {
            0 => case.c.custom.push(Custom {
                name: "diff".into(),
                terms: vec![(0, 1), (1, -1)],
                op: Op::Le,
                rhs: k,
            }),
            1 => case.c.custom.push(Custom {
                name: "pair".into(),
                terms: vec![(0, 2), (n - 1, 1)],
                op: if k % 2 == 0 { Op::Ge } else { Op::Eq },
                rhs: k.abs() + 3,
            }),
            _ => {
                let (mut a, mut b) = (group("left", &[0, 1]), group("right", &[1, n - 1]));
                a.min_count = Some(m);
                b.max_count = Some(m + 2);
                if n > 2 {
                    case.c.groups.extend([a, b]);
                }
            }
        }
        case
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Custom rows and overlapping groups (LP path) against enumeration: same status and
    /// objective. (The tie-break is exchange-optimal there, not necessarily the global one.)
    #[test]
    fn lp_path_matches_brute_force_with_custom_rows(case in small_general_case()) {
        let out = case.solve(PathChoice::Auto);
        match brute(&case) {
            None => prop_assert!(matches!(out.status, Status::Infeasible { .. }), "{out:?}"),
            Some((value, _)) => {
                prop_assert_eq!(&out.status, &Status::Optimal);
                prop_assert!((out.objective - value).abs() < 1e-9, "{} vs {}", out.objective, value);
            }
        }
    }
}

#[cfg(feature = "highs")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// HiGHS, microlp and the fast path agree on laminar instances (same integers), and HiGHS
    /// and microlp on the objective of instances with custom rows.
    #[test]
    fn highs_agrees_with_microlp(case in sweep_case(), general in small_general_case()) {
        let mut highs = case.clone();
        highs.c.solver = Solver::Highs;
        let (a, b) = (case.solve(PathChoice::Fast), highs.solve(PathChoice::Lp));
        prop_assert_eq!(b.solver, Some(Solver::Highs));
        prop_assert_eq!(&a.slots, &b.slots);
        prop_assert_eq!(a.status == Status::Optimal, b.status == Status::Optimal);
        let mut highs = general.clone();
        highs.c.solver = Solver::Highs;
        let (a, b) = (general.solve(PathChoice::Lp), highs.solve(PathChoice::Lp));
        prop_assert_eq!(a.status == Status::Optimal, b.status == Status::Optimal);
        if a.status == Status::Optimal {
            prop_assert!((a.objective - b.objective).abs() < 1e-9 * a.objective.max(1.0));
        }
    }
}

/// A random instance of realistic size: 8–37 units, laminar regional groups, change limits.
pub(super) fn sweep_case() -> impl Strategy<Value = Case> {
    (8usize..38).prop_flat_map(|n| {
        (
            prop::collection::vec(1u32..1000, n),
            prop::collection::vec(0u64..2, n),
            prop::collection::vec(5u64..80, n),
            100u64..1200,
            prop::collection::vec(0usize..4, n),
            (0.0f64..0.4, 0.2f64..0.7),
            (prop::collection::vec(0.6f64..1.4, n), 1u64..20, 0.05f64..0.5, 0usize..5),
            0usize..3,
            any::<bool>(),
        )
            .prop_map(|(w, lower, cap_frac, total, region, (min, max), change, objective, quota)| {
                let n = w.len();
                let ideal = quotas(&w, total);
                let upper: Vec<u64> = (0..n)
                    .map(|i| lower[i].max((ideal[i] * (1.0 + cap_frac[i] as f64 / 20.0)).ceil() as u64))
                    .collect();
                let mut c = Constraints {
                    objective: Objective::ALL[objective],
                    quota_condition: quota,
                    ..Default::default()
                };
                let members =
                    |r: &[usize]| -> Vec<usize> { (0..n).filter(|&i| r.contains(&region[i])).collect() };
                let round = |x: f64| (x * 1000.0).round() / 1000.0;
                let mut west_ne = group("西部+东北", &members(&[2, 3]));
                west_ne.min_share = Some(round(min));
                let mut east = group("东部", &members(&[0]));
                east.max_share = Some(round(max));
                let mut west = group("西部", &members(&[2]));
                west.min_count = Some((total as f64 * min * 0.5) as u64);
                for g in [west_ne, east, west] {
                    if !g.members.is_empty() {
                        c.groups.push(g);
                    }
                }
                let (jitter, abs, rel, which) = change;
                if which > 0 {
                    c.change = Some(ChangeLimit {
                        previous: (0..n).map(|i| (ideal[i] * jitter[i]).round() as u64).collect(),
                        max_abs: (which != 2).then_some(abs),
                        max_rel: (which >= 2).then_some(round(rel)),
                        combine: if which == 4 { Combine::Either } else { Combine::Both },
                    });
                }
                Case { ideal, lower, upper, total, c }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The fast path and the LP path agree on status, objective and integers.
    #[test]
    fn fast_and_lp_paths_agree(case in sweep_case()) {
        let fast = case.solve(PathChoice::Fast);
        let lp = case.solve(PathChoice::Lp);
        prop_assert_eq!(fast.path, Path::Fast);
        prop_assert_eq!(lp.path, Path::Lp);
        match (&fast.status, &lp.status) {
            (Status::Infeasible { explanation: a }, Status::Infeasible { explanation: b }) => prop_assert_eq!(a, b),
            (Status::Optimal, Status::Optimal) => {
                prop_assert!((fast.objective - lp.objective).abs() <= 1e-9 * fast.objective.max(1.0),
                    "objective {} vs {}", fast.objective, lp.objective);
                prop_assert_eq!(&fast.slots, &lp.slots);
                prop_assert_eq!(&fast.binding, &lp.binding);
            }
            (a, b) => prop_assert!(false, "status {a:?} vs {b:?}"),
        }
    }

    /// With no side constraints the L1 optimum has Hamilton's objective value.
    #[test]
    fn l1_without_side_constraints_is_hamilton(w in prop::collection::vec(0u64..1_000_000, 2..40), total in 1u64..1500) {
        prop_assume!(w.iter().any(|&v| v > 0));
        let p = Problem::new(w.clone(), total).unwrap();
        let h = apportion(&p, Method::Hamilton).seats;
        let s: f64 = w.iter().map(|&v| v as f64).sum();
        let ideal: Vec<f64> = w.iter().map(|&v| total as f64 * v as f64 / s).collect();
        let n = w.len();
        let out = solve(&ideal, &vec![0; n], &vec![total; n], total, &Constraints::default(), &names(n)).unwrap();
        check(&out, &ideal, &vec![0; n], &vec![total; n], total, &Constraints::default()).unwrap();
        prop_assert!((out.objective - l1_distance(&ideal, &h)).abs() < 1e-9 * total as f64);
        // And it is a Hamilton allocation: every unit at ⌊q⌋ or ⌈q⌉.
        for (&x, &q) in out.slots.iter().zip(&ideal) {
            prop_assert!(x as f64 >= q.floor() - 1e-9 && x as f64 <= q.ceil() + 1e-9);
        }
    }
}

// ---- infeasibility: each kind names the contradiction ----

fn explain(case: &Case) -> Infeasibility {
    let get = |path| match case.solve(path).status {
        Status::Infeasible { explanation } => explanation,
        other => panic!("{path:?}: expected infeasible, got {other:?}"),
    };
    let (auto, lp) = (get(PathChoice::Auto), get(PathChoice::Lp));
    assert_eq!(auto, lp, "both paths explain alike");
    lp
}

fn flat(n: usize, total: u64) -> Case {
    Case {
        ideal: vec![total as f64 / n as f64; n],
        lower: vec![0; n],
        upper: vec![total; n],
        total,
        c: Constraints::default(),
    }
}

#[test]
fn floors_above_the_total() {
    let mut case = flat(2, 1039);
    case.lower = vec![600, 440];
    let e = explain(&case);
    assert_eq!(e.message, "floors sum to 1040 > total 1039");
    assert_eq!(e.conflict, vec!["floor of u0 (600)", "floor of u1 (440)"]);
}

#[test]
fn caps_below_the_total() {
    let mut case = flat(2, 1039);
    case.upper = vec![500, 500];
    assert_eq!(explain(&case).message, "caps sum to 1000 < total 1039");
}

#[test]
fn group_minimum_above_its_caps() {
    let mut case = flat(4, 1000);
    case.upper = vec![1000, 1000, 140, 141];
    let mut g = group("西部", &[2, 3]);
    g.min_count = Some(300);
    case.c.groups.push(g);
    let e = explain(&case);
    assert_eq!(e.message, "group 西部 needs ≥ 300 but its caps sum to 281");
    assert_eq!(e.conflict, vec!["cap of u2 (140)", "cap of u3 (141)", "group 西部 min_count 300"]);
}

#[test]
fn group_maximum_below_its_floors() {
    let mut case = flat(4, 100);
    case.lower = vec![30, 30, 0, 0];
    let mut g = group("东部", &[0, 1]);
    g.max_share = Some(0.5);
    case.c.groups.push(g);
    let e = explain(&case);
    assert_eq!(e.message, "group 东部 allows ≤ 50 but its floors sum to 60");
}

#[test]
fn two_group_minimums_above_the_total() {
    let mut case = flat(4, 100);
    let (mut a, mut b) = (group("西部", &[0, 1]), group("东北", &[2]));
    a.min_share = Some(0.6);
    b.min_count = Some(50);
    case.c.groups.extend([a, b]);
    let e = explain(&case);
    assert_eq!(
        e.message,
        "lower bounds (group 西部 min_share 0.6 (≥ 60 of 100), group 东北 min_count 50) sum to 110 > total 100"
    );
}

#[test]
fn change_limit_against_a_floor() {
    let mut case = flat(3, 30);
    case.lower = vec![12, 0, 0];
    case.c.change = Some(ChangeLimit {
        previous: vec![5, 10, 15],
        max_abs: Some(5),
        max_rel: None,
        combine: Combine::Both,
    });
    let e = explain(&case);
    assert_eq!(
        e.message,
        "u0 must get ≥ 12 (floor of u0 (12)) but ≤ 10 (change.max_abs for u0 (previous 5, ±5: 0..10))"
    );
}

#[test]
fn change_limits_against_the_total() {
    let mut case = flat(3, 60);
    case.c.change = Some(ChangeLimit {
        previous: vec![10, 10, 20],
        max_abs: None,
        max_rel: Some(0.15),
        combine: Combine::Both,
    });
    let e = explain(&case);
    assert_eq!(e.message, "upper bounds (change.max_rel for 3 units) sum to 45 < total 60");
}

#[test]
fn custom_constraint_against_caps_is_caught_before_solving() {
    let mut case = flat(3, 30);
    case.upper = vec![8, 30, 30];
    case.c.custom.push(Custom { name: "u0 at least 10".into(), terms: vec![(0, 1)], op: Op::Ge, rhs: 10 });
    let e = explain(&case);
    assert_eq!(
        e.message,
        "custom 'u0 at least 10' needs ≥ 10 but its largest possible value within the bounds is 8"
    );
    assert_eq!(e.conflict, vec!["cap of u0 (8)", "custom 'u0 at least 10': u0 ≥ 10"]);
}

#[test]
fn deletion_filter_finds_a_minimal_conflict() {
    // u0 ≥ u1 + 10 and u1 ≥ u0 − 5 contradict each other; the group and caps are innocent.
    let mut case = flat(4, 40);
    case.upper = vec![30, 30, 30, 30];
    case.c.custom.push(Custom { name: "lead".into(), terms: vec![(0, 1), (1, -1)], op: Op::Ge, rhs: 10 });
    case.c.custom.push(Custom { name: "close".into(), terms: vec![(0, 1), (1, -1)], op: Op::Le, rhs: 5 });
    let mut g = group("pair", &[2, 3]);
    g.min_count = Some(10);
    case.c.groups.push(g);
    let e = explain(&case);
    assert!(e.message.starts_with("no allocation satisfies these constraints together"), "{}", e.message);
    assert_eq!(e.conflict, vec!["custom 'lead': u0 − u1 ≥ 10", "custom 'close': u0 − u1 ≤ 5"]);
}

#[test]
fn overlapping_groups_conflict_is_minimal() {
    // {0,1} ≥ 30 and {1,2} ≥ 30 overlap; with u1 ≤ 5 and total 50 they need 25+25+… > 50.
    let mut case = flat(4, 50);
    case.upper = vec![50, 5, 50, 50];
    let (mut a, mut b, mut c) = (group("A", &[0, 1]), group("B", &[1, 2]), group("D", &[3]));
    a.min_count = Some(30);
    b.min_count = Some(30);
    c.min_count = Some(1);
    case.c.groups.extend([a, b, c]);
    let e = explain(&case);
    assert_eq!(e.conflict, vec!["cap of u1 (5)", "group A min_count 30", "group B min_count 30"]);
}

#[test]
fn fast_path_refuses_what_it_cannot_do() {
    let mut case = flat(3, 30);
    case.c.custom.push(Custom { name: "x".into(), terms: vec![(0, 1)], op: Op::Le, rhs: 20 });
    case.c.path = PathChoice::Fast;
    let e = solve(&case.ideal, &case.lower, &case.upper, 30, &case.c, &names(3)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the fast path does not apply: custom 'x': u0 ≤ 20 needs the LP path; use path = \"auto\" or \"lp\""
    );
    case.c.custom.clear();
    case.c.groups = vec![group("A", &[0, 1]), group("B", &[1, 2])];
    case.c.groups[0].min_count = Some(1);
    case.c.groups[1].min_count = Some(1);
    let e = solve(&case.ideal, &case.lower, &case.upper, 30, &case.c, &names(3)).unwrap_err();
    assert!(e.to_string().contains("groups 'A' and 'B' overlap"), "{e}");
}

#[test]
fn auto_takes_the_lp_path_for_custom_constraints_and_reports_binding() {
    let mut case = flat(3, 30);
    case.ideal = vec![15.0, 10.0, 5.0];
    case.c.custom.push(Custom { name: "u2 ≥ u1".into(), terms: vec![(1, -1), (2, 1)], op: Op::Ge, rhs: 0 });
    let out = case.solve(PathChoice::Auto);
    assert_eq!(out.path, Path::Lp);
    assert_eq!(out.slots[1], out.slots[2]);
    assert!(out.binding.contains(&"custom 'u2 ≥ u1': −u1 + u2 ≥ 0".to_string()), "{:?}", out.binding);
}

#[test]
fn a_zero_time_limit_is_a_status_not_a_panic() {
    let mut case = flat(3, 30);
    case.c.custom.push(Custom { name: "x".into(), terms: vec![(0, 1)], op: Op::Le, rhs: 20 });
    case.c.time_limit = std::time::Duration::ZERO;
    let out = case.solve(PathChoice::Lp);
    assert_eq!(out.status, Status::TimeLimit);
    assert!(out.slots.is_empty());
}

#[test]
fn l1_ties_spread_in_proportion_to_the_ideal_quotas() {
    // The group needs 20 more slots than its quotas; L1 is indifferent where they go; the
    // tie-break spreads them about 2:1 like the quotas 20:10.
    let ideal = [20.0, 10.0, 70.0];
    let mut c = Constraints::default();
    let mut g = group("g", &[0, 1]);
    g.min_count = Some(50);
    c.groups.push(g);
    let out = solve(&ideal, &[0; 3], &[100; 3], 100, &c, &names(3)).unwrap();
    assert_eq!(out.slots, vec![33, 17, 50]);
}

#[test]
fn exact_ties_go_to_the_unit_listed_first() {
    let c = Constraints::default();
    for path in [PathChoice::Fast, PathChoice::Lp] {
        let c = Constraints { path, ..c.clone() };
        let out = solve(&[2.5, 2.5, 5.0], &[0; 3], &[10; 3], 10, &c, &names(3)).unwrap();
        assert_eq!(out.slots, vec![3, 2, 5], "{path:?}");
    }
}

#[cfg(not(feature = "highs"))]
#[test]
fn highs_is_needed_only_on_the_lp_path() {
    let mut case = flat(3, 30);
    case.c.solver = Solver::Highs;
    assert_eq!(case.solve(PathChoice::Auto).path, Path::Fast);
    case.c.custom.push(Custom { name: "x".into(), terms: vec![(0, 1)], op: Op::Le, rhs: 20 });
    let e = solve(&case.ideal, &case.lower, &case.upper, 30, &case.c, &names(3)).unwrap_err();
    assert_eq!(e, OptimizeError::SolverUnavailable(Solver::Highs));
    assert_eq!(e.to_string(), "solver 'highs' is not built in; rebuild with `cargo build --features highs`");
}

#[test]
fn invalid_inputs_are_errors() {
    let c = Constraints::default();
    let e = solve(&[1.0, 1.0], &[0, 0], &[2, 2], 3, &c, &names(2)).unwrap_err();
    assert_eq!(e.to_string(), "the ideal quotas sum to 2, not to the total 3");
    let e = solve(&[f64::NAN, 1.0], &[0, 0], &[2, 2], 1, &c, &names(2)).unwrap_err();
    assert!(matches!(e, OptimizeError::BadIdeal { .. }));
    let e = solve(&[1.0], &[0, 0], &[2, 2], 1, &c, &names(2)).unwrap_err();
    assert!(matches!(e, OptimizeError::Length { .. }));
}

#[test]
fn the_checker_catches_a_tampered_result() {
    let ideal = [40.6, 30.3, 20.1, 9.0];
    let mut c = Constraints::default();
    let mut g = group("C+D", &[2, 3]);
    g.min_share = Some(0.35);
    c.groups.push(g);
    let good = solve(&ideal, &[0; 4], &[100; 4], 100, &c, &names(4)).unwrap();
    check(&good, &ideal, &[0; 4], &[100; 4], 100, &c).unwrap();
    let mut bad = good.clone();
    bad.slots = vec![38, 28, 23, 11];
    assert!(matches!(check(&bad, &ideal, &[0; 4], &[100; 4], 100, &c), Err(OptCheckError::Group { .. })));
    let mut bad = good.clone();
    bad.slots = vec![36, 29, 24, 11];
    bad.objective = l1_distance(&ideal, &bad.slots);
    assert!(matches!(
        check(&bad, &ideal, &[0; 4], &[100; 4], 100, &c),
        Err(OptCheckError::NotOptimal { .. })
    ));
    let mut bad = good;
    bad.objective += 1.0;
    assert!(matches!(check(&bad, &ideal, &[0; 4], &[100; 4], 100, &c), Err(OptCheckError::Objective { .. })));
}

/// Regression: with secant cuts and no start point, the chi-square LP path took 14 rounds of
/// MILP (0.8 s in release, over the 10 s limit in debug) on this instance, where a group
/// minimum pushes several units far from their quotas.
#[test]
fn chi_square_lp_path_does_not_crawl_to_a_distant_optimum() {
    let ideal: Vec<f64> = vec![
        7.455170297637312,
        24.07094200675054,
        14.544891070880638,
        10.378766492789198,
        6.699907947223075,
        16.664498312365755,
        4.970113531758208,
        20.05099723841669,
        17.517213869285058,
        8.551518870819269,
        9.940227063516415,
        16.20159558146671,
        3.751948450444922,
        4.044308069960111,
        13.984535133476527,
        5.213746548020866,
        1.5592513040810065,
        6.090825406566432,
        14.837250690395827,
        11.91365449524394,
        13.667812212335072,
        4.019944768333845,
        9.940227063516415,
        12.815096655415772,
        19.636821110770175,
        22.877140227063517,
        7.211537281374655,
        6.505001534212949,
        22.194967781528074,
        20.952439398588524,
        3.9224915618287817,
        22.29242098803314,
        11.938017796870206,
        0.5847192390303774,
    ];
    let lower: Vec<u64> = vec![
        0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0,
    ];
    let upper: Vec<u64> = vec![
        32, 76, 71, 38, 18, 75, 16, 86, 77, 24, 17, 24, 17, 14, 48, 24, 5, 10, 46, 49, 46, 18, 29, 42, 35,
        100, 34, 13, 84, 99, 7, 47, 46, 3,
    ];
    let mut c = Constraints { objective: Objective::ChiSquare, ..Default::default() };
    c.groups.push(Group {
        name: "西部+东北".into(),
        members: vec![5, 7, 8, 9, 15, 16, 23, 24, 25, 30, 33],
        min_share: Some(0.197),
        max_share: None,
        min_count: None,
        max_count: None,
    });
    c.groups.push(Group {
        name: "东部".into(),
        members: vec![0, 1, 2, 3, 4, 6, 11, 12, 13, 17, 19, 20, 22, 26, 28, 29],
        min_share: None,
        max_share: Some(0.252),
        min_count: None,
        max_count: None,
    });
    c.groups.push(Group {
        name: "西部".into(),
        members: vec![5, 8, 9, 16, 23, 25, 33],
        min_share: None,
        max_share: None,
        min_count: Some(39),
        max_count: None,
    });
    let case = Case { ideal, lower, upper, total: 397, c };
    let fast = case.solve(PathChoice::Fast);
    let lp = case.solve(PathChoice::Lp);
    assert_eq!(lp.status, Status::Optimal);
    assert_eq!(lp.slots, fast.slots);
}

/// The LP path's minimax search starts just below the LP bound; the level boxes there can
/// already be the optimum's (they reach BOX_TOL/w past the start, more than its margin below
/// the bound when w < 1), so they must be tested, not only the levels above them. Here unit 0
/// (q < 1) is pinned to 1 slot: no allocation has a level below (1 − q₀)/q₀, the LP bound
/// is that level, and the next candidate (0.476, where unit 16 may drop to 1 slot) gives a
/// worse answer. Found by `fast_and_lp_paths_agree` (change limits resolved into the boxes).
#[test]
fn minimax_lp_path_tests_the_boxes_at_the_lp_bound() {
    let ideal = vec![
        0.6828691539674199,
        6.749518304431599,
        9.035645472061658,
        4.631634261692065,
        8.867402347171133,
        4.928533893851813,
        2.4939569101418813,
        1.8308810649851113,
        0.7323524259940445,
        8.71895253109126,
        9.550271501138553,
        6.393238745839902,
        6.04685584165353,
        8.550709406200736,
        6.294272201786653,
        5.839026099141706,
        1.9100543002277106,
        9.857067787703626,
        9.886757750919601,
    ];
    let best = (1.0 - ideal[0]) / ideal[0];
    let mut east = group("东部", &[0, 1, 3, 4, 7, 8, 9, 13, 16]);
    east.max_count = Some(29);
    let case = Case {
        ideal,
        lower: vec![1, 2, 5, 2, 3, 3, 2, 1, 1, 3, 5, 4, 2, 3, 4, 4, 1, 3, 4],
        upper: vec![1, 6, 12, 4, 7, 7, 4, 1, 1, 7, 12, 8, 6, 7, 8, 8, 3, 9, 12],
        total: 113,
        c: Constraints { objective: Objective::Minimax, groups: vec![east], ..Default::default() },
    };
    let (fast, lp) = (case.solve(PathChoice::Fast), case.solve(PathChoice::Lp));
    for out in [&fast, &lp] {
        assert_eq!(out.status, Status::Optimal, "{:?}", out.path);
        assert!((out.objective - best).abs() <= 1e-12, "{:?}: level {} vs {best}", out.path, out.objective);
    }
    assert_eq!(lp.slots, fast.slots);
}

/// Integer ideal quotas and a bound of 0: the level-0 boxes (x = q) are the start's boxes, and
/// no candidate above 0 has them. Before they were tested, the LP path answered [5, 5, 3, 3]
/// (level 0.25), which the local exchanges cannot leave because of the custom row.
#[test]
fn minimax_lp_path_reaches_level_zero_with_integer_quotas() {
    let mut c = Constraints { objective: Objective::Minimax, ..Default::default() };
    c.custom.push(Custom { name: "pair".into(), terms: vec![(0, 1), (1, -1)], op: Op::Eq, rhs: 0 });
    let case = Case { ideal: vec![4.0; 4], lower: vec![0; 4], upper: vec![16; 4], total: 16, c };
    let out = case.solve(PathChoice::Lp);
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(out.slots, vec![4, 4, 4, 4]);
    assert_eq!(out.objective.to_bits(), 0.0f64.to_bits());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Dropping one binding side constraint with `solve_with` gives the optimum of the model
    /// written without it — the other units' change limits folded into floors and caps, the
    /// group bound removed from its group — solved on the LP path.
    #[test]
    fn relaxations_are_the_optima_of_the_rewritten_models(case in sweep_case()) {
        let n = case.ideal.len();
        let nm = names(n);
        let full = case.solve(PathChoice::Auto);
        prop_assume!(full.status == Status::Optimal);
        let list = constraints_at(&case.ideal, &case.lower, &case.upper, case.total, &case.c, &nm, &full.slots).unwrap();
        let bound: Vec<String> = list.iter().filter(|k| k.binds).map(|k| k.name.clone()).collect();
        let reported: Vec<String> = full.binding.iter().map(|b| b.split(": at ").next().unwrap().to_string()).collect();
        prop_assert_eq!(bound, reported);
        for k in (0..list.len()).filter(|&k| list[k].binds && list[k].kind.is_side()) {
            let mut active = vec![true; list.len()];
            active[k] = false;
            let relaxed = solve_with(&case.ideal, &case.lower, &case.upper, case.total, &case.c, &nm, &active).unwrap();
            let (mut lower, mut upper) = (case.lower.clone(), case.upper.clone());
            let mut c = case.c.clone();
            c.change = None;
            c.path = PathChoice::Lp;
            for (j, item) in list.iter().enumerate() {
                if let (true, Scope::Unit(i)) = (j != k && item.kind.is_change(), item.scope) {
                    lower[i] = lower[i].max(item.lo);
                    upper[i] = upper[i].min(item.hi);
                }
            }
            if let Scope::Group(g) = list[k].scope {
                let grp = &mut c.groups[g];
                match (list[k].kind, list[k].name.contains("_share")) {
                    (ConstraintKind::GroupMin, true) => grp.min_share = None,
                    (ConstraintKind::GroupMin, false) => grp.min_count = None,
                    (_, true) => grp.max_share = None,
                    (_, false) => grp.max_count = None,
                }
            }
            let rewritten = solve(&case.ideal, &lower, &upper, case.total, &c, &nm).unwrap();
            check(&rewritten, &case.ideal, &lower, &upper, case.total, &c).unwrap();
            prop_assert_eq!(&relaxed.status, &Status::Optimal);
            prop_assert!((relaxed.objective - rewritten.objective).abs() <= 1e-9 * relaxed.objective.max(1.0),
                "dropping {}: objective {} vs {}", list[k].name, relaxed.objective, rewritten.objective);
            prop_assert_eq!(&relaxed.slots, &rewritten.slots, "dropping {}", list[k].name);
            prop_assert!(relaxed.objective <= full.objective + 1e-9 * full.objective.max(1.0));
        }
    }
}

/// A sweep over one case: the case's constraints and bounds with a sequence of ideal quota
/// vectors (re-weighted, summing to the total), sometimes minimax, sometimes with a custom row
/// (the LP path, solved from scratch).
fn prepared_case() -> impl Strategy<Value = (Case, Vec<Vec<f64>>)> {
    (sweep_case(), 0usize..6)
        .prop_flat_map(|(case, variant)| {
            let n = case.ideal.len();
            (Just((case, variant)), prop::collection::vec(prop::collection::vec(0u32..1000, n), 1..12))
        })
        .prop_map(|((mut case, variant), weights)| {
            let total = case.total;
            if variant == 0 {
                case.c.custom.push(Custom {
                    name: "c".into(),
                    terms: vec![(0, 1), (1, -1)],
                    op: Op::Le,
                    rhs: 5,
                });
            }
            if variant == 1 {
                case.c.path = PathChoice::Lp;
            }
            let seq = weights
                .into_iter()
                .filter(|w| w.iter().any(|&x| x > 0))
                .map(|w| quotas(&w, total))
                .chain([case.ideal.clone()])
                .collect();
            (case, seq)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// The prepared model gives `solve_slots`'s status and slots at every point of a sweep, with
    /// one set of buffers carried from point to point.
    #[test]
    fn prepared_solves_like_solve_slots((case, seq) in prepared_case()) {
        let n = case.ideal.len();
        let names = names(n);
        let prepared = Prepared::new(&case.lower, &case.upper, case.total, &case.c, &names);
        let mut work = PreparedWork::default();
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for ideal in &seq {
            let a = prepared.solve_slots(ideal, &case.lower, &case.upper, case.total, &mut work, &mut got);
            let b = solve_slots(ideal, &case.lower, &case.upper, case.total, &case.c, &names, &mut want);
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&got, &want);
        }
    }
}
