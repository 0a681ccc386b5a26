//! The outputs of a sweep ([`SweepStudy`]): the per-unit summary as text, Markdown, CSV and
//! JSON, and the files of an output directory (summaries in every format, the SVG charts,
//! Sobol indices and one-at-a-time breakpoints as CSV). Every text output carries the study's
//! stamp (last line of text and Markdown, `stamp` in JSON); every CSV is one header line and
//! data rows (the CLI adds a `# stamp:` first line on request, `--stamp`).

use crate::sweep::oat::TOLERANCE;
use crate::sweep::svg::{self, SobolRow, StepSeries, TornadoRow};
use crate::sweep::{DesignDetails, OatFactor, SobolIndices, SweepStudy};

use super::layout::{csv_text, table, Align};
use super::{Format, RenderError};

/// The summary in `format`: the report as aligned text or Markdown (per-unit table, notes,
/// Sobol indices, breakpoints, stamp), the per-unit table as CSV, or the
/// JSON document — the study's serialisation with its schema (`quota.sweep/1`).
pub fn render(study: &SweepStudy, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => report(study, false),
        Format::Md => report(study, true),
        Format::Csv => {
            let (h, _, rows) = summary_table(study, true);
            csv_text(&h, &rows)?
        }
        Format::Json => super::json("sweep", study)?,
    })
}

/// The files of an output directory, as (name, content): `summary.{txt,csv,json,md}`,
/// `tornado.svg`, and per design `grid-map.svg`, `oat-<factor>.svg` and `breakpoints.csv`,
/// `sobol.svg` and `sobol.csv` (with `sobol2.csv`, `convergence.csv` and `convergence.svg`
/// when asked), `morris.svg`, `morris.csv` and `morris-runs.csv`. (`scenarios.csv` is streamed through the rows sink while the
/// sweep runs.)
pub fn files(study: &SweepStudy) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, format) in [
        ("summary.txt", Format::Table),
        ("summary.csv", Format::Csv),
        ("summary.json", Format::Json),
        ("summary.md", Format::Md),
    ] {
        out.push((name.into(), render(study, format)?.into_bytes()));
    }
    out.push(("tornado.svg".into(), tornado(study).into_bytes()));
    for f in &study.oat {
        let name = format!("oat-{}.svg", f.factor.replace([':', '/', ' '], "_"));
        out.push((name, oat_chart(study, f).into_bytes()));
    }
    if let Some(map) = simplex_map(study) {
        out.push(("grid-map.svg".into(), map.into_bytes()));
    }
    if let Some(r) = &study.sobol {
        out.push(("sobol.svg".into(), sobol_chart(study, r).into_bytes()));
        let (h, _, rows) = sobol_table(study, r, true);
        out.push(("sobol.csv".into(), csv_text(&h, &rows)?.into_bytes()));
    }
    if let Some((h, _, rows)) = study.sobol.as_ref().and_then(|r| s2_table(study, r, true)) {
        out.push(("sobol2.csv".into(), csv_text(&h, &rows)?.into_bytes()));
    }
    if let (Some(r), Some(c)) = (&study.sobol, &study.convergence) {
        out.extend(super::sweep_convergence::files(study, r, c)?);
    }
    if let Some(m) = &study.morris {
        out.extend(super::sweep_morris::files(study, m)?);
    }
    if !study.oat.is_empty() {
        let (h, rows) = breakpoints_rows(study);
        out.push(("breakpoints.csv".into(), csv_text(&h, &rows)?.into_bytes()));
    }
    Ok(out)
}

fn has_paradoxes(study: &SweepStudy) -> bool {
    study.units.first().is_some_and(|u| u.paradoxes.is_some())
}

/// The text or Markdown report: header, summary table, notes, Sobol indices, breakpoints, stamp.
fn report(study: &SweepStudy, md: bool) -> String {
    let (h, align, rows) = summary_table(study, false);
    let header = &study.summary;
    let oat = !study.oat.is_empty();
    let mut out = if md { format!("**{header}**\n\n") } else { format!("{header}\n\n") };
    out.push_str(&table(md, &h, &align, &rows, false));
    out.push_str(&format!(
        "\nquantiles: the ⌈p·n⌉-th smallest value (inverse empirical CDF){}; p_differ: share of {} with slots ≠ baseline\n",
        if oat { " with t uniform on each range, by length" } else { "" },
        if oat { "the range" } else { "scenarios" }
    ));
    if has_paradoxes(study) {
        out.push_str(
            "paradoxes (shares of the feasible scenarios): p_alabama — the unit loses a slot from N−1 to N or from N to N+1 (same weights); p_below_quota / p_above_quota — outside [⌊q⌋, ⌈q⌉] of its ideal quota q = N·W/ΣW; p_beyond_bounded_quota — outside even its quota after floors and caps (the method's own)\n",
        );
    }
    if let Some(r) = &study.sobol {
        let (h, align, rows) = sobol_table(study, r, false);
        let factors: Vec<String> = r
            .factors
            .iter()
            .zip(&r.ranges)
            .enumerate()
            .map(|(k, (f, (a, b)))| {
                match r.members.as_ref().map(|m| &m[k]).filter(|m| m.len() > 1 || m[0] != *f) {
                    Some(m) => format!("{f} = {{{}}}", m.join(", ")),
                    None => format!("{f} ∈ [{a:.4}, {b:.4}]"),
                }
            })
            .collect();
        out.push_str(&format!(
            "\nSobol indices (first order S1, total ST, ±95% bootstrap half-width; {} runs; factors: {}; funding indices equal slot indices):\n\n",
            r.evaluations,
            factors.join(", ")
        ));
        out.push_str(&table(md, &h, &align, &rows, false));
        if let Some((h, align, rows)) = s2_table(study, r, false) {
            out.push_str("\nsecond-order indices S2 (Saltelli 2002; ±95% bootstrap half-width):\n\n");
            out.push_str(&table(md, &h, &align, &rows, false));
        }
        if let Some(c) = &study.convergence {
            out.push_str(&super::sweep_convergence::section(c, md));
        }
    }
    if let Some(m) = &study.morris {
        out.push_str(&super::sweep_morris::section(study, m, md));
    }
    out.push_str(&oat_text(study, md));
    out.push_str(&super::provenance_footer(&study.provenance, md));
    if let Some(s) = &study.stamp {
        out.push_str(&format!("\n{}\n", s.line()));
    }
    out
}

fn summary_table(study: &SweepStudy, csv: bool) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    if csv {
        h.push("name_en".into());
    }
    h.extend(["baseline", "min", "p5", "median", "p95", "max", "mean", "p_differ"].map(String::from));
    if csv {
        h.extend(["funding_baseline_wan", "funding_min_wan", "funding_max_wan"].map(String::from));
    } else {
        h.push("funding 万元 (min–max)".into());
    }
    if has_paradoxes(study) {
        h.extend(["p_alabama", "p_below_quota", "p_above_quota", "p_beyond_bounded_quota"].map(String::from));
    }
    let mut align = vec![Align::Left; if csv { 3 } else { 2 }];
    align.resize(h.len(), Align::Right);
    let n = (study.scenarios - study.infeasible).max(1) as f64;
    let rows = study
        .units
        .iter()
        .map(|u| {
            let mut r = vec![u.code.clone(), u.name.clone()];
            if csv {
                r.push(u.name_en.clone());
            }
            r.extend([u.baseline, u.min, u.p5, u.median, u.p95, u.max].map(|x| x.to_string()));
            r.push(format!("{:.3}", u.mean));
            r.push(format!("{:.4}", u.p_differ));
            if csv {
                r.extend(
                    [u.funding_baseline_wan, u.funding_min_wan, u.funding_max_wan].map(|x| x.to_string()),
                );
            } else {
                r.push(format!("{}–{}", u.funding_min_wan, u.funding_max_wan));
            }
            if let Some(p) = u.paradoxes {
                r.extend(
                    [p.alabama, p.below_quota, p.above_quota, p.beyond_bounded_quota]
                        .map(|c| format!("{:.4}", c as f64 / n)),
                );
            }
            r
        })
        .collect();
    (h, align, rows)
}

fn fmt_index(v: Option<f64>, c: Option<f64>) -> String {
    match (v, c) {
        (Some(v), Some(c)) => format!("{v:.3}±{c:.3}"),
        (Some(v), None) => format!("{v:.3}"),
        _ => "—".into(),
    }
}

fn sobol_table(
    study: &SweepStudy,
    r: &SobolIndices,
    csv: bool,
) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    if csv {
        let h = ["code", "name", "factor", "S1", "S1_conf", "ST", "ST_conf", "variance"]
            .map(String::from)
            .to_vec();
        let o = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
        let mut rows = Vec::new();
        for (ix, u) in r.units.iter().zip(&study.units) {
            for (k, f) in r.factors.iter().enumerate() {
                rows.push(vec![
                    u.code.clone(),
                    u.name.clone(),
                    f.clone(),
                    o(ix.s1[k]),
                    o(ix.s1_conf[k]),
                    o(ix.st[k]),
                    o(ix.st_conf[k]),
                    format!("{:.6}", ix.variance),
                ]);
            }
        }
        let align = vec![Align::Left; h.len()];
        return (h, align, rows);
    }
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    for f in &r.factors {
        h.push(format!("S1 {f}"));
        h.push(format!("ST {f}"));
    }
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows = r
        .units
        .iter()
        .zip(&study.units)
        .map(|(ix, u)| {
            let mut row = vec![u.code.clone(), u.name.clone()];
            for k in 0..r.factors.len() {
                row.push(fmt_index(ix.s1[k], ix.s1_conf[k]));
                row.push(fmt_index(ix.st[k], ix.st_conf[k]));
            }
            row
        })
        .collect();
    (h, align, rows)
}

/// A table: header, alignment, rows.
type Table = (Vec<String>, Vec<Align>, Vec<Vec<String>>);

/// The second-order indices: per unit one column per pair (text), or one row per unit and pair
/// (CSV); None without them.
fn s2_table(study: &SweepStudy, r: &SobolIndices, csv: bool) -> Option<Table> {
    r.units.first()?.s2.as_ref()?;
    let d = r.factors.len();
    let pairs: Vec<(usize, usize)> = (0..d).flat_map(|j| (j + 1..d).map(move |k| (j, k))).collect();
    if csv {
        let h = ["code", "name", "factor_j", "factor_k", "S2", "S2_conf"].map(String::from).to_vec();
        let o = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
        let mut rows = Vec::new();
        for (ix, u) in r.units.iter().zip(&study.units) {
            let (s2, c2) = (ix.s2.as_ref()?, ix.s2_conf.as_ref()?);
            for &(j, k) in &pairs {
                rows.push(vec![
                    u.code.clone(),
                    u.name.clone(),
                    r.factors[j].clone(),
                    r.factors[k].clone(),
                    o(s2[j][k]),
                    o(c2[j][k]),
                ]);
            }
        }
        return Some((h.clone(), vec![Align::Left; h.len()], rows));
    }
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    h.extend(pairs.iter().map(|&(j, k)| format!("S2 {}×{}", r.factors[j], r.factors[k])));
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows = r
        .units
        .iter()
        .zip(&study.units)
        .map(|(ix, u)| {
            let mut row = vec![u.code.clone(), u.name.clone()];
            for &(j, k) in &pairs {
                let v = ix.s2.as_ref().and_then(|s| s[j][k]);
                let c = ix.s2_conf.as_ref().and_then(|s| s[j][k]);
                row.push(fmt_index(v, c));
            }
            row
        })
        .collect();
    Some((h, align, rows))
}

fn breakpoints_rows(study: &SweepStudy) -> (Vec<String>, Vec<Vec<String>>) {
    let h = ["factor", "code", "name", "from", "to", "slots", "funding_wan"].map(String::from).to_vec();
    let mut rows = Vec::new();
    for f in &study.oat {
        for (pieces, u) in f.units.iter().zip(&study.units) {
            for p in &pieces.pieces {
                rows.push(vec![
                    f.factor.clone(),
                    u.code.clone(),
                    u.name.clone(),
                    format!("{:.9}", p.from),
                    format!("{:.9}", p.to),
                    p.slots.map(|x| x.to_string()).unwrap_or_default(),
                    p.slots.map(|x| study.funding.funding(x).total_wan.to_string()).unwrap_or_default(),
                ]);
            }
        }
    }
    (h, rows)
}

fn oat_text(study: &SweepStudy, md: bool) -> String {
    let mut out = String::new();
    for f in &study.oat {
        out.push_str(&format!(
            "\n{}breakpoints of {} over [{}, {}] (scenario value {:.6}; located to ±{:e}; {}):\n",
            if md { "### " } else { "" },
            f.factor,
            f.lo,
            f.hi,
            f.baseline,
            TOLERANCE / 2.0,
            if f.proven { "no piece missed, see the oat module docs" } else { "bisection without a proof" }
        ));
        if md {
            out.push('\n');
        }
        let mut any = false;
        for (pieces, u) in f.units.iter().zip(&study.units) {
            if pieces.pieces.len() < 2 {
                continue;
            }
            any = true;
            let text: Vec<String> = pieces
                .pieces
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let x = p.slots.map_or("infeasible".to_string(), |x| x.to_string());
                    if k == 0 {
                        x
                    } else {
                        format!("| {:.9} | {x}", p.from)
                    }
                })
                .collect();
            out.push_str(&format!(
                "{}{} {}: {}\n",
                if md { "- " } else { "  " },
                u.code,
                u.name,
                text.join(" ")
            ));
        }
        if !any {
            out.push_str("  no unit's slots change\n");
        }
    }
    out
}

fn label(code: &str, name: &str) -> String {
    format!("{code} {name}")
}

fn tornado(study: &SweepStudy) -> String {
    let rows: Vec<TornadoRow> = study
        .units
        .iter()
        .map(|u| TornadoRow {
            label: label(&u.code, &u.name),
            baseline: u.baseline,
            min: u.min,
            p5: u.p5,
            p95: u.p95,
            max: u.max,
        })
        .collect();
    let design = match &study.design {
        DesignDetails::Grid { step, .. } => format!("grid step {step}"),
        DesignDetails::Oat { .. } => "one at a time".into(),
        DesignDetails::MonteCarlo { .. } => format!("monte carlo, {} scenarios", study.scenarios),
        DesignDetails::Sobol { .. } => format!("sobol, {} runs", study.scenarios),
        DesignDetails::Morris { .. } => format!("morris, {} runs", study.scenarios),
    };
    svg::tornado(
        "各单位名额的变化范围 · slot range per unit",
        &format!(
            "{}scenario {} — {} — {}",
            super::subtitle_mark(&study.provenance),
            study.scenario,
            study.method,
            design
        ),
        &rows,
    )
}

fn oat_chart(study: &SweepStudy, f: &OatFactor) -> String {
    let series: Vec<StepSeries> = f
        .units
        .iter()
        .zip(&study.units)
        .filter(|(p, _)| p.pieces.len() > 1)
        .map(|(p, u)| StepSeries {
            label: label(&u.code, &u.name),
            pieces: p.pieces.iter().map(|p| (p.from, p.to, p.slots)).collect(),
        })
        .collect();
    svg::oat_steps(
        &format!("名额随 {} 变化 · slots against {}", f.factor, f.factor),
        &format!(
            "{}scenario {} — {} — other weights keep their proportions; units whose slots change",
            super::subtitle_mark(&study.provenance),
            study.scenario,
            study.method
        ),
        &f.factor,
        f.baseline,
        f.lo,
        f.hi,
        &series,
    )
}

fn simplex_map(study: &SweepStudy) -> Option<String> {
    let map = study.simplex_map.as_ref()?;
    let u = &study.units[map.unit];
    let title = format!("{} {}: slots over the weight simplex", u.code, u.name);
    let weights: Vec<f64> = study.weights.iter().map(|(_, w)| *w).collect();
    let columns: Vec<String> = study.weights.iter().map(|(c, _)| c.clone()).collect();
    let sub = format!(
        "{}scenario {} — {} — grid step 1/{}; baseline weights {} → {} slots",
        super::subtitle_mark(&study.provenance),
        study.scenario,
        study.method,
        map.m,
        weights.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(", "),
        map.baseline
    );
    Some(svg::simplex_map(&title, &sub, &columns, map.m, &map.points, &weights))
}

fn sobol_chart(study: &SweepStudy, r: &SobolIndices) -> String {
    let rows: Vec<SobolRow> = r
        .units
        .iter()
        .zip(&study.units)
        .map(|(ix, u)| {
            let bars = (0..r.factors.len())
                .map(|k| {
                    Some((ix.s1[k]?, ix.s1_conf[k].unwrap_or(0.0), ix.st[k]?, ix.st_conf[k].unwrap_or(0.0)))
                })
                .collect::<Option<Vec<_>>>();
            SobolRow { label: label(&u.code, &u.name), bars }
        })
        .collect();
    let samples = match study.design {
        DesignDetails::Sobol { samples, .. } => samples,
        _ => 0,
    };
    svg::sobol_bars(
        "Sobol 敏感性指数 · Sobol indices of each unit's slots",
        &format!(
            "{}scenario {} — {} — N = {}, {} runs; raw weights uniform on their ranges",
            super::subtitle_mark(&study.provenance),
            study.scenario,
            study.method,
            samples,
            r.evaluations
        ),
        &r.factors,
        &rows,
    )
}
