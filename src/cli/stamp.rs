//! The reproducibility stamp on the command line: computing it for a run, and
//! `quota allocate --check-stamp FILE` / `quota apportion --check-stamp FILE`, which recompute a
//! published output from the current inputs and say whether it still matches (exit 0) or not
//! (exit 3).

use std::path::Path;

use quota::allocate::Allocation;
use quota::scenario::{Scenario, ScenarioFile};
use quota::stamp::Stamp;

use super::load::{read_text, ScenarioInputs};
use super::output::{self, Format};
use super::{input, internal, Failure};

/// The stamp of a run of scenario `s` (built from `inputs`, with any command-line overrides
/// already applied to `s`).
pub fn stamp_of(s: &Scenario, inputs: &ScenarioInputs) -> Result<Stamp, Failure> {
    let mut file =
        ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(internal)?;
    // The scenario as run: the overrides (--method, --total, --merge-cities) are in `s`.
    file.method = s.method.name().to_string();
    file.total = s.total;
    file.merge_cities = s.merged;
    Stamp::compute_for(s, &file, &inputs.units_source.text, &inputs.indicators_source.text).map_err(input)
}

/// Which format a published output is in, from its content.
pub fn detect_format(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        Format::Json
    } else if t.starts_with("# stamp:") {
        Format::Csv
    } else if t.starts_with("**") {
        Format::Md
    } else {
        Format::Table
    }
}

/// The lines of an output, its stamp line blanked (stamps are compared separately; blanking
/// keeps line numbers), without trailing spaces and final blank lines.
fn normalise(text: &str) -> Vec<String> {
    let t = text.trim_start_matches('\u{feff}');
    let stamp = format!("{}quota ", quota::stamp::STAMP_PREFIX);
    let mut lines: Vec<String> = t
        .lines()
        .map(|l| if l.contains(&stamp) { String::new() } else { l.trim_end().to_string() })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// A JSON output without its stamp (compared separately) and its `inputs` labels (file paths
/// as typed on the command line, which locate the inputs but are not their content),
/// pretty-printed line by line.
fn json_lines(text: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
        Ok(mut v) => {
            if let Some(map) = v.as_object_mut() {
                map.remove("inputs");
                map.remove("stamp");
            }
            normalise(&serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Err(_) => normalise(text),
    }
}

/// How a command's `--check-stamp` report names its inputs.
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

/// `quota allocate --check-stamp FILE`: compares FILE's stamp and content with a fresh run of
/// scenario `s`; returns the report and whether everything matches. `render` renders the
/// fresh run in a given format (with its stamp).
pub fn check(
    path: &Path,
    s: &Scenario,
    a: &Allocation,
    inputs: &ScenarioInputs,
    render: impl Fn(&Scenario, &Allocation, Format, &ScenarioInputs) -> Result<String, Failure>,
) -> Result<(String, bool), Failure> {
    let now = stamp_of(s, inputs)?;
    compare(path, &now, &SCENARIO_INPUTS, |format| render(s, a, format, inputs))
}

/// `--check-stamp FILE` for any command: compares FILE's stamp with `now` (the stamp of the
/// current inputs) and FILE's content with `render(format)`, a fresh run rendered in the
/// format FILE is in (with its stamp). Returns the report and whether everything matches.
pub fn compare(
    path: &Path,
    now: &Stamp,
    inputs_text: &InputsText,
    render: impl Fn(Format) -> Result<String, Failure>,
) -> Result<(String, bool), Failure> {
    let published = read_text(path)?;
    let found = Stamp::find(&published).map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
    let format = detect_format(&published);
    let fresh = render(format)?;
    let (old_lines, new_lines) = if format == Format::Json {
        (json_lines(&published), json_lines(&fresh))
    } else {
        (normalise(&published), normalise(&fresh))
    };
    let first_diff =
        (0..old_lines.len().max(new_lines.len())).find(|&k| old_lines.get(k) != new_lines.get(k));

    let mut out = vec![
        format!("published: {} ({} output)", path.display(), format_name(format)),
        format!("  stamp in file:   {found}"),
        format!("  stamp of inputs: {now}"),
    ];
    let same_inputs = found.inputs_sha256 == now.inputs_sha256;
    out.push(if same_inputs {
        format!("  inputs:  same ({})", inputs_text.same)
    } else {
        format!("  inputs:  DIFFERENT — {}", inputs_text.different)
    });
    let same_method = found.method == now.method;
    out.push(if same_method {
        format!("  method:  same ({})", now.method)
    } else {
        format!(
            "  method:  DIFFERENT (file {}, now {}; pass --method {}?)",
            found.method, now.method, found.method
        )
    });
    let same_seed = found.seed == now.seed;
    out.push(if same_seed { "  seed:    same".into() } else { "  seed:    DIFFERENT".into() });
    out.push(if found.version == now.version {
        format!("  version: same ({})", now.version)
    } else {
        format!("  version: file made by quota {}, checked with {}", found.version, now.version)
    });
    out.push(match first_diff {
        None => "  content: identical to a fresh run (apart from the stamp)".into(),
        Some(k) => format!(
            "  content: DIFFERS from a fresh run at line {}{}:\n    file:  {}\n    fresh: {}",
            k + 1,
            if format == Format::Json { " of the JSON re-printed without stamp and input paths" } else { "" },
            old_lines.get(k).map_or("(end of file)", String::as_str),
            new_lines.get(k).map_or("(end of output)", String::as_str)
        ),
    });
    let matches = same_inputs && same_method && same_seed && first_diff.is_none();
    out.push(if matches {
        "match: the published output still follows from its inputs".into()
    } else {
        "MISMATCH: the published output does not follow from the current inputs".into()
    });
    Ok((out.join("\n") + "\n", matches))
}

/// Ends a `--check-stamp` run: prints the `report` on stdout, then succeeds if the published
/// output at `path` `matches`, or fails with [`Failure::Mismatch`] (exit 3) if not.
pub fn conclude(path: &Path, report: &str, matches: bool) -> Result<(), Failure> {
    output::emit(None, report.as_bytes())?;
    if matches {
        Ok(())
    } else {
        Err(Failure::Mismatch(anyhow::anyhow!(
            "{}: does not match a fresh run of its inputs (see above)",
            path.display()
        )))
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Md => "markdown",
    }
}
