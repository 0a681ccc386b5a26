//! A screened registry as it is published ([`ScreeningReport`], `quota eligible`): per unit
//! (merged into provinces when asked) the firms, the eligible firms and how many fail each
//! rule, and every excluded firm with every reason. Its `serde` serialisation is the
//! command's JSON document:
//!
//! ```text
//! {registry, as_of, firms, eligible,
//!  units: [{code, name, name_en, region, firms, eligible, failing: {reason code: n}}],
//!  excluded: [{id, name, line, unit, reasons: [{code, rule, explanation}]}]}
//! ```
//!
//! Also the eligible counts that cap an allocation ([`eligible_per_unit`], `--caps-from`).

use serde::ser::{SerializeMap, Serializer};

use super::{merge_counts, screen, Date, Reason, Registry, Screening};
use crate::units::Region;

/// One unit's line of a screening.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitScreening {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// NBS region (its Chinese name in JSON).
    #[serde(serialize_with = "region_zh")]
    pub region: Region,
    /// Firms in the registry.
    pub firms: u64,
    /// Eligible firms.
    pub eligible: u64,
    /// How many firms fail each rule, indexed like [`Reason::ALL`] (a firm may fail several).
    #[serde(serialize_with = "by_reason")]
    pub failing: [u64; 7],
}

impl UnitScreening {
    /// Firms excluded (failing at least one rule).
    pub fn excluded(&self) -> u64 {
        self.firms - self.eligible
    }
}

/// One rule an excluded firm fails.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exclusion {
    /// The reason's stable code ([`Reason::code`]).
    pub code: &'static str,
    /// The notice's wording of the rule.
    pub rule: &'static str,
    /// Why the firm fails it, with the firm's own figures.
    pub explanation: String,
}

/// An excluded firm.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExcludedFirm {
    /// Firm id.
    pub id: String,
    /// Firm name.
    pub name: String,
    /// Line in the registry file.
    pub line: u64,
    /// Unit code.
    pub unit: String,
    /// Unit name (Chinese).
    #[serde(skip)]
    pub unit_name: String,
    /// Every rule it fails, in the notice's order.
    pub reasons: Vec<Exclusion>,
}

/// A registry screened on a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScreeningReport {
    /// The registry file.
    pub registry: String,
    /// The screening date.
    pub as_of: Date,
    /// Firms screened.
    pub firms: usize,
    /// Eligible firms.
    pub eligible: u64,
    /// One line per unit (provinces when the 计划单列市 are merged).
    pub units: Vec<UnitScreening>,
    /// Every excluded firm, in registry order.
    pub excluded: Vec<ExcludedFirm>,
    /// The registry's provenance (a synthetic registry marks every output).
    pub provenance: crate::provenance::Provenance,
}

/// National totals of a screening: firms, eligible, failing per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningTotals {
    /// Firms.
    pub firms: u64,
    /// Eligible firms.
    pub eligible: u64,
    /// Failing each rule, indexed like [`Reason::ALL`].
    pub failing: [u64; 7],
}

impl ScreeningReport {
    /// Screens `registry` on `as_of`; per-unit lines merged into provinces if `merge_cities`.
    pub fn new(registry: &Registry, as_of: Date, merge_cities: bool) -> ScreeningReport {
        ScreeningReport::of(registry, &screen(registry, as_of), merge_cities)
    }

    /// The report of a screening `s` of `registry`.
    pub fn of(registry: &Registry, s: &Screening, merge_cities: bool) -> ScreeningReport {
        let all = registry.units();
        let (units, firms, eligible, failing) = if merge_cities {
            let (merged, map) = all.merge_cities();
            let mut failing = vec![[0u64; 7]; merged.len()];
            for (i, f) in s.failing.iter().enumerate() {
                for k in 0..7 {
                    failing[map[i]][k] += f[k];
                }
            }
            let firms = merge_counts(&s.firms, &map, merged.len());
            let eligible = merge_counts(&s.eligible, &map, merged.len());
            (merged, firms, eligible, failing)
        } else {
            (all.clone(), s.firms.clone(), s.eligible.clone(), s.failing.clone())
        };
        let lines = (0..units.len())
            .map(|i| {
                let u = units.get(i);
                UnitScreening {
                    code: u.code.clone(),
                    name: u.name_zh.clone(),
                    name_en: u.name_en.clone(),
                    region: u.region,
                    firms: firms[i],
                    eligible: eligible[i],
                    failing: failing[i],
                }
            })
            .collect();
        let excluded = registry
            .firms
            .iter()
            .zip(&s.reasons)
            .filter(|(_, r)| !r.is_empty())
            .map(|(f, r)| {
                let u = all.get(f.unit);
                ExcludedFirm {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    line: f.line,
                    unit: u.code.clone(),
                    unit_name: u.name_zh.clone(),
                    reasons: r
                        .iter()
                        .map(|x| Exclusion {
                            code: x.code(),
                            rule: x.rule_zh(),
                            explanation: x.explain(f, s.as_of),
                        })
                        .collect(),
                }
            })
            .collect();
        ScreeningReport {
            registry: registry.at.source.clone(),
            as_of: s.as_of,
            firms: registry.len(),
            eligible: s.eligible_total(),
            units: lines,
            excluded,
            provenance: crate::provenance::Provenance::of(vec![registry.input(&[])]),
        }
    }

    /// National totals over the unit lines.
    pub fn totals(&self) -> ScreeningTotals {
        let mut failing = [0u64; 7];
        for u in &self.units {
            for k in 0..7 {
                failing[k] += u.failing[k];
            }
        }
        ScreeningTotals {
            firms: self.units.iter().map(|u| u.firms).sum(),
            eligible: self.units.iter().map(|u| u.eligible).sum(),
            failing,
        }
    }
}

/// Eligible firms per unit of `registry` on `as_of` — per province when `merge_cities` — the
/// caps of an allocation from a registry.
pub fn eligible_per_unit(registry: &Registry, as_of: Date, merge_cities: bool) -> Vec<u64> {
    let s = screen(registry, as_of);
    if merge_cities {
        let (merged, map) = registry.units().merge_cities();
        merge_counts(&s.eligible, &map, merged.len())
    } else {
        s.eligible
    }
}

fn region_zh<S: Serializer>(r: &Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name_zh())
}

fn by_reason<S: Serializer>(failing: &[u64; 7], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(7))?;
    for (r, n) in Reason::ALL.iter().zip(failing) {
        map.serialize_entry(r.code(), n)?;
    }
    map.end()
}
