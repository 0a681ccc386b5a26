//! `quota sweep`: sensitivity sweeps over a scenario's weights (and, optionally, its disparity
//! parameters) — grid, one-at-a-time with exact breakpoints, Monte Carlo, Sobol, Morris. The command
//! parses its flags into a [`quota::sweep::SweepSpec`], runs [`quota::sweep::study`] with a
//! progress bar and (with --keep-all) a file for every scenario, and writes what
//! [`quota::render::sweep`] renders: the summary to stdout, or every output into `-o DIR`
//! (staged by [`super::output_dir`]; Ctrl-C removes the staging directory: [`super::guard`]).

mod args;
mod keep;
mod merge;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use quota::render;
use quota::sweep::{self, Hooks};

pub use args::Args;
use args::{KeepFormat, SweepCommand};

use super::load;
use super::output;
use super::output_dir::{check_output_dir, Staging};
use super::{input, internal, Failure};

/// A progress bar on stderr, shown only when stderr is a terminal and the run has lasted
/// more than a second.
/// Positions only move forward (worker threads report out of order), and the rate is a whole
/// number of scenarios per second (thousands separated: 12,345/s).
struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
    tty: bool,
    shown: std::sync::atomic::AtomicU64,
}

impl Progress {
    fn new() -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} scenarios ({rate}, eta {eta})",
            )
            .expect("valid template")
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", thousands(state.per_sec()));
            })
            .progress_chars("=> "),
        );
        Progress {
            bar,
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn update(&self, done: u64, total: u64) {
        if self.tty && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        // Only a report beyond every earlier one moves the bar.
        let before = self.shown.fetch_max(done, std::sync::atomic::Ordering::Relaxed);
        if done > before || before == 0 {
            self.bar.set_length(total);
            self.bar.set_position(done.max(before));
        }
    }

    fn finish(&self) {
        if !self.bar.is_hidden() {
            self.bar.finish_and_clear();
        }
    }
}

/// A rate as a whole number with thousands separated by commas (12,345).
fn thousands(rate: f64) -> String {
    let digits = format!("{:.0}", rate.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn run(args: Args) -> Result<(), Failure> {
    if let Some(SweepCommand::Merge(m)) = args.command {
        return merge::run(m);
    }
    if let (Some(dir), None) = (&args.output, args.shard) {
        check_output_dir(dir, args.force)?;
    }
    if args.bom && args.shard.is_some() {
        return Err(input(anyhow::anyhow!(
            "--bom applies to CSV output; with --shard the output is a JSON partial (give --bom to quota sweep merge)"
        )));
    }
    if let Some(format) = args.keep_all {
        keep::check(format)?;
        if args.shard.is_some() {
            return Err(input(sweep::SweepError::RowsWithShard));
        }
        if args.output.is_none() {
            return Err(input(anyhow::anyhow!(
                "--keep-all writes DIR/{}: give an output directory with -o DIR",
                format.file_name()
            )));
        }
    }
    args.check_design()?;
    sweep::check_threads(args.threads).map_err(input)?;
    let spec = args.spec()?;
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let scenario = args.constraints.apply(scenario, args.overrides.method)?;
    let stamp = stamp_of_sweep(&scenario, &inputs, &spec)?;
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build().map_err(internal)?;
    if let Some(shard) = args.shard {
        let progress = Progress::new();
        let report = |done: u64, total: u64| progress.update(done, total);
        let hooks = Hooks { progress: Some(&report), ..Hooks::default() };
        let started = Instant::now();
        let result = pool.install(|| sweep::shard(&scenario, &spec, shard, hooks));
        progress.finish();
        let mut partial = result.map_err(input)?;
        partial.stamp = Some(stamp.line());
        output::emit(args.output.as_deref(), partial.to_json().map_err(internal)?.as_bytes())?;
        if let Some(path) = &args.output {
            eprintln!(
                "{}: wrote shard {} (items {}..{} of {}) in {:.2} s",
                path.display(),
                shard,
                partial.items.from,
                partial.items.to,
                partial.items.of,
                started.elapsed().as_secs_f64()
            );
        }
        return Ok(());
    }
    let staging = args.output.as_deref().map(|dir| Staging::new(dir, args.force)).transpose()?;
    let mut rows = match (&staging, args.keep_all) {
        (Some(st), Some(format)) => {
            // A Parquet file keeps the stamp as metadata, which no reader mistakes for data.
            let line = (args.stamp || format == KeepFormat::Parquet).then(|| stamp.line());
            Some(keep::Kept::create(format, &st.path(""), line.as_deref(), args.bom)?)
        }
        _ => None,
    };
    let progress = Progress::new();
    let report = |done: u64, total: u64| progress.update(done, total);
    let hooks = Hooks { progress: Some(&report), cancel: None, rows: rows.as_mut().map(keep::Kept::sink) };
    let started = Instant::now();
    let result = pool.install(|| sweep::study(&scenario, &spec, hooks));
    progress.finish();
    let mut study = result.map_err(input)?;
    let elapsed = started.elapsed();
    if let Some(kept) = rows {
        kept.finish()?;
    }
    study.stamp = Some(stamp);
    publish(&study, staging, args.format, args.bom, elapsed, args.stamp)
}

/// The stamp of a sweep of `scenario` (with the seed of a random design).
fn stamp_of_sweep(
    scenario: &quota::scenario::Scenario,
    inputs: &load::ScenarioInputs,
    spec: &sweep::SweepSpec,
) -> Result<quota::stamp::Stamp, Failure> {
    let mut stamp = super::stamp::stamp_of(scenario, inputs)?;
    if let Some(seed) = spec.seed(scenario) {
        stamp.seed = Some(seed);
    }
    Ok(stamp)
}

/// The UTF-8 byte-order mark `--bom` puts first in CSV output.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Writes a study: its summary to stdout in `format`, or every output into the staging
/// directory, committed.
fn publish(
    study: &sweep::SweepStudy,
    staging: Option<Staging>,
    format: output::Format,
    bom: bool,
    elapsed: Duration,
    stamp: bool,
) -> Result<(), Failure> {
    let stamp = study.stamp.as_ref().filter(|_| stamp);
    match staging {
        None => {
            output::check_bom(bom, format)?;
            if stamp.is_some() {
                output::check_stamp_flag(true, format)?;
            }
            let text = render::sweep::render(study, format.into()).map_err(internal)?;
            output::emit_text(None, &output::stamped_csv(text, stamp), bom)
        }
        Some(st) => {
            for (name, content) in render::sweep::files(study).map_err(internal)? {
                let csv = name.ends_with(".csv");
                let mut bytes = Vec::with_capacity(content.len() + 128);
                if bom && csv {
                    bytes.extend_from_slice(BOM);
                }
                if let (Some(s), true) = (stamp, csv) {
                    bytes.extend_from_slice(format!("# {}\n", s.line()).as_bytes());
                }
                bytes.extend_from_slice(&content);
                st.write(&name, &bytes)?;
            }
            let dir = st.dir.clone();
            let names = st.commit()?;
            eprintln!(
                "{}: wrote {} ({} scenarios in {:.2} s)",
                dir.display(),
                names.join(", "),
                study.scenarios,
                elapsed.as_secs_f64()
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rate_is_a_whole_number_with_thousands_separated() {
        assert_eq!(super::thousands(0.4), "0");
        assert_eq!(super::thousands(999.6), "1,000");
        assert_eq!(super::thousands(1234567.8912), "1,234,568");
    }

    #[test]
    fn the_bar_never_moves_back() {
        let p = super::Progress::new();
        p.update(50, 100);
        p.update(30, 100);
        assert_eq!(p.bar.position(), 50);
        p.update(70, 100);
        assert_eq!(p.bar.position(), 70);
    }
}
