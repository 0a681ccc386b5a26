//! The linear conditions under which a weighting reproduces a complete observed allocation x,
//! for the divisor methods and for Hamilton with floors and caps, and the linear programs that
//! find the most central weighting and each weight's extreme values.
//!
//! Variables: the unnormalised components `y_c ≥ 0` (see [`components`](super::components)),
//! so every unit's score, scaled, is `z_i = Σ_c a_ic·y_c`; a margin `e`; for Hamilton the
//! remainder cut `r ∈ [0, 1]`. The scale of y is the divisor (divisor methods) or the
//! bounded-quota scale μ (Hamilton), so `z_i` is directly the quantity the method rounds.
//!
//! **Divisor methods** (thresholds d(k): a unit with k slots claims its next with priority
//! w/d(k)): x is the method's result iff some divisor puts every unit between its thresholds —
//! `z_i ≥ d(x_i − 1)` for each unit above its floor and `z_i ≤ d(x_i)` for each unit below
//! its cap (the bounds remove exactly these conditions, as the implementation does: a unit at
//! its floor makes no claim to give up, one at its cap none to make). With the margin,
//! `z_i − e ≥ d(x_i − 1)` and `z_i + e ≤ d(x_i)`; where d(x_i) = 0 (Adams, Dean,
//! Huntington–Hill at x_i = 0) the condition is `z_i = 0`: only a unit of weight 0 stays at 0.
//!
//! **Hamilton** with bounds: quotas `q_i = clamp(z_i, l_i, c_i)` with `Σ q_i = N`, then whole
//! parts and the largest remainders. x is the result iff there is a cut r with
//! `x_i − 1 + r ≤ q_i < x_i + r` for every unit: a unit that got a remainder slot has
//! `q_i ∈ [x_i − 1 + r, x_i)`, one that did not `q_i ∈ [x_i, x_i + r)`, and the two cases join
//! into one interval, so x alone fixes each unit's condition (which case applies need not be
//! known). Per unit: between its bounds, `x_i − 1 + r + e ≤ z_i ≤ x_i + r − e`; at its
//! floor (`x_i = l_i < c_i`), `z_i ≤ l_i + r − e`; at its cap (`x_i = c_i > l_i`),
//! `z_i ≥ c_i − 1 + r + e`. The sum `Σ clamp(z_i) = N` is linear once each unit at a bound is
//! known to sit *on* it (`z_i ≤ l_i`, contributing `l_i`; `z_i ≥ c_i`, contributing `c_i`) or
//! to be free (contributing `z_i`) — its *regime*. The regimes are enumerated by branch and
//! bound: a unit not yet decided contributes a variable `q_i ∈ [max(z_i, l_i), l_i + r + e⁻]`
//! (at a floor) or `[c_i − 1 + r − e⁻, min(z_i, c_i)]` (at a cap), with `e⁻ ≥ max(0, −e)`:
//! both regimes satisfy these rows (free: `q_i = z_i`; on the bound: `q_i = l_i` or `c_i`, and
//! `r ∈ [0, 1]`), so a relaxation whose best margin is below the closure's and the best regime
//! found prunes every regime below it.
//!
//! Strict inequalities become the margin e: the most central weighting maximises e (every
//! scaled quota at least e slots from every threshold it must not cross); e > 0 means an open
//! set of weightings reproduces x without any tie, e = 0 only boundary weightings (ties,
//! decided by the tie rule), e < 0 none. Ranges are taken over the closure (e = 0).

use super::components::Components;
use super::linear::{Lp, Op, Solved, SolverFault};
use crate::apportion::{divisor, Method};

/// Branch-and-bound nodes (LP solves) allowed per allocation before the search gives up.
pub(crate) const MAX_SOLVES: usize = 4096;

/// Bounds and total of the allocation being explained.
#[derive(Debug, Clone)]
pub(crate) struct Setting<'a> {
    pub comps: &'a Components,
    pub floors: &'a [u64],
    /// Caps, never above the total.
    pub caps: &'a [u64],
    pub total: u64,
}

/// Where a unit's slots sit relative to its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Floor = cap: its slots are fixed.
    Fixed,
    /// Strictly between floor and cap.
    Between,
    /// At its floor (below its cap).
    Floor,
    /// At its cap (above its floor).
    Cap,
}

fn class(s: &Setting, i: usize, x: u64) -> Class {
    let (l, c) = (s.floors[i], s.caps[i]);
    if l == c {
        Class::Fixed
    } else if x == l {
        Class::Floor
    } else if x == c {
        Class::Cap
    } else {
        Class::Between
    }
}

/// A built model: the LP and where its variables are.
pub(crate) struct Model {
    pub lp: Lp,
    /// Component variables y_c.
    pub y: Vec<usize>,
    /// The margin e.
    pub e: usize,
}

/// One regime's answer: the units at a bound that sit on it (`Some(true)`) or are free
/// (`Some(false)`), in the order of [`bound_units`]; empty for divisor methods.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    pub regime: Vec<Option<bool>>,
    /// The largest margin in this regime.
    pub margin: f64,
    /// Components at the most central point of the regime.
    pub y: Vec<f64>,
}

/// What the search found for one allocation.
#[derive(Debug, Clone)]
pub(crate) struct Explored {
    /// Every regime whose closure is not empty, and the best one even if it is.
    pub leaves: Vec<Leaf>,
    /// LP solves used.
    pub solves: usize,
    /// False when [`MAX_SOLVES`] stopped the search.
    pub complete: bool,
}

impl Explored {
    /// The regime with the largest margin.
    pub fn best(&self) -> Option<&Leaf> {
        self.leaves.iter().max_by(|a, b| a.margin.total_cmp(&b.margin))
    }
}

/// Threshold d(k) as a float (Huntington–Hill: √(k(k+1))).
pub(crate) fn threshold(method: Method, k: u64) -> f64 {
    let (a, b) = divisor(method, k).expect("a divisor method");
    if method == Method::HuntingtonHill {
        (a as f64).sqrt()
    } else {
        a as f64 / b as f64
    }
}

/// Variables y and the rows that tie held weights and δ.
fn base(s: &Setting, margin: Option<f64>) -> Model {
    let comps = s.comps;
    let mut lp = Lp::default();
    // y_c up to a bound far above any scale the rows allow: Σ_i a_ic = m-weighted column sum
    // (≈ 1), and the scaled quotas sum to about N.
    let col_min = (0..comps.len())
        .map(|c| comps.a.iter().map(|row| row[c]).sum::<f64>())
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let cap = 1e3 * (s.total.max(1) as f64) / if col_min.is_finite() { col_min } else { 1.0 };
    let y: Vec<usize> = (0..comps.len()).map(|_| lp.var(0.0, cap)).collect();
    let e = match margin {
        Some(v) => lp.var(v, v),
        None => lp.var(-(s.total.max(1) as f64), 1.0),
    };
    let k = comps.indicators;
    for j in 0..k {
        if !comps.free[j] {
            // y_j = v0_j · Σ_ind y
            let mut t: Vec<(usize, f64)> = (0..k).map(|m| (y[m], -comps.base[j])).collect();
            t[j].1 += 1.0;
            lp.row(t, Op::Eq, 0.0);
        }
    }
    match comps.development {
        super::components::Development::Absent => {}
        super::components::Development::Fixed(d) => {
            // (1 − δ) y_dev = δ Σ_ind y
            let mut t: Vec<(usize, f64)> = (0..k).map(|m| (y[m], -d)).collect();
            t.push((y[k], 1.0 - d));
            lp.row(t, Op::Eq, 0.0);
        }
        super::components::Development::Range(lo, hi) => {
            for (bound, op) in [(lo, Op::Ge), (hi, Op::Le)] {
                let mut t: Vec<(usize, f64)> = (0..k).map(|m| (y[m], -bound)).collect();
                t.push((y[k], 1.0 - bound));
                lp.row(t, op, 0.0);
            }
        }
    }
    Model { lp, y, e }
}

fn z(s: &Setting, m: &Model, i: usize) -> Vec<(usize, f64)> {
    s.comps.a[i].iter().enumerate().filter(|(_, a)| **a != 0.0).map(|(c, &a)| (m.y[c], a)).collect()
}

fn with(mut t: Vec<(usize, f64)>, more: &[(usize, f64)]) -> Vec<(usize, f64)> {
    t.extend_from_slice(more);
    t
}

fn negated(t: &[(usize, f64)]) -> Vec<(usize, f64)> {
    t.iter().map(|&(v, a)| (v, -a)).collect()
}

/// The divisor method's model for x; `margin` fixes e (None: e is free).
pub(crate) fn divisor_model(s: &Setting, method: Method, x: &[u64], margin: Option<f64>) -> Model {
    let mut m = base(s, margin);
    let mut all_z = Vec::new();
    let mut lower_total = 0.0;
    for i in 0..x.len() {
        let cl = class(s, i, x[i]);
        let zi = z(s, &m, i);
        if matches!(cl, Class::Between | Class::Cap) {
            let d = threshold(method, x[i] - 1);
            m.lp.row(with(zi.clone(), &[(m.e, -1.0)]), Op::Ge, d);
            lower_total += d;
        }
        if matches!(cl, Class::Between | Class::Floor) {
            let d = threshold(method, x[i]);
            if d > 0.0 {
                m.lp.row(with(zi.clone(), &[(m.e, 1.0)]), Op::Le, d);
            } else {
                m.lp.row(zi.clone(), Op::Le, 0.0);
            }
        }
        all_z.extend(zi);
    }
    // Σ z ≥ Σ d(x_i − 1) over units above their floor: implied for e ≥ 0; for e < 0 it keeps
    // the scale from collapsing to 0 (the minimax point used to explain an inconsistency).
    if lower_total > 0.0 {
        m.lp.row(all_z, Op::Ge, lower_total);
    }
    m
}

/// The units at a bound whose regime must be decided (Hamilton), in unit order.
pub(crate) fn bound_units(s: &Setting, x: &[u64]) -> Vec<usize> {
    (0..x.len()).filter(|&i| matches!(class(s, i, x[i]), Class::Floor | Class::Cap)).collect()
}

/// Hamilton's model for x in `regime` (one entry per [`bound_units`]; None = undecided, relaxed).
pub(crate) fn hamilton_model(s: &Setting, x: &[u64], regime: &[Option<bool>], margin: Option<f64>) -> Model {
    let mut m = base(s, margin);
    let r = m.lp.var(0.0, 1.0);
    let e = m.e;
    // e⁻ ≥ max(0, −e), for the relaxed rows of undecided units (see the module documentation).
    let e_neg = if regime.iter().any(Option::is_none) {
        let v = m.lp.var(0.0, s.total.max(1) as f64);
        m.lp.row(vec![(v, 1.0), (e, 1.0)], Op::Ge, 0.0);
        Some(v)
    } else {
        None
    };
    let mut sum: Vec<(usize, f64)> = Vec::new();
    let mut constant = 0.0;
    let mut next = regime.iter();
    for i in 0..x.len() {
        let cl = class(s, i, x[i]);
        let zi = z(s, &m, i);
        let (l, c, xi) = (s.floors[i] as f64, s.caps[i] as f64, x[i] as f64);
        match cl {
            Class::Fixed => constant += l,
            Class::Between => {
                m.lp.row(with(zi.clone(), &[(r, -1.0), (e, -1.0)]), Op::Ge, xi - 1.0);
                m.lp.row(with(zi.clone(), &[(r, -1.0), (e, 1.0)]), Op::Le, xi);
                sum.extend(zi);
            }
            Class::Floor => {
                m.lp.row(with(zi.clone(), &[(r, -1.0), (e, 1.0)]), Op::Le, l);
                match next.next().copied().flatten() {
                    Some(true) => {
                        m.lp.row(zi, Op::Le, l);
                        constant += l;
                    }
                    Some(false) => {
                        m.lp.row(zi.clone(), Op::Ge, l);
                        sum.extend(zi);
                    }
                    None => {
                        let q = m.lp.var(l, l + 1.0 + s.total as f64);
                        m.lp.row(with(vec![(q, 1.0)], &negated(&zi)), Op::Ge, 0.0);
                        let e_neg = e_neg.expect("undecided units have e⁻");
                        m.lp.row(vec![(q, 1.0), (r, -1.0), (e_neg, -1.0)], Op::Le, l);
                        sum.push((q, 1.0));
                    }
                }
            }
            Class::Cap => {
                m.lp.row(with(zi.clone(), &[(r, -1.0), (e, -1.0)]), Op::Ge, c - 1.0);
                match next.next().copied().flatten() {
                    Some(true) => {
                        m.lp.row(zi, Op::Ge, c);
                        constant += c;
                    }
                    Some(false) => {
                        m.lp.row(zi.clone(), Op::Le, c);
                        sum.extend(zi);
                    }
                    None => {
                        let q = m.lp.var(0.0, c);
                        m.lp.row(with(vec![(q, 1.0)], &negated(&zi)), Op::Le, 0.0);
                        let e_neg = e_neg.expect("undecided units have e⁻");
                        m.lp.row(vec![(q, 1.0), (r, -1.0), (e_neg, 1.0)], Op::Ge, c - 1.0);
                        sum.push((q, 1.0));
                    }
                }
            }
        }
    }
    m.lp.row(sum, Op::Eq, s.total as f64 - constant);
    m
}

/// The model of `method` for x in `regime` (divisor methods ignore the regime).
pub(crate) fn model(
    s: &Setting,
    method: Method,
    x: &[u64],
    regime: &[Option<bool>],
    margin: Option<f64>,
) -> Model {
    if method == Method::Hamilton {
        hamilton_model(s, x, regime, margin)
    } else {
        divisor_model(s, method, x, margin)
    }
}

/// Margin below which a regime counts as empty: the LP's own tolerance is about 1e-9 slots.
pub(crate) const MARGIN_TOL: f64 = 1e-7;

/// Finds the most central weighting of every regime of x (one for divisor methods).
pub(crate) fn explore(s: &Setting, method: Method, x: &[u64]) -> Result<Explored, SolverFault> {
    debug_assert!(method == Method::Hamilton || method.is_divisor());
    let bound = if method == Method::Hamilton { bound_units(s, x).len() } else { 0 };
    let mut leaves: Vec<Leaf> = Vec::new();
    let mut solves = 0;
    let mut best = f64::NEG_INFINITY;
    let mut stack: Vec<Vec<Option<bool>>> = vec![vec![None; bound]];
    while let Some(regime) = stack.pop() {
        if solves >= MAX_SOLVES {
            return Ok(Explored { leaves, solves, complete: false });
        }
        let m = model(s, method, x, &regime, None);
        solves += 1;
        let Solved::Optimal { x: point, value } = m.lp.maximise(&[(m.e, 1.0)])? else { continue };
        // Prune: no regime below can reach the closure, nor beat the best found.
        if value < -MARGIN_TOL && value <= best {
            continue;
        }
        match regime.iter().position(Option::is_none) {
            None => {
                best = best.max(value);
                let y = m.y.iter().map(|&v| point[v]).collect();
                leaves.push(Leaf { regime, margin: value, y });
            }
            Some(k) => {
                // Try first the side the relaxed point leans to (pushed last, popped first).
                let i = bound_units(s, x)[k];
                let zi: f64 = z(s, &m, i).iter().map(|&(v, a)| a * point[v]).sum();
                let on_bound =
                    if x[i] == s.floors[i] { zi <= s.floors[i] as f64 } else { zi >= s.caps[i] as f64 };
                for side in [!on_bound, on_bound] {
                    let mut child = regime.clone();
                    child[k] = Some(side);
                    stack.push(child);
                }
            }
        }
    }
    // Keep the regimes whose closure is not empty, and the best one in any case.
    let top = leaves.iter().map(|l| l.margin).fold(f64::NEG_INFINITY, f64::max);
    leaves.retain(|l| l.margin >= -MARGIN_TOL || l.margin >= top);
    leaves.sort_by(|a, b| b.margin.total_cmp(&a.margin));
    Ok(Explored { leaves, solves, complete: true })
}

/// One end of a coordinate's range: its value, the components there, and an interior point
/// of the same regime (its most central point).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct End {
    pub value: f64,
    pub y: Vec<f64>,
    pub inside: Vec<f64>,
}

/// The smallest and largest value of free coordinate `coord` over the closure of the given
/// regimes.
pub(crate) fn extremes(
    s: &Setting,
    method: Method,
    x: &[u64],
    leaves: &[&Leaf],
    coord: usize,
) -> Result<Option<(End, End)>, SolverFault> {
    let (num, den) = s.comps.ratio(coord);
    let mut lo: Option<End> = None;
    let mut hi: Option<End> = None;
    for leaf in leaves {
        let m = model(s, method, x, &leaf.regime, Some(0.0));
        let map = |t: &[(usize, f64)]| t.iter().map(|&(c, a)| (m.y[c], a)).collect::<Vec<_>>();
        let (num, den) = (map(&num), map(&den));
        let neg: Vec<(usize, f64)> = num.iter().map(|&(v, a)| (v, -a)).collect();
        // The denominator at the regime's centre: the transformed model's scale (τ ≈ 1).
        let scale: f64 =
            den.iter().map(|&(v, a)| a * leaf.y[m.y.iter().position(|&y| y == v).expect("a y")]).sum();
        let scale = if scale > 0.0 { scale } else { 1.0 };
        for (terms, is_max) in [(&num, true), (&neg, false)] {
            if let Solved::Optimal { x: point, value } = m.lp.maximise_ratio(terms, &den, scale)? {
                let value = if is_max { value } else { -value };
                let end = End { value, y: m.y.iter().map(|&v| point[v]).collect(), inside: leaf.y.clone() };
                let slot = if is_max { &mut hi } else { &mut lo };
                let better =
                    slot.as_ref().is_none_or(|e| if is_max { value > e.value } else { value < e.value });
                if better {
                    *slot = Some(end);
                }
            }
        }
    }
    Ok(lo.zip(hi))
}
