//! Two planners' scenarios side by side: [`diff_study`] allocates each as written and lines
//! them up unit by unit ([`super::diff()`]: units matched by code, a missing side counting 0).
//! Its result, [`DiffStudy`], is what `quota compare A B` prints and publishes as JSON.

use serde::Serialize;

use super::{diff, CompareError};
use crate::allocate::{allocate, Allocation};
use crate::scenario::Scenario;
use crate::units::Region;

fn region_zh<S: serde::Serializer>(r: &Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name_zh())
}

/// Scenario A and B compared (see the module documentation).
#[derive(Debug, Clone, Serialize)]
pub struct DiffStudy {
    /// Scenario A.
    pub a: DiffSide,
    /// Scenario B.
    pub b: DiffSide,
    /// Every unit of A or B: A's units in A's order, then B's units that A lacks.
    pub units: Vec<DiffUnit>,
    /// National totals.
    pub totals: DiffTotals,
    /// Units whose slots differ.
    pub units_changed: usize,
    /// Σ |Δ slots| over the units (twice the slots moved when the totals are equal).
    pub total_abs_delta_slots: u64,
    /// The unit with the largest |Δ slots| (the first such), if any slot moved.
    pub largest_change: Option<LargestChange>,
    /// Units present in only one of the scenarios (their Δ counts the missing side as 0).
    pub units_in_one_scenario_only: usize,
}

/// One scenario of the pair, as allocated.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSide {
    /// The scenario's name.
    pub scenario: String,
    /// Where it came from (file name or `<bundled>/…`).
    pub source: String,
    /// The method that allocated it.
    pub method: String,
    /// Its national total.
    pub total: u64,
    /// Whether its 计划单列市 were merged into their provinces.
    pub merged_cities: bool,
    /// Its national money, 万元.
    pub funding_wan: u64,
    /// Its money per firm, 万元.
    pub per_firm_wan: u64,
    /// The allocation.
    #[serde(skip)]
    pub allocation: Allocation,
    /// The provenance of its inputs.
    pub provenance: crate::provenance::Provenance,
}

/// One unit under A and B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffUnit {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// NBS region (serialised by its Chinese name).
    #[serde(serialize_with = "region_zh")]
    pub region: Region,
    /// Slots under A (None: not a unit of A).
    pub slots_a: Option<u64>,
    /// Slots under B (None: not a unit of B).
    pub slots_b: Option<u64>,
    /// B − A (a missing side counts 0).
    pub delta_slots: i64,
    /// Money under A, 万元.
    pub money_a_wan: Option<u64>,
    /// Money under B, 万元.
    pub money_b_wan: Option<u64>,
    /// B − A, 万元.
    pub delta_money_wan: i64,
}

/// National totals under A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiffTotals {
    /// Slots under A.
    pub slots_a: u64,
    /// Slots under B.
    pub slots_b: u64,
    /// B − A.
    pub delta_slots: i64,
    /// Money under A, 万元.
    pub money_a_wan: u64,
    /// Money under B, 万元.
    pub money_b_wan: u64,
    /// B − A, 万元.
    pub delta_money_wan: i64,
}

/// The unit whose slots change most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LargestChange {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// B − A.
    pub delta_slots: i64,
}

impl DiffStudy {
    /// The provenance of both sides together (a mark when either side's inputs are not
    /// official).
    pub fn provenance(&self) -> crate::provenance::Provenance {
        let mut inputs = self.a.provenance.inputs.clone();
        for i in &self.b.provenance.inputs {
            if !inputs.contains(i) {
                inputs.push(i.clone());
            }
        }
        crate::provenance::Provenance::of(inputs)
    }
}

/// Allocates scenarios `a` and `b` as written and compares them unit by unit.
pub fn diff_study(a: &Scenario, b: &Scenario) -> Result<DiffStudy, CompareError> {
    let side = |tag: &str, s: &Scenario| -> Result<DiffSide, CompareError> {
        let allocation = allocate(s).map_err(|source| CompareError::Allocate {
            what: format!("scenario {tag} ({})", s.at.source),
            source,
        })?;
        Ok(DiffSide {
            scenario: s.name.clone(),
            source: s.at.source.clone(),
            method: allocation.method.clone(),
            total: allocation.total,
            merged_cities: s.merged,
            funding_wan: allocation.funding.total_wan,
            per_firm_wan: s.funding.per_firm_wan,
            allocation,
            provenance: s.provenance().clone(),
        })
    };
    let (a, b) = (side("A", a)?, side("B", b)?);
    let d = diff(&a.allocation, &b.allocation);
    let units = d
        .units
        .iter()
        .map(|u| DiffUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            name_en: u.name_en.clone(),
            region: u.region,
            slots_a: u.a.map(|x| x.slots),
            slots_b: u.b.map(|x| x.slots),
            delta_slots: u.delta_slots(),
            money_a_wan: u.a.map(|x| x.money_wan),
            money_b_wan: u.b.map(|x| x.money_wan),
            delta_money_wan: u.delta_money_wan(),
        })
        .collect();
    Ok(DiffStudy {
        a,
        b,
        units,
        totals: DiffTotals {
            slots_a: d.total_a.slots,
            slots_b: d.total_b.slots,
            delta_slots: d.delta_slots(),
            money_a_wan: d.total_a.money_wan,
            money_b_wan: d.total_b.money_wan,
            delta_money_wan: d.delta_money_wan(),
        },
        units_changed: d.changed(),
        total_abs_delta_slots: d.total_abs_change(),
        largest_change: d.largest_change().map(|u| LargestChange {
            code: u.code.clone(),
            name: u.name.clone(),
            delta_slots: u.delta_slots(),
        }),
        units_in_one_scenario_only: d.units.iter().filter(|u| u.a.is_none() || u.b.is_none()).count(),
    })
}
