//! The entropy weight method (熵权法).
//!
//! For m units and indicator j with values x_ij ≥ 0:
//!
//! ```text
//! p_ij = x_ij / Σ_i x_ij                         (each unit's share of the indicator)
//! e_j  = −(1 / ln m) · Σ_i p_ij ln p_ij          (normalised Shannon entropy, 0 ≤ e_j ≤ 1)
//! d_j  = 1 − e_j                                 (degree of divergence)
//! w_j  = d_j / Σ_k d_k
//! ```
//!
//! An indicator spread evenly over the units (high entropy) says little about how to tell
//! them apart and gets a small weight; a concentrated one gets a large weight.
//!
//! Conventions: shares are of the raw values (the indicators are non-negative counts and
//! scores, so no further normalisation is needed, and the weights are exactly invariant to
//! rescaling an indicator); `0 · ln 0 = 0` (the limit), so a unit with a zero value (西藏's
//! 小巨人 count) contributes nothing; natural logarithms (the base cancels in e_j).
//!
//! Requirements: at least two units (so ln m > 0); no indicator without variance (it would
//! get d_j = 0 — refused, with a message, rather than silently dropped).
//!
//! Reference: C.-L. Hwang & K. Yoon, *Multiple Attribute Decision Making: Methods and
//! Applications*, Springer, 1981 (the entropy method of assessing attribute weights); M. Zeleny, *Multiple Criteria
//! Decision Making*, McGraw-Hill, 1982.

use super::matrix::IndicatorMatrix;
use super::{Diagnostics, Scheme, WeightingError, Weights};

/// Entropy weights of `m` (see the module documentation).
pub(crate) fn entropy(m: &IndicatorMatrix) -> Result<Weights, WeightingError> {
    m.require_variance(Scheme::Entropy)?;
    let k = 1.0 / (m.n_units() as f64).ln();
    let mut entropies = Vec::with_capacity(m.n_indicators());
    let mut divergences = Vec::with_capacity(m.n_indicators());
    for j in 0..m.n_indicators() {
        let col = m.column(j);
        let total: f64 = col.iter().sum();
        let h: f64 = col.iter().map(|&x| x / total).filter(|&p| p > 0.0).map(|p| -p * p.ln()).sum();
        // e_j ≤ 1 in exact arithmetic; rounding can push a near-uniform column a hair above.
        let e = (k * h).min(1.0);
        entropies.push(e);
        divergences.push(1.0 - e);
    }
    if divergences.iter().all(|&d| d <= 0.0) {
        // Only reachable when every indicator is uniform up to rounding, which
        // `require_variance` has already refused; kept so that no NaN can ever come out.
        let col = m.column(0);
        return Err(WeightingError::ConstantIndicator {
            indicator: m.names()[0].clone(),
            value: col[0],
            scheme: Scheme::Entropy,
        });
    }
    Weights::normalised(
        Scheme::Entropy,
        m.names().to_vec(),
        divergences.clone(),
        Diagnostics::Entropy { entropy: entropies, divergence: divergences },
        vec![],
    )
}
