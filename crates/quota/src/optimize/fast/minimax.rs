//! Minimax on the fast path: the smallest level z at which the level boxes are feasible, then
//! the chi-square tie-break inside the boxes of that level.
//!
//! Feasibility of the level boxes is monotone in z and changes only at *candidate levels*: a
//! unit's box at level z holds the k with `|k − q| ≤ z·w` (plus the box tolerance), so the
//! levels are `(k − q)/w` for the integers k above q and `(q − k)/w` for those below, within
//! the unit's floor and cap. The optimum level is the smallest feasible candidate (or 0).
//! Each side of a unit's candidates is an increasing sequence in closed form ([`Side`]), so
//! the number of candidates between two levels, or the one next to a level, costs O(1) per
//! unit, and the search tests feasibility (one pass over the tree) only at candidates:
//!
//! 1. level 0;
//! 2. the lower bound `lb`: the largest over units of the level at which the unit's box first
//!    holds an integer (no smaller level is feasible; on sweeps of the bundled guarantee
//!    scenario it is the optimum: the smallest unit with its floor of 1 sets the level);
//! 3. otherwise, between `lb` and the level of the proportional start (a feasible allocation),
//!    bisection: probes at the candidate next to the middle while many candidates remain, then
//!    the remaining candidates collected and searched by selection (`select_nth_unstable`, no
//!    sort).
//!
//! The answer is the smallest feasible candidate level, which is what the level-by-level walk
//! over [`next_level`](crate::optimize::objective::next_level) finds (kept in the tests as the
//! reference, and on the LP path), so the boxes, the tie-break solve and the slots are the same.

use super::{Tree, Work};
use crate::optimize::objective::{
    ceil_fast, floor_fast, level_box, max_relative_deviation, rel_weight, Costs, Separable, BOX_TOL,
};

/// Up to this many candidates (plus 4 per unit) are collected and searched by selection;
/// above it the search probes the candidate next to the middle level first.
const COLLECT: u64 = 64;

/// One side of a unit's candidate levels, in increasing order by rank r = 0, 1, …, len − 1:
/// above the quota the slots `base + r` (level `(k − q)/w`), below it the slots `base − r`
/// (level `(q − k)/w`). The level expressions are those of `next_level` and of
/// `max_relative_deviation`, so the same slots give the same floating-point levels.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Side {
    q: f64,
    w: f64,
    base: u64,
    len: u64,
    up: bool,
}

impl Side {
    /// The slots above q within `lo..=hi`.
    fn above(q: f64, w: f64, lo: u64, hi: u64) -> Side {
        let base = (floor_fast(q) as u64 + 1).max(lo);
        Side { q, w, base, len: if hi >= base { hi - base + 1 } else { 0 }, up: true }
    }

    /// The slots below q within `lo..=hi`.
    fn below_quota(q: f64, w: f64, lo: u64, hi: u64) -> Side {
        let c = ceil_fast(q) as u64;
        let top = if c == 0 { 0 } else { (c - 1).min(hi) };
        let len = if c > 0 && top >= lo { top - lo + 1 } else { 0 };
        Side { q, w, base: top, len, up: false }
    }

    #[inline]
    fn level(&self, r: u64) -> f64 {
        if self.up {
            ((self.base + r) as f64 - self.q) / self.w
        } else {
            (self.q - (self.base - r) as f64) / self.w
        }
    }

    /// False only if no slot's level can lie strictly between a and b: a filter without
    /// division, exact comparisons follow. The interval of slots is widened by far more than
    /// the rounding of the levels (a few ulps of numbers below 2^53).
    #[inline]
    fn maybe_between(&self, a: f64, b: f64) -> bool {
        let (near, far) = (a * self.w, b * self.w);
        let eps = 1e-9 * (self.q + far + 1.0);
        let (from, to) = if self.up { (self.q + near, self.q + far) } else { (self.q - far, self.q - near) };
        floor_fast(to + eps) >= ceil_fast(from - eps)
    }

    /// How many of the side's levels are below t (`≤ t` when `inclusive`, else `< t`): the
    /// levels increase with the rank, so these are the first ranks. Starts from the real-valued
    /// estimate and corrects it by exact comparisons of the levels themselves.
    #[inline]
    fn count_below(&self, t: f64, inclusive: bool) -> u64 {
        let holds = |r: u64| {
            let c = self.level(r);
            if inclusive {
                c <= t
            } else {
                c < t
            }
        };
        let g = if self.up {
            self.q + t * self.w - self.base as f64
        } else {
            self.base as f64 - (self.q - t * self.w)
        };
        let mut r = if g.is_nan() || g < 0.0 {
            0
        } else if g >= self.len as f64 {
            self.len
        } else {
            (g as u64 + 1).min(self.len)
        };
        while r > 0 && !holds(r - 1) {
            r -= 1;
        }
        while r < self.len && holds(r) {
            r += 1;
        }
        r
    }
}

/// The level boxes of one search and the feasibility test at a level.
struct Boxes<'a> {
    tree: &'a Tree,
    ideal: &'a [f64],
    w: &'a [f64],
    lo: &'a [u64],
    hi: &'a [u64],
}

impl Boxes<'_> {
    fn at(&self, z: f64, blo: &mut [u64], bhi: &mut [u64]) {
        for i in 0..self.ideal.len() {
            (blo[i], bhi[i]) = level_box(self.ideal[i], self.w[i], z, self.lo[i], self.hi[i]);
        }
    }

    fn feasible(&self, z: f64, work: &mut Work) -> bool {
        self.at(z, &mut work.blo, &mut work.bhi);
        self.tree.ranges(&work.blo, &work.bhi, &mut work.l, &mut work.h).is_ok()
    }
}

impl Tree {
    /// The minimax optimum: the smallest level z at which the level boxes are feasible, then
    /// the chi-square tie-break inside the boxes of that level. Returns the slots and z.
    pub fn solve_minimax(&self, lo: &[u64], hi: &[u64], ideal: &[f64], x: &mut Vec<u64>) -> f64 {
        self.solve_minimax_with(lo, hi, ideal, &self.qsum, &[], x, &mut Work::default())
    }

    /// [`solve_minimax`](Self::solve_minimax) with the nodes' Σ q given and reused buffers
    /// (no allocation once they have grown). `lo..hi` must be feasible (`ranges` is `Ok`).
    /// The tie-break solve inside the level's boxes starts from `start` (e.g. the optimum of
    /// the previous sweep point) when it lies in them, else from the proportional split; the
    /// optimum there is unique, so the start changes only the number of exchanges.
    #[allow(clippy::too_many_arguments)]
    pub fn solve_minimax_with(
        &self,
        lo: &[u64],
        hi: &[u64],
        ideal: &[f64],
        qsum: &[f64],
        start: &[u64],
        x: &mut Vec<u64>,
        work: &mut Work,
    ) -> f64 {
        let n = self.n;
        let mut w = std::mem::take(&mut work.rel);
        w.clear();
        w.extend(ideal.iter().map(|&q| rel_weight(q)));
        for v in [&mut work.blo, &mut work.bhi, &mut work.zlo, &mut work.zhi] {
            v.clear();
            v.resize(n, 0);
        }
        let boxes = Boxes { tree: self, ideal, w: &w, lo, hi };
        // The search leaves the boxes of the level and their node ranges in `work`.
        let level = self.least_feasible_level(&boxes, qsum, work);
        let costs = Costs::new(ideal, Separable::Chi);
        let (blo, bhi) = (std::mem::take(&mut work.blo), std::mem::take(&mut work.bhi));
        let (l, h) = (std::mem::take(&mut work.l), std::mem::take(&mut work.h));
        if start.is_empty() || !self.solve_from_with(&l, &h, start, &costs, x, work) {
            self.solve_in_ranges_with(&l, &h, qsum, &costs, x, work);
        }
        (work.l, work.h) = (l, h);
        // The level is the deviation the allocation realises; solve again inside its own
        // boxes if they are smaller, so that both paths break ties in the same boxes.
        let z = max_relative_deviation(ideal, x);
        let (mut zlo, mut zhi) = (std::mem::take(&mut work.zlo), std::mem::take(&mut work.zhi));
        if z.to_bits() != level.to_bits() {
            boxes.at(z, &mut zlo, &mut zhi);
            if zlo != blo || zhi != bhi {
                self.solve_separable_with(&zlo, &zhi, qsum, &costs, x, work);
            }
        }
        (work.rel, work.blo, work.bhi, work.zlo, work.zhi) = (w, blo, bhi, zlo, zhi);
        z
    }

    /// The smallest feasible level: 0 or a candidate level (see the module documentation).
    /// Leaves the level's boxes in `work.blo`, `work.bhi` and their node ranges in `work.l`,
    /// `work.h`.
    fn least_feasible_level(&self, boxes: &Boxes, qsum: &[f64], work: &mut Work) -> f64 {
        let (ideal, w, lo, hi) = (boxes.ideal, boxes.w, boxes.lo, boxes.hi);
        let mut sides = std::mem::take(&mut work.sides);
        sides.clear();
        // lb: the largest over units of the smallest level with an integer in the unit's box.
        let (mut lb, mut lb_w) = (0.0, 1.0);
        for i in 0..self.n {
            let (q, wi) = (ideal[i], w[i]);
            let pair = [Side::above(q, wi, lo[i], hi[i]), Side::below_quota(q, wi, lo[i], hi[i])];
            // q is an integer (its floor is not below it) within the unit's range: level 0.
            let exact = floor_fast(q) >= q && lo[i] as f64 <= q && q <= hi[i] as f64;
            let near = if exact {
                0.0
            } else {
                pair.iter().filter(|s| s.len > 0).map(|s| s.level(0)).fold(f64::INFINITY, f64::min)
            };
            if near > lb {
                (lb, lb_w) = (near, wi);
            }
            sides.push(pair);
        }
        // A level more than the box tolerance (in level units of lb's unit) below lb leaves
        // that unit's box empty, so it is infeasible — level 0 included; candidates closer to
        // lb are searched.
        let margin = 8.0 * BOX_TOL / lb_w;
        if lb <= margin && boxes.feasible(0.0, work) {
            work.sides = sides;
            return 0.0;
        }
        let mut z_lo = (lb - margin).max(0.0);
        let mut z_hi = lb;
        // The level whose boxes and ranges `work` holds.
        let mut tested = lb;
        if !(lb > 0.0 && boxes.feasible(lb, work)) {
            z_lo = z_lo.max(lb);
            z_hi = self.start_level(boxes, qsum, work);
            tested = f64::NAN;
        }
        let limit = COLLECT + 4 * self.n as u64;
        let mut cands = std::mem::take(&mut work.cands);
        loop {
            let ranks = |s: &Side| {
                if s.maybe_between(z_lo, z_hi) {
                    s.count_below(z_lo, true)..s.count_below(z_hi, false)
                } else {
                    0..0
                }
            };
            let mut count = 0;
            for s in sides.iter().flatten() {
                let r = ranks(s);
                count += r.end.saturating_sub(r.start);
            }
            if count == 0 {
                break;
            }
            if count <= limit {
                cands.clear();
                for s in sides.iter().flatten() {
                    cands.extend(ranks(s).map(|r| s.level(r)));
                }
                let (mut a, mut b) = (0, cands.len());
                while a < b {
                    let m = a + (b - a) / 2;
                    let c = *cands[a..b].select_nth_unstable_by(m - a, f64::total_cmp).1;
                    tested = c;
                    if boxes.feasible(c, work) {
                        (z_hi, b) = (c, m);
                    } else {
                        a = m + 1;
                    }
                }
                break;
            }
            // The smallest candidate at or above the middle, or the largest below it if none
            // lies between the middle and z_hi: strictly between z_lo and z_hi either way.
            let mid = z_lo + 0.5 * (z_hi - z_lo);
            let at = |s: &Side| s.count_below(mid, false);
            let up = sides
                .iter()
                .flatten()
                .filter(|s| at(s) < s.len)
                .map(|s| s.level(at(s)))
                .fold(f64::INFINITY, f64::min);
            let probe = if up < z_hi {
                up
            } else {
                sides.iter().flatten().filter(|s| at(s) > 0).map(|s| s.level(at(s) - 1)).fold(z_lo, f64::max)
            };
            tested = probe;
            if boxes.feasible(probe, work) {
                z_hi = probe;
            } else {
                z_lo = probe;
            }
        }
        (work.sides, work.cands) = (sides, cands);
        if tested.to_bits() != z_hi.to_bits() {
            assert!(boxes.feasible(z_hi, work), "the level of a feasible allocation is feasible");
        }
        z_hi
    }

    /// The level of the proportional start (a feasible allocation in `boxes`' floors and caps,
    /// so its level boxes are feasible).
    fn start_level(&self, boxes: &Boxes, qsum: &[f64], work: &mut Work) -> f64 {
        let (mut l, mut h) = (std::mem::take(&mut work.l), std::mem::take(&mut work.h));
        self.ranges(boxes.lo, boxes.hi, &mut l, &mut h).expect("feasible boxes");
        let mut target = std::mem::take(&mut work.target);
        target.clear();
        target.resize(self.nodes(), 0);
        target[self.root()] = self.own_lo[self.root()];
        for &v in self.post.iter().rev() {
            self.split(v, target[v], &l, &h, qsum, &mut target, &mut work.fixed, &mut work.by_gap);
        }
        let z = max_relative_deviation(boxes.ideal, &target[..self.n]);
        (work.l, work.h, work.target) = (l, h, target);
        z
    }
}
