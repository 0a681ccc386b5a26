//! `quota compare --observed FILE` laid out: what was observed, every compared unit's
//! allocated and observed slots with the difference, and the fit measures — as aligned text,
//! Markdown, CSV (the unit table), JSON, and a grouped bar chart (SVG).

use crate::compare::svg::{colour, BarChart, Series};
use crate::compare::{FitUnit, ObservedFit};
use crate::observed::Kind;
use crate::render::layout::{csv_text, table, Align};
use crate::render::{Format, RenderError};

/// The comparison in `format`.
pub fn render(f: &ObservedFit, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => document(f, false),
        Format::Md => document(f, true),
        Format::Csv => csv(f)?,
        Format::Json => crate::render::json("compare-observed", f)?,
    })
}

fn compared(f: &ObservedFit) -> impl Iterator<Item = &FitUnit> {
    f.units.iter().filter(|u| u.observed.is_some())
}

/// CSV: one row per compared unit (one header line and data rows); `not_official` names the
/// scenario's inputs that are not official for the unit's row.
fn csv(f: &ObservedFit) -> Result<String, csv::Error> {
    let h = [
        "code",
        "name",
        "allocated",
        "observed",
        "expected",
        "delta",
        "delta_percent",
        "observed_status",
        "not_official",
    ]
    .map(String::from);
    let rows: Vec<Vec<String>> = compared(f)
        .map(|u| {
            vec![
                u.code.clone(),
                u.name.clone(),
                u.allocated.to_string(),
                u.observed.map(|o| o.to_string()).unwrap_or_default(),
                u.expected.map(|e| format!("{e:.4}")).unwrap_or_default(),
                u.delta.map(|d| format!("{d:.4}")).unwrap_or_default(),
                u.delta_percent.map(|p| format!("{p:.2}")).unwrap_or_default(),
                u.status.map(|s| s.name().to_string()).unwrap_or_default(),
                f.provenance.not_official_for(&u.code),
            ]
        })
        .collect();
    csv_text(&h, &rows)
}

/// A difference with its sign, one decimal when the observed side was scaled.
fn delta_text(d: f64, decimals: usize) -> String {
    let s = format!("{d:.decimals$}");
    let unsigned = s.trim_start_matches('-');
    if unsigned.chars().all(|c| c == '0' || c == '.') {
        unsigned.to_string() // no "-0.0" or "+0"
    } else if d > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

fn document(f: &ObservedFit, md: bool) -> String {
    let o = &f.observed;
    let decimals = if f.scaled { 1 } else { 0 };
    let mut lines = vec![format!(
        "compared with observed: scenario {} — method {} — {} slots over {} units",
        f.scenario,
        f.method,
        f.total,
        f.units.len()
    )];
    let statuses: Vec<&str> = o.statuses.iter().map(|s| s.name()).collect();
    lines.push(format!(
        "observed: {} — {} ({}; {}; as of {}; {} of {} units; status {})",
        o.name,
        o.description,
        o.kind.name(),
        if o.programme.is_empty() { "programme not stated" } else { &o.programme },
        if o.as_of.is_empty() { "not stated" } else { &o.as_of },
        o.units_observed,
        f.units.len(),
        statuses.join(", ")
    ));
    lines.push(match o.batch_total {
        Some(t) if f.scaled => format!(
            "the observed batch has {t} slots, the scenario {}: observed figures scaled by {}/{t} = {:.4}",
            f.total, f.total, f.scale
        ),
        Some(t) => format!("the observed batch has {t} slots, as the scenario: figures compared as observed"),
        None => "the observed batch's total is not stated (@total): figures compared as observed".to_string(),
    });
    if o.kind == Kind::Benchmark {
        lines.push(
            "a benchmark, not an outcome of the programme modelled: a close fit is neither expected nor a goal"
                .to_string(),
        );
    }
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        match (md, k) {
            (true, 0) => out.push_str(&format!("**{l}**\n\n")),
            (true, _) => out.push_str(&format!("{l}  \n")),
            (false, _) => out.push_str(&format!("{l}\n")),
        }
    }
    out.push('\n');

    let mut h: Vec<String> = ["code", "name", "allocated", "observed"].map(String::from).to_vec();
    if f.scaled {
        h.push(format!("observed × {:.4}", f.scale));
    }
    h.extend(["Δ", "Δ%"].map(String::from));
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows: Vec<Vec<String>> = compared(f)
        .map(|u| {
            let mut r = vec![
                u.code.clone(),
                u.name.clone(),
                u.allocated.to_string(),
                u.observed.map(|x| x.to_string()).unwrap_or_default(),
            ];
            if f.scaled {
                r.push(u.expected.map(|e| format!("{e:.1}")).unwrap_or_default());
            }
            r.push(u.delta.map(|d| delta_text(d, decimals)).unwrap_or_default());
            r.push(u.delta_percent.map_or("—".to_string(), |p| format!("{}%", delta_text(p, 1))));
            r
        })
        .collect();
    out.push_str(&table(md, &h, &align, &rows, false));
    out.push('\n');
    for l in summary_lines(f, decimals) {
        out.push_str(&l);
        out.push_str(if md { "  \n" } else { "\n" });
    }
    out.push_str(&crate::render::provenance_footer(&f.provenance, md));
    if let Some(s) = &f.stamp {
        out.push_str(&format!("\n{}\n", s.line()));
    }
    out
}

fn summary_lines(f: &ObservedFit, decimals: usize) -> Vec<String> {
    let s = &f.summary;
    let mut lines = vec![format!(
        "{} unit(s) compared ({} allocated, {} observed): {} match exactly; Σ|Δ| {:.decimals$}",
        s.units_compared, s.allocated_compared, s.observed_compared, s.exact_matches, s.abs_error_sum
    )];
    if let (Some(l1), Some(moved)) = (s.l1_shares, s.moved_percent) {
        lines.push(format!("L1 of shares {l1:.3}; slots that would have to move {moved:.1}%"));
    }
    let corr = |c: Option<f64>| c.map_or("— (one side constant)".to_string(), |c| format!("{c:.3}"));
    if s.units_compared >= 2 {
        lines.push(format!("Spearman {}; Kendall τ-b {}", corr(s.spearman), corr(s.kendall_tau_b)));
    }
    if let Some(l) = &s.largest {
        lines.push(format!(
            "largest |Δ| {:.decimals$}: {} {} ({})",
            l.delta.abs(),
            l.code,
            l.name,
            delta_text(l.delta, decimals)
        ));
    }
    if s.units_compared >= 6 {
        let mut by: Vec<&FitUnit> = compared(f).collect();
        by.sort_by(|a, b| a.delta.unwrap_or(0.0).total_cmp(&b.delta.unwrap_or(0.0)));
        let name = |u: &&FitUnit| format!("{} {}", u.name, delta_text(u.delta.unwrap_or(0.0), decimals));
        let low: Vec<String> = by.iter().take(3).map(name).collect();
        let high: Vec<String> = by.iter().rev().take(3).rev().map(name).collect();
        lines.push(format!(
            "largest differences (allocated − observed): {} … {}",
            low.join(", "),
            high.join(", ")
        ));
    }
    lines
}

/// Grouped bars per compared unit: allocated, and observed (scaled to N and rounded when the
/// totals differ).
pub fn svg(f: &ObservedFit) -> String {
    let units: Vec<&FitUnit> = compared(f).collect();
    let observed_name =
        if f.scaled { format!("observed × {:.4} (rounded)", f.scale) } else { "observed".to_string() };
    let s = &f.summary;
    let fit = match (s.l1_shares, s.spearman) {
        _ if units.len() == 1 => {
            format!("{} {} vs {}", units[0].name, units[0].allocated, units[0].observed.unwrap_or(0))
        }
        (Some(l1), Some(rho)) => format!("L1 of shares {l1:.3}, Spearman {rho:.3}"),
        (Some(l1), None) => format!("L1 of shares {l1:.3}"),
        _ => format!("Σ|Δ| {:.1}", s.abs_error_sum),
    };
    BarChart {
        title: format!("分配与实际对比 · allocated vs observed — {} vs {}", f.scenario, f.observed.name),
        subtitle: format!(
            "{}method {} — {} slots; {} ({}); {fit}",
            crate::render::subtitle_mark(&f.provenance),
            f.method,
            f.total,
            f.observed.kind.name(),
            if f.observed.as_of.is_empty() { "undated" } else { &f.observed.as_of },
        ),
        y_label: "slots".into(),
        categories: units.iter().map(|u| u.name.clone()).collect(),
        series: vec![
            Series {
                name: "allocated".into(),
                colour: colour(1),
                values: units.iter().map(|u| u.allocated).collect(),
            },
            Series {
                name: observed_name,
                colour: colour(0),
                values: units.iter().map(|u| u.expected.unwrap_or(0.0).round() as u64).collect(),
            },
        ],
    }
    .to_svg()
}
