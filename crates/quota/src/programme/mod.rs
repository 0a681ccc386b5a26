//! The three-batch programme of 财建〔2024〕148号 (2024–2026, 分三批次): each batch allocated by
//! the scenario's rules from the firms still eligible, supported firms leaving the pool for
//! later batches, and the money of every batch followed over the years through the
//! evaluation (first tranche, remainder paid or withheld, money recovered).
//!
//! Data flow of [`run`]:
//!
//! ```text
//! for each batch b (in year order):
//!   pool_b  = eligible on as_of_b (registry) − supported in batches < b     or
//!             scenario caps − Σ slots of batches < b                        (counts)
//!   scenario_b = scenario with total N_b, caps pool_b, floors re-derived  (pool::apply_caps)
//!   slots_b = allocate(scenario_b)                                         (checked)
//!   firms_b = per unit, the first slots_b available firms in registry order (registry)
//!   outcomes_b = recovered / withheld firms per unit                      (shares or lists)
//! cash flow = cashflow::cash_flow(funding rules, outcomes of every batch)
//! ```
//!
//! Invariants (property-tested): no firm is supported in two batches; an ineligible firm
//! never counts toward a cap; money ties out exactly across units, tranches, years and the
//! national total.

pub mod cashflow;
pub mod file;
pub mod pool;
pub mod report;

use thiserror::Error;

use crate::allocate::{allocate, AllocateError, Allocation};
use crate::apportion::{apportion, Method, Problem};
use crate::check::{check_apportionment, CheckError};
use crate::eligibility::{merge_counts, screen, Registry};
use crate::error::Location;
use crate::funding::{Funding, FundingRules};
use crate::scenario::{BoundsEntry, Scenario};
use crate::units::Units;

pub use cashflow::{cash_flow, BatchOutcome, CashFlow, Flow, UnitOutcome};
pub use file::{Batch, Outcomes, Programme, Shares, BP};
pub use pool::{apply_caps, PoolError, UnitShortfall};
pub use report::{run_from, FirmIds, NoSuchBatch, PlanInputs};

/// A programme that cannot be run as written.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProgrammeError {
    /// TOML syntax or type error.
    #[error("{at}: {message}")]
    Toml {
        /// Where.
        at: Location,
        /// What.
        message: String,
    },
    /// A value the programme does not accept.
    #[error("{at}: {message}")]
    Invalid {
        /// Where.
        at: Location,
        /// What.
        message: String,
    },
    /// Several problems.
    #[error("{n} problems:{list}", n = .0.len(), list = .0.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Many(Vec<ProgrammeError>),
    /// A batch the pool cannot take.
    #[error("{batch}: {source}")]
    Pool {
        /// Batch label.
        batch: String,
        /// The shortfall.
        source: PoolError,
    },
    /// A batch that cannot be allocated.
    #[error("{batch}: {source}")]
    Allocate {
        /// Batch label.
        batch: String,
        /// Why.
        source: AllocateError,
    },
    /// Splitting evaluation outcomes failed (an internal fault).
    #[error("{batch}: splitting evaluation outcomes: {message}")]
    Outcomes {
        /// Batch label.
        batch: String,
        /// Why.
        message: String,
    },
}

impl ProgrammeError {
    /// One problem as itself, several as [`ProgrammeError::Many`].
    pub fn join(mut problems: Vec<ProgrammeError>) -> ProgrammeError {
        if problems.len() == 1 {
            problems.pop().expect("one")
        } else {
            ProgrammeError::Many(problems)
        }
    }
}

/// Where a programme's pool of eligible firms comes from.
#[derive(Debug, Clone, Copy)]
pub enum Pool<'a> {
    /// A firm registry, screened on each batch's date; `merge_map[i]` is the scenario unit of
    /// registry unit `i` (identity unless the 计划单列市 are merged).
    Registry {
        /// The registry.
        registry: &'a Registry,
        /// Registry unit → scenario unit.
        merge_map: &'a [usize],
    },
    /// Eligible firms per scenario unit before the first batch (no new firms join later).
    Counts(&'a [u64]),
}

/// One batch of a run programme.
#[derive(Debug, Clone)]
pub struct BatchResult {
    /// The batch as specified.
    pub batch: Batch,
    /// Eligible firms left per unit before this batch (its caps).
    pub pool: Vec<u64>,
    /// The scenario the batch was allocated with (total and caps of this batch).
    pub scenario: Scenario,
    /// The allocation (checked).
    pub allocation: Allocation,
    /// Per unit: slots and evaluation outcomes.
    pub outcomes: Vec<UnitOutcome>,
    /// Registry indices of the firms supported in this batch (registry pools only), in
    /// registry order.
    pub firms: Vec<usize>,
    /// Their ids (the registry's `id` column), in the same order.
    pub firm_ids: FirmIds,
}

impl BatchResult {
    /// National money of the batch.
    pub fn funding(&self) -> Funding {
        self.allocation.funding
    }

    /// Recovered and withheld firms, nationally.
    pub fn outcome_totals(&self) -> (u64, u64) {
        self.outcomes.iter().fold((0, 0), |(r, w), o| (r + o.recovered_firms, w + o.withheld_firms))
    }
}

/// A run programme.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Programme name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The scenario units (merged or not).
    pub units: Units,
    /// Funding rules (of the scenario).
    pub funding: FundingRules,
    /// Years from a batch year to its remainder.
    pub remainder_after_years: u16,
    /// The batches.
    pub batches: Vec<BatchResult>,
    /// The year-by-year cash flow.
    pub cash_flow: CashFlow,
    /// Whether the pool came from a registry.
    pub from_registry: bool,
    /// The labels of the programme, scenario and registry it was run from.
    pub inputs: PlanInputs,
    /// The provenance of its inputs: the scenario's, the registry's, each batch total's.
    pub provenance: crate::provenance::Provenance,
}

impl Plan {
    /// Money of all batches, nationally.
    pub fn funding_total(&self) -> Funding {
        self.batches.iter().map(|b| b.funding()).sum()
    }

    /// Firms supported over all batches.
    pub fn firms_total(&self) -> u64 {
        self.batches.iter().map(|b| b.batch.total).sum()
    }
}

/// The provenance of a plan: the scenario's inputs, the registry (replacing the caps column)
/// and every batch total with a stated status.
fn plan_provenance(programme: &Programme, base: &Scenario, pool: &Pool<'_>) -> crate::provenance::Provenance {
    use crate::provenance::{Declaration, Input, Role};
    let codes: Vec<String> = base.units().as_slice().iter().map(|u| u.code.clone()).collect();
    let mut p = base.provenance().clone();
    if let Pool::Registry { registry, .. } = pool {
        p = p.with(registry.input(&codes));
    }
    let mut inputs = p.inputs;
    for b in programme.batches.iter().filter(|b| b.status.is_some()) {
        let decl = Declaration { status: b.status, source: b.source.clone(), ..Declaration::default() };
        let zh = format!("{}名额总数 {}", b.label, b.total);
        let en = format!("{} total {}", b.label, b.total);
        inputs.push(Input::new(&format!("batch {}", b.year), Role::BatchTotal, &decl, &[], &[], (&zh, &en)));
    }
    crate::provenance::Provenance::of(inputs)
}

/// Rounds `n · bp / 10000` half up.
pub fn share_of(n: u64, bp: u64) -> u64 {
    (n * bp + BP / 2) / BP
}

/// Splits `count` firms across units in proportion to `weights` (at most `weights[i]` each),
/// by Hamilton (largest remainder), exactly; the result is re-verified by the checker.
pub fn split_by(weights: &[u64], count: u64) -> Result<Vec<u64>, String> {
    let n = weights.len();
    let p = Problem::with_bounds(weights.to_vec(), vec![0; n], weights.to_vec(), count, &|i| format!("#{i}"))
        .map_err(|e| e.to_string())?;
    let a = apportion(&p, Method::Hamilton);
    check_apportionment(&p, &a).map_err(|e: CheckError| e.to_string())?;
    Ok(a.seats)
}

/// Outcomes from shares: the national number of recovered firms is `round(N · r)`, of
/// recovered-or-withheld firms `round(N · (r + w))` (so they never exceed N); each is split
/// across units in proportion to their slots by [`split_by`] (withheld among the firms not
/// recovered).
pub fn outcomes_from_shares(slots: &[u64], shares: Shares) -> Result<Vec<UnitOutcome>, String> {
    let n: u64 = slots.iter().sum();
    let r_total = share_of(n, shares.recovered_bp);
    let rw_total = share_of(n, shares.recovered_bp + shares.withheld_bp);
    let recovered = split_by(slots, r_total)?;
    let rest: Vec<u64> = slots.iter().zip(&recovered).map(|(s, r)| s - r).collect();
    let withheld = split_by(&rest, rw_total - r_total)?;
    Ok((0..slots.len())
        .map(|i| UnitOutcome { slots: slots[i], recovered_firms: recovered[i], withheld_firms: withheld[i] })
        .collect())
}

/// Runs `programme`: allocates every batch from `base` (its rules; total and caps replaced per
/// batch, floors re-derived from `bounds`, the scenario's `[bounds]` table), picks firms from
/// the pool, applies the evaluation outcomes and builds the cash flow.
pub fn run(
    programme: &Programme,
    base: &Scenario,
    bounds: &BoundsEntry,
    pool: Pool<'_>,
) -> Result<Plan, ProgrammeError> {
    let n = base.units.len();
    // Registry pools: which batch supported each firm.
    let mut batch_of: Vec<Option<usize>> = match pool {
        Pool::Registry { registry, .. } => vec![None; registry.len()],
        Pool::Counts(_) => vec![],
    };
    let mut remaining: Vec<u64> = match pool {
        Pool::Counts(c) => {
            if c.len() != n {
                return Err(ProgrammeError::Invalid {
                    at: programme.at.clone(),
                    message: format!("pool has {} units, the scenario {n}", c.len()),
                });
            }
            c.to_vec()
        }
        Pool::Registry { .. } => vec![0; n],
    };
    let mut results: Vec<BatchResult> = Vec::with_capacity(programme.batches.len());
    for (b, batch) in programme.batches.iter().enumerate() {
        let label = batch.label.clone();
        // The pool before this batch.
        let mut available: Vec<bool> = vec![];
        if let Pool::Registry { registry, merge_map } = pool {
            let s = screen(registry, batch.as_of);
            available = (0..registry.len()).map(|f| s.is_eligible(f) && batch_of[f].is_none()).collect();
            let mut per_unit = vec![0u64; registry.units().len()];
            for (f, firm) in registry.firms.iter().enumerate() {
                per_unit[firm.unit] += u64::from(available[f]);
            }
            remaining = merge_counts(&per_unit, merge_map, n);
        }
        let mut scenario = base.clone();
        scenario.total = batch.total;
        scenario.name = format!("{} — {}", programme.name, label);
        // The batch's table is titled by the programme and batch, not the base scenario.
        scenario.title = scenario.name.clone();
        scenario.description = format!("{label} ({} firms) of {}", batch.total, programme.name);
        apply_caps(&mut scenario, bounds, &remaining, &batch.total_at)
            .map_err(|source| ProgrammeError::Pool { batch: label.clone(), source })?;
        let allocation = allocate(&scenario)
            .map_err(|source| ProgrammeError::Allocate { batch: label.clone(), source })?;
        let slots: Vec<u64> = allocation.units.iter().map(|u| u.slots).collect();
        let pool_before = remaining.clone();

        // Supported firms leave the pool.
        let mut firms = Vec::new();
        match pool {
            Pool::Registry { registry, merge_map } => {
                let mut to_fill = slots.clone();
                for (f, firm) in registry.firms.iter().enumerate() {
                    let u = merge_map[firm.unit];
                    if available[f] && to_fill[u] > 0 {
                        to_fill[u] -= 1;
                        batch_of[f] = Some(b);
                        firms.push(f);
                    }
                }
                debug_assert!(to_fill.iter().all(|&t| t == 0), "caps are the available firms");
            }
            Pool::Counts(_) => {
                for i in 0..n {
                    remaining[i] -= slots[i];
                }
            }
        }

        let outcomes = match &programme.outcomes {
            Outcomes::Shares(shares) => outcomes_from_shares(&slots, shares[b])
                .map_err(|message| ProgrammeError::Outcomes { batch: label.clone(), message })?,
            Outcomes::Lists { .. } => {
                slots.iter().map(|&s| UnitOutcome { slots: s, ..UnitOutcome::default() }).collect()
            }
        };
        let firm_ids = match pool {
            Pool::Registry { registry, .. } => firms.iter().map(|&f| registry.firms[f].id.as_str()).collect(),
            Pool::Counts(_) => FirmIds::default(),
        };
        results.push(BatchResult {
            batch: batch.clone(),
            pool: pool_before,
            scenario,
            allocation,
            outcomes,
            firms,
            firm_ids,
        });
    }

    if let Outcomes::Lists { recovered, withheld } = &programme.outcomes {
        let Pool::Registry { registry, merge_map } = pool else {
            let at = recovered.first().or(withheld.first()).map_or(programme.at.clone(), |l| l.at.clone());
            return Err(ProgrammeError::Invalid {
                at,
                message: "lists of firms need a firm registry (`registry = \"…\"`); without one, give shares (recovered_bp, withheld_bp)".into(),
            });
        };
        let mut problems = Vec::new();
        for (list, is_recovered) in [(recovered, true), (withheld, false)] {
            for l in list {
                let Some(f) = registry.position(&l.id) else {
                    problems.push(ProgrammeError::Invalid {
                        at: l.at.clone(),
                        message: format!("firm '{}' is not in the registry {}", l.id, registry.at),
                    });
                    continue;
                };
                let Some(b) = batch_of[f] else {
                    problems.push(ProgrammeError::Invalid {
                        at: l.at.clone(),
                        message: format!(
                            "firm '{}' ({} line {}) is not supported in any batch of this plan (firms are picked in registry order within each unit; see `quota plan --format json`)",
                            l.id, registry.at, registry.firms[f].line
                        ),
                    });
                    continue;
                };
                let o = &mut results[b].outcomes[merge_map[registry.firms[f].unit]];
                if is_recovered {
                    o.recovered_firms += 1;
                } else {
                    o.withheld_firms += 1;
                }
            }
        }
        if !problems.is_empty() {
            return Err(ProgrammeError::join(problems));
        }
    }

    let outcomes: Vec<BatchOutcome> =
        results.iter().map(|r| BatchOutcome { year: r.batch.year, units: r.outcomes.clone() }).collect();
    let cash_flow = cash_flow(&base.funding, programme.remainder_after_years, &outcomes, n);
    let provenance = plan_provenance(programme, base, &pool);
    Ok(Plan {
        provenance,
        name: programme.name.clone(),
        description: programme.description.clone(),
        units: base.units.clone(),
        funding: base.funding,
        remainder_after_years: programme.remainder_after_years,
        batches: results,
        cash_flow,
        from_registry: matches!(pool, Pool::Registry { .. }),
        inputs: PlanInputs {
            programme: programme.at.source.clone(),
            scenario: base.at.source.clone(),
            registry: match pool {
                Pool::Registry { registry, .. } => Some(registry.at.source.clone()),
                Pool::Counts(_) => None,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up_and_never_exceed_the_slots() {
        assert_eq!(share_of(1039, 200), 21); // 20.78
        assert_eq!(share_of(50, 100), 1); // 0.5 → 1
        let o = outcomes_from_shares(&[10, 0, 5], Shares { recovered_bp: 5000, withheld_bp: 5000 }).unwrap();
        for u in &o {
            assert_eq!(u.recovered_firms + u.withheld_firms, u.slots);
        }
        let r: u64 = o.iter().map(|u| u.recovered_firms).sum();
        assert_eq!(r, 8); // round(7.5) = 8
    }
}
