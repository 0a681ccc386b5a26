//! Separator sniffing: a table saved with `;` (European Excel) or tab separators is recognised
//! from its header line and rewritten as comma-separated text, line for line, so line numbers
//! in messages stay those of the file.

use crate::error::{DataError, Location};

/// The separator of a table's header line: `,` unless the first line that is not blank or a
/// `#` comment has no comma but `;` or tab (and is not TOML: no `=` and no `[`).
pub fn sniff(text: &str) -> u8 {
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')) else {
        return b',';
    };
    if first.contains(',') || first.contains('=') || first.starts_with('[') {
        return b',';
    }
    let (semis, tabs) = (first.matches(';').count(), first.matches('\t').count());
    match (semis, tabs) {
        (0, 0) => b',',
        (s, t) if t >= s => b'\t',
        _ => b';',
    }
}

/// `text` separated by `sep`, rewritten with commas; comment lines become blank lines (they
/// are skipped either way) so every record keeps its line number.
pub fn to_commas(text: &str, sep: u8, at: &Location) -> Result<String, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(sep)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut line = 1u64;
    let first_line = super::first_record_line(text).map_or(1, |(n, _)| n);
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| DataError::Malformed {
            at: Location { line: e.position().map(|p| p.line()), ..at.clone() },
            message: format!("not valid CSV: {e}"),
        })?;
        let at_line = if r == 0 { first_line } else { record.position().map_or(line, |p| p.line()) };
        while line < at_line {
            out.push('\n');
            line += 1;
        }
        let s = super::csv_record(&record)
            .map_err(|e| DataError::Malformed { at: at.clone(), message: e.to_string() })?;
        line += s.matches('\n').count() as u64;
        out.push_str(&s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_and_tabs_and_leaves_commas_and_toml() {
        assert_eq!(sniff("name;weight\nA;1\n"), b';');
        assert_eq!(sniff("# c\n\nname\tweight\nA\t1\n"), b'\t');
        assert_eq!(sniff("name,weight;x\n"), b',');
        assert_eq!(sniff("name = \"a;b\"\n"), b',');
        assert_eq!(sniff("[bounds]\n"), b',');
    }

    #[test]
    fn rewrites_keeping_line_numbers() {
        let at = Location::file("f.csv");
        let out = to_commas("# note\nname;weight\n\"A,1\";1,5\nB;2\n", b';', &at).unwrap();
        assert_eq!(out, "\nname,weight\n\"A,1\",\"1,5\"\nB,2\n");
    }
}
