//! The analytic hierarchy process (层次分析法): weights from a planner's pairwise judgements.
//!
//! The planner fills a reciprocal matrix A with `a_ij` = how many times more important
//! criterion i is than j, on Saaty's 1–9 scale (1 equal, 3 moderate, 5 strong, 7 very strong,
//! 9 extreme, even numbers between; `a_ji = 1/a_ij`, `a_ii = 1`).
//!
//! ```text
//! Eigenvector method:    A w = λmax w,  w > 0, Σ w = 1      (Perron vector; Saaty 1980)
//! Geometric-mean method: w_i ∝ (Π_j a_ij)^(1/n)             (Crawford & Williams 1985)
//! Consistency:           CI = (λmax − n) / (n − 1),  CR = CI / RI(n)
//! ```
//!
//! A consistent matrix (`a_ij a_jk = a_ik`) has λmax = n; λmax − n measures inconsistency.
//! CR compares CI with RI(n), the mean CI of random reciprocal matrices ([`RANDOM_INDEX`]).
//! Judgements with CR > [`CR_THRESHOLD`] (0.1) are refused unless inconsistency is allowed,
//! in which case the weights carry a [`Warning::InconsistentJudgements`] saying by how much.
//!
//! Computation: λmax and the eigenvector come from **power iteration** (w ← A w / Σ A w,
//! started from the row geometric means) with nalgebra's dense matrix–vector product, until
//! no component changes by more than [`POWER_TOLERANCE`]. A is positive, so by
//! Perron–Frobenius the iteration converges to the unique positive eigenvector, at the rate
//! |λ₂|/λmax; λmax = Σ_i (A w)_i once Σ w = 1. (nalgebra has no eigenvector routine for
//! non-symmetric matrices; the tests cross-check λmax against nalgebra's Schur eigenvalues.)
//! CI and CR are properties of the matrix, so both methods report the same λmax, CI and CR.
//!
//! Input: [`parse_ahp_csv`] and [`parse_ahp_toml`] read the matrix (entries as numbers or
//! fractions like `1/3`); [`PairwiseMatrix`] validates it once. The **upper triangle is
//! authoritative**: entries below the diagonal may be left empty (filled with exact
//! reciprocals) or given, in which case `a_ij · a_ji` must be 1 within
//! [`RECIPROCAL_TOLERANCE`] and they are then replaced by the exact reciprocals.
//!
//! References: T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980; T. L. Saaty,
//! "How to make a decision: the analytic hierarchy process", *European Journal of Operational
//! Research* 48 (1990) 9–26; G. Crawford & C. Williams, "A note on the analysis of subjective
//! judgment matrices", *Journal of Mathematical Psychology* 29 (1985) 387–405.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::{Diagnostics, Scheme, Warning, WeightingError, Weights};
use crate::error::{DataError, Location};
use crate::input::CsvTable;

/// Saaty's random consistency index RI(n) for n = 0 … 10 criteria (the mean consistency
/// index of random reciprocal matrices on the 1–9 scale): 0, 0, 0, 0.58, 0.90, 1.12, 1.24,
/// 1.32, 1.41, 1.45, 1.49 — Saaty (1980), as used in Saaty (1990) (its house example's
/// CR = 0.169 = 0.238 / 1.41 and 0.117 = 0.068 / 0.58 are reproduced by the tests).
/// RI(1) = RI(2) = 0 because every 1×1 and 2×2 reciprocal matrix is consistent; for them
/// CR is defined as 0.
pub const RANDOM_INDEX: [f64; 11] = [0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];

/// Saaty's acceptance threshold: judgements with CR ≤ 0.1 are acceptably consistent
/// (Saaty 1980, 1990). Refused above it unless inconsistency is allowed.
pub const CR_THRESHOLD: f64 = 0.1;

/// How far `a_ij · a_ji` may be from 1 for a given lower-triangle entry to count as the
/// reciprocal of the upper one. Catches a missing or transposed reciprocal (the product is
/// then 4 to 81) while accepting decimal renderings of 1/k to two places (the worst, 0.13 for
/// 1/8, gives 1.04). The same relative slack applies to the diagonal (1) and, symmetrically,
/// to both ends of the scale (a judgement and its reciprocal are accepted alike: 0.11 for
/// 1/9, and a computed 9.000000000000002 for 9).
pub const RECIPROCAL_TOLERANCE: f64 = 0.05;

/// Power iteration stops when no weight changes by more than this between iterations
/// (weights sum to 1, so this is about 1e-13 relative for n ≤ 10). λmax is then accurate to
/// the same order, far below the precision at which CR is read (three decimals).
pub const POWER_TOLERANCE: f64 = 1e-14;

/// Iteration cap for the power method (convergence takes tens of iterations for any matrix on
/// Saaty's scale; the cap only guards against a bug looping forever).
const POWER_MAX_ITERATIONS: usize = 100_000;

/// How the weights are obtained from the pairwise matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AhpMethod {
    /// Saaty's principal right eigenvector (default).
    Eigenvector,
    /// Normalised geometric means of the rows (logarithmic least squares).
    GeometricMean,
}

impl AhpMethod {
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            AhpMethod::Eigenvector => "eigenvector",
            AhpMethod::GeometricMean => "geometric-mean",
        }
    }
}

impl fmt::Display for AhpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AhpMethod {
    type Err = WeightingError;

    /// `eigenvector` (`ev`, `eigen`) or `geometric-mean` (`gm`, `geometric`, `llsm`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "eigenvector" | "ev" | "eigen" => Ok(AhpMethod::Eigenvector),
            "geometric-mean" | "gm" | "geometric" | "llsm" => Ok(AhpMethod::GeometricMean),
            _ => Err(WeightingError::BadOption {
                option: "ahp method",
                value: s.to_string(),
                expected: "'eigenvector' or 'geometric-mean'",
            }),
        }
    }
}

impl Serialize for AhpMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A validated pairwise-comparison matrix: square, named, positive, on Saaty's scale
/// (1/9 … 9), exactly reciprocal (`a_ji = 1/a_ij` for the upper triangle's a_ij), unit
/// diagonal.
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseMatrix {
    names: Vec<String>,
    a: Vec<Vec<f64>>,
}

/// One cell of a raw pairwise matrix as written in the file, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// The text: a number (`3`, `0.5`), a fraction (`1/3`), or empty / `-` (below the
    /// diagonal or on it only).
    pub text: String,
    /// Where it is, for messages.
    pub at: Location,
}

impl PairwiseMatrix {
    /// Validates raw cells (`rows[i][j]` compares `names[i]` with `names[j]`). `at` names the
    /// source for whole-matrix errors.
    pub fn from_cells(
        names: Vec<String>,
        rows: Vec<Vec<RawCell>>,
        at: &Location,
    ) -> Result<Self, WeightingError> {
        let n = names.len();
        if n == 0 {
            return Err(WeightingError::NoIndicators);
        }
        let mut seen = HashSet::new();
        for name in &names {
            if name.is_empty() {
                return Err(WeightingError::BadEntry {
                    at: at.clone(),
                    value: String::new(),
                    expected: "a criterion name",
                });
            }
            if !seen.insert(name.to_lowercase()) {
                return Err(WeightingError::DuplicateIndicator(name.clone()));
            }
        }
        if rows.len() != n {
            return Err(WeightingError::NotSquare {
                at: at.clone(),
                what: "the matrix (rows)".into(),
                found: rows.len(),
                expected: n,
            });
        }
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                let at =
                    row.first().map_or_else(|| at.clone(), |c| Location { column: None, ..c.at.clone() });
                return Err(WeightingError::NotSquare {
                    at,
                    what: format!("row '{}'", names[i]),
                    found: row.len(),
                    expected: n,
                });
            }
        }
        let mut a = vec![vec![1.0; n]; n];
        let parsed: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|row| row.iter().map(parse_cell).collect::<Result<_, _>>())
            .collect::<Result<_, _>>()?;
        for i in 0..n {
            for j in 0..n {
                let cell = &rows[i][j];
                match (i.cmp(&j), parsed[i][j]) {
                    (std::cmp::Ordering::Equal, Some(v)) => {
                        if (v - 1.0).abs() > RECIPROCAL_TOLERANCE {
                            return Err(WeightingError::Diagonal {
                                at: cell.at.clone(),
                                name: names[i].clone(),
                                value: v,
                            });
                        }
                    }
                    (std::cmp::Ordering::Equal, None) => {}
                    (std::cmp::Ordering::Less, None) => {
                        return Err(WeightingError::BadEntry {
                            at: cell.at.clone(),
                            value: cell.text.clone(),
                            expected: "a judgement (only entries below the diagonal may be left empty)",
                        })
                    }
                    (std::cmp::Ordering::Less, Some(v)) => {
                        a[i][j] = v;
                        a[j][i] = 1.0 / v;
                    }
                    (std::cmp::Ordering::Greater, _) => {}
                }
            }
        }
        // Given lower-triangle entries must be the reciprocals of the upper ones.
        for i in 0..n {
            for j in 0..i {
                if let Some(v) = parsed[i][j] {
                    let product = v * a[j][i];
                    if (product - 1.0).abs() > RECIPROCAL_TOLERANCE {
                        return Err(WeightingError::NotReciprocal {
                            at: rows[i][j].at.clone(),
                            row: names[i].clone(),
                            col: names[j].clone(),
                            a: v,
                            b: a[j][i],
                            product,
                            tolerance: RECIPROCAL_TOLERANCE,
                        });
                    }
                }
            }
        }
        Ok(PairwiseMatrix { names, a })
    }

    /// A matrix from numbers (`a[i][j]`, all given), validated like a file's.
    pub fn new(names: Vec<String>, a: Vec<Vec<f64>>) -> Result<Self, WeightingError> {
        let at = Location::file("<pairwise matrix>");
        let rows = a
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, v)| RawCell {
                        text: v.to_string(),
                        at: Location {
                            source: at.source.clone(),
                            line: Some(i as u64 + 1),
                            column: names.get(j).cloned(),
                        },
                    })
                    .collect()
            })
            .collect();
        PairwiseMatrix::from_cells(names, rows, &at)
    }

    /// The criteria, in row order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The reciprocal matrix used in the computation.
    pub fn values(&self) -> &[Vec<f64>] {
        &self.a
    }

    /// Number of criteria.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Always false: a matrix has at least one criterion.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The same judgements with rows and columns in the order of `names` (matched
    /// case-insensitively); fails unless the matrix compares exactly these indicators.
    pub fn reordered(&self, names: &[String]) -> Result<PairwiseMatrix, WeightingError> {
        let mismatch =
            || WeightingError::AhpNamesMismatch { ahp: self.names.join(", "), indicators: names.join(", ") };
        if names.len() != self.names.len() {
            return Err(mismatch());
        }
        let idx: Vec<usize> = names
            .iter()
            .map(|n| self.names.iter().position(|m| m.eq_ignore_ascii_case(n)))
            .collect::<Option<_>>()
            .ok_or_else(mismatch)?;
        let a = idx.iter().map(|&i| idx.iter().map(|&j| self.a[i][j]).collect()).collect();
        Ok(PairwiseMatrix { names: names.to_vec(), a })
    }
}

/// Parses one cell: empty / `-` → None; `p/q` → p/q; else a decimal. The value must be finite,
/// positive and on Saaty's scale [1/9, 9] (both ends with [`RECIPROCAL_TOLERANCE`] slack).
fn parse_cell(cell: &RawCell) -> Result<Option<f64>, WeightingError> {
    let t = cell.text.trim();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    let bad = |expected: &'static str| WeightingError::BadEntry {
        at: cell.at.clone(),
        value: t.to_string(),
        expected,
    };
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let v = match t.split_once('/') {
        Some((p, q)) => match (number(p), number(q)) {
            (Some(p), Some(q)) if q != 0.0 => p / q,
            _ => return Err(bad("a number or a fraction such as 1/3")),
        },
        None => number(t).ok_or_else(|| bad("a number or a fraction such as 1/3"))?,
    };
    if v <= 0.0 {
        return Err(bad(
            "a positive judgement (Saaty's scale runs from 1/9 to 9; zero and negatives are not judgements)",
        ));
    }
    if !((1.0 - RECIPROCAL_TOLERANCE) / 9.0..=9.0 / (1.0 - RECIPROCAL_TOLERANCE)).contains(&v) {
        return Err(bad("on Saaty's scale from 1/9 to 9"));
    }
    Ok(Some(v))
}

/// Reads a pairwise matrix from CSV: a header row `label,c1,…,cn`, then one row per
/// criterion `ci,a_i1,…,a_in` in the same order. `#` lines are comments. Entries are numbers
/// or fractions (`1/3`); below the diagonal they may be left empty.
///
/// ```text
/// criterion,xiaojuren,sme_above_scale,cultivation
/// xiaojuren,1,2,3
/// sme_above_scale,,1,2
/// cultivation,,,1
/// ```
pub fn parse_ahp_csv(text: &str, at: Location) -> Result<PairwiseMatrix, WeightingError> {
    let t = CsvTable::parse(text, at.clone())?;
    let names: Vec<String> = t.header.iter().skip(1).cloned().collect();
    let mut rows = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.iter().enumerate() {
        let line_at = t.at.at_line(t.lines[r]);
        match names.get(r) {
            Some(expected) if !row[0].eq_ignore_ascii_case(expected) => {
                return Err(WeightingError::NameOrder {
                    at: line_at,
                    row: r + 1,
                    found: row[0].clone(),
                    expected: expected.clone(),
                })
            }
            _ => {}
        }
        rows.push(
            row.iter()
                .enumerate()
                .skip(1)
                .map(|(c, text)| RawCell { text: text.clone(), at: t.cell_at(r, c) })
                .collect(),
        );
    }
    PairwiseMatrix::from_cells(names, rows, &at)
}

/// An entry of a TOML matrix: a number or a string (`"1/3"`, `""`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum TomlEntry {
    Integer(i64),
    Float(f64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlPairwise {
    criteria: Vec<String>,
    matrix: Vec<Vec<toml::Spanned<TomlEntry>>>,
}

/// Reads a pairwise matrix from TOML:
///
/// ```toml
/// criteria = ["xiaojuren", "sme_above_scale", "cultivation"]
/// matrix = [
///   [1, 2, 3],
///   ["", 1, 2],        # below the diagonal: empty (exact reciprocals) or "1/2"
///   ["", "", 1],
/// ]
/// ```
pub fn parse_ahp_toml(text: &str, at: Location) -> Result<PairwiseMatrix, WeightingError> {
    let raw: TomlPairwise = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        DataError::Malformed {
            at: Location { line, ..at.clone() },
            message: format!("not a pairwise matrix in TOML: {}", e.message()),
        }
    })?;
    let rows = raw
        .matrix
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(j, e)| {
                    let line = line_of(text, e.span().start);
                    let text = match e.into_inner() {
                        TomlEntry::Integer(i) => i.to_string(),
                        TomlEntry::Float(f) => f.to_string(),
                        TomlEntry::Text(s) => s,
                    };
                    RawCell {
                        text,
                        at: Location { line: Some(line), column: raw.criteria.get(j).cloned(), ..at.clone() },
                    }
                })
                .collect()
        })
        .collect();
    PairwiseMatrix::from_cells(raw.criteria, rows, &at)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() as u64 + 1
}

/// AHP's consistency figures for a matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AhpDiagnostics {
    /// How the weights were obtained.
    pub method: AhpMethod,
    /// Number of criteria.
    pub n: usize,
    /// Principal eigenvalue λmax (≥ n; = n exactly when consistent).
    pub lambda_max: f64,
    /// Consistency index (λmax − n)/(n − 1); 0 for n ≤ 2.
    pub ci: f64,
    /// Saaty's random index RI(n).
    pub ri: f64,
    /// Consistency ratio CI/RI; 0 for n ≤ 2.
    pub cr: f64,
    /// The acceptance threshold ([`CR_THRESHOLD`]).
    pub threshold: f64,
    /// Whether CR ≤ threshold.
    pub consistent: bool,
    /// The principal eigenvector (normalised to sum 1), whichever method gave the weights.
    pub eigenvector: Vec<f64>,
}

/// AHP weights of a pairwise matrix, in the matrix's criterion order, with λmax, CI, RI, CR.
///
/// Refuses judgements with CR > [`CR_THRESHOLD`] ([`WeightingError::Inconsistent`]) unless
/// `allow_inconsistent`, in which case the weights carry a
/// [`Warning::InconsistentJudgements`].
pub fn ahp(
    matrix: &PairwiseMatrix,
    method: AhpMethod,
    allow_inconsistent: bool,
) -> Result<Weights, WeightingError> {
    let n = matrix.len();
    if n >= RANDOM_INDEX.len() {
        return Err(WeightingError::TooManyCriteria { n, max: RANDOM_INDEX.len() - 1 });
    }
    let gm = geometric_means(&matrix.a);
    let (eigenvector, lambda_max) = principal_eigen(&matrix.a, &gm)?;
    // λmax ≥ n for a positive reciprocal matrix; a hair below is rounding.
    let ci = if n > 2 { ((lambda_max - n as f64) / (n as f64 - 1.0)).max(0.0) } else { 0.0 };
    let ri = RANDOM_INDEX[n];
    let cr = if ri > 0.0 { ci / ri } else { 0.0 };
    let consistent = cr <= CR_THRESHOLD;
    let mut warnings = Vec::new();
    if !consistent {
        if !allow_inconsistent {
            return Err(WeightingError::Inconsistent { cr, ci, ri, lambda_max, n, threshold: CR_THRESHOLD });
        }
        warnings.push(Warning::InconsistentJudgements { cr, threshold: CR_THRESHOLD, lambda_max, n, ci, ri });
    }
    let raw = match method {
        AhpMethod::Eigenvector => eigenvector.clone(),
        AhpMethod::GeometricMean => gm,
    };
    let diagnostics = AhpDiagnostics {
        method,
        n,
        lambda_max,
        ci,
        ri,
        cr,
        threshold: CR_THRESHOLD,
        consistent,
        eigenvector,
    };
    Weights::normalised(Scheme::Ahp, matrix.names.clone(), raw, Diagnostics::Ahp(diagnostics), warnings)
}

/// Row geometric means, normalised to sum 1 (computed through logarithms, which keeps the
/// product of n entries up to 9 well inside f64 range either way).
fn geometric_means(a: &[Vec<f64>]) -> Vec<f64> {
    let n = a.len() as f64;
    let g: Vec<f64> = a.iter().map(|row| (row.iter().map(|v| v.ln()).sum::<f64>() / n).exp()).collect();
    let s: f64 = g.iter().sum();
    g.iter().map(|x| x / s).collect()
}

/// Principal eigenvector (sum 1) and eigenvalue of a positive matrix by power iteration from
/// `start` (positive, sum 1). See the module documentation.
fn principal_eigen(a: &[Vec<f64>], start: &[f64]) -> Result<(Vec<f64>, f64), WeightingError> {
    let n = a.len();
    let m = DMatrix::from_fn(n, n, |i, j| a[i][j]);
    let mut w = DVector::from_column_slice(start);
    let mut change = f64::INFINITY;
    for _ in 0..POWER_MAX_ITERATIONS {
        let aw = &m * &w;
        let next = &aw / aw.sum();
        change = (&next - &w).amax();
        w = next;
        if change <= POWER_TOLERANCE {
            let lambda = (&m * &w).sum();
            return Ok((w.iter().copied().collect(), lambda));
        }
    }
    Err(WeightingError::NoConvergence { iterations: POWER_MAX_ITERATIONS, change })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i}")).collect()
    }

    /// λmax by nalgebra's Schur decomposition (independent of the power iteration).
    fn schur_lambda_max(a: &[Vec<f64>]) -> f64 {
        let n = a.len();
        let m = DMatrix::from_fn(n, n, |i, j| a[i][j]);
        m.complex_eigenvalues().iter().map(|z| z.re).fold(f64::NEG_INFINITY, f64::max)
    }

    #[test]
    fn a_consistent_matrix_has_lambda_n_and_the_generating_weights() {
        let w = [0.5, 0.3, 0.2];
        let a: Vec<Vec<f64>> = (0..3).map(|i| (0..3).map(|j| w[i] / w[j]).collect()).collect();
        let pm = PairwiseMatrix { names: names(3), a };
        for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean] {
            let r = ahp(&pm, method, false).unwrap();
            for (x, y) in r.weights.iter().zip(w) {
                assert!((x - y).abs() < 1e-14, "{method}: {:?}", r.weights);
            }
            let Diagnostics::Ahp(d) = r.diagnostics else { unreachable!() };
            assert!((d.lambda_max - 3.0).abs() < 1e-12 && d.cr.abs() < 1e-12 && d.consistent);
        }
    }

    #[test]
    fn power_iteration_agrees_with_nalgebra_schur() {
        let a = vec![
            vec![1.0, 3.0, 5.0, 9.0],
            vec![1.0 / 3.0, 1.0, 2.0, 7.0],
            vec![1.0 / 5.0, 1.0 / 2.0, 1.0, 1.0 / 4.0],
            vec![1.0 / 9.0, 1.0 / 7.0, 4.0, 1.0],
        ];
        let (_, lambda) = principal_eigen(&a, &geometric_means(&a)).unwrap();
        assert!((lambda - schur_lambda_max(&a)).abs() < 1e-10, "{lambda} vs {}", schur_lambda_max(&a));
    }

    // Bug: a judgement computed as w_i / w_j can land a few ulps above 9 (9.000000000000002)
    // and was refused as "off the scale" (found by weighting_properties).
    #[test]
    fn computed_judgement_a_hair_above_nine_is_accepted() {
        let nine = (27.0 / 5.0) / (3.0 / 5.0); // 9.000000000000002
        assert!(nine > 9.0);
        assert!(PairwiseMatrix::new(names(2), vec![vec![1.0, nine], vec![1.0 / nine, 1.0]]).is_ok());
        assert!(PairwiseMatrix::new(names(2), vec![vec![1.0, 9.5], vec![1.0 / 9.5, 1.0]]).is_err());
    }

    #[test]
    fn two_by_two_is_always_consistent() {
        let pm = PairwiseMatrix::new(names(2), vec![vec![1.0, 9.0], vec![1.0 / 9.0, 1.0]]).unwrap();
        let r = ahp(&pm, AhpMethod::Eigenvector, false).unwrap();
        assert!((r.weights[0] - 0.9).abs() < 1e-14);
        let Diagnostics::Ahp(d) = r.diagnostics else { unreachable!() };
        assert_eq!((d.ci, d.cr, d.ri), (0.0, 0.0, 0.0));
    }

    #[test]
    fn cells_accept_fractions_and_an_empty_lower_triangle() {
        let pm = parse_ahp_csv("c,a,b,c\na,1,1/3,5\nb,,1,7\nc,,,1\n", Location::file("m.csv")).unwrap();
        assert!((pm.values()[1][0] - 3.0).abs() < 1e-15 && (pm.values()[2][0] - 0.2).abs() < 1e-15);
        let pm2 =
            parse_ahp_csv("c,a,b,c\na,1,1/3,5\nb,3,1,7\nc,0.2,0.143,1\n", Location::file("m.csv")).unwrap();
        assert_eq!(pm.values(), pm2.values(), "given reciprocals are replaced by exact ones");
    }

    #[test]
    fn parses_toml_with_mixed_entries() {
        let text = "criteria = [\"a\", \"b\", \"c\"]\nmatrix = [\n  [1, \"1/3\", 5.0],\n  [\"\", 1, 7],\n  [\"-\", \"\", 1],\n]\n";
        let pm = parse_ahp_toml(text, Location::file("m.toml")).unwrap();
        assert!(
            (pm.values()[0][1] - 1.0 / 3.0).abs() < 1e-15 && (pm.values()[2][1] - 1.0 / 7.0).abs() < 1e-15
        );
        let bad = text.replace("7]", "0]");
        let e = parse_ahp_toml(&bad, Location::file("m.toml")).unwrap_err().to_string();
        assert!(e.starts_with("m.toml, line 4, column 'c': '0' is not a positive judgement"), "{e}");
    }

    #[test]
    fn reorders_to_the_indicator_order() {
        let pm = parse_ahp_csv("c,a,b\na,1,4\nb,,1\n", Location::file("m.csv")).unwrap();
        let r = pm.reordered(&["B".to_string(), "A".to_string()]).unwrap();
        assert_eq!(r.values(), &[vec![1.0, 0.25], vec![4.0, 1.0]]);
        let e = pm.reordered(&["a".to_string(), "x".to_string()]).unwrap_err();
        assert_eq!(e.to_string(), "the AHP matrix compares [a, b], but the indicators are [a, x]");
    }
}
