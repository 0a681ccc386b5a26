//! The firm registry: one CSV row per 小巨人 firm, parsed (first stage) and validated (second
//! stage) into [`Firm`]s keyed to the unit table. Every bad cell is reported with its file,
//! line and column, and all of them are collected so a user fixes a file in one pass.
//!
//! Columns (header names, case-insensitive; order free; extra columns ignored):
//!
//! | column | content |
//! |---|---|
//! | `id` | firm id, unique (e.g. the 统一社会信用代码) |
//! | `name` | firm name |
//! | `unit` | quota unit: code of `data/units.csv` (`11`, `4403`, `XPCC`) or its name |
//! | `valid_until` | last day the 小巨人 recognition is valid (`YYYY-MM-DD`) |
//! | `recognised_on` | optional: first day it is valid (firms recognised after a batch's date wait for the next batch) |
//! | `listing` | `none`, `SSE`, `SZSE`, `BSE` or `overseas` (also 未上市, 上交所, 深交所, 北交所, 境外) |
//! | `supported_2021` | supported under 财建〔2021〕2号: yes/no (是/否, true/false, 1/0) |
//! | `investment_wan` | plan total investment in 万元 (decimals allowed, to the yuan) |
//! | `plan_areas` | areas the plan covers, separated by `;` `、` or `\|`: 新动能, 新技术, 新产品, 一强 (or new_drivers, new_technology, new_products, supply_chain); empty = none |
//! | `key_field` | in a key field (重点领域): yes/no |

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::date::Date;
use crate::error::{DataError, Location};
use crate::input::CsvTable;
use crate::units::Units;

/// Where a firm's shares are listed (148号: eligible firms have not publicly issued shares
/// — 未在上海、深圳、北京证券交易所及境外公开发行股票).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    /// Not listed (未上市).
    None,
    /// Shanghai Stock Exchange (上交所).
    Sse,
    /// Shenzhen Stock Exchange (深交所).
    Szse,
    /// Beijing Stock Exchange (北交所).
    Bse,
    /// Listed abroad (境外).
    Overseas,
}

impl Listing {
    /// Every status.
    pub const ALL: [Listing; 5] =
        [Listing::None, Listing::Sse, Listing::Szse, Listing::Bse, Listing::Overseas];

    /// Canonical name as written in the registry.
    pub fn name(self) -> &'static str {
        match self {
            Listing::None => "none",
            Listing::Sse => "SSE",
            Listing::Szse => "SZSE",
            Listing::Bse => "BSE",
            Listing::Overseas => "overseas",
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Listing::None => "未上市",
            Listing::Sse => "上交所",
            Listing::Szse => "深交所",
            Listing::Bse => "北交所",
            Listing::Overseas => "境外",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Listing::None => &["no", "unlisted", "-"],
            Listing::Sse => &["上海证券交易所", "沪市"],
            Listing::Szse => &["深圳证券交易所", "深市"],
            Listing::Bse => &["北京证券交易所"],
            Listing::Overseas => &["abroad", "境外上市"],
        }
    }
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Listing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Listing::ALL
            .into_iter()
            .find(|l| {
                l.name().eq_ignore_ascii_case(s)
                    || l.name_zh() == s
                    || l.aliases().iter().any(|a| a.eq_ignore_ascii_case(s))
            })
            .ok_or_else(|| "a listing status (none, SSE, SZSE, BSE or overseas)".to_string())
    }
}

/// An area a firm's plan covers: the 三新 (新动能, 新技术, 新产品) and 一强 (强化产业链配套能力).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanArea {
    /// 新动能: new drivers.
    NewDrivers,
    /// 新技术: new technology.
    NewTechnology,
    /// 新产品: new products.
    NewProducts,
    /// 一强: stronger supply-chain support.
    SupplyChain,
}

impl PlanArea {
    /// Every area, in the notice's order.
    pub const ALL: [PlanArea; 4] =
        [PlanArea::NewDrivers, PlanArea::NewTechnology, PlanArea::NewProducts, PlanArea::SupplyChain];

    /// Chinese term.
    pub fn name_zh(self) -> &'static str {
        match self {
            PlanArea::NewDrivers => "新动能",
            PlanArea::NewTechnology => "新技术",
            PlanArea::NewProducts => "新产品",
            PlanArea::SupplyChain => "一强",
        }
    }

    /// English key.
    pub fn name_en(self) -> &'static str {
        match self {
            PlanArea::NewDrivers => "new_drivers",
            PlanArea::NewTechnology => "new_technology",
            PlanArea::NewProducts => "new_products",
            PlanArea::SupplyChain => "supply_chain",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The set of areas a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct PlanAreas(u8);

impl PlanAreas {
    /// No area.
    pub const NONE: PlanAreas = PlanAreas(0);

    /// Adds an area.
    pub fn insert(&mut self, a: PlanArea) {
        self.0 |= a.bit();
    }

    /// Whether the set holds `a`.
    pub fn contains(self, a: PlanArea) -> bool {
        self.0 & a.bit() != 0
    }

    /// Whether no area is covered.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The areas in the notice's order.
    pub fn iter(self) -> impl Iterator<Item = PlanArea> {
        PlanArea::ALL.into_iter().filter(move |a| self.contains(*a))
    }

    /// Parses `新动能;新技术` (separators `;`, `、`, `|`, `/`); empty or `none` is no area.
    pub fn parse(s: &str) -> Result<PlanAreas, String> {
        let mut set = PlanAreas::NONE;
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("none") || s == "无" {
            return Ok(set);
        }
        for part in s.split([';', '、', '|', '/', '；']).map(str::trim).filter(|p| !p.is_empty()) {
            let key = part.to_ascii_lowercase().replace('-', "_");
            let area = PlanArea::ALL.into_iter().find(|a| a.name_zh() == part || a.name_en() == key).ok_or_else(
                || {
                    format!(
                        "a list of plan areas (新动能, 新技术, 新产品, 一强 or new_drivers, new_technology, new_products, supply_chain; '{part}' is none of them)"
                    )
                },
            )?;
            set.insert(area);
        }
        Ok(set)
    }
}

impl fmt::Display for PlanAreas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(PlanArea::name_zh).collect();
        f.write_str(&names.join(";"))
    }
}

impl Serialize for PlanAreas {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One firm of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Firm {
    /// Firm id (unique in the registry).
    pub id: String,
    /// Name.
    pub name: String,
    /// Index of its unit in the registry's unit table.
    pub unit: usize,
    /// First day the 小巨人 recognition is valid, if given.
    pub recognised_on: Option<Date>,
    /// Last day the 小巨人 recognition is valid.
    pub valid_until: Date,
    /// Listing status.
    pub listing: Listing,
    /// Supported under 财建〔2021〕2号.
    pub supported_2021: bool,
    /// Plan total investment in yuan (exact; the registry gives 万元).
    pub investment_yuan: u64,
    /// Areas the plan covers.
    pub plan_areas: PlanAreas,
    /// In a key field (重点领域).
    pub key_field: bool,
    /// 1-based line of the firm's row in the registry file.
    pub line: u64,
}

impl Firm {
    /// The plan investment in 万元, written exactly (`2350`, `2000.5`).
    pub fn investment_wan_text(&self) -> String {
        let whole = self.investment_yuan / 10_000;
        let frac = self.investment_yuan % 10_000;
        if frac == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{}", format!("{frac:04}").trim_end_matches('0'))
        }
    }
}

/// A validated firm registry.
#[derive(Debug, Clone)]
pub struct Registry {
    /// Firms in file order (the order is each unit's ranking when a programme picks firms).
    pub firms: Vec<Firm>,
    /// Where it came from.
    pub at: Location,
    /// What the file declares about its provenance (`# @provenance: synthetic | …`).
    pub provenance: crate::provenance::Declaration,
    units: Units,
    index: HashMap<String, usize>,
}

/// A registry with bad rows: every problem found, each with its location.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A problem with the file as a whole (empty, missing column).
    #[error(transparent)]
    File(DataError),
    /// Problems in rows, in file order.
    #[error("{at}: {n} problem(s){list}", n = problems.len(), list = list_problems(problems))]
    Rows {
        /// The file.
        at: Location,
        /// Every problem found, in file order.
        problems: Vec<DataError>,
    },
}

/// How many row problems a message lists before summarising the rest.
pub const MAX_LISTED_PROBLEMS: usize = 50;

fn list_problems(problems: &[DataError]) -> String {
    let mut s: String = problems.iter().take(MAX_LISTED_PROBLEMS).map(|p| format!("\n  - {p}")).collect();
    if problems.len() > MAX_LISTED_PROBLEMS {
        s.push_str(&format!("\n  … and {} more", problems.len() - MAX_LISTED_PROBLEMS));
    }
    s
}

impl RegistryError {
    /// The individual problems.
    pub fn problems(&self) -> Vec<&DataError> {
        match self {
            RegistryError::File(e) => vec![e],
            RegistryError::Rows { problems, .. } => problems.iter().collect(),
        }
    }
}

/// Parses `yes/no`-like cells.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "是" => Some(true),
        "no" | "n" | "false" | "0" | "否" => Some(false),
        _ => None,
    }
}

/// Parses a non-negative amount in 万元 with at most four decimals into yuan, exactly. Strict:
/// no thousands separators (`1,234.5` could as well be a decimal comma, and is refused).
pub fn parse_wan_to_yuan(s: &str) -> Option<u64> {
    let s = s.trim().to_string();
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let w: u64 = whole.parse().ok()?;
    let f: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<4}").parse().ok()? };
    w.checked_mul(10_000)?.checked_add(f)
}

impl Registry {
    /// The registry as an input of a run (caps or a programme's pool), with its provenance.
    pub fn input(&self, units: &[String]) -> crate::provenance::Input {
        crate::provenance::Input::new(
            &self.at.source,
            crate::provenance::Role::Registry,
            &self.provenance,
            units,
            &[],
            ("企业名录", "firm registry"),
        )
    }

    /// Validates a parsed CSV table against the unit table (second stage). Collects every
    /// problem: bad dates, unknown listing status or plan area, unknown units, duplicate ids.
    pub fn from_table(t: &CsvTable, units: &Units) -> Result<Registry, RegistryError> {
        let col = |name: &str| t.column(name).map_err(RegistryError::File);
        let c_id = col("id")?;
        let c_name = col("name")?;
        let c_unit = col("unit")?;
        let c_valid = col("valid_until")?;
        let c_from = t.optional_column("recognised_on");
        let c_listing = col("listing")?;
        let c_2021 = col("supported_2021")?;
        let c_inv = col("investment_wan")?;
        let c_areas = col("plan_areas")?;
        let c_key = col("key_field")?;

        let mut problems = Vec::new();
        let mut firms = Vec::with_capacity(t.rows.len());
        let mut index: HashMap<String, usize> = HashMap::new();
        // Every id seen, valid row or not, with its line: duplicates are reported either way.
        let mut seen: HashMap<String, u64> = HashMap::new();
        for (r, row) in t.rows.iter().enumerate() {
            let before = problems.len();
            let bad = |c: usize, expected: String| DataError::BadValue {
                at: t.cell_at(r, c),
                value: row[c].clone(),
                expected,
            };
            let id = row[c_id].clone();
            if id.is_empty() {
                problems.push(bad(c_id, "a firm id".into()));
            } else if let Some(&first_line) = seen.get(&id) {
                problems.push(DataError::Duplicate {
                    at: t.cell_at(r, c_id),
                    what: "firm id".into(),
                    key: id.clone(),
                    first_line,
                });
            } else {
                seen.insert(id.clone(), t.lines[r]);
            }
            let unit = units.find(&row[c_unit]);
            if unit.is_none() {
                problems.push(DataError::UnknownUnit { at: t.cell_at(r, c_unit), code: row[c_unit].clone() });
            }
            let date = |c: usize| {
                row[c].parse::<Date>().map_err(|e| bad(c, format!("a date ({}; expected YYYY-MM-DD)", e.why)))
            };
            let valid_until = date(c_valid).map_err(|e| problems.push(e)).ok();
            let recognised_on = match c_from {
                Some(c) if !row[c].is_empty() => match date(c) {
                    Ok(d) => Some(Some(d)),
                    Err(e) => {
                        problems.push(e);
                        None
                    }
                },
                _ => Some(None),
            };
            if let (Some(Some(from)), Some(until)) = (recognised_on, valid_until) {
                if from > until {
                    problems.push(bad(
                        c_from.expect("column present"),
                        format!("a date on or before valid_until {until}"),
                    ));
                }
            }
            let listing =
                row[c_listing].parse::<Listing>().map_err(|m| problems.push(bad(c_listing, m))).ok();
            let supported_2021 = parse_bool(&row[c_2021])
                .ok_or_else(|| problems.push(bad(c_2021, "yes or no (是/否, true/false, 1/0)".into())))
                .ok();
            let investment = parse_wan_to_yuan(&row[c_inv])
                .ok_or_else(|| {
                    problems.push(bad(
                        c_inv,
                        "an amount in 万元 (a non-negative number, at most 4 decimals, no thousands separators)".into(),
                    ))
                })
                .ok();
            let areas = PlanAreas::parse(&row[c_areas]).map_err(|m| problems.push(bad(c_areas, m))).ok();
            let key_field = parse_bool(&row[c_key])
                .ok_or_else(|| problems.push(bad(c_key, "yes or no (是/否, true/false, 1/0)".into())))
                .ok();
            if problems.len() > before {
                continue;
            }
            index.insert(id.clone(), firms.len());
            firms.push(Firm {
                id,
                name: row[c_name].clone(),
                unit: unit.expect("checked"),
                recognised_on: recognised_on.expect("checked"),
                valid_until: valid_until.expect("checked"),
                listing: listing.expect("checked"),
                supported_2021: supported_2021.expect("checked"),
                investment_yuan: investment.expect("checked"),
                plan_areas: areas.expect("checked"),
                key_field: key_field.expect("checked"),
                line: t.lines[r],
            });
        }
        if !problems.is_empty() {
            return Err(RegistryError::Rows { at: t.at.clone(), problems });
        }
        Ok(Registry { firms, at: t.at.clone(), provenance: Default::default(), units: units.clone(), index })
    }

    /// Parses CSV text (any header order; `#` comment lines) and validates it.
    pub fn parse(text: &str, at: Location, units: &Units) -> Result<Registry, RegistryError> {
        let declared = crate::provenance::Declared::parse(text, &at).map_err(RegistryError::File)?;
        let t = CsvTable::parse_limited(text, at, crate::limits::MAX_REGISTRY_ROWS)
            .map_err(RegistryError::File)?;
        let mut registry = Registry::from_table(&t, units)?;
        registry.provenance = declared.file.unwrap_or_default();
        Ok(registry)
    }

    /// The unit table the firms are keyed to.
    pub fn units(&self) -> &Units {
        &self.units
    }

    /// The position of a firm by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Number of firms.
    pub fn len(&self) -> usize {
        self.firms.len()
    }

    /// Whether the registry has no firms (never true for a parsed registry).
    pub fn is_empty(&self) -> bool {
        self.firms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse_units;

    fn units() -> Units {
        parse_units(
            "code,name_zh,name_en,type,parent_code,region\n11,北京市,Beijing,municipality,,东部\n44,广东省,Guangdong,province,,东部\n4403,深圳市,Shenzhen,separately_planned_city,44,东部\n",
            Location::file("u.csv"),
        )
        .unwrap()
    }

    const HEAD: &str =
        "id,name,unit,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n";

    #[test]
    fn parses_a_good_registry() {
        let text = format!(
            "{HEAD}A1,甲,11,2026-06-30,none,no,2350.5,新动能;一强,yes\nA2,乙,深圳市,2025/6/30,深交所,是,1800,,否\n"
        );
        let r = Registry::parse(&text, Location::file("r.csv"), &units()).unwrap();
        assert_eq!(r.len(), 2);
        let a = &r.firms[0];
        assert_eq!(a.investment_yuan, 23_505_000);
        assert_eq!(a.investment_wan_text(), "2350.5");
        assert!(
            a.plan_areas.contains(PlanArea::SupplyChain) && !a.plan_areas.contains(PlanArea::NewProducts)
        );
        let b = &r.firms[1];
        assert_eq!((b.unit, b.listing, b.supported_2021, b.key_field), (2, Listing::Szse, true, false));
        assert!(b.plan_areas.is_empty());
        assert_eq!(b.line, 3);
    }

    #[test]
    fn reports_every_bad_cell_with_its_location() {
        let text = format!(
            "{HEAD}A1,甲,11,2026-02-30,none,no,2350,新动能,yes\nA2,乙,99,2026-06-30,NASDAQ,no,abc,新质,maybe\nA1,丙,44,2026-06-30,none,no,2500,新技术,yes\n"
        );
        let e = Registry::parse(&text, Location::file("r.csv"), &units()).unwrap_err();
        let msgs: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 7, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("r.csv, line 2, column 'valid_until': '2026-02-30' is not a date"),
            "{}",
            msgs[0]
        );
        assert!(msgs[1].starts_with("r.csv, line 3, column 'unit': unknown unit code '99'"), "{}", msgs[1]);
        assert!(msgs[2].contains("line 3, column 'listing'") && msgs[2].contains("NASDAQ"), "{}", msgs[2]);
        assert!(msgs[3].contains("column 'investment_wan'"), "{}", msgs[3]);
        assert!(msgs[4].contains("column 'plan_areas'") && msgs[4].contains("新质"), "{}", msgs[4]);
        assert!(msgs[5].contains("column 'key_field'"), "{}", msgs[5]);
        assert_eq!(msgs[6], "r.csv, line 4, column 'id': duplicated firm id 'A1' (first seen on line 2)");
    }

    #[test]
    fn amounts_in_wan_are_exact() {
        assert_eq!(parse_wan_to_yuan("2000"), Some(20_000_000));
        assert_eq!(parse_wan_to_yuan("2000.0001"), Some(20_000_001));
        assert_eq!(parse_wan_to_yuan("1234.5"), Some(12_345_000));
        assert_eq!(parse_wan_to_yuan("1,234.5"), None);
        assert_eq!(parse_wan_to_yuan("95,0"), None);
        for bad in ["-1", "1e3", "2000.00001", "", ".5", "abc", "NaN"] {
            assert_eq!(parse_wan_to_yuan(bad), None, "{bad}");
        }
    }
}
