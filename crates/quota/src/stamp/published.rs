//! Stamps on published outputs: the stamp of a run ([`Stamp::of_run`]), and checking a
//! published output against a fresh run of its current inputs ([`StampCheck`], behind
//! `quota allocate --check-stamp FILE` and `quota apportion --check-stamp FILE`).
//!
//! A check compares the stamp found in the file with the stamp of the current inputs (inputs
//! hash, method, seed, version) and the file's content with a fresh run rendered in the
//! file's own format ([`PublishedFormat::detect`]), line by line, ignoring the stamp line
//! (and, for JSON, the `stamp`, `schema` and `inputs` fields: the schema tag describes the
//! layout, and input paths locate the inputs but are not their content).

use thiserror::Error;

use super::{Stamp, StampError, STAMP_PREFIX};
use crate::error::{DataError, Location};
use crate::scenario::ScenarioError;
use crate::scenario::{Inputs, Scenario, ScenarioFile};

/// Why the stamp of a run could not be computed.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum RunStampError {
    /// The scenario text no longer parses (it parsed when the scenario was built: an internal
    /// fault).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A data file could not be put in canonical form (bad input).
    #[error(transparent)]
    Data(#[from] DataError),
}

impl Stamp {
    /// The stamp of a run of `s`, a scenario built from `scenario_text` (read from `at`) and
    /// the data files `units_text` and `indicators_text`, with any overrides (method, total,
    /// merged cities, caps from a registry) already applied to `s`: the scenario is hashed as
    /// run.
    pub fn of_run(
        s: &Scenario,
        scenario_text: &str,
        at: Location,
        units_text: &str,
        indicators_text: &str,
    ) -> Result<Stamp, RunStampError> {
        let mut file = ScenarioFile::parse(scenario_text, at)?;
        file.method = s.method.name().to_string();
        file.total = s.total;
        file.merge_cities = s.merged;
        Ok(Stamp::compute_for(s, &file, units_text, indicators_text)?)
    }

    /// The stamp of a run of `s`, a scenario loaded from `inputs` ([`crate::scenario::load`])
    /// with any overrides applied to `s` (see [`Stamp::of_run`]).
    pub fn of_inputs(s: &Scenario, inputs: &Inputs) -> Result<Stamp, RunStampError> {
        Stamp::of_run(
            s,
            &inputs.scenario.text,
            inputs.scenario.location(),
            &inputs.units_source.text,
            &inputs.indicators_source.text,
        )
    }
}

/// The format of a published output, as recognised from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublishedFormat {
    /// Aligned text (anything not recognised as another format).
    Table,
    /// CSV with a `# stamp:` first line.
    Csv,
    /// A JSON document.
    Json,
    /// Markdown (starts with `**`).
    Markdown,
}

impl PublishedFormat {
    /// Recognises the format of a published output from its content.
    pub fn detect(text: &str) -> PublishedFormat {
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('{') {
            PublishedFormat::Json
        } else if t.starts_with("# stamp:") {
            PublishedFormat::Csv
        } else if t.starts_with("**") {
            PublishedFormat::Markdown
        } else {
            PublishedFormat::Table
        }
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            PublishedFormat::Table => "table",
            PublishedFormat::Csv => "csv",
            PublishedFormat::Json => "json",
            PublishedFormat::Markdown => "markdown",
        }
    }
}

/// How a check report names a command's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputsText {
    /// When the hashes agree, e.g. "canonical scenario, units and indicators hash alike".
    pub same: &'static str,
    /// When they differ: what may have changed.
    pub different: &'static str,
}

/// The inputs of `quota allocate` (and every scenario-based command).
pub const SCENARIO_INPUTS: InputsText = InputsText {
    same: "canonical scenario, units and indicators hash alike",
    different: "the scenario or a data file changed in a value that matters, or the run's options differ (--method, --total, --merge-cities, --caps-from)",
};

/// The inputs of `quota apportion`.
pub const TABLE_INPUTS: InputsText = InputsText {
    same: "canonical weight table, method and seats hash alike",
    different: "the weight table changed in a value that matters, or --method or --seats differ",
};

/// The first line where a published output and a fresh run differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDiff {
    /// 1-based line number (of the JSON re-printed without stamp, schema and input paths, for
    /// JSON).
    pub line: usize,
    /// The file's line (None: the file ended).
    pub published: Option<String>,
    /// The fresh run's line (None: the fresh output ended).
    pub fresh: Option<String>,
}

/// The result of checking a published output against a fresh run of its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct StampCheck {
    /// The published file, as named.
    pub file: String,
    /// Its format.
    pub format: PublishedFormat,
    /// The stamp found in it.
    pub found: Stamp,
    /// The stamp of the current inputs.
    pub now: Stamp,
    /// How the command names its inputs.
    pub inputs: InputsText,
    /// The first line where the content differs, if any.
    pub content: Option<LineDiff>,
}

/// Why a published output could not be checked.
#[derive(Debug, Error)]
pub enum StampCheckError<E> {
    /// No readable stamp in the published file (bad input).
    #[error("{file}: {problem}")]
    Stamp {
        /// The published file.
        file: String,
        /// What is wrong with its stamp.
        problem: StampError,
    },
    /// Rendering the fresh run failed.
    #[error(transparent)]
    Render(E),
}

impl StampCheck {
    /// Checks `published` (the text of `file`) against `now`, the stamp of the current
    /// inputs, and against `fresh(format)`: a fresh run rendered, with its stamp, in the
    /// format the file is in.
    pub fn run<E>(
        file: &str,
        published: &str,
        now: &Stamp,
        inputs: InputsText,
        fresh: impl FnOnce(PublishedFormat) -> Result<String, E>,
    ) -> Result<StampCheck, StampCheckError<E>> {
        let found = Stamp::find(published)
            .map_err(|problem| StampCheckError::Stamp { file: file.to_string(), problem })?;
        let format = PublishedFormat::detect(published);
        let fresh = fresh(format).map_err(StampCheckError::Render)?;
        let (old, new) = if format == PublishedFormat::Json {
            (json_lines(published), json_lines(&fresh))
        } else if format == PublishedFormat::Csv {
            // CSV is plain data: the `# stamp:` line is in the file only on request
            // (`--stamp`), never in a fresh rendering; a blank line stands for it on the fresh
            // side so that line numbers are the file's.
            let old = normalise(published);
            let mut new = normalise(&fresh);
            if old.first().is_some_and(|l| l.is_empty()) && new.first().is_some_and(|l| !l.is_empty()) {
                new.insert(0, String::new());
            }
            (old, new)
        } else {
            (normalise(published), normalise(&fresh))
        };
        let content = (0..old.len().max(new.len())).find(|&k| old.get(k) != new.get(k)).map(|k| LineDiff {
            line: k + 1,
            published: old.get(k).cloned(),
            fresh: new.get(k).cloned(),
        });
        Ok(StampCheck { file: file.to_string(), format, found, now: now.clone(), inputs, content })
    }

    /// Whether the inputs hash alike.
    pub fn same_inputs(&self) -> bool {
        self.found.inputs_sha256 == self.now.inputs_sha256
    }

    /// Whether the method is the same.
    pub fn same_method(&self) -> bool {
        self.found.method == self.now.method
    }

    /// Whether the seed is the same.
    pub fn same_seed(&self) -> bool {
        self.found.seed == self.now.seed
    }

    /// Whether the same quota version made the file (informational: not part of the verdict).
    pub fn same_version(&self) -> bool {
        self.found.version == self.now.version
    }

    /// The verdict: the published output still follows from its inputs (same inputs, method
    /// and seed, and the same content as a fresh run apart from the stamp).
    pub fn matches(&self) -> bool {
        self.same_inputs() && self.same_method() && self.same_seed() && self.content.is_none()
    }
}

/// The lines of an output, its stamp line blanked (stamps are compared separately; blanking
/// keeps line numbers), without trailing spaces and final blank lines.
fn normalise(text: &str) -> Vec<String> {
    let t = text.trim_start_matches('\u{feff}');
    let stamp = format!("{STAMP_PREFIX}quota ");
    let mut lines: Vec<String> = t
        .lines()
        .map(|l| if l.contains(&stamp) { String::new() } else { l.trim_end().to_string() })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// A JSON output without its stamp, schema and input labels, pretty-printed line by line.
fn json_lines(text: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
        Ok(mut v) => {
            if let Some(map) = v.as_object_mut() {
                // The schema tag leaves the rest in order; the other two are removed as they
                // always were (a swap with the last field), so reports keep their line numbers.
                map.shift_remove("schema");
                map.remove("inputs");
                map.remove("stamp");
            }
            normalise(&serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Err(_) => normalise(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(method: &str) -> Stamp {
        Stamp { version: "0.1.0".into(), inputs_sha256: "ab".repeat(32), method: method.into(), seed: None }
    }

    #[test]
    fn formats_are_recognised_from_the_content() {
        assert_eq!(PublishedFormat::detect("\u{feff} {\"a\": 1}"), PublishedFormat::Json);
        assert_eq!(PublishedFormat::detect("# stamp: quota"), PublishedFormat::Csv);
        assert_eq!(PublishedFormat::detect("**x**"), PublishedFormat::Markdown);
        assert_eq!(PublishedFormat::detect("scenario x"), PublishedFormat::Table);
    }

    #[test]
    fn a_check_compares_stamps_and_content_apart_from_the_stamp_line() {
        let now = stamp("webster");
        let text = |s: &Stamp, body: &str| format!("{body}\n\n{}\n", s.line());
        let same = StampCheck::run("f", &text(&now, "a\nb"), &now, TABLE_INPUTS, |f| {
            assert_eq!(f, PublishedFormat::Table);
            Ok::<_, String>(text(&now, "a\nb  "))
        })
        .unwrap();
        assert!(same.matches(), "{same:?}");
        let moved = StampCheck::run("f", &text(&now, "a\nc"), &now, TABLE_INPUTS, |_| {
            Ok::<_, String>(text(&now, "a\nb"))
        })
        .unwrap();
        assert_eq!(
            moved.content,
            Some(LineDiff { line: 2, published: Some("c".into()), fresh: Some("b".into()) })
        );
        assert!(!moved.matches());
        let other = StampCheck::run("f", &text(&stamp("adams"), "a"), &now, TABLE_INPUTS, |_| {
            Ok::<_, String>(text(&now, "a"))
        })
        .unwrap();
        assert!(!other.same_method() && other.same_inputs() && !other.matches());
    }

    #[test]
    fn json_checks_ignore_stamp_schema_and_input_paths() {
        let now = stamp("hamilton");
        let doc = |schema: bool, path: &str, slots: u64| {
            let mut v = serde_json::json!({ "stamp": now, "inputs": { "units": path }, "slots": slots });
            if schema {
                v["schema"] = "quota.allocate/1".into();
            }
            serde_json::to_string_pretty(&v).unwrap()
        };
        let ok = StampCheck::run("f.json", &doc(false, "a/u.csv", 3), &now, SCENARIO_INPUTS, |f| {
            assert_eq!(f, PublishedFormat::Json);
            Ok::<_, String>(doc(true, "b/u.csv", 3))
        })
        .unwrap();
        assert!(ok.matches(), "{ok:?}");
        let bad = StampCheck::run("f.json", &doc(false, "a/u.csv", 4), &now, SCENARIO_INPUTS, |_| {
            Ok::<_, String>(doc(true, "a/u.csv", 3))
        })
        .unwrap();
        assert_eq!(bad.content.map(|d| d.line), Some(2));
    }

    #[test]
    fn a_file_without_a_stamp_is_named_in_the_error() {
        let e = StampCheck::run("x.txt", "hello\n", &stamp("adams"), TABLE_INPUTS, |_| {
            Ok::<_, String>(String::new())
        })
        .unwrap_err();
        assert!(e.to_string().starts_with("x.txt: no reproducibility stamp found"), "{e}");
    }
}
