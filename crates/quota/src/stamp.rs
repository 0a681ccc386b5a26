//! The reproducibility stamp: which quota version made an output, from which inputs, by which
//! method and seed — so a published table can be checked against its inputs years later
//! (`quota allocate --check-stamp FILE`).
//!
//! ```text
//! stamp: quota 0.1.0 | inputs sha256:3f1c…e9 | method hamilton | seed none
//! ```
//!
//! The hash is SHA-256 over the *canonical content* of the inputs, not their bytes, so that
//! re-saving a file with other whitespace, comments, line endings, a byte-order mark or
//! GB18030 instead of UTF-8 does not change it, while any value the engine reads does:
//!
//! - **scenario (TOML)**: parsed into [`ScenarioFile`] (so defaults are filled in and `1` and
//!   `1.0` are the same weight), the method written by its canonical name (`dhondt` →
//!   `jefferson`), the `units`/`indicators` paths dropped (they only locate the data files,
//!   whose content is hashed instead), then written as JSON with object keys sorted and
//!   floats in shortest round-trip form;
//! - **units and indicators (CSV)**: parsed as the engine parses them (`#` comment lines and
//!   blank lines dropped, fields trimmed, quoting resolved), then written as a JSON array of
//!   rows. Rows and columns keep their order (unit order decides output order and the last
//!   tie-break). A value written differently (`1.5` and `1.50`) counts as a change: the
//!   canonical form does not guess which columns are numbers.
//!
//! Each part is framed by its name and byte length before hashing, so no two different input
//! sets can run together into the same byte string. The command line stamps with
//! [`Stamp::compute_for`], which also hashes the run's effective floors and caps (they can
//! come from a firm registry, `allocate --caps-from`, rather than the scenario's files).
//!
//! `quota apportion` has no scenario: its stamp ([`Stamp::compute_for_table`]) hashes the
//! weight table's canonical CSV (as above) with the run's method and number of seats, under a
//! form tag of its own, so a weight-table hash never equals a scenario hash.

pub mod published;

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::error::{DataError, Location};
use crate::input::CsvTable;
use crate::scenario::{MethodChoice, Scenario, ScenarioFile};

pub use published::{
    InputsText, LineDiff, PublishedFormat, RunStampError, StampCheck, StampCheckError, SCENARIO_INPUTS,
    TABLE_INPUTS,
};

/// The version of quota that makes a stamp.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a stamp line starts with in text outputs (table footer, Markdown, `# ` CSV comment).
pub const STAMP_PREFIX: &str = "stamp: ";

/// Version tag of the canonical form; changes if the canonicalisation ever changes.
const CANONICAL_FORM: &str = "quota-stamp-v1";

/// Version tag of the canonical form of a `quota apportion` run (weight table, method, seats).
const TABLE_FORM: &str = "quota-stamp-v1 weight-table";

/// A reproducibility stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The quota version that made the output.
    pub version: String,
    /// SHA-256 (lower-case hex) of the canonical scenario, units and indicators.
    pub inputs_sha256: String,
    /// The method's canonical name.
    pub method: String,
    /// The scenario's seed, if any.
    pub seed: Option<u64>,
}

/// A stamp that could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StampError {
    /// No stamp in the text.
    #[error("no reproducibility stamp found (expected a line containing '{STAMP_PREFIX}quota …' or a JSON field \"stamp\")")]
    Missing,
    /// A stamp line that does not have the expected parts.
    #[error(
        "malformed stamp '{line}': expected 'quota VERSION | inputs sha256:HEX | method NAME | seed N|none'"
    )]
    Malformed {
        /// The line as found.
        line: String,
    },
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "quota {} | inputs sha256:{} | method {} | seed ",
            self.version, self.inputs_sha256, self.method
        )?;
        match self.seed {
            Some(s) => write!(f, "{s}"),
            None => write!(f, "none"),
        }
    }
}

impl Stamp {
    /// The stamp of a run: `file` is the scenario *as run* (command-line overrides applied),
    /// `units_text` and `indicators_text` the decoded texts of the data files it used.
    pub fn compute(file: &ScenarioFile, units_text: &str, indicators_text: &str) -> Result<Stamp, DataError> {
        let method =
            file.method.parse::<MethodChoice>().map(|m| m.name().to_string()).unwrap_or(file.method.clone());
        Ok(Stamp {
            version: VERSION.to_string(),
            inputs_sha256: inputs_hash(file, units_text, indicators_text)?,
            method,
            seed: file.seed,
        })
    }

    /// The stamp of a run whose floors and caps are those of `s` — which may come from
    /// another input than the scenario file (e.g. caps counted from a firm registry with
    /// `allocate --caps-from`): the effective per-unit floors and caps are hashed too, so
    /// any input that changes a bound changes the stamp. `file`, `units_text` and
    /// `indicators_text` are as for [`Stamp::compute`].
    pub fn compute_for(
        s: &Scenario,
        file: &ScenarioFile,
        units_text: &str,
        indicators_text: &str,
    ) -> Result<Stamp, DataError> {
        let mut stamp = Stamp::compute(file, units_text, indicators_text)?;
        let mut h = Sha256::new();
        h.update(stamp.inputs_sha256.as_bytes());
        let bounds = serde_json::to_string(&(&s.floors, &s.caps)).expect("integers serialise");
        h.update(format!("\nbounds {}\n", bounds.len()).as_bytes());
        h.update(bounds.as_bytes());
        stamp.inputs_sha256 = hex(&h.finalize());
        Ok(stamp)
    }

    /// The stamp of a `quota apportion` run: `table_text` is the decoded weight table (CSV),
    /// `method` the method's canonical name, `seats` the number of seats. There is no seed.
    pub fn compute_for_table(table_text: &str, method: &str, seats: u64) -> Result<Stamp, DataError> {
        Ok(Stamp {
            version: VERSION.to_string(),
            inputs_sha256: table_hash(table_text, method, seats)?,
            method: method.to_string(),
            seed: None,
        })
    }

    /// The text line: `stamp: quota … | inputs sha256:… | method … | seed …`.
    pub fn line(&self) -> String {
        format!("{STAMP_PREFIX}{self}")
    }

    /// Parses the part after `stamp: ` (or a whole line that contains it).
    pub fn parse(line: &str) -> Result<Stamp, StampError> {
        let malformed = || StampError::Malformed { line: line.trim().to_string() };
        let body = match line.find(STAMP_PREFIX) {
            Some(at) => &line[at + STAMP_PREFIX.len()..],
            None => line,
        };
        // Markdown may wrap the line in emphasis or code marks.
        let body = body.trim().trim_matches(|c| c == '*' || c == '_' || c == '`').trim();
        let parts: Vec<&str> = body.split('|').map(str::trim).collect();
        let [version, inputs, method, seed] = parts[..] else {
            return Err(malformed());
        };
        let version = version.strip_prefix("quota ").ok_or_else(malformed)?.trim();
        let hash = inputs.strip_prefix("inputs sha256:").ok_or_else(malformed)?.trim();
        let method = method.strip_prefix("method ").ok_or_else(malformed)?.trim();
        let seed = seed.strip_prefix("seed ").ok_or_else(malformed)?.trim();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) || version.is_empty() {
            return Err(malformed());
        }
        let seed = match seed {
            "none" => None,
            s => Some(s.parse::<u64>().map_err(|_| malformed())?),
        };
        Ok(Stamp {
            version: version.to_string(),
            inputs_sha256: hash.to_ascii_lowercase(),
            method: method.to_string(),
            seed,
        })
    }

    /// Finds the stamp in an output: the `stamp` field of a JSON document, or the first line
    /// that contains `stamp: quota ` (table footer, Markdown line, `# ` CSV comment).
    pub fn find(text: &str) -> Result<Stamp, StampError> {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
                let Some(s) = v.get("stamp") else {
                    return Err(StampError::Missing);
                };
                return serde_json::from_value(s.clone())
                    .map_err(|_| StampError::Malformed { line: s.to_string() });
            }
        }
        let needle = format!("{STAMP_PREFIX}quota ");
        text.lines().find(|l| l.contains(&needle)).map(Stamp::parse).unwrap_or(Err(StampError::Missing))
    }
}

/// SHA-256 (hex) of the canonical scenario, units and indicators (see the module documentation).
pub fn inputs_hash(
    file: &ScenarioFile,
    units_text: &str,
    indicators_text: &str,
) -> Result<String, DataError> {
    let scenario = canonical_scenario(file);
    let units = canonical_csv(units_text, Location::file("units"))?;
    let indicators = canonical_csv(indicators_text, Location::file("indicators"))?;
    let mut h = Sha256::new();
    h.update(CANONICAL_FORM.as_bytes());
    for (name, part) in [("scenario", &scenario), ("units", &units), ("indicators", &indicators)] {
        h.update(format!("\n{name} {}\n", part.len()).as_bytes());
        h.update(part.as_bytes());
    }
    Ok(hex(&h.finalize()))
}

/// SHA-256 (hex) of a `quota apportion` run: the canonical weight table, the method's name and
/// the number of seats (see the module documentation).
pub fn table_hash(table_text: &str, method: &str, seats: u64) -> Result<String, DataError> {
    let weights = canonical_csv(table_text, Location::file("weights"))?;
    let run = serde_json::json!({ "method": method, "seats": seats }).to_string();
    let mut h = Sha256::new();
    h.update(TABLE_FORM.as_bytes());
    for (name, part) in [("run", &run), ("weights", &weights)] {
        h.update(format!("\n{name} {}\n", part.len()).as_bytes());
        h.update(part.as_bytes());
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical text of a scenario (see the module documentation).
pub fn canonical_scenario(file: &ScenarioFile) -> String {
    let mut file = file.clone();
    if let Ok(m) = file.method.parse::<MethodChoice>() {
        file.method = m.name().to_string();
    }
    file.units = None;
    file.indicators = None;
    let value = serde_json::to_value(&file).expect("a scenario file serialises");
    let mut out = String::new();
    write_sorted(&value, &mut out);
    out
}

/// JSON with object keys sorted at every level (serde_json may keep insertion order).
fn write_sorted(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (k, key) in keys.into_iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                write_sorted(&map[key], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The canonical text of a CSV input: header and rows as the engine reads them, as JSON.
pub fn canonical_csv(text: &str, at: Location) -> Result<String, DataError> {
    let table = CsvTable::parse(text, at)?;
    let mut rows = Vec::with_capacity(table.rows.len() + 1);
    rows.push(table.header);
    rows.extend(table.rows);
    Ok(serde_json::to_string(&rows).expect("strings serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str =
        "name = \"t\"\ntotal = 10\nmethod = \"webster\"\n\n[[indicator]]\ncolumn = \"a\"\nweight = 1\n";
    const UNITS: &str = "code,name_zh\n11,北京市\n";
    const DATA: &str = "# comment\ncode,a\n11,5\n";

    fn file(text: &str) -> ScenarioFile {
        ScenarioFile::parse(text, Location::file("t.toml")).unwrap()
    }

    fn hash(s: &str, u: &str, d: &str) -> String {
        inputs_hash(&file(s), u, d).unwrap()
    }

    #[test]
    fn layout_and_comments_do_not_change_the_hash() {
        let base = hash(SCENARIO, UNITS, DATA);
        let relaid = "# a comment\nmethod   = 'webster'   # trailing\ntotal=10\nname=\"t\"\n[[indicator]]\nweight = 1.0\ncolumn = \"a\"\n";
        assert_eq!(hash(relaid, UNITS, DATA), base);
        assert_eq!(hash(SCENARIO, "\u{feff}code , name_zh\r\n\r\n11,  北京市\r\n# x\n", DATA), base);
        assert_eq!(hash(SCENARIO, UNITS, "code,a\n# other comment\n11,\"5\"\n"), base);
        // An alias names the same method.
        assert_eq!(hash(&SCENARIO.replace("webster", "sainte-lague"), UNITS, DATA), base);
    }

    #[test]
    fn every_value_changes_the_hash() {
        let base = hash(SCENARIO, UNITS, DATA);
        assert_ne!(hash(&SCENARIO.replace("10", "11"), UNITS, DATA), base);
        assert_ne!(hash(&SCENARIO.replace("weight = 1", "weight = 0.5"), UNITS, DATA), base);
        assert_ne!(hash(&SCENARIO.replace("webster", "adams"), UNITS, DATA), base);
        assert_ne!(hash(&format!("seed = 7\n{SCENARIO}"), UNITS, DATA), base);
        assert_ne!(hash(SCENARIO, &UNITS.replace("北京市", "北京"), DATA), base);
        assert_ne!(hash(SCENARIO, UNITS, &DATA.replace(",5", ",6")), base);
        // Parts cannot run together: a row moved from one file to the other changes the hash.
        let two = "code,name_zh\n11,北京市\n12,天津市\n";
        assert_ne!(
            hash(SCENARIO, two, "code,a\n11,5\n"),
            hash(SCENARIO, "code,name_zh\n11,北京市\n", "12,天津市\ncode,a\n11,5\n")
        );
    }

    #[test]
    fn weight_table_stamps_follow_values_not_layout() {
        let base = table_hash("name,weight\nA,1.5\nB,2\n", "webster", 8).unwrap();
        assert_eq!(
            table_hash("# parties\r\nname , weight\r\nA,\"1.5\"\r\n\r\nB, 2\r\n", "webster", 8).unwrap(),
            base
        );
        assert_ne!(table_hash("name,weight\nA,1.5\nB,3\n", "webster", 8).unwrap(), base);
        assert_ne!(table_hash("name,weight\nA,1.5\nB,2\n", "webster", 9).unwrap(), base);
        assert_ne!(table_hash("name,weight\nA,1.5\nB,2\n", "jefferson", 8).unwrap(), base);
        // Never a scenario's hash, even for the same bytes.
        let s = Stamp::compute_for_table("name,weight\nA,1\n", "hamilton", 3).unwrap();
        assert_eq!((s.method.as_str(), s.seed), ("hamilton", None));
        assert_eq!(Stamp::parse(&s.line()).unwrap(), s);
    }

    #[test]
    fn stamp_lines_round_trip() {
        let s = Stamp::compute(&file(SCENARIO), UNITS, DATA).unwrap();
        assert_eq!(s.method, "webster");
        assert_eq!(s.seed, None);
        assert_eq!(Stamp::parse(&s.line()).unwrap(), s);
        let seeded = Stamp { seed: Some(42), ..s.clone() };
        assert_eq!(Stamp::find(&format!("a\nb\n# {}\n", seeded.line())).unwrap(), seeded);
        let json = serde_json::json!({ "stamp": s, "units": [] }).to_string();
        assert_eq!(Stamp::find(&json).unwrap(), s);
        assert_eq!(Stamp::find("no stamp here"), Err(StampError::Missing));
        assert!(matches!(
            Stamp::parse("stamp: quota 1 | inputs sha256:12 | method x | seed none"),
            Err(StampError::Malformed { .. })
        ));
    }
}
