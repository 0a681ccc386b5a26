//! Proven slot ranges for partial observations: a branch and bound over boxes of weightings.
//!
//! A partial observation (some units' slots known) is reproduced by a weighting when the
//! allocation there gives every known unit its slots. The weightings that do form a union of
//! allocation cells, not one polytope, so their extent is not one linear program. The grid
//! finds *witnesses* (weightings that reproduce the observation, allocated exactly), which show
//! that each unit's slots reach at least as far as they do. This module proves the other side:
//! that no weighting at all gives unit j more (or fewer) slots while reproducing the
//! observation. When the proof meets the witnesses, the range is exact.
//!
//! ## The relaxation of one box
//!
//! Let B be a box of the free coordinates (the first f − 1 free indicator weights, the last
//! being the free share minus their sum, and δ when it varies). Every unit's score is
//! multilinear in these coordinates ([`components`](super::components)), so its smallest and
//! largest value over B are at B's corners: `s_k ∈ [sl_k, sh_k]` (widened by 10⁻¹¹ of the total
//! score, far more than the 10⁻¹² rounding of [`integer_weights`](crate::scoring::integer_weights)).
//!
//! - **Hamilton** (bounds l, c): the quota is `q_k = clamp(μ·s_k, l_k, c_k)` with Σ q = N, and
//!   the slots `x_k = clamp(⌊q_k − r⌋ + 1, l_k, c_k)` for the remainder cut `r ∈ (0, 1]` at
//!   which Σ x = N (see [`conditions`](super::conditions)). Σ clamp(μ·s) grows with μ and with
//!   every s_k, so μ lies between the solutions for the largest and for the smallest scores,
//!   and `q_k ∈ [ql_k, qh_k]`. Each unit's slots are then bounded by two step functions of r,
//!   `lo_k(r) ≤ x_k ≤ hi_k(r)`, both non-increasing.
//! - **Divisor methods** (thresholds d(m)): `x_k = clamp(#{m : d(m) < λ·s_k}, l_k, c_k)` for a
//!   divisor scale λ at which Σ x = N, ties aside (the tie admits `#{m : d(m) ≤ λ·s_k}`):
//!   `lo_k(λ) ≤ x_k ≤ hi_k(λ)`, both non-decreasing in λ.
//!
//! A known unit's slots restrict the cut (or scale) to an interval; so does the question asked
//! of unit j ("at least v slots", "at most v"). With those units held at their values, a
//! weighting of B can exist only if, for some cut in the interval, `Σ lo ≤ N ≤ Σ hi` — and since
//! both sums are monotone in the cut, it suffices to test the cut where Σ hi just reaches N.
//! A box that fails is *pruned*: no weighting in it reproduces the observation with unit j
//! beyond v. A box that passes is split in two along its longest side, after its centre is
//! allocated exactly (a new witness may raise v).
//!
//! ## What is proven, and when the search stops
//!
//! Every step is a relaxation (the bounds contain the true values; ties are admitted on both
//! sides), so a pruned box is proof. The search ends when every box is pruned — the witnessed
//! extreme is then the exact one — or when a box is [`MAX_DEPTH`] splits deep (about 10⁻⁷ of
//! the range on each side) or the question has used [`MAX_NODES`] boxes; what those boxes still
//! allow is reported as the proven outer bound. Both limits count boxes, not time, so the same
//! input gives the same answer on every machine. Boxes that survive to the limit sit where a
//! cell boundary of unit j meets one of a known unit in a degenerate way (parallel boundaries,
//! or a simplex edge), which the relaxation cannot separate.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

mod divisor;
mod extent;
mod hamilton;
mod nearest;

use super::components::{Components, Development};
use super::grid::Evaluator;
use crate::apportion::Method;

/// Splits of the starting box after which a surviving box is left undecided.
pub(crate) const MAX_DEPTH: u32 = 48;

/// Boxes one question may test before what remains is left undecided.
pub(crate) const MAX_NODES: usize = 200_000;

/// Relative widening of the score bounds (of the largest total score in the box).
const SCORE_SLACK: f64 = 1e-11;

/// What a question asks of one unit, besides reproducing the known units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    /// Only that the known units are reproduced.
    Consistent,
    /// Unit `.0` has at least `.1` slots.
    AtLeast(usize, u64),
    /// Unit `.0` has at most `.1` slots.
    AtMost(usize, u64),
}

/// The outcome of one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The proven bound: the most (AtLeast) or fewest (AtMost) slots any weighting can give
    /// the unit while reproducing the known units. For [`Ask::Consistent`], 1 when some box
    /// may still hold a weighting that reproduces them, 0 when none can.
    pub bound: u64,
    /// Boxes tested.
    pub nodes: usize,
}

/// The partial observation and the method, ready for questions.
pub(crate) struct Prover<'a> {
    comps: &'a Components,
    method: Method,
    floors: &'a [u64],
    caps: &'a [u64],
    total: u64,
    observed: &'a [Option<u64>],
    /// Free indicator columns, in order.
    free: Vec<usize>,
    /// The starting box: (lo, hi) per coordinate.
    root: Vec<(f64, f64)>,
    /// Whether the last coordinate is δ.
    dev_varies: bool,
}

/// Per-unit bounds of one box, reused between boxes.
#[derive(Debug, Default)]
struct Work {
    sl: Vec<f64>,
    sh: Vec<f64>,
    ql: Vec<f64>,
    qh: Vec<f64>,
    corner: Vec<f64>,
    weights: Vec<f64>,
}

/// A box waiting in the best-first queue.
#[derive(Debug)]
struct Queued {
    /// Larger first: how far the asked unit's slots reach in the box.
    key: u64,
    /// Then the box queued first.
    seq: Reverse<u64>,
    reach: u64,
    cell: Cell,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        (self.key, self.seq) == (other.key, other.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.key, self.seq).cmp(&(other.key, other.seq))
    }
}

#[derive(Debug, Clone)]
struct Cell {
    lo: Vec<f64>,
    hi: Vec<f64>,
    depth: u32,
}

impl<'a> Prover<'a> {
    /// A prover for `observed` under `method` (Hamilton or a divisor method).
    pub fn new(
        comps: &'a Components,
        method: Method,
        floors: &'a [u64],
        caps: &'a [u64],
        total: u64,
        observed: &'a [Option<u64>],
    ) -> Self {
        debug_assert!(method == Method::Hamilton || method.is_divisor());
        let free: Vec<usize> = (0..comps.indicators).filter(|&j| comps.free[j]).collect();
        let share = comps.free_share();
        let mut root: Vec<(f64, f64)> = free.iter().skip(1).map(|_| (0.0, share)).collect();
        let dev_varies = match comps.development {
            Development::Range(lo, hi) => {
                root.push((lo, hi));
                true
            }
            _ => false,
        };
        Prover { comps, method, floors, caps, total, observed, free, root, dev_varies }
    }

    /// Whether the method is one this module proves for.
    pub fn supports(method: Method) -> bool {
        method == Method::Hamilton || method.is_divisor()
    }

    /// Answers `ask` (AtLeast(j, v): can unit j get v slots or more? AtMost: v or fewer?).
    /// A box centre that reproduces the known units and answers yes is passed to `witness`
    /// with its slots; when `witness` confirms it (re-allocating it with `quota allocate`),
    /// the question moves on to the next value. `eval` allocates exactly.
    pub fn answer(
        &self,
        ask: Ask,
        eval: &mut Evaluator,
        witness: &mut dyn FnMut(&[f64], &[u64]) -> bool,
    ) -> Answer {
        let mut work = Work::default();
        let mut ask = ask;
        let root = self.root_cell();
        let mut nodes = 1;
        let mut undecided: Option<u64> = None;
        // Best first: the box whose slots reach furthest, then the older box.
        let mut heap: BinaryHeap<Queued> = BinaryHeap::new();
        let mut seq = 0u64;
        let key = |ask: Ask, reach: u64| match ask {
            Ask::AtMost(..) => u64::MAX - reach,
            _ => reach,
        };
        if let Some(reach) = self.test(&root, ask, &mut work) {
            heap.push(Queued { key: key(ask, reach), seq: Reverse(seq), reach, cell: root });
        }
        while let Some(Queued { reach, cell, .. }) = heap.pop() {
            // Allocate the centre: a witness, perhaps beyond the question's value.
            let centre = self.allocate_centre(&cell, eval).filter(|(_, got)| self.reproduces(got));
            if let Some((coords, got)) = centre {
                let raised = match ask {
                    Ask::AtLeast(j, v) if got[j] >= v => Some(Ask::AtLeast(j, got[j] + 1)),
                    Ask::AtMost(j, v) if got[j] <= v => Some(Ask::AtMost(j, got[j].wrapping_sub(1))),
                    Ask::Consistent => Some(Ask::Consistent),
                    _ => None,
                };
                // A centre that answers the question is a witness once the caller confirms it.
                let raised = raised.filter(|_| witness(&coords, got));
                match raised {
                    Some(Ask::Consistent) => return Answer { bound: 1, nodes },
                    // Zero slots witnessed: nothing fewer is possible.
                    Some(Ask::AtMost(_, u64::MAX)) => return Answer { bound: 0, nodes },
                    _ => {}
                }
                if let Some(a) = raised {
                    // Every box is asked again, with the new value.
                    ask = a;
                    let old: Vec<Queued> = std::mem::take(&mut heap).into_vec();
                    for q in std::iter::once(cell).chain(old.into_iter().map(|q| q.cell)) {
                        nodes += 1;
                        if let Some(reach) = self.test(&q, ask, &mut work) {
                            seq += 1;
                            heap.push(Queued { key: key(ask, reach), seq: Reverse(seq), reach, cell: q });
                        }
                    }
                    continue;
                }
            }
            if cell.depth >= MAX_DEPTH || nodes >= MAX_NODES {
                undecided = Some(match (ask, undecided) {
                    (Ask::AtMost(..), Some(u)) => u.min(reach),
                    (_, Some(u)) => u.max(reach),
                    (_, None) => reach,
                });
                continue;
            }
            let (a, b) = self.split(&cell);
            for child in [a, b] {
                nodes += 1;
                if let Some(reach) = self.test(&child, ask, &mut work) {
                    seq += 1;
                    heap.push(Queued { key: key(ask, reach), seq: Reverse(seq), reach, cell: child });
                }
            }
        }
        let bound = match ask {
            Ask::AtLeast(_, v) => undecided.map_or(v - 1, |u| u.max(v - 1)),
            Ask::AtMost(_, v) => undecided.map_or(v + 1, |u| u.min(v + 1)),
            Ask::Consistent => u64::from(undecided.is_some()),
        };
        Answer { bound, nodes }
    }

    /// Splits a box in two halves of its longest side (relative to the starting box).
    fn split(&self, cell: &Cell) -> (Cell, Cell) {
        let widest = (0..cell.lo.len())
            .max_by(|&a, &b| {
                let rel = |k: usize| {
                    (cell.hi[k] - cell.lo[k]) / (self.root[k].1 - self.root[k].0).max(f64::MIN_POSITIVE)
                };
                rel(a).total_cmp(&rel(b)).then(b.cmp(&a))
            })
            .expect("a box with a side");
        let mid = 0.5 * (cell.lo[widest] + cell.hi[widest]);
        let mut a = cell.clone();
        let mut b = cell.clone();
        a.hi[widest] = mid;
        b.lo[widest] = mid;
        a.depth += 1;
        b.depth += 1;
        (a, b)
    }

    /// The starting box.
    fn root_cell(&self) -> Cell {
        Cell {
            lo: self.root.iter().map(|r| r.0).collect(),
            hi: self.root.iter().map(|r| r.1).collect(),
            depth: 0,
        }
    }

    /// The free coordinates of a box's centre and its exact slots (None outside the simplex or
    /// without an allocation).
    fn allocate_centre<'e>(&self, cell: &Cell, eval: &'e mut Evaluator) -> Option<(Vec<f64>, &'e [u64])> {
        let centre: Vec<f64> = cell.lo.iter().zip(&cell.hi).map(|(a, b)| 0.5 * (a + b)).collect();
        let coords = self.coordinates(&centre)?;
        let got = eval.slots(&self.comps.at(&coords))?;
        Some((coords, got))
    }

    /// Σ lo and Σ hi of every unit's slots at one cut (or divisor), the known units held at
    /// their values and the asked unit restricted to the question's side.
    fn sums(&self, ask: Ask, lo: impl Fn(usize) -> u64, hi: impl Fn(usize) -> u64) -> (u64, u64) {
        let (mut sl, mut sh) = (0u64, 0u64);
        for (k, x) in self.observed.iter().enumerate() {
            if let Some(x) = *x {
                sl += x;
                sh += x;
                continue;
            }
            let (mut a, mut b) = (lo(k), hi(k));
            match ask {
                Ask::AtLeast(j, v) if j == k => a = a.max(v),
                Ask::AtMost(j, v) if j == k => b = b.min(v),
                _ => {}
            }
            sl += a;
            sh += b.max(a);
        }
        (sl, sh)
    }

    /// The free coordinates (every free indicator weight, then δ) of a box point, or None
    /// outside the simplex.
    fn coordinates(&self, point: &[f64]) -> Option<Vec<f64>> {
        let f = self.free.len();
        let share = self.comps.free_share();
        let mut out: Vec<f64> = Vec::with_capacity(f + 1);
        let first = &point[..f.saturating_sub(1)];
        let last = share - first.iter().sum::<f64>();
        if last < 0.0 {
            return None;
        }
        if f > 0 {
            out.extend_from_slice(first);
            out.push(last);
        }
        if self.dev_varies {
            out.push(*point.last().expect("a δ coordinate"));
        }
        Some(out)
    }

    fn reproduces(&self, got: &[u64]) -> bool {
        self.observed.iter().zip(got).all(|(x, g)| x.is_none_or(|x| x == *g))
    }

    /// The relaxation of one box: None when no weighting in it can answer `ask` yes; else the
    /// furthest the asked unit's slots can reach in it (AtLeast: an upper bound; AtMost: a
    /// lower bound; Consistent: 1).
    fn test(&self, cell: &Cell, ask: Ask, w: &mut Work) -> Option<u64> {
        if !self.score_bounds(cell, w) {
            return None;
        }
        if self.method == Method::Hamilton {
            self.test_hamilton(ask, w)
        } else {
            self.test_divisor(ask, w)
        }
    }

    /// Each unit's score range over the box's corners; false when the box lies outside the
    /// simplex.
    fn score_bounds(&self, cell: &Cell, w: &mut Work) -> bool {
        let f = self.free.len();
        let share = self.comps.free_share();
        let k = f.saturating_sub(1);
        if cell.lo[..k].iter().sum::<f64>() > share {
            return false;
        }
        let n = self.comps.a.len();
        w.sl.clear();
        w.sl.resize(n, f64::INFINITY);
        w.sh.clear();
        w.sh.resize(n, f64::NEG_INFINITY);
        let dims = cell.lo.len();
        for mask in 0u32..(1u32 << dims) {
            w.corner.clear();
            w.corner.extend((0..dims).map(|d| if mask >> d & 1 == 1 { cell.hi[d] } else { cell.lo[d] }));
            self.corner_weights(&w.corner, &mut w.weights);
            let delta = match self.comps.development {
                Development::Absent => None,
                Development::Fixed(d) => Some(d),
                Development::Range(..) => Some(*w.corner.last().expect("a δ coordinate")),
            };
            for (i, row) in self.comps.a.iter().enumerate() {
                let ind: f64 = (0..self.comps.indicators).map(|j| row[j] * w.weights[j]).sum();
                let s = match delta {
                    Some(d) => (1.0 - d) * ind + d * row[self.comps.indicators],
                    None => ind,
                };
                w.sl[i] = w.sl[i].min(s);
                w.sh[i] = w.sh[i].max(s);
            }
        }
        let total: f64 = w.sh.iter().map(|s| s.max(0.0)).sum();
        let slack = SCORE_SLACK * total;
        for (lo, hi) in w.sl.iter_mut().zip(w.sh.iter_mut()) {
            *lo = (*lo - slack).max(0.0);
            *hi = (*hi + slack).max(0.0);
        }
        true
    }

    /// The indicator weights at a box corner (the last free weight takes the rest of the free
    /// share, negative outside the simplex: the scores' affine extension bounds them there).
    fn corner_weights(&self, corner: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(&self.comps.base);
        let f = self.free.len();
        if f == 0 {
            return;
        }
        let mut rest = self.comps.free_share();
        for (t, &j) in self.free[..f - 1].iter().enumerate() {
            out[j] = corner[t];
            rest -= corner[t];
        }
        out[self.free[f - 1]] = rest;
    }

    fn clamp(&self, k: usize, x: u64) -> u64 {
        x.clamp(self.floors[k], self.caps[k])
    }
}
