//! `quota allocate`: an [`AllocationReport`] as aligned text, Markdown, CSV or JSON, and the
//! `--verify` summary.
//!
//! Text and Markdown: a heading line, one row per unit (indicator shares in %, score, ideal
//! and adjusted quota, floor, cap, slots, money) and a totals row, the ties (or the
//! optimisation model's report) and the stamp line. CSV: one header line, then one row per
//! unit with full-precision shares, every money part and `not_official` (the inputs that are
//! illustrative, synthetic or assumed for that unit, `;`-separated; empty when none) — no
//! comment lines (the CLI writes a `# stamp:` first line on request, `--stamp`). JSON: [`super::json`] of
//! the report.

use super::{csv_text, json, table, Align, Format, RenderError};
use crate::allocate::{AllocationReport, Verification};
use crate::apportion::Method;
use crate::optimize::OptOutcome;

/// Renders a published allocation in `format`.
pub fn render(r: &AllocationReport, format: Format) -> Result<String, RenderError> {
    let a = &r.allocation;
    let (h, align) = header(r, format);
    let rows = rows(r, format);
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
            out.push_str(&table(md, &h, &align, &rows, true));
            out.push_str(&ties_text(r));
            out.push_str(&super::provenance_footer(&r.provenance, md));
            out.push_str(&format!("\n{}\n", r.stamp.line()));
            out
        }
        Format::Csv => csv_text(&h, &rows)?,
        Format::Json => json("allocate", r)?,
    })
}

/// The `--verify` summary: one `verified: …` line per check.
pub fn verification(v: &Verification) -> String {
    let mut lines = vec![];
    if v.optimiser {
        lines.push(format!(
            "verified: the optimiser's independent checker recomputed the total ({}), floors, caps, every group, change-limit, quota and custom constraint and the objective from the final integers",
            v.total
        ));
    }
    if let Some(ap) = &v.apportionment {
        lines.push(format!("verified: slots sum to {} = total {}", ap.slots, v.total));
        lines.push(format!("verified: all {} units within their floors and caps", ap.units));
        lines.push(match ap.method {
            m if m.is_divisor() => {
                format!("verified: {m} divisor condition (no unserved claim outranks a served one)")
            }
            Method::Hamilton => "verified: Hamilton quota rule (every unit gets ⌊q*⌋ or ⌈q*⌉)".into(),
            m => format!("verified: {m} result within bounds"),
        });
    }
    lines.push(format!(
        "verified: money {} 万元 = {} slots × {} 万元; ties reported: {}",
        v.money_wan, v.total, v.per_firm_wan, v.ties
    ));
    lines.join("\n")
}

fn header(r: &AllocationReport, format: Format) -> (Vec<String>, Vec<Align>) {
    let csv = format == Format::Csv;
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    if csv {
        h.push("name_en".into());
    }
    h.push("region".into());
    for ind in &r.indicators {
        h.push(if csv { format!("s_{}", ind.column) } else { format!("{} %", ind.column) });
    }
    h.extend(["score", "ideal", "adjusted", "floor", "cap", "slots", "funding_wan"].map(String::from));
    if csv {
        h.extend(
            ["first_tranche_wan", "remainder_wan", "to_firms_wan", "services_wan", "not_official"]
                .map(String::from),
        );
    }
    let mut align = vec![Align::Left; if csv { 4 } else { 3 }];
    align.resize(h.len(), Align::Right);
    (h, align)
}

fn rows(r: &AllocationReport, format: Format) -> Vec<Vec<String>> {
    let csv = format == Format::Csv;
    let mut rows: Vec<Vec<String>> = r
        .allocation
        .units
        .iter()
        .map(|u| {
            let mut row = vec![u.code.clone(), u.name.clone()];
            if csv {
                row.push(u.name_en.clone());
            }
            row.push(u.region.name_zh().into());
            for v in &u.normalised {
                row.push(if csv { format!("{v:.12}") } else { format!("{:.2}", v * 100.0) });
            }
            row.push(format!("{:.9}", u.score));
            row.push(format!("{:.4}", u.ideal));
            row.push(format!("{:.4}", u.adjusted));
            row.push(u.floor.to_string());
            row.push(u.cap.to_string());
            row.push(u.slots.to_string());
            row.push(u.funding.total_wan.to_string());
            if csv {
                row.push(u.funding.first_tranche_wan.to_string());
                row.push(u.funding.remainder_wan.to_string());
                row.push(u.funding.to_firms_wan.to_string());
                row.push(u.funding.services_wan.to_string());
                row.push(r.provenance.not_official_for(&u.code));
            }
            row
        })
        .collect();
    if !csv {
        let t = r.totals();
        let mut total = vec![String::new(), "合计 total".into(), String::new()];
        total.extend(r.indicators.iter().map(|_| "100.00".to_string()));
        total.push(format!("{:.9}", t.score));
        total.push(format!("{:.4}", t.quota));
        total.push(format!("{:.4}", t.quota));
        total.push(t.floor.to_string());
        total.push(t.cap.to_string());
        total.push(t.slots.to_string());
        total.push(t.funding_wan.to_string());
        rows.push(total);
    }
    rows
}

fn ties_text(r: &AllocationReport) -> String {
    let a = &r.allocation;
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
fn optimize_text(o: &OptOutcome) -> String {
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
