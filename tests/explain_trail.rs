#![allow(clippy::needless_range_loop)]
//! The explanation's numbers recompute the allocation: slots rebuilt from the audit trail,
//! next-in-line lists against actual re-runs at N±1..k, queue positions, margins against
//! re-allocation, and the derivation against the scoring model.

mod common;

use proptest::prelude::*;

use quota::allocate::{allocate, scenario_problem, scenario_scores};
use quota::apportion::{apportion, bounded_quotas, priority, Method, Problem, Ratio};
use quota::explain::next::{next_in_line, queue_position, NextInLine};
use quota::explain::trail::{trail, MethodTrail, Trail};
use quota::explain::{margins, Base, BoundState};
use quota::scenario::{MethodChoice, Scenario};

fn default_scenario(method: Option<Method>) -> Scenario {
    let s = common::scenario("2024-batch1");
    match method {
        Some(m) => s.with_method(MethodChoice::Apportion(m)).unwrap(),
        None => s,
    }
}

/// Rebuilds the slots from the trail's own numbers, by the method's definition — written
/// here independently of the library's helpers.
fn rebuild(t: &Trail, p: &Problem) -> Vec<u64> {
    let n = t.units.len();
    match &t.steps {
        MethodTrail::LargestRemainder(h) => {
            // The trail's quotas are the bounded quotas; whole + remainder = quota, exactly.
            for i in 0..n {
                let q = t.units[i].quota.0;
                let r = h.remainders[i].0;
                assert_eq!(q.den, r.den);
                assert_eq!(h.whole[i] as u128 * q.den + r.num, q.num, "whole + remainder = q*");
                assert!(r.num < r.den);
            }
            assert_eq!(h.whole.iter().sum::<u64>() + h.left, t.total);
            // The ranking is by remainder (then the tie-break), and lists every positive one.
            for w in h.ranking.windows(2) {
                let (a, b) = (h.remainders[w[0]].0, h.remainders[w[1]].0);
                assert!(
                    a > b
                        || (a == b
                            && (p.weights()[w[0]], std::cmp::Reverse(w[0]))
                                > (p.weights()[w[1]], std::cmp::Reverse(w[1])))
                );
            }
            assert_eq!(h.ranking.len(), (0..n).filter(|&i| h.remainders[i].0.num > 0).count());
            let mut seats = h.whole.clone();
            for &i in h.ranking.iter().take(h.left as usize) {
                seats[i] += 1;
            }
            seats
        }
        MethodTrail::Divisor(d) => {
            let t_ = d.threshold.0;
            if let Some(li) = &d.last_in {
                assert!(t_ <= li.0, "threshold at most the weakest served claim");
            }
            if let Some(fo) = &d.first_out {
                if d.tied {
                    assert_eq!(t_, fo.0);
                } else {
                    assert!(t_ > fo.0, "threshold above the strongest unserved claim");
                }
            }
            let winners: Vec<usize> = t.ties.iter().flat_map(|x| x.winners.clone()).collect();
            (0..n)
                .map(|i| {
                    let u = &t.units[i];
                    // Count k = 0, 1, … whose priority clears T, up to one past the cap.
                    let mut k = 0u64;
                    while k <= u.cap {
                        let pr = priority(t.method, u.weight, k);
                        let clears =
                            if d.tied { pr > t_ || (pr == t_ && winners.contains(&i)) } else { pr >= t_ };
                        if !clears {
                            break;
                        }
                        k += 1;
                    }
                    assert_eq!(k.min(u.cap + 1), d.counts[i].min(u.cap + 1), "count of unit {i}");
                    k.clamp(u.floor, u.cap)
                })
                .collect()
        }
        MethodTrail::Sequential(q) => {
            assert_eq!(q.start, p.lower().iter().sum::<u64>());
            let mut seats = p.lower().to_vec();
            for (k, s) in q.steps.iter().enumerate() {
                assert_eq!(s.house, q.start + k as u64 + 1);
                assert_eq!(s.unit_slot, seats[s.unit] + 1);
                seats[s.unit] += 1;
            }
            seats
        }
    }
}

#[test]
fn trail_rebuilds_the_default_allocation_for_every_method() {
    for m in Method::ALL {
        let s = default_scenario(Some(m));
        let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
        let t = trail(&p, m);
        let alloc = allocate(&s).unwrap();
        let slots: Vec<u64> = alloc.units.iter().map(|u| u.slots).collect();
        assert_eq!(rebuild(&t, &p), slots, "{m}");
        assert_eq!(t.seats(), slots, "{m}");
        // Quotas are the exact bounded quotas, and free units' quotas are μ·W exactly.
        let q = bounded_quotas(&p);
        let mu = t.scale.unwrap().0;
        for i in 0..p.len() {
            assert_eq!(t.units[i].quota.0, q[i]);
            if t.units[i].bound == BoundState::Free {
                let w = p.weights()[i] as u128;
                assert_eq!(q[i], Ratio::new(mu.num * w, mu.den), "{m}: q* = μ·W for unit {i}");
            }
        }
    }
}

#[test]
fn default_scenario_holds_five_units_at_their_caps() {
    // A regression guard for the trail's bound classification on the bundled data.
    let s = default_scenario(None);
    let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
    let t = trail(&p, Method::Hamilton);
    let capped: Vec<&str> = (0..p.len())
        .filter(|&i| t.units[i].bound == BoundState::AtCap)
        .map(|i| s.units().get(i).code.as_str())
        .collect();
    assert_eq!(capped, vec!["46", "54", "63", "XPCC", "2102"]);
    assert_eq!(t.free_slots, 1039 - (6 + 2 + 11 + 5 + 17));
}

fn problem_strategy() -> impl Strategy<Value = (Vec<u64>, Vec<u64>, Vec<u64>, u64)> {
    (2usize..7).prop_flat_map(|n| {
        (
            prop::collection::vec(0u64..40, n),
            prop::collection::vec(0u64..3, n),
            prop::collection::vec(0u64..25, n),
            1u64..40,
        )
            .prop_map(|(w, l, extra, total)| {
                let u: Vec<u64> = l.iter().zip(&extra).map(|(a, b)| a + b).collect();
                (w, l, u, total)
            })
    })
}

fn feasible(w: &[u64], l: &[u64], u: &[u64], total: u64) -> Option<Problem> {
    Problem::with_bounds(w.to_vec(), l.to_vec(), u.to_vec(), total, &|i| i.to_string()).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn trail_rebuilds_random_allocations((w, l, u, total) in problem_strategy()) {
        let Some(p) = feasible(&w, &l, &u, total) else { return Ok(()) };
        for m in Method::ALL {
            let t = trail(&p, m);
            prop_assert_eq!(rebuild(&t, &p), apportion(&p, m).seats, "{}", m);
        }
    }

    #[test]
    fn next_in_line_agrees_with_reruns((w, l, u, total) in problem_strategy(), k in 1usize..6) {
        if feasible(&w, &l, &u, total).is_none() {
            return Ok(());
        }
        let base = Base { weights: w.clone(), floors: l.clone(), caps: u.clone(), total };
        for m in Method::ALL {
            check_next_in_line(&base, m, k);
        }
    }

    #[test]
    fn divisor_and_quota_methods_never_show_the_alabama_paradox(
        w in prop::collection::vec(1u64..1000, 2..8), total in 1u64..60
    ) {
        let base = Base::from_problem(&Problem::new(w, total).unwrap());
        for m in Method::ALL.into_iter().filter(|&m| m != Method::Hamilton) {
            let totals: Vec<u64> = (total..total + 4).collect();
            let (_, cases, _) = quota::explain::paradox::alabama(&base, m, &totals);
            prop_assert!(cases.is_empty(), "{} shows the Alabama paradox: {:?}", m, cases);
        }
    }

    #[test]
    fn divisor_methods_never_show_the_pairwise_population_paradox(
        w0 in prop::collection::vec(1u64..1000, 3..7), noise in prop::collection::vec(0u64..400, 7), total in 3u64..40
    ) {
        let w1: Vec<u64> = w0.iter().zip(&noise).map(|(a, b)| a + b).collect();
        let (p0, p1) = (Problem::new(w0, total).unwrap(), Problem::new(w1, total).unwrap());
        for m in Method::ALL.into_iter().filter(|m| m.is_divisor()) {
            let r = quota::explain::paradox::population_paradox(&p0, &apportion(&p0, m).seats, &p1, &apportion(&p1, m).seats);
            prop_assert!(r.pairs.is_empty(), "{}: {:?}", m, r.pairs);
        }
    }
}

fn check_next_in_line(base: &Base, m: Method, k: usize) {
    let Ok(p) = base.problem_at(base.total) else { return };
    let seats = apportion(&p, m).seats;
    let run = |t: u64| base.problem_at(t).ok().map(|p| apportion(&p, m).seats);
    match next_in_line(base, m, k).unwrap() {
        NextInLine::Priorities { next, last_in, .. } => {
            let mut s = seats.clone();
            for (j, c) in next.iter().enumerate() {
                assert_eq!(c.house, base.total + j as u64 + 1);
                s[c.unit] += 1;
                assert_eq!(Some(s.clone()), run(c.house), "{m}: next in line, slot {}", c.house);
            }
            if next.len() < k {
                // Nothing more fits: the next total is infeasible.
                assert!(run(base.total + next.len() as u64 + 1).is_none(), "{m}: next list too short");
            }
            let mut s = seats.clone();
            for c in &last_in {
                s[c.unit] -= 1;
                assert_eq!(Some(s.clone()), run(c.house - 1), "{m}: last in, slot {}", c.house);
            }
        }
        NextInLine::Reruns { grow, shrink, .. } => {
            for ch in grow.iter().chain(&shrink) {
                let (a, b) = (run(ch.from_total).unwrap(), run(ch.to_total).unwrap());
                let gains: Vec<usize> = (0..a.len()).filter(|&i| b[i] > a[i]).collect();
                let losses: Vec<usize> = (0..a.len()).filter(|&i| b[i] < a[i]).collect();
                assert_eq!(ch.gains.iter().map(|g| g.unit).collect::<Vec<_>>(), gains);
                assert_eq!(ch.losses.iter().map(|g| g.unit).collect::<Vec<_>>(), losses);
                for g in ch.gains.iter().chain(&ch.losses) {
                    assert_eq!((g.from, g.to), (a[g.unit], b[g.unit]));
                }
            }
        }
    }
}

#[test]
fn next_in_line_agrees_with_reruns_on_the_default_scenario() {
    for m in Method::ALL {
        let s = default_scenario(Some(m));
        let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
        check_next_in_line(&Base::from_scenario(&s, &p), m, 12);
    }
}

#[test]
fn queue_positions_agree_with_reruns() {
    for m in Method::ALL.into_iter().filter(|m| m.is_divisor()) {
        let s = default_scenario(Some(m));
        let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
        let base = Base::from_scenario(&s, &p);
        let seats = apportion(&p, m).seats;
        for u in [0, 18, 25, 36] {
            let pos = queue_position(&base, m, &seats, u).unwrap();
            if let Some(r) = pos.next_rank {
                // At N + r − 1 the unit still has its slots; at N + r it has one more.
                let at = |t: u64| apportion(&base.problem_at(t).unwrap(), m).seats[u];
                assert_eq!(at(s.total() + r - 1), seats[u], "{m} unit {u}");
                assert_eq!(at(s.total() + r), seats[u] + 1, "{m} unit {u}");
            }
            if let Some(r) = pos.last_rank {
                let at = |t: u64| apportion(&base.problem_at(t).unwrap(), m).seats[u];
                assert_eq!(at(s.total() - r + 1), seats[u], "{m} unit {u}");
                assert_eq!(at(s.total() - r), seats[u] - 1, "{m} unit {u}");
            }
        }
    }
}

/// The unit's slots after replacing its raw value of indicator `j`, by the full pipeline.
fn slots_with_value(s: &Scenario, j: usize, u: usize, value: f64) -> u64 {
    let column = &s.indicators()[j].column;
    let s = s.with_indicator_value(column, &s.units().get(u).code, value).unwrap();
    allocate(&s).unwrap().units[u].slots
}

#[test]
fn margins_bracket_a_real_change_of_slots() {
    for m in [Method::Webster, Method::Hamilton] {
        let s = default_scenario(Some(m));
        let u = s.units().position("44").unwrap();
        let now = allocate(&s).unwrap().units[u].slots;
        let ms = margins::margins(&s, m, u);
        let ind: Vec<_> = ms.iter().filter(|x| x.lever == margins::Lever::Indicator).collect();
        assert_eq!(ind.len(), 3);
        for (j, mg) in ind.iter().enumerate() {
            assert_eq!(mg.proven_monotone, m.is_divisor());
            let up = mg.up.as_ref().expect("a big enough rise gains a slot");
            let tol = margins::MARGIN_TOLERANCE * mg.current.max(1.0);
            assert!(up.after - up.before <= tol * 1.000_001, "bisected to the tolerance");
            assert_eq!(slots_with_value(&s, j, u, mg.current + up.before), now);
            assert_eq!(slots_with_value(&s, j, u, mg.current + up.after), up.slots);
            assert_eq!(up.slots, now + 1);
            let down = mg.down.as_ref().expect("a big enough fall loses a slot");
            assert_eq!(slots_with_value(&s, j, u, mg.current - down.before), now);
            assert_eq!(slots_with_value(&s, j, u, mg.current - down.after), down.slots);
            assert_eq!(down.slots, now - 1);
        }
    }
}

#[test]
fn derivation_redoes_the_scoring_model() {
    let s = default_scenario(None);
    let p = scenario_problem(&s, &scenario_scores(&s)).unwrap();
    let alloc = allocate(&s).unwrap();
    for u in 0..s.units().len() {
        let d = quota::explain::derivation::derive(&s, &p, u);
        for step in &d.indicators {
            assert!((step.transformed / step.column_sum - step.normalised).abs() < 1e-15);
            assert!((step.weight * step.normalised - step.contribution).abs() < 1e-18);
        }
        let dev = d.development.as_ref().unwrap();
        assert!((dev.inverse / dev.inverse_sum - dev.term).abs() < 1e-15);
        assert!((d.region_factor * d.adjusted - d.score).abs() < 1e-15);
        assert!((d.ideal - alloc.units[u].ideal).abs() < 1e-9);
        assert_eq!(d.integer_weight, p.weights()[u]);
        assert!((d.integer_weight as f64 - d.share * 1e12).abs() <= 0.5 + 1e-3);
        if d.bound == BoundState::Free {
            assert_eq!(d.quota.0, Ratio::new(d.free_slots as u128 * d.integer_weight as u128, d.free_weight));
        }
    }
}

#[test]
fn the_optimiser_without_constraints_has_a_trail_with_nothing_to_drop() {
    let s = default_scenario(None).with_method(MethodChoice::Optimize).unwrap();
    let ex = quota::explain::explain(&s, &Default::default()).unwrap();
    assert!(ex.trail.is_none());
    let o = ex.optimizer.as_ref().unwrap();
    assert_eq!(ex.slots(), allocate(&s).unwrap().units.iter().map(|u| u.slots).collect::<Vec<_>>());
    // No side constraints: nothing to relax, and the model "without side constraints" is the
    // result itself.
    assert!(o.relaxations.is_empty());
    assert!(o.without_side.dropped.is_empty() && o.without_side.changes.is_empty());
    assert!(o.constraints.iter().all(|k| !k.kind.is_side()));
    // L1 under floors and caps against Hamilton of the same problem: either the same slots, or
    // Hamilton (which rounds the quotas after floors and caps) is farther from q.
    let h = o.hamilton.as_ref().unwrap();
    assert!(h.differs.is_empty() || h.l1 >= o.objective_value - 1e-9);
}
