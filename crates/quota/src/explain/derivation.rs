//! The ideal quota of one unit, laid out so a reader can redo it by hand (the model is in
//! [`crate::scoring`]):
//!
//! ```text
//! t_ij = transform_j(x_ij);  s_ij = t_ij / Σ_k t_kj         each indicator
//! b_i  = Σ_j w_j · s_ij                                    base score
//! u_i  = (1/g_i) / Σ_k (1/g_k);  b'_i = (1 − δ)·b_i + δ·u_i   development term, if on
//! score_i = m_region · b'_i;  share_i = score_i / Σ_k score_k;  q_i = N · share_i
//! W_i = round(10^12 · share_i)                             exact from here on
//! q*_i = clamp(μ·W_i, floor_i, cap_i)                      quota after floors and caps
//! ```
//!
//! The transformed values `t_ij` are recomputed here from the raw values by the same formulas
//! as the scoring model; the normalised values `s_ij`, scores and weights are the model's own
//! (the tests check that `t_ij / Σt` reproduces `s_ij`).

use serde::Serialize;

use super::trail::bound_states;
use super::{BoundState, Exact};
use crate::allocate::scenario_scores;
use crate::apportion::{bounded_quotas, Problem};
use crate::scenario::Scenario;
use crate::scoring::Normalisation;
use crate::units::Region;

/// The parameters of an indicator's transform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Transform {
    /// `t = x`.
    Share,
    /// `t = (x − min) / (max − min)`.
    MinMax {
        /// Column minimum.
        min: f64,
        /// Column maximum.
        max: f64,
    },
    /// `z = (x − mean) / sd` (population sd), `t = z − min z`.
    ZScore {
        /// Column mean.
        mean: f64,
        /// Column standard deviation (population).
        sd: f64,
        /// This unit's z.
        z: f64,
        /// The smallest z in the column.
        min_z: f64,
    },
    /// `t = ln(1 + x)`.
    LogShare,
}

/// One indicator's contribution to the unit's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStep {
    /// Column of the indicators file.
    pub column: String,
    /// Label.
    pub label: String,
    /// Normalisation.
    pub normalise: Normalisation,
    /// Raw value `x_ij`.
    pub raw: f64,
    /// The transform's parameters.
    pub transform: Transform,
    /// Transformed value `t_ij`.
    pub transformed: f64,
    /// `Σ_k t_kj`.
    pub column_sum: f64,
    /// Normalised value `s_ij` (the model's).
    pub normalised: f64,
    /// Weight `w_j` (weights sum to 1).
    pub weight: f64,
    /// `w_j · s_ij`.
    pub contribution: f64,
}

/// The development term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DevelopmentStep {
    /// Column (e.g. GDP per capita).
    pub column: String,
    /// `g_i`.
    pub raw: f64,
    /// `1/g_i`.
    pub inverse: f64,
    /// `Σ_k 1/g_k`.
    pub inverse_sum: f64,
    /// `u_i`.
    pub term: f64,
    /// δ.
    pub weight: f64,
}

/// The derivation of one unit's ideal quota and exact quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derivation {
    /// Unit index.
    pub unit: usize,
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Region.
    pub region: Region,
    /// Indicators.
    pub indicators: Vec<IndicatorStep>,
    /// `b_i = Σ w_j s_ij`.
    pub base: f64,
    /// Development term, if on.
    pub development: Option<DevelopmentStep>,
    /// `b'_i` (equals `b_i` when the development term is off).
    pub adjusted: f64,
    /// Region multiplier `m`.
    pub region_factor: f64,
    /// `score_i = m · b'_i`.
    pub score: f64,
    /// `Σ_k score_k`.
    pub score_sum: f64,
    /// `share_i = score_i / Σ score`.
    pub share: f64,
    /// N.
    pub total: u64,
    /// `q_i = N · share_i`.
    pub ideal: f64,
    /// `W_i = round(10^12 · share_i)`.
    pub integer_weight: u64,
    /// `ΣW`.
    pub weight_sum: u128,
    /// Floor.
    pub floor: u64,
    /// Cap (as given).
    pub cap: u64,
    /// Whether a bound holds the quota.
    pub bound: BoundState,
    /// Slots shared by the free units, `R`.
    pub free_slots: u64,
    /// Their weight, `W_free`.
    pub free_weight: u128,
    /// `q*_i`, exact.
    pub quota: Exact,
}

fn transform(values: &[f64], i: usize, how: Normalisation) -> (Vec<f64>, Transform) {
    let n = values.len() as f64;
    match how {
        Normalisation::Share => (values.to_vec(), Transform::Share),
        Normalisation::MinMax => {
            let (lo, hi) =
                values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            (values.iter().map(|x| (x - lo) / (hi - lo)).collect(), Transform::MinMax { min: lo, max: hi })
        }
        Normalisation::ZScore => {
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            let z: Vec<f64> = values.iter().map(|x| (x - mean) / sd).collect();
            let min_z = z.iter().copied().fold(f64::INFINITY, f64::min);
            let t = z.iter().map(|v| v - min_z).collect();
            (t, Transform::ZScore { mean, sd, z: z[i], min_z })
        }
        Normalisation::LogShare => (values.iter().map(|x| x.ln_1p()).collect(), Transform::LogShare),
    }
}

/// The derivation of unit `u`'s quota in scenario `s`, whose exact problem is `p`.
pub fn derive(s: &Scenario, p: &Problem, u: usize) -> Derivation {
    let scores = scenario_scores(s);
    let score_sum: f64 = scores.iter().sum();
    let indicators = s
        .indicators
        .iter()
        .enumerate()
        .map(|(j, ind)| {
            let (t, tr) = transform(&ind.values, u, ind.normalise);
            let normalised = s.model.normalised[j][u];
            IndicatorStep {
                column: ind.column.clone(),
                label: ind.label.clone(),
                normalise: ind.normalise,
                raw: ind.values[u],
                transform: tr,
                transformed: t[u],
                column_sum: t.iter().sum(),
                normalised,
                weight: ind.weight,
                contribution: ind.weight * normalised,
            }
        })
        .collect::<Vec<_>>();
    let base: f64 = indicators.iter().map(|i| i.contribution).sum();
    let development = s.disparity.as_ref().and_then(|d| d.development.as_ref()).map(|(col, g, delta)| {
        let inverse_sum: f64 = g.iter().map(|v| 1.0 / v).sum();
        DevelopmentStep {
            column: col.clone(),
            raw: g[u],
            inverse: 1.0 / g[u],
            inverse_sum,
            term: s.model.development.as_ref().map_or(0.0, |d| d[u]),
            weight: *delta,
        }
    });
    let adjusted = match &development {
        Some(d) => (1.0 - d.weight) * base + d.weight * d.term,
        None => base,
    };
    let quotas = bounded_quotas(p);
    let (states, free_slots, free_weight, _) = bound_states(p, &quotas);
    let unit = s.units.get(u);
    Derivation {
        unit: u,
        code: unit.code.clone(),
        name: unit.name_zh.clone(),
        name_en: unit.name_en.clone(),
        region: unit.region,
        indicators,
        base,
        development,
        adjusted,
        region_factor: s.model.region_factor[u],
        score: scores[u],
        score_sum,
        share: scores[u] / score_sum,
        total: s.total,
        ideal: s.total as f64 * scores[u] / score_sum,
        integer_weight: p.weights()[u],
        weight_sum: p.weight_sum(),
        floor: s.floors[u],
        cap: s.caps[u],
        bound: states[u],
        free_slots,
        free_weight,
        quota: Exact(quotas[u]),
    }
}
