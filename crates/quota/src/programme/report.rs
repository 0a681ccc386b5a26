//! A run programme as it is published: running it from a registry or from the scenario's caps
//! ([`run_from`]), the totals a report shows, finding a batch by year or position, and the
//! `serde` serialisation of [`Plan`] — the `quota plan --format json` document:
//!
//! ```text
//! {programme, description, inputs: {programme, scenario, registry}, remainder_after_years,
//!  firms, funding_wan,
//!  batches: [{label, year, as_of, total, pool, method, funding_wan, first_tranche_wan,
//!             remainder_wan, to_firms_wan, services_wan, recovered_firms, withheld_firms,
//!             ties, units: [{code, name, pool, slots, funding_wan, …, withheld_firms}],
//!             firms: [id…]}],
//!  cash_flow: {years, national: [{first_tranche_paid_wan, remainder_paid_wan, paid_wan,
//!              withheld_wan, recovered_wan, net_wan, year}], total: {…},
//!              units: [{code, name, flows: [{…, year}]}]}}
//! ```

use std::fmt;

use serde::{Serialize, Serializer};

use super::{run, BatchResult, Flow, Plan, Pool, Programme, ProgrammeError};
use crate::apportion::TieReport;
use crate::eligibility::{Date, Registry};
use crate::scenario::{BoundsEntry, Scenario};

/// The labels of the files a programme was run from (paths as given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanInputs {
    /// The programme file.
    pub programme: String,
    /// The scenario file whose rules every batch follows.
    pub scenario: String,
    /// The firm registry, when the pool came from one.
    pub registry: Option<String>,
}

/// Runs `programme` with the rules of `base` (`bounds`: its `[bounds]` table) from the firms
/// of `registry`, screened on each batch's date — or, without a registry, from the
/// scenario's caps shrunk by each batch (the scenario must then name a caps column).
pub fn run_from(
    programme: &Programme,
    base: &Scenario,
    bounds: &BoundsEntry,
    registry: Option<&Registry>,
) -> Result<Plan, ProgrammeError> {
    match registry {
        Some(registry) => {
            let merge_map: Vec<usize> = if base.merged {
                registry.units().merge_cities().1
            } else {
                (0..registry.units().len()).collect()
            };
            run(programme, base, bounds, Pool::Registry { registry, merge_map: &merge_map })
        }
        None if bounds.caps_column.is_none() => Err(ProgrammeError::Invalid {
            at: programme.at.at_column("registry"),
            message: format!(
                "the programme needs a pool of eligible firms: name a firm registry (registry = \"…\") or use a scenario with bounds.caps_column (scenario {})",
                base.at.source
            ),
        }),
        None => run(programme, base, bounds, Pool::Counts(&base.caps)),
    }
}

/// Firm ids in one buffer: a batch names a thousand firms or more, and one allocation for all
/// of them (not one per id) keeps naming them out of a programme run's cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirmIds {
    text: String,
    ends: Vec<usize>,
}

impl FirmIds {
    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The ids, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.text[a..b])
    }
}

impl<'a> FromIterator<&'a str> for FirmIds {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut ids = FirmIds { text: String::new(), ends: Vec::with_capacity(iter.size_hint().0) };
        for id in iter {
            ids.text.push_str(id);
            ids.ends.push(ids.text.len());
        }
        ids
    }
}

impl Serialize for FirmIds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A batch asked for that the plan does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchBatch {
    /// What was asked for: a year or a 1-based position.
    pub which: u16,
    /// The plan's batch years.
    pub years: Vec<u16>,
}

impl fmt::Display for NoSuchBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let years: Vec<String> = self.years.iter().map(u16::to_string).collect();
        write!(f, "no batch {} (batches: {}, or 1-{})", self.which, years.join(", "), self.years.len())
    }
}

impl std::error::Error for NoSuchBatch {}

impl BatchResult {
    /// Eligible firms left before this batch, nationally.
    pub fn pool_total(&self) -> u64 {
        self.pool.iter().sum()
    }
}

impl Plan {
    /// Recovered and withheld firms over all batches, nationally.
    pub fn outcome_totals(&self) -> (u64, u64) {
        self.batches.iter().fold((0, 0), |(r, w), b| {
            let (br, bw) = b.outcome_totals();
            (r + br, w + bw)
        })
    }

    /// Money allocated to unit `i` over all batches, in 万元.
    pub fn unit_allocated_wan(&self, i: usize) -> u64 {
        self.batches.iter().map(|b| b.allocation.units[i].funding.total_wan).sum()
    }

    /// The position of a batch given by its year or, failing that, by its 1-based position.
    pub fn batch_index(&self, which: u16) -> Result<usize, NoSuchBatch> {
        let n = self.batches.len();
        self.batches
            .iter()
            .position(|b| b.batch.year == which)
            .or_else(|| (1..=n).contains(&(which as usize)).then(|| which as usize - 1))
            .ok_or_else(|| NoSuchBatch { which, years: self.batches.iter().map(|b| b.batch.year).collect() })
    }
}

#[derive(Serialize)]
struct FlowView {
    first_tranche_paid_wan: u64,
    remainder_paid_wan: u64,
    paid_wan: u64,
    withheld_wan: u64,
    recovered_wan: u64,
    net_wan: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
}

impl FlowView {
    fn new(f: &Flow, year: Option<u16>) -> Self {
        FlowView {
            first_tranche_paid_wan: f.first_tranche_paid,
            remainder_paid_wan: f.remainder_paid,
            paid_wan: f.paid(),
            withheld_wan: f.withheld,
            recovered_wan: f.recovered,
            net_wan: f.net(),
            year,
        }
    }

    fn years(years: &[u16], flows: &[Flow]) -> Vec<FlowView> {
        years.iter().zip(flows).map(|(y, f)| FlowView::new(f, Some(*y))).collect()
    }
}

#[derive(Serialize)]
struct BatchUnitView<'a> {
    code: &'a str,
    name: &'a str,
    pool: u64,
    slots: u64,
    funding_wan: u64,
    first_tranche_wan: u64,
    remainder_wan: u64,
    to_firms_wan: u64,
    services_wan: u64,
    recovered_firms: u64,
    withheld_firms: u64,
}

#[derive(Serialize)]
struct BatchView<'a> {
    label: &'a str,
    year: u16,
    as_of: Date,
    total: u64,
    pool: u64,
    method: &'a str,
    funding_wan: u64,
    first_tranche_wan: u64,
    remainder_wan: u64,
    to_firms_wan: u64,
    services_wan: u64,
    recovered_firms: u64,
    withheld_firms: u64,
    ties: &'a [TieReport],
    units: Vec<BatchUnitView<'a>>,
    firms: &'a FirmIds,
}

impl<'a> From<&'a BatchResult> for BatchView<'a> {
    fn from(b: &'a BatchResult) -> Self {
        let m = b.funding();
        let (recovered_firms, withheld_firms) = b.outcome_totals();
        let units = b
            .allocation
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| BatchUnitView {
                code: &u.code,
                name: &u.name,
                pool: b.pool[i],
                slots: u.slots,
                funding_wan: u.funding.total_wan,
                first_tranche_wan: u.funding.first_tranche_wan,
                remainder_wan: u.funding.remainder_wan,
                to_firms_wan: u.funding.to_firms_wan,
                services_wan: u.funding.services_wan,
                recovered_firms: b.outcomes[i].recovered_firms,
                withheld_firms: b.outcomes[i].withheld_firms,
            })
            .collect();
        BatchView {
            label: &b.batch.label,
            year: b.batch.year,
            as_of: b.batch.as_of,
            total: b.batch.total,
            pool: b.pool_total(),
            method: &b.allocation.method,
            funding_wan: m.total_wan,
            first_tranche_wan: m.first_tranche_wan,
            remainder_wan: m.remainder_wan,
            to_firms_wan: m.to_firms_wan,
            services_wan: m.services_wan,
            recovered_firms,
            withheld_firms,
            ties: &b.allocation.ties,
            units,
            firms: &b.firm_ids,
        }
    }
}

#[derive(Serialize)]
struct UnitFlowsView<'a> {
    code: &'a str,
    name: &'a str,
    flows: Vec<FlowView>,
}

#[derive(Serialize)]
struct CashFlowView<'a> {
    years: &'a [u16],
    national: Vec<FlowView>,
    total: FlowView,
    units: Vec<UnitFlowsView<'a>>,
}

#[derive(Serialize)]
struct PlanView<'a> {
    programme: &'a str,
    description: &'a str,
    inputs: &'a PlanInputs,
    remainder_after_years: u16,
    firms: u64,
    funding_wan: u64,
    batches: Vec<BatchView<'a>>,
    cash_flow: CashFlowView<'a>,
}

impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cf = &self.cash_flow;
        let units = (0..self.units.len())
            .map(|i| {
                let u = self.units.get(i);
                UnitFlowsView {
                    code: &u.code,
                    name: &u.name_zh,
                    flows: FlowView::years(&cf.years, &cf.units[i]),
                }
            })
            .collect();
        PlanView {
            programme: &self.name,
            description: &self.description,
            inputs: &self.inputs,
            remainder_after_years: self.remainder_after_years,
            firms: self.firms_total(),
            funding_wan: self.funding_total().total_wan,
            batches: self.batches.iter().map(BatchView::from).collect(),
            cash_flow: CashFlowView {
                years: &cf.years,
                national: FlowView::years(&cf.years, &cf.national),
                total: FlowView::new(&cf.total(), None),
                units,
            },
        }
        .serialize(s)
    }
}
