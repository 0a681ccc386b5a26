//! `quota allocate`: the main job — split the national quota of a scenario across units.

use std::path::PathBuf;

use quota::allocate::{allocate, Allocation};
use quota::scenario::Scenario;
use serde_json::json;

use super::flags::OverrideFlags;
use super::load::{self, ScenarioInputs};
use super::output::{self, Align, Format};
use super::{input, Failure};

/// Split a scenario's national quota across units, with the money.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota allocate                                  # bundled 2024 first batch, 37 units\n  quota allocate data/scenarios/2024-batch1.toml --method webster --merge-cities\n  quota allocate --format json -o allocation.json --verify"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    overrides: OverrideFlags,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Run the independent checker and report what it verified (on stderr).
    #[arg(long)]
    verify: bool,
    /// Check a previously written output (table, md, csv or json) against a fresh run of the
    /// current inputs: compares its reproducibility stamp and its content. Exit 0 if it
    /// matches, 3 if not. Give the same scenario and options as the run that wrote it.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    check_stamp: Option<PathBuf>,
    /// Caps from a firm registry: each unit's eligible firms on --as-of (see `quota eligible`).
    #[arg(long, value_name = "REGISTRY.csv")]
    caps_from: Option<PathBuf>,
    /// Screening date for --caps-from, YYYY-MM-DD (default 2024-07-31).
    #[arg(long, value_parser = super::eligible::parse_date, requires = "caps_from")]
    as_of: Option<quota::eligibility::Date>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (mut scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    if let Some(registry) = &args.caps_from {
        super::eligible::replace_caps(&mut scenario, &inputs, registry, args.as_of)?;
    }
    let alloc = allocate(&scenario).map_err(input)?;
    if args.verify {
        eprintln!("{}", verify_summary(&scenario, &alloc).map_err(super::internal)?);
    }
    if let Some(published) = &args.check_stamp {
        let (report, matches) = super::stamp::check(published, &scenario, &alloc, &inputs, render)?;
        return super::stamp::conclude(published, &report, matches);
    }
    let text = render(&scenario, &alloc, args.format, &inputs)?;
    output::emit(args.output.as_deref(), text.as_bytes())
}

/// Re-runs the independent checker and describes what it checked.
fn verify_summary(s: &Scenario, a: &Allocation) -> Result<String, quota::check::CheckError> {
    let mut lines = vec![];
    if a.optimized.is_some() {
        lines.push(format!(
            "verified: the optimiser's independent checker recomputed the total ({}), floors, caps, every group, change-limit, quota and custom constraint and the objective from the final integers",
            s.total
        ));
    }
    if let Some(ap) = &a.apportionment {
        quota::check::check_apportionment(&a.problem, ap)?;
        let sum: u64 = ap.seats.iter().sum();
        lines.push(format!("verified: slots sum to {sum} = total {}", s.total));
        lines.push(format!("verified: all {} units within their floors and caps", s.units.len()));
        lines.push(match ap.method {
            m if m.is_divisor() => {
                format!("verified: {m} divisor condition (no unserved claim outranks a served one)")
            }
            quota::apportion::Method::Hamilton => {
                "verified: Hamilton quota rule (every unit gets ⌊q*⌋ or ⌈q*⌉)".into()
            }
            m => format!("verified: {m} result within bounds"),
        });
    }
    let money: u64 = a.units.iter().map(|u| u.funding.total_wan).sum();
    lines.push(format!(
        "verified: money {money} 万元 = {} slots × {} 万元; ties reported: {}",
        s.total,
        s.funding.per_firm_wan,
        a.ties.len()
    ));
    Ok(lines.join("\n"))
}

fn fmt_share(x: f64) -> String {
    format!("{:.2}", x * 100.0)
}

fn header(s: &Scenario, format: Format) -> (Vec<String>, Vec<Align>) {
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    if format == Format::Csv {
        h.push("name_en".into());
    }
    h.push("region".into());
    for ind in &s.indicators {
        h.push(if format == Format::Csv { format!("s_{}", ind.column) } else { format!("{} %", ind.column) });
    }
    h.extend(["score", "ideal", "adjusted", "floor", "cap", "slots", "funding_wan"].map(String::from));
    if format == Format::Csv {
        h.extend(["first_tranche_wan", "remainder_wan", "to_firms_wan", "services_wan"].map(String::from));
    }
    let mut align = vec![Align::Left; if format == Format::Csv { 4 } else { 3 }];
    align.resize(h.len(), Align::Right);
    (h, align)
}

fn rows(s: &Scenario, a: &Allocation, format: Format) -> Vec<Vec<String>> {
    let csv = format == Format::Csv;
    let mut rows: Vec<Vec<String>> = a
        .units
        .iter()
        .map(|u| {
            let mut r = vec![u.code.clone(), u.name.clone()];
            if csv {
                r.push(u.name_en.clone());
            }
            r.push(u.region.name_zh().into());
            for v in &u.normalised {
                r.push(if csv { format!("{v:.12}") } else { fmt_share(*v) });
            }
            r.push(format!("{:.9}", u.score));
            r.push(format!("{:.4}", u.ideal));
            r.push(format!("{:.4}", u.adjusted));
            r.push(u.floor.to_string());
            r.push(u.cap.to_string());
            r.push(u.slots.to_string());
            r.push(u.funding.total_wan.to_string());
            if csv {
                r.push(u.funding.first_tranche_wan.to_string());
                r.push(u.funding.remainder_wan.to_string());
                r.push(u.funding.to_firms_wan.to_string());
                r.push(u.funding.services_wan.to_string());
            }
            r
        })
        .collect();
    if !csv {
        let mut total = vec!["".to_string(), "合计 total".into(), "".into()];
        for _ in &s.indicators {
            total.push("100.00".into());
        }
        let score: f64 = a.units.iter().map(|u| u.score).sum();
        total.push(format!("{score:.9}"));
        total.push(format!("{:.4}", s.total as f64));
        total.push(format!("{:.4}", s.total as f64));
        total.push(a.units.iter().map(|u| u.floor).sum::<u64>().to_string());
        total.push(a.units.iter().map(|u| u.cap).sum::<u64>().to_string());
        total.push(a.units.iter().map(|u| u.slots).sum::<u64>().to_string());
        total.push(a.funding.total_wan.to_string());
        rows.push(total);
    }
    rows
}

/// Renders an allocation in `format`.
pub fn render(
    s: &Scenario,
    a: &Allocation,
    format: Format,
    inputs: &ScenarioInputs,
) -> Result<String, Failure> {
    let (h, align) = header(s, format);
    let r = rows(s, a, format);
    let stamp = super::stamp::stamp_of(s, inputs)?;
    Ok(match format {
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let (scenario, method) = if md {
                (format!("**{}**", a.scenario), format!("`{}`", a.method))
            } else {
                (format!("scenario {}", a.scenario), a.method.clone())
            };
            let mut out = format!(
                "{scenario} — method {method} — {} slots over {} units — {} 万元\n\n",
                a.total,
                a.units.len(),
                a.funding.total_wan
            );
            out.push_str(&output::table(md, &h, &align, &r, true));
            out.push_str(&ties_text(a));
            out.push_str(&format!("\n{}\n", stamp.line()));
            out
        }
        Format::Csv => format!("# {}\n{}", stamp.line(), output::csv_text(&h, &r)?),
        Format::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("stamp".into(), json!(stamp));
            if let serde_json::Value::Object(rest) = to_json(s, a, inputs) {
                doc.extend(rest);
            }
            output::json_text(&serde_json::Value::Object(doc))?
        }
    })
}

fn ties_text(a: &Allocation) -> String {
    if let Some(o) = &a.optimized {
        return optimize_text(o);
    }
    if a.ties.is_empty() {
        return "\nties: none decided a slot\n".into();
    }
    let mut out = String::from("\nties that decided slots:\n");
    for t in &a.ties {
        out.push_str(&format!(
            "  priority {}: won by {}; lost by {} ({})\n",
            t.priority,
            t.winners.join(", "),
            t.losers.join(", "),
            t.rule
        ));
    }
    out
}

/// The optimisation model's report: objective, path, binding constraints, groups vs bounds.
fn optimize_text(o: &quota::optimize::OptOutcome) -> String {
    let mut out = format!(
        "\noptimisation: {} — objective {} = {:.6} (tie-break chi-square {:.6}) — {} path{}\n",
        o.status,
        o.objective_kind,
        o.objective,
        o.tie_break,
        o.path,
        o.solver.map(|s| format!(" ({})", s.name())).unwrap_or_default()
    );
    if o.binding.is_empty() {
        out.push_str("binding constraints: none\n");
    } else {
        out.push_str("binding constraints:\n");
        for b in &o.binding {
            out.push_str(&format!("  {b}\n"));
        }
    }
    for g in &o.groups {
        let bound = |b: Option<u64>, sh: Option<f64>, op: &str| match (b, sh) {
            (Some(b), Some(sh)) => format!(" {op} {b} ({op} {:.2}%)", sh * 100.0),
            (Some(b), None) => format!(" {op} {b}"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "group {}: {} slots = {:.2}% of the total;{}{}\n",
            g.name,
            g.slots,
            g.share * 100.0,
            bound(g.min, g.min_share, "≥"),
            bound(g.max, g.max_share, "≤")
        ));
    }
    out
}

/// The JSON document of an allocation (contract: scenario, method, total, units[], ties[]).
pub fn to_json(s: &Scenario, a: &Allocation, inputs: &ScenarioInputs) -> serde_json::Value {
    let units: Vec<serde_json::Value> = a
        .units
        .iter()
        .map(|u| {
            json!({
                "code": u.code,
                "name": u.name,
                "name_en": u.name_en,
                "region": u.region.name_zh(),
                "region_en": u.region.name_en(),
                "normalised": s.indicators.iter().zip(&u.normalised)
                    .map(|(i, v)| (i.column.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "score": u.score,
                "ideal": u.ideal,
                "adjusted": u.adjusted,
                "floor": u.floor,
                "cap": u.cap,
                "slots": u.slots,
                "funding_wan": u.funding.total_wan,
                "first_tranche_wan": u.funding.first_tranche_wan,
                "remainder_wan": u.funding.remainder_wan,
                "to_firms_wan": u.funding.to_firms_wan,
                "services_wan": u.funding.services_wan,
            })
        })
        .collect();
    json!({
        "scenario": a.scenario,
        "method": a.method,
        "total": a.total,
        "merged_cities": s.merged,
        "inputs": {
            "scenario": inputs.scenario.label,
            "units": inputs.units_source.label,
            "indicators": inputs.indicators_source.label,
        },
        "weights": s.indicators.iter().map(|i| (i.column.clone(), json!(i.weight))).collect::<serde_json::Map<_, _>>(),
        "funding_wan": a.funding.total_wan,
        "units": units,
        "ties": a.ties,
        "optimize": a.optimized.as_ref().map(|o| json!({
            "status": o.status.to_string(),
            "path": o.path.to_string(),
            "objective": o.objective_kind.to_string(),
            "objective_value": o.objective,
            "tie_break_chi_square": o.tie_break,
            "binding": o.binding,
            "groups": o.groups,
        })),
    })
}
