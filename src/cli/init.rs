//! `quota init DIR`: writes the starter kit (`quota::starter`) into DIR, creating DIR if
//! needed. It never overwrites: if any of the kit's files exists, nothing is written and the
//! error names them (exit 2).

use std::path::PathBuf;

use super::{input, internal, output, Failure};

/// Write a starter kit: a scenario that runs from anywhere, an indicators workbook, a guide.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes DIR/scenario.toml (the bundled 2024 first-batch scenario, its indicators read from\nthe workbook beside it and the bundled units), DIR/indicators.xlsx (the 37 units, one column per\nindicator, pre-filled with the bundled values, with a status and a source row per column) and\nDIR/README.md (a guide in Chinese and English). Unchanged, `quota allocate DIR/scenario.toml`\ngives the bundled allocation. Refuses, writing nothing, if any of these files exists.\n\nExample:\n  quota init my-batch && quota allocate my-batch/scenario.toml"
)]
pub struct Args {
    /// Directory to write the kit into (created if missing).
    dir: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let kit = quota::starter::kit().map_err(internal)?;
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(input(anyhow::anyhow!("{}: exists and is not a directory", dir.display())));
    }
    let existing: Vec<String> = kit
        .iter()
        .map(|f| dir.join(f.name))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{} already exist{}: quota init never overwrites a file (move {} away or choose another directory); nothing was written",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            if existing.len() == 1 { "it" } else { "them" },
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| input(anyhow::anyhow!("{}: cannot create the directory: {e}", dir.display())))?;
    for file in &kit {
        output::write_atomic(&dir.join(file.name), &file.bytes)?;
    }
    let names: Vec<&str> = kit.iter().map(|f| f.name).collect();
    let scenario = dir.join(quota::starter::SCENARIO_FILE);
    let message = format!(
        "{}: wrote {}\nnext: quota allocate {}\n",
        dir.display(),
        names.join(", "),
        scenario.display()
    );
    output::emit(None, message.as_bytes())
}
