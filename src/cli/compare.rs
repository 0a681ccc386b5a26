//! `quota compare`: one scenario under different weighting schemes × apportionment methods, or
//! two scenarios side by side. This file loads the inputs (the scenario, AHP matrices, the
//! firms column), makes one library call — [`quota::compare::study`] or
//! [`quota::compare::diff_study`] — and writes what [`quota::render::compare`] lays out.

mod args;

use std::path::Path;

use quota::compare::{self, CompareError, CompareSpec, FirmCounts, SchemeChoice};
use quota::error::Location;
use quota::observed::ObservedAllocation;
use quota::render::compare as render;
use quota::weighting::{parse_ahp_csv, parse_ahp_toml, PairwiseMatrix, Scheme};

pub use args::Args;

use super::load::{self, read_text};
use super::output;
use super::{input, internal, Failure};

pub fn run(args: Args) -> Result<(), Failure> {
    if args.leave_one_out {
        return run_leave_one_out(args);
    }
    if args.observed.is_some() {
        return run_observed(args);
    }
    if args.scenarios.len() == 2 {
        return run_two(args);
    }
    if args.constraints.any() {
        return Err(input(anyhow::anyhow!(
            "--guarantee and --change-from are solved by the optimisation model, which the comparison of \
             schemes does not take (its columns are apportionment methods): use them with two scenarios \
             (quota compare A B) or with --leave-one-out"
        )));
    }
    let format = args.format()?;
    let parsed = args.parse()?;
    let overrides = args.overrides.overrides();
    let (scenario, inputs) = load::scenario(args.scenarios.first().map(|p| p.as_path()), &overrides)?;
    let stamp = super::stamp::stamp_of(&scenario, &inputs)?;

    // AHP matrices: --ahp for plain `ahp`, the named file for `ahp:FILE`.
    let ahp = args.weighting.ahp.as_deref().map(read_ahp).transpose().map_err(|e| context(e, "--ahp"))?;
    let schemes = match parsed.schemes {
        None => None,
        Some(specs) => Some(
            specs
                .into_iter()
                .map(|spec| {
                    let ahp = match &spec.ahp_file {
                        Some(f) => Some(
                            read_ahp(Path::new(f))
                                .map_err(|e| context(e, &format!("weighting scheme {spec}")))?,
                        ),
                        None => None,
                    };
                    Ok(SchemeChoice { spec, ahp })
                })
                .collect::<Result<Vec<_>, Failure>>()?,
        ),
    };
    let firms = FirmCounts::from_table(
        &inputs.indicators,
        &inputs.units,
        args.firms_column.as_deref(),
        scenario.merged(),
    )
    .map_err(|e| {
        input(anyhow::Error::new(e).context("--firms-column (the number of 小巨人 firms per unit)"))
    })?;
    let spec = CompareSpec {
        schemes,
        methods: parsed.methods,
        ahp,
        ahp_method: parsed.ahp_method,
        allow_inconsistent: args.weighting.allow_inconsistent,
        pca_keep: parsed.pca_keep,
        firms,
        stamp: Some(stamp),
    };

    let study = compare::study(&scenario, &spec).map_err(failure)?;
    for s in &study.schemes {
        for w in &s.weights.warnings {
            eprintln!("warning ({}): {w}", s.label);
        }
    }
    output::check_stamp_flag(args.stamp, format)?;
    let text = render::render(&study, format.into(), &parsed.sections).map_err(internal)?;
    let text = output::stamped_csv(text, study.stamp.as_ref().filter(|_| args.stamp));
    if let Some(path) = &args.chart {
        output::write_atomic(path, render::svg(&study).as_bytes())?;
    }
    output::emit_text(args.output.as_deref(), &text, args.bom)
}

fn run_two(args: Args) -> Result<(), Failure> {
    let format = args.format()?;
    if args.stamp {
        return Err(input(anyhow::anyhow!(
            "--stamp: a comparison of two scenarios carries no stamp (each has its own; stamp them with quota allocate)"
        )));
    }
    let single = args.single_scenario_options();
    if !single.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{}: only with one scenario (they compare weighting schemes and methods within it); two scenarios \
             (A B) are compared with each other as written",
            single.join(", ")
        )));
    }
    let overrides = args.overrides.overrides();
    let mut sides = Vec::with_capacity(2);
    for (tag, path) in ["A", "B"].iter().zip(&args.scenarios) {
        let (s, _) =
            load::scenario(Some(path), &overrides).map_err(|f| context(f, &format!("scenario {tag}")))?;
        sides.push(args.constraints.apply(s, args.overrides.method)?);
    }
    let study = compare::diff_study(&sides[0], &sides[1]).map_err(failure)?;
    let text = render::diff::render(&study, format.into()).map_err(internal)?;
    if let Some(path) = &args.chart {
        output::write_atomic(path, render::diff::svg(&study).as_bytes())?;
    }
    output::emit_text(args.output.as_deref(), &text, args.bom)
}

/// `--leave-one-out`: one scenario, each indicator left out in turn.
fn run_leave_one_out(args: Args) -> Result<(), Failure> {
    if args.scenarios.len() == 2 {
        return Err(input(anyhow::anyhow!(
            "--leave-one-out: only with one scenario (each of its indicators is left out in turn)"
        )));
    }
    let (scenario, inputs) =
        load::scenario(args.scenarios.first().map(|p| p.as_path()), &args.overrides.overrides())?;
    let scenario = args.constraints.apply(scenario, args.overrides.method)?;
    let stamp = super::stamp::stamp_of(&scenario, &inputs)?;
    let result = compare::leave_one_out(&scenario, Some(&stamp)).map_err(failure)?;
    let format = args.format()?;
    output::check_stamp_flag(args.stamp, format)?;
    let text = render::leave_one_out::render(&result, format.into()).map_err(internal)?;
    let text = output::stamped_csv(text, result.stamp.as_ref().filter(|_| args.stamp));
    if let Some(path) = &args.chart {
        output::write_atomic(path, render::leave_one_out::svg(&result).as_bytes())?;
    }
    output::emit_text(args.output.as_deref(), &text, args.bom)
}

/// `--observed FILE`: one scenario against an observed allocation.
fn run_observed(args: Args) -> Result<(), Failure> {
    let Some(path) = args.observed.as_deref() else {
        return Err(internal(anyhow::anyhow!("--observed without a file")));
    };
    if args.scenarios.len() == 2 {
        return Err(input(anyhow::anyhow!(
            "--observed: only with one scenario (its allocation is compared with the observed one)"
        )));
    }
    let format = args.format()?;
    output::check_stamp_flag(args.stamp, format)?;
    let (scenario, inputs) =
        load::scenario(args.scenarios.first().map(|p| p.as_path()), &args.overrides.overrides())?;
    let scenario = args.constraints.apply(scenario, args.overrides.method)?;
    let stamp = super::stamp::stamp_of(&scenario, &inputs)?;
    let at = Location::file(path.display().to_string());
    let observed = ObservedAllocation::parse(&read_text(path)?, at.clone()).map_err(input)?;
    let slots = observed.resolve(scenario.units(), &at).map_err(input)?;
    let fit = compare::observed_fit(&scenario, &observed, &slots, Some(&stamp)).map_err(failure)?;
    let text = render::observed::render(&fit, format.into()).map_err(internal)?;
    let text = output::stamped_csv(text, fit.stamp.as_ref().filter(|_| args.stamp));
    if let Some(path) = &args.chart {
        output::write_atomic(path, render::observed::svg(&fit).as_bytes())?;
    }
    output::emit_text(args.output.as_deref(), &text, args.bom)
}

fn read_ahp(path: &Path) -> Result<PairwiseMatrix, Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    let parsed = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        parse_ahp_toml(&text, at)
    } else {
        parse_ahp_csv(&text, at)
    };
    parsed.map_err(input)
}

/// `f` with `what` (a flag, a scheme, a scenario) as its headline.
fn context(f: Failure, what: &str) -> Failure {
    match f {
        Failure::Input(e) => Failure::Input(e.context(what.to_string())),
        Failure::Internal(e) => Failure::Internal(e.context(what.to_string())),
        Failure::Mismatch(e) => Failure::Mismatch(e.context(what.to_string())),
    }
}

/// A library error as the command reports it: naming the flag that can fix it.
fn failure(e: CompareError) -> Failure {
    let fault = e.is_internal();
    let e = match e {
        CompareError::OptimizeBaseline { at } => anyhow::anyhow!(
            "{at}: method 'optimize' cannot be compared here; choose an apportionment method with --method"
        ),
        CompareError::Weighting { spec, missing_matrix, source } => {
            let hint = if spec.scheme == Scheme::Ahp && missing_matrix {
                " (give --ahp FILE, or write ahp:FILE in --schemes)"
            } else {
                ""
            };
            anyhow::Error::new(source).context(format!("weighting scheme {spec}{hint}"))
        }
        e => anyhow::Error::new(e),
    };
    if fault {
        internal(e)
    } else {
        input(e)
    }
}
