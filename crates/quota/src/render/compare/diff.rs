//! `quota compare A B` laid out: every unit's slots and money under A and B and the change,
//! as aligned text, Markdown, CSV, JSON, and a grouped bar chart (SVG).

use super::signed;
use crate::compare::svg::{self, BarChart, Series};
use crate::compare::{DiffSide, DiffStudy};
use crate::render::layout::{csv_text, table, Align};
use crate::render::{Format, RenderError};

/// The study in `format`.
pub fn render(study: &DiffStudy, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => text(study),
        Format::Md => markdown(study),
        Format::Csv => csv(study)?,
        Format::Json => json(study)?,
    })
}

/// The JSON document (`quota.compare-diff/1`): the serialisation of the study.
pub fn json(study: &DiffStudy) -> Result<String, serde_json::Error> {
    crate::render::json("compare-diff", study)
}

/// CSV: one row per unit (a missing side left empty).
pub fn csv(d: &DiffStudy) -> Result<String, csv::Error> {
    let opt = |v: Option<u64>| v.map_or(String::new(), |x| x.to_string());
    let h: Vec<String> = [
        "code",
        "name",
        "name_en",
        "region",
        "slots_a",
        "slots_b",
        "delta_slots",
        "money_a_wan",
        "money_b_wan",
        "delta_money_wan",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = d
        .units
        .iter()
        .map(|u| {
            vec![
                u.code.clone(),
                u.name.clone(),
                u.name_en.clone(),
                u.region.name_zh().to_string(),
                opt(u.slots_a),
                opt(u.slots_b),
                u.delta_slots.to_string(),
                opt(u.money_a_wan),
                opt(u.money_b_wan),
                u.delta_money_wan.to_string(),
            ]
        })
        .collect();
    csv_text(&h, &rows)
}

/// Aligned text: a line per scenario, the table with a totals row, the summary.
pub fn text(d: &DiffStudy) -> String {
    document(d, false)
}

/// Markdown: the scenarios as a list, the table, the summary.
pub fn markdown(d: &DiffStudy) -> String {
    document(d, true)
}

fn document(d: &DiffStudy, md: bool) -> String {
    let dash = |v: Option<u64>| v.map_or("—".to_string(), |x| x.to_string());
    let zero_blank = |x: i64| if x == 0 { "0".to_string() } else { signed(x) };
    let h: Vec<String> =
        ["code", "name", "region", "A slots", "B slots", "Δ slots", "A 万元", "B 万元", "Δ 万元"]
            .map(String::from)
            .to_vec();
    let mut a = vec![Align::Left; 3];
    a.resize(h.len(), Align::Right);
    let mut rows: Vec<Vec<String>> = d
        .units
        .iter()
        .map(|u| {
            vec![
                u.code.clone(),
                u.name.clone(),
                u.region.name_zh().to_string(),
                dash(u.slots_a),
                dash(u.slots_b),
                zero_blank(u.delta_slots),
                dash(u.money_a_wan),
                dash(u.money_b_wan),
                zero_blank(u.delta_money_wan),
            ]
        })
        .collect();
    let t = &d.totals;
    rows.push(vec![
        String::new(),
        "合计 total".into(),
        String::new(),
        t.slots_a.to_string(),
        t.slots_b.to_string(),
        zero_blank(t.delta_slots),
        t.money_a_wan.to_string(),
        t.money_b_wan.to_string(),
        zero_blank(t.delta_money_wan),
    ]);
    let line = |tag: &str, s: &DiffSide| {
        format!(
            "{tag}: scenario {} ({}) — method {} — {} slots over {} units — {} 万元",
            s.scenario,
            s.source,
            s.method,
            s.total,
            s.allocation.units.len(),
            s.funding_wan
        )
    };
    let mut out = String::new();
    for (tag, side) in [("A", &d.a), ("B", &d.b)] {
        out.push_str(&if md {
            format!("- **{}**\n", line(tag, side))
        } else {
            format!("{}\n", line(tag, side))
        });
    }
    out.push('\n');
    out.push_str(&table(md, &h, &a, &rows, true));
    let largest = d
        .largest_change
        .as_ref()
        .map_or("none".to_string(), |u| format!("{} {} {}", u.code, u.name, signed(u.delta_slots)));
    out.push_str(&format!(
        "\n{} of {} units change (Σ|Δ slots| = {}); largest change: {largest}\n",
        d.units_changed,
        d.units.len(),
        d.total_abs_delta_slots
    ));
    if d.units_in_one_scenario_only > 0 {
        out.push_str("— : the unit is not in that scenario (its Δ counts the missing side as 0)\n");
    }
    out.push_str(&crate::render::provenance_footer(&d.provenance(), md));
    out
}

/// The grouped bar chart of slots by unit: A grey, B blue (a missing side as 0).
pub fn chart(d: &DiffStudy) -> BarChart {
    BarChart {
        title: format!("A {} vs B {} — slots by unit", d.a.scenario, d.b.scenario),
        subtitle: format!(
            "{}A: {} slots, method {}; B: {} slots, method {}",
            crate::render::subtitle_mark(&d.provenance()),
            d.totals.slots_a,
            d.a.method,
            d.totals.slots_b,
            d.b.method
        ),
        y_label: "slots 名额".into(),
        categories: d.units.iter().map(|u| u.name.clone()).collect(),
        series: vec![
            Series {
                name: format!("A {}", d.a.scenario),
                colour: svg::colour(0),
                values: d.units.iter().map(|u| u.slots_a.unwrap_or_default()).collect(),
            },
            Series {
                name: format!("B {}", d.b.scenario),
                colour: svg::colour(1),
                values: d.units.iter().map(|u| u.slots_b.unwrap_or_default()).collect(),
            },
        ],
    }
}

/// The chart as SVG.
pub fn svg(d: &DiffStudy) -> String {
    chart(d).to_svg()
}
