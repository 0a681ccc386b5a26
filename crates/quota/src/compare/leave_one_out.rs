//! Leave-one-indicator-out: the scenario allocated once without each indicator (its weight set
//! to 0, the others re-normalised to sum 1, everything else — method or optimisation model,
//! normalisation, disparity term, floors, caps, constraints — as written), every unit's slots
//! against the scenario as written. The robustness check reviewers ask of a composite
//! indicator (e.g. OECD/JRC, *Handbook on Constructing Composite Indicators*, 2008, §7).

use serde::Serialize;

use super::CompareError;
use crate::allocate::allocate;
use crate::scenario::Scenario;
use crate::stamp::Stamp;

/// The scenario without each indicator in turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaveOneOut {
    /// Scenario name.
    pub scenario: String,
    /// The method (or `optimize (objective)`).
    pub method: String,
    /// National total N.
    pub total: u64,
    /// One column per indicator, in the scenario's order.
    pub columns: Vec<Dropped>,
    /// Every unit, in unit order.
    pub units: Vec<LooUnit>,
    /// The provenance of the scenario's inputs (every output carries its mark).
    pub provenance: crate::provenance::Provenance,
    /// The reproducibility stamp line of the inputs (set by the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
}

/// The scenario without one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    /// The indicator left out (its column).
    pub indicator: String,
    /// Its label.
    pub label: String,
    /// Its weight in the scenario.
    pub weight: f64,
    /// The weights of the others after re-normalisation (0 for the one left out), in the
    /// scenario's order.
    pub weights: Vec<f64>,
    /// Why there is no allocation without it (every other weight 0, or the optimisation
    /// model's constraints cannot hold); None when there is one.
    pub infeasible: Option<String>,
    /// Slots that changed hands: Σ|Δ| / 2.
    pub moved: u64,
    /// Units whose slots changed.
    pub units_changed: usize,
    /// The largest |Δ| over the units.
    pub max_change: u64,
}

/// One unit's slots as written and without each indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LooUnit {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Slots in the scenario as written.
    pub baseline: u64,
    /// Slots without each indicator (None: no allocation), column order.
    pub slots: Vec<Option<u64>>,
    /// The largest |Δ| over the columns.
    pub max_change: u64,
}

/// The scenario allocated without each of its indicators (see the module docs). Fails only
/// when the scenario as written cannot be allocated, or on an internal fault; a column without
/// an allocation is reported in [`Dropped::infeasible`].
pub fn leave_one_out(s: &Scenario, stamp: Option<&Stamp>) -> Result<LeaveOneOut, CompareError> {
    let base = allocate(s)
        .map_err(|source| CompareError::Allocate { what: "the scenario as written".into(), source })?;
    let baseline: Vec<u64> = base.units.iter().map(|u| u.slots).collect();
    let mut columns = Vec::new();
    let mut per_column: Vec<Option<Vec<u64>>> = Vec::new();
    for ind in s.indicators() {
        let others: f64 = s.indicators().iter().filter(|i| i.column != ind.column).map(|i| i.weight).sum();
        let n = s.indicators().len();
        let (mut weights, mut infeasible, mut slots) = (vec![0.0; n], None, None);
        if others <= 0.0 {
            infeasible = Some("every other indicator has weight 0".to_string());
        } else {
            match s.with_weight(&ind.column, 0.0) {
                Err(e) => infeasible = Some(e.to_string()),
                Ok(t) => {
                    weights = t.weights();
                    match allocate(&t) {
                        Ok(a) => slots = Some(a.units.iter().map(|u| u.slots).collect::<Vec<u64>>()),
                        Err(source) if source.is_internal() => {
                            return Err(CompareError::Allocate {
                                what: format!("without {}", ind.column),
                                source,
                            })
                        }
                        Err(e) => infeasible = Some(e.to_string()),
                    }
                }
            }
        }
        columns.push(dropped(ind, weights, infeasible, &baseline, slots.as_deref()));
        per_column.push(slots);
    }
    let units = base
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let slots: Vec<Option<u64>> = per_column.iter().map(|c| c.as_ref().map(|v| v[i])).collect();
            let max_change = slots.iter().flatten().map(|&x| x.abs_diff(u.slots)).max().unwrap_or(0);
            LooUnit { code: u.code.clone(), name: u.name.clone(), baseline: u.slots, slots, max_change }
        })
        .collect();
    Ok(LeaveOneOut {
        scenario: s.name().to_string(),
        method: base.method.clone(),
        total: s.total(),
        columns,
        units,
        provenance: s.provenance().clone(),
        stamp: stamp.cloned(),
    })
}

fn dropped(
    ind: &crate::scenario::Indicator,
    weights: Vec<f64>,
    infeasible: Option<String>,
    baseline: &[u64],
    slots: Option<&[u64]>,
) -> Dropped {
    let diffs: Vec<u64> =
        slots.map(|v| v.iter().zip(baseline).map(|(a, b)| a.abs_diff(*b)).collect()).unwrap_or_default();
    Dropped {
        indicator: ind.column.clone(),
        label: ind.label.clone(),
        weight: ind.weight,
        weights,
        infeasible,
        moved: diffs.iter().sum::<u64>() / 2,
        units_changed: diffs.iter().filter(|&&d| d > 0).count(),
        max_change: diffs.iter().copied().max().unwrap_or(0),
    }
}
