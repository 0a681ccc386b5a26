//! Column names: the Chinese headers a planner's sheet may use for the tool's columns, and an
//! explicit mapping (`--columns name=省份,weight=权重`) for any others.

use crate::error::{DataError, Location};

/// Chinese header aliases, `(column, aliases)`: a header equal to an alias is read as the
/// column (when the file has no column of the English name).
pub const ALIASES: &[(&str, &[&str])] = &[
    ("code", &["代码", "编码", "地区代码", "行政区划代码", "单位代码"]),
    ("name", &["名称", "省份", "地区", "单位", "省份名称", "地区名称", "单位名称", "省市"]),
    ("weight", &["权重", "权数"]),
    ("min", &["下限", "最少", "最低", "最小"]),
    ("max", &["上限", "最多", "最高", "最大"]),
    ("region", &["区域", "四大区域", "经济区域"]),
    ("slots", &["名额", "支持名额"]),
];

/// The column a header is an alias of (`权重` → `weight`).
pub fn alias_of(header: &str) -> Option<&'static str> {
    let h = header.trim();
    ALIASES.iter().find(|(_, aliases)| aliases.contains(&h)).map(|(column, _)| *column)
}

/// Renames the header of the CSV text `text`: each `(role, column)` pair names the file's
/// column that holds `role` (`("name", "省份")`). Columns not named keep their names; a named
/// column missing from the header is an error listing the header.
pub fn map_columns(text: &str, at: &Location, mapping: &[(String, String)]) -> Result<String, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    for record in reader.records() {
        let record = record.map_err(|e| DataError::Malformed {
            at: Location { line: e.position().map(|p| p.line()), ..at.clone() },
            message: format!("not valid CSV: {e}"),
        })?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        header = Some(record);
        break;
    }
    let Some(record) = header else { return Err(DataError::Empty(at.clone())) };
    let (start, end) = super::first_record_line(text).map_or((0, 0), |(_, r)| (r.start, r.end));
    let mut fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
    for (role, column) in mapping {
        let Some(i) = fields.iter().position(|f| f == column) else {
            return Err(DataError::MissingColumn {
                at: at.clone(),
                column: column.clone(),
                found: fields.join(","),
                hint: format!(" (named by --columns {role}={column})"),
            });
        };
        fields[i] = role.clone();
    }
    let line = super::csv_record(&fields)
        .map_err(|e| DataError::Malformed { at: at.clone(), message: e.to_string() })?;
    let line = line.trim_end_matches('\n');
    Ok(format!("{}{line}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_mapping() {
        assert_eq!(alias_of("权重"), Some("weight"));
        assert_eq!(alias_of(" 省份 "), Some("name"));
        assert_eq!(alias_of("人口"), None);
        let at = Location::file("f.csv");
        let text = "# c\n省份,人口\n北京,1\n";
        let m = vec![("name".to_string(), "省份".to_string()), ("weight".to_string(), "人口".to_string())];
        assert_eq!(map_columns(text, &at, &m).unwrap(), "# c\nname,weight\n北京,1\n");
        let bad = vec![("weight".to_string(), "人数".to_string())];
        let e = map_columns(text, &at, &bad).unwrap_err().to_string();
        assert!(e.contains("missing column '人数'") && e.contains("--columns weight=人数"), "{e}");
    }
}
