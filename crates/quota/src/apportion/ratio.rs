//! Exact non-negative fractions for the comparisons that decide slots.
//!
//! Every quantity that decides who gets a slot (a remainder, a priority, a quota) is a
//! fraction of two `u128` integers built from integer weights and seat counts; two of them are
//! compared by cross-multiplication, which is exact. The input limits in
//! [`MAX_WEIGHT`](super::MAX_WEIGHT) and [`MAX_SEATS`](super::MAX_SEATS) keep every product
//! below `u128::MAX` (the bound is worked out beside each method in `divisor.rs`).

use std::cmp::Ordering;

/// A non-negative fraction `num / den`. A zero denominator with a positive numerator stands
/// for +∞ (the priority of a unit's first slot under Adams, Dean and Huntington–Hill).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Ratio {
    /// Numerator.
    pub num: u128,
    /// Denominator; 0 means infinity.
    pub den: u128,
}

impl Ratio {
    /// `num / den`.
    pub const fn new(num: u128, den: u128) -> Self {
        Ratio { num, den }
    }

    /// The value +∞.
    pub const INFINITY: Ratio = Ratio { num: 1, den: 0 };

    /// Whether this is +∞.
    pub fn is_infinite(&self) -> bool {
        self.den == 0
    }

    /// The nearest `f64`, for display only (never for a decision).
    pub fn to_f64(&self) -> f64 {
        if self.den == 0 {
            f64::INFINITY
        } else {
            self.num as f64 / self.den as f64
        }
    }

    /// The integer part, `⌊num / den⌋` (`u128::MAX` for +∞).
    pub fn floor(&self) -> u128 {
        self.num.checked_div(self.den).unwrap_or(u128::MAX)
    }

    /// The fraction in lowest terms (for display in audit trails).
    pub fn reduced(&self) -> Ratio {
        if self.den == 0 {
            return Ratio::INFINITY;
        }
        let g = gcd(self.num, self.den);
        Ratio::new(self.num / g, self.den / g)
    }
}

/// Equality is by value: `2/4 == 1/2`.
impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ratio {}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.den == 0, other.den == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => (self.num * other.den).cmp(&(other.num * self.den)),
        }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.den == 0 {
            write!(f, "∞")
        } else {
            let r = self.reduced();
            if r.den == 1 {
                write!(f, "{}", r.num)
            } else {
                write!(f, "{}/{}", r.num, r.den)
            }
        }
    }
}

/// Greatest common divisor (Euclid).
pub fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// `a / b` and `a % b`, taking the fast 64-bit path when both fit (the common case: one
/// allocation of 1039 slots with weights up to 10^12 never needs 128-bit division).
#[inline]
pub fn div_rem(a: u128, b: u128) -> (u128, u128) {
    if a <= u64::MAX as u128 && b <= u64::MAX as u128 {
        let (a, b) = (a as u64, b as u64);
        ((a / b) as u128, (a % b) as u128)
    } else {
        (a / b, a % b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_cross_multiplication() {
        assert!(Ratio::new(1, 3) < Ratio::new(1, 2));
        assert_eq!(Ratio::new(2, 4).cmp(&Ratio::new(1, 2)), Ordering::Equal);
        assert!(Ratio::INFINITY > Ratio::new(u64::MAX as u128, 1));
        assert_eq!(Ratio::INFINITY.cmp(&Ratio::INFINITY), Ordering::Equal);
    }

    #[test]
    fn displays_reduced() {
        assert_eq!(Ratio::new(6, 4).to_string(), "3/2");
        assert_eq!(Ratio::new(8, 4).to_string(), "2");
        assert_eq!(Ratio::INFINITY.to_string(), "∞");
    }

    #[test]
    fn div_rem_agrees_on_both_paths() {
        assert_eq!(div_rem(17, 5), (3, 2));
        let big = (u64::MAX as u128) * 3 + 7;
        assert_eq!(div_rem(big, 3), (u64::MAX as u128 + 2, 1));
    }
}
