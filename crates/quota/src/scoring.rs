//! The scoring model: indicators → normalised shares → weighted score → regional-disparity
//! adjustment → ideal quota. All floating-point work happens here, in a fixed order, so the
//! same inputs give the same bits; the exact integer weights handed to the apportionment are
//! derived from the scores by one documented rounding ([`integer_weights`]).
//!
//! For unit i and indicator j with raw value x_ij:
//!
//! ```text
//! t_ij  = transform_j(x_ij)                 share: x; min-max: (x − min)/(max − min);
//!                                           z-score: z − min z, z = (x − mean)/sd; log-share: ln(1 + x)
//! s_ij  = t_ij / Σ_k t_kj                   every normalised column sums to 1
//! b_i   = Σ_j w_j · s_ij                    w ≥ 0, Σ w = 1
//! u_i   = (1/g_i) / Σ_k (1/g_k)             development term (g: e.g. GDP per capita), if on
//! b'_i  = (1 − δ) · b_i + δ · u_i           δ: development weight (0 when off)
//! score_i = m_{region(i)} · b'_i            m: multiplier of the unit's NBS region (1 when off)
//! q_i   = N · score_i / Σ_k score_k         ideal quota
//! ```

use serde::Serialize;
use thiserror::Error;

use crate::apportion::MAX_WEIGHT;
use crate::units::Region;

/// How an indicator's raw values become a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// Share of the national total: `x / Σx` (default).
    Share,
    /// Min-max: `(x − min) / (max − min)`, then divided by its sum.
    MinMax,
    /// z-score shifted to be non-negative: `z − min z`, then divided by its sum.
    ZScore,
    /// Log-share: `ln(1 + x)`, then divided by its sum (damps the largest units).
    LogShare,
}

impl Normalisation {
    /// Name as used in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Normalisation::Share => "share",
            Normalisation::MinMax => "min-max",
            Normalisation::ZScore => "z-score",
            Normalisation::LogShare => "log-share",
        }
    }
}

/// A model that cannot be scored.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScoringError {
    /// A column whose normalised values are all zero (e.g. all equal under min-max).
    #[error("indicator '{indicator}': {reason}; it cannot be normalised with '{method}'")]
    Degenerate { indicator: String, method: &'static str, reason: String },
    /// All weights zero.
    #[error("all indicator weights are zero; give at least one a positive weight")]
    AllWeightsZero,
    /// A negative or non-finite weight or parameter.
    #[error("{what} must be {expected}, got {value}")]
    BadParameter { what: String, expected: &'static str, value: f64 },
    /// A zero development indicator (its inverse is undefined).
    #[error("development indicator of unit {unit} is {value}; it must be positive (its inverse is used)")]
    BadDevelopment { unit: String, value: f64 },
    /// Every unit scores zero.
    #[error("every unit scores zero: nothing to split the total by")]
    AllScoresZero,
}

/// Normalises one column (see the module documentation).
pub fn normalise(name: &str, values: &[f64], how: Normalisation) -> Result<Vec<f64>, ScoringError> {
    let degenerate = |reason: &str| ScoringError::Degenerate {
        indicator: name.to_string(),
        method: how.name(),
        reason: reason.to_string(),
    };
    let n = values.len() as f64;
    let t: Vec<f64> = match how {
        Normalisation::Share => values.to_vec(),
        Normalisation::MinMax => {
            let (lo, hi) = min_max(values);
            if hi - lo <= 0.0 {
                return Err(degenerate("all units have the same value"));
            }
            values.iter().map(|x| (x - lo) / (hi - lo)).collect()
        }
        Normalisation::ZScore => {
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            if sd <= 0.0 {
                return Err(degenerate("all units have the same value (no variance)"));
            }
            let z: Vec<f64> = values.iter().map(|x| (x - mean) / sd).collect();
            let (zmin, _) = min_max(&z);
            z.iter().map(|v| v - zmin).collect()
        }
        Normalisation::LogShare => values.iter().map(|x| x.ln_1p()).collect(),
    };
    let sum: f64 = t.iter().sum();
    if sum <= 0.0 {
        return Err(degenerate("every unit's value is zero"));
    }
    Ok(t.iter().map(|v| v / sum).collect())
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// The inverse-normalised development term `u_i = (1/g_i) / Σ (1/g_k)`.
pub fn development_term(values: &[f64], unit_names: &[String]) -> Result<Vec<f64>, ScoringError> {
    for (i, &g) in values.iter().enumerate() {
        if g <= 0.0 {
            return Err(ScoringError::BadDevelopment { unit: unit_names[i].clone(), value: g });
        }
    }
    let inv: Vec<f64> = values.iter().map(|g| 1.0 / g).collect();
    let sum: f64 = inv.iter().sum();
    Ok(inv.iter().map(|v| v / sum).collect())
}

/// Weights normalised to sum 1; rejects negative, non-finite and all-zero weights.
pub fn normalise_weights(weights: &[f64], names: &[String]) -> Result<Vec<f64>, ScoringError> {
    for (w, name) in weights.iter().zip(names) {
        if !w.is_finite() || *w < 0.0 {
            return Err(ScoringError::BadParameter {
                what: format!("weight of '{name}'"),
                expected: "finite and non-negative",
                value: *w,
            });
        }
    }
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Err(ScoringError::AllWeightsZero);
    }
    Ok(weights.iter().map(|w| w / sum).collect())
}

/// The weight-independent part of the model: normalised columns, the development term and
/// the regional multipliers. Re-scoring under new weights is one pass over the units with no
/// allocation ([`ScoreModel::scores_into`]), which is what sweeps do millions of times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreModel {
    /// `s_ij`, one vector per indicator (each sums to 1).
    pub normalised: Vec<Vec<f64>>,
    /// `u_i`, if the development term is on.
    pub development: Option<Vec<f64>>,
    /// `m_{region(i)}` per unit (all 1 when the multipliers are off).
    pub region_factor: Vec<f64>,
}

impl ScoreModel {
    /// Number of units.
    pub fn units(&self) -> usize {
        self.region_factor.len()
    }

    /// Writes `score_i` for indicator weights `w` (summing to 1) and development weight `delta`.
    pub fn scores_into(&self, w: &[f64], delta: f64, out: &mut [f64]) {
        debug_assert_eq!(w.len(), self.normalised.len());
        for (i, o) in out.iter_mut().enumerate() {
            let mut b = 0.0;
            for (wj, col) in w.iter().zip(&self.normalised) {
                b += wj * col[i];
            }
            if let Some(dev) = &self.development {
                b = (1.0 - delta) * b + delta * dev[i];
            }
            *o = self.region_factor[i] * b;
        }
    }
}

/// The region multipliers as a per-unit factor.
pub fn region_factors(regions: &[Region], multipliers: &[(Region, f64)]) -> Vec<f64> {
    regions.iter().map(|r| multipliers.iter().find(|(m, _)| m == r).map_or(1.0, |(_, f)| *f)).collect()
}

/// The scale of [`integer_weights`]: scores become integer parts per 10^12 of the total.
pub const WEIGHT_SCALE: f64 = MAX_WEIGHT as f64;

/// Exact integer weights for the apportionment: `round(10^12 · score_i / Σ score)`.
///
/// Numerical policy: this is the only place floats meet the exact core. A unit's share is
/// kept to 12 decimal places — finer than any published indicator — and everything after it
/// (remainders, priorities, ties) is exact integer arithmetic. Two units whose scores differ
/// by less than 10^-12 of the total may therefore tie; such ties are reported like any other.
/// A unit with a positive score below 5·10^-13 of the total gets weight 0 (and so its floor).
pub fn integer_weights(scores: &[f64], out: &mut Vec<u64>) -> Result<(), ScoringError> {
    let sum: f64 = scores.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        return Err(ScoringError::AllScoresZero);
    }
    out.clear();
    out.extend(scores.iter().map(|s| (s / sum * WEIGHT_SCALE).round() as u64));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn normalisations_sum_to_one() {
        let v = [1.0, 3.0, 6.0];
        assert!(close(&normalise("x", &v, Normalisation::Share).unwrap(), &[0.1, 0.3, 0.6]));
        // min-max: 0, 0.4, 1 → /1.4
        assert!(close(&normalise("x", &v, Normalisation::MinMax).unwrap(), &[0.0, 0.4 / 1.4, 1.0 / 1.4]));
        for how in [Normalisation::ZScore, Normalisation::LogShare] {
            let s = normalise("x", &v, how).unwrap();
            assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(s[0] <= s[1] && s[1] <= s[2]);
        }
    }

    #[test]
    fn constant_columns_are_reported_not_nan() {
        let e = normalise("cultivation", &[5.0, 5.0], Normalisation::MinMax).unwrap_err();
        assert_eq!(
            e.to_string(),
            "indicator 'cultivation': all units have the same value; it cannot be normalised with 'min-max'"
        );
        assert!(normalise("x", &[0.0, 0.0], Normalisation::Share).is_err());
    }

    #[test]
    fn weights_are_normalised_and_checked() {
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(normalise_weights(&[1.0, 3.0], &names).unwrap(), vec![0.25, 0.75]);
        assert_eq!(normalise_weights(&[0.0, 0.0], &names).unwrap_err(), ScoringError::AllWeightsZero);
        assert!(normalise_weights(&[-1.0, 3.0], &names).is_err());
        assert!(normalise_weights(&[f64::NAN, 3.0], &names).is_err());
    }

    #[test]
    fn development_term_favours_poorer_units() {
        let u = development_term(&[100.0, 50.0], &["a".into(), "b".into()]).unwrap();
        assert!(close(&u, &[1.0 / 3.0, 2.0 / 3.0]));
        assert!(development_term(&[0.0, 1.0], &["a".into(), "b".into()]).is_err());
    }

    #[test]
    fn scores_follow_the_formula() {
        let m = ScoreModel {
            normalised: vec![vec![0.5, 0.5], vec![0.2, 0.8]],
            development: Some(vec![0.25, 0.75]),
            region_factor: vec![1.0, 2.0],
        };
        let mut out = [0.0; 2];
        m.scores_into(&[0.5, 0.5], 0.2, &mut out);
        // b = (0.35, 0.65); b' = 0.8 b + 0.2 u = (0.33, 0.67); × m = (0.33, 1.34)
        assert!(close(&out, &[0.33, 1.34]));
        let mut w = Vec::new();
        integer_weights(&out, &mut w).unwrap();
        assert_eq!(w.iter().sum::<u64>(), 1_000_000_000_000);
    }
}
