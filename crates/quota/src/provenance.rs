//! Provenance as data: where every input comes from and whether it is official, read by the
//! loaders and carried on the [`crate::scenario::Scenario`] and every result, so that no
//! output built from illustrative, synthetic or assumed inputs reads like an official one.
//!
//! A data file declares its provenance in comment lines of the form `# @key: value` (other
//! comment lines stay free notes):
//!
//! ```text
//! # @provenance: illustrative | source data/SOURCES.md     the whole file (default of every column)
//! # @column xiaojuren: official | as_of 2021-06 | scope 第一、二批 batches 1–2 | label_zh “小巨人”企业数量 | label_en 小巨人 firms | source 工信微报 2021-06-11
//! # @column gdp_per_capita: official | as_of 2023 | source data/SOURCES.md §2.4
//! code,name_zh,xiaojuren,gdp_per_capita,gdp_per_capita_status,gdp_per_capita_note
//! 11,北京市,90,200000,official,"2023, rounded (达到20万元)"
//! 12,天津市,41,123000,illustrative,
//! ```
//!
//! The first field is the status ([`Status`]); the others are `key value` pairs: `as_of`
//! (the date the figures refer to), `source`, `scope` (what the figures count, shown with
//! the date), `label_zh`, `label_en`. A column `<name>_status` gives a per-unit status that
//! overrides the column's (a column official for some units and illustrative for others).
//! A file or column without a declaration is *unstated*: it is reported by `quota validate`
//! but does not mark outputs (the figures are the user's own).
//!
//! An output is **marked** when any input that decided a number is illustrative, synthetic
//! or assumed ([`Status::is_marked`]); derived figures (arithmetic on sourced ones) are listed
//! but do not mark. There is no option that hides the mark.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{DataError, Location};

/// How a figure came to be (issue "Honest outputs": every figure carries one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Copied from an official publication.
    Official,
    /// Arithmetic on sourced figures (the arithmetic is shown in the note or the file).
    Derived,
    /// Made up by a documented rule because no source was found.
    Illustrative,
    /// Generated data (e.g. the synthetic firm registry).
    Synthetic,
    /// An assumption (e.g. a future batch total).
    Assumed,
}

impl Status {
    /// Every status, in order.
    pub const ALL: [Status; 5] =
        [Status::Official, Status::Derived, Status::Illustrative, Status::Synthetic, Status::Assumed];

    /// Name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Official => "official",
            Status::Derived => "derived",
            Status::Illustrative => "illustrative",
            Status::Synthetic => "synthetic",
            Status::Assumed => "assumed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|st| st.name() == key).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
            format!("one of {}", names.join(", "))
        })
    }
}

impl Status {
    /// Whether an input of this status marks an output as not official (illustrative,
    /// synthetic, assumed).
    pub fn is_marked(self) -> bool {
        self >= Status::Illustrative
    }

    /// The status in Chinese, as the marks print it.
    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Official => "官方",
            Status::Derived => "推算",
            Status::Illustrative => "示意",
            Status::Synthetic => "模拟",
            Status::Assumed => "假设",
        }
    }
}

/// One declaration: `STATUS | as_of DATE | source TEXT | scope TEXT | label_zh T | label_en T`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Declaration {
    /// Status (None only for an undeclared input).
    pub status: Option<Status>,
    /// Date the figures refer to.
    pub as_of: String,
    /// Where they come from.
    pub source: String,
    /// What they count (e.g. "第一、二批 batches 1–2").
    pub scope: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
}

/// The provenance a data file declares: for the whole file and per column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declared {
    /// `# @provenance:` (the default of every column).
    pub file: Option<Declaration>,
    /// `# @column NAME:` lines, in file order.
    pub columns: Vec<(String, Declaration)>,
}

const DECLARATION_KEYS: [&str; 5] = ["as_of", "source", "scope", "label_zh", "label_en"];

impl Declared {
    /// Reads the `# @provenance:` and `# @column NAME:` lines of `text` (see the module
    /// documentation). Other `# @` keys are errors, with a hint.
    pub fn parse(text: &str, at: &Location) -> Result<Declared, DataError> {
        let mut out = Declared::default();
        for (k, line) in text.lines().enumerate() {
            let line_no = k as u64 + 1;
            let Some(rest) = line.trim_start().trim_start_matches('\u{feff}').strip_prefix('#') else {
                if !line.trim().is_empty() {
                    break; // declarations sit in the comment block at the top
                }
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('@') else { continue };
            let at_line = at.at_line(line_no);
            let Some((key, value)) = rest.split_once(':') else {
                return Err(DataError::Malformed {
                    at: at_line,
                    message:
                        "a provenance line is '# @provenance: STATUS | …' or '# @column NAME: STATUS | …'"
                            .into(),
                });
            };
            let key = key.trim();
            let decl = parse_declaration(value, &at_line)?;
            if key.eq_ignore_ascii_case("provenance") {
                out.file = Some(decl);
            } else if let Some(column) = key.strip_prefix("column ").map(str::trim).filter(|c| !c.is_empty())
            {
                if out.columns.iter().any(|(c, _)| c == column) {
                    return Err(DataError::Duplicate {
                        at: at_line,
                        what: "provenance of column".into(),
                        key: column.to_string(),
                        first_line: 0,
                    });
                }
                out.columns.push((column.to_string(), decl));
            } else {
                return Err(DataError::Malformed {
                    at: at_line,
                    message: format!(
                        "unknown metadata key '@{key}' (this file takes '@provenance' and '@column NAME')"
                    ),
                });
            }
        }
        Ok(out)
    }

    /// The declaration of `column`: its own, else the file's, else none.
    pub fn column(&self, column: &str) -> Declaration {
        self.columns
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, d)| d.clone())
            .or_else(|| self.file.clone())
            .unwrap_or_default()
    }
}

fn parse_declaration(value: &str, at: &Location) -> Result<Declaration, DataError> {
    let mut parts = value.split('|').map(str::trim);
    let status_text = parts.next().unwrap_or_default();
    let status = status_text.parse::<Status>().map_err(|expected| DataError::BadValue {
        at: at.clone(),
        value: status_text.to_string(),
        expected: format!("a status, {expected}"),
    })?;
    let mut d = Declaration { status: Some(status), ..Declaration::default() };
    for part in parts.filter(|p| !p.is_empty()) {
        let (key, text) = part.split_once(char::is_whitespace).unwrap_or((part, ""));
        let slot = match key {
            "as_of" => &mut d.as_of,
            "source" => &mut d.source,
            "scope" => &mut d.scope,
            "label_zh" => &mut d.label_zh,
            "label_en" => &mut d.label_en,
            other => {
                return Err(DataError::Malformed {
                    at: at.clone(),
                    message: format!(
                        "unknown provenance field '{other}' (known: {})",
                        DECLARATION_KEYS.join(", ")
                    ),
                })
            }
        };
        *slot = text.trim().to_string();
    }
    Ok(d)
}

/// What an input does in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A weighted indicator.
    Indicator,
    /// The development column of the disparity term.
    Development,
    /// The caps (eligible firms per unit).
    Caps,
    /// A firm registry (caps counted from it, or a programme's pool).
    Registry,
    /// A batch total of a programme.
    BatchTotal,
}

/// One input of a result and its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// Column or file name.
    pub name: String,
    /// What it does.
    pub role: Role,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Status over the units it decides: the least official one; None when undeclared.
    pub status: Option<Status>,
    /// Units whose figure is marked (illustrative, synthetic or assumed), when only some are;
    /// empty when all or none are.
    pub marked_units: Vec<String>,
    /// Number of units the input covers.
    pub of_units: usize,
    /// Date the figures refer to.
    pub as_of: String,
    /// What they count.
    pub scope: String,
    /// Where they come from.
    pub source: String,
}

impl Input {
    /// An input with a declaration and per-unit statuses (`unit_status[i]` for code `codes[i]`;
    /// empty when the declaration covers every unit).
    pub fn new(
        name: &str,
        role: Role,
        decl: &Declaration,
        codes: &[String],
        unit_status: &[Status],
        labels: (&str, &str),
    ) -> Input {
        let (status, marked_units) = if unit_status.is_empty() {
            (decl.status, Vec::new())
        } else {
            let worst = unit_status.iter().copied().max();
            let marked: Vec<String> = codes
                .iter()
                .zip(unit_status)
                .filter(|(_, s)| s.is_marked())
                .map(|(c, _)| c.clone())
                .collect();
            let all = marked.len() == unit_status.len();
            (worst, if all { Vec::new() } else { marked })
        };
        let pick = |own: &str, given: &str| if own.is_empty() { given.to_string() } else { own.to_string() };
        Input {
            name: name.to_string(),
            role,
            label_zh: pick(&decl.label_zh, labels.0),
            label_en: pick(&decl.label_en, labels.1),
            status,
            marked_units,
            of_units: codes.len(),
            as_of: decl.as_of.clone(),
            scope: decl.scope.clone(),
            source: decl.source.clone(),
        }
    }

    /// Whether this input marks the output.
    pub fn is_marked(&self) -> bool {
        self.status.is_some_and(Status::is_marked)
    }

    /// Status, scope and date in Chinese: `示意，26/37个单位` or `官方，第一、二批，截至2021-06`.
    fn detail_zh(&self) -> String {
        let mut parts = vec![self.status.map_or("未声明", Status::name_zh).to_string()];
        if !self.marked_units.is_empty() {
            parts.push(format!("{}/{}个单位", self.marked_units.len(), self.of_units));
        }
        let scope = self.scope.split(" / ").next().unwrap_or_default();
        if !scope.is_empty() && !self.label_zh.contains(scope) {
            parts.push(scope.to_string());
        }
        if !self.as_of.is_empty() {
            parts.push(format!("截至{}", self.as_of));
        }
        parts.join("，")
    }

    /// The same in English: `illustrative for 26 of 37 units` or `official, batches 1–2, as of 2021-06`.
    fn detail_en(&self) -> String {
        let mut parts = vec![match (&self.status, self.marked_units.len()) {
            (Some(s), 0) => s.name().to_string(),
            (Some(s), n) => format!("{s} for {n} of {} units", self.of_units),
            (None, _) => "status not stated".to_string(),
        }];
        if !self.scope.is_empty() {
            parts.push(self.scope.rsplit(" / ").next().unwrap_or_default().to_string());
        }
        if !self.as_of.is_empty() {
            parts.push(format!("as of {}", self.as_of));
        }
        parts.join(", ")
    }
}

/// The provenance of a result: every input that decided a number, with its status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Provenance {
    /// True when no input is illustrative, synthetic or assumed (then outputs carry no mark).
    pub official: bool,
    /// The inputs, in the order they enter the model.
    pub inputs: Vec<Input>,
}

impl Provenance {
    /// The provenance of these inputs.
    pub fn of(inputs: Vec<Input>) -> Provenance {
        Provenance { official: !inputs.iter().any(Input::is_marked), inputs }
    }

    /// This provenance with one more input (a replaced cap column, a batch total), replacing an
    /// input of the same role and name.
    pub fn with(&self, input: Input) -> Provenance {
        let mut inputs: Vec<Input> = self.inputs.clone();
        inputs.retain(|i| !(i.role == input.role || (i.role == Role::Caps && input.role == Role::Registry)));
        inputs.push(input);
        Provenance::of(inputs)
    }

    /// The inputs that mark the output.
    pub fn marked(&self) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(|i| i.is_marked())
    }

    /// The inputs that mark the row of unit `code`: those marked for every unit, and those
    /// marked for some units that include `code`.
    pub fn marked_for<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Input> + 'a {
        self.marked().filter(move |i| i.marked_units.is_empty() || i.marked_units.iter().any(|c| c == code))
    }

    /// The names of the inputs that mark unit `code`'s row, joined by `;` (empty when none):
    /// the per-row `not_official` column of CSV outputs.
    pub fn not_official_for(&self, code: &str) -> String {
        self.marked_for(code).map(|i| i.name.as_str()).collect::<Vec<_>>().join(";")
    }

    /// The names of every input that marks the output, joined by `;` (empty when none): the
    /// `not_official` column of CSV rows that are not one unit's (metrics, weights, national
    /// totals).
    pub fn not_official_all(&self) -> String {
        self.marked().map(|i| i.name.as_str()).collect::<Vec<_>>().join(";")
    }

    /// The per-row mark of unit `code` in a table's 注/Note column: `示意测算，非官方输入：A、B`
    /// (Chinese) or `Illustrative, not official: A; B` (English); empty when none marks it.
    pub fn row_mark(&self, code: &str, zh: bool) -> String {
        let labels: Vec<&str> = self
            .marked_for(code)
            .map(|i| if zh { i.label_zh.as_str() } else { i.label_en.as_str() })
            .collect();
        match (labels.is_empty(), zh) {
            (true, _) => String::new(),
            (false, true) => format!("示意测算，非官方输入：{}", labels.join("、")),
            (false, false) => format!("Illustrative, not official: {}", labels.join("; ")),
        }
    }

    /// The Chinese note (注), or None when every input is official or derived.
    pub fn note_zh(&self) -> Option<String> {
        if self.official {
            return None;
        }
        let marked: Vec<String> =
            self.marked().map(|i| format!("{}（{}）", i.label_zh, i.detail_zh())).collect();
        let mut note = format!("注：本结果为示意测算，非官方结果。非官方输入：{}。", marked.join("、"));
        let dated: Vec<String> = self
            .inputs
            .iter()
            .filter(|i| !i.is_marked() && i.status.is_some())
            .map(|i| format!("{}（{}）", i.label_zh, i.detail_zh()))
            .collect();
        if !dated.is_empty() {
            note.push_str(&format!("其余输入：{}。", dated.join("、")));
        }
        Some(note)
    }

    /// The English note, or None when every input is official or derived.
    pub fn note_en(&self) -> Option<String> {
        if self.official {
            return None;
        }
        let marked: Vec<String> =
            self.marked().map(|i| format!("{} ({})", i.label_en, i.detail_en())).collect();
        let mut note = format!(
            "Note: an illustrative calculation, not an official result. Inputs that are not official: {}.",
            marked.join("; ")
        );
        let dated: Vec<String> = self
            .inputs
            .iter()
            .filter(|i| !i.is_marked() && i.status.is_some())
            .map(|i| format!("{} ({})", i.label_en, i.detail_en()))
            .collect();
        if !dated.is_empty() {
            note.push_str(&format!(" Other inputs: {}.", dated.join("; ")));
        }
        Some(note)
    }

    /// The footer of a text or Markdown output: the Chinese and the English note, one per
    /// line (empty when there is no mark).
    pub fn footer(&self) -> String {
        match (self.note_zh(), self.note_en()) {
            (Some(zh), Some(en)) => format!("{zh}\n{en}\n"),
            _ => String::new(),
        }
    }

    /// A short subtitle for charts: `示意测算，非官方 · illustrative inputs: a, b` (None when official).
    pub fn subtitle(&self) -> Option<String> {
        if self.official {
            return None;
        }
        let names: Vec<&str> = self.marked().map(|i| i.name.as_str()).collect();
        Some(format!("示意测算，非官方 · not official: {} ", names.join(", ")).trim_end().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(text: &str) -> Result<Declared, DataError> {
        Declared::parse(text, &Location::file("i.csv"))
    }

    #[test]
    fn declarations_are_read_from_the_comment_block() {
        let d = decl(
            "# free note\n# @provenance: illustrative | source rule\n# @column a: official | as_of 2021-06 | scope 第一、二批 / batches 1–2\ncode,a,b\n# @column b: official\n",
        )
        .unwrap();
        assert_eq!(d.column("a").status, Some(Status::Official));
        assert_eq!(d.column("a").as_of, "2021-06");
        assert_eq!(d.column("b").status, Some(Status::Illustrative), "a line after the header is not read");
        assert_eq!(d.column("b").source, "rule");
        assert_eq!(decl("code,a\n").unwrap().column("a").status, None);
    }

    #[test]
    fn bad_declarations_name_their_line() {
        let e = decl("# @column a: real\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("'real'") && e.contains("official, derived"), "{e}");
        let e = decl("# @colum a: official\n").unwrap_err().to_string();
        assert!(e.contains("unknown metadata key '@colum a'"), "{e}");
        let e = decl("# @column a: official | date 2020\n").unwrap_err().to_string();
        assert!(e.contains("unknown provenance field 'date'"), "{e}");
    }

    #[test]
    fn marks_name_the_inputs_that_are_not_official() {
        let codes: Vec<String> = ["11", "12", "13"].map(String::from).to_vec();
        let official =
            Declaration { status: Some(Status::Official), as_of: "2021-06".into(), ..Default::default() };
        let mixed = Input::new(
            "gdp",
            Role::Development,
            &official,
            &codes,
            &[Status::Official, Status::Illustrative, Status::Official],
            ("人均地区生产总值", "GDP per capita"),
        );
        assert_eq!(mixed.status, Some(Status::Illustrative));
        assert_eq!(mixed.marked_units, vec!["12"]);
        let x = Input::new("x", Role::Indicator, &official, &codes, &[], ("小巨人", "little giants"));
        let p = Provenance::of(vec![x.clone(), mixed]);
        assert!(!p.official);
        let zh = p.note_zh().unwrap();
        assert!(
            zh.contains("人均地区生产总值（示意，1/3个单位，截至2021-06）") && zh.contains("小巨人（官方"),
            "{zh}"
        );
        let en = p.note_en().unwrap();
        assert!(en.contains("GDP per capita (illustrative for 1 of 3 units"), "{en}");
        let clean = Provenance::of(vec![x]);
        assert!(clean.official && clean.note_zh().is_none() && clean.footer().is_empty());
        assert!(clean.subtitle().is_none());
    }
}
