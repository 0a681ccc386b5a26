//! How firmly the observation pins the fitted weights: the calibration re-run on resamples of
//! the observed units (`quota calibrate --resample`).
//!
//! - **Leave-one-out**: once per observed unit, with that unit left out (its slots unknown).
//! - **Bootstrap**: K samples of the observed units drawn with replacement (a unit drawn k
//!   times counts k times in the slot error; one not drawn is left out), from a seeded ChaCha8
//!   stream.
//!
//! Each resample is calibrated as a whole ([`calibrate_method`]: exact LP for a complete
//! observation under an LP method, else the grid and local search), and its *fit* is the
//! most central weighting when weightings reproduce it, else the nearest explanation found.
//! The spread of each free weight over the fits (mean, standard deviation, quantiles) says how
//! much the answer depends on which units were announced.
//!
//! It speaks to observations no weighting reproduces (benchmarks, or announcements the model
//! does not fit): there the nearest fit depends on which units count. An observation that
//! weightings reproduce is reproduced in every resample by the same weightings (and a unit
//! left out of a complete observation is implied by the total anyway), so its fits move only
//! as far as each resample's search moves; the fit on every unit is tried first in each
//! resample, and the report says when every resample was reproduced.
//!
//! The samples are drawn up front, in
//! order, and each is calibrated independently (in parallel), so the result is the same bytes
//! for any thread count.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{calibrate_method, prepare, CalibrateError, CalibrateSpec, Context, Weighting};
use crate::observed::{ObservedAllocation, ObservedSlots};
use crate::scenario::Scenario;

/// Most bootstrap samples allowed.
pub const MAX_SAMPLES: usize = 10_000;

/// Which resamples to calibrate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resample {
    /// Each observed unit left out once.
    LeaveOneOut,
    /// `samples` draws of the observed units with replacement, from `seed`.
    Bootstrap { samples: usize, seed: u64 },
}

/// One resample's fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResampleFit {
    /// `without 12` (leave-one-out) or `sample 3` (bootstrap, from 1).
    pub label: String,
    /// The unit left out (leave-one-out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out: Option<String>,
    /// Bootstrap: how many times each unit was drawn (scenario order; 0: left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draws: Option<Vec<u64>>,
    /// Whether weightings reproduce the resample (the fit is then the most central one).
    pub reproduced: bool,
    /// The fitted weighting (None: no allocation found at all).
    pub weighting: Option<Weighting>,
    /// The resample's slot error at the fit (0 when reproduced).
    pub l1: Option<u64>,
}

/// One free weight's spread over the fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightSpread {
    /// Indicator column or `development_weight`.
    pub name: String,
    /// Its value at the fit on every observed unit.
    pub full: Option<f64>,
    /// Mean over the fits.
    pub mean: f64,
    /// Standard deviation over the fits (n − 1 in the denominator; 0 for one fit).
    pub sd: f64,
    /// Smallest.
    pub min: f64,
    /// The ⌈0.05·n⌉-th smallest.
    pub p5: f64,
    /// The ⌈0.5·n⌉-th smallest.
    pub median: f64,
    /// The ⌈0.95·n⌉-th smallest.
    pub p95: f64,
    /// Largest.
    pub max: f64,
}

/// The resampling of one method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resampling {
    /// Method name.
    pub method: String,
    /// `leave-one-out` or `bootstrap`.
    pub kind: String,
    /// The bootstrap's seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The fit on every observed unit.
    pub full: Option<Weighting>,
    /// One fit per resample, in order.
    pub fits: Vec<ResampleFit>,
    /// Each free weight's spread over the fits that found a weighting.
    pub spread: Vec<WeightSpread>,
}

/// Calibrates resamples of the observed units for each of `spec`'s methods.
pub fn resample(
    s: &Scenario,
    observed: &ObservedAllocation,
    slots: &ObservedSlots,
    spec: &CalibrateSpec,
    how: Resample,
) -> Result<Vec<Resampling>, CalibrateError> {
    let bad = |message: String| CalibrateError::Spec { field: "resample", message };
    let prepared = prepare(s, observed, slots, spec)?;
    let ctx = &prepared.ctx;
    let known: Vec<usize> = (0..slots.slots.len()).filter(|&i| slots.slots[i].is_some()).collect();
    if known.len() < 2 {
        return Err(bad(format!(
            "resampling needs at least 2 observed units, the observation has {}",
            known.len()
        )));
    }
    let draws: Vec<(String, Option<String>, Vec<u64>)> = match how {
        Resample::LeaveOneOut => known
            .iter()
            .map(|&i| {
                let mut counts = vec![0; slots.slots.len()];
                known.iter().for_each(|&k| counts[k] = u64::from(k != i));
                let code = ctx.prepared.units.get(i).code.clone();
                (format!("without {code}"), Some(code), counts)
            })
            .collect(),
        Resample::Bootstrap { samples, seed } => {
            if !(1..=MAX_SAMPLES).contains(&samples) {
                return Err(bad(format!("{samples} bootstrap samples: expected 1..={MAX_SAMPLES}")));
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (1..=samples)
                .map(|b| {
                    let mut counts = vec![0; slots.slots.len()];
                    for _ in 0..known.len() {
                        counts[known[rng.random_range(0..known.len())]] += 1;
                    }
                    (format!("sample {b}"), None, counts)
                })
                .collect()
        }
    };
    let (kind, seed) = match how {
        Resample::LeaveOneOut => ("leave-one-out", None),
        Resample::Bootstrap { seed, .. } => ("bootstrap", Some(seed)),
    };
    prepared
        .methods
        .iter()
        .map(|&method| {
            let full = fit(ctx, method)?.1;
            let fits = draws
                .par_iter()
                .map(|(label, left_out, counts)| {
                    let observed: Vec<Option<u64>> =
                        ctx.observed.iter().zip(counts).map(|(x, &c)| x.filter(|_| c > 0)).collect();
                    let sub = Context {
                        prepared: ctx.prepared.clone(),
                        comps: ctx.comps.clone(),
                        observed: &observed,
                        counts: Some(counts.clone()),
                        hints: full.iter().map(|w| ctx.comps.coordinates(w)).collect(),
                        grid_points: ctx.grid_points,
                        coords: ctx.coords.clone(),
                    };
                    let (reproduced, weighting, l1) = fit(&sub, method)?;
                    let draws = left_out.is_none().then(|| counts.clone());
                    Ok(ResampleFit {
                        label: label.clone(),
                        left_out: left_out.clone(),
                        draws,
                        reproduced,
                        weighting,
                        l1,
                    })
                })
                .collect::<Result<Vec<_>, CalibrateError>>()?;
            let spread = spread(ctx, full.as_ref(), &fits);
            Ok(Resampling { method: method.name().into(), kind: kind.into(), seed, full, fits, spread })
        })
        .collect()
}

/// A calibration's fit: the most central weighting when weightings reproduce the observation,
/// else the nearest explanation; with its slot error.
fn fit(
    ctx: &Context,
    method: crate::apportion::Method,
) -> Result<(bool, Option<Weighting>, Option<u64>), CalibrateError> {
    let c = calibrate_method(ctx, method)?;
    Ok(match (c.central, c.nearest) {
        (Some(w), _) if c.check.as_ref().is_some_and(|k| k.passed()) => (true, Some(w), Some(0)),
        (_, Some(n)) => (false, Some(n.weighting), Some(n.l1)),
        _ => (false, None, None),
    })
}

/// Each free coordinate's spread over the fits that found a weighting.
fn spread(ctx: &Context, full: Option<&Weighting>, fits: &[ResampleFit]) -> Vec<WeightSpread> {
    let found: Vec<Vec<f64>> =
        fits.iter().filter_map(|f| f.weighting.as_ref()).map(|w| ctx.comps.coordinates(w)).collect();
    if found.is_empty() {
        return Vec::new();
    }
    let full = full.map(|w| ctx.comps.coordinates(w));
    ctx.coords
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let mut v: Vec<f64> = found.iter().map(|p| p[c]).collect();
            v.sort_by(f64::total_cmp);
            let n = v.len();
            let mean = v.iter().sum::<f64>() / n as f64;
            let sd = if n > 1 {
                (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
            } else {
                0.0
            };
            let q = |p: f64| v[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
            WeightSpread {
                name: name.clone(),
                full: full.as_ref().map(|f| f[c]),
                mean,
                sd,
                min: v[0],
                p5: q(0.05),
                median: q(0.5),
                p95: q(0.95),
                max: v[n - 1],
            }
        })
        .collect()
}
