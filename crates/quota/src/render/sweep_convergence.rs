//! A Sobol convergence study's outputs (`--convergence`, `--stop-at`): the report section (one
//! row per N: the widest and median half-widths of S1, ST and S2, where the widest ST interval
//! is, whether the stopping rule holds), `convergence.csv` (every index at every N, long) and
//! `convergence.svg` (half-widths against N on log-log axes with a 1/√N line).

use crate::sweep::convergence::{Convergence, Spread};
use crate::sweep::svg_convergence::{convergence_chart, Series};
use crate::sweep::{SobolIndices, SweepStudy};

use super::layout::{csv_text, table, Align};
use super::RenderError;

fn width(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_else(|| "—".into())
}

/// The stopping rule's verdict, or the rate, as one sentence.
pub(super) fn verdict(c: &Convergence) -> String {
    let last = c.steps.last();
    let widest = |s: &Spread| match (&s.widest, s.max) {
        (Some((code, f)), Some(m)) => format!("±{m:.4} ({code}, {f})"),
        _ => "none".into(),
    };
    let mut out = match (c.stop_at, c.met_at, last) {
        (Some(w), Some(n), _) => {
            format!("stopping rule (ST of every unit within ±{w} at 95%): met at N = {n}")
        }
        (Some(w), None, Some(l)) => format!(
            "stopping rule (ST of every unit within ±{w} at 95%): not met by N = {} (--samples); widest ST interval {}",
            l.samples,
            widest(&l.st_conf)
        ),
        _ => String::new(),
    };
    if let Some(s) = c.slope {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&format!(
            "median ST half-width ∝ N^{} (1/√N: N^−0.50)",
            format!("{s:.2}").replace('-', "−")
        ));
    }
    out
}

/// The report section, text or Markdown.
pub(super) fn section(c: &Convergence, md: bool) -> String {
    let second = c.steps.iter().any(|s| s.s2_conf.is_some());
    let mut h: Vec<String> =
        ["N", "runs", "S1 max ±", "S1 median ±", "ST max ±", "ST median ±"].map(String::from).to_vec();
    if second {
        h.extend(["S2 max ±", "S2 median ±"].map(String::from));
    }
    h.push("widest ST interval".into());
    if c.stop_at.is_some() {
        h.push("rule".into());
    }
    let mut align = vec![Align::Right; h.len()];
    align[h.len() - 1 - usize::from(c.stop_at.is_some())] = Align::Left;
    let rows: Vec<Vec<String>> = c
        .steps
        .iter()
        .map(|s| {
            let mut r = vec![
                s.samples.to_string(),
                s.evaluations.to_string(),
                width(s.s1_conf.max),
                width(s.s1_conf.median),
                width(s.st_conf.max),
                width(s.st_conf.median),
            ];
            if second {
                let s2 = s.s2_conf.as_ref();
                r.push(width(s2.and_then(|x| x.max)));
                r.push(width(s2.and_then(|x| x.median)));
            }
            r.push(s.st_conf.widest.as_ref().map(|(u, f)| format!("{u} {f}")).unwrap_or_else(|| "—".into()));
            if let Some(m) = s.met {
                r.push(if m { "met" } else { "not met" }.into());
            }
            r
        })
        .collect();
    let mut out = String::from(
        "\nconvergence (95% bootstrap half-widths over every unit and factor, from one nested sample: each N is the first N base samples, as a run at that N):\n\n",
    );
    out.push_str(&table(md, &h, &align, &rows, false));
    let v = verdict(c);
    if !v.is_empty() {
        out.push_str(&format!("\n{v}\n"));
    }
    out
}

/// `convergence.csv` and `convergence.svg`.
pub(super) fn files(
    study: &SweepStudy,
    r: &SobolIndices,
    c: &Convergence,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let h = ["samples", "code", "name", "index", "factor", "factor_k", "value", "conf"]
        .map(String::from)
        .to_vec();
    let o = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    let mut rows = Vec::new();
    for s in &c.steps {
        for (ix, u) in s.units.iter().zip(&study.units) {
            let mut row = |index: &str, f: &str, g: &str, v: Option<f64>, w: Option<f64>| {
                rows.push(vec![
                    s.samples.to_string(),
                    u.code.clone(),
                    u.name.clone(),
                    index.into(),
                    f.into(),
                    g.into(),
                    o(v),
                    o(w),
                ]);
            };
            for (k, f) in r.factors.iter().enumerate() {
                row("S1", f, "", ix.s1[k], ix.s1_conf[k]);
                row("ST", f, "", ix.st[k], ix.st_conf[k]);
            }
            if let (Some(s2), Some(c2)) = (&ix.s2, &ix.s2_conf) {
                for j in 0..r.factors.len() {
                    for k in j + 1..r.factors.len() {
                        row("S2", &r.factors[j], &r.factors[k], s2[j][k], c2[j][k]);
                    }
                }
            }
        }
    }
    Ok(vec![
        ("convergence.csv".into(), csv_text(&h, &rows)?.into_bytes()),
        ("convergence.svg".into(), chart(study, c).into_bytes()),
    ])
}

fn chart(study: &SweepStudy, c: &Convergence) -> String {
    let pts = |f: &dyn Fn(&crate::sweep::convergence::Step) -> Option<f64>| -> Vec<(f64, f64)> {
        c.steps.iter().filter_map(|s| f(s).map(|v| (s.samples as f64, v))).collect()
    };
    let mut series = vec![
        Series { label: "ST, widest".into(), points: pts(&|s| s.st_conf.max), dashed: false, colour: 0 },
        Series { label: "ST, median".into(), points: pts(&|s| s.st_conf.median), dashed: true, colour: 0 },
        Series { label: "S1, widest".into(), points: pts(&|s| s.s1_conf.max), dashed: false, colour: 1 },
        Series { label: "S1, median".into(), points: pts(&|s| s.s1_conf.median), dashed: true, colour: 1 },
    ];
    if c.steps.iter().any(|s| s.s2_conf.is_some()) {
        series.push(Series {
            label: "S2, widest".into(),
            points: pts(&|s| s.s2_conf.as_ref().and_then(|x| x.max)),
            dashed: false,
            colour: 2,
        });
        series.push(Series {
            label: "S2, median".into(),
            points: pts(&|s| s.s2_conf.as_ref().and_then(|x| x.median)),
            dashed: true,
            colour: 2,
        });
    }
    // The 1/√N line goes through the first dashed series' first point: ST's median.
    let mut subtitle = vec![format!(
        "{}scenario {} — {} — N = {}",
        super::subtitle_mark(&study.provenance),
        study.scenario,
        study.method,
        c.steps.iter().map(|s| s.samples.to_string()).collect::<Vec<_>>().join(", ")
    )];
    let v = verdict(c);
    if !v.is_empty() {
        // The verdict's clauses on lines of their own.
        subtitle.extend(v.split("; ").map(String::from));
    }
    convergence_chart(
        "Sobol 收敛 · convergence of the 95% intervals",
        &subtitle,
        &series,
        c.stop_at,
        c.met_at,
    )
}
