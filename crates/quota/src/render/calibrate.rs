//! `quota calibrate`'s report in every format: a [`Document`] of headings, sentences and tables
//! (text, Markdown), one CSV row per method and free weight, and the JSON document
//! `quota.calibrate/1` (the serialised [`Calibration`]). The sentences say in plain words what
//! was found and how sure it is; every verdict comes from the result.

use super::document::Document;
use super::layout::{csv_text, Align};
use super::{json, Format, RenderError};
use crate::calibrate::{
    Basis, Calibration, Check, MethodCalibration, Range, RegionMap, ResampleFit, Resampling, Verdict,
    Weighting,
};

/// A [`Document`] whose consecutive sentences form one paragraph (one per line).
#[derive(Default)]
struct Report {
    doc: Document,
    lines: Vec<String>,
}

impl Report {
    fn flush(&mut self) {
        if !self.lines.is_empty() {
            self.doc.para(&self.lines.join("\n"));
            self.lines.clear();
        }
    }
    fn heading(&mut self, s: &str) {
        self.flush();
        self.doc.heading(s);
    }
    fn para(&mut self, s: &str) {
        self.lines.push(s.to_string());
    }
    fn table(&mut self, header: &[&str], align: &[Align], rows: Vec<Vec<String>>) {
        self.flush();
        self.doc.table(header, align, rows);
    }
    fn finish(mut self) -> Document {
        self.flush();
        self.doc
    }
}

/// The feasible-region map ([`crate::calibrate::region`]) as SVG.
pub fn region_svg(map: &RegionMap) -> String {
    let cal = &map.calibration;
    let title = format!("{}: weightings that reproduce {} ({})", map.scenario, map.observed, cal.method);
    let held = if map.share < 1.0 - 1e-12 {
        format!("; the other weights held (the free ones sum to {})", trim(map.share))
    } else {
        String::new()
    };
    let mut sub = vec![
        format!(
            "{}free weights {}{held}; development weight δ = {}; N = {}",
            super::subtitle_mark(&map.provenance),
            map.free.join(", "),
            trim(map.development_weight),
            map.total
        ),
        format!(
            "{} of {} grid weightings (step {}) reproduce {} — each allocated exactly",
            map.matching,
            map.points.len(),
            trim(map.side / map.steps as f64),
            match map.observed_units {
                1 => "the observed unit".to_string(),
                n => format!("all {n} observed units"),
            }
        ),
    ];
    if map.zoomed {
        let edges: Vec<String> =
            map.free.iter().zip(&map.lower).map(|(n, lo)| format!("{n} ≥ {}", trim(*lo))).collect();
        sub.push(format!("zoomed onto the exact ranges: {} (side {})", edges.join(", "), trim(map.side)));
    }
    let ranges: Vec<String> =
        cal.ranges.iter().map(|r| format!("{} {}–{}", r.name, trim(r.min), trim(r.max))).collect();
    sub.push(format!(
        "{}{}",
        verdict_title(cal),
        if ranges.is_empty() { String::new() } else { format!("; ranges {}", ranges.join(", ")) }
    ));
    crate::calibrate::svg::region_map(&title, &sub, map)
}

/// A weight to 4 decimals, without trailing zeros.
fn trim(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The report in `format`.
pub fn render(c: &Calibration, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => document(c).text() + &super::provenance_footer(&c.provenance, false),
        Format::Md => document(c).markdown() + &super::provenance_footer(&c.provenance, true),
        Format::Csv => csv(c)?,
        Format::Json => json("calibrate", c)?,
    })
}

/// One CSV row per method and free weight: the verdict, the central weighting's value and the
/// range (a method with no range gets one row with the weight columns empty).
fn csv(c: &Calibration) -> Result<String, csv::Error> {
    let header: Vec<String> = [
        "method",
        "verdict",
        "basis",
        "margin",
        "weight",
        "central",
        "min",
        "max",
        "range",
        "check",
        "grid_matching",
        "nearest_l1",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(c.resampling.iter().flat_map(|_| {
        [
            "resample",
            "resample_fits",
            "resample_mean",
            "resample_sd",
            "resample_p5",
            "resample_median",
            "resample_p95",
        ]
        .map(String::from)
    }))
    .collect();
    let mut rows = Vec::new();
    for m in &c.methods {
        let resampled = c.resampling.as_ref().and_then(|r| r.iter().find(|r| r.method == m.method));
        let common = |weight: &str, central: String, r: Option<&Range>| -> Vec<String> {
            vec![
                m.method.clone(),
                verdict_name(m.verdict).into(),
                basis_name(m.basis).into(),
                m.margin.map(|e| format!("{e:.9}")).unwrap_or_default(),
                weight.into(),
                central,
                r.map(|r| format!("{:.9}", r.min)).unwrap_or_default(),
                r.map(|r| format!("{:.9}", r.max)).unwrap_or_default(),
                r.map(|r| if r.exact { "exact" } else { "at least" }.to_string()).unwrap_or_default(),
                m.check.as_ref().map(|k| format!("{}/{}", k.matching, k.units)).unwrap_or_default(),
                m.grid.map(|g| format!("{}/{}", g.matching, g.points)).unwrap_or_default(),
                m.nearest.as_ref().map(|n| n.l1.to_string()).unwrap_or_default(),
            ]
        };
        let spread = |weight: &str| -> Vec<String> {
            let Some(r) = resampled else { return Vec::new() };
            let found = r.fits.iter().filter(|f| f.weighting.is_some()).count();
            let w = r.spread.iter().find(|w| w.name == weight);
            let f = |v: Option<f64>| v.map(|v| format!("{v:.9}")).unwrap_or_default();
            vec![
                r.kind.clone(),
                format!("{found}/{}", r.fits.len()),
                f(w.map(|w| w.mean)),
                f(w.map(|w| w.sd)),
                f(w.map(|w| w.p5)),
                f(w.map(|w| w.median)),
                f(w.map(|w| w.p95)),
            ]
        };
        // Every free weight gets a row when resampled (the spread is there without a range).
        let names: Vec<&str> = if m.ranges.is_empty() && resampled.is_some() {
            c.free.iter().map(|f| f.as_str()).collect()
        } else {
            m.ranges.iter().map(|r| r.name.as_str()).collect()
        };
        if names.is_empty() {
            let mut row = common("", String::new(), None);
            row.extend(spread(""));
            rows.push(row);
        }
        for name in names {
            let r = m.ranges.iter().find(|r| r.name == name);
            let central =
                m.central.as_ref().map(|w| format!("{:.9}", coordinate(c, w, name))).unwrap_or_default();
            let mut row = common(name, central, r);
            row.extend(spread(name));
            rows.push(row);
        }
    }
    csv_text(&header, &rows)
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "consistent",
        Verdict::OnlyAtTies => "only_at_ties",
        Verdict::Inconsistent => "inconsistent",
        Verdict::Witnessed => "witnessed",
        Verdict::NotFound => "not_found",
        Verdict::Undecided => "undecided",
    }
}

fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::Bounds => "bounds",
        Basis::LinearProgram => "linear_program",
        Basis::Grid => "grid",
        Basis::Boxes => "boxes",
    }
}

/// The value of a free coordinate (an indicator column or `development_weight`) in `w`.
fn coordinate(c: &Calibration, w: &Weighting, name: &str) -> f64 {
    match c.indicators.iter().position(|n| n == name) {
        Some(j) => w.weights[j],
        None => w.development_weight,
    }
}

fn weighting_text(c: &Calibration, w: &Weighting) -> String {
    let mut parts: Vec<String> =
        c.indicators.iter().zip(&w.weights).map(|(n, v)| format!("{n} {v:.4}")).collect();
    if c.development.is_some() || c.scenario_weighting.development_weight > 0.0 {
        parts.push(format!("development_weight {:.4}", w.development_weight));
    }
    parts.join(", ")
}

/// Differences listed in a check line before "… and k more".
const LISTED: usize = 5;

fn check_text(k: &Check, what: &str) -> String {
    if k.passed() {
        return format!("{what}: {}/{} observed units get exactly their observed slots", k.matching, k.units);
    }
    if k.mismatches.iter().any(|u| u.allocated.is_none()) {
        return format!("{what}: no allocation within the bounds at this weighting");
    }
    let l1: u64 = k.mismatches.iter().map(|u| u.observed.abs_diff(u.allocated.unwrap_or(0))).sum();
    let mut largest: Vec<_> = k.mismatches.iter().collect();
    largest.sort_by_key(|u| std::cmp::Reverse(u.observed.abs_diff(u.allocated.unwrap_or(0))));
    let mut diffs: Vec<String> = largest
        .iter()
        .take(LISTED)
        .map(|u| format!("{} {} (observed {})", u.name, u.allocated.unwrap_or(0), u.observed))
        .collect();
    if largest.len() > LISTED {
        diffs.push(format!("… and {} more", largest.len() - LISTED));
    }
    format!(
        "{what}: {}/{} observed units match, {l1} slot(s) off in total; {}",
        k.matching,
        k.units,
        diffs.join(", ")
    )
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0".into()
    } else {
        format!("{:.2}", 100.0 * part as f64 / whole as f64)
    }
}

fn document(c: &Calibration) -> Document {
    let mut b = Report::default();
    let kind = match c.kind {
        crate::observed::Kind::Allocation => "allocation",
        crate::observed::Kind::Benchmark => "benchmark (a related figure, not this programme's outcome)",
    };
    b.heading(&format!("calibrate: scenario {} against {} ({kind})", c.scenario, c.observed));
    b.para(
        &(format!(
            "{} of {} units observed; N = {} ({}); bounds: {}",
            c.observed_units,
            c.units,
            c.total,
            c.total_from,
            match c.bounds {
                crate::calibrate::Bounds::Scenario => "the scenario's floors and caps",
                crate::calibrate::Bounds::None => "none (floor 0, cap N)",
            }
        )),
    );
    let held: Vec<String> = c
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, n)| !c.free.contains(n))
        .map(|(j, n)| format!("{n} {:.4}", c.scenario_weighting.weights[j]))
        .collect();
    let mut free = format!("free weights: {}", c.free.join(", "));
    if !held.is_empty() {
        free.push_str(&format!("; held: {}", held.join(", ")));
    }
    match c.development {
        Some((lo, hi)) => free.push_str(&format!("; development_weight free in [{lo}, {hi}]")),
        None if c.scenario_weighting.development_weight > 0.0 => free
            .push_str(&format!("; development_weight held at {}", c.scenario_weighting.development_weight)),
        None => {}
    }
    b.para(&free);
    b.para(&(format!("the scenario's own weighting: {}", weighting_text(c, &c.scenario_weighting))));
    for m in &c.methods {
        method_blocks(c, m, &mut b);
    }
    for r in c.resampling.iter().flatten() {
        resampling_blocks(r, &mut b);
    }
    b.finish()
}

/// The verdict in words, with how it was reached.
fn verdict_title(m: &MethodCalibration) -> &'static str {
    match m.verdict {
        Verdict::Consistent => "consistent (linear program, exact)",
        Verdict::OnlyAtTies => "consistent only at ties (linear program, exact)",
        Verdict::Inconsistent if m.basis == Basis::Bounds => {
            "inconsistent (observed slots outside the bounds)"
        }
        Verdict::Inconsistent if m.basis == Basis::Boxes => {
            "inconsistent (proved by a search over boxes of weightings)"
        }
        Verdict::Inconsistent => "inconsistent (linear program, exact)",
        Verdict::Witnessed if m.boxes > 0 => {
            "witnessed, and bounded by proof (a search over boxes of weightings)"
        }
        Verdict::Witnessed => "witnessed (grid search: not the whole set)",
        Verdict::NotFound => "no witness found (grid search: not a proof)",
        Verdict::Undecided => "undecided",
    }
}

fn method_blocks(c: &Calibration, m: &MethodCalibration, b: &mut Report) {
    b.heading(&format!("method {} — {}", m.method, verdict_title(m)));
    b.para(&(check_text(&m.scenario_check, "the scenario's own weighting")));
    match m.verdict {
        Verdict::Consistent => b.para(&(format!(
            "an open set of weightings reproduces every observed unit with no tie; the most central is {:.6} of a slot \
             from every rounding threshold it must not cross",
            m.margin.unwrap_or(0.0)
        ))),
        Verdict::OnlyAtTies => b.para("only weightings on a boundary reproduce it: there, claims tie exactly and the tie rule (larger weight, then \
             the unit listed first) decides as observed"),
        Verdict::Inconsistent if m.basis == Basis::Bounds => {
            let units: Vec<String> = m
                .outside_bounds
                .iter()
                .map(|u| format!("{} {} (floor {}, cap {})", u.name, u.observed, u.floor, u.cap))
                .collect();
            b.para(&(format!(
                "no weighting can reproduce it: {} (try the bounds 'none' for a figure from another programme)",
                units.join(", ")
            )));
        }
        Verdict::Inconsistent if m.basis == Basis::Boxes => b.para(&format!(
            "no weighting of these columns reproduces the observed units: a branch and bound over {} boxes of \
             weightings excluded every one of them (each box by bounds that contain every weighting in it)",
            m.boxes
        )),
        Verdict::Inconsistent => b.para(&(match m.margin {
            Some(e) => format!(
                "no weighting of these columns reproduces it: the best any weighting does is to miss a rounding \
                 threshold by {:.6} of a slot",
                -e
            ),
            None => "no weighting of these columns reproduces it: its conditions have no solution at any margin (e.g. a \
                     unit with 0 slots under Adams, Dean or Huntington–Hill, whose first threshold is 0, needs a score \
                     of exactly 0)"
                .to_string(),
        })),
        Verdict::Witnessed if m.boxes > 0 => b.para(
            "weightings were found that reproduce every observed unit (witnesses, re-allocated exactly), and a branch \
             and bound over boxes of weightings proves how far the set of such weightings reaches: the weight ranges to \
             within about 10⁻⁶, every unit's slots exactly where marked",
        ),
        Verdict::Witnessed => b.para("weightings were found that reproduce every observed unit; the ranges below are at least this wide (a \
             weighting outside them that also works would lie in an allocation cell narrower than the grid step)"),
        Verdict::NotFound => b.para("no weighting on the grid, nor the local search, reproduces every observed unit; this is not a proof that \
             none exists"),
        Verdict::Undecided => b.para("the search could not decide: too many regimes of units at a bound, or only boundary weightings where the \
             tie rule did not decide as observed"),
    }
    if let (Some(w), Some(k)) = (&m.central, &m.check) {
        let what = if m.basis == Basis::LinearProgram { "central weighting" } else { "central witness" };
        b.para(&(format!("{what}: {}", weighting_text(c, w))));
        b.para(&(check_text(k, "re-allocated by quota allocate")));
    }
    if !m.ranges.is_empty() {
        let exact = m.ranges.iter().all(|r| r.exact);
        let proved = m.ranges.iter().any(|r| r.proven_min.is_some());
        b.para(if exact {
            "weight ranges (exact, over the closure; the ends themselves are ties):"
        } else if proved {
            "weight ranges (min and max at witnesses; proved: no weighting that reproduces the observed units lies \
             outside, to within about 10⁻⁶):"
        } else {
            "weight ranges (at least; witnessed):"
        });
        let rows = m
            .ranges
            .iter()
            .map(|r| {
                let mut row = vec![r.name.clone(), format!("{:.6}", r.min), format!("{:.6}", r.max)];
                if proved {
                    let f = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
                    row.push(f(r.proven_min));
                    row.push(f(r.proven_max));
                }
                row.push(
                    m.central
                        .as_ref()
                        .map(|w| format!("{:.6}", coordinate(c, w, &r.name)))
                        .unwrap_or_default(),
                );
                row.push(if r.ends_checked { "reproduces" } else { "DOES NOT reproduce" }.to_string());
                row
            })
            .collect();
        let (header, align): (&[&str], &[Align]) = if proved {
            (
                &["weight", "min", "max", "proved min", "proved max", "central", "both ends"],
                &[
                    Align::Left,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Left,
                ],
            )
        } else {
            (
                &["weight", "min", "max", "central", "just inside both ends"],
                &[Align::Left, Align::Right, Align::Right, Align::Right, Align::Left],
            )
        };
        b.table(header, align, rows);
        if m.basis == Basis::LinearProgram {
            b.para(&(format!("{} regime(s) of the units at a bound; {} LP solves", m.regimes, m.solves)));
        }
    }
    if let Some(g) = m.grid {
        let mut line = format!(
            "weightings searched (grid and candidates): {} of {} ({}%) reproduce the observed units",
            g.matching,
            g.points,
            percent(g.matching, g.points)
        );
        if g.matching == 0 && matches!(m.verdict, Verdict::Consistent | Verdict::OnlyAtTies) {
            line.push_str(" — the set is narrower than the grid's step");
        }
        b.para(&line);
    }
    if !c.complete && !m.slot_ranges.is_empty() {
        slot_range_block(m, b);
    }
    if let Some(n) = &m.nearest {
        let from = match n.found_by.as_str() {
            "minimax" => "search started from the LP's least-violating weighting",
            "boxes" => "a box of the lower-bound search",
            _ => "search started from the best grid weighting",
        };
        b.para(&format!(
            "nearest explanation found ({from}): {} slot(s) off in total; {}",
            n.l1,
            weighting_text(c, &n.weighting)
        ));
        match n.proven_min_l1 {
            Some(p) if p == n.l1 => b.para(&format!(
                "proved the best possible: no weighting of these columns gets fewer than {p} slot(s) wrong (a branch \
                 and bound over boxes of weightings)"
            )),
            Some(p) => b.para(&format!(
                "proved: no weighting gets fewer than {p} slot(s) wrong; between {p} and {} is open (the box search \
                 stopped at its limit)",
                n.l1
            )),
            None => {}
        }
        if !n.unexplained.is_empty() {
            let rows = n
                .unexplained
                .iter()
                .map(|u| {
                    vec![
                        u.code.clone(),
                        u.name.clone(),
                        u.observed.to_string(),
                        u.allocated.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            b.para("units it does not reproduce (every other observed unit it reproduces exactly):");
            b.table(
                &["code", "name", "observed", "at this weighting"],
                &[Align::Left, Align::Left, Align::Right, Align::Right],
                rows,
            );
        }
    }
}

/// How the fitted weights move over resamples of the observed units.
/// Every unit's slots over the weightings that reproduce a partial observation.
fn slot_range_block(m: &MethodCalibration, b: &mut Report) {
    let proved = m.slot_ranges.iter().any(|r| r.proven_min.is_some());
    if proved {
        let exact = m.slot_ranges.iter().filter(|r| r.exact).count();
        b.para(&format!(
            "every unit's slots over the weightings that reproduce the observed units: min and max at witnesses \
             (re-allocated exactly); proved: no such weighting gives fewer or more (a branch and bound over {} boxes \
             of weightings); exact where the two meet: {exact} of {} units",
            m.boxes,
            m.slot_ranges.len()
        ));
    } else {
        b.para("every unit's slots over the witnesses (at least this range; the quota method has no proof):");
    }
    let rows = m
        .slot_ranges
        .iter()
        .map(|r| {
            let mut row = vec![
                r.code.clone(),
                r.name.clone(),
                r.observed.map(|v| v.to_string()).unwrap_or_default(),
                r.min.to_string(),
                r.max.to_string(),
            ];
            if proved {
                let (lo, hi) = (r.proven_min.unwrap_or(r.min), r.proven_max.unwrap_or(r.max));
                row.push(format!("{lo}–{hi}"));
                row.push(if r.exact { "yes" } else { "no" }.into());
            }
            row
        })
        .collect();
    let mut header = vec!["code", "name", "observed", "min", "max"];
    let mut align = vec![Align::Left, Align::Left, Align::Right, Align::Right, Align::Right];
    if proved {
        header.extend(["proved", "exact"]);
        align.extend([Align::Right, Align::Left]);
    }
    b.table(&header, &align, rows);
}

fn resampling_blocks(r: &Resampling, b: &mut Report) {
    let how = match r.seed {
        Some(seed) => {
            format!("{} samples of the observed units drawn with replacement (seed {seed})", r.fits.len())
        }
        None => format!("each of the {} observed units left out once", r.fits.len()),
    };
    b.heading(&format!("method {} — {} resampling", r.method, r.kind));
    let reproduced = r.fits.iter().filter(|f| f.reproduced).count();
    let found = r.fits.iter().filter(|f| f.weighting.is_some()).count();
    b.para(&format!(
        "{how}; each resample calibrated on its own: {reproduced} reproduced (fit: the most central weighting), \
         {} fitted by the nearest explanation, {} with no fit",
        found - reproduced,
        r.fits.len() - found
    ));
    if reproduced == r.fits.len() {
        b.para(
            "every resample is reproduced, as the whole observation is, by the same weightings: the spread below \
             shows where each resample's search settled, not uncertainty in the announcement",
        );
    }
    if r.spread.is_empty() {
        return;
    }
    let f = |v: f64| format!("{v:.4}");
    let rows = r
        .spread
        .iter()
        .map(|w| {
            vec![
                w.name.clone(),
                w.full.map(f).unwrap_or_default(),
                f(w.mean),
                f(w.sd),
                f(w.min),
                f(w.p5),
                f(w.median),
                f(w.p95),
                f(w.max),
            ]
        })
        .collect();
    b.table(
        &["weight", "all units", "mean", "sd", "min", "p5", "median", "p95", "max"],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
        rows,
    );
    if r.seed.is_none() {
        // The units whose absence moves the fit most (largest distance from the full fit).
        let Some(full) = &r.full else { return };
        let mut moved: Vec<(f64, &ResampleFit)> = r
            .fits
            .iter()
            .filter_map(|fit| {
                let w = fit.weighting.as_ref()?;
                let d = w.weights.iter().zip(&full.weights).map(|(a, b)| (a - b).abs()).sum::<f64>()
                    + (w.development_weight - full.development_weight).abs();
                Some((d, fit))
            })
            .collect();
        moved.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.label.cmp(&b.1.label)));
        let top: Vec<String> =
            moved.iter().take(3).map(|(d, fit)| format!("{} (Σ|Δw| {d:.4})", fit.label)).collect();
        if !top.is_empty() {
            b.para(&format!("the fit moves most {}", top.join(", ")));
        }
    }
}
