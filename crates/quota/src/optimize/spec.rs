//! The `[optimize]` table of a scenario (raw, as written) and its validation into
//! [`Constraints`] against the unit table. Every error names the TOML key it comes from.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use serde::Deserialize;

use super::constraints::{
    exact_decimal, ChangeLimit, Combine, Constraints, Custom, Group, Op, PathChoice, Solver,
    DEFAULT_TIME_LIMIT, MAX_DECIMALS,
};
use super::objective::Objective;
use crate::error::Location;
use crate::units::{Region, Units};

/// The `[optimize]` table of a scenario TOML (see the [module documentation](super) for every
/// key and an example).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizeSpec {
    /// `objective = "l1" | "chi-square" | "minimax"` (default `"l1"`).
    #[serde(default)]
    pub objective: Objective,
    /// `quota_condition = true`: each unit within ⌊q⌋..⌈q⌉ (default false).
    #[serde(default)]
    pub quota_condition: bool,
    /// `time_limit_ms = 10000` (default 10 s; LP path only).
    pub time_limit_ms: Option<u64>,
    /// `solver = "microlp" | "highs"` (default `"microlp"`).
    #[serde(default)]
    pub solver: Solver,
    /// `path = "auto" | "fast" | "lp"` (default `"auto"`).
    #[serde(default)]
    pub path: PathChoice,
    /// `[[optimize.group]]` entries.
    #[serde(default)]
    pub group: Vec<GroupSpec>,
    /// `[optimize.change]`.
    pub change: Option<ChangeSpec>,
    /// `[[optimize.custom]]` entries.
    #[serde(default)]
    pub custom: Vec<CustomSpec>,
}

/// One `[[optimize.group]]`: members by `units`, `region` or `regions` (exactly one), and any of
/// the four bounds.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Name in messages and reports; defaults to the region names joined by `+`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Member units by code (or name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<String>>,
    /// Every unit of one NBS region (东部, 中部, 西部, 东北 or East, Central, West, Northeast).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Every unit of several regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Minimum share of the total, a decimal in [0, 1].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_share: Option<f64>,
    /// Maximum share of the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_share: Option<f64>,
    /// Minimum number of slots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u64>,
    /// Maximum number of slots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u64>,
}

/// `[optimize.change]`: the previous allocation (every unit, by code) and the limits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSpec {
    /// `previous = { "11" = 30, "12" = 8, … }`.
    pub previous: BTreeMap<String, u64>,
    /// Largest change in slots.
    pub max_abs: Option<u64>,
    /// Largest change as a fraction of the previous slots (0.15 = 15%).
    pub max_rel: Option<f64>,
    /// `"both"` (default): both limits apply; `"either"`: the larger one applies.
    #[serde(default)]
    pub combine: Combine,
}

/// One `[[optimize.custom]]`: `Σ terms op rhs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomSpec {
    /// Name in messages.
    pub name: String,
    /// Integer coefficients by unit code (or name): `terms = { "11" = 1, "31" = -1 }`.
    pub terms: BTreeMap<String, i64>,
    /// `"<="`, `">="` or `"="`.
    pub op: Op,
    /// Integer right-hand side.
    pub rhs: i64,
}

/// An `[optimize]` table that cannot be used as written: where, and the key with what is wrong
/// (a scenario reports it as one of its problems).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct SpecError {
    /// The scenario file (column `optimize`).
    pub at: Location,
    /// The key at fault and what was expected.
    pub message: String,
}

fn unit_index(units: &Units, key: &str) -> Option<usize> {
    units.find(key.trim())
}

impl OptimizeSpec {
    /// Validates the table against the unit table: unit codes and regions resolved to
    /// indices, shares and relative limits checked, names made unique. `at` is the scenario
    /// file; errors name the key (`optimize.group[2].units`).
    // SpecError is large because of its Location; it is returned once per scenario load, never
    // in a loop.
    #[allow(clippy::result_large_err)]
    pub fn build(&self, units: &Units, at: &Location) -> Result<Constraints, SpecError> {
        let err =
            |key: &str, message: String| SpecError { at: at.clone(), message: format!("{key}: {message}") };
        let unknown = |code: &str| {
            format!("unknown unit '{code}' (expected a unit code such as 11 or 2102, or a unit name)")
        };
        let time_limit = match self.time_limit_ms {
            None => DEFAULT_TIME_LIMIT,
            Some(0) => return Err(err("optimize.time_limit_ms", "must be at least 1".into())),
            Some(ms) => Duration::from_millis(ms),
        };
        let mut groups = Vec::new();
        let mut seen_names = HashSet::new();
        for (k, g) in self.group.iter().enumerate() {
            let key = format!("optimize.group[{}]", k + 1);
            let mut regions: Vec<Region> = Vec::new();
            let given = usize::from(g.units.is_some())
                + usize::from(g.region.is_some())
                + usize::from(g.regions.is_some());
            if given != 1 {
                return Err(err(&key, "give exactly one of units, region, regions".into()));
            }
            let mut members: Vec<usize> = Vec::new();
            if let Some(list) = &g.units {
                for code in list {
                    let i =
                        unit_index(units, code).ok_or_else(|| err(&format!("{key}.units"), unknown(code)))?;
                    if members.contains(&i) {
                        return Err(err(&format!("{key}.units"), format!("unit '{code}' is listed twice")));
                    }
                    members.push(i);
                }
            }
            let region_names: Vec<&String> = g.region.iter().chain(g.regions.iter().flatten()).collect();
            for name in &region_names {
                let sub = if g.region.is_some() { "region" } else { "regions" };
                let r: Region = name.parse().map_err(|m: String| err(&format!("{key}.{sub}"), m))?;
                if regions.contains(&r) {
                    return Err(err(&format!("{key}.{sub}"), format!("region '{name}' is listed twice")));
                }
                regions.push(r);
                members.extend((0..units.len()).filter(|&i| units.get(i).region == r));
            }
            members.sort_unstable();
            if members.is_empty() {
                return Err(err(&key, "the group has no units".into()));
            }
            let name = match &g.name {
                Some(n) if n.trim().is_empty() => return Err(err(&format!("{key}.name"), "is empty".into())),
                Some(n) => n.trim().to_string(),
                None if !regions.is_empty() => {
                    regions.iter().map(|r| r.name_zh()).collect::<Vec<_>>().join("+")
                }
                None => format!("group {}", k + 1),
            };
            if !seen_names.insert(name.clone()) {
                return Err(err(&format!("{key}.name"), format!("another group is already named '{name}'")));
            }
            for (sub, v) in [("min_share", g.min_share), ("max_share", g.max_share)] {
                if let Some(s) = v {
                    if !(0.0..=1.0).contains(&s) {
                        return Err(err(&format!("{key}.{sub}"), format!("{s} is outside [0, 1]")));
                    }
                    if exact_decimal(s).is_none() {
                        return Err(err(
                            &format!("{key}.{sub}"),
                            format!("{s} has more than {MAX_DECIMALS} decimal places"),
                        ));
                    }
                }
            }
            if let (Some(a), Some(b)) = (g.min_share, g.max_share) {
                if a > b {
                    return Err(err(&key, format!("min_share {a} > max_share {b}")));
                }
            }
            if let (Some(a), Some(b)) = (g.min_count, g.max_count) {
                if a > b {
                    return Err(err(&key, format!("min_count {a} > max_count {b}")));
                }
            }
            groups.push(Group {
                name,
                members,
                min_share: g.min_share,
                max_share: g.max_share,
                min_count: g.min_count,
                max_count: g.max_count,
            });
        }
        let change = match &self.change {
            None => None,
            Some(c) => {
                if c.max_abs.is_none() && c.max_rel.is_none() {
                    return Err(err("optimize.change", "give max_abs and/or max_rel".into()));
                }
                if let Some(r) = c.max_rel {
                    if exact_decimal(r).is_none() {
                        return Err(err(
                            "optimize.change.max_rel",
                            format!("{r} is not a decimal ≥ 0 with at most {MAX_DECIMALS} places"),
                        ));
                    }
                }
                let mut previous: Vec<Option<u64>> = vec![None; units.len()];
                for (code, &v) in &c.previous {
                    let i = unit_index(units, code)
                        .ok_or_else(|| err("optimize.change.previous", unknown(code)))?;
                    if previous[i].is_some() {
                        return Err(err(
                            "optimize.change.previous",
                            format!("unit '{}' is given twice", units.get(i).code),
                        ));
                    }
                    previous[i] = Some(v);
                }
                let missing: Vec<&str> = (0..units.len())
                    .filter(|&i| previous[i].is_none())
                    .map(|i| units.get(i).code.as_str())
                    .collect();
                if !missing.is_empty() {
                    return Err(err(
                        "optimize.change.previous",
                        format!("no previous value for {} unit(s): {}", missing.len(), missing.join(", ")),
                    ));
                }
                Some(ChangeLimit {
                    previous: previous.into_iter().map(|v| v.expect("checked")).collect(),
                    max_abs: c.max_abs,
                    max_rel: c.max_rel,
                    combine: c.combine,
                })
            }
        };
        let mut custom = Vec::new();
        let mut custom_names = HashSet::new();
        for (k, c) in self.custom.iter().enumerate() {
            let key = format!("optimize.custom[{}]", k + 1);
            let name = c.name.trim().to_string();
            if name.is_empty() {
                return Err(err(&format!("{key}.name"), "is empty".into()));
            }
            if !custom_names.insert(name.clone()) {
                return Err(err(
                    &format!("{key}.name"),
                    format!("another custom constraint is named '{name}'"),
                ));
            }
            if c.terms.is_empty() {
                return Err(err(&format!("{key}.terms"), "has no terms".into()));
            }
            let mut terms: Vec<(usize, i64)> = Vec::new();
            for (code, &a) in &c.terms {
                let i = unit_index(units, code).ok_or_else(|| err(&format!("{key}.terms"), unknown(code)))?;
                if a == 0 {
                    return Err(err(&format!("{key}.terms"), format!("the coefficient of '{code}' is 0")));
                }
                if terms.iter().any(|t| t.0 == i) {
                    return Err(err(&format!("{key}.terms"), format!("unit '{code}' appears twice")));
                }
                terms.push((i, a));
            }
            terms.sort_unstable();
            custom.push(Custom { name, terms, op: c.op, rhs: c.rhs });
        }
        let constraints = Constraints {
            objective: self.objective,
            quota_condition: self.quota_condition,
            time_limit,
            solver: self.solver,
            path: self.path,
            groups,
            change,
            custom,
        };
        constraints.validate(units.len()).map_err(|e| err("optimize", e.to_string()))?;
        Ok(constraints)
    }
}

/// The command line's short form of a group: `MEMBERS:BOUND=VALUE[,BOUND=VALUE…]`, where MEMBERS
/// are regions or units (codes or names) joined by `+` and each BOUND is `min_share`,
/// `max_share`, `min_count` or `max_count` — `西部:min_share=0.27`,
/// `西部+东北:min_share=0.29,max_count=400`, `44+4403:max_count=100`.
impl std::str::FromStr for GroupSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<GroupSpec, String> {
        let expected = "expected MEMBERS:BOUND=VALUE, e.g. 西部:min_share=0.27 or 西部+东北:min_share=0.29,max_count=400";
        let (members, bounds) = text.split_once(':').ok_or_else(|| format!("'{text}': {expected}"))?;
        let members: Vec<String> =
            members.split('+').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
        if members.is_empty() {
            return Err(format!("'{text}': no region or unit before ':'; {expected}"));
        }
        let mut g = GroupSpec::default();
        if members.iter().all(|m| m.parse::<crate::units::Region>().is_ok()) {
            if members.len() == 1 {
                g.region = Some(members[0].clone());
            } else {
                g.regions = Some(members);
            }
        } else {
            g.units = Some(members);
        }
        for bound in bounds.split(',').map(str::trim).filter(|b| !b.is_empty()) {
            let (key, value) = bound.split_once('=').ok_or_else(|| format!("'{bound}': {expected}"))?;
            let (key, value) = (key.trim(), value.trim());
            let share = || {
                value
                    .parse::<f64>()
                    .map_err(|_| format!("{key}: '{value}' is not a decimal share such as 0.27"))
            };
            let count = || {
                value.parse::<u64>().map_err(|_| format!("{key}: '{value}' is not a whole number of slots"))
            };
            match key {
                "min_share" => g.min_share = Some(share()?),
                "max_share" => g.max_share = Some(share()?),
                "min_count" => g.min_count = Some(count()?),
                "max_count" => g.max_count = Some(count()?),
                _ => {
                    return Err(format!(
                        "unknown bound '{key}' (min_share, max_share, min_count or max_count)"
                    ))
                }
            }
        }
        if (g.min_share, g.max_share, g.min_count, g.max_count) == (None, None, None, None) {
            return Err(format!("'{text}': no bound after ':'; {expected}"));
        }
        Ok(g)
    }
}

#[cfg(test)]
mod flag_tests {
    use super::GroupSpec;

    #[test]
    fn the_short_form_of_a_group() {
        let g: GroupSpec = "西部:min_share=0.27".parse().unwrap();
        assert_eq!((g.region.as_deref(), g.min_share), (Some("西部"), Some(0.27)));
        let g: GroupSpec = "西部+东北:min_share=0.29,max_count=400".parse().unwrap();
        assert_eq!(g.regions, Some(vec!["西部".to_string(), "东北".to_string()]));
        assert_eq!(g.max_count, Some(400));
        let g: GroupSpec = "44+4403:max_count=100".parse().unwrap();
        assert_eq!(g.units, Some(vec!["44".to_string(), "4403".to_string()]));
        assert!("西部".parse::<GroupSpec>().unwrap_err().contains("expected MEMBERS:BOUND=VALUE"));
        assert!("西部:min=1".parse::<GroupSpec>().unwrap_err().contains("unknown bound 'min'"));
        assert!("西部:min_share=lots".parse::<GroupSpec>().unwrap_err().contains("not a decimal share"));
    }
}
