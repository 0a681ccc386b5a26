//! `quota plan`: a run programme ([`Plan`]) as text or Markdown (heading, batches, national
//! cash flow and, with `per_unit`, each unit's slots and money), as CSV (the cash flow,
//! national rows then each unit, one row per year) or JSON ([`super::json`] of the plan).

use super::{csv_text, json, table, Align, Format, RenderError};
use crate::programme::{Flow, Plan};

const FLOW_HEADER: [&str; 6] =
    ["first_tranche_paid", "remainder_paid", "paid", "withheld", "recovered", "net"];

/// Renders a run programme in `format`; `per_unit` adds the per-unit table to text and
/// Markdown.
pub fn render(plan: &Plan, format: Format, per_unit: bool) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => json("plan", plan)?,
        Format::Csv => cash_flow_csv(plan)?,
        Format::Table | Format::Md => text(plan, format == Format::Md, per_unit),
    })
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

fn text(plan: &Plan, md: bool, per_unit: bool) -> String {
    let f = plan.funding_total();
    let pool_source = match &plan.inputs.registry {
        Some(r) => format!("eligible firms of {r} on each batch's date"),
        None => format!("caps of {} shrunk by each batch", plan.inputs.scenario),
    };
    let heading = |s: &str| if md { format!("\n**{s}**\n\n") } else { format!("\n{s}\n\n") };
    let (name, end) =
        if md { (format!("**{}**", plan.name), "\n\n") } else { (format!("programme {}", plan.name), "\n") };
    let mut out = format!(
        "{name} — {} batches, {} firms, {} 万元{end}",
        plan.batches.len(),
        plan.firms_total(),
        f.total_wan
    );
    out.push_str(&format!(
        "rules: scenario {} (method {}); pool: {pool_source}\n",
        plan.inputs.scenario,
        plan.batches.first().map_or("-", |b| b.allocation.method.as_str())
    ));

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
                b.pool_total().to_string(),
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
    let (rt, wt) = plan.outcome_totals();
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
    out.push_str(&table(md, &header, &align, &rows, true));

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
        .map(|(y, fl)| std::iter::once(y.to_string()).chain(flow_cells(fl)).collect())
        .collect();
    rows.push(std::iter::once("合计 total".to_string()).chain(flow_cells(&cf.total())).collect());
    out.push_str(&table(md, &header, &align, &rows, true));

    if per_unit {
        out.push_str(&heading("per unit: slots per batch; money paid per year, withheld, recovered and net over the programme (万元)"));
        out.push_str(&per_unit_table(plan, md));
    }
    out.push_str(&super::provenance_footer(&plan.provenance, md));
    out
}

fn per_unit_table(plan: &Plan, md: bool) -> String {
    let cf = &plan.cash_flow;
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
            r.push(plan.unit_allocated_wan(i).to_string());
            r.extend(cf.units[i].iter().map(|fl| fl.paid().to_string()));
            let t = cf.unit_total(i);
            r.extend([t.withheld.to_string(), t.recovered.to_string(), t.net().to_string()]);
            r
        })
        .collect();
    let mut t = vec![String::new(), "合计 total".into()];
    t.extend(plan.batches.iter().map(|b| b.batch.total.to_string()));
    t.push(plan.funding_total().total_wan.to_string());
    t.extend(cf.national.iter().map(|fl| fl.paid().to_string()));
    let ct = cf.total();
    t.extend([ct.withheld.to_string(), ct.recovered.to_string(), ct.net().to_string()]);
    rows.push(t);
    table(md, &header, &align, &rows, true)
}

/// The cash flow as CSV: national rows (code `national`) then each unit, one row per year.
fn cash_flow_csv(plan: &Plan) -> Result<String, csv::Error> {
    let mut header: Vec<String> = ["scope", "code", "name", "year"].map(String::from).to_vec();
    header.extend(FLOW_HEADER.iter().map(|h| format!("{h}_wan")));
    header.push("not_official".into());
    let cf = &plan.cash_flow;
    let mut rows = Vec::new();
    for (y, fl) in cf.years.iter().zip(&cf.national) {
        let mut r = vec!["national".into(), "national".into(), "全国".into(), y.to_string()];
        r.extend(flow_cells(fl));
        r.push(plan.provenance.not_official_all());
        rows.push(r);
    }
    for i in 0..plan.units.len() {
        let u = plan.units.get(i);
        for (y, fl) in cf.years.iter().zip(&cf.units[i]) {
            let mut r = vec!["unit".into(), u.code.clone(), u.name_zh.clone(), y.to_string()];
            r.extend(flow_cells(fl));
            r.push(plan.provenance.not_official_for(&u.code));
            rows.push(r);
        }
    }
    csv_text(&header, &rows)
}
