//! Monte Carlo: random weights and/or noisy indicators, reproducible from a seed.
//!
//! Scenario k draws from ChaCha8 seeded with the run's seed on stream k ([`scenario_rng`]), in
//! this order: the weights, then the disparity factors, then the indicator noise. So scenario
//! k is the same whatever the chunking or the thread count.
//!
//! - Weights `dirichlet(c)`: `w ~ Dirichlet(c·w⁰)` around the scenario's weights w⁰ (mean w⁰;
//!   larger c, tighter), drawn as normalised Gamma(c·w⁰_j, 1) variates; a zero weight stays 0.
//! - Weights `uniform`: uniform on the simplex, Dirichlet(1, …, 1) (normalised Exp(1) variates).
//! - Disparity factors varied: uniform on [lo, hi].
//! - Noise ±x: every raw indicator value is multiplied by an independent U[1 − x, 1 + x]
//!   factor, then each column is normalised again by its own rule (the development indicator
//!   is not perturbed).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};
use serde::{Deserialize, Serialize};

use super::eval::{Columns, Evaluator, SlotRule, Workspace};
use super::run::PointSource;
use super::space::{region_index, BoxFactor, Space};
use super::stream::ScenarioStream;
use super::{Factor, SweepError};

/// How the weights are drawn (in JSON: `"fixed"`, `{"dirichlet": c}` or `"uniform"`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightDraw {
    /// Keep the scenario's weights (noise only).
    Fixed,
    /// Dirichlet around the scenario's weights with this concentration.
    Dirichlet(f64),
    /// Uniform on the simplex.
    Uniform,
}

/// The Monte Carlo design.
#[derive(Debug, Clone)]
pub struct MonteCarlo {
    n: u64,
    base_rng: ChaCha8Rng,
    draw: WeightDraw,
    gammas: Vec<Option<Gamma<f64>>>,
    base: Vec<f64>,
    extra: Vec<BoxFactor>,
    noise: Option<f64>,
}

/// The generator of scenario `index`: ChaCha8 with `base`'s seed, on stream `index`, from its
/// first word. Built from the seed rather than cloned: a clone would copy `base`'s buffer.
pub fn scenario_rng(base: &ChaCha8Rng, index: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::from_seed(base.get_seed());
    r.set_stream(index);
    r
}

/// Smallest Dirichlet concentration accepted.
pub const MIN_CONCENTRATION: f64 = 1e-3;
/// Largest Dirichlet concentration accepted.
pub const MAX_CONCENTRATION: f64 = 1e9;

/// The indicator noise as the command takes it, ±`percent`%, checked and turned into the
/// fraction [`MonteCarlo::new`] takes; the message speaks in percent.
pub fn noise_from_percent(percent: f64) -> Result<f64, SweepError> {
    if percent.is_finite() && (0.0..100.0).contains(&percent) {
        Ok(percent / 100.0)
    } else {
        Err(SweepError::BadParameter {
            what: "the indicator noise (--noise, in percent)".into(),
            expected: "a percentage from 0 to below 100 (e.g. 5 for ±5%)",
            value: percent,
        })
    }
}

impl MonteCarlo {
    /// `n` scenarios; `noise` is x in ±x (0.1 = ±10%).
    pub fn new(
        space: &Space,
        n: u64,
        seed: u64,
        draw: WeightDraw,
        noise: Option<f64>,
    ) -> Result<Self, SweepError> {
        if n == 0 {
            return Err(SweepError::ZeroCount { what: "the number of scenarios (--scenarios)" });
        }
        let gammas = match draw {
            WeightDraw::Dirichlet(c) => {
                // Bounded so that c·w never underflows to a zero Gamma shape (weights are at
                // least 10^-12 / K of the total when positive: see crate::limits).
                if !(c.is_finite() && (MIN_CONCENTRATION..=MAX_CONCENTRATION).contains(&c)) {
                    return Err(SweepError::BadParameter {
                        what: "the Dirichlet concentration (--dirichlet)".into(),
                        expected: "a number from 0.001 to 1e9",
                        value: c,
                    });
                }
                space
                    .base
                    .weights
                    .iter()
                    .map(|&w| (w > 0.0).then(|| Gamma::new(c * w, 1.0).expect("positive shape")))
                    .collect()
            }
            WeightDraw::Uniform => {
                space.base.weights.iter().map(|_| Some(Gamma::new(1.0, 1.0).expect("valid"))).collect()
            }
            WeightDraw::Fixed => Vec::new(),
        };
        if let Some(x) = noise {
            if !(x.is_finite() && (0.0..1.0).contains(&x)) {
                return Err(SweepError::BadParameter {
                    what: "the indicator noise (as a fraction)".into(),
                    expected: "a fraction in [0, 1) (e.g. 0.1 for ±10%)",
                    value: x,
                });
            }
        }
        if draw == WeightDraw::Fixed && noise.is_none() && space.extra.is_empty() {
            return Err(SweepError::BadParameter {
                what: "monte-carlo".into(),
                expected: "given something to vary: --dirichlet C, --uniform, --noise X or --vary",
                value: 0.0,
            });
        }
        Ok(MonteCarlo {
            n,
            base_rng: ChaCha8Rng::seed_from_u64(seed),
            draw,
            gammas,
            base: space.base.weights.clone(),
            extra: space.extra.clone(),
            noise,
        })
    }
}

impl PointSource for MonteCarlo {
    /// One generator per task, rewound to each scenario's stream: the words of
    /// [`scenario_rng`]`(seed, index)`, one block at a time ([`ScenarioStream`]).
    type Cursor = ScenarioStream;

    fn len(&self) -> u64 {
        self.n
    }

    fn start(&self, _index: u64) -> ScenarioStream {
        ScenarioStream::new(&self.base_rng)
    }

    fn scattered(&self) -> bool {
        self.noise.is_none()
    }

    fn fill<R: SlotRule + ?Sized>(
        &self,
        rng: &mut ScenarioStream,
        index: u64,
        ev: &Evaluator<R>,
        ws: &mut Workspace,
    ) -> Columns {
        rng.rewind_to(index);
        let w = &mut ws.params.weights;
        if self.draw == WeightDraw::Fixed {
            w.copy_from_slice(&self.base);
        } else {
            let mut sum = 0.0;
            for (wj, g) in w.iter_mut().zip(&self.gammas) {
                *wj = g.as_ref().map_or(0.0, |g| g.sample(rng));
                sum += *wj;
            }
            if sum > 0.0 {
                for wj in w.iter_mut() {
                    *wj /= sum;
                }
            } else {
                w.copy_from_slice(&self.base);
            }
        }
        for b in &self.extra {
            let v = b.lo + (b.hi - b.lo) * rng.random::<f64>();
            match b.factor {
                Factor::DevelopmentWeight => ws.params.delta = v,
                Factor::RegionMultiplier(r) => ws.params.multipliers[region_index(r)] = v,
                Factor::Weight(_) => {}
            }
        }
        match self.noise {
            Some(x) => {
                ev.perturb(ws, x, rng);
                Columns::Noisy
            }
            None => Columns::Scenario,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_checked_in_percent() {
        assert!((noise_from_percent(5.0).unwrap() - 0.05).abs() < 1e-15);
        let e = noise_from_percent(150.0).unwrap_err().to_string();
        assert_eq!(
            e,
            "the indicator noise (--noise, in percent) must be a percentage from 0 to below 100 (e.g. 5 for ±5%), got 150"
        );
    }
}
