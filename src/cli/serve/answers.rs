//! What the server answers: the scenario as the page needs it to draw its inputs, an
//! allocation (the library's [`Allocation`] with the weights used, the optimiser's report, the
//! stamp, the provenance and the change from a baseline), and the side-by-side comparison of
//! pinned variants. Every number comes from the library; the page only lays them out.

use quota::allocate::{allocate, AllocateError, Allocation, AllocationReport, InputLabels};
use quota::apportion::Method;
use quota::compare::diff;
use quota::scenario::{Inputs, Scenario};
use quota::stamp::Stamp;
use quota::units::Region;
use serde::Serialize;
use serde_json::{Map, Value};

use super::request::{Bad, Resolved, Settings};

/// Region names as the page shows them, in NBS order.
fn multipliers(s: &Scenario) -> Map<String, Value> {
    let mut out = Map::new();
    for r in Region::ALL {
        let m = s
            .disparity()
            .as_ref()
            .and_then(|d| d.multipliers.iter().find(|(x, _)| *x == r))
            .map_or(1.0, |x| x.1);
        out.insert(r.name_zh().into(), m.into());
    }
    out
}

pub fn weights(s: &Scenario) -> Map<String, Value> {
    s.indicators().iter().map(|i| (i.column.clone(), i.weight.into())).collect()
}

/// Which inputs in play are not official, from the scenario's provenance (the `# @column` and
/// `<col>_status` declarations its loaders read, see `quota::provenance`): the banner's
/// columns and the notes in both languages.
#[derive(Debug, Serialize)]
pub struct Provenance {
    /// Inputs in play that are illustrative, synthetic or assumed (column names), in model order.
    pub illustrative: Vec<String>,
    /// True when no input in play is illustrative, synthetic or assumed (then no banner).
    pub official: bool,
    /// The note the outputs carry, in Chinese and English (None when official).
    pub note_zh: Option<String>,
    /// The English note.
    pub note_en: Option<String>,
    /// Where the indicators came from.
    pub indicators: String,
}

pub fn provenance(s: &Scenario, inputs: &Inputs) -> Provenance {
    let p = s.provenance();
    Provenance {
        illustrative: p.marked().map(|i| i.name.clone()).collect(),
        official: p.official,
        note_zh: p.note_zh(),
        note_en: p.note_en(),
        indicators: inputs.indicators_source.label.clone(),
    }
}

/// The scenario as the page draws its inputs (`GET /api/scenario`, `POST /api/scenario`).
pub fn describe(r: &Resolved) -> Value {
    let s = &r.scenario;
    let f = s.file();
    let methods: Vec<&str> = Method::ALL.iter().map(|m| m.name()).chain(["optimize"]).collect();
    let units: Vec<Value> = s
        .units()
        .as_slice()
        .iter()
        .map(|u| {
            serde_json::json!({ "code": u.code, "name": u.name_zh, "name_en": u.name_en,
                "region": u.region.name_zh(), "region_en": u.region.name_en(), "kind": u.kind, "parent": u.parent })
        })
        .collect();
    let indicators: Vec<Value> = s
        .indicators()
        .iter()
        .map(|i| serde_json::json!({ "column": i.column, "label": i.label, "weight": i.weight }))
        .collect();
    let development =
        s.disparity().as_ref().and_then(|d| d.development.as_ref()).map(|(c, _, w)| (c.clone(), *w));
    serde_json::json!({
        "name": s.name(),
        "description": s.description(),
        "total": s.total(),
        "method": s.method().name(),
        "methods": methods,
        "merged_cities": s.merged(),
        "indicators": indicators,
        "disparity": s.disparity().as_ref().map(|_| serde_json::json!({
            "development_column": development.as_ref().map(|d| d.0.clone()),
            "development_weight": development.as_ref().map_or(0.0, |d| d.1),
            "region_multipliers": multipliers(s),
        })),
        "bounds": { "floor": f.bounds.floor, "caps_column": f.bounds.caps_column,
                    "floors": f.bounds.floors, "caps": f.bounds.caps },
        "optimize_groups": s.constraints().as_ref().map_or(0, |c| c.groups.len()),
        "units": units,
        "inputs": { "scenario": r.inputs.scenario.label, "units": r.inputs.units_source.label,
                    "indicators": r.inputs.indicators_source.label },
        "provenance": provenance(s, &r.inputs),
    })
}

/// The stamp of the scenario as edited (its file carries every setting).
pub fn stamp(r: &Resolved) -> Result<Stamp, Bad> {
    Stamp::compute_for(
        &r.scenario,
        r.scenario.file(),
        &r.inputs.units_source.text,
        &r.inputs.indicators_source.text,
    )
    .map_err(|e| Bad::new("source", e))
}

/// The published report of an allocation of the resolved scenario: the stamp of the scenario
/// as edited, the labels of its inputs (what `quota allocate` publishes).
pub fn report(r: &Resolved, a: Allocation) -> Result<AllocationReport, Bad> {
    let i = &r.inputs;
    let labels = InputLabels {
        scenario: i.scenario.label.clone(),
        units: i.units_source.label.clone(),
        indicators: i.indicators_source.label.clone(),
    };
    Ok(AllocationReport::new(&r.scenario, a, stamp(r)?, labels))
}

/// Allocates, naming the field an infeasible model or bound belongs to.
pub fn allocated(r: &Resolved, settings: &Settings) -> Result<Allocation, Bad> {
    allocate(&r.scenario).map_err(|e| {
        let field = match &e {
            // The checker rejected a result: a fault of the program, answered 500.
            e if e.is_internal() => "server",
            AllocateError::Optimize(_)
            | AllocateError::Infeasible { .. }
            | AllocateError::NoAllocation { .. }
                if !settings.guarantees.is_empty() =>
            {
                "guarantees"
            }
            AllocateError::Apportion(_) => "bounds",
            _ => "settings",
        };
        Bad::new(field, e)
    })
}

/// One unit's change from the baseline (units matched by code; a missing side counts 0).
#[derive(Serialize)]
struct Delta {
    code: String,
    baseline_slots: Option<u64>,
    slots: i64,
    money_wan: i64,
}

/// The published allocation (`quota allocate --format json`'s fields) and what the page adds.
#[derive(Serialize)]
struct AllocateAnswer<'a> {
    #[serde(flatten)]
    report: &'a AllocationReport,
    development_weight: f64,
    region_multipliers: Map<String, Value>,
    provenance: Provenance,
    delta: Option<Vec<Delta>>,
    delta_summary: Option<DeltaSummary>,
}

/// How much moved from the baseline.
#[derive(Serialize)]
struct DeltaSummary {
    /// Units whose slots changed.
    changed_units: usize,
    /// Σ |Δ slots|.
    total_abs_change: u64,
}

/// `POST /api/allocate`: the allocation, and its change from `baseline` if one is pinned.
pub fn allocation(r: &Resolved, a: &Allocation, baseline: Option<&Allocation>) -> Result<String, Bad> {
    let diffs = baseline.map(|b| diff(b, a));
    let delta_summary = diffs
        .as_ref()
        .map(|d| DeltaSummary { changed_units: d.changed(), total_abs_change: d.total_abs_change() });
    let delta = diffs.map(|d| {
        d.units
            .iter()
            .map(|u| Delta {
                code: u.code.clone(),
                baseline_slots: u.a.map(|x| x.slots),
                slots: u.delta_slots(),
                money_wan: u.delta_money_wan(),
            })
            .collect()
    });
    let answer = AllocateAnswer {
        report: &report(r, a.clone())?,
        development_weight: r.scenario.development_weight(),
        region_multipliers: multipliers(&r.scenario),
        provenance: provenance(&r.scenario, &r.inputs),
        delta,
        delta_summary,
    };
    quota::render::json("allocate", &answer).map_err(|e| Bad::new("settings", e))
}
