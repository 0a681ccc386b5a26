//! Integer apportionment: turns exact integer weights into whole slots that sum to a total,
//! within per-unit floors and caps, by one of the classical methods.
//!
//! Every decision is exact: weights are integers, and remainders and priorities are
//! [`Ratio`]s compared by cross-multiplication. Ties are broken by one documented rule
//! ([`TIE_BREAK_RULE`]) and every tie that decided a slot is reported in
//! [`Apportionment::ties`].
//!
//! Methods and references:
//! - Hamilton / largest remainder — Balinski & Young, *Fair Representation* (2nd ed., 2001), ch. 2.
//! - Divisor methods (Jefferson/D'Hondt, Webster/Sainte-Laguë, Huntington–Hill, Adams, Dean,
//!   modified Sainte-Laguë with first divisor 0.7) — Balinski & Young, ch. 3–4 and appendix A;
//!   Pukelsheim, *Proportional Representation* (2nd ed., 2017), ch. 3.
//! - The quota method — Balinski & Young, "The Quota Method of Apportionment",
//!   *American Mathematical Monthly* 82 (1975) 701–730.

mod bounded;
mod divisor;
mod error;
mod hamilton;
mod quota_method;
pub mod ratio;
pub mod table;
pub mod tool;

use std::fmt;
use std::str::FromStr;

pub use divisor::{divisor, priority};
pub use error::ApportionError;
pub use ratio::Ratio;

/// The largest weight accepted. With [`MAX_SEATS`] it keeps every exact product below
/// `u128::MAX` (largest: Huntington–Hill's `w² · k(k+1) ≤ 10^24 · (10^12 + 10^6) < 3.4·10^38`).
pub const MAX_WEIGHT: u64 = 1_000_000_000_000;
/// The largest total (and the largest floor or cap) accepted.
pub const MAX_SEATS: u64 = 1_000_000;

/// The documented tie-break: when two candidates for a slot have exactly equal priority
/// (equal remainders under Hamilton, equal quotients under a divisor method), the unit with
/// the larger weight gets it; if the weights are equal too, the unit listed first in the input
/// does. Every tie that decided a slot is reported.
pub const TIE_BREAK_RULE: &str =
    "equal priorities: larger weight first, then the unit listed first in the input";

/// An apportionment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// Hamilton / largest remainder (Hare quota). Alias `largest-remainder`.
    Hamilton,
    /// Jefferson / D'Hondt: divisors k+1 (rounds down). Alias `dhondt`.
    Jefferson,
    /// Webster / Sainte-Laguë: divisors k+½ (standard rounding). Alias `sainte-lague`.
    Webster,
    /// Huntington–Hill / equal proportions: divisors √(k(k+1)) (geometric mean). Alias `hill`.
    HuntingtonHill,
    /// Adams / smallest divisors: divisors k (rounds up).
    Adams,
    /// Dean / harmonic mean: divisors k(k+1)/(k+½).
    Dean,
    /// Modified Sainte-Laguë: Webster with a first divisor of 0.7. Alias `modified-sainte-lague`.
    ModifiedWebster,
    /// Balinski–Young quota method: Jefferson priorities, house-monotone, within upper quota.
    Quota,
}

impl Method {
    /// Every method, in documentation order.
    pub const ALL: [Method; 8] = [
        Method::Hamilton,
        Method::Jefferson,
        Method::Webster,
        Method::HuntingtonHill,
        Method::Adams,
        Method::Dean,
        Method::ModifiedWebster,
        Method::Quota,
    ];

    /// The canonical name, as accepted on the command line and in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Method::Hamilton => "hamilton",
            Method::Jefferson => "jefferson",
            Method::Webster => "webster",
            Method::HuntingtonHill => "huntington-hill",
            Method::Adams => "adams",
            Method::Dean => "dean",
            Method::ModifiedWebster => "modified-webster",
            Method::Quota => "quota",
        }
    }

    /// Other accepted names.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Method::Hamilton => &["largest-remainder", "hare"],
            Method::Jefferson => &["dhondt", "d'hondt"],
            Method::Webster => &["sainte-lague"],
            Method::HuntingtonHill => &["hill", "equal-proportions"],
            Method::Adams => &["smallest-divisors"],
            Method::Dean => &["harmonic-mean"],
            Method::ModifiedWebster => &["modified-sainte-lague"],
            Method::Quota => &["balinski-young"],
        }
    }

    /// Whether this is a divisor method (house monotone, priorities w / d(k)).
    pub fn is_divisor(self) -> bool {
        !matches!(self, Method::Hamilton | Method::Quota)
    }

    /// A comma-separated list of the canonical names (for error messages).
    pub fn valid_names() -> String {
        Method::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown method name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown method '{0}'; valid methods: {list}", list = Method::valid_names())]
pub struct UnknownMethod(pub String);

impl FromStr for Method {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        Method::ALL
            .into_iter()
            .find(|m| m.name() == key || m.aliases().contains(&key.as_str()))
            .ok_or_else(|| UnknownMethod(s.to_string()))
    }
}

/// A validated apportionment problem: integer weights, floors, caps and a total.
///
/// Construction checks feasibility, so [`apportion`] cannot fail. A unit with weight 0 gets
/// exactly its floor.
#[derive(Debug, Clone)]
pub struct Problem {
    weights: Vec<u64>,
    lower: Vec<u64>,
    upper: Vec<u64>,
    total: u64,
    weight_sum: u128,
    /// Names the floors and caps: a number drawn once per construction (clones share it, and
    /// the bounds never change afterwards), so that caches built from the bounds can tell
    /// that they still apply without comparing them. Not part of the problem's value.
    bounds_stamp: u64,
}

/// The next [`Problem::bounds_stamp`] (0 is never one).
static NEXT_BOUNDS_STAMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl PartialEq for Problem {
    fn eq(&self, other: &Problem) -> bool {
        (&self.weights, &self.lower, &self.upper, self.total)
            == (&other.weights, &other.lower, &other.upper, other.total)
    }
}

impl Eq for Problem {}

impl Problem {
    /// A problem without floors or caps.
    pub fn new(weights: Vec<u64>, total: u64) -> Result<Self, ApportionError> {
        let n = weights.len();
        Problem::with_bounds(weights, vec![0; n], vec![total; n], total, &|i| format!("#{}", i + 1))
    }

    /// A problem with per-unit floors and caps. `name` labels unit `i` in error messages.
    pub fn with_bounds(
        weights: Vec<u64>,
        lower: Vec<u64>,
        upper: Vec<u64>,
        total: u64,
        name: &dyn Fn(usize) -> String,
    ) -> Result<Self, ApportionError> {
        let n = weights.len();
        assert_eq!(lower.len(), n, "one floor per unit");
        assert_eq!(upper.len(), n, "one cap per unit");
        if n == 0 {
            return Err(ApportionError::NoUnits);
        }
        if total > MAX_SEATS {
            return Err(ApportionError::OutOfRange {
                what: "total",
                value: total as u128,
                max: MAX_SEATS as u128,
            });
        }
        let mut weight_sum = 0u128;
        for i in 0..n {
            if weights[i] > MAX_WEIGHT {
                return Err(ApportionError::OutOfRange {
                    what: "weight",
                    value: weights[i] as u128,
                    max: MAX_WEIGHT as u128,
                });
            }
            if lower[i] > upper[i] {
                return Err(ApportionError::FloorAboveCap { unit: name(i), floor: lower[i], cap: upper[i] });
            }
            weight_sum += weights[i] as u128;
        }
        let upper: Vec<u64> = upper.into_iter().map(|u| u.min(total)).collect();
        let floors: u128 = lower.iter().map(|&l| l as u128).sum();
        if floors > total as u128 {
            return Err(ApportionError::FloorsAboveTotal { floors, total });
        }
        let caps: u128 = upper.iter().map(|&u| u as u128).sum();
        if caps < total as u128 {
            return Err(ApportionError::CapsBelowTotal { caps, total });
        }
        if weight_sum == 0 && floors < total as u128 {
            return Err(ApportionError::AllWeightsZero { total });
        }
        // Units of weight 0 take only their floor; the rest must fit in the weighted units' caps.
        let weighted_room: u128 =
            (0..n).map(|i| if weights[i] > 0 { upper[i] as u128 } else { lower[i] as u128 }).sum();
        if weighted_room < total as u128 {
            return Err(ApportionError::ZeroWeightUnitsWouldFill {
                missing: (total as u128 - weighted_room) as u64,
            });
        }
        let bounds_stamp = NEXT_BOUNDS_STAMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Problem { weights, lower, upper, total, weight_sum, bounds_stamp })
    }

    /// The integer weights.
    pub fn weights(&self) -> &[u64] {
        &self.weights
    }
    /// Per-unit floors.
    pub fn lower(&self) -> &[u64] {
        &self.lower
    }
    /// Per-unit caps (never above the total).
    pub fn upper(&self) -> &[u64] {
        &self.upper
    }
    /// The number of slots to apportion.
    pub fn total(&self) -> u64 {
        self.total
    }
    /// Number of units.
    pub fn len(&self) -> usize {
        self.weights.len()
    }
    /// Always false: a problem has at least one unit.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }
    /// Σ weights.
    pub fn weight_sum(&self) -> u128 {
        self.weight_sum
    }
    /// The same number for problems with the same floors and caps from one construction
    /// (and its clones); different numbers for different constructions.
    pub(crate) fn bounds_stamp(&self) -> u64 {
        self.bounds_stamp
    }

    /// The effective cap: a unit of weight 0 is held at its floor.
    #[inline]
    pub(crate) fn cap(&self, i: usize) -> u64 {
        if self.weights[i] == 0 {
            self.lower[i]
        } else {
            self.upper[i]
        }
    }

    /// Replaces the weights, keeping floors, caps and total (for sweeps that re-apportion the
    /// same units many times). Fails, leaving the problem unchanged, if the new weights make
    /// it infeasible.
    pub fn set_weights(&mut self, weights: &[u64]) -> Result<(), ApportionError> {
        assert_eq!(weights.len(), self.weights.len(), "one weight per unit");
        // One branch-free pass that vectorises (sweeps call this for every scenario): the OR
        // of the weights bounds their maximum, and when it is at most MAX_WEIGHT (< 2^40) the
        // 64-bit sum cannot overflow and `w − 1` has its top bit set exactly for w = 0.
        let (mut bits, mut sum64, mut zero) = (0u64, 0u64, 0u64);
        for &w in weights {
            bits |= w;
            sum64 = sum64.wrapping_add(w);
            zero |= w.wrapping_sub(1) >> 63;
        }
        let (sum, min, max) = if bits <= MAX_WEIGHT && weights.len() < 1 << 23 {
            (sum64 as u128, if zero == 0 { 1 } else { 0 }, bits)
        } else {
            // Exactly, when the quick bounds cannot decide (the errors are rare).
            let (mut sum, mut min, mut max) = (0u128, u64::MAX, 0u64);
            for &w in weights {
                min = min.min(w);
                max = max.max(w);
                sum += w as u128;
            }
            (sum, min, max)
        };
        if max > MAX_WEIGHT {
            return Err(ApportionError::OutOfRange {
                what: "weight",
                value: max as u128,
                max: MAX_WEIGHT as u128,
            });
        }
        if sum == 0 && self.lower.iter().sum::<u64>() < self.total {
            return Err(ApportionError::AllWeightsZero { total: self.total });
        }
        if min == 0 {
            // Units of weight 0 take only their floor; the rest must fit in the weighted
            // units' caps. (With every unit weighted the room is Σ caps ≥ the total, checked
            // at construction.) Caps and floors are at most the total: the sum fits in 64 bits.
            let room: u64 = weights
                .iter()
                .zip(self.lower.iter().zip(&self.upper))
                .map(|(&w, (&l, &u))| if w > 0 { u } else { l })
                .sum();
            if room < self.total {
                return Err(ApportionError::ZeroWeightUnitsWouldFill { missing: self.total - room });
            }
        }
        self.weights.copy_from_slice(weights);
        self.weight_sum = sum;
        Ok(())
    }
}

/// A tie that decided at least one slot: units whose claims had exactly the same priority,
/// some of which got the slot(s) and some of which did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tie {
    /// The tied priority (a remainder for Hamilton, a quotient w / d(k) for divisor methods;
    /// for Huntington–Hill the squared quotient w² / (k(k+1))).
    pub priority: Ratio,
    /// Units (indices) that got a slot at this priority.
    pub winners: Vec<usize>,
    /// Units (indices) with the same priority that did not.
    pub losers: Vec<usize>,
}

/// A tie that decided slots, with units named (by code in an allocation, by the table's names
/// in `quota apportion`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TieReport {
    /// The tied priority as an exact fraction.
    pub priority: String,
    /// Units that got the slot(s).
    pub winners: Vec<String>,
    /// Units with the same priority that did not.
    pub losers: Vec<String>,
    /// The rule that decided it.
    pub rule: &'static str,
}

impl Tie {
    /// The tie with its units named by `name` and the tie-break rule stated.
    pub fn report(&self, name: impl Fn(&usize) -> String) -> TieReport {
        TieReport {
            priority: self.priority.to_string(),
            winners: self.winners.iter().map(&name).collect(),
            losers: self.losers.iter().map(&name).collect(),
            rule: TIE_BREAK_RULE,
        }
    }
}

/// The cut-off that separated units that got a slot from those that did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Cutoff {
    /// Hamilton: the smallest remainder that got a slot and the largest that did not, as
    /// fractions of one slot (`None` when no slot was given, or no unit missed one, by remainder).
    Remainder { last_in: Option<Ratio>, first_out: Option<Ratio> },
    /// Divisor and quota methods: the smallest priority that got a slot and the largest that
    /// did not. Any divisor λ with `first_out ≤ 1/λ·… ` — see [`divisor`] — reproduces the result.
    Priority { last_in: Option<Ratio>, first_out: Option<Ratio> },
}

/// The result of an apportionment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Apportionment {
    /// The method used.
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    /// Slots per unit, in input order; they sum to the total.
    pub seats: Vec<u64>,
    /// Each unit's exact quota after floors and caps (the clamped proportional share, see
    /// [`bounded_quotas`]); equals `total · w_i / Σw` when no bound binds.
    pub quotas: Vec<Ratio>,
    /// Ties that decided slots (empty when no tie mattered).
    pub ties: Vec<Tie>,
    /// The cut-off between the last claim served and the first one not served.
    pub cutoff: Cutoff,
}

fn serialize_method<S: serde::Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

/// Apportions `problem.total()` slots by `method`.
pub fn apportion(problem: &Problem, method: Method) -> Apportionment {
    let quotas = bounded::bounded_quotas(problem);
    match method {
        Method::Hamilton => hamilton::hamilton(problem, quotas),
        Method::Quota => quota_method::quota_method(problem, quotas),
        m => divisor::divisor_method(problem, m, quotas),
    }
}

/// Slots only, without ties or quotas: the fast path for sweeps. `out` is resized to the
/// number of units. Gives exactly the `seats` of [`apportion`].
pub fn apportion_seats(problem: &Problem, method: Method, scratch: &mut Scratch, out: &mut Vec<u64>) {
    match method {
        Method::Hamilton => hamilton::hamilton_seats(problem, scratch, out),
        Method::Quota => quota_method::quota_seats(problem, &mut scratch.quota, out),
        m => divisor::divisor_seats(problem, m, out, &mut scratch.scale, &mut scratch.thresholds),
    }
}

/// Reusable buffers for [`apportion_seats`].
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    order: Vec<(u128, u64, usize)>,
    keys: Vec<u64>,
    /// Hamilton's seats before the remainders and the remainders, per unit.
    parts: Vec<(u64, u64)>,
    state: Vec<u8>,
    nums: Vec<u128>,
    regime: bounded::Regime,
    mu: f64,
    cut: f64,
    scale: f64,
    thresholds: Vec<f64>,
    quota: quota_method::Buffers,
}

/// The quota method's decisions at every house size, appended to `out` (the one-at-a-time
/// design's state for that method; see [`quota_method::quota_trace`]).
pub fn quota_trace(problem: &Problem, scratch: &mut Scratch, out: &mut Vec<u64>) {
    quota_method::quota_trace(problem, &mut scratch.quota, out)
}

pub use bounded::bounded_quotas;

#[cfg(test)]
mod tests;
