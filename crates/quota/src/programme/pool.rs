//! The eligible pool as caps: replaces a scenario's caps with the number of eligible firms
//! each unit has left, recomputes the floors from the scenario's `[bounds]` table, and says
//! exactly where and by how much a total does not fit.

use thiserror::Error;

use crate::allocate::scenario_scores;
use crate::error::Location;
use crate::scenario::{BoundsEntry, Scenario};

/// One unit's shortfall when the pool is too small.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitShortfall {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Eligible firms left in the pool.
    pub pool: u64,
    /// Slots due at the scenario's weights without caps (`N · score_i / Σ score`).
    pub due: f64,
}

impl UnitShortfall {
    /// Whole slots missing: ⌈due⌉ − pool.
    pub fn short(&self) -> u64 {
        (self.due.ceil() as u64).saturating_sub(self.pool)
    }
}

fn list_units(units: &[UnitShortfall]) -> String {
    units
        .iter()
        .map(|u| {
            format!(
                "\n  - {} {}: {} eligible left, share {:.2} at the scenario's weights (needs {}), {} short",
                u.code,
                u.name,
                u.pool,
                u.due,
                u.due.ceil() as u64,
                u.short()
            )
        })
        .collect()
}

/// A pool that cannot take a scenario's total or floors.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PoolError {
    /// Fewer eligible firms left than the total.
    #[error(
        "{at}: total {total} is larger than the remaining eligible pool of {pool} firm(s), by {short}; units with fewer eligible firms left than their share at the scenario's weights:{list}",
        short = total - pool,
        list = list_units(units)
    )]
    TotalAbovePool {
        /// Where the total was set.
        at: Location,
        /// The total asked for.
        total: u64,
        /// Eligible firms left, all units.
        pool: u64,
        /// Units whose pool is below their uncapped share.
        units: Vec<UnitShortfall>,
    },
    /// A unit's explicit floor above its pool.
    #[error("{at}: unit {code} {name}: floor {floor} but only {pool} eligible firm(s) left ({short} short)", short = floor - pool)]
    FloorAbovePool {
        /// Where the total was set.
        at: Location,
        /// Unit code.
        code: String,
        /// Chinese name.
        name: String,
        /// The floor.
        floor: u64,
        /// Eligible firms left.
        pool: u64,
    },
    /// Floors that need more slots than the total.
    #[error("{at}: floors sum to {floors} > total {total}")]
    FloorsAboveTotal {
        /// Where the total was set.
        at: Location,
        /// Σ floors.
        floors: u64,
        /// The total.
        total: u64,
    },
    /// A pool with the wrong number of units (an internal fault).
    #[error("{at}: pool has {got} units, the scenario {expected}")]
    Length {
        /// Where.
        at: Location,
        /// Units in the pool.
        got: usize,
        /// Units in the scenario.
        expected: usize,
    },
}

/// Sets `s.caps` to `pool` (eligible firms left per unit, in the scenario's unit order; an
/// explicit per-unit cap of the `[bounds]` table still applies when lower) and recomputes the
/// floors as `Scenario::build` does: `bounds.floor` clipped to the cap, explicit per-unit
/// floors not clipped. Checks every floor ≤ cap, Σ floors ≤ total and Σ caps ≥ total;
/// `at` names where the total came from, for messages.
pub fn apply_caps(
    s: &mut Scenario,
    bounds: &BoundsEntry,
    pool: &[u64],
    at: &Location,
) -> Result<(), PoolError> {
    let n = s.units.len();
    if pool.len() != n {
        return Err(PoolError::Length { at: at.clone(), got: pool.len(), expected: n });
    }
    let mut caps = pool.to_vec();
    for (code, &c) in &bounds.caps {
        if let Some(i) = s.units.position(code) {
            caps[i] = caps[i].min(c);
        }
    }
    let mut floors: Vec<u64> = caps.iter().map(|&c| bounds.floor.min(c)).collect();
    for (code, &f) in &bounds.floors {
        if let Some(i) = s.units.position(code) {
            floors[i] = f;
        }
    }
    for i in 0..n {
        if floors[i] > caps[i] {
            let u = s.units.get(i);
            return Err(PoolError::FloorAbovePool {
                at: at.clone(),
                code: u.code.clone(),
                name: u.name_zh.clone(),
                floor: floors[i],
                pool: caps[i],
            });
        }
    }
    let floor_sum: u64 = floors.iter().sum();
    if floor_sum > s.total {
        return Err(PoolError::FloorsAboveTotal { at: at.clone(), floors: floor_sum, total: s.total });
    }
    let cap_sum: u64 = caps.iter().sum();
    if cap_sum < s.total {
        let scores = scenario_scores(s);
        let sum: f64 = scores.iter().sum();
        let units = (0..n)
            .filter_map(|i| {
                let due = if sum > 0.0 { s.total as f64 * scores[i] / sum } else { 0.0 };
                let u = s.units.get(i);
                let short =
                    UnitShortfall { code: u.code.clone(), name: u.name_zh.clone(), pool: caps[i], due };
                (short.short() > 0).then_some(short)
            })
            .collect();
        return Err(PoolError::TotalAbovePool { at: at.clone(), total: s.total, pool: cap_sum, units });
    }
    s.caps = caps;
    s.floors = floors;
    Ok(())
}
