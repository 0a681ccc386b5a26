//! `quota eligible`: a [`ScreeningReport`] as text, Markdown or CSV — the per-unit counts
//! (with a totals row and a legend of the reasons) or, with `excluded`, every excluded firm
//! with every reason — or as JSON ([`super::json`] of the report, both lists).

use super::{csv_text, json, markdown_table, text_table, Align, Format, RenderError};
use crate::eligibility::{Reason, ScreeningReport};

/// Renders a screening in `format`: per-unit counts, or the excluded firms if `excluded`
/// (JSON always has both).
pub fn render(r: &ScreeningReport, format: Format, excluded: bool) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => json("eligible", r)?,
        _ if excluded => excluded_text(r, format)?,
        _ => units_text(r, format)?,
    })
}

/// Short column names of the reasons, in [`Reason::ALL`] order.
fn reason_header(r: Reason) -> &'static str {
    match r {
        Reason::NotYetRecognised => "not_yet",
        Reason::RecognitionExpired => "expired",
        Reason::Listed => "listed",
        Reason::Supported2021 => "in_2021",
        Reason::InvestmentNotAbove2000 => "inv<=2000",
        Reason::NoPlanArea => "no_area",
        Reason::NotKeyField => "not_key",
    }
}

const LEGEND: &str = "\nreasons (a firm may fail several): not_yet = recognised after the date; expired = 小巨人 recognition expired;\nlisted = SSE/SZSE/BSE/overseas; in_2021 = supported under 财建〔2021〕2号; inv<=2000 = plan investment not above 2000万元;\nno_area = no 新动能/新技术/新产品/一强 area; not_key = not in a key field (重点领域)\n";

fn units_text(r: &ScreeningReport, format: Format) -> Result<String, csv::Error> {
    let csv = format == Format::Csv;
    let mut header: Vec<String> =
        ["code", "name", "region", "firms", "eligible", "excluded"].map(String::from).to_vec();
    header.extend(Reason::ALL.iter().map(|r| if csv { r.code() } else { reason_header(*r) }.to_string()));
    if csv {
        header.push("not_official".into());
    }
    let mut align = vec![Align::Left; 3];
    align.resize(header.len(), Align::Right);
    let mut rows: Vec<Vec<String>> = r
        .units
        .iter()
        .map(|u| {
            let mut row = vec![
                u.code.clone(),
                u.name.clone(),
                u.region.name_zh().to_string(),
                u.firms.to_string(),
                u.eligible.to_string(),
                u.excluded().to_string(),
            ];
            row.extend(u.failing.iter().map(u64::to_string));
            if csv {
                row.push(r.provenance.not_official_for(&u.code));
            }
            row
        })
        .collect();
    let t = r.totals();
    if !csv {
        let mut row = vec![String::new(), "合计 total".into(), String::new()];
        row.extend([t.firms, t.eligible, t.firms - t.eligible].map(|n| n.to_string()));
        row.extend(t.failing.iter().map(u64::to_string));
        rows.push(row);
    }
    let summary = format!(
        "registry {} — {} firms screened on {} — {} eligible, {} excluded",
        r.registry,
        t.firms,
        r.as_of,
        t.eligible,
        t.firms - t.eligible
    );
    Ok(match format {
        Format::Csv => csv_text(&header, &rows)?,
        Format::Md => format!(
            "**{summary}**\n\n{}{LEGEND}{}",
            markdown_table(&header, &align, &rows),
            super::provenance_footer(&r.provenance, true)
        ),
        _ => format!(
            "{summary}\n\n{}{LEGEND}{}",
            text_table(&header, &align, &rows, true),
            super::provenance_footer(&r.provenance, false)
        ),
    })
}

fn excluded_text(r: &ScreeningReport, format: Format) -> Result<String, csv::Error> {
    let csv = format == Format::Csv;
    let header: Vec<String> = if csv {
        ["line", "id", "name", "unit_code", "unit_name", "reasons", "explanation", "not_official"]
            .map(String::from)
            .to_vec()
    } else {
        ["line", "id", "unit", "reasons"].map(String::from).to_vec()
    };
    let align = vec![Align::Right, Align::Left, Align::Left, Align::Left];
    let rows: Vec<Vec<String>> = r
        .excluded
        .iter()
        .map(|f| {
            let why: Vec<&str> = f.reasons.iter().map(|x| x.explanation.as_str()).collect();
            if csv {
                vec![
                    f.line.to_string(),
                    f.id.clone(),
                    f.name.clone(),
                    f.unit.clone(),
                    f.unit_name.clone(),
                    f.reasons.iter().map(|x| x.code).collect::<Vec<_>>().join(";"),
                    why.join("; "),
                    r.provenance.not_official_for(&f.unit),
                ]
            } else {
                vec![f.line.to_string(), f.id.clone(), format!("{} {}", f.unit, f.unit_name), why.join("; ")]
            }
        })
        .collect();
    let summary =
        format!("registry {} — {} of {} firms excluded on {}", r.registry, rows.len(), r.firms, r.as_of);
    Ok(match format {
        Format::Csv => csv_text(&header, &rows)?,
        Format::Md => format!(
            "**{summary}**\n\n{}{}",
            markdown_table(&header, &align, &rows),
            super::provenance_footer(&r.provenance, true)
        ),
        _ => format!(
            "{summary}\n\n{}{}",
            text_table(&header, &align, &rows, false),
            super::provenance_footer(&r.provenance, false)
        ),
    })
}
