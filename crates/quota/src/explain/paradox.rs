//! Paradox checks (Balinski & Young, *Fair Representation*, 2nd ed., 2001):
//!
//! - **Alabama paradox**: a unit loses a slot when the total grows, weights unchanged. Checked
//!   at N−1 → N and N → N+1. Hamilton can show it (the textbook case: populations 6, 6, 2 with
//!   10 → 11 seats, where the third state drops from 2 seats to 1; Wikipedia, "Apportionment
//!   paradox"; the paradox is named after Alabama, which would have dropped from 8 to 7 seats
//!   when the 1880 House grew from 299 to 300). Divisor methods and the quota method are house
//!   monotone and never show it.
//! - **Population paradox**: between two data sets (an indicator update), a unit whose share
//!   grew but whose slots fell (or whose share fell but slots grew); and, in Balinski and
//!   Young's pairwise form, a unit whose weight grew relative to another's, yet it lost a slot
//!   while the other gained one — which divisor methods never do.
//! - **Quota rule**: a unit outside `[⌊q⌋, ⌈q⌉]` of its ideal quota `q = N·W/ΣW`. Floors and
//!   caps can force this; a violation beyond the quota after floors and caps `q*` is the
//!   method's own (divisor methods can show one, e.g. Jefferson above quota for a large unit;
//!   Hamilton never does).
//!
//! [`ParadoxProbe`] is the per-scenario version for sweep summaries: it keeps the problems at
//! N−1 and N+1 and their buffers instead of rebuilding them per call (the quota-rule check
//! still allocates for a scenario with a unit outside its quota).

use serde::Serialize;

use super::{Base, Exact, ExplainError};
use crate::allocate::{scenario_problem, scenario_scores};
use crate::apportion::ApportionError;
use crate::apportion::{apportion_seats, bounded_quotas, Method, Problem, Ratio, Scratch};
use crate::scenario::Scenario;

/// A unit that lost a slot when the total grew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlabamaCase {
    /// Unit.
    pub unit: usize,
    /// The smaller total.
    pub from_total: u64,
    /// The larger total.
    pub to_total: u64,
    /// Slots at the smaller total.
    pub from: u64,
    /// Slots at the larger total (fewer).
    pub to: u64,
}

/// Which side of its quota a unit falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaSide {
    /// Fewer than `⌊q⌋`.
    BelowLower,
    /// More than `⌈q⌉`.
    AboveUpper,
}

/// A unit outside its quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaViolation {
    /// Unit.
    pub unit: usize,
    /// Its slots.
    pub slots: u64,
    /// Its ideal quota `N·W/ΣW`.
    pub quota: Exact,
    /// Its quota after floors and caps.
    pub bounded_quota: Exact,
    /// Below or above.
    pub side: QuotaSide,
    /// Whether the slots are within `[⌊q*⌋, ⌈q*⌉]`, so the floors or caps forced it.
    pub forced_by_bounds: bool,
    /// What put the unit outside its quota.
    pub cause: ViolationCause,
    /// The optimiser: the unit's slots in the model without side constraints (`null` for an
    /// apportionment method).
    pub without_side: Option<u64>,
}

/// What put a unit outside its quota (the verdict of a [`QuotaViolation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationCause {
    /// An apportionment method, within its quota after floors and caps: forced by its floor
    /// or cap.
    Bounds,
    /// An apportionment method, outside even its quota after floors and caps: the method's own.
    Method,
    /// The optimiser: within quota in the model without side constraints, so the side
    /// constraints move it out.
    SideConstraints,
    /// The optimiser: outside its quota even without side constraints, so the floors and caps
    /// already do.
    FloorsAndCaps,
}

/// A unit whose share and slots moved in opposite directions between two data sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationCase {
    /// Unit.
    pub unit: usize,
    /// Share `W/ΣW` before.
    pub share_before: f64,
    /// Share after.
    pub share_after: f64,
    /// Slots before.
    pub from: u64,
    /// Slots after.
    pub to: u64,
}

/// Balinski–Young's pairwise population paradox: `unit`'s weight grew relative to `other`'s,
/// yet `unit` lost a slot and `other` gained one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairCase {
    /// The unit that grew relative to the other and lost.
    pub unit: usize,
    /// The unit that gained.
    pub other: usize,
    /// `unit`'s slots before → after.
    pub unit_slots: (u64, u64),
    /// `other`'s slots before → after.
    pub other_slots: (u64, u64),
}

/// The population-paradox check between two data sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationReport {
    /// Share and slots in opposite directions.
    pub cases: Vec<PopulationCase>,
    /// The pairwise form.
    pub pairs: Vec<PairCase>,
}

/// Every paradox check on one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParadoxReport {
    /// Totals at which the method was run.
    pub totals: Vec<u64>,
    /// Alabama cases among those totals.
    pub alabama: Vec<AlabamaCase>,
    /// Quota-rule violations at the scenario's total.
    pub quota_violations: Vec<QuotaViolation>,
    /// Population paradox against a second data set, if one was given.
    pub population: Option<PopulationReport>,
    /// Totals that could not be run, and why.
    pub notes: Vec<String>,
    /// Whether the method is house monotone, so no total can show the Alabama paradox
    /// ([`super::house_monotone`]; the optimiser is not claimed to be).
    pub house_monotone: bool,
}

/// Runs `method` at each total in `totals` (ascending) and reports every unit that holds
/// fewer slots at a larger total than at the next smaller one.
pub fn alabama(base: &Base, method: Method, totals: &[u64]) -> (Vec<u64>, Vec<AlabamaCase>, Vec<String>) {
    let mut scratch = Scratch::default();
    alabama_by(totals, |t| {
        let p = base.problem_at(t).map_err(|e| e.to_string())?;
        let mut seats = Vec::new();
        apportion_seats(&p, method, &mut scratch, &mut seats);
        Ok(seats)
    })
}

/// The Alabama check over `totals` (ascending) for any allocation rule: `at(t)` is the
/// allocation at total `t`, or why there is none (a note; the comparison skips that total).
/// Returns the totals that ran, the cases, and the notes.
pub fn alabama_by(
    totals: &[u64],
    mut at: impl FnMut(u64) -> Result<Vec<u64>, String>,
) -> (Vec<u64>, Vec<AlabamaCase>, Vec<String>) {
    let mut ran = Vec::new();
    let mut cases = Vec::new();
    let mut notes = Vec::new();
    let mut prev: Option<(u64, Vec<u64>)> = None;
    for &t in totals {
        let seats = match at(t) {
            Ok(s) => s,
            Err(e) => {
                notes.push(format!("total {t}: {e}"));
                prev = None;
                continue;
            }
        };
        if let Some((pt, ps)) = &prev {
            for i in 0..seats.len() {
                if seats[i] < ps[i] {
                    cases.push(AlabamaCase {
                        unit: i,
                        from_total: *pt,
                        to_total: t,
                        from: ps[i],
                        to: seats[i],
                    });
                }
            }
        }
        ran.push(t);
        prev = Some((t, seats));
    }
    (ran, cases, notes)
}

/// Units outside their quota (see the module documentation).
pub fn quota_violations(p: &Problem, seats: &[u64]) -> Vec<QuotaViolation> {
    let total = p.total() as u128;
    let ws = p.weight_sum();
    if ws == 0 {
        return Vec::new();
    }
    let mut bounded: Option<Vec<Ratio>> = None;
    let mut out = Vec::new();
    for i in 0..p.len() {
        let (x, nw) = (seats[i] as u128, total * p.weights()[i] as u128);
        let side = if (x + 1) * ws <= nw {
            QuotaSide::BelowLower
        } else if x >= 1 && (x - 1) * ws >= nw {
            QuotaSide::AboveUpper
        } else {
            continue;
        };
        let bq = bounded.get_or_insert_with(|| bounded_quotas(p))[i];
        let (fl, ce) = (bq.num / bq.den, bq.num.div_ceil(bq.den));
        out.push(QuotaViolation {
            unit: i,
            slots: seats[i],
            quota: Exact(Ratio::new(nw, ws)),
            bounded_quota: Exact(bq),
            side,
            forced_by_bounds: fl <= x && x <= ce,
            cause: if fl <= x && x <= ce { ViolationCause::Bounds } else { ViolationCause::Method },
            without_side: None,
        });
    }
    out
}

/// The Alabama check at N−1, N, N+1 and the quota rule at N.
pub fn report(base: &Base, method: Method, seats: &[u64]) -> Result<ParadoxReport, ApportionError> {
    let n = base.total;
    let totals: Vec<u64> =
        [n.checked_sub(1).filter(|&t| t > 0), Some(n), Some(n + 1)].into_iter().flatten().collect();
    let (ran, alabama, notes) = alabama(base, method, &totals);
    let p = base.problem_at(n)?;
    Ok(ParadoxReport {
        totals: ran,
        alabama,
        quota_violations: quota_violations(&p, seats),
        population: None,
        notes,
        house_monotone: super::house_monotone(method),
    })
}

/// The population paradox between two problems over the same units, with their slots.
pub fn population_paradox(
    before: &Problem,
    seats_before: &[u64],
    after: &Problem,
    seats_after: &[u64],
) -> PopulationReport {
    let n = before.len();
    let (wb, wa) = (before.weights(), after.weights());
    let (sb, sa) = (before.weight_sum(), after.weight_sum());
    let mut cases = Vec::new();
    for i in 0..n {
        // share_after vs share_before, exactly: W'_i·ΣW vs W_i·ΣW'.
        let grew = (wa[i] as u128 * sb).cmp(&(wb[i] as u128 * sa));
        let moved = seats_after[i].cmp(&seats_before[i]);
        if grew.is_gt() && moved.is_lt() || grew.is_lt() && moved.is_gt() {
            cases.push(PopulationCase {
                unit: i,
                share_before: wb[i] as f64 / sb as f64,
                share_after: wa[i] as f64 / sa as f64,
                from: seats_before[i],
                to: seats_after[i],
            });
        }
    }
    let mut pairs = Vec::new();
    for i in 0..n {
        if seats_after[i] >= seats_before[i] {
            continue;
        }
        for k in 0..n {
            if k == i || seats_after[k] <= seats_before[k] {
                continue;
            }
            // W'_i/W'_k > W_i/W_k  ⇔  W'_i·W_k > W_i·W'_k.
            if wa[i] as u128 * wb[k] as u128 > wb[i] as u128 * wa[k] as u128 {
                pairs.push(PairCase {
                    unit: i,
                    other: k,
                    unit_slots: (seats_before[i], seats_after[i]),
                    other_slots: (seats_before[k], seats_after[k]),
                });
            }
        }
    }
    PopulationReport { cases, pairs }
}

/// The population paradox between the same scenario on two data sets (`before`, `after`),
/// both allocated by `method`. The units must be the same, in the same order.
pub fn population_paradox_scenarios(
    before: &Scenario,
    after: &Scenario,
    method: Method,
) -> Result<PopulationReport, ExplainError> {
    same_units(before, after)?;
    let pb = scenario_problem(before, &scenario_scores(before))?;
    let pa = scenario_problem(after, &scenario_scores(after))?;
    let mut scratch = Scratch::default();
    let (mut sb, mut sa) = (Vec::new(), Vec::new());
    apportion_seats(&pb, method, &mut scratch, &mut sb);
    apportion_seats(&pa, method, &mut scratch, &mut sa);
    Ok(population_paradox(&pb, &sb, &pa, &sa))
}

/// The population paradox between the same scenario on two data sets, each allocated as
/// `quota allocate` does (any method, the optimisation model included: with `optimize`, the
/// same constraints on both data sets). The units must be the same, in the same order.
pub fn population_paradox_allocated(
    before: &Scenario,
    after: &Scenario,
) -> Result<PopulationReport, ExplainError> {
    same_units(before, after)?;
    let slots = |a: &crate::allocate::Allocation| a.units.iter().map(|u| u.slots).collect::<Vec<_>>();
    let (ab, aa) = (crate::allocate::allocate(before)?, crate::allocate::allocate(after)?);
    Ok(population_paradox(&ab.problem, &slots(&ab), &aa.problem, &slots(&aa)))
}

fn same_units(before: &Scenario, after: &Scenario) -> Result<(), ExplainError> {
    let codes = |s: &Scenario| s.units.as_slice().iter().map(|u| u.code.clone()).collect::<Vec<_>>();
    if codes(before) != codes(after) {
        return Err(ExplainError::DifferentUnits(format!(
            "{} units vs {} units, or another order",
            before.units.len(),
            after.units.len()
        )));
    }
    Ok(())
}

/// Paradox flags of one scenario of a sweep: columns for a sweep summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ParadoxFlags {
    /// Units that lose a slot from N−1 to N or from N to N+1 (Alabama paradox).
    pub alabama: u32,
    /// Units below their lower quota `⌊N·W/ΣW⌋`.
    pub below_quota: u32,
    /// Units above their upper quota `⌈N·W/ΣW⌉`.
    pub above_quota: u32,
    /// Of those, units outside even their quota after floors and caps (the method's own).
    pub beyond_bounded_quota: u32,
}

impl ParadoxFlags {
    /// Column names, in the order of [`ParadoxFlags::values`].
    pub const COLUMNS: [&'static str; 4] =
        ["alabama_units", "below_quota", "above_quota", "beyond_bounded_quota"];

    /// The values, in the order of [`ParadoxFlags::COLUMNS`].
    pub fn values(&self) -> [u32; 4] {
        [self.alabama, self.below_quota, self.above_quota, self.beyond_bounded_quota]
    }

    /// Whether any paradox or violation was found.
    pub fn any(&self) -> bool {
        self.values().iter().any(|&v| v > 0)
    }
}

/// Cheap paradox flags for sweeps. Build once per sweep (with the sweep's floors, caps and
/// total), then call [`ParadoxProbe::flags`] for each scenario's weights and slots.
///
/// ```
/// use quota::apportion::{apportion, Method, Problem};
/// use quota::explain::{Base, ParadoxProbe};
/// let p = Problem::new(vec![6, 6, 2], 10).unwrap();
/// let seats = apportion(&p, Method::Hamilton).seats;
/// let mut probe = ParadoxProbe::new(&Base::from_problem(&p), Method::Hamilton);
/// let flags = probe.flags(&p, &seats);
/// assert_eq!(flags.alabama, 1); // the third unit: 2 slots at 10, 1 at 11
/// ```
#[derive(Debug, Clone)]
pub struct ParadoxProbe {
    method: Method,
    below: Option<Problem>,
    above: Option<Problem>,
    scratch: Scratch,
    buf: Vec<u64>,
}

impl ParadoxProbe {
    /// A probe for problems like `base` (same floors, caps, total), by `method`. Totals where
    /// the bounds make the problem infeasible are skipped.
    pub fn new(base: &Base, method: Method) -> ParadoxProbe {
        let at = |t: Option<u64>| t.filter(|&t| t > 0).and_then(|t| base.problem_at(t).ok());
        ParadoxProbe {
            method,
            below: at(base.total.checked_sub(1)),
            above: at(Some(base.total + 1)),
            scratch: Scratch::default(),
            buf: Vec::new(),
        }
    }

    /// A probe for a scenario (its floors, unclipped caps and total).
    pub fn for_scenario(s: &Scenario, p: &Problem, method: Method) -> ParadoxProbe {
        ParadoxProbe::new(&Base::from_scenario(s, p), method)
    }

    /// Flags for one scenario: `problem` is its problem at N (its weights are used), `seats`
    /// its slots at N by the probe's method.
    pub fn flags(&mut self, problem: &Problem, seats: &[u64]) -> ParadoxFlags {
        let mut marks = Vec::new();
        self.unit_marks(problem, seats, &mut marks);
        let count = |bit: u8| marks.iter().filter(|&&m| m & bit != 0).count() as u32;
        ParadoxFlags {
            alabama: count(MARK_ALABAMA),
            below_quota: count(MARK_BELOW_QUOTA),
            above_quota: count(MARK_ABOVE_QUOTA),
            beyond_bounded_quota: count(MARK_BEYOND_BOUNDED_QUOTA),
        }
    }

    /// The same checks unit by unit: `marks[i]` (resized to the number of units) is a set of
    /// `MARK_*` bits for unit i.
    pub fn unit_marks(&mut self, problem: &Problem, seats: &[u64], marks: &mut Vec<u8>) {
        marks.clear();
        marks.resize(seats.len(), 0);
        for (side, smaller) in [(&mut self.below, true), (&mut self.above, false)] {
            let Some(p) = side.as_mut() else { continue };
            if p.set_weights(problem.weights()).is_err() {
                continue;
            }
            apportion_seats(p, self.method, &mut self.scratch, &mut self.buf);
            for i in 0..seats.len() {
                // N−1 → N: lost if fewer at N; N → N+1: lost if fewer at N+1.
                if (smaller && seats[i] < self.buf[i]) || (!smaller && self.buf[i] < seats[i]) {
                    marks[i] |= MARK_ALABAMA;
                }
            }
        }
        for v in quota_violations(problem, seats) {
            marks[v.unit] |= match v.side {
                QuotaSide::BelowLower => MARK_BELOW_QUOTA,
                QuotaSide::AboveUpper => MARK_ABOVE_QUOTA,
            };
            if !v.forced_by_bounds {
                marks[v.unit] |= MARK_BEYOND_BOUNDED_QUOTA;
            }
        }
    }
}

/// [`ParadoxProbe::unit_marks`]: the unit loses a slot from N−1 to N or from N to N+1.
pub const MARK_ALABAMA: u8 = 1;
/// The unit is below its lower quota `⌊N·W/ΣW⌋`.
pub const MARK_BELOW_QUOTA: u8 = 2;
/// The unit is above its upper quota `⌈N·W/ΣW⌉`.
pub const MARK_ABOVE_QUOTA: u8 = 4;
/// The unit is outside even its quota after floors and caps (the method's own violation).
pub const MARK_BEYOND_BOUNDED_QUOTA: u8 = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apportion::apportion;

    // Wikipedia, "Apportionment paradox" / "Alabama paradox": three states of populations
    // 6, 6, 2 (thousands); Hamilton gives 4, 4, 2 at 10 seats and 5, 5, 1 at 11.
    #[test]
    fn finds_the_textbook_alabama_paradox() {
        let base = Base::from_problem(&Problem::new(vec![6, 6, 2], 10).unwrap());
        let (ran, cases, notes) = alabama(&base, Method::Hamilton, &[9, 10, 11]);
        assert_eq!(ran, vec![9, 10, 11]);
        assert!(notes.is_empty());
        assert_eq!(cases, vec![AlabamaCase { unit: 2, from_total: 10, to_total: 11, from: 2, to: 1 }]);
        for m in Method::ALL.into_iter().filter(|m| *m != Method::Hamilton) {
            assert!(alabama(&base, m, &[9, 10, 11]).1.is_empty(), "{m}");
        }
    }

    // electowiki, "Alabama paradox": four parties 56.7%, 38.5%, 4.2%, 0.6%; Hamilton at 323
    // seats gives C 14 seats, at 324 only 13.
    #[test]
    fn finds_the_four_party_alabama_example() {
        let base = Base::from_problem(&Problem::new(vec![5670, 3850, 420, 60], 323).unwrap());
        let (_, cases, _) = alabama(&base, Method::Hamilton, &[323, 324]);
        assert_eq!(cases, vec![AlabamaCase { unit: 2, from_total: 323, to_total: 324, from: 14, to: 13 }]);
    }

    #[test]
    fn quota_violations_separate_bounds_from_the_method() {
        // Jefferson favours the large: 10 seats over 86, 4, 4, 3, 3 → 10, 0, 0, 0, 0; quota 8.6.
        let p = Problem::new(vec![86, 4, 4, 3, 3], 10).unwrap();
        let seats = apportion(&p, Method::Jefferson).seats;
        let v = quota_violations(&p, &seats);
        assert_eq!(seats[0], 10);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].unit, v[0].side, v[0].forced_by_bounds), (0, QuotaSide::AboveUpper, false));
        // A floor of 1 on a unit of quota 0.1 is above its quota 0.1 → ⌈0.1⌉ = 1 is fine; a
        // floor of 2 is a violation forced by the bounds.
        let p = Problem::with_bounds(vec![99, 1], vec![0, 2], vec![10, 10], 10, &|i| i.to_string()).unwrap();
        let seats = apportion(&p, Method::Hamilton).seats;
        let v = quota_violations(&p, &seats);
        assert_eq!((v.len(), v[0].unit, v[0].forced_by_bounds), (2, 0, true));
    }

    #[test]
    fn population_paradox_compares_shares_exactly() {
        // Unit 0's share grows from 50% to 51% while a made-up result takes a slot from it.
        let before = Problem::new(vec![50, 30, 20], 10).unwrap();
        let after = Problem::new(vec![51, 20, 29], 10).unwrap();
        let r = population_paradox(&before, &[5, 3, 2], &after, &[4, 3, 3]);
        assert_eq!(r.cases.len(), 1);
        assert_eq!((r.cases[0].unit, r.cases[0].from, r.cases[0].to), (0, 5, 4));
        // 0 grew relative to 2? 51/29 < 50/20: no. So no pairwise case.
        assert!(r.pairs.is_empty());
    }
}
