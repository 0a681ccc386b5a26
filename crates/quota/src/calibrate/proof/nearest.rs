//! A proven lower bound on the nearest explanation (Hamilton): the fewest slots, summed over the
//! observed units, that any weighting must get wrong. Best-first over the same boxes: a box's
//! bound is the smallest miss its relaxation allows ([`Prover::l1_lower_hamilton`]); box
//! centres are allocated, and one that misses fewer slots than the best so far (confirmed by
//! the caller) becomes the best. The search ends when the smallest bound left reaches the best
//! found — that fit is then the best possible — or at the box limits, which leave a proven
//! bracket.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Cell, Prover, Queued, Work, MAX_DEPTH, MAX_NODES};
use crate::calibrate::grid::Evaluator;

/// The outcome of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NearestProof {
    /// No weighting misses fewer slots (proved).
    pub lower: u64,
    /// The best miss found: the caller's, or a box centre's.
    pub best: u64,
    /// The box centre that found it, when it beat the caller's (free coordinates).
    pub better: Option<Vec<f64>>,
    /// Boxes tested.
    pub nodes: usize,
}

impl Prover<'_> {
    /// The proven lower bound on the slots any weighting misses, starting from a known fit that
    /// misses `upper`. `confirm` re-allocates a better box centre before it counts.
    pub fn nearest(
        &self,
        upper: u64,
        eval: &mut Evaluator,
        confirm: &mut dyn FnMut(&[f64], &[u64]) -> bool,
    ) -> NearestProof {
        let mut work = Work::default();
        let (mut best, mut better) = (upper, None);
        let mut heap: BinaryHeap<Queued> = BinaryHeap::new();
        let (mut seq, mut nodes) = (0u64, 0usize);
        let mut undecided = u64::MAX;
        let mut push =
            |cell: Cell, best: u64, heap: &mut BinaryHeap<Queued>, work: &mut Work, nodes: &mut usize| {
                *nodes += 1;
                if !self.score_bounds(&cell, work) {
                    return;
                }
                if let Some(lb) = self.l1_lower_hamilton(work).filter(|&lb| lb < best) {
                    seq += 1;
                    heap.push(Queued { key: u64::MAX - lb, seq: Reverse(seq), reach: lb, cell });
                }
            };
        let root = self.root_cell();
        push(root, best, &mut heap, &mut work, &mut nodes);
        while let Some(Queued { reach: lb, cell, .. }) = heap.pop() {
            if lb >= best {
                break;
            }
            if let Some((coords, got)) = self.allocate_centre(&cell, eval) {
                let miss: u64 =
                    self.observed.iter().zip(got).filter_map(|(x, g)| x.map(|x| x.abs_diff(*g))).sum();
                if miss < best && confirm(&coords, got) {
                    best = miss;
                    better = Some(coords);
                    if lb >= best {
                        continue;
                    }
                }
            }
            if cell.depth >= MAX_DEPTH || nodes >= MAX_NODES {
                undecided = undecided.min(lb);
                continue;
            }
            let (a, b) = self.split(&cell);
            push(a, best, &mut heap, &mut work, &mut nodes);
            push(b, best, &mut heap, &mut work, &mut nodes);
        }
        NearestProof { lower: undecided.min(best), best, better, nodes }
    }
}
