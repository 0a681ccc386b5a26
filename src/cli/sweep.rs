//! `quota sweep`: sensitivity sweeps over a scenario's weights (and, optionally, its disparity
//! parameters) — grid, one-at-a-time with exact breakpoints, Monte Carlo, Sobol — with a
//! per-unit summary, charts and (optionally) every scenario as long CSV.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use quota::explain::ParadoxProbe;
use quota::scenario::Scenario;
use quota::sweep::eval::{Columns, Evaluator, Rule};
use quota::sweep::grid::Grid;
use quota::sweep::montecarlo::{MonteCarlo, WeightDraw};
use quota::sweep::oat::{self, OatResult};
use quota::sweep::run::{self, Hooks};
use quota::sweep::sobol::{self, SobolOptions, SobolResult};
use quota::sweep::svg;
use quota::sweep::{Factor, Space, Tally, UnitSummary};
use serde_json::json;

use super::flags::OverrideFlags;
use super::load;
use super::output::{self, Align, Format};
use super::output_dir::{check_output_dir, Staging};
use super::{input, internal, Failure};

/// The design of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DesignArg {
    /// Every weight vector on the simplex with step --step.
    Grid,
    /// One factor at a time over --range, with exact breakpoints.
    Oat,
    /// Random weights (--dirichlet C or --uniform) and/or indicator noise (--noise PCT).
    MonteCarlo,
    /// Sobol indices with bootstrap confidence intervals (--samples N).
    Sobol,
}

/// How weightings move every unit's slots and funding: sensitivity sweeps.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota sweep --design grid --step 0.05\n  quota sweep --design oat --weight cultivation --range 0:0.6 -o out/oat\n  quota sweep --design monte-carlo --dirichlet 50 --noise 5 --scenarios 1000000 --seed 7\n  quota sweep --design sobol --samples 16384 --vary development_weight=0:0.3 -o out/sobol\n\nWith -o DIR every output is written to DIR (summary in all formats, SVG charts, breakpoints or\nindices, and with --keep-all every scenario); DIR must be new or empty unless --force.\nPNG: rsvg-convert -w 1600 DIR/tornado.svg -o tornado.png (Debian: librsvg2-bin, fonts-noto-cjk)."
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    /// The design.
    #[arg(long, value_enum)]
    design: DesignArg,
    #[command(flatten)]
    overrides: OverrideFlags,
    /// grid: the step h on the simplex (1/h must be a whole number).
    #[arg(long, default_value_t = 0.05)]
    step: f64,
    /// oat: the factor(s) to vary, one at a time — an indicator column, development_weight or
    /// a region (东部/中部/西部/东北); repeatable; default every indicator weight.
    #[arg(long = "weight")]
    weights: Vec<String>,
    /// oat: the range A:B of the varied factor (default 0:1 for a weight, 0:0.5 for the
    /// development weight, 0.5:2 for a multiplier). sobol: the range of every raw weight as
    /// multiples of its scenario value (default 0.5:1.5).
    #[arg(long)]
    range: Option<String>,
    /// monte-carlo: the number of scenarios.
    #[arg(long, default_value_t = 100_000)]
    scenarios: u64,
    /// monte-carlo: Dirichlet weights around the scenario's, with this concentration.
    #[arg(long, conflicts_with = "uniform")]
    dirichlet: Option<f64>,
    /// monte-carlo: weights uniform on the simplex.
    #[arg(long)]
    uniform: bool,
    /// monte-carlo: multiplicative noise on every indicator value, ±PCT percent.
    #[arg(long, value_name = "PCT")]
    noise: Option<f64>,
    /// sobol: base samples N (N·(d+2) runs).
    #[arg(long, default_value_t = 4096)]
    samples: u64,
    /// sobol: bootstrap resamples for the confidence intervals.
    #[arg(long, default_value_t = 100)]
    bootstrap: u32,
    /// Seed for the random designs (default: the scenario's `seed`, else 2024).
    #[arg(long)]
    seed: Option<u64>,
    /// Also vary a disparity parameter, NAME=A:B (development_weight, or a region such as 西部).
    #[arg(long = "vary", value_name = "NAME=A:B")]
    vary: Vec<String>,
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Write every scenario as long CSV (DIR/scenarios.csv; grid, monte-carlo and sobol).
    #[arg(long)]
    keep_all: bool,
    /// Also check every scenario for paradoxes (Alabama at N±1, quota rule) and add per-unit
    /// columns (grid and monte-carlo, apportionment methods; 3–4× the time).
    #[arg(long)]
    paradoxes: bool,
    /// Unit (code) shown in the grid's simplex map (default: the unit whose slots move most).
    #[arg(long)]
    unit: Option<String>,
    /// Largest number of grid scenarios accepted.
    #[arg(long, default_value_t = 200_000_000)]
    limit: u64,
    /// Summary format on stdout (with -o DIR every format is written).
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Output directory (new or empty; see --force).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write into an existing non-empty output directory (replacing files of the same names).
    #[arg(long)]
    force: bool,
}

/// Parses "A:B".
fn parse_range(what: &str, s: &str) -> Result<(f64, f64), Failure> {
    let bad = || input(anyhow::anyhow!("{what}: '{s}' is not a range; expected A:B, e.g. 0:0.6"));
    let (a, b) = s.split_once(':').ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    Ok((a, b))
}

/// A progress bar on stderr, shown only when stderr is a terminal and the run has lasted
/// more than a second.
struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
    tty: bool,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} scenarios ({per_sec}, eta {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Progress { bar, start: Instant::now(), tty: std::io::stderr().is_terminal() }
    }
    fn update(&self, done: u64) {
        if self.tty && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done);
    }
    fn finish(&self) {
        if !self.bar.is_hidden() {
            self.bar.finish_and_clear();
        }
    }
}

/// What a design produced.
struct Outcome {
    summary: Vec<UnitSummary>,
    scenarios: u64,
    infeasible: u64,
    oat: Vec<OatResult>,
    sobol: Option<SobolResult>,
    grid_map: Option<String>,
    details: serde_json::Value,
}

pub fn run(args: Args) -> Result<(), Failure> {
    if let Some(dir) = &args.output {
        check_output_dir(dir, args.force)?;
    }
    if args.keep_all && args.output.is_none() {
        return Err(input(anyhow::anyhow!(
            "--keep-all writes DIR/scenarios.csv: give an output directory with -o DIR"
        )));
    }
    if args.keep_all && matches!(args.design, DesignArg::Oat) {
        return Err(input(anyhow::anyhow!(
            "--keep-all applies to the grid, monte-carlo and sobol designs (oat writes its exact pieces to breakpoints.csv)"
        )));
    }
    if args.paradoxes && matches!(args.design, DesignArg::Oat | DesignArg::Sobol) {
        return Err(input(anyhow::anyhow!(
            "--paradoxes applies to the grid and monte-carlo designs (for one scenario: quota explain --paradoxes)"
        )));
    }
    quota::sweep::check_threads(args.threads).map_err(input)?;
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let rule = Rule::of(&scenario);
    let mut space = Space::new(&scenario);
    for v in &args.vary {
        let (name, range) = v.split_once('=').ok_or_else(|| {
            input(anyhow::anyhow!("--vary '{v}': expected NAME=A:B, e.g. development_weight=0:0.3"))
        })?;
        let f = space.resolve(name).map_err(input)?;
        let (lo, hi) = parse_range(&format!("--vary {name}"), range)?;
        space.vary(f, lo, hi).map_err(input)?;
    }
    let seed = args.seed.or(scenario.seed).unwrap_or(2024);
    let mut stamp = super::stamp::stamp_of(&scenario, &inputs)?;
    if matches!(args.design, DesignArg::MonteCarlo | DesignArg::Sobol) {
        stamp.seed = Some(seed);
    }
    let stamp = stamp.line();
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build().map_err(internal)?;
    let staging = match &args.output {
        Some(dir) => Some(Staging::new(dir, args.force)?),
        None => None,
    };
    let started = Instant::now();
    let outcome =
        pool.install(|| compute(&args, &scenario, &rule, &space, seed, staging.as_ref(), &stamp))?;
    let elapsed = started.elapsed();
    let header = header_line(&args, &scenario, &rule, &space, seed, &outcome);
    match staging {
        None => {
            let text = render(args.format, &header, &stamp, &scenario, &space, &outcome)?;
            output::emit(None, text.as_bytes())
        }
        Some(st) => {
            for (f, name) in [
                (Format::Table, "summary.txt"),
                (Format::Csv, "summary.csv"),
                (Format::Json, "summary.json"),
                (Format::Md, "summary.md"),
            ] {
                st.write(name, render(f, &header, &stamp, &scenario, &space, &outcome)?.as_bytes())?;
            }
            write_charts(&st, &args, &scenario, &rule, &stamp, &outcome)?;
            let dir = st.dir.clone();
            let names = st.commit()?;
            eprintln!(
                "{}: wrote {} ({} scenarios in {:.2} s)",
                dir.display(),
                names.join(", "),
                outcome.scenarios,
                elapsed.as_secs_f64()
            );
            Ok(())
        }
    }
}

fn compute(
    args: &Args,
    scenario: &Scenario,
    rule: &Rule,
    space: &Space,
    seed: u64,
    staging: Option<&Staging>,
    stamp: &str,
) -> Result<Outcome, Failure> {
    let ev = Evaluator::new(scenario, rule, &space.base).map_err(input)?;
    let probe = match (rule, args.paradoxes) {
        (_, false) => None,
        (Rule::Apportion(m), true) => Some(ParadoxProbe::for_scenario(scenario, ev.template(), *m)),
        (Rule::Optimize(_), true) => {
            return Err(input(anyhow::anyhow!(
                "--paradoxes: a sweep checks paradoxes by re-apportioning each scenario at N−1 and N+1 with an apportionment method; for the optimisation model use quota explain --paradoxes on one scenario, or sweep with --method"
            )))
        }
    };
    let probe = probe.as_ref();
    let tally_outcome = |t: Tally, details: serde_json::Value| Outcome {
        summary: t.summarise(scenario, &ev.baseline),
        scenarios: t.scenarios + t.infeasible,
        infeasible: t.infeasible,
        oat: vec![],
        sobol: None,
        grid_map: None,
        details,
    };
    let mut rows_file = match (staging, args.keep_all) {
        (Some(st), true) => {
            let cannot = |e: std::io::Error| input(anyhow::anyhow!("cannot write scenarios.csv: {e}"));
            let mut w =
                BufWriter::with_capacity(1 << 20, File::create(st.path("scenarios.csv")).map_err(cannot)?);
            writeln!(w, "# {stamp}").map_err(cannot)?;
            Some(w)
        }
        _ => None,
    };
    let outcome = match args.design {
        DesignArg::Grid => {
            let grid = Grid::new(space, args.step, args.limit).map_err(input)?;
            let progress = Progress::new(quota::sweep::run::PointSource::len(&grid));
            let cb = |done: u64, _: u64| progress.update(done);
            let rows = rows_file.as_mut().map(|w| w as &mut dyn Write);
            let hooks = Hooks { progress: Some(&cb), rows, paradoxes: probe };
            let t = run::run(&ev, space, &grid, hooks).map_err(input)?;
            progress.finish();
            let mut o = tally_outcome(
                t,
                json!({ "step": args.step, "points": quota::sweep::run::PointSource::len(&grid) }),
            );
            o.grid_map = grid_map(args, scenario, &ev, space, &o.summary)?;
            o
        }
        DesignArg::MonteCarlo => {
            let draw = match (args.dirichlet, args.uniform) {
                (Some(c), _) => WeightDraw::Dirichlet(c),
                (None, true) => WeightDraw::Uniform,
                (None, false) => WeightDraw::Fixed,
            };
            let noise =
                args.noise.map(quota::sweep::montecarlo::noise_from_percent).transpose().map_err(input)?;
            let mc = MonteCarlo::new(space, args.scenarios, seed, draw, noise).map_err(input)?;
            let progress = Progress::new(args.scenarios);
            let cb = |done: u64, _: u64| progress.update(done);
            let rows = rows_file.as_mut().map(|w| w as &mut dyn Write);
            let hooks = Hooks { progress: Some(&cb), rows, paradoxes: probe };
            let t = run::run(&ev, space, &mc, hooks).map_err(input)?;
            progress.finish();
            let weights = match draw {
                WeightDraw::Fixed => json!("fixed"),
                WeightDraw::Dirichlet(c) => json!({ "dirichlet": c }),
                WeightDraw::Uniform => json!("uniform"),
            };
            tally_outcome(t, json!({ "seed": seed, "weights": weights, "noise_percent": args.noise }))
        }
        DesignArg::Oat => {
            let names: Vec<String> =
                if args.weights.is_empty() { space.columns.clone() } else { args.weights.clone() };
            let mut results = Vec::new();
            for name in &names {
                let f = space.resolve(name).map_err(input)?;
                let (lo, hi) = match &args.range {
                    Some(r) => parse_range("--range", r)?,
                    None => match f {
                        Factor::Weight(_) => (0.0, 1.0),
                        Factor::DevelopmentWeight => (0.0, 0.5),
                        Factor::RegionMultiplier(_) => (0.5, 2.0),
                    },
                };
                results.push(oat::oat(&ev, space, f, lo, hi).map_err(input)?);
            }
            let summary = oat_summary(scenario, &ev.baseline, &results);
            let evaluations: u64 = results.iter().map(|r| r.evaluations).sum();
            Outcome {
                summary,
                scenarios: evaluations,
                infeasible: 0,
                details: json!({ "tolerance": oat::TOLERANCE, "factors": names }),
                oat: results,
                sobol: None,
                grid_map: None,
            }
        }
        DesignArg::Sobol => {
            let relative = match &args.range {
                Some(r) => parse_range("--range", r)?,
                None => (0.5, 1.5),
            };
            let opt = SobolOptions { samples: args.samples, bootstrap: args.bootstrap, seed, relative };
            let progress = Progress::new(args.samples);
            let cb = |done: u64, _: u64| progress.update(done);
            let rows = rows_file.as_mut().map(|w| w as &mut dyn Write);
            let hooks = Hooks { progress: Some(&cb), rows, paradoxes: None };
            let r = sobol::sobol(&ev, space, &opt, hooks).map_err(input)?;
            progress.finish();
            let mut o = tally_outcome(
                r.tally.clone(),
                json!({ "samples": args.samples, "bootstrap": args.bootstrap, "seed": seed, "relative_range": [relative.0, relative.1] }),
            );
            o.sobol = Some(r);
            o
        }
    };
    if let Some(mut w) = rows_file {
        w.flush().map_err(|e| input(anyhow::anyhow!("cannot write scenarios.csv: {e}")))?;
    }
    Ok(outcome)
}

/// The OAT summary: t uniform on each factor's range, factors equally weighted; quantiles by
/// length (the same definition as the tally's, with lengths in place of counts).
fn oat_summary(s: &Scenario, baseline: &[u64], results: &[OatResult]) -> Vec<UnitSummary> {
    (0..baseline.len())
        .map(|i| {
            let mut mass: Vec<(u64, f64)> = Vec::new();
            for r in results {
                let len = r.hi - r.lo;
                for p in r.unit_pieces(i) {
                    if let Some(x) = p.slots {
                        mass.push((x, (p.to - p.from) / len / results.len() as f64));
                    }
                }
            }
            mass.sort_by_key(|m| m.0);
            let total: f64 = mass.iter().map(|m| m.1).sum();
            let q = |p: f64| {
                let mut acc = 0.0;
                for &(x, w) in &mass {
                    acc += w;
                    if acc >= p * total - 1e-12 {
                        return x;
                    }
                }
                mass.last().map_or(baseline[i], |m| m.0)
            };
            // A fold from +0.0 (an empty float `sum` is −0.0, which would print as "-0.0000").
            let differ = mass.iter().filter(|m| m.0 != baseline[i]).fold(0.0, |a, m| a + m.1);
            let mean = mass.iter().map(|m| m.0 as f64 * m.1).sum::<f64>() / total.max(f64::MIN_POSITIVE);
            let u = s.units.get(i);
            let f = |x: u64| s.funding.funding(x).total_wan;
            let (min, max) =
                (mass.first().map_or(baseline[i], |m| m.0), mass.last().map_or(baseline[i], |m| m.0));
            UnitSummary {
                code: u.code.clone(),
                name: u.name_zh.clone(),
                name_en: u.name_en.clone(),
                baseline: baseline[i],
                min,
                p5: q(0.05),
                median: q(0.5),
                p95: q(0.95),
                max,
                mean,
                differ: 0,
                p_differ: differ / total.max(f64::MIN_POSITIVE),
                funding_baseline_wan: f(baseline[i]),
                funding_min_wan: f(min),
                funding_max_wan: f(max),
                paradoxes: None,
            }
        })
        .collect()
}

/// The simplex map of one unit (grid with 2 or 3 weights): evaluated on its own grid of at
/// most 60 steps per side (the sweep's step if coarser), disparity factors at baseline.
fn grid_map(
    args: &Args,
    scenario: &Scenario,
    ev: &Evaluator<Rule>,
    space: &Space,
    summary: &[UnitSummary],
) -> Result<Option<String>, Failure> {
    let k = space.weights();
    if !(2..=3).contains(&k) || args.output.is_none() {
        return Ok(None);
    }
    let unit = match &args.unit {
        Some(code) => scenario
            .units
            .as_slice()
            .iter()
            .position(|u| &u.code == code)
            .ok_or_else(|| input(anyhow::anyhow!("--unit '{code}' is not a unit code of the scenario")))?,
        None => (0..summary.len())
            .max_by_key(|&i| (summary[i].max - summary[i].min, std::cmp::Reverse(i)))
            .unwrap_or(0),
    };
    let m = ((1.0 / args.step).round() as u32).min(60);
    let mut ws = ev.workspace(&space.base);
    let mut points = Vec::new();
    for a in 0..=m {
        for b in 0..=(if k == 3 { m - a } else { 0 }) {
            let c = if k == 3 { m - a - b } else { 0 };
            let b = if k == 2 { m - a } else { b };
            let w = [a as f64 / m as f64, b as f64 / m as f64, c as f64 / m as f64];
            ws.params.weights.copy_from_slice(&w[..k]);
            let v = ev.evaluate(&mut ws, Columns::Scenario).then(|| ws.slots[unit]);
            points.push((w[0], w[1], w[2], v));
        }
    }
    let u = scenario.units.get(unit);
    let title = format!("{} {}: slots over the weight simplex", u.code, u.name_zh);
    let sub = format!(
        "scenario {} — {} — grid step 1/{m}; baseline weights {} → {} slots",
        scenario.name,
        ev.rule,
        fmt_weights(&space.base.weights),
        ev.baseline[unit]
    );
    Ok(Some(svg::simplex_map(&title, &sub, &space.columns, m, &points, &space.base.weights)))
}

fn fmt_weights(w: &[f64]) -> String {
    w.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(", ")
}

fn header_line(args: &Args, s: &Scenario, rule: &Rule, space: &Space, seed: u64, o: &Outcome) -> String {
    let design = match args.design {
        DesignArg::Grid => format!("grid, step {}", args.step),
        DesignArg::Oat => format!(
            "one at a time: {}",
            o.oat
                .iter()
                .map(|r| format!("{} over [{}, {}] ({} pieces)", r.factor, r.lo, r.hi, r.pieces.len()))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        DesignArg::MonteCarlo => format!(
            "monte carlo, seed {seed}, weights {}{}",
            match (args.dirichlet, args.uniform) {
                (Some(c), _) => format!("Dirichlet(c = {c})"),
                (None, true) => "uniform on the simplex".into(),
                _ => "fixed".into(),
            },
            args.noise.map(|p| format!(", indicator noise ±{p}%")).unwrap_or_default()
        ),
        DesignArg::Sobol => {
            format!("sobol, N = {}, {} bootstrap resamples, seed {seed}", args.samples, args.bootstrap)
        }
    };
    let extra: Vec<String> =
        space.extra.iter().map(|b| format!("{} in [{}, {}]", space.name(b.factor), b.lo, b.hi)).collect();
    format!(
        "sweep of scenario {} — method {} — {} slots over {} units — {}{} — {} scenarios evaluated{}",
        s.name,
        rule,
        s.total,
        s.units.len(),
        design,
        if extra.is_empty() { String::new() } else { format!("; also {}", extra.join(", ")) },
        o.scenarios,
        if o.infeasible > 0 { format!(" ({} infeasible, left out)", o.infeasible) } else { String::new() }
    )
}

fn summary_table(o: &Outcome, format: Format) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let csv = format == Format::Csv;
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    if csv {
        h.push("name_en".into());
    }
    h.extend(["baseline", "min", "p5", "median", "p95", "max", "mean", "p_differ"].map(String::from));
    if csv {
        h.extend(["funding_baseline_wan", "funding_min_wan", "funding_max_wan"].map(String::from));
    } else {
        h.push("funding 万元 (min–max)".into());
    }
    let paradoxes = o.summary.first().is_some_and(|u| u.paradoxes.is_some());
    if paradoxes {
        h.extend(["p_alabama", "p_below_quota", "p_above_quota", "p_beyond_bounded_quota"].map(String::from));
    }
    let mut align = vec![Align::Left; if csv { 3 } else { 2 }];
    align.resize(h.len(), Align::Right);
    let n = (o.scenarios - o.infeasible).max(1) as f64;
    let rows = o
        .summary
        .iter()
        .map(|u| {
            let mut r = vec![u.code.clone(), u.name.clone()];
            if csv {
                r.push(u.name_en.clone());
            }
            r.extend([u.baseline, u.min, u.p5, u.median, u.p95, u.max].map(|x| x.to_string()));
            r.push(format!("{:.3}", u.mean));
            r.push(format!("{:.4}", u.p_differ));
            if csv {
                r.extend(
                    [u.funding_baseline_wan, u.funding_min_wan, u.funding_max_wan].map(|x| x.to_string()),
                );
            } else {
                r.push(format!("{}–{}", u.funding_min_wan, u.funding_max_wan));
            }
            if let Some(p) = u.paradoxes {
                r.extend(
                    [p.alabama, p.below_quota, p.above_quota, p.beyond_bounded_quota]
                        .map(|c| format!("{:.4}", c as f64 / n)),
                );
            }
            r
        })
        .collect();
    (h, align, rows)
}

fn fmt_index(v: Option<f64>, c: Option<f64>) -> String {
    match (v, c) {
        (Some(v), Some(c)) => format!("{v:.3}±{c:.3}"),
        (Some(v), None) => format!("{v:.3}"),
        _ => "—".into(),
    }
}

fn sobol_table(s: &Scenario, r: &SobolResult, csv: bool) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    if csv {
        let h = ["code", "name", "factor", "S1", "S1_conf", "ST", "ST_conf", "variance"]
            .map(String::from)
            .to_vec();
        let mut rows = Vec::new();
        for (i, ix) in r.units.iter().enumerate() {
            let u = s.units.get(i);
            for (k, f) in r.factors.iter().enumerate() {
                let o = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
                rows.push(vec![
                    u.code.clone(),
                    u.name_zh.clone(),
                    f.clone(),
                    o(ix.s1[k]),
                    o(ix.s1_conf[k]),
                    o(ix.st[k]),
                    o(ix.st_conf[k]),
                    format!("{:.6}", ix.variance),
                ]);
            }
        }
        let align = vec![Align::Left; h.len()];
        return (h, align, rows);
    }
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    for f in &r.factors {
        h.push(format!("S1 {f}"));
        h.push(format!("ST {f}"));
    }
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows = r
        .units
        .iter()
        .enumerate()
        .map(|(i, ix)| {
            let u = s.units.get(i);
            let mut row = vec![u.code.clone(), u.name_zh.clone()];
            for k in 0..r.factors.len() {
                row.push(fmt_index(ix.s1[k], ix.s1_conf[k]));
                row.push(fmt_index(ix.st[k], ix.st_conf[k]));
            }
            row
        })
        .collect();
    (h, align, rows)
}

fn breakpoints_rows(s: &Scenario, results: &[OatResult]) -> (Vec<String>, Vec<Vec<String>>) {
    let h = ["factor", "code", "name", "from", "to", "slots", "funding_wan"].map(String::from).to_vec();
    let mut rows = Vec::new();
    for r in results {
        for i in 0..s.units.len() {
            let u = s.units.get(i);
            for p in r.unit_pieces(i) {
                rows.push(vec![
                    r.factor.clone(),
                    u.code.clone(),
                    u.name_zh.clone(),
                    format!("{:.9}", p.from),
                    format!("{:.9}", p.to),
                    p.slots.map(|x| x.to_string()).unwrap_or_default(),
                    p.slots.map(|x| s.funding.funding(x).total_wan.to_string()).unwrap_or_default(),
                ]);
            }
        }
    }
    (h, rows)
}

fn oat_text(s: &Scenario, results: &[OatResult], md: bool) -> String {
    let mut out = String::new();
    for r in results {
        out.push_str(&format!(
            "\n{}breakpoints of {} over [{}, {}] (scenario value {:.6}; located to ±{:e}; {}):\n",
            if md { "### " } else { "" },
            r.factor,
            r.lo,
            r.hi,
            r.baseline,
            oat::TOLERANCE / 2.0,
            if r.proven { "no piece missed, see the oat module docs" } else { "bisection without a proof" }
        ));
        if md {
            out.push('\n');
        }
        let mut any = false;
        for i in 0..s.units.len() {
            let pieces = r.unit_pieces(i);
            if pieces.len() < 2 {
                continue;
            }
            any = true;
            let u = s.units.get(i);
            let text: Vec<String> = pieces
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let x = p.slots.map_or("infeasible".to_string(), |x| x.to_string());
                    if k == 0 {
                        x
                    } else {
                        format!("| {:.9} | {x}", p.from)
                    }
                })
                .collect();
            out.push_str(&format!(
                "{}{} {}: {}\n",
                if md { "- " } else { "  " },
                u.code,
                u.name_zh,
                text.join(" ")
            ));
        }
        if !any {
            out.push_str("  no unit's slots change\n");
        }
    }
    out
}

fn render(
    format: Format,
    header: &str,
    stamp: &str,
    s: &Scenario,
    space: &Space,
    o: &Outcome,
) -> Result<String, Failure> {
    let (h, align, rows) = summary_table(o, format);
    Ok(match format {
        Format::Csv => format!("# {stamp}\n{}", output::csv_text(&h, &rows)?),
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let mut out = if md { format!("**{header}**\n\n") } else { format!("{header}\n\n") };
            out.push_str(&output::table(md, &h, &align, &rows, false));
            out.push_str(&format!(
                "\nquantiles: the ⌈p·n⌉-th smallest value (inverse empirical CDF){}; p_differ: share of {} with slots ≠ baseline\n",
                if o.oat.is_empty() { "" } else { " with t uniform on each range, by length" },
                if o.oat.is_empty() { "scenarios" } else { "the range" }
            ));
            if o.summary.first().is_some_and(|u| u.paradoxes.is_some()) {
                out.push_str(
                    "paradoxes (shares of the feasible scenarios): p_alabama — the unit loses a slot from N−1 to N or from N to N+1 (same weights); p_below_quota / p_above_quota — outside [⌊q⌋, ⌈q⌉] of its ideal quota q = N·W/ΣW; p_beyond_bounded_quota — outside even its quota after floors and caps (the method's own)\n",
                );
            }
            if let Some(r) = &o.sobol {
                let (h, align, rows) = sobol_table(s, r, false);
                out.push_str(&format!(
                    "\nSobol indices (first order S1, total ST, ±95% bootstrap half-width; {} runs; factors: {}; funding indices equal slot indices):\n\n",
                    r.evaluations,
                    r.factors.iter().zip(&r.ranges).map(|(f, (a, b))| format!("{f} ∈ [{a:.4}, {b:.4}]")).collect::<Vec<_>>().join(", ")
                ));
                out.push_str(&output::table(md, &h, &align, &rows, false));
            }
            out.push_str(&oat_text(s, &o.oat, md));
            out.push_str(&format!("\n{stamp}\n"));
            out
        }
        Format::Json => {
            let sobol = o.sobol.as_ref().map(|r| {
                json!({
                    "factors": r.factors,
                    "ranges": r.ranges,
                    "evaluations": r.evaluations,
                    "units": r.units.iter().enumerate().map(|(i, ix)| json!({
                        "code": s.units.get(i).code, "variance": ix.variance,
                        "S1": ix.s1, "S1_conf": ix.s1_conf, "ST": ix.st, "ST_conf": ix.st_conf,
                    })).collect::<Vec<_>>(),
                })
            });
            let oat: Vec<serde_json::Value> = o
                .oat
                .iter()
                .map(|r| {
                    json!({
                        "factor": r.factor, "baseline": r.baseline, "lo": r.lo, "hi": r.hi, "proven": r.proven,
                        "evaluations": r.evaluations, "tolerance": oat::TOLERANCE,
                        "units": (0..s.units.len()).map(|i| json!({
                            "code": s.units.get(i).code,
                            "pieces": r.unit_pieces(i),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            output::json_text(&json!({
                "summary": header,
                "stamp": stamp,
                "scenario": s.name,
                "total": s.total,
                "weights": space.columns.iter().zip(&space.base.weights).map(|(c, w)| (c.clone(), json!(w))).collect::<serde_json::Map<_, _>>(),
                "vary": space.extra.iter().map(|b| json!({ "factor": space.name(b.factor), "lo": b.lo, "hi": b.hi })).collect::<Vec<_>>(),
                "design": o.details,
                "scenarios": o.scenarios,
                "infeasible": o.infeasible,
                "units": o.summary,
                "sobol": sobol,
                "oat": oat,
            }))?
        }
    })
}

fn write_charts(
    st: &Staging,
    args: &Args,
    s: &Scenario,
    rule: &Rule,
    stamp: &str,
    o: &Outcome,
) -> Result<(), Failure> {
    let label = |code: &str, name: &str| format!("{code} {name}");
    let rows: Vec<svg::TornadoRow> = o
        .summary
        .iter()
        .map(|u| svg::TornadoRow {
            label: label(&u.code, &u.name),
            baseline: u.baseline,
            min: u.min,
            p5: u.p5,
            p95: u.p95,
            max: u.max,
        })
        .collect();
    let design = match args.design {
        DesignArg::Grid => format!("grid step {}", args.step),
        DesignArg::Oat => "one at a time".into(),
        DesignArg::MonteCarlo => format!("monte carlo, {} scenarios", o.scenarios),
        DesignArg::Sobol => format!("sobol, {} runs", o.scenarios),
    };
    st.write(
        "tornado.svg",
        svg::tornado(
            "各单位名额的变化范围 · slot range per unit",
            &format!("scenario {} — {} — {}", s.name, rule, design),
            &rows,
        )
        .as_bytes(),
    )?;
    for r in &o.oat {
        let series: Vec<svg::StepSeries> = (0..s.units.len())
            .filter_map(|i| {
                let pieces = r.unit_pieces(i);
                (pieces.len() > 1).then(|| {
                    let u = s.units.get(i);
                    svg::StepSeries {
                        label: label(&u.code, &u.name_zh),
                        pieces: pieces.iter().map(|p| (p.from, p.to, p.slots)).collect(),
                    }
                })
            })
            .collect();
        let file = format!("oat-{}.svg", r.factor.replace([':', '/', ' '], "_"));
        st.write(
            &file,
            svg::oat_steps(
                &format!("名额随 {} 变化 · slots against {}", r.factor, r.factor),
                &format!(
                    "scenario {} — {} — other weights keep their proportions; units whose slots change",
                    s.name, rule
                ),
                &r.factor,
                r.baseline,
                r.lo,
                r.hi,
                &series,
            )
            .as_bytes(),
        )?;
    }
    if let Some(map) = &o.grid_map {
        st.write("grid-map.svg", map.as_bytes())?;
    }
    if let Some(r) = &o.sobol {
        let rows: Vec<svg::SobolRow> = r
            .units
            .iter()
            .enumerate()
            .map(|(i, ix)| {
                let u = s.units.get(i);
                let bars = (0..r.factors.len())
                    .map(|k| {
                        Some((
                            ix.s1[k]?,
                            ix.s1_conf[k].unwrap_or(0.0),
                            ix.st[k]?,
                            ix.st_conf[k].unwrap_or(0.0),
                        ))
                    })
                    .collect::<Option<Vec<_>>>();
                svg::SobolRow { label: label(&u.code, &u.name_zh), bars }
            })
            .collect();
        st.write(
            "sobol.svg",
            svg::sobol_bars(
                "Sobol 敏感性指数 · Sobol indices of each unit's slots",
                &format!(
                    "scenario {} — {} — N = {}, {} runs; raw weights uniform on their ranges",
                    s.name, rule, args.samples, r.evaluations
                ),
                &r.factors,
                &rows,
            )
            .as_bytes(),
        )?;
        let (h, _, rows) = sobol_table(s, r, true);
        st.write("sobol.csv", format!("# {stamp}\n{}", output::csv_text(&h, &rows)?).as_bytes())?;
    }
    if !o.oat.is_empty() {
        let (h, rows) = breakpoints_rows(s, &o.oat);
        st.write("breakpoints.csv", format!("# {stamp}\n{}", output::csv_text(&h, &rows)?).as_bytes())?;
    }
    Ok(())
}
