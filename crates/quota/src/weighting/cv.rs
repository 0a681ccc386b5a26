//! The coefficient-of-variation method (变异系数法).
//!
//! ```text
//! x̄_j = (1/m) Σ_i x_ij,   σ_j = √((1/m) Σ_i (x_ij − x̄_j)²),   v_j = σ_j / x̄_j
//! w_j = v_j / Σ_k v_k
//! ```
//!
//! The relative dispersion of each indicator, free of its unit, decides its weight. Exactly
//! invariant to rescaling an indicator.
//!
//! Conventions: σ with divisor m (the units are the population; the weights do not depend on
//! the divisor, which is common to all indicators).
//!
//! Requirements: no indicator without variance. Values are non-negative, so a non-constant
//! indicator has a positive mean and v_j is defined.
//!
//! Reference: the coefficient of variation as a measure of relative dispersion is standard
//! statistics; its use as an objective weight (变异系数法, "coefficient of variation method") is
//! common in Chinese regional-evaluation practice. We know of no single originating paper and
//! cite none; the formula above is the whole definition, and the tests
//! check it against a hand computation and an independent (numpy) implementation.

use super::matrix::{mean, population_sd, IndicatorMatrix};
use super::{Diagnostics, Scheme, WeightingError, Weights};

/// Coefficient-of-variation weights of `m` (see the module documentation).
pub(crate) fn cv(m: &IndicatorMatrix) -> Result<Weights, WeightingError> {
    m.require_variance(Scheme::Cv)?;
    let cols: Vec<Vec<f64>> = (0..m.n_indicators()).map(|j| m.column(j)).collect();
    let means: Vec<f64> = cols.iter().map(|c| mean(c)).collect();
    let sds: Vec<f64> = cols.iter().map(|c| population_sd(c)).collect();
    let cvs: Vec<f64> = sds.iter().zip(&means).map(|(s, x)| s / x).collect();
    Weights::normalised(
        Scheme::Cv,
        m.names().to_vec(),
        cvs.clone(),
        Diagnostics::Cv { mean: means, sd: sds, cv: cvs },
        vec![],
    )
}
