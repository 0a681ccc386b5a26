//! The three objectives, their values, and the total order on one-slot increments that both
//! solution paths use to decide among equal optima (the tie-break).
//!
//! A separable objective `Σ f_i(x_i)` with convex `f_i` is described by its *increments*: the
//! step of unit i from k to k+1 slots costs `f_i(k+1) − f_i(k)`, a non-decreasing function of k.
//! Each increment gets a [`Key`] — (primary cost, secondary cost, unit index) compared
//! lexicographically — and the allocation chosen is the one that minimises the sum of keys in
//! that order. For a small enough ε this is the ordinary minimum of the real separable convex
//! function `P + ε·S + ε²·Σ i·x_i`, so every statement about separable convex minimisation
//! (greedy optimality, exchange optimality) applies to it unchanged.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Relative terms (chi-square, minimax) divide by `max(q_i, MIN_IDEAL)`: a unit whose ideal
/// quota is 0 (or a few thousandths of a slot) is weighted as if it were a thousandth of a slot,
/// so that every slot it gets costs a lot but not an infinite amount. Guards against division
/// by zero; it changes nothing for units with at least 0.001 of a slot.
pub const MIN_IDEAL: f64 = 1e-3;

/// The documented tie-break among allocations with the same objective value.
pub const TIE_BREAK_RULE: &str = "equal objective values: smaller chi-square distance Σ(x−q)²/q (spreads \
     slots in proportion to the ideal quotas), then slots to the unit listed first";

/// What "closest to the ideal quotas" means.
///
/// Reference for the three measures as apportionment objectives: Balinski & Young, *Fair
/// Representation* (2nd ed., 2001), ch. 10 and appendix A (Hamilton minimises Σ|x−q|; Webster
/// is the divisor method of the chi-square-like measure Σ(x−q)²/q for a fixed total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Objective {
    /// Total absolute deviation Σ |x_i − q_i| (default). Alias `absolute`.
    #[default]
    L1,
    /// Chi-square distance Σ (x_i − q_i)² / q_i (Webster-like). Aliases `chi2`, `chi-squared`.
    ChiSquare,
    /// Maximum relative deviation max |x_i − q_i| / q_i. Alias `max-relative`.
    Minimax,
}

impl Objective {
    /// Every objective, in documentation order.
    pub const ALL: [Objective; 3] = [Objective::L1, Objective::ChiSquare, Objective::Minimax];

    /// The canonical name, as accepted in scenarios and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Objective::L1 => "l1",
            Objective::ChiSquare => "chi-square",
            Objective::Minimax => "minimax",
        }
    }

    /// Other accepted names.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Objective::L1 => &["absolute"],
            Objective::ChiSquare => &["chi2", "chi-squared"],
            Objective::Minimax => &["max-relative"],
        }
    }

    /// A comma-separated list of the canonical names (for error messages).
    pub fn valid_names() -> String {
        Objective::ALL.iter().map(|o| o.name()).collect::<Vec<_>>().join(", ")
    }

    /// The separable objective whose key order the greedy and the exchanges follow. Minimax is
    /// not separable: its optimum level is found first, then ties inside it are broken by the
    /// chi-square order.
    pub(crate) fn separable(self) -> Separable {
        match self {
            Objective::L1 => Separable::L1ThenChi,
            Objective::ChiSquare | Objective::Minimax => Separable::Chi,
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Objective {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        Objective::ALL
            .into_iter()
            .find(|o| o.name() == key || o.aliases().contains(&key.as_str()))
            .ok_or_else(|| format!("unknown objective '{s}'; valid objectives: {}", Objective::valid_names()))
    }
}

impl TryFrom<String> for Objective {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl<'de> serde::Deserialize<'de> for Objective {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The separable key order in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separable {
    /// Primary Σ|x−q|, secondary chi-square.
    L1ThenChi,
    /// Primary chi-square, no secondary.
    Chi,
}

/// The priority of one increment (unit `unit` from k to k+1 slots): smaller is taken first.
///
/// Held as the integers that order it: each cost's [`order_bits`] (an order-preserving map of
/// the f64, with −0 read as +0), primary in the high 64 bits, secondary in the low ones — so
/// a comparison is two integer comparisons, with exactly the order of comparing the costs as
/// real numbers (`f64::total_cmp` after −0 → +0).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    costs: u128,
    unit: usize,
}

/// Maps −0.0 to +0.0 so that `total_cmp` orders exactly like the real numbers.
#[inline]
fn norm(x: f64) -> f64 {
    x + 0.0
}

/// An unsigned integer with the order of `norm(x)` under `f64::total_cmp`: the sign bit
/// flipped for non-negative numbers, every bit for negative ones (the larger the magnitude of
/// a negative number, the smaller its image).
#[inline]
fn order_bits(x: f64) -> u64 {
    let b = norm(x).to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

impl Key {
    #[inline]
    fn new(primary: f64, secondary: f64, unit: usize) -> Key {
        Key { costs: (order_bits(primary) as u128) << 64 | order_bits(secondary) as u128, unit }
    }

    /// Lexicographic comparison: primary, secondary, then the unit index (the unit listed first
    /// has the smaller key, so it gains first and loses last).
    #[inline]
    pub(crate) fn cmp(&self, other: &Key) -> Ordering {
        self.costs.cmp(&other.costs).then(self.unit.cmp(&other.unit))
    }

    /// Whether taking `self` instead of `other` lowers the objective (strictly, in key order).
    #[inline]
    pub(crate) fn better_than(&self, other: &Key) -> bool {
        self.costs < other.costs || (self.costs == other.costs && self.unit < other.unit)
    }
}

/// The increment costs of a separable objective for given ideal quotas.
#[derive(Debug, Clone)]
pub(crate) struct Costs<'a> {
    q: &'a [f64],
    kind: Separable,
}

impl<'a> Costs<'a> {
    pub(crate) fn new(ideal: &'a [f64], kind: Separable) -> Self {
        Costs { q: ideal, kind }
    }

    /// The key of unit i's increment from k to k+1.
    #[inline]
    pub(crate) fn key(&self, i: usize, k: u64) -> Key {
        let q = self.q[i];
        let w = rel_weight(q);
        match self.kind {
            Separable::L1ThenChi => Key::new(l1_key(q, k), chi_step(q, w, k), i),
            Separable::Chi => Key::new(chi_step(q, w, k), 0.0, i),
        }
    }
}

/// The divisor of relative terms (see [`MIN_IDEAL`]).
#[inline]
pub(crate) fn rel_weight(q: f64) -> f64 {
    q.max(MIN_IDEAL)
}

/// Grid of the L1 step in the increment keys: 2^-40 ≈ 9.1·10^-13.
const L1_KEY_GRID: f64 = (1u64 << 40) as f64;

/// [`l1_step`] rounded to a multiple of 2^-40, as the keys compare it: `2k+1−2q` carries the
/// rounding error of q (≈ 10^-15), so two increments whose exact L1 steps are equal (an exact
/// tie, e.g. q = 16/3 at k = 5 and q = 1/3 at k = 0) could otherwise be ordered by that noise
/// instead of by the documented tie-break (the chi-square term, then the unit listed first).
/// Rounding is monotone, so a unit's keys still never decrease with k.
#[inline]
pub(crate) fn l1_key(q: f64, k: u64) -> f64 {
    (l1_step(q, k) * L1_KEY_GRID).round() / L1_KEY_GRID
}

/// `|k+1−q| − |k−q|`: −1 below the quota, `1 − 2·frac(q)` across it, +1 above. Computed by
/// cases so that the values are exactly −1 and +1 where they should be.
#[inline]
pub(crate) fn l1_step(q: f64, k: u64) -> f64 {
    let k = k as f64;
    if k + 1.0 <= q {
        -1.0
    } else if k >= q {
        1.0
    } else {
        (2.0 * k + 1.0) - 2.0 * q
    }
}

/// `((k+1−q)² − (k−q)²) / w = (2k+1−2q)/w`, monotone in k after rounding.
#[inline]
pub(crate) fn chi_step(q: f64, w: f64, k: u64) -> f64 {
    ((2.0 * k as f64 + 1.0) - 2.0 * q) / w
}

/// Σ |x_i − q_i|.
pub fn l1_distance(ideal: &[f64], slots: &[u64]) -> f64 {
    ideal.iter().zip(slots).map(|(&q, &x)| (x as f64 - q).abs()).sum()
}

/// Σ (x_i − q_i)² / max(q_i, [`MIN_IDEAL`]).
pub fn chi_square_distance(ideal: &[f64], slots: &[u64]) -> f64 {
    ideal.iter().zip(slots).map(|(&q, &x)| (x as f64 - q).powi(2) / rel_weight(q)).sum()
}

/// max |x_i − q_i| / max(q_i, [`MIN_IDEAL`]) (0 for no units).
pub fn max_relative_deviation(ideal: &[f64], slots: &[u64]) -> f64 {
    ideal.iter().zip(slots).map(|(&q, &x)| (x as f64 - q).abs() / rel_weight(q)).fold(0.0, f64::max)
}

/// The value of `objective` at `slots`.
pub fn objective_value(objective: Objective, ideal: &[f64], slots: &[u64]) -> f64 {
    match objective {
        Objective::L1 => l1_distance(ideal, slots),
        Objective::ChiSquare => chi_square_distance(ideal, slots),
        Objective::Minimax => max_relative_deviation(ideal, slots),
    }
}

/// `x.floor()` as an inline computation: the default x86-64 target has no rounding
/// instruction, so `f64::floor` is a library call. Equal to `x.floor()` for every x (NaN and
/// ±∞ included) except that a zero result may be +0 where `floor` gives −0 — callers convert
/// the result to an integer or compare it, where the two zeros are the same.
#[inline]
pub(crate) fn floor_fast(x: f64) -> f64 {
    // Below 2^52 in magnitude the truncation through i64 is exact; above it every f64 is an
    // integer (and NaN or ±∞ stay as they are).
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        if t > x {
            t - 1.0
        } else {
            t
        }
    } else {
        x
    }
}

/// `x.ceil()` as an inline computation (see [`floor_fast`]).
#[inline]
pub(crate) fn ceil_fast(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        if t < x {
            t + 1.0
        } else {
            t
        }
    } else {
        x
    }
}

/// Slack (in slots) of the minimax boxes: a unit may take k slots at level z when
/// `|k − q| ≤ z·w + BOX_TOL`. Absorbs the rounding of `z·w` so that the box at a level computed
/// from an allocation always contains that allocation, on both solution paths.
pub(crate) const BOX_TOL: f64 = 1e-9;

/// Unit i's slot range at minimax level z, within `[lo, hi]` (may be empty: lo > hi).
#[inline]
pub(crate) fn level_box(q: f64, w: f64, z: f64, lo: u64, hi: u64) -> (u64, u64) {
    let a = ceil_fast(q - z * w - BOX_TOL).max(0.0) as u64;
    let b = floor_fast(q + z * w + BOX_TOL);
    let b = if b < 0.0 { 0 } else { b as u64 };
    if b < a {
        return (1, 0);
    }
    (a.max(lo), b.min(hi))
}

/// The smallest minimax level strictly above z at which some unit's level box (within
/// `lo..hi`) grows; `None` when every box is already its full range. Feasibility of the level
/// boxes only changes at these levels, so both paths search over them.
pub(crate) fn next_level(ideal: &[f64], lo: &[u64], hi: &[u64], z: f64) -> Option<f64> {
    let mut best: Option<f64> = None;
    for (i, &q) in ideal.iter().enumerate() {
        let (w, lo, hi) = (rel_weight(q), lo[i], hi[i]);
        let top = floor_fast(q + z * w + BOX_TOL);
        let up = if top < 0.0 { 0 } else { top as u64 + 1 }.max(lo);
        if up <= hi {
            let c = (up as f64 - q) / w;
            best = Some(best.map_or(c, |b| b.min(c)));
        }
        let bottom = ceil_fast(q - z * w - BOX_TOL);
        if bottom >= 1.0 {
            let down = (bottom as u64 - 1).min(hi);
            if down >= lo {
                let c = (q - down as f64) / w;
                best = Some(best.map_or(c, |b| b.min(c)));
            }
        }
    }
    best.filter(|&c| c > z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_tied_l1_steps_have_equal_keys() {
        // 2·5+1−2·(16/3) and 1−2·(1/3) are both 1/3; in f64 they differ by 5.6e-16.
        let (a, b) = (16.0 / 3.0, 1.0 / 3.0);
        assert_ne!(l1_step(a, 5).to_bits(), l1_step(b, 0).to_bits());
        assert_eq!(l1_key(a, 5).to_bits(), l1_key(b, 0).to_bits());
    }

    #[test]
    fn l1_steps_are_exact_and_monotone() {
        assert_eq!(l1_step(2.25, 0).to_bits(), (-1.0f64).to_bits());
        assert_eq!(l1_step(2.25, 1).to_bits(), (-1.0f64).to_bits());
        assert!((l1_step(2.25, 2) - 0.5).abs() < 1e-15);
        assert_eq!(l1_step(2.25, 3).to_bits(), 1.0f64.to_bits());
        assert_eq!(l1_step(2.0, 2).to_bits(), 1.0f64.to_bits());
        assert_eq!(l1_step(2.0, 1).to_bits(), (-1.0f64).to_bits());
    }

    #[test]
    fn keys_within_a_unit_never_decrease() {
        for &q in &[0.0, 0.3, 1.0, 7.5, 12.999, 100.01] {
            for kind in [Separable::L1ThenChi, Separable::Chi] {
                let ideal = [q];
                let c = Costs::new(&ideal, kind);
                for k in 0..200 {
                    assert!(c.key(0, k).cmp(&c.key(0, k + 1)) != Ordering::Greater, "q {q} k {k}");
                }
            }
        }
    }

    #[test]
    fn order_bits_order_like_total_cmp_after_negative_zero() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -1.0,
            -f64::MIN_POSITIVE,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            0.5,
            1.0,
            3.75,
            1e300,
            f64::INFINITY,
        ];
        for &a in &xs {
            for &b in &xs {
                let want = norm(a).total_cmp(&norm(b));
                assert_eq!(order_bits(a).cmp(&order_bits(b)), want, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn fast_floor_and_ceil_are_the_library_ones() {
        let big = 4_503_599_627_370_496.0;
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1.5,
            -1.5,
            2.9999999999999996,
            -2.9999999999999996,
            1e-300,
            -1e-300,
            123456.789,
            -123456.789,
            big,
            -big,
            big - 1.0,
            -big + 1.0,
            big - 0.5,
            -big + 0.5,
            2.0 * big,
            -2.0 * big,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
        ];
        let mut r = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            let x = f64::from_bits(r);
            if x.is_finite() {
                xs.push(x);
            }
            xs.push((r % 4_000_001) as f64 / 1000.0 - 2000.0);
        }
        // Equal as numbers: the same bits once −0 is read as +0.
        let bits = |v: f64| (v + 0.0).to_bits();
        for x in xs {
            assert_eq!(bits(floor_fast(x)), bits(x.floor()), "floor {x:e}");
            assert_eq!(bits(ceil_fast(x)), bits(x.ceil()), "ceil {x:e}");
        }
        assert!(floor_fast(f64::NAN).is_nan() && ceil_fast(f64::NAN).is_nan());
    }

    #[test]
    fn objective_names_parse() {
        for o in Objective::ALL {
            assert_eq!(o.name().parse::<Objective>().unwrap(), o);
        }
        assert_eq!("Chi_Square".parse::<Objective>().unwrap(), Objective::ChiSquare);
        assert!("l2".parse::<Objective>().unwrap_err().contains("minimax"));
    }

    #[test]
    fn level_boxes_contain_the_level_they_come_from() {
        let (q, w) = (7.3, 7.3);
        let z = (9.0 - q) / w;
        assert_eq!(level_box(q, w, z, 0, 100), (6, 9));
        assert_eq!(level_box(q, w, 0.0, 0, 100), (1, 0));
    }
}
