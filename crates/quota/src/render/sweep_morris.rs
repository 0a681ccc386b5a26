//! The Morris design's outputs: the report section (screening verdicts per factor, μ* ± its
//! interval and σ per unit), `morris.csv` (one row per unit and factor), `morris-runs.csv`
//! (every run of the design: the trajectories with each unit's slots, as SALib's
//! `morris.analyze` takes them) and `morris.svg` (the μ*–σ plane).

use crate::sweep::svg_morris::{morris_plane, MorrisPoint};
use crate::sweep::{DesignDetails, MorrisIndices, SweepStudy};

use super::layout::{csv_text, table, Align};
use super::RenderError;

/// The report section, text or Markdown.
pub(super) fn section(study: &SweepStudy, m: &MorrisIndices, md: bool) -> String {
    let factors: Vec<String> = m
        .factors
        .iter()
        .zip(&m.ranges)
        .enumerate()
        .map(|(i, (f, (a, b)))| match m.members.as_ref().map(|ms| &ms[i]) {
            Some(ms) if ms.len() > 1 => format!("{f} = {{{}}}", ms.join(", ")),
            _ => format!("{f} ∈ [{a:.4}, {b:.4}]"),
        })
        .collect();
    let mut out = format!(
        "\nMorris screening ({} runs; factors: {}; μ* = mean |elementary effect|, σ = its standard deviation, in slots per whole factor range; ±95% bootstrap half-width of μ*):\n\n",
        m.evaluations,
        factors.join(", ")
    );
    if m.members.as_ref().is_some_and(|ms| ms.iter().any(|g| g.len() > 1)) {
        out.push_str(GROUP_NOTE);
    }
    let h: Vec<String> =
        ["rank", "factor", "Σμ* (all units)", "max μ*", "units moved"].map(String::from).to_vec();
    let align = vec![Align::Right, Align::Left, Align::Right, Align::Right, Align::Right];
    let mut order: Vec<usize> = (0..m.screening.len()).collect();
    order.sort_by_key(|&i| (m.screening[i].rank, i));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&i| {
            let s = &m.screening[i];
            vec![
                s.rank.to_string(),
                s.factor.clone(),
                format!("{:.3}", s.mu_star_sum),
                format!("{:.3}", s.mu_star_max),
                format!("{} / {}", s.units_moved, m.units.len()),
            ]
        })
        .collect();
    out.push_str(&table(md, &h, &align, &rows, false));
    let idle: Vec<&str> =
        m.screening.iter().filter(|s| s.units_moved == 0).map(|s| s.factor.as_str()).collect();
    if !idle.is_empty() {
        out.push_str(&format!(
            "\nno unit's slots moved with {} anywhere in the design: a candidate to drop before a Sobol run\n",
            idle.join(", ")
        ));
    }
    let mut h: Vec<String> = vec!["code".into(), "name".into()];
    for f in &m.factors {
        h.push(format!("μ* {f}"));
        h.push(format!("σ {f}"));
    }
    let mut align = vec![Align::Left, Align::Left];
    align.resize(h.len(), Align::Right);
    let rows: Vec<Vec<String>> = m
        .units
        .iter()
        .zip(&study.units)
        .filter(|(x, _)| x.mu_star.iter().any(|&v| v > 0.0))
        .map(|(x, u)| {
            let mut row = vec![u.code.clone(), u.name.clone()];
            for k in 0..m.factors.len() {
                row.push(match x.mu_star_conf[k] {
                    Some(c) => format!("{:.3}±{c:.3}", x.mu_star[k]),
                    None => format!("{:.3}", x.mu_star[k]),
                });
                row.push(x.sigma[k].map_or_else(|| "—".into(), |s| format!("{s:.3}")));
            }
            row
        })
        .collect();
    let still = m.units.len() - rows.len();
    out.push_str(&format!(
        "\nper unit ({} of {} units whose slots moved; {still} never moved):\n\n",
        rows.len(),
        m.units.len()
    ));
    out.push_str(&table(md, &h, &align, &rows, false));
    out
}

/// What the report says when a group of several factors is screened.
const GROUP_NOTE: &str = "groups: a group's factors move together, each in its own direction (Campolongo et al. 2007), so only μ* (and its interval) is defined for a group of several factors; its μ and σ are not (— in the tables, empty in morris.csv, null in JSON; SALib's morris.analyze reports NaN)\n\n";

/// `morris.csv`, `morris-runs.csv` and `morris.svg`.
pub(super) fn files(study: &SweepStudy, m: &MorrisIndices) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let h = ["code", "name", "factor", "mu", "mu_star", "mu_star_conf", "sigma"].map(String::from).to_vec();
    let mut rows = Vec::new();
    for (x, u) in m.units.iter().zip(&study.units) {
        for (k, f) in m.factors.iter().enumerate() {
            rows.push(vec![
                u.code.clone(),
                u.name.clone(),
                f.clone(),
                x.mu[k].map(|v| format!("{v:.6}")).unwrap_or_default(),
                format!("{:.6}", x.mu_star[k]),
                x.mu_star_conf[k].map(|c| format!("{c:.6}")).unwrap_or_default(),
                x.sigma[k].map(|v| format!("{v:.6}")).unwrap_or_default(),
            ]);
        }
    }
    let indices = csv_text(&h, &rows)?;
    Ok(vec![
        ("morris.csv".into(), indices.into_bytes()),
        ("morris-runs.csv".into(), runs_csv(study, m)?.into_bytes()),
        ("morris.svg".into(), chart(study, m).into_bytes()),
    ])
}

/// Every run: trajectory, point, the factor (or group) that moved to reach it (empty at a
/// trajectory's start), the value of every factor (17 significant digits; a group's factors
/// each in its column) and each unit's slots.
fn runs_csv(study: &SweepStudy, m: &MorrisIndices) -> Result<String, RenderError> {
    let d = &m.design;
    let (k, len) = (d.k, d.points_per_trajectory());
    let mut h: Vec<String> = ["trajectory", "point", "moved"].map(String::from).to_vec();
    h.extend(m.inputs.iter().map(|(f, _)| f.clone()));
    h.extend(study.units.iter().map(|u| u.code.clone()));
    let n = study.units.len();
    let ranges: Vec<(f64, f64)> = m.inputs.iter().map(|(_, r)| *r).collect();
    let mut x = vec![0.0; k];
    let mut rows = Vec::new();
    for t in 0..d.trajectories() {
        for p in 0..len {
            crate::sweep::morris::to_factors(d, &ranges, t, p, &mut x);
            let mut row = vec![t.to_string(), p.to_string()];
            row.push(if p == 0 { String::new() } else { m.factors[d.step(t, p - 1).0].clone() });
            row.extend(x.iter().map(|v| format!("{v:.17e}")));
            let run = t * len + p;
            row.extend(m.slots[run * n..(run + 1) * n].iter().map(|s| s.to_string()));
            rows.push(row);
        }
    }
    Ok(csv_text(&h, &rows)?)
}

fn chart(study: &SweepStudy, m: &MorrisIndices) -> String {
    let mut points = Vec::new();
    for (x, u) in m.units.iter().zip(&study.units) {
        for k in 0..m.factors.len() {
            points.push(MorrisPoint {
                factor: k,
                label: u.code.clone(),
                mu_star: x.mu_star[k],
                sigma: x.sigma[k],
            });
        }
    }
    let legend: Vec<(String, f64)> = m.screening.iter().map(|s| (s.factor.clone(), s.mu_star_sum)).collect();
    let (r, p) = match study.design {
        DesignDetails::Morris { trajectories, levels, .. } => (trajectories, levels),
        _ => (0, 0),
    };
    morris_plane(
        "Morris 筛选 · elementary effects of each unit's slots",
        &format!(
            "scenario {} — {} — {r} trajectories, {p} levels, {} runs; raw weights on their ranges",
            study.scenario, study.method, m.evaluations
        ),
        &legend,
        &points,
    )
}
