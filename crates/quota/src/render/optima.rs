//! `quota allocate --all-optima`: an [`OptimaReport`] as aligned text, Markdown, CSV or JSON.
//!
//! Text and Markdown: a heading line, whether the optimum is unique and how many optima there
//! are, the tie-break rule, one row per unit (ideal quota, chosen slots, range over all optima,
//! then each listed alternative — `·` where it equals the chosen slots), one line per
//! alternative saying which units trade slots and why the tie-break preferred the chosen one,
//! and the stamp line. CSV: a `# stamp:` comment line, then one row per unit with every
//! alternative's full slots. JSON: [`super::json`] of the report (`quota.optima/1`).

use super::{csv_text, json, table, Align, Format, RenderError};
use crate::allocate::OptimaReport;
use crate::optimize::{AllOptima, Alternative, Preference};

/// Renders every optimal allocation in `format`.
pub fn render(r: &OptimaReport, format: Format) -> Result<String, RenderError> {
    let csv = format == Format::Csv;
    let o = &r.optima;
    let mut header: Vec<String> =
        ["code", "name", "ideal", "chosen", "min", "max"].into_iter().map(String::from).collect();
    header.extend(
        (1..=o.alternatives.len()).map(|k| if csv { format!("alt_{k}") } else { format!("alt {k}") }),
    );
    let mut align = vec![Align::Left, Align::Left];
    align.resize(header.len(), Align::Right);
    let rows: Vec<Vec<String>> = r
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let g = &o.ranges[i];
            let mut row = vec![
                u.code.clone(),
                u.name.clone(),
                if csv { format!("{}", u.ideal) } else { format!("{:.4}", u.ideal) },
                g.chosen.to_string(),
                g.min.to_string(),
                g.max.to_string(),
            ];
            row.extend(o.alternatives.iter().map(|a| {
                if csv || a.slots[i] != g.chosen {
                    a.slots[i].to_string()
                } else {
                    "·".into()
                }
            }));
            row
        })
        .collect();
    Ok(match format {
        Format::Json => json("optima", r)?,
        Format::Csv => format!("# {}\n{}", r.stamp.line(), csv_text(&header, &rows)?),
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let mut out = format!(
                "{} — method optimize — objective {} = {:.6} — {} slots over {} units\n\n",
                if md { format!("**{}**", r.scenario) } else { format!("scenario {}", r.scenario) },
                o.objective_kind,
                o.objective,
                r.total,
                r.units.len()
            );
            out.push_str(&summary(&r.optima));
            out.push('\n');
            out.push_str(&table(md, &header, &align, &rows, false));
            if !o.alternatives.is_empty() {
                out.push_str("\nwhy the chosen allocation:\n");
                for (k, a) in o.alternatives.iter().enumerate() {
                    out.push_str(&format!("  alt {}: {}\n", k + 1, alternative_text(r, a)));
                }
            }
            out.push_str(&format!("\n{}\n", r.stamp.line()));
            out
        }
    })
}

/// Unique or not, how many, how many listed, and the tie-break rule (also in `quota explain`).
pub(crate) fn summary(o: &AllOptima) -> String {
    if o.unique {
        return "the optimum is unique: no other allocation reaches this objective value\n".into();
    }
    let count = if o.count_exact { format!("{}", o.count) } else { format!("at least {}", o.count) };
    let varying = o.ranges.iter().filter(|g| g.min != g.max).count();
    format!(
        "the optimum is not unique: {count} optimal allocations; {varying} units' slots differ among them \
         (min..max below); {} listed, fewest exchanges from the chosen one first\n\
         chosen by the tie-break: {} (its chi-square distance {:.6})\n",
        o.alternatives.len(),
        o.tie_break,
        o.chosen_chi_square
    )
}

/// The units whose slots differ from the chosen ones ("11 北京市 +1, 32 江苏省 −1"), `label`
/// naming unit i.
pub(crate) fn moves(o: &AllOptima, a: &Alternative, label: &dyn Fn(usize) -> String) -> String {
    let chosen = &o.chosen;
    (0..chosen.len())
        .filter(|&i| a.slots[i] != chosen[i])
        .map(|i| {
            let (sign, d) = if a.slots[i] > chosen[i] {
                ("+", a.slots[i] - chosen[i])
            } else {
                ("−", chosen[i] - a.slots[i])
            };
            format!("{} {sign}{d}", label(i))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the tie-break preferred the chosen allocation to `a`.
pub(crate) fn why(a: &Alternative, label: &dyn Fn(usize) -> String) -> String {
    match &a.preference {
        Preference::ChiSquare { chosen, other } => {
            format!("its chi-square distance {other:.6} > {chosen:.6} of the chosen one")
        }
        Preference::ListOrder { unit, .. } => format!(
            "equal chi-square distance; slots go to the units listed first (first difference: {})",
            label(*unit)
        ),
        Preference::Rounding => {
            "equal chi-square distance in real arithmetic; the last bits of the f64 quotas ordered them"
                .into()
        }
    }
}

/// "1 exchange: 11 北京市 +1, 32 江苏省 −1; its chi-square distance … > … of the chosen one".
fn alternative_text(r: &OptimaReport, a: &Alternative) -> String {
    let label = |i: usize| format!("{} {}", r.units[i].code, r.units[i].name);
    format!(
        "{} exchange{}: {}; {}",
        a.exchanges,
        if a.exchanges == 1 { "" } else { "s" },
        moves(&r.optima, a, &label),
        why(a, &label)
    )
}
