//! Indicator weights `w` (w ≥ 0, Σ w = 1) for the composite score `base_i = Σ_j w_j · s_ij`,
//! derived by the standard multi-criteria methods, each with its diagnostics.
//!
//! The notice (财建〔2024〕148号) names the factors but not their weights; this module derives
//! them in the principled ways researchers compare and planners must defend:
//!
//! | scheme | weight of indicator j | reference |
//! |---|---|---|
//! | `equal` | 1/n | — |
//! | `manual` | the given w_j, normalised to sum 1 | — |
//! | `entropy` | d_j / Σd, d_j = 1 − e_j, e_j = −(1/ln m) Σ_i p_ij ln p_ij, p_ij = x_ij / Σ_i x_ij | Hwang & Yoon (1981); Zeleny (1982) |
//! | `critic` | C_j / ΣC, C_j = σ_j Σ_k (1 − r_jk) on min–max normalised data | Diakoulaki, Mavrotas & Papayannakis (1995) |
//! | `cv` | v_j / Σv, v_j = σ_j / x̄_j | coefficient-of-variation method (变异系数法) |
//! | `ahp` | principal eigenvector of the pairwise matrix (or row geometric means); λmax, CI, CR | Saaty (1980, 1990); Crawford & Williams (1985) |
//! | `pca` | Σ_k (λ_k/Σλ) · \|l_jk\| over the kept components, normalised | Jolliffe (2002); Kaiser (1960) |
//!
//! Each method's module documents its formula, requirements, conventions and reference.
//!
//! Data flow: an [`IndicatorMatrix`] (validated: ≥ 2 units, ≥ 1 indicator, finite
//! non-negative values) and [`DeriveOptions`] go into [`derive()`], which returns [`Weights`]:
//! the weight per indicator, the method's [`Diagnostics`], and [`Warning`]s. AHP matrices are
//! read by [`parse_ahp_csv`] / [`parse_ahp_toml`] into a validated [`PairwiseMatrix`].
//! nalgebra does the matrix work inside the module; no nalgebra type is public.
//!
//! # Numerical policy
//! Every tolerance is a named constant below or in [`mod@ahp`]: [`CONSTANT_RELATIVE_SPREAD`]
//! (what counts as an indicator without variance), [`PERFECT_CORRELATION_TOLERANCE`],
//! [`EIGENVALUE_TOLERANCE`] (PCA ties and the
//! Kaiser cut), [`RECIPROCAL_TOLERANCE`], [`CR_THRESHOLD`], [`POWER_TOLERANCE`]. Weights are
//! normalised by one final division by their sum, so they sum to 1 within a few ulps.
//!
//! # Example
//! ```
//! use quota::weighting::{derive, DeriveOptions, IndicatorMatrix, Scheme};
//! let m = IndicatorMatrix::new(
//!     vec!["firms".into(), "score".into()],
//!     vec!["A".into(), "B".into(), "C".into()],
//!     vec![vec![10.0, 60.0], vec![20.0, 70.0], vec![70.0, 80.0]],
//! )
//! .unwrap();
//! let w = derive(Scheme::Entropy, &m, &DeriveOptions::default()).unwrap();
//! assert!(w.weights[0] > w.weights[1]); // firms vary far more than scores
//! assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! ```

pub mod ahp;
mod critic;
mod cv;
mod entropy;
mod error;
mod matrix;
mod pca;
pub mod report;

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

pub use ahp::{
    ahp, parse_ahp_csv, parse_ahp_toml, AhpMethod, PairwiseMatrix, CR_THRESHOLD, POWER_TOLERANCE,
    RANDOM_INDEX, RECIPROCAL_TOLERANCE,
};
pub use error::{UnknownScheme, WeightingError};
pub use matrix::IndicatorMatrix;
pub use pca::PcaKeep;
pub use report::{scenario_weights, weigh, WeightsInput, WeightsReport};

/// An indicator counts as having no variance when `max − min ≤ CONSTANT_RELATIVE_SPREAD ·
/// max|x|`. Guards the data-driven methods against dividing by a spread that is only rounding
/// noise (CRITIC's min–max normalisation, correlations, CV's σ). Relative, so that rescaling
/// an indicator (元 → 万元) never changes the verdict.
pub const CONSTANT_RELATIVE_SPREAD: f64 = 1e-12;

/// CRITIC: correlations within this of 1 count as perfect. If every pair of indicators is
/// perfectly correlated, every conflict term Σ(1 − r_jk) is rounding noise (≈ 1e-16) and the
/// "weights" would be noise too, so they are refused. Correlations are accurate to about
/// 1e-15; a genuine r of 1 − 1e-12 is indistinguishable from a duplicated indicator for any
/// policy purpose.
pub const PERFECT_CORRELATION_TOLERANCE: f64 = 1e-12;

/// PCA: two eigenvalues of the correlation matrix closer than `EIGENVALUE_TOLERANCE · n`
/// (n indicators, the trace) are treated as tied (their components are not unique, so a
/// [`Warning::TiedEigenvalues`] is issued), and the Kaiser rule keeps λ only if
/// `λ > 1 + EIGENVALUE_TOLERANCE · n`, so that an eigenvalue equal to 1 up to rounding is not
/// kept on one machine and dropped on another. Symmetric eigenvalues are accurate to about
/// 1e-15 · n, far inside this.
pub const EIGENVALUE_TOLERANCE: f64 = 1e-9;

/// A weighting scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Every indicator the same weight, 1/n.
    Equal,
    /// Weights given by the planner (in the scenario), normalised to sum 1.
    Manual,
    /// Entropy weight method (熵权法).
    Entropy,
    /// CRITIC: contrast intensity and conflict through the correlation matrix.
    Critic,
    /// Coefficient of variation (变异系数法).
    Cv,
    /// Analytic hierarchy process from a pairwise-comparison matrix.
    Ahp,
    /// Principal components: loadings × explained variance.
    Pca,
}

impl Scheme {
    /// Every scheme, in documentation order.
    pub const ALL: [Scheme; 7] = [
        Scheme::Equal,
        Scheme::Manual,
        Scheme::Entropy,
        Scheme::Critic,
        Scheme::Cv,
        Scheme::Ahp,
        Scheme::Pca,
    ];

    /// The canonical name, as accepted on the command line and in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Equal => "equal",
            Scheme::Manual => "manual",
            Scheme::Entropy => "entropy",
            Scheme::Critic => "critic",
            Scheme::Cv => "cv",
            Scheme::Ahp => "ahp",
            Scheme::Pca => "pca",
        }
    }

    /// Other accepted names (English and Chinese).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Scheme::Equal => &["uniform", "等权"],
            Scheme::Manual => &["given", "fixed"],
            Scheme::Entropy => &["entropy-weight", "熵权法", "熵权"],
            Scheme::Critic => &[],
            Scheme::Cv => &["coefficient-of-variation", "variation", "变异系数法", "变异系数"],
            Scheme::Ahp => &["analytic-hierarchy-process", "层次分析法"],
            Scheme::Pca => &["principal-components", "主成分分析", "主成分"],
        }
    }

    /// Whether the weights come from the indicator data (and so need variance in every
    /// indicator), rather than from the planner's judgement.
    pub fn is_data_driven(self) -> bool {
        matches!(self, Scheme::Entropy | Scheme::Critic | Scheme::Cv | Scheme::Pca)
    }

    /// A comma-separated list of the canonical names (for error messages and help).
    pub fn valid_names() -> String {
        Scheme::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = UnknownScheme;

    /// Accepts the canonical names and aliases, any case, `_` for `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_lowercase().replace('_', "-");
        Scheme::ALL
            .into_iter()
            .find(|m| m.name() == key || m.aliases().contains(&key.as_str()))
            .ok_or_else(|| UnknownScheme(s.to_string()))
    }
}

impl Serialize for Scheme {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What [`derive()`] needs beyond the indicator matrix. The defaults suit every data-driven
/// scheme; `manual` and `ahp` need their input.
#[derive(Debug, Clone, PartialEq)]
pub struct DeriveOptions {
    /// For [`Scheme::Manual`]: a weight per indicator, by name (case-insensitive), in any
    /// order; normalised to sum 1.
    pub manual: Option<Vec<(String, f64)>>,
    /// For [`Scheme::Ahp`]: the pairwise-comparison matrix over the indicators (any order).
    pub ahp: Option<PairwiseMatrix>,
    /// For [`Scheme::Ahp`]: principal eigenvector (default) or row geometric means.
    pub ahp_method: AhpMethod,
    /// For [`Scheme::Ahp`]: use judgements whose CR exceeds [`CR_THRESHOLD`], with a warning,
    /// instead of refusing them.
    pub allow_inconsistent: bool,
    /// For [`Scheme::Pca`]: how many components to keep (default: Kaiser, λ > 1).
    pub pca_keep: PcaKeep,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        DeriveOptions {
            manual: None,
            ahp: None,
            ahp_method: AhpMethod::Eigenvector,
            allow_inconsistent: false,
            pca_keep: PcaKeep::Kaiser,
        }
    }
}

/// Derives indicator weights by `scheme`. Data-driven schemes refuse an indicator without
/// variance ([`WeightingError::ConstantIndicator`]); `manual` and `ahp` need their input in
/// `options` and ignore the values.
pub fn derive(
    scheme: Scheme,
    m: &IndicatorMatrix,
    options: &DeriveOptions,
) -> Result<Weights, WeightingError> {
    let w = match scheme {
        Scheme::Equal => equal(m.names()),
        Scheme::Manual => {
            let given = options.manual.as_deref().ok_or(WeightingError::MissingInput {
                scheme,
                what: "a weight for every indicator (a [weights] table in the scenario)",
            })?;
            manual(m.names(), given)?
        }
        Scheme::Entropy => entropy::entropy(m)?,
        Scheme::Critic => critic::critic(m)?,
        Scheme::Cv => cv::cv(m)?,
        Scheme::Pca => pca::pca(m, options.pca_keep)?,
        Scheme::Ahp => {
            let pm = options.ahp.as_ref().ok_or(WeightingError::MissingInput {
                scheme,
                what: "a pairwise-comparison matrix (CSV or TOML) over the indicators",
            })?;
            ahp(&pm.reordered(m.names())?, options.ahp_method, options.allow_inconsistent)?
        }
    };
    debug_assert!(
        (w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9 && w.weights.iter().all(|&x| x >= 0.0),
        "weights are a distribution: {:?}",
        w.weights
    );
    Ok(w)
}

/// Equal weights, 1/n each.
pub fn equal(names: &[String]) -> Weights {
    let n = names.len().max(1) as f64;
    Weights {
        scheme: Scheme::Equal,
        names: names.to_vec(),
        weights: vec![1.0 / n; names.len()],
        diagnostics: Diagnostics::Equal,
        warnings: vec![],
    }
}

/// The planner's weights, matched to `names` case-insensitively and normalised to sum 1.
/// Every indicator needs exactly one finite non-negative weight, and not all may be 0.
pub fn manual(names: &[String], given: &[(String, f64)]) -> Result<Weights, WeightingError> {
    let mut raw: Vec<Option<f64>> = vec![None; names.len()];
    for (name, value) in given {
        let j = names.iter().position(|n| n.eq_ignore_ascii_case(name)).ok_or_else(|| {
            WeightingError::ManualUnknownIndicator { name: name.clone(), known: names.join(", ") }
        })?;
        if raw[j].is_some() {
            return Err(WeightingError::ManualDuplicate { name: name.clone() });
        }
        if !value.is_finite() || *value < 0.0 {
            return Err(WeightingError::ManualBadWeight { name: name.clone(), value: *value });
        }
        raw[j] = Some(*value);
    }
    let raw = raw
        .into_iter()
        .zip(names)
        .map(|(v, n)| v.ok_or_else(|| WeightingError::ManualMissingIndicator { name: n.clone() }))
        .collect::<Result<Vec<f64>, _>>()?;
    if raw.iter().all(|&v| v <= 0.0) {
        return Err(WeightingError::ManualAllZero);
    }
    Weights::normalised(
        Scheme::Manual,
        names.to_vec(),
        raw.clone(),
        Diagnostics::Manual { given: raw },
        vec![],
    )
}

/// Derived weights: one per indicator, summing to 1, with the method's diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weights {
    /// The scheme that produced them.
    pub scheme: Scheme,
    /// Indicator names, in the order of the indicator matrix (or of the AHP matrix for
    /// [`ahp()`] called directly).
    pub names: Vec<String>,
    /// The weights, ≥ 0, summing to 1.
    pub weights: Vec<f64>,
    /// What the method computed on the way (per indicator, in `names` order).
    pub diagnostics: Diagnostics,
    /// Conditions the user should know about (inconsistent judgements that were allowed,
    /// non-unique principal components).
    pub warnings: Vec<Warning>,
}

impl Weights {
    /// Normalises `raw` to sum 1. Raw weights that are not all finite and non-negative with a
    /// positive finite sum (data at the edge of floating point: a spread that underflows, a
    /// sum that overflows) are an error naming the method, never a panic or a NaN weight.
    pub(crate) fn normalised(
        scheme: Scheme,
        names: Vec<String>,
        raw: Vec<f64>,
        diagnostics: Diagnostics,
        warnings: Vec<Warning>,
    ) -> Result<Self, WeightingError> {
        let sum: f64 = raw.iter().sum();
        let valid = raw.iter().all(|w| w.is_finite() && *w >= 0.0) && sum > 0.0 && sum.is_finite();
        if !valid {
            return Err(WeightingError::Degenerate {
                scheme,
                raw: raw.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", "),
            });
        }
        let weights = raw.iter().map(|w| w / sum).collect();
        Ok(Weights { scheme, names, weights, diagnostics, warnings })
    }

    /// The weight of an indicator by name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<f64> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name)).map(|j| self.weights[j])
    }

    /// A rendering-neutral table for the CLI: one row per indicator with the weight and the
    /// method's per-indicator diagnostics, plus the method's scalar diagnostics.
    pub fn table(&self) -> WeightTable {
        let n = self.names.len();
        let mut columns = vec!["weight".to_string()];
        let mut cells: Vec<Vec<f64>> = self.weights.iter().map(|&w| vec![w]).collect();
        let mut add = |name: String, values: &[f64]| {
            columns.push(name);
            for (row, &v) in cells.iter_mut().zip(values) {
                row.push(v);
            }
        };
        let mut summary: Vec<(String, String)> = vec![("scheme".into(), self.scheme.name().into())];
        match &self.diagnostics {
            Diagnostics::Equal => {}
            Diagnostics::Manual { given } => add("given".into(), given),
            Diagnostics::Entropy { entropy, divergence } => {
                add("entropy".into(), entropy);
                add("divergence".into(), divergence);
            }
            Diagnostics::Critic { sd, conflict, information, .. } => {
                add("sd".into(), sd);
                add("conflict".into(), conflict);
                add("information".into(), information);
            }
            Diagnostics::Cv { mean, sd, cv } => {
                add("mean".into(), mean);
                add("sd".into(), sd);
                add("cv".into(), cv);
            }
            Diagnostics::Pca { eigenvalues, explained, kept, rule, loadings } => {
                for k in 0..*kept {
                    let col: Vec<f64> = (0..n).map(|j| loadings[j][k]).collect();
                    add(format!("loading_pc{}", k + 1), &col);
                }
                summary.push(("components_kept".into(), kept.to_string()));
                summary.push(("keep_rule".into(), rule.to_string()));
                for (k, (l, e)) in eigenvalues.iter().zip(explained).enumerate() {
                    summary.push((format!("eigenvalue_pc{}", k + 1), l.to_string()));
                    summary.push((format!("explained_pc{}", k + 1), e.to_string()));
                }
            }
            Diagnostics::Ahp(d) => {
                summary.push(("ahp_method".into(), d.method.name().into()));
                summary.push(("n".into(), d.n.to_string()));
                summary.push(("lambda_max".into(), d.lambda_max.to_string()));
                summary.push(("ci".into(), d.ci.to_string()));
                summary.push(("ri".into(), d.ri.to_string()));
                summary.push(("cr".into(), d.cr.to_string()));
                summary.push(("cr_threshold".into(), d.threshold.to_string()));
                summary.push(("consistent".into(), d.consistent.to_string()));
            }
        }
        let rows = self.names.iter().cloned().zip(cells).collect();
        WeightTable { columns, rows, summary }
    }
}

/// A table view of [`Weights`] (see [`Weights::table`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightTable {
    /// Column names of the numeric cells: `weight` first, then per-method diagnostics
    /// (`entropy`, `divergence`; `sd`, `conflict`, `information`; `mean`, `sd`, `cv`;
    /// `loading_pc1` …; `given`).
    pub columns: Vec<String>,
    /// One row per indicator: its name and one value per column.
    pub rows: Vec<(String, Vec<f64>)>,
    /// Scalar diagnostics as (key, value) pairs, values in full precision: `scheme`; for AHP
    /// `ahp_method`, `n`, `lambda_max`, `ci`, `ri`, `cr`, `cr_threshold`, `consistent`; for PCA
    /// `components_kept`, `keep_rule`, and `eigenvalue_pcK`, `explained_pcK` per component.
    pub summary: Vec<(String, String)>,
}

/// What each method computed on the way to the weights (vectors are per indicator, in the
/// order of [`Weights::names`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Diagnostics {
    /// Equal weights: nothing to report.
    Equal,
    /// Manual weights: the weights as given, before normalisation.
    Manual { given: Vec<f64> },
    /// Entropy method: entropy e_j ∈ [0, 1] and divergence d_j = 1 − e_j.
    Entropy { entropy: Vec<f64>, divergence: Vec<f64> },
    /// CRITIC: σ_j of the min–max normalised indicator (contrast intensity), conflict
    /// Σ_k (1 − r_jk), information content C_j = σ_j · conflict_j, and the correlation matrix.
    Critic { sd: Vec<f64>, conflict: Vec<f64>, information: Vec<f64>, correlation: Vec<Vec<f64>> },
    /// Coefficient of variation: mean, population σ and cv = σ / mean.
    Cv { mean: Vec<f64>, sd: Vec<f64>, cv: Vec<f64> },
    /// PCA on the correlation matrix: all eigenvalues (descending), the share of variance each
    /// explains, how many components were kept and by which rule, and the loadings
    /// `loadings[j][k]` of indicator j on kept component k (sign convention in [`PcaKeep`]'s
    /// module).
    Pca { eigenvalues: Vec<f64>, explained: Vec<f64>, kept: usize, rule: PcaKeep, loadings: Vec<Vec<f64>> },
    /// AHP: λmax, CI, RI, CR and whether CR ≤ the threshold.
    Ahp(ahp::AhpDiagnostics),
}

/// A condition the user should know about; the weights were still produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// AHP judgements with CR above the threshold, used because inconsistency was allowed.
    InconsistentJudgements { cr: f64, threshold: f64, lambda_max: f64, n: usize, ci: f64, ri: f64 },
    /// PCA: a kept component's eigenvalue equals another's (within [`EIGENVALUE_TOLERANCE`]),
    /// so the component, and hence the weights, are not uniquely determined by the data.
    TiedEigenvalues { components: Vec<usize>, eigenvalue: f64 },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::InconsistentJudgements { cr, threshold, lambda_max, n, ci, ri } => write!(
                f,
                "the AHP judgements are inconsistent: CR = {cr:.4}, {:.1} times the acceptable {threshold} \
                 (λmax = {lambda_max:.4} for n = {n}, CI = {ci:.4}, RI = {ri}); the weights were derived \
                 anyway because inconsistency was allowed",
                cr / threshold
            ),
            Warning::TiedEigenvalues { components, eigenvalue } => write!(
                f,
                "principal components {} have the same eigenvalue {eigenvalue:.6}: they are not unique, and \
                 the PCA weights depend on an arbitrary choice among them",
                components.iter().map(|k| format!("PC{k}")).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests;
