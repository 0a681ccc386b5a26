//! Second-order and grouped Sobol indices: the Saltelli design of [`sobol`](super::sobol)
//! extended.
//!
//! **Groups.** A group is a set of factors moved together (e.g. the four region multipliers as
//! one factor "区域差异"): its matrix `AB_g` is A with *every* column of the group taken from
//! B, and its S1 and ST are the first-order and total indices of the group as a whole (Jacques,
//! Lavergne & Devictor 2006; SALib's `groups`). Factors in no group stay factors of their own,
//! so a design whose groups each hold one factor is the plain design, run for run (tested:
//! equal indices).
//!
//! **Second order** (Saltelli 2002): the matrices `BA_g` (B with group g's columns from A) are
//! added, N·(2D+2) runs for D (design) factors, and
//!
//! ```text
//! V_jk = mean((f(BA_j) − m)(f(AB_k) − m) − (f(A) − m)(f(B) − m)) / V
//! S2_jk = V_jk − S1_j − S1_k
//! ```
//!
//! with m the mean of f(A) and f(B) and V their variance — SALib's `second_order` estimator
//! (Saltelli 2002, eq. (14)), centred as the first-order estimator is here. Intervals: the same
//! bootstrap resamples as S1 and ST (1.96 × their standard deviation). Checked on the Ishigami
//! function, whose only interaction is S13 = 0.2437 (S12 = S23 = 0).
//!
//! References: A. Saltelli, "Making best use of model evaluations to compute sensitivity
//! indices", *Comput. Phys. Commun.* 145 (2002) 280–297; J. Jacques, C. Lavergne, N. Devictor,
//! "Sensitivity analysis in presence of model uncertainty and correlated inputs", *Reliab. Eng.
//! Syst. Saf.* 91 (2006) 1126–1134.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::blocks::{self, Blocks};
use super::eval::{Evaluator, SlotRule};
use super::hooks::Hooks;
use super::sobol::{
    self, analyze, draw_rows, raw_weight_factors, resample, Indices, Outputs, SobolOptions, Z95,
};
use super::space::Space;
use super::summary::Tally;
use super::SweepError;

/// The design factors: each a set of base factors (indices), with its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    /// (name, members) per design factor, in order.
    pub parts: Vec<(String, Vec<usize>)>,
}

impl Partition {
    /// Every base factor on its own.
    pub fn singletons(names: &[String]) -> Partition {
        Partition { parts: names.iter().enumerate().map(|(i, n)| (n.clone(), vec![i])).collect() }
    }

    /// Base factors `names` with `groups` (name, member names): each group becomes one design
    /// factor at the place of its first member; the others stay on their own. Fails on an
    /// unknown member, a factor in two groups, an empty group or a repeated name.
    pub fn grouped(names: &[String], groups: &[(String, Vec<usize>)]) -> Result<Partition, SweepError> {
        let mut owner: Vec<Option<usize>> = vec![None; names.len()];
        for (g, (name, members)) in groups.iter().enumerate() {
            if members.is_empty() {
                return Err(SweepError::BadGroup {
                    group: name.clone(),
                    problem: "no factor in the group".into(),
                });
            }
            if names.contains(name) || groups[..g].iter().any(|(n, _)| n == name) {
                return Err(SweepError::BadGroup {
                    group: name.clone(),
                    problem: "the name is already a factor's or another group's".into(),
                });
            }
            for &m in members {
                if let Some(other) = owner[m] {
                    return Err(SweepError::BadGroup {
                        group: name.clone(),
                        problem: format!("factor {} is already in group {}", names[m], groups[other].0),
                    });
                }
                owner[m] = Some(g);
            }
        }
        let mut parts = Vec::new();
        let mut placed = vec![false; groups.len()];
        for (i, n) in names.iter().enumerate() {
            match owner[i] {
                None => parts.push((n.clone(), vec![i])),
                Some(g) if !placed[g] => {
                    placed[g] = true;
                    parts.push(groups[g].clone());
                }
                Some(_) => {}
            }
        }
        Ok(Partition { parts })
    }

    /// Design factors D.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there is no design factor.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

/// Row r of a base sample: A (0), B (1), AB_g (2 + g), BA_g (2 + D + g).
pub fn design_row(p: &Partition, a: &[f64], b: &[f64], r: usize, x: &mut [f64]) {
    let d = p.len();
    match r {
        0 => x.copy_from_slice(a),
        1 => x.copy_from_slice(b),
        _ if r < 2 + d => {
            x.copy_from_slice(a);
            for &i in &p.parts[r - 2].1 {
                x[i] = b[i];
            }
        }
        _ => {
            x.copy_from_slice(b);
            for &i in &p.parts[r - 2 - d].1 {
                x[i] = a[i];
            }
        }
    }
}

/// One output's runs with the `BA_g` matrices (empty without second order).
#[derive(Debug, Clone)]
pub struct Outputs2 {
    /// f(A), f(B), f(AB_g).
    pub plain: Outputs,
    /// f(BA_g), one vector per design factor (empty without second order).
    pub ba: Vec<Vec<f64>>,
}

/// Indices of one output: S1 and ST (as [`sobol::analyze`]), and S2 (upper triangle, j < k)
/// with half-widths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indices2 {
    /// First-order and total.
    pub plain: Indices,
    /// S2[j][k] for j < k (None elsewhere, and when the output is constant); empty without
    /// second order.
    pub s2: Vec<Vec<Option<f64>>>,
    /// 95% half-widths of `s2`.
    pub s2_conf: Vec<Vec<Option<f64>>>,
}

/// S2 estimates of one output (row-major D × D, upper triangle), rows counted `counts[j]`
/// times; None when the output is constant.
fn estimate_s2(o: &Outputs2, counts: Option<&[u32]>) -> Option<Vec<f64>> {
    let (d, n) = (o.ba.len(), o.plain.a.len());
    let (mut nf, mut sa, mut sb, mut sq) = (0.0, 0.0, 0.0, 0.0);
    for j in 0..n {
        let c = counts.map_or(1.0, |c| c[j] as f64);
        let (a, b) = (o.plain.a[j], o.plain.b[j]);
        nf += c;
        sa += c * a;
        sb += c * b;
        sq += c * (a * a + b * b);
    }
    let m = (sa + sb) / (2.0 * nf);
    let var = sq / (2.0 * nf) - m * m;
    if var <= 1e-12 * (sq / (2.0 * nf)) {
        return None;
    }
    let mut s1 = vec![0.0; d];
    let mut out = vec![0.0; d * d];
    for j in 0..n {
        let c = counts.map_or(1.0, |c| c[j] as f64);
        let (a, b) = (o.plain.a[j] - m, o.plain.b[j] - m);
        for g in 0..d {
            s1[g] += c * b * (o.plain.ab[g][j] - o.plain.a[j]);
            let ba = o.ba[g][j] - m;
            for k in g + 1..d {
                out[g * d + k] += c * (ba * (o.plain.ab[k][j] - m) - a * b);
            }
        }
    }
    for s in &mut s1 {
        *s /= nf * var;
    }
    for g in 0..d {
        for k in g + 1..d {
            out[g * d + k] = out[g * d + k] / nf / var - s1[g] - s1[k];
        }
    }
    Some(out)
}

/// S1, ST and (with `BA` runs) S2 of every output, with `boot` resamples seeded by `seed`
/// (the resamples of [`sobol::analyze`], so S1 and ST are the same as without S2).
pub fn analyze2(outputs: &[Outputs2], boot: u32, seed: u64) -> Vec<Indices2> {
    let plain: Vec<Outputs> = outputs.iter().map(|o| o.plain.clone()).collect();
    let first = analyze(&plain, boot, seed);
    let d = outputs.first().map_or(0, |o| o.ba.len());
    let n = outputs.first().map_or(0, |o| o.plain.a.len());
    if d == 0 {
        return first
            .into_iter()
            .map(|plain| Indices2 { plain, s2: Vec::new(), s2_conf: Vec::new() })
            .collect();
    }
    let point: Vec<Option<Vec<f64>>> = outputs.par_iter().map(|o| estimate_s2(o, None)).collect();
    let reps: Vec<Vec<Option<Vec<f64>>>> = (0..boot as u64)
        .into_par_iter()
        .map_init(Vec::new, |rows, b| {
            resample(seed, b, n, rows);
            outputs.iter().map(|o| estimate_s2(o, Some(rows))).collect()
        })
        .collect();
    first
        .into_iter()
        .enumerate()
        .map(|(u, plain)| {
            let mut s2 = vec![vec![None; d]; d];
            let mut s2_conf = vec![vec![None; d]; d];
            if let Some(p) = &point[u] {
                for j in 0..d {
                    for k in j + 1..d {
                        s2[j][k] = p[j * d + k].is_finite().then_some(p[j * d + k]);
                        let vals: Vec<f64> = reps
                            .iter()
                            .filter_map(|r| r[u].as_ref().map(|v| v[j * d + k]))
                            .filter(|x| x.is_finite())
                            .collect();
                        if vals.len() >= 2 {
                            let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                            let var = vals.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                                / (vals.len() - 1) as f64;
                            s2_conf[j][k] = Some(Z95 * var.sqrt());
                        }
                    }
                }
            }
            Indices2 { plain, s2, s2_conf }
        })
        .collect()
}

/// The extended design for a function of inputs uniform on `ranges` (for tests on functions
/// with known indices): the same A and B as [`sobol::saltelli_outputs`].
pub fn saltelli_outputs2(
    ranges: &[(f64, f64)],
    partition: &Partition,
    second_order: bool,
    n: usize,
    seed: u64,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Outputs2 {
    let (k, d) = (ranges.len(), partition.len());
    let rows_per = if second_order { 2 + 2 * d } else { 2 + d };
    let base = ChaCha8Rng::seed_from_u64(seed);
    let runs: Vec<Vec<f64>> = (0..n as u64)
        .into_par_iter()
        .map_init(
            || (vec![0.0; k], vec![0.0; k], vec![0.0; k]),
            |(a, b, x), j| {
                draw_rows(&base, j, ranges, a, b);
                (0..rows_per)
                    .map(|r| {
                        design_row(partition, a, b, r, x);
                        f(x)
                    })
                    .collect()
            },
        )
        .collect();
    split(&runs, d, second_order)
}

fn split(runs: &[Vec<f64>], d: usize, second_order: bool) -> Outputs2 {
    Outputs2 {
        plain: Outputs {
            a: runs.iter().map(|r| r[0]).collect(),
            b: runs.iter().map(|r| r[1]).collect(),
            ab: (0..d).map(|g| runs.iter().map(|r| r[2 + g]).collect()).collect(),
        },
        ba: if second_order {
            (0..d).map(|g| runs.iter().map(|r| r[2 + d + g]).collect()).collect()
        } else {
            Vec::new()
        },
    }
}

/// The result of an extended Sobol sweep.
#[derive(Debug, Clone)]
pub struct Sobol2Result {
    /// Design factor names (groups by their name).
    pub factors: Vec<String>,
    /// Members of each design factor (base factor names).
    pub members: Vec<Vec<String>>,
    /// Range per design factor (for a group: its members' smallest lo and largest hi).
    pub ranges: Vec<(f64, f64)>,
    /// Per unit, in unit order.
    pub units: Vec<Indices2>,
    /// Model runs: N·(D+2), or N·(2D+2) with second order.
    pub evaluations: u64,
    /// Tally of all runs.
    pub tally: Tally,
}

/// Runs the extended Sobol design on the scenario: `groups` are (name, base factor names), as
/// [`Space::resolve`] accepts them. `hooks.rows` receives every run as long CSV, in run order
/// (run `j·R + r` is base sample j's row r: A, B, AB_g, BA_g — see [`design_row`]).
pub fn sobol2<R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    opt: &SobolOptions,
    groups: &[(String, Vec<String>)],
    second_order: bool,
    mut hooks: Hooks<'_>,
) -> Result<Sobol2Result, SweepError> {
    let design = Design::new(ev, space, opt, groups, second_order)?;
    let slots = design.runs(ev, space, 0..opt.samples, &hooks)?;
    design.write_runs(ev, space, &slots, &mut hooks)?;
    Ok(design.finish(ev, slots))
}

/// The extended design of a scenario, checked: its base factors, their ranges and the
/// partition into design factors. As [`sobol::Design`], a sweep evaluates its base samples
/// ([`Design::runs`], all at once or a shard's range at a time), then estimates the indices
/// from every run ([`Design::finish`]). Base sample j's draws depend on j alone, so any prefix
/// 0..n of the base samples is the design at N = n.
#[derive(Debug, Clone)]
pub struct Design {
    opt: SobolOptions,
    factors: Vec<super::Factor>,
    ranges: Vec<(f64, f64)>,
    names: Vec<String>,
    partition: Partition,
    second_order: bool,
}

impl Design {
    /// Checks the options (samples, groups, memory) and lists the factors.
    pub fn new<R: SlotRule + ?Sized>(
        ev: &Evaluator<R>,
        space: &Space,
        opt: &SobolOptions,
        groups: &[(String, Vec<String>)],
        second_order: bool,
    ) -> Result<Design, SweepError> {
        if opt.samples < sobol::MIN_SAMPLES {
            return Err(SweepError::BadParameter {
                what: "the number of base samples (--samples)".into(),
                expected: "at least 64 (fewer give indices outside [0, 1] with no meaningful interval)",
                value: opt.samples as f64,
            });
        }
        let (factors, ranges) = raw_weight_factors(space, opt.relative)?;
        let names: Vec<String> = factors.iter().map(|&f| space.name(f)).collect();
        let partition = Partition::grouped(&names, &resolve_groups(space, &factors, groups)?)?;
        let rows_per = if second_order { 2 + 2 * partition.len() } else { 2 + partition.len() };
        sobol::check_memory(opt.samples, rows_per - 2, ev.units(), opt.bootstrap)?;
        Ok(Design { opt: *opt, factors, ranges, names, partition, second_order })
    }

    /// The design factors' names (groups by their name).
    pub fn factor_names(&self) -> Vec<String> {
        self.partition.parts.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Runs per base sample: D + 2, or 2D + 2 with second order.
    pub fn rows(&self) -> usize {
        let d = self.partition.len();
        if self.second_order {
            2 + 2 * d
        } else {
            2 + d
        }
    }

    /// Values per base sample in the output matrix: runs × units.
    pub fn stride(&self, units: usize) -> usize {
        self.rows() * units
    }

    /// Evaluates base samples `samples` (within 0..N): the slots of every run,
    /// `[(j·rows + r)·units + u]` with j counted from `samples.start`; every run must be
    /// feasible.
    pub fn runs<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        samples: std::ops::Range<u64>,
        hooks: &Hooks<'_>,
    ) -> Result<Vec<u32>, SweepError> {
        let k = self.factors.len();
        let first = samples.start;
        let base = ChaCha8Rng::seed_from_u64(self.opt.seed);
        let layout = Blocks {
            factors: &self.factors,
            blocks: (samples.end - samples.start) as usize,
            rows: self.rows(),
            report_every: 256,
        };
        let (slots, infeasible) = blocks::evaluate(
            ev,
            space,
            &layout,
            hooks,
            || (vec![0.0; k], vec![0.0; k]),
            |j, (a, b)| draw_rows(&base, first + j as u64, &self.ranges, a, b),
            |(a, b), r, x| design_row(&self.partition, a, b, r, x),
        )?;
        SweepError::all_feasible(
            infeasible,
            "Sobol",
            "narrower (every run must be feasible for the estimators)",
        )?;
        Ok(slots)
    }

    /// Writes every run to `hooks.rows` as long CSV, in run order (nothing without a sink):
    /// `slots` as [`Design::runs`] returns them for 0..n.
    pub fn write_runs<R: SlotRule + ?Sized>(
        &self,
        ev: &Evaluator<R>,
        space: &Space,
        slots: &[u32],
        hooks: &mut Hooks<'_>,
    ) -> Result<(), SweepError> {
        let Some(w) = hooks.rows.as_mut() else { return Ok(()) };
        let base = ChaCha8Rng::seed_from_u64(self.opt.seed);
        let row = |a: &[f64], b: &[f64], r: usize, x: &mut [f64]| design_row(&self.partition, a, b, r, x);
        sobol::write_runs(ev, space, &self.factors, &self.ranges, &base, slots, self.rows(), &row, &mut **w)
    }

    /// The indices from the slots of every run of the first n base samples, in order (what
    /// [`Design::runs`] returns for 0..n; n = `slots.len()` / [`Design::stride`], so a prefix
    /// of the slots gives the run at that N).
    pub fn finish<R: SlotRule + ?Sized>(&self, ev: &Evaluator<R>, slots: Vec<u32>) -> Sobol2Result {
        let (d, units, rows_per) = (self.partition.len(), ev.units(), self.rows());
        let n = slots.len() / self.stride(units).max(1);
        let (lower, upper) = ev.bounds();
        let tally = Tally::of_runs(lower, upper, &slots, units);
        let second_order = self.second_order;
        let outputs: Vec<Outputs2> = (0..units)
            .into_par_iter()
            .map(|u| {
                let runs: Vec<Vec<f64>> = (0..n)
                    .map(|j| (0..rows_per).map(|r| slots[(j * rows_per + r) * units + u] as f64).collect())
                    .collect();
                split(&runs, d, second_order)
            })
            .collect();
        let indices = analyze2(&outputs, self.opt.bootstrap, self.opt.seed);
        let ranges = &self.ranges;
        let part_ranges = self
            .partition
            .parts
            .iter()
            .map(|(_, m)| {
                let lo = m.iter().map(|&i| ranges[i].0).fold(f64::INFINITY, f64::min);
                let hi = m.iter().map(|&i| ranges[i].1).fold(f64::NEG_INFINITY, f64::max);
                (lo, hi)
            })
            .collect();
        Sobol2Result {
            factors: self.partition.parts.iter().map(|(n, _)| n.clone()).collect(),
            members: self
                .partition
                .parts
                .iter()
                .map(|(_, m)| m.iter().map(|&i| self.names[i].clone()).collect())
                .collect(),
            ranges: part_ranges,
            units: indices,
            evaluations: (n * rows_per) as u64,
            tally,
        }
    }
}

/// `groups` (name, member names as [`Space::resolve`] accepts them) as indices into the
/// design's `factors`; a member that is not one of them is refused, naming the group.
pub(super) fn resolve_groups(
    space: &Space,
    factors: &[super::Factor],
    groups: &[(String, Vec<String>)],
) -> Result<Vec<(String, Vec<usize>)>, SweepError> {
    let mut resolved = Vec::new();
    for (g, members) in groups {
        let mut idx = Vec::new();
        for m in members {
            let f = space.resolve(m)?;
            let i = factors.iter().position(|&x| x == f).ok_or_else(|| SweepError::BadGroup {
                group: g.clone(),
                problem: format!(
                    "'{m}' is not a factor of this design (a weight with a positive value, or a parameter given with --vary)"
                ),
            })?;
            idx.push(i);
        }
        resolved.push((g.clone(), idx));
    }
    Ok(resolved)
}

/// The study's view of an extended result (`grouped`: the members are reported).
pub(super) fn study_indices(
    s: &crate::scenario::Scenario,
    r: &Sobol2Result,
    grouped: bool,
) -> super::SobolIndices {
    super::SobolIndices {
        factors: r.factors.clone(),
        ranges: r.ranges.clone(),
        evaluations: r.evaluations,
        units: r.units.iter().enumerate().map(|(i, ix)| unit_indices(&s.units().get(i).code, ix)).collect(),
        members: grouped.then(|| r.members.clone()),
    }
}

/// One unit's indices as the study reports them.
pub(super) fn unit_indices(code: &str, ix: &Indices2) -> super::UnitIndices {
    super::UnitIndices {
        code: code.to_string(),
        variance: ix.plain.variance,
        s1: ix.plain.s1.clone(),
        s1_conf: ix.plain.s1_conf.clone(),
        st: ix.plain.st.clone(),
        st_conf: ix.plain.st_conf.clone(),
        s2: (!ix.s2.is_empty()).then(|| ix.s2.clone()),
        s2_conf: (!ix.s2.is_empty()).then(|| ix.s2_conf.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn names(k: usize) -> Vec<String> {
        (1..=k).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn ishigami_second_order_indices_match_the_analytic_values() {
        // V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V13 = b²π⁸·(1/18 − 1/50): S13 = 0.2437, S12 = S23 = 0.
        let (a, b) = (7.0f64, 0.1f64);
        let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let s13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0) / v;
        let p = Partition::singletons(&names(3));
        let o = saltelli_outputs2(&[(-PI, PI); 3], &p, true, 1 << 14, 42, ishigami);
        let r = &analyze2(&[o], 200, 42)[0];
        for (j, k, want) in [(0, 1, 0.0), (0, 2, s13), (1, 2, 0.0)] {
            let (s, c) = (r.s2[j][k].unwrap(), r.s2_conf[j][k].unwrap());
            assert!((s - want).abs() <= c, "S2[{j}][{k}] = {s} ± {c}, analytic {want}");
            assert!(c < 0.1, "interval {c}");
        }
        assert!(r.s2[1][0].is_none() && r.s2[0][0].is_none());
    }

    #[test]
    fn singleton_groups_give_the_plain_indices_and_the_same_runs() {
        let p = Partition::grouped(&names(3), &[("g".into(), vec![1])]).unwrap();
        assert_eq!(p.parts, vec![("x1".into(), vec![0]), ("g".into(), vec![1]), ("x3".into(), vec![2])]);
        let o2 = saltelli_outputs2(&[(-PI, PI); 3], &p, false, 1024, 5, ishigami);
        let o = sobol::saltelli_outputs(&[(-PI, PI); 3], 1024, 5, ishigami);
        assert_eq!(o2.plain.ab, o.ab);
        let grouped = &analyze2(&[o2], 50, 5)[0].plain;
        let plain = &analyze(&[o], 50, 5)[0];
        assert_eq!(grouped, plain);
    }

    #[test]
    fn a_group_of_every_factor_explains_everything() {
        // Grouping x1 and x3 of Ishigami: S1 of the group = S1 + S3 + S13 = 0.3139 + 0 + 0.2437.
        let p = Partition::grouped(&names(3), &[("x13".into(), vec![0, 2])]).unwrap();
        assert_eq!(p.parts[0], ("x13".into(), vec![0, 2]));
        let o = saltelli_outputs2(&[(-PI, PI); 3], &p, false, 1 << 14, 8, ishigami);
        let r = &analyze2(&[o], 100, 8)[0].plain;
        let (s, c) = (r.s1[0].unwrap(), r.s1_conf[0].unwrap());
        assert!((s - 0.5576).abs() <= c, "S1(x1, x3) = {s} ± {c}");
        let all = Partition::grouped(&names(3), &[("all".into(), vec![0, 1, 2])]).unwrap();
        let o = saltelli_outputs2(&[(-PI, PI); 3], &all, false, 4096, 8, ishigami);
        let r = &analyze2(&[o], 10, 8)[0].plain;
        assert!((r.s1[0].unwrap() - 1.0).abs() < 0.05 && (r.st[0].unwrap() - 1.0).abs() < 0.05, "{r:?}");
    }

    #[test]
    fn bad_groups_are_refused() {
        let n = names(3);
        assert!(Partition::grouped(&n, &[("g".into(), vec![])]).is_err());
        assert!(Partition::grouped(&n, &[("x1".into(), vec![0])]).is_err());
        let e = Partition::grouped(&n, &[("g".into(), vec![0]), ("h".into(), vec![0, 1])]).unwrap_err();
        assert!(e.to_string().contains("already in group g"), "{e}");
    }
}
