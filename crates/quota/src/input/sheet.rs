//! Spreadsheets as tables: the first sheet (or a named one) of an .xlsx or .ods workbook,
//! read with calamine and written out as canonical CSV text, one line per sheet row, so every
//! loader reads a workbook exactly as it reads a CSV file — and its messages name the sheet
//! row as the line. A row whose first cell starts with `#` stays a comment line (a source or
//! provenance row under the header, say).

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use crate::error::{DataError, Location};

/// Whether `bytes` are a zip archive (.xlsx and .ods are).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The sheet `sheet` (the first when None) of the workbook `bytes`, as CSV text; returns the
/// sheet's name too.
pub fn workbook_to_csv(
    bytes: &[u8],
    at: &Location,
    sheet: Option<&str>,
) -> Result<(String, String), DataError> {
    let malformed = |message: String| DataError::Malformed { at: at.clone(), message };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| malformed(format!("not a readable .xlsx or .ods workbook: {e}")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            malformed(format!("no sheet named '{s}' (the workbook has: {})", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| malformed("the workbook has no sheet".into()))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| malformed(format!("sheet '{name}': {e}")))?;
    let sheet_at = Location::file(format!("{} (sheet '{name}')", at.source));
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut out = String::new();
    // Blank lines up to the first used row keep line numbers equal to sheet rows.
    for _ in 0..row0 {
        out.push('\n');
    }
    for (i, row) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        let mut fields: Vec<String> = vec![String::new(); col0 as usize];
        for (j, cell) in row.iter().enumerate() {
            let column = column_name(col0 as usize + j);
            fields.push(cell_text(cell).map_err(|message| DataError::Malformed {
                at: sheet_at.at_line(line).at_column(column),
                message,
            })?);
        }
        while fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        if fields.is_empty() {
            out.push('\n');
            continue;
        }
        if fields[0].starts_with('#') {
            // A comment row: kept as a comment line (its cells joined), never as data.
            out.push_str(&fields.join(" ").replace(['\n', '\r'], " "));
            out.push('\n');
            continue;
        }
        let text = super::csv_record(&fields).map_err(|e| malformed(e.to_string()))?;
        // A cell with a line break would add a line: keep one line per row.
        out.push_str(&text.trim_end_matches('\n').replace(['\n', '\r'], " "));
        out.push('\n');
    }
    Ok((out, name))
}

/// Every sheet of the workbook `bytes`, in order, as text: a line `[sheet NAME]`, then the
/// sheet's rows as CSV lines ([`workbook_to_csv`]), then a blank line. What `--check-stamp`
/// compares for a published workbook (its stamp is on the parameters sheet).
pub fn workbook_text(bytes: &[u8], at: &Location) -> Result<String, DataError> {
    let book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| DataError::Malformed {
        at: at.clone(),
        message: format!("not a readable .xlsx or .ods workbook: {e}"),
    })?;
    let mut out = String::new();
    for name in book.sheet_names() {
        let (text, _) = workbook_to_csv(bytes, at, Some(&name))?;
        out.push_str(&format!("[sheet {name}]\n{text}\n"));
    }
    Ok(out)
}

/// The spreadsheet column letters of a 0-based column (A, B, …, Z, AA, …).
fn column_name(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell as the text a CSV file would hold.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if (h, min, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds a spreadsheet error ({e})")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
