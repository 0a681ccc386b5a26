//! Decoding and reading tabular text: UTF-8 (with or without BOM) or GB18030/GBK, as saved by
//! Excel on Chinese Windows; `,` `;` or tab separators (sniffed); .xlsx and .ods workbooks
//! ([`sheet`]); CSV with `#` comment lines; header lookup by name or Chinese alias
//! ([`columns`]), with a clear message when a column is missing or misspelled. Every table the
//! tool reads goes through [`decode_table`]. Pure functions over bytes: no file access.

pub mod columns;
mod delimiter;
pub mod sheet;

pub use columns::{alias_of, map_columns};

use crate::error::{DataError, Location};
use crate::limits::{MAX_COUNT, MAX_INPUT_BYTES, MAX_ROWS, MAX_VALUE, MIN_POSITIVE_VALUE};

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
/// Input longer than [`MAX_INPUT_BYTES`] is refused.
pub fn decode_text(bytes: &[u8], at: &Location) -> Result<(String, Encoding), DataError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(at));
    }
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

/// How [`decode_table`] read an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Text in `encoding` with `separator` between fields (rewritten to commas if not `,`).
    Text {
        /// The text encoding.
        encoding: Encoding,
        /// The separator sniffed from the header line: `,` `;` or tab.
        separator: char,
    },
    /// A sheet of an .xlsx or .ods workbook.
    Workbook {
        /// The sheet's name.
        sheet: String,
    },
}

impl std::fmt::Display for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decoded::Text { encoding, separator } => {
                let enc = match encoding {
                    Encoding::Utf8 => "UTF-8",
                    Encoding::Utf8Bom => "UTF-8 with byte-order mark",
                    Encoding::Gb18030 => "GB18030/GBK",
                };
                let sep = match separator {
                    '\t' => "tab",
                    ';' => "';'",
                    _ => "','",
                };
                write!(f, "{enc} text, {sep}-separated")
            }
            Decoded::Workbook { sheet } => write!(f, "workbook, sheet '{sheet}'"),
        }
    }
}

/// Reads any input the tool accepts as text: a workbook (.xlsx/.ods, recognised by content;
/// `sheet` by name or the first) becomes CSV text, one line per sheet row; other bytes are
/// decoded by [`decode_text`] and, when the header line is `;`- or tab-separated, rewritten
/// with commas (line numbers kept). TOML and comma-separated text pass through unchanged.
/// Returns the text, the label messages should use (the sheet added for a workbook) and how
/// it was read.
pub fn decode_table(
    bytes: &[u8],
    label: &str,
    sheet: Option<&str>,
) -> Result<(String, String, Decoded), DataError> {
    let at = Location::file(label);
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(&at));
    }
    if sheet::is_workbook(bytes) {
        let (text, name) = sheet::workbook_to_csv(bytes, &at, sheet)?;
        return Ok((text, format!("{label} (sheet '{name}')"), Decoded::Workbook { sheet: name }));
    }
    if let Some(s) = sheet {
        return Err(DataError::Malformed {
            at,
            message: format!("sheet '{s}' was asked for, but the file is not an .xlsx or .ods workbook"),
        });
    }
    let (text, encoding) = decode_text(bytes, &at)?;
    let sep = delimiter::sniff(&text);
    if sep == b',' {
        return Ok((text, label.to_string(), Decoded::Text { encoding, separator: ',' }));
    }
    let text = delimiter::to_commas(&text, sep, &at)?;
    Ok((text, label.to_string(), Decoded::Text { encoding, separator: char::from(sep) }))
}

/// The first line of CSV text that holds a record — not blank and not a `#` comment — as its
/// 1-based number and its byte range (without the line break). The csv reader reports the
/// position of a first record after comment lines as that of the first comment, so callers
/// that need the header's place take it from here.
pub(crate) fn first_record_line(text: &str) -> Option<(u64, std::ops::Range<usize>)> {
    let mut start = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.starts_with('#') && !body.trim().is_empty() {
            return Some((n as u64 + 1, start..start + body.len()));
        }
        start += line.len();
    }
    None
}

/// One CSV record (with its line end), quoted where needed.
pub(crate) fn csv_record<I, T>(fields: I) -> Result<String, csv::Error>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    writer.write_record(fields)?;
    let bytes = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The error for an input above [`MAX_INPUT_BYTES`].
pub fn too_large(at: &Location) -> DataError {
    DataError::Malformed {
        at: at.clone(),
        message: format!("the input is larger than the {} MiB accepted for one file", MAX_INPUT_BYTES >> 20),
    }
}

/// Parses a decimal number strictly: what Rust's `f64` parser accepts (`1250`, `0.25`,
/// `1e5`), with no thousands separators and no decimal comma. The error says what is expected.
pub fn parse_number(raw: &str) -> Result<f64, &'static str> {
    match raw.parse::<f64>() {
        Ok(v) => Ok(v),
        Err(_) if raw.contains(',') => {
            Err("a number written with a decimal point and no thousands separators (e.g. 95.0 or 1250)")
        }
        Err(_) => Err("a number"),
    }
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
    /// Parses CSV text. Lines starting with `#` are comments; blank lines are skipped. At most
    /// [`MAX_ROWS`] data rows.
    pub fn parse(text: &str, at: Location) -> Result<Self, DataError> {
        CsvTable::parse_limited(text, at, MAX_ROWS)
    }

    /// [`CsvTable::parse`] with another row limit (firm registries).
    pub fn parse_limited(text: &str, at: Location, max_rows: usize) -> Result<Self, DataError> {
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
                    if rows.len() == max_rows {
                        return Err(DataError::Malformed {
                            at: at.at_line(line),
                            message: format!(
                                "more than {max_rows} data rows, the most accepted for this file"
                            ),
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

    /// The index of a column the tool requires by this name (`weight`, `code`, …); a missing
    /// one gets an error that lists the header and, if a column of the file looks like a
    /// misspelling of it, says which to rename.
    pub fn column(&self, name: &str) -> Result<usize, DataError> {
        let hint = |c: &str| {
            format!("; the file's column '{c}' looks like a misspelling of '{name}': rename it '{name}'")
        };
        self.missing(name, hint)
    }

    /// The index of a column named by the user (in a scenario or a flag); a missing one gets
    /// an error that lists the header and, if one is close, suggests it ("did you mean …?").
    pub fn named_column(&self, name: &str) -> Result<usize, DataError> {
        self.missing(name, |c| format!("; did you mean '{c}'?"))
    }

    fn missing(&self, name: &str, hint: impl Fn(&str) -> String) -> Result<usize, DataError> {
        self.optional_column(name).ok_or_else(|| {
            let hint = closest(name, &self.header).map(hint).unwrap_or_default();
            DataError::MissingColumn {
                at: self.at.clone(),
                column: name.to_string(),
                found: self.header.join(","),
                hint,
            }
        })
    }

    /// The index of a column, if present: by its name (case-insensitive) or, failing that, by
    /// one of its Chinese aliases ([`columns::ALIASES`]: 代码 for code, 权重 for weight, …).
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name)).or_else(|| {
            self.header.iter().position(|h| alias_of(h) == Some(name.to_ascii_lowercase().as_str()))
        })
    }

    /// The location of a cell, for messages.
    pub fn cell_at(&self, row: usize, col: usize) -> Location {
        self.at.at_line(self.lines[row]).at_column(self.header[col].clone())
    }

    /// Parses a cell as a finite, non-negative number in the engine's domain: 0 or from
    /// [`MIN_POSITIVE_VALUE`] to [`MAX_VALUE`] (see [`crate::limits`]).
    pub fn non_negative(&self, row: usize, col: usize) -> Result<f64, DataError> {
        let raw = &self.rows[row][col];
        let bad = |expected: &str| DataError::BadValue {
            at: self.cell_at(row, col),
            value: raw.clone(),
            expected: expected.to_string(),
        };
        let v: f64 = parse_number(raw).map_err(bad)?;
        if !v.is_finite() {
            return Err(bad("a finite number"));
        }
        if v < 0.0 {
            return Err(bad("a non-negative number"));
        }
        if v > MAX_VALUE {
            return Err(bad("a number of at most 1e15 (the largest value accepted)"));
        }
        if v > 0.0 && v < MIN_POSITIVE_VALUE {
            return Err(bad("0 or a number of at least 1e-9 (the smallest non-zero value accepted)"));
        }
        Ok(v)
    }

    /// Parses a cell as a non-negative integer of at most [`MAX_COUNT`].
    pub fn integer(&self, row: usize, col: usize) -> Result<u64, DataError> {
        let raw = &self.rows[row][col];
        let bad = |expected: &str| DataError::BadValue {
            at: self.cell_at(row, col),
            value: raw.clone(),
            expected: expected.into(),
        };
        match raw.parse::<u64>() {
            Ok(v) if v <= MAX_COUNT => Ok(v),
            Ok(_) => Err(bad("an integer of at most 10^15 (the largest count accepted)")),
            Err(_) if raw.bytes().all(|b| b.is_ascii_digit()) && !raw.is_empty() => {
                Err(bad("an integer of at most 10^15 (the largest count accepted)"))
            }
            Err(_) if raw.contains(',') => {
                Err(bad("a non-negative integer written without thousands separators (e.g. 1250)"))
            }
            Err(_) => Err(bad("a non-negative integer")),
        }
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
        assert!(
            e.contains("missing column 'weight'")
                && e.contains(
                    "the file's column 'wieght' looks like a misspelling of 'weight': rename it 'weight'"
                ),
            "{e}"
        );
    }

    #[test]
    fn numbers_parse_strictly_and_within_the_domain() {
        let t = CsvTable::parse(
            "code,v,n\nA,\"95,0\",\"1,250\"\nB,1e16,1000000000000001\nC,1e-10,7\n",
            Location::file("f.csv"),
        )
        .unwrap();
        let e = t.non_negative(0, 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "f.csv, line 2, column 'v': '95,0' is not a number written with a decimal point and no thousands separators (e.g. 95.0 or 1250)"
        );
        assert!(t.integer(0, 2).unwrap_err().to_string().contains("without thousands separators"));
        assert!(t.non_negative(1, 1).unwrap_err().to_string().contains("at most 1e15"));
        assert!(t.integer(1, 2).unwrap_err().to_string().contains("at most 10^15"));
        assert!(t.non_negative(2, 1).unwrap_err().to_string().contains("at least 1e-9"));
        assert_eq!(t.integer(2, 2).unwrap(), 7);
    }

    #[test]
    fn row_and_size_limits() {
        let mut text = String::from("name,weight\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("r{i},1\n"));
        }
        let e = CsvTable::parse(&text, Location::file("big.csv")).unwrap_err().to_string();
        assert_eq!(e, "big.csv, line 10002: more than 10000 data rows, the most accepted for this file");
        assert!(CsvTable::parse_limited(&text, Location::file("big.csv"), MAX_ROWS + 1).is_ok());
        let huge = vec![b'a'; MAX_INPUT_BYTES as usize + 1];
        let e = decode_text(&huge, &Location::file("z")).unwrap_err().to_string();
        assert!(e.contains("larger than the 64 MiB"), "{e}");
    }

    #[test]
    fn rejects_nan_infinity_and_negatives() {
        let t = CsvTable::parse("w\nNaN\ninf\n-1\n", Location::file("f.csv")).unwrap();
        for r in 0..3 {
            assert!(t.non_negative(r, 0).is_err());
        }
    }
}
