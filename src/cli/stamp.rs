//! The reproducibility stamp on the command line: the stamp of a run (`stamp_of`), and
//! `--check-stamp FILE` (`check`), which reads a published output, has the library compare it
//! with a fresh run of the current inputs, prints the report and exits 0 if it matches, 3 if
//! not. The comparison and the report are `quota::stamp::StampCheck` and
//! `quota::render::stamp`.

use std::path::Path;

use quota::allocate::InputLabels;
use quota::render::{self, RenderError};
use quota::scenario::Scenario;
use quota::stamp::{InputsText, PublishedFormat, RunStampError, Stamp, StampCheck, StampCheckError};

use super::load::{read_text, ScenarioInputs};
use super::output;
use super::{input, internal, Failure};

/// The stamp of a run of scenario `s` (loaded from `inputs`, with any command-line overrides
/// already applied to `s`).
pub fn stamp_of(s: &Scenario, inputs: &ScenarioInputs) -> Result<Stamp, Failure> {
    Stamp::of_inputs(s, inputs).map_err(|e| match e {
        RunStampError::Scenario(e) => internal(e),
        e => input(e),
    })
}

/// The labels of the files a scenario was read from.
pub fn labels(inputs: &ScenarioInputs) -> InputLabels {
    InputLabels::of(inputs)
}

/// `--check-stamp FILE`: compares FILE's stamp with `now` (the stamp of the current inputs)
/// and its content with `fresh(format)`, a fresh run rendered in FILE's format; prints the
/// report and succeeds if FILE matches, or fails with [`Failure::Mismatch`] (exit 3).
pub fn check(
    path: &Path,
    now: &Stamp,
    inputs: InputsText,
    fresh: impl FnOnce(PublishedFormat) -> Result<String, RenderError>,
) -> Result<(), Failure> {
    check_text(path, &read_text(path)?, now, inputs, fresh)
}

/// [`check`] of a published output already read as `published` (a workbook turned into text
/// by `quota::input::sheet::workbook_text`, say).
pub fn check_text<E: std::error::Error + Send + Sync + 'static>(
    path: &Path,
    published: &str,
    now: &Stamp,
    inputs: InputsText,
    fresh: impl FnOnce(PublishedFormat) -> Result<String, E>,
) -> Result<(), Failure> {
    let check =
        StampCheck::run(&path.display().to_string(), published, now, inputs, fresh).map_err(|e| match e {
            StampCheckError::Render(e) => internal(e),
            e => input(e),
        })?;
    output::emit(None, render::stamp::check_report(&check).as_bytes())?;
    if check.matches() {
        Ok(())
    } else {
        Err(Failure::Mismatch(anyhow::anyhow!(
            "{}: does not match a fresh run of its inputs (see above)",
            path.display()
        )))
    }
}

/// The [`render::Format`] a published output in `f` is re-rendered in.
pub fn format_of(f: PublishedFormat) -> render::Format {
    match f {
        PublishedFormat::Table => render::Format::Table,
        PublishedFormat::Csv => render::Format::Csv,
        PublishedFormat::Json => render::Format::Json,
        PublishedFormat::Markdown => render::Format::Md,
    }
}
