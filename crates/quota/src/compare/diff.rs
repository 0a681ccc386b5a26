//! Two planners' scenarios side by side: every unit's slots and money under A and under B,
//! and the change from A to B.
//!
//! Units are matched by code. A unit present in only one allocation (A keeps the 计划单列市
//! apart, B merges them into their provinces) is listed with the other side empty, and its
//! change counts the missing side as 0 slots and 0 万元 — so the changes always add up to the
//! change in the totals. Units come in A's order, then B's units that A lacks, in B's order.
//! Money is each scenario's own (`slots × per_firm_wan`, 148号 四（一）), in 万元, exact.

use serde::Serialize;

use crate::allocate::Allocation;
use crate::units::Region;

/// One side of a unit's line: slots and money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Side {
    /// Slots.
    pub slots: u64,
    /// Money in 万元.
    pub money_wan: u64,
}

/// One unit under A and B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitChange {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// NBS region.
    pub region: Region,
    /// Under A (None when A has no such unit).
    pub a: Option<Side>,
    /// Under B (None when B has no such unit).
    pub b: Option<Side>,
}

impl UnitChange {
    /// Slots under B minus slots under A (a missing side counts 0).
    pub fn delta_slots(&self) -> i64 {
        self.b.unwrap_or_default().slots as i64 - self.a.unwrap_or_default().slots as i64
    }

    /// Money under B minus money under A, in 万元 (a missing side counts 0).
    pub fn delta_money_wan(&self) -> i64 {
        self.b.unwrap_or_default().money_wan as i64 - self.a.unwrap_or_default().money_wan as i64
    }
}

/// The unit-by-unit difference between two allocations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioDiff {
    /// Every unit of A or B (see the module documentation for the order).
    pub units: Vec<UnitChange>,
    /// A's totals.
    pub total_a: Side,
    /// B's totals.
    pub total_b: Side,
}

impl ScenarioDiff {
    /// Total slots under B minus under A.
    pub fn delta_slots(&self) -> i64 {
        self.total_b.slots as i64 - self.total_a.slots as i64
    }

    /// Total money under B minus under A, in 万元.
    pub fn delta_money_wan(&self) -> i64 {
        self.total_b.money_wan as i64 - self.total_a.money_wan as i64
    }

    /// Units whose slots differ.
    pub fn changed(&self) -> usize {
        self.units.iter().filter(|u| u.delta_slots() != 0).count()
    }

    /// Σ |Δslots| over the units (twice the slots moved when the totals are equal).
    pub fn total_abs_change(&self) -> u64 {
        self.units.iter().map(|u| u.delta_slots().unsigned_abs()).sum()
    }

    /// The unit with the largest |Δslots| (the first such), if any slot changed.
    pub fn largest_change(&self) -> Option<&UnitChange> {
        self.units.iter().filter(|u| u.delta_slots() != 0).fold(None, |best: Option<&UnitChange>, u| {
            match best {
                Some(b) if b.delta_slots().unsigned_abs() >= u.delta_slots().unsigned_abs() => Some(b),
                _ => Some(u),
            }
        })
    }
}

/// The difference from allocation `a` to allocation `b`.
pub fn diff(a: &Allocation, b: &Allocation) -> ScenarioDiff {
    let side = |u: &crate::allocate::UnitAllocation| Side { slots: u.slots, money_wan: u.funding.total_wan };
    let mut units: Vec<UnitChange> = a
        .units
        .iter()
        .map(|ua| UnitChange {
            code: ua.code.clone(),
            name: ua.name.clone(),
            name_en: ua.name_en.clone(),
            region: ua.region,
            a: Some(side(ua)),
            b: b.units.iter().find(|ub| ub.code == ua.code).map(side),
        })
        .collect();
    for ub in b.units.iter().filter(|ub| !a.units.iter().any(|ua| ua.code == ub.code)) {
        units.push(UnitChange {
            code: ub.code.clone(),
            name: ub.name.clone(),
            name_en: ub.name_en.clone(),
            region: ub.region,
            a: None,
            b: Some(side(ub)),
        });
    }
    let total = |al: &Allocation| Side {
        slots: al.units.iter().map(|u| u.slots).sum(),
        money_wan: al.units.iter().map(|u| u.funding.total_wan).sum(),
    };
    ScenarioDiff { units, total_a: total(a), total_b: total(b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate::UnitAllocation;
    use crate::apportion::Problem;
    use crate::funding::FundingRules;

    fn allocation(per_firm_wan: u64, units: &[(&str, u64)]) -> Allocation {
        let rules = FundingRules { per_firm_wan, ..FundingRules::default() };
        let units: Vec<UnitAllocation> = units
            .iter()
            .map(|&(code, slots)| UnitAllocation {
                code: code.into(),
                name: format!("unit {code}"),
                name_en: code.into(),
                region: Region::West,
                normalised: vec![],
                score: 1.0,
                ideal: slots as f64,
                adjusted: slots as f64,
                floor: 0,
                cap: 100,
                slots,
                funding: rules.funding(slots),
            })
            .collect();
        let total = units.iter().map(|u| u.slots).sum();
        Allocation {
            scenario: "t".into(),
            method: "hamilton".into(),
            total,
            funding: units.iter().map(|u| u.funding).sum(),
            problem: Problem::new(vec![1; units.len()], total).unwrap(),
            optimized: None,
            units,
            ties: vec![],
            apportionment: None,
        }
    }

    #[test]
    fn units_are_matched_by_code_and_missing_sides_count_as_zero() {
        // B lists the units in another order, lacks Z and adds W, and pays 500万元 a firm.
        let a = allocation(600, &[("X", 5), ("Y", 3), ("Z", 2)]);
        let b = allocation(500, &[("W", 4), ("Y", 1), ("X", 6)]);
        let d = diff(&a, &b);
        let codes: Vec<&str> = d.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["X", "Y", "Z", "W"]);
        let delta: Vec<(i64, i64)> = d.units.iter().map(|u| (u.delta_slots(), u.delta_money_wan())).collect();
        // X: 5 → 6 slots, 3000 → 3000 万元; Y: 3 → 1, 1800 → 500; Z: 2 → —; W: — → 4.
        assert_eq!(delta, [(1, 0), (-2, -1300), (-2, -1200), (4, 2000)]);
        assert_eq!(d.units[2].b, None);
        assert_eq!(d.units[3].a, None);
        assert_eq!(
            (d.total_a, d.total_b),
            (Side { slots: 10, money_wan: 6000 }, Side { slots: 11, money_wan: 5500 })
        );
        // The unit changes add up to the change in the totals.
        assert_eq!(d.units.iter().map(UnitChange::delta_slots).sum::<i64>(), d.delta_slots());
        assert_eq!(d.units.iter().map(UnitChange::delta_money_wan).sum::<i64>(), d.delta_money_wan());
        assert_eq!((d.changed(), d.total_abs_change()), (4, 9));
        assert_eq!(d.largest_change().map(|u| u.code.as_str()), Some("W"));
    }

    #[test]
    fn identical_allocations_have_no_change() {
        let a = allocation(600, &[("X", 5), ("Y", 3)]);
        let d = diff(&a, &a);
        assert_eq!((d.changed(), d.total_abs_change(), d.delta_money_wan()), (0, 0, 0));
        assert!(d.largest_change().is_none());
    }
}
