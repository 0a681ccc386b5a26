//! `quota sweep merge PARTIAL… [-o DIR]`: reads the partials of a sharded sweep, loads the
//! scenario they ran on (checked by its stamp), and has the library merge them
//! ([`quota::sweep::merge`]) into the study the unsharded run gives, written the same way.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use quota::sweep::{self, Partial};

use super::super::output_dir::{check_output_dir, Staging};
use super::super::{input, internal, load, Failure};
use super::args::MergeArgs;
use super::{publish, stamp_of_sweep};

pub fn run(args: MergeArgs) -> Result<(), Failure> {
    if let Some(dir) = &args.output {
        check_output_dir(dir, args.force)?;
    }
    sweep::check_threads(args.threads).map_err(input)?;
    let started = Instant::now();
    let mut partials = Vec::with_capacity(args.partials.len());
    for path in &args.partials {
        let label = path.display().to_string();
        let text = read_partial(path)?;
        partials.push((label.clone(), Partial::from_json(&label, &text).map_err(input)?));
    }
    let spec =
        partials.first().map(|(_, p)| p.spec.clone()).ok_or_else(|| input(sweep::MergeError::Empty))?;
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let scenario = args.constraints.apply(scenario, args.overrides.method)?;
    let stamp = stamp_of_sweep(&scenario, &inputs, &spec)?;
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build().map_err(internal)?;
    let mut study = pool.install(|| sweep::merge(&scenario, partials, Some(&stamp.line()))).map_err(input)?;
    study.stamp = Some(stamp);
    let staging = args.output.as_deref().map(|dir| Staging::new(dir, args.force)).transpose()?;
    publish(&study, staging, args.format, args.bom, started.elapsed(), args.stamp)
}

/// Reads a partial (UTF-8 JSON) of at most [`sweep::MEMORY_BUDGET_BYTES`] (a Sobol partial holds
/// every run of its base samples, so it can exceed the 64 MiB of an input file); the file is
/// recorded as one of the run's inputs, which `-o` will not overwrite.
fn read_partial(path: &Path) -> Result<String, Failure> {
    super::super::guard::record_input(path);
    let cannot =
        |e: std::io::Error| input(anyhow::anyhow!("{}: cannot read the partial: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut text = String::new();
    file.take(sweep::MEMORY_BUDGET_BYTES + 1).read_to_string(&mut text).map_err(cannot)?;
    if text.len() as u64 > sweep::MEMORY_BUDGET_BYTES {
        return Err(input(anyhow::anyhow!(
            "{}: larger than {} MiB, the most a sweep may hold; split the sweep into fewer shards of fewer samples",
            path.display(),
            sweep::MEMORY_BUDGET_BYTES >> 20
        )));
    }
    Ok(text)
}
