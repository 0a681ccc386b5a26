//! Weights from principal components (主成分分析法): loadings × explained variance.
//!
//! With R the n × n Pearson correlation matrix of the indicators (PCA of the standardised
//! data, so that units of measurement do not matter), its eigen-decomposition R = U Λ Uᵀ
//! (nalgebra's `SymmetricEigen`), eigenvalues sorted λ_1 ≥ … ≥ λ_n:
//!
//! ```text
//! l_jk = u_jk √λ_k                       (loading of indicator j on component k)
//! π_k  = λ_k / Σ_i λ_i                   (share of the total variance component k explains)
//! w_j  ∝ Σ_{k ≤ K} π_k · |l_jk|           (over the K kept components), normalised to sum 1
//! ```
//!
//! An indicator weighs what it contributes to the components that explain the data, each
//! component counted by the variance it explains.
//!
//! Documented choices:
//! - **How many components (K)**: [`PcaKeep::Kaiser`] (default) keeps the components with
//!   λ_k > 1, i.e. that explain more than one standardised indicator does (Kaiser 1960),
//!   and always at least one; [`PcaKeep::Count`] keeps a fixed number; [`PcaKeep::Variance`]
//!   keeps the fewest whose cumulative share reaches the given fraction (e.g. 0.85).
//! - **Sign**: an eigenvector is defined up to sign. Each component is oriented so that the
//!   sum of its coefficients is positive (it points "up" on the indicators, which all count
//!   in a unit's favour); if that sum is 0 within rounding, so that its largest coefficient
//!   (first on ties) is positive. The weights use |l_jk| and so do not depend on the sign;
//!   the reported loadings do.
//! - **Ties**: if a kept component's eigenvalue equals another's (within
//!   [`EIGENVALUE_TOLERANCE`]), the components are not unique and a
//!   [`Warning::TiedEigenvalues`] is issued (e.g. uncorrelated indicators, R = I).
//! - Keeping every component does not give equal weights in general (the |·| is not a
//!   rotation invariant); this is the usual "composite coefficient" construction, not the
//!   rotated-factor procedure of the OECD/JRC *Handbook on Constructing Composite Indicators*
//!   (2008, §6.1), which needs a varimax rotation and assigns each indicator to one factor.
//!
//! Requirements: no indicator without variance (its correlations are undefined).
//!
//! References: I. T. Jolliffe, *Principal Component Analysis*, 2nd ed., Springer, 2002
//! (ch. 1–2: definition, correlation-matrix PCA; §6.1: choosing the number of components);
//! H. F. Kaiser, "The application of electronic computers to factor analysis", *Educational
//! and Psychological Measurement* 20 (1960) 141–151 (the λ > 1 rule).

use std::fmt;
use std::str::FromStr;

use nalgebra::SymmetricEigen;
use serde::{Serialize, Serializer};

use super::matrix::{correlation, IndicatorMatrix};
use super::{Diagnostics, Scheme, Warning, WeightingError, Weights, EIGENVALUE_TOLERANCE};

/// How many principal components to keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PcaKeep {
    /// Kaiser's rule: components with eigenvalue > 1 (at least one).
    Kaiser,
    /// A fixed number of components, 1 ≤ k ≤ number of indicators.
    Count(usize),
    /// The fewest components whose cumulative explained variance reaches this share, in (0, 1].
    Variance(f64),
}

impl fmt::Display for PcaKeep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcaKeep::Kaiser => f.write_str("kaiser"),
            PcaKeep::Count(k) => write!(f, "count:{k}"),
            PcaKeep::Variance(s) => write!(f, "variance:{s}"),
        }
    }
}

impl FromStr for PcaKeep {
    type Err = WeightingError;

    /// `kaiser`, `count:K` (or just `K`), `variance:S` with S in (0, 1] (e.g. `variance:0.85`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || WeightingError::BadOption {
            option: "pca components",
            value: s.to_string(),
            expected: "'kaiser', 'count:K' (K ≥ 1) or 'variance:S' (0 < S ≤ 1)",
        };
        let t = s.trim().to_ascii_lowercase();
        if t == "kaiser" {
            return Ok(PcaKeep::Kaiser);
        }
        let (kind, value) = t.split_once(':').unwrap_or(("count", t.as_str()));
        match kind.trim() {
            "count" => {
                value.trim().parse::<usize>().ok().filter(|&k| k >= 1).map(PcaKeep::Count).ok_or_else(bad)
            }
            "variance" => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|&v| v > 0.0 && v <= 1.0)
                .map(PcaKeep::Variance)
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

impl Serialize for PcaKeep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// PCA weights of `m` (see the module documentation).
pub(crate) fn pca(m: &IndicatorMatrix, keep: PcaKeep) -> Result<Weights, WeightingError> {
    m.require_variance(Scheme::Pca)?;
    let n = m.n_indicators();
    match keep {
        PcaKeep::Count(k) if k == 0 || k > n => {
            return Err(WeightingError::BadOption {
                option: "pca components",
                value: k.to_string(),
                expected: "between 1 and the number of indicators",
            })
        }
        PcaKeep::Variance(s) if !(s > 0.0 && s <= 1.0) => {
            return Err(WeightingError::BadOption {
                option: "pca variance share",
                value: s.to_string(),
                expected: "a share in (0, 1]",
            })
        }
        _ => {}
    }
    let cols: Vec<Vec<f64>> = (0..n).map(|j| m.column(j)).collect();
    let eig = SymmetricEigen::new(correlation(&cols));
    // Descending eigenvalues; equal ones in nalgebra's output order (deterministic).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    // R is positive semi-definite: negative eigenvalues are rounding noise.
    let eigenvalues: Vec<f64> = order.iter().map(|&k| eig.eigenvalues[k].max(0.0)).collect();
    let total: f64 = eigenvalues.iter().sum();
    let explained: Vec<f64> = eigenvalues.iter().map(|l| l / total).collect();
    let tol = EIGENVALUE_TOLERANCE * n as f64;

    let kept = match keep {
        PcaKeep::Kaiser => eigenvalues.iter().filter(|&&l| l > 1.0 + tol).count().max(1),
        PcaKeep::Count(k) => k,
        PcaKeep::Variance(share) => {
            let mut cumulative = 0.0;
            let mut k = 0;
            while k < n && cumulative < share - tol {
                cumulative += explained[k];
                k += 1;
            }
            k.max(1)
        }
    };

    // Loadings of the kept components, oriented (see "Sign").
    let mut loadings = vec![vec![0.0; kept]; n];
    for (k, &src) in order.iter().take(kept).enumerate() {
        let u: Vec<f64> = (0..n).map(|j| eig.eigenvectors[(j, src)]).collect();
        let sum: f64 = u.iter().sum();
        let flip = if sum.abs() > tol {
            sum < 0.0
        } else {
            let largest = (0..n).fold(0, |best, j| if u[j].abs() > u[best].abs() + tol { j } else { best });
            u[largest] < 0.0
        };
        let sign = if flip { -1.0 } else { 1.0 };
        for j in 0..n {
            loadings[j][k] = sign * u[j] * eigenvalues[k].sqrt();
        }
    }
    let raw: Vec<f64> =
        (0..n).map(|j| (0..kept).map(|k| explained[k] * loadings[j][k].abs()).sum()).collect();

    let mut warnings = Vec::new();
    for k in 0..kept {
        let tied: Vec<usize> = (0..n).filter(|&l| (eigenvalues[l] - eigenvalues[k]).abs() <= tol).collect();
        // Report each group of ties once, at its first kept member.
        if tied.len() > 1 && tied[0] == k {
            warnings.push(Warning::TiedEigenvalues {
                components: tied.iter().map(|l| l + 1).collect(),
                eigenvalue: eigenvalues[k],
            });
        }
    }

    Weights::normalised(
        Scheme::Pca,
        m.names().to_vec(),
        raw,
        Diagnostics::Pca { eigenvalues, explained, kept, rule: keep, loadings },
        warnings,
    )
}
