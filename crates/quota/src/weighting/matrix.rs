//! The indicator matrix the data-driven methods work on (one row per unit, one column per
//! indicator), validated once at construction, and the column statistics they share
//! (mean, population standard deviation, Pearson correlation through nalgebra).

use std::collections::HashSet;

use nalgebra::DMatrix;

use super::{Scheme, WeightingError, CONSTANT_RELATIVE_SPREAD};
use crate::error::DataError;
use crate::input::CsvTable;
use crate::limits::{MAX_ROWS, MAX_VALUE, MIN_POSITIVE_VALUE};

/// Indicator values per unit: `values[i][j]` is unit `i`'s value of indicator `j`.
///
/// Invariants (checked by [`IndicatorMatrix::new`]): at least two units and one indicator;
/// unique, non-empty names; one value per indicator in every row; every value finite and
/// non-negative (the indicators are counts, scores and money amounts).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorMatrix {
    names: Vec<String>,
    units: Vec<String>,
    values: Vec<Vec<f64>>,
}

impl IndicatorMatrix {
    /// Validates and builds a matrix. `names` are the indicators (columns), `units` the row
    /// labels (unit codes), `values` one row per unit.
    ///
    /// # Panics
    /// If `units` and `values` differ in length (one label per row is the caller's contract;
    /// a row of the wrong width is the data's fault and an error).
    pub fn new(
        names: Vec<String>,
        units: Vec<String>,
        values: Vec<Vec<f64>>,
    ) -> Result<Self, WeightingError> {
        if names.is_empty() {
            return Err(WeightingError::NoIndicators);
        }
        let mut seen = HashSet::new();
        for n in &names {
            if !seen.insert(n.as_str()) {
                return Err(WeightingError::DuplicateIndicator(n.clone()));
            }
        }
        assert_eq!(units.len(), values.len(), "one unit label per row");
        if units.len() < 2 {
            return Err(WeightingError::TooFewUnits { found: units.len() });
        }
        let mut seen = HashSet::new();
        for u in &units {
            if !seen.insert(u.as_str()) {
                return Err(WeightingError::DuplicateUnit(u.clone()));
            }
        }
        for (unit, row) in units.iter().zip(&values) {
            if row.len() != names.len() {
                return Err(WeightingError::RaggedRow {
                    unit: unit.clone(),
                    found: row.len(),
                    expected: names.len(),
                });
            }
            for (name, &v) in names.iter().zip(row) {
                if !in_domain(v) {
                    return Err(WeightingError::BadValue {
                        unit: unit.clone(),
                        indicator: name.clone(),
                        value: v,
                    });
                }
            }
        }
        Ok(IndicatorMatrix { names, units, values })
    }

    /// Reads the named indicator columns of a CSV table, one row per unit, labelled by
    /// `unit_column` (e.g. `code`). Cells must be finite non-negative numbers; errors name the
    /// file, line and column.
    pub fn from_table(t: &CsvTable, unit_column: &str, indicators: &[&str]) -> Result<Self, WeightingError> {
        let c_unit = t.named_column(unit_column)?;
        let cols = indicators.iter().map(|name| t.named_column(name)).collect::<Result<Vec<_>, _>>()?;
        let mut units = Vec::with_capacity(t.rows.len());
        let mut values = Vec::with_capacity(t.rows.len());
        let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for (r, row) in t.rows.iter().enumerate() {
            if let Some(first) = seen.insert(&row[c_unit], t.lines[r]) {
                return Err(WeightingError::Data(DataError::Duplicate {
                    at: t.at.at_line(t.lines[r]),
                    what: format!("unit ('{}' column)", t.header[c_unit]),
                    key: row[c_unit].clone(),
                    first_line: first,
                }));
            }
            units.push(row[c_unit].clone());
            values.push(cols.iter().map(|&c| t.non_negative(r, c)).collect::<Result<Vec<_>, _>>()?);
        }
        // Use the header's spelling of each name (lookup is case-insensitive).
        let names = cols.iter().map(|&c| t.header[c].clone()).collect();
        IndicatorMatrix::new(names, units, values)
    }

    /// Indicator names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Unit labels, in row order.
    pub fn units(&self) -> &[String] {
        &self.units
    }
    /// The rows: `values()[i][j]` is unit `i`'s value of indicator `j`.
    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }
    /// Number of units (rows), at least 2.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }
    /// Number of indicators (columns), at least 1.
    pub fn n_indicators(&self) -> usize {
        self.names.len()
    }
    /// Indicator `j` across all units.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values.iter().map(|row| row[j]).collect()
    }

    /// The same matrix with indicator `j` multiplied by `factor` (for invariance tests and
    /// unit conversions, e.g. 元 → 万元). `factor` must be finite and positive.
    pub fn scaled(&self, j: usize, factor: f64) -> Result<Self, WeightingError> {
        let mut values = self.values.clone();
        for row in &mut values {
            row[j] *= factor;
        }
        IndicatorMatrix::new(self.names.clone(), self.units.clone(), values)
    }

    /// Fails with [`WeightingError::ConstantIndicator`] if some indicator has no variance
    /// (see [`CONSTANT_RELATIVE_SPREAD`]). Data-driven schemes call this first.
    pub(crate) fn require_variance(&self, scheme: Scheme) -> Result<(), WeightingError> {
        for j in 0..self.n_indicators() {
            let col = self.column(j);
            let (lo, hi) = min_max(&col);
            if hi - lo <= CONSTANT_RELATIVE_SPREAD * hi.abs().max(lo.abs()) {
                return Err(WeightingError::ConstantIndicator {
                    indicator: self.names[j].clone(),
                    value: col[0],
                    scheme,
                });
            }
        }
        Ok(())
    }
}

/// The values the data-driven methods accept: 0, or from [`MIN_POSITIVE_VALUE`] to
/// [`MAX_VALUE`] × [`MAX_ROWS`] (a file's values, and sums of them when 计划单列市 are merged):
/// every sum, square and ratio of the methods then stays finite and no spread underflows to 0
/// (see `crate::limits`).
fn in_domain(v: f64) -> bool {
    v == 0.0 || (MIN_POSITIVE_VALUE..=MAX_VALUE * MAX_ROWS as f64).contains(&v)
}

/// Smallest and largest value of a non-empty slice.
pub(crate) fn min_max(x: &[f64]) -> (f64, f64) {
    x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

/// Arithmetic mean, summed in input order.
pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Population standard deviation (divisor m, not m − 1): the units are the whole population
/// being weighted, not a sample. Every weight derived from it is unchanged by the choice of
/// divisor (the factor √(m/(m−1)) is common to all indicators and cancels); only the reported
/// σ differs from a sample-σ tool.
pub(crate) fn population_sd(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64).sqrt()
}

/// The Pearson correlation matrix of the columns of `cols` (each column a `Vec` of the same
/// length, none constant), computed with nalgebra as Zᵀ Z / m from the standardised columns
/// Z. The diagonal is set to exactly 1 and entries are clamped to [−1, 1] against rounding.
pub(crate) fn correlation(cols: &[Vec<f64>]) -> DMatrix<f64> {
    let p = cols.len();
    let m = cols[0].len();
    let centre: Vec<(f64, f64)> = cols.iter().map(|c| (mean(c), population_sd(c))).collect();
    let z = DMatrix::from_fn(m, p, |i, j| (cols[j][i] - centre[j].0) / centre[j].1);
    let mut r = z.transpose() * &z / m as f64;
    for j in 0..p {
        for k in 0..p {
            r[(j, k)] = if j == k { 1.0 } else { r[(j, k)].clamp(-1.0, 1.0) };
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn validates_shape_and_values() {
        let e = IndicatorMatrix::new(names(&["a"]), names(&["u"]), vec![vec![1.0]]).unwrap_err();
        assert_eq!(e, WeightingError::TooFewUnits { found: 1 });
        let e = IndicatorMatrix::new(vec![], names(&["u", "v"]), vec![vec![], vec![]]).unwrap_err();
        assert_eq!(e, WeightingError::NoIndicators);
        let e = IndicatorMatrix::new(names(&["a", "b"]), names(&["u", "v"]), vec![vec![1.0, 2.0], vec![1.0]])
            .unwrap_err();
        assert_eq!(e.to_string(), "unit 'v' has 1 values, expected one per indicator (2)");
        let e =
            IndicatorMatrix::new(names(&["a"]), names(&["u", "v"]), vec![vec![1.0], vec![-1.0]]).unwrap_err();
        assert!(
            e.to_string().starts_with("unit 'v', indicator 'a': -1 is not a finite non-negative number"),
            "{e}"
        );
        let e = IndicatorMatrix::new(names(&["a"]), names(&["u", "v"]), vec![vec![f64::NAN], vec![1.0]])
            .unwrap_err();
        assert!(matches!(e, WeightingError::BadValue { .. }));
        let e = IndicatorMatrix::new(names(&["a", "a"]), names(&["u", "v"]), vec![vec![1.0, 1.0]; 2])
            .unwrap_err();
        assert_eq!(e, WeightingError::DuplicateIndicator("a".into()));
    }

    #[test]
    fn reads_columns_from_a_table_with_located_errors() {
        let t = CsvTable::parse("code,a,b\n11,1,2\n12,3,x\n", Location::file("i.csv")).unwrap();
        let e = IndicatorMatrix::from_table(&t, "code", &["a", "b"]).unwrap_err().to_string();
        assert_eq!(e, "i.csv, line 3, column 'b': 'x' is not a number");
        let e = IndicatorMatrix::from_table(&t, "code", &["a", "c"]).unwrap_err().to_string();
        assert!(e.contains("missing column 'c'"), "{e}");
        let t = CsvTable::parse("code,A\n11,1\n12,3\n", Location::file("i.csv")).unwrap();
        let m = IndicatorMatrix::from_table(&t, "code", &["a"]).unwrap();
        assert_eq!(m.names(), ["A"]);
        assert_eq!(m.column(0), vec![1.0, 3.0]);
    }

    #[test]
    fn a_duplicated_unit_in_a_file_is_named_with_its_lines() {
        let t = CsvTable::parse("code,a\n11,1\n12,3\n11,4\n", Location::file("i.csv")).unwrap();
        let e = IndicatorMatrix::from_table(&t, "code", &["a"]).unwrap_err().to_string();
        assert_eq!(e, "i.csv, line 4: duplicated unit ('code' column) '11' (first seen on line 2)");
    }

    #[test]
    fn values_outside_the_domain_are_refused() {
        for v in [1e-200, 1e155, 1e308] {
            let e = IndicatorMatrix::new(names(&["a"]), names(&["u", "v"]), vec![vec![1.0], vec![v]]);
            assert!(matches!(e, Err(WeightingError::BadValue { .. })), "{v}");
        }
    }

    #[test]
    fn correlation_of_linear_columns_is_plus_or_minus_one() {
        let r = correlation(&[vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0], vec![3.0, 2.0, 1.0]]);
        assert!((r[(0, 1)] - 1.0).abs() < 1e-15 && (r[(0, 2)] + 1.0).abs() < 1e-15);
        assert!((population_sd(&[1.0, 2.0, 3.0]) - (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
    }
}
