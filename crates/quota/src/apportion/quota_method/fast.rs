//! The quota method's slots without deciding every house size: O(n log n) plus the houses
//! where floors, caps or the final selection can bind, instead of one heap step per slot.
//!
//! ## Why the answer can be read off in segments
//!
//! Call *claim* (i, m) unit i's (m+1)-th slot, for its floor ≤ m < its cap. The claim is
//! *released* at house size `r = ⌊m·W / w_i⌋ + 1`, the first house at which unit i holding m
//! slots is eligible; by house s, unit i has `ρ_i(s) = min(cap_i, ⌈s·w_i / W⌉)` claims
//! released. Claims are totally ordered by the method's order (priority `w_i / (m+1)`, then
//! weight, then the unit listed first); a unit's claims come in that order and are released in
//! it. At every house the method takes the best released claim not yet taken (the head of
//! its unit: a later claim of a unit is released later and ranks lower); when none is left it
//! is *stuck* and takes the best claim not yet taken (the fallback).
//!
//! - **Stuck houses have a closed form.** Up to the first stuck house s the method took one
//!   released claim per house; stuck at s means it has taken every claim released by s. So,
//!   from a state k at house t = Σk (every claim released by t taken), the next stuck house is
//!   the first s > t with `Σ_i max(k_i, ρ_i(s)) ≤ s − 1`, and the state then is
//!   `max(k_i, ρ_i(s))`, plus the fallback claim. A calendar of releases finds these houses
//!   and the fallback winners without looking at any other decision.
//! - **Between stuck houses the answer is a selection.** With no stuck house after t, the
//!   method is the online greedy for unit jobs with release times, which takes, by every house
//!   H, the best set of claims that can be scheduled in the houses t+1..H (an exchange
//!   argument: the best released claim is in every best schedulable set). The best claims
//!   released by N are that set exactly when they can be scheduled: when, for every house s,
//!   `Σ_i max(k_i, min(J_i, ⌈s·w_i / W⌉)) ≥ s` (Hall's condition for release times). That is
//!   checked with the same calendar; when it fails, the caller decides the last segment house
//!   by house.
//!
//! Houses where neither can fail are skipped: both conditions read `Σ_i max(x_i, min(y_i,
//! ⌈s·w_i/W⌉)) ≥ s`, which holds while `D(s) = Σ_i (s·w_i/W − y_i)⁺ − Σ_i (x_i − s·w_i/W)⁺ < 1`
//! (drop the ceilings), and D grows with s: the scan starts where a floating-point D, with a
//! margin far above its rounding, reaches 1/2.
//!
//! Tested against the definition on thousands of random problems (see `tests.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Claim, NONE};
use crate::apportion::Problem;

/// Buffers reused between calls.
#[derive(Debug, Default, Clone)]
pub struct Fast {
    /// Claims released or taken, per unit (the state at stuck houses).
    k: Vec<u64>,
    /// Releases per house (the search for the first shortage).
    count: Vec<u32>,
    /// The state after the last stuck house (or the floors).
    pub(super) start: Vec<u64>,
    /// Per-unit caps of the current scan.
    cap: Vec<u64>,
    /// `w_i / (k_i + 1)` as f64 bits, or −1 at the cap.
    prio: Vec<i64>,
    /// `⌊k_i·W / w_i⌋` (the next claim's release is one more), `k_i·W mod w_i`.
    base: Vec<u128>,
    rem: Vec<u64>,
    /// `(⌊W / w_i⌋, W mod w_i)`.
    step: Vec<(u128, u64)>,
    /// `w_i / W` in floating point (the bound that skips houses).
    share: Vec<f64>,
    /// Calendar: `first[r − s0 − 1]` heads the units whose next release is house r.
    first: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Units released since the last stuck house.
    log: Vec<u32>,
    /// The eligible units' priorities (−1 for the others) at one house of the last segment.
    open: Vec<i64>,
    heap: BinaryHeap<Reverse<Claim>>,
}

/// `(⌊num / d⌋, num mod d)` for d > 0, by a floating-point estimate corrected exactly.
#[inline]
fn div_floor(num: u128, d: u64) -> (u128, u64) {
    if num > u64::MAX as u128 {
        return (num / d as u128, (num % d as u128) as u64);
    }
    let est = num as u64 as f64 / d as f64;
    if est >= 4.0e15 {
        return (num / d as u128, (num % d as u128) as u64);
    }
    let d128 = d as u128;
    let mut q = est as u64 as u128;
    while q * d128 > num {
        q -= 1;
    }
    while (q + 1) * d128 <= num {
        q += 1;
    }
    (q, (num - q * d128) as u64)
}

/// `⌈s·w / W⌉` (s·w ≤ 10^6·10^12 fits in 64 bits; `inv` = 1/W).
#[inline]
fn ceil_share(s: u64, w: u64, w_sum: u128, inv: f64) -> u64 {
    if w == 0 {
        return 0;
    }
    let num = s as u128 * w as u128;
    let mut q = ((s * w) as f64 * inv).ceil() as u64 as u128;
    while q > 0 && (q - 1) * w_sum >= num {
        q -= 1;
    }
    while q * w_sum < num {
        q += 1;
    }
    q as u64
}

/// The first unit holding the largest value (if any is ≥ 0), and whether another holds it.
#[inline]
fn top(v: &[i64]) -> Option<(usize, bool)> {
    let (mut best, mut at, mut dup) = (-1i64, 0usize, false);
    for (j, &x) in v.iter().enumerate() {
        let gt = x > best;
        dup = !gt & (dup | (x == best));
        best = if gt { x } else { best };
        at = if gt { j } else { at };
    }
    (best >= 0).then_some((at, dup))
}

/// The last house s in `[lo, N]` before which no shortage is possible: D(s) < 1/2 on
/// `lo..=s` (see the module documentation; D is nondecreasing).
fn safe_until(p: &Problem, share: &[f64], x: &[u64], y: &[u64], lo: u64) -> u64 {
    let d = |s: u64| -> f64 {
        let s = s as f64;
        let mut acc = 0.0;
        for ((&r, &x), &y) in share.iter().zip(x).zip(y) {
            let v = s * r;
            acc += (v - y as f64).max(0.0) - (x as f64 - v).max(0.0);
        }
        acc
    };
    let n_total = p.total();
    if d(n_total) < 0.5 {
        return n_total;
    }
    // d(lo) may already reach 1/2: then nothing is skipped.
    let (mut ok, mut bad) = (lo, n_total);
    if d(lo) >= 0.5 {
        return lo;
    }
    while bad - ok > 1 {
        let mid = ok + (bad - ok) / 2;
        if d(mid) < 0.5 {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    ok
}

impl Fast {
    /// Per-unit release arithmetic for unit i holding `self.k[i]` claims: `base`, `rem`
    /// (`step` is the problem's, set once per call).
    #[inline]
    fn arithmetic(&mut self, w: &[u64], w_sum: u128, i: usize) {
        if w[i] == 0 || self.k[i] >= self.cap[i] {
            self.base[i] = u128::MAX;
            self.rem[i] = 0;
            return;
        }
        let (b, r) = div_floor(self.k[i] as u128 * w_sum, w[i]);
        self.base[i] = b;
        self.rem[i] = r;
    }

    #[inline]
    fn set_prio(&mut self, w: &[u64], i: usize) {
        self.prio[i] = if self.k[i] < self.cap[i] {
            (w[i] as f64 / (self.k[i] + 1) as f64).to_bits() as i64
        } else {
            -1
        };
    }

    /// Files unit i's next release in the calendar of houses `s0+1..=N` (if within it).
    #[inline]
    fn link(&mut self, i: usize, s0: u64, total: u64) {
        self.prev[i] = NONE;
        self.next[i] = NONE;
        if self.k[i] >= self.cap[i] || self.base[i] >= total as u128 {
            return;
        }
        let at = (self.base[i] as u64 - s0) as usize;
        let head = self.first[at];
        self.next[i] = head;
        if head != NONE {
            self.prev[head as usize] = i as u32;
        }
        self.first[at] = i as u32;
    }

    fn unlink(&mut self, i: usize, s0: u64, total: u64) {
        if self.k[i] >= self.cap[i] || self.base[i] >= total as u128 {
            return;
        }
        let (p, n) = (self.prev[i], self.next[i]);
        if p == NONE {
            self.first[(self.base[i] as u64 - s0) as usize] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
    }

    /// One more claim for unit i (released or taken): its next release without a division.
    #[inline]
    fn advance(&mut self, w: &[u64], i: usize) {
        self.k[i] += 1;
        self.base[i] += self.step[i].0;
        self.rem[i] += self.step[i].1;
        if self.rem[i] >= w[i] {
            self.rem[i] -= w[i];
            self.base[i] += 1;
        }
    }

    /// Sets `self.k` to every claim released by house s from `self.start` under `self.cap`
    /// (`max(start_i, min(cap_i, ⌈s·w_i/W⌉))`) with its release arithmetic; returns Σ k.
    fn released_by(&mut self, p: &Problem, s: u64) -> u64 {
        let (n, w, w_sum) = (p.len(), p.weights(), p.weight_sum());
        let inv = 1.0 / w_sum as f64;
        self.k.clear();
        self.base.clear();
        self.base.resize(n, 0);
        self.rem.clear();
        self.rem.resize(n, 0);
        let mut held = 0;
        for i in 0..n {
            let ki = self.start[i].max(ceil_share(s, w[i], w_sum, inv).min(self.cap[i]));
            self.k.push(ki);
            held += ki;
            self.arithmetic(w, w_sum, i);
        }
        held
    }

    /// The first house s after `from` (state `self.start`, Σ = `from`) at which the claims
    /// from `self.start` to `self.cap` released by s are fewer than the houses since `from`:
    /// `Σ_i max(start_i, min(cap_i, ⌈s·w_i/W⌉)) ≤ s − 1`. Counts releases per house.
    fn first_short(&mut self, p: &Problem, from: u64) -> Option<u64> {
        let (n, w, total) = (p.len(), p.weights(), p.total());
        let s0 = safe_until(p, &self.share, &self.start, &self.cap, from);
        if s0 >= total {
            return None;
        }
        let mut held = self.released_by(p, s0);
        self.count.clear();
        self.count.resize((total - s0) as usize, 0);
        for i in 0..n {
            let (mut k, mut base, mut rem) = (self.k[i], self.base[i], self.rem[i]);
            let (q, r) = self.step[i];
            while k < self.cap[i] && base < total as u128 {
                self.count[(base as u64 - s0) as usize] += 1;
                k += 1;
                base += q;
                rem += r;
                if rem >= w[i] {
                    rem -= w[i];
                    base += 1;
                }
            }
        }
        for s in s0 + 1..=total {
            held += self.count[(s - s0 - 1) as usize] as u64;
            if held < s {
                return Some(s);
            }
        }
        None
    }

    /// The method's own decisions from house t (state `self.start`) to the total, looking at
    /// every unit at every house: for short last segments. The slots end in `self.k`.
    fn house_by_house(&mut self, p: &Problem, t: u64) {
        let (n, w, w_sum, total) = (p.len(), p.weights(), p.weight_sum(), p.total());
        self.k.clear();
        self.k.extend_from_slice(&self.start);
        self.base.clear();
        self.base.resize(n, 0);
        self.rem.clear();
        self.rem.resize(n, 0);
        self.prio.clear();
        self.prio.resize(n, -1);
        self.open.clear();
        self.open.resize(n, -1);
        for i in 0..n {
            self.arithmetic(w, w_sum, i);
            self.set_prio(w, i);
        }
        for house in t + 1..=total {
            for i in 0..n {
                self.open[i] = if self.base[i] < house as u128 { self.prio[i] } else { -1 };
            }
            let (pool, (i, tied)) = match top(&self.open) {
                Some(best) => (&self.open, best),
                None => (&self.prio, top(&self.prio).expect("caps sum to at least the total")),
            };
            let i = if tied {
                let v = pool[i];
                (i..n)
                    .filter(|&j| pool[j] == v)
                    .map(|j| Claim::new(w[j], self.k[j] + 1, j as u32))
                    .max()
                    .expect("i itself")
                    .unit as usize
            } else {
                i
            };
            self.advance(w, i);
            self.set_prio(w, i);
        }
    }

    /// From the first stuck house s (every claim released by s taken), the houses to the
    /// total with a calendar of releases, each stuck house taking the best claim. Ends with
    /// `self.start` the state after the last stuck house, returned, and `self.k` every claim
    /// released by N or taken.
    fn fallbacks(&mut self, p: &Problem, s: u64) -> u64 {
        let (n, w, total) = (p.len(), p.weights(), p.total());
        let mut held = self.released_by(p, s);
        self.prio.clear();
        self.prio.resize(n, -1);
        self.next.clear();
        self.next.resize(n, NONE);
        self.prev.clear();
        self.prev.resize(n, NONE);
        self.first.clear();
        self.first.resize((total - s) as usize, NONE);
        for i in 0..n {
            self.set_prio(w, i);
            self.link(i, s, total);
        }
        let s0 = s;
        self.log.clear();
        let mut last = s;
        for house in s..=total {
            if house > s0 {
                let mut u = self.first[(house - s0 - 1) as usize];
                while u != NONE {
                    let i = u as usize;
                    u = self.next[i];
                    self.advance(w, i);
                    self.link(i, s0, total);
                    self.log.push(i as u32);
                    held += 1;
                }
                if held >= house {
                    continue;
                }
            }
            // Stuck: every claim released by this house is taken.
            for j in 0..self.log.len() {
                let i = self.log[j] as usize;
                self.set_prio(w, i);
            }
            self.log.clear();
            let (i, tied) = top(&self.prio[..n]).expect("caps sum to at least the total");
            let i = if tied {
                let v = self.prio[i];
                let k = &self.k;
                (i..n)
                    .filter(|&j| self.prio[j] == v)
                    .map(|j| Claim::new(w[j], k[j] + 1, j as u32))
                    .max()
                    .expect("i itself")
                    .unit as usize
            } else {
                i
            };
            self.unlink(i, s0, total);
            self.advance(w, i);
            self.set_prio(w, i);
            self.link(i, s0, total);
            held += 1;
            last = house;
        }
        // The state after the last stuck house: the releases since then undone.
        self.start.clear();
        self.start.extend_from_slice(&self.k);
        for &u in &self.log {
            self.start[u as usize] -= 1;
        }
        last
    }
}

/// Up to this many unit-houses the last segment is decided house by house over every unit.
const SHORT_TAIL: usize = 4096;

/// The method's slots into `out`; or, when the last segment's selection cannot be scheduled,
/// the house from which the caller decides house by house, from the state [`Fast::start`].
pub(super) fn seats(p: &Problem, f: &mut Fast, out: &mut Vec<u64>) -> Result<(), u64> {
    let n = p.len();
    let (w, total) = (p.weights(), p.total());
    f.start.clear();
    f.start.extend_from_slice(p.lower());
    let h0: u64 = f.start.iter().sum();
    out.clear();
    if h0 == total {
        out.extend_from_slice(&f.start);
        return Ok(());
    }
    f.cap.clear();
    f.cap.extend((0..n).map(|i| p.cap(i)));
    f.step.clear();
    f.step.extend(w.iter().map(|&wi| if wi == 0 { (0, 0) } else { div_floor(p.weight_sum(), wi) }));
    f.share.clear();
    let inv = 1.0 / p.weight_sum() as f64;
    f.share.extend(w.iter().map(|&wi| wi as f64 * inv));
    let t = match f.first_short(p, h0) {
        Some(s) => f.fallbacks(p, s),
        None => h0,
    };
    if (total - t) as usize * n <= SHORT_TAIL {
        f.house_by_house(p, t);
        out.extend_from_slice(&f.k);
        return Ok(());
    }
    f.released_by(p, total);
    // The best `total − t` claims among those released by N: drop the worst surplus.
    out.extend_from_slice(&f.k);
    let held: u64 = out.iter().sum();
    let surplus = held - total;
    if surplus == 0 {
        return Ok(());
    }
    f.heap.clear();
    for i in 0..n {
        if out[i] > f.start[i] {
            f.heap.push(Reverse(Claim::new(w[i], out[i], i as u32)));
        }
    }
    for _ in 0..surplus {
        let Reverse(c) = f.heap.pop().expect("the surplus is among the candidates");
        let i = c.unit as usize;
        out[i] -= 1;
        if out[i] > f.start[i] {
            f.heap.push(Reverse(Claim::new(w[i], out[i], i as u32)));
        }
    }
    // Hall's condition for that selection from the last stuck house.
    f.cap.clear();
    f.cap.extend_from_slice(out);
    match f.first_short(p, t) {
        None => Ok(()),
        Some(_) => Err(t),
    }
}
