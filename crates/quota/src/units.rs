//! The provincial units that receive quotas: 31 provinces, 新疆生产建设兵团 and the five
//! 计划单列市, with their NBS region (国家统计局《东西中部和东北地区划分方法》, 2011).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{DataError, Location};
use crate::input::CsvTable;

/// NBS four-region classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Region {
    /// 东部 (East).
    East,
    /// 中部 (Central).
    Central,
    /// 西部 (West).
    West,
    /// 东北 (Northeast).
    Northeast,
}

impl Region {
    /// All regions in the NBS order.
    pub const ALL: [Region; 4] = [Region::East, Region::Central, Region::West, Region::Northeast];

    /// Chinese name (东部 …).
    pub fn name_zh(self) -> &'static str {
        match self {
            Region::East => "东部",
            Region::Central => "中部",
            Region::West => "西部",
            Region::Northeast => "东北",
        }
    }

    /// English name (East …).
    pub fn name_en(self) -> &'static str {
        match self {
            Region::East => "East",
            Region::Central => "Central",
            Region::West => "West",
            Region::Northeast => "Northeast",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

impl FromStr for Region {
    type Err = String;
    /// Accepts the Chinese or English name, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Region::ALL
            .into_iter()
            .find(|r| r.name_zh() == s || r.name_en().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("'{s}' is not a region (expected 东部, 中部, 西部, 东北 or East, Central, West, Northeast)"))
    }
}

/// What a region cell may hold (for messages).
const REGIONS: &str = "a region (东部, 中部, 西部, 东北 or East, Central, West, Northeast)";

/// What a unit-type cell may hold (for messages).
const UNIT_TYPES: &str =
    "a unit type (municipality, province, autonomous_region, corps or separately_planned_city)";

/// The kind of unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitType {
    /// 直辖市.
    Municipality,
    /// 省.
    Province,
    /// 自治区.
    AutonomousRegion,
    /// 新疆生产建设兵团.
    Corps,
    /// 计划单列市 (大连, 青岛, 宁波, 厦门, 深圳).
    SeparatelyPlannedCity,
}

impl FromStr for UnitType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "municipality" => UnitType::Municipality,
            "province" => UnitType::Province,
            "autonomous_region" => UnitType::AutonomousRegion,
            "corps" => UnitType::Corps,
            "separately_planned_city" => UnitType::SeparatelyPlannedCity,
            other => {
                return Err(format!(
                    "'{other}' is not a unit type (expected municipality, province, autonomous_region, corps or separately_planned_city)"
                ))
            }
        })
    }
}

/// One quota unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    /// GB/T 2260 code ("11", "2102"), or `XPCC` for 兵团, which has none.
    pub code: String,
    /// Chinese name (北京市).
    pub name_zh: String,
    /// English name (Beijing).
    pub name_en: String,
    /// Kind of unit.
    pub kind: UnitType,
    /// The province a 计划单列市 (or 兵团) sits in, by code.
    pub parent: Option<String>,
    /// NBS region.
    pub region: Region,
}

impl Unit {
    /// Whether this is one of the five 计划单列市 (merged into its parent by `--merge-cities`).
    pub fn is_city(&self) -> bool {
        self.kind == UnitType::SeparatelyPlannedCity
    }
}

/// The ordered list of units. Order is the input order, and it is the order of every output
/// and the last tie-break.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Units {
    units: Vec<Unit>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Units {
    /// Reads `code,name_zh,name_en,type,parent_code,region` rows.
    pub fn from_table(t: &CsvTable) -> Result<Self, DataError> {
        let c_code = t.column("code")?;
        let c_zh = t.column("name_zh")?;
        let c_en = t.column("name_en")?;
        let c_type = t.column("type")?;
        let c_parent = t.column("parent_code")?;
        let c_region = t.column("region")?;
        let mut units = Vec::with_capacity(t.rows.len());
        let mut index: HashMap<String, usize> = HashMap::new();
        for (r, row) in t.rows.iter().enumerate() {
            let code = row[c_code].clone();
            if code.is_empty() {
                return Err(DataError::BadValue {
                    at: t.cell_at(r, c_code),
                    value: code,
                    expected: "a unit code".into(),
                });
            }
            if let Some(&first) = index.get(&code) {
                return Err(DataError::Duplicate {
                    at: t.at.at_line(t.lines[r]),
                    what: "unit code".into(),
                    key: code,
                    first_line: t.lines[first],
                });
            }
            let bad = |col: usize, msg: String| DataError::BadValue {
                at: t.cell_at(r, col),
                value: row[col].clone(),
                expected: msg,
            };
            // The cell is echoed by the error itself: `expected` says only what was expected.
            let kind = row[c_type].parse::<UnitType>().map_err(|_| bad(c_type, UNIT_TYPES.into()))?;
            let region = row[c_region].parse::<Region>().map_err(|_| bad(c_region, REGIONS.into()))?;
            let parent = Some(row[c_parent].clone()).filter(|p| !p.is_empty());
            index.insert(code.clone(), units.len());
            units.push(Unit {
                code,
                name_zh: row[c_zh].clone(),
                name_en: row[c_en].clone(),
                kind,
                parent,
                region,
            });
        }
        for (r, u) in units.iter().enumerate() {
            if let Some(p) = &u.parent {
                if !index.contains_key(p) {
                    return Err(DataError::UnknownUnit { at: t.cell_at(r, c_parent), code: p.clone() });
                }
            }
        }
        Ok(Units { units, index })
    }

    /// Builds a table from units (used after merging).
    pub fn from_units(units: Vec<Unit>) -> Self {
        let index = units.iter().enumerate().map(|(i, u)| (u.code.clone(), i)).collect();
        Units { units, index }
    }

    /// The units in order.
    pub fn as_slice(&self) -> &[Unit] {
        &self.units
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The position of a unit by code.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// Unit `i`.
    pub fn get(&self, i: usize) -> &Unit {
        &self.units[i]
    }

    /// Looks a unit up by code, Chinese name or English name (case-insensitive).
    pub fn find(&self, key: &str) -> Option<usize> {
        self.position(key).or_else(|| {
            self.units.iter().position(|u| {
                u.name_zh == key
                    || u.name_en.eq_ignore_ascii_case(key)
                    || u.name_zh.trim_end_matches(['省', '市']) == key
            })
        })
    }

    /// For `--merge-cities`: the merged unit list (the 计划单列市 removed) and, for each original
    /// unit, the index of the merged unit it falls in.
    pub fn merge_cities(&self) -> (Units, Vec<usize>) {
        let kept: Vec<Unit> = self.units.iter().filter(|u| !u.is_city()).cloned().collect();
        let merged = Units::from_units(kept);
        let map = self
            .units
            .iter()
            .map(|u| {
                let target = if u.is_city() { u.parent.as_deref().unwrap_or(&u.code) } else { &u.code };
                merged.position(target).expect("a city's parent is a unit (checked on load)")
            })
            .collect();
        (merged, map)
    }
}

/// Reads a units CSV from text (see [`Units::from_table`]).
pub fn parse_units(text: &str, at: Location) -> Result<Units, DataError> {
    Units::from_table(&CsvTable::parse(text, at)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "code,name_zh,name_en,type,parent_code,region\n\
        21,辽宁省,Liaoning,province,,东北\n\
        37,山东省,Shandong,province,,东部\n\
        2102,大连市,Dalian,separately_planned_city,21,东北\n";

    #[test]
    fn reads_and_merges_cities_into_parents() {
        let u = parse_units(SAMPLE, Location::file("u.csv")).unwrap();
        assert_eq!(u.len(), 3);
        let (m, map) = u.merge_cities();
        assert_eq!(m.len(), 2);
        assert_eq!(map, vec![0, 1, 0]);
        assert_eq!(u.find("Dalian"), Some(2));
        assert_eq!(u.find("山东"), Some(1));
    }

    #[test]
    fn rejects_duplicates_and_bad_regions() {
        let dup = format!("{SAMPLE}21,辽宁省,Liaoning,province,,东北\n");
        let e = parse_units(&dup, Location::file("u.csv")).unwrap_err().to_string();
        assert_eq!(e, "u.csv, line 5: duplicated unit code '21' (first seen on line 2)");
        let bad = SAMPLE.replace("东部", "华东");
        let e = parse_units(&bad, Location::file("u.csv")).unwrap_err().to_string();
        assert_eq!(
            e,
            "u.csv, line 3, column 'region': '华东' is not a region (东部, 中部, 西部, 东北 or East, Central, West, Northeast)"
        );
        let bad = SAMPLE.replace("province,,东部", "state,,东部");
        let e = parse_units(&bad, Location::file("u.csv")).unwrap_err().to_string();
        assert!(e.ends_with("'state' is not a unit type (municipality, province, autonomous_region, corps or separately_planned_city)"), "{e}");
    }
}
