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

/// The extensions `-o FILE` recognises, with the format each one means.
pub const EXTENSIONS: [(&str, &str); 6] =
    [("csv", "csv"), ("json", "json"), ("md", "md"), ("txt", "table"), ("xlsx", "xlsx"), ("svg", "svg")];

/// A command's output format as `-o` and `--format` name it: its name on the command line.
pub trait Named: clap::ValueEnum + Copy + PartialEq {
    /// The name on the command line (`table`, `csv`, …).
    fn name(self) -> String {
        self.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
    }
}

impl<T: clap::ValueEnum + Copy + PartialEq> Named for T {}

/// The format to write: `--format` if given, else the one `-o FILE`'s extension names (`.csv`
/// `.json` `.md` `.txt` `.xlsx` `.svg`), else `default`. A `--format` that contradicts the
/// extension, an unknown extension, or one this command cannot write is an error that lists the
/// choices. A FILE without an extension takes `--format` or the default.
pub fn choose<F: Named>(
    command: &str,
    format: Option<F>,
    output: Option<&Path>,
    default: F,
) -> Result<F, Failure> {
    let Some(path) = output else { return Ok(format.unwrap_or(default)) };
    let Some(ext) = path.extension().map(|e| e.to_string_lossy().to_lowercase()) else {
        return Ok(format.unwrap_or(default));
    };
    let writes: Vec<(&str, F)> = EXTENSIONS
        .iter()
        .filter_map(|(e, name)| F::value_variants().iter().find(|v| v.name() == *name).map(|v| (*e, *v)))
        .collect();
    let listed = writes.iter().map(|(e, _)| format!(".{e}")).collect::<Vec<_>>().join(" ");
    let Some(&(_, by_ext)) = writes.iter().find(|(e, _)| *e == ext) else {
        let why = if EXTENSIONS.iter().any(|(e, _)| *e == ext) {
            format!("quota {command} does not write .{ext} files")
        } else {
            format!("unknown extension '.{ext}'")
        };
        return Err(super::input(anyhow::anyhow!(
            "-o {}: {why}; quota {command} writes {listed} (the extension chooses the format)",
            path.display()
        )));
    };
    match format {
        Some(f) if f != by_ext => Err(super::input(anyhow::anyhow!(
            "--format {} contradicts -o {} (a .{ext} file is written as {}); drop --format or change the extension",
            f.name(),
            path.display(),
            by_ext.name()
        ))),
        _ => Ok(by_ext),
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

/// Writes rendered text to `path` or stdout; with `bom` (given only for CSV, see
/// [`check_bom`]) a UTF-8 byte-order mark first, so Excel on Chinese Windows reads it as UTF-8.
pub fn emit_text(path: Option<&Path>, text: &str, bom: bool) -> Result<(), Failure> {
    if bom {
        let mut bytes = Vec::with_capacity(text.len() + 3);
        bytes.extend_from_slice("\u{feff}".as_bytes());
        bytes.extend_from_slice(text.as_bytes());
        emit(path, &bytes)
    } else {
        emit(path, text.as_bytes())
    }
}

/// `--stamp` applies to CSV only: an error for any other format (they carry the stamp anyway).
pub fn check_stamp_flag<F: Named>(stamp: bool, format: F) -> Result<(), Failure> {
    if stamp && format.name() != "csv" {
        return Err(super::input(anyhow::anyhow!(
            "--stamp applies to CSV output (a `# stamp:` first line); this output is {}, which carries the stamp already",
            format.name()
        )));
    }
    Ok(())
}

/// CSV `text` with a `# stamp: …` first line when `stamp` is given (`--stamp`), else as is.
pub fn stamped_csv(text: String, stamp: Option<&quota::stamp::Stamp>) -> String {
    match stamp {
        Some(s) => format!("# {}\n{text}", s.line()),
        None => text,
    }
}

/// `--bom` applies to CSV only: an error for any other format.
pub fn check_bom<F: Named>(bom: bool, format: F) -> Result<(), Failure> {
    if bom && format.name() != "csv" {
        return Err(super::input(anyhow::anyhow!(
            "--bom applies to CSV output (a byte-order mark for Excel); this output is {}",
            format.name()
        )));
    }
    Ok(())
}
