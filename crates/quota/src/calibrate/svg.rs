//! The feasible-region map as SVG: a ternary chart for three free weights (a strip for two),
//! one cell per grid point — dark green where the weighting reproduces every observed unit,
//! paler the more units it misses — with the calibration's range ends as dashed lines, the
//! most central weighting and the scenario's own weighting as rings.

// Drawing primitives take their coordinates and style as plain arguments, like SVG itself.
#![allow(clippy::too_many_arguments)]

use super::region::RegionMap;
use crate::svg::mix_rgb;
use crate::sweep::svg::{hexagon, ring, Anchor, Svg};

/// Where every observed unit is reproduced.
const MATCH: &str = "#1b7837";
/// One unit off …
const NEAR: [f64; 3] = [166.0, 219.0, 160.0];
/// … to the most units off on the map.
const FAR: [f64; 3] = [240.0, 240.0, 240.0];
/// No allocation within the bounds.
const NONE: &str = "#ffffff";

/// The colour of a cell that misses `k` of the observed units (`worst`: the most any cell misses).
fn colour(k: Option<usize>, worst: usize) -> String {
    match k {
        None => NONE.into(),
        Some(0) => MATCH.into(),
        Some(_) if worst <= 1 => mix_rgb(NEAR, FAR, 0.0),
        Some(k) => mix_rgb(NEAR, FAR, (k - 1) as f64 / (worst - 1) as f64),
    }
}

/// The map, under `title` and the `subtitle` lines.
pub fn region_map(title: &str, subtitle: &[String], map: &RegionMap) -> String {
    let three = map.free.len() == 3;
    let top = 40.0 + 18.0 * subtitle.len() as f64;
    let (width, height) = (820.0, if three { top + 640.0 } else { top + 260.0 });
    let mut s = Svg::new(width, height);
    s.text(20.0, 30.0, title, 18.0, Anchor::Start, "#222", true);
    for (k, line) in subtitle.iter().enumerate() {
        s.text(20.0, 52.0 + 18.0 * k as f64, line, 12.0, Anchor::Start, "#555", false);
    }
    let worst = map.points.iter().filter_map(|p| p.mismatched).max().unwrap_or(0);
    // Position on the map: 0 at a weight's lower edge, 1 at the edge plus the side.
    let unit =
        |v: &[f64]| -> Vec<f64> { v.iter().zip(&map.lower).map(|(x, lo)| (x - lo) / map.side).collect() };
    let inside = |u: &[f64]| u.iter().all(|&t| (-1e-9..=1.0 + 1e-9).contains(&t));
    let cal = &map.calibration;
    let central =
        cal.central.as_ref().map(|w| map.free_indices().iter().map(|&j| w.weights[j]).collect::<Vec<f64>>());
    if three {
        let side = 540.0;
        let (x0, y0) = (90.0, top + 590.0);
        let hgt = side * 3f64.sqrt() / 2.0;
        // Vertices: the first weight at the bottom left, the second at the bottom right, the third on top.
        let pos = |p: &[f64]| (x0 + side * (p[1] + p[2] / 2.0), y0 - hgt * p[2]);
        let r = side / map.steps as f64 / 3f64.sqrt();
        for p in &map.points {
            let (px, py) = pos(&unit(&p.at));
            s.polygon(&hexagon(px, py, r), &colour(p.mismatched, worst), None);
        }
        let corners = [pos(&[1.0, 0.0, 0.0]), pos(&[0.0, 1.0, 0.0]), pos(&[0.0, 0.0, 1.0])];
        s.polygon(&corners, "none", Some("#333"));
        let top_of = |j: usize| fmt(map.lower[j] + map.side);
        // Each vertex is its weight at the top of the map: below the base, above the apex.
        for (j, dy) in [(0, 24.0), (1, 24.0), (2, -12.0)] {
            let (x, y) = corners[j];
            let label = format!("{} = {}", map.free[j], top_of(j));
            s.text(x, y + dy, &label, 13.0, Anchor::Middle, "#222", false);
        }
        // Range ends: the line where weight c takes the value v runs parallel to the side
        // opposite c's vertex.
        for (c, range) in cal.ranges.iter().enumerate().filter(|(c, _)| *c < 3) {
            for v in [range.min, range.max] {
                let v = (v - map.lower[c]) / map.side;
                let (a, b) = ((c + 1) % 3, (c + 2) % 3);
                let mut p = [0.0; 3];
                let mut q = [0.0; 3];
                p[c] = v;
                p[a] = 1.0 - v;
                q[c] = v;
                q[b] = 1.0 - v;
                let (p, q) = (pos(&p), pos(&q));
                s.line(p.0, p.1, q.0, q.1, "#7b3294", 1.2, true);
            }
        }
        if let Some(c) = central.as_ref().map(|c| unit(c)).filter(|u| inside(u)) {
            marker(&mut s, pos(&c), "central", "#7b3294");
        }
        let scenario = unit(&map.scenario_point);
        if inside(&scenario) {
            marker(&mut s, pos(&scenario), "scenario", "#111");
        }
    } else {
        let (x0, y0, w, h) = (60.0, top + 60.0, 600.0, 60.0);
        let cell = w / (map.steps as f64 + 1.0);
        let x = |v: f64| x0 + (v - map.lower[0]) / map.side * map.steps as f64 * cell;
        for p in &map.points {
            s.rect(x(p.at[0]), y0, cell + 0.5, h, &colour(p.mismatched, worst), 1.0);
        }
        s.rect(x0, y0, w, h, "none", 1.0);
        if let Some(range) = cal.ranges.first() {
            for v in [range.min, range.max] {
                let bx = x(v) + cell / 2.0;
                s.line(bx, y0 - 6.0, bx, y0 + h + 6.0, "#7b3294", 1.2, true);
            }
        }
        if let Some(c) = central.as_ref().filter(|c| inside(&unit(c))) {
            let bx = x(c[0]) + cell / 2.0;
            s.line(bx, y0 - 10.0, bx, y0 + h + 10.0, "#7b3294", 2.0, false);
            s.text(bx, y0 + h + 24.0, "central", 11.0, Anchor::Middle, "#7b3294", true);
        }
        if inside(&unit(&map.scenario_point)) {
            let bx = x(map.scenario_point[0]) + cell / 2.0;
            s.line(bx, y0 - 10.0, bx, y0 + h + 4.0, "#111", 2.0, false);
            s.text(bx, y0 - 14.0, "scenario", 11.0, Anchor::Middle, "#111", true);
        }
        s.text(x0, y0 + h + 44.0, &fmt(map.lower[0]), 11.0, Anchor::Middle, "#555", false);
        s.text(x0 + w, y0 + h + 44.0, &fmt(map.lower[0] + map.side), 11.0, Anchor::Middle, "#555", false);
        s.text(
            x0 + w / 2.0,
            y0 + h + 44.0,
            &format!("{} (the other free weight: {} = {} − it)", map.free[0], map.free[1], fmt(map.share)),
            12.0,
            Anchor::Middle,
            "#333",
            false,
        );
    }
    legend(&mut s, width - 190.0, top + 20.0, map, worst);
    s.finish()
}

/// A ring marker with its label.
fn marker(s: &mut Svg, (x, y): (f64, f64), label: &str, colour: &str) {
    s.polygon(&ring(x, y), "#ffffff", Some(colour));
    // A white plate under the label keeps it readable over the dark matching cells.
    s.rect(x + 8.0, y - 20.0, 7.0 * label.len() as f64 + 4.0, 15.0, "#ffffff", 0.85);
    s.text(x + 10.0, y - 8.0, label, 11.0, Anchor::Start, colour, true);
}

fn legend(s: &mut Svg, x: f64, y: f64, map: &RegionMap, worst: usize) {
    let mut rows: Vec<(String, String)> = vec![(
        MATCH.into(),
        match map.observed_units {
            1 => "reproduces the observed unit".into(),
            n => format!("reproduces all {n} observed units"),
        },
    )];
    if worst >= 1 {
        rows.push((colour(Some(1), worst), "1 unit off".into()));
    }
    if worst >= 2 {
        rows.push((colour(Some(worst), worst), format!("{worst} units off")));
    }
    if map.points.iter().any(|p| p.mismatched.is_none()) {
        rows.push((NONE.into(), "no allocation".into()));
    }
    for (k, (fill, label)) in rows.iter().enumerate() {
        let yy = y + 20.0 * k as f64;
        s.rect(x, yy, 14.0, 14.0, fill, 1.0);
        s.text(x + 20.0, yy + 11.0, label, 11.0, Anchor::Start, "#333", false);
    }
    let yy = y + 20.0 * rows.len() as f64 + 6.0;
    s.line(x, yy + 7.0, x + 14.0, yy + 7.0, "#7b3294", 1.2, true);
    s.text(x + 20.0, yy + 11.0, "range ends", 11.0, Anchor::Start, "#333", false);
}

/// A weight as the chart prints it (up to 4 decimals, no trailing zeros).
fn fmt(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_separate_matches_near_misses_and_gaps() {
        assert_eq!(colour(Some(0), 5), MATCH);
        assert_eq!(colour(Some(1), 5), "#a6dba0");
        assert_eq!(colour(Some(5), 5), "#f0f0f0");
        assert_eq!(colour(None, 5), NONE);
        assert_eq!(fmt(0.75), "0.75");
        assert_eq!(fmt(0.34488), "0.3449");
        assert_eq!(fmt(1.0), "1");
    }
}
