//! A small SVG writer for one chart: grouped vertical bars — one group per unit, one bar (and
//! colour) per series — with a title, a legend, a y axis with gridlines, and the unit names
//! under the groups. Chinese names are set upright, one character under the other, as
//! vertical Chinese is read; a name with Latin letters or digits is rotated instead.
//!
//! Text is measured by a fixed estimate (a CJK character one em wide, anything else 0.56 em),
//! enough to lay out the legend and margins; the font is chosen by the viewer from
//! [`FONT_FAMILY`]. The output is deterministic: same chart, same bytes.

use std::fmt::Write;

use crate::svg::{cjk_font_family, escape_with_apostrophe as esc, mix_rgb, open_tag};

/// Font families, CJK first, for the chart's text.
pub const FONT_FAMILY: &str = cjk_font_family!("'");

/// Colours: a neutral grey (for a baseline, or scenario A), then the Okabe–Ito
/// colour-blind-safe palette (Okabe & Ito, *Color Universal Design*, 2008). [`colour`] cycles
/// through it; [`tint`] lightens a colour to tell variants of one series apart.
pub const PALETTE: [&str; 9] =
    ["#8c8c8c", "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"];

/// One series: a name for the legend, a colour, and a value per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Fill colour, `#rrggbb` (see [`colour`] and [`tint`]).
    pub colour: String,
    /// One value per category.
    pub values: Vec<u64>,
}

/// Colour `i` of [`PALETTE`], cycling.
pub fn colour(i: usize) -> String {
    PALETTE[i % PALETTE.len()].to_string()
}

/// `#rrggbb` mixed with white: `t` = 0 keeps the colour, 1 gives white. An unparsable colour
/// is returned unchanged.
pub fn tint(hex: &str, t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let parse = |k: usize| hex.get(1 + 2 * k..3 + 2 * k).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (hex.len() == 7 && hex.starts_with('#'), parse(0), parse(1), parse(2)) {
        (true, Some(r), Some(g), Some(b)) => mix_rgb([r as f64, g as f64, b as f64], [255.0; 3], t),
        _ => hex.to_string(),
    }
}

/// A grouped bar chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Title (first line).
    pub title: String,
    /// Second line under the title (may be empty).
    pub subtitle: String,
    /// The y axis label.
    pub y_label: String,
    /// Group labels (unit names), left to right.
    pub categories: Vec<String>,
    /// The series; each has one value per category.
    pub series: Vec<Series>,
}

const FONT: f64 = 12.0;
const LINE: f64 = 13.0;
const TITLE_FONT: f64 = 16.0;
const MARGIN: f64 = 16.0;
const PLOT_HEIGHT: f64 = 360.0;
const GROUP_GAP: f64 = 8.0;
const SWATCH: f64 = 11.0;
const LEGEND_ROW: f64 = 18.0;

/// Width of `s` in px at font size `size` (estimate; see the module documentation).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if is_wide(c) { size } else { 0.56 * size }).sum()
}

fn is_wide(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// `s` broken at spaces into lines of at most `room` px at font size `size` (a word longer
/// than `room` gets a line of its own); no lines for an empty `s`.
fn wrap(s: &str, room: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text_width(&candidate, size) > room {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving at most about `target` intervals up to `max`.
pub fn tick_step(max: u64, target: u64) -> u64 {
    let raw = max.div_ceil(target.max(1)).max(1);
    let mut base = 1u64;
    loop {
        for m in [1, 2, 5] {
            if base * m >= raw {
                return base * m;
            }
        }
        base *= 10;
    }
}

impl BarChart {
    /// Renders the chart as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let k = self.series.len().max(1);
        let n = self.categories.len();
        for s in &self.series {
            assert_eq!(s.values.len(), n, "series '{}': one value per category", s.name);
        }
        let bar = (40.0 / k as f64).floor().clamp(3.0, 12.0);
        let group = k as f64 * bar + GROUP_GAP;

        // Vertical layout: title, subtitle, legend, plot, category labels.
        let max = self.series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0);
        let step = tick_step(max, 8);
        let top_value = max.div_ceil(step).max(1) * step;
        let tick_label_w = text_width(&top_value.to_string(), FONT);
        let left = MARGIN + LINE + 8.0 + tick_label_w + 6.0;
        let plot_w = n as f64 * group;
        // Wide enough for the plot and the title (a chart of few units); the subtitle wraps.
        let width =
            (left + plot_w + MARGIN).max(420.0).max(left + text_width(&self.title, TITLE_FONT) + MARGIN);

        // Legend items flow left to right and wrap at the plot width.
        let mut legend = Vec::with_capacity(k);
        let (mut lx, mut row) = (0.0, 0usize);
        let room = (width - left - MARGIN).max(200.0);
        for s in &self.series {
            let w = SWATCH + 5.0 + text_width(&s.name, FONT) + 16.0;
            if lx > 0.0 && lx + w > room {
                lx = 0.0;
                row += 1;
            }
            legend.push((lx, row));
            lx += w;
        }
        let legend_rows = if self.series.is_empty() { 0 } else { row + 1 };
        let mut y = MARGIN + TITLE_FONT;
        let title_y = y;
        let subtitle_lines = wrap(&self.subtitle, width - left - MARGIN, FONT);
        let subtitle_y = if subtitle_lines.is_empty() {
            None
        } else {
            y += LINE + 6.0;
            let first = y;
            y += (subtitle_lines.len() - 1) as f64 * (LINE + 2.0);
            Some(first)
        };
        let legend_y = y + 22.0;
        let plot_top = legend_y + legend_rows as f64 * LEGEND_ROW + 10.0;
        let plot_bottom = plot_top + PLOT_HEIGHT;
        let label_len = self.categories.iter().map(|c| label_extent(c)).fold(0.0, f64::max);
        let height = plot_bottom + 8.0 + label_len + MARGIN;
        let scale = PLOT_HEIGHT / top_value as f64;

        let mut o = String::new();
        let (w, h) = (format!("{:.0}", width.ceil()), format!("{:.0}", height.ceil()));
        let _ = writeln!(o, "{}", open_tag(&w, &h, FONT_FAMILY, &format!(r#" font-size="{FONT}""#)));
        let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
        let _ = writeln!(
            o,
            r#"<text x="{left:.1}" y="{title_y:.1}" font-size="{TITLE_FONT}" font-weight="bold">{}</text>"#,
            esc(&self.title)
        );
        if let Some(sy) = subtitle_y {
            for (i, line) in subtitle_lines.iter().enumerate() {
                let _ = writeln!(
                    o,
                    r##"<text x="{left:.1}" y="{:.1}" fill="#444444">{}</text>"##,
                    sy + i as f64 * (LINE + 2.0),
                    esc(line)
                );
            }
        }
        // Legend.
        for (s, &(x, r)) in self.series.iter().zip(&legend) {
            let (x, yy) = (left + x, legend_y + r as f64 * LEGEND_ROW);
            let _ = writeln!(
                o,
                r#"<rect x="{x:.1}" y="{:.1}" width="{SWATCH}" height="{SWATCH}" fill="{}"/><text x="{:.1}" y="{yy:.1}">{}</text>"#,
                yy - SWATCH + 1.0,
                esc(&s.colour),
                x + SWATCH + 5.0,
                esc(&s.name)
            );
        }
        // Alternate group bands, gridlines and ticks, axis label.
        for g in (1..n).step_by(2) {
            let _ = writeln!(
                o,
                r##"<rect x="{:.1}" y="{plot_top:.1}" width="{group:.1}" height="{PLOT_HEIGHT:.1}" fill="#f3f3f3"/>"##,
                left + g as f64 * group
            );
        }
        let mut v = 0;
        while v <= top_value {
            let gy = plot_bottom - v as f64 * scale;
            let _ = writeln!(
                o,
                r##"<line x1="{left:.1}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="{}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"##,
                left + plot_w,
                if v == 0 { "#333333" } else { "#dddddd" },
                left - 6.0,
                gy + 4.0
            );
            v += step;
        }
        let mid = (plot_top + plot_bottom) / 2.0;
        let ax = MARGIN + LINE - 2.0;
        let _ = writeln!(
            o,
            r#"<text x="{ax:.1}" y="{mid:.1}" text-anchor="middle" transform="rotate(-90 {ax:.1} {mid:.1})">{}</text>"#,
            esc(&self.y_label)
        );
        let _ = writeln!(
            o,
            r##"<line x1="{left:.1}" y1="{plot_top:.1}" x2="{left:.1}" y2="{plot_bottom:.1}" stroke="#333333" stroke-width="1"/>"##
        );
        // Bars, with a tooltip each.
        for (c, cat) in self.categories.iter().enumerate() {
            let gx = left + c as f64 * group + GROUP_GAP / 2.0;
            for (i, s) in self.series.iter().enumerate() {
                let h = s.values[c] as f64 * scale;
                let _ = writeln!(
                    o,
                    r#"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{}"><title>{} — {}: {}</title></rect>"#,
                    gx + i as f64 * bar,
                    plot_bottom - h,
                    esc(&s.colour),
                    esc(cat),
                    esc(&s.name),
                    s.values[c]
                );
            }
            o.push_str(&category_label(cat, left + (c as f64 + 0.5) * group, plot_bottom + 8.0));
        }
        o.push_str("</svg>\n");
        o
    }
}

/// Whether a label is set upright character by character (all wide characters).
fn upright(label: &str) -> bool {
    !label.is_empty() && label.chars().all(is_wide)
}

/// The vertical space a category label takes below the axis.
fn label_extent(label: &str) -> f64 {
    if upright(label) {
        label.chars().count() as f64 * LINE
    } else {
        text_width(label, FONT)
    }
}

fn category_label(label: &str, x: f64, y: f64) -> String {
    if upright(label) {
        let mut s = format!(r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle">"#);
        for (i, ch) in label.chars().enumerate() {
            let _ = write!(
                s,
                r#"<tspan x="{x:.1}" dy="{}">{}</tspan>"#,
                if i == 0 { LINE - 2.0 } else { LINE },
                esc(&ch.to_string())
            );
        }
        s.push_str("</text>\n");
        s
    } else {
        format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" dominant-baseline=\"middle\" transform=\"rotate(-90 {x:.1} {y:.1})\">{}</text>\n",
            esc(label)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            title: "slots <by> unit & scheme".into(),
            subtitle: "2024-batch1".into(),
            y_label: "slots".into(),
            categories: vec!["北京市".into(), "Tianjin".into()],
            series: vec![
                Series { name: "baseline".into(), colour: colour(0), values: vec![33, 22] },
                Series { name: "entropy/webster".into(), colour: colour(1), values: vec![27, 0] },
            ],
        }
    }

    #[test]
    fn long_subtitles_wrap_at_spaces_within_the_width() {
        assert_eq!(wrap("", 100.0, 10.0), Vec::<String>::new());
        // 5.6 px per Latin character at size 10: "aaaa bbbb" is 50.4 px.
        assert_eq!(wrap("aaaa bbbb cccc", 51.0, 10.0), ["aaaa bbbb", "cccc"]);
        assert_eq!(wrap("aaaaaaaaaaaa b", 20.0, 10.0), ["aaaaaaaaaaaa", "b"]);
        let mut c = chart();
        c.subtitle = vec!["word"; 200].join(" ");
        let svg = c.to_svg();
        let lines = svg.matches(r##"fill="#444444">"##).count();
        assert!(lines > 1, "{svg}");
        assert_eq!(svg.matches("word").count(), 200, "every word once");
    }

    #[test]
    fn tints_mix_with_white() {
        assert_eq!(tint("#0072b2", 0.0), "#0072b2");
        assert_eq!(tint("#0072b2", 1.0), "#ffffff");
        assert_eq!(tint("#000000", 0.5), "#808080");
        assert_eq!(tint("red", 0.5), "red");
        assert_eq!(colour(PALETTE.len() + 1), PALETTE[1]);
    }

    #[test]
    fn ticks_are_nice_numbers() {
        assert_eq!(tick_step(85, 8), 20);
        assert_eq!(tick_step(0, 8), 1);
        assert_eq!(tick_step(7, 8), 1);
        assert_eq!(tick_step(1039, 8), 200);
        assert_eq!(tick_step(40, 8), 5);
    }

    #[test]
    fn svg_has_a_bar_per_value_a_legend_and_escaped_text() {
        let svg = chart().to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<title>").count(), 4, "one bar per unit and series");
        assert!(svg.contains("slots &lt;by&gt; unit &amp; scheme"));
        assert!(svg.contains("<title>北京市 — entropy/webster: 27</title>"));
        assert!(svg.contains(">entropy/webster</text>"), "legend entry");
        // Chinese names upright, one character per line; Latin names rotated.
        assert!(svg.contains(r#"dy="13">京</tspan>"#));
        assert!(svg.contains("rotate(-90") && svg.contains(">Tianjin</text>"));
        assert!(svg.contains("Noto Sans CJK SC"));
        // A 0 value is a bar of height 0, never a negative one.
        assert!(!svg.contains("height=\"-"));
    }

    #[test]
    fn bar_heights_are_proportional_to_values() {
        let svg = chart().to_svg();
        // Step 5 (33 / 8 rounded up to a nice number), so the axis tops at 35; the plot is
        // 360 px high: 33 → 339.4 px, 27 → 277.7 px, and the top gridline is labelled 35.
        assert!(svg.contains(r##"height="339.4" fill="#8c8c8c""##), "{svg}");
        assert!(svg.contains(r##"height="277.7" fill="#0072b2""##), "{svg}");
        assert!(svg.contains(r#"text-anchor="end">35</text>"#), "{svg}");
    }

    #[test]
    fn a_long_legend_wraps_and_pushes_the_plot_down() {
        let mut c = chart();
        let one_row = c.to_svg();
        for k in 2..8 {
            c.series.push(Series {
                name: format!("a long series name {k}"),
                colour: colour(k),
                values: vec![1, 2],
            });
        }
        let svg = c.to_svg();
        // The legend's text baselines: more than one row.
        let rows: std::collections::BTreeSet<&str> = svg
            .lines()
            .filter(|l| l.contains(r#"width="11" height="11""#))
            .filter_map(|l| l.split("<text").nth(1)?.split("y=\"").nth(1)?.split('"').next())
            .collect();
        assert!(rows.len() >= 3, "legend rows: {rows:?}");
        // The axis line starts lower than with a one-row legend.
        let axis_top = |s: &str| {
            s.lines()
                .find(|l| l.contains("<line x1") && l.contains("stroke=\"#333333\"") && !l.contains("<text"))
                .map(str::to_string)
        };
        assert_ne!(axis_top(&svg), axis_top(&one_row));
    }

    #[test]
    fn same_chart_same_bytes() {
        assert_eq!(chart().to_svg(), chart().to_svg());
    }
}
