//! One scenario under several weighting schemes × apportionment methods: [`study`] and its
//! result, [`CompareStudy`] — what `quota compare` prints and publishes as JSON (the `serde`
//! serialisation of these types; `render::compare` lays them out).
//!
//! The procedure: each scheme derives weights for the scenario's indicators (`manual` = the
//! scenario's own weights); the scenario is allocated with them by each method (or by the
//! scenario's method), everything else (normalisation, disparity term, floors, caps) as
//! written. The baseline is the scenario as written: its weights and its method. Every
//! allocation is measured by [`super::metrics()`] against the single-indicator splits of its
//! own method, the firms per unit and the baseline.

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::column_metrics::{published, ColumnMetrics};
use super::spec::{column_labels, CompareSpec};
use super::{allocate_with, distinct, metrics, proportional_split, CompareError, Split};
use crate::allocate::{allocate, Allocation};
use crate::apportion::Method;
use crate::scenario::{MethodChoice, Scenario};
use crate::stamp::Stamp;
use crate::units::Region;
use crate::weighting::{derive, DeriveOptions, IndicatorMatrix, Weights};

/// Values in a fixed order, each under a key (a column label or a unit code); serialised as a
/// JSON object in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keyed<T>(pub Vec<(String, T)>);

impl<T> Keyed<T> {
    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<T: Serialize> Serialize for Keyed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn method_name<S: Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

fn region_zh<S: Serializer>(r: &Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name_zh())
}

/// A comparison of one scenario (see the module documentation).
#[derive(Debug, Clone, Serialize)]
pub struct CompareStudy {
    /// The scenario's name.
    pub scenario: String,
    /// The baseline's method: the scenario's.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// The national total N.
    pub total: u64,
    /// Whether the 计划单列市 were merged into their provinces.
    pub merged_cities: bool,
    /// The scenario as written.
    pub baseline: Baseline,
    /// The weights of each scheme, in the order given.
    pub schemes: Vec<SchemeWeights>,
    /// The scheme × method columns: scheme-major, each scheme by each method.
    pub columns: Vec<Column>,
    /// Every unit's slots: baseline, per column, change from the baseline, range.
    pub units: Vec<UnitRow>,
    /// The single-indicator splits of every method in play (methods in [`Method`] order, then
    /// indicators in the scenario's order).
    pub splits: Vec<IndicatorSplit>,
    /// What the columns say together.
    pub summary: Summary,
    /// The reproducibility stamp of the inputs, when the caller gave one
    /// ([`CompareSpec::stamp`]); serialised as an object, as in every JSON output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// Whether the columns are scheme × method ([`CompareSpec::methods`] given) — labelled
    /// `scheme/method` — rather than one per scheme, labelled by the scheme.
    #[serde(skip)]
    pub by_method: bool,
    /// The provenance of the scenario's inputs (every output carries its mark).
    pub provenance: crate::provenance::Provenance,
}

impl CompareStudy {
    /// The scenario's indicators, in order.
    pub fn indicators(&self) -> impl Iterator<Item = &str> + '_ {
        self.baseline.metrics.splits.iter().map(|s| s.indicator.as_str())
    }

    /// The baseline's metrics, then each column's.
    pub fn all_metrics(&self) -> impl Iterator<Item = &ColumnMetrics> + '_ {
        std::iter::once(&self.baseline.metrics).chain(self.columns.iter().map(|c| &c.metrics))
    }
}

/// Which weights the baseline uses: always the scenario's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BaselineWeights {
    /// The scenario's own weights.
    #[serde(rename = "the scenario's own")]
    ScenarioOwn,
}

/// The baseline: the scenario as written, its weights and its method.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// Always the scenario's own weights.
    pub weights: BaselineWeights,
    /// The scenario's method.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Its metrics.
    pub metrics: ColumnMetrics,
    /// The allocation (as `quota allocate` makes it).
    #[serde(skip)]
    pub allocation: Allocation,
}

/// One scheme's weights, under its column label.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeWeights {
    /// The column label (the scheme's name, or `ahp:STEM` among several AHP matrices).
    pub label: String,
    /// The weights with the method's diagnostics and warnings.
    pub weights: Weights,
}

impl Serialize for SchemeWeights {
    /// `{label, scheme, weights: {indicator: weight}, diagnostics, warnings: [text]}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = &self.weights;
        let mut st = s.serialize_struct("SchemeWeights", 5)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("scheme", w.scheme.name())?;
        st.serialize_field(
            "weights",
            &Keyed(w.names.iter().cloned().zip(w.weights.iter().copied()).collect()),
        )?;
        st.serialize_field("diagnostics", &w.diagnostics)?;
        let warnings: Vec<String> = w.warnings.iter().map(|x| x.to_string()).collect();
        st.serialize_field("warnings", &warnings)?;
        st.end()
    }
}

/// One scheme × method column.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// The label: the scheme's, or `scheme/method`.
    pub label: String,
    /// The method.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// The metrics.
    pub metrics: ColumnMetrics,
    /// The scheme (index into [`CompareStudy::schemes`]).
    #[serde(skip)]
    pub scheme: usize,
    /// The allocation.
    #[serde(skip)]
    pub allocation: Allocation,
}

/// One unit's line: slots under the baseline and each column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRow {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// NBS region (serialised by its Chinese name).
    #[serde(serialize_with = "region_zh")]
    pub region: Region,
    /// Slots under the baseline.
    pub baseline: u64,
    /// Slots per column label.
    pub slots: Keyed<u64>,
    /// Column slots minus baseline slots, per column label.
    pub change: Keyed<i64>,
    /// Max − min of the column slots.
    pub range: u64,
}

/// The total apportioned in proportion to one indicator alone, by one method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSplit {
    /// The indicator.
    pub indicator: String,
    /// The method.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Slots per unit code.
    pub slots: Keyed<u64>,
}

/// What the columns say together (the summary lines under the units table and the notes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Units whose slots differ from the baseline in some column.
    pub units_changed: usize,
    /// Units whose slots differ between the columns (range > 0).
    pub units_differing_between_columns: usize,
    /// The largest range of any unit.
    pub largest_range: u64,
    /// Units left out of the Gini for having no 小巨人 firm (codes; empty without firm counts).
    pub units_without_firms: Vec<String>,
}

/// The scenario's method, which must be an apportionment method to be compared.
pub fn baseline_method(s: &Scenario) -> Result<Method, CompareError> {
    match s.method {
        MethodChoice::Apportion(m) => Ok(m),
        MethodChoice::Optimize => Err(CompareError::OptimizeBaseline { at: s.at.clone() }),
    }
}

/// Compares scenario `s` under the weighting schemes × methods of `spec` (see the module
/// documentation). Every allocation has passed the independent checker.
pub fn study(s: &Scenario, spec: &CompareSpec) -> Result<CompareStudy, CompareError> {
    let choices = spec.scheme_list();
    let labels = column_labels(choices.iter().map(|c| &c.spec))?;
    let baseline_method = baseline_method(s)?;
    let by_method = spec.methods.is_some();
    let methods = match &spec.methods {
        Some(m) if m.is_empty() => return Err(CompareError::Empty { what: "apportionment methods" }),
        Some(m) => {
            distinct("method", m.iter().map(|m| m.name().to_string()))?;
            m.clone()
        }
        None => vec![baseline_method],
    };
    let n = s.units.len();
    let firms = match &spec.firms {
        Some(f) if f.per_unit.len() != n => {
            return Err(CompareError::Length { what: "firms per unit", got: f.per_unit.len(), expected: n })
        }
        Some(f) => f.per_unit.clone(),
        None => vec![0; n],
    };

    let matrix = IndicatorMatrix::new(
        s.indicators.iter().map(|i| i.column.clone()).collect(),
        s.units.as_slice().iter().map(|u| u.code.clone()).collect(),
        (0..n).map(|u| s.indicators.iter().map(|i| i.values[u]).collect()).collect(),
    )
    .map_err(CompareError::Indicators)?;
    let base_options = DeriveOptions {
        manual: Some(s.indicators.iter().map(|i| (i.column.clone(), i.weight)).collect()),
        ahp: None,
        ahp_method: spec.ahp_method,
        allow_inconsistent: spec.allow_inconsistent,
        pca_keep: spec.pca_keep,
    };
    let mut schemes = Vec::with_capacity(choices.len());
    for (choice, label) in choices.iter().zip(labels) {
        let ahp = choice.ahp.clone().or_else(|| spec.ahp.clone());
        let options = DeriveOptions { ahp, ..base_options.clone() };
        let weights =
            derive(choice.spec.scheme, &matrix, &options).map_err(|source| CompareError::Weighting {
                spec: choice.spec.clone(),
                missing_matrix: options.ahp.is_none(),
                source,
            })?;
        schemes.push(SchemeWeights { label, weights });
    }

    // The splits each indicator alone would give, for every method in play.
    let mut splits: BTreeMap<Method, Vec<Split>> = BTreeMap::new();
    for &m in methods.iter().chain(std::iter::once(&baseline_method)) {
        if let std::collections::btree_map::Entry::Vacant(e) = splits.entry(m) {
            e.insert((0..s.indicators.len()).map(|j| proportional_split(s, j, m)).collect::<Result<_, _>>()?);
        }
    }

    let baseline = allocate(s)
        .map_err(|source| CompareError::Allocate { what: "the scenario as written".into(), source })?;
    let base_slots: Vec<u64> = baseline.units.iter().map(|u| u.slots).collect();
    let codes: Vec<String> = baseline.units.iter().map(|u| u.code.clone()).collect();
    let firms_column = spec.firms.as_ref().map(|f| f.column.as_str());
    let measure = |a: &Allocation, m: Method| -> Result<ColumnMetrics, CompareError> {
        let sp: Vec<&Split> = splits[&m].iter().collect();
        let raw = metrics(a, &sp, &firms, &base_slots)?;
        Ok(published(&raw, &sp, &codes, firms_column))
    };
    let baseline_metrics = measure(&baseline, baseline_method)?;
    let mut columns = Vec::with_capacity(schemes.len() * methods.len());
    for (k, sw) in schemes.iter().enumerate() {
        for &m in &methods {
            let label = if by_method { format!("{}/{m}", sw.label) } else { sw.label.clone() };
            let allocation = allocate_with(s, &sw.weights.weights, m)
                .map_err(|source| CompareError::Allocate { what: format!("with {label}"), source })?;
            let metrics = measure(&allocation, m)?;
            columns.push(Column { label, method: m, metrics, scheme: k, allocation });
        }
    }

    let units = unit_rows(&baseline, &columns);
    let summary = Summary {
        units_changed: units.iter().filter(|u| u.change.values().any(|&d| d != 0)).count(),
        units_differing_between_columns: units.iter().filter(|u| u.range > 0).count(),
        largest_range: units.iter().map(|u| u.range).max().unwrap_or(0),
        units_without_firms: match &spec.firms {
            Some(f) => (0..n).filter(|&u| f.per_unit[u] == 0).map(|u| codes[u].clone()).collect(),
            None => Vec::new(),
        },
    };
    let splits = splits
        .values()
        .flatten()
        .map(|sp| IndicatorSplit {
            indicator: sp.indicator.clone(),
            method: sp.method,
            slots: Keyed(codes.iter().cloned().zip(sp.slots.iter().copied()).collect()),
        })
        .collect();
    Ok(CompareStudy {
        provenance: s.provenance().clone(),
        scenario: s.name.clone(),
        method: baseline_method,
        total: s.total,
        merged_cities: s.merged,
        baseline: Baseline {
            weights: BaselineWeights::ScenarioOwn,
            method: baseline_method,
            metrics: baseline_metrics,
            allocation: baseline,
        },
        schemes,
        columns,
        units,
        splits,
        summary,
        stamp: spec.stamp.clone(),
        by_method,
    })
}

fn unit_rows(baseline: &Allocation, columns: &[Column]) -> Vec<UnitRow> {
    baseline
        .units
        .iter()
        .enumerate()
        .map(|(u, b)| {
            let slots: Vec<u64> = columns.iter().map(|c| c.allocation.units[u].slots).collect();
            let range = slots.iter().max().unwrap_or(&0) - slots.iter().min().unwrap_or(&0);
            UnitRow {
                code: b.code.clone(),
                name: b.name.clone(),
                name_en: b.name_en.clone(),
                region: b.region,
                baseline: b.slots,
                slots: Keyed(columns.iter().map(|c| c.label.clone()).zip(slots.iter().copied()).collect()),
                change: Keyed(
                    columns
                        .iter()
                        .zip(&slots)
                        .map(|(c, &x)| (c.label.clone(), x as i64 - b.slots as i64))
                        .collect(),
                ),
                range,
            }
        })
        .collect()
}
