//! Sobol sensitivity indices of every unit's slots (and funding) with respect to each weight.
//!
//! ## What the indices mean here
//!
//! Weights live on the simplex, where they cannot vary independently, while Sobol indices need
//! independent inputs. The factors are therefore the **raw (unnormalised) weights**: factor j
//! is `X_j ~ U[A·w⁰_j, B·w⁰_j]` (default A = 0.5, B = 1.5: each weight uncertain by ±50% around
//! the scenario's), independent, and the model uses `w = X / ΣX`. `S1_j` is the share of the
//! variance of a unit's slots explained by the uncertainty in indicator j's weight alone, `ST_j`
//! the share it explains together with its interactions (a weight that is 0 in the scenario has
//! an empty range and is not a factor). A disparity parameter varied with
//! `--vary` is one more factor, uniform on its range. Funding is slots × a constant (600万元 per
//! firm), and Sobol indices do not change when an output is multiplied by a constant, so the
//! funding indices equal the slot indices.
//!
//! ## Estimators
//!
//! Saltelli's scheme with N base samples: matrices A and B (N × d, pseudo-random, sample j
//! drawn from ChaCha8 on stream j), and `AB_i` = A with column i taken from B; N·(d+2) model
//! runs. With outputs centred on the mean of f(A) and f(B) and V their variance (both
//! matrices, divisor 2N):
//!
//! ```text
//! S1_i = mean_j f(B)_j · (f(AB_i)_j − f(A)_j) / V       Saltelli et al. (2010), eq. (b) of table 2
//! ST_i = mean_j (f(A)_j − f(AB_i)_j)² / (2V)            Jansen (1999)
//! ```
//!
//! These are the estimators of SALib's `sobol.analyze` and SciPy's `sobol_indices`
//! (`method='saltelli_2010'`). Confidence intervals: B bootstrap resamples of the N rows
//! (resample b drawn from ChaCha8 on stream b of a seed derived from the run's), half-width
//! `z_{0.975} · sd_b(estimate)` — SALib's convention (`S1_conf`, `ST_conf`).
//!
//! References: A. Saltelli et al., "Variance based sensitivity analysis of model output.
//! Design and estimator for the total sensitivity index", *Comput. Phys. Commun.* 181 (2010)
//! 259–270; M. J. W. Jansen, "Analysis of variance designs for model output", *Comput. Phys.
//! Commun.* 117 (1999) 35–43.

use std::io::Write;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::blocks::{self, Blocks};
use super::eval::{Evaluator, SlotRule};
use super::hooks::Hooks;
use super::montecarlo::scenario_rng;
use super::run::{rows_header, write_rows};
use super::space::{region_index, Space};
use super::summary::Tally;
use super::{Factor, SweepError};

/// z_{0.975}: the 95% two-sided normal quantile used for the bootstrap half-width.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Sobol indices of one output with bootstrap half-widths (None when the output is constant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indices {
    /// Variance of the output over f(A) and f(B).
    pub variance: f64,
    /// First-order indices per factor.
    pub s1: Vec<Option<f64>>,
    /// 95% half-widths of `s1`.
    pub s1_conf: Vec<Option<f64>>,
    /// Total indices per factor.
    pub st: Vec<Option<f64>>,
    /// 95% half-widths of `st`.
    pub st_conf: Vec<Option<f64>>,
}

/// Outputs of a Saltelli design for one quantity: `a[j]`, `b[j]`, `ab[i][j]`.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// f(A).
    pub a: Vec<f64>,
    /// f(B).
    pub b: Vec<f64>,
    /// f(AB_i), one vector per factor.
    pub ab: Vec<Vec<f64>>,
}

/// One output's runs, row-interleaved for the estimators: row j is
/// `f(A)_j, f(B)_j, f(AB_1)_j, …, f(AB_d)_j` (one cache line for d ≤ 6).
struct Packed {
    d: usize,
    data: Vec<f64>,
}

impl Packed {
    fn new(o: &Outputs) -> Packed {
        let (d, n) = (o.ab.len(), o.a.len());
        let mut data = Vec::with_capacity(n * (d + 2));
        for j in 0..n {
            data.push(o.a[j]);
            data.push(o.b[j]);
            data.extend(o.ab.iter().map(|ab| ab[j]));
        }
        Packed { d, data }
    }
}

/// Point estimates (S1, ST per factor), each row counted `counts[j]` times (once when None:
/// a bootstrap resample is a multiset of rows, so it is summed as row multiplicities in one
/// sequential pass); NaN when the output is constant. With m the mean of f(A) and f(B):
/// `Σ (b−m)(x−a) = Σ b(x−a) − m Σ (x−a)`, so centring needs no second pass (slot counts are
/// integers, so every sum here is exact).
fn estimate(p: &Packed, counts: Option<&[u32]>, s1: &mut [f64], st: &mut [f64]) -> f64 {
    let (d, stride) = (p.d, p.d + 2);
    let (mut sa, mut sb, mut sq, mut nf) = (0.0, 0.0, 0.0, 0.0);
    let mut diff = vec![0.0; d];
    s1.fill(0.0);
    st.fill(0.0);
    for (j, row) in p.data.chunks_exact(stride).enumerate() {
        let c = counts.map_or(1.0, |c| c[j] as f64);
        let (a, b) = (row[0], row[1]);
        nf += c;
        sa += c * a;
        sb += c * b;
        sq += c * (a * a + b * b);
        for i in 0..d {
            let x = row[2 + i];
            s1[i] += c * (b * (x - a));
            st[i] += c * ((a - x) * (a - x));
            diff[i] += c * (x - a);
        }
    }
    let mean = (sa + sb) / (2.0 * nf);
    let var = sq / (2.0 * nf) - mean * mean;
    let constant = var <= 1e-12 * (sq / (2.0 * nf));
    for i in 0..d {
        s1[i] = if constant { f64::NAN } else { (s1[i] - mean * diff[i]) / nf / var };
        st[i] = if constant { f64::NAN } else { 0.5 * st[i] / nf / var };
    }
    if constant {
        0.0
    } else {
        var
    }
}

/// The row multiplicities of bootstrap resample `b` (n draws with replacement).
pub(super) fn resample(seed: u64, b: u64, n: usize, counts: &mut Vec<u32>) {
    let mut rng = scenario_rng(&ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_b007_5742_0001), b);
    counts.clear();
    counts.resize(n, 0);
    for _ in 0..n {
        counts[rng.random_range(0..n as u32) as usize] += 1;
    }
}

/// Indices of several outputs at once, with `boot` bootstrap resamples (shared by all
/// outputs) seeded by `seed`. Deterministic: resamples run in parallel, but each resample is
/// sequential and the spread is reduced in resample order.
pub fn analyze(outputs: &[Outputs], boot: u32, seed: u64) -> Vec<Indices> {
    let d = outputs.first().map_or(0, |o| o.ab.len());
    let n = outputs.first().map_or(0, |o| o.a.len());
    let outputs: Vec<Packed> = outputs.par_iter().map(Packed::new).collect();
    let point: Vec<(f64, Vec<f64>, Vec<f64>)> = outputs
        .par_iter()
        .map(|o| {
            let (mut s1, mut st) = (vec![0.0; d], vec![0.0; d]);
            let v = estimate(o, None, &mut s1, &mut st);
            (v, s1, st)
        })
        .collect();
    // boot × outputs × d estimates of each kind.
    let reps: Vec<Vec<(Vec<f64>, Vec<f64>)>> = (0..boot as u64)
        .into_par_iter()
        .map_init(Vec::new, |rows, b| {
            resample(seed, b, n, rows);
            outputs
                .iter()
                .map(|o| {
                    let (mut s1, mut st) = (vec![0.0; d], vec![0.0; d]);
                    estimate(o, Some(rows), &mut s1, &mut st);
                    (s1, st)
                })
                .collect()
        })
        .collect();
    let spread = |u: usize, i: usize, first: bool| -> Option<f64> {
        if boot < 2 {
            return None;
        }
        let vals: Vec<f64> = reps
            .iter()
            .map(|r| if first { r[u].0[i] } else { r[u].1[i] })
            .filter(|x| x.is_finite())
            .collect();
        if vals.len() < 2 {
            return None;
        }
        let m = vals.iter().sum::<f64>() / vals.len() as f64;
        let var = vals.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (vals.len() - 1) as f64;
        Some(Z95 * var.sqrt())
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    point
        .into_iter()
        .enumerate()
        .map(|(u, (variance, s1, st))| {
            let constant = variance <= 0.0;
            Indices {
                variance,
                s1: s1.iter().map(|&x| finite(x)).collect(),
                st: st.iter().map(|&x| finite(x)).collect(),
                s1_conf: (0..d).map(|i| if constant { None } else { spread(u, i, true) }).collect(),
                st_conf: (0..d).map(|i| if constant { None } else { spread(u, i, false) }).collect(),
            }
        })
        .collect()
}

/// Saltelli's design for a function of `d` inputs uniform on [lo_i, hi_i], evaluated by `f`
/// (used to verify the estimators on functions with known indices).
pub fn saltelli_outputs(
    ranges: &[(f64, f64)],
    n: usize,
    seed: u64,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Outputs {
    let d = ranges.len();
    let base = ChaCha8Rng::seed_from_u64(seed);
    let rows: Vec<(f64, f64, Vec<f64>)> = (0..n as u64)
        .into_par_iter()
        .map_init(
            || (vec![0.0; d], vec![0.0; d], vec![0.0; d]),
            |(a, b, x), j| {
                draw_rows(&base, j, ranges, a, b);
                let fa = f(a);
                let fb = f(b);
                let ab = (0..d)
                    .map(|i| {
                        x.copy_from_slice(a);
                        x[i] = b[i];
                        f(x)
                    })
                    .collect();
                (fa, fb, ab)
            },
        )
        .collect();
    Outputs {
        a: rows.iter().map(|r| r.0).collect(),
        b: rows.iter().map(|r| r.1).collect(),
        ab: (0..d).map(|i| rows.iter().map(|r| r.2[i]).collect()).collect(),
    }
}

/// Rows A_j and B_j: 2d uniforms from stream j (A first).
pub(super) fn draw_rows(base: &ChaCha8Rng, j: u64, ranges: &[(f64, f64)], a: &mut [f64], b: &mut [f64]) {
    let mut rng = scenario_rng(base, j);
    for (x, (lo, hi)) in a.iter_mut().zip(ranges) {
        *x = lo + (hi - lo) * rng.random::<f64>();
    }
    for (x, (lo, hi)) in b.iter_mut().zip(ranges) {
        *x = lo + (hi - lo) * rng.random::<f64>();
    }
}

/// Options of the Sobol design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Base samples N.
    pub samples: u64,
    /// Bootstrap resamples (SALib's default is 100).
    pub bootstrap: u32,
    /// Seed.
    pub seed: u64,
    /// Relative range of the raw weights: X_j ~ U[lo·w⁰_j, hi·w⁰_j].
    pub relative: (f64, f64),
}

/// The result of a Sobol sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SobolResult {
    /// Factor names.
    pub factors: Vec<String>,
    /// Factor ranges.
    pub ranges: Vec<(f64, f64)>,
    /// Per unit, in unit order.
    pub units: Vec<Indices>,
    /// Model runs: N·(d+2).
    pub evaluations: u64,
    /// Tally of all runs (for the per-unit summary).
    #[serde(skip)]
    pub tally: Tally,
}

/// Runs the Sobol design on the scenario.
///
/// `hooks.progress` is called as base samples finish; `hooks.rows` receives every run as long
/// CSV (after the evaluation, in run order: run `j·(d + 2) + r` is base sample j's matrix A
/// for r = 0, B for r = 1 and AB_i for r = 2 + i), written from the output matrix the
/// estimators need anyway.
pub fn sobol<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    opt: &SobolOptions,
    mut hooks: Hooks<'_>,
) -> Result<SobolResult, SweepError> {
    let design = Design::new(ev, space, opt)?;
    let slots = design.runs(ev, space, 0..opt.samples, &hooks)?;
    design.finish(ev, space, slots, &mut hooks)
}

/// The Sobol design of a scenario, checked: its factors and their ranges. A sweep evaluates
/// its base samples ([`Design::runs`], all at once or a shard's range at a time) and then
/// estimates the indices from every run ([`Design::finish`]).
#[derive(Debug, Clone)]
pub struct Design {
    opt: SobolOptions,
    factors: Vec<Factor>,
    ranges: Vec<(f64, f64)>,
}

impl Design {
    /// Checks the options (samples, range, memory) and lists the factors: the weights with a
    /// positive baseline, then the disparity factors.
    pub fn new<R: SlotRule + ?Sized>(
        ev: &Evaluator<R>,
        space: &Space,
        opt: &SobolOptions,
    ) -> Result<Design, SweepError> {
        if opt.samples < MIN_SAMPLES {
            return Err(SweepError::BadParameter {
                what: "the number of base samples (--samples)".into(),
                expected: "at least 64 (fewer give indices outside [0, 1] with no meaningful interval)",
                value: opt.samples as f64,
            });
        }
        let (factors, ranges) = raw_weight_factors(space, opt.relative)?;
        check_memory(opt.samples, factors.len(), ev.units(), opt.bootstrap)?;
        Ok(Design { opt: *opt, factors, ranges })
    }

    /// Values per base sample in the output matrix: (d + 2) runs × units.
    pub fn stride(&self, units: usize) -> usize {
        (self.factors.len() + 2) * units
    }

    /// Evaluates base samples `samples` (within 0..N): the slots of every run, `[(j·(d+2) + r)·units
    /// + u]` with j counted from `samples.start`; every run must be feasible.
    pub fn runs<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        samples: std::ops::Range<u64>,
        hooks: &Hooks<'_>,
    ) -> Result<Vec<u32>, SweepError> {
        let d = self.factors.len();
        let first = samples.start;
        let base = ChaCha8Rng::seed_from_u64(self.opt.seed);
        let layout = Blocks {
            factors: &self.factors,
            blocks: (samples.end - samples.start) as usize,
            rows: d + 2,
            report_every: 256,
        };
        let (slots, infeasible) = blocks::evaluate(
            ev,
            space,
            &layout,
            hooks,
            || (vec![0.0; d], vec![0.0; d]),
            |j, (a, b)| draw_rows(&base, first + j as u64, &self.ranges, a, b),
            |(a, b), r, x| design_row(a, b, r, x),
        )?;
        SweepError::all_feasible(
            infeasible,
            "Sobol",
            "narrower (every run must be feasible for the estimators)",
        )?;
        Ok(slots)
    }

    /// The indices from the slots of every run of the N base samples, in order (what
    /// [`Design::runs`] returns for 0..N); writes the runs to `hooks.rows` first.
    pub fn finish<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        slots: Vec<u32>,
        hooks: &mut Hooks<'_>,
    ) -> Result<SobolResult, SweepError> {
        let (d, units) = (self.factors.len(), ev.units());
        let n = self.opt.samples as usize;
        let (factors, ranges) = (&self.factors, &self.ranges);
        if let Some(w) = hooks.rows.as_mut() {
            let base = ChaCha8Rng::seed_from_u64(self.opt.seed);
            write_runs(ev, space, factors, ranges, &base, &slots, d + 2, &design_row, &mut **w)?;
        }
        let (lower, upper) = ev.bounds();
        let tally = Tally::of_runs(lower, upper, &slots, units);
        let outputs: Vec<Outputs> = (0..units)
            .into_par_iter()
            .map(|u| {
                let get = |j: usize, r: usize| slots[(j * (d + 2) + r) * units + u] as f64;
                Outputs {
                    a: (0..n).map(|j| get(j, 0)).collect(),
                    b: (0..n).map(|j| get(j, 1)).collect(),
                    ab: (0..d).map(|i| (0..n).map(|j| get(j, 2 + i)).collect()).collect(),
                }
            })
            .collect();
        let indices = analyze(&outputs, self.opt.bootstrap, self.opt.seed);
        Ok(SobolResult {
            factors: factors.iter().map(|&f| space.name(f)).collect(),
            ranges: ranges.clone(),
            units: indices,
            evaluations: (n * (d + 2)) as u64,
            tally,
        })
    }
}

/// Factors and their ranges.
pub(super) type FactorRanges = (Vec<Factor>, Vec<(f64, f64)>);

/// The factors of the Sobol and Morris designs on a scenario: every weight with a positive
/// baseline as a raw weight uniform on [lo·w⁰_j, hi·w⁰_j] (`relative` = (lo, hi)), then the
/// varied disparity parameters on their ranges.
pub(super) fn raw_weight_factors(space: &Space, relative: (f64, f64)) -> Result<FactorRanges, SweepError> {
    let (rl, rh) = relative;
    if !(rl.is_finite() && rh.is_finite()) || rl >= rh {
        return Err(SweepError::EmptyRange {
            what: "--range (relative weight range)".into(),
            lo: rl,
            hi: rh,
        });
    }
    if rl < 0.0 {
        return Err(SweepError::RangeOutside {
            what: "--range (relative weight range)".into(),
            lo: rl,
            hi: rh,
            allowed: "[0, ∞) (multiples of each weight)",
        });
    }
    let mut factors: Vec<Factor> =
        (0..space.weights()).filter(|&j| space.base.weights[j] > 0.0).map(Factor::Weight).collect();
    let mut ranges: Vec<(f64, f64)> = factors
        .iter()
        .map(|f| match f {
            Factor::Weight(j) => (rl * space.base.weights[*j], rh * space.base.weights[*j]),
            _ => unreachable!("weights only"),
        })
        .collect();
    for b in &space.extra {
        factors.push(b.factor);
        ranges.push((b.lo, b.hi));
    }
    Ok((factors, ranges))
}

/// Fewest base samples accepted: below this the estimators are noise (one sample gave S1 = 1.6
/// with a zero-width interval).
pub const MIN_SAMPLES: u64 = 64;

/// Bytes the design holds at its peak for `n` base samples, `d` factors, `units` outputs and
/// `boot` resamples: the slot matrix (4 bytes per run and unit), the per-unit output vectors
/// and their row-interleaved copies (8 + 8 bytes), and the bootstrap estimates (2·d values per
/// unit and resample). In u128, so that no request can overflow the estimate itself.
pub fn memory_estimate(n: u64, d: usize, units: usize, boot: u32) -> u128 {
    let runs = (n as u128).saturating_mul(d as u128 + 2).saturating_mul(units as u128);
    let boot = (boot as u128 * 16).saturating_mul(units as u128).saturating_mul(d as u128);
    runs.saturating_mul(20).saturating_add(boot).saturating_add(n as u128 * 4)
}

/// Refuses a design above [`super::MEMORY_BUDGET_BYTES`], before anything is allocated.
pub fn check_memory(n: u64, d: usize, units: usize, boot: u32) -> Result<(), SweepError> {
    let needed = memory_estimate(n, d, units, boot);
    if needed > super::MEMORY_BUDGET_BYTES as u128 {
        return Err(SweepError::TooMuchMemory {
            design: format!(
                "sobol with {n} base samples, {d} factors, {units} units and {boot} bootstrap resamples"
            ),
            needed_mib: u64::try_from(needed >> 20).unwrap_or(u64::MAX),
            budget_mib: super::MEMORY_BUDGET_BYTES >> 20,
            advice: "use fewer --samples or --bootstrap resamples",
        });
    }
    Ok(())
}

/// Row r of base sample j's design: A (r = 0), B (r = 1), or A with column i from B (AB_i,
/// r = 2 + i).
fn design_row(a: &[f64], b: &[f64], r: usize, x: &mut [f64]) {
    match r {
        0 => x.copy_from_slice(a),
        1 => x.copy_from_slice(b),
        _ => {
            x.copy_from_slice(a);
            x[r - 2] = b[r - 2];
        }
    }
}

/// Row r of a base sample's design from its A and B rows: `row(a, b, r, x)` writes it into x.
pub(super) type DesignRow<'a> = dyn Fn(&[f64], &[f64], usize, &mut [f64]) + 'a;

/// Writes every run as long CSV, in run order, from the output matrix (the parameters are
/// drawn again from the same per-sample generators): `rows_per` runs per base sample, row r's
/// factor values from `row(a, b, r, x)`.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_runs<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    factors: &[Factor],
    ranges: &[(f64, f64)],
    base: &ChaCha8Rng,
    slots: &[u32],
    rows_per: usize,
    row: &DesignRow<'_>,
    w: &mut dyn Write,
) -> Result<(), SweepError> {
    let (d, units) = (factors.len(), ev.units());
    w.write_all(rows_header(space).as_bytes())?;
    let mut params = space.base.clone();
    let (mut a, mut b, mut x) = (vec![0.0; d], vec![0.0; d], vec![0.0; d]);
    let mut run = vec![0u64; units];
    let mut buf = Vec::new();
    for (j, sample) in slots.chunks(rows_per * units).enumerate() {
        draw_rows(base, j as u64, ranges, &mut a, &mut b);
        buf.clear();
        for (r, out) in sample.chunks(units).enumerate() {
            row(&a, &b, r, &mut x);
            apply(space, factors, &x, &mut params);
            for (o, &s) in run.iter_mut().zip(out) {
                *o = s as u64;
            }
            write_rows(&mut buf, (j * rows_per + r) as u64, space, ev, &params, Some(&run));
        }
        w.write_all(&buf)?;
    }
    Ok(())
}

/// Sets the parameters from one row of factor values (raw weights are normalised).
pub(super) fn apply(space: &Space, factors: &[Factor], x: &[f64], p: &mut super::Params) {
    p.weights.fill(0.0);
    let mut sum = 0.0;
    for (f, &v) in factors.iter().zip(x) {
        if let Factor::Weight(j) = f {
            p.weights[*j] = v;
            sum += v;
        }
    }
    for w in p.weights.iter_mut() {
        *w /= sum;
    }
    for (f, &v) in factors.iter().zip(x) {
        match f {
            Factor::DevelopmentWeight => p.delta = v,
            Factor::RegionMultiplier(r) => p.multipliers[region_index(*r)] = v,
            Factor::Weight(_) => {}
        }
    }
    let _ = space;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic indices of Ishigami (a = 7, b = 0.1): Ishigami & Homma (1990); e.g. Saltelli
    /// et al., *Global Sensitivity Analysis: The Primer* (2008), §4.
    const S1: [f64; 3] = [0.3139, 0.4424, 0.0];
    const ST: [f64; 3] = [0.5576, 0.4424, 0.2437];
    /// SciPy's published example (`scipy.stats.sobol_indices` docs, Ishigami, n = 1024).
    const SCIPY_S1: [f64; 3] = [0.31637954, 0.43781162, 0.00318825];
    const SCIPY_ST: [f64; 3] = [0.56122127, 0.44287857, 0.24229595];

    #[test]
    fn ishigami_indices_match_the_analytic_values_within_the_confidence_interval() {
        let o = saltelli_outputs(&[(-PI, PI); 3], 1 << 14, 42, ishigami);
        let r = &analyze(&[o], 200, 42)[0];
        for i in 0..3 {
            let (s1, c1) = (r.s1[i].unwrap(), r.s1_conf[i].unwrap());
            let (st, ct) = (r.st[i].unwrap(), r.st_conf[i].unwrap());
            assert!((s1 - S1[i]).abs() <= c1, "S1[{i}] = {s1} ± {c1}, analytic {}", S1[i]);
            assert!((st - ST[i]).abs() <= ct, "ST[{i}] = {st} ± {ct}, analytic {}", ST[i]);
            // SciPy's values carry their own sampling error (n = 1024, about ±0.03), so they are
            // compared within our half-width plus theirs (ours scaled to n = 1024: ×4).
            assert!((s1 - SCIPY_S1[i]).abs() <= c1 * 5.0, "S1[{i}] vs SciPy {}", SCIPY_S1[i]);
            assert!((st - SCIPY_ST[i]).abs() <= ct * 5.0, "ST[{i}] vs SciPy {}", SCIPY_ST[i]);
        }
    }

    #[test]
    fn a_linear_model_has_indices_proportional_to_squared_coefficients() {
        // y = 1·x1 + 2·x2 + 3·x3 on U[0,1]³: S1_i = ST_i = c_i² / Σc² = 1/14, 4/14, 9/14.
        let o = saltelli_outputs(&[(0.0, 1.0); 3], 1 << 14, 3, |x| x[0] + 2.0 * x[1] + 3.0 * x[2]);
        let r = &analyze(&[o], 100, 3)[0];
        for (i, c) in [1.0, 4.0, 9.0].iter().enumerate() {
            let want = c / 14.0;
            assert!((r.s1[i].unwrap() - want).abs() <= r.s1_conf[i].unwrap(), "S1[{i}]");
            assert!((r.st[i].unwrap() - want).abs() <= r.st_conf[i].unwrap(), "ST[{i}]");
        }
    }

    #[test]
    fn memory_is_estimated_before_allocating() {
        // The default design: 4096 samples, 3 weights + δ, 37 units, 100 resamples: a few MB.
        assert!(check_memory(4096, 4, 37, 100).is_ok());
        let e = check_memory(100_000_000, 4, 37, 100).unwrap_err().to_string();
        let want = memory_estimate(100_000_000, 4, 37, 100) >> 20;
        assert!(want > 400_000, "{want}");
        assert!(e.starts_with(&format!("sobol with 100000000 base samples, 4 factors, 37 units and 100 bootstrap resamples would hold about {want} MiB")), "{e}");
        assert!(e.contains("more than the 2048 MiB"), "{e}");
        assert!(check_memory(u64::MAX, usize::MAX, usize::MAX, u32::MAX).is_err());
    }

    #[test]
    fn a_constant_output_has_no_indices() {
        let o = saltelli_outputs(&[(0.0, 1.0); 2], 64, 1, |_| 5.0);
        let r = &analyze(&[o], 10, 1)[0];
        assert_eq!(r.s1, vec![None, None]);
        assert_eq!(r.st_conf, vec![None, None]);
    }
}
