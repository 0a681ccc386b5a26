//! `quota compare --leave-one-out` laid out: per indicator left out, the re-normalised weights
//! and how many slots moved; per unit, its slots without each indicator and the change — as
//! aligned text, Markdown, CSV (the unit table), JSON, and a grouped bar chart (SVG).

use super::signed;
use crate::compare::svg::{colour, BarChart, Series};
use crate::compare::LeaveOneOut;
use crate::render::layout::{csv_text, table, Align};
use crate::render::{Format, RenderError};

/// The result in `format`.
pub fn render(l: &LeaveOneOut, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => document(l, false),
        Format::Md => document(l, true),
        Format::Csv => csv(l)?,
        Format::Json => crate::render::json("compare-leave-one-out", l)?,
    })
}

/// CSV: one row per unit — baseline, slots without each indicator (empty: no allocation), the
/// largest |Δ| (one header line and data rows).
fn csv(l: &LeaveOneOut) -> Result<String, csv::Error> {
    let mut h: Vec<String> = ["code", "name", "baseline"].map(String::from).to_vec();
    h.extend(l.columns.iter().map(|c| format!("without_{}", c.indicator)));
    h.extend(["max_abs_change", "not_official"].map(String::from));
    let rows: Vec<Vec<String>> = l
        .units
        .iter()
        .map(|u| {
            let mut r = vec![u.code.clone(), u.name.clone(), u.baseline.to_string()];
            r.extend(u.slots.iter().map(|s| s.map(|x| x.to_string()).unwrap_or_default()));
            r.push(u.max_change.to_string());
            r.push(l.provenance.not_official_for(&u.code));
            r
        })
        .collect();
    csv_text(&h, &rows)
}

fn document(l: &LeaveOneOut, md: bool) -> String {
    let header = format!(
        "leave-one-indicator-out: scenario {} — method {} — {} slots over {} units — each indicator's weight set to 0, the others re-normalised, everything else as written",
        l.scenario,
        l.method,
        l.total,
        l.units.len()
    );
    let mut out = if md { format!("**{header}**\n\n") } else { format!("{header}\n\n") };
    let names: Vec<&str> = l.columns.iter().map(|c| c.indicator.as_str()).collect();
    let mut h: Vec<String> = vec!["left out".into(), "weight".into()];
    h.extend(names.iter().map(|n| format!("w {n}")));
    h.extend(["slots moved", "units changed", "max |Δ|"].map(String::from));
    let mut align = vec![Align::Left];
    align.resize(h.len(), Align::Right);
    let rows: Vec<Vec<String>> = l
        .columns
        .iter()
        .map(|c| {
            let mut r = vec![c.indicator.clone(), format!("{:.4}", c.weight)];
            match &c.infeasible {
                None => {
                    r.extend(c.weights.iter().map(|w| format!("{w:.4}")));
                    r.extend([c.moved.to_string(), c.units_changed.to_string(), c.max_change.to_string()]);
                }
                Some(_) => r.extend(std::iter::repeat_n("—".to_string(), names.len() + 3)),
            }
            r
        })
        .collect();
    out.push_str(&table(md, &h, &align, &rows, false));
    for c in l.columns.iter().filter(|c| c.infeasible.is_some()) {
        out.push_str(&format!(
            "without {}: no allocation — {}\n",
            c.indicator,
            c.infeasible.as_deref().unwrap_or_default()
        ));
    }
    out.push('\n');
    let mut h: Vec<String> = ["code", "name", "baseline"].map(String::from).to_vec();
    h.extend(names.iter().map(|n| format!("without {n}")));
    h.push("max |Δ|".into());
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows: Vec<Vec<String>> = l
        .units
        .iter()
        .map(|u| {
            let mut r = vec![u.code.clone(), u.name.clone(), u.baseline.to_string()];
            r.extend(u.slots.iter().map(|s| match s {
                None => "—".to_string(),
                Some(x) if *x == u.baseline => x.to_string(),
                Some(x) => format!("{x} ({})", signed(*x as i64 - u.baseline as i64)),
            }));
            r.push(u.max_change.to_string());
            r
        })
        .collect();
    out.push_str(&table(md, &h, &align, &rows, false));
    let robust = l.units.iter().filter(|u| u.max_change == 0).count();
    let worst = l.units.iter().max_by_key(|u| (u.max_change, std::cmp::Reverse(u.code.clone())));
    out.push_str(&format!(
        "\n{robust} of {} units keep their slots whatever indicator is left out; largest change: {}\n",
        l.units.len(),
        worst
            .filter(|u| u.max_change > 0)
            .map_or("none".to_string(), |u| format!("{} {} ({} slots)", u.code, u.name, u.max_change))
    ));
    out.push_str(&crate::render::provenance_footer(&l.provenance, md));
    if let Some(s) = &l.stamp {
        out.push_str(&format!("\n{}\n", s.line()));
    }
    out
}

/// Grouped bars per unit: the scenario as written (grey), then without each indicator.
pub fn svg(l: &LeaveOneOut) -> String {
    let mut series = vec![Series {
        name: "as written".into(),
        colour: colour(0),
        values: l.units.iter().map(|u| u.baseline).collect(),
    }];
    for (k, c) in l.columns.iter().enumerate() {
        if c.infeasible.is_some() {
            continue;
        }
        series.push(Series {
            name: format!("without {}", c.indicator),
            colour: colour(k + 1),
            values: l.units.iter().map(|u| u.slots[k].unwrap_or(0)).collect(),
        });
    }
    BarChart {
        title: format!("去掉一个指标 · leave one indicator out — {}", l.scenario),
        subtitle: format!(
            "{}method {} — {} slots; weights of the others re-normalised",
            crate::render::subtitle_mark(&l.provenance),
            l.method,
            l.total
        ),
        y_label: "slots".into(),
        categories: l.units.iter().map(|u| u.name.clone()).collect(),
        series,
    }
    .to_svg()
}
