//! CRITIC (CRiteria Importance Through Intercriteria Correlation).
//!
//! For m units and n indicators:
//!
//! ```text
//! z_ij = (x_ij − min_i x_ij) / (max_i x_ij − min_i x_ij)   (min–max normalisation, every
//!                                                          indicator "more is better")
//! σ_j  = population standard deviation of z_·j             (contrast intensity)
//! r_jk = Pearson correlation of indicators j and k         (the correlation matrix)
//! C_j  = σ_j · Σ_k (1 − r_jk)                              (information content: contrast
//!                                                          × conflict with the others)
//! w_j  = C_j / Σ_k C_k
//! ```
//!
//! An indicator that varies a lot and disagrees with the others carries information the
//! others do not, and gets a large weight; one that duplicates another (r = 1) gets less.
//!
//! Conventions: all indicators are treated as benefit criteria (more firms, a higher score,
//! more weight in the allocation), as in Diakoulaki et al.'s normalisation for maximised
//! criteria; σ uses the divisor m (it is common to every indicator, so the weights do not
//! depend on it); the correlation matrix is computed with nalgebra (see `matrix::correlation`).
//! Both z and r are unchanged by rescaling an indicator, so the weights are exactly
//! scale-invariant.
//!
//! Requirements: no indicator without variance (its z would be 0/0); not every pair
//! perfectly correlated (then every C_j = 0). With a single indicator its weight is 1.
//!
//! Reference: D. Diakoulaki, G. Mavrotas & L. Papayannakis, "Determining objective weights in
//! multiple criteria problems: the CRITIC method", *Computers & Operations Research* 22(7)
//! (1995) 763–770.

use super::matrix::{correlation, min_max, population_sd, IndicatorMatrix};
use super::{Diagnostics, Scheme, WeightingError, Weights, PERFECT_CORRELATION_TOLERANCE};

/// CRITIC weights of `m` (see the module documentation).
pub(crate) fn critic(m: &IndicatorMatrix) -> Result<Weights, WeightingError> {
    m.require_variance(Scheme::Critic)?;
    let n = m.n_indicators();
    let z: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let col = m.column(j);
            let (lo, hi) = min_max(&col);
            col.iter().map(|x| (x - lo) / (hi - lo)).collect()
        })
        .collect();
    let sd: Vec<f64> = z.iter().map(|c| population_sd(c)).collect();
    let r = correlation(&z);
    let conflict: Vec<f64> = (0..n).map(|j| (0..n).map(|k| 1.0 - r[(j, k)]).sum()).collect();
    let information: Vec<f64> = sd.iter().zip(&conflict).map(|(s, c)| s * c).collect();
    let correlation = (0..n).map(|j| (0..n).map(|k| r[(j, k)]).collect()).collect();
    let all_perfect = (0..n).all(|j| (0..n).all(|k| r[(j, k)] >= 1.0 - PERFECT_CORRELATION_TOLERANCE));
    let raw = if n == 1 {
        vec![1.0]
    } else if all_perfect {
        return Err(WeightingError::PerfectlyCorrelated);
    } else {
        information.clone()
    };
    Weights::normalised(
        Scheme::Critic,
        m.names().to_vec(),
        raw,
        Diagnostics::Critic { sd, conflict, information, correlation },
        vec![],
    )
}
