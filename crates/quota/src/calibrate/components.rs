//! The weight components of a calibration and the linear score they give.
//!
//! With the normalised columns `s_ij`, the development term `u_i` and the region factors `m_i`
//! of the scenario held fixed, a unit's score under indicator weights v (Σ v = 1) and
//! development weight δ is
//!
//! ```text
//! score_i = m_i·((1 − δ)·Σ_j v_j·s_ij + δ·u_i) = Σ_j a_ij·y_j + a_i,dev·y_dev / κ
//! a_ij = m_i·s_ij,  a_i,dev = m_i·u_i,  y_j = κ·(1 − δ)·v_j,  y_dev = κ·δ
//! ```
//!
//! for any scale κ > 0: the score is linear in the unnormalised components y ≥ 0, and the
//! weights are ratios of them, `v_j = y_j / Σ_k y_k` (indicators only) and
//! `δ = y_dev / (Σ_k y_k + y_dev)`. The development term is therefore one more component, and
//! δ can be calibrated with the indicator weights, exactly. Any normalisation of the columns
//! keeps this linearity (the normalised columns do not depend on the weights); the region
//! multipliers m stay fixed (they multiply, they do not add).

use super::linear::Terms;
use crate::scenario::Scenario;

/// The development weight in a calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Development {
    /// The scenario has no development term.
    Absent,
    /// Held at the scenario's δ.
    Fixed(f64),
    /// Free in `[lo, hi]` (`0 ≤ lo ≤ hi < 1`).
    Range(f64, f64),
}

/// The components of the scores and which weights are free.
#[derive(Debug, Clone)]
pub(crate) struct Components {
    /// `a[i][c]`: indicator components first, then the development component (if present).
    pub a: Vec<Vec<f64>>,
    /// Number of indicator components.
    pub indicators: usize,
    /// Per indicator: free (calibrated) or held at its scenario weight.
    pub free: Vec<bool>,
    /// The scenario's (normalised) indicator weights.
    pub base: Vec<f64>,
    /// The development weight.
    pub development: Development,
}

/// A weighting: indicator weights (summing to 1) and the development weight.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Weighting {
    /// Indicator weights in the scenario's indicator order.
    pub weights: Vec<f64>,
    /// Development weight δ (0 when the scenario has no development term).
    pub development_weight: f64,
}

impl Components {
    /// The components of `s`, with the indicators marked in `free` free.
    pub fn new(s: &Scenario, free: Vec<bool>, development: Development) -> Components {
        let n = s.units.len();
        let k = s.model.normalised.len();
        let a = (0..n)
            .map(|i| {
                let m = s.model.region_factor[i];
                let mut row: Vec<f64> = (0..k).map(|j| m * s.model.normalised[j][i]).collect();
                if let (Some(u), false) = (&s.model.development, matches!(development, Development::Absent)) {
                    row.push(m * u[i]);
                }
                row
            })
            .collect();
        Components { a, indicators: k, free, base: s.weights(), development }
    }

    /// Number of components (indicators, plus one for the development term).
    pub fn len(&self) -> usize {
        self.indicators + usize::from(self.has_development())
    }

    /// Whether the development term is a component.
    pub fn has_development(&self) -> bool {
        !matches!(self.development, Development::Absent)
    }

    /// Share of the indicator weight that the free indicators carry: `1 − Σ fixed weights`.
    pub fn free_share(&self) -> f64 {
        1.0 - (0..self.indicators).filter(|&j| !self.free[j]).map(|j| self.base[j]).sum::<f64>()
    }

    /// The weighting of components `y` (see the module documentation). Held weights keep
    /// their scenario value exactly; free ones share [`free_share`](Self::free_share).
    pub fn weighting(&self, y: &[f64]) -> Weighting {
        let k = self.indicators;
        let free_sum: f64 = (0..k).filter(|&j| self.free[j]).map(|j| y[j].max(0.0)).sum();
        let share = self.free_share();
        let weights = (0..k)
            .map(|j| match (self.free[j], free_sum > 0.0) {
                (false, _) => self.base[j],
                (true, true) => share * y[j].max(0.0) / free_sum,
                (true, false) => self.base[j],
            })
            .collect();
        let development_weight = match self.development {
            Development::Absent => 0.0,
            Development::Fixed(d) => d,
            Development::Range(lo, hi) => {
                let all: f64 = y.iter().map(|v| v.max(0.0)).sum();
                if all > 0.0 {
                    (y[k].max(0.0) / all).clamp(lo, hi)
                } else {
                    lo
                }
            }
        };
        Weighting { weights, development_weight }
    }

    /// The weighting at a point of the free coordinates (see [`coordinates`](Self::coordinates)).
    pub fn at(&self, coords: &[f64]) -> Weighting {
        let mut weights = self.base.clone();
        let mut c = coords.iter();
        for j in 0..self.indicators {
            if self.free[j] {
                weights[j] = *c.next().expect("one coordinate per free indicator");
            }
        }
        let development_weight = match self.development {
            Development::Absent => 0.0,
            Development::Fixed(d) => d,
            Development::Range(..) => *c.next().expect("a development coordinate"),
        };
        Weighting { weights, development_weight }
    }

    /// The free coordinates of a weighting: the free indicators' weights, then δ if it varies.
    pub fn coordinates(&self, w: &Weighting) -> Vec<f64> {
        let mut out: Vec<f64> =
            (0..self.indicators).filter(|&j| self.free[j]).map(|j| w.weights[j]).collect();
        if matches!(self.development, Development::Range(..)) {
            out.push(w.development_weight);
        }
        out
    }

    /// Whether δ is a free coordinate.
    pub fn development_varies(&self) -> bool {
        matches!(self.development, Development::Range(..))
    }

    /// Coordinate `c` as a ratio of components: (numerator, denominator) terms.
    pub fn ratio(&self, coord: usize) -> (Terms, Terms) {
        let free: Vec<usize> = (0..self.indicators).filter(|&j| self.free[j]).collect();
        if coord < free.len() {
            let j = free[coord];
            // v_j = share · y_j / Σ_free y: numerator scaled by the free share.
            (vec![(j, self.free_share())], free.iter().map(|&k| (k, 1.0)).collect())
        } else {
            (vec![(self.indicators, 1.0)], (0..self.len()).map(|k| (k, 1.0)).collect())
        }
    }
}
