//! The relaxation of one box under a divisor method with floors and caps (see the parent
//! module): bounds on the divisor scale λ and each unit's slots.

use super::{Ask, Prover, Work};
use crate::apportion::Method;
use crate::calibrate::conditions::threshold;

impl Prover<'_> {
    pub(super) fn test_divisor(&self, ask: Ask, w: &mut Work) -> Option<u64> {
        let method = self.method;
        let (floors, caps) = (self.floors, self.caps);
        let lo = |k: usize, lambda: f64| self.clamp(k, count_below(method, lambda * w.sl[k], false));
        let hi = |k: usize, lambda: f64| self.clamp(k, count_below(method, lambda * w.sh[k], true));
        // The scale interval [la, lb] allowed by the known units and the question.
        let (mut la, mut lb) = (0.0f64, f64::INFINITY);
        let at_most = |k: usize, x: u64, lb: &mut f64| -> bool {
            if x < floors[k] {
                return false;
            }
            if x < caps[k] && w.sl[k] > 0.0 {
                *lb = lb.min(threshold(method, x) / w.sl[k]);
            }
            true
        };
        let at_least = |k: usize, x: u64, la: &mut f64| -> bool {
            if x > caps[k] {
                return false;
            }
            if x > floors[k] {
                let d = threshold(method, x - 1);
                if w.sh[k] > 0.0 {
                    *la = la.max(d / w.sh[k]);
                } else if d > 0.0 {
                    return false;
                }
            }
            true
        };
        for (k, x) in self.observed.iter().enumerate() {
            if let Some(x) = *x {
                if !at_most(k, x, &mut lb) || !at_least(k, x, &mut la) {
                    return None;
                }
            }
        }
        match ask {
            Ask::AtLeast(j, v) => {
                if !at_least(j, v, &mut la) {
                    return None;
                }
            }
            Ask::AtMost(j, v) => {
                if !at_most(j, v, &mut lb) {
                    return None;
                }
            }
            Ask::Consistent => {}
        }
        if la > lb {
            return None;
        }
        let sums = |lambda: f64| self.sums(ask, |k| lo(k, lambda), |k| hi(k, lambda));
        let total = self.total;
        // The smallest scale in [la, lb] at which Σ hi reaches N (bisection; the test at the
        // lower end of the final bracket errs toward keeping the box).
        let mut a = la;
        if sums(a).1 < total {
            let mut b = if lb.is_finite() { lb } else { (2.0 * a).max(1.0) };
            while !lb.is_finite() && sums(b).1 < total {
                if b > 1e300 {
                    return None;
                }
                b *= 2.0;
            }
            if sums(b).1 < total {
                return None;
            }
            for _ in 0..80 {
                let m = 0.5 * (a + b);
                if m <= a || m >= b {
                    break;
                }
                if sums(m).1 >= total {
                    b = m;
                } else {
                    a = m;
                }
            }
        }
        if sums(a).0 > total {
            return None;
        }
        Some(match ask {
            Ask::AtLeast(j, _) => hi(j, if lb.is_finite() { lb } else { f64::MAX }),
            Ask::AtMost(j, _) => lo(j, la),
            Ask::Consistent => 1,
        })
    }
}

/// `#{m ≥ 0 : d(m) < t}` (or `≤ t` with `inclusive`): a divisor method's slots at the scaled
/// score t. Every d(m) of these methods lies in [m, m + 1], so d(m) < t for every m < t − 1
/// and d(m) ≥ t for every m ≥ t: only m = ⌈t⌉ − 1 needs a test (inclusive: every m ≤ t − 1
/// counts, none above t, and m = ⌊t⌋ is tested).
fn count_below(method: Method, t: f64, inclusive: bool) -> u64 {
    if t.is_nan() || t < 0.0 {
        return 0;
    }
    if t >= 1e15 {
        return u64::MAX / 4;
    }
    if inclusive {
        let m1 = t.floor() as u64;
        m1 + u64::from(threshold(method, m1) <= t)
    } else {
        if t == 0.0 {
            return 0;
        }
        let m0 = (t.ceil() as u64) - 1;
        m0 + u64::from(threshold(method, m0) < t)
    }
}
