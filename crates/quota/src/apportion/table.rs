//! The input of the general `quota apportion` tool: a CSV with `name,weight` and optional
//! `min,max` columns. Weights are read as exact decimals (no floating point): all weights
//! are scaled by the same power of ten so that they become integers, which must not exceed
//! [`MAX_WEIGHT`](super::MAX_WEIGHT).

use crate::error::{DataError, Location};
use crate::input::CsvTable;

/// A parsed weight table.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTable {
    /// Row names.
    pub names: Vec<String>,
    /// Weights as written.
    pub written: Vec<String>,
    /// Exact integer weights (the written decimals × 10^scale).
    pub weights: Vec<u64>,
    /// Decimal places used for scaling.
    pub scale: u32,
    /// Floors (`min` column, default 0).
    pub lower: Vec<u64>,
    /// Caps (`max` column, default: no cap).
    pub upper: Option<Vec<u64>>,
    /// Line of each row.
    pub lines: Vec<u64>,
}

/// Largest number of decimal places accepted in a weight.
const MAX_DECIMALS: u32 = 12;

fn split_decimal(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !ok(int) || !ok(frac) {
        return None;
    }
    Some((int, frac.trim_end_matches('0')))
}

impl WeightTable {
    /// Parses the CSV text (the first problem found is the error).
    pub fn parse(text: &str, at: Location) -> Result<Self, DataError> {
        WeightTable::parse_all(text, at).map_err(|mut p| p.swap_remove(0))
    }

    /// Parses the CSV text; on failure, every problem found, in line order (for
    /// `quota validate`). Never an empty list.
    pub fn parse_all(text: &str, at: Location) -> Result<Self, Vec<DataError>> {
        let t = CsvTable::parse(text, at).map_err(|e| vec![e])?;
        let c_name = t.column("name").map_err(|e| vec![e])?;
        let c_weight = t.column("weight").map_err(|e| vec![e])?;
        let c_min = t.optional_column("min");
        let c_max = t.optional_column("max");
        let mut problems = Vec::new();
        let mut parts = Vec::with_capacity(t.rows.len());
        let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for (r, row) in t.rows.iter().enumerate() {
            if let Some(first) = seen.insert(&row[c_name], t.lines[r]) {
                problems.push(DataError::Duplicate {
                    at: t.at.at_line(t.lines[r]),
                    what: "name".into(),
                    key: row[c_name].clone(),
                    first_line: first,
                });
            }
            let raw = &row[c_weight];
            let bad = |expected: &str| DataError::BadValue {
                at: t.cell_at(r, c_weight),
                value: raw.clone(),
                expected: expected.into(),
            };
            let Some((int, frac)) = split_decimal(raw) else {
                problems.push(bad(if raw.starts_with('-') {
                    "a non-negative number"
                } else if raw.contains(',') {
                    "a plain decimal number with a decimal point and no thousands separators (e.g. 1234 or 0.25)"
                } else {
                    "a plain decimal number (e.g. 1234 or 0.25)"
                }));
                parts.push(("0".to_string(), String::new()));
                continue;
            };
            if frac.len() as u32 > MAX_DECIMALS {
                problems.push(bad("a number with at most 12 decimal places"));
                parts.push(("0".to_string(), String::new()));
                continue;
            }
            parts.push((int.to_string(), frac.to_string()));
        }
        let scale = parts.iter().map(|(_, f)| f.len() as u32).max().unwrap_or(0);
        let mut weights = Vec::with_capacity(parts.len());
        for (r, (int, frac)) in parts.iter().enumerate() {
            let digits = format!("{int}{frac:0<width$}", width = scale as usize);
            let digits = digits.trim_start_matches('0');
            let v: u128 = if digits.is_empty() { 0 } else { digits.parse().unwrap_or(u128::MAX) };
            if digits.len() > 20 || v > super::MAX_WEIGHT as u128 {
                problems.push(DataError::BadValue {
                    at: t.cell_at(r, c_weight),
                    value: t.rows[r][c_weight].clone(),
                    expected: format!(
                        "a weight that, scaled by 10^{scale} to make all weights integers, is at most 10^12"
                    ),
                });
            }
            weights.push(v.min(super::MAX_WEIGHT as u128) as u64);
        }
        let mut column = |c: Option<usize>, empty: u64| -> Option<Vec<u64>> {
            let c = c?;
            Some(
                (0..t.rows.len())
                    .map(|r| {
                        int_or_empty(&t, r, c, empty).unwrap_or_else(|e| {
                            problems.push(e);
                            0
                        })
                    })
                    .collect(),
            )
        };
        let lower = column(c_min, 0).unwrap_or_else(|| vec![0; t.rows.len()]);
        let upper = column(c_max, u64::MAX);
        if !problems.is_empty() {
            problems.sort_by_key(|p| match p {
                DataError::BadValue { at, .. } | DataError::Duplicate { at, .. } => at.line.unwrap_or(0),
                _ => 0,
            });
            return Err(problems);
        }
        Ok(WeightTable {
            names: t.rows.iter().map(|r| r[c_name].clone()).collect(),
            written: t.rows.iter().map(|r| r[c_weight].clone()).collect(),
            weights,
            scale,
            lower,
            upper,
            lines: t.lines.clone(),
        })
    }
}

fn int_or_empty(t: &CsvTable, r: usize, c: usize, empty: u64) -> Result<u64, DataError> {
    if t.rows[r][c].is_empty() {
        Ok(empty)
    } else {
        t.integer(r, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_in_line_order() {
        let p =
            WeightTable::parse_all("name,weight,min\nA,1,x\nA,\"1,5\",0\nC,-2,0\n", Location::file("w.csv"))
                .unwrap_err();
        let lines: Vec<String> = p.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].contains("line 2, column 'min'"), "{lines:?}");
        assert!(lines[1].contains("line 3: duplicated name 'A'"), "{lines:?}");
        assert!(lines[2].contains("'1,5' is not a plain decimal number with a decimal point"), "{lines:?}");
        assert!(lines[3].contains("line 4, column 'weight': '-2' is not a non-negative number"), "{lines:?}");
    }

    #[test]
    fn decimals_are_scaled_exactly() {
        let t = WeightTable::parse("name,weight\nA,1.5\nB,0.25\nC,3\n", Location::file("w.csv")).unwrap();
        assert_eq!(t.weights, vec![150, 25, 300]);
        assert_eq!(t.scale, 2);
    }

    #[test]
    fn rejects_bad_weights_with_their_cell() {
        for (w, expect) in [
            ("-3", "non-negative"),
            ("1e5", "plain decimal"),
            ("NaN", "plain decimal"),
            ("inf", "plain decimal"),
        ] {
            let e =
                WeightTable::parse(&format!("name,weight\nA,{w}\n"), Location::file("w.csv")).unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains("line 2, column 'weight'") && msg.contains(expect), "{msg}");
        }
        let e = WeightTable::parse("name,weight\nA,1000000000001\n", Location::file("w.csv")).unwrap_err();
        assert!(e.to_string().contains("at most 10^12"));
    }
}
