//! Proven outer bounds of a free coordinate (a weight, or δ) over the weightings that reproduce
//! a partial observation: the same boxes and relaxation as the slot ranges, asked "does any
//! weighting beyond the witnessed extreme reproduce the known units?".
//!
//! The extreme of a coordinate is reached on a cell boundary, where boxes always straddle it,
//! so this search ends at the depth limit next to the witnessed extreme: the proved bound lies
//! within a box's width (about 10⁻⁶ of the range at depth 40) of the witnessed one, or further
//! out where a limit left other boxes open.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Ask, Cell, Prover, Queued, Work, MAX_NODES};
use crate::calibrate::grid::Evaluator;

/// Splits after which a box next to the extreme is left undecided: 2⁻²⁰ of each side (about
/// 10⁻⁶ of a weight's range), finer than the six decimals the ranges are shown with.
const EXTENT_DEPTH: u32 = 40;

/// The outcome of one extent question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Extent {
    /// The most extreme value any reproducing weighting can have (proved).
    pub bound: f64,
    /// The most extreme value witnessed (the starting value, or a witness the boxes found).
    pub witnessed: f64,
    /// Boxes tested.
    pub nodes: usize,
}

/// An order-preserving key of a float (larger float, larger key).
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

impl Prover<'_> {
    /// The smallest (`lower`) or largest value of free coordinate `c` (the order of
    /// [`Components::coordinates`](crate::calibrate::components::Components::coordinates)) over
    /// the weightings that reproduce the known units, from the witnessed extreme `witnessed`.
    /// Box centres beyond it that reproduce the known units go to `witness`, which confirms them.
    pub fn extent(
        &self,
        c: usize,
        lower: bool,
        witnessed: f64,
        eval: &mut Evaluator,
        witness: &mut dyn FnMut(&[f64], &[u64]) -> bool,
    ) -> Extent {
        let mut work = Work::default();
        let mut best = witnessed;
        // How far beyond `best` a box reaches (positive: beyond), and the key of the queue.
        // (Outside the coordinate's limits nothing reproduces anything: a weight below 0.)
        let (floor, ceiling) = self.coordinate_limits(c);
        let beyond = |cell: &Cell, best: f64| -> f64 {
            let (lo, hi) = self.coordinate_range(cell, c);
            let (lo, hi) = (lo.max(floor), hi.min(ceiling));
            if lower {
                best - lo
            } else {
                hi - best
            }
        };
        let root = self.root_cell();
        let mut heap: BinaryHeap<Queued> = BinaryHeap::new();
        let (mut seq, mut nodes) = (0u64, 0usize);
        let mut undecided: Option<f64> = None;
        let mut push =
            |cell: Cell, best: f64, heap: &mut BinaryHeap<Queued>, work: &mut Work, nodes: &mut usize| {
                *nodes += 1;
                let reach = beyond(&cell, best);
                if reach > 0.0 && self.test(&cell, Ask::Consistent, work).is_some() {
                    seq += 1;
                    heap.push(Queued { key: order_key(reach), seq: Reverse(seq), reach: 0, cell });
                }
            };
        push(root, best, &mut heap, &mut work, &mut nodes);
        while let Some(Queued { cell, .. }) = heap.pop() {
            // Boxes queued before a witness moved `best` may no longer reach beyond it.
            if beyond(&cell, best) <= 0.0 {
                continue;
            }
            let centre: Vec<f64> = cell.lo.iter().zip(&cell.hi).map(|(a, b)| 0.5 * (a + b)).collect();
            if let Some(coords) = self.coordinates(&centre) {
                let further = if lower { coords[c] < best } else { coords[c] > best };
                if further {
                    if let Some(got) = eval.slots(&self.comps.at(&coords)) {
                        if self.reproduces(got) && witness(&coords, got) {
                            best = coords[c];
                        }
                    }
                }
            }
            if cell.depth >= EXTENT_DEPTH || nodes >= MAX_NODES {
                let (lo, hi) = self.coordinate_range(&cell, c);
                let end = if lower { lo } else { hi };
                undecided = Some(match undecided {
                    Some(u) if lower => u.min(end),
                    Some(u) => u.max(end),
                    None => end,
                });
                continue;
            }
            let (a, b) = self.split(&cell);
            push(a, best, &mut heap, &mut work, &mut nodes);
            push(b, best, &mut heap, &mut work, &mut nodes);
        }
        let bound = match undecided {
            Some(u) if lower => u.min(best).max(floor),
            Some(u) => u.max(best).min(ceiling),
            None => best,
        };
        Extent { bound, witnessed: best, nodes }
    }

    /// The smallest and largest value of coordinate `c` over a box.
    fn coordinate_range(&self, cell: &Cell, c: usize) -> (f64, f64) {
        let f = self.free.len();
        if c + 1 < f {
            (cell.lo[c], cell.hi[c])
        } else if c + 1 == f {
            let share = self.comps.free_share();
            let k = f - 1;
            (share - cell.hi[..k].iter().sum::<f64>(), share - cell.lo[..k].iter().sum::<f64>())
        } else {
            let d = cell.lo.len() - 1;
            (cell.lo[d], cell.hi[d])
        }
    }

    /// The values coordinate `c` can take at all: [0, free share] for a weight, δ's range.
    fn coordinate_limits(&self, c: usize) -> (f64, f64) {
        if c < self.free.len() {
            (0.0, self.comps.free_share())
        } else {
            *self.root.last().expect("a δ coordinate")
        }
    }
}
