//! The side constraints of the optimisation model, as validated domain types (built from the
//! `[optimize]` table by [`OptimizeSpec::build`](super::OptimizeSpec::build) or directly).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::objective::Objective;
use super::OptimizeError;
use crate::apportion::{Ratio, MAX_SEATS};

/// Default solver time limit (10 s): far above any solve of the bundled scenarios, low enough
/// that a pathological custom model returns a [`Status::TimeLimit`](super::Status) to a sweep.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The LP backend of good_lp used on the LP path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Solver {
    /// microlp: pure Rust, always built (default).
    #[default]
    Microlp,
    /// HiGHS: needs the cargo feature `highs` (builds HiGHS from source; cmake, libclang-dev).
    Highs,
}

impl Solver {
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Microlp => "microlp",
            Solver::Highs => "highs",
        }
    }

    /// Whether this build includes the backend.
    pub fn available(self) -> bool {
        match self {
            Solver::Microlp => true,
            Solver::Highs => cfg!(feature = "highs"),
        }
    }
}

impl fmt::Display for Solver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Solver {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "microlp" | "minilp" => Ok(Solver::Microlp),
            "highs" => Ok(Solver::Highs),
            _ => Err(format!("unknown solver '{s}'; valid solvers: microlp, highs")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Solver {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Which solution path to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PathChoice {
    /// The fast exact path when the constraints allow it, otherwise the LP path (default).
    #[default]
    Auto,
    /// Only the fast path; an error if the constraints need the LP path.
    Fast,
    /// Always the LP path (good_lp), even when the fast path applies.
    Lp,
}

impl FromStr for PathChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(PathChoice::Auto),
            "fast" => Ok(PathChoice::Fast),
            "lp" => Ok(PathChoice::Lp),
            _ => Err(format!("unknown path '{s}'; valid paths: auto, fast, lp")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for PathChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A comparison in a custom constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `Σ a_i x_i ≤ rhs` (`"<="`).
    Le,
    /// `Σ a_i x_i ≥ rhs` (`">="`).
    Ge,
    /// `Σ a_i x_i = rhs` (`"="` or `"=="`).
    Eq,
}

impl Op {
    /// Whether `lhs op rhs` holds.
    pub fn holds(self, lhs: i128, rhs: i128) -> bool {
        match self {
            Op::Le => lhs <= rhs,
            Op::Ge => lhs >= rhs,
            Op::Eq => lhs == rhs,
        }
    }

    /// The mathematical symbol (≤, ≥, =).
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "≤",
            Op::Ge => "≥",
            Op::Eq => "=",
        }
    }
}

impl FromStr for Op {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "<=" | "≤" => Ok(Op::Le),
            ">=" | "≥" => Ok(Op::Ge),
            "=" | "==" => Ok(Op::Eq),
            _ => Err(format!("unknown comparison '{s}'; valid: \"<=\", \">=\", \"=\"")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Op {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A group of units with a minimum and/or maximum share of the total or count of slots.
/// Bounds given both as a share and as a count all apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Name used in messages and reports ("西部+东北").
    pub name: String,
    /// Member units (indices into the unit table), sorted, distinct, non-empty.
    pub members: Vec<usize>,
    /// Σ x_i ≥ ⌈min_share · N⌉ (a decimal in [0, 1]).
    pub min_share: Option<f64>,
    /// Σ x_i ≤ ⌊max_share · N⌋.
    pub max_share: Option<f64>,
    /// Σ x_i ≥ min_count.
    pub min_count: Option<u64>,
    /// Σ x_i ≤ max_count.
    pub max_count: Option<u64>,
}

/// How `max_abs` and `max_rel` combine when both are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Combine {
    /// Both limits apply: `|x − p| ≤ min(max_abs, max_rel·p)` (default).
    #[default]
    Both,
    /// Either suffices: `|x − p| ≤ max(max_abs, max_rel·p)` ("15% or 3 slots, whichever is
    /// larger" — keeps small units from being frozen by a relative limit).
    Either,
}

impl FromStr for Combine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "both" => Ok(Combine::Both),
            "either" => Ok(Combine::Either),
            _ => Err(format!("unknown combine '{s}'; valid: both, either")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Combine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Limits on the change from a previous allocation, per unit: `|x_i − p_i| ≤ max_abs` and/or
/// `|x_i − p_i| ≤ max_rel · p_i`, combined by [`Combine`] when both are given. (Under a
/// relative limit alone a unit that had 0 slots stays at 0.)
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeLimit {
    /// The previous allocation, one entry per unit.
    pub previous: Vec<u64>,
    /// Largest allowed change in slots.
    pub max_abs: Option<u64>,
    /// Largest allowed change as a fraction of the previous slots (a decimal ≥ 0: 0.15 = 15%).
    pub max_rel: Option<f64>,
    /// How the two limits combine when both are given.
    pub combine: Combine,
}

impl ChangeLimit {
    /// Whether a change of `d` slots from `p` is allowed (exact).
    pub fn allows(&self, p: u64, d: u64) -> bool {
        let abs = self.max_abs.map(|a| d <= a);
        let rel = self.max_rel.map(|r| {
            let r = exact_decimal(r).expect("validated");
            d as u128 * r.den <= r.num * p as u128
        });
        match (abs, rel, self.combine) {
            (Some(a), Some(r), Combine::Both) => a && r,
            (Some(a), Some(r), Combine::Either) => a || r,
            (Some(a), None, _) | (None, Some(a), _) => a,
            (None, None, _) => true,
        }
    }
}

/// A named linear constraint `Σ a_i x_i op rhs` with integer coefficients.
#[derive(Debug, Clone, PartialEq)]
pub struct Custom {
    /// Name used in messages.
    pub name: String,
    /// (unit index, coefficient), sorted by unit, distinct units, non-zero coefficients.
    pub terms: Vec<(usize, i64)>,
    /// The comparison.
    pub op: Op,
    /// The right-hand side.
    pub rhs: i64,
}

/// The optimisation model's settings and side constraints. `Constraints::default()` has none:
/// the L1 objective under floors, caps and the total alone, which is Hamilton's allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraints {
    /// What to minimise.
    pub objective: Objective,
    /// Each unit within ⌊q_i⌋..⌈q_i⌉.
    pub quota_condition: bool,
    /// Time limit of the LP path (the fast path needs microseconds and ignores it).
    pub time_limit: Duration,
    /// LP backend.
    pub solver: Solver,
    /// Which path to use.
    pub path: PathChoice,
    /// Group constraints, in scenario order.
    pub groups: Vec<Group>,
    /// Change limits against a previous allocation.
    pub change: Option<ChangeLimit>,
    /// Custom linear constraints, in scenario order.
    pub custom: Vec<Custom>,
}

impl Default for Constraints {
    fn default() -> Self {
        Constraints {
            objective: Objective::L1,
            quota_condition: false,
            time_limit: DEFAULT_TIME_LIMIT,
            solver: Solver::Microlp,
            path: PathChoice::Auto,
            groups: Vec::new(),
            change: None,
            custom: Vec::new(),
        }
    }
}

/// The largest number of decimal places accepted in a share or a relative limit (keeps the
/// exact fraction's denominator ≤ 10^18).
pub const MAX_DECIMALS: usize = 18;

/// The exact value of a decimal written in a scenario: the shortest decimal that round-trips to
/// `x` (what the user typed: 0.28, not 0.28000000000000003), as a fraction. `None` if `x` is
/// negative, not finite, above 10^6 or has more than [`MAX_DECIMALS`] decimal places.
pub fn exact_decimal(x: f64) -> Option<Ratio> {
    if !x.is_finite() || x < 0.0 || x > MAX_SEATS as f64 {
        return None;
    }
    // −0.0 → +0.0
    let x = x + 0.0;
    // Fast path for the common short decimals (0.28, 0.15, 1): the first k ≤ 6 at which
    // x·10^k rounds to an integer m with m / 10^k == x. A decimal with k places that
    // round-trips to x is what `Display` prints when no shorter one does; `Display` decides
    // every other case (tested to agree).
    let mut den = 1u64;
    for _ in 0..=6 {
        let m = (x * den as f64).round();
        // Exact equality on purpose: the decimal must round-trip to x bit for bit.
        if (m / den as f64).to_bits() == x.to_bits() {
            return Some(Ratio::new(m as u128, den as u128));
        }
        den *= 10;
    }
    let text = format!("{x}");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() > MAX_DECIMALS {
        return None;
    }
    let den = 10u128.pow(frac.len() as u32);
    let whole: u128 = whole.parse().ok()?;
    let frac_num: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    Some(Ratio::new(whole * den + frac_num, den))
}

/// ⌈r · n⌉ and ⌊r · n⌋ exactly.
pub(crate) fn ceil_times(r: Ratio, n: u64) -> u64 {
    let p = r.num * n as u128;
    (p.div_ceil(r.den)) as u64
}

pub(crate) fn floor_times(r: Ratio, n: u64) -> u64 {
    (r.num * n as u128 / r.den) as u64
}

impl Constraints {
    /// Checks the constraints against a unit count: indices in range, shares in [0, 1] with at
    /// most [`MAX_DECIMALS`] places, min ≤ max, one previous value per unit, custom terms
    /// distinct and non-zero, names present and distinct.
    pub fn validate(&self, units: usize) -> Result<(), OptimizeError> {
        let bad = |what: String| Err(OptimizeError::InvalidConstraint(what));
        for g in &self.groups {
            if g.name.trim().is_empty() {
                return bad("a group has an empty name".into());
            }
            if self.groups.iter().filter(|o| o.name == g.name).count() > 1 {
                return bad(format!("two groups are named '{}'", g.name));
            }
            if g.members.is_empty() {
                return bad(format!("group '{}' has no members", g.name));
            }
            if g.members.windows(2).any(|w| w[0] >= w[1]) {
                return bad(format!("group '{}': members must be sorted and distinct", g.name));
            }
            if let Some(&m) = g.members.iter().find(|&&m| m >= units) {
                return bad(format!("group '{}': member #{m} is not one of the {units} units", g.name));
            }
            for (key, v) in [("min_share", g.min_share), ("max_share", g.max_share)] {
                if let Some(s) = v {
                    if !(0.0..=1.0).contains(&s) || exact_decimal(s).is_none() {
                        return bad(format!(
                            "group '{}': {key} {s} is not a decimal in [0, 1] with at most {MAX_DECIMALS} places",
                            g.name
                        ));
                    }
                }
            }
            if let (Some(a), Some(b)) = (g.min_share, g.max_share) {
                if a > b {
                    return bad(format!("group '{}': min_share {a} > max_share {b}", g.name));
                }
            }
            if let (Some(a), Some(b)) = (g.min_count, g.max_count) {
                if a > b {
                    return bad(format!("group '{}': min_count {a} > max_count {b}", g.name));
                }
            }
        }
        if let Some(c) = &self.change {
            if c.previous.len() != units {
                return bad(format!("change: {} previous values for {units} units", c.previous.len()));
            }
            if let Some(r) = c.max_rel {
                if exact_decimal(r).is_none() {
                    return bad(format!(
                        "change: max_rel {r} is not a non-negative decimal with at most {MAX_DECIMALS} places"
                    ));
                }
            }
        }
        for c in &self.custom {
            if c.name.trim().is_empty() {
                return bad("a custom constraint has an empty name".into());
            }
            if self.custom.iter().filter(|o| o.name == c.name).count() > 1 {
                return bad(format!("two custom constraints are named '{}'", c.name));
            }
            if c.terms.is_empty() {
                return bad(format!("custom '{}' has no terms", c.name));
            }
            if c.terms.windows(2).any(|w| w[0].0 >= w[1].0) {
                return bad(format!("custom '{}': terms must be sorted by unit and distinct", c.name));
            }
            if let Some(&(u, _)) = c.terms.iter().find(|t| t.0 >= units) {
                return bad(format!("custom '{}': unit #{u} is not one of the {units} units", c.name));
            }
            if c.terms.iter().any(|t| t.1 == 0) {
                return bad(format!("custom '{}': a coefficient is 0", c.name));
            }
            if c.terms.iter().any(|t| t.1.unsigned_abs() > MAX_SEATS)
                || c.rhs.unsigned_abs() > MAX_SEATS * MAX_SEATS
            {
                return bad(format!(
                    "custom '{}': coefficients must be within ±10^6, rhs within ±10^12",
                    c.name
                ));
            }
        }
        Ok(())
    }

    /// Whether any side constraint is set (groups with bounds, change limits, quota
    /// condition, custom constraints).
    pub fn has_side_constraints(&self) -> bool {
        self.quota_condition
            || self.change.is_some()
            || !self.custom.is_empty()
            || self.groups.iter().any(|g| {
                g.min_share.is_some()
                    || g.max_share.is_some()
                    || g.min_count.is_some()
                    || g.max_count.is_some()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decimal as `Display` prints it (the definition the fast path must agree with).
    fn by_display(x: f64) -> Option<Ratio> {
        let text = format!("{x}");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        if frac.len() > MAX_DECIMALS {
            return None;
        }
        let den = 10u128.pow(frac.len() as u32);
        let f: u128 = if frac.is_empty() { 0 } else { frac.parse().unwrap() };
        Some(Ratio::new(whole.parse::<u128>().unwrap() * den + f, den))
    }

    proptest::proptest! {
        #[test]
        fn fast_decimals_agree_with_display(m in 0u64..10_000_000, places in 0u32..9, noise in proptest::bool::ANY) {
            let mut x = m as f64 / 10f64.powi(places as i32);
            if noise {
                x = f64::from_bits(x.to_bits() + 1);
            }
            // Values with more than MAX_DECIMALS places (some noisy ones) are refused by both.
            if x <= MAX_SEATS as f64 {
                proptest::prop_assert_eq!(exact_decimal(x), by_display(x), "{}", x);
            }
        }
    }

    #[test]
    fn decimals_are_read_as_typed() {
        assert_eq!(exact_decimal(0.28).unwrap(), Ratio::new(28, 100));
        assert_eq!(exact_decimal(0.3).unwrap(), Ratio::new(3, 10));
        assert_eq!(exact_decimal(1.0).unwrap(), Ratio::new(1, 1));
        assert_eq!(exact_decimal(0.0000001).unwrap(), Ratio::new(1, 10_000_000));
        assert!(exact_decimal(-0.1).is_none() && exact_decimal(f64::NAN).is_none());
        assert_eq!(exact_decimal(0.123456789).unwrap(), Ratio::new(123456789, 1_000_000_000));
        // 0.3 · 1000 is 300.00000000000006 in f64; exactly 300 here.
        assert_eq!(ceil_times(exact_decimal(0.3).unwrap(), 1000), 300);
        assert_eq!(ceil_times(exact_decimal(0.28).unwrap(), 1039), 291);
        assert_eq!(floor_times(exact_decimal(0.28).unwrap(), 1039), 290);
    }
}
