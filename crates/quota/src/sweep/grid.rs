//! The full grid: every weight vector on the simplex with step h = 1/m — all compositions
//! `w = (k_1, …, k_K)/m` with `k_j ≥ 0`, `Σ k_j = m`, that is C(m+K−1, K−1) points — times, for
//! each disparity factor varied, the m+1 levels `lo + (hi − lo)·l/m`.
//!
//! Points are numbered in lexicographic order of (k_1, …, k_{K−1}) (disparity levels vary
//! fastest); a chunk starts by unranking its first index and then steps to the lexicographic
//! successor, so any split of the index range gives the same points.

use super::eval::{Columns, Evaluator, SlotRule, Workspace};
use super::run::PointSource;
use super::space::{BoxFactor, Space};
use super::SweepError;

/// Tolerance on `m · step = 1`: a step is accepted when 1/step is within 1e-9 of a whole number
/// (so 0.05 and 0.1, which are not exact binary fractions, divide 1).
pub const STEP_TOLERANCE: f64 = 1e-9;

/// The grid design.
#[derive(Debug, Clone)]
pub struct Grid {
    k: usize,
    m: u32,
    extra: Vec<BoxFactor>,
    levels: u64,
    box_count: u64,
    simplex: u64,
}

/// C(n, r), or None on overflow.
fn binomial(n: u64, r: u64) -> Option<u128> {
    let r = r.min(n.saturating_sub(r));
    let mut c: u128 = 1;
    for i in 0..r {
        c = c.checked_mul((n - i) as u128)? / (i as u128 + 1);
    }
    Some(c)
}

impl Grid {
    /// The grid with step `step` over the space's weights and disparity factors; refuses a
    /// step that does not divide 1 and grids with more than `limit` points.
    pub fn new(space: &Space, step: f64, limit: u64) -> Result<Grid, SweepError> {
        let inverse = 1.0 / step;
        if !(step > 0.0 && step <= 1.0 && inverse.is_finite())
            || (inverse - inverse.round()).abs() > STEP_TOLERANCE * inverse
        {
            return Err(SweepError::StepNotDivisor { step, inverse });
        }
        let m = inverse.round();
        if m > u32::MAX as f64 {
            return Err(SweepError::TooLarge { count: u128::MAX, limit });
        }
        let m = m as u32;
        let k = space.weights();
        let simplex = binomial(m as u64 + k as u64 - 1, k as u64 - 1);
        let levels = m as u64 + 1;
        let box_count = (0..space.extra.len()).try_fold(1u128, |a, _| a.checked_mul(levels as u128));
        let count = simplex.zip(box_count).and_then(|(a, b)| a.checked_mul(b)).unwrap_or(u128::MAX);
        if count > limit as u128 {
            return Err(SweepError::TooLarge { count, limit });
        }
        Ok(Grid {
            k,
            m,
            extra: space.extra.clone(),
            levels,
            box_count: box_count.expect("checked") as u64,
            simplex: simplex.expect("checked") as u64,
        })
    }

    /// The number of steps m = 1/h.
    pub fn m(&self) -> u32 {
        self.m
    }

    /// Writes the free parts (k_1, …, k_{K−1}) of simplex point `idx`.
    fn unrank(&self, mut idx: u64, parts: &mut [u32]) {
        let mut rest = self.m as u64;
        let k = self.k as u64;
        for (p, part) in parts.iter_mut().enumerate() {
            let q = k - p as u64; // parts left, this one included
            let mut v = 0u64;
            loop {
                let count = binomial(rest - v + q - 2, q - 2).expect("bounded by the grid size") as u64;
                if idx < count {
                    break;
                }
                idx -= count;
                v += 1;
            }
            *part = v as u32;
            rest -= v;
        }
    }

    /// Lexicographic successor of the free parts (false after the last point).
    fn next(&self, parts: &mut [u32]) -> bool {
        let mut s: u32 = parts.iter().sum();
        for p in (0..parts.len()).rev() {
            if s < self.m {
                parts[p] += 1;
                return true;
            }
            s -= parts[p];
            parts[p] = 0;
        }
        false
    }
}

/// A grid position: the free parts and the disparity level index.
#[derive(Debug, Clone)]
pub struct GridCursor {
    parts: Vec<u32>,
    level: u64,
}

impl PointSource for Grid {
    type Cursor = GridCursor;

    fn len(&self) -> u64 {
        self.simplex * self.box_count
    }

    fn start(&self, index: u64) -> GridCursor {
        let mut parts = vec![0; self.k - 1];
        self.unrank(index / self.box_count, &mut parts);
        GridCursor { parts, level: index % self.box_count }
    }

    fn fill<R: SlotRule + ?Sized>(
        &self,
        cur: &mut GridCursor,
        _index: u64,
        _ev: &Evaluator<R>,
        ws: &mut Workspace,
    ) -> Columns {
        let m = self.m as f64;
        let mut used = 0u32;
        for (w, &k) in ws.params.weights.iter_mut().zip(&cur.parts) {
            *w = k as f64 / m;
            used += k;
        }
        ws.params.weights[self.k - 1] = (self.m - used) as f64 / m;
        let mut level = cur.level;
        for b in &self.extra {
            let l = level % self.levels;
            level /= self.levels;
            let v = b.lo + (b.hi - b.lo) * (l as f64 / m);
            match b.factor {
                super::Factor::DevelopmentWeight => ws.params.delta = v,
                super::Factor::RegionMultiplier(r) => {
                    ws.params.multipliers[super::space::region_index(r)] = v
                }
                super::Factor::Weight(_) => {}
            }
        }
        cur.level += 1;
        if cur.level == self.box_count {
            cur.level = 0;
            self.next(&mut cur.parts);
        }
        Columns::Scenario
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(k: usize, m: u32) -> Grid {
        Grid {
            k,
            m,
            extra: vec![],
            levels: m as u64 + 1,
            box_count: 1,
            simplex: binomial((m as usize + k - 1) as u64, k as u64 - 1).unwrap() as u64,
        }
    }

    #[test]
    fn unranking_agrees_with_stepping_and_covers_every_composition() {
        for (k, m) in [(1, 5), (2, 4), (3, 20), (4, 7)] {
            let g = grid(k, m);
            let mut parts = vec![0; k - 1];
            g.unrank(0, &mut parts);
            let mut seen = std::collections::BTreeSet::new();
            for idx in 0..g.simplex {
                let mut direct = vec![0; k - 1];
                g.unrank(idx, &mut direct);
                assert_eq!(direct, parts, "k={k} m={m} idx={idx}");
                assert!(parts.iter().sum::<u32>() <= m);
                assert!(seen.insert(parts.clone()));
                let more = g.next(&mut parts);
                assert_eq!(more, idx + 1 < g.simplex);
            }
            assert_eq!(seen.len() as u64, g.simplex);
        }
        assert_eq!(grid(3, 20).simplex, 231);
    }
}
