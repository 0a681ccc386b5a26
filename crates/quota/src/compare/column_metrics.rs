//! The metrics of one column of a comparison as published: [`ColumnMetrics`], the numbers of
//! [`super::metrics()`] with units named by code and the Gini under its firms column.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::{Metrics, QuotaViolations, Split};
use crate::apportion::{Method, Ratio};
use crate::units::Region;

fn method_name<S: Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

fn ratio_text<S: Serializer>(r: &Option<Ratio>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => s.serialize_str(&r.to_string()),
        None => s.serialize_none(),
    }
}

/// The metrics of one allocation (definitions in [`mod@super::metrics`]), units named by code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnMetrics {
    /// Deviation from each single-indicator split of the column's method, in indicator order.
    pub splits: Vec<SplitDeviation>,
    /// The Gini of slots per 小巨人 firm (None without firm counts).
    pub gini_slots_per_firm: Option<GiniSummary>,
    /// Slots and shares of the four NBS regions.
    pub regions: Vec<RegionShare>,
    /// Units with slots = floor.
    pub units_at_floor: usize,
    /// Units with slots = cap.
    pub units_at_cap: usize,
    /// Ties that decided a slot.
    pub ties: usize,
    /// Units outside the bounded quota q* (None without an exact apportionment).
    pub quota_violations_bounded: Option<UnitsOutsideQuota>,
    /// Units outside the ideal quota q.
    pub quota_violations_ideal: UnitsOutsideQuota,
    /// Slots that would have to move to reach the baseline (Σ|Δ| / 2).
    pub slots_moved_vs_baseline: u64,
}

/// Distance from one single-indicator split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitDeviation {
    /// The indicator.
    pub indicator: String,
    /// The split's method (the column's).
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Σ |x_i − p_i| in slots.
    pub total_abs_dev: u64,
    /// max |x_i − p_i| in slots.
    pub max_abs_dev: u64,
    /// The first unit (code) reaching the maximum; None when equal to the split.
    pub max_unit: Option<String>,
}

/// The Gini of slots per 小巨人 firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GiniSummary {
    /// The firms column.
    pub column: String,
    /// G as a decimal (None when undefined).
    pub value: Option<f64>,
    /// G exactly, serialised as `num/den`.
    #[serde(rename = "exact", serialize_with = "ratio_text")]
    pub ratio: Option<Ratio>,
    /// Units G is computed over (those with a firm).
    pub units: usize,
    /// Units without a firm (left out).
    pub units_without_firms: usize,
    /// Slots those units receive.
    pub slots_without_firms: u64,
}

/// Slots and share of one NBS region; serialised with its Chinese (`region`) and English
/// (`region_en`) names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionShare {
    /// The region.
    pub region: Region,
    /// Σ slots of its units.
    pub slots: u64,
    /// slots / Σ slots.
    pub share: f64,
}

impl Serialize for RegionShare {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RegionShare", 4)?;
        st.serialize_field("region", self.region.name_zh())?;
        st.serialize_field("region_en", self.region.name_en())?;
        st.serialize_field("slots", &self.slots)?;
        st.serialize_field("share", &self.share)?;
        st.end()
    }
}

/// Units outside [⌊q⌋, ⌈q⌉] for some quotas q, by code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct UnitsOutsideQuota {
    /// How many (below + above).
    pub count: usize,
    /// Units below their lower quota.
    pub below: Vec<String>,
    /// Units above their upper quota.
    pub above: Vec<String>,
}

/// The metrics with units named by code.
pub(crate) fn published(
    m: &Metrics,
    splits: &[&Split],
    codes: &[String],
    firms_column: Option<&str>,
) -> ColumnMetrics {
    let code = |i: usize| codes[i].clone();
    let outside = |v: &QuotaViolations| UnitsOutsideQuota {
        count: v.count(),
        below: v.below.iter().map(|&i| code(i)).collect(),
        above: v.above.iter().map(|&i| code(i)).collect(),
    };
    ColumnMetrics {
        splits: splits
            .iter()
            .zip(&m.deviations)
            .map(|(s, d)| SplitDeviation {
                indicator: s.indicator.clone(),
                method: s.method,
                total_abs_dev: d.total,
                max_abs_dev: d.max,
                max_unit: d.max_unit.map(code),
            })
            .collect(),
        gini_slots_per_firm: firms_column.map(|column| GiniSummary {
            column: column.to_string(),
            value: m.gini.value(),
            ratio: m.gini.ratio,
            units: m.gini.units,
            units_without_firms: m.gini.units_without_firms,
            slots_without_firms: m.gini.slots_without_firms,
        }),
        regions: m
            .regions
            .iter()
            .map(|r| RegionShare { region: r.region, slots: r.slots, share: r.share })
            .collect(),
        units_at_floor: m.at_floor,
        units_at_cap: m.at_cap,
        ties: m.ties,
        quota_violations_bounded: m.bounded_violations.as_ref().map(outside),
        quota_violations_ideal: outside(&m.ideal_violations),
        slots_moved_vs_baseline: m.vs_baseline.total / 2,
    }
}
