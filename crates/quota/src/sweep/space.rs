//! The factors a sweep varies and the parameter vector of one scenario.
//!
//! The indicator weights live on the simplex (w ≥ 0, Σw = 1). The disparity parameters — the
//! development weight δ ∈ [0, 1) and the multiplier of each NBS region (> 0) — are optional
//! extra factors, each varied over a range the caller gives ("box" factors).

use crate::scenario::Scenario;
use crate::units::Region;

use super::SweepError;

/// One thing a sweep can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Factor {
    /// The weight of indicator j (scenario order).
    Weight(usize),
    /// The development weight δ of the disparity term.
    DevelopmentWeight,
    /// The multiplier of one NBS region.
    RegionMultiplier(Region),
}

/// The parameters of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Indicator weights (sum 1).
    pub weights: Vec<f64>,
    /// Development weight δ (0 when the term is off).
    pub delta: f64,
    /// Multiplier per region, in [`Region::ALL`] order (1 where the scenario sets none).
    pub multipliers: [f64; 4],
}

impl Params {
    /// Appends the parameters to a flat buffer (weights, δ, multipliers).
    pub fn push_to(&self, out: &mut Vec<f64>) {
        out.extend_from_slice(&self.weights);
        out.push(self.delta);
        out.extend_from_slice(&self.multipliers);
    }

    /// Reads back what [`Params::push_to`] wrote (same number of weights).
    pub fn read_from(&mut self, flat: &[f64]) {
        let k = self.weights.len();
        self.weights.copy_from_slice(&flat[..k]);
        self.delta = flat[k];
        self.multipliers.copy_from_slice(&flat[k + 1..k + 5]);
    }

    /// A key that puts scenarios with similar weights next to each other: the first two weights
    /// (16 bits each) interleaved bit by bit (a Morton, or Z-order, curve).
    pub fn locality_key(&self) -> u64 {
        let q = |x: f64| (x.clamp(0.0, 1.0) * 65535.0) as u64;
        let (a, b) = (q(self.weights[0]), q(self.weights.get(1).copied().unwrap_or(0.0)));
        spread_bits(a) << 1 | spread_bits(b)
    }
}

/// The 16 low bits of `x` moved to the even bit positions (bit j to bit 2j), the odd ones 0:
/// four shift-and-mask steps instead of a loop over the bits (this runs per Monte Carlo
/// scenario).
#[inline]
fn spread_bits(x: u64) -> u64 {
    let x = x & 0xFFFF;
    let x = (x | x << 8) & 0x00FF_00FF;
    let x = (x | x << 4) & 0x0F0F_0F0F;
    let x = (x | x << 2) & 0x3333_3333;
    (x | x << 1) & 0x5555_5555
}

/// A factor varied uniformly (or on a grid) over [lo, hi].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxFactor {
    /// Which parameter.
    pub factor: Factor,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// The factor space of a scenario: its indicator weights, its baseline parameters, and the
/// disparity parameters chosen to vary.
#[derive(Debug, Clone)]
pub struct Space {
    /// Scenario name (for messages).
    pub scenario: String,
    /// Indicator columns, in scenario order.
    pub columns: Vec<String>,
    /// Indicator labels.
    pub labels: Vec<String>,
    /// The scenario's own parameters.
    pub base: Params,
    /// Whether the scenario has a development term (so δ can vary).
    pub has_development: bool,
    /// Disparity parameters varied as box factors.
    pub extra: Vec<BoxFactor>,
}

/// Names accepted for the development weight.
const DELTA_NAMES: [&str; 3] = ["development_weight", "delta", "δ"];

impl Space {
    /// The space of a validated scenario, with no disparity factor varied.
    pub fn new(s: &Scenario) -> Space {
        let mut multipliers = [1.0; 4];
        if let Some(d) = &s.disparity {
            for (r, m) in &d.multipliers {
                multipliers[region_index(*r)] = *m;
            }
        }
        Space {
            scenario: s.name.clone(),
            columns: s.indicators.iter().map(|i| i.column.clone()).collect(),
            labels: s.indicators.iter().map(|i| i.label.clone()).collect(),
            base: Params { weights: s.weights(), delta: s.development_weight(), multipliers },
            has_development: s.model.development.is_some(),
            extra: Vec::new(),
        }
    }

    /// Number of indicator weights.
    pub fn weights(&self) -> usize {
        self.columns.len()
    }

    /// Resolves a factor name: an indicator column or label, `development_weight` (also
    /// `delta`, `δ`), or a region name (东部/中部/西部/东北 or East/Central/West/Northeast,
    /// optionally prefixed `multiplier:`).
    pub fn resolve(&self, name: &str) -> Result<Factor, SweepError> {
        let key = name.trim();
        if let Some(j) =
            self.columns.iter().position(|c| c == key).or_else(|| self.labels.iter().position(|l| l == key))
        {
            return Ok(Factor::Weight(j));
        }
        if DELTA_NAMES.contains(&key.to_ascii_lowercase().as_str()) {
            if !self.has_development {
                return Err(self.unknown(
                    name,
                    "; the scenario has no development term, so development_weight cannot vary",
                ));
            }
            return Ok(Factor::DevelopmentWeight);
        }
        let region = key.strip_prefix("multiplier:").unwrap_or(key);
        if let Ok(r) = region.parse::<Region>() {
            return Ok(Factor::RegionMultiplier(r));
        }
        let mut candidates: Vec<String> = self.columns.clone();
        candidates.push("development_weight".into());
        let hint = crate::input::closest(key, &candidates)
            .map(|c| format!("; did you mean '{c}'?"))
            .unwrap_or_default();
        Err(self.unknown(name, &hint))
    }

    fn unknown(&self, name: &str, hint: &str) -> SweepError {
        let mut known: Vec<String> = self.columns.iter().map(|c| format!("'{c}'")).collect();
        if self.has_development {
            known.push("'development_weight'".into());
        }
        SweepError::UnknownFactor {
            name: name.to_string(),
            scenario: self.scenario.clone(),
            known: format!("{} (and the region multipliers 东部, 中部, 西部, 东北)", known.join(", ")),
            hint: hint.to_string(),
        }
    }

    /// The display name of a factor.
    pub fn name(&self, f: Factor) -> String {
        match f {
            Factor::Weight(j) => self.columns[j].clone(),
            Factor::DevelopmentWeight => "development_weight".into(),
            Factor::RegionMultiplier(r) => format!("multiplier:{}", r.name_zh()),
        }
    }

    /// Checks that [lo, hi] is a non-empty range inside the factor's domain.
    pub fn check_range(&self, f: Factor, lo: f64, hi: f64) -> Result<(), SweepError> {
        let what = self.name(f);
        if !lo.is_finite() || !hi.is_finite() || lo >= hi {
            return Err(SweepError::EmptyRange { what, lo, hi });
        }
        let (ok, allowed) = match f {
            Factor::Weight(_) => (lo >= 0.0 && hi <= 1.0, "[0, 1] (a weight)"),
            Factor::DevelopmentWeight => (lo >= 0.0 && hi < 1.0, "[0, 1) (the development weight)"),
            Factor::RegionMultiplier(_) => (
                lo >= crate::limits::MIN_FACTOR && hi <= crate::limits::MAX_FACTOR,
                "[1e-6, 1e6] (a multiplier)",
            ),
        };
        if !ok {
            return Err(SweepError::RangeOutside { what, lo, hi, allowed });
        }
        Ok(())
    }

    /// Adds a disparity parameter to vary over [lo, hi] (weights cannot be box factors: they
    /// live on the simplex).
    pub fn vary(&mut self, f: Factor, lo: f64, hi: f64) -> Result<(), SweepError> {
        if let Factor::Weight(_) = f {
            return Err(SweepError::BadParameter {
                what: format!("--vary {}", self.name(f)),
                expected: "a disparity parameter (development_weight or a region); weights are varied by the design itself",
                value: lo,
            });
        }
        self.check_range(f, lo, hi)?;
        self.extra.retain(|b| b.factor != f);
        self.extra.push(BoxFactor { factor: f, lo, hi });
        Ok(())
    }

    /// Sets one factor in `p`. For a weight, `w_j = v` and the other weights keep their
    /// baseline proportions: `w_k = (1 − v) · w⁰_k / (1 − w⁰_j)`.
    pub fn set(&self, p: &mut Params, f: Factor, v: f64) {
        match f {
            Factor::Weight(j) => {
                let rest = 1.0 - self.base.weights[j];
                for (k, w) in p.weights.iter_mut().enumerate() {
                    *w = if k == j { v } else { (1.0 - v) * self.base.weights[k] / rest };
                }
            }
            Factor::DevelopmentWeight => p.delta = v,
            Factor::RegionMultiplier(r) => p.multipliers[region_index(r)] = v,
        }
    }

    /// Checks that a weight can be varied one at a time (the others must have proportions).
    pub fn check_oat_weight(&self, f: Factor) -> Result<(), SweepError> {
        if let Factor::Weight(j) = f {
            if self.base.weights.len() < 2 || self.base.weights[j] >= 1.0 {
                return Err(SweepError::BadParameter {
                    what: format!("weight '{}'", self.columns[j]),
                    expected:
                        "below 1 with other positive weights (their proportions are kept while it varies)",
                    value: self.base.weights[j],
                });
            }
        }
        Ok(())
    }

    /// The value of a factor in `p`.
    pub fn get(&self, p: &Params, f: Factor) -> f64 {
        match f {
            Factor::Weight(j) => p.weights[j],
            Factor::DevelopmentWeight => p.delta,
            Factor::RegionMultiplier(r) => p.multipliers[region_index(r)],
        }
    }
}

/// Position of a region in [`Region::ALL`].
pub fn region_index(r: Region) -> usize {
    Region::ALL.iter().position(|&x| x == r).expect("every region is in ALL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locality_key_interleaves_the_first_two_weights_bit_by_bit() {
        let quantise = |x: f64| (x.clamp(0.0, 1.0) * 65535.0) as u64;
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let (w0, w1) = ((s >> 11) as f64 / (1u64 << 53) as f64, (s & 0xFFFF_FFFF) as f64 / 4e9);
            let p = Params { weights: vec![w0, w1, 1.0 - w0], delta: 0.0, multipliers: [1.0; 4] };
            let (a, b) = (quantise(w0), quantise(w1));
            let want = (0..16).rev().fold(0, |k, bit| k << 2 | (a >> bit & 1) << 1 | (b >> bit & 1));
            assert_eq!(p.locality_key(), want, "{w0} {w1}");
        }
        let one = Params { weights: vec![1.0], delta: 0.0, multipliers: [1.0; 4] };
        assert_eq!(one.locality_key(), 0xAAAA_AAAA);
    }
}
