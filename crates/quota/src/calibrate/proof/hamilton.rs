//! The relaxation of one box under Hamilton's method with floors and caps (see the parent
//! module): bounds on the bounded-quota scale μ, the quotas, and the remainder cut r.

use super::{Ask, Prover, Work};

impl Prover<'_> {
    /// Each unit's quota range over the box, `[ql_k, qh_k]` (with a 10⁻⁹-slot margin), from the
    /// score ranges; None when no scale reaches N (no allocation in the box).
    pub(super) fn quota_bounds(&self, w: &mut Work) -> Option<()> {
        let n = self.total as f64;
        let (floors, caps) = (self.floors, self.caps);
        let mu_lo = bounded_scale(&w.sh, floors, caps, n)?;
        let mu_hi = bounded_scale(&w.sl, floors, caps, n).unwrap_or(f64::INFINITY);
        const Q_SLACK: f64 = 1e-9;
        w.ql.clear();
        w.qh.clear();
        for k in 0..w.sl.len() {
            let (l, c) = (floors[k] as f64, caps[k] as f64);
            w.ql.push((mu_lo * w.sl[k]).clamp(l, c) - Q_SLACK);
            let hi = if mu_hi.is_finite() {
                mu_hi * w.sh[k]
            } else if w.sh[k] > 0.0 {
                c
            } else {
                0.0
            };
            w.qh.push(hi.clamp(l, c) + Q_SLACK);
        }
        Some(())
    }

    /// The fewest slots, summed over the observed units, by which any weighting of the box can
    /// miss them (None: no allocation in the box): the smallest over cuts r of the miss at r.
    /// Every unit's bounds are step functions of r that drop just past a fractional part, so
    /// the value on each step is taken at its right end.
    pub(super) fn l1_lower_hamilton(&self, w: &mut Work) -> Option<u64> {
        self.quota_bounds(w)?;
        let lo = |k: usize, r: f64| self.clamp(k, slots_at(w.ql[k] - r));
        let hi = |k: usize, r: f64| self.clamp(k, slots_at(w.qh[k] - r));
        // At cut r: each observed unit at the point of its range nearest its observation, then
        // the slots must still sum to N — moving observed units costs one per slot, the others
        // move free within their ranges. None: no allocation at this cut.
        let total = self.total;
        let miss = |r: f64| -> Option<u64> {
            let (mut cost, mut lsum, mut hsum, mut up, mut down) = (0u64, 0u64, 0u64, 0u64, 0u64);
            for k in 0..w.ql.len() {
                let (a, b) = (lo(k, r), hi(k, r).max(lo(k, r)));
                match self.observed[k] {
                    Some(x) => {
                        let y = x.clamp(a, b);
                        cost += x.abs_diff(y);
                        lsum += y;
                        hsum += y;
                        up += b - y;
                        down += y - a;
                    }
                    None => {
                        lsum += a;
                        hsum += b;
                    }
                }
            }
            if hsum < total {
                let need = total - hsum;
                (need <= up).then_some(cost + need)
            } else if lsum > total {
                let need = lsum - total;
                (need <= down).then_some(cost + need)
            } else {
                Some(cost)
            }
        };
        let mut best = miss(1.0);
        for q in w.ql.iter().chain(w.qh.iter()) {
            let p = q - q.floor();
            if p > 0.0 && p < 1.0 {
                if let Some(m) = miss(p) {
                    best = Some(best.map_or(m, |b| b.min(m)));
                }
            }
        }
        best
    }

    pub(super) fn test_hamilton(&self, ask: Ask, w: &mut Work) -> Option<u64> {
        let (floors, caps) = (self.floors, self.caps);
        self.quota_bounds(w)?;
        let lo = |k: usize, r: f64| self.clamp(k, slots_at(w.ql[k] - r));
        let hi = |k: usize, r: f64| self.clamp(k, slots_at(w.qh[k] - r));
        // The cut interval [ra, rb] allowed by the known units and the question.
        let (mut ra, mut rb) = (0.0f64, 1.0f64);
        let mut restrict = |k: usize, x: u64| -> bool {
            if x < floors[k] || x > caps[k] {
                return false;
            }
            if x < caps[k] {
                ra = ra.max(w.ql[k] - x as f64);
            }
            if x > floors[k] {
                rb = rb.min(w.qh[k] - x as f64 + 1.0);
            }
            true
        };
        for (k, x) in self.observed.iter().enumerate() {
            if let Some(x) = *x {
                if !restrict(k, x) {
                    return None;
                }
            }
        }
        match ask {
            Ask::AtLeast(j, v) => {
                if v > caps[j] {
                    return None;
                }
                if v > floors[j] {
                    rb = rb.min(w.qh[j] - v as f64 + 1.0);
                }
            }
            Ask::AtMost(j, v) => {
                if v < floors[j] {
                    return None;
                }
                if v < caps[j] {
                    ra = ra.max(w.ql[j] - v as f64);
                }
            }
            Ask::Consistent => {}
        }
        let sums = |r: f64| self.sums(ask, |k| lo(k, r), |k| hi(k, r));
        // The cut lies in (ra, rb]: every lower limit is strict (a unit below x keeps its
        // quota's whole part: r > q − x), every upper one is not. The largest cut there at which
        // Σ hi still reaches N: Σ hi only drops just past a point qh_k − m, so the candidates
        // are rb and those points.
        let total = self.total;
        if ra >= rb {
            return None;
        }
        let mut best: Option<f64> = (sums(rb).1 >= total).then_some(rb);
        if best.is_none() {
            for k in 0..w.qh.len() {
                let p = w.qh[k] - w.qh[k].floor();
                if p > ra && p <= rb && best.is_none_or(|b| p > b) && sums(p).1 >= total {
                    best = Some(p);
                }
            }
        }
        let r = best?;
        if sums(r).0 > total {
            return None;
        }
        Some(match ask {
            Ask::AtLeast(j, _) => hi(j, ra),
            Ask::AtMost(j, _) => lo(j, rb),
            Ask::Consistent => 1,
        })
    }
}

/// `⌊t⌋ + 1` as slots (0 below 0): the Hamilton slots of a quota q at cut r, with t = q − r.
fn slots_at(t: f64) -> u64 {
    if t < 0.0 {
        0
    } else {
        (t.floor() as u64).saturating_add(1)
    }
}

/// The scale μ at which `Σ clamp(μ·s_k, l_k, c_k) = n` (bisection to the last bit), or None
/// when even μ → ∞ leaves the sum below n.
fn bounded_scale(s: &[f64], floors: &[u64], caps: &[u64], n: f64) -> Option<f64> {
    let sum = |mu: f64| -> f64 {
        s.iter().zip(floors).zip(caps).map(|((&v, &l), &c)| (mu * v).clamp(l as f64, c as f64)).sum()
    };
    let top: f64 =
        s.iter().zip(floors).zip(caps).map(|((&v, &l), &c)| if v > 0.0 { c as f64 } else { l as f64 }).sum();
    if top < n {
        return None;
    }
    let total: f64 = s.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let (mut a, mut b) = (0.0f64, n / total);
    while sum(b) < n {
        b *= 2.0;
        if b > 1e300 {
            return None;
        }
    }
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if sum(m) >= n {
            b = m;
        } else {
            a = m;
        }
    }
    Some(b)
}
