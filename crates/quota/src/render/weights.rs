//! `quota weights`: a [`WeightsReport`] as text or Markdown (heading, one row per indicator
//! with the weight and the method's per-indicator diagnostics, the scalar diagnostics, the
//! warnings), CSV (one row per indicator, full precision, scalar diagnostics repeated as
//! columns) or JSON ([`super::json`] of the report).

use super::{csv_text, json, table, Align, Format, RenderError};
use crate::weighting::WeightsReport;

/// Renders derived weights and their diagnostics in `format`.
pub fn render(r: &WeightsReport, format: Format) -> Result<String, RenderError> {
    let w = &r.weights;
    let t = w.table();
    let summary: Vec<&(String, String)> = t.summary.iter().filter(|(k, _)| k != "scheme").collect();
    Ok(match format {
        Format::Json => json("weights", r)?,
        Format::Csv => {
            let mut header = vec!["scheme".to_string(), "indicator".to_string()];
            header.extend(t.columns.iter().cloned());
            header.extend(summary.iter().map(|(k, _)| k.clone()));
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(name, values)| {
                    let mut row = vec![w.scheme.to_string(), name.clone()];
                    row.extend(values.iter().map(|v| v.to_string()));
                    row.extend(summary.iter().map(|(_, v)| v.clone()));
                    row
                })
                .collect();
            csv_text(&header, &rows)?
        }
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let heading = match r.units {
                Some(m) => format!(
                    "weights by {} — {} indicators over {m} units — {}",
                    w.scheme,
                    w.names.len(),
                    r.source
                ),
                None => format!("weights by {} — {} criteria — {}", w.scheme, w.names.len(), r.source),
            };
            let mut header = vec!["indicator".to_string()];
            header.extend(t.columns.iter().cloned());
            let mut align = vec![Align::Left];
            align.resize(header.len(), Align::Right);
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(name, values)| {
                    std::iter::once(name.clone()).chain(values.iter().map(|v| format!("{v:.6}"))).collect()
                })
                .collect();
            let mut out = if md { format!("**{heading}**\n\n") } else { format!("{heading}\n\n") };
            out.push_str(&table(md, &header, &align, &rows, false));
            if !summary.is_empty() {
                out.push('\n');
                for (k, v) in &summary {
                    out.push_str(&if md { format!("- {k}: {v}\n") } else { format!("{k}: {v}\n") });
                }
            }
            for warning in &w.warnings {
                out.push_str(&format!("\nwarning: {warning}\n"));
            }
            out
        }
    })
}
