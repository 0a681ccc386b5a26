//! Convergence of the Sobol indices (`--convergence`) and the stopping rule (`--stop-at`).
//!
//! **One nested sample.** Base sample j of the Saltelli design is drawn from stream j of the
//! run's ChaCha8 generator (pseudo-random, not a low-discrepancy Sobol' sequence), and the
//! bootstrap resample b of N rows from stream b of the bootstrap seed; neither depends on the
//! N asked for. So the first n base samples of a run at N are, run for run, the design of a
//! standalone run at N = n, and the indices and intervals computed on that prefix are the
//! standalone run's, bit for bit (tested). A convergence study evaluates the base samples once,
//! in the order 0..256, 256..512, …, and estimates at every N = 2^8, 2^9, … below `samples`,
//! then at `samples`.
//!
//! **Stopping rule.** With `stop_at = w`, N doubles from 256 until every unit's ST half-width
//! (95%, bootstrap) is at most w for every factor — the units whose slots never vary have no
//! index and no interval and are not counted — or `samples` is reached; the study reports the
//! indices at the N that met the rule (or at `samples`, saying none did).
//!
//! **Rate.** The estimators are means over N rows, so their bootstrap half-widths shrink as
//! 1/√N; `slope` is the least-squares slope of log(median ST half-width) on log N (≈ −0.5),
//! tested on the Ishigami function.

use rayon::prelude::*;
use serde::Serialize;

use super::eval::{Evaluator, SlotRule};
use super::hooks::Hooks;
use super::sobol::SobolOptions;
use super::sobol2::{analyze2, Design, Indices2, Outputs2, Sobol2Result};
use super::space::Space;
use super::study::UnitIndices;
use super::SweepError;

/// The first N of a convergence study (2^8).
pub const FIRST_SAMPLES: u64 = 256;

/// The sample sizes of a convergence study up to `samples`: 256, 512, … (the powers of two
/// below `samples`), then `samples`; refused when `samples` < 256.
pub fn schedule(samples: u64) -> Result<Vec<u64>, SweepError> {
    if samples < FIRST_SAMPLES {
        return Err(SweepError::BadParameter {
            what: "the number of base samples (--samples) with --convergence or --stop-at".into(),
            expected: "at least 256 (the first step, N = 2^8)",
            value: samples as f64,
        });
    }
    let mut out = Vec::new();
    let mut n = FIRST_SAMPLES;
    while n < samples {
        out.push(n);
        n *= 2;
    }
    out.push(samples);
    Ok(out)
}

/// How the indices moved as N grew (the study's `convergence` object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convergence {
    /// The stopping rule: the largest ST half-width accepted (`--stop-at`), when asked.
    pub stop_at: Option<f64>,
    /// The first N at which the rule held; None without a rule or when no N up to `samples` met it.
    pub met_at: Option<u64>,
    /// Least-squares slope of log(median ST half-width) on log N over the steps (−0.5 for
    /// 1/√N); None with fewer than two steps with intervals.
    pub slope: Option<f64>,
    /// One entry per N, in order.
    pub steps: Vec<Step>,
}

/// The indices at one N.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Base samples N.
    pub samples: u64,
    /// Model runs at this N.
    pub evaluations: u64,
    /// The widest and the median half-widths over every unit and factor (pair for S2).
    #[serde(rename = "S1_conf")]
    pub s1_conf: Spread,
    /// Of ST.
    #[serde(rename = "ST_conf")]
    pub st_conf: Spread,
    /// Of S2, with second order.
    #[serde(rename = "S2_conf", skip_serializing_if = "Option::is_none")]
    pub s2_conf: Option<Spread>,
    /// Whether the stopping rule holds at this N (None without a rule).
    pub met: Option<bool>,
    /// Every unit's indices at this N (the shape of the study's `sobol.units`).
    pub units: Vec<UnitIndices>,
}

/// The spread of a kind of half-width over units and factors at one N.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    /// The largest half-width (None: no interval at all).
    pub max: Option<f64>,
    /// Its unit (code) and factor (for S2 `j×k`).
    pub widest: Option<(String, String)>,
    /// The median half-width.
    pub median: Option<f64>,
}

impl Spread {
    fn of(items: Vec<(f64, String, String)>) -> Spread {
        let mut widest: Option<&(f64, String, String)> = None;
        for it in &items {
            if widest.is_none_or(|w| it.0 > w.0) {
                widest = Some(it);
            }
        }
        let mut v: Vec<f64> = items.iter().map(|x| x.0).collect();
        v.sort_by(f64::total_cmp);
        let median = match v.len() {
            0 => None,
            n if n % 2 == 1 => Some(v[n / 2]),
            n => Some(0.5 * (v[n / 2 - 1] + v[n / 2])),
        };
        Spread { max: widest.map(|w| w.0), widest: widest.map(|w| (w.1.clone(), w.2.clone())), median }
    }
}

/// Whether every defined ST of every output has a half-width of at most `width`.
pub fn rule_holds(indices: &[Indices2], width: f64) -> bool {
    indices.iter().all(|ix| {
        ix.plain.st.iter().zip(&ix.plain.st_conf).all(|(st, c)| match (st, c) {
            (None, _) => true,
            (Some(_), Some(c)) => *c <= width,
            (Some(_), None) => false,
        })
    })
}

/// The first n rows of an output's runs.
pub fn prefix(o: &Outputs2, n: usize) -> Outputs2 {
    let cut = |v: &Vec<f64>| v[..n.min(v.len())].to_vec();
    Outputs2 {
        plain: super::sobol::Outputs {
            a: cut(&o.plain.a),
            b: cut(&o.plain.b),
            ab: o.plain.ab.iter().map(cut).collect(),
        },
        ba: o.ba.iter().map(cut).collect(),
    }
}

/// The indices of `outputs` on each prefix `steps` (row counts), with `boot` resamples seeded
/// by `seed` — what standalone runs at those N give.
pub fn at_steps(outputs: &[Outputs2], steps: &[usize], boot: u32, seed: u64) -> Vec<Vec<Indices2>> {
    steps
        .iter()
        .map(|&n| {
            let cut: Vec<Outputs2> = outputs.par_iter().map(|o| prefix(o, n)).collect();
            analyze2(&cut, boot, seed)
        })
        .collect()
}

/// Least-squares slope of log y on log x over the points with y > 0.
pub fn log_log_slope(points: &[(f64, f64)]) -> Option<f64> {
    let p: Vec<(f64, f64)> =
        points.iter().filter(|(x, y)| *x > 0.0 && *y > 0.0).map(|(x, y)| (x.ln(), y.ln())).collect();
    if p.len() < 2 {
        return None;
    }
    let n = p.len() as f64;
    let (mx, my) = (p.iter().map(|q| q.0).sum::<f64>() / n, p.iter().map(|q| q.1).sum::<f64>() / n);
    let sxx: f64 = p.iter().map(|q| (q.0 - mx).powi(2)).sum();
    let sxy: f64 = p.iter().map(|q| (q.0 - mx) * (q.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// One step's record from its indices (`codes`: the outputs' names, `factors`: the design's).
pub fn step(
    samples: u64,
    evaluations: u64,
    indices: &[Indices2],
    codes: &[String],
    factors: &[String],
    stop_at: Option<f64>,
) -> Step {
    let (mut s1, mut st, mut s2) = (Vec::new(), Vec::new(), Vec::new());
    let mut second = false;
    for (ix, code) in indices.iter().zip(codes) {
        for (k, f) in factors.iter().enumerate() {
            if let (Some(_), Some(c)) = (ix.plain.s1[k], ix.plain.s1_conf[k]) {
                s1.push((c, code.clone(), f.clone()));
            }
            if let (Some(_), Some(c)) = (ix.plain.st[k], ix.plain.st_conf[k]) {
                st.push((c, code.clone(), f.clone()));
            }
        }
        if !ix.s2.is_empty() {
            second = true;
            for j in 0..factors.len() {
                for k in j + 1..factors.len() {
                    if let (Some(_), Some(c)) = (ix.s2[j][k], ix.s2_conf[j][k]) {
                        s2.push((c, code.clone(), format!("{}×{}", factors[j], factors[k])));
                    }
                }
            }
        }
    }
    Step {
        samples,
        evaluations,
        s1_conf: Spread::of(s1),
        st_conf: Spread::of(st),
        s2_conf: second.then(|| Spread::of(s2)),
        met: stop_at.map(|w| rule_holds(indices, w)),
        units: indices.iter().zip(codes).map(|(ix, code)| super::sobol2::unit_indices(code, ix)).collect(),
    }
}

/// The study's convergence record from its steps.
pub fn summarise(steps: Vec<Step>, stop_at: Option<f64>) -> Convergence {
    let points: Vec<(f64, f64)> =
        steps.iter().filter_map(|s| s.st_conf.median.map(|m| (s.samples as f64, m))).collect();
    Convergence {
        stop_at,
        met_at: steps.iter().find(|s| s.met == Some(true)).map(|s| s.samples),
        slope: log_log_slope(&points),
        steps,
    }
}

/// Runs a convergence study of the extended Sobol design on a scenario: base samples are
/// evaluated step by step (each once), the indices estimated at every N of
/// [`schedule`]`(opt.samples)`, stopping early once `stop_at` holds. Returns the result at the
/// last N run (its runs go to `hooks.rows`) and the convergence record.
pub fn run<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    design: &Design,
    opt: &SobolOptions,
    codes: &[String],
    stop_at: Option<f64>,
    mut hooks: Hooks<'_>,
) -> Result<(Sobol2Result, Convergence), SweepError> {
    if let Some(w) = stop_at {
        if !(w.is_finite() && w > 0.0) {
            return Err(SweepError::BadParameter {
                what: "the stopping rule's half-width (--stop-at)".into(),
                expected: "a positive number, e.g. 0.02",
                value: w,
            });
        }
        if opt.bootstrap < 2 {
            return Err(SweepError::BadParameter {
                what: "bootstrap resamples (--bootstrap) with --stop-at".into(),
                expected: "at least 2 (the rule compares bootstrap intervals)",
                value: opt.bootstrap as f64,
            });
        }
    }
    let ns = schedule(opt.samples)?;
    let mut slots: Vec<u32> = Vec::new();
    let mut steps = Vec::new();
    let mut last: Option<Sobol2Result> = None;
    let mut from = 0u64;
    for n in ns {
        let outer = hooks.progress;
        let offset = |done: u64, _: u64| {
            if let Some(p) = outer {
                p(from + done, opt.samples);
            }
        };
        let step_hooks = Hooks { progress: Some(&offset), cancel: hooks.cancel, rows: None };
        slots.extend(design.runs(ev, space, from..n, &step_hooks)?);
        from = n;
        let r = design.finish(ev, slots.clone());
        let rec = step(n, r.evaluations, &r.units, codes, &design.factor_names(), stop_at);
        let met = rec.met == Some(true);
        steps.push(rec);
        last = Some(r);
        if met {
            break;
        }
    }
    design.write_runs(ev, space, &slots, &mut hooks)?;
    let result = last.unwrap_or_else(|| design.finish(ev, slots));
    Ok((result, summarise(steps, stop_at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::sobol2::{saltelli_outputs2, Partition};
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn the_schedule_doubles_from_256_and_ends_at_samples() {
        assert_eq!(schedule(256).unwrap(), vec![256]);
        assert_eq!(schedule(2048).unwrap(), vec![256, 512, 1024, 2048]);
        assert_eq!(schedule(3000).unwrap(), vec![256, 512, 1024, 2048, 3000]);
        assert!(schedule(255).unwrap_err().to_string().contains("at least 256"));
    }

    #[test]
    fn a_prefix_gives_the_standalone_run_bit_for_bit() {
        let names: Vec<String> = (1..=3).map(|i| format!("x{i}")).collect();
        let p = Partition::singletons(&names);
        let big = saltelli_outputs2(&[(-PI, PI); 3], &p, true, 1024, 11, ishigami);
        let steps = at_steps(std::slice::from_ref(&big), &[256, 1024], 30, 11);
        let small = saltelli_outputs2(&[(-PI, PI); 3], &p, true, 256, 11, ishigami);
        assert_eq!(steps[0], analyze2(&[small], 30, 11));
        assert_eq!(steps[1], analyze2(&[big], 30, 11));
    }

    #[test]
    fn ishigami_half_widths_shrink_as_one_over_root_n() {
        let names: Vec<String> = (1..=3).map(|i| format!("x{i}")).collect();
        let p = Partition::singletons(&names);
        let o = saltelli_outputs2(&[(-PI, PI); 3], &p, true, 1 << 14, 42, ishigami);
        let ns: Vec<usize> = (8..=14).map(|k| 1usize << k).collect();
        let all = at_steps(&[o], &ns, 200, 42);
        let codes = vec!["ishigami".to_string()];
        let steps: Vec<Step> =
            ns.iter().zip(&all).map(|(&n, ix)| step(n as u64, 0, ix, &codes, &names, None)).collect();
        // Every factor's ST and S1 half-width, and the median, fitted separately.
        let slope_of = |f: &dyn Fn(&Step) -> Option<f64>| {
            let pts: Vec<(f64, f64)> = steps.iter().map(|s| (s.samples as f64, f(s).unwrap())).collect();
            log_log_slope(&pts).unwrap()
        };
        for i in 0..3 {
            let st = slope_of(&|s: &Step| s.units[0].st_conf[i]);
            let s1 = slope_of(&|s: &Step| s.units[0].s1_conf[i]);
            assert!((st + 0.5).abs() < 0.1, "ST_conf[{i}] slope {st}");
            assert!((s1 + 0.5).abs() < 0.1, "S1_conf[{i}] slope {s1}");
        }
        let s2 = slope_of(&|s: &Step| s.s2_conf.as_ref().and_then(|x| x.max));
        assert!((s2 + 0.5).abs() < 0.1, "max S2_conf slope {s2}");
        let c = summarise(steps, None);
        assert!((c.slope.unwrap() + 0.5).abs() < 0.1, "median ST_conf slope {:?}", c.slope);
        // From 2^8 to 2^14 (64×) the width falls about 8× (1/√64).
        let ratio = c.steps[0].st_conf.median.unwrap() / c.steps[6].st_conf.median.unwrap();
        assert!((5.5..11.0).contains(&ratio), "ratio {ratio}");
    }

    #[test]
    fn the_rule_counts_every_defined_index_and_skips_constant_outputs() {
        let names: Vec<String> = (1..=3).map(|i| format!("x{i}")).collect();
        let p = Partition::singletons(&names);
        let o = saltelli_outputs2(&[(-PI, PI); 3], &p, false, 1024, 3, ishigami);
        let flat = saltelli_outputs2(&[(-PI, PI); 3], &p, false, 1024, 3, |_| 1.0);
        let ix = analyze2(&[o, flat], 50, 3);
        let widest = ix[0].plain.st_conf.iter().map(|c| c.unwrap()).fold(0.0, f64::max);
        assert!(rule_holds(&ix, widest));
        assert!(!rule_holds(&ix, widest * 0.999));
        let s = step(1024, 5 * 1024, &ix, &["a".into(), "flat".into()], &names, Some(widest));
        assert_eq!(s.met, Some(true));
        assert_eq!(s.st_conf.max, Some(widest));
        assert_eq!(s.st_conf.widest.as_ref().unwrap().0, "a");
        assert!(s.s2_conf.is_none());
    }
}
