//! Streaming per-unit summaries: one integer histogram of slot values per unit.
//!
//! A unit's slots lie in [floor, cap] (cap ≤ total), so its histogram has at most
//! `cap − floor + 1` bins; the memory of a sweep is O(units × cap) whatever the number of
//! scenarios, and every statistic is exact: min, max and the quantiles are slot counts read off
//! the histogram, the probability of differing from the baseline is a count over the number of
//! scenarios. Merging two tallies adds integers, so the result does not depend on how the
//! scenarios were split among threads.
//!
//! **Quantile definition.** The p-quantile is the smallest slot value v such that at least a
//! fraction p of the scenarios have at most v slots: the ⌈p·n⌉-th smallest value (n the number
//! of feasible scenarios; rank 1 when p·n < 1). This is the inverse of the empirical
//! distribution function (Hyndman & Fan 1996, definition 1); on integer data it is always an
//! attained value, so "p5 = 31" means at least 5% of scenarios gave 31 slots or fewer. The
//! median is the p = 0.5 quantile (the lower median when n is even).

use serde::{Deserialize, Serialize};

use crate::funding::FundingRules;
use crate::scenario::Scenario;

use super::oat::OatResult;

/// Per-unit histograms of slot values over the scenarios of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    lo: Vec<u64>,
    offset: Vec<usize>,
    /// Per unit, `offset − lo` (wrapping): the count of x slots is at `base + x`.
    base: Vec<usize>,
    counts: Vec<u64>,
    /// Feasible scenarios recorded.
    pub scenarios: u64,
    /// Scenarios whose parameters gave no feasible allocation (not in the histograms).
    pub infeasible: u64,
    /// Per unit, scenarios carrying each paradox mark (in `MARK_*` bit order of
    /// [`crate::explain::paradox`]); empty unless the sweep checks paradoxes.
    paradox: Vec<[u64; 4]>,
}

impl Tally {
    /// An empty tally for units with these floors and caps.
    pub fn new(lower: &[u64], upper: &[u64]) -> Tally {
        let mut offset = Vec::with_capacity(lower.len() + 1);
        let mut at = 0usize;
        for (l, u) in lower.iter().zip(upper) {
            offset.push(at);
            at += (u - l + 1) as usize;
        }
        offset.push(at);
        let base = offset.iter().zip(lower).map(|(&at, &l)| at.wrapping_sub(l as usize)).collect();
        Tally {
            lo: lower.to_vec(),
            offset,
            base,
            counts: vec![0; at],
            scenarios: 0,
            infeasible: 0,
            paradox: Vec::new(),
        }
    }

    /// The same tally, also counting paradox marks per unit ([`Tally::record_marks`]).
    pub fn with_paradoxes(mut self) -> Tally {
        self.paradox = vec![[0; 4]; self.lo.len()];
        self
    }

    /// Records one scenario's paradox marks (bits of `ParadoxProbe::unit_marks`, one byte per
    /// unit), for a tally made [`with_paradoxes`](Tally::with_paradoxes).
    #[inline]
    pub fn record_marks(&mut self, marks: &[u8]) {
        for (counts, &m) in self.paradox.iter_mut().zip(marks) {
            for (bit, c) in counts.iter_mut().enumerate() {
                *c += u64::from(m >> bit & 1);
            }
        }
    }

    /// Records one scenario's slots (each within its unit's bounds).
    #[inline]
    pub fn record(&mut self, slots: &[u64]) {
        debug_assert!(slots.iter().zip(&self.lo).all(|(x, l)| x >= l), "slots below a floor");
        for (&x, &base) in slots.iter().zip(&self.base) {
            self.counts[base.wrapping_add(x as usize)] += 1;
        }
        self.scenarios += 1;
    }

    /// The tally of `slots`: runs of `units` slot counts each, one after another (what the
    /// Sobol and Morris designs hold), every run feasible.
    pub fn of_runs(lower: &[u64], upper: &[u64], slots: &[u32], units: usize) -> Tally {
        let mut tally = Tally::new(lower, upper);
        let mut row = vec![0u64; units];
        for run in slots.chunks(units.max(1)) {
            for (r, &s) in row.iter_mut().zip(run) {
                *r = s as u64;
            }
            tally.record(&row);
        }
        tally
    }

    /// Adds another tally of the same units.
    pub fn merge(&mut self, other: &Tally) {
        debug_assert_eq!(self.offset, other.offset);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.scenarios += other.scenarios;
        self.infeasible += other.infeasible;
        for (a, b) in self.paradox.iter_mut().zip(&other.paradox) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Clears all counts.
    pub fn reset(&mut self) {
        self.counts.fill(0);
        self.scenarios = 0;
        self.infeasible = 0;
        self.paradox.fill([0; 4]);
    }

    /// The tally as data: every unit's histogram as `(slots, scenarios)` pairs (the form a
    /// sharded sweep's partial carries; [`Tally::add`] reads it back).
    pub fn data(&self) -> TallyData {
        TallyData {
            scenarios: self.scenarios,
            infeasible: self.infeasible,
            histograms: (0..self.lo.len()).map(|i| self.histogram(i).collect()).collect(),
            paradoxes: (!self.paradox.is_empty()).then(|| self.paradox.clone()),
        }
    }

    /// Adds a tally given as data (from [`Tally::data`] of a tally of the same units and
    /// bounds, possibly read from a file): refused, with what is wrong, unless every unit has
    /// a histogram whose slot values lie within its bounds and whose counts add up to the
    /// scenarios, and the paradox counts are present exactly when this tally counts them.
    pub fn add(&mut self, d: &TallyData) -> Result<(), String> {
        if d.histograms.len() != self.lo.len() {
            return Err(format!("{} unit histograms, expected {}", d.histograms.len(), self.lo.len()));
        }
        let counting = !self.paradox.is_empty();
        if d.paradoxes.is_some() != counting || d.paradoxes.as_ref().is_some_and(|p| p.len() != self.lo.len())
        {
            return Err("paradox counts do not match the sweep's --paradoxes".into());
        }
        let mut sum = self.clone();
        sum.reset();
        for (i, h) in d.histograms.iter().enumerate() {
            let mut n = 0u64;
            for &(v, c) in h {
                if v < self.lo[i] || v - self.lo[i] >= (self.offset[i + 1] - self.offset[i]) as u64 {
                    return Err(format!("unit {}: {v} slots is outside its bounds", i + 1));
                }
                sum.counts[self.offset[i] + (v - self.lo[i]) as usize] += c;
                n = n.checked_add(c).ok_or("a histogram count overflows")?;
            }
            if n != d.scenarios {
                return Err(format!(
                    "unit {}: its histogram counts {n} scenarios, not {}",
                    i + 1,
                    d.scenarios
                ));
            }
        }
        sum.scenarios = d.scenarios;
        sum.infeasible = d.infeasible;
        if let Some(p) = &d.paradoxes {
            sum.paradox.clone_from(p);
        }
        self.merge(&sum);
        Ok(())
    }

    /// Unit i's histogram: `(slots, scenarios)` for every slot value seen.
    pub fn histogram(&self, i: usize) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts[self.offset[i]..self.offset[i + 1]]
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(move |(k, &c)| (self.lo[i] + k as u64, c))
    }

    /// The ⌈p·n⌉-th smallest value of unit i, p = `percent`/100 (see the module docs).
    pub fn quantile(&self, i: usize, percent: u64) -> Option<u64> {
        let n = self.scenarios;
        if n == 0 {
            return None;
        }
        let rank = (percent as u128 * n as u128).div_ceil(100).max(1) as u64;
        let mut seen = 0u64;
        for (v, c) in self.histogram(i) {
            seen += c;
            if seen >= rank {
                return Some(v);
            }
        }
        None
    }

    /// Scenarios in which unit i got exactly `slots`.
    pub fn count(&self, i: usize, slots: u64) -> u64 {
        if slots < self.lo[i] || self.offset[i] + ((slots - self.lo[i]) as usize) >= self.offset[i + 1] {
            return 0;
        }
        self.counts[self.offset[i] + (slots - self.lo[i]) as usize]
    }

    /// The per-unit summaries against the baseline slots.
    pub fn summarise(&self, s: &Scenario, baseline: &[u64]) -> Vec<UnitSummary> {
        (0..self.lo.len())
            .map(|i| {
                let u = s.units.get(i);
                let n = self.scenarios;
                let q = |p| self.quantile(i, p).unwrap_or(baseline[i]);
                let sum: u128 = self.histogram(i).map(|(v, c)| v as u128 * c as u128).sum();
                let differ = n - self.count(i, baseline[i]);
                let f = |x: u64| s.funding.funding(x).total_wan;
                UnitSummary {
                    code: u.code.clone(),
                    name: u.name_zh.clone(),
                    name_en: u.name_en.clone(),
                    baseline: baseline[i],
                    min: q(0),
                    p5: q(5),
                    median: q(50),
                    p95: q(95),
                    max: q(100),
                    mean: if n == 0 { baseline[i] as f64 } else { sum as f64 / n as f64 },
                    differ,
                    p_differ: if n == 0 { 0.0 } else { differ as f64 / n as f64 },
                    funding_baseline_wan: f(baseline[i]),
                    funding_min_wan: f(q(0)),
                    funding_max_wan: f(q(100)),
                    paradoxes: self.paradox.get(i).map(|&[alabama, below, above, beyond]| UnitParadoxes {
                        alabama,
                        below_quota: below,
                        above_quota: above,
                        beyond_bounded_quota: beyond,
                    }),
                }
            })
            .collect()
    }
}

/// A [`Tally`] as data (see [`Tally::data`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyData {
    /// Feasible scenarios.
    pub scenarios: u64,
    /// Infeasible scenarios.
    pub infeasible: u64,
    /// Per unit, in unit order: `[slots, scenarios]` for every slot value seen, ascending.
    pub histograms: Vec<Vec<(u64, u64)>>,
    /// Per unit, scenarios with each paradox mark (Alabama, below quota, above quota, beyond
    /// the bounded quota), when the sweep checks paradoxes.
    pub paradoxes: Option<Vec<[u64; 4]>>,
}

/// One unit's line of a sweep summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Slots at the scenario's own parameters.
    pub baseline: u64,
    /// Fewest slots over the sweep.
    pub min: u64,
    /// 5% quantile (see the module docs).
    pub p5: u64,
    /// Median (the lower median).
    pub median: u64,
    /// 95% quantile.
    pub p95: u64,
    /// Most slots.
    pub max: u64,
    /// Mean slots (an exact count sum divided by n).
    pub mean: f64,
    /// Scenarios in which the unit's slots differ from the baseline (0 for the one-at-a-time
    /// design, whose `p_differ` is a share of the range's length).
    pub differ: u64,
    /// `differ / n`.
    pub p_differ: f64,
    /// Funding at the baseline, 万元.
    pub funding_baseline_wan: u64,
    /// Funding at the fewest slots, 万元.
    pub funding_min_wan: u64,
    /// Funding at the most slots, 万元.
    pub funding_max_wan: u64,
    /// Paradox counts, when the sweep checks them (`--paradoxes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paradoxes: Option<UnitParadoxes>,
}

/// In how many of a sweep's feasible scenarios one unit shows each paradox (exact counts; see
/// [`crate::explain::paradox`] for the definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnitParadoxes {
    /// It loses a slot from N−1 to N or from N to N+1 (Alabama paradox).
    pub alabama: u64,
    /// Below its lower quota `⌊N·W/ΣW⌋`.
    pub below_quota: u64,
    /// Above its upper quota `⌈N·W/ΣW⌉`.
    pub above_quota: u64,
    /// Outside even its quota after floors and caps (the method's own violation).
    pub beyond_bounded_quota: u64,
}

/// Funding of `slots` (万元), for charts and tables.
pub fn funding_wan(rules: &FundingRules, slots: u64) -> u64 {
    rules.funding(slots).total_wan
}

/// The one-at-a-time summary: t uniform on each factor's range, factors equally weighted;
/// quantiles by length (the same definition as [`Tally::quantile`]'s, with lengths in place
/// of counts). `differ` is 0 and `p_differ` the share of the ranges' length on which the slots
/// differ from the baseline.
pub fn oat_summary(s: &Scenario, baseline: &[u64], results: &[OatResult]) -> Vec<UnitSummary> {
    (0..baseline.len())
        .map(|i| {
            let mut mass: Vec<(u64, f64)> = Vec::new();
            for r in results {
                let len = r.hi - r.lo;
                for p in r.unit_pieces(i) {
                    if let Some(x) = p.slots {
                        mass.push((x, (p.to - p.from) / len / results.len() as f64));
                    }
                }
            }
            mass.sort_by_key(|m| m.0);
            let total: f64 = mass.iter().map(|m| m.1).sum();
            let q = |p: f64| {
                let mut acc = 0.0;
                for &(x, w) in &mass {
                    acc += w;
                    if acc >= p * total - 1e-12 {
                        return x;
                    }
                }
                mass.last().map_or(baseline[i], |m| m.0)
            };
            // A fold from +0.0 (an empty float `sum` is −0.0, which would print as "-0.0000").
            let differ = mass.iter().filter(|m| m.0 != baseline[i]).fold(0.0, |a, m| a + m.1);
            let mean = mass.iter().map(|m| m.0 as f64 * m.1).sum::<f64>() / total.max(f64::MIN_POSITIVE);
            let u = s.units.get(i);
            let f = |x: u64| s.funding.funding(x).total_wan;
            let (min, max) =
                (mass.first().map_or(baseline[i], |m| m.0), mass.last().map_or(baseline[i], |m| m.0));
            UnitSummary {
                code: u.code.clone(),
                name: u.name_zh.clone(),
                name_en: u.name_en.clone(),
                baseline: baseline[i],
                min,
                p5: q(0.05),
                median: q(0.5),
                p95: q(0.95),
                max,
                mean,
                differ: 0,
                p_differ: differ / total.max(f64::MIN_POSITIVE),
                funding_baseline_wan: f(baseline[i]),
                funding_min_wan: f(min),
                funding_max_wan: f(max),
                paradoxes: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_the_inverse_empirical_cdf() {
        let mut t = Tally::new(&[0], &[10]);
        for x in [1, 2, 2, 3, 7, 7, 7, 9, 10, 10] {
            t.record(&[x]);
        }
        // n = 10: p5 → rank 1, median → rank 5, p95 → rank 10.
        assert_eq!(t.quantile(0, 0), Some(1));
        assert_eq!(t.quantile(0, 5), Some(1));
        assert_eq!(t.quantile(0, 50), Some(7));
        assert_eq!(t.quantile(0, 95), Some(10));
        assert_eq!(t.quantile(0, 100), Some(10));
        assert_eq!(t.count(0, 7), 3);
        assert_eq!(t.count(0, 11), 0);
    }

    #[test]
    fn merging_is_order_free() {
        let mut a = Tally::new(&[1, 0], &[5, 3]);
        let mut b = a.clone();
        a.record(&[2, 3]);
        b.record(&[5, 0]);
        b.record(&[1, 1]);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.scenarios, 3);
        assert_eq!(ab.histogram(0).collect::<Vec<_>>(), vec![(1, 1), (2, 1), (5, 1)]);
    }
}
