//! Observed allocations: what was actually announced (or a benchmark to measure against), for
//! all units or only some, as slots or as money, each figure with its source and status.
//!
//! The file is CSV with `#` comment lines. Comment lines of the form `# @key: value` are the
//! file's metadata, read by the loader; other comment lines are free notes.
//!
//! ```text
//! # @name: 2024-batch1-tianjin
//! # @description: 天津's first-tranche award in the 2024 first batch of 财建〔2024〕148号
//! # @kind: allocation              allocation (an outcome of the programme) | benchmark
//! # @total: 1039                   national total N of the batch (needed when only some units are given)
//! # @per_firm_wan: 600             148号 四（一）: 600万元 per firm (default)
//! # @first_tranche_percent: 50     148号 四（二）: 50% first tranche (default)
//! code,name_zh,slots,first_tranche_wan,total_wan,status,source,note
//! 12,天津市,,5700,,derived,https://gyxxh.tj.gov.cn/…,5700 / (600 × 50%) = 19
//! ```
//!
//! - `code` (required) names a unit of the unit table; `name_zh` (optional) must then match
//!   the unit's name, as a guard against shifted rows.
//! - Each row gives its figure in exactly one of `slots`, `first_tranche_wan` (万元 paid at
//!   the start, converted at `per_firm_wan × first_tranche_percent / 100` per firm) and
//!   `total_wan` (万元 over the three years, converted at `per_firm_wan` per firm); the columns
//!   present may be any non-empty subset of the three. Money that does not convert to a whole
//!   number of firms is an error that names the unit.
//! - `status` (required) is one of official, derived, illustrative, synthetic, assumed;
//!   `source` (required, non-empty) says where the figure comes from; `note` is optional.
//! - Metadata keys: `name`, `description`, `kind`, `total`, `as_of`, `programme`,
//!   `per_firm_wan`, `first_tranche_percent`; an unknown key is an error (a misspelt `total`
//!   must not pass silently).

use serde::Serialize;

use crate::error::{DataError, Location};
use crate::input::CsvTable;
pub use crate::provenance::Status;
use crate::units::Units;

/// What the observed allocation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An outcome of the programme being modelled (e.g. a unit's award in a 148号 batch).
    Allocation,
    /// A related figure to measure against, not the outcome itself (e.g. the previous
    /// programme's list of firms recommended for continued support).
    Benchmark,
}

impl Kind {
    /// Name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Allocation => "allocation",
            Kind::Benchmark => "benchmark",
        }
    }
}

/// In which form a row gave its figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "as", content = "value")]
pub enum Given {
    /// Slots (firms) directly.
    Slots(u64),
    /// 万元 of the first tranche (148号 四（二）).
    FirstTrancheWan(u64),
    /// 万元 over the three years (148号 四（一）).
    TotalWan(u64),
}

/// One observed figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// Unit code.
    pub code: String,
    /// The unit's Chinese name as the file gives it (empty when the file has no `name_zh`).
    pub name: String,
    /// Slots (firms), after any conversion from money.
    pub slots: u64,
    /// The figure as the file gave it.
    pub given: Given,
    /// Status of the figure.
    pub status: Status,
    /// Where it comes from.
    pub source: String,
    /// Free note (the arithmetic of a derived figure, caveats).
    pub note: String,
    /// Line in the file.
    pub line: u64,
}

/// An observed allocation file, parsed and checked (money converted to slots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedAllocation {
    /// Short name (`@name`; the file's label when absent).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Allocation or benchmark.
    pub kind: Kind,
    /// National total of the batch the figures belong to, if stated.
    pub total: Option<u64>,
    /// Date the figures refer to.
    pub as_of: String,
    /// The programme (e.g. 财建〔2024〕148号 first batch).
    pub programme: String,
    /// 万元 per firm used to convert money (148号 四（一）: 600).
    pub per_firm_wan: u64,
    /// First-tranche share in percent used to convert first-tranche money (148号 四（二）: 50).
    pub first_tranche_percent: u64,
    /// The figures, in file order.
    pub rows: Vec<Observation>,
}

/// The observed slots matched to a unit table: `slots[i]` for unit i, `None` where the file
/// says nothing about the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedSlots {
    /// Per unit, in the unit table's order.
    pub slots: Vec<Option<u64>>,
}

impl ObservedSlots {
    /// Whether every unit is observed.
    pub fn is_complete(&self) -> bool {
        self.slots.iter().all(Option::is_some)
    }

    /// Number of observed units.
    pub fn observed(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// Σ of the observed slots.
    pub fn sum(&self) -> u64 {
        self.slots.iter().flatten().sum()
    }
}

const METADATA_KEYS: [&str; 8] =
    ["name", "description", "kind", "total", "as_of", "programme", "per_firm_wan", "first_tranche_percent"];

impl ObservedAllocation {
    /// Parses an observed-allocation file (see the module documentation).
    pub fn parse(text: &str, at: Location) -> Result<Self, DataError> {
        let meta = metadata(text, &at)?;
        let get = |key: &str| meta.iter().find(|(k, _, _)| k == key).map(|(_, v, line)| (v.as_str(), *line));
        let number = |key: &str, default: Option<u64>| -> Result<Option<u64>, DataError> {
            match get(key) {
                None => Ok(default),
                Some((v, line)) => v.parse::<u64>().map(Some).map_err(|_| DataError::BadValue {
                    at: at.at_line(line).at_column(format!("@{key}")),
                    value: v.to_string(),
                    expected: "a non-negative integer".into(),
                }),
            }
        };
        let kind = match get("kind") {
            None | Some(("allocation", _)) => Kind::Allocation,
            Some(("benchmark", _)) => Kind::Benchmark,
            Some((v, line)) => {
                return Err(DataError::BadValue {
                    at: at.at_line(line).at_column("@kind"),
                    value: v.to_string(),
                    expected: "allocation or benchmark".into(),
                })
            }
        };
        let per_firm_wan = number("per_firm_wan", Some(600))?.unwrap_or(600);
        let first_tranche_percent = number("first_tranche_percent", Some(50))?.unwrap_or(50);
        let out_of_range = |key: &str, value: u64, expected: &str| {
            let line = get(key).map_or(0, |(_, l)| l);
            DataError::BadValue {
                at: at.at_line(line).at_column(format!("@{key}")),
                value: value.to_string(),
                expected: expected.into(),
            }
        };
        if per_firm_wan == 0 {
            return Err(out_of_range("per_firm_wan", 0, "a positive amount in 万元"));
        }
        if !(1..=100).contains(&first_tranche_percent) {
            return Err(out_of_range(
                "first_tranche_percent",
                first_tranche_percent,
                "a percentage in 1..=100",
            ));
        }
        let total = number("total", None)?;
        if total == Some(0) {
            return Err(out_of_range("total", 0, "a positive national total"));
        }

        let table = CsvTable::parse(text, at.clone())?;
        let c_code = table.column("code")?;
        let c_name = table.optional_column("name_zh");
        let c_status = table.column("status")?;
        let c_source = table.column("source")?;
        let c_note = table.optional_column("note");
        let value_columns: Vec<(usize, &str)> = ["slots", "first_tranche_wan", "total_wan"]
            .into_iter()
            .filter_map(|name| table.optional_column(name).map(|c| (c, name)))
            .collect();
        if value_columns.is_empty() {
            return Err(DataError::MissingColumn {
                at: at.clone(),
                column: "slots".into(),
                found: table.header.join(","),
                hint: " (give each unit's figure in slots, first_tranche_wan or total_wan)".into(),
            });
        }
        let mut rows: Vec<Observation> = Vec::new();
        for r in 0..table.rows.len() {
            let row = &table.rows[r];
            let line = table.lines[r];
            let code = row[c_code].clone();
            if let Some(first) = rows.iter().find(|o| o.code == code) {
                return Err(DataError::Duplicate {
                    at: at.at_line(line),
                    what: "unit code".into(),
                    key: code,
                    first_line: first.line,
                });
            }
            let mut given: Option<(Given, u64, usize)> = None;
            for &(c, name) in &value_columns {
                if row[c].is_empty() {
                    continue;
                }
                let v = table.integer(r, c)?;
                let (g, slots) = match name {
                    "slots" => (Given::Slots(v), Some(v)),
                    "first_tranche_wan" => {
                        (Given::FirstTrancheWan(v), convert(v, per_firm_wan * first_tranche_percent, 100))
                    }
                    _ => (Given::TotalWan(v), convert(v, per_firm_wan, 1)),
                };
                let slots = slots.ok_or_else(|| DataError::BadValue {
                    at: table.cell_at(r, c),
                    value: row[c].clone(),
                    expected: format!(
                        "an amount that is a whole number of firms for unit {code} ({} 万元 per firm)",
                        per_firm_text(name, per_firm_wan, first_tranche_percent)
                    ),
                })?;
                match given {
                    Some((_, earlier, ec)) if earlier != slots => {
                        return Err(DataError::Malformed {
                            at: table.cell_at(r, c),
                            message: format!(
                                "unit {code}: {slots} firms here but {earlier} in column '{}'",
                                table.header[ec]
                            ),
                        })
                    }
                    Some(_) => {}
                    None => given = Some((g, slots, c)),
                }
            }
            let Some((given, slots, _)) = given else {
                return Err(DataError::Malformed {
                    at: table.at.at_line(line),
                    message: format!(
                        "unit {code}: no figure (fill one of {})",
                        value_columns.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
                    ),
                });
            };
            let status = row[c_status].parse::<Status>().map_err(|expected| DataError::BadValue {
                at: table.cell_at(r, c_status),
                value: row[c_status].clone(),
                expected,
            })?;
            if row[c_source].is_empty() {
                return Err(DataError::BadValue {
                    at: table.cell_at(r, c_source),
                    value: String::new(),
                    expected: "a source (where the figure comes from)".into(),
                });
            }
            rows.push(Observation {
                code,
                name: c_name.map(|c| row[c].clone()).unwrap_or_default(),
                slots,
                given,
                status,
                source: row[c_source].clone(),
                note: c_note.map(|c| row[c].clone()).unwrap_or_default(),
                line,
            });
        }
        let name = get("name").map_or_else(|| at.source.clone(), |(v, _)| v.to_string());
        let text_of = |key: &str| get(key).map(|(v, _)| v.to_string()).unwrap_or_default();
        let observed = ObservedAllocation {
            name,
            description: text_of("description"),
            kind,
            total,
            as_of: text_of("as_of"),
            programme: text_of("programme"),
            per_firm_wan,
            first_tranche_percent,
            rows,
        };
        if let Some(t) = total {
            let sum: u64 = observed.rows.iter().map(|o| o.slots).sum();
            if sum > t {
                return Err(DataError::Malformed {
                    at: at.clone(),
                    message: format!("the observed slots sum to {sum}, more than the stated @total {t}"),
                });
            }
        }
        Ok(observed)
    }

    /// Matches the rows to a unit table: unknown codes, and a `name_zh` that differs from the
    /// unit's name, are errors.
    pub fn resolve(&self, units: &Units, at: &Location) -> Result<ObservedSlots, DataError> {
        let mut slots = vec![None; units.len()];
        for o in &self.rows {
            let Some(i) = units.position(&o.code) else {
                return Err(DataError::UnknownUnit {
                    at: at.at_line(o.line).at_column("code"),
                    code: o.code.clone(),
                });
            };
            let unit = units.get(i);
            if !o.name.is_empty() && o.name != unit.name_zh {
                return Err(DataError::BadValue {
                    at: at.at_line(o.line).at_column("name_zh"),
                    value: o.name.clone(),
                    expected: format!("the name of unit {}, {}", unit.code, unit.name_zh),
                });
            }
            slots[i] = Some(o.slots);
        }
        Ok(ObservedSlots { slots })
    }
}

/// `value / (per · 1/scale)` as a whole number, or None.
fn convert(value: u64, per_times_scale: u64, scale: u64) -> Option<u64> {
    let num = value as u128 * scale as u128;
    let den = per_times_scale as u128;
    (den > 0 && num.is_multiple_of(den)).then(|| (num / den) as u64)
}

fn per_firm_text(column: &str, per_firm: u64, percent: u64) -> String {
    match column {
        "first_tranche_wan" => {
            let cents = per_firm * percent; // 万元 × 100
            if cents.is_multiple_of(100) {
                format!("{}", cents / 100)
            } else {
                format!("{}.{:02}", cents / 100, cents % 100)
            }
        }
        _ => per_firm.to_string(),
    }
}

/// Reads the `# @key: value` lines.
fn metadata(text: &str, at: &Location) -> Result<Vec<(String, String, u64)>, DataError> {
    let mut out: Vec<(String, String, u64)> = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line_no = k as u64 + 1;
        let Some(rest) = line.trim_start().strip_prefix('#') else { continue };
        let Some(rest) = rest.trim_start().strip_prefix('@') else { continue };
        let Some((key, value)) = rest.split_once(':') else {
            return Err(DataError::Malformed {
                at: at.at_line(line_no),
                message: "a metadata line is '# @key: value'".into(),
            });
        };
        let key = key.trim().to_ascii_lowercase();
        if !METADATA_KEYS.contains(&key.as_str()) {
            let keys: Vec<String> = METADATA_KEYS.iter().map(|s| s.to_string()).collect();
            let hint = crate::input::closest(&key, &keys)
                .map(|c| format!("; did you mean '{c}'?"))
                .unwrap_or_default();
            return Err(DataError::Malformed {
                at: at.at_line(line_no),
                message: format!("unknown metadata key '@{key}' (known: {}){hint}", METADATA_KEYS.join(", ")),
            });
        }
        if let Some((_, _, first)) = out.iter().find(|(k, _, _)| *k == key) {
            return Err(DataError::Duplicate {
                at: at.at_line(line_no),
                what: "metadata key".into(),
                key: format!("@{key}"),
                first_line: *first,
            });
        }
        out.push((key, value.trim().to_string(), line_no));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse_units;

    fn units() -> Units {
        parse_units(include_str!("../../../data/units.csv"), Location::file("units.csv")).unwrap()
    }

    fn parse(text: &str) -> Result<ObservedAllocation, DataError> {
        ObservedAllocation::parse(text, Location::file("o.csv"))
    }

    #[test]
    fn the_bundled_tianjin_file_converts_5700_wan_to_19_firms() {
        let o = parse(include_str!("../../../data/observed/2024-batch1-tianjin.csv")).unwrap();
        assert_eq!((o.name.as_str(), o.kind, o.total), ("2024-batch1-tianjin", Kind::Allocation, Some(1039)));
        assert_eq!(o.rows.len(), 1);
        assert_eq!((o.rows[0].slots, o.rows[0].given), (19, Given::FirstTrancheWan(5700)));
        assert_eq!(o.rows[0].status, Status::Official);
        let s = o.resolve(&units(), &Location::file("o.csv")).unwrap();
        assert_eq!((s.slots[1], s.observed(), s.is_complete()), (Some(19), 1, false));
    }

    #[test]
    fn the_bundled_continuing_list_is_complete_and_sums_to_1188() {
        let o = parse(include_str!("../../../data/observed/2021-programme-continuing-2024.csv")).unwrap();
        assert_eq!((o.kind, o.total), (Kind::Benchmark, Some(1188)));
        let s = o.resolve(&units(), &Location::file("o.csv")).unwrap();
        assert!(s.is_complete());
        assert_eq!(s.sum(), 1188);
        assert_eq!(s.slots[14], Some(112), "山东 (code 37) is the 15th unit");
        assert!(o.rows.iter().all(|r| r.status == Status::Derived && !r.source.is_empty()));
    }

    #[test]
    fn money_converts_at_the_148_rules_and_an_odd_amount_names_the_unit() {
        let text = "code,total_wan,first_tranche_wan,slots,status,source\n\
                    11,12000,,,official,x\n12,,5700,,derived,y\n13,,,7,official,z\n";
        let o = parse(text).unwrap();
        let slots: Vec<u64> = o.rows.iter().map(|r| r.slots).collect();
        assert_eq!(slots, [20, 19, 7]);
        let e = parse("code,first_tranche_wan,status,source\n12,5750,official,x\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "o.csv, line 2, column 'first_tranche_wan': '5750' is not an amount that is a whole number of firms for unit 12 (300 万元 per firm)"
        );
        let e =
            parse("# @per_firm_wan: 500\ncode,total_wan,status,source\n12,1200,official,x\n").unwrap_err();
        assert!(e.to_string().contains("for unit 12 (500 万元 per firm)"), "{e}");
    }

    #[test]
    fn two_figures_for_one_unit_must_agree() {
        let e = parse("code,slots,first_tranche_wan,status,source\n12,19,6000,official,x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.csv, line 2, column 'first_tranche_wan': unit 12: 20 firms here but 19 in column 'slots'"
        );
        assert!(parse("code,slots,first_tranche_wan,status,source\n12,19,5700,official,x\n").is_ok());
    }

    #[test]
    fn bad_rows_are_located() {
        let cases = [
            (
                "code,slots,status,source\n12,,official,x\n",
                "o.csv, line 2: unit 12: no figure (fill one of slots)",
            ),
            (
                "code,slots,status,source\n12,3,rumour,x\n",
                "column 'status': 'rumour' is not one of official, derived",
            ),
            ("code,slots,status,source\n12,3,official,\n", "column 'source': '' is not a source"),
            ("code,slots,status,source\n12,3,official,x\n12,4,official,x\n", "duplicated unit code '12'"),
            (
                "code,slots,status,source\n12,-3,official,x\n",
                "column 'slots': '-3' is not a non-negative integer",
            ),
            ("code,status,source\n12,official,x\n", "missing column 'slots'"),
            ("code,slots,source\n12,3,x\n", "missing column 'status'"),
            ("# @totl: 5\ncode,slots,status,source\n12,3,official,x\n", "unknown metadata key '@totl'"),
            (
                "# @total: many\ncode,slots,status,source\n12,3,official,x\n",
                "line 1, column '@total': 'many'",
            ),
            (
                "# @total: 2\ncode,slots,status,source\n12,3,official,x\n",
                "sum to 3, more than the stated @total 2",
            ),
            (
                "# @kind: guess\ncode,slots,status,source\n12,3,official,x\n",
                "'guess' is not allocation or benchmark",
            ),
            (
                "# @first_tranche_percent: 0\ncode,slots,status,source\n12,3,official,x\n",
                "a percentage in 1..=100",
            ),
        ];
        for (text, needle) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}\n  lacks: {needle}");
        }
    }

    #[test]
    fn unknown_codes_and_wrong_names_are_refused_when_matched_to_units() {
        let at = Location::file("o.csv");
        let o = parse("code,slots,status,source\n99,3,official,x\n").unwrap();
        assert_eq!(
            o.resolve(&units(), &at).unwrap_err().to_string(),
            "o.csv, line 2, column 'code': unknown unit code '99'"
        );
        let o = parse("code,name_zh,slots,status,source\n12,北京市,3,official,x\n").unwrap();
        let e = o.resolve(&units(), &at).unwrap_err().to_string();
        assert_eq!(e, "o.csv, line 2, column 'name_zh': '北京市' is not the name of unit 12, 天津市");
    }
}
