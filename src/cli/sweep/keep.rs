//! The file `--keep-all` streams every scenario into: DIR/scenarios.csv, or (feature
//! `parquet`) DIR/scenarios.parquet written by `quota::render::rows_parquet` from the same
//! rows. Without the feature, asking for Parquet is an input error saying how to build it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

#[cfg(not(feature = "parquet"))]
use super::super::internal;
use super::super::{input, Failure};
use super::args::KeepFormat;

/// An open `--keep-all` file.
pub enum Kept {
    Csv(BufWriter<File>),
    #[cfg(feature = "parquet")]
    Parquet(quota::render::rows_parquet::ParquetRows<BufWriter<File>>),
}

fn cannot(name: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| input(anyhow::anyhow!("cannot write {name}: {e}"))
}

/// Refuses a format this build cannot write (before any work is done).
pub fn check(format: KeepFormat) -> Result<(), Failure> {
    if format == KeepFormat::Parquet && !cfg!(feature = "parquet") {
        return Err(input(anyhow::anyhow!(
            "--keep-all=parquet: this quota was built without Parquet support; build it with the \
             `parquet` feature (cargo install --path . --features parquet, or cargo build --release \
             --features parquet), or keep the scenarios as CSV (--keep-all)"
        )));
    }
    Ok(())
}

impl Kept {
    /// Creates `dir/scenarios.{csv,parquet}`: a CSV starts with a UTF-8 byte-order mark when
    /// `bom` (`--bom`), then the `# stamp:` line when one is given (`--stamp`); Parquet keeps
    /// the stamp as the `quota.stamp` metadata.
    pub fn create(format: KeepFormat, dir: &Path, stamp: Option<&str>, bom: bool) -> Result<Kept, Failure> {
        let name = format.file_name();
        let file = BufWriter::with_capacity(1 << 20, File::create(dir.join(name)).map_err(cannot(name))?);
        let mut kept = match format {
            KeepFormat::Csv => Kept::Csv(file),
            #[cfg(feature = "parquet")]
            KeepFormat::Parquet => Kept::Parquet(quota::render::rows_parquet::ParquetRows::new(file)),
            #[cfg(not(feature = "parquet"))]
            KeepFormat::Parquet => {
                check(format)?;
                return Err(internal(anyhow::anyhow!("Parquet output is not built in")));
            }
        };
        if bom && format == KeepFormat::Csv {
            kept.sink().write_all("\u{feff}".as_bytes()).map_err(cannot(name))?;
        }
        if let Some(stamp) = stamp {
            writeln!(kept.sink(), "# {stamp}").map_err(cannot(name))?;
        }
        Ok(kept)
    }

    /// The sink the sweep writes its long CSV rows into.
    pub fn sink(&mut self) -> &mut (dyn Write + Send) {
        match self {
            Kept::Csv(w) => w,
            #[cfg(feature = "parquet")]
            Kept::Parquet(w) => w,
        }
    }

    /// Flushes the CSV, or writes the Parquet footer.
    pub fn finish(self) -> Result<(), Failure> {
        match self {
            Kept::Csv(mut w) => w.flush().map_err(cannot("scenarios.csv")),
            #[cfg(feature = "parquet")]
            Kept::Parquet(w) => {
                let mut file = w.finish().map_err(cannot("scenarios.parquet"))?;
                file.flush().map_err(cannot("scenarios.parquet"))
            }
        }
    }
}
