//! `quota apportion`: a [`TableApportionment`] as CSV (`name,weight,quota,seats`: one header
//! line and data rows; the stamp is in the other formats, or `--stamp`), aligned text (heading, table, ties, stamp line) or JSON
//! ([`super::json`] of the result) or Markdown (bold heading, table, ties, stamp line).

use super::{csv_text, json, markdown_table, text_table, Align, Format, RenderError};
use crate::apportion::tool::TableApportionment;

/// Renders an apportioned weight table in `format`, with its stamp.
pub fn render(r: &TableApportionment, format: Format) -> Result<String, RenderError> {
    if format == Format::Json {
        return Ok(json("apportion", r)?);
    }
    let header: Vec<String> = ["name", "weight", "quota", "seats"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = r
        .allocation
        .iter()
        .map(|row| {
            vec![row.name.clone(), row.written.clone(), format!("{:.6}", row.quota), row.seats.to_string()]
        })
        .collect();
    if format == Format::Csv {
        return Ok(csv_text(&header, &rows)?);
    }
    let align = [Align::Left, Align::Right, Align::Right, Align::Right];
    let heading = format!("method {} — {} seats", r.method.name(), r.seats);
    let md = format == Format::Md;
    let mut s = if md {
        format!("**{heading}**\n\n{}", markdown_table(&header, &align, &rows))
    } else {
        format!("{heading}\n\n{}", text_table(&header, &align, &rows, false))
    };
    for t in &r.ties {
        s.push_str(&format!(
            "{}tie at priority {}: won by {}; lost by {} ({})\n",
            if md { "- " } else { "" },
            t.priority,
            t.winners.join(", "),
            t.losers.join(", "),
            t.rule
        ));
    }
    s.push_str(&format!("\n{}\n", r.stamp.line()));
    Ok(s)
}
