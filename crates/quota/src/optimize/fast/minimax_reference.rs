//! The minimax fast path as it was before the candidate-level search, kept as the tests'
//! reference (see `minimax_tests.rs`).

use super::{Tree, Work};
use crate::optimize::objective::{level_box, next_level, rel_weight, Costs, Separable};

impl Tree {
    /// The minimax solver before the candidate-level search (bisection on real levels with a
    /// walk over `next_level`), operation for operation: the reference the tests compare
    /// [`solve_minimax_with`](Tree::solve_minimax_with) with.
    pub fn solve_minimax_reference(
        &self,
        lo: &[u64],
        hi: &[u64],
        ideal: &[f64],
        qsum: &[f64],
        x: &mut Vec<u64>,
        work: &mut Work,
    ) -> f64 {
        let n = self.n;
        let mut w = std::mem::take(&mut work.rel);
        w.clear();
        w.extend(ideal.iter().map(|&q| rel_weight(q)));
        let (mut blo, mut bhi) = (std::mem::take(&mut work.blo), std::mem::take(&mut work.bhi));
        for v in [&mut blo, &mut bhi] {
            v.clear();
            v.resize(n, 0);
        }
        let (mut l, mut h) = (std::mem::take(&mut work.l), std::mem::take(&mut work.h));
        let boxes_at = |z: f64, blo: &mut Vec<u64>, bhi: &mut Vec<u64>| {
            for i in 0..n {
                (blo[i], bhi[i]) = level_box(ideal[i], w[i], z, lo[i], hi[i]);
            }
        };
        let mut z_hi = (0..n)
            .map(|i| (lo[i] as f64 - ideal[i]).abs().max((hi[i] as f64 - ideal[i]).abs()) / w[i])
            .fold(0.0, f64::max);
        let mut z_lo = 0.0;
        boxes_at(0.0, &mut blo, &mut bhi);
        if self.ranges(&blo, &bhi, &mut l, &mut h).is_ok() {
            z_hi = 0.0;
        } else {
            // Invariant: z_lo infeasible, z_hi feasible. Feasibility changes only at candidate
            // levels, so stop when the first candidate above z_lo is feasible (or is z_hi).
            let mut feasible = |z: f64, blo: &mut Vec<u64>, bhi: &mut Vec<u64>| {
                boxes_at(z, blo, bhi);
                self.ranges(blo, bhi, &mut l, &mut h).is_ok()
            };
            loop {
                match next_level(ideal, lo, hi, z_lo) {
                    Some(c) if c < z_hi => {
                        if feasible(c, &mut blo, &mut bhi) {
                            z_hi = c;
                            break;
                        }
                        z_lo = c;
                    }
                    _ => break,
                }
                let mid = 0.5 * (z_lo + z_hi);
                if mid <= z_lo || mid >= z_hi {
                    break;
                }
                if feasible(mid, &mut blo, &mut bhi) {
                    z_hi = mid;
                } else {
                    z_lo = mid;
                }
            }
        }
        let costs = Costs::new(ideal, Separable::Chi);
        boxes_at(z_hi, &mut blo, &mut bhi);
        (work.l, work.h) = (l, h);
        self.solve_separable_with(&blo, &bhi, qsum, &costs, x, work);
        // The level is the deviation the allocation realises; solve again inside its own
        // boxes if they are smaller, so that both paths break ties in the same boxes.
        let z = crate::optimize::objective::max_relative_deviation(ideal, x);
        let (mut zlo, mut zhi) = (std::mem::take(&mut work.zlo), std::mem::take(&mut work.zhi));
        for v in [&mut zlo, &mut zhi] {
            v.clear();
            v.resize(n, 0);
        }
        boxes_at(z, &mut zlo, &mut zhi);
        if zlo != blo || zhi != bhi {
            self.solve_separable_with(&zlo, &zhi, qsum, &costs, x, work);
        }
        (work.rel, work.blo, work.bhi, work.zlo, work.zhi) = (w, blo, bhi, zlo, zhi);
        z
    }
}
