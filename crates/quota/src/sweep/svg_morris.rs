//! The Morris chart: every (unit, factor) pair in the μ*–σ plane (Morris 1991's figure,
//! with μ* for μ as in Campolongo et al. 2007). Points far right matter; points above the
//! diagonal σ = μ* act through interactions or non-monotonically (for slots, which move in
//! whole steps, mostly both).

use super::svg::{fmt_tick, ticks, Anchor, Svg, PALETTE};

/// One point of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisPoint {
    /// Factor index (its colour).
    pub factor: usize,
    /// Label shown next to the point when it is the factor's largest μ* (the unit code).
    pub label: String,
    /// μ*.
    pub mu_star: f64,
    /// σ (None for a group of several factors, which has none: left out of the plane).
    pub sigma: Option<f64>,
}

/// The μ*–σ scatter of `points`; `factors` are (name, Σ μ* over units) for the legend. Pairs
/// with μ* = 0 (the unit never moved with the factor) are left out and counted in the footnote,
/// as are the points of groups of several factors (no σ; their μ* is in the legend).
pub fn morris_plane(
    title: &str,
    subtitle: &str,
    factors: &[(String, f64)],
    points: &[MorrisPoint],
) -> String {
    let (left, top, plot_w, plot_h) = (80.0, 90.0 + 16.0 * factors.len().div_ceil(3) as f64, 620.0, 420.0);
    let (width, height) = (left + plot_w + 60.0, top + plot_h + 80.0);
    let no_sigma = points.iter().filter(|p| p.sigma.is_none()).count();
    let shown: Vec<(&MorrisPoint, f64)> =
        points.iter().filter(|p| p.mu_star > 0.0).filter_map(|p| p.sigma.map(|s| (p, s))).collect();
    let hi = shown.iter().map(|(p, s)| p.mu_star.max(*s)).fold(0.0, f64::max).max(1e-9) * 1.08;
    let x = |v: f64| left + v / hi * plot_w;
    let y = |v: f64| top + plot_h - v / hi * plot_h;
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    s.text(20.0, 52.0, subtitle, 12.0, Anchor::Start, "#555", false);
    for (i, (f, sum)) in factors.iter().enumerate() {
        let lx = 20.0 + 240.0 * (i % 3) as f64;
        let ly = 76.0 + 16.0 * (i / 3) as f64;
        s.rect(lx, ly - 9.0, 10.0, 10.0, PALETTE[i % PALETTE.len()], 1.0);
        s.text(lx + 14.0, ly, &format!("{f} (Σμ* = {sum:.2})"), 11.0, Anchor::Start, "#333", false);
    }
    for t in ticks(0.0, hi, 6.0, false) {
        s.line(x(t), top, x(t), top + plot_h, "#ececec", 1.0, false);
        s.line(left, y(t), left + plot_w, y(t), "#ececec", 1.0, false);
        s.text(x(t), top + plot_h + 16.0, &fmt_tick(t), 11.0, Anchor::Middle, "#555", false);
        s.text(left - 6.0, y(t) + 4.0, &fmt_tick(t), 11.0, Anchor::End, "#555", false);
    }
    s.line(left, top + plot_h, left + plot_w, top + plot_h, "#888", 1.0, false);
    s.line(left, top, left, top + plot_h, "#888", 1.0, false);
    s.line(x(0.0), y(0.0), x(hi), y(hi), "#999", 1.0, true);
    s.text(x(hi) - 4.0, y(hi) + 14.0, "σ = μ*", 11.0, Anchor::End, "#777", false);
    for &(p, sigma) in &shown {
        let (cx, cy) = (x(p.mu_star), y(sigma));
        let colour = PALETTE[p.factor % PALETTE.len()];
        s.polygon(&[(cx, cy - 4.0), (cx + 4.0, cy), (cx, cy + 4.0), (cx - 4.0, cy)], colour, Some("#ffffff"));
    }
    for f in 0..factors.len() {
        let top_point =
            shown.iter().filter(|(p, _)| p.factor == f).fold(None::<&(&MorrisPoint, f64)>, |b, q| {
                if b.is_none_or(|b| q.0.mu_star > b.0.mu_star) {
                    Some(q)
                } else {
                    b
                }
            });
        if let Some(&(p, sigma)) = top_point {
            s.text(x(p.mu_star) + 6.0, y(sigma) - 5.0, &p.label, 10.0, Anchor::Start, "#333", false);
        }
    }
    s.text(
        left + plot_w / 2.0,
        top + plot_h + 36.0,
        "μ* — mean |elementary effect| (slots per whole factor range)",
        12.0,
        Anchor::Middle,
        "#333",
        false,
    );
    s.text(20.0, top + plot_h / 2.0, "σ", 14.0, Anchor::Middle, "#333", false);
    s.text(
        left,
        top + plot_h + 58.0,
        &format!(
            "one point per unit and factor; {} of {} pairs with μ* = 0 (slots never moved) not shown{}; labels: each factor's largest μ*",
            points.iter().filter(|p| p.mu_star <= 0.0 && p.sigma.is_some()).count(),
            points.len(),
            if no_sigma > 0 {
                format!(", nor the {no_sigma} of groups of several factors (no σ)")
            } else {
                String::new()
            }
        ),
        11.0,
        Anchor::Start,
        "#777",
        false,
    );
    s.finish()
}
