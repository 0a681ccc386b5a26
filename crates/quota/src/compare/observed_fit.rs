//! A scenario's allocation against an observed one (`quota compare --observed FILE`): per unit
//! the allocated and the observed slots with their difference, and how close the two are as a
//! whole.
//!
//! **Scaling.** The observed figures belong to a batch of some national total — the file's
//! `@total`, or, when every unit is observed and the file states none, the observed sum. When
//! that total differs from the scenario's N, every observed figure is scaled by N / total
//! before differences are taken ("expected" below); with no known total (some units observed,
//! no `@total`) the figures are compared as given.
//!
//! **Fit measures** over the units both sides have (the "compared" units):
//! - *L1 of shares*: Σ |a_i/A − o_i/O| with A, O the sums over the compared units (0 = same
//!   split, 2 = disjoint); *slots that would have to move* = L1 / 2, as a share of the slots;
//! - *Spearman's ρ*: Pearson's correlation of the ranks (ties get their average rank);
//! - *Kendall's τ-b*: (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), ties on either side
//!   counted as in Kendall (1945);
//! - *largest absolute error*: max |a_i − expected_i|, the first unit in unit order on ties.
//!
//! The share and rank measures need two compared units and are absent (None) otherwise; a rank
//! correlation is also absent when one side is constant (no ranking to compare).

use serde::Serialize;

use super::CompareError;
use crate::allocate::allocate;
use crate::observed::{Kind, ObservedAllocation, ObservedSlots, Status};
use crate::provenance::Provenance;
use crate::scenario::Scenario;
use crate::stamp::Stamp;

/// The allocation of a scenario against an observed allocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedFit {
    /// Scenario name.
    pub scenario: String,
    /// The method (or `optimize (objective)`).
    pub method: String,
    /// National total N of the scenario.
    pub total: u64,
    /// What was observed.
    pub observed: ObservedSource,
    /// N / the observed batch's total (1 when equal or unknown).
    pub scale: f64,
    /// Whether the observed figures were scaled (the batch totals differ).
    pub scaled: bool,
    /// Every unit of the scenario, in unit order (unobserved ones with `observed: null`).
    pub units: Vec<FitUnit>,
    /// How close the two are.
    pub summary: FitSummary,
    /// The provenance of the scenario's inputs.
    pub provenance: Provenance,
    /// The reproducibility stamp of the scenario's inputs (set by the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
}

/// The observed file, as the comparison uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedSource {
    /// Its short name (`@name`).
    pub name: String,
    /// What it is (`@description`).
    pub description: String,
    /// An outcome of the programme, or a benchmark to measure against.
    pub kind: Kind,
    /// The programme the figures belong to.
    pub programme: String,
    /// The date the figures refer to.
    pub as_of: String,
    /// The national total of the observed batch (`@total`, or the observed sum when every unit
    /// is observed); None when unknown.
    pub batch_total: Option<u64>,
    /// Units observed.
    pub units_observed: usize,
    /// Σ of the observed slots.
    pub observed_sum: u64,
    /// The statuses of its figures (distinct, in file order).
    pub statuses: Vec<Status>,
}

/// One unit: allocated against observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitUnit {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Slots the scenario allocates.
    pub allocated: u64,
    /// Slots observed (None: the file says nothing about the unit).
    pub observed: Option<u64>,
    /// The observed slots scaled to the scenario's N (equal to `observed` when not scaled).
    pub expected: Option<f64>,
    /// allocated − expected.
    pub delta: Option<f64>,
    /// delta / expected in percent (None when expected is 0).
    pub delta_percent: Option<f64>,
    /// The status of the observed figure.
    pub status: Option<Status>,
}

/// The fit measures (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// Units both sides have.
    pub units_compared: usize,
    /// Σ allocated over the compared units.
    pub allocated_compared: u64,
    /// Σ observed over the compared units.
    pub observed_compared: u64,
    /// Compared units whose allocated slots equal the observed ones (0 when scaled: a scaled
    /// figure is not a slot count).
    pub exact_matches: usize,
    /// Σ |allocated − expected| over the compared units.
    pub abs_error_sum: f64,
    /// L1 distance of the shares (two or more compared units).
    pub l1_shares: Option<f64>,
    /// Share of the slots that would have to move, in percent (L1 / 2 × 100).
    pub moved_percent: Option<f64>,
    /// Spearman's rank correlation.
    pub spearman: Option<f64>,
    /// Kendall's τ-b.
    pub kendall_tau_b: Option<f64>,
    /// The compared unit with the largest |allocated − expected|.
    pub largest: Option<LargestError>,
}

/// The unit with the largest absolute error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LargestError {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// allocated − expected.
    pub delta: f64,
}

/// Allocates `s` and compares it with the observed allocation `file`, resolved to the
/// scenario's units as `observed`.
pub fn observed_fit(
    s: &Scenario,
    file: &ObservedAllocation,
    observed: &ObservedSlots,
    stamp: Option<&Stamp>,
) -> Result<ObservedFit, CompareError> {
    let a = allocate(s).map_err(|source| CompareError::Allocate { what: "the scenario".into(), source })?;
    let batch_total = file.total.or_else(|| observed.is_complete().then(|| observed.sum()));
    let scaled = batch_total.is_some_and(|t| t > 0 && t != s.total());
    let scale = match batch_total {
        Some(t) if scaled => s.total() as f64 / t as f64,
        _ => 1.0,
    };
    let units: Vec<FitUnit> = a
        .units
        .iter()
        .zip(&observed.slots)
        .map(|(u, o)| {
            let expected = o.map(|o| o as f64 * scale);
            let delta = expected.map(|e| u.slots as f64 - e);
            let status = file.rows.iter().find(|r| r.code == u.code).map(|r| r.status);
            FitUnit {
                code: u.code.clone(),
                name: u.name.clone(),
                allocated: u.slots,
                observed: *o,
                expected,
                delta,
                delta_percent: expected.zip(delta).filter(|(e, _)| *e > 0.0).map(|(e, d)| d / e * 100.0),
                status,
            }
        })
        .collect();
    let mut statuses: Vec<Status> = Vec::new();
    for r in &file.rows {
        if !statuses.contains(&r.status) {
            statuses.push(r.status);
        }
    }
    Ok(ObservedFit {
        scenario: s.name().to_string(),
        method: a.method.clone(),
        total: s.total(),
        observed: ObservedSource {
            name: file.name.clone(),
            description: file.description.clone(),
            kind: file.kind,
            programme: file.programme.clone(),
            as_of: file.as_of.clone(),
            batch_total,
            units_observed: observed.observed(),
            observed_sum: observed.sum(),
            statuses,
        },
        scale,
        scaled,
        summary: summary(&units, scaled),
        units,
        provenance: s.provenance().clone(),
        stamp: stamp.cloned(),
    })
}

fn summary(units: &[FitUnit], scaled: bool) -> FitSummary {
    let pairs: Vec<(&FitUnit, u64, f64)> =
        units.iter().filter_map(|u| Some((u, u.observed?, u.delta?))).collect();
    let a: Vec<f64> = pairs.iter().map(|(u, _, _)| u.allocated as f64).collect();
    let o: Vec<f64> = pairs.iter().map(|(_, o, _)| *o as f64).collect();
    let (sa, so): (f64, f64) = (a.iter().sum(), o.iter().sum());
    let two = pairs.len() >= 2;
    let l1 = (two && sa > 0.0 && so > 0.0)
        .then(|| a.iter().zip(&o).map(|(x, y)| (x / sa - y / so).abs()).sum::<f64>());
    let mut largest: Option<LargestError> = None;
    for (u, _, d) in &pairs {
        if largest.as_ref().is_none_or(|l| d.abs() > l.delta.abs()) {
            largest = Some(LargestError { code: u.code.clone(), name: u.name.clone(), delta: *d });
        }
    }
    FitSummary {
        units_compared: pairs.len(),
        allocated_compared: pairs.iter().map(|(u, _, _)| u.allocated).sum(),
        observed_compared: pairs.iter().map(|(_, o, _)| o).sum(),
        exact_matches: if scaled { 0 } else { pairs.iter().filter(|(u, o, _)| u.allocated == *o).count() },
        abs_error_sum: pairs.iter().map(|(_, _, d)| d.abs()).sum(),
        l1_shares: l1,
        moved_percent: l1.map(|l| l / 2.0 * 100.0),
        spearman: if two { pearson(&average_ranks(&a), &average_ranks(&o)) } else { None },
        kendall_tau_b: if two { kendall_tau_b(&a, &o) } else { None },
        largest,
    }
}

/// Ranks 1..=n, ties sharing their average rank.
pub fn average_ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&i, &j| xs[i].total_cmp(&xs[j]));
    let mut ranks = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]].total_cmp(&xs[order[i]]).is_eq() {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation; None when either side is constant or there are fewer than two values.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.len() < 2 || a.len() != b.len() {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// Kendall's τ-b; None when either side is constant or there are fewer than two values.
pub fn kendall_tau_b(a: &[f64], b: &[f64]) -> Option<f64> {
    use std::cmp::Ordering::Equal;
    let (mut concordant, mut discordant, mut tied_a, mut tied_b) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..a.len() {
        for j in i + 1..a.len() {
            match (a[i].total_cmp(&a[j]), b[i].total_cmp(&b[j])) {
                (Equal, Equal) => {}
                (Equal, _) => tied_a += 1,
                (_, Equal) => tied_b += 1,
                (x, y) if x == y => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let untied = concordant + discordant;
    let denominator = ((untied + tied_a) as f64 * (untied + tied_b) as f64).sqrt();
    (denominator > 0.0 && untied > 0).then(|| (concordant as f64 - discordant as f64) / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_the_average_on_ties() {
        assert_eq!(average_ranks(&[10.0, 30.0, 20.0, 20.0]), [1.0, 4.0, 2.5, 2.5]);
    }

    #[test]
    fn rank_correlations_of_known_cases() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(pearson(&average_ranks(&a), &average_ranks(&[2.0, 4.0, 6.0, 8.0, 10.0])), Some(1.0));
        assert_eq!(kendall_tau_b(&a, &[5.0, 4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // One swap among 4: 5 concordant, 1 discordant of 6 pairs.
        let t = kendall_tau_b(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]).unwrap();
        assert!((t - 4.0 / 6.0).abs() < 1e-12, "{t}");
        // Ties: a = (1,1,2), b = (1,2,3): pairs (0,1) tied in a; (0,2),(1,2) concordant.
        let t = kendall_tau_b(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
        assert!((t - 2.0 / (2.0f64 * 3.0).sqrt()).abs() < 1e-12, "{t}");
        assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
    }
}
