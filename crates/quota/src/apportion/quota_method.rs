//! The Balinski–Young quota method.
//!
//! Slots are given one at a time, starting from the floors. When the house grows from h to
//! h+1 slots, a unit is *eligible* if one more slot would not take it above its upper quota
//! at the new size — `k_i < (h+1)·w_i / Σw` — and below its cap; among eligible units the
//! slot goes to the largest Jefferson priority `w_i / (k_i + 1)`. The method is house
//! monotone and stays within quota (Balinski & Young, "The Quota Method of Apportionment",
//! *Amer. Math. Monthly* 82 (1975) 701–730). If floors or caps leave no eligible unit, the
//! slot goes to the largest Jefferson priority among units below their cap (the bounds then
//! override the quota condition; the checker reports any quota violation that results).
//!
//! The slots-only path (`apportion_seats`, what sweeps and calibration call) does not decide
//! every house size: [`fast`] reads the answer off in segments — stuck houses (no unit
//! eligible) have a closed form, and between them the answer is the best set of claims that
//! can be scheduled — deciding house by house only a short last segment. The full result
//! (ties, cut-off) and the one-at-a-time trace need every decision and use the run below.
//!
//! ## O(log n) per slot
//!
//! Read literally, the definition looks at every unit at every house size: O(N·n). Two facts
//! let each slot cost O(log n) instead, with the same decisions at every house size:
//!
//! - **A unit's eligibility changes only at two events.** For fixed k_i, `k_i·W < H·w_i` only
//!   loosens as the house size H grows, and k_i changes only when unit i wins a slot. So a
//!   unit below its cap becomes eligible at its *release* house `r_i = ⌊k_i·W / w_i⌋ + 1` (the
//!   smallest H with `k_i·W < H·w_i`) and stays eligible until it wins; after a win it is
//!   either still eligible at the next house size or waits for its next release.
//! - **Releases need no division.** `⌊(k+1)·W / w⌋ = ⌊k·W / w⌋ + ⌊W / w⌋ + carry`, where the
//!   carry comes from adding the remainders `k·W mod w` and `W mod w`: integer additions.
//!
//! The units below their cap are filed in three places: a binary heap of the eligible units
//! by claim; a calendar of the pending units by release house (one list per house size, so a
//! release costs nothing until its house comes); and, from the first house size at which no
//! unit is eligible on, a heap of the pending units by claim. At house size H: the units
//! listed at H move to the eligible heap; the winner is the top of the eligible heap — or,
//! when it is empty (no unit eligible: then every unit below its cap is pending, which is
//! exactly the definition's fallback pool), the top of the pending-by-claim heap; the winner
//! is re-filed. The pending-by-claim heap is lazy: an entry whose unit has since moved is
//! skipped when it surfaces, and the heap is rebuilt when stale entries outnumber the units.
//! Every step therefore takes the definition's winner out of the definition's pool. The full
//! result records each step's winner, and the ties that decided slots are read off that
//! record afterwards ([`ties`]), in O((N + n) log n) however many units share a claim. Slots,
//! ties and the cut-off are those of the definition: tested against it ([`reference`]) on
//! thousands of random problems with floors, caps, zero and equal weights.
//!
//! Claims are compared by their priorities rounded to doubles first (w < 2^53 and k + 1 are
//! exact doubles and the quotient is correctly rounded; rounding is monotone, so two
//! different doubles order the exact priorities the same way), and only when those are equal,
//! exactly in 64 bits: `w_a·(k_b + 1)` against `w_b·(k_a + 1)` with w ≤ 10^12
//! ([`MAX_WEIGHT`](super::MAX_WEIGHT)) and k + 1 ≤ 10^6 + 1 is at most 1.000001·10^18 < 2^64.
//! Claims equal, the larger weight wins, then the unit listed first
//! ([`TIE_BREAK_RULE`](super::TIE_BREAK_RULE)).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::divisor::priority;
use super::ratio::Ratio;
use super::{Apportionment, Cutoff, Method, Problem};

mod fast;
#[cfg(test)]
pub(crate) mod reference;
#[cfg(test)]
mod tests;
mod ties;

/// At its cap (or of weight 0): takes no more slots.
const DONE: u8 = 0;
/// In the eligible heap.
const ELIGIBLE: u8 = 1;
/// Below its cap and not eligible: waits for its release.
const PENDING: u8 = 2;
/// No unit (end of a list).
const NONE: u32 = u32::MAX;

/// A unit's claim to one more slot: weight w, holding `next − 1` slots, priority `w / next`.
#[derive(Debug, Clone, Copy)]
struct Claim {
    /// `w / next` rounded to the nearest f64 (a screen: see the `Ord` implementation).
    p: f64,
    w: u64,
    next: u64,
    unit: u32,
}

impl Claim {
    #[inline]
    fn new(w: u64, next: u64, unit: u32) -> Claim {
        // w < 2^53 and next are exact doubles; the quotient is correctly rounded.
        Claim { p: w as f64 / next as f64, w, next, unit }
    }
}

/// The larger priority, then the larger weight, then the unit listed first: the heaps are
/// max-heaps of claims. Rounding to the nearest double is monotone, so differing rounded
/// priorities order the exact ones the same way; only equal rounded priorities are compared
/// exactly.
impl Ord for Claim {
    #[inline]
    fn cmp(&self, o: &Claim) -> Ordering {
        match self.p.partial_cmp(&o.p) {
            Some(Ordering::Equal) | None => {
                (self.w * o.next).cmp(&(o.w * self.next)).then(self.w.cmp(&o.w)).then(o.unit.cmp(&self.unit))
            }
            Some(order) => order,
        }
    }
}

impl PartialOrd for Claim {
    #[inline]
    fn partial_cmp(&self, o: &Claim) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for Claim {
    fn eq(&self, o: &Claim) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Claim {}

/// Buffers reused between calls (part of [`Scratch`](super::Scratch)).
#[derive(Debug, Default, Clone)]
pub struct Buffers {
    k: Vec<u64>,
    /// `⌊k_i·W / w_i⌋`: unit i is eligible at house size H iff this is < H.
    base: Vec<u128>,
    /// `k_i·W mod w_i`.
    rem: Vec<u64>,
    /// `(⌊W / w_i⌋, W mod w_i)`: what one more slot adds to `base` and `rem`.
    step: Vec<(u128, u64)>,
    state: Vec<u8>,
    /// Max-heap of the eligible units' claims.
    eligible: BinaryHeap<Claim>,
    /// Pending units by release house: `first[r − h0 − 1]` heads a doubly linked list
    /// (`next`, `prev`) of the units released at house size r (h0 = Σ floors).
    first: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Max-heap of the pending units' claims, kept from the first house size at which no
    /// unit is eligible on; an entry is stale once its unit is no longer pending with it.
    waiting: BinaryHeap<Claim>,
    waiting_on: bool,
    /// The slots-only path's buffers.
    fast: fast::Fast,
}

#[inline]
fn push(h: &mut BinaryHeap<Claim>, x: Claim) {
    h.push(x);
}

#[inline]
fn pop(h: &mut BinaryHeap<Claim>) -> Option<Claim> {
    h.pop()
}

/// What a run reports at each house size besides the slots.
trait Observer {
    /// One house size: the eligible units other than the winner (none when no unit was
    /// eligible and the fallback pool was used), whether it was, and the winner's claim.
    fn step(&mut self, others: &[Claim], fallback: bool, winner: Claim);
}

/// The slots only.
struct SeatsOnly;

impl Observer for SeatsOnly {
    #[inline]
    fn step(&mut self, _: &[Claim], _: bool, _: Claim) {}
}

impl Buffers {
    #[inline]
    fn claim(&self, w: &[u64], i: usize) -> Claim {
        Claim::new(w[i], self.k[i] + 1, i as u32)
    }

    /// Files unit i (below its cap) for house size `house`: eligible, or pending until its
    /// release `base + 1` (not listed when that is after the last house size, `total`).
    #[inline]
    fn file(&mut self, w: &[u64], i: usize, house: u64, h0: u64, total: u64) {
        let base = self.base[i];
        if base < house as u128 {
            self.state[i] = ELIGIBLE;
            let c = self.claim(w, i);
            push(&mut self.eligible, c);
            return;
        }
        self.state[i] = PENDING;
        if base < total as u128 {
            let at = (base as u64 - h0) as usize;
            let head = self.first[at];
            self.next[i] = head;
            self.prev[i] = NONE;
            if head != NONE {
                self.prev[head as usize] = i as u32;
            }
            self.first[at] = i as u32;
        }
        if self.waiting_on {
            let c = self.claim(w, i);
            push(&mut self.waiting, c);
        }
    }

    /// Takes pending unit i out of its release list (it won a slot from the fallback pool).
    fn unlist(&mut self, i: usize, h0: u64, total: u64) {
        if self.base[i] >= total as u128 {
            return;
        }
        let (p, n) = (self.prev[i], self.next[i]);
        if p == NONE {
            self.first[(self.base[i] as u64 - h0) as usize] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
    }

    #[inline]
    fn is_current(&self, c: &Claim) -> bool {
        self.state[c.unit as usize] == PENDING && self.k[c.unit as usize] + 1 == c.next
    }

    /// Rebuilds the pending units' claim heap (on first use, and when stale entries
    /// outnumber the units).
    fn rebuild_waiting(&mut self, w: &[u64]) {
        self.waiting.clear();
        for i in 0..self.k.len() {
            if self.state[i] == PENDING {
                let c = self.claim(w, i);
                push(&mut self.waiting, c);
            }
        }
        self.waiting_on = true;
    }
}

/// Runs the method from the state `start` (the floors, or the slots the method holds at
/// house size Σ start) to the total; the slots end in `b.k`.
fn run<O: Observer>(p: &Problem, b: &mut Buffers, obs: &mut O, start: &[u64]) {
    let n = p.len();
    let (w, total, w_sum) = (p.weights(), p.total(), p.weight_sum());
    b.k.clear();
    b.k.extend_from_slice(start);
    let h0: u64 = b.k.iter().sum();
    b.eligible.clear();
    b.waiting.clear();
    b.waiting_on = false;
    b.base.clear();
    b.rem.clear();
    b.step.clear();
    b.state.clear();
    b.state.resize(n, DONE);
    b.next.clear();
    b.next.resize(n, NONE);
    b.prev.clear();
    b.prev.resize(n, NONE);
    b.first.clear();
    b.first.resize((total - h0) as usize, NONE);
    for i in 0..n {
        let (wi, ki) = (w[i] as u128, b.k[i] as u128);
        if b.k[i] >= p.cap(i) {
            // At its cap, or of weight 0 (held at its floor).
            b.base.push(0);
            b.rem.push(0);
            b.step.push((0, 0));
            continue;
        }
        // w_i > 0 here; k_i·W ≤ 10^6·n·10^12 fits in 128 bits.
        let num = ki * w_sum;
        b.base.push(num / wi);
        b.rem.push((num % wi) as u64);
        b.step.push((w_sum / wi, (w_sum % wi) as u64));
    }
    for i in 0..n {
        if b.k[i] < p.cap(i) {
            b.file(w, i, h0 + 1, h0, total);
        }
    }
    for house in h0 + 1..=total {
        // Units released at this house size become eligible.
        let at = (house - h0 - 1) as usize;
        let mut u = b.first[at];
        while u != NONE {
            b.state[u as usize] = ELIGIBLE;
            let c = b.claim(w, u as usize);
            push(&mut b.eligible, c);
            u = b.next[u as usize];
        }
        let (best, fallback) = if let Some(best) = pop(&mut b.eligible) {
            (best, false)
        } else {
            // No unit eligible: every unit below its cap is pending; the best claim among them.
            if !b.waiting_on {
                b.rebuild_waiting(w);
            }
            let best = loop {
                let c = pop(&mut b.waiting).expect("caps sum to at least the total");
                if b.is_current(&c) {
                    break c;
                }
            };
            b.unlist(best.unit as usize, h0, total);
            (best, true)
        };
        obs.step(b.eligible.as_slice(), fallback, best);
        // One more slot for the winner; its next release without a division.
        let i = best.unit as usize;
        b.k[i] += 1;
        b.base[i] += b.step[i].0;
        b.rem[i] += b.step[i].1;
        if b.rem[i] >= w[i] {
            b.rem[i] -= w[i];
            b.base[i] += 1;
        }
        if b.k[i] >= p.cap(i) {
            b.state[i] = DONE;
        } else {
            b.file(w, i, house + 1, h0, total);
        }
        if b.waiting_on && b.waiting.len() > 2 * n + 16 {
            b.rebuild_waiting(w);
        }
    }
}

/// The full result's record: every house size's winner, the slot it won and whether it came
/// from the fallback pool (the ties are read off it afterwards: [`ties`]).
struct Record(Vec<ties::Won>);

impl Observer for Record {
    #[inline]
    fn step(&mut self, _: &[Claim], fallback: bool, winner: Claim) {
        // next ≤ MAX_SEATS + 1 and unit < 2^32 (the problem's limits).
        self.0.push(ties::Won { unit: winner.unit, next: winner.next as u32, fallback });
    }
}

/// The oat design's state: per house size, the eligible units as bit words, then whether any
/// was eligible (bit 32) and the winner.
struct Trace<'a> {
    out: &'a mut Vec<u64>,
    words: usize,
}

impl Observer for Trace<'_> {
    fn step(&mut self, others: &[Claim], fallback: bool, winner: Claim) {
        let start = self.out.len();
        self.out.resize(start + self.words, 0);
        let bits = &mut self.out[start..];
        if !fallback {
            for u in others.iter().chain(std::iter::once(&winner)).map(|c| c.unit) {
                bits[u as usize / 64] |= 1 << (u % 64);
            }
        }
        self.out.push(u64::from(!fallback) << 32 | winner.unit as u64);
    }
}

pub(super) fn quota_method(p: &Problem, quotas: Vec<Ratio>) -> Apportionment {
    let n = p.len();
    let mut b = Buffers::default();
    let h0: u64 = p.lower().iter().sum();
    let mut record = Record(Vec::with_capacity((p.total() - h0) as usize));
    run(p, &mut b, &mut record, p.lower());
    let ties = ties::decided(p, h0, &record.0, &b.k, &b.base);
    let k = b.k;
    let last_in =
        record.0.last().map(|x| priority(Method::Jefferson, p.weights()[x.unit as usize], x.next as u64 - 1));
    let first_out =
        (0..n).filter(|&i| k[i] < p.cap(i)).map(|i| priority(Method::Jefferson, p.weights()[i], k[i])).max();
    Apportionment {
        method: Method::Quota,
        seats: k,
        quotas,
        ties,
        cutoff: Cutoff::Priority { last_in, first_out },
    }
}

/// Slots only, into `out`, with reused buffers: by segments ([`fast`]), the last one house by
/// house when its selection cannot be scheduled.
pub(super) fn quota_seats(p: &Problem, b: &mut Buffers, out: &mut Vec<u64>) {
    if fast::seats(p, &mut b.fast, out).is_err() {
        let start = std::mem::take(&mut b.fast.start);
        run(p, b, &mut SeatsOnly, &start);
        b.fast.start = start;
        out.clear();
        out.extend_from_slice(&b.k);
    }
}

/// Slots only, house by house from the floors (the reference for [`quota_seats`]' tests).
#[cfg(test)]
fn seats_house_by_house(p: &Problem, b: &mut Buffers, out: &mut Vec<u64>) {
    run(p, b, &mut SeatsOnly, p.lower());
    out.clear();
    out.extend_from_slice(&b.k);
}

/// Appends the method's decisions to `out`: for every house size from the floors' sum + 1 to
/// the total, the eligible units as ⌈n/64⌉ bit words (unit i is bit i % 64 of word i / 64; all
/// zero when none was eligible), then `(any eligible) << 32 | winner`. Used by the
/// one-at-a-time design as the state whose equality at two points proves the slots constant
/// between them (see `sweep::oat`).
pub fn quota_trace(p: &Problem, b: &mut Buffers, out: &mut Vec<u64>) {
    let words = p.len().div_ceil(64);
    run(p, b, &mut Trace { out, words }, p.lower());
}
