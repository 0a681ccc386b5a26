//! Decoding and reading tabular text: UTF-8 (with or without BOM) or GB18030/GBK, as saved by
//! Excel on Chinese Windows; CSV with `#` comment lines; header lookup with a clear message
//! when a column is missing or misspelled. Pure functions over bytes: no file access.

use crate::error::{DataError, Location};

/// The text encoding an input was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (stripped).
    Utf8Bom,
    /// GB18030 (a superset of GBK and GB2312), used when the bytes are not valid UTF-8.
    Gb18030,
}

/// Decodes `bytes` as UTF-8 (stripping a BOM) or, failing that, as GB18030.
pub fn decode_text(bytes: &[u8], at: &Location) -> Result<(String, Encoding), DataError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(|s| (s.to_string(), Encoding::Utf8Bom)).map_err(|e| {
            DataError::Malformed {
                at: at.clone(),
                message: format!("invalid UTF-8 after the byte-order mark: {e}"),
            }
        });
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Encoding::Utf8));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(DataError::Malformed {
            at: at.clone(),
            message: "the file is neither UTF-8 nor GB18030/GBK text".into(),
        });
    }
    Ok((text.into_owned(), Encoding::Gb18030))
}

/// A parsed CSV table: header, rows, and each row's 1-based line number in the source.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// Where the table came from.
    pub at: Location,
    /// Header fields, trimmed.
    pub header: Vec<String>,
    /// Data rows, fields trimmed.
    pub rows: Vec<Vec<String>>,
    /// Line number of each row in the source (comment lines counted).
    pub lines: Vec<u64>,
}

impl CsvTable {
    /// Parses CSV text. Lines starting with `#` are comments; blank lines are skipped.
    pub fn parse(text: &str, at: Location) -> Result<Self, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line());
                DataError::Malformed {
                    at: Location { line, ..at.clone() },
                    message: format!("not valid CSV: {e}"),
                }
            })?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(|f| f.is_empty()) {
                continue;
            }
            let fields: Vec<String> = record.iter().map(|f| f.to_string()).collect();
            match &header {
                None => header = Some(fields),
                Some(h) => {
                    if fields.len() != h.len() {
                        return Err(DataError::Malformed {
                            at: at.at_line(line),
                            message: format!("{} fields, but the header has {}", fields.len(), h.len()),
                        });
                    }
                    rows.push(fields);
                    lines.push(line);
                }
            }
        }
        let Some(header) = header else { return Err(DataError::Empty(at)) };
        if rows.is_empty() {
            return Err(DataError::Empty(at));
        }
        Ok(CsvTable { at, header, rows, lines })
    }

    /// The index of a required column; a missing one gets an error that lists the header and,
    /// if one is close, suggests it.
    pub fn column(&self, name: &str) -> Result<usize, DataError> {
        self.optional_column(name).ok_or_else(|| {
            let hint =
                closest(name, &self.header).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
            DataError::MissingColumn {
                at: self.at.clone(),
                column: name.to_string(),
                found: self.header.join(","),
                hint,
            }
        })
    }

    /// The index of a column, if present (case-insensitive).
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The location of a cell, for messages.
    pub fn cell_at(&self, row: usize, col: usize) -> Location {
        self.at.at_line(self.lines[row]).at_column(self.header[col].clone())
    }

    /// Parses a cell as a finite, non-negative number.
    pub fn non_negative(&self, row: usize, col: usize) -> Result<f64, DataError> {
        let raw = &self.rows[row][col];
        let bad = |expected: &str| DataError::BadValue {
            at: self.cell_at(row, col),
            value: raw.clone(),
            expected: expected.to_string(),
        };
        let v: f64 = raw.replace(',', "").parse().map_err(|_| bad("a number"))?;
        if !v.is_finite() {
            return Err(bad("a finite number"));
        }
        if v < 0.0 {
            return Err(bad("a non-negative number"));
        }
        Ok(v)
    }

    /// Parses a cell as a non-negative integer.
    pub fn integer(&self, row: usize, col: usize) -> Result<u64, DataError> {
        let raw = &self.rows[row][col];
        raw.parse::<u64>().map_err(|_| DataError::BadValue {
            at: self.cell_at(row, col),
            value: raw.clone(),
            expected: "a non-negative integer".into(),
        })
    }
}

/// The candidate within edit distance 2 of `name`, if any (for "did you mean" hints).
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_and_gbk() {
        let at = Location::file("x.csv");
        let (s, e) = decode_text(b"\xEF\xBB\xBFa,b\n", &at).unwrap();
        assert_eq!((s.as_str(), e), ("a,b\n", Encoding::Utf8Bom));
        let (gbk, _, _) = encoding_rs::GBK.encode("code,name\n11,北京市\n");
        let (s, e) = decode_text(&gbk, &at).unwrap();
        assert_eq!(e, Encoding::Gb18030);
        assert!(s.contains("北京市"));
    }

    #[test]
    fn line_numbers_count_comment_lines() {
        let t = CsvTable::parse("# note\n# more\nname,weight\nA,1\nB,x\n", Location::file("f.csv")).unwrap();
        assert_eq!(t.lines, vec![4, 5]);
        let e = t.non_negative(1, 1).unwrap_err().to_string();
        assert_eq!(e, "f.csv, line 5, column 'weight': 'x' is not a number");
    }

    #[test]
    fn missing_column_suggests_a_near_name() {
        let t = CsvTable::parse("name,wieght\nA,1\n", Location::file("f.csv")).unwrap();
        let e = t.column("weight").unwrap_err().to_string();
        assert!(e.contains("missing column 'weight'") && e.contains("did you mean 'wieght'"), "{e}");
    }

    #[test]
    fn rejects_nan_infinity_and_negatives() {
        let t = CsvTable::parse("w\nNaN\ninf\n-1\n", Location::file("f.csv")).unwrap();
        for r in 0..3 {
            assert!(t.non_negative(r, 0).is_err());
        }
    }
}
