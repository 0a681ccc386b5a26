//! Metrics of one allocation, as `quota compare` reports them for every scheme × method column.
//!
//! Definitions (x_i: the column's slots; N: the total; l_i, c_i: the unit's floor and cap):
//!
//! - **Single-indicator proportional split** p^j ([`proportional_split`]): N apportioned in
//!   proportion to indicator j alone — to s_ij, the indicator as the scenario normalises it
//!   (for the default `share` normalisation, the raw values x_ij / Σ x_j) — by the column's own
//!   apportionment method, with **no floors, caps or regional-disparity term**. It is the same
//!   reference for every weighting scheme, so the deviation from it measures everything the
//!   scenario does beyond "follow indicator j": the other indicators' weight, the disparity
//!   term and the bounds.
//! - **Deviation** from a reference r ([`deviation`]): total Σ_i |x_i − r_i| and maximum
//!   max_i |x_i − r_i| (with the first unit that reaches it). Integers, exact. When both sum
//!   to N, the total is twice the number of slots that would have to move.
//! - **Gini of slots per 小巨人 firm** ([`gini_per_firm`]): the firm-weighted Gini coefficient
//!   of r_i = x_i / g_i, g_i the unit's number of 小巨人 firms — each firm counts once, with its
//!   unit's slots per firm, as a population-weighted Gini counts each person once:
//!
//!   ```text
//!   G = Σ_i Σ_k g_i g_k |r_i − r_k| / (2 · (Σ g)² · r̄),   r̄ = Σ x / Σ g
//!     = Σ_i Σ_k |x_i g_k − x_k g_i| / (2 · Σ g · Σ x)       (sums over units with g > 0)
//!   ```
//!
//!   equivalently 1 − Σ_k (P_k − P_{k−1})(L_k + L_{k−1}) on the Lorenz curve of slots (L)
//!   against firms (P), units ordered by r. G = 0 when slots are exactly proportional to 小巨人
//!   firms; G → 1 when one unit's firms hold all slots. Computed exactly as a fraction of
//!   integers (shown as a decimal). **Units with 0 小巨人 firms** have no slots-per-firm ratio
//!   (x/0) and weight 0 in a firm-weighted index, so they are left out of G; their number and
//!   the slots they still receive (floors, other indicators) are reported beside it. G is
//!   undefined (None) when no unit has a 小巨人 firm or those that do receive no slot.
//! - **Region shares** ([`region_slots`]): Σ x_i over the units of each NBS region
//!   (东部/中部/西部/东北), and that over Σ x.
//! - **At floor / at cap**: units with x_i = l_i, and units with x_i = c_i. A unit whose floor
//!   equals its cap is counted in both.
//! - **Ties**: the ties that decided a slot, as the apportionment reports them (one per group
//!   of equal priorities; [`crate::apportion::TIE_BREAK_RULE`]).
//! - **Quota-rule violations** ([`quota_violations`]): units with x_i < ⌊q_i⌋ (below lower
//!   quota) or x_i > ⌈q_i⌉ (above upper quota), against two quotas, both exact fractions:
//!   - the **bounded quota** q*_i: the proportional share after floors and caps
//!     ([`crate::apportion::bounded_quotas`]), which is what every method rounds. Hamilton
//!     never violates it (the checker verifies it); a divisor method may (Jefferson favours
//!     large units, Adams small ones) — a property of the method, not of the bounds;
//!   - the **ideal quota** q_i = N · w_i / Σ w ([`ideal_quotas`], w the exact integer weights),
//!     before floors and caps. Against q_i a violation may be the method's or a bound's doing
//!     (a unit capped below its quota, a floor above it) — what a province would see when it
//!     compares its slots with its proportional share.
//!
//!   For Hamilton the meaningful count is the one against q* (always 0); for the other
//!   methods, the one against q. Both are reported for every column.

use serde::Serialize;

use super::CompareError;
use crate::allocate::Allocation;
use crate::apportion::{apportion, Method, Problem, Ratio};
use crate::check;
use crate::scenario::Scenario;
use crate::scoring::integer_weights;
use crate::units::Region;

/// N apportioned in proportion to one indicator alone (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    /// The indicator (column name).
    pub indicator: String,
    /// The apportionment method.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Slots per unit, summing to N.
    pub slots: Vec<u64>,
}

fn method_name<S: serde::Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

/// The scenario's total apportioned by `method` in proportion to its indicator `j` (as the
/// scenario normalises it), without floors, caps or disparity term. Checked by
/// [`check::check_apportionment`].
pub fn proportional_split(s: &Scenario, j: usize, method: Method) -> Result<Split, CompareError> {
    let indicator = s.indicators[j].column.clone();
    let mut w = Vec::with_capacity(s.units.len());
    integer_weights(&s.model.normalised[j], &mut w)
        .map_err(|source| CompareError::SplitScoring { indicator: indicator.clone(), source })?;
    let p = Problem::new(w, s.total)
        .map_err(|source| CompareError::SplitApportion { indicator: indicator.clone(), source })?;
    let a = apportion(&p, method);
    check::check_apportionment(&p, &a)
        .map_err(|source| CompareError::SplitCheck { indicator: indicator.clone(), source })?;
    Ok(Split { indicator, method, slots: a.seats })
}

/// Total and maximum absolute difference between two slot vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// Σ_i |x_i − r_i|.
    pub total: u64,
    /// max_i |x_i − r_i|.
    pub max: u64,
    /// The first unit (index) with the maximum; None when the vectors are equal.
    pub max_unit: Option<usize>,
}

/// The deviation of `slots` from `reference` (same length).
pub fn deviation(slots: &[u64], reference: &[u64]) -> Deviation {
    assert_eq!(slots.len(), reference.len(), "one value per unit");
    let mut d = Deviation { total: 0, max: 0, max_unit: None };
    for (i, (&x, &r)) in slots.iter().zip(reference).enumerate() {
        let e = x.abs_diff(r);
        d.total += e;
        if e > d.max {
            d.max = e;
            d.max_unit = Some(i);
        }
    }
    d
}

/// The firm-weighted Gini coefficient of slots per 小巨人 firm (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gini {
    /// G as an exact fraction; None when undefined (no firm, or no slot to units with firms).
    pub ratio: Option<Ratio>,
    /// Units with at least one firm (those G is computed over).
    pub units: usize,
    /// Units with no firm (left out of G).
    pub units_without_firms: usize,
    /// Slots those units receive.
    pub slots_without_firms: u64,
}

impl Gini {
    /// G as a decimal, for display.
    pub fn value(&self) -> Option<f64> {
        self.ratio.map(|r| r.to_f64())
    }
}

/// G = Σ_i Σ_k |x_i g_k − x_k g_i| / (2 · Σg · Σx) over the units with g > 0, exactly.
///
/// Exactness needs x_i·g_k and the double sum to fit in `u128`: true for slot counts up to
/// [`crate::apportion::MAX_SEATS`] and firm counts up to 10^12 over any realistic number of
/// units.
pub fn gini_per_firm(slots: &[u64], firms: &[u64]) -> Gini {
    assert_eq!(slots.len(), firms.len(), "one value per unit");
    let with: Vec<usize> = (0..slots.len()).filter(|&i| firms[i] > 0).collect();
    let without = slots.len() - with.len();
    let slots_without = (0..slots.len()).filter(|&i| firms[i] == 0).map(|i| slots[i]).sum();
    let g_sum: u128 = with.iter().map(|&i| firms[i] as u128).sum();
    let x_sum: u128 = with.iter().map(|&i| slots[i] as u128).sum();
    let ratio = (g_sum > 0 && x_sum > 0).then(|| {
        let mut num = 0u128;
        for &i in &with {
            for &k in &with {
                let a = slots[i] as u128 * firms[k] as u128;
                let b = slots[k] as u128 * firms[i] as u128;
                num += a.abs_diff(b);
            }
        }
        Ratio::new(num, 2 * g_sum * x_sum).reduced()
    });
    Gini { ratio, units: with.len(), units_without_firms: without, slots_without_firms: slots_without }
}

/// Slots of one NBS region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegionSlots {
    /// The region.
    pub region: Region,
    /// Σ slots of its units.
    pub slots: u64,
    /// slots / Σ slots (0 when nothing is allocated).
    pub share: f64,
}

/// Slots and share of each of the four NBS regions, in [`Region::ALL`] order (a region with
/// no unit appears with 0).
pub fn region_slots(slots: &[u64], regions: &[Region]) -> Vec<RegionSlots> {
    assert_eq!(slots.len(), regions.len(), "one value per unit");
    let total: u64 = slots.iter().sum();
    Region::ALL
        .iter()
        .map(|&region| {
            let s: u64 = slots.iter().zip(regions).filter(|(_, &r)| r == region).map(|(&x, _)| x).sum();
            RegionSlots { region, slots: s, share: if total == 0 { 0.0 } else { s as f64 / total as f64 } }
        })
        .collect()
}

/// Units (indices) that break the quota rule against some quotas.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct QuotaViolations {
    /// Units with x_i < ⌊q_i⌋.
    pub below: Vec<usize>,
    /// Units with x_i > ⌈q_i⌉.
    pub above: Vec<usize>,
}

impl QuotaViolations {
    /// Number of units outside quota.
    pub fn count(&self) -> usize {
        self.below.len() + self.above.len()
    }
}

/// The units whose slots lie outside [⌊q_i⌋, ⌈q_i⌉] (exact comparisons).
pub fn quota_violations(slots: &[u64], quotas: &[Ratio]) -> QuotaViolations {
    assert_eq!(slots.len(), quotas.len(), "one value per unit");
    let mut v = QuotaViolations::default();
    for (i, (&x, q)) in slots.iter().zip(quotas).enumerate() {
        let floor = q.floor();
        let ceil = floor + u128::from(!q.num.is_multiple_of(q.den));
        if (x as u128) < floor {
            v.below.push(i);
        } else if x as u128 > ceil {
            v.above.push(i);
        }
    }
    v
}

/// The ideal (unbounded) quotas q_i = N · w_i / Σ w of a problem, exactly, over one common
/// denominator Σ w.
pub fn ideal_quotas(p: &Problem) -> Vec<Ratio> {
    let total = p.total() as u128;
    p.weights().iter().map(|&w| Ratio::new(total * w as u128, p.weight_sum())).collect()
}

/// Every metric of one allocation (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Deviation from each single-indicator split, in the order of the splits given.
    pub deviations: Vec<Deviation>,
    /// Gini of slots per 小巨人 firm.
    pub gini: Gini,
    /// Slots and shares by NBS region.
    pub regions: Vec<RegionSlots>,
    /// Units with slots = floor.
    pub at_floor: usize,
    /// Units with slots = cap.
    pub at_cap: usize,
    /// Ties that decided a slot.
    pub ties: usize,
    /// Quota-rule violations against the bounded quota q* (None without an exact apportionment).
    pub bounded_violations: Option<QuotaViolations>,
    /// Quota-rule violations against the ideal quota q.
    pub ideal_violations: QuotaViolations,
    /// Deviation from the baseline allocation (Σ|Δ| is twice the slots moved).
    pub vs_baseline: Deviation,
}

/// The metrics of allocation `a` against the single-indicator `splits` (computed with `a`'s
/// method), the number of 小巨人 firms per unit `firms`, and the `baseline` slots.
pub fn metrics(
    a: &Allocation,
    splits: &[&Split],
    firms: &[u64],
    baseline: &[u64],
) -> Result<Metrics, CompareError> {
    let n = a.units.len();
    let check = |what: &'static str, got: usize| {
        if got == n {
            Ok(())
        } else {
            Err(CompareError::Length { what, got, expected: n })
        }
    };
    check("firms per unit", firms.len())?;
    check("baseline slots", baseline.len())?;
    for s in splits {
        check("single-indicator split", s.slots.len())?;
    }
    let slots: Vec<u64> = a.units.iter().map(|u| u.slots).collect();
    let regions: Vec<Region> = a.units.iter().map(|u| u.region).collect();
    Ok(Metrics {
        deviations: splits.iter().map(|s| deviation(&slots, &s.slots)).collect(),
        gini: gini_per_firm(&slots, firms),
        regions: region_slots(&slots, &regions),
        at_floor: a.units.iter().filter(|u| u.slots == u.floor).count(),
        at_cap: a.units.iter().filter(|u| u.slots == u.cap).count(),
        ties: a.ties.len(),
        bounded_violations: a.apportionment.as_ref().map(|ap| quota_violations(&slots, &ap.quotas)),
        ideal_violations: quota_violations(&slots, &ideal_quotas(&a.problem)),
        vs_baseline: deviation(&slots, baseline),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The Lorenz-curve form, in floats: an independent computation of the same G.
    fn gini_lorenz(slots: &[u64], firms: &[u64]) -> f64 {
        let mut units: Vec<usize> = (0..slots.len()).filter(|&i| firms[i] > 0).collect();
        // Order by slots per firm, x_i/g_i, compared exactly by cross-multiplication.
        units.sort_by(|&i, &k| {
            (slots[i] as u128 * firms[k] as u128).cmp(&(slots[k] as u128 * firms[i] as u128))
        });
        let g: f64 = units.iter().map(|&i| firms[i] as f64).sum();
        let x: f64 = units.iter().map(|&i| slots[i] as f64).sum();
        let (mut p, mut l, mut area) = (0.0, 0.0, 0.0);
        for &i in &units {
            let (p1, l1) = (p + firms[i] as f64 / g, l + slots[i] as f64 / x);
            area += (p1 - p) * (l1 + l);
            (p, l) = (p1, l1);
        }
        1.0 - area
    }

    #[test]
    fn gini_of_a_hand_computed_case() {
        // Two units, one firm each, 1 and 3 slots: pairs |1−3| twice, 2·Σg·Σx = 2·2·4 → 4/16.
        let g = gini_per_firm(&[1, 3], &[1, 1]);
        assert_eq!(g.ratio, Some(Ratio::new(1, 4)));
        // Firm-weighted: A has 2 firms and 2 slots (1 per firm), B 1 firm and 3 slots (3 per
        // firm). Firms' values {1, 1, 3}: Σ|v_i − v_k| = 8, 2·n²·mean = 2·9·5/3 = 30 → 4/15.
        let g = gini_per_firm(&[2, 3], &[2, 1]);
        assert_eq!(g.ratio, Some(Ratio::new(4, 15)));
        assert!((g.value().unwrap() - 4.0 / 15.0).abs() < 1e-15);
        assert!((gini_lorenz(&[2, 3], &[2, 1]) - 4.0 / 15.0).abs() < 1e-12);
        // Exactly proportional to firms: 0.
        assert_eq!(gini_per_firm(&[2, 4, 6], &[10, 20, 30]).ratio, Some(Ratio::new(0, 1)));
    }

    #[test]
    fn units_without_firms_are_left_out_and_reported() {
        // The third unit has no 小巨人 firm but 5 slots (a floor, say): G is that of the first two.
        let g = gini_per_firm(&[1, 3, 5], &[1, 1, 0]);
        assert_eq!(g.ratio, Some(Ratio::new(1, 4)));
        assert_eq!((g.units, g.units_without_firms, g.slots_without_firms), (2, 1, 5));
        // Undefined: no firms anywhere, or no slot where the firms are.
        assert_eq!(gini_per_firm(&[1, 2], &[0, 0]).ratio, None);
        assert_eq!(gini_per_firm(&[0, 4], &[3, 0]).ratio, None);
    }

    #[test]
    fn deviations_of_a_hand_computed_case() {
        let d = deviation(&[5, 3, 2], &[4, 1, 5]);
        assert_eq!(d, Deviation { total: 1 + 2 + 3, max: 3, max_unit: Some(2) });
        assert_eq!(deviation(&[1, 2], &[1, 2]), Deviation { total: 0, max: 0, max_unit: None });
        // The first unit reaching the maximum is named.
        assert_eq!(deviation(&[0, 4, 0], &[2, 2, 2]).max_unit, Some(0));
    }

    #[test]
    fn quota_violations_are_exact() {
        // q = 2 exactly: 2 is within, 1 below, 3 above. q = 5/2: 2 and 3 within.
        let q = [Ratio::new(4, 2), Ratio::new(4, 2), Ratio::new(4, 2), Ratio::new(5, 2), Ratio::new(5, 2)];
        let v = quota_violations(&[2, 1, 3, 2, 3], &q);
        assert_eq!(v, QuotaViolations { below: vec![1], above: vec![2] });
        assert_eq!(v.count(), 2);
    }

    #[test]
    fn region_shares_cover_every_region() {
        let r = region_slots(&[3, 1, 4], &[Region::East, Region::West, Region::East]);
        let got: Vec<(Region, u64)> = r.iter().map(|x| (x.region, x.slots)).collect();
        assert_eq!(got, [(Region::East, 7), (Region::Central, 0), (Region::West, 1), (Region::Northeast, 0)]);
        assert!((r[0].share - 0.875).abs() < 1e-15);
    }

    #[test]
    fn ideal_quotas_share_one_denominator() {
        let p = Problem::new(vec![1, 2, 3], 4).unwrap();
        let q = ideal_quotas(&p);
        assert_eq!(q, [Ratio::new(2, 3), Ratio::new(4, 3), Ratio::new(2, 1)]);
        assert!(q.iter().all(|r| r.den == 6));
    }

    proptest! {
        /// The exact double-sum form agrees with the Lorenz-curve form, lies in [0, 1), and
        /// does not change when every unit's slots (or firms) are scaled alike.
        #[test]
        fn gini_agrees_with_the_lorenz_curve(
            units in proptest::collection::vec((0u64..200, 0u64..500), 1..12),
            scale in 1u64..5,
        ) {
            let slots: Vec<u64> = units.iter().map(|u| u.0).collect();
            let firms: Vec<u64> = units.iter().map(|u| u.1).collect();
            let g = gini_per_firm(&slots, &firms);
            if let Some(v) = g.value() {
                prop_assert!((v - gini_lorenz(&slots, &firms)).abs() < 1e-9);
                prop_assert!((0.0..1.0).contains(&v));
                let scaled: Vec<u64> = slots.iter().map(|x| x * scale).collect();
                prop_assert_eq!(gini_per_firm(&scaled, &firms).ratio, g.ratio);
            }
        }
    }
}
