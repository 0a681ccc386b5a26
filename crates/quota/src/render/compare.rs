//! `quota compare` of one scenario, laid out: the weights per scheme, every unit's slots per
//! column with the change from the baseline, and the metrics per column — as aligned text,
//! Markdown, CSV (one table), JSON, and a grouped bar chart (SVG). Two scenarios side by side
//! are in [`diff`].

pub mod diff;
pub mod leave_one_out;
pub mod observed;

use super::layout::{csv_text, table, Align};
use super::{Format, RenderError};
use crate::compare::svg::{self, BarChart, Series, PALETTE};
use crate::compare::{ColumnMetrics, CompareStudy, DEFAULT_FIRMS_COLUMN};
use crate::units::Region;

/// A table of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Weights per scheme.
    Weights,
    /// Slots per unit and column, with the change from the baseline.
    Units,
    /// Metrics per column.
    Metrics,
}

/// CSV holds one table, and more than one was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CSV holds one table: choose --show units, --show metrics or --show weights")]
pub struct OneTableForCsv;

/// The tables to show, in reading order (weights, units, metrics) without repeats; none asked
/// for: all of them, or for CSV the units.
pub fn sections(requested: &[Section], csv: bool) -> Result<Vec<Section>, OneTableForCsv> {
    let mut s = requested.to_vec();
    s.sort();
    s.dedup();
    if s.is_empty() {
        s = if csv { vec![Section::Units] } else { vec![Section::Weights, Section::Units, Section::Metrics] };
    }
    if csv && s.len() > 1 {
        return Err(OneTableForCsv);
    }
    Ok(s)
}

/// The study in `format`: for text and Markdown the `sections` in order, for CSV the first of
/// them (see [`sections`]), for JSON everything.
pub fn render(study: &CompareStudy, format: Format, sections: &[Section]) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => text(study, sections),
        Format::Md => markdown(study, sections),
        Format::Csv => csv(study, sections.first().copied().unwrap_or(Section::Units))?,
        Format::Json => json(study)?,
    })
}

/// The JSON document (`quota.compare/1`): the serialisation of the study.
pub fn json(study: &CompareStudy) -> Result<String, serde_json::Error> {
    super::json("compare", study)
}

/// Aligned text: the heading, the `sections`, the stamp.
pub fn text(study: &CompareStudy, sections: &[Section]) -> String {
    document(study, sections, false)
}

/// Markdown: the heading in bold, the `sections` as Markdown tables, the stamp.
pub fn markdown(study: &CompareStudy, sections: &[Section]) -> String {
    document(study, sections, true)
}

/// CSV of one table (one header line and data rows; the stamp is in JSON, text, Markdown,
/// or a `# stamp:` line on request, `--stamp`). The metrics
/// table has a machine key per row and full-precision values, plus the slots per region.
pub fn csv(study: &CompareStudy, section: Section) -> Result<String, csv::Error> {
    let body = match section {
        Section::Units => units_csv(study)?,
        Section::Metrics => {
            let (header, rows) = metric_rows(study, true);
            with_not_official(header, rows, &study.provenance)?
        }
        Section::Weights => {
            let (header, _, rows) = weight_rows(study);
            with_not_official(header, rows, &study.provenance)?
        }
    };
    Ok(body)
}

/// `header` and `rows` as CSV with a last column `not_official`: every input of the study that
/// is not official (each row depends on all of them).
fn with_not_official(
    mut header: Vec<String>,
    mut rows: Vec<Vec<String>>,
    p: &crate::provenance::Provenance,
) -> Result<String, csv::Error> {
    header.push("not_official".into());
    let all = p.not_official_all();
    for r in &mut rows {
        r.push(all.clone());
    }
    csv_text(&header, &rows)
}

/// The grouped bar chart of slots by unit: the baseline grey, one hue per scheme, lighter for
/// each further method.
pub fn chart(study: &CompareStudy) -> BarChart {
    let mut series = vec![Series {
        name: format!("baseline ({})", study.method),
        colour: svg::colour(0),
        values: study.units.iter().map(|u| u.baseline).collect(),
    }];
    let per_scheme = study.columns.len() / study.schemes.len().max(1);
    series.extend(study.columns.iter().enumerate().map(|(k, c)| {
        let (scheme, method) = (k / per_scheme, k % per_scheme);
        let t = if per_scheme > 1 { 0.6 * method as f64 / (per_scheme - 1) as f64 } else { 0.0 };
        Series {
            name: c.label.clone(),
            colour: svg::tint(&svg::colour(1 + scheme % (PALETTE.len() - 1)), t),
            values: c.allocation.units.iter().map(|u| u.slots).collect(),
        }
    }));
    let n = study.columns.len();
    let stamp = study.stamp.as_ref().map(|s| format!("; {}", s.line())).unwrap_or_default();
    BarChart {
        title: format!(
            "{} — slots by unit: the baseline and {}",
            study.scenario,
            if study.by_method { plural(n, "scheme/method column") } else { plural(n, "weighting scheme") }
        ),
        subtitle: format!(
            "{}{} slots over {} units; baseline = the scenario as written (method {}){stamp}",
            super::subtitle_mark(&study.provenance),
            study.total,
            study.units.len(),
            study.method,
        ),
        y_label: "slots 名额".into(),
        categories: study.units.iter().map(|u| u.name.clone()).collect(),
        series,
    }
}

/// The chart as SVG.
pub fn svg(study: &CompareStudy) -> String {
    chart(study).to_svg()
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `+3`, `-2`, `0`.
pub(crate) fn signed(d: i64) -> String {
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

fn heading(c: &CompareStudy) -> String {
    format!(
        "scenario {} — {} slots over {} units — baseline: the scenario as written (its weights, method {}) — columns: {}",
        c.scenario,
        c.total,
        c.units.len(),
        c.method,
        c.columns.iter().map(|k| k.label.as_str()).collect::<Vec<_>>().join(", ")
    )
}

fn document(c: &CompareStudy, sections: &[Section], md: bool) -> String {
    let mut out = if md { format!("**{}**\n", heading(c)) } else { format!("{}\n", heading(c)) };
    for section in sections {
        out.push('\n');
        match section {
            Section::Weights => {
                let (h, a, r) = weight_rows(c);
                out.push_str(&table(md, &h, &a, &r, false));
            }
            Section::Units => {
                let (h, a, r) = unit_rows(c, md);
                out.push_str(&table(md, &h, &a, &r, true));
                let s = &c.summary;
                out.push_str(&format!(
                    "\nchange from the baseline shown beside each column's slots; range = max − min over the columns\n\
                     {} of {} units differ from the baseline in some column; {} differ between columns; largest range {}\n",
                    s.units_changed,
                    c.units.len(),
                    s.units_differing_between_columns,
                    s.largest_range
                ));
            }
            Section::Metrics => {
                let (h, r) = metric_rows(c, false);
                let mut a = vec![Align::Left];
                a.resize(h.len(), Align::Right);
                out.push_str(&table(md, &h, &a, &r, false));
                out.push('\n');
                out.push_str(&metric_notes(c, md));
            }
        }
    }
    out.push_str(&super::provenance_footer(&c.provenance, md));
    if let Some(stamp) = &c.stamp {
        out.push_str(&format!("\n{}\n", stamp.line()));
    }
    out
}

fn weight_rows(c: &CompareStudy) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let mut h = vec!["indicator".to_string()];
    h.extend(c.schemes.iter().map(|s| s.label.clone()));
    let mut a = vec![Align::Left];
    a.resize(h.len(), Align::Right);
    let rows = c
        .indicators()
        .enumerate()
        .map(|(j, ind)| {
            std::iter::once(ind.to_string())
                .chain(c.schemes.iter().map(|s| format!("{:.4}", s.weights.weights[j])))
                .collect()
        })
        .collect();
    (h, a, rows)
}

fn unit_rows(c: &CompareStudy, md: bool) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let mut h: Vec<String> = ["code", "name", "region", "baseline"].map(String::from).to_vec();
    h.extend(c.columns.iter().map(|k| k.label.clone()));
    h.push("range".into());
    let mut a = vec![Align::Left; 3];
    a.resize(h.len(), Align::Right);
    let slots = |k: usize| c.units.iter().map(move |u| u.slots.0[k].1);
    let change = |k: usize| c.units.iter().map(move |u| u.change.0[k].1);
    // Text: slots right-aligned, then the change left-aligned in a fixed width, so that both
    // line up within a column. Markdown: "27 (-6)".
    let widths: Vec<(usize, usize)> = (0..c.columns.len())
        .map(|k| {
            let s = slots(k).map(|x| x.to_string().len()).max().unwrap_or(1);
            let d = change(k).filter(|&d| d != 0).map(|d| signed(d).len()).max().unwrap_or(0);
            (s, d)
        })
        .collect();
    let cell = |k: usize, slots: u64, d: i64| -> String {
        let (ws, wd) = widths[k];
        let ds = if d == 0 { String::new() } else { signed(d) };
        match (md, wd) {
            (true, _) if d == 0 => slots.to_string(),
            (true, _) => format!("{slots} ({ds})"),
            (false, 0) => format!("{slots:>ws$}"),
            (false, _) => format!("{slots:>ws$} {ds:<wd$}"),
        }
    };
    let mut rows: Vec<Vec<String>> = c
        .units
        .iter()
        .map(|u| {
            let mut r =
                vec![u.code.clone(), u.name.clone(), u.region.name_zh().to_string(), u.baseline.to_string()];
            r.extend(u.slots.values().zip(u.change.values()).enumerate().map(|(k, (&x, &d))| cell(k, x, d)));
            r.push(u.range.to_string());
            r
        })
        .collect();
    let mut total = vec![
        String::new(),
        "合计 total".into(),
        String::new(),
        c.units.iter().map(|u| u.baseline).sum::<u64>().to_string(),
    ];
    total.extend((0..c.columns.len()).map(|k| {
        let t: u64 = slots(k).sum();
        cell(k, t, t as i64 - c.total as i64)
    }));
    total.push(String::new());
    rows.push(total);
    (h, a, rows)
}

fn units_csv(c: &CompareStudy) -> Result<String, csv::Error> {
    let mut h: Vec<String> = ["code", "name", "name_en", "region", "baseline"].map(String::from).to_vec();
    for k in &c.columns {
        h.push(format!("slots_{}", k.label));
        h.push(format!("change_{}", k.label));
    }
    h.extend(["range", "not_official"].map(String::from));
    let rows: Vec<Vec<String>> = c
        .units
        .iter()
        .map(|u| {
            let mut r = vec![
                u.code.clone(),
                u.name.clone(),
                u.name_en.clone(),
                u.region.name_zh().to_string(),
                u.baseline.to_string(),
            ];
            for (x, d) in u.slots.values().zip(u.change.values()) {
                r.push(x.to_string());
                r.push(d.to_string());
            }
            r.push(u.range.to_string());
            r.push(c.provenance.not_official_for(&u.code));
            r
        })
        .collect();
    csv_text(&h, &rows)
}

/// One metric row: a machine key, a human label, and a value per column (baseline first).
struct MetricRow {
    key: String,
    label: String,
    values: Vec<MetricValue>,
    csv_only: bool,
}

enum MetricValue {
    Count(u64),
    Fraction(Option<f64>),
    Percent(f64),
}

impl MetricValue {
    fn text(&self) -> String {
        match self {
            MetricValue::Count(n) => n.to_string(),
            MetricValue::Fraction(Some(x)) => format!("{x:.4}"),
            MetricValue::Fraction(None) => "n/a".into(),
            MetricValue::Percent(x) => format!("{:.2}", x * 100.0),
        }
    }
    fn raw(&self) -> String {
        match self {
            MetricValue::Count(n) => n.to_string(),
            MetricValue::Fraction(Some(x)) | MetricValue::Percent(x) => x.to_string(),
            MetricValue::Fraction(None) => String::new(),
        }
    }
}

fn metric_table(c: &CompareStudy) -> Vec<MetricRow> {
    let ms: Vec<&ColumnMetrics> = c.all_metrics().collect();
    let row = |key: String, label: String, f: &dyn Fn(&ColumnMetrics) -> MetricValue| MetricRow {
        key,
        label,
        values: ms.iter().map(|m| f(m)).collect(),
        csv_only: false,
    };
    let mut rows = Vec::new();
    for (j, ind) in c.indicators().enumerate() {
        rows.push(row(format!("split_total_abs_dev.{ind}"), format!("Σ|Δ| vs {ind} split"), &|m| {
            MetricValue::Count(m.splits[j].total_abs_dev)
        }));
        rows.push(row(format!("split_max_abs_dev.{ind}"), format!("max|Δ| vs {ind} split"), &|m| {
            MetricValue::Count(m.splits[j].max_abs_dev)
        }));
    }
    if c.baseline.metrics.gini_slots_per_firm.is_some() {
        let gini = |m: &ColumnMetrics| m.gini_slots_per_firm.clone().expect("every column has the Gini");
        rows.push(row("gini_slots_per_firm".into(), "Gini of slots per 小巨人 firm".into(), &|m| {
            MetricValue::Fraction(gini(m).value)
        }));
        rows.push(row(
            "slots_to_units_without_firms".into(),
            "slots to units without 小巨人 firms".into(),
            &|m| MetricValue::Count(gini(m).slots_without_firms),
        ));
    }
    for (r, region) in Region::ALL.iter().enumerate() {
        rows.push(row(
            format!("region_share.{}", region.name_en()),
            format!("{} share %", region.name_zh()),
            &|m| MetricValue::Percent(m.regions[r].share),
        ));
    }
    // The exact counts behind the shares, for machines (CSV) only.
    for (r, region) in Region::ALL.iter().enumerate() {
        let mut slots = row(format!("region_slots.{}", region.name_en()), String::new(), &|m| {
            MetricValue::Count(m.regions[r].slots)
        });
        slots.csv_only = true;
        rows.push(slots);
    }
    rows.push(row("units_at_floor".into(), "units at floor".into(), &|m| {
        MetricValue::Count(m.units_at_floor as u64)
    }));
    rows.push(row("units_at_cap".into(), "units at cap".into(), &|m| {
        MetricValue::Count(m.units_at_cap as u64)
    }));
    rows.push(row("ties".into(), "ties that decided a slot".into(), &|m| MetricValue::Count(m.ties as u64)));
    rows.push(row("quota_violations_bounded".into(), "outside quota q* (bounded)".into(), &|m| {
        MetricValue::Count(m.quota_violations_bounded.as_ref().map_or(0, |v| v.count) as u64)
    }));
    rows.push(row("quota_violations_ideal".into(), "outside quota q (ideal)".into(), &|m| {
        MetricValue::Count(m.quota_violations_ideal.count as u64)
    }));
    rows.push(row("slots_moved_vs_baseline".into(), "slots moved vs baseline".into(), &|m| {
        MetricValue::Count(m.slots_moved_vs_baseline)
    }));
    rows
}

fn metric_rows(c: &CompareStudy, csv: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let mut h = vec!["metric".to_string(), "baseline".to_string()];
    h.extend(c.columns.iter().map(|k| k.label.clone()));
    let rows = metric_table(c)
        .into_iter()
        .filter(|r| csv || !r.csv_only)
        .map(|r| {
            let mut v = vec![if csv { r.key } else { r.label }];
            v.extend(r.values.iter().map(|x| if csv { x.raw() } else { x.text() }));
            v
        })
        .collect();
    (h, rows)
}

fn metric_notes(c: &CompareStudy, md: bool) -> String {
    let mut notes = vec![
        "X split: the total apportioned in proportion to indicator X alone (as normalised), by the column's method, \
         without floors, caps or disparity term; Σ|Δ| and max|Δ| in slots"
            .to_string(),
    ];
    if let Some(g) = &c.baseline.metrics.gini_slots_per_firm {
        let without: Vec<&str> = c
            .summary
            .units_without_firms
            .iter()
            .filter_map(|code| c.units.iter().find(|u| &u.code == code))
            .map(|u| u.name.as_str())
            .collect();
        notes.push(format!(
            "Gini: firm-weighted Gini of slots per 小巨人 firm (column {}) over the {} units with at least one; \
             0 = slots exactly proportional to 小巨人 firms{}",
            g.column,
            g.units,
            if without.is_empty() {
                String::new()
            } else {
                format!("; left out: {} (no 小巨人 firm)", without.join(", "))
            }
        ));
    } else {
        notes.push(format!(
            "Gini of slots per 小巨人 firm: skipped (the indicators file has no '{DEFAULT_FIRMS_COLUMN}' column; name one with --firms-column)"
        ));
    }
    notes.push(
        "q*: quota after floors and caps (Hamilton always within it); q: ideal quota N·score/Σscore before bounds; \
         outside = slots < ⌊q⌋ or > ⌈q⌉"
            .into(),
    );
    notes.iter().map(|n| if md { format!("- {n}\n") } else { format!("{n}\n") }).collect()
}
