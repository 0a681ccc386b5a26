//! The quota method's slots without deciding every house size: O(n log n) plus one pass over
//! the houses where a stuck house or an unschedulable selection is possible, instead of one
//! heap step per slot.
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
//! - **Stuck houses need only a count.** Up to the first stuck house s the method took one
//!   released claim per house; stuck at s means it has taken every claim released by s. So,
//!   with `f_i` the claims of unit i taken by the fallback so far (or its floor), the claims
//!   released or taken by house s number `A(s) = Σ_i max(f_i, min(cap_i, ⌈s·w_i / W⌉))`, and
//!   the stuck houses are exactly the houses s with `A(s) ≤ s − 1`, the state there being
//!   `max(f_i, min(cap_i, ⌈s·w_i / W⌉))`. One array counts the releases per house from the
//!   floors to the caps; a running sum gives A(s) house by house; a fallback winner's claim
//!   was released later than s, so taking it moves one count from its release house to s.
//!   The fallback winner is the best claim among the units below their cap. With few units
//!   (`SCAN_UNITS`) a scan of their keys finds it, the units caught up with their releases
//!   only when some came since the last stuck house t (A(s) = s − 1 at a stuck house s and
//!   A(t) = t after t's claim, so s − 1 − t were released between: none within a run of stuck
//!   houses). With more, a tournament of the claims refreshed lazily (a unit's claim only
//!   falls as its count grows, so a leaf is recomputed only when it reaches the top).
//! - **After the last stuck house the answer is a selection.** With no stuck house after t,
//!   the method is the online greedy for unit jobs with release times, which takes, by every
//!   house H, the best set of claims that can be scheduled in the houses t+1..H (an exchange
//!   argument: the best released claim is in every best schedulable set). The best claims
//!   released by N are that set exactly when they can be scheduled: when, for every house s,
//!   `Σ_i max(k_i, min(x_i, ⌈s·w_i / W⌉)) ≥ s` (Hall's condition for release times), which is
//!   A(s) less the releases of the claims left out: the same array, those releases taken
//!   out, read once more. When it fails, the last segment is decided house by house.
//!
//! Houses where neither can fail are skipped: both conditions read `Σ_i max(x_i, min(y_i,
//! ⌈s·w_i/W⌉)) ≥ s`, which holds while `D(s) = Σ_i (s·w_i/W − y_i)⁺ − Σ_i (x_i − s·w_i/W)⁺ < 1`
//! (drop the ceilings), and D is nondecreasing in s: the count starts at the last house where a
//! floating-point D, with a margin far above its rounding, is below 1/2 (found by Newton's
//! method from the total, D being piecewise linear).
//!
//! All release arithmetic is exact in 64-bit integers (`W ≤ 2^62`, `s·w_i < 2^64`; a product
//! `m·W` that overflows is past the total), one hardware division each (measured faster here
//! than a floating-point estimate with corrections); releases after the first follow by additions
//! (`⌊(m+1)·W / w⌋ = ⌊m·W / w⌋ + ⌊W / w⌋ + carry`). Tested against the definition on thousands
//! of random problems (see `tests.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Claim;
use crate::apportion::Problem;

/// The largest weight sum taken by this path (the exact arithmetic stays in 64 bits).
const MAX_SUM: u128 = 1 << 62;

/// Buffers reused between calls.
#[derive(Debug, Default, Clone)]
pub struct Fast {
    /// Claims held per unit: taken by the fallback or the floors, then the house-by-house state.
    k: Vec<u64>,
    /// The state after the last stuck house (or the floors).
    pub(super) start: Vec<u64>,
    /// Per-unit caps.
    cap: Vec<u64>,
    /// `(⌊W / w_i⌋, W mod w_i)`.
    step: Vec<(u64, u64)>,
    /// `w_i / W` in floating point (the bound that skips houses).
    share: Vec<f64>,
    /// `min(cap_i, ⌈N·w_i / W⌉)`: claims released by the total, filled with the count.
    reach: Vec<u64>,
    /// The fallback: a tournament over the units' best claims not yet taken (node j holds
    /// the better of 2j and 2j+1; leaves from `tree.len() / 2`), lazily refreshed.
    tree: Vec<u32>,
    /// The key of each node's winner (leaves: `key`).
    node_key: Vec<u64>,
    /// The claim's priority as f64 bits (0: none left) and `k + 1` for it, per leaf.
    key: Vec<u64>,
    next: Vec<u64>,
    /// Units whose cap the share reaches (the bound that skips houses).
    list: Vec<u32>,
    /// Per leaf: `⌊h·W / w_i⌋` for its claim h (u64::MAX past the total), `h·W mod w_i`.
    nb: Vec<u64>,
    nr: Vec<u64>,
    /// The slack `A(s) − s` of the houses after the last stuck one (the tail's selection).
    slack: Vec<i64>,
    /// Releases per house `s0+1..=N` (index house − s0 − 1).
    count: Vec<u32>,
    /// The selection's candidates to leave out, worst first.
    heap: BinaryHeap<Reverse<Claim>>,
    /// The claims left out of the selection: unit, `⌊m·W / w_i⌋`.
    dropped: Vec<(u32, u64)>,
    /// House by house: `⌊k_i·W / w_i⌋` (u64::MAX once past the total), `k_i·W mod w_i`.
    base: Vec<u64>,
    rem: Vec<u64>,
    /// House by house: `w_i / (k_i + 1)` as f64 bits, or −1 at the cap; the eligible ones.
    prio: Vec<i64>,
    open: Vec<i64>,
}

/// The problem's numbers in 64 bits.
#[derive(Clone, Copy)]
struct Sizes {
    w_sum: u64,
    total: u64,
}

/// `⌈s·w / W⌉` exactly (s·w ≤ 10^6·10^12 and W < 2^62: the sum stays below 2^64).
#[inline]
fn ceil_share(s: u64, w: u64, z: Sizes) -> u64 {
    (s * w).div_ceil(z.w_sum)
}

/// `(⌊m·W / w⌋, m·W mod w)` when the quotient is below the total (the claim (i, m) is released
/// by the total), else None.
#[inline]
fn release(m: u64, w: u64, z: Sizes) -> Option<(u64, u64)> {
    // total·w ≤ 10^6·10^12 < 2^64; m·W may not fit in 64 bits (then it is past the total).
    let num = m.checked_mul(z.w_sum).filter(|&num| num < z.total * w)?;
    Some((num / w, num % w))
}

/// Whether unit a's claim `next[a]` beats unit b's `next[b]` when their rounded priorities
/// are equal: the exact priorities `w / next` (products below 10^12·(10^6 + 1) < 2^64·2^64),
/// then the larger weight, then the unit listed first.
#[inline(never)]
fn beats(w: &[u64], next: &[u64], a: u32, b: u32) -> bool {
    let (a_, b_) = (a as usize, b as usize);
    let x = w[a_] as u128 * next[b_] as u128;
    let y = w[b_] as u128 * next[a_] as u128;
    x.cmp(&y).then(w[a_].cmp(&w[b_])).then(b.cmp(&a)).is_gt()
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

/// The last house s in `[lo, N]` with `U(s) = Σ_i (s·w_i/W − y_i)⁺ < 1/2` — U bounds D from
/// above, so D < 1/2 on `lo..=s` (see the module documentation) — or `lo` itself. U is
/// convex and piecewise linear: Newton's method from the total never passes the root and
/// ends on its linear piece. Only the units whose `y` the share reaches by the total count
/// (`list`).
fn safe_until(share: &[f64], y: &[u64], lo: u64, total: u64, list: &mut Vec<u32>) -> u64 {
    let nf = total as i64 as f64;
    list.clear();
    for (i, (&r, &y)) in share.iter().zip(y).enumerate() {
        // y ≤ 10^6: exact through i64; a margin of one slot over the rounding.
        if nf * r > y as i64 as f64 - 1.0 {
            list.push(i as u32);
        }
    }
    let u = |s: u64| -> (f64, f64) {
        let s = s as i64 as f64;
        let (mut acc, mut slope) = (0.0, 0.0);
        for &i in list.iter() {
            let r = share[i as usize];
            let over = s * r - y[i as usize] as i64 as f64;
            if over > 0.0 {
                acc += over;
                slope += r;
            }
        }
        (acc, slope)
    };
    let (mut s, (mut v, mut slope)) = (total, u(total));
    for _ in 0..64 {
        if v < 0.5 {
            return s;
        }
        if slope <= 0.0 {
            break;
        }
        let guess = (s as i64 as f64 - (v - 0.5) / slope).floor();
        if guess <= lo as i64 as f64 {
            return lo;
        }
        s = (guess as i64 as u64).min(s - 1);
        (v, slope) = u(s);
    }
    lo
}

impl Fast {
    /// Counts, per house `s0+1..=N`, the claims from `max(x_i, min(y_i, ⌈s0·w_i/W⌉))` up to
    /// `y_i` released there, and sets `reach`; returns the claims released by s0 (or held: x),
    /// Σ over the units.
    fn fill(&mut self, w: &[u64], x: &[u64], y: &[u64], s0: u64, z: Sizes) -> u64 {
        let Fast { count, reach, step, .. } = self;
        count.clear();
        count.resize((z.total - s0) as usize, 0);
        reach.clear();
        let count = count.as_mut_slice();
        let mut held = 0;
        for i in 0..w.len() {
            let (wi, yi) = (w[i], y[i]);
            let m0 = x[i].max(ceil_share(s0, wi, z).min(yi));
            held += m0;
            // Claims m0.. up to y_i released by the total: m0 ≥ s0·w_i/W, so the release base
            // is at least s0, and a base past the total falls outside the count (W < 2^62 and
            // the count's length ≤ 10^6: the index stays far below 2^64).
            let mut m = m0;
            if m < yi {
                if let Some((base, mut rem)) = release(m0, wi, z) {
                    let (q, r) = step[i];
                    let (q, mut at) = (q as usize, (base - s0) as usize);
                    while let Some(c) = count.get_mut(at) {
                        *c += 1;
                        m += 1;
                        if m == yi {
                            break;
                        }
                        rem += r;
                        let carry = rem >= wi;
                        rem -= if carry { wi } else { 0 };
                        at += q + usize::from(carry);
                    }
                }
            }
            reach.push(m);
        }
        held
    }

    /// Unit i's claims released or taken by house s.
    #[inline]
    fn held_at(&self, w: &[u64], i: usize, s: u64, z: Sizes) -> u64 {
        self.k[i].max(ceil_share(s, w[i], z).min(self.cap[i]))
    }

    /// The better of two leaves' claims (the method's order; an empty leaf loses).
    #[inline(always)]
    fn better(&self, w: &[u64], a: u32, b: u32) -> u32 {
        let (ka, kb) = (self.key[a as usize], self.key[b as usize]);
        if ka != kb {
            return if ka > kb { a } else { b };
        }
        if ka == 0 || beats(w, &self.next, a, b) {
            a
        } else {
            b
        }
    }

    /// Unit i's next claim is `next` (below the cap), or none (`next` = 0).
    #[inline(always)]
    fn set_claim(&mut self, w: &[u64], i: usize, next: u64) {
        // w < 2^53 and next ≤ 10^6 + 1 are exact doubles; the quotient is correctly rounded.
        self.key[i] = if next == 0 { 0 } else { (w[i] as i64 as f64 / next as i64 as f64).to_bits() };
        self.next[i] = next;
    }

    /// Unit i's leaf now holds claim `next` (below the cap) or none (`next` = 0).
    #[inline(always)]
    fn set_leaf(&mut self, w: &[u64], i: usize, next: u64) {
        self.set_claim(w, i, next);
        let key = self.key[i];
        // Up from the leaf: the winner so far against the sibling subtree's (kept with its key
        // in the node). `tree.len()` is a power of two: the masks keep every index in bounds.
        let (leaves, mask) = (self.tree.len() / 2, self.tree.len() - 1);
        let (tree, keys, nexts) = (&mut self.tree[..=mask], &mut self.node_key[..=mask], &self.next);
        let mut node = leaves + i;
        keys[node & mask] = key;
        let (mut win, mut kw) = (i as u32, key);
        while node > 1 {
            let sib = (node ^ 1) & mask;
            let (o, ko) = (tree[sib], keys[sib]);
            if ko >= kw && (ko > kw || (ko != 0 && beats(w, nexts, o, win))) {
                (win, kw) = (o, ko);
            }
            node /= 2;
            tree[node & mask] = win;
            keys[node & mask] = kw;
        }
    }

    /// `self.start` = the claims released or taken by house t (the last stuck house), from
    /// the tournament's leaves caught up with their releases.
    fn state_at(&mut self, w: &[u64], t: u64, total: u64) {
        for i in 0..self.start.len() {
            if self.key[i] == 0 {
                // At its cap (or of weight 0, held at its floor = its cap).
                self.start[i] = self.cap[i];
                continue;
            }
            let mut h = self.next[i] - 1;
            while self.nb[i] < t && h < self.cap[i] {
                h += 1;
                self.advance(w, i, total);
            }
            self.start[i] = h;
        }
    }

    /// Unit i's next claim's release base, one claim on (u64::MAX once past the total).
    #[inline(always)]
    fn advance(&mut self, w: &[u64], i: usize, total: u64) {
        if self.nb[i] == u64::MAX {
            return;
        }
        let (q, r) = self.step[i];
        self.nr[i] += r;
        let carry = self.nr[i] >= w[i];
        self.nr[i] -= if carry { w[i] } else { 0 };
        self.nb[i] += q + u64::from(carry);
        if self.nb[i] >= total {
            self.nb[i] = u64::MAX;
        }
    }

    /// Reads the count from `s0` (`held` claims released by then) to the total, taking the
    /// fallback claim at every stuck house; returns the last stuck house, if any. `self.k`
    /// ends as the fallback's claims (or the floors). The tournament starts at the first
    /// stuck house; a leaf catches up with its releases only when it is at the top. Err if no claim is left at a stuck house (caps summing
    /// below the total, which `Problem` refuses).
    fn stuck_houses(&mut self, w: &[u64], s0: u64, mut held: u64, z: Sizes) -> Result<Option<u64>, ()> {
        let n = w.len();
        let scan = n <= SCAN_UNITS;
        let mut last = None;
        let mut s = s0;
        // A(s) ≥ s throughout: a stuck house takes one claim more.
        while s < z.total {
            // A grows, so no house before s + (A(s) − s) + 1 can be stuck.
            let at = (s - s0) as usize;
            if held == s {
                // One house on (every house of a run of stuck ones).
                held += self.count[at] as u64;
                s += 1;
            } else {
                let jump = (held - s + 1).min(z.total - s);
                held += self.count[at..at + jump as usize].iter().sum::<u32>() as u64;
                s += jump;
            }
            if held >= s {
                continue;
            }
            // A(s) = s − 1 here and A(t) = t after the last stuck house t: the claims released
            // since number s − 1 − t (none within a run of stuck houses).
            let released = match last {
                None => {
                    self.start_fallback(w, s, z, scan);
                    false
                }
                Some(t) => s > t + 1,
            };
            let i = if scan {
                self.scan_best(w, s, released, z.total)
            } else {
                self.tournament_best(w, s, z.total)
            };
            let Some(i) = i else { return Err(()) };
            // Taken now: its release (after s) no longer counts.
            if self.nb[i] != u64::MAX {
                self.count[(self.nb[i] - s0) as usize] -= 1;
            }
            let (h, cap) = (self.next[i] - 1, self.cap[i]);
            self.k[i] = h + 1;
            self.advance(w, i, z.total);
            let next = if h + 1 < cap { h + 2 } else { 0 };
            if next == 0 {
                self.nb[i] = u64::MAX;
            }
            if scan {
                self.set_claim(w, i, next);
            } else {
                self.set_leaf(w, i, next);
            }
            held += 1;
            last = Some(s);
        }
        Ok(last)
    }

    /// At the first stuck house s: every unit's claims released by s, its next claim and that
    /// claim's release; the tournament over them unless the units are few enough to scan.
    fn start_fallback(&mut self, w: &[u64], s: u64, z: Sizes, scan: bool) {
        let n = w.len();
        let size = if scan { n } else { n.next_power_of_two() };
        self.key.clear();
        self.key.resize(size, 0);
        self.next.clear();
        self.next.resize(size, 0);
        self.nb.clear();
        self.nb.resize(n, u64::MAX);
        self.nr.clear();
        self.nr.resize(n, 0);
        for i in 0..n {
            // Current at s: the claims released by s, and the next one's release.
            let h = self.held_at(w, i, s, z);
            if h < self.cap[i] {
                (self.nb[i], self.nr[i]) = release(h, w[i], z).unwrap_or((u64::MAX, 0));
                self.set_claim(w, i, h + 1);
            }
        }
        if scan {
            return;
        }
        self.tree.clear();
        self.tree.resize(size, 0);
        self.tree.extend(0..size as u32);
        self.node_key.clear();
        self.node_key.resize(size, 0);
        self.node_key.extend_from_slice(&self.key);
        for j in (1..size).rev() {
            let win = self.better(w, self.tree[2 * j], self.tree[2 * j + 1]);
            self.tree[j] = win;
            self.node_key[j] = self.key[win as usize];
        }
    }

    /// Unit i's claims caught up with its releases by house s; whether any were.
    #[inline]
    fn catch_up(&mut self, w: &[u64], i: usize, s: u64, total: u64) -> bool {
        if self.nb[i] >= s {
            return false;
        }
        self.catch_up_released(w, i, s, total);
        true
    }

    /// Unit i's claims caught up with its releases by house s, one at least released since.
    #[inline(always)]
    fn catch_up_released(&mut self, w: &[u64], i: usize, s: u64, total: u64) {
        let (mut h, cap) = (self.next[i] - 1, self.cap[i]);
        while self.nb[i] < s && h < cap {
            h += 1;
            self.advance(w, i, total);
        }
        let next = if h < cap { h + 1 } else { 0 };
        if next == 0 {
            self.nb[i] = u64::MAX;
        }
        self.set_claim(w, i, next);
    }

    /// The best claim not yet taken at stuck house s (few units): every unit caught up with
    /// its releases when any came since the last look (`released`), then the largest key.
    fn scan_best(&mut self, w: &[u64], s: u64, released: bool, total: u64) -> Option<usize> {
        if released {
            for i in 0..w.len() {
                if self.nb[i] < s {
                    self.catch_up_released(w, i, s, total);
                }
            }
        }
        let (mut best, mut bk) = (0usize, 0u64);
        for (i, &k) in self.key.iter().enumerate() {
            if k >= bk && (k > bk || (k != 0 && beats(w, &self.next, i as u32, best as u32))) {
                (best, bk) = (i, k);
            }
        }
        (bk != 0).then_some(best)
    }

    /// The best claim not yet taken at stuck house s: the tournament's top, refreshed until
    /// it is current (a leaf catches up with its releases only when it is at the top).
    fn tournament_best(&mut self, w: &[u64], s: u64, total: u64) -> Option<usize> {
        loop {
            let i = self.tree[1] as usize;
            if self.key[i] == 0 {
                return None;
            }
            if !self.catch_up(w, i, s, total) {
                return Some(i);
            }
            let next = self.next[i];
            self.set_leaf(w, i, next);
        }
    }

    #[inline]
    fn set_prio(&mut self, w: &[u64], i: usize) {
        self.prio[i] = if self.k[i] < self.cap[i] {
            (w[i] as f64 / (self.k[i] + 1) as f64).to_bits() as i64
        } else {
            -1
        };
    }

    /// The method's own decisions from house t (state `self.start`) to the total, looking at
    /// every unit at every house: for short last segments. The slots end in `self.k`.
    fn house_by_house(&mut self, w: &[u64], t: u64, z: Sizes) {
        let n = w.len();
        self.k.clear();
        self.k.extend_from_slice(&self.start);
        self.base.clear();
        self.rem.clear();
        self.prio.clear();
        self.prio.resize(n, -1);
        self.open.clear();
        self.open.resize(n, -1);
        for i in 0..n {
            let (b, r) = if self.k[i] < self.cap[i] { release(self.k[i], w[i], z) } else { None }
                .unwrap_or((u64::MAX, 0));
            self.base.push(b);
            self.rem.push(r);
            self.set_prio(w, i);
        }
        for house in t + 1..=z.total {
            for i in 0..n {
                self.open[i] = if self.base[i] < house { self.prio[i] } else { -1 };
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
            self.k[i] += 1;
            if self.base[i] != u64::MAX {
                let (q, r) = self.step[i];
                self.base[i] += q;
                self.rem[i] += r;
                if self.rem[i] >= w[i] {
                    self.rem[i] -= w[i];
                    self.base[i] += 1;
                }
                if self.base[i] >= z.total {
                    self.base[i] = u64::MAX;
                }
            }
            self.set_prio(w, i);
        }
    }

    /// Hall's condition for the selection `x` from the state `self.start` at house t, the
    /// claims left out being `self.dropped`: on the count made for the stuck houses
    /// (`counted`: from s0, `held` released by then) when every claim left out is released
    /// after both s0 and t, else on a count of its own.
    fn schedulable(&mut self, w: &[u64], x: &[u64], t: u64, counted: Option<(u64, u64)>, z: Sizes) -> bool {
        if let Some((s0, held)) = counted {
            let from = s0.max(t);
            if self.dropped.iter().all(|&(_, b)| b >= from) {
                for &(_, b) in &self.dropped {
                    self.count[(b - s0) as usize] -= 1;
                }
                // At a stuck house t every claim released by t is held: t of them.
                let ok = self.count_reaches(s0, from, if t >= s0 { t } else { held }, z.total);
                if !ok {
                    for &(_, b) in &self.dropped {
                        self.count[(b - s0) as usize] += 1;
                    }
                }
                return ok;
            }
        }
        let start = std::mem::take(&mut self.start);
        let s1 = safe_until(&self.share, x, t, z.total, &mut self.list);
        let held = if s1 < z.total { self.fill(w, &start, x, s1, z) } else { 0 };
        self.start = start;
        s1 >= z.total || self.count_reaches(s1, s1, held, z.total)
    }

    /// Whether the running count (array from `base`) keeps up with every house from `from`+1
    /// to the total, `held` claims at `from`.
    fn count_reaches(&self, base: u64, from: u64, mut held: u64, total: u64) -> bool {
        let mut s = from;
        while s < total {
            if held < s {
                return false;
            }
            let jump = (held - s + 1).min(total - s);
            let at = (s - base) as usize;
            held += self.count[at..at + jump as usize].iter().sum::<u32>() as u64;
            s += jump;
        }
        held >= total
    }

    /// The best schedulable selection after the stuck houses when the best claims are not
    /// schedulable (the matroid's greedy from the worst claim: a claim is left out when the
    /// rest still fills every house), on the count from `s0` ≤ t (`held` = A(t)) — so only
    /// for short tails (`out` is every claim released by the total; `surplus` to leave out).
    /// False when a claim to consider is released before `from` (then nothing is changed
    /// that the caller reads).
    #[allow(clippy::too_many_arguments)]
    fn tail_selection(
        &mut self,
        w: &[u64],
        out: &mut [u64],
        surplus: u64,
        (s0, mut held): (u64, u64),
        t: u64,
        z: Sizes,
    ) -> bool {
        // slack[j] = A(t + 1 + j) − (t + 1 + j), every claim released by the total counted.
        self.slack.clear();
        for s in t + 1..=z.total {
            held += self.count[(s - s0 - 1) as usize] as u64;
            self.slack.push(held as i64 - s as i64);
        }
        self.heap.clear();
        for (i, (&o, &k)) in out.iter().zip(&self.start).enumerate() {
            if o > k {
                self.heap.push(Reverse(Claim::new(w[i], o, i as u32)));
            }
        }
        let mut left = surplus;
        while left > 0 {
            let Some(Reverse(c)) = self.heap.pop() else { return false };
            let i = c.unit as usize;
            let Some((base, _)) = release(out[i] - 1, w[i], z) else { return false };
            if base < t {
                return false;
            }
            // Left out, the houses from its release on lose it.
            let tail = &mut self.slack[(base - t) as usize..];
            if tail.iter().all(|&x| x >= 1) {
                tail.iter_mut().for_each(|x| *x -= 1);
                out[i] -= 1;
                left -= 1;
                if out[i] > self.start[i] {
                    self.heap.push(Reverse(Claim::new(w[i], out[i], i as u32)));
                }
            }
            // Kept: its unit's better claims, released earlier, are kept too.
        }
        true
    }
}

/// Up to this many units the stuck houses' fallback scans every unit (caught up with its
/// releases) rather than keeping the tournament.
pub(super) const SCAN_UNITS: usize = 48;

/// Up to this many unit-houses a last segment that cannot be read off is decided house by
/// house over every unit (or by the tail's greedy selection).
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
    if p.weight_sum() > MAX_SUM {
        return Err(h0);
    }
    let z = Sizes { w_sum: p.weight_sum() as u64, total };
    f.cap.clear();
    f.cap.extend((0..n).map(|i| p.cap(i)));
    f.share.clear();
    let inv = 1.0 / p.weight_sum() as f64;
    f.share.extend(w.iter().map(|&wi| wi as i64 as f64 * inv));
    f.step.clear();
    f.step.extend(w.iter().map(|&wi| z.w_sum.checked_div(wi).map_or((0, 0), |q| (q, z.w_sum % wi))));
    f.k.clear();
    f.k.extend_from_slice(&f.start);
    // The stuck houses, read off the count of releases.
    let s0 = safe_until(&f.share, &f.cap, h0, total, &mut f.list);
    let mut t = h0;
    let mut counted = None;
    if s0 < total {
        let (start, cap) = (std::mem::take(&mut f.start), std::mem::take(&mut f.cap));
        let held = f.fill(w, &start, &cap, s0, z);
        (f.start, f.cap) = (start, cap);
        counted = Some((s0, held));
        match f.stuck_houses(w, s0, held, z) {
            Ok(Some(last)) => {
                t = last;
                f.state_at(w, t, total);
            }
            Ok(None) => {}
            Err(()) => {
                f.start.clear();
                f.start.extend_from_slice(p.lower());
                return Err(h0);
            }
        }
        // Every claim released by the total (or taken).
        out.extend(f.start.iter().zip(&f.reach).map(|(&k, &r)| k.max(r)));
    } else {
        out.extend((0..n).map(|i| f.start[i].max(ceil_share(total, w[i], z).min(f.cap[i]))));
    }
    // The best `total − t` of them, if schedulable.
    let held: u64 = out.iter().sum();
    if held == total {
        return Ok(());
    }
    f.heap.clear();
    for i in 0..n {
        if out[i] > f.start[i] {
            f.heap.push(Reverse(Claim::new(w[i], out[i], i as u32)));
        }
    }
    f.dropped.clear();
    for _ in 0..held - total {
        let Reverse(c) = f.heap.pop().expect("the surplus is among the candidates");
        let i = c.unit as usize;
        out[i] -= 1;
        let base = release(out[i], w[i], z).expect("released by the total").0;
        f.dropped.push((i as u32, base));
        if out[i] > f.start[i] {
            f.heap.push(Reverse(Claim::new(w[i], out[i], i as u32)));
        }
    }
    if f.schedulable(w, out, t, counted, z) {
        return Ok(());
    }
    if (total - t) as usize * n <= SHORT_TAIL {
        // The count is the stuck houses' one (`schedulable` used it and put it back).
        let on_count = counted.filter(|&(s0, _)| t >= s0 && f.dropped.iter().all(|&(_, b)| b >= t));
        if let Some((s0, held_s0)) = on_count {
            // Back to every claim released by the total.
            for &(i, _) in &f.dropped {
                out[i as usize] += 1;
            }
            let held_t = if t > s0 { t } else { held_s0 };
            if f.tail_selection(w, out, held - total, (s0, held_t), t, z) {
                return Ok(());
            }
        }
        f.house_by_house(w, t, z);
        out.clear();
        out.extend_from_slice(&f.k);
        return Ok(());
    }
    Err(t)
}

#[cfg(test)]
mod arithmetic {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::{ceil_share, release, Sizes};

    /// The 64-bit divisions against 128-bit ones at the limits: W up to 2^62, weights up to
    /// 10^12, house sizes and claims up to 10^6 (products m·W past 2^64 among them).
    #[test]
    fn releases_and_shares_are_exact_at_the_limits() {
        let mut rng = ChaCha8Rng::seed_from_u64(62);
        let mut overflowed = 0;
        for _ in 0..200_000 {
            let w = rng.random_range(1..=1_000_000_000_000u64);
            let w_sum = rng.random_range(w..=(1u64 << 62));
            let total = rng.random_range(1..=1_000_000u64);
            let z = Sizes { w_sum, total };
            let s = rng.random_range(0..=total);
            let want = (s as u128 * w as u128).div_ceil(w_sum as u128) as u64;
            assert_eq!(ceil_share(s, w, z), want, "s {s} w {w} W {w_sum}");
            let m = rng.random_range(0..=1_000_000u64);
            let num = m as u128 * w_sum as u128;
            overflowed += usize::from(num > u64::MAX as u128);
            let want = (num < total as u128 * w as u128)
                .then(|| ((num / w as u128) as u64, (num % w as u128) as u64));
            assert_eq!(release(m, w, z), want, "m {m} w {w} W {w_sum} N {total}");
        }
        assert!(overflowed > 1000, "{overflowed} products past 64 bits");
    }
}
