//! The convergence chart: the bootstrap half-widths of the Sobol indices against N on log-log
//! axes, with a 1/√N reference line through the first median ST point, and the stopping
//! rule's width when one was given.

use super::svg::{fmt_tick, Anchor, Svg, PALETTE};

/// One series of the chart: (N, half-width) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points in order of N (missing half-widths left out).
    pub points: Vec<(f64, f64)>,
    /// Dashed line (the medians).
    pub dashed: bool,
    /// Palette colour index.
    pub colour: usize,
}

/// Powers of ten (and 2, 5 times them) within [lo, hi], for a log axis.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut mag = 10f64.powf(lo.log10().floor());
    while mag <= hi * 1.000_001 {
        for m in [1.0, 2.0, 5.0] {
            let t = m * mag;
            if t >= lo * 0.999_999 && t <= hi * 1.000_001 {
                out.push(t);
            }
        }
        mag *= 10.0;
    }
    out
}

/// The chart (`subtitle`: one or more lines); `stop_at` draws the rule's width, `met_at`
/// marks the N that met it.
pub fn convergence_chart(
    title: &str,
    subtitle: &[String],
    series: &[Series],
    stop_at: Option<f64>,
    met_at: Option<u64>,
) -> String {
    let head = 60.0 + 16.0 * subtitle.len() as f64;
    let (left, top, plot_w, plot_h) =
        (80.0, head + 24.0 + 16.0 * series.len().div_ceil(3) as f64, 620.0, 400.0);
    let (width, height) = (left + plot_w + 40.0, top + plot_h + 84.0);
    let all: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.iter().copied()).collect();
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    for (i, line) in subtitle.iter().enumerate() {
        s.text(20.0, 52.0 + 16.0 * i as f64, line, 12.0, Anchor::Start, "#555", false);
    }
    if all.is_empty() {
        s.text(
            left,
            top + 20.0,
            "no unit's slots vary: no interval to show",
            12.0,
            Anchor::Start,
            "#555",
            false,
        );
        return s.finish();
    }
    let (nx0, nx1) = all.iter().fold((f64::INFINITY, 0.0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (mut y0, mut y1) = all.iter().fold((f64::INFINITY, 0.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
    if let Some(w) = stop_at {
        y0 = y0.min(w);
        y1 = y1.max(w);
    }
    // Half a decade of room on the value axis, a little on N.
    let (x0, x1) = ((nx0 / 1.3).log10(), (nx1 * 1.3).log10());
    let (y0, y1) = ((y0 / 1.6).log10(), (y1 * 1.6).log10());
    let x = |n: f64| left + (n.log10() - x0) / (x1 - x0) * plot_w;
    let y = |v: f64| top + plot_h - (v.log10() - y0) / (y1 - y0) * plot_h;
    for (i, se) in series.iter().enumerate() {
        let lx = 20.0 + 240.0 * (i % 3) as f64;
        let ly = head + 16.0 * (i / 3) as f64;
        let c = PALETTE[se.colour % PALETTE.len()];
        s.line(lx, ly - 4.0, lx + 18.0, ly - 4.0, c, 2.0, se.dashed);
        s.text(lx + 24.0, ly, &se.label, 11.0, Anchor::Start, "#333", false);
    }
    let ns: Vec<f64> = {
        let mut v: Vec<f64> = all.iter().map(|p| p.0).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    for &n in &ns {
        s.line(x(n), top, x(n), top + plot_h, "#ececec", 1.0, false);
        s.text(x(n), top + plot_h + 16.0, &fmt_tick(n), 11.0, Anchor::Middle, "#555", false);
    }
    for t in log_ticks(10f64.powf(y0), 10f64.powf(y1)) {
        s.line(left, y(t), left + plot_w, y(t), "#ececec", 1.0, false);
        s.text(left - 6.0, y(t) + 4.0, &fmt_tick(t), 11.0, Anchor::End, "#555", false);
    }
    s.line(left, top + plot_h, left + plot_w, top + plot_h, "#888", 1.0, false);
    s.line(left, top, left, top + plot_h, "#888", 1.0, false);
    // The 1/√N reference through the first point of the first dashed series (median ST).
    if let Some(&(n0, v0)) = series.iter().find(|se| se.dashed).and_then(|se| se.points.first()) {
        let at = |n: f64| v0 * (n0 / n).sqrt();
        let (a, b) = (10f64.powf(x0), 10f64.powf(x1));
        s.line(x(a), y(at(a)), x(b), y(at(b)), "#999", 1.0, true);
        // Labelled three quarters along, under the line (clear of the points at the ends).
        let m = 10f64.powf(x0 + 0.75 * (x1 - x0));
        s.text(x(m), y(at(m)) + 16.0, "∝ 1/√N", 11.0, Anchor::Middle, "#777", false);
    }
    if let Some(w) = stop_at {
        s.line(left, y(w), left + plot_w, y(w), "#c0392b", 1.2, true);
        s.text(left + 4.0, y(w) - 5.0, &format!("stop at ±{w}"), 11.0, Anchor::Start, "#c0392b", false);
    }
    if let Some(n) = met_at {
        let n = n as f64;
        s.line(x(n), top, x(n), top + plot_h, "#c0392b", 1.2, false);
        s.text(x(n) - 4.0, top + 12.0, &format!("met at N = {n}"), 11.0, Anchor::End, "#c0392b", false);
    }
    for se in series {
        let c = PALETTE[se.colour % PALETTE.len()];
        let pts: Vec<(f64, f64)> = se.points.iter().map(|&(n, v)| (x(n), y(v))).collect();
        if se.dashed {
            for w in pts.windows(2) {
                s.line(w[0].0, w[0].1, w[1].0, w[1].1, c, 1.5, true);
            }
        } else {
            s.polyline(&pts, c, 2.0);
        }
        for &(px, py) in &pts {
            s.polygon(&[(px, py - 3.5), (px + 3.5, py), (px, py + 3.5), (px - 3.5, py)], c, Some("#ffffff"));
        }
    }
    s.text(
        left + plot_w / 2.0,
        top + plot_h + 36.0,
        "N — base samples (log scale)",
        12.0,
        Anchor::Middle,
        "#333",
        false,
    );
    s.text(20.0, top - 10.0, "95% half-width (log scale)", 12.0, Anchor::Start, "#333", false);
    s.text(
        left,
        top + plot_h + 60.0,
        "solid: the widest interval over units and factors; dashed: the median; grey: 1/√N through the first median",
        11.0,
        Anchor::Start,
        "#777",
        false,
    );
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_cover_the_range() {
        assert_eq!(log_ticks(0.004, 0.3), vec![0.005, 0.01, 0.02, 0.05, 0.1, 0.2]);
    }

    #[test]
    fn the_chart_draws_each_series_and_the_rule() {
        let se = |label: &str, dashed, k: f64| Series {
            label: label.into(),
            points: vec![(256.0, k / 16.0), (1024.0, k / 32.0), (4096.0, k / 64.0)],
            dashed,
            colour: 0,
        };
        let svg = convergence_chart(
            "t",
            &["s".into()],
            &[se("max ST", false, 1.0), se("median ST", true, 0.5)],
            Some(0.02),
            Some(4096),
        );
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(
            svg.matches("stroke-dasharray").count(),
            5,
            "two dashed segments, the legend's dashed sample, 1/√N, the rule"
        );
        assert!(svg.contains("stop at ±0.02") && svg.contains("met at N = 4096") && svg.contains("∝ 1/√N"));
    }
}
