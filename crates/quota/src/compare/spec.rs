//! What a comparison of one scenario computes: [`CompareSpec`] — the weighting schemes (with
//! their AHP matrices, read by the caller), the apportionment methods, the options of the AHP
//! and PCA weights, the number of 小巨人 firms per unit for the Gini, and the stamp of the inputs.
//! [`CompareSpec::default()`] is what `quota compare` does with no option.

use super::{distinct, CompareError, SchemeSpec};
use crate::apportion::Method;
use crate::error::DataError;
use crate::indicators::IndicatorTable;
use crate::stamp::Stamp;
use crate::units::Units;
use crate::weighting::{AhpMethod, PairwiseMatrix, PcaKeep, Scheme};

/// The schemes compared when none are named: every scheme that needs no input beyond the
/// scenario (AHP joins them when [`CompareSpec::ahp`] holds a matrix).
pub const DEFAULT_SCHEMES: [Scheme; 6] =
    [Scheme::Equal, Scheme::Manual, Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca];

/// The indicators column read for the number of 小巨人 firms per unit when none is named.
pub const DEFAULT_FIRMS_COLUMN: &str = "xiaojuren";

/// One weighting scheme of a comparison and, for an `ahp:FILE` entry, the matrix read from
/// that file (the library reads no files).
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeChoice {
    /// The scheme as named (`entropy`, `ahp`, `ahp:FILE`).
    pub spec: SchemeSpec,
    /// The pairwise-comparison matrix of this entry; None: [`CompareSpec::ahp`].
    pub ahp: Option<PairwiseMatrix>,
}

impl SchemeChoice {
    /// A scheme without a matrix of its own.
    pub fn plain(scheme: Scheme) -> Self {
        SchemeChoice { spec: SchemeSpec::plain(scheme), ahp: None }
    }
}

/// The number of 小巨人 firms per unit, for the Gini of slots per firm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmCounts {
    /// The indicators column the counts come from (named in the notes and in JSON).
    pub column: String,
    /// Firms per unit, in the scenario's unit order (after any merge of the 计划单列市).
    pub per_unit: Vec<u64>,
}

impl FirmCounts {
    /// Reads the counts from an indicators table as `quota compare` does: column `column`, or
    /// [`DEFAULT_FIRMS_COLUMN`] when None — and then, if the table has no such column, no
    /// counts (Ok(None): the Gini is skipped). `units` is the unit table the indicators were
    /// read against; with `merged` the cities' counts are added to their provinces'.
    pub fn from_table(
        indicators: &IndicatorTable,
        units: &Units,
        column: Option<&str>,
        merged: bool,
    ) -> Result<Option<FirmCounts>, DataError> {
        let name = column.unwrap_or(DEFAULT_FIRMS_COLUMN);
        let values = match indicators.integer_column(name) {
            Ok(v) => v,
            Err(DataError::MissingColumn { .. }) if column.is_none() => return Ok(None),
            Err(e) => return Err(e),
        };
        let per_unit = if merged {
            let (merged_units, map) = units.merge_cities();
            let mut out = vec![0u64; merged_units.len()];
            for (i, v) in values.into_iter().enumerate() {
                out[map[i]] += v;
            }
            out
        } else {
            values
        };
        Ok(Some(FirmCounts { column: name.to_string(), per_unit }))
    }
}

/// What [`super::study()`] computes. Everything but the schemes and methods has a default that
/// needs no input (see the fields).
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSpec {
    /// The weighting schemes, one column each (or one per method). None: [`DEFAULT_SCHEMES`],
    /// and `ahp` when [`CompareSpec::ahp`] holds a matrix.
    pub schemes: Option<Vec<SchemeChoice>>,
    /// Apportionment methods: every scheme is allocated by each, in columns labelled
    /// `scheme/method`. None: the scenario's method, columns labelled by scheme alone.
    pub methods: Option<Vec<Method>>,
    /// The pairwise-comparison matrix of plain `ahp` entries.
    pub ahp: Option<PairwiseMatrix>,
    /// How AHP turns a matrix into weights (default: the principal eigenvector).
    pub ahp_method: AhpMethod,
    /// Use AHP judgements whose consistency ratio exceeds the threshold (with a warning).
    pub allow_inconsistent: bool,
    /// Principal components kept by the PCA weights (default: Kaiser).
    pub pca_keep: PcaKeep,
    /// The number of 小巨人 firms per unit; None: the Gini of slots per firm is skipped.
    pub firms: Option<FirmCounts>,
    /// The reproducibility stamp of the scenario's inputs (computed by the caller, who has the
    /// input texts: [`Stamp::compute_for`]), carried into the result.
    pub stamp: Option<Stamp>,
}

impl Default for CompareSpec {
    fn default() -> Self {
        CompareSpec {
            schemes: None,
            methods: None,
            ahp: None,
            ahp_method: AhpMethod::Eigenvector,
            allow_inconsistent: false,
            pca_keep: PcaKeep::Kaiser,
            firms: None,
            stamp: None,
        }
    }
}

impl CompareSpec {
    /// These schemes, without matrices of their own.
    pub fn with_schemes(mut self, schemes: impl IntoIterator<Item = Scheme>) -> Self {
        self.schemes = Some(schemes.into_iter().map(SchemeChoice::plain).collect());
        self
    }

    /// These methods (columns `scheme/method`).
    pub fn with_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.methods = Some(methods.into_iter().collect());
        self
    }

    /// This firm count per unit for the Gini.
    pub fn with_firms(mut self, firms: FirmCounts) -> Self {
        self.firms = Some(firms);
        self
    }

    /// This stamp in the result.
    pub fn with_stamp(mut self, stamp: Stamp) -> Self {
        self.stamp = Some(stamp);
        self
    }

    /// The schemes compared, defaults applied.
    pub fn scheme_list(&self) -> Vec<SchemeChoice> {
        match &self.schemes {
            Some(s) => s.clone(),
            None => {
                let mut s: Vec<SchemeChoice> = DEFAULT_SCHEMES.into_iter().map(SchemeChoice::plain).collect();
                if self.ahp.is_some() {
                    s.push(SchemeChoice::plain(Scheme::Ahp));
                }
                s
            }
        }
    }
}

/// The column label of each scheme (see [`SchemeSpec::label`]: AHP entries are told apart by
/// file name when there are several), failing on an empty list or a label given twice.
pub fn column_labels<'a>(
    specs: impl IntoIterator<Item = &'a SchemeSpec>,
) -> Result<Vec<String>, CompareError> {
    let specs: Vec<&SchemeSpec> = specs.into_iter().collect();
    if specs.is_empty() {
        return Err(CompareError::Empty { what: "weighting schemes" });
    }
    let several_ahp = specs.iter().filter(|s| s.scheme == Scheme::Ahp).count() > 1;
    let labels: Vec<String> = specs.iter().map(|s| s.label(several_ahp)).collect();
    distinct("column", labels.iter().cloned())?;
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schemes_gain_ahp_with_a_matrix() {
        let spec = CompareSpec::default();
        let names: Vec<String> = spec.scheme_list().iter().map(|c| c.spec.to_string()).collect();
        assert_eq!(names, ["equal", "manual", "entropy", "critic", "cv", "pca"]);
        let m = crate::weighting::parse_ahp_csv(
            "criterion,a,b\na,1,3\nb,1/3,1\n",
            crate::error::Location::file("m.csv"),
        )
        .unwrap();
        let spec = CompareSpec { ahp: Some(m), ..CompareSpec::default() };
        assert_eq!(spec.scheme_list().last().map(|c| c.spec.scheme), Some(Scheme::Ahp));
        let spec = spec.with_schemes([Scheme::Cv]);
        assert_eq!(spec.scheme_list().len(), 1);
    }

    #[test]
    fn column_labels_tell_ahp_files_apart_and_refuse_repeats() {
        let specs: Vec<SchemeSpec> =
            ["equal", "ahp:a/m.csv", "ahp:b/n.toml"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(column_labels(&specs).unwrap(), ["equal", "ahp:m", "ahp:n"]);
        let specs: Vec<SchemeSpec> =
            ["ahp:a/m.csv", "ahp:b/m.toml"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(column_labels(&specs).unwrap_err().to_string(), "column 'ahp:m' is listed twice");
        assert!(matches!(column_labels(&[]).unwrap_err(), CompareError::Empty { .. }));
    }
}
