//! `quota plan`: runs the three-batch programme and prints the batches and the year-by-year
//! cash flow (万元), national and per unit.

use std::path::{Path, PathBuf};

use quota::eligibility::Registry;
use quota::error::Location;
use quota::programme::{self, Flow, Plan, Pool, Programme};
use quota::scenario::ScenarioFile;
use serde_json::json;

use super::eligible::load_registry;
use super::load::{self, read_text, Overrides, ScenarioInputs};
use super::output::{self, Align, Format};
use super::{input, Failure};

/// Run a multi-batch programme: each batch's allocation, and the money over the years.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Money (万元): first tranche (50%) in the batch year; the remainder, withheld remainders (targets missed)\nand recovered first tranches (investment under 2000万元) at the end of the three-year period (batch year + 3).\n\nExamples:\n  quota plan data/programme/148-2024-2026.toml\n  quota plan data/programme/148-2024-2026.toml --per-unit --format md\n  quota plan data/programme/148-2024-2026.toml --format csv -o cashflow.csv"
)]
pub struct Args {
    /// Programme file (TOML).
    programme: PathBuf,
    /// Also show each unit's slots per batch and money per year.
    #[arg(long)]
    per_unit: bool,
    /// Output format (csv: the cash flow, national and per unit, one row per year).
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Everything a run programme was built from.
pub struct PlanInputs {
    /// The programme.
    pub programme: Programme,
    /// The scenario inputs.
    pub inputs: ScenarioInputs,
    /// The registry, when the programme names one.
    pub registry: Option<Registry>,
    /// Label of the registry file.
    pub registry_label: Option<String>,
}

/// Loads and runs a programme file.
pub fn load_and_run(path: &Path) -> Result<(Plan, PlanInputs), Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    let programme = Programme::parse(&text, at.clone()).map_err(input)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let scenario_path = programme.scenario.as_ref().map(|p| tidy(&dir.join(p)));
    let (base, inputs) = load::scenario(scenario_path.as_deref(), &Overrides::default())?;
    let file = ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(input)?;
    let (registry, registry_label) = match &programme.registry {
        Some(p) => {
            let rp = tidy(&dir.join(p));
            (Some(load_registry(&rp, &inputs.units)?), Some(rp.display().to_string()))
        }
        None => (None, None),
    };
    let merge_map: Vec<usize> =
        if base.merged { inputs.units.merge_cities().1 } else { (0..inputs.units.len()).collect() };
    let pool = match &registry {
        Some(r) => Pool::Registry { registry: r, merge_map: &merge_map },
        None => {
            if file.bounds.caps_column.is_none() {
                return Err(input(anyhow::anyhow!(
                    "{}: the programme needs a pool of eligible firms: name a firm registry (registry = \"…\") or use a scenario with bounds.caps_column (scenario {})",
                    at.at_column("registry"),
                    inputs.scenario.label
                )));
            }
            Pool::Counts(&base.caps)
        }
    };
    let plan = programme::run(&programme, &base, &file.bounds, pool).map_err(input)?;
    Ok((plan, PlanInputs { programme, inputs, registry, registry_label }))
}

/// Removes `dir/..` pairs from a path, lexically, so messages name `data/scenarios/x.toml`
/// rather than `data/programme/../scenarios/x.toml`.
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match (c, out.last()) {
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            (Component::CurDir, _) => {}
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (plan, pi) = load_and_run(&args.programme)?;
    let text = match args.format {
        Format::Json => output::json_text(&to_json(&plan, &pi))?,
        Format::Csv => cash_flow_csv(&plan)?,
        f => render(&plan, &pi, f == Format::Md, args.per_unit),
    };
    output::emit(args.output.as_deref(), text.as_bytes())
}

fn flow_cells(f: &Flow) -> Vec<String> {
    vec![
        f.first_tranche_paid.to_string(),
        f.remainder_paid.to_string(),
        f.paid().to_string(),
        f.withheld.to_string(),
        f.recovered.to_string(),
        f.net().to_string(),
    ]
}

const FLOW_HEADER: [&str; 6] =
    ["first_tranche_paid", "remainder_paid", "paid", "withheld", "recovered", "net"];

fn render(plan: &Plan, pi: &PlanInputs, md: bool, per_unit: bool) -> String {
    let f = plan.funding_total();
    let pool_source = match &pi.registry_label {
        Some(r) => format!("eligible firms of {r} on each batch's date"),
        None => format!("caps of {} shrunk by each batch", pi.inputs.scenario.label),
    };
    let heading = |s: &str| if md { format!("\n**{s}**\n\n") } else { format!("\n{s}\n\n") };
    let mut out = if md {
        format!(
            "**{}** — {} batches, {} firms, {} 万元\n\n",
            plan.name,
            plan.batches.len(),
            plan.firms_total(),
            f.total_wan
        )
    } else {
        format!(
            "programme {} — {} batches, {} firms, {} 万元\n",
            plan.name,
            plan.batches.len(),
            plan.firms_total(),
            f.total_wan
        )
    };
    out.push_str(&format!(
        "rules: scenario {} (method {}); pool: {pool_source}\n",
        pi.inputs.scenario.label,
        plan.batches.first().map_or("-", |b| b.allocation.method.as_str())
    ));

    // Batches.
    out.push_str(&heading("batches (万元)"));
    let header: Vec<String> = [
        "batch",
        "year",
        "as_of",
        "pool",
        "total",
        "funding",
        "first_tranche",
        "remainder",
        "to_firms",
        "services",
        "recovered_firms",
        "withheld_firms",
    ]
    .map(String::from)
    .to_vec();
    let mut align = vec![Align::Left, Align::Right, Align::Left];
    align.resize(header.len(), Align::Right);
    let mut rows: Vec<Vec<String>> = plan
        .batches
        .iter()
        .map(|b| {
            let m = b.funding();
            let (r, w) = b.outcome_totals();
            vec![
                b.batch.label.clone(),
                b.batch.year.to_string(),
                b.batch.as_of.to_string(),
                b.pool.iter().sum::<u64>().to_string(),
                b.batch.total.to_string(),
                m.total_wan.to_string(),
                m.first_tranche_wan.to_string(),
                m.remainder_wan.to_string(),
                m.to_firms_wan.to_string(),
                m.services_wan.to_string(),
                r.to_string(),
                w.to_string(),
            ]
        })
        .collect();
    let (rt, wt) = plan.batches.iter().fold((0, 0), |(a, b), x| {
        let (r, w) = x.outcome_totals();
        (a + r, b + w)
    });
    rows.push(vec![
        "合计 total".into(),
        String::new(),
        String::new(),
        String::new(),
        plan.firms_total().to_string(),
        f.total_wan.to_string(),
        f.first_tranche_wan.to_string(),
        f.remainder_wan.to_string(),
        f.to_firms_wan.to_string(),
        f.services_wan.to_string(),
        rt.to_string(),
        wt.to_string(),
    ]);
    out.push_str(&output::table(md, &header, &align, &rows, true));

    // National cash flow.
    out.push_str(&heading(&format!(
        "cash flow (万元), national — first tranche in the batch year; remainder paid or withheld, and first tranches recovered, {} years later",
        plan.remainder_after_years
    )));
    let mut header: Vec<String> = vec!["year".into()];
    header.extend(FLOW_HEADER.map(String::from));
    let mut align = vec![Align::Left];
    align.resize(header.len(), Align::Right);
    let cf = &plan.cash_flow;
    let mut rows: Vec<Vec<String>> = cf
        .years
        .iter()
        .zip(&cf.national)
        .map(|(y, fl)| {
            let mut r = vec![y.to_string()];
            r.extend(flow_cells(fl));
            r
        })
        .collect();
    let mut total = vec!["合计 total".to_string()];
    total.extend(flow_cells(&cf.total()));
    rows.push(total);
    out.push_str(&output::table(md, &header, &align, &rows, true));

    if per_unit {
        out.push_str(&heading("per unit: slots per batch; money paid per year, withheld, recovered and net over the programme (万元)"));
        let mut header: Vec<String> = vec!["code".into(), "name".into()];
        header.extend(plan.batches.iter().map(|b| format!("slots {}", b.batch.year)));
        header.push("allocated".into());
        header.extend(cf.years.iter().map(|y| format!("paid {y}")));
        header.extend(["withheld", "recovered", "net"].map(String::from));
        let mut align = vec![Align::Left, Align::Left];
        align.resize(header.len(), Align::Right);
        let mut rows: Vec<Vec<String>> = (0..plan.units.len())
            .map(|i| {
                let u = plan.units.get(i);
                let mut r = vec![u.code.clone(), u.name_zh.clone()];
                r.extend(plan.batches.iter().map(|b| b.allocation.units[i].slots.to_string()));
                let allocated: u64 =
                    plan.batches.iter().map(|b| b.allocation.units[i].funding.total_wan).sum();
                r.push(allocated.to_string());
                r.extend(cf.units[i].iter().map(|fl| fl.paid().to_string()));
                let t = cf.unit_total(i);
                r.extend([t.withheld.to_string(), t.recovered.to_string(), t.net().to_string()]);
                r
            })
            .collect();
        let mut t = vec![String::new(), "合计 total".into()];
        t.extend(plan.batches.iter().map(|b| b.batch.total.to_string()));
        t.push(f.total_wan.to_string());
        t.extend(cf.national.iter().map(|fl| fl.paid().to_string()));
        let ct = cf.total();
        t.extend([ct.withheld.to_string(), ct.recovered.to_string(), ct.net().to_string()]);
        rows.push(t);
        out.push_str(&output::table(md, &header, &align, &rows, true));
    }
    out
}

/// The cash flow as CSV: national rows (code `national`) then each unit, one row per year.
fn cash_flow_csv(plan: &Plan) -> Result<String, Failure> {
    let mut header: Vec<String> = ["scope", "code", "name", "year"].map(String::from).to_vec();
    header.extend(FLOW_HEADER.iter().map(|h| format!("{h}_wan")));
    let cf = &plan.cash_flow;
    let mut rows = Vec::new();
    for (y, fl) in cf.years.iter().zip(&cf.national) {
        let mut r = vec!["national".into(), "national".into(), "全国".into(), y.to_string()];
        r.extend(flow_cells(fl));
        rows.push(r);
    }
    for i in 0..plan.units.len() {
        let u = plan.units.get(i);
        for (y, fl) in cf.years.iter().zip(&cf.units[i]) {
            let mut r = vec!["unit".into(), u.code.clone(), u.name_zh.clone(), y.to_string()];
            r.extend(flow_cells(fl));
            rows.push(r);
        }
    }
    output::csv_text(&header, &rows)
}

fn flow_json(f: &Flow) -> serde_json::Value {
    json!({
        "first_tranche_paid_wan": f.first_tranche_paid,
        "remainder_paid_wan": f.remainder_paid,
        "paid_wan": f.paid(),
        "withheld_wan": f.withheld,
        "recovered_wan": f.recovered,
        "net_wan": f.net(),
    })
}

fn to_json(plan: &Plan, pi: &PlanInputs) -> serde_json::Value {
    let cf = &plan.cash_flow;
    let batches: Vec<serde_json::Value> = plan
        .batches
        .iter()
        .map(|b| {
            let m = b.funding();
            let (r, w) = b.outcome_totals();
            let units: Vec<serde_json::Value> = b
                .allocation
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    json!({
                        "code": u.code,
                        "name": u.name,
                        "pool": b.pool[i],
                        "slots": u.slots,
                        "funding_wan": u.funding.total_wan,
                        "first_tranche_wan": u.funding.first_tranche_wan,
                        "remainder_wan": u.funding.remainder_wan,
                        "to_firms_wan": u.funding.to_firms_wan,
                        "services_wan": u.funding.services_wan,
                        "recovered_firms": b.outcomes[i].recovered_firms,
                        "withheld_firms": b.outcomes[i].withheld_firms,
                    })
                })
                .collect();
            let firms: Vec<&str> = match &pi.registry {
                Some(reg) => b.firms.iter().map(|&f| reg.firms[f].id.as_str()).collect(),
                None => vec![],
            };
            json!({
                "label": b.batch.label,
                "year": b.batch.year,
                "as_of": b.batch.as_of,
                "total": b.batch.total,
                "pool": b.pool.iter().sum::<u64>(),
                "method": b.allocation.method,
                "funding_wan": m.total_wan,
                "first_tranche_wan": m.first_tranche_wan,
                "remainder_wan": m.remainder_wan,
                "to_firms_wan": m.to_firms_wan,
                "services_wan": m.services_wan,
                "recovered_firms": r,
                "withheld_firms": w,
                "ties": b.allocation.ties,
                "units": units,
                "firms": firms,
            })
        })
        .collect();
    let national: Vec<serde_json::Value> = cf
        .years
        .iter()
        .zip(&cf.national)
        .map(|(y, f)| {
            let mut v = flow_json(f);
            v["year"] = json!(y);
            v
        })
        .collect();
    let units: Vec<serde_json::Value> = (0..plan.units.len())
        .map(|i| {
            let u = plan.units.get(i);
            json!({
                "code": u.code,
                "name": u.name_zh,
                "flows": cf.years.iter().zip(&cf.units[i]).map(|(y, f)| {
                    let mut v = flow_json(f);
                    v["year"] = json!(y);
                    v
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "programme": plan.name,
        "description": plan.description,
        "inputs": {
            "programme": pi.programme.at.source,
            "scenario": pi.inputs.scenario.label,
            "registry": pi.registry_label,
        },
        "remainder_after_years": plan.remainder_after_years,
        "firms": plan.firms_total(),
        "funding_wan": plan.funding_total().total_wan,
        "batches": batches,
        "cash_flow": {
            "years": cf.years,
            "national": national,
            "total": flow_json(&cf.total()),
            "units": units,
        },
    })
}
