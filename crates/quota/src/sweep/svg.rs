//! Charts as SVG, from a small writer of our own (rectangles, lines, paths, text): a tornado
//! chart of each unit's slot range, one-at-a-time step charts, a ternary (or strip) map of one
//! unit's slots over the weight simplex, and a bar chart of Sobol indices.
//!
//! Chinese unit names render with any of the fonts in [`FONT_FAMILY`] (Noto Sans CJK SC is
//! the Debian/Ubuntu package `fonts-noto-cjk`). To get a PNG:
//! `rsvg-convert -w 1600 chart.svg -o chart.png` (Debian package `librsvg2-bin`).

// Drawing primitives take their coordinates and style as plain arguments, like SVG itself.
#![allow(clippy::too_many_arguments)]

use std::fmt::Write;

use crate::svg::{cjk_font_family, escape, mix_rgb, open_tag};

/// Font list for CJK text, in order of preference.
pub const FONT_FAMILY: &str = cjk_font_family!("");

/// Categorical colours (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#bab0ac",
];

/// A minimal SVG document.
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

/// Text anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Left-aligned.
    Start,
    /// Centred.
    Middle,
    /// Right-aligned.
    End,
}

impl Svg {
    /// A blank white canvas.
    pub fn new(width: f64, height: f64) -> Svg {
        let mut s = Svg { width, height, body: String::new() };
        s.rect(0.0, 0.0, width, height, "#ffffff", 1.0);
        s
    }

    /// A filled rectangle.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, opacity: f64) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{x:.2}" y="{y:.2}" width="{:.2}" height="{:.2}" fill="{fill}" fill-opacity="{opacity}"/>"#,
            w.max(0.0),
            h.max(0.0)
        );
    }

    /// A line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64, dash: bool) {
        let dash = if dash { r#" stroke-dasharray="4 3""# } else { "" };
        let _ = writeln!(
            self.body,
            r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#
        );
    }

    /// An open polyline.
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{width}"/>"#,
            pts.join(" ")
        );
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: &str, stroke: Option<&str>) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
        let stroke = stroke.map(|s| format!(r#" stroke="{s}" stroke-width="1""#)).unwrap_or_default();
        let _ = writeln!(self.body, r#"<polygon points="{}" fill="{fill}"{stroke}/>"#, pts.join(" "));
    }

    /// Text.
    pub fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor, fill: &str, bold: bool) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            self.body,
            r#"<text x="{x:.2}" y="{y:.2}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>{}</text>"#,
            escape(s)
        );
    }

    /// The document.
    pub fn finish(self) -> String {
        let open = open_tag(&self.width.to_string(), &self.height.to_string(), FONT_FAMILY, "");
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{open}\n{}</svg>\n", self.body)
    }
}

/// "Nice" tick step for a range.
fn tick_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(1e-12);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Ticks covering [lo, hi].
pub(super) fn ticks(lo: f64, hi: f64, target: f64, integer: bool) -> Vec<f64> {
    let mut step = tick_step(hi - lo, target);
    if integer {
        step = step.max(1.0).round();
    }
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(t);
        t += step;
    }
    out
}

pub(super) fn fmt_tick(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r}")
    }
}

/// One row of a tornado chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    /// Label (code and name).
    pub label: String,
    /// Baseline slots.
    pub baseline: u64,
    /// Range.
    pub min: u64,
    /// 5% quantile.
    pub p5: u64,
    /// 95% quantile.
    pub p95: u64,
    /// Range.
    pub max: u64,
}

/// Tornado chart: each unit's change in slots from its baseline, min–max (thin) and p5–p95
/// (thick), widest ranges on top.
pub fn tornado(title: &str, subtitle: &str, rows: &[TornadoRow]) -> String {
    let mut rows: Vec<&TornadoRow> = rows.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.max - r.min));
    let d = |v: u64, b: u64| v as f64 - b as f64;
    let lo = rows.iter().map(|r| d(r.min, r.baseline)).fold(-1.0, f64::min);
    let hi = rows.iter().map(|r| d(r.max, r.baseline)).fold(1.0, f64::max);
    let (left, right, top, row_h) = (190.0, 140.0, 86.0, 20.0);
    let plot_w = 560.0;
    let height = top + row_h * rows.len() as f64 + 60.0;
    let width = left + plot_w + right;
    let x = |v: f64| left + (v - lo) / (hi - lo) * plot_w;
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    s.text(20.0, 52.0, subtitle, 12.0, Anchor::Start, "#555", false);
    let bottom = top + row_h * rows.len() as f64;
    for t in ticks(lo, hi, 8.0, true) {
        s.line(x(t), top - 6.0, x(t), bottom, "#e4e4e4", 1.0, false);
        s.text(x(t), bottom + 16.0, &fmt_tick(t), 11.0, Anchor::Middle, "#555", false);
    }
    s.text(
        left + plot_w / 2.0,
        bottom + 38.0,
        "slots minus baseline (名额变化)",
        12.0,
        Anchor::Middle,
        "#333",
        false,
    );
    s.text(left + plot_w + 10.0, top - 10.0, "min–max (baseline)", 11.0, Anchor::Start, "#555", false);
    for (k, r) in rows.iter().enumerate() {
        let y = top + row_h * k as f64 + row_h / 2.0;
        if k % 2 == 0 {
            s.rect(10.0, y - row_h / 2.0, width - 20.0, row_h, "#f6f6f6", 1.0);
        }
        s.text(left - 10.0, y + 4.0, &r.label, 12.0, Anchor::End, "#222", false);
        s.line(x(d(r.min, r.baseline)), y, x(d(r.max, r.baseline)), y, "#4e79a7", 2.0, false);
        let (a, b) = (x(d(r.p5, r.baseline)), x(d(r.p95, r.baseline)));
        s.rect(a.min(b) - 1.5, y - 5.0, (b - a).abs() + 3.0, 10.0, "#4e79a7", 0.85);
        s.line(x(0.0), y - 8.0, x(0.0), y + 8.0, "#222", 2.0, false);
        s.text(
            left + plot_w + 10.0,
            y + 4.0,
            &format!("{}–{} ({})", r.min, r.max, r.baseline),
            11.0,
            Anchor::Start,
            "#333",
            false,
        );
    }
    s.text(
        20.0,
        height - 12.0,
        "thin line: min–max; bar: 5%–95% quantiles; black tick: baseline",
        11.0,
        Anchor::Start,
        "#666",
        false,
    );
    s.finish()
}

/// One unit's step function for a one-at-a-time chart: (from, to, slots) pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSeries {
    /// Label.
    pub label: String,
    /// Pieces.
    pub pieces: Vec<(f64, f64, Option<u64>)>,
}

/// Small multiples: slots against the varied factor, one panel per unit that moves.
pub fn oat_steps(
    title: &str,
    subtitle: &str,
    factor: &str,
    baseline: f64,
    lo: f64,
    hi: f64,
    series: &[StepSeries],
) -> String {
    let cols = 4usize;
    let (pw, ph, gap_x, gap_y, top, left0) = (230.0, 120.0, 40.0, 52.0, 80.0, 40.0);
    let rows_n = series.len().div_ceil(cols).max(1);
    let width = left0 + cols as f64 * (pw + gap_x) + 10.0;
    let height = top + rows_n as f64 * (ph + gap_y) + 30.0;
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    s.text(20.0, 52.0, subtitle, 12.0, Anchor::Start, "#555", false);
    if series.is_empty() {
        s.text(20.0, 90.0, "no unit's slots change over the range", 14.0, Anchor::Start, "#333", false);
        return s.finish();
    }
    for (k, ser) in series.iter().enumerate() {
        let (cx, cy) = (left0 + (k % cols) as f64 * (pw + gap_x), top + (k / cols) as f64 * (ph + gap_y));
        let vals: Vec<u64> = ser.pieces.iter().filter_map(|p| p.2).collect();
        let (ymin, ymax) =
            (*vals.iter().min().unwrap_or(&0) as f64 - 0.5, *vals.iter().max().unwrap_or(&1) as f64 + 0.5);
        let x = |t: f64| cx + (t - lo) / (hi - lo) * pw;
        let y = |v: f64| cy + ph - (v - ymin) / (ymax - ymin) * ph;
        s.rect(cx, cy, pw, ph, "#fafafa", 1.0);
        s.text(cx, cy - 8.0, &ser.label, 12.0, Anchor::Start, "#222", true);
        for t in ticks(ymin, ymax, 4.0, true) {
            s.line(cx, y(t), cx + pw, y(t), "#e6e6e6", 1.0, false);
            s.text(cx - 4.0, y(t) + 4.0, &fmt_tick(t), 10.0, Anchor::End, "#666", false);
        }
        for t in ticks(lo, hi, 4.0, false) {
            s.text(x(t), cy + ph + 14.0, &fmt_tick(t), 10.0, Anchor::Middle, "#666", false);
        }
        if (lo..=hi).contains(&baseline) {
            s.line(x(baseline), cy, x(baseline), cy + ph, "#e15759", 1.0, true);
        }
        let mut pts = Vec::new();
        for &(a, b, v) in &ser.pieces {
            if let Some(v) = v {
                pts.push((x(a), y(v as f64)));
                pts.push((x(b), y(v as f64)));
            } else if !pts.is_empty() {
                s.polyline(&pts, "#4e79a7", 2.0);
                pts.clear();
            }
        }
        if !pts.is_empty() {
            s.polyline(&pts, "#4e79a7", 2.0);
        }
    }
    s.text(
        20.0,
        height - 10.0,
        &format!("x: {factor}; y: slots; dashed red: the scenario's value"),
        11.0,
        Anchor::Start,
        "#666",
        false,
    );
    s.finish()
}

/// Sequential colour for t in [0, 1] (viridis, 5 stops, linear between them).
pub fn sequential(t: f64) -> String {
    const STOPS: [[f64; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = t.clamp(0.0, 1.0) * 4.0;
    let k = (t.floor() as usize).min(3);
    let f = t - k as f64;
    mix_rgb(STOPS[k], STOPS[k + 1], f)
}

/// A pointy-top hexagon of circumradius `r` centred on (`cx`, `cy`): one cell of a ternary map.
pub fn hexagon(cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    (0..6)
        .map(|k| {
            let ang = std::f64::consts::PI / 3.0 * k as f64 + std::f64::consts::PI / 6.0;
            (cx + r * ang.cos(), cy + r * ang.sin())
        })
        .collect()
}

/// A 12-gon of radius 6 centred on (`cx`, `cy`): the marker of a weighting on a ternary map.
pub fn ring(cx: f64, cy: f64) -> Vec<(f64, f64)> {
    (0..12)
        .map(|k| {
            let ang = std::f64::consts::PI / 6.0 * k as f64;
            (cx + 6.0 * ang.cos(), cy + 6.0 * ang.sin())
        })
        .collect()
}

/// Ternary map of one unit's slots over three weights (`points`: (w1, w2, w3, slots)), or a
/// strip over two weights (w3 = 0 for all points).
pub fn simplex_map(
    title: &str,
    subtitle: &str,
    names: &[String],
    m: u32,
    points: &[(f64, f64, f64, Option<u64>)],
    baseline: &[f64],
) -> String {
    let vals: Vec<u64> = points.iter().filter_map(|p| p.3).collect();
    let (vmin, vmax) = (*vals.iter().min().unwrap_or(&0), *vals.iter().max().unwrap_or(&0));
    let colour = |v: Option<u64>| match v {
        Some(v) if vmax > vmin => sequential((v - vmin) as f64 / (vmax - vmin) as f64),
        Some(_) => sequential(0.5),
        None => "#cccccc".to_string(),
    };
    let (width, height) = (760.0, if names.len() == 3 { 700.0 } else { 300.0 });
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    s.text(20.0, 52.0, subtitle, 12.0, Anchor::Start, "#555", false);
    if names.len() == 3 {
        // Vertices: w1 = 1 at bottom left, w2 = 1 at bottom right, w3 = 1 at the top.
        let side = 520.0;
        let (x0, y0) = (110.0, 620.0);
        let hgt = side * 3f64.sqrt() / 2.0;
        let pos = |a: f64, b: f64, c: f64| (x0 + side * (b + c / 2.0) + 0.0 * a, y0 - hgt * c);
        let r = side / m as f64 / 3f64.sqrt();
        for &(a, b, c, v) in points {
            let (px, py) = pos(a, b, c);
            s.polygon(&hexagon(px, py, r), &colour(v), None);
        }
        let corners = [pos(1.0, 0.0, 0.0), pos(0.0, 1.0, 0.0), pos(0.0, 0.0, 1.0)];
        s.polygon(&corners, "none", Some("#333"));
        s.text(
            corners[0].0 - 6.0,
            corners[0].1 + 22.0,
            &format!("{} = 1", names[0]),
            13.0,
            Anchor::Middle,
            "#222",
            false,
        );
        s.text(
            corners[1].0 + 6.0,
            corners[1].1 + 22.0,
            &format!("{} = 1", names[1]),
            13.0,
            Anchor::Middle,
            "#222",
            false,
        );
        s.text(
            corners[2].0,
            corners[2].1 - 14.0,
            &format!("{} = 1", names[2]),
            13.0,
            Anchor::Middle,
            "#222",
            false,
        );
        if let [a, b, c] = baseline {
            let (bx, by) = pos(*a, *b, *c);
            s.polygon(&ring(bx, by), "#ffffff", Some("#111"));
            s.text(bx + 10.0, by - 8.0, "scenario", 11.0, Anchor::Start, "#111", true);
        }
    } else {
        let (x0, y0, w, h) = (60.0, 110.0, 640.0, 60.0);
        let cell = w / (m as f64 + 1.0);
        for &(a, _, _, v) in points {
            s.rect(x0 + a * m as f64 * cell, y0, cell + 0.5, h, &colour(v), 1.0);
        }
        if let Some(b) = baseline.first() {
            let bx = x0 + b * m as f64 * cell + cell / 2.0;
            s.line(bx, y0 - 8.0, bx, y0 + h + 4.0, "#111", 2.0, false);
            s.text(bx, y0 - 12.0, "scenario", 11.0, Anchor::Middle, "#111", true);
        }
        for t in ticks(0.0, 1.0, 5.0, false) {
            s.text(
                x0 + t * m as f64 * cell + cell / 2.0,
                y0 + h + 16.0,
                &fmt_tick(t),
                11.0,
                Anchor::Middle,
                "#555",
                false,
            );
        }
        s.text(
            x0 + w / 2.0,
            y0 + h + 38.0,
            &format!("{} (the other weight: {} = 1 − it)", names[0], names.get(1).map_or("", |n| n.as_str())),
            12.0,
            Anchor::Middle,
            "#333",
            false,
        );
    }
    // Legend.
    let (lx, ly) = (width - 70.0, 110.0);
    let steps = 40;
    for k in 0..steps {
        let t = 1.0 - k as f64 / steps as f64;
        s.rect(lx, ly + k as f64 * 5.0, 18.0, 5.5, &sequential(t), 1.0);
    }
    s.text(lx + 24.0, ly + 8.0, &vmax.to_string(), 11.0, Anchor::Start, "#333", false);
    s.text(lx + 24.0, ly + steps as f64 * 5.0, &vmin.to_string(), 11.0, Anchor::Start, "#333", false);
    s.text(lx + 9.0, ly - 10.0, "slots", 11.0, Anchor::Middle, "#333", false);
    s.finish()
}

/// One unit's Sobol indices for the bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolRow {
    /// Label.
    pub label: String,
    /// (S1, S1 half-width, ST, ST half-width) per factor; None for a constant output.
    pub bars: Option<Vec<(f64, f64, f64, f64)>>,
}

/// Bar chart of Sobol indices: per unit, one bar per factor — ST light, S1 dark inside it, 95%
/// bootstrap intervals as whiskers.
pub fn sobol_bars(title: &str, subtitle: &str, factors: &[String], rows: &[SobolRow]) -> String {
    let d = factors.len();
    let (left, top, bar_h, pad, plot_w) = (190.0, 110.0, 7.0, 10.0, 520.0);
    let row_h = |r: &SobolRow| if r.bars.is_some() { d as f64 * (bar_h + 1.0) + pad } else { 16.0 };
    let height = top + rows.iter().map(row_h).sum::<f64>() + 60.0;
    let width = left + plot_w + 60.0;
    let x = |v: f64| left + v.clamp(0.0, 1.0) * plot_w;
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    s.text(20.0, 52.0, subtitle, 12.0, Anchor::Start, "#555", false);
    for (i, f) in factors.iter().enumerate() {
        let lx = 20.0 + 180.0 * (i % 4) as f64;
        let ly = 72.0 + 16.0 * (i / 4) as f64;
        s.rect(lx, ly - 9.0, 12.0, 10.0, PALETTE[i % PALETTE.len()], 1.0);
        s.text(lx + 16.0, ly, f, 11.0, Anchor::Start, "#333", false);
    }
    let bottom = height - 60.0;
    for t in ticks(0.0, 1.0, 5.0, false) {
        s.line(x(t), top - 6.0, x(t), bottom, "#e4e4e4", 1.0, false);
        s.text(x(t), bottom + 16.0, &fmt_tick(t), 11.0, Anchor::Middle, "#555", false);
    }
    s.text(
        left + plot_w / 2.0,
        bottom + 36.0,
        "Sobol index: dark = first order S1, light = total ST, whiskers = 95% bootstrap CI",
        11.0,
        Anchor::Middle,
        "#333",
        false,
    );
    let mut y = top;
    for r in rows {
        let h = row_h(r);
        s.text(left - 10.0, y + h / 2.0, &r.label, 12.0, Anchor::End, "#222", false);
        match &r.bars {
            None => s.text(
                left + 4.0,
                y + h / 2.0,
                "constant: slots never change",
                11.0,
                Anchor::Start,
                "#888",
                false,
            ),
            Some(bars) => {
                for (i, &(s1, c1, st, ct)) in bars.iter().enumerate() {
                    let by = y + i as f64 * (bar_h + 1.0) + 2.0;
                    let colour = PALETTE[i % PALETTE.len()];
                    s.rect(left, by, x(st) - left, bar_h, colour, 0.35);
                    s.rect(left, by + 1.5, x(s1) - left, bar_h - 3.0, colour, 1.0);
                    s.line(x(st - ct), by + bar_h / 2.0, x(st + ct), by + bar_h / 2.0, "#555", 0.8, false);
                    s.line(x(s1 - c1), by + bar_h / 2.0, x(s1 + c1), by + bar_h / 2.0, "#111", 0.8, false);
                }
            }
        }
        y += h;
        s.line(left - 180.0, y - pad / 2.0 + 1.0, left + plot_w, y - pad / 2.0 + 1.0, "#f0f0f0", 1.0, false);
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_font_list_names_cjk_fonts() {
        let mut s = Svg::new(10.0, 10.0);
        s.text(0.0, 0.0, "a<b & \"北京\"", 10.0, Anchor::Start, "#000", false);
        let out = s.finish();
        assert!(out.contains("a&lt;b &amp; &quot;北京&quot;"));
        assert!(out.contains("Noto Sans CJK SC"));
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(ticks(0.0, 1.0, 5.0, false), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(ticks(-3.0, 7.0, 5.0, true), vec![-2.0, 0.0, 2.0, 4.0, 6.0]);
        assert_eq!(sequential(0.0), "#440154");
        assert_eq!(sequential(1.0), "#fde725");
    }
}
