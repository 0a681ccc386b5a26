//! A run of `quota allocate` as it is published: the [`Allocation`] with the inputs it came
//! from, its reproducibility stamp and the scenario's indicator weights
//! ([`AllocationReport`], whose `serde` serialisation is the command's JSON document), the
//! national totals line ([`Totals`]) and what the independent checker verified
//! ([`Verification`], `--verify`).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Allocation;
use crate::apportion::Method;
use crate::check::{check_apportionment, CheckError};
use crate::optimize::{GroupReport, OptOutcome};
use crate::provenance::Provenance;
use crate::scenario::{Inputs, Scenario};
use crate::stamp::Stamp;

/// The labels of the files a scenario was read from (paths as given, or `<bundled>/…`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputLabels {
    /// The scenario file.
    pub scenario: String,
    /// The unit table.
    pub units: String,
    /// The indicator table.
    pub indicators: String,
}

impl InputLabels {
    /// The labels of the files a scenario was loaded from.
    pub fn of(inputs: &Inputs) -> InputLabels {
        InputLabels {
            scenario: inputs.scenario.label.clone(),
            units: inputs.units_source.label.clone(),
            indicators: inputs.indicators_source.label.clone(),
        }
    }
}

/// An indicator column of the scenario and its normalised weight.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorWeight {
    /// Column of the indicator table.
    pub column: String,
    /// Weight (the scenario's weights sum to 1).
    pub weight: f64,
}

/// A published allocation: what `quota allocate` writes in every format.
///
/// JSON (the contract other tools read): `{stamp, scenario, method, total, merged_cities,
/// inputs: {scenario, units, indicators}, provenance: {official, inputs: […]}, weights: {column: w}, funding_wan, units: [{code,
/// name, name_en, region, region_en, normalised: {column: s}, score, ideal, adjusted, floor,
/// cap, slots, funding_wan, first_tranche_wan, remainder_wan, to_firms_wan, services_wan}],
/// ties, optimize}` — `optimize` is null unless the optimisation model ran.
#[derive(Debug, Clone)]
pub struct AllocationReport {
    /// The reproducibility stamp of the run.
    pub stamp: Stamp,
    /// The files the scenario was read from.
    pub inputs: InputLabels,
    /// Whether the 计划单列市 were merged into their provinces.
    pub merged_cities: bool,
    /// The scenario's indicators, in order (the columns of `normalised`).
    pub indicators: Vec<IndicatorWeight>,
    /// The allocation.
    pub allocation: Allocation,
    /// The provenance of the inputs that decided it (JSON `provenance`).
    pub provenance: Provenance,
}

/// The national totals line of an allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Σ score.
    pub score: f64,
    /// Σ ideal = Σ adjusted = the national total.
    pub quota: f64,
    /// Σ floors.
    pub floor: u64,
    /// Σ caps.
    pub cap: u64,
    /// Σ slots.
    pub slots: u64,
    /// National money in 万元.
    pub funding_wan: u64,
}

impl AllocationReport {
    /// The report of `allocation`, an allocation of `s` (the scenario as run, overrides
    /// applied), stamped `stamp`, read from `inputs`.
    pub fn new(s: &Scenario, allocation: Allocation, stamp: Stamp, inputs: InputLabels) -> Self {
        AllocationReport {
            stamp,
            inputs,
            merged_cities: s.merged,
            indicators: s
                .indicators
                .iter()
                .map(|i| IndicatorWeight { column: i.column.clone(), weight: i.weight })
                .collect(),
            allocation,
            provenance: s.provenance().clone(),
        }
    }

    /// The national totals line.
    pub fn totals(&self) -> Totals {
        let a = &self.allocation;
        Totals {
            score: a.units.iter().map(|u| u.score).sum(),
            quota: a.total as f64,
            floor: a.units.iter().map(|u| u.floor).sum(),
            cap: a.units.iter().map(|u| u.cap).sum(),
            slots: a.units.iter().map(|u| u.slots).sum(),
            funding_wan: a.funding.total_wan,
        }
    }
}

/// What `quota allocate --verify` re-checked from the final integers.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The national total.
    pub total: u64,
    /// Whether the optimiser's own checker verified the result (the optimisation model ran).
    pub optimiser: bool,
    /// The apportionment's checks, when an apportionment method ran.
    pub apportionment: Option<ApportionmentChecked>,
    /// National money in 万元.
    pub money_wan: u64,
    /// Money per firm in 万元.
    pub per_firm_wan: u64,
    /// Ties reported.
    pub ties: usize,
}

/// The apportionment checks of a [`Verification`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApportionmentChecked {
    /// Σ slots.
    pub slots: u64,
    /// Units checked against their floors and caps.
    pub units: usize,
    /// The method whose defining condition was checked.
    pub method: Method,
}

/// Re-runs the independent checker on allocation `a` of scenario `s` and says what it
/// verified. (The optimiser's result was checked by its own checker inside
/// [`super::allocate`].)
pub fn verify(s: &Scenario, a: &Allocation) -> Result<Verification, CheckError> {
    let apportionment = match &a.apportionment {
        Some(ap) => {
            check_apportionment(&a.problem, ap)?;
            Some(ApportionmentChecked {
                slots: ap.seats.iter().sum(),
                units: s.units.len(),
                method: ap.method,
            })
        }
        None => None,
    };
    Ok(Verification {
        total: s.total,
        optimiser: a.optimized.is_some(),
        apportionment,
        money_wan: a.units.iter().map(|u| u.funding.total_wan).sum(),
        per_firm_wan: s.funding.per_firm_wan,
        ties: a.ties.len(),
    })
}

/// Serialises `values` as a JSON object keyed by `keys` (in order).
struct Keyed<'a, K, V>(&'a [K], &'a [V], fn(&K) -> &str);

impl<K, V: Serialize> Serialize for Keyed<'_, K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.1.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry((self.2)(k), v)?;
        }
        map.end()
    }
}

fn column(i: &IndicatorWeight) -> &str {
    &i.column
}

#[derive(serde::Serialize)]
struct UnitView<'a> {
    code: &'a str,
    name: &'a str,
    name_en: &'a str,
    region: &'static str,
    region_en: &'static str,
    normalised: Keyed<'a, IndicatorWeight, f64>,
    score: f64,
    ideal: f64,
    adjusted: f64,
    floor: u64,
    cap: u64,
    slots: u64,
    funding_wan: u64,
    first_tranche_wan: u64,
    remainder_wan: u64,
    to_firms_wan: u64,
    services_wan: u64,
}

#[derive(serde::Serialize)]
struct OptimizeView<'a> {
    status: String,
    path: String,
    objective: String,
    objective_value: f64,
    tie_break_chi_square: f64,
    binding: &'a [String],
    groups: &'a [GroupReport],
}

impl<'a> From<&'a OptOutcome> for OptimizeView<'a> {
    fn from(o: &'a OptOutcome) -> Self {
        OptimizeView {
            status: o.status.to_string(),
            path: o.path.to_string(),
            objective: o.objective_kind.to_string(),
            objective_value: o.objective,
            tie_break_chi_square: o.tie_break,
            binding: &o.binding,
            groups: &o.groups,
        }
    }
}

impl Serialize for AllocationReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = &self.allocation;
        let weights: Vec<f64> = self.indicators.iter().map(|i| i.weight).collect();
        let units: Vec<UnitView> = a
            .units
            .iter()
            .map(|u| UnitView {
                code: &u.code,
                name: &u.name,
                name_en: &u.name_en,
                region: u.region.name_zh(),
                region_en: u.region.name_en(),
                normalised: Keyed(&self.indicators, &u.normalised, column),
                score: u.score,
                ideal: u.ideal,
                adjusted: u.adjusted,
                floor: u.floor,
                cap: u.cap,
                slots: u.slots,
                funding_wan: u.funding.total_wan,
                first_tranche_wan: u.funding.first_tranche_wan,
                remainder_wan: u.funding.remainder_wan,
                to_firms_wan: u.funding.to_firms_wan,
                services_wan: u.funding.services_wan,
            })
            .collect();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("stamp", &self.stamp)?;
        map.serialize_entry("scenario", &a.scenario)?;
        map.serialize_entry("method", &a.method)?;
        map.serialize_entry("total", &a.total)?;
        map.serialize_entry("merged_cities", &self.merged_cities)?;
        map.serialize_entry("inputs", &self.inputs)?;
        map.serialize_entry("provenance", &self.provenance)?;
        map.serialize_entry("weights", &Keyed(&self.indicators, &weights, column))?;
        map.serialize_entry("funding_wan", &a.funding.total_wan)?;
        map.serialize_entry("units", &units)?;
        map.serialize_entry("ties", &a.ties)?;
        map.serialize_entry("optimize", &a.optimized.as_ref().map(OptimizeView::from))?;
        map.end()
    }
}
