//! Output formats and safe writing: everything is rendered to a string first, then written to
//! stdout or, with `-o FILE`, to a temporary file beside FILE that is renamed over it — so a
//! failed or interrupted run never leaves a half-written file (nor its temporary file: see
//! [`super::guard`]). `-o` refuses to replace anything but a regular file, and any of the
//! run's own inputs.

use std::io::Write;
use std::path::Path;

use super::{guard, internal, Failure};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// Markdown table.
    Md,
}

impl From<Format> for quota::render::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => quota::render::Format::Table,
            Format::Csv => quota::render::Format::Csv,
            Format::Json => quota::render::Format::Json,
            Format::Md => quota::render::Format::Md,
        }
    }
}

/// Writes `content` to `path` atomically (temp file + rename), or to stdout.
pub fn emit(path: Option<&Path>, content: &[u8]) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content).and_then(|_| out.flush()).map_err(internal)
        }
        Some(p) => write_atomic(p, content),
    }
}

/// Writes a file atomically: a temporary file in the same directory, then a rename. Refuses a
/// target that is not a regular file or is one of the run's inputs.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), Failure> {
    guard::check_output_file(path)?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result =
        guard::create_temporary(&tmp, || std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp))
            .and_then(|mut f| f.write_all(content))
            .and_then(|_| std::fs::rename(&tmp, path));
    match result {
        Ok(()) => {
            guard::forget_temporary(&tmp);
            Ok(())
        }
        Err(e) => {
            guard::remove_temporary(&tmp);
            Err(super::input(anyhow::anyhow!("{}: cannot write: {e}", path.display())))
        }
    }
}
